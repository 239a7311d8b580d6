//! Cost Explorer's bill as text: the totals, the inventory's estimate, a
//! bar per day, what billed, and when the figures were read.

use crate::catalog;
use crate::i18n::{Lang, tr, trf};
use crate::spend::{self, Kind, Spend};
use crate::ui::clean;
use crate::ui::text::{subheading, table, wrap, wrap_plain};

/// The report as text: totals, the estimate, a bar per day, what billed,
/// and when and how the figures were read. `unicode` draws the bars with
/// block characters (a terminal with colour), else with `#`.
pub(crate) fn text(spend: &Spend, lang: Lang, width: usize, unicode: bool) -> String {
    let money = |usd: f64| spend::money(usd, &spend.currency, lang);
    let last = spend.days.last().map_or(spend.start.as_str(), |d| d.date.as_str());
    let mut out = wrap_plain(
        &trf(lang, "spend.heading", &[("account", &spend.account)]),
        width,
        "",
        "",
    );
    out.push('\n');
    out.push_str(&wrap_plain(
        &trf(
            lang,
            "spend.totals",
            &[
                ("month_start", &spend.month_start),
                ("month", &money(spend.month_to_date_usd)),
                ("days", &spend.days.len()),
                ("start", &spend.start),
                ("last", &last),
                ("total", &money(spend.total_usd)),
            ],
        ),
        width,
        "",
        "  ",
    ));
    let estimate = match spend.estimate_per_hour_usd {
        Some(per_hour) if spend.estimate_partial => trf(
            lang,
            "spend.estimate_partial",
            &[("per_hour", &catalog::usd(per_hour, lang))],
        ),
        Some(per_hour) => trf(lang, "spend.estimate", &[("per_hour", &catalog::usd(per_hour, lang))]),
        None => tr(lang, "spend.estimate_unknown").to_string(),
    };
    out.push_str(&wrap(&estimate, width, "", "  "));
    out.push('\n');
    out.push_str(&subheading(tr(lang, "spend.per_day")));
    let rows: Vec<crate::ui::chart::Row> = spend
        .days
        .iter()
        .map(|d| crate::ui::chart::Row {
            label: d.date.get(5..).unwrap_or(&d.date).to_string(),
            value: d.usd,
            text: money(d.usd),
        })
        .collect();
    out.push_str(&crate::ui::chart::bars(&rows, width, unicode));
    out.push('\n');
    out.push_str(&subheading(tr(lang, "spend.by_kind")));
    if spend.by_kind.is_empty() {
        out.push_str(&wrap_plain(tr(lang, "spend.nothing"), width, "", ""));
    } else {
        let headers = [tr(lang, "spend.what"), tr(lang, "spend.cost"), tr(lang, "spend.detail")].map(str::to_string);
        let rows: Vec<Vec<String>> = spend
            .by_kind
            .iter()
            .map(|k| {
                // Instance types where the usage types name them; for what
                // the course has no word for, the usage types themselves.
                let detail = if k.kind == Kind::Other {
                    spend
                        .usage_types
                        .iter()
                        .filter(|u| u.kind == Kind::Other)
                        .map(|u| clean(&u.usage_type))
                        .collect::<Vec<_>>()
                        .join(", ")
                } else {
                    k.instance_types.join(", ")
                };
                vec![k.kind.label(lang).to_string(), money(k.usd), detail]
            })
            .collect();
        out.push_str(&table(&headers, &rows, width));
    }
    out.push('\n');
    let fetched = if spend.cached {
        trf(lang, "spend.fetched_cached", &[("at", &spend::when(&spend.fetched_at))])
    } else {
        trf(
            lang,
            "spend.fetched_now",
            &[
                ("at", &spend::when(&spend.fetched_at)),
                ("requests", &spend.requests),
                (
                    "cost",
                    &catalog::usd_cents(f64::from(spend.requests) * spend::USD_PER_REQUEST, lang),
                ),
            ],
        )
    };
    out.push_str(&wrap(&fetched, width, "", ""));
    out.push_str(&wrap(tr(lang, "spend.lag"), width, "", ""));
    out
}
