//! The listener and its thread: one script per accepted connection.

use super::conn::{Conn, Stream};
use super::script::Script;
use super::transcript::Transcript;
use super::{ACCEPT_CAP, DEFAULT_FLIGHT_GRACE, DEFAULT_JOIN_TIMEOUT, DEFAULT_READ_TIMEOUT};
use parking_lot::Mutex;
use std::any::Any;
use std::io;
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

#[derive(Default)]
struct Shared {
    sessions: Vec<Transcript>,
    /// Clone of the socket being served, to force it closed from outside.
    current: Option<TcpStream>,
}

pub(super) struct Inner {
    shared: Mutex<Shared>,
    stop: AtomicBool,
}

impl Inner {
    pub(super) fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    pub(super) fn with<R>(&self, idx: usize, f: impl FnOnce(&mut Transcript) -> R) -> R {
        let mut g = self.shared.lock();
        f(&mut g.sessions[idx])
    }

    fn force_close(&self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(s) = self.shared.lock().current.take() {
            let _ = s.shutdown(Shutdown::Both);
        }
    }
}

pub(super) fn panic_message(p: &(dyn Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic payload)".into()
    }
}

/// A fake server listening on 127.0.0.1 and playing scripts on a background
/// thread. Dropping it without `join` force-closes the connection.
pub struct FakeServer {
    addr: SocketAddr,
    inner: Arc<Inner>,
    handle: Option<JoinHandle<()>>,
}

impl FakeServer {
    /// Plain TCP, one connection.
    pub fn start(script: Script) -> FakeServer {
        Self::spawn(vec![script], false)
    }

    /// Plain TCP, one script per successive connection.
    pub fn start_multi(scripts: Vec<Script>) -> FakeServer {
        Self::spawn(scripts, false)
    }

    /// Implicit TLS (handshake before the first step), one connection.
    pub fn start_tls(script: Script) -> FakeServer {
        Self::spawn(vec![script], true)
    }

    /// Implicit TLS, one script per successive connection.
    pub fn start_tls_multi(scripts: Vec<Script>) -> FakeServer {
        Self::spawn(scripts, true)
    }

    fn spawn(scripts: Vec<Script>, tls: bool) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local_addr");
        let inner = Arc::new(Inner {
            shared: Mutex::new(Shared::default()),
            stop: AtomicBool::new(false),
        });
        let th_inner = inner.clone();
        let handle = thread::Builder::new()
            .name(format!("fake-server-{}", addr.port()))
            .spawn(move || serve(listener, th_inner, scripts, tls))
            .expect("spawn fake server thread");
        FakeServer {
            addr,
            inner,
            handle: Some(handle),
        }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Waits (at most [`DEFAULT_JOIN_TIMEOUT`]) for the scripts to finish.
    pub fn join(self) -> Transcript {
        self.join_timeout(DEFAULT_JOIN_TIMEOUT)
    }

    /// Waits at most `timeout`; past it the connection is forced closed and
    /// a failure is recorded.
    pub fn join_timeout(mut self, timeout: Duration) -> Transcript {
        let handle = self.handle.take().expect("join called twice");
        let mut extra = Vec::new();
        let deadline = Instant::now() + timeout;
        while !handle.is_finished() && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(5));
        }
        if !handle.is_finished() {
            extra.push(format!(
                "script did not finish within {timeout:?}; connection forced closed"
            ));
            self.inner.force_close();
            let grace = Instant::now() + Duration::from_secs(2);
            while !handle.is_finished() && Instant::now() < grace {
                thread::sleep(Duration::from_millis(5));
            }
        }
        if handle.is_finished()
            && let Err(p) = handle.join()
        {
            extra.push(format!("script thread panicked: {}", panic_message(&*p)));
        }
        let sessions = std::mem::take(&mut self.inner.shared.lock().sessions);
        merge(sessions, extra)
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        if self.handle.is_some() {
            self.inner.force_close();
        }
    }
}

fn merge(sessions: Vec<Transcript>, extra: Vec<String>) -> Transcript {
    let multi = sessions.len() > 1;
    let mut t = Transcript {
        client_closed: !sessions.is_empty() && sessions.iter().all(|s| s.client_closed),
        ..Transcript::default()
    };
    for (i, s) in sessions.iter().enumerate() {
        t.received.extend_from_slice(&s.received);
        t.sent.extend_from_slice(&s.sent);
        t.lines.extend(s.lines.iter().cloned());
        t.flights += s.flights;
        t.failures.extend(s.failures.iter().map(|f| {
            if multi {
                format!("connection #{i}: {f}")
            } else {
                f.clone()
            }
        }));
        t.data_bodies.extend(s.data_bodies.iter().cloned());
        t.bdat_chunks.extend(s.bdat_chunks.iter().cloned());
        t.literal_commands
            .extend(s.literal_commands.iter().cloned());
    }
    t.failures.extend(extra);
    t.sessions = sessions;
    t
}

fn accept(listener: &TcpListener, inner: &Inner) -> Result<TcpStream, String> {
    let end = Instant::now() + ACCEPT_CAP;
    loop {
        if inner.stopped() {
            return Err("no client connected before the server was stopped".into());
        }
        match listener.accept() {
            Ok((s, _)) => return Ok(s),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                if Instant::now() >= end {
                    return Err(format!("no client connected within {ACCEPT_CAP:?}"));
                }
                thread::sleep(Duration::from_millis(2));
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("accept failed: {e}")),
        }
    }
}

fn serve(listener: TcpListener, inner: Arc<Inner>, scripts: Vec<Script>, tls: bool) {
    if let Err(e) = listener.set_nonblocking(true) {
        inner.shared.lock().sessions.push(Transcript {
            failures: vec![format!("listener set_nonblocking: {e}")],
            ..Transcript::default()
        });
        return;
    }
    let mut aborted = false;
    for (idx, script) in scripts.into_iter().enumerate() {
        inner.shared.lock().sessions.push(Transcript::default());
        if aborted {
            inner.with(idx, |t| {
                t.failures
                    .push("not run: an earlier connection was never accepted".into())
            });
            continue;
        }
        let stream = match accept(&listener, &inner) {
            Ok(s) => s,
            Err(e) => {
                inner.with(idx, |t| t.failures.push(e));
                aborted = true;
                continue;
            }
        };
        run_session(&inner, idx, stream, tls, script);
    }
}

fn run_session(inner: &Arc<Inner>, idx: usize, stream: TcpStream, tls: bool, script: Script) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_nodelay(true);
    {
        let mut g = inner.shared.lock();
        g.current = stream.try_clone().ok();
        if inner.stopped() {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
    let mut conn = Conn {
        stream: Stream::Plain(stream),
        rbuf: Vec::new(),
        eof: false,
        inner: inner.clone(),
        idx,
        read_timeout: DEFAULT_READ_TIMEOUT,
        flight_grace: DEFAULT_FLIGHT_GRACE,
        client_data_pending: false,
        tags: Default::default(),
    };
    let mut steps = script.steps.into_iter().enumerate().peekable();
    // Leading settings also apply to the implicit TLS handshake.
    while let Some((_, s)) = steps.next_if(|(_, s)| s.is_setting()) {
        let _ = conn.run_step(s);
    }
    let mut ok = true;
    if tls && let Err(e) = conn.starttls() {
        conn.record(|t| t.failures.push(format!("implicit TLS: {e}")));
        ok = false;
    }
    if ok {
        for (i, step) in steps {
            if inner.stopped() {
                conn.record(|t| t.failures.push("script aborted (server stopped)".into()));
                break;
            }
            let desc = step.describe();
            match conn.run_step(step) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    conn.record(|t| t.failures.push(format!("step {i} ({desc}): {e}")));
                    break;
                }
            }
        }
    }
    conn.finish();
    inner.shared.lock().current = None;
}
