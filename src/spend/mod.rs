//! What the account was really billed for SageMaker (Cost Explorer), beside
//! what the tool estimates bills now: the period asked about, the summary
//! (total, per day, by what the learner knows), its text with a bar chart,
//! and what to say when Cost Explorer cannot be read. Reading is
//! `aws::costs`, through the hour-long cache in `cache`.

pub(crate) mod cache;
pub(crate) mod usage;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::aws::costs::{CostQuery, Costs};
use crate::catalog;
use crate::i18n::{Lang, tr, trf};
use crate::snapshot::{CallError, ErrorKind};
use crate::ui::clean;
pub(crate) use usage::Kind;

/// `--days` unless given; `audit --spend` and `instructor verify --spend`
/// ask the same period, so one cached answer serves all three.
pub(crate) const DEFAULT_DAYS: u32 = 14;

/// What one request costs (AWS Cost Explorer pricing).
pub(crate) const USD_PER_REQUEST: f64 = 0.01;

/// The days asked about: the month so far and the last `days` days, both
/// up to today, in UTC (Cost Explorer's days).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Window {
    pub today: jiff::civil::Date,
    pub days: u32,
}

impl Window {
    /// Today in UTC.
    pub(crate) fn today(days: u32) -> Window {
        Window {
            today: jiff::Timestamp::now().to_zoned_datetime(jiff::tz::TimeZone::UTC).date(),
            days: days.max(1),
        }
    }

    pub(crate) fn month_start(&self) -> jiff::civil::Date {
        self.today.first_of_month()
    }

    /// The first of the last `days` days (today is the last).
    pub(crate) fn days_start(&self) -> jiff::civil::Date {
        self.today
            .saturating_sub(jiff::Span::new().days(i64::from(self.days) - 1))
    }

    /// Tomorrow: the exclusive end, so today's partial figures are included.
    pub(crate) fn end(&self) -> jiff::civil::Date {
        self.today.tomorrow().unwrap_or(self.today)
    }

    /// One request for both periods: from the earlier start to tomorrow.
    pub(crate) fn query(&self) -> CostQuery {
        let start = self.month_start().min(self.days_start());
        CostQuery::new(&start.to_string(), &self.end().to_string())
    }
}

/// What the tool estimates bills now (the inventory's per-hour total).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Estimate {
    pub per_hour_usd: f64,
    /// Something running has no known price: the figure is a lower bound.
    pub partial: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct Day {
    pub date: String,
    pub usd: f64,
    /// Cost Explorer's `Estimated` (the month is not closed yet).
    pub estimated: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct KindCost {
    pub kind: Kind,
    pub usd: f64,
    /// The instance types its usage types name, most costly first.
    pub instance_types: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct UsageLine {
    pub usage_type: String,
    pub kind: Kind,
    pub instance_type: Option<String>,
    pub usd: f64,
}

/// The `spend` report (its JSON, field for field).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct Spend {
    pub account: String,
    /// Cost Explorer's SERVICE value and metric.
    pub service: String,
    pub metric: String,
    /// The unit of every `_usd` figure as Cost Explorer gave it (USD).
    pub currency: String,
    /// The last `days` days: first day, and the day after the last (exclusive, as Cost Explorer's `End`).
    pub start: String,
    pub end: String,
    pub total_usd: f64,
    /// Every day of the period, a day without spend at 0.
    pub days: Vec<Day>,
    /// Over the period, largest first.
    pub by_kind: Vec<KindCost>,
    pub usage_types: Vec<UsageLine>,
    pub month_start: String,
    pub month_to_date_usd: f64,
    /// What the tool estimates bills now, per hour (`null` when the account's
    /// running resources could not be read).
    pub estimate_per_hour_usd: Option<f64>,
    pub estimate_partial: bool,
    /// When Cost Explorer answered (RFC 3339, UTC).
    pub fetched_at: String,
    /// The answer came from the cache (no request made).
    pub cached: bool,
    /// Billed requests this run made (0 when cached).
    pub requests: u32,
}

impl Spend {
    pub(crate) fn new(account: &str, window: &Window, answer: &cache::Answer, estimate: Option<Estimate>) -> Spend {
        let costs = &answer.costs;
        let start = window.days_start().to_string();
        let end = window.end().to_string();
        let in_period = |date: &str| date >= start.as_str() && date < end.as_str();
        let mut days = Vec::new();
        let mut date = window.days_start();
        while date < window.end() {
            let text = date.to_string();
            let day = costs.days.iter().find(|d| d.date == text);
            days.push(Day {
                usd: sum(day.iter().flat_map(|d| &d.usage_types).map(|u| u.amount)),
                estimated: day.is_some_and(|d| d.estimated),
                date: text,
            });
            date = date.tomorrow().unwrap_or(window.end());
        }
        let mut by_usage: BTreeMap<&str, f64> = BTreeMap::new();
        for day in costs.days.iter().filter(|d| in_period(&d.date)) {
            for u in &day.usage_types {
                *by_usage.entry(u.usage_type.as_str()).or_default() += u.amount;
            }
        }
        let mut usage_types: Vec<UsageLine> = by_usage
            .into_iter()
            .map(|(usage_type, usd)| {
                let read = usage::classify(usage_type);
                UsageLine {
                    usage_type: usage_type.to_string(),
                    kind: read.kind,
                    instance_type: read.instance_type,
                    usd: catalog::round(usd),
                }
            })
            .collect();
        usage_types.sort_by(|a, b| b.usd.total_cmp(&a.usd).then_with(|| a.usage_type.cmp(&b.usage_type)));
        let mut kinds: BTreeMap<Kind, KindCost> = BTreeMap::new();
        for line in &usage_types {
            let entry = kinds.entry(line.kind).or_insert_with(|| KindCost {
                kind: line.kind,
                usd: 0.0,
                instance_types: Vec::new(),
            });
            entry.usd = catalog::round(entry.usd + line.usd);
            if let Some(t) = &line.instance_type
                && !entry.instance_types.contains(t)
            {
                entry.instance_types.push(t.clone());
            }
        }
        let mut by_kind: Vec<KindCost> = kinds.into_values().collect();
        by_kind.sort_by(|a, b| b.usd.total_cmp(&a.usd).then_with(|| a.kind.cmp(&b.kind)));
        Spend {
            account: account.to_string(),
            service: crate::aws::costs::SERVICE.into(),
            metric: crate::aws::costs::METRIC.into(),
            currency: costs.currency.clone().unwrap_or_else(|| "USD".into()),
            total_usd: sum(days.iter().map(|d| d.usd)),
            days,
            by_kind,
            usage_types,
            month_start: window.month_start().to_string(),
            month_to_date_usd: month_to_date(costs, window),
            estimate_per_hour_usd: estimate.map(|e| e.per_hour_usd),
            estimate_partial: estimate.is_some_and(|e| e.partial),
            fetched_at: answer.fetched_at.clone(),
            cached: answer.cached,
            requests: if answer.cached { 0 } else { costs.requests },
            start,
            end,
        }
    }
}

/// What was billed from the first of the month to today.
pub(crate) fn month_to_date(costs: &Costs, window: &Window) -> f64 {
    let (start, end) = (window.month_start().to_string(), window.end().to_string());
    sum(costs
        .days
        .iter()
        .filter(|d| d.date >= start && d.date < end)
        .flat_map(|d| &d.usage_types)
        .map(|u| u.amount))
}

/// Amounts added up from +0 (`Iterator::sum` starts an `f64` at -0, which
/// prints as `-0.00` when nothing billed), rounded.
fn sum(amounts: impl Iterator<Item = f64>) -> f64 {
    catalog::round(amounts.fold(0.0, |total, amount| total + amount))
}

/// The month so far, as `audit --spend` and `instructor verify --spend` show it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct MonthToDate {
    pub month_start: String,
    pub month_to_date_usd: f64,
    pub currency: String,
    pub fetched_at: String,
    pub cached: bool,
}

/// The month so far, or why Cost Explorer could not say.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub(crate) enum MonthFigure {
    Read(MonthToDate),
    Failed { error: String },
}

impl MonthFigure {
    pub(crate) fn new(window: &Window, read: &Result<cache::Answer, CallError>, lang: Lang) -> MonthFigure {
        match read {
            Ok(answer) => MonthFigure::Read(MonthToDate {
                month_start: window.month_start().to_string(),
                month_to_date_usd: month_to_date(&answer.costs, window),
                currency: answer.costs.currency.clone().unwrap_or_else(|| "USD".into()),
                fetched_at: answer.fetched_at.clone(),
                cached: answer.cached,
            }),
            Err(error) => MonthFigure::Failed {
                error: short_reason(error, lang),
            },
        }
    }

    pub(crate) fn usd(&self) -> Option<f64> {
        match self {
            MonthFigure::Read(m) => Some(m.month_to_date_usd),
            MonthFigure::Failed { .. } => None,
        }
    }

    /// A table cell: the amount, or `?`.
    pub(crate) fn cell(&self, lang: Lang) -> String {
        match self {
            MonthFigure::Read(m) => money(m.month_to_date_usd, &m.currency, lang),
            MonthFigure::Failed { .. } => "?".into(),
        }
    }

    /// A sentence: the amount with where and when it comes from, or why not.
    pub(crate) fn line(&self, lang: Lang) -> String {
        match self {
            MonthFigure::Read(m) => trf(
                lang,
                if m.cached {
                    "spend.month_line_cached"
                } else {
                    "spend.month_line"
                },
                &[
                    ("month_start", &m.month_start),
                    ("usd", &money(m.month_to_date_usd, &m.currency, lang)),
                    ("at", &when(&m.fetched_at)),
                ],
            ),
            MonthFigure::Failed { error } => trf(lang, "spend.month_failed", &[("reason", error)]),
        }
    }
}

/// An amount in its currency, in the learner's notation: US dollars as
/// every price is written (`$1.25`, `US$ 1,25`), another currency as
/// `1.25 EUR`.
pub(crate) fn money(amount: f64, currency: &str, lang: Lang) -> String {
    if currency == "USD" {
        catalog::usd_cents(amount, lang)
    } else {
        format!("{} {currency}", crate::i18n::number(&format!("{amount:.2}"), lang))
    }
}

/// `2026-12-02T10:05:00Z` → `2026-12-02 10:05 UTC`.
pub(crate) fn when(fetched_at: &str) -> String {
    match fetched_at.get(..16) {
        Some(minute) => format!("{} UTC", minute.replace('T', " ")),
        None => fetched_at.to_string(),
    }
}

/// Why Cost Explorer could not be read, and what to do: the whole story
/// for `spend`, which cannot run without it.
pub(crate) fn explain(error: &CallError, lang: Lang) -> String {
    let message = clean(&error.message);
    match error.kind {
        ErrorKind::AccessDenied => trf(
            lang,
            "spend.denied",
            &[
                ("message", &message),
                ("action", &error.operation),
                ("sid", &crate::aws::operations::OPTIONAL_SID),
            ],
        ),
        ErrorKind::Throttling => trf(
            lang,
            "spend.throttled",
            &[("message", &message), ("attempts", &crate::aws::MAX_ATTEMPTS)],
        ),
        _ if error.message.starts_with("DataUnavailableException") => {
            trf(lang, "spend.unavailable", &[("message", &message)])
        }
        _ => format!("{} {}", error.describe(lang), error.step(lang)),
    }
}

/// The same in a few words, for a line of `audit` or a gradebook cell.
pub(crate) fn short_reason(error: &CallError, lang: Lang) -> String {
    match error.kind {
        ErrorKind::AccessDenied => trf(lang, "spend.denied_short", &[("action", &error.operation)]),
        ErrorKind::Throttling => tr(lang, "spend.throttled_short").to_string(),
        _ => error.describe(lang),
    }
}

#[cfg(test)]
mod tests;
