//! Live checks as the wizard uses them: read the account (or the sandbox),
//! then judge the checks a section asks for.

use crate::aws::{self, AwsArgs};
use crate::checks::{COURSE_REGION, Judge};
use crate::course::Course;
use crate::i18n::Lang;
use crate::wizard::{LiveChecks, LiveRun};

/// The practice account the wizard offers: everything left running.
pub const SANDBOX_SCENARIO: &str = "neglected";

pub struct AccountChecks<'a> {
    pub course: &'a Course,
    pub lang: Lang,
    pub aws: AwsArgs,
    pub spinner: bool,
}

impl LiveChecks for AccountChecks<'_> {
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
