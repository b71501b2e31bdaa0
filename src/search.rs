//! Search criteria: the text given to `EmailRecherche`, parsed and checked into
//! [`Criteria`] (sent to an IMAP server by [`crate::imap::search`]), and the single
//! criterion of `EmailCherchePremier` ([`Seek`]), which a POP3 session evaluates on the
//! messages themselves.
//!
//! The text is a list of keys, all of which must match (IMAP SEARCH syntax):
//! `FROM s`, `TO s`, `CC s`, `BCC s`, `SUBJECT s`, `BODY s`, `TEXT s`, `HEADER name s`,
//! `SINCE d`, `BEFORE d`, `ON d` (the date the server received the message, `1-Jan-2025`),
//! `LARGER n`, `SMALLER n`, `SEEN`, `UNSEEN`, `FLAGGED`, `UNFLAGGED`, `ANSWERED`,
//! `UNANSWERED`, `DELETED`, `UNDELETED`, `DRAFT`, `UNDRAFT`, `KEYWORD k`,
//! `UNKEYWORD k`, `ALL`, `NOT key`, `OR key key` and `( key … )`. Keys are not case
//! sensitive. A value `s` is a word or a quoted string (`"two words"`, `\"` and `\\`
//! inside), in UTF-8; the library quotes it or sends it as a literal, with
//! `CHARSET UTF-8` when needed. Blank text means `ALL`.

use crate::error::{Error, Result};
use crate::message::Email;

/// Longest criteria text accepted, in bytes.
pub const MAX_CRITERIA: usize = 64 * 1024;
/// Deepest nesting of `NOT`, `OR` and parentheses.
pub const MAX_DEPTH: usize = 32;

/// A text field a key looks into (substring, not case sensitive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    From,
    To,
    Cc,
    Bcc,
    Subject,
    Body,
    Text,
}

impl Field {
    pub fn keyword(self) -> &'static str {
        match self {
            Field::From => "FROM",
            Field::To => "TO",
            Field::Cc => "CC",
            Field::Bcc => "BCC",
            Field::Subject => "SUBJECT",
            Field::Body => "BODY",
            Field::Text => "TEXT",
        }
    }
}

/// A flag a key tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    Seen,
    Flagged,
    Answered,
    Deleted,
    Draft,
}

impl Flag {
    /// The IMAP key testing the flag set (`SEEN`) or not set (`UNSEEN`).
    pub fn keyword(self, set: bool) -> &'static str {
        match (self, set) {
            (Flag::Seen, true) => "SEEN",
            (Flag::Seen, false) => "UNSEEN",
            (Flag::Flagged, true) => "FLAGGED",
            (Flag::Flagged, false) => "UNFLAGGED",
            (Flag::Answered, true) => "ANSWERED",
            (Flag::Answered, false) => "UNANSWERED",
            (Flag::Deleted, true) => "DELETED",
            (Flag::Deleted, false) => "UNDELETED",
            (Flag::Draft, true) => "DRAFT",
            (Flag::Draft, false) => "UNDRAFT",
        }
    }
}

/// A date comparison on the date the server received the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateKey {
    Since,
    Before,
    On,
}

/// A calendar date, written `1-Jan-2025` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    pub day: u8,
    /// 1 to 12.
    pub month: u8,
    pub year: u16,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let m = MONTHS[usize::from(self.month - 1)];
        write!(f, "{}-{m}-{:04}", self.day, self.year)
    }
}

impl Date {
    /// `d-Mon-yyyy` (day of one or two digits, month name in any case).
    pub fn parse(s: &str) -> Option<Date> {
        let mut it = s.split('-');
        let (d, m, y) = (it.next()?, it.next()?, it.next()?);
        if it.next().is_some()
            || !(1..=2).contains(&d.len())
            || y.len() != 4
            || !d.bytes().chain(y.bytes()).all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let day: u8 = d.parse().ok()?;
        let year: u16 = y.parse().ok()?;
        let month = MONTHS.iter().position(|n| n.eq_ignore_ascii_case(m))? as u8 + 1;
        let leap =
            year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
        let days = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        (year > 0 && (1..=days).contains(&day)).then_some(Date { day, month, year })
    }
}

/// One search key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    All,
    Flag(Flag, bool),
    Keyword(String, bool),
    Text(Field, String),
    /// A header field (its name) holding the text.
    Header(String, String),
    Date(DateKey, Date),
    Larger(u32),
    Smaller(u32),
    Not(Box<Key>),
    Or(Box<Key>, Box<Key>),
    /// A parenthesised list: every key matches.
    And(Vec<Key>),
}

/// What `EmailRecherche` searches for: every key matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criteria(pub Vec<Key>);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Open,
    Close,
    Word(String),
    Quoted(String),
}

fn invalid(msg: impl std::fmt::Display) -> Error {
    Error::invalid_arg(format!("search criteria: {msg}"))
}

fn tokens(text: &str) -> Result<Vec<Token>> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            ' ' | '\t' => {}
            '\r' | '\n' | '\0' => return Err(invalid("a line break or NUL in the text")),
            '(' => out.push(Token::Open),
            ')' => out.push(Token::Close),
            '"' => {
                let mut s = String::new();
                loop {
                    match chars.next() {
                        None => {
                            return Err(invalid(format!(
                                "the quoted string at byte {at} has no end"
                            )));
                        }
                        Some((_, '"')) => break,
                        Some((_, '\\')) => match chars.next() {
                            Some((_, e @ ('"' | '\\'))) => s.push(e),
                            _ => {
                                return Err(invalid(format!(
                                    "only \\\" and \\\\ may follow a backslash (string at byte {at})"
                                )));
                            }
                        },
                        Some((_, c)) => s.push(c),
                    }
                }
                out.push(Token::Quoted(s));
            }
            _ => {
                let mut s = String::from(c);
                while let Some(&(_, c)) = chars.peek() {
                    if matches!(c, ' ' | '\t' | '(' | ')' | '"' | '\r' | '\n' | '\0') {
                        break;
                    }
                    s.push(c);
                    chars.next();
                }
                out.push(Token::Word(s));
            }
        }
    }
    Ok(out)
}

struct Parser {
    tokens: std::vec::IntoIter<Token>,
}

impl Parser {
    fn value(&mut self, key: &str) -> Result<String> {
        match self.tokens.next() {
            Some(Token::Word(w)) | Some(Token::Quoted(w)) => Ok(w),
            _ => Err(invalid(format!("{key} needs a value"))),
        }
    }

    fn number(&mut self, key: &str) -> Result<u32> {
        let v = self.value(key)?;
        v.parse::<u32>()
            .ok()
            .filter(|_| v.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| invalid(format!("{key} {v:?} is not a number of bytes")))
    }

    fn key(&mut self, depth: usize) -> Result<Key> {
        if depth > MAX_DEPTH {
            return Err(invalid(format!("nested deeper than {MAX_DEPTH}")));
        }
        let word = match self.tokens.next() {
            Some(Token::Word(w)) => w,
            Some(Token::Open) => {
                let mut keys = Vec::new();
                loop {
                    let mut peek = self.tokens.clone();
                    match peek.next() {
                        Some(Token::Close) => {
                            self.tokens = peek;
                            break;
                        }
                        None => return Err(invalid("a parenthesis is not closed")),
                        _ => keys.push(self.key(depth + 1)?),
                    }
                }
                if keys.is_empty() {
                    return Err(invalid("empty parentheses"));
                }
                return Ok(Key::And(keys));
            }
            Some(Token::Close) => return Err(invalid("a parenthesis closes nothing")),
            Some(Token::Quoted(q)) => {
                return Err(invalid(format!("a search key is expected before {q:?}")));
            }
            None => return Err(invalid("a search key is missing")),
        };
        let upper = word.to_ascii_uppercase();
        let flag = |f, set| Ok(Key::Flag(f, set));
        let text = |p: &mut Parser, f| Ok(Key::Text(f, p.value(&upper)?));
        match upper.as_str() {
            "ALL" => Ok(Key::All),
            "SEEN" => flag(Flag::Seen, true),
            "UNSEEN" => flag(Flag::Seen, false),
            "FLAGGED" => flag(Flag::Flagged, true),
            "UNFLAGGED" => flag(Flag::Flagged, false),
            "ANSWERED" => flag(Flag::Answered, true),
            "UNANSWERED" => flag(Flag::Answered, false),
            "DELETED" => flag(Flag::Deleted, true),
            "UNDELETED" => flag(Flag::Deleted, false),
            "DRAFT" => flag(Flag::Draft, true),
            "UNDRAFT" => flag(Flag::Draft, false),
            "KEYWORD" | "UNKEYWORD" => {
                let k = self.value(&upper)?;
                let probe = Email {
                    keywords: vec![k.clone()],
                    ..Email::default()
                };
                crate::message::flags::current(&probe).map_err(|e| invalid(e.message))?;
                Ok(Key::Keyword(k, upper == "KEYWORD"))
            }
            "FROM" => text(self, Field::From),
            "TO" => text(self, Field::To),
            "CC" => text(self, Field::Cc),
            "BCC" => text(self, Field::Bcc),
            "SUBJECT" => text(self, Field::Subject),
            "BODY" => text(self, Field::Body),
            "TEXT" => text(self, Field::Text),
            "HEADER" => {
                let name = self.value(&upper)?;
                if name.is_empty() || !name.bytes().all(|b| (33..=126).contains(&b) && b != b':') {
                    return Err(invalid(format!("{name:?} is not a header field name")));
                }
                Ok(Key::Header(name, self.value(&upper)?))
            }
            "SINCE" | "BEFORE" | "ON" => {
                let v = self.value(&upper)?;
                let d = Date::parse(&v).ok_or_else(|| {
                    invalid(format!("{upper} {v:?} is not a date such as 1-Jan-2025"))
                })?;
                let k = match upper.as_str() {
                    "SINCE" => DateKey::Since,
                    "BEFORE" => DateKey::Before,
                    _ => DateKey::On,
                };
                Ok(Key::Date(k, d))
            }
            "LARGER" => Ok(Key::Larger(self.number(&upper)?)),
            "SMALLER" => Ok(Key::Smaller(self.number(&upper)?)),
            "NOT" => Ok(Key::Not(Box::new(self.key(depth + 1)?))),
            "OR" => {
                let a = self.key(depth + 1)?;
                Ok(Key::Or(Box::new(a), Box::new(self.key(depth + 1)?)))
            }
            _ => Err(invalid(format!(
                "unknown search key {word:?} (FROM, TO, CC, BCC, SUBJECT, BODY, TEXT, HEADER, \
                 SINCE, BEFORE, ON, LARGER, SMALLER, SEEN, UNSEEN, FLAGGED, UNFLAGGED, \
                 ANSWERED, UNANSWERED, DELETED, UNDELETED, DRAFT, UNDRAFT, KEYWORD, UNKEYWORD, \
                 ALL, NOT, OR, parentheses)"
            ))),
        }
    }
}

impl Criteria {
    /// Parses and checks the criteria text (see the module).
    pub fn parse(text: &str) -> Result<Criteria> {
        if text.len() > MAX_CRITERIA {
            return Err(invalid(format!("longer than {MAX_CRITERIA} bytes")));
        }
        let mut p = Parser {
            tokens: tokens(text)?.into_iter(),
        };
        let mut keys = Vec::new();
        while p.tokens.len() > 0 {
            keys.push(p.key(0)?);
        }
        if keys.is_empty() {
            keys.push(Key::All);
        }
        Ok(Criteria(keys))
    }
}

/// The criterion of `EmailCherchePremier`; its value is the `WD_SEEK_*` code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeekField {
    /// The text or HTML body holds the value.
    Body = 1,
    /// The Message-ID is the value (angle brackets optional).
    MessageId,
    /// The subject holds the value.
    Subject,
    /// The sender (From, name or address) holds the value.
    Sender,
}

crate::codes::coded! {
    SeekField[Body, MessageId, Subject, Sender]:
        "criterion {code} is not WD_SEEK_BODY, WD_SEEK_MESSAGE_ID, WD_SEEK_SUBJECT or \
         WD_SEEK_SENDER";
}

/// One seek: a field and the value looked for (not case sensitive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seek {
    pub field: SeekField,
    pub value: String,
}

fn contains(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

impl Seek {
    /// A seek for `value` (trimmed; a Message-ID loses its angle brackets); an empty value
    /// is refused.
    pub fn new(field: SeekField, value: &str) -> Result<Seek> {
        crate::message::model::single_line(value, "seek value")?;
        let mut v = value.trim();
        if field == SeekField::MessageId {
            v = v.trim_start_matches('<').trim_end_matches('>').trim();
        }
        if v.is_empty() {
            return Err(Error::invalid_arg("the seek value is empty"));
        }
        Ok(Seek {
            field,
            value: v.to_string(),
        })
    }

    /// The same seek as search criteria (for a server that searches), `UNDELETED` added:
    /// a seek reads as the reading moves do, passing over deleted messages.
    pub fn criteria(&self) -> Criteria {
        let v = self.value.clone();
        Criteria(vec![
            match self.field {
                SeekField::Body => Key::Text(Field::Body, v),
                SeekField::Subject => Key::Text(Field::Subject, v),
                SeekField::Sender => Key::Text(Field::From, v),
                SeekField::MessageId => Key::Header("Message-ID".into(), format!("<{v}>")),
            },
            Key::Flag(Flag::Deleted, false),
        ])
    }

    /// True when the whole message is needed to decide (the body).
    pub fn needs_body(&self) -> bool {
        self.field == SeekField::Body
    }

    /// True when the parsed message `e` matches.
    pub fn matches(&self, e: &Email) -> bool {
        match self.field {
            SeekField::Body => contains(&e.message, &self.value) || contains(&e.html, &self.value),
            SeekField::Subject => contains(&e.subject, &self.value),
            SeekField::Sender => contains(&e.sender, &self.value),
            SeekField::MessageId => e.message_id.eq_ignore_ascii_case(&self.value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<Key> {
        Criteria::parse(text)
            .unwrap_or_else(|e| panic!("{text}: {e:?}"))
            .0
    }

    fn err(text: &str) -> String {
        Criteria::parse(text).unwrap_err().message
    }

    #[test]
    fn keys_values_and_nesting() {
        assert_eq!(keys("  "), [Key::All]);
        assert_eq!(
            keys(r#"from alice SUBJECT "café \"x\" \\ y" unseen LARGER 100"#),
            [
                Key::Text(Field::From, "alice".into()),
                Key::Text(Field::Subject, "café \"x\" \\ y".into()),
                Key::Flag(Flag::Seen, false),
                Key::Larger(100),
            ]
        );
        assert_eq!(
            keys("OR (FLAGGED SINCE 2-feb-2024) NOT HEADER X-Tag 日本 KEYWORD $Label1"),
            [
                Key::Or(
                    Box::new(Key::And(vec![
                        Key::Flag(Flag::Flagged, true),
                        Key::Date(
                            DateKey::Since,
                            Date {
                                day: 2,
                                month: 2,
                                year: 2024
                            }
                        ),
                    ])),
                    Box::new(Key::Not(Box::new(Key::Header(
                        "X-Tag".into(),
                        "日本".into()
                    )))),
                ),
                Key::Keyword("$Label1".into(), true),
            ]
        );
        assert_eq!(
            keys("SUBJECT \"\""),
            [Key::Text(Field::Subject, String::new())]
        );
    }

    #[test]
    fn mistakes_are_named() {
        assert!(err("FROM").contains("FROM needs a value"));
        assert!(err("FRM x").contains("unknown search key \"FRM\""));
        assert!(err("(SEEN").contains("not closed"));
        assert!(err("SEEN)").contains("closes nothing"));
        assert!(err("()").contains("empty parentheses"));
        assert!(err("SINCE 31-Feb-2024").contains("not a date"));
        assert!(err("SINCE 2024-01-01").contains("not a date"));
        assert!(err("LARGER -1").contains("not a number"));
        assert!(err("LARGER 99999999999").contains("not a number"));
        assert!(err("SUBJECT \"open").contains("no end"));
        assert!(err("SUBJECT \"a\\nb\"").contains("backslash"));
        assert!(err("SUBJECT a\r\nb").contains("line break"));
        assert!(err("HEADER \"a b\" x").contains("header field name"));
        assert!(err("KEYWORD \"a b\"").contains("not an IMAP keyword"));
        assert!(err("\"x\"").contains("search key is expected"));
        assert!(err(&"NOT ".repeat(40)).contains("nested deeper"));
        assert!(err(&"a".repeat(MAX_CRITERIA + 1)).contains("longer than"));
        assert!(Criteria::parse("ON 29-Feb-2024 BEFORE 1-dec-1999").is_ok());
        assert!(Criteria::parse("ON 29-Feb-2023").is_err());
    }

    #[test]
    fn dates_print_as_imap_writes_them() {
        assert_eq!(
            Date::parse("09-sep-2025").unwrap().to_string(),
            "9-Sep-2025"
        );
        assert_eq!(
            Date::parse("1-Jan-0999"),
            Some(Date {
                day: 1,
                month: 1,
                year: 999
            })
        );
        assert_eq!(Date::parse("1-Jan-0000"), None);
        assert_eq!(Date::parse("1-Jan-20250"), None);
    }

    #[test]
    fn seek_matches_and_criteria() {
        let e = Email {
            subject: "Réunion de Lundi".into(),
            sender: "Zoé <zoe@wd.test>".into(),
            message_id: "abc@wd.test".into(),
            html: "<p>Le Budget</p>".into(),
            ..Email::default()
        };
        let s = |f, v: &str| Seek::new(f, v).unwrap();
        assert!(s(SeekField::Subject, "réunion").matches(&e));
        assert!(s(SeekField::Sender, "ZOE@").matches(&e));
        assert!(s(SeekField::Sender, "zoé").matches(&e));
        assert!(s(SeekField::Body, "budget").matches(&e));
        assert!(s(SeekField::MessageId, " <ABC@wd.test> ").matches(&e));
        assert!(!s(SeekField::MessageId, "abc").matches(&e));
        assert_eq!(
            s(SeekField::MessageId, "<abc@wd.test>").criteria().0,
            [
                Key::Header("Message-ID".into(), "<abc@wd.test>".into()),
                Key::Flag(Flag::Deleted, false)
            ]
        );
        assert!(Seek::new(SeekField::MessageId, "<>").is_err());
        assert!(Seek::new(SeekField::Subject, "a\nb").is_err());
    }
}
