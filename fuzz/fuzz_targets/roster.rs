//! A class roster (TOML).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    sm_course::fuzzing::roster(data);
});
