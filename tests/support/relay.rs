//! A loopback relay in front of a real server that records what the client sends: shows
//! on the wire what a client chose (its sign-in commands, say), whatever other tests of
//! the process do meanwhile. Plain-text connections only.
//!
//! ```ignore
//! let relay = Relay::start(&host, imap_port);
//! // ... open a client on 127.0.0.1:relay.port() ...
//! let sent = relay.client_text();
//! assert!(sent.contains("AUTHENTICATE SCRAM-SHA-256"));
//! ```

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// Upper bound for the client to connect and for each wait for data.
const CAP: Duration = Duration::from_secs(60);

pub struct Relay {
    port: u16,
    handle: JoinHandle<Result<Vec<u8>, String>>,
}

fn accept(listener: &TcpListener) -> Result<TcpStream, String> {
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let start = Instant::now();
    loop {
        match listener.accept() {
            Ok((s, _)) => {
                s.set_nonblocking(false).map_err(|e| e.to_string())?;
                return Ok(s);
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock && start.elapsed() < CAP => {
                thread::sleep(Duration::from_millis(10));
            }
            Err(e) => return Err(format!("no client connected: {e}")),
        }
    }
}

/// Copies `from` to `to` until `from` ends, then ends `to`; `seen` gets each piece copied.
fn pump_with(mut from: TcpStream, mut to: TcpStream, mut seen: impl FnMut(&[u8])) {
    let mut buf = [0u8; 16 * 1024];
    while let Ok(n) = from.read(&mut buf) {
        if n == 0 || to.write_all(&buf[..n]).is_err() {
            break;
        }
        seen(&buf[..n]);
    }
    let _ = to.shutdown(Shutdown::Write);
}

/// Copies `from` to `to` until `from` ends, then ends `to`; returns the bytes copied.
fn pump(from: TcpStream, to: TcpStream) -> Vec<u8> {
    let mut seen = Vec::new();
    pump_with(from, to, |b| seen.extend_from_slice(b));
    seen
}

impl Relay {
    /// Accepts one connection on a free loopback port and forwards it, both ways, to
    /// `host`:`port`.
    pub fn start(host: &str, port: u16) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind relay");
        let local = listener.local_addr().expect("relay address").port();
        let target = format!("{host}:{port}");
        let handle = thread::spawn(move || {
            let client = accept(&listener)?;
            let server = TcpStream::connect(&target).map_err(|e| format!("{target}: {e}"))?;
            for s in [&client, &server] {
                s.set_read_timeout(Some(CAP)).map_err(|e| e.to_string())?;
            }
            let clone = |s: &TcpStream| s.try_clone().map_err(|e| e.to_string());
            let (client2, server2) = (clone(&client)?, clone(&server)?);
            let down = thread::spawn(move || pump(server2, client2));
            let up = pump(client, server);
            let _ = down.join();
            Ok(up)
        });
        Relay {
            port: local,
            handle,
        }
    }

    /// The port the client connects to.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Waits until the connection ends; everything the client sent, as text.
    pub fn client_text(self) -> String {
        match self.handle.join().expect("relay thread panicked") {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) => panic!("relay: {e}"),
        }
    }
}

/// Runs `client` with the port of a relay to `host`:`port` (the client must have closed
/// its connection when it returns); returns its result and what it sent.
pub fn record<T>(host: &str, port: u16, client: impl FnOnce(u16) -> T) -> (T, String) {
    let relay = Relay::start(host, port);
    let r = client(relay.port());
    (r, relay.client_text())
}

/// A relay for any number of connections, one after the other or together, that records
/// what the clients send and can cut the open connections ([`CutRelay::cut`], as a server
/// dropping idle clients does) while it goes on accepting new ones.
pub struct CutRelay {
    port: u16,
    /// Both ends of every connection relayed so far.
    open: Arc<Mutex<Vec<TcpStream>>>,
    sent: Arc<Mutex<Vec<u8>>>,
}

impl CutRelay {
    /// Accepts connections on a free loopback port and forwards each to `host`:`port`.
    pub fn start(host: &str, port: u16) -> CutRelay {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind relay");
        let local = listener.local_addr().expect("relay address").port();
        let target = format!("{host}:{port}");
        let open: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let sent: Arc<Mutex<Vec<u8>>> = Arc::default();
        let (open2, sent2) = (open.clone(), sent.clone());
        thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                let Ok(server) = TcpStream::connect(&target) else {
                    continue;
                };
                let ends = [&client, &server].map(|s| s.try_clone().expect("clone"));
                open2.lock().unwrap().extend(ends);
                let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                thread::spawn(move || pump(s2, c2));
                let sent = sent2.clone();
                thread::spawn(move || {
                    pump_with(client, server, |b| {
                        sent.lock().unwrap().extend_from_slice(b)
                    })
                });
            }
        });
        CutRelay {
            port: local,
            open,
            sent,
        }
    }

    /// The port the clients connect to.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Cuts every connection opened so far (both ends, at once).
    pub fn cut(&self) {
        for s in self.open.lock().unwrap().iter() {
            let _ = s.shutdown(Shutdown::Both);
        }
    }

    /// How many connections were relayed.
    pub fn connections(&self) -> usize {
        self.open.lock().unwrap().len() / 2
    }

    /// Everything the clients sent so far, as text.
    pub fn client_text(&self) -> String {
        String::from_utf8_lossy(&self.sent.lock().unwrap()).into_owned()
    }
}
