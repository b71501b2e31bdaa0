//! The server side of one connection: buffered reads that record what the
//! client sent and count its flights, writes that record what the server sent.

use super::server::Inner;
use super::tags::Tags;
use super::tls::acceptor;
use super::transcript::{Transcript, preview};
use super::{END_LINGER, MAX_CLIENT_LINE};
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub(super) enum Stream {
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

pub(super) enum Fill {
    Data,
    Eof,
    Timeout,
    Error(String),
}

/// The server side of one connection, handed to [`Script::custom`]
/// closures. Reads are buffered; everything read is recorded.
pub struct Conn {
    pub(super) stream: Stream,
    pub(super) rbuf: Vec<u8>,
    pub(super) eof: bool,
    pub(super) inner: Arc<Inner>,
    pub(super) idx: usize,
    pub(super) read_timeout: Duration,
    pub(super) flight_grace: Duration,
    /// Client data arrived since the last server write.
    pub(super) client_data_pending: bool,
    /// IMAP tags in their fixed form for the script (see `tags`).
    pub(super) tags: Tags,
}

impl Conn {
    pub(super) fn record<R>(&self, f: impl FnOnce(&mut Transcript) -> R) -> R {
        self.inner.with(self.idx, f)
    }

    pub(super) fn mark_closed(&mut self) {
        self.eof = true;
        self.record(|t| t.client_closed = true);
    }

    /// One read from the socket into the buffer, waiting at most `timeout`.
    pub(super) fn fill(&mut self, timeout: Duration) -> Fill {
        self.fill_with(Some(timeout))
    }

    /// One read of what is already available, without waiting.
    pub(super) fn fill_now(&mut self) -> Fill {
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

    pub(super) fn wait_error(&self, what: &str, fill: Fill) -> String {
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

    pub(super) fn read_line_raw_for(&mut self, what: &str) -> Result<Vec<u8>, String> {
        let line = self.read_until(what, |b| b.iter().position(|&c| c == b'\n').map(|p| p + 1))?;
        Ok(self.tags.inbound(line))
    }

    pub(super) fn read_line_for(&mut self, what: &str) -> Result<String, String> {
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

    pub(super) fn read_exact_for(&mut self, n: usize, what: &str) -> Result<Vec<u8>, String> {
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
        let translated = self.tags.outbound(bytes);
        let bytes = &translated[..];
        self.stream
            .write_all(bytes)
            .map_err(|e| format!("write of {} bytes failed: {e}", bytes.len()))?;
        self.client_data_pending = false;
        self.record(|t| t.sent.extend_from_slice(bytes));
        Ok(())
    }

    /// Writes `bytes` as they are (no flight grace, no tag translation), recorded in
    /// `sent` when `record`. False when the client has gone (the connection is then
    /// treated as closed by the client).
    pub(super) fn write_untranslated(&mut self, bytes: &[u8], record: bool) -> bool {
        if let Some(tcp) = self.stream.tcp() {
            let _ = tcp.set_write_timeout(Some(self.read_timeout));
        }
        match self.stream.write_all(bytes) {
            Ok(()) => {
                self.client_data_pending = false;
                if record {
                    self.record(|t| t.sent.extend_from_slice(bytes));
                }
                true
            }
            Err(_) => {
                self.mark_closed();
                false
            }
        }
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

    /// Graceful end of a session: close_notify / FIN, then read what the
    /// client still sends for a short while so that closing does not turn
    /// into a RST that could destroy our last reply.
    pub(super) fn finish(&mut self) {
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

pub(super) fn strip_eol(mut b: &[u8]) -> &[u8] {
    if let Some(rest) = b.strip_suffix(b"\n") {
        b = rest;
        if let Some(rest) = b.strip_suffix(b"\r") {
            b = rest;
        }
    }
    b
}
