//! Name resolution and TCP connection with a deadline.

use crate::error::{Error, Result, WD_E};
use crate::trace;
use std::io;
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
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

/// Runs the blocking resolver `f` on a helper thread and waits at most `timeout` for it
/// (zero: no bound). The system resolver cannot be interrupted: on a timeout the thread
/// is left to finish on its own and its answer is dropped.
pub(crate) fn resolve_bounded<F>(hp: &str, timeout: Duration, f: F) -> Result<Vec<SocketAddr>>
where
    F: FnOnce() -> io::Result<Vec<SocketAddr>> + Send + 'static,
{
    let failed = |e: io::Error| {
        Error::new(WD_E::Connect, format!("cannot resolve {hp}: {e}")).with_system(e.to_string())
    };
    if timeout.is_zero() {
        return f().map_err(failed);
    }
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("wd300com-dns".into())
        .spawn(move || {
            let _ = tx.send(f());
        })
        .map_err(|e| Error::internal(format!("cannot start the resolver thread: {e}")))?;
    match rx.recv_timeout(timeout) {
        Ok(r) => r.map_err(failed),
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Err(Error::new(
            WD_E::Timeout,
            format!("cannot resolve {hp}: no answer within {}", secs(timeout)),
        )),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            Err(Error::internal(format!("resolver thread for {hp} ended")))
        }
    }
}

fn resolve(host: &str, port: u16, timeout: Duration) -> Result<Vec<SocketAddr>> {
    let h = bare_host(host);
    if h.is_empty() {
        return Err(Error::invalid_arg("empty host name"));
    }
    let hp = host_port(host, port);
    let addrs: Vec<SocketAddr> = if let Ok(ip) = h.parse::<IpAddr>() {
        vec![SocketAddr::new(ip, port)]
    } else {
        let name = h.to_string();
        resolve_bounded(&hp, timeout, move || {
            (name.as_str(), port).to_socket_addrs().map(|a| a.collect())
        })?
    };
    if addrs.is_empty() {
        return Err(Error::new(
            WD_E::Connect,
            format!("cannot resolve {hp}: no address"),
        ));
    }
    Ok(addrs)
}

/// Resolves `host` and connects to each address in turn until one answers. The whole
/// attempt is bounded by `timeout` (zero: no bound beyond the OS defaults); the name
/// resolution is bounded by `timeout` too.
pub(crate) fn connect(host: &str, port: u16, timeout: Duration, proto: &str) -> Result<TcpStream> {
    let hp = host_port(host, port);
    let deadline = opt_timeout(timeout).map(|t| Instant::now() + t);
    let addrs = resolve(host, port, timeout)?;
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
    fn stalled_resolver_is_a_timeout() {
        let t0 = Instant::now();
        let e = resolve_bounded("mail.example:25", Duration::from_millis(200), || {
            std::thread::sleep(Duration::from_secs(3));
            Ok(Vec::new())
        })
        .unwrap_err();
        assert_eq!(e.code, WD_E::Timeout, "{e:?}");
        assert!(
            e.message.contains("cannot resolve mail.example:25"),
            "{}",
            e.message
        );
        assert!(t0.elapsed() < Duration::from_secs(2));
        let e = resolve_bounded("x:25", Duration::from_secs(2), || {
            Err(io::Error::other("no such host"))
        })
        .unwrap_err();
        assert_eq!(e.code, WD_E::Connect);
        assert_eq!(e.message, "cannot resolve x:25: no such host");
    }

    #[test]
    fn localhost_resolves_within_the_timeout() {
        let addrs = resolve("localhost", 25, Duration::from_secs(5)).unwrap();
        assert!(addrs.iter().all(|a| a.ip().is_loopback()), "{addrs:?}");
        let addrs = resolve("[::1]", 25, Duration::from_secs(5)).unwrap();
        assert_eq!(addrs, [SocketAddr::from(([0u16, 0, 0, 0, 0, 0, 0, 1], 25))]);
    }

    #[test]
    fn empty_host_is_invalid() {
        let e = connect("", 25, Duration::from_secs(1), "SMTP").unwrap_err();
        assert_eq!(e.code, WD_E::InvalidArgument);
    }
}
