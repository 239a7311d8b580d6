//! `verify`: the hands-on tasks of checklist items judged on a snapshot, and
//! the ticks they earn. Only the learner's real account ticks; the sandbox
//! shows the same verdicts and never does.

use serde::Serialize;

use super::ModuleProgress;
use crate::checks::Judge;
use crate::checks::task_rules::{TaskOutcome, cutoff, done_line};
use crate::course::{ChecklistItem, EvidenceRule};
use crate::snapshot::{Snapshot, Source};

/// One verification run.
#[derive(Debug, Serialize)]
pub(crate) struct ProofReport {
    pub source: Source,
    pub account: Option<String>,
    pub region: Option<String>,
    /// Resources created from here on count (the module's start less 24 hours).
    pub since: String,
    pub items: Vec<ItemResult>,
    /// Items ticked (or upgraded to task evidence) by this run.
    pub ticked: Vec<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ItemResult {
    pub id: String,
    pub title: String,
    /// Every task of the item is proven (now, or by an earlier run).
    pub proven: bool,
    pub tasks: Vec<TaskResult>,
}

#[derive(Debug, Serialize)]
pub(crate) struct TaskResult {
    #[serde(flatten)]
    pub outcome: TaskOutcome,
    pub title: String,
    /// When an earlier run proved it, if this one did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proven_earlier_at: Option<String>,
    /// The `done` line when proven, else the `missing` line.
    pub message: String,
    /// What to do, while it is not proven.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<String>,
}

impl ProofReport {
    pub(crate) fn all_proven(&self) -> bool {
        self.items.iter().all(|i| i.proven)
    }
}

/// Judges the tasks of `items` on `snapshot`; on the learner's real account
/// (an AWS snapshot with its account and region) records what is proven in
/// `module` and ticks the items whose tasks are all proven.
pub(crate) fn prove(
    judge: &Judge<'_>,
    snapshot: &Snapshot,
    module: &mut ModuleProgress,
    items: &[&ChecklistItem],
) -> ProofReport {
    prove_regions(judge, snapshot, &[], module, items)
}

/// The same, where `others` are the other regions the course used (read
/// for the `nothing-billing` rule: nothing may bill in any of them).
pub(crate) fn prove_regions(
    judge: &Judge<'_>,
    snapshot: &Snapshot,
    others: &[&Snapshot],
    module: &mut ModuleProgress,
    items: &[&ChecklistItem],
) -> ProofReport {
    let course = judge.course;
    let kept = module.kept_reasons();
    let lang = judge.lang;
    let since = humantime::format_rfc3339_seconds(cutoff(module.started_at.as_deref(), &snapshot.taken_at)).to_string();
    let account = snapshot.identity.as_ref().ok().map(|i| i.account.clone());
    let region = snapshot.region.clone();
    let mut results = Vec::new();
    let mut outcomes = Vec::new();
    for item in items {
        let task_ids: Vec<&String> = item
            .evidence
            .iter()
            .filter_map(|r| match r {
                EvidenceRule::Tasks(ids) => Some(ids),
                _ => None,
            })
            .flatten()
            .collect();
        let mut tasks = Vec::new();
        for id in task_ids {
            let task = course.task(id).expect("validated");
            let given = crate::checks::task_rules::Given {
                module_started_at: module.started_at.as_deref(),
                kept: Some(&kept),
                others,
            };
            let outcome = judge.task_given(task, snapshot, &given);
            let earlier = (!outcome.proven)
                .then(|| module.tasks.get(id).map(|d| d.at.clone()))
                .flatten()
                .filter(|_| snapshot.source == Source::Aws);
            let proven = outcome.proven || earlier.is_some();
            let message = if proven {
                let proof = outcome
                    .proof
                    .as_ref()
                    .or_else(|| module.tasks.get(id).and_then(|d| d.proof.as_ref()));
                done_line(task, proof, lang)
            } else {
                task.missing.get(lang).to_string()
            };
            outcomes.push(outcome.clone());
            tasks.push(TaskResult {
                title: task.title.get(lang).to_string(),
                proven_earlier_at: earlier,
                message,
                steps: if proven {
                    Vec::new()
                } else {
                    task.steps.get(lang).to_vec()
                },
                outcome,
            });
        }
        results.push(ItemResult {
            id: item.id.clone(),
            title: item.title.get(lang).to_string(),
            proven: !tasks.is_empty() && tasks.iter().all(|t| t.outcome.proven || t.proven_earlier_at.is_some()),
            tasks,
        });
    }
    let ticked = match (&snapshot.source, &account, &region) {
        (Source::Aws, Some(account), Some(region)) => module.apply_tasks(course, &outcomes, account, region),
        _ => Vec::new(),
    };
    ProofReport {
        source: snapshot.source.clone(),
        account,
        region,
        since,
        items: results,
        ticked,
    }
}
