//! Sans-IO SMTP reply parser (RFC 5321 4.2): lines "250-text" / "250 text" are fed one
//! at a time (line end removed or not) and complete replies come out. Also the EHLO
//! capability list. No I/O here.

use crate::error::{Error, Result, WD_E};
use crate::limits::MAX_REPLY_LINES;
use crate::text;
use crate::text::quoted;

/// One complete server reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// Three-digit code (200..=599).
    pub code: u16,
    /// RFC 3463 enhanced status code of the first line ("5.1.1"), when present.
    pub enhanced: Option<String>,
    /// Text of each line after "NNN-" / "NNN " (enhanced code kept, as sent).
    pub lines: Vec<String>,
}

impl Reply {
    /// 2xx.
    pub fn is_positive(&self) -> bool {
        (200..300).contains(&self.code)
    }

    /// 3xx (more input expected: 334 AUTH challenge, 354 DATA).
    pub fn is_intermediate(&self) -> bool {
        (300..400).contains(&self.code)
    }

    /// 4xx.
    pub fn is_transient(&self) -> bool {
        (400..500).contains(&self.code)
    }

    /// 5xx.
    pub fn is_permanent(&self) -> bool {
        self.code >= 500
    }

    /// Text of the first line (the 334 challenge, the greeting).
    pub fn first_text(&self) -> &str {
        self.lines.first().map(String::as_str).unwrap_or("")
    }

    /// The reply on one line as the server sent it ("550 5.1.1 text"); the lines of a
    /// multi-line reply are joined by " / ".
    pub fn one_line(&self) -> String {
        let mut s = self.code.to_string();
        let text: Vec<&str> = self
            .lines
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .collect();
        if !text.is_empty() {
            s.push(' ');
            s.push_str(&text.join(" / "));
        }
        s
    }
}

impl std::fmt::Display for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.one_line())
    }
}

fn malformed(line: &[u8]) -> Error {
    let shown: String = text::excerpt(line, 200)
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    Error::new(
        WD_E::Protocol,
        format!("malformed reply: {}", quoted(&shown)),
    )
    .with_system(shown)
}

/// Parses "X.Y.Z" at the start of `text` (class 2, 4 or 5; RFC 3463 lengths).
fn enhanced_code(text: &str) -> Option<String> {
    let word = text.split(' ').next()?;
    let mut parts = word.split('.');
    let class = parts.next()?;
    let subject = parts.next()?;
    let detail = parts.next()?;
    if parts.next().is_some() {
        return None;
    }
    let digits = |s: &str, max: usize| {
        !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
    };
    if matches!(class, "2" | "4" | "5") && digits(subject, 3) && digits(detail, 3) {
        Some(word.to_string())
    } else {
        None
    }
}

/// Accumulates reply lines until a reply is complete.
#[derive(Debug, Default)]
pub struct ReplyParser {
    code: Option<u16>,
    lines: Vec<String>,
}

impl ReplyParser {
    pub fn new() -> ReplyParser {
        ReplyParser::default()
    }

    /// True when a multi-line reply has started but not ended.
    pub fn in_progress(&self) -> bool {
        self.code.is_some()
    }

    /// Feeds one line (a trailing CRLF or LF is ignored). Returns the reply when this
    /// line ends it. Errors ([`WD_E::Protocol`] "malformed reply: ..."): no three-digit
    /// code 200..=599, a fourth character other than ' ' or '-', a code that changes
    /// inside a multi-line reply, more than [`MAX_REPLY_LINES`] lines. After an error
    /// the parser is reset.
    pub fn push_line(&mut self, line: &[u8]) -> Result<Option<Reply>> {
        let r = self.push_inner(line);
        if r.is_err() {
            *self = ReplyParser::default();
        }
        r
    }

    fn push_inner(&mut self, line: &[u8]) -> Result<Option<Reply>> {
        let line = text::trim_line_end(line);
        if line.len() < 3 || !line[..3].iter().all(u8::is_ascii_digit) {
            return Err(malformed(line));
        }
        let code = u16::from(line[0] - b'0') * 100
            + u16::from(line[1] - b'0') * 10
            + u16::from(line[2] - b'0');
        if !(200..600).contains(&code) {
            return Err(malformed(line));
        }
        let (last, text) = match line.get(3) {
            None => (true, &line[3..]),
            Some(b' ') => (true, &line[4..]),
            Some(b'-') => (false, &line[4..]),
            Some(_) => return Err(malformed(line)),
        };
        if let Some(c) = self.code
            && c != code
        {
            return Err(malformed(line));
        }
        if self.lines.len() >= MAX_REPLY_LINES {
            return Err(Error::new(
                WD_E::Protocol,
                format!("malformed reply: more than {MAX_REPLY_LINES} lines"),
            ));
        }
        self.code = Some(code);
        self.lines.push(String::from_utf8_lossy(text).into_owned());
        if !last {
            return Ok(None);
        }
        let lines = std::mem::take(&mut self.lines);
        self.code = None;
        let enhanced = lines.first().and_then(|l| enhanced_code(l));
        Ok(Some(Reply {
            code,
            enhanced,
            lines,
        }))
    }
}

/// Parses every reply in `data` (lines ended by CRLF or LF), each line as the client
/// reads it (the connection removes its line end, [`ReplyParser::push_line`] one more).
/// A last reply left unfinished is an error. Used by tests and the fuzz loop.
pub fn parse_all(data: &[u8]) -> Result<Vec<Reply>> {
    let mut p = ReplyParser::new();
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let (line, next) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (text::trim_line_end(&rest[..=i]), &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        rest = next;
        if let Some(r) = p.push_line(line)? {
            out.push(r);
        }
    }
    if p.in_progress() {
        return Err(Error::new(
            WD_E::Protocol,
            "malformed reply: multi-line reply cut short",
        ));
    }
    Ok(out)
}

/// What the server advertised in its EHLO reply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// False after a HELO fall-back (no extension at all).
    pub esmtp: bool,
    pub pipelining: bool,
    pub chunking: bool,
    pub eight_bit_mime: bool,
    pub smtputf8: bool,
    pub starttls: bool,
    pub enhanced_status_codes: bool,
    /// Delivery status notifications (RFC 3461).
    pub dsn: bool,
    /// Advertised SIZE limit; `None` when absent or 0 (no limit).
    pub size: Option<u64>,
    /// SASL mechanisms of the AUTH line(s), upper case.
    pub auth: Vec<String>,
}

impl Capabilities {
    /// Reads the extension lines of an EHLO reply (the first line is the greeting).
    pub fn from_ehlo(reply: &Reply) -> Capabilities {
        let mut c = Capabilities {
            esmtp: true,
            ..Capabilities::default()
        };
        for line in reply.lines.iter().skip(1) {
            let mut words = line.split_ascii_whitespace();
            let Some(kw) = words.next() else { continue };
            // "AUTH=PLAIN LOGIN" is an old spelling of some servers.
            let (kw, first_param) = match kw.split_once('=') {
                Some((k, p)) => (k.to_ascii_uppercase(), Some(p)),
                None => (kw.to_ascii_uppercase(), None),
            };
            let params: Vec<&str> = first_param.into_iter().chain(words).collect();
            match kw.as_str() {
                "PIPELINING" => c.pipelining = true,
                "CHUNKING" => c.chunking = true,
                "8BITMIME" => c.eight_bit_mime = true,
                "SMTPUTF8" => c.smtputf8 = true,
                "STARTTLS" => c.starttls = true,
                "ENHANCEDSTATUSCODES" => c.enhanced_status_codes = true,
                "DSN" => c.dsn = true,
                "SIZE" => {
                    c.size = params
                        .first()
                        .and_then(|p| p.parse::<u64>().ok())
                        .filter(|&n| n > 0)
                }
                "AUTH" => {
                    for p in params {
                        let m = p.to_ascii_uppercase();
                        if !c.auth.contains(&m) {
                            c.auth.push(m);
                        }
                    }
                }
                _ => {}
            }
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(text: &str) -> Vec<Vec<u8>> {
        vec![
            text.replace('\n', "\r\n").into_bytes(),
            text.as_bytes().to_vec(),
        ]
    }

    #[test]
    fn single_line() {
        for data in both("250 2.1.0 Ok\n") {
            let r = parse_all(&data).unwrap();
            assert_eq!(r.len(), 1);
            assert_eq!(r[0].code, 250);
            assert_eq!(r[0].enhanced.as_deref(), Some("2.1.0"));
            assert_eq!(r[0].lines, vec!["2.1.0 Ok"]);
            assert!(r[0].is_positive());
            assert_eq!(r[0].one_line(), "250 2.1.0 Ok");
        }
    }

    #[test]
    fn multi_line_ehlo() {
        let text = "250-mail.example\n250-PIPELINING\n250-SIZE 10240000\n250-AUTH PLAIN LOGIN cram-md5\n250-AUTH=XOAUTH2\n250-8BITMIME\n250-SMTPUTF8\n250-STARTTLS\n250-ENHANCEDSTATUSCODES\n250 CHUNKING\n";
        for data in both(text) {
            let r = parse_all(&data).unwrap();
            assert_eq!(r.len(), 1);
            assert_eq!(r[0].lines.len(), 10);
            assert_eq!(r[0].enhanced, None);
            let c = Capabilities::from_ehlo(&r[0]);
            assert!(c.esmtp && c.pipelining && c.chunking && c.eight_bit_mime);
            assert!(c.smtputf8 && c.starttls && c.enhanced_status_codes);
            assert_eq!(c.size, Some(10_240_000));
            assert_eq!(c.auth, vec!["PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2"]);
        }
    }

    #[test]
    fn size_zero_means_no_limit() {
        let r = parse_all(b"250-x\r\n250 SIZE 0\r\n").unwrap();
        assert_eq!(Capabilities::from_ehlo(&r[0]).size, None);
        let r = parse_all(b"250-x\r\n250 SIZE\r\n").unwrap();
        assert_eq!(Capabilities::from_ehlo(&r[0]).size, None);
    }

    #[test]
    fn bare_code_and_several_replies() {
        for data in
            both("250\n354 End data with <CR><LF>.<CR><LF>\n550-5.1.1 no\n550 5.1.1 such user\n")
        {
            let r = parse_all(&data).unwrap();
            assert_eq!(r.len(), 3);
            assert_eq!(r[0].lines, vec![""]);
            assert_eq!(r[0].one_line(), "250");
            assert!(r[1].is_intermediate());
            assert!(r[2].is_permanent());
            assert_eq!(r[2].enhanced.as_deref(), Some("5.1.1"));
            assert_eq!(r[2].one_line(), "550 5.1.1 no / 5.1.1 such user");
        }
    }

    #[test]
    fn enhanced_code_shapes() {
        assert_eq!(enhanced_code("4.7.0 try later"), Some("4.7.0".into()));
        assert_eq!(enhanced_code("5.7.139 x"), Some("5.7.139".into()));
        assert_eq!(enhanced_code("3.1.1 x"), None);
        assert_eq!(enhanced_code("2.1 x"), None);
        assert_eq!(enhanced_code("2.1.0.1 x"), None);
        assert_eq!(enhanced_code("Ok"), None);
        assert_eq!(enhanced_code(""), None);
    }

    #[test]
    fn malformed_replies() {
        for (bad, why) in [
            (&b"hello\r\n"[..], "no code"),
            (b"25\r\n", "a code of two digits"),
            (b"2500 x\r\n", "a code of four digits"),
            (b"250x\r\n", "no separator after the code"),
            (b"199 x\r\n", "a code below 200"),
            (b"600 x\r\n", "a code above 599"),
            (b"\r\n", "an empty line"),
            (
                b"250-a\r\n251 b\r\n",
                "a multi-line reply changing its code",
            ),
            (b"250-a\r\n", "a multi-line reply without its last line"),
        ] {
            let e = parse_all(bad).unwrap_err();
            assert_eq!(e.code, WD_E::Protocol, "{why}: {bad:?}");
            assert!(e.message.starts_with("malformed reply"), "{}", e.message);
        }
    }

    #[test]
    fn parser_resets_after_error() {
        let mut p = ReplyParser::new();
        assert!(p.push_line(b"250-a").unwrap().is_none());
        assert!(p.push_line(b"xyz").is_err());
        assert!(!p.in_progress());
        let r = p.push_line(b"221 bye").unwrap().unwrap();
        assert_eq!(r.lines, vec!["bye"]);
    }

    #[test]
    fn line_count_limit() {
        let mut p = ReplyParser::new();
        for _ in 0..MAX_REPLY_LINES {
            assert!(p.push_line(b"250-x").unwrap().is_none());
        }
        let e = p.push_line(b"250 x").unwrap_err();
        assert!(e.message.contains("more than"), "{}", e.message);
    }

    #[test]
    fn invalid_utf8_kept_lossy() {
        let r = parse_all(b"550 caf\xe9\r\n").unwrap();
        assert_eq!(r[0].lines[0], "caf\u{fffd}");
    }

    /// Seeded random bytes and mutated valid replies: never a panic, only Ok or a
    /// Protocol error.
    #[test]
    fn random_input_never_panics() {
        let mut rng = crate::test_rng::Rng::new(0x5eed_1234_abcd_0001);
        let base: &[u8] = b"250-mail\r\n250-SIZE 100\r\n250 AUTH PLAIN\r\n550 5.1.1 no\r\n";
        for i in 0..20_000 {
            let mut data: Vec<u8> = if i % 2 == 0 {
                // Biased towards the interesting bytes.
                (0..rng.below(64))
                    .map(|_| rng.byte_from(b"0123456789 -\r\n."))
                    .collect()
            } else {
                base.to_vec()
            };
            for _ in 0..rng.below(4) {
                let pos = rng.below(data.len());
                if pos < data.len() {
                    data[pos] = rng.next() as u8;
                }
            }
            match parse_all(&data) {
                Ok(replies) => {
                    for r in replies {
                        assert!((200..600).contains(&r.code));
                        let _ = Capabilities::from_ehlo(&r);
                        let _ = r.one_line();
                    }
                }
                Err(e) => assert_eq!(e.code, WD_E::Protocol),
            }
        }
    }
}
