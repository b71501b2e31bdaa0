//! Building IMAP commands (sans-IO): arguments as atoms, quoted strings or literals,
//! UID sets, folder names.

use super::utf7;

/// One piece of a command line: text, or a literal sent as `{N}` / `{N+}` then its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Text(String),
    /// Text hidden in the transcript (a password), shown as `****`.
    Secret(String),
    Literal(Vec<u8>),
    /// A literal whose content is hidden in the transcript.
    SecretLiteral(Vec<u8>),
}

/// True when `s` can be sent as a quoted string: printable ASCII only (no CR, LF, NUL
/// or 8-bit bytes).
pub fn quotable(s: &[u8]) -> bool {
    s.iter().all(|&b| (0x20..0x7f).contains(&b))
}

/// `s` as a quoted string (`"` and `\` escaped); the caller checks [`quotable`].
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// An astring argument: quoted when printable ASCII, a literal otherwise.
pub fn astring(s: &str, secret: bool) -> Part {
    match (quotable(s.as_bytes()), secret) {
        (true, false) => Part::Text(quote(s)),
        (true, true) => Part::Secret(quote(s)),
        (false, false) => Part::Literal(s.as_bytes().to_vec()),
        (false, true) => Part::SecretLiteral(s.as_bytes().to_vec()),
    }
}

/// A folder name on the wire: modified UTF-7, quoted.
pub fn mailbox(name: &str) -> String {
    quote(&utf7::encode(name))
}

/// Compact UID sets ("1:5,7,9:12"), each holding at most `per_set` UIDs, in the order
/// of `uids` runs (duplicates kept out).
pub fn uid_sets(uids: &[u32], per_set: usize) -> Vec<String> {
    let mut sorted: Vec<u32> = uids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    sorted
        .chunks(per_set.max(1))
        .map(|chunk| {
            let mut out = String::new();
            let mut i = 0;
            while i < chunk.len() {
                let start = chunk[i];
                let mut end = start;
                while i + 1 < chunk.len() && chunk[i + 1] == end + 1 {
                    i += 1;
                    end = chunk[i];
                }
                if !out.is_empty() {
                    out.push(',');
                }
                if end == start {
                    out.push_str(&start.to_string());
                } else {
                    out.push_str(&format!("{start}:{end}"));
                }
                i += 1;
            }
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote(r#"p@ss "x" \y"#), r#""p@ss \"x\" \\y""#);
        assert_eq!(
            astring("alice@wd.test", false),
            Part::Text("\"alice@wd.test\"".into())
        );
        assert_eq!(
            astring("p@ss \"wörd\" x", true),
            Part::SecretLiteral("p@ss \"wörd\" x".as_bytes().to_vec())
        );
        assert_eq!(astring("a b", true), Part::Secret("\"a b\"".into()));
        assert_eq!(astring("a\r\nb", false), Part::Literal(b"a\r\nb".to_vec()));
        assert_eq!(mailbox("Réunions 2024"), "\"R&AOk-unions 2024\"");
    }

    #[test]
    fn sets() {
        assert_eq!(uid_sets(&[5, 1, 2, 3, 9, 7, 8, 3], 100), vec!["1:3,5,7:9"]);
        assert_eq!(uid_sets(&[4], 100), vec!["4"]);
        assert_eq!(uid_sets(&[1, 2, 3, 4, 5], 2), vec!["1:2", "3:4", "5"]);
        assert!(uid_sets(&[], 10).is_empty());
        let many: Vec<u32> = (1..=12_000).collect();
        assert_eq!(
            uid_sets(&many, 5000),
            vec!["1:5000", "5001:10000", "10001:12000"]
        );
    }
}
