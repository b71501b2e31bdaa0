//! The OAuth2 authorization-code flow against a fake authorization server on loopback,
//! with curl as the "browser" (it follows the 302 to our redirect listener).
//! The browser command is passed through `Options::browser`, so the tests do not touch
//! the process environment and may run in parallel.

mod support;

use std::time::{Duration, Instant};
use support::oauth_server::{AuthServer, AuthorizeMode, Behavior, TokenMode};
use wd300com::error::WD_E;
use wd300com::oauth2::{self, Browser, Options, Params};

const CURL: &str = "curl -s -L --max-time 20 -o /dev/null";

fn params(server: &AuthServer) -> Params {
    Params {
        client_id: "wd-client".into(),
        client_secret: "s3cret".into(),
        auth_url: server.auth_url(),
        token_url: server.token_url(),
        scope: "mail offline_access".into(),
        // Port 0: any free loopback port, so tests can run in parallel.
        redirect_url: "http://127.0.0.1:0/callback".into(),
        response_type: "code".into(),
    }
}

fn options(browser: &str, secs: u64) -> Options {
    Options {
        timeout: Duration::from_secs(secs),
        browser: Browser::Command(browser.into()),
        ca_file: None,
    }
}

#[test]
fn full_flow_issues_token_with_refresh_and_expiry() {
    let server = AuthServer::start(Behavior::default());
    let t = oauth2::authorize(&params(&server), &options(CURL, 20)).expect("flow");
    assert!(t.access_token.starts_with("wdtok-flow-"), "{t:?}");
    assert!(t.refresh_token.starts_with("refresh-"));
    assert_eq!(t.token_type, "Bearer");
    assert_eq!(t.scope, "mail");
    assert!(t.is_valid());
    let exp = t.expiration();
    assert!(exp.ends_with('Z') && exp.len() == 20, "{exp}");
    assert_eq!(
        server.log(),
        ["GET /authorize", "POST /token authorization_code"]
    );
}

#[test]
fn localhost_redirect_on_a_fixed_port_without_secret() {
    let b = Behavior {
        client_secret: String::new(),
        ..Default::default()
    };
    let server = AuthServer::start(b);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut p = params(&server);
    p.client_secret.clear();
    p.redirect_url = format!("http://localhost:{port}");
    // The fake server refuses a secret sent by a public client.
    let t = oauth2::authorize(&p, &options(CURL, 20)).expect("flow");
    assert!(!t.access_token.is_empty());
}

#[test]
fn chunked_token_reply() {
    let b = Behavior {
        token: TokenMode::Chunked,
        ..Default::default()
    };
    let server = AuthServer::start(b);
    let t = oauth2::authorize(&params(&server), &options(CURL, 20)).expect("flow");
    assert!(t.access_token.starts_with("wdtok-flow-"));
}

/// A redirect carrying another state is answered with an error page and ignored: the flow
/// keeps waiting for the real one (here none comes: it times out), and the code it
/// carried is never exchanged.
#[test]
fn wrong_state_is_ignored() {
    let b = Behavior {
        authorize: AuthorizeMode::WrongState,
        ..Default::default()
    };
    let server = AuthServer::start(b);
    let start = Instant::now();
    let e = oauth2::authorize(&params(&server), &options(CURL, 2)).unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(e.code, WD_E::Timeout, "{}", e.message);
    assert!(
        e.message
            .contains("1 request(s) carrying another state were ignored"),
        "{}",
        e.message
    );
    assert_eq!(server.log(), ["GET /authorize"]);
}

#[test]
fn access_denied_redirect() {
    let b = Behavior {
        authorize: AuthorizeMode::Deny,
        ..Default::default()
    };
    let server = AuthServer::start(b);
    let e = oauth2::authorize(&params(&server), &options(CURL, 20)).unwrap_err();
    assert_eq!(e.code, WD_E::Auth);
    assert!(
        e.message.contains("access_denied: The user denied access"),
        "{}",
        e.message
    );
}

fn token_error(mode: TokenMode) -> wd300com::error::Error {
    let b = Behavior {
        token: mode,
        ..Default::default()
    };
    let server = AuthServer::start(b);
    oauth2::authorize(&params(&server), &options(CURL, 20)).unwrap_err()
}

#[test]
fn token_endpoint_400_json_error() {
    let e = token_error(TokenMode::Error400);
    assert_eq!(e.code, WD_E::Auth);
    assert!(
        e.message.contains("invalid_grant: The code has expired") && e.message.contains("HTTP 400"),
        "{}",
        e.message
    );
}

#[test]
fn token_endpoint_500() {
    let e = token_error(TokenMode::Error500);
    assert_eq!(e.code, WD_E::Protocol);
    assert!(e.message.contains("HTTP 500"), "{}", e.message);
    assert_eq!(e.system.as_deref(), Some("database down"));
}

#[test]
fn token_endpoint_garbage() {
    let e = token_error(TokenMode::Garbage);
    assert_eq!(e.code, WD_E::Protocol);
    assert!(e.message.contains("not valid JSON"), "{}", e.message);
}

#[test]
fn wrong_client_secret_is_an_auth_error() {
    let server = AuthServer::start(Behavior::default());
    let mut p = params(&server);
    p.client_secret = "wrong".into();
    let e = oauth2::authorize(&p, &options(CURL, 20)).unwrap_err();
    assert_eq!(e.code, WD_E::Auth);
    assert!(e.message.contains("invalid_client"), "{}", e.message);
    assert!(!e.message.contains("wrong"), "secret leaked: {}", e.message);
}

#[test]
fn refresh_gives_new_access_token_and_keeps_refresh_token() {
    let server = AuthServer::start(Behavior::default());
    let p = params(&server);
    let t = oauth2::authorize(&p, &options(CURL, 20)).expect("flow");
    let t2 = oauth2::refresh(&t, &p, &options(CURL, 10)).expect("refresh");
    assert_ne!(t2.access_token, t.access_token);
    assert!(t2.access_token.starts_with("wdtok-flow-"));
    // The server sends no new refresh token on refresh: the old one is kept.
    assert_eq!(t2.refresh_token, t.refresh_token);
    assert!(t2.is_valid());
    // A refresh token the server does not know.
    let mut bad = t.clone();
    bad.refresh_token = "refresh-unknown".into();
    let e = oauth2::refresh(&bad, &p, &options(CURL, 10)).unwrap_err();
    assert_eq!(e.code, WD_E::Auth);
    assert!(e.message.contains("unknown refresh token"), "{}", e.message);
    // No refresh token at all.
    bad.refresh_token.clear();
    let e = oauth2::refresh(&bad, &p, &options(CURL, 10)).unwrap_err();
    assert_eq!(e.code, WD_E::InvalidArgument);
}

#[test]
fn timeout_when_no_redirect_arrives() {
    let server = AuthServer::start(Behavior::default());
    let start = Instant::now();
    let e = oauth2::authorize(&params(&server), &options("true", 2)).unwrap_err();
    let took = start.elapsed();
    assert_eq!(e.code, WD_E::Timeout, "{e:?}");
    assert!(took >= Duration::from_millis(1900), "{took:?}");
    assert!(took < Duration::from_secs(3), "{took:?}");
    assert!(server.log().is_empty());
}

#[test]
fn idle_connection_does_not_block_the_redirect() {
    // A "browser" that opens an idle (speculative) connection to the listener first,
    // then follows the URL: the redirect must still be received.
    let server = AuthServer::start(Behavior::default());
    let browser = format!(
        "python3 -c 'import socket,sys,subprocess,urllib.parse as u; \
         q=dict(u.parse_qsl(u.urlsplit(sys.argv[1]).query)); r=u.urlsplit(q[\"redirect_uri\"]); \
         s=socket.create_connection((r.hostname,r.port)); \
         subprocess.run(\"{CURL} \".split()+[sys.argv[1]])'"
    );
    let t = oauth2::authorize(&params(&server), &options(&browser, 20)).expect("flow");
    assert!(!t.access_token.is_empty());
}

#[test]
fn browser_that_cannot_start_is_an_error() {
    let server = AuthServer::start(Behavior::default());
    // sh starts but the command does not exist: sh exits 127, no redirect ever comes.
    let e = oauth2::authorize(&params(&server), &options("/nonexistent/browser", 1)).unwrap_err();
    assert_eq!(e.code, WD_E::Timeout);
}

#[test]
fn plain_http_token_url_on_a_remote_host_is_refused() {
    let server = AuthServer::start(Behavior::default());
    let mut p = params(&server);
    p.token_url = "http://auth.example.com/token".into();
    let e = oauth2::authorize(&p, &options(CURL, 5)).unwrap_err();
    assert_eq!(e.code, WD_E::InvalidArgument);
    assert!(server.log().is_empty());
}

#[test]
fn redirect_port_in_use_is_a_clear_error() {
    let server = AuthServer::start(Behavior::default());
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut p = params(&server);
    p.redirect_url = format!("http://127.0.0.1:{}", busy.local_addr().unwrap().port());
    let e = oauth2::authorize(&p, &options(CURL, 5)).unwrap_err();
    assert_eq!(e.code, WD_E::Connect);
    assert!(e.message.contains("cannot listen"), "{}", e.message);
}

/// The C ABI end to end: parameters, AuthIdentifie with the browser taken from
/// `WD300COM_BROWSER` (the only test here that uses the environment), token getters,
/// refresh, freeing.
#[test]
fn c_abi_flow_with_browser_from_environment() {
    use std::ffi::{CStr, CString};
    use wd300com::ffi::oauth2::*;
    let server = AuthServer::start(Behavior::default());
    // SAFETY: no other test of this binary reads or writes the environment.
    unsafe { std::env::set_var(oauth2::BROWSER_ENV, CURL) };
    let p = OAuth2ParametresCree();
    let set = |prop: i32, v: &str| {
        let c = CString::new(v).unwrap();
        // SAFETY: valid handle and NUL-terminated string.
        assert_eq!(unsafe { OAuth2ParametresModifie(p, prop, c.as_ptr()) }, 1);
    };
    set(WD_OAUTH_CLIENT_ID, "wd-client");
    set(WD_OAUTH_CLIENT_SECRET, "s3cret");
    set(WD_OAUTH_AUTH_URL, &server.auth_url());
    set(WD_OAUTH_TOKEN_URL, &server.token_url());
    set(WD_OAUTH_SCOPE, "mail");
    set(WD_OAUTH_REDIRECT_URL, "http://localhost:0");
    let get = |t: WdAuthToken, prop: i32| -> String {
        let ptr = AuthTokenPropriete(t, prop);
        assert!(!ptr.is_null());
        // SAFETY: the library returns a NUL-terminated string owned by the token.
        unsafe { CStr::from_ptr(ptr) }.to_str().unwrap().to_string()
    };
    let t = AuthIdentifie(p);
    assert!(t.0 > 0, "AuthIdentifie failed");
    let value = get(t, WD_TOKEN_VALUE);
    assert!(value.starts_with("wdtok-flow-"));
    let ptr_before = AuthTokenPropriete(t, WD_TOKEN_VALUE);
    assert!(get(t, WD_TOKEN_REFRESH).starts_with("refresh-"));
    assert_eq!(get(t, WD_TOKEN_EXPIRATION).len(), 20);
    assert_eq!(get(t, WD_TOKEN_VALID), "1");
    // Object-owned strings stay put across calls.
    assert_eq!(AuthTokenPropriete(t, WD_TOKEN_VALUE), ptr_before);
    let t2 = AuthRafraichitToken(t, p);
    assert!(t2.0 > 0, "AuthRafraichitToken failed");
    assert_ne!(get(t2, WD_TOKEN_VALUE), value);
    assert_eq!(get(t2, WD_TOKEN_REFRESH), get(t, WD_TOKEN_REFRESH));
    assert_eq!(OAuth2Libere(t.0), 1);
    assert_eq!(OAuth2Libere(t2.0), 1);
    assert_eq!(OAuth2Libere(t.0), 0);
    assert_eq!(OAuth2Libere(p.0), 1);
    // SAFETY: as above.
    unsafe { std::env::remove_var(oauth2::BROWSER_ENV) };
}

/// A token endpoint whose chunked reply announces a chunk size near `usize::MAX` after
/// a first chunk: a `Protocol` error, not an arithmetic overflow (panic) or a read that
/// grows without bound.
#[test]
fn chunked_reply_with_huge_chunk_size_is_refused() {
    use support::fake_server::{FakeServer, Script};
    let server = FakeServer::start(Script::new().custom(|c| {
        // Request head up to the empty line; the form body is not needed.
        loop {
            if c.read_line()?.is_empty() {
                break;
            }
        }
        c.write_str(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
             Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\nffffffffffffffff\r\n",
        )?;
        c.write(&[b'x'; 4096])?;
        Ok(())
    }));
    let target = oauth2::url::Url::parse(
        &format!("http://127.0.0.1:{}/token", server.port()),
        "token URL",
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let e = oauth2::http::post_form(&target, &[("grant_type", "x")], deadline, None).unwrap_err();
    assert_eq!(e.code, WD_E::Protocol, "{}", e.message);
    assert!(e.message.contains("too long"), "{}", e.message);
    server.join();
}

/// A token endpoint that answers late then stalls: the request ends at the flow's
/// deadline, not a whole connection timeout after the last byte received.
#[test]
fn token_endpoint_stalling_mid_reply_ends_at_the_deadline() {
    use support::fake_server::{FakeServer, Script};
    let server = FakeServer::start(Script::new().custom(|c| {
        loop {
            if c.read_line()?.is_empty() {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(1500));
        c.write_str("HTTP/1.1 200 OK\r\n")?;
        std::thread::sleep(Duration::from_secs(4));
        Ok(())
    }));
    let target = oauth2::url::Url::parse(
        &format!("http://127.0.0.1:{}/token", server.port()),
        "token URL",
    )
    .unwrap();
    let t0 = Instant::now();
    let deadline = t0 + Duration::from_secs(2);
    let e = oauth2::http::post_form(&target, &[("grant_type", "x")], deadline, None).unwrap_err();
    let took = t0.elapsed();
    assert_eq!(e.code, WD_E::Timeout, "{}", e.message);
    assert!(took < Duration::from_millis(2800), "took {took:?}");
    server.join();
}

/// A "browser" written in Python: `prelude` (helpers), then `body` run against the
/// redirect listener, then curl following the authorization URL. What the body writes
/// with `say()` is returned by [`Script::report`].
struct Script {
    dir: std::path::PathBuf,
}

impl Script {
    fn new(tag: &str, body: &str) -> Script {
        let dir = std::env::temp_dir().join(format!("wd-oauth-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let report = dir.join("report.txt");
        let script = format!(
            "import socket, subprocess, sys, time, urllib.parse as u\n\
             url = sys.argv[1]\n\
             q = dict(u.parse_qsl(u.urlsplit(url).query))\n\
             r = u.urlsplit(q['redirect_uri'])\n\
             addr, path = (r.hostname, r.port), (r.path or '/')\n\
             out = open({report:?}, 'w')\n\
             def say(*a):\n    out.write(' '.join(str(x) for x in a) + '\\n'); out.flush()\n\
             def forged():\n\
             \x20   s = socket.create_connection(addr, timeout=5)\n\
             \x20   s.sendall(('GET %s?code=forged-code&state=forged-state HTTP/1.1\\r\\n'\n\
             \x20              'Host: x\\r\\n\\r\\n' % path).encode())\n\
             \x20   say('forged:', s.recv(4096).decode(errors='replace').split('\\r\\n')[0])\n\
             \x20   s.close()\n\
             {body}\n\
             subprocess.run({curl:?}.split() + [url])\n",
            report = report.to_str().unwrap(),
            curl = CURL,
        );
        std::fs::write(dir.join("browser.py"), script).unwrap();
        Script { dir }
    }

    fn browser(&self) -> String {
        format!("python3 {}", self.dir.join("browser.py").display())
    }

    fn report(&self) -> String {
        std::fs::read_to_string(self.dir.join("report.txt")).unwrap_or_default()
    }
}

impl Drop for Script {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A forged request (another state) reaching the listener first is answered 400 and
/// ignored; the real redirect that follows completes the flow.
#[test]
fn forged_request_does_not_stop_the_real_redirect() {
    let server = AuthServer::start(Behavior::default());
    let script = Script::new("forged", "forged()");
    let t = oauth2::authorize(&params(&server), &options(&script.browser(), 20)).expect("flow");
    assert!(t.access_token.starts_with("wdtok-flow-"), "{t:?}");
    assert!(
        script.report().contains("forged: HTTP/1.1 400 Bad Request"),
        "{}",
        script.report()
    );
    assert_eq!(
        server.log(),
        ["GET /authorize", "POST /token authorization_code"]
    );
}

/// Forty idle connections and a forged request before the real redirect: at most eight
/// are held (each new one closing the oldest at once), and the redirect is received
/// promptly.
#[test]
fn idle_connections_and_a_forged_request_do_not_keep_the_redirect_out() {
    let server = AuthServer::start(Behavior::default());
    let body = "idle = [socket.create_connection(addr, timeout=5) for _ in range(40)]\n\
                time.sleep(1)\n\
                closed = 0\n\
                for s in idle:\n\
                \x20   s.setblocking(False)\n\
                \x20   try:\n\
                \x20       closed += s.recv(1) == b''\n\
                \x20   except BlockingIOError:\n\
                \x20       pass\n\
                say('closed:', closed)\n\
                forged()";
    let script = Script::new("idle", body);
    let start = Instant::now();
    let t = oauth2::authorize(&params(&server), &options(&script.browser(), 20)).expect("flow");
    let took = start.elapsed();
    assert!(!t.access_token.is_empty());
    assert!(took < Duration::from_secs(10), "took {took:?}");
    let report = script.report();
    assert!(report.contains("closed: 32\n"), "{report}");
    assert!(report.contains("forged: HTTP/1.1 400"), "{report}");
}

/// A connection that sends nothing is closed after the per-connection deadline (3 s),
/// while the flow goes on waiting for the redirect.
#[test]
fn an_idle_connection_is_closed_after_its_deadline() {
    let server = AuthServer::start(Behavior::default());
    let body = "s = socket.create_connection(addr, timeout=15)\n\
                t0 = time.time()\n\
                try:\n\
                \x20   data = s.recv(1)\n\
                except socket.timeout:\n\
                \x20   data = None\n\
                say('idle closed:', data == b'', 'after %.1f s' % (time.time() - t0))";
    let script = Script::new("deadline", body);
    let t = oauth2::authorize(&params(&server), &options(&script.browser(), 25)).expect("flow");
    assert!(!t.access_token.is_empty());
    let report = script.report();
    let secs: f64 = report
        .split("after ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::MAX);
    assert!(report.contains("idle closed: True"), "{report}");
    assert!((2.5..8.0).contains(&secs), "{report}");
}
