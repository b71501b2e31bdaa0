//! The reading functions shared by POP3 and IMAP (docs/API.md §4): the `EmailLit…` moves,
//! `EmailLitMessage`, `EmailNbMessage`, `EmailTailleMessage`, over the session's
//! [`crate::reader::Reader`]. `EmailRecupereTout` and its lists: `lists.rs`; managing the
//! messages read and the folders: `mailbox.rs`.

use crate::error::{Error, Result};
use crate::ffi::args;
use crate::ffi::message::{EmailObj, resolve_raw};
use crate::ffi::types::WdEmail;
pub use crate::ffi::types::{WD_READ_ALL, WD_READ_HEADER, WD_READ_KEEP_UNSEEN, WD_READ_UNREAD};
use crate::message::Email;
use crate::reader::{ReadMessage, Reader, Step};
use crate::registry;
use crate::session::ReadOptions;
use std::ffi::c_char;

// The list functions and those managing the messages read and the folders keep their
// path here.
pub use crate::ffi::lists::*;
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

english!(unsafe EmailReadFirst = EmailLitPremier(session: *const c_char, email: WdEmail, options: i32) -> i32);

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

english!(unsafe EmailReadNext = EmailLitSuivant(session: *const c_char, email: WdEmail, options: i32) -> i32);

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

english!(unsafe EmailReadPrevious = EmailLitPrecedent(session: *const c_char, email: WdEmail, options: i32) -> i32);

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

english!(unsafe EmailReadLast = EmailLitDernier(session: *const c_char, email: WdEmail, options: i32) -> i32);

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

english!(unsafe EmailReadFirstHeader = EmailLitPremierEntete(session: *const c_char, email: WdEmail, options: i32) -> i32);

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

english!(unsafe EmailReadNextHeader = EmailLitSuivantEntete(session: *const c_char, email: WdEmail, options: i32) -> i32);

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

english!(unsafe EmailReadPreviousHeader = EmailLitPrecedentEntete(session: *const c_char, email: WdEmail, options: i32) -> i32);

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

english!(unsafe EmailReadLastHeader = EmailLitDernierEntete(session: *const c_char, email: WdEmail, options: i32) -> i32);

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

english!(unsafe EmailMessageSize = EmailTailleMessage(session: *const c_char, number: i32) -> i32);

/// Reads message number `number` (1-based, as listed by the server) into `email`
/// (`EmailLitMessage`); `EmailLitSuivant` then continues after it. The number is looked up
/// in the session's listing, taken anew when there is none, when the server reported a
/// change since (IMAP EXISTS, EXPUNGE) or when it does not hold the number; reading the
/// number after the one read last reads ahead as `EmailLitSuivant` does, any other number
/// fetches that message alone. IMAP: a message the server numbers otherwise when it is
/// fetched (another client removed mail meanwhile) is not returned: the listing is taken
/// anew and the number read again.
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

english!(unsafe EmailReadMessage = EmailLitMessage(session: *const c_char, email: WdEmail, number: i32) -> i32);

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

english!(unsafe EmailReadMessageHeader = EmailLitEnteteMessage(session: *const c_char, email: WdEmail, number: i32) -> i32);
