//! Progress callbacks and cancellation through the C functions, against the Postfix and
//! Dovecot of the test bench: a 20 MB send and fetch (IMAP, POP3) report monotonic
//! progress ending at the total; a cancel at half delivers nothing (checked in the
//! Maildir) and leaves the session usable; a list filled in the background; a call from
//! inside a callback into its own session.
//!
//! Without WD_TEST_HOST the tests print a note and pass, unless WD_REQUIRE_SERVERS=1.

mod support;

use parking_lot::Mutex;
use std::ffi::{CString, c_void};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use support::bench::{Bench, var};
use support::capi::{check, close, cs, declare, error, get, set};
use wd300com::error::WD_E;
use wd300com::ffi::callbacks::EmailJauge;
use wd300com::ffi::errstate::{ErreurCode, ErreurDetectee};
use wd300com::ffi::mailbox::{
    EmailAjouteMessage, EmailChangeDossier, EmailCreeDossier, EmailSupprimeDossier,
    EmailSupprimeMessage,
};
use wd300com::ffi::message::{
    EmailAjoute, EmailAjouteFichierAttacheMemoire, EmailConstruitSource, EmailCree, EmailLibere,
    EmailSource,
};
use wd300com::ffi::read::{
    EmailListeElement, EmailListeEtat, EmailListeNb, EmailLitMessage, EmailLitPremier,
    EmailNbMessage, EmailRecupereTout,
};
use wd300com::ffi::smtp::EmailEnvoieMessage;
use wd300com::ffi::types::*;

fn bench() -> Option<Bench> {
    Bench::load("real-server callback test")
}

/// A name no other test run uses.
fn unique(tag: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let t = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_micros();
    let n = N.fetch_add(1, Ordering::Relaxed);
    format!("cb-{tag}-{}-{t}-{n}", std::process::id())
}

// ----- a progress callback that records its calls --------------------------------

/// A library call made from inside a callback: its return value and error code.
type Inside = Box<dyn FnMut() -> (i32, WD_E) + Send>;

/// What a progress callback saw; it cancels (returns 0) once `done` reaches `cancel_at`.
#[derive(Default)]
struct Recorder {
    calls: Mutex<Vec<(i64, i64)>>,
    cancel_at: Mutex<Option<i64>>,
    threads: Mutex<Vec<std::thread::ThreadId>>,
    /// A call to make from inside the callback (once), and the error code it gave.
    inside: Mutex<Option<Inside>>,
    inside_result: Mutex<Option<(i32, WD_E)>>,
}

impl Recorder {
    fn take(&self) -> Vec<(i64, i64)> {
        std::mem::take(&mut *self.calls.lock())
    }

    fn cancel_at(&self, at: Option<i64>) {
        *self.cancel_at.lock() = at;
    }
}

unsafe extern "C" fn record(done: i64, total: i64, user_data: *mut c_void) -> i32 {
    // SAFETY: the tests pass a &Recorder that outlives the session.
    let r = unsafe { &*(user_data as *const Recorder) };
    r.calls.lock().push((done, total));
    r.threads.lock().push(std::thread::current().id());
    let f = r.inside.lock().take();
    if let Some(mut f) = f {
        *r.inside_result.lock() = Some(f());
    }
    match *r.cancel_at.lock() {
        Some(at) if done >= at => 0,
        _ => 1,
    }
}

fn watch(session: &CString, r: &Recorder) {
    // SAFETY: valid strings; `r` outlives every call of the session in these tests.
    let ok = unsafe { EmailJauge(session.as_ptr(), Some(record), r as *const _ as *mut c_void) };
    check(ok, "EmailJauge");
}

fn unwatch(session: &CString) {
    // SAFETY: a NULL callback removes it.
    check(
        unsafe { EmailJauge(session.as_ptr(), None, std::ptr::null_mut()) },
        "EmailJauge(NULL)",
    );
}

/// The calls of one complete transfer of `total` bytes: the first (0, total), the last
/// (total, total), `done` growing, never past the total, at most one call per 64 KiB.
fn assert_complete(calls: &[(i64, i64)], total: i64) {
    assert!(calls.len() >= 2, "{calls:?}");
    assert_eq!(calls[0], (0, total), "first call");
    assert_eq!(*calls.last().unwrap(), (total, total), "last call");
    assert!(
        calls.windows(2).all(|w| w[0].0 < w[1].0),
        "done grows: {calls:?}"
    );
    assert!(calls.iter().all(|&(d, t)| t == total && d <= total));
    assert!(
        calls.len() as i64 <= total / (64 * 1024) + 2,
        "{}",
        calls.len()
    );
}

// ----- sessions -------------------------------------------------------------------

fn smtp_session(b: &Bench, tag: &str) -> CString {
    let name = cs(&unique(tag));
    declare(
        &name,
        WD_SESSION_SMTP,
        &[
            (WD_PROP_SERVER_ADDRESS, b.tls_name.clone()),
            (WD_PROP_PORT, b.smtp.to_string()),
            (WD_PROP_OPTION, WD_OPTION_SECURED_TLS.to_string()),
            (WD_PROP_CA_FILE, b.ca.clone()),
            (WD_PROP_USER, var("WD_TEST_USER1")),
            (WD_PROP_PASSWORD, var("WD_TEST_PASS1")),
            (WD_PROP_TIMEOUT, "60".into()),
        ],
    );
    name
}

/// An open POP3 or IMAP session (no TLS) of bench user `n`.
fn reading_session(b: &Bench, tag: &str, kind: i32, n: u32) -> CString {
    let name = cs(&unique(tag));
    let port = if kind == WD_SESSION_IMAP {
        b.imap
    } else {
        b.pop3
    };
    let props = [
        (WD_PROP_SERVER_ADDRESS, b.host.clone()),
        (WD_PROP_PORT, port.to_string()),
        (WD_PROP_USER, var(&format!("WD_TEST_USER{n}"))),
        (WD_PROP_PASSWORD, var(&format!("WD_TEST_PASS{n}"))),
        (WD_PROP_TIMEOUT, "60".into()),
    ];
    declare(&name, kind, &props);
    name
}

/// An IMAP session of alice and a new folder of hers.
fn with_folder(b: &Bench, tag: &str) -> (CString, String) {
    let s = reading_session(b, tag, WD_SESSION_IMAP, 1);
    let folder = unique(tag);
    let f = cs(&folder);
    // SAFETY: valid strings.
    check(
        unsafe { EmailCreeDossier(s.as_ptr(), f.as_ptr()) },
        "EmailCreeDossier",
    );
    (s, folder)
}

/// Selects `folder` (`EmailChangeDossier`).
fn select(s: &CString, folder: &str) {
    let f = cs(folder);
    // SAFETY: valid strings.
    check(
        unsafe { EmailChangeDossier(s.as_ptr(), f.as_ptr()) },
        "EmailChangeDossier",
    );
}

/// Back to INBOX, then the folder of [`with_folder`] deleted and the session closed.
fn drop_folder(s: &CString, folder: &str) {
    select(s, "INBOX");
    let f = cs(folder);
    // SAFETY: valid strings.
    check(
        unsafe { EmailSupprimeDossier(s.as_ptr(), f.as_ptr()) },
        "EmailSupprimeDossier",
    );
    close(s);
}

/// Appends message `m` to `folder` through session `s` (`EmailAjouteMessage`).
fn append(s: &CString, folder: &str, m: WdEmail) {
    let folder = cs(folder);
    // SAFETY: valid strings.
    check(
        unsafe { EmailAjouteMessage(s.as_ptr(), folder.as_ptr(), m) },
        "EmailAjouteMessage",
    );
}

// ----- messages ---------------------------------------------------------------------

/// A built message from alice to `to`, with an attachment of `size` pseudo-random bytes;
/// returns it and the length of its source.
fn message(to: &str, id: &str, size: usize) -> (WdEmail, i64) {
    let m = EmailCree();
    assert!(m.0 > 0);
    set(m, WD_EMAIL_SENDER, &var("WD_TEST_USER1"));
    let to = cs(to);
    // SAFETY: valid string.
    check(
        unsafe { EmailAjoute(m, WD_EMAIL_RECIPIENT, to.as_ptr()) },
        "EmailAjoute",
    );
    set(m, WD_EMAIL_SUBJECT, id);
    set(m, WD_EMAIL_MESSAGE_ID, &format!("{id}@wd300com.test"));
    set(m, WD_EMAIL_MESSAGE, "Progress test.");
    if size > 0 {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let data: Vec<u8> = (0..size)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        let (name, ty) = (cs("big.bin"), cs("application/octet-stream"));
        // SAFETY: valid pointers and length.
        check(
            unsafe {
                EmailAjouteFichierAttacheMemoire(
                    m,
                    name.as_ptr(),
                    data.as_ptr(),
                    data.len(),
                    ty.as_ptr(),
                )
            },
            "EmailAjouteFichierAttacheMemoire",
        );
    }
    check(EmailConstruitSource(m, 0), "EmailConstruitSource");
    (m, source_len(m))
}

fn source_len(m: WdEmail) -> i64 {
    let mut n = 0usize;
    // SAFETY: valid out pointer.
    let p = unsafe { EmailSource(m, &mut n) };
    assert!(!p.is_null(), "EmailSource: {}", error());
    n as i64
}

fn maildir(b: &Bench, addr: &str) -> PathBuf {
    let (local, domain) = addr.split_once('@').unwrap();
    PathBuf::from(
        b.maildir_fmt
            .replace("{domain}", domain)
            .replace("{local}", local),
    )
}

/// The Maildir files of `addr` whose first 64 KiB hold `needle`.
fn delivered(b: &Bench, addr: &str, needle: &str) -> Vec<PathBuf> {
    let root = maildir(b, addr);
    let mut found = Vec::new();
    for sub in ["new", "cur"] {
        for ent in std::fs::read_dir(root.join(sub))
            .into_iter()
            .flatten()
            .flatten()
        {
            let Ok(bytes) = std::fs::read(ent.path()) else {
                continue;
            };
            let head = &bytes[..bytes.len().min(65536)];
            if head.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                found.push(ent.path());
            }
        }
    }
    found
}

/// Waits (up to 30 s) for the message holding `needle` to reach `addr`.
fn wait_delivered(b: &Bench, addr: &str, needle: &str) -> Vec<PathBuf> {
    let t0 = Instant::now();
    loop {
        let f = delivered(b, addr, needle);
        if !f.is_empty() || t0.elapsed() > Duration::from_secs(30) {
            return f;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

// ----- sending ----------------------------------------------------------------------

/// A 20 MB send reports its progress up to the size of the built source; a send
/// cancelled at half is never delivered, and the same session then sends again.
#[test]
fn twenty_megabyte_send_progress_and_cancel_at_half() {
    let Some(b) = bench() else { return };
    let to = var("WD_TEST_USER3");
    let s = smtp_session(&b, "smtp");
    let rec = Recorder::default();
    watch(&s, &rec);

    let id = unique("send20");
    let (m, total) = message(&to, &id, 15 << 20);
    assert!(total >= 20_000_000, "{total}");
    // SAFETY: valid string.
    check(
        unsafe { EmailEnvoieMessage(s.as_ptr(), m, 0) },
        "EmailEnvoieMessage",
    );
    assert_eq!(ErreurDetectee(), 0);
    assert_complete(&rec.take(), total);
    assert_eq!(wait_delivered(&b, &to, &id).len(), 1, "{id} delivered once");
    EmailLibere(m);

    // Cancelled at half: the call fails, nothing of it reaches the mailbox.
    let cancelled = unique("cancel");
    let (m, total) = message(&to, &cancelled, 15 << 20);
    rec.cancel_at(Some(total / 2));
    // SAFETY: valid string.
    assert_eq!(unsafe { EmailEnvoieMessage(s.as_ptr(), m, 0) }, 0);
    assert_eq!(ErreurCode(), WD_E::Cancelled, "{}", error());
    let calls = rec.take();
    let &(last, _) = calls.last().unwrap();
    assert!(last >= total / 2 && last < total, "{calls:?}");
    assert!(calls.windows(2).all(|w| w[0].0 < w[1].0));
    EmailLibere(m);

    // The session sends the next message (a new connection); once it is delivered, the
    // cancelled one, sent before it, is known to be absent.
    rec.cancel_at(None);
    let after = unique("after");
    let (m, total) = message(&to, &after, 0);
    // SAFETY: valid string.
    check(
        unsafe { EmailEnvoieMessage(s.as_ptr(), m, 0) },
        "EmailEnvoieMessage after a cancel",
    );
    assert_complete(&rec.take(), total);
    assert_eq!(wait_delivered(&b, &to, &after).len(), 1);
    std::thread::sleep(Duration::from_secs(1));
    assert!(
        delivered(&b, &to, &cancelled).is_empty(),
        "a cancelled message was delivered"
    );
    EmailLibere(m);
    close(&s);
    for f in [id, after].iter().flat_map(|n| delivered(&b, &to, n)) {
        let _ = std::fs::remove_file(f);
    }
}

// ----- reading ----------------------------------------------------------------------

/// IMAP: appending and reading a 20 MB message report their progress up to the size;
/// a read cancelled at half fails, the connection is opened again by the next call,
/// which reads the message whole.
#[test]
fn twenty_megabyte_imap_append_fetch_and_cancel_at_half() {
    let Some(b) = bench() else { return };
    let (s, folder) = with_folder(&b, "imap");
    let rec = Recorder::default();
    watch(&s, &rec);
    let id = unique("fetch20");
    let (m, total) = message(&var("WD_TEST_USER1"), &id, 15 << 20);
    append(&s, &folder, m);
    select(&s, &folder);
    assert_complete(&rec.take(), total);
    EmailLibere(m);

    let r = EmailCree();
    // SAFETY: valid string.
    check(
        unsafe { EmailLitPremier(s.as_ptr(), r, WD_READ_ALL) },
        "EmailLitPremier",
    );
    let size: i64 = get(r, WD_EMAIL_SIZE).parse().unwrap();
    assert_eq!(source_len(r), size);
    assert_complete(&rec.take(), size);

    rec.cancel_at(Some(size / 2));
    // SAFETY: valid string.
    assert_eq!(unsafe { EmailLitPremier(s.as_ptr(), r, WD_READ_ALL) }, 0);
    assert_eq!(ErreurCode(), WD_E::Cancelled, "{}", error());
    let calls = rec.take();
    let &(last, _) = calls.last().unwrap();
    assert!(last >= size / 2 && last < size, "{calls:?}");

    // The next call opens the connection again and reads the message whole.
    rec.cancel_at(None);
    unwatch(&s);
    // SAFETY: valid string.
    check(
        unsafe { EmailLitPremier(s.as_ptr(), r, WD_READ_ALL) },
        "EmailLitPremier after a cancel",
    );
    assert_eq!(get(r, WD_EMAIL_SUBJECT), id);
    assert_eq!(source_len(r), size);
    assert!(rec.take().is_empty(), "no callback once removed");
    EmailLibere(r);
    drop_folder(&s, &folder);
}

/// The numbers of the messages of a POP3 or IMAP session by subject (headers only).
fn numbers(s: &CString) -> Vec<(String, i32)> {
    // SAFETY: valid string.
    let list = unsafe { EmailRecupereTout(s.as_ptr(), WD_READ_HEADER) };
    assert!(list.0 > 0, "EmailRecupereTout: {}", error());
    let n = EmailListeNb(list);
    let out = (0..n)
        .map(|i| {
            let m = EmailListeElement(list, i);
            (
                get(m, WD_EMAIL_SUBJECT),
                get(m, WD_EMAIL_NUMBER).parse().unwrap(),
            )
        })
        .collect();
    EmailLibere(WdEmail(list.0));
    out
}

/// POP3: reading a 20 MB message reports its progress up to the listed size; a read
/// cancelled at half closes the connection without QUIT: the message deleted before in
/// the session is still there, and the next call reports the lost connection.
#[test]
fn twenty_megabyte_pop3_fetch_and_cancel_at_half() {
    let Some(b) = bench() else { return };
    let bob = var("WD_TEST_USER2");
    // Into bob's INBOX (what his POP3 session reads) through IMAP.
    let (small, big) = (unique("pop3-small"), unique("pop3-big"));
    let imap = reading_session(&b, "bob", WD_SESSION_IMAP, 2);
    for (subject, size) in [(&small, 0), (&big, 15 << 20)] {
        let (m, _) = message(&bob, subject, size);
        append(&imap, "INBOX", m);
        EmailLibere(m);
    }
    close(&imap);

    let s = reading_session(&b, "pop3", WD_SESSION_POP3, 2);
    let nums = numbers(&s);
    let number = |subject: &str| nums.iter().find(|(s, _)| s == subject).unwrap().1;
    let rec = Recorder::default();
    watch(&s, &rec);
    let r = EmailCree();
    // SAFETY: valid string.
    check(
        unsafe { EmailLitMessage(s.as_ptr(), r, number(&big)) },
        "EmailLitMessage",
    );
    let size: i64 = get(r, WD_EMAIL_SIZE).parse().unwrap();
    assert_complete(&rec.take(), size);
    assert!(size >= 20 << 20);

    // Delete the small one (committed only by QUIT), then cancel a read at half.
    // SAFETY: valid string.
    unsafe {
        check(
            EmailLitMessage(s.as_ptr(), r, number(&small)),
            "EmailLitMessage",
        );
        check(EmailSupprimeMessage(s.as_ptr(), r), "EmailSupprimeMessage");
    }
    rec.cancel_at(Some(size / 2));
    // SAFETY: valid string.
    assert_eq!(unsafe { EmailLitMessage(s.as_ptr(), r, number(&big)) }, 0);
    assert_eq!(ErreurCode(), WD_E::Cancelled, "{}", error());
    // SAFETY: valid string.
    assert_eq!(unsafe { EmailNbMessage(s.as_ptr(), 0) }, -1);
    assert_eq!(ErreurCode(), WD_E::ConnectionLost, "{}", error());
    close(&s);
    EmailLibere(r);
    // Nothing was deleted: the small message is still in the Maildir.
    assert_eq!(delivered(&b, &bob, &small).len(), 1, "a DELE was committed");
    assert_eq!(delivered(&b, &bob, &big).len(), 1);
    let imap = reading_session(&b, "bob", WD_SESSION_IMAP, 2);
    // SAFETY: valid string.
    let list = unsafe { EmailRecupereTout(imap.as_ptr(), WD_READ_HEADER) };
    for i in 0..EmailListeNb(list) {
        let m = EmailListeElement(list, i);
        if [&small, &big].contains(&&get(m, WD_EMAIL_SUBJECT)) {
            // SAFETY: valid string.
            check(
                unsafe { EmailSupprimeMessage(imap.as_ptr(), m) },
                "EmailSupprimeMessage",
            );
        }
    }
    EmailLibere(WdEmail(list.0));
    close(&imap);
}

// ----- a list filled in the background --------------------------------------------

/// `EmailRecupereTout` with `WD_READ_ASYNC`: the list grows to every message, its state
/// turns complete, the progress callback runs on the filling thread and ends at the
/// total; a call on the session made meanwhile waits for the fill; a callback calling
/// into its own session gets `WD_E_RECURSIVE_CALL`, and other calls work.
#[test]
fn list_filled_in_the_background() {
    let Some(b) = bench() else { return };
    let (s, folder) = with_folder(&b, "async");
    const N: usize = 150;
    for i in 0..N {
        let m = EmailCree();
        set(m, WD_EMAIL_SENDER, "alice@wd.test");
        set(m, WD_EMAIL_SUBJECT, &format!("async {i:03}"));
        set(m, WD_EMAIL_MESSAGE, &"x".repeat(2000));
        append(&s, &folder, m);
        EmailLibere(m);
    }
    select(&s, &folder);
    let rec = Recorder::default();
    let name = s.clone();
    *rec.inside.lock() = Some(Box::new(move || {
        // SAFETY: valid string.
        let n = unsafe { EmailNbMessage(name.as_ptr(), 0) };
        (n, ErreurCode())
    }));
    watch(&s, &rec);

    // SAFETY: valid string.
    let list = unsafe { EmailRecupereTout(s.as_ptr(), WD_READ_ALL | WD_READ_ASYNC) };
    assert!(list.0 > 0, "{}", error());
    assert_eq!(ErreurDetectee(), 0);
    let mut counts = vec![EmailListeNb(list)];
    // A call on the session waits for the fill: afterwards the list is complete.
    // SAFETY: valid string.
    assert_eq!(
        unsafe { EmailNbMessage(s.as_ptr(), 0) },
        N as i32,
        "{}",
        error()
    );
    assert_eq!(EmailListeEtat(list), WD_LIST_COMPLETE, "{}", error());
    counts.push(EmailListeNb(list));
    assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{counts:?}");
    assert_eq!(*counts.last().unwrap(), N as i32);
    for i in [0, N / 2, N - 1] {
        let m = EmailListeElement(list, i as i32);
        assert_eq!(get(m, WD_EMAIL_SUBJECT), format!("async {i:03}"));
    }
    let calls = rec.take();
    let total = calls[0].1;
    assert!(total > (N * 2000) as i64, "{calls:?}");
    assert_complete(&calls, total);
    let me = std::thread::current().id();
    assert!(
        rec.threads.lock().iter().all(|t| *t != me),
        "called on the filling thread"
    );
    assert_eq!(
        *rec.inside_result.lock(),
        Some((-1, WD_E::RecursiveCall)),
        "a call into its own session from the callback"
    );
    EmailLibere(WdEmail(list.0));

    // Closing the session stops a fill: the list then says why, or is complete.
    unwatch(&s);
    // SAFETY: valid string.
    let list = unsafe { EmailRecupereTout(s.as_ptr(), WD_READ_ALL | WD_READ_ASYNC) };
    assert!(list.0 > 0, "{}", error());
    close(&s);
    let state = EmailListeEtat(list);
    assert!(
        state == WD_LIST_COMPLETE || state == WD_LIST_ERROR,
        "{state}"
    );
    if state == WD_LIST_ERROR {
        assert_eq!(ErreurCode(), WD_E::Cancelled, "{}", error());
        assert!(EmailListeNb(list) < N as i32);
    } else {
        assert_eq!(EmailListeNb(list), N as i32);
    }
    EmailLibere(WdEmail(list.0));

    let s = reading_session(&b, "async-clean", WD_SESSION_IMAP, 1);
    drop_folder(&s, &folder);
}
