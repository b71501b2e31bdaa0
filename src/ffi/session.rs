//! Sessions by name (docs/API.md §2): declaring a session and its properties, the
//! declared and legacy openers' arguments, closing. The names, connections and open/close
//! policy live in [`crate::registry`]; the properties, read and written as text, in
//! [`crate::session::SessionConfig`].

use crate::error::{Error, Result};
use crate::ffi::args;
use crate::ffi::strings::ret_thread;
pub use crate::ffi::types::{
    WD_AUTH_APOP, WD_AUTH_AUTO, WD_AUTH_CRAM_MD5, WD_AUTH_LOGIN, WD_AUTH_OAUTHBEARER,
    WD_AUTH_PLAIN, WD_AUTH_SCRAM_SHA_1, WD_AUTH_SCRAM_SHA_256, WD_AUTH_USER_PASS, WD_AUTH_XOAUTH2,
    WD_OPTION_NONE, WD_OPTION_SECURED_TLS, WD_OPTION_SSL, WD_PROP_ASYNCHRONOUS,
    WD_PROP_AUTH_METHOD, WD_PROP_AUTH_TOKEN, WD_PROP_CA_FILE, WD_PROP_CLIENT_NAME,
    WD_PROP_CONNECTIONS, WD_PROP_FOLDER, WD_PROP_IGNORE_ERROR, WD_PROP_OAUTH_TOKEN, WD_PROP_OPTION,
    WD_PROP_PASSWORD, WD_PROP_PORT, WD_PROP_SERVER_ADDRESS, WD_PROP_SPOOL_DIR, WD_PROP_TIMEOUT,
    WD_PROP_USER, WD_SESSION_IMAP, WD_SESSION_POP3, WD_SESSION_SMTP,
};
use crate::registry::{self, Login};
use crate::session::{Security, SessionKind};
use std::ffi::c_char;

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
        registry::declare(name, SessionKind::from_code(session_type)?)?;
        Ok(1)
    })
}

english!(unsafe EmailSessionCreate = EmailSessionCree(name: *const c_char, session_type: i32) -> i32);

/// Sets a property of a declared session (`EmailSessionModifie`). `value` is text (numbers
/// as decimal text); NULL or "" clears it. Takes effect at the next open.
/// `WD_PROP_OAUTH_TOKEN` takes a token handle: the session keeps the token (freeing the
/// handle later does not unlink it).
///
/// Returns 1, or 0 with `WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_ARGUMENT` (unknown property,
/// value out of range, CR/LF in a name), `WD_E_INVALID_HANDLE` (a `WD_PROP_OAUTH_TOKEN`
/// that is not a live token handle). Thread-safe.
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
        // SAFETY: caller contract (the name is decoded first).
        let (name, value) = unsafe { (args::cstr(name, "name")?, args::opt_cstr(value, "value")?) };
        let value = value.unwrap_or("");
        registry::with_declared(name, |cfg| match property {
            // A token handle, looked up here.
            WD_PROP_OAUTH_TOKEN => {
                cfg.oauth_token = crate::ffi::oauth2::linked_token(value)?;
                Ok(())
            }
            _ => cfg.set_property(property, value),
        })?;
        Ok(1)
    })
}

english!(unsafe EmailSessionSet = EmailSessionModifie(name: *const c_char, property: i32, value: *const c_char) -> i32);

/// Reads a property of a declared session (`EmailSessionPropriete`); numbers come back as
/// decimal text (`WD_PROP_OAUTH_TOKEN`: the token handle, "" when none), the password and
/// the access token as "".
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
        let value = registry::with_declared(name, |cfg| cfg.property(property))?;
        Ok(ret_thread(&value))
    })
}

english!(unsafe EmailSessionGet = EmailSessionPropriete(name: *const c_char, property: i32) -> *const c_char);

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

english!(unsafe EmailStartNotesSession = EmailOuvreSessionNotes(profile: *const c_char, password: *const c_char) -> i32);

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

english!(unsafe EmailStartOutlookSession = EmailOuvreSessionOutlook(profile: *const c_char, password: *const c_char) -> i32);

/// Decodes a port argument (0 = the protocol's default).
pub fn port_arg(port: i32, what: &str) -> Result<u16> {
    u16::try_from(port)
        .map_err(|_| Error::invalid_arg(format!("{what} {port} is not from 0 to 65535")))
}

/// Decodes the user, password and server of an `EmailOuvreSession…` opener, in that
/// order, into a [`Login`] (port 0, no security); `password_required`: NULL is refused
/// rather than read as "no password".
///
/// # Safety
/// Each pointer is NULL or a NUL-terminated string valid for `'a`.
pub unsafe fn login<'a>(
    user: *const c_char,
    password: *const c_char,
    server: *const c_char,
    password_required: bool,
) -> Result<Login<'a>> {
    // SAFETY: caller contract.
    let user = unsafe { args::cstr(user, "user") }?;
    // SAFETY: caller contract.
    let password = if password_required {
        Some(unsafe { args::cstr(password, "password") }?)
    } else {
        unsafe { args::opt_cstr(password, "password") }?
    };
    // SAFETY: caller contract.
    let server = unsafe { args::cstr(server, "server") }?;
    Ok(Login {
        user,
        password,
        server,
        port: 0,
        security: Security::None,
        asynchronous: false,
    })
}

/// The one path of the one-protocol openers (`EmailOuvreSessionPOP3`, `…IMAP`, `…SMTP`):
/// opens `login` on `port`, secured as `option` (`WD_OPTION_*`) says, as a `kind` session
/// named after its user; `asynchronous` (SMTP): queue the messages.
pub fn open_legacy(
    kind: SessionKind,
    login: Login,
    port: i32,
    option: i32,
    asynchronous: i32,
) -> Result<i32> {
    let port = port_arg(port, "port")?;
    let security = Security::from_code(option)?;
    let asynchronous = args::flag(asynchronous);
    let login = Login {
        port,
        security,
        asynchronous,
        ..login
    };
    registry::open_login(kind, &login)?;
    Ok(1)
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
        registry::open_declared(name)?;
        Ok(1)
    })
}

english!(unsafe EmailStartDeclaredSession = EmailOuvreSessionDeclaree(name: *const c_char) -> i32);

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
        registry::close(name).map(|()| 1)
    })
}

english!(unsafe EmailCloseSession = EmailFermeSession(name: *const c_char) -> i32);
