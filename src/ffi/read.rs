//! The reading functions shared by POP3 and IMAP (API.md §4): the `EmailLit…` moves,
//! `EmailNbMessage`, `EmailRecupereTout` and its lists, over the session's
//! [`crate::reader::Reader`]. Managing the messages read and the folders: `mailbox.rs`.

use crate::error::{Error, Result};
use crate::ffi::args;
use crate::ffi::message::{EmailObj, LISTS, MESSAGES, MessageList, Origin, resolve_raw};
use crate::ffi::types::WdEmail;
pub use crate::ffi::types::{
    WD_READ_ALL, WD_READ_HEADER, WD_READ_KEEP_UNSEEN, WD_READ_UNREAD, WdEmailList,
};
use crate::message::Email;
use crate::reader::{ReadMessage, Step};
use crate::registry;
use crate::session::{MessageRef, ReadOptions};
use parking_lot::Mutex;
use std::ffi::c_char;
use std::sync::Arc;

// The functions managing the messages read and the folders keep their path here.
pub use crate::ffi::mailbox::*;

fn read_options(options: i32) -> Result<ReadOptions> {
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

/// A message object holding `email` as read from session `session` with `opts`: one
/// read with headers only remembers where it came from, to be completed on first access
/// of a body field ([`complete`]).
fn read_object(email: Email, session: &str, msg: &MessageRef, opts: ReadOptions) -> EmailObj {
    let origin = email.header_only.then(|| Origin {
        session: session.to_string(),
        msg: msg.clone(),
        opts,
    });
    let mut obj = EmailObj::new(email, true);
    obj.origin = origin;
    obj
}

/// Stores the result of a read into handle `h` (0 = the legacy structure): the message,
/// or "no message" (`WD_EMAIL_OUT` = 1) past an end.
fn store(h: i32, session: &str, read: Option<ReadMessage>, opts: ReadOptions) -> Result<i32> {
    let read = match read {
        Some(ReadMessage { email, msg }) => read_object(email, session, &msg, opts),
        None => EmailObj::new(
            Email {
                out: true,
                ..Email::default()
            },
            false,
        ),
    };
    let obj = resolve_raw(h)?;
    let mut o = obj.lock();
    o.replace(read.email, read.built);
    o.origin = read.origin;
    Ok(1)
}

/// Completes a message read with headers only, on first access of a body field.
/// No lock is held across another: message, then session, then message again.
pub fn complete(obj: &Arc<Mutex<EmailObj>>) -> Result<()> {
    let origin = match &obj.lock() {
        o if o.email.header_only => o.origin.clone(),
        _ => None,
    };
    let Some(origin) = origin else {
        return Ok(());
    };
    let full = registry::complete(&origin.session, &origin.msg, origin.opts)?;
    let mut o = obj.lock();
    if o.email.header_only {
        o.complete_with(full);
    }
    Ok(())
}

/// The body of the `EmailLit…` moves: decodes the session name and reads into `email`.
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
    let name = unsafe { args::cstr(session, "session") }?;
    let opts = read_options(options)?;
    resolve_raw(email.0)?; // validate the handle before any network traffic
    let read = registry::with_reader(name, |r| r.step(step, opts))?;
    store(email.0, name, read, opts)
}

/// The body of `EmailLitMessage`: decodes the session name and reads message `number`
/// into `email`.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
unsafe fn read_number(session: *const c_char, email: WdEmail, number: i32) -> Result<i32> {
    // SAFETY: caller contract.
    let name = unsafe { args::cstr(session, "session") }?;
    let number = u32::try_from(number)
        .ok()
        .filter(|&n| n >= 1)
        .ok_or_else(|| Error::invalid_arg(format!("message number {number} is not 1 or more")))?;
    resolve_raw(email.0)?;
    let opts = read_options(WD_READ_ALL)?;
    let read = registry::with_reader(name, |r| r.read_number(number, opts))?;
    store(email.0, name, read, opts)
}

/// Reads the first message of the mailbox (or selected IMAP folder) into `email`
/// (`EmailLitPremier`), taking a new listing of the mailbox.
///
/// `session`: the session name. `email`: the message handle to fill (0 = the legacy
/// structure). `options`: `WD_READ_ALL` (or 0), `WD_READ_UNREAD` (IMAP),
/// `WD_READ_HEADER`, `WD_READ_KEEP_UNSEEN` (IMAP). Past the end (or on an empty mailbox)
/// returns 1 with `WD_EMAIL_OUT` = "1". Returns 0 on error: `WD_E_UNKNOWN_SESSION`,
/// `WD_E_INVALID_HANDLE`, `WD_E_NOT_SUPPORTED` (`WD_READ_UNREAD` on POP3), network and
/// protocol errors. Thread-safe; calls on one session serialize.
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
///
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
/// `WD_READ_HEADER`, `WD_READ_KEEP_UNSEEN` (IMAP). Past the end (or on an empty mailbox)
/// returns 1 with `WD_EMAIL_OUT` = "1". Returns 0 on error: `WD_E_UNKNOWN_SESSION`,
/// `WD_E_INVALID_HANDLE`, `WD_E_NOT_SUPPORTED` (`WD_READ_UNREAD` on POP3), network and
/// protocol errors. Thread-safe; calls on one session serialize.
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
///
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
/// `WD_READ_HEADER`, `WD_READ_KEEP_UNSEEN` (IMAP). Past the end (or on an empty mailbox)
/// returns 1 with `WD_EMAIL_OUT` = "1". Returns 0 on error: `WD_E_UNKNOWN_SESSION`,
/// `WD_E_INVALID_HANDLE`, `WD_E_NOT_SUPPORTED` (`WD_READ_UNREAD` on POP3), network and
/// protocol errors. Thread-safe; calls on one session serialize.
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
///
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
/// `WD_READ_HEADER`, `WD_READ_KEEP_UNSEEN` (IMAP). Past the end (or on an empty mailbox)
/// returns 1 with `WD_EMAIL_OUT` = "1". Returns 0 on error: `WD_E_UNKNOWN_SESSION`,
/// `WD_E_INVALID_HANDLE`, `WD_E_NOT_SUPPORTED` (`WD_READ_UNREAD` on POP3), network and
/// protocol errors. Thread-safe; calls on one session serialize.
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
///
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
/// `WD_READ_HEADER`, `WD_READ_KEEP_UNSEEN` (IMAP). Past the end (or on an empty mailbox)
/// returns 1 with `WD_EMAIL_OUT` = "1". Returns 0 on error: `WD_E_UNKNOWN_SESSION`,
/// `WD_E_INVALID_HANDLE`, `WD_E_NOT_SUPPORTED` (`WD_READ_UNREAD` on POP3), network and
/// protocol errors. Thread-safe; calls on one session serialize.
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
///
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
/// `WD_READ_HEADER`, `WD_READ_KEEP_UNSEEN` (IMAP). Past the end (or on an empty mailbox)
/// returns 1 with `WD_EMAIL_OUT` = "1". Returns 0 on error: `WD_E_UNKNOWN_SESSION`,
/// `WD_E_INVALID_HANDLE`, `WD_E_NOT_SUPPORTED` (`WD_READ_UNREAD` on POP3), network and
/// protocol errors. Thread-safe; calls on one session serialize.
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
///
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
/// `WD_READ_HEADER`, `WD_READ_KEEP_UNSEEN` (IMAP). Past the end (or on an empty mailbox)
/// returns 1 with `WD_EMAIL_OUT` = "1". Returns 0 on error: `WD_E_UNKNOWN_SESSION`,
/// `WD_E_INVALID_HANDLE`, `WD_E_NOT_SUPPORTED` (`WD_READ_UNREAD` on POP3), network and
/// protocol errors. Thread-safe; calls on one session serialize.
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
///
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
/// `WD_READ_HEADER`, `WD_READ_KEEP_UNSEEN` (IMAP). Past the end (or on an empty mailbox)
/// returns 1 with `WD_EMAIL_OUT` = "1". Returns 0 on error: `WD_E_UNKNOWN_SESSION`,
/// `WD_E_INVALID_HANDLE`, `WD_E_NOT_SUPPORTED` (`WD_READ_UNREAD` on POP3), network and
/// protocol errors. Thread-safe; calls on one session serialize.
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
///
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
/// `options`: 0 / `WD_READ_ALL` for all, `WD_READ_UNREAD` for unseen ones (IMAP only;
/// POP3 fails with `WD_E_NOT_SUPPORTED`). The listing taken to count becomes the session's
/// reading listing when it has none yet (`EmailLitMessage` then reads from it). Returns
/// the count, or -1 on error (`WD_E_UNKNOWN_SESSION`, network and protocol errors).
/// Thread-safe.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailNbMessage(session: *const c_char, options: i32) -> i32 {
    ffi_guard!("EmailNbMessage", -1, {
        // SAFETY: caller contract.
        let name = unsafe { args::cstr(session, "session") }?;
        let opts = read_options(options)?;
        let n = registry::with_reader(name, |r| r.count(opts))?;
        Ok(i32::try_from(n).unwrap_or(i32::MAX))
    })
}

/// Reads message number `number` (1-based, as listed by the server) into `email`
/// (`EmailLitMessage`); `EmailLitSuivant` then continues after it. The number is looked up
/// in the session's listing, taken anew only when there is none or the server reported a
/// change since (IMAP EXISTS, EXPUNGE); reading the number after the one read last reads
/// ahead as `EmailLitSuivant` does, any other number fetches that message alone.
///
/// Returns 1 (with `WD_EMAIL_OUT` = "1" when there is no such message), or 0 on error.
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
        unsafe { read_number(session, email, number) }
    })
}

/// English name of `EmailLitMessage`.
///
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

/// Stores message objects as handles: all of them, or none on failure.
fn insert_all(objects: impl Iterator<Item = EmailObj>) -> Result<Vec<i32>> {
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
/// IMAP without `WD_READ_UNREAD` lists and fetches in one round trip. Each message is
/// parsed on its first access (`EmailSource` and the UID, number, size and seen flag
/// need no parsing); a message that cannot be parsed keeps its source and those fields.
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
            ..read_options(options)?
        };
        let (refs, emails) = registry::with_reader(name, |r| r.fetch_all(opts))?;
        let objects =
            (emails.into_iter().zip(&refs)).map(|(email, msg)| read_object(email, name, msg, opts));
        LISTS.insert(MessageList {
            items: insert_all(objects)?,
        })
    }))
}

/// English name of `EmailRecupereTout`.
///
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
