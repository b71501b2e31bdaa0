//! Library-owned return values.
//!
//! Rule (a) of the README: strings returned by non-object functions live in a
//! thread-local slot and stay valid until the next library call on the same thread.
//! Strings returned by object getters live in the object (see `message.rs`).

use parking_lot::Mutex;
use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char};
use std::sync::LazyLock;

thread_local! {
    static SLOT: RefCell<CString> = RefCell::new(CString::default());
}

pub use crate::message::object::to_cstring;

/// Stores `s` in the calling thread's return slot and returns a pointer to it, valid until
/// the next library call on this thread.
pub fn ret_thread(s: &str) -> *const c_char {
    SLOT.with(|slot| {
        let mut slot = slot.borrow_mut();
        *slot = to_cstring(s);
        slot.as_ptr()
    })
}

/// Static strings already converted (a small, bounded set: error descriptions).
/// A `Vec` rather than a hash map so memory checkers see plain reachable blocks.
static STATICS: LazyLock<Mutex<Vec<(&'static str, &'static CStr)>>> =
    LazyLock::new(|| Mutex::new(Vec::new()));

/// A NUL-terminated copy of a static string, made once and kept for the process lifetime.
pub fn static_cstr(s: &'static str) -> *const c_char {
    let mut v = STATICS.lock();
    if let Some((_, c)) = v.iter().find(|(k, _)| *k == s) {
        return c.as_ptr();
    }
    let c: &'static CStr = Box::leak(to_cstring(s).into_boxed_c_str());
    v.push((s, c));
    c.as_ptr()
}

/// An always-valid pointer for an empty byte buffer.
pub fn empty_bytes() -> *const u8 {
    static EMPTY: [u8; 1] = [0];
    EMPTY.as_ptr()
}
