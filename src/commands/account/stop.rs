//! `audit --stop`: offers to stop what the audit found (each chosen on a
//! terminal; endpoints, HyperPod clusters, transform jobs and Canvas apps
//! confirmed by name), stops it, logs it, and waits until it has stopped.

use std::time::Duration;

use colored::Colorize;

use super::{Change, Changes};
use crate::audit::Audit;
use crate::aws::Session;
use crate::checks::bill::Billed as Item;
use crate::cli::AuditArgs;
use crate::error::{Error, ExitStatus, Result};
use crate::i18n::{tr, trf};
use crate::snapshot::inventory::Target;
use crate::ui::text::subheading;
use crate::ui::{Output, clean};

/// How often the stop flow re-reads what it stopped.
const POLL_INTERVAL: Duration = Duration::from_secs(2);

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

/// Offers to stop what the audit found, then waits until it has stopped.
pub(super) fn stop_flow(
    mut changes: Changes<'_>,
    session: &Session,
    assessed: &Audit,
    options: &StopOptions,
    out: &mut Output,
) -> Result<ExitStatus> {
    let ctx = changes.ctx;
    let lang = ctx.lang;
    let account = assessed.account.clone().unwrap_or_else(|| "?".into());
    // Where, in prompts: the region, or the regions of a sweep.
    let region = if assessed.is_sweep() {
        crate::report::regions_phrase(&assessed.regions, lang)
    } else {
        assessed.region.clone().unwrap_or_else(|| "?".into())
    };
    // What a flag must ask for: each kind that may be real work, or serve someone.
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
    // The resource the learner works in: never chosen unless asked for, and
    // then stopped last, so the session ends after everything else is done.
    let current = assessed.current();
    let is_current = |i: &Item| current.is_some_and(|c| std::ptr::eq(c, i));
    // Each change goes to the item's own region.
    let region_of = |i: &Item| assessed.region_of(i).to_string();
    let label = |i: &Item| match assessed.is_sweep() {
        true => format!("{} · {}", i.target.label(), region_of(i)),
        false => i.target.label(),
    };
    match current {
        Some(item) if options.include_current => candidates.push(item),
        Some(item) => out.line(
            &trf(lang, "fix.current_skipped", &[("target", &clean(&item.target.label()))])
                .yellow()
                .to_string(),
        )?,
        None => {}
    }
    // What was left out for want of its flag, said once per kind.
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
    if candidates.is_empty() {
        out.line(tr(lang, "fix.nothing_to_stop"))?;
        return Ok(ExitStatus::failed_if(!assessed.errors.is_empty()));
    }
    if options.dry_run {
        out.line(&subheading(tr(lang, "fix.dry_run")))?;
        for item in &candidates {
            if is_current(item) {
                out.line(&format!("  {}", tr(lang, "fix.current_dry_run").yellow()))?;
            }
            out.line(&format!(
                "  {}\n    $ {}",
                clean(&item.target.api_call()),
                clean(&item.target.cli(&region_of(item))).cyan()
            ))?;
        }
        return Ok(ExitStatus::Success);
    }
    let chosen: Vec<&Item> = if options.yes {
        candidates.clone()
    } else {
        if !ctx.interactive {
            return Err(Error::NeedsTerminal(tr(lang, "fix.needs_yes").to_string()));
        }
        let labels: Vec<String> = candidates.iter().map(|i| clean(&label(i))).collect();
        let question = trf(lang, "fix.choose", &[("account", &account), ("region", &region)]);
        let Ok(picked) = changes
            .prompter
            .multi_select(&question, &labels, tr(lang, "fix.choose_help"))
        else {
            out.line(tr(lang, "fix.nothing_done"))?;
            return Ok(ExitStatus::Success);
        };
        let mut chosen = Vec::new();
        for index in picked {
            let item = candidates[index];
            // An endpoint may be serving someone: a second, explicit yes that names it.
            if let Target::Endpoint { name } = &item.target {
                let question = trf(
                    lang,
                    "fix.confirm_endpoint",
                    &[("name", name), ("account", &account), ("region", &region_of(item))],
                );
                if !changes.confirm(false, &question)? {
                    continue;
                }
            }
            // Deleting a Canvas app logs its user out; stopping a transform job
            // loses what it has not written, and it may be production work;
            // deleting a cluster deletes its instances and what is on them.
            let second = match &item.target {
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
                    &[("name", &name), ("account", &account), ("region", &region_of(item))],
                );
                if !changes.confirm(false, &question)? {
                    continue;
                }
            }
            // Stopping the learner's own session: a second yes that says what is lost.
            if is_current(item) {
                let question = trf(lang, "fix.confirm_current", &[("target", &clean(&item.target.label()))]);
                if !changes.confirm(false, &question)? {
                    continue;
                }
            }
            chosen.push(item);
        }
        chosen.sort_by_key(|t| is_current(t));
        let question = trf(
            lang,
            "fix.confirm_stop",
            &[("count", &chosen.len()), ("account", &account), ("region", &region)],
        );
        if chosen.is_empty() || !changes.confirm(false, &question)? {
            out.line(tr(lang, "fix.nothing_done"))?;
            return Ok(ExitStatus::Success);
        }
        chosen
    };
    let mut stopping: Vec<&Item> = Vec::new();
    let mut all_done = true;
    for item in chosen {
        let target = &item.target;
        let item_region = region_of(item);
        let result = session.stop(&item_region, target);
        let call = target.api_call();
        let label = label(item);
        let change = Change {
            account: &account,
            region: &item_region,
            call: call.split(' ').next().unwrap_or(""),
            target: &label,
            done: Some(trf(lang, "fix.stopping", &[("target", &clean(&label))])),
            name_on_failure: true,
        };
        if changes.record(out, &change, &result)? {
            stopping.push(item);
        } else {
            all_done = false;
        }
    }
    if !stopping.is_empty() {
        let bar = crate::ui::spinner(ctx.spinner, "");
        // Region by region: each region's things were all told to stop
        // already, so the later regions' waits are short.
        let started = std::time::Instant::now();
        let mut states = Vec::new();
        let mut regions: Vec<String> = Vec::new();
        for item in &stopping {
            let region = region_of(item);
            if !regions.contains(&region) {
                regions.push(region);
            }
        }
        for region in &regions {
            let here: Vec<Target> = stopping
                .iter()
                .filter(|i| region_of(i) == *region)
                .map(|i| i.target.clone())
                .collect();
            let left = options.wait.saturating_sub(started.elapsed());
            let got = session.wait_until_stopped(region, &here, left, POLL_INTERVAL, |going| {
                bar.set_message(trf(lang, "fix.waiting", &[("count", &going)]));
            });
            states.extend(here.into_iter().zip(got));
        }
        bar.finish_and_clear();
        out.line(&format!("\n{}", subheading(tr(lang, "fix.new_state"))))?;
        for (target, state) in states {
            let line = match state {
                Ok(status) if crate::aws::fix::settled(&status) => {
                    format!("{} {} → {status}", "✔".green(), clean(&target.label()))
                }
                Ok(status) => {
                    all_done = false;
                    format!(
                        "{} {} → {status} ({})",
                        "…".yellow(),
                        clean(&target.label()),
                        tr(lang, "fix.still_stopping")
                    )
                }
                Err(e) => {
                    all_done = false;
                    format!("{} {}: {}", "?".magenta(), clean(&target.label()), e.describe(lang))
                }
            };
            out.line(&line)?;
        }
        if stopping.iter().any(|i| matches!(i.target, Target::StudioApp { .. })) {
            out.line(&tr(lang, "fix.files_stay").dimmed().to_string())?;
        }
    }
    Ok(ExitStatus::failed_if(!all_done))
}
