//! Seeded random-byte loop on the MIME parser: random inputs and mutations of the golden
//! fixtures must parse or fail with an error, never panic.

mod support;

use support::rng::{Rng, fuzz_rounds};
use wd300com::message::parse::parse;

fn fixtures() -> Vec<Vec<u8>> {
    let dir = format!("{}/tests/fixtures/mime", env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .map(|p| std::fs::read(p).unwrap())
        .collect()
}

/// Interesting fragments spliced into inputs.
const TOKENS: &[&[u8]] = &[
    b"\r\n",
    b"\n",
    b"\r\n\r\n",
    b"--",
    b"=?",
    b"?=",
    b"=?utf-8?B?",
    b"=?iso-8859-1?Q?",
    b"=",
    b"Content-Type: multipart/mixed; boundary=\"b\"\r\n",
    b"--b\r\n",
    b"--b--",
    b"Content-Type: message/rfc822\r\n\r\n",
    b"Content-Transfer-Encoding: base64\r\n",
    b"Content-Transfer-Encoding: quoted-printable\r\n",
    b"filename*0*=utf-8''%C3%A9;",
    b"<",
    b">",
    b"\"",
    b":",
    b";",
    b"\x00",
    b"\xff\xfe",
    b"\xc3",
];

fn mutate(rng: &mut Rng, input: &mut Vec<u8>) {
    for _ in 0..1 + rng.below(8) {
        let len = input.len();
        match rng.below(6) {
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] = rng.next() as u8;
            }
            1 if len > 0 => {
                let i = rng.below(len);
                let n = rng.below(len - i + 1).min(64);
                input.drain(i..i + n);
            }
            2 => {
                let i = rng.below(len + 1);
                let t = TOKENS[rng.below(TOKENS.len())];
                input.splice(i..i, t.iter().copied());
            }
            3 if len > 0 => {
                let i = rng.below(len);
                input.truncate(i);
            }
            4 if len > 1 => {
                // Duplicate a slice (nested-looking structure).
                let a = rng.below(len);
                let b = (a + rng.below(256)).min(len);
                let chunk = input[a..b].to_vec();
                let at = rng.below(len + 1);
                input.splice(at..at, chunk);
            }
            _ => {
                let i = rng.below(len + 1);
                input.insert(i, rng.next() as u8);
            }
        }
    }
}

#[test]
fn parse_never_panics() {
    let corpus = fixtures();
    assert!(corpus.len() >= 12);
    // WD_FUZZ_ROUNDS / WD_FUZZ_SEED run a longer exploration locally.
    let rounds = fuzz_rounds(2000);
    let mut rng = Rng::from_env(0x5EED_0123_4567_89AB);
    let mut parsed = 0;
    for round in 0..rounds {
        let input = if round % 4 == 0 {
            // Pure random bytes, sometimes with a header-looking prefix.
            let n = rng.below(2048);
            let mut v: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
            if round % 8 == 0 {
                v.splice(
                    0..0,
                    b"Subject: x\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
                        .iter()
                        .copied(),
                );
            }
            v
        } else {
            let mut v = corpus[rng.below(corpus.len())].clone();
            mutate(&mut rng, &mut v);
            v
        };
        if let Ok(e) = parse(&input) {
            parsed += 1;
            assert_eq!(e.size, input.len() as i64);
        }
    }
    assert!(
        parsed > 1000,
        "most mutated fixtures should still parse ({parsed})"
    );
}

#[test]
fn deep_nesting_is_bounded() {
    let mut m = Vec::new();
    for i in 0..5000 {
        m.extend_from_slice(
            format!("Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n")
                .as_bytes(),
        );
    }
    m.extend_from_slice(b"Content-Type: text/plain\r\n\r\ndeep\r\n");
    let e = parse(&m).unwrap();
    assert_eq!(e.message, "deep");
    let mut m = Vec::new();
    for _ in 0..2000 {
        m.extend_from_slice(b"Content-Type: message/rfc822\r\n\r\n");
    }
    m.extend_from_slice(b"Subject: inner\r\n\r\nbody\r\n");
    assert!(parse(&m).is_ok());
}

#[test]
fn mail_parser_debug_assert_input() {
    // Reached a `debug_assert!(false)` in mail-parser 0.11.9 (see Cargo.toml).
    let m = b"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
              Content-Type: message/rfc822\r\n\r\nContent-Type: message/rfc822\r\n\r\n\r\n--b--";
    let e = parse(m).unwrap();
    assert_eq!(e.attachments.len(), 1);
    assert_eq!(e.attachments[0].content_type, "message/rfc822");
}
