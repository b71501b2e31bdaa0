//! SMTP client against the scriptable fake server: error replies at every step, TLS
//! refusals, broken connections, timeouts, malformed replies, HELO fall-back,
//! reconnection and the number of round trips per message.

mod support;

use std::time::{Duration, Instant};
use support::fake_server::*;
use wd300com::error::WD_E;
use wd300com::session::{
    AuthMethod, OutgoingMessage, RecipientCheck, Security, SessionConfig, SessionKind,
};
use wd300com::smtp::SmtpClient;

const EHLO_FULL: &str = "250-fake\r\n250-PIPELINING\r\n250-SIZE 1000000\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250-ENHANCEDSTATUSCODES\r\n250-AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2 OAUTHBEARER\r\n250 CHUNKING\r\n";
const EHLO_PLAIN: &str = "250-fake\r\n250 8BITMIME\r\n";
const EHLO_PIPE: &str = "250-fake\r\n250-PIPELINING\r\n250 8BITMIME\r\n";

fn cfg(port: u16) -> SessionConfig {
    let mut c = SessionConfig::new(SessionKind::Smtp);
    c.host = "127.0.0.1".into();
    c.port = port;
    c.user = "alice@wd.test".into();
    c.timeout = Some(10);
    c
}

fn hello(ehlo: &str) -> Script {
    Script::new()
        .send("220 fake ESMTP\r\n")
        .expect("EHLO ")
        .send(ehlo)
}

fn msg(rcpts: &[&str]) -> OutgoingMessage {
    OutgoingMessage {
        from: "alice@wd.test".into(),
        recipients: rcpts.iter().map(|s| s.to_string()).collect(),
        data: b"From: alice@wd.test\nTo: bob@wd.test\nBcc: hidden@wd.test\nSubject: hi\n\n.dot line\nbare\rcr\n"
            .to_vec()
            .into(),
        ..OutgoingMessage::default()
    }
}

/// What the client must send for `msg()`: Bcc removed, CRLF everywhere.
const WIRE: &[u8] =
    b"From: alice@wd.test\r\nTo: bob@wd.test\r\nSubject: hi\r\n\r\n.dot line\r\nbare\r\ncr\r\n";

fn quit() -> Script {
    Script::new().expect("QUIT").send("221 bye\r\n")
}

#[test]
fn pipelining_chunking_one_flight_per_message() {
    let server = FakeServer::start(
        hello(EHLO_FULL)
            .expect("MAIL FROM:<alice@wd.test> SIZE=")
            .expect("RCPT TO:<bob@wd.test>")
            .expect("RCPT TO:<carol@wd.test>")
            .expect_bdat()
            .send("250 2.1.0 ok\r\n250 2.1.5 ok\r\n250 2.1.5 ok\r\n250 2.0.0 queued\r\n")
            .expect("MAIL FROM:")
            .expect("RCPT TO:<bob@wd.test>")
            .expect_bdat()
            .send("250 2.1.0 ok\r\n250 2.1.5 ok\r\n250 2.0.0 queued\r\n")
            .then(quit()),
    );
    let mut c = SmtpClient::connect(&cfg(server.port()), 600).unwrap();
    let d = c.send(&msg(&["bob@wd.test", "carol@wd.test"])).unwrap();
    assert_eq!(d.accepted, 2);
    assert!(d.refused.is_empty());
    let d = c.send(&msg(&["bob@wd.test"])).unwrap();
    assert_eq!(d.accepted, 1);
    c.quit(Duration::from_secs(5)).unwrap();
    let t = server.join();
    t.assert_ok();
    // EHLO, message 1, message 2, QUIT: one client flight each.
    assert_eq!(t.flights, 4, "{}", t.report());
    assert_eq!(t.bdat_chunks[0], WIRE);
    assert_eq!(t.bdat_chunks[1], WIRE);
    assert!(t.has_line(&format!("BDAT {} LAST", WIRE.len())));
    assert!(!t.received_text().contains("hidden@wd.test") || t.has_line("RCPT"));
}

#[test]
fn pipelining_without_chunking_uses_data_with_dot_stuffing() {
    let server = FakeServer::start(
        hello(EHLO_PIPE)
            .expect("MAIL FROM:<alice@wd.test> BODY=8BITMIME")
            .expect("RCPT TO:<bob@wd.test>")
            .expect("DATA")
            .send("250 ok\r\n250 ok\r\n354 go\r\n")
            .expect_data()
            .send("250 queued\r\n")
            .then(quit()),
    );
    let mut c = SmtpClient::connect(&cfg(server.port()), 600).unwrap();
    let mut m = msg(&["bob@wd.test"]);
    m.data = [&m.data[..], "é\n".as_bytes()].concat().into();
    assert_eq!(c.send(&m).unwrap().accepted, 1);
    drop(c);
    let t = server.join();
    t.assert_ok();
    let body = &t.data_bodies[0];
    assert!(body.starts_with(b"From: alice@wd.test\r\n"));
    assert!(body.windows(12).any(|w| w == b"\r\n..dot line"), "{body:?}");
    assert_eq!(
        t.flights,
        4,
        "EHLO, envelope+DATA, body, QUIT: {}",
        t.report()
    );
}

#[test]
fn greeting_refused() {
    let server = FakeServer::start(
        Script::new()
            .send("554 5.3.2 go away\r\n")
            .drain_until_closed(),
    );
    let e = SmtpClient::connect(&cfg(server.port()), 600).unwrap_err();
    assert_eq!(e.code, WD_E::Protocol);
    assert!(e.message.contains("554 5.3.2 go away"), "{}", e.message);
    assert_eq!(e.system.as_deref(), Some("554 5.3.2 go away"));
    server.join().assert_ok();
}

#[test]
fn ehlo_transient_refusal() {
    let server = FakeServer::start(
        Script::new()
            .send("220 hi\r\n")
            .expect("EHLO")
            .send("421 4.3.2 busy\r\n")
            .drain_until_closed(),
    );
    let e = SmtpClient::connect(&cfg(server.port()), 600).unwrap_err();
    assert_eq!(e.code, WD_E::Protocol);
    assert!(e.message.contains("421 4.3.2 busy"), "{}", e.message);
    server.join().assert_ok();
}

#[test]
fn helo_fallback_when_ehlo_refused() {
    let server = FakeServer::start(
        Script::new()
            .send("220 old server\r\n")
            .expect("EHLO")
            .send("502 5.5.1 command not implemented\r\n")
            .expect("HELO localhost")
            .send("250 hello\r\n")
            .expect("MAIL FROM:<alice@wd.test>")
            .send("250 ok\r\n")
            .expect("RCPT TO:<bob@wd.test>")
            .send("250 ok\r\n")
            .expect("DATA")
            .send("354 go\r\n")
            .expect_data()
            .send("250 queued\r\n")
            .then(quit()),
    );
    let mut c = SmtpClient::connect(&cfg(server.port()), 600).unwrap();
    assert!(!c.capabilities().esmtp);
    assert_eq!(c.send(&msg(&["bob@wd.test"])).unwrap().accepted, 1);
    drop(c);
    let t = server.join();
    t.assert_ok();
    // No ESMTP parameter after HELO.
    assert_eq!(t.line("MAIL").unwrap(), "MAIL FROM:<alice@wd.test>");
}

fn reset_then_refuse() -> Script {
    Script::new()
        .expect("RSET")
        .send("250 ok\r\n")
        .expect("MAIL")
        .send("550 5.7.1 stop\r\n")
        .then(quit())
}

/// Lock-step session (no PIPELINING) refusing at `step`.
fn refuse_at(step: &str) -> (Script, &'static str) {
    let s = hello(EHLO_PLAIN);
    match step {
        "MAIL" => (
            s.expect("MAIL")
                .send("550 5.7.1 sender rejected\r\n")
                .then(reset_then_refuse()),
            "550 5.7.1 sender rejected",
        ),
        "RCPT" => (
            s.expect("MAIL")
                .send("250 ok\r\n")
                .expect("RCPT")
                .send("550 5.1.1 no such user\r\n")
                .then(reset_then_refuse()),
            "550 5.1.1 no such user",
        ),
        "DATA" => (
            s.expect("MAIL")
                .send("250 ok\r\n")
                .expect("RCPT")
                .send("250 ok\r\n")
                .expect("DATA")
                .send("554 5.5.1 no valid recipients\r\n")
                .then(reset_then_refuse()),
            "554 5.5.1 no valid recipients",
        ),
        _ => (
            s.expect("MAIL")
                .send("250 ok\r\n")
                .expect("RCPT")
                .send("250 ok\r\n")
                .expect("DATA")
                .send("354 go\r\n")
                .expect_data()
                .send("552 5.3.4 message too big\r\n")
                .then(reset_then_refuse()),
            "552 5.3.4 message too big",
        ),
    }
}

#[test]
fn refusals_at_each_transaction_step() {
    for step in ["MAIL", "RCPT", "DATA", "END"] {
        let (script, reply) = refuse_at(step);
        let server = FakeServer::start(script);
        let mut c = SmtpClient::connect(&cfg(server.port()), 600).unwrap();
        let r = c.send(&msg(&["bob@wd.test"]));
        match step {
            "RCPT" => {
                let d = r.unwrap();
                assert_eq!(d.accepted, 0);
                assert_eq!(
                    d.refused,
                    vec![("bob@wd.test".to_string(), reply.to_string())]
                );
            }
            _ => {
                let e = r.unwrap_err();
                assert_eq!(e.code, WD_E::Protocol, "{step}");
                assert!(e.message.contains(reply), "{step}: {}", e.message);
                assert_eq!(e.system.as_deref(), Some(reply));
            }
        }
        // The failed transaction is reset before the next one.
        let e = c.send(&msg(&["bob@wd.test"])).unwrap_err();
        assert!(
            e.message.contains("550 5.7.1 stop"),
            "{step}: {}",
            e.message
        );
        drop(c);
        server.join().assert_ok();
    }
}

#[test]
fn pipelined_all_refused_consumes_bdat_then_rset() {
    let server = FakeServer::start(
        hello(EHLO_FULL)
            .expect("MAIL")
            .expect("RCPT TO:<a@wd.test>")
            .expect("RCPT TO:<b@wd.test>")
            .expect_bdat()
            .send("250 ok\r\n550 5.1.1 a unknown\r\n550 5.1.1 b unknown\r\n554 5.5.1 no valid recipients\r\n")
            .expect("RSET")
            .expect("MAIL")
            .expect("RCPT TO:<bob@wd.test>")
            .expect_bdat()
            .send("250 ok\r\n250 ok\r\n250 ok\r\n250 queued\r\n")
            .then(quit()),
    );
    let mut c = SmtpClient::connect(&cfg(server.port()), 600).unwrap();
    let d = c.send(&msg(&["a@wd.test", "b@wd.test"])).unwrap();
    assert_eq!(d.accepted, 0);
    assert_eq!(d.refused.len(), 2);
    assert_eq!(d.refused[1].1, "550 5.1.1 b unknown");
    assert_eq!(c.send(&msg(&["bob@wd.test"])).unwrap().accepted, 1);
    drop(c);
    let t = server.join();
    t.assert_ok();
    assert_eq!(t.flights, 4, "{}", t.report());
}

#[test]
fn some_recipients_refused_message_still_sent() {
    let server = FakeServer::start(
        hello(EHLO_FULL)
            .expect("MAIL")
            .expect("RCPT")
            .expect("RCPT")
            .expect_bdat()
            .send("250 ok\r\n550 5.1.1 unknown\r\n250 ok\r\n250 queued\r\n")
            .then(quit()),
    );
    let mut c = SmtpClient::connect(&cfg(server.port()), 600).unwrap();
    let d = c.send(&msg(&["unknown@wd.test", "bob@wd.test"])).unwrap();
    assert_eq!(d.accepted, 1);
    assert_eq!(
        d.refused,
        vec![("unknown@wd.test".into(), "550 5.1.1 unknown".into())]
    );
    drop(c);
    server.join().assert_ok();
}

#[test]
fn auth_refused_with_server_reply() {
    let server = FakeServer::start(
        hello(EHLO_FULL)
            .expect("AUTH PLAIN ")
            .send("535 5.7.8 Error: authentication failed\r\n")
            .drain_until_closed(),
    );
    let mut c = cfg(server.port());
    c.password = Some("secret".into());
    c.auth_method = AuthMethod::Plain;
    let e = SmtpClient::connect(&c, 600).unwrap_err();
    assert_eq!(e.code, WD_E::Auth);
    assert!(e.message.contains("535 5.7.8"), "{}", e.message);
    assert!(!e.message.contains("secret"));
    assert_eq!(
        e.system.as_deref(),
        Some("535 5.7.8 Error: authentication failed")
    );
    server.join().assert_ok();
}

#[test]
fn auth_mechanisms_on_the_wire() {
    use base64::Engine;
    let b64 = |s: &[u8]| base64::engine::general_purpose::STANDARD.encode(s);
    // LOGIN
    let server = FakeServer::start(
        hello(EHLO_FULL)
            .expect("AUTH LOGIN")
            .send("334 VXNlcm5hbWU6\r\n")
            .expect(b64(b"alice@wd.test"))
            .send("334 UGFzc3dvcmQ6\r\n")
            .expect(b64(b"pw"))
            .send("235 2.7.0 ok\r\n")
            .then(quit()),
    );
    let mut c = cfg(server.port());
    c.password = Some("pw".into());
    c.auth_method = AuthMethod::Login;
    drop(SmtpClient::connect(&c, 600).unwrap());
    server.join().assert_ok();
    // Automatic choice with a password: CRAM-MD5.
    let server = FakeServer::start(
        hello(EHLO_FULL)
            .expect("AUTH CRAM-MD5")
            .send(format!("334 {}\r\n", b64(b"<1.2@fake>")))
            .expect_any()
            .send("235 ok\r\n")
            .then(quit()),
    );
    let mut c = cfg(server.port());
    c.password = Some("pw".into());
    drop(SmtpClient::connect(&c, 600).unwrap());
    server.join().assert_ok();
    // XOAUTH2 refused with a JSON challenge, answered with an empty line.
    let json = br#"{"status":"401","schemes":"bearer","scope":"mail"}"#;
    let server = FakeServer::start(
        hello(EHLO_FULL)
            .expect(format!(
                "AUTH XOAUTH2 {}",
                b64(b"user=alice@wd.test\x01auth=Bearer tok\x01\x01")
            ))
            .send(format!("334 {}\r\n", b64(json)))
            .custom(|conn| {
                let l = conn.read_line()?;
                if l.is_empty() {
                    Ok(())
                } else {
                    Err(format!("expected an empty line, got {l:?}"))
                }
            })
            .send("535 5.7.8 Error: authentication failed\r\n")
            .drain_until_closed(),
    );
    let mut c = cfg(server.port());
    c.auth_token = Some("tok".into());
    c.auth_method = AuthMethod::XOAuth2;
    let e = SmtpClient::connect(&c, 600).unwrap_err();
    assert_eq!(e.code, WD_E::Auth);
    assert!(e.message.contains("\"status\":\"401\""), "{}", e.message);
    assert!(e.message.contains("535 5.7.8"), "{}", e.message);
    assert!(!e.message.contains("tok\u{1}"));
    server.join().assert_ok();
}

#[test]
fn forced_mechanism_not_offered() {
    let server = FakeServer::start(hello("250-fake\r\n250 AUTH PLAIN\r\n").drain_until_closed());
    let mut c = cfg(server.port());
    c.password = Some("pw".into());
    c.auth_method = AuthMethod::CramMd5;
    let e = SmtpClient::connect(&c, 600).unwrap_err();
    assert_eq!(e.code, WD_E::Auth);
    assert!(
        e.message.contains("CRAM-MD5") && e.message.contains("PLAIN"),
        "{}",
        e.message
    );
    server.join();
}

#[test]
fn starttls_not_offered_is_a_tls_error() {
    let server = FakeServer::start(hello(EHLO_FULL).drain_until_closed());
    let mut c = cfg(server.port());
    c.security = Security::StartTls;
    let e = SmtpClient::connect(&c, 600).unwrap_err();
    assert_eq!(e.code, WD_E::Tls);
    assert!(e.message.contains("STARTTLS"), "{}", e.message);
    let t = server.join();
    assert!(!t.has_line("MAIL") && !t.has_line("AUTH"));
}

#[test]
fn starttls_then_ehlo_again_and_auth() {
    let server = FakeServer::start(
        hello("250-fake\r\n250-STARTTLS\r\n250 PIPELINING\r\n")
            .expect("STARTTLS")
            .send("220 go ahead\r\n")
            .starttls()
            .expect("EHLO")
            .send("250-fake\r\n250 AUTH PLAIN\r\n")
            .expect("AUTH PLAIN ")
            .send("235 ok\r\n")
            .then(quit()),
    );
    let mut c = cfg(server.port());
    c.host = "localhost".into();
    c.security = Security::StartTls;
    c.ca_file = Some(fake_ca_path().to_string_lossy().into_owned());
    c.password = Some("pw".into());
    let cl = SmtpClient::connect(&c, 600).unwrap();
    assert!(!cl.capabilities().starttls);
    drop(cl);
    server.join().assert_ok();
}

#[test]
fn implicit_tls_untrusted_certificate_refused() {
    let server = FakeServer::start_tls(Script::new().send("220 hi\r\n"));
    let mut c = cfg(server.port());
    c.host = "localhost".into();
    c.security = Security::Implicit;
    let e = SmtpClient::connect(&c, 600).unwrap_err();
    assert_eq!(e.code, WD_E::Tls, "{}", e.message);
    let _ = server.join();
}

#[test]
fn connection_dropped_mid_data() {
    let server = FakeServer::start(
        hello(EHLO_PLAIN)
            .expect("MAIL")
            .send("250 ok\r\n")
            .expect("RCPT")
            .send("250 ok\r\n")
            .expect("DATA")
            .send("354 go\r\n")
            .expect_any()
            .close(),
    );
    let mut c = SmtpClient::connect(&cfg(server.port()), 600).unwrap();
    let e = c.send(&msg(&["bob@wd.test"])).unwrap_err();
    assert_eq!(e.code, WD_E::ConnectionLost, "{}", e.message);
    server.join().assert_ok();
}

#[test]
fn stall_past_timeout() {
    let server = FakeServer::start(
        hello(EHLO_PLAIN)
            .expect("MAIL")
            .stall(Duration::from_secs(5))
            .drain_until_closed(),
    );
    let mut c = cfg(server.port());
    c.timeout = Some(2);
    let mut cl = SmtpClient::connect(&c, 600).unwrap();
    let t0 = Instant::now();
    let e = cl.send(&msg(&["bob@wd.test"])).unwrap_err();
    let took = t0.elapsed();
    assert_eq!(e.code, WD_E::Timeout, "{}", e.message);
    assert!(took < Duration::from_secs(3), "{took:?}");
    assert!(took >= Duration::from_millis(1900), "{took:?}");
    drop(cl);
    let _ = server.join();
}

#[test]
fn garbage_and_long_lines() {
    let server = FakeServer::start(
        Script::new()
            .send_garbage(100)
            .send("\r\n")
            .drain_until_closed(),
    );
    let e = SmtpClient::connect(&cfg(server.port()), 600).unwrap_err();
    assert_eq!(e.code, WD_E::Protocol);
    assert!(e.message.contains("malformed reply"), "{}", e.message);
    let _ = server.join();

    let server = FakeServer::start(
        Script::new()
            .send("220 hi\r\n")
            .expect("EHLO")
            .send_long_line_with("250-", 200_000)
            .drain_until_closed(),
    );
    let e = SmtpClient::connect(&cfg(server.port()), 600).unwrap_err();
    assert_eq!(e.code, WD_E::Protocol);
    assert!(e.message.contains("too long"), "{}", e.message);
    let _ = server.join();

    let server = FakeServer::start(
        Script::new()
            .send("220 hi\r\n")
            .expect("EHLO")
            .send("250-fake\r\n251 mixed codes\r\n")
            .drain_until_closed(),
    );
    let e = SmtpClient::connect(&cfg(server.port()), 600).unwrap_err();
    assert!(e.message.contains("malformed reply"), "{}", e.message);
    let _ = server.join();
}

#[test]
fn size_limit_checked_before_sending() {
    let server =
        FakeServer::start(hello("250-fake\r\n250-PIPELINING\r\n250 SIZE 50\r\n").then(quit()));
    let mut c = SmtpClient::connect(&cfg(server.port()), 600).unwrap();
    let e = c.send(&msg(&["bob@wd.test"])).unwrap_err();
    assert_eq!(e.code, WD_E::Message);
    assert!(
        e.message.contains("larger than the server's limit"),
        "{}",
        e.message
    );
    drop(c);
    let t = server.join();
    t.assert_ok();
    assert!(!t.has_line("MAIL"));
}

#[test]
fn utf8_address_needs_smtputf8() {
    let server = FakeServer::start(
        hello(EHLO_FULL)
            .expect("MAIL FROM:<alice@wd.test> SIZE=")
            .expect("RCPT TO:<élodie@wd.test>")
            .expect_bdat()
            .send("250 ok\r\n250 ok\r\n250 ok\r\n")
            .then(quit()),
    );
    let mut c = SmtpClient::connect(&cfg(server.port()), 600).unwrap();
    c.send(&msg(&["élodie@wd.test"])).unwrap();
    drop(c);
    let t = server.join();
    t.assert_ok();
    assert!(t.line("MAIL").unwrap().ends_with(" SMTPUTF8"));

    let server = FakeServer::start(hello(EHLO_PLAIN).then(quit()));
    let mut c = SmtpClient::connect(&cfg(server.port()), 600).unwrap();
    let e = c.send(&msg(&["élodie@wd.test"])).unwrap_err();
    assert_eq!(e.code, WD_E::NotSupported);
    drop(c);
    server.join().assert_ok();
}

#[test]
fn reconnect_after_idle_close() {
    // First connection: the server drops it while idle; second: it works.
    let first = hello(EHLO_FULL).stall(Duration::from_millis(100)).close();
    let second = hello(EHLO_FULL)
        .expect("MAIL")
        .expect("RCPT")
        .expect_bdat()
        .send("250 ok\r\n250 ok\r\n250 ok\r\n")
        .then(quit());
    let server = FakeServer::start_multi(vec![first, second]);
    let mut c = SmtpClient::connect(&cfg(server.port()), 600).unwrap();
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(c.send(&msg(&["bob@wd.test"])).unwrap().accepted, 1);
    drop(c);
    server.join().assert_ok();

    // 421 as the first reply of a send: reconnect and send again.
    let first = hello(EHLO_FULL)
        .expect("MAIL")
        .send("421 4.4.2 idle too long\r\n")
        .close();
    let second = hello(EHLO_FULL)
        .expect("MAIL")
        .expect("RCPT")
        .expect_bdat()
        .send("250 ok\r\n250 ok\r\n250 ok\r\n")
        .then(quit());
    let server = FakeServer::start_multi(vec![first, second]);
    let mut c = SmtpClient::connect(&cfg(server.port()), 600).unwrap();
    assert_eq!(c.send(&msg(&["bob@wd.test"])).unwrap().accepted, 1);
    drop(c);
    server.join().assert_ok();
}

#[test]
fn check_recipient_pipelined() {
    let server = FakeServer::start(
        hello(EHLO_FULL)
            .expect("MAIL FROM:<alice@wd.test>")
            .expect("RCPT TO:<nobody@wd.test>")
            .expect("RSET")
            .send("250 ok\r\n550 5.1.1 unknown\r\n250 ok\r\n")
            .expect("MAIL")
            .expect("RCPT TO:<bob@wd.test>")
            .expect("RSET")
            .send("250 ok\r\n250 ok\r\n250 ok\r\n")
            .then(quit()),
    );
    let mut c = SmtpClient::connect(&cfg(server.port()), 600).unwrap();
    assert_eq!(
        c.check_recipient("Nobody <nobody@wd.test>").unwrap(),
        RecipientCheck::Refused("550 5.1.1 unknown".into())
    );
    assert_eq!(
        c.check_recipient("bob@wd.test").unwrap(),
        RecipientCheck::Accepted
    );
    drop(c);
    let t = server.join();
    t.assert_ok();
    assert_eq!(t.flights, 4);
}

#[test]
fn trace_masks_credentials() {
    let dir = std::env::temp_dir().join(format!("wd-smtp-trace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("trace.txt");
    let server = FakeServer::start(
        hello(EHLO_FULL)
            .expect("AUTH LOGIN")
            .send("334 VXNlcm5hbWU6\r\n")
            .expect_any()
            .send("334 UGFzc3dvcmQ6\r\n")
            .expect_any()
            .send("235 ok\r\n")
            .then(quit()),
    );
    wd300com::trace::set_file(Some(path.to_str().unwrap())).unwrap();
    let mut c = cfg(server.port());
    c.password = Some("hunter2-secret".into());
    c.auth_method = AuthMethod::Login;
    drop(SmtpClient::connect(&c, 600).unwrap());
    wd300com::trace::set_file(None).unwrap();
    server.join().assert_ok();
    let text = std::fs::read_to_string(&path).unwrap();
    use base64::Engine;
    let secret = base64::engine::general_purpose::STANDARD.encode("hunter2-secret");
    assert!(!text.contains(&secret), "{text}");
    assert!(text.contains("SMTP C: AUTH LOGIN"), "{text}");
    assert!(text.contains("****"), "{text}");
    assert!(text.contains("SMTP S: 235 ok"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The sign-in rules SMTP shares with POP3 and IMAP: a CRAM-MD5 challenge that is not
/// base64 is cancelled with "*" and the final reply read (`Auth` naming both); a server
/// still challenging after the cancel is a `Protocol` error; a forced mechanism missing
/// from the AUTH line fails before anything is sent. QUIT ends the connection when it is
/// still in step (not after the `Protocol` error).
#[test]
fn sasl_bad_challenge_cancelled_endless_challenges_and_forced_mechanism() {
    let cancelled = hello(EHLO_FULL)
        .expect("AUTH CRAM-MD5")
        .send("334 not base64 !!\r\n")
        .expect("*")
        .send("501 5.7.0 Authentication cancelled\r\n")
        .expect("QUIT")
        .send("221 bye\r\n");
    let endless = hello(EHLO_FULL)
        .expect("AUTH LOGIN")
        .send("334 VXNlcm5hbWU6\r\n")
        .expect("YWxpY2VAd2QudGVzdA==")
        .send("334 UGFzc3dvcmQ6\r\n")
        .expect("cHc=")
        .send("334 \r\n")
        .expect("*")
        .send("334 \r\n");
    let not_offered = hello("250-fake\r\n250 AUTH PLAIN LOGIN\r\n")
        .expect("QUIT")
        .send("221 bye\r\n");
    let runs = vec![
        (
            AuthMethod::CramMd5,
            cancelled,
            WD_E::Auth,
            "not base64); the server replied: 501 5.7.0 Authentication cancelled",
            4,
        ),
        (
            AuthMethod::Login,
            endless,
            WD_E::Protocol,
            "SMTP server keeps sending LOGIN challenges",
            5,
        ),
        (
            AuthMethod::CramMd5,
            not_offered,
            WD_E::Auth,
            "does not offer CRAM-MD5 (it offers: PLAIN LOGIN)",
            2,
        ),
    ];
    for (method, script, code, text, lines_read) in runs {
        let server = FakeServer::start(script.expect_closed());
        let mut c = cfg(server.port());
        (c.password, c.auth_method) = (Some("pw".into()), method);
        let e = SmtpClient::connect(&c, 600).expect_err("signed in");
        assert!(e.code == code && e.message.contains(text), "{e:?}");
        let t = server.join();
        assert_eq!(t.assert_ok().lines.len(), lines_read, "{}", t.report());
    }
}

// ----- automatic sign-in: the ordered fall-back -----------------------------------

use support::sign_in::expect_failures;

/// EHLO offering LOGIN, PLAIN and CRAM-MD5, then CRAM-MD5 answered.
fn cram_md5_answered() -> Script {
    let ehlo = "250-fake\r\n250-ENHANCEDSTATUSCODES\r\n250 AUTH LOGIN PLAIN CRAM-MD5\r\n";
    let challenge = "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+";
    hello(ehlo)
        .expect("AUTH CRAM-MD5")
        .send(format!("334 {challenge}\r\n"))
        .expect_any()
}

/// PLAIN with the initial response of "\0alice@wd.test\0pw", answered with `reply`.
fn plain_answered(reply: &str) -> Script {
    let plain = "AGFsaWNlQHdkLnRlc3QAcHc=";
    Script::new()
        .expect(format!("AUTH PLAIN {plain}"))
        .send(format!("{reply}\r\n"))
}

fn connect_with(port: u16, method: AuthMethod) -> Result<SmtpClient, wd300com::error::Error> {
    let mut c = cfg(port);
    (c.password, c.auth_method) = (Some("pw".into()), method);
    SmtpClient::connect(&c, 600)
}

/// CRAM-MD5 refused with 535, then PLAIN accepted: the session opens.
#[test]
fn automatic_sign_in_moves_on_after_535() {
    let server = FakeServer::start(
        cram_md5_answered()
            .send("535 5.7.8 Error: authentication failed\r\n")
            .then(plain_answered("235 2.7.0 Authentication successful"))
            .then(quit()),
    );
    let quit =
        connect_with(server.port(), AuthMethod::Auto).map(|mut c| c.quit(Duration::from_secs(5)));
    server.join().assert_ok();
    quit.unwrap().unwrap();
}

const ALL_REFUSED: &str = "SMTP authentication refused (LOGIN): 535 5.7.8 login refused \
    (refused before: CRAM-MD5, PLAIN)";

/// Sign-in failures (see `expect_failures`): every mechanism refused (CRAM-MD5, PLAIN,
/// LOGIN), the last 535 reported, then QUIT; the connection lost during the first
/// attempt, or a 421 (the server closing): no other mechanism tried, no QUIT.
#[test]
fn automatic_sign_in_failures() {
    let all_refused = cram_md5_answered()
        .send("535 5.7.8 cram-md5 refused\r\n")
        .then(plain_answered("535 5.7.8 plain refused"))
        .expect("AUTH LOGIN")
        .send("334 VXNlcm5hbWU6\r\n")
        .expect("YWxpY2VAd2QudGVzdA==")
        .send("334 UGFzc3dvcmQ6\r\n")
        .expect("cHc=")
        .send("535 5.7.8 login refused\r\n")
        .then(quit())
        .expect_closed();
    let dropped = cram_md5_answered().close();
    let closing = cram_md5_answered()
        .send("421 4.3.2 Service shutting down\r\n")
        .expect_closed();
    let last = Some("535 5.7.8 login refused");
    let (auth, lost) = (WD_E::Auth, WD_E::ConnectionLost);
    let closed = "server closed the connection: 421 4.3.2 Service shutting down";
    let cases = vec![
        (all_refused, AuthMethod::Auto, auth, ALL_REFUSED, last, 8),
        (
            dropped,
            AuthMethod::Auto,
            lost,
            "connection closed by server",
            None,
            3,
        ),
        (closing, AuthMethod::Auto, lost, closed, None, 3),
    ];
    expect_failures(cases, |port, method| connect_with(port, method).map(drop));
}

/// Several messages pipelined one behind the other (RSET before each but the first):
/// one client flight for the batch, one result per message, a refused message not
/// stopping the next.
#[test]
fn batch_pipelines_transactions_in_one_flight() {
    let server = FakeServer::start(
        hello(EHLO_FULL)
            .expect("MAIL FROM:<alice@wd.test>")
            .expect("RCPT TO:<bob@wd.test>")
            .expect_bdat()
            .expect("RSET")
            .expect("MAIL FROM:<alice@wd.test>")
            .expect("RCPT TO:<nobody@wd.test>")
            .expect_bdat()
            .expect("RSET")
            .expect("MAIL FROM:<alice@wd.test>")
            .expect("RCPT TO:<bob@wd.test>")
            .expect_bdat()
            .send(concat!(
                "250 ok\r\n250 ok\r\n250 queued 1\r\n",
                "250 reset\r\n250 ok\r\n550 5.1.1 unknown\r\n554 5.5.1 no valid recipients\r\n",
                "250 reset\r\n250 ok\r\n250 ok\r\n250 queued 3\r\n",
            ))
            .then(quit()),
    );
    let mut c = SmtpClient::connect(&cfg(server.port()), 600).unwrap();
    let (a, b) = (msg(&["bob@wd.test"]), msg(&["nobody@wd.test"]));
    let r = c.send_batch(&[&a, &b, &a]);
    assert_eq!(r.len(), 3);
    assert_eq!(r[0].as_ref().unwrap().accepted, 1);
    let refused = r[1].as_ref().unwrap();
    assert_eq!(refused.accepted, 0);
    assert_eq!(refused.refused[0].0, "nobody@wd.test");
    assert_eq!(r[2].as_ref().unwrap().accepted, 1);
    c.quit(Duration::from_secs(5)).unwrap();
    let t = server.join();
    t.assert_ok();
    // EHLO, the batch, QUIT.
    assert_eq!(t.flights, 3, "{}", t.report());
    assert_eq!(t.bdat_chunks.len(), 3);
    assert!(t.bdat_chunks.iter().all(|c| c == WIRE));
}

/// Without CHUNKING (or without PIPELINING) a batch falls back to one message at a
/// time: the DATA of one transaction is never pipelined behind another.
#[test]
fn batch_without_chunking_sends_one_at_a_time() {
    let one = || {
        Script::new()
            .expect("MAIL FROM:<alice@wd.test>")
            .expect("RCPT TO:<bob@wd.test>")
            .expect("DATA")
            .send("250 ok\r\n250 ok\r\n354 go\r\n")
            .expect_data()
            .send("250 queued\r\n")
    };
    let server = FakeServer::start(hello(EHLO_PIPE).then(one()).then(one()).then(quit()));
    let mut c = SmtpClient::connect(&cfg(server.port()), 600).unwrap();
    let a = msg(&["bob@wd.test"]);
    let r = c.send_batch(&[&a, &a]);
    assert!(r.iter().all(|d| d.as_ref().unwrap().accepted == 1), "{r:?}");
    c.quit(Duration::from_secs(5)).unwrap();
    let t = server.join();
    t.assert_ok();
    assert_eq!(t.data_bodies.len(), 2);
    // EHLO, then envelope+DATA and body for each message, QUIT.
    assert_eq!(t.flights, 6, "{}", t.report());
}

/// A server that answers MAIL and RCPT at once and the end of the chunk later (Postfix,
/// whose second write waits for an acknowledgement a relay delays): the client sends a
/// NOOP as soon as the first replies are in, and reads its reply before the replies to
/// its next command.
#[test]
fn late_final_reply_gets_a_noop_nudge() {
    let server = FakeServer::start(
        hello(EHLO_FULL)
            .expect("MAIL FROM:")
            .expect("RCPT TO:<bob@wd.test>")
            .expect_bdat()
            .send("250 ok\r\n250 ok\r\n")
            .expect("NOOP")
            .send("250 2.0.0 queued\r\n250 2.0.0 noop\r\n")
            .expect("MAIL FROM:")
            .expect("RCPT TO:<bob@wd.test>")
            .expect_bdat()
            .send("250 ok\r\n250 ok\r\n250 2.0.0 queued\r\n")
            .then(quit()),
    );
    let mut c = SmtpClient::connect(&cfg(server.port()), 600).unwrap();
    let a = msg(&["bob@wd.test"]);
    assert_eq!(c.send(&a).unwrap().accepted, 1);
    assert_eq!(c.nudges(), 1);
    assert_eq!(c.send(&a).unwrap().accepted, 1);
    c.quit(Duration::from_secs(5)).unwrap();
    server.join().assert_ok();
}
