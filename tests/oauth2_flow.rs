//! The OAuth2 grants against a fake authorization server on loopback: the
//! authorization-code flow with curl as the "browser" (it follows the 302 to our redirect
//! listener), client credentials, the device flow (the prompt approves or denies through
//! the fake server), refresh and renewal, additional parameters.
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
        ..Default::default()
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
    p.client_secret.text_mut().clear();
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
    bad.refresh_token.text_mut().clear();
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

// ----- client credentials, device code, additional parameters, renewal ---------------

use std::cell::RefCell;
use support::oauth_server::DEVICE_GRANT;

/// Parameters for `grant` at `server` (no browser, no redirect).
fn grant_params(server: &AuthServer, grant: &str) -> Params {
    Params {
        grant_type: grant.into(),
        auth_url: server.device_url(),
        redirect_url: String::new(),
        response_type: String::new(),
        ..params(server)
    }
}

#[test]
fn client_credentials_grant_with_additional_parameters() {
    let server = AuthServer::start(Behavior::default());
    let mut p = grant_params(&server, "client_credentials");
    p.additional_parameters = "audience=https%3A%2F%2Fmail.example&tenant=wd".into();
    let t = oauth2::identify(&p, &options("false", 10), None).expect("client credentials");
    assert!(t.access_token.starts_with("wdtok-flow-"), "{t:?}");
    // RFC 6749 §4.4.3: no refresh token for client credentials.
    assert_eq!(t.refresh_token, "");
    assert!(t.is_valid());
    assert_eq!(server.log(), ["POST /token client_credentials"]);
    let sent = &server.params_of("/token")[0];
    assert_eq!(sent["client_id"], "wd-client");
    assert_eq!(sent["client_secret"], "s3cret");
    assert_eq!(sent["scope"], "mail offline_access");
    assert_eq!(sent["audience"], "https://mail.example");
    assert_eq!(sent["tenant"], "wd");
    // Renewing a token without refresh token runs the grant again.
    let t2 = oauth2::renew(&t, &p, &options("false", 10)).expect("renew");
    assert_ne!(t2.access_token, t.access_token);
    assert_eq!(server.issued("client_credentials"), 2);
}

#[test]
fn client_credentials_refusals() {
    let server = AuthServer::start(Behavior::default());
    let mut p = grant_params(&server, "client_credentials");
    p.client_secret = "wrong".into();
    let e = oauth2::identify(&p, &options("false", 10), None).unwrap_err();
    assert_eq!(e.code, WD_E::Auth);
    assert!(e.message.contains("invalid_client"), "{}", e.message);
    assert!(!e.message.contains("wrong"), "secret leaked: {}", e.message);
    // No secret: refused before any request.
    p.client_secret.text_mut().clear();
    let e = oauth2::identify(&p, &options("false", 10), None).unwrap_err();
    assert_eq!(e.code, WD_E::InvalidArgument);
    assert!(
        e.message.contains("WD_OAUTH_CLIENT_SECRET"),
        "{}",
        e.message
    );
    assert_eq!(server.log().len(), 1);
}

#[test]
fn unknown_grant_type_and_reserved_additional_parameters_send_nothing() {
    let server = AuthServer::start(Behavior::default());
    let p = grant_params(&server, "password");
    let e = oauth2::identify(&p, &options(CURL, 5), None).unwrap_err();
    assert_eq!(e.code, WD_E::NotSupported);
    assert!(e.message.contains("WD_OAUTH_GRANT_TYPE"), "{}", e.message);
    for grant in ["", "client_credentials", DEVICE_GRANT] {
        let mut p = grant_params(&server, grant);
        p.redirect_url = "http://127.0.0.1:0/callback".into();
        p.auth_url = if grant.is_empty() {
            server.auth_url()
        } else {
            server.device_url()
        };
        p.additional_parameters = "prompt=consent&state=forged".into();
        let e = oauth2::identify(&p, &options(CURL, 5), None).unwrap_err();
        assert_eq!(e.code, WD_E::InvalidArgument, "{grant}: {e:?}");
        assert!(e.message.contains("\"state\""), "{}", e.message);
    }
    assert!(server.log().is_empty(), "{:?}", server.log());
}

#[test]
fn additional_parameters_reach_the_authorization_request() {
    let server = AuthServer::start(Behavior::default());
    let mut p = params(&server);
    p.additional_parameters = "access_type=offline&prompt=select+account".into();
    oauth2::authorize(&p, &options(CURL, 20)).expect("flow");
    let q = &server.params_of("/authorize")[0];
    assert_eq!(q["access_type"], "offline");
    assert_eq!(q["prompt"], "select account");
    assert_eq!(q["response_type"], "code");
    // Not repeated in the code exchange.
    assert!(!server.params_of("/token")[0].contains_key("access_type"));
}

/// Runs the device flow on `server`; `answer` is what the user does with the user code
/// (called from the prompt). Returns the result and what the prompt was shown.
fn device_flow(
    server: &AuthServer,
    secs: u64,
    answer: impl Fn(&AuthServer, &str),
) -> (
    wd300com::error::Result<oauth2::Token>,
    Vec<(String, String)>,
) {
    let shown = RefCell::new(Vec::new());
    let mut p = grant_params(server, DEVICE_GRANT);
    p.additional_parameters = "login_hint=alice%40wd.test".into();
    let prompt = |uri: &str, code: &str| {
        shown.borrow_mut().push((uri.to_string(), code.to_string()));
        answer(server, code);
    };
    let r = oauth2::identify(&p, &options("false", secs), Some(&prompt));
    (r, shown.into_inner())
}

#[test]
fn device_flow_polls_until_the_user_approves() {
    let server = std::sync::Arc::new(AuthServer::start(Behavior::default()));
    // The user approves once the client has polled and been told to wait.
    let waiter = server.clone();
    let (r, shown) = device_flow(&server, 30, move |_, code| {
        let (server, code) = (waiter.clone(), code.to_string());
        std::thread::spawn(move || {
            let t0 = Instant::now();
            while server.polls().is_empty() && t0.elapsed() < Duration::from_secs(20) {
                std::thread::sleep(Duration::from_millis(20));
            }
            assert!(server.approve(&code));
        });
    });
    let t = r.expect("device flow");
    assert!(t.access_token.starts_with("wdtok-flow-"));
    assert!(t.refresh_token.starts_with("refresh-"));
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].0, server.verification_url());
    assert!(shown[0].1.starts_with("WD"), "{shown:?}");
    // Polled at the interval: never told to slow down.
    assert_eq!(server.polls(), ["authorization_pending", "issued"]);
    let asked = &server.params_of("/device")[0];
    assert_eq!(asked["client_id"], "wd-client");
    assert_eq!(asked["scope"], "mail offline_access");
    assert_eq!(asked["login_hint"], "alice@wd.test");
    let poll = &server.params_of("/token")[0];
    assert_eq!(poll["grant_type"], DEVICE_GRANT);
    assert!(!poll.contains_key("login_hint"));
}

#[test]
fn device_flow_slows_down_when_asked() {
    let b = Behavior {
        slow_down_first_poll: true,
        ..Default::default()
    };
    let server = AuthServer::start(b);
    let t0 = Instant::now();
    let (r, _) = device_flow(&server, 30, |s, code| assert!(s.approve(code)));
    r.expect("device flow");
    // The fake answers slow_down again to a poll sooner than 1 + 5 s after the first:
    // one slow_down only means the client waited.
    assert_eq!(server.polls(), ["slow_down", "issued"]);
    assert!(t0.elapsed() >= Duration::from_secs(6));
}

#[test]
fn device_flow_refused_by_the_user() {
    let server = AuthServer::start(Behavior::default());
    let (r, shown) = device_flow(&server, 30, |s, code| assert!(s.deny(code)));
    let e = r.unwrap_err();
    assert_eq!(e.code, WD_E::Auth);
    assert!(
        e.message.contains("refused the sign-in (access_denied"),
        "{}",
        e.message
    );
    assert_eq!(shown.len(), 1);
    assert_eq!(server.polls(), ["access_denied"]);
}

#[test]
fn device_flow_ends_when_the_code_expires_or_the_flow_times_out() {
    let b = Behavior {
        device_expires_in: 2,
        ..Default::default()
    };
    let server = AuthServer::start(b);
    let (r, _) = device_flow(&server, 30, |_, _| {});
    let e = r.unwrap_err();
    assert_eq!(e.code, WD_E::Timeout);
    assert!(e.message.contains("expired"), "{}", e.message);
    let server = AuthServer::start(Behavior::default());
    let t0 = Instant::now();
    let (r, _) = device_flow(&server, 2, |_, _| {});
    let e = r.unwrap_err();
    assert_eq!(e.code, WD_E::Timeout);
    assert!(e.message.contains("in time"), "{}", e.message);
    assert!(t0.elapsed() < Duration::from_secs(10));
}

#[test]
fn device_flow_needs_a_secure_device_endpoint() {
    let server = AuthServer::start(Behavior::default());
    let mut p = grant_params(&server, DEVICE_GRANT);
    p.auth_url = "http://auth.example.com/device".into();
    let e = oauth2::identify(&p, &options("false", 5), None).unwrap_err();
    assert_eq!(e.code, WD_E::InvalidArgument);
    assert!(e.message.contains("WD_OAUTH_AUTH_URL"), "{}", e.message);
    assert!(server.log().is_empty());
}

/// The device flow's prompt through the C ABI: approves the code at the fake server
/// `user_data` points to.
unsafe extern "C" fn approve_code(
    _uri: *const std::ffi::c_char,
    code: *const std::ffi::c_char,
    user_data: *mut std::ffi::c_void,
) {
    // SAFETY: user_data is the &AuthServer given with the callback, alive for the flow;
    // code is a NUL-terminated string valid during the call.
    let (server, code) = unsafe {
        (
            &*(user_data as *const AuthServer),
            std::ffi::CStr::from_ptr(code),
        )
    };
    let _ = server.approve(code.to_str().unwrap_or(""));
}

/// `AuthVerifieAuthentification` through the C ABI: a valid token is left alone, an
/// expired one renewed in place (the strings handed out before stay readable), a failed
/// renewal is an error, a token that cannot be renewed is 0 without error.
#[test]
fn c_abi_device_flow_then_verify_renews_in_place() {
    use std::ffi::{CStr, CString};
    use wd300com::ffi::errstate::{ErreurCode, ErreurDetectee};
    use wd300com::ffi::oauth2::*;
    // Tokens born expired.
    let server = AuthServer::start(Behavior {
        expires_in: 0,
        ..Default::default()
    });
    let p = OAuth2ParametresCree();
    let set = |p: WdOAuth2Params, prop: i32, v: &str| {
        let c = CString::new(v).unwrap();
        // SAFETY: valid handle and NUL-terminated string.
        assert_eq!(unsafe { OAuth2ParametresModifie(p, prop, c.as_ptr()) }, 1);
    };
    set(p, WD_OAUTH_CLIENT_ID, "wd-client");
    set(p, WD_OAUTH_CLIENT_SECRET, "s3cret");
    set(p, WD_OAUTH_AUTH_URL, &server.device_url());
    set(p, WD_OAUTH_TOKEN_URL, &server.token_url());
    set(p, WD_OAUTH_GRANT_TYPE, DEVICE_GRANT);
    let read = |t: WdAuthToken, prop: i32| -> String {
        let ptr = AuthTokenPropriete(t, prop);
        assert!(!ptr.is_null());
        // SAFETY: a NUL-terminated string owned by the token.
        unsafe { CStr::from_ptr(ptr) }.to_str().unwrap().to_string()
    };
    // SAFETY: approve_code fits the prompt contract; the server outlives the flow.
    let r = unsafe {
        AuthPromptCallback(
            Some(approve_code),
            &server as *const AuthServer as *mut std::ffi::c_void,
        )
    };
    assert_eq!(r, 1);
    let t = AuthIdentify(p);
    // SAFETY: NULL removes the callback.
    unsafe { AuthInviteFonction(None, std::ptr::null_mut()) };
    assert!(t.0 > 0, "device flow failed");
    assert_eq!(ErreurDetectee(), 0);
    assert_eq!(read(t, WD_TOKEN_VALID), "0");
    let old_ptr = AuthTokenPropriete(t, WD_TOKEN_VALUE);
    let old = read(t, WD_TOKEN_VALUE);
    // Renewed in place with the remembered parameters; from now on tokens live an hour.
    server.set_expires_in(3600);
    assert_eq!(AuthVerifieAuthentification(t, WdOAuth2Params(0)), 1);
    assert_eq!(ErreurDetectee(), 0);
    assert_eq!(server.issued("refresh_token"), 1);
    let new = read(t, WD_TOKEN_VALUE);
    assert_ne!(new, old);
    assert_eq!(read(t, WD_TOKEN_VALID), "1");
    // SAFETY: strings handed out before the renewal live until the token is freed.
    assert_eq!(unsafe { CStr::from_ptr(old_ptr) }.to_str().unwrap(), old);
    // Valid: no request.
    assert_eq!(AuthVerifyAuthentication(t, p), 1);
    assert_eq!(server.issued("refresh_token"), 1);
    // A renewal the server refuses: 0 with its error, the token unchanged.
    server.set_expires_in(0);
    let t2 = AuthRafraichitToken(t, WdOAuth2Params(0));
    assert!(t2.0 > 0);
    server.set_token_mode(TokenMode::Error400);
    assert_eq!(AuthVerifieAuthentification(t2, p), 0);
    assert_eq!(ErreurCode(), WD_E::Auth);
    assert_eq!(read(t2, WD_TOKEN_VALID), "0");
    // Without a refresh token and not from client credentials: 0 and no error.
    let cc = OAuth2ParametresCree();
    set(cc, WD_OAUTH_CLIENT_ID, "wd-client");
    set(cc, WD_OAUTH_CLIENT_SECRET, "s3cret");
    set(cc, WD_OAUTH_TOKEN_URL, &server.token_url());
    set(cc, WD_OAUTH_GRANT_TYPE, "client_credentials");
    server.set_token_mode(TokenMode::Issue);
    let t3 = AuthIdentifie(cc);
    assert!(t3.0 > 0);
    assert_eq!(read(t3, WD_TOKEN_REFRESH), "");
    assert_eq!(AuthVerifieAuthentification(t3, p), 0);
    assert_eq!(ErreurDetectee(), 0);
    // With its own (client-credentials) parameters it is renewed: the grant runs again.
    assert_eq!(AuthVerifieAuthentification(t3, WdOAuth2Params(0)), 1);
    assert_eq!(server.issued("client_credentials"), 2);
    // Stale handles.
    assert_eq!(OAuth2Libere(t3.0), 1);
    assert_eq!(AuthVerifieAuthentification(t3, p), 0);
    assert_eq!(ErreurCode(), WD_E::InvalidHandle);
    for h in [t.0, t2.0, p.0, cc.0] {
        assert_eq!(OAuth2Libere(h), 1);
    }
}
