//! Instructor mode: the live checks across a whole class at once, and the
//! learners' exported reports merged into one gradebook.

pub mod roster;

use std::collections::BTreeMap;
use std::time::Duration;

use futures_util::{StreamExt, stream};
use serde::{Deserialize, Serialize};

use crate::checks::{CheckResult, IDS, Judge, Status};
use crate::course::Course;
use crate::i18n::{Lang, tr, trf};
use crate::report::clean;
use crate::snapshot::Snapshot;
use roster::Student;

/// How long a student's credentials (an AssumeRole, say) may take.
const STUDENT_CREDENTIALS_TIMEOUT: Duration = Duration::from_secs(15);

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
    /// `ok` when the account (or report) could be read, `error` when it could not.
    pub status: &'static str,
    pub error: Option<String>,
    pub checks: Vec<CheckResult>,
    pub score: Score,
    /// From a learner's exported report: checklist and quizzes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<ProgressSummary>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ProgressSummary {
    pub checklist_done: usize,
    pub checklist_total: usize,
    pub quizzes_passed: usize,
    pub quizzes_total: usize,
    /// When the report's live checks ran.
    pub checked_at: Option<String>,
}

impl StudentResult {
    pub fn needs_attention(&self) -> bool {
        self.status != "ok"
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
        summary.insert("ok", students.iter().filter(|s| s.status == "ok").count());
        summary.insert("error", students.iter().filter(|s| s.status != "ok").count());
        summary.insert("all_passed", students.iter().filter(|s| !s.needs_attention()).count());
        Gradebook { students, summary }
    }

    /// 1 when any student has a failing or erroring check (or could not be read).
    pub fn exit_code(&self) -> u8 {
        u8::from(self.students.iter().any(StudentResult::needs_attention))
    }
}

/// Keeps only the Studio resources of the roster's domain and user profile.
fn narrow(snapshot: &mut Snapshot, student: &Student) {
    if let Some(domain) = &student.domain_id {
        if let Ok(domains) = &mut snapshot.domains {
            domains.retain(|d| &d.id == domain);
        }
        if let Ok(profiles) = &mut snapshot.user_profiles {
            profiles.retain(|p| &p.domain_id == domain);
        }
        if let Ok(spaces) = &mut snapshot.spaces {
            spaces.retain(|s| &s.domain_id == domain);
        }
        if let Ok(apps) = &mut snapshot.apps {
            apps.retain(|a| &a.domain_id == domain);
        }
    }
    if let Some(profile) = &student.user_profile {
        let own_spaces: Vec<String> = snapshot
            .spaces
            .as_ref()
            .map(|spaces| {
                spaces
                    .iter()
                    .filter(|s| s.owner.as_ref() == Some(profile))
                    .map(|s| s.name.clone())
                    .collect()
            })
            .unwrap_or_default();
        if let Ok(profiles) = &mut snapshot.user_profiles {
            profiles.retain(|p| &p.name == profile);
        }
        if let Ok(apps) = &mut snapshot.apps {
            apps.retain(|a| {
                a.user_profile.as_ref() == Some(profile) || a.space.as_ref().is_some_and(|s| own_spaces.contains(s))
            });
        }
    }
}

async fn verify_one(
    base: &aws_config::SdkConfig,
    student: &Student,
    course: &Course,
    lang: Lang,
    only: Option<&[String]>,
    expect_region: &str,
) -> StudentResult {
    let config = crate::aws::student_config(base, &student.access, student.region.as_deref()).await;
    let region = config.region().map(|r| r.to_string());
    let failed = |error: String| StudentResult {
        name: student.name.clone(),
        account: student.account.clone(),
        region: region.clone(),
        status: "error",
        error: Some(error),
        checks: Vec::new(),
        score: Score {
            passed: 0,
            evaluated: 0,
        },
        progress: None,
    };
    if let Err(reason) = crate::aws::check_credentials_within(&config, STUDENT_CREDENTIALS_TIMEOUT).await {
        let reason = match &student.access {
            roster::Access::Profile(profile) => trf(
                lang,
                "instructor.profile_failed",
                &[("profile", profile), ("reason", &reason)],
            ),
            roster::Access::Role { arn, .. } => {
                trf(lang, "instructor.role_failed", &[("role", arn), ("reason", &reason)])
            }
        };
        return failed(trf(lang, "instructor.no_access", &[("reason", &reason)]));
    }
    let mut snapshot = crate::aws::collect(&config).await;
    let account = match &snapshot.identity {
        Ok(identity) => Some(identity.account.clone()),
        // Credentials that cannot even say whose they are: nothing else will work.
        Err(e) => return failed(crate::checks::describe_call_error(e, lang)),
    };
    narrow(&mut snapshot, student);
    let judge = Judge {
        course,
        lang,
        expect_region,
    };
    let checks = judge.judge(&snapshot, only);
    StudentResult {
        name: student.name.clone(),
        account,
        region: snapshot.region.clone(),
        status: "ok",
        error: None,
        score: Score::of(&checks),
        checks,
        progress: None,
    }
}

/// Verifies every student, `concurrency` at a time, in roster order. One
/// student's problem is that student's error row; the others go on.
pub fn verify(
    students: &[Student],
    course: &Course,
    lang: Lang,
    only: Option<&[String]>,
    expect_region: &str,
    concurrency: usize,
    progress: bool,
) -> std::io::Result<Gradebook> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let bar = if progress {
        let bar = indicatif::ProgressBar::new(students.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.set_message(tr(lang, "instructor.progress").to_string());
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let results = runtime.block_on(async {
        let base = crate::aws::class_config().await;
        stream::iter(students)
            .map(|student| {
                let bar = bar.clone();
                let base = &base;
                async move {
                    let result = verify_one(base, student, course, lang, only, expect_region).await;
                    bar.inc(1);
                    result
                }
            })
            .buffered(concurrency.max(1))
            .collect::<Vec<_>>()
            .await
    });
    bar.finish_and_clear();
    Ok(Gradebook::new(results))
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
    IDS.iter()
        .copied()
        .filter(|id| book.students.iter().any(|s| status_of(s, id).is_some()))
        .collect()
}

fn score_text(student: &StudentResult) -> String {
    if student.status == "ok" {
        format!("{}/{}", student.score.passed, student.score.evaluated)
    } else {
        "—".to_string()
    }
}

/// What a student must do: each failing or erroring check and its first fix.
fn to_do(student: &StudentResult) -> Vec<String> {
    if let (Some(error), "error") = (&student.error, student.status) {
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
                        .map_or(String::new(), |p| format!("{}/{}", p.checklist_done, p.checklist_total)),
                );
            }
            row.extend(ids.iter().map(|id| {
                if s.status == "ok" {
                    symbol(status_of(s, id)).to_string()
                } else {
                    "?".into()
                }
            }));
            row
        })
        .collect();
    let mut out = crate::course::render::table(&headers, &rows, width);
    out.push('\n');
    let legend: Vec<String> = ids
        .iter()
        .enumerate()
        .map(|(n, id)| format!("{} {id}", n + 1))
        .collect();
    out.push_str(&crate::course::render::wrap_plain(&legend.join(" · "), width, "", ""));
    out.push_str(&crate::course::render::wrap_plain(
        tr(lang, "instructor.legend"),
        width,
        "",
        "",
    ));
    let pending: Vec<&StudentResult> = book.students.iter().filter(|s| s.needs_attention()).collect();
    if !pending.is_empty() {
        out.push('\n');
        out.push_str(&crate::course::render::subheading(tr(lang, "instructor.to_do")));
        for s in pending {
            out.push_str(&format!("{}\n", clean(&s.name)));
            for line in to_do(s) {
                out.push_str(&crate::course::render::wrap_plain(&clean(&line), width, "  • ", "    "));
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

/// A CSV field: quoted when needed, and never read as a formula by a
/// spreadsheet (a leading = + - @ gets a quote mark).
pub fn csv_field(text: &str) -> String {
    let mut value = clean(text);
    if value.starts_with(['=', '+', '-', '@']) {
        value.insert(0, '\'');
    }
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

pub fn csv(book: &Gradebook) -> String {
    let ids = columns(book);
    let with_progress = book.students.iter().any(|s| s.progress.is_some());
    // `aws_region`, not `region`: a check has that id and its own column.
    let mut header = vec!["name", "account", "aws_region", "status", "score"];
    if with_progress {
        header.extend(["checklist", "quizzes"]);
    }
    header.extend(ids.iter().copied());
    header.push("error");
    let mut out = header.join(",") + "\n";
    for s in &book.students {
        let mut row = vec![
            csv_field(&s.name),
            csv_field(s.account.as_deref().unwrap_or("")),
            csv_field(s.region.as_deref().unwrap_or("")),
            s.status.to_string(),
            score_text(s).replace('—', ""),
        ];
        if with_progress {
            let p = s.progress.as_ref();
            row.push(p.map_or(String::new(), |p| format!("{}/{}", p.checklist_done, p.checklist_total)));
            row.push(p.map_or(String::new(), |p| format!("{}/{}", p.quizzes_passed, p.quizzes_total)));
        }
        row.extend(
            ids.iter()
                .map(|id| status_of(s, id).map_or(String::new(), |st| st.name().to_string())),
        );
        row.push(csv_field(s.error.as_deref().unwrap_or("")));
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

pub fn json(book: &Gradebook) -> String {
    serde_json::to_string_pretty(book).expect("a gradebook serialises") + "\n"
}

pub fn markdown(book: &Gradebook, lang: Lang) -> String {
    let ids = columns(book);
    let md = |s: &str| clean(s).replace('|', "\\|");
    let mut out = format!("# {}\n\n", tr(lang, "instructor.title"));
    out.push_str(&format!(
        "| {} | {} | {} |",
        tr(lang, "instructor.student"),
        tr(lang, "instructor.account"),
        tr(lang, "instructor.score")
    ));
    for id in &ids {
        out.push_str(&format!(" `{id}` |"));
    }
    out.push_str(&format!("\n|---|---|---|{}\n", "---|".repeat(ids.len())));
    for s in &book.students {
        out.push_str(&format!(
            "| {} | {} | {} |",
            md(&s.name),
            s.account.as_deref().unwrap_or("?"),
            score_text(s)
        ));
        for id in &ids {
            let cell = if s.status == "ok" {
                status_of(s, id).map_or("", |st| st.name())
            } else {
                "error"
            };
            out.push_str(&format!(" {cell} |"));
        }
        out.push('\n');
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
    use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
    let mut report = Report::new("sm-course instructor");
    for s in &book.students {
        let mut suite = TestSuite::new(clean(&s.name));
        if let Some(error) = &s.error {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
            status.set_message(clean(error));
            suite.add_test_case(TestCase::new("access", status));
        }
        for c in &s.checks {
            let status = match c.status {
                Status::Pass | Status::Warn => TestCaseStatus::success(),
                Status::Skip => TestCaseStatus::skipped(),
                Status::Fail | Status::Error => {
                    let kind = if c.status == Status::Fail {
                        NonSuccessKind::Failure
                    } else {
                        NonSuccessKind::Error
                    };
                    let mut status = TestCaseStatus::non_success(kind);
                    status.set_message(clean(&c.summary));
                    status
                }
            };
            let mut case = TestCase::new(c.id, status);
            case.set_classname(clean(&s.name));
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    report.to_string().expect("JUnit serialises")
}

/// What a learner exports with `module5 report` for the instructor.
#[derive(Debug, Serialize, Deserialize)]
pub struct LearnerReport {
    pub schema: u32,
    pub module: String,
    pub learner: Option<String>,
    pub generated_at: String,
    pub checklist: Vec<ReportItem>,
    pub quizzes: Vec<QuizScore>,
    pub last_check: Option<crate::progress::LastCheck>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ReportItem {
    pub id: String,
    pub done: bool,
    pub at: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct QuizScore {
    pub section: String,
    pub correct: usize,
    pub total: usize,
    pub passed: bool,
}

pub fn learner_report(
    course: &Course,
    module: &crate::progress::ModuleProgress,
    learner: Option<String>,
) -> LearnerReport {
    let mut sections: Vec<&str> = course.questions.iter().map(|q| q.section.as_str()).collect();
    sections.dedup();
    LearnerReport {
        schema: 1,
        module: course.id.clone(),
        learner,
        generated_at: crate::progress::now(),
        checklist: course
            .checklist
            .iter()
            .map(|item| {
                let tick = module.checklist.get(&item.id);
                ReportItem {
                    id: item.id.clone(),
                    done: tick.is_some(),
                    at: tick.map(|t| t.at.clone()),
                }
            })
            .collect(),
        quizzes: sections
            .into_iter()
            .map(|section| {
                let (correct, total) = module.quiz_score(course, section);
                QuizScore {
                    section: section.to_string(),
                    correct,
                    total,
                    passed: module.quiz_passed(course, section),
                }
            })
            .collect(),
        last_check: module.last_check.clone(),
    }
}

/// Merges learners' reports into a gradebook. A report that cannot be read
/// is its own error row; with a roster, a report whose account is not the
/// roster's for that name is flagged.
pub fn collect(paths: &[std::path::PathBuf], roster: Option<&[Student]>, course: &Course, lang: Lang) -> Gradebook {
    let rows = paths
        .iter()
        .map(|path| {
            let stem = path
                .file_stem()
                .map_or_else(|| path.display().to_string(), |s| s.to_string_lossy().into_owned());
            let parsed = std::fs::read_to_string(path)
                .map_err(|e| e.to_string())
                .and_then(|text| serde_json::from_str::<LearnerReport>(&text).map_err(|e| e.to_string()));
            let report = match parsed {
                Ok(report) if report.module == course.id => report,
                Ok(report) => {
                    return unreadable(
                        stem,
                        trf(
                            lang,
                            "instructor.other_module",
                            &[("path", &path.display()), ("module", &report.module)],
                        ),
                    );
                }
                Err(e) => {
                    return unreadable(
                        stem,
                        trf(
                            lang,
                            "instructor.bad_report",
                            &[("path", &path.display()), ("error", &e)],
                        ),
                    );
                }
            };
            let name = report.learner.clone().unwrap_or(stem);
            let account = report.last_check.as_ref().map(|c| c.account.clone());
            let checks: Vec<CheckResult> = report
                .last_check
                .iter()
                .flat_map(|last| &last.results)
                .filter_map(|c| {
                    let id = IDS.iter().copied().find(|id| *id == c.id)?;
                    let title = course
                        .checks
                        .get(id)
                        .map_or(id.to_string(), |t| t.title.get(lang).to_string());
                    let summary = trf(lang, "instructor.as_reported", &[("status", &c.status.name())]);
                    Some(CheckResult {
                        id,
                        status: c.status,
                        title,
                        summary,
                        evidence: vec![],
                        resources: vec![],
                        remediation: Default::default(),
                    })
                })
                .collect();
            let mut error = None;
            if let Some(roster) = roster {
                match roster.iter().find(|s| s.name == name) {
                    None => error = Some(trf(lang, "instructor.not_in_roster", &[("name", &name)])),
                    Some(student) => {
                        if let (Some(expected), Some(found)) = (&student.account, &account)
                            && expected != found
                        {
                            error = Some(trf(
                                lang,
                                "instructor.account_mismatch",
                                &[("found", found), ("expected", expected)],
                            ));
                        }
                    }
                }
            }
            let done = report.checklist.iter().filter(|i| i.done).count();
            StudentResult {
                name,
                region: report.last_check.as_ref().map(|c| c.region.clone()),
                account,
                status: "ok",
                error,
                score: Score::of(&checks),
                checks,
                progress: Some(ProgressSummary {
                    checklist_done: done,
                    checklist_total: report.checklist.len(),
                    quizzes_passed: report.quizzes.iter().filter(|q| q.passed).count(),
                    quizzes_total: report.quizzes.len(),
                    checked_at: report.last_check.as_ref().map(|c| c.at.clone()),
                }),
            }
        })
        .collect();
    Gradebook::new(rows)
}

fn unreadable(name: String, error: String) -> StudentResult {
    StudentResult {
        name,
        account: None,
        region: None,
        status: "error",
        error: Some(error),
        checks: vec![],
        score: Score {
            passed: 0,
            evaluated: 0,
        },
        progress: None,
    }
}

/// A role students deploy so the instructor can run the checks: CloudFormation,
/// trusting the instructor's account, with the read-only actions of the checks.
pub fn role_template(instructor_account: Option<&str>, role_name: &str) -> String {
    let mut actions: Vec<&str> = crate::aws::operations::ALL
        .iter()
        .filter(|o| !o.mutating)
        .map(|o| o.action)
        .collect();
    actions.sort_unstable();
    actions.dedup();
    let account = instructor_account.map_or_else(|| "!Ref InstructorAccountId".to_string(), |a| format!("'{a}'"));
    let actions: String = actions.iter().map(|a| format!("                  - {a}\n")).collect();
    format!(
        "AWSTemplateFormatVersion: '2010-09-09'
Description: Read-only role that lets the course instructor run sm-course checks on this account.
Parameters:
  InstructorAccountId:
    Type: String
    Description: The instructor's 12-digit AWS account id.
  ExternalId:
    Type: String
    Description: The shared secret the instructor gives the class (the roster's external_id).
Resources:
  CourseAuditRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: {role_name}
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub 'arn:aws:iam::${{InstructorAccountId}}:root'
            Action: sts:AssumeRole
            Condition:
              StringEquals:
                sts:ExternalId: !Ref ExternalId
      Policies:
        - PolicyName: sm-course-read-only
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Resource: '*'
                Action:
{actions}Outputs:
  RoleArn:
    Value: !GetAtt CourseAuditRole.Arn
    Description: Put this in the roster as role_arn.
# Instructor account: {account}
"
    )
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
            status: "ok",
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
        };
        let broken = StudentResult {
            name: "=HYPERLINK(\"x\")".into(),
            account: None,
            region: Some("eu-central-1".into()),
            status: "error",
            error: Some("AccessDenied".into()),
            checks: vec![],
            score: Score {
                passed: 0,
                evaluated: 0,
            },
            progress: None,
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
        let text = csv(&book());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "name,account,aws_region,status,score,identity,budget,spot-training,error"
        );
        assert_eq!(
            lines[1],
            "\"Ana, \"\"the first\"\"\",111111111111,eu-central-1,ok,1/2,pass,fail,skip,"
        );
        assert!(
            lines[2].starts_with("\"'=HYPERLINK(\"\"x\"\")\",,eu-central-1,error,,,,,AccessDenied"),
            "{}",
            lines[2]
        );
    }

    #[test]
    fn the_table_says_what_each_failing_student_must_do() {
        colored::control::set_override(false);
        let text = table(&book(), Lang::En, 100);
        assert!(text.contains("budget: budget summary → fix budget"), "{text}");
        assert!(text.contains("AccessDenied"), "{text}");
        assert!(text.contains("0 of 2 students passed everything"), "{text}");
        assert_eq!(book().exit_code(), 1);
    }

    #[test]
    fn the_role_template_trusts_the_instructor_and_allows_only_reads() {
        let template = role_template(Some("999988887777"), "CourseAudit");
        assert!(template.contains("sts:ExternalId"));
        assert!(template.contains("- sagemaker:ListApps"));
        assert!(!template.contains("sagemaker:DeleteApp"));
        assert!(template.contains("RoleName: CourseAudit"));
    }
}
