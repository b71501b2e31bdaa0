//! A minimal HTTP/1.1 client for the token endpoint (one POST per connection,
//! `Connection: close`, Content-Length / chunked / close-delimited bodies) and the
//! loopback receiver of the browser's redirect.
//!
//! The reply reader runs over a [`Source`]: the connection, or bytes already received
//! ([`parse_response`], the same parser without I/O).

use super::url::{self, Scheme, Url};
use crate::error::{Error, Result, WD_E};
use crate::limits::MAX_LINE;
use crate::net::{ConnectConfig, Connection, ProxyChoice, TlsMode, proxy};
use crate::text::find_byte;
use crate::trace;
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// Largest response body accepted from a token endpoint.
pub const MAX_BODY: usize = 1024 * 1024;
/// Largest request head accepted on the redirect listener.
const MAX_REQUEST_HEAD: usize = 16 * 1024;
/// Most header lines accepted in a response.
const MAX_HEADERS: usize = 200;
/// Most connections held at once on the redirect listener (a new one closes the oldest).
pub const MAX_CONNECTIONS: usize = 8;
/// Time a connection to the redirect listener has to send its request.
pub const CONNECTION_DEADLINE: Duration = Duration::from_secs(3);

const PROTO: &str = "HTTP";

/// An HTTP response.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn remaining(deadline: Instant) -> Result<Duration> {
    let now = Instant::now();
    if now >= deadline {
        Err(Error::new(WD_E::Timeout, "OAuth2 flow timed out"))
    } else {
        Ok(deadline - now)
    }
}

/// POSTs an `application/x-www-form-urlencoded` body to `target` and reads the reply.
/// The body is never traced (it holds the code, secrets or the refresh token).
pub fn post_form(
    target: &Url,
    form: &[(&str, &str)],
    deadline: Instant,
    ca_file: Option<&str>,
) -> Result<Response> {
    let cfg = ConnectConfig {
        host: target.host.clone(),
        port: target.port,
        tls: match target.scheme {
            Scheme::Https => TlsMode::Implicit,
            Scheme::Http => TlsMode::None,
        },
        accept_invalid_certs: false,
        ca_file: ca_file.map(str::to_string),
        // The whole exchange (connection, TLS, request, reply) within the flow's deadline:
        // the connection never leaves its opening phase.
        timeout: remaining(deadline)?,
        min_speed: crate::net::min_speed(),
        // The environment's proxy, as curl reads it for this scheme (docs/API.md §9).
        proxy: ProxyChoice::Environment(match target.scheme {
            Scheme::Https => proxy::HTTPS_ENV,
            Scheme::Http => proxy::HTTP_ENV,
        }),
    };
    let timed_out = |e: Error| {
        if e.code == WD_E::Timeout {
            // The connection's own words ("did not open…") are about its deadline, which
            // is the flow's here.
            Error::new(
                WD_E::Timeout,
                "OAuth2 flow timed out: the token endpoint did not answer in time",
            )
            .with_system(e.message)
        } else {
            e
        }
    };
    let mut conn = Connection::connect(&cfg, PROTO).map_err(timed_out)?;
    let body = url::form(form);
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: wd300com/{}\r\nAccept: application/json\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        target.target(),
        target.authority(),
        env!("CARGO_PKG_VERSION"),
        body.len()
    );
    trace::client(PROTO, &format!("POST {} HTTP/1.1", target.target()));
    let names: Vec<&str> = form.iter().map(|(k, _)| *k).collect();
    trace::client_masked(PROTO, &format!("form fields {}:", names.join(", ")));
    conn.write_all(head.as_bytes())?;
    conn.write_all(body.as_bytes())?;
    let r = (|| {
        conn.flush()?;
        read_response(&mut conn, deadline)
    })();
    conn.close();
    r.map_err(timed_out)
}

/// Checks that `deadline` has not passed (the connection's own deadline, set from it at
/// connect time, bounds every wait of the exchange).
fn bound(deadline: Instant) -> Result<()> {
    remaining(deadline).map(|_| ())
}

/// What the reply reader reads from: the reads of a [`Connection`], with the same
/// errors.
trait Source {
    fn read_line(&mut self) -> Result<&[u8]>;
    fn read_exact_vec(&mut self, n: usize) -> Result<Vec<u8>>;
    fn read_to_end(&mut self, max: usize) -> Result<Vec<u8>>;

    fn read_line_lossy(&mut self) -> Result<String> {
        self.read_line()
            .map(|l| String::from_utf8_lossy(l).into_owned())
    }
}

impl Source for Connection {
    fn read_line(&mut self) -> Result<&[u8]> {
        Connection::read_line(self)
    }
    fn read_exact_vec(&mut self, n: usize) -> Result<Vec<u8>> {
        Connection::read_exact_vec(self, n)
    }
    fn read_to_end(&mut self, max: usize) -> Result<Vec<u8>> {
        Connection::read_to_end(self, max)
    }
}

/// A whole reply already received, read as the connection would deliver it (lines of
/// at most [`MAX_LINE`] bytes, the end of the bytes as the server closing).
struct Received<'a>(&'a [u8]);

fn closed() -> Error {
    Error::new(WD_E::ConnectionLost, "connection closed by server")
}

impl Source for Received<'_> {
    fn read_line(&mut self) -> Result<&[u8]> {
        let rest = self.0;
        match find_byte(&rest[..rest.len().min(MAX_LINE)], b'\n') {
            Some(i) => {
                self.0 = &rest[i + 1..];
                let line = &rest[..i];
                Ok(line.strip_suffix(b"\r").unwrap_or(line))
            }
            None if rest.len() >= MAX_LINE => Err(Error::new(
                WD_E::Protocol,
                format!("line too long (> {MAX_LINE} bytes)"),
            )),
            None => Err(closed()),
        }
    }
    fn read_exact_vec(&mut self, n: usize) -> Result<Vec<u8>> {
        if self.0.len() < n {
            return Err(closed());
        }
        let (data, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(data.to_vec())
    }
    fn read_to_end(&mut self, max: usize) -> Result<Vec<u8>> {
        if self.0.len() > max {
            return Err(Error::new(
                WD_E::Protocol,
                format!("reply too long (> {max} bytes)"),
            ));
        }
        Ok(std::mem::take(&mut self.0).to_vec())
    }
}

/// Parses a whole HTTP reply already received (`bytes` ends where the server closed
/// the connection) exactly as [`post_form`] reads one from the network.
pub fn parse_response(bytes: &[u8]) -> Result<Response> {
    read_response(
        &mut Received(bytes),
        Instant::now() + Duration::from_secs(3600),
    )
}

fn read_response(conn: &mut impl Source, deadline: Instant) -> Result<Response> {
    loop {
        bound(deadline)?;
        let status_line = conn.read_line_lossy()?;
        trace::server(PROTO, &status_line);
        let (status, reason) = parse_status_line(&status_line)?;
        let mut headers = Vec::new();
        loop {
            bound(deadline)?;
            let line = conn.read_line_lossy()?;
            if line.is_empty() {
                break;
            }
            if headers.len() >= MAX_HEADERS {
                return Err(Error::new(
                    WD_E::Protocol,
                    "HTTP reply has too many headers",
                ));
            }
            match line.find(':') {
                Some(i) => headers.push((
                    line[..i].trim().to_string(),
                    line[i + 1..].trim().to_string(),
                )),
                None => {
                    return Err(Error::protocol("malformed HTTP header line", line));
                }
            }
        }
        // 1xx interim replies (100 Continue) precede the real one.
        if (100..200).contains(&status) {
            continue;
        }
        let mut r = Response {
            status,
            reason,
            headers,
            body: Vec::new(),
        };
        r.body = read_body(conn, &r, deadline)?;
        return Ok(r);
    }
}

/// Parses `HTTP/1.1 200 OK`.
pub fn parse_status_line(line: &str) -> Result<(u16, String)> {
    let mut parts = line.splitn(3, ' ');
    let version = parts.next().unwrap_or("");
    let code = parts.next().unwrap_or("");
    if !version.starts_with("HTTP/1.") || code.len() != 3 {
        return Err(Error::protocol("not an HTTP reply", line));
    }
    let status = code
        .parse::<u16>()
        .map_err(|_| Error::protocol("not an HTTP reply", line))?;
    Ok((status, parts.next().unwrap_or("").trim().to_string()))
}

fn read_body(conn: &mut impl Source, r: &Response, deadline: Instant) -> Result<Vec<u8>> {
    let chunked = r
        .header("Transfer-Encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        let mut body = Vec::new();
        loop {
            bound(deadline)?;
            let line = conn.read_line_lossy()?;
            let size_text = line.split(';').next().unwrap_or("").trim();
            let size = usize::from_str_radix(size_text, 16)
                .map_err(|_| Error::protocol("malformed HTTP chunk size", line.clone()))?;
            if size == 0 {
                // Trailers, up to the empty line.
                loop {
                    bound(deadline)?;
                    if conn.read_line()?.is_empty() {
                        return Ok(body);
                    }
                }
            }
            if size > MAX_BODY.saturating_sub(body.len()) {
                return Err(Error::new(
                    WD_E::Protocol,
                    format!("HTTP reply body too long (> {MAX_BODY} bytes)"),
                ));
            }
            bound(deadline)?;
            body.extend_from_slice(&conn.read_exact_vec(size)?);
            if !conn.read_line()?.is_empty() {
                return Err(Error::new(WD_E::Protocol, "malformed HTTP chunk end"));
            }
        }
    }
    if let Some(len) = r.header("Content-Length") {
        let n: usize = len
            .trim()
            .parse()
            .map_err(|_| Error::protocol("malformed HTTP Content-Length", len.to_string()))?;
        if n > MAX_BODY {
            return Err(Error::new(
                WD_E::Protocol,
                format!("HTTP reply body too long ({n} > {MAX_BODY} bytes)"),
            ));
        }
        bound(deadline)?;
        return conn.read_exact_vec(n);
    }
    if r.status == 204 || r.status == 304 {
        return Ok(Vec::new());
    }
    bound(deadline)?;
    conn.read_to_end(MAX_BODY)
}

/// What the browser brought back on the redirect: the decoded query pairs.
pub type RedirectQuery = Vec<(String, String)>;

struct Pending {
    stream: TcpStream,
    head: Vec<u8>,
    /// When the connection was accepted (its request must be complete by
    /// [`CONNECTION_DEADLINE`] after).
    since: Instant,
}

/// Waits on `listener` (already bound, non-blocking) for the browser's `GET path?...`
/// carrying `code` or `error` with `state`, answers it with a small HTML page and returns
/// the query.
///
/// Everything else is answered with an error page and ignored, the wait going on: other
/// paths (favicon), requests without parameters, and requests whose `state` is not
/// `state` (forged or stale: they can neither abort the flow nor stand for the redirect).
/// Connections are served together, each with [`CONNECTION_DEADLINE`] to send its
/// request; at most [`MAX_CONNECTIONS`] are held, a new one closing the oldest at once,
/// so idle or slow connections cannot keep the browser's out. Fails with
/// `WD_E::Timeout` at `deadline`.
pub fn receive_redirect(
    listener: &TcpListener,
    path: &str,
    state: &str,
    deadline: Instant,
) -> Result<RedirectQuery> {
    let mut pending: Vec<Pending> = Vec::new();
    let mut ignored = 0usize;
    loop {
        if Instant::now() >= deadline {
            let mut m =
                "no authorization redirect arrived from the browser before the timeout".to_string();
            if ignored > 0 {
                m.push_str(&format!(
                    " ({ignored} request(s) carrying another state were ignored)"
                ));
            }
            return Err(Error::new(WD_E::Timeout, m));
        }
        let mut progressed = false;
        loop {
            match listener.accept() {
                Ok((stream, _)) => {
                    progressed = true;
                    if stream.set_nonblocking(true).is_err() {
                        continue;
                    }
                    if pending.len() >= MAX_CONNECTIONS {
                        // The oldest is closed (dropped) at once.
                        pending.remove(0);
                    }
                    pending.push(Pending {
                        stream,
                        head: Vec::new(),
                        since: Instant::now(),
                    });
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(Error::new(
                        WD_E::Connect,
                        format!("redirect listener failed: {e}"),
                    )
                    .with_system(e.to_string()));
                }
            }
        }
        let mut i = 0;
        while i < pending.len() {
            match poll_request(&mut pending[i]) {
                Poll::Waiting if pending[i].since.elapsed() < CONNECTION_DEADLINE => i += 1,
                Poll::Waiting | Poll::Dropped => {
                    pending.remove(i);
                    progressed = true;
                }
                Poll::Request(target) => {
                    let mut p = pending.remove(i);
                    progressed = true;
                    match answer(&mut p.stream, &target, path, state) {
                        Answer::Redirect(q) => return Ok(q),
                        Answer::OtherState => ignored += 1,
                        Answer::Other => {}
                    }
                }
            }
        }
        if !progressed {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

enum Poll {
    Waiting,
    Dropped,
    /// The request target of a complete GET head.
    Request(String),
}

fn poll_request(p: &mut Pending) -> Poll {
    let mut buf = [0u8; 4096];
    loop {
        match p.stream.read(&mut buf) {
            Ok(0) => return Poll::Dropped,
            Ok(n) => {
                p.head.extend_from_slice(&buf[..n]);
                if let Some(end) = find_head_end(&p.head) {
                    let head = String::from_utf8_lossy(&p.head[..end]).into_owned();
                    let line = head.lines().next().unwrap_or("").to_string();
                    let mut parts = line.split(' ');
                    let method = parts.next().unwrap_or("");
                    let target = parts.next().unwrap_or("").to_string();
                    if method != "GET" {
                        let _ = respond(
                            &mut p.stream,
                            405,
                            "Method Not Allowed",
                            "Only GET is expected here.",
                        );
                        return Poll::Dropped;
                    }
                    return Poll::Request(target);
                }
                if p.head.len() > MAX_REQUEST_HEAD {
                    let _ = respond(
                        &mut p.stream,
                        431,
                        "Request Header Fields Too Large",
                        "Request too large.",
                    );
                    return Poll::Dropped;
                }
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => return Poll::Waiting,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(_) => return Poll::Dropped,
        }
    }
}

fn find_head_end(b: &[u8]) -> Option<usize> {
    b.windows(4)
        .position(|w| w == b"\r\n\r\n")
        .or_else(|| b.windows(2).position(|w| w == b"\n\n"))
}

/// What one GET on the redirect listener was.
enum Answer {
    /// The redirect (code or error) with the expected state.
    Redirect(RedirectQuery),
    /// A code or an error with another state, or none.
    OtherState,
    /// Another path, or no code nor error.
    Other,
}

/// Answers one GET.
fn answer(stream: &mut TcpStream, target: &str, path: &str, state: &str) -> Answer {
    let (req_path, query) = match target.find('?') {
        Some(i) => (&target[..i], &target[i + 1..]),
        None => (target, ""),
    };
    let req_path = if req_path.is_empty() { "/" } else { req_path };
    if req_path != path {
        let _ = respond(stream, 404, "Not Found", "Not found.");
        return Answer::Other;
    }
    let q = url::parse_query(query);
    let has = |k: &str| url::get(&q, k).is_some();
    if !has("code") && !has("error") {
        let _ = respond(
            stream,
            400,
            "Bad Request",
            "This address expects an authorization response.",
        );
        return Answer::Other;
    }
    if url::get(&q, "state") != Some(state) {
        trace::note(
            "OAUTH2",
            &format!("request on {req_path} with another state ignored"),
        );
        let _ = respond(
            stream,
            400,
            "Bad Request",
            "This authorization response does not belong to the sign-in in progress; \
             it was ignored.",
        );
        return Answer::OtherState;
    }
    trace::note("OAUTH2", &format!("redirect received on {req_path}"));
    let text = if has("error") {
        "Authorization was not granted. You may close this window."
    } else {
        "Authorization received. You may close this window."
    };
    let _ = respond(stream, 200, "OK", text);
    Answer::Redirect(q)
}

fn respond(stream: &mut TcpStream, status: u16, reason: &str, text: &str) -> std::io::Result<()> {
    let body = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>wd300com</title></head>\
         <body><p>{text}</p></body></html>\n"
    );
    let msg = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.set_nonblocking(false)?;
    stream.set_write_timeout(Some(Duration::from_secs(2)))?;
    stream.write_all(msg.as_bytes())?;
    stream.flush()?;
    let _ = stream.shutdown(std::net::Shutdown::Write);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines() {
        assert_eq!(
            parse_status_line("HTTP/1.1 200 OK").unwrap(),
            (200, "OK".into())
        );
        assert_eq!(parse_status_line("HTTP/1.0 500").unwrap().0, 500);
        assert!(parse_status_line("SSH-2.0-OpenSSH").is_err());
        assert!(parse_status_line("HTTP/1.1 20 OK").is_err());
        assert!(parse_status_line("").is_err());
    }

    #[test]
    fn replies_parse_without_io() {
        let r = parse_response(
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
              Transfer-Encoding: chunked\r\n\r\n3;x=y\r\n{\"a\r\n2\r\n\":\r\n0\r\nT: 1\r\n\r\n",
        )
        .unwrap();
        assert_eq!((r.status, r.reason.as_str()), (200, "OK"));
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert_eq!(r.body, b"{\"a\":");
        let r = parse_response(b"HTTP/1.0 400 Bad\nContent-Length: 2\n\nabcd").unwrap();
        assert_eq!((r.status, r.body.as_slice()), (400, &b"ab"[..]));
        let r = parse_response(b"HTTP/1.1 200 OK\r\n\r\nto the end\r\n").unwrap();
        assert_eq!(r.body, b"to the end\r\n");
        for (reply, code) in [
            (
                &b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabc"[..],
                WD_E::ConnectionLost,
            ),
            (b"HTTP/1.1 200 OK\r\nno colon\r\n\r\n", WD_E::Protocol),
            (
                b"HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n",
                WD_E::Protocol,
            ),
            (
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                WD_E::Protocol,
            ),
            (b"HTTP/1.1 200 OK\r\n", WD_E::ConnectionLost),
            (b"220 smtp.example.com ESMTP\r\n", WD_E::Protocol),
        ] {
            let e = parse_response(reply).unwrap_err();
            assert_eq!(
                e.code,
                code,
                "{e:?} for {:?}",
                String::from_utf8_lossy(reply)
            );
        }
        let long = [b"HTTP/1.1 200 OK\r\nX: ".as_slice(), &vec![b'a'; MAX_LINE]].concat();
        assert_eq!(parse_response(&long).unwrap_err().code, WD_E::Protocol);
    }

    #[test]
    fn head_end() {
        assert_eq!(
            find_head_end(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
            Some(23)
        );
        assert_eq!(find_head_end(b"GET / HTTP/1.1\nHost: x\n\n"), Some(22));
        assert_eq!(find_head_end(b"GET / HTTP/1.1\r\n"), None);
    }
}
