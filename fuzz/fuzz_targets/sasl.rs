//! Fuzz target `sasl`: see `wd300com_fuzz::sasl` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wd300com_fuzz::sasl(data));
