//! TLS client setup (native-tls over OpenSSL) and handshake failures explained: each kind
//! of failure (untrusted CA, name mismatch, expired certificate, plain text answering the
//! TLS hello…) becomes a sentence saying what to change, OpenSSL's text kept as the
//! system message. Other TLS back-ends give other texts: those read as `Other`.

use super::ConnectConfig;
use super::cert::CertInfo;
use super::tcp::{bare_host, host_port};
use super::wire::Wire;
use crate::error::{Error, Result, WD_E};
use crate::trace;
use native_tls::{Certificate, HandshakeError, Protocol, TlsConnector, TlsStream};
use parking_lot::Mutex;
use std::sync::Arc;
use std::time::Instant;

/// Reads the PEM certificates of `path` (one or several).
fn load_ca_file(path: &str) -> Result<Vec<Certificate>> {
    let pem = std::fs::read(path).map_err(|e| Error::io("cannot read CA file", path, &e))?;
    let certs = Certificate::stack_from_pem(&pem).map_err(|e| {
        Error::new(WD_E::Tls, format!("invalid CA file {path}: {e}")).with_system(e.to_string())
    })?;
    if certs.is_empty() {
        return Err(Error::new(
            WD_E::Tls,
            format!("invalid CA file {path}: no PEM certificate"),
        ));
    }
    Ok(certs)
}

/// Builds the connector for `cfg`: TLS 1.2 minimum, system roots plus `ca_file`,
/// certificate and host name checks unless `accept_invalid_certs`.
pub(crate) fn connector(cfg: &ConnectConfig) -> Result<TlsConnector> {
    let mut b = TlsConnector::builder();
    b.min_protocol_version(Some(Protocol::Tlsv12));
    if let Some(path) = cfg.ca_file.as_deref().filter(|p| !p.is_empty()) {
        for c in load_ca_file(path)? {
            b.add_root_certificate(c);
        }
    }
    if cfg.accept_invalid_certs {
        b.danger_accept_invalid_certs(true);
        b.danger_accept_invalid_hostnames(true);
    }
    b.build().map_err(|e| {
        Error::new(WD_E::Tls, format!("cannot set up TLS: {e}")).with_system(e.to_string())
    })
}

/// Most bytes of the server's first answer kept to explain a failed handshake.
const FIRST_BYTES: usize = 80;

/// Runs the client handshake over `wire` for `cfg.host`, within the wire's deadline:
/// every socket call of the handshake waits at most until then, so a server trickling its
/// handshake ends at the deadline like a silent one. A failure is explained
/// ([`explain`]); the OpenSSL text is the error's system message.
pub(crate) fn handshake(
    conn: &TlsConnector,
    cfg: &ConnectConfig,
    mut wire: Wire,
    proto: &str,
) -> Result<TlsStream<Wire>> {
    let hp = host_port(&cfg.host, cfg.port);
    trace::note(proto, &format!("TLS handshake with {hp}"));
    let deadline = wire.pace.deadline();
    let timed_out = |text: String| {
        trace::note(proto, &format!("TLS handshake failed: {text}"));
        Error::new(
            WD_E::Timeout,
            format!("TLS handshake with {hp}: not completed within the timeout"),
        )
        .with_system(text)
    };
    let first = Arc::new(Mutex::new(Vec::new()));
    wire.capture = Some((first.clone(), FIRST_BYTES));
    match conn.connect(bare_host(&cfg.host), wire) {
        Ok(mut s) => {
            s.get_mut().capture = None;
            trace::note(
                proto,
                if cfg.accept_invalid_certs {
                    "TLS established (certificate not checked)"
                } else {
                    "TLS established, certificate verified"
                },
            );
            Ok(s)
        }
        Err(HandshakeError::WouldBlock(_)) => Err(timed_out("would block".to_string())),
        Err(HandshakeError::Failure(e)) => {
            let text = e.to_string();
            // The wire fails its calls once the deadline passed.
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(timed_out(text));
            }
            trace::note(proto, &format!("TLS handshake failed: {text}"));
            let failure = classify(&text, &first.lock());
            Err(failure_error(&cfg.host, cfg.port, &failure, None, &text))
        }
    }
}

/// Why a TLS handshake failed, read from OpenSSL's text and the server's first bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The certificate does not lead to a trusted CA; `self_signed`: it is its own issuer.
    Untrusted {
        self_signed: bool,
    },
    /// The certificate does not hold the name (or address) connected to.
    NameMismatch,
    Expired,
    NotYetValid,
    /// Another certificate problem.
    Rejected,
    /// The server answered the TLS hello with plain text (its first line, when seen).
    PlainText(String),
    /// The server closed the connection during the handshake.
    Closed,
    /// The server refused the handshake (an alert: no common version or cipher…).
    Refused,
    Other,
}

impl Failure {
    /// True for the failures about the server's certificate, which the certificate's
    /// names and dates explain.
    pub(crate) fn about_certificate(&self) -> bool {
        matches!(
            self,
            Failure::Untrusted { .. }
                | Failure::NameMismatch
                | Failure::Expired
                | Failure::NotYetValid
                | Failure::Rejected
        )
    }
}

/// Classifies a failed handshake: OpenSSL's `text`, and `first`, the first bytes the
/// server sent (a TLS record starts with a content type from 20 to 24).
pub(crate) fn classify(text: &str, first: &[u8]) -> Failure {
    if first.first().is_some_and(|b| !(0x14..=0x18).contains(b)) {
        let line = String::from_utf8_lossy(first);
        let line = line.lines().next().unwrap_or("");
        let shown: String = line.chars().filter(|c| !c.is_control()).collect();
        return Failure::PlainText(shown);
    }
    let t = text.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
    if has(&["certificate has expired"]) {
        Failure::Expired
    } else if has(&["certificate is not yet valid"]) {
        Failure::NotYetValid
    } else if has(&["hostname mismatch", "ip address mismatch"]) {
        Failure::NameMismatch
    } else if has(&["self-signed certificate in", "self signed certificate in"]) {
        Failure::Untrusted { self_signed: false }
    } else if has(&["self-signed certificate", "self signed certificate"]) {
        Failure::Untrusted { self_signed: true }
    } else if has(&[
        "unable to get local issuer",
        "unable to get issuer",
        "unable to verify the first certificate",
    ]) {
        Failure::Untrusted { self_signed: false }
    } else if has(&["certificate verify failed"]) {
        Failure::Rejected
    } else if has(&[
        "wrong version number",
        "packet length too long",
        "record layer failure",
        "unknown protocol",
        "http request",
    ]) {
        Failure::PlainText(String::new())
    } else if has(&["unexpected eof", "connection reset", "broken pipe"]) {
        Failure::Closed
    } else if has(&[
        "alert",
        "no shared cipher",
        "unsupported protocol",
        "no protocols available",
        "no suitable",
    ]) {
        Failure::Refused
    } else {
        Failure::Other
    }
}

/// OpenSSL's reason in `text` ("error:0A000086:SSL routines:func:reason:file:line: (why)"
/// gives "reason (why)"); the text itself when it has another form.
fn reason(text: &str) -> String {
    let why = text
        .rfind(" (")
        .filter(|_| text.ends_with(')'))
        .map(|i| &text[i..])
        .unwrap_or("");
    match text.strip_prefix("error:").map(|r| r.split(':').nth(3)) {
        Some(Some(r)) if !r.is_empty() => format!("{r}{why}"),
        _ => text.to_string(),
    }
}

/// The sentence a user can act on for `failure` with `host` (`cert`: the server's
/// certificate, when it could be read).
pub(crate) fn explain(
    failure: &Failure,
    host: &str,
    cert: Option<&CertInfo>,
    text: &str,
) -> String {
    const TRUST: &str = "if the server uses a private CA, trust its certificate with \
                         WD_PROP_CA_FILE (declared sessions) or SSL_CERT_FILE (the whole \
                         process), see docs/TLS.md";
    let quoted = |v: Option<&String>| v.map(|n| format!(" (\"{n}\")")).unwrap_or_default();
    let host = bare_host(host);
    match failure {
        Failure::Untrusted { self_signed: true } => format!(
            "the server's certificate{} is self-signed, not issued by a trusted CA: {TRUST}",
            quoted(cert.and_then(|c| c.subject.as_ref()))
        ),
        Failure::Untrusted { self_signed: false } => format!(
            "the server's certificate is not issued by a trusted CA{}: {TRUST}",
            cert.and_then(|c| c.issuer.as_ref())
                .map(|i| format!(" (its issuer is \"{i}\")"))
                .unwrap_or_default()
        ),
        Failure::NameMismatch => match cert.filter(|c| !c.names.is_empty()) {
            Some(c) => format!(
                "the server's certificate is for {}, not for {host}: connect with one of \
                 these names (the server address)",
                c.names.join(", ")
            ),
            None => format!(
                "the server's certificate does not hold the name {host}: connect with a \
                 name it holds (the server address)"
            ),
        },
        Failure::Expired => match cert.and_then(|c| c.not_after.as_ref()) {
            Some(d) => format!(
                "the server's certificate expired on {d}: its administrator must renew it \
                 (or this computer's clock is wrong)"
            ),
            None => "the server's certificate has expired: its administrator must renew it \
                     (or this computer's clock is wrong)"
                .to_string(),
        },
        Failure::NotYetValid => format!(
            "the server's certificate is not valid yet{}: check this computer's clock",
            cert.and_then(|c| c.not_before.as_ref())
                .map(|d| format!(" (valid from {d})"))
                .unwrap_or_default()
        ),
        Failure::Rejected => format!(
            "the server's certificate was refused ({}): ask its administrator",
            reason(text)
        ),
        Failure::PlainText(line) => format!(
            "the server answered the TLS hello in plain text{}: this port expects a plain \
             connection; use WD_OPTION_NONE, or WD_OPTION_SECURED_TLS to upgrade it with \
             STARTTLS",
            if line.is_empty() {
                String::new()
            } else {
                format!(" (\"{}\")", line.chars().take(60).collect::<String>())
            }
        ),
        Failure::Closed => "the server closed the connection during the TLS handshake: it may \
                            not expect TLS on this port (try WD_OPTION_NONE or \
                            WD_OPTION_SECURED_TLS), or accept no TLS version from 1.2 on"
            .to_string(),
        Failure::Refused => format!(
            "the server refused the TLS handshake ({}): it may accept only TLS versions \
             older than 1.2, or ask for a client certificate",
            reason(text)
        ),
        Failure::Other => reason(text),
    }
}

/// The `WD_E_TLS` error of a failed handshake with `host:port`: the explanation as the
/// message, OpenSSL's text as the system message.
pub(crate) fn failure_error(
    host: &str,
    port: u16,
    failure: &Failure,
    cert: Option<&CertInfo>,
    text: &str,
) -> Error {
    Error::new(
        WD_E::Tls,
        format!(
            "TLS handshake with {} failed: {}",
            host_port(host, port),
            explain(failure, host, cert, text)
        ),
    )
    .with_system(text)
}

/// The server's certificate, read with `wire` (a connection where the server waits for
/// the TLS hello) through a handshake that checks nothing; `None` when it cannot be had.
pub(crate) fn peer_certificate(cfg: &ConnectConfig, wire: Wire) -> Option<CertInfo> {
    let mut b = TlsConnector::builder();
    b.danger_accept_invalid_certs(true);
    b.danger_accept_invalid_hostnames(true);
    let mut s = b.build().ok()?.connect(bare_host(&cfg.host), wire).ok()?;
    let der = s.peer_certificate().ok()??.to_der().ok()?;
    let _ = s.shutdown();
    super::cert::read(&der)
}

#[cfg(test)]
mod tests {
    use super::*;

    const VERIFY: &str = "error:0A000086:SSL routines:tls_post_process_server_certificate:\
                          certificate verify failed:../ssl/statem/statem_clnt.c:1889: ";

    #[test]
    fn openssl_texts() {
        let f = |why: &str| classify(&format!("{VERIFY}({why})"), &[]);
        assert_eq!(f("certificate has expired"), Failure::Expired);
        assert_eq!(f("certificate is not yet valid"), Failure::NotYetValid);
        assert_eq!(f("Hostname mismatch"), Failure::NameMismatch);
        assert_eq!(f("IP address mismatch"), Failure::NameMismatch);
        assert_eq!(
            f("self-signed certificate"),
            Failure::Untrusted { self_signed: true }
        );
        assert_eq!(
            f("self signed certificate"),
            Failure::Untrusted { self_signed: true }
        );
        let chain = Failure::Untrusted { self_signed: false };
        assert_eq!(f("self-signed certificate in certificate chain"), chain);
        assert_eq!(f("unable to get local issuer certificate"), chain);
        assert_eq!(f("unsupported certificate purpose"), Failure::Rejected);
        let wrong = "error:0A00010B:SSL routines:ssl3_get_record:wrong version number:\
                     ../ssl/record/ssl3_record.c:354:";
        assert_eq!(classify(wrong, &[]), Failure::PlainText(String::new()));
        assert_eq!(
            classify(wrong, b"+OK POP3 ready <1.2@x>\r\n"),
            Failure::PlainText("+OK POP3 ready <1.2@x>".into())
        );
        assert_eq!(
            classify("anything", &[0x15, 3, 3, 0, 2, 2, 70]),
            Failure::Other
        );
        let eof = "error:0A000126:SSL routines::unexpected eof while reading:\
                   ../ssl/record/rec_layer_s3.c:317:";
        assert_eq!(classify(eof, &[]), Failure::Closed);
        let alert = "error:0A00042E:SSL routines:ssl3_read_bytes:tlsv1 alert protocol \
                     version:../ssl/record/rec_layer_s3.c:1584:SSL alert number 70";
        assert_eq!(classify(alert, &[0x15]), Failure::Refused);
        assert_eq!(
            explain(&Failure::Refused, "h", None, alert),
            "the server refused the TLS handshake (tlsv1 alert protocol version): it may \
             accept only TLS versions older than 1.2, or ask for a client certificate"
        );
        assert_eq!(
            reason(&format!("{VERIFY}(unsupported certificate purpose)")),
            "certificate verify failed (unsupported certificate purpose)"
        );
    }

    #[test]
    fn messages_name_what_to_do() {
        let cert = CertInfo {
            subject: Some("mail.example.org".into()),
            issuer: Some("Example CA".into()),
            names: vec!["mail.example.org".into(), "*.example.org".into()],
            not_before: Some("2020-01-01 00:00:00 UTC".into()),
            not_after: Some("2021-01-01 00:00:00 UTC".into()),
        };
        let e = failure_error("[::1]", 993, &Failure::NameMismatch, Some(&cert), "x");
        assert_eq!(e.code, WD_E::Tls);
        assert_eq!(e.system.as_deref(), Some("x"));
        assert_eq!(
            e.message,
            "TLS handshake with [::1]:993 failed: the server's certificate is for \
             mail.example.org, *.example.org, not for ::1: connect with one of these names \
             (the server address)"
        );
        let m = explain(&Failure::Expired, "h", Some(&cert), "");
        assert!(m.contains("expired on 2021-01-01 00:00:00 UTC"), "{m}");
        let m = explain(
            &Failure::Untrusted { self_signed: false },
            "h",
            Some(&cert),
            "",
        );
        assert!(m.contains("(its issuer is \"Example CA\")") && m.contains("WD_PROP_CA_FILE"));
        assert!(m.contains("SSL_CERT_FILE"), "{m}");
        let m = explain(&Failure::PlainText("* OK ready".into()), "h", None, "");
        assert!(
            m.contains("(\"* OK ready\")") && m.contains("WD_OPTION_NONE"),
            "{m}"
        );
    }
}
