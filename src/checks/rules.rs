//! The checks themselves, one function each.

use super::bill;
use super::idle::Coverage;
use super::{CheckResult, Fact, Judge, NoActivity, Resource, Status, StorageItem};
use crate::i18n::tr;
use crate::snapshot::inventory::{
    ResourceKind, StorageKind, Target, delete_app_command, delete_endpoint_command, stop_notebook_command,
};
use crate::snapshot::{App, Budget, NotebookInstance, Snapshot, StudioSettings};

/// Above this idle timeout the check warns: a forgotten app bills for hours.
const LONG_IDLE_MINUTES: i32 = 180;

fn fact(key: &str, value: impl ToString) -> Fact {
    Fact {
        key: key.to_string(),
        value: value.to_string(),
    }
}

/// "2h30m", "45m", "30s".
pub(crate) fn duration(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m"),
        _ => format!("{h}h{m:02}m"),
    }
}

fn region_arg(s: &Snapshot) -> String {
    s.region.clone().unwrap_or_else(|| "REGION".to_string())
}

fn account(s: &Snapshot) -> String {
    s.identity
        .as_ref()
        .map_or_else(|_| "ACCOUNT_ID".to_string(), |i| i.account.clone())
}

pub(super) fn identity(j: &Judge<'_>, s: &Snapshot) -> CheckResult {
    const ID: &str = "identity";
    match &s.identity {
        Ok(identity) => {
            let args = [("account", identity.account.clone()), ("arn", identity.arn.clone())];
            let mut r = j.result(ID, Status::Pass, j.say(ID, "pass", &args), &args);
            r.evidence = vec![fact("account", &identity.account), fact("arn", &identity.arn)];
            r
        }
        Err(e) => {
            let mut r = j.error(ID, e);
            r.remediation.commands = vec![
                "aws configure".into(),
                "aws sso login".into(),
                "aws sts get-caller-identity".into(),
            ];
            r
        }
    }
}

pub(super) fn region(j: &Judge<'_>, s: &Snapshot) -> CheckResult {
    const ID: &str = "region";
    let expected = j.expect_region.to_string();
    let set_it = vec![
        format!("export AWS_REGION={expected}"),
        format!("aws configure set region {expected}"),
    ];
    match &s.region {
        None => {
            let args = [("expected", expected.clone())];
            let mut r = j.result(ID, Status::Fail, j.say(ID, "missing", &args), &args);
            r.remediation.commands = set_it;
            r
        }
        Some(region) => {
            let args = [("region", region.clone()), ("expected", expected.clone())];
            let (status, key) = if *region == expected {
                (Status::Pass, "pass")
            } else {
                (Status::Warn, "other")
            };
            let mut r = j.result(ID, status, j.say(ID, key, &args), &args);
            r.evidence = vec![fact("region", region)];
            if status == Status::Warn {
                r.remediation.commands = set_it;
            }
            r
        }
    }
}

/// Summary arguments shared by the resource checks.
fn cost_args(j: &Judge<'_>, resources: &[Resource]) -> Vec<(&'static str, String)> {
    let (per_hour, accrued, unknown) = bill::totals(resources);
    let gpus: Vec<&str> = resources.iter().filter(|r| r.gpu).map(|r| r.name.as_str()).collect();
    let mut note = String::new();
    if unknown {
        note.push_str(tr(j.lang, "checks.price_unknown"));
    }
    if !gpus.is_empty() {
        note.push_str(&crate::i18n::trf(
            j.lang,
            "checks.gpu_running",
            &[("names", &gpus.join(", "))],
        ));
    }
    vec![
        ("count", resources.len().to_string()),
        ("per_hour", crate::catalog::usd_at_least(per_hour, unknown, j.lang)),
        ("accrued", crate::catalog::usd_at_least(accrued, unknown, j.lang)),
        (
            "per_day",
            crate::catalog::usd_at_least(per_hour * 24.0, unknown, j.lang),
        ),
        ("note", note),
    ]
}

pub(super) fn studio_apps(j: &Judge<'_>, s: &Snapshot) -> CheckResult {
    const ID: &str = "studio-apps";
    let apps = match &s.apps {
        Ok(apps) => apps,
        Err(e) => return j.error(ID, e),
    };
    // Priced, each with what AWS says of its use and idle shutdown's verdict.
    let billable = super::idle::apps(j, s);
    if billable.is_empty() {
        let args = [("seen", apps.len().to_string())];
        let mut r = j.result(ID, Status::Pass, j.say(ID, "pass", &args), &args);
        r.evidence = vec![fact("apps_seen", apps.len())];
        return r;
    }
    let resources: Vec<Resource> = billable.iter().map(|(_, r)| r.clone()).collect();
    let region = region_arg(s);
    let command = |app: &App| delete_app_command(&app.domain_id, app.owner(), &app.app_type, &app.name, &region);
    // The app the learner works in, alone: a reminder, not a failure.
    if let [(app, resource)] = billable.as_slice()
        && resource.current
    {
        let idle = match app_idle(j, s, app) {
            Some(coverage) => crate::i18n::trf(j.lang, "checks.current_idle", &[("how", &coverage.how)]),
            None => tr(j.lang, "checks.current_no_idle").to_string(),
        };
        let mut args = cost_args(j, &resources);
        args.extend([("name", app.name.clone()), ("idle", idle.clone())]);
        let mut r = j.result(ID, Status::Warn, j.say(ID, "current", &args), &args);
        r.remediation.commands = vec![command(app)];
        r.evidence = vec![
            fact("current", Target::of_app(app).label()),
            fact("idle_shutdown", idle),
        ];
        r.resources = resources;
        return r;
    }
    let args = cost_args(j, &resources);
    let mut r = j.result(ID, Status::Fail, j.say(ID, "fail", &args), &args);
    // Never a command that ends the learner's own session among the others.
    r.remediation.commands = billable
        .iter()
        .filter(|(_, r)| !r.current)
        .map(|(app, _)| command(app))
        .collect();
    r.evidence = vec![fact("billable_apps", resources.len())];
    if let Some((app, _)) = billable.iter().find(|(_, r)| r.current) {
        r.evidence.push(fact("current", Target::of_app(app).label()));
    }
    r.resources = resources;
    r
}

pub(super) fn notebook_instances(j: &Judge<'_>, s: &Snapshot) -> CheckResult {
    const ID: &str = "notebook-instances";
    let notebooks = match &s.notebook_instances {
        Ok(n) => n,
        Err(e) => return j.error(ID, e),
    };
    let current = s.local.current.as_ref();
    let running = bill::notebook_instances(j.prices, s.region.as_deref(), notebooks, current, &s.taken_at);
    if running.is_empty() {
        let args = [("seen", notebooks.len().to_string())];
        let mut r = j.result(ID, Status::Pass, j.say(ID, "pass", &args), &args);
        r.evidence = vec![fact("notebook_instances_seen", notebooks.len())];
        return r;
    }
    let resources: Vec<Resource> = running.iter().map(|(_, r)| r.clone()).collect();
    let region = region_arg(s);
    // A lifecycle script that stops the instance when idle (the public
    // `autostop.py` sample): how it says so, or None.
    let autostop = |n: &NotebookInstance| {
        let script = n.lifecycle_script.as_ref()?.as_ref().ok()?;
        let found = super::lcc::recognise(script)?;
        let minutes = found.minutes.map_or_else(
            || tr(j.lang, "checks.time_not_stated").to_string(),
            |m| crate::i18n::trf(j.lang, "checks.after_minutes", &[("minutes", &m)]),
        );
        Some(crate::i18n::trf(
            j.lang,
            "checks.notebook_autostop",
            &[
                ("config", &n.lifecycle_config.clone().unwrap_or_default()),
                ("script", &found.script),
                ("minutes", &minutes),
            ],
        ))
    };
    if let [(notebook, resource)] = running.as_slice()
        && resource.current
    {
        let idle = match autostop(notebook) {
            Some(how) => crate::i18n::trf(j.lang, "checks.current_idle", &[("how", &how)]),
            None => tr(j.lang, "checks.current_no_idle").to_string(),
        };
        let mut args = cost_args(j, &resources);
        args.extend([("name", notebook.name.clone()), ("idle", idle.clone())]);
        let mut r = j.result(ID, Status::Warn, j.say(ID, "current", &args), &args);
        r.remediation.commands = vec![stop_notebook_command(&notebook.name, &region)];
        r.evidence = vec![fact("current", &notebook.name), fact("idle_shutdown", idle)];
        r.resources = resources;
        return r;
    }
    let stops_itself: Vec<(&str, String)> = running
        .iter()
        .filter_map(|(n, _)| Some((n.name.as_str(), autostop(n)?)))
        .collect();
    // Each one running stops itself when idle (or is the learner's own): a warning.
    let all_stop = running
        .iter()
        .all(|(n, r)| r.current || stops_itself.iter().any(|(name, _)| *name == n.name));
    let mut args = cost_args(j, &resources);
    // An unpriced GPU is no milder than a priced one: it never merely warns.
    let unpriced_gpu = resources.iter().any(|r| r.gpu && r.price_per_hour_usd.is_none());
    let (status, key) = if all_stop && !unpriced_gpu {
        let list: Vec<String> = stops_itself.iter().map(|(n, how)| format!("{n}: {how}")).collect();
        args.push(("stops", list.join("; ")));
        (Status::Warn, "autostop")
    } else {
        (Status::Fail, "fail")
    };
    let mut r = j.result(ID, status, j.say(ID, key, &args), &args);
    r.remediation.commands = running
        .iter()
        .filter(|(_, r)| !r.current)
        .map(|(n, _)| stop_notebook_command(&n.name, &region))
        .collect();
    r.evidence = vec![fact("running", running.len())];
    r.evidence.extend(
        stops_itself
            .iter()
            .map(|(n, how)| fact("autostop", format!("{n}: {how}"))),
    );
    if let Some((n, _)) = running.iter().find(|(_, r)| r.current) {
        r.evidence.push(fact("current", &n.name));
    }
    r.resources = resources;
    r
}

pub(super) fn endpoints(j: &Judge<'_>, s: &Snapshot) -> CheckResult {
    const ID: &str = "endpoints";
    let endpoints = match &s.endpoints {
        Ok(e) => e,
        Err(e) => return j.error(ID, e),
    };
    let (up, facts) = bill::endpoints(j.prices, s.region.as_deref(), endpoints, &s.taken_at);
    // A serverless endpoint without provisioned concurrency bills per
    // request: listed, never a reason to fail.
    let billing: Vec<_> = up.iter().filter(|(_, r)| r.bills_by_the_hour()).collect();
    if billing.is_empty() {
        let args = [("seen", endpoints.len().to_string())];
        let mut r = j.result(ID, Status::Pass, j.say(ID, "pass", &args), &args);
        r.evidence = vec![fact("endpoints_seen", endpoints.len())];
        r.resources = up.iter().map(|(_, r)| r.clone()).collect();
        return r;
    }
    let resources: Vec<Resource> = up.iter().map(|(_, r)| r.clone()).collect();
    let hourly: Vec<Resource> = billing.iter().map(|(_, r)| r.clone()).collect();
    let mut args = cost_args(j, &hourly);
    let region = region_arg(s);
    let mut names: Vec<&str> = billing.iter().map(|(e, _)| e.name.as_str()).collect();
    names.dedup();
    // Idle by traffic, not by state: no request in 24 h on any of its
    // variants; said first, with what it costs a day.
    let mut idle = Vec::new();
    let mut evidence = vec![fact("in_service", names.len())];
    for name in &names {
        let mine: Vec<&Resource> = billing
            .iter()
            .filter(|(e, _)| e.name == *name)
            .map(|(_, r)| r)
            .collect();
        let Some(requests) = mine.iter().map(|r| r.invocations_24h).sum::<Option<u64>>() else {
            continue;
        };
        if requests > 0 {
            evidence.push(fact("requests_24h", format!("{name}: {requests}")));
            continue;
        }
        let (per_hour, _, unknown) = bill::totals(&mine.iter().map(|r| (*r).clone()).collect::<Vec<_>>());
        let per_day = crate::catalog::usd_at_least(per_hour * 24.0, unknown, j.lang);
        idle.push(crate::i18n::trf(
            j.lang,
            "checks.endpoint_idle",
            &[("name", name), ("per_day", &per_day)],
        ));
        evidence.push(fact("idle_24h", name));
    }
    let key = match idle.is_empty() {
        true => "fail",
        false => "idle",
    };
    args.push(("idle", idle.join(", ")));
    // Billing around the clock, used or not: always a failure, and one
    // without a known price (an unpriced GPU) no milder.
    let mut r = j.result(ID, Status::Fail, j.say(ID, key, &args), &args);
    r.remediation.commands = names.iter().map(|n| delete_endpoint_command(n, &region)).collect();
    // Requests that could not be counted: said, with what to do; the rest stands.
    let unread = hourly.iter().find_map(|r| match &r.activity_unknown {
        Some(NoActivity::Unread { error }) => Some(error),
        _ => None,
    });
    if let Some(error) = unread {
        evidence.push(fact("requests_unread", error.describe(j.lang)));
        r.remediation.steps.push(error.step(j.lang));
    }
    r.evidence = evidence;
    r.evidence.extend(facts);
    r.resources = resources;
    r
}

/// Summary arguments of the storage check.
fn storage_args(j: &Judge<'_>, items: &[StorageItem]) -> Vec<(&'static str, String)> {
    let (monthly, unknown) = bill::storage_totals(items);
    let size: f64 = items.iter().map(|i| i.size_gb).sum();
    vec![
        ("count", items.len().to_string()),
        ("size", crate::i18n::number(&format!("{size:.1}"), j.lang)),
        ("monthly", crate::catalog::usd_at_least(monthly, unknown, j.lang)),
        (
            "note",
            if unknown {
                tr(j.lang, "checks.storage_unknown").to_string()
            } else {
                String::new()
            },
        ),
    ]
}

pub(super) fn storage(j: &Judge<'_>, s: &Snapshot) -> CheckResult {
    const ID: &str = "storage";
    let (items, errors) = bill::storage(j.prices, s);
    if let Some(e) = errors.first() {
        return j.error(ID, e);
    }
    if items.is_empty() {
        return j.result(ID, Status::Pass, j.say(ID, "pass", &[]), &[]);
    }
    let args = storage_args(j, &items);
    // What a learner keeps between sessions: a warning with its monthly
    // cost and how to delete it, never a failure.
    let mut r = j.result(ID, Status::Warn, j.say(ID, "warn", &args), &args);
    r.remediation.commands = items.iter().map(|i| i.delete.clone()).collect();
    r.evidence = items
        .iter()
        .map(|i| fact(storage_fact_key(i.kind), format!("{} ({:.1} GB)", i.name, i.size_gb)))
        .collect();
    r.storage = items;
    r
}

fn storage_fact_key(kind: StorageKind) -> &'static str {
    match kind {
        StorageKind::SpaceVolume => "space_volume",
        StorageKind::NotebookVolume => "notebook_volume",
        StorageKind::DomainEfs => "domain_efs",
        StorageKind::OrphanEfs => "orphan_efs",
    }
}

/// The first failed read among `lists`, if any.
fn first_error<'s>(lists: &[Option<&'s crate::snapshot::CallError>]) -> Option<&'s crate::snapshot::CallError> {
    lists.iter().flatten().next().copied()
}

pub(super) fn jobs(j: &Judge<'_>, s: &Snapshot) -> CheckResult {
    const ID: &str = "jobs";
    if let Some(e) = first_error(&[
        s.jobs.as_ref().err(),
        s.transform_jobs.as_ref().err(),
        s.warm_pools.as_ref().err(),
    ]) {
        return j.error(ID, e);
    }
    let region = region_arg(s);
    let now = s.taken_at.as_str();
    let mut billed: Vec<(Resource, Target)> = Vec::new();
    for list in [&s.jobs, &s.transform_jobs] {
        for (job, r) in bill::jobs(j.prices, s.region.as_deref(), list.as_deref().unwrap_or_default(), now) {
            let target = match job.kind {
                ResourceKind::TransformJob => Target::TransformJob { name: job.name.clone() },
                kind => Target::Job {
                    job_kind: kind,
                    name: job.name.clone(),
                },
            };
            billed.push((r, target));
        }
    }
    let pools = bill::warm_pools(
        j.prices,
        s.region.as_deref(),
        s.warm_pools.as_deref().unwrap_or_default(),
        now,
    );
    for (pool, r) in &pools {
        billed.push((r.clone(), Target::WarmPool { job: pool.job.clone() }));
    }
    if billed.is_empty() {
        return j.result(ID, Status::Pass, j.say(ID, "pass", &[]), &[]);
    }
    let resources: Vec<Resource> = billed.iter().map(|(r, _)| r.clone()).collect();
    let mut args = cost_args(j, &resources);
    // A warm pool bills with nothing running, and an unpriced GPU is no
    // milder than a priced one: both fail; jobs alone end by themselves.
    let unpriced_gpu = resources.iter().any(|r| r.gpu && r.price_per_hour_usd.is_none());
    let (status, key) = if pools.is_empty() && !unpriced_gpu {
        (Status::Warn, "warn")
    } else {
        (Status::Fail, "fail")
    };
    let warm: Vec<String> = pools
        .iter()
        .map(|(pool, r)| match &r.ends_at {
            Some(end) => crate::i18n::trf(
                j.lang,
                "checks.warm_pool_until",
                &[
                    ("job", &pool.job),
                    (
                        "time",
                        &crate::util::local_time(end, &jiff::tz::TimeZone::system(), j.lang),
                    ),
                ],
            ),
            None => crate::i18n::trf(j.lang, "checks.warm_pool", &[("job", &pool.job)]),
        })
        .collect();
    args.push(("warm", warm.iter().map(|w| format!(" · {w}")).collect()));
    let mut r = j.result(ID, status, j.say(ID, key, &args), &args);
    r.remediation.commands = billed.iter().map(|(_, t)| t.cli(&region)).collect();
    r.evidence = billed.iter().map(|(_, t)| fact("billing", t.label())).collect();
    r.resources = resources;
    r
}

pub(super) fn mlflow(j: &Judge<'_>, s: &Snapshot) -> CheckResult {
    const ID: &str = "mlflow";
    let servers = match &s.mlflow_servers {
        Ok(list) => list,
        Err(e) => return j.error(ID, e),
    };
    let running = bill::mlflow_servers(j.prices, s.region.as_deref(), servers, &s.taken_at);
    if running.is_empty() {
        let args = [("seen", servers.len().to_string())];
        return j.result(ID, Status::Pass, j.say(ID, "pass", &args), &args);
    }
    let resources: Vec<Resource> = running.iter().map(|(_, r)| r.clone()).collect();
    let args = cost_args(j, &resources);
    let mut r = j.result(ID, Status::Fail, j.say(ID, "fail", &args), &args);
    let region = region_arg(s);
    r.remediation.commands = running
        .iter()
        .map(|(m, _)| Target::MlflowTrackingServer { name: m.name.clone() }.cli(&region))
        .collect();
    r.evidence = vec![fact("running", running.len())];
    r.resources = resources;
    r
}

pub(super) fn hyperpod(j: &Judge<'_>, s: &Snapshot) -> CheckResult {
    const ID: &str = "hyperpod";
    let clusters = match &s.clusters {
        Ok(list) => list,
        Err(e) => return j.error(ID, e),
    };
    let groups = bill::clusters(j.prices, s.region.as_deref(), clusters, &s.taken_at);
    if groups.is_empty() {
        let args = [("seen", clusters.len().to_string())];
        return j.result(ID, Status::Pass, j.say(ID, "pass", &args), &args);
    }
    let resources: Vec<Resource> = groups.iter().map(|(_, r)| r.clone()).collect();
    let args = cost_args(j, &resources);
    let mut r = j.result(ID, Status::Fail, j.say(ID, "fail", &args), &args);
    let region = region_arg(s);
    let mut names: Vec<&str> = groups.iter().map(|(c, _)| c.name.as_str()).collect();
    names.dedup();
    r.remediation.commands = names
        .iter()
        .map(|n| Target::HyperpodCluster { name: n.to_string() }.cli(&region))
        .collect();
    r.evidence = vec![fact("clusters", names.len())];
    r.resources = resources;
    r
}

/// Does a COST budget cover SageMaker: filtered to it, or not filtered at all?
fn covers_sagemaker(b: &Budget) -> bool {
    if b.budget_type != "COST" {
        return false;
    }
    let services: Vec<&String> = b
        .cost_filters
        .get("Service")
        .into_iter()
        .flatten()
        .chain(&b.expression_services)
        .collect();
    let unfiltered = b.cost_filters.is_empty() && b.expression_services.is_empty() && !b.expression_other;
    unfiltered || services.iter().any(|s| s.as_str() == "Amazon SageMaker")
}

fn filter_text(j: &Judge<'_>, b: &Budget) -> String {
    if b.cost_filters.is_empty() && b.expression_services.is_empty() && !b.expression_other {
        return tr(j.lang, "checks.whole_account").to_string();
    }
    let mut parts: Vec<String> = b
        .cost_filters
        .iter()
        .map(|(k, v)| format!("{k} = {}", v.join(", ")))
        .collect();
    if !b.expression_services.is_empty() {
        parts.push(format!("SERVICE = {}", b.expression_services.join(", ")));
    }
    parts.join("; ")
}

fn money(m: &Option<crate::snapshot::Money>) -> String {
    m.as_ref()
        .map_or_else(|| "?".to_string(), |m| format!("{:.2} {}", m.amount, m.unit))
}

pub(super) fn budget(j: &Judge<'_>, s: &Snapshot) -> CheckResult {
    const ID: &str = "budget";
    let budgets = match &s.budgets {
        Ok(b) => b,
        Err(e) => return j.error(ID, e),
    };
    let covering: Vec<&Budget> = budgets.iter().filter(|b| covers_sagemaker(b)).collect();
    let Some(first) = covering.first() else {
        let args = [("count", budgets.len().to_string()), ("account", account(s))];
        let mut r = j.result(ID, Status::Fail, j.say(ID, "fail", &args), &args);
        r.evidence = budgets
            .iter()
            .map(|b| fact("other_budget", format!("{} ({})", b.name, filter_text(j, b))))
            .collect();
        r.remediation.commands = vec![format!(
            "aws budgets create-budget --account-id {} --budget file://budget.json --notifications-with-subscribers file://notifications.json",
            account(s)
        )];
        return r;
    };
    let args = [
        ("name", first.name.clone()),
        ("limit", money(&first.limit)),
        ("filter", filter_text(j, first)),
        ("actual", money(&first.actual)),
        ("forecast", money(&first.forecast)),
    ];
    let mut r = j.result(ID, Status::Pass, j.say(ID, "pass", &args), &args);
    for b in covering {
        r.evidence.extend([
            fact("budget", &b.name),
            fact("limit", money(&b.limit)),
            fact("filter", filter_text(j, b)),
            fact("actual", money(&b.actual)),
            fact("forecast", money(&b.forecast)),
        ]);
    }
    r
}

pub(super) fn budget_alerts(j: &Judge<'_>, s: &Snapshot) -> CheckResult {
    const ID: &str = "budget-alerts";
    let budgets = match &s.budgets {
        Ok(b) => b,
        Err(e) => return j.error(ID, e),
    };
    // Alerts count on the budgets that watch SageMaker; with none of those,
    // on any budget (the budget check already says what is missing).
    let covering: Vec<&Budget> = budgets.iter().filter(|b| covers_sagemaker(b)).collect();
    let candidates: Vec<&Budget> = if covering.is_empty() {
        budgets.iter().collect()
    } else {
        covering
    };
    let mut found = Vec::new();
    let mut unreadable = None;
    for b in &candidates {
        match &b.notifications {
            Err(e) => unreadable = unreadable.or(Some(e)),
            Ok(notifications) => {
                for n in notifications {
                    match &n.subscribers {
                        Err(e) => unreadable = unreadable.or(Some(e)),
                        Ok(subs) if !subs.is_empty() => found.push((b, n, subs)),
                        Ok(_) => {}
                    }
                }
            }
        }
    }
    if found.is_empty() {
        // Never a fail from data we could not read.
        if let Some(e) = unreadable {
            return j.error(ID, e);
        }
        let key = if budgets.is_empty() { "no_budget" } else { "fail" };
        let name = candidates
            .first()
            .map_or_else(|| super::BUDGET_NAME.to_string(), |b| b.name.clone());
        let args = [("budget", name.clone()), ("account", account(s))];
        let mut r = j.result(ID, Status::Fail, j.say(ID, key, &args), &args);
        r.remediation.commands = vec![format!(
            "aws budgets create-notification --account-id {} --budget-name {name} \
             --notification NotificationType=ACTUAL,ComparisonOperator=GREATER_THAN,Threshold=80,ThresholdType=PERCENTAGE \
             --subscribers SubscriptionType=EMAIL,Address=you@example.com",
            account(s)
        )];
        return r;
    }
    let (b, n, subs) = &found[0];
    let threshold = match n.threshold_type.as_deref() {
        Some("ABSOLUTE_VALUE") => format!("{}", n.threshold),
        _ => format!("{}%", n.threshold),
    };
    let args = [
        ("budget", b.name.clone()),
        ("threshold", threshold),
        ("type", n.notification_type.clone()),
        (
            "subscribers",
            subs.iter()
                .map(|s| format!("{} {}", s.kind, s.address))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ];
    let mut r = j.result(ID, Status::Pass, j.say(ID, "pass", &args), &args);
    for (b, n, subs) in &found {
        r.evidence.push(fact("budget", &b.name));
        r.evidence.push(fact(
            "threshold",
            format!(
                "{} {} ({})",
                n.comparison,
                n.threshold,
                n.threshold_type.as_deref().unwrap_or("PERCENTAGE")
            ),
        ));
        r.evidence.push(fact("type", &n.notification_type));
        for sub in subs.iter() {
            r.evidence
                .push(fact("subscriber", format!("{} {}", sub.kind, sub.address)));
        }
    }
    r
}

/// Where idle shutdown holds for one set of settings, if it does; for the
/// apps of one type (`JupyterLab`, `CodeEditor`, …) when `app_type` is given.
fn idle_coverage(j: &Judge<'_>, settings: &StudioSettings, s: &Snapshot, app_type: Option<&str>) -> Option<Coverage> {
    for (kind, label, idle) in [
        ("JupyterLab", "JupyterLab", &settings.jupyterlab_idle),
        ("CodeEditor", "Code Editor", &settings.code_editor_idle),
    ] {
        if app_type.is_some_and(|t| t != kind) {
            continue;
        }
        if let Some(idle) = idle.as_ref().filter(|i| i.enabled) {
            let text = match idle.timeout_minutes {
                Some(m) => crate::i18n::trf(j.lang, "checks.idle_builtin", &[("app", &label), ("minutes", &m)]),
                None => crate::i18n::trf(j.lang, "checks.idle_builtin_default", &[("app", &label)]),
            };
            return Some(Coverage {
                how: text,
                minutes: idle.timeout_minutes,
                builtin: true,
                changed_at: None,
            });
        }
    }
    let lccs = s.lifecycle_configs.as_ref().ok()?;
    for attachment in &settings.lifecycle_configs {
        if app_type.is_some_and(|t| t != attachment.app_type) {
            continue;
        }
        let Some(lcc) = lccs.iter().find(|l| l.arn == attachment.arn) else {
            continue;
        };
        let Ok(script) = &lcc.content else { continue };
        if let Some(found) = super::lcc::recognise(script) {
            let minutes = found.minutes.map_or_else(
                || tr(j.lang, "checks.time_not_stated").to_string(),
                |m| crate::i18n::trf(j.lang, "checks.after_minutes", &[("minutes", &m)]),
            );
            let text = crate::i18n::trf(
                j.lang,
                "checks.idle_lcc",
                &[
                    ("name", &lcc.name),
                    ("script", &found.script),
                    ("app", &attachment.app_type),
                    ("minutes", &minutes),
                ],
            );
            return Some(Coverage {
                how: text,
                minutes: found.minutes.map(|m| i32::try_from(m).unwrap_or(i32::MAX)),
                builtin: false,
                changed_at: None,
            });
        }
    }
    None
}

/// A profile's effective settings: its own where set, else the domain's.
fn effective(domain: &StudioSettings, profile: &StudioSettings) -> StudioSettings {
    StudioSettings {
        jupyterlab_idle: profile
            .jupyterlab_idle
            .clone()
            .or_else(|| domain.jupyterlab_idle.clone()),
        code_editor_idle: profile
            .code_editor_idle
            .clone()
            .or_else(|| domain.code_editor_idle.clone()),
        lifecycle_configs: if profile.lifecycle_configs.is_empty() {
            domain.lifecycle_configs.clone()
        } else {
            profile.lifecycle_configs.clone()
        },
    }
}

/// The idle shutdown that applies to one Studio app: its owner's settings
/// (the space's owner for a space app, else the user profile; the domain's
/// defaults where the profile sets nothing) for its app type, with when
/// the settings that hold it last changed.
pub(super) fn app_idle(j: &Judge<'_>, s: &Snapshot, app: &App) -> Option<Coverage> {
    let domain = s.domains.as_ref().ok()?.iter().find(|d| d.id == app.domain_id)?;
    let owner = app.user_profile.clone().or_else(|| {
        let space = app.space.as_ref()?;
        s.spaces
            .as_ref()
            .ok()?
            .iter()
            .find(|sp| sp.domain_id == app.domain_id && sp.name == *space)?
            .owner
            .clone()
    });
    let profile = owner.and_then(|name| {
        s.user_profiles
            .as_ref()
            .ok()?
            .iter()
            .find(|p| p.domain_id == app.domain_id && p.name == name)
    });
    let mut settings = match profile {
        Some(p) => effective(&domain.defaults, &p.settings),
        None => domain.defaults.clone(),
    };
    // A space's own settings come first: its idle timeout (which applies
    // where the owner's settings turn idle shutdown on for the app type),
    // then the lifecycle configuration it starts its apps with.
    let space = app.space.as_ref().and_then(|name| {
        s.spaces
            .as_ref()
            .ok()?
            .iter()
            .find(|sp| sp.domain_id == app.domain_id && sp.name == *name)
    });
    if let Some((space, own)) = space.and_then(|sp| Some((sp, sp.settings.as_ref()?))) {
        let (minutes, idle, label) = match app.app_type.as_str() {
            "JupyterLab" => (own.jupyterlab_idle_minutes, &settings.jupyterlab_idle, "JupyterLab"),
            "CodeEditor" => (own.code_editor_idle_minutes, &settings.code_editor_idle, "Code Editor"),
            _ => (None, &None, ""),
        };
        if let Some(minutes) = minutes
            && idle.as_ref().is_some_and(|i| i.enabled)
        {
            let text = crate::i18n::trf(
                j.lang,
                "checks.idle_space",
                &[("space", &space.name), ("app", &label), ("minutes", &minutes)],
            );
            return Some(Coverage {
                how: text,
                minutes: Some(minutes),
                builtin: true,
                changed_at: space.modified_at.clone(),
            });
        }
        let mut attachments = own.lifecycle_configs.clone();
        attachments.append(&mut settings.lifecycle_configs);
        settings.lifecycle_configs = attachments;
    }
    let mut coverage = idle_coverage(j, &settings, s, Some(&app.app_type))?;
    if coverage.builtin {
        // The profile's own setting wins over the domain's (`effective`).
        let own = profile.and_then(|p| match app.app_type.as_str() {
            "JupyterLab" => p.settings.jupyterlab_idle.as_ref().map(|_| p),
            "CodeEditor" => p.settings.code_editor_idle.as_ref().map(|_| p),
            _ => None,
        });
        coverage.changed_at = match own {
            Some(p) => p.modified_at.clone(),
            None => domain.modified_at.clone(),
        };
    }
    Some(coverage)
}

/// The idle shutdown of the app the learner works in, as evidence.
fn current_app_idle(j: &Judge<'_>, s: &Snapshot) -> Option<Fact> {
    let current = s.local.current.as_ref()?;
    let app = s.apps.as_ref().ok()?.iter().find(|a| current.is_app(a))?;
    let how = app_idle(j, s, app).map_or_else(|| tr(j.lang, "checks.current_no_idle").to_string(), |c| c.how);
    Some(fact("current_app", format!("{}: {how}", Target::of_app(app).label())))
}

pub(super) fn idle_shutdown(j: &Judge<'_>, s: &Snapshot) -> CheckResult {
    const ID: &str = "idle-shutdown";
    if let Some(path) = &s.local.autoshutdown_setup {
        let args = [("path", path.clone())];
        let mut r = j.result(ID, Status::Pass, j.say(ID, "local", &args), &args);
        r.evidence = vec![fact("local_setup", path)];
        return r;
    }
    let domains = match &s.domains {
        Ok(d) => d,
        Err(e) => return j.error(ID, e),
    };
    if domains.is_empty() {
        return j.result(ID, Status::Skip, j.say(ID, "no_domain", &[]), &[]);
    }
    let profiles = s.user_profiles.as_ref();
    // Each running app with its verdict: covered ones idle past their
    // timeout fail the check whatever the settings say.
    let diagnosed = super::idle::apps(j, s);
    let broken: Vec<&(&App, Resource)> = diagnosed
        .iter()
        .filter(|(_, r)| {
            r.idle_shutdown
                .as_ref()
                .is_some_and(|d| d.verdict == super::idle::Verdict::NotWorking)
        })
        .collect();
    let resources: Vec<Resource> = diagnosed.iter().map(|(_, r)| r.clone()).collect();
    let mut covered = Vec::new();
    let mut uncovered = Vec::new();
    let mut longest = None::<i32>;
    // Covered, but by a script that does not say after how long.
    let mut untimed = Vec::new();
    for domain in domains {
        let mine: Vec<_> = match profiles {
            Ok(all) => all.iter().filter(|p| p.domain_id == domain.id).collect(),
            Err(_) => Vec::new(),
        };
        let targets: Vec<(String, StudioSettings)> = if mine.is_empty() {
            vec![(
                format!("{} ({})", domain.id, tr(j.lang, "checks.domain_default")),
                domain.defaults.clone(),
            )]
        } else {
            mine.iter()
                .map(|p| {
                    (
                        format!("{}/{}", domain.id, p.name),
                        effective(&domain.defaults, &p.settings),
                    )
                })
                .collect()
        };
        for (place, settings) in targets {
            match idle_coverage(j, &settings, s, None) {
                Some(Coverage { how, minutes, .. }) => {
                    longest = longest.max(minutes);
                    if minutes.is_none() {
                        untimed.push(place.clone());
                    }
                    covered.push(fact(&place, how));
                }
                None => uncovered.push((domain.id.clone(), place)),
            }
        }
    }
    if uncovered.is_empty() {
        // Profiles could not be listed: the domain defaults alone are not
        // proof for every profile, so say it could not be evaluated.
        if let Err(e) = profiles {
            return j.error(ID, e);
        }
        let (status, key) = match longest {
            Some(minutes) if minutes > LONG_IDLE_MINUTES => (Status::Warn, "long"),
            // Never "up to 0 min": a script that states no time says so.
            _ if !untimed.is_empty() => (Status::Pass, "untimed"),
            _ => (Status::Pass, "pass"),
        };
        let args = [
            ("minutes", longest.map_or_else(|| "?".to_string(), |m| m.to_string())),
            ("limit", LONG_IDLE_MINUTES.to_string()),
            ("domain", domains[0].id.clone()),
            ("untimed", untimed.join(", ")),
        ];
        if !broken.is_empty() {
            let mut r = not_working(j, s, &broken, None);
            r.evidence = covered;
            r.evidence.extend(current_app_idle(j, s));
            r.resources = resources;
            return r;
        }
        let mut r = j.result(ID, status, j.say(ID, key, &args), &args);
        r.evidence = covered;
        r.evidence.extend(current_app_idle(j, s));
        if status == Status::Warn {
            r.remediation.commands = domains.iter().map(|d| enable_idle_command(&d.id, 60, s)).collect();
        }
        r.resources = resources;
        return r;
    }
    let places: Vec<&str> = uncovered.iter().map(|(_, p)| p.as_str()).collect();
    let first_domain = uncovered[0].0.clone();
    let args = [("places", places.join(", ")), ("domain", first_domain)];
    let uncovered_summary = j.say(ID, "fail", &args);
    let mut r = match broken.is_empty() {
        true => j.result(ID, Status::Fail, uncovered_summary, &args),
        false => not_working(j, s, &broken, Some(&uncovered_summary)),
    };
    let mut commands: Vec<String> = uncovered.iter().map(|(d, _)| enable_idle_command(d, 60, s)).collect();
    commands.dedup();
    r.remediation.commands.extend(commands);
    r.resources = resources;
    r.evidence = covered;
    r.evidence
        .extend(uncovered.iter().map(|(_, place)| fact("not_covered", place)));
    r.evidence.extend(current_app_idle(j, s));
    r
}

/// The failure of apps idle past their timeout: each named with its
/// verdict, its likely cause and fix as the first steps, the command that
/// stops it now (never the learner's own app's); `also` is what else fails.
fn not_working(j: &Judge<'_>, s: &Snapshot, broken: &[&(&App, Resource)], also: Option<&str>) -> CheckResult {
    const ID: &str = "idle-shutdown";
    let named = |r: &Resource| match &r.owner {
        Some(owner) => format!("{} ({owner})", r.name),
        None => r.name.clone(),
    };
    let apps: Vec<String> = broken
        .iter()
        .filter_map(|(_, r)| Some(format!("{}: {}", named(r), r.idle_shutdown.as_ref()?.summary)))
        .collect();
    let args = [
        ("count", broken.len().to_string()),
        ("apps", apps.join("; ")),
        ("domain", broken[0].0.domain_id.clone()),
    ];
    let mut summary = j.say(ID, "not_working", &args);
    if let Some(also) = also {
        summary = format!("{summary} · {also}");
    }
    let mut r = j.result(ID, Status::Fail, summary, &args);
    let causes: Vec<String> = broken
        .iter()
        .filter_map(|(_, r)| {
            let d = r.idle_shutdown.as_ref()?;
            Some(crate::i18n::trf(
                j.lang,
                "checks.idle_cause",
                &[
                    ("name", &named(r)),
                    ("cause", &d.cause.clone().unwrap_or_default()),
                    ("fix", &d.fix.clone().unwrap_or_default()),
                ],
            ))
        })
        .collect();
    r.remediation.steps.splice(0..0, causes);
    let region = region_arg(s);
    r.remediation.commands = broken
        .iter()
        .filter(|(_, r)| !r.current)
        .map(|(app, _)| delete_app_command(&app.domain_id, app.owner(), &app.app_type, &app.name, &region))
        .collect();
    r
}

/// Idle shutdown is set per app type (AWS's idle-shutdown page), so the
/// command turns it on for JupyterLab and Code Editor alike.
fn enable_idle_command(domain_id: &str, minutes: u32, s: &Snapshot) -> String {
    let idle = format!(
        "{{\"AppLifecycleManagement\":{{\"IdleSettings\":{{\"LifecycleManagement\":\"ENABLED\",\"IdleTimeoutInMinutes\":{minutes}}}}}}}"
    );
    format!(
        "aws sagemaker update-domain --domain-id {domain_id} --region {} --default-user-settings \
         '{{\"JupyterLabAppSettings\":{idle},\"CodeEditorAppSettings\":{idle}}}'",
        region_arg(s)
    )
}

pub(super) fn long_running_alarm(j: &Judge<'_>, s: &Snapshot) -> CheckResult {
    const ID: &str = "long-running-alarm";
    let alarms = match &s.alarms {
        Ok(a) => a,
        Err(e) => return j.error(ID, e),
    };
    let watching: Vec<_> = alarms
        .iter()
        .filter(|a| {
            a.namespaces.iter().any(|n| n.to_lowercase().contains("sagemaker"))
                || (a.namespaces.iter().any(|n| n == "AWS/Billing")
                    && a.dimensions.iter().any(|d| d == "ServiceName=AmazonSageMaker"))
        })
        .collect();
    // An alarm whose metric nobody publishes stays in INSUFFICIENT_DATA and
    // never warns (section 7): it does not count, whatever its namespace.
    let (no_data, live): (Vec<_>, Vec<_>) = watching
        .into_iter()
        .partition(|a| a.state.as_deref() == Some("INSUFFICIENT_DATA"));
    if !live.is_empty() {
        let names: Vec<&str> = live.iter().map(|a| a.name.as_str()).collect();
        let args = [("names", names.join(", "))];
        let mut r = j.result(ID, Status::Pass, j.say(ID, "pass", &args), &args);
        r.evidence = live.iter().map(|a| fact("alarm", &a.name)).collect();
        return r;
    }
    let region = region_arg(s);
    let (summary, args) = if no_data.is_empty() {
        let args = vec![("seen", alarms.len().to_string()), ("region", region.clone())];
        (j.say(ID, "warn", &args), args)
    } else {
        let names: Vec<&str> = no_data.iter().map(|a| a.name.as_str()).collect();
        let args = vec![("names", names.join(", ")), ("region", region.clone())];
        (j.say(ID, "no_data", &args), args)
    };
    let mut r = j.result(ID, Status::Warn, summary, &args);
    r.evidence = no_data.iter().map(|a| fact("alarm_without_data", &a.name)).collect();
    r.remediation.commands = vec![format!(
        "aws cloudwatch put-metric-alarm --alarm-name sagemaker-app-running-too-long \
         --metric-name NumberOfRunningApps --namespace Custom/SageMaker --statistic Minimum --threshold 1 \
         --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 2 --period 3600 \
         --treat-missing-data notBreaching --alarm-actions <SNS topic ARN> --region {region}"
    )];
    r
}

pub(super) fn spot_training(j: &Judge<'_>, s: &Snapshot) -> CheckResult {
    const ID: &str = "spot-training";
    let jobs = match &s.training_jobs {
        Ok(jobs) => jobs,
        Err(e) => return j.error(ID, e),
    };
    if jobs.is_empty() {
        return j.result(ID, Status::Skip, j.say(ID, "none", &[]), &[]);
    }
    let spot: Vec<_> = jobs.iter().filter(|job| job.spot).collect();
    let mut evidence = Vec::new();
    for job in jobs {
        let saving = match (job.training_seconds, job.billable_seconds) {
            (Some(t), Some(b)) if job.spot && t > 0 => format!(", {:.0}% saved", (1.0 - b as f64 / t as f64) * 100.0),
            _ => String::new(),
        };
        let kind = if job.spot { "spot" } else { "on-demand" };
        evidence.push(fact("job", format!("{} ({kind}{saving})", job.name)));
    }
    let args = [("count", jobs.len().to_string()), ("spot", spot.len().to_string())];
    let (status, key) = if spot.is_empty() {
        (Status::Warn, "warn")
    } else {
        (Status::Pass, "pass")
    };
    let mut r = j.result(ID, status, j.say(ID, key, &args), &args);
    r.evidence = evidence;
    r
}

#[cfg(test)]
mod tests {
    use super::duration;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(9000), "2h30m");
        assert_eq!(duration(2700), "45m");
        assert_eq!(duration(30), "30s");
        assert_eq!(duration(90_000), "25h00m");
    }
}
