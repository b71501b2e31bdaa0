//! The transcript callback (`EmailTraceFonction`) against the Dovecot and Postfix of the
//! test bench, through the C functions: it receives the whole dialogue of every session,
//! line for line what the transcript file gets, with the session's name, the direction
//! and an ISO 8601 UTC timestamp with milliseconds, and the password is absent in every
//! encoding (plain, base64 of PLAIN and LOGIN, SCRAM, CRAM-MD5, APOP, the IMAP literal
//! of a LOGIN) as are the OAuth2 tokens.
//!
//! One test in its own binary: the transcript is process-wide.
//! Without WD_TEST_HOST the test prints a note and passes, unless WD_REQUIRE_SERVERS=1.

mod support;

use base64::Engine;
use parking_lot::Mutex;
use std::ffi::{CStr, CString, c_char, c_void};
use support::bench::{Bench, var};
use support::capi::{check, close, cs, declare, error, set};
use wd300com::ffi::callbacks::EmailTraceFonction;
use wd300com::ffi::message::{EmailAjoute, EmailCree, EmailLibere};
use wd300com::ffi::read::EmailNbMessage;
use wd300com::ffi::settings::EmailTrace;
use wd300com::ffi::smtp::EmailEnvoieMessage;
use wd300com::ffi::types::*;

/// A line as the callback got it: session, direction, text.
type Line = (String, i32, String);

static LINES: Mutex<Vec<Line>> = Mutex::new(Vec::new());

unsafe extern "C" fn collect(
    session: *const c_char,
    direction: i32,
    line: *const c_char,
    user_data: *mut c_void,
) {
    assert_eq!(user_data as usize, 0x5eed);
    // SAFETY: the library passes NUL-terminated strings valid during the call.
    let (s, l) = unsafe { (CStr::from_ptr(session), CStr::from_ptr(line)) };
    let text = |c: &CStr| c.to_string_lossy().into_owned();
    LINES.lock().push((text(s), direction, text(l)));
}

/// What a session of the test does once open.
#[derive(Clone, Copy)]
enum Work {
    /// `EmailNbMessage`.
    Count,
    /// Sends a message to the discarding domain.
    Send,
    /// Nothing: open and close.
    Nothing,
}

/// "imap", "pop3" or "smtp": in the names of the sessions, with the method's number.
fn proto(kind: i32) -> &'static str {
    match kind {
        WD_SESSION_IMAP => "imap",
        WD_SESSION_POP3 => "pop3",
        _ => "smtp",
    }
}

fn work(name: &CString, what: Work, sender: &str) {
    match what {
        Work::Nothing => {}
        // SAFETY: valid string.
        Work::Count => assert!(
            unsafe { EmailNbMessage(name.as_ptr(), 0) } >= 0,
            "{}",
            error()
        ),
        Work::Send => {
            let m = EmailCree();
            set(m, WD_EMAIL_SENDER, sender);
            set(m, WD_EMAIL_SUBJECT, "transcript callback");
            set(m, WD_EMAIL_MESSAGE, "Hello.");
            let to = cs(&format!("nobody@{}", var("WD_TEST_SINK_DOMAIN")));
            // SAFETY: valid strings.
            check(
                unsafe { EmailAjoute(m, WD_EMAIL_RECIPIENT, to.as_ptr()) },
                "EmailAjoute",
            );
            // SAFETY: valid strings.
            check(
                unsafe { EmailEnvoieMessage(name.as_ptr(), m, 0) },
                "EmailEnvoieMessage",
            );
            EmailLibere(m);
        }
    }
}

fn is_timestamp(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() == 24
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'.',
            23 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

#[test]
fn whole_dialogue_with_every_secret_masked() {
    let Some(b) = Bench::load("transcript callback test") else {
        return;
    };
    let (carol, pass) = (var("WD_TEST_USER3"), var("WD_TEST_PASS3"));
    let (alice, token) = (var("WD_TEST_USER1"), var("WD_TEST_TOKEN1"));
    let file = std::env::temp_dir().join(format!("wd-trace-cb-{}.log", std::process::id()));
    let _ = std::fs::remove_file(&file);
    let path = cs(file.to_str().unwrap());
    // SAFETY: a valid callback and path.
    unsafe {
        assert_eq!(EmailTrace(path.as_ptr()), 1);
        assert_eq!(EmailTraceFonction(Some(collect), 0x5eed as *mut c_void), 1);
    }
    // IMAP: LOGIN (the password, with quotes and a non-ASCII letter, goes as a literal),
    // PLAIN, LOGIN, CRAM-MD5, SCRAM; POP3: USER/PASS, APOP, PLAIN, SCRAM-SHA-1; SMTP (no
    // TLS on this port): PLAIN and LOGIN with a message sent. XOAUTH2 and OAUTHBEARER
    // sign in with alice's token.
    let imap = [
        WD_AUTH_USER_PASS,
        WD_AUTH_PLAIN,
        WD_AUTH_LOGIN,
        WD_AUTH_CRAM_MD5,
        WD_AUTH_SCRAM_SHA_256,
    ];
    let pop3 = [
        WD_AUTH_USER_PASS,
        WD_AUTH_APOP,
        WD_AUTH_PLAIN,
        WD_AUTH_SCRAM_SHA_1,
    ];
    let oauth = [WD_AUTH_XOAUTH2, WD_AUTH_OAUTHBEARER];
    let plans: [(i32, u16, Work, &[i32]); 5] = [
        (WD_SESSION_IMAP, b.imap, Work::Count, &imap),
        (WD_SESSION_IMAP, b.imap, Work::Count, &oauth),
        (WD_SESSION_POP3, b.pop3, Work::Count, &pop3),
        (
            WD_SESSION_SMTP,
            b.smtp_notls,
            Work::Send,
            &[WD_AUTH_PLAIN, WD_AUTH_LOGIN],
        ),
        (WD_SESSION_SMTP, b.smtp_notls, Work::Nothing, &oauth[..1]),
    ];
    let sessions = plans.iter().flat_map(|&(kind, port, what, methods)| {
        methods.iter().map(move |&m| (kind, port, what, m))
    });
    let mut names = Vec::new();
    for (kind, port, what, method) in sessions {
        let oauth = method == WD_AUTH_XOAUTH2 || method == WD_AUTH_OAUTHBEARER;
        let (user, secret) = match oauth {
            true => (&alice, (WD_PROP_AUTH_TOKEN, token.clone())),
            false => (&carol, (WD_PROP_PASSWORD, pass.clone())),
        };
        let props = [
            (WD_PROP_SERVER_ADDRESS, b.host.clone()),
            (WD_PROP_PORT, port.to_string()),
            (WD_PROP_USER, user.clone()),
            (WD_PROP_AUTH_METHOD, method.to_string()),
            secret,
            (WD_PROP_TIMEOUT, "30".into()),
        ];
        let name = format!("trace-{}-{method}-{}", proto(kind), std::process::id());
        let n = cs(&name);
        declare(&n, kind, &props);
        work(&n, what, user);
        check(close(&n), "EmailFermeSession");
        names.push(name);
    }
    // SAFETY: NULL stops both (the user data given with a NULL callback is ignored).
    unsafe {
        assert_eq!(
            EmailTraceFonction(None, std::ptr::dangling_mut::<c_void>()),
            1
        );
        assert_eq!(EmailTrace(std::ptr::null()), 1);
    }
    let got = std::mem::take(&mut *LINES.lock());
    let text = std::fs::read_to_string(&file).unwrap();
    let _ = std::fs::remove_file(&file);

    // Line for line what the file got, each with a timestamp, a protocol and its mark.
    let file_lines: Vec<&str> = text.lines().collect();
    let cb_lines: Vec<&str> = got.iter().map(|(_, _, l)| l.as_str()).collect();
    assert_eq!(cb_lines, file_lines);
    for (session, dir, line) in &got {
        let (stamp, rest) = line.split_once(' ').unwrap();
        assert!(is_timestamp(stamp), "{line}");
        let mark = rest.split(' ').nth(1).unwrap();
        let want = match *dir {
            WD_TRACE_INFO => "*",
            WD_TRACE_CLIENT => "C:",
            WD_TRACE_SERVER => "S:",
            d => panic!("direction {d}"),
        };
        assert_eq!(mark, want, "{line}");
        assert!(names.contains(session), "{session:?}: {line}");
    }
    // Every session's whole dialogue: connection, greeting, sign-in, goodbye.
    for name in &names {
        let lines: Vec<&Line> = got.iter().filter(|(s, _, _)| s == name).collect();
        let has = |dir: i32, needle: &str| {
            lines
                .iter()
                .any(|(_, d, l)| *d == dir && l.contains(needle))
        };
        assert!(has(WD_TRACE_INFO, "connected to"), "{name}: {lines:?}");
        let (hello, bye) = if name.contains("imap") {
            ("* OK", "LOGOUT")
        } else if name.contains("pop3") {
            ("+OK", "QUIT")
        } else {
            ("220 ", "QUIT")
        };
        assert!(has(WD_TRACE_SERVER, hello), "{name}: {lines:?}");
        assert!(has(WD_TRACE_CLIENT, bye), "{name}: {lines:?}");
        assert!(
            has(WD_TRACE_CLIENT, "****"),
            "{name}: sign-in masked: {lines:?}"
        );
    }
    // The message went, as data.
    let smtp_plain = format!("trace-smtp-{WD_AUTH_PLAIN}-");
    let sent = |l: &str| l.contains(" C: DATA") || l.contains(" C: BDAT ");
    assert!(
        got.iter()
            .any(|(s, _, l)| s.starts_with(&smtp_plain) && sent(l))
    );

    // The secrets, in every form they take on the wire.
    let b64 = |s: &[u8]| base64::engine::general_purpose::STANDARD.encode(s);
    let secrets = [
        pass.clone(),
        b64(format!("\0{carol}\0{pass}").as_bytes()),
        b64(pass.as_bytes()),
        token.clone(),
        wd300com::auth::plain("", &carol, &pass),
        wd300com::auth::login_pass(&pass),
        wd300com::auth::xoauth2(&alice, &token),
        wd300com::auth::oauthbearer(&alice, &token, &b.host, b.imap),
        b64(format!("user={alice}\x01auth=Bearer {token}\x01\x01").as_bytes()),
        // SCRAM's client-final message starts "c=biws,r=" (base64 "Yz1iaXdz").
        "Yz1iaXdz".into(),
        "wörd".into(),
    ];
    for secret in &secrets {
        assert!(
            !text.contains(secret.as_str()),
            "{secret:?} in the transcript:\n{text}"
        );
    }
    // What the client sends after a challenge of the server (a SASL step, the
    // continuation of a literal) shows only "****" (or nothing: the empty answer to
    // SCRAM's final message).
    let mut challenged: Vec<&str> = Vec::new();
    let mut answers = 0;
    for (session, dir, line) in &got {
        let text = line.splitn(4, ' ').nth(3).unwrap_or("");
        if *dir == WD_TRACE_SERVER {
            let challenge =
                text.starts_with("334 ") || (text.starts_with('+') && !text.starts_with("+OK"));
            if challenge {
                challenged.push(session);
            }
        } else if *dir == WD_TRACE_CLIENT && challenged.contains(&session.as_str()) {
            assert!(line.ends_with("****") || text.is_empty(), "{line}");
            challenged.retain(|s| *s != session);
            answers += 1;
        }
    }
    // SASL LOGIN, CRAM-MD5, SCRAM (IMAP, POP3, SMTP) answer challenges.
    assert!(answers >= 8, "{answers} answers to challenges");
    // The IMAP LOGIN sent the password as a literal (LITERAL+: no challenge), masked.
    let login = got
        .iter()
        .position(|(s, _, l)| {
            s.starts_with(&format!("trace-imap-{WD_AUTH_USER_PASS}-"))
                && l.contains(&format!("LOGIN \"{carol}\" {{"))
        })
        .expect("a LOGIN with a literal");
    assert!(
        got[login + 1].2.ends_with(" bytes} ****"),
        "{:?}",
        got[login + 1]
    );
}
