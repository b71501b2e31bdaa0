//! Waiting for new mail on POP3 (`EmailAttendMessage`).
//!
//! A POP3 session sees the mailbox as it was when it began (RFC 1939): new mail shows
//! only in a new session. So the wait opens a fresh connection every
//! [`POLL_EVERY`], asks STAT and closes it (QUIT, nothing deleted), until the mailbox
//! holds more messages than this session's own view (deleted ones counted). When it
//! does, the session moves to that fresh connection: the messages this session marked
//! deleted are marked again there (found by their UIDL), the old connection is dropped
//! without QUIT (so nothing is deleted twice, and the deletions still happen at
//! `EmailFermeSession` only), and the reader takes a new listing from the fresh session.
//!
//! A POP3 connection the server closed while it was idle cannot be resumed (its
//! deletion marks are gone with it): the next call reports `WD_E_CONNECTION_LOST`
//! ([`Pop3Client::check_idle`]), and so does every call after it until the session is
//! closed and opened again.

use super::{MAX_LISTING, PROTO, Pop3Client, response};
use crate::error::{Error, Result, WD_E};
use crate::session::{Mailbox, MessageRef, WaitUntil, Waited};
use crate::trace;
use std::collections::HashMap;
use std::time::Duration;

/// How often a wait opens a fresh connection to look for new mail.
pub const POLL_EVERY: Duration = Duration::from_secs(2);

impl Pop3Client {
    /// Changes how often [`Pop3Client::wait`] looks (tests).
    pub fn set_poll_interval(&mut self, every: Duration) {
        self.poll_every = every;
    }

    /// UIDL: message number → unique id (empty when the server has no UIDL).
    fn uidl(&mut self) -> Result<HashMap<u32, String>> {
        self.conn.send_line("UIDL")?;
        Ok(match self.read_multi("UIDL", MAX_LISTING)? {
            Ok(body) => response::parse_uidl(&body)?.into_iter().collect(),
            Err(_) => HashMap::new(),
        })
    }

    /// Before a call: `WD_E_CONNECTION_LOST` when the server closed the connection (or
    /// sent anything: a POP3 server speaks only when asked, so that is its farewell)
    /// while it was idle.
    pub(super) fn check_idle(&mut self) -> Result<()> {
        if self.closed || !self.conn.is_usable() || !self.conn.readable_now() {
            return Ok(());
        }
        let said = match self.conn.poll_data(Duration::from_millis(1)) {
            Ok(true) => self.conn.read_line_lossy().unwrap_or_default(),
            _ => String::new(),
        };
        if !said.is_empty() {
            trace::server(PROTO, &said);
        }
        Err(Error::new(
            WD_E::ConnectionLost,
            "the server closed the POP3 connection while it was idle (the deletions of the \
             session are not done): close the session and open it again",
        )
        .with_system(said))
    }

    /// Waits for new mail (see the module).
    pub(super) fn wait(&mut self, w: &WaitUntil) -> Result<Waited> {
        let known = self.stat()?.0 + self.deleted.len() as u32;
        loop {
            let mut fresh = Pop3Client::open(&self.cfg, self.global_timeout)?;
            let now = fresh.stat()?.0;
            if now > known {
                self.move_to(fresh)?;
                return Ok(Waited::NewMail { known });
            }
            let _ = fresh.close();
            if let Some(end) = w.pause(self.poll_every) {
                return Ok(end);
            }
        }
    }

    /// Moves this session to the fresh connection `fresh` (see the module).
    fn move_to(&mut self, mut fresh: Pop3Client) -> Result<()> {
        if !self.deleted.is_empty() {
            let old = self.uidl()?;
            let new = fresh.uidl()?;
            for &n in &self.deleted {
                let number = match old.get(&n).filter(|u| !u.is_empty()) {
                    Some(uid) => new.iter().find(|(_, u)| *u == uid).map(|(&m, _)| m),
                    None => Some(n),
                };
                if let Some(number) = number {
                    fresh.delete(&MessageRef {
                        number,
                        ..MessageRef::default()
                    })?;
                }
            }
        }
        trace::note(PROTO, "new mail: the session moves to a new connection");
        fresh.poll_every = self.poll_every;
        let mut old = std::mem::replace(self, fresh);
        if old.deleted.is_empty() {
            let _ = old.close();
        }
        // Otherwise dropped without QUIT: its deletions were moved, not committed.
        Ok(())
    }
}
