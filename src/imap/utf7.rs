//! Modified UTF-7 mailbox names (RFC 3501 §5.1.3), converted to and from UTF-8.
//!
//! Printable ASCII (0x20–0x7E) stands for itself except "&", written "&-"; any other
//! character is written as UTF-16BE in a base64 run (alphabet with "," instead of "/",
//! no padding) between "&" and "-".

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

fn b64_value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

fn flush_run(out: &mut String, units: &mut Vec<u16>) {
    if units.is_empty() {
        return;
    }
    let mut bytes = Vec::with_capacity(units.len() * 2);
    for u in units.iter() {
        bytes.extend_from_slice(&u.to_be_bytes());
    }
    out.push('&');
    let mut bits: u32 = 0;
    let mut nbits = 0;
    for b in bytes {
        bits = (bits << 8) | u32::from(b);
        nbits += 8;
        while nbits >= 6 {
            nbits -= 6;
            out.push(ALPHABET[((bits >> nbits) & 63) as usize] as char);
        }
    }
    if nbits > 0 {
        out.push(ALPHABET[((bits << (6 - nbits)) & 63) as usize] as char);
    }
    out.push('-');
    units.clear();
}

/// Encodes a UTF-8 folder name to modified UTF-7 (always ASCII).
pub fn encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 8);
    let mut run: Vec<u16> = Vec::new();
    for ch in name.chars() {
        if (' '..='~').contains(&ch) {
            flush_run(&mut out, &mut run);
            if ch == '&' {
                out.push_str("&-");
            } else {
                out.push(ch);
            }
        } else {
            let mut buf = [0u16; 2];
            run.extend_from_slice(ch.encode_utf16(&mut buf));
        }
    }
    flush_run(&mut out, &mut run);
    out
}

/// Decodes a modified UTF-7 folder name to UTF-8. `None` when `name` is not valid
/// modified UTF-7 (non-ASCII bytes, a bad base64 run, unpaired surrogates).
pub fn decode(name: &[u8]) -> Option<String> {
    let mut out = String::with_capacity(name.len());
    let mut i = 0;
    while i < name.len() {
        let c = name[i];
        if !(0x20..=0x7e).contains(&c) {
            return None;
        }
        if c != b'&' {
            out.push(c as char);
            i += 1;
            continue;
        }
        let end = i + 1 + name[i + 1..].iter().position(|&b| b == b'-')?;
        let run = &name[i + 1..end];
        i = end + 1;
        if run.is_empty() {
            out.push('&');
            continue;
        }
        let mut bits: u32 = 0;
        let mut nbits = 0;
        let mut bytes = Vec::with_capacity(run.len());
        for &b in run {
            bits = (bits << 6) | b64_value(b)?;
            nbits += 6;
            if nbits >= 8 {
                nbits -= 8;
                bytes.push(((bits >> nbits) & 0xff) as u8);
            }
        }
        // Left-over bits must be zero padding, and whole UTF-16 units only.
        if nbits >= 6 || (bits & ((1 << nbits) - 1)) != 0 || bytes.len() % 2 != 0 {
            return None;
        }
        let units: Vec<u16> = bytes
            .chunks(2)
            .map(|p| u16::from_be_bytes([p[0], p[1]]))
            .collect();
        for r in char::decode_utf16(units) {
            out.push(r.ok()?);
        }
    }
    Some(out)
}

/// Decodes a folder name as the server sent it: modified UTF-7 when valid, else the
/// bytes as UTF-8 (servers with UTF8=ACCEPT), invalid sequences replaced.
pub fn decode_lossy(name: &[u8]) -> String {
    decode(name).unwrap_or_else(|| String::from_utf8_lossy(name).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(s: &str, wire: &str) {
        assert_eq!(encode(s), wire, "encode {s:?}");
        assert_eq!(
            decode(wire.as_bytes()).as_deref(),
            Some(s),
            "decode {wire:?}"
        );
    }

    #[test]
    fn rfc3501_examples() {
        round("INBOX", "INBOX");
        round("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
        round("&", "&-");
        round("A&B", "A&-B");
        round("&&", "&-&-");
    }

    #[test]
    fn accents_and_spaces() {
        round("Réunions 2024", "R&AOk-unions 2024");
        round("日本", "&ZeVnLA-");
        round("été & hiver", "&AOk-t&AOk- &- hiver");
    }

    #[test]
    fn non_bmp() {
        // U+1F600 becomes a surrogate pair D83D DE00.
        round("x😀y", "x&2D3eAA-y");
        round("😀", "&2D3eAA-");
    }

    #[test]
    fn invalid_inputs() {
        assert_eq!(decode(b"&"), None);
        assert_eq!(decode(b"&U,BTFw"), None);
        assert_eq!(decode(b"&!!-"), None);
        assert_eq!(decode("é".as_bytes()), None);
        // Unpaired surrogate.
        assert_eq!(decode(b"&2D0-"), None);
        assert_eq!(decode_lossy("Réunions".as_bytes()), "Réunions");
        assert_eq!(decode_lossy(b"R&AOk-unions"), "Réunions");
    }

    #[test]
    fn random_round_trip() {
        let mut seed: u64 = 0x1234_5678_9abc_def0;
        let pool: Vec<char> = "aZ &-/.é日本😀\u{1}~".chars().collect();
        for _ in 0..2000 {
            let mut s = String::new();
            for _ in 0..(seed % 12) {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                s.push(pool[(seed >> 33) as usize % pool.len()]);
            }
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            let w = encode(&s);
            assert!(w.is_ascii());
            assert_eq!(decode(w.as_bytes()).as_deref(), Some(s.as_str()));
        }
    }
}
