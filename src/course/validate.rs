//! Content validation: every problem with the course data, so an instructor
//! editing it sees them all at once. What the content refers to in the code
//! (check ids, the advisor's families) is handed in, not imported.

use std::collections::BTreeSet;

use super::{Course, EvidenceRule, MODULE_ID, TASK_PLACEHOLDERS, markdown};
use crate::i18n::Lang;

/// What the code knows that the content may refer to.
pub struct Known {
    /// Check ids, each with the section whose wizard step runs it.
    pub checks: Vec<(&'static str, Option<&'static str>)>,
    /// Families the advisor's matrix can end in: each needs an instance.
    pub advisor_families: &'static [&'static str],
    /// The evidence rules `verify` knows, for tasks.toml's `rule`.
    pub task_rules: &'static [&'static str],
}

impl Known {
    fn is_check(&self, id: &str) -> bool {
        self.checks.iter().any(|(c, _)| *c == id)
    }
}

impl Course {
    /// tasks.toml: unique ids, a known section, checklist item and rule, every
    /// text in both languages, steps of the same length without braces, and
    /// `done` using only the placeholders the verifier fills.
    fn validate_tasks(&self, known: &Known) -> Vec<String> {
        let mut problems = Vec::new();
        let mut ids = BTreeSet::new();
        for task in &self.tasks {
            let at = format!("tasks.toml: task {:?}", task.id);
            if !ids.insert(task.id.as_str()) {
                problems.push(format!("{at}: id used twice"));
            }
            if self.section(&task.section).is_none() {
                problems.push(format!("{at}: unknown section {:?}", task.section));
            }
            match self.checklist.iter().find(|i| i.id == task.proves) {
                None => problems.push(format!("{at}: proves unknown checklist item {:?}", task.proves)),
                Some(item)
                    if !item
                        .evidence
                        .iter()
                        .any(|r| matches!(r, EvidenceRule::Tasks(t) if t.contains(&task.id))) =>
                {
                    problems.push(format!(
                        "{at}: checklist item {:?} does not list it in its evidence",
                        task.proves
                    ));
                }
                Some(_) => {}
            }
            if !known.task_rules.contains(&task.rule.as_str()) {
                problems.push(format!(
                    "{at}: unknown rule {:?} (known: {})",
                    task.rule,
                    known.task_rules.join(", ")
                ));
            }
            for (lang, text) in [("pt", &task.title.pt), ("en", &task.title.en)]
                .into_iter()
                .chain([("pt", &task.done.pt), ("en", &task.done.en)])
                .chain([("pt", &task.missing.pt), ("en", &task.missing.en)])
            {
                if text.trim().is_empty() {
                    problems.push(format!("{at}: an empty {lang} text"));
                }
            }
            if task.steps.pt.is_empty() || task.steps.pt.len() != task.steps.en.len() {
                problems.push(format!(
                    "{at}: steps need the same number in both languages (pt {}, en {})",
                    task.steps.pt.len(),
                    task.steps.en.len()
                ));
            }
            for step in task.steps.pt.iter().chain(&task.steps.en) {
                if step.trim().is_empty() || step.contains(['{', '}']) {
                    problems.push(format!("{at}: a step is empty or has braces: {step:?}"));
                }
            }
            for text in [&task.done.pt, &task.done.en] {
                for name in placeholders(text) {
                    if !TASK_PLACEHOLDERS.contains(&name) {
                        problems.push(format!("{at}: done uses unknown placeholder {{{name}}}"));
                    }
                }
            }
        }
        problems
    }

    /// Every problem with the content, so an instructor editing it sees them all at once.
    pub(super) fn validate(&self, known: &Known) -> Vec<String> {
        let mut problems = self.validate_module(known);
        problems.extend(self.validate_quiz());
        problems.extend(self.validate_tasks(known));
        problems.extend(self.validate_checklist(known));
        problems.extend(self.validate_checks(known));
        problems.extend(self.validate_instances(known));
        problems
    }

    /// module.toml and the lessons: the id, the pass mark, sections numbered in order
    /// with unique names, each lesson non-empty in both languages and line for
    /// line parallel, its directives valid, and every check's section present.
    fn validate_module(&self, known: &Known) -> Vec<String> {
        let mut problems = Vec::new();
        if self.id != MODULE_ID {
            problems.push(format!("module.toml: id must be {MODULE_ID:?}, found {:?}", self.id));
        }
        if !(0.0..=1.0).contains(&self.pass_mark) {
            problems.push(format!(
                "module.toml: pass_mark {} must be between 0 and 1",
                self.pass_mark
            ));
        }
        for (index, section) in self.sections.iter().enumerate() {
            let meta = &section.meta;
            if meta.number as usize != index + 1 {
                problems.push(format!(
                    "module.toml: section {:?} has number {}, expected {}",
                    meta.slug,
                    meta.number,
                    index + 1
                ));
            }
            // The translations stay line for line parallel, so a reviewer
            // compares the same line in both files.
            let (pt_lines, en_lines) = (section.body.pt.lines().count(), section.body.en.lines().count());
            if pt_lines != en_lines {
                problems.push(format!(
                    "module5/{{pt,en}}/{}: pt has {pt_lines} lines, en {en_lines}; keep them line for line parallel",
                    meta.file
                ));
            }
            for lang in [Lang::Pt, Lang::En] {
                let body = section.body.get(lang);
                if body.trim().is_empty() {
                    problems.push(format!("module5/{}/{}: empty", lang.code(), meta.file));
                }
                for problem in markdown::check_directives(body, self) {
                    problems.push(format!("module5/{}/{}: {problem}", lang.code(), meta.file));
                }
            }
        }
        // The wizard runs each check in its section, which must exist.
        for (id, section) in &known.checks {
            if let Some(slug) = section
                && self.section_index(slug).is_none()
            {
                problems.push(format!(
                    "module.toml: check {id:?} is offered in section {slug:?}, which the course does not have"
                ));
            }
        }
        let mut names = BTreeSet::new();
        for section in &self.sections {
            for name in [&section.meta.slug, &section.meta.alias] {
                if !names.insert(name.clone()) {
                    problems.push(format!("module.toml: section name {name:?} is used twice"));
                }
            }
        }
        problems
    }

    /// quiz.toml: unique ids in known sections and objectives, one right answer
    /// among distinct options in both languages, hints, enough questions per
    /// quiz for a retake and per objective.
    fn validate_quiz(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let objective_ids: BTreeSet<&str> = self.objectives.iter().map(|o| o.id.as_str()).collect();
        let mut ids = BTreeSet::new();
        for q in &self.questions {
            let at = format!("quiz.toml: question {:?}", q.id);
            if !ids.insert(q.id.as_str()) {
                problems.push(format!("{at}: id used twice"));
            }
            if self.section(&q.section).is_none() {
                problems.push(format!("{at}: unknown section {:?}", q.section));
            }
            if !objective_ids.contains(q.objective.as_str()) {
                problems.push(format!("{at}: unknown objective {:?}", q.objective));
            }
            if q.pt.options.len() != q.en.options.len() {
                problems.push(format!(
                    "{at}: pt has {} options, en has {}",
                    q.pt.options.len(),
                    q.en.options.len()
                ));
            }
            for (lang, text) in [("pt", &q.pt), ("en", &q.en)] {
                if text.options.len() < 2 {
                    problems.push(format!("{at}: {lang} needs at least two options"));
                }
                // Exactly one right answer: `answer` names one option, and no
                // other option may say the same thing.
                if q.answer == 0 || q.answer > text.options.len() {
                    problems.push(format!(
                        "{at}: answer {} is not one of the {} {lang} options",
                        q.answer,
                        text.options.len()
                    ));
                }
                let distinct: BTreeSet<String> = text.options.iter().map(|o| o.trim().to_lowercase()).collect();
                if distinct.len() != text.options.len() {
                    problems.push(format!("{at}: {lang} has two options with the same text"));
                }
                if text.prompt.trim().is_empty() || text.explanation.trim().is_empty() {
                    problems.push(format!("{at}: {lang} prompt and explanation must not be empty"));
                }
                if text.hint.as_deref().is_none_or(|h| h.trim().is_empty()) {
                    problems.push(format!("{at}: {lang} needs a hint (shown after a first wrong answer)"));
                }
            }
        }
        // Enough questions per quiz for a retake to draw a different set.
        for section in &self.sections {
            let count = self.section_questions(&section.meta.slug).count();
            if count > 0 && count < super::QUIZ_POOL_MIN {
                problems.push(format!(
                    "quiz.toml: section {:?} has {count} questions, a quiz needs at least {}",
                    section.meta.slug,
                    super::QUIZ_POOL_MIN
                ));
            }
        }
        for objective in &self.objectives {
            let count = self.questions.iter().filter(|q| q.objective == objective.id).count();
            if count < 2 {
                problems.push(format!(
                    "quiz.toml: objective {:?} has {count} questions, needs at least 2",
                    objective.id
                ));
            }
        }
        problems
    }

    /// module.toml's checklist: unique ids, each with evidence that exists (a
    /// quiz with questions, tasks proving it, a tool some section offers, known checks).
    fn validate_checklist(&self, known: &Known) -> Vec<String> {
        let mut problems = Vec::new();
        let mut item_ids = BTreeSet::new();
        for item in &self.checklist {
            if !item_ids.insert(item.id.as_str()) {
                problems.push(format!("module.toml: checklist id {:?} used twice", item.id));
            }
            if item.evidence.is_empty() {
                problems.push(format!("module.toml: checklist item {:?} has no evidence", item.id));
            }
            for rule in &item.evidence {
                match rule {
                    EvidenceRule::Quiz(slug) => {
                        if self.section(slug).is_none() || self.section_questions(slug).next().is_none() {
                            problems.push(format!(
                                "module.toml: checklist item {:?} needs the quiz of section {slug:?}, which has no questions",
                                item.id
                            ));
                        }
                    }
                    EvidenceRule::Tasks(ids) => {
                        for id in ids {
                            match self.task(id) {
                                None => problems.push(format!(
                                    "module.toml: checklist item {:?} names unknown task {id:?}",
                                    item.id
                                )),
                                Some(task) if task.proves != item.id => problems.push(format!(
                                    "module.toml: checklist item {:?} names task {id:?}, which proves {:?}",
                                    item.id, task.proves
                                )),
                                Some(_) => {}
                            }
                        }
                    }
                    EvidenceRule::Tool(tool) => {
                        if !self.sections.iter().any(|s| s.meta.tool == Some(*tool)) {
                            problems.push(format!(
                                "module.toml: checklist item {:?} needs tool {:?}, which no section offers",
                                item.id,
                                tool.name()
                            ));
                        }
                    }
                    EvidenceRule::Checks(ids) => {
                        for id in ids.iter().filter(|id| !known.is_check(id)) {
                            problems.push(format!(
                                "module.toml: checklist item {:?} names unknown check {id:?}",
                                item.id
                            ));
                        }
                        if ids.is_empty() {
                            problems.push(format!(
                                "module.toml: checklist item {:?} has an empty checks list",
                                item.id
                            ));
                        }
                    }
                }
            }
        }
        problems
    }

    /// checks.toml: a text for every check and none for an unknown one, every
    /// field in both languages with the same placeholders and steps.
    fn validate_checks(&self, known: &Known) -> Vec<String> {
        let mut problems = Vec::new();
        for (id, _) in &known.checks {
            let Some(text) = self.checks.get(*id) else {
                problems.push(format!("checks.toml: no text for check {id:?}"));
                continue;
            };
            if text.steps.pt.len() != text.steps.en.len() {
                problems.push(format!(
                    "checks.toml: {id}: pt has {} steps, en {}",
                    text.steps.pt.len(),
                    text.steps.en.len()
                ));
            }
            let mut pairs: Vec<(String, &str, &str)> = vec![
                ("title".into(), &text.title.pt, &text.title.en),
                ("why".into(), &text.why.pt, &text.why.en),
                ("console".into(), &text.console.pt, &text.console.en),
            ];
            pairs.extend(
                text.steps
                    .pt
                    .iter()
                    .zip(&text.steps.en)
                    .enumerate()
                    .map(|(i, (pt, en))| (format!("steps[{i}]"), pt.as_str(), en.as_str())),
            );
            pairs.extend(
                text.summary
                    .iter()
                    .map(|(key, t)| (format!("summary.{key}"), t.pt.as_str(), t.en.as_str())),
            );
            for (field, pt, en) in pairs {
                if pt.trim().is_empty() || en.trim().is_empty() {
                    problems.push(format!("checks.toml: {id}.{field} is empty in a language"));
                }
                if crate::i18n::placeholders(pt) != crate::i18n::placeholders(en) {
                    problems.push(format!(
                        "checks.toml: {id}.{field}: placeholders differ between pt and en"
                    ));
                }
            }
        }
        for id in self.checks.keys() {
            if !known.is_check(id) {
                problems.push(format!("checks.toml: unknown check {id:?}"));
            }
        }
        problems
    }

    /// instances.toml and prices.toml: what the advisor needs, well-formed and
    /// unique instances, and the published prices' own problems.
    fn validate_instances(&self, known: &Known) -> Vec<String> {
        let mut problems = Vec::new();
        // The advisor's matrix ends in these families: each needs an instance.
        for family in known.advisor_families {
            if !self.instances.instance.iter().any(|i| i.family == *family) {
                problems.push(format!(
                    "instances.toml: the advisor needs at least one {family} instance"
                ));
            }
        }
        let mut instance_names = BTreeSet::new();
        for instance in &self.instances.instance {
            let at = format!("instances.toml: {:?}", instance.name);
            if !instance_names.insert(instance.name.as_str()) {
                problems.push(format!("{at}: listed twice"));
            }
            if !instance.name.starts_with("ml.") || !instance.name.contains(&format!(".{}.", instance.family)) {
                problems.push(format!("{at}: name must be ml.{}.<size>", instance.family));
            }
            if !self.instances.categories.contains_key(&instance.category) {
                problems.push(format!("{at}: unknown category {:?}", instance.category));
            }
            if instance.vcpu == 0 || instance.memory_gib <= 0.0 || instance.price_per_hour_usd.is_some_and(|p| p <= 0.0)
            {
                problems.push(format!("{at}: vcpu, memory and price must be positive"));
            }
            if (instance.gpus == 0) != (instance.gpu_memory_gib == 0.0) {
                problems.push(format!(
                    "{at}: gpus and gpu_memory_gib must both be zero or both positive"
                ));
            }
        }
        problems.extend(
            self.instances
                .published
                .problems(&self.instances)
                .into_iter()
                .map(|p| format!("prices.toml: {p}")),
        );
        problems
    }
}

/// The `{name}` placeholders of a text.
fn placeholders(text: &str) -> Vec<&str> {
    text.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}
