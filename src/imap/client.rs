//! The IMAP connection: opening (greeting, STARTTLS, sign-in, SELECT), tagged
//! commands, responses with their literals, untagged data, LOGOUT on drop.

use super::command::{Part, mailbox};
use super::response::{self, Response, Status, Untagged};
use crate::error::{Error, Result, WD_E};
use crate::limits::{CLOSE_TIMEOUT_SECS, MAX_LINE, MAX_LITERAL};
use crate::net::{ConnectConfig, Connection};
use crate::session::{Security, SessionConfig};
use crate::trace;
use std::time::Duration;

pub(super) const PROTO: &str = "IMAP";
/// Largest response assembled from a line and its literals.
const MAX_RESPONSE: usize = MAX_LITERAL + 16 * MAX_LINE;

/// An open IMAP connection, authenticated, with a folder selected.
pub struct ImapClient {
    pub(super) conn: Connection,
    pub(super) caps: Vec<String>,
    tag: u32,
    pub(super) exists: u32,
    /// EXISTS changes and EXPUNGEs seen (see [`crate::session::Mailbox::changes`]).
    pub(super) changes: u64,
    pub(super) folder: String,
    pub(super) logging_out: bool,
    pub(super) closed: bool,
    /// A SELECT to pipeline behind a one-command sign-in (see [`ImapClient::write_line`]):
    /// the folder, then once sent its tag.
    pub(super) select_behind_sign_in: Option<String>,
    pipelined_select: Option<String>,
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
        let conn = Connection::connect(&ccfg, PROTO)?;
        let mut c = ImapClient {
            conn,
            caps: Vec::new(),
            tag: 0,
            exists: 0,
            changes: 0,
            folder: String::new(),
            logging_out: false,
            closed: false,
            select_behind_sign_in: None,
            pipelined_select: None,
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
        let folder = if cfg.folder.trim().is_empty() {
            "INBOX"
        } else {
            cfg.folder.as_str()
        };
        if !preauth {
            if c.caps.is_empty() {
                c.capability()?;
            } else if cfg.security != Security::StartTls {
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
    pub(super) fn read_response(&mut self) -> Result<Response> {
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
    pub(super) fn handle_untagged(&mut self, u: &Untagged) -> Result<()> {
        match u {
            Untagged::Exists(n) => {
                self.changes += u64::from(*n != self.exists);
                self.exists = *n;
            }
            Untagged::Expunge(_) => {
                self.changes += 1;
                self.exists = self.exists.saturating_sub(1);
            }
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

    pub(super) fn next_tag(&mut self) -> String {
        self.tag += 1;
        format!("A{:04}", self.tag)
    }

    /// Writes one command (not flushed unless a literal needs the server's "+"), and
    /// returns its tag. Literals use LITERAL+ when offered.
    pub(super) fn send(&mut self, parts: &[Part]) -> Result<String> {
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
        let mut data = Vec::new();
        let results = self.wait_all_with(tags, |u| data.push(u))?;
        Ok((data, results))
    }

    /// [`Self::wait_all`] handing each untagged response to `f` as it arrives (once the
    /// session state has taken what it needs) instead of keeping them: a large answer is
    /// turned into its result as it comes.
    pub(super) fn wait_all_with(
        &mut self,
        tags: &[(String, &str)],
        mut f: impl FnMut(Untagged),
    ) -> Result<Vec<Result<Done>>> {
        let mut results: Vec<Option<Result<Done>>> = tags.iter().map(|_| None).collect();
        while results.iter().any(Option::is_none) {
            match self.read_response()? {
                Response::Untagged(u) => {
                    self.handle_untagged(&u)?;
                    f(u);
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
