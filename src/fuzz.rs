//! Hostile input: the parsers of everything a learner or instructor hands
//! the tool (progress file, roster, course data, snapshots) never panic.
//! Seeds live in tests/fuzz-corpus/; proptest mutates them (bytes flipped,
//! inserted, cut) and also throws arbitrary text at each parser. Failures are
//! kept in proptest-regressions/ and replayed first.

use proptest::prelude::*;

use crate::course::Course;
use crate::i18n::Lang;

fn corpus(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fuzz-corpus")
            .join(name),
    )
    .unwrap()
}

/// A seed with random edits: each (position, byte, kind) flips, inserts or
/// cuts at that position.
fn mutated(seed: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec((any::<usize>(), any::<u8>(), 0u8..3), 0..12).prop_map(move |edits| {
        let mut bytes = seed.clone();
        for (at, byte, kind) in edits {
            if bytes.is_empty() {
                bytes.push(byte);
                continue;
            }
            let at = at % bytes.len();
            match kind {
                0 => bytes[at] = byte,
                1 => bytes.insert(at, byte),
                _ => bytes.truncate(at),
            }
        }
        bytes
    })
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn progress_files_never_panic(bytes in prop_oneof![mutated(corpus("progress.json")), any::<Vec<u8>>()]) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("progress.json");
        std::fs::write(&path, &bytes).unwrap();
        let store = crate::progress::Store::at(path);
        let file = store.load(Lang::En, &mut Vec::new());
        // Whatever was read can be judged and written back.
        let course = Course::load(None, Lang::En, &crate::checks::known()).unwrap();
        if let Some(module) = file.modules.get("module5") {
            let _ = crate::report::checklist::report(&course, module, Lang::En);
            let _ = module.resume_index(&course);
        }
        store.save(&file, Lang::En).unwrap();
    }

    #[test]
    fn rosters_never_panic(bytes in prop_oneof![mutated(corpus("roster.toml")), any::<Vec<u8>>()]) {
        let _ = crate::instructor::roster::parse(&text(&bytes), std::path::Path::new("class.toml"), Lang::En);
    }

    #[test]
    fn snapshots_never_panic_when_read_or_judged(bytes in mutated(corpus("snapshot.json"))) {
        if let Ok(snapshot) = serde_json::from_slice::<crate::snapshot::Snapshot>(&bytes) {
            let course = Course::load(None, Lang::En, &crate::checks::known()).unwrap();
            let judge = crate::checks::Judge { course: &course, lang: Lang::Pt, expect_region: "eu-central-1" };
            let results = judge.judge(&snapshot, None);
            let report = crate::report::Report::new("module5", snapshot.source.clone(), None, snapshot.region.clone(), snapshot.taken_at.clone(), &results);
            let _ = crate::report::text(&report, Lang::En, 80);
            let _ = crate::report::markdown(&report, Lang::En);
            let _ = crate::report::junit(&report, Lang::En);
        }
    }

    #[test]
    fn lesson_data_never_panics(
        file in prop_oneof![Just("module.toml"), Just("quiz.toml"), Just("instances.toml"), Just("checks.toml"), Just("en/02-families.md")],
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
    ) {
        let dir = tempfile::tempdir().unwrap();
        copy_lessons(dir.path());
        let path = dir.path().join("module5").join(file);
        let mut bytes = std::fs::read(&path).unwrap();
        for (at, byte) in edits {
            let at = at % bytes.len();
            bytes[at] = byte;
        }
        std::fs::write(&path, &bytes).unwrap();
        if let Ok(course) = Course::load(Some(dir.path()), Lang::En, &crate::checks::known()) {
            // Whatever validates renders.
            for index in 0..course.sections.len() {
                let _ = crate::course::markdown::section(&course, index, Lang::Pt, 60);
            }
        }
    }
}

fn copy_lessons(to: &std::path::Path) {
    fn copy(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            if entry.path().is_dir() {
                copy(&entry.path(), &to.join(entry.file_name()));
            } else {
                std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
            }
        }
    }
    copy(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons"), to);
}
