//! The class's gradebook (`instructor verify`, `instructor collect`): one
//! row per student (checks passed of checks evaluated, what each must do),
//! and its renderers: a table, CSV, JSON, Markdown, JUnit or the HTML page.
//! `instructor` computes the rows (reading accounts, merging reports); the
//! types live here, in the lowest layer that uses them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::junit as junit_xml;
use crate::checks::{CheckResult, Status};
use crate::error::ExitStatus;
use crate::i18n::{Lang, tr, trf};
use crate::spend::MonthFigure;
use crate::ui::clean;
use crate::ui::text::{self, subheading, wrap_plain};

/// Whether a student's account (or report) could be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum StudentStatus {
    Ok,
    Error,
    /// `collect` with a roster: a student who sent no report.
    Missing,
    /// `verify --org-ou`: an account the unit lists as closed (suspended,
    /// pending closure): listed, never read, never a reason for exit code 1.
    Suspended,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub(crate) struct Score {
    pub passed: usize,
    pub evaluated: usize,
}

impl Score {
    /// Checks passed of checks evaluated: a skip or an error was not
    /// evaluated, and a muted check was accepted (counted apart).
    pub(crate) fn of(checks: &[CheckResult]) -> Score {
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
pub(crate) struct StudentResult {
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
    /// `instructor verify`: what still bills on the account, from the same
    /// inventory `audit` reads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub still_billing: Option<StillBilling>,
    /// `instructor verify --spend`: the month so far from Cost Explorer, or
    /// why it could not be read (never a reason to fail the student).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spend: Option<MonthFigure>,
}

pub(crate) use crate::checks::bill::StillBilling;

#[derive(Clone, Debug, Serialize, PartialEq)]
pub(crate) struct AccountItems {
    /// Item ids proven on the account (kind of evidence: `task`).
    pub proven: Vec<String>,
    pub total: usize,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub(crate) struct ProgressSummary {
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
    pub(crate) fn checklist_text(&self) -> String {
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
    /// A row for a student whose account or report could not be read.
    pub(crate) fn unreadable(name: String, error: String) -> StudentResult {
        StudentResult {
            name,
            account: None,
            region: None,
            status: StudentStatus::Error,
            error: Some(error),
            checks: vec![],
            score: Score {
                passed: 0,
                evaluated: 0,
            },
            progress: None,
            on_account: None,
            still_billing: None,
            spend: None,
        }
    }

    /// Anything to do: not read, flagged, a check failing or erroring, or
    /// nothing evaluated at all (0 of 0 is never "passed everything").
    pub(crate) fn needs_attention(&self) -> bool {
        if self.status == StudentStatus::Suspended {
            return false;
        }
        self.status != StudentStatus::Ok
            || self.error.is_some()
            || self.score.evaluated == 0
            || self
                .checks
                .iter()
                .any(|c| matches!(c.status, Status::Fail | Status::Error))
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct Gradebook {
    pub students: Vec<StudentResult>,
    pub summary: BTreeMap<&'static str, usize>,
}

impl Gradebook {
    pub(crate) fn new(students: Vec<StudentResult>) -> Gradebook {
        let mut summary = BTreeMap::new();
        summary.insert("students", students.len());
        summary.insert("ok", students.iter().filter(|s| s.status == StudentStatus::Ok).count());
        summary.insert(
            "error",
            students.iter().filter(|s| s.status == StudentStatus::Error).count(),
        );
        summary.insert(
            "missing",
            students.iter().filter(|s| s.status == StudentStatus::Missing).count(),
        );
        summary.insert(
            "suspended",
            students.iter().filter(|s| s.status == StudentStatus::Suspended).count(),
        );
        summary.insert(
            "all_passed",
            students
                .iter()
                .filter(|s| s.status == StudentStatus::Ok && !s.needs_attention())
                .count(),
        );
        // Findings accepted by an exception (each resource or whole check).
        summary.insert("muted", students.iter().map(|s| muted(s).count()).sum());
        Gradebook { students, summary }
    }

    /// Failure when any student has a failing or erroring check (or could not be read).
    pub(crate) fn exit_status(&self) -> ExitStatus {
        ExitStatus::failed_if(self.students.iter().any(StudentResult::needs_attention))
    }
}

impl StudentStatus {
    pub(crate) fn name(self) -> &'static str {
        match self {
            StudentStatus::Ok => "ok",
            StudentStatus::Error => "error",
            StudentStatus::Missing => "missing",
            StudentStatus::Suspended => "suspended",
        }
    }
}

/// What exceptions accept in a student's checks now (expired ones fail
/// again and are in the checks' summaries), with the check's id.
fn muted(student: &StudentResult) -> impl Iterator<Item = (&'static str, &crate::checks::exceptions::Accepted)> {
    student
        .checks
        .iter()
        .flat_map(|c| c.exceptions.iter().filter(|a| !a.expired).map(move |a| (c.id, a)))
}

/// "endpoints: endpoint shared-demo until 2026-12-20 — why (file:3)".
fn muted_text(id: &str, accepted: &crate::checks::exceptions::Accepted, lang: Lang) -> String {
    format!("{id}: {}", accepted.line(lang))
}

fn symbol(status: Option<Status>) -> &'static str {
    match status {
        Some(Status::Pass) => "✔",
        Some(Status::Fail) => "✘",
        Some(Status::Warn) => "!",
        Some(Status::Skip) => "-",
        Some(Status::Error) => "?",
        Some(Status::Muted) => "~",
        None => " ",
    }
}

fn status_of(student: &StudentResult, id: &str) -> Option<Status> {
    student.checks.iter().find(|c| c.id == id).map(|c| c.status)
}

/// The columns every format carries, in this order: student, account,
/// region, status, score; the checklist (from learners' reports) and what
/// the account proves (`verify`) when any row has them; then each check
/// that appears (all, or those of `--only`). JSON carries the same fields.
struct Columns {
    progress: bool,
    /// What the account proves, and whether its teardown is proven.
    on_account: bool,
    /// What still bills, per hour and per month.
    billing: bool,
    /// `verify --spend`: the month so far from Cost Explorer.
    spend: bool,
    ids: Vec<&'static str>,
}

/// The checklist item a teardown proves.
const TEARDOWN_ITEM: &str = "nothing-billing";

fn columns(book: &Gradebook) -> Columns {
    Columns {
        progress: book.students.iter().any(|s| s.progress.is_some()),
        on_account: book.students.iter().any(|s| s.on_account.is_some()),
        billing: book.students.iter().any(|s| s.still_billing.is_some()),
        spend: book.students.iter().any(|s| s.spend.is_some()),
        ids: crate::checks::ids()
            .filter(|id| book.students.iter().any(|s| status_of(s, id).is_some()))
            .collect(),
    }
}

fn on_account_text(student: &StudentResult) -> String {
    student
        .on_account
        .as_ref()
        .map_or(String::new(), |a| format!("{}/{}", a.proven.len(), a.total))
}

/// Whether the account proves the teardown: `Some(true)`, `Some(false)`,
/// or `None` (not read).
fn teardown_proven(student: &StudentResult) -> Option<bool> {
    student
        .on_account
        .as_ref()
        .map(|a| a.proven.iter().any(|id| id == TEARDOWN_ITEM))
}

/// The same for a file (`true`, `false`, empty) and for people (✔, ✘).
fn teardown_text(student: &StudentResult) -> &'static str {
    teardown_proven(student).map_or("", |p| if p { "true" } else { "false" })
}

fn teardown_mark(student: &StudentResult) -> &'static str {
    teardown_proven(student).map_or("", |p| if p { "✔" } else { "✘" })
}

/// "$0.23/h · $1.50/mo" (with "at least" when a figure is unknown).
fn billing_text(student: &StudentResult, lang: Lang) -> String {
    student.still_billing.as_ref().map_or(String::new(), |b| {
        format!(
            "{}/h · {}/mo",
            crate::catalog::usd_at_least(b.per_hour_usd, b.partial, lang),
            crate::catalog::usd_at_least(b.storage_monthly_usd, b.partial, lang)
        )
    })
}

fn checklist_text(student: &StudentResult) -> String {
    student
        .progress
        .as_ref()
        .map_or(String::new(), ProgressSummary::checklist_text)
}

/// The first columns' headers, in the learner's language (table, Markdown).
fn headers(columns: &Columns, lang: Lang) -> Vec<String> {
    let mut headers = vec![
        tr(lang, "instructor.student").to_string(),
        tr(lang, "instructor.account").to_string(),
        tr(lang, "instructor.region").to_string(),
        tr(lang, "instructor.score").to_string(),
    ];
    if columns.progress {
        headers.push(tr(lang, "instructor.checklist").to_string());
    }
    if columns.on_account {
        headers.push(tr(lang, "instructor.on_account").to_string());
        headers.push(tr(lang, "instructor.teardown").to_string());
    }
    if columns.billing {
        headers.push(tr(lang, "instructor.still_billing").to_string());
    }
    if columns.spend {
        headers.push(tr(lang, "instructor.spend").to_string());
    }
    headers
}

/// The first columns of a row, as the table and Markdown show them (the
/// status is the score's "—" and the to-do list).
fn cells(student: &StudentResult, columns: &Columns, lang: Lang) -> Vec<String> {
    let mut row = vec![
        clean(&student.name),
        student.account.clone().unwrap_or_else(|| "?".into()),
        student.region.clone().unwrap_or_default(),
        score_text(student),
    ];
    if columns.progress {
        row.push(checklist_text(student));
    }
    if columns.on_account {
        row.push(on_account_text(student));
        row.push(teardown_mark(student).to_string());
    }
    if columns.billing {
        row.push(billing_text(student, lang));
    }
    if columns.spend {
        row.push(student.spend.as_ref().map_or(String::new(), |m| m.cell(lang)));
    }
    row
}

fn score_text(student: &StudentResult) -> String {
    if student.status == StudentStatus::Ok {
        format!("{}/{}", student.score.passed, student.score.evaluated)
    } else {
        "—".to_string()
    }
}

/// What a student must do: each failing or erroring check and its first fix.
fn to_do(student: &StudentResult, lang: Lang) -> Vec<String> {
    if let (Some(error), StudentStatus::Error | StudentStatus::Missing) = (&student.error, student.status) {
        return vec![error.clone()];
    }
    if student.score.evaluated == 0 && student.error.is_none() {
        return vec![tr(lang, "instructor.nothing_evaluated").to_string()];
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

pub(crate) fn table(book: &Gradebook, lang: Lang, width: usize) -> String {
    let columns = columns(book);
    let ids = &columns.ids;
    let mut headers = headers(&columns, lang);
    headers.extend((1..=ids.len()).map(|n| n.to_string()));
    let rows: Vec<Vec<String>> = book
        .students
        .iter()
        .map(|s| {
            let mut row = cells(s, &columns, lang);
            row.extend(ids.iter().map(|id| match s.status {
                StudentStatus::Ok => symbol(status_of(s, id)).to_string(),
                StudentStatus::Error => "?".into(),
                StudentStatus::Missing | StudentStatus::Suspended => String::new(),
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
            for line in to_do(s, lang) {
                out.push_str(&wrap_plain(&clean(&line), width, "  • ", "    "));
            }
        }
    }
    let accepted: Vec<&StudentResult> = book.students.iter().filter(|s| muted(s).next().is_some()).collect();
    if !accepted.is_empty() {
        out.push('\n');
        out.push_str(&subheading(tr(lang, "instructor.muted")));
        for s in accepted {
            out.push_str(&format!("{}\n", clean(&s.name)));
            for (id, a) in muted(s) {
                out.push_str(&wrap_plain(&clean(&muted_text(id, a, lang)), width, "  ~ ", "    "));
            }
        }
    }
    out.push_str(&format!("\n{}\n", summary_line(book, lang)));
    out
}

/// "3 of 5 students passed everything; 1 could not be reached; 1 sent no report."
fn summary_line(book: &Gradebook, lang: Lang) -> String {
    let mut line = trf(
        lang,
        "instructor.summary",
        &[
            ("all", &book.summary["all_passed"]),
            ("students", &(book.summary["students"] - book.summary["suspended"])),
            ("errors", &book.summary["error"]),
        ],
    );
    // The rows that are not a student's result, each said when there are some.
    for (count, key) in [
        ("missing", "instructor.summary_missing"),
        ("suspended", "instructor.summary_suspended"),
        ("muted", "instructor.summary_muted"),
    ] {
        if book.summary[count] > 0 {
            line.push(' ');
            line.push_str(&trf(lang, key, &[(count, &book.summary[count])]));
        }
    }
    line
}

/// The month so far as a plain number, and why not (both empty without `--spend`).
fn spend_fields(student: &StudentResult) -> (String, String) {
    match &student.spend {
        Some(MonthFigure::Read(m)) => (m.month_to_date_usd.to_string(), String::new()),
        Some(MonthFigure::Failed { error }) => (String::new(), error.clone()),
        None => (String::new(), String::new()),
    }
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
pub(crate) fn csv_field(text: &str, delimiter: char) -> String {
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
pub(crate) fn default_delimiter(lang: Lang) -> char {
    match lang {
        Lang::Pt => ';',
        Lang::En => ',',
    }
}

/// CSV, one line per student. Scores are two numeric columns (passed,
/// evaluated): a spreadsheet reads "1/2" as a date.
pub(crate) fn csv(book: &Gradebook, delimiter: char) -> String {
    let columns = columns(book);
    let ids = &columns.ids;
    let with_progress = columns.progress;
    // `aws_region`, not `region`: a check has that id and its own column.
    let mut header = vec!["name", "account", "aws_region", "status", "passed", "evaluated"];
    if with_progress {
        header.extend(["checklist_done", "checklist_total", "quizzes_passed", "quizzes_total"]);
    }
    if columns.on_account {
        header.extend(["on_account_proven", "on_account_total", "teardown_proven"]);
    }
    if columns.billing {
        header.extend([
            "still_billing_per_hour_usd",
            "still_billing_monthly_usd",
            "still_billing_partial",
        ]);
    }
    if columns.spend {
        header.extend(["spend_month_to_date_usd", "spend_error"]);
    }
    header.extend(ids.iter().copied());
    header.push("error");
    // What exceptions accept, apart, when anything is accepted.
    let with_muted = book.summary["muted"] > 0;
    if with_muted {
        header.push("muted");
    }
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
        if columns.on_account {
            let a = s.on_account.as_ref();
            row.push(a.map_or(String::new(), |a| a.proven.len().to_string()));
            row.push(a.map_or(String::new(), |a| a.total.to_string()));
            row.push(teardown_text(s).to_string());
        }
        if columns.billing {
            // A decimal comma where `;` separates the fields (a Portuguese
            // spreadsheet's), else a point.
            let number = |v: f64| match delimiter {
                ';' => v.to_string().replace('.', ","),
                _ => v.to_string(),
            };
            let b = s.still_billing.as_ref();
            row.push(b.map_or(String::new(), |b| number(b.per_hour_usd)));
            row.push(b.map_or(String::new(), |b| number(b.storage_monthly_usd)));
            row.push(b.map_or(String::new(), |b| b.partial.to_string()));
        }
        if columns.spend {
            let (usd, error) = spend_fields(s);
            // The decimal mark a `;` spreadsheet (Portuguese) reads as a number.
            let usd = if delimiter == ';' { usd.replace('.', ",") } else { usd };
            row.push(csv_field(&usd, delimiter));
            row.push(csv_field(&error, delimiter));
        }
        row.extend(
            ids.iter()
                .map(|id| status_of(s, id).map_or(String::new(), |st| st.name().to_string())),
        );
        row.push(csv_field(s.error.as_deref().unwrap_or(""), delimiter));
        if with_muted {
            // Without words of either language: `endpoints: endpoint x → 2026-12-20 (why)`.
            let list: Vec<String> = muted(s)
                .map(|(id, a)| match a.what().as_str() {
                    "" => format!("{id} → {} ({})", a.expires, a.reason),
                    what => format!("{id}: {what} → {} ({})", a.expires, a.reason),
                })
                .collect();
            row.push(csv_field(&list.join(" | "), delimiter));
        }
        out.push_str(&row.join(&sep));
        out.push('\n');
    }
    out
}

pub(crate) fn json(book: &Gradebook) -> String {
    crate::util::json_pretty(book)
}

/// The class page (`report::html`): the summary, the charts and one row
/// per student; `generated_at` is RFC 3339.
pub(crate) fn html(book: &Gradebook, lang: Lang, generated_at: &str) -> String {
    use super::html::{self, Standing};
    let rows = book
        .students
        .iter()
        .map(|s| {
            let standing = match s.status {
                StudentStatus::Error => Standing::Unreadable,
                StudentStatus::Missing => Standing::Missing,
                StudentStatus::Suspended => Standing::Suspended,
                StudentStatus::Ok if s.needs_attention() => Standing::Attention,
                StudentStatus::Ok => Standing::Passed,
            };
            let nothing = (s.status == StudentStatus::Ok && s.score.evaluated == 0)
                .then(|| tr(lang, "instructor.nothing_evaluated"));
            html::Row {
                name: &s.name,
                account: s.account.as_deref(),
                region: s.region.as_deref(),
                standing,
                note: s.error.as_deref().or(nothing),
                checks: &s.checks,
                score: Some((s.score.passed, s.score.evaluated)),
                billing: s.still_billing.as_ref(),
                proven: s.on_account.as_ref().map(|a| (a.proven.as_slice(), a.total)),
                checklist: s.progress.as_ref().map(ProgressSummary::checklist_text),
                teardown: teardown_proven(s),
                spend: s.spend.as_ref(),
            }
        })
        .collect();
    let page = html::Class {
        title: tr(lang, "instructor.title").to_string(),
        generated_at,
        rows,
        single: false,
        notes: Vec::new(),
    };
    html::class(&page, lang)
}

pub(crate) fn markdown(book: &Gradebook, lang: Lang) -> String {
    let columns = columns(book);
    let md = super::md::text;
    let mut out = format!("# {}\n\n", tr(lang, "instructor.title"));
    let headers = headers(&columns, lang);
    out.push('|');
    for header in &headers {
        out.push_str(&format!(" {} |", md(header)));
    }
    for id in &columns.ids {
        out.push_str(&format!(" `{id}` |"));
    }
    out.push_str(&format!("\n|{}\n", "---|".repeat(headers.len() + columns.ids.len())));
    for s in &book.students {
        out.push('|');
        for cell in cells(s, &columns, lang) {
            out.push_str(&format!(" {} |", md(&cell)));
        }
        for id in &columns.ids {
            let cell = match s.status {
                StudentStatus::Ok => status_of(s, id).map_or("", |st| st.name()),
                StudentStatus::Error => "error",
                StudentStatus::Missing | StudentStatus::Suspended => "",
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
            for line in to_do(s, lang) {
                out.push_str(&format!("- {}\n", md(&line)));
            }
        }
    }
    let accepted: Vec<&StudentResult> = book.students.iter().filter(|s| muted(s).next().is_some()).collect();
    if !accepted.is_empty() {
        out.push_str(&format!("\n## {}\n", tr(lang, "instructor.muted")));
        for s in accepted {
            out.push_str(&format!("\n### {}\n\n", md(&s.name)));
            for (id, a) in muted(s) {
                out.push_str(&format!("- {}\n", md(&muted_text(id, a, lang))));
            }
        }
    }
    out.push_str(&format!("\n{}\n", md(&summary_line(book, lang))));
    out
}

/// JUnit: one test suite per student, one case per check.
pub(crate) fn junit(book: &Gradebook) -> String {
    let columns = columns(book);
    let suites = book
        .students
        .iter()
        .map(|s| {
            let mut cases: Vec<_> = match s.status {
                // Closed: listed, not read, not a failure.
                StudentStatus::Suspended => s.error.iter().map(|e| junit_xml::skipped_case("access", e)).collect(),
                _ => s.error.iter().map(|e| junit_xml::error_case("access", e)).collect(),
            };
            cases.extend(
                s.checks
                    .iter()
                    .map(|c| junit_xml::case(c.id, &s.name, c.status, &c.summary, None)),
            );
            // The gradebook's other columns, as the suite's properties.
            let ok = s.status == StudentStatus::Ok;
            let number = |n: usize| if ok { n.to_string() } else { String::new() };
            let mut properties = vec![
                ("account", s.account.clone().unwrap_or_default()),
                ("aws_region", s.region.clone().unwrap_or_default()),
                ("status", s.status.name().to_string()),
                ("passed", number(s.score.passed)),
                ("evaluated", number(s.score.evaluated)),
            ];
            if columns.progress {
                properties.push(("checklist", checklist_text(s)));
            }
            if columns.on_account {
                properties.push(("on_account", on_account_text(s)));
                properties.push(("teardown_proven", teardown_text(s).to_string()));
            }
            if columns.billing {
                properties.push(("still_billing", billing_text(s, Lang::En)));
            }
            if columns.spend {
                let (usd, error) = spend_fields(s);
                properties.push(("spend_month_to_date_usd", usd));
                properties.push(("spend_error", error));
            }
            junit_xml::suite_with(&s.name, cases, &properties)
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
            storage: vec![],
            remediation: Remediation {
                commands: vec![format!("fix {id}")],
                ..Remediation::default()
            },
            exceptions: vec![],
            error: None,
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
            still_billing: None,
            spend: None,
        };
        let broken = StudentResult {
            region: Some("eu-central-1".into()),
            ..StudentResult::unreadable("=HYPERLINK(\"x\")".into(), "AccessDenied".into())
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

    /// A class where one row has the checklist of a report and another what
    /// the account proves, and one sent nothing: every column appears once.
    fn full_book() -> Gradebook {
        let mut reported = book().students.remove(0);
        reported.progress = Some(ProgressSummary {
            checklist_done: 4,
            checklist_total: 7,
            quizzes_passed: 3,
            quizzes_total: 8,
            evidence: BTreeMap::from([("families".to_string(), "quiz".to_string())]),
            checked_at: None,
        });
        let mut verified = book().students.remove(0);
        verified.name = "Bruno".into();
        verified.on_account = Some(AccountItems {
            proven: vec!["start-notebook".into()],
            total: 4,
        });
        verified.still_billing = Some(StillBilling {
            per_hour_usd: 0.23,
            storage_monthly_usd: 1.5,
            partial: false,
            compute: Vec::new(),
            storage: Vec::new(),
        });
        let missing = StudentResult {
            name: "Carla".into(),
            status: StudentStatus::Missing,
            error: Some("no report received".into()),
            checks: vec![],
            score: Score {
                passed: 0,
                evaluated: 0,
            },
            ..book().students.remove(1)
        };
        Gradebook::new(vec![reported, verified, missing])
    }

    #[test]
    fn every_format_carries_the_same_columns() {
        colored::control::set_override(false);
        let book = full_book();
        let csv = csv(&book, ',');
        assert_eq!(
            csv.lines().next().unwrap(),
            "name,account,aws_region,status,passed,evaluated,checklist_done,checklist_total,quizzes_passed,\
             quizzes_total,on_account_proven,on_account_total,teardown_proven,still_billing_per_hour_usd,\
             still_billing_monthly_usd,still_billing_partial,identity,budget,spot-training,error"
        );
        assert!(
            csv.lines()
                .nth(2)
                .unwrap()
                .contains(",,,,,1,4,false,0.23,1.5,false,pass,fail,skip,"),
            "{csv}"
        );
        let semicolons = super::csv(&book, ';');
        assert!(semicolons.contains(";1;4;false;0,23;1,5;false;"), "{semicolons}");
        let md = markdown(&book, Lang::En);
        assert!(
            md.contains(
                "| Student | Account | Region | Score | Checklist | On account | Teardown proven | Still billing | `identity` |"
            ),
            "{md}"
        );
        assert!(
            md.contains("| Bruno | 111111111111 | eu-central-1 | 1/2 |  | 1/4 | ✘ | $0.23/h · $1.50/mo | pass |"),
            "{md}"
        );
        let table = table(&book, Lang::En, 200);
        for header in [
            "Student",
            "Account",
            "Region",
            "Score",
            "Checklist",
            "On account",
            "Teardown proven",
            "Still billing",
        ] {
            assert!(table.lines().next().unwrap().contains(header), "{header}: {table}");
        }
        let junit = junit(&book);
        let doc = roxmltree::Document::parse(&junit).unwrap();
        let properties: Vec<(&str, &str)> = doc
            .descendants()
            .find(|n| n.has_tag_name("testsuite") && n.attribute("name") == Some("Bruno"))
            .unwrap()
            .descendants()
            .filter(|n| n.has_tag_name("property"))
            .map(|n| (n.attribute("name").unwrap(), n.attribute("value").unwrap()))
            .collect();
        assert_eq!(
            properties,
            [
                ("account", "111111111111"),
                ("aws_region", "eu-central-1"),
                ("status", "ok"),
                ("passed", "1"),
                ("evaluated", "2"),
                ("checklist", ""),
                ("on_account", "1/4"),
                ("teardown_proven", "false"),
                ("still_billing", "$0.23/h · $1.50/mo")
            ]
        );
        let json = json(&book);
        assert!(
            json.contains("\"on_account\"") && json.contains("\"progress\""),
            "{json}"
        );
        // Carla sent nothing: a row that says so, never a pass.
        assert!(table.contains("no report received"), "{table}");
        assert!(
            table.contains("0 of 3 students passed everything; 0 could not be reached. 1 sent no report."),
            "{table}"
        );
    }

    #[test]
    fn nothing_evaluated_is_never_passed_everything() {
        let mut student = book().students.remove(0);
        student.checks = vec![result("spot-training", Status::Skip)];
        student.score = Score::of(&student.checks);
        let book = Gradebook::new(vec![student]);
        assert_eq!(book.summary["all_passed"], 0);
        assert_eq!(book.exit_status(), ExitStatus::Failure);
        colored::control::set_override(false);
        assert!(table(&book, Lang::En, 100).contains("no check was evaluated"));
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

    #[test]
    fn spend_is_one_more_column_in_every_format_and_never_a_failure() {
        colored::control::set_override(false);
        let mut book = book();
        book.students[0].spend = Some(MonthFigure::Read(crate::spend::MonthToDate {
            month_start: "2026-12-01".into(),
            month_to_date_usd: 12.5,
            currency: "USD".into(),
            fetched_at: "2026-12-06T10:00:00Z".into(),
            cached: false,
        }));
        let mut denied = book.students[0].clone();
        denied.name = "Bia".into();
        denied.spend = Some(MonthFigure::Failed {
            error: "ce:GetCostAndUsage is not allowed".into(),
        });
        let before = Gradebook::new(vec![book.students[0].clone()]).summary["all_passed"];
        let book = Gradebook::new(vec![book.students.remove(0), denied]);
        assert_eq!(book.summary["all_passed"], 2 * before, "a refused read fails no one");
        let table = table(&book, Lang::En, 200);
        assert!(table.lines().next().unwrap().contains("Spend (month)"), "{table}");
        assert!(
            table.contains("$12.50") && table.contains("? = not read: ce:GetCostAndUsage is not allowed"),
            "{table}"
        );
        let csv_en = csv(&book, ',');
        assert!(
            csv_en
                .lines()
                .next()
                .unwrap()
                .contains(",spend_month_to_date_usd,spend_error,"),
            "{csv_en}"
        );
        assert!(csv_en.lines().nth(1).unwrap().contains(",12.5,,"), "{csv_en}");
        assert!(
            csv_en
                .lines()
                .nth(2)
                .unwrap()
                .contains(",,ce:GetCostAndUsage is not allowed,"),
            "{csv_en}"
        );
        assert!(csv(&book, ';').lines().nth(1).unwrap().contains(";12,5;;"));
        let md = markdown(&book, Lang::Pt);
        assert!(
            md.contains(" Gasto no mês |") && md.contains(" US$\u{a0}12,50 |") && md.contains(" ? |"),
            "{md}"
        );
        let junit = junit(&book);
        assert!(
            junit.contains(r#"name="spend_month_to_date_usd" value="12.5""#),
            "{junit}"
        );
        assert!(
            junit.contains(r#"name="spend_error" value="ce:GetCostAndUsage is not allowed""#),
            "{junit}"
        );
        let json: serde_json::Value = serde_json::from_str(&super::json(&book)).unwrap();
        assert_eq!(json["students"][0]["spend"]["month_to_date_usd"], 12.5);
        assert_eq!(
            json["students"][1]["spend"]["error"],
            "ce:GetCostAndUsage is not allowed"
        );
    }
}

/// Muted findings and suspended accounts, in every format.
#[cfg(test)]
mod class_tests {
    use super::*;
    use crate::checks::exceptions::Accepted;

    fn check(id: &'static str, status: Status, accepted: Vec<Accepted>) -> CheckResult {
        CheckResult {
            id,
            status,
            title: id.into(),
            summary: format!("{id} summary"),
            evidence: vec![],
            resources: vec![],
            storage: vec![],
            remediation: Default::default(),
            exceptions: accepted,
            error: None,
        }
    }

    fn accepted(name: &str, expired: bool) -> Accepted {
        Accepted {
            kind: Some("endpoint".into()),
            name: Some(name.into()),
            region: Some("eu-central-1".into()),
            price_per_hour_usd: Some(0.138),
            monthly_usd: None,
            reason: "shared demo".into(),
            expires: "2026-12-20".into(),
            expired,
            from: "class.toml:12".into(),
        }
    }

    fn student(name: &str, checks: Vec<CheckResult>) -> StudentResult {
        StudentResult {
            name: name.into(),
            account: Some("111111111111".into()),
            region: Some("eu-central-1".into()),
            status: StudentStatus::Ok,
            error: None,
            score: Score::of(&checks),
            checks,
            progress: None,
            on_account: None,
            still_billing: None,
            spend: None,
        }
    }

    fn class() -> Gradebook {
        let ana = student(
            "Ana",
            vec![
                check("identity", Status::Pass, vec![]),
                check("endpoints", Status::Muted, vec![accepted("churn-demo", false)]),
            ],
        );
        let bruno = student(
            "Bruno",
            vec![
                check("identity", Status::Pass, vec![]),
                check("endpoints", Status::Fail, vec![accepted("churn-demo", true)]),
            ],
        );
        let closed = StudentResult {
            status: StudentStatus::Suspended,
            error: Some("account SUSPENDED in the organisation: listed, not verified".into()),
            checks: vec![],
            score: Score {
                passed: 0,
                evaluated: 0,
            },
            ..student("Carla", vec![])
        };
        Gradebook::new(vec![ana, bruno, closed])
    }

    #[test]
    fn a_muted_check_is_not_evaluated_nor_to_do_and_is_shown_apart() {
        let book = class();
        assert_eq!(
            book.students[0].score,
            Score {
                passed: 1,
                evaluated: 1
            }
        );
        assert!(!book.students[0].needs_attention(), "only a muted finding");
        assert!(book.students[1].needs_attention(), "an expired exception fails again");
        assert!(
            !book.students[2].needs_attention(),
            "a suspended account is not the student's to fix"
        );
        assert_eq!(
            (
                book.summary["all_passed"],
                book.summary["suspended"],
                book.summary["muted"]
            ),
            (1, 1, 1)
        );
        colored::control::set_override(false);
        let table = table(&book, Lang::En, 200);
        assert!(table.contains("Muted by an exception (until its date)"), "{table}");
        assert!(
            table.contains("~ endpoints: muted until 2026-12-20: endpoint churn-demo — shared demo (class.toml:12)"),
            "{table}"
        );
        assert!(table.contains(" ~ "), "the muted check's symbol: {table}");
        assert!(
            table.contains("1 of 2 students passed everything; 0 could not be reached. 1 account(s) suspended"),
            "{table}"
        );
        assert!(table.contains("1 finding(s) muted by an exception"), "{table}");
        let to_do = &table[table.find("What each student must do").unwrap()..table.find("Muted by").unwrap()];
        assert!(
            to_do.contains("Bruno") && !to_do.contains("Ana") && !to_do.contains("Carla"),
            "{to_do}"
        );

        let csv = csv(&book, ',');
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "name,account,aws_region,status,passed,evaluated,identity,endpoints,error,muted"
        );
        assert_eq!(
            lines[1],
            "Ana,111111111111,eu-central-1,ok,1,1,pass,muted,,endpoints: endpoint churn-demo → 2026-12-20 (shared demo)"
        );
        assert!(
            lines[2].ends_with(",fail,,"),
            "an expired one is not muted: {}",
            lines[2]
        );
        assert!(
            lines[3].starts_with("Carla,111111111111,eu-central-1,suspended,,,,,\"account SUSPENDED"),
            "{}",
            lines[3]
        );

        let md = markdown(&book, Lang::Pt);
        assert!(
            md.contains("| Ana | 111111111111 | eu-central-1 | 1/1 | pass | muted |"),
            "{md}"
        );
        assert!(md.contains("## Silenciado por exceção"), "{md}");
        assert!(
            md.contains("- endpoints: silenciado até 2026-12-20: endpoint churn-demo — shared demo"),
            "{md}"
        );

        let json: serde_json::Value = serde_json::from_str(&json(&book)).unwrap();
        assert_eq!(json["students"][0]["checks"][1]["status"], "muted");
        assert_eq!(
            json["students"][0]["checks"][1]["exceptions"][0]["expires"],
            "2026-12-20"
        );
        assert_eq!(json["students"][2]["status"], "suspended");
        assert_eq!(json["summary"]["suspended"], 1);

        let junit = junit(&book);
        let doc = roxmltree::Document::parse(&junit).unwrap();
        let suite = |name: &str| {
            doc.descendants()
                .find(|n| n.has_tag_name("testsuite") && n.attribute("name") == Some(name))
                .unwrap()
        };
        let muted_case = suite("Ana")
            .descendants()
            .find(|n| n.attribute("name") == Some("endpoints"))
            .unwrap();
        assert!(muted_case.children().any(|c| c.has_tag_name("skipped")), "{junit}");
        assert!(
            suite("Carla").descendants().any(|c| c.has_tag_name("skipped")),
            "{junit}"
        );
        assert!(
            !suite("Carla").descendants().any(|c| c.has_tag_name("error")),
            "{junit}"
        );
        assert_eq!(book.exit_status(), ExitStatus::Failure, "Bruno's expired exception");
        let only_muted = Gradebook::new(vec![class().students.remove(0), class().students.remove(2)]);
        assert_eq!(only_muted.exit_status(), ExitStatus::Success);
    }
}
