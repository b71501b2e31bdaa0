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
        c.password = Some(var("WD_TEST_PASS1").into());
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
fn both_proxy_kinds_with_and_without_sign_in_on_three_protocols() {
    for kind in [
        Kind::Socks5,
        Kind::Socks5h,
        Kind::Socks5Auth,
        Kind::HttpAuth,
    ] {
        three_protocols(kind);
    }
}

/// What the user reads when a proxy says no: `WD_E_CONNECT`, the proxy's reply as the
/// system message. Each case: the proxy URL, the port of the server behind it, and the
/// message (its start when it ends with an OS or proxy text).
#[test]
fn refusals_by_the_real_proxies() {
    let Some(p) = proxies("proxy refusal tests") else {
        return;
    };
    let (u, s, a, h) = (&p.user, p.socks, p.socks_auth, p.http);
    let imap = p.bench.imap;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = closed.local_addr().unwrap().port();
    drop(closed);
    let socks_a = format!("the SOCKS5 proxy 127.0.0.1:{a} (WD_PROP_PROXY)");
    let socks_s = format!("the SOCKS5 proxy 127.0.0.1:{s} (WD_PROP_PROXY)");
    let http_h = format!("the HTTP proxy 127.0.0.1:{h} (WD_PROP_PROXY)");
    let with_auth = p.url(Kind::HttpAuth);
    let hint = "requires a user name and password (give them as";
    // proxy | port behind it | the message (or its start) | the system message's start.
    // Port 1: nothing listens there behind the proxy. The last: no proxy listening.
    let table = format!(
        "socks5://{u}:wrong@127.0.0.1:{a} | {imap} | {socks_a} refused the user name or \
         password | SOCKS5 user/password status 1
socks5://127.0.0.1:{a} | {imap} | {socks_a} {hint} socks5://user:password@127.0.0.1:{a}) | \
         SOCKS5 reply: no acceptable authentication method
http://127.0.0.1:{h} | {imap} | {http_h} {hint} http://user:password@127.0.0.1:{h}) | \
         HTTP/1.0 407 Proxy Authentication Required
http://{u}:wrong@127.0.0.1:{h} | {imap} | {http_h} refused the user name or password: \
         HTTP/1.0 401 Unauthorized | HTTP/1.0 401 Unauthorized
socks5://127.0.0.1:{s} | 1 | {socks_s} could not connect to 127.0.0.1:1:  | SOCKS5 reply 
{with_auth} | 1 | {http_h} refused the tunnel to 127.0.0.1:1: HTTP/1. | HTTP/1.
socks5://127.0.0.1:{dead} | {imap} | cannot connect to the SOCKS5 proxy 127.0.0.1:{dead} \
         (WD_PROP_PROXY):  | Connection refused"
    );
    let cases = table.lines().map(|line| {
        let f: Vec<&str> = line.split(" | ").collect();
        (f[0], f[1].parse::<u16>().unwrap(), f[2], f[3])
    });
    for (proxy, port, message, reply) in cases {
        let mut c = p.cfg(SessionKind::Imap, Security::None, proxy);
        c.port = port;
        let e = open(&c).expect_err("must fail");
        let system = e.system.clone().unwrap_or_default();
        eprintln!("{proxy}: {} | {system}", e.message);
        assert_eq!(e.code, WD_E::Connect, "{}", e.message);
        assert_eq!(&e.message[..message.len().min(e.message.len())], message);
        assert!(system.starts_with(reply), "{system}");
    }
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
