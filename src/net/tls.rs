//! TLS client setup (native-tls over OpenSSL) and handshake error mapping.

use super::ConnectConfig;
use super::tcp::{bare_host, host_port};
use super::wire::Wire;
use crate::error::{Error, Result, WD_E};
use crate::trace;
use native_tls::{Certificate, HandshakeError, Protocol, TlsConnector, TlsStream};
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

/// Runs the client handshake over `wire` for `cfg.host`, within the wire's deadline:
/// every socket call of the handshake waits at most until then, so a server trickling its
/// handshake ends at the deadline like a silent one.
pub(crate) fn handshake(
    conn: &TlsConnector,
    cfg: &ConnectConfig,
    wire: Wire,
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
    match conn.connect(bare_host(&cfg.host), wire) {
        Ok(s) => {
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
            Err(
                Error::new(WD_E::Tls, format!("TLS handshake with {hp} failed: {text}"))
                    .with_system(text),
            )
        }
    }
}
