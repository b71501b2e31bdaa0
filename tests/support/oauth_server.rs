//! A fake OAuth2 authorization server on loopback for the OAuth2 flow tests.
//!
//! `GET /authorize?...` answers 302 to `redirect_uri?code=...&state=...` (or an error
//! redirect, or a wrong state, per [`Behavior`]); `POST /token` checks the client id and
//! secret, the code, the redirect URI and the PKCE verifier against the challenge, and
//! answers JSON (or an error, per [`Behavior`]). Every request is handled on its own
//! thread; the server lives until the process ends.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use sha2::{Digest, Sha256};

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

#[derive(Debug, Clone)]
pub struct Behavior {
    pub authorize: AuthorizeMode,
    pub token: TokenMode,
    pub client_id: String,
    pub client_secret: String,
    pub expires_in: u64,
    /// Called with each access token issued (e.g. to register it with the bench).
    pub on_issue: Option<fn(&str, u64)>,
}

impl Default for Behavior {
    fn default() -> Self {
        Behavior {
            authorize: AuthorizeMode::Grant,
            token: TokenMode::Issue,
            client_id: "wd-client".into(),
            client_secret: "s3cret".into(),
            expires_in: 3600,
            on_issue: None,
        }
    }
}

#[derive(Default)]
struct State {
    /// code -> (challenge, redirect_uri)
    codes: HashMap<String, (String, String)>,
    refresh: HashMap<String, u32>,
    counter: u32,
    /// Log of requests, e.g. "GET /authorize", "POST /token grant_type=...".
    log: Vec<String>,
}

pub struct AuthServer {
    pub port: u16,
    behavior: Arc<Mutex<Behavior>>,
    state: Arc<Mutex<State>>,
}

impl AuthServer {
    pub fn start(behavior: Behavior) -> AuthServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let behavior = Arc::new(Mutex::new(behavior));
        let state = Arc::new(Mutex::new(State::default()));
        let (b, s) = (behavior.clone(), state.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let (b, s) = (b.clone(), s.clone());
                std::thread::spawn(move || {
                    let _ = handle(conn, &b, &s);
                });
            }
        });
        AuthServer {
            port,
            behavior,
            state,
        }
    }

    pub fn auth_url(&self) -> String {
        format!("http://127.0.0.1:{}/authorize", self.port)
    }

    pub fn token_url(&self) -> String {
        format!("http://127.0.0.1:{}/token", self.port)
    }

    pub fn set_token_mode(&self, m: TokenMode) {
        self.behavior.lock().unwrap().token = m;
    }

    pub fn log(&self) -> Vec<String> {
        self.state.lock().unwrap().log.clone()
    }
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

fn reply(conn: &mut TcpStream, status: &str, ctype: &str, extra: &str, body: &str) {
    let msg = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = conn.write_all(msg.as_bytes());
}

fn json_error(conn: &mut TcpStream, err: &str, desc: &str) -> std::io::Result<()> {
    let body = format!(r#"{{"error":"{err}","error_description":"{desc}"}}"#);
    reply(conn, "400 Bad Request", "application/json", "", &body);
    Ok(())
}

fn handle(mut conn: TcpStream, b: &Mutex<Behavior>, s: &Mutex<State>) -> std::io::Result<()> {
    let mut reader = BufReader::new(conn.try_clone()?);
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
    let behavior = b.lock().unwrap().clone();
    match (method.as_str(), path) {
        ("GET", "/authorize") => {
            let q = parse_form(query);
            s.lock().unwrap().log.push("GET /authorize".into());
            let ok = q.get("response_type").map(String::as_str) == Some("code")
                && q.get("client_id") == Some(&behavior.client_id)
                && q.get("code_challenge_method").map(String::as_str) == Some("S256")
                && q.contains_key("code_challenge")
                && q.contains_key("state")
                && q.contains_key("redirect_uri");
            if !ok {
                reply(
                    &mut conn,
                    "400 Bad Request",
                    "text/plain",
                    "",
                    "bad authorization request",
                );
                return Ok(());
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
                &mut conn,
                "302 Found",
                "text/plain",
                &format!("Location: {location}\r\n"),
                "redirecting",
            );
        }
        ("POST", "/token") => {
            let f = parse_form(&body);
            let grant = f.get("grant_type").cloned().unwrap_or_default();
            s.lock().unwrap().log.push(format!("POST /token {grant}"));
            match behavior.token {
                TokenMode::Error400 => {
                    return json_error(&mut conn, "invalid_grant", "The code has expired");
                }
                TokenMode::Error500 => {
                    reply(
                        &mut conn,
                        "500 Internal Server Error",
                        "text/plain",
                        "",
                        "database down",
                    );
                    return Ok(());
                }
                TokenMode::Garbage => {
                    reply(
                        &mut conn,
                        "200 OK",
                        "application/json",
                        "",
                        "<html>not json</html>",
                    );
                    return Ok(());
                }
                _ => {}
            }
            // An empty configured secret means a public client: no secret may be sent.
            let want_secret = Some(behavior.client_secret.clone()).filter(|s| !s.is_empty());
            if f.get("client_id") != Some(&behavior.client_id)
                || f.get("client_secret").cloned() != want_secret
            {
                return json_error(&mut conn, "invalid_client", "bad client credentials");
            }
            let mut st = s.lock().unwrap();
            let refresh_new = match grant.as_str() {
                "authorization_code" => {
                    let code = f.get("code").cloned().unwrap_or_default();
                    let Some((challenge, redirect)) = st.codes.remove(&code) else {
                        drop(st);
                        return json_error(&mut conn, "invalid_grant", "unknown code");
                    };
                    let verifier = f.get("code_verifier").cloned().unwrap_or_default();
                    let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD
                        .encode(Sha256::digest(verifier.as_bytes()));
                    if computed != challenge || verifier.len() < 43 {
                        drop(st);
                        return json_error(&mut conn, "invalid_grant", "PKCE verification failed");
                    }
                    if f.get("redirect_uri") != Some(&redirect) {
                        drop(st);
                        return json_error(&mut conn, "invalid_grant", "redirect_uri mismatch");
                    }
                    true
                }
                "refresh_token" => {
                    let rt = f.get("refresh_token").cloned().unwrap_or_default();
                    if !st.refresh.contains_key(&rt) {
                        drop(st);
                        return json_error(&mut conn, "invalid_grant", "unknown refresh token");
                    }
                    false
                }
                _ => {
                    drop(st);
                    return json_error(&mut conn, "unsupported_grant_type", &grant);
                }
            };
            st.counter += 1;
            let n = st.counter;
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
            drop(st);
            if let Some(f) = behavior.on_issue {
                f(&access, now() + behavior.expires_in);
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
                reply(&mut conn, "200 OK", "application/json", "", &json);
            }
        }
        _ => reply(&mut conn, "404 Not Found", "text/plain", "", "not found"),
    }
    Ok(())
}
