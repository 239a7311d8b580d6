//! `audit --stop`: offers to stop what the audit found (each chosen on a
//! terminal; endpoints, HyperPod clusters, jobs, transform jobs and Canvas
//! apps confirmed by name), then runs the plan through the engine, which
//! stops, logs, waits and journals.

use std::time::Duration;

use colored::Colorize;

use super::Changes;
use super::engine::{self, Account, Run};
use crate::audit::Audit;
use crate::aws::Session;
use crate::checks::bill::Billed as Item;
use crate::cli::AuditArgs;
use crate::error::{Error, ExitStatus, Result};
use crate::i18n::{Lang, tr, trf};
use crate::plan::{Change, Plan};
use crate::snapshot::inventory::Target;
use crate::ui::text::subheading;
use crate::ui::{Output, clean};

#[derive(Clone, Debug, Default)]
pub(super) struct StopOptions {
    pub yes: bool,
    pub dry_run: bool,
    pub include_endpoints: bool,
    /// Batch transform jobs too: they may be production work.
    pub include_transform_jobs: bool,
    /// Training and processing jobs too: they may be real work.
    pub include_jobs: bool,
    /// HyperPod clusters too (deleted, each confirmed by name).
    pub include_clusters: bool,
    /// The resource the learner works in too (last, confirmed twice on a terminal).
    pub include_current: bool,
    pub wait: Duration,
}

impl From<&AuditArgs> for StopOptions {
    fn from(args: &AuditArgs) -> Self {
        StopOptions {
            yes: args.yes,
            dry_run: args.dry_run,
            include_endpoints: args.include_endpoints,
            include_transform_jobs: args.include_transform_jobs,
            include_jobs: args.include_jobs,
            include_clusters: args.include_clusters,
            include_current: args.include_current,
            wait: Duration::from_secs(args.wait),
        }
    }
}

/// Offers to stop what the audit found, then stops it through the engine.
pub(super) fn stop_flow(
    mut changes: Changes<'_>,
    session: &Session,
    assessed: &Audit,
    options: &StopOptions,
    out: &mut Output,
) -> Result<ExitStatus> {
    let lang = changes.ctx.lang;
    let candidates = candidates(assessed, options, lang, out)?;
    if candidates.is_empty() {
        out.line(tr(lang, "fix.nothing_to_stop"))?;
        return Ok(ExitStatus::failed_if(!assessed.errors.is_empty()));
    }
    if options.dry_run {
        let plan = crate::plan::stop_plan(assessed, &candidates);
        dry_run(&plan, lang, out)?;
        return Ok(ExitStatus::Success);
    }
    let chosen = if options.yes {
        candidates
    } else {
        if !changes.ctx.interactive {
            return Err(Error::NeedsTerminal(tr(lang, "fix.needs_yes").to_string()));
        }
        match choose(&mut changes, assessed, &candidates)? {
            Some(chosen) => chosen,
            None => {
                out.line(tr(lang, "fix.nothing_done"))?;
                return Ok(ExitStatus::Success);
            }
        }
    };
    let plan = crate::plan::stop_plan(assessed, &chosen);
    let said = |step: &crate::plan::Step| Some(trf(lang, "fix.stopping", &[("target", &clean(&plan.shown(step)))]));
    let run = Run {
        wait: options.wait,
        said: &said,
        name_on_failure: true,
    };
    let outcome = engine::execute(&mut changes, &mut Account(session), &plan, &run, out)?;
    if outcome.done(|c| {
        matches!(
            c,
            Change::Stop {
                target: Target::StudioApp(_)
            }
        )
    }) {
        out.line(&tr(lang, "fix.files_stay").dimmed().to_string())?;
    }
    Ok(outcome.exit_status())
}

/// What `--stop` may stop: every item but those whose kind needs its flag,
/// one deletion per HyperPod cluster, and the learner's own resource only
/// with `--include-current` (last); what was left out is said once per kind.
fn candidates<'a>(assessed: &'a Audit, options: &StopOptions, lang: Lang, out: &mut Output) -> Result<Vec<&'a Item>> {
    let wanted = |i: &Item| match &i.target {
        Target::Endpoint { .. } => options.include_endpoints,
        Target::TransformJob { .. } => options.include_transform_jobs,
        Target::Job { .. } => options.include_jobs,
        Target::HyperpodCluster { .. } => options.include_clusters,
        _ => true,
    };
    let mut candidates: Vec<&Item> = assessed.others().filter(|i| wanted(i)).collect();
    // A HyperPod cluster bills per instance group: one deletion per cluster.
    candidates.dedup_by(|a, b| a.target == b.target && a.resource.region == b.resource.region);
    match assessed.current() {
        Some(item) if options.include_current => candidates.push(item),
        Some(item) => out.line(
            &trf(lang, "fix.current_skipped", &[("target", &clean(&item.target.label()))])
                .yellow()
                .to_string(),
        )?,
        None => {}
    }
    let skipped = |f: &dyn Fn(&Target) -> bool| assessed.others().any(|i| f(&i.target) && !wanted(i));
    for (left_out, key) in [
        (skipped(&|t| t.is_endpoint()), "fix.endpoints_skipped"),
        (
            skipped(&|t| matches!(t, Target::TransformJob { .. })),
            "fix.transform_skipped",
        ),
        (skipped(&|t| matches!(t, Target::Job { .. })), "fix.jobs_skipped"),
        (
            skipped(&|t| matches!(t, Target::HyperpodCluster { .. })),
            "fix.clusters_skipped",
        ),
    ] {
        if left_out {
            out.line(&tr(lang, key).yellow().to_string())?;
        }
    }
    Ok(candidates)
}

/// The exact calls and `aws` commands, in order; nothing changes.
pub(super) fn dry_run(plan: &Plan, lang: Lang, out: &mut Output) -> Result<()> {
    out.line(&subheading(tr(lang, "fix.dry_run")))?;
    for step in &plan.steps {
        if step.current {
            out.line(&format!("  {}", tr(lang, "fix.current_dry_run").yellow()))?;
        }
        out.line(&format!(
            "  {}\n    $ {}",
            clean(&step.api_call),
            clean(&step.cli).cyan()
        ))?;
    }
    Ok(())
}

/// On a terminal: the learner picks what to stop; endpoints, transform
/// jobs, jobs, clusters, Canvas apps and their own resource are asked a
/// second time, by name; then one confirmation for all. `None`: nothing
/// to do (left the prompt, chose nothing, or said no).
fn choose<'a>(changes: &mut Changes<'_>, assessed: &Audit, candidates: &[&'a Item]) -> Result<Option<Vec<&'a Item>>> {
    let lang = changes.ctx.lang;
    let account = assessed.account.clone().unwrap_or_else(|| "?".into());
    // Where, in prompts: the region, or the regions of a sweep.
    let region = if assessed.is_sweep() {
        crate::report::regions_phrase(&assessed.regions, lang)
    } else {
        assessed.region.clone().unwrap_or_else(|| "?".into())
    };
    let label = |i: &Item| match assessed.is_sweep() {
        true => format!("{} · {}", i.target.label(), assessed.region_of(i)),
        false => i.target.label(),
    };
    let labels: Vec<String> = candidates.iter().map(|i| clean(&label(i))).collect();
    let question = trf(lang, "fix.choose", &[("account", &account), ("region", &region)]);
    let Ok(picked) = changes
        .prompter
        .multi_select(&question, &labels, tr(lang, "fix.choose_help"))
    else {
        return Ok(None);
    };
    let mut chosen = Vec::new();
    for index in picked {
        let item = candidates[index];
        let item_region = assessed.region_of(item).to_string();
        // An endpoint may be serving someone; deleting a Canvas app logs its
        // user out; stopping a transform job or a job loses what it has not
        // written, and it may be production work; deleting a cluster deletes
        // its instances and what is on them: a second yes that names it.
        let second = match &item.target {
            Target::Endpoint { name } => Some(("fix.confirm_endpoint", name.clone())),
            Target::TransformJob { name } => Some(("fix.confirm_transform", name.clone())),
            Target::StudioApp(app) if item.target.is_canvas() => Some(("fix.confirm_canvas", app.name.clone())),
            Target::HyperpodCluster { name } => Some(("fix.confirm_cluster", name.clone())),
            Target::Job { name, .. } => Some(("fix.confirm_job", name.clone())),
            _ => None,
        };
        if let Some((key, name)) = second {
            let question = trf(
                lang,
                key,
                &[("name", &name), ("account", &account), ("region", &item_region)],
            );
            if !changes.confirm(false, &question)? {
                continue;
            }
        }
        // Stopping the learner's own session: a second yes that says what is lost.
        if item.resource.current {
            let question = trf(lang, "fix.confirm_current", &[("target", &clean(&item.target.label()))]);
            if !changes.confirm(false, &question)? {
                continue;
            }
        }
        chosen.push(item);
    }
    let question = trf(
        lang,
        "fix.confirm_stop",
        &[("count", &chosen.len()), ("account", &account), ("region", &region)],
    );
    if chosen.is_empty() || !changes.confirm(false, &question)? {
        return Ok(None);
    }
    Ok(Some(chosen))
}
