//! About the tool itself: shell completions, the manual page, the IAM policy.

use crate::cli::{CompletionsArgs, IamPolicyArgs};
use crate::context::Context;
use crate::error::{ExitStatus, Result};
use crate::ui::{Output, write_error};

pub fn completions(args: &CompletionsArgs, _ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    let mut buffer = Vec::new();
    clap_complete::generate(
        args.shell,
        &mut crate::cli::command(_ctx.lang),
        "sm-course",
        &mut buffer,
    );
    out.emit(&String::from_utf8_lossy(&buffer))?;
    Ok(ExitStatus::Success)
}

pub fn man(ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    let mut buffer = Vec::new();
    clap_mangen::Man::new(crate::cli::command(ctx.lang))
        .render(&mut buffer)
        .map_err(|source| write_error(ctx.lang, source))?;
    out.emit(&String::from_utf8_lossy(&buffer))?;
    Ok(ExitStatus::Success)
}

/// The least-privilege policy, generated from the one list of operations;
/// why its last statement is optional goes to stderr, so stdout stays a
/// policy document.
pub fn iam_policy(args: &IamPolicyArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    use crate::aws::operations;
    out.emit(&operations::policy_json(args.with_fixes))?;
    eprintln!(
        "{}",
        crate::i18n::trf(
            ctx.lang,
            "iam.optional_note",
            &[
                ("sid", &operations::OPTIONAL_SID),
                ("actions", &operations::optional().join(", "))
            ]
        )
    );
    Ok(ExitStatus::Success)
}
