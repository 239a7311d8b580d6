//! The wizard's logic with a scripted prompter and canned account results.

use super::*;
use crate::progress::ModuleProgress;
use std::collections::VecDeque;

/// In a script: the right option of the question shown, wherever the
/// shuffle put it.
const RIGHT: usize = usize::MAX;
/// In a script: an option other than the right one.
const WRONG: usize = usize::MAX - 1;

/// Answers prompts from a script; `None` leaves (as Esc does). Records
/// every prompt it was shown, and the options of each.
struct Script {
    answers: VecDeque<Option<usize>>,
    shown: Vec<String>,
    options: Vec<Vec<String>>,
    /// Where each select's cursor started.
    starts: Vec<usize>,
    /// How many prompts had been shown at each pause.
    pauses: Vec<usize>,
    /// Esc at the pause with this number (0-based), else Enter.
    leave_at_pause: Option<usize>,
    /// Each question's prompt (English) and its right option's text.
    key: Vec<(String, String)>,
}

impl Script {
    fn new(answers: impl IntoIterator<Item = Option<usize>>) -> Self {
        let course = Course::load(None, Lang::En, &crate::checks::known()).unwrap();
        Script {
            answers: answers.into_iter().collect(),
            shown: Vec::new(),
            options: Vec::new(),
            starts: Vec::new(),
            pauses: Vec::new(),
            leave_at_pause: None,
            key: course
                .questions
                .iter()
                .map(|q| (q.en.prompt.clone(), q.en.options[q.answer - 1].clone()))
                .collect(),
        }
    }

    fn right_option(&self, message: &str) -> &str {
        let (_, right) = self
            .key
            .iter()
            .find(|(prompt, _)| message.ends_with(prompt.as_str()))
            .unwrap_or_else(|| panic!("{message:?} is not a question"));
        right
    }
}

impl Prompter for Script {
    fn select_from(&mut self, message: &str, options: &[String], _help: &str, start: usize) -> Result<usize, Leave> {
        self.shown.push(message.to_string());
        self.options.push(options.to_vec());
        self.starts.push(start);
        match self.answers.pop_front() {
            Some(Some(RIGHT)) => {
                let right = self.right_option(message);
                Ok(options
                    .iter()
                    .position(|o| o == right)
                    .expect("the right option is shown"))
            }
            Some(Some(WRONG)) => {
                let right = self.right_option(message);
                Ok(options.iter().position(|o| o != right).unwrap())
            }
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

    fn pause(&mut self, _message: &str) -> Result<(), Leave> {
        let number = self.pauses.len();
        self.pauses.push(self.shown.len());
        if self.leave_at_pause == Some(number) {
            Err(Leave)
        } else {
            Ok(())
        }
    }
}

/// `text` with every run of white space (line breaks, indents) as one space.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
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
    /// The accounts a hands-on task's checks read, in turn.
    snapshots: VecDeque<crate::snapshot::Snapshot>,
    /// Between checks: true waits on, false is Esc.
    waits: VecDeque<bool>,
    checked: usize,
    /// Accounts the live checks read before the queued scenarios, in turn.
    accounts: VecDeque<crate::snapshot::Snapshot>,
}

impl<'a> Canned<'a> {
    /// Nothing queued: every reading must be given by the test.
    fn new(course: &'a Course) -> Self {
        Canned {
            course,
            queue: VecDeque::new(),
            snapshots: VecDeque::new(),
            waits: VecDeque::new(),
            checked: 0,
            accounts: VecDeque::new(),
        }
    }
}

impl LiveChecks for Canned<'_> {
    fn snapshot(&mut self, _sandbox: bool) -> Result<crate::snapshot::Snapshot, String> {
        self.checked += 1;
        self.snapshots
            .pop_front()
            .ok_or_else(|| "no AWS credentials found".to_string())
    }

    fn wait(&mut self) -> bool {
        self.waits.pop_front().expect("a scripted wait")
    }

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
        if !sandbox && let Some(account) = self.accounts.pop_front() {
            let prices = crate::catalog::prices::PriceBook::new(&self.course.instances);
            let judge = crate::checks::Judge {
                course: self.course,
                prices: &prices,
                lang: Lang::En,
                expect_region: "eu-central-1",
            };
            return Ok(LiveRun::judged(&judge, &account, ids));
        }
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
            prices: &crate::catalog::prices::PriceBook::new(&self.course.instances),
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
    let wizard = Wizard::new(course, Lang::En, store, 80, 42);
    let mut out = Vec::new();
    let mut warn = Vec::new();
    let mut canned = Canned {
        queue: live.iter().cloned().collect(),
        ..Canned::new(course)
    };
    let outcome = wizard.run(script, &mut canned, &mut out, &mut warn).unwrap();
    (outcome, String::from_utf8(out).unwrap())
}

/// Runs the wizard with hands-on tasks checked against `snapshots` in turn,
/// `waits` answering each wait between checks; returns how many checks ran.
fn run_tasks(
    course: &Course,
    store: &Store,
    script: &mut Script,
    snapshots: Vec<crate::snapshot::Snapshot>,
    waits: &[bool],
) -> (String, usize) {
    let wizard = Wizard::new(course, Lang::En, store, 80, 42);
    let mut out = Vec::new();
    let mut canned = Canned {
        snapshots: snapshots.into(),
        waits: waits.iter().copied().collect(),
        ..Canned::new(course)
    };
    wizard.run(script, &mut canned, &mut out, &mut Vec::new()).unwrap();
    (String::from_utf8(out).unwrap(), canned.checked)
}

/// The learner's real account (the clean practice account, read as if it
/// were AWS) with `apps` as its Studio apps and no notebook instance.
fn account_with(course: &Course, apps: Vec<crate::snapshot::App>) -> crate::snapshot::Snapshot {
    let mut s = course.sandbox("clean", Lang::En).unwrap();
    s.source = crate::snapshot::Source::Aws;
    s.apps = Ok(apps);
    s.notebook_instances = Ok(Vec::new());
    s
}

/// A JupyterLab app in space `lab`, created now.
fn lab_app(status: &str) -> crate::snapshot::App {
    crate::snapshot::App {
        domain_id: "d-1".into(),
        user_profile: None,
        space: Some("lab".into()),
        app_type: "JupyterLab".into(),
        name: "default".into(),
        status: status.into(),
        instance_type: Some("ml.t3.medium".into()),
        created_at: Some(now()),
        image: None,
        activity: None,
    }
}

/// One attempt at a section's quiz, every question right.
fn right_answers(course: &Course, slug: &str) -> Vec<Option<usize>> {
    vec![Some(RIGHT); QUIZ_DRAW.min(course.section_questions(slug).count())]
}

/// One attempt at a section's quiz, every question wrong twice (the first
/// try, then the try after the hint).
fn wrong_answers(course: &Course, slug: &str) -> Vec<Option<usize>> {
    vec![Some(WRONG); 2 * QUIZ_DRAW.min(course.section_questions(slug).count())]
}

/// The answers that skip a section's hands-on tasks.
fn task_skips(course: &Course, slug: &str) -> Vec<Option<usize>> {
    course
        .tasks
        .iter()
        .filter(|t| t.section == slug)
        .map(|_| Some(1))
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
fn a_failed_quiz_offers_a_retake_of_other_questions_and_a_passed_one_ticks_the_checklist() {
    let (_dir, course, store) = setup();
    let mut answers = vec![Some(0)];
    answers.extend(wrong_answers(&course, "concepts"));
    answers.push(Some(0)); // retake
    answers.extend(right_answers(&course, "concepts"));
    answers.push(Some(0)); // section 2: to the quiz
    answers.extend(right_answers(&course, "families"));
    answers.push(None);
    let mut script = Script::new(answers);
    let (_, out) = run(&course, &store, &mut script);
    assert!(out.contains("You got 0 of 3 right"), "{out}");
    assert!(out.contains("Quiz passed: 3 of 3 correct."), "{out}");
    assert!(
        out.contains("Checklist ticked: I understand the instance families"),
        "{out}"
    );
    // Three questions per attempt; the retake is not the same three (five
    // in the pool: the two never asked, and one of the first attempt's).
    let asked: Vec<&str> = script
        .shown
        .iter()
        .filter(|m| m.starts_with('['))
        .map(|m| m.split_once("] ").unwrap().1)
        .collect();
    let first: std::collections::BTreeSet<_> = asked[..6].iter().collect();
    let retake: std::collections::BTreeSet<_> = asked[6..9].iter().collect();
    assert_eq!(first.len(), 3, "{asked:?}");
    assert_eq!(retake.len(), 3, "{asked:?}");
    assert_eq!(first.intersection(&retake).count(), 1, "{asked:?}");
    let saved = module(&store);
    assert!(saved.checklist.contains_key("families"));
    assert_eq!(saved.answers.len(), 5 + 3);
    assert_eq!(saved.answers.values().filter(|a| a.attempts == 2).count(), 1);
}

#[test]
fn a_wrong_answer_shows_the_hint_and_allows_one_more_try_which_does_not_score() {
    let (_dir, course, store) = setup();
    // Quiz: wrong then right (after the hint), then two right; leave.
    let mut script = Script::new([Some(0), Some(WRONG), Some(RIGHT), Some(RIGHT), Some(RIGHT), None]);
    let (_, out) = run(&course, &store, &mut script);
    // Wrapped to the width: compared with line breaks and indents as spaces.
    let out = flat(&out);
    let first = course
        .questions
        .iter()
        .find(|q| script.shown[1].ends_with(&q.en.prompt))
        .unwrap();
    assert!(
        out.contains(&flat(&format!("Not yet. Hint: {}", first.en.hint.as_deref().unwrap()))),
        "{out}"
    );
    assert!(out.contains("Right on the second try"), "{out}");
    assert_eq!(script.shown[1], script.shown[2], "the same question again");
    assert_eq!(script.options[1], script.options[2], "in the same order");
    // The explanation comes after the second try, not before.
    let hint_at = out.find("Not yet. Hint").unwrap();
    let explained_at = out.find(&flat(&first.en.explanation)[..40]).unwrap();
    assert!(hint_at < explained_at);
    let saved = module(&store);
    let answer = &saved.answers[&first.id];
    assert!(!answer.correct, "only the first try scores");
    assert_eq!(answer.second_try, Some(first.answer));
    assert_eq!(saved.quiz_score(&course, "concepts"), (2, 3));
    assert!(saved.quiz_passed(&course, "concepts"));
}

#[test]
fn options_are_shuffled_and_the_answer_is_stored_by_identity() {
    let (_dir, course, store) = setup();
    let mut script = Script::new([Some(0), Some(RIGHT), Some(RIGHT), Some(RIGHT), None]);
    run(&course, &store, &mut script);
    let saved = module(&store);
    let mut moved = 0;
    for (message, options) in script.shown.iter().zip(&script.options).skip(1).take(3) {
        let q = course
            .questions
            .iter()
            .find(|q| message.ends_with(&q.en.prompt))
            .unwrap();
        let mut sorted = options.clone();
        sorted.sort();
        let mut original = q.en.options.clone();
        original.sort();
        assert_eq!(sorted, original, "the same options");
        if *options != q.en.options {
            moved += 1;
        }
        // Stored as its place in quiz.toml, whatever place it was shown in.
        assert_eq!(saved.answers[&q.id].choice, q.answer);
        assert!(saved.answers[&q.id].correct);
    }
    assert!(moved > 0, "with seed 42 at least one question is shown shuffled");
}

#[test]
fn draws_are_repeatable_from_a_seed_and_a_retake_prefers_questions_not_just_asked() {
    let (_dir, course, _store) = setup();
    let pool: Vec<_> = course.section_questions("troubleshooting").collect();
    assert_eq!(pool.len(), 6);
    let mut module = ModuleProgress::default();
    let ids = |qs: &[&Question]| qs.iter().map(|q| q.id.clone()).collect::<Vec<_>>();
    let first = draw(&pool, &module, "troubleshooting", &mut Rng::new(1));
    assert_eq!(
        ids(&first),
        ids(&draw(&pool, &module, "troubleshooting", &mut Rng::new(1)))
    );
    assert_eq!(first.len(), QUIZ_DRAW);
    // Some seed draws another set from the same state.
    assert!((2..50).any(|seed| ids(&draw(&pool, &module, "troubleshooting", &mut Rng::new(seed))) != ids(&first)));
    for q in &first {
        module.record_answer(&course, &q.id, 0);
    }
    module.quiz_rounds.insert(
        "troubleshooting".into(),
        crate::progress::QuizRound {
            questions: ids(&first),
            at: now(),
        },
    );
    // Six in the pool: a retake is the other three, whatever the seed.
    for seed in 0..20 {
        let retake = draw(&pool, &module, "troubleshooting", &mut Rng::new(seed));
        assert!(retake.iter().all(|q| !first.iter().any(|f| f.id == q.id)));
    }
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
        answers.extend(task_skips(&course, &section.meta.slug));
        if !crate::checks::of_section(&section.meta.slug).is_empty() {
            answers.push(Some(2)); // go on without checking the account
        }
    }
    let mut script = Script::new(answers);
    let (outcome, out) = run(&course, &store, &mut script);
    assert_eq!(outcome, Outcome::Finished);
    // Quizzes and tools tick four items; the other four need the account.
    assert!(out.contains("Checklist (4/8)"), "{out}");
    let saved = module(&store);
    assert!(saved.completed_at.is_some());
    assert_eq!(saved.checklist.len(), 4);

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

/// From the resume menu of a session at section 5 to its live checks: resume,
/// on to the quiz, every question right, both hands-on tasks skipped.
fn to_start_stop_checks(course: &Course) -> Vec<Option<usize>> {
    let mut answers = vec![Some(0), Some(0)];
    answers.extend(right_answers(course, "start-stop"));
    answers.extend(task_skips(course, "start-stop"));
    answers
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
fn section_5_checks_passing_on_an_account_where_nothing_ran_tick_nothing() {
    let (_dir, course, store) = setup();
    at_section(&store, "start-stop");
    // Resume, quiz, then: check my account (clean) → check again
    // (neglected: apps running) → no fix now → go on → leave at section 6.
    let mut answers = to_start_stop_checks(&course);
    answers.extend([Some(0), Some(0), Some(1), Some(2), None]);
    let mut script = Script::new(answers);
    let (_, out) = run_live(&course, &store, &mut script, &[Ok("clean"), Ok("neglected")]);
    assert!(out.contains("✔ PASS  Studio apps stopped"), "{out}");
    assert!(out.contains("✘ FAIL  Studio apps stopped"), "{out}");
    assert!(
        out.contains("aws sagemaker delete-app --domain-id d-practice01"),
        "{out}"
    );
    // Neither the quiz nor the passing checks prove anything was started or stopped.
    let saved = module(&store);
    assert!(!saved.checklist.contains_key("stop-instances"), "{:?}", saved.checklist);
    assert!(!saved.checklist.contains_key("start-notebook"));
    assert!(!out.contains("Checklist ticked"), "{out}");
}

#[test]
fn live_evidence_records_the_account_and_region() {
    let (_dir, course, store) = setup();
    at_section(&store, "optimization");
    // Answer the quiz wrongly (no quiz tick), then check the clean account.
    let mut answers = vec![Some(0), Some(0)];
    answers.extend(wrong_answers(&course, "optimization"));
    answers.push(Some(1)); // move on
    answers.extend(task_skips(&course, "optimization"));
    answers.extend([Some(0), Some(2), None]);
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
    answers.push(Some(1));
    answers.extend(task_skips(&course, "optimization"));
    answers.extend([Some(1), Some(0), Some(2), None]);
    let mut script = Script::new(answers);
    let (_, out) = run_live(&course, &store, &mut script, &[Err("no AWS credentials found")]);
    let out = flat(&out);
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
    answers.extend(task_skips(&course, "optimization"));
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

#[test]
fn section_5_offers_the_start_task_rechecks_until_proven_then_the_stop_task() {
    let (_dir, course, store) = setup();
    at_section(&store, "start-stop");
    // Resume, the quiz; the start task: "done, check" — the first check finds
    // nothing, a wait, the second finds the space running; the stop task:
    // "done, check" — deleted, proven at once; then skip the checks, leave.
    let mut answers = vec![Some(0), Some(0)];
    answers.extend(right_answers(&course, "start-stop"));
    answers.extend([Some(0), Some(0), Some(2), None]);
    let mut script = Script::new(answers);
    let snapshots = vec![
        account_with(&course, Vec::new()),
        account_with(&course, vec![lab_app("InService")]),
        account_with(&course, vec![lab_app("Deleted")]),
    ];
    let (out, checked) = run_tasks(&course, &store, &mut script, snapshots, &[true]);
    assert_eq!(checked, 3);
    assert!(
        out.contains("Hands-on task: Start a notebook on an instance you choose"),
        "{out}"
    );
    assert!(out.contains("No notebook started since you began the module"), "{out}");
    assert!(
        out.contains("Started: JupyterLab “lab/default” on ml.t3.medium"),
        "{out}"
    );
    assert!(
        out.contains("Checklist ticked: I can start a notebook on a specific instance"),
        "{out}"
    );
    assert!(
        out.contains("Stopped: JupyterLab “lab/default” (ml.t3.medium)"),
        "{out}"
    );
    assert!(
        out.contains("Checklist ticked: I can stop instances I am not using"),
        "{out}"
    );
    let saved = module(&store);
    for item in ["start-notebook", "stop-instances"] {
        assert_eq!(saved.checklist[item].evidence.kind(), "task", "{item}");
    }
    assert!(saved.tasks.contains_key("start-notebook") && saved.tasks.contains_key("stop-notebook"));
}

#[test]
fn esc_while_waiting_stops_checking_and_ticks_nothing() {
    let (_dir, course, store) = setup();
    at_section(&store, "start-stop");
    // The start task: check, nothing found, Esc while waiting; skip the stop
    // task and the checks; leave.
    let mut answers = vec![Some(0), Some(0)];
    answers.extend(right_answers(&course, "start-stop"));
    answers.extend([Some(0), Some(1), Some(2), None]);
    let mut script = Script::new(answers);
    let (out, checked) = run_tasks(
        &course,
        &store,
        &mut script,
        vec![account_with(&course, Vec::new())],
        &[false],
    );
    assert_eq!(checked, 1);
    assert!(
        out.contains("Stopped checking. `sm-course module5 verify start-notebook`"),
        "{out}"
    );
    assert!(module(&store).checklist.is_empty());
}

#[test]
fn section_7_fixes_are_a_shortcut_that_counts_once_verified() {
    let (_dir, course, store) = setup();
    at_section(&store, "optimization");
    // The quiz wrong (no tick), move on; the budget task: the fix shortcut
    // (index 2), then the check (the clean account has the budget, and idle
    // shutdown on, so both tasks are proven); the idle-shutdown task is then
    // only mentioned; skip the checks and leave.
    let mut answers = vec![Some(0), Some(0)];
    answers.extend(wrong_answers(&course, "optimization"));
    answers.extend([Some(1), Some(2), Some(2), None]);
    let mut script = Script::new(answers);
    let (out, checked) = run_tasks(
        &course,
        &store,
        &mut script,
        vec![account_with(&course, Vec::new())],
        &[],
    );
    assert_eq!(checked, 1);
    assert!(out.contains("[fix applied: Budget]"), "{out}");
    assert!(
        out.contains("Task already proven: Built-in idle shutdown is on"),
        "{out}"
    );
    assert!(
        out.contains("Checklist ticked: I know cost optimisation practices"),
        "{out}"
    );
    let tick = &module(&store).checklist["cost-optimization"];
    match &tick.evidence {
        crate::progress::Evidence::Task { tasks, .. } => assert_eq!(tasks, &["create-budget", "idle-shutdown"]),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_wizards_own_stop_and_a_passing_recheck_prove_the_stop_task_and_the_menu_moves_on() {
    let (_dir, course, store) = setup();
    at_section(&store, "start-stop");
    // Resume, the quiz, skip both tasks; check the account (an app started
    // in this module still runs) → stop it (the fix) → check again (it is
    // deleted) → go on → leave at section 6.
    let mut answers = to_start_stop_checks(&course);
    answers.extend([Some(0), Some(0), Some(0), Some(2), None]);
    let mut script = Script::new(answers);
    let wizard = Wizard::new(&course, Lang::En, &store, 80, 42);
    let mut out = Vec::new();
    let mut canned = Canned {
        accounts: [
            account_with(&course, vec![lab_app("InService")]),
            account_with(&course, vec![lab_app("Deleted")]),
        ]
        .into(),
        ..Canned::new(&course)
    };
    wizard.run(&mut script, &mut canned, &mut out, &mut Vec::new()).unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("[fix applied: StopRunning]"), "{out}");
    assert!(
        out.contains("Stopped: JupyterLab “lab/default” (ml.t3.medium)"),
        "{out}"
    );
    assert!(
        out.contains("Checklist ticked: I can stop instances I am not using"),
        "{out}"
    );
    // The same evidence `verify stop-instances` records.
    let saved = module(&store);
    let tick = &saved.checklist["stop-instances"];
    match &tick.evidence {
        crate::progress::Evidence::Task { tasks, proofs, .. } => {
            assert_eq!(tasks, &["stop-notebook"]);
            assert_eq!(proofs[0].status.as_deref(), Some("Deleted"));
        }
        other => panic!("{other:?}"),
    }
    assert!(saved.tasks.contains_key("stop-notebook"));
    // The menu: "check my account" first; after the failing run the same;
    // after the passing re-check, "go on".
    let menus: Vec<usize> = script
        .shown
        .iter()
        .zip(&script.starts)
        .filter(|(m, _)| m.contains("Check your AWS account") || m.contains("Check again"))
        .map(|(_, start)| *start)
        .collect();
    assert_eq!(menus, [0, 0, 2], "{:?}", script.shown);
}

#[test]
fn a_recheck_that_still_fails_after_the_fix_proves_nothing() {
    let (_dir, course, store) = setup();
    at_section(&store, "start-stop");
    let mut answers = to_start_stop_checks(&course);
    // Check → stop → check again (still running) → not now → go on → leave.
    answers.extend([Some(0), Some(0), Some(0), Some(1), Some(2), None]);
    let mut script = Script::new(answers);
    let wizard = Wizard::new(&course, Lang::En, &store, 80, 42);
    let mut canned = Canned {
        accounts: [
            account_with(&course, vec![lab_app("InService")]),
            account_with(&course, vec![lab_app("InService")]),
        ]
        .into(),
        ..Canned::new(&course)
    };
    wizard
        .run(&mut script, &mut canned, &mut Vec::new(), &mut Vec::new())
        .unwrap();
    assert!(!module(&store).checklist.contains_key("stop-instances"));
    let last_menu = script.shown.iter().rposition(|m| m.contains("Check again")).unwrap();
    assert_eq!(script.starts[last_menu], 0, "something is still left to do");
}

/// What a 60×24 terminal was shown, in order: lines of text, prompts
/// (with the rows they take) and pauses.
#[derive(Debug)]
enum Shown {
    Line(String),
    Prompt(usize),
    Pause,
}

type Transcript = std::rc::Rc<RefCell<Vec<Shown>>>;

/// Output that logs each line it shows into the transcript.
struct Screen60 {
    log: Transcript,
    line: Vec<u8>,
}

impl Write for Screen60 {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for &b in buf {
            if b == b'\n' {
                let line = String::from_utf8(std::mem::take(&mut self.line)).unwrap();
                self.log.borrow_mut().push(Shown::Line(line));
            } else {
                self.line.push(b);
            }
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The script, logging each prompt and pause into the transcript.
struct Logged<'s> {
    script: &'s mut Script,
    log: Transcript,
}

impl Prompter for Logged<'_> {
    fn select_from(&mut self, message: &str, options: &[String], help: &str, start: usize) -> Result<usize, Leave> {
        let rows = crate::ui::prompt::Layout::choice(message, options, help, 59, false, 10).rows();
        self.log.borrow_mut().push(Shown::Prompt(rows));
        self.script.select_from(message, options, help, start)
    }
    fn multi_select(&mut self, message: &str, options: &[String], help: &str) -> Result<Vec<usize>, Leave> {
        self.script.multi_select(message, options, help)
    }
    fn text(&mut self, message: &str, help: &str) -> Result<String, Leave> {
        self.script.text(message, help)
    }
    fn pause(&mut self, message: &str) -> Result<(), Leave> {
        self.log.borrow_mut().push(Shown::Pause);
        self.script.pause(message)
    }
}

/// Runs the wizard on a 60×24 screen; the transcript, the outcome and the warnings.
fn run_on_60x24(course: &Course, store: &Store, script: &mut Script) -> (Vec<Shown>, Outcome, String) {
    let log: Transcript = Default::default();
    let mut screen = Screen60 {
        log: log.clone(),
        line: Vec::new(),
    };
    let wizard = Wizard::new(course, Lang::En, store, 59, 42).paced(Screen::Fixed { rows: 24, cols: 60 });
    let mut canned = Canned::new(course);
    let mut logged = Logged {
        script,
        log: log.clone(),
    };
    let mut warn = Vec::new();
    let outcome = wizard.run(&mut logged, &mut canned, &mut screen, &mut warn).unwrap();
    drop((screen, logged));
    let shown = std::rc::Rc::try_unwrap(log).unwrap().into_inner();
    (shown, outcome, String::from_utf8(warn).unwrap())
}

/// Where the first line containing `text` was shown.
fn line_at(shown: &[Shown], text: &str) -> usize {
    shown
        .iter()
        .position(|s| matches!(s, Shown::Line(l) if l.contains(text)))
        .unwrap_or_else(|| panic!("{text:?} not shown: {shown:?}"))
}

/// A pause between two moments of the transcript.
fn paused_between(shown: &[Shown], from: usize, to: usize) -> bool {
    shown[from..to].iter().any(|s| matches!(s, Shown::Pause))
}

#[test]
fn at_60_by_24_nothing_scrolls_away_before_the_learner_has_moved_on() {
    let (_dir, course, store) = setup();
    // Section 1 and its quiz, passed; leave at section 2's quiz prompt.
    let mut answers = vec![Some(0)];
    answers.extend(right_answers(&course, "concepts"));
    answers.push(None);
    let mut script = Script::new(answers);
    let (shown, outcome, _) = run_on_60x24(&course, &store, &mut script);
    assert_eq!(outcome, Outcome::Left);
    // Between two moments the learner pressed a key, what was shown fits on
    // 24 rows: text keeps the bottom row free (the cursor's, where the
    // pause line goes); a prompt may end on it.
    let mut unread = 0;
    for s in &shown {
        match s {
            Shown::Line(l) => {
                assert!(textwrap::core::display_width(l) <= 60, "{l:?}");
                unread += 1;
            }
            Shown::Prompt(rows) => {
                assert!(
                    unread + rows <= 24,
                    "{unread} rows unread above a prompt of {rows}: {shown:#?}"
                );
                unread = 0;
            }
            Shown::Pause => {
                assert!(unread <= 23, "{unread} rows before a pause: {shown:#?}");
                unread = 0;
            }
        }
    }
    // Section 1 is longer than a screen: it was paged.
    let section_1 = line_at(&shown, "1. Core concepts");
    let quiz = shown.iter().position(|s| matches!(s, Shown::Prompt(_))).unwrap();
    assert!(paused_between(&shown, section_1, quiz), "{shown:#?}");
    // The objectives are read before section 1 begins; the last
    // explanation and "Quiz passed" before section 2 does.
    let objectives = line_at(&shown, "By the end of this module");
    assert!(paused_between(&shown, objectives, section_1));
    let passed = line_at(&shown, "Quiz passed: 3 of 3 correct.");
    let section_2 = line_at(&shown, "2. Instance families");
    assert!(paused_between(&shown, passed, section_2), "{shown:#?}");
}

#[test]
fn esc_at_a_pause_leaves_with_the_progress_saved() {
    let (_dir, course, store) = setup();
    let mut script = Script::new([Some(0), Some(RIGHT)]);
    // The second pause: inside section 1's text, after the objectives'.
    script.leave_at_pause = Some(1);
    let (shown, outcome, _) = run_on_60x24(&course, &store, &mut script);
    assert_eq!(outcome, Outcome::Left);
    assert_eq!(script.shown.len(), 0, "no prompt was reached");
    let saved = line_at(&shown, "Progress saved in");
    assert!(
        !shown[..saved]
            .iter()
            .any(|s| matches!(s, Shown::Line(l) if l.contains("Ready for")))
    );
    assert_eq!(module(&store).current_section.as_deref(), Some("concepts"));
}

#[test]
fn a_warning_at_start_up_is_shown_wrapped_and_read_before_the_course_text() {
    let (_dir, course, store) = setup();
    std::fs::write(store.path(), "{ not json").unwrap();
    let mut script = Script::new([None]);
    let (shown, _, warning) = run_on_60x24(&course, &store, &mut script);
    assert!(warning.contains("corrupt"), "{warning}");
    assert!(
        warning.lines().all(|l| textwrap::core::display_width(l) <= 59),
        "{warning}"
    );
    // The warning's lines went to stderr: the first thing in the
    // transcript is the pause, before the module's heading.
    assert!(matches!(shown[0], Shown::Pause), "{shown:#?}");
    assert_eq!(script.pauses[0], 0);
}

#[test]
fn section_9_offers_the_teardown_and_ticks_nothing_billing_once_the_account_proves_it() {
    let (_dir, course, store) = setup();
    at_section(&store, "checklist");
    // Resume; the checklist, then the teardown task: its fix (the teardown itself,
    // index 2), then the check; leave at section 10.
    let mut script = Script::new([Some(0), Some(0), Some(2), None]);
    let mut empty = account_with(&course, Vec::new());
    empty.spaces = Ok(Vec::new());
    empty.file_systems = Ok(Vec::new());
    empty.endpoints = Ok(Vec::new());
    let (out, checked) = run_tasks(&course, &store, &mut script, vec![empty], &[]);
    assert_eq!(checked, 1);
    assert!(out.contains("Finish the course with nothing left billing"), "{out}");
    assert!(out.contains("[fix applied: Teardown]"), "{out}");
    assert!(
        out.contains("Checklist ticked: Nothing left billing at the end of the course"),
        "{out}"
    );
    let tick = &module(&store).checklist["nothing-billing"];
    assert_eq!(tick.evidence.kind(), "task");
}
