//! Fuzz target `pop3_dot`: see `wd300com_fuzz::pop3_dot` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wd300com_fuzz::pop3_dot(data));
