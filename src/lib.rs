//! sm-course: Module 5 of an Amazon SageMaker course as a terminal companion.
//!
//! lessons/ (content as data) → course model → wizard / lesson / checklist.

pub mod audit;
pub mod auditlog;
pub mod aws;
pub mod catalog;
pub mod checklist;
pub mod checks;
pub mod cli;
pub mod course;
pub mod error;
pub mod fixes;
#[cfg(test)]
mod fuzz;
pub mod i18n;
pub mod instructor;
pub mod live;
pub mod monitor;
pub mod progress;
pub mod report;
pub mod snapshot;
pub mod tools;
pub mod wizard;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use crate::checks::Judge;
use crate::cli::{
    AwsFlags, CheckArgs, Cli, Command, FixCommand, Format, GradebookFormat, IdleScopeArg, InstructorCommand,
    Module5Command, ReportFormat,
};
use crate::course::{Course, render};
use crate::error::{EXIT_CANNOT_RUN, EXIT_FAILED, EXIT_OK, Error, Result};
use crate::i18n::{Lang, tr, trf};
use crate::progress::Store;
use crate::wizard::{InquirePrompter, Prompter, Wizard};

/// Text never gets wider than this, even on a wide terminal: long lines are
/// hard to read.
const MAX_WIDTH: usize = 100;

/// What the process was started with, gathered once so the commands can be
/// tested with other values.
pub struct Context {
    pub lang: Lang,
    pub colour: bool,
    pub interactive: bool,
    pub width: usize,
    /// stderr is a terminal: progress spinners may be drawn there.
    pub progress: bool,
    pub home: Option<PathBuf>,
    pub lessons: Option<PathBuf>,
    /// `module5 --profile/--region`: the account for the wizard, and the
    /// default for the subcommands that do not name their own.
    pub aws: AwsFlags,
}

impl Context {
    fn from_env(cli: &Cli) -> Context {
        let var = |name: &str| std::env::var(name).ok();
        let lang = cli
            .lang
            .unwrap_or_else(|| Lang::from_env(var("LC_ALL").as_deref(), var("LANG").as_deref()));
        let stdout_tty = std::io::stdout().is_terminal();
        let no_color_env = var("NO_COLOR").is_some_and(|v| !v.is_empty());
        let width = if stdout_tty {
            terminal_size::terminal_size().map(|(w, _)| usize::from(w.0))
        } else {
            None
        }
        .or_else(|| var("COLUMNS").and_then(|c| c.parse().ok()))
        .filter(|w| *w >= 20)
        .unwrap_or(80)
        .min(MAX_WIDTH);
        Context {
            lang,
            colour: stdout_tty && !cli.no_color && !no_color_env,
            interactive: stdout_tty && std::io::stdin().is_terminal(),
            width,
            progress: std::io::stderr().is_terminal(),
            home: std::env::var_os("SM_COURSE_HOME").map(PathBuf::from),
            lessons: cli.lessons.clone(),
            aws: match &cli.command {
                Command::Module5 { aws, .. } => aws.clone(),
                _ => AwsFlags::default(),
            },
        }
    }
}

pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_CANNOT_RUN } else { EXIT_OK });
        }
    };
    let ctx = Context::from_env(&cli);
    colored::control::set_override(ctx.colour);
    if cli.verbose {
        verbose_calls();
    }
    let mut stdout = std::io::stdout().lock();
    match execute(&cli, &ctx, &mut stdout) {
        Ok(code) => ExitCode::from(code),
        // A reader that went away (`| head`) is not an error.
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(EXIT_OK),
        Err(e) => {
            let prefix = tr(ctx.lang, "error.prefix");
            eprintln!("{prefix}: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

fn emit(out: &mut dyn Write, text: &str, lang: Lang) -> Result<()> {
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|source| Error::Io {
            action: tr(lang, "io.write_output").to_string(),
            path: "-".into(),
            source,
        })
}

pub fn execute(cli: &Cli, ctx: &Context, out: &mut dyn Write) -> Result<u8> {
    let lang = ctx.lang;
    match &cli.command {
        Command::IamPolicy { with_fixes } => {
            emit(out, &fixes::iam_policy(*with_fixes), lang)?;
            return Ok(EXIT_OK);
        }
        Command::Completions { shell } => {
            let mut buffer = Vec::new();
            clap_complete::generate(
                *shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "sm-course",
                &mut buffer,
            );
            emit(out, &String::from_utf8_lossy(&buffer), lang)?;
            return Ok(EXIT_OK);
        }
        Command::Man => {
            let mut buffer = Vec::new();
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command())
                .render(&mut buffer)
                .map_err(|source| Error::Io {
                    action: tr(lang, "io.write_output").to_string(),
                    path: "-".into(),
                    source,
                })?;
            emit(out, &String::from_utf8_lossy(&buffer), lang)?;
            return Ok(EXIT_OK);
        }
        _ => {}
    }
    let mut course = Course::load(ctx.lessons.as_deref(), lang)?;
    let command = match &cli.command {
        Command::Module5 { command, .. } => command,
        Command::Instructor { command } => return instructor(&course, command, ctx, out),
        Command::IamPolicy { .. } | Command::Completions { .. } | Command::Man => unreachable!("handled above"),
    };
    match command {
        None => {
            if !ctx.interactive {
                return Err(Error::NeedsTerminal(tr(lang, "wizard.needs_terminal").to_string()));
            }
            let store = Store::locate(ctx.home.clone(), lang)?;
            let wizard = Wizard {
                course: &course,
                lang,
                store: &store,
                width: ctx.width,
            };
            let mut prompter = InquirePrompter::new(ctx.colour);
            let (_, log) = stores(ctx)?;
            let mut live = live::AccountChecks {
                course: &course,
                lang,
                aws: aws_args(&AwsFlags::default(), ctx),
                spinner: ctx.progress,
                width: ctx.width,
                log: &log,
            };
            wizard.run(&mut prompter, &mut live, out, &mut std::io::stderr())?;
            Ok(EXIT_OK)
        }
        Some(Module5Command::Lesson { section: None }) => {
            emit(out, &course.table_of_contents(lang, ctx.width), lang)?;
            Ok(EXIT_OK)
        }
        Some(Module5Command::Lesson { section: Some(name) }) => {
            let index = course
                .section(name)
                .map(|s| s.meta.number as usize - 1)
                .ok_or_else(|| {
                    Error::Usage(trf(
                        lang,
                        "lesson.unknown_section",
                        &[("name", name), ("sections", &course.section_names())],
                    ))
                })?;
            emit(out, &render::section(&course, index, lang, ctx.width), lang)?;
            Ok(EXIT_OK)
        }
        Some(Module5Command::Checklist { format }) => {
            let store = Store::locate(ctx.home.clone(), lang)?;
            let file = store.load(lang, &mut std::io::stderr());
            let module = file.modules.get(&course.id).cloned().unwrap_or_default();
            let report = checklist::report(&course, &module, lang);
            let text = match format {
                Format::Text => checklist::text(&course, &report, lang, ctx.width),
                Format::Json => serde_json::to_string_pretty(&report).expect("a report serialises") + "\n",
            };
            emit(out, &text, lang)?;
            Ok(EXIT_OK)
        }
        Some(Module5Command::Check(args)) => check(&course, args, ctx, out),
        Some(Module5Command::Monitor {
            watch,
            interval,
            count,
            format,
            command,
        }) => {
            let watch = tools::Watch {
                on: *watch,
                interval: *interval,
                count: *count,
            };
            tools::monitor(&course, &watch, *format == Format::Json, command, ctx, out)
        }
        Some(Module5Command::Troubleshoot { problem, instance }) => {
            let mut prompter = InquirePrompter::new(ctx.colour);
            tools::troubleshoot(&course, *problem, instance.as_deref(), &mut prompter, ctx, out)
        }
        Some(Module5Command::Instances {
            family,
            category,
            min_vcpu,
            min_memory,
            gpu,
            live_prices,
            region,
            format,
        }) => {
            if *live_prices {
                tools::use_live_prices(&mut course.instances, region.as_deref(), ctx);
            }
            let filter = catalog::Filter {
                family: family.clone(),
                category: category.clone(),
                min_vcpu: *min_vcpu,
                min_memory_gib: *min_memory,
                gpu: *gpu,
            };
            tools::instances(&course, &filter, *format == Format::Json, lang, ctx.width, out)
        }
        Some(Module5Command::Advise {
            deep_learning,
            dataset_gb,
            budget,
            workload,
            min_vcpu,
            format,
        }) => {
            let answers = catalog::advisor::Answers {
                deep_learning: *deep_learning,
                dataset_gb: *dataset_gb,
                budget: *budget,
                workload: *workload,
                min_vcpu: *min_vcpu,
            };
            if dataset_gb.is_some_and(|gb| !gb.is_finite() || gb < 0.0) {
                return Err(Error::Usage(tr(lang, "tools.bad_number").to_string()));
            }
            let mut prompter = InquirePrompter::new(ctx.colour);
            tools::advise(&course, answers, *format == Format::Json, &mut prompter, ctx, out)
        }
        Some(Module5Command::Cost {
            instance,
            hours,
            duration,
            spot,
            monthly,
            hours_per_day,
            days,
            live_prices,
            region,
            format,
        }) => {
            if *live_prices {
                tools::use_live_prices(&mut course.instances, region.as_deref(), ctx);
            }
            let args = tools::CostArgs {
                instance: instance.clone(),
                hours: *hours,
                duration: duration.clone(),
                spot: *spot,
                monthly: *monthly,
                hours_per_day: *hours_per_day,
                days: *days,
            };
            tools::cost(&course, &args, *format == Format::Json, lang, ctx.width, out)
        }
        Some(Module5Command::Prices {
            command: cli::PricesCommand::Refresh { region },
        }) => tools::prices_refresh(region.as_deref(), ctx, out),
        Some(Module5Command::Audit(args)) => {
            let (store, log) = stores(ctx)?;
            let _ = store;
            let fix_ctx = fix_context(&course, ctx, &log);
            let stop = args.stop.then(|| fixes::StopOptions {
                yes: args.yes,
                dry_run: args.dry_run,
                include_endpoints: args.include_endpoints,
                wait: std::time::Duration::from_secs(args.wait),
            });
            let mut prompter = InquirePrompter::new(ctx.colour);
            fixes::audit_command(
                &fix_ctx,
                &aws_args(&args.aws, ctx),
                args.format == Format::Json,
                stop,
                &mut prompter,
                out,
            )
        }
        Some(Module5Command::Fix { what }) => {
            let (_, log) = stores(ctx)?;
            let fix_ctx = fix_context(&course, ctx, &log);
            let mut prompter = InquirePrompter::new(ctx.colour);
            match what {
                FixCommand::Budget {
                    amount,
                    email,
                    name,
                    dry_run,
                    yes,
                    aws,
                } => {
                    let options = fixes::BudgetOptions {
                        name: name.clone(),
                        amount: *amount,
                        email: email.clone(),
                        yes: *yes,
                        dry_run: *dry_run,
                    };
                    fixes::fix_budget(&fix_ctx, &aws_args(aws, ctx), &options, &mut prompter, out)
                }
                FixCommand::IdleShutdown {
                    minutes,
                    scope,
                    domain_id,
                    user_profile,
                    dry_run,
                    yes,
                    aws,
                } => {
                    let options = fixes::IdleOptions {
                        minutes: *minutes,
                        user_profile: user_profile.clone(),
                        domain_id: domain_id.clone(),
                        profile_scope: *scope == IdleScopeArg::UserProfile,
                        yes: *yes,
                        dry_run: *dry_run,
                    };
                    fixes::fix_idle(&fix_ctx, &aws_args(aws, ctx), &options, &mut prompter, out)
                }
            }
        }
        Some(Module5Command::Report { out: path, name }) => {
            let store = Store::locate(ctx.home.clone(), lang)?;
            let file = store.load(lang, &mut std::io::stderr());
            let module = file.modules.get(&course.id).cloned().unwrap_or_default();
            let report = instructor::learner_report(&course, &module, name.clone());
            let text = serde_json::to_string_pretty(&report).expect("a report serialises") + "\n";
            progress::write_atomic(path, text.as_bytes()).map_err(|source| Error::Io {
                action: tr(lang, "report.cannot_write").to_string(),
                path: path.clone(),
                source,
            })?;
            emit(
                out,
                &format!("{}\n", trf(lang, "report.written", &[("path", &path.display())])),
                lang,
            )?;
            Ok(EXIT_OK)
        }
        Some(Module5Command::Reset { yes }) => {
            let store = Store::locate(ctx.home.clone(), lang)?;
            let mut file = store.load(lang, &mut std::io::stderr());
            if file.modules.get(&course.id).is_none_or(|m| m.is_empty()) {
                emit(out, &format!("{}\n", tr(lang, "reset.nothing")), lang)?;
                return Ok(EXIT_OK);
            }
            if !yes {
                if !ctx.interactive {
                    return Err(Error::NeedsTerminal(tr(lang, "reset.needs_yes").to_string()));
                }
                let options = [tr(lang, "reset.keep").to_string(), tr(lang, "reset.erase").to_string()];
                let mut prompter = InquirePrompter::new(ctx.colour);
                let question = trf(lang, "reset.confirm", &[("path", &store.path().display())]);
                if prompter.select(&question, &options, tr(lang, "wizard.help")) != Ok(1) {
                    emit(out, &format!("{}\n", tr(lang, "reset.kept")), lang)?;
                    return Ok(EXIT_OK);
                }
            }
            file.modules.remove(&course.id);
            store.replace(&file, lang)?;
            emit(out, &format!("{}\n", tr(lang, "reset.done")), lang)?;
            Ok(EXIT_OK)
        }
    }
}

/// `module5 check`: collect (or load the sandbox), judge, report.
fn check(course: &Course, args: &CheckArgs, ctx: &Context, out: &mut dyn Write) -> Result<u8> {
    let lang = ctx.lang;
    if let Some(unknown) = args.only.iter().find(|id| !checks::IDS.contains(&id.as_str())) {
        return Err(Error::Usage(trf(
            lang,
            "check.unknown_id",
            &[("id", unknown), ("ids", &checks::IDS.join(", "))],
        )));
    }
    let snapshot = match &args.sandbox {
        Some(name) => course.sandbox(name, lang)?,
        None => {
            let own = AwsFlags {
                profile: args.profile.clone(),
                region: args.region.clone(),
            };
            aws::snapshot(&aws_args(&own, ctx), lang, ctx.progress)?
        }
    };
    let judge = Judge {
        course,
        lang,
        expect_region: &args.expect_region,
    };
    let only = (!args.only.is_empty()).then_some(args.only.as_slice());
    let results = judge.judge(&snapshot, only);
    let account = snapshot.identity.as_ref().ok().map(|i| i.account.clone());
    if let (snapshot::Source::Aws, Some(account), Some(region)) = (&snapshot.source, &account, &snapshot.region) {
        record_check(course, ctx, &results, account, region);
    }
    let report = report::Report::new(
        &course.id,
        snapshot.source.clone(),
        account,
        snapshot.region.clone(),
        snapshot.taken_at.clone(),
        &results,
    );
    let text = match args.format {
        ReportFormat::Text => report::text(&report, lang, ctx.width),
        ReportFormat::Json => report.json(),
        ReportFormat::Junit => report::junit(&report, lang),
        ReportFormat::Markdown => report::markdown(&report, lang),
    };
    emit(out, &text, lang)?;
    Ok(if checks::any_failed(&results) {
        EXIT_FAILED
    } else {
        EXIT_OK
    })
}

/// A subcommand's own `--profile`/`--region`, else `module5`'s.
fn aws_args(flags: &AwsFlags, ctx: &Context) -> aws::AwsArgs {
    aws::AwsArgs {
        profile: flags.profile.clone().or_else(|| ctx.aws.profile.clone()),
        region: flags.region.clone().or_else(|| ctx.aws.region.clone()),
    }
}

/// The progress store and the audit log, side by side in the data directory.
fn stores(ctx: &Context) -> Result<(Store, auditlog::AuditLog)> {
    let store = Store::locate(ctx.home.clone(), ctx.lang)?;
    let dir = store.path().parent().unwrap_or(std::path::Path::new(".")).to_path_buf();
    Ok((store, auditlog::AuditLog::in_dir(&dir)))
}

fn fix_context<'a>(course: &'a Course, ctx: &Context, log: &'a auditlog::AuditLog) -> fixes::Ctx<'a> {
    fixes::Ctx {
        course,
        lang: ctx.lang,
        width: ctx.width,
        interactive: ctx.interactive,
        spinner: ctx.progress,
        log,
    }
}

/// Keeps a real account's latest check results in the progress file, for
/// `module5 report`. Progress that cannot be saved does not fail the check.
fn record_check(course: &Course, ctx: &Context, results: &[checks::CheckResult], account: &str, region: &str) {
    let Ok(store) = Store::locate(ctx.home.clone(), ctx.lang) else {
        return;
    };
    let mut file = store.load(ctx.lang, &mut std::io::stderr());
    file.modules
        .entry(course.id.clone())
        .or_default()
        .record_check(results, account, region);
    if let Err(e) = store.save(&file, ctx.lang) {
        eprintln!("{e}");
    }
}

/// `instructor verify | collect | role-template`.
fn instructor(course: &Course, command: &InstructorCommand, ctx: &Context, out: &mut dyn Write) -> Result<u8> {
    let lang = ctx.lang;
    let (book, format, path) = match command {
        InstructorCommand::RoleTemplate {
            instructor_account,
            role_name,
        } => {
            emit(
                out,
                &instructor::role_template(instructor_account.as_deref(), role_name),
                lang,
            )?;
            return Ok(EXIT_OK);
        }
        InstructorCommand::Verify {
            roster,
            format,
            concurrency,
            only,
            expect_region,
            out: path,
        } => {
            if let Some(unknown) = only.iter().find(|id| !checks::IDS.contains(&id.as_str())) {
                return Err(Error::Usage(trf(
                    lang,
                    "check.unknown_id",
                    &[("id", unknown), ("ids", &checks::IDS.join(", "))],
                )));
            }
            let students = instructor::roster::load(roster, lang)?;
            let only = (!only.is_empty()).then_some(only.as_slice());
            let book = instructor::verify(
                &students,
                course,
                lang,
                only,
                expect_region,
                usize::from(*concurrency),
                ctx.progress,
            )
            .map_err(|source| Error::Io {
                action: "tokio".into(),
                path: "-".into(),
                source,
            })?;
            (book, *format, path)
        }
        InstructorCommand::Collect {
            reports,
            roster,
            format,
            out: path,
        } => {
            let students = roster.as_ref().map(|r| instructor::roster::load(r, lang)).transpose()?;
            (
                instructor::collect(reports, students.as_deref(), course, lang),
                *format,
                path,
            )
        }
    };
    let render = |book: &instructor::Gradebook| match format {
        GradebookFormat::Table => instructor::table(book, lang, ctx.width),
        GradebookFormat::Csv => instructor::csv(book),
        GradebookFormat::Json => instructor::json(book),
        GradebookFormat::Markdown => instructor::markdown(book, lang),
        GradebookFormat::Junit => instructor::junit(book),
    };
    if let Some(path) = path {
        // The file gets plain text even when the screen gets colour.
        colored::control::set_override(false);
        let plain = render(&book);
        colored::control::set_override(ctx.colour);
        progress::write_atomic(path, plain.as_bytes()).map_err(|source| Error::Io {
            action: tr(lang, "report.cannot_write").to_string(),
            path: path.clone(),
            source,
        })?;
    }
    emit(out, &render(&book), lang)?;
    Ok(book.exit_code())
}

/// `-v`: every AWS call the SDK makes, with its duration, on stderr. The SDK
/// opens a tracing span per operation (fields `rpc.service`, `rpc.method`);
/// showing those spans as they close gives the call and the time it took
/// (`time.busy` + `time.idle`).
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
            meta.is_span() && meta.fields().field("rpc.method").is_some()
        }));
    let _ = tracing_subscriber::registry().with(layer).try_init();
}
