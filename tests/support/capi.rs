//! The C functions called from Rust tests: C strings, the calling thread's last error,
//! declared sessions, message properties.

use std::ffi::{CStr, CString};
use wd300com::ffi::errstate::ErreurInfo;
use wd300com::ffi::message::{EmailModifiePropriete, EmailPropriete};
use wd300com::ffi::session::{
    EmailFermeSession, EmailOuvreSessionDeclaree, EmailSessionCree, EmailSessionModifie,
};
use wd300com::ffi::types::{WD_ERR_FULL_DETAILS, WdEmail};

/// `s` as a C string.
pub fn cs(s: &str) -> CString {
    CString::new(s).unwrap()
}

/// Everything about the calling thread's last error (`WD_ERR_FULL_DETAILS`).
pub fn error() -> String {
    // SAFETY: ErreurInfo never returns NULL; the string lives until the next failing call.
    let details = unsafe { CStr::from_ptr(ErreurInfo(WD_ERR_FULL_DETAILS)) };
    details.to_string_lossy().into_owned()
}

/// Fails the test with the library's explanation unless a call returned 1.
pub fn check(ok: i32, what: &str) {
    assert_eq!(ok, 1, "{what} failed: {}", error());
}

/// Declares session `name` of `kind` (`WD_SESSION_*`) with `props`, and opens it.
pub fn declare(name: &CString, kind: i32, props: &[(i32, String)]) {
    // SAFETY: valid NUL-terminated strings.
    check(
        unsafe { EmailSessionCree(name.as_ptr(), kind) },
        "EmailSessionCree",
    );
    for (p, v) in props {
        let v = cs(v);
        // SAFETY: as above.
        let ok = unsafe { EmailSessionModifie(name.as_ptr(), *p, v.as_ptr()) };
        check(ok, "EmailSessionModifie");
    }
    // SAFETY: as above.
    check(
        unsafe { EmailOuvreSessionDeclaree(name.as_ptr()) },
        "EmailOuvreSessionDeclaree",
    );
}

/// Closes session `name` (`EmailFermeSession`); its result.
pub fn close(name: &CString) -> i32 {
    // SAFETY: a valid string.
    unsafe { EmailFermeSession(name.as_ptr()) }
}

/// Sets message property `prop`.
pub fn set(m: WdEmail, prop: i32, value: &str) {
    let v = cs(value);
    // SAFETY: a valid string.
    let ok = unsafe { EmailModifiePropriete(m, prop, 0, v.as_ptr()) };
    check(ok, "EmailModifiePropriete");
}

/// Reads message property `prop` (its first value).
pub fn get(m: WdEmail, prop: i32) -> String {
    let p = EmailPropriete(m, prop, 0);
    assert!(!p.is_null(), "EmailPropriete({prop}): {}", error());
    // SAFETY: a string owned by the message, valid until it changes.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}
