//! The course model: Module 5 as data (lessons/module5/), loaded from the copy
//! compiled into the binary or from a directory given with `--lessons`
//! (`load`), validated before anything uses it (`validate`), and rendered
//! for a terminal (`markdown`).

mod load;
pub(crate) mod markdown;
mod validate;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalog::Instances;
use crate::i18n::{Lang, tr, trf};
use crate::ui::text::{heading, subheading, wrap};

pub(crate) use load::Origin;
pub(crate) use validate::Known;

pub(crate) const MODULE_ID: &str = "module5";

/// Questions drawn for one attempt at a section's quiz.
pub(crate) const QUIZ_DRAW: usize = 3;
/// The fewest questions a quiz section may have, so a retake draws a different set.
pub(crate) const QUIZ_POOL_MIN: usize = 5;

pub(crate) use crate::i18n::Text;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    pub id: String,
    #[serde(flatten)]
    pub text: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionMeta {
    pub number: u32,
    pub slug: String,
    /// The Portuguese slug, accepted wherever a section is named.
    pub alias: String,
    pub file: String,
    pub title: Text,
    /// The tool offered at the end of the section.
    #[serde(default)]
    pub tool: Option<Tool>,
    /// Estimated minutes to work through the section (text, quiz, tasks,
    /// tool); the module's time is their sum.
    pub minutes: u32,
}

impl SectionMeta {
    /// The name a learner types for the section: the Portuguese alias in
    /// Portuguese, the slug in English (both work in either language).
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Pt => &self.alias,
            Lang::En => &self.slug,
        }
    }
}

/// The learner's tools the wizard offers in their sections.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Tool {
    Advise,
    Cost,
    Monitor,
    Troubleshoot,
}

impl Tool {
    pub fn name(self) -> &'static str {
        match self {
            Tool::Advise => "advise",
            Tool::Cost => "cost",
            Tool::Monitor => "monitor",
            Tool::Troubleshoot => "troubleshoot",
        }
    }
}

/// What ticks a checklist item.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "lowercase")]
pub enum EvidenceRule {
    /// The quiz of this section (slug) was passed.
    Quiz(String),
    /// These live checks all passed on the learner's real account.
    Checks(Vec<String>),
    /// The learner used this tool in the wizard.
    Tool(Tool),
    /// These hands-on tasks (tasks.toml) were all verified on the learner's
    /// real account by `verify`.
    Tasks(Vec<String>),
}

/// A hands-on task (tasks.toml): work done on the learner's own account,
/// verified there by its `rule`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Task {
    pub id: String,
    /// The section (slug) whose wizard step offers it.
    pub section: String,
    /// The checklist item it helps prove.
    pub proves: String,
    /// The verifier's evidence rule (`started`, `stopped`, `budget`,
    /// `idle-shutdown`, `nothing-billing`).
    pub rule: String,
    pub title: Text,
    pub steps: Steps,
    /// Shown once proven; may use {kind} {name} {instance} {at} {kept}.
    pub done: Text,
    /// Shown while it is not.
    pub missing: Text,
}

/// The placeholders a task's `done` line may use.
pub(crate) const TASK_PLACEHOLDERS: [&str; 5] = ["kind", "name", "instance", "at", "kept"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistItem {
    pub id: String,
    pub title: Text,
    pub evidence: Vec<EvidenceRule>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionText {
    pub prompt: String,
    pub options: Vec<String>,
    /// Shown after a first wrong answer, before the learner tries again.
    #[serde(default)]
    pub hint: Option<String>,
    pub explanation: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    pub section: String,
    pub objective: String,
    /// The right option, counted from 1 as a reader of quiz.toml counts.
    pub answer: usize,
    pub pt: QuestionText,
    pub en: QuestionText,
}

impl Question {
    pub fn text(&self, lang: Lang) -> &QuestionText {
        match lang {
            Lang::Pt => &self.pt,
            Lang::En => &self.en,
        }
    }

    /// Is `choice` (0-based, in quiz.toml's order, not as shown) the right option?
    pub fn is_correct(&self, choice: usize) -> bool {
        choice + 1 == self.answer
    }
}

/// The words of one check, in both languages.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckText {
    pub title: Text,
    pub why: Text,
    pub console: Text,
    pub steps: Steps,
    /// Summary lines by outcome (`pass`, `fail`, …), with `{placeholders}`.
    pub summary: BTreeMap<String, Text>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Steps {
    pub pt: Vec<String>,
    pub en: Vec<String>,
}

impl Steps {
    pub fn get(&self, lang: Lang) -> &[String] {
        match lang {
            Lang::Pt => &self.pt,
            Lang::En => &self.en,
        }
    }
}

/// A section with its text in both languages.
#[derive(Debug)]
pub struct Section {
    pub meta: SectionMeta,
    pub body: Text,
}

#[derive(Debug)]
pub struct Course {
    pub id: String,
    pub number: u32,
    pub duration_minutes: u32,
    /// Share of a section's questions that must be right to pass its quiz.
    pub pass_mark: f64,
    pub title: Text,
    pub objectives: Vec<Objective>,
    pub sections: Vec<Section>,
    pub questions: Vec<Question>,
    pub checklist: Vec<ChecklistItem>,
    /// The hands-on tasks, verified on the learner's account.
    pub tasks: Vec<Task>,
    pub instances: Instances,
    /// The words of the live account checks, by check id.
    pub checks: BTreeMap<String, CheckText>,
    origin: Origin,
}

impl Course {
    /// A section by number ("3"), English slug or Portuguese alias.
    pub fn section(&self, name: &str) -> Option<&Section> {
        let name = name.trim().to_lowercase();
        self.sections.iter().find(|s| {
            s.meta.slug == name || s.meta.alias == name || name.parse::<u32>().is_ok_and(|n| n == s.meta.number)
        })
    }

    pub fn task(&self, id: &str) -> Option<&Task> {
        self.tasks.iter().find(|t| t.id == id)
    }

    /// The tasks that prove checklist item `item`.
    pub fn tasks_proving<'a>(&'a self, item: &'a str) -> impl Iterator<Item = &'a Task> + 'a {
        self.tasks.iter().filter(move |t| t.proves == item)
    }

    /// The checklist items a hands-on task can prove on the account, in
    /// checklist order.
    pub fn verifiable_items(&self) -> Vec<&ChecklistItem> {
        self.checklist
            .iter()
            .filter(|i| i.evidence.iter().any(|r| matches!(r, EvidenceRule::Tasks(_))))
            .collect()
    }

    pub fn section_index(&self, slug: &str) -> Option<usize> {
        self.sections.iter().position(|s| s.meta.slug == slug)
    }

    pub fn section_questions<'a>(&'a self, slug: &'a str) -> impl Iterator<Item = &'a Question> + 'a {
        self.questions.iter().filter(move |q| q.section == slug)
    }

    /// Section names for an error message, in the learner's language.
    pub fn section_names(&self, lang: Lang) -> String {
        self.sections
            .iter()
            .map(|s| format!("{} ({})", s.meta.number, s.meta.name(lang)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The table of contents, for `lesson` without a section.
    pub fn table_of_contents(&self, lang: Lang, width: usize) -> String {
        let mut out = String::new();
        out.push_str(&heading(&format!(
            "{} {}: {}",
            tr(lang, "course.module"),
            self.number,
            self.title.get(lang)
        )));
        out.push('\n');
        out.push_str(&self.objectives_text(lang, width));
        out.push('\n');
        out.push_str(&subheading(tr(lang, "course.contents")));
        let name_width = self
            .sections
            .iter()
            .map(|s| s.meta.name(lang).chars().count())
            .max()
            .unwrap_or(0);
        for s in &self.sections {
            out.push_str(&format!(
                "  {:>2}. {:<name_width$}  {} ({})\n",
                s.meta.number,
                s.meta.name(lang),
                s.meta.title.get(lang),
                trf(lang, "course.minutes", &[("minutes", &s.meta.minutes)])
            ));
        }
        out.push('\n');
        out.push_str(&wrap(tr(lang, "course.lesson_hint"), width, "", ""));
        out
    }

    /// Estimated minutes from section `index` to the end of the module.
    pub fn minutes_from(&self, index: usize) -> u32 {
        self.sections.iter().skip(index).map(|s| s.meta.minutes).sum()
    }

    /// Objectives and estimated duration, shown before the first section.
    pub fn objectives_text(&self, lang: Lang, width: usize) -> String {
        let mut out = subheading(tr(lang, "course.objectives"));
        for o in &self.objectives {
            out.push_str(&wrap(o.text.get(lang), width, "  • ", "    "));
        }
        out.push('\n');
        out.push_str(&wrap(
            &trf(lang, "course.duration", &[("minutes", &self.duration_minutes)]),
            width,
            "",
            "",
        ));
        out
    }
}

#[cfg(test)]
pub(crate) mod tests;
