//! Scriptable fake SMTP / POP3 / IMAP server for integration tests.
//!
//! A [`Script`] is a list of steps (send, expect, faults, ...) executed
//! against ONE accepted connection on a background thread. Everything the
//! client sends is recorded and returned as a [`Transcript`] by
//! [`FakeServer::join`].
//!
//! ```ignore
//! let server = FakeServer::start(
//!     Script::new()
//!         .send("+OK ready\r\n")
//!         .expect("USER ")
//!         .send("+OK\r\n")
//!         .expect("QUIT")
//!         .send("+OK bye\r\n"),
//! );
//! // ... run the client against 127.0.0.1:server.port() ...
//! let t = server.join();
//! t.assert_ok();
//! ```
//!
//! Flights: a flight is a group of client bytes received with no server
//! write in between. Before each server write that follows client data, the
//! server keeps reading for a short grace period (see
//! [`Script::flight_grace`]) so that a pipelined client issuing several
//! `write()` calls is still counted as a single flight.
//!
//! Modules: `script` (the steps), `play` (how each step runs), `faults`
//! (the misbehaving steps), `conn` (the recorded, buffered connection),
//! `transcript` (what is returned), `server` (listener and threads),
//! `tls` (the test certificates), `tags` (IMAP tags shown to scripts in a
//! fixed form).

// Not every test uses every item.
#![allow(unused_imports)]

mod conn;
mod faults;
mod play;
mod script;
mod server;
mod tags;
mod tls;
mod transcript;

pub use conn::Conn;
pub use script::Script;
pub use server::FakeServer;
pub use tls::{fake_ca_path, fake_ca_pem, fake_tls_connector, fake_tls_dir};
pub use transcript::Transcript;

use std::time::Duration;

/// Default timeout of each read step (whole line / whole block).
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(20);
/// Default time [`FakeServer::join`] waits for the script thread.
pub const DEFAULT_JOIN_TIMEOUT: Duration = Duration::from_secs(30);
/// Default grace period used to merge pipelined client writes in one flight.
pub const DEFAULT_FLIGHT_GRACE: Duration = Duration::from_millis(25);
/// Upper bound of [`Script::stall_forever`].
pub const STALL_FOREVER_CAP: Duration = Duration::from_secs(60);
/// How long the server waits for a client to connect.
pub const ACCEPT_CAP: Duration = Duration::from_secs(60);
/// Reply sent by [`Script::expect_bdat_last`] after each non-LAST chunk.
pub const DEFAULT_BDAT_REPLY: &str = "250 2.0.0 Chunk accepted\r\n";
/// Continuation sent for synchronizing IMAP literals.
pub const LITERAL_CONTINUATION: &str = "+ go ahead\r\n";

const MAX_CLIENT_LINE: usize = 4 << 20;
const END_LINGER: Duration = Duration::from_millis(200);
