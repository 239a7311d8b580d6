//! Entry points for coverage-guided fuzzing (`fuzz/`, cargo-fuzz on nightly)
//! and the property tests (`hostile.rs`): everything a learner or instructor
//! hands the tool, parsed and, where it parses, used. None may panic.
//! Not part of the program's interface.

use std::path::Path;
use std::sync::OnceLock;

use crate::course::Course;
use crate::i18n::Lang;

fn course() -> &'static Course {
    static COURSE: OnceLock<Course> = OnceLock::new();
    COURSE.get_or_init(|| Course::load(None, Lang::En, &crate::checks::known()).expect("the built-in course is valid"))
}

/// A progress file: loaded (a bad one is moved aside), reported, resumed
/// and written back, in `dir`.
pub fn progress_file(bytes: &[u8], dir: &Path) {
    let path = dir.join("progress.json");
    std::fs::write(&path, bytes).expect("a temporary directory is writable");
    let store = crate::progress::Store::at(path);
    let file = store.load(Lang::En, &mut Vec::new());
    let course = course();
    if let Some(module) = file.modules.get("module5") {
        let _ = crate::report::checklist::report(course, module, Lang::En);
        let _ = module.resume_index(course);
    }
    store.save(&file, Lang::En).expect("what was read can be written back");
}

/// A class roster.
pub fn roster(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let _ = crate::instructor::roster::parse(&text, Path::new("class.toml"), Lang::En);
}

/// An exceptions file: parsed and, where it parses, applied to the
/// neglected practice account's results and audit, then reported.
pub fn exceptions(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let Ok(exceptions) = crate::checks::exceptions::parse(&text, Path::new("exceptions.toml"), Lang::En) else {
        return;
    };
    let course = course();
    let snapshot = course
        .sandbox("neglected", Lang::En)
        .expect("the built-in sandbox loads");
    let prices = crate::catalog::prices::PriceBook::new(&course.instances);
    let scope = crate::checks::exceptions::Scope {
        account: Some("111122223333"),
        student: None,
        today: jiff::civil::date(2026, 12, 1),
    };
    judged_and_reported(&snapshot, &prices, |results| {
        crate::checks::exceptions::apply(results, &exceptions, &scope, Lang::Pt);
    });
    let mut audit = crate::audit::assess(
        &prices,
        &snapshot,
        &crate::audit::Morning {
            hours: 10.0,
            zone: "UTC".into(),
        },
    );
    audit.accept(&exceptions, scope.today);
    let _ = crate::report::audit::text(&audit, Lang::En, 80);
}

/// A snapshot (a sandbox file's format): read, judged, reported.
pub fn snapshot(bytes: &[u8]) {
    if let Ok(snapshot) = serde_json::from_slice::<crate::snapshot::Snapshot>(bytes) {
        let prices = crate::catalog::prices::PriceBook::new(&course().instances);
        judged_and_reported(&snapshot, &prices, |_| {});
    }
}

/// Judges `snapshot`, lets `then` change the results, and renders them.
fn judged_and_reported(
    snapshot: &crate::snapshot::Snapshot,
    prices: &crate::catalog::prices::PriceBook,
    then: impl FnOnce(&mut [crate::checks::CheckResult]),
) {
    let judge = crate::checks::Judge {
        course: course(),
        prices,
        lang: Lang::Pt,
        expect_region: "eu-central-1",
    };
    let mut results = judge.judge(snapshot, None);
    then(&mut results);
    let report = crate::report::Report::new(
        "module5",
        snapshot.source.clone(),
        None,
        snapshot.region.clone(),
        snapshot.taken_at.clone(),
        &results,
    );
    let _ = crate::report::text(&report, Lang::En, 80);
    let _ = crate::report::markdown(&report, Lang::En);
    let _ = crate::report::junit(&report, Lang::En);
}

/// A copy of the course (`lessons/` in `dir`) with one file replaced by
/// `bytes`: loaded and validated, and every section rendered when it is valid.
pub fn lesson_file(file: &str, bytes: &[u8], dir: &Path) {
    std::fs::write(dir.join("module5").join(file), bytes).expect("the copy is writable");
    if let Ok(course) = Course::load(Some(dir), Lang::En, &crate::checks::known()) {
        for index in 0..course.sections.len() {
            let _ = crate::course::markdown::section(&course, index, Lang::Pt, 60);
        }
    }
}

/// The lesson files a fuzzer may replace.
pub const LESSON_FILES: [&str; 7] = [
    "module.toml",
    "quiz.toml",
    "instances.toml",
    "prices.toml",
    "checks.toml",
    "tasks.toml",
    "en/02-families.md",
];

/// Copies the built-in lessons (`lessons/` of this source tree) to `to`.
pub fn copy_lessons(to: &Path) {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("a temporary directory is writable");
        for entry in std::fs::read_dir(from).expect("lessons/ is readable") {
            let entry = entry.expect("lessons/ is readable");
            if entry.path().is_dir() {
                copy(&entry.path(), &to.join(entry.file_name()));
            } else {
                std::fs::copy(entry.path(), to.join(entry.file_name())).expect("a lesson file copies");
            }
        }
    }
    copy(&Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons"), to);
}
