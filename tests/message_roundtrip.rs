//! Build → parse round trips, and the shape of the built source.

mod support;

use support::rng::{Rng, fuzz_rounds};
use wd300com::error::WD_E;
use wd300com::message::attachments::safe_name;
use wd300com::message::build::{BuildOptions, build};
use wd300com::message::parse::parse;
use wd300com::message::{Attachment, Email};

/// Every line ends with CRLF (no bare CR or LF) and no line exceeds 998 bytes.
fn assert_wire_shape(src: &[u8]) {
    assert!(src.ends_with(b"\r\n"), "source must end with CRLF");
    for (i, &b) in src.iter().enumerate() {
        if b == b'\n' {
            assert!(i > 0 && src[i - 1] == b'\r', "bare LF at byte {i}");
        }
        if b == b'\r' {
            assert_eq!(src.get(i + 1), Some(&b'\n'), "bare CR at byte {i}");
        }
    }
    for (n, line) in src.split(|&b| b == b'\n').enumerate() {
        let len = line.strip_suffix(b"\r").unwrap_or(line).len();
        assert!(len <= 998, "line {n} has {len} bytes");
    }
}

fn header_block(src: &[u8]) -> String {
    let end = src
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("header end");
    String::from_utf8(src[..end + 2].to_vec()).expect("headers are ASCII/UTF-8")
}

fn build_parse(e: &mut Email, opts: BuildOptions) -> Email {
    build(e, opts).unwrap();
    assert_eq!(e.size, e.source.len() as i64);
    assert_wire_shape(&e.source);
    let p = parse(&e.source).unwrap();
    assert_eq!(p.source, e.source);
    p
}

fn base() -> Email {
    Email {
        sender: "Alice <alice@example.com>".into(),
        to: vec!["bob@example.org".into(), "Carol <carol@example.net>".into()],
        subject: "Round trip".into(),
        date: "2024-03-01T10:20:30+01:00".into(),
        message_id: "rt-1@example.com".into(),
        ..Email::default()
    }
}

fn assert_same_envelope(a: &Email, p: &Email) {
    assert_eq!(p.sender, a.sender);
    assert_eq!(p.to, a.to);
    assert_eq!(p.cc, a.cc);
    assert_eq!(p.subject, a.subject);
    assert_eq!(p.date, a.date);
    assert_eq!(p.message_id, a.message_id);
}

#[test]
fn text_only() {
    let mut e = base();
    e.message = "Hello Bob,\r\n\r\nplain text.\r\n-- \r\nAlice".into();
    let p = build_parse(&mut e, BuildOptions::default());
    assert_same_envelope(&e, &p);
    assert_eq!(p.message, e.message);
    assert_eq!(p.html, "");
    assert!(p.attachments.is_empty());
    let h = header_block(&e.source);
    assert!(
        h.contains("Content-Type: text/plain; charset=utf-8\r\n"),
        "{h}"
    );
    assert!(
        h.contains("Date: Fri, 01 Mar 2024 10:20:30 +0100\r\n"),
        "{h}"
    );
    assert!(h.contains("Message-ID: <rt-1@example.com>\r\n"), "{h}");
    assert!(h.contains("MIME-Version: 1.0\r\n"), "{h}");
    assert_eq!(e.date, "2024-03-01T10:20:30+01:00");
}

#[test]
fn text_with_lf_line_ends_and_trailing_newline() {
    let mut e = base();
    e.message = "one\ntwo\n".into();
    let p = build_parse(&mut e, BuildOptions::default());
    assert_eq!(p.message, "one\r\ntwo\r\n");
}

#[test]
fn html_only() {
    let mut e = base();
    e.html = "<html><body><p>Hé <b>bold</b></p></body></html>".into();
    let p = build_parse(&mut e, BuildOptions::default());
    assert_eq!(p.html, e.html);
    assert_eq!(p.message, "");
    assert!(header_block(&e.source).contains("Content-Type: text/html; charset=utf-8"));
}

#[test]
fn text_and_html() {
    let mut e = base();
    e.message = "Texte accentué : été, garçon, œuvre.".into();
    e.html = "<p>Texte accentu&eacute;</p>".into();
    let p = build_parse(&mut e, BuildOptions::default());
    assert_eq!(p.message, e.message);
    assert_eq!(p.html, e.html);
    assert!(header_block(&e.source).contains("multipart/alternative"));
}

fn every_byte() -> Vec<u8> {
    let mut v: Vec<u8> = (0..=255u8).collect();
    v.extend((0..=255u8).rev());
    v.extend([0, 0, 0, b'\r', b'\n', b'\n', b'\r', 0]);
    v
}

#[test]
fn attachments() {
    let mut e = base();
    e.message = "See attachments.".into();
    e.attachments = vec![
        Attachment {
            name: "bytes.bin".into(),
            content_type: "application/octet-stream".into(),
            content_id: String::new(),
            data: every_byte().into(),
            raw_name: None,
        },
        Attachment {
            name: "nul.txt".into(),
            content_type: "text/plain".into(),
            content_id: String::new(),
            data: b"a\0b\0\r\nc\n".to_vec().into(),
            raw_name: None,
        },
        Attachment {
            name: "empty.dat".into(),
            content_type: String::new(),
            content_id: String::new(),
            data: Vec::new().into(),
            raw_name: None,
        },
        Attachment {
            name: "report.pdf".into(),
            content_type: String::new(),
            content_id: String::new(),
            data: vec![0x25; 10_000].into(),
            raw_name: None,
        },
    ];
    let p = build_parse(&mut e, BuildOptions::default());
    assert_eq!(p.message, e.message);
    assert_eq!(p.attachments.len(), 4);
    assert_eq!(p.attachments[0], e.attachments[0]);
    // "nul" is a Windows device name: the received name is made safe, the name as sent
    // is kept beside it.
    assert_eq!(p.attachments[1].name, "_nul.txt");
    assert_eq!(p.attachments[1].raw_name(), "nul.txt");
    assert_eq!(p.attachments[1].content_type, e.attachments[1].content_type);
    assert_eq!(p.attachments[1].data, e.attachments[1].data);
    assert_eq!(p.attachments[2].name, "empty.dat");
    assert_eq!(p.attachments[2].content_type, "application/octet-stream");
    assert!(p.attachments[2].data.is_empty());
    assert_eq!(p.attachments[3].content_type, "application/pdf");
    assert_eq!(p.attachments[3].data, e.attachments[3].data);
    assert!(header_block(&e.source).contains("multipart/mixed"));
}

#[test]
fn attachments_without_body() {
    let mut e = base();
    e.attachments = vec![Attachment {
        name: "only.bin".into(),
        content_type: "application/octet-stream".into(),
        content_id: String::new(),
        data: vec![1, 2, 3].into(),
        raw_name: None,
    }];
    let p = build_parse(&mut e, BuildOptions::default());
    assert_eq!(p.message, "");
    assert_eq!(p.attachments, e.attachments);
}

#[test]
fn inline_images_related() {
    let mut e = base();
    e.message = "text version".into();
    e.html = "<p>logo: <img src=\"cid:logo.1@example.com\"></p>".into();
    e.attachments = vec![
        Attachment {
            name: "logo.png".into(),
            content_type: "image/png".into(),
            content_id: "logo.1@example.com".into(),
            data: b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec().into(),
            raw_name: None,
        },
        Attachment {
            name: "doc.pdf".into(),
            content_type: "application/pdf".into(),
            content_id: String::new(),
            data: b"%PDF".to_vec().into(),
            raw_name: None,
        },
    ];
    let p = build_parse(&mut e, BuildOptions::default());
    assert_eq!(p.message, e.message);
    assert_eq!(p.html, e.html);
    assert_eq!(p.attachments, e.attachments);
    let src = String::from_utf8_lossy(&e.source);
    let (mixed, alt, rel) = (
        src.find("multipart/mixed").unwrap(),
        src.find("multipart/alternative").unwrap(),
        src.find("multipart/related").unwrap(),
    );
    assert!(mixed < alt && alt < rel, "mixed > alternative > related");
    assert!(src.contains("Content-ID: <logo.1@example.com>"));
}

#[test]
fn non_ascii_everywhere() {
    let mut e = base();
    e.sender = "Zoë Ünïcødé <zoe@example.com>".into();
    e.to = vec![
        "\"Doe, Jöhn\" <john@example.com>".into(),
        "日本語の名前 <jp@example.jp>".into(),
    ];
    e.cc = vec!["Ann O'Neil <ann@example.com>".into()];
    e.subject = "Réunion : café ☕ à 10h — ordre du jour très détaillé qui dépasse largement \
                 soixante-dix-huit caractères pour forcer le pliage"
        .into();
    e.message = "Corps en français, 中文, emoji 🎉.".into();
    e.attachments = vec![Attachment {
        name: "Compte rendu été 2024 — version définitive avec un nom très long.pdf".into(),
        content_type: "application/pdf".into(),
        content_id: String::new(),
        data: b"%PDF-1.7".to_vec().into(),
        raw_name: None,
    }];
    e.headers = vec![("X-Note".into(), "Ünïcødé header value".into())];
    let p = build_parse(&mut e, BuildOptions::default());
    assert_same_envelope(&e, &p);
    assert_eq!(p.message, e.message);
    assert_eq!(p.attachments, e.attachments);
    assert_eq!(p.header("X-Note", 0), Some("Ünïcødé header value"));
    // The headers themselves are pure ASCII (RFC 2047 / RFC 2231).
    let h = header_block(&e.source);
    assert!(h.is_ascii(), "{h}");
    assert!(String::from_utf8_lossy(&e.source).is_ascii());
}

#[test]
fn encode_headers_option() {
    let mut e = base();
    e.message = "x".into();
    let p = build_parse(
        &mut e,
        BuildOptions {
            encode_headers: true,
            header_bcc: false,
        },
    );
    assert_same_envelope(&e, &p);
    let h = header_block(&e.source);
    assert!(h.contains("Subject: =?utf-8?Q?Round_trip?="), "{h}");
    assert!(
        h.contains("From: =?utf-8?Q?Alice?= <alice@example.com>"),
        "{h}"
    );
}

#[test]
fn bcc_only_with_option() {
    let mut e = base();
    e.message = "x".into();
    e.bcc = vec![
        "Secret <secret@example.com>".into(),
        "hidden@example.com".into(),
    ];
    e.headers = vec![("Bcc".into(), "leak@example.com".into())];
    build(&mut e, BuildOptions::default()).unwrap();
    let h = header_block(&e.source).to_ascii_lowercase();
    assert!(
        !h.contains("bcc:") && !h.contains("secret") && !h.contains("leak"),
        "{h}"
    );
    assert!(parse(&e.source).unwrap().bcc.is_empty());

    let p = build_parse(
        &mut e,
        BuildOptions {
            header_bcc: true,
            encode_headers: false,
        },
    );
    assert_eq!(p.bcc, e.bcc);
    assert!(!String::from_utf8_lossy(&e.source).contains("leak"));
}

#[test]
fn generated_date_and_message_id() {
    let mut e = Email {
        message: "x".into(),
        sender: "a@example.com".into(),
        ..Email::default()
    };
    let p = build_parse(&mut e, BuildOptions::default());
    assert!(
        !e.date.is_empty() && e.date.ends_with("+00:00"),
        "{}",
        e.date
    );
    assert!(e.message_id.ends_with("@example.com"), "{}", e.message_id);
    assert!(!e.message_id.contains('<'));
    assert_eq!(p.date, e.date);
    assert_eq!(p.message_id, e.message_id);
    let first = e.message_id.clone();
    let mut e2 = Email {
        message: "x".into(),
        ..Email::default()
    };
    build(&mut e2, BuildOptions::default()).unwrap();
    assert!(e2.message_id.ends_with("@localhost"));
    assert_ne!(e2.message_id, first);
    // No sender: no From header, still a valid message.
    assert!(!header_block(&e2.source).contains("From:"));
}

#[test]
fn bad_date_is_a_message_error() {
    let mut e = base();
    e.date = "yesterday".into();
    let err = build(&mut e, BuildOptions::default()).unwrap_err();
    assert_eq!(err.code, WD_E::Message);
    assert!(e.source.is_empty(), "nothing written on error");
}

#[test]
fn line_breaks_in_headers_are_refused() {
    let cases: &[fn(&mut Email)] = &[
        |e| e.subject = "a\r\nBcc: x@y".into(),
        |e| e.subject = "a\nb".into(),
        |e| e.sender = "a@b\r".into(),
        |e| e.to.push("x@y\nBcc: z@w".into()),
        |e| e.cc.push("x@y\r\n".into()),
        |e| e.bcc.push("\nx@y".into()),
        |e| e.reply_to = "r@x\n".into(),
        |e| {
            e.disposition_notification = true;
            e.disposition_notification_to = "r@x\r".into()
        },
        |e| e.message_id = "id@x\r\n".into(),
        |e| e.headers.push(("X-A".into(), "v\r\nInjected: 1".into())),
        |e| e.headers.push(("X-A\r\nB".into(), "v".into())),
        |e| e.headers.push(("Bad Name".into(), "v".into())),
        |e| e.headers.push(("Colon:".into(), "v".into())),
        |e| {
            e.attachments.push(Attachment {
                name: "a\r\n.txt".into(),
                ..Attachment::default()
            })
        },
        |e| e.priority = 9,
    ];
    for (i, f) in cases.iter().enumerate() {
        let mut e = base();
        e.message = "x".into();
        f(&mut e);
        let err = build(&mut e, BuildOptions::default()).unwrap_err();
        assert_eq!(err.code, WD_E::InvalidArgument, "case {i}: {err}");
    }
}

#[test]
fn priority_receipt_reply_to_and_extra_headers() {
    let mut e = base();
    e.message = "x".into();
    e.priority = 1;
    e.reply_to = "Replies <r@example.com>, other@example.com".into();
    e.disposition_notification = true;
    e.disposition_notification_to = "Alice <alice@example.com>".into();
    e.headers = vec![
        ("X-Mailer".into(), "wd300com".into()),
        ("X-Long".into(), "word ".repeat(100).trim_end().to_string()),
        ("X-Unbroken".into(), "z".repeat(1500)),
        ("Content-Type".into(), "text/evil".into()),
        ("Subject".into(), "duplicate".into()),
    ];
    let p = build_parse(&mut e, BuildOptions::default());
    assert_eq!(p.priority, 1);
    assert_eq!(p.reply_to, e.reply_to);
    assert_eq!(p.disposition_notification, e.disposition_notification);
    assert_eq!(p.disposition_notification_to, e.disposition_notification_to);
    assert_eq!(p.header("x-mailer", 0), Some("wd300com"));
    assert_eq!(p.header("X-Long", 0), e.header("X-Long", 0));
    assert_eq!(p.header("X-Unbroken", 0), e.header("X-Unbroken", 0));
    assert_eq!(p.header("Subject", 1), None);
    assert_eq!(
        p.header("Content-Type", 0)
            .map(|v| v.starts_with("text/plain")),
        Some(true)
    );
    assert_eq!(p.header("X-Priority", 0), Some("1 (Highest)"));
    for prio in 1..=5 {
        let mut e = base();
        e.priority = prio;
        assert_eq!(build_parse(&mut e, BuildOptions::default()).priority, prio);
    }
}

#[test]
fn long_lines_stay_under_998() {
    let mut e = base();
    e.subject = "x".repeat(2000);
    e.message = format!("{}\r\n{}", "a".repeat(5000), "é".repeat(3000));
    e.html = format!("<p>{}</p>", "b".repeat(5000));
    e.to = (0..60)
        .map(|i| format!("Recipient Number {i} <r{i}@example.com>"))
        .collect();
    let p = build_parse(&mut e, BuildOptions::default());
    assert_eq!(p.subject, e.subject);
    assert_eq!(p.message, e.message);
    assert_eq!(p.html, e.html);
    assert_eq!(p.to, e.to);
}

#[test]
fn attached_message_round_trip() {
    let inner = b"From: x@example.com\r\nSubject: inner\r\n\r\nInner body.\r\n".to_vec();
    let mut e = base();
    e.message = "fwd".into();
    e.attachments = vec![Attachment {
        name: "inner.eml".into(),
        content_type: "message/rfc822".into(),
        content_id: String::new(),
        data: inner.clone().into(),
        raw_name: None,
    }];
    let p = build_parse(&mut e, BuildOptions::default());
    assert_eq!(p.attachments.len(), 1);
    assert_eq!(p.attachments[0].content_type, "message/rfc822");
    assert_eq!(p.attachments[0].name, "inner.eml");
    assert_eq!(p.attachments[0].data, inner);
    assert!(
        String::from_utf8_lossy(&e.source)
            .contains("Content-Transfer-Encoding: 7bit\r\nContent-Disposition: attachment")
    );
}

#[test]
fn imported_message_rebuilds() {
    let raw = b"From: A <a@example.com>\r\nTo: b@example.com\r\nSubject: imported\r\n\
                Date: Mon, 15 Jan 2024 08:05:00 -0500\r\nMessage-ID: <imp@example.com>\r\n\
                X-Keep: yes\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nBody\r\n";
    let mut e = parse(raw).unwrap();
    let p = build_parse(&mut e, BuildOptions::default());
    assert_eq!(p.subject, "imported");
    assert_eq!(p.date, "2024-01-15T08:05:00-05:00");
    assert_eq!(p.message_id, "imp@example.com");
    assert_eq!(p.message, "Body");
    assert_eq!(p.header("X-Keep", 0), Some("yes"));
    assert_eq!(p.header("X-Keep", 1), None);
    assert_eq!(
        p.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("from"))
            .count(),
        1
    );
}

/// Random text for the seeded property loop.
trait RandomText {
    /// Random text from a pool mixing ASCII specials, Latin-1, CJK, emoji and near-encoded
    /// word sequences; single spaces only, no leading or trailing space.
    fn text(&mut self, max_words: usize) -> String;
}

impl RandomText for Rng {
    fn text(&mut self, max_words: usize) -> String {
        const POOL: &[&str] = &[
            "a",
            "Zz",
            "hello",
            "=?",
            "?=",
            "=?utf-8?Q?x?=",
            "\"",
            "\\",
            ",",
            ";",
            ":",
            "<",
            ">",
            "@",
            "(",
            ")",
            "é",
            "ÿ",
            "€",
            "日本",
            "🎉",
            "_",
            "=",
            "%",
            "'",
            "O'Neil",
            "x.y",
            "tab\tin",
            "\u{a0}",
            "ß",
            "Ωμέγα",
        ];
        let n = 1 + self.below(max_words);
        (0..n)
            .map(|_| {
                let k = 1 + self.below(3);
                (0..k)
                    .map(|_| POOL[self.below(POOL.len())])
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[test]
fn random_fields_round_trip() {
    // WD_FUZZ_ROUNDS / WD_FUZZ_SEED run a longer exploration locally.
    let mut rng = Rng::from_env(0xC0FF_EE12_3456_789B);
    for round in 0..fuzz_rounds(300) {
        let mut e = base();
        e.subject = rng.text(30);
        e.sender = format!(
            "\"{}\" <s{round}@example.com>",
            rng.text(4).replace(['"', '\\'], "")
        );
        e.to = (0..1 + rng.below(4))
            .map(|i| {
                let name = rng.text(3).replace(['"', '\\'], "");
                format!("\"{name}\" <t{i}@example.com>")
            })
            .collect();
        e.message = (0..rng.below(5))
            .map(|_| rng.text(40))
            .collect::<Vec<_>>()
            .join("\r\n");
        e.html = if rng.below(2) == 0 {
            format!("<p>{}</p>", rng.text(20))
        } else {
            String::new()
        };
        e.headers = vec![("X-Random".into(), rng.text(20))];
        e.attachments = (0..rng.below(3))
            .map(|i| Attachment {
                name: format!("{}.{i}.bin", rng.text(5)),
                content_type: "application/octet-stream".into(),
                content_id: if rng.below(3) == 0 {
                    format!("c{i}@x")
                } else {
                    String::new()
                },
                data: (0..rng.below(300)).map(|_| rng.next() as u8).collect(),
                raw_name: None,
            })
            .collect();
        let opts = BuildOptions {
            encode_headers: rng.below(2) == 0,
            header_bcc: false,
        };
        let p = build_parse(&mut e, opts);
        let w = format!("round {round}");
        assert_eq!(p.subject, e.subject, "{w}");
        // Names come back unquoted, quoted again only when they hold specials.
        let expect = |s: &str| {
            let (n, a) = wd300com::message::address::split_mailbox(s);
            wd300com::message::address::format_mailbox(&n, &a)
        };
        assert_eq!(p.sender, expect(&e.sender), "{w}");
        assert_eq!(
            p.to,
            e.to.iter().map(|t| expect(t)).collect::<Vec<_>>(),
            "{w}"
        );
        assert_eq!(p.message, e.message, "{w}");
        assert_eq!(p.html, e.html, "{w}");
        assert_eq!(p.header("X-Random", 0), e.header("X-Random", 0), "{w}");
        // With no HTML, inline parts are plain attachments and keep their Content-ID.
        // With HTML, inline parts come first (inside multipart/related).
        let mut expected: Vec<&Attachment> = e.attachments.iter().collect();
        if !e.html.is_empty() {
            expected.sort_by_key(|a| a.content_id.is_empty());
        }
        assert_eq!(p.attachments.len(), expected.len(), "{w}");
        for (a, b) in p.attachments.iter().zip(expected) {
            // Received names are made safe; the name as sent is kept beside.
            assert_eq!(Some(a.name.clone()), safe_name(&b.name), "{w}");
            assert_eq!(a.raw_name(), &b.name, "{w}");
            assert_eq!(a.data, b.data, "{w}");
            assert_eq!(a.content_id, b.content_id, "{w}");
        }
    }
}

/// `EmailEntete` returns a string owned by the message, valid until the message changes:
/// reading the same header again must not release the pointer returned the first time.
#[test]
fn header_getter_pointer_survives_a_second_read() {
    use std::ffi::{CStr, CString};
    use wd300com::ffi::message::{EmailCree, EmailEntete, EmailImporteSource, EmailLibere};
    let h = EmailCree();
    assert!(h.0 > 0);
    let src = b"Subject: s\r\nX-Tag: kept pointer value\r\nFrom: a@x\r\n\r\nbody\r\n";
    // SAFETY: valid buffer of `src.len()` bytes.
    assert_eq!(unsafe { EmailImporteSource(h, src.as_ptr(), src.len()) }, 1);
    let tag = CString::new("X-Tag").unwrap();
    // SAFETY: NUL-terminated header name.
    let p1 = unsafe { EmailEntete(h, tag.as_ptr(), 0) };
    // SAFETY: as above.
    let p2 = unsafe { EmailEntete(h, tag.as_ptr(), 0) };
    assert!(!p1.is_null());
    assert_eq!(p1, p2, "reading a header again released the first pointer");
    // SAFETY: NUL-terminated string owned by the unchanged message.
    assert_eq!(
        unsafe { CStr::from_ptr(p1) }.to_str().unwrap(),
        "kept pointer value"
    );
    assert_eq!(EmailLibere(h), 1);
}
