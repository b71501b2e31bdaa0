//! Fuzz target `mime_parse`: see `wd300com_fuzz::mime_parse` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wd300com_fuzz::mime_parse(data));
