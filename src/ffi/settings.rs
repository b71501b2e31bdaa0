//! Global settings: timeout, EmailParametre, transcript file, version.

use crate::error::Error;
use crate::ffi::args;
use crate::ffi::types::{
    WD_DATE_RFC3339, WD_DATE_WLANGAGE, WD_PARAM_DATE_FORMAT, WD_PARAM_MIN_SPEED, WD_PARAM_MODE,
};
use std::ffi::c_char;

/// Sets the global timeout (`EmailChangeTimeOut`), in seconds.
///
/// `seconds`: 1 .. 86400. Bounds every connection attempt and every wait for a reply of
/// sessions opened afterwards (and of open sessions that did not set their own).
/// Returns 1, or 0 with `WD_E_INVALID_ARGUMENT` for a value out of range. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn EmailChangeTimeOut(seconds: i32) -> i32 {
    ffi_guard!("EmailChangeTimeOut", 0, {
        crate::registry::set_timeout(seconds)?;
        Ok(1)
    })
}

english!(EmailSetTimeOut = EmailChangeTimeOut(seconds: i32) -> i32);

/// Returns the global timeout in seconds (default 600). Never fails. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn EmailLitTimeOut() -> i32 {
    ffi_guard!("EmailLitTimeOut", -1, {
        Ok(crate::registry::timeout_secs() as i32)
    })
}

english!(EmailGetTimeOut = EmailLitTimeOut() -> i32);

/// Sets a global parameter (`EmailParametre`).
///
/// `parameter`: `WD_PARAM_MODE` is accepted for compatibility and has no effect;
/// `WD_PARAM_MIN_SPEED` sets the minimum average speed of a reply in bytes per second
/// (`value` >= 0, default 1024; connections opened afterwards); `WD_PARAM_DATE_FORMAT`
/// with `WD_DATE_RFC3339` (the default) or `WD_DATE_WLANGAGE` sets how `WD_EMAIL_DATE`
/// reads for every message of the process (a WLangage DateHeure `AAAAMMJJHHMMSS` in
/// local time, or RFC 3339; both are accepted when set). Returns 1, or 0 with
/// `WD_E_INVALID_ARGUMENT` for an unknown parameter or a value out of range. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn EmailParametre(parameter: i32, value: i32) -> i32 {
    ffi_guard!("EmailParametre", 0, {
        match parameter {
            WD_PARAM_MODE => Ok(1),
            WD_PARAM_MIN_SPEED => crate::registry::set_min_speed(value).map(|_| 1),
            WD_PARAM_DATE_FORMAT if value == WD_DATE_RFC3339 || value == WD_DATE_WLANGAGE => {
                crate::message::properties::set_date_wlangage(value == WD_DATE_WLANGAGE);
                Ok(1)
            }
            WD_PARAM_DATE_FORMAT => Err(Error::invalid_arg(format!(
                "date format {value} is not WD_DATE_RFC3339 (0) or WD_DATE_WLANGAGE (1)"
            ))),
            // Test hook: proves that a panic inside an export is caught (see c-tests).
            9999 if std::env::var_os("WD300COM_TEST_PANIC").is_some() => {
                panic!("test panic requested with value {value}")
            }
            _ => Err(Error::invalid_arg(format!("unknown parameter {parameter}"))),
        }
    })
}

english!(EmailConfigure = EmailParametre(parameter: i32, value: i32) -> i32);

/// Appends a protocol transcript of every session to the file `path` (`EmailTrace`).
///
/// Commands and replies are written one per line, prefixed by an ISO 8601 UTC timestamp
/// with milliseconds (`2026-12-01T15:30:00.123Z`), the protocol and `C:` (client), `S:`
/// (server) or `*` (a note); passwords, tokens and SASL exchanges are masked as `****`
/// (`EmailTraceFonction` receives the same lines). `path` NULL stops the file. A new file is created readable and writable by its owner only (mode 0600
/// on unix). Returns 1, or 0 with `WD_E_IO` when the file cannot be opened,
/// `WD_E_INVALID_ARGUMENT` for a non-UTF-8 path. Process-wide setting; thread-safe.
///
/// # Safety
/// `path` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailTrace(path: *const c_char) -> i32 {
    ffi_guard!("EmailTrace", 0, {
        // SAFETY: caller contract.
        let path = unsafe { args::opt_cstr(path, "path") }?;
        crate::trace::set_file(path)?;
        Ok(1)
    })
}

english!(unsafe EmailSetTrace = EmailTrace(path: *const c_char) -> i32);

/// Returns the library version, e.g. "0.1.0" (static string, never NULL, never freed).
/// Does not change the error state. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn EmailVersion() -> *const c_char {
    ffi_query_guard!(c"".as_ptr(), {
        const V: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
        V.as_ptr() as *const c_char
    })
}
