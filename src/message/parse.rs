//! Parsing a raw RFC 5322 / MIME message into an `Email` (wraps mail-parser 0.11).
//!
//! mail-parser gives the part structure, the transfer encodings and the address, date and
//! id parsers. Header values and text bodies are decoded here from the raw bytes so that
//! undeclared 8-bit data falls back to Windows-1252 instead of U+FFFD.

use mail_parser::parsers::MessageStream;
use mail_parser::{
    Address, HeaderName, HeaderValue, Message, MessageParser, MessagePart, MimeHeaders, PartType,
};
use std::ops::Range;
use std::sync::LazyLock;

use crate::error::{Error, Result};
use crate::limits::MAX_MESSAGE;
use crate::message::address::format_mailbox;
use crate::message::attachments::{extension_for, safe_name};
use crate::message::codec;
use crate::message::content::{Content, Decoding, Part, Source};
use crate::message::model::{Attachment, Email};
use crate::message::skeleton::Skeleton;
use crate::text::{self, DateTime};

/// Parses a raw message (CRLF or LF line ends) into a new `Email`.
///
/// Every field is filled (see `docs/API.md` §3); `source` is the input and `size` its length.
/// Text bodies have CRLF line ends. Errors: `Message` when the input holds no header at all
/// or is larger than `MAX_MESSAGE`. Never panics.
pub fn parse(bytes: &[u8]) -> Result<Email> {
    check_size(bytes.len())?;
    parse_source(&Source::from(bytes.to_vec()))
}

fn check_size(len: usize) -> Result<()> {
    if len > MAX_MESSAGE {
        return Err(Error::message(format!(
            "message too large ({len} bytes, limit {MAX_MESSAGE})"
        )));
    }
    Ok(())
}

/// [`parse`] of a source already shared (POP3 and IMAP reading, deferred parsing): the
/// message keeps `source` without copying it, and each attachment stays encoded in it
/// until its content is first asked for ([`Content`]).
pub fn parse_source(source: &Source) -> Result<Email> {
    let bytes: &[u8] = source;
    check_size(bytes.len())?;
    let not_mail = || Error::message("not an RFC 5322 message: no header found");
    let skeleton = Skeleton::of(bytes);
    let msg = STRUCTURE.parse(&*skeleton.bytes).ok_or_else(not_mail)?;
    if !encoded_message_part(&msg, &skeleton.bytes) {
        let view = View {
            bytes: &skeleton.bytes,
            skeleton: Some(&skeleton),
            source,
            decoded: false,
        };
        return Ok(read_message(msg, &view));
    }
    // A message part in a transfer encoding is read by mail-parser only once decoded:
    // such a message is parsed with its bodies decoded.
    drop(msg);
    let msg = MessageParser::default().parse(bytes).ok_or_else(not_mail)?;
    let view = View {
        bytes,
        skeleton: None,
        source,
        decoded: true,
    };
    Ok(read_message(msg, &view))
}

/// The fields of a message parsed by mail-parser from `view.bytes`.
fn read_message(mut msg: Message<'_>, view: &View<'_>) -> Email {
    let mut email = Email {
        size: view.source.len() as i64,
        source: view.source.clone(),
        ..Email::default()
    };
    let Some(root) = msg.parts.first() else {
        return email;
    };
    read_headers(&mut email, view.bytes, root);
    // The boundary enclosing each part, to cut bodies that mail-parser let run past it.
    let mut boundaries: Vec<Option<String>> = vec![None; msg.parts.len()];
    for part in &msg.parts {
        if let PartType::Multipart(children) = &part.body {
            let b = part.content_type().and_then(|c| c.attribute("boundary"));
            for &c in children {
                if let (Some(slot), Some(b)) = (boundaries.get_mut(c as usize), b) {
                    *slot = Some(b.to_string());
                }
            }
        }
    }
    for (part, boundary) in msg.parts.iter_mut().zip(&boundaries) {
        let at = PartAt {
            view,
            boundary: boundary.as_deref(),
        };
        read_part(&mut email, part, &at);
    }
    email
}

/// mail-parser reading the structure only: every header field parsed as its default
/// parser does (the same extent, so the same fields and offsets), but the transfer
/// encoding skipped, so no body is decoded while parsing (the bodies are decoded here from
/// the raw bytes: text at once, attachments on first access).
static STRUCTURE: LazyLock<MessageParser> = LazyLock::new(|| {
    let mut p = MessageParser::new();
    for h in fields(TEXT_FIELDS) {
        p = p.header_text(h);
    }
    for h in fields(ADDRESS_FIELDS) {
        p = p.header_address(h);
    }
    for h in fields(ID_FIELDS) {
        p = p.header_id(h);
    }
    for h in fields(DATE_FIELDS) {
        p = p.header_date(h);
    }
    for h in fields(LIST_FIELDS) {
        p = p.header_comma_separated(h);
    }
    p.header_received(HeaderName::Received)
        .header_raw(HeaderName::MimeVersion)
        .header_content_type(HeaderName::ContentType)
        .header_content_type(HeaderName::ContentDisposition)
        // The extent of an unstructured field; the value is read in `transfer_encoding`.
        .ignore_header(HeaderName::ContentTransferEncoding)
});

/// The fields mail-parser reads by default with each of its parsers (unstructured text,
/// addresses, ids, dates, comma-separated lists).
const TEXT_FIELDS: &str = "Subject Comments Content-Description Content-Location";
const ADDRESS_FIELDS: &str = "From To Cc Bcc Reply-To Sender Resent-To Resent-From Resent-Bcc \
    Resent-Cc Resent-Sender List-Archive List-Help List-ID List-Owner List-Post List-Subscribe \
    List-Unsubscribe";
const ID_FIELDS: &str =
    "Message-ID References In-Reply-To Return-Path Content-ID Resent-Message-ID";
const DATE_FIELDS: &str = "Date Resent-Date";
const LIST_FIELDS: &str = "Keywords Content-Language";

fn fields(names: &'static str) -> impl Iterator<Item = HeaderName<'static>> {
    names.split_ascii_whitespace().filter_map(HeaderName::parse)
}

/// True when a part that mail-parser reads as a message (message/rfc822 or
/// message/global, or untyped in a multipart/digest) has a transfer encoding, at any
/// depth.
fn encoded_message_part(msg: &Message<'_>, raw: &[u8]) -> bool {
    let is = |ct: &mail_parser::ContentType<'_>, t: &str, sub: &[&str]| {
        ct.ctype().eq_ignore_ascii_case(t)
            && sub
                .iter()
                .any(|s| ct.subtype().is_some_and(|x| x.eq_ignore_ascii_case(s)))
    };
    let digest = msg.parts.iter().any(|p| {
        p.content_type()
            .is_some_and(|ct| is(ct, "multipart", &["digest"]))
    });
    msg.parts.iter().any(|p| {
        let message = p
            .content_type()
            .map_or(digest, |ct| is(ct, "message", &["rfc822", "global"]));
        (message && transfer_encoding(raw, p) != mail_parser::Encoding::None)
            || matches!(&p.body, PartType::Message(m) if encoded_message_part(m, raw))
    })
}

/// The declared Content-Transfer-Encoding of a part (the last field, as mail-parser
/// reads it), from the raw bytes.
fn transfer_encoding(raw: &[u8], part: &MessagePart<'_>) -> mail_parser::Encoding {
    let field = part
        .headers
        .iter()
        .rev()
        .find(|h| h.name == HeaderName::ContentTransferEncoding);
    let Some(h) = field else {
        return mail_parser::Encoding::None;
    };
    let value = raw
        .get(h.offset_start as usize..h.offset_end as usize)
        .unwrap_or_default();
    let text = value_text(value);
    match MessageStream::new(text.as_bytes()).parse_unstructured() {
        HeaderValue::Text(t) if t.trim().eq_ignore_ascii_case("base64") => {
            mail_parser::Encoding::Base64
        }
        HeaderValue::Text(t) if t.trim().eq_ignore_ascii_case("quoted-printable") => {
            mail_parser::Encoding::QuotedPrintable
        }
        _ => mail_parser::Encoding::None,
    }
}

/// The raw name (as written) and raw value bytes of a header.
fn raw_header<'a>(raw: &'a [u8], h: &mail_parser::Header<'_>) -> (String, &'a [u8]) {
    let (field, start, end) = (
        h.offset_field as usize,
        h.offset_start as usize,
        h.offset_end as usize,
    );
    let name = raw
        .get(field..start)
        .map(|n| {
            String::from_utf8_lossy(n)
                .trim_end_matches(':')
                .trim()
                .to_string()
        })
        .unwrap_or_else(|| h.name.as_str().to_string());
    (name, raw.get(start..end).unwrap_or_default())
}

/// A raw header value as UTF-8 text (Windows-1252 fallback), ending with a line end as the
/// mail-parser field parsers expect.
fn value_text(value: &[u8]) -> String {
    let mut s = codec::utf8_or_cp1252(value);
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

/// Trims ASCII white space only (a leading no-break space is content).
fn ascii_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_ascii_whitespace())
}

/// Unstructured decoding: unfolds and decodes RFC 2047 words.
fn unstructured(text: &str) -> String {
    match MessageStream::new(text.as_bytes()).parse_unstructured() {
        HeaderValue::Text(t) => ascii_trim(&t).to_string(),
        HeaderValue::TextList(l) => ascii_trim(&l.join(" ")).to_string(),
        _ => String::new(),
    }
}

/// Every mailbox of an address header, groups flattened, as `Name <addr>` or `addr`.
fn addresses(text: &str) -> Vec<String> {
    let value = MessageStream::new(text.as_bytes()).parse_address();
    let Some(addr) = value.as_address() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut push = |a: &mail_parser::Addr<'_>| {
        let name = ascii_trim(a.name.as_deref().unwrap_or(""));
        let address = a.address.as_deref().unwrap_or("").trim();
        if !name.is_empty() || !address.is_empty() {
            out.push(format_mailbox(name, address));
        }
    };
    match addr {
        Address::List(list) => list.iter().for_each(&mut push),
        Address::Group(groups) => groups
            .iter()
            .flat_map(|g| g.addresses.iter())
            .for_each(&mut push),
    }
    out
}

fn priority_from(name: &str, value: &str) -> i32 {
    let v = value.trim().to_ascii_lowercase();
    match name {
        "x-priority" => match v.chars().find(|c| !c.is_whitespace()) {
            Some(c @ '1'..='5') => c as i32 - '0' as i32,
            _ => 0,
        },
        _ => {
            if v.starts_with("high") || v.starts_with("urgent") {
                1
            } else if v.starts_with("normal") {
                3
            } else if v.starts_with("low") || v.starts_with("non-urgent") {
                5
            } else {
                0
            }
        }
    }
}

fn read_headers(email: &mut Email, raw: &[u8], root: &MessagePart<'_>) {
    let (mut have_subject, mut have_date, mut have_id, mut have_from, mut have_dnt) =
        (false, false, false, false, false);
    let mut reply_to: Vec<String> = Vec::new();
    let mut x_priority = 0;
    let mut other_priority = 0;
    for h in &root.headers {
        let (name, value) = raw_header(raw, h);
        let text = value_text(value);
        let decoded = unstructured(&text);
        let lname = name.to_ascii_lowercase();
        match lname.as_str() {
            "from" if !have_from => {
                have_from = true;
                email.sender = addresses(&text).into_iter().next().unwrap_or_default();
            }
            "to" => email.to.extend(addresses(&text)),
            "cc" => email.cc.extend(addresses(&text)),
            "bcc" => email.bcc.extend(addresses(&text)),
            "reply-to" => reply_to.extend(addresses(&text)),
            "disposition-notification-to" if !have_dnt => {
                have_dnt = true;
                email.disposition_notification = true;
                email.disposition_notification_to =
                    addresses(&text).into_iter().next().unwrap_or_default();
            }
            "sensitivity" => email.confidentiality = decoded.trim().to_ascii_lowercase(),
            "subject" if !have_subject => {
                have_subject = true;
                email.subject = decoded.clone();
            }
            "date" if !have_date => {
                have_date = true;
                if let HeaderValue::DateTime(d) = MessageStream::new(text.as_bytes()).parse_date() {
                    email.date = date_from_parsed(&d)
                        .map(|d| d.to_rfc3339())
                        .unwrap_or_default();
                }
            }
            "message-id" if !have_id => {
                have_id = true;
                email.message_id = match MessageStream::new(text.as_bytes()).parse_id() {
                    HeaderValue::Text(t) => t.to_string(),
                    HeaderValue::TextList(l) => {
                        l.first().map(|t| t.to_string()).unwrap_or_default()
                    }
                    _ => decoded.trim_matches(|c| c == '<' || c == '>').to_string(),
                };
            }
            "x-priority" if x_priority == 0 => x_priority = priority_from(&lname, &decoded),
            "importance" | "priority" | "x-msmail-priority" if other_priority == 0 => {
                other_priority = priority_from(&lname, &decoded)
            }
            _ => {}
        }
        email.headers.push((name, decoded));
    }
    email.reply_to = reply_to.join(", ");
    email.priority = if x_priority != 0 {
        x_priority
    } else {
        other_priority
    };
}

/// What mail-parser read: the source itself (`decoded`: its bodies decoded while
/// parsing) or a [`Skeleton`] of it, whose positions map back to the source.
struct View<'a> {
    bytes: &'a [u8],
    skeleton: Option<&'a Skeleton<'a>>,
    source: &'a Source,
    decoded: bool,
}

impl View<'_> {
    fn to_source(&self, range: Range<usize>) -> Range<usize> {
        match self.skeleton {
            Some(s) => s.to_source(range.start)..s.to_source(range.end),
            None => range,
        }
    }
}

/// Where a part sits: what mail-parser read, and the boundary enclosing the part.
struct PartAt<'a> {
    view: &'a View<'a>,
    boundary: Option<&'a str>,
}

/// The range of the raw message holding a part's body as the lenient decoders read it:
/// cut at the enclosing boundary when mail-parser let the body run past it (mail-parser
/// drops the encoding of a part whose closing boundary is missing); when the part runs to
/// the end of the message, the final line end (which ends the message, not the body) is
/// dropped, as a boundary drops it in a multipart.
fn lenient_range(raw: &[u8], part: &MessagePart<'_>, boundary: Option<&str>) -> Range<usize> {
    let start = (part.offset_body as usize).min(raw.len());
    let end = (part.offset_end as usize).clamp(start, raw.len());
    let mut body = &raw[start..end];
    let mut cut = false;
    if let Some(b) = boundary.filter(|b| !b.is_empty()) {
        let delimiter = format!("\n--{b}");
        if let Some(p) = find_bytes(body, delimiter.as_bytes()) {
            body = &body[..p];
            body = body.strip_suffix(b"\r").unwrap_or(body);
            cut = true;
        }
    }
    if end >= raw.len() && !cut {
        body = text::trim_line_end(body);
    }
    start..start + body.len()
}

/// The transfer-decoded bytes of a text part (see [`lenient_range`]), read from the source.
fn part_bytes(part: &MessagePart<'_>, at: &PartAt<'_>) -> Vec<u8> {
    let view = at.view;
    let range = view.to_source(lenient_range(view.bytes, part, at.boundary));
    codec::decode_transfer(&view.source[range], transfer_encoding(view.bytes, part))
}

/// The content of an attachment part, decoded on first access: a binary part as
/// mail-parser decodes it, any other (a text or message part, or a binary one mail-parser
/// finds malformed) by the lenient decoders.
fn lazy_content(part: &MessagePart<'_>, at: &PartAt<'_>, binary: bool) -> Content {
    let view = at.view;
    let enc = transfer_encoding(view.bytes, part);
    let lenient = view.to_source(lenient_range(view.bytes, part, at.boundary));
    let decoding = match (binary, enc) {
        (true, mail_parser::Encoding::None) => Decoding::Raw,
        (true, enc) => Decoding::MailParser(enc),
        (false, enc) => Decoding::Lenient(enc),
    };
    let body = view.to_source(part.offset_body as usize..part.offset_end as usize);
    let boundary = at.boundary.unwrap_or("").as_bytes();
    Content::part(Part::new(
        view.source.clone(),
        body,
        lenient.end,
        boundary,
        decoding,
    ))
}

/// A date parsed by mail-parser; None when out of range.
/// An RFC 5322 date (`Fri, 01 Mar 2024 10:20:30 +0100`), as a `Date` header holds it.
pub fn parse_date(text: &str) -> Option<DateTime> {
    match MessageStream::new(format!("{text}\r\n").as_bytes()).parse_date() {
        HeaderValue::DateTime(d) => date_from_parsed(&d),
        _ => None,
    }
}

fn date_from_parsed(d: &mail_parser::DateTime) -> Option<DateTime> {
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

/// First occurrence of `needle` (which starts with LF) in `hay`: jumps from LF to LF
/// instead of comparing at every offset (a 25 MB attachment is searched for its boundary).
fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let first = *needle.first()?;
    let mut from = 0;
    while let Some(i) = text::find_byte(&hay[from..], first) {
        let at = from + i;
        if hay[at..].starts_with(needle) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

fn clean_id(id: &str) -> String {
    id.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_string()
}

/// A body part fills the text or HTML body; any other becomes an attachment whose
/// content stays encoded in the source until first asked for (a binary body mail-parser
/// decoded already is moved out, not copied).
fn read_part(email: &mut Email, part: &mut MessagePart<'_>, at: &PartAt<'_>) {
    if matches!(part.body, PartType::Multipart(_)) {
        return;
    }
    let ct = part.content_type();
    let (ctype, subtype) = match ct {
        Some(ct) => (
            ct.ctype().trim().to_ascii_lowercase(),
            ct.subtype().unwrap_or("").trim().to_ascii_lowercase(),
        ),
        None => ("text".to_string(), "plain".to_string()),
    };
    if ctype == "multipart" {
        // A multipart without a usable boundary: mail-parser keeps it as text. Ignore it.
        return;
    }
    let disposition = part
        .content_disposition()
        .map(|d| d.ctype().trim().to_ascii_lowercase())
        .unwrap_or_default();
    // The name as sent (RFC 2047 / RFC 2231 decoded by the parser), then made safe.
    let sent_name = part.attachment_name().map(str::to_string);
    let named = sent_name
        .as_deref()
        .is_some_and(|n| !ascii_trim(n).is_empty());
    let filename = sent_name.as_deref().and_then(safe_name);
    let content_id = part.content_id().map(clean_id).unwrap_or_default();
    let full_type = if subtype.is_empty() {
        ctype.clone()
    } else {
        format!("{ctype}/{subtype}")
    };

    let is_message = full_type == "message/rfc822" || matches!(part.body, PartType::Message(_));
    let is_body_type = !is_message && ctype == "text" && (subtype == "plain" || subtype == "html");
    if is_body_type && !named && disposition != "attachment" {
        let slot_free = if subtype == "html" {
            email.html.is_empty()
        } else {
            email.message.is_empty()
        };
        if slot_free {
            let bytes = part_bytes(part, at);
            let charset = ct.and_then(|c| c.attribute("charset"));
            let text = text::normalize_crlf_string(codec::decode_charset(&bytes, charset));
            if subtype == "html" {
                email.html = text;
            } else {
                email.message = text;
            }
            return;
        }
        if content_id.is_empty() {
            // A further inline text part without a name: not an attachment.
            return;
        }
    }

    let binary =
        !is_message && matches!(part.body, PartType::Binary(_) | PartType::InlineBinary(_));
    let data = if binary && at.view.decoded {
        match std::mem::replace(&mut part.body, PartType::Binary(Default::default())) {
            PartType::Binary(b) | PartType::InlineBinary(b) => Content::from(b.into_owned()),
            _ => Content::default(),
        }
    } else {
        lazy_content(part, at, binary)
    };
    let content_type = if is_message {
        "message/rfc822".to_string()
    } else {
        full_type
    };
    let name = filename.unwrap_or_else(|| {
        let n = email.attachments.len() + 1;
        if is_message {
            format!("message{n}.eml")
        } else {
            format!("part{n}.{}", extension_for(&content_type))
        }
    });
    let raw_name = sent_name.unwrap_or_default();
    email.attachments.push(Attachment {
        raw_name: (raw_name != name).then_some(raw_name),
        name,
        content_type,
        content_id,
        data,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal() {
        let e = parse(b"Subject: hi\r\nFrom: A <a@b.c>\r\n\r\nHello\r\n").unwrap();
        assert_eq!(e.subject, "hi");
        assert_eq!(e.sender, "A <a@b.c>");
        assert_eq!(e.message, "Hello");
        assert_eq!(e.size, 39);
        assert_eq!(e.header("SUBJECT", 0), Some("hi"));
        assert!(parse(b"").is_err());
    }

    #[test]
    fn message_part_without_headers_stops_at_the_boundary() {
        let m = b"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
                  Content-Type: message/rfc822\r\n\r\nnot a header\r\n--b--\r\n";
        let e = parse(m).unwrap();
        assert_eq!(e.attachments.len(), 1);
        assert_eq!(e.attachments[0].data, b"not a header");
    }

    #[test]
    fn base64_attached_message() {
        let m = b"Subject: outer\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\
                  Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n\
                  U3ViamVjdDogaW5uZXINCg0KaGk=\r\n--b--\r\n";
        let e = parse(m).unwrap();
        assert_eq!(e.subject, "outer");
        assert_eq!(e.message, "");
        assert_eq!(e.attachments[0].content_type, "message/rfc822");
        assert_eq!(e.attachments[0].name, "message1.eml");
        assert_eq!(e.attachments[0].data, b"Subject: inner\r\n\r\nhi");
    }

    #[test]
    fn structure_fields_are_known_to_mail_parser() {
        for list in [
            TEXT_FIELDS,
            ADDRESS_FIELDS,
            ID_FIELDS,
            DATE_FIELDS,
            LIST_FIELDS,
        ] {
            let names: Vec<&str> = list.split_ascii_whitespace().collect();
            let known: Vec<HeaderName<'_>> = fields(list)
                .filter(|h| !matches!(h, HeaderName::Other(_)))
                .collect();
            assert_eq!(known.len(), names.len(), "{names:?}");
        }
    }

    #[test]
    fn eight_bit_header() {
        let e = parse(b"Subject: caf\xe9 =?utf-8?Q?cr=C3=A8me?=\r\n\r\nx").unwrap();
        assert_eq!(e.subject, "café crème");
    }
}
