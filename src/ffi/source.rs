//! The source of a message (docs/API.md §3): building it, reading it, importing a raw
//! message or HTML, and handing the message to the desktop's mail client.

use crate::error::Error;
use crate::ffi::args::{self, bytes_out};
use crate::ffi::message::objects::resolve_whole;
use crate::ffi::message::{resolve, resolve_raw};
use crate::ffi::types::*;
use crate::message::build::BuildOptions;
use crate::message::parse;
use crate::registry;
use std::ffi::c_char;

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

english!(EmailBuildSource = EmailConstruitSource(email: WdEmail, options: i32) -> i32);

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

english!(unsafe EmailGetSource = EmailSource(email: WdEmail, out_len: *mut usize) -> *const u8);

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

english!(unsafe EmailImportSource = EmailImporteSource(email: WdEmail, data: *const u8, len: usize) -> i32);

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

english!(unsafe EmailImportHTML = EmailImporteHTML(email: WdEmail, html: *const c_char, images_dir: *const c_char) -> i32);

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

english!(EmailOpenMail = EmailOuvreMessagerie(email: WdEmail) -> i32);

/// `EmailLanceAppli` (WinDev Mobile's name): as `EmailOuvreMessagerie`.
#[unsafe(no_mangle)]
pub extern "C" fn EmailLanceAppli(email: WdEmail) -> i32 {
    EmailOuvreMessagerie(email)
}

english!(EmailRunApp = EmailLanceAppli(email: WdEmail) -> i32);
