//! POP3 multi-line bodies (RFC 1939 §3): the lines that follow a `+OK` up to a line
//! holding only ".", each line that starts with a dot having that dot removed
//! ("dot-unstuffing").
//!
//! [`DotDecoder`] is sans-IO: it is fed whatever bytes arrive, split anywhere, and says
//! how many it used, so the bytes after the terminating line stay with the connection
//! for the next (pipelined) reply. [`read_body`] drives it over a [`Connection`].

use crate::error::{Error, Result, WD_E};
use crate::net::Connection;
use crate::text::find_byte;

/// Where the decoder stands in the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a line.
    LineStart,
    /// After a "." at the start of a line.
    Dot,
    /// After ".\r" at the start of a line.
    DotCr,
    /// Inside a line; `cr`: the last byte of the line so far is a CR.
    InLine { cr: bool },
    /// The terminating "." line was read.
    Done,
}

/// Decoder of one multi-line body: dot-stuffing undone and every line ending in CRLF
/// (a line ended by a bare LF gets a CRLF; a CR elsewhere is kept); the terminating
/// line (".\r\n" or ".\n") is not part of the body. Line length is not limited, only the
/// total size.
#[derive(Debug, Clone)]
pub struct DotDecoder {
    out: Vec<u8>,
    state: State,
    max: usize,
}

impl DotDecoder {
    /// A decoder accepting a body of at most `max` bytes.
    pub fn new(max: usize) -> DotDecoder {
        DotDecoder {
            out: Vec::with_capacity(8192.min(max)),
            state: State::LineStart,
            max,
        }
    }

    /// Decodes the start of `input` and returns how many bytes it used: all of them,
    /// unless the terminating line ends inside `input` (then [`is_done`](Self::is_done)
    /// is true and the rest belongs to what follows the body). Nothing is used once done.
    ///
    /// Errors: [`WD_E::Protocol`] "multi-line response too large (> max bytes)" as soon as
    /// the body exceeds `max` bytes.
    pub fn feed(&mut self, input: &[u8]) -> Result<usize> {
        self.reserve_for(input.len());
        let mut i = 0;
        while i < input.len() {
            match self.state {
                State::Done => break,
                State::LineStart => {
                    if input[i] == b'.' {
                        self.state = State::Dot;
                        i += 1;
                    } else {
                        self.state = State::InLine { cr: false };
                    }
                }
                State::Dot => match input[i] {
                    b'\n' => {
                        self.state = State::Done;
                        i += 1;
                    }
                    b'\r' => {
                        self.state = State::DotCr;
                        i += 1;
                    }
                    // A stuffed dot: dropped.
                    _ => self.state = State::InLine { cr: false },
                },
                State::DotCr => {
                    if input[i] == b'\n' {
                        self.state = State::Done;
                        i += 1;
                    } else {
                        // ".\r" then something else: a stuffed dot before a CR.
                        self.out.push(b'\r');
                        self.state = State::InLine { cr: true };
                    }
                }
                State::InLine { cr } => {
                    let rest = &input[i..];
                    match find_byte(rest, b'\n') {
                        Some(k) => {
                            self.out.extend_from_slice(&rest[..k]);
                            let cr_before = if k > 0 { rest[k - 1] == b'\r' } else { cr };
                            if cr_before {
                                self.out.push(b'\n');
                            } else {
                                self.out.extend_from_slice(b"\r\n");
                            }
                            self.state = State::LineStart;
                            i += k + 1;
                        }
                        None => {
                            self.out.extend_from_slice(rest);
                            self.state = State::InLine {
                                cr: rest.last() == Some(&b'\r'),
                            };
                            i = input.len();
                        }
                    }
                    if self.out.len() > self.max {
                        return Err(Error::new(
                            WD_E::Protocol,
                            format!("multi-line response too large (> {} bytes)", self.max),
                        ));
                    }
                }
            }
        }
        Ok(i)
    }

    /// Makes room for what `n` input bytes can add (a bare LF becomes CRLF: twice `n` at
    /// most), growing geometrically but never far past `max`: a body refused for its size
    /// never holds much more memory than `max`.
    fn reserve_for(&mut self, n: usize) {
        let len = self.out.len();
        let need = len.saturating_add(n.saturating_mul(2)).saturating_add(2);
        let cap = self.out.capacity();
        if need <= cap {
            return;
        }
        let ceiling = self
            .max
            .saturating_add(n.saturating_mul(2))
            .saturating_add(2);
        let target = cap.saturating_mul(2).max(need).min(ceiling).max(need);
        self.out.reserve_exact(target - len);
    }

    /// True once the terminating "." line was read.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// The body, once done. Before that the stream ended too early:
    /// [`WD_E::ConnectionLost`] "multi-line response cut short".
    pub fn finish(self) -> Result<Vec<u8>> {
        if self.is_done() {
            Ok(self.out)
        } else {
            Err(Error::new(
                WD_E::ConnectionLost,
                "multi-line response cut short",
            ))
        }
    }
}

/// Reads a multi-line body (after its `+OK` line) from `conn` up to its terminating "."
/// line; see [`DotDecoder`]. The bytes after the terminator stay buffered.
///
/// Errors: [`WD_E::Protocol`] when the body exceeds `max` bytes, [`WD_E::ConnectionLost`]
/// "multi-line response cut short" at the end of the stream before the dot,
/// [`WD_E::Timeout`], [`WD_E::Cancelled`] (the progress callback stopped the transfer:
/// the connection is given up). After an error the connection must be dropped.
pub fn read_body(conn: &mut Connection, max: usize) -> Result<Vec<u8>> {
    let mut dec = DotDecoder::new(max);
    while !dec.is_done() {
        let buf = conn.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        let used = dec.feed(buf)?;
        conn.consume(used);
        conn.progressed(used)?;
    }
    let mut body = dec.finish()?;
    // A short body (a header read with TOP) does not keep the whole first buffer: a
    // large mailbox read with headers only holds thousands of them.
    if body.capacity() > body.len() + body.len() / 8 + 256 {
        body.shrink_to_fit();
    }
    Ok(body)
}

/// Undoes dot-stuffing of one complete line's content (line end removed): a leading dot
/// is dropped. Returns `None` for the terminating "." line.
pub fn unstuff_line(line: &[u8]) -> Option<&[u8]> {
    match line {
        b"." => None,
        [b'.', rest @ ..] => Some(rest),
        _ => Some(line),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes `wire` fed in pieces of the given sizes (cycled); returns the body or the
    /// error code, and the number of bytes used.
    fn decode_in(wire: &[u8], sizes: &[usize], max: usize) -> (Result<Vec<u8>>, usize) {
        let mut dec = DotDecoder::new(max);
        let mut used = 0;
        let mut k = 0;
        while used < wire.len() && !dec.is_done() {
            let end = (used + sizes[k % sizes.len()]).min(wire.len());
            k += 1;
            match dec.feed(&wire[used..end]) {
                Ok(n) => used += n,
                Err(e) => return (Err(e), used),
            }
        }
        (dec.finish(), used)
    }

    fn decode(wire: &[u8]) -> Vec<u8> {
        decode_in(wire, &[wire.len().max(1)], 1 << 20).0.unwrap()
    }

    /// The rule written line by line: what the streaming decoder must agree with.
    fn model(wire: &[u8]) -> Option<(Vec<u8>, usize)> {
        let mut out = Vec::new();
        let mut pos = 0;
        while let Some(k) = find_byte(&wire[pos..], b'\n') {
            let line = &wire[pos..pos + k];
            pos += k + 1;
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            match unstuff_line(line) {
                None => return Some((out, pos)),
                Some(l) => {
                    out.extend_from_slice(l);
                    out.extend_from_slice(b"\r\n");
                }
            }
        }
        None
    }

    /// A few telling cases; `agrees_with_the_line_model` covers every short input.
    #[test]
    fn unstuffs_and_normalises() {
        let wire = b"line1\r\n..dotted\r\n...\r\nbare lf\n\r\n.x\r\n.\r\n+OK next\r\n";
        let want = b"line1\r\n.dotted\r\n..\r\nbare lf\r\n\r\nx\r\n";
        assert_eq!(decode(wire), want);
        assert_eq!(decode(b".\n"), b"");
        // A CR inside a line is kept, also after a stuffed dot.
        assert_eq!(decode(b"a\rb\n.\n"), b"a\rb\r\n");
        assert_eq!(decode(b".\r\r\n.\r\n"), b"\r\r\n");
    }

    #[test]
    fn stops_at_the_terminator() {
        let wire = b"a\r\n.\r\n+OK next\r\n";
        let (body, used) = decode_in(wire, &[100], 1000);
        assert_eq!(body.unwrap(), b"a\r\n");
        assert_eq!(&wire[used..], b"+OK next\r\n");
        // Nothing is used once done.
        let mut dec = DotDecoder::new(10);
        assert_eq!(dec.feed(b".\n.\n").unwrap(), 2);
        assert!(dec.is_done());
        assert_eq!(dec.feed(b"more").unwrap(), 0);
    }

    #[test]
    fn same_result_for_every_split() {
        let body: &[u8] = b"a\r\n..b\r\n.\r\r\nlong line without end for a while\r\n..\r\n\r\n";
        let mut wire = body.to_vec();
        wire.extend_from_slice(b".\r\nAFTER\r\n");
        let want = b"a\r\n.b\r\n\r\r\nlong line without end for a while\r\n.\r\n\r\n";
        for sizes in [&[1][..], &[2], &[3], &[1, 2, 3, 4], &[4, 3, 2, 1], &[7, 1]] {
            let (got, used) = decode_in(&wire, sizes, 1000);
            assert_eq!(got.unwrap(), want, "{sizes:?}");
            assert_eq!(&wire[used..], b"AFTER\r\n", "{sizes:?}");
        }
        for cut in 0..=wire.len() {
            let mut dec = DotDecoder::new(1000);
            let used = dec.feed(&wire[..cut]).unwrap();
            assert_eq!(used, cut.min(wire.len() - 7), "cut {cut}");
            let more = dec.feed(&wire[used..]).unwrap();
            assert_eq!(used + more, wire.len() - 7, "cut {cut}");
            assert_eq!(dec.finish().unwrap(), want, "cut {cut}");
        }
    }

    /// Every input of up to seven bytes over the interesting alphabet, followed by a
    /// terminator: the decoder, fed whole or byte by byte, agrees with the line model.
    #[test]
    fn agrees_with_the_line_model() {
        const ALPHABET: &[u8] = b".\r\na";
        let mut inputs: Vec<Vec<u8>> = vec![Vec::new()];
        let mut start = 0;
        for _ in 0..7 {
            let end = inputs.len();
            for i in start..end {
                for &b in ALPHABET {
                    let mut v = inputs[i].clone();
                    v.push(b);
                    inputs.push(v);
                }
            }
            start = end;
        }
        for input in inputs {
            let mut wire = input.clone();
            wire.extend_from_slice(b"\r\n.\r\n!");
            let (want, want_used) = model(&wire).expect("terminated");
            for sizes in [&[wire.len()][..], &[1]] {
                let (got, used) = decode_in(&wire, sizes, 1 << 20);
                assert_eq!(got.unwrap(), want, "{input:?} {sizes:?}");
                assert_eq!(used, want_used, "{input:?} {sizes:?}");
            }
        }
    }

    #[test]
    fn cut_short_and_too_large() {
        for wire in [&b""[..], b"line1\r\nline2\r\n", b".", b".\r", b"abc\r"] {
            let (r, _) = decode_in(wire, &[1], 1000);
            let e = r.unwrap_err();
            assert_eq!(e.code, WD_E::ConnectionLost, "{wire:?}");
            assert_eq!(e.message, "multi-line response cut short");
        }
        let mut wire = b"0123456789\r\n".repeat(100);
        wire.extend_from_slice(b".\r\n");
        let (r, _) = decode_in(&wire, &[wire.len()], 500);
        assert_eq!(r.unwrap_err().code, WD_E::Protocol);
        // Exactly at the limit is fine; one byte over is not, also within one line.
        assert_eq!(decode_in(b"abc\r\n.\r\n", &[1], 5).0.unwrap(), b"abc\r\n");
        let e = decode_in(b"abcd\r\n.\r\n", &[100], 5).0.unwrap_err();
        assert_eq!(e.code, WD_E::Protocol);
        assert_eq!(e.message, "multi-line response too large (> 5 bytes)");
    }

    /// Refused at the limit, the body never grew far past it (no doubling beyond).
    #[test]
    fn growth_stops_near_the_limit() {
        let max = 3 << 20;
        let mut dec = DotDecoder::new(max);
        let chunk = b"0123456789abcdef\r\n".repeat(4096);
        let mut err = None;
        for _ in 0..1000 {
            if let Err(e) = dec.feed(&chunk) {
                err = Some(e);
                break;
            }
        }
        assert_eq!(err.expect("refused").code, WD_E::Protocol);
        assert!(
            dec.out.capacity() <= max + 2 * chunk.len() + 2,
            "{}",
            dec.out.capacity()
        );
        // A bare-LF body doubles in size: still within one input of the limit.
        let mut dec = DotDecoder::new(1 << 20);
        let lf = vec![b'\n'; 100_000];
        while dec.feed(&lf).is_ok() {}
        assert!(dec.out.capacity() <= (1 << 20) + 2 * lf.len() + 2);
    }

    #[test]
    fn unstuff_lines() {
        assert_eq!(unstuff_line(b"."), None);
        assert_eq!(unstuff_line(b".."), Some(&b"."[..]));
        assert_eq!(unstuff_line(b"..x"), Some(&b".x"[..]));
        assert_eq!(unstuff_line(b"x."), Some(&b"x."[..]));
    }
}
