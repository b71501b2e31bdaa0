//! Protocol transcript (`EmailTrace`, `EmailTraceFonction`): one process-wide file and one
//! process-wide callback, fed by every client. Credentials never reach them: clients call
//! [`client_masked`] for commands holding secrets, and the callback gets the very line
//! written to the file.
//!
//! Each line starts with an ISO 8601 UTC timestamp with milliseconds, then the protocol
//! and the direction: `2026-12-01T15:30:00.123Z SMTP C: EHLO localhost` (`C:` client,
//! `S:` server, `*` a note). The callback also gets the name of the session the line
//! belongs to: the registry opens a [`scope`] around every call on a session, and the
//! library's own threads (asynchronous sending, a list filled in the background) carry
//! the name of theirs; "" outside any session (OAuth2 flows).
//!
//! The callback runs on the thread that wrote the line, no lock of this module held. A
//! line written by a library call made from inside the callback goes to the file only
//! (no endless recursion); a panic in the callback is caught.

use parking_lot::Mutex;
use std::cell::{Cell, RefCell};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Who a line comes from; the value is its `WD_TRACE_*` code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// A note of the library (connection, TLS, literal summary): `*`.
    Info = 0,
    /// Sent by the client: `C:`.
    Client = 1,
    /// Received from the server: `S:`.
    Server = 2,
}

impl Direction {
    fn mark(self) -> &'static str {
        match self {
            Direction::Info => "*",
            Direction::Client => "C:",
            Direction::Server => "S:",
        }
    }
}

/// A transcript callback: `(session, direction, line)`.
pub type Callback = Arc<dyn Fn(&str, Direction, &str) + Send + Sync>;

static FILE: Mutex<Option<File>> = Mutex::new(None);
static CALLBACK: Mutex<Option<Callback>> = Mutex::new(None);
/// A file or a callback is set (read without a lock on every line).
static ON: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// The session the calling thread works for.
    static SESSION: RefCell<Option<Arc<str>>> = const { RefCell::new(None) };
    /// The thread is inside the callback.
    static IN_CALLBACK: Cell<bool> = const { Cell::new(false) };
}

fn refresh_on() {
    ON.store(
        FILE.lock().is_some() || CALLBACK.lock().is_some(),
        Ordering::SeqCst,
    );
}

/// Starts appending the transcript to `path`, or stops when `path` is `None`. A new file
/// is created readable and writable by its owner only (0600 on unix): it names servers,
/// users and folders and holds whole messages.
pub fn set_file(path: Option<&str>) -> crate::error::Result<()> {
    let file = match path {
        None => None,
        Some(p) => {
            let mut o = OpenOptions::new();
            o.create(true).append(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
            Some(
                o.open(p)
                    .map_err(|e| crate::error::Error::io("cannot open trace file", p, &e))?,
            )
        }
    };
    *FILE.lock() = file;
    refresh_on();
    Ok(())
}

/// Sets the transcript callback of the process, or removes it (`None`). A line being
/// delivered on another thread at that moment may still reach the previous callback.
pub fn set_callback(callback: Option<Callback>) {
    *CALLBACK.lock() = callback;
    refresh_on();
}

/// True when a transcript is being written (lets callers skip formatting work).
pub fn enabled() -> bool {
    ON.load(Ordering::Relaxed)
}

/// The session context of the calling thread; the previous one comes back when it is
/// dropped.
#[must_use = "the session name applies while the scope lives"]
pub struct Scope {
    previous: Option<Arc<str>>,
}

impl Drop for Scope {
    fn drop(&mut self) {
        let previous = self.previous.take();
        let _ = SESSION.try_with(|s| *s.borrow_mut() = previous);
    }
}

/// The lines the calling thread writes until the scope is dropped belong to `session`.
pub fn scope(session: Option<Arc<str>>) -> Scope {
    let previous = SESSION
        .try_with(|s| std::mem::replace(&mut *s.borrow_mut(), session))
        .ok()
        .flatten();
    Scope { previous }
}

/// The session of the calling thread (for a thread the library starts on its behalf).
pub fn current_session() -> Option<Arc<str>> {
    SESSION.try_with(|s| s.borrow().clone()).ok().flatten()
}

/// `2026-12-01T15:30:00.123Z`: now, in UTC, to the millisecond.
pub fn timestamp() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = i64::try_from(now.as_secs()).unwrap_or(0);
    let day = crate::text::date::DateTime::from_unix(secs).to_rfc3339_utc();
    let day = day.strip_suffix('Z').unwrap_or(&day);
    format!("{day}.{:03}Z", now.subsec_millis())
}

fn write(proto: &str, dir: Direction, text: &str) {
    let stamp = timestamp();
    let text = text.trim_end_matches(['\r', '\n']);
    let lines: Vec<String> = text
        .split('\n')
        .map(|l| {
            format!(
                "{stamp} {proto} {} {}",
                dir.mark(),
                l.trim_end_matches('\r')
            )
        })
        .collect();
    if let Some(f) = FILE.lock().as_mut() {
        for l in &lines {
            let _ = writeln!(f, "{l}");
        }
    }
    let inside = IN_CALLBACK.try_with(Cell::get).unwrap_or(true);
    let callback = if inside {
        None
    } else {
        CALLBACK.lock().clone()
    };
    if let Some(cb) = callback {
        let session = current_session();
        let session = session.as_deref().unwrap_or("");
        let _ = IN_CALLBACK.try_with(|c| c.set(true));
        for l in &lines {
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| cb(session, dir, l)));
        }
        let _ = IN_CALLBACK.try_with(|c| c.set(false));
    }
}

/// Records a line sent by the client.
pub fn client(proto: &str, text: &str) {
    if enabled() {
        write(proto, Direction::Client, text);
    }
}

/// Records a client line holding a secret: only `shown` is written, followed by `****`.
pub fn client_masked(proto: &str, shown: &str) {
    if enabled() {
        write(proto, Direction::Client, &format!("{shown} ****"));
    }
}

/// Records a line received from the server.
pub fn server(proto: &str, text: &str) {
    if enabled() {
        write(proto, Direction::Server, text);
    }
}

/// Records an informational note (connection, TLS, literal summary).
pub fn note(proto: &str, text: &str) {
    if enabled() {
        write(proto, Direction::Info, text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines of session "unit-trace" only: other tests of this binary may write lines.
    #[test]
    fn the_callback_gets_each_line_survives_a_panic_and_is_not_reentered() {
        type Seen = Arc<Mutex<Vec<(String, Direction, String)>>>;
        let seen: Seen = Arc::default();
        let got = seen.clone();
        set_callback(Some(Arc::new(move |session: &str, dir, line: &str| {
            if session != "unit-trace" {
                return;
            }
            got.lock()
                .push((session.to_string(), dir, line.to_string()));
            // A line written from inside the callback goes to the file only.
            note("TEST", "from inside");
            if line.ends_with("first") {
                panic!("a panic in the callback");
            }
        })));
        {
            let _s = scope(Some(Arc::from("unit-trace")));
            note("TEST", "first");
            client("TEST", "second\r\nthird");
            client_masked("TEST", "PASS");
        }
        set_callback(None);
        let seen = seen.lock();
        let texts: Vec<(Direction, &str)> = seen
            .iter()
            .map(|(_, d, l)| (*d, l.split_once(' ').unwrap().1))
            .collect();
        assert_eq!(
            texts,
            [
                (Direction::Info, "TEST * first"),
                (Direction::Client, "TEST C: second"),
                (Direction::Client, "TEST C: third"),
                (Direction::Client, "TEST C: PASS ****"),
            ]
        );
        assert!(seen.iter().all(|(_, _, l)| is_stamped(l)));
    }

    fn is_stamped(line: &str) -> bool {
        line.split_once(' ')
            .is_some_and(|(t, _)| t.len() == 24 && t.ends_with('Z') && t.as_bytes()[10] == b'T')
    }

    #[test]
    fn timestamps_are_iso_8601_utc_with_milliseconds() {
        let t = timestamp();
        let b = t.as_bytes();
        assert_eq!(t.len(), 24, "{t}");
        assert_eq!(
            (b[4], b[7], b[10], b[13], b[16], b[19], b[23]),
            (b'-', b'-', b'T', b':', b':', b'.', b'Z'),
            "{t}"
        );
        assert!(t[..4].parse::<u32>().unwrap() >= 2024, "{t}");
        assert!(t[20..23].bytes().all(|c| c.is_ascii_digit()), "{t}");
    }
}
