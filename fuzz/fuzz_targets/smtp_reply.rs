//! Fuzz target `smtp_reply`: see `wd300com_fuzz::smtp_reply` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wd300com_fuzz::smtp_reply(data));
