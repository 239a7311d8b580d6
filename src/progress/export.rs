//! What a learner exports with `module5 report` for the instructor: the
//! checklist, quiz scores and the last live check, as JSON.

use serde::{Deserialize, Serialize};

use super::{LastCheck, ModuleProgress};
use crate::course::Course;
use crate::util::now;

/// The exported report (schema 1).
#[derive(Debug, Serialize, Deserialize)]
pub struct LearnerReport {
    pub schema: u32,
    pub module: String,
    pub learner: Option<String>,
    pub generated_at: String,
    pub checklist: Vec<ReportItem>,
    pub quizzes: Vec<QuizScore>,
    pub last_check: Option<LastCheck>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ReportItem {
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
pub struct QuizScore {
    pub section: String,
    pub correct: usize,
    pub total: usize,
    pub passed: bool,
}

pub fn learner_report(course: &Course, module: &ModuleProgress, learner: Option<String>) -> LearnerReport {
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
    }
}
