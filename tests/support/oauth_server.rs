//! A fake OAuth2 authorization server on loopback for the OAuth2 tests, over plain HTTP
//! or HTTPS ([`AuthServer::start_tls`]).
//!
//! - `GET /authorize?...` answers 302 to `redirect_uri?code=...&state=...` (or an error
//!   redirect, or a wrong state, per [`Behavior`]).
//! - `POST /device` is the device authorization endpoint (RFC 8628 §3.1): it checks the
//!   client and answers a device code, a user code, `verification_uri` (`/verify` here),
//!   `expires_in` and `interval`. The test approves or denies a user code with
//!   [`AuthServer::approve`] / [`AuthServer::deny`] (from the prompt callback, say).
//! - `POST /token` checks the client id and secret, then the grant: the code, the
//!   redirect URI and the PKCE verifier against the challenge (`authorization_code`); the
//!   refresh token (`refresh_token`); nothing more (`client_credentials`); the device
//!   code's state (device code: `authorization_pending` until approved, `slow_down` when
//!   polled sooner than the interval allows — which then grows by 5 s —, `access_denied`,
//!   `expired_token`). It answers JSON (or an error, per [`Behavior`]).
//!
//! Every request is recorded with its parameters ([`AuthServer::requests`]); every
//! access token issued is given to [`Behavior::on_issue`]. Each connection is handled on
//! its own thread; the server lives until the process ends.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use sha2::{Digest, Sha256};

/// The grant type of the device flow.
pub const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// What `/authorize` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthorizeMode {
    /// Redirect with a code and the client's state.
    Grant,
    /// Redirect with a code and another state.
    WrongState,
    /// Redirect with `error=access_denied`.
    Deny,
}

/// What `/token` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenMode {
    /// Checks everything and issues tokens (error JSON on a failed check).
    Issue,
    /// 400 with `{"error":"invalid_grant",...}`.
    Error400,
    /// 500 with a plain-text body.
    Error500,
    /// 200 with a body that is not JSON.
    Garbage,
    /// 200 JSON with chunked transfer encoding.
    Chunked,
}

/// An access token the server issued.
#[derive(Debug, Clone)]
pub struct Issued {
    pub access_token: String,
    /// Expiry, seconds since the Unix epoch.
    pub expires_at: u64,
    /// The grant type it was issued for.
    pub grant: String,
}

#[derive(Debug, Clone)]
pub struct Behavior {
    pub authorize: AuthorizeMode,
    pub token: TokenMode,
    pub client_id: String,
    /// Empty: a public client, which must send no secret.
    pub client_secret: String,
    pub expires_in: u64,
    /// `interval` of the device flow, in seconds.
    pub interval: u64,
    /// Lifetime of device and user codes, in seconds.
    pub device_expires_in: u64,
    /// Answer `slow_down` to the first poll of each device code, whenever it comes.
    pub slow_down_first_poll: bool,
    /// Called with each access token issued (e.g. to register it with the bench).
    pub on_issue: Option<fn(&Issued)>,
}

impl Default for Behavior {
    fn default() -> Self {
        Behavior {
            authorize: AuthorizeMode::Grant,
            token: TokenMode::Issue,
            client_id: "wd-client".into(),
            client_secret: "s3cret".into(),
            expires_in: 3600,
            interval: 1,
            device_expires_in: 600,
            slow_down_first_poll: false,
            on_issue: None,
        }
    }
}

/// Where a user code stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Approval {
    Pending,
    Approved,
    Denied,
}

#[derive(Debug)]
struct Device {
    user_code: String,
    approval: Approval,
    expires: Instant,
    interval: Duration,
    last_poll: Option<Instant>,
    polls: u32,
}

/// One request the server received: method, path and its parameters (query or form).
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub params: HashMap<String, String>,
}

#[derive(Default)]
struct State {
    /// code -> (challenge, redirect_uri)
    codes: HashMap<String, (String, String)>,
    refresh: HashMap<String, u32>,
    /// device code -> its state
    devices: HashMap<String, Device>,
    counter: u32,
    /// Log of requests, e.g. "GET /authorize", "POST /token grant_type".
    log: Vec<String>,
    requests: Vec<Request>,
    /// What each device-code poll was answered ("authorization_pending", "slow_down",
    /// "access_denied", "expired_token", "issued").
    polls: Vec<&'static str>,
    /// The grant of each access token issued.
    issued: Vec<String>,
}

pub struct AuthServer {
    pub port: u16,
    scheme: &'static str,
    behavior: Arc<Mutex<Behavior>>,
    state: Arc<Mutex<State>>,
}

impl AuthServer {
    /// A server over plain HTTP.
    pub fn start(behavior: Behavior) -> AuthServer {
        AuthServer::serve(behavior, None)
    }

    /// A server over HTTPS with `identity` (certificate and key).
    pub fn start_tls(behavior: Behavior, identity: native_tls::Identity) -> AuthServer {
        let acceptor = native_tls::TlsAcceptor::new(identity).expect("TLS acceptor");
        AuthServer::serve(behavior, Some(Arc::new(acceptor)))
    }

    fn serve(behavior: Behavior, tls: Option<Arc<native_tls::TlsAcceptor>>) -> AuthServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let scheme = if tls.is_some() { "https" } else { "http" };
        let behavior = Arc::new(Mutex::new(behavior));
        let state = Arc::new(Mutex::new(State::default()));
        let (b, s) = (behavior.clone(), state.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let (b, s, tls) = (b.clone(), s.clone(), tls.clone());
                std::thread::spawn(move || {
                    let _ = conn.set_read_timeout(Some(Duration::from_secs(30)));
                    let _ = match tls {
                        Some(acceptor) => match acceptor.accept(conn) {
                            Ok(t) => handle(t, port, scheme, &b, &s),
                            Err(_) => Ok(()),
                        },
                        None => handle(conn, port, scheme, &b, &s),
                    };
                });
            }
        });
        AuthServer {
            port,
            scheme,
            behavior,
            state,
        }
    }

    fn url(&self, path: &str) -> String {
        let host = if self.scheme == "https" {
            "localhost"
        } else {
            "127.0.0.1"
        };
        format!("{}://{host}:{}{path}", self.scheme, self.port)
    }

    pub fn auth_url(&self) -> String {
        self.url("/authorize")
    }

    pub fn token_url(&self) -> String {
        self.url("/token")
    }

    /// The device authorization endpoint.
    pub fn device_url(&self) -> String {
        self.url("/device")
    }

    /// The `verification_uri` the device endpoint gives.
    pub fn verification_url(&self) -> String {
        self.url("/verify")
    }

    pub fn set_token_mode(&self, m: TokenMode) {
        self.behavior.lock().unwrap().token = m;
    }

    /// The lifetime of the access tokens issued from now on, in seconds.
    pub fn set_expires_in(&self, seconds: u64) {
        self.behavior.lock().unwrap().expires_in = seconds;
    }

    /// Replaces the hook called with each access token issued.
    pub fn set_on_issue(&self, hook: Option<fn(&Issued)>) {
        self.behavior.lock().unwrap().on_issue = hook;
    }

    pub fn log(&self) -> Vec<String> {
        self.state.lock().unwrap().log.clone()
    }

    /// Every request received, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.state.lock().unwrap().requests.clone()
    }

    /// The parameters of the requests to `path`, in order.
    pub fn params_of(&self, path: &str) -> Vec<HashMap<String, String>> {
        self.requests()
            .into_iter()
            .filter(|r| r.path == path)
            .map(|r| r.params)
            .collect()
    }

    /// The answers given to the device-code polls, in order.
    pub fn polls(&self) -> Vec<&'static str> {
        self.state.lock().unwrap().polls.clone()
    }

    /// How many access tokens were issued for `grant`.
    pub fn issued(&self, grant: &str) -> usize {
        let st = self.state.lock().unwrap();
        st.issued.iter().filter(|g| *g == grant).count()
    }

    fn set_approval(&self, user_code: &str, approval: Approval) -> bool {
        let mut st = self.state.lock().unwrap();
        match st.devices.values_mut().find(|d| d.user_code == user_code) {
            Some(d) => {
                d.approval = approval;
                true
            }
            None => false,
        }
    }

    /// The user approves `user_code` (false when the server never issued it).
    pub fn approve(&self, user_code: &str) -> bool {
        self.set_approval(user_code, Approval::Approved)
    }

    /// The user refuses `user_code`.
    pub fn deny(&self, user_code: &str) -> bool {
        self.set_approval(user_code, Approval::Denied)
    }
}

/// A number no other server of the process gives: tokens stay unique across the fake
/// servers of a test binary (they share the bench's token file).
fn unique() -> u32 {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let h = u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap();
                out.push(h);
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub fn parse_form(q: &str) -> HashMap<String, String> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn reply(conn: &mut impl Write, status: &str, ctype: &str, extra: &str, body: &str) {
    let msg = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = conn.write_all(msg.as_bytes());
}

fn json_error(conn: &mut impl Write, err: &str, desc: &str) -> std::io::Result<()> {
    let body = format!(r#"{{"error":"{err}","error_description":"{desc}"}}"#);
    reply(conn, "400 Bad Request", "application/json", "", &body);
    Ok(())
}

fn handle<S: Read + Write>(
    conn: S,
    port: u16,
    scheme: &str,
    b: &Mutex<Behavior>,
    s: &Mutex<State>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(conn);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let mut length = 0usize;
    loop {
        let mut h = String::new();
        reader.read_line(&mut h)?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body)?;
    let body = String::from_utf8_lossy(&body).into_owned();
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let params = parse_form(if method == "GET" { query } else { &body });
    s.lock().unwrap().requests.push(Request {
        method: method.clone(),
        path: path.to_string(),
        params: params.clone(),
    });
    let behavior = b.lock().unwrap().clone();
    let conn = reader.get_mut();
    match (method.as_str(), path) {
        ("GET", "/authorize") => authorize(conn, &params, &behavior, s),
        ("POST", "/device") => device(conn, &params, &behavior, s, port, scheme),
        ("POST", "/token") => token(conn, &params, &behavior, s)?,
        _ => reply(conn, "404 Not Found", "text/plain", "", "not found"),
    }
    Ok(())
}

fn authorize(
    conn: &mut impl Write,
    q: &HashMap<String, String>,
    behavior: &Behavior,
    s: &Mutex<State>,
) {
    s.lock().unwrap().log.push("GET /authorize".into());
    let ok = q.get("response_type").map(String::as_str) == Some("code")
        && q.get("client_id") == Some(&behavior.client_id)
        && q.get("code_challenge_method").map(String::as_str) == Some("S256")
        && q.contains_key("code_challenge")
        && q.contains_key("state")
        && q.contains_key("redirect_uri");
    if !ok {
        reply(
            conn,
            "400 Bad Request",
            "text/plain",
            "",
            "bad authorization request",
        );
        return;
    }
    let redirect = q["redirect_uri"].clone();
    let state = match behavior.authorize {
        AuthorizeMode::WrongState => "forged-state".to_string(),
        _ => q["state"].clone(),
    };
    let location = if behavior.authorize == AuthorizeMode::Deny {
        format!(
            "{redirect}?error=access_denied&error_description={}&state={}",
            encode("The user denied access"),
            encode(&state)
        )
    } else {
        let mut st = s.lock().unwrap();
        st.counter += 1;
        let code = format!("code-{}-{}", st.counter, now());
        st.codes.insert(
            code.clone(),
            (q["code_challenge"].clone(), redirect.clone()),
        );
        format!("{redirect}?code={}&state={}", encode(&code), encode(&state))
    };
    reply(
        conn,
        "302 Found",
        "text/plain",
        &format!("Location: {location}\r\n"),
        "redirecting",
    );
}

/// True when the request carries the configured client id and secret (an empty
/// configured secret means a public client: no secret may be sent).
fn client_ok(f: &HashMap<String, String>, behavior: &Behavior) -> bool {
    let want_secret = Some(behavior.client_secret.clone()).filter(|s| !s.is_empty());
    f.get("client_id") == Some(&behavior.client_id)
        && f.get("client_secret").cloned() == want_secret
}

fn device(
    conn: &mut impl Write,
    f: &HashMap<String, String>,
    behavior: &Behavior,
    s: &Mutex<State>,
    port: u16,
    scheme: &str,
) {
    s.lock().unwrap().log.push("POST /device".into());
    if !client_ok(f, behavior) {
        let _ = json_error(conn, "invalid_client", "bad client credentials");
        return;
    }
    let mut st = s.lock().unwrap();
    st.counter += 1;
    let n = st.counter;
    let device_code = format!("device-{n}-{}", now());
    let user_code = format!("WD{n:02}-{:04}", now() % 10_000);
    st.devices.insert(
        device_code.clone(),
        Device {
            user_code: user_code.clone(),
            approval: Approval::Pending,
            expires: Instant::now() + Duration::from_secs(behavior.device_expires_in),
            interval: Duration::from_secs(behavior.interval),
            last_poll: None,
            polls: 0,
        },
    );
    drop(st);
    let host = if scheme == "https" {
        "localhost"
    } else {
        "127.0.0.1"
    };
    let body = format!(
        r#"{{"device_code":"{device_code}","user_code":"{user_code}","verification_uri":"{scheme}://{host}:{port}/verify","expires_in":{},"interval":{}}}"#,
        behavior.device_expires_in, behavior.interval
    );
    reply(conn, "200 OK", "application/json", "", &body);
}

/// The answer to a device-code poll: `Ok(())` to issue the token, else the error code.
fn poll_device(st: &mut State, code: &str, behavior: &Behavior) -> Result<(), &'static str> {
    let Some(d) = st.devices.get_mut(code) else {
        return Err("invalid_grant");
    };
    let now = Instant::now();
    let too_soon = d.last_poll.is_some_and(|t| now < t + d.interval);
    let scripted = behavior.slow_down_first_poll && d.polls == 0;
    d.polls += 1;
    d.last_poll = Some(now);
    let answer = if now >= d.expires {
        Err("expired_token")
    } else if too_soon || scripted {
        d.interval += Duration::from_secs(5);
        Err("slow_down")
    } else {
        match d.approval {
            Approval::Pending => Err("authorization_pending"),
            Approval::Denied => Err("access_denied"),
            Approval::Approved => Ok(()),
        }
    };
    if answer.is_ok() {
        st.devices.remove(code);
    }
    st.polls.push(answer.err().unwrap_or("issued"));
    answer
}

fn token(
    conn: &mut impl Write,
    f: &HashMap<String, String>,
    behavior: &Behavior,
    s: &Mutex<State>,
) -> std::io::Result<()> {
    let grant = f.get("grant_type").cloned().unwrap_or_default();
    s.lock().unwrap().log.push(format!("POST /token {grant}"));
    match behavior.token {
        TokenMode::Error400 => {
            return json_error(conn, "invalid_grant", "The code has expired");
        }
        TokenMode::Error500 => {
            reply(
                conn,
                "500 Internal Server Error",
                "text/plain",
                "",
                "database down",
            );
            return Ok(());
        }
        TokenMode::Garbage => {
            reply(
                conn,
                "200 OK",
                "application/json",
                "",
                "<html>not json</html>",
            );
            return Ok(());
        }
        _ => {}
    }
    if !client_ok(f, behavior) {
        return json_error(conn, "invalid_client", "bad client credentials");
    }
    let mut st = s.lock().unwrap();
    let refresh_new = match grant.as_str() {
        "authorization_code" => {
            let code = f.get("code").cloned().unwrap_or_default();
            let Some((challenge, redirect)) = st.codes.remove(&code) else {
                drop(st);
                return json_error(conn, "invalid_grant", "unknown code");
            };
            let verifier = f.get("code_verifier").cloned().unwrap_or_default();
            let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(Sha256::digest(verifier.as_bytes()));
            if computed != challenge || verifier.len() < 43 {
                drop(st);
                return json_error(conn, "invalid_grant", "PKCE verification failed");
            }
            if f.get("redirect_uri") != Some(&redirect) {
                drop(st);
                return json_error(conn, "invalid_grant", "redirect_uri mismatch");
            }
            true
        }
        "refresh_token" => {
            let rt = f.get("refresh_token").cloned().unwrap_or_default();
            if !st.refresh.contains_key(&rt) {
                drop(st);
                return json_error(conn, "invalid_grant", "unknown refresh token");
            }
            false
        }
        "client_credentials" => false,
        DEVICE_GRANT => {
            let code = f.get("device_code").cloned().unwrap_or_default();
            if let Err(e) = poll_device(&mut st, &code, behavior) {
                drop(st);
                return json_error(conn, e, "device code not approved");
            }
            true
        }
        _ => {
            drop(st);
            return json_error(conn, "unsupported_grant_type", &grant);
        }
    };
    let n = unique();
    let access = format!("wdtok-flow-{n}-{}-{}", now(), std::process::id());
    let mut json = format!(
        r#"{{"access_token":"{access}","token_type":"Bearer","expires_in":{},"scope":"mail""#,
        behavior.expires_in
    );
    if refresh_new {
        let rt = format!("refresh-{n}-{}", now());
        st.refresh.insert(rt.clone(), n);
        json.push_str(&format!(r#","refresh_token":"{rt}""#));
    }
    json.push('}');
    st.issued.push(grant.clone());
    drop(st);
    if let Some(hook) = behavior.on_issue {
        hook(&Issued {
            access_token: access,
            expires_at: now() + behavior.expires_in,
            grant,
        });
    }
    if behavior.token == TokenMode::Chunked {
        let (a, b) = json.split_at(json.len() / 2);
        let msg = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\
             Connection: close\r\n\r\n{:x}\r\n{a}\r\n{:x}\r\n{b}\r\n0\r\n\r\n",
            a.len(),
            b.len()
        );
        conn.write_all(msg.as_bytes())?;
    } else {
        reply(conn, "200 OK", "application/json", "", &json);
    }
    Ok(())
}
