//! The command line, as clap derive types. Global flags work before or after
//! the subcommand.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::i18n::Lang;

#[derive(Debug, Parser)]
#[command(
    name = "sm-course",
    version,
    about = "Module 5 of the Amazon SageMaker course in your terminal: lessons, quizzes and the validation checklist",
    after_help = "Exit codes: 0 fine, 1 something checked failed, 2 could not run (usage, unreadable input, no terminal)."
)]
pub struct Cli {
    /// Language of lessons and messages (default: from LC_ALL/LANG; pt* gives Portuguese)
    #[arg(long, global = true, value_enum)]
    pub lang: Option<Lang>,

    /// Never use colour (NO_COLOR is respected too)
    #[arg(long, global = true)]
    pub no_color: bool,

    /// Read the course from DIR (holding module5/) instead of the built-in copy
    #[arg(long, global = true, value_name = "DIR")]
    pub lessons: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Module 5, "Instâncias de Trabalho no SageMaker": without a subcommand, the guided wizard
    Module5 {
        #[command(subcommand)]
        command: Option<Module5Command>,
    },
}

#[derive(Debug, Subcommand)]
pub enum Module5Command {
    /// Print one section (number 1-10 or its name) without prompts; without SECTION, the contents
    Lesson { section: Option<String> },
    /// The validation checklist: each item done or not, with its evidence and time
    Checklist {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Check your AWS account against the module: running apps and their cost, budget, idle shutdown…
    Check(CheckArgs),
    /// Forget this module's progress (asks first unless --yes)
    Reset {
        /// Do not ask for confirmation
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Run only these checks (comma-separated ids, e.g. studio-apps,budget)
    #[arg(long, value_delimiter = ',', value_name = "ID,...")]
    pub only: Vec<String>,
    /// AWS profile to use (default: AWS_PROFILE, then the default profile)
    #[arg(long)]
    pub profile: Option<String>,
    /// AWS region to check (default: AWS_REGION, then the profile's region)
    #[arg(long)]
    pub region: Option<String>,
    /// The region the course expects; another one gives a warning
    #[arg(long, default_value = crate::checks::COURSE_REGION, value_name = "REGION")]
    pub expect_region: String,
    /// Check a built-in practice account instead (clean, neglected, restricted)
    #[arg(long, value_name = "SCENARIO", num_args = 0..=1, default_missing_value = "neglected")]
    pub sandbox: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
    Junit,
    Markdown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}
