//! Pure helpers for building SMTP commands and preparing a message for sending: envelope
//! addresses, MAIL FROM parameters, Bcc removal, CRLF normalisation. No I/O here.

use std::borrow::Cow;

use crate::error::{Error, Result};
use crate::text;
use crate::text::quoted;

/// The bare address of "Name <addr@host>" or "addr@host": the one mailbox parser of the
/// message model.
pub use crate::message::address::bare;

/// Checks an envelope address (bare): no white space, control character or angle
/// bracket (no command injection), a local part and a domain around the last '@'.
/// Non-ASCII is allowed (SMTPUTF8). `what` names it in the error.
pub fn check_envelope_address(addr: &str, what: &str) -> Result<()> {
    let bad = addr
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>'));
    if let Some(c) = bad {
        return Err(Error::invalid_arg(format!(
            "{what} {} holds a forbidden character U+{:04X}",
            quoted(addr),
            c as u32
        )));
    }
    match addr.rsplit_once('@') {
        Some((local, domain)) if !local.is_empty() && !domain.is_empty() => Ok(()),
        _ => Err(Error::invalid_arg(format!(
            "{what} {} is not an address (local@domain)",
            quoted(addr)
        ))),
    }
}

/// What a message needs from the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Needs {
    /// Some byte of the message is >= 0x80 (BODY=8BITMIME).
    pub eight_bit: bool,
    /// An envelope address is not ASCII (SMTPUTF8 is then mandatory).
    pub utf8_address: bool,
    /// The header section holds raw UTF-8 (SMTPUTF8 when offered).
    pub utf8_headers: bool,
}

/// Looks at a (normalised) message and its envelope.
pub fn needs(data: &[u8], from: &str, recipients: &[String]) -> Needs {
    let head_end = header_end(data);
    Needs {
        eight_bit: !data.is_ascii(),
        utf8_address: utf8_address(from, recipients),
        utf8_headers: !data[..head_end].is_ascii(),
    }
}

fn utf8_address(from: &str, recipients: &[String]) -> bool {
    !from.is_ascii() || recipients.iter().any(|r| !r.is_ascii())
}

/// [`prepare_data`] and [`needs`] together, reading the message once in the usual case
/// (no Bcc header to remove, CRLF line ends, a final line end): the message is then sent
/// as it is.
pub fn prepare_message<'a>(
    data: &'a [u8],
    keep_bcc: bool,
    from: &str,
    recipients: &[String],
) -> (Cow<'a, [u8]>, Needs) {
    let head_end = header_end(data);
    if (keep_bcc || !has_bcc(&data[..head_end]))
        && data.ends_with(b"\r\n")
        && text::is_crlf_clean(data)
    {
        let ascii = data.is_ascii();
        let needs = Needs {
            eight_bit: !ascii,
            utf8_address: utf8_address(from, recipients),
            utf8_headers: !ascii && !data[..head_end].is_ascii(),
        };
        return (Cow::Borrowed(data), needs);
    }
    let data = prepare_data(data, keep_bcc);
    let needs = needs(&data, from, recipients);
    (data, needs)
}

/// Offset of the end of the header section (after the blank line), or the length.
fn header_end(data: &[u8]) -> usize {
    let mut i = 0;
    while i < data.len() {
        let line_end = text::find_byte(&data[i..], b'\n')
            .map(|p| i + p + 1)
            .unwrap_or(data.len());
        let line = &data[i..line_end];
        if line == b"\r\n" || line == b"\n" {
            return line_end;
        }
        i = line_end;
    }
    data.len()
}

/// Removes every "Bcc:" header field (with its folded continuation lines) from the
/// header section: Bcc recipients never appear in what is sent.
fn is_bcc(line: &[u8]) -> bool {
    line.len() >= 4 && line[..4].eq_ignore_ascii_case(b"bcc:")
}

/// True when the header section `head` holds a Bcc field.
fn has_bcc(head: &[u8]) -> bool {
    text::lines(head).any(|(line, _)| is_bcc(line))
}

pub fn strip_bcc(data: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let end = header_end(data);
    if !has_bcc(&data[..end]) {
        return std::borrow::Cow::Borrowed(data);
    }
    let mut out = Vec::with_capacity(data.len());
    let mut skipping = false;
    let mut i = 0;
    while i < end {
        let line_end = data[i..end]
            .iter()
            .position(|&b| b == b'\n')
            .map(|p| i + p + 1)
            .unwrap_or(end);
        let line = &data[i..line_end];
        let continuation = matches!(line.first(), Some(b' ' | b'\t'));
        if is_bcc(line) {
            skipping = true;
        } else if !(skipping && continuation) {
            skipping = false;
            out.extend_from_slice(line);
        }
        i = line_end;
    }
    out.extend_from_slice(&data[end..]);
    std::borrow::Cow::Owned(out)
}

/// The bytes to send: Bcc removed (unless `keep_bcc`), every line end CRLF, ending
/// with CRLF.
pub fn prepare_data(data: &[u8], keep_bcc: bool) -> Cow<'_, [u8]> {
    // Borrowed when nothing changes (the usual case: a built source), so sending does
    // not copy the message once more.
    let stripped = if keep_bcc {
        Cow::Borrowed(data)
    } else {
        strip_bcc(data)
    };
    let out = match stripped {
        Cow::Borrowed(b) => text::normalize_crlf(b),
        Cow::Owned(v) => Cow::Owned(text::normalize_crlf(&v).into_owned()),
    };
    if out.is_empty() || out.ends_with(b"\r\n") {
        return out;
    }
    let mut out = out.into_owned();
    out.extend_from_slice(b"\r\n");
    Cow::Owned(out)
}

/// The ESMTP parameters of MAIL FROM.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MailParams<'a> {
    pub size: Option<usize>,
    pub eight_bit: bool,
    pub smtputf8: bool,
    /// DSN `RET=` (RFC 3461).
    pub ret: Option<&'a str>,
}

/// "MAIL FROM:<from>" with its ESMTP parameters.
pub fn mail_from(from: &str, p: MailParams) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(from.len() + 48);
    s.push_str("MAIL FROM:<");
    s.push_str(from);
    s.push('>');
    if let Some(n) = p.size {
        let _ = write!(s, " SIZE={n}");
    }
    if p.eight_bit {
        s.push_str(" BODY=8BITMIME");
    }
    if p.smtputf8 {
        s.push_str(" SMTPUTF8");
    }
    if let Some(ret) = p.ret {
        s.push_str(" RET=");
        s.push_str(ret);
    }
    s
}

/// "RCPT TO:<addr>", with the DSN `NOTIFY=` parameter when given (RFC 3461).
pub fn rcpt_to(addr: &str, notify: Option<&str>) -> String {
    let mut s = String::with_capacity(addr.len() + 10 + notify.map_or(0, |n| n.len() + 8));
    s.push_str("RCPT TO:<");
    s.push_str(addr);
    s.push('>');
    if let Some(n) = notify {
        s.push_str(" NOTIFY=");
        s.push_str(n);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_checks() {
        assert!(check_envelope_address("a@b", "sender").is_ok());
        assert!(check_envelope_address("été@exemple.fr", "sender").is_ok());
        for bad in ["", "a", "@b", "a@", "a b@c", "a@b>x", "a@b\r\nRSET", "a<@b"] {
            assert!(check_envelope_address(bad, "recipient").is_err(), "{bad:?}");
        }
    }

    #[test]
    fn bcc_removed_with_continuations() {
        let m = b"From: a@b\r\nBcc: x@y,\r\n z@w\r\nTo: c@d\r\nbcc: q@r\r\n\r\nBcc: body\r\n";
        assert_eq!(
            &*strip_bcc(m),
            &b"From: a@b\r\nTo: c@d\r\n\r\nBcc: body\r\n"[..]
        );
        let clean = b"From: a@b\r\n\r\nbody";
        assert!(matches!(strip_bcc(clean), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn prepare_normalises() {
        assert_eq!(
            &*prepare_data(b"A: b\n\nx\ry", false),
            b"A: b\r\n\r\nx\r\ny\r\n"
        );
        assert_eq!(&*prepare_data(b"", false), b"");
        assert!(matches!(
            prepare_data(b"A: b\r\n\r\nx\r\n", false),
            Cow::Borrowed(_)
        ));
        let bcc = b"Bcc: x@y\nTo: a@b\n\nz";
        assert_eq!(&*prepare_data(bcc, false), b"To: a@b\r\n\r\nz\r\n");
        assert_eq!(
            &*prepare_data(bcc, true),
            b"Bcc: x@y\r\nTo: a@b\r\n\r\nz\r\n"
        );
    }

    #[test]
    fn prepare_message_agrees_with_its_parts() {
        let rcpts = ["c@d".to_string()];
        for m in [
            &b"A: b\r\n\r\nx\r\n"[..],
            b"A: b\n\nx",
            "Subject: \u{e9}\r\n\r\n\u{e9}\r\n".as_bytes(),
            "Subject: x\r\n\r\n\u{e9}\r\n".as_bytes(),
            b"From: a@b\r\nBcc: x@y\r\n\r\nbody\r\n",
            b"",
        ] {
            for keep_bcc in [false, true] {
                let (data, n) = prepare_message(m, keep_bcc, "a@b", &rcpts);
                let want = prepare_data(m, keep_bcc);
                assert_eq!(data, want);
                assert_eq!(n, needs(&want, "a@b", &rcpts), "{m:?}");
                assert_eq!(
                    matches!(data, Cow::Borrowed(_)),
                    matches!(want, Cow::Borrowed(_))
                );
            }
        }
    }

    #[test]
    fn needs_detection() {
        let n = needs(b"Subject: x\r\n\r\n\xc3\xa9", "a@b", &["c@d".into()]);
        assert_eq!(
            n,
            Needs {
                eight_bit: true,
                utf8_address: false,
                utf8_headers: false
            }
        );
        let n = needs("Subject: é\r\n\r\nx".as_bytes(), "a@b", &["é@d".into()]);
        assert!(n.eight_bit && n.utf8_address && n.utf8_headers);
    }

    #[test]
    fn mail_from_params() {
        let p = MailParams {
            size: Some(10),
            eight_bit: true,
            smtputf8: true,
            ret: Some("HDRS"),
        };
        assert_eq!(
            mail_from("a@b", p),
            "MAIL FROM:<a@b> SIZE=10 BODY=8BITMIME SMTPUTF8 RET=HDRS"
        );
        assert_eq!(mail_from("", MailParams::default()), "MAIL FROM:<>");
        assert_eq!(rcpt_to("x@y", None), "RCPT TO:<x@y>");
        assert_eq!(
            rcpt_to("x@y", Some("SUCCESS,FAILURE")),
            "RCPT TO:<x@y> NOTIFY=SUCCESS,FAILURE"
        );
    }
}
