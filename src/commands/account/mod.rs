//! The commands that read the learner's account: `check` (every check,
//! judged and reported), `audit` (what still bills, and `--stop`), and the
//! fixes (`fix budget`, `fix idle-shutdown`). Read-only unless asked; every
//! change is confirmed (or `--yes`), can be dry-run, and is logged.

mod fix;
mod stop;

use colored::Colorize;

use crate::audit;
use crate::auditlog::AuditLog;
use crate::checks::{self, Judge};
use crate::cli::{AuditArgs, CheckArgs, Format, ReportFormat};
use crate::context::Context;
use crate::error::{ExitStatus, Result};
use crate::i18n::{tr, trf};
use crate::report::{self, Report};
use crate::snapshot::{CallError, Source};
use crate::ui::{Output, Prompter, clean};

pub use fix::{fix_budget, fix_budget_with, fix_idle, fix_idle_with};

/// `check`: collect (or load the sandbox), judge, report.
pub fn check(args: &CheckArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    let lang = ctx.lang;
    if let Some(error) = checks::unknown_id(&args.only, lang) {
        return Err(error);
    }
    let course = ctx.course()?;
    let snapshot = match &args.sandbox {
        Some(name) => course.sandbox(name, lang)?,
        None => crate::aws::snapshot(&ctx.aws_args(&args.aws), lang, ctx.spinner)?,
    };
    let prices = ctx.prices(snapshot.region.as_deref())?;
    let judge = Judge {
        course,
        prices: &prices,
        lang,
        expect_region: &args.expect_region,
    };
    let only = (!args.only.is_empty()).then_some(args.only.as_slice());
    let results = judge.judge(&snapshot, only);
    let account = snapshot.identity.as_ref().ok().map(|i| i.account.clone());
    if let (Source::Aws, Some(account), Some(region)) = (&snapshot.source, &account, &snapshot.region) {
        super::learn::record_check(course, ctx, &results, account, region);
    }
    let report = Report::new(
        &course.id,
        snapshot.source.clone(),
        account,
        snapshot.region.clone(),
        snapshot.taken_at.clone(),
        &results,
    );
    out.emit(&match args.format {
        ReportFormat::Text => report::text(&report, lang, ctx.width),
        ReportFormat::Json => report.json(),
        ReportFormat::Junit => report::junit(&report, lang),
        ReportFormat::Markdown => report::markdown(&report, lang),
    })?;
    Ok(ExitStatus::failed_if(checks::any_failed(&results)))
}

/// `audit`: everything still billing; with `--stop`, the stop flow.
pub fn audit(args: &AuditArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    audit_with(args, ctx, &mut ctx.prompter(), out)
}

pub fn audit_with(
    args: &AuditArgs,
    ctx: &Context,
    prompter: &mut dyn Prompter,
    out: &mut Output,
) -> Result<ExitStatus> {
    let lang = ctx.lang;
    let tz = match &args.tz {
        Some(name) => jiff::tz::TimeZone::get(name)
            .map_err(|_| crate::error::Error::Usage(trf(lang, "audit.bad_tz", &[("tz", name)])))?,
        None => jiff::tz::TimeZone::system(),
    };
    let log = ctx.audit_log()?;
    let session = crate::aws::connect(&ctx.aws_args(&args.aws), lang)?;
    let running = session.with_spinner(
        ctx.spinner,
        tr(lang, "aws.reading"),
        crate::aws::collect_running(&session.config),
    );
    if let Some(error) = crate::aws::untrusted(&session.config, &running.identity, lang) {
        return Err(error);
    }
    let prices = ctx.prices(running.region.as_deref())?;
    let assessed = audit::assess(&prices, &running, &audit::Morning::next(tz));
    if !args.stop {
        match args.format {
            Format::Json => out.json(&assessed)?,
            Format::Text => out.emit(&audit::text(&assessed, lang, ctx.width))?,
        }
        return Ok(assessed.exit_status());
    }
    out.line(&audit::text(&assessed, lang, ctx.width))?;
    let changes = Changes {
        ctx,
        log: &log,
        prompter,
    };
    stop::stop_flow(changes, &session, &assessed, &stop::StopOptions::from(args), out)
}

/// What every flow that changes the account needs: the context, the audit
/// log, and the prompter that confirms.
struct Changes<'a> {
    ctx: &'a Context,
    log: &'a AuditLog,
    prompter: &'a mut dyn Prompter,
}

impl Changes<'_> {
    /// Yes with `--yes`; otherwise the learner's answer (exit 2 without a terminal).
    fn confirm(&mut self, yes: bool, question: &str) -> Result<bool> {
        crate::ui::confirm(self.prompter, self.ctx.interactive, yes, question, self.ctx.lang)
    }

    /// Logs a change that was made (or refused) to the audit log, then says
    /// how it went: `✔ done` (when there is something to say) or
    /// `✘ [target: ]what went wrong`. Returns whether it worked.
    fn record(
        &self,
        out: &mut Output,
        change: &Change<'_>,
        result: &std::result::Result<(), CallError>,
    ) -> Result<bool> {
        let lang = self.ctx.lang;
        let logged = result
            .as_ref()
            .map(|_| ())
            .map_err(|e| format!("{:?}: {}", e.kind, e.message));
        // The change itself happened (or not) whatever the log says; a log
        // that cannot be written is reported, not fatal.
        if let Err(e) = self
            .log
            .append(change.account, change.region, change.call, change.target, &logged)
        {
            eprintln!(
                "{}",
                trf(
                    lang,
                    "fix.log_failed",
                    &[("path", &self.log.path().display()), ("error", &e)]
                )
            );
        }
        match result {
            Ok(()) => {
                if let Some(done) = &change.done {
                    out.line(&format!("{} {done}", "✔".green()))?;
                }
                Ok(true)
            }
            Err(e) => {
                let text = if change.name_on_failure {
                    format!("✘ {}: {}", clean(change.target), e.describe(lang))
                } else {
                    format!("✘ {}", e.describe(lang))
                };
                out.line(&text.red().to_string())?;
                Ok(false)
            }
        }
    }
}

/// One change to the account, as it is logged and reported.
struct Change<'a> {
    account: &'a str,
    region: &'a str,
    /// The IAM action.
    call: &'a str,
    target: &'a str,
    /// What to say when it worked.
    done: Option<String>,
    /// Name the target when it failed (a list of several changes).
    name_on_failure: bool,
}
