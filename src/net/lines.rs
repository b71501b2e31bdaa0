//! Pure byte helpers for line-oriented protocols: fast byte search, CRLF
//! normalisation and SMTP dot-stuffing. No I/O here.

use std::borrow::Cow;

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// True when some byte of `w` is zero (classic SWAR test, exact: no false positives
/// are reported as a position because the caller rescans the word).
#[inline]
fn has_zero(w: u64) -> bool {
    (w.wrapping_sub(LO) & !w & HI) != 0
}

/// Position of the first `needle` byte in `hay`, scanning eight bytes at a time.
pub fn find_byte(hay: &[u8], needle: u8) -> Option<usize> {
    let pattern = LO.wrapping_mul(needle as u64);
    let mut chunks = hay.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let w = u64::from_ne_bytes(chunk.try_into().expect("chunk of 8"));
        if has_zero(w ^ pattern) {
            // Exact position inside the word.
            return chunk.iter().position(|&b| b == needle).map(|i| base + i);
        }
        base += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == needle)
        .map(|i| base + i)
}

/// Position of the first CR or LF byte in `hay`.
pub fn find_cr_or_lf(hay: &[u8]) -> Option<usize> {
    let pcr = LO.wrapping_mul(b'\r' as u64);
    let plf = LO.wrapping_mul(b'\n' as u64);
    let mut chunks = hay.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let w = u64::from_ne_bytes(chunk.try_into().expect("chunk of 8"));
        if has_zero(w ^ pcr) || has_zero(w ^ plf) {
            return chunk
                .iter()
                .position(|&b| b == b'\r' || b == b'\n')
                .map(|i| base + i);
        }
        base += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == b'\r' || b == b'\n')
        .map(|i| base + i)
}

/// Splits `data` into lines on CRLF, bare CR or bare LF. Calls `f(content, has_end)`
/// for every line; `has_end` is false only for a last line without any line end.
fn for_each_line(data: &[u8], mut f: impl FnMut(&[u8], bool)) {
    let mut rest = data;
    while !rest.is_empty() {
        match find_cr_or_lf(rest) {
            Some(i) => {
                let end_len = if rest[i] == b'\r' && rest.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                f(&rest[..i], true);
                rest = &rest[i + end_len..];
            }
            None => {
                f(rest, false);
                rest = &[];
            }
        }
    }
}

/// True when every CR in `data` is followed by LF and every LF preceded by CR.
///
/// Equivalent to: for every adjacent pair, "first is CR" equals "second is LF", and the
/// data neither starts with LF nor ends with CR. Checked in blocks without branches
/// inside a block so the compiler vectorises it (a message body is checked on every
/// send).
pub fn is_crlf_clean(data: &[u8]) -> bool {
    const BLOCK: usize = 64;
    if data.first() == Some(&b'\n') || data.last() == Some(&b'\r') {
        return false;
    }
    let mut i = 0;
    while i + BLOCK < data.len() {
        let a: &[u8; BLOCK] = data[i..i + BLOCK].try_into().expect("block");
        let b: &[u8; BLOCK] = data[i + 1..i + 1 + BLOCK].try_into().expect("block");
        let mut bad = 0u8;
        for k in 0..BLOCK {
            bad |= ((a[k] == b'\r') as u8) ^ ((b[k] == b'\n') as u8);
        }
        if bad != 0 {
            return false;
        }
        i += BLOCK;
    }
    while i + 1 < data.len() {
        if (data[i] == b'\r') != (data[i + 1] == b'\n') {
            return false;
        }
        i += 1;
    }
    true
}

/// Rewrites every line end (bare CR, bare LF or CRLF) as CRLF. Borrows when `data`
/// is already clean. Nothing is added at the end (a last line without line end stays so).
pub fn normalize_crlf(data: &[u8]) -> Cow<'_, [u8]> {
    if is_crlf_clean(data) {
        return Cow::Borrowed(data);
    }
    let mut out = Vec::with_capacity(data.len() + data.len() / 32 + 2);
    for_each_line(data, |line, has_end| {
        out.extend_from_slice(line);
        if has_end {
            out.extend_from_slice(b"\r\n");
        }
    });
    Cow::Owned(out)
}

/// Appends the SMTP DATA form of `data` to `out`: line ends normalised to CRLF (bare
/// CR and bare LF included, so no SMTP smuggling), a dot doubled at the start of every
/// line, a CRLF added when the data does not end with a line end, then ".\r\n".
/// `sink` is called whenever `out` grows beyond `flush_at` bytes so large bodies
/// can be streamed; it may drain `out`.
pub(crate) fn dot_stuff_into<E>(
    data: &[u8],
    out: &mut Vec<u8>,
    flush_at: usize,
    mut sink: impl FnMut(&mut Vec<u8>) -> Result<(), E>,
) -> Result<(), E> {
    let mut rest = data;
    while !rest.is_empty() {
        if rest[0] == b'.' {
            out.push(b'.');
        }
        match find_cr_or_lf(rest) {
            Some(i) => {
                let end_len = if rest[i] == b'\r' && rest.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                out.extend_from_slice(&rest[..i]);
                out.extend_from_slice(b"\r\n");
                rest = &rest[i + end_len..];
            }
            None => {
                out.extend_from_slice(rest);
                out.extend_from_slice(b"\r\n");
                rest = &[];
            }
        }
        if out.len() >= flush_at {
            sink(out)?;
        }
    }
    out.extend_from_slice(b".\r\n");
    Ok(())
}

/// The complete SMTP DATA body for `data`, terminator included (see
/// [`crate::net::Connection::write_dot_stuffed`]).
pub fn dot_stuff(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + data.len() / 32 + 8);
    let r: Result<(), ()> = dot_stuff_into(data, &mut out, usize::MAX, |_| Ok(()));
    debug_assert!(r.is_ok());
    out
}

/// Undoes dot-stuffing of one line's content (line end removed): a leading dot is
/// dropped. Returns `None` for the terminating "." line.
pub fn unstuff_line(line: &[u8]) -> Option<&[u8]> {
    match line {
        b"." => None,
        [b'.', rest @ ..] => Some(rest),
        _ => Some(line),
    }
}

/// Removes one line end (CRLF or LF) from the end of `line`.
pub fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_byte_matches_naive() {
        let mut data = Vec::new();
        for i in 0..300u32 {
            data.push((i * 7 % 251) as u8);
        }
        for needle in 0..=255u8 {
            for start in 0..20 {
                let hay = &data[start..];
                assert_eq!(
                    find_byte(hay, needle),
                    hay.iter().position(|&b| b == needle),
                    "needle {needle} start {start}"
                );
            }
        }
        assert_eq!(find_byte(b"", b'\n'), None);
        assert_eq!(find_byte(b"abcdefgh\n", b'\n'), Some(8));
        // A byte that differs from the needle only in the high bit must not match.
        assert_eq!(find_byte(&[0x8a; 16], b'\n'), None);
        assert_eq!(find_byte(&[0x0b, 0x8a, 0x0a], b'\n'), Some(2));
    }

    #[test]
    fn find_cr_or_lf_matches_naive() {
        let samples: [&[u8]; 6] = [
            b"",
            b"no line end here at all",
            b"abc\rdef",
            b"abcdefghijklmnop\n",
            b"\x8d\x8a\x0c\x0b\x0e........\r\n",
            b"12345678\n",
        ];
        for s in samples {
            assert_eq!(
                find_cr_or_lf(s),
                s.iter().position(|&b| b == b'\r' || b == b'\n')
            );
        }
    }

    #[test]
    fn normalize_borrows_clean_data() {
        assert!(matches!(normalize_crlf(b"a\r\nb\r\n"), Cow::Borrowed(_)));
        assert!(matches!(normalize_crlf(b"no end"), Cow::Borrowed(_)));
        assert!(matches!(normalize_crlf(b""), Cow::Borrowed(_)));
    }

    #[test]
    fn normalize_fixes_bare_cr_and_lf() {
        assert_eq!(&*normalize_crlf(b"a\nb\rc\r\nd"), b"a\r\nb\r\nc\r\nd");
        assert_eq!(&*normalize_crlf(b"\n\n"), b"\r\n\r\n");
        assert_eq!(&*normalize_crlf(b"\r\r\n"), b"\r\n\r\n");
        assert_eq!(&*normalize_crlf(b"x\r"), b"x\r\n");
        assert_eq!(&*normalize_crlf(b"\n\r"), b"\r\n\r\n");
    }

    #[test]
    fn is_crlf_clean_cases() {
        assert!(is_crlf_clean(b"a\r\nb"));
        assert!(!is_crlf_clean(b"a\nb"));
        assert!(!is_crlf_clean(b"a\rb"));
        assert!(!is_crlf_clean(b"a\r"));
        assert!(!is_crlf_clean(b"a\n\r\n"));
        assert!(!is_crlf_clean(b"\n"));
        assert!(!is_crlf_clean(b"\r"));
        assert!(is_crlf_clean(b""));
        assert!(is_crlf_clean(b"\r\n"));
    }

    #[test]
    fn is_crlf_clean_matches_naive() {
        fn naive(d: &[u8]) -> bool {
            (0..d.len()).all(|i| match d[i] {
                b'\r' => d.get(i + 1) == Some(&b'\n'),
                b'\n' => i > 0 && d[i - 1] == b'\r',
                _ => true,
            })
        }
        let alphabet = [b'a', b'\r', b'\n'];
        let mut seed = 12345u32;
        for len in 0..300 {
            for _ in 0..20 {
                let mut d: Vec<u8> = (0..len)
                    .map(|_| {
                        seed = seed.wrapping_mul(1103515245).wrapping_add(12345);
                        if (seed >> 16).is_multiple_of(9) {
                            alphabet[((seed >> 8) % 3) as usize]
                        } else {
                            b'x'
                        }
                    })
                    .collect();
                assert_eq!(is_crlf_clean(&d), naive(&d), "{d:?}");
                // The same with every line end made clean.
                d = normalize_crlf(&d).into_owned();
                assert!(is_crlf_clean(&d));
            }
        }
    }

    #[test]
    fn dot_stuff_cases() {
        assert_eq!(dot_stuff(b""), b".\r\n");
        assert_eq!(dot_stuff(b"hello"), b"hello\r\n.\r\n");
        assert_eq!(dot_stuff(b"hello\r\n"), b"hello\r\n.\r\n");
        assert_eq!(dot_stuff(b".\r\n"), b"..\r\n.\r\n");
        assert_eq!(dot_stuff(b"a\n.\nb"), b"a\r\n..\r\nb\r\n.\r\n");
        assert_eq!(dot_stuff(b"a\r.\r\n..x"), b"a\r\n..\r\n...x\r\n.\r\n");
        // The SMTP smuggling sequence "\n.\n" is made harmless.
        assert_eq!(dot_stuff(b"x\n.\nMAIL"), b"x\r\n..\r\nMAIL\r\n.\r\n");
        assert_eq!(dot_stuff(b"x\r\n.\rMAIL"), b"x\r\n..\r\nMAIL\r\n.\r\n");
        assert_eq!(dot_stuff(b"\r\n"), b"\r\n.\r\n");
        assert_eq!(dot_stuff(b"a\r"), b"a\r\n.\r\n");
    }

    #[test]
    fn dot_stuff_streams_through_sink() {
        let data: Vec<u8> = b".line\n".repeat(1000);
        let mut out = Vec::new();
        let mut sent = Vec::new();
        let r: Result<(), ()> = dot_stuff_into(&data, &mut out, 100, |o| {
            sent.extend_from_slice(o);
            o.clear();
            Ok(())
        });
        r.unwrap();
        sent.extend_from_slice(&out);
        assert_eq!(sent, dot_stuff(&data));
        assert_eq!(sent.len(), 1000 * 8 + 3);
    }

    #[test]
    fn unstuff_and_trim() {
        assert_eq!(unstuff_line(b"."), None);
        assert_eq!(unstuff_line(b".."), Some(&b"."[..]));
        assert_eq!(unstuff_line(b"..x"), Some(&b".x"[..]));
        assert_eq!(unstuff_line(b"x."), Some(&b"x."[..]));
        assert_eq!(trim_line_end(b"a\r\n"), b"a");
        assert_eq!(trim_line_end(b"a\n"), b"a");
        assert_eq!(trim_line_end(b"a"), b"a");
        assert_eq!(trim_line_end(b"a\r"), b"a");
    }
}
