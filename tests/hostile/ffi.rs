//! The C functions as a test calls them: strings in and out, the error of the last call.

use std::ffi::{CStr, CString, c_char};
use wd300com::error::WD_E;
use wd300com::ffi::errstate::{ErreurCode, ErreurInfo};
use wd300com::ffi::message::{EmailCree, EmailLibere, EmailNb, EmailPropriete};
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

/// `EmailNb`.
pub fn count(e: WdEmail, property: i32) -> i32 {
    EmailNb(e, property)
}

/// A new message, freed when dropped.
pub struct Message(pub WdEmail);

impl Message {
    pub fn new() -> Message {
        let e = EmailCree();
        assert!(e.0 > 0, "EmailCree failed");
        Message(e)
    }
}

impl Drop for Message {
    fn drop(&mut self) {
        EmailLibere(self.0);
    }
}

/// A fresh empty folder under the temporary directory, named after `tag` and the process.
pub fn temp_dir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("wd-hostile-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create a temporary folder");
    d
}

/// Makes a FIFO at `path` (`mkfifo`).
pub fn mkfifo(path: &std::path::Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "mkfifo {}", path.display());
}
