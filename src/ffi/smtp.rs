//! Sending (docs/API.md §5): `EmailOuvreSessionSMTP`, `EmailEnvoieMessage`, `EmailEnvoie`,
//! `EmailEtat`, `EmailVerifieAdresse`.
//!
//! Functions: EmailOuvreSessionSMTP / EmailStartSMTPSession, EmailEnvoieMessage /
//! EmailSendMessage, EmailEnvoie / EmailSend, EmailEtat / EmailStatus,
//! EmailVerifieAdresse / EmailCheckAddress.

use crate::error::{Error, Result};
use crate::ffi::args;
use crate::ffi::message::resolve;
use crate::ffi::session::{login, open_legacy};
use crate::ffi::types::WdEmail;
pub use crate::ffi::types::{
    WD_ADDRESS_ERROR, WD_ADDRESS_INCORRECT_SYNTAX, WD_ADDRESS_REFUSED, WD_ADDRESS_VALID,
    WD_SEND_DSN_DELAY, WD_SEND_DSN_FAILURE, WD_SEND_DSN_HEADERS, WD_SEND_DSN_SUCCESS,
    WD_SEND_ENCODE_HEADER, WD_SEND_HEADER_BCC, WD_STATUS_ERROR, WD_STATUS_PENDING, WD_STATUS_SENT,
};
use crate::message::build::BuildOptions;
use crate::registry;
use crate::session::{Dsn, RecipientCheck, SendOptions, SessionKind};
use crate::smtp::{MailStatus, status};
use std::ffi::c_char;

/// Opens an SMTP session named `user` (`EmailOuvreSessionSMTP`).
///
/// `user`: login and session name (not NULL). `password`: NULL (or "") = no AUTH,
/// otherwise AUTH with the strongest mechanism both sides support. `server`: host name
/// or address. `port`: 0 = 25, or 465 with `WD_OPTION_SSL`, 587 with
/// `WD_OPTION_SECURED_TLS`. `asynchronous`: 1 = `EmailEnvoieMessage` queues and returns
/// at once (see `EmailEtat`). `option`: `WD_OPTION_NONE`, `WD_OPTION_SSL` (implicit TLS)
/// or `WD_OPTION_SECURED_TLS` (STARTTLS required: an error if not offered).
///
/// Returns 1, or 0 with `WD_E_INVALID_ARGUMENT`, `WD_E_SESSION_EXISTS`, `WD_E_CONNECT`,
/// `WD_E_TIMEOUT`, `WD_E_TLS`, `WD_E_AUTH`, `WD_E_PROTOCOL` (server reply in
/// `WD_ERR_SYSTEM_MESSAGE`). Thread-safe.
///
/// # Safety
/// `user`, `server` are NULL or NUL-terminated; `password` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailOuvreSessionSMTP(
    user: *const c_char,
    password: *const c_char,
    server: *const c_char,
    port: i32,
    asynchronous: i32,
    option: i32,
) -> i32 {
    ffi_guard!("EmailOuvreSessionSMTP", 0, {
        // SAFETY: caller contract.
        let login = unsafe { login(user, password, server, false) }?;
        open_legacy(SessionKind::Smtp, login, port, option, asynchronous)
    })
}

english!(unsafe EmailStartSMTPSession = EmailOuvreSessionSMTP(user: *const c_char, password: *const c_char, server: *const c_char, port: i32, asynchronous: i32, option: i32) -> i32);

/// The `WD_SEND_*` options of `EmailEnvoieMessage`.
fn send_options(options: i32) -> Result<SendOptions> {
    let known = WD_SEND_ENCODE_HEADER
        | WD_SEND_HEADER_BCC
        | WD_SEND_DSN_SUCCESS
        | WD_SEND_DSN_FAILURE
        | WD_SEND_DSN_DELAY
        | WD_SEND_DSN_HEADERS;
    if options & !known != 0 {
        return Err(Error::invalid_arg(format!(
            "unknown send options {options}"
        )));
    }
    let on = |flag: i32| options & flag != 0;
    Ok(SendOptions {
        build: (on(WD_SEND_ENCODE_HEADER) || on(WD_SEND_HEADER_BCC)).then_some(BuildOptions {
            header_bcc: on(WD_SEND_HEADER_BCC),
            encode_headers: on(WD_SEND_ENCODE_HEADER),
        }),
        keep_bcc: on(WD_SEND_HEADER_BCC),
        dsn: Dsn {
            success: on(WD_SEND_DSN_SUCCESS),
            failure: on(WD_SEND_DSN_FAILURE),
            delay: on(WD_SEND_DSN_DELAY),
            headers_only: on(WD_SEND_DSN_HEADERS),
        },
    })
}

/// Sends a message through the SMTP connection of a session (`EmailEnvoieMessage`).
///
/// `session`: session name. `email`: message handle, 0 = the legacy structure; its
/// source is built when needed. MAIL FROM is the bare `WD_EMAIL_SENDER`, RCPT TO every
/// To, Cc and Bcc (Bcc is left out of the headers unless `WD_SEND_HEADER_BCC`).
/// `options`: 0, or a sum of `WD_SEND_ENCODE_HEADER` (the source is rebuilt with every
/// text header encoded), `WD_SEND_HEADER_BCC` (rebuilt with the Bcc header, which is
/// sent), and the delivery status notifications (RFC 3461) `WD_SEND_DSN_SUCCESS`,
/// `WD_SEND_DSN_FAILURE`, `WD_SEND_DSN_DELAY` (`NOTIFY=` on each RCPT) and
/// `WD_SEND_DSN_HEADERS` (`RET=HDRS`), asked when the server offers DSN (otherwise the
/// message goes without, noted in the transcript).
/// Recipients the server refused are listed in `WD_EMAIL_REFUSED` ("addr: reply"); the
/// message still goes to the others. On an asynchronous session the message is queued
/// and `WD_EMAIL_MAIL_ID` is set for `EmailEtat`. On failure the message is also in
/// `WD_EMAIL_ERROR`.
///
/// Returns 1, or 0 with `WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_HANDLE`,
/// `WD_E_INVALID_ARGUMENT` (no sender or recipient, unknown option), `WD_E_MESSAGE`
/// (cannot build, or larger than the server's limit), `WD_E_RECIPIENT_REFUSED` (every
/// recipient refused; the first reply in the message), `WD_E_PROTOCOL`, `WD_E_TIMEOUT`,
/// `WD_E_CONNECTION_LOST`, `WD_E_IO` (spool). Thread-safe; sends on one session are
/// serialized.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailEnvoieMessage(
    session: *const c_char,
    email: WdEmail,
    options: i32,
) -> i32 {
    ffi_guard!("EmailEnvoieMessage", 0, {
        // SAFETY: caller contract.
        let name = unsafe { args::cstr(session, "session") }?;
        let options = send_options(options)?;
        let obj = resolve(email.0)?; // a bad handle is reported as such, whatever the session
        registry::send_message(name, &obj, options)?;
        Ok(1)
    })
}

english!(unsafe EmailSendMessage = EmailEnvoieMessage(session: *const c_char, email: WdEmail, options: i32) -> i32);

/// Sends a ready RFC 5322 message from a file (`EmailEnvoie`), as it is: MAIL FROM the
/// first address of its `From`, RCPT TO every address of its `To`, `Cc` and `Bcc`; the
/// Bcc header lines are removed and line ends made CRLF (dot-stuffed, or sent with BDAT
/// when the server offers CHUNKING), nothing else changed. On an asynchronous session
/// the message is queued (follow it with `EmailEtat`: the id is not returned here).
///
/// `session`: session name (an open SMTP connection). `path`: the file (`.eml`), a
/// regular file of at most 512 MiB. Returns 1, or 0 with `WD_E_IO` (file missing,
/// unreadable, not a regular file, too large), `WD_E_MESSAGE` (no header, no From
/// address), `WD_E_INVALID_ARGUMENT` (no recipient), `WD_E_UNKNOWN_SESSION`,
/// `WD_E_RECIPIENT_REFUSED`, `WD_E_PROTOCOL`, network errors. Thread-safe.
///
/// # Safety
/// `session` and `path` are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailEnvoie(session: *const c_char, path: *const c_char) -> i32 {
    ffi_guard!("EmailEnvoie", 0, {
        // SAFETY: caller contract.
        let name = unsafe { args::cstr(session, "session") }?;
        // SAFETY: caller contract.
        let path = unsafe { args::cstr(path, "path") }?;
        registry::send_file(name, path)?;
        Ok(1)
    })
}

english!(unsafe EmailSend = EmailEnvoie(session: *const c_char, path: *const c_char) -> i32);

/// State of an asynchronously sent message (`EmailEtat`).
///
/// `mail_id`: the `WD_EMAIL_MAIL_ID` set by `EmailEnvoieMessage` (1 to 2147483647, never
/// given twice in a process). Returns `WD_STATUS_PENDING`, `WD_STATUS_SENT`, or
/// `WD_STATUS_ERROR` — then the thread's error state holds why (`ErreurInfo`) — or -1
/// with `WD_E_INVALID_ARGUMENT` for an unknown id. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn EmailEtat(mail_id: i32) -> i32 {
    ffi_guard!("EmailEtat", -1, {
        match status(mail_id) {
            None => Err(Error::invalid_arg(format!("unknown mail id {mail_id}"))),
            Some(MailStatus::Pending) => Ok(WD_STATUS_PENDING),
            Some(MailStatus::Sent) => Ok(WD_STATUS_SENT),
            Some(MailStatus::Error(e)) => {
                crate::ffi::errstate::set(&e);
                Ok(WD_STATUS_ERROR)
            }
        }
    })
}

english!(EmailStatus = EmailEtat(mail_id: i32) -> i32);

/// Checks an address (`EmailVerifieAdresse`): its syntax, then, with a session, whether
/// the SMTP server accepts it as a recipient (MAIL FROM / RCPT TO / RSET; nothing sent).
///
/// `address`: "addr@host" or "Name <addr@host>". `session`: NULL = syntax only.
/// Returns `WD_ADDRESS_VALID`, `WD_ADDRESS_INCORRECT_SYNTAX`, `WD_ADDRESS_REFUSED`, or
/// `WD_ADDRESS_ERROR` with the error state set (`WD_E_INVALID_ARGUMENT` for NULL,
/// `WD_E_UNKNOWN_SESSION`, network and protocol errors). Thread-safe.
///
/// # Safety
/// `address` and `session` are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailVerifieAdresse(
    address: *const c_char,
    session: *const c_char,
) -> i32 {
    ffi_guard!("EmailVerifieAdresse", WD_ADDRESS_ERROR, {
        // SAFETY: caller contract.
        let address = unsafe { args::cstr(address, "address") }?;
        // SAFETY: caller contract.
        let name = unsafe { args::opt_cstr(session, "session") }?;
        Ok(match registry::check_address(address, name)? {
            None => WD_ADDRESS_INCORRECT_SYNTAX,
            Some(RecipientCheck::Accepted) => WD_ADDRESS_VALID,
            Some(RecipientCheck::Refused(_)) => WD_ADDRESS_REFUSED,
        })
    })
}

english!(unsafe EmailCheckAddress = EmailVerifieAdresse(address: *const c_char, session: *const c_char) -> i32);
