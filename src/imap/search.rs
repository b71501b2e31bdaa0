//! IMAP SEARCH from [`Criteria`] (sans-IO command building) and the search itself.
//!
//! Values are sent as quoted strings when they are printable ASCII, as literals
//! otherwise (`{n+}` with LITERAL+), and the command then names `CHARSET UTF-8`. With
//! ESEARCH (RFC 4731) the command asks `RETURN (ALL)` and the answer is one
//! `* ESEARCH (TAG …) UID ALL set` line instead of a list of every number.

use super::client::ImapClient;
use super::command::{Part, quotable, quote};
use super::response::Untagged;
use crate::error::{Error, Result};
use crate::search::{Criteria, Key};
use crate::session::MessageRef;

enum Token {
    Atom(String),
    Str(String),
    Open,
    Close,
}

fn push_key(k: &Key, out: &mut Vec<Token>) {
    let atom = |s: &str| Token::Atom(s.to_string());
    match k {
        Key::All => out.push(atom("ALL")),
        Key::Flag(f, set) => out.push(atom(f.keyword(*set))),
        Key::Keyword(w, set) => {
            out.push(atom(if *set { "KEYWORD" } else { "UNKEYWORD" }));
            out.push(atom(w));
        }
        Key::Text(f, v) => {
            out.push(atom(f.keyword()));
            out.push(Token::Str(v.clone()));
        }
        Key::Header(name, v) => {
            out.push(atom("HEADER"));
            out.push(Token::Str(name.clone()));
            out.push(Token::Str(v.clone()));
        }
        Key::Date(d, date) => {
            out.push(atom(match d {
                crate::search::DateKey::Since => "SINCE",
                crate::search::DateKey::Before => "BEFORE",
                crate::search::DateKey::On => "ON",
            }));
            out.push(Token::Atom(date.to_string()));
        }
        Key::Larger(n) => out.extend([atom("LARGER"), Token::Atom(n.to_string())]),
        Key::Smaller(n) => out.extend([atom("SMALLER"), Token::Atom(n.to_string())]),
        Key::Not(k) => {
            out.push(atom("NOT"));
            push_key(k, out);
        }
        Key::Or(a, b) => {
            out.push(atom("OR"));
            push_key(a, out);
            push_key(b, out);
        }
        Key::And(keys) => {
            out.push(Token::Open);
            keys.iter().for_each(|k| push_key(k, out));
            out.push(Token::Close);
        }
    }
}

/// The `UID SEARCH` command for `c` as parts for [`ImapClient::send`]: `RETURN (ALL)`
/// with `esearch`, `CHARSET UTF-8` when a value is not printable ASCII (that value then
/// goes as a literal).
pub fn command(c: &Criteria, esearch: bool) -> Vec<Part> {
    let mut toks = Vec::new();
    c.0.iter().for_each(|k| push_key(k, &mut toks));
    let utf8 = toks
        .iter()
        .any(|t| matches!(t, Token::Str(s) if !quotable(s.as_bytes())));
    let mut text = String::from("UID SEARCH");
    if esearch {
        text.push_str(" RETURN (ALL)");
    }
    if utf8 {
        text.push_str(" CHARSET UTF-8");
    }
    let mut parts = Vec::new();
    for t in toks {
        let word = match t {
            Token::Close => {
                text.push(')');
                continue;
            }
            Token::Str(s) if !quotable(s.as_bytes()) => {
                if !text.is_empty() {
                    parts.push(Part::Text(std::mem::take(&mut text)));
                }
                parts.push(Part::Literal(s.into_bytes()));
                continue;
            }
            Token::Str(s) => quote(&s),
            Token::Atom(a) => a,
            Token::Open => "(".to_string(),
        };
        if !text.is_empty() && !text.ends_with('(') {
            text.push(' ');
        }
        text.push_str(&word);
    }
    if !text.is_empty() {
        parts.push(Part::Text(text));
    }
    parts
}

/// The numbers a search answered, from its untagged data: SEARCH or ESEARCH lines (one
/// search runs at a time, so every ESEARCH line answers it, whatever its TAG says).
pub fn results(data: Vec<Untagged>) -> Vec<u32> {
    let mut out = Vec::new();
    for u in data {
        match u {
            Untagged::Search(v) => out.extend(v),
            Untagged::ESearch { all, .. } => out.extend(all),
            _ => {}
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

impl ImapClient {
    /// UID SEARCH in the selected folder: the messages matching `c`, by ascending UID
    /// (only the UID of each is filled in). Like a listing, the answer may be as large
    /// as a message: its numbers are charged to the reply's budget as the entries they
    /// become, over it the answer is refused (`WD_E_PROTOCOL`, the connection closed).
    pub(super) fn search_uids(&mut self, c: &Criteria) -> Result<Vec<MessageRef>> {
        let parts = command(c, self.has("ESEARCH"));
        let tag = self.send(&parts)?;
        let payload = self.max_message;
        let (data, mut done) = self.wait_all_within(&[(tag, "UID SEARCH")], payload)?;
        done.pop()
            .unwrap_or_else(|| Err(Error::internal("no result")))?;
        Ok(results(data)
            .into_iter()
            .map(|uid| MessageRef {
                uid: uid.to_string(),
                ..MessageRef::default()
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(c: &str, esearch: bool) -> Vec<Part> {
        command(&Criteria::parse(c).unwrap(), esearch)
    }

    #[test]
    fn ascii_values_are_quoted() {
        assert_eq!(
            text(r#"from alice subject "a \"b\"" or (seen larger 10) not on 1-jan-2025"#, false),
            [Part::Text(
                r#"UID SEARCH FROM "alice" SUBJECT "a \"b\"" OR (SEEN LARGER 10) NOT ON 1-Jan-2025"#
                    .into()
            )]
        );
        assert_eq!(
            text("", true),
            [Part::Text("UID SEARCH RETURN (ALL) ALL".into())]
        );
        assert_eq!(
            text("HEADER Message-ID <a@b> KEYWORD $x", false),
            [Part::Text(
                "UID SEARCH HEADER \"Message-ID\" \"<a@b>\" KEYWORD $x".into()
            )]
        );
    }

    #[test]
    fn other_values_are_literals_with_charset() {
        assert_eq!(
            text("SUBJECT café (FROM 日本 SEEN) BODY x", true),
            [
                Part::Text("UID SEARCH RETURN (ALL) CHARSET UTF-8 SUBJECT".into()),
                Part::Literal("café".as_bytes().to_vec()),
                Part::Text("(FROM".into()),
                Part::Literal("日本".as_bytes().to_vec()),
                Part::Text("SEEN) BODY \"x\"".into()),
            ]
        );
        // A literal closing a list: the ")" follows it at once (see ImapClient::send).
        assert_eq!(
            text("(TO ü) TEXT \"tab\there\"", false),
            [
                Part::Text("UID SEARCH CHARSET UTF-8 (TO".into()),
                Part::Literal("ü".as_bytes().to_vec()),
                Part::Text(") TEXT".into()),
                Part::Literal(b"tab\there".to_vec()),
            ]
        );
    }

    #[test]
    fn results_of_search_and_esearch() {
        let data = vec![
            Untagged::Search(vec![9, 3]),
            Untagged::ESearch {
                tag: Some("A0007".into()),
                uid: true,
                all: vec![3, 4],
            },
            Untagged::Exists(5),
        ];
        assert_eq!(results(data), [3, 4, 9]);
    }
}
