//! A send cancelled by the progress callback, on the wire of the fake SMTP server: with
//! DATA the final dot never leaves, with CHUNKING the chunk stays shorter than announced
//! (the server cannot take either as a message); the connection is dropped and the next
//! send opens a new one. Progress is monotonic and ends at the size of the message.

mod support;

use parking_lot::Mutex;
use std::sync::Arc;
use support::fake_server::*;
use wd300com::error::WD_E;
use wd300com::progress;
use wd300com::session::{OutgoingMessage, SessionConfig, SessionKind};

const EHLO_PIPE: &str = "250-fake\r\n250-PIPELINING\r\n250 8BITMIME\r\n";
const EHLO_CHUNKING: &str = "250-fake\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 CHUNKING\r\n";

fn bye() -> Script {
    Script::new().expect("QUIT").send("221 bye\r\n")
}

/// A message of about 2 MB, already in CRLF (its size is what the callback is told).
fn big() -> OutgoingMessage {
    let mut data = b"From: a@wd.test\r\nTo: b@wd.test\r\nSubject: big\r\n\r\n".to_vec();
    while data.len() < 2_000_000 {
        data.extend_from_slice(&[b'x'; 70]);
        data.extend_from_slice(b"\r\n");
    }
    OutgoingMessage {
        from: "a@wd.test".into(),
        recipients: vec!["b@wd.test".into()],
        data: data.into(),
        ..OutgoingMessage::default()
    }
}

/// The calls a progress callback got: `(done, total)`.
type Calls = Arc<Mutex<Vec<(i64, i64)>>>;

/// A progress callback recording its calls, cancelling once `done` reaches `at`.
fn recorder(at: Option<i64>) -> (progress::Callback, Calls) {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let c = calls.clone();
    let cb: progress::Callback = Arc::new(move |done, total| {
        c.lock().push((done, total));
        at.is_none_or(|at| done < at)
    });
    (cb, calls)
}

/// The pipelined envelope, and the replies to it.
fn envelope(data_command: bool) -> Script {
    let s = Script::new().expect("MAIL FROM:").expect("RCPT TO:");
    match data_command {
        true => s.expect("DATA").send("250 ok\r\n250 ok\r\n354 go\r\n"),
        false => s,
    }
}

/// A send cancelled on a first connection, sent again on a second: `first` and `second`
/// follow the greeting and EHLO (answered `ehlo`) of each.
fn cancelled_then_sent(ehlo: &str, first: Script, second: Script) -> Transcript {
    let greeted = |then: Script| {
        let hello = Script::new().send("220 fake ESMTP\r\n").expect("EHLO ");
        hello.send(ehlo).then(then)
    };
    let server = FakeServer::start_multi(vec![greeted(first), greeted(second)]);
    let cfg = SessionConfig {
        host: "127.0.0.1".into(),
        port: server.port(),
        timeout: Some(20),
        ..SessionConfig::new(SessionKind::Smtp)
    };
    let mut out = wd300com::smtp::open_outgoing(&cfg, 600).unwrap();
    let msg = big();
    let total = msg.data.len() as i64;
    {
        let (cb, calls) = recorder(Some(total / 2));
        let _p = progress::scope(Some(cb));
        let e = out.send(msg.clone()).unwrap_err();
        assert_eq!(e.code, WD_E::Cancelled, "{}", e.message);
        let calls = calls.lock();
        assert_eq!(calls[0], (0, total));
        let last = calls.last().unwrap().0;
        assert!(last >= total / 2 && last < total, "{calls:?}");
    }
    {
        let (cb, calls) = recorder(None);
        let _p = progress::scope(Some(cb));
        out.send(msg).expect("sent on a new connection");
        progress::finish();
        let calls = calls.lock();
        assert_eq!(calls[0], (0, total));
        assert_eq!(*calls.last().unwrap(), (total, total));
        assert!(calls.windows(2).all(|w| w[0].0 < w[1].0), "{calls:?}");
    }
    out.close(std::time::Duration::from_secs(5)).unwrap();
    let t = server.join();
    t.assert_ok();
    t
}

#[test]
fn cancelled_data_never_gets_its_final_dot() {
    let taken = envelope(true).expect_data().send("250 queued\r\n");
    let t = cancelled_then_sent(
        EHLO_PIPE,
        envelope(true).drain_until_closed(),
        taken.then(bye()),
    );
    let first = &t.sessions[0].received;
    let data = first.windows(6).position(|w| w == b"DATA\r\n").unwrap() + 6;
    let body = &first[data..];
    assert!(
        body.len() > 500_000,
        "part of the body left: {}",
        body.len()
    );
    assert!(body.len() < big().data.len(), "{}", body.len());
    assert!(
        !body.windows(5).any(|w| w == b"\r\n.\r\n"),
        "the final dot was sent"
    );
    assert!(t.sessions[0].client_closed);
    assert_eq!(
        t.data_bodies.len(),
        1,
        "the second connection took the message"
    );
}

#[test]
fn cancelled_chunk_stays_shorter_than_announced() {
    let taken = envelope(false)
        .expect_bdat()
        .send("250 ok\r\n250 ok\r\n250 queued\r\n");
    let t = cancelled_then_sent(
        EHLO_CHUNKING,
        envelope(false).drain_until_closed(),
        taken.then(bye()),
    );
    let first = &t.sessions[0].received;
    let text = String::from_utf8_lossy(&first[..first.len().min(4096)]).into_owned();
    let at = text.find("BDAT ").expect("a BDAT command");
    let line_end = at + text[at..].find("\r\n").unwrap() + 2;
    let announced: usize = text[at + 5..].split(' ').next().unwrap().parse().unwrap();
    assert_eq!(announced, big().data.len());
    let sent = first.len() - line_end;
    assert!(
        sent > 500_000 && sent < announced,
        "{sent} of {announced} bytes"
    );
    assert_eq!(
        t.bdat_chunks.len(),
        1,
        "the second connection took the message"
    );
    assert_eq!(t.bdat_chunks[0], &big().data[..]);
}
