//! Small total codecs shared by the parser and the builder: charset fallback, transfer
//! encodings and encoded words (line ends and dates are in [`crate::text`]). Nothing here
//! panics on any input.

use base64::Engine;

/// Windows-1252 code points of bytes 0x80..=0x9F (the rest of the range is Latin-1).
const CP1252_HIGH: [char; 32] = [
    '\u{20AC}', '\u{81}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{8D}', '\u{017D}', '\u{8F}',
    '\u{90}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{9D}', '\u{017E}', '\u{0178}',
];

/// Decodes Windows-1252 (a superset of the printable Latin-1 range).
pub fn cp1252(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => CP1252_HIGH[(b - 0x80) as usize],
            _ => b as char,
        })
        .collect()
}

/// UTF-8 when the bytes are valid UTF-8, else Windows-1252 (undeclared 8-bit data).
pub fn utf8_or_cp1252(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => cp1252(bytes),
    }
}

/// Decodes `bytes` declared in `charset` (None when undeclared). UTF-8, US-ASCII, unknown
/// and undeclared charsets are read as UTF-8 when valid, else as Windows-1252.
pub fn decode_charset(bytes: &[u8], charset: Option<&str>) -> String {
    let cs = charset
        .map(|c| c.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let utf8_like = matches!(
        cs.as_str(),
        "" | "utf-8"
            | "utf8"
            | "us-ascii"
            | "ascii"
            | "ansi_x3.4-1968"
            | "unknown-8bit"
            | "x-unknown"
    );
    if !utf8_like
        && let Some(decoder) = mail_parser::decoders::charsets::map::charset_decoder(cs.as_bytes())
    {
        return decoder(bytes);
    }
    utf8_or_cp1252(bytes)
}

fn b64_value(b: u8) -> Option<u8> {
    match b {
        b'A'..=b'Z' => Some(b - b'A'),
        b'a'..=b'z' => Some(b - b'a' + 26),
        b'0'..=b'9' => Some(b - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// Lenient base64: characters outside the alphabet are skipped, decoding stops at `=`.
pub fn decode_base64(input: &[u8]) -> Vec<u8> {
    decode_base64_canonical(input).unwrap_or_else(|| decode_base64_lenient(input))
}

/// [`decode_base64`] byte by byte (any input).
fn decode_base64_lenient(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in input {
        if b == b'=' {
            break;
        }
        let Some(v) = b64_value(b) else { continue };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// For each position of a base64 quad, the 6-bit value of each byte shifted to its place
/// in the 24-bit group; bit 31 set for a byte outside the standard alphabet.
static QUAD: [[u32; 256]; 4] = quad_tables();

const fn quad_tables() -> [[u32; 256]; 4] {
    let mut t = [[1u32 << 31; 256]; 4];
    let mut v = 0u32;
    while v < 64 {
        let ch = match v {
            0..=25 => b'A' + v as u8,
            26..=51 => b'a' + (v - 26) as u8,
            52..=61 => b'0' + (v - 52) as u8,
            62 => b'+',
            _ => b'/',
        };
        let c = ch as usize;
        t[0][c] = v << 18;
        t[1][c] = v << 12;
        t[2][c] = v << 6;
        t[3][c] = v;
        v += 1;
    }
    t
}

/// Decodes whole quads of the standard alphabet into `out` (`line.len() / 4 * 3` bytes);
/// false when a byte is outside the alphabet.
fn decode_quads(line: &[u8], out: &mut [u8]) -> bool {
    let mut bad = 0u32;
    for (q, d) in line.chunks_exact(4).zip(out.chunks_exact_mut(3)) {
        let w = QUAD[0][q[0] as usize]
            | QUAD[1][q[1] as usize]
            | QUAD[2][q[2] as usize]
            | QUAD[3][q[3] as usize];
        bad |= w;
        d[0] = (w >> 16) as u8;
        d[1] = (w >> 8) as u8;
        d[2] = w as u8;
    }
    bad >> 31 == 0
}

/// Room added to the output at a time by [`CanonicalBase64::decode_some`].
const GROW: usize = 64 * 1024;

/// Base64 in its canonical MIME form was not found: the caller decodes another way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotCanonical;

/// A decoder of base64 in canonical MIME form: lines of the standard alphabet whose
/// length is a multiple of four, separated by LF or CRLF, empty lines allowed, the last
/// non-empty line possibly ending with `=` or `==`. On such input every base64 decoder
/// (mail-parser's, [`decode_base64`]) gives the same bytes, so this fast one can stand in
/// for them; on any other input it says so ([`NotCanonical`]).
pub struct CanonicalBase64<'a> {
    rest: &'a [u8],
    padded: bool,
}

impl<'a> CanonicalBase64<'a> {
    pub fn new(input: &'a [u8]) -> Self {
        CanonicalBase64 {
            rest: input,
            padded: false,
        }
    }

    /// True when every line has been decoded.
    pub fn is_done(&self) -> bool {
        self.rest.is_empty()
    }

    /// Decodes whole lines after `out` until it holds at least `limit` bytes or the
    /// input ends.
    pub fn decode_some(&mut self, out: &mut Vec<u8>, limit: usize) -> Result<(), NotCanonical> {
        let mut filled = out.len();
        let r = self.decode_lines(out, &mut filled, limit);
        out.truncate(filled);
        r
    }

    /// [`Self::decode_some`] into `out[..filled]`, `out` grown [`GROW`] bytes at a time.
    fn decode_lines(
        &mut self,
        out: &mut Vec<u8>,
        filled: &mut usize,
        limit: usize,
    ) -> Result<(), NotCanonical> {
        while !self.rest.is_empty() && *filled < limit {
            let (line, rest) = match crate::text::find_byte(self.rest, b'\n') {
                Some(i) => (&self.rest[..i], &self.rest[i + 1..]),
                None => (self.rest, &self.rest[self.rest.len()..]),
            };
            self.rest = rest;
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.is_empty() {
                continue;
            }
            if self.padded || line.len() % 4 != 0 {
                return Err(NotCanonical);
            }
            let n = line.len() / 4 * 3;
            if *filled + n > out.len() {
                out.resize((*filled + n).max(out.len() + GROW), 0);
            }
            let pad = line.iter().rev().take(2).filter(|&&b| b == b'=').count();
            let (whole, last) = line.split_at(line.len() - if pad > 0 { 4 } else { 0 });
            let dst = &mut out[*filled..*filled + whole.len() / 4 * 3];
            if !decode_quads(whole, dst) {
                return Err(NotCanonical);
            }
            *filled += dst.len();
            if pad > 0 {
                // "xy==" gives one byte, "xyz=" two (RFC 4648 §4).
                let keep = 3 - pad;
                let mut w = 0u32;
                for (i, &b) in last[..4 - pad].iter().enumerate() {
                    w |= QUAD[i][b as usize];
                }
                if w >> 31 != 0 || last[..keep + 1].contains(&b'=') {
                    return Err(NotCanonical);
                }
                out[*filled..*filled + keep].copy_from_slice(&w.to_be_bytes()[1..1 + keep]);
                *filled += keep;
                self.padded = true;
            }
        }
        Ok(())
    }
}

/// `input` decoded when it is base64 in canonical MIME form (see [`CanonicalBase64`]).
pub fn decode_base64_canonical(input: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len() / 4 * 3);
    CanonicalBase64::new(input)
        .decode_some(&mut out, usize::MAX)
        .ok()?;
    Some(out)
}

fn hex_value(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Quoted-printable (RFC 2045 §6.7): `=XX`, soft breaks `=` + line end (CRLF or LF), and
/// trailing white space of each line removed. Malformed `=` sequences are kept as is.
/// Hard line breaks come out as CRLF.
pub fn decode_qp(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut hard_break_pending = false;
    for line in input.split(|&b| b == b'\n') {
        if hard_break_pending {
            out.extend_from_slice(b"\r\n");
        }
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let mut end = line.len();
        while end > 0 && (line[end - 1] == b' ' || line[end - 1] == b'\t') {
            end -= 1;
        }
        let line = &line[..end];
        let mut i = 0;
        hard_break_pending = true;
        while i < line.len() {
            let b = line[i];
            if b == b'=' {
                if i + 1 == line.len() {
                    hard_break_pending = false;
                    break;
                }
                let hi = line.get(i + 1).copied().and_then(hex_value);
                let lo = line.get(i + 2).copied().and_then(hex_value);
                if let (Some(h), Some(l)) = (hi, lo) {
                    out.push((h << 4) | l);
                    i += 3;
                    continue;
                }
            }
            out.push(b);
            i += 1;
        }
    }
    out
}

/// Decodes a transfer encoding by name (`base64`, `quoted-printable`, anything else: as is).
pub fn decode_transfer(input: &[u8], encoding: mail_parser::Encoding) -> Vec<u8> {
    match encoding {
        mail_parser::Encoding::Base64 => decode_base64(input),
        mail_parser::Encoding::QuotedPrintable => decode_qp(input),
        mail_parser::Encoding::None => input.to_vec(),
    }
}

/// Base64 in lines of 76 characters separated by CRLF, without a final line end.
pub fn encode_base64_lines(data: &[u8]) -> Vec<u8> {
    let enc = base64::engine::general_purpose::STANDARD.encode(data);
    let mut out = Vec::with_capacity(enc.len() + enc.len() / 38 + 2);
    for (i, chunk) in enc.as_bytes().chunks(76).enumerate() {
        if i > 0 {
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(chunk);
    }
    out
}

/// Quoted-printable of a text whose line ends are CRLF: lines are kept as hard breaks,
/// long lines get soft breaks so no encoded line exceeds 76 characters; no final line end
/// is added.
pub fn encode_qp(text: &[u8]) -> Vec<u8> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = Vec::with_capacity(text.len() * 11 / 10);
    let lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
    let count = lines.len();
    for (n, raw_line) in lines.into_iter().enumerate() {
        let line = if n + 1 < count {
            raw_line.strip_suffix(b"\r").unwrap_or(raw_line)
        } else {
            raw_line
        };
        let mut col = 0usize;
        for (i, &b) in line.iter().enumerate() {
            let last = i + 1 == line.len();
            let literal = match b {
                b'=' => false,
                b' ' | b'\t' => !last,
                // A dot at the start of a line is encoded so SMTP dot-stuffing never matters.
                b'.' => col != 0,
                33..=126 => true,
                _ => false,
            };
            let width = if literal { 1 } else { 3 };
            if col + width > 75 {
                out.extend_from_slice(b"=\r\n");
                col = 0;
            }
            if literal {
                out.push(b);
            } else {
                out.extend_from_slice(&[b'=', HEX[(b >> 4) as usize], HEX[(b & 15) as usize]]);
            }
            col += width;
        }
        if n + 1 < count {
            out.extend_from_slice(b"\r\n");
        }
    }
    out
}

/// RFC 2047 encoded words (UTF-8) for `text`, each at most 75 characters, never splitting a
/// character. Q encoding when the text is mostly ASCII, else B.
pub fn encoded_words(text: &str) -> Vec<String> {
    let non_ascii = text.bytes().filter(|b| !b.is_ascii()).count();
    let use_q = non_ascii * 3 <= text.len();
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut cur_bytes: Vec<u8> = Vec::new();
    // Encoded payload limit: 75 - len("=?utf-8?X?") - len("?=") = 63.
    const PAYLOAD: usize = 63;
    let flush = |cur_bytes: &mut Vec<u8>, cur: &mut String, words: &mut Vec<String>| {
        if cur_bytes.is_empty() {
            return;
        }
        if use_q {
            words.push(format!("=?utf-8?Q?{cur}?="));
        } else {
            let b = base64::engine::general_purpose::STANDARD.encode(&*cur_bytes);
            words.push(format!("=?utf-8?B?{b}?="));
        }
        cur.clear();
        cur_bytes.clear();
    };
    let mut buf = [0u8; 4];
    for c in text.chars() {
        let bytes = c.encode_utf8(&mut buf).as_bytes();
        let piece = if use_q {
            q_encode(bytes)
        } else {
            String::new()
        };
        let len_after = if use_q {
            cur.len() + piece.len()
        } else {
            (cur_bytes.len() + bytes.len()).div_ceil(3) * 4
        };
        if len_after > PAYLOAD {
            flush(&mut cur_bytes, &mut cur, &mut words);
        }
        cur.push_str(&piece);
        cur_bytes.extend_from_slice(bytes);
    }
    flush(&mut cur_bytes, &mut cur, &mut words);
    words
}

fn q_encode(bytes: &[u8]) -> String {
    let mut s = String::new();
    for &b in bytes {
        match b {
            b' ' => s.push('_'),
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'!' | b'*' | b'+' | b'-' | b'/' => {
                s.push(b as char)
            }
            _ => s.push_str(&format!("={b:02X}")),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_lenient() {
        assert_eq!(decode_base64(b"SGVs\r\nbG8=\r\n"), b"Hello");
        assert_eq!(decode_base64(b"SGVsbG8"), b"Hello");
        assert_eq!(decode_base64(b"!!**"), b"");
        let all: Vec<u8> = (0..=255u8).collect();
        assert_eq!(decode_base64(&encode_base64_lines(&all)), all);
    }

    #[test]
    fn canonical_base64_matches_the_lenient_decoder() {
        let data: Vec<u8> = (0..3000u32).map(|i| (i * 7 + i / 13) as u8).collect();
        for len in [0, 1, 2, 3, 56, 57, 58, 59, 300, 3000] {
            let enc = encode_base64_lines(&data[..len]);
            for form in [
                enc.clone(),
                String::from_utf8_lossy(&enc).replace("\r\n", "\n").into(),
            ] {
                let mut with_end = form.clone();
                with_end.extend_from_slice(b"\r\n\r\n");
                for input in [form, with_end] {
                    assert_eq!(
                        decode_base64_canonical(&input).as_deref(),
                        Some(&data[..len])
                    );
                    assert_eq!(decode_base64_lenient(&input), &data[..len]);
                }
            }
        }
        // Anything else is left to the exact decoders.
        let odd = "SGVsbG8|SGVs bG8=|SGVs\r\nbG8=\r\nQQ==|QQ==QUJD|S-Vs|SG=s";
        for input in odd.split('|') {
            assert_eq!(decode_base64_canonical(input.as_bytes()), None, "{input:?}");
        }
        // In pieces, the same bytes.
        let enc = encode_base64_lines(&data);
        let mut d = CanonicalBase64::new(&enc);
        let (mut all, mut out) = (Vec::new(), Vec::new());
        while !d.is_done() {
            out.clear();
            d.decode_some(&mut out, 100).unwrap();
            all.extend_from_slice(&out);
        }
        assert_eq!(all, data);
    }

    #[test]
    fn qp() {
        assert_eq!(
            decode_qp(b"caf=C3=A9 =\r\nsuite  \r\nfin"),
            "café suite\r\nfin".as_bytes()
        );
        assert_eq!(decode_qp(b"a=\nb\nc"), b"ab\r\nc");
        assert_eq!(decode_qp(b"bad =ZZ end="), b"bad =ZZ end");
        let text = "é".repeat(60) + "\r\n.start\r\nend with space \r\n" + &"x".repeat(200);
        let enc = encode_qp(text.as_bytes());
        for line in enc.split(|&b| b == b'\n') {
            assert!(line.len() <= 77, "{}", line.len());
        }
        assert_eq!(decode_qp(&enc), text.as_bytes());
        let bin: Vec<u8> = (0..=255u8).collect();
        let mut expected = bin.clone();
        expected.insert(10, b'\r');
        assert_eq!(decode_qp(&encode_qp(&bin)), expected);
    }

    #[test]
    fn charsets() {
        assert_eq!(cp1252(b"\x80 caf\xe9"), "€ café");
        assert_eq!(decode_charset(b"caf\xe9", None), "café");
        assert_eq!(decode_charset("café".as_bytes(), Some("us-ascii")), "café");
        assert_eq!(decode_charset(b"caf\xe9", Some("UTF-8")), "café");
        assert_eq!(decode_charset(b"\xa4", Some("iso-8859-15")), "€");
        assert_eq!(decode_charset(b"caf\xe9", Some("x-nonsense")), "café");
    }

    #[test]
    fn words() {
        let w = encoded_words("Réunion à 10h");
        assert_eq!(w, vec!["=?utf-8?Q?R=C3=A9union_=C3=A0_10h?="]);
        let long = "日本語".repeat(30);
        let w = encoded_words(&long);
        assert!(w.len() > 1);
        assert!(
            w.iter()
                .all(|x| x.len() <= 75 && x.starts_with("=?utf-8?B?"))
        );
    }
}
