//! The terminal toolkit: where output goes, text that fits a width, prompts
//! and progress indicators. It knows no domain type, so every layer above
//! can use it.

pub(crate) mod chart;
pub(crate) mod pager;
pub(crate) mod progress;
pub(crate) mod prompt;
pub(crate) mod text;

use std::io::Write;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::i18n::{Lang, tr};

pub(crate) use prompt::{InquirePrompter, Leave, Prompter, confirm};

/// Where a command's report goes (stdout, or a buffer in tests). Every
/// write failure becomes the same error, so a closed pipe is recognised in
/// one place (`lib::run`).
pub(crate) struct Output<'a> {
    writer: &'a mut dyn Write,
    lang: Lang,
}

impl<'a> Output<'a> {
    pub(crate) fn new(writer: &'a mut dyn Write, lang: Lang) -> Output<'a> {
        Output { writer, lang }
    }

    /// Writes `text` as it is, and flushes (a watched command's readings
    /// must show when taken).
    pub(crate) fn emit(&mut self, text: &str) -> Result<()> {
        let lang = self.lang;
        self.writer
            .write_all(text.as_bytes())
            .and_then(|()| self.writer.flush())
            .map_err(|source| write_error(lang, source))
    }

    /// Writes `text` and a newline.
    pub(crate) fn line(&mut self, text: &str) -> Result<()> {
        self.emit(&format!("{text}\n"))
    }

    /// Writes `value` as pretty JSON.
    pub(crate) fn json<T: serde::Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.emit(&crate::util::json_pretty(value))
    }

    /// The underlying writer, for code that writes to any `Write`.
    pub(crate) fn writer(&mut self) -> &mut dyn Write {
        self.writer
    }
}

/// The error for output that could not be written (a closed pipe, a full disk).
pub(crate) fn write_error(lang: Lang, source: std::io::Error) -> Error {
    Error::Io {
        action: tr(lang, "io.write_output").to_string(),
        path: "-".into(),
        source,
    }
}

/// Names and messages that come from an account or a file may hold control
/// characters; they are shown escaped so they cannot drive the terminal.
pub(crate) fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// A spinner on stderr saying `message`, drawn only when `on` (stderr is a
/// terminal); hidden otherwise. Finish it with `finish_and_clear`.
pub(crate) fn spinner(on: bool, message: &str) -> indicatif::ProgressBar {
    if !on {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message(message.to_string());
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}

/// Waits `interval` with a spinner saying `message` (on a terminal), as
/// rustlings' watch mode does; false as soon as the learner presses Esc, q
/// or Ctrl-C. Without a terminal it just waits.
pub(crate) fn wait_unless_esc(interval: Duration, message: &str, spinner_on: bool) -> bool {
    use crossterm::event::{self, Event, KeyCode, KeyModifiers};
    let bar = spinner(spinner_on, message);
    let raw = spinner_on && crossterm::terminal::enable_raw_mode().is_ok();
    let deadline = std::time::Instant::now() + interval;
    let mut go_on = true;
    while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
        let step = left.min(Duration::from_millis(100));
        if !raw {
            std::thread::sleep(step);
            continue;
        }
        match event::poll(step) {
            Ok(true) => {
                if let Ok(Event::Key(key)) = event::read() {
                    let ctrl_c = key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
                    if key.code == KeyCode::Esc || key.code == KeyCode::Char('q') || ctrl_c {
                        go_on = false;
                        break;
                    }
                }
            }
            Ok(false) => {}
            Err(_) => std::thread::sleep(step),
        }
    }
    if raw {
        let _ = crossterm::terminal::disable_raw_mode();
    }
    bar.finish_and_clear();
    go_on
}
