//! The IMAP connection: opening (greeting, STARTTLS, sign-in, SELECT), tagged
//! commands, responses with their literals, untagged data, LOGOUT on drop.

use super::command::{Part, mailbox};
use super::response::{self, Response, Status, Untagged};
use crate::error::{Error, Result, WD_E};
use crate::limits::{CLOSE_TIMEOUT_SECS, MAX_LINE, MAX_LITERAL};
use crate::net::{Budget, ConnectConfig, Connection};
use crate::session::{Security, SessionConfig};
use crate::trace;
use std::borrow::Cow;
use std::time::Duration;

pub(super) const PROTO: &str = "IMAP";
/// Largest response assembled from a line and its literals.
const MAX_RESPONSE: usize = MAX_LITERAL + 16 * MAX_LINE;
/// What one untagged response kept for the caller costs in memory besides its bytes
/// (the parsed structure), charged to the reply's budget.
const KEPT_OVERHEAD: u64 = 256;
/// What one number of a search answer costs once kept (the entry it becomes), charged
/// to the reply's budget: an ESEARCH range of a few bytes stands for millions of them.
const SEARCH_RESULT_COST: u64 = 64;

/// What an untagged response kept for the caller is charged to the reply's budget
/// besides its bytes: [`KEPT_OVERHEAD`], and the numbers of a search answer.
fn kept_cost(u: &Untagged) -> u64 {
    let numbers = match u {
        Untagged::Search(v) => v.len(),
        Untagged::ESearch { all, .. } => all.len(),
        _ => 0,
    };
    (numbers as u64)
        .saturating_mul(SEARCH_RESULT_COST)
        .saturating_add(KEPT_OVERHEAD)
}

/// True for the start of an untagged search answer, `* SEARCH n…` (RFC 3501) or
/// `* ESEARCH …` (RFC 4731): the only lines read past [`MAX_LINE`].
fn search_answer(head: &[u8]) -> bool {
    let Some(rest) = head.strip_prefix(b"* ") else {
        return false;
    };
    [&b"SEARCH "[..], b"ESEARCH "]
        .iter()
        .any(|w| rest.len() >= w.len() && rest[..w.len()].eq_ignore_ascii_case(w))
}

/// A server line as traced: a line past [`MAX_LINE`] (a long search answer) is cut.
fn shown_line(line: &[u8]) -> Cow<'_, str> {
    if line.len() <= MAX_LINE {
        return String::from_utf8_lossy(line);
    }
    let head = String::from_utf8_lossy(&line[..200]);
    Cow::Owned(format!("{head}… ({} bytes)", line.len()))
}

/// An open IMAP connection, authenticated, with a folder selected.
pub struct ImapClient {
    pub(super) conn: Connection,
    pub(super) caps: Vec<String>,
    /// The random prefix of this connection's tags ([`ImapClient::next_tag`]).
    tag_prefix: String,
    tag: u32,
    /// What the replies to the current command may still bring into memory.
    budget: Budget,
    /// `WD_PROP_MAX_MESSAGE_SIZE`: the largest literal (message) read.
    pub(super) max_message: u64,
    pub(super) exists: u32,
    /// EXISTS changes, EXPUNGEs and messages seen flagged \Deleted (see
    /// [`crate::session::Mailbox::changes`]).
    pub(super) changes: u64,
    pub(super) folder: String,
    pub(super) logging_out: bool,
    pub(super) closed: bool,
    /// UIDs flagged \Deleted by this session in the selected folder, not expunged yet.
    pub(super) deleted: Vec<u32>,
    /// A SELECT to pipeline behind a one-command sign-in (see [`ImapClient::write_line`]):
    /// the folder, then once sent its tag.
    pub(super) select_behind_sign_in: Option<String>,
    pipelined_select: Option<String>,
    /// The settings it was opened with (a connection the server closed while idle, or one
    /// given up after a cancelled transfer, is opened again: [`ImapClient::reopen`]).
    pub(super) cfg: SessionConfig,
    pub(super) global_timeout: u32,
    /// Messages of the folder the last listing saw (highest sequence number): a wait
    /// for new mail counts what came after them.
    pub(super) listed: u32,
    /// An EXISTS raised the message count since a wait for new mail cleared it.
    pub(super) grew: bool,
    pub(super) timing: super::idle::WaitTiming,
}

/// A random tag prefix of 8 letters and digits: a message body (or anything else a third
/// party controls) cannot guess the tag of a later command to complete it.
fn tag_prefix() -> String {
    const ALPHABET: &[u8; 36] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut b = [0u8; 8];
    if getrandom::getrandom(&mut b).is_err() {
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        b = h.finish().to_le_bytes();
    }
    b.iter()
        .map(|&x| ALPHABET[usize::from(x) % ALPHABET.len()] as char)
        .collect()
}

/// True for the untagged data a caller may use; the rest (EXISTS, EXPUNGE, capability
/// updates, plain `* OK` text, flag updates without a UID) only updates the session state
/// and is not kept, so a server flooding it cannot fill memory.
pub(super) fn worth_keeping(u: &Untagged) -> bool {
    match u {
        Untagged::Exists(_) | Untagged::Expunge(_) | Untagged::Capability(_) => false,
        Untagged::Cond { code: None, .. } => false,
        Untagged::Fetch { data, .. } => {
            data.uid.is_some()
                || data.size.is_some()
                || data.body.is_some()
                || data.header.is_some()
        }
        _ => true,
    }
}

/// The outcome of one tagged command.
pub(super) struct Done;

pub(super) fn reply_text(status: Status, code: &Option<String>, text: &str) -> String {
    let word = match status {
        Status::Ok => "OK",
        Status::No => "NO",
        Status::Bad => "BAD",
        Status::PreAuth => "PREAUTH",
        Status::Bye => "BYE",
    };
    match code {
        Some(c) => format!("{word} [{c}] {text}"),
        None => format!("{word} {text}"),
    }
}

pub(super) fn caps_from_code(code: &Option<String>) -> Option<Vec<String>> {
    let c = code.as_deref()?;
    let mut words = c.split_ascii_whitespace();
    if !words.next()?.eq_ignore_ascii_case("CAPABILITY") {
        return None;
    }
    Some(words.map(str::to_string).collect())
}

impl ImapClient {
    /// Connects, secures the connection as `cfg.security` says (STARTTLS required when
    /// asked: not offered gives `WD_E::Tls`), authenticates and selects `cfg.folder`.
    pub fn open(cfg: &SessionConfig, global_timeout: u32) -> Result<ImapClient> {
        cfg.validate()?;
        let ccfg: ConnectConfig = cfg.connect_config(global_timeout);
        let mut conn = Connection::connect(&ccfg, PROTO)?;
        conn.expect_greeting();
        let mut c = ImapClient {
            conn,
            caps: Vec::new(),
            tag_prefix: tag_prefix(),
            tag: 0,
            budget: Budget::noise(),
            max_message: cfg.max_message_size,
            exists: 0,
            changes: 0,
            folder: String::new(),
            logging_out: false,
            closed: false,
            deleted: Vec::new(),
            select_behind_sign_in: None,
            pipelined_select: None,
            cfg: cfg.clone(),
            global_timeout,
            listed: 0,
            grew: false,
            timing: Default::default(),
        };
        let preauth = match c.read_response()? {
            Response::Untagged(Untagged::Cond { status, code, text }) => match status {
                Status::Ok | Status::PreAuth => {
                    if let Some(caps) = caps_from_code(&code) {
                        c.caps = caps;
                    }
                    status == Status::PreAuth
                }
                Status::Bye => {
                    return Err(Error::new(
                        WD_E::ConnectionLost,
                        format!("server refused the connection: {text}"),
                    )
                    .with_system(reply_text(status, &code, &text)));
                }
                _ => return Err(Error::protocol("unexpected IMAP greeting", text)),
            },
            Response::Untagged(_) => {
                return Err(Error::new(
                    WD_E::Protocol,
                    "unexpected IMAP greeting (untagged data, not * OK)",
                ));
            }
            Response::Continue(text) => {
                return Err(Error::protocol(
                    "unexpected IMAP greeting (a continuation request, not * OK)",
                    format!("+ {text}"),
                ));
            }
            Response::Tagged {
                tag,
                status,
                code,
                text,
            } => Err(Error::protocol(
                "unexpected IMAP greeting (a tagged reply, not * OK)",
                format!("{tag} {}", reply_text(status, &code, &text)),
            ))?,
        };
        if cfg.effective_security() == Security::StartTls && preauth {
            // Already signed in on a plain connection: STARTTLS is no longer possible, and
            // going on would send everything in clear text (curl and Thunderbird refuse too).
            let e = Error::new(
                WD_E::Tls,
                "the server greeted with PREAUTH (already signed in) on a plain connection: \
                 STARTTLS is impossible there and WD_OPTION_SECURED_TLS requires it",
            );
            c.closed = true;
            c.conn.abandon(&e.message);
            return Err(e);
        }
        if cfg.effective_security() == Security::StartTls {
            if c.caps.is_empty() {
                c.capability()?;
            }
            if !c.has("STARTTLS") {
                let e = Error::new(
                    WD_E::Tls,
                    "server does not offer STARTTLS (required by WD_OPTION_SECURED_TLS)",
                );
                // Nothing more in clear, not even LOGOUT.
                c.closed = true;
                c.conn.abandon(&e.message);
                return Err(e);
            }
            // A refusal is a TLS error; a reply that broke the connection keeps its code.
            if let Err(e) = c.run("STARTTLS", &[Part::Text("STARTTLS".into())]) {
                let refused = e.code == WD_E::Protocol && c.conn.is_usable();
                // Nothing more in clear, not even LOGOUT.
                c.closed = true;
                c.conn.abandon(&e.message);
                return Err(if refused {
                    Error {
                        code: WD_E::Tls,
                        ..e
                    }
                } else {
                    e
                });
            }
            c.conn.start_tls(&ccfg)?;
            c.caps.clear();
        }
        let folder = if cfg.folder.trim().is_empty() {
            "INBOX"
        } else {
            cfg.folder.as_str()
        };
        if !preauth {
            if c.caps.is_empty() {
                c.capability()?;
            } else if cfg.effective_security() != Security::StartTls {
                // Capabilities known from the greeting: the SELECT may follow a
                // one-command sign-in in the same flight.
                c.select_behind_sign_in = Some(folder.to_string());
            }
            let r = c.authenticate(cfg, &ccfg);
            c.select_behind_sign_in = None;
            r?;
        }
        if c.caps.is_empty() {
            c.capability()?;
        }
        c.select(folder)?;
        c.conn.opened();
        Ok(c)
    }

    /// The server's capabilities (as last announced).
    pub fn capabilities(&self) -> &[String] {
        &self.caps
    }

    /// True when the server announced capability `name` (case-insensitive).
    pub fn has(&self, name: &str) -> bool {
        self.caps.iter().any(|c| c.eq_ignore_ascii_case(name))
    }

    /// Number of messages in the selected folder (as last announced by EXISTS).
    pub fn exists(&self) -> u32 {
        self.exists
    }

    /// The selected folder.
    pub fn folder(&self) -> &str {
        &self.folder
    }

    // ----- responses -------------------------------------------------------------

    /// Reads one response with its literals (sizes checked before reading), its bytes
    /// charged to the command's budget. Each literal is read into its own buffer, which
    /// the parser moves into the result. Any error leaves the reply unfinished: the
    /// connection is then closed without LOGOUT, and later calls fail.
    pub(super) fn read_response(&mut self) -> Result<Response> {
        let r = self.read_response_inner();
        if let Err(e) = &r {
            self.conn.abandon(&e.message);
        }
        r
    }

    fn read_response_inner(&mut self) -> Result<Response> {
        let mut blob: Vec<u8> = Vec::new();
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut literal_bytes = 0usize;
        loop {
            // A search answer is one line however many numbers it holds: it may outgrow
            // MAX_LINE, within what the reply may still bring (its bytes and its numbers
            // as `kept_cost` will charge them, checked as the line comes).
            let first = blob.is_empty();
            let mut trial = self.budget;
            let max = usize::try_from(self.budget.left()).unwrap_or(usize::MAX);
            let line = self.conn.read_line_long(
                max,
                |head| first && search_answer(head),
                |piece| {
                    let numbers = piece.iter().filter(|&&b| b == b' ' || b == b',').count();
                    let cost = (numbers as u64).saturating_mul(SEARCH_RESULT_COST);
                    trial.charge(cost.saturating_add(piece.len() as u64), "IMAP reply")
                },
            )?;
            self.budget.charge(line.len() as u64 + 2, "IMAP reply")?;
            let start = blob.len();
            match line {
                Cow::Owned(v) if first => blob = v,
                l => blob.extend_from_slice(&l),
            }
            let line = &blob[start..];
            if trace::enabled() {
                trace::server(PROTO, &shown_line(line));
            }
            let lit = response::literal_at_end(line)?;
            blob.extend_from_slice(b"\r\n");
            let Some(n) = lit else { break };
            if n as u64 > self.max_message {
                return Err(Error::message(format!(
                    "the server sends {n} bytes, more than WD_PROP_MAX_MESSAGE_SIZE ({} \
                     bytes): refused, the connection is closed",
                    self.max_message
                )));
            }
            if blob.len() + literal_bytes + n > MAX_RESPONSE {
                return Err(Error::new(
                    WD_E::Protocol,
                    format!("IMAP response larger than {MAX_RESPONSE} bytes"),
                ));
            }
            // Checked before a byte of it is read or allocated.
            self.budget.charge(n as u64, "IMAP reply")?;
            let data = self.conn.read_exact_vec(n)?;
            trace::note(PROTO, &format!("{{{n} bytes}}"));
            literal_bytes += n;
            literals.push(data);
        }
        response::parse_split(&blob, literals)
    }

    /// Applies untagged data to the session state. A BYE (outside LOGOUT) ends the
    /// session with `WD_E::ConnectionLost`.
    pub(super) fn handle_untagged(&mut self, u: &Untagged) -> Result<()> {
        match u {
            Untagged::Exists(n) => {
                self.grew |= *n > self.exists;
                self.changes += u64::from(*n != self.exists);
                self.exists = *n;
            }
            Untagged::Expunge(_) => {
                self.changes += 1;
                self.exists = self.exists.saturating_sub(1);
            }
            // A message flagged \Deleted (by another client, or seen so in an answer) leaves
            // the listings: one taken before may hold it.
            Untagged::Fetch { data, .. } if data.deleted() => self.changes += 1,
            Untagged::Capability(c) => self.caps = c.clone(),
            Untagged::Cond { status, code, text } => {
                if let Some(caps) = caps_from_code(code) {
                    self.caps = caps;
                }
                if *status == Status::Bye && !self.logging_out {
                    self.closed = true;
                    self.conn.close();
                    return Err(Error::new(
                        WD_E::ConnectionLost,
                        format!("server closed the session: {text}"),
                    )
                    .with_system(reply_text(*status, code, text)));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The tag of a new command: the connection's random prefix, a dot and a counter
    /// (`Q7K2ZP0M.0001`). A new command also gets a fresh budget for its replies.
    pub(super) fn next_tag(&mut self) -> String {
        self.tag += 1;
        self.budget = Budget::noise();
        format!("{}.{:04}", self.tag_prefix, self.tag)
    }

    /// Writes one command (not flushed unless a literal needs the server's "+"), and
    /// returns its tag. Literals use LITERAL+ when offered. Parts are separated by a
    /// space, except a text part starting with `)`, which closes a list right after the
    /// part before it (a literal in a parenthesised search key).
    pub(super) fn send(&mut self, parts: &[Part]) -> Result<String> {
        let tag = self.next_tag();
        let plus = self.has("LITERAL+");
        let mut line = tag.clone();
        let mut shown = tag.clone();
        for p in parts {
            if !matches!(p, Part::Text(t) if t.starts_with(')')) {
                line.push(' ');
                shown.push(' ');
            }
            match p {
                Part::Text(t) => {
                    line.push_str(t);
                    shown.push_str(t);
                }
                Part::Secret(t) => {
                    line.push_str(t);
                    shown.push_str("****");
                }
                Part::Literal(data) | Part::SecretLiteral(data) => {
                    let spec = if plus {
                        format!("{{{}+}}", data.len())
                    } else {
                        format!("{{{}}}", data.len())
                    };
                    line.push_str(&spec);
                    shown.push_str(&spec);
                    self.write_line(&line, &shown)?;
                    if !plus {
                        self.wait_continuation(&tag)?;
                    }
                    if matches!(p, Part::SecretLiteral(_)) {
                        self.conn.write_all(data)?;
                        trace::client(PROTO, &format!("{{{} bytes}} ****", data.len()));
                    } else {
                        // A message (APPEND): its progress is followed.
                        self.conn.write_body(data)?;
                        trace::client(PROTO, &format!("{{{} bytes}}", data.len()));
                    }
                    line.clear();
                    shown.clear();
                }
            }
        }
        self.write_line(&line, &shown)?;
        Ok(tag)
    }

    pub(super) fn write_line(&mut self, line: &str, shown: &str) -> Result<()> {
        if line.bytes().any(|b| b == b'\r' || b == b'\n') {
            return Err(Error::invalid_arg("IMAP command holds CR or LF"));
        }
        trace::client(PROTO, shown);
        self.conn.write_all(line.as_bytes())?;
        self.conn.write_all(b"\r\n")?;
        if self.select_behind_sign_in.is_some() && one_command_sign_in(line) {
            let folder = self.select_behind_sign_in.take().unwrap_or_default();
            let tag = self.send(&[Part::Text(format!("SELECT {}", mailbox(&folder)))])?;
            self.pipelined_select = Some(tag);
        }
        Ok(())
    }

    /// Takes the tag of a SELECT sent behind the sign-in, if any (see [`Self::open`]).
    pub(super) fn take_pipelined_select(&mut self) -> Option<String> {
        self.pipelined_select.take()
    }

    /// Waits for the "+" that lets a synchronizing literal go.
    fn wait_continuation(&mut self, tag: &str) -> Result<()> {
        loop {
            match self.read_response()? {
                Response::Continue(_) => return Ok(()),
                Response::Untagged(u) => self.handle_untagged(&u)?,
                Response::Tagged {
                    tag: t,
                    status,
                    code,
                    text,
                } if t == tag => {
                    return Err(Error::protocol(
                        "literal refused",
                        reply_text(status, &code, &text),
                    ));
                }
                Response::Tagged { .. } => {}
            }
        }
    }

    /// Waits for the completion of every tag in `tags` (any order), collecting the
    /// untagged data. Returns it with one result per tag.
    pub(super) fn wait_all(
        &mut self,
        tags: &[(String, &str)],
    ) -> Result<(Vec<Untagged>, Vec<Result<Done>>)> {
        self.wait_all_within(tags, 0)
    }

    /// [`wait_all`](ImapClient::wait_all) for commands whose replies bring `payload`
    /// bytes of data besides the noise allowance (a listing, messages): over that budget
    /// the reply is refused with `WD_E_PROTOCOL` and the connection closed.
    pub(super) fn wait_all_within(
        &mut self,
        tags: &[(String, &str)],
        payload: u64,
    ) -> Result<(Vec<Untagged>, Vec<Result<Done>>)> {
        let mut data = Vec::new();
        let results = self.wait_all_with(tags, payload, |u| {
            if worth_keeping(&u) {
                data.push(u);
            }
        })?;
        Ok((data, results))
    }

    /// [`Self::wait_all_within`] handing each untagged response to `f` as it arrives
    /// (once the session state has taken what it needs) instead of keeping them: a large
    /// answer is turned into its result as it comes. The responses a caller may keep
    /// ([`worth_keeping`]) are charged to the budget as if kept.
    pub(super) fn wait_all_with(
        &mut self,
        tags: &[(String, &str)],
        payload: u64,
        mut f: impl FnMut(Untagged),
    ) -> Result<Vec<Result<Done>>> {
        self.budget.extend(payload);
        let mut results: Vec<Option<Result<Done>>> = tags.iter().map(|_| None).collect();
        while results.iter().any(Option::is_none) {
            match self.read_response()? {
                Response::Untagged(u) => {
                    self.handle_untagged(&u)?;
                    if worth_keeping(&u)
                        && let Err(e) = self.budget.charge(kept_cost(&u), "IMAP reply")
                    {
                        self.conn.abandon(&e.message);
                        return Err(e);
                    }
                    f(u);
                }
                Response::Continue(text) => {
                    let e = Error::protocol("unexpected continuation request", text);
                    self.conn.abandon(&e.message);
                    return Err(e);
                }
                Response::Tagged {
                    tag,
                    status,
                    code,
                    text,
                } => {
                    let Some(i) = tags.iter().position(|(t, _)| *t == tag) else {
                        continue;
                    };
                    if let Some(caps) = caps_from_code(&code) {
                        self.caps = caps;
                    }
                    results[i] = Some(match status {
                        Status::Ok => Ok(Done),
                        _ => Err(Error::protocol(tags[i].1, reply_text(status, &code, &text))),
                    });
                }
            }
        }
        Ok(results.into_iter().flatten().collect())
    }

    /// Sends one command and waits for its completion.
    pub(super) fn run(&mut self, what: &str, parts: &[Part]) -> Result<(Vec<Untagged>, Done)> {
        let tag = self.send(parts)?;
        let (data, mut res) = self.wait_all(&[(tag, what)])?;
        let done = res
            .pop()
            .unwrap_or_else(|| Err(Error::internal("no result")))?;
        Ok((data, done))
    }

    pub(super) fn run_text(&mut self, what: &str, cmd: String) -> Result<Vec<Untagged>> {
        self.run(what, &[Part::Text(cmd)]).map(|(d, _)| d)
    }

    fn capability(&mut self) -> Result<()> {
        self.run_text("CAPABILITY", "CAPABILITY".into())?;
        Ok(())
    }
}

/// True for a sign-in command the server answers at once, with no continuation: LOGIN
/// without a literal, AUTHENTICATE PLAIN with its initial response (SASL-IR). A command
/// behind it in the same flight is read only after the sign-in ends.
fn one_command_sign_in(line: &str) -> bool {
    let mut w = line.split(' ');
    let (_tag, cmd) = (w.next(), w.next().unwrap_or(""));
    if cmd.eq_ignore_ascii_case("LOGIN") {
        return !line.ends_with('}');
    }
    cmd.eq_ignore_ascii_case("AUTHENTICATE")
        && w.next().is_some_and(|m| m.eq_ignore_ascii_case("PLAIN"))
        && w.next().is_some_and(|ir| !ir.is_empty())
        && w.next().is_none()
}

impl Drop for ImapClient {
    /// LOGOUT (not awaited) on a connection still in step; nothing on one that failed.
    fn drop(&mut self) {
        if self.closed || !self.conn.is_usable() {
            return;
        }
        self.closed = true;
        let _ = self
            .conn
            .set_timeout(Duration::from_secs(CLOSE_TIMEOUT_SECS));
        let tag = self.next_tag();
        let line = format!("{tag} LOGOUT");
        trace::client(PROTO, &line);
        let _ = self.conn.write_all(format!("{line}\r\n").as_bytes());
        self.conn.close();
    }
}
