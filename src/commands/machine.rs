//! This machine: the resource monitor and the guided troubleshooting of
//! section 8.

use crate::catalog;
use crate::cli::{Format, MonitorArgs, Problem, TroubleshootArgs};
use crate::context::Context;
use crate::error::{Error, ExitStatus, Result};
use crate::i18n::{tr, trf};
use crate::monitor;
use crate::ui::text::{heading, wrap, wrap_plain};
use crate::ui::{Output, Prompter, clean};
use crate::util::json_pretty;

super::runs!(MonitorArgs => monitor, TroubleshootArgs => troubleshoot);

/// `monitor`'s settings, from its arguments or the wizard.
#[derive(Debug)]
pub(super) struct MonitorSettings {
    pub watch: bool,
    pub interval: std::time::Duration,
    pub count: Option<u64>,
    pub format: Format,
    /// A command to measure; empty: this machine's readings.
    pub command: Vec<String>,
}

impl Default for MonitorSettings {
    /// One reading, as text.
    fn default() -> Self {
        MonitorSettings {
            watch: false,
            interval: std::time::Duration::from_secs(crate::cli::MONITOR_INTERVAL_SECONDS),
            count: None,
            format: Format::Text,
            command: Vec::new(),
        }
    }
}

impl From<&MonitorArgs> for MonitorSettings {
    fn from(args: &MonitorArgs) -> Self {
        MonitorSettings {
            watch: args.watch,
            interval: std::time::Duration::from_secs(args.interval),
            count: args.count,
            format: args.format,
            command: args.command.clone(),
        }
    }
}

/// `monitor`: this machine's readings and the module's diagnosis, once or
/// watched; or `monitor -- CMD`, a command measured.
pub(super) fn monitor(args: &MonitorArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    monitor_with(&MonitorSettings::from(args), ctx, out)
}

pub(super) fn monitor_with(args: &MonitorSettings, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    let lang = ctx.lang;
    let course = ctx.course()?;
    let (as_json, command) = (args.format == Format::Json, &args.command);
    if !command.is_empty() {
        let usage = monitor::measure(&course.instances, command).map_err(|e| {
            Error::Usage(trf(
                lang,
                "tools.cannot_run",
                &[("command", &command[0]), ("error", &e)],
            ))
        })?;
        let text = if as_json {
            json_pretty(&usage)
        } else {
            trf(
                lang,
                "tools.measured",
                &[
                    (
                        "peak",
                        &crate::i18n::fixed(usage.peak_memory_bytes as f64 / (1024.0 * 1024.0), 1, lang),
                    ),
                    ("cpu", &crate::i18n::num(usage.cpu_seconds, lang)),
                    ("wall", &crate::i18n::num(usage.wall_seconds, lang)),
                    ("fits", &usage.fits.as_deref().unwrap_or("—")),
                ],
            ) + "\n"
                + &wrap_plain(tr(lang, "tools.fit_rule"), ctx.width, "", "")
        };
        out.emit(&text)?;
        // Like `time`, the measured command's exit code is ours.
        return Ok(ExitStatus::External(
            usage.exit_code.map_or(1, |c| u8::try_from(c).unwrap_or(1)),
        ));
    }
    let dir = std::env::current_dir().unwrap_or_else(|_| ".".into());
    let mut taken = 0;
    loop {
        let readings = monitor::read(&dir, std::time::Duration::from_millis(500));
        let diagnosis = monitor::diagnose(&course.instances, &readings, lang);
        let text = if as_json {
            serde_json::to_string(&serde_json::json!({ "readings": readings, "diagnosis": diagnosis }))
                .expect("serialises")
                + "\n"
        } else {
            crate::report::monitor::text(&readings, &diagnosis, lang, ctx.width) + "\n"
        };
        out.emit(&text)?;
        taken += 1;
        if !args.watch || args.count.is_some_and(|c| taken >= c) {
            return Ok(ExitStatus::Success);
        }
        std::thread::sleep(args.interval);
    }
}

/// `troubleshoot`'s settings, from its arguments or the wizard (which
/// gives none: the problem is asked).
#[derive(Debug, Default)]
pub(super) struct TroubleshootSettings {
    /// None: asked on a terminal.
    pub problem: Option<Problem>,
    pub instance: Option<String>,
    pub aws: crate::cli::AwsFlags,
}

impl From<&TroubleshootArgs> for TroubleshootSettings {
    fn from(args: &TroubleshootArgs) -> Self {
        TroubleshootSettings {
            problem: args.problem,
            instance: args.instance.clone(),
            aws: args.aws.clone(),
        }
    }
}

/// `troubleshoot`: the module's three problems, diagnosed.
pub(super) fn troubleshoot(args: &TroubleshootArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    troubleshoot_with(&TroubleshootSettings::from(args), ctx, &mut ctx.prompter(), out)
}

pub(super) fn troubleshoot_with(
    args: &TroubleshootSettings,
    ctx: &Context,
    prompter: &mut dyn Prompter,
    out: &mut Output,
) -> Result<ExitStatus> {
    let lang = ctx.lang;
    let course = ctx.course()?;
    let instance = args.instance.as_deref();
    let problem = match args.problem {
        Some(p) => p,
        None if ctx.interactive => {
            let choice = super::tools::ask_choice(
                prompter,
                lang,
                "tools.q_problem",
                &[
                    "tools.p_capacity",
                    "tools.p_quota",
                    "tools.p_slow",
                    "tools.p_kernel",
                    "tools.p_idle",
                ],
            )?;
            [
                Problem::InsufficientCapacity,
                Problem::QuotaExceeded,
                Problem::SlowNotebook,
                Problem::KernelDied,
                Problem::IdleShutdown,
            ][choice]
        }
        None => return Err(Error::NeedsTerminal(tr(lang, "tools.problem_needed").to_string())),
    };
    let mut text = String::new();
    match problem {
        Problem::InsufficientCapacity => {
            let name = match instance {
                Some(name) => name.to_string(),
                None if ctx.interactive => prompter
                    .text(tr(lang, "tools.q_instance"), "ml.c5.xlarge")
                    .map_err(|_| Error::Usage(tr(lang, "tools.cancelled").to_string()))?,
                None => return Err(Error::NeedsTerminal(tr(lang, "tools.instance_needed").to_string())),
            };
            let Some(wanted) = course.instances.get(&catalog::normalise(&name)) else {
                let near = catalog::closest(&course.instances, &name).join(", ");
                return Err(Error::Usage(trf(
                    lang,
                    "tools.unknown_instance",
                    &[("name", &name), ("near", &near)],
                )));
            };
            let size = wanted.name.rsplit('.').next().unwrap_or("");
            let siblings: Vec<&str> = course
                .instances
                .instance
                .iter()
                .filter(|i| {
                    i.family != wanted.family
                        && i.name.ends_with(&format!(".{size}"))
                        && (i.gpus > 0) == (wanted.gpus > 0)
                })
                .map(|i| i.name.as_str())
                .collect();
            let sizes: Vec<&str> = course
                .instances
                .instance
                .iter()
                .filter(|i| i.family == wanted.family && i.name != wanted.name)
                .map(|i| i.name.as_str())
                .collect();
            text += &wrap_plain(
                &trf(lang, "tools.capacity_cause", &[("instance", &wanted.name)]),
                ctx.width,
                "",
                "",
            );
            text += &wrap_plain(
                &trf(lang, "tools.capacity_siblings", &[("list", &siblings.join(", "))]),
                ctx.width,
                "1. ",
                "   ",
            );
            text += &wrap_plain(
                &trf(lang, "tools.capacity_sizes", &[("list", &sizes.join(", "))]),
                ctx.width,
                "2. ",
                "   ",
            );
            text += &wrap_plain(tr(lang, "tools.capacity_later"), ctx.width, "3. ", "   ");
        }
        Problem::QuotaExceeded => {
            // The instance is optional here: the steps hold without it.
            let name = instance
                .map(catalog::normalise)
                .unwrap_or_else(|| "ml.INSTANCE".to_string());
            text += &wrap(
                &trf(lang, "tools.quota_cause", &[("instance", &name)]),
                ctx.width,
                "",
                "",
            );
            for (n, key) in [
                "tools.quota_console",
                "tools.quota_names",
                "tools.quota_cli",
                "tools.quota_meanwhile",
            ]
            .iter()
            .enumerate()
            {
                let first = format!("{}. ", n + 1);
                text += &wrap(&trf(lang, key, &[("instance", &name)]), ctx.width, &first, "   ");
            }
        }
        Problem::SlowNotebook => {
            let dir = std::env::current_dir().unwrap_or_else(|_| ".".into());
            let readings = monitor::read(&dir, std::time::Duration::from_millis(500));
            let diagnosis = monitor::diagnose(&course.instances, &readings, lang);
            text += &crate::report::monitor::text(&readings, &diagnosis, lang, ctx.width);
        }
        Problem::KernelDied => {
            match monitor::oom_kills() {
                Some(0) => text += &wrap_plain(tr(lang, "tools.oom_none"), ctx.width, "", ""),
                Some(n) => text += &wrap_plain(&trf(lang, "tools.oom_count", &[("count", &n)]), ctx.width, "", ""),
                None => text += &wrap_plain(tr(lang, "tools.oom_unknown"), ctx.width, "", ""),
            }
            match monitor::kernel_oom_lines() {
                Some(lines) if !lines.is_empty() => {
                    text += &format!("{}\n", tr(lang, "tools.kernel_log"));
                    for line in lines.iter().rev().take(5) {
                        text += &format!("  {}\n", clean(line));
                    }
                }
                Some(_) => {}
                None => text += &wrap_plain(tr(lang, "tools.kernel_log_unreadable"), ctx.width, "", ""),
            }
            text += &wrap(tr(lang, "tools.kernel_fix"), ctx.width, "", "");
        }
        Problem::IdleShutdown => text += &idle_shutdown(args, ctx)?,
    }
    out.emit(&text)?;
    Ok(ExitStatus::Success)
}

/// `troubleshoot idle-shutdown`: reads the account and walks through each
/// running Studio app: the setting that applies and its timeout, what the
/// app type and image allow, the last activity AWS reports, the verdict
/// with its likely cause and fix; then what AWS gives for notebook
/// instances (nothing) and what counts as activity.
fn idle_shutdown(args: &TroubleshootSettings, ctx: &Context) -> Result<String> {
    let lang = ctx.lang;
    let course = ctx.course()?;
    let snapshot = crate::aws::snapshot(&ctx.aws_args(&args.aws), lang, ctx.spinner).map_err(|e| match e {
        Error::Credentials(m) => Error::Credentials(format!("{}\n{m}", tr(lang, "tools.idle_needs_account"))),
        other => other,
    })?;
    let prices = ctx.prices(snapshot.region.as_deref())?;
    let region = snapshot.region.clone().unwrap_or_else(|| "?".into());
    let judge = crate::checks::Judge {
        course,
        prices: &prices,
        lang,
        expect_region: &region,
    };
    let width = ctx.width;
    let account = snapshot.identity.as_ref().map_or("?", |i| i.account.as_str());
    let mut text = heading(&clean(&trf(
        lang,
        "tools.idle_heading",
        &[
            ("account", &account),
            ("region", &region),
            (
                "time",
                &crate::util::local_time(&snapshot.taken_at, &jiff::tz::TimeZone::system(), lang),
            ),
        ],
    )));
    let settings = judge.judge(&snapshot, Some(&["idle-shutdown".to_string()]));
    if let Some(settings) = settings.first() {
        let line = trf(lang, "tools.idle_settings", &[("summary", &settings.summary)]);
        text += &wrap_plain(&clean(&line), width, "", "  ");
    }
    text.push('\n');
    match &snapshot.apps {
        Err(e) => text += &wrap_plain(&clean(&e.describe(lang)), width, "", "  "),
        Ok(_) => {
            let apps = crate::checks::idle::apps(&judge, &snapshot);
            if apps.is_empty() {
                text += &wrap_plain(&trf(lang, "tools.idle_no_app", &[("region", &region)]), width, "", "");
            }
            for (app, resource) in &apps {
                text += &idle_app(app, resource, lang, width);
                text.push('\n');
            }
        }
    }
    if let Ok(notebooks) = &snapshot.notebook_instances {
        for n in notebooks
            .iter()
            .filter(|n| crate::checks::bill::RUNNING.contains(&n.status.as_str()))
        {
            let line = trf(lang, "tools.idle_notebook", &[("name", &n.name)]);
            text += &wrap_plain(&clean(&line), width, "", "  ");
            text.push('\n');
        }
    }
    text += &wrap_plain(tr(lang, "tools.idle_what_counts"), width, "", "");
    Ok(text)
}

/// One app's walk-through: four numbered steps, then the likely cause and fix.
fn idle_app(
    app: &crate::snapshot::App,
    resource: &crate::checks::Resource,
    lang: crate::i18n::Lang,
    width: usize,
) -> String {
    let mut head = format!("{} {}", app.app_type, app.name);
    if let Some(owner) = &resource.owner {
        head.push_str(&format!(" ({}/{owner})", app.domain_id));
    }
    if let Some(instance) = &app.instance_type {
        head.push_str(&format!(" · {instance}"));
    }
    if let Some(secs) = resource.running_seconds {
        head.push_str(&format!(
            " · {}",
            trf(lang, "report.running_for", &[("time", &crate::checks::duration(secs))])
        ));
    }
    let mut text = wrap_plain(&clean(&head), width, "", "  ");
    let Some(d) = &resource.idle_shutdown else {
        return text;
    };
    for (n, (key, value)) in [
        ("tools.idle_step_setting", &d.setting),
        ("tools.idle_step_support", &d.support),
        ("tools.idle_step_activity", &d.activity),
        ("tools.idle_step_verdict", &d.summary),
    ]
    .into_iter()
    .enumerate()
    {
        let first = format!("  {}. ", n + 1);
        let line = trf(lang, key, &[("text", value)]);
        text += &wrap_plain(&clean(&line), width, &first, "     ");
    }
    for (key, value) in [("tools.idle_cause", &d.cause), ("tools.idle_fix", &d.fix)] {
        if let Some(value) = value {
            text += &wrap(&clean(&trf(lang, key, &[("text", value)])), width, "     ", "     ");
        }
    }
    text
}
