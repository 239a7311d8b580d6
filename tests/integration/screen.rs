//! A small terminal screen for the pseudo-terminal tests: it plays back
//! what a program wrote (text, line feeds, the cursor movements and erases
//! inquire and the pager use) onto rows of a fixed width, keeps the rows
//! that scroll off the top, and says where a word was broken across two
//! rows, by the terminal's own wrapping or by a program filling a row.

use textwrap::core::display_width;

pub struct Screen {
    cols: usize,
    rows: usize,
    grid: Vec<Row>,
    /// Rows scrolled off the top, oldest first.
    history: Vec<Row>,
    row: usize,
    col: usize,
    /// The cursor sits past the last column: the next character wraps.
    pending_wrap: bool,
    parser: Parser,
    utf8: Vec<u8>,
}

#[derive(Clone)]
struct Row {
    cells: Vec<char>,
    /// The terminal wrapped this row into the next (the text was too wide).
    wrapped: bool,
}

impl Row {
    fn blank(cols: usize) -> Row {
        Row {
            cells: vec![' '; cols],
            wrapped: false,
        }
    }

    fn text(&self) -> String {
        self.cells
            .iter()
            .filter(|c| **c != '\0')
            .collect::<String>()
            .trim_end()
            .to_string()
    }
}

enum Parser {
    Text,
    Escape,
    Csi(String),
    /// An OSC or other string sequence, skipped to its end.
    Skip,
}

/// A word broken across two rows.
#[derive(Debug)]
pub struct Break {
    pub word: String,
    pub rows: [String; 2],
}

impl Screen {
    pub fn new(cols: usize, rows: usize) -> Screen {
        Screen {
            cols,
            rows,
            grid: vec![Row::blank(cols); rows],
            history: Vec::new(),
            row: 0,
            col: 0,
            pending_wrap: false,
            parser: Parser::Text,
            utf8: Vec::new(),
        }
    }

    pub fn feed(&mut self, bytes: &[u8]) {
        self.utf8.extend_from_slice(bytes);
        let bytes = std::mem::take(&mut self.utf8);
        let valid = match std::str::from_utf8(&bytes) {
            Ok(text) => text.len(),
            Err(e) => e.valid_up_to(),
        };
        let text = std::str::from_utf8(&bytes[..valid]).unwrap().to_string();
        self.utf8 = bytes[valid..].to_vec();
        for c in text.chars() {
            self.char(c);
        }
    }

    fn char(&mut self, c: char) {
        match std::mem::replace(&mut self.parser, Parser::Text) {
            Parser::Text => match c {
                '\x1b' => self.parser = Parser::Escape,
                '\r' => {
                    self.col = 0;
                    self.pending_wrap = false;
                }
                '\n' => self.line_feed(),
                '\x08' => {
                    self.col = self.col.saturating_sub(1);
                    self.pending_wrap = false;
                }
                c if c.is_control() => {}
                c => self.put(c),
            },
            Parser::Escape => {
                self.parser = match c {
                    '[' => Parser::Csi(String::new()),
                    ']' | 'P' | '_' | '^' => Parser::Skip,
                    _ => Parser::Text,
                }
            }
            Parser::Csi(mut params) => {
                if c.is_ascii_alphabetic() || c == '@' || c == '`' || c == '~' {
                    self.csi(&params, c);
                } else {
                    params.push(c);
                    self.parser = Parser::Csi(params);
                }
            }
            Parser::Skip => {
                if c != '\x07' && c != '\x1b' {
                    self.parser = Parser::Skip;
                }
            }
        }
    }

    fn csi(&mut self, params: &str, op: char) {
        let numbers: Vec<usize> = params
            .trim_start_matches('?')
            .split(';')
            .map(|p| p.parse().unwrap_or(0))
            .collect();
        let n = numbers.first().copied().unwrap_or(0).max(1);
        let first = numbers.first().copied().unwrap_or(0);
        match op {
            'A' => self.row = self.row.saturating_sub(n),
            'B' => self.row = (self.row + n).min(self.rows - 1),
            'C' => self.col = (self.col + n).min(self.cols - 1),
            'D' => self.col = self.col.saturating_sub(n),
            'G' => self.col = (n - 1).min(self.cols - 1),
            'H' | 'f' => {
                self.row = (n - 1).min(self.rows - 1);
                self.col = (numbers.get(1).copied().unwrap_or(1).max(1) - 1).min(self.cols - 1);
            }
            'K' => {
                let row = &mut self.grid[self.row];
                let range = match first {
                    0 => self.col..self.cols,
                    1 => 0..self.col + 1,
                    _ => 0..self.cols,
                };
                for cell in &mut row.cells[range] {
                    *cell = ' ';
                }
                row.wrapped = false;
            }
            'J' => {
                let rows = match first {
                    0 => {
                        let row = &mut self.grid[self.row];
                        for cell in &mut row.cells[self.col..] {
                            *cell = ' ';
                        }
                        self.row + 1..self.rows
                    }
                    1 => 0..self.row,
                    _ => 0..self.rows,
                };
                for r in rows {
                    self.grid[r] = Row::blank(self.cols);
                }
            }
            // Colours, cursor shown or hidden, modes: nothing to place.
            _ => {}
        }
        self.pending_wrap = false;
    }

    fn line_feed(&mut self) {
        self.pending_wrap = false;
        if self.row + 1 < self.rows {
            self.row += 1;
        } else {
            let top = self.grid.remove(0);
            self.history.push(top);
            self.grid.push(Row::blank(self.cols));
        }
    }

    fn put(&mut self, c: char) {
        let width = display_width(&c.to_string()).max(1);
        if self.pending_wrap || self.col + width > self.cols {
            self.grid[self.row].wrapped = true;
            self.line_feed();
            self.col = 0;
        }
        self.grid[self.row].cells[self.col] = c;
        if width == 2 && self.col + 1 < self.cols {
            self.grid[self.row].cells[self.col + 1] = '\0';
        }
        if self.col + width >= self.cols {
            self.col = self.cols - 1;
            self.pending_wrap = true;
        } else {
            self.col += width;
        }
    }

    /// Every row shown so far (scrolled off, then on screen), as text.
    pub fn lines(&self) -> Vec<String> {
        self.history.iter().chain(&self.grid).map(Row::text).collect()
    }

    /// Words broken across two rows, anywhere in what was shown: where a
    /// row was wrapped by the terminal or filled to its last column, and
    /// the word running over the edge would have fitted on a row of its
    /// own (a word wider than the screen cannot be kept whole).
    pub fn broken_words(&self) -> Vec<Break> {
        let rows: Vec<&Row> = self.history.iter().chain(&self.grid).collect();
        let mut breaks = Vec::new();
        for pair in rows.windows(2) {
            let (upper, lower) = (pair[0], pair[1]);
            let full = upper.cells.last().is_some_and(|c| *c != ' ');
            if !(upper.wrapped || full) {
                continue;
            }
            let tail: String = upper
                .cells
                .iter()
                .rev()
                .take_while(|c| **c != ' ')
                .filter(|c| **c != '\0')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let head: String = lower
                .cells
                .iter()
                .take_while(|c| **c != ' ')
                .filter(|c| **c != '\0')
                .collect();
            let joins = |s: &str, end: bool| {
                let c = if end { s.chars().last() } else { s.chars().next() };
                c.is_some_and(|c| c.is_alphanumeric() || "`'\"(),.;:!?-_/".contains(c))
            };
            if !joins(&tail, true) || !joins(&head, false) {
                continue;
            }
            // Could it have fitted on a row, after the upper row's indent?
            let word = format!("{tail}{head}");
            let indent = upper.cells.iter().take_while(|c| **c == ' ').count();
            if display_width(&word) <= self.cols.saturating_sub(indent) {
                breaks.push(Break {
                    word,
                    rows: [upper.text(), lower.text()],
                });
            }
        }
        breaks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_too_wide_is_wrapped_by_the_terminal_and_its_broken_word_found() {
        let mut screen = Screen::new(10, 3);
        screen.feed(b"hello wonderful\r\nok\r\n");
        assert_eq!(screen.lines()[..2], ["hello wond", "erful"]);
        let breaks = screen.broken_words();
        assert_eq!(breaks.len(), 1);
        assert_eq!(breaks[0].word, "wonderful");
    }

    #[test]
    fn text_wrapped_at_spaces_short_of_the_edge_breaks_nothing() {
        let mut screen = Screen::new(10, 3);
        screen.feed("olá mundo\r\nsegunda\r\n".as_bytes());
        assert!(screen.broken_words().is_empty());
    }

    #[test]
    fn a_row_filled_to_the_edge_then_continued_is_a_break_even_without_the_terminal_wrapping() {
        // As inquire does: it ends the row itself at the edge.
        let mut screen = Screen::new(10, 4);
        screen.feed(b"abcde fghi\r\njkl\r\n");
        assert_eq!(screen.broken_words()[0].word, "fghijkl");
    }

    #[test]
    fn cursor_movements_and_erases_replace_what_was_drawn() {
        let mut screen = Screen::new(20, 4);
        screen.feed(b"? question\r\n> first\r\n  second");
        // Redrawn: up two rows, the answered line, the rest erased.
        screen.feed(b"\r\x1b[2A> question first\x1b[K\r\n\x1b[2K\r\n\x1b[2K\r");
        assert_eq!(screen.lines()[..3], ["> question first", "", ""]);
    }

    #[test]
    fn rows_scrolled_off_the_top_are_kept() {
        let mut screen = Screen::new(10, 2);
        screen.feed(b"one\r\ntwo\r\nthree\r\n");
        assert_eq!(screen.lines(), ["one", "two", "three", ""]);
    }
}
