//! Helpers for the benchmark, std only (built with `rustc -O`, no cargo):
//!
//! - `tools sink PORT`: a fast SMTP sink on 127.0.0.1:PORT that accepts everything. It offers
//!   PIPELINING, CHUNKING, 8BITMIME, SIZE and AUTH PLAIN LOGIN (any credentials), reads DATA and
//!   BDAT, answers in batches (replies are flushed only when no more pipelined input is
//!   buffered), one thread per connection.
//! - `tools proxy LISTEN_PORT TARGET_PORT DELAY_MS STATS_FILE`: a TCP proxy on 127.0.0.1 that
//!   delays each direction's data by DELAY_MS while keeping its order (every chunk is
//!   timestamped when read and written when due). For each connection it appends one line to
//!   STATS_FILE when both sides are done: `client_flights server_flights up_bytes down_bytes`,
//!   where a client flight is a client→server burst that follows a server→client burst (or
//!   opens the connection).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("sink") if args.len() == 3 => sink(args[2].parse().expect("port")),
        Some("proxy") if args.len() == 6 => proxy(
            args[2].parse().expect("listen port"),
            args[3].parse().expect("target port"),
            args[4].parse().expect("delay ms"),
            args[5].clone(),
        ),
        _ => {
            eprintln!("usage: tools sink PORT | tools proxy LISTEN TARGET DELAY_MS STATS_FILE");
            std::process::exit(2);
        }
    }
}

// ---------------------------------------------------------------- SMTP sink

fn sink(port: u16) {
    let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind sink");
    println!("sink listening on 127.0.0.1:{port}");
    std::io::stdout().flush().ok();
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        thread::spawn(move || {
            let _ = sink_session(stream);
        });
    }
}

fn sink_session(stream: TcpStream) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut r = BufReader::with_capacity(256 * 1024, stream.try_clone()?);
    let mut w = std::io::BufWriter::with_capacity(64 * 1024, stream);
    w.write_all(b"220 sink.bench ESMTP ready\r\n")?;
    w.flush()?;
    let mut line = Vec::with_capacity(1024);
    let mut body = vec![0u8; 64 * 1024];
    loop {
        if r.buffer().is_empty() {
            w.flush()?;
        }
        line.clear();
        if r.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        let upper: Vec<u8> = line.iter().take(12).map(u8::to_ascii_uppercase).collect();
        if upper.starts_with(b"EHLO") {
            w.write_all(
                b"250-sink.bench\r\n250-PIPELINING\r\n250-CHUNKING\r\n250-8BITMIME\r\n\
                  250-SIZE 104857600\r\n250-ENHANCEDSTATUSCODES\r\n250-AUTH PLAIN LOGIN\r\n\
                  250 SMTPUTF8\r\n",
            )?;
        } else if upper.starts_with(b"HELO") {
            w.write_all(b"250 sink.bench\r\n")?;
        } else if upper.starts_with(b"AUTH PLAIN ") {
            w.write_all(b"235 2.7.0 ok\r\n")?;
        } else if upper.starts_with(b"AUTH PLAIN") {
            challenge(&mut r, &mut w, b"334 \r\n")?;
            w.write_all(b"235 2.7.0 ok\r\n")?;
        } else if upper.starts_with(b"AUTH LOGIN") {
            challenge(&mut r, &mut w, b"334 VXNlcm5hbWU6\r\n")?;
            challenge(&mut r, &mut w, b"334 UGFzc3dvcmQ6\r\n")?;
            w.write_all(b"235 2.7.0 ok\r\n")?;
        } else if upper.starts_with(b"DATA") {
            w.write_all(b"354 go ahead\r\n")?;
            w.flush()?;
            loop {
                line.clear();
                if r.read_until(b'\n', &mut line)? == 0 {
                    return Ok(());
                }
                if line == b".\r\n" || line == b".\n" {
                    break;
                }
            }
            w.write_all(b"250 2.0.0 queued\r\n")?;
        } else if upper.starts_with(b"BDAT ") {
            let text = String::from_utf8_lossy(&line);
            let mut parts = text.split_whitespace().skip(1);
            let mut n: usize = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
            while n > 0 {
                let k = n.min(body.len());
                r.read_exact(&mut body[..k])?;
                n -= k;
            }
            w.write_all(b"250 2.0.0 ok\r\n")?;
        } else if upper.starts_with(b"QUIT") {
            w.write_all(b"221 2.0.0 bye\r\n")?;
            w.flush()?;
            return Ok(());
        } else if upper.starts_with(b"MAIL")
            || upper.starts_with(b"RCPT")
            || upper.starts_with(b"RSET")
            || upper.starts_with(b"NOOP")
        {
            w.write_all(b"250 2.0.0 ok\r\n")?;
        } else {
            w.write_all(b"502 5.5.2 unknown command\r\n")?;
        }
    }
}

/// Sends an AUTH challenge and reads (and ignores) the client's answer line.
fn challenge(r: &mut impl BufRead, w: &mut impl Write, text: &[u8]) -> std::io::Result<()> {
    w.write_all(text)?;
    w.flush()?;
    r.read_until(b'\n', &mut Vec::new())?;
    Ok(())
}

// ---------------------------------------------------------------- latency proxy

#[derive(Default)]
struct Stats {
    last_up: Option<bool>,
    client_flights: u64,
    server_flights: u64,
    up: u64,
    down: u64,
    done: u8,
}

fn proxy(listen: u16, target: u16, delay_ms: u64, stats_file: String) {
    let listener = TcpListener::bind(("127.0.0.1", listen)).expect("bind proxy");
    println!("proxy 127.0.0.1:{listen} -> 127.0.0.1:{target}, {delay_ms} ms each way");
    std::io::stdout().flush().ok();
    let delay = Duration::from_millis(delay_ms);
    for client in listener.incoming() {
        let Ok(client) = client else { continue };
        let Ok(server) = TcpStream::connect(("127.0.0.1", target)) else {
            continue;
        };
        let _ = client.set_nodelay(true);
        let _ = server.set_nodelay(true);
        let stats = Arc::new(Mutex::new(Stats::default()));
        let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
        pipe(client, server, true, delay, stats.clone(), stats_file.clone());
        pipe(s2, c2, false, delay, stats, stats_file.clone());
    }
}

/// Forwards `from` to `to` with `delay`, in order: a reader thread stamps the chunks, a
/// writer thread sends each when due.
fn pipe(
    mut from: TcpStream,
    to: TcpStream,
    up: bool,
    delay: Duration,
    stats: Arc<Mutex<Stats>>,
    stats_file: String,
) {
    let (tx, rx) = mpsc::channel::<(Instant, Vec<u8>)>();
    let st = stats.clone();
    thread::spawn(move || {
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            // Acknowledge at once: a TCP-terminating proxy must not add its own delayed
            // ACKs (a server's Nagle-held write would wait 40 ms for them).
            #[cfg(target_os = "linux")]
            {
                use std::os::linux::net::TcpStreamExt;
                let _ = from.set_quickack(true);
            }
            let n = match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let now = Instant::now();
            {
                let mut s = st.lock().unwrap();
                if s.last_up != Some(up) {
                    if up {
                        s.client_flights += 1;
                    } else {
                        s.server_flights += 1;
                    }
                    s.last_up = Some(up);
                }
                if up {
                    s.up += n as u64;
                } else {
                    s.down += n as u64;
                }
            }
            if tx.send((now + delay, buf[..n].to_vec())).is_err() {
                break;
            }
        }
    });
    thread::spawn(move || {
        let mut to = to;
        for (due, chunk) in rx {
            let now = Instant::now();
            if due > now {
                thread::sleep(due - now);
            }
            if to.write_all(&chunk).is_err() {
                break;
            }
        }
        let _ = to.shutdown(Shutdown::Write);
        let mut s = stats.lock().unwrap();
        s.done += 1;
        if s.done == 2 {
            let line = format!("{} {} {} {}\n", s.client_flights, s.server_flights, s.up, s.down);
            if let Ok(mut f) = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&stats_file)
            {
                let _ = f.write_all(line.as_bytes());
            }
        }
    });
}
