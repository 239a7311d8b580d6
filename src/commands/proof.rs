//! The hands-on tasks: `tasks` lists them with their state, `verify` proves
//! checklist items on the learner's account and ticks them.

use crate::aws::regions::Wanted;
use crate::checks::{COURSE_REGION, Judge};
use crate::cli::{Format, ProveArgs, TasksArgs};
use crate::context::Context;
use crate::course::{ChecklistItem, Course, EvidenceRule};
use crate::error::{Error, ExitStatus, Result};
use crate::i18n::trf;
use crate::progress::ProofReport;
use crate::snapshot::inventory::split_refused;
use crate::snapshot::{Snapshot, Source};
use crate::ui::Output;

super::runs!(TasksArgs => tasks, ProveArgs => prove);

/// `tasks`'s settings: how to print them.
#[derive(Debug, Default)]
pub(super) struct TasksSettings {
    pub format: Format,
}

impl From<&TasksArgs> for TasksSettings {
    fn from(args: &TasksArgs) -> Self {
        TasksSettings {
            format: args.format.format,
        }
    }
}

/// `tasks`: every task, proven (with its evidence) or not.
pub(super) fn tasks(args: &TasksArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    tasks_with(&TasksSettings::from(args), ctx, out)
}

pub(super) fn tasks_with(args: &TasksSettings, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    let lang = ctx.lang;
    let course = ctx.course()?;
    let module = ctx.module_progress()?;
    match args.format {
        Format::Text => out.emit(&crate::report::proof::tasks_text(course, &module, lang, ctx.width))?,
        Format::Json => out.emit(&crate::report::proof::tasks_json(course, &module, lang))?,
    }
    Ok(ExitStatus::Success)
}

/// The checklist items `name` asks for (all the verifiable ones when None);
/// an unknown or unverifiable one is a usage error naming the others.
pub(super) fn items<'c>(
    course: &'c Course,
    name: Option<&str>,
    lang: crate::i18n::Lang,
) -> Result<Vec<&'c ChecklistItem>> {
    let verifiable = course.verifiable_items();
    match name {
        None => Ok(verifiable),
        Some(name) => {
            // A task's id names the item it proves.
            let id = course.task(name).map_or(name, |t| t.proves.as_str());
            match verifiable.iter().find(|i| i.id == id) {
                Some(item) => Ok(vec![*item]),
                None => Err(Error::Usage(trf(
                    lang,
                    "verify.unknown_item",
                    &[
                        ("item", &name),
                        (
                            "items",
                            &verifiable.iter().map(|i| i.id.as_str()).collect::<Vec<_>>().join(", "),
                        ),
                    ],
                ))),
            }
        }
    }
}

/// Verifies `items` on `snapshot`, saving what the learner's real account
/// proves. An account that could not be identified cannot prove anything.
/// `others` are the other regions the course used.
fn prove_snapshot(
    ctx: &Context,
    snapshot: &Snapshot,
    others: &[&Snapshot],
    items: &[&ChecklistItem],
) -> Result<ProofReport> {
    let lang = ctx.lang;
    let course = ctx.course()?;
    if snapshot.source == Source::Aws
        && let Err(e) = &snapshot.identity
    {
        return Err(Error::Aws(e.describe(lang)));
    }
    let store = ctx.store()?;
    let mut file = store.load(lang, &mut std::io::stderr());
    let module = file.modules.entry(course.id.clone()).or_default();
    let prices = crate::catalog::prices::PriceBook::new(&course.instances);
    let judge = Judge {
        course,
        prices: &prices,
        lang,
        expect_region: COURSE_REGION,
    };
    let verification = crate::progress::prove_regions(&judge, snapshot, others, module, items);
    if snapshot.source == Source::Aws {
        store.save(&file, lang)?;
    }
    Ok(verification)
}

/// The configured region read whole, and the other regions the course used
/// on this account (from the learner's progress), each read for what bills
/// there; a region the account cannot read is left out.
fn read_course_regions(ctx: &Context, args: &ProveSettings) -> Result<(Snapshot, Vec<Snapshot>)> {
    let lang = ctx.lang;
    let session = crate::aws::connect(&ctx.aws_args(&args.aws), lang)?;
    let used = ctx.module_progress()?.regions();
    let (_, configured) = session.identity().map_err(|e| Error::Aws(e.describe(lang)))?;
    let mut regions = vec![configured.clone()];
    regions.extend(used.into_iter().filter(|r| *r != configured));
    let wanted = match regions.len() {
        1 => Wanted::Configured,
        _ => Wanted::These(regions),
    };
    let inventory = session.inventory(&wanted, lang, ctx.spinner)?;
    let (read, _) = split_refused(&inventory.others, Some(&configured));
    let others = read.into_iter().cloned().collect();
    Ok((inventory.home, others))
}

/// `verify`'s settings, from its arguments. The item is checked against
/// the course when the command runs (`items`): the course is loaded then.
#[derive(Debug)]
pub(super) struct ProveSettings {
    /// A checklist item or task; None: every verifiable item.
    pub item: Option<String>,
    pub format: Format,
    pub aws: crate::cli::AwsFlags,
    /// A practice account's scenario instead of the real account.
    pub sandbox: Option<String>,
}

impl From<&ProveArgs> for ProveSettings {
    fn from(args: &ProveArgs) -> Self {
        ProveSettings {
            item: args.item.clone(),
            format: args.format,
            aws: args.aws.clone(),
            sandbox: args.sandbox.clone(),
        }
    }
}

/// `verify [ITEM]`: exit 0 when every asked item is proven, 1 when one is
/// not, 2 when it could not run.
pub(super) fn prove(args: &ProveArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    prove_with(&ProveSettings::from(args), ctx, out)
}

pub(super) fn prove_with(args: &ProveSettings, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    let lang = ctx.lang;
    let course = ctx.course()?;
    let items = items(course, args.item.as_deref(), lang)?;
    // "Nothing left billing" is judged in every region the course used.
    let everywhere = items
        .iter()
        .flat_map(|i| &i.evidence)
        .any(|rule| matches!(rule, EvidenceRule::Tasks(ids) if ids.iter().any(|id| course.task(id).is_some_and(|t| t.rule == "nothing-billing"))));
    let (snapshot, others) = match &args.sandbox {
        Some(name) => (course.sandbox(name, lang)?, Vec::new()),
        None if everywhere => read_course_regions(ctx, args)?,
        None => (
            crate::aws::snapshot(&ctx.aws_args(&args.aws), lang, ctx.spinner)?,
            Vec::new(),
        ),
    };
    let others: Vec<&Snapshot> = others.iter().collect();
    let verification = prove_snapshot(ctx, &snapshot, &others, &items)?;
    match args.format {
        Format::Json => out.json(&verification)?,
        Format::Text => {
            out.emit(&crate::report::proof::text(&verification, lang, ctx.width))?;
            for id in &verification.ticked {
                let item = course
                    .checklist
                    .iter()
                    .find(|i| &i.id == id)
                    .expect("ticked from the course");
                out.line(&trf(lang, "wizard.ticked", &[("item", &item.title.get(lang))]))?;
            }
        }
    }
    Ok(ExitStatus::failed_if(!verification.all_proven()))
}
