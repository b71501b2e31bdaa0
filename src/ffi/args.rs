//! Argument decoding helpers: NULL checks, strict UTF-8, bounded lengths, indexes, output
//! pointers.

use crate::error::{Error, Result};
use crate::limits::MAX_FFI_BYTES;
use std::ffi::{CStr, c_char};

/// Decodes a required NUL-terminated UTF-8 string argument.
///
/// # Safety
/// `p` must be NULL or point to a NUL-terminated string valid for the call.
pub unsafe fn cstr<'a>(p: *const c_char, what: &str) -> Result<&'a str> {
    if p.is_null() {
        return Err(Error::invalid_arg(format!("{what} is NULL")));
    }
    // SAFETY: the caller guarantees p points to a NUL-terminated string.
    let c = unsafe { CStr::from_ptr(p) };
    c.to_str().map_err(|e| {
        Error::invalid_arg(format!(
            "{what} is not valid UTF-8 (byte {})",
            e.valid_up_to()
        ))
    })
}

/// Decodes an optional string argument: NULL gives `None`.
///
/// # Safety
/// As [`cstr`].
pub unsafe fn opt_cstr<'a>(p: *const c_char, what: &str) -> Result<Option<&'a str>> {
    if p.is_null() {
        Ok(None)
    } else {
        // SAFETY: forwarded contract.
        unsafe { cstr(p, what) }.map(Some)
    }
}

/// Decodes a `(data, len)` byte argument. NULL with length 0 is an empty slice.
///
/// # Safety
/// `p` must be NULL or valid for reads of `len` bytes for the call.
pub unsafe fn bytes<'a>(p: *const u8, len: usize, what: &str) -> Result<&'a [u8]> {
    if len > MAX_FFI_BYTES {
        return Err(Error::invalid_arg(format!(
            "{what} length {len} is larger than the limit of {MAX_FFI_BYTES} bytes"
        )));
    }
    if p.is_null() {
        if len == 0 {
            return Ok(&[]);
        }
        return Err(Error::invalid_arg(format!("{what} is NULL")));
    }
    // SAFETY: the caller guarantees p is valid for len bytes; len is bounded above.
    Ok(unsafe { std::slice::from_raw_parts(p, len) })
}

/// Checks an output pointer for NULL (written only on success by the caller).
pub fn out_ptr<T>(p: *mut T, what: &str) -> Result<*mut T> {
    if p.is_null() {
        Err(Error::invalid_arg(format!("{what} is NULL")))
    } else {
        Ok(p)
    }
}

/// Refuses a value holding CR or LF (header, address, command or name injection).
pub use crate::message::model::single_line;

/// Decodes a 0-based index argument.
pub fn index_arg(index: i32) -> Result<usize> {
    usize::try_from(index).map_err(|_| Error::invalid_arg(format!("index {index} is negative")))
}

/// Writes the length of `bytes` to `out_len` and returns their address (never NULL).
///
/// # Safety
/// `out_len` is valid for one write.
pub unsafe fn bytes_out(bytes: &[u8], out_len: *mut usize) -> *const u8 {
    // SAFETY: caller contract.
    unsafe { *out_len = bytes.len() };
    if bytes.is_empty() {
        crate::ffi::strings::empty_bytes()
    } else {
        bytes.as_ptr()
    }
}

/// Turns an `int32_t` boolean into a Rust bool.
pub fn flag(v: i32) -> bool {
    v != 0
}
