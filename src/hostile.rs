//! Hostile input: the parsers of everything a learner or instructor hands
//! the tool (progress file, roster, exceptions, course data, snapshots) never panic.
//! Seeds live in tests/fuzz-corpus/; proptest mutates them (bytes flipped,
//! inserted, cut) and also throws arbitrary text at each parser. Failures are
//! kept in proptest-regressions/ and replayed first.

use proptest::prelude::*;

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

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn progress_files_never_panic(bytes in prop_oneof![mutated(corpus("progress.json")), any::<Vec<u8>>()]) {
        let dir = tempfile::tempdir().unwrap();
        crate::fuzzing::progress_file(&bytes, dir.path());
    }

    #[test]
    fn rosters_never_panic(bytes in prop_oneof![mutated(corpus("roster.toml")), any::<Vec<u8>>()]) {
        crate::fuzzing::roster(&bytes);
    }

    #[test]
    fn exceptions_files_never_panic(bytes in prop_oneof![mutated(corpus("exceptions.toml")), any::<Vec<u8>>()]) {
        crate::fuzzing::exceptions(&bytes);
    }

    #[test]
    fn snapshots_never_panic_when_read_or_judged(bytes in mutated(corpus("snapshot.json"))) {
        crate::fuzzing::snapshot(&bytes);
    }

    #[test]
    fn lesson_data_never_panics(
        index in 0..crate::fuzzing::LESSON_FILES.len(),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
    ) {
        let dir = tempfile::tempdir().unwrap();
        crate::fuzzing::copy_lessons(dir.path());
        let file = crate::fuzzing::LESSON_FILES[index];
        let mut bytes = std::fs::read(dir.path().join("module5").join(file)).unwrap();
        for (at, byte) in edits {
            let at = at % bytes.len();
            bytes[at] = byte;
        }
        crate::fuzzing::lesson_file(file, &bytes, dir.path());
    }
}
