//! Hostile servers against the features of the second wave: waiting for new mail (IMAP
//! IDLE), searching and seeking (SEARCH / ESEARCH answers), folder listings and roles
//! (LIST, SPECIAL-USE, modified UTF-7), proxies (SOCKS5, HTTP CONNECT) and the OAuth2
//! token and device endpoints. Each case asserts the error code the user gets and that
//! the call ends within its timeout and a margin; the client runs in a child process
//! (`hostile_net/child.rs`: RLIMIT_AS and a wall-clock limit), so a regression that hangs
//! or exhausts memory fails its test and nothing else. The peak memory of the child is
//! checked where a reply could make it grow.

mod support;

#[path = "hostile_net/child.rs"]
mod child;

use child::{Outcome, param, report, report_peak, timed};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use support::fake_server::*;
use wd300com::error::WD_E;
use wd300com::registry;
use wd300com::search::{Criteria, Seek, SeekField};
use wd300com::session::{ReadOptions, Security, SessionConfig, SessionKind};

const MIB: u64 = 1 << 20;
/// The address-space limit of the children.
const CHILD_AS_MIB: u64 = 1024;
/// The timeout of every case (seconds): replies must progress within it.
const TIMEOUT: u64 = 3;
/// What a case may take beyond its bound (a loaded, shared machine).
const MARGIN_MS: u64 = 4000;
const CAPS: &str = "IMAP4rev1 LITERAL+ UIDPLUS IDLE";
const NOISE: &str = "* 1 EXISTS\r\n* OK still idling\r\n* 1 FETCH (FLAGS (\\Seen))\r\n";

/// Greeting with `caps`, LOGIN and SELECT of one message (tags A0001, A0002).
fn imap_login(caps: &str) -> Script {
    Script::new()
        .send(format!("* OK [CAPABILITY {caps}] hostile ready\r\n"))
        .expect("A0001 LOGIN")
        .send("A0001 OK Logged in\r\n")
        .expect("A0002 SELECT")
        .send("* 1 EXISTS\r\nA0002 OK [READ-WRITE] Selected\r\n")
}

// =====================================================================================
// Child side.
// =====================================================================================

/// The entry point of the children (ignored in a normal run; see `hostile_net/child.rs`).
#[test]
#[ignore = "the client half of the hostile cases, run in a child process by the other tests"]
fn child() {
    let Some(child::Case {
        name: case,
        port,
        max_message_size,
    }) = child::start()
    else {
        return;
    };
    let timeout: u64 = param("TIMEOUT").parse().unwrap();
    let mut cfg = SessionConfig::new(SessionKind::Imap);
    cfg.host = "127.0.0.1".into();
    cfg.port = port;
    cfg.user = "alice@wd.test".into();
    cfg.password = Some("alicepw".into());
    cfg.security = Security::None;
    if let Some(m) = max_message_size {
        cfg.max_message_size = m;
    }
    let name = "hostile";
    match case.as_str() {
        "imap_wait" => {
            registry::open(name, &cfg).unwrap();
            let secs: u32 = param("WAIT").parse().unwrap();
            let r = timed("call", || registry::wait_for_mail(name, secs));
            if let Ok(mail) = r {
                report("mail", mail);
            }
        }
        "imap_search" => {
            registry::open(name, &cfg).unwrap();
            let c = Criteria::parse(&param("CRITERIA")).unwrap();
            let r = timed("call", || {
                registry::with_reader(name, |r| r.search(&c, ReadOptions::default()))
            });
            if let Ok((refs, _)) = r {
                report("found", refs.len());
            }
        }
        "imap_seek" => {
            registry::open(name, &cfg).unwrap();
            let seek = Seek {
                field: SeekField::Subject,
                value: "x".into(),
            };
            let r = timed("call", || {
                registry::with_reader(name, |r| r.seek_first(seek))
            });
            if let Ok(m) = r {
                report("found", m.is_some());
            }
        }
        "imap_count" => {
            registry::open(name, &cfg).unwrap();
            let r = timed("call", || {
                registry::with_reader(name, |r| r.count(ReadOptions::default()))
            });
            if let Ok(n) = r {
                report("count", n);
            }
        }
        "imap_fetch_all" => {
            registry::open(name, &cfg).unwrap();
            let opts = ReadOptions {
                header_only: false,
                ..ReadOptions::default()
            };
            let r = timed("call", || registry::fetch_all(name, opts));
            if let Ok(list) = r {
                report("fetched", list.len());
            }
        }
        "imap_folders" => {
            registry::open(name, &cfg).unwrap();
            let r = timed("call", || registry::with_reader(name, |r| r.list_folders()));
            if let Ok(list) = r {
                report("folders", list.len());
                report(
                    "longest",
                    list.iter().map(String::len).max().unwrap_or_default(),
                );
            }
        }
        "imap_roles" => {
            registry::open(name, &cfg).unwrap();
            let r = timed("call", || {
                registry::with_reader(name, |r| r.folders_with_roles())
            });
            if let Ok(list) = r {
                report("folders", list.len());
                for f in &list {
                    if let Some(role) = f.role {
                        report(&format!("role.{role:?}"), &f.name);
                    }
                }
            }
        }
        "proxy_open" => {
            let mut cfg = cfg.clone();
            cfg.kind = SessionKind::Pop3;
            cfg.port = 110;
            let url = param("PROXY").replace("PORT", &port.to_string());
            cfg.proxy = wd300com::net::ProxyChoice::parse(&url).unwrap();
            let _ = timed("call", || registry::open(name, &cfg));
        }
        "oauth_device" | "oauth_client_credentials" => {
            let base = format!("http://127.0.0.1:{port}");
            let mut p = wd300com::oauth2::Params {
                client_id: "client".into(),
                client_secret: "secret".into(),
                auth_url: format!("{base}/device"),
                token_url: format!("{base}/token"),
                ..Default::default()
            };
            let opts = wd300com::oauth2::Options::new(Duration::from_secs(timeout));
            if case == "oauth_device" {
                p.grant_type = wd300com::oauth2::DEVICE_CODE_GRANT.into();
                let prompt = |uri: &str, code: &str| report("prompt", format!("{uri} {code}"));
                let _ = timed("call", || wd300com::oauth2::device_code(&p, &opts, &prompt));
            } else {
                let _ = timed("call", || wd300com::oauth2::client_credentials(&p, &opts));
            }
        }
        other => panic!("unknown case {other}"),
    }
    report_peak();
}

/// Runs `case` in a child against the server on `port`, with `extra` parameters; the
/// child is killed after `bound_ms` + a generous allowance.
fn run_case(case: &str, port: u16, extra: &[(&str, String)], bound_ms: u64) -> Outcome {
    let mut params = vec![("PORT", port.to_string()), ("TIMEOUT", TIMEOUT.to_string())];
    params.extend(extra.iter().cloned());
    let wall = Duration::from_millis(bound_ms + MARGIN_MS + 20_000);
    child::run(case, &params, CHILD_AS_MIB, wall)
}

/// Asserts the child ended by itself, with `code`, within `bound_ms` + the margin; shows
/// the outcome.
fn check(what: &str, o: &Outcome, code: WD_E, bound_ms: u64) {
    check_code(what, o, code as i32, bound_ms)
}

/// [`check`] for a code given as a number (0: success).
fn check_code(what: &str, o: &Outcome, code: i32, bound_ms: u64) {
    o.assert_clean_exit();
    assert_eq!(o.code("call"), code, "{what}: {o}");
    let ms = o.ms("call");
    assert!(
        ms <= bound_ms + MARGIN_MS,
        "{what}: took {ms} ms (bound {bound_ms} ms): {o}"
    );
    let msg = o.values.get("call.msg").cloned().unwrap_or_default();
    eprintln!(
        "{what}: code {} in {ms} ms, peak {} MiB: {msg}",
        o.code("call"),
        o.peak_mib()
    );
}

/// Runs each case on its own thread (most of them wait), then checks them in order.
fn run_side_by_side<T: Send + 'static>(
    cases: Vec<T>,
    f: impl Fn(T) + Send + Sync + Copy + 'static,
) {
    let runs: Vec<_> = cases
        .into_iter()
        .map(|c| std::thread::spawn(move || f(c)))
        .collect();
    let mut failed = Vec::new();
    for r in runs {
        if let Err(e) = r.join() {
            failed.push(
                e.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default(),
            );
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

// =====================================================================================
// 1. Waiting for new mail (EmailAttendMessage): IMAP IDLE.
// =====================================================================================

/// Untagged noise without end during IDLE: the IDLE's reply is over its budget after a
/// few MiB (`WD_E_PROTOCOL`), memory stays flat, the connection is closed.
#[test]
fn idle_endless_untagged_noise_is_refused_within_its_budget() {
    let server = FakeServer::start(
        imap_login(CAPS)
            .expect("A0003 IDLE")
            .send("+ idling\r\n")
            .flood(NOISE.repeat(2000), 4 << 30)
            .expect_closed(),
    );
    let o = run_case("imap_wait", server.port(), &[("WAIT", "30".into())], 30_000);
    check("IDLE noise", &o, WD_E::Protocol, 30_000);
    assert!(o.get("call.msg").contains("larger than"), "{o}");
    assert!(o.peak_mib() < 64, "peak {} MiB: {o}", o.peak_mib());
    server.join().assert_ok();
}

/// The other ways an IDLE can go wrong, side by side: DONE never answered (`WD_E_TIMEOUT`
/// one timeout after the wait's end), one byte per second during IDLE (`WD_E_TIMEOUT`,
/// the minimum speed), `+ idling` then BYE and the server gone (the wait ends within its
/// delay: the connection is lost and cannot be opened again).
#[test]
fn idle_silent_slow_or_leaving_servers_end_in_time() {
    let sec = Duration::from_secs(1);
    let cases: Vec<(&str, Script, u64, WD_E, u64)> = vec![
        (
            "DONE never answered",
            imap_login(CAPS)
                .expect("A0003 IDLE")
                .send("+ idling\r\n")
                .expect("DONE")
                .stall(Duration::from_secs(30)),
            2,
            WD_E::Timeout,
            (2 + TIMEOUT) * 1000,
        ),
        (
            "one byte per second",
            imap_login(CAPS)
                .expect("A0003 IDLE")
                .send("+ idling\r\n")
                .trickle(
                    "* OK one byte per second, for as long as it takes\r\n".repeat(4),
                    sec,
                ),
            30,
            WD_E::Timeout,
            TIMEOUT * 1000,
        ),
        (
            "+ idling then BYE",
            imap_login(CAPS)
                .expect("A0003 IDLE")
                .send("+ idling\r\n* BYE server shutting down\r\n")
                .close(),
            4,
            WD_E::Connect,
            4000,
        ),
        (
            "untagged data answering IDLE, never +",
            imap_login(CAPS)
                .expect("A0003 IDLE")
                .stall(Duration::from_millis(200))
                .trickle("* OK not yet\r\n".repeat(100), Duration::from_millis(100)),
            30,
            WD_E::Timeout,
            TIMEOUT * 1000,
        ),
    ];
    run_side_by_side(cases, |(what, script, wait, code, bound)| {
        let server = FakeServer::start(script);
        let o = run_case(
            "imap_wait",
            server.port(),
            &[("WAIT", wait.to_string())],
            bound,
        );
        drop(server);
        check(what, &o, code, bound);
    });
}

// =====================================================================================
// 2. Searching and seeking (EmailRecherche, EmailCherchePremier): SEARCH / ESEARCH.
// =====================================================================================

/// A search answered by `answer` (after `UID SEARCH`, tag A0003), with `caps`.
fn search_server(caps: &str, answer: impl AsRef<str>) -> FakeServer {
    FakeServer::start(
        imap_login(caps)
            .expect("A0003 UID SEARCH")
            .send(answer)
            .drain_until_closed(),
    )
}

/// One SEARCH line of the numbers 1 to `n`, then the end of the search.
fn search_line(n: u32) -> String {
    let mut s = String::from("* SEARCH");
    for i in 1..=n {
        s.push(' ');
        s.push_str(&i.to_string());
    }
    s + "\r\nA0003 OK done\r\n"
}

/// Search answers no client should take: numbers past u32, negative or garbage
/// tokens, ESEARCH ranges standing for billions of messages. Each is `WD_E_PROTOCOL`, at
/// once, in little memory.
#[test]
fn search_answers_out_of_range_or_garbage_are_refused() {
    let esearch = "IMAP4rev1 LITERAL+ UIDPLUS ESEARCH";
    let cases: Vec<(&str, &str, String)> = vec![
        (
            "a number over u32",
            CAPS,
            "* SEARCH 1 4294967296\r\nA0003 OK done\r\n".into(),
        ),
        (
            "a negative number",
            CAPS,
            "* SEARCH 1 -2 3\r\nA0003 OK done\r\n".into(),
        ),
        (
            "a garbage token",
            CAPS,
            "* SEARCH 1 two 3\r\nA0003 OK done\r\n".into(),
        ),
        (
            "ESEARCH ALL 1:4294967295",
            esearch,
            "* ESEARCH (TAG \"A0003\") UID ALL 1:4294967295\r\nA0003 OK done\r\n".into(),
        ),
        (
            "ESEARCH ALL of a garbage set",
            esearch,
            "* ESEARCH (TAG \"A0003\") UID ALL 1:x,-3\r\nA0003 OK done\r\n".into(),
        ),
        (
            "ESEARCH ALL 0:5",
            esearch,
            "* ESEARCH (TAG \"A0003\") UID ALL 0:5\r\nA0003 OK done\r\n".into(),
        ),
    ];
    for (what, caps, answer) in cases {
        let server = search_server(caps, answer);
        let o = run_case(
            "imap_search",
            server.port(),
            &[("CRITERIA", "ALL".into())],
            TIMEOUT * 1000,
        );
        drop(server);
        check(what, &o, WD_E::Protocol, TIMEOUT * 1000);
        assert!(o.peak_mib() < 128, "{what}: peak {} MiB: {o}", o.peak_mib());
    }
}

/// A search answer is one line however many messages it finds: past the 64 KiB limit
/// of the other lines, it is bounded by the reply's budget (`WD_PROP_MAX_MESSAGE_SIZE`),
/// its bytes and its numbers charged as they come. Over the budget (2 million numbers in
/// 64 MiB, an endless number) it is refused with `WD_E_PROTOCOL` once the budget is
/// spent, in memory near what it allows; any other line still stops at 64 KiB.
#[test]
fn long_search_lines_are_bounded_by_the_budget() {
    let endless = |head: &'static str, filler: u8| {
        imap_login(CAPS)
            .expect("A0003 UID SEARCH")
            .custom(move |c| {
                c.write_str(head)?;
                let chunk = String::from_utf8(vec![filler; 64 << 10]).unwrap();
                while !c.is_eof() && c.write_str(&chunk).is_ok() {}
                Ok(())
            })
            .drain_until_closed()
    };
    let cases: Vec<(&str, Script, u64, &str, u64)> = vec![
        (
            "2 million numbers over a 64 MiB budget",
            imap_login(CAPS)
                .expect("A0003 UID SEARCH")
                .send(search_line(2_000_000))
                .drain_until_closed(),
            64 * MIB,
            "IMAP reply larger than",
            64,
        ),
        (
            "an endless number over a 16 MiB budget",
            endless("* SEARCH 1 ", b'7'),
            16 * MIB,
            "IMAP reply larger than",
            64,
        ),
        (
            "an endless line that is no search answer",
            endless("* OK ", b'x'),
            256 * MIB,
            "line too long",
            16,
        ),
    ];
    for (what, script, max, msg, peak) in cases {
        let server = FakeServer::start(script);
        let o = run_case(
            "imap_search",
            server.port(),
            &[("CRITERIA", "ALL".into()), ("MAX", max.to_string())],
            10_000,
        );
        drop(server);
        check(what, &o, WD_E::Protocol, 10_000);
        assert!(o.get("call.msg").contains(msg), "{what}: {o}");
        assert!(
            o.peak_mib() < peak,
            "{what}: peak {} MiB: {o}",
            o.peak_mib()
        );
    }
}

/// A SEARCH line of 2 million numbers (about 15 MB) within the budget of the default
/// `WD_PROP_MAX_MESSAGE_SIZE` is taken whole, in bounded memory: a seek
/// (`EmailCherchePremier`) then reads its first match.
#[test]
fn search_line_of_millions_within_the_budget_is_taken() {
    let server = FakeServer::start(
        imap_login(CAPS)
            .expect("A0003 UID SEARCH")
            .send(search_line(2_000_000))
            // The fetches of the matches: none of them is there any more.
            .custom(|c| {
                while let Ok(line) = c.read_line() {
                    let tag = line.split(' ').next().unwrap_or("").to_string();
                    c.write_str(&format!("{tag} OK done\r\n"))?;
                }
                Ok(())
            }),
    );
    let o = run_case("imap_seek", server.port(), &[], 20_000);
    o.assert_clean_exit();
    let t = server.join();
    t.assert_ok();
    // The answer was taken: its first match was asked for.
    let fetch = t.line("A0004 UID FETCH").unwrap_or_default().to_string();
    assert!(fetch.starts_with("A0004 UID FETCH 1 "), "{}", t.report());
    assert!(o.ms("call") < 20_000 + MARGIN_MS, "{o}");
    assert!(o.peak_mib() < 256, "peak {} MiB: {o}", o.peak_mib());
    eprintln!(
        "2 million numbers on one line: {} ms, peak {} MiB, {}",
        o.ms("call"),
        o.peak_mib(),
        o.values.get("call.msg").cloned().unwrap_or_default()
    );
}

/// ESEARCH lines of a few bytes each standing for millions of messages, again and again
/// (to a search and to a seek): refused once the numbers they stand for pass the reply's
/// budget (`WD_PROP_MAX_MESSAGE_SIZE`), not expanded without end.
#[test]
fn esearch_ranges_repeated_stay_within_the_budget() {
    let esearch = "IMAP4rev1 LITERAL+ UIDPLUS ESEARCH";
    let line = |i: u32| {
        let lo = 1 + (i % 800) * 5_000_000;
        format!(
            "* ESEARCH (TAG \"A0003\") UID ALL {lo}:{}\r\n",
            lo + 4_999_990
        )
    };
    for case in ["imap_search", "imap_seek"] {
        let script = imap_login(esearch)
            .expect("A0003 UID SEARCH")
            .custom(move |c| {
                for i in 0..100_000 {
                    if c.is_eof() || c.write_str(&line(i)).is_err() {
                        return Ok(());
                    }
                }
                c.write_str("A0003 OK done\r\n")
            })
            .drain_until_closed();
        let server = FakeServer::start(script);
        let o = run_case(
            case,
            server.port(),
            &[("CRITERIA", "ALL".into()), ("MAX", (64 * MIB).to_string())],
            10_000,
        );
        drop(server);
        check(case, &o, WD_E::Protocol, 10_000);
        assert!(o.peak_mib() < 256, "{case}: peak {} MiB: {o}", o.peak_mib());
    }
}

/// A search answer within the limits is taken: a few ESEARCH ranges (one standing for
/// 100,000 messages) and SEARCH lines; the messages found are then asked for.
#[test]
fn large_but_honest_search_answers_pass() {
    let esearch = "IMAP4rev1 LITERAL+ UIDPLUS ESEARCH";
    let server = FakeServer::start(
        imap_login(esearch)
            .expect("A0003 UID SEARCH")
            .send(
                "* ESEARCH (TAG \"A0003\") UID ALL 1:100000,200000\r\n* SEARCH 5 300000\r\n\
                 A0003 OK done\r\n",
            )
            // The fetches of the messages found: none of them is there any more.
            .custom(|c| {
                while let Ok(line) = c.read_line() {
                    let tag = line.split(' ').next().unwrap_or("").to_string();
                    c.write_str(&format!("{tag} OK done\r\n"))?;
                }
                Ok(())
            }),
    );
    let o = run_case(
        "imap_search",
        server.port(),
        &[("CRITERIA", "ALL".into())],
        10_000,
    );
    o.assert_clean_exit();
    // The answer was taken: the messages found were asked for (and are gone: the fake
    // server answers no FETCH).
    assert!(o.get("call.msg").contains("no longer exists"), "{o}");
    let t = server.join();
    t.assert_ok();
    let fetch = t.line("A0004 UID FETCH").unwrap_or_default().to_string();
    assert!(
        fetch.contains("200000") || fetch.contains(":"),
        "{}",
        t.report()
    );
    eprintln!(
        "honest search: {} ms, peak {} MiB",
        o.ms("call"),
        o.peak_mib()
    );
}

// =====================================================================================
// 3. Folder listings and roles (EmailListeDossier, EmailDossierSpecial,
//    EmailListeDossierRole): LIST and SPECIAL-USE.
// =====================================================================================

/// LIST answers without end: refused once over the listing's budget (8 MiB messages
/// here), memory flat, for the listing and for the roles.
#[test]
fn endless_list_answers_are_refused_within_the_budget() {
    for case in ["imap_folders", "imap_roles"] {
        let server = FakeServer::start(
            imap_login(CAPS)
                .expect("A0003 LIST")
                .flood(
                    "* LIST (\\HasNoChildren \\Sent) \"/\" \"Archives/2024/endless\"\r\n"
                        .repeat(100),
                    4 << 30,
                )
                .expect_closed(),
        );
        let o = run_case(
            case,
            server.port(),
            &[("MAX", (8 * MIB).to_string())],
            10_000,
        );
        check(case, &o, WD_E::Protocol, 10_000);
        assert!(o.get("call.msg").contains("larger than"), "{o}");
        assert!(o.peak_mib() < 96, "{case}: peak {} MiB: {o}", o.peak_mib());
        server.join().assert_ok();
    }
}

/// Folder names as literals: one announced larger than the message limit is refused
/// before it is read (`WD_E_MESSAGE`); one of 3 MB within it is listed.
#[test]
fn enormous_literal_folder_names() {
    let server = FakeServer::start(
        imap_login(CAPS)
            .expect("A0003 LIST")
            .send("* LIST () \"/\" {300000000}\r\n")
            .expect_closed(),
    );
    let o = run_case(
        "imap_folders",
        server.port(),
        &[("MAX", (8 * MIB).to_string())],
        TIMEOUT * 1000,
    );
    check("literal over the limit", &o, WD_E::Message, TIMEOUT * 1000);
    server.join().assert_ok();

    let name = "&".repeat(3_000_000);
    let server = FakeServer::start(
        imap_login(CAPS)
            .expect("A0003 LIST")
            .send(format!(
                "* LIST () \"/\" {{{}}}\r\n{name}\r\n* LIST (\\Trash) \"/\" Trash\r\n\
                 A0003 OK done\r\n",
                name.len()
            ))
            .drain_until_closed(),
    );
    let o = run_case(
        "imap_roles",
        server.port(),
        &[("MAX", (8 * MIB).to_string())],
        TIMEOUT * 1000,
    );
    check_code("3 MB literal name", &o, 0, TIMEOUT * 1000);
    assert_eq!(o.num("folders"), 2, "{o}");
    assert_eq!(o.get("role.Trash"), "Trash", "{o}");
    assert!(o.peak_mib() < 128, "peak {} MiB: {o}", o.peak_mib());
}

/// Invalid modified UTF-7 in folder names (unterminated shifts, bad base64, lone
/// surrogates, odd bit counts, a shift of nothing): every folder is listed under a
/// readable name and the roles still come.
#[test]
fn invalid_modified_utf7_names_are_listed() {
    let names = [
        "&Jjo",
        "&-&-&",
        "&////-",
        "&2D3dAA-",
        "&AGE",
        "&AG-",
        "&ZeVnLIqe-&",
        "Sent&AOk-s&",
        "&&&&-",
        "&AGEAYQBhAGEAYQBhAGEAYQBhAGEAYQ",
    ];
    let mut answer: String = names
        .iter()
        .map(|n| format!("* LIST () \"/\" \"{n}\"\r\n"))
        .collect();
    answer.push_str("* LIST (\\Junk) \"/\" \"&AOk-t&AOk-\"\r\nA0003 OK done\r\n");
    for case in ["imap_folders", "imap_roles"] {
        let server = FakeServer::start(
            imap_login(CAPS)
                .expect("A0003 LIST")
                .send(&answer)
                .drain_until_closed(),
        );
        let o = run_case(case, server.port(), &[], TIMEOUT * 1000);
        drop(server);
        check_code(case, &o, 0, TIMEOUT * 1000);
        assert_eq!(o.num("folders"), names.len() as u64 + 1, "{o}");
        if case == "imap_roles" {
            assert_eq!(o.get("role.Junk"), "été", "{o}");
        }
    }
}

// =====================================================================================
// 4. Proxies (WD_PROP_PROXY): SOCKS5, SOCKS5h, HTTP CONNECT.
// =====================================================================================

/// Reads the SOCKS5 greeting without credentials and accepts it, then the connect
/// request (10 bytes for an IPv4 address).
fn socks5_greeted() -> Script {
    Script::new()
        .custom(|c| c.read_exact(3).map(|_| ()))
        .send_bytes([5, 0])
        .custom(|c| c.read_exact(10).map(|_| ()))
}

fn http_head() -> Script {
    Script::new()
        .expect("CONNECT 127.0.0.1:110 HTTP/1.1")
        .expect("Host:")
        .expect("User-Agent:")
        .expect("")
}

/// Hostile proxies: garbage, truncated and absurd SOCKS5 replies, endless or slow HTTP
/// CONNECT replies, a 200 with a body. Each ends with `WD_E_CONNECT` (the proxy's
/// refusal or nonsense, named) or `WD_E_TIMEOUT` (a proxy too slow for the opening
/// deadline), within the timeout; a body after the 200 reaches the mail protocol, which
/// refuses it as a greeting (`WD_E_PROTOCOL`).
#[test]
fn hostile_proxies_fail_clearly_within_the_timeout() {
    let sec = Duration::from_secs(1);
    let t = TIMEOUT * 1000;
    let socks = "socks5://127.0.0.1:PORT";
    let socks_h = "socks5h://127.0.0.1:PORT";
    let http = "http://127.0.0.1:PORT";
    let cases: Vec<(&str, &str, Script, WD_E)> = vec![
        (
            "SOCKS5 garbage at the greeting",
            socks,
            Script::new()
                .custom(|c| c.read_exact(3).map(|_| ()))
                .send_garbage(4096)
                .drain_until_closed(),
            WD_E::Connect,
        ),
        (
            "SOCKS5 garbage after the connect request",
            socks_h,
            Script::new()
                .custom(|c| c.read_exact(3).map(|_| ()))
                .send_bytes([5, 0])
                .custom(|c| c.read_exact(10).map(|_| ()))
                .send_garbage(4096)
                .drain_until_closed(),
            WD_E::Connect,
        ),
        (
            "SOCKS5 reply truncated, then closed",
            socks,
            socks5_greeted().send_bytes([5, 0, 0]).close(),
            WD_E::Connect,
        ),
        (
            "SOCKS5 reply truncated, then silent",
            socks,
            socks5_greeted()
                .send_bytes([5, 0, 0, 1, 127])
                .stall(Duration::from_secs(30)),
            WD_E::Timeout,
        ),
        (
            "SOCKS5 domain of 255 bytes announced, 3 sent",
            socks,
            socks5_greeted()
                .send_bytes([5, 0, 0, 3, 255, b'a', b'b', b'c'])
                .stall(Duration::from_secs(30)),
            WD_E::Timeout,
        ),
        (
            "SOCKS5 domain of 255 bytes announced, then closed",
            socks,
            socks5_greeted().send_bytes([5, 0, 0, 3, 255, b'a']).close(),
            WD_E::Connect,
        ),
        (
            "SOCKS5 address type 9",
            socks,
            socks5_greeted().send_bytes([5, 0, 0, 9, 0, 0, 0, 0, 0, 0]),
            WD_E::Connect,
        ),
        (
            "SOCKS5 one byte per second",
            socks,
            Script::new()
                .custom(|c| c.read_exact(3).map(|_| ()))
                .trickle([5u8, 0, 5, 0, 0, 1, 0, 0, 0, 0, 0, 0], sec),
            WD_E::Timeout,
        ),
        (
            "HTTP endless header lines",
            http,
            http_head()
                .send("HTTP/1.1 200 Connection established\r\n")
                .flood("X-Junk: 0123456789abcdef0123456789abcdef\r\n", 1 << 30),
            WD_E::Connect,
        ),
        (
            "HTTP garbage",
            http,
            http_head().send_garbage(100_000),
            WD_E::Connect,
        ),
        (
            "HTTP one byte per second",
            http,
            http_head().trickle("HTTP/1.1 200 Connection established\r\n\r\n", sec),
            WD_E::Timeout,
        ),
        (
            "HTTP 200 with a body",
            http,
            http_head()
                .send(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 52\r\n\r\n\
                     <html><body>Welcome to the proxy</body></html>\r\n\r\n",
                )
                .drain_until_closed(),
            WD_E::Protocol,
        ),
    ];
    run_side_by_side(cases, move |(what, url, script, code)| {
        let server = FakeServer::start(script);
        let o = run_case("proxy_open", server.port(), &[("PROXY", url.into())], t);
        drop(server);
        check(what, &o, code, t);
        if code == WD_E::Connect {
            assert!(o.get("call.msg").contains("WD_PROP_PROXY"), "{what}: {o}");
        }
        assert!(o.peak_mib() < 64, "{what}: peak {} MiB: {o}", o.peak_mib());
    });
}

// =====================================================================================
// 5. OAuth2: the token endpoint and the device flow.
// =====================================================================================

/// What an [`endpoint`] answers to request `n` (from 0) of a path.
type Answer = fn(&str, usize) -> String;

/// A loopback HTTP endpoint answering every request with `answer(path, n)` (`n` counts
/// the requests to that path from 0), then closing. Lives until the process ends.
struct Endpoint {
    port: u16,
    token_requests: Arc<AtomicUsize>,
}

fn endpoint(answer: Answer) -> Endpoint {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let token_requests = Arc::new(AtomicUsize::new(0));
    let counted = token_requests.clone();
    std::thread::spawn(move || {
        let mut device = 0;
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut r = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if r.read_line(&mut line).is_err() {
                continue;
            }
            let path = line.split(' ').nth(1).unwrap_or("").to_string();
            let mut length = 0usize;
            loop {
                let mut h = String::new();
                if r.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                    break;
                }
                if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = r.read_exact(&mut body);
            let n = if path == "/token" {
                counted.fetch_add(1, Ordering::SeqCst)
            } else {
                device += 1;
                device - 1
            };
            let _ = stream.write_all(answer(&path, n).as_bytes());
        }
    });
    Endpoint {
        port,
        token_requests,
    }
}

/// An HTTP reply with `status` and the JSON `body`.
fn json(status: u16, body: &str) -> String {
    format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )
}

/// Token endpoints sending a huge JSON, or JSON nested deeper than any parser should
/// follow: `WD_E_PROTOCOL` at once, in little memory.
#[test]
fn token_endpoint_huge_or_deep_json_is_refused() {
    let cases: Vec<(&str, Answer)> = vec![
        ("huge JSON", |_, _| {
            let big = "a".repeat(50 << 20);
            json(200, &format!("{{\"access_token\":\"{big}\"}}"))
        }),
        ("huge JSON, chunked without end", |_, _| {
            let chunk = format!("100000\r\n{}\r\n", "[".repeat(0x100000));
            format!(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{}",
                chunk.repeat(40)
            )
        }),
        ("deeply nested arrays", |_, _| {
            json(
                200,
                &format!("{}{}", "[".repeat(500_000), "]".repeat(500_000)),
            )
        }),
        ("deeply nested objects", |_, _| {
            json(
                200,
                &format!("{}1{}", "{\"a\":".repeat(100_000), "}".repeat(100_000)),
            )
        }),
        ("deeply nested error", |_, _| {
            json(
                400,
                &format!(
                    "{{\"error\":{}0{}}}",
                    "[".repeat(200_000),
                    "]".repeat(200_000)
                ),
            )
        }),
    ];
    run_side_by_side(cases, |(what, answer)| {
        let e = endpoint(answer);
        let o = run_case("oauth_client_credentials", e.port, &[], TIMEOUT * 1000);
        check(what, &o, WD_E::Protocol, TIMEOUT * 1000);
        assert!(o.peak_mib() < 128, "{what}: peak {} MiB: {o}", o.peak_mib());
    });
}

/// The device flow against absurd device replies and a token endpoint that never
/// approves: every case ends with `WD_E_TIMEOUT` by the flow's timeout, polling at most
/// once a second (no busy loop), or at once for an answer that cannot be used.
#[test]
fn device_flow_absurd_intervals_and_endless_slow_down_end_in_time() {
    const DEVICE: &str =
        r#""device_code":"dc","user_code":"WDJB-MJHT","verification_uri":"http://x/v""#;
    let pending: Answer = |path, _| match path {
        "/device" => json(200, &format!("{{{DEVICE},\"interval\":0}}")),
        _ => json(400, r#"{"error":"authorization_pending"}"#),
    };
    let slow_down: Answer = |path, _| match path {
        "/device" => json(200, &format!("{{{DEVICE},\"interval\":1}}")),
        _ => json(400, r#"{"error":"slow_down"}"#),
    };
    let huge_interval: Answer = |path, _| match path {
        "/device" => json(200, &format!("{{{DEVICE},\"interval\":1e308}}")),
        _ => json(400, r#"{"error":"authorization_pending"}"#),
    };
    let huge_expiry: Answer = |path, _| match path {
        "/device" => json(
            200,
            &format!(
                "{{{DEVICE},\"interval\":\"1\",\"expires_in\":\"99999999999999999999999999\"}}"
            ),
        ),
        _ => json(400, r#"{"error":"authorization_pending"}"#),
    };
    let negative: Answer = |path, _| match path {
        "/device" => json(
            200,
            &format!("{{{DEVICE},\"interval\":-5,\"expires_in\":-1}}"),
        ),
        _ => json(400, r#"{"error":"authorization_pending"}"#),
    };
    let expired_at_once: Answer = |path, _| match path {
        "/device" => json(
            200,
            &format!("{{{DEVICE},\"interval\":1,\"expires_in\":0}}"),
        ),
        _ => json(400, r#"{"error":"authorization_pending"}"#),
    };
    // (what, answers, code, most token requests, bound in ms)
    let t = TIMEOUT * 1000;
    let cases: Vec<(&str, Answer, WD_E, usize, u64)> = vec![
        ("interval 0, pending forever", pending, WD_E::Timeout, 4, t),
        ("slow_down forever", slow_down, WD_E::Timeout, 2, t),
        ("interval 1e308", huge_interval, WD_E::Timeout, 0, t),
        ("expires_in absurd", huge_expiry, WD_E::Timeout, 4, t),
        (
            "negative interval and expiry",
            negative,
            WD_E::Timeout,
            0,
            t,
        ),
        ("expires_in 0", expired_at_once, WD_E::Timeout, 0, 1000),
    ];
    run_side_by_side(cases, |(what, answer, code, most, bound)| {
        let e = endpoint(answer);
        let o = run_case("oauth_device", e.port, &[], bound);
        check(what, &o, code, bound);
        let polls = e.token_requests.load(Ordering::SeqCst);
        assert!(polls <= most, "{what}: {polls} polls: {o}");
    });
}

// =====================================================================================
// 6. A folder that claims billions of messages (`* 4294967295 EXISTS`).
// =====================================================================================

/// A SELECT announcing 4,294,967,295 messages, then listings and fetches of one: the
/// count and the whole-folder fetch take what arrives, sized by it, not by the claim.
#[test]
fn a_claim_of_billions_of_messages_reserves_nothing() {
    let body = "Subject: one\r\n\r\nbody\r\n";
    let cases = [
        (
            "imap_count",
            "A0003 UID FETCH 1:* (UID FLAGS RFC822.SIZE)",
            "* 1 FETCH (UID 5 FLAGS () RFC822.SIZE 10)\r\nA0003 OK done\r\n".to_string(),
            "count",
        ),
        (
            "imap_fetch_all",
            "A0003 UID FETCH 1:*",
            format!(
                "* 1 FETCH (UID 5 FLAGS () RFC822.SIZE {n} BODY[] {{{n}}}\r\n{body})\r\nA0003 OK done\r\n",
                n = body.len()
            ),
            "fetched",
        ),
    ];
    for (case, expect, answer, key) in cases {
        let server = FakeServer::start(
            Script::new()
                .send(format!("* OK [CAPABILITY {CAPS}] hostile ready\r\n"))
                .expect("A0001 LOGIN")
                .send("A0001 OK Logged in\r\n")
                .expect("A0002 SELECT")
                .send("* 4294967295 EXISTS\r\nA0002 OK [READ-WRITE] Selected\r\n")
                .expect(expect)
                .send(answer)
                .drain_until_closed(),
        );
        let o = run_case(case, server.port(), &[], TIMEOUT * 1000);
        check_code(case, &o, 0, TIMEOUT * 1000);
        assert_eq!(
            o.values.get(key).map(String::as_str),
            Some("1"),
            "{case}: {o}"
        );
        assert!(o.peak_mib() < 64, "{case}: {o}");
    }
}
