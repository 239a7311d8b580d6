//! This machine: the resource monitor and the guided troubleshooting of
//! section 8.

use crate::catalog;
use crate::cli::{Format, MonitorArgs, Problem, TroubleshootArgs};
use crate::context::Context;
use crate::error::{Error, ExitStatus, Result};
use crate::i18n::{tr, trf};
use crate::monitor;
use crate::ui::text::{wrap, wrap_plain};
use crate::ui::{Output, Prompter, clean};
use crate::util::json_pretty;

/// `monitor`: this machine's readings and the module's diagnosis, once or
/// watched; or `monitor -- CMD`, a command measured.
pub fn monitor(args: &MonitorArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
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
            monitor::text(&readings, &diagnosis, lang, ctx.width) + "\n"
        };
        out.emit(&text)?;
        taken += 1;
        if !args.watch || args.count.is_some_and(|c| taken >= c) {
            return Ok(ExitStatus::Success);
        }
        std::thread::sleep(std::time::Duration::from_secs(args.interval));
    }
}

/// `troubleshoot`: the module's three problems, diagnosed.
pub fn troubleshoot(args: &TroubleshootArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    troubleshoot_with(args, ctx, &mut ctx.prompter(), out)
}

pub fn troubleshoot_with(
    args: &TroubleshootArgs,
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
                &["tools.p_capacity", "tools.p_quota", "tools.p_slow", "tools.p_kernel"],
            )?;
            [
                Problem::InsufficientCapacity,
                Problem::QuotaExceeded,
                Problem::SlowNotebook,
                Problem::KernelDied,
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
            text += &monitor::text(&readings, &diagnosis, lang, ctx.width);
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
    }
    out.emit(&text)?;
    Ok(ExitStatus::Success)
}
