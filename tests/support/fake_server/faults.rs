//! The misbehaving steps: stalls, garbage and over-long lines.

use super::STALL_FOREVER_CAP;
use super::conn::{Conn, Fill};
use super::script::{Script, Step};
use crate::support::rng::Rng;
use std::thread;
use std::time::{Duration, Instant};

/// The fault steps of a script.
impl Script {
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

    /// Fault: writes `text` one byte at a time, `every` apart (a server on a very slow
    /// link). Recorded; stops quietly when the client has gone.
    pub fn trickle(self, text: impl AsRef<[u8]>, every: Duration) -> Self {
        self.step(Step::Trickle(text.as_ref().to_vec(), every))
    }

    /// Fault: writes `chunk` over and over, `total` bytes in all, as fast as the client
    /// reads (untagged responses without end, a body without its final dot…). Not
    /// recorded (it may be gigabytes); stops quietly when the client has gone.
    pub fn flood(self, chunk: impl AsRef<[u8]>, total: u64) -> Self {
        self.step(Step::Flood(chunk.as_ref().to_vec(), total))
    }
}

impl Conn {
    pub(super) fn sleep_interruptible(&self, d: Duration) {
        let end = Instant::now() + d;
        while !self.inner.stopped() {
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            thread::sleep(left.min(Duration::from_millis(20)));
        }
    }

    /// See [`Script::trickle`]. IMAP tags are translated before the bytes go out.
    pub fn trickle(&mut self, text: &[u8], every: Duration) {
        let bytes = self.tags.outbound(text);
        for (i, b) in bytes.iter().enumerate() {
            if i > 0 {
                self.sleep_interruptible(every);
            }
            if self.inner.stopped() || !self.write_untranslated(std::slice::from_ref(b), true) {
                return;
            }
        }
    }

    /// See [`Script::flood`]; for custom steps: returns the bytes written (fewer than
    /// `total` when the client closed the connection).
    pub fn flood(&mut self, chunk: &[u8], total: u64) -> u64 {
        let mut sent = 0u64;
        if chunk.is_empty() {
            return 0;
        }
        while sent < total && !self.inner.stopped() {
            let n = chunk.len().min((total - sent) as usize);
            if !self.write_untranslated(&chunk[..n], false) {
                break;
            }
            sent += n as u64;
        }
        sent
    }

    pub(super) fn stall_forever(&mut self) {
        let end = Instant::now() + STALL_FOREVER_CAP;
        while !self.inner.stopped() && Instant::now() < end {
            match self.fill(Duration::from_millis(50)) {
                Fill::Data | Fill::Timeout => {}
                Fill::Eof | Fill::Error(_) => break,
            }
        }
    }
}

pub(super) fn garbage(n: usize) -> Vec<u8> {
    let mut rng = Rng::from_clock();
    let mut out: Vec<u8> = (0..n)
        .map(|_| {
            let b = (rng.next() >> 56) as u8;
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

/// `prefix` cut or padded with filler letters to `n` bytes, then CRLF.
pub(super) fn long_line(prefix: Vec<u8>, n: usize) -> Vec<u8> {
    let mut line = prefix;
    line.truncate(n);
    let mut i = 0u8;
    while line.len() < n {
        line.push(b'a' + i % 26);
        i = i.wrapping_add(1);
    }
    line.extend_from_slice(b"\r\n");
    line
}
