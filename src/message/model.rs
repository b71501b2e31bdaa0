//! Our `Email` type: every field the WLangage `Email` structure exposes, in decoded UTF-8.

use crate::error::{Error, Result};
use crate::message::content::{Content, Source};
use crate::text::quoted;

/// One attachment (or inline part) of a message, with its decoded content.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attachment {
    /// File name. For a received part: the safe name made from the name it carries
    /// (see [`crate::message::attachments::safe_name`]).
    pub name: String,
    /// MIME type, e.g. `application/pdf` (no parameters).
    pub content_type: String,
    /// Content-ID without angle brackets; empty when none. Non-empty means an inline part.
    pub content_id: String,
    /// Decoded bytes (a received attachment is decoded from the source on first access).
    pub data: Content,
    /// The name as the received part carries it (RFC 2047 / RFC 2231 decoded, not made
    /// safe; "" when it carries none), when that differs from `name`. `None`: the same
    /// as `name` (and for every attachment added locally).
    pub raw_name: Option<String>,
}

/// A message. Addresses are stored as `Name <addr@host>` or `addr@host`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Email {
    pub sender: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub bcc: Vec<String>,
    pub reply_to: String,
    pub subject: String,
    /// Text body.
    pub message: String,
    /// HTML body.
    pub html: String,
    /// RFC 3339 date; empty means "now" when building.
    pub date: String,
    /// Message-ID without angle brackets; generated when building if empty.
    pub message_id: String,
    /// Priority: 1 high, 3 normal, 5 low (X-Priority); 0 means unset.
    pub priority: i32,
    /// A read receipt is asked (Disposition-Notification-To; WLangage `AccuséRéception`).
    pub disposition_notification: bool,
    /// Where the read receipt goes; empty: the sender's address.
    pub disposition_notification_to: String,
    /// Sensitivity (RFC 2156): "" (normal), "personal", "private" or
    /// "company-confidential" (WLangage `Confidentialité`).
    pub confidentiality: String,
    /// The message of the last error of an operation on this message (a read or a
    /// send), "" after a success (WLangage `Email.Erreur`).
    pub error: String,
    pub attachments: Vec<Attachment>,
    /// Extra headers (name, value) added by the user or kept from an imported message
    /// (every header of an imported message, in order, decoded).
    pub headers: Vec<(String, String)>,
    /// POP3 UIDL or IMAP UID.
    pub uid: String,
    /// Message number in the mailbox (1-based), 0 when not read from a server.
    pub number: i32,
    /// Size in bytes on the server (or of the source).
    pub size: i64,
    /// IMAP \Seen flag.
    pub seen: bool,
    /// IMAP \Flagged flag.
    pub flagged: bool,
    /// IMAP \Answered flag.
    pub answered: bool,
    /// IMAP \Draft flag.
    pub draft: bool,
    /// IMAP \Deleted flag.
    pub deleted: bool,
    /// IMAP keywords: the flags without a backslash (`$Forwarded`, `$Junk`, user words).
    pub keywords: Vec<String>,
    /// The flags the server last reported for this message (IMAP FLAGS), `None` for a
    /// message not read from an IMAP server: `EmailMiseAJour` writes what changed since
    /// (see [`crate::message::flags`]).
    pub server_flags: Option<Vec<String>>,
    /// 1 when a read function found no message (WLangage `Email.EnDehors`).
    pub out: bool,
    /// Asynchronous send identifier (for `EmailEtat`), 0 when none.
    pub mail_id: i32,
    /// Recipients refused at the last send, each `addr: server reply`.
    pub refused: Vec<String>,
    /// Raw RFC 5322 source (built or received), shared with the attachments read from it.
    pub source: Source,
    /// True when only the headers were fetched (body completed on demand by the reader).
    pub header_only: bool,
    /// True when only `source` and the server fields (`uid`, `number`, `size`, `seen`,
    /// `header_only`) are filled: the other fields come from parsing `source` on first
    /// access (see [`Email::parse_deferred`]).
    pub unparsed: bool,
}

impl Email {
    pub fn new() -> Email {
        Email::default()
    }

    /// Clears every field (`EmailRAZ`).
    pub fn reset(&mut self) {
        *self = Email::default();
    }

    /// A message read from a server whose parsing is deferred: `source` plus the server
    /// fields, `unparsed` set.
    pub fn deferred(source: Vec<u8>, uid: String, number: i32, size: i64, seen: bool) -> Email {
        Email {
            uid,
            number,
            size,
            seen,
            source: source.into(),
            unparsed: true,
            ..Email::default()
        }
    }

    /// Parses `source` when `unparsed` is set, keeping the server fields (`uid`,
    /// `number`, `size`, the flags, `header_only`, `out`) and the source itself (shared, not
    /// copied). A source that cannot be parsed is kept as it is with the server fields
    /// (as the eager reading did); the error is returned for the caller to note.
    pub fn parse_deferred(&mut self) -> Result<()> {
        if !self.unparsed {
            return Ok(());
        }
        self.unparsed = false;
        let parsed = crate::message::parse::parse_source(&self.source)?;
        let mut old = std::mem::replace(self, parsed);
        crate::message::flags::keep(self, &mut old);
        self.source = old.source;
        self.uid = old.uid;
        self.number = old.number;
        self.size = old.size;
        self.header_only = old.header_only;
        // Set on the message before it was parsed (EmailSupprimeMessage).
        self.out = old.out;
        Ok(())
    }

    /// The `index`-th (0-based) value of the header `name` in `headers`, compared without
    /// regard to case (`EmailEntete`). `None` when there are not that many.
    pub fn header(&self, name: &str, index: usize) -> Option<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .nth(index)
            .map(|(_, v)| v.as_str())
    }
}

/// True when `s` holds a CR or LF (refused in headers and addresses: no header injection).
pub fn has_line_break(s: &str) -> bool {
    s.bytes().any(|b| b == b'\r' || b == b'\n')
}

/// Refuses a value holding CR or LF (header, address, command or name injection); `what`
/// names the value in the error.
pub fn single_line(value: &str, what: &str) -> Result<()> {
    if has_line_break(value) {
        Err(Error::invalid_arg(format!(
            "{what} holds a CR or LF character"
        )))
    } else {
        Ok(())
    }
}

/// Checks a header added by the caller (`EmailAjouteEntete`): a field name of printable
/// ASCII without ':' or space, a value on one line.
pub fn check_header(name: &str, value: &str) -> Result<()> {
    if name.is_empty() || !name.bytes().all(|b| (33..=126).contains(&b) && b != b':') {
        return Err(Error::invalid_arg(format!(
            "header name {} is not a valid field name (printable ASCII without ':' or space)",
            quoted(name)
        )));
    }
    single_line(value, "header value")
}

impl Attachment {
    /// An attachment made from bytes in memory (`EmailAjouteFichierAttacheMemoire`): `name`
    /// on one line; `content_type` on one line, or its type guessed from `name` when
    /// `None` or blank.
    pub fn from_data(name: &str, data: &[u8], content_type: Option<&str>) -> Result<Attachment> {
        single_line(name, "attachment name")?;
        let content_type = match content_type {
            Some(t) if !t.trim().is_empty() => {
                single_line(t, "content_type")?;
                t.trim().to_string()
            }
            _ => crate::message::attachments::mime_type_for(name).to_string(),
        };
        Ok(Attachment {
            name: name.to_string(),
            content_type,
            content_id: String::new(),
            data: data.into(),
            raw_name: None,
        })
    }

    /// The name as the message carries it (`WD_EMAIL_ATTACHMENT_RAW_NAME`): before it was
    /// made safe for a received part, else the name.
    pub fn raw_name(&self) -> &String {
        self.raw_name.as_ref().unwrap_or(&self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deferred_parse_keeps_server_fields_and_source() {
        let src = b"Subject: hi\r\nFrom: a@wd.test\r\n\r\nbody\r\n".to_vec();
        let mut e = Email::deferred(src.clone(), "42".into(), 3, 999, true);
        e.header_only = true;
        assert!(e.unparsed && e.subject.is_empty());
        e.parse_deferred().unwrap();
        assert!(!e.unparsed);
        assert_eq!(e.subject, "hi");
        assert_eq!(e.sender, "a@wd.test");
        assert_eq!(
            (e.uid.as_str(), e.number, e.size, e.seen),
            ("42", 3, 999, true)
        );
        assert!(e.header_only);
        assert_eq!(e.source, src);
        // Parsed once only.
        e.subject = "changed".into();
        e.parse_deferred().unwrap();
        assert_eq!(e.subject, "changed");
    }

    #[test]
    fn unparseable_deferred_source_is_kept() {
        let mut e = Email::deferred(Vec::new(), "7".into(), 1, 0, false);
        assert!(e.parse_deferred().is_err());
        assert!(!e.unparsed);
        assert_eq!((e.uid.as_str(), e.number), ("7", 1));
        assert!(e.source.is_empty() && e.subject.is_empty());
    }
}
