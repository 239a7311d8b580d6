//! Pacing for a conversation on a terminal: text is never pushed off the
//! screen before the learner has read it. Every row written since the
//! learner last pressed a key is counted; when the next line (or the next
//! prompt) would not fit below them, the output stops at a pause line
//! ("Enter to continue") first, as `more` does. What was shown stays in the
//! terminal's scrollback, so the learner can still scroll back to it.

use std::cell::{Cell, RefCell};
use std::io::{self, Write};

use textwrap::core::display_width;

use super::prompt::{Layout, Leave, Prompter};

/// How big the screen is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Screen {
    /// No pacing (output that is not a terminal, most tests).
    Off,
    /// A fixed size (tests).
    #[cfg(test)]
    Fixed { rows: usize, cols: usize },
    /// The terminal's, read at each decision so a resize counts.
    Terminal,
}

impl Screen {
    /// (rows, columns), when pacing.
    fn size(self) -> Option<(usize, usize)> {
        match self {
            Screen::Off => None,
            #[cfg(test)]
            Screen::Fixed { rows, cols } => Some((rows, cols)),
            Screen::Terminal => {
                terminal_size::terminal_size().map(|(w, h)| (usize::from(h.0), usize::from(w.0).max(1)))
            }
        }
    }
}

/// The pacing state of one conversation: rows shown since the learner last
/// pressed a key, and whether they left at a pause.
pub(crate) struct Pacing {
    screen: Screen,
    /// The width prompts are wrapped to (as `InquirePrompter` wraps them).
    width: usize,
    /// The pause line.
    message: String,
    /// The width of the mark a prompt shows when left (see `Layout`).
    mark: usize,
    unread: Cell<usize>,
    left: Cell<bool>,
}

impl Pacing {
    pub(crate) fn new(screen: Screen, width: usize, message: &str, mark: &str) -> Pacing {
        Pacing {
            screen,
            width,
            message: message.to_string(),
            mark: display_width(mark),
            unread: Cell::new(0),
            left: Cell::new(false),
        }
    }

    /// Whether output is paced at all (on a terminal).
    pub(crate) fn on(&self) -> bool {
        self.screen != Screen::Off
    }

    /// Rows shown since the learner last pressed a key.
    pub(crate) fn unread(&self) -> usize {
        self.unread.get()
    }

    /// The learner left at a pause (Esc, Ctrl-C): stop and save.
    pub(crate) fn left(&self) -> bool {
        self.left.get()
    }

    /// Starts a conversation afresh.
    pub(crate) fn reset(&self) {
        self.unread.set(0);
        self.left.set(false);
    }

    /// Whether `rows` more fit below what is unread. Lines keep the row
    /// below them free (the cursor's, where a pause line would go); a
    /// prompt ends on its own last row.
    fn fits(&self, rows: usize, prompt: bool) -> bool {
        match self.screen.size() {
            None => true,
            Some((height, _)) => self.unread.get() == 0 || self.unread.get() + rows + usize::from(!prompt) <= height,
        }
    }

    /// Terminal rows a line of text takes (a line wider than the terminal
    /// takes more than one).
    fn rows_of(&self, line: &str) -> usize {
        let cols = self.screen.size().map_or(usize::MAX, |(_, c)| c);
        display_width(line).max(1).div_ceil(cols)
    }

    fn pause(&self, prompter: &RefCell<&mut dyn Prompter>) -> io::Result<()> {
        if self.left.get() {
            return Err(left_error());
        }
        match prompter.borrow_mut().pause(&self.message) {
            Ok(()) => {
                self.unread.set(0);
                Ok(())
            }
            Err(Leave) => {
                self.left.set(true);
                Err(left_error())
            }
        }
    }
}

fn left_error() -> io::Error {
    io::Error::other("the learner left at a pause")
}

/// The prompter of a paced conversation: a prompt that would not fit below
/// the unread text waits behind a pause; once answered, everything on
/// screen has been read.
pub(crate) struct PacedPrompter<'r, 'p> {
    pacing: &'r Pacing,
    inner: &'r RefCell<&'p mut dyn Prompter>,
}

impl<'r, 'p> PacedPrompter<'r, 'p> {
    pub(crate) fn new(pacing: &'r Pacing, inner: &'r RefCell<&'p mut dyn Prompter>) -> Self {
        PacedPrompter { pacing, inner }
    }

    fn room(&self, layout: &Layout) -> Result<(), Leave> {
        if self.pacing.fits(layout.rows(), true) {
            return Ok(());
        }
        self.pacing.pause(self.inner).map_err(|_| Leave)
    }

    fn answered<T>(&self, result: Result<T, Leave>) -> Result<T, Leave> {
        self.pacing.unread.set(0);
        result
    }
}

impl Prompter for PacedPrompter<'_, '_> {
    fn select_from(&mut self, message: &str, options: &[String], help: &str, start: usize) -> Result<usize, Leave> {
        self.room(&Layout::choice(
            message,
            options,
            help,
            self.pacing.width,
            false,
            self.pacing.mark,
        ))?;
        let result = self.inner.borrow_mut().select_from(message, options, help, start);
        self.answered(result)
    }

    fn multi_select(&mut self, message: &str, options: &[String], help: &str) -> Result<Vec<usize>, Leave> {
        self.room(&Layout::choice(
            message,
            options,
            help,
            self.pacing.width,
            true,
            self.pacing.mark,
        ))?;
        let result = self.inner.borrow_mut().multi_select(message, options, help);
        self.answered(result)
    }

    fn text(&mut self, message: &str, help: &str) -> Result<String, Leave> {
        self.room(&Layout::text(message, help, self.pacing.width, self.pacing.mark))?;
        let result = self.inner.borrow_mut().text(message, help);
        self.answered(result)
    }

    fn pause(&mut self, _message: &str) -> Result<(), Leave> {
        self.pacing.pause(self.inner).map_err(|_| Leave)
    }
}

/// Output of a paced conversation: before a line that would push unread
/// text off the screen, a pause. After the learner left at a pause every
/// write fails, so whatever was writing stops.
pub(crate) struct PacedWriter<'r, 'p, 'o> {
    pacing: &'r Pacing,
    prompter: &'r RefCell<&'p mut dyn Prompter>,
    out: &'o mut dyn Write,
    /// Bytes of a character split between two writes.
    partial: Vec<u8>,
    /// The width of the line being written, when it did not end yet.
    column: usize,
}

impl<'r, 'p, 'o> PacedWriter<'r, 'p, 'o> {
    pub(crate) fn new(pacing: &'r Pacing, prompter: &'r RefCell<&'p mut dyn Prompter>, out: &'o mut dyn Write) -> Self {
        PacedWriter {
            pacing,
            prompter,
            out,
            partial: Vec::new(),
            column: 0,
        }
    }

    fn line(&mut self, text: &str, ends: bool) -> io::Result<()> {
        if self.column == 0 && (ends || !text.is_empty()) {
            let rows = self.pacing.rows_of(text);
            if !self.pacing.fits(rows, false) {
                self.out.flush()?;
                self.pacing.pause(self.prompter)?;
            }
        }
        self.out.write_all(text.as_bytes())?;
        self.column += display_width(text);
        if ends {
            self.out.write_all(b"\n")?;
            let rows = self.pacing.rows_of(&" ".repeat(self.column));
            self.pacing.unread.set(self.pacing.unread.get() + rows);
            self.column = 0;
        }
        Ok(())
    }
}

impl Write for PacedWriter<'_, '_, '_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.pacing.left() {
            return Err(left_error());
        }
        self.partial.extend_from_slice(buf);
        let bytes = std::mem::take(&mut self.partial);
        let (text, rest) = match std::str::from_utf8(&bytes) {
            Ok(text) => (text, &[][..]),
            Err(e) => {
                let (valid, rest) = bytes.split_at(e.valid_up_to());
                (std::str::from_utf8(valid).expect("checked"), rest)
            }
        };
        let rest = rest.to_vec();
        let mut lines = text.split('\n').peekable();
        while let Some(line) = lines.next() {
            self.line(line, lines.peek().is_some())?;
        }
        self.partial = rest;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records pauses and prompts in one transcript; `keys` answers pauses
    /// (true: Enter, false: Esc).
    struct Keys {
        keys: Vec<bool>,
        log: Vec<String>,
    }

    impl Prompter for Keys {
        fn select_from(&mut self, message: &str, _: &[String], _: &str, _: usize) -> Result<usize, Leave> {
            self.log.push(format!("select {message}"));
            Ok(0)
        }
        fn multi_select(&mut self, _: &str, _: &[String], _: &str) -> Result<Vec<usize>, Leave> {
            Ok(Vec::new())
        }
        fn text(&mut self, _: &str, _: &str) -> Result<String, Leave> {
            Ok(String::new())
        }
        fn pause(&mut self, message: &str) -> Result<(), Leave> {
            self.log.push(format!("pause {message}"));
            if self.keys.remove(0) { Ok(()) } else { Err(Leave) }
        }
    }

    fn numbered(from: usize, to: usize) -> String {
        (from..=to).map(|n| format!("line {n}\n")).collect()
    }

    #[test]
    fn long_text_stops_a_line_before_the_bottom_and_goes_on_after_enter() {
        let pacing = Pacing::new(Screen::Fixed { rows: 5, cols: 60 }, 60, "Enter", "");
        let mut keys = Keys {
            keys: vec![true, true],
            log: Vec::new(),
        };
        let inner: RefCell<&mut dyn Prompter> = RefCell::new(&mut keys);
        let mut out = Vec::new();
        {
            let mut writer = PacedWriter::new(&pacing, &inner, &mut out);
            // Written in pieces, as `write!` does.
            write!(writer, "{}", numbered(1, 3)).unwrap();
            write!(writer, "line 4").unwrap();
            writeln!(writer).unwrap();
            write!(writer, "{}", numbered(5, 10)).unwrap();
        }
        // Four rows, the pause on the fifth; then four more, a pause, two.
        assert_eq!(keys.log, ["pause Enter", "pause Enter"]);
        assert_eq!(String::from_utf8(out).unwrap(), numbered(1, 10));
        assert_eq!(pacing.unread(), 2);
    }

    #[test]
    fn a_prompt_that_would_not_fit_below_the_unread_text_waits_behind_a_pause() {
        let pacing = Pacing::new(Screen::Fixed { rows: 6, cols: 60 }, 60, "Enter", "");
        let mut keys = Keys {
            keys: vec![true],
            log: Vec::new(),
        };
        let inner: RefCell<&mut dyn Prompter> = RefCell::new(&mut keys);
        let mut out = Vec::new();
        let options = ["a".to_string(), "b".to_string()];
        {
            let mut writer = PacedWriter::new(&pacing, &inner, &mut out);
            let mut prompter = PacedPrompter::new(&pacing, &inner);
            write!(writer, "{}", numbered(1, 2)).unwrap();
            // Two rows unread + four for the prompt (question, two options, help) fit in six.
            prompter.select("Q1", &options, "help").unwrap();
            assert_eq!(pacing.unread(), 0, "answering reads the screen");
            write!(writer, "{}", numbered(3, 5)).unwrap();
            // Three unread + four do not.
            prompter.select("Q2", &options, "help").unwrap();
        }
        assert_eq!(keys.log, ["select Q1", "pause Enter", "select Q2"]);
    }

    #[test]
    fn lines_wider_than_the_terminal_count_as_the_rows_they_take() {
        let pacing = Pacing::new(Screen::Fixed { rows: 4, cols: 10 }, 10, "Enter", "");
        let mut keys = Keys {
            keys: vec![true],
            log: Vec::new(),
        };
        let inner: RefCell<&mut dyn Prompter> = RefCell::new(&mut keys);
        let mut out = Vec::new();
        let mut writer = PacedWriter::new(&pacing, &inner, &mut out);
        writeln!(writer, "{}", "x".repeat(25)).unwrap();
        assert_eq!(pacing.unread(), 3);
        writeln!(writer, "y").unwrap();
        assert_eq!(keys.log, ["pause Enter"]);
    }

    #[test]
    fn esc_at_a_pause_stops_every_later_write() {
        let pacing = Pacing::new(Screen::Fixed { rows: 3, cols: 60 }, 60, "Enter", "");
        let mut keys = Keys {
            keys: vec![false],
            log: Vec::new(),
        };
        let inner: RefCell<&mut dyn Prompter> = RefCell::new(&mut keys);
        let mut out = Vec::new();
        let mut writer = PacedWriter::new(&pacing, &inner, &mut out);
        assert!(write!(writer, "{}", numbered(1, 5)).is_err());
        assert!(pacing.left());
        assert!(writeln!(writer, "more").is_err());
        drop(writer);
        assert_eq!(String::from_utf8(out).unwrap(), numbered(1, 2));
    }

    #[test]
    fn without_a_screen_nothing_pauses_and_characters_split_between_writes_survive() {
        let pacing = Pacing::new(Screen::Off, 60, "Enter", "");
        let mut keys = Keys {
            keys: Vec::new(),
            log: Vec::new(),
        };
        let inner: RefCell<&mut dyn Prompter> = RefCell::new(&mut keys);
        let mut out = Vec::new();
        {
            let mut writer = PacedWriter::new(&pacing, &inner, &mut out);
            let text = numbered(1, 100) + "ção\n";
            let bytes = text.as_bytes();
            let cut = bytes.len() - 3; // inside "ã"
            writer.write_all(&bytes[..cut]).unwrap();
            writer.write_all(&bytes[cut..]).unwrap();
        }
        assert!(keys.log.is_empty());
        assert!(String::from_utf8(out).unwrap().ends_with("line 100\nção\n"));
    }
}
