//! Reports: every renderer. Check results as text, JSON, JUnit XML, Markdown
//! or HTML; audit, plans, spend, the class's gradebook (`class`) and the
//! HTML pages. They only format: the judges, audit and instructor decide.

use std::collections::BTreeMap;

use colored::Colorize;
use serde::Serialize;

pub(crate) mod audit;
pub(crate) mod checklist;
pub(crate) mod class;
pub(crate) mod html;
pub(crate) mod junit;
pub(crate) mod md;
pub(crate) mod monitor;
pub(crate) mod plan;
pub(crate) mod proof;
pub(crate) mod spend;

#[cfg(test)]
mod hostile_names;

use crate::checks::{CheckResult, NoActivity, Resource, Status, StorageItem, tally};
use crate::i18n::{Lang, tr, trf};
use crate::snapshot::Source;
use crate::snapshot::inventory::{RegionSource, ResourceKind, Skip, SkippedRegion, StorageKind};
use crate::ui::clean;
use crate::ui::text::{heading, wrap, wrap_plain, wrapped_heading};

pub(crate) const SCHEMA: u32 = 1;

/// The `check` JSON document (schema 1).
#[derive(Debug, Serialize)]
pub(crate) struct Report<'a> {
    pub schema: u32,
    pub module: &'a str,
    pub source: Source,
    pub account: Option<String>,
    pub region: Option<String>,
    pub generated_at: String,
    pub checks: &'a [CheckResult],
    pub summary: BTreeMap<&'static str, usize>,
    /// `--all-regions` / `--regions`: where the running-resource checks looked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sweep: Option<SweepInfo>,
}

/// The regions a sweep read, and the ones it skipped with why.
#[derive(Debug, Serialize)]
pub(crate) struct SweepInfo {
    pub regions: Vec<String>,
    pub source: RegionSource,
    pub skipped_regions: Vec<SkippedRegion>,
}

impl SweepInfo {
    /// One line per region not read (and for a list that could not be asked for).
    pub(crate) fn notes(&self, lang: Lang) -> Vec<String> {
        skipped_notes(self.source, self.regions.len(), &self.skipped_regions, lang)
    }
}

/// The regions a sweep read, in a phrase: "no region", "us-east-1", or
/// "3 regions: eu-central-1, us-east-1, us-west-2".
pub(crate) fn regions_phrase(regions: &[String], lang: Lang) -> String {
    match regions {
        [] => tr(lang, "audit.no_region").to_string(),
        [one] => one.clone(),
        many => trf(
            lang,
            "audit.regions",
            &[("count", &many.len()), ("list", &many.join(", "))],
        ),
    }
}

/// One line per region a sweep did not read, and one when the enabled
/// regions could not be listed.
pub(crate) fn skipped_notes(source: RegionSource, read: usize, skipped: &[SkippedRegion], lang: Lang) -> Vec<String> {
    let mut lines = Vec::new();
    if source == RegionSource::BuiltIn {
        lines.push(trf(lang, "audit.regions_builtin", &[("count", &read)]));
    }
    for s in skipped {
        lines.push(match &s.why {
            Skip::NoSagemaker => trf(lang, "audit.skipped_no_sagemaker", &[("region", &s.region)]),
            Skip::Refused { error } => trf(
                lang,
                "audit.skipped_refused",
                &[("region", &s.region), ("error", &error.message)],
            ),
        });
    }
    lines
}

impl<'a> Report<'a> {
    pub(crate) fn new(
        module: &'a str,
        source: Source,
        account: Option<String>,
        region: Option<String>,
        generated_at: String,
        checks: &'a [CheckResult],
    ) -> Self {
        Report {
            schema: SCHEMA,
            module,
            source,
            account,
            region,
            generated_at,
            checks,
            summary: tally(checks),
            sweep: None,
        }
    }

    pub(crate) fn json(&self) -> String {
        crate::util::json_pretty(self)
    }
}

fn usd(value: Option<f64>, lang: Lang) -> String {
    value.map_or_else(|| "?".to_string(), |v| crate::catalog::usd(v, lang))
}

/// What a kind of compute is called.
pub(crate) fn kind_name(r: &Resource, lang: Lang) -> String {
    match r.kind {
        ResourceKind::StudioApp => r.app_type.clone().unwrap_or_default(),
        ResourceKind::NotebookInstance => tr(lang, "kind.notebook_instance").to_string(),
        ResourceKind::Endpoint => tr(lang, "kind.endpoint").to_string(),
        ResourceKind::AsyncEndpoint => tr(lang, "kind.async_endpoint").to_string(),
        ResourceKind::ProcessingJob => tr(lang, "kind.processing_job").to_string(),
        ResourceKind::TrainingJob => tr(lang, "kind.training_job").to_string(),
        ResourceKind::CanvasApp => tr(lang, "kind.canvas_app").to_string(),
        ResourceKind::MlflowTrackingServer => tr(lang, "kind.mlflow_tracking_server").to_string(),
        ResourceKind::TransformJob => tr(lang, "kind.transform_job").to_string(),
        ResourceKind::HyperpodCluster => tr(lang, "kind.hyperpod_cluster").to_string(),
        ResourceKind::ServerlessEndpoint => tr(lang, "kind.serverless_endpoint").to_string(),
        ResourceKind::WarmPool => tr(lang, "kind.warm_pool").to_string(),
    }
}

/// One line describing a billable resource.
pub(crate) fn resource_line(r: &Resource, lang: Lang) -> String {
    let mut parts = Vec::new();
    let mut head = String::new();
    let kind = kind_name(r, lang);
    if !kind.is_empty() {
        head.push_str(&clean(&kind));
        head.push(' ');
    }
    head.push_str(&clean(&r.name));
    match (&r.domain, &r.owner) {
        (Some(d), Some(o)) => head.push_str(&format!(" ({}/{})", clean(d), clean(o))),
        (Some(d), None) => head.push_str(&format!(" ({})", clean(d))),
        _ => {}
    }
    parts.push(head);
    // Billed by the request, not the hour: nothing to add while idle.
    if !r.bills_by_the_hour() {
        parts.push(tr(lang, "report.serverless_idle").to_string());
        return parts.join(" · ");
    }
    let mut kind = match (r.kind, r.instance_type.as_deref()) {
        (ResourceKind::CanvasApp, _) => tr(lang, "report.canvas_session").to_string(),
        (ResourceKind::MlflowTrackingServer, Some(size)) => trf(lang, "report.mlflow_size", &[("size", &clean(size))]),
        (ResourceKind::ServerlessEndpoint, _) => trf(lang, "report.provisioned", &[("count", &r.count.to_string())]),
        (_, instance_type) => instance_type.map_or_else(|| "?".to_string(), clean),
    };
    if r.count > 1 && r.kind != ResourceKind::ServerlessEndpoint {
        kind.push_str(&format!(" ×{}", r.count));
    }
    if r.gpu {
        kind.push_str(" GPU");
    }
    parts.push(kind);
    if !r.components.is_empty() {
        let names: Vec<String> = r.components.iter().map(|c| clean(c)).collect();
        parts.push(trf(lang, "report.components", &[("names", &names.join(", "))]));
    }
    if let Some(secs) = r.running_seconds {
        let key = match r.kind {
            ResourceKind::WarmPool => "report.kept_for",
            _ => "report.running_for",
        };
        parts.push(trf(lang, key, &[("time", &crate::checks::duration(secs))]));
    }
    let mut price = format!("{}/h", usd(r.price_per_hour_usd, lang));
    if let Some(source) = &r.price_source {
        price.push_str(&format!(" ({})", source.short(lang)));
    }
    parts.push(price);
    parts.push(trf(lang, "report.so_far", &[("usd", &usd(r.accrued_usd, lang))]));
    if let Some(end) = &r.ends_at {
        let time = crate::util::local_time(end, &jiff::tz::TimeZone::system(), lang);
        parts.push(trf(lang, "report.ends_at", &[("time", &time)]));
    }
    parts.extend(activity(r, lang));
    let line = parts.join(" · ");
    if r.current {
        format!("{line} ← {}", tr(lang, "kind.current"))
    } else {
        line
    }
}

/// What AWS says of a resource's use: idle minutes and idle shutdown's
/// verdict (Studio apps), requests in 24 h (endpoints), or why nothing is known.
fn activity(r: &Resource, lang: Lang) -> Vec<String> {
    let mut parts = Vec::new();
    if let Some(minutes) = r.idle_minutes {
        let key = match r.activity_is_health_check {
            true => "report.idle_for_health_check",
            false => "report.idle_for",
        };
        parts.push(trf(lang, key, &[("minutes", &minutes)]));
    }
    match r.invocations_24h {
        Some(0) => {
            let per_day = usd(r.price_per_hour_usd.map(|p| crate::catalog::round(p * 24.0)), lang);
            parts.push(trf(lang, "report.no_requests", &[("per_day", &per_day)]));
        }
        Some(requests) => parts.push(trf(lang, "report.requests", &[("count", &requests)])),
        None => {}
    }
    match &r.activity_unknown {
        Some(NoActivity::NoSignal) => parts.push(tr(lang, "report.no_signal").to_string()),
        Some(NoActivity::Asynchronous) => parts.push(tr(lang, "report.async_requests").to_string()),
        Some(NoActivity::Unread { error }) => parts.push(trf(
            lang,
            "report.activity_unread",
            &[("error", &clean(&error.describe(lang)))],
        )),
        None => {}
    }
    if let Some(diagnosis) = &r.idle_shutdown {
        parts.push(trf(
            lang,
            "report.idle_shutdown",
            &[("verdict", &clean(&diagnosis.summary))],
        ));
    }
    parts
}

/// What a kind of storage is called.
pub(crate) fn storage_kind_name(kind: StorageKind, lang: Lang) -> &'static str {
    match kind {
        StorageKind::SpaceVolume => tr(lang, "kind.space_volume"),
        StorageKind::NotebookVolume => tr(lang, "kind.notebook_volume"),
        StorageKind::DomainEfs => tr(lang, "kind.domain_efs"),
        StorageKind::OrphanEfs => tr(lang, "kind.orphan_efs"),
    }
}

/// One line describing a volume or file system that bills by the GB-month.
pub(crate) fn storage_line(item: &StorageItem, lang: Lang) -> String {
    let mut head = format!("{} {}", storage_kind_name(item.kind, lang), clean(&item.name));
    match (&item.domain, &item.owner) {
        (Some(d), Some(o)) => head.push_str(&format!(" ({}/{})", clean(d), clean(o))),
        (Some(d), None) => head.push_str(&format!(" ({})", clean(d))),
        _ => {}
    }
    let size = crate::i18n::number(&format!("{:.1}", item.size_gb), lang);
    let mut size = trf(lang, "report.size_gb", &[("size", &size)]);
    if item.size_assumed {
        let key = match item.kind {
            StorageKind::DomainEfs | StorageKind::OrphanEfs => "report.size_unknown",
            StorageKind::SpaceVolume | StorageKind::NotebookVolume => "report.size_assumed",
        };
        size = match item.kind {
            StorageKind::DomainEfs | StorageKind::OrphanEfs => tr(lang, key).to_string(),
            _ => format!("{size} ({})", tr(lang, key)),
        };
    }
    let mut price = format!(
        "{}/GB-{}",
        usd(item.price_per_gb_month_usd, lang),
        tr(lang, "report.month")
    );
    if let Some(source) = &item.price_source {
        price.push_str(&format!(" ({})", source.short(lang)));
    }
    let monthly = trf(lang, "report.per_month", &[("usd", &usd(item.monthly_usd, lang))]);
    [head, size, price, monthly].join(" · ")
}

/// A check's mark and status word in the learner's language, padded to
/// the language's longest so the titles line up.
fn badge(status: Status, lang: Lang) -> String {
    let word = |s: Status| match s {
        Status::Pass => tr(lang, "report.badge_pass"),
        Status::Fail => tr(lang, "report.badge_fail"),
        Status::Warn => tr(lang, "report.badge_warn"),
        Status::Skip => tr(lang, "report.badge_skip"),
        Status::Error => tr(lang, "report.badge_error"),
        Status::Muted => tr(lang, "report.badge_muted"),
    };
    let pad = Status::ALL.iter().map(|s| word(*s).chars().count()).max().unwrap_or(5);
    let text = format!("{:<pad$}", word(status));
    match status {
        Status::Pass => format!("✔ {text}").green().bold().to_string(),
        Status::Fail => format!("✘ {text}").red().bold().to_string(),
        Status::Warn => format!("! {text}").yellow().bold().to_string(),
        Status::Skip => format!("- {text}").dimmed().to_string(),
        Status::Error => format!("? {text}").magenta().bold().to_string(),
        Status::Muted => format!("~ {text}").blue().to_string(),
    }
}

/// The text report, for a terminal or a pipe.
pub(crate) fn text(report: &Report<'_>, lang: Lang, width: usize) -> String {
    let mut out = String::new();
    let account = report.account.as_deref().unwrap_or("?");
    let region = report.region.as_deref().unwrap_or("?");
    let mut title = trf(lang, "report.heading", &[("account", &account), ("region", &region)]);
    if report.source == Source::Sandbox {
        title.push_str(&format!(" · {}", tr(lang, "report.sandbox")));
    }
    out.push_str(&wrapped_heading(&clean(&title), width, heading));
    out.push_str(&format!("{}\n", report.generated_at.dimmed()));
    if let Some(sweep) = &report.sweep {
        let regions = regions_phrase(&sweep.regions, lang);
        out.push_str(&wrap_plain(
            &clean(&trf(lang, "report.sweep", &[("regions", &regions)])),
            width,
            "",
            "  ",
        ));
        for note in sweep.notes(lang) {
            out.push_str(
                &wrap_plain(&clean(&format!("– {note}")), width, "", "  ")
                    .dimmed()
                    .to_string(),
            );
        }
    }
    out.push('\n');
    let indent = "          ";
    for check in report.checks {
        out.push_str(&format!("{} {}\n", badge(check.status, lang), check.title.bold()));
        // A read that failed is named here; its cause and what to do, once below.
        if let Some(error) = &check.error {
            let line = trf(lang, "report.not_read", &[("operation", &error.operation)]);
            out.push_str(&wrap_plain(&clean(&line), width, indent, indent));
            out.push('\n');
            continue;
        }
        out.push_str(&wrap_plain(&clean(&check.summary), width, indent, indent));
        for resource in &check.resources {
            // A sweep says where each one runs.
            let place = match (&report.sweep, &resource.region) {
                (Some(_), Some(region)) => format!("[{region}] "),
                _ => String::new(),
            };
            out.push_str(&wrap_plain(
                &format!("• {place}{}", resource_line(resource, lang)),
                width,
                indent,
                &format!("{indent}  "),
            ));
        }
        // What exceptions accept, apart from what still fails (an expired
        // one is in the summary: it fails again).
        for accepted in check.exceptions.iter().filter(|a| !a.expired) {
            let line = accepted_line(accepted, lang);
            out.push_str(
                &wrap_plain(&clean(&line), width, indent, &format!("{indent}  "))
                    .blue()
                    .to_string(),
            );
        }
        if matches!(check.status, Status::Fail | Status::Warn | Status::Error) {
            let fix = &check.remediation;
            if let Some(why) = &fix.why {
                out.push_str(&wrap_plain(
                    &format!("{}: {}", tr(lang, "report.why"), clean(why)),
                    width,
                    indent,
                    indent,
                ));
            }
            for (n, step) in fix.steps.iter().enumerate() {
                let first = format!("{indent}{}. ", n + 1);
                out.push_str(&wrap(&clean(step), width, &first, &" ".repeat(first.chars().count())));
            }
            if let Some(console) = &fix.console {
                out.push_str(&wrap_plain(
                    &format!("{}: {}", tr(lang, "report.console"), clean(console)),
                    width,
                    indent,
                    indent,
                ));
            }
            for command in &fix.commands {
                // Broken only between arguments, with continuations: still one
                // command when copied.
                for line in crate::ui::text::command(&clean(command), width, indent).lines() {
                    out.push_str(&format!("{}\n", line.cyan()));
                }
            }
        }
        out.push('\n');
    }
    for line in unread(report.checks, lang) {
        out.push_str(
            &wrap_plain(&clean(&format!("? {line}")), width, "", "  ")
                .magenta()
                .to_string(),
        );
    }
    if report.checks.iter().any(|c| c.error.is_some()) {
        out.push('\n');
    }
    out.push_str(&summary_line(report, lang));
    out.push('\n');
    out
}

/// Why checks could not be evaluated: one sentence per cause, naming every
/// call it kept from being read and what to do.
pub(crate) fn unread(checks: &[CheckResult], lang: Lang) -> Vec<String> {
    let errors = checks.iter().filter_map(|c| c.error.as_ref());
    crate::snapshot::group(errors)
        .iter()
        .map(|group| crate::snapshot::unread(group, lang))
        .collect()
}

fn status_word(status: Status, lang: Lang) -> &'static str {
    match status {
        Status::Pass => tr(lang, "status.pass"),
        Status::Fail => tr(lang, "status.fail"),
        Status::Warn => tr(lang, "status.warn"),
        Status::Skip => tr(lang, "status.skip"),
        Status::Error => tr(lang, "status.error"),
        Status::Muted => tr(lang, "status.muted"),
    }
}

/// "~ muted until …" or "✘ exception expired on …", with what it costs.
pub(crate) fn accepted_line(accepted: &crate::checks::exceptions::Accepted, lang: Lang) -> String {
    let mut line = accepted.line(lang);
    if let Some(per_hour) = accepted.price_per_hour_usd {
        line.push_str(&format!(" · {}/h", crate::catalog::usd(per_hour, lang)));
    }
    if let Some(monthly) = accepted.monthly_usd {
        line.push_str(&format!(
            " · {}",
            trf(
                lang,
                "report.per_month",
                &[("usd", &crate::catalog::usd(monthly, lang))]
            )
        ));
    }
    match accepted.expired {
        true => format!("✘ {line}"),
        false => format!("~ {line}"),
    }
}

pub(crate) fn summary_line(report: &Report<'_>, lang: Lang) -> String {
    // Muted only where an exception accepted something: most never use them.
    let parts: Vec<String> = Status::ALL
        .iter()
        .filter(|s| **s != Status::Muted || report.summary[s.name()] > 0)
        .map(|s| format!("{} {}", report.summary[s.name()], status_word(*s, lang)))
        .collect();
    format!("{}: {}", tr(lang, "report.summary"), parts.join(" · "))
}

/// Markdown: a table of every check, then what to do about each problem.
pub(crate) fn markdown(report: &Report<'_>, lang: Lang) -> String {
    let md = md::text;
    let mut out = format!(
        "# {}\n\n",
        md(&trf(
            lang,
            "report.heading",
            &[
                ("account", &report.account.as_deref().unwrap_or("?")),
                ("region", &report.region.as_deref().unwrap_or("?"))
            ]
        ))
    );
    if report.source == Source::Sandbox {
        out.push_str(&format!("_{}_\n\n", tr(lang, "report.sandbox")));
    }
    out.push_str(&format!(
        "| {} | {} | {} |\n|---|---|---|\n",
        tr(lang, "report.status"),
        tr(lang, "report.check"),
        tr(lang, "report.result")
    ));
    for c in report.checks {
        out.push_str(&format!(
            "| {} | {} (`{}`) | {} |\n",
            c.status.name(),
            md(&c.title),
            c.id,
            md(&c.summary)
        ));
    }
    let unread = unread(report.checks, lang);
    if !unread.is_empty() {
        out.push_str(&format!("\n## {}\n\n", tr(lang, "report.unread_heading")));
        for line in &unread {
            out.push_str(&format!("- {}\n", md(line)));
        }
    }
    let accepted: Vec<String> = report
        .checks
        .iter()
        .flat_map(|c| {
            c.exceptions
                .iter()
                .map(move |a| format!("`{}`: {}", c.id, accepted_line(a, lang)))
        })
        .collect();
    if !accepted.is_empty() {
        out.push_str(&format!("\n## {}\n\n", tr(lang, "report.exceptions_heading")));
        for line in &accepted {
            out.push_str(&format!("- {}\n", md(line)));
        }
    }
    for c in report
        .checks
        .iter()
        .filter(|c| matches!(c.status, Status::Fail | Status::Warn | Status::Error) && c.error.is_none())
    {
        out.push_str(&format!(
            "\n## {} — {}\n\n{}\n",
            md(&c.title),
            c.status.name(),
            md(&c.summary)
        ));
        if !c.resources.is_empty() {
            out.push('\n');
            for r in &c.resources {
                out.push_str(&format!("- {}\n", md(&resource_line(r, lang))));
            }
        }
        if let Some(why) = &c.remediation.why {
            out.push_str(&format!("\n**{}:** {}\n", tr(lang, "report.why"), md(why)));
        }
        if !c.remediation.steps.is_empty() {
            out.push('\n');
            for (n, step) in c.remediation.steps.iter().enumerate() {
                out.push_str(&format!("{}. {}\n", n + 1, md(step)));
            }
        }
        if let Some(console) = &c.remediation.console {
            out.push_str(&format!("\n**{}:** {}\n", tr(lang, "report.console"), md(console)));
        }
        if !c.remediation.commands.is_empty() {
            out.push_str("\n```bash\n");
            for command in &c.remediation.commands {
                // Inside a code block only a closing fence could break out.
                out.push_str(&clean(command).replace("```", "'''"));
                out.push('\n');
            }
            out.push_str("```\n");
        }
    }
    out.push_str(&format!("\n{}\n", summary_line(report, lang)));
    out
}

/// JUnit XML: one test case per check; fail → failure, error → error,
/// skip and muted → skipped, warn → passed with the warning in system-out.
pub(crate) fn junit(report: &Report<'_>, lang: Lang) -> String {
    let account = report.account.clone().unwrap_or_else(|| "unknown".into());
    let cases = report
        .checks
        .iter()
        .map(|c| {
            let mut lines = vec![c.summary.clone()];
            lines.extend(c.resources.iter().map(|r| resource_line(r, lang)));
            lines.extend(c.exceptions.iter().map(|a| accepted_line(a, lang)));
            lines.extend(c.remediation.steps.iter().cloned());
            lines.extend(c.remediation.commands.iter().map(|cmd| format!("$ {cmd}")));
            junit::case(c.id, "module5", c.status, &c.summary, Some(&lines.join("\n")))
        })
        .collect();
    junit::document(
        "sm-course",
        vec![junit::suite(&format!("sm-course module5 {account}"), cases)],
    )
}
