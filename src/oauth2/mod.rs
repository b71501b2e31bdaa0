//! OAuth2 token acquisition for XOAUTH2 / OAUTHBEARER (API.md §7): the
//! authorization-code flow with PKCE (RFC 7636, S256) and a random `state`, for native
//! applications (RFC 8252): the system browser opens the authorization URL, the
//! authorization server redirects it to a loopback address where this module listens,
//! and the code is exchanged for tokens at the token endpoint. Refreshing uses the
//! `refresh_token` grant.
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

pub mod http;
pub mod url;

use crate::error::{Error, Result, WD_E};
use crate::trace;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use std::net::{SocketAddr, TcpListener};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use url::{Scheme, Url};

/// Environment variable naming the command that opens the authorization URL.
pub const BROWSER_ENV: &str = "WD300COM_BROWSER";

/// The client's registration at the authorization server (`OAuth2Paramètres`).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Params {
    pub client_id: String,
    pub client_secret: String,
    pub auth_url: String,
    pub token_url: String,
    pub scope: String,
    pub redirect_url: String,
    /// Only "code" is supported; empty means "code".
    pub response_type: String,
}

impl std::fmt::Debug for Params {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Params")
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &if self.client_secret.is_empty() {
                    ""
                } else {
                    "****"
                },
            )
            .field("auth_url", &self.auth_url)
            .field("token_url", &self.token_url)
            .field("scope", &self.scope)
            .field("redirect_url", &self.redirect_url)
            .field("response_type", &self.response_type)
            .finish()
    }
}

/// How the browser is started.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Browser {
    /// `WD300COM_BROWSER` when set and not empty, else the system opener.
    #[default]
    Default,
    /// This shell command, run with the URL as its last argument.
    Command(String),
}

/// Settings of one flow that are not part of the client registration.
#[derive(Debug, Clone)]
pub struct Options {
    /// Bound on the whole flow (browser, redirect, token request).
    pub timeout: Duration,
    pub browser: Browser,
    /// Extra trusted CA (PEM) for the token endpoint.
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
}

/// Tokens granted by the authorization server.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Token {
    pub access_token: String,
    /// Empty when the server gave none.
    pub refresh_token: String,
    pub token_type: String,
    pub scope: String,
    /// Expiry as seconds since the Unix epoch; `None` when the server gave no lifetime.
    pub expires_at: Option<u64>,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field("access_token", &"****")
            .field(
                "refresh_token",
                &if self.refresh_token.is_empty() {
                    ""
                } else {
                    "****"
                },
            )
            .field("token_type", &self.token_type)
            .field("scope", &self.scope)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl Token {
    /// True while the token has not expired (a token without lifetime stays valid).
    pub fn is_valid(&self) -> bool {
        match self.expires_at {
            None => true,
            Some(t) => unix_now() < t,
        }
    }

    /// The expiry in RFC 3339 (`2024-05-01T12:00:00Z`), "" when unknown.
    pub fn expiration(&self) -> String {
        self.expires_at.map(rfc3339).unwrap_or_default()
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Formats seconds since the Unix epoch as RFC 3339 UTC.
pub fn rfc3339(t: u64) -> String {
    let days = (t / 86_400) as i64;
    let secs = t % 86_400;
    // Civil date from days since 1970-01-01 (proleptic Gregorian).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

fn random_b64(n: usize) -> Result<String> {
    let mut buf = vec![0u8; n];
    getrandom::getrandom(&mut buf)
        .map_err(|e| Error::internal(format!("no random numbers from the system: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(&buf))
}

/// PKCE S256 challenge of a verifier.
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The checked URLs of a flow.
struct Endpoints {
    auth: Url,
    token: Url,
    redirect: Url,
}

fn require<'a>(value: &'a str, name: &str) -> Result<&'a str> {
    if value.trim().is_empty() {
        Err(Error::invalid_arg(format!("{name} is not set")))
    } else {
        Ok(value.trim())
    }
}

/// Checks the token endpoint: https, or http on a loopback host.
fn token_endpoint(p: &Params) -> Result<Url> {
    let u = Url::parse(
        require(&p.token_url, "WD_OAUTH_TOKEN_URL")?,
        "WD_OAUTH_TOKEN_URL",
    )?;
    if u.scheme == Scheme::Http && !u.is_loopback() {
        return Err(Error::invalid_arg(format!(
            "WD_OAUTH_TOKEN_URL {:?} must use https (plain http is allowed only for \
             localhost, 127.0.0.1 and ::1)",
            p.token_url
        )));
    }
    Ok(u)
}

impl Params {
    fn endpoints(&self) -> Result<Endpoints> {
        require(&self.client_id, "WD_OAUTH_CLIENT_ID")?;
        let rt = self.response_type.trim();
        if !rt.is_empty() && rt != "code" {
            return Err(Error::not_supported(format!(
                "WD_OAUTH_RESPONSE_TYPE {rt:?} is not supported (only \"code\")"
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
                "WD_OAUTH_REDIRECT_URL {:?} must be a loopback http address without query, \
                 such as http://localhost:9000 or http://127.0.0.1:9000/callback",
                self.redirect_url
            )));
        }
        Ok(Endpoints {
            auth,
            token,
            redirect,
        })
    }
}

/// Builds the authorization URL (the auth URL's own query is kept).
pub fn authorization_url(
    p: &Params,
    auth: &Url,
    redirect_uri: &str,
    state: &str,
    challenge: &str,
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

/// Starts the browser on `url` without waiting for it.
fn open_browser(browser: &Browser, url_text: &str) -> Result<()> {
    let command = match browser {
        Browser::Command(c) => Some(c.clone()),
        Browser::Default => std::env::var(BROWSER_ENV)
            .ok()
            .filter(|c| !c.trim().is_empty()),
    };
    let mut cmd = match &command {
        Some(c) => {
            let mut cmd = Command::new("sh");
            cmd.arg("-c")
                .arg(format!("{c} \"$1\""))
                .arg("wd300com-browser")
                .arg(url_text);
            cmd
        }
        None if cfg!(target_os = "windows") => {
            let mut cmd = Command::new("rundll32");
            cmd.arg("url.dll,FileProtocolHandler").arg(url_text);
            cmd
        }
        None if cfg!(target_os = "macos") => {
            let mut cmd = Command::new("open");
            cmd.arg(url_text);
            cmd
        }
        None => {
            let mut cmd = Command::new("xdg-open");
            cmd.arg(url_text);
            cmd
        }
    };
    let shown = command
        .clone()
        .unwrap_or_else(|| format!("{:?}", cmd.get_program()));
    trace::note(
        "OAUTH2",
        &format!("opening the authorization URL with {shown}"),
    );
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            Error::new(
                WD_E::Io,
                format!("cannot start the browser ({shown}): {e}; set {BROWSER_ENV}"),
            )
            .with_system(e.to_string())
        })?;
    // Reap the opener whenever it exits.
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(())
}

/// Checks the redirect's parameters and returns the authorization code.
pub fn check_redirect(q: &[(String, String)], state: &str) -> Result<String> {
    let got_state = url::get(q, "state");
    if let Some(err) = url::get(q, "error")
        && got_state.is_none_or(|s| s == state)
    {
        {
            let desc = url::get(q, "error_description").unwrap_or("");
            let text = if desc.is_empty() {
                err.to_string()
            } else {
                format!("{err}: {desc}")
            };
            return Err(Error::new(
                WD_E::Auth,
                format!("authorization refused by the server: {text}"),
            )
            .with_system(text));
        }
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

/// Runs the authorization-code flow with PKCE and returns the tokens.
///
/// Errors: `WD_E_INVALID_ARGUMENT` (missing client id or URL, redirect not loopback,
/// token URL plain http on a remote host), `WD_E_NOT_SUPPORTED` (response type),
/// `WD_E_CONNECT` (port of the redirect in use, token endpoint unreachable), `WD_E_IO`
/// (browser cannot be started), `WD_E_TIMEOUT`, `WD_E_AUTH` (access refused, state
/// mismatch, error reply of the token endpoint), `WD_E_PROTOCOL` (malformed replies),
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
    let verifier = random_b64(32)?;
    let state = random_b64(16)?;
    let auth_url = authorization_url(
        p,
        &ep.auth,
        &redirect_uri,
        &state,
        &pkce_challenge(&verifier),
    );
    open_browser(&opts.browser, &auth_url)?;
    let q = http::receive_redirect(&listener, &ep.redirect.path, deadline)?;
    drop(listener);
    let code = check_redirect(&q, &state)?;
    let mut form: Vec<(&str, &str)> = vec![
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", &redirect_uri),
        ("client_id", p.client_id.trim()),
    ];
    if !p.client_secret.is_empty() {
        form.push(("client_secret", &p.client_secret));
    }
    form.push(("code_verifier", &verifier));
    let r = http::post_form(&ep.token, &form, deadline, opts.ca_file.as_deref())?;
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
    let mut form: Vec<(&str, &str)> = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", &old.refresh_token),
        ("client_id", p.client_id.trim()),
    ];
    if !p.client_secret.is_empty() {
        form.push(("client_secret", &p.client_secret));
    }
    let r = http::post_form(&token_url, &form, deadline, opts.ca_file.as_deref())?;
    parse_token_reply(&r, Some(old))
}

/// A printable one-line excerpt of a reply body (for error system messages).
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect();
    line.trim().to_string()
}

fn json_str(v: &serde_json::Value, key: &str) -> String {
    match v.get(key) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// Interprets a token endpoint reply (RFC 6749 5.1 / 5.2). `old` is the token being
/// refreshed, whose refresh token and scope are kept when the reply has none.
pub fn parse_token_reply(r: &http::Response, old: Option<&Token>) -> Result<Token> {
    let status_text = format!("HTTP {} {}", r.status, r.reason);
    let json: Option<serde_json::Value> = serde_json::from_slice(&r.body).ok();
    if let Some(v) = json.as_ref().filter(|v| v.get("error").is_some()) {
        let err = json_str(v, "error");
        let desc = json_str(v, "error_description");
        let text = if desc.is_empty() {
            err.clone()
        } else {
            format!("{err}: {desc}")
        };
        return Err(Error::new(
            WD_E::Auth,
            format!("token endpoint refused the request: {text} ({status_text})"),
        )
        .with_system(excerpt(&r.body)));
    }
    if !(200..300).contains(&r.status) {
        return Err(Error::new(
            WD_E::Protocol,
            format!("token endpoint answered {status_text}"),
        )
        .with_system(if r.body.is_empty() {
            status_text.clone()
        } else {
            excerpt(&r.body)
        }));
    }
    let v = match json {
        Some(v) if v.is_object() => v,
        _ => {
            let why = match serde_json::from_slice::<serde_json::Value>(&r.body) {
                Err(e) => e.to_string(),
                Ok(_) => "not a JSON object".to_string(),
            };
            return Err(Error::new(
                WD_E::Protocol,
                format!("token endpoint reply is not valid JSON: {why}"),
            )
            .with_system(status_text));
        }
    };
    let access_token = json_str(&v, "access_token");
    if access_token.is_empty() {
        return Err(
            Error::new(WD_E::Protocol, "token endpoint reply has no access_token")
                .with_system(status_text),
        );
    }
    let expires_in = match v.get("expires_in") {
        Some(serde_json::Value::Number(n)) => n.as_f64(),
        Some(serde_json::Value::String(s)) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    let mut refresh_token = json_str(&v, "refresh_token");
    let mut scope = json_str(&v, "scope");
    if let Some(old) = old {
        if refresh_token.is_empty() {
            refresh_token = old.refresh_token.clone();
        }
        if scope.is_empty() {
            scope = old.scope.clone();
        }
    }
    Ok(Token {
        access_token,
        refresh_token,
        token_type: json_str(&v, "token_type"),
        scope,
        expires_at: expires_in
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(|s| unix_now() + s.min(1e12) as u64),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, body: &str) -> http::Response {
        http::Response {
            status,
            reason: "X".into(),
            headers: vec![],
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn rfc3339_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(4_107_542_399), "2100-02-28T23:59:59Z");
    }

    #[test]
    fn pkce_rfc7636_example() {
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        let a = random_b64(32).unwrap();
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_b64(32).unwrap());
    }

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
        let u = authorization_url(&p, &ep.auth, "http://localhost:9000", "st", "ch");
        assert_eq!(
            u,
            "https://idp.example/authorize?tenant=x&response_type=code&client_id=my%20app&\
             redirect_uri=http%3A%2F%2Flocalhost%3A9000&scope=mail%20offline_access&state=st&\
             code_challenge=ch&code_challenge_method=S256"
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
        let e = check_redirect(
            &q("error=access_denied&error_description=User+said+no&state=s1"),
            "s1",
        )
        .unwrap_err();
        assert_eq!(e.code, WD_E::Auth);
        assert!(
            e.message.contains("access_denied: User said no"),
            "{}",
            e.message
        );
        let e = check_redirect(&q("error=access_denied&state=bad"), "s1").unwrap_err();
        assert!(e.message.contains("CSRF"));
        let e = check_redirect(&q("state=s1&code="), "s1").unwrap_err();
        assert_eq!(e.code, WD_E::Protocol);
    }

    #[test]
    fn parses_token_replies() {
        let t = parse_token_reply(
            &reply(
                200,
                r#"{"access_token":"at","refresh_token":"rt","expires_in":3600,"token_type":"Bearer","scope":"mail"}"#,
            ),
            None,
        )
        .unwrap();
        assert_eq!(t.access_token, "at");
        assert_eq!(t.refresh_token, "rt");
        assert!(t.is_valid());
        let left = t.expires_at.unwrap() - unix_now();
        assert!((3590..=3600).contains(&left));
        assert!(!format!("{t:?}").contains("\"at\""));
        // Refresh without a new refresh token keeps the old one; string expires_in.
        let t2 = parse_token_reply(
            &reply(200, r#"{"access_token":"at2","expires_in":"60"}"#),
            Some(&t),
        )
        .unwrap();
        assert_eq!(
            (t2.refresh_token.as_str(), t2.scope.as_str()),
            ("rt", "mail")
        );
        assert!(t2.expires_at.is_some());
        let expired = Token {
            expires_at: Some(unix_now() - 1),
            ..t2.clone()
        };
        assert!(!expired.is_valid());
        let e = parse_token_reply(
            &reply(
                400,
                r#"{"error":"invalid_grant","error_description":"code expired"}"#,
            ),
            None,
        )
        .unwrap_err();
        assert_eq!(e.code, WD_E::Auth);
        assert!(
            e.message.contains("invalid_grant: code expired"),
            "{}",
            e.message
        );
        assert!(e.message.contains("HTTP 400"), "{}", e.message);
        let e = parse_token_reply(&reply(500, "Internal error"), None).unwrap_err();
        assert_eq!(e.code, WD_E::Protocol);
        assert!(e.message.contains("HTTP 500"), "{}", e.message);
        assert_eq!(e.system.as_deref(), Some("Internal error"));
        let e = parse_token_reply(&reply(200, "<html>"), None).unwrap_err();
        assert_eq!(e.code, WD_E::Protocol);
        assert!(e.message.contains("not valid JSON"), "{}", e.message);
        let e = parse_token_reply(&reply(200, r#"{"token_type":"Bearer"}"#), None).unwrap_err();
        assert!(e.message.contains("no access_token"));
        let e = parse_token_reply(&reply(200, "[1]"), None).unwrap_err();
        assert!(e.message.contains("not a JSON object"));
    }
}
