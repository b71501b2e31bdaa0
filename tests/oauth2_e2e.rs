//! OAuth2 end to end against the mail server bench: a fake authorization server issues a
//! fresh access token through the real authorization-code flow and registers it in the
//! bench's token file (`WD_TEST_TOKENS_FILE`, read by the introspection endpoint that
//! Dovecot's oauth2 passdb asks); IMAP, POP3 and SMTP sessions then log in with it over
//! XOAUTH2 and OAUTHBEARER through the C ABI session functions. Expired and unknown tokens
//! must be refused with `WD_E_AUTH` and a message showing the server's decoded challenge.
//!
//! Needs the bench (`eval "$(scripts/mailservers env)"`); skipped with a note when
//! `WD_TEST_HOST` is unset, unless `WD_REQUIRE_SERVERS=1`.

mod support;

use std::ffi::{CStr, CString};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use support::bench::{self, var};
use support::oauth_server::{AuthServer, Behavior};
use wd300com::error::WD_E;
use wd300com::ffi::errstate::{ErreurCode, ErreurInfo, WD_ERR_MESSAGE};
use wd300com::ffi::session::*;
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

fn issue_hook(token: &str, exp: u64) {
    register_token(token, &var("WD_TEST_USER1"), exp);
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
        response_type: String::new(),
    };
    let opts = Options {
        timeout: Duration::from_secs(30),
        browser: Browser::Command("curl -s -L --max-time 20 -o /dev/null".into()),
        ca_file: None,
    };
    let t = oauth2::authorize(&p, &opts).expect("OAuth2 flow");
    assert!(t.is_valid());
    t.access_token
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

/// Declares and opens a session of `kind` as alice with `token` and `method`; returns
/// Ok(()) or the error code and message. The session is closed again.
fn open_with_token(kind: i32, token: &str, method: i32) -> Result<(), (WD_E, String)> {
    let name = format!(
        "oauth-e2e-{}-{}-{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed),
        kind
    );
    let (port, option) = match kind {
        WD_SESSION_IMAP => (var("WD_TEST_IMAP_PORT"), WD_OPTION_NONE),
        WD_SESSION_POP3 => (var("WD_TEST_POP3_PORT"), WD_OPTION_NONE),
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
    set(WD_PROP_AUTH_TOKEN, token);
    set(WD_PROP_AUTH_METHOD, &method.to_string());
    set(WD_PROP_OPTION, &option.to_string());
    set(WD_PROP_CA_FILE, &var("WD_TEST_CA"));
    set(WD_PROP_TIMEOUT, "20");
    // SAFETY: as above.
    let ok = unsafe { EmailOuvreSessionDeclaree(n.as_ptr()) };
    let r = if ok == 1 {
        Ok(())
    } else {
        Err((ErreurCode(), last_message()))
    };
    // SAFETY: as above.
    unsafe { EmailFermeSession(n.as_ptr()) };
    r
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
