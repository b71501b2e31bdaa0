//! Searching the mailbox (`EmailRecherche`), seeking one message after another
//! (`EmailCherchePremier`, `EmailChercheSuivant`), writing flags back
//! (`EmailMiseAJour`) and the roles of the folders (`EmailDossierSpecial`).

use super::{Gone, ReadMessage, Reader, ServerId};
use crate::error::{Error, Result};
use crate::message::Email;
use crate::message::flags::{self, FlagChanges};
use crate::search::{Criteria, Seek};
use crate::session::{Folder, MessageRef, ReadOptions};

/// Messages a client-side seek fetches in one round trip.
const SEEK_BATCH: usize = 16;

/// Where a seek stands.
pub(super) struct SeekState {
    seek: Seek,
    /// On a server that searches: the matches; otherwise every message of the listing
    /// taken by `EmailCherchePremier`, to look at in order.
    candidates: Vec<MessageRef>,
    /// The next candidate to read or look at.
    next: usize,
    on_server: bool,
}

/// The listing entry of a message fetched by UID.
fn entry_of(e: &Email) -> MessageRef {
    MessageRef {
        number: u32::try_from(e.number).unwrap_or(0),
        uid: e.uid.clone(),
        size: u64::try_from(e.size).unwrap_or(0),
        seen: e.seen,
    }
}

impl Reader {
    /// The messages matching `criteria` (server-side search), fetched with `opts`, in
    /// UID order. POP3: `WD_E_NOT_SUPPORTED`.
    pub fn search(
        &mut self,
        criteria: &Criteria,
        opts: ReadOptions,
    ) -> Result<(Vec<MessageRef>, Vec<Email>)> {
        let mailbox = self.settled()?;
        let found = mailbox.search(criteria)?;
        let emails = mailbox.fetch(&found, opts)?;
        Ok((emails.iter().map(entry_of).collect(), emails))
    }

    /// Starts a seek (`EmailCherchePremier`) and reads its first match, whole; `None`
    /// when nothing matches. IMAP searches on the server; POP3 looks at the headers (the
    /// whole messages for a body seek) of every message in turn.
    pub fn seek_first(&mut self, seek: Seek) -> Result<Option<ReadMessage>> {
        self.seek = None;
        let mailbox = self.settled()?;
        let on_server = mailbox.searches_on_server();
        let candidates = if on_server {
            mailbox.search(&seek.criteria())?
        } else {
            mailbox.list(ReadOptions::default())?
        };
        self.seek = Some(SeekState {
            seek,
            candidates,
            next: 0,
            on_server,
        });
        self.seek_next()
    }

    /// The next match of the seek (`EmailChercheSuivant`); `None` past the last one.
    pub fn seek_next(&mut self) -> Result<Option<ReadMessage>> {
        let mut state = self.seek.take().ok_or_else(|| {
            Error::invalid_arg(
                "EmailChercheSuivant needs an EmailCherchePremier on this session first",
            )
        })?;
        let found = self
            .settled()
            .map(|_| ())
            .and_then(|_| self.seek_in(&mut state));
        self.seek = Some(state);
        found
    }

    fn seek_in(&mut self, st: &mut SeekState) -> Result<Option<ReadMessage>> {
        let whole = ReadOptions::default();
        if st.on_server {
            // A match deleted since the search (here or by another client) is passed
            // over, as the reading moves pass over deleted messages.
            while let Some(r) = st.candidates.get(st.next).cloned() {
                st.next += 1;
                match self.read_whole(r)? {
                    Some(m) if m.email.deleted => continue,
                    found => return Ok(found),
                }
            }
            return Ok(None);
        }
        let look = ReadOptions {
            header_only: !st.seek.needs_body(),
            ..whole
        };
        while st.next < st.candidates.len() {
            let end = (st.next + SEEK_BATCH).min(st.candidates.len());
            let batch = st.candidates[st.next..end].to_vec();
            let emails = self.mailbox.fetch(&batch, look)?;
            for (r, email) in batch.into_iter().zip(emails) {
                st.next += 1;
                if st.seek.matches(&email) {
                    return if look.header_only {
                        self.read_whole(r)
                    } else {
                        Ok(Some(ReadMessage { email, msg: r }))
                    };
                }
            }
        }
        Ok(None)
    }

    fn read_whole(&mut self, r: MessageRef) -> Result<Option<ReadMessage>> {
        let mut fetched = self
            .mailbox
            .fetch(std::slice::from_ref(&r), ReadOptions::default())?;
        Ok(fetched.pop().map(|email| ReadMessage {
            msg: entry_of(&email),
            email,
        }))
    }

    /// Writes the flag changes `c` of message `id` (`EmailMiseAJour`): one UID STORE
    /// adding and one removing, pipelined. \Deleted added deletes the message as
    /// [`Reader::delete`] does (the moves pass over it, it goes at [`Reader::destroy`],
    /// a folder change or the close); taken off, the message is back.
    pub fn update_flags(&mut self, id: &ServerId, c: &FlagChanges) -> Result<()> {
        self.settled()?;
        let r = self.locate(id)?;
        self.mailbox.store_flags(&r, &c.add, &c.remove)?;
        self.ahead.forget(&r, false);
        if let Some(x) = self.listing.iter_mut().find(|x| **x == r) {
            if flags::has(&c.add, flags::SEEN) {
                x.seen = true;
            } else if flags::has(&c.remove, flags::SEEN) {
                x.seen = false;
            }
        }
        if flags::has(&c.add, flags::DELETED) {
            self.forget(&r, Gone::Deleted);
        } else if flags::has(&c.remove, flags::DELETED) {
            self.undeleted(&r);
        }
        Ok(())
    }

    /// The folders of the account with their roles.
    pub fn folders_with_roles(&mut self) -> Result<Vec<Folder>> {
        self.settled()?.folders_with_roles()
    }
}
