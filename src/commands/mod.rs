//! The command layer: one module per command group, every command entered
//! the same way, `fn(&Args, &Context, &mut Output) -> Result<ExitStatus>`,
//! with its clap arguments passed whole. `dispatch` is the only `match` on
//! the command line.

mod account;
mod instructor;
mod learn;
mod machine;
mod meta;
mod proof;
mod tools;

use crate::cli::{Cli, Command, FixCommand, InstructorCommand, Module5Command, PricesCommand};
use crate::context::Context;
use crate::error::{ExitStatus, Result};
use crate::ui::Output;

pub fn dispatch(cli: &Cli, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    match &cli.command {
        Command::Module5 { command: None, .. } => learn::wizard(ctx, out),
        Command::Module5 {
            command: Some(command), ..
        } => match command {
            Module5Command::Lesson(args) => learn::lesson(args, ctx, out),
            Module5Command::Checklist(args) => learn::checklist(args, ctx, out),
            Module5Command::Report(args) => learn::report(args, ctx, out),
            Module5Command::Reset(args) => learn::reset(args, ctx, out),
            Module5Command::Check(args) => account::check(args, ctx, out),
            Module5Command::Tasks(args) => proof::tasks(args, ctx, out),
            Module5Command::Verify(args) => proof::prove(args, ctx, out),
            Module5Command::Audit(args) => account::audit(args, ctx, out),
            Module5Command::Teardown(args) => account::teardown(args, ctx, out),
            Module5Command::Spend(args) => account::spend(args, ctx, out),
            Module5Command::Fix {
                what: FixCommand::Budget(args),
            } => account::fix_budget(args, ctx, out),
            Module5Command::Fix {
                what: FixCommand::IdleShutdown(args),
            } => account::fix_idle(args, ctx, out),
            Module5Command::Instances(args) => tools::instances(args, ctx, out),
            Module5Command::Advise(args) => tools::advise(args, ctx, out),
            Module5Command::Cost(args) => tools::cost(args, ctx, out),
            Module5Command::Prices {
                command: PricesCommand::Refresh(args),
            } => tools::prices_refresh(args, ctx, out),
            Module5Command::Monitor(args) => machine::monitor(args, ctx, out),
            Module5Command::Troubleshoot(args) => machine::troubleshoot(args, ctx, out),
        },
        Command::Instructor { command } => match command {
            InstructorCommand::Verify(args) => instructor::verify(args, ctx, out),
            InstructorCommand::Collect(args) => instructor::collect(args, ctx, out),
            InstructorCommand::RoleTemplate(args) => instructor::role_template(args, ctx, out),
        },
        Command::Completions(args) => meta::completions(args, ctx, out),
        Command::Man => meta::man(ctx, out),
        Command::IamPolicy(args) => meta::iam_policy(args, ctx, out),
    }
}

/// `--out FILE` can be written (its folder exists and takes a new file, it
/// is no folder itself), or the error saying why (exit 2). Nothing is created.
fn check_out(path: Option<&std::path::Path>, lang: crate::i18n::Lang) -> Result<()> {
    use crate::i18n::trf;
    use crate::util::OutProblem;
    let Some(path) = path else { return Ok(()) };
    let shown = path.display().to_string();
    crate::util::check_out(path).map_err(|problem| {
        crate::error::Error::Usage(match problem {
            OutProblem::IsDir => trf(lang, "out.is_dir", &[("path", &shown)]),
            OutProblem::NoFolder(dir) => trf(lang, "out.no_folder", &[("path", &shown), ("dir", &dir.display())]),
            OutProblem::NotAFolder(file) => {
                trf(lang, "out.not_a_folder", &[("path", &shown), ("file", &file.display())])
            }
            OutProblem::NotWritable(dir, e) => trf(
                lang,
                "out.not_writable",
                &[("path", &shown), ("dir", &dir.display()), ("error", &e)],
            ),
        })
    })
}
