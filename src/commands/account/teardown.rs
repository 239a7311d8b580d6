//! `teardown`: the end of the course with nothing billing. The plan (what
//! each level stops and deletes, in AWS's order, what it saves and which
//! files go) is shown first; confirmed as the loss deserves (compute: one
//! yes; data: the learner types the domain id or the notebook instance's
//! name); then run by the engine, which waits for each step and journals
//! it, so that running the command again continues where it stopped.

use colored::Colorize;

use super::engine::{self, Account, Run};
use super::{Changes, wanted};
use crate::cli::{Format, TeardownArgs};
use crate::context::Context;
use crate::error::{Error, ExitStatus, Result};
use crate::i18n::{Lang, tr, trf};
use crate::plan::teardown::{Options, storage_after, teardown_plan};
use crate::plan::{Change, Level, Plan};
use crate::snapshot::Snapshot;
use crate::snapshot::inventory::{Target, split_refused};
use crate::ui::text::wrap_plain;
use crate::ui::{Output, Prompter, clean};

/// `teardown`'s settings, from its arguments or the wizard.
#[derive(Debug)]
pub(crate) struct TeardownSettings {
    /// None: not said (compute, but `--yes` without a terminal refuses).
    pub level: Option<Level>,
    pub dry_run: bool,
    pub format: Format,
    pub yes: bool,
    pub domain_id: Option<String>,
    pub include_current: bool,
    pub keep: Vec<String>,
    pub reason: Option<String>,
    pub unkeep: Vec<String>,
    pub wait: std::time::Duration,
    pub sweep: crate::cli::RegionFlags,
    pub aws: crate::cli::AwsFlags,
}

impl Default for TeardownSettings {
    /// `teardown` without options.
    fn default() -> Self {
        TeardownSettings {
            level: None,
            dry_run: false,
            format: Format::Text,
            yes: false,
            domain_id: None,
            include_current: false,
            keep: Vec::new(),
            reason: None,
            unkeep: Vec::new(),
            wait: std::time::Duration::from_secs(crate::cli::TEARDOWN_WAIT_SECONDS),
            sweep: Default::default(),
            aws: Default::default(),
        }
    }
}

impl From<&TeardownArgs> for TeardownSettings {
    fn from(args: &TeardownArgs) -> Self {
        TeardownSettings {
            level: args.level,
            dry_run: args.dry_run,
            format: args.format,
            yes: args.yes,
            domain_id: args.domain_id.clone(),
            include_current: args.include_current,
            keep: args.keep.clone(),
            reason: args.reason.clone(),
            unkeep: args.unkeep.clone(),
            wait: std::time::Duration::from_secs(args.wait),
            sweep: args.sweep.clone(),
            aws: args.aws.clone(),
        }
    }
}

/// `teardown`.
pub(crate) fn teardown(args: &TeardownArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    teardown_with(&TeardownSettings::from(args), ctx, &mut ctx.prompter(), out)
}

/// The plan as `--dry-run --format json` prints it.
#[derive(serde::Serialize)]
struct PlanView<'a> {
    #[serde(flatten)]
    plan: &'a Plan,
    /// What still bills by the GB-month after the plan (at least, when partial).
    storage_after_usd_per_month: f64,
    storage_after_partial: bool,
    dry_run: bool,
}

pub(crate) fn teardown_with(
    args: &TeardownSettings,
    ctx: &Context,
    prompter: &mut dyn Prompter,
    out: &mut Output,
) -> Result<ExitStatus> {
    let lang = ctx.lang;
    // Deleting without anyone there to see the plan needs the level said
    // in so many words.
    if args.yes && !ctx.interactive && args.level.is_none() && !args.dry_run {
        return Err(Error::Usage(tr(lang, "teardown.yes_needs_level").to_string()));
    }
    let level = args.level.unwrap_or(Level::Compute);
    let wanted = wanted(&args.sweep, lang)?;
    let log = ctx.audit_log()?;
    let session = crate::aws::connect(&ctx.aws_args(&args.aws), lang)?;
    let inventory = session.inventory(&wanted, lang, ctx.spinner)?;
    let asked: Vec<Snapshot> = inventory.asked().into_iter().cloned().collect();
    let (read, skipped) = split_refused(&asked, inventory.list.configured.as_deref());
    for region in &skipped {
        out.line(
            &trf(lang, "teardown.region_skipped", &[("region", &region.region)])
                .dimmed()
                .to_string(),
        )?;
    }
    let account = inventory
        .home
        .identity
        .as_ref()
        .map(|i| i.account.clone())
        .map_err(|e| Error::Aws(e.describe(lang)))?;
    let kept = record_keeps(args, ctx, &account, out)?;
    let prices = ctx.prices(read.iter().filter_map(|s| s.region.as_deref()))?;
    let options = Options {
        level,
        include_current: args.include_current,
        domain_id: args.domain_id.as_deref(),
        kept: &kept,
        lang,
    };
    let sweep = wanted != crate::aws::regions::Wanted::Configured;
    let mut plan = teardown_plan(&account, &read, &prices, sweep, &options);
    let after = storage_after(&plan, &read, &prices);
    let unread = unread(&read, lang);
    if args.dry_run && args.format == Format::Json {
        out.json(&PlanView {
            plan: &plan,
            storage_after_usd_per_month: after.0,
            storage_after_partial: after.1,
            dry_run: true,
        })?;
        return Ok(ExitStatus::failed_if(!unread.is_empty()));
    }
    // With --format json, the plan and the steps' lines go to stderr and
    // the journal to stdout.
    let mut changes = Changes {
        ctx,
        log: &log,
        prompter,
    };
    let shown = Shown { after, unread: &unread };
    let (status, journal) = match args.format {
        Format::Json => {
            let mut stderr = std::io::stderr();
            let mut err_out = Output::new(&mut stderr, lang);
            show_and_run(&mut changes, &session, &mut plan, args, &shown, &mut err_out)?
        }
        Format::Text => show_and_run(&mut changes, &session, &mut plan, args, &shown, out)?,
    };
    if let Some(journal) = journal.filter(|_| args.format == Format::Json) {
        out.json(&journal)?;
    }
    Ok(match status {
        ExitStatus::Success if !unread.is_empty() => ExitStatus::Failure,
        other => other,
    })
}

/// What is shown with the plan: what still bills after it, and what could
/// not be read.
struct Shown<'a> {
    after: (f64, bool),
    unread: &'a [String],
}

/// The plan as text; then, unless a dry run, confirmed and carried out.
fn show_and_run(
    changes: &mut Changes<'_>,
    session: &crate::aws::Session,
    plan: &mut Plan,
    args: &TeardownSettings,
    shown: &Shown<'_>,
    out: &mut Output,
) -> Result<(ExitStatus, Option<crate::plan::journal::Journal>)> {
    let (lang, width) = (changes.ctx.lang, changes.ctx.width);
    out.emit(&crate::report::plan::text(plan, shown.after, args.dry_run, lang, width))?;
    for line in shown.unread {
        out.line(&wrap_plain(line, width, "! ", "  ").yellow().to_string())?;
    }
    if args.dry_run {
        out.line(&format!("\n{}", tr(lang, "teardown.dry_run_note").dimmed()))?;
        return Ok((ExitStatus::Success, None));
    }
    carry_out(changes, session, plan, args, out)
}

/// Confirms the plan and runs it: what became of it, and its journal.
fn carry_out(
    changes: &mut Changes<'_>,
    session: &crate::aws::Session,
    plan: &mut Plan,
    args: &TeardownSettings,
    out: &mut Output,
) -> Result<(ExitStatus, Option<crate::plan::journal::Journal>)> {
    let lang = changes.ctx.lang;
    if plan.steps.is_empty() {
        nothing_to_do(changes, plan, out)?;
        return Ok((ExitStatus::Success, None));
    }
    if !confirm(changes, plan, args.yes, out)? {
        out.line(tr(lang, "fix.nothing_done"))?;
        return Ok((ExitStatus::Success, None));
    }
    let shown = plan.clone();
    let said = |step: &crate::plan::Step| {
        let key = match step.change {
            Change::Delete { .. } => "teardown.deleting",
            _ => "fix.stopping",
        };
        Some(trf(lang, key, &[("target", &clean(&shown.shown(step)))]))
    };
    let run = Run {
        wait: args.wait,
        said: &said,
        name_on_failure: true,
    };
    let outcome = engine::execute(changes, &mut Account(session), plan, &run, out)?;
    let compute = plan.level == Some(Level::Compute);
    if compute
        && outcome.done(|c| {
            matches!(
                c,
                Change::Stop {
                    target: Target::StudioApp(_)
                }
            )
        })
    {
        out.line(&tr(lang, "fix.files_stay").dimmed().to_string())?;
    }
    if outcome.all_done() {
        out.line(&tr(lang, "teardown.done").green().to_string())?;
        out.line(&tr(lang, "teardown.verify_next").dimmed().to_string())?;
    }
    Ok((outcome.exit_status(), Some(outcome.journal)))
}

/// `--keep NAME --reason TEXT` and `--unkeep NAME`, recorded in the
/// learner's progress; returns everything kept (name → why).
fn record_keeps(
    args: &TeardownSettings,
    ctx: &Context,
    account: &str,
    out: &mut Output,
) -> Result<std::collections::BTreeMap<String, String>> {
    let lang = ctx.lang;
    let course = ctx.course()?;
    let store = ctx.store()?;
    if !args.keep.is_empty() || !args.unkeep.is_empty() {
        let reason = args.reason.as_deref().unwrap_or_default().trim();
        if !args.keep.is_empty() && reason.is_empty() {
            return Err(Error::Usage(tr(lang, "teardown.reason_needed").to_string()));
        }
        let mut file = store.load(lang, &mut std::io::stderr());
        let module = file.modules.entry(course.id.clone()).or_default();
        for name in &args.keep {
            module.keep(name.trim(), reason, Some(account));
            out.line(&trf(
                lang,
                "teardown.kept",
                &[("name", &clean(name)), ("reason", &clean(reason))],
            ))?;
        }
        for name in &args.unkeep {
            let key = if module.unkeep(name.trim()) {
                "teardown.unkept"
            } else {
                "teardown.was_not_kept"
            };
            out.line(&trf(lang, key, &[("name", &clean(name))]))?;
        }
        store.save(&file, lang)?;
    }
    Ok(ctx.module_progress()?.kept_reasons())
}

/// Each cause of a read that failed, once: the plan cannot cover what was
/// not read.
fn unread(read: &[&Snapshot], lang: Lang) -> Vec<String> {
    let errors: Vec<&crate::snapshot::CallError> = read
        .iter()
        .flat_map(|s| {
            [
                s.domains.as_ref().err(),
                s.user_profiles.as_ref().err(),
                s.file_systems.as_ref().err(),
            ]
            .into_iter()
            .chain(s.inventory_reads())
        })
        .flatten()
        .collect();
    crate::snapshot::group(errors)
        .iter()
        .map(|group| {
            trf(
                lang,
                "teardown.unread",
                &[("cause", &crate::snapshot::unread(group, lang))],
            )
        })
        .collect()
}

/// Nothing to stop or delete: said so, with what the last run did.
fn nothing_to_do(changes: &Changes<'_>, plan: &Plan, out: &mut Output) -> Result<()> {
    let lang = changes.ctx.lang;
    out.line(&tr(lang, "teardown.nothing_left").green().to_string())?;
    if let Some(last) = engine::earlier(changes, plan) {
        let (done, _, _, _) = last.counts();
        out.line(
            &trf(lang, "teardown.last_run", &[("at", &last.updated_at), ("done", &done)])
                .dimmed()
                .to_string(),
        )?;
    }
    Ok(())
}

/// Yes with `--yes`. On a terminal: one yes for the plan; then, for each
/// domain, notebook instance, MLflow server or file system whose data goes,
/// its id or name typed by the learner (a different answer keeps that one
/// and what depends on it). Without a terminal and `--yes`: exit 2.
fn confirm(changes: &mut Changes<'_>, plan: &mut Plan, yes: bool, out: &mut Output) -> Result<bool> {
    let lang = changes.ctx.lang;
    if yes {
        return Ok(true);
    }
    if !changes.ctx.interactive {
        return Err(Error::NeedsTerminal(tr(lang, "teardown.needs_yes").to_string()));
    }
    let regions = crate::report::regions_phrase(&plan.regions, lang);
    let question = trf(
        lang,
        "teardown.confirm",
        &[
            ("count", &plan.steps.len()),
            ("account", &plan.account),
            ("region", &regions),
        ],
    );
    if !changes.confirm(false, &question)? {
        return Ok(false);
    }
    let mut words: Vec<String> = Vec::new();
    for word in plan.steps.iter().filter_map(|s| s.confirm_with.clone()) {
        if !words.contains(&word) {
            words.push(word);
        }
    }
    for word in words {
        let what: Vec<String> = plan
            .steps
            .iter()
            .filter(|s| s.confirm_with.as_deref() == Some(word.as_str()))
            .map(|s| s.label.clone())
            .collect();
        let message = trf(
            lang,
            "teardown.type_to_confirm",
            &[("word", &clean(&word)), ("what", &clean(&what.join(", ")))],
        );
        let Ok(typed) = changes.prompter.text(&message, tr(lang, "teardown.type_help")) else {
            return Ok(false);
        };
        if typed.trim() != word {
            out.line(
                &trf(lang, "teardown.not_confirmed", &[("word", &clean(&word))])
                    .yellow()
                    .to_string(),
            )?;
            plan.retain(|s| s.confirm_with.as_deref() != Some(word.as_str()));
        }
    }
    Ok(!plan.steps.is_empty())
}
