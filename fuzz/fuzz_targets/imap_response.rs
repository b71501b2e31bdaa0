//! Fuzz target `imap_response`: see `wd300com_fuzz::imap_response` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wd300com_fuzz::imap_response(data));
