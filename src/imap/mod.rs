//! IMAP4rev1 client (RFC 3501) over the shared network layer: STARTTLS / implicit TLS,
//! LOGIN and SASL (PLAIN, LOGIN, CRAM-MD5, XOAUTH2, OAUTHBEARER, with SASL-IR),
//! folders (modified UTF-7 names), batched UID FETCH, flags, COPY / MOVE, APPEND.
//!
//! - [`response`] parses responses (sans-IO), [`command`] builds commands;
//! - `client` owns the connection: it frames responses (reading literals after checking
//!   their announced size), handles untagged data arriving during any command (EXISTS,
//!   EXPUNGE, FETCH, CAPABILITY), tags commands and waits for their completion; tagged
//!   NO/BAD are `WD_E::Protocol`, BYE or a dropped connection `WD_E::ConnectionLost`;
//! - `auth` signs in (LOGIN, or a SASL exchange of [`crate::auth`]; refusals are
//!   `WD_E::Auth`);
//! - `mailbox` implements the [`crate::session::Mailbox`] trait: folders, UID FETCH,
//!   flags, COPY / MOVE, APPEND;
//! - `idle` waits for new mail (IDLE, NOOP polling) and keeps the connection alive;
//!   `reconnect` opens again a connection the server closed while it was idle;
//! - [`search`] writes SEARCH commands from [`crate::search::Criteria`] and reads their
//!   answers (SEARCH, ESEARCH); `special_use` gives folders their roles (RFC 6154).

mod auth;
mod client;
pub mod command;
mod idle;
mod mailbox;
mod reconnect;
pub mod response;
pub mod search;
mod special_use;
pub mod utf7;

pub use client::ImapClient;
pub use idle::WaitTiming;

/// Most UIDs named in one UID FETCH command.
pub const UIDS_PER_FETCH: usize = 5000;
