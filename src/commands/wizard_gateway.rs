//! The wizard's gateway to the learner's account and tools: the
//! `LiveChecks` the wizard is handed, which reads the account (or the
//! sandbox), judges it, and runs the other commands' flows (the fixes,
//! the teardown, the calculators) with the wizard's prompter and settings.

use std::io::Write;

use super::account::{AuditSettings, BudgetSettings, IdleFixSettings, TeardownSettings};
use super::machine::{MonitorSettings, TroubleshootSettings};
use super::tools::{AdviseSettings, CostSettings};
use crate::checks::{COURSE_REGION, Fix, Judge};
use crate::context::Context;
use crate::course::Tool;
use crate::i18n::tr;
use crate::plan::Level;
use crate::snapshot::Snapshot;
use crate::ui::{Output, Prompter};
use crate::wizard::{LiveChecks, LiveRun};

/// The practice account the wizard offers: everything left running.
pub(super) const SANDBOX_SCENARIO: &str = "neglected";

/// How long the wizard's "stop what runs" waits for it to stop: less than
/// `audit --stop`, the learner is waiting at the prompt.
const WIZARD_STOP_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

/// The practice account or the learner's real one (this region), read.
fn read(ctx: &Context, sandbox: bool) -> Result<Snapshot, String> {
    let snapshot = if sandbox {
        let course = ctx.course().map_err(|e| e.to_string())?;
        course.sandbox(SANDBOX_SCENARIO, ctx.lang)
    } else {
        crate::aws::snapshot(&ctx.aws_args(&Default::default()), ctx.lang, ctx.spinner)
    };
    snapshot.map_err(|e| e.to_string())
}

/// The wizard's seam to the learner's account and tools: runs the checks
/// (or the sandbox), the fixes and the tools with the wizard's prompter.
pub(super) struct AccountChecks<'a> {
    pub ctx: &'a Context,
}

/// Lets the wizard, which writes to any `Write`, write through an `Output`.
pub(super) struct OutputWriter<'o, 'a>(pub &'o mut Output<'a>);

impl Write for OutputWriter<'_, '_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.writer().write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.writer().flush()
    }
}

impl LiveChecks for AccountChecks<'_> {
    fn snapshot(&mut self, sandbox: bool) -> Result<Snapshot, String> {
        let ctx = self.ctx;
        let snapshot = read(ctx, sandbox)?;
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
            Tool::Advise => super::tools::advise_with(&AdviseSettings::default(), ctx, prompter, &mut out),
            Tool::Cost => {
                let instance = ask(prompter, "tools.q_cost_instance", "ml.m5.xlarge")?;
                let duration = ask(prompter, "tools.q_cost_duration", "2h30m")?;
                super::tools::cost_with(&CostSettings::for_duration(instance, duration), ctx, &mut out)
            }
            Tool::Monitor => super::machine::monitor_with(&MonitorSettings::default(), ctx, &mut out),
            Tool::Troubleshoot => {
                super::machine::troubleshoot_with(&TroubleshootSettings::default(), ctx, prompter, &mut out)
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
        let snapshot = read(ctx, sandbox)?;
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
