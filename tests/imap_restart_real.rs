//! A Dovecot restart (`scripts/mailservers restart`) while sessions are idle or waiting
//! for new mail: the next IMAP call opens the connection again transparently (the
//! folder selected again), a wait goes on and sees mail delivered after the restart,
//! and a POP3 session reports `WD_E_CONNECTION_LOST`. Alone in its test binary, as the
//! restart cuts every connection to the bench. Without WD_TEST_HOST the test skips with
//! a note, unless WD_REQUIRE_SERVERS=1, where it fails.

mod support;

use std::time::{Duration, Instant};
use support::bench::{self, port, var};
use wd300com::error::WD_E;
use wd300com::reader::Step;
use wd300com::registry;
use wd300com::session::{ReadOptions, SessionConfig, SessionKind};

fn session(kind: SessionKind, n: u8) -> SessionConfig {
    let mut c = SessionConfig::new(kind);
    c.host = var("WD_TEST_HOST");
    c.port = port(match kind {
        SessionKind::Pop3 => "WD_TEST_POP3_PORT",
        _ => "WD_TEST_IMAP_PORT",
    });
    c.user = var(&format!("WD_TEST_USER{n}"));
    c.password = Some(var(&format!("WD_TEST_PASS{n}")).into());
    c.timeout = Some(30);
    c
}

/// Restarts the bench's servers (the port base follows from the IMAP port).
fn restart_servers() {
    let base = port("WD_TEST_IMAP_PORT") - 143;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/mailservers");
    let out = std::process::Command::new(script)
        .arg("restart")
        .env("WD_BENCH_DIR", var("WD_BENCH_DIR"))
        .env("WD_BENCH_PORT_BASE", base.to_string())
        .output()
        .expect("scripts/mailservers");
    assert!(
        out.status.success(),
        "restart failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn sessions_survive_a_dovecot_restart() {
    if !bench::available("Dovecot restart test") {
        return;
    }
    let tag = format!("restart-{}", std::process::id());
    let (idle, waiting, pop) = (
        format!("{tag}-idle"),
        format!("{tag}-wait"),
        format!("{tag}-pop"),
    );
    let mut cfg = session(SessionKind::Imap, 1);
    cfg.folder = "Sent".into();
    registry::open(&idle, &cfg).unwrap();
    let before = registry::with_reader(&idle, |r| r.count(ReadOptions::default())).unwrap();
    let carol = session(SessionKind::Imap, 3);
    registry::open(&waiting, &carol).unwrap();
    let opts = ReadOptions {
        header_only: true,
        ..ReadOptions::default()
    };
    // The waiting session read its INBOX to the end. A message removed since the listing
    // (the Maildir files earlier tests removed are seen gone only when Dovecot next
    // syncs the folder) fails its read, and the loop goes on after it.
    let mut step = Step::First;
    loop {
        match registry::with_reader(&waiting, |r| r.step(step, opts)) {
            Ok(None) => break,
            Ok(Some(_)) => {}
            Err(e) if e.code == WD_E::Protocol && e.message.contains("no longer exists") => {}
            Err(e) => panic!("reading the INBOX: {e:?}"),
        }
        step = Step::Next;
    }
    registry::open(&pop, &session(SessionKind::Pop3, 2)).unwrap();
    registry::with_reader(&pop, |r| r.count(ReadOptions::default())).unwrap();

    let subject = format!("{tag}-after-restart");
    let waiter = std::thread::spawn({
        let waiting = waiting.clone();
        move || {
            let t = Instant::now();
            let r = registry::wait_for_mail(&waiting, 120);
            (r, t.elapsed())
        }
    });
    std::thread::sleep(Duration::from_millis(500));
    let t = Instant::now();
    restart_servers();
    println!("servers restarted in {} ms", t.elapsed().as_millis());
    support::clients::smtp_send(&var("WD_TEST_USER3"), &subject);
    let (woke, took) = waiter.join().unwrap();
    assert!(woke.unwrap_or_else(|e| panic!("the wait failed: {e:?}")));
    println!(
        "the wait begun before the restart saw the mail after {} ms",
        took.as_millis()
    );
    let read = registry::with_reader(&waiting, |r| r.step(Step::Next, opts))
        .unwrap()
        .expect("the new message");
    assert_eq!(read.email.subject, subject);

    // The idle IMAP session: the next call works, in the folder it had selected.
    let after = registry::with_reader(&idle, |r| r.count(ReadOptions::default())).unwrap();
    assert_eq!(
        after, before,
        "the same folder (Sent) after the reconnection"
    );
    // The idle POP3 session reports the loss, then again until it is closed.
    for _ in 0..2 {
        let e = registry::with_reader(&pop, |r| r.count(ReadOptions::default())).unwrap_err();
        assert_eq!(e.code, WD_E::ConnectionLost, "{e:?}");
    }
    let _ = registry::close(&pop);
    registry::open(&pop, &session(SessionKind::Pop3, 2)).unwrap();
    registry::with_reader(&pop, |r| r.count(ReadOptions::default())).unwrap();
    for name in [&idle, &waiting, &pop] {
        registry::close(name).unwrap();
    }
}
