//! Waiting for new mail on the reader's connection, and what the session's keep-alive
//! and revival ask of it (see [`crate::registry`] and [`crate::keepalive`]).

use super::{Position, Reader};
use crate::error::Result;
use crate::session::{WaitUntil, Waited};
use std::time::{Duration, Instant};

impl Reader {
    /// Waits for new mail (`EmailAttendMessage`) until `w` says the wait is over: true
    /// when mail came. The \Seen flags owed are written first. When mail came the
    /// listing is taken again so that the next forward move (`EmailLitSuivant`) reads the
    /// new messages: the cursor stays on the message it was on (found by UID), past the
    /// end of the old listing it goes to its last message, and without a listing it goes
    /// to the last message that was there before the new ones.
    pub fn wait_for_mail(&mut self, w: &WaitUntil) -> Result<bool> {
        self.flush_seen()?;
        match self.mailbox.wait_new_mail(w)? {
            Waited::NewMail { known } => {
                self.relist_after_new_mail(known)?;
                Ok(true)
            }
            Waited::TimedOut | Waited::GaveWay => Ok(false),
        }
    }

    fn relist_after_new_mail(&mut self, known: u32) -> Result<()> {
        let anchor = match self.position {
            Position::At(i) => self.listing.get(i),
            Position::AfterLast => self.listing.last(),
            Position::BeforeFirst => None,
        }
        .map(|r| r.uid.clone())
        .filter(|u| !u.is_empty());
        let stay_before_first =
            self.listed_with.is_some() && self.position == Position::BeforeFirst;
        let opts = self.listed_with.unwrap_or_default();
        self.ahead.clear();
        self.listing = self.mailbox.list(opts)?;
        // The new listing leaves the deleted messages out.
        self.gone.clear();
        self.listed_with = Some(opts);
        self.listed_changes = self.mailbox.changes();
        let on = anchor.and_then(|u| self.listing.iter().position(|r| r.uid == u));
        let before_new = || self.listing.iter().rposition(|r| r.number <= known);
        self.position = match on.or_else(before_new) {
            Some(i) if !stay_before_first => Position::At(i),
            _ => Position::BeforeFirst,
        };
        Ok(())
    }

    /// Marks the end of a call (the keep-alive counts idleness from it).
    pub fn touch(&mut self) {
        self.last_used = Instant::now();
    }

    /// NOOP when the connection has been idle for `idle` or longer; a failure is left to
    /// the next call ([`Reader::revive`], or its own error).
    pub fn keep_alive(&mut self, idle: Duration) {
        if self.last_used.elapsed() >= idle {
            let _ = self.mailbox.keep_alive();
            self.touch();
        }
    }

    /// Before a call: opens the connection again when the server closed it while idle
    /// (IMAP; a POP3 session reports the loss at its next command).
    pub fn revive(&mut self) -> Result<()> {
        self.mailbox.revive()
    }
}
