//! Instructor mode: the live checks across a whole class at once, and the
//! learners' exported reports merged into one gradebook.

pub(crate) mod role_template;
pub(crate) mod roster;

use std::time::Duration;

use futures_util::{StreamExt, stream};

use crate::aws::access::{Access, Class};
use crate::aws::org::OrgAccount;
use crate::catalog::prices::PriceBook;
use crate::checks::exceptions::{self, Exception};
use crate::checks::{CheckResult, Judge};
use crate::course::Course;
use crate::error::{Error, Result};
use crate::i18n::{Lang, tr, trf};
// The gradebook's types and renderers live in `report::class` (report
// renders, instructor computes).
use crate::report::class as gradebook;
use crate::snapshot::{CallError, ErrorKind, Snapshot};
use crate::spend::MonthFigure;
use gradebook::{AccountItems, Gradebook, ProgressSummary, Score, StudentResult, StudentStatus};
use roster::{Defaults, Student};

/// How long a student's credentials (an AssumeRole, say) may take.
const STUDENT_CREDENTIALS_TIMEOUT: Duration = Duration::from_secs(15);

/// The audit role `instructor role-template` creates, and the one assumed
/// in an organisational unit's accounts unless `--role-name` says otherwise.
pub(crate) const AUDIT_ROLE: &str = "CourseAudit";

/// One row of the class: a student to read and check, or an account of the unit
/// that is closed (suspended), listed and never read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Member {
    Read(Student),
    Suspended {
        name: String,
        account: String,
        state: String,
    },
}

/// The class: with an organisational unit, each of its accounts (sorted by
/// name), reached by assuming `role_name` with the roster's defaults (its
/// external id, region), or as the roster's student of that account id
/// says (name, access, settings); then the roster's students not in the
/// unit, still verified, each with a note saying so. Without a unit, the
/// roster's students.
pub(crate) fn class_of(
    roster: &[Student],
    defaults: &Defaults,
    unit: Option<(&str, &[OrgAccount])>,
    role_name: &str,
    lang: Lang,
) -> (Vec<Member>, Vec<String>) {
    let Some((unit, accounts)) = unit else {
        return (roster.iter().cloned().map(Member::Read).collect(), Vec::new());
    };
    let listed = |s: &Student| {
        s.account
            .as_deref()
            .is_some_and(|id| accounts.iter().any(|a| a.id == id))
    };
    let mut members: Vec<Member> = accounts
        .iter()
        .map(|account| {
            let known = roster.iter().find(|s| s.account.as_deref() == Some(&account.id));
            if account.suspended() {
                return Member::Suspended {
                    name: known.map_or_else(|| account.name.clone(), |s| s.name.clone()),
                    account: account.id.clone(),
                    state: account.state.clone(),
                };
            }
            Member::Read(known.cloned().unwrap_or_else(|| Student {
                name: account.name.clone(),
                access: Access::Role {
                    arn: format!("arn:aws:iam::{}:role/{role_name}", account.id),
                    external_id: defaults.external_id.clone(),
                },
                region: defaults.region.clone(),
                account: Some(account.id.clone()),
                domain_id: None,
                user_profile: None,
                line: 0,
            }))
        })
        .collect();
    let mut notes = Vec::new();
    for student in roster.iter().filter(|s| !listed(s)) {
        notes.push(trf(
            lang,
            "instructor.not_in_unit",
            &[
                ("name", &student.name),
                ("account", &student.account.as_deref().unwrap_or("?")),
                ("unit", &unit),
            ],
        ));
        members.push(Member::Read(student.clone()));
    }
    (members, notes)
}

/// Why the accounts of `unit` could not be listed (exit 2): a refused
/// Organizations call names its action and who may make it; anything else
/// says the call and its cause.
pub(crate) fn org_error(error: &CallError, unit: &str, lang: Lang) -> Error {
    let text = match error.kind {
        ErrorKind::AccessDenied => trf(
            lang,
            "instructor.org_denied",
            &[
                ("operation", &error.operation),
                ("unit", &unit),
                ("reason", &error.message),
            ],
        ),
        _ => trf(
            lang,
            "instructor.org_failed",
            &[("unit", &unit), ("error", &error.describe(lang))],
        ),
    };
    Error::Aws(text)
}

/// An OU id (`ou-` root part `-` 8 to 32 characters) or a root id (`r-`):
/// Organizations' own patterns, checked before any call.
pub(crate) fn valid_unit(id: &str) -> bool {
    let ok = |part: &str, min: usize, max: usize| {
        (min..=max).contains(&part.len()) && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    };
    match id.split('-').collect::<Vec<_>>().as_slice() {
        ["ou", root, unit] => ok(root, 4, 32) && ok(unit, 8, 32),
        ["r", root] => ok(root, 4, 32),
        _ => false,
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

async fn check_student(
    class: &Class,
    student: &Student,
    course: &Course,
    lang: Lang,
    options: &ClassOptions<'_>,
) -> StudentResult {
    let ClassOptions {
        only,
        expect_region,
        prices,
        exceptions,
        today,
        spend,
        ..
    } = *options;
    let read = class
        .read(&student.access, student.region.as_deref(), STUDENT_CREDENTIALS_TIMEOUT)
        .await;
    let region = read.region;
    let failed = |error: String| StudentResult {
        account: student.account.clone(),
        region: region.clone(),
        ..StudentResult::unreadable(student.name.clone(), error)
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
    let mut checks = judge.judge(&snapshot, only);
    let scope = exceptions::Scope {
        account: account.as_deref(),
        student: Some(&student.name),
        today,
    };
    exceptions::apply(&mut checks, exceptions, &scope, lang);
    let still_billing = gradebook::StillBilling::of(&crate::checks::bill::bill(prices, &snapshot));
    // What the account itself proves of the checklist: the tasks' rules, with
    // the learner's start unknown (so the last 24 hours count). Nothing is ticked.
    let items = course.verifiable_items();
    let mut scratch = crate::progress::ModuleProgress::default();
    let verified = crate::progress::prove(&judge, &snapshot, &mut scratch, &items);
    let on_account = AccountItems {
        proven: verified
            .items
            .iter()
            .filter(|i| i.proven)
            .map(|i| i.id.clone())
            .collect(),
        total: verified.items.len(),
    };
    // `--spend`: the month so far, one Cost Explorer request on the
    // student's account unless an answer from the last hour is cached.
    let spend = match (spend, &account) {
        (Some(options), Some(account)) => {
            use crate::spend::cache;
            let (query, now) = (options.window.query(), std::time::SystemTime::now());
            let answer = match cache::lookup(options.home, account, &query, now) {
                Some(cached) => Ok(cached),
                None => read
                    .account
                    .costs(&query)
                    .await
                    .map(|costs| cache::store(options.home, account, &query, costs, now)),
            };
            Some(MonthFigure::new(&options.window, &answer, lang))
        }
        _ => None,
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
        spend,
    }
}

/// How the class check (`instructor verify`) runs: the checks chosen, the region expected, how many
/// students at a time, a progress line or not, the instructor's own
/// account (`--mfa-code` for a profile with `mfa_serial`), the exceptions
/// (the file's and the roster's) and the day they are judged on.
#[derive(Clone, Copy)]
pub(crate) struct ClassOptions<'a> {
    pub only: Option<&'a [String]>,
    pub expect_region: &'a str,
    pub concurrency: usize,
    pub progress: bool,
    pub instructor: &'a crate::aws::AwsArgs,
    /// The course's figures plus the instructor's cached Price List prices,
    /// each student's resources priced in their own region.
    pub prices: &'a PriceBook,
    pub exceptions: &'a [Exception],
    pub today: jiff::civil::Date,
    /// `--spend`: each student's month so far from Cost Explorer.
    pub spend: Option<SpendOptions<'a>>,
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

/// Where Cost Explorer answers are cached, and the period asked (`spend`'s
/// default, so a student's own `spend` answer serves too).
#[derive(Clone, Copy)]
pub(crate) struct SpendOptions<'a> {
    pub home: Option<&'a std::path::Path>,
    pub window: crate::spend::Window,
}

/// Where the class comes from: a roster's students and defaults, and an
/// organisational unit whose accounts are found in AWS Organizations
/// (`role_name` assumed in each).
pub(crate) struct ClassSource<'a> {
    pub roster: &'a [Student],
    pub defaults: &'a Defaults,
    pub unit: Option<&'a str>,
    pub role_name: &'a str,
}

/// Verifies every student, `concurrency` at a time, in the class's order;
/// suspended accounts of the unit are rows of their own, never read. One
/// student's problem is that student's error row; the others go on. An
/// organisational unit that cannot be listed stops the run (exit 2).
pub(crate) fn check_class(
    source: &ClassSource<'_>,
    course: &Course,
    lang: Lang,
    options: &ClassOptions<'_>,
) -> Result<Gradebook> {
    let concurrency = at_once(options.concurrency, crate::util::raise_open_files(), lang);
    let runtime = crate::aws::runtime(lang)?;
    let class = runtime.block_on(Class::load(options.instructor, lang))?;
    let accounts = match source.unit {
        Some(unit) => {
            let spinner = crate::ui::spinner(
                options.progress,
                &trf(lang, "instructor.listing_unit", &[("unit", &unit)]),
            );
            let listed = runtime.block_on(class.accounts_under(unit));
            spinner.finish_and_clear();
            Some(listed.map_err(|e| org_error(&e, unit, lang))?)
        }
        None => None,
    };
    let unit = source.unit.zip(accounts.as_deref());
    let (members, notes) = class_of(source.roster, source.defaults, unit, source.role_name, lang);
    for note in notes {
        eprintln!("{}", crate::ui::clean(&note));
    }
    if options.spend.is_some() {
        // What one run costs, said before it is spent (each request is
        // billed to the student's own account; a cached answer is free).
        let read = members.iter().filter(|m| matches!(m, Member::Read(_))).count();
        let usd = crate::catalog::usd_cents(read as f64 * crate::spend::USD_PER_REQUEST, lang);
        eprintln!(
            "{}",
            trf(lang, "instructor.spend_cost", &[("students", &read), ("usd", &usd)])
        );
    }
    let progress =
        crate::ui::progress::Progress::new(options.progress, members.len(), tr(lang, "instructor.progress"), lang);
    let results = runtime.block_on(async {
        stream::iter(&members)
            .map(|member| {
                let (class, progress) = (&class, &progress);
                async move {
                    let result = match member {
                        Member::Read(student) => check_student(class, student, course, lang, options).await,
                        Member::Suspended { name, account, state } => suspended(name, account, state, lang),
                    };
                    progress.step(result.status == StudentStatus::Error);
                    result
                }
            })
            .buffered(concurrency)
            .collect::<Vec<_>>()
            .await
    });
    progress.finish();
    Ok(Gradebook::new(results))
}

/// The row of an account the unit lists as closed: named, never read.
fn suspended(name: &str, account: &str, state: &str, lang: Lang) -> StudentResult {
    StudentResult {
        status: StudentStatus::Suspended,
        account: Some(account.to_string()),
        ..StudentResult::unreadable(
            name.to_string(),
            trf(lang, "instructor.suspended", &[("state", &state)]),
        )
    }
}

/// Merges learners' reports into a gradebook. A report that cannot be read
/// is its own error row; with a roster, every student of it has a row, in
/// its order ("no report" for one who sent none), a report whose account is
/// not the roster's for that name is flagged, and the reports of names not
/// on it follow.
pub(crate) fn collect(
    paths: &[std::path::PathBuf],
    roster: Option<&[Student]>,
    course: &Course,
    lang: Lang,
) -> Gradebook {
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
                    ..StudentResult::unreadable(student.name.clone(), tr(lang, "instructor.no_report").to_string())
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
                    return StudentResult::unreadable(
                        stem,
                        trf(
                            lang,
                            "instructor.other_module",
                            &[("path", &path.display()), ("module", &report.module)],
                        ),
                    );
                }
                Err(e) => {
                    return StudentResult::unreadable(
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
                        exceptions: vec![],
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
                spend: None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(id: &str, name: &str, state: &str) -> OrgAccount {
        OrgAccount {
            id: id.into(),
            name: name.into(),
            state: state.into(),
        }
    }

    #[test]
    fn unit_ids_follow_organizations_patterns() {
        for good in ["ou-abcd-12345678", "ou-ab12cd34-abcdefgh12", "r-abcd"] {
            assert!(valid_unit(good), "{good}");
        }
        for bad in [
            "",
            "ou-abc-12345678",
            "ou-abcd-1234",
            "OU-abcd-12345678",
            "r-ab",
            "abcd",
            "ou-abcd-1234567!",
        ] {
            assert!(!valid_unit(bad), "{bad}");
        }
    }

    #[test]
    fn the_units_accounts_take_the_rosters_names_and_settings_and_the_rest_are_still_verified() {
        let roster = roster::parse_roster(
            "[defaults]\nregion = \"eu-central-1\"\nexternal_id = \"class-2026\"\n\n\
             [[student]]\nname = \"Ana Souza\"\naccount_id = \"111111111111\"\nrole_name = \"Own\"\ndomain_id = \"d-ana\"\n\n\
             [[student]]\nname = \"Outside Olga\"\nprofile = \"olga\"\naccount_id = \"999999999999\"\n\n\
             [[student]]\nname = \"Closed Carl\"\naccount_id = \"333333333333\"\nrole_name = \"Own\"\n",
            std::path::Path::new("class.toml"),
            Lang::En,
            false,
        )
        .unwrap();
        let accounts = [
            org("111111111111", "student-ana", "ACTIVE"),
            org("222222222222", "student-bruno", "ACTIVE"),
            org("333333333333", "student-carl", "SUSPENDED"),
        ];
        let (members, notes) = class_of(
            &roster.students,
            &roster.defaults,
            Some(("ou-abcd-12345678", &accounts)),
            "CourseAudit",
            Lang::En,
        );
        let Member::Read(ana) = &members[0] else {
            panic!("{members:?}")
        };
        assert_eq!(ana, &roster.students[0], "the roster's settings for its account id");
        let Member::Read(bruno) = &members[1] else {
            panic!("{members:?}")
        };
        assert_eq!(bruno.name, "student-bruno");
        assert_eq!(
            bruno.access,
            Access::Role {
                arn: "arn:aws:iam::222222222222:role/CourseAudit".into(),
                external_id: Some("class-2026".into())
            }
        );
        assert_eq!(bruno.region.as_deref(), Some("eu-central-1"));
        assert_eq!(
            members[2],
            Member::Suspended {
                name: "Closed Carl".into(),
                account: "333333333333".into(),
                state: "SUSPENDED".into()
            }
        );
        let Member::Read(olga) = &members[3] else {
            panic!("{members:?}")
        };
        assert_eq!(
            olga.name, "Outside Olga",
            "in the roster, not in the unit: still verified"
        );
        assert_eq!(
            notes,
            ["Outside Olga (999999999999) is in the roster but not under ou-abcd-12345678: verified anyway"]
        );
        // Without a unit, the roster as it is.
        let (members, notes) = class_of(&roster.students, &roster.defaults, None, "CourseAudit", Lang::En);
        assert_eq!(members.len(), 3);
        assert!(notes.is_empty());
    }

    #[test]
    fn a_refused_organizations_call_names_its_action() {
        let denied = CallError {
            operation: "organizations:ListChildren".into(),
            kind: ErrorKind::AccessDenied,
            message: "AccessDeniedException: You don't have permissions to access this resource.".into(),
        };
        let Error::Aws(text) = org_error(&denied, "ou-abcd-12345678", Lang::En) else {
            panic!()
        };
        assert!(
            text.starts_with("AWS Organizations refused organizations:ListChildren on ou-abcd-12345678"),
            "{text}"
        );
        assert!(text.contains("sm-course iam-policy --instructor"), "{text}");
    }

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
