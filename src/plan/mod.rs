//! Changes to an account as data: a `Plan` is the ordered steps a command
//! will take (each with its call, region, what it saves per hour and per
//! month, what data goes with it and how to keep a copy, and the steps it
//! waits for), shown before anything changes; `journal` keeps what became of
//! each step, so a run that stopped half-way continues where it stopped.
//! `audit --stop`, `teardown` and the fixes are plans of different sizes,
//! built here (pure) and carried out by the one engine in the command layer
//! (`commands::account::engine`: confirm → execute → wait → journal).

pub(crate) mod journal;
pub(crate) mod teardown;

use serde::{Deserialize, Serialize};

use crate::audit::Audit;
use crate::checks::bill::Billed;
use crate::snapshot::inventory::{Deletion, Target};

/// Hours in a month, as AWS's pricing pages count them (730 = 24 × 365 / 12).
pub(crate) const HOURS_PER_MONTH: f64 = 730.0;

/// How far a teardown goes; each level includes the ones before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
// Each level's words (for zsh's and fish's completions) are messages.toml's
// `help.module5.teardown.level.NAME`, applied by `cli::command`.
pub(crate) enum Level {
    Compute,
    Storage,
    Domain,
}

impl Level {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Level::Compute => "compute",
            Level::Storage => "storage",
            Level::Domain => "domain",
        }
    }
}

/// The call a step makes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub(crate) enum Change {
    /// Stop (or release) compute: DeleteApp, StopNotebookInstance, DeleteEndpoint…
    Stop { target: Target },
    /// Delete what keeps data: a space, a user profile, the domain, a
    /// notebook instance, an MLflow server, an EFS file system.
    Delete { deletion: Deletion },
    /// A fix's change (the budget, idle shutdown), made by the fix itself:
    /// recorded by its IAM action and what it changes.
    Fix { action: String, target: String },
}

impl Change {
    /// The IAM action of the call.
    pub(crate) fn action(&self) -> String {
        match self {
            Change::Stop { target } => target.api_call().split(' ').next().unwrap_or("").to_string(),
            Change::Delete { deletion } => deletion.action().to_string(),
            Change::Fix { action, .. } => action.clone(),
        }
    }

    /// The call with its parameters, as a dry run prints it.
    pub(crate) fn api_call(&self) -> String {
        match self {
            Change::Stop { target } => target.api_call(),
            Change::Delete { deletion } => deletion.api_call(),
            Change::Fix { action, target } => format!("{action} {target}"),
        }
    }

    /// The `aws` CLI command doing the same.
    pub(crate) fn cli(&self, region: &str) -> String {
        match self {
            Change::Stop { target } => target.cli(region),
            Change::Delete { deletion } => deletion.cli(region),
            Change::Fix { .. } => String::new(),
        }
    }

    pub(crate) fn label(&self) -> String {
        match self {
            Change::Stop { target } => target.label(),
            Change::Delete { deletion } => deletion.label(),
            Change::Fix { target, .. } => target.clone(),
        }
    }

    /// What the step does, in one word: `stop`, `release` (a warm pool),
    /// `delete`, or `change` (a fix).
    pub(crate) fn verb(&self) -> &'static str {
        match self {
            Change::Stop {
                target: Target::WarmPool { .. },
            } => "release",
            Change::Stop {
                target: Target::StudioApp(_) | Target::Endpoint { .. } | Target::HyperpodCluster { .. },
            } => "delete",
            Change::Stop { .. } => "stop",
            Change::Delete { .. } => "delete",
            Change::Fix { .. } => "change",
        }
    }

    /// What it acts on, in the words of audit's JSON (`kind`).
    pub(crate) fn kind(&self) -> String {
        let kind = match self {
            Change::Stop { target } => match target {
                Target::StudioApp(_) if target.is_canvas() => "canvas-app",
                Target::StudioApp(_) => "studio-app",
                Target::NotebookInstance { .. } => "notebook-instance",
                Target::Endpoint { .. } => "endpoint",
                Target::Job { job_kind, .. } => return kebab(job_kind),
                Target::MlflowTrackingServer { .. } => "mlflow-tracking-server",
                Target::TransformJob { .. } => "transform-job",
                Target::HyperpodCluster { .. } => "hyperpod-cluster",
                Target::WarmPool { .. } => "warm-pool",
            },
            Change::Delete { deletion } => match deletion {
                Deletion::Space { .. } => "space",
                Deletion::UserProfile { .. } => "user-profile",
                Deletion::Domain { .. } => "domain",
                Deletion::NotebookInstance { .. } => "notebook-instance",
                Deletion::MlflowTrackingServer { .. } => "mlflow-tracking-server",
                Deletion::MountTargets { .. } => "efs-mount-targets",
                Deletion::FileSystem { .. } => "efs",
            },
            Change::Fix { .. } => "fix",
        };
        kind.to_string()
    }

    /// The one key that names this change in this region across runs: the
    /// journal matches steps by it.
    pub(crate) fn key(&self, region: &str) -> String {
        format!("{region}|{}", serde_json::to_string(self).unwrap_or_default())
    }

    /// The learner's words for whether `status` (what the wait last read)
    /// means the step is over, and how: `Some(true)` done, `Some(false)`
    /// failed (AWS gave up on it), `None` still going.
    pub(crate) fn settled(&self, status: &str) -> Option<bool> {
        match self {
            Change::Stop { .. } => crate::snapshot::inventory::stop_settled(status).then_some(true),
            Change::Delete { .. } => match status {
                "Deleted" => Some(true),
                "Failed" | "Delete_Failed" | "DeleteFailed" => Some(false),
                _ => None,
            },
            Change::Fix { .. } => Some(true),
        }
    }
}

fn kebab<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// One step of a plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Step {
    /// Its place in the plan, from 1: the order AWS requires.
    pub order: usize,
    /// `stop`, `release`, `delete` or `change`.
    pub action: String,
    /// What it acts on (`studio-app`, `space`, `domain`, `efs`…).
    pub kind: String,
    pub name: String,
    pub region: String,
    /// The resource, for prompts and reports (`space d-abc/lab`).
    pub label: String,
    pub change: Change,
    /// What it stops billing (compute), per hour; `null` when unknown.
    pub saves_usd_per_hour: Option<f64>,
    /// Per month (compute: 730 hours; storage: its monthly cost).
    pub saves_usd_per_month: Option<f64>,
    /// The files that go with it, when any do.
    pub deletes_data: Option<String>,
    /// How to keep a copy first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_copy: Option<String>,
    /// The steps (by `order`) that must be done first.
    pub depends_on: Vec<usize>,
    /// What the learner types to confirm this data's loss (a domain id, a
    /// notebook instance's name…), on a terminal without `--yes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm_with: Option<String>,
    /// The call was made already (by an earlier run, or by hand): the
    /// state found (`Deleting`, `Stopping`), and the step only waits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
    /// The resource the learner works in: done last, after everything else.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub current: bool,
    pub api_call: String,
    pub cli: String,
}

impl Step {
    pub(crate) fn key(&self) -> String {
        self.change.key(&self.region)
    }
}

/// Something a plan leaves as it is, and why (in the learner's language).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Left {
    pub kind: String,
    pub name: String,
    pub region: String,
    pub label: String,
    pub why: String,
    /// What it keeps billing, per hour (compute) and per month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usd_per_hour: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usd_per_month: Option<f64>,
}

/// The ordered steps of one command, before anything changes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Plan {
    /// The command, as the learner typed its name (`teardown`, `audit --stop`).
    pub command: String,
    pub account: String,
    pub regions: Vec<String>,
    /// Several regions were asked for (`--regions`, `--all-regions`): each
    /// step's label names its region.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sweep: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    pub steps: Vec<Step>,
    /// What the plan leaves, and why.
    #[serde(default)]
    pub left: Vec<Left>,
    /// The totals of what the steps save (at least, when `partial`).
    pub saves_usd_per_hour: f64,
    pub saves_usd_per_month: f64,
    pub partial: bool,
    pub planned_at: String,
}

impl Plan {
    pub(crate) fn new(command: &str, account: &str, regions: Vec<String>, level: Option<Level>) -> Plan {
        Plan {
            command: command.to_string(),
            account: account.to_string(),
            sweep: false,
            regions,
            level,
            steps: Vec::new(),
            left: Vec::new(),
            saves_usd_per_hour: 0.0,
            saves_usd_per_month: 0.0,
            partial: false,
            planned_at: crate::util::now(),
        }
    }

    /// A sweep: labels name each step's region.
    pub(crate) fn is_sweep(&self) -> bool {
        self.sweep || self.regions.len() > 1
    }

    /// A step's label as prompts and logs show it (with its region in a sweep).
    pub(crate) fn shown(&self, step: &Step) -> String {
        match self.is_sweep() {
            true => format!("{} · {}", step.label, step.region),
            false => step.label.clone(),
        }
    }

    pub(crate) fn step(&self, order: usize) -> Option<&Step> {
        self.steps.iter().find(|s| s.order == order)
    }

    /// Keeps only the steps `keep` accepts, and those they depend on being
    /// kept too: a step whose dependency is dropped goes with it. Orders
    /// are kept (they name steps in the journal).
    pub(crate) fn retain(&mut self, keep: impl Fn(&Step) -> bool) {
        let mut kept: Vec<bool> = self.steps.iter().map(&keep).collect();
        loop {
            let mut changed = false;
            for i in 0..self.steps.len() {
                if kept[i]
                    && self.steps[i]
                        .depends_on
                        .iter()
                        .any(|d| self.steps.iter().position(|s| s.order == *d).is_some_and(|j| !kept[j]))
                {
                    kept[i] = false;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let mut flags = kept.into_iter();
        self.steps.retain(|_| flags.next().unwrap_or(false));
        self.total();
    }

    /// Sums what the steps save.
    pub(crate) fn total(&mut self) {
        let hour: Vec<Option<f64>> = self.steps.iter().map(|s| s.saves_usd_per_hour).collect();
        let month: Vec<Option<f64>> = self.steps.iter().map(|s| s.saves_usd_per_month).collect();
        self.saves_usd_per_hour = crate::catalog::round(hour.iter().flatten().sum());
        self.saves_usd_per_month = crate::catalog::round(month.iter().flatten().sum());
        // A step that bills and whose saving is unknown leaves the totals "at least".
        self.partial = self
            .steps
            .iter()
            .any(|s| s.saves_usd_per_month.is_none() && s.kind != "user-profile" && s.kind != "efs-mount-targets");
    }
}

/// A step before it has its place: its rank in AWS's order, and the drafts
/// it depends on.
pub(crate) struct Draft {
    pub step: Step,
    pub rank: u8,
    pub deps: Vec<usize>,
}

/// Ranks in AWS's order: compute, then what needs it gone, and so on.
pub(crate) mod rank {
    pub(crate) const COMPUTE: u8 = 0;
    pub(crate) const STORAGE: u8 = 1;
    pub(crate) const PROFILE: u8 = 2;
    pub(crate) const DOMAIN: u8 = 3;
    pub(crate) const MOUNT_TARGETS: u8 = 4;
    pub(crate) const FILE_SYSTEM: u8 = 5;
    /// The resource the learner works in comes last of all.
    pub(crate) const CURRENT: u8 = 9;
}

/// A fresh step for `change` in `region`, with nothing saved and no data.
pub(crate) fn step(change: Change, region: &str, name: &str) -> Step {
    Step {
        order: 0,
        action: change.verb().to_string(),
        kind: change.kind(),
        name: name.to_string(),
        region: region.to_string(),
        label: change.label(),
        saves_usd_per_hour: None,
        saves_usd_per_month: None,
        deletes_data: None,
        keep_copy: None,
        depends_on: Vec::new(),
        confirm_with: None,
        found: None,
        current: false,
        api_call: change.api_call(),
        cli: change.cli(region),
        change,
    }
}

/// Puts drafts in AWS's order (by rank, then as drafted) and numbers them
/// from 1, each dependency named by its order.
pub(crate) fn order(drafts: Vec<Draft>) -> Vec<Step> {
    let mut sorted: Vec<(usize, Draft)> = drafts.into_iter().enumerate().collect();
    sorted.sort_by_key(|(i, d)| (d.rank, *i));
    let place: std::collections::BTreeMap<usize, usize> =
        sorted.iter().enumerate().map(|(at, (i, _))| (*i, at + 1)).collect();
    sorted
        .into_iter()
        .enumerate()
        .map(|(at, (_, draft))| {
            let mut step = draft.step;
            step.order = at + 1;
            step.depends_on = draft.deps.iter().filter_map(|d| place.get(d).copied()).collect();
            step.depends_on.sort_unstable();
            step.depends_on.dedup();
            step
        })
        .collect()
}

/// A compute step for what bills by the hour: its saving per hour and per month.
pub(crate) fn compute_step(item: &Billed, region: &str) -> Step {
    let mut s = step(
        Change::Stop {
            target: item.target.clone(),
        },
        region,
        &item.resource.name,
    );
    s.kind = kebab(&item.resource.kind);
    s.saves_usd_per_hour = item.resource.price_per_hour_usd;
    s.saves_usd_per_month = item
        .resource
        .price_per_hour_usd
        .map(|p| crate::catalog::round(p * HOURS_PER_MONTH));
    s.current = item.resource.current;
    s
}

/// `audit --stop`: the chosen items, each in its own region, the learner's
/// own resource last.
pub(crate) fn stop_plan(audit: &Audit, chosen: &[&Billed]) -> Plan {
    let regions = match audit.is_sweep() {
        true => audit.regions.clone(),
        false => audit.region.clone().into_iter().collect(),
    };
    let account = audit.account.clone().unwrap_or_else(|| "?".into());
    let mut plan = Plan::new("audit --stop", &account, regions, None);
    plan.sweep = audit.is_sweep();
    let drafts = chosen
        .iter()
        .map(|item| {
            let step = compute_step(item, audit.region_of(item));
            let rank = if step.current { rank::CURRENT } else { rank::COMPUTE };
            Draft {
                step,
                rank,
                deps: Vec::new(),
            }
        })
        .collect();
    plan.steps = order(drafts);
    plan.total();
    plan
}

/// A fix's plan: one change, made and recorded through the engine.
pub(crate) fn fix_plan(command: &str, account: &str, region: &str, action: &str, target: &str) -> Plan {
    let mut plan = Plan::new(command, account, vec![region.to_string()], None);
    let mut one = step(
        Change::Fix {
            action: action.to_string(),
            target: target.to_string(),
        },
        region,
        target,
    );
    one.order = 1;
    plan.steps = vec![one];
    plan.total();
    plan
}

#[cfg(test)]
mod tests;
