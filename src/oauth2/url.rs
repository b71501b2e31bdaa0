//! The small part of URL handling the OAuth2 flow needs: parsing `http(s)://host:port/path`,
//! percent-encoding and query strings.

use crate::error::{Error, Result};
use crate::text::quoted;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Scheme of a parsed URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Http,
    Https,
}

/// An absolute `http` or `https` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    pub scheme: Scheme,
    /// Host name or address, without the brackets of an IPv6 literal.
    pub host: String,
    /// The port, the scheme's default when the URL has none.
    pub port: u16,
    /// True when the URL names its port.
    pub explicit_port: bool,
    /// Path (at least "/"), without query or fragment.
    pub path: String,
    /// Query without the `?` (may be empty).
    pub query: String,
}

impl Url {
    /// Parses an absolute http/https URL; `what` names it in error messages.
    pub fn parse(s: &str, what: &str) -> Result<Url> {
        let bad = |why: &str| {
            Error::invalid_arg(format!("{what} {} is not a valid URL: {why}", quoted(s)))
        };
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("it holds a space or a control character"));
        }
        let (scheme, rest) = match s.find("://") {
            Some(i) => (&s[..i], &s[i + 3..]),
            None => return Err(bad("no scheme (http:// or https://)")),
        };
        let scheme = match scheme.to_ascii_lowercase().as_str() {
            "http" => Scheme::Http,
            "https" => Scheme::Https,
            _ => return Err(bad("the scheme is not http or https")),
        };
        let rest = rest.split('#').next().unwrap_or("");
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        if authority.contains('@') {
            return Err(bad("user information in URLs is not supported"));
        }
        let (host, port_text) = if let Some(r) = authority.strip_prefix('[') {
            let close = r.find(']').ok_or_else(|| bad("unclosed '['"))?;
            let after = &r[close + 1..];
            let port = match after.strip_prefix(':') {
                Some(p) => Some(p),
                None if after.is_empty() => None,
                None => return Err(bad("unexpected text after ']'")),
            };
            let host = &r[..close];
            // Written back in brackets only when it holds ':': an IPv6 address alone.
            if host.parse::<std::net::Ipv6Addr>().is_err() {
                return Err(bad("the host in brackets is not an IPv6 address"));
            }
            (host, port)
        } else {
            let (host, port) = match authority.rfind(':') {
                Some(i) => (&authority[..i], Some(&authority[i + 1..])),
                None => (authority, None),
            };
            // Only an IPv6 literal, in brackets, may hold these.
            if host.contains([':', '[', ']']) {
                return Err(bad("the host holds ':', '[' or ']' outside brackets"));
            }
            (host, port)
        };
        if host.is_empty() {
            return Err(bad("no host"));
        }
        let default = match scheme {
            Scheme::Http => 80,
            Scheme::Https => 443,
        };
        let (port, explicit_port) = match port_text {
            None | Some("") => (default, false),
            Some(p) => (
                p.parse::<u16>()
                    .map_err(|_| bad("the port is not a number from 0 to 65535"))?,
                true,
            ),
        };
        let (path, query) = match tail.find('?') {
            Some(i) => (&tail[..i], &tail[i + 1..]),
            None => (tail, ""),
        };
        Ok(Url {
            scheme,
            host: host.to_string(),
            port,
            explicit_port,
            path: if path.is_empty() {
                "/".into()
            } else {
                path.into()
            },
            query: query.to_string(),
        })
    }

    /// The host as written in a URL or a Host header (IPv6 literals in brackets).
    pub fn host_for_url(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        }
    }

    /// `host[:port]` for a Host header (the port left out when it is the default).
    pub fn authority(&self) -> String {
        let default = match self.scheme {
            Scheme::Http => 80,
            Scheme::Https => 443,
        };
        if self.port == default {
            self.host_for_url()
        } else {
            format!("{}:{}", self.host_for_url(), self.port)
        }
    }

    /// Path and query, as sent in an HTTP request line.
    pub fn target(&self) -> String {
        if self.query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, self.query)
        }
    }

    /// True when the host is a loopback name or address (localhost, 127.0.0.0/8, ::1).
    pub fn is_loopback(&self) -> bool {
        loopback_addr(&self.host).is_some()
    }
}

/// The address to listen on for a loopback host, `None` for any other host.
pub fn loopback_addr(host: &str) -> Option<IpAddr> {
    if host.eq_ignore_ascii_case("localhost") {
        return Some(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    match host.parse::<IpAddr>() {
        Ok(ip) if ip.is_loopback() => Some(ip),
        Ok(IpAddr::V6(v6)) if v6 == Ipv6Addr::LOCALHOST => Some(IpAddr::V6(v6)),
        _ => None,
    }
}

/// Percent-encodes everything but the RFC 3986 unreserved characters.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes a query or form component: `+` is a space, `%XX` a byte; a malformed escape
/// is kept as written. Invalid UTF-8 is replaced.
pub fn decode(s: &str) -> String {
    crate::text::percent_decode(&s.replace('+', " "))
}

/// Encodes pairs as `k=v&k=v` (a query string or an x-www-form-urlencoded body).
pub fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Splits a query string into decoded pairs (empty parts skipped).
pub fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.find('=') {
            Some(i) => (decode(&p[..i]), decode(&p[i + 1..])),
            None => (decode(p), String::new()),
        })
        .collect()
}

/// The first value of `key` in decoded pairs.
pub fn get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_urls() {
        let u = Url::parse("https://auth.example.com/o/authorize?x=1#frag", "AUTH_URL").unwrap();
        assert_eq!(u.scheme, Scheme::Https);
        assert_eq!(u.host, "auth.example.com");
        assert_eq!(u.port, 443);
        assert!(!u.explicit_port);
        assert_eq!(u.path, "/o/authorize");
        assert_eq!(u.query, "x=1");
        assert_eq!(u.authority(), "auth.example.com");
        let u = Url::parse("http://localhost:9000", "REDIRECT_URL").unwrap();
        assert_eq!((u.port, u.path.as_str()), (9000, "/"));
        assert!(u.is_loopback());
        let u = Url::parse("http://[::1]:8080/cb?a", "x").unwrap();
        assert_eq!(u.host, "::1");
        assert_eq!(u.authority(), "[::1]:8080");
        assert!(u.is_loopback());
        assert_eq!(u.target(), "/cb?a");
        assert!(Url::parse("HTTP://127.0.0.1/", "x").unwrap().is_loopback());
        assert!(!Url::parse("http://10.0.0.1/", "x").unwrap().is_loopback());
        for bad in [
            "ftp://x/",
            "localhost:9000",
            "http://",
            "http://a b/",
            "http://u:p@host/",
            "http://host:99999/",
            "http://[::1/",
            // Found by fuzzing: written back as "[tt:1]]" these would not parse again.
            "http://tt:1]:53682/callback",
            "http://a:b:80/",
            "http://a[b/",
        ] {
            assert!(Url::parse(bad, "x").is_err(), "{bad}");
        }
    }

    #[test]
    fn encodes_and_decodes() {
        assert_eq!(encode("a b&c=d/é~"), "a%20b%26c%3Dd%2F%C3%A9~");
        assert_eq!(decode("a+b%20c%3d%C3%A9%zz%"), "a b c=é%zz%");
        assert_eq!(decode("%4"), "%4");
        let q = parse_query("code=abc&state=x%2By&&error_description=User+denied&flag");
        assert_eq!(get(&q, "code"), Some("abc"));
        assert_eq!(get(&q, "state"), Some("x+y"));
        assert_eq!(get(&q, "error_description"), Some("User denied"));
        assert_eq!(get(&q, "flag"), Some(""));
        assert_eq!(get(&q, "none"), None);
        assert_eq!(form(&[("a", "1 2"), ("b", "&")]), "a=1%202&b=%26");
    }
}
