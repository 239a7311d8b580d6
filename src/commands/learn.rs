//! The learner's commands: the wizard, a lesson, the checklist, the report
//! for the instructor, reset. The wizard reaches the account through
//! `wizard_gateway`.

use super::wizard_gateway::{AccountChecks, OutputWriter};
use crate::cli::{ChecklistArgs, Format, LessonArgs, ReportArgs, ResetArgs, WizardArgs};
use crate::context::Context;
use crate::course::markdown;
use crate::error::{Error, ExitStatus, Result};
use crate::i18n::{tr, trf};
use crate::progress::learner_report;
use crate::report::checklist;
use crate::ui::{Output, Prompter};
use crate::util::write_atomic;
use crate::wizard::Wizard;

super::runs!(
    WizardArgs => wizard,
    LessonArgs => lesson,
    ChecklistArgs => checklist,
    ReportArgs => report,
    ResetArgs => reset,
);

/// `module5`: the guided wizard (needs a terminal).
pub(super) fn wizard(_: &WizardArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    let lang = ctx.lang;
    if !ctx.interactive {
        return Err(Error::NeedsTerminal(tr(lang, "wizard.needs_terminal").to_string()));
    }
    let course = ctx.course()?;
    let store = ctx.store()?;
    let seed = ctx.quiz_seed.unwrap_or_else(crate::util::Rng::clock_seed);
    let wizard = Wizard::new(course, lang, &store, ctx.width, seed).paced(crate::ui::pager::Screen::Terminal);
    // Inside Studio or on a notebook instance: say where, once, at the start.
    if let Some(here) = crate::snapshot::studio::read().current {
        out.line(&here_line(&here, lang))?;
    }
    let mut prompter = ctx.prompter();
    let mut live = AccountChecks { ctx };
    wizard.run(&mut prompter, &mut live, &mut OutputWriter(out), &mut std::io::stderr())?;
    Ok(ExitStatus::Success)
}

/// "Running in SageMaker Studio: domain d-…, space lab (JupyterLab app default)."
fn here_line(here: &crate::snapshot::studio::Current, lang: crate::i18n::Lang) -> String {
    let unknown = || "?".to_string();
    if !here.is_studio() {
        return trf(lang, "wizard.in_notebook", &[("name", &here.name)]);
    }
    let owner = match (&here.space, &here.user_profile) {
        (Some(space), _) => trf(lang, "wizard.in_space", &[("space", space)]),
        (None, Some(profile)) => trf(lang, "wizard.in_profile", &[("profile", profile)]),
        (None, None) => String::new(),
    };
    trf(
        lang,
        "wizard.in_studio",
        &[
            ("domain", &here.domain_id.clone().unwrap_or_else(unknown)),
            ("owner", &owner),
            ("app_type", &here.app_type.clone().unwrap_or_else(unknown)),
            ("name", &here.name),
        ],
    )
}

/// `lesson [SECTION]`: a section, or the contents.
pub(super) fn lesson(args: &LessonArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    let lang = ctx.lang;
    let course = ctx.course()?;
    let Some(name) = &args.section else {
        out.emit(&course.table_of_contents(lang, ctx.width))?;
        return Ok(ExitStatus::Success);
    };
    let index = course
        .section(name)
        .map(|s| s.meta.number as usize - 1)
        .ok_or_else(|| {
            Error::Usage(trf(
                lang,
                "lesson.unknown_section",
                &[("name", name), ("sections", &course.section_names(lang))],
            ))
        })?;
    out.emit(&markdown::section(course, index, lang, ctx.width))?;
    Ok(ExitStatus::Success)
}

/// `checklist`: each item, done or not, with its evidence.
pub(super) fn checklist(args: &ChecklistArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    let lang = ctx.lang;
    let course = ctx.course()?;
    let module = ctx.module_progress()?;
    let report = checklist::report(course, &module, lang);
    match args.format.format {
        Format::Text => out.emit(&checklist::text(course, &report, lang, ctx.width))?,
        Format::Json => out.json(&report)?,
    }
    Ok(ExitStatus::Success)
}

/// `report`'s settings: a file that can be written, the name to put in it.
#[derive(Debug)]
pub(super) struct ReportSettings {
    pub out: std::path::PathBuf,
    /// The learner's name as the instructor knows it.
    pub name: Option<String>,
}

impl ReportSettings {
    /// Settled from the command line: an `--out` that cannot be written is
    /// a usage error (exit 2).
    pub(super) fn resolve(args: &ReportArgs, lang: crate::i18n::Lang) -> Result<Self> {
        super::check_out(Some(&args.out), lang)?;
        Ok(ReportSettings {
            out: args.out.clone(),
            name: args.name.clone(),
        })
    }
}

/// `report --out FILE`: the learner's progress, for the instructor.
pub(super) fn report(args: &ReportArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    report_with(&ReportSettings::resolve(args, ctx.lang)?, ctx, out)
}

pub(super) fn report_with(args: &ReportSettings, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    let lang = ctx.lang;
    let course = ctx.course()?;
    let module = ctx.module_progress()?;
    let report = learner_report(course, &module, args.name.clone());
    let text = crate::util::json_pretty(&report);
    write_atomic(&args.out, text.as_bytes()).map_err(|source| Error::Io {
        action: tr(lang, "report.cannot_write").to_string(),
        path: args.out.clone(),
        source,
    })?;
    out.line(&trf(lang, "report.written", &[("path", &args.out.display())]))?;
    Ok(ExitStatus::Success)
}

/// `reset`: forgets this module's progress, after confirmation.
pub(super) fn reset(args: &ResetArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    let lang = ctx.lang;
    let course = ctx.course()?;
    let store = ctx.store()?;
    let mut file = store.load(lang, &mut std::io::stderr());
    if file.modules.get(&course.id).is_none_or(|m| m.is_empty()) {
        out.line(tr(lang, "reset.nothing"))?;
        return Ok(ExitStatus::Success);
    }
    if !args.yes {
        if !ctx.interactive {
            return Err(Error::NeedsTerminal(tr(lang, "reset.needs_yes").to_string()));
        }
        let options = [tr(lang, "reset.keep").to_string(), tr(lang, "reset.erase").to_string()];
        let question = trf(lang, "reset.confirm", &[("path", &store.path().display())]);
        if ctx.prompter().select(&question, &options, tr(lang, "wizard.help")) != Ok(1) {
            out.line(tr(lang, "reset.kept"))?;
            return Ok(ExitStatus::Success);
        }
    }
    file.modules.remove(&course.id);
    store.replace(&file, lang)?;
    out.line(tr(lang, "reset.done"))?;
    Ok(ExitStatus::Success)
}
