//! The course model: Module 5 as data (lessons/module5/), loaded from the copy
//! compiled into the binary or from a directory given with `--lessons`, and
//! validated before anything uses it.

pub mod render;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use serde::{Deserialize, Serialize};

use crate::checks::CheckText;
use crate::error::{Error, Result};
use crate::i18n::{Lang, tr, trf};

/// The lessons shipped inside the binary, so it runs anywhere on its own.
static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/lessons");

pub const MODULE_ID: &str = "module5";

/// Text in both course languages.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub pt: String,
    pub en: String,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Pt => &self.pt,
            Lang::En => &self.en,
        }
    }
}

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
    /// Live account checks offered at the end of the section.
    #[serde(default)]
    pub checks: Vec<String>,
    /// The tool offered at the end of the section.
    #[serde(default)]
    pub tool: Option<Tool>,
    /// Estimated minutes to work through the section (text, quiz, tasks).
    #[serde(default)]
    pub minutes: Option<u32>,
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

/// What ticks a checklist item. Only quiz evidence exists so far; live
/// account checks join as another kind.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "lowercase")]
pub enum EvidenceRule {
    /// The quiz of this section (slug) was passed.
    Quiz(String),
    /// These live checks all passed on the learner's real account.
    Checks(Vec<String>),
    /// The learner used this tool in the wizard.
    Tool(Tool),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistItem {
    pub id: String,
    pub title: Text,
    pub evidence: Vec<EvidenceRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModuleFile {
    id: String,
    number: u32,
    #[serde(default)]
    duration_minutes: Option<u32>,
    pass_mark: f64,
    title: Text,
    objective: Vec<Objective>,
    section: Vec<SectionMeta>,
    checklist: Vec<ChecklistItem>,
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

    /// Is `choice` (0-based, as a prompt returns it) the right option?
    pub fn is_correct(&self, choice: usize) -> bool {
        choice + 1 == self.answer
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuizFile {
    question: Vec<Question>,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    pub name: String,
    pub family: String,
    pub category: String,
    pub vcpu: u32,
    pub memory_gib: f64,
    pub gpus: u32,
    pub gpu_memory_gib: f64,
    /// Approximate on-demand USD per hour in the data's region; absent where
    /// no sourced figure exists (the module gives none for G4dn).
    #[serde(default)]
    pub price_per_hour_usd: Option<f64>,
    /// Where the figures come from when it is not the module's text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instances {
    /// The region the prices are for.
    pub region: String,
    pub categories: BTreeMap<String, Text>,
    pub instance: Vec<Instance>,
}

impl Instances {
    pub fn get(&self, name: &str) -> Option<&Instance> {
        self.instance.iter().find(|i| i.name == name)
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
    pub instances: Instances,
    /// The words of the live account checks, by check id.
    pub checks: BTreeMap<String, CheckText>,
    origin: Origin,
}

/// Where lessons are read from.
#[derive(Clone, Debug)]
pub enum Origin {
    Embedded,
    Dir(PathBuf),
}

impl Origin {
    fn describe(&self) -> String {
        match self {
            Origin::Embedded => "built-in lessons".to_string(),
            Origin::Dir(dir) => dir.display().to_string(),
        }
    }

    fn read(&self, rel: &str) -> std::result::Result<String, String> {
        match self {
            Origin::Embedded => EMBEDDED
                .get_file(rel)
                .and_then(|f| f.contents_utf8())
                .map(str::to_string)
                .ok_or_else(|| format!("{rel}: missing")),
            Origin::Dir(dir) => {
                std::fs::read_to_string(dir.join(rel)).map_err(|e| format!("{}: {e}", dir.join(rel).display()))
            }
        }
    }
}

impl Course {
    /// Loads and validates the module from `lessons_dir` (the directory that
    /// holds `module5/`), or from the built-in copy.
    pub fn load(lessons_dir: Option<&Path>, lang: Lang) -> Result<Course> {
        let origin = match lessons_dir {
            Some(dir) => Origin::Dir(dir.to_path_buf()),
            None => Origin::Embedded,
        };
        Course::load_from(&origin).map_err(|problems| Error::Content {
            header: trf(lang, "content.invalid", &[("origin", &origin.describe())]),
            problems,
        })
    }

    fn load_from(origin: &Origin) -> std::result::Result<Course, Vec<String>> {
        let parse = |rel: &str| -> std::result::Result<String, Vec<String>> { origin.read(rel).map_err(|e| vec![e]) };
        let module: ModuleFile =
            toml::from_str(&parse("module5/module.toml")?).map_err(|e| vec![format!("module5/module.toml: {e}")])?;
        let quiz: QuizFile =
            toml::from_str(&parse("module5/quiz.toml")?).map_err(|e| vec![format!("module5/quiz.toml: {e}")])?;
        let instances: Instances = toml::from_str(&parse("module5/instances.toml")?)
            .map_err(|e| vec![format!("module5/instances.toml: {e}")])?;
        let checks: BTreeMap<String, CheckText> =
            toml::from_str(&parse("module5/checks.toml")?).map_err(|e| vec![format!("module5/checks.toml: {e}")])?;

        let mut problems = Vec::new();
        let mut sections = Vec::new();
        for meta in module.section {
            let mut read = |lang: &str| {
                let rel = format!("module5/{lang}/{}", meta.file);
                origin.read(&rel).unwrap_or_else(|e| {
                    problems.push(e);
                    String::new()
                })
            };
            let body = Text {
                pt: read("pt"),
                en: read("en"),
            };
            sections.push(Section { meta, body });
        }
        let course = Course {
            id: module.id,
            number: module.number,
            duration_minutes: module.duration_minutes.unwrap_or_else(|| {
                // The module's time is the sum of its sections' estimates.
                let sum: u32 = sections.iter().filter_map(|s: &Section| s.meta.minutes).sum();
                sum
            }),
            pass_mark: module.pass_mark,
            title: module.title,
            objectives: module.objective,
            sections,
            questions: quiz.question,
            checklist: module.checklist,
            instances,
            checks,
            origin: origin.clone(),
        };
        problems.extend(course.validate());
        if problems.is_empty() { Ok(course) } else { Err(problems) }
    }

    /// Every problem with the content, so an instructor editing it sees them all at once.
    fn validate(&self) -> Vec<String> {
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
            for lang in [Lang::Pt, Lang::En] {
                let body = section.body.get(lang);
                if body.trim().is_empty() {
                    problems.push(format!("module5/{}/{}: empty", lang.code(), meta.file));
                }
                for problem in render::check_directives(body, self) {
                    problems.push(format!("module5/{}/{}: {problem}", lang.code(), meta.file));
                }
            }
        }
        for section in &self.sections {
            for id in section
                .meta
                .checks
                .iter()
                .filter(|id| !crate::checks::IDS.contains(&id.as_str()))
            {
                problems.push(format!(
                    "module.toml: section {:?} offers unknown check {id:?}",
                    section.meta.slug
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
                        for id in ids.iter().filter(|id| !crate::checks::IDS.contains(&id.as_str())) {
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
        for id in crate::checks::IDS {
            let Some(text) = self.checks.get(id) else {
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
            if !crate::checks::IDS.contains(&id.as_str()) {
                problems.push(format!("checks.toml: unknown check {id:?}"));
            }
        }
        // The advisor's matrix ends in these families: each needs an instance.
        for family in crate::catalog::advisor::FAMILIES {
            if !self.instances.instance.iter().any(|i| i.family == family) {
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
        problems
    }

    /// The practice accounts shipped under `module5/sandbox/`, by name.
    pub fn sandbox_names(&self) -> Vec<String> {
        let mut names: Vec<String> = match &self.origin {
            Origin::Embedded => EMBEDDED
                .get_dir("module5/sandbox")
                .map(|d| {
                    d.files()
                        .filter_map(|f| f.path().file_stem())
                        .map(|s| s.to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default(),
            Origin::Dir(dir) => std::fs::read_dir(dir.join("module5/sandbox"))
                .map(|entries| {
                    entries
                        .filter_map(|e| e.ok())
                        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
                        .filter_map(|e| e.path().file_stem().map(|s| s.to_string_lossy().into_owned()))
                        .collect()
                })
                .unwrap_or_default(),
        };
        names.sort();
        names
    }

    /// A practice account's snapshot. Sandbox results are marked as such and
    /// never tick the real checklist.
    pub fn sandbox(&self, name: &str, lang: Lang) -> Result<crate::snapshot::Snapshot> {
        let unknown = || {
            Error::Usage(trf(
                lang,
                "sandbox.unknown",
                &[("name", &name), ("names", &self.sandbox_names().join(", "))],
            ))
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(unknown());
        }
        let text = self
            .origin
            .read(&format!("module5/sandbox/{name}.json"))
            .map_err(|_| unknown())?;
        let mut snapshot: crate::snapshot::Snapshot = serde_json::from_str(&text).map_err(|e| Error::Content {
            header: trf(lang, "content.invalid", &[("origin", &self.origin.describe())]),
            problems: vec![format!("module5/sandbox/{name}.json: {e}")],
        })?;
        snapshot.source = crate::snapshot::Source::Sandbox;
        Ok(snapshot)
    }

    /// A section by number ("3"), English slug or Portuguese alias.
    pub fn section(&self, name: &str) -> Option<&Section> {
        let name = name.trim().to_lowercase();
        self.sections.iter().find(|s| {
            s.meta.slug == name || s.meta.alias == name || name.parse::<u32>().is_ok_and(|n| n == s.meta.number)
        })
    }

    pub fn section_index(&self, slug: &str) -> Option<usize> {
        self.sections.iter().position(|s| s.meta.slug == slug)
    }

    pub fn section_questions<'a>(&'a self, slug: &'a str) -> impl Iterator<Item = &'a Question> + 'a {
        self.questions.iter().filter(move |q| q.section == slug)
    }

    /// Section names for an error message.
    pub fn section_names(&self) -> String {
        self.sections
            .iter()
            .map(|s| format!("{} ({})", s.meta.number, s.meta.slug))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The table of contents, for `lesson` without a section.
    pub fn table_of_contents(&self, lang: Lang, width: usize) -> String {
        let mut out = String::new();
        out.push_str(&render::heading(&format!(
            "{} {}: {}",
            tr(lang, "course.module"),
            self.number,
            self.title.get(lang)
        )));
        out.push('\n');
        out.push_str(&self.objectives_text(lang));
        out.push('\n');
        out.push_str(&render::subheading(tr(lang, "course.contents")));
        for s in &self.sections {
            out.push_str(&format!(
                "  {:>2}. {:<18} {}\n",
                s.meta.number,
                s.meta.slug,
                s.meta.title.get(lang)
            ));
        }
        out.push('\n');
        out.push_str(&render::wrap(tr(lang, "course.lesson_hint"), width, "", ""));
        out
    }

    /// Objectives and estimated duration, shown before the first section.
    pub fn objectives_text(&self, lang: Lang) -> String {
        let mut out = render::subheading(tr(lang, "course.objectives"));
        for o in &self.objectives {
            out.push_str(&format!("  • {}\n", o.text.get(lang)));
        }
        out.push('\n');
        out.push_str(&trf(lang, "course.duration", &[("minutes", &self.duration_minutes)]));
        out.push('\n');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn course() -> Course {
        Course::load(None, Lang::En).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn embedded_content_is_valid() {
        let course = course();
        assert_eq!(course.sections.len(), 10, "the seed has sections 1 to 10");
        assert_eq!(course.objectives.len(), 6, "the seed lists six learning objectives");
        let ids: Vec<&str> = course.checklist.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "families",
                "selection",
                "costs",
                "start-notebook",
                "stop-instances",
                "monitoring",
                "cost-optimization"
            ]
        );
    }

    /// The embedded copy and lessons/ on disk are the same files, so
    /// `--lessons lessons` and the built-in course agree.
    #[test]
    fn embedded_files_match_the_lessons_directory() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
        fn walk(dir: &Dir<'_>, out: &mut Vec<(PathBuf, Vec<u8>)>) {
            for f in dir.files() {
                out.push((f.path().to_path_buf(), f.contents().to_vec()));
            }
            for d in dir.dirs() {
                walk(d, out);
            }
        }
        let mut files = Vec::new();
        walk(&EMBEDDED, &mut files);
        assert!(files.len() > 20);
        for (path, bytes) in files {
            assert_eq!(
                std::fs::read(dir.join(&path)).unwrap(),
                bytes,
                "{} differs",
                path.display()
            );
        }
        let from_disk = Course::load(Some(&dir), Lang::En).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(from_disk.questions.len(), course().questions.len());
    }

    #[test]
    fn every_sandbox_scenario_parses_and_is_marked_as_sandbox() {
        let course = course();
        let names = course.sandbox_names();
        assert_eq!(names, ["clean", "neglected", "restricted"]);
        for name in names {
            let snapshot = course
                .sandbox(&name, Lang::En)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(snapshot.source, crate::snapshot::Source::Sandbox);
        }
        assert!(matches!(course.sandbox("../module", Lang::En), Err(Error::Usage(_))));
        assert!(matches!(course.sandbox("nope", Lang::En), Err(Error::Usage(_))));
    }

    #[test]
    fn sections_are_found_by_number_slug_or_portuguese_alias() {
        let course = course();
        assert_eq!(course.section("3").unwrap().meta.slug, "selection");
        assert_eq!(course.section("billing").unwrap().meta.number, 4);
        assert_eq!(course.section("otimizacao").unwrap().meta.slug, "optimization");
        assert_eq!(course.section(" Families ").unwrap().meta.number, 2);
        assert!(course.section("11").is_none());
        assert!(course.section("0").is_none());
    }

    #[test]
    fn every_section_with_a_checklist_item_has_several_questions_per_objective() {
        let course = course();
        for objective in &course.objectives {
            let n = course.questions.iter().filter(|q| q.objective == objective.id).count();
            assert!(n >= 2, "{}: {n}", objective.id);
        }
        for slug in [
            "concepts",
            "families",
            "selection",
            "billing",
            "start-stop",
            "monitoring",
            "optimization",
            "troubleshooting",
        ] {
            assert!(course.section_questions(slug).count() >= 2, "{slug} needs a quiz");
        }
    }

    #[test]
    fn instance_data_parses_and_carries_the_seed_tables() {
        let course = course();
        let instances = &course.instances;
        assert_eq!(instances.region, "eu-central-1");
        // A few rows of the seed's tables, each a different family.
        let m5 = instances.get("ml.m5.xlarge").unwrap();
        assert_eq!((m5.vcpu, m5.memory_gib, m5.price_per_hour_usd), (4, 16.0, Some(0.23)));
        let p3 = instances.get("ml.p3.8xlarge").unwrap();
        assert_eq!(
            (
                p3.vcpu,
                p3.memory_gib,
                p3.gpus,
                p3.gpu_memory_gib,
                p3.price_per_hour_usd
            ),
            (32, 244.0, 4, 64.0, Some(15.28))
        );
        let r5 = instances.get("ml.r5.4xlarge").unwrap();
        assert_eq!((r5.vcpu, r5.memory_gib, r5.price_per_hour_usd), (16, 128.0, Some(1.20)));
        let seed_rows = instances
            .instance
            .iter()
            .filter(|i| ["t3", "m5", "c5", "r5", "p3"].contains(&i.family.as_str()));
        assert_eq!(
            seed_rows.count(),
            4 + 5 + 4 + 4 + 3,
            "every row of the seed's five tables"
        );
    }

    fn bad_copy(edit: impl FnOnce(&Path)) -> Vec<String> {
        let tmp = tempfile::tempdir().unwrap();
        copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons"), tmp.path());
        edit(tmp.path());
        match Course::load(Some(tmp.path()), Lang::En) {
            Ok(_) => panic!("the edited copy should not validate"),
            Err(Error::Content { problems, .. }) => problems,
            Err(e) => panic!("unexpected error {e}"),
        }
    }

    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.path().is_dir() {
                copy_dir(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }

    fn replace_in(path: &Path, from: &str, to: &str) {
        let text = std::fs::read_to_string(path).unwrap();
        assert!(text.contains(from), "{from:?} not in {}", path.display());
        std::fs::write(path, text.replacen(from, to, 1)).unwrap();
    }

    #[test]
    fn validation_reports_a_missing_translation() {
        let problems = bad_copy(|dir| std::fs::remove_file(dir.join("module5/en/04-billing.md")).unwrap());
        assert!(problems.iter().any(|p| p.contains("04-billing.md")), "{problems:?}");
    }

    #[test]
    fn validation_reports_an_answer_out_of_range_and_duplicate_options() {
        let problems = bad_copy(|dir| {
            let quiz = dir.join("module5/quiz.toml");
            let text = std::fs::read_to_string(&quiz).unwrap();
            let first_answer = text.find("\nanswer = ").unwrap();
            let line_end = first_answer + 1 + text[first_answer + 1..].find('\n').unwrap();
            std::fs::write(
                &quiz,
                format!("{}\nanswer = 9{}", &text[..first_answer], &text[line_end..]),
            )
            .unwrap();
        });
        assert!(
            problems.iter().any(|p| p.contains("answer 9 is not one of")),
            "{problems:?}"
        );
    }

    #[test]
    fn validation_reports_checklist_evidence_that_does_not_exist() {
        let problems = bad_copy(|dir| {
            replace_in(
                &dir.join("module5/module.toml"),
                "quiz = \"families\"",
                "quiz = \"no-such-section\"",
            )
        });
        assert!(problems.iter().any(|p| p.contains("no-such-section")), "{problems:?}");
    }

    #[test]
    fn validation_reports_unparsable_instance_data() {
        let problems = bad_copy(|dir| replace_in(&dir.join("module5/instances.toml"), "vcpu = 2", "vcpu = \"two\""));
        assert!(
            problems.iter().any(|p| p.starts_with("module5/instances.toml")),
            "{problems:?}"
        );
    }

    #[test]
    fn validation_reports_a_family_the_advisor_needs() {
        let problems = bad_copy(|dir| {
            let path = dir.join("module5/instances.toml");
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(
                &path,
                text.replace("family = \"c5\"", "family = \"c6\"")
                    .replace("ml.c5.", "ml.c6."),
            )
            .unwrap();
        });
        assert!(
            problems.iter().any(|p| p.contains("advisor needs at least one c5")),
            "{problems:?}"
        );
    }

    #[test]
    fn validation_reports_an_unknown_directive_in_a_lesson() {
        let problems = bad_copy(|dir| {
            let file = dir.join("module5/pt/02-families.md");
            let text = std::fs::read_to_string(&file).unwrap();
            std::fs::write(&file, format!("{text}\n@instances z9\n")).unwrap();
        });
        assert!(
            problems
                .iter()
                .any(|p| p.contains("pt/02-families.md") && p.contains("z9")),
            "{problems:?}"
        );
    }
}
