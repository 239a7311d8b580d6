//! Instructor mode: the live checks across a whole class at once, and the
//! learners' exported reports merged into one gradebook.

pub mod gradebook;
pub mod role_template;
pub mod roster;

use std::time::Duration;

use futures_util::{StreamExt, stream};

use crate::aws::access::{Access, Class};
use crate::catalog::prices::PriceBook;
use crate::checks::{CheckResult, Judge};
use crate::course::Course;
use crate::error::Result;
use crate::i18n::{Lang, tr, trf};
use crate::snapshot::Snapshot;
pub use gradebook::{AccountItems, Gradebook, ProgressSummary, Score, StudentResult, StudentStatus};
use roster::Student;

/// How long a student's credentials (an AssumeRole, say) may take.
const STUDENT_CREDENTIALS_TIMEOUT: Duration = Duration::from_secs(15);

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
    class: &Class,
    student: &Student,
    course: &Course,
    prices: &PriceBook,
    lang: Lang,
    only: Option<&[String]>,
    expect_region: &str,
) -> StudentResult {
    let read = class
        .read(&student.access, student.region.as_deref(), STUDENT_CREDENTIALS_TIMEOUT)
        .await;
    let region = read.region;
    let failed = |error: String| StudentResult {
        name: student.name.clone(),
        account: student.account.clone(),
        region: region.clone(),
        status: StudentStatus::Error,
        error: Some(error),
        checks: Vec::new(),
        score: Score {
            passed: 0,
            evaluated: 0,
        },
        progress: None,
        on_account: None,
        still_billing: None,
    };
    let mut snapshot = match read.snapshot {
        Ok(snapshot) => snapshot,
        Err(reason) => {
            let reason = crate::aws::credentials_reason(&reason, lang);
            let reason = match &student.access {
                Access::Profile(profile) => trf(
                    lang,
                    "instructor.profile_failed",
                    &[("profile", profile), ("reason", &reason)],
                ),
                Access::Role { arn, .. } => trf(lang, "instructor.role_failed", &[("role", arn), ("reason", &reason)]),
            };
            return failed(trf(lang, "instructor.no_access", &[("reason", &reason)]));
        }
    };
    let account = match &snapshot.identity {
        Ok(identity) => Some(identity.account.clone()),
        // Credentials that cannot even say whose they are: nothing else will work.
        Err(e) => return failed(e.describe(lang)),
    };
    narrow(&mut snapshot, student);
    let judge = Judge {
        course,
        prices,
        lang,
        expect_region,
    };
    let checks = judge.judge(&snapshot, only);
    let still_billing = gradebook::StillBilling::of(&crate::checks::bill::bill(prices, &snapshot));
    // What the account itself proves of the checklist: the tasks' rules, with
    // the learner's start unknown (so the last 24 hours count). Nothing is ticked.
    let items = course.verifiable_items();
    let mut scratch = crate::progress::ModuleProgress::default();
    let verified = crate::progress::verify(&judge, &snapshot, &mut scratch, &items);
    let on_account = AccountItems {
        proven: verified
            .items
            .iter()
            .filter(|i| i.proven)
            .map(|i| i.id.clone())
            .collect(),
        total: verified.items.len(),
    };
    StudentResult {
        name: student.name.clone(),
        account,
        region: snapshot.region.clone(),
        status: StudentStatus::Ok,
        error: None,
        score: Score::of(&checks),
        checks,
        progress: None,
        on_account: Some(on_account),
        still_billing: Some(still_billing),
    }
}

/// How `verify` runs: the checks chosen, the region expected, how many
/// students at a time, a progress bar or not, and the instructor's own
/// account (`--mfa-code` for a profile with `mfa_serial`).
#[derive(Clone, Copy)]
pub struct VerifyOptions<'a> {
    pub only: Option<&'a [String]>,
    pub expect_region: &'a str,
    pub concurrency: usize,
    pub progress: bool,
    pub instructor: &'a crate::aws::AwsArgs,
    /// The course's figures plus the instructor's cached Price List prices,
    /// each student's resources priced in their own region.
    pub prices: &'a PriceBook,
}

/// Connections one student's read holds open at once: 18 requests in flight
/// at most (measured on the benchmark server, README "Speed"), and a margin.
const CONNECTIONS_PER_STUDENT: u64 = 20;

/// Files kept for everything else (the binary, the terminal, the config).
const OTHER_FILES: u64 = 64;

/// Students read at once: `--concurrency`, unless this system's limit on
/// open files (already raised as far as it goes) cannot hold their
/// connections; then as many as it can, said on stderr. Past the limit,
/// calls fail as "cannot reach AWS" (measured: 300 students at 32 with 256
/// files made 172 students' checks error).
fn at_once(asked: usize, open_files: Option<u64>, lang: Lang) -> usize {
    let Some(limit) = open_files else {
        return asked.max(1);
    };
    let fits = (limit.saturating_sub(OTHER_FILES) / CONNECTIONS_PER_STUDENT).max(1) as usize;
    if asked <= fits {
        return asked.max(1);
    }
    eprintln!(
        "{}",
        trf(
            lang,
            "instructor.concurrency_capped",
            &[("asked", &asked), ("limit", &limit), ("used", &fits)],
        )
    );
    fits
}

/// Verifies every student, `concurrency` at a time, in roster order. One
/// student's problem is that student's error row; the others go on.
pub fn verify(students: &[Student], course: &Course, lang: Lang, options: &VerifyOptions<'_>) -> Result<Gradebook> {
    let VerifyOptions {
        only,
        expect_region,
        concurrency,
        progress,
        instructor,
        prices,
    } = *options;
    let concurrency = at_once(concurrency, crate::util::raise_open_files(), lang);
    let runtime = crate::aws::runtime(lang)?;
    let bar = crate::ui::bar(progress, students.len() as u64, tr(lang, "instructor.progress"));
    let class = runtime.block_on(Class::load(instructor, lang))?;
    let results = runtime.block_on(async {
        stream::iter(students)
            .map(|student| {
                let bar = bar.clone();
                let class = &class;
                async move {
                    let result = verify_one(class, student, course, prices, lang, only, expect_region).await;
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

/// Merges learners' reports into a gradebook. A report that cannot be read
/// is its own error row; with a roster, every student of it has a row, in
/// its order ("no report" for one who sent none), a report whose account is
/// not the roster's for that name is flagged, and the reports of names not
/// on it follow.
pub fn collect(paths: &[std::path::PathBuf], roster: Option<&[Student]>, course: &Course, lang: Lang) -> Gradebook {
    let mut rows = read_reports(paths, roster, course, lang);
    if let Some(roster) = roster {
        let mut ordered: Vec<StudentResult> = roster
            .iter()
            .map(|student| match rows.iter().position(|r| r.name == student.name) {
                Some(at) => rows.remove(at),
                None => StudentResult {
                    status: gradebook::StudentStatus::Missing,
                    account: student.account.clone(),
                    region: student.region.clone(),
                    ..unreadable(student.name.clone(), tr(lang, "instructor.no_report").to_string())
                },
            })
            .collect();
        ordered.append(&mut rows);
        rows = ordered;
    }
    Gradebook::new(rows)
}

fn read_reports(
    paths: &[std::path::PathBuf],
    roster: Option<&[Student]>,
    course: &Course,
    lang: Lang,
) -> Vec<StudentResult> {
    paths
        .iter()
        .map(|path| {
            let stem = path
                .file_stem()
                .map_or_else(|| path.display().to_string(), |s| s.to_string_lossy().into_owned());
            let parsed = std::fs::read_to_string(path)
                .map_err(|e| e.to_string())
                .and_then(|text| {
                    serde_json::from_str::<crate::progress::LearnerReport>(&text).map_err(|e| e.to_string())
                });
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
                    let id = crate::checks::get(&c.id)?.id;
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
                        storage: vec![],
                        remediation: Default::default(),
                        error: None,
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
                status: StudentStatus::Ok,
                error,
                score: Score::of(&checks),
                checks,
                progress: Some(ProgressSummary {
                    checklist_done: done,
                    checklist_total: report.checklist.len(),
                    quizzes_passed: report.quizzes.iter().filter(|q| q.passed).count(),
                    quizzes_total: report.quizzes.len(),
                    evidence: report
                        .checklist
                        .iter()
                        .filter(|i| i.done)
                        .filter_map(|i| i.evidence.clone().map(|kind| (i.id.clone(), kind)))
                        .collect(),
                    checked_at: report.last_check.as_ref().map(|c| c.at.clone()),
                }),
                on_account: None,
                still_billing: None,
            }
        })
        .collect()
}

fn unreadable(name: String, error: String) -> StudentResult {
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_class_is_read_as_many_at_once_as_open_files_allow() {
        assert_eq!(at_once(32, Some(10_240), Lang::En), 32);
        assert_eq!(at_once(32, None, Lang::En), 32);
        assert_eq!(at_once(0, Some(10_240), Lang::En), 1);
        // A macOS shell's 256 files: 9 students' connections fit, not 32.
        assert_eq!(at_once(32, Some(256), Lang::En), 9);
        assert_eq!(at_once(32, Some(64), Lang::En), 1);
    }
}
