//! Scriptable fake SMTP / POP3 / IMAP server for integration tests.
//!
//! A [`Script`] is a list of steps (send, expect, faults, ...) executed
//! against ONE accepted connection on a background thread. Everything the
//! client sends is recorded and returned as a [`Transcript`] by
//! [`FakeServer::join`].
//!
//! ```ignore
//! let server = FakeServer::start(
//!     Script::new()
//!         .send("+OK ready\r\n")
//!         .expect("USER ")
//!         .send("+OK\r\n")
//!         .expect("QUIT")
//!         .send("+OK bye\r\n"),
//! );
//! // ... run the client against 127.0.0.1:server.port() ...
//! let t = server.join();
//! t.assert_ok();
//! ```
//!
//! Flights: a flight is a group of client bytes received with no server
//! write in between. Before each server write that follows client data, the
//! server keeps reading for a short grace period (see
//! [`Script::flight_grace`]) so that a pipelined client issuing several
//! `write()` calls is still counted as a single flight.
#![allow(dead_code)]

use std::any::Any;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use once_cell::sync::Lazy;
use parking_lot::Mutex;

/// Default timeout of each read step (whole line / whole block).
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(20);
/// Default time [`FakeServer::join`] waits for the script thread.
pub const DEFAULT_JOIN_TIMEOUT: Duration = Duration::from_secs(30);
/// Default grace period used to merge pipelined client writes in one flight.
pub const DEFAULT_FLIGHT_GRACE: Duration = Duration::from_millis(25);
/// Upper bound of [`Script::stall_forever`].
pub const STALL_FOREVER_CAP: Duration = Duration::from_secs(60);
/// How long the server waits for a client to connect.
pub const ACCEPT_CAP: Duration = Duration::from_secs(60);
/// Reply sent by [`Script::expect_bdat_last`] after each non-LAST chunk.
pub const DEFAULT_BDAT_REPLY: &str = "250 2.0.0 Chunk accepted\r\n";
/// Continuation sent for synchronizing IMAP literals.
pub const LITERAL_CONTINUATION: &str = "+ go ahead\r\n";

const MAX_CLIENT_LINE: usize = 4 << 20;
const END_LINGER: Duration = Duration::from_millis(200);

// ---------------------------------------------------------------------------
// TLS fixtures
// ---------------------------------------------------------------------------

/// Directory holding the test CA and the localhost server certificate.
pub fn fake_tls_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls")
}

/// Path of the PEM CA certificate that signed the fake server certificate.
pub fn fake_ca_path() -> PathBuf {
    fake_tls_dir().join("ca.pem")
}

/// Contents of [`fake_ca_path`].
pub fn fake_ca_pem() -> Vec<u8> {
    std::fs::read(fake_ca_path()).expect("read test CA certificate")
}

/// A client-side connector trusting the fake CA (for tests written with
/// plain native_tls clients).
pub fn fake_tls_connector() -> native_tls::TlsConnector {
    let ca = native_tls::Certificate::from_pem(&fake_ca_pem()).expect("parse test CA");
    native_tls::TlsConnector::builder()
        .add_root_certificate(ca)
        .build()
        .expect("build TLS connector")
}

static ACCEPTOR: Lazy<Result<native_tls::TlsAcceptor, String>> = Lazy::new(|| {
    let dir = fake_tls_dir();
    let cert = std::fs::read(dir.join("server.pem")).map_err(|e| format!("server.pem: {e}"))?;
    let key = std::fs::read(dir.join("server.key")).map_err(|e| format!("server.key: {e}"))?;
    let id = native_tls::Identity::from_pkcs8(&cert, &key).map_err(|e| format!("identity: {e}"))?;
    native_tls::TlsAcceptor::new(id).map_err(|e| format!("acceptor: {e}"))
});

fn acceptor() -> Result<native_tls::TlsAcceptor, String> {
    ACCEPTOR.clone()
}

// ---------------------------------------------------------------------------
// Script
// ---------------------------------------------------------------------------

type CustomFn = Box<dyn FnOnce(&mut Conn) -> Result<(), String> + Send + 'static>;

enum Step {
    Send(Vec<u8>),
    Expect(String),
    ExpectAny,
    ExpectData,
    ExpectBdat,
    ExpectBdatLast(Vec<u8>),
    ExpectLiteralLine(String),
    ExpectClosed,
    StartTls,
    Close,
    Stall(Duration),
    StallForever,
    SendGarbage(usize),
    SendLongLine(Vec<u8>, usize),
    DrainUntilClosed,
    ReadTimeout(Duration),
    FlightGrace(Duration),
    Custom(CustomFn),
}

impl Step {
    fn describe(&self) -> String {
        match self {
            Step::Send(b) => format!("send {:?}", preview(b)),
            Step::Expect(p) => format!("expect {p:?}"),
            Step::ExpectAny => "expect_any".into(),
            Step::ExpectData => "expect_data".into(),
            Step::ExpectBdat => "expect_bdat".into(),
            Step::ExpectBdatLast(_) => "expect_bdat_last".into(),
            Step::ExpectLiteralLine(p) => format!("expect_literal_line {p:?}"),
            Step::ExpectClosed => "expect_closed".into(),
            Step::StartTls => "starttls".into(),
            Step::Close => "close".into(),
            Step::Stall(d) => format!("stall {d:?}"),
            Step::StallForever => "stall_forever".into(),
            Step::SendGarbage(n) => format!("send_garbage {n}"),
            Step::SendLongLine(_, n) => format!("send_long_line {n}"),
            Step::DrainUntilClosed => "drain_until_closed".into(),
            Step::ReadTimeout(d) => format!("read_timeout {d:?}"),
            Step::FlightGrace(d) => format!("flight_grace {d:?}"),
            Step::Custom(_) => "custom".into(),
        }
    }

    fn is_setting(&self) -> bool {
        matches!(self, Step::ReadTimeout(_) | Step::FlightGrace(_))
    }
}

/// Builder of the steps played against one connection.
#[derive(Default)]
pub struct Script {
    steps: Vec<Step>,
}

impl Script {
    pub fn new() -> Self {
        Self::default()
    }

    fn step(mut self, s: Step) -> Self {
        self.steps.push(s);
        self
    }

    /// Number of steps.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Appends all steps of `other`.
    pub fn then(mut self, other: Script) -> Self {
        self.steps.extend(other.steps);
        self
    }

    /// Writes `text` as is (include the CRLF yourself).
    pub fn send(self, text: impl AsRef<str>) -> Self {
        self.step(Step::Send(text.as_ref().as_bytes().to_vec()))
    }

    /// Writes `text` followed by CRLF.
    pub fn send_line(self, text: impl AsRef<str>) -> Self {
        let mut b = text.as_ref().as_bytes().to_vec();
        b.extend_from_slice(b"\r\n");
        self.step(Step::Send(b))
    }

    /// Writes raw bytes.
    pub fn send_bytes(self, bytes: impl AsRef<[u8]>) -> Self {
        self.step(Step::Send(bytes.as_ref().to_vec()))
    }

    /// Reads one line; fails unless it starts with `prefix` (ASCII
    /// case-insensitive).
    pub fn expect(self, prefix: impl Into<String>) -> Self {
        self.step(Step::Expect(prefix.into()))
    }

    /// Reads one line, whatever it is.
    pub fn expect_any(self) -> Self {
        self.step(Step::ExpectAny)
    }

    /// Reads an SMTP DATA body up to the "." line. The raw body (still
    /// dot-stuffed, terminator excluded) goes to `Transcript::data_bodies`.
    pub fn expect_data(self) -> Self {
        self.step(Step::ExpectData)
    }

    /// Reads `BDAT <n> [LAST]` then exactly n bytes, recorded in
    /// `Transcript::bdat_chunks`. Sends nothing.
    pub fn expect_bdat(self) -> Self {
        self.step(Step::ExpectBdat)
    }

    /// Reads BDAT chunks until a LAST one, replying [`DEFAULT_BDAT_REPLY`]
    /// after each non-LAST chunk (the reply to the LAST chunk is up to the
    /// script).
    pub fn expect_bdat_last(self) -> Self {
        self.step(Step::ExpectBdatLast(DEFAULT_BDAT_REPLY.as_bytes().to_vec()))
    }

    /// Like [`Script::expect_bdat_last`] with a custom per-chunk reply.
    pub fn expect_bdat_last_reply(self, reply: impl AsRef<str>) -> Self {
        self.step(Step::ExpectBdatLast(reply.as_ref().as_bytes().to_vec()))
    }

    /// IMAP command with literals: reads a line starting with `prefix`;
    /// while the line ends with `{n}` / `{n+}` (optionally `~{n}`), sends
    /// [`LITERAL_CONTINUATION`] for the synchronizing form, reads n bytes
    /// and the rest of the line. The whole command is recorded in
    /// `Transcript::literal_commands` and (lossily) in `lines`.
    pub fn expect_literal_line(self, prefix: impl Into<String>) -> Self {
        self.step(Step::ExpectLiteralLine(prefix.into()))
    }

    /// Fails unless the client closes the connection without sending
    /// anything more (within the read timeout).
    pub fn expect_closed(self) -> Self {
        self.step(Step::ExpectClosed)
    }

    /// Server-side TLS handshake on the current connection (STARTTLS /
    /// STLS). Fails if the client already sent plaintext after the command.
    pub fn starttls(self) -> Self {
        self.step(Step::StartTls)
    }

    /// Fault: shuts the connection down right now; ends the script.
    pub fn close(self) -> Self {
        self.step(Step::Close)
    }

    /// Fault: neither reads nor writes for `d`, then continues.
    pub fn stall(self, d: Duration) -> Self {
        self.step(Step::Stall(d))
    }

    /// Fault: stays silent until the client disconnects (or
    /// [`STALL_FOREVER_CAP`]). Client bytes are still recorded.
    pub fn stall_forever(self) -> Self {
        self.step(Step::StallForever)
    }

    /// Fault: `n` random bytes containing no CR/LF but at least one NUL and
    /// one 0xFF (when n >= 2).
    pub fn send_garbage(self, n: usize) -> Self {
        self.step(Step::SendGarbage(n))
    }

    /// Fault: a line of `n` filler bytes followed by CRLF.
    pub fn send_long_line(self, n: usize) -> Self {
        self.step(Step::SendLongLine(Vec::new(), n))
    }

    /// Fault: `prefix` padded with filler to `n` bytes, then CRLF (e.g. a
    /// "+OK " or "250-" line that is too long).
    pub fn send_long_line_with(self, prefix: impl AsRef<str>, n: usize) -> Self {
        self.step(Step::SendLongLine(prefix.as_ref().as_bytes().to_vec(), n))
    }

    /// Reads (and records) everything until the client closes. Fails if the
    /// client stays silent for longer than the read timeout.
    pub fn drain_until_closed(self) -> Self {
        self.step(Step::DrainUntilClosed)
    }

    /// Read timeout for the FOLLOWING steps (put it first to cover the whole
    /// script, including the implicit TLS handshake).
    pub fn read_timeout(self, d: Duration) -> Self {
        self.step(Step::ReadTimeout(d))
    }

    /// Grace period for flight merging for the following steps
    /// (`Duration::ZERO` disables it).
    pub fn flight_grace(self, d: Duration) -> Self {
        self.step(Step::FlightGrace(d))
    }

    /// Anything else: the closure gets the connection; an `Err` is recorded
    /// as a failure and ends the script.
    pub fn custom<F>(self, f: F) -> Self
    where
        F: FnOnce(&mut Conn) -> Result<(), String> + Send + 'static,
    {
        self.step(Step::Custom(Box::new(f)))
    }
}

// ---------------------------------------------------------------------------
// Transcript
// ---------------------------------------------------------------------------

/// What happened on the connection(s).
#[derive(Debug, Clone, Default)]
pub struct Transcript {
    /// Every application byte the client sent (decrypted when TLS).
    pub received: Vec<u8>,
    /// Every byte the server wrote (before encryption).
    pub sent: Vec<u8>,
    /// Client lines read by line steps (expect*, BDAT commands, literal
    /// commands), without line terminator. DATA/BDAT payloads are not here.
    pub lines: Vec<String>,
    /// Number of client flights (see module docs).
    pub flights: usize,
    /// Expectation mismatches, timeouts, unexpected EOF, I/O errors.
    pub failures: Vec<String>,
    /// The client closed the connection while the script was running
    /// (for a multi-connection server: every connection).
    pub client_closed: bool,
    /// Raw bodies read by `expect_data` (dot-stuffed, no terminator).
    pub data_bodies: Vec<Vec<u8>>,
    /// Chunks read by `expect_bdat` / `expect_bdat_last`.
    pub bdat_chunks: Vec<Vec<u8>>,
    /// Whole commands read by `expect_literal_line`, literals included.
    pub literal_commands: Vec<Vec<u8>>,
    /// Per-connection transcripts (only in the value returned by `join`).
    pub sessions: Vec<Transcript>,
}

impl Transcript {
    pub fn is_ok(&self) -> bool {
        self.failures.is_empty()
    }

    /// Panics with the failures and what the client sent if any failure was
    /// recorded.
    #[track_caller]
    pub fn assert_ok(&self) -> &Self {
        if !self.failures.is_empty() {
            panic!("fake server script failed:\n{}", self.report());
        }
        self
    }

    /// Human readable summary (failures, lines, raw received bytes).
    pub fn report(&self) -> String {
        let mut s = String::new();
        s.push_str("failures:\n");
        for f in &self.failures {
            s.push_str(&format!("  - {f}\n"));
        }
        s.push_str(&format!(
            "flights: {}, client_closed: {}\nclient lines:\n",
            self.flights, self.client_closed
        ));
        for l in &self.lines {
            s.push_str(&format!("  C: {:?}\n", truncate(l, 300)));
        }
        s.push_str(&format!(
            "received ({} bytes): {:?}\n",
            self.received.len(),
            preview(&self.received)
        ));
        s.push_str(&format!(
            "sent ({} bytes): {:?}\n",
            self.sent.len(),
            preview(&self.sent)
        ));
        s
    }

    /// `received` as (lossy) text.
    pub fn received_text(&self) -> String {
        String::from_utf8_lossy(&self.received).into_owned()
    }

    /// `sent` as (lossy) text.
    pub fn sent_text(&self) -> String {
        String::from_utf8_lossy(&self.sent).into_owned()
    }

    /// First client line starting with `prefix` (ASCII case-insensitive).
    pub fn line(&self, prefix: &str) -> Option<&str> {
        self.lines
            .iter()
            .find(|l| starts_with_ci(l.as_bytes(), prefix.as_bytes()))
            .map(|s| s.as_str())
    }

    pub fn has_line(&self, prefix: &str) -> bool {
        self.line(prefix).is_some()
    }

    /// All BDAT chunks concatenated.
    pub fn bdat_message(&self) -> Vec<u8> {
        self.bdat_chunks.concat()
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...(+{} bytes)", &s[..end], s.len() - end)
}

fn preview(b: &[u8]) -> String {
    truncate(&String::from_utf8_lossy(b), 4000)
}

fn starts_with_ci(line: &[u8], prefix: &[u8]) -> bool {
    line.len() >= prefix.len() && line[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn strip_eol(mut b: &[u8]) -> &[u8] {
    if let Some(rest) = b.strip_suffix(b"\n") {
        b = rest;
        if let Some(rest) = b.strip_suffix(b"\r") {
            b = rest;
        }
    }
    b
}

/// `{n}` / `{n+}` / `~{n}` at the end of a line: (n, non_synchronizing).
fn literal_suffix(line: &[u8]) -> Option<(usize, bool)> {
    let inner = line.strip_suffix(b"}")?;
    let open = inner.iter().rposition(|&c| c == b'{')?;
    let mut spec = &inner[open + 1..];
    let plus = match spec.strip_suffix(b"+") {
        Some(s) => {
            spec = s;
            true
        }
        None => false,
    };
    if spec.is_empty() || !spec.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(spec)
        .ok()?
        .parse()
        .ok()
        .map(|n| (n, plus))
}

// ---------------------------------------------------------------------------
// Shared state
// ---------------------------------------------------------------------------

#[derive(Default)]
struct Shared {
    sessions: Vec<Transcript>,
    /// Clone of the socket being served, to force it closed from outside.
    current: Option<TcpStream>,
}

struct Inner {
    shared: Mutex<Shared>,
    stop: AtomicBool,
}

impl Inner {
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    fn with<R>(&self, idx: usize, f: impl FnOnce(&mut Transcript) -> R) -> R {
        let mut g = self.shared.lock();
        f(&mut g.sessions[idx])
    }

    fn force_close(&self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(s) = self.shared.lock().current.take() {
            let _ = s.shutdown(Shutdown::Both);
        }
    }
}

// ---------------------------------------------------------------------------
// Conn
// ---------------------------------------------------------------------------

enum Stream {
    Plain(TcpStream),
    Tls(Box<native_tls::TlsStream<TcpStream>>),
    Gone,
}

impl Stream {
    fn tcp(&self) -> Option<&TcpStream> {
        match self {
            Stream::Plain(s) => Some(s),
            Stream::Tls(s) => Some(s.get_ref()),
            Stream::Gone => None,
        }
    }

    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
            Stream::Gone => Ok(0),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.write_all(buf).and_then(|_| s.flush()),
            Stream::Tls(s) => s.write_all(buf).and_then(|_| s.flush()),
            Stream::Gone => Err(io::Error::new(
                io::ErrorKind::NotConnected,
                "connection already closed by the script",
            )),
        }
    }
}

enum Fill {
    Data,
    Eof,
    Timeout,
    Error(String),
}

/// The server side of one connection, handed to [`Script::custom`]
/// closures. Reads are buffered; everything read is recorded.
pub struct Conn {
    stream: Stream,
    rbuf: Vec<u8>,
    eof: bool,
    inner: Arc<Inner>,
    idx: usize,
    read_timeout: Duration,
    flight_grace: Duration,
    /// Client data arrived since the last server write.
    client_data_pending: bool,
}

impl Conn {
    fn record<R>(&self, f: impl FnOnce(&mut Transcript) -> R) -> R {
        self.inner.with(self.idx, f)
    }

    fn mark_closed(&mut self) {
        self.eof = true;
        self.record(|t| t.client_closed = true);
    }

    /// One read from the socket into the buffer, waiting at most `timeout`.
    fn fill(&mut self, timeout: Duration) -> Fill {
        self.fill_with(Some(timeout))
    }

    /// One read of what is already available, without waiting.
    fn fill_now(&mut self) -> Fill {
        self.fill_with(None)
    }

    fn fill_with(&mut self, timeout: Option<Duration>) -> Fill {
        if self.eof {
            return Fill::Eof;
        }
        let Some(tcp) = self.stream.tcp() else {
            return Fill::Eof;
        };
        match timeout {
            Some(t) => {
                let _ = tcp.set_read_timeout(Some(t.max(Duration::from_millis(1))));
            }
            None => {
                if tcp.set_nonblocking(true).is_err() {
                    return Fill::Timeout;
                }
            }
        }
        let r = self.fill_read();
        if timeout.is_none()
            && let Some(tcp) = self.stream.tcp()
        {
            let _ = tcp.set_nonblocking(false);
        }
        r
    }

    fn fill_read(&mut self) -> Fill {
        let mut buf = [0u8; 16 * 1024];
        loop {
            match self.stream.read(&mut buf) {
                Ok(0) => {
                    self.mark_closed();
                    return Fill::Eof;
                }
                Ok(n) => {
                    let data = &buf[..n];
                    self.rbuf.extend_from_slice(data);
                    let new_flight = !self.client_data_pending;
                    self.client_data_pending = true;
                    self.record(|t| {
                        t.received.extend_from_slice(data);
                        if new_flight {
                            t.flights += 1;
                        }
                    });
                    return Fill::Data;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    return Fill::Timeout;
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::ConnectionReset
                            | io::ErrorKind::ConnectionAborted
                            | io::ErrorKind::BrokenPipe
                            | io::ErrorKind::UnexpectedEof
                    ) || e
                        .to_string()
                        .to_ascii_lowercase()
                        .contains("unexpected eof") =>
                {
                    self.mark_closed();
                    return Fill::Eof;
                }
                Err(e) => {
                    self.eof = true;
                    return Fill::Error(format!("read error: {e}"));
                }
            }
        }
    }

    fn wait_error(&self, what: &str, fill: Fill) -> String {
        let partial = if self.rbuf.is_empty() {
            String::new()
        } else {
            format!(" (pending partial data: {:?})", preview(&self.rbuf))
        };
        match fill {
            Fill::Eof => format!("unexpected EOF from client while waiting for {what}{partial}"),
            Fill::Timeout => format!(
                "timed out after {:?} waiting for {what}{partial}",
                self.read_timeout
            ),
            Fill::Error(e) => format!("{e} while waiting for {what}{partial}"),
            Fill::Data => unreachable!(),
        }
    }

    /// Reads until `ready(buffer)` returns Some(len to take) or the read
    /// timeout expires.
    fn read_until(
        &mut self,
        what: &str,
        ready: impl Fn(&[u8]) -> Option<usize>,
    ) -> Result<Vec<u8>, String> {
        let deadline = Instant::now() + self.read_timeout;
        loop {
            if let Some(n) = ready(&self.rbuf) {
                return Ok(self.rbuf.drain(..n).collect());
            }
            if self.rbuf.len() > MAX_CLIENT_LINE {
                return Err(format!(
                    "more than {MAX_CLIENT_LINE} bytes buffered while waiting for {what}"
                ));
            }
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(self.wait_error(what, Fill::Timeout));
            }
            match self.fill(remaining) {
                Fill::Data => {}
                other => return Err(self.wait_error(what, other)),
            }
        }
    }

    /// Reads one raw line, terminator included; not added to `lines`.
    pub fn read_line_raw(&mut self) -> Result<Vec<u8>, String> {
        self.read_line_raw_for("a line")
    }

    fn read_line_raw_for(&mut self, what: &str) -> Result<Vec<u8>, String> {
        self.read_until(what, |b| b.iter().position(|&c| c == b'\n').map(|p| p + 1))
    }

    fn read_line_for(&mut self, what: &str) -> Result<String, String> {
        let raw = self.read_line_raw_for(what)?;
        let line = String::from_utf8_lossy(strip_eol(&raw)).into_owned();
        self.record(|t| t.lines.push(line.clone()));
        Ok(line)
    }

    /// Reads one line (CRLF or LF), records it in `lines`, returns it
    /// without terminator.
    pub fn read_line(&mut self) -> Result<String, String> {
        self.read_line_for("a line")
    }

    /// Reads exactly `n` bytes.
    pub fn read_exact(&mut self, n: usize) -> Result<Vec<u8>, String> {
        self.read_exact_for(n, &format!("{n} bytes"))
    }

    fn read_exact_for(&mut self, n: usize, what: &str) -> Result<Vec<u8>, String> {
        self.read_until(what, |b| (b.len() >= n).then_some(n))
    }

    /// Writes bytes to the client (after the flight grace drain).
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), String> {
        // Bytes already waiting in the socket were sent before this write:
        // they belong to the current flight, not to the next one.
        while let Fill::Data = self.fill_now() {}
        if self.client_data_pending && !self.flight_grace.is_zero() {
            // Collect pipelined client writes still on their way so that they
            // count in the current flight.
            while let Fill::Data = self.fill(self.flight_grace) {}
        }
        if let Some(tcp) = self.stream.tcp() {
            let _ = tcp.set_write_timeout(Some(self.read_timeout));
        }
        self.stream
            .write_all(bytes)
            .map_err(|e| format!("write of {} bytes failed: {e}", bytes.len()))?;
        self.client_data_pending = false;
        self.record(|t| t.sent.extend_from_slice(bytes));
        Ok(())
    }

    pub fn write_str(&mut self, text: &str) -> Result<(), String> {
        self.write(text.as_bytes())
    }

    /// Server-side TLS handshake on the current connection.
    pub fn starttls(&mut self) -> Result<(), String> {
        if !self.rbuf.is_empty() {
            return Err(format!(
                "client sent {} plaintext bytes before the TLS handshake: {:?}",
                self.rbuf.len(),
                preview(&self.rbuf)
            ));
        }
        let tcp = match std::mem::replace(&mut self.stream, Stream::Gone) {
            Stream::Plain(s) => s,
            other => {
                self.stream = other;
                return Err("starttls: connection is not plain TCP".into());
            }
        };
        let _ = tcp.set_read_timeout(Some(self.read_timeout));
        let _ = tcp.set_write_timeout(Some(self.read_timeout));
        let acc = acceptor()?;
        match acc.accept(tcp) {
            Ok(s) => {
                self.stream = Stream::Tls(Box::new(s));
                Ok(())
            }
            Err(native_tls::HandshakeError::Failure(e)) => {
                self.eof = true;
                Err(format!("TLS handshake failed: {e}"))
            }
            Err(native_tls::HandshakeError::WouldBlock(_)) => {
                self.eof = true;
                Err(format!(
                    "TLS handshake timed out after {:?}",
                    self.read_timeout
                ))
            }
        }
    }

    pub fn is_tls(&self) -> bool {
        matches!(self.stream, Stream::Tls(_))
    }

    /// EOF from the client was observed.
    pub fn is_eof(&self) -> bool {
        self.eof
    }

    pub fn read_timeout(&self) -> Duration {
        self.read_timeout
    }

    pub fn set_read_timeout(&mut self, d: Duration) {
        self.read_timeout = d;
    }

    /// Bytes read from the client but not consumed yet.
    pub fn pending(&self) -> &[u8] {
        &self.rbuf
    }

    /// Abruptly shuts down the connection (both directions).
    pub fn shutdown(&mut self) {
        if let Some(tcp) = self.stream.tcp() {
            let _ = tcp.shutdown(Shutdown::Both);
        }
        self.stream = Stream::Gone;
    }

    fn sleep_interruptible(&self, d: Duration) {
        let end = Instant::now() + d;
        while !self.inner.stopped() {
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            thread::sleep(left.min(Duration::from_millis(20)));
        }
    }

    fn expect_line(&mut self, prefix: &str) -> Result<(), String> {
        let line = self.read_line_for(&format!("a line starting with {prefix:?}"))?;
        if starts_with_ci(line.as_bytes(), prefix.as_bytes()) {
            Ok(())
        } else {
            Err(format!(
                "expected a line starting with {prefix:?}, got {:?}",
                truncate(&line, 300)
            ))
        }
    }

    fn expect_data(&mut self) -> Result<(), String> {
        let mut body = Vec::new();
        loop {
            let line = self.read_line_raw_for("DATA body (up to the \".\" line)")?;
            if strip_eol(&line) == b"." {
                break;
            }
            body.extend_from_slice(&line);
        }
        self.record(|t| t.data_bodies.push(body));
        Ok(())
    }

    /// Returns true for the LAST chunk.
    fn expect_bdat(&mut self) -> Result<bool, String> {
        let line = self.read_line_for("a BDAT command")?;
        let parts: Vec<&str> = line.split_ascii_whitespace().collect();
        let bad = || {
            format!(
                "expected \"BDAT <n> [LAST]\", got {:?}",
                truncate(&line, 300)
            )
        };
        if parts.len() < 2 || parts.len() > 3 || !parts[0].eq_ignore_ascii_case("BDAT") {
            return Err(bad());
        }
        let n: usize = parts[1].parse().map_err(|_| bad())?;
        let last = match parts.get(2) {
            None => false,
            Some(p) if p.eq_ignore_ascii_case("LAST") => true,
            Some(_) => return Err(bad()),
        };
        let chunk = self.read_exact_for(n, &format!("{n} BDAT bytes"))?;
        self.record(|t| t.bdat_chunks.push(chunk));
        Ok(last)
    }

    fn expect_literal_line(&mut self, prefix: &str) -> Result<(), String> {
        let mut line = self.read_line_raw_for(&format!("a command starting with {prefix:?}"))?;
        let ok = starts_with_ci(strip_eol(&line), prefix.as_bytes());
        let mut cmd = Vec::new();
        let mut err = None;
        if !ok {
            err = Some(format!(
                "expected a line starting with {prefix:?}, got {:?}",
                preview(strip_eol(&line))
            ));
        }
        loop {
            cmd.extend_from_slice(&line);
            if err.is_some() {
                break;
            }
            let Some((n, plus)) = literal_suffix(strip_eol(&line)) else {
                break;
            };
            if !plus && let Err(e) = self.write(LITERAL_CONTINUATION.as_bytes()) {
                err = Some(e);
                break;
            }
            match self.read_exact_for(n, &format!("a {n} byte literal")) {
                Ok(lit) => cmd.extend_from_slice(&lit),
                Err(e) => {
                    err = Some(e);
                    break;
                }
            }
            match self.read_line_raw_for("the rest of a command after a literal") {
                Ok(l) => line = l,
                Err(e) => {
                    err = Some(e);
                    break;
                }
            }
        }
        let text = String::from_utf8_lossy(strip_eol(&cmd)).into_owned();
        self.record(|t| {
            t.lines.push(text);
            t.literal_commands.push(cmd);
        });
        err.map_or(Ok(()), Err)
    }

    fn expect_closed(&mut self) -> Result<(), String> {
        loop {
            if !self.rbuf.is_empty() {
                return Err(format!(
                    "expected the client to close, got data {:?}",
                    preview(&self.rbuf)
                ));
            }
            match self.fill(self.read_timeout) {
                Fill::Data => {}
                Fill::Eof => return Ok(()),
                other => return Err(self.wait_error("the client to close", other)),
            }
        }
    }

    fn drain_until_closed(&mut self) -> Result<(), String> {
        loop {
            self.rbuf.clear();
            match self.fill(self.read_timeout) {
                Fill::Data => {}
                Fill::Eof => return Ok(()),
                other => return Err(self.wait_error("the client to close", other)),
            }
        }
    }

    fn stall_forever(&mut self) {
        let end = Instant::now() + STALL_FOREVER_CAP;
        while !self.inner.stopped() && Instant::now() < end {
            match self.fill(Duration::from_millis(50)) {
                Fill::Data | Fill::Timeout => {}
                Fill::Eof | Fill::Error(_) => break,
            }
        }
    }

    /// Returns Ok(false) when the script must end.
    fn run_step(&mut self, step: Step) -> Result<bool, String> {
        match step {
            Step::Send(b) => self.write(&b)?,
            Step::Expect(p) => self.expect_line(&p)?,
            Step::ExpectAny => {
                self.read_line_for("any line")?;
            }
            Step::ExpectData => self.expect_data()?,
            Step::ExpectBdat => {
                self.expect_bdat()?;
            }
            Step::ExpectBdatLast(reply) => {
                while !self.expect_bdat()? {
                    self.write(&reply)?;
                }
            }
            Step::ExpectLiteralLine(p) => self.expect_literal_line(&p)?,
            Step::ExpectClosed => self.expect_closed()?,
            Step::StartTls => self.starttls()?,
            Step::Close => {
                self.shutdown();
                return Ok(false);
            }
            Step::Stall(d) => self.sleep_interruptible(d),
            Step::StallForever => self.stall_forever(),
            Step::SendGarbage(n) => self.write(&garbage(n))?,
            Step::SendLongLine(prefix, n) => {
                let mut line = prefix;
                line.truncate(n);
                let mut i = 0u8;
                while line.len() < n {
                    line.push(b'a' + i % 26);
                    i = i.wrapping_add(1);
                }
                line.extend_from_slice(b"\r\n");
                self.write(&line)?;
            }
            Step::DrainUntilClosed => self.drain_until_closed()?,
            Step::ReadTimeout(d) => self.read_timeout = d,
            Step::FlightGrace(d) => self.flight_grace = d,
            Step::Custom(f) => match panic::catch_unwind(AssertUnwindSafe(|| f(self))) {
                Ok(r) => r?,
                Err(p) => return Err(format!("custom step panicked: {}", panic_message(&*p))),
            },
        }
        Ok(true)
    }

    /// Graceful end of a session: close_notify / FIN, then read what the
    /// client still sends for a short while so that closing does not turn
    /// into a RST that could destroy our last reply.
    fn finish(&mut self) {
        if let Stream::Tls(s) = &mut self.stream {
            let _ = s.shutdown();
        }
        let Some(tcp) = self.stream.tcp() else {
            return;
        };
        let _ = tcp.shutdown(Shutdown::Write);
        if self.eof {
            return;
        }
        let end = Instant::now() + END_LINGER;
        loop {
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            // Reading here records late bytes in `received`, but an EOF seen
            // now must not count as the client closing during the script.
            let closed_before = self.record(|t| t.client_closed);
            let r = self.fill(left);
            self.record(|t| t.client_closed = closed_before);
            match r {
                Fill::Data => self.rbuf.clear(),
                _ => break,
            }
        }
    }
}

fn garbage(n: usize) -> Vec<u8> {
    let mut seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0x9E37_79B9_7F4A_7C15)
        | 1;
    let mut out: Vec<u8> = (0..n)
        .map(|_| {
            // xorshift64*
            seed ^= seed >> 12;
            seed ^= seed << 25;
            seed ^= seed >> 27;
            let b = (seed.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8;
            if b == b'\r' || b == b'\n' {
                b | 0x80
            } else {
                b
            }
        })
        .collect();
    if n >= 1 {
        out[0] = 0xFF;
    }
    if n >= 2 {
        out[n / 2] = 0x00;
    }
    out
}

fn panic_message(p: &(dyn Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic payload)".into()
    }
}

// ---------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------

/// A fake server listening on 127.0.0.1 and playing scripts on a background
/// thread. Dropping it without `join` force-closes the connection.
pub struct FakeServer {
    addr: SocketAddr,
    inner: Arc<Inner>,
    handle: Option<JoinHandle<()>>,
}

impl FakeServer {
    /// Plain TCP, one connection.
    pub fn start(script: Script) -> FakeServer {
        Self::spawn(vec![script], false)
    }

    /// Plain TCP, one script per successive connection.
    pub fn start_multi(scripts: Vec<Script>) -> FakeServer {
        Self::spawn(scripts, false)
    }

    /// Implicit TLS (handshake before the first step), one connection.
    pub fn start_tls(script: Script) -> FakeServer {
        Self::spawn(vec![script], true)
    }

    /// Implicit TLS, one script per successive connection.
    pub fn start_tls_multi(scripts: Vec<Script>) -> FakeServer {
        Self::spawn(scripts, true)
    }

    fn spawn(scripts: Vec<Script>, tls: bool) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local_addr");
        let inner = Arc::new(Inner {
            shared: Mutex::new(Shared::default()),
            stop: AtomicBool::new(false),
        });
        let th_inner = inner.clone();
        let handle = thread::Builder::new()
            .name(format!("fake-server-{}", addr.port()))
            .spawn(move || serve(listener, th_inner, scripts, tls))
            .expect("spawn fake server thread");
        FakeServer {
            addr,
            inner,
            handle: Some(handle),
        }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Waits (at most [`DEFAULT_JOIN_TIMEOUT`]) for the scripts to finish.
    pub fn join(self) -> Transcript {
        self.join_timeout(DEFAULT_JOIN_TIMEOUT)
    }

    /// Waits at most `timeout`; past it the connection is forced closed and
    /// a failure is recorded.
    pub fn join_timeout(mut self, timeout: Duration) -> Transcript {
        let handle = self.handle.take().expect("join called twice");
        let mut extra = Vec::new();
        let deadline = Instant::now() + timeout;
        while !handle.is_finished() && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(5));
        }
        if !handle.is_finished() {
            extra.push(format!(
                "script did not finish within {timeout:?}; connection forced closed"
            ));
            self.inner.force_close();
            let grace = Instant::now() + Duration::from_secs(2);
            while !handle.is_finished() && Instant::now() < grace {
                thread::sleep(Duration::from_millis(5));
            }
        }
        if handle.is_finished()
            && let Err(p) = handle.join()
        {
            extra.push(format!("script thread panicked: {}", panic_message(&*p)));
        }
        let sessions = std::mem::take(&mut self.inner.shared.lock().sessions);
        merge(sessions, extra)
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        if self.handle.is_some() {
            self.inner.force_close();
        }
    }
}

fn merge(sessions: Vec<Transcript>, extra: Vec<String>) -> Transcript {
    let multi = sessions.len() > 1;
    let mut t = Transcript {
        client_closed: !sessions.is_empty() && sessions.iter().all(|s| s.client_closed),
        ..Transcript::default()
    };
    for (i, s) in sessions.iter().enumerate() {
        t.received.extend_from_slice(&s.received);
        t.sent.extend_from_slice(&s.sent);
        t.lines.extend(s.lines.iter().cloned());
        t.flights += s.flights;
        t.failures.extend(s.failures.iter().map(|f| {
            if multi {
                format!("connection #{i}: {f}")
            } else {
                f.clone()
            }
        }));
        t.data_bodies.extend(s.data_bodies.iter().cloned());
        t.bdat_chunks.extend(s.bdat_chunks.iter().cloned());
        t.literal_commands
            .extend(s.literal_commands.iter().cloned());
    }
    t.failures.extend(extra);
    t.sessions = sessions;
    t
}

fn accept(listener: &TcpListener, inner: &Inner) -> Result<TcpStream, String> {
    let end = Instant::now() + ACCEPT_CAP;
    loop {
        if inner.stopped() {
            return Err("no client connected before the server was stopped".into());
        }
        match listener.accept() {
            Ok((s, _)) => return Ok(s),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                if Instant::now() >= end {
                    return Err(format!("no client connected within {ACCEPT_CAP:?}"));
                }
                thread::sleep(Duration::from_millis(2));
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("accept failed: {e}")),
        }
    }
}

fn serve(listener: TcpListener, inner: Arc<Inner>, scripts: Vec<Script>, tls: bool) {
    if let Err(e) = listener.set_nonblocking(true) {
        inner.shared.lock().sessions.push(Transcript {
            failures: vec![format!("listener set_nonblocking: {e}")],
            ..Transcript::default()
        });
        return;
    }
    let mut aborted = false;
    for (idx, script) in scripts.into_iter().enumerate() {
        inner.shared.lock().sessions.push(Transcript::default());
        if aborted {
            inner.with(idx, |t| {
                t.failures
                    .push("not run: an earlier connection was never accepted".into())
            });
            continue;
        }
        let stream = match accept(&listener, &inner) {
            Ok(s) => s,
            Err(e) => {
                inner.with(idx, |t| t.failures.push(e));
                aborted = true;
                continue;
            }
        };
        run_session(&inner, idx, stream, tls, script);
    }
}

fn run_session(inner: &Arc<Inner>, idx: usize, stream: TcpStream, tls: bool, script: Script) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_nodelay(true);
    {
        let mut g = inner.shared.lock();
        g.current = stream.try_clone().ok();
        if inner.stopped() {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
    let mut conn = Conn {
        stream: Stream::Plain(stream),
        rbuf: Vec::new(),
        eof: false,
        inner: inner.clone(),
        idx,
        read_timeout: DEFAULT_READ_TIMEOUT,
        flight_grace: DEFAULT_FLIGHT_GRACE,
        client_data_pending: false,
    };
    let mut steps = script.steps.into_iter().enumerate().peekable();
    // Leading settings also apply to the implicit TLS handshake.
    while let Some((_, s)) = steps.next_if(|(_, s)| s.is_setting()) {
        let _ = conn.run_step(s);
    }
    let mut ok = true;
    if tls && let Err(e) = conn.starttls() {
        conn.record(|t| t.failures.push(format!("implicit TLS: {e}")));
        ok = false;
    }
    if ok {
        for (i, step) in steps {
            if inner.stopped() {
                conn.record(|t| t.failures.push("script aborted (server stopped)".into()));
                break;
            }
            let desc = step.describe();
            match conn.run_step(step) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    conn.record(|t| t.failures.push(format!("step {i} ({desc}): {e}")));
                    break;
                }
            }
        }
    }
    conn.finish();
    inner.shared.lock().current = None;
}
