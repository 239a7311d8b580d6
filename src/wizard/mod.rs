//! `sm-course module5`: the guided wizard. Objectives first, then each
//! section's text and quiz, saving after every answer so leaving at any
//! prompt loses nothing.

pub mod prompter;

use std::io::Write;

use colored::Colorize;

use crate::checklist;
use crate::course::{Course, render};
use crate::error::{Error, Result};
use crate::i18n::{Lang, tr, trf};
use crate::progress::{ModuleProgress, ProgressFile, Store, now};
pub use prompter::{InquirePrompter, Leave, Prompter};

/// What a run of live checks returned, judged.
pub struct LiveRun {
    pub results: Vec<crate::checks::CheckResult>,
    pub source: crate::snapshot::Source,
    pub account: Option<String>,
    pub region: Option<String>,
    pub taken_at: String,
}

/// A fix the wizard can offer after a failed check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fix {
    /// Stop the Studio apps and notebook instances still running.
    StopRunning,
    /// Create the course budget.
    Budget,
    /// Turn on idle shutdown on the domain.
    IdleShutdown,
}

/// The seam between the wizard and the account: the real one reads AWS (or
/// the sandbox); tests give canned results.
pub trait LiveChecks {
    /// Runs the checks `ids`, on the sandbox practice account when `sandbox`.
    /// The error is a message for the learner (no credentials, say).
    fn run(&mut self, ids: &[String], sandbox: bool) -> Result<LiveRun, String>;

    /// Applies `fix` on the learner's account, asking through `prompter`
    /// before any change.
    fn fix(&mut self, fix: Fix, prompter: &mut dyn Prompter, out: &mut dyn Write) -> Result<(), String>;

    /// Runs one of the learner's tools interactively.
    fn tool(
        &mut self,
        tool: crate::course::Tool,
        prompter: &mut dyn Prompter,
        out: &mut dyn Write,
    ) -> Result<(), String>;
}

/// How a wizard session ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Reached the end of the module.
    Finished,
    /// Left at a prompt; everything answered is saved.
    Left,
}

pub struct Wizard<'a> {
    pub course: &'a Course,
    pub lang: Lang,
    pub store: &'a Store,
    pub width: usize,
}

/// Where a session starts.
enum Start {
    Resume(usize),
    Review,
    Fresh,
}

impl Wizard<'_> {
    pub fn run(
        &self,
        prompter: &mut dyn Prompter,
        live: &mut dyn LiveChecks,
        out: &mut dyn Write,
        warn: &mut dyn Write,
    ) -> Result<Outcome> {
        let mut file = self.store.load(self.lang, warn);
        // Saving once up front finds an unwritable data directory before the
        // learner answers anything that could not be kept.
        self.store.save(&file, self.lang)?;
        match self.session(&mut file, prompter, live, out) {
            Ok(outcome) => Ok(outcome),
            Err(Step::Leave) => {
                self.save(&mut file)?;
                self.say(
                    out,
                    &format!(
                        "\n{}",
                        trf(self.lang, "wizard.saved", &[("path", &self.store.path().display())])
                    ),
                )?;
                Ok(Outcome::Left)
            }
            Err(Step::Fail(e)) => Err(e),
        }
    }

    fn module<'f>(&self, file: &'f mut ProgressFile) -> &'f mut ModuleProgress {
        file.modules.entry(self.course.id.clone()).or_default()
    }

    fn save(&self, file: &mut ProgressFile) -> Result<()> {
        self.store.save(file, self.lang)
    }

    fn say(&self, out: &mut dyn Write, text: &str) -> Result<()> {
        writeln!(out, "{text}").map_err(|source| Error::Io {
            action: tr(self.lang, "io.write_output").to_string(),
            path: "-".into(),
            source,
        })
    }

    fn ask(&self, prompter: &mut dyn Prompter, message: &str, options: &[String]) -> Result<usize, Step> {
        prompter
            .select(message, options, tr(self.lang, "wizard.help"))
            .map_err(|Leave| Step::Leave)
    }

    fn session(
        &self,
        file: &mut ProgressFile,
        prompter: &mut dyn Prompter,
        live: &mut dyn LiveChecks,
        out: &mut dyn Write,
    ) -> Result<Outcome, Step> {
        let lang = self.lang;
        let start = loop {
            let module = self.module(file);
            if module.is_empty() {
                break Start::Fresh;
            }
            let resume_at = module.resume_index(self.course);
            let mut options = Vec::new();
            if module.completed_at.is_none() {
                let s = &self.course.sections[resume_at];
                options.push(trf(
                    lang,
                    "wizard.resume",
                    &[("number", &s.meta.number), ("title", &s.meta.title.get(lang))],
                ));
            }
            options.push(tr(lang, "wizard.review").to_string());
            options.push(tr(lang, "wizard.start_over").to_string());
            let message = if module.completed_at.is_some() {
                tr(lang, "wizard.welcome_done")
            } else {
                tr(lang, "wizard.welcome_back")
            };
            let choice = self.ask(prompter, message, &options)?;
            let choice = if module.completed_at.is_some() {
                choice + 1
            } else {
                choice
            };
            match choice {
                0 => break Start::Resume(resume_at),
                1 => break Start::Review,
                _ => {
                    let confirm = [
                        tr(lang, "wizard.start_over_no").to_string(),
                        tr(lang, "wizard.start_over_yes").to_string(),
                    ];
                    if self.ask(prompter, tr(lang, "wizard.start_over_confirm"), &confirm)? == 1 {
                        file.modules.remove(&self.course.id);
                        // Erasing replaces the file; an ordinary save would merge the old answers back.
                        self.store.replace(file, lang)?;
                        break Start::Fresh;
                    }
                }
            }
        };
        let (first, review) = match start {
            Start::Resume(index) => (index, false),
            Start::Review => (0, true),
            Start::Fresh => (0, false),
        };
        if first == 0 {
            self.say(
                out,
                &render::heading(&format!(
                    "{} {}: {}",
                    tr(lang, "course.module"),
                    self.course.number,
                    self.course.title.get(lang)
                )),
            )?;
            self.say(out, &self.course.objectives_text(lang))?;
        }
        for index in first..self.course.sections.len() {
            self.section(file, index, review, prompter, live, out)?;
        }
        let module = self.module(file);
        module.completed_at.get_or_insert_with(now);
        module.current_section = None;
        self.save(file)?;
        self.finish(file, out)?;
        Ok(Outcome::Finished)
    }

    fn progress_line(&self, module: &ModuleProgress, index: usize) -> String {
        let lang = self.lang;
        let total = self.course.sections.len();
        let filled = (index + 1) * 20 / total;
        let bar = format!("{}{}", "█".repeat(filled), "░".repeat(20 - filled));
        let right = module.answers.values().filter(|a| a.correct).count();
        trf(
            lang,
            "wizard.progress",
            &[
                ("bar", &bar),
                ("number", &(index + 1)),
                ("total", &total),
                ("right", &right),
                ("questions", &self.course.questions.len()),
                ("ticked", &module.checklist.len()),
                ("items", &self.course.checklist.len()),
            ],
        )
    }

    fn section(
        &self,
        file: &mut ProgressFile,
        index: usize,
        review: bool,
        prompter: &mut dyn Prompter,
        live: &mut dyn LiveChecks,
        out: &mut dyn Write,
    ) -> Result<(), Step> {
        let lang = self.lang;
        let course = self.course;
        let slug = course.sections[index].meta.slug.clone();
        let module = self.module(file);
        module.current_section = Some(slug.clone());
        let line = self.progress_line(module, index);
        self.save(file)?;
        self.say(out, &format!("\n{}\n", line.dimmed()))?;
        self.say(out, &render::section(course, index, lang, self.width))?;

        let questions: Vec<_> = course.section_questions(&slug).collect();
        let continue_options = [tr(lang, "wizard.continue").to_string()];
        if questions.is_empty() {
            if slug == "checklist" {
                let module = self.module(file);
                let report = checklist::report(course, module, lang);
                self.say(out, &checklist::text(course, &report, lang, self.width))?;
            }
            self.ask(prompter, tr(lang, "wizard.next_section"), &continue_options)?;
        } else {
            self.ask(prompter, tr(lang, "wizard.ready_for_quiz"), &continue_options)?;
            let mut ask_all = review;
            loop {
                for (n, question) in questions.iter().enumerate() {
                    if !ask_all && self.module(file).answers.contains_key(&question.id) {
                        continue;
                    }
                    let text = question.text(lang);
                    let message = format!("[{}/{}] {}", n + 1, questions.len(), text.prompt);
                    let choice = self.ask(prompter, &message, &text.options)?;
                    let correct = self.module(file).record_answer(course, &question.id, choice);
                    self.save(file)?;
                    let verdict = if correct {
                        format!("✔ {}", tr(lang, "wizard.correct")).green().bold().to_string()
                    } else {
                        let right = &text.options[question.answer - 1];
                        format!("✘ {}", trf(lang, "wizard.incorrect", &[("answer", right)]))
                            .red()
                            .bold()
                            .to_string()
                    };
                    let explanation = render::wrap(&text.explanation, self.width, "  ", "  ");
                    self.say(out, &format!("{verdict}\n{explanation}"))?;
                }
                let module = self.module(file);
                let (right, total) = module.quiz_score(course, &slug);
                if module.quiz_passed(course, &slug) {
                    self.say(
                        out,
                        &trf(lang, "wizard.quiz_passed", &[("right", &right), ("total", &total)])
                            .green()
                            .to_string(),
                    )?;
                    break;
                }
                self.say(
                    out,
                    &trf(lang, "wizard.quiz_failed", &[("right", &right), ("total", &total)])
                        .yellow()
                        .to_string(),
                )?;
                let retry = [
                    tr(lang, "wizard.retake").to_string(),
                    tr(lang, "wizard.move_on").to_string(),
                ];
                if self.ask(prompter, tr(lang, "wizard.retake_question"), &retry)? == 1 {
                    break;
                }
                ask_all = true;
            }
            let module = self.module(file);
            for id in module.tick_from_quizzes(course) {
                let item = course
                    .checklist
                    .iter()
                    .find(|i| i.id == id)
                    .expect("ticked from the course");
                self.say(
                    out,
                    &trf(lang, "wizard.ticked", &[("item", &item.title.get(lang))])
                        .green()
                        .bold()
                        .to_string(),
                )?;
            }
        }
        if let Some(tool) = course.sections[index].meta.tool {
            self.offer_tool(file, tool, prompter, live, out)?;
        }
        if !course.sections[index].meta.checks.is_empty() {
            self.live_checks(file, index, prompter, live, out)?;
        }
        let module = self.module(file);
        module.sections_done.entry(slug).or_insert_with(now);
        module.updated_at = Some(now());
        if let Some(next) = course.sections.get(index + 1) {
            module.current_section = Some(next.meta.slug.clone());
        }
        self.save(file)?;
        Ok(())
    }

    /// Offers the section's live checks: on the learner's account (which
    /// can tick the checklist), on the sandbox (which never does), or not.
    /// After a run the learner may fix things and check again.
    fn live_checks(
        &self,
        file: &mut ProgressFile,
        index: usize,
        prompter: &mut dyn Prompter,
        live: &mut dyn LiveChecks,
        out: &mut dyn Write,
    ) -> Result<(), Step> {
        let lang = self.lang;
        let course = self.course;
        let ids = &course.sections[index].meta.checks;
        let mut question = tr(lang, "wizard.live_question");
        loop {
            let options = [
                tr(lang, "wizard.live_run").to_string(),
                tr(lang, "wizard.live_sandbox").to_string(),
                tr(lang, "wizard.live_skip").to_string(),
            ];
            let choice = self.ask(prompter, question, &options)?;
            if choice == 2 {
                return Ok(());
            }
            question = tr(lang, "wizard.live_again");
            let run = match live.run(ids, choice == 1) {
                Ok(run) => run,
                Err(problem) => {
                    let text = trf(lang, "wizard.live_failed", &[("problem", &problem)]);
                    self.say(out, &text.yellow().to_string())?;
                    continue;
                }
            };
            let report = crate::report::Report::new(
                &course.id,
                run.source.clone(),
                run.account.clone(),
                run.region.clone(),
                run.taken_at.clone(),
                &run.results,
            );
            self.say(out, &crate::report::text(&report, lang, self.width))?;
            match (&run.source, &run.account, &run.region) {
                (crate::snapshot::Source::Aws, Some(account), Some(region)) => {
                    let module = self.module(file);
                    module.record_check(&run.results, account, region);
                    let changes = module.apply_live(course, &run.results, account, region);
                    self.save(file)?;
                    for (ids, key) in [
                        (&changes.ticked, "wizard.ticked"),
                        (&changes.withdrawn, "wizard.withdrawn"),
                    ] {
                        for id in ids {
                            let item = course.checklist.iter().find(|i| &i.id == id).expect("from the course");
                            self.say(
                                out,
                                &trf(lang, key, &[("item", &item.title.get(lang))]).bold().to_string(),
                            )?;
                        }
                    }
                    self.offer_fixes(&run, prompter, live, out)?;
                }
                _ => self.say(out, &tr(lang, "wizard.live_sandbox_note").dimmed().to_string())?,
            }
        }
    }

    /// Offers the section's tool; using it counts as evidence for the
    /// matching checklist item.
    fn offer_tool(
        &self,
        file: &mut ProgressFile,
        tool: crate::course::Tool,
        prompter: &mut dyn Prompter,
        live: &mut dyn LiveChecks,
        out: &mut dyn Write,
    ) -> Result<(), Step> {
        let lang = self.lang;
        let question = trf(lang, "wizard.tool_question", &[("tool", &tool.name())]);
        let options = [
            tr(lang, "wizard.tool_yes").to_string(),
            tr(lang, "wizard.tool_no").to_string(),
        ];
        if self.ask(prompter, &question, &options)? != 0 {
            return Ok(());
        }
        match live.tool(tool, prompter, out) {
            Ok(()) => {
                let module = self.module(file);
                let ticked = module.tick_from_tool(self.course, tool);
                self.save(file)?;
                for id in ticked {
                    let item = self
                        .course
                        .checklist
                        .iter()
                        .find(|i| i.id == id)
                        .expect("from the course");
                    self.say(
                        out,
                        &trf(lang, "wizard.ticked", &[("item", &item.title.get(lang))])
                            .green()
                            .bold()
                            .to_string(),
                    )?;
                }
            }
            Err(problem) => {
                self.say(
                    out,
                    &trf(lang, "wizard.tool_failed", &[("problem", &problem)])
                        .yellow()
                        .to_string(),
                )?;
            }
        }
        Ok(())
    }

    /// After a run on the real account, offers the fixes for what failed.
    /// Each fix asks again, naming the account, region and resources, before
    /// it changes anything.
    fn offer_fixes(
        &self,
        run: &LiveRun,
        prompter: &mut dyn Prompter,
        live: &mut dyn LiveChecks,
        out: &mut dyn Write,
    ) -> Result<(), Step> {
        let lang = self.lang;
        let failed = |id: &str| {
            run.results
                .iter()
                .any(|r| r.id == id && r.status == crate::checks::Status::Fail)
        };
        let mut offers = Vec::new();
        if failed("studio-apps") || failed("notebook-instances") {
            offers.push((Fix::StopRunning, tr(lang, "wizard.fix_stop")));
        }
        if failed("budget") {
            offers.push((Fix::Budget, tr(lang, "wizard.fix_budget")));
        }
        if failed("idle-shutdown") {
            offers.push((Fix::IdleShutdown, tr(lang, "wizard.fix_idle")));
        }
        if offers.is_empty() {
            return Ok(());
        }
        let mut options: Vec<String> = offers.iter().map(|(_, label)| label.to_string()).collect();
        options.push(tr(lang, "wizard.fix_not_now").to_string());
        let choice = self.ask(prompter, tr(lang, "wizard.fix_question"), &options)?;
        if let Some((fix, _)) = offers.get(choice)
            && let Err(problem) = live.fix(*fix, prompter, out)
        {
            self.say(
                out,
                &trf(lang, "wizard.fix_failed", &[("problem", &problem)])
                    .yellow()
                    .to_string(),
            )?;
        }
        Ok(())
    }

    fn finish(&self, file: &mut ProgressFile, out: &mut dyn Write) -> Result<(), Step> {
        let lang = self.lang;
        let module = self.module(file);
        let right = module.answers.values().filter(|a| a.correct).count();
        self.say(out, &format!("\n{}", render::heading(tr(lang, "wizard.finished"))))?;
        self.say(
            out,
            &trf(
                lang,
                "wizard.final_score",
                &[("right", &right), ("questions", &self.course.questions.len())],
            ),
        )?;
        let report = checklist::report(self.course, module, lang);
        self.say(out, &checklist::text(self.course, &report, lang, self.width))?;
        self.say(out, tr(lang, "wizard.next_steps"))?;
        Ok(())
    }
}

/// Why a step of the session stopped early.
enum Step {
    Leave,
    Fail(Error),
}

impl From<Error> for Step {
    fn from(e: Error) -> Self {
        Step::Fail(e)
    }
}

#[cfg(test)]
mod tests {
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
        let course = Course::load(None, Lang::En).unwrap();
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
            Ok(LiveRun {
                results: judge.judge(&snapshot, Some(ids)),
                account: snapshot.identity.as_ref().ok().map(|i| i.account.clone()),
                region: snapshot.region.clone(),
                source: snapshot.source,
                taken_at: snapshot.taken_at,
            })
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
            if !section.meta.checks.is_empty() {
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
}
