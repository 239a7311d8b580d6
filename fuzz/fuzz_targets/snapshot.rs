//! A snapshot (the sandbox files' format): read, judged, reported.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    sm_course::fuzzing::snapshot(data);
});
