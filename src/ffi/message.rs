//! Message functions (docs/API.md §3): the `Email` type behind `int32_t` handles, its
//! properties and headers. Attachments: `attachments.rs`; the source: `source.rs`.
//!
//! Strings returned by the getters here are owned by the message object: they stay valid
//! until that object is changed, reset or freed (rule (a) of the README, object form).
//! The object and the properties are the safe core's (`message::object`,
//! `message::properties`); the handles are in `objects`.

use crate::ffi::args::{self, index_arg};
use crate::ffi::attachments::attach_file;
use crate::ffi::types::*;
use crate::message::model::check_header;
use crate::message::properties;
use crate::registry;
use std::ffi::c_char;

pub(crate) mod objects;
use objects::free;
pub use objects::{EmailObj, LISTS, MESSAGES, MessageList, new_handle, resolve, resolve_raw};

// The attachment and source functions keep their path here.
pub use crate::ffi::attachments::*;
pub use crate::ffi::source::*;

/// Creates an empty message (`EmailCree`).
///
/// Returns a new message handle (> 0), or 0 on failure (too many live messages). Free it
/// with `EmailLibere`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn EmailCree() -> WdEmail {
    WdEmail(ffi_guard!("EmailCree", 0, {
        new_handle(EmailObj::default())
    }))
}

english!(EmailCreate = EmailCree() -> WdEmail);

/// Frees a message or a message list (`EmailLibere`); freeing a list frees its messages.
///
/// Returns 1, or 0 with `WD_E_INVALID_HANDLE` for 0, a stale, already freed or unknown
/// handle. Pointers obtained from the object become invalid. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn EmailLibere(email: WdEmail) -> i32 {
    ffi_guard!("EmailLibere", 0, {
        free(email.0)?;
        Ok(1)
    })
}

english!(EmailFree = EmailLibere(email: WdEmail) -> i32);

/// Clears every field of a message (`EmailRAZ`); 0 clears the legacy structure.
///
/// Returns 1, or 0 with `WD_E_INVALID_HANDLE`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn EmailRAZ(email: WdEmail) -> i32 {
    ffi_guard!("EmailRAZ", 0, {
        resolve_raw(email.0)?.lock().reset();
        Ok(1)
    })
}

english!(EmailReset = EmailRAZ(email: WdEmail) -> i32);

/// Reads a property of a message (`EmailPropriete`), e.g. `WD_EMAIL_SUBJECT`.
///
/// `email`: a message handle, 0 = the legacy structure. `index`: element of an array
/// property (0-based), else 0. Numbers and flags come back as decimal text.
/// Returns a UTF-8 string owned by the message, valid until the message is changed or
/// freed; NULL on error (`WD_E_INVALID_HANDLE`, `WD_E_INVALID_ARGUMENT` for an unknown
/// property or an index out of range). Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn EmailPropriete(email: WdEmail, property: i32, index: i32) -> *const c_char {
    ffi_guard!("EmailPropriete", std::ptr::null(), {
        let index = index_arg(index)?;
        let obj = resolve_raw(email.0)?;
        registry::complete_for(&obj, property)?;
        Ok(obj.lock().property(property, index)?.as_ptr())
    })
}

english!(EmailGetProperty = EmailPropriete(email: WdEmail, property: i32, index: i32) -> *const c_char);

/// Changes a property of a message (`EmailModifiePropriete`).
///
/// `value`: UTF-8 text (numbers as decimal text); NULL clears a field, or removes the
/// element `index` of an array. For arrays, `index` equal to the count appends.
/// Addresses and header fields holding CR or LF are refused (`WD_E_INVALID_ARGUMENT`);
/// read-only properties (UID, NUMBER, SIZE, OUT, MAIL_ID, REFUSED) too.
/// Returns 1 or 0. Invalidates strings obtained from this message. Thread-safe.
///
/// # Safety
/// `value` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailModifiePropriete(
    email: WdEmail,
    property: i32,
    index: i32,
    value: *const c_char,
) -> i32 {
    ffi_guard!("EmailModifiePropriete", 0, {
        let index = index_arg(index)?;
        // SAFETY: caller contract.
        let value = unsafe { args::opt_cstr(value, "value") }?;
        resolve(email.0)?
            .lock()
            .set_property(property, index, value)?;
        Ok(1)
    })
}

english!(unsafe EmailSetProperty = EmailModifiePropriete(email: WdEmail, property: i32, index: i32, value: *const c_char) -> i32);

/// Appends a value to an array property (`EmailAjoute`): `WD_EMAIL_RECIPIENT`,
/// `WD_EMAIL_CC` or `WD_EMAIL_BCC`; or, with `WD_EMAIL_ATTACHMENT_NAME`, attaches the
/// file whose path is `value`, as `EmailAjouteFichierAttache` does (WLangage's
/// `Ajoute(Email.Attache, chemin)`).
///
/// `value` must not be NULL nor hold CR/LF. Returns 1, or 0 with `WD_E_INVALID_ARGUMENT`,
/// `WD_E_INVALID_HANDLE`, or `WD_E_IO` for a file that cannot be attached. Invalidates
/// strings obtained from this message. Thread-safe.
///
/// # Safety
/// `value` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailAjoute(email: WdEmail, property: i32, value: *const c_char) -> i32 {
    ffi_guard!("EmailAjoute", 0, {
        // SAFETY: caller contract.
        let value = unsafe { args::cstr(value, "value") }?;
        if property == WD_EMAIL_ATTACHMENT_NAME {
            return attach_file(email, value);
        }
        let list = properties::appendable(property)?;
        args::single_line(value, "value")?;
        resolve(email.0)?.lock().append(list, value);
        Ok(1)
    })
}

english!(unsafe EmailAdd = EmailAjoute(email: WdEmail, property: i32, value: *const c_char) -> i32);

/// Counts the elements of an array property (`EmailNb`): recipients, Cc, Bcc, refused
/// recipients, or attachments (any of the `WD_EMAIL_ATTACHMENT_*` properties).
///
/// Returns the count, or -1 with `WD_E_INVALID_ARGUMENT` / `WD_E_INVALID_HANDLE`.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn EmailNb(email: WdEmail, property: i32) -> i32 {
    ffi_guard!("EmailNb", -1, {
        let obj = resolve(email.0)?;
        registry::complete_for(&obj, property)?;
        Ok(obj.lock().count(property)? as i32)
    })
}

english!(EmailCount = EmailNb(email: WdEmail, property: i32) -> i32);

/// Reads the `index`-th (0-based) header named `header_name` (case-insensitive), decoded
/// to UTF-8 (`EmailEntete`). Looks in the headers of an imported or received message, and
/// in the extra headers added with `EmailAjouteEntete`; for a built message, in its source.
///
/// Returns a string owned by the message (valid until it changes or is freed), or NULL:
/// with `WD_E_INVALID_ARGUMENT` when there is no such header, `WD_E_INVALID_HANDLE`.
/// Thread-safe.
///
/// # Safety
/// `header_name` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailEntete(
    email: WdEmail,
    header_name: *const c_char,
    index: i32,
) -> *const c_char {
    ffi_guard!("EmailEntete", std::ptr::null(), {
        // SAFETY: caller contract.
        let name = unsafe { args::cstr(header_name, "header_name") }?;
        let index = index_arg(index)?;
        let obj = resolve(email.0)?;
        Ok(obj.lock().header(name, index)?.as_ptr())
    })
}

english!(unsafe EmailHeader = EmailEntete(email: WdEmail, header_name: *const c_char, index: i32) -> *const c_char);

/// Adds a header to the message (`EmailAjouteEntete`), written when the source is built.
///
/// `header_name`: printable ASCII without ':' or space; `value`: UTF-8 without CR/LF
/// (non-ASCII is encoded on build). Returns 1, or 0 with `WD_E_INVALID_ARGUMENT`
/// (header injection is refused) or `WD_E_INVALID_HANDLE`. Thread-safe.
///
/// # Safety
/// `header_name` and `value` are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailAjouteEntete(
    email: WdEmail,
    header_name: *const c_char,
    value: *const c_char,
) -> i32 {
    ffi_guard!("EmailAjouteEntete", 0, {
        // SAFETY: caller contract.
        let name = unsafe { args::cstr(header_name, "header_name") }?;
        // SAFETY: caller contract.
        let value = unsafe { args::cstr(value, "value") }?;
        check_header(name, value)?;
        resolve(email.0)?.lock().add_header(name, value);
        Ok(1)
    })
}

english!(unsafe EmailAddHeader = EmailAjouteEntete(email: WdEmail, header_name: *const c_char, value: *const c_char) -> i32);
