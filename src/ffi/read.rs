//! The reading functions shared by POP3 and IMAP (docs/API.md §4): the `EmailLit…` moves,
//! `EmailNbMessage`, `EmailRecupereTout` and its lists, over the session's
//! [`crate::reader::Reader`]. Managing the messages read and the folders: `mailbox.rs`.

use crate::error::{Error, Result};
use crate::ffi::args;
use crate::ffi::message::{EmailObj, LISTS, MESSAGES, MessageList, resolve_raw};
use crate::ffi::types::WdEmail;
pub use crate::ffi::types::{
    WD_LIST_COMPLETE, WD_LIST_ERROR, WD_LIST_FILLING, WD_READ_ALL, WD_READ_ASYNC, WD_READ_HEADER,
    WD_READ_KEEP_UNSEEN, WD_READ_UNREAD, WdEmailList,
};
use crate::message::Email;
use crate::reader::{ReadMessage, Reader, Step};
use crate::registry;
use crate::session::ReadOptions;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::ffi::c_char;
use std::sync::LazyLock;

// The functions managing the messages read and the folders keep their path here.
pub use crate::ffi::mailbox::*;

pub(crate) fn read_options(options: i32) -> Result<ReadOptions> {
    let known = WD_READ_ALL | WD_READ_UNREAD | WD_READ_HEADER | WD_READ_KEEP_UNSEEN;
    if options & !known != 0 || options < 0 {
        return Err(Error::invalid_arg(format!(
            "unknown reading options {options}"
        )));
    }
    Ok(ReadOptions {
        unread_only: options & WD_READ_UNREAD != 0,
        header_only: options & WD_READ_HEADER != 0,
        keep_unseen: options & WD_READ_KEEP_UNSEEN != 0,
        // A message handle parses its message on first access.
        defer_parse: true,
    })
}

/// Stores the object of a read into handle `h` (0 = the legacy structure): 1 when it
/// holds a message, 0 (no error) when it is "no message" (`WD_EMAIL_OUT` = 1) past an
/// end: WinDev's Faux when nothing was read, so that a loop on the result ends.
fn store(h: i32, read: EmailObj) -> Result<i32> {
    let found = i32::from(!read.email.out);
    resolve_raw(h)?.lock().replace_with(read);
    Ok(found)
}

/// Records a failed read on handle `h`: "no message" (`WD_EMAIL_OUT` = 1, so that every
/// `WHILE NOT Email.EnDehors` loop ends) with the error's message (`WD_EMAIL_ERROR`).
/// Returns `e`.
fn failed_read(h: i32, e: Error) -> Error {
    if let Ok(obj) = resolve_raw(h) {
        let email = Email {
            out: true,
            error: e.message.clone(),
            ..Email::default()
        };
        obj.lock().replace(email, false);
    }
    e
}

/// The body of every read function: decodes the session name and the options, reads
/// with `read` on the session's reader and stores the result into `email`; a failure
/// leaves `email` with `WD_EMAIL_OUT` = 1 ([`failed_read`]).
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
unsafe fn read_into(
    session: *const c_char,
    email: WdEmail,
    options: i32,
    read: impl FnOnce(&mut Reader, ReadOptions) -> Result<Option<ReadMessage>>,
) -> Result<i32> {
    resolve_raw(email.0)?; // validate the handle before any network traffic
    let got = (|| {
        // SAFETY: caller contract.
        let name = unsafe { args::cstr(session, "session") }?;
        let opts = read_options(options)?;
        registry::read(name, opts, |r| read(r, opts))
    })();
    store_outcome(email.0, got)
}

/// Stores the outcome of a read into handle `h`: the object ([`store`]: 1, or 0 without
/// error for "no message"), or the failure ([`failed_read`]: `WD_EMAIL_OUT` = 1 and the
/// message in `WD_EMAIL_ERROR`), which it returns.
pub(crate) fn store_outcome(h: i32, got: Result<EmailObj>) -> Result<i32> {
    store(h, got.map_err(|e| failed_read(h, e))?)
}

/// The body of the `EmailLit…` moves.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
unsafe fn read_move(
    session: *const c_char,
    email: WdEmail,
    options: i32,
    step: Step,
) -> Result<i32> {
    // SAFETY: caller contract.
    unsafe { read_into(session, email, options, |r, o| r.step(step, o)) }
}

/// The body of `EmailLitMessage` and `EmailLitEnteteMessage`: message `number` into
/// `email`, the number checked before the session is looked up.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
unsafe fn read_number(
    number: i32,
    session: *const c_char,
    email: WdEmail,
    opts: i32,
) -> Result<i32> {
    let number = message_number(number).map_err(|e| failed_read(email.0, e))?;
    // SAFETY: caller contract.
    unsafe { read_into(session, email, opts, |r, o| r.read_number(number, o)) }
}

/// A message number of the C API: 1 or more.
fn message_number(number: i32) -> Result<u32> {
    u32::try_from(number)
        .ok()
        .filter(|&n| n >= 1)
        .ok_or_else(|| Error::invalid_arg(format!("message number {number} is not 1 or more")))
}

/// The body of the functions that give a number of the session's reader
/// (`EmailNbMessage`, `EmailTailleMessage`): decodes the session name, runs `f` on the
/// reader, and gives the result as an `int32_t` (at most 2147483647).
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
unsafe fn reader_number(
    session: *const c_char,
    f: impl FnOnce(&mut Reader) -> Result<u64>,
) -> Result<i32> {
    // SAFETY: caller contract.
    let name = unsafe { args::cstr(session, "session") }?;
    Ok(i32::try_from(registry::with_reader(name, f)?).unwrap_or(i32::MAX))
}

/// Reads the first message of the mailbox (or selected IMAP folder) into `email`
/// (`EmailLitPremier`), taking a new listing of the mailbox.
///
/// `session`: the session name. `email`: the message handle to fill (0 = the legacy
/// structure). `options`: `WD_READ_ALL` (or 0), `WD_READ_UNREAD` (IMAP),
/// `WD_READ_HEADER`, `WD_READ_KEEP_UNSEEN` (IMAP). Returns 1 when a message was read.
/// Past the end (or on an empty mailbox) returns 0 without error (`ErreurDetectee()` =
/// 0), `email` reading `WD_EMAIL_OUT` = "1": both `while (EmailLit…(…))` and
/// `WHILE NOT Email.EnDehors` loops end. Returns 0 on error, `email` then holding no
/// message with `WD_EMAIL_OUT` = "1" and the message in `WD_EMAIL_ERROR`:
/// `WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_HANDLE`, `WD_E_NOT_SUPPORTED`
/// (`WD_READ_UNREAD` on POP3), network and protocol errors. Thread-safe; calls on one
/// session serialize.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailLitPremier(
    session: *const c_char,
    email: WdEmail,
    options: i32,
) -> i32 {
    ffi_guard!("EmailLitPremier", 0, {
        // SAFETY: caller contract.
        unsafe { read_move(session, email, options, Step::First) }
    })
}

/// English name of `EmailLitPremier`.
/// # Safety
/// As `EmailLitPremier`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailReadFirst(
    session: *const c_char,
    email: WdEmail,
    options: i32,
) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailLitPremier(session, email, options) }
}

/// Reads the message after the last one read (`EmailLitSuivant`).
///
/// Read-ahead: when the message is not already at hand, the fetch also brings the next
/// ones in the reading direction (the same for `EmailLitPrecedent`, backward), in batches
/// of 2, 4, 8 … 64 messages (at most 8 MiB by the listed sizes, one message at least),
/// so a whole loop costs a few round trips; the first read of a loop fetches one message
/// as before. A new listing (`EmailLitPremier`, `EmailLitDernier`), `EmailChangeDossier`
/// or other reading options drop what was read ahead. IMAP: messages
/// read ahead are fetched with BODY.PEEK and stay unseen until handed out; those handed
/// out (without `WD_READ_KEEP_UNSEEN` or `WD_READ_HEADER`) read with `WD_EMAIL_SEEN` =
/// "1" and are marked \Seen on the server by one UID STORE sent with the next batch, or
/// before any other operation on the session, or at `EmailFermeSession`; an error of
/// that STORE is reported by the call that sent it.
///
/// `session`: the session name. `email`: the message handle to fill (0 = the legacy
/// structure). `options`: `WD_READ_ALL` (or 0), `WD_READ_UNREAD` (IMAP),
/// `WD_READ_HEADER`, `WD_READ_KEEP_UNSEEN` (IMAP). Returns 1 when a message was read.
/// Past the end (or on an empty mailbox) returns 0 without error (`ErreurDetectee()` =
/// 0), `email` reading `WD_EMAIL_OUT` = "1": both `while (EmailLit…(…))` and
/// `WHILE NOT Email.EnDehors` loops end. Returns 0 on error, `email` then holding no
/// message with `WD_EMAIL_OUT` = "1" and the message in `WD_EMAIL_ERROR`:
/// `WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_HANDLE`, `WD_E_NOT_SUPPORTED`
/// (`WD_READ_UNREAD` on POP3), network and protocol errors. Thread-safe; calls on one
/// session serialize.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailLitSuivant(
    session: *const c_char,
    email: WdEmail,
    options: i32,
) -> i32 {
    ffi_guard!("EmailLitSuivant", 0, {
        // SAFETY: caller contract.
        unsafe { read_move(session, email, options, Step::Next) }
    })
}

/// English name of `EmailLitSuivant`.
/// # Safety
/// As `EmailLitSuivant`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailReadNext(
    session: *const c_char,
    email: WdEmail,
    options: i32,
) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailLitSuivant(session, email, options) }
}

/// Reads the message before the last one read (`EmailLitPrecedent`).
///
/// `session`: the session name. `email`: the message handle to fill (0 = the legacy
/// structure). `options`: `WD_READ_ALL` (or 0), `WD_READ_UNREAD` (IMAP),
/// `WD_READ_HEADER`, `WD_READ_KEEP_UNSEEN` (IMAP). Returns 1 when a message was read.
/// Past the end (or on an empty mailbox) returns 0 without error (`ErreurDetectee()` =
/// 0), `email` reading `WD_EMAIL_OUT` = "1": both `while (EmailLit…(…))` and
/// `WHILE NOT Email.EnDehors` loops end. Returns 0 on error, `email` then holding no
/// message with `WD_EMAIL_OUT` = "1" and the message in `WD_EMAIL_ERROR`:
/// `WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_HANDLE`, `WD_E_NOT_SUPPORTED`
/// (`WD_READ_UNREAD` on POP3), network and protocol errors. Thread-safe; calls on one
/// session serialize.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailLitPrecedent(
    session: *const c_char,
    email: WdEmail,
    options: i32,
) -> i32 {
    ffi_guard!("EmailLitPrecedent", 0, {
        // SAFETY: caller contract.
        unsafe { read_move(session, email, options, Step::Previous) }
    })
}

/// English name of `EmailLitPrecedent`.
/// # Safety
/// As `EmailLitPrecedent`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailReadPrevious(
    session: *const c_char,
    email: WdEmail,
    options: i32,
) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailLitPrecedent(session, email, options) }
}

/// Reads the last message of the mailbox (`EmailLitDernier`), taking a new listing.
///
/// `session`: the session name. `email`: the message handle to fill (0 = the legacy
/// structure). `options`: `WD_READ_ALL` (or 0), `WD_READ_UNREAD` (IMAP),
/// `WD_READ_HEADER`, `WD_READ_KEEP_UNSEEN` (IMAP). Returns 1 when a message was read.
/// Past the end (or on an empty mailbox) returns 0 without error (`ErreurDetectee()` =
/// 0), `email` reading `WD_EMAIL_OUT` = "1": both `while (EmailLit…(…))` and
/// `WHILE NOT Email.EnDehors` loops end. Returns 0 on error, `email` then holding no
/// message with `WD_EMAIL_OUT` = "1" and the message in `WD_EMAIL_ERROR`:
/// `WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_HANDLE`, `WD_E_NOT_SUPPORTED`
/// (`WD_READ_UNREAD` on POP3), network and protocol errors. Thread-safe; calls on one
/// session serialize.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailLitDernier(
    session: *const c_char,
    email: WdEmail,
    options: i32,
) -> i32 {
    ffi_guard!("EmailLitDernier", 0, {
        // SAFETY: caller contract.
        unsafe { read_move(session, email, options, Step::Last) }
    })
}

/// English name of `EmailLitDernier`.
/// # Safety
/// As `EmailLitDernier`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailReadLast(
    session: *const c_char,
    email: WdEmail,
    options: i32,
) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailLitDernier(session, email, options) }
}

/// Reads the headers of the first message (`EmailLitPremierEntete`); bodies are
/// fetched on first access of a body field.
///
/// `session`: the session name. `email`: the message handle to fill (0 = the legacy
/// structure). `options`: `WD_READ_ALL` (or 0), `WD_READ_UNREAD` (IMAP),
/// `WD_READ_HEADER`, `WD_READ_KEEP_UNSEEN` (IMAP). Returns 1 when a message was read.
/// Past the end (or on an empty mailbox) returns 0 without error (`ErreurDetectee()` =
/// 0), `email` reading `WD_EMAIL_OUT` = "1": both `while (EmailLit…(…))` and
/// `WHILE NOT Email.EnDehors` loops end. Returns 0 on error, `email` then holding no
/// message with `WD_EMAIL_OUT` = "1" and the message in `WD_EMAIL_ERROR`:
/// `WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_HANDLE`, `WD_E_NOT_SUPPORTED`
/// (`WD_READ_UNREAD` on POP3), network and protocol errors. Thread-safe; calls on one
/// session serialize.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailLitPremierEntete(
    session: *const c_char,
    email: WdEmail,
    options: i32,
) -> i32 {
    ffi_guard!("EmailLitPremierEntete", 0, {
        // SAFETY: caller contract.
        unsafe { read_move(session, email, options | WD_READ_HEADER, Step::First) }
    })
}

/// English name of `EmailLitPremierEntete`.
/// # Safety
/// As `EmailLitPremierEntete`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailReadFirstHeader(
    session: *const c_char,
    email: WdEmail,
    options: i32,
) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailLitPremierEntete(session, email, options) }
}

/// Reads the headers of the next message (`EmailLitSuivantEntete`).
///
/// `session`: the session name. `email`: the message handle to fill (0 = the legacy
/// structure). `options`: `WD_READ_ALL` (or 0), `WD_READ_UNREAD` (IMAP),
/// `WD_READ_HEADER`, `WD_READ_KEEP_UNSEEN` (IMAP). Returns 1 when a message was read.
/// Past the end (or on an empty mailbox) returns 0 without error (`ErreurDetectee()` =
/// 0), `email` reading `WD_EMAIL_OUT` = "1": both `while (EmailLit…(…))` and
/// `WHILE NOT Email.EnDehors` loops end. Returns 0 on error, `email` then holding no
/// message with `WD_EMAIL_OUT` = "1" and the message in `WD_EMAIL_ERROR`:
/// `WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_HANDLE`, `WD_E_NOT_SUPPORTED`
/// (`WD_READ_UNREAD` on POP3), network and protocol errors. Thread-safe; calls on one
/// session serialize.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailLitSuivantEntete(
    session: *const c_char,
    email: WdEmail,
    options: i32,
) -> i32 {
    ffi_guard!("EmailLitSuivantEntete", 0, {
        // SAFETY: caller contract.
        unsafe { read_move(session, email, options | WD_READ_HEADER, Step::Next) }
    })
}

/// English name of `EmailLitSuivantEntete`.
/// # Safety
/// As `EmailLitSuivantEntete`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailReadNextHeader(
    session: *const c_char,
    email: WdEmail,
    options: i32,
) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailLitSuivantEntete(session, email, options) }
}

/// Reads the headers of the previous message (`EmailLitPrecedentEntete`).
///
/// `session`: the session name. `email`: the message handle to fill (0 = the legacy
/// structure). `options`: `WD_READ_ALL` (or 0), `WD_READ_UNREAD` (IMAP),
/// `WD_READ_HEADER`, `WD_READ_KEEP_UNSEEN` (IMAP). Returns 1 when a message was read.
/// Past the end (or on an empty mailbox) returns 0 without error (`ErreurDetectee()` =
/// 0), `email` reading `WD_EMAIL_OUT` = "1": both `while (EmailLit…(…))` and
/// `WHILE NOT Email.EnDehors` loops end. Returns 0 on error, `email` then holding no
/// message with `WD_EMAIL_OUT` = "1" and the message in `WD_EMAIL_ERROR`:
/// `WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_HANDLE`, `WD_E_NOT_SUPPORTED`
/// (`WD_READ_UNREAD` on POP3), network and protocol errors. Thread-safe; calls on one
/// session serialize.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailLitPrecedentEntete(
    session: *const c_char,
    email: WdEmail,
    options: i32,
) -> i32 {
    ffi_guard!("EmailLitPrecedentEntete", 0, {
        // SAFETY: caller contract.
        unsafe { read_move(session, email, options | WD_READ_HEADER, Step::Previous) }
    })
}

/// English name of `EmailLitPrecedentEntete`.
/// # Safety
/// As `EmailLitPrecedentEntete`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailReadPreviousHeader(
    session: *const c_char,
    email: WdEmail,
    options: i32,
) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailLitPrecedentEntete(session, email, options) }
}

/// Reads the headers of the last message (`EmailLitDernierEntete`).
///
/// `session`: the session name. `email`: the message handle to fill (0 = the legacy
/// structure). `options`: `WD_READ_ALL` (or 0), `WD_READ_UNREAD` (IMAP),
/// `WD_READ_HEADER`, `WD_READ_KEEP_UNSEEN` (IMAP). Returns 1 when a message was read.
/// Past the end (or on an empty mailbox) returns 0 without error (`ErreurDetectee()` =
/// 0), `email` reading `WD_EMAIL_OUT` = "1": both `while (EmailLit…(…))` and
/// `WHILE NOT Email.EnDehors` loops end. Returns 0 on error, `email` then holding no
/// message with `WD_EMAIL_OUT` = "1" and the message in `WD_EMAIL_ERROR`:
/// `WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_HANDLE`, `WD_E_NOT_SUPPORTED`
/// (`WD_READ_UNREAD` on POP3), network and protocol errors. Thread-safe; calls on one
/// session serialize.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailLitDernierEntete(
    session: *const c_char,
    email: WdEmail,
    options: i32,
) -> i32 {
    ffi_guard!("EmailLitDernierEntete", 0, {
        // SAFETY: caller contract.
        unsafe { read_move(session, email, options | WD_READ_HEADER, Step::Last) }
    })
}

/// English name of `EmailLitDernierEntete`.
/// # Safety
/// As `EmailLitDernierEntete`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailReadLastHeader(
    session: *const c_char,
    email: WdEmail,
    options: i32,
) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailLitDernierEntete(session, email, options) }
}

/// Counts the messages of the mailbox or selected IMAP folder (`EmailNbMessage`).
///
/// As in WinDev, messages deleted in this session are counted until they are really
/// removed (their numbers stay taken): POP3 gives the count of the session's first
/// listing until the session closes; IMAP counts the folder's messages, those flagged
/// \Deleted too until `EmailDetruit` or the close. So `for (i = 1; i <= n; i++)
/// EmailLitMessage(s, e, i)` visits every number, a deleted one reading `WD_EMAIL_OUT`.
///
/// `options`: 0 / `WD_READ_ALL` for all, `WD_READ_UNREAD` for unseen ones not deleted
/// (IMAP only; POP3 fails with `WD_E_NOT_SUPPORTED`). On IMAP the listing taken to count
/// becomes the session's reading listing when it has none yet (`EmailLitMessage` then
/// reads from it). Returns the count, or -1 on error (`WD_E_UNKNOWN_SESSION`, network
/// and protocol errors). Thread-safe.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailNbMessage(session: *const c_char, options: i32) -> i32 {
    ffi_guard!("EmailNbMessage", -1, {
        let opts = read_options(options)?;
        // SAFETY: caller contract.
        unsafe { reader_number(session, |r| r.count(opts).map(|n| n as u64)) }
    })
}

/// The size in bytes of message number `number` (1-based, as listed by the server)
/// (`EmailTailleMessage`), as the server announces it, without fetching the message.
///
/// Returns the size (2147483647 for a larger one), or -1 on error:
/// `WD_E_INVALID_ARGUMENT` (no such message, e.g. one deleted in this session; a number
/// below 1), `WD_E_UNKNOWN_SESSION`, network and protocol errors. Thread-safe.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailTailleMessage(session: *const c_char, number: i32) -> i32 {
    // SAFETY: caller contract.
    ffi_guard!("EmailTailleMessage", -1, {
        unsafe { reader_number(session, |r| r.size_of(message_number(number)?)) }
    })
}

/// English name of `EmailTailleMessage`.
/// # Safety
/// As `EmailTailleMessage`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailMessageSize(session: *const c_char, number: i32) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailTailleMessage(session, number) }
}

/// Reads message number `number` (1-based, as listed by the server) into `email`
/// (`EmailLitMessage`); `EmailLitSuivant` then continues after it. The number is looked up
/// in the session's listing, taken anew when there is none, when the server reported a
/// change since (IMAP EXISTS, EXPUNGE) or when it does not hold the number; reading the
/// number after the one read last reads ahead as `EmailLitSuivant` does, any other number
/// fetches that message alone.
///
/// Returns 1 when the message was read; 0 without error (`ErreurDetectee()` = 0) and
/// `WD_EMAIL_OUT` = "1" when there is no such message (past the end, or deleted in this
/// session); 0 on error with `WD_EMAIL_OUT` = "1" and `WD_EMAIL_ERROR` set on `email`.
/// Thread-safe.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailLitMessage(
    session: *const c_char,
    email: WdEmail,
    number: i32,
) -> i32 {
    ffi_guard!("EmailLitMessage", 0, {
        // SAFETY: caller contract.
        unsafe { read_number(number, session, email, WD_READ_ALL) }
    })
}

/// English name of `EmailLitMessage`.
/// # Safety
/// As `EmailLitMessage`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailReadMessage(
    session: *const c_char,
    email: WdEmail,
    number: i32,
) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailLitMessage(session, email, number) }
}

/// Reads the headers of message number `number` (1-based, as listed by the server)
/// into `email` (`EmailLitEnteteMessage`); the body is fetched on first access of a body
/// field. PC SOFT's loop reads the headers of each message and its size
/// (`EmailTailleMessage`) to leave big messages on the server.
///
/// `email`: the message handle to fill (0 = the legacy structure). Returns 1 when the
/// headers were read; 0 without error and `WD_EMAIL_OUT` = "1" when there is no such
/// message (past the end, or deleted in this session); 0 on error
/// (`WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_HANDLE`, `WD_E_INVALID_ARGUMENT` for a number
/// below 1, network and protocol errors), `email` then holding `WD_EMAIL_OUT` = "1" and
/// the message in `WD_EMAIL_ERROR`. Thread-safe.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailLitEnteteMessage(
    session: *const c_char,
    email: WdEmail,
    number: i32,
) -> i32 {
    ffi_guard!("EmailLitEnteteMessage", 0, {
        // SAFETY: caller contract.
        unsafe { read_number(number, session, email, WD_READ_ALL | WD_READ_HEADER) }
    })
}

/// English name of `EmailLitEnteteMessage`.
/// # Safety
/// As `EmailLitEnteteMessage`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailReadMessageHeader(
    session: *const c_char,
    email: WdEmail,
    number: i32,
) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailLitEnteteMessage(session, email, number) }
}

/// A list handle holding the message objects `objects` (`EmailRecupereTout`,
/// `EmailRecherche`).
pub(crate) fn new_list(objects: Vec<EmailObj>) -> Result<i32> {
    LISTS.insert(MessageList {
        items: insert_all(objects)?,
    })
}

/// The lists filled in the background (`WD_READ_ASYNC`) that are not complete: still
/// filling, or stopped by an error. A list not in here is complete.
static FILLS: LazyLock<Mutex<HashMap<i32, Option<Error>>>> = LazyLock::new(Default::default);

/// A list is freed: its fill state goes with it.
pub fn forget_fill(list: i32) {
    FILLS.lock().remove(&list);
}

/// Adds `objects` to list `list` while it still exists; otherwise they are freed and the
/// fill stops with the error.
fn add_to_list(list: i32, objects: Vec<EmailObj>) -> Result<()> {
    let items = insert_all(objects)?;
    let kept = LISTS.get(list).and_then(|l| {
        let mut l = l.lock();
        // Checked with the list locked: `EmailLibere` removes it, then takes its items.
        LISTS.get(list)?;
        l.items.extend_from_slice(&items);
        Ok(())
    });
    if kept.is_err() {
        items.iter().for_each(|&h| drop(MESSAGES.remove(h)));
    }
    kept
}

/// The body of `EmailRecupereTout` with `WD_READ_ASYNC`: an empty list now, filled by
/// [`registry::fetch_all_background`].
fn fetch_all_async(name: &str, opts: ReadOptions) -> Result<i32> {
    let list = LISTS.insert(MessageList { items: Vec::new() })?;
    FILLS.lock().insert(list, None);
    let done = move |r: Result<()>| match r {
        Ok(()) => forget_fill(list),
        Err(e) => {
            if let Some(state) = FILLS.lock().get_mut(&list) {
                *state = Some(e);
            }
        }
    };
    let started = registry::fetch_all_background(name, opts, move |o| add_to_list(list, o), done);
    if let Err(e) = started {
        forget_fill(list);
        let _ = LISTS.remove(list);
        return Err(e);
    }
    Ok(list)
}

/// Stores message objects as handles: all of them, or none on failure.
fn insert_all(objects: Vec<EmailObj>) -> Result<Vec<i32>> {
    let mut items = Vec::new();
    for obj in objects {
        let h = MESSAGES.insert(obj).inspect_err(|_| {
            items.iter().for_each(|&h| drop(MESSAGES.remove(h)));
        })?;
        items.push(h);
    }
    Ok(items)
}

/// Fetches every message of the mailbox or selected folder in batched round trips
/// (`EmailRecupereTout`). By default (0, `WD_READ_HEADER`) headers only, each message's
/// body being fetched on first access of a body field; `WD_READ_ALL` fetches whole
/// messages at once. `WD_READ_UNREAD` (IMAP) and `WD_READ_KEEP_UNSEEN` (IMAP) apply.
/// IMAP without `WD_READ_UNREAD` lists and fetches in one round trip (two with a
/// progress callback, which is given the listed sizes as its total). Each message is
/// parsed on its first access (`EmailSource` and the UID, number, size and seen flag
/// need no parsing); a message that cannot be parsed keeps its source and those fields.
///
/// `WD_READ_ASYNC` (`ertAsynchronous`): returns the list at once, empty, and a thread of
/// the library fills it, listing then fetching in batches (at most 64 messages or 8 MiB
/// each): `EmailListeNb` grows as batches arrive, in mailbox order. The session is busy
/// meanwhile: this returns once the thread holds the session's reading connection, and
/// any later call on that connection (another read, `EmailNbMessage`, a folder change,
/// completing a message read with headers only) waits until the list is complete;
/// `EmailFermeSession` stops the fill after the batch in progress. Completion:
/// `EmailListeEtat` (`WD_LIST_FILLING`, `WD_LIST_COMPLETE`, `WD_LIST_ERROR`), and the
/// session's progress callback (`EmailJauge`), called on the filling thread, whose last
/// call has `done == total`. Freeing the list stops the fill.
///
/// Returns a list handle (> 0): `EmailListeNb` / `EmailListeElement` read it,
/// `EmailLibere(list)` frees it and its messages. 0 on error. Thread-safe.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailRecupereTout(session: *const c_char, options: i32) -> WdEmailList {
    WdEmailList(ffi_guard!("EmailRecupereTout", 0, {
        // SAFETY: caller contract.
        let name = unsafe { args::cstr(session, "session") }?;
        let opts = ReadOptions {
            header_only: options & WD_READ_ALL == 0,
            ..read_options(options & !WD_READ_ASYNC)?
        };
        if options & WD_READ_ASYNC != 0 {
            return fetch_all_async(name, opts);
        }
        new_list(registry::fetch_all(name, opts)?)
    }))
}

/// English name of `EmailRecupereTout`.
/// # Safety
/// As `EmailRecupereTout`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailGetAll(session: *const c_char, options: i32) -> WdEmailList {
    // SAFETY: forwarded contract.
    unsafe { EmailRecupereTout(session, options) }
}

/// Number of messages in a list returned by `EmailRecupereTout` (`EmailListeNb`).
/// Returns the count, or -1 with `WD_E_INVALID_HANDLE`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn EmailListeNb(list: WdEmailList) -> i32 {
    ffi_guard!("EmailListeNb", -1, {
        let l = LISTS.get(list.0)?;
        Ok(l.lock().items.len() as i32)
    })
}

/// English name of `EmailListeNb`.
#[unsafe(no_mangle)]
pub extern "C" fn EmailListCount(list: WdEmailList) -> i32 {
    EmailListeNb(list)
}

/// The `index`-th (0-based) message handle of a list (`EmailListeElement`). The message
/// is owned by the list: `EmailLibere(list)` frees it. Returns 0 with
/// `WD_E_INVALID_HANDLE` or `WD_E_INVALID_ARGUMENT` (index out of range). Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn EmailListeElement(list: WdEmailList, index: i32) -> WdEmail {
    WdEmail(ffi_guard!("EmailListeElement", 0, {
        let l = LISTS.get(list.0)?;
        let l = l.lock();
        usize::try_from(index)
            .ok()
            .and_then(|i| l.items.get(i).copied())
            .ok_or_else(|| {
                Error::invalid_arg(format!(
                    "index {index} is out of range for a list of {} message(s)",
                    l.items.len()
                ))
            })
    }))
}

/// English name of `EmailListeElement`.
#[unsafe(no_mangle)]
pub extern "C" fn EmailListItem(list: WdEmailList, index: i32) -> WdEmail {
    EmailListeElement(list, index)
}

/// Tells whether a list of `EmailRecupereTout` is complete (`EmailListeEtat`).
///
/// Returns `WD_LIST_COMPLETE` (every message is in; always for a list fetched without
/// `WD_READ_ASYNC`), `WD_LIST_FILLING` (the library's thread is still filling it), or
/// `WD_LIST_ERROR` — the fill stopped, the messages before the error stay, and the
/// thread's error state holds why (`ErreurInfo`; `WD_E_CANCELLED` when the session was
/// closed or the progress callback cancelled). -1 with `WD_E_INVALID_HANDLE`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn EmailListeEtat(list: WdEmailList) -> i32 {
    ffi_guard!("EmailListeEtat", -1, {
        LISTS.get(list.0)?;
        Ok(match FILLS.lock().get(&list.0) {
            None => WD_LIST_COMPLETE,
            Some(None) => WD_LIST_FILLING,
            Some(Some(e)) => {
                crate::ffi::errstate::set(e);
                WD_LIST_ERROR
            }
        })
    })
}

/// English name of `EmailListeEtat`.
#[unsafe(no_mangle)]
pub extern "C" fn EmailListStatus(list: WdEmailList) -> i32 {
    EmailListeEtat(list)
}
