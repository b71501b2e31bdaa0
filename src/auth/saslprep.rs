//! SASLprep (RFC 4013) of a SCRAM password, as far as it can go without Unicode tables.
//!
//! What is applied, in RFC 4013 order:
//! - mapping (§2.1): the characters "commonly mapped to nothing" (RFC 3454 table B.1:
//!   soft hyphen, zero-width joiners, variation selectors…) are removed, then non-ASCII
//!   spaces (table C.1.2) become U+0020;
//! - prohibited output (§2.3): control characters, private use, non-characters, the
//!   characters inappropriate for plain text or canonical representation, those that
//!   change the display, tagging characters (tables C.2 to C.9) make the password
//!   unusable for SCRAM;
//! - unassigned code points are allowed, as RFC 4013 allows them in queries.
//!
//! What is not applied: NFKC normalization (§2.2) and the bidirectional check (§2.4),
//! which need the Unicode character database. A password typed as text is normally in
//! NFC already, and NFKC only changes compatibility characters (full-width forms,
//! ligatures, superscripts): for every other password without right-to-left characters
//! the result is RFC 4013's. The others are sent as typed, which is also what servers
//! that do not normalize (Dovecot, for one) compute their SCRAM keys from.
//!
//! An ASCII password is unchanged, unless it holds a control character (refused).

use std::borrow::Cow;

/// A table of RFC 3454: inclusive code point ranges.
type Table = &'static [(u32, u32)];

/// C.1.2: non-ASCII space characters (mapped to U+0020).
#[rustfmt::skip]
const NON_ASCII_SPACE: Table = &[
    (0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200B), (0x202F, 0x202F), (0x205F, 0x205F),
    (0x3000, 0x3000),
];

/// B.1: characters commonly mapped to nothing.
#[rustfmt::skip]
const MAPPED_TO_NOTHING: Table = &[
    (0xAD, 0xAD), (0x34F, 0x34F), (0x1806, 0x1806), (0x180B, 0x180D), (0x200B, 0x200D),
    (0x2060, 0x2060), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
];

/// The prohibited output of RFC 4013 §2.3 besides C.1.2, the Cc controls (C.2.1 and
/// part of C.2.2) and the non-characters U+nFFFE/U+nFFFF (C.4), which [`is_prohibited`]
/// tests by rule: the rest of C.2.2, C.3 (private use), C.4, C.6, C.7, C.8, C.9. C.5,
/// the surrogates, cannot occur in a Rust string.
#[rustfmt::skip]
const PROHIBITED: Table = &[
    (0x340, 0x341), (0x6DD, 0x6DD), (0x70F, 0x70F), (0x180E, 0x180E), (0x200C, 0x200F),
    (0x2028, 0x202E), (0x2060, 0x2063), (0x206A, 0x206F), (0x2FF0, 0x2FFB), (0xE000, 0xF8FF),
    (0xFDD0, 0xFDEF), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFD), (0x1D173, 0x1D17A), (0xE0001, 0xE0001),
    (0xE0020, 0xE007F), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD),
];

fn in_table(c: char, table: Table) -> bool {
    let u = c as u32;
    table
        .iter()
        .any(|&(first, last)| (first..=last).contains(&u))
}

fn is_prohibited(c: char) -> bool {
    in_table(c, NON_ASCII_SPACE)
        || c.is_control()
        || (c as u32) & 0xFFFE == 0xFFFE
        || in_table(c, PROHIBITED)
}

/// The prepared password, or the first prohibited character.
pub fn saslprep(s: &str) -> Result<Cow<'_, str>, char> {
    let mapped: Cow<str> = if s
        .chars()
        .any(|c| in_table(c, NON_ASCII_SPACE) || in_table(c, MAPPED_TO_NOTHING))
    {
        Cow::Owned(
            s.chars()
                .filter(|&c| !in_table(c, MAPPED_TO_NOTHING))
                .map(|c| if in_table(c, NON_ASCII_SPACE) { ' ' } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(s)
    };
    match mapped.chars().find(|&c| is_prohibited(c)) {
        Some(c) => Err(c),
        None => Ok(mapped),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4013_examples() {
        // RFC 4013 §3, the examples NFKC does not change.
        assert_eq!(saslprep("I\u{AD}X").unwrap(), "IX");
        assert_eq!(saslprep("user").unwrap(), "user");
        assert_eq!(saslprep("USER").unwrap(), "USER");
        assert_eq!(saslprep("\u{7}"), Err('\u{7}'));
        // ASCII is unchanged and borrowed; spaces and punctuation stay.
        assert!(matches!(
            saslprep("p@ss \"w\" x"),
            Ok(Cow::Borrowed("p@ss \"w\" x"))
        ));
        assert_eq!(saslprep("").unwrap(), "");
    }

    #[test]
    fn mapping() {
        assert_eq!(saslprep("a\u{A0}b\u{3000}c\u{2003}d").unwrap(), "a b c d");
        // U+200B is in both tables: mapped to nothing, as other implementations do.
        assert_eq!(saslprep("a\u{200B}b").unwrap(), "ab");
        assert_eq!(saslprep("a\u{FEFF}b\u{FE0F}c\u{200D}").unwrap(), "abc");
        assert_eq!(saslprep("wörd ünïcödé 日本").unwrap(), "wörd ünïcödé 日本");
    }

    #[test]
    fn prohibited_output() {
        for c in [
            '\0',
            '\n',
            '\u{7F}',
            '\u{85}',
            '\u{2028}',
            '\u{E000}',
            '\u{F0000}',
            '\u{FDD0}',
            '\u{FFFF}',
            '\u{1FFFE}',
            '\u{FFFD}',
            '\u{2FF0}',
            '\u{200E}',
            '\u{202E}',
            '\u{E0041}',
            '\u{1D173}',
            '\u{341}',
            '\u{6DD}',
            '\u{10FFFD}',
        ] {
            let s = format!("ab{c}cd");
            assert_eq!(saslprep(&s), Err(c), "U+{:04X}", c as u32);
        }
        // Unassigned code points are allowed in queries.
        assert!(saslprep("a\u{0378}b").is_ok());
    }
}
