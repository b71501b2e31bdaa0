//! Proxies played by the scriptable fake server: the exact bytes of the SOCKS5 and HTTP
//! CONNECT exchanges, a server greeting arriving with the proxy's reply, and every way
//! a proxy can say no or talk nonsense, as the user reads it (`WD_E_CONNECT` with the
//! proxy's reply, or `WD_E_TIMEOUT` within the opening deadline).

mod support;

use std::time::{Duration, Instant};
use support::fake_server::*;
use wd300com::error::{Error, WD_E};
use wd300com::net::{ConnectConfig, Connection, Proxy, ProxyChoice};

/// Reads exactly `want` from the client; the step fails on other bytes.
fn expect_bytes(s: Script, want: &'static [u8]) -> Script {
    s.custom(move |c| {
        let got = c.read_exact(want.len())?;
        if got == want {
            Ok(())
        } else {
            Err(format!("expected {want:02x?}, got {got:02x?}"))
        }
    })
}

fn cfg(proxy: &str, port: u16) -> ConnectConfig {
    let url = proxy.replace("PORT", &port.to_string());
    ConnectConfig {
        host: "127.0.0.1".into(),
        port: 110,
        timeout: Duration::from_secs(5),
        proxy: ProxyChoice::Use(Proxy::parse(&url, "WD_PROP_PROXY").unwrap()),
        ..ConnectConfig::default()
    }
}

/// Connects to `host` through the fake proxy playing `script`, with proxy URL `proxy`
/// ("PORT" stands for the fake's port).
fn through(proxy: &str, host: &str, script: Script) -> (Result<Connection, Error>, FakeServer) {
    let server = FakeServer::start(script);
    let mut c = cfg(proxy, server.port());
    c.host = host.into();
    (Connection::connect(&c, "POP3"), server)
}

/// The first line the server behind the proxy sent; the fake's script must have passed.
fn first_line(proxy: &str, host: &str, script: Script) -> String {
    let (r, server) = through(proxy, host, script);
    let line = r.unwrap().read_line_lossy().unwrap();
    server.join().assert_ok();
    line
}

/// The refusal of the fake proxy playing `script`: `WD_E_CONNECT`.
fn refusal(proxy: &str, script: Script) -> Error {
    let (r, server) = through(proxy, "127.0.0.1", script);
    let e = r.expect_err("the proxy must refuse");
    assert_eq!(e.code, WD_E::Connect, "{}", e.message);
    drop(server);
    e
}

/// What the message says after naming the proxy ("the SOCKS5 proxy … (WD_PROP_PROXY) ").
fn said(e: &Error) -> &str {
    e.message
        .split_once("(WD_PROP_PROXY) ")
        .map_or("", |(_, t)| t)
}

#[test]
fn socks5_tunnel_bytes_and_the_server_behind_it() {
    // No credentials: one method offered; socks5 sends the address, not the name.
    let s = expect_bytes(Script::new(), &[5, 1, 0]).send_bytes([5, 0]);
    let s = expect_bytes(s, &[5, 1, 0, 1, 127, 0, 0, 1, 0, 110])
        // The reply (bound address and port), the server's greeting right behind it.
        .send_bytes([5, 0, 0, 1, 10, 0, 0, 9, 0x1f, 0x90])
        .send("+OK fake POP3 behind the proxy\r\n")
        .expect("QUIT")
        .send("+OK bye\r\n");
    let (r, server) = through("socks5://127.0.0.1:PORT", "127.0.0.1", s);
    let mut c = r.unwrap();
    assert_eq!(c.read_line().unwrap(), b"+OK fake POP3 behind the proxy");
    c.send_line("QUIT").unwrap();
    assert_eq!(c.read_line().unwrap(), b"+OK bye");
    server.join().assert_ok();
}

#[test]
fn socks5h_sends_the_name_and_user_password_decoded() {
    // user "u@x", password "p:w" (escaped in the URL), sent as RFC 1929 says.
    let s = expect_bytes(Script::new(), &[5, 2, 0, 2]).send_bytes([5, 2]);
    let s = expect_bytes(s, b"\x01\x03u@x\x03p:w").send_bytes([1, 0]);
    let s = expect_bytes(s, b"\x05\x01\x00\x03\x10mail.example.org\x00\x6e")
        // A domain-name bound address this time.
        .send_bytes(b"\x05\x00\x00\x03\x05proxy\x00\x01+OK ready\r\n");
    let url = "socks5h://u%40x:p%3Aw@127.0.0.1:PORT";
    assert_eq!(first_line(url, "mail.example.org", s), "+OK ready");
}

#[test]
fn http_connect_request_and_a_greeting_in_the_same_segment() {
    let s = Script::new()
        .expect("CONNECT [::1]:110 HTTP/1.1")
        .expect("Host: [::1]:110")
        .expect("User-Agent: wd300com/")
        // "Aladdin:open sesame", RFC 7617's example.
        .expect("Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
        .expect("")
        .send("HTTP/1.1 200 Connection established\r\nX-Proxy: fake\r\n\r\n+OK ready\r\n");
    let url = "http://Aladdin:open%20sesame@127.0.0.1:PORT";
    assert_eq!(first_line(url, "[::1]", s), "+OK ready");
}

#[test]
fn socks5_refusals_and_nonsense() {
    let socks = "socks5://127.0.0.1:PORT";
    // The destination refused by the proxy's rules.
    let s = expect_bytes(Script::new(), &[5, 1, 0]).send_bytes([5, 0]);
    let s = expect_bytes(s, &[5, 1, 0, 1, 127, 0, 0, 1, 0, 110]);
    let e = refusal(socks, s.send_bytes([5, 2, 0, 1, 0, 0, 0, 0, 0, 0]));
    let why = "connection not allowed by its rules";
    assert_eq!(
        said(&e),
        format!("could not connect to 127.0.0.1:110: {why} (reply 2)")
    );
    assert_eq!(e.system.unwrap(), format!("SOCKS5 reply 2: {why}"));

    // Not a SOCKS5 proxy at all (an HTTP proxy answering the greeting).
    let s = expect_bytes(Script::new(), &[5, 1, 0]).send("HTTP/1.1 400 Bad Request\r\n\r\n");
    let e = refusal(socks, s);
    assert_eq!(said(&e), "did not answer as a SOCKS5 proxy");
    assert_eq!(e.system.as_deref(), Some("reply bytes 48 54"));

    // Sign-in refused.
    let s = expect_bytes(Script::new(), &[5, 2, 0, 2]).send_bytes([5, 2]);
    let s = expect_bytes(s, b"\x01\x01a\x01b").send_bytes([1, 1]);
    let e = refusal("socks5://a:b@127.0.0.1:PORT", s);
    assert_eq!(said(&e), "refused the user name or password");

    // A method the client did not offer.
    let e = refusal(
        socks,
        expect_bytes(Script::new(), &[5, 1, 0]).send_bytes([5, 2]),
    );
    assert_eq!(said(&e), "chose an authentication method not offered (2)");

    // The proxy hangs up in the middle.
    let e = refusal(
        socks,
        expect_bytes(Script::new(), &[5, 1, 0])
            .send_bytes([5])
            .close(),
    );
    assert_eq!(said(&e), "closed the connection at the SOCKS5 greeting");
}

#[test]
fn http_refusals_and_nonsense() {
    let http = "http://127.0.0.1:PORT";
    let head = || {
        Script::new()
            .expect("CONNECT 127.0.0.1:110 HTTP/1.1")
            .expect("Host:")
            .expect("User-Agent:")
            .expect("")
    };
    let e = refusal(
        http,
        head().send("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"),
    );
    let status = "HTTP/1.1 403 Forbidden";
    assert_eq!(
        said(&e),
        format!("refused the tunnel to 127.0.0.1:110: {status}")
    );
    assert_eq!(e.system.as_deref(), Some(status));
    let e = refusal(http, head().send("SSH-2.0-OpenSSH_9.2\r\n\r\n"));
    assert_eq!(said(&e), "did not answer as an HTTP proxy");
    assert_eq!(e.system.as_deref(), Some("SSH-2.0-OpenSSH_9.2"));
    // Endless header lines: refused after 16 KiB.
    let junk = b"X-Junk: 0123456789abcdef0123456789abcdef\r\n";
    let e = refusal(http, head().flood(junk, 64 * 1024));
    assert_eq!(said(&e), "did not answer as an HTTP proxy");
}

#[test]
fn a_silent_proxy_ends_by_the_opening_deadline() {
    let server = FakeServer::start(Script::new().stall(Duration::from_secs(4)));
    let mut c = cfg("socks5://127.0.0.1:PORT", server.port());
    c.timeout = Duration::from_secs(1);
    let t0 = Instant::now();
    let e = Connection::connect(&c, "POP3").unwrap_err();
    assert_eq!(e.code, WD_E::Timeout, "{}", e.message);
    let proxy = format!(
        "the SOCKS5 proxy 127.0.0.1:{} (WD_PROP_PROXY)",
        server.port()
    );
    assert_eq!(
        e.message,
        format!("{proxy} did not answer at the SOCKS5 greeting within 1 s")
    );
    assert!(t0.elapsed() < Duration::from_secs(3));
}
