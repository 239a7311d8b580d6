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
pub struct Exception {
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
pub struct Scope<'a> {
    pub account: Option<&'a str>,
    pub student: Option<&'a str>,
    pub today: jiff::civil::Date,
}

impl Scope<'_> {
    /// Today in the machine's time zone (`TZ`).
    pub fn today() -> jiff::civil::Date {
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
pub const KINDS: [&str; 16] = [
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
pub fn kind_name(kind: ResourceKind) -> &'static str {
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

pub fn storage_kind_name(kind: StorageKind) -> &'static str {
    match kind {
        StorageKind::SpaceVolume => "space-volume",
        StorageKind::NotebookVolume => "notebook-volume",
        StorageKind::DomainEfs => "domain-efs",
        StorageKind::OrphanEfs => "orphan-efs",
    }
}

/// The check that reports a kind of compute (the audit's exceptions name
/// checks too).
pub fn check_of(kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::StudioApp | ResourceKind::CanvasApp => "studio-apps",
        ResourceKind::NotebookInstance => "notebook-instances",
        ResourceKind::Endpoint | ResourceKind::AsyncEndpoint | ResourceKind::ServerlessEndpoint => "endpoints",
        ResourceKind::MlflowTrackingServer => "mlflow",
        ResourceKind::TrainingJob | ResourceKind::ProcessingJob | ResourceKind::TransformJob | ResourceKind::WarmPool => {
            "jobs"
        }
        ResourceKind::HyperpodCluster => "hyperpod",
    }
}

/// `*` matches any run of characters (none included); everything else itself.
pub fn glob(pattern: &str, text: &str) -> bool {
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
    pub fn active(&self, today: jiff::civil::Date) -> bool {
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
pub fn apply(results: &mut [CheckResult], exceptions: &[Exception], scope: &Scope<'_>, lang: Lang) {
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
            let found = pick(relevant.iter().copied().filter(|e| e.matches(kind_name(r.kind), &r.name)), today);
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
                result.summary.push_str(&trf(
                    lang,
                    "exceptions.some_muted",
                    &[("count", &muted_names.len())],
                ));
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
pub fn apply_to_bill(
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
pub fn load(path: &Path, lang: Lang) -> Result<Vec<Exception>> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        action: tr(lang, "exceptions.cannot_read").to_string(),
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text, path, lang)
}

/// Parses an exceptions file; `origin` names it in messages. Every problem
/// is reported at once, each as `FILE:LINE: field `NAME`: problem`.
pub fn parse(text: &str, origin: &Path, lang: Lang) -> Result<Vec<Exception>> {
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
pub fn entry_of<'a>(
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
        problems.field(line_of("reason"), "reason", tr(lang, "exceptions.no_reason").to_string());
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

