//! Sign-in checks the POP3, IMAP and SMTP tests share: failures against a fake server
//! ([`expect_failures`]) and the order of the methods against the bench's real servers,
//! seen on the wire through a relay ([`SignInOrder`]).

use super::bench::{port, var};
use super::fake_server::{FakeServer, Script};
use super::relay::record;
use wd300com::error::{Error, WD_E};
use wd300com::session::AuthMethod;

/// A sign-in that must fail against a fake server playing `script`: with `method`, the
/// error `code` and whole `message`, the server's reply `system` when given, and the
/// number of client `lines` the server reads (so that nothing else was tried).
pub type Failing<'a> = (Script, AuthMethod, WD_E, &'a str, Option<&'a str>, usize);

/// Runs each case, `open(port, method)` signing in to the fake server.
pub fn expect_failures(cases: Vec<Failing>, open: impl Fn(u16, AuthMethod) -> Result<(), Error>) {
    for (i, (script, method, code, message, system, lines)) in cases.into_iter().enumerate() {
        let server = FakeServer::start(script);
        let e = open(server.port(), method).expect_err("signed in");
        let t = server.join();
        assert_eq!(
            (e.code, e.message.as_str()),
            (code, message),
            "case {i}: {e:?}"
        );
        if system.is_some() {
            assert_eq!(e.system.as_deref(), system, "case {i}");
        }
        assert_eq!(t.assert_ok().lines.len(), lines, "case {i}: {}", t.report());
    }
}

/// The wrong password of [`SignInOrder::check`].
const WRONG: &str = "not the password";

/// A real-server sign-in check for one protocol of the bench: the methods the server
/// and the client share, and how to read a client's sign-in on the wire.
pub struct SignInOrder {
    port: u16,
    /// Every method both sides support, in the automatic order, as `commands` names
    /// them, separated by ", ".
    order: &'static str,
    /// The sign-in commands in what a client sent.
    commands: fn(&str) -> Vec<String>,
    /// How the server's refusals start.
    refusal: &'static str,
    /// The client's last line after a refusal.
    bye: &'static str,
}

/// IMAP: the AUTHENTICATE mechanisms and "LOGIN command".
fn imap_commands(sent: &str) -> Vec<String> {
    let command = |l: &str| {
        let mut words = l.split(' ').skip(1);
        match words.next()? {
            "AUTHENTICATE" => words.next().map(str::to_string),
            "LOGIN" => Some("LOGIN command".to_string()),
            _ => None,
        }
    };
    sent.lines().filter_map(command).collect()
}

/// POP3: the AUTH mechanisms, "APOP", "USER/PASS".
fn pop3_commands(sent: &str) -> Vec<String> {
    let command = |l: &str| match l.split(' ').next()? {
        "AUTH" => l.split(' ').nth(1).map(str::to_string),
        "APOP" => Some("APOP".to_string()),
        "USER" => Some("USER/PASS".to_string()),
        _ => None,
    };
    sent.lines().filter_map(command).collect()
}

/// SMTP: the AUTH mechanisms.
fn smtp_commands(sent: &str) -> Vec<String> {
    let mechanism = |l: &str| Some(l.strip_prefix("AUTH ")?.split(' ').next()?.to_string());
    sent.lines().filter_map(mechanism).collect()
}

impl SignInOrder {
    fn new(
        port_var: &str,
        order: &'static str,
        commands: fn(&str) -> Vec<String>,
        refusal: &'static str,
        bye: &'static str,
    ) -> SignInOrder {
        let port = port(port_var);
        SignInOrder {
            port,
            order,
            commands,
            refusal,
            bye,
        }
    }

    /// Dovecot's IMAP: every SASL mechanism, then the LOGIN command.
    pub fn imap() -> SignInOrder {
        let order = "SCRAM-SHA-256, SCRAM-SHA-1, CRAM-MD5, PLAIN, LOGIN, LOGIN command";
        SignInOrder::new("WD_TEST_IMAP_PORT", order, imap_commands, "NO", " LOGOUT")
    }

    /// Dovecot's POP3: APOP (the greeting has a timestamp) after CRAM-MD5, USER/PASS last.
    pub fn pop3() -> SignInOrder {
        let order = "SCRAM-SHA-256, SCRAM-SHA-1, CRAM-MD5, APOP, PLAIN, LOGIN, USER/PASS";
        SignInOrder::new("WD_TEST_POP3_PORT", order, pop3_commands, "-ERR", "QUIT")
    }

    /// Postfix with Dovecot SASL, on its port without STARTTLS.
    pub fn smtp() -> SignInOrder {
        let order = "SCRAM-SHA-256, SCRAM-SHA-1, CRAM-MD5, PLAIN, LOGIN";
        SignInOrder::new(
            "WD_TEST_SMTP_NOTLS_PORT",
            order,
            smtp_commands,
            "535",
            "QUIT",
        )
    }

    /// Checks through relays, `open(port, method, password)` opening and closing a
    /// session (`None`: the right password): the automatic choice signs in with the
    /// first method alone, a forced SCRAM mechanism with itself. With a wrong password
    /// the automatic choice tries every method in order, a forced one only itself; the
    /// error is `Auth` with the server's last refusal, naming the methods refused before
    /// it, and the client says goodbye.
    pub fn check(&self, open: impl Fn(u16, AuthMethod, Option<&str>) -> Result<(), Error>) {
        let order: Vec<&str> = self.order.split(", ").collect();
        let (sha256, sha1): (&[&str], &[&str]) = (&["SCRAM-SHA-256"], &["SCRAM-SHA-1"]);
        let cases = [
            (AuthMethod::Auto, None, &order[..1]),
            (AuthMethod::ScramSha256, None, sha256),
            (AuthMethod::ScramSha1, None, sha1),
            (AuthMethod::Auto, Some(WRONG), &order),
            (AuthMethod::ScramSha256, Some(WRONG), sha256),
            (AuthMethod::ScramSha1, Some(WRONG), sha1),
        ];
        for (m, password, tried) in cases {
            let (r, sent) = record(&var("WD_TEST_HOST"), self.port, |p| open(p, m, password));
            assert_eq!((self.commands)(&sent), tried, "{m:?} {password:?}: {sent}");
            if password.is_none() {
                r.unwrap_or_else(|e| panic!("{m:?}: {e:?}"));
                continue;
            }
            let e = r.expect_err("signed in with a wrong password");
            assert_eq!(e.code, WD_E::Auth, "{e:?}");
            let reply = e.system.as_deref().unwrap_or_default();
            assert!(reply.starts_with(self.refusal), "{e:?}");
            let before = &tried[..tried.len() - 1];
            let named = format!("(refused before: {})", before.join(", "));
            assert_eq!(e.message.ends_with(&named), !before.is_empty(), "{e:?}");
            assert!(!e.message.contains(WRONG), "{e:?}");
            assert!(sent.trim_end().ends_with(self.bye), "{m:?}: {sent}");
        }
    }
}
