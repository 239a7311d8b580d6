//! The fixes: `fix budget` (the course's monthly SageMaker budget with
//! e-mail alerts) and `fix idle-shutdown` (built-in idle shutdown for
//! JupyterLab and Code Editor), each shown before, confirmed and logged.

use colored::Colorize;

use super::Changes;
use super::engine::{self, FixCall, Run};
use crate::aws::Session;
use crate::aws::fix::{self, BudgetPlan, IdleScope};
use crate::aws::operations as op;
use crate::cli::{AwsFlags, BudgetArgs, ChangeArgs, IdleArgs, IdleScopeArg};
use crate::context::Context;
use crate::error::{Error, ExitStatus, Result};
use crate::i18n::{Lang, tr, trf};
use crate::snapshot::{IdleSettings, mask_address};
use crate::ui::text::{subheading, wrap};
use crate::ui::{Output, Prompter, clean};

/// Limits of `IdleSettings.IdleTimeoutInMinutes` (SageMaker API reference).
pub(super) const IDLE_MINUTES: std::ops::RangeInclusive<i32> = 60..=525_600;

/// How a fix changes the account: in which account, confirmed or not, or
/// only shown.
#[derive(Debug, Default)]
pub(crate) struct ChangeSettings {
    pub dry_run: bool,
    pub yes: bool,
    pub aws: AwsFlags,
}

impl From<&ChangeArgs> for ChangeSettings {
    fn from(args: &ChangeArgs) -> Self {
        ChangeSettings {
            dry_run: args.dry_run,
            yes: args.yes,
            aws: args.aws.clone(),
        }
    }
}

/// `fix budget`'s settings: a valid amount, the alerts' address if given.
#[derive(Debug)]
pub(crate) struct BudgetSettings {
    pub amount: f64,
    /// Asked on a terminal when missing.
    pub email: Option<String>,
    pub name: String,
    pub change: ChangeSettings,
}

impl Default for BudgetSettings {
    /// The course's budget, as `fix budget` makes it without options.
    fn default() -> Self {
        BudgetSettings {
            amount: crate::cli::BUDGET_USD,
            email: None,
            name: crate::checks::BUDGET_NAME.to_string(),
            change: ChangeSettings::default(),
        }
    }
}

impl BudgetSettings {
    /// Settled from the command line: an amount that is no positive number
    /// is a usage error (exit 2).
    pub(crate) fn resolve(args: &BudgetArgs, lang: Lang) -> Result<Self> {
        if !(args.amount.is_finite() && args.amount > 0.0) {
            return Err(Error::Usage(trf(lang, "fix.bad_amount", &[("amount", &args.amount)])));
        }
        Ok(BudgetSettings {
            amount: args.amount,
            email: args.email.clone(),
            name: args.name.clone(),
            change: ChangeSettings::from(&args.change),
        })
    }
}

/// `fix budget`: the course's monthly SageMaker budget with e-mail alerts.
pub(crate) fn fix_budget(args: &BudgetArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    fix_budget_with(&BudgetSettings::resolve(args, ctx.lang)?, ctx, &mut ctx.prompter(), out)
}

pub(crate) fn fix_budget_with(
    options: &BudgetSettings,
    ctx: &Context,
    prompter: &mut dyn Prompter,
    out: &mut Output,
) -> Result<ExitStatus> {
    let lang = ctx.lang;
    let ask = |prompter: &mut dyn Prompter| {
        prompter
            .text(tr(lang, "fix.ask_email"), tr(lang, "fix.email_help"))
            .map(|email| email.trim().to_string())
            .map_err(|_| Error::Usage(tr(lang, "fix.email_needed").to_string()))
    };
    let mut email = match &options.email {
        Some(email) => email.trim().to_string(),
        None if ctx.interactive && !options.change.dry_run => ask(prompter)?,
        None => return Err(Error::Usage(tr(lang, "fix.email_needed").to_string())),
    };
    // What was typed is shown as typed (it is the learner's, on their
    // screen); on a terminal they get another go.
    while !valid_email(&email) {
        let problem = trf(lang, "fix.bad_email", &[("email", &clean(&email))]);
        if !ctx.interactive {
            return Err(Error::Usage(problem));
        }
        out.line(&problem.yellow().to_string())?;
        email = ask(prompter)?;
    }
    let log = ctx.audit_log()?;
    let (session, account, region) = connect(ctx, &options.change.aws)?;
    let mut changes = Changes {
        ctx,
        log: &log,
        prompter,
    };
    let plan = BudgetPlan {
        name: options.name.clone(),
        amount: options.amount,
        email,
    };
    match session.budget_exists(&account, &plan.name) {
        Ok(true) => {
            out.line(
                &trf(
                    lang,
                    "fix.budget_exists",
                    &[("name", &clean(&plan.name)), ("account", &account)],
                )
                .yellow()
                .to_string(),
            )?;
            return Ok(ExitStatus::Failure);
        }
        Ok(false) => {}
        Err(e) => return Err(Error::Aws(e.describe(lang))),
    }
    if options.change.dry_run {
        out.line(&subheading(tr(lang, "fix.dry_run")))?;
        out.line(&format!(
            "  {} CreateBudget {}\n    $ {}",
            op::CREATE_BUDGET,
            clean(&plan.name),
            // Exact, so it can be pasted: the address is the learner's own,
            // on their screen (it is masked in every file and log).
            clean(&plan.cli(&account)).cyan()
        ))?;
        return Ok(ExitStatus::Success);
    }
    let question = trf(
        lang,
        "fix.confirm_budget",
        &[
            ("name", &clean(&plan.name)),
            ("amount", &plan.amount),
            ("email", &mask_address(&plan.email)),
            ("account", &account),
            ("region", &region),
        ],
    );
    if !changes.confirm(options.change.yes, &question)? {
        out.line(tr(lang, "fix.nothing_done"))?;
        return Ok(ExitStatus::Success);
    }
    let target = format!("budget {}", plan.name);
    let said = trf(
        lang,
        "fix.budget_created",
        &[("name", &clean(&plan.name)), ("email", &mask_address(&plan.email))],
    );
    let one = crate::plan::fix_plan("fix budget", &account, &region, op::CREATE_BUDGET, &target);
    let run = Run {
        wait: std::time::Duration::ZERO,
        said: &|_| Some(said.clone()),
        name_on_failure: false,
    };
    let mut call = FixCall(|| session.create_budget(&account, &plan));
    let outcome = engine::execute(&mut changes, &mut call, &one, &run, out)?;
    Ok(outcome.exit_status())
}

/// The session for a fix, and whose account and which region it changes
/// (named in every confirmation and log line).
fn connect(ctx: &Context, flags: &AwsFlags) -> Result<(Session, String, String)> {
    let session = crate::aws::connect(&ctx.aws_args(flags), ctx.lang)?;
    let (account, region) = session.identity().map_err(|e| Error::Aws(e.describe(ctx.lang)))?;
    Ok((session, account, region))
}

fn valid_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((user, domain)) => {
            !user.is_empty() && domain.contains('.') && !domain.starts_with('.') && !email.contains(char::is_whitespace)
        }
        None => false,
    }
}

fn describe_idle(settings: &Option<IdleSettings>, lang: Lang) -> String {
    match settings {
        Some(IdleSettings {
            enabled: true,
            timeout_minutes: Some(m),
        }) => trf(lang, "fix.idle_on", &[("minutes", m)]),
        Some(IdleSettings {
            enabled: true,
            timeout_minutes: None,
        }) => trf(lang, "fix.idle_on", &[("minutes", &"?")]),
        _ => tr(lang, "fix.idle_off").to_string(),
    }
}

/// `fix idle-shutdown`'s settings: minutes SageMaker accepts, the scope.
#[derive(Debug)]
pub(crate) struct IdleFixSettings {
    pub minutes: i32,
    pub scope: IdleScopeArg,
    /// None: the one in the region (or the Studio domain this runs in).
    pub domain_id: Option<String>,
    pub user_profile: Option<String>,
    pub change: ChangeSettings,
}

impl Default for IdleFixSettings {
    /// The course's idle shutdown, as `fix idle-shutdown` sets it without options.
    fn default() -> Self {
        IdleFixSettings {
            minutes: crate::cli::IDLE_MINUTES,
            scope: IdleScopeArg::Domain,
            domain_id: None,
            user_profile: None,
            change: ChangeSettings::default(),
        }
    }
}

impl IdleFixSettings {
    /// Settled from the command line: minutes out of SageMaker's range are
    /// a usage error (exit 2).
    pub(crate) fn resolve(args: &IdleArgs, lang: Lang) -> Result<Self> {
        if !IDLE_MINUTES.contains(&args.minutes) {
            return Err(Error::Usage(trf(
                lang,
                "fix.bad_minutes",
                &[("minutes", &args.minutes)],
            )));
        }
        Ok(IdleFixSettings {
            minutes: args.minutes,
            scope: args.scope,
            domain_id: args.domain_id.clone(),
            user_profile: args.user_profile.clone(),
            change: ChangeSettings::from(&args.change),
        })
    }
}

/// `fix idle-shutdown`: built-in idle shutdown for JupyterLab and Code
/// Editor on the learner's domain or user profile, before and after shown.
pub(crate) fn fix_idle(args: &IdleArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    fix_idle_with(
        &IdleFixSettings::resolve(args, ctx.lang)?,
        ctx,
        &mut ctx.prompter(),
        out,
    )
}

pub(crate) fn fix_idle_with(
    options: &IdleFixSettings,
    ctx: &Context,
    prompter: &mut dyn Prompter,
    out: &mut Output,
) -> Result<ExitStatus> {
    let lang = ctx.lang;
    let profile_scope = options.scope == IdleScopeArg::UserProfile;
    let log = ctx.audit_log()?;
    let (session, account, region) = connect(ctx, &options.change.aws)?;
    // Inside Studio, the domain and user profile the learner works in are
    // the defaults (when the session is in the resource's region).
    let here = crate::snapshot::studio::read()
        .current
        .filter(|c| c.is_studio() && c.region.as_ref().is_none_or(|r| *r == region));
    let user_profile = options
        .user_profile
        .clone()
        .or_else(|| here.as_ref().and_then(|c| c.user_profile.clone()));
    if profile_scope && user_profile.is_none() {
        return Err(Error::Usage(tr(lang, "fix.profile_needed").to_string()));
    }
    let mut changes = Changes {
        ctx,
        log: &log,
        prompter,
    };
    let domain_id = match options
        .domain_id
        .clone()
        .or_else(|| here.as_ref().and_then(|c| c.domain_id.clone()))
    {
        Some(id) => id,
        None => {
            let ids = session.domain_ids().map_err(|e| Error::Aws(e.describe(lang)))?;
            match ids.as_slice() {
                [only] => only.clone(),
                [] => {
                    out.line(&trf(lang, "fix.no_domain", &[("region", &region)]))?;
                    return Ok(ExitStatus::Failure);
                }
                many => {
                    return Err(Error::Usage(trf(
                        lang,
                        "fix.which_domain",
                        &[("ids", &many.join(", "))],
                    )));
                }
            }
        }
    };
    let scope = match (&user_profile, profile_scope) {
        (Some(name), true) => IdleScope::UserProfile {
            domain_id,
            name: name.clone(),
        },
        _ => IdleScope::Domain { domain_id },
    };
    let before = session.read_idle(&scope).map_err(|e| Error::Aws(e.describe(lang)))?;
    if before.classic {
        out.line(&wrap(tr(lang, "fix.classic"), ctx.width, "", ""))?;
        return Ok(ExitStatus::Success);
    }
    let show = |state: &fix::IdleState| {
        format!(
            "JupyterLab: {} · Code Editor: {}",
            describe_idle(&state.jupyterlab, lang),
            describe_idle(&state.code_editor, lang)
        )
    };
    out.line(&format!(
        "{} ({}): {}",
        tr(lang, "fix.before"),
        clean(&scope.label()),
        show(&before)
    ))?;
    if options.change.dry_run {
        out.line(&subheading(tr(lang, "fix.dry_run")))?;
        out.line(&format!(
            "  {} {}\n    $ {}",
            scope.api_call(),
            clean(&scope.label()),
            scope.cli(options.minutes, &region).cyan()
        ))?;
        return Ok(ExitStatus::Success);
    }
    let question = trf(
        lang,
        "fix.confirm_idle",
        &[
            ("minutes", &options.minutes),
            ("target", &clean(&scope.label())),
            ("account", &account),
            ("region", &region),
        ],
    );
    if !changes.confirm(options.change.yes, &question)? {
        out.line(tr(lang, "fix.nothing_done"))?;
        return Ok(ExitStatus::Success);
    }
    let one = crate::plan::fix_plan("fix idle-shutdown", &account, &region, scope.api_call(), &scope.label());
    let run = Run {
        wait: std::time::Duration::ZERO,
        said: &|_| None,
        name_on_failure: false,
    };
    let mut call = FixCall(|| session.set_idle(&scope, options.minutes));
    let outcome = engine::execute(&mut changes, &mut call, &one, &run, out)?;
    if !outcome.all_done() {
        return Ok(outcome.exit_status());
    }
    let after = session.read_idle(&scope).map_err(|e| Error::Aws(e.describe(lang)))?;
    out.line(&format!(
        "{} ({}): {}",
        tr(lang, "fix.after"),
        clean(&scope.label()),
        show(&after)
    ))?;
    let on = |s: &Option<IdleSettings>| {
        s.as_ref()
            .is_some_and(|s| s.enabled && s.timeout_minutes == Some(options.minutes))
    };
    Ok(ExitStatus::failed_if(
        !(on(&after.jupyterlab) && on(&after.code_editor)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_addresses_are_checked_before_any_call() {
        assert!(valid_email("ana@example.com"));
        assert!(!valid_email("ana"));
        assert!(!valid_email("ana@localhost"));
        assert!(!valid_email("a na@example.com"));
    }
}
