//! The flows: checks of the parameters, the authorization-code flow with PKCE and the
//! refresh grant.

use super::grant::extra_pairs;
use super::url::{self, Scheme, Url};
use super::{Options, Params, Token, browser, error_text, http, parse_token_reply, pkce};
use crate::error::{Error, Result, WD_E};
use crate::text::quoted;
use std::net::{SocketAddr, TcpListener};
use std::time::Instant;

/// The checked URLs of a flow, and its additional parameters.
struct Endpoints {
    auth: Url,
    token: Url,
    redirect: Url,
    extra: Vec<(String, String)>,
}

pub(super) fn require<'a>(value: &'a str, name: &str) -> Result<&'a str> {
    if value.trim().is_empty() {
        Err(Error::invalid_arg(format!("{name} is not set")))
    } else {
        Ok(value.trim())
    }
}

/// Checks an endpoint the client posts its credentials to (`name` = `value`): https, or
/// http on a loopback host.
pub(super) fn secure_endpoint(value: &str, name: &str) -> Result<Url> {
    let u = Url::parse(require(value, name)?, name)?;
    if u.scheme == Scheme::Http && !u.is_loopback() {
        return Err(Error::invalid_arg(format!(
            "{name} {} must use https (plain http is allowed only for \
             localhost, 127.0.0.1 and ::1)",
            quoted(value)
        )));
    }
    Ok(u)
}

/// Checks the token endpoint: https, or http on a loopback host.
pub(super) fn token_endpoint(p: &Params) -> Result<Url> {
    secure_endpoint(&p.token_url, "WD_OAUTH_TOKEN_URL")
}

impl Params {
    fn endpoints(&self) -> Result<Endpoints> {
        require(&self.client_id, "WD_OAUTH_CLIENT_ID")?;
        let rt = self.response_type.trim();
        if !rt.is_empty() && rt != "code" {
            return Err(Error::not_supported(format!(
                "WD_OAUTH_RESPONSE_TYPE {} is not supported (only \"code\")",
                quoted(rt)
            )));
        }
        let auth = Url::parse(
            require(&self.auth_url, "WD_OAUTH_AUTH_URL")?,
            "WD_OAUTH_AUTH_URL",
        )?;
        let token = token_endpoint(self)?;
        let redirect = Url::parse(
            require(&self.redirect_url, "WD_OAUTH_REDIRECT_URL")?,
            "WD_OAUTH_REDIRECT_URL",
        )?;
        if redirect.scheme != Scheme::Http || !redirect.is_loopback() || !redirect.query.is_empty()
        {
            return Err(Error::invalid_arg(format!(
                "WD_OAUTH_REDIRECT_URL {} must be a loopback http address without query, \
                 such as http://localhost:9000 or http://127.0.0.1:9000/callback",
                quoted(&self.redirect_url)
            )));
        }
        Ok(Endpoints {
            auth,
            token,
            redirect,
            extra: extra_pairs(self)?,
        })
    }
}

/// Builds the authorization URL (the auth URL's own query is kept), the additional
/// parameters `extra` last.
pub fn authorization_url(
    p: &Params,
    auth: &Url,
    redirect_uri: &str,
    state: &str,
    challenge: &str,
    extra: &[(String, String)],
) -> String {
    let mut pairs: Vec<(&str, &str)> = vec![
        ("response_type", "code"),
        ("client_id", p.client_id.trim()),
        ("redirect_uri", redirect_uri),
    ];
    if !p.scope.trim().is_empty() {
        pairs.push(("scope", p.scope.trim()));
    }
    pairs.push(("state", state));
    pairs.push(("code_challenge", challenge));
    pairs.push(("code_challenge_method", "S256"));
    pairs.extend(extra.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let base = p.auth_url.trim().split('#').next().unwrap_or("");
    let sep = if auth.query.is_empty() {
        if base.ends_with('?') { "" } else { "?" }
    } else {
        "&"
    };
    format!("{base}{sep}{}", url::form(&pairs))
}

fn bind(redirect: &Url) -> Result<TcpListener> {
    let ip = url::loopback_addr(&redirect.host)
        .ok_or_else(|| Error::invalid_arg("WD_OAUTH_REDIRECT_URL is not a loopback address"))?;
    let addr = SocketAddr::new(ip, redirect.port);
    let l = TcpListener::bind(addr).map_err(|e| {
        Error::new(
            WD_E::Connect,
            format!("cannot listen on {addr} for the authorization redirect: {e}"),
        )
        .with_system(e.to_string())
    })?;
    l.set_nonblocking(true)
        .map_err(|e| Error::new(WD_E::Connect, format!("cannot listen on {addr}: {e}")))?;
    Ok(l)
}

/// Checks the redirect's parameters and returns the authorization code.
pub fn check_redirect(q: &[(String, String)], state: &str) -> Result<String> {
    let got_state = url::get(q, "state");
    if let Some(err) = url::get(q, "error")
        && got_state.is_none_or(|s| s == state)
    {
        let text = error_text(err, url::get(q, "error_description").unwrap_or(""));
        return Err(Error::new(
            WD_E::Auth,
            format!("authorization refused by the server: {text}"),
        )
        .with_system(text));
    }
    if got_state != Some(state) {
        return Err(Error::new(WD_E::Auth, "state mismatch: possible CSRF"));
    }
    match url::get(q, "code") {
        Some(c) if !c.is_empty() => Ok(c.to_string()),
        _ => Err(Error::new(
            WD_E::Protocol,
            "the authorization redirect carries no code",
        )),
    }
}

/// The token request's form: `grant` pairs, the client id, the client secret when set,
/// then `tail` pairs.
pub(super) fn token_form<'a>(
    p: &'a Params,
    grant: &[(&'a str, &'a str)],
    tail: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut form = grant.to_vec();
    form.push(("client_id", p.client_id.trim()));
    if !p.client_secret.is_empty() {
        form.push(("client_secret", &p.client_secret));
    }
    form.extend_from_slice(tail);
    form
}

/// Runs the authorization-code flow with PKCE and returns the tokens.
///
/// Errors: `WD_E_INVALID_ARGUMENT` (missing client id or URL, redirect not loopback,
/// token URL plain http on a remote host), `WD_E_NOT_SUPPORTED` (response type),
/// `WD_E_CONNECT` (port of the redirect in use, token endpoint unreachable), `WD_E_IO`
/// (browser cannot be started), `WD_E_TIMEOUT` (also when only requests carrying another
/// `state` came: they are ignored, see [`http::receive_redirect`]), `WD_E_AUTH` (access
/// refused, error reply of the token endpoint), `WD_E_PROTOCOL` (malformed replies),
/// `WD_E_TLS`.
pub fn authorize(p: &Params, opts: &Options) -> Result<Token> {
    let deadline = Instant::now() + opts.timeout;
    let ep = p.endpoints()?;
    // Listen before the browser starts, so the redirect cannot arrive too early.
    let listener = bind(&ep.redirect)?;
    let redirect_uri = if ep.redirect.port == 0 {
        let port = listener
            .local_addr()
            .map_err(|e| Error::new(WD_E::Connect, format!("redirect listener: {e}")))?
            .port();
        let path = if ep.redirect.path == "/" && !p.redirect_url.trim().ends_with('/') {
            ""
        } else {
            ep.redirect.path.as_str()
        };
        format!("http://{}:{port}{path}", ep.redirect.host_for_url())
    } else {
        p.redirect_url.trim().to_string()
    };
    let verifier = pkce::random_b64(32)?;
    let state = pkce::random_b64(16)?;
    let auth_url = authorization_url(
        p,
        &ep.auth,
        &redirect_uri,
        &state,
        &pkce::pkce_challenge(&verifier),
        &ep.extra,
    );
    browser::open(&opts.browser, &auth_url)?;
    let q = http::receive_redirect(&listener, &ep.redirect.path, &state, deadline)?;
    drop(listener);
    let code = check_redirect(&q, &state)?;
    let form = token_form(
        p,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", &redirect_uri),
        ],
        &[("code_verifier", &verifier)],
    );
    let r = http::post_form(&ep.token, &form, deadline, opts.ca_file(p))?;
    parse_token_reply(&r, None)
}

/// Gets a new access token with the refresh token of `old`. The new token keeps the old
/// refresh token (and scope) when the server sends none.
pub fn refresh(old: &Token, p: &Params, opts: &Options) -> Result<Token> {
    let deadline = Instant::now() + opts.timeout;
    if old.refresh_token.is_empty() {
        return Err(Error::invalid_arg(
            "the token has no refresh token (the server did not grant one)",
        ));
    }
    require(&p.client_id, "WD_OAUTH_CLIENT_ID")?;
    let token_url = token_endpoint(p)?;
    let form = token_form(
        p,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &old.refresh_token),
        ],
        &[],
    );
    let r = http::post_form(&token_url, &form, deadline, opts.ca_file(p))?;
    parse_token_reply(&r, Some(old))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth2::assert_error;

    fn params() -> Params {
        Params {
            client_id: "my app".into(),
            auth_url: "https://idp.example/authorize?tenant=x".into(),
            token_url: "https://idp.example/token".into(),
            scope: "mail offline_access".into(),
            redirect_url: "http://localhost:9000".into(),
            ..Default::default()
        }
    }

    #[test]
    fn builds_authorization_url() {
        let p = params();
        let ep = p.endpoints().unwrap();
        let u = authorization_url(&p, &ep.auth, "http://localhost:9000", "st", "ch", &[]);
        assert_eq!(
            u,
            "https://idp.example/authorize?tenant=x&response_type=code&client_id=my%20app&\
             redirect_uri=http%3A%2F%2Flocalhost%3A9000&scope=mail%20offline_access&state=st&\
             code_challenge=ch&code_challenge_method=S256"
        );
        let mut p = p;
        p.additional_parameters = "access_type=offline&prompt=select%20account".into();
        let ep = p.endpoints().unwrap();
        let u = authorization_url(&p, &ep.auth, "http://localhost:9000", "st", "ch", &ep.extra);
        assert!(
            u.ends_with("&code_challenge_method=S256&access_type=offline&prompt=select%20account"),
            "{u}"
        );
    }

    #[test]
    fn token_forms_in_order() {
        let mut p = params();
        let form = token_form(&p, &[("grant_type", "g")], &[("code_verifier", "v")]);
        assert_eq!(
            form,
            [
                ("grant_type", "g"),
                ("client_id", "my app"),
                ("code_verifier", "v")
            ]
        );
        p.client_secret = "s".into();
        let form = token_form(&p, &[("grant_type", "g")], &[]);
        assert_eq!(
            form,
            [
                ("grant_type", "g"),
                ("client_id", "my app"),
                ("client_secret", "s")
            ]
        );
    }

    #[test]
    fn validates_params() {
        let code = |p: Params| p.endpoints().err().map(|e| (e.code, e.message));
        assert!(code(params()).is_none());
        let mut p = params();
        p.client_id.clear();
        let (c, m) = code(p).unwrap();
        assert_eq!(c, WD_E::InvalidArgument);
        assert!(m.contains("WD_OAUTH_CLIENT_ID"), "{m}");
        let mut p = params();
        p.redirect_url = "http://example.com:9000".into();
        assert_eq!(code(p).unwrap().0, WD_E::InvalidArgument);
        let mut p = params();
        p.redirect_url = "https://localhost:9000".into();
        assert_eq!(code(p).unwrap().0, WD_E::InvalidArgument);
        let mut p = params();
        p.token_url = "http://idp.example/token".into();
        let (c, m) = code(p).unwrap();
        assert_eq!(c, WD_E::InvalidArgument);
        assert!(m.contains("https"), "{m}");
        let mut p = params();
        p.token_url = "http://127.0.0.1:8080/token".into();
        assert!(code(p).is_none());
        let mut p = params();
        p.response_type = "token".into();
        assert_eq!(code(p).unwrap().0, WD_E::NotSupported);
    }

    #[test]
    fn checks_redirects() {
        let q = |s: &str| url::parse_query(s);
        assert_eq!(
            check_redirect(&q("code=abc&state=s1"), "s1").unwrap(),
            "abc"
        );
        let e = check_redirect(&q("code=abc&state=s2"), "s1").unwrap_err();
        assert_eq!(e.code, WD_E::Auth);
        assert_eq!(e.message, "state mismatch: possible CSRF");
        let e = check_redirect(&q("code=abc"), "s1").unwrap_err();
        assert_eq!(e.message, "state mismatch: possible CSRF");
        let refused = check_redirect(
            &q("error=access_denied&error_description=User+said+no&state=s1"),
            "s1",
        );
        assert_error(refused, WD_E::Auth, "access_denied: User said no");
        let e = check_redirect(&q("error=access_denied&state=bad"), "s1").unwrap_err();
        assert!(e.message.contains("CSRF"));
        let e = check_redirect(&q("state=s1&code="), "s1").unwrap_err();
        assert_eq!(e.code, WD_E::Protocol);
    }
}
