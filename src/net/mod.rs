//! Network layer shared by the SMTP, POP3 and IMAP clients: one blocking TCP
//! connection, optionally TLS (implicit or upgraded with STARTTLS), with a read buffer
//! for line-oriented protocols and a write buffer so pipelined commands leave in one
//! write call.
//!
//! Timeouts bound whole exchanges ([`pace`]): opening completes within the timeout, and
//! afterwards each exchange moves at least `timeout × WD_PARAM_MIN_SPEED` bytes in every
//! timeout-long window; the deadline is re-armed before every system call ([`wire`]), TLS
//! handshakes included. A zero timeout means "wait for ever".
//!
//! A connection that failed in the middle of an exchange (a timeout, a lost connection,
//! an over-long line, or a reply its protocol client gave up on with
//! [`Connection::abandon`]) is dead: its socket is closed at once, without any goodbye,
//! and every later call fails with `WD_E_CONNECTION_LOST` before sending anything. The
//! bytes left of the interrupted reply can never be taken for the reply of a later
//! command.
//!
//! Tracing: this module only notes connection and TLS events; protocol clients trace
//! the lines they send and receive (they know what must be masked), except
//! [`Connection::send_line`] / [`Connection::send_line_masked`] which trace for them.
//!
//! Progress ([`crate::progress`]): the bytes of message data are counted here, at one
//! level, as they move: a body written with [`Connection::write_body`] or
//! [`Connection::write_dot_stuffed`], a literal read with [`Connection::read_exact_vec`],
//! and what a decoder of the stream reports with [`Connection::progressed`] (the POP3
//! dot decoder). A cancel gives the connection up like any error in the middle of an
//! exchange: the data it was moving is never completed (no final dot, no rest of a
//! chunk or literal), and [`Connection::was_cancelled`] tells the protocol client why.

pub mod budget;
mod cert;
mod dot_stuff;
pub mod pace;
pub mod proxy;
mod tcp;
mod tls;
mod wire;

/// Kept at this path for the IMAP client; the helper lives in [`crate::text`].
pub use crate::text::normalize_crlf;
pub use budget::{Budget, NOISE_ALLOWANCE, fetch_payload};
pub use dot_stuff::dot_stuff;
pub use pace::{DEFAULT_MIN_SPEED, min_speed, set_min_speed};
pub use proxy::{Proxy, ProxyChoice, ProxyKind};

use crate::error::{Error, Result, WD_E};
use crate::limits::MAX_LINE;
use crate::progress;
use crate::text::find_byte;
use crate::trace;
use pace::Pace;
use std::borrow::Cow;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};
use tcp::{host_port, is_timeout};
use wire::Wire;

/// Size of one read system call.
const READ_CHUNK: usize = 64 * 1024;
/// Read buffer size: room for a whole line of `MAX_LINE` bytes plus one read.
const RBUF_SIZE: usize = MAX_LINE + READ_CHUNK;
/// Pending output above this size is sent without waiting for `flush`.
const WBUF_FLUSH: usize = 64 * 1024;
/// Largest single allocation step of [`Connection::read_exact_vec`].
const EXACT_STEP: usize = 1024 * 1024;

/// How TLS is used on a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TlsMode {
    /// Plain TCP for the whole session.
    #[default]
    None,
    /// Plain TCP, upgraded by the protocol's STARTTLS/STLS then [`Connection::start_tls`].
    StartTls,
    /// TLS from the first byte (SMTPS 465, POP3S 995, IMAPS 993).
    Implicit,
}

/// Where and how to connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectConfig {
    /// Host name, IPv4 address or IPv6 address (brackets allowed).
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    /// Disables both the certificate chain check and the host name check.
    pub accept_invalid_certs: bool,
    /// PEM file of extra trusted CA certificates (one or several), added to the system roots.
    pub ca_file: Option<String>,
    /// Bound on opening and on each exchange ([`pace`]); zero: no bound.
    pub timeout: Duration,
    /// Minimum average speed of an exchange, bytes/s ([`pace`]; 0: only some progress
    /// within each timeout). Default: the process-wide [`min_speed`].
    pub min_speed: u32,
    /// The proxy (`WD_PROP_PROXY`; by default the environment's `ALL_PROXY`, see
    /// [`proxy`]).
    pub proxy: ProxyChoice,
}

impl Default for ConnectConfig {
    fn default() -> Self {
        ConnectConfig {
            host: String::new(),
            port: 0,
            tls: TlsMode::None,
            accept_invalid_certs: false,
            ca_file: None,
            timeout: Duration::from_secs(crate::limits::DEFAULT_TIMEOUT_SECS as u64),
            min_speed: min_speed(),
            proxy: ProxyChoice::default(),
        }
    }
}

enum Stream {
    Plain(Wire),
    Tls(Box<native_tls::TlsStream<Wire>>),
    /// After a failed STARTTLS upgrade or `close`: every I/O fails.
    Closed,
}

impl Stream {
    fn wire(&self) -> Option<&Wire> {
        match self {
            Stream::Plain(w) => Some(w),
            Stream::Tls(s) => Some(s.get_ref()),
            Stream::Closed => None,
        }
    }

    fn wire_mut(&mut self) -> Option<&mut Wire> {
        match self {
            Stream::Plain(w) => Some(w),
            Stream::Tls(s) => Some(s.get_mut()),
            Stream::Closed => None,
        }
    }

    fn tcp(&self) -> Option<&TcpStream> {
        self.wire().map(Wire::tcp)
    }

    /// One read. `quickack`: acknowledge what arrives at once instead of after the
    /// delayed-ACK timer (40 ms on Linux). A server that answers one flight in two writes
    /// without TCP_NODELAY (Postfix before and after a BDAT chunk) holds its second write
    /// until the first is acknowledged; the first reply to a flight never waits (our data
    /// carried the acknowledgement), so callers ask for it only on later reads. The flag
    /// is not sticky; setting it also sends an acknowledgement already pending.
    fn read(&mut self, buf: &mut [u8], quickack: bool) -> io::Result<usize> {
        #[cfg(target_os = "linux")]
        if quickack && let Some(tcp) = self.tcp() {
            use std::os::linux::net::TcpStreamExt;
            let _ = tcp.set_quickack(true);
        }
        #[cfg(not(target_os = "linux"))]
        let _ = quickack;
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
            Stream::Closed => Ok(0),
        }
    }

    fn write_all_flush(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.write_all(buf).and_then(|_| s.flush()),
            Stream::Tls(s) => s.write_all(buf).and_then(|_| s.flush()),
            Stream::Closed => Err(io::Error::from(io::ErrorKind::NotConnected)),
        }
    }
}

/// One client connection with buffered reading and writing.
///
/// Reading: before any read system call, pending output is flushed, so a forgotten
/// [`flush`](Connection::flush) cannot dead-lock a command/reply exchange. Any error of
/// a read or a write (a timeout included) kills the connection, as does
/// [`abandon`](Connection::abandon): see the module documentation.
pub struct Connection {
    stream: Stream,
    rbuf: Box<[u8]>,
    rpos: usize,
    rend: usize,
    wbuf: Vec<u8>,
    /// Data was sent since the last read (see [`Stream::read`]'s `quickack`).
    sent: bool,
    /// Something was read since the last flight was sent: the next flight starts a new
    /// exchange window ([`pace`]).
    replied: bool,
    /// The next line read is the server's greeting ([`Connection::expect_greeting`]).
    greeting: bool,
    /// Why the connection cannot be used any more: the `WD_E_CONNECTION_LOST` message of
    /// every later call.
    dead: Option<String>,
    /// The plain exchange before STARTTLS, kept (while small) to read the server's
    /// certificate again on a second connection when the handshake fails on it.
    replay: Option<Vec<Replay>>,
    /// The connection was given up because the progress callback stopped a transfer.
    cancelled: bool,
    host: String,
    port: u16,
    proto: &'static str,
    timeout: Duration,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("proto", &self.proto)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.is_tls())
            .field("buffered", &(self.rend - self.rpos))
            .field("pending", &self.wbuf.len())
            .field("dead", &self.dead)
            .finish()
    }
}

fn lost(text: &str, e: &io::Error) -> Error {
    Error::new(WD_E::ConnectionLost, format!("{text}: {e}")).with_system(e.to_string())
}

/// The error of a failed system call on `stream`: a passed deadline is a timeout
/// described by the connection's pace, anything else a lost connection.
fn io_error(stream: &Stream, e: &io::Error, sending: bool) -> Error {
    if is_timeout(e) {
        let text = stream
            .wire()
            .map_or_else(|| "timeout".to_string(), |w| w.pace.describe(sending));
        Error::new(WD_E::Timeout, text).with_system(e.to_string())
    } else if sending {
        lost("connection lost while sending", e)
    } else {
        lost("connection lost", e)
    }
}

/// Sends `buf` whole on `stream`.
fn send_on(stream: &mut Stream, buf: &[u8]) -> Result<()> {
    stream
        .write_all_flush(buf)
        .map_err(|e| io_error(stream, &e, true))
}

/// One step of the plain exchange before STARTTLS.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Replay {
    /// Lines read from the server.
    Lines(usize),
    /// Bytes sent.
    Send(Vec<u8>),
}

/// Longest wait for the server's certificate after a failed handshake (within what is
/// left of the opening deadline): the explanation is not worth a long wait.
const PROBE_CAP: Duration = Duration::from_secs(5);

/// Largest plain exchange kept for [`Replay`].
const MAX_REPLAY: usize = 16 * 1024;

/// Connects the socket of a connection to `cfg`'s server, through its proxy when it has
/// one (the tunnel opened), by the opening deadline of `pace`.
fn open_wire(cfg: &ConnectConfig, pace: Pace, proto: &'static str) -> Result<Wire> {
    let route = cfg.proxy.route(&cfg.host)?;
    let deadline = pace.deadline();
    let server = host_port(&cfg.host, cfg.port);
    let tcp = match &route {
        None => tcp::connect(
            &tcp::Target {
                host: &cfg.host,
                port: cfg.port,
                what: &server,
                timeout: cfg.timeout,
            },
            deadline,
            proto,
        )?,
        Some(p) => {
            trace::note(proto, &format!("{server} through the {}", p.label()));
            let what = format!("the {}", p.label());
            let t = tcp::Target {
                host: &p.host,
                port: p.port,
                what: &what,
                timeout: cfg.timeout,
            };
            tcp::connect(&t, deadline, proto)?
        }
    };
    tcp::configure(&tcp, cfg.timeout)?;
    let mut wire = Wire::new(tcp, pace);
    if let Some(p) = &route {
        proxy::tunnel(&mut wire, p, &cfg.host, cfg.port, proto)?;
    }
    Ok(wire)
}

/// A failed handshake about the server's certificate explained with the certificate's
/// names and dates, read on a second connection that checks nothing (the plain exchange
/// `replay` played again first, for STARTTLS), within what is left before `deadline`.
/// Other errors are returned as they are.
fn explained(
    e: Error,
    cfg: &ConnectConfig,
    proto: &'static str,
    deadline: Option<Instant>,
    replay: &[Replay],
) -> Error {
    let Some(text) = e.system.clone().filter(|_| e.code == WD_E::Tls) else {
        return e;
    };
    let failure = tls::classify(&text, &[]);
    if !failure.about_certificate() {
        return e;
    }
    let left = match deadline {
        None => PROBE_CAP,
        Some(d) => match d.checked_duration_since(Instant::now()) {
            Some(l) if l >= Duration::from_millis(50) => l.min(PROBE_CAP),
            _ => return e,
        },
    };
    trace::note(
        proto,
        "reading the server's certificate again to explain the failure",
    );
    let probe = || -> Option<cert::CertInfo> {
        let c = ConnectConfig {
            tls: TlsMode::None,
            timeout: left,
            ..cfg.clone()
        };
        let mut conn = Connection::connect(&c, proto).ok()?;
        for step in replay {
            match step {
                Replay::Lines(n) => {
                    for _ in 0..*n {
                        conn.read_line().ok()?;
                    }
                }
                Replay::Send(b) => {
                    conn.write_all(b).ok()?;
                    conn.flush().ok()?;
                }
            }
        }
        if conn.buffered() > 0 {
            return None;
        }
        match std::mem::replace(&mut conn.stream, Stream::Closed) {
            Stream::Plain(wire) => tls::peer_certificate(&c, wire),
            _ => None,
        }
    };
    match probe() {
        Some(info) => tls::failure_error(&cfg.host, cfg.port, &failure, Some(&info), &text),
        None => e,
    }
}

/// True when `b` starts like a TLS record (handshake or alert, version 3.x).
fn looks_like_tls(b: &[u8]) -> bool {
    b.len() >= 2 && (b[0] == 0x15 || b[0] == 0x16) && b[1] == 0x03
}

impl Connection {
    /// Connects to `cfg.host:cfg.port` (its addresses raced per RFC 8305, IPv6 and IPv4;
    /// through the proxy of `cfg.proxy` when there is one), sets TCP_NODELAY, and for
    /// [`TlsMode::Implicit`] runs the TLS handshake. The
    /// connection is then in its opening phase: everything up to
    /// [`opened`](Connection::opened) (resolution, connection, handshake, and what the
    /// protocol does next) must complete within `cfg.timeout`. `proto` ("SMTP", "POP3",
    /// "IMAP") labels trace notes.
    ///
    /// Errors: [`WD_E::Connect`] (resolution failure, refused, unreachable, a proxy's
    /// refusal; `system` is the OS error or the proxy's reply), [`WD_E::Timeout`],
    /// [`WD_E::Tls`] (a sentence saying what to change; OpenSSL's text in `system`),
    /// [`WD_E::Io`] when `ca_file` cannot be read.
    pub fn connect(cfg: &ConnectConfig, proto: &'static str) -> Result<Connection> {
        let pace = Pace::new(cfg.timeout, cfg.min_speed);
        let deadline = pace.deadline();
        // Check the CA file and TLS set-up before touching the network.
        let connector = match cfg.tls {
            TlsMode::None => None,
            TlsMode::StartTls | TlsMode::Implicit => Some(tls::connector(cfg)?),
        };
        let wire = open_wire(cfg, pace, proto)?;
        let stream = match (cfg.tls, connector) {
            (TlsMode::Implicit, Some(c)) => Stream::Tls(Box::new(
                tls::handshake(&c, cfg, wire, proto)
                    .map_err(|e| explained(e, cfg, proto, deadline, &[]))?,
            )),
            _ => Stream::Plain(wire),
        };
        Ok(Connection {
            stream,
            rbuf: vec![0u8; RBUF_SIZE].into_boxed_slice(),
            rpos: 0,
            rend: 0,
            wbuf: Vec::with_capacity(4096),
            sent: false,
            replied: false,
            greeting: false,
            dead: None,
            replay: (cfg.tls == TlsMode::StartTls).then(Vec::new),
            cancelled: false,
            host: cfg.host.clone(),
            port: cfg.port,
            proto,
            timeout: cfg.timeout,
        })
    }

    /// Ends the opening phase: from now on the timeout bounds each exchange, with the
    /// minimum speed ([`pace`]).
    pub fn opened(&mut self) {
        if let Some(w) = self.stream.wire_mut() {
            w.pace.opened();
        }
    }

    /// The next line read is the server's greeting: a TLS record there fails at once
    /// ([`WD_E::Tls`], the server expects TLS from the first byte), and a greeting that
    /// does not come in time fails with a timeout naming `WD_OPTION_SSL` as a likely
    /// cause.
    pub fn expect_greeting(&mut self) {
        self.greeting = true;
    }

    /// Upgrades the connection to TLS in place, after the protocol's STARTTLS/STLS
    /// command got its positive reply. Pending output is flushed first. The server is
    /// identified by the host name used to connect; `cfg` supplies
    /// `accept_invalid_certs` and `ca_file`. The handshake is bounded by the current
    /// deadline.
    ///
    /// Fails with [`WD_E::Tls`] "server sent data before TLS handshake" when bytes
    /// follow the server's reply (a STARTTLS command injection attack), "TLS already
    /// active" when called twice, or the OpenSSL reason of a failed handshake. After a
    /// failure the connection is closed.
    pub fn start_tls(&mut self, cfg: &ConnectConfig) -> Result<()> {
        self.usable()?;
        if self.is_tls() {
            return Err(Error::new(WD_E::Tls, "TLS already active"));
        }
        self.flush()?;
        // The handshake identifies the server by the name used to connect.
        let mut c = cfg.clone();
        c.host = self.host.clone();
        c.port = self.port;
        c.timeout = self.timeout;
        let connector = tls::connector(&c)?;
        let injected = self.rend > self.rpos || self.socket_has_data();
        if injected {
            let e = Error::new(WD_E::Tls, "server sent data before TLS handshake");
            return Err(self.failed(e));
        }
        let wire = match std::mem::replace(&mut self.stream, Stream::Closed) {
            Stream::Plain(w) => w,
            other => {
                self.stream = other;
                return Err(Error::new(WD_E::ConnectionLost, "connection is closed"));
            }
        };
        let deadline = wire.pace.deadline();
        let replay = self.replay.take();
        match tls::handshake(&connector, &c, wire, self.proto) {
            Ok(s) => {
                self.stream = Stream::Tls(Box::new(s));
                Ok(())
            }
            Err(e) => {
                // The probe may take the rest of the deadline: the server's socket is
                // closed first.
                let e = self.failed(e);
                Err(match replay {
                    Some(r) => explained(e, &c, self.proto, deadline, &r),
                    None => e,
                })
            }
        }
    }

    /// One peek at the socket without blocking: `Ok(0)` at the end of the stream,
    /// `WouldBlock` when nothing is there; `None` without a socket or when it cannot be
    /// made non-blocking.
    fn peek_now(&self) -> Option<io::Result<usize>> {
        let tcp = self.stream.tcp()?;
        tcp.set_nonblocking(true).ok()?;
        let mut b = [0u8; 1];
        let r = tcp.peek(&mut b);
        let _ = tcp.set_nonblocking(false);
        Some(r)
    }

    /// True when the socket already holds unread bytes (checked without blocking).
    fn socket_has_data(&self) -> bool {
        matches!(self.peek_now(), Some(Ok(n)) if n > 0)
    }

    /// True once TLS is active (implicit or after [`start_tls`](Connection::start_tls)).
    pub fn is_tls(&self) -> bool {
        matches!(self.stream, Stream::Tls(_))
    }

    /// The host name given at connect time (as configured, not resolved).
    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The protocol label given at connect time.
    pub fn proto(&self) -> &'static str {
        self.proto
    }

    /// Address of the server actually connected to.
    pub fn peer_addr(&self) -> Option<SocketAddr> {
        self.stream.tcp().and_then(|t| t.peer_addr().ok())
    }

    /// The current timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Changes the timeout (zero: no bound) and starts a new exchange window now; while
    /// opening, the opening deadline can only come closer (a short bound for a goodbye).
    pub fn set_timeout(&mut self, timeout: Duration) -> Result<()> {
        self.timeout = timeout;
        if let Some(w) = self.stream.wire_mut() {
            w.pace.set_timeout(timeout);
        }
        Ok(())
    }

    /// Waits at most `wait` for data from the server without taking its absence for an
    /// error (a wait for new mail): `Ok(true)` once bytes are buffered, `Ok(false)` when
    /// none came in time (a partial TLS record stays pending for the next call). Listening
    /// is no exchange: the deadlines of [`pace`] do not apply to it, and the next exchange
    /// starts a new window. The end of the stream and a failed read kill the connection
    /// like any other read.
    pub fn poll_data(&mut self, wait: Duration) -> Result<bool> {
        self.usable()?;
        if self.rend > self.rpos {
            return Ok(true);
        }
        if !self.wbuf.is_empty() {
            self.flush()?;
        }
        (self.rpos, self.rend) = (0, 0);
        let Some(w) = self.stream.wire_mut() else {
            return Err(self.eof_error());
        };
        w.listen(Some(wait));
        let quickack = !std::mem::take(&mut self.sent);
        let r = loop {
            match self.stream.read(&mut self.rbuf[..READ_CHUNK], quickack) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                r => break r,
            }
        };
        if let Some(w) = self.stream.wire_mut() {
            w.listen(None);
        }
        match r {
            Ok(0) => Err(self.eof_error()),
            Ok(n) => {
                self.rend = n;
                self.replied = true;
                Ok(true)
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(false),
            Err(e) => {
                let err = io_error(&self.stream, &e, false);
                Err(self.failed(err))
            }
        }
    }

    /// True when a read would not block: bytes are buffered or wait in the socket, or the
    /// server closed its side (checked without blocking, for an idle connection).
    pub fn readable_now(&self) -> bool {
        if self.rend > self.rpos {
            return true;
        }
        match self.peek_now() {
            None => self.stream.tcp().is_none(),
            Some(r) => !matches!(r, Err(e) if e.kind() == io::ErrorKind::WouldBlock),
        }
    }

    /// Number of received bytes buffered and not yet consumed.
    pub fn buffered(&self) -> usize {
        self.rend - self.rpos
    }

    /// Number of bytes written but not yet sent.
    pub fn pending(&self) -> usize {
        self.wbuf.len()
    }

    // ----- the state of the connection -----------------------------------------

    /// False once the connection was closed or failed: every later call fails.
    pub fn is_usable(&self) -> bool {
        self.dead.is_none()
    }

    /// `Err(WD_E_CONNECTION_LOST)` saying why, once the connection is closed or failed.
    pub fn usable(&self) -> Result<()> {
        match &self.dead {
            None => Ok(()),
            Some(why) => Err(Error::new(WD_E::ConnectionLost, why.clone())),
        }
    }

    /// Gives the connection up in the middle of an exchange (a reply that cannot be
    /// trusted any more: malformed, over its budget, out of step): the socket is closed
    /// at once without any goodbye, and every later call fails with
    /// [`WD_E::ConnectionLost`] naming `why`.
    pub fn abandon(&mut self, why: &str) {
        if self.dead.is_some() {
            return;
        }
        trace::note(
            self.proto,
            &format!("connection closed without goodbye after an error: {why}"),
        );
        self.close_now();
        self.dead = Some(format!(
            "the connection was closed after an earlier error ({why})"
        ));
    }

    /// True when the connection was given up because the progress callback stopped the
    /// transfer it was in the middle of (`WD_E_CANCELLED`).
    pub fn was_cancelled(&self) -> bool {
        self.cancelled
    }

    /// Counts `n` bytes of message data for the progress callback. When the callback
    /// stops the transfer, the connection is given up (see the module) and the error
    /// returned (`WD_E_CANCELLED`).
    pub fn progressed(&mut self, n: usize) -> Result<()> {
        self.unless_stopped(progress::advance(n as u64))
    }

    /// `r`, a verdict of the progress callback: an error gives the connection up.
    fn unless_stopped(&mut self, r: Result<()>) -> Result<()> {
        r.map_err(|e| self.stopped(e))
    }

    fn stopped(&mut self, e: Error) -> Error {
        self.cancelled = true;
        self.abandon(&e.message);
        e
    }

    /// Records error `e` of an exchange: the connection is abandoned. A timeout while
    /// waiting for the greeting of a plain connection names `WD_OPTION_SSL`.
    fn failed(&mut self, mut e: Error) -> Error {
        if e.code == WD_E::Timeout && self.greeting && !self.is_tls() {
            e.message = format!(
                "{} waiting for the server's greeting (if the server expects TLS from the \
                 first byte, use WD_OPTION_SSL)",
                e.message
            );
        }
        self.abandon(&e.message);
        e
    }

    // ----- reading -------------------------------------------------------------

    fn eof_error(&mut self) -> Error {
        self.failed(Error::new(
            WD_E::ConnectionLost,
            "connection closed by server",
        ))
    }

    /// One read system call into `buf` (retrying on EINTR), after flushing pending
    /// output. Returns 0 at end of stream.
    fn read_some(&mut self, buf_range: std::ops::Range<usize>) -> Result<usize> {
        self.usable()?;
        if !self.wbuf.is_empty() {
            self.flush()?;
        }
        self.replied = true;
        let quickack = !std::mem::take(&mut self.sent);
        loop {
            match self
                .stream
                .read(&mut self.rbuf[buf_range.clone()], quickack)
            {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let err = io_error(&self.stream, &e, false);
                    return Err(self.failed(err));
                }
            }
        }
    }

    /// Reads more data after the buffered bytes, moving them to the front first when
    /// the end of the buffer is reached. Returns the number of new bytes, 0 at EOF.
    fn fill(&mut self) -> Result<usize> {
        if self.rpos == self.rend {
            self.rpos = 0;
            self.rend = 0;
        } else if self.rend + READ_CHUNK > self.rbuf.len() && self.rpos > 0 {
            self.rbuf.copy_within(self.rpos..self.rend, 0);
            self.rend -= self.rpos;
            self.rpos = 0;
        }
        let end = (self.rend + READ_CHUNK).min(self.rbuf.len());
        if end == self.rend {
            return Err(Error::internal("read buffer full"));
        }
        let n = self.read_some(self.rend..end)?;
        self.rend += n;
        if self.greeting && looks_like_tls(&self.rbuf[self.rpos..self.rend]) {
            let e = Error::new(
                WD_E::Tls,
                "the server answered with a TLS record instead of a greeting: it expects \
                 TLS from the first byte (use WD_OPTION_SSL)",
            );
            return Err(self.failed(e));
        }
        Ok(n)
    }

    /// Reads one line and returns it WITHOUT its line end. CRLF and bare LF both end a
    /// line (a CR before the LF is removed; other CRs are kept).
    ///
    /// Errors (each one kills the connection): [`WD_E::Protocol`] "line too long
    /// (> MAX_LINE bytes)" when no LF comes within [`MAX_LINE`] bytes (line end
    /// included), [`WD_E::ConnectionLost`] "connection closed by server" at EOF (also
    /// mid-line), [`WD_E::Timeout`].
    pub fn read_line(&mut self) -> Result<&[u8]> {
        match self.next_line()? {
            Some((start, end)) => Ok(&self.rbuf[start..end]),
            None => Err(self.too_long()),
        }
    }

    /// [`read_line`](Connection::read_line) for a line that may outgrow [`MAX_LINE`]
    /// (an IMAP search answer): when no LF comes within `MAX_LINE` bytes and `long_ok`
    /// accepts those first bytes, the line is read on into a buffer of its own, each
    /// piece of it (the first bytes included) handed first to `admit`, whose error
    /// refuses the line (a memory budget). The buffer grows by doubling, never past
    /// `max` bytes unless the line does, and keeps room for a CRLF after the line. Otherwise as `read_line`. The usual timeout and
    /// minimum-speed rules apply to every read; an error kills the connection.
    pub fn read_line_long(
        &mut self,
        max: usize,
        long_ok: impl FnOnce(&[u8]) -> bool,
        mut admit: impl FnMut(&[u8]) -> Result<()>,
    ) -> Result<Cow<'_, [u8]>> {
        if let Some((start, end)) = self.next_line()? {
            return Ok(Cow::Borrowed(&self.rbuf[start..end]));
        }
        if !long_ok(&self.rbuf[self.rpos..self.rpos + MAX_LINE]) {
            return Err(self.too_long());
        }
        let mut line = Vec::new();
        loop {
            let avail = &self.rbuf[self.rpos..self.rend];
            let (piece, done) = match find_byte(avail, b'\n') {
                Some(i) => (&avail[..i], true),
                None => (avail, false),
            };
            if let Err(e) = admit(piece) {
                return Err(self.failed(e));
            }
            // Room for a CRLF after the line (an IMAP response is parsed with it).
            let need = line.len() + piece.len() + 2;
            if need > line.capacity() {
                let grown = (line.capacity() * 2).max(need).min(max.max(need));
                line.reserve_exact(grown - line.len());
            }
            line.extend_from_slice(piece);
            self.rpos += piece.len();
            if done {
                self.rpos += 1;
                self.greeting = false;
                self.record(None);
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(Cow::Owned(line));
            }
            if self.fill()? == 0 {
                return Err(self.eof_error());
            }
        }
    }

    /// Finds the next line in the buffer, reading as needed: its bounds in `rbuf`
    /// without the line end (consumed), or `None` when no LF comes within [`MAX_LINE`]
    /// bytes (nothing consumed: those bytes are buffered at `rpos`).
    fn next_line(&mut self) -> Result<Option<(usize, usize)>> {
        let mut scanned = 0;
        loop {
            let avail = &self.rbuf[self.rpos..self.rend];
            let limit = avail.len().min(MAX_LINE);
            if let Some(i) = find_byte(&avail[scanned..limit], b'\n') {
                let start = self.rpos;
                let nl = start + scanned + i;
                self.rpos = nl + 1;
                self.greeting = false;
                self.record(None);
                let mut end = nl;
                if end > start && self.rbuf[end - 1] == b'\r' {
                    end -= 1;
                }
                return Ok(Some((start, end)));
            }
            if avail.len() >= MAX_LINE {
                return Ok(None);
            }
            scanned = limit;
            if self.fill()? == 0 {
                return Err(self.eof_error());
            }
        }
    }

    fn too_long(&mut self) -> Error {
        let e = Error::new(
            WD_E::Protocol,
            format!("line too long (> {MAX_LINE} bytes)"),
        );
        self.failed(e)
    }

    /// [`read_line`](Connection::read_line) as a `String` (invalid UTF-8 replaced).
    pub fn read_line_lossy(&mut self) -> Result<String> {
        self.read_line()
            .map(|l| String::from_utf8_lossy(l).into_owned())
    }

    /// Reads exactly `n` bytes (an IMAP literal). Memory grows as data arrives, never
    /// past `n`, so an announced size that never comes does not allocate it; callers
    /// check `n` against their limits first. EOF gives [`WD_E::ConnectionLost`]; any
    /// error kills the connection. The bytes count as progress of the transfer under way
    /// (a cancel: [`WD_E::Cancelled`], the connection given up).
    pub fn read_exact_vec(&mut self, n: usize) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(n.min(EXACT_STEP));
        let take = n.min(self.rend - self.rpos);
        out.extend_from_slice(&self.rbuf[self.rpos..self.rpos + take]);
        self.rpos += take;
        self.progressed(take)?;
        while out.len() < n {
            let left = n - out.len();
            if left < READ_CHUNK {
                // Small tail: read through the buffer so what follows stays buffered.
                if self.fill()? == 0 {
                    return Err(self.eof_error());
                }
                let take = left.min(self.rend - self.rpos);
                out.extend_from_slice(&self.rbuf[self.rpos..self.rpos + take]);
                self.rpos += take;
                self.progressed(take)?;
                continue;
            }
            // Large remainder: read straight into the result, never past `n`.
            self.usable()?;
            if !self.wbuf.is_empty() {
                self.flush()?;
            }
            self.replied = true;
            if out.len() == out.capacity() {
                // Grow geometrically, but never past `n` (no doubling beyond the size).
                let target = out.capacity().saturating_mul(2).max(EXACT_STEP).min(n);
                out.reserve_exact(target - out.len());
            }
            let old = out.len();
            let room = (out.capacity() - old).min(left).min(EXACT_STEP);
            out.resize(old + room, 0);
            let quickack = !std::mem::take(&mut self.sent);
            let r = loop {
                match self.stream.read(&mut out[old..], quickack) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    r => break r,
                }
            };
            match r {
                Ok(0) => return Err(self.eof_error()),
                Ok(k) => {
                    out.truncate(old + k);
                    self.progressed(k)?;
                }
                Err(e) => {
                    let err = io_error(&self.stream, &e, false);
                    return Err(self.failed(err));
                }
            }
        }
        Ok(out)
    }

    /// Reads everything up to the end of the stream (an HTTP body delimited by the
    /// server closing the connection). Fails with [`WD_E::Protocol`] when more than `max`
    /// bytes arrive.
    pub fn read_to_end(&mut self, max: usize) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        loop {
            out.extend_from_slice(&self.rbuf[self.rpos..self.rend]);
            self.rpos = self.rend;
            if out.len() > max {
                let e = Error::new(WD_E::Protocol, format!("reply too long (> {max} bytes)"));
                return Err(self.failed(e));
            }
            if self.fill()? == 0 {
                return Ok(out);
            }
        }
    }

    /// The received bytes not consumed yet; when none are buffered, waits for more (one
    /// read system call). Empty only at the end of the stream. Pair with
    /// [`consume`](Connection::consume) to drive a decoder over the stream (the POP3
    /// multi-line body, [`crate::pop3::dot`]).
    ///
    /// Errors: [`WD_E::ConnectionLost`], [`WD_E::Timeout`].
    pub fn fill_buf(&mut self) -> Result<&[u8]> {
        if self.rpos == self.rend && self.fill()? == 0 {
            return Ok(&[]);
        }
        Ok(&self.rbuf[self.rpos..self.rend])
    }

    /// Marks the first `n` bytes returned by [`fill_buf`](Connection::fill_buf) as read.
    pub fn consume(&mut self, n: usize) {
        self.rpos = (self.rpos + n).min(self.rend);
    }

    // ----- writing -------------------------------------------------------------

    /// A new flight of commands after a reply starts a new exchange window.
    fn new_flight(&mut self) {
        if std::mem::take(&mut self.replied)
            && let Some(w) = self.stream.wire_mut()
        {
            w.pace.restart();
        }
        self.sent = true;
    }

    /// Notes one step of the plain exchange before STARTTLS ([`Replay`]): a line read
    /// (`None`) or bytes sent. Past [`MAX_REPLAY`] bytes nothing more is kept.
    fn record(&mut self, sent: Option<&[u8]>) {
        let Some(r) = &mut self.replay else { return };
        match (sent, r.last_mut()) {
            (None, Some(Replay::Lines(n))) => *n += 1,
            (None, _) => r.push(Replay::Lines(1)),
            (Some(b), Some(Replay::Send(v))) => v.extend_from_slice(b),
            (Some(b), _) => r.push(Replay::Send(b.to_vec())),
        }
        let size: usize = r
            .iter()
            .map(|s| match s {
                Replay::Send(v) => v.len(),
                Replay::Lines(_) => 0,
            })
            .sum();
        if size > MAX_REPLAY {
            self.replay = None;
        }
    }

    /// Buffers `data`; it is sent by [`flush`](Connection::flush), by the next read, or
    /// as soon as more than 64 KiB are pending. Fails at once on a dead connection.
    pub fn write_all(&mut self, data: &[u8]) -> Result<()> {
        self.usable()?;
        self.record(Some(data));
        if self.wbuf.len() + data.len() <= WBUF_FLUSH {
            self.wbuf.extend_from_slice(data);
            return Ok(());
        }
        self.flush()?;
        if data.len() >= WBUF_FLUSH {
            self.new_flight();
            send_on(&mut self.stream, data).map_err(|e| self.failed(e))
        } else {
            self.wbuf.extend_from_slice(data);
            Ok(())
        }
    }

    /// Sends everything buffered in one write call. Errors: [`WD_E::ConnectionLost`]
    /// (broken pipe, reset, or a connection already dead), [`WD_E::Timeout`].
    pub fn flush(&mut self) -> Result<()> {
        if self.wbuf.is_empty() {
            return self.usable();
        }
        self.usable()?;
        self.new_flight();
        let r = send_on(&mut self.stream, &self.wbuf);
        self.wbuf.clear();
        r.map_err(|e| self.failed(e))
    }

    fn check_line(line: &str) -> Result<()> {
        if line.bytes().any(|b| b == b'\r' || b == b'\n') {
            return Err(Error::invalid_arg("command line holds CR or LF"));
        }
        Ok(())
    }

    /// Traces `line` (client side) and buffers it followed by CRLF. `line` must not
    /// hold CR or LF ([`WD_E::InvalidArgument`]: no command injection). Not flushed.
    /// Fails at once (nothing traced or sent) on a dead connection.
    pub fn send_line(&mut self, line: &str) -> Result<()> {
        Self::check_line(line)?;
        self.usable()?;
        trace::client(self.proto, line);
        self.write_line_bytes(line.as_bytes())
    }

    /// Like [`send_line`](Connection::send_line) but the trace shows only `shown`
    /// followed by `****` (for commands holding a password or token).
    pub fn send_line_masked(&mut self, line: &str, shown: &str) -> Result<()> {
        Self::check_line(line)?;
        self.usable()?;
        trace::client_masked(self.proto, shown);
        self.write_line_bytes(line.as_bytes())
    }

    fn write_line_bytes(&mut self, line: &[u8]) -> Result<()> {
        if self.replay.is_some() {
            self.record(Some(&[line, b"\r\n"].concat()));
        }
        if self.wbuf.len() + line.len() + 2 > WBUF_FLUSH {
            self.flush()?;
        }
        self.wbuf.extend_from_slice(line);
        self.wbuf.extend_from_slice(b"\r\n");
        Ok(())
    }

    /// Writes a message body for SMTP DATA: every line end (CRLF, bare CR, bare LF)
    /// becomes CRLF, a leading dot is doubled, a CRLF is added when `data` does not end
    /// with a line end, then the terminator ".\r\n" — so the bytes sent always end with
    /// "\r\n.\r\n" (only ".\r\n" for empty data). Sent in chunks; call
    /// [`flush`](Connection::flush) (or read the reply) afterwards.
    ///
    /// Progress: the bytes of `data` are counted as each chunk leaves, and the last call
    /// of the progress callback comes before the terminator: a cancel at any point gives
    /// the connection up without it, so the server never takes the partial message.
    pub fn write_dot_stuffed(&mut self, data: &[u8]) -> Result<()> {
        self.usable()?;
        self.new_flight();
        let stream = &mut self.stream;
        let (mut counted, mut stopped) = (0, false);
        let r = dot_stuff::dot_stuff_into(data, &mut self.wbuf, WBUF_FLUSH, |buf, done| {
            if let Err(e) = progress::advance((done - counted) as u64) {
                stopped = true;
                return Err(e);
            }
            counted = done;
            let r = send_on(stream, buf);
            buf.clear();
            r
        });
        match r {
            Err(e) if stopped => Err(self.stopped(e)),
            Err(e) => Err(self.failed(e)),
            // The terminator is only buffered: the last call comes before it leaves.
            Ok(()) => self.unless_stopped(
                progress::advance((data.len() - counted) as u64)
                    .and_then(|()| progress::complete()),
            ),
        }
    }

    /// Writes a message body as it is (a BDAT chunk, an IMAP literal), like
    /// [`write_all`](Connection::write_all). Progress: counted piece by piece, the last
    /// call of the progress callback before the last piece leaves; a cancel gives the
    /// connection up with the body incomplete.
    pub fn write_body(&mut self, data: &[u8]) -> Result<()> {
        if !progress::active() {
            return self.write_all(data);
        }
        let mut pieces = data.chunks(WBUF_FLUSH).peekable();
        while let Some(piece) = pieces.next() {
            self.progressed(piece.len())?;
            if pieces.peek().is_none() {
                let r = progress::complete();
                self.unless_stopped(r)?;
            }
            self.write_all(piece)?;
        }
        Ok(())
    }

    fn close_now(&mut self) {
        if let Some(t) = self.stream.tcp() {
            let _ = t.shutdown(std::net::Shutdown::Both);
        }
        self.stream = Stream::Closed;
        self.rpos = 0;
        self.rend = 0;
        self.wbuf.clear();
    }

    /// Sends pending output (errors ignored), the TLS close_notify, and closes the
    /// socket. Later I/O fails with [`WD_E::ConnectionLost`]. Nothing is sent on a
    /// connection that already failed.
    pub fn close(&mut self) {
        if self.dead.is_some() {
            return;
        }
        let _ = self.flush();
        if let Stream::Tls(s) = &mut self.stream {
            let _ = s.shutdown();
        }
        trace::note(
            self.proto,
            &format!("closing connection to {}", host_port(&self.host, self.port)),
        );
        self.close_now();
        self.dead = Some("connection is closed".to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_is_send() {
        fn is_send<T: Send>() {}
        is_send::<Connection>();
        is_send::<ConnectConfig>();
    }

    #[test]
    fn buffer_holds_a_full_line_and_a_read() {
        const { assert!(RBUF_SIZE >= MAX_LINE + READ_CHUNK) };
    }
}
