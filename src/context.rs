//! What the process was started with, read once (environment, terminal,
//! global flags), so every command is tested with other values by building
//! another `Context`. Commands reach shared things through it: the course
//! (loaded on first use), the data directory, the AWS account flags.

use std::cell::OnceCell;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::aws::{AwsArgs, MfaPrompt};
use crate::catalog::prices::PriceBook;
use crate::changelog::AuditLog;
use crate::checks::exceptions::Exception;
use crate::cli::{AwsFlags, Cli, Command};
use crate::course::Course;
use crate::error::Result;
use crate::i18n::{Lang, tr, trf};
use crate::progress::Store;
use crate::ui::{InquirePrompter, Prompter};

/// The exceptions file read by default, in the configuration directory.
pub(crate) const EXCEPTIONS_FILE: &str = "exceptions.toml";

/// Text never gets wider than this, even on a wide terminal: long lines are
/// hard to read.
const MAX_WIDTH: usize = 100;

pub(crate) struct Context {
    pub lang: Lang,
    pub colour: bool,
    /// stdin and stdout are a terminal: prompts may be shown.
    pub interactive: bool,
    pub width: usize,
    /// stderr is a terminal: spinners and progress bars may be drawn there.
    pub spinner: bool,
    pub home: Option<PathBuf>,
    pub lessons: Option<PathBuf>,
    /// `module5 --profile/--region`: the account for the wizard, and the
    /// default for the subcommands that do not name their own.
    pub aws: AwsFlags,
    /// `SM_COURSE_QUIZ_SEED`: repeatable quiz draws and option order (tests);
    /// unset, the wizard seeds from the clock.
    pub quiz_seed: Option<u64>,
    /// How long the wizard waits between checks of a hands-on task
    /// (`SM_COURSE_TASK_INTERVAL_MS`, default 5 s; the tests shorten it).
    pub task_interval: std::time::Duration,
    course: OnceCell<Course>,
}

impl Context {
    pub(crate) fn from_env(cli: &Cli) -> Context {
        let var = |name: &str| std::env::var(name).ok();
        let lang = cli
            .lang
            .unwrap_or_else(|| Lang::from_env(|name| std::env::var(name).ok()));
        let stdout_tty = std::io::stdout().is_terminal();
        let no_color_env = var("NO_COLOR").is_some_and(|v| !v.is_empty());
        // On a terminal a line stops one column short of the edge: a line
        // that fills the last column leaves terminals to disagree about
        // where the next one starts.
        let width = if stdout_tty {
            terminal_size::terminal_size().map(|(w, _)| usize::from(w.0).saturating_sub(1))
        } else {
            None
        }
        .or_else(|| var("COLUMNS").and_then(|c| c.parse().ok()))
        .filter(|w| *w >= 20)
        .unwrap_or(80)
        .min(MAX_WIDTH);
        Context {
            lang,
            colour: stdout_tty && !cli.no_color && !no_color_env,
            interactive: stdout_tty && std::io::stdin().is_terminal(),
            width,
            spinner: std::io::stderr().is_terminal(),
            home: std::env::var_os("SM_COURSE_HOME").map(PathBuf::from),
            lessons: cli.lessons.clone(),
            aws: match &cli.command {
                Command::Module5 { aws, .. } => aws.clone(),
                _ => AwsFlags::default(),
            },
            quiz_seed: var("SM_COURSE_QUIZ_SEED").and_then(|s| s.trim().parse().ok()),
            task_interval: std::time::Duration::from_millis(
                var("SM_COURSE_TASK_INTERVAL_MS")
                    .and_then(|s| s.trim().parse().ok())
                    .unwrap_or(5000),
            ),
            course: OnceCell::new(),
        }
    }

    /// The course, loaded and validated on first use (built-in or `--lessons`).
    pub(crate) fn course(&self) -> Result<&Course> {
        if let Some(course) = self.course.get() {
            return Ok(course);
        }
        let course = Course::load(self.lessons.as_deref(), self.lang, &crate::checks::known())?;
        Ok(self.course.get_or_init(|| course))
    }

    /// A subcommand's own `--profile`/`--region`, else `module5`'s.
    pub(crate) fn aws_args(&self, flags: &AwsFlags) -> AwsArgs {
        let (lang, colour, width) = (self.lang, self.colour, self.width);
        let mfa_prompt = self.interactive.then(|| {
            MfaPrompt(std::sync::Arc::new(move |device: &str| {
                let message = trf(lang, "aws.mfa_prompt", &[("device", &device)]);
                InquirePrompter::new(colour, width, lang)
                    .text(&message, tr(lang, "wizard.help"))
                    .ok()
            }))
        });
        AwsArgs {
            profile: flags.profile.clone().or_else(|| self.aws.profile.clone()),
            region: flags.region.clone().or_else(|| self.aws.region.clone()),
            mfa_code: flags.mfa_code.clone().or_else(|| self.aws.mfa_code.clone()),
            mfa_prompt,
            cache_dir: self
                .store()
                .ok()
                .and_then(|store| store.path().parent().map(|dir| dir.join("cache"))),
        }
    }

    /// The progress file.
    pub(crate) fn store(&self) -> Result<Store> {
        Store::locate(self.home.clone(), self.lang)
    }

    /// This module's saved progress (empty when there is none yet); a damaged
    /// file is moved aside with a warning on stderr.
    pub(crate) fn module_progress(&self) -> Result<crate::progress::ModuleProgress> {
        let course = self.course()?;
        let file = self.store()?.load(self.lang, &mut std::io::stderr());
        Ok(file.modules.get(&course.id).cloned().unwrap_or_default())
    }

    /// The audit log, beside the progress file in the data directory.
    /// The course's prices plus the fresh cached Price List prices of
    /// `regions` (read from the cache files; no network).
    pub(crate) fn prices<'r>(&self, regions: impl IntoIterator<Item = &'r str>) -> Result<PriceBook> {
        Ok(PriceBook::cached(
            &self.course()?.instances,
            self.home.as_deref(),
            regions,
            std::time::SystemTime::now(),
        ))
    }

    /// The configuration directory: `SM_COURSE_HOME` (everything in one
    /// place, as the data), else the user's (`$XDG_CONFIG_HOME/sm-course`
    /// on Linux, `~/.config/sm-course` without it).
    pub(crate) fn config_dir(&self) -> Option<PathBuf> {
        match self.home.clone().filter(|h| !h.as_os_str().is_empty()) {
            Some(home) => Some(home),
            None => dirs::config_dir().map(|d| d.join("sm-course")),
        }
    }

    /// The exceptions: `--exceptions FILE` (it must be there), else
    /// `exceptions.toml` in the configuration directory when it exists.
    /// A file with problems is exit 2, every problem with its line.
    pub(crate) fn exceptions(&self, file: Option<&Path>) -> Result<Vec<Exception>> {
        let path = match file {
            Some(file) => file.to_path_buf(),
            None => match self.config_dir().map(|d| d.join(EXCEPTIONS_FILE)) {
                Some(path) if path.is_file() => path,
                _ => return Ok(Vec::new()),
            },
        };
        crate::checks::exceptions::load(&path, self.lang)
    }

    pub(crate) fn audit_log(&self) -> Result<AuditLog> {
        let store = self.store()?;
        let dir = store.path().parent().unwrap_or(Path::new(".")).to_path_buf();
        Ok(AuditLog::in_dir(&dir))
    }

    pub(crate) fn prompter(&self) -> InquirePrompter {
        InquirePrompter::new(self.colour, self.width, self.lang)
    }
}
