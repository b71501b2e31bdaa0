//! Message functions (docs/API.md §3): the `Email` type behind `int32_t` handles.
//!
//! Strings returned by the getters here are owned by the message object: they stay valid
//! until that object is changed, reset or freed (rule (a) of the README, object form).
//! The object and the properties are the safe core's (`message::object`,
//! `message::properties`); the handles are in `objects`.

use crate::error::{Error, Result};
use crate::ffi::args;
use crate::ffi::strings::empty_bytes;
use crate::ffi::types::*;
use crate::message::build::BuildOptions;
use crate::message::model::check_header;
use crate::message::{Attachment, attachments, parse, properties};
use crate::registry;
use std::ffi::c_char;

mod objects;
pub use objects::{EmailObj, LISTS, MESSAGES, MessageList, new_handle, resolve, resolve_raw};
use objects::{free, resolve_whole};

fn index_arg(index: i32) -> Result<usize> {
    usize::try_from(index).map_err(|_| Error::invalid_arg(format!("index {index} is negative")))
}

/// Writes the length of `bytes` to `out_len` and returns their address (never NULL).
///
/// # Safety
/// `out_len` is valid for one write.
unsafe fn bytes_out(bytes: &[u8], out_len: *mut usize) -> *const u8 {
    // SAFETY: caller contract.
    unsafe { *out_len = bytes.len() };
    if bytes.is_empty() {
        empty_bytes()
    } else {
        bytes.as_ptr()
    }
}

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

/// English name of `EmailCree`.
#[unsafe(no_mangle)]
pub extern "C" fn EmailCreate() -> WdEmail {
    EmailCree()
}

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

/// English name of `EmailLibere`.
#[unsafe(no_mangle)]
pub extern "C" fn EmailFree(email: WdEmail) -> i32 {
    EmailLibere(email)
}

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

/// English name of `EmailRAZ`.
#[unsafe(no_mangle)]
pub extern "C" fn EmailReset(email: WdEmail) -> i32 {
    EmailRAZ(email)
}

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

/// English name of `EmailPropriete`.
#[unsafe(no_mangle)]
pub extern "C" fn EmailGetProperty(email: WdEmail, property: i32, index: i32) -> *const c_char {
    EmailPropriete(email, property, index)
}

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

/// English name of `EmailModifiePropriete`.
/// # Safety
/// As `EmailModifiePropriete`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailSetProperty(
    email: WdEmail,
    property: i32,
    index: i32,
    value: *const c_char,
) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailModifiePropriete(email, property, index, value) }
}

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

/// English name of `EmailAjoute`.
/// # Safety
/// As `EmailAjoute`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailAdd(email: WdEmail, property: i32, value: *const c_char) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailAjoute(email, property, value) }
}

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

/// English name of `EmailNb`.
#[unsafe(no_mangle)]
pub extern "C" fn EmailCount(email: WdEmail, property: i32) -> i32 {
    EmailNb(email, property)
}

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

/// English name of `EmailEntete`.
/// # Safety
/// As `EmailEntete`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailHeader(
    email: WdEmail,
    header_name: *const c_char,
    index: i32,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { EmailEntete(email, header_name, index) }
}

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

/// English name of `EmailAjouteEntete`.
/// # Safety
/// As `EmailAjouteEntete`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailAddHeader(
    email: WdEmail,
    header_name: *const c_char,
    value: *const c_char,
) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailAjouteEntete(email, header_name, value) }
}

/// Attaches a file from disk (`EmailAjouteFichierAttache`). The file is read now; its
/// name is the attachment name and its MIME type is guessed from the extension.
///
/// Only a regular file (or a symbolic link to one) of at most 256 MiB is accepted: a
/// FIFO, a device (`/dev/zero`), a socket or a folder is refused at once, without
/// blocking and without reading it. The opened file itself is checked, so nothing can be
/// swapped in between.
///
/// Returns 1, or 0 with `WD_E_IO` (file missing or unreadable, not a regular file,
/// larger than 256 MiB; the reason in `WD_ERR_SYSTEM_MESSAGE`), `WD_E_INVALID_ARGUMENT`,
/// `WD_E_INVALID_HANDLE`. Thread-safe.
///
/// # Safety
/// `path` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailAjouteFichierAttache(email: WdEmail, path: *const c_char) -> i32 {
    ffi_guard!("EmailAjouteFichierAttache", 0, {
        // SAFETY: caller contract.
        let path = unsafe { args::cstr(path, "path") }?;
        attach_file(email, path)
    })
}

/// Attaches the file `path` to message `email` (read now).
fn attach_file(email: WdEmail, path: &str) -> Result<i32> {
    let obj = resolve(email.0)?;
    let attachment = attachments::from_file(path)?;
    obj.lock().attach(attachment);
    Ok(1)
}

/// English name of `EmailAjouteFichierAttache`.
/// # Safety
/// As `EmailAjouteFichierAttache`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailAddAttachment(email: WdEmail, path: *const c_char) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailAjouteFichierAttache(email, path) }
}

/// Attaches bytes from memory (`EmailAjouteFichierAttacheMemoire`).
///
/// `name`: attachment file name (UTF-8, no CR/LF). `data`/`len`: the content (any bytes;
/// NULL allowed when `len` is 0). `content_type`: MIME type, NULL = guessed from `name`.
/// The bytes are copied. Returns 1, or 0 with `WD_E_INVALID_ARGUMENT` /
/// `WD_E_INVALID_HANDLE`. Thread-safe.
///
/// # Safety
/// `name`/`content_type` are NULL or NUL-terminated; `data` is valid for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailAjouteFichierAttacheMemoire(
    email: WdEmail,
    name: *const c_char,
    data: *const u8,
    len: usize,
    content_type: *const c_char,
) -> i32 {
    ffi_guard!("EmailAjouteFichierAttacheMemoire", 0, {
        // SAFETY: caller contract.
        let name = unsafe { args::cstr(name, "name") }?;
        // SAFETY: caller contract.
        let data = unsafe { args::bytes(data, len, "data") }?;
        // SAFETY: caller contract.
        let content_type = unsafe { args::opt_cstr(content_type, "content_type") }?;
        let attachment = Attachment::from_data(name, data, content_type)?;
        resolve(email.0)?.lock().attach(attachment);
        Ok(1)
    })
}

/// English name of `EmailAjouteFichierAttacheMemoire`.
/// # Safety
/// As `EmailAjouteFichierAttacheMemoire`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailAddAttachmentData(
    email: WdEmail,
    name: *const c_char,
    data: *const u8,
    len: usize,
    content_type: *const c_char,
) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailAjouteFichierAttacheMemoire(email, name, data, len, content_type) }
}

/// Returns the decoded bytes of attachment `index` (0-based) (`EmailFichierAttacheContenu`).
///
/// `out_len` (required) receives the length, written only on success. The bytes belong
/// to the message and stay valid until it is changed or freed. Returns NULL on error
/// (`WD_E_INVALID_ARGUMENT` for a NULL `out_len` or an index out of range,
/// `WD_E_INVALID_HANDLE`). Thread-safe.
///
/// # Safety
/// `out_len` is NULL or valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailFichierAttacheContenu(
    email: WdEmail,
    index: i32,
    out_len: *mut usize,
) -> *const u8 {
    ffi_guard!("EmailFichierAttacheContenu", std::ptr::null(), {
        let out_len = args::out_ptr(out_len, "out_len")?;
        let index = index_arg(index)?;
        let obj = resolve_whole(email.0)?;
        let o = obj.lock();
        let data = &o.attachment(index)?.data;
        // SAFETY: out_len checked non-NULL above; caller contract.
        Ok(unsafe { bytes_out(data, out_len) })
    })
}

/// English name of `EmailFichierAttacheContenu`.
/// # Safety
/// As `EmailFichierAttacheContenu`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailAttachmentContent(
    email: WdEmail,
    index: i32,
    out_len: *mut usize,
) -> *const u8 {
    // SAFETY: forwarded contract.
    unsafe { EmailFichierAttacheContenu(email, index, out_len) }
}

/// Saves attachment `index` (0-based) (`EmailSauveFichierAttache`).
///
/// `path` is the file to write, replaced if it exists (as WinDev does), or an existing
/// folder: then the file is written inside it under the attachment's safe name
/// (`WD_EMAIL_ATTACHMENT_NAME`, made safe again in case it was changed: no path, no
/// control character, no leading dot; `attachmentN.ext` when nothing is left). In the
/// folder form nothing is ever written outside the folder: the bytes go to a new
/// temporary file of the folder, then it is renamed to the safe name, replacing a file of
/// that name; a symbolic link of that name is replaced, never followed.
///
/// The bytes written are reported to the process-wide progress callback (`EmailJauge`
/// with a NULL session); returning 0 there cancels: no partial file is left
/// (`WD_E_CANCELLED`), as after a failed write.
///
/// Returns 1, or 0 with `WD_E_IO` (the OS error in `WD_ERR_SYSTEM_MESSAGE`; also a
/// folder of the attachment's name inside the folder), `WD_E_INVALID_ARGUMENT`,
/// `WD_E_INVALID_HANDLE`, `WD_E_CANCELLED`. Thread-safe.
///
/// # Safety
/// `path` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailSauveFichierAttache(
    email: WdEmail,
    index: i32,
    path: *const c_char,
) -> i32 {
    ffi_guard!("EmailSauveFichierAttache", 0, {
        // SAFETY: caller contract.
        let path = unsafe { args::cstr(path, "path") }?;
        let index = index_arg(index)?;
        let obj = resolve_whole(email.0)?;
        crate::registry::save_attachment(&obj, index, path)?;
        Ok(1)
    })
}

/// English name of `EmailSauveFichierAttache`.
/// # Safety
/// As `EmailSauveFichierAttache`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailSaveAttachment(
    email: WdEmail,
    index: i32,
    path: *const c_char,
) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailSauveFichierAttache(email, index, path) }
}

/// Builds the RFC 5322 / MIME source of the message from its fields (`EmailConstruitSource`).
///
/// `options`: 0, or a sum of `WD_BUILD_ENCODE_HEADER` (always done) and
/// `WD_BUILD_HEADER_BCC` (keep the Bcc header; left out by default). Date and Message-ID
/// are generated when empty and written back into the fields. Returns 1, or 0 with
/// `WD_E_MESSAGE` (e.g. an unparseable date), `WD_E_INVALID_ARGUMENT`,
/// `WD_E_INVALID_HANDLE`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn EmailConstruitSource(email: WdEmail, options: i32) -> i32 {
    ffi_guard!("EmailConstruitSource", 0, {
        if options & !(WD_BUILD_ENCODE_HEADER | WD_BUILD_HEADER_BCC) != 0 {
            return Err(Error::invalid_arg(format!(
                "unknown build options {options}"
            )));
        }
        let opts = BuildOptions {
            header_bcc: options & WD_BUILD_HEADER_BCC != 0,
            encode_headers: options & WD_BUILD_ENCODE_HEADER != 0,
        };
        resolve(email.0)?.lock().build_source(opts)?;
        Ok(1)
    })
}

/// English name of `EmailConstruitSource`.
#[unsafe(no_mangle)]
pub extern "C" fn EmailBuildSource(email: WdEmail, options: i32) -> i32 {
    EmailConstruitSource(email, options)
}

/// Returns the raw source of the message (`EmailSource`): built by `EmailConstruitSource`,
/// imported, or received. Empty (length 0) when there is none yet.
///
/// `out_len` (required) receives the length, written only on success. The bytes belong to
/// the message and stay valid until it is changed or freed. NULL on error. Thread-safe.
///
/// # Safety
/// `out_len` is NULL or valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailSource(email: WdEmail, out_len: *mut usize) -> *const u8 {
    ffi_guard!("EmailSource", std::ptr::null(), {
        let out_len = args::out_ptr(out_len, "out_len")?;
        // The source of a message whose parsing is deferred is already there.
        let obj = resolve_raw(email.0)?;
        registry::complete(&obj)?;
        let o = obj.lock();
        // SAFETY: out_len checked non-NULL above; caller contract.
        Ok(unsafe { bytes_out(&o.email.source, out_len) })
    })
}

/// English name of `EmailSource`.
/// # Safety
/// As `EmailSource`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailGetSource(email: WdEmail, out_len: *mut usize) -> *const u8 {
    // SAFETY: forwarded contract.
    unsafe { EmailSource(email, out_len) }
}

/// Parses a raw RFC 5322 message into the fields (`EmailImporteSource`), replacing every
/// field: addresses, subject, bodies, date, attachments (decoded), all headers (decoded).
///
/// `data`/`len`: the raw bytes (copied). Returns 1, or 0 with `WD_E_MESSAGE`,
/// `WD_E_INVALID_ARGUMENT`, `WD_E_INVALID_HANDLE`. Thread-safe.
///
/// # Safety
/// `data` is valid for `len` bytes (NULL allowed when `len` is 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailImporteSource(email: WdEmail, data: *const u8, len: usize) -> i32 {
    ffi_guard!("EmailImporteSource", 0, {
        // SAFETY: caller contract.
        let data = unsafe { args::bytes(data, len, "data") }?;
        let obj = resolve_raw(email.0)?;
        let parsed = parse::parse(data)?;
        obj.lock().replace(parsed, true);
        Ok(1)
    })
}

/// English name of `EmailImporteSource`.
/// # Safety
/// As `EmailImporteSource`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailImportSource(email: WdEmail, data: *const u8, len: usize) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailImporteSource(email, data, len) }
}

/// Sets the HTML body from `html` (`EmailImporteHTML`); local images inside `images_dir`
/// become inline parts and their `src` is rewritten to `cid:`. The text body is filled
/// from the HTML when empty.
///
/// `images_dir`: the folder the images are taken from; NULL or "" = embed nothing (every
/// `src` stays as it is). A local `src` (relative, absolute, `file:` URL, `%XX`-escaped)
/// is resolved (`..` and symbolic links followed) and embedded only when it is a regular
/// file inside `images_dir` of at most 256 MiB; anything else — a path outside the
/// folder, a link pointing out of it, a device such as `/dev/zero`, a FIFO, a folder —
/// stays in the HTML unchanged, as a link. Opening an image never blocks.
///
/// Returns 1, or 0 with `WD_E_IO` (`images_dir` is not a folder; an image named by a
/// plain relative path is missing; an image inside the folder cannot be read or is larger
/// than 256 MiB), `WD_E_INVALID_ARGUMENT`, `WD_E_INVALID_HANDLE`. On error the message is
/// unchanged. Thread-safe.
///
/// # Safety
/// `html` and `images_dir` are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailImporteHTML(
    email: WdEmail,
    html: *const c_char,
    images_dir: *const c_char,
) -> i32 {
    ffi_guard!("EmailImporteHTML", 0, {
        // SAFETY: caller contract.
        let html = unsafe { args::cstr(html, "html") }?;
        // SAFETY: caller contract.
        let dir = unsafe { args::opt_cstr(images_dir, "images_dir") }?;
        resolve(email.0)?.lock().import_html(html, dir)?;
        Ok(1)
    })
}

/// English name of `EmailImporteHTML`.
/// # Safety
/// As `EmailImporteHTML`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailImportHTML(
    email: WdEmail,
    html: *const c_char,
    images_dir: *const c_char,
) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailImporteHTML(email, html, images_dir) }
}

/// Opens the desktop's mail client on a new message filled from `email`
/// (`EmailOuvreMessagerie`, WLangage's `EmailOuvreMessagerie` / `EmailLanceAppli`): To,
/// Cc, Bcc, subject, text body and attachments, for the user to edit and send. Runs
/// `xdg-email` (freedesktop), or the command in the environment variable
/// `WD300COM_MAILER` with the same arguments, and waits for it (it returns once the
/// client has the message). Attachments are written for the client into a new private
/// folder of the system's temporary folder, left there.
///
/// `email`: a message handle, 0 = the legacy structure. Returns 1, or 0 with
/// `WD_E_NOT_SUPPORTED` (no `xdg-email` and no `WD300COM_MAILER`), `WD_E_IO` (the opener
/// failed, an attachment cannot be written), `WD_E_INVALID_HANDLE`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn EmailOuvreMessagerie(email: WdEmail) -> i32 {
    ffi_guard!("EmailOuvreMessagerie", 0, {
        let message = resolve_whole(email.0)?.lock().email.clone();
        crate::message::mailer::open(&message)?;
        Ok(1)
    })
}

/// English name of `EmailOuvreMessagerie`.
#[unsafe(no_mangle)]
pub extern "C" fn EmailOpenMail(email: WdEmail) -> i32 {
    EmailOuvreMessagerie(email)
}

/// `EmailLanceAppli` (WinDev Mobile's name): as `EmailOuvreMessagerie`.
#[unsafe(no_mangle)]
pub extern "C" fn EmailLanceAppli(email: WdEmail) -> i32 {
    EmailOuvreMessagerie(email)
}

/// English name of `EmailLanceAppli`.
#[unsafe(no_mangle)]
pub extern "C" fn EmailRunApp(email: WdEmail) -> i32 {
    EmailLanceAppli(email)
}
