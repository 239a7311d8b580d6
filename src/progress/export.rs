//! What a learner exports with `module5 report` for the instructor: the
//! checklist, quiz scores and the last live check, as JSON.

use serde::{Deserialize, Serialize};

use super::{LastCheck, ModuleProgress};
use crate::course::Course;
use crate::util::now;

/// The exported report (schema 1).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct LearnerReport {
    pub schema: u32,
    pub module: String,
    pub learner: Option<String>,
    pub generated_at: String,
    pub checklist: Vec<ReportItem>,
    pub quizzes: Vec<QuizScore>,
    pub last_check: Option<LastCheck>,
    /// The end of the course: whether "nothing left billing" is proven
    /// (when, in which account and regions), and what the learner keeps,
    /// with why. Absent in reports from older versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teardown: Option<TeardownReport>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct TeardownReport {
    pub proven: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The regions checked, as the proof names them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<String>,
    pub kept: Vec<KeptReport>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct KeptReport {
    pub name: String,
    pub reason: String,
    pub at: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ReportItem {
    pub id: String,
    pub done: bool,
    pub at: Option<String>,
    /// The kind of evidence behind the tick (`quiz`, `tool`, `live`, `task`):
    /// `task` and `live` were proven on the learner's account. Absent in
    /// reports from older versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct QuizScore {
    pub section: String,
    pub correct: usize,
    pub total: usize,
    pub passed: bool,
}

pub(crate) fn learner_report(course: &Course, module: &ModuleProgress, learner: Option<String>) -> LearnerReport {
    let mut sections: Vec<&str> = course.questions.iter().map(|q| q.section.as_str()).collect();
    sections.dedup();
    LearnerReport {
        schema: 1,
        module: course.id.clone(),
        learner,
        generated_at: now(),
        checklist: course
            .checklist
            .iter()
            .map(|item| {
                let tick = module.checklist.get(&item.id);
                ReportItem {
                    id: item.id.clone(),
                    done: tick.is_some(),
                    at: tick.map(|t| t.at.clone()),
                    evidence: tick.map(|t| t.evidence.kind().to_string()),
                }
            })
            .collect(),
        quizzes: sections
            .into_iter()
            .map(|section| {
                let (correct, total) = module.quiz_score(course, section);
                QuizScore {
                    section: section.to_string(),
                    correct,
                    total,
                    passed: module.quiz_passed(course, section),
                }
            })
            .collect(),
        last_check: module.last_check.clone(),
        teardown: Some(teardown(course, module)),
    }
}

fn teardown(course: &Course, module: &ModuleProgress) -> TeardownReport {
    let done = course
        .tasks
        .iter()
        .find(|t| t.rule == "nothing-billing")
        .and_then(|t| module.tasks.get(&t.id));
    TeardownReport {
        proven: done.is_some(),
        at: done.map(|d| d.at.clone()),
        account: done.map(|d| d.account.clone()),
        regions: done.and_then(|d| d.proof.as_ref()).map(|p| p.name.clone()),
        kept: module
            .kept
            .iter()
            .filter(|(_, k)| !k.unkept)
            .map(|(name, k)| KeptReport {
                name: name.clone(),
                reason: k.reason.clone(),
                at: k.at.clone(),
            })
            .collect(),
    }
}
