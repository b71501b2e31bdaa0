//! Small total codecs shared by the parser and the builder: charset fallback, transfer
//! encodings, line ends, encoded words and dates. Nothing here panics on any input.

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

/// Every line end (CRLF, LF or a lone CR) becomes CRLF.
pub fn normalize_crlf(s: &str) -> String {
    normalize_crlf_owned(s.to_owned())
}

/// [`normalize_crlf`] taking the string: returned as is when already clean (the usual
/// case for a received body), without a per-character copy.
pub fn normalize_crlf_owned(s: String) -> String {
    match crate::net::normalize_crlf(s.as_bytes()) {
        std::borrow::Cow::Borrowed(_) => s,
        // Only ASCII CR/LF bytes were inserted or replaced: still valid UTF-8.
        std::borrow::Cow::Owned(v) => String::from_utf8(v)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    }
}

/// Same as `normalize_crlf` on bytes.
pub fn normalize_crlf_bytes(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() + s.len() / 32);
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'\r' => {
                if s.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                out.extend_from_slice(b"\r\n");
            }
            b'\n' => out.extend_from_slice(b"\r\n"),
            b => out.push(b),
        }
        i += 1;
    }
    out
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

/// A date and time with its UTC offset in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub offset_minutes: i32,
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

impl DateTime {
    /// The current time in UTC.
    pub fn now_utc() -> DateTime {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        let (year, month, day) = civil_from_days(days);
        DateTime {
            year,
            month,
            day,
            hour: (rem / 3600) as u32,
            minute: (rem / 60 % 60) as u32,
            second: (rem % 60) as u32,
            offset_minutes: 0,
        }
    }

    /// Strict RFC 3339: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`; `t`, `z` and a space as the
    /// separator are accepted. Fractions of a second are dropped.
    pub fn parse_rfc3339(s: &str) -> Option<DateTime> {
        let b = s.trim().as_bytes();
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = b.get(r)?;
            if part.iter().all(u8::is_ascii_digit) {
                std::str::from_utf8(part).ok()?.parse().ok()
            } else {
                None
            }
        };
        if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
            return None;
        }
        if !matches!(b[10], b'T' | b't' | b' ') {
            return None;
        }
        let dt = DateTime {
            year: num(0..4)? as i64,
            month: num(5..7)?,
            day: num(8..10)?,
            hour: num(11..13)?,
            minute: num(14..16)?,
            second: num(17..19)?,
            offset_minutes: 0,
        };
        let mut i = 19;
        if b[i] == b'.' {
            i += 1;
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i == start {
                return None;
            }
        }
        let offset = match b.get(i..)? {
            [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
                let h = num(i + 1..i + 3)?;
                let m = num(i + 4..i + 6)?;
                if h > 23 || m > 59 {
                    return None;
                }
                let v = (h * 60 + m) as i32;
                if *sign == b'-' { -v } else { v }
            }
            _ => return None,
        };
        let dt = DateTime {
            offset_minutes: offset,
            ..dt
        };
        dt.is_valid().then_some(dt)
    }

    pub fn is_valid(self) -> bool {
        (1..=9999).contains(&self.year)
            && (1..=12).contains(&self.month)
            && self.day >= 1
            && self.day <= days_in_month(self.year, self.month)
            && self.hour <= 23
            && self.minute <= 59
            && self.second <= 60
            && self.offset_minutes.abs() < 24 * 60
    }

    fn offset_parts(self) -> (char, i32, i32) {
        let sign = if self.offset_minutes < 0 { '-' } else { '+' };
        let a = self.offset_minutes.abs();
        (sign, a / 60, a % 60)
    }

    /// `2024-03-01T10:20:30+01:00` (the offset is always written as ±HH:MM).
    pub fn to_rfc3339(self) -> String {
        let (sign, oh, om) = self.offset_parts();
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{sign}{oh:02}:{om:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// `Fri, 01 Mar 2024 10:20:30 +0100` (RFC 5322 §3.3).
    pub fn to_rfc5322(self) -> String {
        const DOW: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
        const MON: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let days = days_from_civil(self.year, self.month, self.day);
        let dow = DOW[days.rem_euclid(7) as usize];
        let mon = MON
            .get(self.month.saturating_sub(1) as usize)
            .unwrap_or(&"Jan");
        let (sign, oh, om) = self.offset_parts();
        format!(
            "{dow}, {:02} {mon} {:04} {:02}:{:02}:{:02} {sign}{oh:02}{om:02}",
            self.day, self.year, self.hour, self.minute, self.second
        )
    }

    /// From a date parsed by mail-parser; None when out of range.
    pub fn from_parsed(d: &mail_parser::DateTime) -> Option<DateTime> {
        let off = d.tz_hour as i32 * 60 + d.tz_minute as i32;
        let dt = DateTime {
            year: d.year as i64,
            month: d.month as u32,
            day: d.day as u32,
            hour: d.hour as u32,
            minute: d.minute as u32,
            second: d.second as u32,
            offset_minutes: if d.tz_before_gmt { -off } else { off },
        };
        dt.is_valid().then_some(dt)
    }
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

    #[test]
    fn dates() {
        let d = DateTime::parse_rfc3339("2024-03-01T10:20:30+01:00").unwrap();
        assert_eq!(d.to_rfc5322(), "Fri, 01 Mar 2024 10:20:30 +0100");
        assert_eq!(d.to_rfc3339(), "2024-03-01T10:20:30+01:00");
        let d = DateTime::parse_rfc3339("1999-12-31t23:59:59.123z").unwrap();
        assert_eq!(d.to_rfc5322(), "Fri, 31 Dec 1999 23:59:59 +0000");
        let d = DateTime::parse_rfc3339("2000-02-29 00:00:00-09:30").unwrap();
        assert_eq!(d.to_rfc5322(), "Tue, 29 Feb 2000 00:00:00 -0930");
        for bad in [
            "",
            "2024-03-01",
            "2024-02-30T00:00:00Z",
            "2023-13-01T00:00:00Z",
            "2024-03-01T24:00:00Z",
            "2024-03-01T10:20:30",
            "2024-03-01T10:20:30+0100",
            "2024-03-01T10:20:30+25:00",
            "Fri, 01 Mar 2024 10:20:30 +0100",
            "2024-03-01T10:20:30.Z",
            "２０２４-03-01T10:20:30Z",
        ] {
            assert!(DateTime::parse_rfc3339(bad).is_none(), "{bad}");
        }
        let now = DateTime::now_utc();
        assert!(now.is_valid() && now.year >= 2024);
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        assert_eq!(days_from_civil(1970, 1, 1), 0);
    }
}
