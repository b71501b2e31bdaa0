//! Fuzz target `pop3_response`: see `wd300com_fuzz::pop3_response` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wd300com_fuzz::pop3_response(data));
