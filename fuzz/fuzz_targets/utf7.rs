//! Fuzz target `utf7`: see `wd300com_fuzz::utf7` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wd300com_fuzz::utf7(data));
