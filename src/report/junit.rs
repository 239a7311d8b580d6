//! JUnit XML, one builder for every report that has it: a check is a test
//! case (fail → failure, error → error, skip and muted → skipped, warn →
//! passed with the warning in system-out).

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::checks::Status;
use crate::ui::clean;

/// One check as a test case; `detail` (resources, steps, commands) goes with
/// a failure, an error or a warning.
pub(crate) fn case(id: &str, class: &str, status: Status, summary: &str, detail: Option<&str>) -> TestCase {
    let case_status = match status {
        Status::Pass | Status::Warn => TestCaseStatus::success(),
        // Accepted on purpose until a date: not run as a test, and said why.
        Status::Skip | Status::Muted => {
            let mut s = TestCaseStatus::skipped();
            s.set_message(clean(summary));
            if let (Status::Muted, Some(detail)) = (status, detail) {
                s.set_description(clean(detail));
            }
            s
        }
        Status::Fail | Status::Error => {
            let kind = if status == Status::Fail {
                NonSuccessKind::Failure
            } else {
                NonSuccessKind::Error
            };
            let mut s = TestCaseStatus::non_success(kind);
            s.set_message(clean(summary));
            s.set_type(status.name());
            if let Some(detail) = detail {
                s.set_description(clean(detail));
            }
            s
        }
    };
    let mut case = TestCase::new(id, case_status);
    case.set_classname(clean(class));
    if status == Status::Warn
        && let Some(detail) = detail
    {
        case.set_system_out(format!("warning: {}", clean(detail)));
    }
    case
}

/// A case that could not run at all (a student whose account could not be read).
pub(crate) fn error_case(id: &str, message: &str) -> TestCase {
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
    status.set_message(clean(message));
    TestCase::new(id, status)
}

/// A case that was not run on purpose (an account closed in the organisation).
pub(crate) fn skipped_case(id: &str, message: &str) -> TestCase {
    let mut status = TestCaseStatus::skipped();
    status.set_message(clean(message));
    TestCase::new(id, status)
}

pub(crate) fn suite(name: &str, cases: Vec<TestCase>) -> TestSuite {
    suite_with(name, cases, &[])
}

/// A suite with properties (name, value), e.g. a student's account and score.
pub(crate) fn suite_with(name: &str, cases: Vec<TestCase>, properties: &[(&str, String)]) -> TestSuite {
    let mut suite = TestSuite::new(clean(name));
    suite.add_test_cases(cases);
    for (key, value) in properties {
        suite.add_property(quick_junit::Property::new(*key, clean(value)));
    }
    suite
}

pub(crate) fn document(name: &str, suites: Vec<TestSuite>) -> String {
    let mut report = Report::new(name);
    report.add_test_suites(suites);
    report.to_string().expect("JUnit serialises")
}
