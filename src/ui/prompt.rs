//! The seam between the commands and the terminal's prompts: they ask a
//! `Prompter`, which is inquire on a real terminal and a script in tests.
//!
//! inquire breaks a line that is too wide at whatever character reaches the
//! edge, so every question, option and help line is wrapped here at word
//! boundaries first, continuation lines indented under the first, and the
//! answer shown after a choice is wrapped the same way.

use std::io::Write;

use inquire::{InquireError, MultiSelect, Select, Text, list_option::ListOption, ui::RenderConfig};
use textwrap::core::display_width;

use crate::error::{Error, Result};
use crate::i18n::{Lang, tr};

/// The learner left a prompt (Esc or Ctrl-C).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Leave;

pub(crate) trait Prompter {
    /// One of `options`, as its index, the cursor starting on `start` (the
    /// choice Enter takes).
    fn select_from(
        &mut self,
        message: &str,
        options: &[String],
        help: &str,
        start: usize,
    ) -> std::result::Result<usize, Leave>;

    /// One of `options`, as its index, the cursor starting on the first.
    fn select(&mut self, message: &str, options: &[String], help: &str) -> std::result::Result<usize, Leave> {
        self.select_from(message, options, help, 0)
    }

    /// Any of `options` (all chosen to begin with), as indexes.
    fn multi_select(&mut self, message: &str, options: &[String], help: &str)
    -> std::result::Result<Vec<usize>, Leave>;

    /// A line of text.
    fn text(&mut self, message: &str, help: &str) -> std::result::Result<String, Leave>;

    /// Shows `message` and waits until the learner has read the screen:
    /// Enter (or space) goes on; Esc, q or Ctrl-C leave, as at any prompt.
    fn pause(&mut self, message: &str) -> std::result::Result<(), Leave>;
}

/// Yes with `--yes`; otherwise the learner's answer on a terminal; without
/// one, an error naming `--yes` (exit 2). Nothing is ever assumed.
pub(crate) fn confirm(
    prompter: &mut dyn Prompter,
    interactive: bool,
    yes: bool,
    question: &str,
    lang: Lang,
) -> Result<bool> {
    if yes {
        return Ok(true);
    }
    if !interactive {
        return Err(Error::NeedsTerminal(tr(lang, "fix.needs_yes").to_string()));
    }
    let options = [tr(lang, "fix.no").to_string(), tr(lang, "fix.yes").to_string()];
    Ok(prompter.select(question, &options, tr(lang, "wizard.help")) == Ok(1))
}

fn leave<T>(result: std::result::Result<T, InquireError>) -> std::result::Result<T, Leave> {
    // Esc, Ctrl-C, a terminal that went away, any prompt failure: the caller
    // has saved what matters and leaves cleanly.
    result.map_err(|_| Leave)
}

/// Columns inquire draws before a question ("? "), an option ("> ") and a
/// multi-select option ("> [x] ").
const QUESTION_PREFIX: usize = 2;
const OPTION_PREFIX: usize = 2;
const CHECKBOX_PREFIX: usize = 6;

/// What a text prompt keeps free after its question, for the typed answer.
const TYPING_ROOM: usize = 16;

/// `text` wrapped at word boundaries for a line that already holds `prefix`
/// columns (which inquire draws), continuation lines indented by `prefix`
/// spaces; the last line keeps `reserve` columns free. Lines come back
/// joined by `\n`, the first without the prefix.
pub(crate) fn wrap_after(text: &str, width: usize, prefix: usize, reserve: usize) -> String {
    let indent = " ".repeat(prefix);
    // The reserve is held by a placeholder word, removed after wrapping.
    let placeholder = "\u{2007}".repeat(reserve);
    let padded = if reserve > 0 {
        format!("{text} {placeholder}")
    } else {
        text.to_string()
    };
    let mut lines: Vec<String> = textwrap::wrap(&padded, super::text::wrap_options(width, &indent, &indent))
        .into_iter()
        .map(|l| l.into_owned())
        .collect();
    if reserve > 0
        && let Some(last) = lines.last_mut()
    {
        *last = last.trim_end_matches('\u{2007}').trim_end().to_string();
        if last.trim().is_empty() {
            lines.pop();
        }
    }
    if let Some(first) = lines.first_mut() {
        *first = first[indent.len().min(first.len())..].to_string();
    }
    lines.join("\n")
}

/// How a prompt's parts are handed to inquire: each wrapped to fit `width`.
#[derive(Debug, PartialEq)]
pub(crate) struct Layout {
    pub message: String,
    pub options: Vec<String>,
    pub help: String,
}

impl Layout {
    /// A question with options; `checkboxes` for a multi-select. The
    /// question's last line keeps room for inquire's trailing space and for
    /// the "canceled" mark shown after Esc.
    pub(crate) fn choice(
        message: &str,
        options: &[String],
        help: &str,
        width: usize,
        checkboxes: bool,
        mark: usize,
    ) -> Layout {
        let prefix = if checkboxes { CHECKBOX_PREFIX } else { OPTION_PREFIX };
        Layout {
            message: wrap_after(message, width, QUESTION_PREFIX, mark + 1),
            options: options.iter().map(|o| wrap_after(o, width, prefix, 0)).collect(),
            help: wrap_help(help, width),
        }
    }

    /// A question answered by typing, with room left for the answer.
    pub(crate) fn text(message: &str, help: &str, width: usize, mark: usize) -> Layout {
        Layout {
            message: wrap_after(message, width, QUESTION_PREFIX, mark.max(TYPING_ROOM) + 1),
            options: Vec::new(),
            help: wrap_help(help, width),
        }
    }

    /// The terminal rows the prompt takes.
    pub(crate) fn rows(&self) -> usize {
        let lines = |s: &str| s.lines().count().max(1);
        lines(&self.message) + self.options.iter().map(|o| lines(o)).sum::<usize>() + lines(&self.help)
    }

    /// The answer shown after the question once chosen: on the question's
    /// last line when it fits there, else on lines of its own below it.
    pub(crate) fn answer(&self, answer: &str, width: usize) -> String {
        let last = self.message.lines().count();
        let used =
            display_width(self.message.lines().last().unwrap_or("")) + if last <= 1 { QUESTION_PREFIX } else { 0 } + 1;
        if used + display_width(answer) <= width {
            return answer.to_string();
        }
        let indent = " ".repeat(QUESTION_PREFIX);
        format!(
            "\n{}",
            textwrap::fill(answer, super::text::wrap_options(width, &indent, &indent))
        )
    }
}

/// The help line, drawn by inquire between `[` and `]`.
fn wrap_help(help: &str, width: usize) -> String {
    wrap_after(help, width, 1, 1)
}

pub(crate) struct InquirePrompter {
    render: RenderConfig<'static>,
    colour: bool,
    /// The width every prompt is wrapped to.
    width: usize,
}

impl InquirePrompter {
    pub(crate) fn new(colour: bool, width: usize, lang: Lang) -> Self {
        let render = if colour {
            RenderConfig::default_colored()
        } else {
            RenderConfig::empty()
        };
        let mut canceled = render.canceled_prompt_indicator;
        canceled.content = tr(lang, "prompt.canceled");
        InquirePrompter {
            render: render.with_canceled_prompt_indicator(canceled),
            colour,
            width,
        }
    }

    fn mark(&self) -> usize {
        display_width(self.render.canceled_prompt_indicator.content)
    }
}

impl Prompter for InquirePrompter {
    fn select_from(
        &mut self,
        message: &str,
        options: &[String],
        help: &str,
        start: usize,
    ) -> std::result::Result<usize, Leave> {
        let layout = Layout::choice(message, options, help, self.width, false, self.mark());
        let width = self.width;
        let formatter = |chosen: ListOption<&String>| layout.answer(&options[chosen.index], width);
        let answer = Select::new(&layout.message, layout.options.clone())
            .with_help_message(&layout.help)
            .with_render_config(self.render)
            .with_page_size(options.len().max(1))
            .with_starting_cursor(start.min(options.len().saturating_sub(1)))
            .with_formatter(&formatter)
            .without_filtering()
            .raw_prompt();
        leave(answer).map(|choice| choice.index)
    }

    fn multi_select(
        &mut self,
        message: &str,
        options: &[String],
        help: &str,
    ) -> std::result::Result<Vec<usize>, Leave> {
        let layout = Layout::choice(message, options, help, self.width, true, self.mark());
        let width = self.width;
        let formatter = |chosen: &[ListOption<&String>]| {
            let names: Vec<&str> = chosen.iter().map(|c| options[c.index].as_str()).collect();
            layout.answer(&names.join(", "), width)
        };
        let all: Vec<usize> = (0..options.len()).collect();
        let answer = MultiSelect::new(&layout.message, layout.options.clone())
            .with_help_message(&layout.help)
            .with_render_config(self.render)
            .with_page_size(options.len().clamp(1, 20))
            .with_default(&all)
            .with_formatter(&formatter)
            .without_filtering()
            .raw_prompt();
        leave(answer).map(|chosen| chosen.into_iter().map(|c| c.index).collect())
    }

    fn text(&mut self, message: &str, help: &str) -> std::result::Result<String, Leave> {
        let layout = Layout::text(message, help, self.width, self.mark());
        leave(
            Text::new(&layout.message)
                .with_help_message(&layout.help)
                .with_render_config(self.render)
                .prompt(),
        )
    }

    fn pause(&mut self, message: &str) -> std::result::Result<(), Leave> {
        use colored::Colorize;
        use crossterm::terminal;
        let lines: Vec<String> = textwrap::wrap(message, super::text::wrap_options(self.width, "", ""))
            .into_iter()
            .map(|l| {
                if self.colour {
                    l.reversed().to_string()
                } else {
                    l.into_owned()
                }
            })
            .collect();
        // Raw mode before the line shows, so a key pressed as soon as it
        // appears is read as a key (a line break typed in cooked mode would
        // arrive as Ctrl-J). Without it (not a terminal after all) there is
        // no key to wait for.
        let raw = terminal::enable_raw_mode().is_ok();
        let mut err = std::io::stderr();
        let _ = write!(err, "{}", lines.join("\r\n"));
        let _ = err.flush();
        let result = if raw { pause_key() } else { Ok(()) };
        if raw {
            let _ = terminal::disable_raw_mode();
        }
        // The pause line goes, so the text reads on without it.
        let _ = write!(
            err,
            "\r\x1b[2K{}",
            "\x1b[1A\x1b[2K".repeat(lines.len().saturating_sub(1))
        );
        let _ = err.flush();
        result
    }
}

/// Waits, in raw mode, for a key that ends a pause: Enter, space or Page
/// Down go on; Esc, q or Ctrl-C leave.
fn pause_key() -> std::result::Result<(), Leave> {
    use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
    loop {
        let Event::Key(key) = event::read().map_err(|_| Leave)? else {
            continue;
        };
        if key.kind == KeyEventKind::Release {
            continue;
        }
        let ctrl = |c| key.code == KeyCode::Char(c) && key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl('c') {
            return Err(Leave);
        }
        // Enter typed ahead, before raw mode, comes as a line feed (Ctrl-J).
        if ctrl('j') {
            return Ok(());
        }
        match key.code {
            KeyCode::Enter | KeyCode::Char(' ') | KeyCode::PageDown => return Ok(()),
            KeyCode::Esc | KeyCode::Char('q') => return Err(Leave),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every line fits `width` once inquire's prefix is drawn before the first.
    fn fits(text: &str, width: usize, prefix: usize) -> bool {
        text.lines()
            .enumerate()
            .all(|(n, l)| display_width(l) + if n == 0 { prefix } else { 0 } <= width)
    }

    /// The words of `text`, whatever the line breaks.
    fn words(text: &str) -> Vec<&str> {
        text.split_whitespace().collect()
    }

    const QUESTION: &str = "[2/3] Em `ml.g4dn.xlarge`, o que indicam as letras `dn` depois do número da geração?";
    const OPTION: &str = "Ela roda em um host dedicado (d) em uma zona de disponibilidade nomeada (n)";
    const HELP: &str = "↑↓ para mover, Enter para escolher, Esc para sair (o progresso fica salvo)";

    #[test]
    fn a_question_wraps_at_words_with_room_for_the_mark_and_continuation_indented() {
        let mark = display_width("<cancelado>");
        let layout = Layout::choice(QUESTION, &[OPTION.to_string()], HELP, 60, false, mark);
        // "? " + the first line, then indented lines; the last keeps the
        // trailing space and the mark.
        assert!(fits(&layout.message, 60, QUESTION_PREFIX), "{}", layout.message);
        let last = layout.message.lines().last().unwrap();
        assert!(display_width(last) + 1 + mark <= 60, "{last:?}");
        assert!(
            layout
                .message
                .lines()
                .skip(1)
                .all(|l| l.starts_with("  ") && !l.starts_with("   "))
        );
        assert_eq!(words(&layout.message), words(QUESTION));
        assert_eq!(layout.message.lines().count(), 2, "{}", layout.message);
    }

    #[test]
    fn options_wrap_under_their_first_letter_and_checkboxes_leave_room_for_the_box() {
        let layout = Layout::choice("Q?", &[OPTION.to_string()], HELP, 60, false, 10);
        let option = &layout.options[0];
        assert_eq!(
            option,
            "Ela roda em um host dedicado (d) em uma zona de\n  disponibilidade nomeada (n)"
        );
        assert!(fits(option, 60, OPTION_PREFIX));
        let boxed = Layout::choice("Q?", &[OPTION.to_string()], HELP, 60, true, 10);
        assert!(fits(&boxed.options[0], 60, CHECKBOX_PREFIX), "{}", boxed.options[0]);
        assert!(boxed.options[0].lines().nth(1).unwrap().starts_with("      d"));
        // Short options are left alone.
        assert_eq!(
            Layout::choice("Q?", &["Sim".into()], HELP, 60, false, 10).options,
            ["Sim"]
        );
    }

    #[test]
    fn the_help_line_fits_between_its_brackets() {
        let layout = Layout::choice("Q?", &[], HELP, 60, false, 10);
        let drawn = format!("[{}]", layout.help);
        assert!(drawn.lines().all(|l| display_width(l) <= 60), "{drawn}");
        assert_eq!(words(&layout.help), words(HELP));
        assert_eq!(
            drawn,
            "[↑↓ para mover, Enter para escolher, Esc para sair (o\n progresso fica salvo)]"
        );
        // Wide enough: one line, as before.
        assert_eq!(Layout::choice("Q?", &[], HELP, 100, false, 10).help, HELP);
    }

    #[test]
    fn a_text_prompt_keeps_room_to_type_on_its_last_line() {
        let message = "E-mail para os alertas do budget (o endereço recebe os avisos de 80% e 100%):";
        let layout = Layout::text(message, "voce@example.com", 60, 11);
        let last = layout.message.lines().last().unwrap();
        assert!(display_width(last) + 1 + TYPING_ROOM <= 60, "{last:?}");
        assert_eq!(words(&layout.message), words(message));
    }

    #[test]
    fn the_chosen_answer_stays_on_the_question_line_when_it_fits_else_goes_below_wrapped() {
        let layout = Layout::choice("[1/3] Qual par família → GPU está correto?", &[], HELP, 60, false, 10);
        assert_eq!(layout.answer("Sim", 60), "Sim");
        let long = "P3 → NVIDIA V100 (treino); G4dn → NVIDIA T4 (inferência)";
        let shown = layout.answer(long, 60);
        assert!(shown.starts_with('\n'), "{shown:?}");
        assert!(
            shown
                .lines()
                .skip(1)
                .all(|l| l.starts_with("  ") && display_width(l) <= 60)
        );
        assert_eq!(words(&shown), words(long));
    }

    #[test]
    fn rows_count_every_wrapped_line() {
        let layout = Layout::choice(QUESTION, &[OPTION.to_string(), "Outra".into()], HELP, 60, false, 11);
        assert_eq!(layout.rows(), 2 + 2 + 1 + 2);
    }
}
