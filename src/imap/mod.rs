//! IMAP4rev1 client (RFC 3501) over the shared network layer: STARTTLS / implicit TLS,
//! LOGIN and SASL (PLAIN, LOGIN, CRAM-MD5, XOAUTH2, OAUTHBEARER, with SASL-IR),
//! folders (modified UTF-7 names), batched UID FETCH, flags, COPY / MOVE, APPEND.
//!
//! The response parser is sans-IO ([`response`]); this module frames responses from the
//! connection (reading literals after checking their announced size), handles untagged
//! data arriving during any command (EXISTS, EXPUNGE, FETCH, CAPABILITY), and maps
//! tagged NO/BAD to `WD_E::Protocol` (`WD_E::Auth` at login), BYE or a dropped
//! connection to `WD_E::ConnectionLost`.

pub mod command;
pub mod response;
pub mod utf7;

use crate::auth::{self, Mechanism};
use crate::error::{Error, Result, WD_E};
use crate::limits::{CLOSE_TIMEOUT_SECS, MAX_LINE, MAX_LITERAL};
use crate::message::Email;
use crate::net::{ConnectConfig, Connection};
use crate::session::{AuthMethod, Mailbox, MessageRef, ReadOptions, Security, SessionConfig};
use crate::trace;
use command::{Part, astring, mailbox, uid_sets};
use response::{FetchData, Response, Status, Untagged};
use std::collections::HashMap;
use std::time::Duration;

const PROTO: &str = "IMAP";
/// Most UIDs named in one UID FETCH command.
pub const UIDS_PER_FETCH: usize = 5000;
/// Most SASL challenges answered before cancelling the exchange.
const MAX_SASL_STEPS: usize = 8;
/// Largest response assembled from a line and its literals.
const MAX_RESPONSE: usize = MAX_LITERAL + 16 * MAX_LINE;

/// An open IMAP connection, authenticated, with a folder selected.
pub struct ImapClient {
    conn: Connection,
    caps: Vec<String>,
    tag: u32,
    exists: u32,
    folder: String,
    logging_out: bool,
    closed: bool,
}

/// The outcome of one tagged command.
struct Done;

fn reply_text(status: Status, code: &Option<String>, text: &str) -> String {
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

fn caps_from_code(code: &Option<String>) -> Option<Vec<String>> {
    let c = code.as_deref()?;
    let mut words = c.split_ascii_whitespace();
    if !words.next()?.eq_ignore_ascii_case("CAPABILITY") {
        return None;
    }
    Some(words.map(str::to_string).collect())
}

fn auth_name(m: AuthMethod) -> Option<Mechanism> {
    match m {
        AuthMethod::Plain => Some(Mechanism::Plain),
        AuthMethod::Login => Some(Mechanism::Login),
        AuthMethod::CramMd5 => Some(Mechanism::CramMd5),
        AuthMethod::XOAuth2 => Some(Mechanism::XOAuth2),
        AuthMethod::OAuthBearer => Some(Mechanism::OAuthBearer),
        _ => None,
    }
}

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

/// The `Email` of a fetched message: parsed now, or left for the reader to parse
/// (`opts.defer_parse`).
fn to_email(
    raw: Vec<u8>,
    uid: u32,
    seq: u32,
    size: i64,
    seen: bool,
    opts: ReadOptions,
) -> Result<Email> {
    let mut email = if opts.defer_parse {
        Email::deferred(Vec::new(), String::new(), 0, 0, false)
    } else {
        crate::message::parse::parse_fields(&raw)?
    };
    email.uid = uid.to_string();
    email.number = i32::try_from(seq).unwrap_or(i32::MAX);
    email.size = size;
    email.seen = seen;
    email.header_only = opts.header_only;
    email.source = raw;
    Ok(email)
}

impl ImapClient {
    /// Connects, secures the connection as `cfg.security` says (STARTTLS required when
    /// asked: not offered gives `WD_E::Tls`), authenticates and selects `cfg.folder`.
    pub fn open(cfg: &SessionConfig, global_timeout: u32) -> Result<ImapClient> {
        cfg.validate()?;
        let ccfg: ConnectConfig = cfg.connect_config(global_timeout);
        let conn = Connection::connect(&ccfg, PROTO)?;
        let mut c = ImapClient {
            conn,
            caps: Vec::new(),
            tag: 0,
            exists: 0,
            folder: String::new(),
            logging_out: false,
            closed: false,
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
            other => {
                return Err(Error::protocol(
                    "unexpected IMAP greeting",
                    format!("{other:?}"),
                ));
            }
        };
        if cfg.security == Security::StartTls && !preauth {
            if c.caps.is_empty() {
                c.capability()?;
            }
            if !c.has("STARTTLS") {
                return Err(Error::new(
                    WD_E::Tls,
                    "server does not offer STARTTLS (required by WD_OPTION_SECURED_TLS)",
                ));
            }
            c.run("STARTTLS", &[Part::Text("STARTTLS".into())])
                .map_err(|e| Error {
                    code: WD_E::Tls,
                    ..e
                })?;
            c.conn.start_tls(&ccfg)?;
            c.caps.clear();
        }
        if !preauth {
            if c.caps.is_empty() {
                c.capability()?;
            }
            c.authenticate(cfg, &ccfg)?;
        }
        if c.caps.is_empty() {
            c.capability()?;
        }
        let folder = if cfg.folder.trim().is_empty() {
            "INBOX"
        } else {
            cfg.folder.as_str()
        };
        c.select(folder)?;
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

    /// Reads one response with its literals (sizes checked before reading). Each
    /// literal is read into its own buffer, which the parser moves into the result.
    fn read_response(&mut self) -> Result<Response> {
        let mut blob: Vec<u8> = Vec::new();
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut literal_bytes = 0usize;
        loop {
            let line = self.conn.read_line()?;
            blob.extend_from_slice(line);
            if trace::enabled() {
                trace::server(PROTO, &String::from_utf8_lossy(line));
            }
            let lit = response::literal_at_end(line)?;
            blob.extend_from_slice(b"\r\n");
            let Some(n) = lit else { break };
            if blob.len() + literal_bytes + n > MAX_RESPONSE {
                return Err(Error::new(
                    WD_E::Protocol,
                    format!("IMAP response larger than {MAX_RESPONSE} bytes"),
                ));
            }
            let data = self.conn.read_exact_vec(n)?;
            trace::note(PROTO, &format!("{{{n} bytes}}"));
            literal_bytes += n;
            literals.push(data);
        }
        response::parse_split(&blob, literals)
    }

    /// Applies untagged data to the session state. A BYE (outside LOGOUT) ends the
    /// session with `WD_E::ConnectionLost`.
    fn handle_untagged(&mut self, u: &Untagged) -> Result<()> {
        match u {
            Untagged::Exists(n) => self.exists = *n,
            Untagged::Expunge(_) => self.exists = self.exists.saturating_sub(1),
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

    fn next_tag(&mut self) -> String {
        self.tag += 1;
        format!("A{:04}", self.tag)
    }

    /// Writes one command (not flushed unless a literal needs the server's "+"), and
    /// returns its tag. Literals use LITERAL+ when offered.
    fn send(&mut self, parts: &[Part]) -> Result<String> {
        let tag = self.next_tag();
        let plus = self.has("LITERAL+");
        let mut line = tag.clone();
        let mut shown = tag.clone();
        for p in parts {
            line.push(' ');
            shown.push(' ');
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
                    self.conn.write_all(data)?;
                    if matches!(p, Part::SecretLiteral(_)) {
                        trace::client(PROTO, &format!("{{{} bytes}} ****", data.len()));
                    } else {
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

    fn write_line(&mut self, line: &str, shown: &str) -> Result<()> {
        if line.bytes().any(|b| b == b'\r' || b == b'\n') {
            return Err(Error::invalid_arg("IMAP command holds CR or LF"));
        }
        trace::client(PROTO, shown);
        self.conn.write_all(line.as_bytes())?;
        self.conn.write_all(b"\r\n")
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
    fn wait_all(&mut self, tags: &[(String, &str)]) -> Result<(Vec<Untagged>, Vec<Result<Done>>)> {
        let mut results: Vec<Option<Result<Done>>> = tags.iter().map(|_| None).collect();
        let mut data = Vec::new();
        while results.iter().any(Option::is_none) {
            match self.read_response()? {
                Response::Untagged(u) => {
                    self.handle_untagged(&u)?;
                    data.push(u);
                }
                Response::Continue(text) => {
                    return Err(Error::protocol("unexpected continuation request", text));
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
        Ok((data, results.into_iter().flatten().collect()))
    }

    /// Sends one command and waits for its completion.
    fn run(&mut self, what: &str, parts: &[Part]) -> Result<(Vec<Untagged>, Done)> {
        let tag = self.send(parts)?;
        let (data, mut res) = self.wait_all(&[(tag, what)])?;
        let done = res
            .pop()
            .unwrap_or_else(|| Err(Error::internal("no result")))?;
        Ok((data, done))
    }

    fn run_text(&mut self, what: &str, cmd: String) -> Result<Vec<Untagged>> {
        self.run(what, &[Part::Text(cmd)]).map(|(d, _)| d)
    }

    fn capability(&mut self) -> Result<()> {
        self.run_text("CAPABILITY", "CAPABILITY".into())?;
        Ok(())
    }

    // ----- authentication --------------------------------------------------------

    fn authenticate(&mut self, cfg: &SessionConfig, ccfg: &ConnectConfig) -> Result<()> {
        let password = cfg.password.as_deref();
        let token = cfg.auth_token.as_deref().filter(|t| !t.is_empty());
        let offered: Vec<String> = self
            .caps
            .iter()
            .filter_map(|c| {
                c.get(..5)
                    .filter(|p| p.eq_ignore_ascii_case("AUTH="))
                    .map(|_| c[5..].to_string())
            })
            .collect();
        let mech = match cfg.auth_method {
            AuthMethod::Auto => {
                let m = auth::choose(&offered, password.is_some(), token.is_some());
                if m.is_none() && password.is_none() {
                    return Err(Error::new(
                        WD_E::Auth,
                        format!(
                            "no usable authentication mechanism (server offers: {})",
                            offered.join(" ")
                        ),
                    ));
                }
                m
            }
            AuthMethod::UserPass => None,
            AuthMethod::Apop => {
                return Err(Error::not_supported("APOP is a POP3 method, not IMAP"));
            }
            other => {
                let m = auth_name(other).ok_or_else(|| Error::internal("auth method"))?;
                if !offered.iter().any(|o| o.eq_ignore_ascii_case(m.name())) {
                    return Err(Error::new(
                        WD_E::Auth,
                        format!(
                            "server does not offer AUTH={} (offers: {})",
                            m.name(),
                            offered.join(" ")
                        ),
                    ));
                }
                Some(m)
            }
        };
        match mech {
            None => self.login(&cfg.user, password.unwrap_or("")),
            Some(m) => {
                if m.uses_token() && token.is_none() {
                    return Err(Error::new(
                        WD_E::Auth,
                        format!("{} needs an access token (WD_PROP_AUTH_TOKEN)", m.name()),
                    ));
                }
                if !m.uses_token() && password.is_none() {
                    return Err(Error::new(
                        WD_E::Auth,
                        format!("{} needs a password", m.name()),
                    ));
                }
                self.sasl(
                    m,
                    &cfg.user,
                    password.unwrap_or(""),
                    token.unwrap_or(""),
                    ccfg,
                )
            }
        }
    }

    fn login(&mut self, user: &str, pass: &str) -> Result<()> {
        if self.has("LOGINDISABLED") {
            return Err(Error::new(
                WD_E::Auth,
                "server disables LOGIN on this connection (use TLS or a SASL mechanism)",
            ));
        }
        let parts = [
            Part::Text("LOGIN".into()),
            astring(user, false),
            astring(pass, true),
        ];
        self.run("login refused", &parts)
            .map(|_| ())
            .map_err(|e| Error {
                code: if e.code == WD_E::Protocol {
                    WD_E::Auth
                } else {
                    e.code
                },
                ..e
            })
    }

    fn sasl(
        &mut self,
        mech: Mechanism,
        user: &str,
        pass: &str,
        token: &str,
        ccfg: &ConnectConfig,
    ) -> Result<()> {
        let initial = match mech {
            Mechanism::Plain => Some(auth::plain("", user, pass)),
            Mechanism::XOAuth2 => Some(auth::xoauth2(user, token)),
            Mechanism::OAuthBearer => Some(auth::oauthbearer(user, token, &ccfg.host, ccfg.port)),
            _ => None,
        };
        let tag = self.next_tag();
        let cmd = format!("{tag} AUTHENTICATE {}", mech.name());
        let mut pending = None;
        match initial {
            Some(ir) if self.has("SASL-IR") => {
                let ir = if ir.is_empty() { "=".to_string() } else { ir };
                self.write_line(&format!("{cmd} {ir}"), &format!("{cmd} ****"))?;
            }
            other => {
                self.write_line(&cmd, &cmd)?;
                pending = other;
            }
        }
        let mut step = 0;
        let mut server_error: Option<String> = None;
        loop {
            match self.read_response()? {
                Response::Continue(challenge) => {
                    step += 1;
                    if step > MAX_SASL_STEPS + 1 {
                        // Still challenging after the cancel: never ends otherwise.
                        return Err(Error::new(
                            WD_E::Protocol,
                            format!(
                                "IMAP server keeps sending {} challenges (more than {MAX_SASL_STEPS})",
                                mech.name()
                            ),
                        )
                        .with_system(format!("+ {challenge}")));
                    }
                    let answer = if step > MAX_SASL_STEPS {
                        "*".to_string()
                    } else {
                        match mech {
                            Mechanism::Plain | Mechanism::XOAuth2 | Mechanism::OAuthBearer => {
                                match pending.take() {
                                    Some(ir) => ir,
                                    None if mech.uses_token() => {
                                        server_error = Some(auth::decode_challenge(&challenge));
                                        auth::oauth_abort(mech)
                                    }
                                    None => "*".to_string(),
                                }
                            }
                            Mechanism::Login => match step {
                                1 => auth::login_user(user),
                                2 => auth::login_pass(pass),
                                _ => "*".to_string(),
                            },
                            Mechanism::CramMd5 => auth::cram_md5(user, pass, &challenge)?,
                        }
                    };
                    let shown = if answer.is_empty() || answer == "*" {
                        answer.clone()
                    } else {
                        "****".to_string()
                    };
                    self.write_line(&answer, &shown)?;
                }
                Response::Untagged(u) => self.handle_untagged(&u)?,
                Response::Tagged {
                    tag: t,
                    status,
                    code,
                    text,
                } if t == tag => {
                    if status == Status::Ok {
                        self.caps.clear();
                        if let Some(caps) = caps_from_code(&code) {
                            self.caps = caps;
                        }
                        return Ok(());
                    }
                    let reply = reply_text(status, &code, &text);
                    let msg = match &server_error {
                        Some(json) => format!(
                            "authentication refused ({}): {} ({json})",
                            mech.name(),
                            reply
                        ),
                        None => format!("authentication refused ({}): {reply}", mech.name()),
                    };
                    let system = match server_error {
                        Some(json) => format!("{reply} {json}"),
                        None => reply,
                    };
                    return Err(Error::new(WD_E::Auth, msg).with_system(system));
                }
                Response::Tagged { .. } => {}
            }
        }
    }

    // ----- folder and message commands ---------------------------------------------

    fn select(&mut self, folder: &str) -> Result<()> {
        self.exists = 0;
        let what = format!("SELECT {folder}");
        self.folder.clear();
        self.run_text(&what, format!("SELECT {}", mailbox(folder)))?;
        self.folder = folder.to_string();
        Ok(())
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

    /// UID SEARCH (ALL or UNSEEN) and one UID FETCH of UID/FLAGS/RFC822.SIZE for all,
    /// pipelined in one round trip; in sequence order.
    fn list(&mut self, opts: ReadOptions) -> Result<Vec<MessageRef>> {
        let crit = if opts.unread_only { "UNSEEN" } else { "ALL" };
        let t1 = self.send(&[Part::Text(format!("UID SEARCH {crit}"))])?;
        let t2 = self.send(&[Part::Text("UID FETCH 1:* (UID FLAGS RFC822.SIZE)".into())])?;
        let (data, results) = self.wait_all(&[(t1, "UID SEARCH"), (t2, "UID FETCH")])?;
        let mut results = results.into_iter();
        let search = results
            .next()
            .unwrap_or_else(|| Err(Error::internal("no result")));
        let fetch = results
            .next()
            .unwrap_or_else(|| Err(Error::internal("no result")));
        search?;
        let mut wanted = std::collections::HashSet::new();
        let mut by_seq: HashMap<u32, FetchData> = HashMap::new();
        for u in data {
            match u {
                Untagged::Search(v) => wanted.extend(v),
                Untagged::Fetch { seq, data } => by_seq.entry(seq).or_default().merge(data),
                _ => {}
            }
        }
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        fetch?;
        let mut refs: Vec<MessageRef> = by_seq
            .into_iter()
            .filter_map(|(seq, d)| {
                let uid = d.uid?;
                wanted.contains(&uid).then(|| MessageRef {
                    number: seq,
                    uid: uid.to_string(),
                    size: d.size.unwrap_or(0),
                    seen: d.seen().unwrap_or(false),
                })
            })
            .collect();
        refs.sort_by_key(|r| r.number);
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
        let sets_seen = !opts.keep_unseen && !opts.header_only;
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
            let (seq, mut d) = found.ok_or_else(|| {
                Error::new(
                    WD_E::Protocol,
                    format!("message UID {uid} no longer exists in {}", self.folder),
                )
            })?;
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
            let size = i64::try_from(d.size.unwrap_or(r.size)).unwrap_or(i64::MAX);
            let seen = sets_seen || d.seen().unwrap_or(r.seen);
            out.push(to_email(raw, uid, seq, size, seen, opts)?);
        }
        Ok(out)
    }

    /// Without `unread_only`: one `UID FETCH 1:* (UID FLAGS RFC822.SIZE BODY…)` lists
    /// and fetches everything in one round trip. With it: UID SEARCH UNSEEN first.
    fn fetch_all(&mut self, opts: ReadOptions) -> Result<(Vec<MessageRef>, Vec<Email>)> {
        if opts.unread_only {
            let refs = self.list(opts)?;
            let emails = self.fetch(&refs, opts)?;
            return Ok((refs, emails));
        }
        let sets_seen = !opts.keep_unseen && !opts.header_only;
        let item = fetch_item(opts);
        let result = self.run_text(
            "UID FETCH",
            format!("UID FETCH 1:* (UID FLAGS RFC822.SIZE {item})"),
        );
        let data = match result {
            Ok(data) => data,
            // "1:*" in an empty folder: some servers answer NO or BAD.
            Err(e) if e.code == WD_E::Protocol && self.exists == 0 => {
                trace::note(PROTO, "empty folder");
                return Ok((Vec::new(), Vec::new()));
            }
            Err(e) => return Err(e),
        };
        let mut by_seq: HashMap<u32, FetchData> = HashMap::new();
        for u in data {
            if let Untagged::Fetch { seq, data } = u {
                by_seq.entry(seq).or_default().merge(data);
            }
        }
        let mut seqs: Vec<(u32, FetchData)> = by_seq.into_iter().collect();
        seqs.sort_unstable_by_key(|(seq, _)| *seq);
        let mut refs = Vec::with_capacity(seqs.len());
        let mut out = Vec::with_capacity(seqs.len());
        for (seq, mut d) in seqs {
            // A FETCH without UID is an unsolicited flag update of a message outside
            // the answer: not ours.
            let Some(uid) = d.uid else { continue };
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
            let seen = d.seen().unwrap_or(false);
            let size = d.size.unwrap_or(raw.len() as u64);
            refs.push(MessageRef {
                number: seq,
                uid: uid.to_string(),
                size,
                seen,
            });
            out.push(to_email(
                raw,
                uid,
                seq,
                i64::try_from(size).unwrap_or(i64::MAX),
                sets_seen || seen,
                opts,
            )?);
        }
        Ok((refs, out))
    }

    fn delete(&mut self, msg: &MessageRef) -> Result<()> {
        let uid = parse_uid(msg)?;
        self.store(uid, "+", "\\Deleted")?;
        self.expunge_uid(uid)
    }

    fn close(&mut self) -> Result<()> {
        if self.closed {
            return Ok(());
        }
        self.logging_out = true;
        let r = self.run_text("LOGOUT", "LOGOUT".into());
        self.closed = true;
        self.conn.close();
        match r {
            Ok(_) => Ok(()),
            // The server may close right after its BYE.
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

impl Drop for ImapClient {
    fn drop(&mut self) {
        if self.closed {
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
