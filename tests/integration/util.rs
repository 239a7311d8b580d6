//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_sm-course");

/// A learner's home for one test: `SM_COURSE_HOME` points into a temporary
/// directory, and the environment is cleared of anything that would change
/// the output (locale, colour, width).
pub struct Learner {
    pub dir: tempfile::TempDir,
}

impl Learner {
    pub fn new() -> Learner {
        Learner {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    pub fn progress_path(&self) -> PathBuf {
        self.home().join("progress.json")
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("SM_COURSE_HOME", self.home())
            .env("COLUMNS", "80")
            .env("LANG", "en_US.UTF-8");
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// Writes a progress file as a learner's earlier session would have.
    pub fn with_progress(&self, fixture: &str) -> &Learner {
        std::fs::create_dir_all(self.home()).unwrap();
        std::fs::copy(fixture_path(fixture), self.progress_path()).unwrap();
        self
    }
}

pub fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// Runs and asserts the exit code, showing both streams when it differs.
#[track_caller]
pub fn expect_code(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(output),
        stderr(output)
    );
    assert!(!stderr(output).contains("panicked"), "{}", stderr(output));
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A pattern finding `text` however the terminal shows it: its words with
/// line breaks, indents, cursor movements or erases between them.
pub fn loose(text: &str) -> String {
    const GAP: &str = r"(?:\s|\x1b\[[0-9;?]*[A-Za-z])+";
    text.split_whitespace()
        .map(|word| {
            word.chars()
                .map(|c| {
                    if "\\.+*?()|[]{}^$#&-~".contains(c) {
                        format!("\\{c}")
                    } else {
                        c.to_string()
                    }
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(GAP)
}

/// The usage a resource kind (audit's `kind`) is priced at, as prices.toml
/// names usages.
fn usage_of(kind: &str) -> &'static str {
    match kind {
        "studio-app" => "notebook",
        "notebook-instance" => "notebook-instance",
        "endpoint" => "hosting",
        "training-job" => "training",
        "processing-job" => "processing",
        "transform-job" => "transform",
        "hyperpod-cluster" => "cluster",
        other => panic!("no usage for {other}"),
    }
}

fn lesson_toml(file: &str) -> toml::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons/module5").join(file);
    toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The figure lessons/module5/prices.toml publishes for `instance_type` in
/// `region` at the usage of resource `kind`, read as plain TOML.
pub fn published_price(instance_type: &str, region: &str, kind: &str) -> Option<f64> {
    let usage = usage_of(kind);
    lesson_toml("prices.toml")["instance_prices"]
        .as_array()?
        .iter()
        .filter(|set| {
            set["region"].as_str() == Some(region)
                && set["usages"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|u| u.as_str() == Some(usage))
        })
        .find_map(|set| set["usd_per_hour"].get(instance_type)?.as_float())
}

/// The course's own figure for `instance_type` (instances.toml).
pub fn course_price(instance_type: &str) -> Option<f64> {
    lesson_toml("instances.toml")["instance"]
        .as_array()?
        .iter()
        .find(|i| i["name"].as_str() == Some(instance_type))?
        .get("price_per_hour_usd")?
        .as_float()
}

/// USD rounded to a millionth, as the tool rounds.
pub fn round(usd: f64) -> f64 {
    (usd * 1e6).round() / 1e6
}

/// Dollars as the English text writes them: cents, or a tenth of a cent
/// below one dollar ($0.575, $1.20).
pub fn usd_en(value: f64) -> String {
    if value >= 1.0 || value == 0.0 {
        format!("${value:.2}")
    } else {
        let text = format!("{value:.3}");
        format!("${}", text.strip_suffix('0').unwrap_or(&text))
    }
}

/// Keys a test types in a pseudo-terminal.
pub const DOWN: &str = "\x1b[B";
pub const ENTER: &str = "\r";

impl Learner {
    /// Every line of the learner's `audit.log` (the changes made to an
    /// account), parsed; none when the file does not exist.
    pub fn audit_log(&self) -> Vec<serde_json::Value> {
        match std::fs::read_to_string(self.home().join("audit.log")) {
            Ok(text) => text.lines().map(|l| serde_json::from_str(l).unwrap()).collect(),
            Err(_) => Vec::new(),
        }
    }

    /// The binary as run on a terminal: the learner's home, English, no
    /// colour, and the window's own width (no `COLUMNS`).
    pub fn tty_command(&self, args: &[&str]) -> Command {
        let mut cmd = self.command(args);
        cmd.env_remove("COLUMNS")
            .env("TERM", "xterm-256color")
            .env("NO_COLOR", "1");
        cmd
    }
}

/// A command in a pseudo-terminal `cols` wide, each wait bounded.
pub struct Pty(pub expectrl::Session);

impl Pty {
    pub fn spawn(cmd: Command, cols: u16, timeout: std::time::Duration) -> Pty {
        let mut session = expectrl::Session::spawn(cmd).expect("spawn in a pty");
        session.get_process_mut().set_window_size(cols, 40).unwrap();
        session.set_expect_timeout(Some(timeout));
        Pty(session)
    }

    /// Waits for `text` however the terminal wraps it.
    pub fn expect(&mut self, text: &str) {
        if let Err(e) = self.0.expect(expectrl::Regex(loose(text))) {
            panic!("waiting for {text:?}: {e}");
        }
    }

    pub fn send(&mut self, keys: &str) {
        self.0.send(keys).unwrap();
    }

    /// The exit code once the program has ended.
    pub fn exit_code(&mut self) -> i32 {
        match self.0.get_process().wait().unwrap() {
            expectrl::WaitStatus::Exited(_, code) => code,
            other => panic!("did not exit normally: {other:?}"),
        }
    }
}
