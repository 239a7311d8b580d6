//! The one path every change to the account takes: a plan (data, built in
//! `crate::plan`), confirmed by the command that made it, then executed
//! here in AWS's order, each step waited for with a bounded poll, every
//! call logged to the audit log and every step's fate written to the
//! journal. `audit --stop`, `teardown` and the fixes all run through
//! `execute`. A step that fails stops the steps that depend on it and
//! leaves the rest done; Ctrl-C finishes (or records) the call in flight,
//! prints what was done and ends with exit 130; the same command run again
//! continues where it stopped and does nothing twice.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use colored::Colorize;

use super::interrupt::Guard;
use super::{Change as Logged, Changes};
use crate::aws::Session;
use crate::error::{ExitStatus, Result};
use crate::i18n::{tr, trf};
use crate::plan::journal::{Journal, State};
use crate::plan::{Change, Plan, Step};
use crate::snapshot::CallError;
use crate::ui::text::subheading;
use crate::ui::{Output, clean};

/// How the engine reaches the account.
pub(super) trait Calls {
    /// Makes the step's call.
    fn apply(&mut self, step: &Step) -> Result<(), CallError>;
    /// The status the step's resource is in now (`Deleted` once gone).
    fn status(&mut self, step: &Step) -> Result<String, CallError>;
}

/// The account itself, through the session.
pub(super) struct Account<'s>(pub &'s Session);

impl Calls for Account<'_> {
    fn apply(&mut self, step: &Step) -> Result<(), CallError> {
        match &step.change {
            Change::Stop { target } => self.0.stop(&step.region, target),
            Change::Delete { deletion } => self.0.delete(&step.region, deletion),
            Change::Fix { .. } => Ok(()),
        }
    }

    fn status(&mut self, step: &Step) -> Result<String, CallError> {
        match &step.change {
            Change::Stop { target } => self.0.status(&step.region, target),
            Change::Delete { deletion } => self.0.deletion_status(&step.region, deletion),
            Change::Fix { .. } => Ok("Done".into()),
        }
    }
}

/// A fix's one change, made by the fix's own call.
pub(super) struct FixCall<F: FnMut() -> Result<(), CallError>>(pub F);

impl<F: FnMut() -> Result<(), CallError>> Calls for FixCall<F> {
    fn apply(&mut self, _: &Step) -> Result<(), CallError> {
        (self.0)()
    }

    fn status(&mut self, _: &Step) -> Result<String, CallError> {
        Ok("Done".into())
    }
}

/// How a command wants its plan run.
pub(super) struct Run<'a> {
    /// How long to wait, all steps together, for what was asked to take effect.
    pub wait: Duration,
    /// What to say once a step's call went through (`None`: nothing yet).
    pub said: &'a dyn Fn(&Step) -> Option<String>,
    /// Name the resource when its call fails (a list of several changes).
    pub name_on_failure: bool,
}

/// What became of a run.
pub(super) struct Outcome {
    pub journal: Journal,
    pub interrupted: bool,
}

impl Outcome {
    /// Every step done.
    pub(super) fn all_done(&self) -> bool {
        !self.interrupted && self.journal.records.iter().all(|r| r.state == State::Done)
    }

    pub(super) fn exit_status(&self) -> ExitStatus {
        match self.interrupted {
            true => ExitStatus::Interrupted,
            false => ExitStatus::failed_if(!self.all_done()),
        }
    }

    /// Some step whose change matches `f` got done.
    pub(super) fn done(&self, f: impl Fn(&Change) -> bool) -> bool {
        self.journal
            .records
            .iter()
            .any(|r| r.state == State::Done && self.journal.plan.step(r.order).is_some_and(|s| f(&s.change)))
    }
}

/// The journal file of `plan`'s command and account, in the data directory.
pub(super) fn journal_path(changes: &Changes<'_>, plan: &Plan) -> PathBuf {
    let dir = changes.log.path().parent().map(PathBuf::from).unwrap_or_default();
    Journal::path(&dir, &plan.command, &plan.account)
}

/// The last run of `plan`'s command on its account, if its journal can be read.
pub(super) fn earlier(changes: &Changes<'_>, plan: &Plan) -> Option<Journal> {
    Journal::load(&journal_path(changes, plan))
}

/// How often a wait reads the account: every second at first, then less
/// often up to `SM_COURSE_POLL_MS` (default 5 s; real deletions take minutes).
fn poll_interval(round: u32) -> Duration {
    let most = crate::aws::timeout("POLL", Duration::from_secs(5));
    Duration::from_millis(1000 * u64::from(round + 1)).min(most)
}

/// Carries out `plan` (already confirmed): in waves, each step once the
/// steps it depends on are done (the learner's own resource after all the
/// rest), each wave's calls made and then waited for.
pub(super) fn execute(
    changes: &mut Changes<'_>,
    calls: &mut dyn Calls,
    plan: &Plan,
    run: &Run<'_>,
    out: &mut Output,
) -> Result<Outcome> {
    let path = journal_path(changes, plan);
    if let Some(earlier) = Journal::load(&path) {
        say_earlier(changes, &earlier, plan, out)?;
    }
    let mut journal = Journal::new(plan);
    let mut engine = Engine {
        changes,
        path,
        saved_ok: true,
        guard: Guard::arm(),
        deadline: Instant::now() + run.wait,
        heading: false,
    };
    engine.save(&mut journal);
    loop {
        engine.block(&mut journal, out)?;
        let ready = ready(&journal);
        if ready.is_empty() || engine.guard.hit() {
            break;
        }
        let mut sent = Vec::new();
        for order in ready {
            if engine.guard.hit() {
                break;
            }
            let step = plan.step(order).expect("a step of the plan");
            if engine.send(calls, &mut journal, step, run, out)? {
                sent.push(order);
            }
        }
        engine.wait(calls, &mut journal, &sent);
        engine.states(&journal, &sent, out)?;
    }
    let interrupted = engine.guard.hit();
    journal.interrupted = interrupted;
    journal.finished = !interrupted && journal.records.iter().all(|r| r.state.settled());
    engine.save(&mut journal);
    drop(engine.guard);
    let outcome = Outcome { journal, interrupted };
    say_after(changes, &outcome, out)?;
    Ok(outcome)
}

/// The steps that can start now: pending, every step they depend on done,
/// and (for the learner's own resource) nothing else still to do.
fn ready(journal: &Journal) -> Vec<usize> {
    let state = |order: usize| journal.record(order).map(|r| r.state);
    let others_open = |me: usize| {
        journal
            .records
            .iter()
            .any(|r| r.order != me && !r.state.settled() && !journal.plan.step(r.order).is_some_and(|s| s.current))
    };
    journal
        .plan
        .steps
        .iter()
        .filter(|s| state(s.order) == Some(State::Pending))
        .filter(|s| s.depends_on.iter().all(|d| state(*d) == Some(State::Done)))
        .filter(|s| !s.current || !others_open(s.order))
        .map(|s| s.order)
        .collect()
}

struct Engine<'e, 'c> {
    changes: &'e mut Changes<'c>,
    path: PathBuf,
    /// The journal was written every time so far (a failure is said once).
    saved_ok: bool,
    guard: Guard,
    deadline: Instant,
    /// The "state now" heading was printed.
    heading: bool,
}

impl Engine<'_, '_> {
    fn lang(&self) -> crate::i18n::Lang {
        self.changes.ctx.lang
    }

    /// Writes the journal; a journal that cannot be written is said once
    /// (the change itself went ahead, and the audit log has it).
    fn save(&mut self, journal: &mut Journal) {
        if let Err(e) = journal.save(&self.path)
            && self.saved_ok
        {
            self.saved_ok = false;
            eprintln!(
                "{}",
                trf(
                    self.lang(),
                    "engine.journal_failed",
                    &[("path", &self.path.display()), ("error", &e)]
                )
            );
        }
    }

    /// Marks the pending steps whose dependency did not get done, saying
    /// which and why.
    fn block(&mut self, journal: &mut Journal, out: &mut Output) -> Result<()> {
        loop {
            let mut changed = false;
            let blocked: Vec<(usize, usize)> = journal
                .plan
                .steps
                .iter()
                .filter(|s| journal.record(s.order).is_some_and(|r| r.state == State::Pending))
                .filter_map(|s| {
                    s.depends_on
                        .iter()
                        .find(|d| {
                            journal
                                .record(**d)
                                .is_some_and(|r| matches!(r.state, State::Failed | State::Blocked | State::TimedOut))
                        })
                        .map(|d| (s.order, *d))
                })
                .collect();
            for (order, by) in blocked {
                changed = true;
                if let Some(record) = journal.set(order, State::Blocked) {
                    record.blocked_by = Some(by);
                }
                let label = journal.record(order).map(|r| r.label.clone()).unwrap_or_default();
                let cause = journal.record(by).map(|r| r.label.clone()).unwrap_or_default();
                let line = trf(
                    self.lang(),
                    "engine.blocked",
                    &[("target", &clean(&label)), ("cause", &clean(&cause))],
                );
                out.line(&format!("{} {line}", "⊘".yellow()))?;
            }
            if !changed {
                break;
            }
            self.save(journal);
        }
        Ok(())
    }

    /// Makes one step's call (a step found already under way only waits),
    /// recording it before (in flight) and after; true when it is now
    /// under way.
    fn send(
        &mut self,
        calls: &mut dyn Calls,
        journal: &mut Journal,
        step: &Step,
        run: &Run<'_>,
        out: &mut Output,
    ) -> Result<bool> {
        let lang = self.lang();
        let shown = journal.plan.shown(step);
        if let Some(found) = &step.found {
            journal.set(step.order, State::Sent);
            self.save(journal);
            let line = trf(lang, "engine.already", &[("target", &clean(&shown)), ("status", found)]);
            out.line(&format!("{} {line}", "…".yellow()))?;
            return Ok(true);
        }
        journal.set(step.order, State::Sending);
        self.save(journal);
        let result = calls.apply(step);
        let account = journal.plan.account.clone();
        let logged = Logged {
            account: &account,
            region: &step.region,
            call: &step.change.action(),
            target: &shown,
            done: (run.said)(step),
            name_on_failure: run.name_on_failure,
        };
        let worked = self.changes.record(out, &logged, &result)?;
        match result {
            Ok(()) if matches!(step.change, Change::Fix { .. }) => {
                journal.set(step.order, State::Done);
            }
            Ok(()) => {
                journal.set(step.order, State::Sent);
            }
            Err(e) => {
                if let Some(record) = journal.set(step.order, State::Failed) {
                    record.error = Some(e);
                }
            }
        }
        self.save(journal);
        Ok(worked && !matches!(step.change, Change::Fix { .. }))
    }

    /// Reads each step of `sent` until it has taken effect, failed, or the
    /// run's wait is over (then it is timed out); Ctrl-C stops the wait.
    fn wait(&mut self, calls: &mut dyn Calls, journal: &mut Journal, sent: &[usize]) {
        let lang = self.lang();
        let bar = crate::ui::spinner(self.changes.ctx.spinner, "");
        let mut round = 0;
        loop {
            let open: Vec<usize> = sent
                .iter()
                .copied()
                .filter(|o| journal.record(*o).is_some_and(|r| r.state == State::Sent))
                .collect();
            if open.is_empty() {
                break;
            }
            for order in &open {
                let step = journal.plan.step(*order).expect("a step of the plan").clone();
                let read = calls.status(&step);
                let record = journal
                    .records
                    .iter_mut()
                    .find(|r| r.order == *order)
                    .expect("recorded");
                match read {
                    Ok(status) => {
                        record.error = None;
                        match step.change.settled(&status) {
                            Some(true) => record.state = State::Done,
                            Some(false) => record.state = State::Failed,
                            None => {}
                        }
                        if record.state != State::Sent {
                            record.at = Some(crate::util::now());
                        }
                        record.status = Some(status);
                    }
                    // A read that failed is tried again; the last error is kept.
                    Err(e) => record.error = Some(e),
                }
            }
            self.save(journal);
            let going = sent
                .iter()
                .filter(|o| journal.record(**o).is_some_and(|r| r.state == State::Sent))
                .count();
            bar.set_message(trf(lang, "fix.waiting", &[("count", &going)]));
            if going == 0 || self.guard.hit() {
                break;
            }
            // Ctrl-C leaves what was sent in flight (the journal says so).
            if Instant::now() >= self.deadline || !self.pause(poll_interval(round)) {
                if self.guard.hit() {
                    break;
                }
                for order in sent {
                    if journal.record(*order).is_some_and(|r| r.state == State::Sent) {
                        journal.set(*order, State::TimedOut);
                    }
                }
                self.save(journal);
                break;
            }
            round += 1;
        }
        bar.finish_and_clear();
    }

    /// Sleeps `interval` (not past the deadline); false when Ctrl-C came.
    fn pause(&self, interval: Duration) -> bool {
        let until = (Instant::now() + interval).min(self.deadline);
        while Instant::now() < until {
            if self.guard.hit() {
                return false;
            }
            std::thread::sleep(Duration::from_millis(50).min(until.saturating_duration_since(Instant::now())));
        }
        !self.guard.hit()
    }

    /// What each step of the wave came to.
    fn states(&mut self, journal: &Journal, sent: &[usize], out: &mut Output) -> Result<()> {
        let lang = self.lang();
        if sent.is_empty() {
            return Ok(());
        }
        if !self.heading {
            self.heading = true;
            out.line(&format!("\n{}", subheading(tr(lang, "fix.new_state"))))?;
        }
        for order in sent {
            let (Some(record), Some(step)) = (journal.record(*order), journal.plan.step(*order)) else {
                continue;
            };
            let label = clean(&step.label);
            let status = record.status.clone().unwrap_or_default();
            let line = match (record.state, &record.error) {
                (State::Done, _) => format!("{} {label} → {status}", "✔".green()),
                (State::Failed, _) => format!("{} {label} → {status} ({})", "✘".red(), tr(lang, "engine.aws_gave_up")),
                (_, Some(e)) => format!("{} {label}: {}", "?".magenta(), e.describe(lang)),
                (_, None) => format!(
                    "{} {label} → {status} ({})",
                    "…".yellow(),
                    match step.change {
                        Change::Delete { .. } => tr(lang, "engine.still_deleting"),
                        _ => tr(lang, "fix.still_stopping"),
                    }
                ),
            };
            out.line(&line)?;
        }
        Ok(())
    }
}

/// What the earlier run of the same command did, when it did not get
/// everything done (stopped, or a step failed): the steps it got done (not
/// repeated: what is done is gone from the account), and the call it had
/// in flight.
fn say_earlier(changes: &Changes<'_>, earlier: &Journal, plan: &Plan, out: &mut Output) -> Result<()> {
    let lang = changes.ctx.lang;
    if earlier.records.iter().all(|r| r.state == State::Done) {
        return Ok(());
    }
    let (done, _, _, _) = earlier.counts();
    out.line(
        &trf(
            lang,
            "engine.continuing",
            &[
                ("at", &earlier.updated_at),
                ("done", &done),
                ("total", &earlier.records.len()),
            ],
        )
        .yellow()
        .to_string(),
    )?;
    let keys: Vec<String> = plan.steps.iter().map(Step::key).collect();
    for record in &earlier.records {
        let again = keys.contains(&record.key);
        let key = match (record.state, again) {
            (State::Done, false) => "engine.done_before",
            (State::Sending, true) => "engine.in_flight_again",
            (State::Sending, false) => "engine.in_flight_gone",
            (State::Sent | State::TimedOut, false) => "engine.done_before",
            _ => continue,
        };
        let at = record.at.clone().unwrap_or_default();
        let line = trf(lang, key, &[("target", &clean(&record.label)), ("at", &at)]);
        out.line(&format!("  {} {line}", "·".dimmed()))?;
    }
    Ok(())
}

/// After the run: what failed and what to do, and, when Ctrl-C stopped
/// it, what was done, in one line.
fn say_after(changes: &Changes<'_>, outcome: &Outcome, out: &mut Output) -> Result<()> {
    let lang = changes.ctx.lang;
    let journal = &outcome.journal;
    let mut steps: Vec<String> = Vec::new();
    for record in &journal.records {
        if let (State::Failed, Some(e)) = (record.state, &record.error) {
            let step = e.step(lang);
            if !steps.contains(&step) {
                steps.push(step);
            }
        }
    }
    let (done, failed, blocked, open) = journal.counts();
    let timed_out = journal.records.iter().any(|r| r.state == State::TimedOut);
    if !steps.is_empty() || timed_out || outcome.interrupted {
        out.line("")?;
    }
    for step in steps {
        out.line(&format!("→ {step}"))?;
    }
    if timed_out && !outcome.interrupted {
        out.line(&tr(lang, "engine.timed_out").yellow().to_string())?;
    }
    if failed + blocked > 0 && !outcome.interrupted {
        out.line(tr(lang, "engine.run_again"))?;
    }
    if outcome.interrupted {
        out.line(
            &trf(
                lang,
                "engine.interrupted",
                &[
                    ("done", &done),
                    ("total", &journal.records.len()),
                    ("open", &(open + blocked)),
                ],
            )
            .yellow()
            .bold()
            .to_string(),
        )?;
    }
    Ok(())
}
