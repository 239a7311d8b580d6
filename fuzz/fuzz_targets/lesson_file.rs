//! One lesson file replaced in a copy of the course: the first byte picks
//! which (module.toml, quiz.toml, instances.toml, checks.toml, tasks.toml or
//! a lesson), the rest is its content; the course is loaded and rendered.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sm_course::fuzzing::{LESSON_FILES, copy_lessons, lesson_file};

fuzz_target!(|data: &[u8]| {
    static COPY: OnceLock<tempfile::TempDir> = OnceLock::new();
    let Some((&pick, content)) = data.split_first() else {
        return;
    };
    let dir = COPY.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary directory");
        copy_lessons(dir.path());
        dir
    });
    let file = LESSON_FILES[usize::from(pick) % LESSON_FILES.len()];
    let original = std::fs::read(dir.path().join("module5").join(file)).expect("the copy holds the file");
    lesson_file(file, content, dir.path());
    // Put the file back, so the next input starts from the real course.
    std::fs::write(dir.path().join("module5").join(file), original).expect("the copy is writable");
});
