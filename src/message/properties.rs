//! The properties of a message (`EmailPropriete`, `EmailModifiePropriete`, `EmailAjoute`,
//! `EmailNb`): one table, a row a `WD_EMAIL_*` property, naming where its value lives in
//! [`Email`], how it reads and writes as text, and how it is documented.
//!
//! Everything about the properties is driven from [`PROPERTIES`]: the getters, setters and
//! counts of the C functions, the `WD_EMAIL_*` block of `src/ffi/types.rs` (hence the
//! header), and `src/message/properties.tsv`, from which the README appendix and the
//! Python bindings are generated. The tests at the end check that the generated files
//! follow the table; `WD_REGENERATE=1 cargo test --lib properties` rewrites them.

use crate::error::{Error, Result};
use crate::message::model::{Attachment, Email, single_line};
use crate::text::DateTime;
use crate::text::quoted;
use std::sync::atomic::{AtomicBool, Ordering};

/// How a written text is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clean {
    /// As given, line breaks included (the bodies).
    Body,
    /// As given, on one line (addresses, subject).
    Line,
    /// One line, trimmed.
    Trim,
    /// One line, trimmed, without angle brackets (Message-ID, Content-ID).
    Id,
}

impl Clean {
    fn apply<'a>(self, v: &'a str, what: &str) -> Result<&'a str> {
        if self != Clean::Body {
            single_line(v, what)?;
        }
        Ok(match self {
            Clean::Body | Clean::Line => v,
            Clean::Trim => v.trim(),
            Clean::Id => v.trim().trim_start_matches('<').trim_end_matches('>'),
        })
    }
}

type Get<T> = fn(&Email) -> &T;
type Set<T> = fn(&mut Email) -> &mut T;

/// Where the value of a property lives and how it reads and writes as text. A property
/// without a setter is read-only.
#[derive(Clone, Copy)]
pub enum Value {
    /// Text.
    Text {
        get: Get<String>,
        set: Option<Set<String>>,
        clean: Clean,
    },
    /// A decimal number; a writable one takes 0 to `max` ("" is 0).
    Number {
        get: fn(&Email) -> i64,
        set: Option<Set<i32>>,
        max: i32,
    },
    /// A flag read as "1" or "0"; a writable one takes 1/true or 0/false ("" is 0).
    Flag {
        get: Get<bool>,
        set: Option<Set<bool>>,
    },
    /// An array of one-line texts (addresses), trimmed when written.
    List {
        get: Get<Vec<String>>,
        set: Option<Set<Vec<String>>>,
    },
    /// A field of every attachment, one line stored after `clean`; read-only without a
    /// setter.
    Attachment {
        get: fn(&Attachment) -> &String,
        set: Option<fn(&mut Attachment) -> &mut String>,
        clean: Clean,
    },
    /// A value read and written by functions of its own (the text "" when cleared);
    /// `ty` is its type for the generated documentation and bindings ("text", "flag").
    Custom {
        get: fn(&Email) -> String,
        set: Option<fn(&mut Email, &str) -> Result<()>>,
        ty: &'static str,
    },
}

/// What a message read from a server must have before a property can be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Nothing: the reader fills it from the listing (no parsing).
    Listing,
    /// The parsed message (a message whose parsing was deferred is parsed first).
    Parsed,
    /// The whole message (a message read with headers only is completed first).
    Body,
}

/// One `WD_EMAIL_*` property.
pub struct Property {
    /// The value of the constant.
    pub id: i32,
    /// The constant's name without `WD_EMAIL_`.
    pub name: &'static str,
    /// What it holds (the constant's documentation is written from it).
    pub doc: &'static str,
    /// The member of the WLangage `Email` structure, "" when it has none.
    pub wlangage: &'static str,
    /// The attribute of the Python `Message` class, "" when it has none.
    pub attr: &'static str,
    pub needs: Needs,
    pub value: Value,
}

/// The setter of field `$f`: `rw` writable, `ro` read-only.
macro_rules! setter {
    (rw $f:ident) => {
        Some(|e| &mut e.$f)
    };
    (ro $f:ident) => {
        None
    };
}

/// Writes a [`Value`]: `rw`/`ro` (read-write or read-only), then the kind and the field
/// of [`Email`] (or of [`Attachment`]) it lives in.
macro_rules! value {
    ($access:ident text($f:ident, $clean:ident)) => {
        Value::Text { get: |e| &e.$f, set: setter!($access $f), clean: Clean::$clean }
    };
    ($access:ident number($f:ident $(, max $max:literal)?)) => {
        Value::Number { get: |e| e.$f.into(), set: setter!($access $f), max: 0 $(+ $max)? }
    };
    ($access:ident flag($f:ident)) => {
        Value::Flag { get: |e| &e.$f, set: setter!($access $f) }
    };
    ($access:ident list($f:ident)) => {
        Value::List { get: |e| &e.$f, set: setter!($access $f) }
    };
    (rw count($f:ident)) => {
        Value::Custom {
            get: |e| e.$f.len().to_string(),
            set: Some(|e, v| {
                let n = kept_count(v, e.$f.len())?;
                e.$f.truncate(n);
                Ok(())
            }),
            ty: "number",
        }
    };
    (rw custom($get:ident, $set:ident, $ty:literal)) => {
        Value::Custom { get: $get, set: Some($set), ty: $ty }
    };
    (rw attachment($f:ident, $clean:ident)) => {
        Value::Attachment { get: |a| &a.$f, set: Some(|a| &mut a.$f), clean: Clean::$clean }
    };
    (ro attachment($f:ident())) => {
        Value::Attachment { get: |a| a.$f(), set: None, clean: Clean::Line }
    };
}

/// Writes the rows of [`PROPERTIES`], one line a property:
/// `value NAME: access kind(field…), needs, "WLangage member", "Python attribute", "meaning";`
macro_rules! table {
    ($($id:literal $name:ident: $access:ident $kind:ident($($arg:tt)*), $needs:ident,
       $wlangage:literal, $attr:literal, $doc:literal;)*) => {
        [$(Property {
            id: $id,
            name: stringify!($name),
            doc: $doc,
            wlangage: $wlangage,
            attr: $attr,
            needs: Needs::$needs,
            value: value!($access $kind($($arg)*)),
        },)*]
    };
}

/// Every message property, in the order of their values.
pub static PROPERTIES: [Property; 34] = table! {
    1 SENDER: rw text(sender, Line), Parsed, "Expediteur", "sender", "Sender address";
    2 RECIPIENT: rw list(to), Parsed, "Destinataire", "to", "To recipients";
    3 CC: rw list(cc), Parsed, "Cc", "cc", "Cc recipients";
    4 BCC: rw list(bcc), Parsed, "Cci", "bcc", "Bcc recipients";
    5 REPLY_TO: rw text(reply_to, Line), Parsed, "", "reply_to", "Reply-To address";
    6 SUBJECT: rw text(subject, Line), Parsed, "Sujet", "subject", "Subject";
    7 MESSAGE: rw text(message, Body), Body, "Message", "body", "Text body";
    8 HTML: rw text(html, Body), Body, "HTML", "html", "HTML body";
    9 DATE: rw custom(date_get, date_set, "text"), Parsed, "Date", "date",
        "Date: RFC 3339 (or a WLangage DateHeure `AAAAMMJJHHMMSS` in local time after \
         `EmailParametre(WD_PARAM_DATE_FORMAT, WD_DATE_WLANGAGE)`); set as RFC 3339, \
         DateHeure (8, 14, 16 or 17 digits, local time) or RFC 5322";
    10 MESSAGE_ID: rw text(message_id, Id), Parsed, "MessageID", "message_id",
        "Message-ID without angle brackets";
    11 PRIORITY: rw number(priority, max 5), Parsed, "Priorité", "priority",
        "Priority 1 (high) .. 5 (low), 0 unset; `WD_PRIORITY_HIGH`, `_NORMAL`, `_LOW`";
    12 DISPOSITION_NOTIFICATION: rw custom(receipt_get, receipt_set, "flag"), Parsed,
        "AccuséRéception", "disposition_notification",
        "Read receipt asked, \"1\" or \"0\" (set: 1/0, or the address to send it to)";
    13 ATTACHMENT_NAME: rw attachment(name, Trim), Body, "Attache[i].Nom", "",
        "attachment file names";
    14 ATTACHMENT_TYPE: rw attachment(content_type, Trim), Body, "Attache[i].Type", "",
        "attachment MIME types";
    15 ATTACHMENT_CONTENT_ID: rw attachment(content_id, Id), Body, "Attache[i].Identifiant", "",
        "attachment Content-IDs, empty for non-inline parts";
    16 UID: ro text(uid, Line), Listing, "Identifiant", "uid", "POP3 UIDL or IMAP UID";
    17 NUMBER: ro number(number), Listing, "Numéro", "number",
        "Message number in the mailbox, 1-based";
    18 SIZE: ro number(size), Listing, "Taille", "size", "Size in bytes";
    19 SEEN: rw flag(seen), Listing, "Lu", "seen", "IMAP \\Seen flag, \"1\" or \"0\"";
    20 OUT: ro flag(out), Listing, "EnDehors", "out", "\"1\" when a read function found no message";
    21 MAIL_ID: ro number(mail_id), Parsed, "IdentifiantMail", "mail_id",
        "Asynchronous send identifier for `EmailEtat`";
    22 REFUSED: ro list(refused), Parsed, "", "refused",
        "recipients refused at the last send, `addr: server reply`";
    23 ATTACHMENT_RAW_NAME: ro attachment(raw_name()), Body, "", "",
        "attachment file names as the message carries them (decoded, before \
         `WD_EMAIL_ATTACHMENT_NAME` made them safe; \"\" for a part sent without a name)";
    24 DISPOSITION_NOTIFICATION_TO: rw custom(receipt_to_get, receipt_to_set, "text"), Parsed,
        "", "",
        "Address the read receipt goes to (\"\": the sender's); setting one asks a receipt";
    25 NB_RECIPIENT: rw count(to), Parsed, "NbDestinataire", "",
        "Number of To recipients (set: keeps the first N, as WinDev uses only those)";
    26 NB_ATTACHMENT: rw count(attachments), Body, "NbAttache", "",
        "Number of attachments (set: keeps the first N)";
    27 ERROR: ro text(error, Line), Listing, "Erreur", "",
        "Message of the last read or send of this message that failed, \"\" after a success";
    28 CONFIDENTIALITY: rw custom(confidentiality_get, confidentiality_set, "text"), Parsed,
        "Confidentialité", "",
        "Sensitivity: \"\" (normal), \"personal\", \"private\" or \"company-confidential\" \
         (`WD_CONFIDENTIALITY_*`)";
    29 SENDER_ADDRESS: rw custom(reply_address_get, reply_address_set, "text"), Parsed,
        "AdresseExpéditeur", "",
        "Address replies go to: Reply-To, else the sender (set: Reply-To)";
    30 FLAGGED: rw flag(flagged), Listing, "", "flagged",
        "IMAP `\\Flagged` flag, \"1\" or \"0\" (written by `EmailMiseAJour`)";
    31 ANSWERED: rw flag(answered), Listing, "", "answered",
        "IMAP `\\Answered` flag, \"1\" or \"0\" (written by `EmailMiseAJour`)";
    32 DRAFT: rw flag(draft), Listing, "", "draft",
        "IMAP `\\Draft` flag, \"1\" or \"0\" (written by `EmailMiseAJour`)";
    33 DELETED: rw flag(deleted), Listing, "", "deleted",
        "IMAP `\\Deleted` flag, \"1\" or \"0\"; \"1\" after `EmailSupprimeMessage`; written by \
         `EmailMiseAJour` as a deletion (carried out at `EmailDetruit`, a folder change or the \
         close; \"0\" takes it back before)";
    34 KEYWORDS: rw list(keywords), Listing, "", "keywords",
        "IMAP keywords (flags without a backslash, e.g. `$Forwarded`), written by `EmailMiseAJour`";
};

/// How `WD_EMAIL_DATE` reads (`EmailParametre(WD_PARAM_DATE_FORMAT, …)`), process-wide:
/// false RFC 3339 (the default), true WLangage DateHeure in local time.
static DATE_WLANGAGE: AtomicBool = AtomicBool::new(false);

/// Makes `WD_EMAIL_DATE` read as a WLangage DateHeure (`true`) or RFC 3339 (`false`).
pub fn set_date_wlangage(on: bool) {
    DATE_WLANGAGE.store(on, Ordering::Relaxed);
}

fn date_get(e: &Email) -> String {
    match DateTime::parse_rfc3339(&e.date) {
        Some(d) if DATE_WLANGAGE.load(Ordering::Relaxed) => d.to_wlangage(),
        _ => e.date.clone(),
    }
}

/// RFC 3339 is kept as written; a DateHeure or an RFC 5322 date is stored as RFC 3339.
fn date_set(e: &mut Email, v: &str) -> Result<()> {
    let v = Clean::Trim.apply(v, "WD_EMAIL_DATE")?;
    e.date = if v.is_empty() || DateTime::parse_rfc3339(v).is_some() {
        v.to_string()
    } else {
        DateTime::parse_wlangage(v)
            .or_else(|| crate::message::parse::parse_date(v))
            .ok_or_else(|| {
                Error::invalid_arg(format!(
                    "date {} is neither RFC 3339 (2024-03-01T10:20:30+01:00), a WLangage \
                     DateHeure (20240301102030) nor an RFC 5322 date",
                    quoted(v)
                ))
            })?
            .to_rfc3339()
    };
    Ok(())
}

/// "1"/"0" and their spellings, `None` for another text.
fn flag_word(v: &str) -> Option<bool> {
    match v.trim() {
        "1" | "true" | "True" | "TRUE" | "Vrai" | "vrai" | "VRAI" => Some(true),
        "0" | "" | "false" | "False" | "FALSE" | "Faux" | "faux" | "FAUX" => Some(false),
        _ => None,
    }
}

fn receipt_get(e: &Email) -> String {
    if e.disposition_notification { "1" } else { "0" }.to_string()
}

/// A flag, or an address (a receipt asked to it).
fn receipt_set(e: &mut Email, v: &str) -> Result<()> {
    match flag_word(v) {
        Some(on) => e.disposition_notification = on,
        None => receipt_to_set(e, v)?,
    }
    Ok(())
}

fn receipt_to_get(e: &Email) -> String {
    e.disposition_notification_to.clone()
}

fn receipt_to_set(e: &mut Email, v: &str) -> Result<()> {
    let v = Clean::Trim.apply(v, "WD_EMAIL_DISPOSITION_NOTIFICATION_TO")?;
    if !v.is_empty() {
        e.disposition_notification = true;
    }
    e.disposition_notification_to = v.to_string();
    Ok(())
}

/// A count written by structure-style code (`Email.NbDestinataire = 2`): the first `n`
/// elements of `len` stay; more than there are is refused.
fn kept_count(v: &str, len: usize) -> Result<usize> {
    match v.trim().parse::<usize>() {
        Ok(n) if n <= len => Ok(n),
        _ => Err(Error::invalid_arg(format!(
            "count {} is not 0 to {len} (the number of elements there are)",
            quoted(v.trim())
        ))),
    }
}

fn confidentiality_get(e: &Email) -> String {
    e.confidentiality.clone()
}

fn confidentiality_set(e: &mut Email, v: &str) -> Result<()> {
    let level = v.trim().to_ascii_lowercase();
    e.confidentiality = match level.as_str() {
        "" | "normal" => String::new(),
        "personal" | "private" | "company-confidential" => level,
        _ => {
            return Err(Error::invalid_arg(format!(
                "confidentiality {} is not \"\", \"personal\", \"private\" or \
                 \"company-confidential\"",
                quoted(v)
            )));
        }
    };
    Ok(())
}

fn reply_address_get(e: &Email) -> String {
    if e.reply_to.trim().is_empty() {
        e.sender.clone()
    } else {
        e.reply_to.clone()
    }
}

fn reply_address_set(e: &mut Email, v: &str) -> Result<()> {
    e.reply_to = Clean::Line.apply(v, "WD_EMAIL_SENDER_ADDRESS")?.to_string();
    Ok(())
}

/// The property of value `id`.
pub fn find(id: i32) -> Result<&'static Property> {
    PROPERTIES
        .iter()
        .find(|p| p.id == id)
        .ok_or_else(|| Error::invalid_arg(format!("unknown message property {id}")))
}

/// True when reading property `id` needs the whole message (false for unknown values).
pub fn needs_body(id: i32) -> bool {
    find(id).is_ok_and(|p| p.needs == Needs::Body)
}

/// The property of value `id` when `EmailAjoute` can append to it (the writable lists).
pub fn appendable(id: i32) -> Result<&'static Property> {
    match find(id) {
        Ok(p) if p.appendable() => Ok(p),
        _ => {
            let mut names: Vec<String> = PROPERTIES
                .iter()
                .filter(|p| p.appendable())
                .map(Property::constant)
                .collect();
            let last = names.pop().unwrap_or_default();
            Err(Error::invalid_arg(format!(
                "EmailAjoute works on {} and {last}, not on property {id}",
                names.join(", ")
            )))
        }
    }
}

/// The error for `index` past the `count` elements of the array property `name`.
pub fn index_error(name: &str, index: usize, count: usize) -> Error {
    Error::invalid_arg(format!(
        "index {index} is out of range for WD_EMAIL_{name} ({count} element(s))"
    ))
}

impl Property {
    /// The name of the C constant, e.g. `WD_EMAIL_SUBJECT`.
    pub fn constant(&self) -> String {
        format!("WD_EMAIL_{}", self.name)
    }

    /// True for the array properties (one value per recipient or attachment).
    pub fn is_array(&self) -> bool {
        matches!(self.value, Value::List { .. } | Value::Attachment { .. })
    }

    /// True when `EmailModifiePropriete` refuses it.
    pub fn read_only(&self) -> bool {
        match self.value {
            Value::Text { set, .. } => set.is_none(),
            Value::Number { set, .. } => set.is_none(),
            Value::Flag { set, .. } => set.is_none(),
            Value::List { set, .. } => set.is_none(),
            Value::Attachment { set, .. } => set.is_none(),
            Value::Custom { set, .. } => set.is_none(),
        }
    }

    fn appendable(&self) -> bool {
        matches!(self.value, Value::List { set: Some(_), .. })
    }

    /// The documentation of the C constant: the meaning, the WLangage member, the access.
    pub fn c_doc(&self) -> String {
        let mut s = String::new();
        if self.is_array() {
            s.push_str("Array: ");
        }
        s.push_str(self.doc);
        if !self.wlangage.is_empty() {
            s.push_str(&format!(" (`Email.{}`)", self.wlangage));
        }
        if self.read_only() {
            s.push_str(", read-only");
        }
        s.push('.');
        s
    }

    fn index_error(&self, index: usize, count: usize) -> Error {
        index_error(self.name, index, count)
    }

    /// The value as text (`EmailPropriete`); `index` selects the element of an array and
    /// is ignored otherwise.
    pub fn get(&self, e: &Email, index: usize) -> Result<String> {
        match self.value {
            Value::Text { get, .. } => Ok(get(e).clone()),
            Value::Number { get, .. } => Ok(get(e).to_string()),
            Value::Flag { get, .. } => Ok(if *get(e) { "1" } else { "0" }.to_string()),
            Value::List { get, .. } => {
                let v = get(e);
                v.get(index)
                    .cloned()
                    .ok_or_else(|| self.index_error(index, v.len()))
            }
            Value::Attachment { get, .. } => e
                .attachments
                .get(index)
                .map(|a| get(a).clone())
                .ok_or_else(|| self.index_error(index, e.attachments.len())),
            Value::Custom { get, .. } => Ok(get(e)),
        }
    }

    /// Changes the value (`EmailModifiePropriete`). For arrays, `index` equal to the count
    /// appends and `None` removes the element; for the others `None` clears the value.
    pub fn set(&self, e: &mut Email, index: usize, value: Option<&str>) -> Result<()> {
        let what = self.constant();
        let read_only = || Error::invalid_arg(format!("{what} is read-only"));
        let v = value.unwrap_or("");
        match self.value {
            Value::Text { set, clean, .. } => {
                let set = set.ok_or_else(read_only)?;
                *set(e) = clean.apply(v, &what)?.to_string();
            }
            Value::Number { set, max, .. } => {
                let set = set.ok_or_else(read_only)?;
                *set(e) = match v.trim() {
                    "" => 0,
                    s => s
                        .parse::<i32>()
                        .ok()
                        .filter(|n| (0..=max).contains(n))
                        .ok_or_else(|| {
                            Error::invalid_arg(format!(
                                "{} {} is not 0 to {max}",
                                self.name.to_ascii_lowercase(),
                                quoted(s)
                            ))
                        })?,
                };
            }
            Value::Flag { set, .. } => {
                let set = set.ok_or_else(read_only)?;
                *set(e) = flag_word(v).ok_or_else(|| {
                    Error::invalid_arg(format!(
                        "{} flag {} is not 0 or 1",
                        self.name.to_ascii_lowercase(),
                        quoted(v.trim())
                    ))
                })?;
            }
            Value::Custom { set, .. } => set.ok_or_else(read_only)?(e, v)?,
            Value::List { set, .. } => {
                let list = set.ok_or_else(read_only)?(e);
                let count = list.len();
                match value {
                    None if index < count => {
                        list.remove(index);
                    }
                    None => return Err(self.index_error(index, count)),
                    Some(v) => {
                        let v = Clean::Trim.apply(v, &what)?.to_string();
                        match list.get_mut(index) {
                            Some(old) => *old = v,
                            None if index == count => list.push(v),
                            None => return Err(self.index_error(index, count)),
                        }
                    }
                }
            }
            Value::Attachment { set, clean, .. } => {
                let set = set.ok_or_else(read_only)?;
                let v = clean.apply(v, &what)?.to_string();
                let count = e.attachments.len();
                let a = e
                    .attachments
                    .get_mut(index)
                    .ok_or_else(|| self.index_error(index, count))?;
                *set(a) = v;
            }
        }
        Ok(())
    }

    /// The number of elements of an array property (`EmailNb`).
    pub fn count(&self, e: &Email) -> Result<usize> {
        match self.value {
            Value::List { get, .. } => Ok(get(e).len()),
            Value::Attachment { .. } => Ok(e.attachments.len()),
            _ => Err(Error::invalid_arg(format!(
                "{} is not an array property",
                self.constant()
            ))),
        }
    }

    /// Appends `value` to a writable list (`EmailAjoute`, after [`appendable`] and a
    /// one-line check of the value).
    pub fn push(&self, e: &mut Email, value: &str) {
        if let Value::List { set: Some(set), .. } = self.value {
            set(e).push(value.trim().to_string());
        }
    }
}

/// The `WD_EMAIL_*` block of `src/ffi/types.rs`, as the table writes it.
pub fn render_rust_constants() -> String {
    let mut s =
        String::from("// ---- Message properties (EmailPropriete / EmailModifiePropriete) ----\n");
    for p in &PROPERTIES {
        s.push_str(&format!(
            "/// {}\npub const {}: i32 = {};\n",
            p.c_doc(),
            p.constant(),
            p.id
        ));
    }
    s
}

/// `src/message/properties.tsv`: the table for the generators of the README appendix
/// and of the Python bindings (tab-separated, one row a property, a header row first).
pub fn render_tsv() -> String {
    let mut s = String::from(
        "# Generated from src/message/properties.rs (WD_REGENERATE=1 cargo test --lib properties).\n\
         constant\tvalue\tkind\ttype\taccess\twlangage\tattr\tmeaning\tdoc\n",
    );
    for p in &PROPERTIES {
        let ty = match p.value {
            Value::Text { .. } | Value::Attachment { .. } => "text",
            Value::Number { .. } => "number",
            Value::Flag { .. } => "flag",
            Value::List { .. } => "text",
            Value::Custom { ty, .. } => ty,
        };
        let wlangage = if p.wlangage.is_empty() {
            String::new()
        } else {
            format!("Email.{}", p.wlangage)
        };
        s.push_str(&format!(
            "{}\t{}\t{}\t{ty}\t{}\t{wlangage}\t{}\t{}\t{}\n",
            p.constant(),
            p.id,
            if p.is_array() { "array" } else { "single" },
            if p.read_only() {
                "read-only"
            } else {
                "read-write"
            },
            p.attr,
            p.doc,
            p.c_doc()
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_unique_and_in_order() {
        for (i, p) in PROPERTIES.iter().enumerate() {
            assert_eq!(p.id, i as i32 + 1, "{}", p.name);
        }
    }

    fn named(name: &str) -> &'static Property {
        PROPERTIES.iter().find(|p| p.name == name).unwrap()
    }

    fn err<T>(r: Result<T>) -> String {
        r.err().unwrap().message
    }

    #[test]
    fn text_values_are_cleaned_as_before() {
        let mut e = Email::default();
        named("SENDER").set(&mut e, 0, Some(" A <a@b> ")).unwrap();
        named("MESSAGE_ID")
            .set(&mut e, 0, Some(" <id@x> "))
            .unwrap();
        named("DATE")
            .set(&mut e, 0, Some(" 2024-01-02T03:04:05Z "))
            .unwrap();
        named("MESSAGE")
            .set(&mut e, 0, Some("two\r\nlines "))
            .unwrap();
        assert_eq!(e.sender, " A <a@b> ");
        assert_eq!(e.message_id, "id@x");
        assert_eq!(e.date, "2024-01-02T03:04:05Z");
        assert_eq!(e.message, "two\r\nlines ");
        named("SUBJECT").set(&mut e, 0, None).unwrap();
        assert_eq!(named("SUBJECT").get(&e, 7).unwrap(), "", "index ignored");
        assert_eq!(
            err(named("SUBJECT").set(&mut e, 0, Some("a\nBcc: x"))),
            "WD_EMAIL_SUBJECT holds a CR or LF character"
        );
    }

    #[test]
    fn numbers_and_flags_read_and_write_as_text() {
        let mut e = Email {
            size: 1 << 40,
            ..Email::default()
        };
        let (priority, seen) = (named("PRIORITY"), named("SEEN"));
        priority.set(&mut e, 0, Some(" 5 ")).unwrap();
        assert_eq!(priority.get(&e, 0).unwrap(), "5");
        priority.set(&mut e, 0, None).unwrap();
        assert_eq!(e.priority, 0);
        assert_eq!(
            err(priority.set(&mut e, 0, Some("6"))),
            "priority \"6\" is not 0 to 5"
        );
        seen.set(&mut e, 0, Some("TRUE")).unwrap();
        assert_eq!(seen.get(&e, 0).unwrap(), "1");
        assert_eq!(
            err(seen.set(&mut e, 0, Some("2"))),
            "seen flag \"2\" is not 0 or 1"
        );
        assert_eq!(named("SIZE").get(&e, 0).unwrap(), "1099511627776");
        for name in [
            "UID",
            "NUMBER",
            "SIZE",
            "OUT",
            "MAIL_ID",
            "REFUSED",
            "ATTACHMENT_RAW_NAME",
            "ERROR",
        ] {
            assert_eq!(
                err(named(name).set(&mut e, 0, Some("1"))),
                format!("WD_EMAIL_{name} is read-only")
            );
        }
    }

    #[test]
    fn arrays_append_replace_and_remove() {
        let mut e = Email::default();
        let to = named("RECIPIENT");
        to.set(&mut e, 0, Some(" a@x ")).unwrap();
        to.set(&mut e, 1, Some("b@x")).unwrap();
        to.set(&mut e, 0, Some("c@x")).unwrap();
        assert_eq!(e.to, ["c@x", "b@x"]);
        to.set(&mut e, 0, None).unwrap();
        assert_eq!(e.to, ["b@x"]);
        assert_eq!(
            err(to.set(&mut e, 3, Some("d@x"))),
            "index 3 is out of range for WD_EMAIL_RECIPIENT (1 element(s))"
        );
        assert_eq!(
            err(to.set(&mut e, 1, None)),
            "index 1 is out of range for WD_EMAIL_RECIPIENT (1 element(s))"
        );
        assert_eq!(to.count(&e).unwrap(), 1);
        e.attachments.push(Attachment::default());
        named("ATTACHMENT_CONTENT_ID")
            .set(&mut e, 0, Some(" <cid> "))
            .unwrap();
        assert_eq!(e.attachments[0].content_id, "cid");
        assert_eq!(
            err(named("ATTACHMENT_TYPE").get(&e, 1)),
            "index 1 is out of range for WD_EMAIL_ATTACHMENT_TYPE (1 element(s))"
        );
        assert_eq!(named("ATTACHMENT_NAME").count(&e).unwrap(), 1);
        assert_eq!(
            err(named("SUBJECT").count(&e)),
            "WD_EMAIL_SUBJECT is not an array property"
        );
    }

    #[test]
    fn lookups_name_what_is_accepted() {
        assert_eq!(err(find(0)), "unknown message property 0");
        assert_eq!(err(find(35)), "unknown message property 35");
        assert!(appendable(3).is_ok());
        for id in [0, 1, 13, 22, 23, 25] {
            assert_eq!(
                err(appendable(id)),
                format!(
                    "EmailAjoute works on WD_EMAIL_RECIPIENT, WD_EMAIL_CC, WD_EMAIL_BCC and \
                     WD_EMAIL_KEYWORDS, not on property {id}"
                )
            );
        }
        let body: Vec<_> = PROPERTIES
            .iter()
            .filter(|p| needs_body(p.id))
            .map(|p| p.name)
            .collect();
        assert_eq!(
            body,
            [
                "MESSAGE",
                "HTML",
                "ATTACHMENT_NAME",
                "ATTACHMENT_TYPE",
                "ATTACHMENT_CONTENT_ID",
                "ATTACHMENT_RAW_NAME",
                "NB_ATTACHMENT"
            ]
        );
        assert!(!needs_body(99));
    }

    /// Structure-style counts: reading gives the length, writing keeps the first N.
    #[test]
    fn counts_read_the_arrays_and_keep_the_first_n() {
        let mut e = Email::default();
        let (nb, to) = (named("NB_RECIPIENT"), named("RECIPIENT"));
        for a in ["a@x", "b@x", "c@x"] {
            to.push(&mut e, a);
        }
        assert_eq!(nb.get(&e, 0).unwrap(), "3");
        nb.set(&mut e, 0, Some("3")).unwrap();
        nb.set(&mut e, 0, Some(" 2 ")).unwrap();
        assert_eq!(e.to, ["a@x", "b@x"]);
        assert_eq!(
            err(nb.set(&mut e, 0, Some("5"))),
            "count \"5\" is not 0 to 2 (the number of elements there are)"
        );
        e.attachments = vec![Attachment::default(); 2];
        named("NB_ATTACHMENT").set(&mut e, 0, Some("0")).unwrap();
        assert!(e.attachments.is_empty());
    }

    /// The files written from the table match it; `WD_REGENERATE=1` rewrites them.
    #[test]
    fn generated_files_follow_the_table() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let regenerate = std::env::var("WD_REGENERATE").is_ok_and(|v| v == "1");
        let mut stale = Vec::new();

        let types = root.join("src/ffi/types.rs");
        let text = std::fs::read_to_string(&types).unwrap();
        let start = text.find("// ---- Message properties").unwrap();
        let end = start + text[start..].find("\n\n").unwrap() + 1;
        let block = render_rust_constants();
        if text[start..end] != block {
            stale.push("src/ffi/types.rs");
            if regenerate {
                let new = format!("{}{block}{}", &text[..start], &text[end..]);
                std::fs::write(&types, new).unwrap();
            }
        }

        let tsv = root.join("src/message/properties.tsv");
        let tsv_text = std::fs::read_to_string(&tsv).unwrap_or_default();
        if tsv_text != render_tsv() {
            stale.push("src/message/properties.tsv");
            if regenerate {
                std::fs::write(&tsv, render_tsv()).unwrap();
            }
        }
        assert!(
            regenerate || stale.is_empty(),
            "{stale:?} do not follow src/message/properties.rs: run \
             WD_REGENERATE=1 cargo test --lib properties, then the README and Python \
             generators (scripts/gen-readme-constants, python/gen_bindings.py)"
        );
    }
}
