//! The learner's progress: one versioned JSON file, written atomically after
//! every answer, and never fatal when it is damaged.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::checks::{CheckResult, Status};
use crate::course::{Course, EvidenceRule};
use crate::error::{Error, Result};
use crate::i18n::{Lang, trf};

pub const FORMAT_VERSION: u32 = 1;
const FILE_NAME: &str = "progress.json";

/// Now, as RFC 3339 in UTC to the second.
pub fn now() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

#[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProgressFile {
    pub version: u32,
    #[serde(default)]
    pub modules: BTreeMap<String, ModuleProgress>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ModuleProgress {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// The section the learner is in (slug); resuming starts there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_section: Option<String>,
    /// Sections read to the end (slug → when).
    #[serde(default)]
    pub sections_done: BTreeMap<String, String>,
    /// The latest answer to each question (question id → answer).
    #[serde(default)]
    pub answers: BTreeMap<String, Answer>,
    /// Ticked checklist items (item id → tick). A tick stays once earned.
    #[serde(default)]
    pub checklist: BTreeMap<String, Tick>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<String>,
    /// The latest live checks of the learner's real account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_check: Option<LastCheck>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LastCheck {
    pub account: String,
    pub region: String,
    pub at: String,
    pub results: Vec<CheckStatus>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CheckStatus {
    pub id: String,
    pub status: Status,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// The option chosen, counted from 1 like `answer` in quiz.toml.
    pub choice: usize,
    pub correct: bool,
    pub attempts: u32,
    pub at: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Evidence {
    /// A section's quiz passed with `correct` of `total` right.
    Quiz {
        section: String,
        correct: usize,
        total: usize,
    },
    /// A tool used in the wizard (the advisor, the calculator, the monitor).
    Tool { tool: crate::course::Tool },
    /// Live checks that all passed on this account and region.
    Live {
        checks: Vec<String>,
        account: String,
        region: String,
    },
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Tick {
    pub evidence: Evidence,
    pub at: String,
}

impl ModuleProgress {
    /// Keeps the latest status of each check run on the real account; a
    /// run on another account or region starts the record afresh.
    pub fn record_check(&mut self, results: &[CheckResult], account: &str, region: &str) {
        let at = now();
        let mut kept = match self.last_check.take() {
            Some(last) if last.account == account && last.region == region => last.results,
            _ => Vec::new(),
        };
        for r in results {
            kept.retain(|c| c.id != r.id);
            kept.push(CheckStatus {
                id: r.id.to_string(),
                status: r.status,
            });
        }
        kept.sort_by_key(|c| crate::checks::IDS.iter().position(|id| *id == c.id));
        self.last_check = Some(LastCheck {
            account: account.to_string(),
            region: region.to_string(),
            at,
            results: kept,
        });
    }

    pub fn is_empty(&self) -> bool {
        *self == ModuleProgress::default()
    }

    /// Records an answer (0-based `choice`, as prompts return it).
    pub fn record_answer(&mut self, course: &Course, question_id: &str, choice: usize) -> bool {
        let question = course
            .questions
            .iter()
            .find(|q| q.id == question_id)
            .expect("question from the course");
        let correct = question.is_correct(choice);
        let at = now();
        let attempts = self.answers.get(question_id).map_or(0, |a| a.attempts) + 1;
        self.answers.insert(
            question_id.to_string(),
            Answer {
                choice: choice + 1,
                correct,
                attempts,
                at: at.clone(),
            },
        );
        self.started_at.get_or_insert_with(|| at.clone());
        self.updated_at = Some(at);
        correct
    }

    /// Right answers and questions in a section's quiz.
    pub fn quiz_score(&self, course: &Course, section: &str) -> (usize, usize) {
        let questions: Vec<_> = course.section_questions(section).collect();
        let correct = questions
            .iter()
            .filter(|q| self.answers.get(&q.id).is_some_and(|a| a.correct))
            .count();
        (correct, questions.len())
    }

    pub fn quiz_passed(&self, course: &Course, section: &str) -> bool {
        let (correct, total) = self.quiz_score(course, section);
        total > 0 && correct as f64 >= course.pass_mark * total as f64
    }

    /// Ticks every checklist item whose evidence now holds; returns the ids
    /// newly ticked. Earlier ticks are kept even if a later retake scores lower.
    pub fn tick_from_quizzes(&mut self, course: &Course) -> Vec<String> {
        let mut ticked = Vec::new();
        for item in &course.checklist {
            if self.checklist.contains_key(&item.id) {
                continue;
            }
            for rule in &item.evidence {
                let EvidenceRule::Quiz(section) = rule else { continue };
                if self.quiz_passed(course, section) {
                    let (correct, total) = self.quiz_score(course, section);
                    let evidence = Evidence::Quiz {
                        section: section.clone(),
                        correct,
                        total,
                    };
                    self.checklist.insert(item.id.clone(), Tick { evidence, at: now() });
                    ticked.push(item.id.clone());
                    break;
                }
            }
        }
        ticked
    }

    /// Applies live check results from the learner's real account: an item
    /// whose checks all passed is ticked with that evidence (replacing older
    /// evidence); an item ticked by an earlier live run whose checks no
    /// longer pass loses that tick, falling back to its quiz evidence.
    /// Items whose checks were not all run are left alone.
    pub fn apply_live(&mut self, course: &Course, results: &[CheckResult], account: &str, region: &str) -> LiveTicks {
        let mut outcome = LiveTicks::default();
        let status = |id: &str| results.iter().find(|r| r.id == id).map(|r| r.status);
        for item in &course.checklist {
            for rule in &item.evidence {
                let EvidenceRule::Checks(ids) = rule else { continue };
                if ids.iter().any(|id| status(id).is_none()) {
                    continue;
                }
                let was_ticked = self.checklist.contains_key(&item.id);
                if ids.iter().all(|id| status(id) == Some(Status::Pass)) {
                    let evidence = Evidence::Live {
                        checks: ids.clone(),
                        account: account.to_string(),
                        region: region.to_string(),
                    };
                    self.checklist.insert(item.id.clone(), Tick { evidence, at: now() });
                    if !was_ticked {
                        outcome.ticked.push(item.id.clone());
                    }
                } else if self
                    .checklist
                    .get(&item.id)
                    .is_some_and(|t| matches!(t.evidence, Evidence::Live { .. }))
                {
                    self.checklist.remove(&item.id);
                    self.tick_from_quizzes(course);
                    if !self.checklist.contains_key(&item.id) {
                        outcome.withdrawn.push(item.id.clone());
                    }
                }
            }
        }
        self.updated_at = Some(now());
        outcome
    }

    /// Ticks the items whose evidence is having used `tool`; returns them.
    pub fn tick_from_tool(&mut self, course: &Course, tool: crate::course::Tool) -> Vec<String> {
        let mut ticked = Vec::new();
        for item in &course.checklist {
            if self.checklist.contains_key(&item.id) {
                continue;
            }
            if item
                .evidence
                .iter()
                .any(|rule| matches!(rule, EvidenceRule::Tool(t) if *t == tool))
            {
                self.checklist.insert(
                    item.id.clone(),
                    Tick {
                        evidence: Evidence::Tool { tool },
                        at: now(),
                    },
                );
                ticked.push(item.id.clone());
            }
        }
        ticked
    }

    /// Where a resumed session starts: the current section, else the first
    /// section not yet done.
    pub fn resume_index(&self, course: &Course) -> usize {
        self.current_section
            .as_deref()
            .and_then(|slug| course.section_index(slug))
            .or_else(|| {
                course
                    .sections
                    .iter()
                    .position(|s| !self.sections_done.contains_key(&s.meta.slug))
            })
            .unwrap_or(0)
    }
}

/// What a live run changed on the checklist.
#[derive(Debug, Default, PartialEq)]
pub struct LiveTicks {
    pub ticked: Vec<String>,
    pub withdrawn: Vec<String>,
}

/// Reads and writes the progress file.
pub struct Store {
    path: PathBuf,
}

impl Store {
    /// The progress file under `$SM_COURSE_HOME`, else the user's data
    /// directory (`$XDG_DATA_HOME/sm-course` on Linux).
    pub fn locate(home: Option<PathBuf>, lang: Lang) -> Result<Store> {
        let dir = match home.filter(|h| !h.as_os_str().is_empty()) {
            Some(home) => home,
            None => dirs::data_dir()
                .map(|d| d.join("sm-course"))
                .ok_or_else(|| Error::Usage(trf(lang, "progress.no_data_dir", &[])))?,
        };
        Ok(Store {
            path: dir.join(FILE_NAME),
        })
    }

    pub fn at(path: PathBuf) -> Store {
        Store { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Loads the progress. A missing file is a fresh start; a corrupt,
    /// unreadable or newer-format file is moved aside with a warning naming
    /// both paths, and the learner starts fresh.
    pub fn load(&self, lang: Lang, warn: &mut dyn Write) -> ProgressFile {
        let fresh = ProgressFile {
            version: FORMAT_VERSION,
            modules: BTreeMap::new(),
        };
        let problem = match fs::read(&self.path) {
            Ok(bytes) => match serde_json::from_slice::<ProgressFile>(&bytes) {
                Ok(file) if file.version == FORMAT_VERSION => return file,
                Ok(file) => trf(lang, "progress.unknown_version", &[("version", &file.version)]),
                Err(e) => e.to_string(),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return fresh,
            Err(e) => e.to_string(),
        };
        let stamp = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let aside = self.path.with_file_name(format!("{FILE_NAME}.corrupt-{stamp}"));
        let message = match fs::rename(&self.path, &aside) {
            Ok(()) => trf(
                lang,
                "progress.moved_aside",
                &[
                    ("path", &self.path.display()),
                    ("aside", &aside.display()),
                    ("problem", &problem),
                ],
            ),
            Err(e) => trf(
                lang,
                "progress.unreadable",
                &[("path", &self.path.display()), ("problem", &problem), ("error", &e)],
            ),
        };
        let _ = writeln!(warn, "{message}");
        fresh
    }

    /// Writes the whole file atomically: a temporary file in the same
    /// directory, fsync, rename over the old one, fsync the directory. A kill
    /// at any moment leaves either the old file or the new one.
    /// Saves `file`, merged with what another `sm-course` may have saved
    /// meanwhile: under an exclusive lock the file on disk is read again and
    /// the two are merged (every answer kept, the newest of each), so two
    /// processes writing at once lose nothing.
    pub fn save(&self, file: &ProgressFile, lang: Lang) -> Result<()> {
        self.write(file, true, lang)
    }

    /// Writes `file` as it is, under the lock: for erasing (reset, start over).
    pub fn replace(&self, file: &ProgressFile, lang: Lang) -> Result<()> {
        self.write(file, false, lang)
    }

    fn write(&self, file: &ProgressFile, merge: bool, lang: Lang) -> Result<()> {
        let io_error = |source| Error::Io {
            action: trf(lang, "progress.cannot_save", &[]),
            path: self.path.clone(),
            source,
        };
        let dir = self.path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir).map_err(io_error)?;
        let _lock = Lock::take(&self.path.with_file_name(format!("{FILE_NAME}.lock"))).map_err(io_error)?;
        let merged;
        let file = match fs::read(&self.path)
            .ok()
            .and_then(|b| serde_json::from_slice::<ProgressFile>(&b).ok())
        {
            Some(disk) if merge && disk.version == FORMAT_VERSION => {
                merged = merge_files(disk, file);
                &merged
            }
            _ => file,
        };
        let mut bytes = serde_json::to_vec_pretty(file).expect("progress serialises");
        bytes.push(b'\n');
        write_atomic(&self.path, &bytes).map_err(io_error)
    }
}

/// An exclusive advisory lock (flock) on a file beside the progress file,
/// released when dropped.
struct Lock(File);

impl Lock {
    fn take(path: &Path) -> std::io::Result<Lock> {
        use std::os::fd::AsRawFd;
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)?;
        // SAFETY: flock on a descriptor we own; it blocks until the lock is ours.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(Lock(file))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        use std::os::fd::AsRawFd;
        // SAFETY: as above; closing the file would release it too.
        unsafe { libc::flock(self.0.as_raw_fd(), libc::LOCK_UN) };
    }
}

/// Ours merged over what is on disk: modules only on disk are kept; within a
/// module every answer and tick is kept, the newest winning a conflict.
fn merge_files(disk: ProgressFile, ours: &ProgressFile) -> ProgressFile {
    let mut result = disk;
    for (id, mine) in &ours.modules {
        let merged = match result.modules.remove(id) {
            Some(theirs) => merge_modules(theirs, mine),
            None => mine.clone(),
        };
        result.modules.insert(id.clone(), merged);
    }
    result.version = ours.version;
    result
}

fn merge_modules(theirs: ModuleProgress, mine: &ModuleProgress) -> ModuleProgress {
    let mut result = mine.clone();
    for (id, answer) in theirs.answers {
        let keep_theirs = result
            .answers
            .get(&id)
            .is_none_or(|m| (answer.at.as_str(), answer.attempts) > (m.at.as_str(), m.attempts));
        if keep_theirs {
            result.answers.insert(id, answer);
        }
    }
    for (id, tick) in theirs.checklist {
        if result.checklist.get(&id).is_none_or(|m| tick.at > m.at) {
            result.checklist.insert(id, tick);
        }
    }
    for (slug, at) in theirs.sections_done {
        let entry = result.sections_done.entry(slug).or_insert_with(|| at.clone());
        if at < *entry {
            *entry = at;
        }
    }
    result.started_at = match (theirs.started_at, result.started_at) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    result.updated_at = theirs.updated_at.max(result.updated_at);
    result.completed_at = result.completed_at.or(theirs.completed_at);
    if theirs.last_check.as_ref().map(|c| &c.at) > result.last_check.as_ref().map(|c| &c.at) {
        result.last_check = theirs.last_check;
    }
    result
}

/// Writes a file whole or not at all: a temporary file in the same
/// directory, fsync, rename over the old one, fsync the directory. A kill at
/// any moment leaves either the old file or the new one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut out = File::create(&tmp)?;
        out.write_all(bytes)?;
        out.sync_all()?;
        fs::rename(&tmp, path)?;
        // The rename itself is durable only once the directory is synced.
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    };
    write().inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn course() -> Course {
        Course::load(None, Lang::En).unwrap()
    }

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path().join("nested").join(FILE_NAME));
        (dir, store)
    }

    #[test]
    fn a_missing_file_is_a_fresh_start() {
        let (_dir, store) = store();
        let mut warnings = Vec::new();
        let file = store.load(Lang::En, &mut warnings);
        assert!(file.modules.is_empty());
        assert_eq!(file.version, FORMAT_VERSION);
        assert!(warnings.is_empty());
    }

    #[test]
    fn saved_progress_loads_back_identically_and_leaves_no_temporary_file() {
        let course = course();
        let (_dir, store) = store();
        let mut file = ProgressFile {
            version: FORMAT_VERSION,
            ..Default::default()
        };
        let module = file.modules.entry("module5".into()).or_default();
        let first = course.section_questions("families").next().unwrap();
        assert!(module.record_answer(&course, &first.id, first.answer - 1));
        module.current_section = Some("families".into());
        store.save(&file, Lang::En).unwrap();
        let mut warnings = Vec::new();
        assert_eq!(store.load(Lang::En, &mut warnings), file);
        assert!(warnings.is_empty());
        let mut names: Vec<_> = fs::read_dir(store.path().parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [FILE_NAME, "progress.json.lock"],
            "no temporary file is left behind"
        );
        let json: serde_json::Value = serde_json::from_str(&fs::read_to_string(store.path()).unwrap()).unwrap();
        assert_eq!(json["version"], 1);
    }

    #[test]
    fn a_corrupt_file_is_moved_aside_with_a_warning_naming_both_paths() {
        let (_dir, store) = store();
        fs::create_dir_all(store.path().parent().unwrap()).unwrap();
        fs::write(store.path(), b"{\"version\": 1, \"modules\": {\"module5\": tru").unwrap();
        let mut warnings = Vec::new();
        let file = store.load(Lang::En, &mut warnings);
        assert!(file.modules.is_empty());
        let warning = String::from_utf8(warnings).unwrap();
        let aside: Vec<PathBuf> = fs::read_dir(store.path().parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("progress.json.corrupt-")
            })
            .collect();
        assert_eq!(aside.len(), 1, "{warning}");
        assert!(warning.contains(&store.path().display().to_string()), "{warning}");
        assert!(warning.contains(&aside[0].display().to_string()), "{warning}");
        assert_eq!(
            fs::read(&aside[0]).unwrap(),
            b"{\"version\": 1, \"modules\": {\"module5\": tru",
            "kept as it was"
        );
        assert!(!store.path().exists());
    }

    #[test]
    fn a_file_from_a_newer_format_is_moved_aside_not_overwritten() {
        let (_dir, store) = store();
        fs::create_dir_all(store.path().parent().unwrap()).unwrap();
        fs::write(store.path(), br#"{"version": 99, "modules": {}}"#).unwrap();
        let mut warnings = Vec::new();
        store.load(Lang::Pt, &mut warnings);
        let warning = String::from_utf8(warnings).unwrap();
        assert!(warning.contains("99"), "{warning}");
        assert!(!store.path().exists());
    }

    #[test]
    fn an_unwritable_location_is_an_error_not_a_panic() {
        let (dir, _) = store();
        let blocker = dir.path().join("file");
        fs::write(&blocker, b"x").unwrap();
        let store = Store::at(blocker.join(FILE_NAME));
        let err = store.save(&ProgressFile::default(), Lang::En).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains(&blocker.display().to_string()), "{err}");
    }

    #[test]
    fn a_passed_quiz_ticks_its_checklist_item_and_the_tick_stays() {
        let course = course();
        let mut module = ModuleProgress::default();
        let questions: Vec<_> = course.section_questions("billing").collect();
        for q in &questions {
            module.record_answer(&course, &q.id, q.answer - 1);
        }
        assert_eq!(module.tick_from_quizzes(&course), ["costs"]);
        let tick = &module.checklist["costs"];
        assert_eq!(
            tick.evidence,
            Evidence::Quiz {
                section: "billing".into(),
                correct: questions.len(),
                total: questions.len()
            }
        );
        // A worse retake does not untick it, and nothing is ticked twice.
        for q in &questions {
            module.record_answer(&course, &q.id, q.answer % q.en.options.len());
        }
        assert!(!module.quiz_passed(&course, "billing"));
        assert!(module.tick_from_quizzes(&course).is_empty());
        assert!(module.checklist.contains_key("costs"));
    }

    #[test]
    fn a_quiz_below_the_pass_mark_ticks_nothing() {
        let course = course();
        let mut module = ModuleProgress::default();
        let questions: Vec<_> = course.section_questions("selection").collect();
        assert!(questions.len() >= 2);
        for (i, q) in questions.iter().enumerate() {
            let choice = if i == 0 {
                q.answer - 1
            } else {
                q.answer % q.en.options.len()
            };
            module.record_answer(&course, &q.id, choice);
        }
        assert_eq!(module.quiz_score(&course, "selection"), (1, questions.len()));
        assert!(module.tick_from_quizzes(&course).is_empty());
    }

    #[test]
    fn resume_starts_at_the_current_section_else_the_first_unfinished() {
        let course = course();
        let mut module = ModuleProgress::default();
        assert_eq!(module.resume_index(&course), 0);
        module.sections_done.insert("concepts".into(), now());
        assert_eq!(module.resume_index(&course), 1);
        module.current_section = Some("billing".into());
        assert_eq!(module.resume_index(&course), 3);
    }

    #[test]
    fn a_live_tick_is_withdrawn_when_the_account_no_longer_passes_and_no_quiz_backs_it() {
        let course = course();
        let judge = crate::checks::Judge {
            course: &course,
            lang: Lang::En,
            expect_region: "eu-central-1",
        };
        let only = ["studio-apps".to_string(), "notebook-instances".to_string()];
        let clean = judge.judge(&course.sandbox("clean", Lang::En).unwrap(), Some(&only));
        let neglected = judge.judge(&course.sandbox("neglected", Lang::En).unwrap(), Some(&only));
        let mut module = ModuleProgress::default();
        let ticks = module.apply_live(&course, &clean, "111122223333", "eu-central-1");
        assert_eq!(ticks.ticked, ["stop-instances"]);
        assert!(matches!(
            module.checklist["stop-instances"].evidence,
            Evidence::Live { .. }
        ));
        // Checks that were not run leave other items alone.
        assert!(!module.checklist.contains_key("cost-optimization"));
        let ticks = module.apply_live(&course, &neglected, "111122223333", "eu-central-1");
        assert_eq!(ticks.withdrawn, ["stop-instances"]);
        assert!(module.checklist.is_empty());
        // A quiz tick is never withdrawn by a failing account.
        for q in course.section_questions("start-stop") {
            module.record_answer(&course, &q.id, q.answer - 1);
        }
        module.tick_from_quizzes(&course);
        let ticks = module.apply_live(&course, &neglected, "111122223333", "eu-central-1");
        assert_eq!(ticks, LiveTicks::default());
        assert!(matches!(
            module.checklist["stop-instances"].evidence,
            Evidence::Quiz { .. }
        ));
    }

    #[test]
    fn saves_merge_with_what_another_process_wrote_and_replace_erases() {
        let course = course();
        let (_dir, store) = store();
        let q: Vec<_> = course.questions.iter().take(3).collect();
        // Process A answers q0; process B, started from the same empty file,
        // answers q1 and ticks an item; A then answers q2 and saves again.
        let mut a = ProgressFile {
            version: FORMAT_VERSION,
            ..Default::default()
        };
        let mut b = ProgressFile {
            version: FORMAT_VERSION,
            ..Default::default()
        };
        a.modules
            .entry("module5".into())
            .or_default()
            .record_answer(&course, &q[0].id, 0);
        store.save(&a, Lang::En).unwrap();
        let module_b = b.modules.entry("module5".into()).or_default();
        module_b.record_answer(&course, &q[1].id, 0);
        module_b.checklist.insert(
            "costs".into(),
            Tick {
                evidence: Evidence::Tool {
                    tool: crate::course::Tool::Cost,
                },
                at: now(),
            },
        );
        store.save(&b, Lang::En).unwrap();
        a.modules
            .get_mut("module5")
            .unwrap()
            .record_answer(&course, &q[2].id, 0);
        store.save(&a, Lang::En).unwrap();
        let on_disk = store.load(Lang::En, &mut Vec::new());
        let module = &on_disk.modules["module5"];
        assert_eq!(module.answers.len(), 3, "nobody's answer was lost");
        assert!(module.checklist.contains_key("costs"));
        // Erasing is not a merge.
        store
            .replace(
                &ProgressFile {
                    version: FORMAT_VERSION,
                    ..Default::default()
                },
                Lang::En,
            )
            .unwrap();
        assert!(store.load(Lang::En, &mut Vec::new()).modules.is_empty());
    }
}
