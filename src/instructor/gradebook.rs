//! The gradebook: one row per student (checks passed of checks evaluated,
//! what each must do) as a table, CSV, JSON, Markdown or JUnit.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::checks::{CheckResult, Status};
use crate::error::ExitStatus;
use crate::i18n::{Lang, tr, trf};
use crate::report::junit as junit_xml;
use crate::spend::MonthFigure;
use crate::ui::clean;
use crate::ui::text::{self, subheading, wrap_plain};

/// Whether a student's account (or report) could be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StudentStatus {
    Ok,
    Error,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Score {
    pub passed: usize,
    pub evaluated: usize,
}

impl Score {
    /// Checks passed of checks evaluated: a skip or an error was not evaluated.
    pub fn of(checks: &[CheckResult]) -> Score {
        let evaluated = checks
            .iter()
            .filter(|c| matches!(c.status, Status::Pass | Status::Fail | Status::Warn))
            .count();
        Score {
            passed: checks.iter().filter(|c| c.status == Status::Pass).count(),
            evaluated,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct StudentResult {
    pub name: String,
    pub account: Option<String>,
    pub region: Option<String>,
    /// Whether the account (or report) could be read.
    pub status: StudentStatus,
    pub error: Option<String>,
    pub checks: Vec<CheckResult>,
    pub score: Score,
    /// From a learner's exported report: checklist and quizzes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<ProgressSummary>,
    /// `instructor verify`: the checklist items the account itself proves
    /// now (task evidence: a notebook started and stopped in the last 24
    /// hours, the budget and idle shutdown), of those it could.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_account: Option<AccountItems>,
    /// `instructor verify --spend`: the month so far from Cost Explorer, or
    /// why it could not be read (never a reason to fail the student).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spend: Option<MonthFigure>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AccountItems {
    /// Item ids proven on the account (kind of evidence: `task`).
    pub proven: Vec<String>,
    pub total: usize,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ProgressSummary {
    pub checklist_done: usize,
    pub checklist_total: usize,
    pub quizzes_passed: usize,
    pub quizzes_total: usize,
    /// Each ticked item's kind of evidence (item id → `quiz`, `tool`,
    /// `live` or `task`): `live` and `task` were proven on the account.
    #[serde(default)]
    pub evidence: std::collections::BTreeMap<String, String>,
    /// When the report's live checks ran.
    pub checked_at: Option<String>,
}

impl ProgressSummary {
    /// `5/7 (quiz 3, task 2)`: items ticked, and by which kind of evidence.
    pub fn checklist_text(&self) -> String {
        let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
        for kind in self.evidence.values() {
            *counts.entry(kind.as_str()).or_default() += 1;
        }
        let mut text = format!("{}/{}", self.checklist_done, self.checklist_total);
        if !counts.is_empty() {
            let kinds: Vec<String> = counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
            text.push_str(&format!(" ({})", kinds.join(", ")));
        }
        text
    }
}

impl StudentResult {
    pub fn needs_attention(&self) -> bool {
        self.status != StudentStatus::Ok
            || self.error.is_some()
            || self
                .checks
                .iter()
                .any(|c| matches!(c.status, Status::Fail | Status::Error))
    }
}

#[derive(Debug, Serialize)]
pub struct Gradebook {
    pub students: Vec<StudentResult>,
    pub summary: BTreeMap<&'static str, usize>,
}

impl Gradebook {
    pub fn new(students: Vec<StudentResult>) -> Gradebook {
        let mut summary = BTreeMap::new();
        summary.insert("students", students.len());
        summary.insert("ok", students.iter().filter(|s| s.status == StudentStatus::Ok).count());
        summary.insert(
            "error",
            students.iter().filter(|s| s.status == StudentStatus::Error).count(),
        );
        summary.insert("all_passed", students.iter().filter(|s| !s.needs_attention()).count());
        Gradebook { students, summary }
    }

    /// Failure when any student has a failing or erroring check (or could not be read).
    pub fn exit_status(&self) -> ExitStatus {
        ExitStatus::failed_if(self.students.iter().any(StudentResult::needs_attention))
    }
}

impl StudentStatus {
    pub fn name(self) -> &'static str {
        match self {
            StudentStatus::Ok => "ok",
            StudentStatus::Error => "error",
        }
    }
}

fn symbol(status: Option<Status>) -> &'static str {
    match status {
        Some(Status::Pass) => "✔",
        Some(Status::Fail) => "✘",
        Some(Status::Warn) => "!",
        Some(Status::Skip) => "-",
        Some(Status::Error) => "?",
        None => " ",
    }
}

fn status_of(student: &StudentResult, id: &str) -> Option<Status> {
    student.checks.iter().find(|c| c.id == id).map(|c| c.status)
}

/// The check ids that appear in the gradebook (all, or those of `--only`).
fn columns(book: &Gradebook) -> Vec<&'static str> {
    crate::checks::ids()
        .filter(|id| book.students.iter().any(|s| status_of(s, id).is_some()))
        .collect()
}

fn score_text(student: &StudentResult) -> String {
    if student.status == StudentStatus::Ok {
        format!("{}/{}", student.score.passed, student.score.evaluated)
    } else {
        "—".to_string()
    }
}

/// What a student must do: each failing or erroring check and its first fix.
fn to_do(student: &StudentResult) -> Vec<String> {
    if let (Some(error), StudentStatus::Error) = (&student.error, student.status) {
        return vec![error.clone()];
    }
    student
        .error
        .iter()
        .cloned()
        .chain(
            student
                .checks
                .iter()
                .filter(|c| matches!(c.status, Status::Fail | Status::Error))
                .map(|c| {
                    let fix = c
                        .remediation
                        .commands
                        .first()
                        .map_or(String::new(), |cmd| format!(" → {cmd}"));
                    format!("{}: {}{fix}", c.id, c.summary)
                }),
        )
        .collect()
}

pub fn table(book: &Gradebook, lang: Lang, width: usize) -> String {
    let ids = columns(book);
    let with_progress = book.students.iter().any(|s| s.progress.is_some());
    let mut headers = vec![
        tr(lang, "instructor.student").to_string(),
        tr(lang, "instructor.account").to_string(),
        tr(lang, "instructor.score").to_string(),
    ];
    if with_progress {
        headers.push(tr(lang, "instructor.checklist").to_string());
    }
    let with_account_items = book.students.iter().any(|s| s.on_account.is_some());
    if with_account_items {
        headers.push(tr(lang, "instructor.on_account").to_string());
    }
    let with_spend = book.students.iter().any(|s| s.spend.is_some());
    if with_spend {
        headers.push(tr(lang, "instructor.spend").to_string());
    }
    headers.extend((1..=ids.len()).map(|n| n.to_string()));
    let rows: Vec<Vec<String>> = book
        .students
        .iter()
        .map(|s| {
            let mut row = vec![
                clean(&s.name),
                s.account.clone().unwrap_or_else(|| "?".into()),
                score_text(s),
            ];
            if with_progress {
                row.push(
                    s.progress
                        .as_ref()
                        .map_or(String::new(), ProgressSummary::checklist_text),
                );
            }
            if with_account_items {
                row.push(
                    s.on_account
                        .as_ref()
                        .map_or(String::new(), |a| format!("{}/{}", a.proven.len(), a.total)),
                );
            }
            if with_spend {
                row.push(s.spend.as_ref().map_or(String::new(), |m| m.cell(lang)));
            }
            row.extend(ids.iter().map(|id| {
                if s.status == StudentStatus::Ok {
                    symbol(status_of(s, id)).to_string()
                } else {
                    "?".into()
                }
            }));
            row
        })
        .collect();
    let mut out = text::table(&headers, &rows, width);
    out.push('\n');
    let legend: Vec<String> = ids
        .iter()
        .enumerate()
        .map(|(n, id)| format!("{} {id}", n + 1))
        .collect();
    out.push_str(&wrap_plain(&legend.join(" · "), width, "", ""));
    out.push_str(&wrap_plain(tr(lang, "instructor.legend"), width, "", ""));
    if let Some(legend) = spend_legend(book, lang) {
        out.push_str(&wrap_plain(&legend, width, "", ""));
    }
    let pending: Vec<&StudentResult> = book.students.iter().filter(|s| s.needs_attention()).collect();
    if !pending.is_empty() {
        out.push('\n');
        out.push_str(&subheading(tr(lang, "instructor.to_do")));
        for s in pending {
            out.push_str(&format!("{}\n", clean(&s.name)));
            for line in to_do(s) {
                out.push_str(&wrap_plain(&clean(&line), width, "  • ", "    "));
            }
        }
    }
    out.push_str(&format!(
        "\n{}\n",
        trf(
            lang,
            "instructor.summary",
            &[
                ("all", &book.summary["all_passed"]),
                ("students", &book.summary["students"]),
                ("errors", &book.summary["error"])
            ]
        )
    ));
    out
}

/// Under the table with `--spend`: what the column is, and why a `?`.
fn spend_legend(book: &Gradebook, lang: Lang) -> Option<String> {
    if book.students.iter().all(|s| s.spend.is_none()) {
        return None;
    }
    let mut reasons: Vec<&str> = book
        .students
        .iter()
        .filter_map(|s| match &s.spend {
            Some(MonthFigure::Failed { error }) => Some(error.as_str()),
            _ => None,
        })
        .collect();
    reasons.sort_unstable();
    reasons.dedup();
    let mut legend = tr(lang, "instructor.spend_legend").to_string();
    if !reasons.is_empty() {
        legend.push(' ');
        legend.push_str(&trf(
            lang,
            "instructor.spend_unread",
            &[("reasons", &reasons.join("; "))],
        ));
    }
    Some(clean(&legend))
}

/// A CSV field: quoted when needed, and never read as a formula by a
/// spreadsheet (a leading = + - @ gets a quote mark).
pub fn csv_field(text: &str, delimiter: char) -> String {
    let mut value = clean(text);
    if value.starts_with(['=', '+', '-', '@']) {
        value.insert(0, '\'');
    }
    if value.contains([delimiter, '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// The delimiter a spreadsheet in the learner's language expects: `;` in
/// Portuguese (where `,` is the decimal comma), `,` in English.
pub fn default_delimiter(lang: Lang) -> char {
    match lang {
        Lang::Pt => ';',
        Lang::En => ',',
    }
}

/// CSV, one line per student. Scores are two numeric columns (passed,
/// evaluated): a spreadsheet reads "1/2" as a date.
pub fn csv(book: &Gradebook, delimiter: char) -> String {
    let ids = columns(book);
    let with_progress = book.students.iter().any(|s| s.progress.is_some());
    // `aws_region`, not `region`: a check has that id and its own column.
    let mut header = vec!["name", "account", "aws_region", "status", "passed", "evaluated"];
    if with_progress {
        header.extend(["checklist_done", "checklist_total", "quizzes_passed", "quizzes_total"]);
    }
    let with_spend = book.students.iter().any(|s| s.spend.is_some());
    if with_spend {
        header.extend(["spend_month_to_date_usd", "spend_error"]);
    }
    header.extend(ids.iter().copied());
    header.push("error");
    let sep = delimiter.to_string();
    let mut out = header.join(&sep) + "\n";
    for s in &book.students {
        let ok = s.status == StudentStatus::Ok;
        let number = |n: usize| if ok { n.to_string() } else { String::new() };
        let mut row = vec![
            csv_field(&s.name, delimiter),
            csv_field(s.account.as_deref().unwrap_or(""), delimiter),
            csv_field(s.region.as_deref().unwrap_or(""), delimiter),
            s.status.name().to_string(),
            number(s.score.passed),
            number(s.score.evaluated),
        ];
        if with_progress {
            let p = s.progress.as_ref();
            let field = |f: fn(&ProgressSummary) -> usize| p.map_or(String::new(), |p| f(p).to_string());
            row.push(field(|p| p.checklist_done));
            row.push(field(|p| p.checklist_total));
            row.push(field(|p| p.quizzes_passed));
            row.push(field(|p| p.quizzes_total));
        }
        if with_spend {
            let figure = s.spend.as_ref();
            // The decimal mark a `;` spreadsheet (Portuguese) reads as a number.
            let usd = figure.and_then(MonthFigure::usd).map_or(String::new(), |usd| {
                let text = usd.to_string();
                if delimiter == ';' { text.replace('.', ",") } else { text }
            });
            let error = match figure {
                Some(MonthFigure::Failed { error }) => error.as_str(),
                _ => "",
            };
            row.push(csv_field(&usd, delimiter));
            row.push(csv_field(error, delimiter));
        }
        row.extend(
            ids.iter()
                .map(|id| status_of(s, id).map_or(String::new(), |st| st.name().to_string())),
        );
        row.push(csv_field(s.error.as_deref().unwrap_or(""), delimiter));
        out.push_str(&row.join(&sep));
        out.push('\n');
    }
    out
}

pub fn json(book: &Gradebook) -> String {
    crate::util::json_pretty(book)
}

pub fn markdown(book: &Gradebook, lang: Lang) -> String {
    let ids = columns(book);
    let md = |s: &str| clean(s).replace('|', "\\|");
    let with_spend = book.students.iter().any(|s| s.spend.is_some());
    let mut out = format!("# {}\n\n", tr(lang, "instructor.title"));
    out.push_str(&format!(
        "| {} | {} | {} |",
        tr(lang, "instructor.student"),
        tr(lang, "instructor.account"),
        tr(lang, "instructor.score")
    ));
    if with_spend {
        out.push_str(&format!(" {} |", tr(lang, "instructor.spend")));
    }
    for id in &ids {
        out.push_str(&format!(" `{id}` |"));
    }
    let extra = usize::from(with_spend) + ids.len();
    out.push_str(&format!("\n|---|---|---|{}\n", "---|".repeat(extra)));
    for s in &book.students {
        out.push_str(&format!(
            "| {} | {} | {} |",
            md(&s.name),
            s.account.as_deref().unwrap_or("?"),
            score_text(s)
        ));
        if with_spend {
            let cell = s.spend.as_ref().map_or(String::new(), |m| m.cell(lang));
            out.push_str(&format!(" {} |", md(&cell)));
        }
        for id in &ids {
            let cell = if s.status == StudentStatus::Ok {
                status_of(s, id).map_or("", |st| st.name())
            } else {
                "error"
            };
            out.push_str(&format!(" {cell} |"));
        }
        out.push('\n');
    }
    if let Some(legend) = spend_legend(book, lang) {
        out.push_str(&format!("\n{}\n", md(&legend)));
    }
    let pending: Vec<&StudentResult> = book.students.iter().filter(|s| s.needs_attention()).collect();
    if !pending.is_empty() {
        out.push_str(&format!("\n## {}\n", tr(lang, "instructor.to_do")));
        for s in pending {
            out.push_str(&format!("\n### {}\n\n", md(&s.name)));
            for line in to_do(s) {
                out.push_str(&format!("- {}\n", md(&line)));
            }
        }
    }
    out
}

/// JUnit: one test suite per student, one case per check.
pub fn junit(book: &Gradebook) -> String {
    let suites = book
        .students
        .iter()
        .map(|s| {
            let mut cases: Vec<_> = s.error.iter().map(|e| junit_xml::error_case("access", e)).collect();
            cases.extend(
                s.checks
                    .iter()
                    .map(|c| junit_xml::case(c.id, &s.name, c.status, &c.summary, None)),
            );
            let mut suite = junit_xml::suite(&s.name, cases);
            match &s.spend {
                Some(MonthFigure::Read(m)) => {
                    suite.add_property(("spend_month_to_date_usd", m.month_to_date_usd.to_string().as_str()));
                }
                Some(MonthFigure::Failed { error }) => {
                    suite.add_property(("spend_error", clean(error).as_str()));
                }
                None => {}
            }
            suite
        })
        .collect();
    junit_xml::document("sm-course instructor", suites)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{Remediation, Resource};

    fn result(id: &'static str, status: Status) -> CheckResult {
        CheckResult {
            id,
            status,
            title: id.into(),
            summary: format!("{id} summary"),
            evidence: vec![],
            resources: Vec::<Resource>::new(),
            remediation: Remediation {
                commands: vec![format!("fix {id}")],
                ..Remediation::default()
            },
        }
    }

    fn book() -> Gradebook {
        let ok = StudentResult {
            name: "Ana, \"the first\"".into(),
            account: Some("111111111111".into()),
            region: Some("eu-central-1".into()),
            status: StudentStatus::Ok,
            error: None,
            checks: vec![
                result("identity", Status::Pass),
                result("budget", Status::Fail),
                result("spot-training", Status::Skip),
            ],
            score: Score {
                passed: 1,
                evaluated: 2,
            },
            progress: None,
            on_account: None,
            spend: None,
        };
        let broken = StudentResult {
            name: "=HYPERLINK(\"x\")".into(),
            account: None,
            region: Some("eu-central-1".into()),
            status: StudentStatus::Error,
            error: Some("AccessDenied".into()),
            checks: vec![],
            score: Score {
                passed: 0,
                evaluated: 0,
            },
            progress: None,
            on_account: None,
            spend: None,
        };
        Gradebook::new(vec![ok, broken])
    }

    #[test]
    fn the_score_counts_passes_of_evaluated_checks() {
        let checks = [
            result("a", Status::Pass),
            result("b", Status::Warn),
            result("c", Status::Skip),
            result("d", Status::Error),
        ];
        assert_eq!(
            Score::of(&checks),
            Score {
                passed: 1,
                evaluated: 2
            }
        );
    }

    #[test]
    fn csv_has_a_column_per_check_and_resists_formula_injection() {
        let text = csv(&book(), ',');
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "name,account,aws_region,status,passed,evaluated,identity,budget,spot-training,error"
        );
        // The score as two numbers: "1/2" would become a date in a spreadsheet.
        assert_eq!(
            lines[1],
            "\"Ana, \"\"the first\"\"\",111111111111,eu-central-1,ok,1,2,pass,fail,skip,"
        );
        assert!(
            lines[2].starts_with("\"'=HYPERLINK(\"\"x\"\")\",,eu-central-1,error,,,,,,AccessDenied"),
            "{}",
            lines[2]
        );
        // With `;` (Portuguese spreadsheets), a comma needs no quotes but a `;` does.
        let semi = csv(&book(), ';');
        assert!(
            semi.lines()
                .nth(1)
                .unwrap()
                .ends_with(";111111111111;eu-central-1;ok;1;2;pass;fail;skip;"),
            "{semi}"
        );
        assert_eq!(csv_field("a,b", ';'), "a,b");
        assert_eq!(csv_field("a;b", ';'), "\"a;b\"");
    }

    #[test]
    fn the_table_says_what_each_failing_student_must_do() {
        colored::control::set_override(false);
        let text = table(&book(), Lang::En, 100);
        assert!(text.contains("budget: budget summary → fix budget"), "{text}");
        assert!(text.contains("AccessDenied"), "{text}");
        assert!(text.contains("0 of 2 students passed everything"), "{text}");
        assert_eq!(book().exit_status(), ExitStatus::Failure);
    }
}
