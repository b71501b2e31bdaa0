//! OAuth2 end to end against the mail server bench: a fake authorization server issues
//! access tokens through each grant (authorization code, client credentials, device code,
//! refresh) and registers them in the bench's token file (`WD_TEST_TOKENS_FILE`, read by
//! the introspection endpoint that Dovecot's oauth2 passdb asks; Postfix asks Dovecot);
//! IMAP, POP3 and SMTP sessions then log in with them over XOAUTH2 and OAUTHBEARER through
//! the C ABI: with the access token (`WD_PROP_AUTH_TOKEN`) or the token handle
//! (`WD_PROP_OAUTH_TOKEN`). A token the bench says has expired is refreshed through the
//! handle and the sign-in retried once (also on SMTP's transparent reconnect). Expired and
//! unknown tokens given as text must be refused with `WD_E_AUTH` and a message showing the
//! server's decoded challenge. The token endpoint is also reached over HTTPS, trusted
//! through `WD_OAUTH_CA_FILE` (the bench's CA and certificate).
//!
//! Needs the bench (`eval "$(scripts/mailservers env)"`); skipped with a note when
//! `WD_TEST_HOST` is unset, unless `WD_REQUIRE_SERVERS=1`.

mod support;

use std::ffi::{CStr, CString, c_char, c_void};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use support::bench::{self, var};
use support::oauth_server::{AuthServer, Behavior, DEVICE_GRANT, Issued};
use support::relay::{CutRelay, record};
use wd300com::error::WD_E;
use wd300com::ffi::errstate::{ErreurCode, ErreurInfo, WD_ERR_MESSAGE};
use wd300com::ffi::message::{EmailCree, EmailLibere, EmailModifiePropriete};
use wd300com::ffi::oauth2::*;
use wd300com::ffi::session::*;
use wd300com::ffi::smtp::EmailEnvoieMessage;
use wd300com::ffi::types::{
    WD_EMAIL_MESSAGE, WD_EMAIL_RECIPIENT, WD_EMAIL_SENDER, WD_EMAIL_SUBJECT,
};
use wd300com::oauth2::{self, Browser, Options, Params};

fn servers() -> bool {
    bench::available("OAuth2 end-to-end test")
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

static SEQ: AtomicU32 = AtomicU32::new(0);

/// Adds `token` for `user` expiring at `exp` to the bench's token file: read, merge,
/// write a temporary file and rename it over (atomic for readers). Other tests write
/// the file too, so the write is checked and repeated if another writer raced us.
fn register_token(token: &str, user: &str, exp: u64) {
    let path = var("WD_TEST_TOKENS_FILE");
    for _ in 0..50 {
        let mut map: serde_json::Map<String, serde_json::Value> = std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        // Drop this test's own long-expired entries so the shared file does not grow.
        map.retain(|k, v| {
            let ours = k.starts_with("wdtok-flow-") || k.starts_with("wdtok-expired-");
            let old = v.get("exp").and_then(|e| e.as_u64()).unwrap_or(u64::MAX) + 3600 < now();
            !(ours && old)
        });
        map.insert(
            token.to_string(),
            serde_json::json!({ "user": user, "exp": exp }),
        );
        let tmp = format!(
            "{path}.tmp.{}.{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        );
        std::fs::write(&tmp, serde_json::to_vec_pretty(&map).unwrap()).unwrap();
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o666));
        }
        std::fs::rename(&tmp, &path).unwrap();
        std::thread::sleep(Duration::from_millis(20));
        let back: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap_or_default()).unwrap_or_default();
        if back.get(token).is_some() {
            return;
        }
    }
    panic!("could not register a token in {path}");
}

fn issue_hook(i: &Issued) {
    register_token(&i.access_token, &var("WD_TEST_USER1"), i.expires_at);
}

/// A fresh token from the full authorization-code flow, registered with the bench.
fn fresh_token() -> String {
    let b = Behavior {
        on_issue: Some(issue_hook),
        ..Default::default()
    };
    let server = AuthServer::start(b);
    let p = Params {
        client_id: "wd-client".into(),
        client_secret: "s3cret".into(),
        auth_url: server.auth_url(),
        token_url: server.token_url(),
        scope: "mail".into(),
        redirect_url: "http://127.0.0.1:0/cb".into(),
        ..Default::default()
    };
    let opts = Options {
        timeout: Duration::from_secs(30),
        browser: Browser::Command("curl -s -L --max-time 20 -o /dev/null".into()),
        ca_file: None,
    };
    let t = oauth2::authorize(&p, &opts).expect("OAuth2 flow");
    assert!(t.is_valid());
    t.access_token.into_string()
}

/// Asks the bench's introspection endpoint (what Dovecot asks) about `token`.
fn introspection_active(token: &str) -> bool {
    let url = oauth2::url::Url::parse(
        &format!(
            "http://{}:{}/introspect",
            var("WD_TEST_HOST"),
            var("WD_TEST_OAUTH_PORT")
        ),
        "introspection URL",
    )
    .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let r = oauth2::http::post_form(&url, &[("token", token)], deadline, None).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    v.get("active") == Some(&serde_json::Value::Bool(true))
}

fn c(s: &str) -> CString {
    CString::new(s).unwrap()
}

fn last_message() -> String {
    // SAFETY: the library returns a NUL-terminated thread-local string.
    unsafe { CStr::from_ptr(ErreurInfo(WD_ERR_MESSAGE)) }
        .to_string_lossy()
        .into_owned()
}

/// What a session signs in with.
#[derive(Clone, Copy)]
enum Cred<'a> {
    /// The access token as text (`WD_PROP_AUTH_TOKEN`).
    Token(&'a str),
    /// A token handle (`WD_PROP_OAUTH_TOKEN`).
    Handle(WdAuthToken),
}

/// Declares a session of `kind` as alice signing in with `cred` and `method`, on the
/// bench's port (SMTP with STARTTLS), or on `plain_port` without TLS; returns its name.
fn declare(kind: i32, cred: Cred, method: i32, plain_port: Option<u16>) -> String {
    let name = format!(
        "oauth-e2e-{}-{}-{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed),
        kind
    );
    let (port, option) = match (kind, plain_port) {
        (_, Some(p)) => (p.to_string(), WD_OPTION_NONE),
        (WD_SESSION_IMAP, None) => (var("WD_TEST_IMAP_PORT"), WD_OPTION_NONE),
        (WD_SESSION_POP3, None) => (var("WD_TEST_POP3_PORT"), WD_OPTION_NONE),
        _ => (var("WD_TEST_SMTP_PORT"), WD_OPTION_SECURED_TLS),
    };
    let n = c(&name);
    let set = |prop: i32, v: &str| {
        let v = c(v);
        // SAFETY: NUL-terminated strings valid for the call.
        let r = unsafe { EmailSessionModifie(n.as_ptr(), prop, v.as_ptr()) };
        assert_eq!(r, 1, "EmailSessionModifie({prop}): {}", last_message());
    };
    // SAFETY: as above.
    assert_eq!(unsafe { EmailSessionCree(n.as_ptr(), kind) }, 1);
    set(WD_PROP_SERVER_ADDRESS, &var("WD_TEST_HOST"));
    set(WD_PROP_PORT, &port);
    set(WD_PROP_USER, &var("WD_TEST_USER1"));
    match cred {
        Cred::Token(t) => set(WD_PROP_AUTH_TOKEN, t),
        Cred::Handle(h) => set(WD_PROP_OAUTH_TOKEN, &h.0.to_string()),
    }
    set(WD_PROP_AUTH_METHOD, &method.to_string());
    set(WD_PROP_OPTION, &option.to_string());
    set(WD_PROP_CA_FILE, &var("WD_TEST_CA"));
    set(WD_PROP_TIMEOUT, "20");
    name
}

/// Opens the declared session `name`: Ok(()) or the error code and message.
fn open(name: &str) -> Result<(), (WD_E, String)> {
    let n = c(name);
    // SAFETY: NUL-terminated string valid for the call.
    if unsafe { EmailOuvreSessionDeclaree(n.as_ptr()) } == 1 {
        Ok(())
    } else {
        Err((ErreurCode(), last_message()))
    }
}

fn close(name: &str) {
    let n = c(name);
    // SAFETY: NUL-terminated string valid for the call.
    unsafe { EmailFermeSession(n.as_ptr()) };
}

/// Declares and opens a session of `kind` as alice with `cred` and `method`; returns
/// Ok(()) or the error code and message. The session is closed again.
fn open_with(kind: i32, cred: Cred, method: i32) -> Result<(), (WD_E, String)> {
    let name = declare(kind, cred, method, None);
    let r = open(&name);
    close(&name);
    r
}

fn open_with_token(kind: i32, token: &str, method: i32) -> Result<(), (WD_E, String)> {
    open_with(kind, Cred::Token(token), method)
}

/// The bench's port of `kind` without TLS (SMTP: the one taking AUTH in plain text).
fn plain_port(kind: i32) -> u16 {
    bench::port(match kind {
        WD_SESSION_IMAP => "WD_TEST_IMAP_PORT",
        WD_SESSION_POP3 => "WD_TEST_POP3_PORT",
        _ => "WD_TEST_SMTP_NOTLS_PORT",
    })
}

/// As [`open_with`] through a relay on the plain port: the result and the number of
/// sign-in commands the client sent (IMAP AUTHENTICATE, POP3 and SMTP AUTH).
fn open_counted(kind: i32, cred: Cred, method: i32) -> (Result<(), (WD_E, String)>, usize) {
    let (r, sent) = record(&var("WD_TEST_HOST"), plain_port(kind), |port| {
        let name = declare(kind, cred, method, Some(port));
        let r = open(&name);
        close(&name);
        r
    });
    (r, sign_ins(&sent))
}

fn sign_ins(client_text: &str) -> usize {
    client_text
        .lines()
        .filter(|l| l.starts_with("AUTH ") || l.split(' ').nth(1) == Some("AUTHENTICATE"))
        .count()
}

const KINDS: [(i32, &str); 3] = [
    (WD_SESSION_IMAP, "IMAP"),
    (WD_SESSION_POP3, "POP3"),
    (WD_SESSION_SMTP, "SMTP"),
];
const METHODS: [(i32, &str); 2] = [
    (WD_AUTH_XOAUTH2, "XOAUTH2"),
    (WD_AUTH_OAUTHBEARER, "OAUTHBEARER"),
];

#[test]
fn fresh_token_logs_in_to_imap_pop3_and_smtp() {
    if !servers() {
        return;
    }
    let token = fresh_token();
    assert!(
        introspection_active(&token),
        "the bench does not know the fresh token"
    );
    let mut failures = Vec::new();
    for (kind, kname) in KINDS {
        for (method, mname) in METHODS {
            if let Err((code, msg)) = open_with_token(kind, &token, method) {
                failures.push(format!("{kname} {mname}: {code:?} {msg}"));
            }
        }
    }
    assert!(failures.is_empty(), "refused:\n{}", failures.join("\n"));
}

fn assert_refused(token: &str, what: &str) {
    let mut failures = Vec::new();
    for (kind, kname) in KINDS {
        for (method, mname) in METHODS {
            match open_with_token(kind, token, method) {
                Ok(()) => failures.push(format!("{kname} {mname}: {what} token accepted")),
                Err((WD_E::Auth, msg)) => {
                    // The decoded challenge of Dovecot's oauth2 passdb: XOAUTH2 gets
                    // {"status":"401",...}, OAUTHBEARER {"status":"invalid_token"}.
                    if !msg.contains("{\"status\":") {
                        failures.push(format!(
                            "{kname} {mname}: message lacks the decoded challenge: {msg}"
                        ));
                    }
                    if msg.contains(token) {
                        failures.push(format!("{kname} {mname}: token leaked: {msg}"));
                    }
                }
                Err((code, msg)) => {
                    failures.push(format!("{kname} {mname}: {code:?} (want Auth): {msg}"))
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn expired_token_is_refused_with_the_server_challenge() {
    if !servers() {
        return;
    }
    let token = format!("wdtok-expired-{}-{}", std::process::id(), now());
    register_token(&token, &var("WD_TEST_USER1"), now() - 60);
    assert_refused(&token, "expired");
}

#[test]
fn unknown_token_is_refused_with_the_server_challenge() {
    if !servers() {
        return;
    }
    let token = format!("wdtok-unknown-{}-{}", std::process::id(), now());
    assert_refused(&token, "unknown");
}

// ----- the grants through the C ABI, the token handle linked to sessions -------------

fn set_param(p: WdOAuth2Params, prop: i32, v: &str) {
    let v = c(v);
    // SAFETY: NUL-terminated string valid for the call.
    let r = unsafe { OAuth2ParametresModifie(p, prop, v.as_ptr()) };
    assert_eq!(r, 1, "OAuth2ParametresModifie({prop}): {}", last_message());
}

/// C parameters for `grant` at `server` (the device endpoint as WD_OAUTH_AUTH_URL).
fn c_params(server: &AuthServer, grant: &str) -> WdOAuth2Params {
    let p = OAuth2ParametresCree();
    assert!(p.0 > 0);
    set_param(p, WD_OAUTH_CLIENT_ID, "wd-client");
    set_param(p, WD_OAUTH_CLIENT_SECRET, "s3cret");
    set_param(p, WD_OAUTH_AUTH_URL, &server.device_url());
    set_param(p, WD_OAUTH_TOKEN_URL, &server.token_url());
    set_param(p, WD_OAUTH_SCOPE, "mail");
    set_param(p, WD_OAUTH_GRANT_TYPE, grant);
    p
}

fn token_value(t: WdAuthToken, prop: i32) -> String {
    let ptr = AuthTokenPropriete(t, prop);
    assert!(!ptr.is_null(), "AuthTokenPropriete: {}", last_message());
    // SAFETY: a NUL-terminated string owned by the token.
    unsafe { CStr::from_ptr(ptr) }.to_str().unwrap().to_string()
}

/// The prompt callback of the device tests: the user (this test) approves the code at the
/// fake server `user_data` points to.
unsafe extern "C" fn approve(_uri: *const c_char, code: *const c_char, user_data: *mut c_void) {
    // SAFETY: user_data is the &AuthServer given to AuthInviteFonction, alive for the
    // flow; code is a NUL-terminated string valid during the call.
    let (server, code) = unsafe { (&*(user_data as *const AuthServer), CStr::from_ptr(code)) };
    // No panic may cross the C boundary: a code not approved shows as a failed flow.
    let _ = server.approve(code.to_str().unwrap_or(""));
}

/// The prompt callback is one for the process: the device tests take turns.
static PROMPT: Mutex<()> = Mutex::new(());

/// A token from the device flow through `AuthIdentifie`, approved by the prompt callback.
fn device_token(server: &AuthServer) -> WdAuthToken {
    let _turn = PROMPT.lock().unwrap_or_else(|e| e.into_inner());
    let p = c_params(server, DEVICE_GRANT);
    // SAFETY: `approve` fits the prompt contract; the server outlives the flow.
    let r =
        unsafe { AuthInviteFonction(Some(approve), server as *const AuthServer as *mut c_void) };
    assert_eq!(r, 1);
    let t = AuthIdentifie(p);
    // SAFETY: NULL removes the callback.
    unsafe { AuthInviteFonction(None, std::ptr::null_mut()) };
    assert!(t.0 > 0, "device flow: {}", last_message());
    assert_eq!(OAuth2Libere(p.0), 1);
    t
}

fn client_credentials_token(server: &AuthServer) -> WdAuthToken {
    let p = c_params(server, "client_credentials");
    let t = AuthIdentifie(p);
    assert!(t.0 > 0, "client credentials: {}", last_message());
    assert_eq!(OAuth2Libere(p.0), 1);
    t
}

fn registering_server() -> AuthServer {
    AuthServer::start(Behavior {
        on_issue: Some(issue_hook),
        ..Default::default()
    })
}

/// A fake authorization server registering its tokens with the bench, and a token from
/// its device flow; `None` (skip) without the bench.
fn device_setup() -> Option<(AuthServer, WdAuthToken)> {
    servers().then(|| {
        let server = registering_server();
        let t = device_token(&server);
        (server, t)
    })
}

/// Every protocol × mechanism signing in with `cred`: the failures, one line each.
fn failures(cred: Cred, what: &str) -> Vec<String> {
    let mut failures = Vec::new();
    for (kind, kname) in KINDS {
        for (method, mname) in METHODS {
            if let Err((code, msg)) = open_with(kind, cred, method) {
                failures.push(format!("{what}: {kname} {mname}: {code:?} {msg}"));
            }
        }
    }
    failures
}

#[test]
fn each_grant_signs_in_to_imap_pop3_and_smtp_with_both_mechanisms() {
    if !servers() {
        return;
    }
    let server = registering_server();
    let cc = client_credentials_token(&server);
    let device = device_token(&server);
    // The refresh grant, on the device token (which has a refresh token).
    let refreshed = AuthRafraichitToken(device, WdOAuth2Params(0));
    assert!(refreshed.0 > 0, "refresh: {}", last_message());
    assert_eq!(server.issued("client_credentials"), 1);
    assert_eq!(server.issued(DEVICE_GRANT), 1);
    assert_eq!(server.issued("refresh_token"), 1);
    let mut failed = Vec::new();
    for (t, what) in [
        (cc, "client_credentials"),
        (device, "device_code"),
        (refreshed, "refresh_token"),
    ] {
        let value = token_value(t, WD_TOKEN_VALUE);
        assert!(introspection_active(&value), "{what}: unknown to the bench");
        // Through the handle, and as text.
        failed.extend(failures(Cred::Handle(t), what));
        failed.extend(failures(Cred::Token(&value), what));
        // Valid tokens were never renewed.
        assert_eq!(token_value(t, WD_TOKEN_VALUE), value, "{what}");
    }
    assert_eq!(server.issued("refresh_token"), 1);
    assert!(failed.is_empty(), "refused:\n{}", failed.join("\n"));
    for t in [cc, device, refreshed] {
        assert_eq!(OAuth2Libere(t.0), 1);
    }
}

#[test]
fn a_token_the_server_refuses_is_refreshed_and_the_sign_in_retried_once() {
    let Some((server, t)) = device_setup() else {
        return;
    };
    let mut failed = Vec::new();
    for (kind, kname) in KINDS {
        for (method, mname) in METHODS {
            // The bench now says the token has expired; the token itself does not know.
            let before = token_value(t, WD_TOKEN_VALUE);
            register_token(&before, &var("WD_TEST_USER1"), now() - 60);
            assert_eq!(token_value(t, WD_TOKEN_VALID), "1");
            let refreshes = server.issued("refresh_token");
            let (r, sign_ins) = open_counted(kind, Cred::Handle(t), method);
            let after = token_value(t, WD_TOKEN_VALUE);
            let what = format!("{kname} {mname}");
            if let Err((code, msg)) = r {
                failed.push(format!("{what}: {code:?} {msg}"));
            }
            if after == before {
                failed.push(format!("{what}: the token was not renewed in place"));
            }
            if server.issued("refresh_token") != refreshes + 1 {
                failed.push(format!("{what}: not exactly one refresh"));
            }
            if sign_ins != 2 {
                failed.push(format!("{what}: {sign_ins} sign-in commands, want 2"));
            }
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
    assert_eq!(OAuth2Libere(t.0), 1);
}

/// Registers every refreshed token as expired: the bench refuses it too.
fn refreshed_tokens_refused(i: &Issued) {
    let exp = if i.grant == "refresh_token" {
        now() - 60
    } else {
        i.expires_at
    };
    register_token(&i.access_token, &var("WD_TEST_USER1"), exp);
}

#[test]
fn a_refreshed_token_refused_again_is_not_retried_a_second_time() {
    let Some((server, t)) = device_setup() else {
        return;
    };
    server.set_on_issue(Some(refreshed_tokens_refused));
    let mut failed = Vec::new();
    for (kind, kname) in KINDS {
        let before = token_value(t, WD_TOKEN_VALUE);
        register_token(&before, &var("WD_TEST_USER1"), now() - 60);
        let refreshes = server.issued("refresh_token");
        // Forced XOAUTH2: two sign-ins; automatic: both mechanisms, twice.
        for (method, want) in [(WD_AUTH_XOAUTH2, 2), (WD_AUTH_AUTO, 4)] {
            let (r, sign_ins) = open_counted(kind, Cred::Handle(t), method);
            match r {
                Err((WD_E::Auth, msg)) if msg.contains("{\"status\":") => {}
                other => failed.push(format!("{kname} {method}: {other:?} (want Auth)")),
            }
            if sign_ins != want {
                failed.push(format!(
                    "{kname} {method}: {sign_ins} sign-ins, want {want}"
                ));
            }
        }
        // One refresh per sign-in: each open renewed the token once.
        if server.issued("refresh_token") != refreshes + 2 {
            failed.push(format!("{kname}: not one refresh per open"));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
    assert_eq!(OAuth2Libere(t.0), 1);
}

/// Registers every token for an hour, whatever its own lifetime.
fn registered_for_an_hour(i: &Issued) {
    register_token(&i.access_token, &var("WD_TEST_USER1"), now() + 3600);
}

/// An expired token with its refresh token: renewed before the sign-in, not after a
/// refusal.
#[test]
fn a_token_known_to_have_expired_is_renewed_before_signing_in() {
    if !servers() {
        return;
    }
    // Tokens that expire at once, yet the bench knows them for an hour.
    let server = AuthServer::start(Behavior {
        on_issue: Some(registered_for_an_hour),
        expires_in: 0,
        ..Default::default()
    });
    let t = device_token(&server);
    assert_eq!(token_value(t, WD_TOKEN_VALID), "0");
    let before = token_value(t, WD_TOKEN_VALUE);
    let (r, sign_ins) = open_counted(WD_SESSION_IMAP, Cred::Handle(t), WD_AUTH_OAUTHBEARER);
    assert!(r.is_ok(), "{r:?}");
    // One sign-in, with the renewed token.
    assert_eq!(sign_ins, 1);
    assert_eq!(server.issued("refresh_token"), 1);
    assert_ne!(token_value(t, WD_TOKEN_VALUE), before);
    assert_eq!(OAuth2Libere(t.0), 1);
}

#[test]
fn smtp_reconnecting_after_a_cut_refreshes_the_refused_token() {
    let Some((server, t)) = device_setup() else {
        return;
    };
    let relay = CutRelay::start(&var("WD_TEST_HOST"), plain_port(WD_SESSION_SMTP));
    let name = declare(
        WD_SESSION_SMTP,
        Cred::Handle(t),
        WD_AUTH_XOAUTH2,
        Some(relay.port()),
    );
    open(&name).expect("SMTP open");
    assert_eq!(sign_ins(&relay.client_text()), 1);
    // The server drops the connection and now refuses the token.
    let before = token_value(t, WD_TOKEN_VALUE);
    register_token(&before, &var("WD_TEST_USER1"), now() - 60);
    relay.cut();
    let m = EmailCree();
    let set = |prop: i32, v: &str| {
        let v = c(v);
        // SAFETY: valid handle and NUL-terminated string.
        assert_eq!(unsafe { EmailModifiePropriete(m, prop, 0, v.as_ptr()) }, 1);
    };
    let user = var("WD_TEST_USER1");
    set(WD_EMAIL_SENDER, &user);
    set(WD_EMAIL_RECIPIENT, &user);
    set(
        WD_EMAIL_SUBJECT,
        "sent after a reconnect with a refreshed token",
    );
    set(WD_EMAIL_MESSAGE, "hello");
    let n = c(&name);
    // SAFETY: NUL-terminated name, valid message handle.
    let sent = unsafe { EmailEnvoieMessage(n.as_ptr(), m, 0) };
    let err = last_message();
    close(&name);
    assert_eq!(EmailLibere(m), 1);
    assert_eq!(sent, 1, "send after the reconnect: {err}");
    assert_eq!(relay.connections(), 2);
    // Signed in once, then twice on the new connection (refused, refreshed, accepted).
    assert_eq!(sign_ins(&relay.client_text()), 3);
    assert_eq!(server.issued("refresh_token"), 1);
    assert_ne!(token_value(t, WD_TOKEN_VALUE), before);
    assert_eq!(OAuth2Libere(t.0), 1);
}

// ----- HTTPS token endpoint ----------------------------------------------------------

/// The bench's certificate for localhost and its key.
fn bench_identity() -> native_tls::Identity {
    let dir = std::path::PathBuf::from(var("WD_BENCH_DIR")).join("tls");
    let cert = std::fs::read(dir.join("server.pem")).expect("bench certificate");
    let key = std::fs::read(dir.join("server.key")).expect("bench key");
    native_tls::Identity::from_pkcs8(&cert, &key).expect("bench identity")
}

#[test]
fn https_token_endpoint_trusted_through_the_ca_file() {
    if !servers() {
        return;
    }
    let b = Behavior {
        on_issue: Some(issue_hook),
        ..Default::default()
    };
    let server = AuthServer::start_tls(b, bench_identity());
    assert!(server.token_url().starts_with("https://localhost:"));
    // Without the CA: the certificate is not trusted, nothing is issued.
    let p = c_params(&server, "client_credentials");
    assert_eq!(AuthIdentifie(p).0, 0);
    assert_eq!(ErreurCode(), WD_E::Tls, "{}", last_message());
    assert_eq!(server.issued("client_credentials"), 0);
    // With WD_OAUTH_CA_FILE: issued over TLS, and accepted by the mail servers.
    set_param(p, WD_OAUTH_CA_FILE, &var("WD_TEST_CA"));
    let t = AuthIdentifie(p);
    assert!(t.0 > 0, "over https: {}", last_message());
    assert_eq!(server.issued("client_credentials"), 1);
    let failed = failures(Cred::Handle(t), "https client_credentials");
    assert!(failed.is_empty(), "refused:\n{}", failed.join("\n"));
    // The remembered parameters (with the CA) renew it over TLS too.
    let t2 = AuthRafraichitToken(t, WdOAuth2Params(0));
    assert!(t2.0 > 0, "renewal over https: {}", last_message());
    assert_eq!(server.issued("client_credentials"), 2);
    for h in [t.0, t2.0, p.0] {
        assert_eq!(OAuth2Libere(h), 1);
    }
}
