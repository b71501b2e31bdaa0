//! IMAP client against the Dovecot of the test bench (`scripts/mailservers start`).
//! Each test works in folders it creates with unique names; other developers' tests
//! share the bench. Without WD_TEST_HOST the tests skip with a note, unless
//! WD_REQUIRE_SERVERS=1, where they fail.

mod support;

use std::sync::atomic::{AtomicU32, Ordering};
use support::bench::{self, port, var};
use support::sign_in::SignInOrder;
use wd300com::error::WD_E;
use wd300com::imap::ImapClient;
use wd300com::secret::Secret;
use wd300com::session::{
    AuthMethod, Mailbox, MessageRef, ReadOptions, Security, SessionConfig, SessionKind,
};

/// True when the bench is configured; false (skip) otherwise unless servers are required.
fn servers() -> bool {
    bench::available("IMAP server test")
}

fn cfg(user: &str, pass: &str, security: Security) -> SessionConfig {
    let mut c = SessionConfig::new(SessionKind::Imap);
    c.host = var("WD_TEST_HOST");
    c.port = match security {
        Security::Implicit => port("WD_TEST_IMAPS_PORT"),
        _ => port("WD_TEST_IMAP_PORT"),
    };
    c.user = user.into();
    c.password = Some(pass.into());
    c.security = security;
    c.ca_file = Some(var("WD_TEST_CA"));
    c.timeout = Some(30);
    c
}

fn alice() -> SessionConfig {
    cfg(&var("WD_TEST_USER1"), &var("WD_TEST_PASS1"), Security::None)
}

fn open(c: &SessionConfig) -> ImapClient {
    ImapClient::open(c, 30).unwrap_or_else(|e| panic!("open failed: {e:?}"))
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A folder name unique to this process and call.
fn unique(label: &str) -> String {
    format!(
        "t-{}-{}-{label}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

fn message(subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Alice <alice@wd.test>\r\nTo: bob@wd.test\r\nSubject: {subject}\r\n\
         Message-ID: <{subject}@wd.test>\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

/// Runs Python's imaplib as an independent client; returns its stdout.
fn python(script: &str, folder: &str) -> String {
    support::clients::python(script, &[("F", folder)], "")
}

const PY_FLAGS: &str = r#"
import imaplib, os
m = imaplib.IMAP4(os.environ['WD_TEST_HOST'], int(os.environ['WD_TEST_IMAP_PORT']))
m.login(os.environ['WD_TEST_USER1'], os.environ['WD_TEST_PASS1'])
typ, _ = m.select('"' + os.environ['F'] + '"', readonly=True)
assert typ == 'OK'
typ, data = m.fetch('1:*', '(FLAGS)')
print(b' '.join(d for d in data if d).decode())
m.logout()
"#;

#[test]
fn plain_starttls_and_implicit_tls() {
    if !servers() {
        return;
    }
    for sec in [Security::None, Security::StartTls, Security::Implicit] {
        let mut c = alice();
        c.security = sec;
        c.port = match sec {
            Security::Implicit => port("WD_TEST_IMAPS_PORT"),
            _ => port("WD_TEST_IMAP_PORT"),
        };
        let mut cl = open(&c);
        assert_eq!(cl.folder(), "INBOX");
        assert!(cl.has("IMAP4rev1"));
        cl.list(ReadOptions::default()).unwrap();
        cl.close().unwrap();
    }
    // A CA that did not sign the server certificate.
    let mut c = alice();
    c.security = Security::Implicit;
    c.port = port("WD_TEST_IMAPS_PORT");
    c.ca_file = Some(support::fake_server::fake_ca_path().display().to_string());
    let e = ImapClient::open(&c, 30).err().unwrap();
    assert_eq!(e.code, WD_E::Tls, "{e:?}");
    c.security = Security::StartTls;
    c.port = port("WD_TEST_IMAP_PORT");
    let e = ImapClient::open(&c, 30).err().unwrap();
    assert_eq!(e.code, WD_E::Tls, "{e:?}");
    // Ignoring certificate errors accepts it.
    c.ignore_cert_errors = true;
    c.ca_file = None;
    open(&c).close().unwrap();
}

#[test]
fn every_auth_mechanism() {
    if !servers() {
        return;
    }
    for m in [
        AuthMethod::Auto,
        AuthMethod::UserPass,
        AuthMethod::Plain,
        AuthMethod::Login,
        AuthMethod::CramMd5,
    ] {
        let mut c = alice();
        c.auth_method = m;
        let mut cl = ImapClient::open(&c, 30).unwrap_or_else(|e| panic!("{m:?}: {e:?}"));
        cl.close().unwrap();
    }
    for m in [
        AuthMethod::XOAuth2,
        AuthMethod::OAuthBearer,
        AuthMethod::Auto,
    ] {
        let mut c = alice();
        c.password = None;
        c.auth_token = Some(var("WD_TEST_TOKEN1").into());
        c.auth_method = m;
        let mut cl = ImapClient::open(&c, 30).unwrap_or_else(|e| panic!("{m:?}: {e:?}"));
        cl.close().unwrap();
    }
    // Carol's password holds spaces, quotes and non-ASCII.
    for m in [
        AuthMethod::UserPass,
        AuthMethod::Plain,
        AuthMethod::Login,
        AuthMethod::CramMd5,
    ] {
        let mut c = cfg(&var("WD_TEST_USER3"), &var("WD_TEST_PASS3"), Security::None);
        c.auth_method = m;
        let mut cl = ImapClient::open(&c, 30).unwrap_or_else(|e| panic!("carol {m:?}: {e:?}"));
        cl.close().unwrap();
    }
}

#[test]
fn wrong_credentials_are_auth_errors() {
    if !servers() {
        return;
    }
    for m in [AuthMethod::UserPass, AuthMethod::Plain] {
        let mut c = alice();
        c.password = Some("wrong password".into());
        c.auth_method = m;
        let e = ImapClient::open(&c, 30).err().unwrap();
        assert_eq!(e.code, WD_E::Auth, "{m:?} {e:?}");
        assert!(e.system.as_deref().unwrap_or("").starts_with("NO"), "{e:?}");
        assert!(!e.message.contains("wrong password"));
    }
    let mut c = alice();
    c.password = None;
    c.auth_token = Some("wdtok-invalid".into());
    c.auth_method = AuthMethod::OAuthBearer;
    let e = ImapClient::open(&c, 30).err().unwrap();
    assert_eq!(e.code, WD_E::Auth, "{e:?}");
    assert!(e.message.contains("\"status\""), "{e:?}");
    assert!(!e.message.contains("wdtok-invalid"));
}

#[test]
fn thousand_message_folder() {
    if !servers() {
        return;
    }
    const N: usize = 1000;
    let mut cl = open(&alice());
    let f = unique("big");
    cl.create_folder(&f).unwrap();
    for i in 0..N {
        let seen = i % 3 == 0;
        cl.append(&f, &message(&format!("big-{i}"), "x"), seen)
            .unwrap();
    }
    cl.select_folder(&f).unwrap();
    assert_eq!(cl.exists(), N as u32);
    let refs = cl.list(ReadOptions::default()).unwrap();
    assert_eq!(refs.len(), N);
    let unseen = cl
        .list(ReadOptions {
            unread_only: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(unseen.len(), N - N.div_ceil(3));
    let opts = ReadOptions {
        keep_unseen: true,
        ..Default::default()
    };
    let all = cl.fetch(&refs, opts).unwrap();
    assert_eq!(all.len(), N);
    for (i, e) in all.iter().enumerate() {
        assert_eq!(e.subject, format!("big-{i}"));
        assert_eq!(e.number as usize, i + 1);
        assert_eq!(e.seen, i % 3 == 0);
        assert_eq!(e.size as usize, e.source.len());
    }
    // keep_unseen left the flags alone.
    assert_eq!(
        cl.list(ReadOptions {
            unread_only: true,
            ..Default::default()
        })
        .unwrap()
        .len(),
        unseen.len()
    );
    cl.select_folder("INBOX").unwrap();
    cl.delete_folder(&f).unwrap();
    cl.close().unwrap();
}

#[test]
fn folders_with_spaces_and_non_ascii() {
    if !servers() {
        return;
    }
    let mut cl = open(&alice());
    let a = unique("Réunions 2024");
    let b = unique("日本");
    let parent = unique("parent & co");
    let child = format!("{parent}/été 😀");
    for f in [&a, &b, &parent, &child] {
        cl.create_folder(f).unwrap();
    }
    let names = cl.list_folders().unwrap();
    for f in [&a, &b, &parent, &child] {
        assert!(names.contains(f), "{f} not in {names:?}");
    }
    assert!(names.iter().any(|n| n == "INBOX"));
    cl.select_folder(&child).unwrap();
    assert_eq!(cl.exists(), 0);
    assert!(cl.list(ReadOptions::default()).unwrap().is_empty());
    cl.select_folder("INBOX").unwrap();
    let a2 = format!("{a} renommé");
    cl.rename_folder(&a, &a2).unwrap();
    let names = cl.list_folders().unwrap();
    assert!(names.contains(&a2) && !names.contains(&a), "{names:?}");
    let e = cl.create_folder(&b).unwrap_err();
    assert_eq!(e.code, WD_E::Protocol);
    assert!(e.system.is_some());
    for f in [&a2, &b, &child, &parent] {
        cl.delete_folder(f).unwrap();
    }
    let names = cl.list_folders().unwrap();
    for f in [&a2, &b, &child, &parent] {
        assert!(!names.contains(f), "{f} still in {names:?}");
    }
    let e = cl.select_folder(&a2).unwrap_err();
    assert_eq!(e.code, WD_E::Protocol);
    cl.close().unwrap();
}

#[test]
fn copy_move_delete_and_seen_flags() {
    if !servers() {
        return;
    }
    let mut cl = open(&alice());
    let src = unique("src");
    let dst = unique("dst");
    cl.create_folder(&src).unwrap();
    cl.create_folder(&dst).unwrap();
    for i in 0..3 {
        cl.append(&src, &message(&format!("m{i}"), "body"), false)
            .unwrap();
    }
    cl.select_folder(&src).unwrap();
    let refs = cl.list(ReadOptions::default()).unwrap();
    assert_eq!(refs.len(), 3);
    assert!(refs.iter().all(|r| !r.seen));
    cl.copy_message(&refs[0], &dst).unwrap();
    cl.move_message(&refs[1], &dst).unwrap();
    cl.delete(&refs[2]).unwrap();
    let left = cl.list(ReadOptions::default()).unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].uid, refs[0].uid);

    // Seen flags written, then read back by an independent client.
    cl.set_seen(&left[0], true).unwrap();
    let flags = python(PY_FLAGS, &src);
    assert!(flags.contains("\\Seen"), "{flags}");
    cl.set_seen(&left[0], false).unwrap();
    let flags = python(PY_FLAGS, &src);
    assert!(!flags.contains("\\Seen"), "{flags}");

    // Reading without keep_unseen sets \Seen on the server.
    let v = cl.fetch(&left, ReadOptions::default()).unwrap();
    assert!(v[0].seen);
    assert_eq!(v[0].subject, "m0");
    let flags = python(PY_FLAGS, &src);
    assert!(flags.contains("\\Seen"), "{flags}");

    cl.select_folder(&dst).unwrap();
    let moved = cl.list(ReadOptions::default()).unwrap();
    let got = cl
        .fetch(
            &moved,
            ReadOptions {
                header_only: true,
                ..Default::default()
            },
        )
        .unwrap();
    let mut subjects: Vec<&str> = got.iter().map(|e| e.subject.as_str()).collect();
    subjects.sort();
    assert_eq!(subjects, ["m0", "m1"]);
    assert!(got.iter().all(|e| e.header_only && !e.seen));
    cl.select_folder("INBOX").unwrap();
    cl.delete_folder(&src).unwrap();
    cl.delete_folder(&dst).unwrap();
    cl.close().unwrap();
}

#[test]
fn append_then_read_back_byte_exact() {
    if !servers() {
        return;
    }
    let mut cl = open(&alice());
    let f = unique("append");
    cl.create_folder(&f).unwrap();
    let data = message(
        "exact",
        "Grüße, 日本語, tab\there, \"quotes\" {3}\r\n.\r\nend",
    );
    cl.append(&f, &data, true).unwrap();
    cl.select_folder(&f).unwrap();
    let refs = cl.list(ReadOptions::default()).unwrap();
    assert_eq!(refs.len(), 1);
    assert!(refs[0].seen);
    assert_eq!(refs[0].size as usize, data.len());
    let v = cl
        .fetch(
            &refs,
            ReadOptions {
                keep_unseen: true,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(v[0].source, data);
    assert_eq!(v[0].subject, "exact");
    assert!(v[0].message.contains("Grüße"), "{:?}", v[0].message);
    let bad: MessageRef = MessageRef {
        uid: "abc".into(),
        ..refs[0].clone()
    };
    assert_eq!(
        cl.fetch(&[bad], ReadOptions::default()).unwrap_err().code,
        WD_E::InvalidArgument
    );
    cl.select_folder("INBOX").unwrap();
    cl.delete_folder(&f).unwrap();
    cl.close().unwrap();
}

#[test]
fn transcript_masks_credentials() {
    if !servers() {
        return;
    }
    let path = std::env::temp_dir().join(format!("imap-trace-{}.log", std::process::id()));
    let _ = std::fs::remove_file(&path);
    wd300com::trace::set_file(Some(path.to_str().unwrap())).unwrap();
    let pass3 = var("WD_TEST_PASS3");
    for m in [AuthMethod::UserPass, AuthMethod::Plain, AuthMethod::Login] {
        let mut c = cfg(&var("WD_TEST_USER3"), &pass3, Security::None);
        c.auth_method = m;
        open(&c).close().unwrap();
    }
    let mut c = alice();
    c.password = None;
    c.auth_token = Some(var("WD_TEST_TOKEN1").into());
    c.auth_method = AuthMethod::XOAuth2;
    open(&c).close().unwrap();
    wd300com::trace::set_file(None).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    // Tags have a random prefix, lines a timestamp:
    // `2026-12-01T15:30:00.123Z IMAP C: Q7K2ZP0M.0001 LOGIN "carol@wd.test" …`.
    assert!(
        text.lines()
            .any(|l| l.contains("Z IMAP C: ") && l.contains(".0001 LOGIN \"carol@wd.test\"")),
        "{text}"
    );
    assert!(text.contains("AUTHENTICATE PLAIN ****"), "{text}");
    assert!(!text.contains("wörd"), "{text}");
    assert!(!text.contains(&var("WD_TEST_TOKEN1")));
    assert!(!text.contains(&wd300com::auth::plain("", &var("WD_TEST_USER3"), &pass3)));
    assert!(!text.contains(&wd300com::auth::login_pass(&pass3)));
}

#[test]
fn legacy_opener_from_the_c_api() {
    if !servers() {
        return;
    }
    use std::ffi::CString;
    use wd300com::ffi::imap::EmailOuvreSessionIMAP;
    use wd300com::ffi::session::EmailFermeSession;
    let user = CString::new(var("WD_TEST_USER2")).unwrap();
    let pass = CString::new(var("WD_TEST_PASS2")).unwrap();
    let host = CString::new(var("WD_TEST_HOST")).unwrap();
    let p = i32::from(port("WD_TEST_IMAP_PORT"));
    // SAFETY: valid NUL-terminated strings.
    unsafe {
        assert_eq!(
            EmailOuvreSessionIMAP(user.as_ptr(), pass.as_ptr(), host.as_ptr(), p, 0),
            1
        );
        // A second incoming connection under the same name is refused.
        assert_eq!(
            EmailOuvreSessionIMAP(user.as_ptr(), pass.as_ptr(), host.as_ptr(), p, 0),
            0
        );
        assert_eq!(wd300com::ffi::errstate::ErreurCode(), WD_E::SessionExists);
        assert_eq!(EmailFermeSession(user.as_ptr()), 1);
        let bad = CString::new("wrong").unwrap();
        assert_eq!(
            EmailOuvreSessionIMAP(user.as_ptr(), bad.as_ptr(), host.as_ptr(), p, 0),
            0
        );
        assert_eq!(wd300com::ffi::errstate::ErreurCode(), WD_E::Auth);
        // STARTTLS with a certificate from the bench CA, unknown to the system store.
        assert_eq!(
            EmailOuvreSessionIMAP(user.as_ptr(), pass.as_ptr(), host.as_ptr(), p, 2),
            0
        );
        assert_eq!(wd300com::ffi::errstate::ErreurCode(), WD_E::Tls);
        assert_eq!(
            EmailOuvreSessionIMAP(user.as_ptr(), pass.as_ptr(), host.as_ptr(), p, 7),
            0
        );
        assert_eq!(wd300com::ffi::errstate::ErreurCode(), WD_E::InvalidArgument);
        // The failed opens left no session behind.
        assert_eq!(EmailFermeSession(user.as_ptr()), 0);
        assert_eq!(wd300com::ffi::errstate::ErreurCode(), WD_E::UnknownSession);
    }
}

const PY_SEEN: &str = r#"
import imaplib, os
m = imaplib.IMAP4(os.environ['WD_TEST_HOST'], int(os.environ['WD_TEST_IMAP_PORT']))
m.login(os.environ['WD_TEST_USER1'], os.environ['WD_TEST_PASS1'])
typ, _ = m.select('"' + os.environ['F'] + '"', readonly=True)
assert typ == 'OK'
typ, data = m.search(None, 'SEEN')
print(data[0].decode())
m.logout()
"#;

/// The sequence numbers of the \Seen messages of `folder`, seen by imaplib.
fn seen_by_python(folder: &str) -> Vec<u32> {
    python(PY_SEEN, folder)
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect()
}

/// The reading loop reads ahead, forward and backward, in order; only the messages
/// handed out are \Seen, not those read ahead (BODY.PEEK), as an independent client
/// sees it.
#[test]
fn reading_loop_reads_ahead_and_marks_only_what_was_read() {
    if !servers() {
        return;
    }
    use std::ffi::{CStr, CString};
    use wd300com::ffi::imap::EmailOuvreSessionIMAP;
    use wd300com::ffi::message::{EmailCree, EmailLibere, EmailPropriete};
    use wd300com::ffi::read::*;
    use wd300com::ffi::session::EmailFermeSession;
    use wd300com::ffi::types::{WD_EMAIL_OUT, WD_EMAIL_SUBJECT};

    const N: u32 = 40;
    let f = unique("ahead");
    let mut cl = open(&alice());
    cl.create_folder(&f).unwrap();
    for i in 1..=N {
        cl.append(&f, &message(&format!("ahead-{i:02}"), "body"), false)
            .unwrap();
    }
    cl.close().unwrap();

    let user = CString::new(var("WD_TEST_USER1")).unwrap();
    let pass = CString::new(var("WD_TEST_PASS1")).unwrap();
    let host = CString::new(var("WD_TEST_HOST")).unwrap();
    let folder = CString::new(f.clone()).unwrap();
    let p = i32::from(port("WD_TEST_IMAP_PORT"));
    let s = user.as_ptr();
    let h = EmailCree();
    let subject = || {
        // SAFETY: the library returns NUL-terminated strings.
        let out = unsafe { CStr::from_ptr(EmailPropriete(h, WD_EMAIL_OUT, 0)) };
        if out.to_bytes() == b"1" {
            return None;
        }
        // SAFETY: as above.
        let subj = unsafe { CStr::from_ptr(EmailPropriete(h, WD_EMAIL_SUBJECT, 0)) };
        Some(subj.to_string_lossy().into_owned())
    };
    type Step = unsafe extern "C" fn(*const std::ffi::c_char, WdEmail, i32) -> i32;
    use wd300com::ffi::types::WdEmail;
    // Reads with `first` then `next` up to `max` messages; the subjects.
    let read = |first: Step, next: Step, options: i32, max: usize| {
        let mut got = Vec::new();
        // SAFETY: NUL-terminated session name.
        assert_eq!(unsafe { first(s, h, options) }, 1);
        while let Some(subj) = subject() {
            got.push(subj);
            if got.len() == max {
                break;
            }
            // 1 while a message was read, 0 past the end (WD_EMAIL_OUT, no error).
            // SAFETY: as above.
            let read = unsafe { next(s, h, options) };
            assert_eq!(read, i32::from(subject().is_some()));
        }
        got
    };
    let names = |r: std::ops::RangeInclusive<u32>| -> Vec<String> {
        r.map(|i| format!("ahead-{i:02}")).collect()
    };
    // SAFETY: NUL-terminated strings.
    unsafe {
        assert_eq!(
            EmailOuvreSessionIMAP(s, pass.as_ptr(), host.as_ptr(), p, 0),
            1
        );
        assert_eq!(EmailChangeDossier(s, folder.as_ptr()), 1);
    }
    let fwd: (Step, Step) = (EmailLitPremier, EmailLitSuivant);
    let back: (Step, Step) = (EmailLitDernier, EmailLitPrecedent);
    // Forward, 5 messages: 7 were fetched (batches of 1, 2, 4).
    assert_eq!(read(fwd.0, fwd.1, 0, 5), names(1..=5));
    // A fresh listing writes the \Seen owed first.
    let keep = WD_READ_KEEP_UNSEEN;
    let all: Vec<String> = names(1..=N);
    assert_eq!(read(fwd.0, fwd.1, keep, usize::MAX), all);
    assert_eq!(seen_by_python(&f), (1..=5).collect::<Vec<_>>());
    let mut rev = all.clone();
    rev.reverse();
    assert_eq!(read(back.0, back.1, keep, usize::MAX), rev);
    assert_eq!(
        read(back.0, back.1, 0, 5),
        names(36..=N).into_iter().rev().collect::<Vec<_>>()
    );
    // The \Seen owed for 37…40 go before LOGOUT.
    // SAFETY: NUL-terminated session name.
    assert_eq!(unsafe { EmailFermeSession(s) }, 1);
    let want: Vec<u32> = (1..=5).chain(36..=N).collect();
    assert_eq!(seen_by_python(&f), want);
    assert_eq!(EmailLibere(h), 1);
    let mut cl = open(&alice());
    cl.delete_folder(&f).unwrap();
    cl.close().unwrap();
}

/// SCRAM against Dovecot: forced with Carol's password (spaces, quotes, non-ASCII) over
/// STARTTLS, then the sign-in order on the wire: the automatic choice takes SCRAM-SHA-256
/// and, with a wrong password, tries every mechanism and the LOGIN command before it
/// reports the last refusal and logs out (see `SignInOrder::check`).
#[test]
fn scram_and_the_sign_in_order() {
    if !servers() {
        return;
    }
    for m in [AuthMethod::ScramSha256, AuthMethod::ScramSha1] {
        let carol = cfg(
            &var("WD_TEST_USER3"),
            &var("WD_TEST_PASS3"),
            Security::StartTls,
        );
        open(&SessionConfig {
            auth_method: m,
            ..carol
        })
        .close()
        .unwrap();
    }
    SignInOrder::imap().check(|port, auth_method, password| {
        let right = alice().password;
        let password = password.map(Secret::from).or(right);
        let c = SessionConfig {
            port,
            auth_method,
            password,
            ..alice()
        };
        ImapClient::open(&c, 30)?.close()
    });
}
