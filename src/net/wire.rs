//! The socket under a connection (and under its TLS layer): every read and write system
//! call waits at most until the deadline of the connection's [`Pace`], re-armed before
//! each call, and reports the bytes moved. Because the TLS layer reads and writes through
//! it, a TLS handshake or record trickled byte by byte ends at the deadline too, not one
//! timeout after the last byte. Portable: only the standard socket timeouts are used.

use super::pace::Pace;
use super::tcp::is_timeout;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

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
        }
    }

    pub(crate) fn tcp(&self) -> &TcpStream {
        &self.tcp
    }

    /// How long the next system call may wait; an error once the deadline passed.
    fn wait(&self) -> io::Result<Option<Duration>> {
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
        self.paced(false, |t| t.read(buf))
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
