//! Exceptions that expire: findings accepted on purpose (a shared endpoint
//! the instructor runs for the class, a space kept for the next module),
//! each with a reason and the day it ends, so they stop drowning the real
//! ones. A matching finding is `muted` until that day and fails again after
//! it, saying the exception expired. Read from an exceptions file
//! (`[[exception]]` tables) or a roster's own `[[exception]]` tables; every
//! problem is reported at once with its line.

use std::path::Path;

use serde::Serialize;
use toml::de::{DeTable, DeValue};

use super::bill::Billed;
use super::{CheckResult, Resource, Status, StorageItem};
use crate::error::{Error, Result};
use crate::i18n::{Lang, tr, trf};
use crate::snapshot::inventory::{ResourceKind, StorageKind};
use crate::util::toml_input::{Field, Problems, Value};

/// One accepted finding, as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Exception {
    /// The check it mutes.
    pub check: &'static str,
    /// The resource's kind (`endpoint`, `space-volume`…); none: any kind.
    pub kind: Option<String>,
    /// The resource's name, `*` matching any run of characters; none: any name.
    pub name: Option<String>,
    /// Only in this account.
    pub account: Option<String>,
    /// Only for this student of a roster.
    pub student: Option<String>,
    pub reason: String,
    /// The last day it holds (in the machine's time zone): from the next day
    /// the finding fails again.
    pub expires: jiff::civil::Date,
    /// `FILE:LINE` of its `[[exception]]`.
    pub from: String,
}

/// A finding an exception matched: muted until `expires`, or, past it, a
/// finding that fails again (`expired`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Accepted {
    /// The resource muted (none: the whole check).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// What it still costs: muted is not free.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_per_hour_usd: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monthly_usd: Option<f64>,
    pub reason: String,
    /// YYYY-MM-DD.
    pub expires: String,
    pub expired: bool,
    pub from: String,
}

/// Where exceptions are applied: whose account, which student, which day.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scope<'a> {
    pub account: Option<&'a str>,
    pub student: Option<&'a str>,
    pub today: jiff::civil::Date,
}

impl Scope<'_> {
    /// Today in the machine's time zone (`TZ`).
    pub(crate) fn today() -> jiff::civil::Date {
        jiff::Timestamp::now()
            .to_zoned_datetime(jiff::tz::TimeZone::system())
            .date()
    }
}

/// The fields of an `[[exception]]`; a roster's may also name a `student`.
const FIELDS: [&str; 5] = ["check", "resource", "account", "reason", "expires"];
const ROSTER_FIELDS: [&str; 6] = ["check", "resource", "account", "student", "reason", "expires"];
const RESOURCE_FIELDS: [&str; 2] = ["kind", "name"];

/// Every kind a resource pattern may name: compute by the hour, then storage.
pub(crate) const KINDS: [&str; 16] = [
    "studio-app",
    "canvas-app",
    "notebook-instance",
    "endpoint",
    "async-endpoint",
    "serverless-endpoint",
    "mlflow-tracking-server",
    "training-job",
    "processing-job",
    "transform-job",
    "warm-pool",
    "hyperpod-cluster",
    "space-volume",
    "notebook-volume",
    "domain-efs",
    "orphan-efs",
];

/// A kind's name, as JSON writes it and as exceptions name it.
pub(crate) fn kind_name(kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::StudioApp => "studio-app",
        ResourceKind::CanvasApp => "canvas-app",
        ResourceKind::NotebookInstance => "notebook-instance",
        ResourceKind::Endpoint => "endpoint",
        ResourceKind::AsyncEndpoint => "async-endpoint",
        ResourceKind::ServerlessEndpoint => "serverless-endpoint",
        ResourceKind::MlflowTrackingServer => "mlflow-tracking-server",
        ResourceKind::TrainingJob => "training-job",
        ResourceKind::ProcessingJob => "processing-job",
        ResourceKind::TransformJob => "transform-job",
        ResourceKind::WarmPool => "warm-pool",
        ResourceKind::HyperpodCluster => "hyperpod-cluster",
    }
}

pub(crate) fn storage_kind_name(kind: StorageKind) -> &'static str {
    match kind {
        StorageKind::SpaceVolume => "space-volume",
        StorageKind::NotebookVolume => "notebook-volume",
        StorageKind::DomainEfs => "domain-efs",
        StorageKind::OrphanEfs => "orphan-efs",
    }
}

/// The check that reports a kind of compute (the audit's exceptions name
/// checks too).
pub(crate) fn check_of(kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::StudioApp | ResourceKind::CanvasApp => "studio-apps",
        ResourceKind::NotebookInstance => "notebook-instances",
        ResourceKind::Endpoint | ResourceKind::AsyncEndpoint | ResourceKind::ServerlessEndpoint => "endpoints",
        ResourceKind::MlflowTrackingServer => "mlflow",
        ResourceKind::TrainingJob
        | ResourceKind::ProcessingJob
        | ResourceKind::TransformJob
        | ResourceKind::WarmPool => "jobs",
        ResourceKind::HyperpodCluster => "hyperpod",
    }
}

/// `*` matches any run of characters (none included); everything else itself.
pub(crate) fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

impl Exception {
    fn applies(&self, check: &str, scope: &Scope<'_>) -> bool {
        self.check == check
            && self.account.as_deref().is_none_or(|a| scope.account == Some(a))
            && self.student.as_deref().is_none_or(|s| scope.student == Some(s))
    }

    /// The whole check, not some of its resources.
    fn whole(&self) -> bool {
        self.kind.is_none() && self.name.is_none()
    }

    fn matches(&self, kind: &str, name: &str) -> bool {
        !self.whole()
            && self.kind.as_deref().is_none_or(|k| k == kind)
            && self.name.as_deref().is_none_or(|n| glob(n, name))
    }

    /// Holds through its `expires` day.
    pub(crate) fn active(&self, today: jiff::civil::Date) -> bool {
        today <= self.expires
    }

    fn accepted(&self, today: jiff::civil::Date) -> Accepted {
        Accepted {
            kind: None,
            name: None,
            region: None,
            price_per_hour_usd: None,
            monthly_usd: None,
            reason: self.reason.clone(),
            expires: self.expires.to_string(),
            expired: !self.active(today),
            from: self.from.clone(),
        }
    }
}

impl Accepted {
    fn of_resource(e: &Exception, r: &Resource, today: jiff::civil::Date) -> Accepted {
        Accepted {
            kind: Some(kind_name(r.kind).to_string()),
            name: Some(r.name.clone()),
            region: r.region.clone(),
            price_per_hour_usd: r.price_per_hour_usd,
            ..e.accepted(today)
        }
    }

    fn of_storage(e: &Exception, s: &StorageItem, today: jiff::civil::Date) -> Accepted {
        Accepted {
            kind: Some(storage_kind_name(s.kind).to_string()),
            name: Some(s.name.clone()),
            region: s.region.clone(),
            monthly_usd: s.monthly_usd,
            ..e.accepted(today)
        }
    }

    /// `endpoint shared-demo`, or nothing for a whole check.
    pub fn what(&self) -> String {
        match (&self.kind, &self.name) {
            (Some(kind), Some(name)) => format!("{kind} {name}"),
            (None, Some(name)) | (Some(name), None) => name.clone(),
            (None, None) => String::new(),
        }
    }

    /// One line: "muted until 2026-12-20: endpoint x — why (file:3)", or
    /// "exception expired on 2026-01-10: …".
    pub fn line(&self, lang: Lang) -> String {
        let key = if self.expired {
            "exceptions.expired_line"
        } else {
            "exceptions.muted_line"
        };
        let what = self.what();
        let what = if what.is_empty() {
            tr(lang, "exceptions.whole_check").to_string()
        } else {
            what
        };
        trf(
            lang,
            key,
            &[
                ("expires", &self.expires),
                ("what", &what),
                ("reason", &self.reason),
                ("from", &self.from),
            ],
        )
    }

    /// Whether it was matched to this resource (muting it, or expired).
    pub fn names(&self, kind: &str, name: &str, region: Option<&str>) -> bool {
        self.kind.as_deref() == Some(kind)
            && self.name.as_deref() == Some(name)
            && (self.region.is_none() || self.region.as_deref() == region)
    }
}

/// The first exception among `found` that holds today, else the first expired one.
fn pick<'e>(found: impl Iterator<Item = &'e Exception>, today: jiff::civil::Date) -> Option<&'e Exception> {
    let found: Vec<&Exception> = found.collect();
    found
        .iter()
        .find(|e| e.active(today))
        .or_else(|| found.first())
        .copied()
}

/// Applies the exceptions to failing and warning results: a whole check
/// accepted is `muted`; resources accepted are listed apart, and a check
/// whose every resource billing by the hour (and every volume) is accepted
/// is `muted`; a check with other resources stays as it was and says how
/// many are muted. Past its date, an exception mutes nothing and the result
/// says it expired.
pub(crate) fn apply(results: &mut [CheckResult], exceptions: &[Exception], scope: &Scope<'_>, lang: Lang) {
    let today = scope.today;
    for result in results
        .iter_mut()
        .filter(|r| matches!(r.status, Status::Fail | Status::Warn))
    {
        let relevant: Vec<&Exception> = exceptions.iter().filter(|e| e.applies(result.id, scope)).collect();
        if relevant.is_empty() {
            continue;
        }
        if let Some(e) = pick(relevant.iter().copied().filter(|e| e.whole()), today) {
            let accepted = e.accepted(today);
            if !accepted.expired {
                result.summary = trf(
                    lang,
                    "exceptions.muted_summary",
                    &[
                        ("expires", &accepted.expires),
                        ("reason", &accepted.reason),
                        ("summary", &result.summary),
                    ],
                );
                result.status = Status::Muted;
                result.exceptions.push(accepted);
                continue;
            }
            result.exceptions.push(accepted);
        }
        let mut muted_names = Vec::new();
        let resources = std::mem::take(&mut result.resources);
        for r in resources {
            let found = pick(
                relevant
                    .iter()
                    .copied()
                    .filter(|e| e.matches(kind_name(r.kind), &r.name)),
                today,
            );
            match found {
                Some(e) if e.active(today) => {
                    muted_names.push(r.name.clone());
                    result.exceptions.push(Accepted::of_resource(e, &r, today));
                }
                Some(e) => {
                    result.exceptions.push(Accepted::of_resource(e, &r, today));
                    result.resources.push(r);
                }
                None => result.resources.push(r),
            }
        }
        let storage = std::mem::take(&mut result.storage);
        for s in storage {
            let found = pick(
                relevant
                    .iter()
                    .copied()
                    .filter(|e| e.matches(storage_kind_name(s.kind), &s.name)),
                today,
            );
            match found {
                Some(e) if e.active(today) => {
                    muted_names.push(s.name.clone());
                    result.exceptions.push(Accepted::of_storage(e, &s, today));
                }
                Some(e) => {
                    result.exceptions.push(Accepted::of_storage(e, &s, today));
                    result.storage.push(s);
                }
                None => result.storage.push(s),
            }
        }
        if !muted_names.is_empty() {
            // The fix commands of what was accepted are not offered.
            result.remediation.commands.retain(|command| {
                !command
                    .split_whitespace()
                    .any(|word| muted_names.iter().any(|n| n == word.trim_matches(['"', '\''])))
            });
            let left = result.resources.iter().any(Resource::bills_by_the_hour) || !result.storage.is_empty();
            if left {
                result.summary.push(' ');
                result
                    .summary
                    .push_str(&trf(lang, "exceptions.some_muted", &[("count", &muted_names.len())]));
            } else {
                result.summary = trf(
                    lang,
                    "exceptions.all_muted",
                    &[("count", &muted_names.len()), ("summary", &result.summary)],
                );
                result.status = Status::Muted;
            }
        }
        for expired in result.exceptions.iter().filter(|a| a.expired) {
            result.summary.push(' ');
            result.summary.push_str(&expired.line(lang));
        }
    }
}

/// The audit's exceptions: what bills (compute and storage) that an
/// exception of the check reporting it accepts, muted until its date (it
/// still bills and is still counted), or past it, expired.
pub(crate) fn apply_to_bill(
    compute: &[Billed],
    storage: &[StorageItem],
    exceptions: &[Exception],
    scope: &Scope<'_>,
) -> Vec<Accepted> {
    let today = scope.today;
    let mut accepted = Vec::new();
    for item in compute {
        let r = &item.resource;
        let kind = kind_name(r.kind);
        let found = pick(
            exceptions
                .iter()
                .filter(|e| e.applies(check_of(r.kind), scope) && (e.whole() || e.matches(kind, &r.name))),
            today,
        );
        if let Some(e) = found {
            accepted.push(Accepted::of_resource(e, r, today));
        }
    }
    for s in storage {
        let kind = storage_kind_name(s.kind);
        let found = pick(
            exceptions
                .iter()
                .filter(|e| e.applies("storage", scope) && (e.whole() || e.matches(kind, &s.name))),
            today,
        );
        if let Some(e) = found {
            accepted.push(Accepted::of_storage(e, s, today));
        }
    }
    accepted
}

/// Reads an exceptions file: `[[exception]]` tables only.
pub(crate) fn load(path: &Path, lang: Lang) -> Result<Vec<Exception>> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        action: tr(lang, "exceptions.cannot_read").to_string(),
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text, path, lang)
}

/// Parses an exceptions file; `origin` names it in messages. Every problem
/// is reported at once, each as `FILE:LINE: field `NAME`: problem`.
pub(crate) fn parse(text: &str, origin: &Path, lang: Lang) -> Result<Vec<Exception>> {
    let (mut problems, root) = Problems::parse(text, origin, lang);
    let mut exceptions = Vec::new();
    if let Some(root) = &root {
        for (key, value) in root.iter() {
            let line = problems.at(key.span());
            match (&**key.get_ref(), value.get_ref()) {
                ("exception", DeValue::Array(array)) => {
                    for entry in array.iter() {
                        let line = problems.at(entry.span());
                        match entry.get_ref() {
                            DeValue::Table(table) => {
                                exceptions.extend(entry_of(&mut problems, table, line, false));
                            }
                            _ => problems.field(line, "exception", tr(lang, "exceptions.wrong_shape").to_string()),
                        }
                    }
                }
                ("exception", _) => problems.field(line, "exception", tr(lang, "exceptions.wrong_shape").to_string()),
                (name, _) => problems.field(line, name, tr(lang, "exceptions.unknown_section").to_string()),
            }
        }
    }
    if problems.is_empty() {
        Ok(exceptions)
    } else {
        Err(problems.into_error("exceptions.problems"))
    }
}

/// One `[[exception]]` table at `line`; its problems go to `problems`.
/// `in_roster`: it may name a `student` (the roster checks the name).
pub(crate) fn entry_of<'a>(
    problems: &mut Problems<'a>,
    table: &DeTable<'a>,
    line: usize,
    in_roster: bool,
) -> Option<Exception> {
    let lang = problems.lang;
    let known: &[&str] = if in_roster { &ROSTER_FIELDS } else { &FIELDS };
    let before = problems.len();
    let fields = problems.fields(table, known, &["resource"]);
    let get = |name: &str| fields.iter().find(|f| f.name == name);
    let text = |name: &str| get(name).and_then(Field::text).map(|t| t.trim().to_string());
    let line_of = |name: &str| get(name).map_or(line, |f| f.line);
    let ids: Vec<&str> = super::ids().collect();
    let check = match text("check") {
        None => {
            problems.field(
                line,
                "check",
                trf(lang, "exceptions.no_check", &[("ids", &ids.join(", "))]),
            );
            None
        }
        Some(id) => match super::get(&id) {
            Some(check) => Some(check.id),
            None => {
                let near = crate::util::closest(&id, ids.iter().copied())
                    .map(|k| trf(lang, "toml.did_you_mean", &[("field", &k)]))
                    .unwrap_or_default();
                problems.field(
                    line_of("check"),
                    "check",
                    trf(
                        lang,
                        "exceptions.unknown_check",
                        &[("id", &id), ("near", &near), ("ids", &ids.join(", "))],
                    ),
                );
                None
            }
        },
    };
    let (mut kind, mut name) = (None, None);
    match get("resource").map(|f| (&f.value, f.line)) {
        Some((Value::Table(resource), at)) => {
            let inner = problems.fields(resource, &RESOURCE_FIELDS, &[]);
            let inner_text = |n: &str| {
                inner
                    .iter()
                    .find(|f| f.name == n)
                    .and_then(Field::text)
                    .map(|t| t.trim().to_string())
            };
            kind = inner_text("kind");
            name = inner_text("name").filter(|n| !n.is_empty());
            if let Some(k) = &kind
                && !KINDS.contains(&k.as_str())
            {
                problems.field(
                    at,
                    "resource.kind",
                    trf(
                        lang,
                        "exceptions.bad_kind",
                        &[("kind", k), ("kinds", &KINDS.join(", "))],
                    ),
                );
            }
            if kind.is_none() && name.is_none() {
                problems.field(at, "resource", tr(lang, "exceptions.empty_resource").to_string());
            }
        }
        Some((Value::Text(_), at)) => {
            problems.field(at, "resource", tr(lang, "exceptions.resource_shape").to_string());
        }
        None => {}
    }
    let account = text("account");
    if let Some(a) = &account
        && (a.len() != 12 || !a.chars().all(|c| c.is_ascii_digit()))
    {
        problems.field(
            line_of("account"),
            "account",
            trf(lang, "exceptions.bad_account", &[("account", a)]),
        );
    }
    let reason = text("reason").filter(|r| !r.is_empty());
    if reason.is_none() {
        problems.field(
            line_of("reason"),
            "reason",
            tr(lang, "exceptions.no_reason").to_string(),
        );
    }
    let expires = match text("expires") {
        None => {
            problems.field(line, "expires", tr(lang, "exceptions.no_expiry").to_string());
            None
        }
        Some(date) => {
            let parsed = (date.len() == 10)
                .then(|| date.parse::<jiff::civil::Date>().ok())
                .flatten();
            if parsed.is_none() {
                problems.field(
                    line_of("expires"),
                    "expires",
                    trf(lang, "exceptions.bad_date", &[("date", &date)]),
                );
            }
            parsed
        }
    };
    if problems.len() > before {
        return None;
    }
    Some(Exception {
        check: check?,
        kind,
        name,
        account,
        student: text("student"),
        reason: reason?,
        expires: expires?,
        from: format!("{}:{line}", problems.file),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Judge;
    use crate::course::Course;

    fn parse_en(text: &str) -> Result<Vec<Exception>> {
        parse(text, Path::new("exceptions.toml"), Lang::En)
    }

    fn problem(text: &str, lang: Lang) -> String {
        match parse(text, Path::new("exceptions.toml"), lang) {
            Err(Error::Usage(message)) => message,
            other => panic!("expected an exceptions error, got {other:?}"),
        }
    }

    fn date(text: &str) -> jiff::civil::Date {
        text.parse().unwrap()
    }

    /// The neglected practice account, judged: apps, a notebook and an
    /// endpoint (`churn-demo`) running, three volumes.
    fn neglected() -> Vec<CheckResult> {
        let course = Course::load(None, Lang::En, &crate::checks::known()).unwrap();
        let snapshot = course.sandbox("neglected", Lang::En).unwrap();
        let prices = crate::catalog::prices::PriceBook::new(&course.instances);
        let judge = Judge {
            course: &course,
            prices: &prices,
            lang: Lang::En,
            expect_region: "eu-central-1",
        };
        judge.judge(&snapshot, None)
    }

    fn by_id<'r>(results: &'r [CheckResult], id: &str) -> &'r CheckResult {
        results.iter().find(|r| r.id == id).unwrap()
    }

    const ACCOUNT: &str = "111122223333";

    fn scope(today: &str) -> Scope<'static> {
        Scope {
            account: Some(ACCOUNT),
            student: None,
            today: date(today),
        }
    }

    fn endpoint_exception(expires: &str) -> String {
        format!(
            "[[exception]]\ncheck = \"endpoints\"\nresource = {{ kind = \"endpoint\", name = \"churn-*\" }}\n\
             reason = \"the class's shared endpoint\"\nexpires = {expires}\n"
        )
    }

    #[test]
    fn a_star_matches_any_run_of_characters() {
        assert!(glob("churn-*", "churn-demo"));
        assert!(glob("*-demo", "churn-demo"));
        assert!(glob("c*n-*o", "churn-demo"));
        assert!(glob("*", ""));
        assert!(glob("churn-demo", "churn-demo"));
        assert!(!glob("churn-demo", "churn-demo2"));
        assert!(!glob("churn-*-x", "churn-x"));
        assert!(!glob("a*a", "a"));
    }

    #[test]
    fn every_kind_a_resource_can_have_is_named_as_its_json_says() {
        let compute = [
            ResourceKind::StudioApp,
            ResourceKind::CanvasApp,
            ResourceKind::NotebookInstance,
            ResourceKind::Endpoint,
            ResourceKind::AsyncEndpoint,
            ResourceKind::ServerlessEndpoint,
            ResourceKind::MlflowTrackingServer,
            ResourceKind::TrainingJob,
            ResourceKind::ProcessingJob,
            ResourceKind::TransformJob,
            ResourceKind::WarmPool,
            ResourceKind::HyperpodCluster,
        ];
        let storage = [
            StorageKind::SpaceVolume,
            StorageKind::NotebookVolume,
            StorageKind::DomainEfs,
            StorageKind::OrphanEfs,
        ];
        let mut names: Vec<&str> = compute.iter().map(|k| kind_name(*k)).collect();
        names.extend(storage.iter().map(|k| storage_kind_name(*k)));
        assert_eq!(names, KINDS);
        for k in compute {
            assert_eq!(serde_json::to_value(k).unwrap(), kind_name(k));
            assert!(crate::checks::get(check_of(k)).is_some());
        }
        for k in storage {
            assert_eq!(serde_json::to_value(k).unwrap(), storage_kind_name(k));
        }
    }

    #[test]
    fn an_exception_names_a_check_a_resource_an_account_a_reason_and_a_date() {
        let list = parse_en(
            "[[exception]]\ncheck = \"endpoints\"\nresource = { kind = \"endpoint\", name = \"demo-*\" }\n\
             account = \"111122223333\"\nreason = \"shared\"\nexpires = 2026-12-20\n\n\
             [[exception]]\ncheck = \"storage\"\n[exception.resource]\nname = \"learner-lab\"\n\
             [[exception]]\ncheck = \"budget\"\nreason = \"the class budget\"\nexpires = \"2027-01-31\"\n",
        );
        // The second has neither a reason nor a date: the whole file is refused.
        let Err(Error::Usage(message)) = list else {
            panic!("{list:?}")
        };
        assert!(
            message.starts_with("the exceptions file exceptions.toml has 2 problems:"),
            "{message}"
        );
        assert!(message.contains("exceptions.toml:8: field `reason`"), "{message}");
        assert!(message.contains("exceptions.toml:8: field `expires`"), "{message}");
        let list = parse_en(
            "[[exception]]\ncheck = \"endpoints\"\nresource = { kind = \"endpoint\", name = \"demo-*\" }\n\
             account = \"111122223333\"\nreason = \"shared\"\nexpires = 2026-12-20\n\n\
             [[exception]]\ncheck = \"budget\"\nreason = \"the class budget\"\nexpires = \"2027-01-31\"\n",
        )
        .unwrap();
        assert_eq!(
            list[0],
            Exception {
                check: "endpoints",
                kind: Some("endpoint".into()),
                name: Some("demo-*".into()),
                account: Some("111122223333".into()),
                student: None,
                reason: "shared".into(),
                expires: date("2026-12-20"),
                from: "exceptions.toml:1".into(),
            }
        );
        assert_eq!((list[1].check, list[1].from.as_str()), ("budget", "exceptions.toml:8"));
        assert!(list[1].kind.is_none() && list[1].name.is_none());
    }

    #[test]
    fn every_problem_is_refused_at_once_with_its_line_in_the_learners_language() {
        let text = "[[exception]]\ncheck = \"endpoint\"\nresource = { kind = \"endpont\" }\nreason = \"x\"\n\
                    expires = 2026-12-20\n\n[[exception]]\ncheck = \"storage\"\nreason = \"\"\nexpires = \"20-1-1\"\n\
                    acount = \"1\"\nstudent = \"Ana\"\n";
        let message = problem(text, Lang::Pt);
        let lines: Vec<&str> = message.lines().collect();
        assert_eq!(
            lines[0], "o arquivo de exceções exceptions.toml tem 6 problemas:",
            "{message}"
        );
        assert!(
            lines[1].starts_with(
                "  exceptions.toml:2: campo `check`: verificação desconhecida `endpoint` (você quis dizer `endpoints`?)"
            ),
            "{message}"
        );
        assert!(
            lines[2].starts_with("  exceptions.toml:3: campo `resource.kind`: tipo desconhecido `endpont`"),
            "{message}"
        );
        assert_eq!(
            lines[3],
            "  exceptions.toml:9: campo `reason`: uma exceção precisa de um `reason`: por que este achado é aceito"
        );
        assert_eq!(
            lines[4],
            "  exceptions.toml:10: campo `expires`: `20-1-1` não é uma data (AAAA-MM-DD)"
        );
        assert!(
            lines[5]
                .starts_with("  exceptions.toml:11: campo `acount`: campo desconhecido (você quis dizer `account`?)")
        );
        // `student` belongs to a roster's exceptions only.
        assert!(
            lines[6].starts_with("  exceptions.toml:12: campo `student`: campo desconhecido"),
            "{message}"
        );
        // A syntax error gives its line; other tables are refused.
        assert!(
            problem("[[exception]]\ncheck = endpoints\n", Lang::En).starts_with("exceptions.toml:2: TOML syntax error")
        );
        assert!(problem("[exception]\ncheck = \"budget\"\n", Lang::En).contains("double brackets"));
        assert!(problem("[[exceptions]]\n", Lang::En).contains("unknown section"));
        assert!(
            problem(
                "[[exception]]\ncheck = \"budget\"\nresource = \"x\"\nreason = \"r\"\nexpires = 2026-01-01\n",
                Lang::En
            )
            .contains("resource = {")
        );
        assert!(parse_en("").unwrap().is_empty(), "an empty file accepts nothing");
    }

    #[test]
    fn a_muted_endpoint_is_muted_until_its_date_and_fails_again_after_it() {
        let exceptions = parse_en(&endpoint_exception("2026-12-20")).unwrap();
        for today in ["2026-12-01", "2026-12-20"] {
            let mut results = neglected();
            apply(&mut results, &exceptions, &scope(today), Lang::En);
            let endpoints = by_id(&results, "endpoints");
            assert_eq!(endpoints.status, Status::Muted, "{today}: {endpoints:?}");
            assert!(endpoints.resources.is_empty(), "the muted endpoint is listed apart");
            assert_eq!(endpoints.exceptions.len(), 1);
            let accepted = &endpoints.exceptions[0];
            assert_eq!(
                (accepted.what().as_str(), accepted.expires.as_str(), accepted.expired),
                ("endpoint churn-demo", "2026-12-20", false)
            );
            assert!(accepted.price_per_hour_usd.is_some(), "what it still costs");
            assert!(
                endpoints.summary.starts_with("All of it muted by an exception (1)"),
                "{}",
                endpoints.summary
            );
            assert!(!crate::checks::any_failed(&results[4..5]));
        }
        let mut results = neglected();
        apply(&mut results, &exceptions, &scope("2026-12-21"), Lang::En);
        let endpoints = by_id(&results, "endpoints");
        assert_eq!(endpoints.status, Status::Fail);
        assert_eq!(endpoints.resources.len(), 1, "it fails with its endpoint again");
        assert!(
            endpoints.summary.contains(
                "exception expired on 2026-12-20: endpoint churn-demo — the class's shared endpoint (exceptions.toml:1)"
            ),
            "{}",
            endpoints.summary
        );
        assert!(endpoints.exceptions[0].expired);
        assert!(
            !endpoints.remediation.commands.is_empty(),
            "its delete command is offered again"
        );
    }

    #[test]
    fn a_check_with_resources_not_accepted_stays_failing_and_lists_the_muted_apart() {
        let exceptions = parse_en(
            "[[exception]]\ncheck = \"studio-apps\"\nresource = { name = \"default\" }\nreason = \"GPU lab\"\nexpires = 2099-01-01\n",
        )
        .unwrap();
        let mut results = neglected();
        apply(&mut results, &exceptions, &scope("2026-12-01"), Lang::En);
        let apps = by_id(&results, "studio-apps");
        assert_eq!(apps.status, Status::Fail);
        let names: Vec<&str> = apps.resources.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["datascience-1-0-ml-m5-xlarge"]);
        assert_eq!(apps.exceptions[0].name.as_deref(), Some("default"));
        assert!(
            apps.summary.ends_with("(1 muted by an exception, listed apart.)"),
            "{}",
            apps.summary
        );
        // No command deletes what was accepted; the other's is still there.
        assert_eq!(apps.remediation.commands.len(), 1, "{:?}", apps.remediation.commands);
        assert!(apps.remediation.commands[0].contains("datascience-1-0-ml-m5-xlarge"));
    }

    #[test]
    fn a_whole_check_can_be_muted_and_passes_and_skips_are_left_alone() {
        let exceptions = parse_en(
            "[[exception]]\ncheck = \"budget\"\nreason = \"the class budget\"\nexpires = 2099-01-01\n\n\
             [[exception]]\ncheck = \"identity\"\nreason = \"x\"\nexpires = 2099-01-01\n",
        )
        .unwrap();
        let mut results = neglected();
        apply(&mut results, &exceptions, &scope("2026-12-01"), Lang::Pt);
        let budget = by_id(&results, "budget");
        assert_eq!(budget.status, Status::Muted);
        assert!(
            budget
                .summary
                .starts_with("Silenciada até 2099-01-01: the class budget."),
            "{}",
            budget.summary
        );
        assert_eq!(
            by_id(&results, "identity").status,
            Status::Pass,
            "a pass is never muted"
        );
        assert!(by_id(&results, "identity").exceptions.is_empty());
    }

    #[test]
    fn an_exception_for_another_account_or_student_mutes_nothing() {
        let mut text = endpoint_exception("2099-01-01");
        text.push_str("account = \"999999999999\"\n");
        let exceptions = parse_en(&text).unwrap();
        let mut results = neglected();
        apply(&mut results, &exceptions, &scope("2026-12-01"), Lang::En);
        assert_eq!(by_id(&results, "endpoints").status, Status::Fail);
        let mut ana = exceptions[0].clone();
        ana.account = None;
        ana.student = Some("Ana".into());
        let mut results = neglected();
        let bruno = Scope {
            student: Some("Bruno"),
            ..scope("2026-12-01")
        };
        apply(&mut results, std::slice::from_ref(&ana), &bruno, Lang::En);
        assert_eq!(by_id(&results, "endpoints").status, Status::Fail);
        let mut results = neglected();
        let scope_ana = Scope {
            student: Some("Ana"),
            ..bruno
        };
        apply(&mut results, &[ana], &scope_ana, Lang::En);
        assert_eq!(by_id(&results, "endpoints").status, Status::Muted);
    }

    #[test]
    fn storage_kept_on_purpose_is_muted_volume_by_volume() {
        let exceptions = parse_en(
            "[[exception]]\ncheck = \"storage\"\nresource = { kind = \"space-volume\" }\nreason = \"next module\"\nexpires = 2099-01-01\n",
        )
        .unwrap();
        let mut results = neglected();
        apply(&mut results, &exceptions, &scope("2026-12-01"), Lang::En);
        let storage = by_id(&results, "storage");
        assert_eq!(
            storage.status,
            Status::Warn,
            "the notebook volume and the EFS still bill"
        );
        assert_eq!(storage.storage.len(), 2);
        assert_eq!(storage.exceptions[0].kind.as_deref(), Some("space-volume"));
        // What it costs a month is carried with it (as the check priced it).
        let before = neglected();
        let space = by_id(&before, "storage")
            .storage
            .iter()
            .find(|s| s.kind == StorageKind::SpaceVolume)
            .unwrap();
        assert_eq!(storage.exceptions[0].monthly_usd, space.monthly_usd);
        assert_eq!(storage.exceptions[0].name.as_deref(), Some(space.name.as_str()));
    }
}
