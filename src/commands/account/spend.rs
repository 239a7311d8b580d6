//! `spend`: what SageMaker really cost, from Cost Explorer (an answer is
//! kept an hour), beside what the tool estimates bills now; and the
//! month-to-date figure `audit --spend` adds, read through the same cache.

use std::time::SystemTime;

use crate::aws::{self, Session};
use crate::cli::{Format, SpendArgs};
use crate::context::Context;
use crate::error::{Error, ExitStatus, Result};
use crate::i18n::{Lang, tr};
use crate::snapshot::CallError;
use crate::spend::{self, Estimate, MonthFigure, Spend, Window, cache};
use crate::ui::Output;

/// `spend`'s settings: the days to read, from its arguments.
#[derive(Debug)]
pub(super) struct SpendSettings {
    /// Days back from today (clap keeps it within 1..=365).
    pub days: u32,
    /// Ask Cost Explorer even when an answer is cached.
    pub refresh: bool,
    pub format: Format,
    pub aws: crate::cli::AwsFlags,
}

impl From<&SpendArgs> for SpendSettings {
    fn from(args: &SpendArgs) -> Self {
        SpendSettings {
            days: args.days,
            refresh: args.refresh,
            format: args.format,
            aws: args.aws.clone(),
        }
    }
}

/// `spend`: the bill and the estimate side by side. Cost Explorer refused,
/// throttled or unreachable: why and what to do, exit 2.
pub(crate) fn spend(args: &SpendArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    spend_with(&SpendSettings::from(args), ctx, out)
}

pub(super) fn spend_with(args: &SpendSettings, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    let lang = ctx.lang;
    let window = Window::today(args.days);
    let session = aws::connect(&ctx.aws_args(&args.aws), lang)?;
    let (account, answer) = read(&session, ctx, &window, args.refresh).map_err(|e| cannot_read(&session, &e, lang))?;
    let report = Spend::new(&account, &window, &answer, estimate(&session, ctx));
    match args.format {
        Format::Json => out.json(&report)?,
        // Block characters where colour is used: a terminal that asked for neither gets ASCII.
        Format::Text => out.emit(&crate::report::spend::text(&report, lang, ctx.width, ctx.colour))?,
    }
    Ok(ExitStatus::Success)
}

/// What the inventory estimates bills now in the configured region, per
/// hour: the audit's total over the same inventory. The one place `spend`
/// asks for it; `None` when the account's resources could not be read.
fn estimate(session: &Session, ctx: &Context) -> Option<Estimate> {
    let inventory = session
        .inventory(&aws::regions::Wanted::Configured, ctx.lang, ctx.spinner)
        .ok()?;
    inventory.home.identity.as_ref().ok()?;
    let prices = ctx.prices(inventory.home.region.as_deref()).ok()?;
    let now = crate::audit::Morning {
        hours: 0.0,
        zone: "UTC".into(),
    };
    let audit = crate::audit::assess_regions(&prices, &inventory.asked(), &inventory.list, &now);
    Some(Estimate {
        // + 0.0: nothing running adds up to -0.0, which would print `$-0.00`.
        per_hour_usd: audit.per_hour_usd + 0.0,
        partial: audit.partial || !audit.errors.is_empty(),
    })
}

/// The account, and its Cost Explorer answer for `window`: cached, or asked.
fn read(
    session: &Session,
    ctx: &Context,
    window: &Window,
    refresh: bool,
) -> std::result::Result<(String, cache::Answer), CallError> {
    let (account, _) = session.identity()?;
    let query = window.query();
    let answer = cache::get(
        ctx.home.as_deref(),
        &account,
        &query,
        refresh,
        SystemTime::now(),
        || session.costs(ctx.spinner, tr(ctx.lang, "spend.reading"), &query),
    )?;
    Ok((account, answer))
}

/// Exit 2 with why: a cause that stops every call (the network, the
/// credentials) as every command says it, anything else as Cost Explorer's
/// own story.
fn cannot_read(session: &Session, error: &CallError, lang: Lang) -> Error {
    session
        .stopped_by(error, lang)
        .unwrap_or_else(|| Error::Aws(spend::explain(error, lang)))
}

/// `audit --spend`: the month so far, through `spend`'s cache and over its
/// default period, so an answer either one fetched serves the other.
pub(super) fn month_figure(session: &Session, ctx: &Context) -> MonthFigure {
    let window = Window::today(spend::DEFAULT_DAYS);
    let read = read(session, ctx, &window, false).map(|(_, answer)| answer);
    MonthFigure::new(&window, &read, ctx.lang)
}

/// The audit's JSON with the month so far: `spend_month_to_date_usd`
/// (`null` when it could not be read) and `spend`, what it comes from.
pub(super) fn with_month(audit: &crate::audit::Audit, figure: &MonthFigure) -> serde_json::Value {
    let mut value = serde_json::to_value(audit).expect("the audit serialises");
    if let Some(object) = value.as_object_mut() {
        object.insert("spend_month_to_date_usd".into(), serde_json::json!(figure.usd()));
        object.insert("spend".into(), serde_json::json!(figure));
    }
    value
}
