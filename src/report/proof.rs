//! `verify` and `tasks` as text.

use colored::Colorize;

use crate::course::Course;
use crate::i18n::{Lang, tr, trf};
use crate::progress::{ModuleProgress, ProofReport};
use crate::snapshot::Source;
use crate::ui::text::{heading, wrap};

/// A verification run: per item, each task proven (with its evidence) or
/// what is missing and the steps to do it.
pub(crate) fn text(v: &ProofReport, lang: Lang, width: usize) -> String {
    let mut out = match (&v.source, &v.account, &v.region) {
        (Source::Sandbox, ..) => heading(tr(lang, "verify.heading_sandbox")),
        (_, account, region) => heading(&trf(
            lang,
            "verify.heading",
            &[
                ("account", &account.as_deref().unwrap_or("?")),
                ("region", &region.as_deref().unwrap_or("?")),
            ],
        )),
    };
    out.push_str(&wrap(&trf(lang, "verify.since", &[("since", &v.since)]), width, "", ""));
    out.push('\n');
    for item in &v.items {
        let line = if item.proven {
            format!("✔ {}", trf(lang, "verify.item_proven", &[("item", &item.title)]))
                .green()
                .bold()
        } else {
            format!("✘ {}", trf(lang, "verify.item_missing", &[("item", &item.title)]))
                .yellow()
                .bold()
        };
        out.push_str(&format!("{line}\n"));
        for task in &item.tasks {
            let proven = task.outcome.proven || task.proven_earlier_at.is_some();
            let mark = if proven { "✔" } else { "✘" };
            out.push_str(&wrap(&format!("{mark} {}", task.title), width, "  ", "    "));
            out.push_str(&wrap(&task.message, width, "    ", "    "));
            if let Some(at) = &task.proven_earlier_at {
                out.push_str(&wrap(
                    &trf(lang, "verify.earlier", &[("at", at)]),
                    width,
                    "    ",
                    "    ",
                ));
            }
            for problem in &task.outcome.problems {
                out.push_str(&wrap(&format!("! {problem}"), width, "    ", "      "));
            }
            for (n, step) in task.steps.iter().enumerate() {
                out.push_str(&wrap(&format!("{}. {step}", n + 1), width, "      ", "         "));
            }
        }
        out.push('\n');
    }
    if v.source == Source::Sandbox {
        out.push_str(&format!("{}\n", tr(lang, "verify.sandbox_note").dimmed()));
    }
    out
}

/// The tasks, each proven (with its evidence) or not.
pub(crate) fn tasks_text(course: &Course, module: &ModuleProgress, lang: Lang, width: usize) -> String {
    let mut out = heading(tr(lang, "tasks.heading"));
    for task in &course.tasks {
        let section = course.section(&task.section).expect("validated");
        let item = course
            .checklist
            .iter()
            .find(|i| i.id == task.proves)
            .expect("validated");
        let (mark, state) = match module.tasks.get(&task.id) {
            Some(done) => (
                "✔".green().bold().to_string(),
                format!(
                    "{} · {}, {} · {}",
                    crate::checks::task_rules::done_line(task, done.proof.as_ref(), lang),
                    done.account,
                    done.region,
                    done.at
                ),
            ),
            None => (
                "✘".to_string(),
                trf(lang, "tasks.not_proven", &[("item", &task.proves)]),
            ),
        };
        out.push_str(&wrap(
            &format!("{mark} {} ({})", task.title.get(lang), task.id),
            width,
            "",
            "  ",
        ));
        out.push_str(&wrap(
            &trf(
                lang,
                "tasks.where",
                &[
                    ("number", &section.meta.number),
                    ("section", &section.meta.title.get(lang)),
                    ("item", &item.title.get(lang)),
                ],
            ),
            width,
            "  ",
            "  ",
        ));
        out.push_str(&wrap(&state, width, "  ", "  "));
    }
    out
}

/// The tasks as JSON: each one's id, title, section, the item it proves,
/// and its evidence once proven.
pub(crate) fn tasks_json(course: &Course, module: &ModuleProgress, lang: Lang) -> String {
    let list: Vec<serde_json::Value> = course
        .tasks
        .iter()
        .map(|t| {
            serde_json::json!({
                "id": t.id,
                "title": t.title.get(lang),
                "section": t.section,
                "proves": t.proves,
                "proven": module.tasks.contains_key(&t.id),
                "evidence": module.tasks.get(&t.id),
            })
        })
        .collect();
    crate::util::json_pretty(&list)
}
