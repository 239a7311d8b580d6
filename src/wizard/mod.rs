//! `sm-course module5`: the guided wizard. Objectives first, then each
//! section's text and quiz, saving after every answer so leaving at any
//! prompt loses nothing.

use std::cell::RefCell;
use std::io::Write;

use colored::Colorize;

use crate::checks::{self, Fix};
use crate::course::{ChecklistItem, Course, EvidenceRule, QUIZ_DRAW, Question, markdown};
use crate::error::{Error, Result};
use crate::i18n::{Lang, tr, trf};
use crate::progress::{ModuleProgress, ProgressFile, ProofReport, Store};
use crate::report::checklist;
use crate::ui::pager::{PacedPrompter, PacedWriter, Pacing, Screen};
use crate::ui::text::{heading, inline, wrap, wrapped_heading};
use crate::ui::{Leave, Prompter};
use crate::util::{Rng, now};

/// What a run of live checks returned, judged.
pub(crate) struct LiveRun {
    pub results: Vec<crate::checks::CheckResult>,
    pub source: crate::snapshot::Source,
    pub account: Option<String>,
    pub region: Option<String>,
    pub taken_at: String,
    /// What the checks read: hands-on tasks are verified on it too.
    pub snapshot: crate::snapshot::Snapshot,
}

impl LiveRun {
    /// The checks `ids` judged on `snapshot`.
    pub(crate) fn judged(judge: &checks::Judge<'_>, snapshot: &crate::snapshot::Snapshot, ids: &[String]) -> LiveRun {
        LiveRun {
            results: judge.judge(snapshot, Some(ids)),
            account: snapshot.identity.as_ref().ok().map(|i| i.account.clone()),
            region: snapshot.region.clone(),
            source: snapshot.source.clone(),
            taken_at: snapshot.taken_at.clone(),
            snapshot: snapshot.clone(),
        }
    }
}

/// The seam between the wizard and the account: the real one reads AWS (or
/// the sandbox); tests give canned results.
pub(crate) trait LiveChecks {
    /// Runs the checks `ids`, on the sandbox practice account when `sandbox`.
    /// The error is a message for the learner (no credentials, say).
    fn run(&mut self, ids: &[String], sandbox: bool) -> Result<LiveRun, String>;

    /// Applies `fix` on the learner's account, asking through `prompter`
    /// before any change.
    fn fix(&mut self, fix: Fix, prompter: &mut dyn Prompter, out: &mut dyn Write) -> Result<(), String>;

    /// Reads the learner's account (the practice account when `sandbox`)
    /// for verifying hands-on tasks. The error is a message for the learner.
    fn snapshot(&mut self, sandbox: bool) -> Result<crate::snapshot::Snapshot, String>;

    /// Waits before the next check of a task, with a spinner; false when the
    /// learner pressed Esc.
    fn wait(&mut self) -> bool;

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
pub(crate) enum Outcome {
    /// Reached the end of the module.
    Finished,
    /// Left at a prompt; everything answered is saved.
    Left,
}

pub(crate) struct Wizard<'a> {
    pub course: &'a Course,
    pub lang: Lang,
    pub store: &'a Store,
    pub width: usize,
    /// Draws the questions of each attempt and shuffles their options.
    rng: RefCell<Rng>,
    /// Keeps text on screen until it was read (see `ui::pager`).
    pacing: Pacing,
}

/// Where a session starts.
enum Start {
    Resume(usize),
    Review,
    Fresh,
}

impl<'a> Wizard<'a> {
    /// `seed` makes the draws and shuffles repeatable (tests,
    /// `SM_COURSE_QUIZ_SEED`); the command seeds it from the clock.
    pub(crate) fn new(course: &'a Course, lang: Lang, store: &'a Store, width: usize, seed: u64) -> Wizard<'a> {
        Wizard {
            course,
            lang,
            store,
            width,
            rng: RefCell::new(Rng::new(seed)),
            pacing: Self::pacing(Screen::Off, lang, width),
        }
    }

    /// Paces the output to `screen`: nothing scrolls away unread.
    pub(crate) fn paced(mut self, screen: Screen) -> Self {
        self.pacing = Self::pacing(screen, self.lang, self.width);
        self
    }

    fn pacing(screen: Screen, lang: Lang, width: usize) -> Pacing {
        Pacing::new(screen, width, tr(lang, "wizard.pause"), tr(lang, "prompt.canceled"))
    }

    pub(crate) fn run(
        &self,
        prompter: &mut dyn Prompter,
        live: &mut dyn LiveChecks,
        out: &mut dyn Write,
        warn: &mut dyn Write,
    ) -> Result<Outcome> {
        self.pacing.reset();
        let mut warning = Vec::new();
        let mut file = self.store.load(self.lang, &mut warning);
        // Saving once up front finds an unwritable data directory before the
        // learner answers anything that could not be kept.
        let saved = self.store.save(&file, self.lang);
        let inner: RefCell<&mut dyn Prompter> = RefCell::new(prompter);
        let session = {
            let mut prompter = PacedPrompter::new(&self.pacing, &inner);
            let mut paced = PacedWriter::new(&self.pacing, &inner, &mut *out);
            let mut warn = PacedWriter::new(&self.pacing, &inner, &mut *warn);
            self.warn(&mut warn, &warning, &mut prompter)
                .and_then(|()| saved.map_err(Step::Fail))
                .and_then(|()| self.session(&mut file, &mut prompter, live, &mut paced))
        };
        match session {
            Ok(outcome) => Ok(outcome),
            Err(Step::Leave) => {
                self.save(&mut file)?;
                // Straight to the terminal: the learner is leaving, nothing waits.
                let text = trf(self.lang, "wizard.saved", &[("path", &self.store.path().display())]);
                writeln!(out, "\n{}", wrap(&text, self.width, "", "").trim_end())
                    .map_err(|source| crate::ui::write_error(self.lang, source))?;
                Ok(Outcome::Left)
            }
            Err(Step::Fail(e)) => Err(e),
        }
    }

    /// The warning loading the progress gave (a damaged file moved aside),
    /// wrapped, and a pause so it is read before the course text follows.
    fn warn(&self, warn: &mut dyn Write, warning: &[u8], prompter: &mut dyn Prompter) -> Result<(), Step> {
        let text = String::from_utf8_lossy(warning);
        if text.trim().is_empty() {
            return Ok(());
        }
        for paragraph in text.lines().filter(|l| !l.trim().is_empty()) {
            self.para(warn, paragraph, "", "", |l| l.yellow().to_string())?;
        }
        self.settle(prompter)
    }

    /// A pause when something shown since the learner last pressed a key
    /// would otherwise be pushed away by what comes next.
    fn settle(&self, prompter: &mut dyn Prompter) -> Result<(), Step> {
        if !self.pacing.on() || self.pacing.unread() == 0 {
            return Ok(());
        }
        prompter
            .pause(tr(self.lang, "wizard.pause"))
            .map_err(|Leave| Step::Leave)
    }

    fn module<'f>(&self, file: &'f mut ProgressFile) -> &'f mut ModuleProgress {
        file.modules.entry(self.course.id.clone()).or_default()
    }

    fn save(&self, file: &mut ProgressFile) -> Result<()> {
        self.store.save(file, self.lang)
    }

    fn say(&self, out: &mut dyn Write, text: &str) -> Result<(), Step> {
        writeln!(out, "{text}").map_err(|source| {
            if self.pacing.left() {
                Step::Leave
            } else {
                Step::Fail(crate::ui::write_error(self.lang, source))
            }
        })
    }

    /// A paragraph wrapped to the width at word boundaries (inline markup
    /// rendered), `rest` indenting its later lines, each line styled on
    /// its own.
    fn para(
        &self,
        out: &mut dyn Write,
        text: &str,
        first: &str,
        rest: &str,
        style: fn(&str) -> String,
    ) -> Result<(), Step> {
        let wrapped = wrap(text, self.width, first, rest);
        let lines: Vec<String> = wrapped.trim_end_matches('\n').lines().map(style).collect();
        self.say(out, &lines.join("\n"))
    }

    /// After a tool or a fix, which write to the same paced output: the
    /// learner may have left at one of its pauses.
    fn still_here(&self) -> Result<(), Step> {
        if self.pacing.left() { Err(Step::Leave) } else { Ok(()) }
    }

    /// One line per checklist item ticked (`wizard.ticked`) or withdrawn.
    fn announce(&self, out: &mut dyn Write, ids: &[String], key: &str) -> Result<(), Step> {
        for id in ids {
            let item = self
                .course
                .checklist
                .iter()
                .find(|i| &i.id == id)
                .expect("ticked from the course");
            let line = trf(self.lang, key, &[("item", &item.title.get(self.lang))]);
            if key == "wizard.ticked" {
                self.para(out, &line, "", "  ", |l| l.green().bold().to_string())?;
            } else {
                self.para(out, &line, "", "  ", |l| l.bold().to_string())?;
            }
        }
        Ok(())
    }

    fn ask(&self, prompter: &mut dyn Prompter, message: &str, options: &[String]) -> Result<usize, Step> {
        self.ask_from(prompter, message, options, 0)
    }

    /// `ask` with the cursor starting on option `start`.
    fn ask_from(
        &self,
        prompter: &mut dyn Prompter,
        message: &str,
        options: &[String],
        start: usize,
    ) -> Result<usize, Step> {
        // Questions and options are Markdown: `code` shows as the lessons show it.
        let options: Vec<String> = options.iter().map(|o| inline(o)).collect();
        prompter
            .select_from(&inline(message), &options, tr(self.lang, "wizard.help"), start)
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
                tr(lang, "wizard.welcome_done").to_string()
            } else {
                let (right, answered) = module.answered_score(self.course);
                trf(
                    lang,
                    "wizard.welcome_back",
                    &[
                        ("right", &right),
                        ("questions", &answered),
                        ("ticked", &module.checklist.len()),
                        ("items", &self.course.checklist.len()),
                    ],
                )
            };
            let choice = self.ask(prompter, &message, &options)?;
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
            let title = format!(
                "{} {}: {}",
                tr(lang, "course.module"),
                self.course.number,
                self.course.title.get(lang)
            );
            self.say(out, &wrapped_heading(&title, self.width, heading))?;
            self.say(out, &self.course.objectives_text(lang, self.width))?;
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
        let (right, answered) = module.answered_score(self.course);
        trf(
            lang,
            "wizard.progress",
            &[
                ("bar", &bar),
                ("number", &(index + 1)),
                ("total", &total),
                ("right", &right),
                ("questions", &answered),
                ("ticked", &module.checklist.len()),
                ("items", &self.course.checklist.len()),
                ("left", &self.course.minutes_from(index)),
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
        // What the previous section (or the objectives) left on screen is
        // read before this one pushes it away.
        self.settle(prompter)?;
        self.say(out, "")?;
        self.para(out, &line, "", "", |l| l.dimmed().to_string())?;
        self.say(out, "")?;
        self.say(out, &markdown::section(course, index, lang, self.width))?;

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
            let mut retake = review;
            loop {
                let (to_ask, of) = self.attempt(file, &slug, &questions, retake)?;
                let first = of - to_ask.len();
                for (n, question) in to_ask.iter().enumerate() {
                    let prefix = format!("[{}/{of}]", first + n + 1);
                    self.ask_question(file, question, &prefix, prompter, out)?;
                }
                let module = self.module(file);
                let (right, total) = module.quiz_score(course, &slug);
                if module.quiz_passed(course, &slug) {
                    let text = trf(lang, "wizard.quiz_passed", &[("right", &right), ("total", &total)]);
                    self.para(out, &text, "", "", |l| l.green().to_string())?;
                    break;
                }
                let text = trf(lang, "wizard.quiz_failed", &[("right", &right), ("total", &total)]);
                self.para(out, &text, "", "", |l| l.yellow().to_string())?;
                let retry = [
                    tr(lang, "wizard.retake").to_string(),
                    tr(lang, "wizard.move_on").to_string(),
                ];
                if self.ask(prompter, tr(lang, "wizard.retake_question"), &retry)? == 1 {
                    break;
                }
                retake = true;
            }
            let module = self.module(file);
            let ticked = module.tick_from_quizzes(course);
            self.announce(out, &ticked, "wizard.ticked")?;
        }
        if let Some(tool) = course.sections[index].meta.tool {
            self.offer_tool(file, tool, prompter, live, out)?;
        }
        for task in course.tasks.iter().filter(|t| t.section == slug) {
            self.task(file, task, prompter, live, out)?;
        }
        if !checks::of_section(&slug).is_empty() {
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

    /// The questions to ask now in a section's quiz, and how many the
    /// attempt has. A first visit draws a new attempt (unless progress from
    /// format 1 already answered a draw's worth); a resumed one asks what its
    /// attempt has not answered yet; a retake or review draws afresh. A new
    /// attempt is saved before its first question.
    fn attempt<'q>(
        &self,
        file: &mut ProgressFile,
        slug: &str,
        pool: &[&'q Question],
        retake: bool,
    ) -> Result<(Vec<&'q Question>, usize), Step> {
        let module = self.module(file);
        if !retake {
            if let Some(round) = module.quiz_rounds.get(slug) {
                let open: Vec<&Question> = round
                    .questions
                    .iter()
                    .filter_map(|id| pool.iter().copied().find(|q| &q.id == id))
                    .filter(|q| module.answers.get(&q.id).is_none_or(|a| a.at < round.at))
                    .collect();
                return Ok((open, round.questions.len()));
            }
            let answered = pool.iter().filter(|q| module.answers.contains_key(&q.id)).count();
            if answered >= QUIZ_DRAW.min(pool.len()) {
                return Ok((Vec::new(), answered));
            }
        }
        let drawn = draw(pool, module, slug, &mut self.rng.borrow_mut());
        module.quiz_rounds.insert(
            slug.to_string(),
            crate::progress::QuizRound {
                questions: drawn.iter().map(|q| q.id.clone()).collect(),
                at: now(),
            },
        );
        self.save(file)?;
        let of = drawn.len();
        Ok((drawn, of))
    }

    /// One question, its options shuffled: right → the explanation; wrong →
    /// the hint and one more try (same order), then the explanation. Only
    /// the first try counts in the score; both are saved.
    fn ask_question(
        &self,
        file: &mut ProgressFile,
        question: &Question,
        prefix: &str,
        prompter: &mut dyn Prompter,
        out: &mut dyn Write,
    ) -> Result<(), Step> {
        let lang = self.lang;
        let course = self.course;
        let text = question.text(lang);
        let mut order: Vec<usize> = (0..text.options.len()).collect();
        self.rng.borrow_mut().shuffle(&mut order);
        let shown: Vec<String> = order.iter().map(|&i| text.options[i].clone()).collect();
        let message = format!("{prefix} {}", text.prompt);
        let pick = self.ask(prompter, &message, &shown)?;
        let correct = self.module(file).record_answer(course, &question.id, order[pick]);
        self.save(file)?;
        if correct {
            let line = format!("✔ {}", tr(lang, "wizard.correct"));
            self.para(out, &line, "", "  ", |l| l.green().bold().to_string())?;
        } else {
            let hint = text.hint.as_deref().unwrap_or_default();
            let line = format!("✘ {}", trf(lang, "wizard.try_again", &[("hint", &hint)]));
            self.para(out, &line, "", "  ", |l| l.yellow().bold().to_string())?;
            let pick = self.ask(prompter, &message, &shown)?;
            let right = self.module(file).record_second_try(course, &question.id, order[pick]);
            self.save(file)?;
            if right {
                let line = format!("✔ {}", tr(lang, "wizard.second_try_right"));
                self.para(out, &line, "", "  ", |l| l.green().bold().to_string())?;
            } else {
                let answer = &text.options[question.answer - 1];
                let line = format!("✘ {}", trf(lang, "wizard.incorrect", &[("answer", answer)]));
                self.para(out, &line, "", "  ", |l| l.red().bold().to_string())?;
            }
        }
        self.para(out, &text.explanation, "  ", "  ", |l| l.to_string())?;
        Ok(())
    }

    /// Offers a hands-on task: its steps, then checking the account every
    /// few seconds until the task is proven (Esc stops), a fix that does it
    /// for the learner where there is one (it counts once verified), or
    /// skipping it. A task already proven is only mentioned.
    fn task(
        &self,
        file: &mut ProgressFile,
        task: &crate::course::Task,
        prompter: &mut dyn Prompter,
        live: &mut dyn LiveChecks,
        out: &mut dyn Write,
    ) -> Result<(), Step> {
        let lang = self.lang;
        let course = self.course;
        if let Some(done) = self.module(file).tasks.get(&task.id) {
            let line = checks::task_rules::done_line(task, done.proof.as_ref(), lang);
            let line = format!("✔ {}", trf(lang, "wizard.task_already", &[("done", &line)]));
            self.para(out, &line, "", "  ", |l| l.green().to_string())?;
            return Ok(());
        }
        let title = trf(lang, "wizard.task_heading", &[("title", &task.title.get(lang))]);
        self.say(out, &format!("\n{}", wrapped_heading(&title, self.width, heading)))?;
        for (n, step) in task.steps.get(lang).iter().enumerate() {
            self.say(
                out,
                wrap(&format!("{}. {step}", n + 1), self.width, "  ", "     ").trim_end(),
            )?;
        }
        // The stop task's fix is offered by the section's live check instead.
        let fix = Fix::for_task_rule(&task.rule).filter(|f| *f != Fix::StopRunning);
        let mut options = vec![
            tr(lang, "wizard.task_check").to_string(),
            tr(lang, "wizard.task_skip").to_string(),
        ];
        if let Some(fix) = fix {
            options.push(fix_label(fix, lang).to_string());
        }
        let choice = self.ask(prompter, tr(lang, "wizard.task_question"), &options)?;
        if choice == 1 {
            return Ok(());
        }
        if choice == 2
            && let Some(fix) = fix
        {
            let fixed = live.fix(fix, prompter, out);
            self.still_here()?;
            if let Err(problem) = fixed {
                let text = trf(lang, "wizard.fix_failed", &[("problem", &problem)]);
                self.para(out, &text, "", "", |l| l.yellow().to_string())?;
            }
        }
        let item = course
            .checklist
            .iter()
            .find(|i| i.id == task.proves)
            .expect("validated");
        let mut told = false;
        loop {
            let snapshot = match live.snapshot(false) {
                Ok(snapshot) => snapshot,
                Err(problem) => {
                    let text = trf(lang, "wizard.live_failed", &[("problem", &problem)]);
                    self.para(out, &text, "", "", |l| l.yellow().to_string())?;
                    return Ok(());
                }
            };
            let verification = self.prove(file, &snapshot, &[item]);
            let result = verification
                .items
                .iter()
                .flat_map(|i| &i.tasks)
                .find(|t| t.outcome.task == task.id);
            if let Some(result) = result
                && result.outcome.proven
            {
                self.save(file)?;
                let line = format!("✔ {}", result.message);
                self.para(out, &line, "", "  ", |l| l.green().bold().to_string())?;
                self.announce(out, &verification.ticked, "wizard.ticked")?;
                return Ok(());
            }
            if !told {
                told = true;
                if let Some(result) = result {
                    self.para(out, &result.message, "", "", |l| l.yellow().to_string())?;
                    for problem in &result.outcome.problems {
                        self.para(out, &format!("! {problem}"), "  ", "    ", |l| l.to_string())?;
                    }
                }
            }
            if !live.wait() {
                let text = trf(lang, "wizard.task_stopped", &[("item", &item.id)]);
                self.para(out, &text, "", "", |l| l.dimmed().to_string())?;
                return Ok(());
            }
        }
    }

    /// `verify` for `items` on `snapshot`: what it proves is recorded and
    /// ticks, exactly as `sm-course module5 verify` would.
    fn prove(
        &self,
        file: &mut ProgressFile,
        snapshot: &crate::snapshot::Snapshot,
        items: &[&ChecklistItem],
    ) -> ProofReport {
        let course = self.course;
        // Tasks are judged on names and states; the course's figures serve.
        let prices = crate::catalog::prices::PriceBook::new(&course.instances);
        let judge = checks::Judge {
            course,
            prices: &prices,
            lang: self.lang,
            expect_region: checks::COURSE_REGION,
        };
        crate::progress::prove(&judge, snapshot, self.module(file), items)
    }

    /// The checklist items a hands-on task with this fix's rule proves.
    fn items_proven_by(&self, fix: Fix) -> Vec<&'a ChecklistItem> {
        let course = self.course;
        course
            .checklist
            .iter()
            .filter(|item| {
                item.evidence.iter().any(|rule| match rule {
                    EvidenceRule::Tasks(ids) => ids
                        .iter()
                        .filter_map(|id| course.task(id))
                        .any(|task| Fix::for_task_rule(&task.rule) == Some(fix)),
                    _ => false,
                })
            })
            .collect()
    }

    /// After the wizard's own fix and a re-check where every check that fix
    /// answers passes, the task it does is verified on the same reading,
    /// so its checklist item is ticked now rather than at the next `verify`.
    fn prove_fix(&self, file: &mut ProgressFile, fix: Fix, run: &LiveRun, out: &mut dyn Write) -> Result<(), Step> {
        let fixed = run
            .results
            .iter()
            .filter(|r| checks::get(r.id).and_then(|c| c.fix) == Some(fix))
            .collect::<Vec<_>>();
        if fixed.is_empty() || fixed.iter().any(|r| r.status != checks::Status::Pass) {
            return Ok(());
        }
        let items = self.items_proven_by(fix);
        let verification = self.prove(file, &run.snapshot, &items);
        self.save(file)?;
        for task in verification.items.iter().flat_map(|i| &i.tasks) {
            if task.outcome.proven {
                let line = format!("✔ {}", task.message);
                self.para(out, &line, "", "  ", |l| l.green().bold().to_string())?;
            }
        }
        self.announce(out, &verification.ticked, "wizard.ticked")
    }

    /// Every checklist item a hands-on task of section `index` proves is ticked.
    fn tasks_done(&self, module: &ModuleProgress, index: usize) -> bool {
        let slug = &self.course.sections[index].meta.slug;
        self.course
            .tasks
            .iter()
            .filter(|t| &t.section == slug)
            .all(|t| module.checklist.contains_key(&t.proves))
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
        let ids = &checks::of_section(&course.sections[index].meta.slug);
        let mut question = tr(lang, "wizard.live_question");
        // The choice Enter takes: go on once there is nothing left to do here.
        const GO_ON: usize = 2;
        let mut start = if self.tasks_done(self.module(file), index) {
            GO_ON
        } else {
            0
        };
        // The fix applied after the last run, proven by a passing re-check.
        let mut fixed: Option<Fix> = None;
        loop {
            let options = [
                tr(lang, "wizard.live_run").to_string(),
                tr(lang, "wizard.live_sandbox").to_string(),
                tr(lang, "wizard.live_skip").to_string(),
            ];
            let choice = self.ask_from(prompter, question, &options, start)?;
            if choice == GO_ON {
                return Ok(());
            }
            question = tr(lang, "wizard.live_again");
            let run = match live.run(ids, choice == 1) {
                Ok(run) => run,
                Err(problem) => {
                    let text = trf(lang, "wizard.live_failed", &[("problem", &problem)]);
                    self.para(out, &text, "", "", |l| l.yellow().to_string())?;
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
                    self.announce(out, &changes.ticked, "wizard.ticked")?;
                    self.announce(out, &changes.withdrawn, "wizard.withdrawn")?;
                    if let Some(fix) = fixed.take() {
                        self.prove_fix(file, fix, &run, out)?;
                    }
                    let clean = !run
                        .results
                        .iter()
                        .any(|r| matches!(r.status, checks::Status::Fail | checks::Status::Error));
                    start = if clean { GO_ON } else { 0 };
                    fixed = self.offer_fixes(&run, prompter, live, out)?;
                }
                _ => {
                    let note = tr(lang, "wizard.live_sandbox_note");
                    self.para(out, note, "", "", |l| l.dimmed().to_string())?;
                }
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
        let used = live.tool(tool, prompter, out);
        self.still_here()?;
        match used {
            Ok(()) => {
                let module = self.module(file);
                let ticked = module.tick_from_tool(self.course, tool);
                self.save(file)?;
                self.announce(out, &ticked, "wizard.ticked")?;
            }
            Err(problem) => {
                let text = trf(lang, "wizard.tool_failed", &[("problem", &problem)]);
                self.para(out, &text, "", "", |l| l.yellow().to_string())?;
            }
        }
        Ok(())
    }

    /// After a run on the real account, offers the fixes for what failed.
    /// Each fix asks again, naming the account, region and resources, before
    /// it changes anything. Returns the fix tried, for the re-check to prove.
    fn offer_fixes(
        &self,
        run: &LiveRun,
        prompter: &mut dyn Prompter,
        live: &mut dyn LiveChecks,
        out: &mut dyn Write,
    ) -> Result<Option<Fix>, Step> {
        let lang = self.lang;
        // The fixes of the checks that failed, each offered once, in registry order.
        let mut offers: Vec<(Fix, &str)> = Vec::new();
        for result in run.results.iter().filter(|r| r.status == checks::Status::Fail) {
            if let Some(fix) = checks::get(result.id).and_then(|c| c.fix)
                && !offers.iter().any(|(f, _)| *f == fix)
            {
                offers.push((fix, fix_label(fix, lang)));
            }
        }
        if offers.is_empty() {
            return Ok(None);
        }
        let mut options: Vec<String> = offers.iter().map(|(_, label)| label.to_string()).collect();
        options.push(tr(lang, "wizard.fix_not_now").to_string());
        let choice = self.ask(prompter, tr(lang, "wizard.fix_question"), &options)?;
        let Some(&(fix, _)) = offers.get(choice) else {
            return Ok(None);
        };
        let fixed = live.fix(fix, prompter, out);
        self.still_here()?;
        match fixed {
            Ok(()) => Ok(Some(fix)),
            Err(problem) => {
                let text = trf(lang, "wizard.fix_failed", &[("problem", &problem)]);
                self.para(out, &text, "", "", |l| l.yellow().to_string())?;
                Ok(None)
            }
        }
    }

    fn finish(&self, file: &mut ProgressFile, out: &mut dyn Write) -> Result<(), Step> {
        let lang = self.lang;
        let module = self.module(file);
        let (right, answered) = module.answered_score(self.course);
        self.say(
            out,
            &format!(
                "\n{}",
                wrapped_heading(tr(lang, "wizard.finished"), self.width, heading)
            ),
        )?;
        let score = trf(
            lang,
            "wizard.final_score",
            &[("right", &right), ("questions", &answered)],
        );
        self.para(out, &score, "", "", |l| l.to_string())?;
        let report = checklist::report(self.course, module, lang);
        self.say(out, &checklist::text(self.course, &report, lang, self.width))?;
        self.para(out, tr(lang, "wizard.next_steps"), "", "", |l| l.to_string())?;
        Ok(())
    }
}

/// The questions of a new attempt at a section's quiz, `QUIZ_DRAW` of them
/// (fewer if the pool is smaller): questions never answered first, then
/// those not asked in the section's previous attempt, then the rest, each
/// group in random order. A retake so differs from the attempt before
/// wherever the pool allows.
pub(crate) fn draw<'q>(pool: &[&'q Question], module: &ModuleProgress, slug: &str, rng: &mut Rng) -> Vec<&'q Question> {
    let want = QUIZ_DRAW.min(pool.len());
    let previous: &[String] = module.quiz_rounds.get(slug).map_or(&[], |r| &r.questions);
    let rank = |q: &Question| {
        if !module.answers.contains_key(&q.id) {
            0
        } else if !previous.contains(&q.id) {
            1
        } else {
            2
        }
    };
    let mut drawn = Vec::new();
    for level in 0..3 {
        let mut group: Vec<&Question> = pool.iter().copied().filter(|q| rank(q) == level).collect();
        rng.shuffle(&mut group);
        drawn.extend(group);
    }
    drawn.truncate(want);
    drawn
}

fn fix_label(fix: Fix, lang: Lang) -> &'static str {
    match fix {
        Fix::StopRunning => tr(lang, "wizard.fix_stop"),
        Fix::Budget => tr(lang, "wizard.fix_budget"),
        Fix::IdleShutdown => tr(lang, "wizard.fix_idle"),
        Fix::Teardown => tr(lang, "wizard.fix_teardown"),
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
mod tests;
