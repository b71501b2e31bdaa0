//! An IMAP connection given up after a transfer was cancelled by the progress callback
//! (`WD_E_CANCELLED`: the literal it was in the middle of cannot be finished) is opened
//! again before the next call, transparently: same settings, the folder that was
//! selected selected again. It never replays a command that was sent.

use super::client::{ImapClient, PROTO};
use crate::error::Result;
use crate::trace;

impl ImapClient {
    /// Opens the connection again with the settings it was opened with, selecting the
    /// folder selected now.
    pub(super) fn reopen(&mut self) -> Result<()> {
        trace::note(PROTO, "the connection was given up: opening it again");
        let mut cfg = self.cfg.clone();
        if !self.folder.is_empty() {
            cfg.folder = self.folder.clone();
        }
        let mut fresh = ImapClient::open(&cfg, self.global_timeout)?;
        fresh.cfg = self.cfg.clone();
        self.closed = true;
        *self = fresh;
        Ok(())
    }

    /// Before a call: opens the connection again when a cancelled transfer gave it up;
    /// nothing otherwise.
    pub(super) fn revive(&mut self) -> Result<()> {
        if !self.closed && !self.conn.is_usable() && self.conn.was_cancelled() {
            self.reopen()?;
        }
        Ok(())
    }
}
