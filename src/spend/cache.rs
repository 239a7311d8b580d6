//! Cost Explorer answers kept for an hour in the cache directory, one file
//! per account (`cost-explorer-ACCOUNT.json`, with the request's parameters
//! and when it was fetched). Each request costs US$0.01 and AWS updates
//! billing data only a few times a day, so AWS itself recommends "a caching
//! layer" ("Best practices for the AWS Cost Explorer API").

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::aws::costs::{CostQuery, Costs};
use crate::snapshot::CallError;
use crate::util::{json_pretty, write_atomic};

/// An answer older than this is asked again.
pub(crate) const MAX_AGE_SECONDS: u64 = 3600;

/// One cached answer, as written to the file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Entry {
    /// RFC 3339, UTC.
    pub fetched_at: String,
    pub account: String,
    /// What was asked.
    pub request: CostQuery,
    pub costs: Costs,
}

/// The costs, when they were fetched, and whether they came from the cache.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Answer {
    pub costs: Costs,
    pub fetched_at: String,
    pub cached: bool,
}

/// The cache file of `account` (a 12-digit id: it becomes part of a name).
pub(crate) fn path(home: Option<&Path>, account: &str) -> Option<PathBuf> {
    let valid = account.len() == 12 && account.chars().all(|c| c.is_ascii_digit());
    let dir = crate::catalog::prices::cache_dir(home)?;
    valid.then(|| dir.join(format!("cost-explorer-{account}.json")))
}

/// The cached answer at `path`, when it is `account`'s, answers `wanted`
/// and is less than an hour old at `now`.
pub(crate) fn load(path: &Path, account: &str, wanted: &CostQuery, now: SystemTime) -> Option<Entry> {
    let entry: Entry = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    let fetched = humantime::parse_rfc3339_weak(&entry.fetched_at).ok()?;
    let age = now.duration_since(fetched).map_or(0, |d| d.as_secs());
    (entry.account == account && entry.request.covers(wanted) && age < MAX_AGE_SECONDS).then_some(entry)
}

/// A fresh cached answer to `query` for `account`, if there is one.
pub(crate) fn lookup(home: Option<&Path>, account: &str, query: &CostQuery, now: SystemTime) -> Option<Answer> {
    let entry = load(&path(home, account)?, account, query, now)?;
    Some(Answer {
        costs: entry.costs,
        fetched_at: entry.fetched_at,
        cached: true,
    })
}

/// Keeps what Cost Explorer just answered (a cache that cannot be written
/// only costs a request next time), and hands it back.
pub(crate) fn store(home: Option<&Path>, account: &str, query: &CostQuery, costs: Costs, now: SystemTime) -> Answer {
    let entry = Entry {
        fetched_at: humantime::format_rfc3339_seconds(now).to_string(),
        account: account.to_string(),
        request: query.clone(),
        costs,
    };
    if let Some(path) = path(home, account) {
        // The cache directory is the tool's own, made on first use.
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = write_atomic(&path, json_pretty(&entry).as_bytes());
    }
    Answer {
        costs: entry.costs,
        fetched_at: entry.fetched_at,
        cached: false,
    }
}

/// The answer to `query` for `account`: from the cache when a fresh one
/// covers it (unless `refresh`), else from `fetch`, then kept.
pub(crate) fn get(
    home: Option<&Path>,
    account: &str,
    query: &CostQuery,
    refresh: bool,
    now: SystemTime,
    fetch: impl FnOnce() -> Result<Costs, CallError>,
) -> Result<Answer, CallError> {
    if !refresh && let Some(answer) = lookup(home, account, query, now) {
        return Ok(answer);
    }
    Ok(store(home, account, query, fetch()?, now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::costs::{DayCost, UsageCost};
    use crate::snapshot::ErrorKind;

    const ACCOUNT: &str = "123456789012";

    fn costs(usd: f64) -> Costs {
        Costs {
            currency: Some("USD".into()),
            days: vec![DayCost {
                date: "2026-12-01".into(),
                estimated: true,
                usage_types: vec![UsageCost {
                    usage_type: "EUC1-Notebk:ml.t3.medium".into(),
                    amount: usd,
                }],
            }],
            requests: 1,
        }
    }

    fn at(text: &str) -> SystemTime {
        humantime::parse_rfc3339(text).unwrap()
    }

    /// `get` with a fetch that counts its calls and answers `usd`.
    fn get_counting(
        home: &Path,
        query: &CostQuery,
        refresh: bool,
        now: &str,
        usd: f64,
        calls: &std::cell::Cell<u32>,
    ) -> Result<Answer, CallError> {
        get(Some(home), ACCOUNT, query, refresh, at(now), || {
            calls.set(calls.get() + 1);
            Ok(costs(usd))
        })
    }

    #[test]
    fn an_answer_is_reused_for_an_hour_for_any_period_it_covers_then_asked_again() {
        let home = tempfile::tempdir().unwrap();
        let calls = std::cell::Cell::new(0);
        let month = CostQuery::new("2026-11-18", "2026-12-03");
        let first = get_counting(home.path(), &month, false, "2026-12-02T10:00:00Z", 1.0, &calls).unwrap();
        assert_eq!((first.cached, calls.get()), (false, 1));
        assert_eq!(first.fetched_at, "2026-12-02T10:00:00Z");
        // The file: atomic (no temporary left), with the request and its time.
        let path = path(Some(home.path()), ACCOUNT).unwrap();
        let names: Vec<String> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["cost-explorer-123456789012.json"]);
        let written: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(written["request"]["start"], "2026-11-18");
        assert_eq!(written["request"]["metric"], "UnblendedCost");
        assert_eq!(written["fetched_at"], "2026-12-02T10:00:00Z");

        // Within the hour, the same question or a shorter period: no request.
        let again = get_counting(home.path(), &month, false, "2026-12-02T10:59:00Z", 2.0, &calls).unwrap();
        assert_eq!((again.cached, calls.get(), again.costs.clone()), (true, 1, costs(1.0)));
        let shorter = CostQuery::new("2026-12-01", "2026-12-03");
        assert!(
            get_counting(home.path(), &shorter, false, "2026-12-02T10:30:00Z", 2.0, &calls)
                .unwrap()
                .cached
        );
        // A longer period, `--refresh`, or an hour later: asked again.
        let longer = CostQuery::new("2026-11-01", "2026-12-03");
        assert!(
            !get_counting(home.path(), &longer, false, "2026-12-02T10:31:00Z", 2.0, &calls)
                .unwrap()
                .cached
        );
        assert_eq!(calls.get(), 2);
        let refreshed = get_counting(home.path(), &longer, true, "2026-12-02T10:32:00Z", 3.0, &calls).unwrap();
        assert_eq!((refreshed.cached, refreshed.costs.clone()), (false, costs(3.0)));
        let late = get_counting(home.path(), &longer, false, "2026-12-02T11:32:00Z", 4.0, &calls).unwrap();
        assert_eq!((late.cached, calls.get()), (false, 4));
    }

    #[test]
    fn a_failed_request_is_not_cached_and_another_account_is_never_served() {
        let home = tempfile::tempdir().unwrap();
        let query = CostQuery::new("2026-12-01", "2026-12-03");
        let denied = CallError {
            operation: "ce:GetCostAndUsage".into(),
            kind: ErrorKind::AccessDenied,
            message: "AccessDeniedException: no".into(),
        };
        let result = get(
            Some(home.path()),
            ACCOUNT,
            &query,
            false,
            at("2026-12-02T10:00:00Z"),
            || Err(denied.clone()),
        );
        assert_eq!(result, Err(denied));
        assert!(!path(Some(home.path()), ACCOUNT).unwrap().exists());
        let calls = std::cell::Cell::new(0);
        get_counting(home.path(), &query, false, "2026-12-02T10:00:00Z", 1.0, &calls).unwrap();
        let file = path(Some(home.path()), ACCOUNT).unwrap();
        let other = "999999999999";
        assert_eq!(load(&file, other, &query, at("2026-12-02T10:01:00Z")), None);
        // An account id that is not one never names a file.
        assert_eq!(path(Some(home.path()), "../../etc"), None);
    }
}
