//! What a user reads when TLS fails: one test per kind of failure, each against a small
//! server with a certificate made here by the `openssl` CLI (self-signed, from an
//! unknown CA, for another name, expired), over implicit TLS and STARTTLS; the greeting
//! checks (a TLS record where a plain greeting was due, on the three protocols); and, on
//! the bench, a plain client on the implicit-TLS ports failing by its opening deadline.

mod support;

use native_tls::TlsAcceptor;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};
use support::certs::Certs;
use wd300com::error::{Error, WD_E};
use wd300com::registry;
use wd300com::session::{Security, SessionConfig, SessionKind};
use wd300com::smtp::SmtpClient;

/// A key and a signing request for `cn`, then the certificate signed by the test CA with
/// `san` and, when given, these validity dates.
fn leaf(certs: &Certs, name: &str, cn: &str, san: &str, dates: Option<(&str, &str)>) {
    let subj = format!("/CN={cn}");
    let [key, csr, pem, ext] = ["key", "csr", "pem", "ext"].map(|x| format!("{name}.{x}"));
    let ec = "ec_paramgen_curve:prime256v1";
    let request = [
        "req", "-new", "-newkey", "ec", "-pkeyopt", ec, "-nodes", "-subj", &subj,
    ];
    certs.openssl(&[&request[..], &["-keyout", &key, "-out", &csr]].concat());
    std::fs::write(certs.dir.join(&ext), format!("subjectAltName={san}\n")).unwrap();
    let mut args = vec!["ca", "-batch", "-config", "ca.cnf", "-notext", "-in", &csr];
    args.extend(["-out", &pem, "-extfile", &ext]);
    if let Some((from, to)) = dates {
        args.extend(["-startdate", from, "-enddate", to]);
    }
    certs.openssl(&args);
}

/// The certificates of these tests, made once per run: a CA ("diag test CA"), "good"
/// (localhost and 127.0.0.1, from the CA), "other" (mail.example.org and
/// *.example.org, from the CA), "expired" (localhost, 2020 only, from the CA) and "self"
/// (localhost, self-signed).
fn certs() -> &'static Certs {
    static CERTS: OnceLock<Certs> = OnceLock::new();
    CERTS.get_or_init(|| {
        let certs = Certs::new("tls-diag");
        let d = certs.dir.to_string_lossy();
        std::fs::write(
            certs.dir.join("ca.cnf"),
            format!(
                "[ca]\ndefault_ca = d\n[d]\ndatabase = {d}/index.txt\nnew_certs_dir = {d}\n\
                 certificate = {d}/ca.pem\nprivate_key = {d}/ca.key\nserial = {d}/serial\n\
                 default_md = sha256\npolicy = p\ndefault_days = 30\nunique_subject = no\n\
                 [p]\ncommonName = supplied\n"
            ),
        )
        .unwrap();
        std::fs::write(certs.dir.join("index.txt"), "").unwrap();
        std::fs::write(certs.dir.join("serial"), "01\n").unwrap();
        let ca_ext = [
            "basicConstraints=critical,CA:TRUE",
            "keyUsage=critical,keyCertSign",
        ];
        certs.self_signed("ca", "/CN=diag test CA", &ca_ext);
        let local = "DNS:localhost,IP:127.0.0.1";
        leaf(&certs, "good", "localhost", local, None);
        leaf(
            &certs,
            "other",
            "mail.example.org",
            "DNS:mail.example.org,DNS:*.example.org",
            None,
        );
        leaf(
            &certs,
            "expired",
            "localhost",
            local,
            Some(("20200101000000Z", "20210101000000Z")),
        );
        certs.self_signed(
            "self",
            "/CN=localhost",
            &[&format!("subjectAltName={local}")],
        );
        certs
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

/// A server on 127.0.0.1 that hands each of `conns` connections in turn to `each`
/// (reads time out after 10 s). Returns its port.
fn serve(conns: usize, each: impl Fn(TcpStream) + Send + 'static) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    thread::spawn(move || {
        for _ in 0..conns {
            let Ok((s, _)) = l.accept() else { return };
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            each(s);
        }
    });
    port
}

/// Reads until the client closes.
fn drain(r: &mut impl Read) {
    let mut sink = [0u8; 512];
    while matches!(r.read(&mut sink), Ok(n) if n > 0) {}
}

/// A server taking `conns` connections, each with certificate `identity` after the plain
/// exchange `before`; after the handshake it sends `greeting` and waits for the client
/// to close. Returns its port.
fn tls_server(identity: &str, before: Before, greeting: &'static str, conns: usize) -> u16 {
    let acceptor = TlsAcceptor::new(certs().identity(identity)).unwrap();
    serve(conns, move |mut s| {
        if let Before::SmtpStartTls = before {
            s.write_all(b"220 fake ESMTP\r\n").unwrap();
            assert!(read_line(&mut s).starts_with("EHLO "));
            s.write_all(b"250-fake\r\n250 STARTTLS\r\n").unwrap();
            assert_eq!(read_line(&mut s), "STARTTLS\r\n");
            s.write_all(b"220 2.0.0 Ready to start TLS\r\n").unwrap();
        }
        if let Ok(mut t) = acceptor.accept(s) {
            let _ = t.write_all(greeting.as_bytes());
            drain(&mut t);
        }
    })
}

/// A plain server that sends `first` at once to each of `conns` connections, then waits
/// for the client to close.
fn plain_server(first: &'static [u8], conns: usize) -> u16 {
    serve(conns, move |mut s| {
        let _ = s.write_all(first);
        drain(&mut s);
    })
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

/// A failed handshake as the user reads it: `WD_E_TLS`, "TLS handshake with `server`
/// failed: " then the explanation (returned), OpenSSL's text (returned) as the system
/// message.
fn explained(e: Error, server: &str) -> (String, String) {
    assert_eq!(e.code, WD_E::Tls, "{}", e.message);
    let start = format!("TLS handshake with {server} failed: ");
    let said = e.message.strip_prefix(&start);
    let said = said.unwrap_or_else(|| panic!("{}", e.message)).to_string();
    (said, e.system.unwrap_or_default())
}

/// An implicit-TLS `kind` session on a server with certificate `identity`, trusting
/// `ca`: what the user reads.
fn implicit(identity: &str, kind: SessionKind, ca: Option<&str>) -> (String, String) {
    let port = tls_server(identity, Before::Nothing, "* OK ready\r\n", 2);
    let e = open(&cfg(kind, port, Security::Implicit, ca));
    explained(e, &format!("127.0.0.1:{port}"))
}

#[test]
fn self_signed_certificate_names_the_trust_settings() {
    let (said, openssl) = implicit("self", SessionKind::Imap, None);
    let short = said.replace(TRUST, "(trust settings)");
    let self_signed = "is self-signed, not issued by a trusted CA";
    assert_eq!(
        short,
        format!("the server's certificate (\"localhost\") {self_signed}: (trust settings)")
    );
    assert!(openssl.ends_with(" (self-signed certificate)"), "{openssl}");
}

#[test]
fn unknown_ca_names_the_issuer_and_the_trust_settings() {
    let (said, openssl) = implicit("good", SessionKind::Pop3, None);
    let issuer = "(its issuer is \"diag test CA\")";
    assert_eq!(
        said,
        format!("the server's certificate is not issued by a trusted CA {issuer}: {TRUST}")
    );
    assert!(
        openssl.contains("unable to get local issuer certificate"),
        "{openssl}"
    );
    // With the CA the same server is accepted.
    let port = tls_server("good", Before::Nothing, "+OK ready <1.2@x>\r\n", 1);
    let mut c = cfg(SessionKind::Pop3, port, Security::Implicit, Some("ca.pem"));
    c.timeout = Some(2);
    let e = open(&c);
    assert_ne!(e.code, WD_E::Tls, "{}", e.message);
}

const OTHER_NAMES: &str = "the server's certificate is for mail.example.org, *.example.org";

#[test]
fn name_mismatch_lists_the_certificate_names() {
    let (said, openssl) = implicit("other", SessionKind::Imap, Some("ca.pem"));
    let advice = "connect with one of these names (the server address)";
    assert_eq!(said, format!("{OTHER_NAMES}, not for 127.0.0.1: {advice}"));
    assert!(openssl.contains("IP address mismatch"), "{openssl}");
}

#[test]
fn name_mismatch_after_starttls_reads_the_certificate_again() {
    // The second connection plays the plain exchange again (greeting, EHLO, STARTTLS).
    let port = tls_server("other", Before::SmtpStartTls, "", 2);
    let mut c = cfg(SessionKind::Smtp, port, Security::StartTls, Some("ca.pem"));
    c.host = "localhost".into();
    let (said, openssl) = explained(open(&c), &format!("localhost:{port}"));
    let advice = "connect with one of these names (the server address)";
    assert_eq!(said, format!("{OTHER_NAMES}, not for localhost: {advice}"));
    assert!(openssl.contains("(hostname mismatch)"), "{openssl}");
}

#[test]
fn expired_certificate_gives_the_date() {
    let (said, openssl) = implicit("expired", SessionKind::Imap, Some("ca.pem"));
    let advice = "its administrator must renew it (or this computer's clock is wrong)";
    let parts: Vec<&str> = said.split(": ").collect();
    let expired = "the server's certificate expired on 2021-01-01 00:00:00 UTC";
    assert_eq!(parts, [expired, advice]);
    assert!(openssl.contains("certificate has expired"), "{openssl}");
}

#[test]
fn tls_hello_answered_in_plain_text_names_the_plain_options() {
    let port = plain_server(b"+OK POP3 ready <1.2@x>\r\n", 1);
    let e = open(&cfg(SessionKind::Pop3, port, Security::Implicit, None));
    let (said, openssl) = explained(e, &format!("127.0.0.1:{port}"));
    let options = "use WD_OPTION_NONE, or WD_OPTION_SECURED_TLS to upgrade it with STARTTLS";
    let first = "(\"+OK POP3 ready <1.2@x>\")";
    let want = format!(
        "the server answered the TLS hello in plain text {first}: this port expects a plain connection; {options}"
    );
    assert_eq!(said, want);
    assert!(openssl.contains("wrong version number"), "{openssl}");
}

#[test]
fn connection_closed_during_the_handshake() {
    // The server reads the TLS hello and closes.
    let port = serve(1, |s| {
        let _ = BufReader::new(s).fill_buf();
    });
    let e = open(&cfg(SessionKind::Smtp, port, Security::Implicit, None));
    let (said, _) = explained(e, &format!("127.0.0.1:{port}"));
    let options = "(try WD_OPTION_NONE or WD_OPTION_SECURED_TLS)";
    let want = format!(
        "the server closed the connection during the TLS handshake: it may not expect TLS on this port {options}, or accept no TLS version from 1.2 on"
    );
    assert_eq!(said, want);
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
        c.password = Some(support::bench::var("WD_TEST_PASS1").into());
        c.timeout = Some(20);
        let r = match kind {
            SessionKind::Smtp => SmtpClient::connect(&c, 600).map(drop),
            _ => registry::open_incoming(&c, 600).map(drop),
        };
        r.unwrap_or_else(|e| panic!("{kind:?} with WD_OPTION_SSL: {}", e.message));
    }
}
