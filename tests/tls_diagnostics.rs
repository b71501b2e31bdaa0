//! What a user reads when TLS fails: one test per kind of failure, each against a small
//! server with a certificate made here by the `openssl` CLI (self-signed, from an
//! unknown CA, for another name, expired), over implicit TLS and STARTTLS; the greeting
//! checks (a TLS record where a plain greeting was due, on the three protocols); and, on
//! the bench, a plain client on the implicit-TLS ports failing by its opening deadline.

mod support;

use native_tls::{Identity, TlsAcceptor};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};
use wd300com::error::{Error, WD_E};
use wd300com::registry;
use wd300com::session::{Security, SessionConfig, SessionKind};
use wd300com::smtp::SmtpClient;

struct Certs {
    dir: PathBuf,
}

impl Certs {
    fn path(&self, name: &str) -> String {
        self.dir.join(name).to_string_lossy().into_owned()
    }

    fn identity(&self, name: &str) -> Identity {
        let cert = std::fs::read(self.dir.join(format!("{name}.pem"))).unwrap();
        let key = std::fs::read(self.dir.join(format!("{name}.key"))).unwrap();
        Identity::from_pkcs8(&cert, &key).unwrap()
    }
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("openssl CLI");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A key and a signing request for `cn`, then the certificate signed by the test CA with
/// `san` and, when given, these validity dates.
fn leaf(dir: &Path, name: &str, cn: &str, san: &str, dates: Option<(&str, &str)>) {
    let subj = format!("/CN={cn}");
    let (key, csr, pem) = (
        format!("{name}.key"),
        format!("{name}.csr"),
        format!("{name}.pem"),
    );
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-subj",
            &subj,
            "-keyout",
            &key,
            "-out",
            &csr,
        ],
    );
    let ext = format!("{name}.ext");
    std::fs::write(dir.join(&ext), format!("subjectAltName={san}\n")).unwrap();
    let mut args = vec![
        "ca", "-batch", "-config", "ca.cnf", "-notext", "-in", &csr, "-out", &pem, "-extfile", &ext,
    ];
    if let Some((from, to)) = dates {
        args.extend(["-startdate", from, "-enddate", to]);
    }
    openssl(dir, &args);
}

/// The certificates of these tests, made once per run: a CA ("diag test CA"), "good"
/// (localhost and 127.0.0.1, from the CA), "other" (mail.example.org and
/// *.example.org, from the CA), "expired" (localhost, 2020 only, from the CA) and "self"
/// (localhost, self-signed).
fn certs() -> &'static Certs {
    static CERTS: OnceLock<Certs> = OnceLock::new();
    CERTS.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("tls-diag-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let d = dir.to_string_lossy();
        std::fs::write(
            dir.join("ca.cnf"),
            format!(
                "[ca]\ndefault_ca = d\n[d]\ndatabase = {d}/index.txt\nnew_certs_dir = {d}\n\
                 certificate = {d}/ca.pem\nprivate_key = {d}/ca.key\nserial = {d}/serial\n\
                 default_md = sha256\npolicy = p\ndefault_days = 30\nunique_subject = no\n\
                 [p]\ncommonName = supplied\n"
            ),
        )
        .unwrap();
        std::fs::write(dir.join("index.txt"), "").unwrap();
        std::fs::write(dir.join("serial"), "01\n").unwrap();
        openssl(
            &dir,
            &[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-days",
                "30",
                "-subj",
                "/CN=diag test CA",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
            ],
        );
        leaf(
            &dir,
            "good",
            "localhost",
            "DNS:localhost,IP:127.0.0.1",
            None,
        );
        leaf(
            &dir,
            "other",
            "mail.example.org",
            "DNS:mail.example.org,DNS:*.example.org",
            None,
        );
        let old = Some(("20200101000000Z", "20210101000000Z"));
        leaf(
            &dir,
            "expired",
            "localhost",
            "DNS:localhost,IP:127.0.0.1",
            old,
        );
        openssl(
            &dir,
            &[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-days",
                "30",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout",
                "self.key",
                "-out",
                "self.pem",
            ],
        );
        Certs { dir }
    })
}

/// How a test server talks before its TLS handshake.
#[derive(Clone, Copy)]
enum Before {
    /// Implicit TLS: the handshake at once.
    Nothing,
    /// SMTP: greeting, EHLO offering STARTTLS, STARTTLS accepted.
    SmtpStartTls,
}

fn read_line(s: &mut TcpStream) -> String {
    let mut line = Vec::new();
    let mut b = [0u8; 1];
    while !line.ends_with(b"\n") {
        match s.read(&mut b) {
            Ok(1) => line.push(b[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&line).into_owned()
}

/// A server on 127.0.0.1 taking `conns` connections in turn, each with certificate
/// `identity` after the plain exchange `before`; after the handshake it sends `greeting`
/// and waits for the client to close. Returns its port.
fn tls_server(identity: &str, before: Before, greeting: &'static str, conns: usize) -> u16 {
    let acceptor = TlsAcceptor::new(certs().identity(identity)).unwrap();
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    thread::spawn(move || {
        for _ in 0..conns {
            let Ok((mut s, _)) = l.accept() else { return };
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            if let Before::SmtpStartTls = before {
                s.write_all(b"220 fake ESMTP\r\n").unwrap();
                assert!(read_line(&mut s).starts_with("EHLO "));
                s.write_all(b"250-fake\r\n250 STARTTLS\r\n").unwrap();
                assert_eq!(read_line(&mut s), "STARTTLS\r\n");
                s.write_all(b"220 2.0.0 Ready to start TLS\r\n").unwrap();
            }
            if let Ok(mut t) = acceptor.accept(s) {
                let _ = t.write_all(greeting.as_bytes());
                let mut sink = [0u8; 512];
                while matches!(t.read(&mut sink), Ok(n) if n > 0) {}
            }
        }
    });
    port
}

/// A plain server on 127.0.0.1 that sends `first` at once to each of `conns` connections,
/// then waits for the client to close.
fn plain_server(first: &'static [u8], conns: usize) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    thread::spawn(move || {
        for _ in 0..conns {
            let Ok((mut s, _)) = l.accept() else { return };
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let _ = s.write_all(first);
            let mut sink = [0u8; 512];
            while matches!(s.read(&mut sink), Ok(n) if n > 0) {}
        }
    });
    port
}

fn cfg(kind: SessionKind, port: u16, security: Security, ca: Option<&str>) -> SessionConfig {
    let mut c = SessionConfig::new(kind);
    c.host = "127.0.0.1".into();
    c.port = port;
    c.user = "alice@wd.test".into();
    c.password = Some("alicepw".into());
    c.security = security;
    c.ca_file = ca.map(|n| certs().path(n));
    c.timeout = Some(10);
    c
}

/// Opens a session of `c`'s kind; the error a user would read.
fn open(c: &SessionConfig) -> Error {
    let r = match c.kind {
        SessionKind::Smtp => SmtpClient::connect(c, 600).map(drop),
        _ => registry::open_incoming(c, 600).map(drop),
    };
    let e = r.expect_err("the session must not open");
    eprintln!("{:?} {:?}: {}", c.kind, c.security, e.message);
    e
}

const TRUST: &str = "if the server uses a private CA, trust its certificate with \
                     WD_PROP_CA_FILE (declared sessions) or SSL_CERT_FILE (the whole \
                     process), see docs/TLS.md";

#[test]
fn self_signed_certificate_names_the_trust_settings() {
    let port = tls_server("self", Before::Nothing, "* OK ready\r\n", 2);
    let e = open(&cfg(SessionKind::Imap, port, Security::Implicit, None));
    assert_eq!(e.code, WD_E::Tls);
    assert_eq!(
        e.message,
        format!(
            "TLS handshake with 127.0.0.1:{port} failed: the server's certificate \
             (\"localhost\") is self-signed, not issued by a trusted CA: {TRUST}"
        )
    );
    let system = e.system.unwrap();
    assert!(system.contains("self-signed certificate"), "{system}");
    assert!(system.contains("certificate verify failed"), "{system}");
}

#[test]
fn unknown_ca_names_the_issuer_and_the_trust_settings() {
    let port = tls_server("good", Before::Nothing, "+OK ready <1.2@x>\r\n", 2);
    let e = open(&cfg(SessionKind::Pop3, port, Security::Implicit, None));
    assert_eq!(e.code, WD_E::Tls);
    assert_eq!(
        e.message,
        format!(
            "TLS handshake with 127.0.0.1:{port} failed: the server's certificate is not \
             issued by a trusted CA (its issuer is \"diag test CA\"): {TRUST}"
        )
    );
    assert!(
        e.system
            .unwrap()
            .contains("unable to get local issuer certificate")
    );
    // With the CA the same server is accepted.
    let port = tls_server("good", Before::Nothing, "+OK ready <1.2@x>\r\n", 1);
    let mut c = cfg(SessionKind::Pop3, port, Security::Implicit, Some("ca.pem"));
    c.timeout = Some(2);
    let e = open(&c);
    assert_ne!(e.code, WD_E::Tls, "{}", e.message);
}

#[test]
fn name_mismatch_lists_the_certificate_names() {
    let port = tls_server("other", Before::Nothing, "* OK ready\r\n", 2);
    let e = open(&cfg(
        SessionKind::Imap,
        port,
        Security::Implicit,
        Some("ca.pem"),
    ));
    assert_eq!(e.code, WD_E::Tls);
    assert_eq!(
        e.message,
        format!(
            "TLS handshake with 127.0.0.1:{port} failed: the server's certificate is for \
             mail.example.org, *.example.org, not for 127.0.0.1: connect with one of these \
             names (the server address)"
        )
    );
    assert!(e.system.unwrap().contains("IP address mismatch"));
}

#[test]
fn name_mismatch_after_starttls_reads_the_certificate_again() {
    // The second connection plays the plain exchange again (greeting, EHLO, STARTTLS).
    let port = tls_server("other", Before::SmtpStartTls, "", 2);
    let mut c = cfg(SessionKind::Smtp, port, Security::StartTls, Some("ca.pem"));
    c.host = "localhost".into();
    let e = open(&c);
    assert_eq!(e.code, WD_E::Tls);
    assert_eq!(
        e.message,
        format!(
            "TLS handshake with localhost:{port} failed: the server's certificate is for \
             mail.example.org, *.example.org, not for localhost: connect with one of these \
             names (the server address)"
        )
    );
    let system = e.system.unwrap();
    assert!(system.contains("hostname mismatch"), "{system}");
}

#[test]
fn expired_certificate_gives_the_date() {
    let port = tls_server("expired", Before::Nothing, "* OK ready\r\n", 2);
    let e = open(&cfg(
        SessionKind::Imap,
        port,
        Security::Implicit,
        Some("ca.pem"),
    ));
    assert_eq!(e.code, WD_E::Tls);
    assert_eq!(
        e.message,
        format!(
            "TLS handshake with 127.0.0.1:{port} failed: the server's certificate expired \
             on 2021-01-01 00:00:00 UTC: its administrator must renew it (or this \
             computer's clock is wrong)"
        )
    );
    assert!(e.system.unwrap().contains("certificate has expired"));
}

#[test]
fn tls_hello_answered_in_plain_text_names_the_plain_options() {
    let port = plain_server(b"+OK POP3 ready <1.2@x>\r\n", 1);
    let e = open(&cfg(SessionKind::Pop3, port, Security::Implicit, None));
    assert_eq!(e.code, WD_E::Tls);
    assert_eq!(
        e.message,
        format!(
            "TLS handshake with 127.0.0.1:{port} failed: the server answered the TLS hello \
             in plain text (\"+OK POP3 ready <1.2@x>\"): this port expects a plain \
             connection; use WD_OPTION_NONE, or WD_OPTION_SECURED_TLS to upgrade it with \
             STARTTLS"
        )
    );
    assert!(!e.system.unwrap().is_empty());
}

#[test]
fn connection_closed_during_the_handshake() {
    // The server reads the TLS hello and closes.
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let closing = l.local_addr().unwrap().port();
    thread::spawn(move || {
        if let Ok((s, _)) = l.accept() {
            let mut r = BufReader::new(s);
            let _ = r.fill_buf();
        }
    });
    let e = open(&cfg(SessionKind::Smtp, closing, Security::Implicit, None));
    assert_eq!(e.code, WD_E::Tls);
    assert!(
        e.message.ends_with(
            "failed: the server closed the connection during the TLS handshake: it may not \
             expect TLS on this port (try WD_OPTION_NONE or WD_OPTION_SECURED_TLS), or \
             accept no TLS version from 1.2 on"
        ),
        "{}",
        e.message
    );
}

#[test]
fn tls_record_instead_of_a_greeting_names_wd_option_ssl_on_every_protocol() {
    // A TLS alert record: what some implicit-TLS servers send to a client that speaks
    // first or not at all.
    const ALERT: &[u8] = &[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x32];
    for kind in [SessionKind::Pop3, SessionKind::Imap, SessionKind::Smtp] {
        for security in [Security::None, Security::StartTls] {
            let port = plain_server(ALERT, 1);
            let t0 = Instant::now();
            let e = open(&cfg(kind, port, security, None));
            assert_eq!(e.code, WD_E::Tls, "{kind:?}: {}", e.message);
            assert_eq!(
                e.message,
                "the server answered with a TLS record instead of a greeting: it expects \
                 TLS from the first byte (use WD_OPTION_SSL)"
            );
            assert!(
                t0.elapsed() < Duration::from_secs(5),
                "at once, not at the timeout"
            );
        }
    }
}

#[test]
fn plain_client_on_the_bench_implicit_tls_ports_ends_by_the_opening_deadline() {
    let Some(b) = support::bench::Bench::load("plain client on implicit-TLS ports") else {
        return;
    };
    for (kind, port) in [
        (SessionKind::Pop3, b.pop3s),
        (SessionKind::Imap, b.imaps),
        (SessionKind::Smtp, b.smtps),
    ] {
        let mut c = cfg(kind, port, Security::None, None);
        c.host = b.host.clone();
        c.timeout = Some(2);
        let t0 = Instant::now();
        let e = open(&c);
        let took = t0.elapsed();
        assert_eq!(e.code, WD_E::Timeout, "{kind:?}: {}", e.message);
        assert!(e.message.contains("use WD_OPTION_SSL"), "{}", e.message);
        assert!(took < Duration::from_secs(5), "{kind:?}: {took:?}");
        // The same port with WD_OPTION_SSL opens.
        c.security = Security::Implicit;
        c.ca_file = Some(b.ca.clone());
        c.user = support::bench::var("WD_TEST_USER1");
        c.password = Some(support::bench::var("WD_TEST_PASS1"));
        c.timeout = Some(20);
        let r = match kind {
            SessionKind::Smtp => SmtpClient::connect(&c, 600).map(drop),
            _ => registry::open_incoming(&c, 600).map(drop),
        };
        r.unwrap_or_else(|e| panic!("{kind:?} with WD_OPTION_SSL: {}", e.message));
    }
}
