//! The checks of the fuzz targets, one function per target: each feeds one input to a
//! parser and asserts what must hold whatever the input (no panic, and the properties
//! named in its comment). The targets in `fuzz_targets/` call them; the library's
//! regression tests (`tests/fuzz_regressions.rs`) include this file and replay every
//! input kept in `tests/fixtures/fuzz/TARGET/` through the same function.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use wd300com::auth::{Credentials, Exchange, Mechanism, Step, apop_timestamp};
use wd300com::error::Result;
use wd300com::imap::response::{self as imap, FetchData, Response, Untagged};
use wd300com::imap::utf7;
use wd300com::message::Source;
use wd300com::message::address::{self, is_valid_syntax, split_mailbox};
use wd300com::message::attachments::safe_name;
use wd300com::message::build::{BuildOptions, build};
use wd300com::message::parse::{parse, parse_source};
use wd300com::message::{Attachment, Email};
use wd300com::net::dot_stuff;
use wd300com::oauth2::http::{self, MAX_BODY};
use wd300com::oauth2::url::{self, Scheme, Url};
use wd300com::oauth2::{check_redirect, parse_token_reply};
use wd300com::pop3::dot::{DotDecoder, unstuff_line};
use wd300com::pop3::response::{self as pop3, Status};
use wd300com::smtp::response::{self as smtp, Capabilities, ReplyParser};
use wd300com::text::{DateTime, normalize_crlf};

/// The check of one target: it panics when the input breaks a property.
pub type Check = fn(&[u8]);

/// Every target: its name (the fuzz target, the folder of its inputs) and its check.
pub const TARGETS: &[(&str, Check)] = &[
    ("address", address),
    ("date", date),
    ("http_response", http_response),
    ("imap_response", imap_response),
    ("mime_parse", mime_parse),
    ("mime_roundtrip", mime_roundtrip),
    ("pop3_dot", pop3_dot),
    ("pop3_response", pop3_response),
    ("sasl", sasl),
    ("smtp_reply", smtp_reply),
    ("url", url),
    ("utf7", utf7),
];

// ----- input helpers ---------------------------------------------------------------

/// The next line of `buf` as the connection's `read_line` returns it (up to the LF, one
/// CR before it removed) and what follows; `None` when no LF is left.
pub fn next_line(buf: &[u8]) -> Option<(&[u8], &[u8])> {
    let nl = buf.iter().position(|&b| b == b'\n')?;
    let line = &buf[..nl];
    Some((line.strip_suffix(b"\r").unwrap_or(line), &buf[nl + 1..]))
}

/// Every line of `buf` (the last one without its LF too), line ends removed.
pub fn lines(mut buf: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while let Some((line, rest)) = next_line(buf) {
        out.push(line);
        buf = rest;
    }
    if !buf.is_empty() {
        out.push(buf);
    }
    out
}

/// Cuts `data` into pieces: the first byte seeds the piece sizes (1 to 16 bytes, or the
/// whole rest when it is 0), the rest is the data.
pub fn pieces(data: &[u8]) -> Vec<&[u8]> {
    let Some((&seed, mut rest)) = data.split_first() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut state = seed as usize;
    while !rest.is_empty() {
        let size = if seed == 0 {
            rest.len()
        } else {
            1 + state % 16
        };
        let (piece, next) = rest.split_at(size.min(rest.len()));
        out.push(piece);
        rest = next;
        state = state.wrapping_mul(31).wrapping_add(7) % 251;
    }
    out
}

// ----- IMAP ------------------------------------------------------------------------

/// Reads one framed response as the IMAP client does: each line without its end, a CRLF
/// appended, the data of each literal announced at a line end kept apart.
fn imap_client_read(mut buf: &[u8]) -> Result<Response> {
    let mut blob = Vec::new();
    let mut literals = Vec::new();
    loop {
        let (line, rest) = next_line(buf).expect("a framed response ends with a line end");
        blob.extend_from_slice(line);
        blob.extend_from_slice(b"\r\n");
        buf = rest;
        let Some(n) = imap::literal_at_end(line)? else {
            break;
        };
        let (data, rest) = buf.split_at(n);
        literals.push(data.to_vec());
        buf = rest;
    }
    imap::parse_split(&blob, literals)
}

/// IMAP responses: every response of the input framed, then parsed whole (`parse`) and
/// as the client reads it, lines apart from literals (`parse_split`): both agree.
pub fn imap_response(data: &[u8]) {
    let mut rest = data;
    while let Ok(Some(n)) = imap::frame(rest) {
        assert!(n > 0 && n <= rest.len());
        let (one, next) = rest.split_at(n);
        rest = next;
        let whole = imap::parse(one);
        let split = imap_client_read(one);
        match (&whole, &split) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "parse and parse_split disagree"),
            (Err(_), Err(_)) => {}
            _ => panic!("parse {whole:?} but parse_split {split:?}"),
        }
        match whole {
            Ok(Response::Untagged(Untagged::Fetch { data, .. })) => {
                let _ = data.seen();
                FetchData::default().merge(data);
            }
            Ok(Response::Untagged(Untagged::List { name, .. })) => {
                let _ = utf7::decode_lossy(&name);
            }
            _ => {}
        }
    }
}

/// Modified UTF-7 folder names: every name decoded, or given as UTF-8, comes back from
/// its encoding.
pub fn utf7(data: &[u8]) {
    let lossy = utf7::decode_lossy(data);
    if let Some(name) = utf7::decode(data) {
        assert_eq!(lossy, name);
        let wire = utf7::encode(&name);
        assert_eq!(
            utf7::decode(wire.as_bytes()).as_deref(),
            Some(name.as_str())
        );
    }
    if let Ok(s) = std::str::from_utf8(data) {
        let wire = utf7::encode(s);
        assert!(wire.is_ascii());
        assert_eq!(utf7::decode(wire.as_bytes()).as_deref(), Some(s));
    }
}

// ----- POP3 and SMTP ---------------------------------------------------------------

/// POP3 replies: the first line as a status line (and a greeting for APOP), the rest as
/// the body of each multi-line reply (CAPA, LIST, UIDL).
pub fn pop3_response(data: &[u8]) {
    let (first, body) = next_line(data).unwrap_or((data, &[]));
    match pop3::parse_status(first) {
        Ok(Status::Ok(text)) => {
            let _ = pop3::parse_stat(&text);
            let _ = apop_timestamp(&text);
        }
        Ok(Status::Err(text)) => {
            let _ = pop3::resp_code(&text);
        }
        Ok(Status::Continue(_)) | Err(_) => {}
    }
    let _ = pop3::body_lines(body).count();
    if let Ok(c) = pop3::parse_capa(body) {
        assert!(c.sasl.is_empty() || c.sasl_listed);
    }
    if let Ok(list) = pop3::parse_list(body) {
        assert!(list.iter().all(|&(n, _)| n > 0));
    }
    if let Ok(uidl) = pop3::parse_uidl(body) {
        assert!(uidl.iter().all(|(n, uid)| *n > 0 && !uid.is_empty()));
    }
}

/// The largest body the dot decoder accepts here.
const MAX_DOT_BODY: usize = 1 << 16;

/// Feeds `pieces` to a dot decoder until done or an error: the body (or the error code)
/// and the number of bytes used.
fn dot_decode<'a>(pieces: impl IntoIterator<Item = &'a [u8]>) -> (Result<Vec<u8>>, usize) {
    let mut dec = DotDecoder::new(MAX_DOT_BODY);
    let mut used = 0;
    for p in pieces {
        match dec.feed(p) {
            Ok(n) => {
                assert!(n <= p.len());
                used += n;
                if dec.is_done() {
                    break;
                }
                assert_eq!(n, p.len(), "bytes left over before the end");
            }
            Err(e) => return (Err(e), used),
        }
    }
    (dec.finish(), used)
}

/// The POP3 dot-framing decoder: fed in pieces it decodes as fed whole; and what the
/// SMTP dot-stuffing writes it reads back to the end, the terminator exactly.
pub fn pop3_dot(data: &[u8]) {
    let parts = pieces(data);
    let whole: Vec<u8> = parts.concat();
    let (a, used_a) = dot_decode(parts.iter().copied());
    let (b, used_b) = dot_decode([whole.as_slice()]);
    match (&a, &b) {
        (Ok(x), Ok(y)) => {
            assert_eq!(x, y, "pieces and whole decode differently");
            assert_eq!(used_a, used_b);
        }
        (Err(x), Err(y)) => assert_eq!(x.code, y.code),
        _ => panic!("pieces {a:?} but whole {b:?}"),
    }
    for line in lines(&whole) {
        let _ = unstuff_line(line);
    }
    let wire = dot_stuff(&whole);
    let (body, used) = dot_decode([wire.as_slice()]);
    if wire.len() <= MAX_DOT_BODY {
        let body = body.expect("the written body decodes");
        assert_eq!(
            used,
            wire.len(),
            "the terminator is the end of what was written"
        );
        assert_eq!(
            dot_stuff(&body),
            wire,
            "decoded body does not stuff the same"
        );
    }
}

/// SMTP replies: lines fed one by one to the reply parser as the client reads them, each
/// complete reply read as an EHLO reply too; `parse_all` gives the same replies.
pub fn smtp_reply(data: &[u8]) {
    let mut p = ReplyParser::new();
    let mut replies = Vec::new();
    for line in lines(data) {
        match p.push_line(line) {
            Ok(Some(r)) => {
                assert!((200..600).contains(&r.code));
                assert!(!r.lines.is_empty());
                let _ = (r.one_line(), r.first_text(), r.is_positive());
                let _ = Capabilities::from_ehlo(&r);
                replies.push(r);
            }
            Ok(None) => assert!(p.in_progress()),
            Err(_) => assert!(!p.in_progress(), "the parser is reset after an error"),
        }
    }
    if let Ok(all) = smtp::parse_all(data) {
        assert_eq!(all, replies);
    }
}

// ----- SASL ------------------------------------------------------------------------

/// PBKDF2 rounds above this make a slow input, not a finding (the bound the client
/// enforces, `scram::MAX_ITERATIONS`, has its own tests).
const MAX_SCRAM_ROUNDS: u32 = 4096;

fn client_nonce(first: &str) -> String {
    let text = String::from_utf8(B64.decode(first).unwrap_or_default()).unwrap_or_default();
    text.split(',')
        .find_map(|a| a.strip_prefix("r="))
        .unwrap_or("")
        .to_string()
}

/// SASL: the exchange of each mechanism answering any server challenges, then the
/// server's success or refusal. The first byte chooses the mechanism; each following
/// line is one challenge: sent as written when it starts with "!", else base64-encoded
/// after "@N" is replaced by the client's nonce (so SCRAM server-first messages can
/// extend it). No response holds a line end.
pub fn sasl(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let mech = Mechanism::ALL[pick as usize % Mechanism::ALL.len()];
    let creds = Credentials {
        user: "tim,=user",
        password: Some("pencil"),
        token: Some("ya29.token"),
        host: "mail.example.com",
        port: 993,
    };
    let mut ex = Exchange::new("IMAP", mech, &creds).expect("credentials are complete");
    let nonce = match ex.initial() {
        Some(first) => client_nonce(first.text()),
        None => String::new(),
    };
    for line in lines(rest) {
        let line = String::from_utf8_lossy(line);
        let challenge = match line.strip_prefix('!') {
            Some(raw) => raw.to_string(),
            None => {
                let text = line.replace("@N", &nonce);
                let slow = text.split(',').any(|a| {
                    a.strip_prefix("i=")
                        .and_then(|i| i.parse::<u32>().ok())
                        .is_some_and(|i| i > MAX_SCRAM_ROUNDS)
                });
                if slow {
                    return;
                }
                B64.encode(text)
            }
        };
        match ex.step(&challenge) {
            Ok(Step::Respond(r)) => assert!(!r.text().contains(['\r', '\n'])),
            Ok(Step::Cancel) => {}
            Err(_) => return,
        }
    }
    let _ = ex.succeeded();
    let _ = ex.refused("NO [AUTHENTICATIONFAILED] Authentication failed.");
}

// ----- OAuth2: URLs and HTTP -------------------------------------------------------

/// URLs of the OAuth2 flow and the redirect's query: a parsed URL written back parses
/// the same; percent-encoding and query strings round trip; the redirect check.
pub fn url(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    if let Ok(u) = Url::parse(&s, "URL") {
        let scheme = match u.scheme {
            Scheme::Http => "http",
            Scheme::Https => "https",
        };
        let again = format!("{scheme}://{}{}", u.authority(), u.target());
        let v = Url::parse(&again, "URL").expect("a written URL parses");
        assert_eq!(
            (&v.host, v.port, &v.path, &v.query),
            (&u.host, u.port, &u.path, &u.query)
        );
        let _ = (u.is_loopback(), u.host_for_url());
    }
    let _ = url::loopback_addr(&s);
    assert_eq!(url::decode(&url::encode(&s)), s);
    let pairs = url::parse_query(&s);
    let borrowed: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(url::parse_query(&url::form(&borrowed)), pairs);
    let _ = check_redirect(&pairs, "state-1");
}

/// HTTP replies of the token endpoint: the reply reader over bytes already received (the
/// same code as over the connection), then the token reply parser.
pub fn http_response(data: &[u8]) {
    let Ok(r) = http::parse_response(data) else {
        return;
    };
    assert!(r.body.len() <= MAX_BODY);
    assert!(!(100..200).contains(&r.status));
    let _ = r.header("Content-Type");
    if let Ok(token) = parse_token_reply(&r, None) {
        let _ = parse_token_reply(&r, Some(&token));
    }
}

// ----- messages --------------------------------------------------------------------

/// MIME: a raw message through mail-parser 0.11 and our parse layer, read whole and as a
/// deferred message; both read the same. Every attachment name (received from the
/// network) is a safe file name, its own safe name.
pub fn mime_parse(data: &[u8]) {
    let Ok(e) = parse(data) else {
        assert!(parse_source(&Source::from(data.to_vec())).is_err());
        return;
    };
    assert_eq!(e.source, data);
    assert_eq!(e.size, data.len() as i64);
    for (name, _) in &e.headers {
        assert!(e.header(name, 0).is_some());
    }
    for a in &e.attachments {
        assert_eq!(safe_name(&a.name).as_ref(), Some(&a.name), "unsafe name");
    }
    let mut d = Email::deferred(data.to_vec(), "1".into(), 1, data.len() as i64, false);
    d.parse_deferred()
        .expect("a message that parsed parses deferred");
    assert_eq!(d.subject, e.subject);
    assert_eq!(d.attachments.len(), e.attachments.len());
}

/// The mailboxes of `list` as (display name, address), `None` when one address is not
/// valid.
fn valid_mailboxes(list: &[String]) -> Option<Vec<(String, String)>> {
    let boxes: Vec<_> = list.iter().map(|m| split_mailbox(m)).collect();
    boxes
        .iter()
        .all(|(_, a)| is_valid_syntax(a))
        .then_some(boxes)
}

/// The attachments in the order the builder writes them: inline ones first when there
/// is HTML.
fn in_built_order(e: &Email) -> Vec<&Attachment> {
    let mut list: Vec<&Attachment> = e.attachments.iter().collect();
    if !e.html.is_empty() {
        list.sort_by_key(|a| a.content_id.is_empty());
    }
    list
}

/// `got` came back as `sent` was: the same data, or for an attached message the same
/// with CRLF line ends.
fn same_attachment(got: &Attachment, sent: &Attachment) -> bool {
    got.name == sent.name
        && got.content_id == sent.content_id
        && (got.data == sent.data
            || (sent.content_type.eq_ignore_ascii_case("message/rfc822")
                && got.data == *normalize_crlf(&sent.data)))
}

fn words(s: &str) -> Vec<&str> {
    s.split_whitespace().collect()
}

/// MIME round trip: a parsed message built again (our builder) and parsed back keeps its
/// key fields. The first byte chooses the build options.
///
/// Kept: the subject (white space runs aside: mail-parser unfolds a folded run into one
/// space), date, Message-ID, bodies, the attachments (names, Content-IDs, data; inline
/// ones first when there is HTML, an attached message with CRLF line ends, as the
/// builder documents), and the mailboxes (display name, address) of every address list
/// whose addresses are all valid — what a broken header yields as an address is kept as
/// text and not promised to come back the same.
pub fn mime_roundtrip(data: &[u8]) {
    let Some((&flags, raw)) = data.split_first() else {
        return;
    };
    let Ok(first) = parse(raw) else {
        return;
    };
    let opts = BuildOptions {
        header_bcc: flags & 1 != 0,
        encode_headers: flags & 2 != 0,
    };
    let mut built = first;
    // Refusals (a CR in a field, a date that is not RFC 3339…) are fine; panics are not.
    if build(&mut built, opts).is_err() {
        return;
    }
    let again = parse(&built.source).expect("a built message parses");
    assert_eq!(words(&again.subject), words(&built.subject), "Subject");
    assert_eq!(again.message_id, built.message_id, "Message-ID");
    assert_eq!(again.date, built.date, "Date");
    assert_eq!(again.message, built.message, "text body");
    assert_eq!(again.html, built.html, "HTML body");
    for (name, a, b) in [
        (
            "From",
            std::slice::from_ref(&again.sender),
            std::slice::from_ref(&built.sender),
        ),
        ("To", &again.to, &built.to),
        ("Cc", &again.cc, &built.cc),
    ] {
        if let Some(want) = valid_mailboxes(b) {
            let got: Vec<_> = a.iter().map(|m| split_mailbox(m)).collect();
            assert_eq!(got, want, "{name}");
        }
    }
    let sent = in_built_order(&built);
    assert_eq!(again.attachments.len(), sent.len(), "attachments");
    for (got, sent) in again.attachments.iter().zip(sent) {
        assert!(
            same_attachment(got, sent),
            "attachment {got:?} sent as {sent:?}"
        );
    }
}

/// Addresses: the syntax check and list splitting over any text; and writing a mailbox
/// (the input's first line the display name, the rest the address, as mail-parser may
/// hand them over) reads back as the same mailbox, or, for an address a list would read
/// otherwise, as one item that is no valid address.
pub fn address(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let _ = address::is_valid_syntax(&s);
    let _ = address::bare(&s);
    for item in address::split_list(&s) {
        assert!(!item.trim().is_empty());
        let _ = split_mailbox(&item);
    }
    let (name, addr) = s.split_once('\n').unwrap_or(("", &s));
    let (name, addr) = (name.trim(), addr.trim());
    let written = address::format_mailbox(name, addr);
    if written.trim().is_empty() {
        return;
    }
    assert_eq!(address::split_list(&written), [written.trim()], "one item");
    let (n, a) = split_mailbox(&written);
    if a == addr {
        let want = if name == addr { "" } else { name };
        assert_eq!(n, want, "{written:?}");
    } else if !addr.is_empty() {
        assert!(
            n.is_empty() && !is_valid_syntax(&a),
            "{written:?} reads as {a:?}"
        );
    }
}

/// Dates: RFC 3339 parsing and writing back, RFC 5322 writing, any Unix time, and the
/// Date header of a message through mail-parser and our conversion (always RFC 3339).
pub fn date(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    if let Some(d) = DateTime::parse_rfc3339(&s) {
        assert!(d.is_valid());
        assert_eq!(DateTime::parse_rfc3339(&d.to_rfc3339()), Some(d));
        let _ = d.to_rfc5322();
    }
    if let Some(secs) = data.get(..8) {
        let d = DateTime::from_unix(i64::from_le_bytes(secs.try_into().unwrap()));
        let _ = (d.to_rfc3339_utc(), d.is_valid());
    }
    let mut msg = b"Date: ".to_vec();
    msg.extend_from_slice(data);
    msg.extend_from_slice(b"\r\n\r\n");
    if let Ok(e) = parse(&msg)
        && !e.date.is_empty()
    {
        let d = DateTime::parse_rfc3339(&e.date).expect("a parsed Date is RFC 3339");
        assert_eq!(d.to_rfc3339(), e.date);
    }
}
