//! Network layer tests against small servers on 127.0.0.1 run in threads.

mod support;

use native_tls::TlsAcceptor;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::OnceLock;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};
use support::certs::Certs;
use wd300com::error::WD_E;
use wd300com::limits::MAX_LINE;
use wd300com::net::{ConnectConfig, Connection, TlsMode};
use wd300com::pop3::dot;

/// Runs `f` on the first connection accepted by a fresh listener, which closes then (a
/// second connection is refused); returns its port.
fn serve<T: Send + 'static>(
    f: impl FnOnce(TcpStream) -> T + Send + 'static,
) -> (u16, JoinHandle<T>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let h = thread::spawn(move || {
        let (s, _) = l.accept().unwrap();
        drop(l);
        f(s)
    });
    (port, h)
}

fn cfg(port: u16) -> ConnectConfig {
    ConnectConfig {
        host: "127.0.0.1".into(),
        port,
        timeout: Duration::from_secs(5),
        ..ConnectConfig::default()
    }
}

fn connect(port: u16) -> Connection {
    Connection::connect(&cfg(port), "TEST").unwrap()
}

/// Reads from `s` until `end` has been seen (or EOF).
fn read_until(s: &mut impl Read, end: &[u8]) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while !got.ends_with(end) {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
    got
}

#[test]
fn default_config() {
    let c = ConnectConfig::default();
    assert_eq!(c.timeout, Duration::from_secs(600));
    assert_eq!(c.tls, TlsMode::None);
    assert!(!c.accept_invalid_certs);
    assert!(c.ca_file.is_none());
}

#[test]
fn read_line_crlf_and_lf() {
    let (port, h) = serve(|mut s| {
        s.write_all(b"first\r\nsecond\nthird\r\r\n\r\n\nlast")
            .unwrap();
        s.write_all(b" part\r\n").unwrap();
    });
    let mut c = connect(port);
    assert!(!c.is_tls());
    assert_eq!(c.read_line().unwrap(), b"first");
    assert_eq!(c.read_line().unwrap(), b"second");
    assert_eq!(c.read_line().unwrap(), b"third\r");
    assert_eq!(c.read_line().unwrap(), b"");
    assert_eq!(c.read_line().unwrap(), b"");
    assert_eq!(c.read_line_lossy().unwrap(), "last part");
    h.join().unwrap();
    let e = c.read_line().unwrap_err();
    assert_eq!(e.code, WD_E::ConnectionLost);
    assert_eq!(e.message, "connection closed by server");
}

#[test]
fn read_line_trickled_bytes() {
    let (port, h) = serve(|mut s| {
        s.set_nodelay(true).unwrap();
        for b in b"slow\r\nline\r\n" {
            s.write_all(&[*b]).unwrap();
            thread::sleep(Duration::from_millis(20));
        }
    });
    let mut c = Connection::connect(
        &ConnectConfig {
            timeout: Duration::from_secs(1),
            ..cfg(port)
        },
        "TEST",
    )
    .unwrap();
    assert_eq!(c.read_line().unwrap(), b"slow");
    assert_eq!(c.read_line().unwrap(), b"line");
    h.join().unwrap();
}

#[test]
fn many_lines_across_reads() {
    let (port, h) = serve(|mut s| {
        let mut data = Vec::new();
        for i in 0..20_000 {
            data.extend_from_slice(format!("line number {i}\r\n").as_bytes());
        }
        s.write_all(&data).unwrap();
    });
    let mut c = connect(port);
    for i in 0..20_000 {
        assert_eq!(
            c.read_line().unwrap(),
            format!("line number {i}").as_bytes()
        );
    }
    h.join().unwrap();
}

#[test]
fn line_of_max_length_accepted() {
    let (port, h) = serve(|mut s| {
        let mut line = vec![b'x'; MAX_LINE - 2];
        line.extend_from_slice(b"\r\nnext\r\n");
        s.write_all(&line).unwrap();
    });
    let mut c = connect(port);
    assert_eq!(c.read_line().unwrap().len(), MAX_LINE - 2);
    assert_eq!(c.read_line().unwrap(), b"next");
    h.join().unwrap();
}

#[test]
fn long_line_refused() {
    let (port, h) = serve(|mut s| {
        let mut line = vec![b'x'; MAX_LINE + 10];
        line.extend_from_slice(b"\r\n");
        let _ = s.write_all(&line);
    });
    let mut c = connect(port);
    let e = c.read_line().unwrap_err();
    assert_eq!(e.code, WD_E::Protocol);
    assert_eq!(e.message, format!("line too long (> {MAX_LINE} bytes)"));
    h.join().unwrap();
}

#[test]
fn eof_mid_line() {
    let (port, h) = serve(|mut s| {
        s.write_all(b"complete\r\npartial").unwrap();
    });
    let mut c = connect(port);
    assert_eq!(c.read_line().unwrap(), b"complete");
    h.join().unwrap();
    let e = c.read_line().unwrap_err();
    assert_eq!(e.code, WD_E::ConnectionLost);
    assert_eq!(e.message, "connection closed by server");
}

#[test]
fn timeout_fires() {
    let (port, h) = serve(|mut s| {
        s.write_all(b"hel").unwrap();
        thread::sleep(Duration::from_millis(2500));
        let _ = s.write_all(b"lo\r\n");
        thread::sleep(Duration::from_millis(500));
    });
    let mut c = Connection::connect(
        &ConnectConfig {
            timeout: Duration::from_secs(1),
            ..cfg(port)
        },
        "TEST",
    )
    .unwrap();
    let t0 = Instant::now();
    let e = c.read_line().unwrap_err();
    let dt = t0.elapsed();
    assert_eq!(e.code, WD_E::Timeout);
    // Not opened yet: the whole opening had the timeout.
    assert_eq!(e.message, "the connection did not open within 1 s");
    assert!(dt >= Duration::from_millis(900), "{dt:?}");
    assert!(dt < Duration::from_secs(2), "{dt:?}");
    // The connection is dead: the rest of the line is never read as a later reply.
    c.set_timeout(Duration::from_secs(5)).unwrap();
    assert_eq!(c.timeout(), Duration::from_secs(5));
    let t0 = Instant::now();
    let e = c.read_line().unwrap_err();
    assert_eq!(e.code, WD_E::ConnectionLost);
    assert!(
        e.message
            .contains("closed after an earlier error (the connection did not open"),
        "{}",
        e.message
    );
    assert!(t0.elapsed() < Duration::from_millis(500));
    assert!(!c.is_usable());
    assert_eq!(c.send_line("NOOP").unwrap_err().code, WD_E::ConnectionLost);
    h.join().unwrap();
}

#[test]
fn opened_connection_times_out_per_exchange() {
    let (port, h) = serve(|mut s| {
        s.write_all(b"greeting\r\n").unwrap();
        let mut b = [0u8; 64];
        let _ = s.read(&mut b);
        thread::sleep(Duration::from_millis(1500));
        let _ = s.write_all(b"late\r\n");
        thread::sleep(Duration::from_millis(500));
    });
    let mut c = Connection::connect(
        &ConnectConfig {
            timeout: Duration::from_secs(1),
            ..cfg(port)
        },
        "TEST",
    )
    .unwrap();
    assert_eq!(c.read_line().unwrap(), b"greeting");
    c.opened();
    // The idle time before the command does not count: its window starts with it.
    thread::sleep(Duration::from_millis(1200));
    c.send_line("CMD").unwrap();
    let t0 = Instant::now();
    let e = c.read_line().unwrap_err();
    assert_eq!(e.code, WD_E::Timeout);
    assert_eq!(e.message, "no reply within 1 s");
    let dt = t0.elapsed();
    assert!(
        dt >= Duration::from_millis(900) && dt < Duration::from_secs(2),
        "{dt:?}"
    );
    h.join().unwrap();
}

#[test]
fn read_until_dot_unstuffs() {
    let (port, h) = serve(|mut s| {
        s.write_all(
            b"+OK 4 lines\r\nline1\r\n..dotted\r\n...\r\nbare lf\n\r\n.x\r\n.\r\n+OK next\r\n",
        )
        .unwrap();
        s.write_all(b"+OK\r\n.\r\n").unwrap();
    });
    let mut c = connect(port);
    assert_eq!(c.read_line().unwrap(), b"+OK 4 lines");
    let body = dot::read_body(&mut c, 1 << 20).unwrap();
    assert_eq!(body, b"line1\r\n.dotted\r\n..\r\nbare lf\r\n\r\nx\r\n");
    assert_eq!(c.read_line().unwrap(), b"+OK next");
    assert_eq!(c.read_line().unwrap(), b"+OK");
    assert_eq!(dot::read_body(&mut c, 10).unwrap(), b"");
    h.join().unwrap();
}

#[test]
fn read_until_dot_split_everywhere() {
    let body: &[u8] = b"a\r\n..b\r\n.\r\r\nlong line without end for a while\r\n..\r\n\r\n";
    let mut wire = body.to_vec();
    wire.extend_from_slice(b".\r\nAFTER\r\n");
    let (port, h) = serve(move |mut s| {
        s.set_nodelay(true).unwrap();
        // Chunks of 1..=4 bytes so every boundary (".", ".\r", "\r" before "\n") occurs.
        let mut i = 0;
        let mut k = 1;
        while i < wire.len() {
            let j = (i + k).min(wire.len());
            s.write_all(&wire[i..j]).unwrap();
            thread::sleep(Duration::from_millis(2));
            i = j;
            k = k % 4 + 1;
        }
    });
    let mut c = connect(port);
    let got = dot::read_body(&mut c, 1000).unwrap();
    assert_eq!(
        got,
        b"a\r\n.b\r\n\r\r\nlong line without end for a while\r\n.\r\n\r\n"
    );
    assert_eq!(c.read_line().unwrap(), b"AFTER");
    h.join().unwrap();
}

#[test]
fn read_until_dot_large_body() {
    let mut expect = Vec::new();
    for i in 0..100_000 {
        if i % 7 == 0 {
            expect.extend_from_slice(b".");
        }
        expect.extend_from_slice(format!("body line {i} with some padding text\r\n").as_bytes());
    }
    let wire = wd300com::net::dot_stuff(&expect);
    let (port, h) = serve(move |mut s| s.write_all(&wire).unwrap());
    let mut c = connect(port);
    let got = dot::read_body(&mut c, wd300com::limits::MAX_MESSAGE).unwrap();
    assert_eq!(got.len(), expect.len());
    assert!(got == expect);
    h.join().unwrap();
}

#[test]
fn read_until_dot_missing_dot() {
    let (port, h) = serve(|mut s| {
        s.write_all(b"line1\r\nline2\r\n").unwrap();
    });
    let mut c = connect(port);
    h.join().unwrap();
    let e = dot::read_body(&mut c, 1000).unwrap_err();
    assert_eq!(e.code, WD_E::ConnectionLost);
    assert_eq!(e.message, "multi-line response cut short");
}

#[test]
fn read_until_dot_too_large() {
    let (port, h) = serve(|mut s| {
        let _ = s.write_all(&b"0123456789\r\n".repeat(100));
        let _ = s.write_all(b".\r\n");
    });
    let mut c = connect(port);
    let e = dot::read_body(&mut c, 500).unwrap_err();
    assert_eq!(e.code, WD_E::Protocol);
    h.join().unwrap();
}

#[test]
fn read_exact_literals() {
    let big: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let big2 = big.clone();
    let (port, h) = serve(move |mut s| {
        s.write_all(b"* 1 FETCH (BODY[] {5}\r\nhello)\r\n").unwrap();
        s.write_all(format!("* 2 FETCH (BODY[] {{{}}}\r\n", big2.len()).as_bytes())
            .unwrap();
        s.write_all(&big2).unwrap();
        s.write_all(b")\r\n* 3 FETCH (BODY[] {2000000000}\r\nshort")
            .unwrap();
    });
    let mut c = connect(port);
    assert_eq!(c.read_line().unwrap(), b"* 1 FETCH (BODY[] {5}");
    assert_eq!(c.read_exact_vec(5).unwrap(), b"hello");
    assert_eq!(c.read_line().unwrap(), b")");
    assert_eq!(c.read_line().unwrap(), b"* 2 FETCH (BODY[] {3000000}");
    let got = c.read_exact_vec(big.len()).unwrap();
    assert!(got == big);
    assert_eq!(c.read_line().unwrap(), b")");
    assert_eq!(c.read_line().unwrap(), b"* 3 FETCH (BODY[] {2000000000}");
    assert_eq!(c.read_exact_vec(0).unwrap(), b"");
    h.join().unwrap();
    let e = c.read_exact_vec(2_000_000_000).unwrap_err();
    assert_eq!(e.code, WD_E::ConnectionLost);
}

#[test]
fn write_dot_stuffed_normalises() {
    let (port, h) = serve(|mut s| read_until(&mut s, b"\r\n.\r\n"));
    let mut c = connect(port);
    c.write_dot_stuffed(b"Subject: x\n\n.leading dot\rbare cr\r\n..two\n.\nlast line no end")
        .unwrap();
    c.flush().unwrap();
    let got = h.join().unwrap();
    assert_eq!(
        got,
        b"Subject: x\r\n\r\n..leading dot\r\nbare cr\r\n...two\r\n..\r\nlast line no end\r\n.\r\n"
    );
}

#[test]
fn write_dot_stuffed_large_and_pipelined_after() {
    let body = b"x\n.\r\n".repeat(50_000);
    let expect_len = 50_000 * (3 + 4) + 3 + b"QUIT\r\n".len();
    let (port, h) = serve(|mut s| read_until(&mut s, b"QUIT\r\n"));
    let mut c = connect(port);
    c.write_dot_stuffed(&body).unwrap();
    c.send_line("QUIT").unwrap();
    c.flush().unwrap();
    assert_eq!(c.pending(), 0);
    let got = h.join().unwrap();
    assert_eq!(got.len(), expect_len);
    assert!(got.starts_with(b"x\r\n..\r\nx\r\n"));
    assert!(got.ends_with(b"x\r\n..\r\n.\r\nQUIT\r\n"));
}

#[test]
fn pipelined_lines_leave_in_one_write() {
    let (port, h) = serve(|mut s| {
        // Give the client time to buffer all three lines, then read once.
        thread::sleep(Duration::from_millis(300));
        let mut buf = [0u8; 4096];
        let n = s.read(&mut buf).unwrap();
        s.write_all(b"250 ok\r\n").unwrap();
        buf[..n].to_vec()
    });
    let mut c = connect(port);
    c.send_line("MAIL FROM:<a@example.com>").unwrap();
    c.send_line("RCPT TO:<b@example.com>").unwrap();
    c.write_all(b"DATA\r\n").unwrap();
    assert_eq!(c.pending(), 27 + 25 + 6);
    // Reading flushes pending output first.
    assert_eq!(c.read_line().unwrap(), b"250 ok");
    let got = h.join().unwrap();
    assert_eq!(
        got,
        b"MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n"
    );
}

#[test]
fn send_line_refuses_line_breaks() {
    let (port, h) = serve(|_s| ());
    let mut c = connect(port);
    for bad in ["RCPT TO:<a>\r\nRSET", "a\nb", "a\rb"] {
        assert_eq!(c.send_line(bad).unwrap_err().code, WD_E::InvalidArgument);
        assert_eq!(
            c.send_line_masked(bad, "PASS").unwrap_err().code,
            WD_E::InvalidArgument
        );
    }
    assert_eq!(c.pending(), 0);
    h.join().unwrap();
}

#[test]
fn normalize_crlf_public() {
    use std::borrow::Cow;
    assert!(matches!(
        wd300com::text::normalize_crlf(b"a\r\nb\r\n"),
        Cow::Borrowed(_)
    ));
    assert_eq!(
        &*wd300com::text::normalize_crlf(b"a\nb\rc\r\n"),
        b"a\r\nb\r\nc\r\n"
    );
}

#[test]
fn connect_refused() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let e = Connection::connect(&cfg(port), "TEST").unwrap_err();
    assert_eq!(e.code, WD_E::Connect);
    assert!(
        e.message
            .starts_with(&format!("cannot connect to 127.0.0.1:{port}: ")),
        "{}",
        e.message
    );
    assert!(e.system.is_some());
}

#[test]
fn unknown_host() {
    let e = Connection::connect(
        &ConnectConfig {
            host: "no-such-host.invalid".into(),
            ..cfg(25)
        },
        "TEST",
    )
    .unwrap_err();
    assert_eq!(e.code, WD_E::Connect);
}

#[test]
fn localhost_by_name_and_ipv6_literal() {
    // "localhost" may resolve to ::1 first; the IPv4 address must still be tried.
    let (port, h) = serve(|mut s| s.write_all(b"hi\r\n").unwrap());
    let mut c = Connection::connect(
        &ConnectConfig {
            host: "localhost".into(),
            ..cfg(port)
        },
        "TEST",
    )
    .unwrap();
    assert_eq!(c.read_line().unwrap(), b"hi");
    assert_eq!(c.host(), "localhost");
    assert_eq!(c.port(), port);
    h.join().unwrap();
    if let Ok(l) = TcpListener::bind("[::1]:0") {
        let port = l.local_addr().unwrap().port();
        let h = thread::spawn(move || {
            let (mut s, _) = l.accept().unwrap();
            s.write_all(b"v6\r\n").unwrap();
        });
        let mut c = Connection::connect(
            &ConnectConfig {
                host: "[::1]".into(),
                ..cfg(port)
            },
            "TEST",
        )
        .unwrap();
        assert_eq!(c.read_line().unwrap(), b"v6");
        assert!(c.peer_addr().unwrap().is_ipv6());
        h.join().unwrap();
    }
}

#[test]
fn write_to_closed_peer_is_connection_lost() {
    let (port, h) = serve(drop);
    let mut c = connect(port);
    h.join().unwrap();
    thread::sleep(Duration::from_millis(100));
    let chunk = vec![b'x'; 100_000];
    let mut err = None;
    for _ in 0..100 {
        if let Err(e) = c.write_all(&chunk).and_then(|_| c.flush()) {
            err = Some(e);
            break;
        }
        thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(err.expect("write error").code, WD_E::ConnectionLost);
}

// ----- TLS -------------------------------------------------------------------

/// Self-signed certificates made once per test run: "good" for localhost and
/// 127.0.0.1, "other" for mail.example.org only, and "bundle.pem" holding both.
fn certs() -> &'static Certs {
    static CERTS: OnceLock<Certs> = OnceLock::new();
    CERTS.get_or_init(|| {
        let c = Certs::new("net-certs");
        c.self_signed(
            "good",
            "/CN=good",
            &["subjectAltName=DNS:localhost,IP:127.0.0.1"],
        );
        c.self_signed(
            "other",
            "/CN=other",
            &["subjectAltName=DNS:mail.example.org"],
        );
        let mut bundle = std::fs::read(c.dir.join("other.pem")).unwrap();
        bundle.extend(std::fs::read(c.dir.join("good.pem")).unwrap());
        std::fs::write(c.dir.join("bundle.pem"), bundle).unwrap();
        std::fs::write(c.dir.join("garbage.pem"), b"not a certificate\n").unwrap();
        c
    })
}

/// TLS server: accepts TLS at once, greets, echoes one line back, then closes.
fn tls_server(identity: &str) -> (u16, JoinHandle<bool>) {
    let acceptor = TlsAcceptor::new(certs().identity(identity)).unwrap();
    serve(move |s| {
        let Ok(mut t) = acceptor.accept(s) else {
            return false;
        };
        t.write_all(b"* OK secure\r\n").unwrap();
        let line = read_until(&mut t, b"\r\n");
        t.write_all(&line).unwrap();
        let _ = t.shutdown();
        true
    })
}

fn tls_cfg(port: u16) -> ConnectConfig {
    ConnectConfig {
        tls: TlsMode::Implicit,
        ..cfg(port)
    }
}

#[test]
fn implicit_tls_with_ca_file() {
    for ca in ["good.pem", "bundle.pem"] {
        let (port, h) = tls_server("good");
        let mut c = Connection::connect(
            &ConnectConfig {
                ca_file: Some(certs().path(ca)),
                ..tls_cfg(port)
            },
            "TEST",
        )
        .unwrap();
        assert!(c.is_tls());
        assert_eq!(c.read_line().unwrap(), b"* OK secure");
        c.send_line("a1 NOOP").unwrap();
        assert_eq!(c.read_line().unwrap(), b"a1 NOOP");
        c.close();
        assert!(h.join().unwrap());
    }
}

#[test]
fn implicit_tls_by_name_localhost() {
    let (port, h) = tls_server("good");
    let mut c = Connection::connect(
        &ConnectConfig {
            host: "localhost".into(),
            ca_file: Some(certs().path("good.pem")),
            ..tls_cfg(port)
        },
        "TEST",
    )
    .unwrap();
    assert_eq!(c.read_line().unwrap(), b"* OK secure");
    drop(c);
    let _ = h.join();
}

#[test]
fn implicit_tls_untrusted_refused() {
    let (port, h) = tls_server("good");
    let e = Connection::connect(&tls_cfg(port), "TEST").unwrap_err();
    assert_eq!(e.code, WD_E::Tls);
    assert!(
        e.message
            .contains("self-signed, not issued by a trusted CA")
            && e.message.contains("WD_PROP_CA_FILE")
            && e.message.contains("SSL_CERT_FILE"),
        "{}",
        e.message
    );
    assert!(
        e.system
            .as_deref()
            .unwrap()
            .contains("certificate verify failed")
    );
    assert!(!h.join().unwrap());
}

#[test]
fn implicit_tls_accept_invalid_certs() {
    for identity in ["good", "other"] {
        let (port, h) = tls_server(identity);
        let mut c = Connection::connect(
            &ConnectConfig {
                accept_invalid_certs: true,
                ..tls_cfg(port)
            },
            "TEST",
        )
        .unwrap();
        assert!(c.is_tls());
        assert_eq!(c.read_line().unwrap(), b"* OK secure");
        drop(c);
        let _ = h.join();
    }
}

#[test]
fn implicit_tls_hostname_mismatch_refused() {
    // Trusted certificate, but issued for mail.example.org, not 127.0.0.1.
    let (port, h) = tls_server("other");
    let e = Connection::connect(
        &ConnectConfig {
            ca_file: Some(certs().path("other.pem")),
            ..tls_cfg(port)
        },
        "TEST",
    )
    .unwrap_err();
    assert_eq!(e.code, WD_E::Tls);
    // The certificate could not be read again (the server took one connection).
    assert!(
        e.message
            .contains("the server's certificate does not hold the name 127.0.0.1"),
        "{}",
        e.message
    );
    assert!(e.system.as_deref().unwrap().contains("mismatch"));
    assert!(!h.join().unwrap());
}

#[test]
fn bad_ca_files() {
    let e = Connection::connect(
        &ConnectConfig {
            ca_file: Some(certs().path("missing.pem")),
            ..tls_cfg(1)
        },
        "TEST",
    )
    .unwrap_err();
    assert_eq!(e.code, WD_E::Io);
    let e = Connection::connect(
        &ConnectConfig {
            ca_file: Some(certs().path("garbage.pem")),
            ..tls_cfg(1)
        },
        "TEST",
    )
    .unwrap_err();
    assert_eq!(e.code, WD_E::Tls);
}

#[test]
fn tls_handshake_timeout() {
    let (port, h) = serve(|s| {
        thread::sleep(Duration::from_millis(2500));
        drop(s);
    });
    let t0 = Instant::now();
    let e = Connection::connect(
        &ConnectConfig {
            timeout: Duration::from_secs(1),
            ..tls_cfg(port)
        },
        "TEST",
    )
    .unwrap_err();
    assert_eq!(e.code, WD_E::Timeout, "{}", e.message);
    assert!(t0.elapsed() < Duration::from_secs(2));
    h.join().unwrap();
}

/// STARTTLS-style server: greets, waits for "STARTTLS", answers `reply` (which may
/// carry injected bytes), sleeps `pause`, writes `late`, then tries a TLS handshake.
fn starttls_server(
    reply: &'static [u8],
    pause: u64,
    late: &'static [u8],
) -> (u16, JoinHandle<bool>) {
    let acceptor = TlsAcceptor::new(certs().identity("good")).unwrap();
    serve(move |mut s| {
        s.write_all(b"220 ready\r\n").unwrap();
        let cmd = read_until(&mut s, b"\r\n");
        assert_eq!(cmd, b"STARTTLS\r\n");
        s.write_all(reply).unwrap();
        thread::sleep(Duration::from_millis(pause));
        if !late.is_empty() {
            s.write_all(late).unwrap();
        }
        let Ok(mut t) = acceptor.accept(s) else {
            return false;
        };
        t.write_all(b"250 secure\r\n").unwrap();
        let line = read_until(&mut t, b"\r\n");
        t.write_all(&line).unwrap();
        true
    })
}

fn starttls_cfg(port: u16) -> ConnectConfig {
    ConnectConfig {
        tls: TlsMode::StartTls,
        ca_file: Some(certs().path("good.pem")),
        ..cfg(port)
    }
}

#[test]
fn start_tls_upgrade() {
    let (port, h) = starttls_server(b"220 go ahead\r\n", 0, b"");
    let config = starttls_cfg(port);
    let mut c = Connection::connect(&config, "TEST").unwrap();
    assert!(!c.is_tls());
    assert_eq!(c.read_line().unwrap(), b"220 ready");
    c.send_line("STARTTLS").unwrap();
    assert_eq!(c.read_line().unwrap(), b"220 go ahead");
    c.start_tls(&config).unwrap();
    assert!(c.is_tls());
    assert_eq!(c.read_line().unwrap(), b"250 secure");
    c.send_line("EHLO me").unwrap();
    assert_eq!(c.read_line().unwrap(), b"EHLO me");
    assert_eq!(
        c.start_tls(&config).unwrap_err().message,
        "TLS already active"
    );
    assert!(h.join().unwrap());
}

#[test]
fn start_tls_untrusted_refused() {
    let (port, h) = starttls_server(b"220 go ahead\r\n", 0, b"");
    let config = ConnectConfig {
        ca_file: None,
        ..starttls_cfg(port)
    };
    let mut c = Connection::connect(&config, "TEST").unwrap();
    c.read_line().unwrap();
    c.send_line("STARTTLS").unwrap();
    c.read_line().unwrap();
    let e = c.start_tls(&config).unwrap_err();
    assert_eq!(e.code, WD_E::Tls);
    assert!(!h.join().unwrap());
    // The connection is unusable afterwards.
    assert!(c.read_line().is_err());
}

#[test]
fn start_tls_refuses_buffered_injection() {
    let (port, h) = starttls_server(b"220 go ahead\r\nMAIL FROM:<evil>\r\n", 0, b"");
    let config = starttls_cfg(port);
    let mut c = Connection::connect(&config, "TEST").unwrap();
    c.read_line().unwrap();
    c.send_line("STARTTLS").unwrap();
    assert_eq!(c.read_line().unwrap(), b"220 go ahead");
    let e = c.start_tls(&config).unwrap_err();
    assert_eq!(e.code, WD_E::Tls);
    assert_eq!(e.message, "server sent data before TLS handshake");
    assert!(!c.is_tls());
    assert!(!h.join().unwrap());
}

#[test]
fn start_tls_refuses_late_injection() {
    // The injected bytes arrive after the reply was read but before the handshake.
    let (port, h) = starttls_server(b"220 go ahead\r\n", 100, b"injected\r\n");
    let config = starttls_cfg(port);
    let mut c = Connection::connect(&config, "TEST").unwrap();
    c.read_line().unwrap();
    c.send_line("STARTTLS").unwrap();
    assert_eq!(c.read_line().unwrap(), b"220 go ahead");
    thread::sleep(Duration::from_millis(400));
    let e = c.start_tls(&config).unwrap_err();
    assert_eq!(e.code, WD_E::Tls);
    assert_eq!(e.message, "server sent data before TLS handshake");
    assert!(!h.join().unwrap());
}
