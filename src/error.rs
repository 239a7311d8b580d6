//! Errors that stop a command, each mapped to a documented exit code.

use std::path::PathBuf;

/// Exit codes (documented in the README): 0 fine, 1 something checked
/// failed, 2 could not run (usage, credentials, unreadable input, no terminal).
pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_CANNOT_RUN: u8 = 2;

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
    /// failed" (exit 1) is a result, not an error.
    pub fn exit_code(&self) -> u8 {
        EXIT_CANNOT_RUN
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
