//! The C functions as a test calls them: strings in and out, the error of the last call.

use std::ffi::{CStr, CString, c_char};
use wd300com::error::WD_E;
use wd300com::ffi::errstate::{ErreurCode, ErreurInfo};
use wd300com::ffi::message::EmailPropriete;
use wd300com::ffi::types::{WD_ERR_MESSAGE, WdEmail};

/// A NUL-terminated copy of `s`.
pub fn c(s: &str) -> CString {
    CString::new(s).expect("no NUL in a test string")
}

/// The text behind a library-owned pointer ("" for NULL).
pub fn text(p: *const c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: the library returns NUL-terminated strings valid until the next call.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// The code and message of the last call's error on this thread.
pub fn last_error() -> (WD_E, String) {
    (ErreurCode(), text(ErreurInfo(WD_ERR_MESSAGE)))
}

/// A property of a message (`EmailPropriete`), "" on error.
pub fn prop(e: WdEmail, property: i32, index: i32) -> String {
    text(EmailPropriete(e, property, index))
}
