//! Message functions (API.md §3): the `Email` type behind `int32_t` handles.
//!
//! Strings returned by the getters here are owned by the message object: they stay valid
//! until that object is changed, reset or freed (rule (a) of the README, object form).

use crate::error::{Error, Result, WD_E};
use crate::ffi::args;
use crate::ffi::handles::{HandleTable, KIND_LIST, KIND_MESSAGE, kind_of};
use crate::ffi::strings::{empty_bytes, to_cstring};
use crate::ffi::types::*;
use crate::message::build::{self, BuildOptions};
use crate::message::{Attachment, Email, attachments, html, parse};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::ffi::{CString, c_char};
use std::sync::Arc;

/// A message object as seen from C: the model plus the strings handed out to the caller.
#[derive(Default)]
pub struct EmailObj {
    pub email: Email,
    /// True while `email.source` matches the fields (built or imported, not edited since).
    pub built: bool,
    cache: HashMap<(i32, usize), CString>,
    header_cache: HashMap<(String, usize), CString>,
    /// Where a message read with headers only came from, to complete it on first access
    /// of a body field: (session name, message reference).
    pub origin: Option<Origin>,
}

/// Where a message read from a server came from (for completing a headers-only read).
#[derive(Debug, Clone)]
pub struct Origin {
    pub session: String,
    pub msg: crate::session::MessageRef,
    pub opts: crate::session::ReadOptions,
}

impl EmailObj {
    pub fn new(email: Email, built: bool) -> EmailObj {
        EmailObj {
            email,
            built,
            ..Default::default()
        }
    }

    /// Marks the object changed: pointers handed out before are released.
    pub fn touch(&mut self) {
        self.built = false;
        self.origin = None;
        self.cache.clear();
        self.header_cache.clear();
    }

    /// Releases the strings handed out after a change that leaves the built source valid
    /// (send results: `WD_EMAIL_REFUSED`, `WD_EMAIL_MAIL_ID`).
    pub fn touch_results(&mut self) {
        // Nothing to release: a getter replaces a cached string only when its value
        // changed, so strings handed out for other properties stay valid.
    }

    /// Replaces the whole message (import, read from a server).
    pub fn replace(&mut self, email: Email, built: bool) {
        self.touch();
        self.email = email;
        self.built = built;
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
}

/// A list of messages returned by `EmailRecupereTout`; its items are message handles.
pub struct MessageList {
    pub items: Vec<i32>,
}

pub static MESSAGES: HandleTable<EmailObj> = HandleTable::new(KIND_MESSAGE);
pub static LISTS: HandleTable<MessageList> = HandleTable::new(KIND_LIST);

thread_local! {
    static LEGACY: Arc<Mutex<EmailObj>> = Arc::new(Mutex::new(EmailObj::default()));
}

/// Resolves a message handle (0 is the calling thread's legacy `Email` structure) and
/// parses a message whose parsing was deferred (see [`EmailObj::ensure_parsed`]). Every
/// access to the fields goes through here.
pub fn resolve(h: i32) -> Result<Arc<Mutex<EmailObj>>> {
    let obj = resolve_raw(h)?;
    obj.lock().ensure_parsed();
    Ok(obj)
}

/// [`resolve`] without parsing: for the functions that read only the source or the
/// server fields (UID, number, size, seen, out), or replace the whole message.
pub fn resolve_raw(h: i32) -> Result<Arc<Mutex<EmailObj>>> {
    if h == 0 {
        return LEGACY
            .try_with(|l| l.clone())
            .map_err(|_| Error::internal("legacy Email structure unavailable (thread exiting)"));
    }
    MESSAGES.get(h)
}

/// Stores a new message and returns its handle.
pub fn new_handle(obj: EmailObj) -> Result<i32> {
    MESSAGES.insert(obj)
}

fn prop_name(prop: i32) -> &'static str {
    match prop {
        WD_EMAIL_SENDER => "SENDER",
        WD_EMAIL_RECIPIENT => "RECIPIENT",
        WD_EMAIL_CC => "CC",
        WD_EMAIL_BCC => "BCC",
        WD_EMAIL_REPLY_TO => "REPLY_TO",
        WD_EMAIL_SUBJECT => "SUBJECT",
        WD_EMAIL_MESSAGE => "MESSAGE",
        WD_EMAIL_HTML => "HTML",
        WD_EMAIL_DATE => "DATE",
        WD_EMAIL_MESSAGE_ID => "MESSAGE_ID",
        WD_EMAIL_PRIORITY => "PRIORITY",
        WD_EMAIL_DISPOSITION_NOTIFICATION => "DISPOSITION_NOTIFICATION",
        WD_EMAIL_ATTACHMENT_NAME => "ATTACHMENT_NAME",
        WD_EMAIL_ATTACHMENT_TYPE => "ATTACHMENT_TYPE",
        WD_EMAIL_ATTACHMENT_CONTENT_ID => "ATTACHMENT_CONTENT_ID",
        WD_EMAIL_UID => "UID",
        WD_EMAIL_NUMBER => "NUMBER",
        WD_EMAIL_SIZE => "SIZE",
        WD_EMAIL_SEEN => "SEEN",
        WD_EMAIL_OUT => "OUT",
        WD_EMAIL_MAIL_ID => "MAIL_ID",
        WD_EMAIL_REFUSED => "REFUSED",
        _ => "?",
    }
}

/// Properties that need the body of a message read with headers only.
fn is_body_prop(prop: i32) -> bool {
    matches!(
        prop,
        WD_EMAIL_MESSAGE
            | WD_EMAIL_HTML
            | WD_EMAIL_ATTACHMENT_NAME
            | WD_EMAIL_ATTACHMENT_TYPE
            | WD_EMAIL_ATTACHMENT_CONTENT_ID
    )
}

/// Properties known without parsing a message read from a server (set by the reader).
fn is_server_prop(prop: i32) -> bool {
    matches!(
        prop,
        WD_EMAIL_UID | WD_EMAIL_NUMBER | WD_EMAIL_SIZE | WD_EMAIL_SEEN | WD_EMAIL_OUT
    )
}

fn unknown_prop(prop: i32) -> Error {
    Error::invalid_arg(format!("unknown message property {prop}"))
}

fn index_error(prop: i32, index: usize, count: usize) -> Error {
    Error::invalid_arg(format!(
        "index {index} is out of range for WD_EMAIL_{} ({count} element(s))",
        prop_name(prop)
    ))
}

fn array_mut(e: &mut Email, prop: i32) -> Option<&mut Vec<String>> {
    match prop {
        WD_EMAIL_RECIPIENT => Some(&mut e.to),
        WD_EMAIL_CC => Some(&mut e.cc),
        WD_EMAIL_BCC => Some(&mut e.bcc),
        WD_EMAIL_REFUSED => Some(&mut e.refused),
        _ => None,
    }
}

fn attachment_field(a: &Attachment, prop: i32) -> &str {
    match prop {
        WD_EMAIL_ATTACHMENT_NAME => &a.name,
        WD_EMAIL_ATTACHMENT_TYPE => &a.content_type,
        _ => &a.content_id,
    }
}

/// The value of a property as text (safe helper of `EmailPropriete`).
pub fn get_prop(e: &Email, prop: i32, index: usize) -> Result<String> {
    let scalar = |s: &str| Ok(s.to_string());
    match prop {
        WD_EMAIL_SENDER => scalar(&e.sender),
        WD_EMAIL_REPLY_TO => scalar(&e.reply_to),
        WD_EMAIL_SUBJECT => scalar(&e.subject),
        WD_EMAIL_MESSAGE => scalar(&e.message),
        WD_EMAIL_HTML => scalar(&e.html),
        WD_EMAIL_DATE => scalar(&e.date),
        WD_EMAIL_MESSAGE_ID => scalar(&e.message_id),
        WD_EMAIL_DISPOSITION_NOTIFICATION => scalar(&e.disposition_notification),
        WD_EMAIL_UID => scalar(&e.uid),
        WD_EMAIL_PRIORITY => Ok(e.priority.to_string()),
        WD_EMAIL_NUMBER => Ok(e.number.to_string()),
        WD_EMAIL_SIZE => Ok(e.size.to_string()),
        WD_EMAIL_SEEN => Ok((e.seen as i32).to_string()),
        WD_EMAIL_OUT => Ok((e.out as i32).to_string()),
        WD_EMAIL_MAIL_ID => Ok(e.mail_id.to_string()),
        WD_EMAIL_RECIPIENT | WD_EMAIL_CC | WD_EMAIL_BCC | WD_EMAIL_REFUSED => {
            let v = match prop {
                WD_EMAIL_RECIPIENT => &e.to,
                WD_EMAIL_CC => &e.cc,
                WD_EMAIL_BCC => &e.bcc,
                _ => &e.refused,
            };
            v.get(index)
                .cloned()
                .ok_or_else(|| index_error(prop, index, v.len()))
        }
        WD_EMAIL_ATTACHMENT_NAME | WD_EMAIL_ATTACHMENT_TYPE | WD_EMAIL_ATTACHMENT_CONTENT_ID => e
            .attachments
            .get(index)
            .map(|a| attachment_field(a, prop).to_string())
            .ok_or_else(|| index_error(prop, index, e.attachments.len())),
        _ => Err(unknown_prop(prop)),
    }
}

/// Changes a property (safe helper of `EmailModifiePropriete`). For arrays, `index` equal
/// to the count appends and a NULL value removes the element.
pub fn set_prop(e: &mut Email, prop: i32, index: usize, value: Option<&str>) -> Result<()> {
    let v = value.unwrap_or("");
    let line = |v: &str| args::single_line(v, &format!("WD_EMAIL_{}", prop_name(prop)));
    let single = match prop {
        WD_EMAIL_SENDER => Some(&mut e.sender),
        WD_EMAIL_REPLY_TO => Some(&mut e.reply_to),
        WD_EMAIL_SUBJECT => Some(&mut e.subject),
        WD_EMAIL_DISPOSITION_NOTIFICATION => Some(&mut e.disposition_notification),
        _ => None,
    };
    if let Some(field) = single {
        line(v)?;
        *field = v.to_string();
        return Ok(());
    }
    match prop {
        WD_EMAIL_MESSAGE_ID => {
            line(v)?;
            e.message_id = v
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string();
        }
        WD_EMAIL_DATE => {
            line(v)?;
            e.date = v.trim().to_string();
        }
        WD_EMAIL_MESSAGE => e.message = v.to_string(),
        WD_EMAIL_HTML => e.html = v.to_string(),
        WD_EMAIL_PRIORITY => {
            e.priority = match v.trim() {
                "" => 0,
                s => s
                    .parse::<i32>()
                    .ok()
                    .filter(|p| (0..=5).contains(p))
                    .ok_or_else(|| Error::invalid_arg(format!("priority {s:?} is not 0 to 5")))?,
            }
        }
        WD_EMAIL_SEEN => {
            e.seen = match v.trim() {
                "1" | "true" | "True" | "TRUE" => true,
                "0" | "" | "false" | "False" | "FALSE" => false,
                s => return Err(Error::invalid_arg(format!("seen flag {s:?} is not 0 or 1"))),
            }
        }
        WD_EMAIL_RECIPIENT | WD_EMAIL_CC | WD_EMAIL_BCC => {
            let arr = array_mut(e, prop).ok_or_else(|| unknown_prop(prop))?;
            let count = arr.len();
            match value {
                None if index < count => {
                    arr.remove(index);
                }
                None => return Err(index_error(prop, index, count)),
                Some(v) => {
                    line(v)?;
                    if index < count {
                        arr[index] = v.trim().to_string();
                    } else if index == count {
                        arr.push(v.trim().to_string());
                    } else {
                        return Err(index_error(prop, index, count));
                    }
                }
            }
        }
        WD_EMAIL_ATTACHMENT_NAME | WD_EMAIL_ATTACHMENT_TYPE | WD_EMAIL_ATTACHMENT_CONTENT_ID => {
            line(v)?;
            let count = e.attachments.len();
            let a = e
                .attachments
                .get_mut(index)
                .ok_or_else(|| index_error(prop, index, count))?;
            let v = v.trim().to_string();
            match prop {
                WD_EMAIL_ATTACHMENT_NAME => a.name = v,
                WD_EMAIL_ATTACHMENT_TYPE => a.content_type = v,
                _ => a.content_id = v.trim_start_matches('<').trim_end_matches('>').to_string(),
            }
        }
        WD_EMAIL_UID | WD_EMAIL_NUMBER | WD_EMAIL_SIZE | WD_EMAIL_OUT | WD_EMAIL_MAIL_ID
        | WD_EMAIL_REFUSED => {
            return Err(Error::invalid_arg(format!(
                "WD_EMAIL_{} is read-only",
                prop_name(prop)
            )));
        }
        _ => return Err(unknown_prop(prop)),
    }
    Ok(())
}

/// Count of an array property (safe helper of `EmailNb`).
pub fn count_prop(e: &Email, prop: i32) -> Result<i32> {
    let n = match prop {
        WD_EMAIL_RECIPIENT => e.to.len(),
        WD_EMAIL_CC => e.cc.len(),
        WD_EMAIL_BCC => e.bcc.len(),
        WD_EMAIL_REFUSED => e.refused.len(),
        WD_EMAIL_ATTACHMENT_NAME | WD_EMAIL_ATTACHMENT_TYPE | WD_EMAIL_ATTACHMENT_CONTENT_ID => {
            e.attachments.len()
        }
        _ if prop_name(prop) != "?" => {
            return Err(Error::invalid_arg(format!(
                "WD_EMAIL_{} is not an array property",
                prop_name(prop)
            )));
        }
        _ => return Err(unknown_prop(prop)),
    };
    Ok(n as i32)
}

fn check_header_name(name: &str) -> Result<()> {
    if name.is_empty() || !name.bytes().all(|b| (33..=126).contains(&b) && b != b':') {
        return Err(Error::invalid_arg(format!(
            "header name {name:?} is not a valid field name (printable ASCII without ':' or space)"
        )));
    }
    Ok(())
}

fn index_arg(index: i32) -> Result<usize> {
    usize::try_from(index).map_err(|_| Error::invalid_arg(format!("index {index} is negative")))
}

/// Creates an empty message (`EmailCree`).
///
/// Returns a new message handle (> 0), or 0 on failure (too many live messages). Free it
/// with `EmailLibere`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn EmailCree() -> WdEmail {
    WdEmail(ffi_guard!("EmailCree", 0, {
        new_handle(EmailObj::default())
    }))
}

/// English name of `EmailCree`.
#[unsafe(no_mangle)]
pub extern "C" fn EmailCreate() -> WdEmail {
    EmailCree()
}

/// Frees a message or a message list (`EmailLibere`); freeing a list frees its messages.
///
/// Returns 1, or 0 with `WD_E_INVALID_HANDLE` for 0, a stale, already freed or unknown
/// handle. Pointers obtained from the object become invalid. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn EmailLibere(email: WdEmail) -> i32 {
    ffi_guard!("EmailLibere", 0, {
        let h = email.0;
        if h == 0 {
            return Err(Error::new(
                WD_E::InvalidHandle,
                "handle 0 is the legacy Email structure and cannot be freed (use EmailRAZ)",
            ));
        }
        if kind_of(h) == KIND_LIST {
            let list = LISTS.remove(h)?;
            let items = std::mem::take(&mut list.lock().items);
            for item in items {
                let _ = MESSAGES.remove(item);
            }
            return Ok(1);
        }
        let obj = MESSAGES.remove(h)?;
        drop(obj);
        Ok(1)
    })
}

/// English name of `EmailLibere`.
#[unsafe(no_mangle)]
pub extern "C" fn EmailFree(email: WdEmail) -> i32 {
    EmailLibere(email)
}

/// Clears every field of a message (`EmailRAZ`); 0 clears the legacy structure.
///
/// Returns 1, or 0 with `WD_E_INVALID_HANDLE`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn EmailRAZ(email: WdEmail) -> i32 {
    ffi_guard!("EmailRAZ", 0, {
        let obj = resolve_raw(email.0)?;
        let mut o = obj.lock();
        o.touch();
        o.email.reset();
        Ok(1)
    })
}

/// English name of `EmailRAZ`.
#[unsafe(no_mangle)]
pub extern "C" fn EmailReset(email: WdEmail) -> i32 {
    EmailRAZ(email)
}

/// Reads a property of a message (`EmailPropriete`), e.g. `WD_EMAIL_SUBJECT`.
///
/// `email`: a message handle, 0 = the legacy structure. `index`: element of an array
/// property (0-based), else 0. Numbers and flags come back as decimal text.
/// Returns a UTF-8 string owned by the message, valid until the message is changed or
/// freed; NULL on error (`WD_E_INVALID_HANDLE`, `WD_E_INVALID_ARGUMENT` for an unknown
/// property or an index out of range). Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn EmailPropriete(email: WdEmail, property: i32, index: i32) -> *const c_char {
    ffi_guard!("EmailPropriete", std::ptr::null(), {
        let index = index_arg(index)?;
        let obj = resolve_raw(email.0)?;
        if is_body_prop(property) {
            crate::ffi::read::complete(&obj)?;
        }
        let mut o = obj.lock();
        if !is_server_prop(property) {
            o.ensure_parsed();
        }
        let value = get_prop(&o.email, property, index)?;
        let c = o.cache.entry((property, index)).or_default();
        if c.as_bytes() != value.as_bytes() {
            *c = to_cstring(&value);
        }
        Ok(c.as_ptr())
    })
}

/// English name of `EmailPropriete`.
#[unsafe(no_mangle)]
pub extern "C" fn EmailGetProperty(email: WdEmail, property: i32, index: i32) -> *const c_char {
    EmailPropriete(email, property, index)
}

/// Changes a property of a message (`EmailModifiePropriete`).
///
/// `value`: UTF-8 text (numbers as decimal text); NULL clears a field, or removes the
/// element `index` of an array. For arrays, `index` equal to the count appends.
/// Addresses and header fields holding CR or LF are refused (`WD_E_INVALID_ARGUMENT`);
/// read-only properties (UID, NUMBER, SIZE, OUT, MAIL_ID, REFUSED) too.
/// Returns 1 or 0. Invalidates strings obtained from this message. Thread-safe.
///
/// # Safety
/// `value` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailModifiePropriete(
    email: WdEmail,
    property: i32,
    index: i32,
    value: *const c_char,
) -> i32 {
    ffi_guard!("EmailModifiePropriete", 0, {
        let index = index_arg(index)?;
        // SAFETY: caller contract.
        let value = unsafe { args::opt_cstr(value, "value") }?;
        let obj = resolve(email.0)?;
        let mut o = obj.lock();
        let mut copy = o.email.clone();
        set_prop(&mut copy, property, index, value)?;
        o.touch();
        o.email = copy;
        Ok(1)
    })
}

/// English name of `EmailModifiePropriete`.
///
/// # Safety
/// As `EmailModifiePropriete`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailSetProperty(
    email: WdEmail,
    property: i32,
    index: i32,
    value: *const c_char,
) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailModifiePropriete(email, property, index, value) }
}

/// Appends a value to an array property (`EmailAjoute`): `WD_EMAIL_RECIPIENT`,
/// `WD_EMAIL_CC` or `WD_EMAIL_BCC`.
///
/// `value` must not be NULL nor hold CR/LF. Returns 1, or 0 with `WD_E_INVALID_ARGUMENT`
/// or `WD_E_INVALID_HANDLE`. Invalidates strings obtained from this message. Thread-safe.
///
/// # Safety
/// `value` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailAjoute(email: WdEmail, property: i32, value: *const c_char) -> i32 {
    ffi_guard!("EmailAjoute", 0, {
        // SAFETY: caller contract.
        let value = unsafe { args::cstr(value, "value") }?;
        if !matches!(property, WD_EMAIL_RECIPIENT | WD_EMAIL_CC | WD_EMAIL_BCC) {
            return Err(Error::invalid_arg(format!(
                "EmailAjoute works on WD_EMAIL_RECIPIENT, WD_EMAIL_CC and WD_EMAIL_BCC, not on property {property}"
            )));
        }
        args::single_line(value, "value")?;
        let obj = resolve(email.0)?;
        let mut o = obj.lock();
        o.touch();
        array_mut(&mut o.email, property)
            .ok_or_else(|| unknown_prop(property))?
            .push(value.trim().to_string());
        Ok(1)
    })
}

/// English name of `EmailAjoute`.
///
/// # Safety
/// As `EmailAjoute`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailAdd(email: WdEmail, property: i32, value: *const c_char) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailAjoute(email, property, value) }
}

/// Counts the elements of an array property (`EmailNb`): recipients, Cc, Bcc, refused
/// recipients, or attachments (any of the `WD_EMAIL_ATTACHMENT_*` properties).
///
/// Returns the count, or -1 with `WD_E_INVALID_ARGUMENT` / `WD_E_INVALID_HANDLE`.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn EmailNb(email: WdEmail, property: i32) -> i32 {
    ffi_guard!("EmailNb", -1, {
        let obj = resolve(email.0)?;
        if is_body_prop(property) {
            crate::ffi::read::complete(&obj)?;
        }
        let o = obj.lock();
        count_prop(&o.email, property)
    })
}

/// English name of `EmailNb`.
#[unsafe(no_mangle)]
pub extern "C" fn EmailCount(email: WdEmail, property: i32) -> i32 {
    EmailNb(email, property)
}

/// Reads the `index`-th (0-based) header named `header_name` (case-insensitive), decoded
/// to UTF-8 (`EmailEntete`). Looks in the headers of an imported or received message, and
/// in the extra headers added with `EmailAjouteEntete`; for a built message, in its source.
///
/// Returns a string owned by the message (valid until it changes or is freed), or NULL:
/// with `WD_E_INVALID_ARGUMENT` when there is no such header, `WD_E_INVALID_HANDLE`.
/// Thread-safe.
///
/// # Safety
/// `header_name` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailEntete(
    email: WdEmail,
    header_name: *const c_char,
    index: i32,
) -> *const c_char {
    ffi_guard!("EmailEntete", std::ptr::null(), {
        // SAFETY: caller contract.
        let name = unsafe { args::cstr(header_name, "header_name") }?;
        let index = index_arg(index)?;
        let obj = resolve(email.0)?;
        let mut o = obj.lock();
        let mut found = o.email.header(name, index).map(|s| s.to_string());
        if found.is_none()
            && o.built
            && !o.email.source.is_empty()
            && let Ok(parsed) = parse::parse(&o.email.source)
        {
            found = parsed.header(name, index).map(|s| s.to_string());
        }
        let value = found.ok_or_else(|| {
            Error::invalid_arg(format!(
                "the message has no header {name:?} at index {index}"
            ))
        })?;
        let key = (name.to_ascii_lowercase(), index);
        let c = o.header_cache.entry(key).or_default();
        // Same value: keep the string, so a pointer handed out before stays valid.
        if c.as_bytes() != value.as_bytes() {
            *c = to_cstring(&value);
        }
        Ok(c.as_ptr())
    })
}

/// English name of `EmailEntete`.
///
/// # Safety
/// As `EmailEntete`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailHeader(
    email: WdEmail,
    header_name: *const c_char,
    index: i32,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { EmailEntete(email, header_name, index) }
}

/// Adds a header to the message (`EmailAjouteEntete`), written when the source is built.
///
/// `header_name`: printable ASCII without ':' or space; `value`: UTF-8 without CR/LF
/// (non-ASCII is encoded on build). Returns 1, or 0 with `WD_E_INVALID_ARGUMENT`
/// (header injection is refused) or `WD_E_INVALID_HANDLE`. Thread-safe.
///
/// # Safety
/// `header_name` and `value` are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailAjouteEntete(
    email: WdEmail,
    header_name: *const c_char,
    value: *const c_char,
) -> i32 {
    ffi_guard!("EmailAjouteEntete", 0, {
        // SAFETY: caller contract.
        let name = unsafe { args::cstr(header_name, "header_name") }?;
        // SAFETY: caller contract.
        let value = unsafe { args::cstr(value, "value") }?;
        check_header_name(name)?;
        args::single_line(value, "header value")?;
        let obj = resolve(email.0)?;
        let mut o = obj.lock();
        o.touch();
        o.email.headers.push((name.to_string(), value.to_string()));
        Ok(1)
    })
}

/// English name of `EmailAjouteEntete`.
///
/// # Safety
/// As `EmailAjouteEntete`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailAddHeader(
    email: WdEmail,
    header_name: *const c_char,
    value: *const c_char,
) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailAjouteEntete(email, header_name, value) }
}

/// Attaches a file from disk (`EmailAjouteFichierAttache`). The file is read now; its
/// name is the attachment name and its MIME type is guessed from the extension.
///
/// Returns 1, or 0 with `WD_E_IO` (file missing or unreadable, the OS error in
/// `WD_ERR_SYSTEM_MESSAGE`), `WD_E_INVALID_ARGUMENT`, `WD_E_INVALID_HANDLE`. Thread-safe.
///
/// # Safety
/// `path` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailAjouteFichierAttache(email: WdEmail, path: *const c_char) -> i32 {
    ffi_guard!("EmailAjouteFichierAttache", 0, {
        // SAFETY: caller contract.
        let path = unsafe { args::cstr(path, "path") }?;
        let obj = resolve(email.0)?;
        let att = attachments::from_file(path)?;
        let mut o = obj.lock();
        o.touch();
        o.email.attachments.push(att);
        Ok(1)
    })
}

/// English name of `EmailAjouteFichierAttache`.
///
/// # Safety
/// As `EmailAjouteFichierAttache`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailAddAttachment(email: WdEmail, path: *const c_char) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailAjouteFichierAttache(email, path) }
}

/// Attaches bytes from memory (`EmailAjouteFichierAttacheMemoire`).
///
/// `name`: attachment file name (UTF-8, no CR/LF). `data`/`len`: the content (any bytes;
/// NULL allowed when `len` is 0). `content_type`: MIME type, NULL = guessed from `name`.
/// The bytes are copied. Returns 1, or 0 with `WD_E_INVALID_ARGUMENT` /
/// `WD_E_INVALID_HANDLE`. Thread-safe.
///
/// # Safety
/// `name`/`content_type` are NULL or NUL-terminated; `data` is valid for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailAjouteFichierAttacheMemoire(
    email: WdEmail,
    name: *const c_char,
    data: *const u8,
    len: usize,
    content_type: *const c_char,
) -> i32 {
    ffi_guard!("EmailAjouteFichierAttacheMemoire", 0, {
        // SAFETY: caller contract.
        let name = unsafe { args::cstr(name, "name") }?;
        // SAFETY: caller contract.
        let data = unsafe { args::bytes(data, len, "data") }?;
        // SAFETY: caller contract.
        let ctype = unsafe { args::opt_cstr(content_type, "content_type") }?;
        args::single_line(name, "attachment name")?;
        let ctype = match ctype {
            Some(t) if !t.trim().is_empty() => {
                args::single_line(t, "content_type")?;
                t.trim().to_string()
            }
            _ => attachments::mime_type_for(name).to_string(),
        };
        let obj = resolve(email.0)?;
        let mut o = obj.lock();
        o.touch();
        o.email.attachments.push(Attachment {
            name: name.to_string(),
            content_type: ctype,
            content_id: String::new(),
            data: data.to_vec(),
        });
        Ok(1)
    })
}

/// English name of `EmailAjouteFichierAttacheMemoire`.
///
/// # Safety
/// As `EmailAjouteFichierAttacheMemoire`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailAddAttachmentData(
    email: WdEmail,
    name: *const c_char,
    data: *const u8,
    len: usize,
    content_type: *const c_char,
) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailAjouteFichierAttacheMemoire(email, name, data, len, content_type) }
}

/// Returns the decoded bytes of attachment `index` (0-based) (`EmailFichierAttacheContenu`).
///
/// `out_len` (required) receives the length, written only on success. The bytes belong
/// to the message and stay valid until it is changed or freed. Returns NULL on error
/// (`WD_E_INVALID_ARGUMENT` for a NULL `out_len` or an index out of range,
/// `WD_E_INVALID_HANDLE`). Thread-safe.
///
/// # Safety
/// `out_len` is NULL or valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailFichierAttacheContenu(
    email: WdEmail,
    index: i32,
    out_len: *mut usize,
) -> *const u8 {
    ffi_guard!("EmailFichierAttacheContenu", std::ptr::null(), {
        let out_len = args::out_ptr(out_len, "out_len")?;
        let index = index_arg(index)?;
        let obj = resolve(email.0)?;
        crate::ffi::read::complete(&obj)?;
        let o = obj.lock();
        let count = o.email.attachments.len();
        let a = o
            .email
            .attachments
            .get(index)
            .ok_or_else(|| index_error(WD_EMAIL_ATTACHMENT_NAME, index, count))?;
        let p = if a.data.is_empty() {
            empty_bytes()
        } else {
            a.data.as_ptr()
        };
        // SAFETY: checked non-NULL above; caller contract.
        unsafe { *out_len = a.data.len() };
        Ok(p)
    })
}

/// English name of `EmailFichierAttacheContenu`.
///
/// # Safety
/// As `EmailFichierAttacheContenu`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailAttachmentContent(
    email: WdEmail,
    index: i32,
    out_len: *mut usize,
) -> *const u8 {
    // SAFETY: forwarded contract.
    unsafe { EmailFichierAttacheContenu(email, index, out_len) }
}

/// Saves attachment `index` (0-based) to the file `path` (`EmailSauveFichierAttache`),
/// replacing it if it exists.
///
/// Returns 1, or 0 with `WD_E_IO` (the OS error in `WD_ERR_SYSTEM_MESSAGE`),
/// `WD_E_INVALID_ARGUMENT`, `WD_E_INVALID_HANDLE`. Thread-safe.
///
/// # Safety
/// `path` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailSauveFichierAttache(
    email: WdEmail,
    index: i32,
    path: *const c_char,
) -> i32 {
    ffi_guard!("EmailSauveFichierAttache", 0, {
        // SAFETY: caller contract.
        let path = unsafe { args::cstr(path, "path") }?;
        let index = index_arg(index)?;
        let obj = resolve(email.0)?;
        crate::ffi::read::complete(&obj)?;
        let o = obj.lock();
        let count = o.email.attachments.len();
        let a = o
            .email
            .attachments
            .get(index)
            .ok_or_else(|| index_error(WD_EMAIL_ATTACHMENT_NAME, index, count))?;
        attachments::save(a, path)?;
        Ok(1)
    })
}

/// English name of `EmailSauveFichierAttache`.
///
/// # Safety
/// As `EmailSauveFichierAttache`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailSaveAttachment(
    email: WdEmail,
    index: i32,
    path: *const c_char,
) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailSauveFichierAttache(email, index, path) }
}

/// Builds the RFC 5322 / MIME source of the message from its fields (`EmailConstruitSource`).
///
/// `options`: 0, or a sum of `WD_BUILD_ENCODE_HEADER` (always done) and
/// `WD_BUILD_HEADER_BCC` (keep the Bcc header; left out by default). Date and Message-ID
/// are generated when empty and written back into the fields. Returns 1, or 0 with
/// `WD_E_MESSAGE` (e.g. an unparseable date), `WD_E_INVALID_ARGUMENT`,
/// `WD_E_INVALID_HANDLE`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn EmailConstruitSource(email: WdEmail, options: i32) -> i32 {
    ffi_guard!("EmailConstruitSource", 0, {
        if options & !(WD_BUILD_ENCODE_HEADER | WD_BUILD_HEADER_BCC) != 0 {
            return Err(Error::invalid_arg(format!(
                "unknown build options {options}"
            )));
        }
        let opts = BuildOptions {
            header_bcc: options & WD_BUILD_HEADER_BCC != 0,
            encode_headers: options & WD_BUILD_ENCODE_HEADER != 0,
        };
        let obj = resolve(email.0)?;
        let mut o = obj.lock();
        let mut copy = o.email.clone();
        build::build(&mut copy, opts)?;
        o.touch();
        o.email = copy;
        o.built = true;
        Ok(1)
    })
}

/// English name of `EmailConstruitSource`.
#[unsafe(no_mangle)]
pub extern "C" fn EmailBuildSource(email: WdEmail, options: i32) -> i32 {
    EmailConstruitSource(email, options)
}

/// Returns the raw source of the message (`EmailSource`): built by `EmailConstruitSource`,
/// imported, or received. Empty (length 0) when there is none yet.
///
/// `out_len` (required) receives the length, written only on success. The bytes belong to
/// the message and stay valid until it is changed or freed. NULL on error. Thread-safe.
///
/// # Safety
/// `out_len` is NULL or valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailSource(email: WdEmail, out_len: *mut usize) -> *const u8 {
    ffi_guard!("EmailSource", std::ptr::null(), {
        let out_len = args::out_ptr(out_len, "out_len")?;
        // The source of a message whose parsing is deferred is already there.
        let obj = resolve_raw(email.0)?;
        crate::ffi::read::complete(&obj)?;
        let o = obj.lock();
        let src = &o.email.source;
        let p = if src.is_empty() {
            empty_bytes()
        } else {
            src.as_ptr()
        };
        // SAFETY: checked non-NULL; caller contract.
        unsafe { *out_len = src.len() };
        Ok(p)
    })
}

/// English name of `EmailSource`.
///
/// # Safety
/// As `EmailSource`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailGetSource(email: WdEmail, out_len: *mut usize) -> *const u8 {
    // SAFETY: forwarded contract.
    unsafe { EmailSource(email, out_len) }
}

/// Parses a raw RFC 5322 message into the fields (`EmailImporteSource`), replacing every
/// field: addresses, subject, bodies, date, attachments (decoded), all headers (decoded).
///
/// `data`/`len`: the raw bytes (copied). Returns 1, or 0 with `WD_E_MESSAGE`,
/// `WD_E_INVALID_ARGUMENT`, `WD_E_INVALID_HANDLE`. Thread-safe.
///
/// # Safety
/// `data` is valid for `len` bytes (NULL allowed when `len` is 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailImporteSource(email: WdEmail, data: *const u8, len: usize) -> i32 {
    ffi_guard!("EmailImporteSource", 0, {
        // SAFETY: caller contract.
        let data = unsafe { args::bytes(data, len, "data") }?;
        let obj = resolve_raw(email.0)?;
        let parsed = parse::parse(data)?;
        obj.lock().replace(parsed, true);
        Ok(1)
    })
}

/// English name of `EmailImporteSource`.
///
/// # Safety
/// As `EmailImporteSource`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailImportSource(email: WdEmail, data: *const u8, len: usize) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailImporteSource(email, data, len) }
}

/// Sets the HTML body from `html` (`EmailImporteHTML`); images referenced with local paths
/// (relative to `images_dir`, NULL = the current directory) become inline parts and their
/// `src` is rewritten to `cid:`. The text body is filled from the HTML when empty.
///
/// Returns 1, or 0 with `WD_E_IO` (an image file is missing), `WD_E_INVALID_ARGUMENT`,
/// `WD_E_INVALID_HANDLE`. Thread-safe.
///
/// # Safety
/// `html` and `images_dir` are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailImporteHTML(
    email: WdEmail,
    html: *const c_char,
    images_dir: *const c_char,
) -> i32 {
    ffi_guard!("EmailImporteHTML", 0, {
        // SAFETY: caller contract.
        let html_text = unsafe { args::cstr(html, "html") }?;
        // SAFETY: caller contract.
        let dir = unsafe { args::opt_cstr(images_dir, "images_dir") }?;
        let obj = resolve(email.0)?;
        let mut o = obj.lock();
        let mut copy = o.email.clone();
        html::import_html(&mut copy, html_text, dir)?;
        o.touch();
        o.email = copy;
        Ok(1)
    })
}

/// English name of `EmailImporteHTML`.
///
/// # Safety
/// As `EmailImporteHTML`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailImportHTML(
    email: WdEmail,
    html: *const c_char,
    images_dir: *const c_char,
) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailImporteHTML(email, html, images_dir) }
}
