//! Sans-IO IMAP response parser: works on bytes, never on a socket.
//!
//! A response is one line, or several when it carries literals: `{N}` at a line end is
//! followed by N bytes of data, then the line goes on. [`frame`] finds where the next
//! complete response ends in a buffer (checking the limits before anything is
//! allocated); [`parse`] turns one framed response into a [`Response`]. Lines may end
//! in CRLF or a bare LF.
//!
//! Limits: [`MAX_LINE`] bytes per line, [`MAX_LITERAL`] bytes per literal (an announced
//! size above it is refused before reading or allocating), [`MAX_DEPTH`] nested
//! parenthesised lists. Every failure is a `WD_E::Protocol` error, never a panic.

use crate::error::{Error, Result, WD_E};
use crate::limits::{MAX_LINE, MAX_LITERAL};

/// Deepest nesting of parenthesised lists accepted in a response.
pub const MAX_DEPTH: usize = 32;

fn bad(what: impl Into<String>) -> Error {
    Error::new(
        WD_E::Protocol,
        format!("invalid IMAP response: {}", what.into()),
    )
}

/// Status of a tagged or untagged condition response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    No,
    Bad,
    PreAuth,
    Bye,
}

impl Status {
    fn parse(word: &[u8]) -> Option<Status> {
        Some(match word.to_ascii_uppercase().as_slice() {
            b"OK" => Status::Ok,
            b"NO" => Status::No,
            b"BAD" => Status::Bad,
            b"PREAUTH" => Status::PreAuth,
            b"BYE" => Status::Bye,
            _ => return None,
        })
    }
}

/// A parsed value of a response: atoms (including numbers, `NIL` and section specs
/// such as `BODY[HEADER]`), strings (quoted or literal, raw bytes) and lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Atom(String),
    Str(Vec<u8>),
    Nil,
    List(Vec<Value>),
}

impl Value {
    /// The atom text or string bytes as text; `None` for NIL and lists.
    pub fn text(&self) -> Option<String> {
        match self {
            Value::Atom(a) => Some(a.clone()),
            Value::Str(s) => Some(String::from_utf8_lossy(s).into_owned()),
            _ => None,
        }
    }

    /// The bytes of an atom or string; `None` for NIL and lists.
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Atom(a) => Some(a.as_bytes()),
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn number(&self) -> Option<u64> {
        match self {
            Value::Atom(a) if !a.is_empty() && a.bytes().all(|b| b.is_ascii_digit()) => {
                a.parse().ok()
            }
            _ => None,
        }
    }
}

/// The data items of one FETCH response that the client uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchData {
    pub uid: Option<u32>,
    pub flags: Option<Vec<String>>,
    pub size: Option<u64>,
    /// `BODY[]` (the whole message).
    pub body: Option<Vec<u8>>,
    /// `BODY[HEADER]`.
    pub header: Option<Vec<u8>>,
}

impl FetchData {
    /// True when FLAGS was sent and holds `\Seen`.
    pub fn seen(&self) -> Option<bool> {
        self.flags
            .as_ref()
            .map(|f| f.iter().any(|x| x.eq_ignore_ascii_case("\\Seen")))
    }

    /// True when FLAGS was sent and holds `\Deleted`.
    pub fn deleted(&self) -> bool {
        (self.flags.iter().flatten()).any(|x| x.eq_ignore_ascii_case("\\Deleted"))
    }

    /// Adds the items of a later FETCH response for the same message.
    pub fn merge(&mut self, other: FetchData) {
        if other.uid.is_some() {
            self.uid = other.uid;
        }
        if other.flags.is_some() {
            self.flags = other.flags;
        }
        if other.size.is_some() {
            self.size = other.size;
        }
        if other.body.is_some() {
            self.body = other.body;
        }
        if other.header.is_some() {
            self.header = other.header;
        }
    }
}

/// An untagged response (`* …`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Untagged {
    /// `* OK/NO/BAD/PREAUTH/BYE [code] text`.
    Cond {
        status: Status,
        code: Option<String>,
        text: String,
    },
    Capability(Vec<String>),
    Exists(u32),
    Expunge(u32),
    Fetch {
        seq: u32,
        data: FetchData,
    },
    Search(Vec<u32>),
    /// `* ESEARCH (TAG "A0005") UID ALL 1:3,5` (RFC 4731): the numbers (UIDs when `uid`)
    /// of its ALL item, in the order given; other return items are not used.
    ESearch {
        tag: Option<String>,
        uid: bool,
        all: Vec<u32>,
    },
    List {
        flags: Vec<String>,
        delimiter: Option<String>,
        /// The name as sent (modified UTF-7 or UTF-8 bytes).
        name: Vec<u8>,
    },
    /// Anything else (FLAGS, RECENT, STATUS, ENABLED…), kept as text.
    Other(String),
}

/// One server response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    Tagged {
        tag: String,
        status: Status,
        code: Option<String>,
        text: String,
    },
    Untagged(Untagged),
    /// `+ text` (a continuation request or a SASL challenge).
    Continue(String),
}

// ----- framing -------------------------------------------------------------------

/// The literal size announced at the end of a line (`{N}` or `{N+}`), line end removed.
/// A size above [`MAX_LITERAL`] is an error (nothing is allocated for it).
pub fn literal_at_end(line: &[u8]) -> Result<Option<usize>> {
    let Some(stripped) = line.strip_suffix(b"}") else {
        return Ok(None);
    };
    let Some(open) = stripped.iter().rposition(|&b| b == b'{') else {
        return Ok(None);
    };
    let mut digits = &stripped[open + 1..];
    if let Some(d) = digits.strip_suffix(b"+") {
        digits = d;
    }
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Ok(None);
    }
    if digits.len() > 19 {
        return Err(literal_too_large(&String::from_utf8_lossy(digits)));
    }
    let mut n: u64 = 0;
    for &d in digits {
        n = n * 10 + u64::from(d - b'0');
    }
    if n > MAX_LITERAL as u64 {
        return Err(literal_too_large(&n.to_string()));
    }
    Ok(Some(n as usize))
}

fn literal_too_large(n: &str) -> Error {
    Error::new(
        WD_E::Protocol,
        format!("server announced a literal of {n} bytes (limit {MAX_LITERAL})"),
    )
}

/// Finds the end of the first complete response in `buf`: `Ok(Some(len))` with the
/// length including its final line end, `Ok(None)` when more bytes are needed.
/// Errors: a line longer than [`MAX_LINE`], a literal larger than [`MAX_LITERAL`].
pub fn frame(buf: &[u8]) -> Result<Option<usize>> {
    let mut pos = 0;
    loop {
        let rest = &buf[pos..];
        let Some(nl) = rest.iter().position(|&b| b == b'\n') else {
            if rest.len() >= MAX_LINE {
                return Err(line_too_long());
            }
            return Ok(None);
        };
        if nl + 1 > MAX_LINE {
            return Err(line_too_long());
        }
        let line = trim_cr(&rest[..nl]);
        pos += nl + 1;
        match literal_at_end(line)? {
            None => return Ok(Some(pos)),
            Some(n) => {
                if buf.len() - pos < n {
                    return Ok(None);
                }
                pos += n;
            }
        }
    }
}

fn line_too_long() -> Error {
    Error::new(
        WD_E::Protocol,
        format!("line too long (> {MAX_LINE} bytes)"),
    )
}

fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

// ----- parsing -------------------------------------------------------------------

struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
    /// The literals' data when it is kept out of `b` ([`parse_split`]), in order.
    lits: Option<std::vec::IntoIter<Vec<u8>>>,
}

/// Bytes allowed in atoms, flags (`\\Seen`, `\\*`) and tags.
fn is_atom_char(c: u8) -> bool {
    c > b' ' && c != 0x7f && !matches!(c, b'(' | b')' | b'{' | b'"' | b']')
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn at_line_end(&self) -> bool {
        matches!(self.peek(), None | Some(b'\r') | Some(b'\n'))
    }

    fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.pos += 1;
        }
    }

    fn expect_space(&mut self) -> Result<()> {
        if self.peek() != Some(b' ') {
            return Err(bad(format!("space expected at byte {}", self.pos)));
        }
        self.skip_spaces();
        Ok(())
    }

    /// A run of atom characters; a `[` starts a section kept whole up to its `]`.
    fn atom(&mut self) -> Result<String> {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c == b'[' {
                let close = self.b[self.pos..]
                    .iter()
                    .position(|&x| x == b']' || x == b'\n')
                    .ok_or_else(|| bad("unterminated ["))?;
                if self.b[self.pos + close] != b']' {
                    return Err(bad("unterminated ["));
                }
                self.pos += close + 1;
            } else if is_atom_char(c) {
                self.pos += 1;
            } else {
                break;
            }
        }
        if self.pos == start {
            return Err(bad(format!("atom expected at byte {start}")));
        }
        Ok(String::from_utf8_lossy(&self.b[start..self.pos]).into_owned())
    }

    fn quoted(&mut self) -> Result<Vec<u8>> {
        self.pos += 1; // opening quote
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None | Some(b'\r') | Some(b'\n') => return Err(bad("unterminated quoted string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    let c = self.b.get(self.pos + 1).copied();
                    match c {
                        Some(c @ (b'"' | b'\\')) => {
                            out.push(c);
                            self.pos += 2;
                        }
                        _ => return Err(bad("invalid escape in quoted string")),
                    }
                }
                Some(c) => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    fn literal(&mut self) -> Result<Vec<u8>> {
        let close = self.b[self.pos..]
            .iter()
            .position(|&x| x == b'}')
            .ok_or_else(|| bad("unterminated literal size"))?;
        let spec = &self.b[self.pos..=self.pos + close];
        let n = literal_at_end(spec)?.ok_or_else(|| bad("invalid literal size"))?;
        self.pos += close + 1;
        match (self.peek(), self.b.get(self.pos + 1)) {
            (Some(b'\r'), Some(b'\n')) => self.pos += 2,
            (Some(b'\n'), _) => self.pos += 1,
            _ => return Err(bad("literal size not at a line end")),
        }
        if let Some(lits) = self.lits.as_mut() {
            return match lits.next() {
                Some(v) if v.len() == n => Ok(v),
                _ => Err(bad("literal data missing")),
            };
        }
        if self.b.len() - self.pos < n {
            return Err(bad("literal cut short"));
        }
        let v = self.b[self.pos..self.pos + n].to_vec();
        self.pos += n;
        Ok(v)
    }

    fn value(&mut self, depth: usize) -> Result<Value> {
        match self.peek() {
            Some(b'(') => {
                if depth >= MAX_DEPTH {
                    return Err(bad(format!("lists nested deeper than {MAX_DEPTH}")));
                }
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_spaces();
                    match self.peek() {
                        Some(b')') => {
                            self.pos += 1;
                            return Ok(Value::List(items));
                        }
                        None | Some(b'\r') | Some(b'\n') => return Err(bad("unterminated list")),
                        _ => items.push(self.value(depth + 1)?),
                    }
                }
            }
            Some(b'"') => Ok(Value::Str(self.quoted()?)),
            Some(b'{') => Ok(Value::Str(self.literal()?)),
            _ => {
                let a = self.atom()?;
                if a.eq_ignore_ascii_case("NIL") {
                    Ok(Value::Nil)
                } else {
                    Ok(Value::Atom(a))
                }
            }
        }
    }

    /// The rest of the current line as text (line end excluded).
    fn rest_of_line(&mut self) -> String {
        let start = self.pos;
        while !self.at_line_end() {
            self.pos += 1;
        }
        String::from_utf8_lossy(&self.b[start..self.pos]).into_owned()
    }

    fn word(&mut self) -> &'a [u8] {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c == b' ' || c == b'\r' || c == b'\n' {
                break;
            }
            self.pos += 1;
        }
        &self.b[start..self.pos]
    }

    /// `[code] text` after a status word.
    fn resp_text(&mut self) -> (Option<String>, String) {
        self.skip_spaces();
        let mut code = None;
        if self.peek() == Some(b'[') {
            let start = self.pos + 1;
            if let Some(close) = self.b[start..]
                .iter()
                .position(|&x| x == b']' || x == b'\n')
                && self.b[start + close] == b']'
            {
                code = Some(String::from_utf8_lossy(&self.b[start..start + close]).into_owned());
                self.pos = start + close + 1;
                self.skip_spaces();
            }
        }
        (code, self.rest_of_line())
    }
}

fn parse_u32(v: &[u8], what: &str) -> Result<u32> {
    std::str::from_utf8(v)
        .ok()
        .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad(format!("{what} is not a number")))
}

/// A message number or UID (RFC 3501 `nz-number`): 0 is refused like a non-number.
fn parse_nz(v: &[u8], what: &str) -> Result<u32> {
    match parse_u32(v, what)? {
        0 => Err(bad(format!("{what} 0 is not a message number"))),
        n => Ok(n),
    }
}

/// The bytes of an atom or string, moved out (empty for NIL and lists).
fn into_bytes(v: Value) -> Vec<u8> {
    match v {
        Value::Str(s) => s,
        Value::Atom(a) => a.into_bytes(),
        _ => Vec::new(),
    }
}

fn fetch_data(items: Vec<Value>) -> Result<FetchData> {
    let mut d = FetchData::default();
    let mut it = items.into_iter();
    while let Some(key) = it.next() {
        let key = match key {
            Value::Atom(a) => a.to_ascii_uppercase(),
            _ => return Err(bad("FETCH item name expected")),
        };
        let val = it
            .next()
            .ok_or_else(|| bad(format!("FETCH item {key} has no value")))?;
        match key.as_str() {
            "UID" => {
                d.uid = Some(
                    val.number()
                        .and_then(|n| u32::try_from(n).ok())
                        .ok_or_else(|| bad("UID is not a number"))?,
                )
            }
            "RFC822.SIZE" => {
                d.size = Some(
                    val.number()
                        .ok_or_else(|| bad("RFC822.SIZE is not a number"))?,
                )
            }
            "FLAGS" => match val {
                Value::List(l) => d.flags = Some(l.iter().filter_map(Value::text).collect()),
                _ => return Err(bad("FLAGS is not a list")),
            },
            "BODY[]" | "RFC822" | "BINARY[]" => d.body = Some(into_bytes(val)),
            "BODY[HEADER]" | "RFC822.HEADER" => d.header = Some(into_bytes(val)),
            _ => {}
        }
    }
    Ok(d)
}

fn untagged(c: &mut Cursor) -> Result<Untagged> {
    let first = c.word();
    if first.is_empty() {
        return Err(bad("empty untagged response"));
    }
    if first[0].is_ascii_digit() {
        let n = parse_u32(first, "message number")?;
        c.expect_space()?;
        let kind = c.word().to_ascii_uppercase();
        return Ok(match kind.as_slice() {
            b"EXISTS" => Untagged::Exists(n),
            b"EXPUNGE" => Untagged::Expunge(n),
            b"FETCH" => {
                c.expect_space()?;
                match c.value(0)? {
                    Value::List(items) => Untagged::Fetch {
                        seq: n,
                        data: fetch_data(items)?,
                    },
                    _ => return Err(bad("FETCH data is not a list")),
                }
            }
            _ => Untagged::Other(format!(
                "{n} {} {}",
                String::from_utf8_lossy(&kind),
                c.rest_of_line().trim()
            )),
        });
    }
    if let Some(status) = Status::parse(first) {
        let (code, text) = c.resp_text();
        return Ok(Untagged::Cond { status, code, text });
    }
    let kind = first.to_ascii_uppercase();
    match kind.as_slice() {
        b"CAPABILITY" => Ok(Untagged::Capability(
            c.rest_of_line()
                .split_ascii_whitespace()
                .map(str::to_string)
                .collect(),
        )),
        b"SEARCH" => {
            let mut v = Vec::new();
            loop {
                c.skip_spaces();
                if c.at_line_end() {
                    break;
                }
                if c.peek() == Some(b'(') {
                    // CONDSTORE "(MODSEQ n)": not used.
                    c.value(0)?;
                    continue;
                }
                v.push(parse_nz(c.word(), "SEARCH result")?);
            }
            Ok(Untagged::Search(v))
        }
        b"ESEARCH" => esearch(c),
        b"LIST" | b"LSUB" => {
            c.expect_space()?;
            let flags = match c.value(0)? {
                Value::List(l) => l.iter().filter_map(Value::text).collect(),
                _ => return Err(bad("LIST attributes are not a list")),
            };
            c.expect_space()?;
            let delimiter = c.value(0)?.text();
            c.expect_space()?;
            let name = match c.value(0)? {
                Value::Atom(a) => a.into_bytes(),
                Value::Str(s) => s,
                _ => return Err(bad("LIST name expected")),
            };
            // Extended data (LIST-EXTENDED) may follow: ignored.
            Ok(Untagged::List {
                flags,
                delimiter,
                name,
            })
        }
        _ => Ok(Untagged::Other(format!(
            "{} {}",
            String::from_utf8_lossy(first),
            c.rest_of_line().trim()
        ))),
    }
}

/// Most numbers an ESEARCH `ALL` set may stand for (a set is expanded into a list).
pub const MAX_SEARCH_RESULTS: usize = 5_000_000;

/// A sequence set of a response (`1:3,5,9:7`), expanded in the order given; at most
/// [`MAX_SEARCH_RESULTS`] numbers.
pub fn sequence_set(text: &str) -> Result<Vec<u32>> {
    let mut out = Vec::new();
    for part in text.split(',') {
        let (a, b) = part.split_once(':').unwrap_or((part, part));
        let a = parse_nz(a.as_bytes(), "sequence set")?;
        let b = parse_nz(b.as_bytes(), "sequence set")?;
        let (lo, hi) = (a.min(b), a.max(b));
        if out.len() + (hi - lo) as usize >= MAX_SEARCH_RESULTS {
            return Err(bad(format!(
                "search result of more than {MAX_SEARCH_RESULTS} messages"
            )));
        }
        out.extend(lo..=hi);
    }
    Ok(out)
}

/// `ESEARCH [(TAG "t")] [UID] *(name SP value)` after the word.
fn esearch(c: &mut Cursor) -> Result<Untagged> {
    let mut tag = None;
    let mut uid = false;
    let mut all = Vec::new();
    c.skip_spaces();
    if c.peek() == Some(b'(')
        && let Value::List(items) = c.value(0)?
    {
        let mut it = items.iter();
        while let (Some(k), Some(v)) = (it.next(), it.next()) {
            if k.text().is_some_and(|k| k.eq_ignore_ascii_case("TAG")) {
                tag = v.text();
            }
        }
    }
    loop {
        c.skip_spaces();
        if c.at_line_end() {
            break;
        }
        let name = c.atom()?.to_ascii_uppercase();
        if name == "UID" {
            uid = true;
            continue;
        }
        c.expect_space()?;
        let value = c.value(0)?;
        if name == "ALL" {
            let set = value
                .text()
                .ok_or_else(|| bad("ESEARCH ALL is not a set"))?;
            all = sequence_set(&set)?;
        }
    }
    Ok(Untagged::ESearch { tag, uid, all })
}

/// Parses one framed response (as found by [`frame`]; trailing bytes are ignored).
pub fn parse(buf: &[u8]) -> Result<Response> {
    parse_cursor(Cursor {
        b: buf,
        pos: 0,
        lits: None,
    })
}

/// Parses one response whose literals' data is kept apart: `lines` is the response
/// without that data (each `{N}` still ends its line, the line after it follows at
/// once), `literals` the data of each literal in order. The data is moved into the
/// result, not copied (message bodies of a FETCH).
pub fn parse_split(lines: &[u8], literals: Vec<Vec<u8>>) -> Result<Response> {
    parse_cursor(Cursor {
        b: lines,
        pos: 0,
        lits: Some(literals.into_iter()),
    })
}

fn parse_cursor(mut c: Cursor) -> Result<Response> {
    match c.peek() {
        Some(b'+') => {
            c.pos += 1;
            if c.peek() == Some(b' ') {
                c.pos += 1;
            }
            Ok(Response::Continue(c.rest_of_line()))
        }
        Some(b'*') => {
            c.pos += 1;
            c.expect_space()?;
            Ok(Response::Untagged(untagged(&mut c)?))
        }
        Some(_) => {
            let tag = c.word();
            if tag.is_empty() || !tag.iter().all(|&b| is_atom_char(b) && b != b'+') {
                return Err(bad("invalid tag"));
            }
            let tag = String::from_utf8_lossy(tag).into_owned();
            c.expect_space()?;
            let status = Status::parse(c.word())
                .filter(|s| matches!(s, Status::Ok | Status::No | Status::Bad))
                .ok_or_else(|| bad("OK, NO or BAD expected after the tag"))?;
            let (code, text) = c.resp_text();
            Ok(Response::Tagged {
                tag,
                status,
                code,
                text,
            })
        }
        None => Err(bad("empty response")),
    }
}

/// Frames and parses the first response of `buf`: `Ok(Some((response, consumed)))`,
/// `Ok(None)` when more bytes are needed.
pub fn parse_one(buf: &[u8]) -> Result<Option<(Response, usize)>> {
    match frame(buf)? {
        None => Ok(None),
        Some(n) => Ok(Some((parse(&buf[..n])?, n))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses every response of a transcript, once with CRLF and once with bare LF.
    fn both(text: &str) -> Vec<Response> {
        let crlf = text.replace('\n', "\r\n");
        let a = all(crlf.as_bytes());
        let b = all(text.as_bytes());
        assert_eq!(a, b, "CRLF and LF parses differ");
        a
    }

    #[test]
    fn split_literals_parse_as_inline() {
        let whole =
            b"* 3 FETCH (UID 7 BODY[] {5}\r\nab\r\nc FLAGS (\\Seen) BODY[HEADER] {0}\r\n)\r\n";
        let lines = b"* 3 FETCH (UID 7 BODY[] {5}\r\n FLAGS (\\Seen) BODY[HEADER] {0}\r\n)\r\n";
        let a = parse(whole).unwrap();
        let b = parse_split(lines, vec![b"ab\r\nc".to_vec(), Vec::new()]).unwrap();
        assert_eq!(a, b);
        let Response::Untagged(Untagged::Fetch { data, .. }) = b else {
            panic!("{b:?}")
        };
        assert_eq!(data.body.as_deref(), Some(&b"ab\r\nc"[..]));
        assert_eq!(data.header.as_deref(), Some(&b""[..]));
        assert!(parse_split(lines, vec![b"abc".to_vec()]).is_err());
    }

    fn all(mut buf: &[u8]) -> Vec<Response> {
        let mut v = Vec::new();
        while !buf.is_empty() {
            let (r, n) = parse_one(buf).unwrap().expect("complete response");
            v.push(r);
            buf = &buf[n..];
        }
        v
    }

    #[test]
    fn greeting_and_capability() {
        let r = both(
            "* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] Dovecot ready.\n* CAPABILITY IMAP4rev1 LITERAL+ MOVE\n",
        );
        assert_eq!(
            r[0],
            Response::Untagged(Untagged::Cond {
                status: Status::Ok,
                code: Some("CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN".into()),
                text: "Dovecot ready.".into()
            })
        );
        assert_eq!(
            r[1],
            Response::Untagged(Untagged::Capability(vec![
                "IMAP4rev1".into(),
                "LITERAL+".into(),
                "MOVE".into()
            ]))
        );
    }

    #[test]
    fn tagged_and_continuation() {
        let r = both(
            "A1 NO [AUTHENTICATIONFAILED] Authentication failed.\n+ \n+ VXNlcm5hbWU6\nA2 ok done\n",
        );
        assert_eq!(
            r[0],
            Response::Tagged {
                tag: "A1".into(),
                status: Status::No,
                code: Some("AUTHENTICATIONFAILED".into()),
                text: "Authentication failed.".into()
            }
        );
        assert_eq!(r[1], Response::Continue(String::new()));
        assert_eq!(r[2], Response::Continue("VXNlcm5hbWU6".into()));
        assert!(
            matches!(&r[3], Response::Tagged { status: Status::Ok, text, .. } if text == "done")
        );
    }

    #[test]
    fn fetch_with_literal() {
        let body = "Subject: hi\r\n\r\nbody {5}\r\n";
        let text = format!(
            "* 3 FETCH (UID 42 FLAGS (\\Seen $Junk) RFC822.SIZE {} BODY[] {{{}}}\r\n{})\r\n",
            body.len(),
            body.len(),
            body
        );
        let r = all(text.as_bytes());
        assert_eq!(r.len(), 1);
        match &r[0] {
            Response::Untagged(Untagged::Fetch { seq, data }) => {
                assert_eq!(*seq, 3);
                assert_eq!(data.uid, Some(42));
                assert_eq!(data.size, Some(body.len() as u64));
                assert_eq!(data.seen(), Some(true));
                assert_eq!(data.body.as_deref(), Some(body.as_bytes()));
            }
            other => panic!("{other:?}"),
        }
        // LF variant: the literal size line ends in a bare LF.
        let text = "* 1 FETCH (BODY[HEADER] {3}\nab\n UID 7)\n";
        match &all(text.as_bytes())[0] {
            Response::Untagged(Untagged::Fetch { data, .. }) => {
                assert_eq!(data.header.as_deref(), Some(&b"ab\n"[..]));
                assert_eq!(data.uid, Some(7));
                assert_eq!(data.seen(), None);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn fetch_nil_and_quoted_body() {
        let r = both(
            "* 2 FETCH (UID 5 BODY[] NIL)\n* 4 FETCH (BODY[] \"a\\\"b\\\\\" UID 6 FLAGS ())\n",
        );
        match &r[0] {
            Response::Untagged(Untagged::Fetch { data, .. }) => {
                assert_eq!(data.body.as_deref(), Some(&b""[..]))
            }
            other => panic!("{other:?}"),
        }
        match &r[1] {
            Response::Untagged(Untagged::Fetch { data, .. }) => {
                assert_eq!(data.body.as_deref(), Some(&b"a\"b\\"[..]));
                assert_eq!(data.seen(), Some(false));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn exists_expunge_search() {
        let r = both(
            "* 12 EXISTS\n* 3 EXPUNGE\n* 0 RECENT\n* SEARCH 1 5 9\n* SEARCH\n* SEARCH 2 (MODSEQ 7)\n",
        );
        assert_eq!(r[0], Response::Untagged(Untagged::Exists(12)));
        assert_eq!(r[1], Response::Untagged(Untagged::Expunge(3)));
        assert!(matches!(r[2], Response::Untagged(Untagged::Other(_))));
        assert_eq!(r[3], Response::Untagged(Untagged::Search(vec![1, 5, 9])));
        assert_eq!(r[4], Response::Untagged(Untagged::Search(vec![])));
        assert_eq!(r[5], Response::Untagged(Untagged::Search(vec![2])));
    }

    #[test]
    fn esearch_items() {
        let esearch = |tag: Option<&str>, uid, all: &[u32]| {
            Response::Untagged(Untagged::ESearch {
                tag: tag.map(str::to_string),
                uid,
                all: all.to_vec(),
            })
        };
        let r = both(
            "* ESEARCH (TAG \"A0005\") UID ALL 4:6,2,9 COUNT 5\n* ESEARCH (TAG \"A7\") UID\n* ESEARCH MIN 3 ALL 3\n* esearch (tag \"x\") uid count 0 max 9 all 1:2\n",
        );
        assert_eq!(
            r,
            [
                esearch(Some("A0005"), true, &[4, 5, 6, 2, 9]),
                esearch(Some("A7"), true, &[]),
                esearch(None, false, &[3]),
                esearch(Some("x"), true, &[1, 2]),
            ]
        );
        assert_eq!(sequence_set("7:5").unwrap(), [5, 6, 7]);
        // 0 is no message number nor UID (it reached the fetch as the caller's error).
        assert!(sequence_set("0:5").is_err());
        assert!(parse_split(b"* SEARCH 3 0\r\n", Vec::new()).is_err());
    }

    #[test]
    fn list_names() {
        let r = both(
            "* LIST (\\HasNoChildren \\Sent) \"/\" Sent\n* LIST () \"/\" \"R&AOk-unions 2024\"\n* LIST (\\Noselect) NIL {4}\nab c\n",
        );
        let list = |flags: &[&str], delimiter: Option<&str>, name: &[u8]| {
            Response::Untagged(Untagged::List {
                flags: flags.iter().map(|f| f.to_string()).collect(),
                delimiter: delimiter.map(str::to_string),
                name: name.to_vec(),
            })
        };
        assert_eq!(
            r,
            [
                list(&["\\HasNoChildren", "\\Sent"], Some("/"), b"Sent"),
                list(&[], Some("/"), b"R&AOk-unions 2024"),
                list(&["\\Noselect"], None, b"ab c"),
            ]
        );
    }

    #[test]
    fn bye_and_incomplete() {
        let r = both("* BYE shutting down\n");
        assert!(matches!(
            &r[0],
            Response::Untagged(Untagged::Cond {
                status: Status::Bye,
                ..
            })
        ));
        assert_eq!(parse_one(b"* 1 FETCH (BODY[] {10}\r\nabc").unwrap(), None);
        assert_eq!(parse_one(b"* OK no end").unwrap(), None);
        assert_eq!(
            frame(b"* 1 FETCH (BODY[] {3}\r\nabc)\r\nA1 OK").unwrap(),
            Some(29)
        );
    }

    #[test]
    fn limits() {
        // A 2 GB literal is refused from its announcement alone.
        let e = parse_one(b"* 1 FETCH (BODY[] {2147483648}\r\n").unwrap_err();
        assert_eq!(e.code, WD_E::Protocol);
        assert!(e.message.contains("2147483648"), "{}", e.message);
        let e = literal_at_end(b"{99999999999999999999999}").unwrap_err();
        assert_eq!(e.code, WD_E::Protocol);
        assert_eq!(literal_at_end(b"x {12+}").unwrap(), Some(12));
        assert_eq!(literal_at_end(b"x {}").unwrap(), None);
        // Over-long line.
        let long = vec![b'a'; MAX_LINE + 1];
        assert_eq!(frame(&long).unwrap_err().code, WD_E::Protocol);
        // Nesting depth.
        let deep = format!("* 1 FETCH {}{}\r\n", "(".repeat(100), ")".repeat(100));
        assert_eq!(parse_one(deep.as_bytes()).unwrap_err().code, WD_E::Protocol);
        let ok = format!("* 1 FETCH (X {}{})\r\n", "(".repeat(10), ")".repeat(10));
        assert!(parse_one(ok.as_bytes()).is_ok());
    }

    #[test]
    fn malformed() {
        for bad in [
            &b"\r\n"[..],
            b"A1 MAYBE\r\n",
            b"* 1 FETCH UID\r\n",
            b"* 1 FETCH (UID x)\r\n",
            b"* 1 FETCH (UID)\r\n",
            b"* 1 FETCH (BODY[] \"abc\r\n",
            b"* 1 FETCH (BODY[HEADER \r\n",
            b"* LIST x\r\n",
            b"* SEARCH a\r\n",
            b"* ESEARCH ALL\r\n",
            b"* ESEARCH ALL 1:x\r\n",
            b"* ESEARCH ALL 1:4294967295\r\n",
            b"* ESEARCH UID ALL *\r\n",
        ] {
            assert!(
                parse_one(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn random_input_never_panics() {
        let alphabet: &[u8] = b"* A1OKNOBADFETCH(){}[]\"\\ \r\n0123456789+UIDBODYLIST";
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..20_000 {
            let len = (next() % 80) as usize;
            let buf: Vec<u8> = (0..len)
                .map(|_| {
                    let r = next();
                    if r % 10 == 0 {
                        (r >> 8) as u8
                    } else {
                        alphabet[(r >> 8) as usize % alphabet.len()]
                    }
                })
                .collect();
            let mut rest = &buf[..];
            while let Ok(Some((_, n))) = parse_one(rest) {
                rest = &rest[n..];
            }
            let _ = parse(&buf);
        }
    }
}
