//! The test CA and the localhost certificate of the fake servers.

use std::path::PathBuf;
use std::sync::LazyLock;

/// Directory holding the test CA and the localhost server certificate.
pub fn fake_tls_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls")
}

/// Path of the PEM CA certificate that signed the fake server certificate.
pub fn fake_ca_path() -> PathBuf {
    fake_tls_dir().join("ca.pem")
}

/// Contents of [`fake_ca_path`].
pub fn fake_ca_pem() -> Vec<u8> {
    std::fs::read(fake_ca_path()).expect("read test CA certificate")
}

/// A client-side connector trusting the fake CA (for tests written with
/// plain native_tls clients).
pub fn fake_tls_connector() -> native_tls::TlsConnector {
    let ca = native_tls::Certificate::from_pem(&fake_ca_pem()).expect("parse test CA");
    native_tls::TlsConnector::builder()
        .add_root_certificate(ca)
        .build()
        .expect("build TLS connector")
}

static ACCEPTOR: LazyLock<Result<native_tls::TlsAcceptor, String>> = LazyLock::new(|| {
    let dir = fake_tls_dir();
    let cert = std::fs::read(dir.join("server.pem")).map_err(|e| format!("server.pem: {e}"))?;
    let key = std::fs::read(dir.join("server.key")).map_err(|e| format!("server.key: {e}"))?;
    let id = native_tls::Identity::from_pkcs8(&cert, &key).map_err(|e| format!("identity: {e}"))?;
    native_tls::TlsAcceptor::new(id).map_err(|e| format!("acceptor: {e}"))
});

pub(super) fn acceptor() -> Result<native_tls::TlsAcceptor, String> {
    ACCEPTOR.clone()
}
