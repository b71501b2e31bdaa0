//! Building an RFC 5322 / MIME message from an `Email` (`EmailConstruitSource`).
//!
//! Written by hand rather than with mail-builder so that every line end is CRLF, no line
//! exceeds 998 bytes, the Date keeps the caller's offset, and header encoding is under our
//! control (see the notes in `build`).

use crate::error::{Error, Result};
use crate::limits::MAX_MESSAGE;
use crate::message::address::{is_valid_syntax, split_list, split_mailbox};
use crate::message::attachments::mime_type_for;
use crate::message::codec;
use crate::message::model::{Attachment, Email, has_line_break};
use crate::text::quoted;
use crate::text::{self, DateTime};

/// Options of `build` (`WD_BUILD_*` flags).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BuildOptions {
    /// Write the Bcc header (`WD_BUILD_HEADER_BCC`); by default Bcc recipients are left out
    /// of the source.
    pub header_bcc: bool,
    /// Encode every text header (Subject, display names, extra headers) as RFC 2047 encoded
    /// words even when it is plain ASCII (`WD_BUILD_ENCODE_HEADER`). Non-ASCII text is always
    /// encoded.
    pub encode_headers: bool,
}

/// Soft line-length limit for folded headers.
const FOLD_AT: usize = 78;
/// A word longer than this cannot be folded: the header is written as encoded words.
const MAX_WORD: usize = 900;

/// Builds the source of `email` into `email.source` and `email.size`.
///
/// Headers: From, To, Cc (Bcc only with `header_bcc`), Reply-To, Subject, Date, Message-ID,
/// X-Priority and Importance (when `priority` is 1..5), Disposition-Notification-To, the
/// extra `headers`, MIME-Version. Extra headers named like a header built from a field
/// (From, To, Cc, Bcc, Reply-To, Subject, Date, Message-ID, MIME-Version, Content-*, and
/// the priority and receipt headers when those fields are set) are skipped, so an imported
/// message can be rebuilt.
///
/// Structure: text → text/plain; HTML → text/html; both → multipart/alternative; parts with
/// a Content-ID → multipart/related around the HTML (plain attachments when there is no
/// HTML); other attachments → multipart/mixed. Text is UTF-8, 7bit when possible, else
/// quoted-printable (mostly ASCII) or base64; attachments are base64 (message/rfc822 is
/// kept as 7bit/8bit when its lines allow it, it reads back as itself in its part, see
/// `reads_back_raw`, and the whole message reads back with the same attachments; else
/// every attached message is base64). Every line ends with CRLF.
///
/// When `date` is empty the current UTC time is used and written back (RFC 3339); when
/// `message_id` is empty one is generated (`random@sender-domain`, else `@localhost`) and
/// written back without brackets. Errors: `InvalidArgument` for CR or LF in a header
/// field, address or attachment name, a bad header name or a priority outside 0..5;
/// `Message` for a `date` that is not RFC 3339 or a message larger than `MAX_MESSAGE`.
pub fn build(email: &mut Email, opts: BuildOptions) -> Result<()> {
    check_fields(email)?;
    let date = if email.date.trim().is_empty() {
        DateTime::now_utc()
    } else {
        DateTime::parse_rfc3339(&email.date).ok_or_else(|| {
            Error::message(format!(
                "date {} is not an RFC 3339 date (e.g. 2024-03-01T10:20:30+01:00)",
                quoted(&email.date)
            ))
        })?
    };
    let message_id = if email.message_id.trim().is_empty() {
        generate_message_id(&email.sender)
    } else {
        let id = email
            .message_id
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_string();
        if id.is_empty()
            || !id
                .bytes()
                .all(|b| b.is_ascii_graphic() && b != b'<' && b != b'>')
        {
            return Err(Error::invalid_arg(format!(
                "message_id {} is not a valid Message-ID",
                quoted(&email.message_id)
            )));
        }
        id
    };

    let force = opts.encode_headers;
    let mut out: Vec<u8> = Vec::with_capacity(4096);
    let mut generated: Vec<&str> = vec![
        "from",
        "to",
        "cc",
        "bcc",
        "reply-to",
        "subject",
        "date",
        "message-id",
        "mime-version",
    ];
    if !email.sender.trim().is_empty() {
        out.extend(address_header(
            "From",
            &mailboxes(std::slice::from_ref(&email.sender)),
            force,
        ));
    }
    for (name, list) in [("To", &email.to), ("Cc", &email.cc)] {
        let boxes = mailboxes(list);
        if !boxes.is_empty() {
            out.extend(address_header(name, &boxes, force));
        }
    }
    if opts.header_bcc {
        let boxes = mailboxes(&email.bcc);
        if !boxes.is_empty() {
            out.extend(address_header("Bcc", &boxes, force));
        }
    }
    let reply_to = mailboxes(std::slice::from_ref(&email.reply_to));
    if !reply_to.is_empty() {
        out.extend(address_header("Reply-To", &reply_to, force));
    }
    if !email.subject.is_empty() {
        out.extend(unstructured_header("Subject", &email.subject, force));
    }
    out.extend(fold("Date", &[date.to_rfc5322()]));
    out.extend(fold("Message-ID", &[format!("<{message_id}>")]));
    if email.priority != 0 {
        let label = ["Highest", "High", "Normal", "Low", "Lowest"][(email.priority - 1) as usize];
        out.extend(fold(
            "X-Priority",
            &[format!("{} ({label})", email.priority)],
        ));
        let importance = match email.priority {
            1 | 2 => "high",
            3 => "normal",
            _ => "low",
        };
        out.extend(fold("Importance", &[importance.to_string()]));
        generated.extend(["x-priority", "importance", "priority", "x-msmail-priority"]);
    }
    if email.disposition_notification {
        let to = if email.disposition_notification_to.trim().is_empty() {
            &email.sender
        } else {
            &email.disposition_notification_to
        };
        let dnt = mailboxes(std::slice::from_ref(to));
        if dnt.is_empty() {
            return Err(Error::invalid_arg(
                "a read receipt is asked (WD_EMAIL_DISPOSITION_NOTIFICATION) but there is \
                 no address to send it to (WD_EMAIL_DISPOSITION_NOTIFICATION_TO or the sender)",
            ));
        }
        out.extend(address_header("Disposition-Notification-To", &dnt, force));
        generated.push("disposition-notification-to");
    }
    if let Some(value) = sensitivity(&email.confidentiality) {
        out.extend(fold("Sensitivity", &[value.to_string()]));
        generated.push("sensitivity");
    }
    for (name, value) in &email.headers {
        let lname = name.trim().to_ascii_lowercase();
        if generated.contains(&lname.as_str()) || lname.starts_with("content-") {
            continue;
        }
        out.extend(unstructured_header(name.trim(), value, force));
    }
    out.extend_from_slice(b"MIME-Version: 1.0\r\n");

    let head = out.len();
    let body = body_tree(email, true)?;
    write_part(&mut out, &body.tree, true);
    out.extend_from_slice(b"\r\n");
    if body.raw && !attachments_read_back(&out, &body.order) {
        // A raw attached message takes part in the framing of the whole message (a
        // multipart of its own left open reads a later part's lines as its delimiters…):
        // every attached message is written in base64 then.
        out.truncate(head);
        let body = body_tree(email, false)?;
        write_part(&mut out, &body.tree, true);
        out.extend_from_slice(b"\r\n");
    }

    if out.len() > MAX_MESSAGE {
        return Err(Error::message(format!(
            "message too large ({} bytes, limit {MAX_MESSAGE})",
            out.len()
        )));
    }
    email.date = date.to_rfc3339();
    email.message_id = message_id;
    email.size = out.len() as i64;
    email.source = out.into();
    Ok(())
}

/// Refuses CR/LF in every header-bound field (no header injection) and bad header names.
fn check_fields(email: &Email) -> Result<()> {
    let single = [
        ("sender", &email.sender),
        ("reply_to", &email.reply_to),
        ("subject", &email.subject),
        ("date", &email.date),
        ("message_id", &email.message_id),
        (
            "disposition_notification_to",
            &email.disposition_notification_to,
        ),
    ];
    for (field, value) in single {
        if has_line_break(value) {
            return Err(Error::invalid_arg(format!("{field} holds a CR or LF")));
        }
    }
    for (field, list) in [("to", &email.to), ("cc", &email.cc), ("bcc", &email.bcc)] {
        if let Some(i) = list.iter().position(|a| has_line_break(a)) {
            return Err(Error::invalid_arg(format!("{field}[{i}] holds a CR or LF")));
        }
    }
    for (name, value) in &email.headers {
        let n = name.trim();
        if n.is_empty() || n.len() > 76 || !n.bytes().all(|b| b.is_ascii_graphic() && b != b':') {
            return Err(Error::invalid_arg(format!(
                "header name {} is not valid",
                quoted(name)
            )));
        }
        if has_line_break(value) {
            return Err(Error::invalid_arg(format!("header {n} holds a CR or LF")));
        }
    }
    for (i, a) in email.attachments.iter().enumerate() {
        for (field, value) in [
            ("name", &a.name),
            ("content_type", &a.content_type),
            ("content_id", &a.content_id),
        ] {
            if has_line_break(value) {
                return Err(Error::invalid_arg(format!(
                    "attachment {i} {field} holds a CR or LF"
                )));
            }
        }
        if !a.content_type.is_ascii() {
            return Err(Error::invalid_arg(format!(
                "attachment {i} content_type is not ASCII"
            )));
        }
        if a.content_id
            .chars()
            .any(|c| c.is_whitespace() || !c.is_ascii())
        {
            return Err(Error::invalid_arg(format!(
                "attachment {i} content_id {} is not valid",
                quoted(&a.content_id)
            )));
        }
    }
    if !(0..=5).contains(&email.priority) {
        return Err(Error::invalid_arg(format!(
            "priority {} is not in 0..5",
            email.priority
        )));
    }
    Ok(())
}

/// The `Sensitivity` header value (RFC 2156) of a confidentiality level; `None` for the
/// normal level (no header).
pub fn sensitivity(level: &str) -> Option<&'static str> {
    match level.trim().to_ascii_lowercase().as_str() {
        "personal" => Some("Personal"),
        "private" => Some("Private"),
        "company-confidential" => Some("Company-Confidential"),
        _ => None,
    }
}

/// Random hex digits from the OS generator (time-based fallback if it fails).
fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    if getrandom::getrandom(&mut buf).is_err() {
        use std::hash::{BuildHasher, Hasher};
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        for chunk in buf.chunks_mut(8) {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u128(nanos);
            let v = h.finish().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

fn generate_message_id(sender: &str) -> String {
    let addr = split_mailbox(sender).1;
    let host = match addr.rsplit_once('@') {
        Some((_, d)) if is_valid_syntax(&addr) && d.is_ascii() => d.to_string(),
        _ => "localhost".to_string(),
    };
    format!("{}@{host}", random_hex(16))
}

/// Every mailbox of a list of address strings (each may itself hold a list).
fn mailboxes(list: &[String]) -> Vec<(String, String)> {
    list.iter()
        .flat_map(|s| split_list(s))
        .map(|m| split_mailbox(&m))
        .filter(|(_, a)| !a.is_empty())
        .collect()
}

/// Folds `name: tok tok tok` at the spaces between tokens so lines stay near 78 bytes.
fn fold(name: &str, tokens: &[String]) -> Vec<u8> {
    let mut s = format!("{name}:");
    let mut line = s.len();
    for t in tokens {
        if line + 1 + t.len() > FOLD_AT && line > name.len() + 1 && !t.is_empty() {
            s.push_str("\r\n ");
            line = 1;
        } else {
            s.push(' ');
            line += 1;
        }
        s.push_str(t);
        line += t.len();
    }
    s.push_str("\r\n");
    s.into_bytes()
}

fn needs_encoding(text: &str, force: bool) -> bool {
    force
        || !text.is_ascii()
        || text.chars().any(|c| c.is_control() && c != '\t')
        || text.contains("=?")
        || text.split(' ').any(|w| w.len() > MAX_WORD)
}

fn unstructured_header(name: &str, value: &str, force: bool) -> Vec<u8> {
    if value.is_empty() {
        return fold(name, &[]);
    }
    let tokens: Vec<String> = if needs_encoding(value, force) {
        codec::encoded_words(value)
    } else {
        value.split(' ').map(str::to_string).collect()
    };
    fold(name, &tokens)
}

/// A display name as header tokens: atoms, one quoted string, or encoded words.
fn phrase_tokens(name: &str, force: bool) -> Vec<String> {
    if needs_encoding(name, force) {
        return codec::encoded_words(name);
    }
    let atom_ok = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~. ".contains(c);
    if name.chars().all(atom_ok)
        && !name.starts_with(' ')
        && !name.ends_with(' ')
        && !name.contains("  ")
    {
        name.split(' ').map(str::to_string).collect()
    } else {
        vec![format!(
            "\"{}\"",
            name.replace('\\', "\\\\").replace('"', "\\\"")
        )]
    }
}

fn address_header(name: &str, boxes: &[(String, String)], force: bool) -> Vec<u8> {
    let mut tokens = Vec::new();
    for (i, (display, addr)) in boxes.iter().enumerate() {
        let mut addr_token = if display.is_empty() {
            addr.clone()
        } else {
            format!("<{addr}>")
        };
        if !display.is_empty() {
            tokens.extend(phrase_tokens(display, force));
        }
        if i + 1 < boxes.len() {
            addr_token.push(',');
        }
        tokens.push(addr_token);
    }
    fold(name, &tokens)
}

/// One MIME part ready to be written.
enum Part {
    Leaf {
        headers: Vec<u8>,
        body: Vec<u8>,
    },
    Multi {
        subtype: &'static str,
        params: String,
        parts: Vec<Part>,
    },
}

fn text_part(text: &str, subtype: &str) -> Part {
    let body = crate::text::normalize_crlf(text.as_bytes()).into_owned();
    let seven_bit = body
        .iter()
        .all(|&b| b == b'\t' || b == b'\r' || b == b'\n' || (32..127).contains(&b))
        && body.split(|&b| b == b'\n').all(|l| l.len() <= 999);
    let non_ascii = body.iter().filter(|b| !b.is_ascii()).count();
    let (cte, encoded) = if seven_bit {
        ("7bit", body)
    } else if non_ascii * 3 > body.len() {
        ("base64", codec::encode_base64_lines(&body))
    } else {
        ("quoted-printable", codec::encode_qp(&body))
    };
    let headers = format!(
        "Content-Type: text/{subtype}; charset=utf-8\r\nContent-Transfer-Encoding: {cte}\r\n"
    );
    Part::Leaf {
        headers: headers.into_bytes(),
        body: encoded,
    }
}

/// RFC 2231 `key*0*=utf-8''…` parameters (one per line) for a non-ASCII or long value.
fn rfc2231_params(key: &str, value: &str) -> Vec<String> {
    // Chunks never split a character: mail-parser 0.11 decodes each continuation on its
    // own, so a split UTF-8 sequence would come back as U+FFFD.
    let mut chunks: Vec<String> = vec![String::new()];
    let mut buf = [0u8; 4];
    for c in value.chars() {
        let mut piece = String::new();
        for &b in c.encode_utf8(&mut buf).as_bytes() {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                piece.push(b as char);
            } else {
                piece.push_str(&format!("%{b:02X}"));
            }
        }
        if chunks
            .last()
            .is_some_and(|c| !c.is_empty() && c.len() + piece.len() > 60)
        {
            chunks.push(String::new());
        }
        if let Some(c) = chunks.last_mut() {
            c.push_str(&piece);
        }
    }
    if chunks.len() == 1 {
        return vec![format!("{key}*=utf-8''{}", chunks[0])];
    }
    chunks
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i == 0 {
                format!("{key}*0*=utf-8''{c}")
            } else {
                format!("{key}*{i}*={c}")
            }
        })
        .collect()
}

fn quoted_param(key: &str, value: &str) -> String {
    format!(
        "{key}=\"{}\"",
        value.replace('\\', "\\\\").replace('"', "\\\"")
    )
}

fn plain_param_ok(value: &str) -> bool {
    value.len() <= 70 && value.bytes().all(|b| (32..127).contains(&b)) && !value.contains("=?")
}

/// A file name as the parameter `key` (`name` of Content-Type, `filename` of
/// Content-Disposition): quoted ASCII, else RFC 2231 (`key*=utf-8''…`). Never RFC 2047
/// encoded words inside a quoted parameter, which RFC 2047 §5 forbids and strict parsers
/// report as a defect; clients show the name of Content-Disposition's `filename*`.
fn name_param(key: &str, name: &str) -> Vec<String> {
    if plain_param_ok(name) {
        vec![quoted_param(key, name)]
    } else {
        rfc2231_params(key, name)
    }
}

fn header_with_params(name: &str, value: &str, params: &[String]) -> String {
    let mut s = format!("{name}: {value}");
    for p in params {
        s.push_str(";\r\n ");
        s.push_str(p);
    }
    s.push_str("\r\n");
    s
}

/// True when raw message bytes can travel as 7bit/8bit: CRLF line ends only, no NUL, lines
/// of at most 998 bytes.
fn is_8bit_safe(data: &[u8]) -> bool {
    let mut prev = 0u8;
    for &b in data {
        if b == 0 || (b == b'\n' && prev != b'\r') || (prev == b'\r' && b != b'\n') {
            return false;
        }
        prev = b;
    }
    prev != b'\r' && data.split(|&b| b == b'\n').all(|l| l.len() <= 999)
}

/// True when the attached message `data`, written raw (7bit/8bit, `cte`) in a multipart
/// part, reads back as itself and ends where its part ends. The parser reads a raw attached
/// message as a message of its own, so its content takes part in the framing: a header
/// block without the blank line that ends it, a multipart whose closing delimiter is
/// missing, a message that is itself directly a message/rfc822 (mail-parser 0.11 then
/// closes one nested message at the boundary, not both)… make the parser read the
/// following parts into it. Checked by reading the part back with a part after it; what
/// depends on the other parts (a multipart of its own without any delimiter line, with a
/// line of a later raw message taken for one) is checked on the whole message (`build`).
fn reads_back_raw(data: &[u8], cte: &str) -> bool {
    let boundary = format!("=_wd300com_{}", random_hex(12));
    let mut m = format!(
        "Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n--{boundary}\r\n\
         Content-Type: message/rfc822\r\nContent-Transfer-Encoding: {cte}\r\n\r\n"
    )
    .into_bytes();
    m.extend_from_slice(data);
    m.extend_from_slice(
        format!(
            "\r\n--{boundary}\r\nContent-Type: application/octet-stream\r\n\r\n\
             end\r\n--{boundary}--\r\n"
        )
        .as_bytes(),
    );
    crate::message::parse::parse(&m).is_ok_and(
        |e| matches!(e.attachments.as_slice(), [a, b] if *a.data == *data && *b.data == *b"end"),
    )
}

/// The part of attachment `a` (`index` in `Email::attachments`), and whether it is an
/// attached message written raw: only when `raw_ok` and `reads_back_raw`.
fn attachment_part(a: &Attachment, index: usize, raw_ok: bool) -> (Part, bool) {
    let name = if a.name.is_empty() {
        format!("attachment{}", index + 1)
    } else {
        a.name.clone()
    };
    let ctype = if a.content_type.trim().is_empty() {
        mime_type_for(&name).to_string()
    } else {
        a.content_type.trim().to_string()
    };
    let inline = !a.content_id.is_empty();
    let mut headers = header_with_params("Content-Type", &ctype, &name_param("name", &name));
    // The media type itself, parameters aside (not `message/rfc822x`).
    let is_message = ctype
        .split(';')
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("message/rfc822"));
    let normalized = text::normalize_crlf(&a.data);
    let cte = if normalized.is_ascii() {
        "7bit"
    } else {
        "8bit"
    };
    let raw = raw_ok && is_message && is_8bit_safe(&normalized) && reads_back_raw(&normalized, cte);
    let body = if raw {
        let data = normalized.into_owned();
        headers.push_str(&format!("Content-Transfer-Encoding: {cte}\r\n"));
        data
    } else {
        headers.push_str("Content-Transfer-Encoding: base64\r\n");
        codec::encode_base64_lines(&a.data)
    };
    let disposition = if inline { "inline" } else { "attachment" };
    headers.push_str(&header_with_params(
        "Content-Disposition",
        disposition,
        &name_param("filename", &name),
    ));
    if inline {
        let cid = a.content_id.trim_start_matches('<').trim_end_matches('>');
        headers.push_str(&format!("Content-ID: <{cid}>\r\n"));
    }
    (
        Part::Leaf {
            headers: headers.into_bytes(),
            body,
        },
        raw,
    )
}

/// An attachment with its index in `Email::attachments`.
type Numbered<'a> = (usize, &'a Attachment);

/// The body of a message: its part tree, the attachments in the order it holds them, and
/// whether an attached message is written raw in it.
struct Body<'a> {
    tree: Part,
    order: Vec<&'a Attachment>,
    raw: bool,
}

/// The body of `email`; attached messages may be written raw when `raw_ok`.
fn body_tree(email: &Email, raw_ok: bool) -> Result<Body<'_>> {
    let text = (!email.message.is_empty()).then(|| text_part(&email.message, "plain"));
    let has_html = !email.html.is_empty();
    let (inline, regular): (Vec<Numbered>, Vec<Numbered>) = email
        .attachments
        .iter()
        .enumerate()
        .partition(|(_, a)| has_html && !a.content_id.is_empty());
    let order = inline.iter().chain(&regular).map(|(_, a)| *a).collect();
    let mut raw = false;
    let mut part = |(i, a): &Numbered| {
        let (p, r) = attachment_part(a, *i, raw_ok);
        raw |= r;
        p
    };

    let html = has_html.then(|| {
        let html = text_part(&email.html, "html");
        if inline.is_empty() {
            html
        } else {
            let mut parts = vec![html];
            parts.extend(inline.iter().map(&mut part));
            Part::Multi {
                subtype: "related",
                params: "type=\"text/html\"".to_string(),
                parts,
            }
        }
    });
    let main = match (text, html) {
        (Some(t), Some(h)) => Some(Part::Multi {
            subtype: "alternative",
            params: String::new(),
            parts: vec![t, h],
        }),
        (Some(t), None) => Some(t),
        (None, Some(h)) => Some(h),
        (None, None) => None,
    };
    let tree = if regular.is_empty() {
        main.unwrap_or_else(|| text_part("", "plain"))
    } else {
        let mut parts: Vec<Part> = main.into_iter().collect();
        parts.extend(regular.iter().map(&mut part));
        Part::Multi {
            subtype: "mixed",
            params: String::new(),
            parts,
        }
    };
    Ok(Body { tree, order, raw })
}

/// True when the built message `source` reads back with the attachments `order`, in that
/// order: the same data (an attached message written raw with CRLF line ends).
fn attachments_read_back(source: &[u8], order: &[&Attachment]) -> bool {
    crate::message::parse::parse(source).is_ok_and(|e| {
        e.attachments.len() == order.len()
            && e.attachments.iter().zip(order).all(|(got, sent)| {
                *got.data == *sent.data || *got.data == *text::normalize_crlf(&sent.data)
            })
    })
}

/// Writes a part: headers, blank line, body; a multipart ends with its closing delimiter
/// (no final line end: the enclosing delimiter or the caller adds it).
fn write_part(out: &mut Vec<u8>, part: &Part, top: bool) {
    match part {
        Part::Leaf { headers, body } => {
            out.extend_from_slice(headers);
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(body);
        }
        Part::Multi {
            subtype,
            params,
            parts,
        } => {
            let boundary = format!("=_wd300com_{}", random_hex(12));
            let mut p = vec![format!("boundary=\"{boundary}\"")];
            if !params.is_empty() {
                p.push(params.clone());
            }
            out.extend(
                header_with_params("Content-Type", &format!("multipart/{subtype}"), &p)
                    .into_bytes(),
            );
            out.extend_from_slice(b"\r\n");
            if top {
                out.extend_from_slice(b"This is a multi-part message in MIME format.\r\n");
            }
            for child in parts {
                out.extend_from_slice(b"\r\n--");
                out.extend_from_slice(boundary.as_bytes());
                out.extend_from_slice(b"\r\n");
                write_part(out, child, false);
            }
            out.extend_from_slice(b"\r\n--");
            out.extend_from_slice(boundary.as_bytes());
            out.extend_from_slice(b"--");
        }
    }
}
