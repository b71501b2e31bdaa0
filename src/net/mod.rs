//! Network layer shared by the SMTP, POP3 and IMAP clients: one blocking TCP
//! connection, optionally TLS (implicit or upgraded with STARTTLS), with a read buffer
//! for line-oriented protocols and a write buffer so pipelined commands leave in one
//! write call.
//!
//! Timeouts: every wait for data (each `read` or `write` system call) is bounded by
//! the connection timeout; a server that trickles bytes slowly is not cut off. A zero
//! timeout means "wait for ever".
//!
//! Tracing: this module only notes connection and TLS events; protocol clients trace
//! the lines they send and receive (they know what must be masked), except
//! [`Connection::send_line`] / [`Connection::send_line_masked`] which trace for them.

mod dot_stuff;
mod tcp;
mod tls;

/// Kept at this path for the IMAP client; the helper lives in [`crate::text`].
pub use crate::text::normalize_crlf;
pub use dot_stuff::dot_stuff;

use crate::error::{Error, Result, WD_E};
use crate::limits::MAX_LINE;
use crate::text::find_byte;
use crate::trace;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;
use tcp::{host_port, is_timeout, opt_timeout, secs};

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
    /// Bound on connecting and on every wait for data; zero: no bound.
    pub timeout: Duration,
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
        }
    }
}

enum Stream {
    Plain(TcpStream),
    Tls(Box<native_tls::TlsStream<TcpStream>>),
    /// After a failed STARTTLS upgrade or `close`: every I/O fails.
    Closed,
}

impl Stream {
    fn tcp(&self) -> Option<&TcpStream> {
        match self {
            Stream::Plain(s) => Some(s),
            Stream::Tls(s) => Some(s.get_ref()),
            Stream::Closed => None,
        }
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
/// [`flush`](Connection::flush) cannot dead-lock a command/reply exchange. After a
/// [`WD_E::Timeout`] from [`read_line`](Connection::read_line) the partial line stays
/// buffered and the call may be retried (IMAP IDLE polling); after any other error
/// the connection should be dropped.
pub struct Connection {
    stream: Stream,
    rbuf: Box<[u8]>,
    rpos: usize,
    rend: usize,
    wbuf: Vec<u8>,
    /// Data was sent since the last read (see [`Stream::read`]'s `quickack`).
    sent: bool,
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
            .finish()
    }
}

fn lost(text: &str, e: &io::Error) -> Error {
    Error::new(WD_E::ConnectionLost, format!("{text}: {e}")).with_system(e.to_string())
}

impl Connection {
    /// Connects to `cfg.host:cfg.port` (every resolved address in turn, IPv4 and IPv6),
    /// sets TCP_NODELAY and the timeouts, and for [`TlsMode::Implicit`] runs the TLS
    /// handshake. `proto` ("SMTP", "POP3", "IMAP") labels trace notes.
    ///
    /// Errors: [`WD_E::Connect`] (resolution failure, refused, unreachable; `system` is
    /// the OS error), [`WD_E::Timeout`], [`WD_E::Tls`] (OpenSSL reason in message and
    /// `system`), [`WD_E::Io`] when `ca_file` cannot be read.
    pub fn connect(cfg: &ConnectConfig, proto: &'static str) -> Result<Connection> {
        // Check the CA file and TLS set-up before touching the network.
        let connector = match cfg.tls {
            TlsMode::None => None,
            TlsMode::StartTls | TlsMode::Implicit => Some(tls::connector(cfg)?),
        };
        let tcp = tcp::connect(&cfg.host, cfg.port, cfg.timeout, proto)?;
        tcp::configure(&tcp, cfg.timeout)?;
        let stream = match (cfg.tls, connector) {
            (TlsMode::Implicit, Some(c)) => {
                Stream::Tls(Box::new(tls::handshake(&c, cfg, tcp, proto)?))
            }
            _ => Stream::Plain(tcp),
        };
        Ok(Connection {
            stream,
            rbuf: vec![0u8; RBUF_SIZE].into_boxed_slice(),
            rpos: 0,
            rend: 0,
            wbuf: Vec::with_capacity(4096),
            sent: false,
            host: cfg.host.clone(),
            port: cfg.port,
            proto,
            timeout: cfg.timeout,
        })
    }

    /// Upgrades the connection to TLS in place, after the protocol's STARTTLS/STLS
    /// command got its positive reply. Pending output is flushed first. The server is
    /// identified by the host name used to connect; `cfg` supplies
    /// `accept_invalid_certs` and `ca_file`.
    ///
    /// Fails with [`WD_E::Tls`] "server sent data before TLS handshake" when bytes
    /// follow the server's reply (a STARTTLS command injection attack), "TLS already
    /// active" when called twice, or the OpenSSL reason of a failed handshake. After a
    /// failure the connection is closed.
    pub fn start_tls(&mut self, cfg: &ConnectConfig) -> Result<()> {
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
            trace::note(self.proto, "server sent data before TLS handshake");
            self.close_now();
            return Err(Error::new(
                WD_E::Tls,
                "server sent data before TLS handshake",
            ));
        }
        let tcp = match std::mem::replace(&mut self.stream, Stream::Closed) {
            Stream::Plain(t) => t,
            other => {
                self.stream = other;
                return Err(Error::new(WD_E::ConnectionLost, "connection is closed"));
            }
        };
        let s = tls::handshake(&connector, &c, tcp, self.proto)?;
        self.stream = Stream::Tls(Box::new(s));
        Ok(())
    }

    /// True when the socket already holds unread bytes (checked without blocking).
    fn socket_has_data(&self) -> bool {
        let Some(tcp) = self.stream.tcp() else {
            return false;
        };
        if tcp.set_nonblocking(true).is_err() {
            return false;
        }
        let mut b = [0u8; 1];
        let r = tcp.peek(&mut b);
        let _ = tcp.set_nonblocking(false);
        matches!(r, Ok(n) if n > 0)
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

    /// Changes the bound on every wait for data (zero: no bound).
    pub fn set_timeout(&mut self, timeout: Duration) -> Result<()> {
        self.timeout = timeout;
        if let Some(tcp) = self.stream.tcp() {
            let t = opt_timeout(timeout);
            tcp.set_read_timeout(t)
                .and_then(|_| tcp.set_write_timeout(t))
                .map_err(|e| lost("cannot set timeout", &e))?;
        }
        Ok(())
    }

    /// Number of received bytes buffered and not yet consumed.
    pub fn buffered(&self) -> usize {
        self.rend - self.rpos
    }

    /// Number of bytes written but not yet sent.
    pub fn pending(&self) -> usize {
        self.wbuf.len()
    }

    // ----- reading -------------------------------------------------------------

    fn read_error(&self, e: &io::Error) -> Error {
        if is_timeout(e) {
            Error::new(
                WD_E::Timeout,
                format!("no reply within {}", secs(self.timeout)),
            )
            .with_system(e.to_string())
        } else {
            lost("connection lost", e)
        }
    }

    fn eof_error() -> Error {
        Error::new(WD_E::ConnectionLost, "connection closed by server")
    }

    /// One read system call into `buf` (retrying on EINTR), after flushing pending
    /// output. Returns 0 at end of stream.
    fn read_some(&mut self, buf_range: std::ops::Range<usize>) -> Result<usize> {
        if !self.wbuf.is_empty() {
            self.flush()?;
        }
        let quickack = !std::mem::take(&mut self.sent);
        loop {
            match self
                .stream
                .read(&mut self.rbuf[buf_range.clone()], quickack)
            {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.read_error(&e)),
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
        Ok(n)
    }

    /// Reads one line and returns it WITHOUT its line end. CRLF and bare LF both end a
    /// line (a CR before the LF is removed; other CRs are kept).
    ///
    /// Errors: [`WD_E::Protocol`] "line too long (> MAX_LINE bytes)" when no LF comes
    /// within [`MAX_LINE`] bytes (line end included; the data is discarded),
    /// [`WD_E::ConnectionLost`] "connection closed by server" at EOF (also mid-line),
    /// [`WD_E::Timeout`] "no reply within N s" (partial data stays buffered).
    pub fn read_line(&mut self) -> Result<&[u8]> {
        let mut scanned = 0;
        loop {
            let avail = &self.rbuf[self.rpos..self.rend];
            let limit = avail.len().min(MAX_LINE);
            if let Some(i) = find_byte(&avail[scanned..limit], b'\n') {
                let start = self.rpos;
                let nl = start + scanned + i;
                self.rpos = nl + 1;
                let mut end = nl;
                if end > start && self.rbuf[end - 1] == b'\r' {
                    end -= 1;
                }
                return Ok(&self.rbuf[start..end]);
            }
            if avail.len() >= MAX_LINE {
                self.rpos = 0;
                self.rend = 0;
                return Err(Error::new(
                    WD_E::Protocol,
                    format!("line too long (> {MAX_LINE} bytes)"),
                ));
            }
            scanned = limit;
            if self.fill()? == 0 {
                return Err(Self::eof_error());
            }
        }
    }

    /// Checks the first bytes of a plain connection before its greeting is read: a
    /// server that speaks TLS from the first byte (SMTPS 465, IMAPS 993, POP3S 995)
    /// sends no plain greeting, and when it answers at all, it is with a TLS record
    /// (0x15 alert or 0x16 handshake, then 0x03). That fails at once with
    /// [`WD_E::Tls`] naming `WD_OPTION_SSL`, instead of waiting for a line that never
    /// ends. Waits for the first bytes (bounded by the timeout); nothing is consumed.
    pub fn check_plain_greeting(&mut self) -> Result<()> {
        if self.is_tls() {
            return Ok(());
        }
        while self.rend - self.rpos < 2 {
            if self.fill()? == 0 {
                break;
            }
        }
        let first = &self.rbuf[self.rpos..self.rend];
        if matches!(first, [0x15 | 0x16, 0x03, ..] | [0x15 | 0x16]) {
            let port = self.port;
            trace::note(self.proto, "the server answered with a TLS record");
            return Err(Error::new(
                WD_E::Tls,
                format!(
                    "the server on port {port} speaks TLS from the first byte (it answered \
                     with a TLS record, not a {} greeting): use WD_OPTION_SSL (implicit TLS)",
                    self.proto
                ),
            )
            .with_system(format!("TLS record {:02x?}", &first[..first.len().min(5)])));
        }
        Ok(())
    }

    /// [`read_line`](Connection::read_line) as a `String` (invalid UTF-8 replaced).
    pub fn read_line_lossy(&mut self) -> Result<String> {
        self.read_line()
            .map(|l| String::from_utf8_lossy(l).into_owned())
    }

    /// Reads exactly `n` bytes (an IMAP literal). Memory grows as data arrives, so an
    /// announced size that never comes does not allocate it; callers check `n` against
    /// their limits first. EOF gives [`WD_E::ConnectionLost`]; after an error (timeout
    /// included) the bytes already read are lost, so the connection must be dropped.
    pub fn read_exact_vec(&mut self, n: usize) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(n.min(EXACT_STEP));
        let take = n.min(self.rend - self.rpos);
        out.extend_from_slice(&self.rbuf[self.rpos..self.rpos + take]);
        self.rpos += take;
        while out.len() < n {
            let left = n - out.len();
            if left < READ_CHUNK {
                // Small tail: read through the buffer so what follows stays buffered.
                if self.fill()? == 0 {
                    return Err(Self::eof_error());
                }
                let take = left.min(self.rend - self.rpos);
                out.extend_from_slice(&self.rbuf[self.rpos..self.rpos + take]);
                self.rpos += take;
            } else {
                // Large remainder: read straight into the result, never past `n`.
                if !self.wbuf.is_empty() {
                    self.flush()?;
                }
                let old = out.len();
                out.resize(old + left.min(EXACT_STEP), 0);
                let quickack = !std::mem::take(&mut self.sent);
                let r = loop {
                    match self.stream.read(&mut out[old..], quickack) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        r => break r,
                    }
                };
                match r {
                    Ok(0) => return Err(Self::eof_error()),
                    Ok(k) => out.truncate(old + k),
                    Err(e) => return Err(self.read_error(&e)),
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
                return Err(Error::new(
                    WD_E::Protocol,
                    format!("reply too long (> {max} bytes)"),
                ));
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

    fn send_now(stream: &mut Stream, buf: &[u8], timeout: Duration) -> Result<()> {
        stream.write_all_flush(buf).map_err(|e| {
            if is_timeout(&e) {
                Error::new(
                    WD_E::Timeout,
                    format!("cannot send within {}", secs(timeout)),
                )
                .with_system(e.to_string())
            } else {
                lost("connection lost while sending", &e)
            }
        })
    }

    /// Buffers `data`; it is sent by [`flush`](Connection::flush), by the next read, or
    /// as soon as more than 64 KiB are pending.
    pub fn write_all(&mut self, data: &[u8]) -> Result<()> {
        if self.wbuf.len() + data.len() <= WBUF_FLUSH {
            self.wbuf.extend_from_slice(data);
            return Ok(());
        }
        self.flush()?;
        if data.len() >= WBUF_FLUSH {
            self.sent = true;
            Self::send_now(&mut self.stream, data, self.timeout)
        } else {
            self.wbuf.extend_from_slice(data);
            Ok(())
        }
    }

    /// Sends everything buffered in one write call. Errors: [`WD_E::ConnectionLost`]
    /// (broken pipe, reset), [`WD_E::Timeout`].
    pub fn flush(&mut self) -> Result<()> {
        if self.wbuf.is_empty() {
            return Ok(());
        }
        self.sent = true;
        let r = Self::send_now(&mut self.stream, &self.wbuf, self.timeout);
        self.wbuf.clear();
        r
    }

    fn check_line(line: &str) -> Result<()> {
        if line.bytes().any(|b| b == b'\r' || b == b'\n') {
            return Err(Error::invalid_arg("command line holds CR or LF"));
        }
        Ok(())
    }

    /// Traces `line` (client side) and buffers it followed by CRLF. `line` must not
    /// hold CR or LF ([`WD_E::InvalidArgument`]: no command injection). Not flushed.
    pub fn send_line(&mut self, line: &str) -> Result<()> {
        Self::check_line(line)?;
        trace::client(self.proto, line);
        self.write_line_bytes(line.as_bytes())
    }

    /// Like [`send_line`](Connection::send_line) but the trace shows only `shown`
    /// followed by `****` (for commands holding a password or token).
    pub fn send_line_masked(&mut self, line: &str, shown: &str) -> Result<()> {
        Self::check_line(line)?;
        trace::client_masked(self.proto, shown);
        self.write_line_bytes(line.as_bytes())
    }

    fn write_line_bytes(&mut self, line: &[u8]) -> Result<()> {
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
    pub fn write_dot_stuffed(&mut self, data: &[u8]) -> Result<()> {
        let timeout = self.timeout;
        self.sent = true;
        let stream = &mut self.stream;
        dot_stuff::dot_stuff_into(data, &mut self.wbuf, WBUF_FLUSH, |buf| {
            let r = Self::send_now(stream, buf, timeout);
            buf.clear();
            r
        })
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
    /// socket. Later I/O fails with [`WD_E::ConnectionLost`].
    pub fn close(&mut self) {
        let _ = self.flush();
        if let Stream::Tls(s) = &mut self.stream {
            let _ = s.shutdown();
        }
        trace::note(
            self.proto,
            &format!("closing connection to {}", host_port(&self.host, self.port)),
        );
        self.close_now();
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
