//! Name resolution and TCP connection with a deadline.

use crate::error::{Error, Result, WD_E};
use crate::trace;
use std::io;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

/// Host name without the brackets of an IPv6 literal (`[::1]` → `::1`).
pub(crate) fn bare_host(host: &str) -> &str {
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

/// "host:port", with brackets around an IPv6 literal.
pub(crate) fn host_port(host: &str, port: u16) -> String {
    let h = bare_host(host);
    if h.contains(':') {
        format!("[{h}]:{port}")
    } else {
        format!("{h}:{port}")
    }
}

/// Human form of a timeout: "600 s", "1.5 s".
pub(crate) fn secs(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

pub(crate) fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// `Some(d)` for a non-zero duration; zero means "no timeout".
pub(crate) fn opt_timeout(d: Duration) -> Option<Duration> {
    if d.is_zero() { None } else { Some(d) }
}

fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>> {
    let h = bare_host(host);
    if h.is_empty() {
        return Err(Error::invalid_arg("empty host name"));
    }
    let hp = host_port(host, port);
    let addrs: Vec<SocketAddr> = (h, port)
        .to_socket_addrs()
        .map_err(|e| {
            Error::new(WD_E::Connect, format!("cannot resolve {hp}: {e}"))
                .with_system(e.to_string())
        })?
        .collect();
    if addrs.is_empty() {
        return Err(Error::new(
            WD_E::Connect,
            format!("cannot resolve {hp}: no address"),
        ));
    }
    Ok(addrs)
}

/// Resolves `host` and connects to each address in turn until one answers. The whole
/// attempt is bounded by `timeout` (zero: no bound beyond the OS defaults); DNS
/// resolution itself uses the system resolver and its own timeouts.
pub(crate) fn connect(host: &str, port: u16, timeout: Duration, proto: &str) -> Result<TcpStream> {
    let hp = host_port(host, port);
    let addrs = resolve(host, port)?;
    let deadline = opt_timeout(timeout).map(|t| Instant::now() + t);
    let mut last: Option<io::Error> = None;
    for addr in &addrs {
        trace::note(proto, &format!("connecting to {hp} ({addr})"));
        let attempt = match deadline {
            Some(dl) => {
                let left = dl.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    last = Some(io::Error::from(io::ErrorKind::TimedOut));
                    break;
                }
                TcpStream::connect_timeout(addr, left)
            }
            None => TcpStream::connect(addr),
        };
        match attempt {
            Ok(s) => {
                trace::note(proto, &format!("connected to {addr}"));
                return Ok(s);
            }
            Err(e) => {
                trace::note(proto, &format!("cannot connect to {addr}: {e}"));
                last = Some(e);
            }
        }
    }
    let e = last.unwrap_or_else(|| io::Error::other("no address"));
    if is_timeout(&e) {
        Err(Error::new(
            WD_E::Timeout,
            format!("cannot connect to {hp}: no answer within {}", secs(timeout)),
        )
        .with_system(e.to_string()))
    } else {
        Err(
            Error::new(WD_E::Connect, format!("cannot connect to {hp}: {e}"))
                .with_system(e.to_string()),
        )
    }
}

/// Applies TCP_NODELAY and the read/write timeouts.
pub(crate) fn configure(s: &TcpStream, timeout: Duration) -> Result<()> {
    let t = opt_timeout(timeout);
    s.set_nodelay(true)
        .and_then(|_| s.set_read_timeout(t))
        .and_then(|_| s.set_write_timeout(t))
        .map_err(|e| {
            Error::new(WD_E::Connect, format!("cannot configure socket: {e}"))
                .with_system(e.to_string())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_forms() {
        assert_eq!(bare_host("[::1]"), "::1");
        assert_eq!(bare_host("mail.example.com"), "mail.example.com");
        assert_eq!(host_port("::1", 25), "[::1]:25");
        assert_eq!(host_port("[::1]", 25), "[::1]:25");
        assert_eq!(host_port("example.com", 993), "example.com:993");
    }

    #[test]
    fn secs_format() {
        assert_eq!(secs(Duration::from_secs(600)), "600 s");
        assert_eq!(secs(Duration::from_millis(1500)), "1.5 s");
    }

    #[test]
    fn empty_host_is_invalid() {
        let e = connect("", 25, Duration::from_secs(1), "SMTP").unwrap_err();
        assert_eq!(e.code, WD_E::InvalidArgument);
    }
}
