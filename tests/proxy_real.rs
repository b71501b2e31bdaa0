//! Proxies against the bench (`scripts/mailservers`): Dante (SOCKS5, without and with
//! user/password) and tinyproxy (HTTP CONNECT with Basic sign-in), in front of the real
//! Dovecot and Postfix, on the three protocols; the token endpoint through both kinds
//! (`ALL_PROXY`, `http_proxy`, `NO_PROXY`, in a child process that owns its
//! environment); and each proxy's refusals as the user reads them.
//!
//! Each success also checks the proxy's own log: it relayed a connection to that port.

mod support;

use std::process::Command;
use std::time::{Duration, Instant};
use support::bench::{Bench, port, var};
use wd300com::error::{Error, WD_E};
use wd300com::registry;
use wd300com::session::{Property, Security, SessionConfig, SessionKind};
use wd300com::smtp::SmtpClient;

struct Proxies {
    bench: Bench,
    socks: u16,
    socks_auth: u16,
    http: u16,
    user: String,
    pass: String,
    logs: String,
}

fn proxies(what: &str) -> Option<Proxies> {
    let bench = Bench::load(what)?;
    Some(Proxies {
        bench,
        socks: port("WD_TEST_SOCKS_PORT"),
        socks_auth: port("WD_TEST_SOCKS_AUTH_PORT"),
        http: port("WD_TEST_HTTP_PROXY_PORT"),
        user: var("WD_TEST_PROXY_USER"),
        pass: var("WD_TEST_PROXY_PASS"),
        logs: var("WD_TEST_PROXY_LOG_DIR"),
    })
}

/// A proxy of the bench and the log where it notes each connection it opens.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Socks5,
    Socks5h,
    Socks5Auth,
    HttpAuth,
}

impl Proxies {
    fn url(&self, kind: Kind) -> String {
        let (u, p) = (&self.user, &self.pass);
        match kind {
            Kind::Socks5 => format!("socks5://127.0.0.1:{}", self.socks),
            Kind::Socks5h => format!("socks5h://127.0.0.1:{}", self.socks),
            Kind::Socks5Auth => format!("socks5://{u}:{p}@127.0.0.1:{}", self.socks_auth),
            Kind::HttpAuth => format!("http://{u}:{p}@127.0.0.1:{}", self.http),
        }
    }

    fn log(&self, kind: Kind) -> String {
        let name = match kind {
            Kind::Socks5 | Kind::Socks5h => "danted.log",
            Kind::Socks5Auth => "danted-auth.log",
            Kind::HttpAuth => "tinyproxy.log",
        };
        format!("{}/{name}", self.logs)
    }

    /// How many connections to `port` the proxy's log notes.
    fn relayed(&self, kind: Kind, port: u16) -> usize {
        let text = std::fs::read_to_string(self.log(kind)).unwrap_or_default();
        let (marker, dest) = match kind {
            Kind::HttpAuth => ("opensock: opening connection to", format!(":{port}")),
            _ => ("tcp/connect [", format!(".{port}")),
        };
        text.lines()
            .filter(|l| l.contains(marker) && l.trim_end().ends_with(&dest))
            .count()
    }

    /// A session of `kind` as alice, through `proxy` (the property as text).
    fn cfg(&self, kind: SessionKind, security: Security, proxy: &str) -> SessionConfig {
        let b = &self.bench;
        let mut c = SessionConfig::new(kind);
        c.host = b.host.clone();
        c.port = match (kind, security) {
            (SessionKind::Pop3, Security::Implicit) => b.pop3s,
            (SessionKind::Pop3, _) => b.pop3,
            (SessionKind::Imap, Security::Implicit) => b.imaps,
            (SessionKind::Imap, _) => b.imap,
            (SessionKind::Smtp, Security::Implicit) => b.smtps,
            (SessionKind::Smtp, _) => b.smtp,
        };
        c.security = security;
        c.ca_file = Some(b.ca.clone());
        c.user = var("WD_TEST_USER1");
        c.password = Some(var("WD_TEST_PASS1"));
        c.timeout = Some(20);
        c.set_property(Property::Proxy as i32, proxy).unwrap();
        c
    }
}

/// Opens (and signs in) a session of `c`'s kind, then closes it.
fn open(c: &SessionConfig) -> Result<(), Error> {
    use wd300com::session::Outgoing;
    match c.kind {
        SessionKind::Smtp => SmtpClient::connect(c, 600)?.close(Duration::from_secs(5)),
        _ => registry::open_incoming(c, 600)?.close(),
    }
}

/// Every protocol through proxy `kind`, signed in, with the security of each protocol
/// varied (plain, implicit TLS, STARTTLS) and a name the proxy resolves for socks5h.
fn three_protocols(kind: Kind) {
    let Some(p) = proxies("proxy tests") else {
        return;
    };
    let cases = [
        (SessionKind::Pop3, Security::None),
        (SessionKind::Imap, Security::Implicit),
        (SessionKind::Smtp, Security::StartTls),
        (SessionKind::Imap, Security::StartTls),
        (SessionKind::Pop3, Security::Implicit),
        (SessionKind::Smtp, Security::None),
    ];
    for (proto, security) in cases {
        let mut c = p.cfg(proto, security, &p.url(kind));
        if kind == Kind::Socks5h {
            // Resolved by the proxy; the certificate holds this name too.
            c.host = p.bench.tls_name.clone();
        }
        let before = p.relayed(kind, c.port);
        let t0 = Instant::now();
        open(&c).unwrap_or_else(|e| panic!("{kind:?} {proto:?} {security:?}: {}", e.message));
        eprintln!(
            "{kind:?} {proto:?} {security:?}: signed in, {:?}",
            t0.elapsed()
        );
        let deadline = Instant::now() + Duration::from_secs(5);
        while p.relayed(kind, c.port) <= before && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(
            p.relayed(kind, c.port) > before,
            "{kind:?}: {} notes no connection to port {}",
            p.log(kind),
            c.port
        );
    }
}

#[test]
fn socks5_without_authentication_on_three_protocols() {
    three_protocols(Kind::Socks5);
}

#[test]
fn socks5h_resolves_at_the_proxy_on_three_protocols() {
    three_protocols(Kind::Socks5h);
}

#[test]
fn socks5_with_user_and_password_on_three_protocols() {
    three_protocols(Kind::Socks5Auth);
}

#[test]
fn http_connect_with_basic_authentication_on_three_protocols() {
    three_protocols(Kind::HttpAuth);
}

/// What the user reads when a proxy says no: `WD_E_CONNECT`, the proxy's reply as the
/// system message.
#[test]
fn refusals_by_the_real_proxies() {
    let Some(p) = proxies("proxy refusal tests") else {
        return;
    };
    let imap = |proxy: &str| {
        let c = p.cfg(SessionKind::Imap, Security::None, proxy);
        let e = open(&c).expect_err("must fail");
        eprintln!(
            "{proxy}: {} | {}",
            e.message,
            e.system.as_deref().unwrap_or("")
        );
        assert_eq!(e.code, WD_E::Connect, "{}", e.message);
        e
    };
    let (u, s, a, h) = (&p.user, p.socks, p.socks_auth, p.http);
    let e = imap(&format!("socks5://{u}:wrong@127.0.0.1:{a}"));
    assert_eq!(
        e.message,
        format!("the SOCKS5 proxy 127.0.0.1:{a} (WD_PROP_PROXY) refused the user name or password")
    );
    assert_eq!(e.system.as_deref(), Some("SOCKS5 user/password status 1"));
    let e = imap(&format!("socks5://127.0.0.1:{a}"));
    assert_eq!(
        e.message,
        format!(
            "the SOCKS5 proxy 127.0.0.1:{a} (WD_PROP_PROXY) requires a user name and password \
             (give them as socks5://user:password@127.0.0.1:{a})"
        )
    );
    let e = imap(&format!("http://127.0.0.1:{h}"));
    assert!(
        e.message.contains("requires a user name and password"),
        "{}",
        e.message
    );
    assert!(e.system.unwrap().contains(" 407 "));
    let e = imap(&format!("http://{u}:wrong@127.0.0.1:{h}"));
    assert!(
        e.message.starts_with(&format!(
            "the HTTP proxy 127.0.0.1:{h} (WD_PROP_PROXY) refused the user name or password: HTTP/1."
        )),
        "{}",
        e.message
    );
    // The server behind the proxy refuses the connection (nothing listens on port 1).
    let mut c = p.cfg(
        SessionKind::Imap,
        Security::None,
        &format!("socks5://127.0.0.1:{s}"),
    );
    c.port = 1;
    let e = open(&c).unwrap_err();
    assert_eq!(e.code, WD_E::Connect);
    assert!(
        e.message.starts_with(&format!(
            "the SOCKS5 proxy 127.0.0.1:{s} (WD_PROP_PROXY) could not connect to 127.0.0.1:1: "
        )),
        "{}",
        e.message
    );
    assert!(e.system.unwrap().starts_with("SOCKS5 reply "));
    let mut c = p.cfg(SessionKind::Smtp, Security::None, &p.url(Kind::HttpAuth));
    c.port = 1;
    let e = open(&c).unwrap_err();
    assert_eq!(e.code, WD_E::Connect);
    assert!(
        e.message
            .contains("refused the tunnel to 127.0.0.1:1: HTTP/1."),
        "{}",
        e.message
    );
    // No proxy listening: the proxy is named, and where its setting came from.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = closed.local_addr().unwrap().port();
    drop(closed);
    let e = imap(&format!("socks5://127.0.0.1:{dead}"));
    assert!(
        e.message.starts_with(&format!(
            "cannot connect to the SOCKS5 proxy 127.0.0.1:{dead} (WD_PROP_PROXY): "
        )),
        "{}",
        e.message
    );
}

/// Runs test `name` of this file in a child process with the environment `env` (the
/// proxy variables are read from the process environment, shared by every test thread).
fn in_child(name: &str, env: &[(&str, String)]) {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        name,
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ]);
    for v in [
        "ALL_PROXY",
        "all_proxy",
        "http_proxy",
        "https_proxy",
        "HTTPS_PROXY",
    ] {
        cmd.env_remove(v);
    }
    cmd.env_remove("NO_PROXY").env_remove("no_proxy");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{name} with {env:?}:\n{text}");
    assert!(text.contains("1 passed"), "{text}");
}

/// The token endpoint of the bench (its introspection endpoint) asked for alice's
/// static token; the proxy comes from the environment.
fn ask_token_endpoint() -> Result<String, Error> {
    let url = format!("http://127.0.0.1:{}/introspect", var("WD_TEST_OAUTH_PORT"));
    let url = wd300com::oauth2::url::Url::parse(&url, "token URL").unwrap();
    let token = var("WD_TEST_TOKEN1");
    let deadline = Instant::now() + Duration::from_secs(20);
    let r = wd300com::oauth2::http::post_form(&url, &[("token", &token)], deadline, None)?;
    assert_eq!(r.status, 200);
    Ok(String::from_utf8(r.body).unwrap())
}

#[test]
#[ignore = "run by environment_proxies in a child process with its environment"]
fn child_uses_the_environment() {
    let expect = std::env::var("WD_CHILD_EXPECT").unwrap();
    let kind = match std::env::var("WD_CHILD_PROXY").unwrap().as_str() {
        "socks5h" => Kind::Socks5h,
        "http" => Kind::HttpAuth,
        _ => Kind::Socks5Auth,
    };
    let p = proxies("environment proxy").unwrap();
    let oauth = port("WD_TEST_OAUTH_PORT");
    let before = (p.relayed(kind, oauth), p.relayed(kind, p.bench.imap));
    let token = ask_token_endpoint();
    let c = p.cfg(SessionKind::Imap, Security::None, "");
    let mail = open(&c);
    match expect.as_str() {
        "proxied" => {
            let body = token.unwrap_or_else(|e| panic!("token endpoint: {}", e.message));
            assert!(
                body.contains("\"active\": true") || body.contains("\"active\":true"),
                "{body}"
            );
            mail.unwrap_or_else(|e| panic!("IMAP: {}", e.message));
            std::thread::sleep(Duration::from_millis(300));
            assert!(
                p.relayed(kind, oauth) > before.0,
                "token endpoint not through {kind:?}"
            );
            assert!(
                p.relayed(kind, p.bench.imap) > before.1,
                "IMAP not through {kind:?}"
            );
        }
        "dead-proxy" => {
            let e = token.unwrap_err();
            assert_eq!(e.code, WD_E::Connect, "{}", e.message);
            assert!(
                e.message.contains("proxy 127.0.0.1:1 (all_proxy)"),
                "{}",
                e.message
            );
            let e = mail.unwrap_err();
            assert!(
                e.message.contains("proxy 127.0.0.1:1 (all_proxy)"),
                "{}",
                e.message
            );
        }
        "no-proxy" => {
            token.unwrap_or_else(|e| panic!("token endpoint: {}", e.message));
            mail.unwrap_or_else(|e| panic!("IMAP: {}", e.message));
        }
        other => panic!("WD_CHILD_EXPECT={other}"),
    }
}

#[test]
fn environment_proxies_for_mail_and_the_token_endpoint() {
    let Some(p) = proxies("environment proxy tests") else {
        return;
    };
    let (u, pw) = (&p.user, &p.pass);
    let run = |proxy: &str, expect: &str, env: Vec<(&str, String)>| {
        let mut env = env;
        env.push(("WD_CHILD_PROXY", proxy.to_string()));
        env.push(("WD_CHILD_EXPECT", expect.to_string()));
        in_child("child_uses_the_environment", &env);
    };
    // ALL_PROXY for both; the http client reads http_proxy first.
    run(
        "socks",
        "proxied",
        vec![(
            "ALL_PROXY",
            format!("socks5://{u}:{pw}@127.0.0.1:{}", p.socks_auth),
        )],
    );
    run(
        "socks5h",
        "proxied",
        vec![("all_proxy", format!("socks5h://127.0.0.1:{}", p.socks))],
    );
    let http = format!("http://{u}:{pw}@127.0.0.1:{}", p.http);
    run(
        "http",
        "proxied",
        vec![("ALL_PROXY", http.clone()), ("http_proxy", http)],
    );
    // A proxy that does not answer, named with its variable; NO_PROXY goes around it.
    let dead = "socks5://127.0.0.1:1".to_string();
    run("socks", "dead-proxy", vec![("all_proxy", dead.clone())]);
    run(
        "socks",
        "no-proxy",
        vec![
            ("all_proxy", dead),
            ("NO_PROXY", "localhost,127.0.0.0/8".into()),
        ],
    );
}
