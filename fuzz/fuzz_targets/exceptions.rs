//! An exceptions file (TOML), applied to a judged practice account when it parses.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    sm_course::fuzzing::exceptions(data);
});
