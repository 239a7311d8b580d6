//! Instructor mode: the class check (`instructor verify`) from a roster or an
//! organisational unit, `collect` learners' reports, the role and roster templates.

use crate::checks;
use crate::cli::{AwsFlags, ClassCheckArgs, CollectArgs, GradebookFormat, RoleTemplateArgs, RosterTemplateArgs};
use crate::context::Context;
use crate::error::{Error, ExitStatus, Result};
use crate::i18n::{Lang, tr, trf};
use crate::instructor::{self, roster};
use crate::report::class::{self as gradebook, Gradebook};
use crate::spend;
use crate::ui::Output;
use crate::util::write_atomic;

super::runs!(
    ClassCheckArgs => check_class,
    CollectArgs => collect,
    RoleTemplateArgs => role_template,
    RosterTemplateArgs => roster_template,
);

/// `instructor verify`'s settings: the checks, unit and `--out` checked,
/// the concurrency and the CSV delimiter settled.
#[derive(Debug)]
pub(super) struct ClassCheckSettings {
    pub roster: Option<std::path::PathBuf>,
    /// A valid organisational unit's id.
    pub org_ou: Option<String>,
    /// `--role-name`; None: the roster's, else `instructor::AUDIT_ROLE`
    /// (the roster is read when the command runs).
    pub role_name: Option<String>,
    pub exceptions: Option<std::path::PathBuf>,
    pub format: GradebookFormat,
    pub concurrency: usize,
    /// The checks to run (known ids); empty: every check.
    pub only: Vec<String>,
    pub expect_region: String,
    /// `--csv-delimiter`, else the instructor's language's.
    pub delimiter: char,
    /// A file that can be written.
    pub out: Option<std::path::PathBuf>,
    pub mfa_code: Option<String>,
    pub spend: bool,
}

impl ClassCheckSettings {
    /// Settled from the command line: an unknown check id, an organisational
    /// unit's id that is not one, then an `--out` that cannot be written is a
    /// usage error (exit 2), said before a whole class is read, not after.
    pub(super) fn resolve(args: &ClassCheckArgs, lang: Lang) -> Result<Self> {
        if let Some(error) = checks::unknown_id(&args.only, lang) {
            return Err(error);
        }
        if let Some(unit) = &args.org_ou
            && !instructor::valid_unit(unit)
        {
            return Err(Error::Usage(trf(lang, "instructor.bad_unit", &[("unit", unit)])));
        }
        super::check_out(args.out.as_deref(), lang)?;
        Ok(ClassCheckSettings {
            roster: args.roster.clone(),
            org_ou: args.org_ou.clone(),
            role_name: args.role_name.clone(),
            exceptions: args.exceptions.clone(),
            format: args.format,
            concurrency: usize::from(args.concurrency),
            only: args.only.clone(),
            expect_region: args.expect_region.clone(),
            delimiter: args.csv_delimiter.unwrap_or_else(|| gradebook::default_delimiter(lang)),
            out: args.out.clone(),
            mfa_code: args.mfa_code.clone(),
            spend: args.spend,
        })
    }
}

/// `instructor verify [ROSTER] [--org-ou OU_ID]`: the checks on every
/// student's account, the students from the roster, the organisational
/// unit, or both.
pub(super) fn check_class(args: &ClassCheckArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    check_class_with(&ClassCheckSettings::resolve(args, ctx.lang)?, ctx, out)
}

pub(super) fn check_class_with(args: &ClassCheckSettings, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    let lang = ctx.lang;
    let course = ctx.course()?;
    // A bad roster or exceptions file is said before a whole class is read, not after.
    let roster = match &args.roster {
        Some(path) => roster::load_roster(path, lang, args.org_ou.is_none())?,
        None => roster::Roster::default(),
    };
    let mut exceptions = ctx.exceptions(args.exceptions.as_deref())?;
    exceptions.extend(roster.exceptions.iter().cloned());
    let role_name = args
        .role_name
        .clone()
        .or_else(|| roster.defaults.role_name.clone())
        .unwrap_or_else(|| instructor::AUDIT_ROLE.to_string());
    let only = (!args.only.is_empty()).then_some(args.only.as_slice());
    let account = ctx.aws_args(&AwsFlags {
        mfa_code: args.mfa_code.clone(),
        ..AwsFlags::default()
    });
    // Prices are public: the instructor's cache serves every student's region.
    let prices = ctx.prices(crate::aws::regions::SAGEMAKER_REGIONS)?;
    // What one run costs is said once the class is known (with --org-ou,
    // after its accounts are listed), before anything is spent.
    let spend = args.spend.then(|| instructor::SpendOptions {
        home: ctx.home.as_deref(),
        window: spend::Window::today(spend::DEFAULT_DAYS),
    });
    let options = instructor::ClassOptions {
        only,
        expect_region: &args.expect_region,
        concurrency: args.concurrency,
        progress: ctx.spinner,
        instructor: &account,
        prices: &prices,
        exceptions: &exceptions,
        today: checks::exceptions::Scope::today(),
        spend,
    };
    let source = instructor::ClassSource {
        roster: &roster.students,
        defaults: &roster.defaults,
        unit: args.org_ou.as_deref(),
        role_name: &role_name,
    };
    let book = instructor::check_class(&source, course, lang, &options)?;
    write_gradebook(&book, (args.format, args.delimiter), args.out.as_deref(), ctx, out)
}

/// `instructor collect`'s settings: `--out` checked, the CSV delimiter settled.
#[derive(Debug)]
pub(super) struct CollectSettings {
    pub reports: Vec<std::path::PathBuf>,
    pub roster: Option<std::path::PathBuf>,
    pub format: GradebookFormat,
    /// `--csv-delimiter`, else the instructor's language's.
    pub delimiter: char,
    /// A file that can be written.
    pub out: Option<std::path::PathBuf>,
}

impl CollectSettings {
    /// Settled from the command line: an `--out` that cannot be written is
    /// a usage error (exit 2).
    pub(super) fn resolve(args: &CollectArgs, lang: Lang) -> Result<Self> {
        super::check_out(args.out.as_deref(), lang)?;
        Ok(CollectSettings {
            reports: args.reports.clone(),
            roster: args.roster.clone(),
            format: args.format,
            delimiter: args.csv_delimiter.unwrap_or_else(|| gradebook::default_delimiter(lang)),
            out: args.out.clone(),
        })
    }
}

/// `instructor collect REPORT...`: learners' exported reports, merged.
pub(super) fn collect(args: &CollectArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    collect_with(&CollectSettings::resolve(args, ctx.lang)?, ctx, out)
}

pub(super) fn collect_with(args: &CollectSettings, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    let lang = ctx.lang;
    let course = ctx.course()?;
    let students = args.roster.as_ref().map(|r| roster::load(r, lang)).transpose()?;
    let book = instructor::collect(&args.reports, students.as_deref(), course, lang);
    write_gradebook(&book, (args.format, args.delimiter), args.out.as_deref(), ctx, out)
}

/// `instructor roster-template`: an example roster, explained in the
/// instructor's language, to copy and fill in.
pub(super) fn roster_template(_: &RosterTemplateArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    out.emit(tr(ctx.lang, "instructor.roster_template"))?;
    Ok(ExitStatus::Success)
}

/// `instructor role-template`'s settings: the instructor's account checked.
#[derive(Debug)]
pub(super) struct RoleTemplateSettings {
    /// Twelve digits.
    pub instructor_account: Option<String>,
    pub role_name: String,
    pub stackset: bool,
}

impl RoleTemplateSettings {
    /// Settled from the command line: an account id that is not twelve
    /// digits is a usage error (exit 2).
    pub(super) fn resolve(args: &RoleTemplateArgs, lang: Lang) -> Result<Self> {
        if let Some(account) = &args.instructor_account
            && (account.len() != 12 || !account.chars().all(|c| c.is_ascii_digit()))
        {
            return Err(Error::Usage(trf(lang, "roster.bad_account", &[("account", account)])));
        }
        Ok(RoleTemplateSettings {
            instructor_account: args.instructor_account.clone(),
            role_name: args.role_name.clone(),
            stackset: args.stackset,
        })
    }
}

/// `instructor role-template`: the CloudFormation of the audit role.
pub(super) fn role_template(args: &RoleTemplateArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    role_template_with(&RoleTemplateSettings::resolve(args, ctx.lang)?, out)
}

pub(super) fn role_template_with(args: &RoleTemplateSettings, out: &mut Output) -> Result<ExitStatus> {
    let template = match (&args.instructor_account, args.stackset) {
        (Some(account), true) => instructor::role_template::stackset_template(account, &args.role_name),
        _ => instructor::role_template::role_template(args.instructor_account.as_deref(), &args.role_name),
    };
    out.emit(&template)?;
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
