//! Sessions by name (API.md §2): declared sessions and their properties, the registry of
//! open connections, and closing.

use crate::error::{Error, Result, WD_E};
use crate::ffi::args;
use crate::ffi::strings::ret_thread;
pub use crate::ffi::types::{
    WD_AUTH_APOP, WD_AUTH_AUTO, WD_AUTH_CRAM_MD5, WD_AUTH_LOGIN, WD_AUTH_OAUTHBEARER,
    WD_AUTH_PLAIN, WD_AUTH_USER_PASS, WD_AUTH_XOAUTH2, WD_OPTION_NONE, WD_OPTION_SECURED_TLS,
    WD_OPTION_SSL, WD_PROP_ASYNCHRONOUS, WD_PROP_AUTH_METHOD, WD_PROP_AUTH_TOKEN, WD_PROP_CA_FILE,
    WD_PROP_CLIENT_NAME, WD_PROP_CONNECTIONS, WD_PROP_FOLDER, WD_PROP_IGNORE_ERROR, WD_PROP_OPTION,
    WD_PROP_PASSWORD, WD_PROP_PORT, WD_PROP_SERVER_ADDRESS, WD_PROP_SPOOL_DIR, WD_PROP_TIMEOUT,
    WD_PROP_USER, WD_SESSION_IMAP, WD_SESSION_POP3, WD_SESSION_SMTP,
};
use crate::session::{
    AuthMethod, Mailbox, MessageRef, Outgoing, ReadOptions, Security, SessionConfig, SessionKind,
};
use once_cell::sync::Lazy;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::ffi::c_char;
use std::sync::Arc;

/// The open incoming connection of a session and its reading cursor.
pub struct Incoming {
    pub mailbox: Box<dyn Mailbox>,
    /// Listing taken by the last `EmailLitPremier` / `EmailLitDernier`.
    pub listing: Vec<MessageRef>,
    /// Options the listing was taken with.
    pub listing_opts: ReadOptions,
    /// Position in `listing`: -1 before the first, `listing.len()` past the last.
    pub cursor: isize,
    /// True once a listing was taken.
    pub listed: bool,
    /// Read-ahead cache of the reading loop and the \Seen flags it owes.
    pub ahead: crate::ffi::read::ReadAhead,
}

/// One session name: its declaration (if any) and its open connections. Each connection
/// has its own lock, so reading and sending on one name can run in parallel.
pub struct SessionEntry {
    pub name: String,
    pub declared: Mutex<Option<SessionConfig>>,
    pub outgoing: Mutex<Option<Box<dyn Outgoing>>>,
    pub incoming: Mutex<Option<Incoming>>,
}

static SESSIONS: Lazy<Mutex<HashMap<String, Arc<SessionEntry>>>> =
    Lazy::new(|| Mutex::new(HashMap::new()));

/// Looks a session name up (the table lock is held only for the lookup).
pub fn find(name: &str) -> Result<Arc<SessionEntry>> {
    SESSIONS
        .lock()
        .get(name)
        .cloned()
        .ok_or_else(|| Error::new(WD_E::UnknownSession, format!("unknown session {name:?}")))
}

/// Returns the entry of `name`, creating it when absent.
pub fn entry(name: &str) -> Arc<SessionEntry> {
    SESSIONS
        .lock()
        .entry(name.to_string())
        .or_insert_with(|| {
            Arc::new(SessionEntry {
                name: name.to_string(),
                declared: Mutex::new(None),
                outgoing: Mutex::new(None),
                incoming: Mutex::new(None),
            })
        })
        .clone()
}

/// Removes a session name from the registry.
pub fn remove(name: &str) -> Option<Arc<SessionEntry>> {
    SESSIONS.lock().remove(name)
}

fn kind_from(t: i32) -> Result<SessionKind> {
    match t {
        WD_SESSION_POP3 => Ok(SessionKind::Pop3),
        WD_SESSION_SMTP => Ok(SessionKind::Smtp),
        WD_SESSION_IMAP => Ok(SessionKind::Imap),
        _ => Err(Error::invalid_arg(format!(
            "session type {t} is not WD_SESSION_POP3, WD_SESSION_SMTP or WD_SESSION_IMAP"
        ))),
    }
}

/// Decodes a `WD_OPTION_*` value.
pub fn security_from(option: i32) -> Result<Security> {
    match option {
        WD_OPTION_NONE => Ok(Security::None),
        WD_OPTION_SSL => Ok(Security::Implicit),
        WD_OPTION_SECURED_TLS => Ok(Security::StartTls),
        _ => Err(Error::invalid_arg(format!(
            "option {option} is not WD_OPTION_NONE, WD_OPTION_SSL or WD_OPTION_SECURED_TLS"
        ))),
    }
}

fn security_to(s: Security) -> i32 {
    match s {
        Security::None => WD_OPTION_NONE,
        Security::Implicit => WD_OPTION_SSL,
        Security::StartTls => WD_OPTION_SECURED_TLS,
    }
}

fn auth_from(v: i32) -> Result<AuthMethod> {
    Ok(match v {
        WD_AUTH_AUTO => AuthMethod::Auto,
        WD_AUTH_PLAIN => AuthMethod::Plain,
        WD_AUTH_LOGIN => AuthMethod::Login,
        WD_AUTH_CRAM_MD5 => AuthMethod::CramMd5,
        WD_AUTH_XOAUTH2 => AuthMethod::XOAuth2,
        WD_AUTH_OAUTHBEARER => AuthMethod::OAuthBearer,
        WD_AUTH_APOP => AuthMethod::Apop,
        WD_AUTH_USER_PASS => AuthMethod::UserPass,
        _ => {
            return Err(Error::invalid_arg(format!(
                "unknown authentication method {v}"
            )));
        }
    })
}

fn auth_to(a: AuthMethod) -> i32 {
    match a {
        AuthMethod::Auto => WD_AUTH_AUTO,
        AuthMethod::Plain => WD_AUTH_PLAIN,
        AuthMethod::Login => WD_AUTH_LOGIN,
        AuthMethod::CramMd5 => WD_AUTH_CRAM_MD5,
        AuthMethod::XOAuth2 => WD_AUTH_XOAUTH2,
        AuthMethod::OAuthBearer => WD_AUTH_OAUTHBEARER,
        AuthMethod::Apop => WD_AUTH_APOP,
        AuthMethod::UserPass => WD_AUTH_USER_PASS,
    }
}

fn int_value(v: &str, what: &str, min: i64, max: i64) -> Result<i64> {
    v.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| {
            Error::invalid_arg(format!("{what} {v:?} is not a number from {min} to {max}"))
        })
}

fn opt(v: &str) -> Option<String> {
    if v.is_empty() {
        None
    } else {
        Some(v.to_string())
    }
}

/// Applies one property to a configuration (safe helper of `EmailSessionModifie`).
pub fn set_property(cfg: &mut SessionConfig, property: i32, value: &str) -> Result<()> {
    match property {
        WD_PROP_SERVER_ADDRESS => {
            args::single_line(value, "server address")?;
            cfg.host = value.trim().to_string();
        }
        WD_PROP_PORT => cfg.port = int_value(value, "port", 0, 65535)? as u16,
        WD_PROP_USER => {
            args::single_line(value, "user")?;
            cfg.user = value.to_string();
        }
        WD_PROP_PASSWORD => cfg.password = opt(value),
        WD_PROP_OPTION => cfg.security = security_from(int_value(value, "option", 0, 2)? as i32)?,
        WD_PROP_AUTH_TOKEN => {
            args::single_line(value, "token")?;
            cfg.auth_token = opt(value.trim());
        }
        WD_PROP_AUTH_METHOD => {
            cfg.auth_method = auth_from(int_value(value, "auth method", 0, 7)? as i32)?
        }
        WD_PROP_IGNORE_ERROR => {
            cfg.ignore_cert_errors = int_value(value, "ignore error", 0, 1)? == 1
        }
        WD_PROP_CA_FILE => cfg.ca_file = opt(value),
        WD_PROP_TIMEOUT => {
            let t = int_value(value, "timeout", 0, 86_400)?;
            cfg.timeout = if t == 0 { None } else { Some(t as u32) };
        }
        WD_PROP_ASYNCHRONOUS => cfg.asynchronous = int_value(value, "asynchronous", 0, 1)? == 1,
        WD_PROP_CLIENT_NAME => {
            args::single_line(value, "client name")?;
            if value.contains(' ') {
                return Err(Error::invalid_arg("client name holds a space"));
            }
            cfg.client_name = opt(value);
        }
        WD_PROP_FOLDER => {
            args::single_line(value, "folder")?;
            cfg.folder = if value.is_empty() {
                "INBOX".to_string()
            } else {
                value.to_string()
            };
        }
        WD_PROP_SPOOL_DIR => cfg.spool_dir = opt(value),
        WD_PROP_CONNECTIONS => cfg.connections = int_value(value, "connections", 1, 16)? as u32,
        _ => {
            return Err(Error::invalid_arg(format!(
                "unknown session property {property}"
            )));
        }
    }
    Ok(())
}

/// Reads one property (safe helper of `EmailSessionPropriete`); secrets read back as "".
pub fn get_property(cfg: &SessionConfig, property: i32) -> Result<String> {
    Ok(match property {
        WD_PROP_SERVER_ADDRESS => cfg.host.clone(),
        WD_PROP_PORT => cfg.port.to_string(),
        WD_PROP_USER => cfg.user.clone(),
        WD_PROP_PASSWORD | WD_PROP_AUTH_TOKEN => String::new(),
        WD_PROP_OPTION => security_to(cfg.security).to_string(),
        WD_PROP_AUTH_METHOD => auth_to(cfg.auth_method).to_string(),
        WD_PROP_IGNORE_ERROR => (cfg.ignore_cert_errors as i32).to_string(),
        WD_PROP_CA_FILE => cfg.ca_file.clone().unwrap_or_default(),
        WD_PROP_TIMEOUT => cfg.timeout.unwrap_or(0).to_string(),
        WD_PROP_ASYNCHRONOUS => (cfg.asynchronous as i32).to_string(),
        WD_PROP_CLIENT_NAME => cfg.client_name.clone().unwrap_or_default(),
        WD_PROP_FOLDER => cfg.folder.clone(),
        WD_PROP_SPOOL_DIR => cfg.spool_dir.clone().unwrap_or_default(),
        WD_PROP_CONNECTIONS => cfg.connections.to_string(),
        _ => {
            return Err(Error::invalid_arg(format!(
                "unknown session property {property}"
            )));
        }
    })
}

/// Declares a closed session named `name` of type `WD_SESSION_POP3`, `WD_SESSION_SMTP` or
/// `WD_SESSION_IMAP` (`EmailSessionCree`; the WLangage `emailSessionIMAP` variable).
///
/// Set its properties with `EmailSessionModifie`, then open it with
/// `EmailOuvreSessionDeclaree`. Returns 1, or 0 with `WD_E_SESSION_EXISTS` (the name is
/// already declared), `WD_E_INVALID_ARGUMENT`. Thread-safe.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailSessionCree(name: *const c_char, session_type: i32) -> i32 {
    ffi_guard!("EmailSessionCree", 0, {
        // SAFETY: caller contract.
        let name = unsafe { args::cstr(name, "name") }?;
        if name.is_empty() {
            return Err(Error::invalid_arg("session name is empty"));
        }
        let kind = kind_from(session_type)?;
        let e = entry(name);
        let mut d = e.declared.lock();
        if d.is_some() {
            return Err(Error::new(
                WD_E::SessionExists,
                format!("session {name:?} is already declared"),
            ));
        }
        *d = Some(SessionConfig::new(kind));
        Ok(1)
    })
}

/// English name of `EmailSessionCree`.
///
/// # Safety
/// As `EmailSessionCree`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailSessionCreate(name: *const c_char, session_type: i32) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailSessionCree(name, session_type) }
}

/// Sets a property of a declared session (`EmailSessionModifie`). `value` is text (numbers
/// as decimal text); NULL or "" clears it. Takes effect at the next open.
///
/// Returns 1, or 0 with `WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_ARGUMENT` (unknown property,
/// value out of range, CR/LF in a name). Thread-safe.
///
/// # Safety
/// `name`/`value` are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailSessionModifie(
    name: *const c_char,
    property: i32,
    value: *const c_char,
) -> i32 {
    ffi_guard!("EmailSessionModifie", 0, {
        // SAFETY: caller contract.
        let name = unsafe { args::cstr(name, "name") }?;
        // SAFETY: caller contract.
        let value = unsafe { args::opt_cstr(value, "value") }?.unwrap_or("");
        let e = find(name)?;
        let mut d = e.declared.lock();
        let cfg = d.as_mut().ok_or_else(|| {
            Error::new(
                WD_E::UnknownSession,
                format!("session {name:?} was not declared with EmailSessionCree"),
            )
        })?;
        set_property(cfg, property, value)?;
        Ok(1)
    })
}

/// English name of `EmailSessionModifie`.
///
/// # Safety
/// As `EmailSessionModifie`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailSessionSet(
    name: *const c_char,
    property: i32,
    value: *const c_char,
) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailSessionModifie(name, property, value) }
}

/// Reads a property of a declared session (`EmailSessionPropriete`); numbers come back as
/// decimal text, the password and the token as "".
///
/// Returns a thread-local string valid until the next library call on this thread, or
/// NULL with `WD_E_UNKNOWN_SESSION` / `WD_E_INVALID_ARGUMENT`. Thread-safe.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailSessionPropriete(
    name: *const c_char,
    property: i32,
) -> *const c_char {
    ffi_guard!("EmailSessionPropriete", std::ptr::null(), {
        // SAFETY: caller contract.
        let name = unsafe { args::cstr(name, "name") }?;
        let e = find(name)?;
        let d = e.declared.lock();
        let cfg = d.as_ref().ok_or_else(|| {
            Error::new(
                WD_E::UnknownSession,
                format!("session {name:?} was not declared with EmailSessionCree"),
            )
        })?;
        let v = get_property(cfg, property)?;
        Ok(ret_thread(&v))
    })
}

/// English name of `EmailSessionPropriete`.
///
/// # Safety
/// As `EmailSessionPropriete`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailSessionGet(name: *const c_char, property: i32) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { EmailSessionPropriete(name, property) }
}

/// Lotus Notes sessions drive a local Notes client, which this platform does not have
/// (`EmailOuvreSessionNotes`). Always returns 0 with `WD_E_NOT_SUPPORTED`.
///
/// # Safety
/// Arguments are not read.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailOuvreSessionNotes(
    _profile: *const c_char,
    _password: *const c_char,
) -> i32 {
    ffi_guard!("EmailOuvreSessionNotes", 0, {
        Err(Error::not_supported(
            "EmailOuvreSessionNotes drives a local Lotus Notes client, which this platform does not have; use IMAP or POP3 with SMTP",
        ))
    })
}

/// English name of `EmailOuvreSessionNotes`.
///
/// # Safety
/// Arguments are not read.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailStartNotesSession(
    profile: *const c_char,
    password: *const c_char,
) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailOuvreSessionNotes(profile, password) }
}

/// Outlook sessions drive a local Outlook client through MAPI, which this platform does not
/// have (`EmailOuvreSessionOutlook`). Always returns 0 with `WD_E_NOT_SUPPORTED`.
///
/// # Safety
/// Arguments are not read.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailOuvreSessionOutlook(
    _profile: *const c_char,
    _password: *const c_char,
) -> i32 {
    ffi_guard!("EmailOuvreSessionOutlook", 0, {
        Err(Error::not_supported(
            "EmailOuvreSessionOutlook drives a local Outlook client (MAPI), which this platform does not have; use IMAP or POP3 with SMTP",
        ))
    })
}

/// English name of `EmailOuvreSessionOutlook`.
///
/// # Safety
/// Arguments are not read.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailStartOutlookSession(
    profile: *const c_char,
    password: *const c_char,
) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailOuvreSessionOutlook(profile, password) }
}

fn exists(name: &str, what: &str) -> Error {
    Error::new(
        WD_E::SessionExists,
        format!(
            "session {name:?} already has an open {what} connection (close it with EmailFermeSession)"
        ),
    )
}

/// Opens the connection described by `cfg` under `name` (incoming for POP3/IMAP, outgoing
/// for SMTP). Fails with `WD_E_SESSION_EXISTS` when that direction is already open.
pub fn open(name: &str, cfg: &SessionConfig) -> Result<()> {
    if name.is_empty() {
        return Err(Error::invalid_arg("session name is empty"));
    }
    cfg.validate()?;
    let timeout = crate::ffi::settings::timeout_secs();
    let e = entry(name);

    if cfg.kind.incoming() {
        let mut slot = e.incoming.lock();
        if slot.is_some() {
            return Err(exists(name, "incoming (POP3/IMAP)"));
        }
        let mailbox: Box<dyn Mailbox> = match cfg.kind {
            SessionKind::Pop3 => Box::new(crate::pop3::Pop3Client::open(cfg, timeout)?),
            _ => Box::new(crate::imap::ImapClient::open(cfg, timeout)?),
        };
        *slot = Some(Incoming {
            mailbox,
            listing: Vec::new(),
            listing_opts: ReadOptions::default(),
            cursor: -1,
            listed: false,
            ahead: Default::default(),
        });
        Ok(())
    } else {
        let mut slot = e.outgoing.lock();
        if slot.is_some() {
            return Err(exists(name, "outgoing (SMTP)"));
        }
        *slot = Some(crate::smtp::open_outgoing(cfg, timeout)?);
        Ok(())
    }
}

/// Removes the name when it holds nothing any more (no connection, no declaration).
fn forget_if_empty(e: &Arc<SessionEntry>) {
    let mut map = SESSIONS.lock();
    if e.declared.lock().is_none()
        && e.incoming.lock().is_none()
        && e.outgoing.lock().is_none()
        && let Some(cur) = map.get(&e.name)
        && Arc::ptr_eq(cur, e)
    {
        map.remove(&e.name);
    }
}

/// Decodes a port argument (0 = the protocol's default).
pub fn port_arg(port: i32, what: &str) -> Result<u16> {
    u16::try_from(port)
        .map_err(|_| Error::invalid_arg(format!("{what} {port} is not from 0 to 65535")))
}

/// Opens `cfg` under `name`; on failure the name is released again (nothing half-made
/// stays behind).
pub fn open_or_release(name: &str, cfg: &SessionConfig) -> Result<()> {
    open(name, cfg).inspect_err(|_| open_failed(name))
}

/// Cleans up after a failed open so that a half-made name does not linger.
pub fn open_failed(name: &str) {
    if let Ok(e) = find(name) {
        forget_if_empty(&e);
    }
}

/// Opens a session declared with `EmailSessionCree` (`EmailOuvreSessionDeclaree`):
/// connects, secures (TLS / STARTTLS as `WD_PROP_OPTION` says) and authenticates.
///
/// Returns 1, or 0 with `WD_E_UNKNOWN_SESSION` (not declared), `WD_E_SESSION_EXISTS`
/// (already open), `WD_E_CONNECT`, `WD_E_TIMEOUT`, `WD_E_TLS`, `WD_E_AUTH`,
/// `WD_E_PROTOCOL` (the server's reply in `WD_ERR_SYSTEM_MESSAGE`). Thread-safe.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailOuvreSessionDeclaree(name: *const c_char) -> i32 {
    ffi_guard!("EmailOuvreSessionDeclaree", 0, {
        // SAFETY: caller contract.
        let name = unsafe { args::cstr(name, "name") }?;
        let e = find(name)?;
        let cfg = e.declared.lock().clone().ok_or_else(|| {
            Error::new(
                WD_E::UnknownSession,
                format!("session {name:?} was not declared with EmailSessionCree"),
            )
        })?;
        open(name, &cfg)?;
        Ok(1)
    })
}

/// English name of `EmailOuvreSessionDeclaree`.
///
/// # Safety
/// As `EmailOuvreSessionDeclaree`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailStartDeclaredSession(name: *const c_char) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailOuvreSessionDeclaree(name) }
}

/// Closes a session (`EmailFermeSession`): waits for its asynchronous queue (bounded by
/// the timeout), sends QUIT / LOGOUT (POP3 deletions happen here) and frees the name. A
/// declared session keeps its declaration and can be opened again.
///
/// Returns 1, or 0 with `WD_E_UNKNOWN_SESSION`, or the error of a failed QUIT/LOGOUT or of
/// a queue that could not be flushed in time (the name is freed all the same).
/// Thread-safe.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailFermeSession(name: *const c_char) -> i32 {
    ffi_guard!("EmailFermeSession", 0, {
        // SAFETY: caller contract.
        let name = unsafe { args::cstr(name, "name") }?;
        let e = find(name)?;
        let out = e.outgoing.lock().take();
        let inc = e.incoming.lock().take();
        if out.is_none() && inc.is_none() && e.declared.lock().is_none() {
            forget_if_empty(&e);
            return Err(Error::new(
                WD_E::UnknownSession,
                format!("session {name:?} is not open"),
            ));
        }
        let timeout =
            std::time::Duration::from_secs(u64::from(crate::ffi::settings::timeout_secs()));
        let mut first_err = None;
        if let Some(mut o) = out
            && let Err(err) = o.close(timeout)
        {
            first_err.get_or_insert(err);
        }
        if let Some(mut i) = inc
            && let Err(err) = crate::ffi::read::flush_seen(&mut i).and(i.mailbox.close())
        {
            first_err.get_or_insert(err);
        }
        forget_if_empty(&e);
        match first_err {
            Some(err) => Err(err),
            None => Ok(1),
        }
    })
}

/// English name of `EmailFermeSession`.
///
/// # Safety
/// As `EmailFermeSession`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailCloseSession(name: *const c_char) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailFermeSession(name) }
}
