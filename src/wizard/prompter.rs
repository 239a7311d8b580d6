//! The seam between the wizard's logic and the terminal: the wizard asks a
//! `Prompter`, which is inquire on a real terminal and a script in tests.

use inquire::{InquireError, Select, ui::RenderConfig};

/// The learner left a prompt (Esc or Ctrl-C).
#[derive(Debug, PartialEq, Eq)]
pub struct Leave;

pub trait Prompter {
    /// One of `options`, as its index.
    fn select(&mut self, message: &str, options: &[String], help: &str) -> Result<usize, Leave>;
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
    fn select(&mut self, message: &str, options: &[String], help: &str) -> Result<usize, Leave> {
        let answer = Select::new(message, options.to_vec())
            .with_help_message(help)
            .with_render_config(self.render)
            .with_page_size(options.len().max(1))
            .without_filtering()
            .raw_prompt();
        match answer {
            Ok(choice) => Ok(choice.index),
            // Esc, Ctrl-C, and a terminal that went away all leave cleanly; the
            // wizard has already saved everything answered.
            Err(InquireError::OperationCanceled | InquireError::OperationInterrupted | InquireError::NotTTY) => {
                Err(Leave)
            }
            Err(InquireError::IO(_)) => Err(Leave),
            Err(_) => Err(Leave),
        }
    }
}
