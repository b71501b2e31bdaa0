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
use crate::text::quoted;

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
pub static PROPERTIES: [Property; 23] = table! {
    1 SENDER: rw text(sender, Line), Parsed, "Expediteur", "sender", "Sender address";
    2 RECIPIENT: rw list(to), Parsed, "Destinataire", "to", "To recipients";
    3 CC: rw list(cc), Parsed, "Cc", "cc", "Cc recipients";
    4 BCC: rw list(bcc), Parsed, "Cci", "bcc", "Bcc recipients";
    5 REPLY_TO: rw text(reply_to, Line), Parsed, "AdresseRéponse", "reply_to", "Reply-To address";
    6 SUBJECT: rw text(subject, Line), Parsed, "Sujet", "subject", "Subject";
    7 MESSAGE: rw text(message, Body), Body, "Message", "body", "Text body";
    8 HTML: rw text(html, Body), Body, "HTML", "html", "HTML body";
    9 DATE: rw text(date, Trim), Parsed, "Date", "date", "Date, RFC 3339";
    10 MESSAGE_ID: rw text(message_id, Id), Parsed, "MessageID", "message_id",
        "Message-ID without angle brackets";
    11 PRIORITY: rw number(priority, max 5), Parsed, "Priorité", "priority",
        "Priority 1 (high) .. 5 (low), 0 unset";
    12 DISPOSITION_NOTIFICATION: rw text(disposition_notification, Line), Parsed,
        "ConfirmationLecture", "disposition_notification", "Read-receipt address";
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
    21 MAIL_ID: ro number(mail_id), Parsed, "IdentifiantEmail", "mail_id",
        "Asynchronous send identifier for `EmailEtat`";
    22 REFUSED: ro list(refused), Parsed, "", "refused",
        "recipients refused at the last send, `addr: server reply`";
    23 ATTACHMENT_RAW_NAME: ro attachment(raw_name()), Body, "", "",
        "attachment file names as the message carries them (decoded, before \
         `WD_EMAIL_ATTACHMENT_NAME` made them safe; \"\" for a part sent without a name)";
};

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
                *set(e) = match v.trim() {
                    "1" | "true" | "True" | "TRUE" => true,
                    "0" | "" | "false" | "False" | "FALSE" => false,
                    s => {
                        return Err(Error::invalid_arg(format!(
                            "{} flag {} is not 0 or 1",
                            self.name.to_ascii_lowercase(),
                            quoted(s)
                        )));
                    }
                };
            }
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
        assert_eq!(err(find(24)), "unknown message property 24");
        assert!(appendable(3).is_ok());
        for id in [0, 1, 13, 22, 23] {
            assert_eq!(
                err(appendable(id)),
                format!(
                    "EmailAjoute works on WD_EMAIL_RECIPIENT, WD_EMAIL_CC and WD_EMAIL_BCC, \
                     not on property {id}"
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
                "ATTACHMENT_RAW_NAME"
            ]
        );
        assert!(!needs_body(99));
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
