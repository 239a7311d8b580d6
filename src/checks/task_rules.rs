//! The evidence rules of the hands-on tasks (tasks.toml): pure functions
//! from a snapshot, and the time the learner began the module, to a proof or
//! what is missing. `verify` runs them; the sandbox never ticks.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use super::{Judge, Status, bill};
use crate::course::Task;
use crate::i18n::trf;
use crate::snapshot::{App, NotebookInstance, Snapshot};

/// The rules tasks.toml may name.
pub(crate) const RULES: [&str; 5] = ["started", "stopped", "budget", "idle-shutdown", "nothing-billing"];

/// A notebook started this long before the module began still counts.
pub(crate) const GRACE: Duration = Duration::from_secs(24 * 3600);

/// Studio apps that run a notebook on a billable instance.
const NOTEBOOK_APPS: [&str; 3] = ["JupyterLab", "CodeEditor", "KernelGateway"];

/// The resource behind a proof, as the account showed it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Proof {
    /// `JupyterLab`, `CodeEditor`, `KernelGateway` (Studio apps),
    /// `NotebookInstance`, `Budget` or `IdleShutdown`.
    pub kind: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Its status when verified (`InService`, `Deleted`, `Stopped`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// How one task fared on the account.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TaskOutcome {
    pub task: String,
    pub proven: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proof: Option<Proof>,
    /// Why it is not proven, beyond the task's `missing` line (a call that
    /// failed, what is still running); in the learner's language.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
    /// What still bills by the hour (the `stopped` and `nothing-billing`
    /// rules): the same resources `audit` lists.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub still_billing: Vec<super::Resource>,
    /// What still bills by the GB-month and is not kept with a reason (the
    /// `nothing-billing` rule).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub still_storing: Vec<super::StorageItem>,
}

/// What a task's rule reads besides the account's configured region: when
/// the learner began the module, what they keep (name → why), and the
/// other regions the course used.
#[derive(Clone, Copy, Default)]
pub(crate) struct Given<'a> {
    pub module_started_at: Option<&'a str>,
    pub kept: Option<&'a BTreeMap<String, String>>,
    pub others: &'a [&'a Snapshot],
}

/// The earliest creation time that counts: the module's start (now, when the
/// learner has not begun it) less `GRACE`.
pub(crate) fn cutoff(module_started_at: Option<&str>, taken_at: &str) -> SystemTime {
    let start = module_started_at
        .or(Some(taken_at))
        .and_then(|t| humantime::parse_rfc3339_weak(t).ok())
        .unwrap_or_else(SystemTime::now);
    start.checked_sub(GRACE).unwrap_or(SystemTime::UNIX_EPOCH)
}

fn since(time: Option<&str>, cutoff: SystemTime) -> bool {
    time.and_then(|t| humantime::parse_rfc3339_weak(t).ok())
        .is_some_and(|t| t >= cutoff)
}

fn app_started(app: &App, cutoff: SystemTime) -> bool {
    NOTEBOOK_APPS.contains(&app.app_type.as_str()) && app.status != "Failed" && since(app.created_at.as_deref(), cutoff)
}

fn notebook_started(n: &NotebookInstance, cutoff: SystemTime) -> bool {
    n.status != "Failed"
        && (since(n.created_at.as_deref(), cutoff)
            || (bill::RUNNING.contains(&n.status.as_str()) || matches!(n.status.as_str(), "Stopping" | "Stopped"))
                && since(n.started_at.as_deref(), cutoff))
}

fn app_proof(app: &App) -> Proof {
    Proof {
        kind: app.app_type.clone(),
        name: match &app.space {
            Some(space) => format!("{space}/{}", app.name),
            None => app.name.clone(),
        },
        instance_type: app.instance_type.clone(),
        created_at: app.created_at.clone(),
        status: Some(app.status.clone()),
    }
}

fn notebook_proof(n: &NotebookInstance) -> Proof {
    Proof {
        kind: "NotebookInstance".into(),
        name: n.name.clone(),
        instance_type: n.instance_type.clone(),
        created_at: n.created_at.clone().or_else(|| n.started_at.clone()),
        status: Some(n.status.clone()),
    }
}

/// The notebooks started since `cutoff`, newest first.
fn started(s: &Snapshot, cutoff: SystemTime) -> Vec<Proof> {
    let mut found: Vec<Proof> = Vec::new();
    if let Ok(apps) = &s.apps {
        found.extend(apps.iter().filter(|a| app_started(a, cutoff)).map(app_proof));
    }
    if let Ok(notebooks) = &s.notebook_instances {
        found.extend(
            notebooks
                .iter()
                .filter(|n| notebook_started(n, cutoff))
                .map(notebook_proof),
        );
    }
    found.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    found
}

fn is_stopped(proof: &Proof) -> bool {
    matches!(
        proof.status.as_deref(),
        Some("Deleted" | "Deleting" | "Stopped" | "Stopping")
    )
}

impl Proof {
    /// A proof that is a setting, not a resource: a kind and a name.
    fn named(kind: &str, name: String) -> Proof {
        Proof {
            kind: kind.into(),
            name,
            instance_type: None,
            created_at: None,
            status: None,
        }
    }
}

impl Judge<'_> {
    /// Judges the checks `ids`: whether every one passes, and their results;
    /// the summary of each that does not is a problem of the task.
    fn all_pass(
        &self,
        snapshot: &Snapshot,
        ids: &[&str],
        problems: &mut Vec<String>,
    ) -> (bool, Vec<super::CheckResult>) {
        let ids: Vec<String> = ids.iter().map(|id| id.to_string()).collect();
        let results = self.judge(snapshot, Some(&ids));
        problems.extend(
            results
                .iter()
                .filter(|r| r.status != Status::Pass)
                .map(|r| r.summary.clone()),
        );
        (results.iter().all(|r| r.status == Status::Pass), results)
    }

    /// Runs `task`'s rule on `snapshot`; `module_started_at` is when the
    /// learner began the module (None: now).
    #[cfg(test)]
    pub(crate) fn task(&self, task: &Task, snapshot: &Snapshot, module_started_at: Option<&str>) -> TaskOutcome {
        self.task_given(
            task,
            snapshot,
            &Given {
                module_started_at,
                ..Given::default()
            },
        )
    }

    /// Runs `task`'s rule on `snapshot` with what else it may read.
    pub(crate) fn task_given(&self, task: &Task, snapshot: &Snapshot, given: &Given<'_>) -> TaskOutcome {
        let lang = self.lang;
        if task.rule == "nothing-billing" {
            return self.nothing_billing(task, snapshot, given);
        }
        let cutoff = cutoff(given.module_started_at, &snapshot.taken_at);
        let mut problems: Vec<String> = [
            &snapshot.apps.as_ref().err(),
            &snapshot.notebook_instances.as_ref().err(),
        ]
        .into_iter()
        .flatten()
        .filter(|_| matches!(task.rule.as_str(), "started" | "stopped"))
        .map(|e| e.describe(lang))
        .collect();
        let mut still_billing = Vec::new();
        let (proven, proof) = match task.rule.as_str() {
            "started" => {
                let proof = started(snapshot, cutoff).into_iter().next();
                (proof.is_some(), proof)
            }
            "stopped" => {
                let proof = started(snapshot, cutoff).into_iter().find(is_stopped);
                // Proven only when no compute of any kind bills: the one
                // inventory `audit` reads (the app this tool runs in, a
                // Studio terminal, is in use, not left running).
                let bill = bill::bill(self.prices, snapshot);
                still_billing = bill.billing().map(|b| b.resource.clone()).collect();
                let still: Vec<String> = bill.billing().map(|b| b.target.label()).collect();
                if !still.is_empty() {
                    problems.push(trf(lang, "verify.still_running", &[("names", &still.join(", "))]));
                }
                // Storage errors do not hide compute; every compute list must be read.
                let unread: Vec<&crate::snapshot::CallError> = [
                    snapshot.endpoints.as_ref().err(),
                    snapshot.jobs.as_ref().err(),
                    snapshot.transform_jobs.as_ref().err(),
                    snapshot.warm_pools.as_ref().err(),
                    snapshot.mlflow_servers.as_ref().err(),
                    snapshot.clusters.as_ref().err(),
                ]
                .into_iter()
                .flatten()
                .collect();
                problems.extend(unread.iter().map(|e| e.describe(lang)));
                let complete = snapshot.apps.is_ok() && snapshot.notebook_instances.is_ok() && unread.is_empty();
                (proof.is_some() && still.is_empty() && complete, proof)
            }
            "budget" => {
                let (ok, results) = self.all_pass(snapshot, &["budget", "budget-alerts"], &mut problems);
                let name = results
                    .iter()
                    .flat_map(|r| &r.evidence)
                    .find(|f| f.key == "budget")
                    .map(|f| f.value.clone());
                let proof = name.filter(|_| ok).map(|name| Proof::named("Budget", name));
                (ok, proof)
            }
            "idle-shutdown" => {
                let (ok, _) = self.all_pass(snapshot, &["idle-shutdown"], &mut problems);
                let domains = snapshot
                    .domains
                    .as_ref()
                    .ok()
                    .map(|d| d.iter().map(|d| d.id.as_str()).collect::<Vec<_>>().join(", "))
                    .unwrap_or_default();
                (ok, ok.then(|| Proof::named("IdleShutdown", domains)))
            }
            _ => (false, None),
        };
        TaskOutcome {
            task: task.id.clone(),
            proven,
            proof,
            problems: if proven { Vec::new() } else { problems },
            still_billing,
            still_storing: Vec::new(),
        }
    }

    /// `nothing-billing`: in every region the course used, nothing bills by
    /// the hour (the app this tool runs in included) and nothing by the
    /// GB-month, but what the learner keeps with a reason; every list read.
    fn nothing_billing(&self, task: &Task, snapshot: &Snapshot, given: &Given<'_>) -> TaskOutcome {
        let lang = self.lang;
        let none = BTreeMap::new();
        let kept = given.kept.unwrap_or(&none);
        let mut still_billing = Vec::new();
        let mut still_storing = Vec::new();
        let mut problems = Vec::new();
        let mut regions = Vec::new();
        for s in std::iter::once(snapshot).chain(given.others.iter().copied()) {
            regions.extend(s.region.clone());
            // A kept space or user profile keeps its domain, and so the
            // domain's home EFS: a domain cannot go while they remain.
            let mut names: Vec<&str> = kept.keys().map(String::as_str).collect();
            let spaces = s
                .spaces
                .as_deref()
                .unwrap_or_default()
                .iter()
                .map(|sp| (&sp.name, &sp.domain_id));
            let profiles = s
                .user_profiles
                .as_deref()
                .unwrap_or_default()
                .iter()
                .map(|p| (&p.name, &p.domain_id));
            for (name, domain) in spaces.chain(profiles) {
                if kept.contains_key(name) {
                    names.push(domain);
                }
            }
            let is_kept = |candidates: &[Option<&str>]| candidates.iter().flatten().any(|n| names.contains(n));
            let bill = bill::bill(self.prices, s);
            for b in bill.compute.iter().filter(|b| b.resource.bills_by_the_hour()) {
                let (space, domain) = match &b.target {
                    crate::snapshot::inventory::Target::StudioApp(app) => {
                        (app.space.as_deref(), Some(app.domain_id.as_str()))
                    }
                    _ => (None, None),
                };
                if !is_kept(&[Some(b.resource.name.as_str()), space, domain]) {
                    still_billing.push(b.resource.clone());
                }
            }
            still_storing.extend(
                bill.storage
                    .into_iter()
                    .filter(|i| !is_kept(&[Some(i.name.as_str()), i.domain.as_deref()])),
            );
            problems.extend(bill.errors.iter().map(|e| e.describe(lang)));
        }
        let complete = problems.is_empty();
        if !still_billing.is_empty() {
            let names: Vec<&str> = still_billing.iter().map(|r| r.name.as_str()).collect();
            problems.push(trf(lang, "verify.still_running", &[("names", &names.join(", "))]));
        }
        if !still_storing.is_empty() {
            let names: Vec<&str> = still_storing.iter().map(|i| i.name.as_str()).collect();
            problems.push(trf(lang, "verify.still_storing", &[("names", &names.join(", "))]));
        }
        let proven = complete && still_billing.is_empty() && still_storing.is_empty();
        let kept_text: Vec<String> = kept.iter().map(|(name, why)| format!("{name} ({why})")).collect();
        let proof = proven.then(|| Proof {
            kind: "NothingBilling".into(),
            name: regions.join(", "),
            instance_type: None,
            created_at: Some(snapshot.taken_at.clone()),
            status: (!kept_text.is_empty()).then(|| kept_text.join("; ")),
        });
        TaskOutcome {
            task: task.id.clone(),
            proven,
            proof,
            problems: if proven { Vec::new() } else { problems },
            still_billing,
            still_storing,
        }
    }
}

/// A task's `done` line, filled with its proof (its time in the local zone).
pub(crate) fn done_line(task: &Task, proof: Option<&Proof>, lang: crate::i18n::Lang) -> String {
    let mut text = task.done.get(lang).to_string();
    if let Some(p) = proof {
        let at = p.created_at.as_deref().map_or_else(
            || "?".to_string(),
            |at| crate::util::local_time(at, &jiff::tz::TimeZone::system(), lang),
        );
        for (key, value) in [
            ("kind", p.kind.as_str()),
            ("name", p.name.as_str()),
            ("instance", p.instance_type.as_deref().unwrap_or("?")),
            ("at", at.as_str()),
            ("kept", p.status.as_deref().unwrap_or("—")),
        ] {
            text = text.replace(&format!("{{{key}}}"), value);
        }
    }
    text
}
