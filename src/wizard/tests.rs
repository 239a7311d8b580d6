//! The wizard's logic with a scripted prompter and canned account results.

use super::*;
use std::collections::VecDeque;

/// Answers prompts from a script; `None` leaves (as Esc does). Records
/// every prompt it was shown.
struct Script {
    answers: VecDeque<Option<usize>>,
    shown: Vec<String>,
}

impl Script {
    fn new(answers: impl IntoIterator<Item = Option<usize>>) -> Self {
        Script {
            answers: answers.into_iter().collect(),
            shown: Vec::new(),
        }
    }
}

impl Prompter for Script {
    fn select(&mut self, message: &str, options: &[String], _help: &str) -> Result<usize, Leave> {
        self.shown.push(message.to_string());
        match self.answers.pop_front() {
            Some(Some(i)) => {
                assert!(
                    i < options.len(),
                    "scripted answer {i} for {message:?} with {} options",
                    options.len()
                );
                Ok(i)
            }
            Some(None) => Err(Leave),
            None => panic!("the script ran out at {message:?}"),
        }
    }

    /// Any scripted answer keeps every option; `None` leaves.
    fn multi_select(&mut self, message: &str, options: &[String], _help: &str) -> Result<Vec<usize>, Leave> {
        self.shown.push(message.to_string());
        match self.answers.pop_front() {
            Some(Some(_)) => Ok((0..options.len()).collect()),
            Some(None) => Err(Leave),
            None => panic!("the script ran out at {message:?}"),
        }
    }

    fn text(&mut self, message: &str, _help: &str) -> Result<String, Leave> {
        self.shown.push(message.to_string());
        match self.answers.pop_front() {
            Some(Some(_)) => Ok("learner@example.com".to_string()),
            Some(None) => Err(Leave),
            None => panic!("the script ran out at {message:?}"),
        }
    }
}

fn setup() -> (tempfile::TempDir, Course, Store) {
    colored::control::set_override(false);
    let dir = tempfile::tempdir().unwrap();
    let course = Course::load(None, Lang::En, &crate::checks::known()).unwrap();
    let store = Store::at(dir.path().join("progress.json"));
    (dir, course, store)
}

/// Live checks answered from the practice accounts: each queued entry is
/// a scenario judged as if it were the learner's real account, or an error.
struct Canned<'a> {
    course: &'a Course,
    queue: VecDeque<Result<&'static str, &'static str>>,
}

impl LiveChecks for Canned<'_> {
    fn fix(&mut self, fix: Fix, _prompter: &mut dyn Prompter, out: &mut dyn Write) -> Result<(), String> {
        writeln!(out, "[fix applied: {fix:?}]").unwrap();
        Ok(())
    }

    fn tool(
        &mut self,
        tool: crate::course::Tool,
        _prompter: &mut dyn Prompter,
        out: &mut dyn Write,
    ) -> Result<(), String> {
        writeln!(out, "[tool used: {}]", tool.name()).unwrap();
        Ok(())
    }

    fn run(&mut self, ids: &[String], sandbox: bool) -> Result<LiveRun, String> {
        let scenario = if sandbox {
            Ok("neglected")
        } else {
            self.queue.pop_front().expect("a queued run")
        };
        let mut snapshot = self
            .course
            .sandbox(scenario.map_err(str::to_string)?, Lang::En)
            .unwrap();
        if !sandbox {
            snapshot.source = crate::snapshot::Source::Aws;
        }
        let judge = crate::checks::Judge {
            course: self.course,
            lang: Lang::En,
            expect_region: "eu-central-1",
        };
        Ok(LiveRun::judged(&judge, &snapshot, ids))
    }
}

fn run(course: &Course, store: &Store, script: &mut Script) -> (Outcome, String) {
    run_live(course, store, script, &[])
}

fn run_live(
    course: &Course,
    store: &Store,
    script: &mut Script,
    live: &[Result<&'static str, &'static str>],
) -> (Outcome, String) {
    let wizard = Wizard {
        course,
        lang: Lang::En,
        store,
        width: 80,
    };
    let mut out = Vec::new();
    let mut warn = Vec::new();
    let mut canned = Canned {
        course,
        queue: live.iter().cloned().collect(),
    };
    let outcome = wizard.run(script, &mut canned, &mut out, &mut warn).unwrap();
    (outcome, String::from_utf8(out).unwrap())
}

fn right_answers(course: &Course, slug: &str) -> Vec<Option<usize>> {
    course.section_questions(slug).map(|q| Some(q.answer - 1)).collect()
}

/// An option other than the right one (0-based), for each question.
fn wrong_answers(course: &Course, slug: &str) -> Vec<Option<usize>> {
    course
        .section_questions(slug)
        .map(|q| Some(q.answer % q.en.options.len()))
        .collect()
}

fn module(store: &Store) -> ModuleProgress {
    let file = store.load(Lang::En, &mut Vec::new());
    file.modules.get("module5").cloned().unwrap_or_default()
}

#[test]
fn leaving_mid_quiz_keeps_the_answers_given_and_resume_asks_only_the_rest() {
    let (_dir, course, store) = setup();
    let concepts: Vec<_> = right_answers(&course, "concepts");
    // Section 1: continue to the quiz, answer the first question, leave.
    let mut script = Script::new([Some(0), concepts[0], None]);
    let (outcome, out) = run(&course, &store, &mut script);
    assert_eq!(outcome, Outcome::Left);
    assert!(out.contains("Progress saved"), "{out}");
    let saved = module(&store);
    assert_eq!(saved.answers.len(), 1);
    assert_eq!(saved.current_section.as_deref(), Some("concepts"));

    // Resume: the menu, then the quiz prompt, then only the unanswered questions.
    let mut answers = vec![Some(0), Some(0)];
    answers.extend(concepts[1..].iter().copied());
    answers.push(None); // leave at section 2's first prompt
    let mut script = Script::new(answers);
    let (outcome, _) = run(&course, &store, &mut script);
    assert_eq!(outcome, Outcome::Left);
    assert!(script.shown[0].contains("Welcome back"), "{:?}", script.shown);
    let asked: Vec<_> = script.shown.iter().filter(|m| m.starts_with('[')).collect();
    assert_eq!(asked.len(), concepts.len() - 1, "{asked:?}");
    let saved = module(&store);
    assert_eq!(saved.answers.len(), concepts.len());
    assert!(saved.sections_done.contains_key("concepts"));
    assert_eq!(saved.current_section.as_deref(), Some("families"));
}

#[test]
fn a_failed_quiz_offers_a_retake_and_a_passed_one_ticks_the_checklist() {
    let (_dir, course, store) = setup();
    let questions: Vec<_> = course.section_questions("concepts").collect();
    let mut answers = vec![Some(0)];
    answers.extend(wrong_answers(&course, "concepts"));
    answers.push(Some(0)); // retake
    answers.extend(right_answers(&course, "concepts"));
    answers.push(Some(0)); // section 2: to the quiz
    answers.extend(right_answers(&course, "families"));
    answers.push(None);
    let mut script = Script::new(answers);
    let (_, out) = run(&course, &store, &mut script);
    assert!(out.contains("Not quite"), "{out}");
    assert!(
        out.contains("Checklist ticked: I understand the instance families"),
        "{out}"
    );
    let saved = module(&store);
    assert!(saved.checklist.contains_key("families"));
    assert!(saved.answers.values().all(|a| a.correct));
    assert!(saved.answers[&questions[0].id].attempts == 2);
}

#[test]
fn the_whole_module_can_be_finished_and_then_reviewed_or_restarted() {
    let (_dir, course, store) = setup();
    let mut answers = Vec::new();
    for section in &course.sections {
        answers.push(Some(0));
        answers.extend(right_answers(&course, &section.meta.slug));
        if section.meta.tool.is_some() {
            answers.push(Some(1)); // not now
        }
        if !crate::checks::of_section(&section.meta.slug).is_empty() {
            answers.push(Some(2)); // go on without checking the account
        }
    }
    let mut script = Script::new(answers);
    let (outcome, out) = run(&course, &store, &mut script);
    assert_eq!(outcome, Outcome::Finished);
    assert!(out.contains("Checklist (7/7)"), "{out}");
    let saved = module(&store);
    assert!(saved.completed_at.is_some());
    assert_eq!(saved.checklist.len(), 7);

    // Coming back offers review or start over; start over, confirmed, erases.
    let mut script = Script::new([Some(1), Some(1), None]);
    run(&course, &store, &mut script);
    assert!(script.shown[0].contains("finished"), "{:?}", script.shown);
    let saved = module(&store);
    assert!(saved.answers.is_empty() && saved.checklist.is_empty());
}

#[test]
fn start_over_declined_goes_back_to_the_menu_and_erases_nothing() {
    let (_dir, course, store) = setup();
    let mut script = Script::new([Some(0), right_answers(&course, "concepts")[0], None]);
    run(&course, &store, &mut script);
    // Menu: start over (2) → "keep my progress" (0) → menu again: leave.
    let mut script = Script::new([Some(2), Some(0), None]);
    let (outcome, _) = run(&course, &store, &mut script);
    assert_eq!(outcome, Outcome::Left);
    assert_eq!(script.shown.len(), 3);
    assert_eq!(module(&store).answers.len(), 1);
}

/// Starts a session at `slug` with the questions before it answered.
fn at_section(store: &Store, slug: &str) {
    let mut file = ProgressFile {
        version: crate::progress::FORMAT_VERSION,
        ..Default::default()
    };
    let module = file.modules.entry("module5".into()).or_default();
    module.current_section = Some(slug.into());
    module.started_at = Some(now());
    store.save(&file, Lang::En).unwrap();
}

#[test]
fn a_live_check_ticks_the_checklist_and_a_later_failure_falls_back_to_the_quiz() {
    let (_dir, course, store) = setup();
    at_section(&store, "start-stop");
    // Resume, quiz, then: check my account (clean) → check again
    // (neglected: apps running) → no fix now → go on → leave at section 6.
    let mut answers = vec![Some(0), Some(0)];
    answers.extend(right_answers(&course, "start-stop"));
    answers.extend([Some(0), Some(0), Some(1), Some(2), None]);
    let mut script = Script::new(answers);
    let (_, out) = run_live(&course, &store, &mut script, &[Ok("clean"), Ok("neglected")]);
    assert!(out.contains("✔ PASS  Studio apps stopped"), "{out}");
    assert!(out.contains("✘ FAIL  Studio apps stopped"), "{out}");
    assert!(
        out.contains("aws sagemaker delete-app --domain-id d-practice01"),
        "{out}"
    );
    let saved = module(&store);
    // The quiz ticked it first, the clean account made it live evidence,
    // the failing re-check put the quiz evidence back.
    let tick = &saved.checklist["stop-instances"];
    assert!(
        matches!(tick.evidence, crate::progress::Evidence::Quiz { .. }),
        "{tick:?}"
    );
    assert!(
        out.contains("Checklist ticked: I can stop instances I am not using"),
        "{out}"
    );
}

#[test]
fn live_evidence_records_the_account_and_region() {
    let (_dir, course, store) = setup();
    at_section(&store, "optimization");
    // Answer the quiz wrongly (no quiz tick), then check the clean account.
    let mut answers = vec![Some(0), Some(0)];
    answers.extend(wrong_answers(&course, "optimization"));
    answers.extend([Some(1), Some(0), Some(2), None]);
    let mut script = Script::new(answers);
    let (_, out) = run_live(&course, &store, &mut script, &[Ok("clean")]);
    let tick = &module(&store).checklist["cost-optimization"];
    assert_eq!(
        tick.evidence,
        crate::progress::Evidence::Live {
            checks: vec!["budget".into(), "idle-shutdown".into()],
            account: "111122223333".into(),
            region: "eu-central-1".into()
        }
    );
    assert!(
        out.contains("Checklist ticked: I know cost optimisation practices"),
        "{out}"
    );
}

#[test]
fn sandbox_results_and_failed_runs_never_tick() {
    let (_dir, course, store) = setup();
    at_section(&store, "optimization");
    let mut answers = vec![Some(0), Some(0)];
    answers.extend(wrong_answers(&course, "optimization"));
    // Move on from the failed quiz, then: sandbox → my account (fails:
    // no credentials) → go on → leave.
    answers.extend([Some(1), Some(1), Some(0), Some(2), None]);
    let mut script = Script::new(answers);
    let (_, out) = run_live(&course, &store, &mut script, &[Err("no AWS credentials found")]);
    assert!(out.contains("practice account (sandbox)"), "{out}");
    assert!(out.contains("Sandbox results never tick the checklist."), "{out}");
    assert!(
        out.contains("Could not check the account: no AWS credentials found"),
        "{out}"
    );
    assert!(module(&store).checklist.is_empty());
}

#[test]
fn a_failed_check_on_the_real_account_offers_its_fix() {
    let (_dir, course, store) = setup();
    at_section(&store, "optimization");
    // Quiz right, check the neglected account, pick the first fix offered
    // (the budget), then go on and leave.
    let mut answers = vec![Some(0), Some(0)];
    answers.extend(right_answers(&course, "optimization"));
    answers.extend([Some(0), Some(0), Some(2), None]);
    let mut script = Script::new(answers);
    let (_, out) = run_live(&course, &store, &mut script, &[Ok("neglected")]);
    assert!(
        script.shown.iter().any(|m| m == "Fix something now?"),
        "{:?}",
        script.shown
    );
    assert!(out.contains("[fix applied: Budget]"), "{out}");
}

#[test]
fn using_a_sections_tool_ticks_its_checklist_item() {
    let (_dir, course, store) = setup();
    at_section(&store, "selection");
    // Quiz answered wrongly (no quiz tick), move on, then use the advisor.
    let mut answers = vec![Some(0), Some(0)];
    answers.extend(wrong_answers(&course, "selection"));
    answers.extend([Some(1), Some(0), None]);
    let mut script = Script::new(answers);
    let (_, out) = run_live(&course, &store, &mut script, &[]);
    assert!(out.contains("[tool used: advise]"), "{:?}", script.shown);
    let tick = &module(&store).checklist["selection"];
    assert_eq!(
        tick.evidence,
        crate::progress::Evidence::Tool {
            tool: crate::course::Tool::Advise
        }
    );
}
