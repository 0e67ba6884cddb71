//! Fuzz target: `kbc::fuzzing::check` on arbitrary UTF-8 (see src/fuzzing.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(init: kbc::fuzzing::single_thread(), |data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        kbc::fuzzing::check(text);
    }
});
