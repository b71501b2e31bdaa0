//! The reading engine (`wd300com::reader::Reader`) against the scriptable fake servers,
//! without the C boundary: cursor moves, read-ahead batches, the \Seen flags owed,
//! deleting while reading (both ways), destroying the deleted messages, and the
//! fall-back when a message read ahead is gone.

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
    /// A UID another client expunges once the first listing is taken: the server
    /// announces it (EXPUNGE) with the next command.
    expunged_later: u32,
}

impl Mailbox {
    fn of(n: u32) -> Mailbox {
        Mailbox {
            n,
            listed_size: 0,
            gone: 0,
            expunged_later: 0,
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

/// The fake mailbox's messages: the UIDs in sequence order, those flagged \Deleted.
#[derive(Default)]
struct Live {
    uids: Vec<u32>,
    deleted: BTreeSet<u32>,
}

/// The answer of the fake mailbox `live` to one command.
fn imap_answer(m: Mailbox, live: &mut Live, cmd: &str) -> Result<String, String> {
    let seq = |live: &[u32], uid| live.iter().position(|&u| u == uid).map(|i| i + 1);
    let mut out = String::new();
    let deleted = live.deleted.clone();
    let expunge = |live: &mut Live, uids: &[u32], out: &mut String| {
        for &uid in uids {
            if let Some(i) = seq(&live.uids, uid).filter(|_| live.deleted.remove(&uid)) {
                live.uids.remove(i - 1);
                out.push_str(&format!("* {i} EXPUNGE\r\n"));
            }
        }
    };
    let live_uids = &mut live.uids;
    if let Some(crit) = cmd.strip_prefix("UID SEARCH ") {
        let all: Vec<String> = (live_uids.iter())
            .filter(|u| crit == "ALL" || !deleted.contains(u))
            .map(u32::to_string)
            .collect();
        out = format!("* SEARCH {}\r\n", all.join(" "));
    } else if cmd == "UID FETCH 1:* (UID FLAGS RFC822.SIZE)" {
        for (i, uid) in live_uids.iter().enumerate() {
            let size = if m.listed_size > 0 {
                m.listed_size
            } else {
                body(*uid).len() as u64
            };
            let flags = if deleted.contains(uid) {
                "\\Deleted"
            } else {
                ""
            };
            out += &format!(
                "* {} FETCH (UID {uid} FLAGS ({flags}) RFC822.SIZE {size})\r\n",
                i + 1
            );
        }
    } else if let Some(rest) = cmd.strip_prefix("UID FETCH ") {
        let (set, items) = rest.split_once(' ').ok_or("no items")?;
        let flags = if items.contains("PEEK") { "" } else { "\\Seen" };
        for uid in uid_set(set).into_iter().filter(|&u| u != m.gone) {
            // A UID no longer in the mailbox has no answer.
            let Some(i) = seq(live_uids, uid) else {
                continue;
            };
            let b = body(uid);
            out += &format!(
                "* {i} FETCH (UID {uid} FLAGS ({flags}) RFC822.SIZE {} BODY[] {{{}}}\r\n{b})\r\n",
                b.len(),
                b.len()
            );
        }
    } else if let Some(set) = cmd.strip_prefix("UID EXPUNGE ") {
        expunge(live, &uid_set(set), &mut out);
    } else if cmd == "CLOSE" {
        let all = live.uids.clone();
        expunge(live, &all, &mut String::new());
    } else if let Some(rest) = cmd.strip_prefix("UID STORE ") {
        let (set, what) = rest.split_once(' ').ok_or("no flags")?;
        if what == "+FLAGS.SILENT (\\Deleted)" {
            live.deleted.extend(uid_set(set));
        }
    } else {
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
                let mut live = Live {
                    uids: (101..=100 + m.n).collect(),
                    ..Live::default()
                };
                let mut listed = false;
                loop {
                    let line = c.read_line()?;
                    let (tag, cmd) = line.split_once(' ').ok_or("no tag")?;
                    if cmd == "LOGOUT" {
                        return c.write_str(&format!("* BYE\r\n{tag} OK bye\r\n"));
                    }
                    let mut out = String::new();
                    if listed && let Some(i) = live.uids.iter().position(|&u| u == m.expunged_later)
                    {
                        live.uids.remove(i);
                        out = format!("* {} EXPUNGE\r\n", i + 1);
                    }
                    listed |= cmd.starts_with("UID FETCH 1:*");
                    out += &imap_answer(m, &mut live, cmd)?;
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
/// whatever it is asked in any order: CAPA, USER, PASS, LIST, UIDL, RETR, DELE, QUIT;
/// messages marked with DELE leave LIST and UIDL, as RFC 1939 says.
fn pop3_server(n: u32) -> FakeServer {
    FakeServer::start(Script::new().custom(move |c| {
        c.write_str("+OK fake POP3 ready\r\n")?;
        let mut deleted = BTreeSet::new();
        loop {
            let line = c.read_line()?;
            let (cmd, arg) = line.split_once(' ').unwrap_or((line.as_str(), ""));
            if cmd == "DELE" {
                let n: u32 = arg.parse().map_err(|_| "bad DELE")?;
                c.write_str(if deleted.insert(n) {
                    "+OK\r\n"
                } else {
                    "-ERR message already deleted\r\n"
                })?;
                continue;
            }
            let rows = |row: &dyn Fn(u32) -> String| {
                (1..=n)
                    .filter(|i| !deleted.contains(i))
                    .map(row)
                    .collect::<String>()
            };
            let reply = match cmd {
                "CAPA" => "+OK\r\nUIDL\r\nUSER\r\nPIPELINING\r\n.\r\n".to_string(),
                "USER" | "PASS" => "+OK\r\n".to_string(),

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

fn id(uid: &str, number: i32) -> ServerId {
    ServerId {
        uid: uid.into(),
        number,
    }
}

/// Reads the whole mailbox with `first` then `then`, deleting every message as it is
/// read; gives the UIDs in the order read.
fn read_deleting_all(r: &mut Reader, first: Step, then: Step) -> Vec<String> {
    let mut seen = Vec::new();
    let mut next = r.step(first, ReadOptions::default()).unwrap();
    while let Some(m) = next {
        r.delete(&id(&m.email.uid, m.email.number)).unwrap();
        seen.push(m.email.uid);
        next = r.step(then, ReadOptions::default()).unwrap();
    }
    seen
}

/// IMAP: deleting flags \Deleted and keeps the numbers; a loop that deletes each
/// message as it reads visits all of them, forward and backward (reading backward used
/// to skip every other message); the count keeps the deleted ones until they go, at
/// `destroy` (UID EXPUNGE of this session's deletions) or at the close (CLOSE).
#[test]
fn imap_deleting_while_reading_visits_every_message_both_ways() {
    let uids = |a: u32, b: u32| -> Vec<String> {
        let v: Vec<String> = (a.min(b)..=a.max(b)).map(|u| u.to_string()).collect();
        if a > b {
            v.into_iter().rev().collect()
        } else {
            v
        }
    };
    for (first, then, want) in [
        (Step::First, Step::Next, uids(101, 104)),
        (Step::Last, Step::Previous, uids(104, 101)),
    ] {
        let server = imap_server(Mailbox::of(4));
        let mut r = imap_reader(&server);
        assert_eq!(read_deleting_all(&mut r, first, then), want, "{first:?}");
        assert_eq!(
            r.count(ReadOptions::default()).unwrap(),
            4,
            "deleted still counted"
        );
        // A new listing leaves the deleted messages out.
        assert_eq!(read(&mut r, Step::First), "");
        let t = finish(r, server);
        assert!(lines_with(&t, "EXPUNGE").is_empty(), "{}", t.report());
        assert_eq!(lines_with(&t, "\\Deleted").len(), 4);
        assert_eq!(lines_with(&t, " CLOSE").len(), 1, "{}", t.report());
    }
    // Deleting under the cursor keeps the numbers: the next message reads as number 3.
    let server = imap_server(Mailbox::of(5));
    let mut r = imap_reader(&server);
    assert_eq!(read(&mut r, Step::First), "101");
    assert_eq!(read(&mut r, Step::Next), "102");
    r.delete(&id("102", 2)).unwrap();
    r.delete(&id("102", 2)).unwrap(); // again: nothing sent
    assert_eq!(r.position(), Position::At(1));
    let m = r.step(Step::Next, ReadOptions::default()).unwrap().unwrap();
    assert_eq!((m.email.uid.as_str(), m.email.number), ("103", 3));
    r.delete(&id("101", 1)).unwrap();
    assert_eq!(read(&mut r, Step::Previous), "", "101 and 102 are deleted");
    r.destroy().unwrap();
    assert_eq!(r.count(ReadOptions::default()).unwrap(), 3);
    let numbers: Vec<(String, u32)> = (r.listing().iter())
        .map(|x| (x.uid.clone(), x.number))
        .collect();
    assert_eq!(
        numbers[2..],
        [("103".into(), 1), ("104".into(), 2), ("105".into(), 3)]
    );
    assert_eq!(read(&mut r, Step::Next), "103");
    assert_eq!(read(&mut r, Step::Next), "104");
    let t = finish(r, server);
    assert_eq!(
        lines_with(&t, "EXPUNGE")
            .iter()
            .map(|l| &l[6..])
            .collect::<Vec<_>>(),
        ["UID EXPUNGE 101:102"],
        "{}",
        t.report()
    );
    assert!(
        lines_with(&t, " CLOSE").is_empty(),
        "nothing left to remove at the close"
    );
}

/// POP3: the same loops visit every message both ways; the numbers and the count of
/// the first listing stay until QUIT, a message read ahead comes from the batch.
#[test]
fn pop3_deleting_while_reading_visits_every_message_both_ways() {
    for (first, then, want) in [
        (Step::First, Step::Next, ["uid1", "uid2", "uid3", "uid4"]),
        (Step::Last, Step::Previous, ["uid4", "uid3", "uid2", "uid1"]),
    ] {
        let server = pop3_server(4);
        let mut r = pop3_reader(&server);
        assert_eq!(read_deleting_all(&mut r, first, then), want, "{first:?}");
        assert_eq!(r.count(ReadOptions::default()).unwrap(), 4);
        assert_eq!(read(&mut r, Step::Last), "");
        assert_eq!(r.destroy().unwrap_err().code, WD_E::NotSupported);
        let t = finish(r, server);
        assert_eq!(lines_with(&t, "DELE").len(), 4, "{}", t.report());
    }
    let server = pop3_server(4);
    let mut r = pop3_reader(&server);
    assert_eq!(read(&mut r, Step::First), "uid1");
    assert_eq!(read(&mut r, Step::Next), "uid2");
    r.delete(&id("", 2)).unwrap();
    assert_eq!(r.position(), Position::At(1));
    assert_eq!(read(&mut r, Step::Next), "uid3");
    assert_eq!(r.size_of(3).unwrap(), body(3).len() as u64);
    assert_eq!(r.size_of(2).unwrap_err().code, WD_E::InvalidArgument);
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
/// alone, from the same listing. A number the listing does not hold is looked for in a
/// new listing (a message may have arrived unannounced), which does not hold it either.
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
    let listings = lines_with(&t, "UID FETCH 1:*");
    assert_eq!(listings.len(), 2, "{}", t.report());
    assert!(
        t.lines
            .iter()
            .rev()
            .nth(1)
            .is_some_and(|l| *l == listings[1]),
        "the second listing comes with the read of number 41: {}",
        t.report()
    );
    assert_eq!(batch_sizes(&t), [1, 2, 4, 8, 5, 1, 2], "{}", t.report());
}

/// POP3: counting then reading the last messages by number takes one listing (LIST and
/// UIDL once): the count's; the count stays the first one after a deletion.
#[test]
fn pop3_reading_by_number_reuses_the_count_listing() {
    let server = pop3_server(30);
    let mut r = pop3_reader(&server);
    assert_eq!(r.count(ReadOptions::default()).unwrap(), 30);
    for n in 21..=30 {
        let m = r.read_number(n, ReadOptions::default()).unwrap().unwrap();
        assert_eq!(m.email.uid, format!("uid{n}"));
    }
    r.delete(&id("uid30", 30)).unwrap();
    assert_eq!(r.count(ReadOptions::default()).unwrap(), 30);
    let t = finish(r, server);
    assert_eq!(lines_with(&t, "LIST").len(), 1, "{}", t.report());
    assert_eq!(lines_with(&t, "UIDL").len(), 1, "{}", t.report());
    let retr: BTreeSet<String> = lines_with(&t, "RETR")
        .iter()
        .map(|l| l.to_string())
        .collect();
    assert_eq!(
        retr,
        (21..=30).map(|n| format!("RETR {n}")).collect(),
        "{}",
        t.report()
    );
}

/// A message deleted in this session (flagged \Deleted, still numbered) is no message
/// for reading by number, from the same listing. Once removed (`EmailDetruit`: the server
/// announces the EXPUNGE) the listing is taken anew before reading by number: number 2
/// is then the next message.
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
    assert!(r.read_number(2, ReadOptions::default()).unwrap().is_none());
    assert_eq!(
        r.count(ReadOptions::default()).unwrap(),
        5,
        "still numbered"
    );
    r.destroy().unwrap();
    let m = r.read_number(2, ReadOptions::default()).unwrap().unwrap();
    assert_eq!(m.email.uid, "103");
    let t = finish(r, server);
    // The two counts and the read after the expunge.
    assert_eq!(lines_with(&t, "UID FETCH 1:*").len(), 3, "{}", t.report());
}

/// Reading by number from a listing another client changed since: the server announces
/// the expunge with the fetch only. The number read is the message the server numbers so
/// now, as a new listing gives it: an earlier message expunged moves the later ones down
/// one; the message itself expunged is no error, its number names the next one.
#[test]
fn reading_by_number_after_an_expunge_by_another_client_reads_that_number_now() {
    for (expunged, uid) in [(101, "104"), (103, "104"), (105, "103")] {
        let server = imap_server(Mailbox {
            expunged_later: expunged,
            ..Mailbox::of(5)
        });
        let mut r = imap_reader(&server);
        assert_eq!(r.count(ReadOptions::default()).unwrap(), 5);
        let m = r.read_number(3, ReadOptions::default());
        let m = m
            .unwrap_or_else(|e| panic!("expunged {expunged}: {e:?}"))
            .unwrap();
        assert_eq!(
            (m.email.uid.as_str(), m.email.number),
            (uid, 3),
            "expunged {expunged}"
        );
        assert_eq!(r.position(), Position::At(2));
        // The next move continues from it in the new listing.
        let next = if expunged == 105 { "104" } else { "105" };
        assert_eq!(read(&mut r, Step::Next), next, "expunged {expunged}");
        let t = finish(r, server);
        // Message 103 read with BODY[] as number 3 when it was number 2 already: left
        // unseen again.
        let unseen = lines_with(&t, "UID STORE 103 -FLAGS.SILENT (\\Seen)");
        assert_eq!(unseen.len(), usize::from(expunged == 101), "{}", t.report());
    }
}
