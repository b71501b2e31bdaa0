//! IMAP client against the scriptable fake server: error paths, limits, untagged data
//! during commands, timeouts, literals and round-trip counts.

mod support;

use std::time::{Duration, Instant};
use support::fake_server::*;
use wd300com::error::WD_E;
use wd300com::imap::ImapClient;
use wd300com::session::{
    AuthMethod, Mailbox, MessageRef, ReadOptions, Security, SessionConfig, SessionKind,
};

const CAPS: &str = "IMAP4rev1 LITERAL+ UIDPLUS MOVE";

fn cfg(port: u16) -> SessionConfig {
    let mut c = SessionConfig::new(SessionKind::Imap);
    c.host = "127.0.0.1".into();
    c.port = port;
    c.user = "alice@wd.test".into();
    c.password = Some("alicepw".into());
    c.timeout = Some(10);
    c
}

/// Greeting, LOGIN (tag A0001) and SELECT INBOX (A0002) with 3 messages.
fn logged_in() -> Script {
    Script::new()
        .send(format!("* OK [CAPABILITY {CAPS}] fake ready\r\n"))
        .expect("A0001 LOGIN \"alice@wd.test\" \"alicepw\"")
        .send(format!("A0001 OK [CAPABILITY {CAPS}] Logged in\r\n"))
        .expect("A0002 SELECT \"INBOX\"")
        .send("* 3 EXISTS\r\n* OK [UIDVALIDITY 1] ok\r\nA0002 OK [READ-WRITE] Select completed\r\n")
}

fn msg_ref(n: u32, uid: u32) -> MessageRef {
    MessageRef {
        number: n,
        uid: uid.to_string(),
        size: 0,
        seen: false,
    }
}

fn body(i: usize) -> String {
    format!("Subject: message {i}\r\nFrom: a@wd.test\r\n\r\nbody {i}\r\n")
}

#[test]
fn bye_greeting_is_connection_lost() {
    let s = FakeServer::start(Script::new().send("* BYE too busy\r\n").close());
    let e = ImapClient::open(&cfg(s.port()), 10).err().unwrap();
    assert_eq!(e.code, WD_E::ConnectionLost, "{e:?}");
    assert!(e.message.contains("too busy"), "{}", e.message);
    s.join().assert_ok();
}

#[test]
fn unexpected_greetings_are_shown_as_the_server_sent_them() {
    for (greeting, message) in [
        (
            "+ OK hello\r\n",
            "unexpected IMAP greeting (a continuation request, not * OK): + OK hello",
        ),
        (
            "A1 NO [ALERT] go away\r\n",
            "unexpected IMAP greeting (a tagged reply, not * OK): A1 NO [ALERT] go away",
        ),
        (
            "* 3 EXISTS\r\n",
            "unexpected IMAP greeting (untagged data, not * OK)",
        ),
    ] {
        let s = FakeServer::start(Script::new().send(greeting).drain_until_closed());
        let e = ImapClient::open(&cfg(s.port()), 10).err().unwrap();
        assert_eq!(e.code, WD_E::Protocol);
        assert_eq!(e.message, message);
        drop(s);
    }
}

#[test]
fn login_refused_is_auth_with_reply() {
    let s = FakeServer::start(
        Script::new()
            .send(format!("* OK [CAPABILITY {CAPS}] ready\r\n"))
            .expect("A0001 LOGIN")
            .send("A0001 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n")
            .drain_until_closed(),
    );
    let e = ImapClient::open(&cfg(s.port()), 10).err().unwrap();
    assert_eq!(e.code, WD_E::Auth, "{e:?}");
    assert!(
        e.system
            .as_deref()
            .unwrap()
            .contains("NO [AUTHENTICATIONFAILED] Authentication failed.")
    );
    s.join().assert_ok();
}

#[test]
fn login_bad_is_auth() {
    let s = FakeServer::start(
        Script::new()
            .send(format!("* OK [CAPABILITY {CAPS}] ready\r\n"))
            .expect("A0001 LOGIN")
            .send("A0001 BAD syntax error\r\n")
            .drain_until_closed(),
    );
    let e = ImapClient::open(&cfg(s.port()), 10).err().unwrap();
    assert_eq!(e.code, WD_E::Auth, "{e:?}");
    s.join().assert_ok();
}

#[test]
fn capability_fetched_when_greeting_has_none() {
    let s = FakeServer::start(
        Script::new()
            .send("* OK fake ready\r\n")
            .expect("A0001 CAPABILITY")
            .send("* CAPABILITY IMAP4rev1 LOGINDISABLED\r\nA0001 OK done\r\n")
            .drain_until_closed(),
    );
    let e = ImapClient::open(&cfg(s.port()), 10).err().unwrap();
    assert_eq!(e.code, WD_E::Auth, "{e:?}");
    assert!(e.message.contains("LOGIN"), "{}", e.message);
    s.join().assert_ok();
}

#[test]
fn select_refused_is_protocol() {
    let s = FakeServer::start(
        Script::new()
            .send(format!("* OK [CAPABILITY {CAPS}] ready\r\n"))
            .expect("A0001 LOGIN")
            .send("A0001 OK done\r\n")
            .expect("A0002 SELECT \"Nope\"")
            .send("A0002 NO [NONEXISTENT] Mailbox doesn't exist: Nope\r\n")
            .drain_until_closed(),
    );
    let mut c = cfg(s.port());
    c.folder = "Nope".into();
    let e = ImapClient::open(&c, 10).err().unwrap();
    assert_eq!(e.code, WD_E::Protocol, "{e:?}");
    assert_eq!(
        e.system.as_deref(),
        Some("NO [NONEXISTENT] Mailbox doesn't exist: Nope")
    );
    s.join().assert_ok();
}

#[test]
fn starttls_not_offered_is_tls_error() {
    let s = FakeServer::start(
        Script::new()
            .send(format!("* OK [CAPABILITY {CAPS}] ready\r\n"))
            .drain_until_closed(),
    );
    let mut c = cfg(s.port());
    c.security = Security::StartTls;
    let e = ImapClient::open(&c, 10).err().unwrap();
    assert_eq!(e.code, WD_E::Tls, "{e:?}");
    let t = s.join();
    t.assert_ok();
    assert!(!t.received_text().contains("LOGIN"), "no plain fall-back");
}

#[test]
fn starttls_refused_is_tls_error() {
    let s = FakeServer::start(
        Script::new()
            .send("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n")
            .expect("A0001 STARTTLS")
            .send("A0001 NO not now\r\n")
            .drain_until_closed(),
    );
    let mut c = cfg(s.port());
    c.security = Security::StartTls;
    let e = ImapClient::open(&c, 10).err().unwrap();
    assert_eq!(e.code, WD_E::Tls, "{e:?}");
    s.join().assert_ok();
}

#[test]
fn commands_refused_are_protocol_errors() {
    let s = FakeServer::start(
        logged_in()
            .expect("A0003 UID FETCH 1:*")
            .send("A0003 NO fetch failed\r\n")
            .expect("A0004 CREATE \"R&AOk-unions 2024\"")
            .send("A0004 NO [ALREADYEXISTS] Mailbox already exists\r\n")
            .expect("A0005 UID STORE 9 +FLAGS.SILENT (\\Deleted)")
            .send("A0005 BAD nope\r\n")
            .expect("A0006 UID MOVE 9 \"Trash\"")
            .send("A0006 NO [TRYCREATE] no such mailbox\r\n")
            .expect("A0007 LOGOUT")
            .send("* BYE Logging out\r\nA0007 OK Logout completed.\r\n")
            .close(),
    );
    let mut c = ImapClient::open(&cfg(s.port()), 10).unwrap();
    let e = c.list(ReadOptions::default()).unwrap_err();
    assert_eq!(e.code, WD_E::Protocol);
    assert_eq!(e.system.as_deref(), Some("NO fetch failed"));
    let e = c.create_folder("Réunions 2024").unwrap_err();
    assert_eq!(e.code, WD_E::Protocol);
    assert!(e.message.contains("ALREADYEXISTS"), "{}", e.message);
    let e = c.delete(&msg_ref(1, 9)).unwrap_err();
    assert_eq!(e.code, WD_E::Protocol);
    let e = c.move_message(&msg_ref(1, 9), "Trash").unwrap_err();
    assert_eq!(e.code, WD_E::Protocol);
    c.close().unwrap();
    s.join().assert_ok();
}

#[test]
fn bye_mid_fetch_is_connection_lost() {
    let b = body(1);
    let s = FakeServer::start(
        logged_in()
            .expect("A0003 UID FETCH 1:2 (UID FLAGS RFC822.SIZE BODY.PEEK[])")
            .send(format!(
                "* 1 FETCH (UID 1 BODY[] {{{}}}\r\n{b})\r\n* BYE server shutting down\r\n",
                b.len()
            ))
            .close(),
    );
    let mut c = ImapClient::open(&cfg(s.port()), 10).unwrap();
    let opts = ReadOptions {
        keep_unseen: true,
        ..Default::default()
    };
    let e = c.fetch(&[msg_ref(1, 1), msg_ref(2, 2)], opts).unwrap_err();
    assert_eq!(e.code, WD_E::ConnectionLost, "{e:?}");
    assert!(e.message.contains("shutting down"), "{}", e.message);
    drop(c);
    s.join().assert_ok();
}

#[test]
fn literal_cut_short_is_connection_lost() {
    let s = FakeServer::start(
        logged_in()
            .expect("A0003 UID FETCH 1 ")
            .send("* 1 FETCH (UID 1 BODY[] {1000}\r\nSubject: short\r\n")
            .close(),
    );
    let mut c = ImapClient::open(&cfg(s.port()), 10).unwrap();
    let e = c
        .fetch(&[msg_ref(1, 1)], ReadOptions::default())
        .unwrap_err();
    assert_eq!(e.code, WD_E::ConnectionLost, "{e:?}");
    drop(c);
    s.join().assert_ok();
}

#[test]
fn huge_literal_is_refused_without_allocating() {
    let s = FakeServer::start(
        logged_in()
            .expect("A0003 UID FETCH 1 ")
            .send("* 1 FETCH (UID 1 BODY[] {2147483648}\r\nSubject: x\r\n")
            .drain_until_closed(),
    );
    let mut c = ImapClient::open(&cfg(s.port()), 10).unwrap();
    let e = c
        .fetch(&[msg_ref(1, 1)], ReadOptions::default())
        .unwrap_err();
    assert_eq!(e.code, WD_E::Protocol, "{e:?}");
    assert!(e.message.contains("2147483648"), "{}", e.message);
    drop(c);
    s.join().assert_ok();
}

#[test]
fn unsolicited_data_during_fetch_is_handled() {
    let b = body(7);
    let s = FakeServer::start(
        logged_in()
            .expect("A0003 UID FETCH 7 (UID FLAGS RFC822.SIZE BODY[])")
            .send(format!(
                "* 5 EXISTS\r\n* 2 EXPUNGE\r\n* 1 FETCH (FLAGS (\\Flagged))\r\n\
                 * 2 FETCH (UID 7 RFC822.SIZE {} BODY[] {{{}}}\r\n{b})\r\n\
                 * 2 FETCH (UID 7 FLAGS (\\Seen))\r\n* 4 EXISTS\r\nA0003 OK Fetch completed.\r\n",
                b.len(),
                b.len()
            ))
            .expect("A0004 LOGOUT")
            .send("* BYE bye\r\nA0004 OK done\r\n")
            .close(),
    );
    let mut c = ImapClient::open(&cfg(s.port()), 10).unwrap();
    let v = c.fetch(&[msg_ref(3, 7)], ReadOptions::default()).unwrap();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].uid, "7");
    assert_eq!(v[0].number, 2);
    assert_eq!(v[0].size, b.len() as i64);
    assert!(v[0].seen);
    assert_eq!(v[0].source, b.as_bytes());
    assert_eq!(v[0].subject, "message 7");
    assert_eq!(c.exists(), 4);
    c.close().unwrap();
    s.join().assert_ok();
}

#[test]
fn stall_past_timeout_is_timeout() {
    let s = FakeServer::start(
        logged_in()
            .expect("A0003 UID FETCH")
            .stall(Duration::from_secs(5))
            .drain_until_closed(),
    );
    let mut c = cfg(s.port());
    c.timeout = Some(2);
    let mut cl = ImapClient::open(&c, 10).unwrap();
    let start = Instant::now();
    let e = cl
        .fetch(&[msg_ref(1, 1)], ReadOptions::default())
        .unwrap_err();
    let took = start.elapsed();
    assert_eq!(e.code, WD_E::Timeout, "{e:?}");
    assert!(took < Duration::from_secs(3), "took {took:?}");
    drop(cl);
    let _ = s.join();
}

#[test]
fn thousand_messages_in_one_round_trip() {
    const N: usize = 1000;
    let mut sizes = String::new();
    for i in 1..=N {
        sizes.push_str(&format!(
            "* {i} FETCH (UID {i} FLAGS ({}) RFC822.SIZE {})\r\n",
            if i % 2 == 0 { "\\Seen" } else { "" },
            body(i).len()
        ));
    }
    let mut bodies = String::new();
    for i in 1..=N {
        let b = body(i);
        bodies.push_str(&format!(
            "* {i} FETCH (UID {i} FLAGS (\\Seen) RFC822.SIZE {} BODY[] {{{}}}\r\n{b})\r\n",
            b.len(),
            b.len()
        ));
    }
    let s = FakeServer::start(
        logged_in()
            .expect("A0003 UID FETCH 1:* (UID FLAGS RFC822.SIZE)")
            .send(format!("{sizes}A0003 OK Fetch completed.\r\n"))
            .expect(format!(
                "A0004 UID FETCH 1:{N} (UID FLAGS RFC822.SIZE BODY[])"
            ))
            .send(format!("{bodies}A0004 OK Fetch completed.\r\n"))
            .expect("A0005 LOGOUT")
            .send("* BYE bye\r\nA0005 OK done\r\n")
            .close(),
    );
    let mut c = ImapClient::open(&cfg(s.port()), 10).unwrap();
    let refs = c.list(ReadOptions::default()).unwrap();
    assert_eq!(refs.len(), N);
    assert_eq!(refs[9].number, 10);
    assert!(refs[9].seen && !refs[10].seen);
    let v = c.fetch(&refs, ReadOptions::default()).unwrap();
    assert_eq!(v.len(), N);
    for (i, e) in v.iter().enumerate() {
        assert_eq!(e.source, body(i + 1).as_bytes());
        assert_eq!(e.number as usize, i + 1);
    }
    c.close().unwrap();
    let t = s.join();
    t.assert_ok();
    // LOGIN+SELECT pipelined, the listing FETCH, the batch FETCH, LOGOUT.
    assert_eq!(t.flights, 4, "{}", t.report());
}

#[test]
fn unseen_listing_filters_by_flags() {
    let s = FakeServer::start(
        logged_in()
            .expect("A0003 UID FETCH 1:*")
            .send(
                "* 1 FETCH (UID 11 FLAGS (\\Seen) RFC822.SIZE 5)\r\n\
                 * 2 FETCH (UID 12 FLAGS () RFC822.SIZE 6)\r\nA0003 OK done\r\n",
            )
            .drain_until_closed(),
    );
    let mut c = ImapClient::open(&cfg(s.port()), 10).unwrap();
    let refs = c
        .list(ReadOptions {
            unread_only: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        refs,
        vec![MessageRef {
            number: 2,
            uid: "12".into(),
            size: 6,
            seen: false
        }]
    );
    drop(c);
    s.join().assert_ok();
}

/// The listing takes each FETCH answer as it arrives: an unsolicited flag update (no
/// UID) and a second answer for the same message update the entries already listed.
#[test]
fn listing_merges_flag_updates_and_repeated_answers() {
    let s = FakeServer::start(
        logged_in()
            .expect("A0003 UID FETCH 1:* (UID FLAGS RFC822.SIZE)")
            .send(
                "* 1 FETCH (UID 11 FLAGS () RFC822.SIZE 5)\r\n* 1 FETCH (FLAGS (\\Seen))\r\n\
                 * 2 FETCH (UID 12 FLAGS ())\r\n* 2 FETCH (UID 12 RFC822.SIZE 6)\r\n\
                 * 3 FETCH (UID 13 FLAGS (\\Seen) RFC822.SIZE 7)\r\nA0003 OK done\r\n",
            )
            .drain_until_closed(),
    );
    let mut c = ImapClient::open(&cfg(s.port()), 10).unwrap();
    let refs = c.list(ReadOptions::default()).unwrap();
    let got: Vec<(u32, &str, u64, bool)> = refs
        .iter()
        .map(|r| (r.number, r.uid.as_str(), r.size, r.seen))
        .collect();
    assert_eq!(
        got,
        [(1, "11", 5, true), (2, "12", 6, false), (3, "13", 7, true)]
    );
    drop(c);
    s.join().assert_ok();
}

/// An unsolicited flag update of a message not listed yet (with its UID, as in a UID
/// command, without RFC822.SIZE) does not take the place of that message's answer: the
/// listing keeps the size and flags the answer gives.
#[test]
fn listing_keeps_the_answer_of_a_message_updated_before_it() {
    let s = FakeServer::start(
        logged_in()
            .expect("A0003 UID FETCH 1:* (UID FLAGS RFC822.SIZE)")
            .send(
                "* 1 FETCH (UID 11 FLAGS () RFC822.SIZE 5)\r\n* 3 FETCH (UID 13 FLAGS (\\Seen))\r\n\
                 * 2 FETCH (UID 12 FLAGS () RFC822.SIZE 6)\r\n\
                 * 3 FETCH (UID 13 FLAGS () RFC822.SIZE 7)\r\nA0003 OK done\r\n",
            )
            .drain_until_closed(),
    );
    let mut c = ImapClient::open(&cfg(s.port()), 10).unwrap();
    let refs = c.list(ReadOptions::default()).unwrap();
    let got: Vec<(u32, &str, u64, bool)> = refs
        .iter()
        .map(|r| (r.number, r.uid.as_str(), r.size, r.seen))
        .collect();
    assert_eq!(
        got,
        [
            (1, "11", 5, false),
            (2, "12", 6, false),
            (3, "13", 7, false)
        ]
    );
    drop(c);
    s.join().assert_ok();
}

#[test]
fn synchronizing_literal_login_without_literal_plus() {
    let pass = "p@ss \"wörd\" x";
    let s = FakeServer::start(
        Script::new()
            .send("* OK [CAPABILITY IMAP4rev1] ready\r\n")
            .expect_literal_line("A0001 LOGIN \"carol@wd.test\" {")
            .send("A0001 OK [CAPABILITY IMAP4rev1] done\r\n")
            .expect("A0002 SELECT")
            .send("A0002 OK done\r\n")
            .drain_until_closed(),
    );
    let mut c = cfg(s.port());
    c.user = "carol@wd.test".into();
    c.password = Some(pass.into());
    let cl = ImapClient::open(&c, 10).unwrap();
    drop(cl);
    let t = s.join();
    t.assert_ok();
    let cmd = &t.literal_commands[0];
    let want = format!("A0001 LOGIN \"carol@wd.test\" {{{}}}\r\n{pass}", pass.len());
    assert!(
        cmd.starts_with(want.as_bytes()),
        "{}",
        String::from_utf8_lossy(cmd)
    );
}

#[test]
fn xoauth2_error_challenge_is_answered_and_reported() {
    // base64 of {"status":"401","schemes":"bearer","scope":"mail"}
    let challenge = "eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIiwic2NvcGUiOiJtYWlsIn0=";
    let s = FakeServer::start(
        Script::new()
            .send("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2 AUTH=OAUTHBEARER] ready\r\n")
            .expect("A0001 AUTHENTICATE XOAUTH2 ")
            .send(format!("+ {challenge}\r\n"))
            .expect("")
            .send("A0001 NO [AUTHENTICATIONFAILED] Authentication failed\r\n")
            .drain_until_closed(),
    );
    let mut c = cfg(s.port());
    c.password = None;
    c.auth_token = Some("bad-token".into());
    c.auth_method = AuthMethod::XOAuth2;
    let e = ImapClient::open(&c, 10).err().unwrap();
    assert_eq!(e.code, WD_E::Auth, "{e:?}");
    assert!(e.message.contains("\"status\":\"401\""), "{}", e.message);
    assert!(!e.message.contains("bad-token"));
    let t = s.join();
    t.assert_ok();
    assert_eq!(t.lines[1], "", "empty answer to the error challenge");
}

#[test]
fn sasl_login_and_append_with_sync_literal() {
    let msg = b"Subject: a\r\n\r\nhello\r\n";
    let s = FakeServer::start(
        Script::new()
            .send("* OK [CAPABILITY IMAP4rev1 AUTH=LOGIN] ready\r\n")
            .expect("A0001 AUTHENTICATE LOGIN")
            .send("+ VXNlcm5hbWU6\r\n")
            .expect("YWxpY2VAd2QudGVzdA==")
            .send("+ UGFzc3dvcmQ6\r\n")
            .expect("YWxpY2Vwdw==")
            .send("A0001 OK [CAPABILITY IMAP4rev1 UIDPLUS] ok\r\n")
            .expect("A0002 SELECT")
            .send("A0002 OK done\r\n")
            .expect_literal_line("A0003 APPEND \"Drafts\" (\\Seen) {")
            .send("A0003 OK [APPENDUID 1 5] done\r\n")
            .drain_until_closed(),
    );
    let mut c = cfg(s.port());
    c.auth_method = AuthMethod::Login;
    let mut cl = ImapClient::open(&c, 10).unwrap();
    cl.append("Drafts", msg, true).unwrap();
    drop(cl);
    let t = s.join();
    t.assert_ok();
    let cmd = &t.literal_commands[0];
    let mut want = format!("A0003 APPEND \"Drafts\" (\\Seen) {{{}}}\r\n", msg.len()).into_bytes();
    want.extend_from_slice(msg);
    assert!(cmd.starts_with(&want), "{}", String::from_utf8_lossy(cmd));
}

#[test]
fn move_falls_back_without_move_and_uidplus() {
    let s = FakeServer::start(
        Script::new()
            .send("* OK [CAPABILITY IMAP4rev1] ready\r\n")
            .expect("A0001 LOGIN")
            .send("A0001 OK [CAPABILITY IMAP4rev1] ok\r\n")
            .expect("A0002 SELECT")
            .send("* 2 EXISTS\r\nA0002 OK done\r\n")
            .expect("A0003 UID COPY 4 \"&ZeVnLA-\"")
            .send("A0003 OK copied\r\n")
            .expect("A0004 UID STORE 4 +FLAGS.SILENT (\\Deleted)")
            .send("A0004 OK stored\r\n")
            .expect("A0005 EXPUNGE")
            .send("* 1 EXPUNGE\r\nA0005 OK expunged\r\n")
            .expect("A0006 LOGOUT")
            .send("* BYE bye\r\nA0006 OK done\r\n")
            .close(),
    );
    let mut c = ImapClient::open(&cfg(s.port()), 10).unwrap();
    c.move_message(&msg_ref(1, 4), "日本").unwrap();
    assert_eq!(c.exists(), 1);
    c.close().unwrap();
    s.join().assert_ok();
}

/// Out-of-range numbers from the server (a sequence number above `i32::MAX`, an
/// RFC822.SIZE above `i64::MAX`) are clamped, never wrapped to negative values.
#[test]
fn huge_sequence_number_and_size_do_not_wrap() {
    let b = body(8);
    let s = FakeServer::start(
        logged_in()
            .expect("A0003 UID FETCH 8 (UID FLAGS RFC822.SIZE BODY[])")
            .send(format!(
                "* 4294967295 FETCH (UID 8 RFC822.SIZE 18446744073709551615 BODY[] {{{}}}\r\n{b})\r\n\
                 A0003 OK Fetch completed.\r\n",
                b.len()
            ))
            .expect("A0004 LOGOUT")
            .send("* BYE bye\r\nA0004 OK done\r\n")
            .close(),
    );
    let mut c = ImapClient::open(&cfg(s.port()), 10).unwrap();
    let v = c.fetch(&[msg_ref(3, 8)], ReadOptions::default()).unwrap();
    assert_eq!(v[0].number, i32::MAX);
    assert_eq!(v[0].size, i64::MAX);
    c.close().unwrap();
    s.join().assert_ok();
}

/// A server that answers every SASL response (the cancel "*" included) with another
/// challenge: a `Protocol` error after a bounded number of steps, not an endless exchange.
#[test]
fn endless_sasl_challenges_are_a_protocol_error() {
    let s = FakeServer::start(
        Script::new()
            .send("* OK [CAPABILITY IMAP4rev1 AUTH=LOGIN] ready\r\n")
            .expect("A0001 AUTHENTICATE LOGIN")
            .custom(|c| {
                for _ in 0..200 {
                    c.write_str("+ \r\n")?;
                    if c.read_line().is_err() {
                        break;
                    }
                }
                Ok(())
            }),
    );
    let mut cfg = cfg(s.port());
    cfg.auth_method = AuthMethod::Login;
    let e = ImapClient::open(&cfg, 10).err().unwrap();
    assert_eq!(e.code, WD_E::Protocol, "{e:?}");
    assert!(
        e.message.contains("keeps sending LOGIN challenges"),
        "{}",
        e.message
    );
    s.join();
}

#[test]
fn fetch_all_lists_and_fetches_in_one_round_trip() {
    const N: usize = 1000;
    let mut bodies = String::new();
    for i in 1..=N {
        let b = body(i);
        // An unsolicited flag update (no UID) arrives in the middle: merged by number.
        if i == 500 {
            bodies.push_str("* 500 FETCH (FLAGS (\\Seen \\Flagged))\r\n");
        }
        bodies.push_str(&format!(
            "* {i} FETCH (UID {} FLAGS ({}) RFC822.SIZE {} BODY[] {{{}}}\r\n{b})\r\n",
            i + 100,
            if i % 2 == 0 { "\\Seen" } else { "" },
            b.len(),
            b.len()
        ));
    }
    let s = FakeServer::start(
        logged_in()
            .expect("A0003 UID FETCH 1:* (UID FLAGS RFC822.SIZE BODY.PEEK[])")
            .send(format!("{bodies}A0003 OK Fetch completed.\r\n"))
            .expect("A0004 LOGOUT")
            .send("* BYE bye\r\nA0004 OK done\r\n")
            .close(),
    );
    let mut c = ImapClient::open(&cfg(s.port()), 10).unwrap();
    let opts = ReadOptions {
        keep_unseen: true,
        defer_parse: true,
        ..Default::default()
    };
    let (refs, v) = c.fetch_all(opts).unwrap();
    assert_eq!(refs.len(), N);
    assert_eq!(v.len(), N);
    for (i, (r, e)) in refs.iter().zip(&v).enumerate() {
        let n = i + 1;
        assert_eq!(r.number as usize, n);
        assert_eq!(r.uid, (n + 100).to_string());
        assert_eq!(r.size as usize, body(n).len());
        assert_eq!(r.seen, n % 2 == 0, "message {n}");
        // Deferred: the source and the server fields only.
        assert!(e.unparsed && e.subject.is_empty());
        assert_eq!(e.source, body(n).as_bytes());
        assert_eq!(e.uid, r.uid);
        assert_eq!(e.number as usize, n);
        assert_eq!(e.size as usize, body(n).len());
        assert_eq!(e.seen, r.seen);
    }
    let mut e = v[499].clone();
    e.parse_deferred().unwrap();
    assert!(!e.unparsed);
    assert_eq!(e.subject, "message 500");
    assert_eq!(e.message.trim_end(), "body 500");
    assert_eq!((e.uid.as_str(), e.number, e.seen), ("600", 500, true));
    assert_eq!(e.source, body(500).as_bytes());
    c.close().unwrap();
    let t = s.join();
    t.assert_ok();
    // LOGIN+SELECT in one flight (the greeting's [CAPABILITY] code stands for a
    // CAPABILITY command), the one UID FETCH, LOGOUT.
    assert_eq!(t.flights, 3, "{}", t.report());
}

#[test]
fn fetch_all_of_an_empty_folder() {
    let s = FakeServer::start(
        Script::new()
            .send(format!("* OK [CAPABILITY {CAPS}] fake ready\r\n"))
            .expect("A0001 LOGIN")
            .send(format!("A0001 OK [CAPABILITY {CAPS}] Logged in\r\n"))
            .expect("A0002 SELECT \"INBOX\"")
            .send("* 0 EXISTS\r\nA0002 OK [READ-WRITE] Select completed\r\n")
            .expect("A0003 UID FETCH 1:* (UID FLAGS RFC822.SIZE BODY[])")
            .send("A0003 NO no messages\r\n")
            .expect("A0004 UID FETCH 1:* (UID FLAGS RFC822.SIZE BODY.PEEK[HEADER])")
            .send("A0004 OK nothing\r\n")
            .drain_until_closed(),
    );
    let mut c = ImapClient::open(&cfg(s.port()), 10).unwrap();
    let (refs, v) = c.fetch_all(ReadOptions::default()).unwrap();
    assert!(refs.is_empty() && v.is_empty());
    let headers = ReadOptions {
        header_only: true,
        ..Default::default()
    };
    let (refs, v) = c.fetch_all(headers).unwrap();
    assert!(refs.is_empty() && v.is_empty());
    drop(c);
    s.join().assert_ok();
}

#[test]
fn fetch_all_parses_at_once_without_deferral() {
    let b = body(1);
    let s = FakeServer::start(
        logged_in()
            .expect("A0003 UID FETCH 1:* (UID FLAGS RFC822.SIZE BODY[])")
            .send(format!(
                "* 1 FETCH (UID 9 FLAGS () RFC822.SIZE {} BODY[] {{{}}}\r\n{b})\r\nA0003 OK done\r\n",
                b.len(),
                b.len()
            ))
            .drain_until_closed(),
    );
    let mut c = ImapClient::open(&cfg(s.port()), 10).unwrap();
    let (refs, v) = c.fetch_all(ReadOptions::default()).unwrap();
    assert_eq!(refs.len(), 1);
    assert!(!v[0].unparsed);
    assert_eq!(v[0].subject, "message 1");
    // BODY[] sets \Seen.
    assert!(v[0].seen && !refs[0].seen);
    drop(c);
    s.join().assert_ok();
}

/// A small IMAP server for the reading loop: LOGIN as `user`, INBOX with `n` messages
/// (UIDs 101…, none seen), answering UID FETCH of any UID set, UID STORE and
/// LOGOUT.
fn reading_server(user: &str, n: u32) -> Script {
    reading_server_without(user, n, 0)
}

/// [`reading_server`] where UID FETCH leaves out UID `gone` (expunged by another client).
fn reading_server_without(user: &str, n: u32, gone: u32) -> Script {
    Script::new()
        .send(format!("* OK [CAPABILITY {CAPS}] fake ready\r\n"))
        .expect(format!("A0001 LOGIN \"{user}\" \"pw\""))
        .send(format!("A0001 OK [CAPABILITY {CAPS}] Logged in\r\n"))
        .expect("A0002 SELECT \"INBOX\"")
        .send(format!("* {n} EXISTS\r\nA0002 OK [READ-WRITE] Select completed\r\n"))
        .custom(move |c| {
            loop {
                let line = c.read_line()?;
                let (tag, cmd) = line.split_once(' ').ok_or("no tag")?;
                let mut out = String::new();
                if cmd == "LOGOUT" {
                    c.write_str(&format!("* BYE bye\r\n{tag} OK done\r\n"))?;
                    return Ok(());
                } else if cmd == "UID FETCH 1:* (UID FLAGS RFC822.SIZE)" {
                    for i in 1..=n {
                        let len = body(i as usize).len();
                        out.push_str(&format!(
                            "* {i} FETCH (UID {} FLAGS () RFC822.SIZE {len})\r\n",
                            i + 100
                        ));
                    }
                } else if let Some(rest) = cmd.strip_prefix("UID FETCH ") {
                    let (set, _) = rest.split_once(' ').ok_or("no items")?;
                    let mut uids = Vec::new();
                    for part in set.split(',') {
                        let (a, b) = part.split_once(':').unwrap_or((part, part));
                        let (a, b): (u32, u32) = (a.parse().unwrap(), b.parse().unwrap());
                        uids.extend(a..=b);
                    }
                    let peek = rest.contains("BODY.PEEK[]");
                    for uid in uids.into_iter().filter(|&u| u != gone) {
                        let i = uid - 100;
                        let b = body(i as usize);
                        let flags = if peek { "" } else { "\\Seen" };
                        out.push_str(&format!(
                            "* {i} FETCH (UID {uid} FLAGS ({flags}) RFC822.SIZE {} BODY[] {{{}}}\r\n{b})\r\n",
                            b.len(),
                            b.len()
                        ));
                    }
                } else if !cmd.starts_with("UID STORE ") {
                    return Err(format!("unexpected command {line:?}"));
                }
                out.push_str(&format!("{tag} OK done\r\n"));
                c.write_str(&out)?;
            }
        })
}

/// Opens an IMAP session named `user` on the fake server through the C API.
fn open_ffi(user: &std::ffi::CStr, server: &FakeServer) {
    let pw = std::ffi::CString::new("pw").unwrap();
    let host = std::ffi::CString::new("127.0.0.1").unwrap();
    // SAFETY: NUL-terminated strings.
    let ok = unsafe {
        wd300com::ffi::imap::EmailOuvreSessionIMAP(
            user.as_ptr(),
            pw.as_ptr(),
            host.as_ptr(),
            i32::from(server.port()),
            0,
        )
    };
    assert_eq!(ok, 1, "{}", wd300com::ffi::errstate::ErreurCode() as i32);
}

/// Reads with `EmailLitPremier` then `EmailLitSuivant` until `WD_EMAIL_OUT` or `max`
/// messages; returns the subjects.
fn read_loop(user: &std::ffi::CStr, max: usize) -> Vec<String> {
    use std::ffi::CStr;
    use wd300com::ffi::message::{EmailCree, EmailLibere, EmailPropriete};
    use wd300com::ffi::read::{EmailLitPremier, EmailLitSuivant};
    use wd300com::ffi::types::{WD_EMAIL_OUT, WD_EMAIL_SEEN, WD_EMAIL_SUBJECT};
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
    while prop(WD_EMAIL_OUT) != "1" && subjects.len() < max {
        subjects.push(prop(WD_EMAIL_SUBJECT));
        // What the caller is given is seen, read ahead or not.
        assert_eq!(prop(WD_EMAIL_SEEN), "1");
        if subjects.len() < max {
            // 1 while a message was read, 0 past the end (WD_EMAIL_OUT, no error).
            // SAFETY: NUL-terminated session name.
            let read = unsafe { EmailLitSuivant(user.as_ptr(), h, 0) };
            assert_eq!(read == 1, prop(WD_EMAIL_OUT) != "1");
            assert_eq!(wd300com::ffi::errstate::ErreurDetectee(), 0);
        }
    }
    assert_eq!(EmailLibere(h), 1);
    subjects
}

fn store_lines(t: &Transcript) -> Vec<String> {
    t.lines
        .iter()
        .filter(|l| l.contains("UID STORE"))
        .cloned()
        .collect()
}

/// The reading loop over 100 messages reads ahead: batches of 1, 2, 4 … 64 messages,
/// BODY.PEEK for batches, the messages handed out marked \Seen by UID STORE pipelined
/// with the next batch (and before LOGOUT).
#[test]
fn reading_loop_reads_ahead() {
    let user = std::ffi::CString::new("ahead-loop@wd.test").unwrap();
    let server = FakeServer::start(reading_server("ahead-loop@wd.test", 100));
    open_ffi(&user, &server);
    let subjects = read_loop(&user, usize::MAX);
    let want: Vec<String> = (1..=100).map(|i| format!("message {i}")).collect();
    assert_eq!(subjects, want);
    // SAFETY: NUL-terminated session name.
    assert_eq!(
        unsafe { wd300com::ffi::session::EmailFermeSession(user.as_ptr()) },
        1
    );
    let t = server.join();
    t.assert_ok();
    let fetches: Vec<&String> = t
        .lines
        .iter()
        .filter(|l| l.contains("UID FETCH") && l.contains("BODY"))
        .collect();
    assert_eq!(fetches.len(), 7, "{}", t.report());
    assert!(fetches[0].ends_with("UID FETCH 101 (UID FLAGS RFC822.SIZE BODY[])"));
    assert!(fetches[1].ends_with("UID FETCH 102:103 (UID FLAGS RFC822.SIZE BODY.PEEK[])"));
    assert!(fetches[6].ends_with("UID FETCH 164:200 (UID FLAGS RFC822.SIZE BODY.PEEK[])"));
    let stores = store_lines(&t);
    assert_eq!(stores.len(), 6, "{}", t.report());
    assert!(stores[0].ends_with("UID STORE 102,103 +FLAGS.SILENT (\\Seen)"));
    // The last one, before LOGOUT: the messages of the last batch.
    let last: Vec<String> = (164..=200).map(|u| u.to_string()).collect();
    assert!(
        stores[5].ends_with(&format!(
            "UID STORE {} +FLAGS.SILENT (\\Seen)",
            last.join(",")
        )),
        "{}",
        stores[5]
    );
    // Besides LOGIN+SELECT (one flight) and LOGOUT: the listing, 7 batches (the STOREs
    // pipelined with them) and the last STORE.
    let reads = t.flights - 2;
    assert!(reads <= 10, "{}", t.report());
    assert_eq!(reads, 9, "{}", t.report());
}

/// A loop stopped after 3 messages marks exactly those 3 seen: the first by BODY[], the
/// two of the read-ahead batch by one UID STORE at close; the rest was never fetched.
#[test]
fn reading_loop_stopped_early_marks_only_what_was_read() {
    let user = std::ffi::CString::new("ahead-stop@wd.test").unwrap();
    let server = FakeServer::start(reading_server("ahead-stop@wd.test", 100));
    open_ffi(&user, &server);
    let subjects = read_loop(&user, 3);
    assert_eq!(subjects, ["message 1", "message 2", "message 3"]);
    // SAFETY: NUL-terminated session name.
    assert_eq!(
        unsafe { wd300com::ffi::session::EmailFermeSession(user.as_ptr()) },
        1
    );
    let t = server.join();
    t.assert_ok();
    assert_eq!(
        store_lines(&t),
        ["A0006 UID STORE 102,103 +FLAGS.SILENT (\\Seen)"],
        "{}",
        t.report()
    );
    assert!(t.has_line("A0004 UID FETCH 101 (UID FLAGS RFC822.SIZE BODY[])"));
    assert!(t.has_line("A0005 UID FETCH 102:103 (UID FLAGS RFC822.SIZE BODY.PEEK[])"));
    assert!(t.lines.last().unwrap().ends_with("LOGOUT"));
}

/// A message read ahead that is gone does not fail the read of the one asked for: that
/// one is fetched alone; reading the gone one fails as it did without read-ahead.
#[test]
fn reading_loop_survives_a_message_gone_from_the_batch() {
    use wd300com::ffi::message::{EmailCree, EmailLibere};
    use wd300com::ffi::read::{EmailLitPremier, EmailLitSuivant};
    let user = std::ffi::CString::new("ahead-gone@wd.test").unwrap();
    let server = FakeServer::start(reading_server_without("ahead-gone@wd.test", 5, 103));
    open_ffi(&user, &server);
    let h = EmailCree();
    // SAFETY: NUL-terminated session name.
    unsafe {
        assert_eq!(EmailLitPremier(user.as_ptr(), h, 0), 1);
        assert_eq!(EmailLitSuivant(user.as_ptr(), h, 0), 1);
        assert_eq!(EmailLitSuivant(user.as_ptr(), h, 0), 0);
    }
    assert_eq!(wd300com::ffi::errstate::ErreurCode(), WD_E::Protocol);
    assert_eq!(EmailLibere(h), 1);
    // SAFETY: NUL-terminated session name.
    assert_eq!(
        unsafe { wd300com::ffi::session::EmailFermeSession(user.as_ptr()) },
        1
    );
    let t = server.join();
    t.assert_ok();
    assert!(t.has_line("A0005 UID FETCH 102:103 (UID FLAGS RFC822.SIZE BODY.PEEK[])"));
    assert!(t.has_line("A0006 UID FETCH 102 (UID FLAGS RFC822.SIZE BODY[])"));
    assert!(t.has_line("A0008 UID FETCH 103 (UID FLAGS RFC822.SIZE BODY[])"));
}

/// The sign-in rules IMAP shares with POP3 and SMTP: a CRAM-MD5 challenge that is not
/// base64 is cancelled with "*" and the tagged completion read (an `Auth` error naming
/// both); a forced mechanism the server does not announce fails before AUTHENTICATE.
/// Either way the connection stays in step: the LOGOUT of the dropped client comes next.
#[test]
fn sasl_bad_challenge_cancelled_and_forced_mechanism_checked() {
    let cancelled = Script::new()
        .send("* OK [CAPABILITY IMAP4rev1 AUTH=CRAM-MD5] ready\r\n")
        .expect("A0001 AUTHENTICATE CRAM-MD5")
        .send("+ not base64 !!\r\n")
        .expect("*")
        .send("A0001 BAD AUTHENTICATE cancelled\r\n")
        .expect("A0002 LOGOUT");
    let not_offered = Script::new()
        .send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=LOGIN] ready\r\n")
        .expect("A0001 LOGOUT");
    let expected = [
        (
            cancelled,
            "(CRAM-MD5): invalid CRAM-MD5 challenge (not base64); the server replied: BAD AUTHENTICATE cancelled",
            &["A0001 AUTHENTICATE CRAM-MD5", "*", "A0002 LOGOUT"][..],
        ),
        (
            not_offered,
            "does not offer CRAM-MD5 (it offers: PLAIN LOGIN)",
            &["A0001 LOGOUT"],
        ),
    ];
    for (script, message, lines) in expected {
        let s = FakeServer::start(script.drain_until_closed());
        let mut c = cfg(s.port());
        c.auth_method = AuthMethod::CramMd5;
        match ImapClient::open(&c, 10) {
            Err(e) => assert!(e.code == WD_E::Auth && e.message.contains(message), "{e:?}"),
            Ok(_) => panic!("signed in"),
        }
        assert_eq!(s.join().assert_ok().lines, lines);
    }
}

// ----- automatic sign-in: the ordered fall-back -----------------------------------

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use support::sign_in::expect_failures;

fn greeting(caps: &str) -> Script {
    Script::new().send(format!("* OK [CAPABILITY IMAP4rev1 {caps}] ready\r\n"))
}

/// CRAM-MD5 (A0001) answered and refused.
fn cram_md5_refused(caps: &str) -> Script {
    let challenge = "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+";
    greeting(caps)
        .expect("A0001 AUTHENTICATE CRAM-MD5")
        .then(challenged(challenge))
        .send("A0001 NO [AUTHENTICATIONFAILED] cram refused\r\n")
}

/// A "+" challenge, then the client's answer.
fn challenged(base64: &str) -> Script {
    Script::new().send(format!("+ {base64}\r\n")).expect_any()
}

/// SCRAM-SHA-256 (A0001, PLAIN offered too) up to the server's final message `last`.
fn scram_until(last: &str) -> Script {
    greeting("SASL-IR AUTH=SCRAM-SHA-256 AUTH=PLAIN")
        .custom(scram_server_first)
        .expect_any()
        .send(format!("+ {}\r\n", B64.encode(last)))
}

/// Reads the SCRAM client-first (the last word of an AUTHENTICATE line) and answers
/// with a server-first extending the client's nonce.
fn scram_server_first(c: &mut Conn) -> Result<(), String> {
    let line = c.read_line()?;
    let first = B64.decode(line.rsplit(' ').next().unwrap_or_default());
    let first = String::from_utf8(first.unwrap_or_default()).unwrap_or_default();
    let Some(nonce) = first.strip_prefix("n,,n=alice@wd.test,r=") else {
        return Err(format!("unexpected client-first {first:?}"));
    };
    let server_first = format!("r={nonce}fake,s=c2FsdA==,i=4096");
    c.write_str(&format!("+ {}\r\n", B64.encode(server_first)))
}

fn plain_response() -> String {
    B64.encode("\0alice@wd.test\0alicepw")
}

/// Signed in after a refusal: CRAM-MD5 refused with NO, or a SCRAM `e=` final message
/// (answered with an empty line, then NO); PLAIN comes next and the session opens.
#[test]
fn automatic_sign_in_moves_on_after_a_refusal() {
    let after_cram = cram_md5_refused("SASL-IR AUTH=CRAM-MD5 AUTH=PLAIN");
    let after_scram = scram_until("e=invalid-proof")
        .expect("")
        .send("A0001 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n");
    for script in [after_cram, after_scram] {
        let s = FakeServer::start(
            script
                .expect(format!("A0002 AUTHENTICATE PLAIN {}", plain_response()))
                .send("A0002 OK [CAPABILITY IMAP4rev1] Logged in\r\n")
                .expect("A0003 SELECT \"INBOX\"")
                .send("* 2 EXISTS\r\nA0003 OK done\r\n")
                .drain_until_closed(),
        );
        let opened = ImapClient::open(&cfg(s.port()), 10).map(|c| c.exists());
        s.join().assert_ok();
        assert_eq!(opened.unwrap(), 2);
    }
}

const ALL_REFUSED: &str =
    "login refused: NO [AUTHENTICATIONFAILED] login refused (refused before: CRAM-MD5, PLAIN)";
const MISMATCH: &str =
    "SCRAM server signature mismatch: wrong signature; the server is not trusted";
const SERVER_SAID: &str = "IMAP authentication refused (SCRAM-SHA-256): \
    NO [AUTHENTICATIONFAILED] failed (server said: invalid-proof)";

/// Sign-in failures (see `expect_failures`): every method refused (CRAM-MD5, PLAIN after
/// its empty challenge, the LOGIN command with the SELECT pipelined behind this last
/// method), the last refusal reported and LOGOUT sent; LOGINDISABLED, no LOGIN command tried; the connection lost in the first attempt,
/// nothing else tried and no LOGOUT; a wrong SCRAM server signature, the connection
/// dropped without trying PLAIN; a forced SCRAM refused with `e=`, the reason reported.
#[test]
fn automatic_sign_in_failures() {
    use AuthMethod::{Auto, ScramSha256};
    let all_refused = cram_md5_refused("AUTH=CRAM-MD5 AUTH=PLAIN")
        .expect("A0002 AUTHENTICATE PLAIN")
        .then(challenged(""))
        .send("A0002 NO plain refused\r\n")
        .expect("A0003 LOGIN \"alice@wd.test\" \"alicepw\"")
        .expect("A0004 SELECT \"INBOX\"")
        .send("A0003 NO [AUTHENTICATIONFAILED] login refused\r\n")
        .send("A0004 BAD not authenticated\r\n")
        .expect("A0005 LOGOUT")
        .drain_until_closed();
    let no_login = greeting("SASL-IR LOGINDISABLED AUTH=PLAIN")
        .expect("A0001 AUTHENTICATE PLAIN ")
        .expect("A0002 SELECT \"INBOX\"")
        .send("A0001 NO plain refused\r\nA0002 BAD not authenticated\r\n")
        .expect("A0003 LOGOUT")
        .drain_until_closed();
    let plain_refused = "IMAP authentication refused (PLAIN): NO plain refused";
    let dropped = greeting("AUTH=CRAM-MD5 AUTH=PLAIN")
        .expect("A0001 AUTHENTICATE CRAM-MD5")
        .close();
    let mismatch = scram_until(&format!("v={}", B64.encode([7u8; 32]))).expect_closed();
    let server_error = scram_until("e=invalid-proof")
        .expect("")
        .send("A0001 NO [AUTHENTICATIONFAILED] failed\r\n")
        .expect("A0002 LOGOUT")
        .drain_until_closed();
    let (auth, lost) = (WD_E::Auth, WD_E::ConnectionLost);
    let last = Some("NO [AUTHENTICATIONFAILED] login refused");
    let cases = vec![
        (all_refused, Auto, auth, ALL_REFUSED, last, 7),
        (no_login, Auto, auth, plain_refused, None, 3),
        (dropped, Auto, lost, "connection closed by server", None, 1),
        (mismatch, Auto, auth, MISMATCH, None, 2),
        (server_error, ScramSha256, auth, SERVER_SAID, None, 4),
    ];
    expect_failures(cases, open_with);
}

/// Opens with `method` on `port`, closes at once.
fn open_with(port: u16, method: AuthMethod) -> Result<(), wd300com::error::Error> {
    let mut c = cfg(port);
    c.auth_method = method;
    ImapClient::open(&c, 10).map(drop)
}

/// Capabilities in the greeting: LOGIN and SELECT leave in one flight, and LOGOUT is
/// not waited for. Without them (CAPABILITY asked first): one command at a time.
#[test]
fn login_and_select_pipelined_only_when_the_greeting_has_capabilities() {
    let s = FakeServer::start(logged_in().expect("A0003 LOGOUT").drain_until_closed());
    let mut c = ImapClient::open(&cfg(s.port()), 10).unwrap();
    assert_eq!(c.exists(), 3);
    c.close().unwrap();
    let t = s.join();
    t.assert_ok();
    assert_eq!(t.flights, 2, "LOGIN+SELECT, LOGOUT: {}", t.report());

    let s = FakeServer::start(
        Script::new()
            .send("* OK fake ready\r\n")
            .expect("A0001 CAPABILITY")
            .send(format!("* CAPABILITY {CAPS}\r\nA0001 OK done\r\n"))
            .expect("A0002 LOGIN")
            .send("A0002 OK Logged in\r\n")
            .expect("A0003 SELECT \"INBOX\"")
            .send("* 2 EXISTS\r\nA0003 OK [READ-WRITE] Select completed\r\n")
            .expect("A0004 LOGOUT")
            .drain_until_closed(),
    );
    let mut c = ImapClient::open(&cfg(s.port()), 10).unwrap();
    assert_eq!(c.exists(), 2);
    c.close().unwrap();
    let t = s.join();
    t.assert_ok();
    assert_eq!(t.flights, 4, "one command per flight: {}", t.report());
}

/// A server that refuses (BAD) the SELECT that came behind the LOGIN: the client sends
/// it once more on its own and the session opens.
#[test]
fn pipelined_select_refused_is_sent_again_alone() {
    let s = FakeServer::start(
        Script::new()
            .send(format!("* OK [CAPABILITY {CAPS}] fake ready\r\n"))
            .expect("A0001 LOGIN")
            .expect("A0002 SELECT \"INBOX\"")
            .send("A0001 OK Logged in\r\nA0002 BAD Command received before sign-in ended\r\n")
            .expect("A0003 SELECT \"INBOX\"")
            .send("* 4 EXISTS\r\nA0003 OK [READ-WRITE] Select completed\r\n")
            .expect("A0004 LOGOUT")
            .drain_until_closed(),
    );
    let mut c = ImapClient::open(&cfg(s.port()), 10).unwrap();
    assert_eq!(c.exists(), 4);
    assert_eq!(c.folder(), "INBOX");
    c.close().unwrap();
    let t = s.join();
    t.assert_ok();
    assert_eq!(t.flights, 3, "{}", t.report());
}
