//! POP3 client (RFC 1939) with CAPA and PIPELINING (RFC 2449), STLS (RFC 2595), SASL
//! AUTH (RFC 5034: PLAIN, LOGIN, CRAM-MD5, XOAUTH2, OAUTHBEARER) and APOP.
//!
//! The connection is opened, secured and authenticated by [`Pop3Client::open`]; the
//! shared reading API then drives it through the [`Mailbox`] trait. Replies are parsed by
//! the sans-IO [`response`] module.
//!
//! Deletions: `DELE` only marks a message; the server removes it when the session ends
//! with `QUIT` ([`Mailbox::close`], i.e. `EmailFermeSession`). Dropping a client that was
//! not closed does NOT send `QUIT`: the socket is just closed, so a session lost or
//! abandoned before `EmailFermeSession` deletes nothing (RFC 1939 §6).

pub mod dot;
pub mod response;
mod wait;

use crate::auth::{self, Credentials, Failure, Mechanism, Method, Offer};
use crate::error::{Error, Result, WD_E};
use crate::limits::CLOSE_TIMEOUT_SECS;
use crate::message::Email;
use crate::net::{Budget, ConnectConfig, Connection, fetch_payload};
use crate::session::{Mailbox, MessageRef, ReadOptions, Security, SessionConfig};
use crate::trace;
use response::{Capabilities, Status, parse_status};
use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

const PROTO: &str = "POP3";
/// Most commands sent in one pipelined flight (RETR/TOP batches). The commands of one
/// batch (at most 256 × 18 bytes, under 5 KB) are small enough to sit in the socket
/// buffers while the client reads the replies, so a server that writes while it reads
/// cannot dead-lock.
pub const PIPELINE_BATCH: usize = 256;
/// Largest CAPA / LIST / UIDL body accepted, in bytes.
const MAX_LISTING: usize = 64 * 1024 * 1024;

/// An open, authenticated POP3 connection.
#[derive(Debug)]
pub struct Pop3Client {
    conn: Connection,
    caps: Capabilities,
    greeting: String,
    /// Messages marked with DELE in this session (gone at QUIT).
    deleted: BTreeSet<u32>,
    /// The number of messages of the session's first listing (`EmailNbMessage`).
    first_count: Option<usize>,
    /// `WD_PROP_MAX_MESSAGE_SIZE`: the largest message read.
    max_message: u64,
    closed: bool,
    /// The settings it was opened with: a wait for new mail opens fresh connections.
    cfg: SessionConfig,
    global_timeout: u32,
    /// How often a wait for new mail looks (tests shorten it).
    poll_every: Duration,
}

/// Reply of a multi-line command: the body, or the `-ERR` line.
type Multi = std::result::Result<Vec<u8>, String>;

fn auth_failed(what: &str, line: &str) -> Error {
    Error::new(
        WD_E::Auth,
        format!("POP3 authentication failed ({what}): {line}"),
    )
    .with_system(line.to_string())
}

fn unexpected(what: &str, line: &str) -> Error {
    Error::new(
        WD_E::Protocol,
        format!("unexpected POP3 reply to {what}: {line}"),
    )
    .with_system(line.to_string())
}

impl Pop3Client {
    /// Connects (implicit TLS when `cfg.security` says so), reads the greeting, asks CAPA,
    /// upgrades with STLS when `WD_OPTION_SECURED_TLS` is set (never falling back to plain
    /// text), and authenticates as `cfg.auth_method` says.
    ///
    /// Errors: `Connect`, `Timeout`, `Tls` (handshake, or STLS not offered/refused),
    /// `Auth` (with the server's `-ERR` line), `Protocol` (greeting refused, garbage),
    /// `ConnectionLost`.
    pub fn open(cfg: &SessionConfig, global_timeout: u32) -> Result<Pop3Client> {
        cfg.validate()?;
        let cc = cfg.connect_config(global_timeout);
        let mut conn = Connection::connect(&cc, PROTO)?;
        conn.expect_greeting();
        let mut c = Pop3Client {
            conn,
            caps: Capabilities::default(),
            greeting: String::new(),
            deleted: BTreeSet::new(),
            first_count: None,
            max_message: cfg.max_message_size,
            closed: false,
            cfg: cfg.clone(),
            global_timeout,
            poll_every: wait::POLL_EVERY,
        };
        let (st, line) = c.reply()?;
        match st {
            Status::Ok(text) => c.greeting = text,
            Status::Err(_) => {
                return Err(Error::protocol("POP3 server refused the connection", line));
            }
            Status::Continue(_) => return Err(unexpected("the connection", &line)),
        }
        c.caps = c.capa()?;
        if cfg.effective_security() == Security::StartTls {
            c.stls(&cc)?;
            c.caps = c.capa()?;
        }
        if let Err(f) = c.authenticate(cfg, &cc) {
            if f.in_step {
                c.quit_after_refusal();
            }
            return Err(f.error);
        }
        c.conn.opened();
        Ok(c)
    }

    /// What the server announced with CAPA (`known` is false when CAPA was refused).
    pub fn capabilities(&self) -> &Capabilities {
        &self.caps
    }

    /// The greeting text after `+OK`.
    pub fn greeting(&self) -> &str {
        &self.greeting
    }

    /// True when the connection is encrypted (implicit TLS or STLS).
    pub fn is_tls(&self) -> bool {
        self.conn.is_tls()
    }

    // ----- low level -----------------------------------------------------------

    /// Reads one status line (traced) and parses it; also returns the line. A line that
    /// is no status line leaves the conversation out of step: the connection is closed
    /// without QUIT.
    fn reply(&mut self) -> Result<(Status, String)> {
        let raw = self.conn.read_line()?;
        let line = String::from_utf8_lossy(raw).into_owned();
        trace::server(PROTO, &line);
        match parse_status(raw) {
            Ok(st) => Ok((st, line)),
            Err(e) => {
                self.conn.abandon(&e.message);
                Err(e)
            }
        }
    }

    /// Reads the reply of a multi-line command: status line then, after `+OK`, the body
    /// up to the dot line (at most `max` bytes). Any error stops in the middle of the
    /// reply: the connection is closed without QUIT (nothing of it is ever read as the
    /// reply to a later command).
    fn read_multi(&mut self, what: &str, max: usize) -> Result<Multi> {
        let r = self.read_multi_inner(what, max);
        if let Err(e) = &r {
            self.conn.abandon(&e.message);
        }
        r
    }

    fn read_multi_inner(&mut self, what: &str, max: usize) -> Result<Multi> {
        let (st, line) = self.reply()?;
        match st {
            Status::Ok(_) => {
                let body = dot::read_body(&mut self.conn, max)?;
                if trace::enabled() {
                    trace::note(PROTO, &format!("({} bytes of {what} data)", body.len()));
                }
                Ok(Ok(body))
            }
            Status::Err(_) => Ok(Err(line)),
            Status::Continue(_) => Err(unexpected(what, &line)),
        }
    }

    /// Sends a one-line command and expects `+OK`; `-ERR` is a `Protocol` error.
    fn simple(&mut self, cmd: &str) -> Result<String> {
        self.conn.send_line(cmd)?;
        let (st, line) = self.reply()?;
        match st {
            Status::Ok(text) => Ok(text),
            Status::Err(_) => Err(Error::protocol(cmd.to_string(), line)),
            Status::Continue(_) => Err(unexpected(cmd, &line)),
        }
    }

    fn capa(&mut self) -> Result<Capabilities> {
        self.conn.send_line("CAPA")?;
        match self.read_multi("CAPA", MAX_LISTING)? {
            Ok(body) => {
                if trace::enabled() {
                    for l in response::body_lines(&body) {
                        trace::server(PROTO, &String::from_utf8_lossy(l));
                    }
                }
                response::parse_capa(&body)
            }
            // CAPA is optional (RFC 2449): nothing is known about the server.
            Err(_) => Ok(Capabilities::default()),
        }
    }

    fn stls(&mut self, cc: &ConnectConfig) -> Result<()> {
        if self.caps.known && !self.caps.stls {
            return Err(Error::new(
                WD_E::Tls,
                "POP3 server does not offer STLS (required by WD_OPTION_SECURED_TLS)",
            ));
        }
        self.conn.send_line("STLS")?;
        let (st, line) = self.reply()?;
        match st {
            Status::Ok(_) => self.conn.start_tls(cc),
            _ => Err(
                Error::new(WD_E::Tls, format!("POP3 server refused STLS: {line}"))
                    .with_system(line),
            ),
        }
    }

    // ----- authentication ------------------------------------------------------

    /// Signs in as `cfg.auth_method` says (see [`auth::select`]), moving on after a
    /// refusal when the method is automatic. A session with neither a password nor a
    /// token signs in with the empty password.
    fn authenticate(
        &mut self,
        cfg: &SessionConfig,
        cc: &ConnectConfig,
    ) -> std::result::Result<(), Failure> {
        let mut creds = Credentials::new(cfg, &cc.host, cc.port);
        if !cfg.has_token() {
            creds.password.get_or_insert("");
        }
        let sasl = self.caps.sasl.clone();
        let offer = Offer {
            protocol: PROTO,
            sasl: self.caps.sasl_listed.then_some(sasl.as_slice()),
            apop: Some(auth::apop_timestamp(&self.greeting).is_some()),
            protocol_login: Some(true),
        };
        auth::sign_in_linked(
            PROTO,
            cfg,
            cc.timeout,
            &offer,
            creds,
            |m, creds, _| match m {
                Method::Sasl(mech) => auth::exchange(&mut Sasl(self), mech, creds),
                Method::Apop => Ok(self.apop(creds.user, creds.secret(m)?)?),
                Method::ProtocolLogin => Ok(self.user_pass(creds.user, creds.secret(m)?)?),
            },
        )
    }

    /// QUIT after a refused sign-in (nothing to commit), its reply awaited briefly;
    /// then the connection is closed.
    fn quit_after_refusal(&mut self) {
        self.closed = true;
        let brief = Duration::from_secs(CLOSE_TIMEOUT_SECS);
        let t = self.conn.timeout();
        if t.is_zero() || t > brief {
            let _ = self.conn.set_timeout(brief);
        }
        let _ = self.simple("QUIT");
        self.conn.close();
    }

    fn user_pass(&mut self, user: &str, pass: &str) -> Result<()> {
        self.conn.send_line(&format!("USER {user}"))?;
        let (st, line) = self.reply()?;
        match st {
            Status::Ok(_) => {}
            Status::Err(_) => return Err(auth_failed("USER", &line)),
            Status::Continue(_) => return Err(unexpected("USER", &line)),
        }
        self.conn
            .send_line_masked(&format!("PASS {pass}"), "PASS")?;
        let (st, line) = self.reply()?;
        match st {
            Status::Ok(_) => Ok(()),
            Status::Err(_) => Err(auth_failed("USER/PASS", &line)),
            Status::Continue(_) => Err(unexpected("PASS", &line)),
        }
    }

    fn apop(&mut self, user: &str, pass: &str) -> Result<()> {
        let Some(ts) = auth::apop_timestamp(&self.greeting) else {
            return Err(Error::new(
                WD_E::Auth,
                "POP3 server greeting has no APOP timestamp: APOP is not available",
            ));
        };
        let digest = auth::apop_digest(ts, pass);
        self.conn
            .send_line_masked(&format!("APOP {user} {digest}"), &format!("APOP {user}"))?;
        let (st, line) = self.reply()?;
        match st {
            Status::Ok(_) => Ok(()),
            Status::Err(_) => Err(auth_failed("APOP", &line)),
            Status::Continue(_) => Err(unexpected("APOP", &line)),
        }
    }

    // ----- commands ------------------------------------------------------------

    /// STAT: (message count, total size), deleted messages excluded.
    pub fn stat(&mut self) -> Result<(u32, u64)> {
        let text = self.simple("STAT")?;
        response::parse_stat(&text).ok_or_else(|| unexpected("STAT", &format!("+OK {text}")))
    }

    /// NOOP (keeps the connection alive).
    pub fn noop(&mut self) -> Result<()> {
        self.simple("NOOP").map(|_| ())
    }

    /// RSET: unmarks every message deleted in this session.
    pub fn rset(&mut self) -> Result<()> {
        self.simple("RSET")?;
        self.deleted.clear();
        Ok(())
    }

    fn listing_or_err(&self, what: &str, r: Multi) -> Result<Vec<u8>> {
        r.map_err(|line| Error::protocol(what.to_string(), line))
    }

    fn to_email(r: &MessageRef, body: Vec<u8>, opts: ReadOptions) -> Email {
        let header_only = opts.header_only;
        let size = if r.size > 0 {
            i64::try_from(r.size).unwrap_or(i64::MAX)
        } else {
            body.len() as i64
        };
        let number = i32::try_from(r.number).unwrap_or(i32::MAX);
        if opts.defer_parse {
            let mut e = Email::deferred(body, r.uid.clone(), number, size, false);
            e.header_only = header_only;
            return e;
        }
        let body = crate::message::Source::from(body);
        let mut e = match crate::message::parse::parse_source(&body) {
            Ok(e) => e,
            Err(err) => {
                trace::note(
                    PROTO,
                    &format!("message {} kept unparsed: {}", r.number, err.message),
                );
                Email::default()
            }
        };
        e.uid = r.uid.clone();
        e.number = number;
        e.size = size;
        e.seen = false;
        e.out = false;
        e.header_only = header_only;
        e.source = body;
        e
    }
}

/// The POP3 side of a SASL exchange (RFC 5034): `AUTH`, `+ ` challenges, `+OK`/`-ERR`.
struct Sasl<'a>(&'a mut Pop3Client);

impl auth::Transport for Sasl<'_> {
    const PROTOCOL: &'static str = PROTO;

    /// The initial response goes on the AUTH line when CAPA listed SASL.
    fn initial_response_allowed(&self) -> bool {
        self.0.caps.sasl_listed
    }

    fn command(&mut self, mech: Mechanism) -> String {
        format!("AUTH {mech}")
    }

    fn send(&mut self, line: &str, masked: Option<&str>) -> Result<()> {
        match masked {
            Some(shown) => self.0.conn.send_line_masked(line, shown),
            None => self.0.conn.send_line(line),
        }
    }

    fn reply(&mut self) -> Result<auth::Reply> {
        let (st, line) = self.0.reply()?;
        Ok(match st {
            Status::Ok(_) => auth::Reply::Success,
            Status::Err(_) => auth::Reply::Failure(line),
            Status::Continue(challenge) => auth::Reply::Challenge(challenge),
        })
    }
}

impl Mailbox for Pop3Client {
    fn protocol(&self) -> &'static str {
        "POP3"
    }

    fn usable(&self) -> Result<()> {
        self.conn.usable()
    }

    fn max_message_size(&self) -> u64 {
        self.max_message
    }

    /// LIST and UIDL (one round trip with PIPELINING); messages deleted in this session
    /// are left out. `unread_only` is `NotSupported` (POP3 has no flags).
    fn list(&mut self, opts: ReadOptions) -> Result<Vec<MessageRef>> {
        if opts.unread_only {
            return Err(Error::not_supported(
                "POP3 has no unread flag: WD_READ_UNREAD works with IMAP only",
            ));
        }
        let pipelined = self.caps.pipelining;
        self.conn.send_line("LIST")?;
        if pipelined {
            self.conn.send_line("UIDL")?;
        }
        let list = self.read_multi("LIST", MAX_LISTING)?;
        let uidl = if pipelined || list.is_ok() {
            if !pipelined {
                self.conn.send_line("UIDL")?;
            }
            Some(self.read_multi("UIDL", MAX_LISTING)?)
        } else {
            None
        };
        let list = response::parse_list(&self.listing_or_err("LIST", list)?)?;
        self.first_count
            .get_or_insert(list.len() + self.deleted.len());
        // A server without UIDL: messages have no unique id.
        let uids: HashMap<u32, String> = match uidl {
            Some(Ok(body)) => response::parse_uidl(&body)?.into_iter().collect(),
            _ => HashMap::new(),
        };
        Ok(list
            .into_iter()
            .filter(|(n, _)| !self.deleted.contains(n))
            .map(|(number, size)| MessageRef {
                number,
                uid: uids.get(&number).cloned().unwrap_or_default(),
                size,
                seen: false,
            })
            .collect())
    }

    /// RETR (or `TOP n 0` for headers only) of each message, in pipelined batches of
    /// [`PIPELINE_BATCH`] when the server offers PIPELINING. A refused message is a
    /// `Protocol` error (the rest of its batch is read to stay in step). A message listed
    /// larger than `WD_PROP_MAX_MESSAGE_SIZE` is `WD_E_MESSAGE` before anything is sent.
    /// The bodies together may bring what their listed sizes announce (one whole message
    /// at least, see [`fetch_payload`]); past that, or past the largest message allowed
    /// for one body, `WD_E_PROTOCOL` and the connection is closed.
    fn fetch(&mut self, refs: &[MessageRef], opts: ReadOptions) -> Result<Vec<Email>> {
        crate::session::refuse_oversize(refs, self.max_message)?;
        let mut budget = Budget::new(fetch_payload(refs.iter().map(|r| r.size), self.max_message));
        let header_only = opts.header_only;
        let cmd = |r: &MessageRef| {
            if header_only {
                format!("TOP {} 0", r.number)
            } else {
                format!("RETR {}", r.number)
            }
        };
        let batch = if self.caps.pipelining {
            PIPELINE_BATCH
        } else {
            1
        };
        let mut out = Vec::with_capacity(refs.len());
        for chunk in refs.chunks(batch) {
            for r in chunk {
                self.conn.send_line(&cmd(r))?;
            }
            self.conn.flush()?;
            let mut refused: Option<Error> = None;
            for r in chunk {
                let c = cmd(r);
                let max = budget.left().min(self.max_message);
                let body = match self.read_multi(&c, usize::try_from(max).unwrap_or(usize::MAX)) {
                    Ok(b) => b,
                    Err(e) if e.code == WD_E::Protocol && !self.conn.is_usable() => {
                        return Err(Error::new(
                            WD_E::Protocol,
                            format!(
                                "message {}: {} (WD_PROP_MAX_MESSAGE_SIZE {} bytes, listed \
                                 size {}); the connection is closed",
                                r.number, e.message, self.max_message, r.size
                            ),
                        ));
                    }
                    Err(e) => return Err(e),
                };
                if let Ok(b) = &body {
                    // Within `max`: cannot fail.
                    budget.charge(b.len() as u64, "POP3 reply")?;
                }
                match body {
                    Ok(body) if refused.is_none() => out.push(Self::to_email(r, body, opts)),
                    Ok(_) => {}
                    Err(line) => {
                        if refused.is_none() {
                            refused = Some(Error::protocol(c, line));
                        }
                    }
                }
            }
            if let Some(e) = refused {
                return Err(e);
            }
        }
        Ok(out)
    }

    fn wait_new_mail(&mut self, w: &crate::session::WaitUntil) -> Result<crate::session::Waited> {
        self.wait(w)
    }

    fn keep_alive(&mut self) -> Result<()> {
        self.noop()
    }

    fn revive(&mut self) -> Result<()> {
        self.check_idle()
    }

    /// The count of the session's first listing, kept until the session ends: deleting
    /// does not change it (the numbers stay taken until QUIT).
    fn count(&mut self, opts: ReadOptions) -> Result<usize> {
        self.count_listing(opts).map(|(n, _)| n)
    }

    /// [`Mailbox::count`]; the first count lists the mailbox, and that listing goes with
    /// it (the reader keeps it for reading by number: no second LIST and UIDL).
    fn count_listing(&mut self, opts: ReadOptions) -> Result<(usize, Option<Vec<MessageRef>>)> {
        match self.first_count {
            Some(n) if !opts.unread_only => Ok((n, None)),
            _ => {
                let listing = self.list(opts)?;
                let n = self.first_count.unwrap_or_default();
                Ok((n, (!opts.unread_only).then_some(listing)))
            }
        }
    }

    /// DELE: marks the message; the server removes it at QUIT ([`Mailbox::close`]).
    fn delete(&mut self, msg: &MessageRef) -> Result<()> {
        self.simple(&format!("DELE {}", msg.number))?;
        self.deleted.insert(msg.number);
        Ok(())
    }

    /// QUIT (the server commits the deletions) and closes the connection. A second call
    /// does nothing. On a connection that failed earlier nothing is sent (the deletions
    /// are not committed) and that is reported (`WD_E_CONNECTION_LOST`).
    fn close(&mut self) -> Result<()> {
        if self.closed {
            return Ok(());
        }
        self.closed = true;
        if let Err(e) = self.conn.usable() {
            return Err(Error::new(
                WD_E::ConnectionLost,
                format!("{} (no QUIT sent: deletions not committed)", e.message),
            ));
        }
        let r = self.simple("QUIT");
        self.conn.close();
        r.map(|_| ()).map_err(|e| match e.code {
            WD_E::Protocol => Error::new(
                WD_E::Protocol,
                format!("{} (deletions not committed)", e.message),
            )
            .with_system(e.system.unwrap_or_default()),
            _ => e,
        })
    }
}

impl Drop for Pop3Client {
    /// Closes the socket WITHOUT sending QUIT: a session that was not closed with
    /// [`Mailbox::close`] deletes nothing.
    fn drop(&mut self) {
        if !self.closed {
            self.conn.close();
        }
    }
}
