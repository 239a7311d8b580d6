//! The audit as text: what bills by the hour, what bills by the GB-month
//! while nothing runs, the totals, and what to do; what an exception
//! accepts, apart. "Nothing billable" is said only when both lists are
//! empty.

use colored::Colorize;

use super::{regions_phrase, resource_line, skipped_notes, storage_line};
use crate::audit::{Audit, sweep_flags};
use crate::catalog;
use crate::i18n::{Lang, tr, trf};
use crate::snapshot::CallError;
use crate::ui::clean;
use crate::ui::text::{heading, subheading, wrap, wrap_plain};

pub(crate) fn text(audit: &Audit, lang: Lang, width: usize) -> String {
    let account = audit.account.as_deref().unwrap_or("?");
    let place = if audit.is_sweep() {
        regions_phrase(&audit.regions, lang)
    } else {
        audit.region.clone().unwrap_or_else(|| "?".into())
    };
    let notes: String = skipped_notes(audit.region_source, audit.regions.len(), &audit.skipped_regions, lang)
        .iter()
        .map(|line| {
            wrap_plain(&clean(&format!("– {line}")), width, "", "  ")
                .dimmed()
                .to_string()
        })
        .collect();
    if audit.nothing_read() {
        let mut out = wrap_plain(
            &trf(lang, "audit.no_region_read", &[("account", &account)]),
            width,
            "",
            "",
        )
        .yellow()
        .to_string();
        out.push_str(&notes);
        return out;
    }
    // Accepted until a date still runs and bills: never "nothing running".
    let muted_running = audit.running.iter().any(|i| audit.is_muted(i));
    let mut out = if audit.billing().next().is_none() && audit.errors.is_empty() && !muted_running {
        nothing_billing(audit, account, &place, lang, width)
    } else {
        compute(audit, account, &place, lang, width)
    };
    out.push_str(&storage(audit, lang, width));
    out.push_str(&errors(audit, lang, width));
    out.push_str(&notes);
    if !audit.errors.is_empty() {
        out.push_str(
            &wrap_plain(tr(lang, "audit.incomplete"), width, "", "")
                .yellow()
                .to_string(),
        );
    }
    out
}

/// Nothing bills by the hour: the reminder about the learner's own resource,
/// "Nothing billable" when nothing at all bills (storage included), or that
/// only storage bills.
fn nothing_billing(audit: &Audit, account: &str, place: &str, lang: Lang, width: usize) -> String {
    if let Some(item) = audit.current() {
        let line = trf(
            lang,
            "audit.current_reminder",
            &[
                ("name", &clean(&item.resource.name)),
                (
                    "per_hour",
                    &item
                        .resource
                        .price_per_hour_usd
                        .map_or_else(|| "?".to_string(), |p| catalog::usd(p, lang)),
                ),
                ("command", &clean(&item.target.cli(audit.region_of(item)))),
            ],
        );
        return wrap(&line, width, "", "  ");
    }
    let args: [(&str, &dyn std::fmt::Display); 2] = [("account", &account), ("region", &place)];
    match audit.storage.is_empty() {
        true => format!("{}\n", trf(lang, "audit.nothing", &args).green()),
        false => wrap_plain(&trf(lang, "audit.nothing_running", &args), width, "", ""),
    }
}

/// What bills by the hour, grouped by region in a sweep, with the totals
/// and the one `--stop` command that reaches all of it.
fn compute(audit: &Audit, account: &str, place: &str, lang: Lang, width: usize) -> String {
    let mut out = heading(&clean(&trf(
        lang,
        "audit.heading",
        &[("account", &account), ("region", &place)],
    )));
    out.push('\n');
    let mut shown_region: Option<&str> = None;
    for item in &audit.running {
        // A sweep groups what runs by region; the learner's own resource leads.
        if audit.is_sweep() && !item.resource.current {
            let region = audit.region_of(item);
            if shown_region != Some(region) {
                out.push_str(&format!("{}\n", clean(region).bold()));
                shown_region = Some(region);
            }
        }
        if audit.is_muted(item) {
            continue;
        }
        let line = format!("• {}", resource_line(&item.resource, lang));
        out.push_str(&wrap_plain(&line, width, "", "  "));
        // Past its date, an exception mutes nothing: said under the item.
        if let Some(expired) = audit.accepted_for(item).filter(|a| a.expired) {
            out.push_str(
                &wrap_plain(&clean(&expired.line(lang)), width, "  ✘ ", "    ")
                    .red()
                    .to_string(),
            );
        }
    }
    out.push_str(&muted(audit, lang, width));
    if audit.running.is_empty() {
        return out;
    }
    out.push('\n');
    out.push_str(&wrap_plain(&total(audit, lang), width, "", "").bold().to_string());
    if audit.partial {
        out.push_str(
            &wrap_plain(tr(lang, "audit.partial"), width, "", "")
                .yellow()
                .to_string(),
        );
    }
    if let Some(hint) = stop_hint(audit, lang) {
        out.push_str(&wrap(&hint, width, "", ""));
    }
    if audit.current().is_some() {
        out.push_str(&wrap(tr(lang, "audit.current_kept"), width, "", ""));
    }
    out
}

/// What an exception accepts until its date, apart: it still bills, and is
/// counted in the totals.
fn muted(audit: &Audit, lang: Lang, width: usize) -> String {
    let mut out = String::new();
    if !audit.running.iter().any(|i| audit.is_muted(i)) {
        return out;
    }
    if audit.running.iter().any(|i| !audit.is_muted(i)) {
        out.push('\n');
    }
    out.push_str(&subheading(tr(lang, "audit.muted_heading")));
    for item in audit.running.iter().filter(|i| audit.is_muted(i)) {
        let line = format!("~ {}", resource_line(&item.resource, lang));
        out.push_str(&wrap_plain(&line, width, "", "  "));
        if let Some(accepted) = audit.accepted_for(item) {
            out.push_str(
                &wrap_plain(&clean(&accepted.line(lang)), width, "    ", "    ")
                    .blue()
                    .to_string(),
            );
        }
    }
    out.push_str(&wrap_plain(tr(lang, "audit.muted_still_bills"), width, "", ""));
    out
}

/// What bills by the GB-month while nothing runs, with each one's delete
/// command (which deletes its files: said first).
fn storage(audit: &Audit, lang: Lang, width: usize) -> String {
    if audit.storage.is_empty() {
        return String::new();
    }
    let monthly = catalog::usd_at_least(audit.storage_monthly_usd, audit.storage_partial, lang);
    let mut out = format!(
        "\n{}\n",
        subheading(&trf(lang, "audit.storage_heading", &[("monthly", &monthly)]))
    );
    let mut shown_region: Option<&str> = None;
    for item in &audit.storage {
        if audit.is_sweep() {
            let region = item.region.as_deref().unwrap_or("?");
            if shown_region != Some(region) {
                out.push_str(&format!("{}\n", clean(region).bold()));
                shown_region = Some(region);
            }
        }
        out.push_str(&wrap_plain(&format!("• {}", storage_line(item, lang)), width, "", "  "));
        if let Some(accepted) = audit.accepted_storage(item) {
            let line = wrap_plain(&clean(&accepted.line(lang)), width, "    ", "    ");
            out.push_str(&match accepted.expired {
                true => line.red().to_string(),
                false => line.blue().to_string(),
            });
        }
    }
    out.push_str(&wrap(tr(lang, "audit.storage_hint"), width, "", ""));
    for item in &audit.storage {
        out.push_str(
            &wrap_plain(&format!("  $ {}", clean(&item.delete)), width, "", "      ")
                .dimmed()
                .to_string(),
        );
    }
    out
}

/// One sentence per cause, naming every list it kept from being read (in a
/// sweep, with its region).
fn errors(audit: &Audit, lang: Lang, width: usize) -> String {
    unread(audit, lang)
        .iter()
        .map(|line| {
            wrap_plain(&clean(&format!("? {line}")), width, "", "  ")
                .magenta()
                .to_string()
        })
        .collect()
}

/// One sentence per cause of the reads that failed, naming every list it
/// kept from being read (in a sweep, with its region).
pub(super) fn unread(audit: &Audit, lang: Lang) -> Vec<String> {
    let errors: Vec<CallError> = audit
        .errors
        .iter()
        .map(|e| match (&e.region, audit.is_sweep()) {
            (Some(region), true) => CallError {
                operation: format!("{} [{region}]", e.error.operation),
                ..e.error.clone()
            },
            _ => e.error.clone(),
        })
        .collect();
    crate::snapshot::group(&errors)
        .iter()
        .map(|group| crate::snapshot::unread(group, lang))
        .collect()
}

/// "Total: $x/h · $y so far · $z more by 08:00 tomorrow…".
pub(super) fn total(audit: &Audit, lang: Lang) -> String {
    let hours = crate::checks::duration((audit.hours_until_morning * 3600.0) as u64);
    let at_least = |usd: f64| catalog::usd_at_least(usd, audit.partial, lang);
    trf(
        lang,
        "audit.total",
        &[
            ("per_hour", &at_least(audit.per_hour_usd)),
            ("accrued", &at_least(audit.accrued_usd)),
            ("by_morning", &at_least(audit.by_morning_usd)),
            ("hours", &hours),
            ("zone", &audit.time_zone),
        ],
    )
}

/// The one `audit --stop` command that reaches everything billing, when
/// something does.
pub(super) fn stop_hint(audit: &Audit, lang: Lang) -> Option<String> {
    audit.billing().next()?;
    let mut flags = sweep_flags(audit);
    for flag in audit.stop_flags() {
        flags.push(' ');
        flags.push_str(flag);
    }
    Some(trf(lang, "audit.stop_hint", &[("flags", &flags)]))
}
