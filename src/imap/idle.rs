//! Waiting for new mail on an IMAP connection (`EmailAttendMessage`): IDLE (RFC 2177)
//! when the server offers it, NOOP polling otherwise; and the keep-alive NOOP.
//!
//! New mail is an EXISTS that raises the message count: over the messages the last
//! listing saw ([`ImapClient::listed`]) at once, or during the wait. An IDLE ends with
//! DONE when mail came, the time is up, another caller wants the connection
//! ([`WaitUntil::give_way`], checked every [`GIVE_WAY_CHECK`]) or it is time to send it
//! again ([`WaitTiming::idle_reissue`], before the 30 minutes after which a server may
//! drop an idling client). A connection the server closes during the wait (a restart)
//! is opened again ([`ImapClient::reopen`], tried every second while the server cannot
//! be reached, within the wait) and the wait goes on; once per wait.

use super::client::{ImapClient, PROTO, reply_text};
use super::command::Part;
use super::response::{Response, Status};
use crate::error::{Error, Result, WD_E};
use crate::session::{GIVE_WAY_CHECK, WaitUntil, Waited};
use crate::trace;
use std::time::{Duration, Instant};

/// The pace of a wait for new mail (tests shorten it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitTiming {
    /// An IDLE is ended with DONE and sent again after this long (RFC 2177 advises at
    /// least every 29 minutes).
    pub idle_reissue: Duration,
    /// Without IDLE: one NOOP this often.
    pub noop_poll: Duration,
}

impl Default for WaitTiming {
    fn default() -> Self {
        WaitTiming {
            idle_reissue: Duration::from_secs(28 * 60),
            noop_poll: Duration::from_secs(2),
        }
    }
}

/// What one response read during an IDLE says.
enum Heard {
    /// The continuation request: the server idles.
    Ready,
    /// Untagged data (taken in: an EXISTS raising the count sets `grew`).
    Data,
    /// The IDLE completed (the server ended it).
    Ended,
}

impl ImapClient {
    /// Changes the pace of [`ImapClient::wait`] (tests).
    pub fn set_wait_timing(&mut self, timing: WaitTiming) {
        self.timing = timing;
    }

    /// Waits for new mail until `w` says the wait is over (see the module).
    pub(super) fn wait(&mut self, w: &WaitUntil) -> Result<Waited> {
        let known = self.listed.min(self.exists);
        let mail = Waited::NewMail { known };
        if self.exists > known {
            return Ok(mail);
        }
        // From here on an EXISTS that raises the count ([`ImapClient::handle_untagged`])
        // is new mail.
        self.grew = false;
        let mut reopened = false;
        loop {
            let round = if self.has("IDLE") && Instant::now() < w.until {
                self.idle_round(w)
            } else {
                self.noop_round(w)
            };
            match round {
                Ok(Some(Waited::NewMail { .. })) => return Ok(mail),
                Ok(Some(end)) => return Ok(end),
                Ok(None) => {}
                Err(e) if e.code == WD_E::ConnectionLost && !reopened => {
                    trace::note(PROTO, &format!("during the wait: {}", e.message));
                    reopened = true;
                    self.reopen_within(w)?;
                    if self.exists > known {
                        return Ok(mail);
                    }
                    // The SELECT of the new connection counted the messages again.
                    self.grew = false;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Opens the connection again during a wait, trying every second while the server
    /// cannot be reached (a restart takes a moment) until the wait is over; then the
    /// last error.
    fn reopen_within(&mut self, w: &WaitUntil) -> Result<()> {
        loop {
            match self.reopen() {
                Err(e) if matches!(e.code, WD_E::Connect | WD_E::ConnectionLost) => {
                    if w.pause(Duration::from_secs(1)).is_some() {
                        return Err(e);
                    }
                }
                r => return r,
            }
        }
    }

    /// Reads one response during IDLE command `tag`. Its completion with NO or BAD is the
    /// server's refusal.
    fn hear(&mut self, tag: &str) -> Result<Heard> {
        Ok(match self.read_response()? {
            Response::Continue(_) => Heard::Ready,
            Response::Untagged(u) => {
                self.handle_untagged(&u)?;
                Heard::Data
            }
            Response::Tagged {
                tag: t,
                status,
                code,
                text,
            } if t == tag => match status {
                Status::Ok => Heard::Ended,
                _ => return Err(Error::protocol("IDLE", reply_text(status, &code, &text))),
            },
            Response::Tagged { .. } => Heard::Data,
        })
    }

    /// One IDLE command: `Some` when the wait is over, `None` when it is time to send it
    /// again (or the server ended it).
    fn idle_round(&mut self, w: &WaitUntil) -> Result<Option<Waited>> {
        let tag = self.send(&[Part::Text("IDLE".into())])?;
        loop {
            match self.hear(&tag)? {
                Heard::Ready => break,
                Heard::Data => {}
                Heard::Ended => return Err(Error::protocol("IDLE", "ended before it began")),
            }
        }
        let reissue = Instant::now() + self.timing.idle_reissue;
        let mut ended_by_server = false;
        let end = loop {
            if self.grew {
                break None;
            }
            if let Some(end) = w.over() {
                break Some(end);
            }
            let left = reissue.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break None;
            }
            if self.conn.poll_data(w.slice(GIVE_WAY_CHECK.min(left)))? {
                match self.hear(&tag)? {
                    Heard::Data => {}
                    Heard::Ended => {
                        ended_by_server = true;
                        break None;
                    }
                    Heard::Ready => {}
                }
            }
        };
        if !ended_by_server {
            self.write_line("DONE", "DONE")?;
            let (_, mut done) = self.wait_all(&[(tag, "IDLE")])?;
            done.pop()
                .unwrap_or_else(|| Err(Error::internal("no result")))?;
        }
        Ok(if self.grew {
            Some(Waited::NewMail { known: 0 })
        } else {
            end
        })
    }

    /// NOOP polling (no IDLE): one NOOP, then a pause; `Some` when the wait is over.
    fn noop_round(&mut self, w: &WaitUntil) -> Result<Option<Waited>> {
        self.run_text("NOOP", "NOOP".into())?;
        if self.grew {
            return Ok(Some(Waited::NewMail { known: 0 }));
        }
        Ok(w.pause(self.timing.noop_poll))
    }

    /// NOOP on an idle connection (`WD_PROP_KEEPALIVE`). A failure leaves the connection
    /// closed (the server dropped it while idle), to be opened again by the next call
    /// ([`ImapClient::revive`]).
    pub(super) fn noop(&mut self) -> Result<()> {
        // A connection that failed during a call stays dead: nothing to keep alive.
        if self.closed || !self.conn.is_usable() {
            return Ok(());
        }
        self.run_text("NOOP", "NOOP".into())
            .map(|_| ())
            .inspect_err(|_| {
                self.closed = true;
                self.conn.close();
            })
    }
}
