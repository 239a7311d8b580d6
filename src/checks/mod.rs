//! Judges: pure functions from a snapshot to check results. They know no SDK
//! types and do no I/O; the words come from lessons/module5/checks.toml.

mod rules;
pub mod running;

pub use rules::duration;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::course::{Course, Text};
use crate::i18n::{Lang, trf};
use crate::snapshot::{CallError, ErrorKind, Snapshot};

/// The check ids, in report order. They are a contract: scripts select them
/// with `--only` and read them from JSON.
pub const IDS: [&str; 10] = [
    "identity",
    "region",
    "studio-apps",
    "notebook-instances",
    "endpoints",
    "budget",
    "budget-alerts",
    "idle-shutdown",
    "long-running-alarm",
    "spot-training",
];

/// The course's region, where the module's prices apply.
pub const COURSE_REGION: &str = "eu-central-1";

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Warn,
    Skip,
    Error,
}

impl Status {
    pub const ALL: [Status; 5] = [Status::Pass, Status::Fail, Status::Warn, Status::Skip, Status::Error];

    pub fn name(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Warn => "warn",
            Status::Skip => "skip",
            Status::Error => "error",
        }
    }
}

/// One fact behind a result, e.g. `account` = `123456789012`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fact {
    pub key: String,
    pub value: String,
}

/// A billable resource, with numbers a script can add up.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Resource {
    pub kind: &'static str,
    pub name: String,
    pub instance_type: Option<String>,
    pub running_seconds: Option<u64>,
    pub price_per_hour_usd: Option<f64>,
    pub accrued_usd: Option<f64>,
    /// Instances behind it (endpoints may run several).
    pub count: u32,
    pub gpu: bool,
    /// Where it lives: domain and owner for Studio apps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_type: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Remediation {
    /// Why it matters (with the hourly cost where there is one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    /// Troubleshooting steps, in order.
    pub steps: Vec<String>,
    /// Where to fix it in the console.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub console: Option<String>,
    /// The exact commands, filled in with the account's own names.
    pub commands: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CheckResult {
    pub id: &'static str,
    pub status: Status,
    pub title: String,
    pub summary: String,
    pub evidence: Vec<Fact>,
    pub resources: Vec<Resource>,
    pub remediation: Remediation,
}

/// The words of one check, in both languages.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckText {
    pub title: Text,
    pub why: Text,
    pub console: Text,
    pub steps: Steps,
    /// Summary lines by outcome (`pass`, `fail`, …), with `{placeholders}`.
    pub summary: BTreeMap<String, Text>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Steps {
    pub pt: Vec<String>,
    pub en: Vec<String>,
}

impl Steps {
    pub fn get(&self, lang: Lang) -> &[String] {
        match lang {
            Lang::Pt => &self.pt,
            Lang::En => &self.en,
        }
    }
}

/// What the judges are given besides the snapshot.
pub struct Judge<'a> {
    pub course: &'a Course,
    pub lang: Lang,
    /// The region the learner should be in (`--expect-region`).
    pub expect_region: &'a str,
}

/// Fills `{name}` placeholders.
fn fill(template: &str, args: &[(&str, String)]) -> String {
    let mut text = template.to_string();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

impl Judge<'_> {
    fn text(&self, id: &str) -> &CheckText {
        self.course
            .checks
            .get(id)
            .expect("content validation ensures every check has its text")
    }

    /// A summary line of check `id` for outcome `key`.
    fn say(&self, id: &str, key: &str, args: &[(&str, String)]) -> String {
        match self.text(id).summary.get(key) {
            Some(text) => fill(text.get(self.lang), args),
            // Validation makes this unreachable for the built-in lessons; an
            // edited copy still gets a readable line.
            None => format!("[{id}.{key}]"),
        }
    }

    /// A result with the check's title and the given outcome; failing and
    /// warning results carry the check's why, steps and console path.
    fn result(&self, id: &'static str, status: Status, summary: String, args: &[(&str, String)]) -> CheckResult {
        let text = self.text(id);
        let lang = self.lang;
        let remediation = if matches!(status, Status::Fail | Status::Warn) {
            Remediation {
                why: Some(fill(text.why.get(lang), args)),
                steps: text.steps.get(lang).iter().map(|s| fill(s, args)).collect(),
                console: Some(fill(text.console.get(lang), args)),
                commands: Vec::new(),
            }
        } else {
            Remediation::default()
        };
        CheckResult {
            id,
            status,
            title: text.title.get(lang).to_string(),
            summary,
            evidence: Vec::new(),
            resources: Vec::new(),
            remediation,
        }
    }

    /// The result when the data a check needs could not be read.
    fn error(&self, id: &'static str, error: &CallError) -> CheckResult {
        let lang = self.lang;
        let mut result = self.result(id, Status::Error, describe_call_error(error, lang), &[]);
        result.evidence.push(Fact {
            key: "operation".into(),
            value: error.operation.clone(),
        });
        result.remediation.steps = call_error_steps(error, lang);
        if error.kind == ErrorKind::AccessDenied {
            result.remediation.commands.push("sm-course iam-policy".to_string());
        }
        result
    }

    /// Judges every check (or those in `only`) against `snapshot`.
    pub fn judge(&self, snapshot: &Snapshot, only: Option<&[String]>) -> Vec<CheckResult> {
        IDS.iter()
            .filter(|id| only.is_none_or(|only| only.iter().any(|o| o == *id)))
            .map(|id| rules::judge_one(self, id, snapshot))
            .collect()
    }
}

/// "access denied: the IAM action sagemaker:ListApps is not allowed", etc.
pub fn describe_call_error(error: &CallError, lang: Lang) -> String {
    let key = match error.kind {
        ErrorKind::AccessDenied => "call.access_denied",
        ErrorKind::Throttling => "call.throttling",
        ErrorKind::Timeout => "call.timeout",
        ErrorKind::Unreachable => "call.unreachable",
        ErrorKind::NoRegion => "call.no_region",
        ErrorKind::Other => "call.other",
    };
    trf(
        lang,
        key,
        &[("operation", &error.operation), ("message", &error.message)],
    )
}

fn call_error_steps(error: &CallError, lang: Lang) -> Vec<String> {
    let key = match error.kind {
        ErrorKind::AccessDenied => "call.access_denied_step",
        ErrorKind::Throttling | ErrorKind::Timeout => "call.retry_step",
        ErrorKind::Unreachable => "call.unreachable_step",
        ErrorKind::NoRegion => "call.no_region_step",
        ErrorKind::Other => "call.other_step",
    };
    vec![trf(lang, key, &[("operation", &error.operation)])]
}

/// Counts of each status, for the report's summary line.
pub fn tally(results: &[CheckResult]) -> BTreeMap<&'static str, usize> {
    Status::ALL
        .iter()
        .map(|s| (s.name(), results.iter().filter(|r| r.status == *s).count()))
        .collect()
}

/// Whether anything failed or could not be evaluated (exit code 1).
pub fn any_failed(results: &[CheckResult]) -> bool {
    results.iter().any(|r| matches!(r.status, Status::Fail | Status::Error))
}

#[cfg(test)]
mod tests;
