//! Dot-stuffing of an outgoing multi-line body (SMTP DATA). No I/O here; reading a
//! dot-terminated body is the POP3 decoder's job ([`crate::pop3::dot`]).

use crate::text;

/// Appends the SMTP DATA form of `data` to `out`: line ends normalised to CRLF (bare
/// CR and bare LF included, so no SMTP smuggling), a dot doubled at the start of every
/// line, a CRLF added when the data does not end with a line end, then ".\r\n".
/// `sink` is called whenever `out` grows beyond `flush_at` bytes so large bodies
/// can be streamed, with the number of bytes of `data` written into `out` so far; it may
/// drain `out`.
pub(crate) fn dot_stuff_into<E>(
    data: &[u8],
    out: &mut Vec<u8>,
    flush_at: usize,
    mut sink: impl FnMut(&mut Vec<u8>, usize) -> Result<(), E>,
) -> Result<(), E> {
    let start = data.as_ptr() as usize;
    for (line, _) in text::lines(data) {
        if line.first() == Some(&b'.') {
            out.push(b'.');
        }
        out.extend_from_slice(line);
        out.extend_from_slice(b"\r\n");
        if out.len() >= flush_at {
            // The source bytes up to the end of this line (its line end aside).
            sink(out, line.as_ptr() as usize - start + line.len())?;
        }
    }
    out.extend_from_slice(b".\r\n");
    Ok(())
}

/// The complete SMTP DATA body for `data`, terminator included (see
/// [`crate::net::Connection::write_dot_stuffed`]).
pub fn dot_stuff(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + data.len() / 32 + 8);
    let r: Result<(), ()> = dot_stuff_into(data, &mut out, usize::MAX, |_, _| Ok(()));
    debug_assert!(r.is_ok());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_stuff_cases() {
        let cases: [(&[u8], &[u8]); 10] = [
            (b"", b".\r\n"),
            (b"hello", b"hello\r\n.\r\n"),
            (b"hello\r\n", b"hello\r\n.\r\n"),
            (b".\r\n", b"..\r\n.\r\n"),
            (b"a\n.\nb", b"a\r\n..\r\nb\r\n.\r\n"),
            (b"a\r.\r\n..x", b"a\r\n..\r\n...x\r\n.\r\n"),
            // The SMTP smuggling sequence "\n.\n" is made harmless.
            (b"x\n.\nMAIL", b"x\r\n..\r\nMAIL\r\n.\r\n"),
            (b"x\r\n.\rMAIL", b"x\r\n..\r\nMAIL\r\n.\r\n"),
            (b"\r\n", b"\r\n.\r\n"),
            (b"a\r", b"a\r\n.\r\n"),
        ];
        for (data, want) in cases {
            assert_eq!(dot_stuff(data), want, "{data:?}");
        }
    }

    #[test]
    fn dot_stuff_streams_through_sink() {
        let data: Vec<u8> = b".line\n".repeat(1000);
        let mut out = Vec::new();
        let mut sent = Vec::new();
        let mut consumed = Vec::new();
        let r: Result<(), ()> = dot_stuff_into(&data, &mut out, 100, |o, done| {
            sent.extend_from_slice(o);
            o.clear();
            consumed.push(done);
            Ok(())
        });
        r.unwrap();
        sent.extend_from_slice(&out);
        assert_eq!(sent, dot_stuff(&data));
        assert_eq!(sent.len(), 1000 * 8 + 3);
        // The source position grows, stays within the data and ends at a line's end.
        assert!(consumed.windows(2).all(|w| w[0] < w[1]), "{consumed:?}");
        assert!(
            consumed
                .iter()
                .all(|&d| d <= data.len() && data[d] == b'\n')
        );
    }
}
