//! SMTP client (RFC 5321) with STARTTLS, AUTH, PIPELINING, CHUNKING, 8BITMIME, SMTPUTF8
//! and SIZE, synchronous or with an asynchronous queue (optionally spooled to disk).
//!
//! - [`response`]: sans-IO reply parser and EHLO capabilities.
//! - [`command`]: command lines and message preparation (pure).
//! - [`client`]: one synchronous session over a [`crate::net::Connection`].
//! - [`queue`] / [`spool`]: asynchronous sending and its on-disk queue.

pub mod client;
pub mod command;
pub mod queue;
pub mod response;
pub mod spool;

pub use client::{Delivery, SmtpClient};
pub use queue::{MailStatus, status};

use crate::error::Result;
use crate::session::{Outgoing, OutgoingMessage, RecipientCheck, SendOutcome, SessionConfig};

/// Opens the outgoing connection of a session: a synchronous [`SmtpClient`], or for
/// `cfg.asynchronous` a queue with its own worker thread and connection.
pub fn open_outgoing(cfg: &SessionConfig, global_timeout: u32) -> Result<Box<dyn Outgoing>> {
    if cfg.asynchronous {
        Ok(Box::new(queue::AsyncOutgoing::open(cfg, global_timeout)?))
    } else {
        Ok(Box::new(SmtpClient::connect(cfg, global_timeout)?))
    }
}

impl Outgoing for SmtpClient {
    /// Sends now: the built source is the transfer the progress callback follows.
    fn send(&mut self, msg: OutgoingMessage) -> Result<SendOutcome> {
        crate::progress::expect(Some(msg.data.len() as u64))?;
        let d = SmtpClient::send(self, &msg)?;
        Ok(SendOutcome::Sent {
            accepted: d.accepted,
            refused: d.refused,
        })
    }

    fn check_recipient(&mut self, address: &str) -> Result<RecipientCheck> {
        SmtpClient::check_recipient(self, address)
    }

    fn close(&mut self, timeout: std::time::Duration) -> Result<()> {
        self.quit(timeout)
    }

    fn keep_alive(&mut self, idle: std::time::Duration) {
        SmtpClient::keep_alive(self, idle)
    }
}
