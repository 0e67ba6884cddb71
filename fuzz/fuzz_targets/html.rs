//! Fuzz target: `kbc::fuzzing::html` on arbitrary UTF-8 (see src/fuzzing.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        kbc::fuzzing::html(text);
    }
});
