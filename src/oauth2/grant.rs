//! The grant a flow uses (`WD_OAUTH_GRANT_TYPE`), the additional parameters
//! (`WD_OAUTH_ADDITIONAL_PARAMETERS`), the client-credentials grant (RFC 6749 §4.4) and
//! renewing a token.

use super::device::{Prompt, device_code, prompt_on_stderr};
use super::flow::{require, token_endpoint, token_form};
use super::{Options, Params, Token, authorize, http, parse_token_reply, refresh, url};
use crate::error::{Error, Result};
use crate::text::quoted;
use std::time::Instant;

/// The `grant_type` of the device authorization grant (RFC 8628 §3.4).
pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// How `AuthIdentifie` obtains a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// `authorization_code` (the default): the browser, a loopback redirect, PKCE.
    AuthorizationCode,
    /// `client_credentials`: the client signs in as itself with its id and secret.
    ClientCredentials,
    /// [`DEVICE_CODE_GRANT`]: the user approves on another device (RFC 8628).
    DeviceCode,
}

impl Grant {
    /// The grant `p` names; an empty `WD_OAUTH_GRANT_TYPE` is the authorization code.
    ///
    /// Errors: `WD_E_NOT_SUPPORTED` for any other value.
    pub fn of(p: &Params) -> Result<Grant> {
        match p.grant_type.trim() {
            "" | "authorization_code" => Ok(Grant::AuthorizationCode),
            "client_credentials" => Ok(Grant::ClientCredentials),
            DEVICE_CODE_GRANT => Ok(Grant::DeviceCode),
            other => Err(Error::not_supported(format!(
                "WD_OAUTH_GRANT_TYPE {} is not supported (authorization_code, \
                 client_credentials or {DEVICE_CODE_GRANT})",
                quoted(other)
            ))),
        }
    }
}

/// The parameters the library sets itself: an additional parameter may not replace them
/// (the scope has its own setting, `WD_OAUTH_SCOPE`).
const RESERVED: [&str; 13] = [
    "response_type",
    "client_id",
    "client_secret",
    "redirect_uri",
    "state",
    "code_challenge",
    "code_challenge_method",
    "grant_type",
    "code",
    "code_verifier",
    "refresh_token",
    "device_code",
    "scope",
];

/// The additional parameters of `p` (`WD_OAUTH_ADDITIONAL_PARAMETERS`, `k=v&k2=v2`,
/// decoded as a query string: `%XX` escapes and `+` for a space), in order. They go to
/// the authorization request: the browser's authorization URL, the device authorization
/// request, and for client credentials, which have no authorization request, the token
/// request.
///
/// Errors: `WD_E_INVALID_ARGUMENT` for a parameter without a name or one the library
/// sets itself.
pub(super) fn extra_pairs(p: &Params) -> Result<Vec<(String, String)>> {
    let text = p.additional_parameters.trim();
    let pairs = url::parse_query(text.strip_prefix('?').unwrap_or(text));
    for (k, _) in &pairs {
        if k.is_empty() {
            return Err(Error::invalid_arg(format!(
                "WD_OAUTH_ADDITIONAL_PARAMETERS {} holds a parameter without a name",
                quoted(text)
            )));
        }
        if RESERVED.contains(&k.as_str()) {
            return Err(Error::invalid_arg(format!(
                "WD_OAUTH_ADDITIONAL_PARAMETERS may not set {}: the library sets it{}",
                quoted(k),
                if k == "scope" {
                    " from WD_OAUTH_SCOPE"
                } else {
                    ""
                }
            )));
        }
    }
    Ok(pairs)
}

/// The scope pair (when a scope is set) followed by the additional parameters: the tail
/// of a request that asks for access.
pub(super) fn scope_and_extra<'a>(
    p: &'a Params,
    extra: &'a [(String, String)],
) -> Vec<(&'a str, &'a str)> {
    let scope = p.scope.trim();
    (!scope.is_empty())
        .then_some(("scope", scope))
        .into_iter()
        .chain(extra.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .collect()
}

/// Obtains a token with the grant `p` names (`AuthIdentifie`). `prompt` is given the
/// verification address and the user code of the device flow; `None` prints them on
/// stderr. It is called on the calling thread.
///
/// Errors: those of [`authorize`], [`client_credentials`] and [`device_code`], and
/// `WD_E_NOT_SUPPORTED` for an unknown grant type.
pub fn identify(p: &Params, opts: &Options, prompt: Option<Prompt<'_>>) -> Result<Token> {
    match Grant::of(p)? {
        Grant::AuthorizationCode => authorize(p, opts),
        Grant::ClientCredentials => client_credentials(p, opts),
        Grant::DeviceCode => device_code(p, opts, prompt.unwrap_or(&prompt_on_stderr)),
    }
}

/// The client-credentials grant: one request to the token endpoint with the client id,
/// the client secret (in the form), the scope and the additional parameters.
///
/// Errors: `WD_E_INVALID_ARGUMENT` (client id, secret or token URL missing, token URL
/// plain http on a remote host, bad additional parameters), `WD_E_CONNECT`,
/// `WD_E_TIMEOUT`, `WD_E_TLS`, `WD_E_AUTH` (an error reply such as `invalid_client`),
/// `WD_E_PROTOCOL`.
pub fn client_credentials(p: &Params, opts: &Options) -> Result<Token> {
    let deadline = Instant::now() + opts.timeout;
    require(&p.client_id, "WD_OAUTH_CLIENT_ID")?;
    if p.client_secret.is_empty() {
        return Err(Error::invalid_arg(
            "WD_OAUTH_CLIENT_SECRET is not set (the client-credentials grant needs it)",
        ));
    }
    let token_url = token_endpoint(p)?;
    let extra = extra_pairs(p)?;
    let form = token_form(
        p,
        &[("grant_type", "client_credentials")],
        &scope_and_extra(p, &extra),
    );
    let r = http::post_form(&token_url, &form, deadline, opts.ca_file(p))?;
    parse_token_reply(&r, None)
}

/// True when a token obtained with `p` can be renewed: it has a refresh token, or it
/// came from the client-credentials grant, which runs again.
pub(super) fn renewable(t: &Token, p: &Params) -> bool {
    !t.refresh_token.is_empty() || Grant::of(p) == Ok(Grant::ClientCredentials)
}

/// A new token in place of `old`, with the parameters `p`: the refresh grant when `old`
/// has a refresh token; without one, a client-credentials token is obtained again.
///
/// Errors: those of [`refresh`] (`WD_E_INVALID_ARGUMENT` when there is no refresh
/// token) and of [`client_credentials`].
pub fn renew(old: &Token, p: &Params, opts: &Options) -> Result<Token> {
    if old.refresh_token.is_empty() && Grant::of(p) == Ok(Grant::ClientCredentials) {
        return client_credentials(p, opts);
    }
    refresh(old, p, opts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::WD_E;
    use crate::oauth2::assert_error;

    fn with(grant: &str, extra: &str) -> Params {
        Params {
            client_id: "c".into(),
            grant_type: grant.into(),
            additional_parameters: extra.into(),
            scope: "mail".into(),
            ..Default::default()
        }
    }

    #[test]
    fn grant_types() {
        assert_eq!(Grant::of(&with("", "")), Ok(Grant::AuthorizationCode));
        assert_eq!(
            Grant::of(&with(" authorization_code ", "")),
            Ok(Grant::AuthorizationCode)
        );
        assert_eq!(
            Grant::of(&with("client_credentials", "")),
            Ok(Grant::ClientCredentials)
        );
        assert_eq!(
            Grant::of(&with(DEVICE_CODE_GRANT, "")),
            Ok(Grant::DeviceCode)
        );
        for bad in ["password", "implicit", "device_code", "refresh_token"] {
            assert_error(Grant::of(&with(bad, "")), WD_E::NotSupported, bad);
        }
    }

    #[test]
    fn additional_parameters() {
        let p = with("", "?access_type=offline&prompt=select+account&flag&&x=%26");
        let pairs = extra_pairs(&p).unwrap();
        let got: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("access_type", "offline"),
                ("prompt", "select account"),
                ("flag", ""),
                ("x", "&")
            ]
        );
        assert_eq!(
            scope_and_extra(&p, &pairs)[..2],
            [("scope", "mail"), ("access_type", "offline")]
        );
        assert!(extra_pairs(&with("", "")).unwrap().is_empty());
        assert_error(
            extra_pairs(&with("", "a=1&=2")),
            WD_E::InvalidArgument,
            "without a name",
        );
        assert_error(
            extra_pairs(&with("", "state=x")),
            WD_E::InvalidArgument,
            "\"state\"",
        );
        assert_error(
            extra_pairs(&with("", "scope=x")),
            WD_E::InvalidArgument,
            "WD_OAUTH_SCOPE",
        );
        let mut p = with("", "");
        p.scope.clear();
        assert!(scope_and_extra(&p, &[]).is_empty());
    }

    #[test]
    fn what_can_be_renewed() {
        let with_refresh = Token {
            refresh_token: "r".into(),
            ..Default::default()
        };
        let bare = Token::default();
        assert!(renewable(&with_refresh, &with("", "")));
        assert!(!renewable(&bare, &with("", "")));
        assert!(!renewable(&bare, &with(DEVICE_CODE_GRANT, "")));
        assert!(renewable(&bare, &with("client_credentials", "")));
        // Nothing to renew with: refused before any request.
        let e = renew(
            &bare,
            &with("", ""),
            &Options::new(std::time::Duration::from_secs(1)),
        );
        assert_error(e, WD_E::InvalidArgument, "no refresh token");
    }
}
