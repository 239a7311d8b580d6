//! Commands that may change the account: `audit --stop`, `fix budget`,
//! `fix idle-shutdown`. Read-only unless asked; `--dry-run` prints the exact
//! calls and changes nothing; otherwise a confirmation naming the account,
//! region and resources (or `--yes`) comes first, and every call is logged.

use std::io::Write;
use std::time::Duration;

use colored::Colorize;

use crate::audit::{self, Audit, Target};
use crate::auditlog::AuditLog;
use crate::aws::fix::{self, BudgetPlan, IdleScope};
use crate::aws::{self, AwsArgs, Session, operations as op};
use crate::checks::describe_call_error;
use crate::course::{Course, render};
use crate::error::{EXIT_FAILED, EXIT_OK, Error, Result};
use crate::i18n::{Lang, tr, trf};
use crate::report::clean;
use crate::snapshot::{CallError, IdleSettings, mask_address};
use crate::wizard::Prompter;

/// Limits of `IdleSettings.IdleTimeoutInMinutes` (SageMaker API reference).
pub const IDLE_MINUTES: std::ops::RangeInclusive<i32> = 60..=525_600;

/// How often the stop flow re-reads what it stopped.
const POLL_INTERVAL: Duration = Duration::from_secs(2);

/// What every flow needs besides its own options.
pub struct Ctx<'a> {
    pub course: &'a Course,
    pub lang: Lang,
    pub width: usize,
    pub interactive: bool,
    pub spinner: bool,
    pub log: &'a AuditLog,
}

fn say(out: &mut dyn Write, text: &str, lang: Lang) -> Result<()> {
    writeln!(out, "{text}").map_err(|source| Error::Io {
        action: tr(lang, "io.write_output").to_string(),
        path: "-".into(),
        source,
    })
}

/// Yes with `--yes`; otherwise the learner's answer on a terminal; without
/// one, an error naming `--yes` (exit 2). Nothing is ever assumed.
fn confirm(ctx: &Ctx<'_>, prompter: &mut dyn Prompter, yes: bool, question: &str) -> Result<bool> {
    if yes {
        return Ok(true);
    }
    if !ctx.interactive {
        return Err(Error::NeedsTerminal(tr(ctx.lang, "fix.needs_yes").to_string()));
    }
    let options = [tr(ctx.lang, "fix.no").to_string(), tr(ctx.lang, "fix.yes").to_string()];
    Ok(prompter.select(question, &options, tr(ctx.lang, "wizard.help")) == Ok(1))
}

fn identity(session: &Session, lang: Lang) -> Result<(String, String)> {
    let sts = aws_sdk_sts::Client::new(&session.config);
    let out = session
        .block_on(sts.get_caller_identity().send())
        .map_err(|e| Error::Usage(describe_call_error(&aws::call_error(op::GET_CALLER_IDENTITY, e), lang)))?;
    let account = out.account().unwrap_or("?").to_string();
    let region = session
        .config
        .region()
        .map_or_else(|| "?".to_string(), |r| r.to_string());
    Ok((account, region))
}

fn log(
    ctx: &Ctx<'_>,
    account: &str,
    region: &str,
    call: &str,
    target: &str,
    result: &std::result::Result<(), CallError>,
) {
    let result = result
        .as_ref()
        .map(|_| ())
        .map_err(|e| format!("{:?}: {}", e.kind, e.message));
    // The change itself happened (or not) whatever the log says; a log that
    // cannot be written is reported, not fatal.
    if let Err(e) = ctx.log.append(account, region, call, target, &result) {
        eprintln!(
            "{}",
            trf(
                ctx.lang,
                "fix.log_failed",
                &[("path", &ctx.log.path().display()), ("error", &e)]
            )
        );
    }
}

#[derive(Clone, Debug, Default)]
pub struct StopOptions {
    pub yes: bool,
    pub dry_run: bool,
    pub include_endpoints: bool,
    pub wait: Duration,
}

/// `audit`, and with `stop` the stop flow. Returns the exit code.
pub fn audit_command(
    ctx: &Ctx<'_>,
    args: &AwsArgs,
    json: bool,
    stop: Option<StopOptions>,
    prompter: &mut dyn Prompter,
    out: &mut dyn Write,
) -> Result<u8> {
    let lang = ctx.lang;
    let session = aws::connect(args, lang)?;
    let running = session.with_spinner(
        ctx.spinner,
        tr(lang, "aws.reading"),
        aws::collect_running(&session.config),
    );
    let assessed = audit::assess(&ctx.course.instances, &running, audit::hours_until_morning());
    match stop {
        None => {
            let text = if json {
                audit::json(&assessed)
            } else {
                audit::text(&assessed, lang, ctx.width)
            };
            write!(out, "{text}").map_err(|source| Error::Io {
                action: tr(lang, "io.write_output").to_string(),
                path: "-".into(),
                source,
            })?;
            Ok(assessed.exit_code())
        }
        Some(options) => {
            say(out, &audit::text(&assessed, lang, ctx.width), lang)?;
            stop_flow(ctx, &session, &assessed, &options, prompter, out)
        }
    }
}

/// Offers to stop what the audit found, then waits until it has stopped.
pub fn stop_flow(
    ctx: &Ctx<'_>,
    session: &Session,
    assessed: &Audit,
    options: &StopOptions,
    prompter: &mut dyn Prompter,
    out: &mut dyn Write,
) -> Result<u8> {
    let lang = ctx.lang;
    let account = assessed.account.clone().unwrap_or_else(|| "?".into());
    let region = assessed.region.clone().unwrap_or_else(|| "?".into());
    let candidates: Vec<&Target> = assessed
        .running
        .iter()
        .map(|i| &i.target)
        .filter(|t| t.stoppable() && (options.include_endpoints || !t.is_endpoint()))
        .collect();
    if assessed.running.iter().any(|i| i.target.is_endpoint()) && !options.include_endpoints {
        say(out, &tr(lang, "fix.endpoints_skipped").yellow().to_string(), lang)?;
    }
    if candidates.is_empty() {
        say(out, tr(lang, "fix.nothing_to_stop"), lang)?;
        return Ok(if assessed.errors.is_empty() {
            EXIT_OK
        } else {
            EXIT_FAILED
        });
    }
    if options.dry_run {
        say(out, &render::subheading(tr(lang, "fix.dry_run")), lang)?;
        for target in &candidates {
            say(
                out,
                &format!(
                    "  {}\n    $ {}",
                    clean(&target.api_call()),
                    clean(&target.cli(&region)).cyan()
                ),
                lang,
            )?;
        }
        return Ok(EXIT_OK);
    }
    let chosen: Vec<&Target> = if options.yes {
        candidates.clone()
    } else {
        if !ctx.interactive {
            return Err(Error::NeedsTerminal(tr(lang, "fix.needs_yes").to_string()));
        }
        let labels: Vec<String> = candidates.iter().map(|t| clean(&t.label())).collect();
        let question = trf(lang, "fix.choose", &[("account", &account), ("region", &region)]);
        let Ok(picked) = prompter.multi_select(&question, &labels, tr(lang, "fix.choose_help")) else {
            say(out, tr(lang, "fix.nothing_done"), lang)?;
            return Ok(EXIT_OK);
        };
        let mut chosen = Vec::new();
        for index in picked {
            let target = candidates[index];
            // An endpoint may be serving someone: a second, explicit yes that names it.
            if let Target::Endpoint { name } = target {
                let question = trf(
                    lang,
                    "fix.confirm_endpoint",
                    &[("name", name), ("account", &account), ("region", &region)],
                );
                if !confirm(ctx, prompter, false, &question)? {
                    continue;
                }
            }
            chosen.push(target);
        }
        let question = trf(
            lang,
            "fix.confirm_stop",
            &[("count", &chosen.len()), ("account", &account), ("region", &region)],
        );
        if chosen.is_empty() || !confirm(ctx, prompter, false, &question)? {
            say(out, tr(lang, "fix.nothing_done"), lang)?;
            return Ok(EXIT_OK);
        }
        chosen
    };
    let mut stopping = Vec::new();
    let mut all_done = true;
    for target in chosen {
        let result = session.block_on(fix::stop(&session.config, target));
        let call = target.api_call();
        log(
            ctx,
            &account,
            &region,
            call.split(' ').next().unwrap_or(""),
            &target.label(),
            &result,
        );
        match result {
            Ok(()) => {
                say(
                    out,
                    &format!(
                        "{} {}",
                        "✔".green(),
                        trf(lang, "fix.stopping", &[("target", &clean(&target.label()))])
                    ),
                    lang,
                )?;
                stopping.push(target.clone());
            }
            Err(e) => {
                all_done = false;
                let text = format!("✘ {}: {}", clean(&target.label()), describe_call_error(&e, lang));
                say(out, &text.red().to_string(), lang)?;
            }
        }
    }
    if !stopping.is_empty() {
        let bar = if ctx.spinner {
            indicatif::ProgressBar::new_spinner()
        } else {
            indicatif::ProgressBar::hidden()
        };
        bar.enable_steady_tick(Duration::from_millis(100));
        let states = session.block_on(fix::wait_until_stopped(
            &session.config,
            &stopping,
            options.wait,
            POLL_INTERVAL,
            |going| {
                bar.set_message(trf(lang, "fix.waiting", &[("count", &going)]));
            },
        ));
        bar.finish_and_clear();
        say(
            out,
            &format!("\n{}", render::subheading(tr(lang, "fix.new_state"))),
            lang,
        )?;
        for (target, state) in stopping.iter().zip(states) {
            let line = match state {
                Ok(status) if fix::settled(&status) => format!("{} {} → {status}", "✔".green(), clean(&target.label())),
                Ok(status) => {
                    all_done = false;
                    format!(
                        "{} {} → {status} ({})",
                        "…".yellow(),
                        clean(&target.label()),
                        tr(lang, "fix.still_stopping")
                    )
                }
                Err(e) => {
                    all_done = false;
                    format!(
                        "{} {}: {}",
                        "?".magenta(),
                        clean(&target.label()),
                        describe_call_error(&e, lang)
                    )
                }
            };
            say(out, &line, lang)?;
        }
        if stopping.iter().any(|t| matches!(t, Target::StudioApp { .. })) {
            say(out, &tr(lang, "fix.files_stay").dimmed().to_string(), lang)?;
        }
    }
    Ok(if all_done { EXIT_OK } else { EXIT_FAILED })
}

#[derive(Clone, Debug)]
pub struct BudgetOptions {
    pub name: String,
    pub amount: f64,
    pub email: Option<String>,
    pub yes: bool,
    pub dry_run: bool,
}

/// `fix budget`: the course's monthly SageMaker budget with e-mail alerts.
pub fn fix_budget(
    ctx: &Ctx<'_>,
    args: &AwsArgs,
    options: &BudgetOptions,
    prompter: &mut dyn Prompter,
    out: &mut dyn Write,
) -> Result<u8> {
    let lang = ctx.lang;
    if !(options.amount.is_finite() && options.amount > 0.0) {
        return Err(Error::Usage(trf(
            lang,
            "fix.bad_amount",
            &[("amount", &options.amount)],
        )));
    }
    let email = match &options.email {
        Some(email) => email.trim().to_string(),
        None if ctx.interactive && !options.dry_run => prompter
            .text(tr(lang, "fix.ask_email"), tr(lang, "fix.email_help"))
            .map_err(|_| Error::Usage(tr(lang, "fix.email_needed").to_string()))?,
        None => return Err(Error::Usage(tr(lang, "fix.email_needed").to_string())),
    };
    if !valid_email(&email) {
        return Err(Error::Usage(trf(
            lang,
            "fix.bad_email",
            &[("email", &mask_address(&email))],
        )));
    }
    let session = aws::connect(args, lang)?;
    let (account, region) = identity(&session, lang)?;
    let plan = BudgetPlan {
        name: options.name.clone(),
        amount: options.amount,
        email,
    };
    match session.block_on(fix::budget_exists(&session.config, &account, &plan.name)) {
        Ok(true) => {
            say(
                out,
                &trf(
                    lang,
                    "fix.budget_exists",
                    &[("name", &clean(&plan.name)), ("account", &account)],
                )
                .yellow()
                .to_string(),
                lang,
            )?;
            return Ok(EXIT_FAILED);
        }
        Ok(false) => {}
        Err(e) => return Err(Error::Usage(describe_call_error(&e, lang))),
    }
    if options.dry_run {
        say(out, &render::subheading(tr(lang, "fix.dry_run")), lang)?;
        say(
            out,
            &format!(
                "  {} CreateBudget {}\n    $ {}",
                op::CREATE_BUDGET,
                clean(&plan.name),
                // No full address in any output: the command shows it masked.
                plan.cli(&account)
                    .replace(&plan.email, &mask_address(&plan.email))
                    .cyan()
            ),
            lang,
        )?;
        return Ok(EXIT_OK);
    }
    let question = trf(
        lang,
        "fix.confirm_budget",
        &[
            ("name", &clean(&plan.name)),
            ("amount", &plan.amount),
            ("email", &mask_address(&plan.email)),
            ("account", &account),
            ("region", &region),
        ],
    );
    if !confirm(ctx, prompter, options.yes, &question)? {
        say(out, tr(lang, "fix.nothing_done"), lang)?;
        return Ok(EXIT_OK);
    }
    let result = session.block_on(fix::create_budget(&session.config, &account, &plan));
    log(
        ctx,
        &account,
        &region,
        op::CREATE_BUDGET,
        &format!("budget {}", plan.name),
        &result,
    );
    match result {
        Ok(()) => {
            say(
                out,
                &format!(
                    "{} {}",
                    "✔".green(),
                    trf(
                        lang,
                        "fix.budget_created",
                        &[("name", &clean(&plan.name)), ("email", &mask_address(&plan.email))]
                    )
                ),
                lang,
            )?;
            Ok(EXIT_OK)
        }
        Err(e) => {
            say(
                out,
                &format!("✘ {}", describe_call_error(&e, lang)).red().to_string(),
                lang,
            )?;
            Ok(EXIT_FAILED)
        }
    }
}

fn valid_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((user, domain)) => {
            !user.is_empty() && domain.contains('.') && !domain.starts_with('.') && !email.contains(char::is_whitespace)
        }
        None => false,
    }
}

#[derive(Clone, Debug)]
pub struct IdleOptions {
    pub minutes: i32,
    pub user_profile: Option<String>,
    pub domain_id: Option<String>,
    pub profile_scope: bool,
    pub yes: bool,
    pub dry_run: bool,
}

fn describe_idle(settings: &Option<IdleSettings>, lang: Lang) -> String {
    match settings {
        Some(IdleSettings {
            enabled: true,
            timeout_minutes: Some(m),
        }) => trf(lang, "fix.idle_on", &[("minutes", m)]),
        Some(IdleSettings {
            enabled: true,
            timeout_minutes: None,
        }) => trf(lang, "fix.idle_on", &[("minutes", &"?")]),
        _ => tr(lang, "fix.idle_off").to_string(),
    }
}

/// `fix idle-shutdown`: built-in idle shutdown for JupyterLab and Code
/// Editor on the learner's domain or user profile, before and after shown.
pub fn fix_idle(
    ctx: &Ctx<'_>,
    args: &AwsArgs,
    options: &IdleOptions,
    prompter: &mut dyn Prompter,
    out: &mut dyn Write,
) -> Result<u8> {
    let lang = ctx.lang;
    if !IDLE_MINUTES.contains(&options.minutes) {
        return Err(Error::Usage(trf(
            lang,
            "fix.bad_minutes",
            &[("minutes", &options.minutes)],
        )));
    }
    if options.profile_scope && options.user_profile.is_none() {
        return Err(Error::Usage(tr(lang, "fix.profile_needed").to_string()));
    }
    let session = aws::connect(args, lang)?;
    let (account, region) = identity(&session, lang)?;
    let domain_id = match &options.domain_id {
        Some(id) => id.clone(),
        None => {
            let sm = aws_sdk_sagemaker::Client::new(&session.config);
            let domains = session
                .block_on(sm.list_domains().into_paginator().items().send().try_collect())
                .map_err(|e| Error::Usage(describe_call_error(&aws::call_error(op::LIST_DOMAINS, e), lang)))?;
            let ids: Vec<String> = domains
                .iter()
                .filter_map(|d| d.domain_id().map(str::to_string))
                .collect();
            match ids.as_slice() {
                [only] => only.clone(),
                [] => {
                    say(out, &trf(lang, "fix.no_domain", &[("region", &region)]), lang)?;
                    return Ok(EXIT_FAILED);
                }
                many => {
                    return Err(Error::Usage(trf(
                        lang,
                        "fix.which_domain",
                        &[("ids", &many.join(", "))],
                    )));
                }
            }
        }
    };
    let scope = match (&options.user_profile, options.profile_scope) {
        (Some(name), true) => IdleScope::UserProfile {
            domain_id,
            name: name.clone(),
        },
        _ => IdleScope::Domain { domain_id },
    };
    let before = session
        .block_on(fix::read_idle(&session.config, &scope))
        .map_err(|e| Error::Usage(describe_call_error(&e, lang)))?;
    if before.classic {
        say(out, &render::wrap(tr(lang, "fix.classic"), ctx.width, "", ""), lang)?;
        return Ok(EXIT_OK);
    }
    let show = |state: &fix::IdleState| {
        format!(
            "JupyterLab: {} · Code Editor: {}",
            describe_idle(&state.jupyterlab, lang),
            describe_idle(&state.code_editor, lang)
        )
    };
    say(
        out,
        &format!(
            "{} ({}): {}",
            tr(lang, "fix.before"),
            clean(&scope.label()),
            show(&before)
        ),
        lang,
    )?;
    if options.dry_run {
        say(out, &render::subheading(tr(lang, "fix.dry_run")), lang)?;
        say(
            out,
            &format!(
                "  {} {}\n    $ {}",
                scope.api_call(),
                clean(&scope.label()),
                scope.cli(options.minutes, &region).cyan()
            ),
            lang,
        )?;
        return Ok(EXIT_OK);
    }
    let question = trf(
        lang,
        "fix.confirm_idle",
        &[
            ("minutes", &options.minutes),
            ("target", &clean(&scope.label())),
            ("account", &account),
            ("region", &region),
        ],
    );
    if !confirm(ctx, prompter, options.yes, &question)? {
        say(out, tr(lang, "fix.nothing_done"), lang)?;
        return Ok(EXIT_OK);
    }
    let result = session.block_on(fix::set_idle(&session.config, &scope, options.minutes));
    log(ctx, &account, &region, scope.api_call(), &scope.label(), &result);
    if let Err(e) = result {
        say(
            out,
            &format!("✘ {}", describe_call_error(&e, lang)).red().to_string(),
            lang,
        )?;
        return Ok(EXIT_FAILED);
    }
    let after = session
        .block_on(fix::read_idle(&session.config, &scope))
        .map_err(|e| Error::Usage(describe_call_error(&e, lang)))?;
    say(
        out,
        &format!(
            "{} ({}): {}",
            tr(lang, "fix.after"),
            clean(&scope.label()),
            show(&after)
        ),
        lang,
    )?;
    let on = |s: &Option<IdleSettings>| {
        s.as_ref()
            .is_some_and(|s| s.enabled && s.timeout_minutes == Some(options.minutes))
    };
    Ok(if on(&after.jupyterlab) && on(&after.code_editor) {
        EXIT_OK
    } else {
        EXIT_FAILED
    })
}

/// `iam-policy`: the least-privilege policy for the checks, generated from
/// the one list of operations; with `with_fixes`, the actions fixes add.
pub fn iam_policy(with_fixes: bool) -> String {
    let mut read: Vec<&str> = op::ALL.iter().filter(|o| !o.mutating).map(|o| o.action).collect();
    read.sort_unstable();
    read.dedup();
    let mut statements = vec![serde_json::json!({
        "Sid": "SmCourseReadOnlyChecks",
        "Effect": "Allow",
        "Action": read,
        "Resource": "*"
    })];
    if with_fixes {
        let mut write: Vec<&str> = op::ALL.iter().filter(|o| o.mutating).map(|o| o.action).collect();
        write.sort_unstable();
        write.dedup();
        statements.push(serde_json::json!({
            "Sid": "SmCourseFixes",
            "Effect": "Allow",
            "Action": write,
            "Resource": "*"
        }));
    }
    let policy = serde_json::json!({ "Version": "2012-10-17", "Statement": statements });
    serde_json::to_string_pretty(&policy).expect("a policy serialises") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actions(policy: &serde_json::Value, statement: usize) -> Vec<String> {
        policy["Statement"][statement]["Action"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn the_read_only_policy_holds_only_list_describe_view_and_get_actions() {
        let policy: serde_json::Value = serde_json::from_str(&iam_policy(false)).unwrap();
        assert_eq!(policy["Statement"].as_array().unwrap().len(), 1);
        for action in actions(&policy, 0) {
            let verb = action.split(':').nth(1).unwrap();
            assert!(
                ["List", "Describe", "View", "Get"].iter().any(|p| verb.starts_with(p)),
                "{action} is not read-only"
            );
        }
    }

    #[test]
    fn the_fixes_add_exactly_the_mutating_actions() {
        let policy: serde_json::Value = serde_json::from_str(&iam_policy(true)).unwrap();
        assert_eq!(
            actions(&policy, 1),
            [
                "budgets:ModifyBudget",
                "sagemaker:DeleteApp",
                "sagemaker:DeleteEndpoint",
                "sagemaker:StopNotebookInstance",
                "sagemaker:UpdateDomain",
                "sagemaker:UpdateUserProfile"
            ]
        );
    }

    /// Every SDK call in the code names its IAM action from operations.rs,
    /// and every action there is in the generated policy: a call added
    /// without its permission fails this test.
    #[test]
    fn every_operation_the_code_calls_is_in_the_policy() {
        let policy = iam_policy(true);
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files: Vec<_> = std::fs::read_dir(src.join("aws"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.push(src.join("fixes.rs"));
        let mut used = std::collections::BTreeSet::new();
        let mut calls = 0;
        for path in files {
            let whole = std::fs::read_to_string(&path).unwrap();
            // The code, not its tests (which mention `.send()` themselves).
            let text = whole.split("#[cfg(test)]").next().unwrap();
            for (at, _) in text.match_indices(".send()") {
                calls += 1;
                // Each call's error is sorted under its IAM action after it,
                // before the next call.
                let rest = &text[at + 1..];
                let next = rest.find(".send()").unwrap_or(rest.len());
                let window: String = rest[..next].chars().take(900).collect();
                assert!(
                    window.contains("op::"),
                    "{}: a call without its operation: {window}",
                    path.display()
                );
            }
            for (at, _) in text.match_indices("op::") {
                let name: String = text[at + 4..]
                    .chars()
                    .take_while(|c| c.is_ascii_uppercase() || *c == '_')
                    .collect();
                if !name.is_empty() && name != "ALL" {
                    used.insert(name);
                }
            }
        }
        assert!(calls > 20, "the collector and fixer make their calls with .send()");
        let source = include_str!("aws/operations.rs");
        for name in &used {
            let line = source
                .lines()
                .find(|l| l.trim_start().starts_with(&format!("{name} = ")))
                .unwrap_or_else(|| panic!("op::{name} is not in operations.rs"));
            let action = line.split('"').nth(1).unwrap();
            assert!(
                policy.contains(&format!("\"{action}\"")),
                "{action} (op::{name}) missing from the policy"
            );
        }
        for operation in op::ALL {
            assert!(policy.contains(operation.action));
        }
    }

    #[test]
    fn email_addresses_are_checked_before_any_call() {
        assert!(valid_email("ana@example.com"));
        assert!(!valid_email("ana"));
        assert!(!valid_email("ana@localhost"));
        assert!(!valid_email("a na@example.com"));
    }
}
