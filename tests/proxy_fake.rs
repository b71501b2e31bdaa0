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
    ConnectConfig {
        host: "127.0.0.1".into(),
        port: 110,
        timeout: Duration::from_secs(5),
        proxy: ProxyChoice::Use(
            Proxy::parse(&proxy.replace("PORT", &port.to_string()), "WD_PROP_PROXY").unwrap(),
        ),
        ..ConnectConfig::default()
    }
}

/// Connects through the fake proxy playing `script` with proxy URL `proxy` ("PORT"
/// stands for the fake's port) and `host`; the server's transcript.
fn run(
    proxy: &str,
    host: &str,
    script: Script,
    check: impl FnOnce(Result<Connection, Error>),
) -> Transcript {
    let server = FakeServer::start(script);
    let mut c = cfg(proxy, server.port());
    c.host = host.into();
    check(Connection::connect(&c, "POP3"));
    server.join()
}

fn refused(r: Result<Connection, Error>) -> Error {
    let e = r.expect_err("the proxy must refuse");
    assert_eq!(e.code, WD_E::Connect, "{}", e.message);
    e
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
    run("socks5://127.0.0.1:PORT", "127.0.0.1", s, |r| {
        let mut c = r.unwrap();
        assert_eq!(c.read_line().unwrap(), b"+OK fake POP3 behind the proxy");
        c.send_line("QUIT").unwrap();
        assert_eq!(c.read_line().unwrap(), b"+OK bye");
    })
    .assert_ok();
}

#[test]
fn socks5h_sends_the_name_and_user_password_decoded() {
    // user "u@x", password "p:w" (escaped in the URL), sent as RFC 1929 says.
    let s = expect_bytes(Script::new(), &[5, 2, 0, 2]).send_bytes([5, 2]);
    let s = expect_bytes(s, b"\x01\x03u@x\x03p:w").send_bytes([1, 0]);
    let s = expect_bytes(s, b"\x05\x01\x00\x03\x10mail.example.org\x00\x6e")
        // A domain-name bound address this time.
        .send_bytes(b"\x05\x00\x00\x03\x05proxy\x00\x01+OK ready\r\n");
    run(
        "socks5h://u%40x:p%3Aw@127.0.0.1:PORT",
        "mail.example.org",
        s,
        |r| {
            let mut c = r.unwrap();
            assert_eq!(c.read_line().unwrap(), b"+OK ready");
        },
    )
    .assert_ok();
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
    run(
        "http://Aladdin:open%20sesame@127.0.0.1:PORT",
        "[::1]",
        s,
        |r| {
            let mut c = r.unwrap();
            assert_eq!(c.read_line().unwrap(), b"+OK ready");
        },
    )
    .assert_ok();
}

#[test]
fn socks5_refusals_and_nonsense() {
    // The destination refused by the proxy's rules.
    let s = expect_bytes(Script::new(), &[5, 1, 0]).send_bytes([5, 0]);
    let s = expect_bytes(s, &[5, 1, 0, 1, 127, 0, 0, 1, 0, 110]);
    let s = s.send_bytes([5, 2, 0, 1, 0, 0, 0, 0, 0, 0]);
    let e = std::cell::RefCell::new(None);
    run("socks5://127.0.0.1:PORT", "127.0.0.1", s, |r| {
        *e.borrow_mut() = Some(refused(r))
    });
    let e = e.into_inner().unwrap();
    assert!(
        e.message.ends_with(
            "(WD_PROP_PROXY) could not connect to 127.0.0.1:110: connection not allowed by \
             its rules (reply 2)"
        ),
        "{}",
        e.message
    );
    assert_eq!(
        e.system.as_deref(),
        Some("SOCKS5 reply 2: connection not allowed by its rules")
    );

    // Not a SOCKS5 proxy at all (an HTTP proxy answering the greeting).
    let s = expect_bytes(Script::new(), &[5, 1, 0]).send("HTTP/1.1 400 Bad Request\r\n\r\n");
    run("socks5://127.0.0.1:PORT", "127.0.0.1", s, |r| {
        let e = refused(r);
        assert!(
            e.message.ends_with("did not answer as a SOCKS5 proxy"),
            "{}",
            e.message
        );
        assert_eq!(e.system.as_deref(), Some("reply bytes 48 54"));
    });

    // Sign-in refused.
    let s = expect_bytes(Script::new(), &[5, 2, 0, 2]).send_bytes([5, 2]);
    let s = expect_bytes(s, b"\x01\x01a\x01b").send_bytes([1, 1]);
    run("socks5://a:b@127.0.0.1:PORT", "127.0.0.1", s, |r| {
        let e = refused(r);
        assert!(
            e.message.ends_with("refused the user name or password"),
            "{}",
            e.message
        );
    });

    // A method the client did not offer.
    let s = expect_bytes(Script::new(), &[5, 1, 0]).send_bytes([5, 2]);
    run("socks5://127.0.0.1:PORT", "127.0.0.1", s, |r| {
        let e = refused(r);
        assert!(
            e.message
                .ends_with("chose an authentication method not offered (2)"),
            "{}",
            e.message
        );
    });

    // The proxy hangs up in the middle.
    let s = expect_bytes(Script::new(), &[5, 1, 0])
        .send_bytes([5])
        .close();
    run("socks5://127.0.0.1:PORT", "127.0.0.1", s, |r| {
        let e = refused(r);
        assert!(
            e.message
                .ends_with("closed the connection at the SOCKS5 greeting"),
            "{}",
            e.message
        );
    });
}

#[test]
fn http_refusals_and_nonsense() {
    let head = || {
        Script::new()
            .expect("CONNECT 127.0.0.1:110 HTTP/1.1")
            .expect("Host:")
            .expect("User-Agent:")
            .expect("")
    };
    let s = head().send("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
    run("http://127.0.0.1:PORT", "127.0.0.1", s, |r| {
        let e = refused(r);
        assert!(
            e.message.ends_with(
                "(WD_PROP_PROXY) refused the tunnel to 127.0.0.1:110: HTTP/1.1 403 Forbidden"
            ),
            "{}",
            e.message
        );
        assert_eq!(e.system.as_deref(), Some("HTTP/1.1 403 Forbidden"));
    });
    let s = head().send("SSH-2.0-OpenSSH_9.2\r\n\r\n");
    run("http://127.0.0.1:PORT", "127.0.0.1", s, |r| {
        let e = refused(r);
        assert!(
            e.message.ends_with("did not answer as an HTTP proxy"),
            "{}",
            e.message
        );
        assert_eq!(e.system.as_deref(), Some("SSH-2.0-OpenSSH_9.2"));
    });
    // Endless header lines: refused after 16 KiB.
    let s = head().flood(b"X-Junk: 0123456789abcdef0123456789abcdef\r\n", 64 * 1024);
    run("http://127.0.0.1:PORT", "127.0.0.1", s, |r| {
        let e = refused(r);
        assert!(
            e.message.ends_with("did not answer as an HTTP proxy"),
            "{}",
            e.message
        );
    });
}

#[test]
fn a_silent_proxy_ends_by_the_opening_deadline() {
    let s = Script::new().stall(Duration::from_secs(4));
    let server = FakeServer::start(s);
    let mut c = cfg("socks5://127.0.0.1:PORT", server.port());
    c.timeout = Duration::from_secs(1);
    let t0 = Instant::now();
    let e = Connection::connect(&c, "POP3").unwrap_err();
    assert_eq!(e.code, WD_E::Timeout, "{}", e.message);
    assert_eq!(
        e.message,
        format!(
            "the SOCKS5 proxy 127.0.0.1:{} (WD_PROP_PROXY) did not answer at the SOCKS5 \
             greeting within 1 s",
            server.port()
        )
    );
    assert!(t0.elapsed() < Duration::from_secs(3));
    drop(server);
}
