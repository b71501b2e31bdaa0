//! Attachments of a message (docs/API.md §3): attaching a file or bytes, reading and
//! saving an attachment. The files are the core's (`message::attachments`,
//! [`crate::registry::save_attachment`]).

use crate::error::Result;
use crate::ffi::args::{self, bytes_out, index_arg};
use crate::ffi::message::objects::resolve_whole;
use crate::ffi::message::resolve;
use crate::ffi::types::WdEmail;
use crate::message::{Attachment, attachments};
use std::ffi::c_char;

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
pub(crate) fn attach_file(email: WdEmail, path: &str) -> Result<i32> {
    let obj = resolve(email.0)?;
    let attachment = attachments::from_file(path)?;
    obj.lock().attach(attachment);
    Ok(1)
}

english!(unsafe EmailAddAttachment = EmailAjouteFichierAttache(email: WdEmail, path: *const c_char) -> i32);

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

english!(unsafe EmailAddAttachmentData = EmailAjouteFichierAttacheMemoire(email: WdEmail, name: *const c_char, data: *const u8, len: usize, content_type: *const c_char) -> i32);

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

english!(unsafe EmailAttachmentContent = EmailFichierAttacheContenu(email: WdEmail, index: i32, out_len: *mut usize) -> *const u8);

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

english!(unsafe EmailSaveAttachment = EmailSauveFichierAttache(email: WdEmail, index: i32, path: *const c_char) -> i32);
