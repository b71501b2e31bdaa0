//! A message as an object handed to callers: the model, whether its source is up to date,
//! where it was read from, and the text handed out for its properties and headers.
//!
//! Text handed out stays valid until the message changes: a getter replaces a string it
//! handed out before only when the value differs, and a change releases them all
//! ([`MessageObject::touch`]). Every change is made on a copy, so a refused change leaves the
//! message as it was.

use crate::error::{Error, Result};
use crate::message::build::{self, BuildOptions};
use crate::message::properties::{self, Needs};
use crate::message::{Attachment, Email, html, parse};
use crate::text::quoted;
use std::collections::HashMap;
use std::ffi::{CStr, CString};

/// Converts `s` to a C string, replacing interior NULs with spaces.
pub fn to_cstring(s: &str) -> CString {
    match CString::new(s) {
        Ok(c) => c,
        Err(_) => CString::new(s.replace('\0', " ")).unwrap_or_default(),
    }
}

/// What a handed-out string was read from.
#[derive(Debug, PartialEq, Eq, Hash)]
enum TextKey {
    Property(i32, usize),
    Header(String, usize),
}

/// A message object. `O` says where a message read with headers only came from, to
/// complete it on first access of a body field.
pub struct MessageObject<O> {
    pub email: Email,
    /// True while `email.source` matches the fields (built or imported, not edited since).
    pub built: bool,
    /// Where a message read with headers only came from.
    pub origin: Option<O>,
    texts: HashMap<TextKey, CString>,
}

impl<O> Default for MessageObject<O> {
    fn default() -> Self {
        MessageObject::new(Email::default(), false)
    }
}

impl<O> MessageObject<O> {
    pub fn new(email: Email, built: bool) -> Self {
        MessageObject {
            email,
            built,
            origin: None,
            texts: HashMap::new(),
        }
    }

    /// Marks the object changed: strings handed out before are released.
    pub fn touch(&mut self) {
        self.built = false;
        self.origin = None;
        self.texts.clear();
    }

    /// Clears every field (`EmailRAZ`).
    pub fn reset(&mut self) {
        self.touch();
        self.email.reset();
    }

    /// Replaces the whole message (import, read from a server).
    pub fn replace(&mut self, email: Email, built: bool) {
        self.touch();
        self.email = email;
        self.built = built;
    }

    /// Replaces the whole object by `other`, a message read from a server.
    pub fn replace_with(&mut self, other: MessageObject<O>) {
        self.replace(other.email, other.built);
        self.origin = other.origin;
    }

    /// Completes a message read with headers only with its full version. Not a change
    /// of the message: the strings handed out stay valid (a getter replaces a cached
    /// string only when its value differs).
    pub fn complete_with(&mut self, full: Email) {
        self.email = full;
        self.built = true;
        self.origin = None;
    }

    /// Parses a message read from a server with deferred parsing (`Email::unparsed`), on
    /// its first access; the object's lock is held by the caller, so this happens once.
    /// A source that cannot be parsed is kept with the server fields only (UID, number,
    /// size, seen), as when reading parsed it at once; the reason goes to the trace.
    pub fn ensure_parsed(&mut self) {
        if !self.email.unparsed {
            return;
        }
        if let Err(e) = self.email.parse_deferred() {
            crate::trace::note(
                "MESSAGE",
                &format!(
                    "message {} kept unparsed: {}",
                    if self.email.uid.is_empty() {
                        self.email.number.to_string()
                    } else {
                        self.email.uid.clone()
                    },
                    e.message
                ),
            );
        }
    }

    /// Builds the source unless it is already up to date.
    pub fn ensure_built(&mut self) -> Result<()> {
        if !self.built || self.email.source.is_empty() {
            // Building fills Date and Message-ID when empty; strings handed out for the
            // other properties stay valid (getters replace a cached string only when
            // its value changed).
            build::build(&mut self.email, BuildOptions::default())?;
            self.built = true;
        }
        Ok(())
    }

    /// Changes the message through `f`, on a copy: kept only when `f` succeeds.
    pub fn change(&mut self, f: impl FnOnce(&mut Email) -> Result<()>) -> Result<()> {
        let mut copy = self.email.clone();
        f(&mut copy)?;
        self.touch();
        self.email = copy;
        Ok(())
    }

    /// Hands out `value` under `key`, keeping the string handed out before when equal.
    fn hand_out(&mut self, key: TextKey, value: &str) -> &CStr {
        let c = self.texts.entry(key).or_default();
        if c.as_bytes() != value.as_bytes() {
            *c = to_cstring(value);
        }
        c
    }

    /// Property `id` as text (`EmailPropriete`), parsing a deferred message first unless
    /// the property comes from the listing. A message read with headers only must have
    /// been completed for the properties that need the body.
    pub fn property(&mut self, id: i32, index: usize) -> Result<&CStr> {
        let p = properties::find(id);
        if !matches!(p, Ok(p) if p.needs == Needs::Listing) {
            self.ensure_parsed();
        }
        let value = p?.get(&self.email, index)?;
        Ok(self.hand_out(TextKey::Property(id, index), &value))
    }

    /// Changes property `id` (`EmailModifiePropriete`).
    pub fn set_property(&mut self, id: i32, index: usize, value: Option<&str>) -> Result<()> {
        self.change(|e| properties::find(id)?.set(e, index, value))
    }

    /// The number of elements of the array property `id` (`EmailNb`).
    pub fn count(&self, id: i32) -> Result<usize> {
        properties::find(id)?.count(&self.email)
    }

    /// Appends to a writable list (`EmailAjoute`); `p` comes from
    /// [`properties::appendable`], `value` is on one line.
    pub fn append(&mut self, p: &properties::Property, value: &str) {
        self.touch();
        p.push(&mut self.email, value);
    }

    /// The `index`-th header `name` (`EmailEntete`): in the headers of an imported or
    /// received message and the added ones, else in the source of a built message.
    pub fn header(&mut self, name: &str, index: usize) -> Result<&CStr> {
        let mut found = self.email.header(name, index).map(|s| s.to_string());
        if found.is_none()
            && self.built
            && !self.email.source.is_empty()
            && let Ok(parsed) = parse::parse(&self.email.source)
        {
            found = parsed.header(name, index).map(|s| s.to_string());
        }
        let value = found.ok_or_else(|| {
            Error::invalid_arg(format!(
                "the message has no header {} at index {index}",
                quoted(name)
            ))
        })?;
        Ok(self.hand_out(TextKey::Header(name.to_ascii_lowercase(), index), &value))
    }

    /// Adds a header checked with [`crate::message::model::check_header`].
    pub fn add_header(&mut self, name: &str, value: &str) {
        self.touch();
        self.email
            .headers
            .push((name.to_string(), value.to_string()));
    }

    /// Adds an attachment.
    pub fn attach(&mut self, attachment: Attachment) {
        self.touch();
        self.email.attachments.push(attachment);
    }

    /// Attachment `index` (0-based).
    pub fn attachment(&self, index: usize) -> Result<&Attachment> {
        let list = &self.email.attachments;
        list.get(index)
            .ok_or_else(|| properties::index_error("ATTACHMENT_NAME", index, list.len()))
    }

    /// Builds the source from the fields (`EmailConstruitSource`), writing back the Date
    /// and Message-ID it generates.
    pub fn build_source(&mut self, opts: BuildOptions) -> Result<()> {
        self.change(|e| build::build(e, opts))?;
        self.built = true;
        Ok(())
    }

    /// Sets the HTML body with its local images as inline parts (`EmailImporteHTML`).
    pub fn import_html(&mut self, text: &str, images_dir: Option<&str>) -> Result<()> {
        self.change(|e| html::import_html(e, text, images_dir))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::properties::PROPERTIES;

    type Obj = MessageObject<()>;

    fn id(name: &str) -> i32 {
        PROPERTIES.iter().find(|p| p.name == name).unwrap().id
    }

    #[test]
    fn handed_out_text_stays_until_the_message_changes() {
        let mut o = Obj::default();
        o.set_property(id("SUBJECT"), 0, Some("hello")).unwrap();
        let first = o.property(id("SUBJECT"), 0).unwrap().as_ptr();
        // Reading again, or reading another property, keeps the string.
        o.property(id("SENDER"), 0).unwrap();
        assert_eq!(o.property(id("SUBJECT"), 0).unwrap().as_ptr(), first);
        assert_eq!(o.texts.len(), 2);
        o.set_property(id("SUBJECT"), 0, Some("changed")).unwrap();
        assert!(o.texts.is_empty(), "a change releases every string");
        assert_eq!(
            o.property(id("SUBJECT"), 0).unwrap().to_str(),
            Ok("changed")
        );
    }

    #[test]
    fn refused_change_leaves_the_message_and_its_strings() {
        let mut o = Obj::default();
        o.set_property(id("SUBJECT"), 0, Some("kept")).unwrap();
        o.built = true;
        o.property(id("SUBJECT"), 0).unwrap();
        let e = o
            .set_property(id("SUBJECT"), 0, Some("a\r\nBcc: x"))
            .unwrap_err();
        assert_eq!(e.message, "WD_EMAIL_SUBJECT holds a CR or LF character");
        assert!(o.built && o.texts.len() == 1);
        assert_eq!(o.email.subject, "kept");
    }

    #[test]
    fn missing_attachment_names_the_name_property() {
        let o = Obj::default();
        let e = o.attachment(0).unwrap_err();
        assert_eq!(
            e.message,
            "index 0 is out of range for WD_EMAIL_ATTACHMENT_NAME (0 element(s))"
        );
    }
}
