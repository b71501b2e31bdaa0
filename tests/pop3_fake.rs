//! POP3 client error paths and pipelining against the scriptable fake server.

mod support;

use std::time::{Duration, Instant};
use support::fake_server::*;
use wd300com::error::{Error, WD_E};
use wd300com::pop3::Pop3Client;
use wd300com::session::{
    AuthMethod, Mailbox, MessageRef, ReadOptions, Security, SessionConfig, SessionKind,
};

fn cfg(port: u16) -> SessionConfig {
    let mut c = SessionConfig::new(SessionKind::Pop3);
    c.host = "127.0.0.1".into();
    c.port = port;
    c.user = "u@x".into();
    c.password = Some("secret pw".into());
    c.timeout = Some(5);
    c
}

const CAPA: &str = "+OK\r\nTOP\r\nUIDL\r\nUSER\r\nRESP-CODES\r\n.\r\n";
const CAPA_PIPE: &str = "+OK\r\nTOP\r\nUIDL\r\nUSER\r\nPIPELINING\r\n.\r\n";

/// Greeting, CAPA (answered with `capa`), USER/PASS accepted.
fn login(capa: &str) -> Script {
    Script::new()
        .send("+OK fake POP3 ready\r\n")
        .expect("CAPA")
        .send(capa)
        .expect("USER u@x")
        .send("+OK\r\n")
        .expect("PASS secret pw")
        .send("+OK logged in\r\n")
}

fn open(server: &FakeServer) -> Result<Pop3Client, Error> {
    Pop3Client::open(&cfg(server.port()), 600)
}

fn open_err(script: Script) -> (Error, Transcript) {
    let server = FakeServer::start(script);
    let e = open(&server).expect_err("open must fail");
    (e, server.join())
}

fn msg(i: usize) -> String {
    format!("Subject: message {i}\r\nFrom: a@x\r\n\r\nbody {i}\r\n..dotted\r\n")
}

fn subject_of(source: &[u8]) -> String {
    let text = String::from_utf8_lossy(source);
    text.lines()
        .find_map(|l| l.strip_prefix("Subject: "))
        .unwrap_or_default()
        .to_string()
}

fn r(n: u32) -> MessageRef {
    MessageRef {
        number: n,
        uid: format!("uid{n}"),
        size: 10,
        seen: false,
    }
}

#[test]
fn greeting_err() {
    let (e, t) = open_err(Script::new().send("-ERR [SYS/TEMP] too busy\r\n"));
    assert_eq!(e.code, WD_E::Protocol, "{e:?}");
    assert!(e.message.contains("-ERR [SYS/TEMP] too busy"), "{e:?}");
    assert_eq!(e.system.as_deref(), Some("-ERR [SYS/TEMP] too busy"));
    t.assert_ok();
}

#[test]
fn capa_err_falls_back_to_user_pass() {
    let server = FakeServer::start(
        login("-ERR unknown command\r\n")
            .expect("QUIT")
            .send("+OK bye\r\n"),
    );
    let mut c = open(&server).unwrap();
    assert!(!c.capabilities().known);
    c.close().unwrap();
    server.join().assert_ok();
}

#[test]
fn stls_not_offered_is_tls_error() {
    let server = FakeServer::start(login(CAPA).drain_until_closed());
    let mut c = cfg(server.port());
    c.security = Security::StartTls;
    let e = Pop3Client::open(&c, 600).unwrap_err();
    assert_eq!(e.code, WD_E::Tls, "{e:?}");
    assert!(e.message.contains("STLS"), "{e:?}");
    let t = server.join();
    assert!(!t.has_line("STLS") && !t.has_line("USER"), "{}", t.report());
}

#[test]
fn stls_refused_is_tls_error() {
    let script = Script::new()
        .send("+OK ready\r\n")
        .expect("CAPA")
        .send("+OK\r\nSTLS\r\nUSER\r\n.\r\n")
        .expect("STLS")
        .send("-ERR TLS not available now\r\n")
        .drain_until_closed();
    let server = FakeServer::start(script);
    let mut c = cfg(server.port());
    c.security = Security::StartTls;
    let e = Pop3Client::open(&c, 600).unwrap_err();
    assert_eq!(e.code, WD_E::Tls, "{e:?}");
    assert!(e.message.contains("-ERR TLS not available now"), "{e:?}");
    let t = server.join();
    assert!(
        !t.has_line("USER"),
        "no plain-text fall-back: {}",
        t.report()
    );
}

#[test]
fn stls_upgrade_with_fake_ca() {
    let script = Script::new()
        .send("+OK ready\r\n")
        .expect("CAPA")
        .send("+OK\r\nSTLS\r\nUSER\r\n.\r\n")
        .expect("STLS")
        .send("+OK begin TLS\r\n")
        .starttls()
        .expect("CAPA")
        .send(CAPA)
        .expect("USER u@x")
        .send("+OK\r\n")
        .expect("PASS secret pw")
        .send("+OK\r\n")
        .expect("QUIT")
        .send("+OK\r\n");
    let server = FakeServer::start(script);
    let mut c = cfg(server.port());
    c.host = "localhost".into();
    c.security = Security::StartTls;
    c.ca_file = Some(fake_ca_path().to_string_lossy().into_owned());
    let mut p = Pop3Client::open(&c, 600).unwrap();
    assert!(p.is_tls());
    p.close().unwrap();
    server.join().assert_ok();
}

#[test]
fn user_err_is_auth() {
    let (e, _) = open_err(
        Script::new()
            .send("+OK ready\r\n")
            .expect("CAPA")
            .send(CAPA)
            .expect("USER")
            .send("-ERR no such user\r\n")
            .drain_until_closed(),
    );
    assert_eq!(e.code, WD_E::Auth, "{e:?}");
    assert!(e.message.contains("-ERR no such user"), "{e:?}");
}

#[test]
fn pass_err_is_auth_with_resp_code() {
    let (e, t) = open_err(
        Script::new()
            .send("+OK ready\r\n")
            .expect("CAPA")
            .send(CAPA)
            .expect("USER")
            .send("+OK\r\n")
            .expect("PASS")
            .send("-ERR [IN-USE] mailbox locked\r\n")
            .drain_until_closed(),
    );
    assert_eq!(e.code, WD_E::Auth, "{e:?}");
    assert!(e.message.contains("[IN-USE] mailbox locked"), "{e:?}");
    assert!(!e.message.contains("secret"), "{e:?}");
    t.assert_ok();
}

#[test]
fn apop_when_greeting_has_timestamp() {
    // RFC 1939 example: timestamp and password "tanstaaf".
    let script = Script::new()
        .send("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n")
        .expect("CAPA")
        .send("-ERR\r\n")
        .expect("APOP mrose c4c9334bac560ecc979e58001b3e22fb")
        .send("+OK maildrop has 1 message (369 octets)\r\n")
        .expect("QUIT")
        .send("+OK\r\n");
    let server = FakeServer::start(script);
    let mut c = cfg(server.port());
    c.user = "mrose".into();
    c.password = Some("tanstaaf".into());
    let mut p = Pop3Client::open(&c, 600).unwrap();
    p.close().unwrap();
    server.join().assert_ok();
}

#[test]
fn cram_md5_rfc2195_example() {
    let script = Script::new()
        .send("+OK ready\r\n")
        .expect("CAPA")
        .send("+OK\r\nSASL PLAIN CRAM-MD5\r\nUSER\r\n.\r\n")
        .expect("AUTH CRAM-MD5")
        .send("+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n")
        .expect("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw")
        .send("+OK\r\n")
        .expect("QUIT")
        .send("+OK\r\n");
    let server = FakeServer::start(script);
    let mut c = cfg(server.port());
    c.user = "tim".into();
    c.password = Some("tanstaaftanstaaf".into());
    let mut p = Pop3Client::open(&c, 600).unwrap();
    p.close().unwrap();
    server.join().assert_ok();
}

#[test]
fn plain_without_sasl_in_capa_waits_for_challenge() {
    // base64("\0u@x\0secret pw")
    let script = Script::new()
        .send("+OK ready\r\n")
        .expect("CAPA")
        .send(CAPA)
        .expect("AUTH PLAIN")
        .send("+ \r\n")
        .expect("AHVAeABzZWNyZXQgcHc=")
        .send("+OK\r\n")
        .expect("QUIT")
        .send("+OK\r\n");
    let server = FakeServer::start(script);
    let mut c = cfg(server.port());
    c.auth_method = AuthMethod::Plain;
    let mut p = Pop3Client::open(&c, 600).unwrap();
    p.close().unwrap();
    let t = server.join();
    t.assert_ok();
    assert_eq!(t.line("AUTH PLAIN"), Some("AUTH PLAIN"));
}

#[test]
fn xoauth2_error_challenge_answered_and_reported() {
    // {"status":"401","schemes":"bearer","scope":"mail"}
    let json_b64 = "eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIiwic2NvcGUiOiJtYWlsIn0=";
    let script = Script::new()
        .send("+OK ready\r\n")
        .expect("CAPA")
        .send("+OK\r\nSASL XOAUTH2 OAUTHBEARER\r\n.\r\n")
        .expect("AUTH XOAUTH2 ")
        .send(format!("+ {json_b64}\r\n"))
        .custom(|c| {
            let l = c.read_line()?;
            if l.is_empty() {
                Ok(())
            } else {
                Err(format!("expected an empty line, got {l:?}"))
            }
        })
        .send("-ERR [AUTH] Authentication failed.\r\n")
        .drain_until_closed();
    let server = FakeServer::start(script);
    let mut c = cfg(server.port());
    c.auth_method = AuthMethod::XOAuth2;
    c.auth_token = Some("bad-token".into());
    let e = Pop3Client::open(&c, 600).unwrap_err();
    assert_eq!(e.code, WD_E::Auth, "{e:?}");
    assert!(e.message.contains("[AUTH] Authentication failed."), "{e:?}");
    assert!(e.message.contains("\"status\":\"401\""), "{e:?}");
    assert!(!e.message.contains("bad-token"), "{e:?}");
    server.join().assert_ok();
}

#[test]
fn list_err_is_protocol() {
    let server = FakeServer::start(
        login(CAPA)
            .expect("LIST")
            .send("-ERR [SYS/PERM] cannot list\r\n")
            .drain_until_closed(),
    );
    let mut c = open(&server).unwrap();
    let e = c.list(ReadOptions::default()).unwrap_err();
    assert_eq!(e.code, WD_E::Protocol, "{e:?}");
    assert!(
        e.message.contains("LIST: -ERR [SYS/PERM] cannot list"),
        "{e:?}"
    );
    drop(c);
    server.join().assert_ok();
}

#[test]
fn stat_and_unread_not_supported() {
    let server = FakeServer::start(
        login(CAPA)
            .expect("STAT")
            .send("+OK 2 320\r\n")
            .expect("STAT")
            .send("-ERR nope\r\n")
            .drain_until_closed(),
    );
    let mut c = open(&server).unwrap();
    assert_eq!(c.stat().unwrap(), (2, 320));
    assert_eq!(c.stat().unwrap_err().code, WD_E::Protocol);
    let e = c
        .list(ReadOptions {
            unread_only: true,
            ..ReadOptions::default()
        })
        .unwrap_err();
    assert_eq!(e.code, WD_E::NotSupported);
    drop(c);
    server.join().assert_ok();
}

#[test]
fn retr_err_is_protocol() {
    let server = FakeServer::start(
        login(CAPA)
            .expect("RETR 1")
            .send("-ERR no such message\r\n")
            .drain_until_closed(),
    );
    let mut c = open(&server).unwrap();
    let e = c.fetch(&[r(1)], ReadOptions::default()).unwrap_err();
    assert_eq!(e.code, WD_E::Protocol, "{e:?}");
    assert!(e.message.contains("RETR 1: -ERR no such message"), "{e:?}");
    drop(c);
    server.join().assert_ok();
}

#[test]
fn dele_err_is_protocol() {
    let server = FakeServer::start(
        login(CAPA)
            .expect("DELE 7")
            .send("-ERR message 7 already deleted\r\n")
            .drain_until_closed(),
    );
    let mut c = open(&server).unwrap();
    let e = c.delete(&r(7)).unwrap_err();
    assert_eq!(e.code, WD_E::Protocol, "{e:?}");
    assert!(e.message.contains("already deleted"), "{e:?}");
    drop(c);
    server.join().assert_ok();
}

#[test]
fn quit_err_is_protocol() {
    let server = FakeServer::start(
        login(CAPA)
            .expect("DELE 1")
            .send("+OK marked\r\n")
            .expect("QUIT")
            .send("-ERR [SYS/TEMP] could not remove messages\r\n"),
    );
    let mut c = open(&server).unwrap();
    c.delete(&r(1)).unwrap();
    let e = c.close().unwrap_err();
    assert_eq!(e.code, WD_E::Protocol, "{e:?}");
    assert!(e.message.contains("not committed"), "{e:?}");
    assert!(c.close().is_ok(), "second close does nothing");
    server.join().assert_ok();
}

#[test]
fn retr_cut_midway_is_connection_lost() {
    let server = FakeServer::start(
        login(CAPA)
            .expect("RETR 1")
            .send("+OK 100 octets\r\nSubject: x\r\n\r\nhalf of the bo")
            .close(),
    );
    let mut c = open(&server).unwrap();
    let e = c.fetch(&[r(1)], ReadOptions::default()).unwrap_err();
    assert_eq!(e.code, WD_E::ConnectionLost, "{e:?}");
    server.join().assert_ok();
}

#[test]
fn list_without_dot_then_close_is_connection_lost() {
    let server = FakeServer::start(
        login(CAPA)
            .expect("LIST")
            .send("+OK 2 messages\r\n1 100\r\n2 200\r\n")
            .close(),
    );
    let mut c = open(&server).unwrap();
    let e = c.list(ReadOptions::default()).unwrap_err();
    assert_eq!(e.code, WD_E::ConnectionLost, "{e:?}");
    server.join().assert_ok();
}

#[test]
fn one_megabyte_line_is_protocol() {
    let (e, _) = open_err(
        Script::new()
            .send_long_line_with("+OK ", 1024 * 1024)
            .drain_until_closed(),
    );
    assert_eq!(e.code, WD_E::Protocol, "{e:?}");
    assert!(e.message.contains("too long"), "{e:?}");
}

#[test]
fn stall_is_timeout() {
    let server = FakeServer::start(
        login(CAPA)
            .expect("LIST")
            .stall(Duration::from_secs(5))
            .drain_until_closed(),
    );
    let mut c = cfg(server.port());
    c.timeout = Some(2);
    let mut p = Pop3Client::open(&c, 600).unwrap();
    let t0 = Instant::now();
    let e = p.list(ReadOptions::default()).unwrap_err();
    let took = t0.elapsed();
    assert_eq!(e.code, WD_E::Timeout, "{e:?}");
    assert!(
        took >= Duration::from_millis(1900) && took < Duration::from_secs(3),
        "{took:?}"
    );
    drop(p);
    server.join();
}

#[test]
fn dropped_after_dele_sends_no_quit() {
    let server = FakeServer::start(
        login(CAPA)
            .expect("DELE 1")
            .send("+OK marked\r\n")
            .expect_closed(),
    );
    let mut c = open(&server).unwrap();
    c.delete(&r(1)).unwrap();
    drop(c);
    let t = server.join();
    t.assert_ok();
    assert!(!t.has_line("QUIT"), "{}", t.report());
}

#[test]
fn pipelined_fetch_of_50_is_one_flight() {
    const N: usize = 50;
    let mut list = String::from("+OK\r\n");
    let mut uidl = String::from("+OK\r\n");
    for i in 1..=N {
        list.push_str(&format!("{i} {}\r\n", msg(i).len()));
        uidl.push_str(&format!("{i} uid-{i}\r\n"));
    }
    list.push_str(".\r\n");
    uidl.push_str(".\r\n");
    let mut script = login(CAPA_PIPE)
        .expect("LIST")
        .expect("UIDL")
        .send(list)
        .send(uidl);
    for i in 1..=N {
        script = script.expect(format!("RETR {i}"));
    }
    for i in 1..=N {
        script = script.send(format!("+OK\r\n{}.\r\n", msg(i)));
    }
    let script = script.expect("QUIT").send("+OK\r\n");
    let server = FakeServer::start(script);
    let mut c = open(&server).unwrap();
    let refs = c.list(ReadOptions::default()).unwrap();
    assert_eq!(refs.len(), N);
    assert_eq!(refs[9].uid, "uid-10");
    let emails = c.fetch(&refs, ReadOptions::default()).unwrap();
    assert_eq!(emails.len(), N);
    for (i, e) in emails.iter().enumerate() {
        assert_eq!(subject_of(&e.source), format!("message {}", i + 1));
        assert_eq!(e.number, i as i32 + 1);
        assert_eq!(e.uid, format!("uid-{}", i + 1));
        assert!(!e.header_only);
        // Dot-unstuffed.
        assert!(String::from_utf8_lossy(&e.source).contains("\r\n.dotted\r\n"));
    }
    c.close().unwrap();
    let t = server.join();
    t.assert_ok();
    // CAPA, USER, PASS, LIST+UIDL, the 50 RETR, QUIT.
    assert_eq!(t.flights, 6, "{}", t.report());
}

#[test]
fn headers_only_uses_top_and_skips_deleted() {
    let script = login(CAPA)
        .expect("DELE 1")
        .send("+OK\r\n")
        .expect("LIST")
        .send("+OK\r\n1 10\r\n2 20\r\n.\r\n")
        .expect("UIDL")
        .send("+OK\r\n1 a\r\n2 b\r\n.\r\n")
        .expect("TOP 2 0")
        .send("+OK\r\nSubject: two\r\n\r\n.\r\n")
        .expect("RSET")
        .send("+OK\r\n")
        .expect("QUIT")
        .send("+OK\r\n");
    let server = FakeServer::start(script);
    let mut c = open(&server).unwrap();
    c.delete(&r(1)).unwrap();
    let refs = c.list(ReadOptions::default()).unwrap();
    assert_eq!(
        refs,
        [MessageRef {
            number: 2,
            uid: "b".into(),
            size: 20,
            seen: false
        }]
    );
    let opts = ReadOptions {
        header_only: true,
        ..ReadOptions::default()
    };
    let e = c.fetch(&refs, opts).unwrap();
    assert!(e[0].header_only);
    assert_eq!(e[0].size, 20);
    assert_eq!(subject_of(&e[0].source), "two");
    c.rset().unwrap();
    c.close().unwrap();
    server.join().assert_ok();
}

/// Strings handed out by a message's getters stay valid until the message changes:
/// completing a message read with headers only (first access of a body field) must not
/// release the header strings already returned.
#[test]
fn getter_pointers_survive_completion_of_a_headers_only_read() {
    use std::ffi::{CStr, CString};
    use wd300com::ffi::message::{EmailCree, EmailEntete, EmailLibere, EmailPropriete};
    use wd300com::ffi::pop3::EmailOuvreSessionPOP3;
    use wd300com::ffi::read::EmailLitPremierEntete;
    use wd300com::ffi::session::EmailFermeSession;
    use wd300com::ffi::types::{WD_EMAIL_MESSAGE, WD_EMAIL_SUBJECT};

    let subject = "a subject long enough to be worth checking after completion";
    let head = format!("Subject: {subject}\r\nX-Tag: kept pointer value\r\nFrom: a@x\r\n\r\n");
    let full = format!("{head}the body\r\n");
    let script = Script::new()
        .send("+OK fake POP3 ready\r\n")
        .expect("CAPA")
        .send(CAPA)
        .expect("USER ptr-cache@x")
        .send("+OK\r\n")
        .expect("PASS pw")
        .send("+OK logged in\r\n")
        .expect("LIST")
        .send("+OK\r\n1 100\r\n.\r\n")
        .expect("UIDL")
        .send("+OK\r\n1 a\r\n.\r\n")
        .expect("TOP 1 0")
        .send(format!("+OK\r\n{head}.\r\n"))
        .expect("RETR 1")
        .send(format!("+OK\r\n{full}.\r\n"))
        .expect("QUIT")
        .send("+OK\r\n");
    let server = FakeServer::start(script);
    let user = CString::new("ptr-cache@x").unwrap();
    let pw = CString::new("pw").unwrap();
    let host = CString::new("127.0.0.1").unwrap();
    // SAFETY: NUL-terminated strings.
    let ok = unsafe {
        EmailOuvreSessionPOP3(
            user.as_ptr(),
            pw.as_ptr(),
            host.as_ptr(),
            i32::from(server.port()),
            0,
        )
    };
    assert_eq!(ok, 1);
    let h = EmailCree();
    assert!(h.0 > 0);
    // SAFETY: NUL-terminated session name.
    assert_eq!(unsafe { EmailLitPremierEntete(user.as_ptr(), h, 0) }, 1);

    let tag = CString::new("X-Tag").unwrap();
    // SAFETY: NUL-terminated header name.
    let t1 = unsafe { EmailEntete(h, tag.as_ptr(), 0) };
    assert!(!t1.is_null());

    let s1 = EmailPropriete(h, WD_EMAIL_SUBJECT, 0);
    assert!(!s1.is_null());
    // A body field: the message is completed with RETR.
    let body = EmailPropriete(h, WD_EMAIL_MESSAGE, 0);
    assert!(!body.is_null());
    // SAFETY: the library returns NUL-terminated strings owned by the message.
    let body = unsafe { CStr::from_ptr(body) }
        .to_string_lossy()
        .into_owned();
    assert!(body.contains("the body"), "{body:?}");
    // The pointers handed out before the completion are still valid and unchanged.
    // SAFETY: as above (valid until the message changes; completion is not a change).
    assert_eq!(unsafe { CStr::from_ptr(s1) }.to_str().unwrap(), subject);
    // SAFETY: as above.
    assert_eq!(
        unsafe { CStr::from_ptr(t1) }.to_str().unwrap(),
        "kept pointer value"
    );
    assert_eq!(EmailPropriete(h, WD_EMAIL_SUBJECT, 0), s1);

    assert_eq!(EmailLibere(h), 1);
    // SAFETY: NUL-terminated session name.
    assert_eq!(unsafe { EmailFermeSession(user.as_ptr()) }, 1);
    server.join().assert_ok();
}

/// A server that answers every SASL response (the cancel "*" included) with another
/// challenge: a `Protocol` error after a bounded number of steps, not an endless exchange.
#[test]
fn endless_sasl_challenges_are_a_protocol_error() {
    let script = Script::new()
        .send("+OK fake POP3 ready\r\n")
        .expect("CAPA")
        .send("+OK\r\nSASL LOGIN\r\nUSER\r\n.\r\n")
        .expect("AUTH LOGIN")
        .custom(|c| {
            for _ in 0..200 {
                c.write_str("+ \r\n")?;
                if c.read_line().is_err() {
                    break;
                }
            }
            Ok(())
        });
    let server = FakeServer::start(script);
    let mut cfg = cfg(server.port());
    cfg.auth_method = AuthMethod::Login;
    let e = Pop3Client::open(&cfg, 600).expect_err("must fail");
    assert_eq!(e.code, WD_E::Protocol, "{e:?}");
    assert!(
        e.message.contains("keeps sending LOGIN challenges"),
        "{}",
        e.message
    );
    let t = server.join();
    assert!(!t.received_text().contains("secret pw"));
}

/// A small POP3 server for the reading loop: `n` messages, answering LIST, UIDL, RETR
/// and QUIT (PIPELINING offered).
fn reading_server(user: &str, n: u32) -> Script {
    let msg = |i: u32| format!("Subject: message {i}\r\nFrom: a@x\r\n\r\nbody {i}\r\n");
    Script::new()
        .send("+OK fake POP3 ready\r\n")
        .expect("CAPA")
        .send(CAPA_PIPE)
        .expect(format!("USER {user}"))
        .send("+OK\r\n")
        .expect("PASS pw")
        .send("+OK logged in\r\n")
        .custom(move |c| {
            loop {
                let line = c.read_line()?;
                let out = if line == "QUIT" {
                    c.write_str("+OK bye\r\n")?;
                    return Ok(());
                } else if line == "LIST" || line == "UIDL" {
                    let mut out = String::from("+OK\r\n");
                    for i in 1..=n {
                        if line == "LIST" {
                            out.push_str(&format!("{i} {}\r\n", msg(i).len()));
                        } else {
                            out.push_str(&format!("{i} uid{i}\r\n"));
                        }
                    }
                    out + ".\r\n"
                } else if let Some(i) = line.strip_prefix("RETR ") {
                    format!("+OK\r\n{}.\r\n", msg(i.parse().unwrap()))
                } else {
                    return Err(format!("unexpected command {line:?}"));
                };
                c.write_str(&out)?;
            }
        })
}

/// The reading loop over 100 messages reads ahead: pipelined RETR batches of 1, 2, 4 …
/// 64 messages, a few round trips in all.
#[test]
fn reading_loop_reads_ahead() {
    use std::ffi::{CStr, CString};
    use wd300com::ffi::message::{EmailCree, EmailLibere, EmailPropriete};
    use wd300com::ffi::pop3::EmailOuvreSessionPOP3;
    use wd300com::ffi::read::{EmailLitPremier, EmailLitSuivant};
    use wd300com::ffi::session::EmailFermeSession;
    use wd300com::ffi::types::{WD_EMAIL_OUT, WD_EMAIL_SUBJECT};

    let server = FakeServer::start(reading_server("ahead-loop@x", 100));
    let user = CString::new("ahead-loop@x").unwrap();
    let pw = CString::new("pw").unwrap();
    let host = CString::new("127.0.0.1").unwrap();
    // SAFETY: NUL-terminated strings.
    let ok = unsafe {
        EmailOuvreSessionPOP3(
            user.as_ptr(),
            pw.as_ptr(),
            host.as_ptr(),
            i32::from(server.port()),
            0,
        )
    };
    assert_eq!(ok, 1);
    let h = EmailCree();
    let prop = |p| {
        // SAFETY: the library returns NUL-terminated strings.
        unsafe { CStr::from_ptr(EmailPropriete(h, p, 0)) }
            .to_string_lossy()
            .into_owned()
    };
    let mut subjects = Vec::new();
    // SAFETY: NUL-terminated session name.
    assert_eq!(unsafe { EmailLitPremier(user.as_ptr(), h, 0) }, 1);
    while prop(WD_EMAIL_OUT) != "1" {
        subjects.push(prop(WD_EMAIL_SUBJECT));
        // 1 while a message was read, 0 past the end (WD_EMAIL_OUT, no error).
        // SAFETY: NUL-terminated session name.
        let read = unsafe { EmailLitSuivant(user.as_ptr(), h, 0) };
        assert_eq!(read == 1, prop(WD_EMAIL_OUT) != "1");
    }
    let want: Vec<String> = (1..=100).map(|i| format!("message {i}")).collect();
    assert_eq!(subjects, want);
    assert_eq!(EmailLibere(h), 1);
    // SAFETY: NUL-terminated session name.
    assert_eq!(unsafe { EmailFermeSession(user.as_ptr()) }, 1);
    let t = server.join();
    t.assert_ok();
    let retr = t.lines.iter().filter(|l| l.starts_with("RETR ")).count();
    assert_eq!(retr, 100, "{}", t.report());
    // Besides CAPA, USER, PASS and QUIT: LIST + UIDL, then 7 batches.
    let reads = t.flights - 4;
    assert!(reads <= 10, "{}", t.report());
    assert_eq!(reads, 8, "{}", t.report());
}

/// The sign-in rules POP3 shares with IMAP and SMTP: a CRAM-MD5 challenge that is not
/// base64 is cancelled with "*" and the server's final reply read (an `Auth` error naming
/// both, the connection in step); a forced mechanism missing from the SASL list of CAPA
/// fails before anything is sent. Either way the connection ends with QUIT.
#[test]
fn sasl_bad_challenge_cancelled_and_forced_mechanism_checked() {
    let capa = |sasl: &str| {
        Script::new()
            .send("+OK fake POP3 ready\r\n")
            .expect("CAPA")
            .send(format!("+OK\r\nSASL {sasl}\r\nUSER\r\n.\r\n"))
    };
    let cancelled = capa("CRAM-MD5")
        .expect("AUTH CRAM-MD5")
        .send("+ not base64 !!\r\n")
        .expect("*")
        .send("-ERR [AUTH] Authentication cancelled\r\n");
    let cases = [
        (
            AuthMethod::CramMd5,
            cancelled,
            "(not base64); the server replied: -ERR [AUTH] Authentication cancelled",
            &["CAPA", "AUTH CRAM-MD5", "*", "QUIT"][..],
        ),
        (
            AuthMethod::CramMd5,
            capa("PLAIN LOGIN"),
            "does not offer CRAM-MD5 (it offers: PLAIN LOGIN)",
            &["CAPA", "QUIT"],
        ),
    ];
    for (method, script, said, lines) in cases {
        let script = script.expect("QUIT").send("+OK bye\r\n");
        let server = FakeServer::start(script.expect_closed());
        let c = SessionConfig {
            auth_method: method,
            ..cfg(server.port())
        };
        let e = Pop3Client::open(&c, 600).expect_err("must fail");
        assert!(e.code == WD_E::Auth && e.message.contains(said), "{e:?}");
        assert_eq!(server.join().assert_ok().lines, lines);
    }
}

// ----- automatic sign-in: the ordered fall-back -----------------------------------

use support::sign_in::expect_failures;

/// A greeting with an APOP timestamp, then CAPA answered with `capa`.
fn apop_offered(capa: &str) -> Script {
    Script::new()
        .send("+OK POP3 ready <1896.697170952@dbc.mtview.ca.us>\r\n")
        .expect("CAPA")
        .send(capa)
}

fn apop_line() -> String {
    let ts = "<1896.697170952@dbc.mtview.ca.us>";
    format!("APOP u@x {}", wd300com::auth::apop_digest(ts, "secret pw"))
}

/// The greeting offers APOP, the server refuses it: USER/PASS comes next and works, and
/// the session ends with QUIT.
#[test]
fn automatic_sign_in_falls_back_from_apop_to_user_pass() {
    let server = FakeServer::start(
        apop_offered(CAPA)
            .expect(apop_line())
            .send("-ERR [AUTH] APOP not allowed for this user\r\n")
            .expect("USER u@x")
            .send("+OK\r\n")
            .expect("PASS secret pw")
            .send("+OK logged in\r\n")
            .expect("QUIT")
            .send("+OK bye\r\n")
            .expect_closed(),
    );
    let p = open(&server).map(|mut p| p.close());
    let t = server.join();
    p.unwrap().unwrap();
    assert_eq!(t.assert_ok().lines.len(), 5, "{}", t.report());
}

const ALL_REFUSED: &str = "POP3 authentication failed (USER/PASS): -ERR [AUTH] last refusal \
    (refused before: CRAM-MD5, APOP, PLAIN)";

/// Sign-in failures (see `expect_failures`): every method refused (CRAM-MD5, APOP,
/// PLAIN, USER/PASS), the last refusal reported, then QUIT; the connection lost during
/// the first attempt (APOP): USER/PASS not tried, no QUIT.
#[test]
fn automatic_sign_in_failures() {
    let capa = "+OK\r\nUSER\r\nSASL CRAM-MD5 PLAIN\r\nRESP-CODES\r\n.\r\n";
    let all_refused = apop_offered(capa)
        .expect("AUTH CRAM-MD5")
        .send("+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n")
        .expect_any()
        .send("-ERR [AUTH] cram-md5 refused\r\n")
        .expect(apop_line())
        .send("-ERR [AUTH] apop refused\r\n")
        .expect("AUTH PLAIN AHVAeABzZWNyZXQgcHc=")
        .send("-ERR [AUTH] plain refused\r\n")
        .expect("USER u@x")
        .send("+OK\r\n")
        .expect("PASS secret pw")
        .send("-ERR [AUTH] last refusal\r\n")
        .expect("QUIT")
        .send("+OK bye\r\n")
        .expect_closed();
    let dropped = apop_offered(CAPA).expect("APOP ").close();
    let last = Some("-ERR [AUTH] last refusal");
    let lost = "connection closed by server";
    let cases = vec![
        (
            all_refused,
            AuthMethod::Auto,
            WD_E::Auth,
            ALL_REFUSED,
            last,
            8,
        ),
        (
            dropped,
            AuthMethod::Auto,
            WD_E::ConnectionLost,
            lost,
            None,
            2,
        ),
    ];
    expect_failures(cases, |port, method| {
        Pop3Client::open(
            &SessionConfig {
                auth_method: method,
                ..cfg(port)
            },
            600,
        )?
        .close()
    });
}
