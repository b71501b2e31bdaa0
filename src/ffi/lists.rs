//! The lists of messages (docs/API.md §4): `EmailRecupereTout` and the `EmailListe…`
//! functions reading its lists. The list and its fill state are the core's
//! ([`crate::registry::MessageList`]); the handles are in `message::objects`.

use crate::error::Result;
use crate::ffi::args;
use crate::ffi::message::{EmailObj, LISTS, MESSAGES, MessageList};
use crate::ffi::read::read_options;
use crate::ffi::types::WdEmail;
pub use crate::ffi::types::{
    WD_LIST_COMPLETE, WD_LIST_ERROR, WD_LIST_FILLING, WD_READ_ALL, WD_READ_ASYNC, WdEmailList,
};
use crate::registry::{self, FillState};
use crate::session::ReadOptions;
use std::ffi::c_char;

/// A list handle holding the message objects `objects` (`EmailRecupereTout`,
/// `EmailRecherche`).
pub(crate) fn new_list(objects: Vec<EmailObj>) -> Result<i32> {
    LISTS.insert(MessageList::complete(insert_all(objects)?))
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
    let list = LISTS.insert(MessageList::filling())?;
    let done = move |r: Result<()>| {
        if let Ok(l) = LISTS.get(list) {
            l.lock().fill = FillState::ended(r);
        }
    };
    let started = registry::fetch_all_background(name, opts, move |o| add_to_list(list, o), done);
    if let Err(e) = started {
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

english!(unsafe EmailGetAll = EmailRecupereTout(session: *const c_char, options: i32) -> WdEmailList);

/// Number of messages in a list returned by `EmailRecupereTout` (`EmailListeNb`).
/// Returns the count, or -1 with `WD_E_INVALID_HANDLE`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn EmailListeNb(list: WdEmailList) -> i32 {
    ffi_guard!("EmailListeNb", -1, {
        let l = LISTS.get(list.0)?;
        Ok(l.lock().items.len() as i32)
    })
}

english!(EmailListCount = EmailListeNb(list: WdEmailList) -> i32);

/// The `index`-th (0-based) message handle of a list (`EmailListeElement`). The message
/// is owned by the list: `EmailLibere(list)` frees it. Returns 0 with
/// `WD_E_INVALID_HANDLE` or `WD_E_INVALID_ARGUMENT` (index out of range). Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn EmailListeElement(list: WdEmailList, index: i32) -> WdEmail {
    WdEmail(ffi_guard!("EmailListeElement", 0, {
        LISTS.get(list.0)?.lock().item(index)
    }))
}

english!(EmailListItem = EmailListeElement(list: WdEmailList, index: i32) -> WdEmail);

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
        Ok(match &LISTS.get(list.0)?.lock().fill {
            FillState::Complete => WD_LIST_COMPLETE,
            FillState::Filling => WD_LIST_FILLING,
            FillState::Stopped(e) => {
                crate::ffi::errstate::set(e);
                WD_LIST_ERROR
            }
        })
    })
}

english!(EmailListStatus = EmailListeEtat(list: WdEmailList) -> i32);
