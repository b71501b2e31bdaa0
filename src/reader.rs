//! The reading engine shared by POP3 and IMAP (API.md §4): one [`Reader`] per open incoming
//! connection owns the listing of the mailbox (or selected folder), the reading cursor
//! ([`Position`]), the read-ahead of the reading loop and the \Seen flags it owes, and keeps
//! them right when messages are deleted, moved or flagged. Safe Rust over the [`Mailbox`]
//! trait: protocol differences are its capability methods.
//!
//! The \Seen rule: messages read ahead are fetched without setting \Seen; those handed out
//! are owed a \Seen, written by one command sent with the next batch, or before any other
//! operation of the reader, or at [`Reader::close`].

use crate::error::{Error, Result, WD_E};
use crate::message::Email;
use crate::session::{Mailbox, MessageRef, ReadOptions};

/// Largest read-ahead batch of the reading loop (messages).
pub const AHEAD_MAX: usize = 64;
/// A batch stops before its listed sizes pass this (it holds one message at least).
pub const AHEAD_MAX_BYTES: u64 = 8 << 20;

/// A move of the reading cursor (`EmailLitPremier`, `…Suivant`, `…Precedent`, `…Dernier`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    First,
    Next,
    Previous,
    Last,
}

impl Step {
    /// True for the moves toward the end of the listing (the read-ahead direction).
    pub fn forward(self) -> bool {
        matches!(self, Step::First | Step::Next)
    }
}

/// Where the reading cursor stands in the listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Position {
    /// Before the first message: nothing read yet, or read backward past the first.
    #[default]
    BeforeFirst,
    /// On the message at this index of the listing.
    At(usize),
    /// Past the last message.
    AfterLast,
}

impl Position {
    /// Where a move starts from in a new listing: before the first message for the
    /// forward moves, past the last for the backward ones.
    pub fn start(step: Step) -> Position {
        if step.forward() {
            Position::BeforeFirst
        } else {
            Position::AfterLast
        }
    }

    /// The position `step` leads to in a listing of `len` messages. Past an end, the
    /// cursor stays beyond the end it went through.
    pub fn step(self, step: Step, len: usize) -> Position {
        let target = match (step, self) {
            (Step::First, _) | (Step::Next, Position::BeforeFirst) => Some(0),
            (Step::Last, _) | (Step::Previous, Position::AfterLast) => len.checked_sub(1),
            (Step::Next, Position::At(i)) => Some(i + 1),
            (Step::Previous, Position::At(i)) => i.checked_sub(1),
            (Step::Next, Position::AfterLast) | (Step::Previous, Position::BeforeFirst) => None,
        };
        match target {
            Some(i) if i < len => Position::At(i),
            _ if step.forward() => Position::AfterLast,
            _ => Position::BeforeFirst,
        }
    }

    /// The position once the message at index `removed` left the listing: a cursor on
    /// or after it moves back one, so that the next forward move reads the message that
    /// followed the removed one.
    pub fn after_removal(self, removed: usize) -> Position {
        match self {
            Position::At(i) if removed <= i => {
                i.checked_sub(1).map_or(Position::BeforeFirst, Position::At)
            }
            p => p,
        }
    }
}

/// How a message read from a server is found again: by its UID, or by its number when
/// the server gave it none (POP3 without UIDL).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServerId {
    pub uid: String,
    pub number: i32,
}

impl ServerId {
    /// The server fields of a message (empty for one not read from a server).
    pub fn of(email: &Email) -> ServerId {
        ServerId {
            uid: email.uid.clone(),
            number: email.number,
        }
    }

    fn matches(&self, r: &MessageRef) -> bool {
        if self.uid.is_empty() {
            i64::from(r.number) == i64::from(self.number)
        } else {
            r.uid == self.uid
        }
    }

    fn describe(&self) -> String {
        if self.uid.is_empty() {
            self.number.to_string()
        } else {
            self.uid.clone()
        }
    }
}

/// A message handed out by the reader, with the listing entry it was read from.
#[derive(Debug, Clone)]
pub struct ReadMessage {
    pub email: Email,
    pub msg: MessageRef,
}

/// The read-ahead of the reading loop: each fetch also brings the next messages in the
/// reading direction, the batch growing 1, 2, 4 … [`AHEAD_MAX`].
#[derive(Default)]
struct ReadAhead {
    /// Fetched, not handed out yet (at most one batch).
    cache: Vec<(MessageRef, Email)>,
    /// The reading options the cache was fetched with.
    opts: ReadOptions,
    /// Size of the last batch (0: start again at 1).
    window: usize,
    /// Handed out without the server setting \Seen: owed a \Seen.
    owed_seen: Vec<MessageRef>,
}

impl ReadAhead {
    /// Drops the cache and restarts the window (the \Seen owed stay).
    fn clear(&mut self) {
        self.cache.clear();
        self.window = 0;
    }

    /// Takes the cached message `r` (same UID and number).
    fn take(&mut self, r: &MessageRef) -> Option<Email> {
        let i = self
            .cache
            .iter()
            .position(|(c, _)| c.uid == r.uid && c.number == r.number)?;
        Some(self.cache.remove(i).1)
    }

    /// Drops message `r`; with `renumber`, the cached messages after it move down one.
    fn forget(&mut self, r: &MessageRef, renumber: bool) {
        self.take(r);
        for (c, e) in &mut self.cache {
            if renumber && c.number > r.number {
                c.number -= 1;
                e.number -= 1;
            }
        }
    }
}

/// The reading state of one open incoming connection.
pub struct Reader {
    mailbox: Box<dyn Mailbox>,
    /// Taken by the last new listing (`Step::First` / `Step::Last`, [`Reader::read_number`]).
    listing: Vec<MessageRef>,
    /// The options of that listing; `None` before the first one and after a folder change.
    listed_with: Option<ReadOptions>,
    /// [`Mailbox::changes`] when the listing was taken.
    listed_changes: u64,
    position: Position,
    ahead: ReadAhead,
}

impl Reader {
    pub fn new(mailbox: Box<dyn Mailbox>) -> Reader {
        Reader {
            mailbox,
            listing: Vec::new(),
            listed_with: None,
            listed_changes: 0,
            position: Position::BeforeFirst,
            ahead: ReadAhead::default(),
        }
    }

    /// The cursor.
    pub fn position(&self) -> Position {
        self.position
    }

    /// The listing the cursor moves in.
    pub fn listing(&self) -> &[MessageRef] {
        &self.listing
    }

    /// The messages owed a \Seen (handed out from read-ahead batches, not written yet).
    pub fn owed_seen(&self) -> &[MessageRef] {
        &self.ahead.owed_seen
    }

    /// Writes the \Seen flags owed (one command) and gives the mailbox for another
    /// operation: every operation but the reading moves goes through here.
    fn settled(&mut self) -> Result<&mut dyn Mailbox> {
        if !self.ahead.owed_seen.is_empty() {
            let owed = std::mem::take(&mut self.ahead.owed_seen);
            self.mailbox.set_seen_many(&owed, true)?;
        }
        Ok(self.mailbox.as_mut())
    }

    /// Writes the \Seen flags owed by the reading loop.
    pub fn flush_seen(&mut self) -> Result<()> {
        self.settled().map(|_| ())
    }

    /// Takes a new listing with `opts` (the read-ahead cache is dropped).
    fn relist(&mut self, opts: ReadOptions) -> Result<()> {
        self.flush_seen()?;
        self.ahead.clear();
        self.listing = self.mailbox.list(opts)?;
        self.listed_with = Some(opts);
        self.listed_changes = self.mailbox.changes();
        Ok(())
    }

    /// True when the listing was taken with `opts`' filter and the server reported no
    /// change in the mailbox since.
    fn listing_current(&self, opts: ReadOptions) -> bool {
        self.listed_with
            .is_some_and(|o| o.unread_only == opts.unread_only)
            && self.mailbox.changes() == self.listed_changes
    }

    /// Moves the cursor and reads the message it lands on; `None` past either end.
    ///
    /// `Step::First` and `Step::Last` take a new listing, as does any move before the
    /// first listing or with another `unread_only` than the listing's. A message not
    /// already read ahead is fetched with the next ones in the reading direction. A
    /// message handed out is seen (where the mailbox has flags, unless `keep_unseen` or
    /// `header_only`); when the server did not set \Seen itself, the reader owes it.
    pub fn step(&mut self, step: Step, opts: ReadOptions) -> Result<Option<ReadMessage>> {
        let relist = matches!(step, Step::First | Step::Last)
            || self
                .listed_with
                .is_none_or(|o| o.unread_only != opts.unread_only);
        if relist {
            self.relist(opts)?;
            self.position = Position::start(step);
        }
        self.position = self.position.step(step, self.listing.len());
        let Position::At(pos) = self.position else {
            return Ok(None);
        };
        self.hand_out(pos, step.forward(), opts).map(Some)
    }

    /// The message at `listing[pos]`: from the read-ahead, else fetched with the next ones
    /// in the reading direction. A message handed out is seen (where the mailbox has
    /// flags, unless `keep_unseen` or `header_only`); when the server did not set \Seen
    /// itself, the reader owes it.
    fn hand_out(&mut self, pos: usize, forward: bool, opts: ReadOptions) -> Result<ReadMessage> {
        if self.ahead.opts != opts {
            self.ahead.clear();
            self.ahead.opts = opts;
        }
        let msg = self.listing[pos].clone();
        let mut email = match self.ahead.take(&msg) {
            Some(email) => email,
            None => self.fetch_batch(pos, forward, opts)?,
        };
        if self.mailbox.has_flags() && !opts.keep_unseen && !opts.header_only && !email.seen {
            email.seen = true;
            self.listing[pos].seen = true;
            self.ahead.owed_seen.push(msg.clone());
        }
        Ok(ReadMessage { email, msg })
    }

    /// Fetches `listing[pos]` and, into the cache, the messages after it in the reading
    /// direction, with the \Seen flags owed in the same round trip.
    fn fetch_batch(&mut self, pos: usize, forward: bool, opts: ReadOptions) -> Result<Email> {
        self.ahead.window = (self.ahead.window * 2).clamp(1, AHEAD_MAX);
        let order: Vec<usize> = if forward {
            (pos..self.listing.len()).take(self.ahead.window).collect()
        } else {
            (0..=pos).rev().take(self.ahead.window).collect()
        };
        let mut refs: Vec<MessageRef> = Vec::with_capacity(order.len());
        let mut bytes = 0u64;
        for i in order {
            let r = &self.listing[i];
            bytes = bytes.saturating_add(r.size);
            if !refs.is_empty() && bytes > AHEAD_MAX_BYTES {
                break;
            }
            refs.push(r.clone());
        }
        // A lone message is fetched as asked (BODY[] sets \Seen): what a one-message read
        // costs without read-ahead.
        let fetch_opts = if refs.len() > 1 {
            ReadOptions {
                keep_unseen: true,
                ..opts
            }
        } else {
            opts
        };
        let owed = std::mem::take(&mut self.ahead.owed_seen);
        let emails = match self.mailbox.fetch_after_seen(&owed, &refs, fetch_opts) {
            // A message read ahead may be gone or refused: read the one asked for alone.
            Err(e) if refs.len() > 1 && e.code == WD_E::Protocol => {
                refs.truncate(1);
                self.mailbox.fetch_after_seen(&owed, &refs, opts)?
            }
            r => r?,
        };
        if emails.len() != refs.len() {
            return Err(Error::internal(
                "server returned a different number of messages",
            ));
        }
        let mut batch = refs.into_iter().zip(emails);
        let (_, first) = batch
            .next()
            .ok_or_else(|| Error::internal("server returned no message"))?;
        self.ahead.cache = batch.collect();
        Ok(first)
    }

    /// Reads message `number` (1-based, as listed) and puts the cursor on it
    /// (`EmailLitMessage`); `None`, the cursor before the first, when there is none. The
    /// listing is taken anew unless it is current (same filter, no change reported since).
    /// Reading the message after the one read last reads ahead as the reading loop does;
    /// any other number fetches that message alone.
    pub fn read_number(&mut self, number: u32, opts: ReadOptions) -> Result<Option<ReadMessage>> {
        if !self.listing_current(opts) {
            self.relist(opts)?;
            self.position = Position::BeforeFirst;
        }
        // The listing is in number order: found at once in a large mailbox.
        let found = match self.listing.binary_search_by_key(&number, |r| r.number) {
            Ok(i) => Some(i),
            Err(_) => self.listing.iter().position(|r| r.number == number),
        };
        let Some(pos) = found else {
            self.position = Position::BeforeFirst;
            return Ok(None);
        };
        if pos.checked_sub(1).map(Position::At) != Some(self.position) {
            // Not the next message: no read-ahead (a batch of one).
            self.ahead.window = 0;
        }
        self.position = Position::At(pos);
        self.hand_out(pos, true, opts).map(Some)
    }

    /// Counts the messages (`unread_only` for the unseen ones). The listing taken becomes
    /// the reader's when it has none yet (the cursor stays before the first message).
    pub fn count(&mut self, opts: ReadOptions) -> Result<usize> {
        let listing = self.settled()?.list(opts)?;
        let n = listing.len();
        if self.listed_with.is_none() {
            self.listing = listing;
            self.listed_with = Some(opts);
            self.listed_changes = self.mailbox.changes();
            self.position = Position::BeforeFirst;
        }
        Ok(n)
    }

    /// Every message with its content, in as few round trips as the protocol allows.
    pub fn fetch_all(&mut self, opts: ReadOptions) -> Result<(Vec<MessageRef>, Vec<Email>)> {
        self.settled()?.fetch_all(opts)
    }

    /// The whole message `msg`, read before with headers only (parsed at once: the caller
    /// reads a body field right after).
    pub fn complete(&mut self, msg: &MessageRef, opts: ReadOptions) -> Result<Email> {
        let opts = ReadOptions {
            header_only: false,
            defer_parse: false,
            ..opts
        };
        self.settled()?
            .fetch(std::slice::from_ref(msg), opts)?
            .pop()
            .ok_or_else(|| Error::internal("server returned no message"))
    }

    /// The listing entry of message `id`: from the listing, else from a new one taken
    /// for the lookup only (the cursor's listing stays).
    fn locate(&mut self, id: &ServerId) -> Result<MessageRef> {
        if id.uid.is_empty() && id.number == 0 {
            return Err(Error::invalid_arg(
                "the message was not read from a server (no UID and no number)",
            ));
        }
        if let Some(r) = self.listing.iter().find(|r| id.matches(r)) {
            return Ok(r.clone());
        }
        let all = self.settled()?.list(ReadOptions::default())?;
        all.into_iter().find(|r| id.matches(r)).ok_or_else(|| {
            Error::new(
                WD_E::Protocol,
                format!("message {} is no longer on the server", id.describe()),
            )
        })
    }

    /// Message `r` left the mailbox: out of the cache and the listing, the cursor kept
    /// on the message it was on (or before the next one).
    fn forget(&mut self, r: &MessageRef) {
        self.ahead.forget(r, self.mailbox.renumbers_after_expunge());
        if let Some(pos) = self.listing.iter().position(|x| x == r) {
            self.listing.remove(pos);
            self.position = self.position.after_removal(pos);
        }
    }

    /// Deletes message `id` (POP3: at QUIT; IMAP: now); the next forward move reads the
    /// message after it.
    pub fn delete(&mut self, id: &ServerId) -> Result<()> {
        self.settled()?;
        let r = self.locate(id)?;
        self.mailbox.delete(&r)?;
        self.forget(&r);
        Ok(())
    }

    /// Moves message `id` to `folder`, forgotten as a deleted one.
    pub fn move_to(&mut self, id: &ServerId, folder: &str) -> Result<()> {
        self.settled()?;
        let r = self.locate(id)?;
        self.mailbox.move_message(&r, folder)?;
        self.forget(&r);
        Ok(())
    }

    /// Copies message `id` into `folder`.
    pub fn copy_to(&mut self, id: &ServerId, folder: &str) -> Result<()> {
        self.settled()?;
        let r = self.locate(id)?;
        self.mailbox.copy_message(&r, folder)
    }

    /// Writes the \Seen flag of message `id` (`EmailMiseAJour`).
    pub fn set_seen(&mut self, id: &ServerId, seen: bool) -> Result<()> {
        self.settled()?;
        let r = self.locate(id)?;
        self.mailbox.set_seen(&r, seen)?;
        self.ahead.forget(&r, false);
        if let Some(x) = self.listing.iter_mut().find(|x| **x == r) {
            x.seen = seen;
        }
        Ok(())
    }

    /// Selects another folder: the listing and the read-ahead are dropped, the next move
    /// lists the new folder.
    pub fn select_folder(&mut self, folder: &str) -> Result<()> {
        self.settled()?;
        self.ahead.clear();
        self.mailbox.select_folder(folder)?;
        self.listing.clear();
        self.listed_with = None;
        self.position = Position::BeforeFirst;
        Ok(())
    }

    /// The folder names of the account.
    pub fn list_folders(&mut self) -> Result<Vec<String>> {
        self.settled()?.list_folders()
    }

    pub fn create_folder(&mut self, folder: &str) -> Result<()> {
        self.settled()?.create_folder(folder)
    }

    pub fn delete_folder(&mut self, folder: &str) -> Result<()> {
        self.settled()?.delete_folder(folder)
    }

    pub fn rename_folder(&mut self, from: &str, to: &str) -> Result<()> {
        self.settled()?.rename_folder(from, to)
    }

    /// Appends a message source to `folder`, \Seen as `seen` says.
    pub fn append(&mut self, folder: &str, data: &[u8], seen: bool) -> Result<()> {
        self.settled()?.append(folder, data, seen)
    }

    /// Writes the \Seen flags owed, then ends the session (QUIT / LOGOUT) even when that
    /// write failed; the first error is returned.
    pub fn close(&mut self) -> Result<()> {
        let flushed = self.flush_seen();
        let closed = self.mailbox.close();
        flushed.and(closed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Position::*;
    use Step::*;

    /// The cursor as the reader kept it before [`Position`]: a signed index, -1 before
    /// the first message and `len` past the last.
    fn signed(p: Position, len: usize) -> isize {
        match p {
            BeforeFirst => -1,
            At(i) => i as isize,
            AfterLast => len as isize,
        }
    }

    fn positions(len: usize) -> Vec<Position> {
        let mut v = vec![BeforeFirst, AfterLast];
        v.extend((0..len).map(At));
        v
    }

    /// Every move from every position matches the signed-index arithmetic it replaces.
    #[test]
    fn moves_match_the_signed_cursor_they_replace() {
        for len in 0..5 {
            let n = len as isize;
            for from in positions(len) {
                for step in [First, Next, Previous, Last] {
                    let c = signed(from, len);
                    let pos = match step {
                        First => 0,
                        Last => n - 1,
                        Next => (c + 1).min(n),
                        Previous => (c - 1).max(-1),
                    };
                    let want = match pos {
                        p if (0..n).contains(&p) => p,
                        _ if step.forward() => n,
                        _ => -1,
                    };
                    let got = from.step(step, len);
                    assert_eq!(signed(got, len), want, "{from:?} {step:?} in {len}");
                }
            }
        }
        assert_eq!(Position::start(First), BeforeFirst);
        assert_eq!(Position::start(Previous), AfterLast);
    }

    /// Removing a message from the listing moves a signed cursor on or after it back one.
    #[test]
    fn removal_matches_the_signed_cursor_it_replaces() {
        for len in 1..5 {
            for from in positions(len) {
                for removed in 0..len {
                    let c = signed(from, len);
                    let want = if removed as isize <= c { c - 1 } else { c };
                    let got = from.after_removal(removed);
                    assert_eq!(signed(got, len - 1), want, "{from:?} - {removed} of {len}");
                }
            }
        }
        // The next forward move reads what followed the removed message.
        assert_eq!(At(2).after_removal(2).step(Next, 3), At(2));
    }

    #[test]
    fn server_id_matches_by_uid_else_by_number() {
        let r = MessageRef {
            number: 4,
            uid: "u4".into(),
            size: 1,
            seen: false,
        };
        let id = |uid: &str, number| ServerId {
            uid: uid.into(),
            number,
        };
        assert!(id("u4", 9).matches(&r));
        assert!(id("", 4).matches(&r));
        assert!(!id("u5", 4).matches(&r));
        assert_eq!(id("", 4).describe(), "4");
        assert_eq!(id("u4", 9).describe(), "u4");
    }
}
