//! A progress file: loaded (moved aside when bad), reported, written back.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("a temporary directory");
    sm_course::fuzzing::progress_file(data, dir.path());
});
