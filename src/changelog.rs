//! The append-only log of every change the tool makes to an account.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::util::now;

pub(crate) const FILE_NAME: &str = "audit.log";

/// One change: when, where, which call, on what, and how it went.
#[derive(Debug, Serialize)]
pub(crate) struct Entry<'a> {
    pub time: String,
    pub account: &'a str,
    pub region: &'a str,
    pub call: &'a str,
    pub target: &'a str,
    pub result: String,
}

pub(crate) struct AuditLog {
    path: PathBuf,
}

impl AuditLog {
    pub(crate) fn in_dir(dir: &Path) -> AuditLog {
        AuditLog {
            path: dir.join(FILE_NAME),
        }
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one JSON line and syncs it: each entry is written whole, and
    /// earlier entries are never rewritten.
    pub(crate) fn append(
        &self,
        account: &str,
        region: &str,
        call: &str,
        target: &str,
        result: &Result<(), String>,
    ) -> std::io::Result<()> {
        let entry = Entry {
            time: now(),
            account,
            region,
            call,
            target,
            result: match result {
                Ok(()) => "ok".to_string(),
                Err(e) => format!("error: {e}"),
            },
        };
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut line = serde_json::to_string(&entry).expect("an entry serialises");
        line.push('\n');
        let mut file = OpenOptions::new().create(true).append(true).open(&self.path)?;
        file.write_all(line.as_bytes())?;
        file.sync_all()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_appended_one_json_line_each() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::in_dir(dir.path());
        log.append("111122223333", "eu-central-1", "sagemaker:DeleteApp", "app a", &Ok(()))
            .unwrap();
        log.append(
            "111122223333",
            "eu-central-1",
            "sagemaker:StopNotebookInstance",
            "nb",
            &Err("throttled".into()),
        )
        .unwrap();
        let text = std::fs::read_to_string(log.path()).unwrap();
        let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["call"], "sagemaker:DeleteApp");
        assert_eq!(lines[0]["result"], "ok");
        assert_eq!(lines[1]["result"], "error: throttled");
        assert_eq!(lines[1]["account"], "111122223333");
        assert!(lines[1]["time"].as_str().unwrap().ends_with('Z'));
    }
}
