//! Fuzz target `mime_roundtrip`: see `wd300com_fuzz::mime_roundtrip` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wd300com_fuzz::mime_roundtrip(data));
