//! The [`Mailbox`] operations of IMAP: SELECT, UID SEARCH / FETCH / STORE / COPY /
//! MOVE / EXPUNGE, LIST, CREATE / DELETE / RENAME, APPEND.

use super::UIDS_PER_FETCH;
use super::client::{ImapClient, PROTO};
use super::command::{Part, mailbox, uid_sets};
use super::response::{FetchData, Untagged};
use super::special_use::{self, Listed};
use super::utf7;
use crate::error::{Error, Result, WD_E};
use crate::message::{Email, flags};
use crate::net::fetch_payload;
use crate::session::{Folder, Mailbox, MessageRef, ReadOptions, WaitUntil, Waited};
use crate::text::quoted;
use crate::trace;
use std::collections::HashMap;

fn parse_uid(r: &MessageRef) -> Result<u32> {
    r.uid
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|&u| u > 0)
        .ok_or_else(|| Error::invalid_arg(format!("{} is not an IMAP UID", quoted(&r.uid))))
}

/// The FETCH item for the content `opts` asks for (BODY[] sets \Seen).
fn fetch_item(opts: ReadOptions) -> &'static str {
    if opts.header_only {
        "BODY.PEEK[HEADER]"
    } else if opts.keep_unseen {
        "BODY.PEEK[]"
    } else {
        "BODY[]"
    }
}

/// `UID STORE uid,uid,… ±FLAGS.SILENT (\\Seen)` for `msgs`, in their order.
fn store_seen_command(msgs: &[MessageRef], seen: bool) -> Result<String> {
    let uids: Vec<String> = msgs
        .iter()
        .map(|m| parse_uid(m).map(|u| u.to_string()))
        .collect::<Result<_>>()?;
    let op = if seen { '+' } else { '-' };
    Ok(format!(
        "UID STORE {} {op}FLAGS.SILENT (\\Seen)",
        uids.join(",")
    ))
}

/// One message of a FETCH answer: its reference and its `Email`, parsed now or left for
/// the reader to parse (`opts.defer_parse`). The size and \Seen the server sent win over
/// those of `known` (the listing), else the content's length and unseen.
fn fetched(
    seq: u32,
    uid: u32,
    mut d: FetchData,
    known: Option<&MessageRef>,
    opts: ReadOptions,
) -> Result<(MessageRef, Email)> {
    let raw = if opts.header_only {
        d.header.take()
    } else {
        d.body.take()
    }
    .ok_or_else(|| {
        Error::new(
            WD_E::Protocol,
            format!("server sent no content for message UID {uid}"),
        )
    })?;
    let size = d.size.or(known.map(|r| r.size)).unwrap_or(raw.len() as u64);
    let seen = d.seen().or(known.map(|r| r.seen)).unwrap_or(false);
    let raw = crate::message::Source::from(raw);
    let mut email = if opts.defer_parse {
        Email::deferred(Vec::new(), String::new(), 0, 0, false)
    } else {
        crate::message::parse::parse_source(&raw)?
    };
    email.uid = uid.to_string();
    email.number = i32::try_from(seq).unwrap_or(i32::MAX);
    email.size = i64::try_from(size).unwrap_or(i64::MAX);
    if let Some(f) = &d.flags {
        flags::apply_server(&mut email, f);
    }
    // BODY[] (not PEEK) sets \Seen.
    email.seen = seen || (!opts.keep_unseen && !opts.header_only);
    email.header_only = opts.header_only;
    email.source = raw;
    let r = MessageRef {
        number: seq,
        uid: email.uid.clone(),
        size,
        seen,
    };
    Ok((r, email))
}

impl ImapClient {
    // ----- folder and message commands ---------------------------------------------

    /// SELECT. A SELECT already sent behind the sign-in is waited for; when the server
    /// called it BAD (a server may refuse a command that arrived before the sign-in
    /// completed), it is sent once more on its own. NO is the folder's answer.
    pub(super) fn select(&mut self, folder: &str) -> Result<()> {
        // Messages deleted in the folder left go now, as they would at the close.
        self.expunge_deleted()?;
        self.exists = 0;
        let what = format!("SELECT {folder}");
        self.folder.clear();
        if let Some(tag) = self.take_pipelined_select() {
            let (_, mut r) = self.wait_all(&[(tag, what.as_str())])?;
            match r.pop().unwrap_or_else(|| Err(Error::internal("no result"))) {
                Ok(_) => {
                    self.folder = folder.to_string();
                    self.listed = self.exists;
                    return Ok(());
                }
                Err(e) if e.system.as_deref().is_some_and(|s| s.starts_with("BAD")) => {
                    trace::note(PROTO, "the pipelined SELECT was refused: sending it alone");
                    self.exists = 0;
                }
                Err(e) => return Err(e),
            }
        }
        self.run_text(&what, format!("SELECT {}", mailbox(folder)))?;
        self.folder = folder.to_string();
        self.listed = self.exists;
        Ok(())
    }

    /// Sends `cmd` (a FETCH) and hands each FETCH answer to `f` as it arrives; the reply
    /// may bring `payload` bytes (see [`ImapClient::wait_all_within`]).
    fn stream_fetch(
        &mut self,
        cmd: &str,
        payload: u64,
        mut f: impl FnMut(u32, FetchData),
    ) -> Result<()> {
        let tag = self.send(&[Part::Text(cmd.to_string())])?;
        let results = self.wait_all_with(&[(tag, "UID FETCH")], payload, |u| {
            if let Untagged::Fetch { seq, data } = u {
                f(seq, data);
            }
        })?;
        results.into_iter().try_for_each(|r| r.map(|_| ()))
    }

    /// Every message of the folder with whether it is flagged \Deleted: one UID FETCH of
    /// UID/FLAGS/RFC822.SIZE for all, in sequence order (a UID SEARCH would give neither
    /// flags nor sizes). Each answer becomes its entry as it arrives (a large mailbox is
    /// never held twice); a listing may be as large as one message.
    fn listing(&mut self) -> Result<Vec<(MessageRef, bool)>> {
        // The server's count is a claim: room for what arrives, not for what it says.
        let mut refs: Vec<(MessageRef, bool)> = Vec::with_capacity(claimed(self.exists));
        let cmd = "UID FETCH 1:* (UID FLAGS RFC822.SIZE)";
        let r = self.stream_fetch(cmd, self.max_message, |seq, d| {
            let deleted = d.flags.as_ref().map(|_| d.deleted());
            let last = refs.last().map(|(r, _)| r.number);
            // A FETCH without UID, or without size out of the answer's order: an
            // unsolicited flag update, of a listed message (one not listed yet comes with
            // its answer).
            let update = d.uid.is_none()
                || (d.size.is_none() && last != Some(seq) && last.map_or(1, |n| n + 1) != seq);
            let Some(uid) = d.uid.filter(|_| !update) else {
                if let Some((r, del)) = refs.iter_mut().rev().find(|(r, _)| r.number == seq) {
                    r.seen = d.seen().unwrap_or(r.seen);
                    *del = deleted.unwrap_or(*del);
                }
                return;
            };
            match refs.last_mut().filter(|(r, _)| r.number == seq) {
                Some((r, del)) => {
                    r.size = d.size.unwrap_or(r.size);
                    r.seen = d.seen().unwrap_or(r.seen);
                    *del = deleted.unwrap_or(*del);
                }
                None => refs.push((
                    MessageRef {
                        number: seq,
                        uid: uid.to_string(),
                        size: d.size.unwrap_or(0),
                        seen: d.seen().unwrap_or(false),
                    },
                    deleted.unwrap_or(false),
                )),
            }
        });
        if let Err(e) = r {
            return self.empty_or(e);
        }
        refs.sort_by_key(|(r, _)| r.number);
        refs.dedup_by_key(|(r, _)| r.number);
        self.listed = refs.last().map_or(0, |(r, _)| r.number);
        Ok(refs)
    }

    /// A FETCH of "1:*" refused in an empty folder (some servers answer NO or BAD): no
    /// message. Any other refusal is the error, as is a reply that broke the connection
    /// (over its budget, malformed).
    fn empty_or<T: Default>(&mut self, e: Error) -> Result<T> {
        if e.code == WD_E::Protocol && self.exists == 0 && self.conn.is_usable() {
            trace::note(PROTO, "empty folder");
            return Ok(T::default());
        }
        Err(e)
    }

    /// LIST "" "*": every folder with its attributes, names decoded.
    fn list_all(&mut self) -> Result<Vec<Listed>> {
        let tag = self.send(&[Part::Text("LIST \"\" \"*\"".into())])?;
        // Like a listing of messages, the list of folders may be as large as a message.
        let (data, mut res) = self.wait_all_within(&[(tag, "LIST")], self.max_message)?;
        res.pop()
            .unwrap_or_else(|| Err(Error::internal("no result")))?;
        Ok(data
            .into_iter()
            .filter_map(|u| match u {
                Untagged::List {
                    flags,
                    delimiter,
                    name,
                } => Some(Listed {
                    name: utf7::decode_lossy(&name),
                    attributes: flags,
                    delimiter,
                }),
                _ => None,
            })
            .collect())
    }

    fn expunge_uid(&mut self, uid: u32) -> Result<()> {
        if self.has("UIDPLUS") {
            self.run_text("UID EXPUNGE", format!("UID EXPUNGE {uid}"))?;
        } else {
            self.run_text("EXPUNGE", "EXPUNGE".into())?;
            self.deleted.clear();
        }
        Ok(())
    }

    /// Removes the messages this session flagged \Deleted: `UID EXPUNGE` of them with
    /// UIDPLUS, else EXPUNGE (which removes every message flagged \Deleted in the
    /// folder). Nothing when there are none.
    fn expunge_deleted(&mut self) -> Result<()> {
        if self.deleted.is_empty() {
            return Ok(());
        }
        if self.has("UIDPLUS") {
            for set in uid_sets(&self.deleted, UIDS_PER_FETCH) {
                self.run_text("UID EXPUNGE", format!("UID EXPUNGE {set}"))?;
            }
        } else {
            self.run_text("EXPUNGE", "EXPUNGE".into())?;
        }
        self.deleted.clear();
        Ok(())
    }

    fn store(&mut self, uid: u32, op: &str, flag: &str) -> Result<()> {
        self.run_text(
            "UID STORE",
            format!("UID STORE {uid} {op}FLAGS.SILENT ({flag})"),
        )?;
        Ok(())
    }
}

impl Mailbox for ImapClient {
    fn protocol(&self) -> &'static str {
        "IMAP"
    }

    fn usable(&self) -> Result<()> {
        self.conn.usable()
    }

    fn revive(&mut self) -> Result<()> {
        ImapClient::revive(self)
    }

    fn has_flags(&self) -> bool {
        true
    }

    /// Moving and expunging renumber at once: the messages after move down one.
    fn renumbers_after_expunge(&self) -> bool {
        true
    }

    fn max_message_size(&self) -> u64 {
        self.max_message
    }

    /// EXISTS changes, EXPUNGEs and messages flagged \Deleted reported by the server.
    fn changes(&self) -> u64 {
        self.changes
    }

    /// The folder's listing ([`ImapClient::listing`]) without the messages flagged
    /// \Deleted (gone for the reader), and with `unread_only` without those \Seen.
    fn list(&mut self, opts: ReadOptions) -> Result<Vec<MessageRef>> {
        Ok(self.count_listing(opts)?.1.unwrap_or_default())
    }

    fn fetch(&mut self, refs: &[MessageRef], opts: ReadOptions) -> Result<Vec<Email>> {
        self.fetch_after_seen(&[], refs, opts)
    }

    /// The UID STORE (when `seen` is not empty) and the UID FETCH commands are pipelined:
    /// one round trip.
    fn fetch_after_seen(
        &mut self,
        seen: &[MessageRef],
        refs: &[MessageRef],
        opts: ReadOptions,
    ) -> Result<Vec<Email>> {
        let uids: Vec<u32> = refs.iter().map(parse_uid).collect::<Result<_>>()?;
        crate::session::refuse_oversize(refs, self.max_message)?;
        let mut tags = Vec::new();
        if !seen.is_empty() {
            let cmd = store_seen_command(seen, true)?;
            tags.push((self.send(&[Part::Text(cmd)])?, "UID STORE"));
        }
        let item = fetch_item(opts);
        for set in uid_sets(&uids, UIDS_PER_FETCH) {
            let cmd = format!("UID FETCH {set} (UID FLAGS RFC822.SIZE {item})");
            tags.push((self.send(&[Part::Text(cmd)])?, "UID FETCH"));
        }
        if tags.is_empty() {
            return Ok(Vec::new());
        }
        // What the listed sizes announce, one whole message at least: a server listing
        // small sizes and sending large messages is stopped after about one message.
        let payload = fetch_payload(refs.iter().map(|r| r.size), self.max_message);
        let (data, results) = self.wait_all_within(&tags, payload)?;
        results.into_iter().try_for_each(|r| r.map(|_| ()))?;
        let mut by_uid: HashMap<u32, (u32, FetchData)> = HashMap::new();
        for u in data {
            if let Untagged::Fetch { seq, data } = u
                && let Some(uid) = data.uid
            {
                let e = by_uid
                    .entry(uid)
                    .or_insert_with(|| (seq, FetchData::default()));
                e.0 = seq;
                e.1.merge(data);
            }
        }
        // How many times each UID is still wanted: the last use takes the data.
        let mut remaining: HashMap<u32, usize> = HashMap::new();
        for &u in &uids {
            *remaining.entry(u).or_default() += 1;
        }
        let mut out = Vec::with_capacity(refs.len().min(by_uid.len()));
        for (r, uid) in refs.iter().zip(uids) {
            let left = remaining.entry(uid).or_default();
            *left = left.saturating_sub(1);
            let found = if *left == 0 {
                by_uid.remove(&uid)
            } else {
                by_uid.get(&uid).cloned()
            };
            let (seq, d) = found.ok_or_else(|| {
                Error::new(
                    WD_E::Protocol,
                    format!("message UID {uid} no longer exists in {}", self.folder),
                )
            })?;
            out.push(fetched(seq, uid, d, Some(r), opts)?.1);
        }
        Ok(out)
    }

    /// Without `unread_only`: one `UID FETCH 1:* (UID FLAGS RFC822.SIZE BODY…)` lists
    /// and fetches everything in one round trip, each message taken as it arrives. With
    /// it, or with a progress callback (which wants the total first): the listing first.
    fn fetch_all(&mut self, opts: ReadOptions) -> Result<(Vec<MessageRef>, Vec<Email>)> {
        if opts.unread_only || crate::progress::active() {
            return crate::session::list_and_fetch(self, opts);
        }
        let item = fetch_item(opts);
        // Every message of the folder, each at most the largest message allowed.
        let payload = u64::from(self.exists.max(1)).saturating_mul(self.max_message);
        let mut got: Vec<(u32, FetchData)> = Vec::with_capacity(claimed(self.exists));
        let cmd = format!("UID FETCH 1:* (UID FLAGS RFC822.SIZE {item})");
        let r = self.stream_fetch(&cmd, payload, |seq, d| match got.last_mut() {
            Some((s, last)) if *s == seq => last.merge(d),
            // A flag update alone (no UID, no content) is not kept.
            _ if d.uid.is_some() || d.size.is_some() || d.body.is_some() || d.header.is_some() => {
                got.push((seq, d))
            }
            _ => {}
        });
        if let Err(e) = r {
            return self.empty_or(e);
        }
        got.sort_by_key(|(seq, _)| *seq);
        self.listed = got.last().map_or(0, |(seq, _)| *seq);
        let mut refs = Vec::with_capacity(got.len());
        let mut out = Vec::with_capacity(got.len());
        let mut got = got.into_iter().peekable();
        while let Some((seq, mut d)) = got.next() {
            while let Some((_, more)) = got.next_if(|(s, _)| *s == seq) {
                d.merge(more);
            }
            // A FETCH without UID is an unsolicited flag update of a message outside
            // the answer: not ours. A message flagged \Deleted is gone for the reader.
            let Some(uid) = d.uid else { continue };
            if d.deleted() {
                continue;
            }
            let (r, email) = fetched(seq, uid, d, None, opts)?;
            refs.push(r);
            out.push(email);
        }
        Ok((refs, out))
    }

    /// Flags the message \Deleted; it goes at [`Mailbox::destroy`], at a folder change
    /// or at the close.
    fn delete(&mut self, msg: &MessageRef) -> Result<()> {
        let uid = parse_uid(msg)?;
        self.store(uid, "+", "\\Deleted")?;
        if !self.deleted.contains(&uid) {
            self.deleted.push(uid);
        }
        Ok(())
    }

    /// Every message of the folder (those flagged \Deleted still hold their number), or
    /// the unseen ones not deleted, counted in the folder's listing.
    fn count(&mut self, opts: ReadOptions) -> Result<usize> {
        Ok(self.count_listing(opts)?.0)
    }

    /// One listing ([`ImapClient::listing`]) gives the count and the reader's listing.
    fn count_listing(&mut self, opts: ReadOptions) -> Result<(usize, Option<Vec<MessageRef>>)> {
        let all = self.listing()?;
        let count = if opts.unread_only {
            all.iter().filter(|(r, del)| !r.seen && !del).count()
        } else {
            all.len()
        };
        let refs = all
            .into_iter()
            .filter(|(r, del)| !*del && (!opts.unread_only || !r.seen))
            .map(|(r, _)| r)
            .collect();
        Ok((count, Some(refs)))
    }

    /// `UID EXPUNGE` of the messages this session deleted (EXPUNGE without UIDPLUS).
    fn destroy(&mut self) -> Result<()> {
        self.expunge_deleted()
    }

    /// CLOSE when this session deleted messages (the server removes them), then LOGOUT
    /// without waiting for its answer: every command before it has been answered, and
    /// LOGOUT changes nothing on the server, so the connection closes as soon as it is
    /// sent. On a connection that failed earlier nothing is sent and the failure is
    /// reported (`WD_E_CONNECTION_LOST`): the deleted messages stay, only flagged.
    fn close(&mut self) -> Result<()> {
        if self.closed {
            return Ok(());
        }
        if let Err(e) = self.conn.usable() {
            self.closed = true;
            // Given up after a cancelled transfer: nothing was lost.
            return if self.conn.was_cancelled() {
                Ok(())
            } else {
                Err(e)
            };
        }
        let expunged = if std::mem::take(&mut self.deleted).is_empty() {
            Ok(())
        } else {
            self.run_text("CLOSE", "CLOSE".into()).map(|_| ())
        };
        self.logging_out = true;
        let r = self
            .send(&[Part::Text("LOGOUT".into())])
            .and_then(|_| self.conn.flush());
        self.closed = true;
        self.conn.close();
        // A CLOSE that failed left the deleted messages on the server: that is reported.
        expunged.map_err(|e| {
            Error::new(
                e.code,
                format!("{} (the deleted messages were not removed)", e.message),
            )
            .with_system(e.system.clone().unwrap_or_default())
        })?;
        match r {
            Ok(()) => Ok(()),
            Err(e) if e.code == WD_E::ConnectionLost => Ok(()),
            Err(e) => Err(e),
        }
    }

    fn list_folders(&mut self) -> Result<Vec<String>> {
        Ok(self.list_all()?.into_iter().map(|l| l.name).collect())
    }

    fn folders_with_roles(&mut self) -> Result<Vec<Folder>> {
        Ok(special_use::assign(&self.list_all()?))
    }

    /// `UID STORE uid +FLAGS.SILENT (…)` and `-FLAGS.SILENT (…)`, pipelined. \Deleted
    /// added or removed here counts as [`Mailbox::delete`] does: the message goes at
    /// [`Mailbox::destroy`], a folder change or the close, unless \Deleted is taken off
    /// again before.
    fn store_flags(&mut self, msg: &MessageRef, add: &[String], remove: &[String]) -> Result<()> {
        let uid = parse_uid(msg)?;
        let mut tags = Vec::new();
        for (op, list) in [('+', add), ('-', remove)] {
            if !list.is_empty() {
                let cmd = format!("UID STORE {uid} {op}FLAGS.SILENT ({})", list.join(" "));
                tags.push((self.send(&[Part::Text(cmd)])?, "UID STORE"));
            }
        }
        if tags.is_empty() {
            return Ok(());
        }
        let (_, results) = self.wait_all(&tags)?;
        results.into_iter().try_for_each(|r| r.map(|_| ()))?;
        if flags::has(add, flags::DELETED) && !self.deleted.contains(&uid) {
            self.deleted.push(uid);
        } else if flags::has(remove, flags::DELETED) {
            self.deleted.retain(|&u| u != uid);
        }
        Ok(())
    }

    /// `UID FETCH uid (UID FLAGS RFC822.SIZE)`: the message of that UID in the selected
    /// folder, flagged \Deleted or not; `None` when there is none.
    fn find_uid(&mut self, uid: &str) -> Result<Option<MessageRef>> {
        let Ok(want) = uid.parse::<u32>() else {
            return Ok(None);
        };
        let data = self.run_text(
            "UID FETCH",
            format!("UID FETCH {want} (UID FLAGS RFC822.SIZE)"),
        )?;
        Ok(data.into_iter().find_map(|u| match u {
            Untagged::Fetch { seq, data } if data.uid == Some(want) => Some(MessageRef {
                number: seq,
                uid: want.to_string(),
                size: data.size.unwrap_or(0),
                seen: data.seen().unwrap_or(false),
            }),
            _ => None,
        }))
    }

    fn searches_on_server(&self) -> bool {
        true
    }

    fn search(&mut self, criteria: &crate::search::Criteria) -> Result<Vec<MessageRef>> {
        self.search_uids(criteria)
    }

    fn wait_new_mail(&mut self, w: &WaitUntil) -> Result<Waited> {
        self.wait(w)
    }

    fn keep_alive(&mut self) -> Result<()> {
        self.noop()
    }

    fn select_folder(&mut self, folder: &str) -> Result<()> {
        self.select(folder)
    }

    fn create_folder(&mut self, folder: &str) -> Result<()> {
        self.run_text(
            &format!("CREATE {folder}"),
            format!("CREATE {}", mailbox(folder)),
        )
        .map(|_| ())
    }

    fn delete_folder(&mut self, folder: &str) -> Result<()> {
        self.run_text(
            &format!("DELETE {folder}"),
            format!("DELETE {}", mailbox(folder)),
        )
        .map(|_| ())
    }

    fn rename_folder(&mut self, from: &str, to: &str) -> Result<()> {
        self.run_text(
            &format!("RENAME {from} {to}"),
            format!("RENAME {} {}", mailbox(from), mailbox(to)),
        )?;
        if self.folder == from {
            self.folder = to.to_string();
        }
        Ok(())
    }

    fn copy_message(&mut self, msg: &MessageRef, folder: &str) -> Result<()> {
        let uid = parse_uid(msg)?;
        self.run_text(
            &format!("UID COPY to {folder}"),
            format!("UID COPY {uid} {}", mailbox(folder)),
        )
        .map(|_| ())
    }

    fn move_message(&mut self, msg: &MessageRef, folder: &str) -> Result<()> {
        let uid = parse_uid(msg)?;
        if self.has("MOVE") {
            self.run_text(
                &format!("UID MOVE to {folder}"),
                format!("UID MOVE {uid} {}", mailbox(folder)),
            )?;
            return Ok(());
        }
        self.copy_message(msg, folder)?;
        self.store(uid, "+", "\\Deleted")?;
        self.expunge_uid(uid)
    }

    fn set_seen(&mut self, msg: &MessageRef, seen: bool) -> Result<()> {
        let uid = parse_uid(msg)?;
        self.store(uid, if seen { "+" } else { "-" }, "\\Seen")
    }

    fn set_seen_many(&mut self, msgs: &[MessageRef], seen: bool) -> Result<()> {
        if msgs.is_empty() {
            return Ok(());
        }
        let cmd = store_seen_command(msgs, seen)?;
        self.run_text("UID STORE", cmd)?;
        Ok(())
    }

    fn append(&mut self, folder: &str, data: &[u8], seen: bool) -> Result<()> {
        if data.len() as u64 > self.max_message {
            return Err(Error::message(format!(
                "message of {} bytes is larger than WD_PROP_MAX_MESSAGE_SIZE ({} bytes)",
                data.len(),
                self.max_message
            )));
        }
        let data = crate::net::normalize_crlf(data).into_owned();
        let mut parts = vec![Part::Text("APPEND".into()), Part::Text(mailbox(folder))];
        if seen {
            parts.push(Part::Text("(\\Seen)".into()));
        }
        parts.push(Part::Literal(data));
        self.run(&format!("APPEND to {folder}"), &parts).map(|_| ())
    }
}

/// Room to reserve for `n` items a server announced (EXISTS): at most a few thousand,
/// the rest grows with what actually arrives.
fn claimed(n: u32) -> usize {
    (n as usize).min(4096)
}
