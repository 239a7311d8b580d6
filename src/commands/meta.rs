//! About the tool itself: shell completions, the manual page, the IAM policy.

use crate::cli::{CompletionsArgs, IamPolicyArgs, ManArgs};
use crate::context::Context;
use crate::error::{ExitStatus, Result};
use crate::ui::{Output, write_error};

super::runs!(
    CompletionsArgs => completions,
    ManArgs => man,
    IamPolicyArgs => iam_policy,
);

pub(super) fn completions(args: &CompletionsArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    let mut buffer = Vec::new();
    clap_complete::generate(args.shell, &mut crate::cli::command(ctx.lang), BIN, &mut buffer);
    let mut script = String::from_utf8_lossy(&buffer).into_owned();
    if args.shell == clap_complete::Shell::Bash {
        script = bash_states_agree(&script);
    }
    out.emit(&script)?;
    Ok(ExitStatus::Success)
}

const BIN: &str = "sm-course";

/// clap_complete 4.6's bash script tracks where the command line is in a
/// `cmd` state: the loop over the words spells it from the binary's name with
/// `-` as `__` (`sm__course__subcmd__module5`), but the arms that complete
/// each subcommand spell the binary's `-` as the subcommand separator
/// (`sm__subcmd__course__subcmd__module5`), so no arm past the first word
/// ever matched (clap-rs/clap#6421, #6529, open). The arms are renamed to
/// the loop's spelling; a binary name without `-` would need nothing.
fn bash_states_agree(script: &str) -> String {
    let loop_state = BIN.replace('-', "__");
    let arm_state = BIN.replace('-', "__subcmd__");
    script.replace(&format!("{arm_state}__subcmd__"), &format!("{loop_state}__subcmd__"))
}

/// `man`: one page documenting every command, so it names no page that
/// cannot be produced (clap_mangen's own page refers to a page per
/// subcommand, `sm-course-module5(1)`, which nothing installs). Each command
/// is a subsection with its description, synopsis and options; the global
/// options are listed once, at the top.
pub(super) fn man(_: &ManArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    let mut cmd = crate::cli::command(ctx.lang);
    cmd.build();
    let io = |source| write_error(ctx.lang, source);
    let top = clap_mangen::Man::new(cmd.clone());
    let mut page = Vec::new();
    top.render_title(&mut page).map_err(io)?;
    top.render_name_section(&mut page).map_err(io)?;
    top.render_synopsis_section(&mut page).map_err(io)?;
    top.render_description_section(&mut page).map_err(io)?;
    top.render_options_section(&mut page).map_err(io)?;
    let global: Vec<String> = cmd
        .get_arguments()
        .filter(|a| a.is_global_set() || ["help", "version"].contains(&a.get_id().as_str()))
        .map(|a| a.get_id().to_string())
        .collect();
    let mut commands = String::new();
    for (path, sub) in subcommands(&cmd, BIN) {
        commands.push_str(&format!(".SS \"{}\"\n", roff(&path)));
        let mut sub = sub.clone();
        for id in &global {
            if sub.get_arguments().any(|a| a.get_id() == id) {
                sub = sub.mut_arg(id, |a| a.hide(true));
            }
        }
        let man = clap_mangen::Man::new(sub);
        let mut part = Vec::new();
        man.render_description_section(&mut part).map_err(io)?;
        part.extend(b".PP\n");
        man.render_synopsis_section(&mut part).map_err(io)?;
        man.render_options_section(&mut part).map_err(io)?;
        // Their section headings would end this one: the paragraphs stay.
        for line in String::from_utf8_lossy(&part).lines().filter(|l| !l.starts_with(".SH")) {
            commands.push_str(line);
            commands.push('\n');
        }
    }
    page.extend(
        format!(
            ".SH {}\n",
            roff(&crate::i18n::tr(ctx.lang, "help.commands").to_uppercase())
        )
        .bytes(),
    );
    page.extend(commands.bytes());
    top.render_extra_section(&mut page).map_err(io)?;
    top.render_version_section(&mut page).map_err(io)?;
    // Each rendered part starts with the same string definition; once is enough.
    let page = String::from_utf8_lossy(&page);
    let mut lines = page.lines();
    let preamble: Vec<&str> = lines.by_ref().take(2).collect();
    let mut text = preamble.join("\n") + "\n";
    for line in lines.filter(|l| !preamble.contains(l)) {
        text.push_str(line);
        text.push('\n');
    }
    out.emit(&text)?;
    Ok(ExitStatus::Success)
}

/// Every command below `cmd`, depth first, with its full path.
fn subcommands<'a>(cmd: &'a clap::Command, path: &str) -> Vec<(String, &'a clap::Command)> {
    let mut all = Vec::new();
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let path = format!("{path} {}", sub.get_name());
        all.push((path.clone(), sub));
        all.extend(subcommands(sub, &path));
    }
    all
}

/// Text for a roff line: backslashes and hyphens escaped.
fn roff(text: &str) -> String {
    text.replace('\\', "\\e").replace('-', "\\-").replace('"', "\\(dq")
}

/// The least-privilege policy, generated from the one list of operations;
/// why its last statement is optional goes to stderr, so stdout stays a
/// policy document. `--instructor`: the instructor's own policy.
pub(super) fn iam_policy(args: &IamPolicyArgs, ctx: &Context, out: &mut Output) -> Result<ExitStatus> {
    use crate::aws::operations;
    if args.instructor {
        out.emit(&operations::instructor_policy_json(&args.role_name))?;
        return Ok(ExitStatus::Success);
    }
    out.emit(&operations::policy_json(args.with_fixes, args.with_teardown))?;
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
