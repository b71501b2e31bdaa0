//! The synchronous SMTP session: greeting, EHLO (HELO fall-back), STARTTLS, AUTH, and
//! message transactions with PIPELINING (RFC 2920) and CHUNKING (RFC 3030) when offered.

use super::command::{self, Needs};
use super::response::{Capabilities, Reply, ReplyParser};
use crate::auth::{self, Credentials, Mechanism, Method, Offer};
use crate::error::{Error, Result, WD_E};
use crate::net::{Budget, ConnectConfig, Connection};
use crate::session::{OutgoingMessage, RecipientCheck, Security, SessionConfig};
use crate::text::quoted;
use crate::trace;
use std::time::{Duration, Instant};

pub(crate) const PROTO: &str = "SMTP";

/// A connection idle for longer than this is checked with NOOP before the next command.
const IDLE_CHECK: Duration = Duration::from_secs(30);
/// Largest reply accepted (all its lines), in bytes.
const MAX_REPLY_BYTES: u64 = 1 << 20;

/// Result of one message transaction: recipients accepted and refused `(addr, reply)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub accepted: usize,
    pub refused: Vec<(String, String)>,
}

/// One SMTP client connection, opened, secured and authenticated.
pub struct SmtpClient {
    cfg: SessionConfig,
    ccfg: ConnectConfig,
    conn: Option<Connection>,
    parser: ReplyParser,
    caps: Capabilities,
    /// A failed transaction left the server in a mail transaction: RSET first.
    need_rset: bool,
    /// Every reply expected so far was read; false while a flight is in the air or
    /// after an I/O or protocol error (the connection is then reopened).
    in_sync: bool,
    /// Set before a transaction's first flight: the first reply may still be an idle
    /// close (EOF, 421), after which the transaction is retried on a new connection.
    first_reply_pending: bool,
    last_used: Instant,
    /// Client write flights since the connection opened (for tests and traces).
    flights: u64,
    /// Replies counted since the last flight left (see [`SmtpClient::nudge`]).
    replies_since_flight: u32,
    /// A pipelined BDAT flight is being answered: a nudge may be sent.
    nudge_armed: bool,
    /// NOOP nudges sent and not answered yet, behind every reply still expected.
    owed: usize,
    /// NOOP replies next in the stream (a command went out after the nudges).
    owed_due: usize,
    /// NOOP nudges sent since the connection opened (for tests and traces).
    nudges: u64,
    /// Nudges may be sent (see [`SmtpClient::set_nudges`]).
    nudge_allowed: bool,
}

/// A message checked and ready for the wire: CRLF line ends, Bcc removed.
struct Prepared<'a> {
    data: std::borrow::Cow<'a, [u8]>,
    needs: Needs,
}

/// Checks a message's envelope and size and prepares its data (see [`SmtpClient::send`]).
fn prepare(msg: &OutgoingMessage, max: u64) -> Result<Prepared<'_>> {
    if !msg.from.is_empty() {
        command::check_envelope_address(&msg.from, "sender")?;
    }
    if msg.recipients.is_empty() {
        return Err(Error::invalid_arg("the message has no recipient"));
    }
    for r in &msg.recipients {
        command::check_envelope_address(r, "recipient")?;
    }
    let (data, needs) =
        command::prepare_message(&msg.data, msg.keep_bcc, &msg.from, &msg.recipients);
    if data.is_empty() {
        return Err(Error::message("the message is empty"));
    }
    if data.len() as u64 > max {
        return Err(Error::message(format!(
            "the message is too large ({} bytes, WD_PROP_MAX_MESSAGE_SIZE {max})",
            data.len()
        )));
    }
    Ok(Prepared { data, needs })
}

impl std::fmt::Debug for SmtpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpClient")
            .field("host", &self.ccfg.host)
            .field("port", &self.ccfg.port)
            .field("caps", &self.caps)
            .finish()
    }
}

fn closing_error(reply: &Reply) -> Error {
    Error::new(
        WD_E::ConnectionLost,
        format!("server closed the connection: {reply}"),
    )
    .with_system(reply.one_line())
}

impl SmtpClient {
    /// Connects, reads the greeting, says EHLO, secures the connection as `cfg.security`
    /// says (STARTTLS not offered is a [`WD_E::Tls`] error, never a plain fall-back) and
    /// authenticates when a password or token is configured.
    pub fn connect(cfg: &SessionConfig, global_timeout: u32) -> Result<SmtpClient> {
        cfg.validate()?;
        if let Some(name) = &cfg.client_name
            && (name.is_empty() || name.chars().any(|c| c.is_whitespace() || c.is_control()))
        {
            return Err(Error::invalid_arg(format!(
                "client name {} is not a host name",
                quoted(name)
            )));
        }
        let mut c = SmtpClient {
            cfg: cfg.clone(),
            ccfg: cfg.connect_config(global_timeout),
            conn: None,
            parser: ReplyParser::new(),
            caps: Capabilities::default(),
            need_rset: false,
            in_sync: false,
            first_reply_pending: false,
            last_used: Instant::now(),
            flights: 0,
            replies_since_flight: 0,
            nudge_armed: false,
            owed: 0,
            owed_due: 0,
            nudges: 0,
            nudge_allowed: true,
        };
        c.open()?;
        Ok(c)
    }

    /// What the server advertised (after STARTTLS: the second EHLO).
    pub fn capabilities(&self) -> &Capabilities {
        &self.caps
    }

    /// Number of client write flights (batches of commands sent before waiting for a
    /// reply) since the connection opened.
    pub fn flights(&self) -> u64 {
        self.flights
    }

    /// Allows or forbids nudges. A durable queue forbids them: the end of a message is
    /// then the last thing sent before its final reply, so a server that checks the
    /// client is still there before it takes the message sees a client that died
    /// meanwhile (the message stays in the spool and is not delivered twice).
    pub fn set_nudges(&mut self, allowed: bool) {
        self.nudge_allowed = allowed;
    }

    /// Number of NOOP nudges sent since the connection opened (see the module's
    /// `nudge`): commands sent while replies were arriving, whose replies are read later.
    pub fn nudges(&self) -> u64 {
        self.nudges
    }

    fn conn(&mut self) -> Result<&mut Connection> {
        self.conn
            .as_mut()
            .ok_or_else(|| Error::new(WD_E::ConnectionLost, "connection is closed"))
    }

    /// Closes the connection without QUIT (pending output, if any, is sent first on a
    /// connection still usable).
    fn drop_connection(&mut self) {
        if let Some(mut c) = self.conn.take() {
            c.close();
        }
        self.parser = ReplyParser::new();
        self.in_sync = false;
        self.nudge_armed = false;
        self.owed = 0;
        self.owed_due = 0;
    }

    /// (Re)opens the connection: greeting, EHLO, STARTTLS, EHLO, AUTH.
    fn open(&mut self) -> Result<()> {
        self.drop_connection();
        self.need_rset = false;
        self.flights = 0;
        self.nudges = 0;
        self.caps = Capabilities::default();
        let mut conn = Connection::connect(&self.ccfg, PROTO)?;
        conn.expect_greeting();
        self.conn = Some(conn);
        let r = self.open_inner();
        match r {
            Ok(()) => {
                if let Some(c) = self.conn.as_mut() {
                    c.opened();
                }
                self.in_sync = true;
                self.last_used = Instant::now();
                Ok(())
            }
            Err(e) => {
                // In step only after a refused sign-in: QUIT then.
                if self.in_sync {
                    let _ = self.quit(Duration::from_secs(crate::limits::CLOSE_TIMEOUT_SECS));
                }
                self.drop_connection();
                Err(e)
            }
        }
    }

    fn open_inner(&mut self) -> Result<()> {
        let greeting = self.read_reply()?;
        if greeting.code != 220 {
            return Err(Error::protocol(
                "server refused the connection",
                greeting.one_line(),
            ));
        }
        self.hello()?;
        if self.cfg.effective_security() == Security::StartTls {
            if !self.caps.starttls {
                return Err(Error::new(
                    WD_E::Tls,
                    "STARTTLS required but the server does not offer it (no plain-text fall-back)",
                ));
            }
            self.command("STARTTLS")?;
            let r = self.read_reply()?;
            if r.code != 220 {
                return Err(Error::new(WD_E::Tls, format!("STARTTLS refused: {r}"))
                    .with_system(r.one_line()));
            }
            let ccfg = self.ccfg.clone();
            self.conn()?.start_tls(&ccfg)?;
            self.hello()?;
        }
        self.authenticate()
    }

    /// Sends one command line (traced) without flushing.
    fn command(&mut self, line: &str) -> Result<()> {
        self.wrote();
        self.conn()?.send_line(line)
    }

    fn command_masked(&mut self, line: &str, shown: &str) -> Result<()> {
        self.wrote();
        self.conn()?.send_line_masked(line, shown)
    }

    /// Something is sent after the nudges: their replies now come before any other.
    fn wrote(&mut self) {
        self.owed_due += std::mem::take(&mut self.owed);
    }

    /// Keeps data flowing while a pipelined BDAT flight is answered. A server that writes
    /// its replies to one flight in two writes (Postfix: the MAIL/RCPT replies when it
    /// first waits for more of the chunk, the final reply after it) sends the second only
    /// once the first is acknowledged (Nagle). A relay in between (a TCP proxy, an
    /// antivirus "mail shield") or a client system without quick acknowledgements
    /// (Windows) delays that acknowledgement by 40 to 200 ms, unless data goes the other
    /// way. So when some replies came and the rest has not, a NOOP goes out at once
    /// (RFC 2920: NOOP may end a pipelined group); it carries the acknowledgement, and
    /// its reply, which comes after every reply still expected, is read before the
    /// replies of the next command sent.
    fn nudge(&mut self) -> Result<()> {
        let conn = self
            .conn
            .as_mut()
            .ok_or_else(|| Error::new(WD_E::ConnectionLost, "connection is closed"))?;
        if !self.nudge_armed
            || !self.nudge_allowed
            || self.replies_since_flight == 0
            || conn.buffered() > 0
            || conn.pending() > 0
        {
            return Ok(());
        }
        conn.send_line("NOOP")?;
        conn.flush()?;
        self.owed += 1;
        self.nudges += 1;
        self.replies_since_flight = 0;
        Ok(())
    }

    /// Reads the replies of the nudges that are next in the stream. A 421 there is the
    /// server closing.
    fn read_owed(&mut self) -> Result<()> {
        while self.owed_due > 0 {
            self.owed_due -= 1;
            let r = self.read_one()?;
            self.replies_since_flight += 1;
            if r.code == 421 {
                return Err(closing_error(&r));
            }
        }
        Ok(())
    }

    /// Reads one complete reply (flushing pending output first), tracing every line;
    /// the replies of earlier nudges first. A reply may bring [`MAX_REPLY_BYTES`]. Any
    /// error leaves the reply unfinished: the connection is then closed without QUIT (the
    /// next transaction opens a new one).
    fn read_reply(&mut self) -> Result<Reply> {
        let r = self.read_reply_inner();
        if r.is_err() {
            self.drop_connection();
        }
        r
    }

    fn read_reply_inner(&mut self) -> Result<Reply> {
        if self.conn()?.pending() > 0 {
            self.flights += 1;
            self.replies_since_flight = 0;
        }
        self.read_owed()?;
        self.nudge()?;
        let r = self.read_one()?;
        self.replies_since_flight += 1;
        if self.first_reply_pending {
            // 421 first: the server dropped the idle connection (retry allowed).
            if r.code == 421 {
                return Err(closing_error(&r));
            }
            self.first_reply_pending = false;
        }
        Ok(r)
    }

    fn read_one(&mut self) -> Result<Reply> {
        let conn = self
            .conn
            .as_mut()
            .ok_or_else(|| Error::new(WD_E::ConnectionLost, "connection is closed"))?;
        let mut budget = Budget::new(MAX_REPLY_BYTES);
        loop {
            let line = conn.read_line()?;
            budget.charge(line.len() as u64 + 2, "SMTP reply")?;
            if trace::enabled() {
                trace::server(PROTO, &String::from_utf8_lossy(line));
            }
            if let Some(r) = self.parser.push_line(line)? {
                return Ok(r);
            }
        }
    }

    fn client_name(&self) -> String {
        self.cfg
            .client_name
            .clone()
            .unwrap_or_else(|| "localhost".to_string())
    }

    /// EHLO, or HELO when the server refuses EHLO with a 5xx (no extension then).
    fn hello(&mut self) -> Result<()> {
        let name = self.client_name();
        self.command(&format!("EHLO {name}"))?;
        let r = self.read_reply()?;
        if r.code == 250 {
            self.caps = Capabilities::from_ehlo(&r);
            return Ok(());
        }
        if !r.is_permanent() {
            return Err(Error::protocol("EHLO refused", r.one_line()));
        }
        self.command(&format!("HELO {name}"))?;
        let r2 = self.read_reply()?;
        if r2.code != 250 {
            return Err(Error::protocol("HELO refused", r2.one_line()));
        }
        self.caps = Capabilities::default();
        Ok(())
    }

    /// AUTH with the forced mechanism, or with the common ones strongest first, moving
    /// on after a refusal (see [`auth::select`]). Nothing happens when neither a
    /// password nor a token is configured. After a failure, `in_sync` says whether the
    /// connection is still in step.
    fn authenticate(&mut self) -> Result<()> {
        let (cfg, host) = (self.cfg.clone(), self.ccfg.host.clone());
        let creds = Credentials::new(&cfg, &host, self.ccfg.port);
        if creds.password.is_none() && !cfg.has_token() {
            return Ok(());
        }
        let offered = self.caps.auth.clone();
        let offer = Offer {
            protocol: PROTO,
            sasl: Some(&offered),
            apop: None,
            protocol_login: None,
        };
        let r = auth::sign_in_linked(
            PROTO,
            &cfg,
            self.ccfg.timeout,
            &offer,
            creds,
            |m, creds, _| match m {
                Method::Sasl(mech) => auth::exchange(&mut Sasl(self), mech, creds),
                _ => Err(Error::internal(format!("{m} is not an SMTP method")).into()),
            },
        );
        r.map_err(|f| {
            self.in_sync = f.in_step;
            f.error
        })
    }

    /// NOOP on the connection; false when it did not answer 250 (it is then dropped).
    fn noop_ok(&mut self) -> bool {
        let ok = self
            .command("NOOP")
            .and_then(|_| self.read_reply())
            .map(|r| r.code == 250)
            .unwrap_or(false);
        if !ok {
            self.drop_connection();
        }
        ok
    }

    /// Makes sure a usable connection is there: reopens after an error, checks an idle
    /// connection with NOOP (and reopens when the server has dropped it).
    fn ensure_ready(&mut self) -> Result<()> {
        if self.conn.is_none() || !self.in_sync {
            trace::note(PROTO, "reconnecting");
            return self.open();
        }
        if self.last_used.elapsed() >= IDLE_CHECK && !self.noop_ok() {
            trace::note(PROTO, "idle connection closed by the server; reconnecting");
            return self.open();
        }
        Ok(())
    }

    /// The keep-alive (`WD_PROP_KEEPALIVE`): NOOP when the connection has been idle for
    /// `idle` or longer. A connection that does not answer is dropped; the next send
    /// opens a new one.
    pub fn keep_alive(&mut self, idle: Duration) {
        if self.conn.is_some() && self.in_sync && self.last_used.elapsed() >= idle {
            if self.noop_ok() {
                self.last_used = Instant::now();
            } else {
                trace::note(PROTO, "the idle connection did not answer NOOP: dropped");
            }
        }
    }

    /// Sends one message. `accepted == 0` means every recipient was refused (nothing
    /// sent). Errors: [`WD_E::InvalidArgument`] (bad envelope), [`WD_E::Message`]
    /// (larger than the server's SIZE), [`WD_E::NotSupported`] (UTF-8 address without
    /// SMTPUTF8), [`WD_E::Protocol`] (sender or message refused, reply in `system`),
    /// network errors. The transaction is retried once on a new connection when the
    /// server had closed the idle connection (EOF or 421 as first reply).
    pub fn send(&mut self, msg: &OutgoingMessage) -> Result<Delivery> {
        let Prepared { data, needs } = prepare(msg, self.cfg.max_message_size)?;
        self.ensure_ready()?;
        let r = self.transaction(msg, &data, needs);
        let retry = std::mem::take(&mut self.first_reply_pending);
        match r {
            Err(e) if retry && e.code == WD_E::ConnectionLost => {
                trace::note(PROTO, "connection closed by the server; reconnecting once");
                self.open()?;
                let r = self.transaction(msg, &data, needs);
                self.first_reply_pending = false;
                r
            }
            r => r,
        }
    }

    fn check_limits(&self, data: &[u8], needs: Needs) -> Result<()> {
        if let Some(limit) = self.caps.size
            && data.len() as u64 > limit
        {
            return Err(Error::message(format!(
                "the message is larger than the server's limit ({} bytes > {limit} bytes)",
                data.len()
            )));
        }
        if needs.utf8_address && !self.caps.smtputf8 {
            return Err(Error::not_supported(
                "an address is not ASCII and the server does not offer SMTPUTF8",
            ));
        }
        Ok(())
    }

    /// MAIL FROM with the parameters the server and the message call for. Delivery
    /// status notifications are asked only of a server that offers DSN (else noted in
    /// the transcript).
    fn mail_command(&self, msg: &OutgoingMessage, data: &[u8], needs: Needs) -> String {
        let caps = &self.caps;
        if msg.dsn.requested() && !caps.dsn {
            trace::note(
                PROTO,
                "the server does not offer DSN: no delivery status notification asked",
            );
        }
        command::mail_from(
            &msg.from,
            command::MailParams {
                size: (caps.esmtp && caps.size.is_some()).then_some(data.len()),
                eight_bit: needs.eight_bit && caps.eight_bit_mime,
                smtputf8: (needs.utf8_address || needs.utf8_headers) && caps.smtputf8,
                ret: msg.dsn.ret().filter(|_| caps.dsn),
            },
        )
    }

    /// RCPT TO with the DSN `NOTIFY=` parameter when asked and offered.
    fn rcpt_command(&self, msg: &OutgoingMessage, addr: &str) -> String {
        let notify = msg.dsn.notify().filter(|_| self.caps.dsn);
        command::rcpt_to(addr, notify.as_deref())
    }

    fn transaction(
        &mut self,
        msg: &OutgoingMessage,
        data: &[u8],
        needs: Needs,
    ) -> Result<Delivery> {
        self.check_limits(data, needs)?;
        let mail = self.mail_command(msg, data, needs);
        let (pipelining, chunking) = (self.caps.pipelining, self.caps.chunking);
        self.in_sync = false;
        self.first_reply_pending = true;
        let r = if pipelining && chunking {
            let rset = std::mem::take(&mut self.need_rset);
            self.write_chunked(msg, data, &mail, rset)
                .and_then(|_| self.read_chunked(msg, rset, true))
        } else if pipelining {
            self.transaction_pipelined(msg, data, &mail)
        } else {
            self.transaction_lockstep(msg, data, &mail, chunking)
        };
        self.finish_transaction(&r);
        r
    }

    fn finish_transaction<T>(&mut self, r: &Result<T>) {
        self.last_used = Instant::now();
        if r.is_err() && !self.in_sync {
            self.drop_connection();
        }
    }

    fn write_data_chunk(&mut self, data: &[u8]) -> Result<()> {
        self.command(&format!("BDAT {} LAST", data.len()))?;
        if trace::enabled() {
            trace::note(PROTO, &format!("({} bytes of message data)", data.len()));
        }
        self.conn()?.write_body(data)
    }

    fn write_data_dot(&mut self, data: &[u8]) -> Result<()> {
        if trace::enabled() {
            trace::note(
                PROTO,
                &format!("({} bytes of message data, dot-stuffed)", data.len()),
            );
        }
        self.wrote();
        self.conn()?.write_dot_stuffed(data)
    }

    fn split_rcpts(msg: &OutgoingMessage, replies: Vec<Reply>) -> Delivery {
        let mut accepted = 0;
        let mut refused = Vec::new();
        for (addr, r) in msg.recipients.iter().zip(replies) {
            if r.is_positive() {
                accepted += 1;
            } else {
                refused.push((addr.clone(), r.one_line()));
            }
        }
        Delivery { accepted, refused }
    }

    /// Writes [RSET] MAIL RCPT… (not flushed).
    fn write_envelope(&mut self, msg: &OutgoingMessage, mail: &str, rset: bool) -> Result<()> {
        if rset {
            self.command("RSET")?;
        }
        self.command(mail)?;
        for r in &msg.recipients {
            self.command(&self.rcpt_command(msg, r))?;
        }
        Ok(())
    }

    /// Reads the replies to [RSET] MAIL RCPT…: the RSET reply, the MAIL reply, the
    /// recipients' outcome.
    fn read_envelope(
        &mut self,
        msg: &OutgoingMessage,
        rset: bool,
    ) -> Result<(Option<Reply>, Reply, Delivery)> {
        let rset_reply = if rset { Some(self.read_reply()?) } else { None };
        let mail_r = self.read_reply()?;
        let mut rcpt_rs = Vec::with_capacity(msg.recipients.len());
        for _ in &msg.recipients {
            rcpt_rs.push(self.read_reply()?);
        }
        Ok((rset_reply, mail_r, Self::split_rcpts(msg, rcpt_rs)))
    }

    /// The envelope's outcome once its replies are read (connection in step): an error
    /// for a refused RSET or sender, the delivery when every recipient was refused,
    /// `None` to go on. Sets `need_rset` when the transaction stopped.
    fn envelope_outcome(
        &mut self,
        rset_reply: Option<Reply>,
        mail_r: &Reply,
        delivery: &Delivery,
    ) -> Option<Result<Delivery>> {
        if let Some(r) = rset_reply.filter(|r| !r.is_positive()) {
            self.need_rset = true;
            return Some(Err(Error::protocol("RSET refused", r.one_line())));
        }
        if !mail_r.is_positive() {
            self.need_rset = true;
            return Some(Err(Error::protocol("sender refused", mail_r.one_line())));
        }
        if delivery.accepted == 0 {
            self.need_rset = true;
            return Some(Ok(delivery.clone()));
        }
        None
    }

    /// Writes one CHUNKING transaction: [RSET] MAIL RCPT… BDAT LAST and the data.
    fn write_chunked(
        &mut self,
        msg: &OutgoingMessage,
        data: &[u8],
        mail: &str,
        rset: bool,
    ) -> Result<()> {
        self.write_envelope(msg, mail, rset)?;
        self.write_data_chunk(data)
    }

    /// Reads the replies of a transaction written by [`Self::write_chunked`]. `last`:
    /// nothing else is in the air behind it, so a nudge may be needed (see
    /// [`Self::nudge`]).
    fn read_chunked(&mut self, msg: &OutgoingMessage, rset: bool, last: bool) -> Result<Delivery> {
        self.nudge_armed = last;
        let replies = self
            .read_envelope(msg, rset)
            .and_then(|env| Ok((env, self.read_reply()?)));
        self.nudge_armed = false;
        let ((rset_reply, mail_r, delivery), fin) = replies?;
        self.in_sync = true;
        if let Some(r) = self.envelope_outcome(rset_reply, &mail_r, &delivery) {
            return r;
        }
        if !fin.is_positive() {
            self.need_rset = true;
            return Err(Error::protocol("message refused", fin.one_line()));
        }
        Ok(delivery)
    }

    /// PIPELINING without CHUNKING: [RSET] MAIL RCPT… DATA in one flight, then the
    /// dot-stuffed body in a second one.
    fn transaction_pipelined(
        &mut self,
        msg: &OutgoingMessage,
        data: &[u8],
        mail: &str,
    ) -> Result<Delivery> {
        let rset = std::mem::take(&mut self.need_rset);
        self.write_envelope(msg, mail, rset)?;
        self.command("DATA")?;
        self.conn()?.flush()?;
        self.flights += 1;
        let (rset_reply, mail_r, delivery) = self.read_envelope(msg, rset)?;
        let last = self.read_reply()?;
        let go = mail_r.is_positive() && delivery.accepted > 0;
        if last.code == 354 && !go {
            // The server opened DATA although the envelope failed: end it empty.
            self.write_data_dot(b"")?;
            self.read_reply()?;
        }
        self.in_sync = true;
        if let Some(r) = self.envelope_outcome(rset_reply, &mail_r, &delivery) {
            return r;
        }
        if last.code != 354 {
            self.need_rset = true;
            return Err(Error::protocol("DATA refused", last.one_line()));
        }
        self.in_sync = false;
        self.write_data_dot(data)?;
        let fin = self.read_reply()?;
        self.in_sync = true;
        if !fin.is_positive() {
            return Err(Error::protocol("message refused", fin.one_line()));
        }
        Ok(delivery)
    }

    /// Sends several messages with PIPELINING and CHUNKING, the transactions one behind
    /// the other without waiting for the replies in between (RFC 2920 lets MAIL and RSET
    /// follow a BDAT LAST in a group; each transaction after the first starts with RSET
    /// so that one refused transaction cannot leave the next in a half state). Replies
    /// are then read in order: one round trip for the whole batch. Without both
    /// extensions the messages go one at a time with [`Self::send`].
    ///
    /// One result per message, in order. When the connection fails, the messages whose
    /// final reply was not read get the error (the server may have taken some of them).
    /// A connection the server had dropped while idle (EOF or 421 as first reply) is
    /// reopened and the batch sent once more, as for one message.
    pub fn send_batch(&mut self, msgs: &[&OutgoingMessage]) -> Vec<Result<Delivery>> {
        let mut out: Vec<Option<Result<Delivery>>> = msgs.iter().map(|_| None).collect();
        let mut ready = Vec::with_capacity(msgs.len());
        for (i, m) in msgs.iter().enumerate() {
            match prepare(m, self.cfg.max_message_size) {
                Ok(p) => ready.push((i, p)),
                Err(e) => out[i] = Some(Err(e)),
            }
        }
        if let Err(e) = self.ensure_ready() {
            return fill(out, &e);
        }
        if !(self.caps.pipelining && self.caps.chunking) || ready.len() < 2 {
            for (i, p) in &ready {
                out[*i] = Some(self.send_prepared(msgs[*i], p));
            }
            return fill(out, &Error::internal("no result"));
        }
        let mut retried = false;
        loop {
            let r = self.batch_once(msgs, &ready, &mut out);
            let retry = std::mem::take(&mut self.first_reply_pending);
            match r {
                Err(e) if retry && !retried && e.code == WD_E::ConnectionLost => {
                    trace::note(PROTO, "connection closed by the server; reconnecting once");
                    retried = true;
                    if let Err(e) = self.open() {
                        return fill(out, &e);
                    }
                }
                Err(e) => return fill(out, &e),
                Ok(()) => return fill(out, &Error::internal("no result")),
            }
        }
    }

    /// [`Self::send`] of a prepared message (one transaction, retried once after an idle
    /// close).
    fn send_prepared(&mut self, msg: &OutgoingMessage, p: &Prepared) -> Result<Delivery> {
        self.ensure_ready()?;
        let r = self.transaction(msg, &p.data, p.needs);
        let retry = std::mem::take(&mut self.first_reply_pending);
        match r {
            Err(e) if retry && e.code == WD_E::ConnectionLost => {
                trace::note(PROTO, "connection closed by the server; reconnecting once");
                self.open()?;
                let r = self.transaction(msg, &p.data, p.needs);
                self.first_reply_pending = false;
                r
            }
            r => r,
        }
    }

    /// One pass of [`Self::send_batch`]: writes every transaction, then reads the replies.
    /// A message refused by the size or SMTPUTF8 checks gets its error and is left out.
    fn batch_once(
        &mut self,
        msgs: &[&OutgoingMessage],
        ready: &[(usize, Prepared)],
        out: &mut [Option<Result<Delivery>>],
    ) -> Result<()> {
        // (index in `ready`, MAIL FROM, RSET first)
        let mut sent: Vec<(usize, String, bool)> = Vec::with_capacity(ready.len());
        let mut rset = std::mem::take(&mut self.need_rset);
        for (k, (i, p)) in ready.iter().enumerate() {
            match self.check_limits(&p.data, p.needs) {
                Ok(()) => {
                    sent.push((k, self.mail_command(msgs[*i], &p.data, p.needs), rset));
                    rset = true;
                }
                Err(e) => out[*i] = Some(Err(e)),
            }
        }
        self.in_sync = false;
        self.first_reply_pending = true;
        let r = self.batch_flight(msgs, ready, &sent, out);
        self.finish_transaction(&r);
        r
    }

    fn batch_flight(
        &mut self,
        msgs: &[&OutgoingMessage],
        ready: &[(usize, Prepared)],
        sent: &[(usize, String, bool)],
        out: &mut [Option<Result<Delivery>>],
    ) -> Result<()> {
        for (k, mail, rset) in sent {
            let (i, p) = &ready[*k];
            self.write_chunked(msgs[*i], &p.data, mail, *rset)?;
        }
        for (n, (k, _, rset)) in sent.iter().enumerate() {
            let i = &ready[*k].0;
            let last = n + 1 == sent.len();
            self.in_sync = false;
            let d = self.read_chunked(msgs[*i], *rset, last);
            if let Err(e) = &d
                && !self.in_sync
            {
                // Out of step: this message and those behind it fail with the error.
                return Err(e.clone());
            }
            out[*i] = Some(d);
            self.first_reply_pending = false;
            if !last {
                // The next transaction starts with RSET.
                self.need_rset = false;
            }
        }
        Ok(())
    }

    /// Without PIPELINING: one command, one reply.
    fn transaction_lockstep(
        &mut self,
        msg: &OutgoingMessage,
        data: &[u8],
        mail: &str,
        chunking: bool,
    ) -> Result<Delivery> {
        if std::mem::take(&mut self.need_rset) {
            self.command("RSET")?;
            let r = self.read_reply()?;
            if !r.is_positive() {
                self.in_sync = true;
                self.need_rset = true;
                return Err(Error::protocol("RSET refused", r.one_line()));
            }
        }
        self.command(mail)?;
        let r = self.read_reply()?;
        if !r.is_positive() {
            self.in_sync = true;
            self.need_rset = true;
            return Err(Error::protocol("sender refused", r.one_line()));
        }
        let mut rcpt_rs = Vec::with_capacity(msg.recipients.len());
        for a in &msg.recipients {
            self.command(&self.rcpt_command(msg, a))?;
            rcpt_rs.push(self.read_reply()?);
        }
        let delivery = Self::split_rcpts(msg, rcpt_rs);
        if delivery.accepted == 0 {
            self.in_sync = true;
            self.need_rset = true;
            return Ok(delivery);
        }
        let fin = if chunking {
            self.write_data_chunk(data)?;
            self.read_reply()?
        } else {
            self.command("DATA")?;
            let r = self.read_reply()?;
            if r.code != 354 {
                self.in_sync = true;
                self.need_rset = true;
                return Err(Error::protocol("DATA refused", r.one_line()));
            }
            self.write_data_dot(data)?;
            self.read_reply()?
        };
        self.in_sync = true;
        if !fin.is_positive() {
            self.need_rset = true;
            return Err(Error::protocol("message refused", fin.one_line()));
        }
        Ok(delivery)
    }

    /// Probes an address: MAIL FROM (the session user when it is an address, else the
    /// null sender), RCPT TO, RSET — in one flight with PIPELINING.
    pub fn check_recipient(&mut self, address: &str) -> Result<RecipientCheck> {
        let addr = command::bare(address);
        command::check_envelope_address(&addr, "address")?;
        let user = command::bare(&self.cfg.user);
        let from = if command::check_envelope_address(&user, "user").is_ok() {
            user
        } else {
            String::new()
        };
        self.ensure_ready()?;
        if !addr.is_ascii() && !self.caps.smtputf8 {
            return Err(Error::not_supported(
                "the address is not ASCII and the server does not offer SMTPUTF8",
            ));
        }
        let mail = command::mail_from(
            &from,
            command::MailParams {
                smtputf8: !addr.is_ascii(),
                ..command::MailParams::default()
            },
        );
        let mut retried = false;
        loop {
            self.in_sync = false;
            self.first_reply_pending = true;
            let r = self.check_inner(&mail, &addr);
            self.last_used = Instant::now();
            let retry = self.first_reply_pending;
            self.first_reply_pending = false;
            if r.is_err() && !self.in_sync {
                self.drop_connection();
            }
            match r {
                Err(e) if retry && !retried && e.code == WD_E::ConnectionLost => {
                    trace::note(PROTO, "connection closed by the server; reconnecting once");
                    retried = true;
                    self.open()?;
                }
                r => return r,
            }
        }
    }

    fn check_inner(&mut self, mail: &str, addr: &str) -> Result<RecipientCheck> {
        let pipelining = self.caps.pipelining;
        let rset = std::mem::take(&mut self.need_rset);
        if rset {
            self.command("RSET")?;
            if !pipelining {
                self.read_reply()?;
            }
        }
        let rset_sent_first = rset && pipelining;
        let mut replies = Vec::new();
        for line in [
            mail.to_string(),
            command::rcpt_to(addr, None),
            "RSET".to_string(),
        ] {
            self.command(&line)?;
            if !pipelining {
                replies.push(self.read_reply()?);
            }
        }
        if pipelining {
            self.conn()?.flush()?;
            self.flights += 1;
            if rset_sent_first {
                // The RSET queued before MAIL: a refusal there is not the answer.
                self.read_reply()?;
            }
            for _ in 0..3 {
                replies.push(self.read_reply()?);
            }
        }
        self.in_sync = true;
        let (mail_r, rcpt_r) = (&replies[0], &replies[1]);
        if !mail_r.is_positive() {
            return Err(Error::protocol("sender refused", mail_r.one_line()));
        }
        if rcpt_r.is_positive() {
            Ok(RecipientCheck::Accepted)
        } else if rcpt_r.is_permanent() {
            Ok(RecipientCheck::Refused(rcpt_r.one_line()))
        } else {
            Err(Error::protocol("address check failed", rcpt_r.one_line()))
        }
    }

    /// Sends QUIT (its reply bounded by `timeout`) and closes. Errors are ignored when
    /// the connection was already unusable.
    pub fn quit(&mut self, timeout: Duration) -> Result<()> {
        if self.conn.is_none() {
            return Ok(());
        }
        if !self.in_sync {
            self.drop_connection();
            return Ok(());
        }
        let t = timeout.min(Duration::from_secs(crate::limits::CLOSE_TIMEOUT_SECS));
        let r = (|| {
            let c = self.conn()?;
            c.set_timeout(t)?;
            self.command("QUIT")?;
            self.read_reply()
        })();
        self.drop_connection();
        match r {
            Ok(_) => Ok(()),
            Err(e) if e.code == WD_E::ConnectionLost => Ok(()),
            Err(e) => Err(e),
        }
    }
}

/// The results of a batch: the error `e` for every message without one.
fn fill(out: Vec<Option<Result<Delivery>>>, e: &Error) -> Vec<Result<Delivery>> {
    out.into_iter()
        .map(|r| r.unwrap_or_else(|| Err(e.clone())))
        .collect()
}

/// The SMTP side of a SASL exchange (RFC 4954): `AUTH`, `334` challenges, `235`.
struct Sasl<'a>(&'a mut SmtpClient);

impl auth::Transport for Sasl<'_> {
    const PROTOCOL: &'static str = PROTO;

    /// AUTH always accepts an initial response.
    fn initial_response_allowed(&self) -> bool {
        true
    }

    fn command(&mut self, mech: Mechanism) -> String {
        format!("AUTH {mech}")
    }

    fn send(&mut self, line: &str, masked: Option<&str>) -> Result<()> {
        match masked {
            Some(shown) => self.0.command_masked(line, shown),
            None => self.0.command(line),
        }
    }

    /// A 421 is the server closing the connection, not a refusal.
    fn reply(&mut self) -> Result<auth::Reply> {
        let r = self.0.read_reply()?;
        Ok(match r.code {
            334 => auth::Reply::Challenge(r.first_text().to_string()),
            235 => auth::Reply::Success,
            421 => return Err(closing_error(&r)),
            _ => auth::Reply::Failure(r.one_line()),
        })
    }
}

impl Drop for SmtpClient {
    fn drop(&mut self) {
        let _ = self.quit(Duration::from_secs(crate::limits::CLOSE_TIMEOUT_SECS));
    }
}
