//! The reading and folder API shared by POP3 and IMAP (API.md §4): one implementation
//! over the `Mailbox` trait, whatever the protocol of the session's incoming connection.

use crate::error::{Error, Result, WD_E};
use crate::ffi::args;
use crate::ffi::message::{EmailObj, LISTS, MESSAGES, MessageList, Origin, resolve, resolve_raw};
use crate::ffi::session::{self, Incoming};
use crate::ffi::strings::ret_thread;
use crate::ffi::types::WdEmail;
pub use crate::ffi::types::{
    WD_READ_ALL, WD_READ_HEADER, WD_READ_KEEP_UNSEEN, WD_READ_UNREAD, WdEmailList,
};
use crate::message::Email;
use crate::session::{MessageRef, ReadOptions};
use parking_lot::Mutex;
use std::ffi::c_char;
use std::sync::Arc;

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
        defer_parse: false,
    })
}

fn no_incoming(name: &str) -> Error {
    Error::new(
        WD_E::UnknownSession,
        format!("session {name:?} has no open POP3 or IMAP connection"),
    )
}

/// Runs `f` on the incoming connection of session `name` (its lock held for the call),
/// after writing the \Seen flags owed by the reading loop ([`flush_seen`]).
fn with_incoming<T>(name: &str, f: impl FnOnce(&mut Incoming) -> Result<T>) -> Result<T> {
    with_incoming_raw(name, |inc| {
        flush_seen(inc)?;
        f(inc)
    })
}

/// [`with_incoming`] without the flush (the reading loop flushes with its next batch).
fn with_incoming_raw<T>(name: &str, f: impl FnOnce(&mut Incoming) -> Result<T>) -> Result<T> {
    let e = session::find(name)?;
    let mut guard = e.incoming.lock();
    let inc = guard.as_mut().ok_or_else(|| no_incoming(name))?;
    f(inc)
}

/// Largest read-ahead batch of the `EmailLit…` loop (messages).
const AHEAD_MAX: usize = 64;
/// A batch stops before its listed sizes pass this (it holds one message at least).
const AHEAD_MAX_BYTES: u64 = 8 << 20;

/// Read-ahead of the `EmailLit…` loop: each fetch also brings the next messages in the
/// reading direction, the batch growing 1, 2, 4 … [`AHEAD_MAX`]. Batches of more than one
/// message use BODY.PEEK; the messages handed out are marked \Seen later, in one command.
#[derive(Default)]
pub struct ReadAhead {
    /// Fetched, not handed out yet (at most one batch).
    cache: Vec<(MessageRef, Email)>,
    /// The reading options the cache was fetched for.
    opts: ReadOptions,
    /// Size of the last batch (0: start again at 1).
    window: usize,
    /// Handed out without the server setting \Seen: owed a \Seen (IMAP).
    pending_seen: Vec<MessageRef>,
}

impl ReadAhead {
    /// Drops the cache and restarts the window (the \Seen owed stay).
    fn clear(&mut self) {
        self.cache.clear();
        self.window = 0;
    }

    /// Takes the cached message `r` (same UID and number).
    fn take(&mut self, r: &MessageRef) -> Option<Email> {
        let i = self
            .cache
            .iter()
            .position(|(c, _)| c.uid == r.uid && c.number == r.number)?;
        Some(self.cache.remove(i).1)
    }

    /// Drops message `r` (deleted or moved). IMAP renumbers the messages after it.
    fn forget(&mut self, r: &MessageRef, renumber: bool) {
        self.take(r);
        for (c, e) in &mut self.cache {
            if renumber && c.number > r.number {
                c.number -= 1;
                e.number -= 1;
            }
        }
    }
}

/// Sets \Seen on the messages the reading loop handed out from read-ahead batches (one
/// command). Runs before any other operation on the mailbox and before closing it.
pub fn flush_seen(inc: &mut Incoming) -> Result<()> {
    if inc.ahead.pending_seen.is_empty() {
        return Ok(());
    }
    let pending = std::mem::take(&mut inc.ahead.pending_seen);
    inc.mailbox.set_seen_many(&pending, true)
}

/// Fetches `listing[pos]` and, into the cache, the messages after it in the reading
/// direction (see [`ReadAhead`]), with the \Seen flags owed in the same round trip.
fn fetch_batch(inc: &mut Incoming, pos: usize, forward: bool, opts: ReadOptions) -> Result<Email> {
    let ahead = &mut inc.ahead;
    ahead.window = (ahead.window * 2).clamp(1, AHEAD_MAX);
    let order: Vec<usize> = if forward {
        (pos..inc.listing.len()).take(ahead.window).collect()
    } else {
        (0..=pos).rev().take(ahead.window).collect()
    };
    let mut refs: Vec<MessageRef> = Vec::with_capacity(order.len());
    let mut bytes = 0u64;
    for i in order {
        let r = &inc.listing[i];
        bytes = bytes.saturating_add(r.size);
        if !refs.is_empty() && bytes > AHEAD_MAX_BYTES {
            break;
        }
        refs.push(r.clone());
    }
    // A lone message is fetched as asked (BODY[] sets \Seen): what a one-message read
    // costs without read-ahead.
    let fetch_opts = if refs.len() > 1 {
        ReadOptions {
            keep_unseen: true,
            ..opts
        }
    } else {
        opts
    };
    let pending = std::mem::take(&mut ahead.pending_seen);
    let emails = match inc.mailbox.fetch_after_seen(&pending, &refs, fetch_opts) {
        // A message read ahead may be gone or refused: read the one asked for alone.
        Err(e) if refs.len() > 1 && e.code == WD_E::Protocol => {
            refs.truncate(1);
            inc.mailbox.fetch_after_seen(&pending, &refs, opts)?
        }
        r => r?,
    };
    if emails.len() != refs.len() {
        return Err(Error::internal(
            "server returned a different number of messages",
        ));
    }
    let mut batch = refs.into_iter().zip(emails);
    let (_, first) = batch
        .next()
        .ok_or_else(|| Error::internal("server returned no message"))?;
    inc.ahead.cache = batch.collect();
    Ok(first)
}

/// Stores a read message into handle `h` (0 = legacy structure).
fn store(
    h: i32,
    session: &str,
    email: Email,
    r: Option<&MessageRef>,
    opts: ReadOptions,
) -> Result<()> {
    let obj = resolve_raw(h)?;
    let mut o = obj.lock();
    let header_only = email.header_only;
    o.replace(email, true);
    if header_only && let Some(r) = r {
        o.origin = Some(Origin {
            session: session.to_string(),
            msg: r.clone(),
            opts,
        });
    }
    Ok(())
}

/// Marks handle `h` as "no message" (`WD_EMAIL_OUT` = 1).
fn store_out(h: i32) -> Result<()> {
    let obj = resolve_raw(h)?;
    let mut o = obj.lock();
    o.replace(
        Email {
            out: true,
            ..Email::default()
        },
        false,
    );
    Ok(())
}

/// Completes a message read with headers only, on first access of a body field.
/// No lock is held across another: message, then session, then message again.
pub fn complete(obj: &Arc<Mutex<EmailObj>>) -> Result<()> {
    let origin = {
        let o = obj.lock();
        if !o.email.header_only {
            return Ok(());
        }
        match &o.origin {
            Some(origin) => origin.clone(),
            None => return Ok(()),
        }
    };
    // Parsed at once: the caller reads a body field right after.
    let opts = ReadOptions {
        header_only: false,
        defer_parse: false,
        ..origin.opts
    };
    let mut full = with_incoming(&origin.session, |inc| {
        inc.mailbox.fetch(std::slice::from_ref(&origin.msg), opts)
    })
    .map_err(|e| {
        Error::new(
            e.code,
            format!(
                "cannot complete the message read with headers only: {}",
                e.message
            ),
        )
        .with_system(e.system.clone().unwrap_or_default())
    })?;
    let full = full
        .pop()
        .ok_or_else(|| Error::internal("server returned no message"))?;
    let mut o = obj.lock();
    if o.email.header_only {
        o.complete_with(full);
    }
    Ok(())
}

enum Step {
    First,
    Next,
    Previous,
    Last,
}

fn read_step(name: &str, h: i32, options: i32, step: Step) -> Result<i32> {
    let opts = ReadOptions {
        defer_parse: true,
        ..read_options(options)?
    };
    resolve_raw(h)?; // validate the handle before any network traffic
    let fetched = with_incoming_raw(name, |inc| {
        let relist = matches!(step, Step::First | Step::Last)
            || !inc.listed
            || inc.listing_opts.unread_only != opts.unread_only;
        if relist {
            flush_seen(inc)?;
            inc.ahead.clear();
            inc.listing = inc.mailbox.list(opts)?;
            inc.listing_opts = opts;
            inc.listed = true;
            inc.cursor = match step {
                Step::Last | Step::Previous => inc.listing.len() as isize,
                _ => -1,
            };
        }
        let len = inc.listing.len() as isize;
        let pos = match step {
            Step::First => 0,
            Step::Last => len - 1,
            Step::Next => (inc.cursor + 1).min(len),
            Step::Previous => (inc.cursor - 1).max(-1),
        };
        inc.cursor = pos;
        if pos < 0 || pos >= len {
            if matches!(step, Step::First | Step::Next) {
                inc.cursor = len;
            } else {
                inc.cursor = -1;
            }
            return Ok(None);
        }
        let pos = pos as usize;
        if inc.ahead.opts != opts {
            inc.ahead.clear();
            inc.ahead.opts = opts;
        }
        let r = inc.listing[pos].clone();
        let forward = matches!(step, Step::First | Step::Next);
        let mut email = match inc.ahead.take(&r) {
            Some(email) => email,
            None => fetch_batch(inc, pos, forward, opts)?,
        };
        if inc.mailbox.has_flags() && !opts.keep_unseen && !opts.header_only && !email.seen {
            email.seen = true;
            inc.listing[pos].seen = true;
            inc.ahead.pending_seen.push(r.clone());
        }
        Ok(Some((email, r)))
    })?;
    match fetched {
        Some((email, r)) => store(h, name, email, Some(&r), opts)?,
        None => store_out(h)?,
    }
    Ok(1)
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
        let name = unsafe { args::cstr(session, "session") }?;
        read_step(name, email.0, options, Step::First)
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
/// as before. A new listing (`EmailLitPremier`, `EmailLitDernier`), `EmailLitMessage`,
/// `EmailChangeDossier` or other reading options drop what was read ahead. IMAP: messages
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
        let name = unsafe { args::cstr(session, "session") }?;
        read_step(name, email.0, options, Step::Next)
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
        let name = unsafe { args::cstr(session, "session") }?;
        read_step(name, email.0, options, Step::Previous)
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
        let name = unsafe { args::cstr(session, "session") }?;
        read_step(name, email.0, options, Step::Last)
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
        let name = unsafe { args::cstr(session, "session") }?;
        read_step(name, email.0, options | WD_READ_HEADER, Step::First)
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
        let name = unsafe { args::cstr(session, "session") }?;
        read_step(name, email.0, options | WD_READ_HEADER, Step::Next)
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
        let name = unsafe { args::cstr(session, "session") }?;
        read_step(name, email.0, options | WD_READ_HEADER, Step::Previous)
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
        let name = unsafe { args::cstr(session, "session") }?;
        read_step(name, email.0, options | WD_READ_HEADER, Step::Last)
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
/// POP3 fails with `WD_E_NOT_SUPPORTED`). Returns the count, or -1 on error
/// (`WD_E_UNKNOWN_SESSION`, network and protocol errors). Thread-safe.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailNbMessage(session: *const c_char, options: i32) -> i32 {
    ffi_guard!("EmailNbMessage", -1, {
        // SAFETY: caller contract.
        let name = unsafe { args::cstr(session, "session") }?;
        let opts = read_options(options)?;
        let n = with_incoming(name, |inc| inc.mailbox.list(opts))?.len();
        Ok(i32::try_from(n).unwrap_or(i32::MAX))
    })
}

/// Reads message number `number` (1-based, as listed by the server) into `email`
/// (`EmailLitMessage`); `EmailLitSuivant` then continues after it.
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
        let name = unsafe { args::cstr(session, "session") }?;
        if number < 1 {
            return Err(Error::invalid_arg(format!(
                "message number {number} is not 1 or more"
            )));
        }
        resolve_raw(email.0)?;
        let opts = ReadOptions {
            defer_parse: true,
            ..ReadOptions::default()
        };
        let fetched = with_incoming(name, |inc| {
            inc.ahead.clear();
            inc.listing = inc.mailbox.list(opts)?;
            inc.listing_opts = opts;
            inc.listed = true;
            let Some(pos) = inc.listing.iter().position(|r| r.number == number as u32) else {
                inc.cursor = -1;
                return Ok(None);
            };
            inc.cursor = pos as isize;
            let r = inc.listing[pos].clone();
            let mut v = inc.mailbox.fetch(std::slice::from_ref(&r), opts)?;
            Ok(v.pop().map(|e| (e, r)))
        })?;
        match fetched {
            Some((e, r)) => store(email.0, name, e, Some(&r), opts)?,
            None => store_out(email.0)?,
        }
        Ok(1)
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
        let mut opts = read_options(options)?;
        opts.header_only = options & WD_READ_ALL == 0;
        // Each message is parsed on its first access (most callers read a few fields of
        // some messages, or only the source).
        opts.defer_parse = true;
        let (refs, emails) = with_incoming(name, |inc| inc.mailbox.fetch_all(opts))?;
        let mut items = Vec::with_capacity(emails.len());
        let mut failure = None;
        for (email, r) in emails.into_iter().zip(refs.iter()) {
            let header_only = email.header_only;
            let mut obj = EmailObj::new(email, true);
            if header_only {
                obj.origin = Some(Origin {
                    session: name.to_string(),
                    msg: r.clone(),
                    opts,
                });
            }
            match MESSAGES.insert(obj) {
                Ok(h) => items.push(h),
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        if let Some(e) = failure {
            for h in items {
                let _ = MESSAGES.remove(h);
            }
            return Err(e);
        }
        LISTS.insert(MessageList { items })
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

/// The server reference of a message handle: its origin, or its UID / number.
fn message_ref(inc: &mut Incoming, email: &Email) -> Result<MessageRef> {
    if email.uid.is_empty() && email.number == 0 {
        return Err(Error::invalid_arg(
            "the message was not read from a server (no UID and no number)",
        ));
    }
    let find = |list: &[MessageRef]| {
        list.iter()
            .find(|r| {
                if email.uid.is_empty() {
                    r.number == email.number as u32
                } else {
                    r.uid == email.uid
                }
            })
            .cloned()
    };
    if let Some(r) = find(&inc.listing) {
        return Ok(r);
    }
    let all = inc.mailbox.list(ReadOptions::default())?;
    find(&all).ok_or_else(|| {
        Error::new(
            WD_E::Protocol,
            format!(
                "message {} is no longer on the server",
                if email.uid.is_empty() {
                    email.number.to_string()
                } else {
                    email.uid.clone()
                }
            ),
        )
    })
}

/// The message's server fields and flags (no parsing needed).
fn email_of(h: i32) -> Result<Email> {
    let obj = resolve_raw(h)?;
    let o = obj.lock();
    Ok(o.email.clone())
}

/// Deletes a message read from this session (`EmailSupprimeMessage`): POP3 marks it and
/// the server removes it at `EmailFermeSession` (a lost connection deletes nothing); IMAP
/// sets \Deleted and expunges it now. `EmailLitSuivant` then continues after it.
///
/// Returns 1, or 0 with `WD_E_INVALID_ARGUMENT` (message not read from a server),
/// `WD_E_INVALID_HANDLE`, `WD_E_UNKNOWN_SESSION`, protocol errors. Thread-safe.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailSupprimeMessage(session: *const c_char, email: WdEmail) -> i32 {
    ffi_guard!("EmailSupprimeMessage", 0, {
        // SAFETY: caller contract.
        let name = unsafe { args::cstr(session, "session") }?;
        let msg = email_of(email.0)?;
        with_incoming(name, |inc| {
            let r = message_ref(inc, &msg)?;
            inc.mailbox.delete(&r)?;
            let renumber = inc.mailbox.renumbers_after_expunge();
            inc.ahead.forget(&r, renumber);
            if let Some(pos) = inc.listing.iter().position(|x| *x == r) {
                inc.listing.remove(pos);
                if (pos as isize) <= inc.cursor {
                    inc.cursor -= 1;
                }
            }
            Ok(())
        })?;
        Ok(1)
    })
}

/// English name of `EmailSupprimeMessage`.
///
/// # Safety
/// As `EmailSupprimeMessage`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailDeleteMessage(session: *const c_char, email: WdEmail) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailSupprimeMessage(session, email) }
}

/// Lists the folders of an IMAP account (`EmailListeDossier`): names in UTF-8, one per
/// line ("\n"), hierarchy levels separated by the server's separator.
///
/// Returns a thread-local string valid until the next library call on this thread, or
/// NULL with `WD_E_NOT_SUPPORTED` (POP3), `WD_E_UNKNOWN_SESSION`, protocol errors.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailListeDossier(session: *const c_char) -> *const c_char {
    ffi_guard!("EmailListeDossier", std::ptr::null(), {
        // SAFETY: caller contract.
        let name = unsafe { args::cstr(session, "session") }?;
        let folders = with_incoming(name, |inc| inc.mailbox.list_folders())?;
        Ok(ret_thread(&folders.join("\n")))
    })
}

/// English name of `EmailListeDossier`.
///
/// # Safety
/// As `EmailListeDossier`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailListFolder(session: *const c_char) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { EmailListeDossier(session) }
}

fn check_folder(folder: &str) -> Result<()> {
    if folder.is_empty() {
        return Err(Error::invalid_arg("folder name is empty"));
    }
    args::single_line(folder, "folder name")
}

/// Selects another IMAP folder (`EmailChangeDossier`); reading functions then work on
/// it.
///
/// `folder`: UTF-8 folder name (hierarchy with the server's separator). Returns 1, or 0
/// with `WD_E_NOT_SUPPORTED` (POP3), `WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_ARGUMENT`,
/// `WD_E_PROTOCOL` (the server's reply in `WD_ERR_SYSTEM_MESSAGE`). Thread-safe.
///
/// # Safety
/// `session` and `folder` are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailChangeDossier(session: *const c_char, folder: *const c_char) -> i32 {
    ffi_guard!("EmailChangeDossier", 0, {
        // SAFETY: caller contract.
        let name = unsafe { args::cstr(session, "session") }?;
        // SAFETY: caller contract.
        let folder = unsafe { args::cstr(folder, "folder") }?;
        check_folder(folder)?;
        with_incoming(name, |inc| {
            inc.ahead.clear();
            inc.mailbox.select_folder(folder)?;
            inc.listing.clear();
            inc.listed = false;
            inc.cursor = -1;
            Ok(())
        })?;
        Ok(1)
    })
}

/// English name of `EmailChangeDossier`.
///
/// # Safety
/// As `EmailChangeDossier`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailChangeFolder(session: *const c_char, folder: *const c_char) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailChangeDossier(session, folder) }
}

/// Creates an IMAP folder (`EmailCreeDossier`).
///
/// `folder`: UTF-8 folder name (hierarchy with the server's separator). Returns 1, or 0
/// with `WD_E_NOT_SUPPORTED` (POP3), `WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_ARGUMENT`,
/// `WD_E_PROTOCOL` (the server's reply in `WD_ERR_SYSTEM_MESSAGE`). Thread-safe.
///
/// # Safety
/// `session` and `folder` are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailCreeDossier(session: *const c_char, folder: *const c_char) -> i32 {
    ffi_guard!("EmailCreeDossier", 0, {
        // SAFETY: caller contract.
        let name = unsafe { args::cstr(session, "session") }?;
        // SAFETY: caller contract.
        let folder = unsafe { args::cstr(folder, "folder") }?;
        check_folder(folder)?;
        with_incoming(name, |inc| inc.mailbox.create_folder(folder))?;
        Ok(1)
    })
}

/// English name of `EmailCreeDossier`.
///
/// # Safety
/// As `EmailCreeDossier`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailCreateFolder(session: *const c_char, folder: *const c_char) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailCreeDossier(session, folder) }
}

/// Deletes an IMAP folder and the messages in it (`EmailSupprimeDossier`).
///
/// `folder`: UTF-8 folder name (hierarchy with the server's separator). Returns 1, or 0
/// with `WD_E_NOT_SUPPORTED` (POP3), `WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_ARGUMENT`,
/// `WD_E_PROTOCOL` (the server's reply in `WD_ERR_SYSTEM_MESSAGE`). Thread-safe.
///
/// # Safety
/// `session` and `folder` are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailSupprimeDossier(
    session: *const c_char,
    folder: *const c_char,
) -> i32 {
    ffi_guard!("EmailSupprimeDossier", 0, {
        // SAFETY: caller contract.
        let name = unsafe { args::cstr(session, "session") }?;
        // SAFETY: caller contract.
        let folder = unsafe { args::cstr(folder, "folder") }?;
        check_folder(folder)?;
        with_incoming(name, |inc| inc.mailbox.delete_folder(folder))?;
        Ok(1)
    })
}

/// English name of `EmailSupprimeDossier`.
///
/// # Safety
/// As `EmailSupprimeDossier`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailDeleteFolder(session: *const c_char, folder: *const c_char) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailSupprimeDossier(session, folder) }
}

/// Renames an IMAP folder (`EmailRenommeDossier`).
///
/// Returns 1, or 0 with `WD_E_NOT_SUPPORTED` (POP3), `WD_E_UNKNOWN_SESSION`,
/// `WD_E_INVALID_ARGUMENT`, `WD_E_PROTOCOL`. Thread-safe.
///
/// # Safety
/// The strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailRenommeDossier(
    session: *const c_char,
    folder: *const c_char,
    new_name: *const c_char,
) -> i32 {
    ffi_guard!("EmailRenommeDossier", 0, {
        // SAFETY: caller contract.
        let name = unsafe { args::cstr(session, "session") }?;
        // SAFETY: caller contract.
        let from = unsafe { args::cstr(folder, "folder") }?;
        // SAFETY: caller contract.
        let to = unsafe { args::cstr(new_name, "new_name") }?;
        check_folder(from)?;
        check_folder(to)?;
        with_incoming(name, |inc| inc.mailbox.rename_folder(from, to))?;
        Ok(1)
    })
}

/// English name of `EmailRenommeDossier`.
///
/// # Safety
/// As `EmailRenommeDossier`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailRenameFolder(
    session: *const c_char,
    folder: *const c_char,
    new_name: *const c_char,
) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailRenommeDossier(session, folder, new_name) }
}

fn copy_or_move(
    session: *const c_char,
    email: WdEmail,
    folder: *const c_char,
    mv: bool,
) -> Result<i32> {
    // SAFETY: caller contract of the exported functions.
    let name = unsafe { args::cstr(session, "session") }?;
    // SAFETY: caller contract of the exported functions.
    let folder = unsafe { args::cstr(folder, "folder") }?;
    check_folder(folder)?;
    let msg = email_of(email.0)?;
    with_incoming(name, |inc| {
        let r = message_ref(inc, &msg)?;
        if mv {
            inc.mailbox.move_message(&r, folder)?;
            inc.ahead.forget(&r, true);
            if let Some(pos) = inc.listing.iter().position(|x| *x == r) {
                inc.listing.remove(pos);
                if (pos as isize) <= inc.cursor {
                    inc.cursor -= 1;
                }
            }
            Ok(())
        } else {
            inc.mailbox.copy_message(&r, folder)
        }
    })?;
    Ok(1)
}

/// Copies a message read from this IMAP session into `folder` (`EmailCopieMessage`).
///
/// Returns 1, or 0 with `WD_E_NOT_SUPPORTED` (POP3), `WD_E_INVALID_ARGUMENT` (NULL,
/// empty folder name or one holding CR/LF, message not read from a server),
/// `WD_E_INVALID_HANDLE`, `WD_E_UNKNOWN_SESSION`, `WD_E_PROTOCOL`. Thread-safe.
///
/// # Safety
/// `session`/`folder` are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailCopieMessage(
    session: *const c_char,
    email: WdEmail,
    folder: *const c_char,
) -> i32 {
    ffi_guard!("EmailCopieMessage", 0, {
        copy_or_move(session, email, folder, false)
    })
}

/// English name of `EmailCopieMessage`.
///
/// # Safety
/// As `EmailCopieMessage`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailCopyMessage(
    session: *const c_char,
    email: WdEmail,
    folder: *const c_char,
) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailCopieMessage(session, email, folder) }
}

/// Moves a message read from this IMAP session into `folder` (`EmailDeplaceMessage`):
/// MOVE when the server offers it, else COPY + \Deleted + expunge.
///
/// Returns 1, or 0 with `WD_E_NOT_SUPPORTED` (POP3), `WD_E_INVALID_ARGUMENT` (NULL,
/// empty folder name or one holding CR/LF, message not read from a server),
/// `WD_E_INVALID_HANDLE`, `WD_E_UNKNOWN_SESSION`, `WD_E_PROTOCOL`. Thread-safe.
///
/// # Safety
/// `session`/`folder` are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailDeplaceMessage(
    session: *const c_char,
    email: WdEmail,
    folder: *const c_char,
) -> i32 {
    ffi_guard!("EmailDeplaceMessage", 0, {
        copy_or_move(session, email, folder, true)
    })
}

/// English name of `EmailDeplaceMessage`.
///
/// # Safety
/// As `EmailDeplaceMessage`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailMoveMessage(
    session: *const c_char,
    email: WdEmail,
    folder: *const c_char,
) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailDeplaceMessage(session, email, folder) }
}

/// Writes the message's `WD_EMAIL_SEEN` flag back to the IMAP server (`EmailMiseAJour`).
///
/// Returns 1, or 0 with `WD_E_NOT_SUPPORTED` (POP3), `WD_E_INVALID_ARGUMENT` (message
/// not read from a server), `WD_E_INVALID_HANDLE`, `WD_E_UNKNOWN_SESSION`,
/// `WD_E_PROTOCOL`. Thread-safe.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailMiseAJour(session: *const c_char, email: WdEmail) -> i32 {
    ffi_guard!("EmailMiseAJour", 0, {
        // SAFETY: caller contract.
        let name = unsafe { args::cstr(session, "session") }?;
        let msg = email_of(email.0)?;
        with_incoming(name, |inc| {
            let r = message_ref(inc, &msg)?;
            inc.mailbox.set_seen(&r, msg.seen)?;
            inc.ahead.forget(&r, false);
            if let Some(x) = inc.listing.iter_mut().find(|x| **x == r) {
                x.seen = msg.seen;
            }
            Ok(())
        })?;
        Ok(1)
    })
}

/// English name of `EmailMiseAJour`.
///
/// # Safety
/// As `EmailMiseAJour`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailUpdate(session: *const c_char, email: WdEmail) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailMiseAJour(session, email) }
}

/// Appends a message to an IMAP folder (`EmailAjouteMessage`, IMAP APPEND). The source is
/// built first when the fields changed; the \Seen flag follows `WD_EMAIL_SEEN`.
///
/// Returns 1, or 0 with `WD_E_NOT_SUPPORTED` (POP3), `WD_E_INVALID_ARGUMENT` (NULL,
/// empty folder name or one holding CR/LF), `WD_E_MESSAGE`, `WD_E_INVALID_HANDLE`,
/// `WD_E_UNKNOWN_SESSION`, `WD_E_PROTOCOL`. Thread-safe.
///
/// # Safety
/// `session`/`folder` are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailAjouteMessage(
    session: *const c_char,
    folder: *const c_char,
    email: WdEmail,
) -> i32 {
    ffi_guard!("EmailAjouteMessage", 0, {
        // SAFETY: caller contract.
        let name = unsafe { args::cstr(session, "session") }?;
        // SAFETY: caller contract.
        let folder = unsafe { args::cstr(folder, "folder") }?;
        check_folder(folder)?;
        let obj = resolve(email.0)?;
        let (data, seen) = {
            let mut o = obj.lock();
            o.ensure_built()?;
            (o.email.source.clone(), o.email.seen)
        };
        with_incoming(name, |inc| inc.mailbox.append(folder, &data, seen))?;
        Ok(1)
    })
}

/// English name of `EmailAjouteMessage`.
///
/// # Safety
/// As `EmailAjouteMessage`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailAppendMessage(
    session: *const c_char,
    folder: *const c_char,
    email: WdEmail,
) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailAjouteMessage(session, folder, email) }
}
