//! Golden MIME fixtures: each file of `tests/fixtures/mime` is parsed in its CRLF form and
//! in its LF form, and every field is checked explicitly.

use wd300com::message::parse::parse;
use wd300com::message::{Attachment, Email};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/mime/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn to_lf(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    for (i, &c) in b.iter().enumerate() {
        if c == b'\r' && b.get(i + 1) == Some(&b'\n') {
            continue;
        }
        out.push(c);
    }
    out
}

fn to_crlf(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len() + b.len() / 20);
    for &c in &to_lf(b) {
        if c == b'\n' {
            out.push(b'\r');
        }
        out.push(c);
    }
    out
}

/// Parses the fixture in both line-end forms and runs `check` on each result.
fn both(name: &str, check: impl Fn(&Email, &str)) {
    let raw = fixture(name);
    for (form, bytes) in [("CRLF", to_crlf(&raw)), ("LF", to_lf(&raw))] {
        let e = parse(&bytes).unwrap_or_else(|err| panic!("{name} ({form}): {err}"));
        assert_eq!(e.source, bytes, "{name} ({form}) source");
        assert_eq!(e.size, bytes.len() as i64, "{name} ({form}) size");
        check(&e, &format!("{name} ({form})"));
    }
}

fn att(e: &Email, i: usize) -> &Attachment {
    e.attachments
        .get(i)
        .unwrap_or_else(|| panic!("no attachment {i}: {:?}", e.attachments))
}

fn normalize(b: &[u8]) -> Vec<u8> {
    to_lf(b)
}

#[test]
fn nested_mixed_alternative_related() {
    both("01-nested.eml", |e, w| {
        assert_eq!(e.sender, "Alice Martin <alice@example.com>", "{w}");
        assert_eq!(e.to, ["Bob <bob@example.org>", "carol@example.net"], "{w}");
        assert_eq!(e.cc, ["\"Doe, John\" <john@example.com>"], "{w}");
        assert!(e.bcc.is_empty(), "{w}");
        assert_eq!(e.reply_to, "", "{w}");
        assert_eq!(e.subject, "Quarterly report", "{w}");
        assert_eq!(
            e.message, "Hello Bob,\r\n\r\nPlease find the report attached.",
            "{w}"
        );
        assert_eq!(
            e.html, "<html><body><p>Hello Bob,</p><img src=\"cid:logo@example.com\"></body></html>",
            "{w}"
        );
        assert_eq!(e.date, "2024-03-01T10:20:30+01:00", "{w}");
        assert_eq!(e.message_id, "report-2024-03@example.com", "{w}");
        assert_eq!(e.priority, 0, "{w}");
        assert!(!e.disposition_notification, "{w}");
        assert_eq!(e.attachments.len(), 2, "{w}");
        let logo = att(e, 0);
        assert_eq!(logo.name, "logo.png", "{w}");
        assert_eq!(logo.content_type, "image/png", "{w}");
        assert_eq!(logo.content_id, "logo@example.com", "{w}");
        assert_eq!(logo.data.len(), 48, "{w}");
        assert!(
            logo.data.starts_with(b"\x89PNG\r\n\x1a\n\x00\x01\x02"),
            "{w}"
        );
        let pdf = att(e, 1);
        assert_eq!(pdf.name, "report.pdf", "{w}");
        assert_eq!(pdf.content_type, "application/pdf", "{w}");
        assert_eq!(pdf.content_id, "", "{w}");
        assert_eq!(pdf.data.len(), 316, "{w}");
        assert!(
            pdf.data.starts_with(b"%PDF-1.4\n") && pdf.data.ends_with(b"%%EOF\n"),
            "{w}"
        );
        // Headers: every top-level header, in order, unfolded.
        let names: Vec<&str> = e.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "Return-Path",
                "Received",
                "From",
                "To",
                "Cc",
                "Subject",
                "Date",
                "Message-ID",
                "MIME-Version",
                "Content-Type"
            ],
            "{w}"
        );
        assert_eq!(
            e.header("received", 0),
            Some(
                "from mail.example.com (mail.example.com [192.0.2.10]) by mx.example.org with \
                 ESMTPS id 12345 for <bob@example.org>; Fri, 01 Mar 2024 10:20:31 +0100"
            ),
            "{w}"
        );
        assert_eq!(
            e.header("MESSAGE-ID", 0),
            Some("<report-2024-03@example.com>"),
            "{w}"
        );
        assert_eq!(
            e.header("content-type", 0),
            Some("multipart/mixed; boundary=\"outer-boundary\"")
        );
        assert_eq!(e.header("To", 1), None, "{w}");
    });
}

#[test]
fn latin1_declared() {
    both("02-latin1.eml", |e, w| {
        assert_eq!(e.sender, "François Pérez <francois@example.fr>", "{w}");
        assert_eq!(e.to, ["marie@example.fr"], "{w}");
        assert_eq!(e.subject, "Reçu à l'instant", "{w}");
        assert_eq!(
            e.message, "Bonjour,\r\n\r\nCafé, crème brûlée et ½ litre.\r\nÀ bientôt.",
            "{w}"
        );
        assert_eq!(e.html, "", "{w}");
        assert_eq!(e.date, "2024-01-15T08:05:00-05:00", "{w}");
        assert_eq!(e.message_id, "latin1@example.fr", "{w}");
        assert!(e.attachments.is_empty(), "{w}");
        assert_eq!(
            e.header("From", 0),
            Some("François Pérez <francois@example.fr>"),
            "{w}"
        );
    });
}

#[test]
fn undeclared_8bit() {
    both("03-undeclared-8bit.eml", |e, w| {
        assert_eq!(e.sender, "sender@example.com", "{w}");
        assert_eq!(e.subject, "Prix en € café", "{w}");
        assert_eq!(e.message, "Le prix est de 10 €, café compris.", "{w}");
        assert_eq!(e.date, "2024-01-02T23:59:59+00:00", "{w}");
        assert_eq!(e.header("subject", 0), Some("Prix en € café"), "{w}");
        assert!(e.attachments.is_empty(), "{w}");
    });
}

#[test]
fn quoted_printable_soft_breaks() {
    both("04-qp-soft.eml", |e, w| {
        assert_eq!(
            e.message,
            "Ceci est une très longue ligne qui a été coupée par un saut de ligne doux, puis \
             elle continue ici.    \r\nDeuxième ligne avec = signe égal.",
            "{w}"
        );
        assert_eq!(e.subject, "Quoted printable", "{w}");
        assert_eq!(e.date, "2024-04-10T12:00:00+02:00", "{w}");
        assert!(e.attachments.is_empty(), "{w}");
    });
}

#[test]
fn base64_text_and_binary() {
    both("05-base64.eml", |e, w| {
        assert_eq!(
            e.message, "Texte encodé en base64.\r\nDeuxième ligne.",
            "{w}"
        );
        assert_eq!(e.attachments.len(), 1, "{w}");
        let a = att(e, 0);
        assert_eq!(a.name, "data.bin", "{w}");
        assert_eq!(a.content_type, "application/octet-stream", "{w}");
        assert_eq!(a.data, (0..=255u8).collect::<Vec<u8>>(), "{w}");
        assert_eq!(e.date, "2024-04-11T09:30:00+00:00", "{w}");
    });
}

#[test]
fn rfc2047_words() {
    both("06-rfc2047.eml", |e, w| {
        assert_eq!(e.sender, "José García <jose@example.es>", "{w}");
        assert_eq!(
            e.to,
            ["Jürgen <juergen@example.de>", "Renée <renee@example.fr>"],
            "{w}"
        );
        // Adjacent encoded words (Latin-1 Q then UTF-8 B, folded) join without the space.
        assert_eq!(e.subject, "Café € 文書 fin plain", "{w}");
        assert_eq!(e.header("Subject", 0), Some("Café € 文書 fin plain"), "{w}");
        assert_eq!(e.message, "Voir pièce jointe.", "{w}");
        assert_eq!(e.date, "2024-07-20T18:45:12+05:30", "{w}");
        let a = att(e, 0);
        assert_eq!(a.name, "été 2024.pdf", "{w}");
        assert_eq!(a.content_type, "application/pdf", "{w}");
        assert_eq!(a.data, b"%PDF-1.4 tiny", "{w}");
    });
}

#[test]
fn rfc2231_continuations() {
    both("07-rfc2231.eml", |e, w| {
        assert_eq!(e.message, "See attachment.", "{w}");
        assert_eq!(e.date, "2024-09-01T00:00:00+00:00", "{w}");
        let a = att(e, 0);
        assert_eq!(a.name, "Résumé très long nom.docx", "{w}");
        assert_eq!(
            a.content_type,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "{w}"
        );
        assert_eq!(a.data, b"PK fake docx", "{w}");
    });
}

#[test]
fn missing_final_boundary() {
    both("08-missing-boundary.eml", |e, w| {
        assert_eq!(e.subject, "Missing final boundary", "{w}");
        assert_eq!(e.message, "The closing boundary never comes.", "{w}");
        assert_eq!(e.attachments.len(), 1, "{w}");
        let a = att(e, 0);
        assert_eq!(a.name, "data.csv", "{w}");
        assert_eq!(a.content_type, "text/csv", "{w}");
        assert_eq!(a.data, b"a,b\r\n1,2\r\n", "{w}");
    });
}

#[test]
fn lf_only_alternative() {
    both("09-lf-only.eml", |e, w| {
        assert_eq!(e.sender, "Unix User <unix@example.com>", "{w}");
        assert_eq!(e.message, "Line one\r\nLine two", "{w}");
        assert_eq!(e.html, "<p>Line one<br>Line two</p>", "{w}");
        assert_eq!(e.date, "2024-09-03T07:08:09+00:00", "{w}");
        assert!(e.attachments.is_empty(), "{w}");
    });
}

#[test]
fn attached_message() {
    both("10-rfc822-attached.eml", |e, w| {
        assert_eq!(e.subject, "Fwd: original", "{w}");
        assert_eq!(e.message, "Forwarded message below.", "{w}");
        assert_eq!(e.attachments.len(), 1, "{w}");
        let a = att(e, 0);
        assert_eq!(a.name, "original.eml", "{w}");
        assert_eq!(a.content_type, "message/rfc822", "{w}");
        let body = normalize(&a.data);
        assert!(
            body.starts_with(b"From: orig@example.com\nTo: forwarder@example.com\n"),
            "{w}"
        );
        assert!(body.ends_with(b"\n\nOriginal body."), "{w}");
        assert_eq!(body.len(), 151, "{w}");
        // The attachment is itself a parseable message.
        let inner = parse(&a.data).unwrap();
        assert_eq!(inner.subject, "original", "{w}");
        assert_eq!(inner.message, "Original body.", "{w}");
    });
}

#[test]
fn no_body() {
    both("11-no-body.eml", |e, w| {
        assert_eq!(e.sender, "nobody@example.com", "{w}");
        assert_eq!(e.to, ["rcpt@example.com"], "{w}");
        assert_eq!(e.subject, "No body at all", "{w}");
        assert_eq!(e.message, "", "{w}");
        assert_eq!(e.html, "", "{w}");
        assert!(e.attachments.is_empty(), "{w}");
        assert_eq!(e.message_id, "nobody@example.com", "{w}");
        assert_eq!(e.headers.len(), 5, "{w}");
    });
}

#[test]
fn groups_folded_priority() {
    both("12-groups-folded.eml", |e, w| {
        assert_eq!(e.sender, "Team Lead <lead@example.com>", "{w}");
        assert_eq!(
            e.to,
            [
                "ann@example.com",
                "Ben Stone <ben@example.com>",
                "dave@example.com"
            ],
            "{w}"
        );
        assert!(e.cc.is_empty(), "{w}");
        assert_eq!(
            e.reply_to, "replies@example.com, Other <other@example.com>",
            "{w}"
        );
        assert_eq!(e.subject, "This subject is folded over two lines", "{w}");
        assert_eq!(e.priority, 1, "{w}");
        assert!(e.disposition_notification, "{w}");
        assert_eq!(
            e.disposition_notification_to, "Team Lead <lead@example.com>",
            "{w}"
        );
        assert_eq!(e.date, "2024-09-06T14:15:16+02:00", "{w}");
        assert_eq!(e.message, "Body.", "{w}");
        assert_eq!(e.header("x-custom", 0), Some("first"), "{w}");
        assert_eq!(e.header("X-CUSTOM", 1), Some("second"), "{w}");
        assert_eq!(e.header("X-Custom", 2), None, "{w}");
        assert_eq!(e.header("Cc", 0), Some("Undisclosed recipients:;"), "{w}");
    });
}

#[test]
fn html_only_windows_1252() {
    both("13-html-only.eml", |e, w| {
        assert_eq!(e.message, "", "{w}");
        assert_eq!(
            e.html, "<html><body><p>Prix&nbsp;: 5 €</p></body></html>",
            "{w}"
        );
        assert_eq!(e.priority, 1, "{w}");
        assert!(e.attachments.is_empty(), "{w}");
    });
}

#[test]
fn text_attachment_iso_8859_15() {
    both("14-inline-text-attachments.eml", |e, w| {
        assert_eq!(e.message, "Euro: €", "{w}");
        assert_eq!(e.priority, 5, "{w}");
        assert_eq!(e.date, "2024-09-08T21:00:00-07:00", "{w}");
        let a = att(e, 0);
        assert_eq!(a.name, "notes.txt", "{w}");
        assert_eq!(a.content_type, "text/plain", "{w}");
        assert_eq!(a.content_id, "", "{w}");
        assert_eq!(a.data, "Notes: é".as_bytes(), "{w}");
    });
}

#[test]
fn every_fixture_is_covered() {
    let dir = format!("{}/tests/fixtures/mime", env!("CARGO_MANIFEST_DIR"));
    let count = std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "eml")
        })
        .count();
    assert_eq!(count, 14, "add a golden test for each new fixture");
}
