//! The learner's progress: what was answered and ticked, and the rules that
//! tick the checklist. `store` keeps it in one versioned JSON file, written
//! atomically after every answer and never fatal when damaged; `export` is
//! the report a learner hands an instructor.

mod export;
mod prove;
mod store;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::checks::task_rules::{Proof, TaskOutcome};
use crate::checks::{CheckResult, Status};
use crate::course::{Course, EvidenceRule};
use crate::util::now;

pub(crate) use export::{LearnerReport, learner_report};
pub(crate) use prove::{ProofReport, prove, prove_regions};
pub use store::Store;

/// 2: an answer's `choice` is the option's identity (its place in quiz.toml),
/// since options are shown shuffled. In version 1 it was the place shown,
/// which was always quiz.toml's order, so a version 1 file migrates as it is.
pub(crate) const FORMAT_VERSION: u32 = 2;

impl ProgressFile {
    /// Brings a file written by an older format up to this one, keeping every
    /// answer and tick; `None` for a format this build does not know.
    pub fn migrate(mut self) -> Option<ProgressFile> {
        match self.version {
            FORMAT_VERSION => Some(self),
            1 => {
                // v1's `choice` was the position shown, which was the
                // position in quiz.toml: it maps one-to-one.
                self.version = FORMAT_VERSION;
                Some(self)
            }
            _ => None,
        }
    }
}

#[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProgressFile {
    pub version: u32,
    #[serde(default)]
    pub modules: BTreeMap<String, ModuleProgress>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ModuleProgress {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// The section the learner is in (slug); resuming starts there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_section: Option<String>,
    /// Sections read to the end (slug → when).
    #[serde(default)]
    pub sections_done: BTreeMap<String, String>,
    /// The latest answer to each question (question id → answer).
    #[serde(default)]
    pub answers: BTreeMap<String, Answer>,
    /// The latest attempt at each section's quiz (slug → the questions drawn).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub quiz_rounds: BTreeMap<String, QuizRound>,
    /// Hands-on tasks verified on the account (task id → when and how). A
    /// task once proven stays proven.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tasks: BTreeMap<String, TaskDone>,
    /// Ticked checklist items (item id → tick). A tick stays once earned.
    #[serde(default)]
    pub checklist: BTreeMap<String, Tick>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<String>,
    /// The latest live checks of the learner's real account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_check: Option<LastCheck>,
    /// What the learner keeps at the end of the course, by name, and why
    /// (`teardown --keep NAME --reason TEXT`): the teardown leaves it, and the
    /// proof that nothing is left billing accepts it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub kept: BTreeMap<String, Kept>,
}

/// A resource the learner keeps, and why; `unkept` once they change their
/// mind (kept so that a merge with an older copy cannot bring it back).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Kept {
    pub reason: String,
    pub at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unkept: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LastCheck {
    pub account: String,
    pub region: String,
    pub at: String,
    pub results: Vec<CheckStatus>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CheckStatus {
    pub id: String,
    pub status: Status,
}

/// One attempt at a section's quiz: the questions drawn for it, and when.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct QuizRound {
    pub questions: Vec<String>,
    pub at: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// The option chosen, by its identity: its place in quiz.toml counted
    /// from 1 like `answer` (options are shown shuffled). The first try.
    pub choice: usize,
    /// Whether the first try was right; only first tries count in a score.
    pub correct: bool,
    /// The option chosen on the second try, after a wrong first one and its
    /// hint (same numbering as `choice`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_try: Option<usize>,
    pub attempts: u32,
    pub at: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Evidence {
    /// A section's quiz passed with `correct` of `total` right.
    Quiz {
        section: String,
        correct: usize,
        total: usize,
    },
    /// A tool used in the wizard (the advisor, the calculator, the monitor).
    Tool { tool: crate::course::Tool },
    /// Live checks that all passed on this account and region.
    Live {
        checks: Vec<String>,
        account: String,
        region: String,
    },
    /// Hands-on tasks verified on this account and region by `verify`, with
    /// the resources that proved them.
    Task {
        tasks: Vec<String>,
        account: String,
        region: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        proofs: Vec<Proof>,
    },
}

impl Evidence {
    /// The kind of evidence, as the file and the reports name it.
    pub fn kind(&self) -> &'static str {
        match self {
            Evidence::Quiz { .. } => "quiz",
            Evidence::Tool { .. } => "tool",
            Evidence::Live { .. } => "live",
            Evidence::Task { .. } => "task",
        }
    }
}

/// A hands-on task verified on the learner's account.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TaskDone {
    pub at: String,
    pub account: String,
    pub region: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<Proof>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Tick {
    pub evidence: Evidence,
    pub at: String,
}

impl ModuleProgress {
    /// What the learner keeps (name → why), leaving out what they no longer keep.
    pub fn kept_reasons(&self) -> BTreeMap<String, String> {
        self.kept
            .iter()
            .filter(|(_, k)| !k.unkept)
            .map(|(name, k)| (name.clone(), k.reason.clone()))
            .collect()
    }

    /// The regions the course used on the learner's account: where tasks
    /// were proven and where the checks last ran.
    pub fn regions(&self) -> Vec<String> {
        let mut regions: Vec<String> = self.tasks.values().map(|t| t.region.clone()).collect();
        regions.extend(self.last_check.iter().map(|c| c.region.clone()));
        regions.sort();
        regions.dedup();
        regions
    }

    /// Records that the learner keeps `name` because of `reason` (in `account`).
    pub fn keep(&mut self, name: &str, reason: &str, account: Option<&str>) {
        self.kept.insert(
            name.to_string(),
            Kept {
                reason: reason.to_string(),
                at: now(),
                account: account.map(str::to_string),
                unkept: false,
            },
        );
    }

    /// Records that the learner no longer keeps `name`; false when they did not.
    pub fn unkeep(&mut self, name: &str) -> bool {
        match self.kept.get_mut(name) {
            Some(kept) if !kept.unkept => {
                kept.unkept = true;
                kept.at = now();
                true
            }
            _ => false,
        }
    }

    /// Keeps the latest status of each check run on the real account; a
    /// run on another account or region starts the record afresh.
    pub fn record_check(&mut self, results: &[CheckResult], account: &str, region: &str) {
        let at = now();
        let mut kept = match self.last_check.take() {
            Some(last) if last.account == account && last.region == region => last.results,
            _ => Vec::new(),
        };
        for r in results {
            kept.retain(|c| c.id != r.id);
            kept.push(CheckStatus {
                id: r.id.to_string(),
                status: r.status,
            });
        }
        kept.sort_by_key(|c| crate::checks::ids().position(|id| id == c.id));
        self.last_check = Some(LastCheck {
            account: account.to_string(),
            region: region.to_string(),
            at,
            results: kept,
        });
    }

    pub fn is_empty(&self) -> bool {
        *self == ModuleProgress::default()
    }

    /// Records a first try (0-based `choice` in quiz.toml's order, whatever
    /// order it was shown in); returns whether it is right.
    pub fn record_answer(&mut self, course: &Course, question_id: &str, choice: usize) -> bool {
        let question = course
            .questions
            .iter()
            .find(|q| q.id == question_id)
            .expect("question from the course");
        let correct = question.is_correct(choice);
        let at = now();
        let attempts = self.answers.get(question_id).map_or(0, |a| a.attempts) + 1;
        self.answers.insert(
            question_id.to_string(),
            Answer {
                choice: choice + 1,
                correct,
                second_try: None,
                attempts,
                at: at.clone(),
            },
        );
        self.started_at.get_or_insert_with(|| at.clone());
        self.updated_at = Some(at);
        correct
    }

    /// Records the second try at a question whose first try was wrong (0-based
    /// `choice` in quiz.toml's order); returns whether it is right. It does
    /// not change the score: only first tries count.
    pub fn record_second_try(&mut self, course: &Course, question_id: &str, choice: usize) -> bool {
        let question = course
            .questions
            .iter()
            .find(|q| q.id == question_id)
            .expect("question from the course");
        if let Some(answer) = self.answers.get_mut(question_id) {
            answer.second_try = Some(choice + 1);
        }
        self.updated_at = Some(now());
        question.is_correct(choice)
    }

    /// The section's questions that count in its score: those of its latest
    /// attempt; for progress from before attempts were recorded (format 1),
    /// all of the section's questions.
    fn scored_questions<'c>(&self, course: &'c Course, section: &'c str) -> Vec<&'c crate::course::Question> {
        let round = self.quiz_rounds.get(section);
        course
            .section_questions(section)
            .filter(|q| round.is_none_or(|r| r.questions.contains(&q.id)))
            .collect()
    }

    /// A section's quiz score: right first tries among the questions of its
    /// latest attempt (each question's latest answer), and how many of them
    /// were answered. Answers to questions no longer in the course are kept
    /// in the file but not counted.
    pub fn quiz_score(&self, course: &Course, section: &str) -> (usize, usize) {
        let answered: Vec<_> = self
            .scored_questions(course, section)
            .into_iter()
            .filter_map(|q| self.answers.get(&q.id))
            .collect();
        (answered.iter().filter(|a| a.correct).count(), answered.len())
    }

    /// Passed: the latest attempt answered whole (without one, a draw's worth
    /// answered) and the share right meets the pass mark.
    pub fn quiz_passed(&self, course: &Course, section: &str) -> bool {
        let (correct, answered) = self.quiz_score(course, section);
        let needed = match self.quiz_rounds.get(section) {
            Some(_) => self.scored_questions(course, section).len(),
            None => crate::course::QUIZ_DRAW.min(course.section_questions(section).count()),
        };
        answered > 0 && answered >= needed && correct as f64 >= course.pass_mark * answered as f64
    }

    /// Right first tries and answers, over the questions still in the course.
    pub fn answered_score(&self, course: &Course) -> (usize, usize) {
        let answered: Vec<_> = course
            .questions
            .iter()
            .filter_map(|q| self.answers.get(&q.id))
            .collect();
        (answered.iter().filter(|a| a.correct).count(), answered.len())
    }

    /// Ticks every checklist item whose evidence now holds; returns the ids
    /// newly ticked. Earlier ticks are kept even if a later retake scores lower.
    pub fn tick_from_quizzes(&mut self, course: &Course) -> Vec<String> {
        let mut ticked = Vec::new();
        for item in &course.checklist {
            if self.checklist.contains_key(&item.id) {
                continue;
            }
            for rule in &item.evidence {
                let EvidenceRule::Quiz(section) = rule else { continue };
                if self.quiz_passed(course, section) {
                    let (correct, total) = self.quiz_score(course, section);
                    let evidence = Evidence::Quiz {
                        section: section.clone(),
                        correct,
                        total,
                    };
                    self.checklist.insert(item.id.clone(), Tick { evidence, at: now() });
                    ticked.push(item.id.clone());
                    break;
                }
            }
        }
        ticked
    }

    /// Applies live check results from the learner's real account: an item
    /// whose checks all passed is ticked with that evidence (replacing older
    /// evidence); an item ticked by an earlier live run whose checks no
    /// longer pass loses that tick, falling back to its quiz evidence.
    /// Items whose checks were not all run are left alone.
    pub fn apply_live(&mut self, course: &Course, results: &[CheckResult], account: &str, region: &str) -> LiveTicks {
        let mut outcome = LiveTicks::default();
        let status = |id: &str| results.iter().find(|r| r.id == id).map(|r| r.status);
        for item in &course.checklist {
            for rule in &item.evidence {
                let EvidenceRule::Checks(ids) = rule else { continue };
                if ids.iter().any(|id| status(id).is_none()) {
                    continue;
                }
                let was_ticked = self.checklist.contains_key(&item.id);
                if ids.iter().all(|id| status(id) == Some(Status::Pass)) {
                    let evidence = Evidence::Live {
                        checks: ids.clone(),
                        account: account.to_string(),
                        region: region.to_string(),
                    };
                    self.checklist.insert(item.id.clone(), Tick { evidence, at: now() });
                    if !was_ticked {
                        outcome.ticked.push(item.id.clone());
                    }
                } else if self
                    .checklist
                    .get(&item.id)
                    .is_some_and(|t| matches!(t.evidence, Evidence::Live { .. }))
                {
                    self.checklist.remove(&item.id);
                    self.tick_from_quizzes(course);
                    if !self.checklist.contains_key(&item.id) {
                        outcome.withdrawn.push(item.id.clone());
                    }
                }
            }
        }
        self.updated_at = Some(now());
        outcome
    }

    /// Records the tasks `outcomes` proved on the learner's real account, then
    /// ticks every item whose tasks are now all proven (task evidence
    /// replaces weaker evidence); returns the items newly ticked or upgraded.
    pub fn apply_tasks(
        &mut self,
        course: &Course,
        outcomes: &[TaskOutcome],
        account: &str,
        region: &str,
    ) -> Vec<String> {
        let at = now();
        for outcome in outcomes.iter().filter(|o| o.proven) {
            self.tasks.insert(
                outcome.task.clone(),
                TaskDone {
                    at: at.clone(),
                    account: account.to_string(),
                    region: region.to_string(),
                    proof: outcome.proof.clone(),
                },
            );
        }
        let mut ticked = Vec::new();
        for item in &course.checklist {
            if self
                .checklist
                .get(&item.id)
                .is_some_and(|t| matches!(t.evidence, Evidence::Task { .. }))
            {
                continue;
            }
            for rule in &item.evidence {
                let EvidenceRule::Tasks(ids) = rule else { continue };
                if !ids.iter().all(|id| self.tasks.contains_key(id)) {
                    continue;
                }
                let evidence = Evidence::Task {
                    tasks: ids.clone(),
                    account: account.to_string(),
                    region: region.to_string(),
                    proofs: ids.iter().filter_map(|id| self.tasks[id].proof.clone()).collect(),
                };
                self.checklist.insert(
                    item.id.clone(),
                    Tick {
                        evidence,
                        at: at.clone(),
                    },
                );
                ticked.push(item.id.clone());
                break;
            }
        }
        self.started_at.get_or_insert_with(|| at.clone());
        self.updated_at = Some(at);
        ticked
    }

    /// Ticks the items whose evidence is having used `tool`; returns them.
    pub fn tick_from_tool(&mut self, course: &Course, tool: crate::course::Tool) -> Vec<String> {
        let mut ticked = Vec::new();
        for item in &course.checklist {
            if self.checklist.contains_key(&item.id) {
                continue;
            }
            if item
                .evidence
                .iter()
                .any(|rule| matches!(rule, EvidenceRule::Tool(t) if *t == tool))
            {
                self.checklist.insert(
                    item.id.clone(),
                    Tick {
                        evidence: Evidence::Tool { tool },
                        at: now(),
                    },
                );
                ticked.push(item.id.clone());
            }
        }
        ticked
    }

    /// Where a resumed session starts: the current section, else the first
    /// section not yet done.
    pub fn resume_index(&self, course: &Course) -> usize {
        self.current_section
            .as_deref()
            .and_then(|slug| course.section_index(slug))
            .or_else(|| {
                course
                    .sections
                    .iter()
                    .position(|s| !self.sections_done.contains_key(&s.meta.slug))
            })
            .unwrap_or(0)
    }
}

/// What a live run changed on the checklist.
#[derive(Debug, Default, PartialEq)]
pub struct LiveTicks {
    pub ticked: Vec<String>,
    pub withdrawn: Vec<String>,
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::{Path, PathBuf};

    use super::store::FILE_NAME;
    use super::*;
    use crate::i18n::Lang;

    fn course() -> Course {
        Course::load(None, Lang::En, &crate::checks::known()).unwrap()
    }

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path().join("nested").join(FILE_NAME));
        (dir, store)
    }

    #[test]
    fn a_missing_file_is_a_fresh_start() {
        let (_dir, store) = store();
        let mut warnings = Vec::new();
        let file = store.load(Lang::En, &mut warnings);
        assert!(file.modules.is_empty());
        assert_eq!(file.version, FORMAT_VERSION);
        assert!(warnings.is_empty());
    }

    #[test]
    fn saved_progress_loads_back_identically_and_leaves_no_temporary_file() {
        let course = course();
        let (_dir, store) = store();
        let mut file = ProgressFile {
            version: FORMAT_VERSION,
            ..Default::default()
        };
        let module = file.modules.entry("module5".into()).or_default();
        let first = course.section_questions("families").next().unwrap();
        assert!(module.record_answer(&course, &first.id, first.answer - 1));
        module.current_section = Some("families".into());
        store.save(&file, Lang::En).unwrap();
        let mut warnings = Vec::new();
        assert_eq!(store.load(Lang::En, &mut warnings), file);
        assert!(warnings.is_empty());
        let mut names: Vec<_> = fs::read_dir(store.path().parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [FILE_NAME, "progress.json.lock"],
            "no temporary file is left behind"
        );
        let json: serde_json::Value = serde_json::from_str(&fs::read_to_string(store.path()).unwrap()).unwrap();
        assert_eq!(json["version"], 2);
    }

    #[test]
    fn a_version_1_file_migrates_keeping_every_answer_and_tick() {
        let course = course();
        let (_dir, store) = store();
        fs::create_dir_all(store.path().parent().unwrap()).unwrap();
        // The fixture has ticks and no answers; add answers as version 1
        // wrote them: `choice` the place shown, which was quiz.toml's order.
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/progress-two-ticks.json");
        let mut v1: serde_json::Value = serde_json::from_str(&fs::read_to_string(fixture).unwrap()).unwrap();
        assert_eq!(v1["version"], 1);
        let q = course.section_questions("families").next().unwrap();
        v1["modules"]["module5"]["answers"] = serde_json::json!({
            (q.id.clone()): { "choice": q.answer, "correct": true, "attempts": 1, "at": "2026-11-20T09:10:00Z" },
            "a-question-no-longer-in-the-course": { "choice": 1, "correct": true, "attempts": 1, "at": "2026-11-20T09:11:00Z" }
        });
        fs::write(store.path(), serde_json::to_vec(&v1).unwrap()).unwrap();
        let mut warnings = Vec::new();
        let file = store.load(Lang::En, &mut warnings);
        assert!(warnings.is_empty(), "{}", String::from_utf8_lossy(&warnings));
        assert_eq!(file.version, FORMAT_VERSION);
        let module = &file.modules["module5"];
        assert_eq!(module.answers.len(), 2, "every answer kept");
        assert_eq!(module.answers[&q.id].choice, q.answer, "the same option");
        assert!(q.is_correct(module.answers[&q.id].choice - 1));
        assert_eq!(module.checklist.len(), 2, "every tick kept");
        // The unknown question is kept but not scored.
        assert_eq!(module.answered_score(&course), (1, 1));
        assert_eq!(module.quiz_score(&course, "families"), (1, 1));
        // Saving writes version 2, still with both answers.
        store.save(&file, Lang::En).unwrap();
        let json: serde_json::Value = serde_json::from_str(&fs::read_to_string(store.path()).unwrap()).unwrap();
        assert_eq!(json["version"], 2);
        assert_eq!(json["modules"]["module5"]["answers"].as_object().unwrap().len(), 2);
    }

    #[test]
    fn a_corrupt_file_is_moved_aside_with_a_warning_naming_both_paths() {
        let (_dir, store) = store();
        fs::create_dir_all(store.path().parent().unwrap()).unwrap();
        fs::write(store.path(), b"{\"version\": 1, \"modules\": {\"module5\": tru").unwrap();
        let mut warnings = Vec::new();
        let file = store.load(Lang::En, &mut warnings);
        assert!(file.modules.is_empty());
        let warning = String::from_utf8(warnings).unwrap();
        let aside: Vec<PathBuf> = fs::read_dir(store.path().parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("progress.json.corrupt-")
            })
            .collect();
        assert_eq!(aside.len(), 1, "{warning}");
        assert!(warning.contains(&store.path().display().to_string()), "{warning}");
        assert!(warning.contains(&aside[0].display().to_string()), "{warning}");
        assert_eq!(
            fs::read(&aside[0]).unwrap(),
            b"{\"version\": 1, \"modules\": {\"module5\": tru",
            "kept as it was"
        );
        assert!(!store.path().exists());
    }

    #[test]
    fn a_backup_is_never_overwritten_even_within_the_same_second() {
        let (_dir, store) = store();
        let dir = store.path().parent().unwrap().to_path_buf();
        fs::create_dir_all(&dir).unwrap();
        // Earlier backups already hold this second's name (and the next ones').
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        for second in now..now + 5 {
            fs::write(
                dir.join(format!("progress.json.corrupt-{second}")),
                format!("old {second}"),
            )
            .unwrap();
        }
        for junk in ["junk A", "junk B"] {
            fs::write(store.path(), junk).unwrap();
            store.load(Lang::En, &mut Vec::new());
        }
        let mut kept: Vec<String> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| fs::read_to_string(e.unwrap().path()).unwrap())
            .collect();
        kept.sort();
        let mut expected: Vec<String> = (now..now + 5).map(|s| format!("old {s}")).collect();
        expected.extend(["junk A".to_string(), "junk B".to_string()]);
        expected.sort();
        assert_eq!(kept, expected, "every backup kept, each once");
    }

    #[test]
    fn a_file_from_a_newer_format_is_moved_aside_not_overwritten() {
        let (_dir, store) = store();
        fs::create_dir_all(store.path().parent().unwrap()).unwrap();
        fs::write(store.path(), br#"{"version": 99, "modules": {}}"#).unwrap();
        let mut warnings = Vec::new();
        store.load(Lang::Pt, &mut warnings);
        let warning = String::from_utf8(warnings).unwrap();
        assert!(warning.contains("99"), "{warning}");
        assert!(!store.path().exists());
    }

    #[test]
    fn an_unwritable_location_is_an_error_not_a_panic() {
        let (dir, _) = store();
        let blocker = dir.path().join("file");
        fs::write(&blocker, b"x").unwrap();
        let store = Store::at(blocker.join(FILE_NAME));
        let err = store.save(&ProgressFile::default(), Lang::En).unwrap_err();
        assert_eq!(err.exit_status().code(), 2);
        assert!(err.to_string().contains(&blocker.display().to_string()), "{err}");
    }

    #[test]
    fn a_passed_quiz_ticks_its_checklist_item_and_the_tick_stays() {
        let course = course();
        let mut module = ModuleProgress::default();
        let questions: Vec<_> = course.section_questions("billing").collect();
        for q in &questions {
            module.record_answer(&course, &q.id, q.answer - 1);
        }
        assert_eq!(module.tick_from_quizzes(&course), ["costs"]);
        let tick = &module.checklist["costs"];
        assert_eq!(
            tick.evidence,
            Evidence::Quiz {
                section: "billing".into(),
                correct: questions.len(),
                total: questions.len()
            }
        );
        // A worse retake does not untick it, and nothing is ticked twice.
        for q in &questions {
            module.record_answer(&course, &q.id, q.answer % q.en.options.len());
        }
        assert!(!module.quiz_passed(&course, "billing"));
        assert!(module.tick_from_quizzes(&course).is_empty());
        assert!(module.checklist.contains_key("costs"));
    }

    #[test]
    fn a_quiz_below_the_pass_mark_ticks_nothing() {
        let course = course();
        let mut module = ModuleProgress::default();
        let questions: Vec<_> = course.section_questions("selection").collect();
        assert!(questions.len() >= 2);
        for (i, q) in questions.iter().enumerate() {
            let choice = if i == 0 {
                q.answer - 1
            } else {
                q.answer % q.en.options.len()
            };
            module.record_answer(&course, &q.id, choice);
        }
        assert_eq!(module.quiz_score(&course, "selection"), (1, questions.len()));
        assert!(module.tick_from_quizzes(&course).is_empty());
    }

    #[test]
    fn resume_starts_at_the_current_section_else_the_first_unfinished() {
        let course = course();
        let mut module = ModuleProgress::default();
        assert_eq!(module.resume_index(&course), 0);
        module.sections_done.insert("concepts".into(), now());
        assert_eq!(module.resume_index(&course), 1);
        module.current_section = Some("billing".into());
        assert_eq!(module.resume_index(&course), 3);
    }

    #[test]
    fn a_live_tick_is_withdrawn_when_the_account_no_longer_passes_and_task_ticks_stay() {
        let course = course();
        let judge = crate::checks::Judge {
            course: &course,
            prices: &crate::catalog::prices::PriceBook::new(&course.instances),
            lang: Lang::En,
            expect_region: "eu-central-1",
        };
        let only = ["budget".to_string(), "idle-shutdown".to_string()];
        let clean = judge.judge(&course.sandbox("clean", Lang::En).unwrap(), Some(&only));
        let neglected = judge.judge(&course.sandbox("neglected", Lang::En).unwrap(), Some(&only));
        let mut module = ModuleProgress::default();
        let ticks = module.apply_live(&course, &clean, "111122223333", "eu-central-1");
        assert_eq!(ticks.ticked, ["cost-optimization"]);
        assert!(matches!(
            module.checklist["cost-optimization"].evidence,
            Evidence::Live { .. }
        ));
        let ticks = module.apply_live(&course, &neglected, "111122223333", "eu-central-1");
        assert_eq!(ticks.withdrawn, ["cost-optimization"]);
        assert!(module.checklist.is_empty());
        // Task evidence is never withdrawn by a failing live check.
        let outcomes: Vec<TaskOutcome> = ["create-budget", "idle-shutdown"]
            .iter()
            .map(|t| TaskOutcome {
                task: t.to_string(),
                proven: true,
                proof: None,
                problems: Vec::new(),
                still_billing: Vec::new(),
                still_storing: Vec::new(),
            })
            .collect();
        assert_eq!(
            module.apply_tasks(&course, &outcomes, "111122223333", "eu-central-1"),
            ["cost-optimization"]
        );
        let ticks = module.apply_live(&course, &neglected, "111122223333", "eu-central-1");
        assert_eq!(ticks, LiveTicks::default());
        assert_eq!(module.checklist["cost-optimization"].evidence.kind(), "task");
    }

    #[test]
    fn passing_checks_on_an_account_where_nothing_ran_tick_nothing_and_no_quiz_ticks_the_hands_on_items() {
        let course = course();
        let judge = crate::checks::Judge {
            course: &course,
            prices: &crate::catalog::prices::PriceBook::new(&course.instances),
            lang: Lang::En,
            expect_region: "eu-central-1",
        };
        let only = ["studio-apps".to_string(), "notebook-instances".to_string()];
        let clean = judge.judge(&course.sandbox("clean", Lang::En).unwrap(), Some(&only));
        let mut module = ModuleProgress::default();
        assert_eq!(
            module.apply_live(&course, &clean, "111122223333", "eu-central-1"),
            LiveTicks::default()
        );
        for section in ["start-stop", "optimization"] {
            for q in course.section_questions(section) {
                module.record_answer(&course, &q.id, q.answer - 1);
            }
        }
        assert!(module.tick_from_quizzes(&course).is_empty());
        assert!(module.checklist.is_empty());
    }

    #[test]
    fn saves_merge_with_what_another_process_wrote_and_replace_erases() {
        let course = course();
        let (_dir, store) = store();
        let q: Vec<_> = course.questions.iter().take(3).collect();
        // Process A answers q0; process B, started from the same empty file,
        // answers q1 and ticks an item; A then answers q2 and saves again.
        let mut a = ProgressFile {
            version: FORMAT_VERSION,
            ..Default::default()
        };
        let mut b = ProgressFile {
            version: FORMAT_VERSION,
            ..Default::default()
        };
        a.modules
            .entry("module5".into())
            .or_default()
            .record_answer(&course, &q[0].id, 0);
        store.save(&a, Lang::En).unwrap();
        let module_b = b.modules.entry("module5".into()).or_default();
        module_b.record_answer(&course, &q[1].id, 0);
        module_b.checklist.insert(
            "costs".into(),
            Tick {
                evidence: Evidence::Tool {
                    tool: crate::course::Tool::Cost,
                },
                at: now(),
            },
        );
        store.save(&b, Lang::En).unwrap();
        a.modules
            .get_mut("module5")
            .unwrap()
            .record_answer(&course, &q[2].id, 0);
        store.save(&a, Lang::En).unwrap();
        let on_disk = store.load(Lang::En, &mut Vec::new());
        let module = &on_disk.modules["module5"];
        assert_eq!(module.answers.len(), 3, "nobody's answer was lost");
        assert!(module.checklist.contains_key("costs"));
        // Erasing is not a merge.
        store
            .replace(
                &ProgressFile {
                    version: FORMAT_VERSION,
                    ..Default::default()
                },
                Lang::En,
            )
            .unwrap();
        assert!(store.load(Lang::En, &mut Vec::new()).modules.is_empty());
    }
}
