//! POP3 response parsing, sans-IO (RFC 1939, RFC 2449 CAPA and RESP-CODES, RFC 5034 SASL).
//!
//! Every function takes bytes already read by the caller (a status line without its line
//! end, or the body of a multi-line response as returned by [`super::dot::read_body`]) and never
//! panics, whatever the input. Lines may end in CRLF or a bare LF.

use crate::error::{Error, Result, WD_E};
use crate::limits::MAX_REPLY_LINES;
use crate::text;

/// One status line from the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// `+OK text`.
    Ok(String),
    /// `-ERR text` (the text may start with a `[RESP-CODE]`).
    Err(String),
    /// `+ base64` (a SASL challenge, RFC 5034); the text may be empty.
    Continue(String),
}

impl Status {
    pub fn is_ok(&self) -> bool {
        matches!(self, Status::Ok(_))
    }
}

fn text_after(line: &[u8], n: usize) -> String {
    let rest = line.get(n..).unwrap_or_default();
    let rest = rest.strip_prefix(b" ").unwrap_or(rest);
    String::from_utf8_lossy(rest).into_owned()
}

/// Parses a status line (`+OK`, `-ERR`, or a `+` SASL continuation). The status keywords
/// are case-insensitive. Anything else is [`WD_E::Protocol`] with the line as the reply.
pub fn parse_status(line: &[u8]) -> Result<Status> {
    let line = text::trim_line_end(line);
    let starts = |p: &[u8]| line.len() >= p.len() && line[..p.len()].eq_ignore_ascii_case(p);
    let word_end = |n: usize| line.len() == n || line[n] == b' ' || line[n] == b'\t';
    if starts(b"+OK") && word_end(3) {
        return Ok(Status::Ok(text_after(line, 3)));
    }
    if starts(b"-ERR") && word_end(4) {
        return Ok(Status::Err(text_after(line, 4)));
    }
    if line == b"+" || line.starts_with(b"+ ") {
        return Ok(Status::Continue(text_after(line, 1)));
    }
    let shown = text::excerpt(line, 200);
    Err(Error::new(WD_E::Protocol, format!("unexpected POP3 reply: {shown}")).with_system(shown))
}

/// The `[RESP-CODE]` at the start of an `-ERR` text (RFC 2449), e.g. `AUTH`, `IN-USE`,
/// `SYS/TEMP`.
pub fn resp_code(text: &str) -> Option<&str> {
    let rest = text.strip_prefix('[')?;
    let end = rest.find(']')?;
    let code = &rest[..end];
    if code.is_empty() || code.contains(' ') {
        None
    } else {
        Some(code)
    }
}

/// Splits a multi-line body into its non-empty lines, without line ends (CRLF or LF).
pub fn body_lines(body: &[u8]) -> impl Iterator<Item = &[u8]> {
    body.split(|&b| b == b'\n')
        .map(text::trim_line_end)
        .filter(|l| !l.is_empty())
}

/// Server capabilities from CAPA (RFC 2449).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// True when CAPA answered `+OK` (otherwise nothing is known).
    pub known: bool,
    pub top: bool,
    pub uidl: bool,
    pub user: bool,
    pub stls: bool,
    pub pipelining: bool,
    pub resp_codes: bool,
    /// True when the server listed SASL (even with no mechanism).
    pub sasl_listed: bool,
    /// SASL mechanism names, upper-case.
    pub sasl: Vec<String>,
}

/// Parses the body of a CAPA response. More than `MAX_REPLY_LINES` lines is
/// [`WD_E::Protocol`].
pub fn parse_capa(body: &[u8]) -> Result<Capabilities> {
    let mut c = Capabilities {
        known: true,
        ..Capabilities::default()
    };
    for (i, line) in body_lines(body).enumerate() {
        if i >= MAX_REPLY_LINES {
            return Err(Error::new(
                WD_E::Protocol,
                format!("CAPA reply has more than {MAX_REPLY_LINES} lines"),
            ));
        }
        let text = String::from_utf8_lossy(line);
        let mut words = text.split_ascii_whitespace();
        let Some(name) = words.next() else { continue };
        match name.to_ascii_uppercase().as_str() {
            "TOP" => c.top = true,
            "UIDL" => c.uidl = true,
            "USER" => c.user = true,
            "STLS" => c.stls = true,
            "PIPELINING" => c.pipelining = true,
            "RESP-CODES" => c.resp_codes = true,
            "SASL" => {
                c.sasl_listed = true;
                c.sasl.extend(words.map(|w| w.to_ascii_uppercase()));
            }
            _ => {}
        }
    }
    Ok(c)
}

/// A decimal number of ASCII digits only (no sign, no white space).
fn parse_num<T: std::str::FromStr>(s: &str) -> Option<T> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses the text of a `+OK` STAT reply: `count size`.
pub fn parse_stat(text: &str) -> Option<(u32, u64)> {
    let mut w = text.split_ascii_whitespace();
    let n = parse_num(w.next()?)?;
    let size = parse_num(w.next()?)?;
    Some((n, size))
}

fn bad_line(what: &str, line: &[u8]) -> Error {
    let shown = text::excerpt(line, 200);
    Error::new(
        WD_E::Protocol,
        format!("invalid {what} line from the server: {shown}"),
    )
    .with_system(shown)
}

/// Parses the lines `number value` of a LIST or UIDL body (`what`), numbers from 1;
/// `value` reads the second word.
fn numbered<T>(
    body: &[u8],
    what: &str,
    value: impl Fn(&str) -> Option<T>,
) -> Result<Vec<(u32, T)>> {
    let mut out = Vec::new();
    for line in body_lines(body) {
        let text = String::from_utf8_lossy(line);
        let mut w = text.split_ascii_whitespace();
        let n = w.next().and_then(parse_num).filter(|&n| n > 0);
        match (n, w.next().and_then(&value)) {
            (Some(n), Some(v)) => out.push((n, v)),
            _ => return Err(bad_line(what, line)),
        }
    }
    Ok(out)
}

/// Parses a LIST body: `number size` per line, numbers from 1.
pub fn parse_list(body: &[u8]) -> Result<Vec<(u32, u64)>> {
    numbered(body, "LIST", parse_num)
}

/// Parses a UIDL body: `number unique-id` per line (the id is 1 to 70 printable
/// characters, RFC 1939; longer ones are accepted).
pub fn parse_uidl(body: &[u8]) -> Result<Vec<(u32, String)>> {
    numbered(body, "UIDL", |uid| Some(uid.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(s: &str) -> [Vec<u8>; 2] {
        [
            s.replace('\n', "\r\n").into_bytes(),
            s.replace("\r\n", "\n").into_bytes(),
        ]
    }

    #[test]
    fn status_lines() {
        let ok = |t: &str| Status::Ok(t.into());
        let err = |t: &str| Status::Err(t.into());
        let cont = |t: &str| Status::Continue(t.into());
        for (line, want) in [
            (&b"+OK Dovecot ready."[..], ok("Dovecot ready.")),
            (b"+OK", ok("")),
            (b"+ok fine\r\n", ok("fine")),
            (
                b"-ERR [AUTH] Authentication failed.\r\n",
                err("[AUTH] Authentication failed."),
            ),
            (b"-ERR", err("")),
            (b"+ PDEyMz4=", cont("PDEyMz4=")),
            (b"+", cont("")),
            (b"+ \n", cont("")),
        ] {
            assert_eq!(parse_status(line).unwrap(), want, "{line:?}");
        }
        for bad in [&b""[..], b"OK", b"+OKAY", b"-ERROR x", b"* OK", b"250 ok"] {
            let e = parse_status(bad).unwrap_err();
            assert_eq!(e.code, WD_E::Protocol, "{bad:?}");
        }
    }

    #[test]
    fn resp_codes() {
        assert_eq!(resp_code("[IN-USE] locked"), Some("IN-USE"));
        assert_eq!(resp_code("[SYS/TEMP] try later"), Some("SYS/TEMP"));
        assert_eq!(resp_code("[AUTH]"), Some("AUTH"));
        assert_eq!(resp_code("no code"), None);
        assert_eq!(resp_code("[unterminated"), None);
        assert_eq!(resp_code("[]"), None);
    }

    #[test]
    fn capa_dovecot() {
        for body in both(
            "CAPA\nTOP\nUIDL\nRESP-CODES\nPIPELINING\nAUTH-RESP-CODE\nSTLS\nUSER\nSASL PLAIN LOGIN cram-md5 XOAUTH2 OAUTHBEARER\n",
        ) {
            let c = parse_capa(&body).unwrap();
            assert!(c.known && c.top && c.uidl && c.user && c.stls && c.pipelining);
            assert!(c.resp_codes && c.sasl_listed);
            assert_eq!(
                c.sasl,
                ["PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2", "OAUTHBEARER"]
            );
        }
        let c = parse_capa(b"").unwrap();
        assert!(c.known && !c.top && c.sasl.is_empty());
        let c = parse_capa(b"SASL\r\n\r\nIMPLEMENTATION x y\r\n").unwrap();
        assert!(c.sasl_listed && c.sasl.is_empty() && !c.stls);
    }

    #[test]
    fn capa_too_many_lines() {
        let body = "X\r\n".repeat(MAX_REPLY_LINES + 1);
        assert_eq!(
            parse_capa(body.as_bytes()).unwrap_err().code,
            WD_E::Protocol
        );
    }

    #[test]
    fn stat() {
        assert_eq!(parse_stat("2 320"), Some((2, 320)));
        assert_eq!(parse_stat("0 0 extra"), Some((0, 0)));
        assert_eq!(parse_stat("two 320"), None);
        assert_eq!(parse_stat("-1 3"), None);
        assert_eq!(parse_stat("5"), None);
    }

    #[test]
    fn list_and_uidl() {
        for body in both("1 120\n2 200\n10 5000000000\n") {
            assert_eq!(
                parse_list(&body).unwrap(),
                [(1, 120), (2, 200), (10, 5_000_000_000)]
            );
        }
        for body in both("1 000000010000abcd\n2 whatever-id\n") {
            assert_eq!(
                parse_uidl(&body).unwrap(),
                [(1, "000000010000abcd".into()), (2, "whatever-id".into())]
            );
        }
        assert!(parse_list(b"").unwrap().is_empty());
        assert!(parse_uidl(b"").unwrap().is_empty());
        assert_eq!(parse_list(b"1 x\r\n").unwrap_err().code, WD_E::Protocol);
        assert_eq!(parse_list(b"0 12\r\n").unwrap_err().code, WD_E::Protocol);
        assert_eq!(parse_uidl(b"1\r\n").unwrap_err().code, WD_E::Protocol);
    }

    /// Seeded random input through every entry point: no panic.
    #[test]
    fn random_input_never_panics() {
        let mut rng = crate::test_rng::Rng::new(0x9E37_79B9_7F4A_7C15);
        const ALPHABET: &[u8] = b"+-OKERR [] \r\n0123456789 .SASLCAPA\x00\xff\xc3";
        for _ in 0..20_000 {
            let data: Vec<u8> = (0..rng.below(64))
                .map(|_| rng.byte_from(ALPHABET))
                .collect();
            let _ = parse_status(&data);
            let _ = parse_capa(&data);
            let _ = parse_list(&data);
            let _ = parse_uidl(&data);
            let text = String::from_utf8_lossy(&data);
            let _ = parse_stat(&text);
            let _ = resp_code(&text);
        }
    }
}
