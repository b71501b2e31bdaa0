//! The callbacks of the library (docs/API.md §9): the progress callback of transfers
//! (`EmailJauge`) and the transcript callback (`EmailTraceFonction`). Each C function
//! pointer is wrapped into a closure of the safe core ([`crate::progress::Callback`],
//! [`crate::trace::Callback`]), which the core calls on the thread that moves the data or
//! writes the line, no lock of the library held that the callback could need: a call
//! from the callback into the session of its own call fails with `WD_E_RECURSIVE_CALL`
//! ([`crate::reentry`]), anything else is allowed. What the callback's own library calls
//! record in the thread's error state is cleared when it returns, so the call it reports
//! on ends with its own outcome.
//!
//! Functions: EmailJauge / EmailProgressBar, EmailTraceFonction / EmailTraceCallback.

use crate::ffi::args;
use crate::ffi::errstate;
use crate::ffi::strings::to_cstring;
pub use crate::ffi::types::{
    WD_TRACE_CLIENT, WD_TRACE_INFO, WD_TRACE_SERVER, WdProgressCallback, WdTraceCallback,
};
use crate::{progress, registry, trace};
use std::ffi::{c_char, c_void};
use std::sync::Arc;

/// The core's progress callback calling `callback` with `user_data` (kept as an address
/// so that the closure can move between threads).
fn progress_callback(
    callback: WdProgressCallback,
    user_data: *mut c_void,
) -> Option<progress::Callback> {
    let user_data = user_data as usize;
    callback.map(|f| -> progress::Callback {
        Arc::new(move |done, total| {
            // SAFETY: the caller of EmailJauge vouched for the function and its user_data
            // until the callback is replaced.
            let go = unsafe { f(done, total, user_data as *mut c_void) };
            errstate::clear();
            go != 0
        })
    })
}

/// The core's transcript callback calling `callback` with `user_data`.
fn trace_callback(callback: WdTraceCallback, user_data: *mut c_void) -> Option<trace::Callback> {
    let user_data = user_data as usize;
    callback.map(|f| -> trace::Callback {
        Arc::new(move |session, direction, line| {
            let (session, line) = (to_cstring(session), to_cstring(line));
            // SAFETY: as above (EmailTraceFonction); the strings live until it returns.
            unsafe {
                f(
                    session.as_ptr(),
                    direction as i32,
                    line.as_ptr(),
                    user_data as *mut c_void,
                )
            };
            errstate::clear();
        })
    })
}

/// Sets the progress callback of a session (`EmailJauge`): `callback(done, total,
/// user_data)` is called while that session moves message data — sending (the bytes of
/// the built source written; `total` its size), reading (`EmailLit…`,
/// `EmailRecupereTout`, completing a message read with headers only: the bytes received;
/// `total` the size the server listed, -1 when unknown as for headers only), appending
/// (`EmailAjouteMessage`) — and by `EmailSauveFichierAttache` (the bytes written) for the
/// process-wide callback.
///
/// `session`: the name of an open or declared session, or NULL (or "") for the
/// process-wide callback, used by the sessions that set none and by work that belongs to
/// no session. A session's callback lasts as long as its name (a declared session keeps
/// it across closing and opening). `callback`: NULL removes it (`user_data` is then
/// ignored). `user_data`: passed to every call, untouched.
///
/// The calls: one when a transfer starts (`done` = 0), then at most every 64 KiB or
/// 100 ms, and a last one with `done == total` (an unknown total: the bytes moved);
/// `done` never decreases. Returning 0 cancels: the call fails with `WD_E_CANCELLED` and
/// nothing partial is kept — SMTP: a message whose data had started to leave is never
/// completed (its connection is dropped without the final dot, and the next send
/// reconnects); IMAP: the connection is dropped and opened again at the next call; POP3:
/// the connection is closed without QUIT (nothing deleted), the next call fails with
/// `WD_E_CONNECTION_LOST`. Any other value goes on. The last call of a send comes before
/// the end of the message leaves, so it can still cancel; the last call of a read,
/// when the data is already in, cannot. An asynchronous SMTP session reports no
/// progress (its sends run after `EmailEnvoieMessage` returned).
///
/// Threads: the callback runs on the thread that made the call (for `EmailRecupereTout`
/// with `WD_READ_ASYNC`, on the library's thread filling the list), with no library
/// lock held that it could need: it may call any library function except one on the
/// connection whose call it reports on, which fails at once with `WD_E_RECURSIVE_CALL`.
/// It must return normally (no longjmp, no C++ exception through the library).
///
/// Returns 1, or 0 with `WD_E_UNKNOWN_SESSION` (no session of that name),
/// `WD_E_INVALID_ARGUMENT` (name not UTF-8). Thread-safe.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string. `callback`, when not NULL, must be safe
/// to call with these arguments from the threads named above until it is replaced;
/// `user_data` must stay valid as long.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailJauge(
    session: *const c_char,
    callback: WdProgressCallback,
    user_data: *mut c_void,
) -> i32 {
    ffi_guard!("EmailJauge", 0, {
        // SAFETY: caller contract.
        let name = unsafe { args::opt_cstr(session, "session") }?.filter(|s| !s.is_empty());
        registry::set_progress(name, progress_callback(callback, user_data))?;
        Ok(1)
    })
}

english!(unsafe EmailProgressBar = EmailJauge(session: *const c_char, callback: WdProgressCallback, user_data: *mut c_void) -> i32);

/// Sets the transcript callback of the process (`EmailTraceFonction`):
/// `callback(session, direction, line, user_data)` receives every transcript line of
/// every session, as `EmailTrace` writes it to its file (both may be on): `line` starts
/// with an ISO 8601 UTC timestamp with milliseconds, then the protocol and the
/// direction mark (`2026-12-01T15:30:00.123Z SMTP C: EHLO localhost`), credentials
/// masked as `****` exactly as in the file; `session` is the name of the session the
/// line belongs to ("" for none, e.g. an OAuth2 flow); `direction` is `WD_TRACE_INFO`
/// (a note), `WD_TRACE_CLIENT` or `WD_TRACE_SERVER`. Strings valid during the call only.
///
/// `callback`: NULL stops it (`user_data` is then ignored). One callback for the
/// process; a later call replaces it. A line being delivered on another thread at that
/// moment may still reach the previous one: keep its `user_data` alive until no call is
/// in progress.
///
/// Threads: called on the thread that wrote the line — the thread of the call, or a
/// thread of the library working for a session (asynchronous sending, a list filled in
/// the background) — with no library lock held that it could need: it may call any
/// library function except one on the connection whose call it reports on
/// (`WD_E_RECURSIVE_CALL`); the lines written by such calls go to the file only, never
/// back to the callback. It must return normally (no longjmp).
///
/// Returns 1. Thread-safe.
///
/// # Safety
/// `callback`, when not NULL, must be safe to call with these arguments from any thread
/// until it is replaced; `user_data` must stay valid as long.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailTraceFonction(
    callback: WdTraceCallback,
    user_data: *mut c_void,
) -> i32 {
    ffi_guard!("EmailTraceFonction", 0, {
        trace::set_callback(trace_callback(callback, user_data));
        Ok(1)
    })
}

english!(unsafe EmailTraceCallback = EmailTraceFonction(callback: WdTraceCallback, user_data: *mut c_void) -> i32);
