//! sm-course: Module 5 of an Amazon SageMaker course as a terminal companion.
//!
//! Three flows, each visible in the modules below (their layer order is in
//! `shape.rs` and the README's Design section):
//! lessons/ (data) → `course` → `wizard` / `commands::learn`;
//! the account → `aws` (collect) → `snapshot` → `checks` (pure judges) → `report`;
//! the account → `aws` (collect_running) → `audit` → `commands::account` (stop, fixes);
//! the bill → `aws::costs` (Cost Explorer) → `spend` (cached an hour) → `commands::account::spend`.

// Everything is pub(crate) but the surface listed below (see `pub use`).
#![warn(unreachable_pub)]

mod audit;
mod aws;
mod catalog;
mod changelog;
mod checks;
mod cli;
mod commands;
mod context;
mod course;
mod error;
#[doc(hidden)]
pub mod fuzzing;
#[cfg(test)]
mod hostile;
mod i18n;
mod instructor;
mod monitor;
mod plan;
mod progress;
mod report;
#[cfg(test)]
mod shape;
mod snapshot;
mod spend;
mod ui;
mod util;
mod wizard;

// The public surface, and all of it: what the integration tests (tests/) and
// the fuzz targets (fuzz/, through `fuzzing`) use. Everything else is
// pub(crate), and the `unreachable_pub` lint keeps it so: what is `pub`
// says where the crate's boundary is.
pub use checks::{ids as check_ids, known as known_checks, of_section as checks_of_section};
pub use course::Course;
pub use i18n::{Lang, tr, trf};
pub use progress::{Answer, Store};

use std::process::ExitCode;

use crate::context::Context;
use crate::error::ExitStatus;
use crate::ui::Output;

pub fn run() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // Help and usage errors speak the learner's language, known before parsing.
    let lang = cli::lang_in_args(&args).unwrap_or_else(|| i18n::Lang::from_env(|name| std::env::var(name).ok()));
    let mut command = cli::command(lang);
    let parsed = cli::parse(&mut command, &args);
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            return match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                    let _ = e.print();
                    ExitStatus::Success
                }
                ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    let _ = e.print();
                    ExitStatus::CannotRun
                }
                _ => {
                    eprint!("{}", cli::usage_error(&e, &command, &args, lang));
                    ExitStatus::CannotRun
                }
            }
            .into();
        }
    };
    let ctx = Context::from_env(&cli);
    colored::control::set_override(ctx.colour);
    if cli.verbose {
        verbose_calls();
    }
    let mut stdout = std::io::stdout().lock();
    let mut out = Output::new(&mut stdout, ctx.lang);
    match commands::dispatch(&cli, &ctx, &mut out) {
        Ok(status) => status.into(),
        Err(e) if e.is_broken_pipe() => ExitStatus::Success.into(),
        Err(e) => {
            eprintln!("{}: {e}", tr(ctx.lang, "error.prefix"));
            e.exit_status().into()
        }
    }
}

/// `-v`: every AWS call the SDK makes, with its duration, on stderr. The SDK
/// opens a tracing span per operation (fields `rpc.service`, `rpc.method`);
/// showing those spans as they close gives the call and the time it took
/// (`time.busy` + `time.idle`). A failed call's whole SDK text is shown here
/// too, and nowhere else.
fn verbose_calls() {
    use tracing_subscriber::filter::filter_fn;
    use tracing_subscriber::fmt::format::FmtSpan;
    use tracing_subscriber::prelude::*;
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false)
        .with_level(false)
        .with_span_events(FmtSpan::CLOSE)
        .with_filter(filter_fn(|meta| {
            (meta.is_span() && meta.fields().field("rpc.method").is_some())
                // Notes on the SageMaker metadata file (snapshot::studio),
                // and the SDK's whole text of every failed call (aws).
                || (meta.is_event() && ["sm_course::studio", "sm_course::aws"].contains(&meta.target()))
        }));
    let _ = tracing_subscriber::registry().with(layer).try_init();
}
