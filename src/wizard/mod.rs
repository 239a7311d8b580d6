//! `sm-course module5`: the guided wizard. Objectives first, then each
//! section's text and quiz, saving after every answer so leaving at any
//! prompt loses nothing.

use std::io::Write;

use colored::Colorize;

use crate::checks::{self, Fix};
use crate::course::{Course, markdown};
use crate::error::{Error, Result};
use crate::i18n::{Lang, tr, trf};
use crate::progress::{ModuleProgress, ProgressFile, Store};
use crate::report::checklist;
use crate::ui::text::{heading, wrap};
use crate::ui::{Leave, Prompter};
use crate::util::now;

/// What a run of live checks returned, judged.
pub struct LiveRun {
    pub results: Vec<crate::checks::CheckResult>,
    pub source: crate::snapshot::Source,
    pub account: Option<String>,
    pub region: Option<String>,
    pub taken_at: String,
}

impl LiveRun {
    /// The checks `ids` judged on `snapshot`.
    pub fn judged(judge: &checks::Judge<'_>, snapshot: &crate::snapshot::Snapshot, ids: &[String]) -> LiveRun {
        LiveRun {
            results: judge.judge(snapshot, Some(ids)),
            account: snapshot.identity.as_ref().ok().map(|i| i.account.clone()),
            region: snapshot.region.clone(),
            source: snapshot.source.clone(),
            taken_at: snapshot.taken_at.clone(),
        }
    }
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

    /// One line per checklist item ticked (`wizard.ticked`) or withdrawn.
    fn announce(&self, out: &mut dyn Write, ids: &[String], key: &str) -> Result<()> {
        for id in ids {
            let item = self
                .course
                .checklist
                .iter()
                .find(|i| &i.id == id)
                .expect("ticked from the course");
            let line = trf(self.lang, key, &[("item", &item.title.get(self.lang))]).bold();
            let line = if key == "wizard.ticked" { line.green() } else { line };
            self.say(out, &line.to_string())?;
        }
        Ok(())
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
                &heading(&format!(
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
        self.say(out, &format!("\n{}\n", line.dimmed()))?;
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
                    let explanation = wrap(&text.explanation, self.width, "  ", "  ");
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
            let ticked = module.tick_from_quizzes(course);
            self.announce(out, &ticked, "wizard.ticked")?;
        }
        if let Some(tool) = course.sections[index].meta.tool {
            self.offer_tool(file, tool, prompter, live, out)?;
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
                    self.announce(out, &changes.ticked, "wizard.ticked")?;
                    self.announce(out, &changes.withdrawn, "wizard.withdrawn")?;
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
                self.announce(out, &ticked, "wizard.ticked")?;
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
        self.say(out, &format!("\n{}", heading(tr(lang, "wizard.finished"))))?;
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

fn fix_label(fix: Fix, lang: Lang) -> &'static str {
    match fix {
        Fix::StopRunning => tr(lang, "wizard.fix_stop"),
        Fix::Budget => tr(lang, "wizard.fix_budget"),
        Fix::IdleShutdown => tr(lang, "wizard.fix_idle"),
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
