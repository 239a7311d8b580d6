//! How a command ends: an `ExitStatus` when it ran, an `Error` when it could
//! not. Both map to the documented exit codes here and nowhere else.

use std::path::PathBuf;

/// What a command that ran reports (README, "Exit codes").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: fine.
    Success,
    /// 1: something checked failed (or is still billing).
    Failure,
    /// 2: could not run (the code of every `Error`).
    CannotRun,
    /// A measured command's own exit code, passed through (`monitor -- CMD`).
    External(u8),
    /// 130: stopped by Ctrl-C while changing the account, after finishing
    /// (or recording) the call in flight (128 + SIGINT, as shells report it).
    Interrupted,
}

impl ExitStatus {
    pub fn failed_if(failed: bool) -> ExitStatus {
        if failed {
            ExitStatus::Failure
        } else {
            ExitStatus::Success
        }
    }

    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::CannotRun => 2,
            ExitStatus::External(code) => code,
            ExitStatus::Interrupted => 130,
        }
    }
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(status: ExitStatus) -> Self {
        std::process::ExitCode::from(status.code())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input on the command line; the text is already in the learner's language.
    #[error("{0}")]
    Usage(String),
    /// The wizard or a prompt needs a terminal; the text names the alternatives.
    #[error("{0}")]
    NeedsTerminal(String),
    /// No AWS credentials could be found; the text says how to set them up.
    #[error("{0}")]
    Credentials(String),
    /// An AWS call the command cannot do without failed; the text names the
    /// call and why (access denied, throttled, unreachable…).
    #[error("{0}")]
    Aws(String),
    /// Course content (embedded or from `--lessons`) failed validation.
    #[error("{header}\n{}", problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Content { header: String, problems: Vec<String> },
    /// A file the command needs could not be read or written.
    #[error("{action} {}: {source}", path.display())]
    Io {
        action: String,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// Every error that stops a command means it could not run; "a check
    /// failed" is an `ExitStatus`, not an error.
    pub fn exit_status(&self) -> ExitStatus {
        ExitStatus::CannotRun
    }

    /// A reader that went away (`| head`) is not an error.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;
