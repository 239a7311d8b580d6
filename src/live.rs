//! Live checks as the wizard uses them: read the account (or the sandbox),
//! then judge the checks a section asks for.

use crate::auditlog::AuditLog;
use crate::aws::{self, AwsArgs};
use crate::checks::{COURSE_REGION, Judge};
use crate::course::Course;
use crate::fixes;
use crate::i18n::Lang;
use crate::wizard::{Fix, LiveChecks, LiveRun, Prompter};

/// The practice account the wizard offers: everything left running.
pub const SANDBOX_SCENARIO: &str = "neglected";

pub struct AccountChecks<'a> {
    pub course: &'a Course,
    pub lang: Lang,
    pub aws: AwsArgs,
    pub spinner: bool,
    pub width: usize,
    pub log: &'a AuditLog,
}

impl LiveChecks for AccountChecks<'_> {
    fn tool(
        &mut self,
        tool: crate::course::Tool,
        prompter: &mut dyn Prompter,
        out: &mut dyn std::io::Write,
    ) -> Result<(), String> {
        use crate::course::Tool;
        let ctx = crate::Context {
            lang: self.lang,
            colour: colored::control::SHOULD_COLORIZE.should_colorize(),
            interactive: true,
            width: self.width,
            progress: self.spinner,
            home: None,
            lessons: None,
            aws: crate::cli::AwsFlags {
                profile: self.aws.profile.clone(),
                region: self.aws.region.clone(),
            },
        };
        let lang = self.lang;
        let ask = |prompter: &mut dyn Prompter, key: &str, example: &str| {
            prompter
                .text(crate::i18n::tr(lang, key), example)
                .map_err(|_| crate::i18n::tr(lang, "tools.cancelled").to_string())
        };
        let result = match tool {
            Tool::Advise => crate::tools::advise(self.course, Default::default(), false, prompter, &ctx, out),
            Tool::Cost => {
                let instance = ask(prompter, "tools.q_cost_instance", "ml.m5.xlarge")?;
                let duration = ask(prompter, "tools.q_cost_duration", "2h30m")?;
                let args = crate::tools::CostArgs {
                    instance: Some(instance),
                    hours: None,
                    duration: Some(duration),
                    spot: false,
                    monthly: false,
                    hours_per_day: 8.0,
                    days: 20.0,
                };
                crate::tools::cost(self.course, &args, false, lang, self.width, out)
            }
            Tool::Monitor => {
                let once = crate::tools::Watch {
                    on: false,
                    interval: 2,
                    count: None,
                };
                crate::tools::monitor(self.course, &once, false, &[], &ctx, out)
            }
            Tool::Troubleshoot => crate::tools::troubleshoot(self.course, None, None, prompter, &ctx, out),
        };
        result.map(|_| ()).map_err(|e| e.to_string())
    }

    fn fix(&mut self, fix: Fix, prompter: &mut dyn Prompter, out: &mut dyn std::io::Write) -> Result<(), String> {
        // The wizard runs on a terminal: every fix asks before it changes anything.
        let ctx = fixes::Ctx {
            course: self.course,
            lang: self.lang,
            width: self.width,
            interactive: true,
            spinner: self.spinner,
            log: self.log,
        };
        let result = match fix {
            Fix::StopRunning => {
                let stop = fixes::StopOptions {
                    wait: std::time::Duration::from_secs(120),
                    ..Default::default()
                };
                fixes::audit_command(&ctx, &self.aws, false, Some(stop), prompter, out)
            }
            Fix::Budget => {
                let options = fixes::BudgetOptions {
                    name: "SageMaker-Monthly-Budget".into(),
                    amount: 100.0,
                    email: None,
                    yes: false,
                    dry_run: false,
                };
                fixes::fix_budget(&ctx, &self.aws, &options, prompter, out)
            }
            Fix::IdleShutdown => {
                let options = fixes::IdleOptions {
                    minutes: 60,
                    user_profile: None,
                    domain_id: None,
                    profile_scope: false,
                    yes: false,
                    dry_run: false,
                };
                fixes::fix_idle(&ctx, &self.aws, &options, prompter, out)
            }
        };
        // What was and was not done has been said; only a fix that could not
        // start at all is an error here.
        result.map(|_| ()).map_err(|e| e.to_string())
    }

    fn run(&mut self, ids: &[String], sandbox: bool) -> Result<LiveRun, String> {
        let snapshot = if sandbox {
            self.course.sandbox(SANDBOX_SCENARIO, self.lang)
        } else {
            aws::snapshot(&self.aws, self.lang, self.spinner)
        }
        .map_err(|e| e.to_string())?;
        let judge = Judge {
            course: self.course,
            lang: self.lang,
            expect_region: COURSE_REGION,
        };
        Ok(LiveRun {
            results: judge.judge(&snapshot, Some(ids)),
            account: snapshot.identity.as_ref().ok().map(|i| i.account.clone()),
            region: snapshot.region.clone(),
            source: snapshot.source,
            taken_at: snapshot.taken_at,
        })
    }
}
