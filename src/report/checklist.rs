//! The validation checklist of section 9: each item done or not, with the
//! evidence and time of its tick.

use colored::Colorize;
use serde::Serialize;

use crate::course::{Course, EvidenceRule};
use crate::i18n::{Lang, tr, trf};
use crate::progress::{Evidence, ModuleProgress};
use crate::ui::text::{heading, wrap_options};

#[derive(Debug, Serialize)]
pub(crate) struct Report<'a> {
    pub module: &'a str,
    pub items: Vec<Item<'a>>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Item<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub done: bool,
    pub evidence: Option<&'a Evidence>,
    pub at: Option<&'a str>,
}

pub(crate) fn report<'a>(course: &'a Course, progress: &'a ModuleProgress, lang: Lang) -> Report<'a> {
    let items = course
        .checklist
        .iter()
        .map(|item| {
            let tick = progress.checklist.get(&item.id);
            Item {
                id: &item.id,
                title: item.title.get(lang),
                done: tick.is_some(),
                evidence: tick.map(|t| &t.evidence),
                at: tick.map(|t| t.at.as_str()),
            }
        })
        .collect();
    Report {
        module: &course.id,
        items,
    }
}

pub(crate) fn describe_evidence(course: &Course, evidence: &Evidence, lang: Lang) -> String {
    match evidence {
        Evidence::Quiz {
            section,
            correct,
            total,
        } => {
            let title = course
                .section(section)
                .map_or(section.as_str(), |s| s.meta.title.get(lang));
            trf(
                lang,
                "checklist.quiz_evidence",
                &[("section", &title), ("correct", correct), ("total", total)],
            )
        }
        Evidence::Tool { tool } => trf(lang, "checklist.tool_evidence", &[("tool", &tool.name())]),
        Evidence::Live {
            checks,
            account,
            region,
        } => trf(
            lang,
            "checklist.live_evidence",
            &[("checks", &checks.join(", ")), ("account", account), ("region", region)],
        ),
        Evidence::Task {
            tasks,
            account,
            region,
            proofs,
        } => {
            let mut done: Vec<String> = tasks.clone();
            for proof in proofs {
                let mut line = format!("{} {}", proof.kind, proof.name);
                if let Some(instance) = &proof.instance_type {
                    line.push_str(&format!(" ({instance})"));
                }
                if let Some(status) = &proof.status {
                    line.push_str(&format!(", {status}"));
                }
                done.push(line);
            }
            trf(
                lang,
                "checklist.task_evidence",
                &[("tasks", &done.join("; ")), ("account", account), ("region", region)],
            )
        }
    }
}

/// The checklist for people, tick times in the machine's zone (`TZ`).
pub(crate) fn text(course: &Course, report: &Report<'_>, lang: Lang, width: usize) -> String {
    text_in(course, report, lang, width, &jiff::tz::TimeZone::system())
}

/// `text`, tick times shown in `tz` (the JSON keeps them in RFC 3339).
pub(crate) fn text_in(
    course: &Course,
    report: &Report<'_>,
    lang: Lang,
    width: usize,
    tz: &jiff::tz::TimeZone,
) -> String {
    let done = report.items.iter().filter(|i| i.done).count();
    let mut out = heading(&trf(
        lang,
        "checklist.heading",
        &[
            ("number", &course.number),
            ("done", &done),
            ("total", &report.items.len()),
        ],
    ));
    out.push('\n');
    for (item, meta) in report.items.iter().zip(&course.checklist) {
        let mark = if item.done {
            "[x]".green().bold().to_string()
        } else {
            "[ ]".to_string()
        };
        out.push_str(&textwrap::fill(
            &format!("{mark} {}", item.title),
            wrap_options(width, "", "    "),
        ));
        out.push('\n');
        let detail = match (item.evidence, item.at) {
            (Some(evidence), Some(at)) => format!(
                "{} · {}",
                describe_evidence(course, evidence, lang),
                crate::util::local_time(at, tz, lang)
            ),
            _ => {
                let needs: Vec<String> = meta
                    .evidence
                    .iter()
                    .map(|rule| match rule {
                        EvidenceRule::Tool(tool) => trf(lang, "checklist.needs_tool", &[("tool", &tool.name())]),
                        EvidenceRule::Checks(ids) => {
                            trf(lang, "checklist.needs_checks", &[("checks", &ids.join(", "))])
                        }
                        EvidenceRule::Tasks(ids) => trf(
                            lang,
                            "checklist.needs_tasks",
                            &[("tasks", &ids.join(", ")), ("item", &meta.id)],
                        ),
                        EvidenceRule::Quiz(section) => {
                            let s = course.section(section).expect("validated");
                            trf(
                                lang,
                                "checklist.needs_quiz",
                                &[("number", &s.meta.number), ("section", &s.meta.title.get(lang))],
                            )
                        }
                    })
                    .collect();
                let what = needs.join(&format!(" {} ", tr(lang, "checklist.or")));
                trf(lang, "checklist.to_do", &[("what", &what)])
            }
        };
        let detail = textwrap::fill(&detail, wrap_options(width, "    ", "    "));
        out.push_str(&if item.done { detail } else { detail.dimmed().to_string() });
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::task_rules::Proof;
    use crate::progress::Tick;

    #[test]
    fn portuguese_ticks_show_local_times_and_no_decimal_point() {
        colored::control::set_override(false);
        let course = Course::load(None, Lang::Pt, &crate::checks::known()).unwrap();
        let mut module = ModuleProgress::default();
        let tick = |evidence| Tick {
            evidence,
            at: "2026-11-20T09:12:00Z".into(),
        };
        module.checklist.insert(
            "families".into(),
            tick(Evidence::Quiz {
                section: "families".into(),
                correct: 3,
                total: 3,
            }),
        );
        module.checklist.insert(
            "monitoring".into(),
            tick(Evidence::Tool {
                tool: crate::course::Tool::Monitor,
            }),
        );
        module.checklist.insert(
            "stop-instances".into(),
            tick(Evidence::Task {
                tasks: vec!["stop-notebook".into()],
                account: "123456789012".into(),
                region: "eu-central-1".into(),
                proofs: vec![Proof {
                    kind: "JupyterLab".into(),
                    name: "lab/default".into(),
                    instance_type: Some("ml.t3.medium".into()),
                    created_at: Some("2026-11-20T08:00:00.123Z".into()),
                    status: Some("Deleted".into()),
                }],
            }),
        );
        module.checklist.insert(
            "cost-optimization".into(),
            tick(Evidence::Live {
                checks: vec!["budget".into(), "idle-shutdown".into()],
                account: "123456789012".into(),
                region: "eu-central-1".into(),
            }),
        );
        let report = report(&course, &module, Lang::Pt);
        let sao_paulo = jiff::tz::TimeZone::get("America/Sao_Paulo").unwrap();
        let shown = text_in(&course, &report, Lang::Pt, 60, &sao_paulo);
        let flat = shown.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(
            flat.matches("20/11/2026 06:12 (America/Sao_Paulo)").count(),
            4,
            "{shown}"
        );
        assert!(!shown.contains("09:12:00Z"), "{shown}");
        // The lessons' own check of Portuguese number notation.
        assert_eq!(
            crate::course::tests::misformatted_numbers(&shown, Lang::Pt),
            Vec::<String>::new(),
            "{shown}"
        );
        // The JSON keeps the stored time.
        let json = serde_json::to_string(&report).unwrap();
        assert!(json.contains("\"at\":\"2026-11-20T09:12:00Z\""), "{json}");
    }
}
