//! Thread-local last-error state (libgit2 style) and the error query functions.

use crate::error::{Error, WD_E};
pub use crate::ffi::types::{
    WD_ERR_CODE, WD_ERR_DEFAULT, WD_ERR_FULL_DETAILS, WD_ERR_MESSAGE, WD_ERR_SYSTEM_MESSAGE,
};
use std::cell::RefCell;
use std::ffi::{CString, c_char};

struct LastError {
    code: WD_E,
    message: CString,
    code_text: CString,
    system: CString,
    full: CString,
}

impl LastError {
    fn none() -> LastError {
        LastError {
            code: WD_E::None,
            message: CString::default(),
            code_text: c"0".to_owned(),
            system: CString::default(),
            full: CString::default(),
        }
    }
}

thread_local! {
    static LAST: RefCell<LastError> = RefCell::new(LastError::none());
}

fn to_c(s: &str) -> CString {
    CString::new(s.replace('\0', " ")).unwrap_or_default()
}

/// Clears the calling thread's error state.
pub fn clear() {
    let _ = LAST.try_with(|l| {
        let mut l = l.borrow_mut();
        if l.code != WD_E::None {
            *l = LastError::none();
        }
    });
}

/// Records `e` as the calling thread's last error.
pub fn set(e: &Error) {
    let _ = LAST.try_with(|l| {
        *l.borrow_mut() = LastError {
            code: e.code,
            message: to_c(e.message.lines().next().unwrap_or("")),
            code_text: to_c(&(e.code as i32).to_string()),
            system: to_c(e.system.as_deref().unwrap_or("")),
            full: to_c(&e.full_details()),
        };
    });
}

/// Records a caught panic in function `name`.
pub fn set_panic(name: &str, payload: Box<dyn std::any::Any + Send>) {
    let what = if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    };
    set(&Error::internal(format!(
        "internal error in {name}: {what}"
    )));
}

/// Current error code of the calling thread.
pub fn code() -> WD_E {
    LAST.try_with(|l| l.borrow().code).unwrap_or(WD_E::None)
}

fn info_ptr(info: i32) -> *const c_char {
    LAST.try_with(|l| {
        let l = l.borrow();
        let s = match info {
            WD_ERR_MESSAGE => &l.message,
            WD_ERR_CODE => &l.code_text,
            WD_ERR_SYSTEM_MESSAGE => &l.system,
            WD_ERR_FULL_DETAILS | WD_ERR_DEFAULT => &l.full,
            _ => return c"".as_ptr(),
        };
        // Each selector has its own CString in the thread-local, kept until the error
        // state changes (the next call that clears or records an error): several
        // queries may be used together, e.g. as the arguments of one printf.
        s.as_ptr()
    })
    .unwrap_or(c"".as_ptr())
}

/// Tells whether the last call made on this thread failed.
///
/// Returns 1 when the previous library call on the calling thread failed, else 0.
/// Does not change the error state. Thread-safe; the state is per thread.
#[unsafe(no_mangle)]
pub extern "C" fn ErreurDetectee() -> i32 {
    ffi_query_guard!(0, { (code() != WD_E::None) as i32 })
}

english!(ErrorOccurred = ErreurDetectee() -> i32);

/// Describes the last error of the calling thread.
///
/// `info`: `WD_ERR_MESSAGE` (one line, never a password), `WD_ERR_CODE` (the `WD_E_*`
/// code as decimal text), `WD_ERR_SYSTEM_MESSAGE` (the server's reply or the OS error),
/// `WD_ERR_FULL_DETAILS` (all of it, several lines); `WD_ERR_DEFAULT` (0) is the full
/// details, as WLangage's `ErreurInfo()` without argument. Unknown selectors give "".
/// Never returns NULL; "" (or "0" for the code) when there is no error.
/// Ownership: the string belongs to the library and stays valid until the calling
/// thread's error state changes (the next call other than an error query that clears
/// or records an error): two queries in one `printf` are safe. Does not change the
/// error state.
#[unsafe(no_mangle)]
pub extern "C" fn ErreurInfo(info: i32) -> *const c_char {
    ffi_query_guard!(c"".as_ptr(), { info_ptr(info) })
}

english!(ErrorInfo = ErreurInfo(info: i32) -> *const c_char);

/// Returns the `WD_E_*` code of the last error of the calling thread (`WD_E_NONE` = 0 when
/// the last call succeeded). Does not change the error state.
#[unsafe(no_mangle)]
pub extern "C" fn ErreurCode() -> WD_E {
    ffi_query_guard!(WD_E::Internal, { code() })
}

english!(ErrorCode = ErreurCode() -> WD_E);

/// Static description of an error code, e.g. "timeout" for `WD_E_TIMEOUT`
/// (`curl_easy_strerror`). Unknown codes give "unknown error code". Never NULL; the
/// string is static. Does not change the error state.
#[unsafe(no_mangle)]
pub extern "C" fn ErreurCodeTexte(code: i32) -> *const c_char {
    ffi_query_guard!(c"".as_ptr(), {
        match WD_E::from_i32(code) {
            Some(c) => crate::ffi::strings::static_cstr(c.describe()),
            None => c"unknown error code".as_ptr(),
        }
    })
}

english!(ErrorCodeText = ErreurCodeTexte(code: i32) -> *const c_char);
