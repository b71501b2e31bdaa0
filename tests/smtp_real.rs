//! SMTP client against the Postfix of the test bench (`scripts/mailservers start`): every
//! TLS mode × every AUTH mechanism, refusals, 8-bit and UTF-8 mail, attachments, a 20 MB
//! message; deliveries are checked by reading the Maildir files directly.
//!
//! Without WD_TEST_HOST the tests print a note and pass, unless WD_REQUIRE_SERVERS=1.

mod support;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};
use support::bench::{Bench, var};
use support::sign_in::SignInOrder;
use wd300com::error::WD_E;
use wd300com::message::build::{BuildOptions, build};
use wd300com::message::{Attachment, Email};
use wd300com::secret::Secret;
use wd300com::session::{AuthMethod, OutgoingMessage, Security, SessionConfig, SessionKind};
use wd300com::smtp::SmtpClient;

fn bench() -> Option<Bench> {
    Bench::load("real-server SMTP test")
}

impl Bench {
    fn cfg(&self, security: Security) -> SessionConfig {
        let mut c = SessionConfig::new(SessionKind::Smtp);
        c.security = security;
        c.port = match security {
            Security::None => self.smtp_notls,
            Security::StartTls => self.smtp,
            Security::Implicit => self.smtps,
        };
        c.host = if security == Security::None {
            self.host.clone()
        } else {
            self.tls_name.clone()
        };
        c.ca_file = Some(self.ca.clone());
        c.user = var("WD_TEST_USER1");
        c.password = Some(var("WD_TEST_PASS1").into());
        c.timeout = Some(30);
        c
    }

    fn maildir(&self, addr: &str) -> PathBuf {
        let (local, domain) = addr.split_once('@').unwrap();
        PathBuf::from(
            self.maildir_fmt
                .replace("{domain}", domain)
                .replace("{local}", local),
        )
    }

    /// Polls the mailbox of `addr` (new/ and cur/) up to 15 s for the file holding
    /// `needle` in its first 64 KiB; returns its bytes.
    fn delivered(&self, addr: &str, needle: &str) -> Vec<u8> {
        self.find(addr, needle, Duration::from_secs(15))
            .unwrap_or_else(|| panic!("{needle} not delivered to {addr} within 15 s"))
    }

    fn find(&self, addr: &str, needle: &str, wait: Duration) -> Option<Vec<u8>> {
        let root = self.maildir(addr);
        let t0 = Instant::now();
        loop {
            for sub in ["new", "cur"] {
                let Ok(rd) = std::fs::read_dir(root.join(sub)) else {
                    continue;
                };
                for ent in rd.flatten() {
                    let Ok(bytes) = std::fs::read(ent.path()) else {
                        continue;
                    };
                    // Only the top header section (a bounce quotes our headers).
                    let end = find_bytes(&bytes, b"\n\n")
                        .or_else(|| find_bytes(&bytes, b"\n\r\n"))
                        .unwrap_or(bytes.len().min(65536));
                    if find_bytes(&bytes[..end], needle.as_bytes()).is_some() {
                        return Some(bytes);
                    }
                }
            }
            if t0.elapsed() > wait {
                return None;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Maildir files are stored with LF line ends.
fn lf(data: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(data)
        .replace("\r\n", "\n")
        .into_bytes()
}

fn unique(tag: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "smtp-{tag}-{}-{nanos}-{}@wd300com.test",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

fn simple(from: &str, to: &[&str], id: &str, subject: &str) -> OutgoingMessage {
    let data = format!(
        "From: {from}\r\nTo: {}\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\n\r\nHello.\r\n",
        to.join(", ")
    );
    OutgoingMessage {
        from: from.to_string(),
        recipients: to.iter().map(|s| s.to_string()).collect(),
        data: data.into_bytes().into(),
        ..OutgoingMessage::default()
    }
}

#[test]
fn every_tls_mode_and_mechanism() {
    let Some(b) = bench() else { return };
    let alice = var("WD_TEST_USER1");
    let mut ids = Vec::new();
    let mechs = [
        AuthMethod::Plain,
        AuthMethod::Login,
        AuthMethod::CramMd5,
        AuthMethod::XOAuth2,
        AuthMethod::OAuthBearer,
        AuthMethod::Auto,
    ];
    std::thread::scope(|s| {
        let mut handles = Vec::new();
        for sec in [Security::None, Security::StartTls, Security::Implicit] {
            let b = &b;
            let alice = alice.clone();
            handles.push(s.spawn(move || {
                let mut ids = Vec::new();
                for mech in mechs {
                    let mut c = b.cfg(sec);
                    c.auth_method = mech;
                    if matches!(mech, AuthMethod::XOAuth2 | AuthMethod::OAuthBearer) {
                        c.password = None;
                        c.auth_token = Some(var("WD_TEST_TOKEN1").into());
                    }
                    let mut cl = SmtpClient::connect(&c, 600)
                        .unwrap_or_else(|e| panic!("{sec:?} {mech:?}: {e:?}"));
                    let caps = cl.capabilities().clone();
                    assert!(caps.pipelining && caps.chunking, "{caps:?}");
                    assert!(caps.auth.iter().any(|m| m == "OAUTHBEARER"), "{caps:?}");
                    let id = unique(&format!("{sec:?}-{mech:?}"));
                    let d = cl
                        .send(&simple(
                            &alice,
                            &[&alice],
                            &id,
                            &format!("{sec:?} {mech:?}"),
                        ))
                        .unwrap();
                    assert_eq!(d.accepted, 1);
                    // One flight per message with PIPELINING + CHUNKING.
                    let before = cl.flights();
                    let id2 = unique("second");
                    cl.send(&simple(&alice, &[&alice], &id2, "second")).unwrap();
                    assert_eq!(cl.flights() - before, 1);
                    cl.quit(Duration::from_secs(5)).unwrap();
                    ids.push(id);
                    ids.push(id2);
                }
                ids
            }));
        }
        for h in handles {
            ids.extend(h.join().unwrap());
        }
    });
    for id in ids {
        let raw = b.delivered(&alice, &id);
        assert!(String::from_utf8_lossy(&raw).contains("Hello."));
    }
}

#[test]
fn starttls_required_on_port_without_tls() {
    let Some(b) = bench() else { return };
    let mut c = b.cfg(Security::StartTls);
    c.port = b.smtp_notls;
    let e = SmtpClient::connect(&c, 600).unwrap_err();
    assert_eq!(e.code, WD_E::Tls, "{e:?}");
    assert!(e.message.contains("STARTTLS"));
}

#[test]
fn untrusted_certificate_refused_then_ignored() {
    let Some(b) = bench() else { return };
    let mut c = b.cfg(Security::Implicit);
    c.ca_file = None;
    assert_eq!(SmtpClient::connect(&c, 600).unwrap_err().code, WD_E::Tls);
    c.ignore_cert_errors = true;
    c.host = b.host.clone();
    SmtpClient::connect(&c, 600).unwrap();
}

#[test]
fn wrong_password_and_token() {
    let Some(b) = bench() else { return };
    let mut c = b.cfg(Security::StartTls);
    c.password = Some("not-the-password".into());
    c.auth_method = AuthMethod::Plain;
    let e = SmtpClient::connect(&c, 600).unwrap_err();
    assert_eq!(e.code, WD_E::Auth, "{e:?}");
    assert!(
        e.system.as_deref().unwrap_or("").starts_with("535"),
        "{e:?}"
    );
    assert!(!e.message.contains("not-the-password"));

    let mut c = b.cfg(Security::Implicit);
    c.password = None;
    c.auth_token = Some("wdtok-invalid".into());
    c.auth_method = AuthMethod::XOAuth2;
    let e = SmtpClient::connect(&c, 600).unwrap_err();
    assert_eq!(e.code, WD_E::Auth, "{e:?}");
    assert!(e.message.contains("401"), "{e:?}");
    assert!(!e.message.contains("wdtok-invalid"));
}

#[test]
fn some_recipients_refused_and_all_refused() {
    let Some(b) = bench() else { return };
    let alice = var("WD_TEST_USER1");
    let bob = var("WD_TEST_USER2");
    let carol = var("WD_TEST_USER3");
    let mut cl = SmtpClient::connect(&b.cfg(Security::StartTls), 600).unwrap();
    let id = unique("some-refused");
    let d = cl
        .send(&simple(
            &alice,
            &[&bob, "unknown@wd.test", &carol, "nobody2@wd.test"],
            &id,
            "some refused",
        ))
        .unwrap();
    assert_eq!(d.accepted, 2);
    assert_eq!(d.refused.len(), 2);
    assert_eq!(d.refused[0].0, "unknown@wd.test");
    assert!(d.refused[0].1.starts_with("550"), "{:?}", d.refused);
    let id2 = unique("all-refused");
    let d = cl
        .send(&simple(&alice, &["unknown@wd.test"], &id2, "all refused"))
        .unwrap();
    assert_eq!(d.accepted, 0);
    // The session goes on after the refused transaction.
    let id3 = unique("after-refused");
    assert_eq!(
        cl.send(&simple(&alice, &[&bob], &id3, "after"))
            .unwrap()
            .accepted,
        1
    );
    b.delivered(&bob, &id);
    b.delivered(&carol, &id);
    b.delivered(&bob, &id3);
    assert!(b.find(&bob, &id2, Duration::ZERO).is_none());
}

fn built(mut e: Email) -> Vec<u8> {
    build(&mut e, BuildOptions::default()).unwrap();
    e.source.into_vec()
}

#[test]
fn utf8_subject_body_address_and_attachments() {
    let Some(b) = bench() else { return };
    let alice = var("WD_TEST_USER1");
    let id = unique("utf8");
    let bin: Vec<u8> = (0..150_000u32).map(|i| (i * 7 + i / 13) as u8).collect();
    let mut e = Email::new();
    e.sender = format!("Alice Été <{alice}>");
    e.to = vec!["Élodie <alice+ete@wd.test>".into()];
    e.subject = "Été ☀ — sujet accentué".into();
    e.message = "Bonjour, voilà du texte 8 bits : àéîõü ✓\n.ligne avec point\n".into();
    e.message_id = id.clone();
    e.attachments.push(Attachment {
        name: "données.bin".into(),
        content_type: "application/octet-stream".into(),
        content_id: String::new(),
        data: bin.clone().into(),
        raw_name: None,
    });
    let data = built(e.clone());
    let mut cl = SmtpClient::connect(&b.cfg(Security::Implicit), 600).unwrap();
    let d = cl
        .send(&OutgoingMessage {
            from: alice.clone(),
            recipients: vec!["alice+ete@wd.test".into()],
            data: data.into(),
            ..OutgoingMessage::default()
        })
        .unwrap();
    assert_eq!(d.accepted, 1);
    // A UTF-8 envelope address (SMTPUTF8) is accepted by Postfix; the bench's local
    // delivery agent cannot deliver to one, so it goes to the discarding sink domain.
    let sink = std::env::var("WD_TEST_SINK_DOMAIN").unwrap_or_else(|_| "sink.test".into());
    let d = cl
        .send(&simple(
            &alice,
            &[&format!("élodie@{sink}")],
            &unique("utf8env"),
            "é",
        ))
        .unwrap();
    assert_eq!(d.accepted, 1, "{d:?}");
    let raw = b.delivered(&alice, &id);
    let got = wd300com::message::parse::parse(&raw).unwrap();
    assert_eq!(got.subject, e.subject);
    assert_eq!(got.message.replace("\r\n", "\n"), e.message);
    assert_eq!(got.attachments.len(), 1);
    assert_eq!(got.attachments[0].name, "données.bin");
    assert_eq!(got.attachments[0].data, bin);
}

#[test]
fn raw_utf8_headers_use_smtputf8() {
    let Some(b) = bench() else { return };
    let alice = var("WD_TEST_USER1");
    let id = unique("rawutf8");
    let data = format!(
        "From: Zoé <{alice}>\r\nTo: Zoé <alice+zoe@wd.test>\r\nSubject: Sujet brut é ✓\r\nMessage-ID: <{id}>\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\n\r\nCorps é\r\n"
    );
    let mut cl = SmtpClient::connect(&b.cfg(Security::None), 600).unwrap();
    cl.send(&OutgoingMessage {
        from: alice.clone(),
        recipients: vec!["alice+zoe@wd.test".into()],
        data: data.clone().into_bytes().into(),
        ..OutgoingMessage::default()
    })
    .unwrap();
    let raw = b.delivered(&alice, &id);
    assert!(
        find_bytes(&raw, b"with UTF8SMTP").is_some(),
        "SMTPUTF8 was not used"
    );
    // Byte-exact (up to the Maildir's LF line ends): our header and body are there.
    assert!(
        raw.ends_with(&lf(data.as_bytes())),
        "{}",
        String::from_utf8_lossy(&raw)
    );
}

#[test]
fn twenty_megabyte_message() {
    let Some(b) = bench() else { return };
    let bob = var("WD_TEST_USER2");
    let alice = var("WD_TEST_USER1");
    let id = unique("20mb");
    // 20 MB of base64-like text lines, sent as is (no MIME encoding cost in the test).
    let line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2\r\n";
    let mut data = format!(
        "From: {alice}\r\nTo: {bob}\r\nSubject: big\r\nMessage-ID: <{id}>\r\nMIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    )
    .into_bytes();
    while data.len() < 20 * 1024 * 1024 {
        data.extend_from_slice(line.as_bytes());
    }
    let t0 = Instant::now();
    let mut cl = SmtpClient::connect(&b.cfg(Security::StartTls), 600).unwrap();
    assert_eq!(
        cl.send(&OutgoingMessage {
            from: alice.clone(),
            recipients: vec![bob.clone()],
            data: data.clone().into(),
            ..OutgoingMessage::default()
        })
        .unwrap()
        .accepted,
        1
    );
    eprintln!("20 MB sent in {:?}", t0.elapsed());
    let raw = b.delivered(&bob, &id);
    assert!(raw.ends_with(&lf(&data[data.len() - 1000..])));
    assert_eq!(find_bytes(&raw, b"\n\n").map(|_| ()), Some(()));
    let body_start = find_bytes(&raw, b"\n\n").unwrap() + 2;
    assert_eq!(
        lf(&raw[body_start..]),
        lf(&data[find_bytes(&data, b"\r\n\r\n").unwrap() + 4..])
    );
}

/// SCRAM through Postfix and Dovecot SASL: forced with Carol's password over STARTTLS,
/// a message sent after it arrives; then the sign-in order on the wire: the automatic
/// choice takes SCRAM-SHA-256 and, with a wrong password, tries every mechanism before it
/// reports the last 535 and quits (see `SignInOrder::check`).
#[test]
fn scram_and_the_sign_in_order() {
    let Some(b) = bench() else { return };
    let (carol, pass) = (var("WD_TEST_USER3"), var("WD_TEST_PASS3"));
    for m in [AuthMethod::ScramSha256, AuthMethod::ScramSha1] {
        let mut c = b.cfg(Security::StartTls);
        (c.user, c.password, c.auth_method) = (carol.clone(), Some(pass.as_str().into()), m);
        let mut cl = SmtpClient::connect(&c, 600).unwrap_or_else(|e| panic!("{m:?}: {e:?}"));
        let id = unique(&format!("{m:?}"));
        cl.send(&simple(&carol, &[&carol], &id, "scram")).unwrap();
        cl.quit(Duration::from_secs(5)).unwrap();
        b.delivered(&carol, &id);
    }
    SignInOrder::smtp().check(|port, method, wrong| {
        let mut c = b.cfg(Security::None);
        c.port = port;
        c.auth_method = method;
        c.password = wrong.map(Secret::from).or(c.password);
        SmtpClient::connect(&c, 600)?.quit(Duration::from_secs(5))
    });
}
