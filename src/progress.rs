//! Progress of transfers and their cancellation (`EmailJauge`, docs/API.md §9).
//!
//! A library call that moves message data runs inside a [`scope`] carrying the progress
//! callback of its session (set by the registry). The layer that knows the size of the
//! transfer announces it with [`expect`] (the reader: the sizes the server listed; sending:
//! the size of the built source); the connection counts the bytes of the data itself with
//! [`advance`] at one level: the SMTP body writer, the POP3 dot decoder and the IMAP
//! literal reader and writer (`crate::net::Connection`). Outside a scope, or before
//! [`expect`], nothing is counted and nothing is called.
//!
//! The callback gets `(done, total)`: `total` is the size announced (-1 when unknown),
//! `done` never decreases and never passes a known total. It is called once when the
//! transfer starts (`done` = 0), then at most every [`STEP_BYTES`] bytes or [`STEP_TIME`],
//! and a last time with `done == total` (an unknown total is then the bytes moved).
//! Returning false stops the transfer with `WD_E_CANCELLED`: the connection that was in
//! the middle of the data is given up (`Connection::abandon`), so no partial message is
//! ever delivered or handed out. For sending, the last call is made before the last piece
//! of the message leaves ([`complete`]), so that it can still cancel; a last call made
//! after the transfer ended ([`finish`]) cannot.
//!
//! No lock of the library is held by this module while the callback runs; a panic in it
//! is caught and stops the transfer like a cancel (`WD_E_INTERNAL`).

use crate::error::{Error, Result, WD_E};
use std::cell::RefCell;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A progress callback: `(done, total)` → false to cancel. Called on the thread that
/// moves the data.
pub type Callback = Arc<dyn Fn(i64, i64) -> bool + Send + Sync>;

/// Fewest bytes between two calls (unless [`STEP_TIME`] passed).
pub const STEP_BYTES: u64 = 64 * 1024;
/// Shortest time between two calls (unless [`STEP_BYTES`] moved).
pub const STEP_TIME: Duration = Duration::from_millis(100);

/// The progress of the transfers of one call.
struct Meter {
    callback: Callback,
    /// A transfer was announced ([`expect`]): bytes are counted from then on.
    started: bool,
    /// The size announced, `None` when unknown.
    total: Option<u64>,
    /// Bytes counted.
    done: u64,
    /// The last `done` reported, and when.
    shown: Option<u64>,
    shown_at: Instant,
    /// The last call (`done == total`) was made.
    ended: bool,
    /// The callback asked to stop (or failed): nothing more is reported.
    stopped: bool,
}

impl Meter {
    /// What the callback is shown as `done` now: the bytes counted, within the total.
    fn visible(&self) -> u64 {
        self.total.map_or(self.done, |t| self.done.min(t))
    }

    /// The total shown: the size announced, or -1.
    fn total_arg(&self) -> i64 {
        self.total.map_or(-1, clamp)
    }
}

fn clamp(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

thread_local! {
    static METER: RefCell<Option<Meter>> = const { RefCell::new(None) };
}

/// The progress context of one library call; the previous one (a call made from inside
/// a callback) comes back when it is dropped.
#[must_use = "the progress callback applies while the scope lives"]
pub struct Scope {
    previous: Option<Meter>,
}

impl Drop for Scope {
    fn drop(&mut self) {
        let previous = self.previous.take();
        let _ = METER.try_with(|m| *m.borrow_mut() = previous);
    }
}

/// Starts the progress context of a call: `callback` (none: nothing is reported) applies
/// to the transfers of the calling thread until the scope is dropped.
pub fn scope(callback: Option<Callback>) -> Scope {
    let meter = callback.map(|callback| Meter {
        callback,
        started: false,
        total: Some(0),
        done: 0,
        shown: None,
        shown_at: Instant::now(),
        ended: false,
        stopped: false,
    });
    let previous = METER
        .try_with(|m| std::mem::replace(&mut *m.borrow_mut(), meter))
        .ok()
        .flatten();
    Scope { previous }
}

/// True when the current call reports progress (a callback is set).
pub fn active() -> bool {
    METER
        .try_with(|m| m.borrow().as_ref().is_some_and(|m| !m.stopped))
        .unwrap_or(false)
}

/// What to report, decided with the meter borrowed; the call is made after.
struct Report {
    callback: Callback,
    done: i64,
    total: i64,
}

/// Updates the meter with `f`, then calls the callback when `f` asks for it, no borrow
/// held (the callback may call the library, which may open a scope of its own).
fn update(f: impl FnOnce(&mut Meter) -> Option<(u64, i64)>) -> Result<()> {
    let report = METER
        .try_with(|m| {
            let mut m = m.borrow_mut();
            let meter = m.as_mut().filter(|m| !m.stopped)?;
            let (done, total) = f(meter)?;
            meter.shown = Some(done);
            meter.shown_at = Instant::now();
            Some(Report {
                callback: meter.callback.clone(),
                done: clamp(done),
                total,
            })
        })
        .ok()
        .flatten();
    let Some(r) = report else {
        return Ok(());
    };
    let go = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        (r.callback)(r.done, r.total)
    }));
    let stop = match go {
        Ok(true) => return Ok(()),
        Ok(false) => Error::new(
            WD_E::Cancelled,
            format!(
                "the transfer was cancelled by the progress callback ({} of {} bytes)",
                r.done,
                if r.total < 0 {
                    "an unknown number of".to_string()
                } else {
                    r.total.to_string()
                }
            ),
        ),
        Err(_) => Error::internal("the progress callback panicked: the transfer was stopped"),
    };
    let _ = METER.try_with(|m| {
        if let Some(m) = m.borrow_mut().as_mut() {
            m.stopped = true;
        }
    });
    Err(stop)
}

/// Announces a transfer of `total` bytes (`None`: unknown) in the current call; the
/// totals of several transfers of one call add up (one unknown makes the sum unknown).
/// The first announcement makes the first call (`done` = 0), before anything is sent or
/// asked for: a cancel there leaves nothing to undo.
///
/// Errors: [`WD_E::Cancelled`] when the callback returns false.
pub fn expect(total: Option<u64>) -> Result<()> {
    update(|m| {
        m.total = match (m.total, total) {
            (Some(a), Some(b)) => Some(a.saturating_add(b)),
            _ => None,
        };
        m.ended = false;
        if std::mem::replace(&mut m.started, true) {
            return None;
        }
        Some((0, m.total_arg()))
    })
}

/// Counts `n` bytes of the announced transfer (nothing before [`expect`]). The callback is
/// called when [`STEP_BYTES`] moved or [`STEP_TIME`] passed since the last call, and when
/// a known total is reached.
///
/// Errors: [`WD_E::Cancelled`] when the callback returns false: the caller gives up the
/// connection the data was moving on.
pub fn advance(n: u64) -> Result<()> {
    update(|m| {
        if !m.started || n == 0 {
            return None;
        }
        m.done = m.done.saturating_add(n);
        let now = m.visible();
        let last = m.shown.unwrap_or(0);
        let at_end = m.total == Some(now);
        if at_end && !m.ended {
            m.ended = true;
            return Some((now, m.total_arg()));
        }
        let due = now > last
            && (now - last >= STEP_BYTES || m.shown_at.elapsed() >= STEP_TIME)
            && !at_end;
        due.then(|| (now, m.total_arg()))
    })
}

/// The data of the transfers announced is all there, or about to leave: the last call
/// (`done == total`), which can still cancel. Sending makes it before the last piece of
/// the message goes out.
///
/// Errors: [`WD_E::Cancelled`].
pub fn complete() -> Result<()> {
    update(|m| {
        if !m.started || m.ended {
            return None;
        }
        let end = m.total.unwrap_or(m.done);
        m.done = end;
        m.total = Some(end);
        m.ended = true;
        Some((end, clamp(end)))
    })
}

/// The call succeeded: the last call (`done == total`) when it was not made yet; it can
/// no longer cancel anything, so its answer is ignored.
pub fn finish() {
    let _ = complete();
}

#[cfg(test)]
mod tests {
    use super::*;
    use parking_lot::Mutex;

    type Calls = Arc<Mutex<Vec<(i64, i64)>>>;

    fn recorder(stop_at: Option<i64>) -> (Callback, Calls) {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let c = calls.clone();
        let cb: Callback = Arc::new(move |done, total| {
            c.lock().push((done, total));
            stop_at.is_none_or(|s| done < s)
        });
        (cb, calls)
    }

    #[test]
    fn nothing_without_a_scope_or_an_announcement() {
        assert!(!active());
        advance(10).unwrap();
        expect(Some(10)).unwrap();
        let (cb, calls) = recorder(None);
        let _s = scope(Some(cb));
        assert!(active());
        advance(100).unwrap();
        finish();
        assert!(calls.lock().is_empty(), "{:?}", calls.lock());
    }

    #[test]
    fn monotonic_throttled_and_ends_at_the_total() {
        let (cb, calls) = recorder(None);
        let _s = scope(Some(cb));
        let total = 20 * 1024 * 1024u64;
        expect(Some(total)).unwrap();
        let mut sent = 0;
        while sent < total {
            let n = 4096.min(total - sent);
            advance(n).unwrap();
            sent += n;
        }
        finish();
        let calls = calls.lock();
        assert_eq!(calls.first(), Some(&(0, total as i64)));
        assert_eq!(calls.last(), Some(&(total as i64, total as i64)));
        assert!(
            calls.windows(2).all(|w| w[0].0 < w[1].0),
            "strictly growing"
        );
        // At most one call per 64 KiB (plus the first), whatever the timing.
        assert!(
            calls.len() as u64 <= total / STEP_BYTES + 2,
            "{}",
            calls.len()
        );
        assert!(calls.iter().all(|&(d, t)| t == total as i64 && d <= t));
    }

    #[test]
    fn more_bytes_than_announced_stay_within_the_total() {
        let (cb, calls) = recorder(None);
        let _s = scope(Some(cb));
        expect(Some(1000)).unwrap();
        advance(1500).unwrap();
        advance(1500).unwrap();
        finish();
        assert_eq!(*calls.lock(), [(0, 1000), (1000, 1000)]);
    }

    #[test]
    fn unknown_total_ends_with_the_bytes_moved() {
        let (cb, calls) = recorder(None);
        let _s = scope(Some(cb));
        expect(Some(10)).unwrap();
        expect(None).unwrap();
        advance(STEP_BYTES * 2).unwrap();
        finish();
        let calls = calls.lock();
        // The first call knew 10 bytes; once a size is unknown, the total is -1.
        assert_eq!(calls.first(), Some(&(0, 10)));
        let end = (STEP_BYTES * 2) as i64;
        assert_eq!(calls[1], (end, -1));
        assert_eq!(calls.last(), Some(&(end, end)));
    }

    #[test]
    fn cancel_stops_with_cancelled_and_reports_nothing_more() {
        let (cb, calls) = recorder(Some(STEP_BYTES as i64 * 3));
        let _s = scope(Some(cb));
        expect(Some(STEP_BYTES * 10)).unwrap();
        let mut err = None;
        for _ in 0..10 {
            if let Err(e) = advance(STEP_BYTES) {
                err = Some(e);
                break;
            }
        }
        let e = err.expect("cancelled");
        assert_eq!(e.code, WD_E::Cancelled);
        assert!(e.message.contains("cancelled"), "{}", e.message);
        let n = calls.lock().len();
        assert!(!active());
        advance(STEP_BYTES).unwrap();
        finish();
        assert_eq!(calls.lock().len(), n);
    }

    #[test]
    fn complete_can_cancel_and_finish_then_stays_quiet() {
        let (cb, calls) = recorder(Some(100));
        let _s = scope(Some(cb));
        expect(Some(100)).unwrap();
        advance(10).unwrap();
        let e = complete().unwrap_err();
        assert_eq!(e.code, WD_E::Cancelled);
        assert_eq!(calls.lock().last(), Some(&(100, 100)));
    }

    #[test]
    fn a_panicking_callback_stops_the_transfer() {
        let cb: Callback = Arc::new(|done, _| {
            if done > 0 {
                panic!("boom");
            }
            true
        });
        let _s = scope(Some(cb));
        expect(Some(STEP_BYTES * 4)).unwrap();
        let e = advance(STEP_BYTES).unwrap_err();
        assert_eq!(e.code, WD_E::Internal);
        assert!(!active());
    }

    #[test]
    fn a_call_from_inside_the_callback_has_its_own_scope() {
        let inner: Calls = Arc::default();
        let seen = inner.clone();
        let cb: Callback = Arc::new(move |done, _| {
            if done > 0 {
                let (cb2, calls2) = recorder(None);
                {
                    let _s = scope(Some(cb2));
                    expect(Some(5)).unwrap();
                    advance(5).unwrap();
                }
                seen.lock().extend(calls2.lock().iter().copied());
            }
            true
        });
        let (outer_cb, outer) = recorder(None);
        let _s = scope(Some(Arc::new(move |d, t| cb(d, t) && outer_cb(d, t))));
        expect(Some(STEP_BYTES)).unwrap();
        advance(STEP_BYTES).unwrap();
        assert_eq!(*inner.lock(), [(0, 5), (5, 5)]);
        assert_eq!(
            *outer.lock(),
            [
                (0, STEP_BYTES as i64),
                (STEP_BYTES as i64, STEP_BYTES as i64)
            ]
        );
        assert!(active());
    }
}
