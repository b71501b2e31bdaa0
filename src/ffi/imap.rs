//! IMAP openers (API.md §2): `EmailOuvreSessionIMAP` / `EmailStartIMAPSession`.
//! Declared IMAP sessions open through `EmailOuvreSessionDeclaree`.

use crate::error::Result;
use crate::ffi::args;
use crate::ffi::session;
use crate::session::{SessionConfig, SessionKind};
use std::ffi::c_char;

fn open_imap(user: &str, password: &str, server: &str, port: i32, option: i32) -> Result<i32> {
    let mut cfg = SessionConfig::new(SessionKind::Imap);
    cfg.host = server.to_string();
    cfg.port = u16::try_from(port).map_err(|_| {
        crate::error::Error::invalid_arg(format!("port {port} is not from 0 to 65535"))
    })?;
    cfg.user = user.to_string();
    cfg.password = Some(password.to_string());
    cfg.security = session::security_from(option)?;
    match session::open(user, &cfg) {
        Ok(()) => Ok(1),
        Err(e) => {
            session::open_failed(user);
            Err(e)
        }
    }
}

/// Opens an IMAP session named after `user` (`EmailOuvreSessionIMAP`): connects to
/// `server:port` (port 0: 143, or 993 with `WD_OPTION_SSL`), secures the connection as
/// `option` says (`WD_OPTION_NONE`, `WD_OPTION_SSL` implicit TLS, `WD_OPTION_SECURED_TLS`
/// STARTTLS required), logs in with `user` / `password` and selects INBOX.
///
/// `user`, `password` and `server` must not be NULL. Returns 1, or 0 with
/// `WD_E_INVALID_ARGUMENT`, `WD_E_SESSION_EXISTS`, `WD_E_CONNECT`, `WD_E_TIMEOUT`,
/// `WD_E_TLS`, `WD_E_AUTH` or `WD_E_PROTOCOL` (the server's reply in
/// `WD_ERR_SYSTEM_MESSAGE`). Close it with `EmailFermeSession(user)`. Thread-safe.
///
/// # Safety
/// Each pointer is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailOuvreSessionIMAP(
    user: *const c_char,
    password: *const c_char,
    server: *const c_char,
    port: i32,
    option: i32,
) -> i32 {
    ffi_guard!("EmailOuvreSessionIMAP", 0, {
        // SAFETY: caller contract.
        let user = unsafe { args::cstr(user, "user") }?;
        // SAFETY: caller contract.
        let password = unsafe { args::cstr(password, "password") }?;
        // SAFETY: caller contract.
        let server = unsafe { args::cstr(server, "server") }?;
        open_imap(user, password, server, port, option)
    })
}

/// English name of `EmailOuvreSessionIMAP`.
///
/// # Safety
/// As `EmailOuvreSessionIMAP`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailStartIMAPSession(
    user: *const c_char,
    password: *const c_char,
    server: *const c_char,
    port: i32,
    option: i32,
) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { EmailOuvreSessionIMAP(user, password, server, port, option) }
}
