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
use wd300com::registry;
use wd300com::search::Criteria;
use wd300com::session::{Mailbox, SessionConfig, SessionKind, WaitUntil, Waited};

const CAPS: &str = "IMAP4rev1 LITERAL+ UIDPLUS MOVE IDLE ESEARCH";

fn cfg(port: u16) -> SessionConfig {
    let mut c = SessionConfig::new(SessionKind::Imap);
    c.host = "127.0.0.1".into();
    c.port = port;
    c.user = "alice@wd.test".into();
    c.password = Some("alicepw".into());
    c.timeout = Some(10);
    c
}

/// Greeting with `caps`, LOGIN (A0001) and SELECT INBOX (A0002) with 3 messages.
fn logged_in(caps: &str) -> Script {
    Script::new()
        .send(format!("* OK [CAPABILITY {caps}] fake ready\r\n"))
        .expect("A0001 LOGIN \"alice@wd.test\" \"alicepw\"")
        .send(format!("A0001 OK [CAPABILITY {caps}] Logged in\r\n"))
        .expect("A0002 SELECT \"INBOX\"")
        .send("* 3 EXISTS\r\nA0002 OK [READ-WRITE] Select completed\r\n")
}

fn open(port: u16) -> ImapClient {
    ImapClient::open(&cfg(port), 10).unwrap_or_else(|e| panic!("open: {e:?}"))
}

fn wait(c: &mut ImapClient, seconds: f64, give_way: &dyn Fn() -> bool) -> Waited {
    let w = WaitUntil {
        until: Instant::now() + Duration::from_secs_f64(seconds),
        give_way,
    };
    c.wait_new_mail(&w)
        .unwrap_or_else(|e| panic!("wait: {e:?}"))
}

#[test]
fn idle_wakes_on_new_mail_and_ends_with_done() {
    let s = FakeServer::start(
        logged_in(CAPS)
            .expect("A0003 IDLE")
            .send("+ idling\r\n")
            .stall(Duration::from_millis(300))
            .send("* 1 FETCH (FLAGS (\\Seen))\r\n* 4 EXISTS\r\n* 1 RECENT\r\n")
            .expect("DONE")
            .send("A0003 OK Idle completed.\r\n")
            .drain_until_closed(),
    );
    let mut c = open(s.port());
    let t = Instant::now();
    assert_eq!(wait(&mut c, 20.0, &|| false), Waited::NewMail { known: 3 });
    let took = t.elapsed();
    assert!(took < Duration::from_secs(10), "woke after {took:?}");
    assert_eq!(c.exists(), 4);
    c.close().unwrap();
    let tr = s.join();
    tr.assert_ok();
    assert!(tr.has_line("DONE"));
}

#[test]
fn idle_is_sent_again_at_its_limit_and_the_delay_ends_it() {
    let idles = Arc::new(AtomicUsize::new(0));
    let counted = idles.clone();
    // Answers IDLE / DONE pairs until LOGOUT.
    let s = FakeServer::start(logged_in(CAPS).custom(move |c| {
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
    }));
    let mut c = open(s.port());
    c.set_wait_timing(WaitTiming {
        idle_reissue: Duration::from_millis(150),
        noop_poll: Duration::from_secs(60),
    });
    assert_eq!(wait(&mut c, 1.5, &|| false), Waited::TimedOut);
    c.close().unwrap();
    s.join().assert_ok();
    let n = idles.load(Ordering::SeqCst);
    assert!(n >= 2, "IDLE sent {n} time(s): never sent again");
}

#[test]
fn noop_polling_where_idle_is_missing() {
    let s = FakeServer::start(
        logged_in("IMAP4rev1 LITERAL+")
            .expect("A0003 NOOP")
            .send("A0003 OK NOOP completed.\r\n")
            .expect("A0004 NOOP")
            .send("* 2 EXPUNGE\r\n* 3 EXISTS\r\nA0004 OK NOOP completed.\r\n")
            .drain_until_closed(),
    );
    let mut c = open(s.port());
    c.set_wait_timing(WaitTiming {
        idle_reissue: Duration::from_secs(60),
        noop_poll: Duration::from_millis(100),
    });
    assert_eq!(wait(&mut c, 20.0, &|| false), Waited::NewMail { known: 3 });
    c.close().unwrap();
    let tr = s.join();
    tr.assert_ok();
    assert!(!tr.has_line("A0003 IDLE"));
}

#[test]
fn a_zero_delay_looks_once() {
    let s = FakeServer::start(
        logged_in(CAPS)
            .expect("A0003 NOOP")
            .send("A0003 OK NOOP completed.\r\n")
            .drain_until_closed(),
    );
    let mut c = open(s.port());
    assert_eq!(wait(&mut c, 0.0, &|| false), Waited::TimedOut);
    c.close().unwrap();
    s.join().assert_ok();
}

#[test]
fn idle_gives_way_when_asked() {
    let s = FakeServer::start(
        logged_in(CAPS)
            .expect("A0003 IDLE")
            .send("+ idling\r\n")
            .expect("DONE")
            .send("A0003 OK Idle completed.\r\n")
            .drain_until_closed(),
    );
    let mut c = open(s.port());
    let flag = Arc::new(AtomicBool::new(false));
    let setter = flag.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        setter.store(true, Ordering::SeqCst);
    });
    let give_way = || flag.load(Ordering::SeqCst);
    assert_eq!(wait(&mut c, 30.0, &give_way), Waited::GaveWay);
    c.close().unwrap();
    s.join().assert_ok();
}

/// A session waiting on one thread gives way to a call on another: the wait returns 0
/// without error, then the call runs.
#[test]
fn another_call_on_the_session_ends_the_wait() {
    let s = FakeServer::start(
        logged_in(CAPS)
            .expect("A0003 IDLE")
            .send("+ idling\r\n")
            .expect("DONE")
            .send("A0003 OK Idle completed.\r\n")
            .expect("A0004 UID SEARCH ALL")
            .expect("A0005 UID FETCH 1:* (UID FLAGS RFC822.SIZE)")
            .send("* SEARCH 7\r\n* 1 FETCH (UID 7 FLAGS () RFC822.SIZE 10)\r\nA0004 OK s\r\nA0005 OK f\r\n")
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
/// folder selected again.
#[test]
fn a_connection_closed_while_idle_is_opened_again() {
    let s = FakeServer::start_multi(vec![
        logged_in(CAPS)
            .expect("A0003 SELECT \"Work\"")
            .send("* 0 EXISTS\r\nA0003 OK [READ-WRITE] Select completed\r\n")
            .send("* BYE Server shutting down.\r\n")
            .close(),
        Script::new()
            .send(format!("* OK [CAPABILITY {CAPS}] fake ready\r\n"))
            .expect("A0001 LOGIN \"alice@wd.test\" \"alicepw\"")
            .send(format!("A0001 OK [CAPABILITY {CAPS}] Logged in\r\n"))
            .expect("A0002 SELECT \"Work\"")
            .send("* 5 EXISTS\r\nA0002 OK [READ-WRITE] Select completed\r\n")
            .expect("A0003 UID SEARCH ALL")
            .expect("A0004 UID FETCH 1:*")
            .send("* SEARCH 9\r\n* 1 FETCH (UID 9 FLAGS () RFC822.SIZE 10)\r\nA0003 OK s\r\nA0004 OK f\r\n")
            .drain_until_closed(),
    ]);
    let name = "idle-fake-reopen";
    registry::open(name, &cfg(s.port())).unwrap();
    registry::with_reader(name, |r| r.select_folder("Work")).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let n = registry::with_reader(name, |r| r.count(Default::default())).unwrap();
    assert_eq!(n, 1);
    registry::close(name).unwrap();
    let t = s.join();
    t.assert_ok();
    assert_eq!(t.sessions.len(), 2);
}

/// With a keep-alive of 1 s an idle connection gets a NOOP, sent by the session's thread.
#[test]
fn keep_alive_sends_noop_on_an_idle_connection() {
    let noop = Arc::new(AtomicBool::new(false));
    let seen = noop.clone();
    let s = FakeServer::start(
        logged_in(CAPS)
            .custom(move |c| {
                let line = c.read_line()?;
                if line != "A0003 NOOP" {
                    return Err(format!("NOOP expected, got {line:?}"));
                }
                c.write_str("A0003 OK NOOP completed.\r\n")?;
                seen.store(true, Ordering::SeqCst);
                Ok(())
            })
            .drain_until_closed(),
    );
    let name = "idle-fake-keepalive";
    let mut c = cfg(s.port());
    c.keepalive = 1;
    registry::open(name, &c).unwrap();
    let t = Instant::now();
    while !noop.load(Ordering::SeqCst) && t.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(noop.load(Ordering::SeqCst), "no NOOP within 30 s");
    registry::close(name).unwrap();
    s.join().assert_ok();
}

/// SMTP: the keep-alive sends NOOP on an idle synchronous connection too.
#[test]
fn keep_alive_sends_noop_on_an_idle_smtp_connection() {
    let noop = Arc::new(AtomicBool::new(false));
    let seen = noop.clone();
    let s = FakeServer::start(
        Script::new()
            .send("220 fake ESMTP\r\n")
            .expect("EHLO")
            .send("250-fake\r\n250 PIPELINING\r\n")
            .custom(move |c| {
                let line = c.read_line()?;
                if line != "NOOP" {
                    return Err(format!("NOOP expected, got {line:?}"));
                }
                c.write_str("250 2.0.0 Ok\r\n")?;
                seen.store(true, Ordering::SeqCst);
                Ok(())
            })
            .expect("QUIT")
            .send("221 bye\r\n"),
    );
    let name = "idle-fake-smtp-keepalive";
    let mut c = cfg(s.port());
    c.kind = SessionKind::Smtp;
    c.password = None;
    c.keepalive = 1;
    registry::open(name, &c).unwrap();
    let t = Instant::now();
    while !noop.load(Ordering::SeqCst) && t.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(noop.load(Ordering::SeqCst), "no NOOP within 30 s");
    registry::close(name).unwrap();
    s.join().assert_ok();
}

#[test]
fn search_sends_non_ascii_values_as_literals_and_reads_esearch() {
    let s = FakeServer::start(
        logged_in(CAPS)
            .expect_literal_line("A0003 UID SEARCH RETURN (ALL) CHARSET UTF-8 (SUBJECT {5+}")
            .send("* ESEARCH (TAG \"A0003\") UID ALL 2,5:6\r\nA0003 OK Search completed\r\n")
            .drain_until_closed(),
    );
    let mut c = open(s.port());
    let crit = Criteria::parse("(subject café) FROM \"Bob \\\"B\\\"\" NOT SEEN").unwrap();
    let found: Vec<String> = c
        .search(&crit)
        .unwrap()
        .into_iter()
        .map(|r| r.uid)
        .collect();
    assert_eq!(found, ["2", "5", "6"]);
    c.close().unwrap();
    let t = s.join();
    t.assert_ok();
    assert_eq!(
        String::from_utf8(t.literal_commands[0].clone()).unwrap(),
        "A0003 UID SEARCH RETURN (ALL) CHARSET UTF-8 (SUBJECT {5+}\r\ncafé) FROM \"Bob \\\"B\\\"\" NOT SEEN\r\n"
    );
}

#[test]
fn search_without_literal_plus_or_esearch() {
    let s = FakeServer::start(
        logged_in("IMAP4rev1")
            .expect_literal_line("A0003 UID SEARCH CHARSET UTF-8 BODY {6}")
            .send("* SEARCH 4 3\r\n* SEARCH\r\nA0003 OK Search completed\r\n")
            .expect_literal_line("A0004 UID SEARCH OR SEEN LARGER 100")
            .send("* SEARCH\r\nA0004 OK Search completed\r\n")
            .drain_until_closed(),
    );
    let mut c = open(s.port());
    let found: Vec<String> = c
        .search(&Criteria::parse("BODY naïve").unwrap())
        .unwrap()
        .into_iter()
        .map(|r| r.uid)
        .collect();
    assert_eq!(found, ["3", "4"]);
    let none = c
        .search(&Criteria::parse("or seen larger 100").unwrap())
        .unwrap();
    assert!(none.is_empty());
    c.close().unwrap();
    let t = s.join();
    t.assert_ok();
    // The synchronizing literal waited for the server's "+".
    assert!(t.sent_text().contains(LITERAL_CONTINUATION));
    assert_eq!(
        String::from_utf8(t.literal_commands[0].clone()).unwrap(),
        "A0003 UID SEARCH CHARSET UTF-8 BODY {6}\r\nnaïve\r\n"
    );
}

#[test]
fn a_refused_search_is_a_protocol_error_with_the_reply() {
    let s = FakeServer::start(
        logged_in(CAPS)
            .expect("A0003 UID SEARCH")
            .send("A0003 NO [BADCHARSET (US-ASCII)] Unsupported charset\r\n")
            .drain_until_closed(),
    );
    let mut c = open(s.port());
    let e = c
        .search(&Criteria::parse("SUBJECT é").unwrap())
        .unwrap_err();
    assert_eq!(e.code, wd300com::error::WD_E::Protocol);
    assert!(e.system.unwrap_or_default().contains("BADCHARSET"));
    c.close().unwrap();
    s.join().assert_ok();
}
