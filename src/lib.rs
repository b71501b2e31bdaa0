//! wd300com: an email client library (SMTP, POP3, IMAP, MIME) with a plain C ABI that
//! re-creates the WLangage `Email…` functions. The safe core lives in the protocol and
//! message modules; `ffi` is the only place with C-callable functions and `unsafe`.
#![deny(unsafe_code)]

pub mod auth;
pub mod codes;
pub mod error;
pub mod files;
pub mod imap;
pub mod keepalive;
pub mod limits;
pub mod message;
pub mod net;
pub mod oauth2;
pub mod pop3;
pub mod progress;
pub mod reader;
pub mod reentry;
pub mod registry;
pub mod search;
pub mod secret;
pub mod session;
pub mod smtp;
pub mod text;
pub mod trace;

/// The seeded generator of the fuzz loops, shared with the integration tests.
#[cfg(test)]
#[allow(dead_code)]
#[path = "../tests/support/rng.rs"]
pub(crate) mod test_rng;

#[allow(unsafe_code)]
pub mod ffi;
