//! The reading engine (`wd300com::reader::Reader`) against the scriptable fake servers,
//! without the C boundary: cursor moves, read-ahead batches, the \Seen flags owed,
//! deleting under the cursor and the fall-back when a message read ahead is gone.

mod support;

use std::collections::BTreeSet;
use support::fake_server::*;
use wd300com::error::WD_E;
use wd300com::imap::ImapClient;
use wd300com::pop3::Pop3Client;
use wd300com::reader::{Position, Reader, ServerId, Step};
use wd300com::session::{ReadOptions, SessionConfig, SessionKind};

const CAPS: &str = "IMAP4rev1 LITERAL+ UIDPLUS MOVE";

fn body(uid: u32) -> String {
    format!("Subject: message {uid}\r\nFrom: a@wd.test\r\n\r\nbody {uid}\r\n")
}

/// What the fake IMAP mailbox holds: UIDs 101 … 100 + `n`, none seen.
#[derive(Clone, Copy)]
struct Mailbox {
    n: u32,
    /// RFC822.SIZE announced by the listing (0: the real size).
    listed_size: u64,
    /// A UID that batch fetches leave out (expunged by another client).
    gone: u32,
}

impl Mailbox {
    fn of(n: u32) -> Mailbox {
        Mailbox {
            n,
            listed_size: 0,
            gone: 0,
        }
    }
}

/// The UIDs of an IMAP set such as `101:103,105`.
fn uid_set(set: &str) -> Vec<u32> {
    let mut uids = Vec::new();
    for part in set.split(',') {
        let (a, b) = part.split_once(':').unwrap_or((part, part));
        uids.extend(a.parse::<u32>().unwrap()..=b.parse::<u32>().unwrap());
    }
    uids
}

/// The answer of the fake mailbox `live` (UIDs in sequence order) to one command.
fn imap_answer(m: Mailbox, live: &mut Vec<u32>, cmd: &str) -> Result<String, String> {
    let seq = |live: &[u32], uid| live.iter().position(|&u| u == uid).map(|i| i + 1);
    let mut out = String::new();
    if cmd.starts_with("UID SEARCH") {
        let all: Vec<String> = live.iter().map(u32::to_string).collect();
        out = format!("* SEARCH {}\r\n", all.join(" "));
    } else if cmd == "UID FETCH 1:* (UID FLAGS RFC822.SIZE)" {
        for (i, uid) in live.iter().enumerate() {
            let size = if m.listed_size > 0 {
                m.listed_size
            } else {
                body(*uid).len() as u64
            };
            out += &format!(
                "* {} FETCH (UID {uid} FLAGS () RFC822.SIZE {size})\r\n",
                i + 1
            );
        }
    } else if let Some(rest) = cmd.strip_prefix("UID FETCH ") {
        let (set, items) = rest.split_once(' ').ok_or("no items")?;
        let flags = if items.contains("PEEK") { "" } else { "\\Seen" };
        for uid in uid_set(set).into_iter().filter(|&u| u != m.gone) {
            let (b, i) = (body(uid), seq(live, uid).ok_or("unknown UID")?);
            out += &format!(
                "* {i} FETCH (UID {uid} FLAGS ({flags}) RFC822.SIZE {} BODY[] {{{}}}\r\n{b})\r\n",
                b.len(),
                b.len()
            );
        }
    } else if let Some(uid) = cmd.strip_prefix("UID EXPUNGE ") {
        let i = seq(live, uid.parse().unwrap()).ok_or("unknown UID")?;
        live.remove(i - 1);
        out = format!("* {i} EXPUNGE\r\n");
    } else if !cmd.starts_with("UID STORE ") {
        return Err(format!("unexpected command {cmd:?}"));
    }
    Ok(out)
}

/// A fake IMAP server holding mailbox `m`: LOGIN, SELECT, then the reader's commands.
fn imap_server(m: Mailbox) -> FakeServer {
    FakeServer::start(
        Script::new()
            .send(format!("* OK [CAPABILITY {CAPS}] fake ready\r\n"))
            .expect("A0001 LOGIN")
            .send("A0001 OK Logged in\r\n")
            .expect("A0002 SELECT \"INBOX\"")
            .send(format!("* {} EXISTS\r\nA0002 OK Selected\r\n", m.n))
            .custom(move |c| {
                let mut live: Vec<u32> = (101..=100 + m.n).collect();
                loop {
                    let line = c.read_line()?;
                    let (tag, cmd) = line.split_once(' ').ok_or("no tag")?;
                    if cmd == "LOGOUT" {
                        return c.write_str(&format!("* BYE\r\n{tag} OK bye\r\n"));
                    }
                    let out = imap_answer(m, &mut live, cmd)?;
                    c.write_str(&format!("{out}{tag} OK done\r\n"))?;
                }
            }),
    )
}

/// The session settings to reach `server` with `kind`.
fn config(kind: SessionKind, server: &FakeServer) -> SessionConfig {
    let mut cfg = SessionConfig::new(kind);
    cfg.host = "127.0.0.1".into();
    cfg.port = server.port();
    cfg.user = "reader@wd.test".into();
    cfg.password = Some("pw".into());
    cfg.timeout = Some(10);
    cfg
}

fn imap_reader(server: &FakeServer) -> Reader {
    let client = ImapClient::open(&config(SessionKind::Imap, server), 10).unwrap();
    Reader::new(Box::new(client))
}

/// A fake POP3 server with `n` messages (UIDL `uid1` …) offering PIPELINING, answering
/// whatever it is asked in any order: CAPA, USER, PASS, LIST, UIDL, RETR, DELE, QUIT.
fn pop3_server(n: u32) -> FakeServer {
    FakeServer::start(Script::new().custom(move |c| {
        c.write_str("+OK fake POP3 ready\r\n")?;
        loop {
            let line = c.read_line()?;
            let (cmd, arg) = line.split_once(' ').unwrap_or((line.as_str(), ""));
            let rows = |row: &dyn Fn(u32) -> String| (1..=n).map(row).collect::<String>();
            let reply = match cmd {
                "CAPA" => "+OK\r\nUIDL\r\nUSER\r\nPIPELINING\r\n.\r\n".to_string(),
                "USER" | "PASS" | "DELE" => "+OK\r\n".to_string(),
                "LIST" => rows(&|i| format!("{i} {}\r\n", body(i).len())),
                "UIDL" => rows(&|i| format!("{i} uid{i}\r\n")),
                "RETR" => body(arg.parse().map_err(|_| "bad RETR")?),
                "QUIT" => return c.write_str("+OK bye\r\n"),
                _ => return Err(format!("unexpected command {line:?}")),
            };
            // LIST, UIDL and RETR answer "+OK", lines, then a dot line.
            let listing = matches!(cmd, "LIST" | "UIDL" | "RETR");
            c.write_str(&if listing {
                format!("+OK\r\n{reply}.\r\n")
            } else {
                reply
            })?;
        }
    }))
}

fn pop3_reader(server: &FakeServer) -> Reader {
    let client = Pop3Client::open(&config(SessionKind::Pop3, server), 10).unwrap();
    Reader::new(Box::new(client))
}

/// Moves the cursor and gives the UID read ("" past an end).
fn read(r: &mut Reader, step: Step) -> String {
    let read = r.step(step, ReadOptions::default()).unwrap();
    read.map(|m| m.email.uid).unwrap_or_default()
}

/// The UID sets of the batch fetches (`UID FETCH <set> (… BODY…)`), as UID counts.
fn batch_sizes(t: &Transcript) -> Vec<usize> {
    t.lines
        .iter()
        .filter_map(|l| l.split_once(" UID FETCH "))
        .filter(|(_, rest)| rest.contains("BODY"))
        .map(|(_, rest)| uid_set(rest.split(' ').next().unwrap()).len())
        .collect()
}

/// Closes the reader (QUIT / LOGOUT after the \Seen owed) and gives what the server saw.
fn finish(mut r: Reader, server: FakeServer) -> Transcript {
    r.close().unwrap();
    let t = server.join();
    t.assert_ok();
    t
}

fn lines_with<'a>(t: &'a Transcript, what: &str) -> Vec<&'a str> {
    let found = t.lines.iter().filter(|l| l.contains(what));
    found.map(String::as_str).collect()
}

/// Forward and backward moves walk the listing; past an end the cursor stays beyond it
/// (more moves that way read nothing) and comes back with a move the other way. Only
/// the first and last moves take a new listing.
#[test]
fn cursor_moves_both_ways_and_stays_past_the_ends() {
    let server = pop3_server(3);
    let mut r = pop3_reader(&server);
    let moves = [
        (Step::First, "uid1", Position::At(0)),
        (Step::Next, "uid2", Position::At(1)),
        (Step::Next, "uid3", Position::At(2)),
        (Step::Next, "", Position::AfterLast),
        (Step::Next, "", Position::AfterLast),
        (Step::Previous, "uid3", Position::At(2)),
        (Step::Previous, "uid2", Position::At(1)),
        (Step::Previous, "uid1", Position::At(0)),
        (Step::Previous, "", Position::BeforeFirst),
        (Step::Previous, "", Position::BeforeFirst),
        (Step::Next, "uid1", Position::At(0)),
        (Step::Last, "uid3", Position::At(2)),
    ];
    for (i, (step, uid, position)) in moves.into_iter().enumerate() {
        assert_eq!(read(&mut r, step), uid, "move {i} ({step:?})");
        assert_eq!(r.position(), position, "move {i} ({step:?})");
    }
    let t = finish(r, server);
    assert_eq!(lines_with(&t, "LIST").len(), 2, "{}", t.report());
}

/// A loop over 200 messages fetches batches of 1, 2, 4 … 64 messages (the rest last):
/// one round trip each, the \Seen owed riding along; 14 flights in all.
#[test]
fn reading_loop_batches_grow_to_64() {
    let server = imap_server(Mailbox::of(200));
    let mut r = imap_reader(&server);
    let mut uids = vec![read(&mut r, Step::First)];
    while let Some(m) = r.step(Step::Next, ReadOptions::default()).unwrap() {
        assert!(m.email.seen, "a message handed out is seen");
        uids.push(m.email.uid);
    }
    let want: Vec<String> = (101..=300).map(|u| u.to_string()).collect();
    assert_eq!(uids, want);
    let t = finish(r, server);
    assert_eq!(batch_sizes(&t), [1, 2, 4, 8, 16, 32, 64, 64, 9]);
    // LOGIN + SELECT (one flight), the listing, 9 batches, the last UID STORE, LOGOUT.
    assert_eq!(t.flights, 13, "{}", t.report());
}

/// A batch stops before its listed sizes pass 8 MiB, one message at least.
#[test]
fn batches_stop_at_8_mib_of_listed_sizes() {
    for (listed_mib, want) in [(3, vec![1, 2, 2, 2, 2, 1]), (9, vec![1; 10])] {
        let server = imap_server(Mailbox {
            listed_size: listed_mib << 20,
            ..Mailbox::of(10)
        });
        let mut r = imap_reader(&server);
        let mut step = Step::First;
        for uid in 101..=110 {
            assert_eq!(read(&mut r, step), uid.to_string());
            step = Step::Next;
        }
        let t = finish(r, server);
        assert_eq!(batch_sizes(&t), want, "{listed_mib} MiB each");
    }
}

/// Messages handed out from a batch are owed a \Seen: one UID STORE for them all, sent
/// with the next batch or before any other operation; none with `keep_unseen`.
#[test]
fn seen_owed_is_written_in_one_store() {
    let server = imap_server(Mailbox::of(10));
    let mut r = imap_reader(&server);
    for (step, uid) in [
        (Step::First, "101"),
        (Step::Next, "102"),
        (Step::Next, "103"),
    ] {
        assert_eq!(read(&mut r, step), uid);
    }
    // 101 came alone (BODY[] set \Seen); 102 and 103 came with BODY.PEEK.
    let owed: Vec<&str> = r.owed_seen().iter().map(|m| m.uid.as_str()).collect();
    assert_eq!(owed, ["102", "103"]);
    assert_eq!(read(&mut r, Step::Next), "104");
    assert_eq!(r.count(ReadOptions::default()).unwrap(), 10);
    assert!(r.owed_seen().is_empty());
    let keep = ReadOptions {
        keep_unseen: true,
        ..ReadOptions::default()
    };
    let m = r.step(Step::Next, keep).unwrap().unwrap();
    assert!(!m.email.seen && r.owed_seen().is_empty());
    let t = finish(r, server);
    let stores = lines_with(&t, "UID STORE");
    assert_eq!(stores.len(), 2, "{}", t.report());
    assert!(stores[0].ends_with("UID STORE 102,103 +FLAGS.SILENT (\\Seen)"));
    assert!(stores[1].ends_with("UID STORE 104 +FLAGS.SILENT (\\Seen)"));
    // The first STORE went with the batch that brought 104.
    let at = t.lines.iter().position(|l| l == stores[0]).unwrap();
    assert!(
        t.lines[at + 1].contains("UID FETCH 104:107"),
        "{}",
        t.report()
    );
}

/// Deleting the message under the cursor (IMAP: expunged, the next ones renumbered)
/// keeps the cursor so that the next move reads the message that followed; deleting one
/// before the cursor moves the cursor back with the listing.
#[test]
fn deleting_keeps_the_cursor_before_the_next_message() {
    let server = imap_server(Mailbox::of(5));
    let mut r = imap_reader(&server);
    assert_eq!(read(&mut r, Step::First), "101");
    assert_eq!(read(&mut r, Step::Next), "102");
    r.delete(&ServerId {
        uid: "102".into(),
        number: 2,
    })
    .unwrap();
    assert_eq!(r.position(), Position::At(0));
    let m = r.step(Step::Next, ReadOptions::default()).unwrap().unwrap();
    assert_eq!((m.email.uid.as_str(), m.email.number), ("103", 2));
    r.delete(&ServerId {
        uid: "101".into(),
        number: 1,
    })
    .unwrap();
    assert_eq!(r.position(), Position::At(0));
    assert_eq!(r.listing().len(), 3);
    assert_eq!(read(&mut r, Step::Next), "104");
    let t = finish(r, server);
    assert_eq!(lines_with(&t, "UID EXPUNGE").len(), 2, "{}", t.report());
}

/// POP3 keeps the numbers until QUIT: after deleting the message under the cursor, the
/// next one comes from the read-ahead batch already fetched.
#[test]
fn pop3_delete_keeps_the_batch_read_ahead() {
    let server = pop3_server(4);
    let mut r = pop3_reader(&server);
    assert_eq!(read(&mut r, Step::First), "uid1");
    assert_eq!(read(&mut r, Step::Next), "uid2");
    let id = ServerId {
        uid: String::new(),
        number: 2,
    };
    r.delete(&id).unwrap();
    assert_eq!(r.position(), Position::At(0));
    assert_eq!(read(&mut r, Step::Next), "uid3");
    let t = finish(r, server);
    let retr: BTreeSet<&str> = lines_with(&t, "RETR").into_iter().collect();
    assert_eq!(retr, BTreeSet::from(["RETR 1", "RETR 2", "RETR 3"]));
    assert_eq!(lines_with(&t, "DELE"), ["DELE 2"]);
}

/// A message read ahead that is gone does not fail the read of the one asked for: it is
/// fetched alone. Reading the gone one fails as it did without read-ahead, and the loop
/// goes on after it.
#[test]
fn a_gone_message_in_a_batch_falls_back_to_the_single_read() {
    let server = imap_server(Mailbox {
        gone: 103,
        ..Mailbox::of(5)
    });
    let mut r = imap_reader(&server);
    assert_eq!(read(&mut r, Step::First), "101");
    assert_eq!(read(&mut r, Step::Next), "102");
    let e = r.step(Step::Next, ReadOptions::default()).unwrap_err();
    assert_eq!(e.code, WD_E::Protocol, "{e:?}");
    assert_eq!(read(&mut r, Step::Next), "104");
    let t = finish(r, server);
    let fetches = lines_with(&t, "BODY");
    let tails: Vec<&str> = fetches.iter().map(|l| &l[6..]).collect();
    assert_eq!(
        tails,
        [
            "UID FETCH 101 (UID FLAGS RFC822.SIZE BODY[])",
            "UID FETCH 102:103 (UID FLAGS RFC822.SIZE BODY.PEEK[])",
            "UID FETCH 102 (UID FLAGS RFC822.SIZE BODY[])",
            "UID FETCH 103:105 (UID FLAGS RFC822.SIZE BODY.PEEK[])",
            "UID FETCH 103 (UID FLAGS RFC822.SIZE BODY[])",
            "UID FETCH 104:105 (UID FLAGS RFC822.SIZE BODY.PEEK[])",
        ],
        "{}",
        t.report()
    );
}

/// Counting then reading the last messages by number (`EmailNbMessage`, then
/// `EmailLitMessage` in a loop) takes one listing: the count's. Reading the message after
/// the one read last reads ahead (batches 1, 2, 4 …); a number out of order is fetched
/// alone, from the same listing.
#[test]
fn reading_by_number_reuses_the_count_listing_and_reads_ahead() {
    let server = imap_server(Mailbox::of(40));
    let mut r = imap_reader(&server);
    assert_eq!(r.count(ReadOptions::default()).unwrap(), 40);
    for n in 21..=40 {
        let m = r.read_number(n, ReadOptions::default()).unwrap().unwrap();
        assert_eq!(m.email.uid, (100 + n).to_string());
        assert_eq!(r.position(), Position::At(n as usize - 1));
    }
    let m = r.read_number(3, ReadOptions::default()).unwrap().unwrap();
    assert_eq!(m.email.uid, "103");
    // After a read by number, the next move continues from it.
    assert_eq!(read(&mut r, Step::Next), "104");
    assert!(r.read_number(41, ReadOptions::default()).unwrap().is_none());
    assert_eq!(r.position(), Position::BeforeFirst);
    let t = finish(r, server);
    assert_eq!(lines_with(&t, "UID FETCH 1:*").len(), 1, "{}", t.report());
    assert_eq!(batch_sizes(&t), [1, 2, 4, 8, 5, 1, 2], "{}", t.report());
}

/// A listing the server reported a change since (a message expunged by our own delete,
/// announced by EXPUNGE) is taken anew before reading by number.
#[test]
fn reading_by_number_lists_again_after_a_change() {
    let server = imap_server(Mailbox::of(5));
    let mut r = imap_reader(&server);
    assert_eq!(r.count(ReadOptions::default()).unwrap(), 5);
    let id = ServerId {
        uid: "102".into(),
        number: 2,
    };
    r.delete(&id).unwrap();
    let m = r.read_number(2, ReadOptions::default()).unwrap().unwrap();
    assert_eq!(m.email.uid, "103");
    let t = finish(r, server);
    assert_eq!(lines_with(&t, "UID FETCH 1:*").len(), 2, "{}", t.report());
}
