//! Self-test of the scriptable fake server (tests/support/fake_server/),
//! driven by plain std / native_tls clients.

mod support;

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::panic;
use std::thread;
use std::time::{Duration, Instant};

use support::fake_server::*;

// ---------------------------------------------------------------------------
// Minimal test client
// ---------------------------------------------------------------------------

enum CStream {
    Plain(TcpStream),
    Tls(Box<native_tls::TlsStream<TcpStream>>),
    Taken,
}

struct Client {
    s: CStream,
    buf: Vec<u8>,
}

fn tls_connector() -> native_tls::TlsConnector {
    let pem = std::fs::read(fake_ca_path()).unwrap();
    let ca = native_tls::Certificate::from_pem(&pem).unwrap();
    native_tls::TlsConnector::builder()
        .add_root_certificate(ca)
        .build()
        .unwrap()
}

impl Client {
    fn connect(server: &FakeServer) -> Client {
        let tcp = TcpStream::connect(server.addr()).unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        tcp.set_nodelay(true).unwrap();
        Client {
            s: CStream::Plain(tcp),
            buf: Vec::new(),
        }
    }

    fn connect_tls(server: &FakeServer) -> Client {
        let mut c = Client::connect(server);
        c.starttls();
        c
    }

    fn starttls(&mut self) {
        assert!(self.buf.is_empty(), "unread data before TLS");
        let CStream::Plain(tcp) = std::mem::replace(&mut self.s, CStream::Taken) else {
            panic!("not plain");
        };
        let tls = tls_connector().connect("localhost", tcp).unwrap();
        self.s = CStream::Tls(Box::new(tls));
    }

    fn tcp(&self) -> &TcpStream {
        match &self.s {
            CStream::Plain(s) => s,
            CStream::Tls(s) => s.get_ref(),
            CStream::Taken => unreachable!(),
        }
    }

    fn raw_read(&mut self, b: &mut [u8]) -> io::Result<usize> {
        match &mut self.s {
            CStream::Plain(s) => s.read(b),
            CStream::Tls(s) => s.read(b),
            CStream::Taken => unreachable!(),
        }
    }

    fn send(&mut self, text: &str) {
        self.send_bytes(text.as_bytes());
    }

    fn send_bytes(&mut self, b: &[u8]) {
        match &mut self.s {
            CStream::Plain(s) => s.write_all(b).unwrap(),
            CStream::Tls(s) => s.write_all(b).unwrap(),
            CStream::Taken => unreachable!(),
        }
    }

    /// Fills the buffer once; Ok(0) on EOF.
    fn fill(&mut self) -> io::Result<usize> {
        let mut tmp = [0u8; 8192];
        let n = self.raw_read(&mut tmp)?;
        self.buf.extend_from_slice(&tmp[..n]);
        Ok(n)
    }

    fn try_line(&mut self) -> io::Result<Option<String>> {
        loop {
            if let Some(p) = self.buf.iter().position(|&c| c == b'\n') {
                let raw: Vec<u8> = self.buf.drain(..=p).collect();
                let s = String::from_utf8_lossy(&raw);
                return Ok(Some(s.trim_end_matches(['\r', '\n']).to_string()));
            }
            if self.fill()? == 0 {
                return Ok(None);
            }
        }
    }

    fn line(&mut self) -> String {
        self.try_line().unwrap().expect("unexpected EOF")
    }

    /// Reads until EOF (or error), returns everything.
    fn read_to_eof(&mut self) -> Vec<u8> {
        loop {
            match self.fill() {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
        std::mem::take(&mut self.buf)
    }
}

fn failures_contain(t: &Transcript, needle: &str) -> bool {
    t.failures.iter().any(|f| f.contains(needle))
}

// ---------------------------------------------------------------------------
// Basic steps
// ---------------------------------------------------------------------------

#[test]
fn send_expect_and_lines() {
    let server = FakeServer::start(
        Script::new()
            .send("220 fake ESMTP\r\n")
            .expect("EHLO ")
            .send("250-fake\r\n250 PIPELINING\r\n")
            .expect_any()
            .send_line("221 bye"),
    );
    let mut c = Client::connect(&server);
    assert_eq!(c.line(), "220 fake ESMTP");
    c.send("ehlo client.example\r\n"); // prefix match is case-insensitive
    assert_eq!(c.line(), "250-fake");
    assert_eq!(c.line(), "250 PIPELINING");
    c.send("WHATEVER\n"); // bare LF accepted
    assert_eq!(c.line(), "221 bye");
    assert_eq!(c.try_line().unwrap(), None, "server closes at script end");
    let t = server.join();
    t.assert_ok();
    assert_eq!(t.lines, vec!["ehlo client.example", "WHATEVER"]);
    assert_eq!(t.received, b"ehlo client.example\r\nWHATEVER\n");
    assert_eq!(t.flights, 2);
    assert!(t.has_line("EHLO"));
    assert_eq!(t.line("whatever"), Some("WHATEVER"));
    assert!(t.sent_text().starts_with("220 fake ESMTP\r\n"));
    assert_eq!(t.sessions.len(), 1);
}

#[test]
fn send_bytes_and_script_composition() {
    let greeting = Script::new().send_bytes(b"+OK \xff\x00 raw\r\n");
    let script = greeting.then(Script::new().expect("QUIT").send("+OK\r\n"));
    assert_eq!(script.len(), 3);
    let server = FakeServer::start(script);
    let mut c = Client::connect(&server);
    let mut raw = Vec::new();
    while !raw.ends_with(b"\n") {
        assert!(c.fill().unwrap() > 0);
        raw = c.buf.clone();
    }
    assert_eq!(raw, b"+OK \xff\x00 raw\r\n");
    c.buf.clear();
    c.send("QUIT\r\n");
    assert_eq!(c.line(), "+OK");
    server.join().assert_ok();
}

#[test]
fn expect_mismatch_is_a_failure() {
    let server = FakeServer::start(
        Script::new()
            .send("220 hi\r\n")
            .expect("MAIL FROM:")
            .send("250 never sent\r\n"),
    );
    let mut c = Client::connect(&server);
    c.line();
    c.send("RCPT TO:<a@b>\r\n");
    // Script stops at the failure and closes.
    assert_eq!(c.try_line().unwrap(), None);
    let t = server.join();
    assert_eq!(t.failures.len(), 1, "{:?}", t.failures);
    assert!(failures_contain(&t, "MAIL FROM:"));
    assert!(failures_contain(&t, "RCPT TO:<a@b>"));
    assert!(!t.sent_text().contains("never sent"));
    let r = panic::catch_unwind(|| {
        t.assert_ok();
    });
    assert!(r.is_err(), "assert_ok must panic");
}

#[test]
fn unexpected_eof_is_a_failure() {
    let server = FakeServer::start(Script::new().send("+OK\r\n").expect("USER"));
    let mut c = Client::connect(&server);
    c.line();
    c.send("US"); // partial line then close
    drop(c);
    let t = server.join();
    assert!(t.client_closed);
    assert!(failures_contain(&t, "unexpected EOF"), "{:?}", t.failures);
    assert!(failures_contain(&t, "US"), "partial data reported");
}

#[test]
fn read_timeout_is_a_failure() {
    let server = FakeServer::start(
        Script::new()
            .read_timeout(Duration::from_millis(200))
            .send("+OK\r\n")
            .expect("USER"),
    );
    let mut c = Client::connect(&server);
    c.line();
    let started = Instant::now();
    let t = server.join();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(failures_contain(&t, "timed out"), "{:?}", t.failures);
    assert!(!t.client_closed);
    drop(c);
}

#[test]
fn expect_data_records_body() {
    let server = FakeServer::start(
        Script::new()
            .send("354 go\r\n")
            .expect_data()
            .send("250 ok\r\n"),
    );
    let mut c = Client::connect(&server);
    c.line();
    c.send("Subject: x\r\n\r\n..dot stuffed\r\nbody\r\n");
    c.send(".\r\n");
    assert_eq!(c.line(), "250 ok");
    let t = server.join();
    t.assert_ok();
    assert_eq!(
        t.data_bodies,
        vec![b"Subject: x\r\n\r\n..dot stuffed\r\nbody\r\n".to_vec()]
    );
    assert!(t.lines.is_empty());
}

#[test]
fn bdat_single_and_last() {
    let server = FakeServer::start(
        Script::new()
            .send("220 hi\r\n")
            .expect_bdat()
            .send("250 one\r\n")
            .expect_bdat_last()
            .send("250 done\r\n"),
    );
    let mut c = Client::connect(&server);
    c.line();
    c.send("BDAT 5\r\nab\r\nc");
    assert_eq!(c.line(), "250 one");
    c.send("BDAT 3\r\nxyz");
    assert_eq!(c.line(), DEFAULT_BDAT_REPLY.trim_end());
    c.send("bdat 0 last\r\n");
    assert_eq!(c.line(), "250 done");
    let t = server.join();
    t.assert_ok();
    assert_eq!(
        t.bdat_chunks,
        vec![b"ab\r\nc".to_vec(), b"xyz".to_vec(), Vec::new()]
    );
    assert_eq!(t.bdat_message(), b"ab\r\ncxyz");
    assert_eq!(t.lines, vec!["BDAT 5", "BDAT 3", "bdat 0 last"]);
}

#[test]
fn bad_bdat_command_is_a_failure() {
    let server = FakeServer::start(Script::new().expect_bdat());
    let mut c = Client::connect(&server);
    c.send("DATA\r\n");
    let t = server.join();
    assert!(failures_contain(&t, "BDAT <n>"), "{:?}", t.failures);
}

#[test]
fn literal_lines_sync_and_nonsync() {
    let server = FakeServer::start(
        Script::new()
            .send("* OK IMAP ready\r\n")
            .expect_literal_line("a1 LOGIN")
            .send("a1 OK\r\n")
            .expect_literal_line("A2 append")
            .send("a2 OK\r\n"),
    );
    let mut c = Client::connect(&server);
    c.line();
    c.send("a1 LOGIN {4}\r\n");
    assert_eq!(c.line(), "+ go ahead");
    c.send("user {4}\r\n");
    assert_eq!(c.line(), "+ go ahead");
    c.send("pa\"s\r\n");
    assert_eq!(c.line(), "a1 OK");
    // LITERAL+ : no continuation expected, everything in one write.
    c.send("a2 APPEND INBOX ~{7+}\r\nhi\r\nyou FLAG {2+}\r\nzz\r\n");
    assert_eq!(c.line(), "a2 OK");
    let t = server.join();
    t.assert_ok();
    assert_eq!(
        t.literal_commands,
        vec![
            b"a1 LOGIN {4}\r\nuser {4}\r\npa\"s\r\n".to_vec(),
            b"a2 APPEND INBOX ~{7+}\r\nhi\r\nyou FLAG {2+}\r\nzz\r\n".to_vec(),
        ]
    );
    assert_eq!(t.lines[0], "a1 LOGIN {4}\r\nuser {4}\r\npa\"s");
    // Continuations are server writes: the LOGIN took 3 flights.
    assert_eq!(t.flights, 4);
}

#[test]
fn custom_step() {
    let server = FakeServer::start(Script::new().send("* OK\r\n").custom(|conn| {
        let line = conn.read_line()?;
        let n: usize = line
            .strip_prefix("LEN ")
            .ok_or("bad")?
            .parse()
            .map_err(|_| "nan")?;
        let data = conn.read_exact(n)?;
        conn.write(b"ECHO ")?;
        conn.write(&data)?;
        conn.write_str("\r\n")
    }));
    let mut c = Client::connect(&server);
    c.line();
    c.send("LEN 3\r\nabc");
    assert_eq!(c.line(), "ECHO abc");
    let t = server.join();
    t.assert_ok();
    assert_eq!(t.lines, vec!["LEN 3"]);
}

#[test]
fn custom_error_and_panic_are_failures() {
    let server = FakeServer::start_multi(vec![
        Script::new().custom(|_| Err("boom".to_string())),
        Script::new().custom(|_| panic!("kaboom")),
    ]);
    drop(Client::connect(&server));
    drop(Client::connect(&server));
    let t = server.join();
    assert!(
        failures_contain(&t, "connection #0: step 0 (custom): boom"),
        "{:?}",
        t.failures
    );
    assert!(failures_contain(&t, "kaboom"), "{:?}", t.failures);
}

// ---------------------------------------------------------------------------
// TLS
// ---------------------------------------------------------------------------

#[test]
fn starttls_upgrade() {
    let server = FakeServer::start(
        Script::new()
            .send("220 hi\r\n")
            .expect("STARTTLS")
            .send("220 go ahead\r\n")
            .starttls()
            .expect("EHLO secure")
            .send("250 ok\r\n")
            .expect("QUIT")
            .send("221 bye\r\n")
            .expect_closed(),
    );
    let mut c = Client::connect(&server);
    c.line();
    c.send("STARTTLS\r\n");
    assert_eq!(c.line(), "220 go ahead");
    c.starttls();
    c.send("EHLO secure\r\n");
    assert_eq!(c.line(), "250 ok");
    c.send("QUIT\r\n");
    assert_eq!(c.line(), "221 bye");
    drop(c);
    let t = server.join();
    t.assert_ok();
    assert_eq!(t.lines, vec!["STARTTLS", "EHLO secure", "QUIT"]);
    assert_eq!(t.received, b"STARTTLS\r\nEHLO secure\r\nQUIT\r\n");
    assert_eq!(t.flights, 3);
    assert!(t.client_closed);
}

#[test]
fn starttls_detects_pipelined_plaintext() {
    let server = FakeServer::start(
        Script::new()
            .send("220 hi\r\n")
            .expect("STARTTLS")
            .send("220 go ahead\r\n")
            .starttls(),
    );
    let mut c = Client::connect(&server);
    c.line();
    c.send("STARTTLS\r\nEHLO injected\r\n");
    let t = server.join();
    assert!(failures_contain(&t, "plaintext"), "{:?}", t.failures);
    assert!(failures_contain(&t, "EHLO injected"));
    drop(c);
}

#[test]
fn implicit_tls() {
    let server = FakeServer::start_tls(
        Script::new()
            .send("+OK secure pop\r\n")
            .expect("CAPA")
            .send("+OK\r\nUSER\r\n.\r\n"),
    );
    let mut c = Client::connect_tls(&server);
    assert_eq!(c.line(), "+OK secure pop");
    c.send("CAPA\r\n");
    assert_eq!(c.line(), "+OK");
    assert_eq!(c.line(), "USER");
    assert_eq!(c.line(), ".");
    let t = server.join();
    t.assert_ok();
    assert_eq!(t.received, b"CAPA\r\n");
}

#[test]
fn implicit_tls_with_plain_client_fails_handshake() {
    let server = FakeServer::start_tls(Script::new().read_timeout(Duration::from_secs(2)));
    let mut c = Client::connect(&server);
    c.send("EHLO plain\r\n");
    let t = server.join();
    assert!(failures_contain(&t, "implicit TLS"), "{:?}", t.failures);
    drop(c);
}

#[test]
fn fake_tls_connector_helper_works() {
    let server = FakeServer::start_tls(Script::new().send("* OK\r\n"));
    let tcp = TcpStream::connect(("127.0.0.1", server.port())).unwrap();
    let mut tls = fake_tls_connector().connect("localhost", tcp).unwrap();
    let mut s = String::new();
    tls.read_to_string(&mut s).unwrap();
    assert_eq!(s, "* OK\r\n");
    server.join().assert_ok();
    assert!(fake_ca_pem().starts_with(b"-----BEGIN CERTIFICATE-----"));
}

// ---------------------------------------------------------------------------
// Flights
// ---------------------------------------------------------------------------

fn three_command_script() -> Script {
    Script::new()
        .send("220 hi\r\n")
        .expect("MAIL FROM")
        .send("250 1\r\n")
        .expect("RCPT TO")
        .send("250 2\r\n")
        .expect("DATA")
        .send("354 3\r\n")
}

#[test]
fn flights_pipelined_in_separate_writes() {
    let server = FakeServer::start(three_command_script());
    let mut c = Client::connect(&server);
    c.line();
    c.send("MAIL FROM:<a@b>\r\n");
    c.send("RCPT TO:<c@d>\r\n");
    thread::sleep(Duration::from_millis(3));
    c.send("DATA\r\n");
    assert_eq!(c.line(), "250 1");
    assert_eq!(c.line(), "250 2");
    assert_eq!(c.line(), "354 3");
    let t = server.join();
    t.assert_ok();
    assert_eq!(t.flights, 1, "{}", t.report());
}

#[test]
fn flights_pipelined_with_split_lines() {
    let server = FakeServer::start(three_command_script());
    let mut c = Client::connect(&server);
    c.line();
    for piece in [
        "MAIL FR",
        "OM:<a@b>\r\nRCPT",
        " TO:<c@d>\r\n",
        "DATA",
        "\r\n",
    ] {
        c.send(piece);
    }
    for _ in 0..3 {
        c.line();
    }
    let t = server.join();
    t.assert_ok();
    assert_eq!(t.flights, 1);
}

#[test]
fn flights_lockstep() {
    let server = FakeServer::start(three_command_script());
    let mut c = Client::connect(&server);
    c.line();
    c.send("MAIL FROM:<a@b>\r\n");
    assert_eq!(c.line(), "250 1");
    c.send("RCPT TO:<c@d>\r\n");
    assert_eq!(c.line(), "250 2");
    c.send("DATA\r\n");
    assert_eq!(c.line(), "354 3");
    let t = server.join();
    t.assert_ok();
    assert_eq!(t.flights, 3);
}

#[test]
fn flight_zero_before_first_server_write() {
    let server = FakeServer::start(
        Script::new()
            .expect("HELLO")
            .send("hi\r\n")
            .expect("BYE")
            .send("bye\r\n"),
    );
    let mut c = Client::connect(&server);
    c.send("HELLO\r\n");
    assert_eq!(c.line(), "hi");
    c.send("BYE\r\n");
    assert_eq!(c.line(), "bye");
    let t = server.join();
    t.assert_ok();
    assert_eq!(t.flights, 2);
}

#[test]
fn flights_data_waiting_during_stall_counts_before_next_write() {
    let server = FakeServer::start(
        Script::new()
            .send("A\r\n")
            .stall(Duration::from_millis(200))
            .send("B\r\n")
            .expect("X")
            .expect("Y"),
    );
    let mut c = Client::connect(&server);
    assert_eq!(c.line(), "A");
    c.send("X\r\n");
    assert_eq!(c.line(), "B");
    c.send("Y\r\n");
    let t = server.join();
    t.assert_ok();
    assert_eq!(t.flights, 2, "{}", t.report());
}

#[test]
fn no_client_data_means_no_flight() {
    let server = FakeServer::start(Script::new().send("220 hi\r\n").send("220 again\r\n"));
    let mut c = Client::connect(&server);
    c.line();
    c.line();
    let t = server.join();
    t.assert_ok();
    assert_eq!(t.flights, 0);
    assert!(t.received.is_empty());
}

// ---------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------

#[test]
fn close_fault() {
    let server = FakeServer::start(Script::new().send("220 hi\r\n").close().send("never\r\n"));
    let mut c = Client::connect(&server);
    assert_eq!(c.line(), "220 hi");
    assert!(c.read_to_eof().is_empty());
    let t = server.join();
    t.assert_ok();
    assert!(!t.sent_text().contains("never"));
}

#[test]
fn stall_fault() {
    let server = FakeServer::start(
        Script::new()
            .stall(Duration::from_millis(400))
            .send("220 late\r\n"),
    );
    let mut c = Client::connect(&server);
    c.tcp()
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let e = c.try_line().unwrap_err();
    assert!(matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    ));
    c.tcp()
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    assert_eq!(c.line(), "220 late");
    server.join().assert_ok();
}

#[test]
fn stall_forever_ends_when_client_leaves() {
    let server = FakeServer::start(Script::new().send("220 hi\r\n").stall_forever());
    let mut c = Client::connect(&server);
    c.line();
    c.send("EHLO x\r\n");
    c.tcp()
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    assert!(c.try_line().is_err(), "server must stay silent");
    drop(c);
    let started = Instant::now();
    let t = server.join();
    assert!(started.elapsed() < Duration::from_secs(5));
    t.assert_ok();
    assert!(t.client_closed);
    assert_eq!(t.received, b"EHLO x\r\n");
}

#[test]
fn send_garbage_fault() {
    let server = FakeServer::start(Script::new().send_garbage(300));
    let mut c = Client::connect(&server);
    let got = c.read_to_eof();
    assert_eq!(got.len(), 300);
    assert!(got.contains(&0x00));
    assert!(got.contains(&0xFF));
    assert!(!got.contains(&b'\r') && !got.contains(&b'\n'));
    server.join().assert_ok();
}

#[test]
fn send_long_line_fault() {
    let server = FakeServer::start(
        Script::new()
            .send_long_line(100_000)
            .send_long_line_with("+OK ", 2000),
    );
    let mut c = Client::connect(&server);
    let l1 = c.line();
    assert_eq!(l1.len(), 100_000);
    assert!(!l1.contains('\r'));
    let l2 = c.line();
    assert_eq!(l2.len(), 2000);
    assert!(l2.starts_with("+OK "));
    server.join().assert_ok();
}

#[test]
fn drain_until_closed_records_everything() {
    let server = FakeServer::start(Script::new().send("220 hi\r\n").drain_until_closed());
    let mut c = Client::connect(&server);
    c.line();
    c.send("QUIT\r\n");
    c.send_bytes(&[0, 1, 2, 0xff]);
    drop(c);
    let t = server.join();
    t.assert_ok();
    assert!(t.client_closed);
    assert_eq!(t.received, b"QUIT\r\n\x00\x01\x02\xff");
    assert!(t.lines.is_empty());
}

#[test]
fn drain_until_closed_times_out_if_client_stays() {
    let server = FakeServer::start(
        Script::new()
            .read_timeout(Duration::from_millis(200))
            .drain_until_closed(),
    );
    let c = Client::connect(&server);
    let t = server.join();
    assert!(
        failures_contain(&t, "the client to close"),
        "{:?}",
        t.failures
    );
    drop(c);
}

#[test]
fn expect_closed_rejects_extra_data() {
    let server = FakeServer::start(Script::new().send("221 bye\r\n").expect_closed());
    let mut c = Client::connect(&server);
    c.line();
    c.send("NOOP\r\n");
    let t = server.join();
    assert!(failures_contain(&t, "NOOP"), "{:?}", t.failures);
    drop(c);
}

// ---------------------------------------------------------------------------
// Multiple connections / join
// ---------------------------------------------------------------------------

#[test]
fn start_multi_successive_connections() {
    let server = FakeServer::start_multi(vec![
        Script::new().send("220 first\r\n").close(),
        Script::new()
            .send("220 second\r\n")
            .expect("EHLO")
            .send("250 ok\r\n"),
    ]);
    let mut c1 = Client::connect(&server);
    assert_eq!(c1.line(), "220 first");
    assert_eq!(c1.try_line().unwrap(), None);
    let mut c2 = Client::connect(&server);
    assert_eq!(c2.line(), "220 second");
    c2.send("EHLO again\r\n");
    assert_eq!(c2.line(), "250 ok");
    let t = server.join();
    t.assert_ok();
    assert_eq!(t.sessions.len(), 2);
    assert!(t.sessions[0].received.is_empty());
    assert_eq!(t.sessions[1].lines, vec!["EHLO again"]);
    assert_eq!(t.lines, vec!["EHLO again"]);
    assert_eq!(t.flights, 1);
}

#[test]
fn start_multi_missing_connection_is_reported() {
    let server = FakeServer::start_multi(vec![
        Script::new().send("220 first\r\n"),
        Script::new().send("220 second\r\n"),
    ]);
    let mut c = Client::connect(&server);
    c.line();
    let t = server.join_timeout(Duration::from_millis(500));
    assert!(failures_contain(&t, "did not finish"), "{:?}", t.failures);
    assert!(failures_contain(&t, "connection #1"), "{:?}", t.failures);
}

#[test]
fn join_timeout_forces_close() {
    let server = FakeServer::start(
        Script::new()
            .send("220 hi\r\n")
            .stall(Duration::from_secs(120)),
    );
    let mut c = Client::connect(&server);
    c.line();
    let started = Instant::now();
    let t = server.join_timeout(Duration::from_millis(300));
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(failures_contain(&t, "did not finish"), "{:?}", t.failures);
    // The connection was forced closed.
    assert_eq!(c.try_line().ok().flatten(), None);
}

#[test]
fn dropping_server_releases_client() {
    let server = FakeServer::start(Script::new().send("220 hi\r\n").stall_forever());
    let mut c = Client::connect(&server);
    c.line();
    drop(server);
    assert_eq!(c.try_line().ok().flatten(), None);
}

#[test]
fn imap_tags_shown_in_a_fixed_form() {
    let server = FakeServer::start(
        Script::new()
            .send("A0001 OK before any tag: untouched\r\n")
            .expect("A0001 LOGIN")
            .send("* OK x A0001 mid-line\r\nA0001 OK done\r\n")
            .expect("USER bob")
            .raw_tags()
            .send("A0002 OK raw\r\n"),
    );
    let mut c = Client::connect(&server);
    assert_eq!(c.line(), "A0001 OK before any tag: untouched");
    c.send("Q7K2ZP0M.0001 LOGIN a b\r\n");
    assert_eq!(c.line(), "* OK x A0001 mid-line");
    assert_eq!(c.line(), "Q7K2ZP0M.0001 OK done");
    c.send("USER bob\r\n");
    assert_eq!(c.line(), "A0002 OK raw");
    let t = server.join();
    t.assert_ok();
    assert_eq!(t.lines, vec!["A0001 LOGIN a b", "USER bob"]);
    assert!(t.received_text().starts_with("Q7K2ZP0M.0001 LOGIN"));
}
