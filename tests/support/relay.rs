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

/// Copies `from` to `to` until `from` ends, then ends `to`; returns the bytes copied.
fn pump(mut from: TcpStream, mut to: TcpStream) -> Vec<u8> {
    let mut seen = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    while let Ok(n) = from.read(&mut buf) {
        if n == 0 || to.write_all(&buf[..n]).is_err() {
            break;
        }
        seen.extend_from_slice(&buf[..n]);
    }
    let _ = to.shutdown(Shutdown::Write);
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
