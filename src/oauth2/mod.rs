//! OAuth2 token acquisition for XOAUTH2 / OAUTHBEARER (docs/API.md §7, §9), with three grants
//! ([`Grant`], chosen by `WD_OAUTH_GRANT_TYPE`):
//! - the authorization-code flow with PKCE (RFC 7636, S256) and a random `state`, for
//!   native applications (RFC 8252): the system browser opens the authorization URL, the
//!   authorization server redirects it to a loopback address where this module listens,
//!   and the code is exchanged for tokens at the token endpoint;
//! - the client-credentials grant (RFC 6749 §4.4): a service signs in as itself;
//! - the device authorization grant (RFC 8628): the user approves on another device,
//!   given a verification address and a user code, while the token endpoint is polled.
//!
//! Refreshing uses the `refresh_token` grant (a client-credentials token without refresh
//! token is obtained again instead). A [`TokenLink`] is a token shared by its handle and
//! the sessions signing in with it, with the parameters it was obtained with.
//!
//! The browser is started with, in order: the command of [`Options::browser`], the
//! command in the environment variable `WD300COM_BROWSER`, or the system opener
//! (`xdg-open`, `open` on macOS, `rundll32 url.dll,FileProtocolHandler` on Windows). A
//! command is run as `sh -c 'COMMAND "$1"' wd300com-browser URL`: the URL is passed as a
//! separate argument, so no character of it is interpreted by the shell.
//!
//! The token endpoint is reached over HTTPS (native-tls); plain `http` is accepted only
//! for loopback hosts (localhost, 127.0.0.0/8, ::1). The whole flow is bounded by
//! [`Options::timeout`].
//!
//! Modules: `flow` (checks of the parameters, the authorization-code and refresh flows),
//! `grant` (the grant chosen, the additional parameters, client credentials, renewing a
//! token), `device` (the device authorization grant), `link` (a token shared with
//! sessions), `token` (the granted token and the token endpoint's reply), `browser`
//! (starting the browser), `pkce` (verifier, challenge and `state`), [`http`] (the token
//! request and the redirect listener), [`url`] (URLs and form encoding).

mod browser;
mod device;
mod flow;
mod grant;
pub mod http;
mod link;
mod pkce;
mod token;
pub mod url;

pub use browser::{BROWSER_ENV, Browser};
pub use device::{DeviceAuthorization, Prompt, device_code, prompt_on_stderr};
pub use flow::{authorization_url, authorize, check_redirect, refresh};
pub use grant::{DEVICE_CODE_GRANT, Grant, client_credentials, identify, renew};
pub use link::TokenLink;
pub use pkce::pkce_challenge;
pub use token::{Token, parse_token_reply};

use crate::secret::Secret;
use std::time::Duration;

/// The client's registration at the authorization server (`OAuth2Paramètres`).
/// Its `Debug` output masks the client secret.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Params {
    pub client_id: String,
    pub client_secret: Secret,
    pub auth_url: String,
    pub token_url: String,
    pub scope: String,
    pub redirect_url: String,
    /// Only "code" is supported; empty means "code".
    pub response_type: String,
    /// `authorization_code` (also when empty), `client_credentials` or
    /// `urn:ietf:params:oauth:grant-type:device_code` (see [`Grant`]).
    pub grant_type: String,
    /// `k=v&k2=v2`, added to the authorization request (see [`grant::extra_pairs`]).
    pub additional_parameters: String,
    /// Extra trusted CA (PEM file) for the token and device authorization endpoints.
    pub ca_file: String,
}

/// One setting of [`Params`]; its value is the `WD_OAUTH_*` code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    ClientId = 1,
    ClientSecret,
    AuthUrl,
    TokenUrl,
    Scope,
    RedirectUrl,
    ResponseType,
    GrantType,
    AdditionalParameters,
    CaFile,
}

crate::codes::coded! {
    Param[ClientId, ClientSecret, AuthUrl, TokenUrl, Scope, RedirectUrl, ResponseType,
          GrantType, AdditionalParameters, CaFile]:
        "unknown OAuth2 parameter {code}";
}

impl Param {
    /// A secret can be set but reads back as "" (and shows as `****` in `Debug`).
    pub fn is_secret(self) -> bool {
        self == Param::ClientSecret
    }
}

impl Params {
    /// The setting `p`.
    pub fn field_mut(&mut self, p: Param) -> &mut String {
        match p {
            Param::ClientId => &mut self.client_id,
            Param::ClientSecret => self.client_secret.text_mut(),
            Param::AuthUrl => &mut self.auth_url,
            Param::TokenUrl => &mut self.token_url,
            Param::Scope => &mut self.scope,
            Param::RedirectUrl => &mut self.redirect_url,
            Param::ResponseType => &mut self.response_type,
            Param::GrantType => &mut self.grant_type,
            Param::AdditionalParameters => &mut self.additional_parameters,
            Param::CaFile => &mut self.ca_file,
        }
    }

    /// The setting `p` as the application reads it back: "" for the secret.
    pub fn read_back(&mut self, p: Param) -> String {
        if p.is_secret() {
            String::new()
        } else {
            self.field_mut(p).clone()
        }
    }
}

/// The text of an OAuth2 error reply (RFC 6749 4.1.2.1, 5.2): `error`, then
/// `: error_description` when there is one.
pub(crate) fn error_text(error: &str, description: &str) -> String {
    if description.is_empty() {
        error.to_string()
    } else {
        format!("{error}: {description}")
    }
}

/// Settings of one flow that are not part of the client registration.
#[derive(Debug, Clone)]
pub struct Options {
    /// Bound on the whole flow (browser, redirect, token request).
    pub timeout: Duration,
    pub browser: Browser,
    /// Extra trusted CA (PEM) for the token endpoint; `None`: the parameters'
    /// `WD_OAUTH_CA_FILE` ([`Params::ca_file`]), if any.
    pub ca_file: Option<String>,
}

impl Options {
    pub fn new(timeout: Duration) -> Options {
        Options {
            timeout,
            browser: Browser::Default,
            ca_file: None,
        }
    }

    /// The extra trusted CA of a request made with `p`: this flow's, else the parameters'.
    pub(crate) fn ca_file<'a>(&'a self, p: &'a Params) -> Option<&'a str> {
        self.ca_file
            .as_deref()
            .or(Some(p.ca_file.trim()))
            .filter(|f| !f.is_empty())
    }
}

/// Test helper: an HTTP reply with `status` and `body`.
#[cfg(test)]
pub(crate) fn reply(status: u16, body: &str) -> http::Response {
    http::Response {
        status,
        reason: "X".into(),
        headers: vec![],
        body: body.as_bytes().to_vec(),
    }
}

/// Test helper: `r` failed with `code` and a message holding `part`; returns the error.
#[cfg(test)]
#[track_caller]
pub(crate) fn assert_error<T: std::fmt::Debug>(
    r: crate::error::Result<T>,
    code: crate::error::WD_E,
    part: &str,
) -> crate::error::Error {
    let e = r.unwrap_err();
    assert_eq!(e.code, code, "{e:?}");
    assert!(e.message.contains(part), "{}", e.message);
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_by_property() {
        let mut p = Params::default();
        *p.field_mut(Param::ClientSecret) = "s3cret".into();
        *p.field_mut(Param::Scope) = "mail".into();
        assert_eq!(&*p.client_secret, "s3cret");
        assert_eq!(p.read_back(Param::ClientSecret), "");
        assert_eq!(p.read_back(Param::Scope), "mail");
        let shown = format!("{p:?}");
        assert!(
            !shown.contains("s3cret") && shown.contains("\"****\""),
            "{shown}"
        );
        assert!(format!("{:?}", Params::default()).contains("client_secret: \"\""));
    }
}
