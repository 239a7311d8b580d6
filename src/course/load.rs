//! Reading the course: from the copy compiled into the binary, or from a
//! directory (`--lessons`); every file parsed, then validated as a whole.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use serde::Deserialize;

use super::{CheckText, ChecklistItem, Course, Known, Objective, Question, Section, SectionMeta, Task, Text};
use crate::catalog::Instances;
use crate::error::{Error, Result};
use crate::i18n::{Lang, trf};

/// The lessons shipped inside the binary, so it runs anywhere on its own.
pub(super) static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/lessons");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModuleFile {
    id: String,
    number: u32,
    pass_mark: f64,
    title: Text,
    objective: Vec<Objective>,
    section: Vec<SectionMeta>,
    checklist: Vec<ChecklistItem>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuizFile {
    question: Vec<Question>,
}

/// Where lessons are read from.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TasksFile {
    task: Vec<Task>,
}

#[derive(Clone, Debug)]
pub(crate) enum Origin {
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

    fn exists(&self, rel: &str) -> bool {
        match self {
            Origin::Embedded => EMBEDDED.get_file(rel).is_some(),
            Origin::Dir(dir) => dir.join(rel).exists(),
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
    pub fn load(lessons_dir: Option<&Path>, lang: Lang, known: &Known) -> Result<Course> {
        let origin = match lessons_dir {
            Some(dir) => Origin::Dir(dir.to_path_buf()),
            None => Origin::Embedded,
        };
        Course::load_from(&origin, known).map_err(|problems| Error::Content {
            header: trf(lang, "content.invalid", &[("origin", &origin.describe())]),
            problems,
        })
    }

    fn load_from(origin: &Origin, known: &Known) -> std::result::Result<Course, Vec<String>> {
        let parse = |rel: &str| -> std::result::Result<String, Vec<String>> { origin.read(rel).map_err(|e| vec![e]) };
        let module: ModuleFile =
            toml::from_str(&parse("module5/module.toml")?).map_err(|e| vec![format!("module5/module.toml: {e}")])?;
        let quiz: QuizFile =
            toml::from_str(&parse("module5/quiz.toml")?).map_err(|e| vec![format!("module5/quiz.toml: {e}")])?;
        let tasks: TasksFile =
            toml::from_str(&parse("module5/tasks.toml")?).map_err(|e| vec![format!("module5/tasks.toml: {e}")])?;
        let mut instances: Instances = toml::from_str(&parse("module5/instances.toml")?)
            .map_err(|e| vec![format!("module5/instances.toml: {e}")])?;
        // Optional, so a lessons copy made before it existed still loads
        // (without published prices).
        if origin.exists("module5/prices.toml") {
            instances.published = toml::from_str(&parse("module5/prices.toml")?)
                .map_err(|e| vec![format!("module5/prices.toml: {e}")])?;
        }
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
            // The module's time is the sum of its sections' estimates.
            duration_minutes: sections.iter().map(|s| s.meta.minutes).sum(),
            pass_mark: module.pass_mark,
            title: module.title,
            objectives: module.objective,
            sections,
            questions: quiz.question,
            checklist: module.checklist,
            tasks: tasks.task,
            instances,
            checks,
            origin: origin.clone(),
        };
        problems.extend(course.validate(known));
        if problems.is_empty() { Ok(course) } else { Err(problems) }
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
}
