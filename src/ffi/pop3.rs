//! POP3 session openers (docs/API.md §2): `EmailOuvreSessionPOP3` and the legacy combined
//! POP3 + SMTP `EmailOuvreSession`.

use crate::ffi::args;
use crate::ffi::session::{login, open_legacy, port_arg};
use crate::registry::{self, Login};
use crate::session::SessionKind;
use std::ffi::c_char;

/// Opens a POP3 session named `user` (`EmailOuvreSessionPOP3`): connects to
/// `server:port`, secures the connection as `option` says and logs in as `user`.
///
/// - `user`: login, also the session name used by the reading functions. Required.
/// - `password`: NULL = empty password.
/// - `server`: host name or address. Required.
/// - `port`: 0 = 110, or 995 with `WD_OPTION_SSL`.
/// - `option`: `WD_OPTION_NONE` (plain), `WD_OPTION_SSL` (implicit TLS),
///   `WD_OPTION_SECURED_TLS` (STLS required: `WD_E_TLS` when the server does not offer it).
///
/// Authentication is automatic: the best SASL mechanism the server offers (CRAM-MD5
/// first), else APOP when the greeting has a timestamp, else USER/PASS. Messages deleted
/// in the session are removed only by `EmailFermeSession`.
///
/// Returns 1, or 0 with `WD_E_INVALID_ARGUMENT`, `WD_E_SESSION_EXISTS`, `WD_E_CONNECT`,
/// `WD_E_TIMEOUT`, `WD_E_TLS`, `WD_E_AUTH`, `WD_E_PROTOCOL` (the server's reply in
/// `WD_ERR_SYSTEM_MESSAGE`). Thread-safe.
///
/// # Safety
/// `user`, `password`, `server` are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailOuvreSessionPOP3(
    user: *const c_char,
    password: *const c_char,
    server: *const c_char,
    port: i32,
    option: i32,
) -> i32 {
    ffi_guard!("EmailOuvreSessionPOP3", 0, {
        // SAFETY: caller contract.
        let login = unsafe { login(user, password, server, false) }?;
        open_legacy(SessionKind::Pop3, login, port, option, 0)
    })
}

english!(unsafe EmailStartPOP3Session = EmailOuvreSessionPOP3(user: *const c_char, password: *const c_char, server: *const c_char, port: i32, option: i32) -> i32);

/// Opens POP3 and SMTP at once under the name `user` (`EmailOuvreSession`, the legacy
/// WLangage opener). Both connections are plain TCP; SMTP is not authenticated.
///
/// - `user`, `password`: POP3 login (`password` NULL = empty); `user` is the session name.
/// - `pop3_server`: required. `smtp_server`: NULL = the POP3 host.
/// - `pop3_port`: 0 = 110. `smtp_port`: 0 = 25.
/// - `asynchronous`: 1 = messages are queued and sent in the background.
///
/// If either connection fails, nothing stays open under the name.
///
/// Returns 1, or 0 with the error of the failing half (`WD_E_CONNECT`, `WD_E_AUTH`, …,
/// `WD_E_SESSION_EXISTS`, `WD_E_INVALID_ARGUMENT`). Thread-safe.
///
/// # Safety
/// The string arguments are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailOuvreSession(
    user: *const c_char,
    password: *const c_char,
    pop3_server: *const c_char,
    smtp_server: *const c_char,
    pop3_port: i32,
    smtp_port: i32,
    asynchronous: i32,
) -> i32 {
    ffi_guard!("EmailOuvreSession", 0, {
        // SAFETY: caller contract (the POP3 login decoded first, then the SMTP server).
        let (login, smtp) = unsafe {
            (
                login(user, password, pop3_server, false)?,
                args::opt_cstr(smtp_server, "SMTP server")?,
            )
        };
        let pop3 = Login {
            port: port_arg(pop3_port, "POP3 port")?,
            asynchronous: args::flag(asynchronous),
            ..login
        };
        registry::open_pop3_smtp(&pop3, smtp, port_arg(smtp_port, "SMTP port")?)?;
        Ok(1)
    })
}

english!(unsafe EmailStartSession = EmailOuvreSession(user: *const c_char, password: *const c_char, pop3_server: *const c_char, smtp_server: *const c_char, pop3_port: i32, smtp_port: i32, asynchronous: i32) -> i32);
