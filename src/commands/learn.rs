//! The learner's commands: the wizard, a lesson, the checklist, the report
//! for the instructor, reset. Also the wizard's seam to the account
//! (`AccountChecks`), which runs the other commands' flows.

use std::io::Write;

use super::account::{AuditSettings, BudgetSettings, IdleFixSettings, TeardownSettings};
use super::machine::MonitorSettings;
use super::tools::CostSettings;
use crate::checks::{COURSE_REGION, CheckResult, Fix, Judge};
use crate::cli::{AdviseArgs, ChecklistArgs, Format, LessonArgs, ReportArgs, ResetArgs, TroubleshootArgs, WizardArgs};
use crate::context::Context;
use crate::course::{Course, Tool, markdown};
use crate::error::{Error, ExitStatus, Result};
use crate::i18n::{tr, trf};
use crate::plan::Level;
use crate::progress::learner_report;
use crate::report::checklist;
use crate::ui::{Output, Prompter};
use crate::util::write_atomic;
use crate::wizard::{LiveChecks, LiveRun, Wizard};

super::runs!(
    WizardArgs => wizard,
    LessonArgs => lesson,
    ChecklistArgs => checklist,
    ReportArgs => report,
    ResetArgs => reset,
);

/// The practice account the wizard offers: everything left running.
pub const SANDBOX_SCENARIO: &str = "neglected";

/// How long the wizard's "stop what runs" waits for it to stop: less than
/// `audit --stop`, the learner is waiting at the prompt.
const WIZARD_STOP_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

/// `module5`: the guided wizard (needs a terminal).
pub fn wizard(_: &WizardArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    let lang = ctx.lang;
    if !ctx.interactive {
        return Err(Error::NeedsTerminal(tr(lang, "wizard.needs_terminal").to_string()));
    }
    let course = ctx.course()?;
    let store = ctx.store()?;
    let seed = ctx.quiz_seed.unwrap_or_else(crate::util::Rng::clock_seed);
    let wizard = Wizard::new(course, lang, &store, ctx.width, seed).paced(crate::ui::pager::Screen::Terminal);
    // Inside Studio or on a notebook instance: say where, once, at the start.
    if let Some(here) = crate::snapshot::studio::read().current {
        out.line(&here_line(&here, lang))?;
    }
    let mut prompter = ctx.prompter();
    let mut live = AccountChecks { ctx };
    wizard.run(&mut prompter, &mut live, &mut OutputWriter(out), &mut std::io::stderr())?;
    Ok(ExitStatus::Success)
}

/// "Running in SageMaker Studio: domain d-…, space lab (JupyterLab app default)."
fn here_line(here: &crate::snapshot::studio::Current, lang: crate::i18n::Lang) -> String {
    let unknown = || "?".to_string();
    if !here.is_studio() {
        return trf(lang, "wizard.in_notebook", &[("name", &here.name)]);
    }
    let owner = match (&here.space, &here.user_profile) {
        (Some(space), _) => trf(lang, "wizard.in_space", &[("space", space)]),
        (None, Some(profile)) => trf(lang, "wizard.in_profile", &[("profile", profile)]),
        (None, None) => String::new(),
    };
    trf(
        lang,
        "wizard.in_studio",
        &[
            ("domain", &here.domain_id.clone().unwrap_or_else(unknown)),
            ("owner", &owner),
            ("app_type", &here.app_type.clone().unwrap_or_else(unknown)),
            ("name", &here.name),
        ],
    )
}

/// `lesson [SECTION]`: a section, or the contents.
pub fn lesson(args: &LessonArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    let lang = ctx.lang;
    let course = ctx.course()?;
    let Some(name) = &args.section else {
        out.emit(&course.table_of_contents(lang, ctx.width))?;
        return Ok(ExitStatus::Success);
    };
    let index = course
        .section(name)
        .map(|s| s.meta.number as usize - 1)
        .ok_or_else(|| {
            Error::Usage(trf(
                lang,
                "lesson.unknown_section",
                &[("name", name), ("sections", &course.section_names(lang))],
            ))
        })?;
    out.emit(&markdown::section(course, index, lang, ctx.width))?;
    Ok(ExitStatus::Success)
}

/// `checklist`: each item, done or not, with its evidence.
pub fn checklist(args: &ChecklistArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    let lang = ctx.lang;
    let course = ctx.course()?;
    let module = ctx.module_progress()?;
    let report = checklist::report(course, &module, lang);
    match args.format.format {
        Format::Text => out.emit(&checklist::text(course, &report, lang, ctx.width))?,
        Format::Json => out.json(&report)?,
    }
    Ok(ExitStatus::Success)
}

/// `report --out FILE`: the learner's progress, for the instructor.
pub fn report(args: &ReportArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    let lang = ctx.lang;
    super::check_out(Some(&args.out), lang)?;
    let course = ctx.course()?;
    let module = ctx.module_progress()?;
    let report = learner_report(course, &module, args.name.clone());
    let text = crate::util::json_pretty(&report);
    write_atomic(&args.out, text.as_bytes()).map_err(|source| Error::Io {
        action: tr(lang, "report.cannot_write").to_string(),
        path: args.out.clone(),
        source,
    })?;
    out.line(&trf(lang, "report.written", &[("path", &args.out.display())]))?;
    Ok(ExitStatus::Success)
}

/// `reset`: forgets this module's progress, after confirmation.
pub fn reset(args: &ResetArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    let lang = ctx.lang;
    let course = ctx.course()?;
    let store = ctx.store()?;
    let mut file = store.load(lang, &mut std::io::stderr());
    if file.modules.get(&course.id).is_none_or(|m| m.is_empty()) {
        out.line(tr(lang, "reset.nothing"))?;
        return Ok(ExitStatus::Success);
    }
    if !args.yes {
        if !ctx.interactive {
            return Err(Error::NeedsTerminal(tr(lang, "reset.needs_yes").to_string()));
        }
        let options = [tr(lang, "reset.keep").to_string(), tr(lang, "reset.erase").to_string()];
        let question = trf(lang, "reset.confirm", &[("path", &store.path().display())]);
        if ctx.prompter().select(&question, &options, tr(lang, "wizard.help")) != Ok(1) {
            out.line(tr(lang, "reset.kept"))?;
            return Ok(ExitStatus::Success);
        }
    }
    file.modules.remove(&course.id);
    store.replace(&file, lang)?;
    out.line(tr(lang, "reset.done"))?;
    Ok(ExitStatus::Success)
}

/// Keeps a real account's latest check results in the progress file, for
/// `module5 report`. Progress that cannot be saved does not fail the check.
pub fn record_check(course: &Course, ctx: &Context, results: &[CheckResult], account: &str, region: &str) {
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

/// The wizard's seam to the learner's account and tools: runs the checks
/// (or the sandbox), the fixes and the tools with the wizard's prompter.
struct AccountChecks<'a> {
    ctx: &'a Context,
}

/// Lets the wizard, which writes to any `Write`, write through an `Output`.
struct OutputWriter<'o, 'a>(&'o mut Output<'a>);

impl Write for OutputWriter<'_, '_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.writer().write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.writer().flush()
    }
}

impl LiveChecks for AccountChecks<'_> {
    fn snapshot(&mut self, sandbox: bool) -> Result<crate::snapshot::Snapshot, String> {
        let ctx = self.ctx;
        let course = ctx.course().map_err(|e| e.to_string())?;
        let snapshot = if sandbox {
            course.sandbox(SANDBOX_SCENARIO, ctx.lang)
        } else {
            crate::aws::snapshot(&ctx.aws_args(&Default::default()), ctx.lang, ctx.spinner)
        }
        .map_err(|e| e.to_string())?;
        if let Err(e) = &snapshot.identity {
            return Err(e.describe(ctx.lang));
        }
        Ok(snapshot)
    }

    fn wait(&mut self) -> bool {
        let ctx = self.ctx;
        crate::ui::wait_unless_esc(ctx.task_interval, tr(ctx.lang, "wizard.task_waiting"), ctx.spinner)
    }

    fn tool(&mut self, tool: Tool, prompter: &mut dyn Prompter, out: &mut dyn Write) -> Result<(), String> {
        let ctx = self.ctx;
        let lang = ctx.lang;
        let mut out = Output::new(out, lang);
        let ask = |prompter: &mut dyn Prompter, key: &str, example: &str| {
            prompter
                .text(tr(lang, key), example)
                .map_err(|_| tr(lang, "tools.cancelled").to_string())
        };
        let result = match tool {
            Tool::Advise => super::tools::advise_with(&AdviseArgs::default(), ctx, prompter, &mut out),
            Tool::Cost => {
                let instance = ask(prompter, "tools.q_cost_instance", "ml.m5.xlarge")?;
                let duration = ask(prompter, "tools.q_cost_duration", "2h30m")?;
                super::tools::cost_with(&CostSettings::for_duration(instance, duration), ctx, &mut out)
            }
            Tool::Monitor => super::machine::monitor_with(&MonitorSettings::default(), ctx, &mut out),
            Tool::Troubleshoot => {
                super::machine::troubleshoot_with(&TroubleshootArgs::default(), ctx, prompter, &mut out)
            }
        };
        result.map(|_| ()).map_err(|e| e.to_string())
    }

    fn fix(&mut self, fix: Fix, prompter: &mut dyn Prompter, out: &mut dyn Write) -> Result<(), String> {
        let ctx = self.ctx;
        let lang = ctx.lang;
        let mut out = Output::new(out, lang);
        // The wizard runs on a terminal: every fix asks before it changes anything.
        let result = match fix {
            Fix::StopRunning => {
                let settings = AuditSettings::stop_asking(WIZARD_STOP_WAIT);
                super::account::audit_with(&settings, ctx, prompter, &mut out)
            }
            Fix::Budget => super::account::fix_budget_with(&BudgetSettings::default(), ctx, prompter, &mut out),
            Fix::IdleShutdown => super::account::fix_idle_with(&IdleFixSettings::default(), ctx, prompter, &mut out),
            Fix::Teardown => {
                // The level is the learner's choice; the teardown then shows
                // its plan and asks, as on the command line.
                let options = [
                    tr(lang, "wizard.teardown_compute").to_string(),
                    tr(lang, "wizard.teardown_storage").to_string(),
                    tr(lang, "wizard.teardown_domain").to_string(),
                ];
                let Ok(choice) = prompter.select(tr(lang, "wizard.teardown_level"), &options, tr(lang, "wizard.help"))
                else {
                    return Ok(());
                };
                let level = [Level::Compute, Level::Storage, Level::Domain][choice.min(2)];
                let args = TeardownSettings {
                    level: Some(level),
                    ..TeardownSettings::default()
                };
                super::account::teardown_with(&args, ctx, prompter, &mut out)
            }
        };
        // What was and was not done has been said; only a fix that could not
        // start at all is an error here.
        result.map(|_| ()).map_err(|e| e.to_string())
    }

    fn run(&mut self, ids: &[String], sandbox: bool) -> Result<LiveRun, String> {
        let ctx = self.ctx;
        let course = ctx.course().map_err(|e| e.to_string())?;
        let snapshot = if sandbox {
            course.sandbox(SANDBOX_SCENARIO, ctx.lang)
        } else {
            crate::aws::snapshot(&ctx.aws_args(&Default::default()), ctx.lang, ctx.spinner)
        }
        .map_err(|e| e.to_string())?;
        let prices = ctx.prices(snapshot.region.as_deref()).map_err(|e| e.to_string())?;
        let judge = Judge {
            course,
            prices: &prices,
            lang: ctx.lang,
            expect_region: COURSE_REGION,
        };
        Ok(LiveRun::judged(&judge, &snapshot, ids))
    }
}
