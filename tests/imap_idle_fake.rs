//! Waiting for new mail, the keep-alive, reopening a connection the server closed while
//! idle, and SEARCH commands, against the scriptable fake server: IDLE ended with DONE,
//! IDLE sent again at its limit, NOOP polling without IDLE, a wait giving way to another
//! call, literals and CHARSET in SEARCH, ESEARCH answers.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use support::fake_server::*;
use wd300com::imap::{ImapClient, WaitTiming};
use wd300com::registry::{self, Login};
use wd300com::search::Criteria;
use wd300com::session::{
    Mailbox, MessageRef, Security, SessionConfig, SessionKind, WaitUntil, Waited,
};

const CAPS: &str = "IMAP4rev1 LITERAL+ UIDPLUS MOVE IDLE ESEARCH";

fn cfg(port: u16) -> SessionConfig {
    let login = Login {
        user: "alice@wd.test",
        password: Some("alicepw"),
        server: "127.0.0.1",
        port,
        security: Security::None,
        asynchronous: false,
    };
    login.config(SessionKind::Imap)
}

/// Greeting with `caps`, LOGIN (A0001), SELECT `folder` (A0002) with `n` messages.
fn selected(caps: &str, folder: &str, n: u32) -> Script {
    let greeting = format!("* OK [CAPABILITY {caps}] fake ready\r\n");
    let signed_in = format!("A0001 OK [CAPABILITY {caps}] Logged in\r\n");
    let select = format!("* {n} EXISTS\r\nA0002 OK [READ-WRITE] Select completed\r\n");
    (Script::new().send(greeting))
        .expect("A0001 LOGIN \"alice@wd.test\" \"alicepw\"")
        .send(signed_in)
        .expect(format!("A0002 SELECT \"{folder}\""))
        .send(select)
}

/// [`selected`] INBOX with 3 messages.
fn logged_in(caps: &str) -> Script {
    selected(caps, "INBOX", 3)
}

fn open(port: u16) -> ImapClient {
    ImapClient::open(&cfg(port), 10).unwrap_or_else(|e| panic!("open: {e:?}"))
}

/// Opens a client on `script`, paces its waits with `timing`, waits up to `seconds`
/// (giving way when `give_way` says so) and closes: how the wait ended, the message
/// count after it, what the server saw.
fn run_wait(
    script: Script,
    timing: WaitTiming,
    seconds: f64,
    give_way: &dyn Fn() -> bool,
) -> (Waited, u32, Transcript) {
    let server = FakeServer::start(script.drain_until_closed());
    let mut c = open(server.port());
    c.set_wait_timing(timing);
    let w = WaitUntil {
        until: Instant::now() + Duration::from_secs_f64(seconds),
        give_way,
    };
    let waited = c
        .wait_new_mail(&w)
        .unwrap_or_else(|e| panic!("wait: {e:?}"));
    let exists = c.exists();
    c.close().unwrap();
    let t = server.join();
    t.assert_ok();
    (waited, exists, t)
}

/// `script`, then an IDLE (A0003) answered "+", `during` sent, DONE read and answered.
fn idle_then_done(script: Script, during: &str) -> Script {
    script
        .expect("A0003 IDLE")
        .send("+ idling\r\n")
        .send(during)
        .expect("DONE")
        .send("A0003 OK Idle completed.\r\n")
}

const NEVER: &dyn Fn() -> bool = &|| false;

#[test]
fn idle_wakes_on_new_mail_and_ends_with_done() {
    let script = logged_in(CAPS)
        .expect("A0003 IDLE")
        .send("+ idling\r\n")
        .stall(Duration::from_millis(300))
        .send("* 1 FETCH (FLAGS (\\Seen))\r\n* 4 EXISTS\r\n* 1 RECENT\r\n")
        .expect("DONE")
        .send("A0003 OK Idle completed.\r\n");
    let t = Instant::now();
    let (waited, exists, tr) = run_wait(script, WaitTiming::default(), 20.0, NEVER);
    assert!(
        t.elapsed() < Duration::from_secs(15),
        "woke after {:?}",
        t.elapsed()
    );
    assert_eq!((waited, exists), (Waited::NewMail { known: 3 }, 4));
    assert!(tr.has_line("DONE"));
}

#[test]
fn idle_is_sent_again_at_its_limit_and_the_delay_ends_it() {
    let idles = Arc::new(AtomicUsize::new(0));
    let counted = idles.clone();
    // Answers IDLE / DONE pairs until LOGOUT.
    let script = logged_in(CAPS).custom(move |c| {
        loop {
            let line = c.read_line()?;
            let (tag, cmd) = line.split_once(' ').unwrap_or((&line, ""));
            match cmd {
                "IDLE" => {
                    c.write_str("+ idling\r\n")?;
                    let done = c.read_line()?;
                    if done != "DONE" {
                        return Err(format!("DONE expected, got {done:?}"));
                    }
                    c.write_str(&format!("{tag} OK Idle completed.\r\n"))?;
                    counted.fetch_add(1, Ordering::SeqCst);
                }
                "LOGOUT" => return Ok(()),
                _ => return Err(format!("unexpected {line:?}")),
            }
        }
    });
    let timing = WaitTiming {
        idle_reissue: Duration::from_millis(150),
        noop_poll: Duration::from_secs(60),
    };
    assert_eq!(run_wait(script, timing, 1.5, NEVER).0, Waited::TimedOut);
    let n = idles.load(Ordering::SeqCst);
    assert!(n >= 2, "IDLE sent {n} time(s): never sent again");
}

#[test]
fn noop_polling_where_idle_is_missing() {
    let script = logged_in("IMAP4rev1 LITERAL+")
        .expect("A0003 NOOP")
        .send("A0003 OK NOOP completed.\r\n")
        .expect("A0004 NOOP")
        .send("* 2 EXPUNGE\r\n* 3 EXISTS\r\nA0004 OK NOOP completed.\r\n");
    let timing = WaitTiming {
        idle_reissue: Duration::from_secs(60),
        noop_poll: Duration::from_millis(100),
    };
    let (waited, _, tr) = run_wait(script, timing, 20.0, NEVER);
    assert_eq!(waited, Waited::NewMail { known: 3 });
    assert!(!tr.has_line("A0003 IDLE"));
}

#[test]
fn a_zero_delay_looks_once() {
    let script = logged_in(CAPS)
        .expect("A0003 NOOP")
        .send("A0003 OK NOOP completed.\r\n");
    let (waited, _, tr) = run_wait(script, WaitTiming::default(), 0.0, NEVER);
    assert_eq!(waited, Waited::TimedOut);
    assert!(!tr.has_line("A0003 IDLE"));
}

#[test]
fn idle_gives_way_when_asked() {
    let flag = Arc::new(AtomicBool::new(false));
    let setter = flag.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        setter.store(true, Ordering::SeqCst);
    });
    let give_way = || flag.load(Ordering::SeqCst);
    let script = idle_then_done(logged_in(CAPS), "");
    let (waited, _, tr) = run_wait(script, WaitTiming::default(), 30.0, &give_way);
    assert_eq!(waited, Waited::GaveWay);
    assert!(tr.has_line("DONE"));
}

/// A server that closes the connection during the wait (a restart): the connection is
/// opened again and the wait goes on; the messages the new SELECT counts are not new
/// mail, an EXISTS after them is.
#[test]
fn a_wait_goes_on_over_a_new_connection() {
    let s = FakeServer::start_multi(vec![
        logged_in(CAPS)
            .expect("A0003 IDLE")
            .send("+ idling\r\n* BYE Server shutting down.\r\n")
            .close(),
        logged_in(CAPS)
            .expect("A0003 IDLE")
            .send("+ idling\r\n")
            .stall(Duration::from_millis(200))
            .send("* 4 EXISTS\r\n")
            .expect("DONE")
            .send("A0003 OK Idle completed.\r\n")
            .drain_until_closed(),
    ]);
    let mut c = open(s.port());
    let w = WaitUntil {
        until: Instant::now() + Duration::from_secs(20),
        give_way: NEVER,
    };
    assert_eq!(c.wait_new_mail(&w).unwrap(), Waited::NewMail { known: 3 });
    assert_eq!(c.exists(), 4);
    c.close().unwrap();
    let t = s.join();
    t.assert_ok();
    assert_eq!(t.sessions.len(), 2);
}

/// A session waiting on one thread gives way to a call on another: the wait returns 0
/// without error, then the call runs.
#[test]
fn another_call_on_the_session_ends_the_wait() {
    let s = FakeServer::start(
        idle_then_done(logged_in(CAPS), "")
            .expect("A0004 UID FETCH 1:* (UID FLAGS RFC822.SIZE)")
            .send("* 1 FETCH (UID 7 FLAGS () RFC822.SIZE 10)\r\nA0004 OK f\r\n")
            .drain_until_closed(),
    );
    let name = "idle-fake-give-way";
    registry::open(name, &cfg(s.port())).unwrap();
    let waiter = std::thread::spawn(move || {
        let t = Instant::now();
        (registry::wait_for_mail(name, 30), t.elapsed())
    });
    std::thread::sleep(Duration::from_millis(400));
    let n = registry::with_reader(name, |r| r.count(Default::default())).unwrap();
    assert_eq!(n, 1);
    let (waited, took) = waiter.join().unwrap();
    assert!(!waited.unwrap(), "no mail, no error");
    assert!(
        took < Duration::from_secs(20),
        "the wait gave way after {took:?}"
    );
    registry::close(name).unwrap();
    s.join().assert_ok();
}

/// A connection the server closed while idle is opened again before the next call, the
/// folder selected again; a message deleted before still goes at EmailDetruit.
#[test]
fn a_connection_closed_while_idle_is_opened_again() {
    let s = FakeServer::start_multi(vec![
        logged_in(CAPS)
            .expect("A0003 SELECT \"Work\"")
            .send("* 0 EXISTS\r\nA0003 OK [READ-WRITE] Select completed\r\n")
            .expect("A0004 UID STORE 8 +FLAGS.SILENT (\\Deleted)")
            .send("A0004 OK Store completed\r\n")
            .send("* BYE Server shutting down.\r\n")
            .close(),
        selected(CAPS, "Work", 5)
            .expect("A0003 UID FETCH 1:*")
            .send(
                "* 1 FETCH (UID 8 FLAGS (\\Deleted) RFC822.SIZE 10)\r\n\
                   * 2 FETCH (UID 9 FLAGS () RFC822.SIZE 10)\r\nA0003 OK f\r\n",
            )
            .expect("A0004 UID EXPUNGE 8")
            .send("A0004 OK Expunge completed\r\n")
            .drain_until_closed(),
    ]);
    let mut c = open(s.port());
    c.select_folder("Work").unwrap();
    let eight = MessageRef {
        number: 1,
        uid: "8".into(),
        ..MessageRef::default()
    };
    c.delete(&eight).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    // What a call does first: the BYE is seen, the connection opened again.
    c.revive().unwrap();
    assert_eq!(c.folder(), "Work");
    assert_eq!(c.exists(), 5);
    assert_eq!(c.list(Default::default()).unwrap().len(), 1);
    // The deletion made before the restart is carried out on the new connection.
    c.destroy().unwrap();
    c.close().unwrap();
    let t = s.join();
    t.assert_ok();
    assert_eq!(t.sessions.len(), 2);
}

/// Appends to `script` a step that reads the keep-alive's NOOP (`expected`) and answers
/// `reply`; the flag turns true once it came.
fn noop_step(
    script: Script,
    expected: &'static str,
    reply: &'static str,
) -> (Script, Arc<AtomicBool>) {
    let seen = Arc::new(AtomicBool::new(false));
    let flag = seen.clone();
    let script = script.custom(move |c| {
        let line = c.read_line()?;
        if line != expected {
            return Err(format!("{expected:?} expected, got {line:?}"));
        }
        c.write_str(reply)?;
        flag.store(true, Ordering::SeqCst);
        Ok(())
    });
    (script, seen)
}

/// Opens `cfg` as session `name` with a keep-alive of 1 s, waits (at most 30 s) for the
/// NOOP to reach the server, closes.
fn keep_alive_case(name: &str, mut cfg: SessionConfig, server: FakeServer, seen: Arc<AtomicBool>) {
    cfg.keepalive = 1;
    registry::open(name, &cfg).unwrap();
    let t = Instant::now();
    while !seen.load(Ordering::SeqCst) && t.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(seen.load(Ordering::SeqCst), "no NOOP within 30 s");
    registry::close(name).unwrap();
    server.join().assert_ok();
}

/// With a keep-alive of 1 s an idle connection gets a NOOP, sent by the session's thread.
#[test]
fn keep_alive_sends_noop_on_an_idle_connection() {
    let (script, seen) = noop_step(
        logged_in(CAPS),
        "A0003 NOOP",
        "A0003 OK NOOP completed.\r\n",
    );
    let s = FakeServer::start(script.drain_until_closed());
    let cfg = cfg(s.port());
    keep_alive_case("idle-fake-keepalive", cfg, s, seen);
}

/// SMTP: the keep-alive sends NOOP on an idle synchronous connection too.
#[test]
fn keep_alive_sends_noop_on_an_idle_smtp_connection() {
    let hello = Script::new()
        .send("220 fake ESMTP\r\n")
        .expect("EHLO")
        .send("250-fake\r\n250 PIPELINING\r\n");
    let (script, seen) = noop_step(hello, "NOOP", "250 2.0.0 Ok\r\n");
    let s = FakeServer::start(script.expect("QUIT").send("221 bye\r\n"));
    let mut cfg = cfg(s.port());
    cfg.kind = SessionKind::Smtp;
    cfg.password = None;
    keep_alive_case("idle-fake-smtp-keepalive", cfg, s, seen);
}

/// The UIDs each of `criteria` finds through a client on `script`, and what the server
/// saw.
fn searches(
    script: Script,
    criteria: &[&str],
) -> (Vec<wd300com::error::Result<Vec<String>>>, Transcript) {
    let server = FakeServer::start(script.drain_until_closed());
    let mut c = open(server.port());
    let found = criteria
        .iter()
        .map(|text| {
            let uids = c.search(&Criteria::parse(text).unwrap())?;
            Ok(uids.into_iter().map(|r| r.uid).collect())
        })
        .collect();
    c.close().unwrap();
    let t = server.join();
    t.assert_ok();
    (found, t)
}

/// A non-ASCII value goes as a literal with CHARSET UTF-8; the ESEARCH answer is read;
/// a refused search is a protocol error carrying the server's reply.
#[test]
fn search_sends_non_ascii_values_as_literals_and_reads_esearch() {
    let script = logged_in(CAPS)
        .expect_literal_line("A0003 UID SEARCH RETURN (ALL) CHARSET UTF-8 (SUBJECT {5+}")
        .send("* ESEARCH (TAG \"A0003\") UID ALL 2,5:6\r\nA0003 OK Search completed\r\n")
        .expect_literal_line("A0004 UID SEARCH")
        .send("A0004 NO [BADCHARSET (US-ASCII)] Unsupported charset\r\n");
    let crit = [
        "(subject café) FROM \"Bob \\\"B\\\"\" NOT SEEN",
        "SUBJECT é",
    ];
    let (found, t) = searches(script, &crit);
    assert_eq!(found[0].as_deref().unwrap(), ["2", "5", "6"]);
    assert_eq!(
        String::from_utf8(t.literal_commands[0].clone()).unwrap(),
        "A0003 UID SEARCH RETURN (ALL) CHARSET UTF-8 (SUBJECT {5+}\r\ncafé) FROM \"Bob \\\"B\\\"\" NOT SEEN\r\n"
    );
    let e = found[1].as_ref().unwrap_err();
    assert_eq!(e.code, wd300com::error::WD_E::Protocol);
    assert!(
        e.system
            .as_deref()
            .unwrap_or_default()
            .contains("BADCHARSET")
    );
}

#[test]
fn search_without_literal_plus_or_esearch() {
    let script = logged_in("IMAP4rev1")
        .expect_literal_line("A0003 UID SEARCH CHARSET UTF-8 BODY {6}")
        .send("* SEARCH 4 3\r\n* SEARCH\r\nA0003 OK Search completed\r\n")
        .expect_literal_line("A0004 UID SEARCH OR SEEN LARGER 100")
        .send("* SEARCH\r\nA0004 OK Search completed\r\n");
    let (found, t) = searches(script, &["BODY naïve", "or seen larger 100"]);
    assert_eq!(found[0].as_deref().unwrap(), ["3", "4"]);
    assert!(found[1].as_ref().unwrap().is_empty());
    // The synchronizing literal waited for the server's "+".
    assert!(t.sent_text().contains(LITERAL_CONTINUATION));
    assert_eq!(
        String::from_utf8(t.literal_commands[0].clone()).unwrap(),
        "A0003 UID SEARCH CHARSET UTF-8 BODY {6}\r\nnaïve\r\n"
    );
}

/// A server without ESEARCH answers a search matching 30,000 messages with one SEARCH
/// line of about 200 KB (past the 64 KiB line limit of every other line), and a server
/// with ESEARCH with one set of 30,000 scattered UIDs: every UID is taken, and the
/// connection stays in step for the next search.
#[test]
fn search_answers_longer_than_a_line_are_read_whole() {
    let uids: Vec<u32> = (0..30_000u32).map(|i| 100_001 + 3 * i).collect();
    let mut search = String::from("* SEARCH");
    let mut set = String::new();
    // Out of order on the wire: the result comes sorted.
    for u in uids.iter().rev() {
        search.push_str(&format!(" {u}"));
        if !set.is_empty() {
            set.push(',');
        }
        set.push_str(&u.to_string());
    }
    assert!(search.len() > 3 * 65_536 && set.len() > 3 * 65_536);
    let cases = [
        (
            "IMAP4rev1 LITERAL+",
            "A0003 UID SEARCH UNSEEN",
            format!("{search}\r\nA0003 OK Search completed\r\n"),
        ),
        (
            CAPS,
            "A0003 UID SEARCH RETURN (ALL) UNSEEN",
            format!("* ESEARCH (TAG \"A0003\") UID ALL {set}\r\nA0003 OK Search completed\r\n"),
        ),
    ];
    for (caps, command, answer) in cases {
        let script = logged_in(caps)
            .expect_literal_line(command)
            .send(answer)
            .expect_literal_line("A0004 UID SEARCH")
            .send("* SEARCH 7\r\nA0004 OK Search completed\r\n");
        let (found, _) = searches(script, &["UNSEEN", "SEEN"]);
        let first = found[0]
            .as_ref()
            .unwrap_or_else(|e| panic!("{caps}: {e:?}"));
        assert_eq!(first.len(), 30_000, "{caps}");
        assert_eq!(first[0], "100001", "{caps}");
        assert_eq!(first[29_999], "189998", "{caps}");
        assert_eq!(found[1].as_deref().unwrap(), ["7"], "{caps}");
    }
}
