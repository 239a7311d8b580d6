//! The progress file: one versioned JSON file, written atomically under a
//! lock and merged with what another process wrote, never fatal when damaged.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::{FORMAT_VERSION, ModuleProgress, ProgressFile};
use crate::error::{Error, Result};
use crate::i18n::{Lang, trf};
use crate::util::write_atomic;

pub(super) const FILE_NAME: &str = "progress.json";

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
                Ok(file) => {
                    let version = file.version;
                    match file.migrate() {
                        Some(file) => return file,
                        None => trf(lang, "progress.unknown_version", &[("version", &version)]),
                    }
                }
                Err(e) => e.to_string(),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return fresh,
            Err(e) => e.to_string(),
        };
        let message = match self.move_aside() {
            Ok(aside) => trf(
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

    /// Moves the damaged file to `progress.json.corrupt-<seconds>` (with
    /// `-2`, `-3`… when that name is taken): a backup is never overwritten,
    /// even by two in the same second. The new name is claimed with a hard
    /// link, which fails rather than replace; where links are not possible,
    /// by a rename to a name not yet there.
    fn move_aside(&self) -> std::io::Result<PathBuf> {
        let stamp = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        for n in 1..1000 {
            let name = match n {
                1 => format!("{FILE_NAME}.corrupt-{stamp}"),
                n => format!("{FILE_NAME}.corrupt-{stamp}-{n}"),
            };
            let aside = self.path.with_file_name(name);
            match fs::hard_link(&self.path, &aside) {
                Ok(()) => {
                    fs::remove_file(&self.path)?;
                    return Ok(aside);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(_) if !aside.exists() => {
                    fs::rename(&self.path, &aside)?;
                    return Ok(aside);
                }
                Err(_) => continue,
            }
        }
        Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "every backup name of this second is taken",
        ))
    }

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
            .and_then(ProgressFile::migrate)
        {
            Some(disk) if merge => {
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

/// An exclusive lock on a file beside the progress file (`File::lock`:
/// flock on Unix, LockFileEx on Windows), released when dropped.
struct Lock(File);

impl Lock {
    fn take(path: &Path) -> std::io::Result<Lock> {
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)?;
        // Blocks until the lock is ours.
        file.lock()?;
        Ok(Lock(file))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Closing the file would release it too.
        let _ = self.0.unlock();
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
    for (id, done) in theirs.tasks {
        result.tasks.entry(id).or_insert(done);
    }
    // A keep or an unkeep: the newer word wins.
    for (name, kept) in theirs.kept {
        if result.kept.get(&name).is_none_or(|m| kept.at > m.at) {
            result.kept.insert(name, kept);
        }
    }
    for (slug, round) in theirs.quiz_rounds {
        if result.quiz_rounds.get(&slug).is_none_or(|m| round.at > m.at) {
            result.quiz_rounds.insert(slug, round);
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
