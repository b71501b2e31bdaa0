//! Asynchronous sending against a fast local sink server: 500 messages queued from four
//! threads on one session, and the crash-safe spool (a child process killed with
//! SIGKILL mid-queue; a new session with the same spool delivers every message exactly
//! once).

use parking_lot::Mutex;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use wd300com::error::WD_E;
use wd300com::session::{OutgoingMessage, SendOutcome, SessionConfig, SessionKind};
use wd300com::smtp::{MailStatus, open_outgoing, status};

/// A multi-connection SMTP sink (PIPELINING, CHUNKING) recording the Message-IDs it
/// accepted. `delay_ms` is slept before answering a message; a message whose client
/// vanished meanwhile is not counted.
#[derive(Clone)]
struct Sink {
    port: u16,
    ids: Arc<Mutex<Vec<String>>>,
    delay_ms: Arc<AtomicU64>,
    /// Receives the number of messages seen (before the delay).
    seen_tx: Arc<Mutex<Option<mpsc::Sender<usize>>>>,
    seen: Arc<AtomicU64>,
}

impl Sink {
    fn start() -> Sink {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let sink = Sink {
            port: l.local_addr().unwrap().port(),
            ids: Arc::new(Mutex::new(Vec::new())),
            delay_ms: Arc::new(AtomicU64::new(0)),
            seen_tx: Arc::new(Mutex::new(None)),
            seen: Arc::new(AtomicU64::new(0)),
        };
        let s = sink.clone();
        std::thread::spawn(move || {
            for c in l.incoming().flatten() {
                let s = s.clone();
                std::thread::spawn(move || {
                    let _ = s.serve(c);
                });
            }
        });
        sink
    }

    fn serve(&self, c: TcpStream) -> std::io::Result<()> {
        c.set_nodelay(true)?;
        let mut w = c.try_clone()?;
        let mut r = BufReader::new(c);
        w.write_all(b"220 sink ESMTP\r\n")?;
        let mut line = String::new();
        loop {
            line.clear();
            if r.read_line(&mut line)? == 0 {
                return Ok(());
            }
            let cmd = line.trim_end().to_ascii_uppercase();
            if cmd.starts_with("EHLO") {
                w.write_all(b"250-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 CHUNKING\r\n")?;
            } else if cmd.starts_with("BDAT") {
                let n: usize = cmd.split_whitespace().nth(1).unwrap().parse().unwrap();
                let mut data = vec![0u8; n];
                r.read_exact(&mut data)?;
                self.message(&data, r.get_ref(), &mut w)?;
            } else if cmd == "DATA" {
                w.write_all(b"354 go\r\n")?;
                let mut data = Vec::new();
                loop {
                    let mut l = Vec::new();
                    r.read_until(b'\n', &mut l)?;
                    if l == b".\r\n" || l.is_empty() {
                        break;
                    }
                    data.extend_from_slice(&l);
                }
                self.message(&data, r.get_ref(), &mut w)?;
            } else if cmd == "QUIT" {
                w.write_all(b"221 bye\r\n")?;
                return Ok(());
            } else {
                w.write_all(b"250 ok\r\n")?;
            }
        }
    }

    fn message(&self, data: &[u8], peer: &TcpStream, w: &mut TcpStream) -> std::io::Result<()> {
        let n = self.seen.fetch_add(1, Ordering::SeqCst) as usize + 1;
        if let Some(tx) = self.seen_tx.lock().as_ref() {
            let _ = tx.send(n);
        }
        let d = self.delay_ms.load(Ordering::SeqCst);
        if d > 0 {
            std::thread::sleep(Duration::from_millis(d));
            // A client killed meanwhile: the message is not accepted.
            peer.set_nonblocking(true)?;
            let mut b = [0u8; 1];
            let gone = matches!(peer.peek(&mut b), Ok(0));
            peer.set_nonblocking(false)?;
            if gone {
                return Err(std::io::Error::other("client gone"));
            }
        }
        let text = String::from_utf8_lossy(data);
        let id = text
            .lines()
            .find_map(|l| l.strip_prefix("Message-ID: "))
            .unwrap_or("")
            .to_string();
        self.ids.lock().push(id);
        w.write_all(b"250 2.0.0 queued\r\n")
    }

    fn counts(&self) -> HashMap<String, usize> {
        let mut m = HashMap::new();
        for id in self.ids.lock().iter() {
            *m.entry(id.clone()).or_insert(0) += 1;
        }
        m
    }
}

fn cfg(port: u16, spool: Option<&str>) -> SessionConfig {
    let mut c = SessionConfig::new(SessionKind::Smtp);
    c.host = "127.0.0.1".into();
    c.port = port;
    c.asynchronous = true;
    c.timeout = Some(10);
    c.spool_dir = spool.map(str::to_string);
    c
}

fn message(id: &str) -> OutgoingMessage {
    OutgoingMessage {
        from: "alice@wd.test".into(),
        recipients: vec!["bob@sink.test".into()],
        data: format!("From: alice@wd.test\r\nTo: bob@sink.test\r\nMessage-ID: <{id}>\r\nSubject: async\r\n\r\nbody {id}\r\n").into_bytes().into(),
        ..OutgoingMessage::default()
    }
}

#[test]
fn five_hundred_messages_from_four_threads() {
    let sink = Sink::start();
    let out = Mutex::new(open_outgoing(&cfg(sink.port, None), 600).unwrap());
    let t0 = Instant::now();
    let ids: Vec<i32> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..4)
            .map(|t| {
                let out = &out;
                s.spawn(move || {
                    (0..125)
                        .map(
                            |i| match out.lock().send(message(&format!("a-{t}-{i}"))).unwrap() {
                                SendOutcome::Queued { mail_id } => mail_id,
                                o => panic!("{o:?}"),
                            },
                        )
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    // Queuing returns at once.
    assert!(t0.elapsed() < Duration::from_secs(5));
    let mut uniq = ids.clone();
    uniq.sort();
    uniq.dedup();
    assert_eq!(uniq.len(), 500);
    assert!(ids.iter().all(|&id| id > 0));
    out.lock().close(Duration::from_secs(60)).unwrap();
    for id in &ids {
        assert_eq!(status(*id), Some(MailStatus::Sent));
    }
    let counts = sink.counts();
    assert_eq!(counts.len(), 500);
    assert!(counts.values().all(|&n| n == 1));
    assert_eq!(status(i32::MAX), None);
}

#[test]
fn queued_message_refused_reports_error() {
    // A server refusing every recipient: the status is ERROR with the reason.
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let (c, _) = l.accept().unwrap();
        let mut w = c.try_clone().unwrap();
        let mut r = BufReader::new(c);
        w.write_all(b"220 x\r\n").unwrap();
        let mut line = String::new();
        while r.read_line(&mut line).unwrap_or(0) > 0 {
            let reply: &[u8] = if line.starts_with("RCPT") {
                b"550 5.1.1 no such user\r\n"
            } else if line.starts_with("QUIT") {
                b"221 bye\r\n"
            } else if line.starts_with("DATA") {
                b"554 no valid recipients\r\n"
            } else {
                b"250 ok\r\n"
            };
            w.write_all(reply).unwrap();
            line.clear();
        }
    });
    let mut out = open_outgoing(&cfg(port, None), 600).unwrap();
    let SendOutcome::Queued { mail_id } = out.send(message("r-1")).unwrap() else {
        panic!()
    };
    out.close(Duration::from_secs(10)).unwrap();
    match status(mail_id) {
        Some(MailStatus::Error(e)) => {
            assert_eq!(e.code, WD_E::RecipientRefused);
            assert!(e.message.contains("550 5.1.1"), "{}", e.message);
        }
        s => panic!("{s:?}"),
    }
}

const CHILD_ENV: &str = "WD_SMTP_SPOOL_CHILD";
const SPOOL_N: usize = 50;

/// Helper run in a child process by `spool_survives_sigkill` (does nothing otherwise).
#[test]
fn spool_child_helper() {
    let Ok(arg) = std::env::var(CHILD_ENV) else {
        return;
    };
    let (dir, port, tag) = {
        let mut p = arg.split('|');
        (
            p.next().unwrap().to_string(),
            p.next().unwrap().parse::<u16>().unwrap(),
            p.next().unwrap().to_string(),
        )
    };
    let mut out = open_outgoing(&cfg(port, Some(&dir)), 600).unwrap();
    for i in 0..SPOOL_N {
        out.send(message(&format!("spool-{tag}-{i}"))).unwrap();
    }
    println!("QUEUED");
    std::io::stdout().flush().unwrap();
    std::thread::sleep(Duration::from_secs(60));
}

#[test]
fn spool_survives_sigkill() {
    let sink = Sink::start();
    sink.delay_ms.store(100, Ordering::SeqCst);
    let (tx, rx) = mpsc::channel();
    *sink.seen_tx.lock() = Some(tx);
    let tag = format!("{}", std::process::id());
    let dir = std::env::temp_dir().join(format!("wd-smtp-spool-{tag}"));
    let _ = std::fs::remove_dir_all(&dir);
    let dir_s = dir.to_str().unwrap().to_string();
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "spool_child_helper",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, format!("{dir_s}|{}|{tag}", sink.port))
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut queued = false;
    for l in lines.by_ref() {
        if l.unwrap().contains("QUEUED") {
            queued = true;
            break;
        }
    }
    assert!(queued, "child did not queue its messages");
    // Kill it while the sink holds its 10th message unanswered.
    loop {
        let n = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("sink progress");
        if n >= 10 {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    *sink.seen_tx.lock() = None;
    let before = sink.ids.lock().len();
    assert!(
        (9..SPOOL_N).contains(&before),
        "{before} delivered before the kill"
    );
    sink.delay_ms.store(0, Ordering::SeqCst);
    // A new session on the same spool sends what is left.
    let mut out = open_outgoing(&cfg(sink.port, Some(&dir_s)), 600).unwrap();
    out.close(Duration::from_secs(30)).unwrap();
    // The 10th message may still be in the dying connection's delay: wait for it.
    std::thread::sleep(Duration::from_millis(200));
    let counts = sink.counts();
    for i in 0..SPOOL_N {
        let id = format!("<spool-{tag}-{i}>");
        // The message the sink was holding unanswered at the kill (the 10th) may arrive
        // twice: the documented at-least-once window between the server's reply and the
        // removal of its spool file. Every other message arrives exactly once.
        let allowed: &[usize] = if i == 9 { &[1, 2] } else { &[1] };
        let n = counts.get(&id).copied().unwrap_or(0);
        assert!(allowed.contains(&n), "{id} arrived {n} times: {counts:?}");
    }
    assert_eq!(counts.len(), SPOOL_N);
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".msg"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `connections`: several connections share the queue; every message is delivered once
/// (in any order) and every status is SENT.
#[test]
fn four_connections_deliver_every_message_once() {
    let sink = Sink::start();
    let mut c = cfg(sink.port, None);
    c.connections = 4;
    let mut out = open_outgoing(&c, 600).unwrap();
    let ids: Vec<i32> = (0..200)
        .map(|i| match out.send(message(&format!("c-{i}"))).unwrap() {
            SendOutcome::Queued { mail_id } => mail_id,
            o => panic!("{o:?}"),
        })
        .collect();
    out.close(Duration::from_secs(60)).unwrap();
    for id in &ids {
        assert_eq!(status(*id), Some(MailStatus::Sent));
    }
    let counts = sink.counts();
    assert_eq!(counts.len(), 200);
    assert!(counts.values().all(|&n| n == 1), "{counts:?}");
}
