//! An IMAP connection is opened again before the next call, transparently (same settings,
//! the folder that was selected selected again), in two cases: the server closed it while
//! it was idle (a restart, an idle timeout), or it was given up after a transfer cancelled
//! by the progress callback (`WD_E_CANCELLED`: the literal it was in the middle of cannot
//! be finished). This is the only place the IMAP client reconnects on its own; it never
//! replays a command that was sent (a connection that fails in the middle of a command
//! otherwise is reported to the caller).

use super::client::{ImapClient, PROTO};
use super::response::Response;
use crate::error::Result;
use crate::trace;
use std::time::Duration;

impl ImapClient {
    /// True when the server closed the connection while it was idle (BYE or end of
    /// stream), or the keep-alive found it closed; what the server sent meanwhile
    /// (EXISTS, flag updates) is taken in. Checked without blocking when nothing arrived.
    /// A connection that failed in the middle of an exchange is not one: it stays dead
    /// (its calls fail with `WD_E_CONNECTION_LOST`).
    fn closed_while_idle(&mut self) -> bool {
        if !self.closed && !self.conn.is_usable() {
            return false;
        }
        while !self.closed && self.conn.readable_now() {
            match self.conn.poll_data(Duration::from_millis(1)) {
                Ok(true) => match self.read_response() {
                    Ok(Response::Untagged(u)) => {
                        if self.handle_untagged(&u).is_err() {
                            return true;
                        }
                    }
                    Ok(_) => {}
                    Err(_) => return true,
                },
                // A TLS record not complete yet: the connection lives.
                Ok(false) => break,
                Err(_) => return true,
            }
        }
        self.closed
    }

    /// True when a cancelled transfer gave the connection up.
    fn given_up(&self) -> bool {
        !self.closed && !self.conn.is_usable() && self.conn.was_cancelled()
    }

    /// Opens the connection again with the settings it was opened with, selecting the
    /// folder selected now; the pace of the waits and the messages deleted are kept.
    pub(super) fn reopen(&mut self) -> Result<()> {
        let why = if self.given_up() {
            "the connection was given up: opening it again"
        } else {
            "the server closed the connection: opening it again"
        };
        trace::note(PROTO, why);
        let mut cfg = self.cfg.clone();
        if !self.folder.is_empty() {
            cfg.folder = self.folder.clone();
        }
        let mut fresh = ImapClient::open(&cfg, self.global_timeout)?;
        fresh.cfg = self.cfg.clone();
        fresh.timing = self.timing;
        // The messages this session flagged \Deleted in that folder still go at
        // EmailDetruit, a folder change or the close.
        fresh.deleted = std::mem::take(&mut self.deleted);
        // What changed meanwhile is not known: a listing taken before is out of date.
        fresh.changes = self.changes + 1;
        self.closed = true;
        self.conn.close();
        *self = fresh;
        Ok(())
    }

    /// Before a call: opens the connection again when the server closed it while it was
    /// idle, or when a cancelled transfer gave it up; nothing otherwise.
    pub(super) fn revive(&mut self) -> Result<()> {
        if self.given_up() || self.closed_while_idle() {
            self.reopen()?;
        }
        Ok(())
    }
}
