//! The commands that read the learner's account: `check` (every check,
//! judged and reported), `audit` (what still bills, and `--stop`), and the
//! fixes (`fix budget`, `fix idle-shutdown`). Read-only unless asked; every
//! change is confirmed (or `--yes`), can be dry-run, and is logged.

mod engine;
mod fix;
mod interrupt;
mod spend;
mod stop;
mod teardown;

use colored::Colorize;

use crate::audit;
use crate::aws::regions::Wanted;
use crate::changelog::AuditLog;
use crate::checks::{self, Judge};
use crate::cli::{AuditArgs, AuditFormat, CheckArgs, RegionFlags, ReportFormat};
use crate::context::Context;
use crate::error::{ExitStatus, Result};
use crate::i18n::{Lang, trf};
use crate::report::{self, Report};
use crate::snapshot::inventory::SkippedRegion;
use crate::snapshot::{CallError, Source};
use crate::ui::{Output, Prompter, clean};

pub(super) use fix::{BudgetSettings, IdleFixSettings, fix_budget, fix_budget_with, fix_idle, fix_idle_with};
pub(super) use spend::spend;
pub(super) use teardown::{TeardownSettings, teardown, teardown_with};

super::runs!(
    CheckArgs => check,
    AuditArgs => audit,
    crate::cli::TeardownArgs => teardown,
    crate::cli::SpendArgs => spend,
    crate::cli::BudgetArgs => fix_budget,
    crate::cli::IdleArgs => fix_idle,
);

/// `check`'s settings: the checks asked for and the regions, settled.
#[derive(Debug)]
pub(super) struct CheckSettings {
    pub format: ReportFormat,
    /// The checks to run (known ids); empty: every check.
    pub only: Vec<String>,
    pub aws: crate::cli::AwsFlags,
    pub expect_region: String,
    /// A practice account's scenario instead of the real account.
    pub sandbox: Option<String>,
    pub wanted: Wanted,
    pub exceptions: Option<std::path::PathBuf>,
}

impl CheckSettings {
    /// Settled from the command line: an unknown check id, then an unknown
    /// region, is a usage error (exit 2).
    pub(super) fn resolve(args: &CheckArgs, lang: Lang) -> Result<Self> {
        if let Some(error) = checks::unknown_id(&args.only, lang) {
            return Err(error);
        }
        Ok(CheckSettings {
            format: args.format,
            only: args.only.clone(),
            aws: args.aws.clone(),
            expect_region: args.expect_region.clone(),
            sandbox: args.sandbox.clone(),
            wanted: wanted(&args.sweep, lang)?,
            exceptions: args.exceptions.clone(),
        })
    }
}

/// `check`: collect (or load the sandbox), judge, report.
pub(super) fn check(args: &CheckArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    check_with(&CheckSettings::resolve(args, ctx.lang)?, ctx, out)
}

pub(super) fn check_with(args: &CheckSettings, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    let lang = ctx.lang;
    let wanted = &args.wanted;
    let course = ctx.course()?;
    // A file with problems is said before the account is read.
    let exceptions = ctx.exceptions(args.exceptions.as_deref())?;
    let (snapshot, sweep) = match &args.sandbox {
        Some(name) => (course.sandbox(name, lang)?, None),
        None => {
            let inventory =
                crate::aws::connect(&ctx.aws_args(&args.aws), lang)?.inventory(wanted, lang, ctx.spinner)?;
            let sweep = (*wanted != Wanted::Configured).then_some((inventory.list, inventory.others));
            (inventory.home, sweep)
        }
    };
    // Each region's cached prices (no network), for its own resources.
    let swept = sweep
        .iter()
        .flat_map(|(_, others)| others.iter().filter_map(|s| s.region.as_deref()));
    let prices = ctx.prices(snapshot.region.as_deref().into_iter().chain(swept))?;
    let judge = Judge {
        course,
        prices: &prices,
        lang,
        expect_region: &args.expect_region,
    };
    let only = (!args.only.is_empty()).then_some(args.only.as_slice());
    let mut results = judge.judge(&snapshot, only);
    let mut skipped = Vec::new();
    if let Some((list, others)) = &sweep {
        skipped = judge.judge_sweep(&snapshot, list, others, &mut results);
    }
    let account = snapshot.identity.as_ref().ok().map(|i| i.account.clone());
    let scope = checks::exceptions::Scope {
        account: account.as_deref(),
        student: None,
        today: checks::exceptions::Scope::today(),
    };
    checks::exceptions::apply(&mut results, &exceptions, &scope, lang);
    if let (Source::Aws, Some(account), Some(region)) = (&snapshot.source, &account, &snapshot.region) {
        record_check(course, ctx, &results, account, region);
    }
    let mut report = Report::new(
        &course.id,
        snapshot.source.clone(),
        account,
        snapshot.region.clone(),
        snapshot.taken_at.clone(),
        &results,
    );
    if let Some((list, _)) = &sweep {
        report.sweep = Some(report::SweepInfo {
            regions: list
                .regions
                .iter()
                .filter(|r| !skipped.iter().any(|s: &SkippedRegion| &s.region == *r))
                .cloned()
                .collect(),
            source: list.source,
            skipped_regions: skipped,
        });
    }
    out.emit(&match args.format {
        ReportFormat::Text => report::text(&report, lang, ctx.width),
        ReportFormat::Json => report.json(),
        ReportFormat::Junit => report::junit(&report, lang),
        ReportFormat::Markdown => report::markdown(&report, lang),
        ReportFormat::Html => {
            // What bills, from the same inventory the checks judged (every region of a sweep).
            let mut bills = vec![crate::checks::bill::bill(&prices, &snapshot)];
            if let Some((_, others)) = &sweep {
                bills.extend(others.iter().map(|s| crate::checks::bill::bill(&prices, s)));
            }
            let billing = crate::checks::bill::StillBilling::of_all(&bills);
            report::html::check(&report, &billing, lang)
        }
    })?;
    Ok(ExitStatus::failed_if(checks::any_failed(&results)))
}

/// Keeps a real account's latest check results in the progress file, for
/// `module5 report`. Progress that cannot be saved does not fail the check.
fn record_check(
    course: &crate::course::Course,
    ctx: &Context,
    results: &[checks::CheckResult],
    account: &str,
    region: &str,
) {
    let Ok(store) = ctx.store() else {
        return;
    };
    let mut file = store.load(ctx.lang, &mut std::io::stderr());
    file.modules
        .entry(course.id.clone())
        .or_default()
        .record_check(results, account, region);
    if let Err(e) = store.save(&file, ctx.lang) {
        eprintln!("{e}");
    }
}

/// `audit`'s settings: the time zone and regions settled, `--stop`'s options.
pub(super) struct AuditSettings {
    pub format: AuditFormat,
    /// The zone of "by 08:00 tomorrow": `--tz`, else TZ or this machine's.
    pub tz: jiff::tz::TimeZone,
    pub wanted: Wanted,
    pub exceptions: Option<std::path::PathBuf>,
    pub spend: bool,
    /// With `--stop`: how to stop; None, only the audit.
    stop: Option<stop::StopOptions>,
    pub aws: crate::cli::AwsFlags,
}

impl AuditSettings {
    /// Settled from the command line: an unknown time zone or region is a
    /// usage error (exit 2).
    pub(super) fn resolve(args: &AuditArgs, lang: Lang) -> Result<Self> {
        let tz = match &args.tz {
            Some(name) => jiff::tz::TimeZone::get(name)
                .map_err(|_| crate::error::Error::Usage(trf(lang, "audit.bad_tz", &[("tz", name)])))?,
            None => jiff::tz::TimeZone::system(),
        };
        Ok(AuditSettings {
            format: args.format,
            tz,
            wanted: wanted(&args.sweep, lang)?,
            exceptions: args.exceptions.clone(),
            spend: args.spend,
            stop: args.stop.then(|| stop::StopOptions::from(args)),
            aws: args.aws.clone(),
        })
    }

    /// `audit --stop` as the wizard runs it: this region, each stop asked
    /// for, waiting up to `wait`.
    pub(super) fn stop_asking(wait: std::time::Duration) -> Self {
        AuditSettings {
            format: AuditFormat::Text,
            tz: jiff::tz::TimeZone::system(),
            wanted: Wanted::Configured,
            exceptions: None,
            spend: false,
            stop: Some(stop::StopOptions {
                wait,
                ..Default::default()
            }),
            aws: Default::default(),
        }
    }
}

/// `audit`: everything still billing; with `--stop`, the stop flow.
pub(super) fn audit(args: &AuditArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    audit_with(&AuditSettings::resolve(args, ctx.lang)?, ctx, &mut ctx.prompter(), out)
}

pub(super) fn audit_with(
    args: &AuditSettings,
    ctx: &Context,
    prompter: &mut dyn Prompter,
    out: &mut Output,
) -> Result<ExitStatus> {
    let lang = ctx.lang;
    let (tz, wanted) = (args.tz.clone(), args.wanted.clone());
    let exceptions = ctx.exceptions(args.exceptions.as_deref())?;
    let log = ctx.audit_log()?;
    let session = crate::aws::connect(&ctx.aws_args(&args.aws), lang)?;
    let inventory = session.inventory(&wanted, lang, ctx.spinner)?;
    let asked = inventory.asked();
    // Each region's cached prices (no network), for its own resources.
    let prices = ctx.prices(asked.iter().filter_map(|s| s.region.as_deref()))?;
    let mut assessed = audit::assess_regions(&prices, &asked, &inventory.list, &audit::Morning::next(tz));
    assessed.accept(&exceptions, checks::exceptions::Scope::today());
    // `--spend`: the month so far from Cost Explorer; not readable, it says
    // why and the audit stands as it is.
    let month = args.spend.then(|| spend::month_figure(&session, ctx));
    let text = || {
        let mut text = report::audit::text(&assessed, lang, ctx.width);
        if let Some(month) = &month {
            text.push_str(&crate::ui::text::wrap(&month.line(lang), ctx.width, "", ""));
        }
        text
    };
    let Some(stop_options) = &args.stop else {
        match (args.format, &month) {
            (AuditFormat::Json, Some(month)) => out.json(&spend::with_month(&assessed, month))?,
            (AuditFormat::Json, None) => out.json(&assessed)?,
            (AuditFormat::Text, _) => out.emit(&text())?,
            (AuditFormat::Html, month) => {
                let line = month.as_ref().map(|m| m.line(lang));
                out.emit(&report::html::audit(&assessed, line.as_deref(), lang))?
            }
        }
        return Ok(assessed.exit_status());
    };
    out.line(&text())?;
    let changes = Changes {
        ctx,
        log: &log,
        prompter,
    };
    stop::stop_flow(changes, &session, &assessed, stop_options, out)
}

/// Which regions `--all-regions` / `--regions` ask for; a name that is not
/// a region's is a usage error (exit 2).
fn wanted(flags: &RegionFlags, lang: Lang) -> Result<Wanted> {
    if flags.all_regions {
        return Ok(Wanted::All);
    }
    if flags.regions.is_empty() {
        return Ok(Wanted::Configured);
    }
    let regions: Vec<String> = flags.regions.iter().map(|r| r.trim().to_lowercase()).collect();
    if let Some(bad) = regions.iter().find(|r| !crate::catalog::prices::valid_region(r)) {
        return Err(crate::error::Error::Usage(trf(
            lang,
            "aws.bad_region",
            &[("region", bad)],
        )));
    }
    Ok(Wanted::These(regions))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names_are_told_from_typos() {
        // One rule for a region's name (`catalog::prices::valid_region`), here and in `prices refresh`.
        for good in ["eu-central-1", "us-east-1", "us-gov-west-1", "ap-southeast-7"] {
            assert!(crate::catalog::prices::valid_region(good), "{good}");
        }
        for bad in [
            "frankfurt",
            "eu-central",
            "eu-central-x",
            "EU-central-1",
            "eu--1",
            "",
            "../x",
        ] {
            assert!(!crate::catalog::prices::valid_region(bad), "{bad}");
        }
        let flags = |regions: &[&str]| RegionFlags {
            all_regions: false,
            regions: regions.iter().map(|r| r.to_string()).collect(),
        };
        assert_eq!(
            wanted(&flags(&[" US-East-1 ", "eu-central-1"]), Lang::En).unwrap(),
            Wanted::These(vec!["us-east-1".into(), "eu-central-1".into()])
        );
        assert!(matches!(
            wanted(&flags(&["eu-central-1", "mars-1"]), Lang::Pt),
            Err(crate::error::Error::Usage(m)) if m.contains("`mars-1`")
        ));
        assert_eq!(wanted(&flags(&[]), Lang::En).unwrap(), Wanted::Configured);
    }
}
