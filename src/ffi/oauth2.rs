//! OAuth2 functions (docs/API.md §7, §9): parameter objects, `AuthIdentifie` and token objects,
//! behind `int32_t` handles.
//!
//! Strings returned by `AuthTokenPropriete` are owned by the token object and stay valid
//! until it is freed (a token renewed in place keeps its earlier strings until then);
//! `OAuth2ParametresPropriete` returns a thread-local string valid until the next library
//! call on the same thread. Both kinds of objects are freed with `OAuth2Libere`.
//!
//! A token object is a [`TokenLink`]: the token and the parameters it was obtained with,
//! shared with the sessions that sign in with it (`WD_PROP_OAUTH_TOKEN`, see
//! [`token_link`]). The prompt callback of the device flow (`AuthInviteFonction`) is
//! called on the thread that called `AuthIdentifie`, with no lock of the library held.
//!
//! Functions: OAuth2ParametresCree, OAuth2ParametresModifie, OAuth2ParametresPropriete,
//! AuthIdentifie, AuthInviteFonction, AuthTokenPropriete, AuthRafraichitToken,
//! AuthVerifieAuthentification, OAuth2Libere (and their English names).

use crate::error::{Error, Result, WD_E};
use crate::ffi::args;
use crate::ffi::handles::{HandleTable, KIND_OAUTH_PARAMS, KIND_TOKEN, kind_name, kind_of};
use crate::ffi::strings::{ret_thread, static_cstr, to_cstring};
pub use crate::ffi::types::{
    WD_OAUTH_ADDITIONAL_PARAMETERS, WD_OAUTH_AUTH_URL, WD_OAUTH_CA_FILE, WD_OAUTH_CLIENT_ID,
    WD_OAUTH_CLIENT_SECRET, WD_OAUTH_GRANT_TYPE, WD_OAUTH_REDIRECT_URL, WD_OAUTH_RESPONSE_TYPE,
    WD_OAUTH_SCOPE, WD_OAUTH_TOKEN_URL, WD_TOKEN_EXPIRATION, WD_TOKEN_REFRESH, WD_TOKEN_VALID,
    WD_TOKEN_VALUE, WdAuthToken, WdOAuth2Params, WdPromptCallback,
};
use crate::oauth2::{self, Options, Param, Params, TokenLink};
use crate::session::LinkedToken;
use crate::text::quoted;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::ffi::{CString, c_char, c_void};
use std::sync::Arc;
use std::time::Duration;

/// A token object: the shared token plus the strings handed out to the caller.
pub struct TokenObj {
    link: Arc<TokenLink>,
    /// The last string handed out for each property.
    cache: HashMap<i32, CString>,
    /// Strings handed out before the token was renewed: kept until the object is freed.
    retired: Vec<CString>,
}

/// The prompt callback of the device flow and its `user_data` (an address, so that the
/// pair can live in a static).
#[derive(Clone, Copy)]
struct Prompt {
    callback: unsafe extern "C" fn(*const c_char, *const c_char, *mut c_void),
    user_data: usize,
}

static PROMPT: Mutex<Option<Prompt>> = Mutex::new(None);

static PARAMS: HandleTable<Params> = HandleTable::new(KIND_OAUTH_PARAMS);
static TOKENS: HandleTable<TokenObj> = HandleTable::new(KIND_TOKEN);

fn options() -> Options {
    Options::new(Duration::from_secs(crate::registry::timeout_secs() as u64))
}

/// A handle for a new token object: `token`, obtained with `params`.
fn token_handle(token: oauth2::Token, params: Params) -> Result<WdAuthToken> {
    Ok(WdAuthToken(TOKENS.insert(TokenObj {
        link: TokenLink::new(token, params),
        cache: HashMap::new(),
        retired: Vec::new(),
    })?))
}

/// The shared token of a token handle (for `WD_PROP_OAUTH_TOKEN`).
///
/// Errors: `WD_E_INVALID_HANDLE` (0, stale, freed or another kind of handle).
pub fn token_link(handle: i32) -> Result<Arc<TokenLink>> {
    Ok(TOKENS.get(handle)?.lock().link.clone())
}

/// The token handle a `WD_PROP_OAUTH_TOKEN` value names: decimal text, "" or "0" for
/// none.
///
/// Errors: `WD_E_INVALID_ARGUMENT` (not a number from 0), `WD_E_INVALID_HANDLE` (not a
/// live token handle).
pub fn linked_token(value: &str) -> Result<Option<LinkedToken>> {
    let v = value.trim();
    let handle = match v {
        "" => 0,
        _ => v.parse::<i32>().ok().filter(|h| *h >= 0).ok_or_else(|| {
            Error::invalid_arg(format!(
                "token handle {} is not a number from 0",
                quoted(value)
            ))
        })?,
    };
    if handle == 0 {
        return Ok(None);
    }
    Ok(Some(LinkedToken {
        handle,
        link: token_link(handle)?,
    }))
}

/// The parameters of `params`, or `None` for 0 (the token's own).
fn params_or_remembered(params: WdOAuth2Params) -> Result<Option<Params>> {
    if params.0 == 0 {
        return Ok(None);
    }
    Ok(Some(PARAMS.get(params.0)?.lock().clone()))
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

english!(OAuth2ParametersCreate = OAuth2ParametresCree() -> WdOAuth2Params);

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

english!(unsafe OAuth2ParametersSet = OAuth2ParametresModifie(params: WdOAuth2Params, property: i32, value: *const c_char) -> i32);

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

english!(OAuth2ParametersGet = OAuth2ParametresPropriete(params: WdOAuth2Params, property: i32) -> *const c_char);

/// Obtains a token with the grant `WD_OAUTH_GRANT_TYPE` names (`AuthIdentifie`). Blocks
/// the calling thread; the whole flow is bounded by the global timeout
/// (`EmailChangeTimeOut`).
///
/// - `authorization_code` (the default): the authorization-code flow with PKCE. Opens the
///   authorization URL in the browser (the command in the environment variable
///   `WD300COM_BROWSER`, run as `sh -c 'COMMAND "$1"'` with the URL as `$1`, else
///   xdg-open / open / the Windows URL handler), waits for the redirect on the loopback
///   address of `WD_OAUTH_REDIRECT_URL`, checks `state`, and exchanges the code at
///   `WD_OAUTH_TOKEN_URL`.
/// - `client_credentials`: one request to `WD_OAUTH_TOKEN_URL` with the client id and
///   secret (RFC 6749 §4.4).
/// - `urn:ietf:params:oauth:grant-type:device_code` (RFC 8628): asks `WD_OAUTH_AUTH_URL`
///   (the device authorization endpoint) for a user code, passes the verification
///   address and the code to the callback set with `AuthInviteFonction` (on this thread,
///   no library lock held; without a callback they are printed on stderr), then polls
///   `WD_OAUTH_TOKEN_URL` every `interval` seconds (5 more after each `slow_down`) until
///   the user approves.
///
/// `WD_OAUTH_ADDITIONAL_PARAMETERS` go to the authorization request; `WD_OAUTH_CA_FILE`
/// is trusted for the token and device endpoints. The token remembers `params` (a copy),
/// to be renewed.
///
/// Returns a token handle, to be freed with `OAuth2Libere`, or 0 with:
/// `WD_E_INVALID_HANDLE`; `WD_E_INVALID_ARGUMENT` (client id, secret or a URL missing,
/// redirect not a loopback http URL, token or device URL plain http on a non-loopback
/// host, bad additional parameters); `WD_E_NOT_SUPPORTED` (grant type, response type
/// other than `code`); `WD_E_CONNECT` (redirect port in use, endpoint unreachable);
/// `WD_E_IO` (browser cannot be started, CA file unreadable); `WD_E_TIMEOUT` (also a
/// device code that expired); `WD_E_AUTH` (access refused, `access_denied`, error from
/// the token endpoint, with its `error` and `error_description`); `WD_E_PROTOCOL`
/// (malformed or non-JSON reply); `WD_E_TLS`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn AuthIdentifie(params: WdOAuth2Params) -> WdAuthToken {
    ffi_guard!("AuthIdentifie", WdAuthToken(0), {
        // Copy the parameters and the prompt: nothing is locked during the flow.
        let p = PARAMS.get(params.0)?.lock().clone();
        let prompt = *PROMPT.lock();
        let show = |uri: &str, user_code: &str| {
            if let Some(pr) = prompt {
                let (uri, user_code) = (to_cstring(uri), to_cstring(user_code));
                // SAFETY: the caller of AuthInviteFonction vouched for the callback and
                // its user_data; the strings live until it returns.
                unsafe { (pr.callback)(uri.as_ptr(), user_code.as_ptr(), pr.user_data as _) };
                // What the callback called into the library leaves no error behind.
                crate::ffi::errstate::clear();
            }
        };
        let shown: Option<oauth2::Prompt<'_>> = prompt.is_some().then_some(&show);
        let token = oauth2::identify(&p, &options(), shown)?;
        token_handle(token, p)
    })
}

english!(AuthIdentify = AuthIdentifie(params: WdOAuth2Params) -> WdAuthToken);

/// Sets the prompt of the device-code flow (`AuthInviteFonction`): `callback(uri,
/// user_code, user_data)` is called by `AuthIdentifie` with the address the user must
/// open and the code to enter there (strings valid during the call only). It runs on the
/// thread that called `AuthIdentifie`, with no library lock held, so it may call the
/// library. NULL removes the callback: the address and the code are then printed on
/// stderr. One callback for the process; a later call replaces it.
///
/// Returns 1. Thread-safe.
///
/// # Safety
/// `callback`, when not NULL, must be safe to call with these arguments from any thread
/// that calls `AuthIdentifie`, until it is replaced; `user_data` is passed through
/// untouched.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn AuthInviteFonction(
    callback: WdPromptCallback,
    user_data: *mut c_void,
) -> i32 {
    ffi_guard!("AuthInviteFonction", 0, {
        *PROMPT.lock() = callback.map(|callback| Prompt {
            callback,
            user_data: user_data as usize,
        });
        Ok(1)
    })
}

english!(unsafe AuthPromptCallback = AuthInviteFonction(callback: WdPromptCallback, user_data: *mut c_void) -> i32);

/// Reads a property of a token (`WD_TOKEN_*`).
///
/// Returns a string owned by the token object, valid until the token is freed with
/// `OAuth2Libere` (also after the token is renewed in place: the new value is a new
/// string), or NULL with `WD_E_INVALID_HANDLE` / `WD_E_INVALID_ARGUMENT` (unknown
/// property). `WD_TOKEN_VALID` is "1" or "0" (a static string). Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn AuthTokenPropriete(token: WdAuthToken, property: i32) -> *const c_char {
    ffi_guard!("AuthTokenPropriete", std::ptr::null(), {
        let obj = TOKENS.get(token.0)?;
        let mut o = obj.lock();
        let t = o.link.token();
        let value = match property {
            WD_TOKEN_VALUE => t.access_token.into_string(),
            WD_TOKEN_REFRESH => t.refresh_token.into_string(),
            WD_TOKEN_EXPIRATION => t.expiration(),
            WD_TOKEN_VALID => {
                return Ok(static_cstr(if t.is_valid() { "1" } else { "0" }));
            }
            _ => {
                return Err(Error::invalid_arg(format!(
                    "unknown token property {property}"
                )));
            }
        };
        let o = &mut *o;
        let fresh = o.cache.get(&property).map(|c| c.as_bytes()) == Some(value.as_bytes());
        if !fresh && let Some(old) = o.cache.insert(property, to_cstring(&value)) {
            o.retired.push(old);
        }
        Ok(o.cache[&property].as_ptr())
    })
}

english!(AuthTokenGet = AuthTokenPropriete(token: WdAuthToken, property: i32) -> *const c_char);

/// Gets a new access token with the refresh token of `token` (`AuthRafraichitToken`),
/// at the `WD_OAUTH_TOKEN_URL` of `params` (0: the parameters the token was obtained
/// with), bounded by the global timeout. A `client_credentials` token without refresh
/// token is obtained again with the client credentials. The old token object stays as
/// it is; the new one keeps the refresh token when the server sends none, and remembers
/// the parameters used.
///
/// Returns a new token handle (free it with `OAuth2Libere`) or 0 with
/// `WD_E_INVALID_HANDLE`, `WD_E_INVALID_ARGUMENT` (no refresh token, client id or token
/// URL missing), `WD_E_CONNECT`, `WD_E_TIMEOUT`, `WD_E_AUTH` (refused, e.g.
/// `invalid_grant`), `WD_E_PROTOCOL`, `WD_E_TLS`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn AuthRafraichitToken(token: WdAuthToken, params: WdOAuth2Params) -> WdAuthToken {
    ffi_guard!("AuthRafraichitToken", WdAuthToken(0), {
        let link = token_link(token.0)?;
        let p = params_or_remembered(params)?.unwrap_or_else(|| link.params().clone());
        token_handle(oauth2::renew(&link.token(), &p, &options())?, p)
    })
}

english!(AuthRefreshToken = AuthRafraichitToken(token: WdAuthToken, params: WdOAuth2Params) -> WdAuthToken);

/// Checks that a token is still valid, renewing it in place when it has expired and can
/// be renewed (`AuthVerifieAuthentification`): with its refresh token, at the
/// `WD_OAUTH_TOKEN_URL` of `params` (0: the parameters the token was obtained with), or,
/// for a `client_credentials` token without refresh token, with the client credentials
/// again. Sessions linked to the token (`WD_PROP_OAUTH_TOKEN`) then use the new access
/// token. Bounded by the global timeout.
///
/// Returns 1 when the token is valid (or was renewed); 0 without error when it has
/// expired and cannot be renewed; 0 with `WD_E_INVALID_HANDLE`, or the error of the
/// renewal (`WD_E_AUTH` for a refused refresh token, `WD_E_CONNECT`, `WD_E_TIMEOUT`,
/// `WD_E_TLS`, `WD_E_PROTOCOL`). Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn AuthVerifieAuthentification(token: WdAuthToken, params: WdOAuth2Params) -> i32 {
    ffi_guard!("AuthVerifieAuthentification", 0, {
        let link = token_link(token.0)?;
        let p = params_or_remembered(params)?;
        Ok(i32::from(link.verify(p.as_ref(), &options())?))
    })
}

english!(AuthVerifyAuthentication = AuthVerifieAuthentification(token: WdAuthToken, params: WdOAuth2Params) -> i32);

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

english!(OAuth2Free = OAuth2Libere(handle: i32) -> i32);
