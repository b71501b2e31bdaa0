//! The [`Mailbox`] operations of IMAP: SELECT, UID SEARCH / FETCH / STORE / COPY /
//! MOVE / EXPUNGE, LIST, CREATE / DELETE / RENAME, APPEND.

use super::UIDS_PER_FETCH;
use super::client::{ImapClient, PROTO};
use super::command::{Part, mailbox, uid_sets};
use super::response::{FetchData, Untagged};
use super::utf7;
use crate::error::{Error, Result, WD_E};
use crate::limits::MAX_LITERAL;
use crate::message::Email;
use crate::session::{Mailbox, MessageRef, ReadOptions};
use crate::trace;
use std::collections::HashMap;

fn parse_uid(r: &MessageRef) -> Result<u32> {
    r.uid
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|&u| u > 0)
        .ok_or_else(|| Error::invalid_arg(format!("{:?} is not an IMAP UID", r.uid)))
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
        self.exists = 0;
        let what = format!("SELECT {folder}");
        self.folder.clear();
        if let Some(tag) = self.take_pipelined_select() {
            let (_, mut r) = self.wait_all(&[(tag, what.as_str())])?;
            match r.pop().unwrap_or_else(|| Err(Error::internal("no result"))) {
                Ok(_) => {
                    self.folder = folder.to_string();
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
        Ok(())
    }

    /// Sends `cmd` (a FETCH) and hands each FETCH answer to `f` as it arrives.
    fn stream_fetch(&mut self, cmd: &str, mut f: impl FnMut(u32, FetchData)) -> Result<()> {
        let tag = self.send(&[Part::Text(cmd.to_string())])?;
        let results = self.wait_all_with(&[(tag, "UID FETCH")], |u| {
            if let Untagged::Fetch { seq, data } = u {
                f(seq, data);
            }
        })?;
        results.into_iter().try_for_each(|r| r.map(|_| ()))
    }

    /// A FETCH of "1:*" refused in an empty folder (some servers answer NO or BAD): no
    /// message. Any other refusal is the error.
    fn empty_or<T: Default>(&mut self, e: Error) -> Result<T> {
        if e.code == WD_E::Protocol && self.exists == 0 {
            trace::note(PROTO, "empty folder");
            return Ok(T::default());
        }
        Err(e)
    }

    fn expunge_uid(&mut self, uid: u32) -> Result<()> {
        if self.has("UIDPLUS") {
            self.run_text("UID EXPUNGE", format!("UID EXPUNGE {uid}"))?;
        } else {
            self.run_text("EXPUNGE", "EXPUNGE".into())?;
        }
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

    fn has_flags(&self) -> bool {
        true
    }

    /// Deleting and moving expunge at once: the messages after move down one.
    fn renumbers_after_expunge(&self) -> bool {
        true
    }

    /// EXISTS changes and EXPUNGEs reported by the server.
    fn changes(&self) -> u64 {
        self.changes
    }

    /// One UID FETCH of UID/FLAGS/RFC822.SIZE for all (the unseen ones: those without
    /// \Seen), one round trip; in sequence order. Each answer becomes its entry as it
    /// arrives (a large mailbox is never held twice).
    fn list(&mut self, opts: ReadOptions) -> Result<Vec<MessageRef>> {
        let mut refs: Vec<MessageRef> = Vec::with_capacity(self.exists as usize);
        let r = self.stream_fetch("UID FETCH 1:* (UID FLAGS RFC822.SIZE)", |seq, d| {
            let Some(uid) = d.uid else {
                // A FETCH without UID: an unsolicited flag update, merged below.
                if let Some(r) = refs.iter_mut().rev().find(|r| r.number == seq) {
                    r.seen = d.seen().unwrap_or(r.seen);
                }
                return;
            };
            match refs.last_mut().filter(|r| r.number == seq) {
                Some(r) => {
                    r.size = d.size.unwrap_or(r.size);
                    r.seen = d.seen().unwrap_or(r.seen);
                }
                None => refs.push(MessageRef {
                    number: seq,
                    uid: uid.to_string(),
                    size: d.size.unwrap_or(0),
                    seen: d.seen().unwrap_or(false),
                }),
            }
        });
        if let Err(e) = r {
            return self.empty_or(e);
        }
        refs.sort_by_key(|r| r.number);
        refs.dedup_by_key(|r| r.number);
        if opts.unread_only {
            refs.retain(|r| !r.seen);
        }
        Ok(refs)
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
        let (data, results) = self.wait_all(&tags)?;
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
        let mut out = Vec::with_capacity(refs.len());
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
    /// it: the listing first.
    fn fetch_all(&mut self, opts: ReadOptions) -> Result<(Vec<MessageRef>, Vec<Email>)> {
        if opts.unread_only {
            let refs = self.list(opts)?;
            let emails = self.fetch(&refs, opts)?;
            return Ok((refs, emails));
        }
        let item = fetch_item(opts);
        let mut got: Vec<(u32, FetchData)> = Vec::with_capacity(self.exists as usize);
        let cmd = format!("UID FETCH 1:* (UID FLAGS RFC822.SIZE {item})");
        let r = self.stream_fetch(&cmd, |seq, d| match got.last_mut() {
            Some((s, last)) if *s == seq => last.merge(d),
            _ => got.push((seq, d)),
        });
        if let Err(e) = r {
            return self.empty_or(e);
        }
        got.sort_by_key(|(seq, _)| *seq);
        let mut refs = Vec::with_capacity(got.len());
        let mut out = Vec::with_capacity(got.len());
        let mut got = got.into_iter().peekable();
        while let Some((seq, mut d)) = got.next() {
            while let Some((_, more)) = got.next_if(|(s, _)| *s == seq) {
                d.merge(more);
            }
            // A FETCH without UID is an unsolicited flag update of a message outside
            // the answer: not ours.
            let Some(uid) = d.uid else { continue };
            let (r, email) = fetched(seq, uid, d, None, opts)?;
            refs.push(r);
            out.push(email);
        }
        Ok((refs, out))
    }

    fn delete(&mut self, msg: &MessageRef) -> Result<()> {
        let uid = parse_uid(msg)?;
        self.store(uid, "+", "\\Deleted")?;
        self.expunge_uid(uid)
    }

    /// LOGOUT, without waiting for its answer: every command before it has been
    /// answered, and LOGOUT changes nothing on the server (no expunge), so the
    /// connection closes as soon as it is sent.
    fn close(&mut self) -> Result<()> {
        if self.closed {
            return Ok(());
        }
        self.logging_out = true;
        let r = self
            .send(&[Part::Text("LOGOUT".into())])
            .and_then(|_| self.conn.flush());
        self.closed = true;
        self.conn.close();
        match r {
            Ok(()) => Ok(()),
            Err(e) if e.code == WD_E::ConnectionLost => Ok(()),
            Err(e) => Err(e),
        }
    }

    fn list_folders(&mut self) -> Result<Vec<String>> {
        let data = self.run_text("LIST", "LIST \"\" \"*\"".into())?;
        Ok(data
            .into_iter()
            .filter_map(|u| match u {
                Untagged::List { name, .. } => Some(utf7::decode_lossy(&name)),
                _ => None,
            })
            .collect())
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
        if data.len() > MAX_LITERAL {
            return Err(Error::invalid_arg(format!(
                "message of {} bytes is larger than the limit of {MAX_LITERAL}",
                data.len()
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
