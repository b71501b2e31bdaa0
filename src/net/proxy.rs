//! Proxies (docs/API.md §9, `WD_PROP_PROXY`): a SOCKS5 tunnel (RFC 1928, user/password
//! sign-in RFC 1929) or an HTTP CONNECT tunnel (Basic sign-in), opened on the socket of a
//! connection before anything else, within its opening deadline.
//!
//! Which proxy a connection uses, as curl chooses: the session's `WD_PROP_PROXY`, else the
//! first non-empty environment variable of its list (`all_proxy`, `ALL_PROXY` for mail;
//! the OAuth2 HTTP client looks at `https_proxy`/`HTTPS_PROXY` or `http_proxy` first);
//! then `no_proxy`/`NO_PROXY` may send the connection direct: a comma (or space)
//! separated list where `*` matches every host, a name matches itself and its
//! subdomains (a leading dot is ignored), and an IP address or CIDR range matches an
//! address host.

use super::tcp::{bare_host, host_port, is_timeout, resolve};
use super::wire::Wire;
use crate::error::{Error, Result, WD_E};
use crate::text::{excerpt, percent_decode};
use crate::trace;
use base64::Engine;
use std::fmt;
use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// Port of a proxy URL without one (curl's default).
pub const DEFAULT_PORT: u16 = 1080;
/// The environment variables of a mail connection's proxy, in order.
pub const MAIL_ENV: &[&str] = &["all_proxy", "ALL_PROXY"];
/// The environment variables of an `https` request's proxy, in order.
pub const HTTPS_ENV: &[&str] = &["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"];
/// The environment variables of an `http` request's proxy (curl reads no upper-case
/// `HTTP_PROXY`: CGI programs get request headers under that name).
pub const HTTP_ENV: &[&str] = &["http_proxy", "all_proxy", "ALL_PROXY"];
/// Largest HTTP CONNECT reply head read.
const MAX_REPLY_HEAD: usize = 16 * 1024;

/// The kind of a proxy, from its URL scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyKind {
    /// `socks5://`: the client resolves the server's name and sends an address.
    Socks5,
    /// `socks5h://`: the proxy resolves the server's name.
    Socks5h,
    /// `http://` (or no scheme): an HTTP CONNECT tunnel.
    Http,
}

impl ProxyKind {
    fn scheme(self) -> &'static str {
        match self {
            ProxyKind::Socks5 => "socks5",
            ProxyKind::Socks5h => "socks5h",
            ProxyKind::Http => "http",
        }
    }

    fn label(self) -> &'static str {
        match self {
            ProxyKind::Socks5 | ProxyKind::Socks5h => "SOCKS5",
            ProxyKind::Http => "HTTP",
        }
    }
}

/// A proxy: `scheme://[user:password@]host[:port]`. `Debug` and `Display` mask the
/// password.
#[derive(Clone, PartialEq, Eq)]
pub struct Proxy {
    pub kind: ProxyKind,
    /// Host name or address (an IPv6 address without brackets), and port.
    pub host: String,
    pub port: u16,
    /// The sign-in: user name and password (`user:password@`; "" when only a user name).
    pub credentials: Option<(String, String)>,
    /// Where the setting comes from (`WD_PROP_PROXY`, `ALL_PROXY`…), for messages.
    pub origin: String,
}

impl fmt::Display for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://", self.kind.scheme())?;
        match &self.credentials {
            Some((u, p)) if p.is_empty() => write!(f, "{u}@")?,
            Some((u, _)) => write!(f, "{u}:****@")?,
            None => {}
        }
        f.write_str(&host_port(&self.host, self.port))
    }
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Proxy({self} from {})", self.origin)
    }
}

impl Proxy {
    /// Parses a proxy URL; `origin` names the setting in error messages, which never
    /// repeat the password. Errors: [`WD_E::InvalidArgument`].
    pub fn parse(text: &str, origin: &str) -> Result<Proxy> {
        let bad = |why: &str| Error::invalid_arg(format!("invalid proxy in {origin}: {why}"));
        let text = text.trim();
        let (scheme, rest) = match text.split_once("://") {
            Some((s, r)) => (s.to_ascii_lowercase(), r),
            None => ("http".to_string(), text),
        };
        let kind = match scheme.as_str() {
            "socks5" => ProxyKind::Socks5,
            "socks5h" => ProxyKind::Socks5h,
            "http" => ProxyKind::Http,
            other => {
                return Err(bad(&format!(
                    "scheme \"{other}\" is not socks5, socks5h or http"
                )));
            }
        };
        let authority = rest.split('/').next().unwrap_or("");
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        let credentials = userinfo.map(|u| {
            let (n, p) = u.split_once(':').unwrap_or((u, ""));
            (percent_decode(n), percent_decode(p))
        });
        if let Some((n, p)) = &credentials
            && (n.len() > 255 || p.len() > 255)
        {
            return Err(bad("the user name and the password are at most 255 bytes"));
        }
        let (host, port) = if let Some(r) = hostport.strip_prefix('[') {
            let (h, after) = r.split_once(']').ok_or_else(|| bad("unclosed '['"))?;
            (h, after.strip_prefix(':'))
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (hostport, None),
            }
        };
        if host.is_empty() {
            return Err(bad("no host"));
        }
        let port = match port {
            None | Some("") => DEFAULT_PORT,
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| bad(&format!("port \"{p}\" is not a number from 1 to 65535")))?,
        };
        Ok(Proxy {
            kind,
            host: host.to_string(),
            port,
            credentials,
            origin: origin.to_string(),
        })
    }

    /// "SOCKS5 proxy 127.0.0.1:1080 (WD_PROP_PROXY)".
    pub(crate) fn label(&self) -> String {
        format!(
            "{} proxy {} ({})",
            self.kind.label(),
            host_port(&self.host, self.port),
            self.origin
        )
    }

    /// The URL form to suggest in messages.
    fn with_credentials_hint(&self) -> String {
        format!(
            "{}://user:password@{}",
            self.kind.scheme(),
            host_port(&self.host, self.port)
        )
    }
}

/// How a connection chooses its proxy (`WD_PROP_PROXY`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProxyChoice {
    /// The first non-empty variable of the list (property unset).
    Environment(&'static [&'static str]),
    /// No proxy, whatever the environment says (`WD_PROP_PROXY` = "direct").
    Direct,
    /// This proxy.
    Use(Proxy),
}

impl Default for ProxyChoice {
    fn default() -> Self {
        ProxyChoice::Environment(MAIL_ENV)
    }
}

impl ProxyChoice {
    /// The value of `WD_PROP_PROXY`: "" (the environment), "direct", or a proxy URL.
    pub fn parse(text: &str) -> Result<ProxyChoice> {
        let t = text.trim();
        Ok(if t.is_empty() {
            ProxyChoice::default()
        } else if t.eq_ignore_ascii_case("direct") {
            ProxyChoice::Direct
        } else {
            ProxyChoice::Use(Proxy::parse(t, "WD_PROP_PROXY")?)
        })
    }

    /// The property read back: the password masked.
    pub fn text(&self) -> String {
        match self {
            ProxyChoice::Environment(_) => String::new(),
            ProxyChoice::Direct => "direct".to_string(),
            ProxyChoice::Use(p) => p.to_string(),
        }
    }

    /// The proxy of a connection to `host`, `None` for a direct one, from the process
    /// environment.
    pub fn route(&self, host: &str) -> Result<Option<Proxy>> {
        self.route_in(host, &|k| std::env::var(k).ok())
    }

    /// [`route`](ProxyChoice::route) with the environment read through `env`.
    pub fn route_in(
        &self,
        host: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<Proxy>> {
        let proxy = match self {
            ProxyChoice::Direct => return Ok(None),
            ProxyChoice::Use(p) => p.clone(),
            ProxyChoice::Environment(vars) => {
                let set = vars
                    .iter()
                    .find_map(|v| env(v).filter(|x| !x.trim().is_empty()).map(|x| (v, x)));
                match set {
                    None => return Ok(None),
                    Some((var, value)) => Proxy::parse(&value, var)?,
                }
            }
        };
        let no_proxy = env("no_proxy").or_else(|| env("NO_PROXY"));
        if no_proxy.is_some_and(|list| no_proxy_matches(&list, host)) {
            return Ok(None);
        }
        Ok(Some(proxy))
    }
}

/// True when `host` is in the `NO_PROXY` list `list` (curl's rules, see the module
/// documentation).
pub fn no_proxy_matches(list: &str, host: &str) -> bool {
    let host = bare_host(host.trim())
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let ip = host.parse::<IpAddr>().ok();
    list.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .any(|t| {
            t == "*"
                || match ip {
                    Some(ip) => ip_in(t, ip),
                    None => {
                        let t = t.strip_prefix('.').unwrap_or(t).trim_end_matches('.');
                        let t = t.to_ascii_lowercase();
                        !t.is_empty()
                            && (host == t
                                || host
                                    .strip_suffix(t.as_str())
                                    .is_some_and(|h| h.ends_with('.')))
                    }
                }
        })
}

/// True when `ip` is the address, or in the CIDR range, `token`.
fn ip_in(token: &str, ip: IpAddr) -> bool {
    let (addr, bits) = match token.split_once('/') {
        Some((a, b)) => match b.parse::<u32>() {
            Ok(b) => (a, Some(b)),
            Err(_) => return false,
        },
        None => (token, None),
    };
    let Ok(net) = bare_host(addr).parse::<IpAddr>() else {
        return false;
    };
    let (a, b, width) = match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(b)) => (u128::from(a.to_bits()), u128::from(b.to_bits()), 32),
        (IpAddr::V6(a), IpAddr::V6(b)) => (a.to_bits(), b.to_bits(), 128),
        _ => return false,
    };
    let bits = bits.unwrap_or(width);
    if bits > width {
        return false;
    }
    let shift = width - bits;
    shift == width || (a >> shift) == (b >> shift)
}

/// The talk with a proxy on the socket of a connection.
struct Talk<'a> {
    wire: &'a mut Wire,
    proxy: &'a Proxy,
}

impl Talk<'_> {
    /// The error of a failed socket call `during` a step.
    fn io_failed(&self, e: &io::Error, during: &str) -> Error {
        let who = self.proxy.label();
        if is_timeout(e) {
            Error::new(
                WD_E::Timeout,
                format!(
                    "the {who} did not answer {during} within {}",
                    super::tcp::secs(self.wire.pace.timeout())
                ),
            )
        } else if e.kind() == io::ErrorKind::UnexpectedEof {
            Error::new(
                WD_E::Connect,
                format!("the {who} closed the connection {during}"),
            )
        } else {
            Error::new(
                WD_E::Connect,
                format!("connection to the {who} lost {during}: {e}"),
            )
        }
        .with_system(e.to_string())
    }

    fn send(&mut self, bytes: &[u8], during: &str) -> Result<()> {
        self.wire
            .write_all(bytes)
            .and_then(|_| self.wire.flush())
            .map_err(|e| self.io_failed(&e, during))
    }

    fn recv(&mut self, n: usize, during: &str) -> Result<Vec<u8>> {
        let mut b = vec![0u8; n];
        self.wire
            .read_exact(&mut b)
            .map_err(|e| self.io_failed(&e, during))?;
        Ok(b)
    }

    /// A refusal by the proxy: `WD_E_CONNECT`, the proxy's reply as the system message.
    fn refused(&self, what: String, reply: String) -> Error {
        Error::new(WD_E::Connect, format!("the {} {what}", self.proxy.label())).with_system(reply)
    }
}

/// Bytes as hexadecimal pairs, for a binary reply in a message.
fn hex(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Opens a tunnel through `proxy`, already connected on `wire`, to `host:port`.
/// Errors: [`WD_E::Connect`] (refused, sign-in refused, not a proxy of that kind; the
/// proxy's reply as the system message), [`WD_E::Timeout`].
pub(crate) fn tunnel(
    wire: &mut Wire,
    proxy: &Proxy,
    host: &str,
    port: u16,
    proto: &str,
) -> Result<()> {
    let mut talk = Talk { wire, proxy };
    match proxy.kind {
        ProxyKind::Http => http_connect(&mut talk, host, port)?,
        ProxyKind::Socks5 | ProxyKind::Socks5h => socks5(&mut talk, host, port)?,
    }
    trace::note(
        proto,
        &format!(
            "{} proxy: tunnel to {} open",
            proxy.kind.label(),
            host_port(host, port)
        ),
    );
    Ok(())
}

/// The SOCKS5 greeting, sign-in and CONNECT.
fn socks5(t: &mut Talk, host: &str, port: u16) -> Result<()> {
    let p = t.proxy;
    let creds = p.credentials.is_some();
    let methods: &[u8] = if creds { &[5, 2, 0, 2] } else { &[5, 1, 0] };
    t.send(methods, "at the SOCKS5 greeting")?;
    let choice = t.recv(2, "at the SOCKS5 greeting")?;
    if choice[0] != 5 {
        return Err(t.refused(
            "did not answer as a SOCKS5 proxy".into(),
            format!("reply bytes {}", hex(&choice)),
        ));
    }
    match (choice[1], creds) {
        (0, _) => {}
        (2, true) => {
            let (user, pass) = p.credentials.as_ref().map_or(("", ""), |(u, p)| (u, p));
            let (user, pass) = (user.as_bytes(), pass.as_bytes());
            let mut m = vec![1, user.len() as u8];
            m.extend_from_slice(user);
            m.push(pass.len() as u8);
            m.extend_from_slice(pass);
            t.send(&m, "at the SOCKS5 sign-in")?;
            let status = t.recv(2, "at the SOCKS5 sign-in")?;
            if status[1] != 0 {
                return Err(t.refused(
                    "refused the user name or password".into(),
                    format!("SOCKS5 user/password status {}", status[1]),
                ));
            }
        }
        (0xff, false) => {
            return Err(t.refused(
                format!(
                    "requires a user name and password (give them as {})",
                    p.with_credentials_hint()
                ),
                "SOCKS5 reply: no acceptable authentication method".into(),
            ));
        }
        (0xff, true) => {
            return Err(t.refused(
                "accepts neither no authentication nor user/password".into(),
                "SOCKS5 reply: no acceptable authentication method".into(),
            ));
        }
        (m, _) => {
            return Err(t.refused(
                format!("chose an authentication method not offered ({m})"),
                format!("reply bytes {}", hex(&choice)),
            ));
        }
    }
    let mut req = vec![5, 1, 0];
    let name = bare_host(host);
    let ip = match name.parse::<IpAddr>() {
        Ok(ip) => Some(ip),
        Err(_) if p.kind == ProxyKind::Socks5h => None,
        Err(_) => {
            // Resolved here, by what is left of the opening deadline (none: no bound).
            let left = match t.wire.pace.left() {
                Ok(left) => left.unwrap_or(Duration::ZERO),
                Err(_) => {
                    let e = io::Error::from(io::ErrorKind::TimedOut);
                    return Err(t.io_failed(&e, "before the SOCKS5 connect request"));
                }
            };
            let addrs: Vec<SocketAddr> = resolve(host, port, left)?;
            Some(addrs[0].ip())
        }
    };
    match ip {
        Some(IpAddr::V4(a)) => {
            req.push(1);
            req.extend_from_slice(&a.octets());
        }
        Some(IpAddr::V6(a)) => {
            req.push(4);
            req.extend_from_slice(&a.octets());
        }
        None => {
            if name.len() > 255 {
                return Err(Error::invalid_arg(
                    "host name longer than 255 bytes for a SOCKS5 proxy",
                ));
            }
            req.push(3);
            req.push(name.len() as u8);
            req.extend_from_slice(name.as_bytes());
        }
    }
    req.extend_from_slice(&port.to_be_bytes());
    t.send(&req, "at the SOCKS5 connect request")?;
    let head = t.recv(4, "at the SOCKS5 connect request")?;
    if head[0] != 5 {
        return Err(t.refused(
            "did not answer as a SOCKS5 proxy".into(),
            format!("reply bytes {}", hex(&head)),
        ));
    }
    if head[1] != 0 {
        let why = match head[1] {
            1 => "general failure",
            2 => "connection not allowed by its rules",
            3 => "network unreachable",
            4 => "host unreachable",
            5 => "connection refused",
            6 => "TTL expired",
            7 => "command not supported",
            8 => "address type not supported",
            _ => "unknown error",
        };
        return Err(t.refused(
            format!(
                "could not connect to {}: {why} (reply {})",
                host_port(host, port),
                head[1]
            ),
            format!("SOCKS5 reply {}: {why}", head[1]),
        ));
    }
    // The bound address and port, read so that the tunnel starts clean.
    let rest = match head[3] {
        1 => 4 + 2,
        4 => 16 + 2,
        3 => usize::from(t.recv(1, "at the SOCKS5 connect reply")?[0]) + 2,
        other => {
            return Err(t.refused(
                "did not answer as a SOCKS5 proxy".into(),
                format!("reply address type {other}"),
            ));
        }
    };
    t.recv(rest, "at the SOCKS5 connect reply")?;
    Ok(())
}

/// The HTTP CONNECT request and its reply head.
fn http_connect(t: &mut Talk, host: &str, port: u16) -> Result<()> {
    let p = t.proxy;
    let target = host_port(host, port);
    let mut req = format!(
        "CONNECT {target} HTTP/1.1\r\nHost: {target}\r\nUser-Agent: wd300com/{}\r\n",
        env!("CARGO_PKG_VERSION")
    );
    if let Some((user, password)) = &p.credentials {
        let pair = format!("{user}:{password}");
        let b64 = base64::engine::general_purpose::STANDARD.encode(pair);
        req.push_str(&format!("Proxy-Authorization: Basic {b64}\r\n"));
    }
    req.push_str("\r\n");
    t.send(req.as_bytes(), "at the CONNECT request")?;
    // Byte by byte: the server's first bytes may follow the reply head at once.
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") && !head.ends_with(b"\n\n") {
        if head.len() >= MAX_REPLY_HEAD {
            return Err(t.refused(
                "did not answer as an HTTP proxy".into(),
                excerpt(&head, 200),
            ));
        }
        head.push(t.recv(1, "at the CONNECT reply")?[0]);
    }
    let status_line = excerpt(&head, head.len());
    let status_line = status_line.lines().next().unwrap_or("").trim().to_string();
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or("");
    let code = parts.next().and_then(|c| c.parse::<u16>().ok());
    let code = match code {
        Some(c) if version.starts_with("HTTP/1.") => c,
        _ => {
            return Err(t.refused(
                "did not answer as an HTTP proxy".into(),
                excerpt(status_line.as_bytes(), 200),
            ));
        }
    };
    match code {
        200..=299 => Ok(()),
        401 | 407 if p.credentials.is_none() => Err(t.refused(
            format!(
                "requires a user name and password (give them as {})",
                p.with_credentials_hint()
            ),
            status_line,
        )),
        401 | 407 => Err(t.refused(
            format!("refused the user name or password: {status_line}"),
            status_line,
        )),
        _ => Err(t.refused(
            format!("refused the tunnel to {target}: {status_line}"),
            status_line,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let p = Proxy::parse("socks5://u%40x:p%3Aw@proxy.example:1081", "WD_PROP_PROXY").unwrap();
        let credentials = (String::from("u@x"), String::from("p:w"));
        assert_eq!(p.credentials, Some(credentials));
        assert_eq!(p.to_string(), "socks5://u@x:****@proxy.example:1081");
        assert!(!format!("{p:?}").contains("p:w"));
        let p = Proxy::parse("HTTP://[::1]:3128/", "ALL_PROXY").unwrap();
        assert_eq!(
            (p.kind, p.host.as_str(), p.port),
            (ProxyKind::Http, "::1", 3128)
        );
        let p = Proxy::parse("proxy.example", "ALL_PROXY").unwrap();
        assert_eq!((p.kind, p.port), (ProxyKind::Http, DEFAULT_PORT));
        assert_eq!(
            Proxy::parse("socks5h://h", "x").unwrap().kind,
            ProxyKind::Socks5h
        );
        for bad in [
            "https://h:1",
            "socks4://h",
            "socks5://:1080",
            "http://h:0",
            "http://h:x",
        ] {
            let e = Proxy::parse(bad, "WD_PROP_PROXY").unwrap_err();
            assert_eq!(e.code, WD_E::InvalidArgument, "{bad}");
            assert_eq!(
                e.message.split(": ").next(),
                Some("invalid proxy in WD_PROP_PROXY")
            );
        }
        let e = Proxy::parse("http://u:secret@[::1", "WD_PROP_PROXY").unwrap_err();
        assert!(!e.message.contains("secret"));
    }

    #[test]
    fn property_values() {
        assert_eq!(ProxyChoice::parse("").unwrap(), ProxyChoice::default());
        assert_eq!(ProxyChoice::parse(" Direct ").unwrap(), ProxyChoice::Direct);
        assert_eq!(ProxyChoice::Direct.text(), "direct");
        assert_eq!(ProxyChoice::default().text(), "");
        let c = ProxyChoice::parse("http://a:b@h:8080").unwrap();
        assert_eq!(c.text(), "http://a:****@h:8080");
    }

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn environment_as_curl() {
        let env = env_of(&[
            ("ALL_PROXY", "socks5h://upper:1080"),
            ("all_proxy", "socks5://lower:1080"),
            ("NO_PROXY", "internal.example, 10.0.0.0/8"),
        ]);
        let mail = ProxyChoice::default();
        let p = mail.route_in("mail.example", &env).unwrap().unwrap();
        assert_eq!((p.host.as_str(), p.origin.as_str()), ("lower", "all_proxy"));
        assert_eq!(mail.route_in("imap.internal.example", &env).unwrap(), None);
        assert_eq!(mail.route_in("10.1.2.3", &env).unwrap(), None);
        // NO_PROXY applies to the property too; "direct" ignores the environment.
        let prop = ProxyChoice::parse("http://h:3128").unwrap();
        assert_eq!(prop.route_in("internal.example", &env).unwrap(), None);
        assert!(prop.route_in("mail.example", &env).unwrap().is_some());
        assert_eq!(
            ProxyChoice::Direct.route_in("mail.example", &env).unwrap(),
            None
        );
        let https = ProxyChoice::Environment(HTTPS_ENV);
        let env2 = env_of(&[
            ("HTTPS_PROXY", "http://web:3128"),
            ("ALL_PROXY", "socks5://s"),
        ]);
        assert_eq!(
            https
                .route_in("login.example", &env2)
                .unwrap()
                .unwrap()
                .host,
            "web"
        );
        assert_eq!(
            mail.route_in("login.example", &env2).unwrap().unwrap().host,
            "s"
        );
        assert_eq!(
            mail.route_in("x", &env_of(&[("ALL_PROXY", " ")])).unwrap(),
            None
        );
        let e = mail
            .route_in("x", &env_of(&[("ALL_PROXY", "ftp://h")]))
            .unwrap_err();
        let why = "scheme \"ftp\" is not socks5, socks5h or http";
        assert_eq!(e.message, format!("invalid proxy in ALL_PROXY: {why}"));
    }

    #[test]
    fn no_proxy_lists() {
        assert!(no_proxy_matches("*", "anything.example"));
        assert!(no_proxy_matches("example.com", "example.com"));
        assert!(no_proxy_matches("example.com", "mail.EXAMPLE.com."));
        assert!(no_proxy_matches(".example.com", "mail.example.com"));
        assert!(no_proxy_matches(".example.com", "example.com"));
        assert!(!no_proxy_matches("example.com", "badexample.com"));
        assert!(!no_proxy_matches("mail.example.com", "example.com"));
        assert!(no_proxy_matches("a.test,  localhost ", "localhost"));
        assert!(no_proxy_matches("127.0.0.1", "127.0.0.1"));
        assert!(!no_proxy_matches("127.0.0.1", "127.0.0.2"));
        assert!(no_proxy_matches("192.168.0.0/16", "192.168.4.5"));
        assert!(!no_proxy_matches("192.168.0.0/16", "192.169.0.1"));
        assert!(no_proxy_matches("::1", "[::1]"));
        assert!(no_proxy_matches("[fd00::]/8", "fd12::1"));
        assert!(!no_proxy_matches("fd00::/8", "fe80::1"));
        assert!(!no_proxy_matches("localhost", "127.0.0.1"));
        assert!(!no_proxy_matches("", "example.com"));
        assert!(no_proxy_matches("0.0.0.0/0", "8.8.8.8"));
    }
}
