//! The local mail-server bench of the real-server tests: the `WD_TEST_*` variables that
//! `scripts/mailservers env` prints (`eval "$(scripts/mailservers env)"`).

/// True when the bench is configured (`WD_TEST_HOST` is set). Otherwise the caller
/// skips with a note naming `what`, unless `WD_REQUIRE_SERVERS=1`, where it fails.
pub fn available(what: &str) -> bool {
    if std::env::var_os("WD_TEST_HOST").is_some() {
        return true;
    }
    if std::env::var("WD_REQUIRE_SERVERS").as_deref() == Ok("1") {
        panic!("WD_TEST_HOST is not set and WD_REQUIRE_SERVERS=1: start the bench");
    }
    eprintln!("note: WD_TEST_HOST is not set, skipping the {what}");
    false
}

/// The bench variable `name`; panics when it is not set.
pub fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set"))
}

/// The bench variable `name` as a port number.
pub fn port(name: &str) -> u16 {
    let v = var(name);
    v.parse()
        .unwrap_or_else(|_| panic!("{name}={v:?} is not a port number"))
}

/// The addresses of the bench's servers.
#[derive(Debug, Clone)]
pub struct Bench {
    pub host: String,
    /// Name the certificates are issued for (`localhost`).
    pub tls_name: String,
    /// PEM file of the bench's CA.
    pub ca: String,
    /// Maildir path pattern with `{domain}` and `{local}`.
    pub maildir_fmt: String,
    pub smtp: u16,
    pub smtps: u16,
    /// SMTP without STARTTLS (plain text AUTH allowed).
    pub smtp_notls: u16,
    pub pop3: u16,
    pub pop3s: u16,
    pub imap: u16,
    pub imaps: u16,
}

impl Bench {
    /// The bench, or None (skip, see [`available`]) when it is not configured.
    pub fn load(what: &str) -> Option<Bench> {
        if !available(what) {
            return None;
        }
        Some(Bench {
            host: var("WD_TEST_HOST"),
            tls_name: std::env::var("WD_TEST_TLS_NAME").unwrap_or_else(|_| "localhost".into()),
            ca: var("WD_TEST_CA"),
            maildir_fmt: var("WD_TEST_MAILDIR_FMT"),
            smtp: port("WD_TEST_SMTP_PORT"),
            smtps: port("WD_TEST_SMTPS_PORT"),
            smtp_notls: port("WD_TEST_SMTP_NOTLS_PORT"),
            pop3: port("WD_TEST_POP3_PORT"),
            pop3s: port("WD_TEST_POP3S_PORT"),
            imap: port("WD_TEST_IMAP_PORT"),
            imaps: port("WD_TEST_IMAPS_PORT"),
        })
    }
}
