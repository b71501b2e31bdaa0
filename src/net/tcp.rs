//! Name resolution and TCP connection with a deadline: the addresses of a name are tried
//! per RFC 8305 (Happy Eyeballs v2), IPv6 and IPv4 in turn, a new attempt every 250 ms
//! while earlier ones are still pending, the first connected winning.

use crate::error::{Error, Result, WD_E};
use crate::trace;
use socket2::{Domain, Protocol, Socket, Type};
use std::io;
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::mpsc::Sender;
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

/// Resolves `host` (a name, or an address literal, brackets allowed) to its addresses,
/// IPv6 and IPv4 (the system resolver's order), within `timeout` (zero: no bound).
pub(crate) fn resolve(host: &str, port: u16, timeout: Duration) -> Result<Vec<SocketAddr>> {
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

/// What is left of `deadline` for the next wait: `Ok(ZERO)` without a deadline (no
/// bound), `Err` once it passed.
fn left_of(deadline: Option<Instant>) -> std::result::Result<Duration, ()> {
    match deadline {
        None => Ok(Duration::ZERO),
        Some(d) => {
            let left = d.saturating_duration_since(Instant::now());
            if left.is_zero() { Err(()) } else { Ok(left) }
        }
    }
}

/// Where a connection goes, for its messages: `what` names it ("mail.example.org:993",
/// "the SOCKS5 proxy 127.0.0.1:1080 (ALL_PROXY)"), `timeout` is the bound it had.
pub(crate) struct Target<'a> {
    pub host: &'a str,
    pub port: u16,
    pub what: &'a str,
    pub timeout: Duration,
}

impl Target<'_> {
    fn timed_out(&self) -> Error {
        Error::new(
            WD_E::Timeout,
            format!(
                "cannot connect to {}: no answer within {}",
                self.what,
                secs(self.timeout)
            ),
        )
    }
}

/// Resolves the target and connects to it ([`race`]) by `deadline` (`None`: no bound).
pub(crate) fn connect(t: &Target, deadline: Option<Instant>, proto: &str) -> Result<TcpStream> {
    connect_with(t, deadline, proto, resolve)
}

/// [`connect`] with the name resolution done by `resolver` (`host`, `port`, bound).
pub(crate) fn connect_with(
    t: &Target,
    deadline: Option<Instant>,
    proto: &str,
    resolver: impl FnOnce(&str, u16, Duration) -> Result<Vec<SocketAddr>>,
) -> Result<TcpStream> {
    if bare_host(t.host).is_empty() {
        return Err(Error::invalid_arg("empty host name"));
    }
    let left = left_of(deadline).map_err(|_| t.timed_out())?;
    let addrs = resolver(t.host, t.port, left)?;
    race(t, &interleave(addrs), deadline, proto)
}

/// The order of the attempts (RFC 8305 §4): the family of the resolver's first address
/// first, then the two families in turn, each in the resolver's order; duplicates removed.
pub(crate) fn interleave(addrs: Vec<SocketAddr>) -> Vec<SocketAddr> {
    let mut unique: Vec<SocketAddr> = Vec::with_capacity(addrs.len());
    for a in addrs {
        if !unique.contains(&a) {
            unique.push(a);
        }
    }
    let first_v6 = unique.first().is_some_and(SocketAddr::is_ipv6);
    let (first, other): (Vec<_>, Vec<_>) =
        unique.into_iter().partition(|a| a.is_ipv6() == first_v6);
    let mut out = Vec::with_capacity(first.len() + other.len());
    let (mut a, mut b) = (first.into_iter(), other.into_iter());
    loop {
        match (a.next(), b.next()) {
            (None, None) => return out,
            (x, y) => out.extend(x.into_iter().chain(y)),
        }
    }
}

/// Delay before the next connection attempt while the earlier ones are still pending
/// (RFC 8305 "Connection Attempt Delay").
pub(crate) const ATTEMPT_DELAY: Duration = Duration::from_millis(250);

/// One connection attempt, on its own thread; the result comes back on the channel, and
/// `abort` (a handle on the same socket) stops it.
struct Attempt {
    index: usize,
    abort: Socket,
}

type Outcome = (usize, io::Result<TcpStream>);

fn start_attempt(
    index: usize,
    addr: SocketAddr,
    deadline: Option<Instant>,
    tx: &Sender<Outcome>,
) -> io::Result<Attempt> {
    let sock = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    let abort = sock.try_clone()?;
    let tx = tx.clone();
    std::thread::Builder::new()
        .name("wd300com-connect".into())
        .spawn(move || {
            let r = match left_of(deadline) {
                Err(()) => Err(io::Error::from(io::ErrorKind::TimedOut)),
                Ok(left) if left.is_zero() => sock.connect(&addr.into()),
                Ok(left) => sock.connect_timeout(&addr.into(), left),
            };
            // Nobody listens any more once another attempt won: the socket closes here.
            let _ = tx.send((index, r.map(|()| TcpStream::from(sock))));
        })?;
    Ok(Attempt { index, abort })
}

/// Happy Eyeballs (RFC 8305): one attempt after the other, the next one starting
/// [`ATTEMPT_DELAY`] after the last, or at once when every pending one failed; the
/// first connected wins and the others are closed. Everything ends by `deadline`.
pub(crate) fn race(
    t: &Target,
    addrs: &[SocketAddr],
    deadline: Option<Instant>,
    proto: &str,
) -> Result<TcpStream> {
    let (tx, rx) = std::sync::mpsc::channel::<Outcome>();
    let mut pending: Vec<Attempt> = Vec::new();
    let mut next = 0;
    let mut next_at = Instant::now();
    let mut last: Option<io::Error> = None;
    let abort_all = |pending: &mut Vec<Attempt>, why: &str| {
        for a in pending.drain(..) {
            trace::note(
                proto,
                &format!("attempt to {} abandoned: {why}", addrs[a.index]),
            );
            let _ = a.abort.shutdown(std::net::Shutdown::Both);
        }
    };
    loop {
        let now = Instant::now();
        if deadline.is_some_and(|d| now >= d) {
            abort_all(&mut pending, "no answer in time");
            return Err(t.timed_out());
        }
        if next < addrs.len() && (pending.is_empty() || now >= next_at) {
            trace::note(
                proto,
                &format!("connecting to {} ({})", t.what, addrs[next]),
            );
            match start_attempt(next, addrs[next], deadline, &tx) {
                Ok(a) => pending.push(a),
                Err(e) => {
                    trace::note(proto, &format!("cannot connect to {}: {e}", addrs[next]));
                    last = Some(e);
                }
            }
            next += 1;
            next_at = now + ATTEMPT_DELAY;
            continue;
        }
        if pending.is_empty() {
            break;
        }
        let until = match (deadline, next < addrs.len()) {
            (Some(d), true) => Some(d.min(next_at)),
            (Some(d), false) => Some(d),
            (None, true) => Some(next_at),
            (None, false) => None,
        };
        let got = match until {
            Some(u) => rx.recv_timeout(u.saturating_duration_since(now)).ok(),
            None => rx.recv().ok(),
        };
        let Some((index, r)) = got else { continue };
        pending.retain(|a| a.index != index);
        match r {
            Ok(s) => {
                trace::note(proto, &format!("connected to {}", addrs[index]));
                let why = format!("{} answered first", addrs[index]);
                abort_all(&mut pending, &why);
                return Ok(s);
            }
            Err(e) => {
                trace::note(proto, &format!("cannot connect to {}: {e}", addrs[index]));
                last = Some(e);
                // The next address at once.
                next_at = Instant::now();
            }
        }
    }
    let e = last.unwrap_or_else(|| io::Error::other("no address"));
    if is_timeout(&e) {
        Err(t.timed_out().with_system(e.to_string()))
    } else {
        Err(
            Error::new(WD_E::Connect, format!("cannot connect to {}: {e}", t.what))
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

    fn target(host: &str, port: u16, timeout: Duration) -> Target<'_> {
        Target {
            host,
            port,
            what: "the test server",
            timeout,
        }
    }

    #[test]
    fn empty_host_is_invalid() {
        let t = target("", 25, Duration::from_secs(1));
        let e = connect(&t, None, "SMTP").unwrap_err();
        assert_eq!(e.code, WD_E::InvalidArgument);
    }

    #[test]
    fn families_take_turns() {
        let a = |s: &str| s.parse::<SocketAddr>().unwrap();
        let order = interleave(vec![
            a("[2001:db8::1]:25"),
            a("[2001:db8::2]:25"),
            a("[2001:db8::3]:25"),
            a("192.0.2.1:25"),
            a("[2001:db8::1]:25"),
            a("192.0.2.2:25"),
        ]);
        assert_eq!(
            order,
            [
                a("[2001:db8::1]:25"),
                a("192.0.2.1:25"),
                a("[2001:db8::2]:25"),
                a("192.0.2.2:25"),
                a("[2001:db8::3]:25"),
            ]
        );
        let v4_first = interleave(vec![a("192.0.2.1:1"), a("[::1]:1"), a("192.0.2.2:1")]);
        assert_eq!(v4_first, [a("192.0.2.1:1"), a("[::1]:1"), a("192.0.2.2:1")]);
    }

    /// A listener whose accept queue is full: a connection to it is never answered
    /// (the kernel drops the SYN), the same as an address whose packets vanish. `None`
    /// when this system answers such connections anyway or refuses them.
    fn black_hole(ip: &str) -> Option<(Socket, TcpStream, SocketAddr)> {
        let addr = SocketAddr::new(ip.parse().unwrap(), 0);
        let l = Socket::new(Domain::for_address(addr), Type::STREAM, None).ok()?;
        l.bind(&addr.into()).ok()?;
        l.listen(0).ok()?;
        let addr = l.local_addr().ok()?.as_socket()?;
        // Fills the queue (a backlog of 0 holds one connection).
        let filler = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
        // The premise: a further connection times out rather than failing fast.
        match TcpStream::connect_timeout(&addr, Duration::from_millis(300)) {
            Err(e) if is_timeout(&e) => Some((l, filler, addr)),
            _ => None,
        }
    }

    #[test]
    fn happy_eyeballs_skips_a_black_hole() {
        let (_hole, _filler, dead) = black_hole("::1")
            .or_else(|| black_hole("127.0.0.1"))
            .expect("no loopback black hole: a full accept queue is answered here");
        let live = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let live_addr = live.local_addr().unwrap();
        let t = target("mail.example", live_addr.port(), Duration::from_secs(30));
        let deadline = Some(Instant::now() + t.timeout);
        // Sequential connecting would wait the whole 30 s on the first address.
        let t0 = Instant::now();
        let s = connect_with(&t, deadline, "TEST", |h, p, bound| {
            assert_eq!((h, p), ("mail.example", live_addr.port()));
            assert!(bound > Duration::from_secs(29));
            Ok(vec![dead, live_addr])
        })
        .unwrap();
        let took = t0.elapsed();
        eprintln!("black hole {dead} skipped: connected to {live_addr} in {took:?}");
        assert_eq!(s.peer_addr().unwrap(), live_addr);
        assert!(
            took >= ATTEMPT_DELAY,
            "{took:?}: the second attempt waits its turn"
        );
        assert!(took < Duration::from_secs(1), "{took:?}");
        let (accepted, _) = live.accept().unwrap();
        assert_eq!(accepted.peer_addr().unwrap(), s.local_addr().unwrap());
    }

    #[test]
    fn a_failed_attempt_starts_the_next_at_once() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let refused = closed.local_addr().unwrap();
        drop(closed);
        let live = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let t = target("x", 1, Duration::from_secs(30));
        let t0 = Instant::now();
        let addrs = [refused, live.local_addr().unwrap()];
        let s = race(&t, &addrs, Some(Instant::now() + t.timeout), "TEST").unwrap();
        assert_eq!(s.peer_addr().unwrap(), addrs[1]);
        assert!(t0.elapsed() < ATTEMPT_DELAY, "{:?}", t0.elapsed());
        let e = race(&t, &addrs[..1], None, "TEST").unwrap_err();
        assert_eq!(e.code, WD_E::Connect);
        let os = e.system.clone().unwrap();
        assert_eq!(
            e.message,
            format!("cannot connect to the test server: {os}")
        );
    }

    #[test]
    fn black_holes_alone_end_at_the_deadline() {
        let (_hole, _filler, dead) = black_hole("127.0.0.1")
            .or_else(|| black_hole("::1"))
            .expect("no loopback black hole");
        let t = target("x", 1, Duration::from_millis(400));
        let t0 = Instant::now();
        let e = race(&t, &[dead, dead], Some(t0 + t.timeout), "TEST").unwrap_err();
        assert_eq!(e.code, WD_E::Timeout);
        assert_eq!(
            e.message,
            "cannot connect to the test server: no answer within 0.4 s"
        );
        assert!(t0.elapsed() < Duration::from_secs(3));
    }
}
