//! The seam between the commands and the terminal's prompts: they ask a
//! `Prompter`, which is inquire on a real terminal and a script in tests.

use inquire::{InquireError, MultiSelect, Select, Text, ui::RenderConfig};

use crate::error::{Error, Result};
use crate::i18n::{Lang, tr};

/// The learner left a prompt (Esc or Ctrl-C).
#[derive(Debug, PartialEq, Eq)]
pub struct Leave;

pub trait Prompter {
    /// One of `options`, as its index.
    fn select(&mut self, message: &str, options: &[String], help: &str) -> std::result::Result<usize, Leave>;

    /// Any of `options` (all chosen to begin with), as indexes.
    fn multi_select(&mut self, message: &str, options: &[String], help: &str)
    -> std::result::Result<Vec<usize>, Leave>;

    /// A line of text.
    fn text(&mut self, message: &str, help: &str) -> std::result::Result<String, Leave>;
}

/// Yes with `--yes`; otherwise the learner's answer on a terminal; without
/// one, an error naming `--yes` (exit 2). Nothing is ever assumed.
pub fn confirm(prompter: &mut dyn Prompter, interactive: bool, yes: bool, question: &str, lang: Lang) -> Result<bool> {
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

pub struct InquirePrompter {
    render: RenderConfig<'static>,
}

impl InquirePrompter {
    pub fn new(colour: bool) -> Self {
        let render = if colour {
            RenderConfig::default_colored()
        } else {
            RenderConfig::empty()
        };
        InquirePrompter { render }
    }
}

impl Prompter for InquirePrompter {
    fn select(&mut self, message: &str, options: &[String], help: &str) -> std::result::Result<usize, Leave> {
        let answer = Select::new(message, options.to_vec())
            .with_help_message(help)
            .with_render_config(self.render)
            .with_page_size(options.len().max(1))
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
        let all: Vec<usize> = (0..options.len()).collect();
        let answer = MultiSelect::new(message, options.to_vec())
            .with_help_message(help)
            .with_render_config(self.render)
            .with_page_size(options.len().clamp(1, 20))
            .with_default(&all)
            .without_filtering()
            .raw_prompt();
        leave(answer).map(|chosen| chosen.into_iter().map(|c| c.index).collect())
    }

    fn text(&mut self, message: &str, help: &str) -> std::result::Result<String, Leave> {
        leave(
            Text::new(message)
                .with_help_message(help)
                .with_render_config(self.render)
                .prompt(),
        )
    }
}
