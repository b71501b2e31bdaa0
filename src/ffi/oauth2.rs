//! OAuth2 functions (docs/API.md §7): parameter objects, `AuthIdentifie` and token objects,
//! behind `int32_t` handles.
//!
//! Strings returned by `AuthTokenPropriete` are owned by the token object and stay valid
//! until it is freed (a token never changes); `OAuth2ParametresPropriete` returns a
//! thread-local string valid until the next library call on the same thread.
//! Both kinds of objects are freed with `OAuth2Libere`.
//!
//! Functions: OAuth2ParametresCree, OAuth2ParametresModifie, OAuth2ParametresPropriete,
//! AuthIdentifie, AuthTokenPropriete, AuthRafraichitToken, OAuth2Libere (and their
//! English names).

use crate::error::{Error, Result, WD_E};
use crate::ffi::args;
use crate::ffi::handles::{HandleTable, KIND_OAUTH_PARAMS, KIND_TOKEN, kind_name, kind_of};
use crate::ffi::strings::{ret_thread, static_cstr, to_cstring};
pub use crate::ffi::types::{
    WD_OAUTH_AUTH_URL, WD_OAUTH_CLIENT_ID, WD_OAUTH_CLIENT_SECRET, WD_OAUTH_REDIRECT_URL,
    WD_OAUTH_RESPONSE_TYPE, WD_OAUTH_SCOPE, WD_OAUTH_TOKEN_URL, WD_TOKEN_EXPIRATION,
    WD_TOKEN_REFRESH, WD_TOKEN_VALID, WD_TOKEN_VALUE, WdAuthToken, WdOAuth2Params,
};
use crate::oauth2::{self, Options, Param, Params, Token};
use std::collections::HashMap;
use std::ffi::{CString, c_char};
use std::time::Duration;

/// A token object: the token plus the strings handed out to the caller.
pub struct TokenObj {
    token: Token,
    cache: HashMap<i32, CString>,
}

static PARAMS: HandleTable<Params> = HandleTable::new(KIND_OAUTH_PARAMS);
static TOKENS: HandleTable<TokenObj> = HandleTable::new(KIND_TOKEN);

fn options() -> Options {
    Options::new(Duration::from_secs(crate::registry::timeout_secs() as u64))
}

/// A handle for a new token object.
fn token_handle(token: Token) -> Result<WdAuthToken> {
    Ok(WdAuthToken(TOKENS.insert(TokenObj {
        token,
        cache: HashMap::new(),
    })?))
}

/// Creates an empty OAuth2 parameters object (`OAuth2Paramètres`).
///
/// Returns a handle, to be freed with `OAuth2Libere`, or 0 (`WD_E_INVALID_ARGUMENT` when
/// too many objects are alive). Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn OAuth2ParametresCree() -> WdOAuth2Params {
    ffi_guard!("OAuth2ParametresCree", WdOAuth2Params(0), {
        Ok(WdOAuth2Params(PARAMS.insert(Params::default())?))
    })
}

/// English name of `OAuth2ParametresCree`.
#[unsafe(no_mangle)]
pub extern "C" fn OAuth2ParametersCreate() -> WdOAuth2Params {
    OAuth2ParametresCree()
}

/// Sets a property of an OAuth2 parameters object (`WD_OAUTH_*`).
///
/// `value` NULL or "" clears the property. Returns 1, or 0 with `WD_E_INVALID_HANDLE`
/// (stale, freed or wrong-kind handle) or `WD_E_INVALID_ARGUMENT` (unknown property,
/// invalid UTF-8, CR/LF in the value). URLs are checked by `AuthIdentifie`. Thread-safe.
///
/// # Safety
/// `value` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OAuth2ParametresModifie(
    params: WdOAuth2Params,
    property: i32,
    value: *const c_char,
) -> i32 {
    ffi_guard!("OAuth2ParametresModifie", 0, {
        // SAFETY: caller contract.
        let value = unsafe { args::opt_cstr(value, "value") }?.unwrap_or("");
        args::single_line(value, "value")?;
        let obj = PARAMS.get(params.0)?;
        *obj.lock().field_mut(Param::from_code(property)?) = value.to_string();
        Ok(1)
    })
}

/// English name of `OAuth2ParametresModifie`.
/// # Safety
/// As `OAuth2ParametresModifie`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OAuth2ParametersSet(
    params: WdOAuth2Params,
    property: i32,
    value: *const c_char,
) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { OAuth2ParametresModifie(params, property, value) }
}

/// Reads a property of an OAuth2 parameters object; the client secret reads back as "".
///
/// Returns a thread-local string valid until the next library call on this thread, or
/// NULL with `WD_E_INVALID_HANDLE` / `WD_E_INVALID_ARGUMENT` (unknown property).
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn OAuth2ParametresPropriete(
    params: WdOAuth2Params,
    property: i32,
) -> *const c_char {
    ffi_guard!("OAuth2ParametresPropriete", std::ptr::null(), {
        let obj = PARAMS.get(params.0)?;
        let value = obj.lock().read_back(Param::from_code(property)?);
        Ok(ret_thread(&value))
    })
}

/// English name of `OAuth2ParametresPropriete`.
#[unsafe(no_mangle)]
pub extern "C" fn OAuth2ParametersGet(params: WdOAuth2Params, property: i32) -> *const c_char {
    OAuth2ParametresPropriete(params, property)
}

/// Runs the OAuth2 authorization-code flow with PKCE (`AuthIdentifie`): opens the
/// authorization URL in the browser (the command in the environment variable
/// `WD300COM_BROWSER`, run as `sh -c 'COMMAND "$1"'` with the URL as `$1`, else
/// xdg-open / open / the Windows URL handler), waits for the redirect on the loopback
/// address of `WD_OAUTH_REDIRECT_URL`, checks `state`, and exchanges the code at
/// `WD_OAUTH_TOKEN_URL`. The whole flow is bounded by the global timeout
/// (`EmailChangeTimeOut`). Blocks the calling thread.
///
/// Returns a token handle, to be freed with `OAuth2Libere`, or 0 with:
/// `WD_E_INVALID_HANDLE`; `WD_E_INVALID_ARGUMENT` (client id or a URL missing, redirect
/// not a loopback http URL, token URL plain http on a non-loopback host);
/// `WD_E_NOT_SUPPORTED` (response type other than `code`); `WD_E_CONNECT` (redirect port
/// in use, token endpoint unreachable); `WD_E_IO` (browser cannot be started);
/// `WD_E_TIMEOUT`; `WD_E_AUTH` (access refused, state mismatch, error from the token
/// endpoint, with its `error` and `error_description`); `WD_E_PROTOCOL` (malformed or
/// non-JSON reply); `WD_E_TLS`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn AuthIdentifie(params: WdOAuth2Params) -> WdAuthToken {
    ffi_guard!("AuthIdentifie", WdAuthToken(0), {
        // Copy the parameters: the object is not locked during the flow.
        let p = PARAMS.get(params.0)?.lock().clone();
        token_handle(oauth2::authorize(&p, &options())?)
    })
}

/// English name of `AuthIdentifie`.
#[unsafe(no_mangle)]
pub extern "C" fn AuthIdentify(params: WdOAuth2Params) -> WdAuthToken {
    AuthIdentifie(params)
}

/// Reads a property of a token (`WD_TOKEN_*`).
///
/// Returns a string owned by the token object, valid until the token is freed with
/// `OAuth2Libere`, or NULL with `WD_E_INVALID_HANDLE` / `WD_E_INVALID_ARGUMENT` (unknown
/// property). `WD_TOKEN_VALID` is "1" or "0" (a static string). Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn AuthTokenPropriete(token: WdAuthToken, property: i32) -> *const c_char {
    ffi_guard!("AuthTokenPropriete", std::ptr::null(), {
        let obj = TOKENS.get(token.0)?;
        let mut o = obj.lock();
        let value = match property {
            WD_TOKEN_VALUE => o.token.access_token.clone(),
            WD_TOKEN_REFRESH => o.token.refresh_token.clone(),
            WD_TOKEN_EXPIRATION => o.token.expiration(),
            WD_TOKEN_VALID => {
                return Ok(static_cstr(if o.token.is_valid() { "1" } else { "0" }));
            }
            _ => {
                return Err(Error::invalid_arg(format!(
                    "unknown token property {property}"
                )));
            }
        };
        // A token never changes, so a cached string is never replaced.
        let c = o
            .cache
            .entry(property)
            .or_insert_with(|| to_cstring(&value));
        Ok(c.as_ptr())
    })
}

/// English name of `AuthTokenPropriete`.
#[unsafe(no_mangle)]
pub extern "C" fn AuthTokenGet(token: WdAuthToken, property: i32) -> *const c_char {
    AuthTokenPropriete(token, property)
}

/// Gets a new access token with the refresh token of `token` (`AuthRafraichitToken`),
/// at the `WD_OAUTH_TOKEN_URL` of `params`, bounded by the global timeout. The old token
/// stays valid as an object; the new one keeps its refresh token when the server sends
/// none.
///
/// Returns a new token handle (free it with `OAuth2Libere`) or 0 with
/// `WD_E_INVALID_HANDLE`, `WD_E_INVALID_ARGUMENT` (no refresh token, client id or token
/// URL missing), `WD_E_CONNECT`, `WD_E_TIMEOUT`, `WD_E_AUTH` (refused, e.g.
/// `invalid_grant`), `WD_E_PROTOCOL`, `WD_E_TLS`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn AuthRafraichitToken(token: WdAuthToken, params: WdOAuth2Params) -> WdAuthToken {
    ffi_guard!("AuthRafraichitToken", WdAuthToken(0), {
        let old = TOKENS.get(token.0)?.lock().token.clone();
        let p = PARAMS.get(params.0)?.lock().clone();
        token_handle(oauth2::refresh(&old, &p, &options())?)
    })
}

/// English name of `AuthRafraichitToken`.
#[unsafe(no_mangle)]
pub extern "C" fn AuthRefreshToken(token: WdAuthToken, params: WdOAuth2Params) -> WdAuthToken {
    AuthRafraichitToken(token, params)
}

/// Frees an OAuth2 parameters object or a token object (`OAuth2Libere`); strings
/// obtained from it become invalid.
///
/// `handle`: a handle from `OAuth2ParametresCree`, `AuthIdentifie` or
/// `AuthRafraichitToken`. Returns 1, or 0 with `WD_E_INVALID_HANDLE` for 0, a stale or
/// already freed handle, or a handle of another kind (a message). Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn OAuth2Libere(handle: i32) -> i32 {
    ffi_guard!("OAuth2Libere", 0, {
        match kind_of(handle) {
            KIND_OAUTH_PARAMS => drop(PARAMS.remove(handle)?),
            KIND_TOKEN => drop(TOKENS.remove(handle)?),
            0 => {
                return Err(Error::new(
                    WD_E::InvalidHandle,
                    format!("invalid OAuth2 handle {handle}"),
                ));
            }
            k => {
                return Err(Error::new(
                    WD_E::InvalidHandle,
                    format!(
                        "handle {handle} is a {} handle, not an OAuth2 parameters or token handle",
                        kind_name(k)
                    ),
                ));
            }
        }
        Ok(1)
    })
}

/// English name of `OAuth2Libere`.
#[unsafe(no_mangle)]
pub extern "C" fn OAuth2Free(handle: i32) -> i32 {
    OAuth2Libere(handle)
}
