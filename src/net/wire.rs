//! The socket under a connection (and under its TLS layer): every read and write system
//! call waits at most until the deadline of the connection's [`Pace`], re-armed before
//! each call, and reports the bytes moved. Because the TLS layer reads and writes through
//! it, a TLS handshake or record trickled byte by byte ends at the deadline too, not one
//! timeout after the last byte. Portable: only the standard socket timeouts are used.

use super::pace::Pace;
use super::tcp::is_timeout;
use parking_lot::Mutex;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Shortest socket timeout set (a zero timeout would mean "wait for ever").
const MIN_WAIT: Duration = Duration::from_millis(1);

/// A TCP stream paced by the deadlines of its connection.
#[derive(Debug)]
pub(crate) struct Wire {
    tcp: TcpStream,
    pub(crate) pace: Pace,
    /// The read and write timeouts last set on the socket.
    read_set: Option<Option<Duration>>,
    write_set: Option<Option<Duration>>,
    /// While listening for data outside any exchange ([`Wire::listen`]): when to stop.
    listening: Option<Instant>,
    /// While set, the first bytes read are copied there, up to the given count (what a
    /// server answered a TLS hello, to explain a failed handshake).
    pub(crate) capture: Option<(Arc<Mutex<Vec<u8>>>, usize)>,
}

/// The error of a passed deadline (the connection maps it to `WD_E_TIMEOUT`).
fn expired() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, "deadline passed")
}

impl Wire {
    pub(crate) fn new(tcp: TcpStream, pace: Pace) -> Wire {
        Wire {
            tcp,
            pace,
            read_set: None,
            write_set: None,
            listening: None,
            capture: None,
        }
    }

    /// Listens for `wait` (`Some`) instead of pacing: a read waits at most that long, and
    /// reaching its end is `WouldBlock`, which the TLS layer can resume from (a wait for
    /// new mail, not an exchange). `None` ends the listening, and the next exchange
    /// starts a new window.
    pub(crate) fn listen(&mut self, wait: Option<Duration>) {
        self.listening = wait.map(|w| Instant::now() + w);
        if wait.is_none() {
            self.pace.restart();
        }
    }

    pub(crate) fn tcp(&self) -> &TcpStream {
        &self.tcp
    }

    /// How long the next system call may wait; an error once the deadline passed.
    fn wait(&self) -> io::Result<Option<Duration>> {
        if let Some(end) = self.listening {
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(io::ErrorKind::WouldBlock.into());
            }
            return Ok(Some(left.max(MIN_WAIT)));
        }
        match self.pace.left() {
            Ok(left) => Ok(left.map(|d| d.max(MIN_WAIT))),
            Err(_) => Err(expired()),
        }
    }

    /// One call of `op`, retried while the socket timed out before the deadline (the
    /// socket's own timeout is rounded) or a signal interrupted it.
    fn paced(
        &mut self,
        writing: bool,
        mut op: impl FnMut(&mut TcpStream) -> io::Result<usize>,
    ) -> io::Result<usize> {
        loop {
            let wait = self.wait()?;
            let set = if writing {
                &mut self.write_set
            } else {
                &mut self.read_set
            };
            if *set != Some(wait) {
                if writing {
                    self.tcp.set_write_timeout(wait)?;
                } else {
                    self.tcp.set_read_timeout(wait)?;
                }
                *set = Some(wait);
            }
            match op(&mut self.tcp) {
                Ok(n) => {
                    self.pace.progress(n, !writing);
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted || is_timeout(&e) => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

impl Read for Wire {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.paced(false, |t| t.read(buf))?;
        if let Some((first, max)) = &self.capture {
            let mut first = first.lock();
            let fresh = first.is_empty();
            let room = max.saturating_sub(first.len()).min(n);
            first.extend_from_slice(&buf[..room]);
            // Plain text where a TLS record was due (content types 20 to 24): what has
            // already arrived after it is looked at too, without taking it, to quote it.
            if fresh && n > 0 && !(0x14..=0x18).contains(&buf[0]) && first.len() < *max {
                let mut more = vec![0u8; max - first.len()];
                if self.tcp.set_nonblocking(true).is_ok() {
                    if let Ok(k) = self.tcp.peek(&mut more) {
                        first.extend_from_slice(&more[..k]);
                    }
                    let _ = self.tcp.set_nonblocking(false);
                }
            }
        }
        Ok(n)
    }
}

impl Write for Wire {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.paced(true, |t| t.write(buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.tcp.flush()
    }
}
