//! Instructor mode: `verify` a class from a roster, `collect` learners'
//! reports, print the audit `role-template`.

use crate::checks;
use crate::cli::{AwsFlags, CollectArgs, GradebookFormat, RoleTemplateArgs, VerifyArgs};
use crate::context::Context;
use crate::error::{Error, ExitStatus, Result};
use crate::i18n::tr;
use crate::instructor::{self, Gradebook, gradebook, roster};
use crate::ui::Output;
use crate::util::write_atomic;

/// `instructor verify ROSTER`: the checks on every student's account.
pub fn verify(args: &VerifyArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    let lang = ctx.lang;
    if let Some(error) = checks::unknown_id(&args.only, lang) {
        return Err(error);
    }
    // A bad --out is said before a whole class is read, not after.
    super::check_out(args.out.as_deref(), lang)?;
    let course = ctx.course()?;
    let students = roster::load(&args.roster, lang)?;
    let only = (!args.only.is_empty()).then_some(args.only.as_slice());
    let account = ctx.aws_args(&AwsFlags {
        mfa_code: args.mfa_code.clone(),
        ..AwsFlags::default()
    });
    // Prices are public: the instructor's cache serves every student's region.
    let prices = ctx.prices(crate::aws::regions::SAGEMAKER_REGIONS)?;
    let options = instructor::VerifyOptions {
        only,
        expect_region: &args.expect_region,
        concurrency: usize::from(args.concurrency),
        progress: ctx.spinner,
        instructor: &account,
        prices: &prices,
    };
    let book = instructor::verify(&students, course, lang, &options)?;
    let delimiter = args.csv_delimiter.unwrap_or_else(|| gradebook::default_delimiter(lang));
    write_gradebook(&book, (args.format, delimiter), args.out.as_deref(), ctx, out)
}

/// `instructor collect REPORT...`: learners' exported reports, merged.
pub fn collect(args: &CollectArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    let lang = ctx.lang;
    super::check_out(args.out.as_deref(), lang)?;
    let course = ctx.course()?;
    let students = args.roster.as_ref().map(|r| roster::load(r, lang)).transpose()?;
    let book = instructor::collect(&args.reports, students.as_deref(), course, lang);
    let delimiter = args.csv_delimiter.unwrap_or_else(|| gradebook::default_delimiter(lang));
    write_gradebook(&book, (args.format, delimiter), args.out.as_deref(), ctx, out)
}

/// `instructor role-template`: the CloudFormation of the audit role.
pub fn role_template(args: &RoleTemplateArgs, _ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    out.emit(&instructor::role_template::role_template(
        args.instructor_account.as_deref(),
        &args.role_name,
    ))?;
    Ok(ExitStatus::Success)
}

/// The gradebook on stdout, and in `--out FILE` too (atomically, plain text).
/// stdout comes first: a file that cannot be written late loses nothing.
fn write_gradebook(
    book: &Gradebook,
    (format, delimiter): (GradebookFormat, char),
    path: Option<&std::path::Path>,
    ctx: &Context,
    out: &mut Output,
) -> Result<ExitStatus> {
    let lang = ctx.lang;
    let generated_at = crate::util::now_millis();
    let render = |book: &Gradebook| match format {
        GradebookFormat::Table => gradebook::table(book, lang, ctx.width),
        GradebookFormat::Csv => gradebook::csv(book, delimiter),
        GradebookFormat::Json => gradebook::json(book),
        GradebookFormat::Markdown => gradebook::markdown(book, lang),
        GradebookFormat::Junit => gradebook::junit(book),
        GradebookFormat::Html => gradebook::html(book, lang, &generated_at),
    };
    out.emit(&render(book))?;
    if let Some(path) = path {
        // The file gets plain text even when the screen gets colour.
        colored::control::set_override(false);
        let plain = render(book);
        colored::control::set_override(ctx.colour);
        write_atomic(path, plain.as_bytes()).map_err(|source| Error::Io {
            action: tr(lang, "report.cannot_write").to_string(),
            path: path.to_path_buf(),
            source,
        })?;
    }
    Ok(book.exit_status())
}
