//! `audit --stop`: offers to stop what the audit found (each chosen on a
//! terminal, endpoints confirmed by name), stops it, logs it, and waits
//! until it has stopped.

use std::time::Duration;

use colored::Colorize;

use super::{Change, Changes};
use crate::audit::Audit;
use crate::aws::Session;
use crate::aws::fix;
use crate::cli::AuditArgs;
use crate::error::{Error, ExitStatus, Result};
use crate::i18n::{tr, trf};
use crate::snapshot::running::Target;
use crate::ui::text::subheading;
use crate::ui::{Output, clean};

/// How often the stop flow re-reads what it stopped.
const POLL_INTERVAL: Duration = Duration::from_secs(2);

#[derive(Clone, Debug, Default)]
pub(super) struct StopOptions {
    pub yes: bool,
    pub dry_run: bool,
    pub include_endpoints: bool,
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
    let region = assessed.region.clone().unwrap_or_else(|| "?".into());
    let mut candidates: Vec<&Target> = assessed
        .others()
        .map(|i| &i.target)
        .filter(|t| t.stoppable() && (options.include_endpoints || !t.is_endpoint()))
        .collect();
    // The resource the learner works in: never chosen unless asked for, and
    // then stopped last, so the session ends after everything else is done.
    let current = assessed.current().map(|i| &i.target).filter(|t| t.stoppable());
    let is_current = |t: &Target| current.is_some_and(|c| std::ptr::eq(c, t));
    match current {
        Some(target) if options.include_current => candidates.push(target),
        Some(target) => out.line(
            &trf(lang, "fix.current_skipped", &[("target", &clean(&target.label()))])
                .yellow()
                .to_string(),
        )?,
        None => {}
    }
    // HyperPod clusters: never deleted here, each named with its delete command.
    let mut clusters: Vec<(&Target, f64, bool)> = Vec::new();
    for item in assessed
        .running
        .iter()
        .filter(|i| matches!(i.target, Target::HyperpodCluster { .. }))
    {
        match clusters.iter_mut().find(|(t, _, _)| **t == item.target) {
            Some((_, per_hour, known)) => {
                *per_hour += item.resource.price_per_hour_usd.unwrap_or(0.0);
                *known &= item.resource.price_per_hour_usd.is_some();
            }
            None => clusters.push((
                &item.target,
                item.resource.price_per_hour_usd.unwrap_or(0.0),
                item.resource.price_per_hour_usd.is_some(),
            )),
        }
    }
    for (target, per_hour, known) in clusters {
        let per_hour = if known {
            crate::catalog::usd(crate::catalog::round(per_hour), lang)
        } else {
            "?".to_string()
        };
        out.line(
            &trf(
                lang,
                "fix.cluster_manual",
                &[
                    ("target", &clean(&target.label())),
                    ("per_hour", &per_hour),
                    ("command", &clean(&target.cli(&region))),
                ],
            )
            .yellow()
            .to_string(),
        )?;
    }
    if assessed.running.iter().any(|i| i.target.is_endpoint()) && !options.include_endpoints {
        out.line(&tr(lang, "fix.endpoints_skipped").yellow().to_string())?;
    }
    if candidates.is_empty() {
        out.line(tr(lang, "fix.nothing_to_stop"))?;
        return Ok(ExitStatus::failed_if(!assessed.errors.is_empty()));
    }
    if options.dry_run {
        out.line(&subheading(tr(lang, "fix.dry_run")))?;
        for target in &candidates {
            if is_current(target) {
                out.line(&format!("  {}", tr(lang, "fix.current_dry_run").yellow()))?;
            }
            out.line(&format!(
                "  {}\n    $ {}",
                clean(&target.api_call()),
                clean(&target.cli(&region)).cyan()
            ))?;
        }
        return Ok(ExitStatus::Success);
    }
    let chosen: Vec<&Target> = if options.yes {
        candidates.clone()
    } else {
        if !ctx.interactive {
            return Err(Error::NeedsTerminal(tr(lang, "fix.needs_yes").to_string()));
        }
        let labels: Vec<String> = candidates.iter().map(|t| clean(&t.label())).collect();
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
            let target = candidates[index];
            // An endpoint may be serving someone: a second, explicit yes that names it.
            if let Target::Endpoint { name } = target {
                let question = trf(
                    lang,
                    "fix.confirm_endpoint",
                    &[("name", name), ("account", &account), ("region", &region)],
                );
                if !changes.confirm(false, &question)? {
                    continue;
                }
            }
            // Deleting a Canvas app logs its user out; stopping a transform job
            // loses what it has not written, and it may be production work.
            let second = match target {
                Target::TransformJob { name } => Some(("fix.confirm_transform", name.clone())),
                Target::StudioApp(app) if target.is_canvas() => Some(("fix.confirm_canvas", app.name.clone())),
                _ => None,
            };
            if let Some((key, name)) = second {
                let question = trf(
                    lang,
                    key,
                    &[("name", &name), ("account", &account), ("region", &region)],
                );
                if !changes.confirm(false, &question)? {
                    continue;
                }
            }
            // Stopping the learner's own session: a second yes that says what is lost.
            if is_current(target) {
                let question = trf(lang, "fix.confirm_current", &[("target", &clean(&target.label()))]);
                if !changes.confirm(false, &question)? {
                    continue;
                }
            }
            chosen.push(target);
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
    let mut stopping = Vec::new();
    let mut all_done = true;
    for target in chosen {
        let result = session.block_on(fix::stop(&session.config, target));
        let call = target.api_call();
        let label = target.label();
        let change = Change {
            account: &account,
            region: &region,
            call: call.split(' ').next().unwrap_or(""),
            target: &label,
            done: Some(trf(lang, "fix.stopping", &[("target", &clean(&label))])),
            name_on_failure: true,
        };
        if changes.record(out, &change, &result)? {
            stopping.push(target.clone());
        } else {
            all_done = false;
        }
    }
    if !stopping.is_empty() {
        let bar = crate::ui::spinner(ctx.spinner, "");
        let states = session.block_on(fix::wait_until_stopped(
            &session.config,
            &stopping,
            options.wait,
            POLL_INTERVAL,
            |going| {
                bar.set_message(trf(lang, "fix.waiting", &[("count", &going)]));
            },
        ));
        bar.finish_and_clear();
        out.line(&format!("\n{}", subheading(tr(lang, "fix.new_state"))))?;
        for (target, state) in stopping.iter().zip(states) {
            let line = match state {
                Ok(status) if fix::settled(&status) => format!("{} {} → {status}", "✔".green(), clean(&target.label())),
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
        if stopping.iter().any(|t| matches!(t, Target::StudioApp { .. })) {
            out.line(&tr(lang, "fix.files_stay").dimmed().to_string())?;
        }
    }
    Ok(ExitStatus::failed_if(!all_done))
}
