//! Signing in, without I/O, for SMTP AUTH, POP3 AUTH / APOP / USER-PASS and IMAP
//! AUTHENTICATE / LOGIN.
//!
//! - [`mechanism`]: the SASL mechanisms (PLAIN, LOGIN, CRAM-MD5, SCRAM, XOAUTH2,
//!   OAUTHBEARER) and the pure functions building the base64 responses;
//! - [`mod@select`]: which method to use ([`select()`]: forced by the session or chosen
//!   automatically, as an ordered list of candidates) and how the candidates are run
//!   ([`sign_in`]);
//! - [`mod@exchange`]: one SASL exchange ([`Exchange`]: `initial()`, `step(challenge)`) and
//!   the loop ([`exchange()`]) each protocol drives through its [`Transport`];
//! - [`scram`]: SCRAM-SHA-256 and SCRAM-SHA-1 (RFC 7677, RFC 5802), with the password
//!   prepared by [`saslprep`];
//! - [`apop`]: the POP3 APOP digest.

pub mod apop;
pub mod exchange;
pub mod mechanism;
pub mod saslprep;
pub mod scram;
pub mod select;

pub use apop::{apop_digest, apop_timestamp};
pub use exchange::{Exchange, Reply, Response, Step, Transport, exchange};
pub use mechanism::{
    Mechanism, cram_md5, decode_challenge, login_pass, login_user, oauth_abort, oauthbearer,
    oauthbearer_raw, plain, xoauth2,
};
pub use select::{Credentials, Failure, Method, Offer, select, sign_in, sign_in_linked};

/// Asserts that `e` has `code` and a message holding `needle` (tests of this module).
#[cfg(test)]
fn assert_error(e: &crate::error::Error, code: crate::error::WD_E, needle: &str) {
    assert_eq!(e.code, code, "{e:?}");
    assert!(e.message.contains(needle), "{needle:?} not in {e:?}");
}
