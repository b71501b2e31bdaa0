//! Small text and byte helpers shared by the protocol clients and the message model:
//! fast byte search, line splitting, CRLF checking, normalisation and trimming, and
//! calendar dates ([`date`]). Pure functions, no I/O (except [`localtime`], which reads
//! the local time zone's file once); nothing here panics on any input.

pub mod date;
pub mod localtime;

pub use date::DateTime;

use std::borrow::Cow;

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// True when some byte of `w` is zero (classic SWAR test, exact: no false positives
/// are reported as a position because the caller rescans the word).
#[inline]
fn has_zero(w: u64) -> bool {
    (w.wrapping_sub(LO) & !w & HI) != 0
}

/// Position of the first byte of `hay` for which `is_match` holds, scanning eight bytes
/// at a time: `word_hit` tells whether a word may hold such a byte.
#[inline]
fn find_by(
    hay: &[u8],
    word_hit: impl Fn(u64) -> bool,
    is_match: impl Fn(u8) -> bool,
) -> Option<usize> {
    let mut chunks = hay.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let w = u64::from_ne_bytes(chunk.try_into().expect("chunk of 8"));
        if word_hit(w) {
            // Exact position inside the word.
            return chunk.iter().position(|&b| is_match(b)).map(|i| base + i);
        }
        base += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| is_match(b))
        .map(|i| base + i)
}

/// Position of the first `needle` byte in `hay`, scanning eight bytes at a time.
pub fn find_byte(hay: &[u8], needle: u8) -> Option<usize> {
    let pattern = LO.wrapping_mul(needle as u64);
    find_by(hay, |w| has_zero(w ^ pattern), |b| b == needle)
}

/// Position of the first CR or LF byte in `hay`.
pub fn find_cr_or_lf(hay: &[u8]) -> Option<usize> {
    let pcr = LO.wrapping_mul(b'\r' as u64);
    let plf = LO.wrapping_mul(b'\n' as u64);
    find_by(
        hay,
        |w| has_zero(w ^ pcr) || has_zero(w ^ plf),
        |b| b == b'\r' || b == b'\n',
    )
}

/// The lines of `data`, split on CRLF, bare CR or bare LF: each item is a line's content
/// (line end removed) and whether a line end followed it (false only for a last line
/// without any line end). Empty data has no line.
pub fn lines(data: &[u8]) -> Lines<'_> {
    Lines { rest: data }
}

/// Iterator of [`lines`].
#[derive(Debug, Clone)]
pub struct Lines<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Lines<'a> {
    type Item = (&'a [u8], bool);

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.rest;
        if rest.is_empty() {
            return None;
        }
        match find_cr_or_lf(rest) {
            Some(i) => {
                let end_len = if rest[i] == b'\r' && rest.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                self.rest = &rest[i + end_len..];
                Some((&rest[..i], true))
            }
            None => {
                self.rest = &[];
                Some((rest, false))
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
    for (line, has_end) in lines(data) {
        out.extend_from_slice(line);
        if has_end {
            out.extend_from_slice(b"\r\n");
        }
    }
    Cow::Owned(out)
}

/// [`normalize_crlf`] of a string, taking it: returned as is when already clean (the
/// usual case for a received body), without a copy.
pub fn normalize_crlf_string(s: String) -> String {
    match normalize_crlf(s.as_bytes()) {
        Cow::Borrowed(_) => s,
        // Only ASCII CR/LF bytes were inserted or replaced: still valid UTF-8.
        Cow::Owned(v) => String::from_utf8(v)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    }
}

/// Removes one line end (CRLF, LF or a lone CR) from the end of `line`.
pub fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Up to `max` bytes of `bytes` as (lossy) text, for error messages quoting what a peer
/// sent.
pub fn excerpt(bytes: &[u8], max: usize) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(max)]).into_owned()
}

/// `s` between double quotes for a message, with `"` and `\` escaped and every character
/// that would not show (control, bidirectional and zero-width characters) written as
/// `\r`, `\n`, `\t` or `<U+XXXX>`.
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control()
                || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
                    | '\u{2066}'..='\u{2069}' | '\u{feff}') =>
            {
                out.push_str(&format!("<U+{:04X}>", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Decodes the `%XX` escapes of a URL component (a malformed escape is kept as written;
/// invalid UTF-8 is replaced). `+` stays `+`.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (
                b.get(i + 1).and_then(|c| (*c as char).to_digit(16)),
                b.get(i + 2).and_then(|c| (*c as char).to_digit(16)),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_percent_escapes() {
        let shown = quoted("abc é, a\"b\\c, x\r\n\t\u{7}\u{202e}y");
        let want = r#""abc é, a\"b\\c, x\r\n\t<U+0007><U+202E>y""#;
        assert_eq!(shown, want);
        let decoded = percent_decode("p%40ss%3Aw%2Fd+x 100% %zz%4 %C3%A9");
        assert_eq!(decoded, "p@ss:w/d+x 100% %zz%4 é");
    }

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
    fn lines_split_on_every_line_end() {
        let got: Vec<(&[u8], bool)> = lines(b"a\r\nb\rc\n\r\nd").collect();
        assert_eq!(
            got,
            [
                (&b"a"[..], true),
                (b"b", true),
                (b"c", true),
                (b"", true),
                (b"d", false)
            ]
        );
        assert_eq!(lines(b"").count(), 0);
        assert_eq!(lines(b"x\r\n").collect::<Vec<_>>(), [(&b"x"[..], true)]);
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
        assert_eq!(normalize_crlf_string("a\nb\r".into()), "a\r\nb\r\n");
        assert_eq!(normalize_crlf_string("é\r\n".into()), "é\r\n");
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
        let mut rng = crate::test_rng::Rng::new(12345);
        for len in 0..300 {
            for _ in 0..20 {
                // Mostly 'x', a line-end character one time in nine.
                let mut d: Vec<u8> = (0..len)
                    .map(|_| {
                        if rng.below(9) == 0 {
                            *rng.pick(b"a\r\n")
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
    fn trim() {
        for (line, want) in [
            (&b"a\r\n"[..], &b"a"[..]),
            (b"a\n", b"a"),
            (b"a", b"a"),
            (b"a\r", b"a"),
            (b"a\r\r\n", b"a\r"),
        ] {
            assert_eq!(trim_line_end(line), want, "{line:?}");
        }
    }

    #[test]
    fn excerpts() {
        assert_eq!(excerpt(b"caf\xe9 ok", 4), "caf\u{fffd}");
        assert_eq!(excerpt(b"ab", 200), "ab");
    }
}
