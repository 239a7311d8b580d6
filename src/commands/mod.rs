//! The command layer: one module per command group, every command entered
//! the same way, `fn(&Args, &Context, &mut Output) -> Result<ExitStatus>`,
//! with its clap arguments passed whole; a command that has options settles
//! them first into its settings (`AuditSettings`, …; a usage error found
//! there exits 2 before anything runs), which its body (`*_with`) takes.
//! Each module says which function runs which arguments (`runs!`); `cli`
//! routes the command line to them.

mod account;
mod instructor;
mod learn;
mod machine;
mod meta;
mod proof;
mod tools;
mod wizard_gateway;

use crate::cli::Cli;
use crate::context::Context;
use crate::error::{ExitStatus, Result};
use crate::ui::Output;

/// Runs the command: `cli` routes each variant to its `Run` impl, which
/// lives beside the command in its module (`runs!`).
pub(crate) fn dispatch(cli: &Cli, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    cli.command.run(ctx, out)
}

impl crate::cli::Commands for Context {}

/// `impl Run<Args> for Context` by each command's entry function
/// `fn(&Args, &Context, &mut Output) -> Result<ExitStatus>`, written in the
/// command's module beside it.
macro_rules! runs {
    ($($args:ty => $command:path),* $(,)?) => {$(
        impl crate::cli::Run<$args> for crate::context::Context {
            fn run(
                &self,
                args: &$args,
                out: &mut crate::ui::Output,
            ) -> crate::error::Result<crate::error::ExitStatus> {
                $command(args, self, out)
            }
        }
    )*};
}
use runs;

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
