//! POP3 client against the Dovecot of the test bench (`scripts/mailservers`).
//!
//! Without WD_TEST_HOST the tests print a note and pass, unless WD_REQUIRE_SERVERS=1.
//! Tests needing exact mailbox contents use bob@wd.test (WD_TEST_USER2): they write
//! their messages straight into his Maildir `new/` directory (file names starting with
//! `wdpop3-`, removed again at the end) and are serialized by a lock.

mod support;

use parking_lot::Mutex;
use std::ffi::CString;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};
use support::bench::{Bench, var};
use support::sign_in::SignInOrder;
use wd300com::error::WD_E;
use wd300com::pop3::Pop3Client;
use wd300com::session::{
    AuthMethod, Mailbox, MessageRef, ReadOptions, Security, SessionConfig, SessionKind,
};

static BOB: Mutex<()> = Mutex::new(());
static SEQ: AtomicU32 = AtomicU32::new(0);

fn env() -> Option<Bench> {
    Bench::load("POP3 real-server test")
}

fn cfg(e: &Bench, user: &str, pass: &str) -> SessionConfig {
    let mut c = SessionConfig::new(SessionKind::Pop3);
    c.host = e.host.clone();
    c.port = e.pop3;
    c.user = var(user);
    c.password = Some(var(pass).into());
    c.ca_file = Some(e.ca.clone());
    c.timeout = Some(20);
    c
}

fn alice(e: &Bench) -> SessionConfig {
    cfg(e, "WD_TEST_USER1", "WD_TEST_PASS1")
}

fn bob(e: &Bench) -> SessionConfig {
    cfg(e, "WD_TEST_USER2", "WD_TEST_PASS2")
}

fn open_close(c: &SessionConfig) {
    let mut p = Pop3Client::open(c, 600).unwrap_or_else(|e| panic!("{e:?}"));
    p.close().unwrap();
}

fn unique(tag: &str) -> String {
    let t = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    format!(
        "wdpop3-{tag}-{}-{}-{}",
        t.as_nanos(),
        std::process::id(),
        SEQ.fetch_add(1, Ordering::SeqCst)
    )
}

fn subject_of(source: &[u8]) -> String {
    let text = String::from_utf8_lossy(source);
    text.lines()
        .take_while(|l| !l.is_empty())
        .find_map(|l| l.strip_prefix("Subject: "))
        .unwrap_or_default()
        .trim_end()
        .to_string()
}

// ----- bob's Maildir -----------------------------------------------------------

fn maildir() -> PathBuf {
    let user = var("WD_TEST_USER2");
    let (local, domain) = user.split_once('@').unwrap();
    PathBuf::from(
        var("WD_TEST_MAILDIR_FMT")
            .replace("{domain}", domain)
            .replace("{local}", local),
    )
}

/// Removes every message file this test file ever delivered to bob.
fn clean_bob() {
    for sub in ["new", "cur"] {
        if let Ok(rd) = std::fs::read_dir(maildir().join(sub)) {
            for f in rd.flatten() {
                if f.file_name().to_string_lossy().starts_with("wdpop3-") {
                    let _ = std::fs::remove_file(f.path());
                }
            }
        }
    }
}

/// Writes messages into bob's `new/` (file names sorted in delivery order).
fn deliver(messages: &[Vec<u8>]) -> String {
    use std::os::unix::fs::MetadataExt;
    let dir = maildir();
    let owner = std::fs::metadata(&dir).expect("bob's Maildir exists");
    let base = unique("m");
    for (i, m) in messages.iter().enumerate() {
        let name = format!("{base}-{i:06}");
        let tmp = dir.join("tmp").join(&name);
        std::fs::write(&tmp, m).unwrap();
        std::os::unix::fs::chown(&tmp, Some(owner.uid()), Some(owner.gid())).unwrap();
        std::fs::rename(&tmp, dir.join("new").join(&name)).unwrap();
    }
    base
}

fn message(subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Alice <alice@wd.test>\r\nTo: bob@wd.test\r\nSubject: {subject}\r\nMessage-ID: <{subject}@wd.test>\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

/// Logs bob in once so that Dovecot creates his Maildir, then takes the lock.
fn bob_lock(e: &Bench) -> parking_lot::MutexGuard<'static, ()> {
    let g = BOB.lock();
    open_close(&bob(e));
    clean_bob();
    g
}

const HEADERS: ReadOptions = ReadOptions {
    unread_only: false,
    header_only: true,
    keep_unseen: false,
    defer_parse: false,
};

/// Finds the message with that subject (headers only).
fn find(p: &mut Pop3Client, subject: &str) -> Option<MessageRef> {
    let refs = p.list(ReadOptions::default()).unwrap();
    let heads = p.fetch(&refs, HEADERS).unwrap();
    refs.into_iter()
        .zip(heads)
        .find(|(_, h)| subject_of(&h.source) == subject)
        .map(|(r, _)| r)
}

// ----- connection and security ---------------------------------------------------

#[test]
fn plain_user_pass() {
    let Some(e) = env() else { return };
    let mut c = alice(&e);
    c.auth_method = AuthMethod::UserPass;
    let mut p = Pop3Client::open(&c, 600).unwrap();
    assert!(!p.is_tls());
    assert!(p.capabilities().pipelining && p.capabilities().stls);
    let (n, _) = p.stat().unwrap();
    assert_eq!(p.list(ReadOptions::default()).unwrap().len(), n as usize);
    p.noop().unwrap();
    p.close().unwrap();
}

#[test]
fn stls() {
    let Some(e) = env() else { return };
    let mut c = alice(&e);
    c.security = Security::StartTls;
    let mut p = Pop3Client::open(&c, 600).unwrap();
    assert!(p.is_tls());
    p.close().unwrap();
}

#[test]
fn implicit_tls() {
    let Some(e) = env() else { return };
    let mut c = alice(&e);
    c.security = Security::Implicit;
    c.port = e.pop3s;
    let mut p = Pop3Client::open(&c, 600).unwrap();
    assert!(p.is_tls());
    p.close().unwrap();
}

#[test]
fn wrong_ca_is_tls_error_and_ignore_cert_errors_accepted() {
    let Some(e) = env() else { return };
    let other_ca = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tls/ca.pem");
    for security in [Security::Implicit, Security::StartTls] {
        let mut c = alice(&e);
        c.security = security;
        if security == Security::Implicit {
            c.port = e.pop3s;
        }
        c.ca_file = Some(other_ca.to_string());
        let err = Pop3Client::open(&c, 600).unwrap_err();
        assert_eq!(err.code, WD_E::Tls, "{security:?}: {err:?}");
        c.ca_file = None;
        c.ignore_cert_errors = true;
        open_close(&c);
    }
}

// ----- authentication ------------------------------------------------------------

#[test]
fn every_auth_method() {
    let Some(e) = env() else { return };
    for m in [
        AuthMethod::Auto,
        AuthMethod::UserPass,
        AuthMethod::Apop,
        AuthMethod::Plain,
        AuthMethod::Login,
        AuthMethod::CramMd5,
    ] {
        let mut c = alice(&e);
        c.auth_method = m;
        let mut p = Pop3Client::open(&c, 600).unwrap_or_else(|err| panic!("{m:?}: {err:?}"));
        p.close().unwrap();
    }
    for m in [
        AuthMethod::Auto,
        AuthMethod::XOAuth2,
        AuthMethod::OAuthBearer,
    ] {
        let mut c = alice(&e);
        c.password = None;
        c.auth_token = Some(var("WD_TEST_TOKEN1").into());
        c.auth_method = m;
        let mut p = Pop3Client::open(&c, 600).unwrap_or_else(|err| panic!("{m:?}: {err:?}"));
        p.close().unwrap();
    }
}

#[test]
fn bad_token_is_auth_error_with_server_json() {
    let Some(e) = env() else { return };
    for m in [AuthMethod::XOAuth2, AuthMethod::OAuthBearer] {
        let mut c = alice(&e);
        c.auth_token = Some("wdtok-not-valid".into());
        c.auth_method = m;
        let err = Pop3Client::open(&c, 600).unwrap_err();
        assert_eq!(err.code, WD_E::Auth, "{m:?}: {err:?}");
        assert!(err.message.contains("-ERR"), "{err:?}");
        // Dovecot's JSON error: {"status":"401",...} (XOAUTH2), {"status":"invalid_token"}.
        assert!(err.message.contains("server said: {\"status\""), "{err:?}");
        assert!(!err.message.contains("wdtok-not-valid"), "{err:?}");
    }
}

#[test]
fn carol_password_with_spaces_quotes_non_ascii() {
    let Some(e) = env() else { return };
    for m in [
        AuthMethod::UserPass,
        AuthMethod::Apop,
        AuthMethod::Plain,
        AuthMethod::Login,
        AuthMethod::CramMd5,
    ] {
        let mut c = cfg(&e, "WD_TEST_USER3", "WD_TEST_PASS3");
        c.auth_method = m;
        let mut p = Pop3Client::open(&c, 600).unwrap_or_else(|err| panic!("{m:?}: {err:?}"));
        p.close().unwrap();
    }
}

#[test]
fn wrong_password_is_auth_error_with_reply() {
    let Some(e) = env() else { return };
    for m in [AuthMethod::UserPass, AuthMethod::Auto] {
        let mut c = alice(&e);
        c.password = Some("not-the-password".into());
        c.auth_method = m;
        let err = Pop3Client::open(&c, 600).unwrap_err();
        assert_eq!(err.code, WD_E::Auth, "{err:?}");
        assert!(err.message.contains("-ERR"), "{err:?}");
        assert!(err.system.as_deref().unwrap_or("").starts_with("-ERR"));
        assert!(!err.message.contains("not-the-password"));
    }
}

#[test]
fn transcript_masks_credentials() {
    let Some(e) = env() else { return };
    let path = std::env::temp_dir().join(format!("{}.trace", unique("trace")));
    let path_s = path.to_string_lossy().into_owned();
    wd300com::trace::set_file(Some(&path_s)).unwrap();
    for m in [AuthMethod::UserPass, AuthMethod::Plain, AuthMethod::Login] {
        let mut c = cfg(&e, "WD_TEST_USER3", "WD_TEST_PASS3");
        c.auth_method = m;
        open_close(&c);
    }
    wd300com::trace::set_file(None).unwrap();
    let t = std::fs::read_to_string(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    assert!(t.contains("POP3 C: PASS ****"), "{t}");
    assert!(t.contains("POP3 C: AUTH PLAIN ****"), "{t}");
    assert!(!t.contains(&var("WD_TEST_PASS3")), "{t}");
    // base64 of the LOGIN password must not appear either.
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(var("WD_TEST_PASS3"));
    assert!(!t.contains(&b64), "{t}");
}

// ----- reading and deleting (bob's mailbox) ---------------------------------------

#[test]
fn three_hundred_messages_forwards_and_backwards() {
    let Some(e) = env() else { return };
    let _g = bob_lock(&e);
    const N: usize = 300;
    let tag = unique("300");
    let msgs: Vec<Vec<u8>> = (0..N)
        .map(|i| message(&format!("{tag} {i:03}"), &format!("body {i}")))
        .collect();
    deliver(&msgs);
    let mut p = Pop3Client::open(&bob(&e), 600).unwrap();
    let refs: Vec<MessageRef> = p.list(ReadOptions::default()).unwrap();
    let all = p.fetch(&refs, ReadOptions::default()).unwrap();
    let mine: Vec<(&MessageRef, String)> = refs
        .iter()
        .zip(&all)
        .map(|(r, m)| (r, subject_of(&m.source)))
        .filter(|(_, s)| s.starts_with(&tag))
        .collect();
    assert_eq!(mine.len(), N);
    for (i, (r, s)) in mine.iter().enumerate() {
        assert_eq!(*s, format!("{tag} {i:03}"));
        assert!(!r.uid.is_empty());
    }
    // Backwards, one message at a time through the trait.
    for (i, (r, s)) in mine.iter().enumerate().rev().step_by(7) {
        let m = p
            .fetch(std::slice::from_ref(*r), ReadOptions::default())
            .unwrap();
        assert_eq!(subject_of(&m[0].source), *s, "{i}");
        assert_eq!(m[0].uid, r.uid);
        assert_eq!(m[0].number as u32, r.number);
        assert!(String::from_utf8_lossy(&m[0].source).contains(&format!("body {i}\r\n")));
    }
    // Backwards in one pipelined batch.
    let rev: Vec<MessageRef> = mine.iter().rev().map(|(r, _)| (*r).clone()).collect();
    let back = p.fetch(&rev, ReadOptions::default()).unwrap();
    for (k, m) in back.iter().enumerate() {
        assert_eq!(subject_of(&m.source), format!("{tag} {:03}", N - 1 - k));
    }
    p.close().unwrap();
    clean_bob();
}

#[test]
fn twenty_megabyte_message_and_headers_only() {
    let Some(e) = env() else { return };
    let _g = bob_lock(&e);
    let subject = unique("big");
    let line = format!("{}\r\n", "x".repeat(98));
    let mut body = String::new();
    let mut i = 0;
    while body.len() < 20 * 1024 * 1024 {
        if i % 1000 == 0 {
            body.push_str(".leading dot line\r\n");
        }
        body.push_str(&line);
        i += 1;
    }
    let src = message(&subject, &body);
    deliver(std::slice::from_ref(&src));
    let mut p = Pop3Client::open(&bob(&e), 600).unwrap();
    let r = find(&mut p, &subject).expect("big message listed");
    assert!(r.size >= src.len() as u64);
    let head = p.fetch(std::slice::from_ref(&r), HEADERS).unwrap();
    assert!(head[0].header_only);
    assert!(head[0].source.len() < 1000);
    assert_eq!(subject_of(&head[0].source), subject);
    let full = p
        .fetch(std::slice::from_ref(&r), ReadOptions::default())
        .unwrap();
    assert!(!full[0].header_only);
    assert_eq!(full[0].source, src, "dot-unstuffed and byte-exact");
    p.close().unwrap();
    clean_bob();
}

#[test]
fn deletion_committed_at_close_and_abandoned_on_drop() {
    let Some(e) = env() else { return };
    let _g = bob_lock(&e);
    let kept = unique("kept");
    let gone = unique("gone");
    deliver(&[message(&kept, "kept"), message(&gone, "gone")]);

    // Dropped connection: nothing deleted.
    let mut p = Pop3Client::open(&bob(&e), 600).unwrap();
    let r = find(&mut p, &kept).unwrap();
    p.delete(&r).unwrap();
    assert!(
        !p.list(ReadOptions::default()).unwrap().contains(&r),
        "deleted message hidden from the listing"
    );
    drop(p);
    let mut p = Pop3Client::open(&bob(&e), 600).unwrap();
    assert!(find(&mut p, &kept).is_some(), "abandoned deletion");

    // Closed with QUIT: deleted.
    let r = find(&mut p, &gone).unwrap();
    p.delete(&r).unwrap();
    p.close().unwrap();
    let mut p = Pop3Client::open(&bob(&e), 600).unwrap();
    assert!(find(&mut p, &gone).is_none(), "committed deletion");
    assert!(find(&mut p, &kept).is_some());
    p.close().unwrap();
    clean_bob();
}

// ----- C API openers -------------------------------------------------------------

fn cs(s: &str) -> CString {
    CString::new(s).unwrap()
}

#[test]
fn ffi_open_pop3_count_close() {
    use wd300com::ffi::pop3::EmailOuvreSessionPOP3;
    use wd300com::ffi::read::EmailNbMessage;
    use wd300com::ffi::session::{EmailFermeSession, WD_OPTION_NONE, WD_OPTION_SSL};
    let Some(e) = env() else { return };
    let user = cs(&var("WD_TEST_USER1"));
    let pass = cs(&var("WD_TEST_PASS1"));
    let host = cs(&e.host);
    unsafe {
        assert_eq!(
            EmailOuvreSessionPOP3(
                user.as_ptr(),
                pass.as_ptr(),
                host.as_ptr(),
                e.pop3 as i32,
                WD_OPTION_NONE
            ),
            1,
            "{:?}",
            std::ffi::CStr::from_ptr(wd300com::ffi::errstate::ErreurInfo(1))
        );
        // A second incoming connection under the same name is refused.
        assert_eq!(
            EmailOuvreSessionPOP3(
                user.as_ptr(),
                pass.as_ptr(),
                host.as_ptr(),
                e.pop3 as i32,
                WD_OPTION_NONE
            ),
            0
        );
        assert_eq!(wd300com::ffi::errstate::ErreurCode(), WD_E::SessionExists);
        assert!(EmailNbMessage(user.as_ptr(), 0) >= 0);
        assert_eq!(EmailFermeSession(user.as_ptr()), 1);
        // Wrong password: 0, WD_E_AUTH, and the name is free again.
        let bad = cs("wrong");
        assert_eq!(
            EmailOuvreSessionPOP3(
                user.as_ptr(),
                bad.as_ptr(),
                host.as_ptr(),
                e.pop3 as i32,
                WD_OPTION_NONE
            ),
            0
        );
        assert_eq!(wd300com::ffi::errstate::ErreurCode(), WD_E::Auth);
        // Implicit TLS needs the bench CA: the default trust store refuses it.
        assert_eq!(
            EmailOuvreSessionPOP3(
                user.as_ptr(),
                pass.as_ptr(),
                host.as_ptr(),
                e.pop3s as i32,
                WD_OPTION_SSL
            ),
            0
        );
        assert_eq!(wd300com::ffi::errstate::ErreurCode(), WD_E::Tls);
        assert_eq!(EmailFermeSession(user.as_ptr()), 0);
        assert_eq!(wd300com::ffi::errstate::ErreurCode(), WD_E::UnknownSession);
    }
}

#[test]
fn ffi_combined_session_fails_whole_when_smtp_fails() {
    use wd300com::ffi::pop3::{EmailOuvreSession, EmailOuvreSessionPOP3};
    use wd300com::ffi::session::{EmailFermeSession, WD_OPTION_NONE};
    let Some(e) = env() else { return };
    let user = cs(&var("WD_TEST_USER3"));
    let pass = cs(&var("WD_TEST_PASS3"));
    let host = cs(&e.host);
    unsafe {
        // Port 1 on loopback: nothing listens, SMTP fails.
        assert_eq!(
            EmailOuvreSession(
                user.as_ptr(),
                pass.as_ptr(),
                host.as_ptr(),
                std::ptr::null(),
                e.pop3 as i32,
                1,
                0
            ),
            0
        );
        // No half-open session left behind.
        assert_eq!(
            EmailOuvreSessionPOP3(
                user.as_ptr(),
                pass.as_ptr(),
                host.as_ptr(),
                e.pop3 as i32,
                WD_OPTION_NONE
            ),
            1
        );
        assert_eq!(EmailFermeSession(user.as_ptr()), 1);
    }
}

/// Needs the SMTP client (crate::smtp) to pass.
#[test]
fn ffi_combined_pop3_and_smtp_session() {
    use wd300com::ffi::pop3::EmailOuvreSession;
    use wd300com::ffi::read::EmailNbMessage;
    use wd300com::ffi::session::EmailFermeSession;
    let Some(e) = env() else { return };
    let user = cs(&var("WD_TEST_USER2"));
    let pass = cs(&var("WD_TEST_PASS2"));
    let host = cs(&e.host);
    let smtp_port: i32 = var("WD_TEST_SMTP_PORT").parse().unwrap();
    let _g = BOB.lock();
    unsafe {
        let ok = EmailOuvreSession(
            user.as_ptr(),
            pass.as_ptr(),
            host.as_ptr(),
            std::ptr::null(),
            e.pop3 as i32,
            smtp_port,
            0,
        );
        assert_eq!(
            ok,
            1,
            "{:?}",
            std::ffi::CStr::from_ptr(wd300com::ffi::errstate::ErreurInfo(1))
        );
        assert!(EmailNbMessage(user.as_ptr(), 0) >= 0);
        assert_eq!(EmailFermeSession(user.as_ptr()), 1);
    }
}

/// SCRAM against Dovecot's POP3: forced with Carol's password over STLS (the session
/// usable), then the sign-in order on the wire: the automatic choice takes SCRAM-SHA-256
/// although the greeting offers APOP, and with a wrong password tries every method, APOP
/// in its place and USER/PASS last, then sends QUIT (see `SignInOrder::check`).
#[test]
fn scram_and_the_sign_in_order() {
    let Some(e) = env() else { return };
    for m in [AuthMethod::ScramSha256, AuthMethod::ScramSha1] {
        let mut c = cfg(&e, "WD_TEST_USER3", "WD_TEST_PASS3");
        (c.auth_method, c.security) = (m, Security::StartTls);
        let mut p = Pop3Client::open(&c, 600).unwrap_or_else(|err| panic!("{m:?}: {err:?}"));
        assert!(p.is_tls() && p.stat().is_ok());
        p.close().unwrap();
    }
    SignInOrder::pop3().check(|port, method, password| {
        let mut c = alice(&e);
        (c.port, c.auth_method) = (port, method);
        if let Some(wrong) = password {
            c.password = Some(wrong.to_string().into());
        }
        let mut p = Pop3Client::open(&c, 600)?;
        assert!(wd300com::auth::apop_timestamp(p.greeting()).is_some());
        p.close()
    });
}
