//! Small helpers with no domain knowledge: the clock, whole-or-nothing
//! file writes, names near a misspelt one, TOML files a person writes.

pub(crate) mod toml_input;

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Now, as RFC 3339 in UTC to the second.
pub(crate) fn now() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

/// Now, to the millisecond, like the times AWS returns (running times are
/// not rounded down by a second).
pub(crate) fn now_millis() -> String {
    humantime::format_rfc3339_millis(SystemTime::now()).to_string()
}

/// An RFC 3339 time (as stored) for people: the wall-clock time in `tz`,
/// in the learner's date order, with the zone named (a Studio container's
/// clock is UTC, so it is always said). Unreadable text is shown as it is.
pub(crate) fn local_time(at: &str, tz: &jiff::tz::TimeZone, lang: crate::i18n::Lang) -> String {
    let Ok(timestamp) = at.parse::<jiff::Timestamp>() else {
        return at.to_string();
    };
    let zoned = timestamp.to_zoned_datetime(tz.clone());
    let pattern = match lang {
        crate::i18n::Lang::Pt => "%d/%m/%Y %H:%M",
        crate::i18n::Lang::En => "%Y-%m-%d %H:%M",
    };
    format!("{} ({})", zoned.strftime(pattern), zone_name(tz, &zoned))
}

/// The zone as `local_time` names it: its IANA name, else its offset.
fn zone_name(tz: &jiff::tz::TimeZone, zoned: &jiff::ZonedDateTime) -> String {
    match tz.iana_name() {
        Some(name) => name.to_string(),
        None => zoned.strftime("UTC%:z").to_string(),
    }
}

/// An RFC 3339 time as a clock shows it in the machine's zone (`TZ`):
/// `14:05 (UTC)` on the same day as `today` (another RFC 3339 time), else
/// with the date, as `local_time` gives it.
pub(crate) fn local_clock(at: &str, today: &str, lang: crate::i18n::Lang) -> String {
    let tz = jiff::tz::TimeZone::system();
    let (Ok(t), Ok(d)) = (at.parse::<jiff::Timestamp>(), today.parse::<jiff::Timestamp>()) else {
        return local_time(at, &tz, lang);
    };
    let (t, d) = (t.to_zoned_datetime(tz.clone()), d.to_zoned_datetime(tz.clone()));
    match t.date() == d.date() {
        true => format!("{} ({})", t.strftime("%H:%M"), zone_name(&tz, &t)),
        false => local_time(at, &tz, lang),
    }
}

/// How many single-character edits turn `a` into `b` (Levenshtein).
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb)).min(row[j] + 1).min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
}

/// The known name nearest to a misspelt one, when it is close (two edits
/// at most), for "did you mean".
pub(crate) fn closest<'k>(name: &str, known: impl IntoIterator<Item = &'k str>) -> Option<&'k str> {
    known
        .into_iter()
        .map(|k| (edit_distance(name, k), k))
        .min()
        .filter(|(d, _)| *d <= 2)
        .map(|(_, k)| k)
}

/// Pretty JSON with a final newline, as every command prints it.
pub(crate) fn json_pretty<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("our types serialise") + "\n"
}

/// Writes a file whole or not at all: a temporary file in the same
/// directory, fsync, rename over the old one, fsync the directory. A kill at
/// any moment leaves either the old file or the new one. The directory must
/// exist: no folder is ever created here (`--out` never makes one).
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
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

/// Why a file cannot be written where asked without creating a folder.
#[derive(Debug)]
pub(crate) enum OutProblem {
    /// The path names a folder.
    IsDir,
    /// The folder it would go in does not exist (nothing is created).
    NoFolder(PathBuf),
    /// What should be its folder is a file.
    NotAFolder(PathBuf),
    /// The folder cannot be written to.
    NotWritable(PathBuf, std::io::Error),
}

/// Checks, before any work is done, that `write_atomic(path)` can succeed
/// without creating a folder: the path is not a folder, its folder exists
/// and takes a new file (tried with an empty probe file, removed at once).
pub(crate) fn check_out(path: &Path) -> Result<(), OutProblem> {
    if path.is_dir() {
        return Err(OutProblem::IsDir);
    }
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    match fs::metadata(&dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => return Err(OutProblem::NotAFolder(dir)),
        Err(e) => {
            // A folder under a file reads as "not a directory": say which file.
            if let Some(file) = dir.ancestors().find(|a| a.is_file()) {
                return Err(OutProblem::NotAFolder(file.to_path_buf()));
            }
            if e.kind() == std::io::ErrorKind::NotFound {
                return Err(OutProblem::NoFolder(dir));
            }
            return Err(OutProblem::NotWritable(dir, e));
        }
    }
    let probe = dir.join(format!(".sm-course-probe.{}", std::process::id()));
    match fs::OpenOptions::new().write(true).create_new(true).open(&probe) {
        Ok(_) => {
            let _ = fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(OutProblem::NotWritable(dir, e)),
    }
}

/// A small deterministic random number generator (SplitMix64): enough to
/// shuffle quiz options and draw questions, and repeatable from a seed in
/// tests.
#[derive(Clone, Debug)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// A seed from the clock and the process id, different at every run.
    pub(crate) fn clock_seed() -> u64 {
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        nanos ^ (u64::from(std::process::id()) << 32)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Fisher–Yates, in place.
    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// Raises this process's soft limit on open files to its hard limit (at
/// most 10240, what macOS accepts), as Go programs do by themselves: a class
/// read at once holds a connection per request in flight, 18 at once per
/// account (measured), past the 256 files a macOS shell allows by default,
/// where calls then fail as "cannot reach AWS". Returns the soft limit now in
/// force, or `None` where it cannot be read.
#[cfg(unix)]
#[allow(clippy::unnecessary_cast)] // rlim_t is u64 here, not on every Unix
pub(crate) fn raise_open_files() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit read and write the struct passed.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return None;
    }
    let wanted = limit.rlim_max.min(10_240);
    if wanted > limit.rlim_cur {
        let raised = libc::rlimit {
            rlim_cur: wanted,
            rlim_max: limit.rlim_max,
        };
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            return Some(wanted as u64);
        }
    }
    Some(limit.rlim_cur as u64)
}

#[cfg(not(unix))]
pub fn raise_open_files() -> Option<u64> {
    None
}

#[cfg(test)]
mod tests {
    use super::{Rng, local_time};
    use crate::i18n::Lang;

    #[test]
    fn stored_times_are_shown_in_the_local_zone_with_its_name() {
        let sp = jiff::tz::TimeZone::get("America/Sao_Paulo").unwrap();
        assert_eq!(
            local_time("2026-11-20T09:12:00Z", &sp, Lang::Pt),
            "20/11/2026 06:12 (America/Sao_Paulo)"
        );
        assert_eq!(
            local_time("2026-11-20T09:12:00Z", &sp, Lang::En),
            "2026-11-20 06:12 (America/Sao_Paulo)"
        );
        let fixed = jiff::tz::TimeZone::fixed(jiff::tz::offset(-3));
        assert_eq!(
            local_time("2026-11-20T09:12:00Z", &fixed, Lang::Pt),
            "20/11/2026 06:12 (UTC-03:00)"
        );
        assert_eq!(local_time("not a time", &sp, Lang::Pt), "not a time");
    }

    #[test]
    fn the_same_seed_shuffles_the_same_way_and_every_order_is_reachable() {
        let shuffled = |seed| {
            let mut items = [0, 1, 2, 3];
            Rng::new(seed).shuffle(&mut items);
            items
        };
        assert_eq!(shuffled(7), shuffled(7));
        let orders: std::collections::BTreeSet<_> = (0..2000).map(shuffled).collect();
        assert_eq!(orders.len(), 24, "all 4! orders appear");
    }
}
