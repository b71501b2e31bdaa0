//! What a TLS failure message says about the server's certificate: a minimal reader of
//! an X.509 certificate (DER) taking the subject and issuer names, the names it is
//! valid for (subject alternative names: DNS names and IP addresses; else the subject's
//! common name) and its validity dates. Nothing here decides trust: OpenSSL does.
//! Total on any input: a malformed certificate gives `None`.

use std::net::IpAddr;

/// The facts of a certificate shown in messages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CertInfo {
    /// The subject's common name (CN), else its organization (O).
    pub subject: Option<String>,
    /// The issuer's common name (CN), else its organization (O).
    pub issuer: Option<String>,
    /// The DNS names and IP addresses of the subject alternative names, else the
    /// subject's common name.
    pub names: Vec<String>,
    /// "2026-01-31 12:00:00 UTC".
    pub not_before: Option<String>,
    pub not_after: Option<String>,
}

/// One DER element: its tag and contents; the rest of the input after it.
fn element(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = b.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, &x| (acc << 8) | usize::from(x));
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

/// The elements of a constructed value's contents.
fn children(mut b: &[u8]) -> Vec<(u8, &[u8])> {
    let mut out = Vec::new();
    while let Some((tag, content, rest)) = element(b) {
        out.push((tag, content));
        b = rest;
    }
    out
}

const OID_CN: &[u8] = &[0x55, 0x04, 0x03];
const OID_O: &[u8] = &[0x55, 0x04, 0x0a];
const OID_SAN: &[u8] = &[0x55, 0x1d, 0x11];

/// The value of attribute `oid` in a Name (SEQUENCE OF SET OF {OID, value}).
fn name_attr(name: &[u8], oid: &[u8]) -> Option<String> {
    children(name).into_iter().find_map(|(_, set)| {
        children(set).into_iter().find_map(|(_, atv)| {
            let parts = children(atv);
            match parts.as_slice() {
                [(0x06, o), (_, v), ..] if *o == oid => {
                    Some(String::from_utf8_lossy(v).into_owned())
                }
                _ => None,
            }
        })
    })
}

fn short_name(name: &[u8]) -> Option<String> {
    name_attr(name, OID_CN).or_else(|| name_attr(name, OID_O))
}

/// A UTCTime (`YYMMDDHHMMSSZ`) or GeneralizedTime (`YYYYMMDDHHMMSSZ`) as
/// "YYYY-MM-DD HH:MM:SS UTC".
fn time(tag: u8, v: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(v).ok()?;
    let digits = s.strip_suffix('Z')?;
    if !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let full = match (tag, digits.len()) {
        (0x17, 12) => {
            let yy: u32 = digits[..2].parse().ok()?;
            format!("{}{digits}", if yy >= 50 { "19" } else { "20" })
        }
        (0x18, 14) => digits.to_string(),
        _ => return None,
    };
    Some(format!(
        "{}-{}-{} {}:{}:{} UTC",
        &full[..4],
        &full[4..6],
        &full[6..8],
        &full[8..10],
        &full[10..12],
        &full[12..14]
    ))
}

/// The DNS names and IP addresses of a SubjectAltName extension value.
fn alt_names(v: &[u8]) -> Vec<String> {
    let Some((0x30, seq, _)) = element(v) else {
        return Vec::new();
    };
    children(seq)
        .into_iter()
        .filter_map(|(tag, c)| match (tag, c.len()) {
            (0x82, _) => Some(String::from_utf8_lossy(c).into_owned()),
            (0x87, 4) => Some(IpAddr::from(<[u8; 4]>::try_from(c).ok()?).to_string()),
            (0x87, 16) => Some(IpAddr::from(<[u8; 16]>::try_from(c).ok()?).to_string()),
            _ => None,
        })
        .collect()
}

/// Reads the facts of certificate `der`; `None` when it is not a certificate.
pub fn read(der: &[u8]) -> Option<CertInfo> {
    let (0x30, cert, _) = element(der)? else {
        return None;
    };
    let (0x30, tbs, _) = element(cert)? else {
        return None;
    };
    let mut fields = children(tbs);
    // The optional version [0] comes first.
    if fields.first().is_some_and(|(t, _)| *t == 0xa0) {
        fields.remove(0);
    }
    // serial, signature algorithm, issuer, validity, subject, key, then optional parts.
    if fields.len() < 6 {
        return None;
    }
    let issuer = fields[2].1;
    let validity = children(fields[3].1);
    let subject = fields[4].1;
    let mut info = CertInfo {
        subject: short_name(subject),
        issuer: short_name(issuer),
        not_before: validity.first().and_then(|(t, v)| time(*t, v)),
        not_after: validity.get(1).and_then(|(t, v)| time(*t, v)),
        names: Vec::new(),
    };
    for (tag, content) in &fields[6..] {
        if *tag != 0xa3 {
            continue;
        }
        let Some((0x30, exts, _)) = element(content) else {
            continue;
        };
        for (_, ext) in children(exts) {
            let parts = children(ext);
            if let Some((0x06, oid)) = parts.first()
                && *oid == OID_SAN
                && let Some((0x04, value)) = parts.last()
            {
                info.names = alt_names(value);
            }
        }
    }
    if info.names.is_empty()
        && let Some(cn) = name_attr(subject, OID_CN)
    {
        info.names.push(cn);
    }
    Some(info)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fake servers' certificate (tests/fixtures/tls/server.pem), DER.
    fn fixture() -> Vec<u8> {
        let pem = include_str!("../../tests/fixtures/tls/server.pem");
        let b64: String = pem
            .lines()
            .skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE"))
            .skip(1)
            .take_while(|l| !l.starts_with("-----END"))
            .collect();
        use base64::Engine;
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap()
    }

    #[test]
    fn reads_the_fixture() {
        let info = read(&fixture()).unwrap();
        assert_eq!(info.subject.as_deref(), Some("localhost"));
        assert!(info.issuer.is_some());
        assert!(info.names.contains(&"localhost".to_string()), "{info:?}");
        assert!(info.names.contains(&"127.0.0.1".to_string()), "{info:?}");
        let after = info.not_after.unwrap();
        assert!(after.ends_with(" UTC") && after.len() == 23, "{after}");
    }

    #[test]
    fn never_panics_on_damaged_input() {
        let der = fixture();
        for cut in 0..der.len() {
            let _ = read(&der[..cut]);
        }
        let mut x = der.clone();
        for i in 0..x.len() {
            x[i] ^= 0x5a;
            let _ = read(&x);
            x[i] ^= 0x5a;
        }
        assert_eq!(read(b""), None);
        assert_eq!(read(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), None);
    }

    #[test]
    fn times() {
        assert_eq!(
            time(0x17, b"210101000000Z").unwrap(),
            "2021-01-01 00:00:00 UTC"
        );
        assert_eq!(
            time(0x17, b"991231235959Z").unwrap(),
            "1999-12-31 23:59:59 UTC"
        );
        assert_eq!(
            time(0x18, b"20500101120000Z").unwrap(),
            "2050-01-01 12:00:00 UTC"
        );
        assert_eq!(time(0x17, b"2101010000Z"), None);
    }
}
