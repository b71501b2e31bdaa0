//! The reading engine shared by POP3 and IMAP (docs/API.md §4): one [`Reader`] per open incoming
//! connection owns the listing of the mailbox (or selected folder), the reading cursor
//! ([`Position`]), the read-ahead of the reading loop and the \Seen flags it owes, and keeps
//! them right when messages are deleted, moved or flagged. Safe Rust over the [`Mailbox`]
//! trait: protocol differences are its capability methods.
//!
//! The \Seen rule: messages read ahead are fetched without setting \Seen; those handed out
//! are owed a \Seen, written by one command sent with the next batch, or before any other
//! operation of the reader, or at [`Reader::close`].
//!
//! Deleting: a deleted (or moved) message stays in the listing, marked gone; the moves
//! pass over it in either direction, so a loop that deletes as it reads visits every
//! message forward and backward, and the numbers of the listing stay those of the
//! server until messages are really removed.

use crate::error::{Error, Result, WD_E};
use crate::message::Email;
use crate::progress;
use crate::session::{Mailbox, MessageRef, ReadOptions, announced};
use std::sync::atomic::{AtomicBool, Ordering};

mod find;
mod wait;

/// Largest read-ahead batch of the reading loop (messages).
pub const AHEAD_MAX: usize = 64;
/// A batch stops before its listed sizes pass this (it holds one message at least).
pub const AHEAD_MAX_BYTES: u64 = 8 << 20;
/// A message received larger than twice its listed size plus this shows that the listed
/// sizes cannot be trusted: no more read-ahead on that connection.
const SIZE_SLACK: u64 = 64 << 10;

/// Checks a folder name given by the caller: not empty, on one line.
pub fn check_folder(folder: &str, what: &str) -> Result<()> {
    if folder.is_empty() {
        return Err(Error::invalid_arg(format!("{what} is empty")));
    }
    crate::message::model::single_line(folder, what)
}

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
    /// A message came much larger than listed: the listed sizes, which bound the batches,
    /// are not trusted, and each batch holds the message asked for only.
    sizes_untrusted: bool,
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

/// What became of a message of the listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gone {
    /// Deleted: flagged (IMAP) or marked (POP3), still numbered on the server.
    Deleted,
    /// Removed from the mailbox (moved, or expunged): the messages after it were
    /// renumbered.
    Removed,
}

/// The reading state of one open incoming connection.
pub struct Reader {
    mailbox: Box<dyn Mailbox>,
    /// Taken by the last new listing (`Step::First` / `Step::Last`, [`Reader::read_number`]).
    listing: Vec<MessageRef>,
    /// The messages of `listing` deleted or moved since (by index): the moves skip them.
    gone: std::collections::BTreeMap<usize, Gone>,
    /// The options of that listing; `None` before the first one and after a folder change.
    listed_with: Option<ReadOptions>,
    /// [`Mailbox::changes`] when the listing was taken.
    listed_changes: u64,
    position: Position,
    ahead: ReadAhead,
    /// When the last call on the connection ended (the keep-alive counts from it).
    last_used: std::time::Instant,
    /// The seek of `EmailCherchePremier`, continued by `EmailChercheSuivant`.
    seek: Option<find::SeekState>,
}

impl Reader {
    pub fn new(mailbox: Box<dyn Mailbox>) -> Reader {
        Reader {
            mailbox,
            listing: Vec::new(),
            gone: Default::default(),
            listed_with: None,
            listed_changes: 0,
            position: Position::BeforeFirst,
            ahead: ReadAhead::default(),
            last_used: std::time::Instant::now(),
            seek: None,
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
        self.mailbox.revive()?;
        self.mailbox.usable()?;
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
        self.gone.clear();
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

    /// Moves the cursor by `step`, passing over the messages deleted or moved.
    fn advance(&mut self, step: Step) {
        self.position = self.moved(self.position, step);
    }

    /// The position `step` leads to from `from`, passing over the messages deleted or
    /// moved.
    fn moved(&self, from: Position, step: Step) -> Position {
        let len = self.listing.len();
        let mut position = from.step(step, len);
        let again = if step.forward() {
            Step::Next
        } else {
            Step::Previous
        };
        while let Position::At(i) = position
            && self.gone.contains_key(&i)
        {
            position = position.step(again, len);
        }
        position
    }

    /// Moves the cursor and reads the message it lands on; `None` past either end.
    ///
    /// `Step::First` and `Step::Last` take a new listing, as does any move before the
    /// first listing or with another `unread_only` than the listing's. A message not
    /// already read ahead is fetched with the next ones in the reading direction. A
    /// message handed out is seen (where the mailbox has flags, unless `keep_unseen` or
    /// `header_only`); when the server did not set \Seen itself, the reader owes it.
    pub fn step(&mut self, step: Step, opts: ReadOptions) -> Result<Option<ReadMessage>> {
        // A dead connection fails every move, also one the cache could answer.
        self.mailbox.revive()?;
        self.mailbox.usable()?;
        let relist = matches!(step, Step::First | Step::Last)
            || self
                .listed_with
                .is_none_or(|o| o.unread_only != opts.unread_only);
        if relist {
            self.relist(opts)?;
            self.position = Position::start(step);
        }
        self.advance(step);
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
    ///
    /// The batch is bounded by the listed sizes (at most [`AHEAD_MAX_BYTES`], no message
    /// over the mailbox's largest message), and by what actually arrives: a message much
    /// larger than listed ends the read-ahead of this connection.
    fn fetch_batch(&mut self, pos: usize, forward: bool, opts: ReadOptions) -> Result<Email> {
        self.ahead.window = if self.ahead.sizes_untrusted {
            1
        } else {
            (self.ahead.window * 2).clamp(1, AHEAD_MAX)
        };
        let live = |i: &usize| !self.gone.contains_key(i);
        let order: Vec<usize> = if forward {
            (pos..self.listing.len())
                .filter(live)
                .take(self.ahead.window)
                .collect()
        } else {
            (0..=pos)
                .rev()
                .filter(live)
                .take(self.ahead.window)
                .collect()
        };
        let max = self.mailbox.max_message_size();
        let mut refs: Vec<MessageRef> = Vec::with_capacity(order.len());
        let mut bytes = 0u64;
        for i in order {
            let r = &self.listing[i];
            bytes = bytes.saturating_add(r.size);
            if !refs.is_empty() && (bytes > AHEAD_MAX_BYTES || r.size > max) {
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
        // Announced before the \Seen owed are taken: a cancel there loses none of them.
        progress::expect(announced(&refs, opts))?;
        let owed = std::mem::take(&mut self.ahead.owed_seen);
        let emails = match self.mailbox.fetch_after_seen(&owed, &refs, fetch_opts) {
            // A message read ahead may be gone or refused: read the one asked for alone.
            Err(e) if refs.len() > 1 && e.code == WD_E::Protocol => {
                refs.truncate(1);
                progress::expect(announced(&refs, opts))?;
                self.mailbox.fetch_after_seen(&owed, &refs, opts)?
            }
            r => r?,
        };
        if emails.len() != refs.len() {
            return Err(Error::internal(
                "server returned a different number of messages",
            ));
        }
        if refs.iter().zip(&emails).any(|(r, e)| {
            e.source.len() as u64 > r.size.saturating_mul(2).saturating_add(SIZE_SLACK)
        }) {
            self.ahead.sizes_untrusted = true;
        }
        let mut batch = refs.into_iter().zip(emails);
        let (_, first) = batch
            .next()
            .ok_or_else(|| Error::internal("server returned no message"))?;
        self.ahead.cache = batch.collect();
        Ok(first)
    }

    /// Reads message `number` (1-based, as listed) and puts the cursor on it
    /// (`EmailLitMessage`); `None`, the cursor before the first, when there is none or it
    /// was deleted in this session. The listing is taken anew unless it is current (same
    /// filter, no change reported since); a number a current listing does not hold is
    /// looked for in a new one (a message may have arrived unannounced), as is one the
    /// server numbers otherwise when it is fetched (expunged by another client). Reading the
    /// message after the one read last reads ahead as the reading loop does; any other
    /// number fetches that message alone.
    pub fn read_number(&mut self, number: u32, opts: ReadOptions) -> Result<Option<ReadMessage>> {
        // A dead connection fails every read, also one the listing could answer.
        self.mailbox.revive()?;
        self.mailbox.usable()?;
        let mut fresh = false;
        if !self.listing_current(opts) {
            self.relist(opts)?;
            self.position = Position::BeforeFirst;
            fresh = true;
        }
        let mut found = self.find_number(number);
        if found.is_none() && !fresh {
            self.relist(opts)?;
            self.position = Position::BeforeFirst;
            found = self.find_number(number);
        }
        let Some(pos) = found.filter(|i| !self.gone.contains_key(i)) else {
            self.position = Position::BeforeFirst;
            return Ok(None);
        };
        if self.moved(self.position, Step::Next) != Position::At(pos) {
            // Not the next message: no read-ahead (a batch of one).
            self.ahead.window = 0;
        }
        self.position = Position::At(pos);
        let was_seen = self.listing[pos].seen;
        let read = self.hand_out(pos, true, opts);
        if fresh {
            return read.map(Some);
        }
        // Another client may have expunged messages since the listing, which the server
        // tells with this fetch only: the message read is then no longer that number (or
        // gone). Read the number again from a new listing.
        let stale = match &read {
            Ok(m) => i64::from(m.email.number) != i64::from(number),
            Err(e) => e.code == WD_E::Protocol && self.mailbox.usable().is_ok(),
        };
        if !stale {
            return read.map(Some);
        }
        if let Ok(m) = read {
            // Not handed out: no \Seen owed, and one the fetch set (BODY[]) is taken off.
            let owed = self.ahead.owed_seen.iter().position(|o| *o == m.msg);
            match owed {
                Some(i) => {
                    self.ahead.owed_seen.remove(i);
                }
                None if self.mailbox.has_flags() && m.email.seen && !was_seen => {
                    self.mailbox
                        .set_seen_many(std::slice::from_ref(&m.msg), false)?;
                }
                None => {}
            }
        }
        self.listed_with = None;
        self.read_number(number, opts)
    }

    /// The index of message `number` in the listing; one not gone when two hold the
    /// number (a message removed keeps the number the one after it took).
    fn find_number(&self, number: u32) -> Option<usize> {
        // The listing is in number order: found at once in a large mailbox.
        if let Ok(i) = self.listing.binary_search_by_key(&number, |r| r.number)
            && !self.gone.contains_key(&i)
        {
            return Some(i);
        }
        let same = || {
            (self.listing.iter().enumerate())
                .filter(|(_, r)| r.number == number)
                .map(|(i, _)| i)
        };
        same()
            .find(|i| !self.gone.contains_key(i))
            .or_else(|| same().next())
    }

    /// Counts the messages (`unread_only` for the unseen ones), as the mailbox counts
    /// them ([`Mailbox::count`]: POP3 keeps the session's first count). A listing the
    /// count came with (IMAP) becomes the reader's when it has none yet (the cursor stays
    /// before the first message).
    pub fn count(&mut self, opts: ReadOptions) -> Result<usize> {
        let (n, listing) = self.settled()?.count_listing(opts)?;
        if let Some(listing) = listing
            && self.listed_with.is_none()
        {
            self.ahead.clear();
            self.listing = listing;
            self.gone.clear();
            self.listed_with = Some(opts);
            self.listed_changes = self.mailbox.changes();
            self.position = Position::BeforeFirst;
        }
        Ok(n)
    }

    /// The size in bytes of message `number` (1-based, as listed) (`EmailTailleMessage`):
    /// from the listing when it holds that message, else from a new listing taken for
    /// the lookup only.
    pub fn size_of(&mut self, number: u32) -> Result<u64> {
        let listed = self
            .listing
            .iter()
            .enumerate()
            .find(|(i, r)| r.number == number && !self.gone.contains_key(i))
            .map(|(_, r)| r.size);
        if let Some(size) = listed {
            return Ok(size);
        }
        let all = self.settled()?.list(ReadOptions::default())?;
        all.iter()
            .find(|r| r.number == number)
            .map(|r| r.size)
            .ok_or_else(|| {
                Error::invalid_arg(format!(
                    "there is no message number {number} (deleted, or past the {} listed)",
                    all.len()
                ))
            })
    }

    /// Every message with its content, in as few round trips as the protocol allows.
    pub fn fetch_all(&mut self, opts: ReadOptions) -> Result<(Vec<MessageRef>, Vec<Email>)> {
        self.settled()?.fetch_all(opts)
    }

    /// Every message with its content, listed then fetched in batches of at most
    /// [`AHEAD_MAX`] messages and [`AHEAD_MAX_BYTES`] by their listed sizes (one message
    /// at least), each batch handed to `deliver` as it arrives; the listed sizes are the
    /// progress callback's total. Stops between two batches once `stop` is set
    /// (`WD_E_CANCELLED`), or when `deliver` fails.
    pub fn fetch_all_in_batches(
        &mut self,
        opts: ReadOptions,
        stop: &AtomicBool,
        mut deliver: impl FnMut(Vec<MessageRef>, Vec<Email>) -> Result<()>,
    ) -> Result<()> {
        let mailbox = self.settled()?;
        let refs = mailbox.list(opts)?;
        progress::expect(announced(&refs, opts))?;
        let mut rest = refs.as_slice();
        while !rest.is_empty() {
            if stop.load(Ordering::SeqCst) {
                return Err(Error::new(
                    WD_E::Cancelled,
                    "the session was closed before every message was fetched",
                ));
            }
            let mut bytes = 0u64;
            let n = rest
                .iter()
                .take(AHEAD_MAX)
                .take_while(|r| {
                    bytes = bytes.saturating_add(r.size);
                    bytes <= AHEAD_MAX_BYTES
                })
                .count()
                .max(1);
            let (batch, tail) = rest.split_at(n);
            let emails = mailbox.fetch(batch, opts)?;
            deliver(batch.to_vec(), emails)?;
            rest = tail;
        }
        Ok(())
    }

    /// The whole message `msg`, read before with headers only (parsed at once: the caller
    /// reads a body field right after).
    pub fn complete(&mut self, msg: &MessageRef, opts: ReadOptions) -> Result<Email> {
        let opts = ReadOptions {
            header_only: false,
            defer_parse: false,
            ..opts
        };
        let mailbox = self.settled()?;
        progress::expect(announced(std::slice::from_ref(msg), opts))?;
        mailbox
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
        if let Some(r) = all.into_iter().find(|r| id.matches(r)) {
            return Ok(r);
        }
        // Left out of the listings (IMAP: flagged \Deleted), yet still there.
        let found = if id.uid.is_empty() {
            None
        } else {
            self.mailbox.find_uid(&id.uid)?
        };
        found.ok_or_else(|| {
            Error::new(
                WD_E::Protocol,
                format!("message {} is no longer on the server", id.describe()),
            )
        })
    }

    /// Message `r` was deleted (`Gone::Deleted`) or left the mailbox (`Gone::Removed`):
    /// out of the read-ahead, marked gone in the listing (the cursor stays where it is,
    /// the moves pass over it). A removal renumbers the messages after it where the
    /// mailbox does so.
    pub(crate) fn forget(&mut self, r: &MessageRef, how: Gone) {
        let renumber = how == Gone::Removed && self.mailbox.renumbers_after_expunge();
        self.ahead.forget(r, renumber);
        if let Some(pos) = self.listing.iter().position(|x| x == r) {
            self.gone.insert(pos, how);
            if renumber {
                self.renumber_after(pos);
            }
        }
    }

    /// The messages of the listing after `pos` move down one number (an expunge).
    fn renumber_after(&mut self, pos: usize) {
        let removed = self.listing[pos].number;
        for x in &mut self.listing[pos + 1..] {
            if x.number > removed {
                x.number -= 1;
            }
        }
    }

    /// Message `r`, deleted in this session, is back (\Deleted taken off with
    /// `EmailMiseAJour`): the moves read it again.
    fn undeleted(&mut self, r: &MessageRef) {
        if let Some(pos) = self.listing.iter().position(|x| x == r)
            && self.gone.get(&pos) == Some(&Gone::Deleted)
        {
            self.gone.remove(&pos);
        }
    }

    /// The listing entry of message `id` unless it is gone already.
    fn gone_already(&self, id: &ServerId) -> bool {
        self.listing
            .iter()
            .enumerate()
            .any(|(i, r)| id.matches(r) && self.gone.contains_key(&i))
    }

    /// Deletes message `id` (POP3: marked, gone at QUIT; IMAP: flagged \Deleted, gone at
    /// [`Reader::destroy`] or at the close). The moves then pass over it; deleting it
    /// again does nothing.
    pub fn delete(&mut self, id: &ServerId) -> Result<()> {
        self.settled()?;
        if self.gone_already(id) {
            return Ok(());
        }
        let r = self.locate(id)?;
        self.mailbox.delete(&r)?;
        self.forget(&r, Gone::Deleted);
        Ok(())
    }

    /// Removes the messages deleted in this session from the mailbox now
    /// (`EmailDetruit`, IMAP); the listing's numbers follow.
    pub fn destroy(&mut self) -> Result<()> {
        self.settled()?.destroy()?;
        self.ahead.clear();
        let deleted: Vec<usize> = (self.gone.iter())
            .filter(|(_, g)| **g == Gone::Deleted)
            .map(|(&i, _)| i)
            .collect();
        for &i in deleted.iter().rev() {
            self.gone.insert(i, Gone::Removed);
            if self.mailbox.renumbers_after_expunge() {
                self.renumber_after(i);
            }
        }
        Ok(())
    }

    /// Moves message `id` to `folder`: it leaves the listing as a removed one.
    pub fn move_to(&mut self, id: &ServerId, folder: &str) -> Result<()> {
        self.settled()?;
        let r = self.locate(id)?;
        self.mailbox.move_message(&r, folder)?;
        self.forget(&r, Gone::Removed);
        Ok(())
    }

    /// Copies message `id` into `folder`.
    pub fn copy_to(&mut self, id: &ServerId, folder: &str) -> Result<()> {
        self.settled()?;
        let r = self.locate(id)?;
        self.mailbox.copy_message(&r, folder)
    }

    /// Writes the \Seen flag of message `id` (and no other flag).
    pub fn set_seen(&mut self, id: &ServerId, seen: bool) -> Result<()> {
        let flag = vec![crate::message::flags::SEEN.to_string()];
        let (add, remove) = if seen { (flag, vec![]) } else { (vec![], flag) };
        self.update_flags(id, &crate::message::flags::FlagChanges { add, remove })
    }

    /// Selects another folder: the listing and the read-ahead are dropped, the next move
    /// lists the new folder.
    pub fn select_folder(&mut self, folder: &str) -> Result<()> {
        self.settled()?;
        self.ahead.clear();
        self.mailbox.select_folder(folder)?;
        self.listing.clear();
        self.gone.clear();
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

    /// Appends a message source to `folder`, \Seen as `seen` says (its size is the
    /// transfer the progress callback follows).
    pub fn append(&mut self, folder: &str, data: &[u8], seen: bool) -> Result<()> {
        let mailbox = self.settled()?;
        progress::expect(Some(data.len() as u64))?;
        mailbox.append(folder, data, seen)
    }

    /// Writes the \Seen flags owed, then ends the session (QUIT / LOGOUT) even when that
    /// write failed; the first error is returned.
    pub fn close(&mut self) -> Result<()> {
        if self.mailbox.usable().is_err() {
            // Nothing can be written: the mailbox says what is lost.
            return self.mailbox.close();
        }
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
