//! The journal of a run: its plan and what became of each step, rewritten
//! whole (atomically) before each call and after each change of state, in
//! the data directory (`journal/COMMAND-ACCOUNT.json`). A run that stopped
//! half-way (Ctrl-C, a network gone, a killed process) left it unfinished;
//! the same command run again reads it, says what the earlier run did, and
//! does nothing twice: what was done is gone from the account (or only
//! waited for), and a call that was in flight is made again only if its
//! resource is still there.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Plan;
use crate::snapshot::CallError;

/// 1: the first format.
pub(crate) const VERSION: u32 = 1;

/// Where a step stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum State {
    /// Not started.
    Pending,
    /// Its call was being sent: it may or may not have reached AWS.
    Sending,
    /// AWS took the call; waiting for it to take effect.
    Sent,
    /// Done: the resource is stopped or gone (or the change made).
    Done,
    /// The call was refused, or AWS gave up on it.
    Failed,
    /// Not started: a step it depends on did not get done.
    Blocked,
    /// Still going when the wait ran out.
    TimedOut,
}

impl State {
    /// Over, one way or another (nothing more will happen in this run).
    pub(crate) fn settled(self) -> bool {
        matches!(self, State::Done | State::Failed | State::Blocked | State::TimedOut)
    }
}

/// What became of one step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Record {
    pub order: usize,
    /// The step's change and region (`Step::key`): how a later run knows it.
    pub key: String,
    pub label: String,
    pub state: State,
    /// When it last changed state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// The status the wait last read (`Deleted`, `Stopped`, `Deleting`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Why it failed, as AWS said it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<CallError>,
    /// The step whose failure kept this one from starting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocked_by: Option<usize>,
}

/// A run: its plan and each step's record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Journal {
    pub version: u32,
    pub command: String,
    pub account: String,
    pub started_at: String,
    pub updated_at: String,
    /// Every step settled (done, failed, blocked or timed out).
    pub finished: bool,
    /// Stopped by Ctrl-C (or a signal) before it finished.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
    pub plan: Plan,
    pub records: Vec<Record>,
}

impl Journal {
    /// A fresh journal for `plan`: every step pending.
    pub(crate) fn new(plan: &Plan) -> Journal {
        let now = crate::util::now();
        Journal {
            version: VERSION,
            command: plan.command.clone(),
            account: plan.account.clone(),
            started_at: now.clone(),
            updated_at: now,
            finished: false,
            interrupted: false,
            records: plan
                .steps
                .iter()
                .map(|s| Record {
                    order: s.order,
                    key: s.key(),
                    label: plan.shown(s),
                    state: State::Pending,
                    at: None,
                    status: None,
                    error: None,
                    blocked_by: None,
                })
                .collect(),
            plan: plan.clone(),
        }
    }

    /// The journal file of `command` on `account`, in the data directory `dir`.
    pub(crate) fn path(dir: &Path, command: &str, account: &str) -> PathBuf {
        let slug: String = command
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect::<String>()
            .split('-')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        let account: String = account.chars().filter(char::is_ascii_alphanumeric).collect();
        dir.join("journal").join(format!("{slug}-{account}.json"))
    }

    /// The journal at `path`; `None` when there is none, or it cannot be
    /// read (an unreadable journal only loses the earlier run's account of
    /// itself: the account is read afresh anyway).
    pub(crate) fn load(path: &Path) -> Option<Journal> {
        let bytes = std::fs::read(path).ok()?;
        serde_json::from_slice::<Journal>(&bytes)
            .ok()
            .filter(|j| j.version == VERSION)
    }

    /// Writes it whole, atomically (its folder made when missing).
    pub(crate) fn save(&mut self, path: &Path) -> std::io::Result<()> {
        self.updated_at = crate::util::now();
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        crate::util::write_atomic(path, crate::util::json_pretty(self).as_bytes())
    }

    pub(crate) fn record(&self, order: usize) -> Option<&Record> {
        self.records.iter().find(|r| r.order == order)
    }

    /// Sets step `order`'s state (and when).
    pub(crate) fn set(&mut self, order: usize, state: State) -> Option<&mut Record> {
        let record = self.records.iter_mut().find(|r| r.order == order)?;
        record.state = state;
        record.at = Some(crate::util::now());
        Some(record)
    }

    /// How many steps are in each state: (done, failed, blocked or timed
    /// out, not started).
    pub(crate) fn counts(&self) -> (usize, usize, usize, usize) {
        let count = |f: &dyn Fn(State) -> bool| self.records.iter().filter(|r| f(r.state)).count();
        (
            count(&|s| s == State::Done),
            count(&|s| s == State::Failed),
            count(&|s| matches!(s, State::Blocked | State::TimedOut)),
            count(&|s| matches!(s, State::Pending | State::Sending | State::Sent)),
        )
    }
}
