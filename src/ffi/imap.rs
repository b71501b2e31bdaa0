//! IMAP openers (docs/API.md §2): `EmailOuvreSessionIMAP` / `EmailStartIMAPSession`.
//! Declared IMAP sessions open through `EmailOuvreSessionDeclaree`.

use crate::ffi::session::{login, open_legacy};
use crate::session::SessionKind;
use std::ffi::c_char;

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
        // SAFETY: caller contract (the password is required).
        let login = unsafe { login(user, password, server, true) }?;
        open_legacy(SessionKind::Imap, login, port, option, 0)
    })
}

english!(unsafe EmailStartIMAPSession = EmailOuvreSessionIMAP(user: *const c_char, password: *const c_char, server: *const c_char, port: i32, option: i32) -> i32);
