//! A plan as text, before anything changes: each step in AWS's order with
//! what it saves, the files it deletes and how to keep a copy, what it
//! waits for; what the plan leaves, and why; the totals, and what still
//! bills after it.

use colored::Colorize;

use super::regions_phrase;
use crate::catalog;
use crate::i18n::{Lang, tr, trf};
use crate::plan::{Plan, Step};
use crate::ui::clean;
use crate::ui::text::{heading, subheading, wrap, wrap_plain};

/// What a step saves: "$0.05/h ($36.50 a month)", "$0.77 a month", or nothing.
fn saves(step: &Step, lang: Lang) -> Option<String> {
    let money = |v: Option<f64>| v.map_or_else(|| "?".to_string(), |v| catalog::usd(v, lang));
    match (step.saves_usd_per_hour, step.saves_usd_per_month) {
        (Some(h), Some(m)) if h > 0.0 => Some(trf(
            lang,
            "plan.saves_hourly",
            &[("hour", &money(Some(h))), ("month", &money(Some(m)))],
        )),
        (_, Some(m)) if m > 0.0 => Some(trf(lang, "plan.saves_monthly", &[("month", &money(Some(m)))])),
        (None, _) | (_, None) if step.kind != "user-profile" && step.kind != "efs-mount-targets" => {
            Some(trf(lang, "plan.saves_monthly", &[("month", &"?")]))
        }
        _ => None,
    }
}

/// The plan, with each step's exact call and `aws` command when `commands`.
pub(crate) fn text(plan: &Plan, storage_after: (f64, bool), commands: bool, lang: Lang, width: usize) -> String {
    let mut out = String::new();
    let level = plan.level.map_or("", |l| l.name());
    let place = regions_phrase(&plan.regions, lang);
    out.push_str(&heading(&trf(
        lang,
        "plan.heading",
        &[("level", &level), ("account", &plan.account), ("region", &place)],
    )));
    out.push('\n');
    if plan.steps.is_empty() {
        out.push_str(&wrap_plain(tr(lang, "plan.no_steps"), width, "", ""));
    }
    for step in &plan.steps {
        let mut head = format!("{:>3}. {} {}", step.order, step.action, clean(&plan.shown(step)));
        if let Some(saves) = saves(step, lang) {
            head.push_str(&format!(" · {saves}"));
        }
        if step.current {
            head.push_str(&format!(" · {}", tr(lang, "plan.current_last")));
        }
        out.push_str(&wrap_plain(&head, width, "", "      "));
        if let Some(found) = &step.found {
            let line = trf(lang, "plan.found", &[("status", found)]);
            out.push_str(&wrap_plain(&line, width, "      ", "      ").dimmed().to_string());
        }
        if let Some(data) = &step.deletes_data {
            let line = trf(lang, "plan.deletes", &[("data", &clean(data))]);
            out.push_str(&wrap(&line.red().to_string(), width, "      ", "        "));
        }
        if let Some(keep) = &step.keep_copy {
            let line = trf(lang, "plan.keep_copy", &[("how", &clean(keep))]);
            out.push_str(&wrap_plain(&line, width, "      ", "        "));
        }
        if !step.depends_on.is_empty() {
            let list: Vec<String> = step.depends_on.iter().map(usize::to_string).collect();
            let line = trf(lang, "plan.after", &[("steps", &list.join(", "))]);
            out.push_str(&wrap_plain(&line, width, "      ", "      ").dimmed().to_string());
        }
        if commands {
            out.push_str(&format!("      {}\n", clean(&step.api_call)));
            if !step.cli.is_empty() {
                out.push_str(&format!("      $ {}\n", clean(&step.cli).cyan()));
            }
        }
    }
    if !plan.left.is_empty() {
        out.push('\n');
        out.push_str(&subheading(tr(lang, "plan.left")));
        for left in &plan.left {
            let mut line = format!("{}: {}", clean(&left.label), clean(&left.why));
            if plan.is_sweep() {
                line = format!("{} · {}", line, left.region);
            }
            out.push_str(&wrap_plain(&line, width, "  · ", "    ").yellow().to_string());
        }
    }
    if !plan.steps.is_empty() {
        out.push('\n');
        let line = trf(
            lang,
            "plan.totals",
            &[
                (
                    "hour",
                    &catalog::usd_at_least(plan.saves_usd_per_hour, plan.partial, lang),
                ),
                (
                    "month",
                    &catalog::usd_at_least(plan.saves_usd_per_month, plan.partial, lang),
                ),
            ],
        );
        out.push_str(&wrap_plain(&line, width, "", ""));
    }
    let (after, partial) = storage_after;
    if after > 0.0 || partial {
        let key = match plan.level {
            Some(crate::plan::Level::Domain) => "plan.after_domain",
            _ => "plan.after_level",
        };
        let line = trf(lang, key, &[("month", &catalog::usd_at_least(after, partial, lang))]);
        out.push_str(&wrap_plain(&line, width, "", "").dimmed().to_string());
    }
    out
}
