//! Judges: pure functions from a snapshot to check results. They know no SDK
//! types and do no I/O; the words come from lessons/module5/checks.toml.

pub(crate) mod bill;
pub(crate) mod exceptions;
pub(crate) mod idle;
pub(crate) mod lcc;
mod rules;
pub(crate) mod task_rules;

pub(crate) use rules::duration;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::course::{Course, Known};
use crate::i18n::{Lang, trf};
use crate::snapshot::inventory::{RegionList, ResourceKind, SkippedRegion, StorageKind, split_refused};
use crate::snapshot::{CallError, ErrorKind, Snapshot};

/// A live account check: its id, the section of the course whose wizard
/// step offers it, its judge, and the fix the wizard offers when it fails.
pub(crate) struct Check {
    /// A contract: scripts select checks with `--only` and read ids from JSON.
    pub id: &'static str,
    /// The section (slug) whose wizard step runs it; None: only `check` runs it.
    pub section: Option<&'static str>,
    judge: fn(&Judge<'_>, &Snapshot) -> CheckResult,
    pub fix: Option<Fix>,
}

/// A fix the wizard can offer after a failed check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fix {
    /// Stop the Studio apps and notebook instances still running.
    StopRunning,
    /// Create the course budget.
    Budget,
    /// Turn on idle shutdown on the domain.
    IdleShutdown,
    /// End the course with nothing billing (`teardown`, at a level the learner picks).
    Teardown,
}

impl Fix {
    /// The fix that does what a hands-on task with this evidence rule
    /// (tasks.toml) asks for: one pairing, read by the wizard both ways.
    pub(crate) fn for_task_rule(rule: &str) -> Option<Fix> {
        match rule {
            "stopped" => Some(Fix::StopRunning),
            "budget" => Some(Fix::Budget),
            "idle-shutdown" => Some(Fix::IdleShutdown),
            "nothing-billing" => Some(Fix::Teardown),
            _ => None,
        }
    }
}

/// Every check, in report order: the one list that validation, the wizard,
/// the reports and `--only` read.
pub(crate) const REGISTRY: &[Check] = &[
    check("identity", None, rules::identity, None),
    check("region", None, rules::region, None),
    check(
        "studio-apps",
        Some("start-stop"),
        rules::studio_apps,
        Some(Fix::StopRunning),
    ),
    check(
        "notebook-instances",
        Some("start-stop"),
        rules::notebook_instances,
        Some(Fix::StopRunning),
    ),
    check("endpoints", Some("start-stop"), rules::endpoints, None),
    check("mlflow", Some("start-stop"), rules::mlflow, Some(Fix::StopRunning)),
    check("jobs", Some("start-stop"), rules::jobs, None),
    check("hyperpod", Some("start-stop"), rules::hyperpod, None),
    check("storage", Some("start-stop"), rules::storage, None),
    check("budget", Some("optimization"), rules::budget, Some(Fix::Budget)),
    check("budget-alerts", Some("optimization"), rules::budget_alerts, None),
    check(
        "idle-shutdown",
        Some("optimization"),
        rules::idle_shutdown,
        Some(Fix::IdleShutdown),
    ),
    check(
        "long-running-alarm",
        Some("optimization"),
        rules::long_running_alarm,
        None,
    ),
    check("spot-training", Some("optimization"), rules::spot_training, None),
];

/// The checks that read what runs in a region: in a sweep (`--all-regions`,
/// `--regions`) each covers every region read; the others judge the
/// configured region (identity and budgets are account-wide anyway).
pub(crate) const REGIONAL: [&str; 7] = [
    "studio-apps",
    "notebook-instances",
    "endpoints",
    "mlflow",
    "jobs",
    "hyperpod",
    "storage",
];

const fn check(
    id: &'static str,
    section: Option<&'static str>,
    judge: fn(&Judge<'_>, &Snapshot) -> CheckResult,
    fix: Option<Fix>,
) -> Check {
    Check {
        id,
        section,
        judge,
        fix,
    }
}

/// The check ids, in report order.
pub fn ids() -> impl Iterator<Item = &'static str> {
    REGISTRY.iter().map(|c| c.id)
}

pub(crate) fn get(id: &str) -> Option<&'static Check> {
    REGISTRY.iter().find(|c| c.id == id)
}

/// The checks a section's wizard step runs.
pub fn of_section(slug: &str) -> Vec<String> {
    REGISTRY
        .iter()
        .filter(|c| c.section == Some(slug))
        .map(|c| c.id.to_string())
        .collect()
}

/// What content validation needs to know of the code: the checks (with
/// their sections) and the advisor's families.
pub fn known() -> Known {
    Known {
        checks: REGISTRY.iter().map(|c| (c.id, c.section)).collect(),
        advisor_families: &crate::catalog::advisor::FAMILIES,
        task_rules: &task_rules::RULES,
    }
}

/// Bad `--only` ids, as a usage error listing the known ones.
pub(crate) fn unknown_id(only: &[String], lang: Lang) -> Option<crate::error::Error> {
    let unknown = only.iter().find(|id| get(id).is_none())?;
    let known: Vec<&str> = ids().collect();
    Some(crate::error::Error::Usage(trf(
        lang,
        "check.unknown_id",
        &[("id", unknown), ("ids", &known.join(", "))],
    )))
}

/// The course's region, where the module's prices apply.
pub(crate) const COURSE_REGION: &str = "eu-central-1";

/// The course budget's name: what `fix budget` creates and the budget check
/// suggests when the account has none.
pub(crate) const BUDGET_NAME: &str = "SageMaker-Monthly-Budget";

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Warn,
    Skip,
    Error,
    /// Failing or warning, but accepted on purpose until a date (an
    /// exception): shown apart, never a reason for exit code 1.
    Muted,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Pass,
        Status::Fail,
        Status::Warn,
        Status::Skip,
        Status::Error,
        Status::Muted,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Warn => "warn",
            Status::Skip => "skip",
            Status::Error => "error",
            Status::Muted => "muted",
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
    pub kind: ResourceKind,
    pub name: String,
    pub instance_type: Option<String>,
    pub running_seconds: Option<u64>,
    pub price_per_hour_usd: Option<f64>,
    /// Where the price comes from (the course's figure, or the Price List
    /// with its date and region); null with the price.
    pub price_source: Option<crate::catalog::prices::PriceSource>,
    pub accrued_usd: Option<f64>,
    /// Instances behind it (endpoints may run several).
    pub count: u32,
    pub gpu: bool,
    /// The region it runs in (where its fix command must be sent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Where it lives: domain and owner for Studio apps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_type: Option<String>,
    /// The Studio app or notebook instance the learner is working in.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub current: bool,
    /// When it stops billing by itself if left alone (a warm pool's
    /// keep-alive end), RFC 3339.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<String>,
    /// The inference components an endpoint hosts (billed through its instances).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<String>,
    /// Studio apps: whole minutes since `last_activity`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle_minutes: Option<u64>,
    /// Studio apps: DescribeApp's `LastUserActivityTimestamp` (RFC 3339).
    /// SageMaker also sets it to its health check's time when no one is
    /// active, so the user was last active then or earlier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_activity: Option<String>,
    /// That time is also the last health check's: it may be SageMaker's
    /// check rather than anyone's use.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub activity_is_health_check: bool,
    /// Endpoints: requests in the 24 hours before the snapshot (CloudWatch
    /// `Invocations`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invocations_24h: Option<u64>,
    /// Why nothing is known of its use: AWS reports nothing for its kind,
    /// or the read failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity_unknown: Option<NoActivity>,
    /// Studio apps in the checks' results: idle shutdown's verdict on it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle_shutdown: Option<idle::Diagnosis>,
}

/// Why a resource's use is not known.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum NoActivity {
    /// AWS reports no activity for this kind (notebook instances).
    NoSignal,
    /// Asynchronous endpoints publish no `Invocations` metric.
    Asynchronous,
    /// The read failed.
    Unread { error: CallError },
}

impl Resource {
    /// Bills every hour it exists, used or not: everything but a serverless
    /// endpoint without provisioned concurrency (priced at zero per hour,
    /// billed per request).
    pub fn bills_by_the_hour(&self) -> bool {
        self.kind.by_the_hour() || self.price_per_hour_usd != Some(0.0)
    }
}

/// Something billed by the GB-month whether anything runs or not: a
/// volume or a file system, with its size and monthly cost.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StorageItem {
    pub kind: StorageKind,
    pub name: String,
    pub region: Option<String>,
    /// Its size in GB (GiB, as AWS meters storage); for EFS the metered size.
    pub size_gb: f64,
    /// The size is AWS's default (the volume's own size could not be read).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub size_assumed: bool,
    pub price_per_gb_month_usd: Option<f64>,
    pub price_source: Option<crate::catalog::prices::PriceSource>,
    pub monthly_usd: Option<f64>,
    /// The domain it belongs to (spaces, EFS), and its owner (a space's user profile).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// What goes with it when it is deleted (the files it holds).
    pub holds: String,
    /// The `aws` CLI command that deletes it (for a domain's EFS: the domain
    /// must go first; the command deletes the domain and its EFS).
    pub delete: String,
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
    /// Volumes and file systems billing by the GB-month (the storage check).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub storage: Vec<StorageItem>,
    pub remediation: Remediation,
    /// What exceptions accepted (muted until their date, listed apart from
    /// `resources`), or would have past their date (`expired`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<exceptions::Accepted>,
    /// Why the check could not be evaluated (status error), for reports that
    /// name each cause once.
    #[serde(skip)]
    pub error: Option<CallError>,
}

/// What the judges are given besides the snapshot.
pub(crate) struct Judge<'a> {
    pub course: &'a Course,
    /// Prices: the course's figures plus the cached Price List prices.
    pub prices: &'a crate::catalog::prices::PriceBook,
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
    fn text(&self, id: &str) -> &crate::course::CheckText {
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
            storage: Vec::new(),
            remediation,
            exceptions: Vec::new(),
            error: None,
        }
    }

    /// The result when the data a check needs could not be read.
    fn error(&self, id: &'static str, error: &CallError) -> CheckResult {
        let lang = self.lang;
        let mut result = self.result(id, Status::Error, error.describe(lang), &[]);
        result.evidence.push(Fact {
            key: "operation".into(),
            value: error.operation.clone(),
        });
        result.remediation.steps = vec![error.step(lang)];
        if error.kind == ErrorKind::AccessDenied {
            result.remediation.commands.push("sm-course iam-policy".to_string());
        }
        result.error = Some(error.clone());
        result
    }

    /// A sweep's running-resource checks (`REGIONAL`): each region read is
    /// judged (the configured one from the full snapshot) and merged into
    /// one result per check; when no region asked for could be read, the
    /// check is an error, never the configured region's pass. Returns the
    /// regions skipped (no SageMaker there, or every list refused).
    pub(crate) fn judge_sweep(
        &self,
        home: &Snapshot,
        list: &RegionList,
        others: &[Snapshot],
        results: &mut [CheckResult],
    ) -> Vec<SkippedRegion> {
        let (snapshots, refused) = split_refused(others, None);
        let mut skipped = list.skipped.clone();
        skipped.extend(refused);
        for result in results.iter_mut().filter(|r| REGIONAL.contains(&r.id)) {
            let only = [result.id.to_string()];
            let mut per_region = Vec::new();
            for region in &list.regions {
                if Some(region) == home.region.as_ref() {
                    per_region.push((region.clone(), result.clone()));
                } else if let Some(snapshot) = snapshots.iter().find(|s| s.region.as_ref() == Some(region)) {
                    per_region.extend(
                        self.judge(snapshot, Some(&only))
                            .into_iter()
                            .map(|r| (region.clone(), r)),
                    );
                }
            }
            *result = match merge_regions(per_region) {
                Some(merged) => merged,
                None => {
                    let names: Vec<&str> = skipped.iter().map(|s| s.region.as_str()).collect();
                    let summary = trf(self.lang, "checks.no_region_read", &[("regions", &names.join(", "))]);
                    self.result(result.id, Status::Error, summary, &[])
                }
            };
        }
        skipped
    }

    /// Judges every check (or those in `only`) against `snapshot`.
    pub(crate) fn judge(&self, snapshot: &Snapshot, only: Option<&[String]>) -> Vec<CheckResult> {
        REGISTRY
            .iter()
            .filter(|c| only.is_none_or(|only| only.iter().any(|o| o == c.id)))
            .map(|c| (c.judge)(self, snapshot))
            .collect()
    }
}

/// One check's results in several regions, as one result: the most serious
/// status, every region's resources (each marked with its region), fix
/// commands (each already naming its region) and evidence; the summary of
/// each region that is not a pass. `None` when no region was judged.
pub(crate) fn merge_regions(mut per_region: Vec<(String, CheckResult)>) -> Option<CheckResult> {
    // Exceptions are applied after the regions are merged: none is muted yet.
    let rank = |s: Status| match s {
        Status::Fail => 4,
        Status::Error => 3,
        Status::Warn => 2,
        Status::Muted | Status::Pass => 1,
        Status::Skip => 0,
    };
    for (region, result) in &mut per_region {
        for resource in &mut result.resources {
            resource.region.get_or_insert_with(|| region.clone());
        }
    }
    if per_region.len() <= 1 {
        return per_region.pop().map(|(_, r)| r);
    }
    let worst = per_region.iter().map(|(_, r)| rank(r.status)).max()?;
    let lead = per_region.iter().position(|(_, r)| rank(r.status) == worst)?;
    let mut merged = per_region[lead].1.clone();
    let notable: Vec<&(String, CheckResult)> = per_region
        .iter()
        .filter(|(_, r)| r.status != Status::Pass && r.status != Status::Skip)
        .collect();
    // Every region's summary when all pass, else only the ones that do not.
    let shown: Vec<&(String, CheckResult)> = match notable.is_empty() {
        true => per_region.iter().collect(),
        false => notable,
    };
    merged.summary = shown
        .iter()
        .map(|(region, r)| format!("[{region}] {}", r.summary))
        .collect::<Vec<_>>()
        .join(" · ");
    merged.evidence = Vec::new();
    merged.resources = Vec::new();
    merged.storage = Vec::new();
    // Each region's failure is in the summary, named with its region.
    merged.error = None;
    merged.remediation.commands = Vec::new();
    for (region, r) in per_region {
        merged.evidence.extend(r.evidence.into_iter().map(|f| Fact {
            key: f.key,
            value: format!("[{region}] {}", f.value),
        }));
        merged.resources.extend(r.resources);
        merged.storage.extend(r.storage.into_iter().map(|mut item| {
            item.region.get_or_insert_with(|| region.clone());
            item
        }));
        for command in r.remediation.commands {
            if !merged.remediation.commands.contains(&command) {
                merged.remediation.commands.push(command);
            }
        }
    }
    Some(merged)
}

/// Counts of each status, for the report's summary line.
pub(crate) fn tally(results: &[CheckResult]) -> BTreeMap<&'static str, usize> {
    Status::ALL
        .iter()
        .map(|s| (s.name(), results.iter().filter(|r| r.status == *s).count()))
        .collect()
}

/// Whether anything failed or could not be evaluated (exit code 1).
pub(crate) fn any_failed(results: &[CheckResult]) -> bool {
    results.iter().any(|r| matches!(r.status, Status::Fail | Status::Error))
}

#[cfg(test)]
mod tests;
