//! The flags of a message as the [`Email`] fields hold them (`WD_EMAIL_SEEN`, `FLAGGED`,
//! `ANSWERED`, `DRAFT`, `DELETED`, `KEYWORDS`), read from the FLAGS an IMAP server sends,
//! and the changes `EmailMiseAJour` writes back.
//!
//! Writing back: \Seen is always written as the field says (as before the other flags
//! existed); every other flag is written only when the field differs from what the
//! server last reported ([`Email::server_flags`]), so a flag another client changed in
//! the meantime is left alone unless this message changed it too. Flags compare without
//! regard to case, as IMAP defines them.

use crate::error::{Error, Result};
use crate::message::Email;

pub const SEEN: &str = "\\Seen";
pub const FLAGGED: &str = "\\Flagged";
pub const ANSWERED: &str = "\\Answered";
pub const DRAFT: &str = "\\Draft";
pub const DELETED: &str = "\\Deleted";

/// The system flags the fields hold, with their fields (\Seen first).
fn system(e: &Email) -> [(&'static str, bool); 5] {
    [
        (SEEN, e.seen),
        (FLAGGED, e.flagged),
        (ANSWERED, e.answered),
        (DRAFT, e.draft),
        (DELETED, e.deleted),
    ]
}

/// True when `flags` names `name` (IMAP flags compare without regard to case).
pub fn has(flags: &[String], name: &str) -> bool {
    flags.iter().any(|f| f.eq_ignore_ascii_case(name))
}

/// What `EmailSupprimeMessage` leaves on the message it deleted: `WD_EMAIL_OUT` = "1" (as
/// WinDev), `WD_EMAIL_DELETED` = "1", and for a message read from an IMAP server \Deleted
/// among the flags the server holds, so that a later `EmailMiseAJour` neither writes it
/// again nor takes it off.
pub fn mark_deleted(email: &mut Email) {
    email.out = true;
    email.deleted = true;
    if email.server_flags.is_some() {
        let c = FlagChanges {
            add: vec![DELETED.to_string()],
            remove: Vec::new(),
        };
        written(email, &c);
    }
}

/// Sets the flag fields of `email` from the FLAGS the server sent for it, and remembers
/// them for [`changes`]. Flags with a backslash other than the five above (`\Recent`,
/// extensions) are left out; the others are the keywords.
pub fn apply_server(email: &mut Email, flags: &[String]) {
    email.seen = has(flags, SEEN);
    email.flagged = has(flags, FLAGGED);
    email.answered = has(flags, ANSWERED);
    email.draft = has(flags, DRAFT);
    email.deleted = has(flags, DELETED);
    email.keywords = flags
        .iter()
        .filter(|f| !f.starts_with('\\'))
        .cloned()
        .collect();
    email.server_flags = Some(flags.to_vec());
}

/// Moves the flag fields of `from` into `to` (a deferred message parsed at last keeps
/// the flags it was read with).
pub fn keep(to: &mut Email, from: &mut Email) {
    to.seen = from.seen;
    to.flagged = from.flagged;
    to.answered = from.answered;
    to.draft = from.draft;
    to.deleted = from.deleted;
    to.keywords = std::mem::take(&mut from.keywords);
    to.server_flags = from.server_flags.take();
}

/// True when `k` can be sent as an IMAP keyword: an atom without `\`, `%`, `*`, `]`.
fn valid_keyword(k: &str) -> bool {
    !k.is_empty()
        && k.bytes().all(|b| {
            b > b' '
                && b < 0x7f
                && !matches!(b, b'(' | b')' | b'{' | b'"' | b'\\' | b'%' | b'*' | b']')
        })
}

/// The flags the fields hold, as IMAP names them: the system flags set, then the
/// keywords (each checked).
pub fn current(email: &Email) -> Result<Vec<String>> {
    let mut out: Vec<String> = system(email)
        .into_iter()
        .filter(|(_, on)| *on)
        .map(|(f, _)| f.to_string())
        .collect();
    for k in &email.keywords {
        if !valid_keyword(k) {
            return Err(Error::invalid_arg(format!(
                "keyword {k:?} is not an IMAP keyword (printable ASCII without space, \
                 backslash, parentheses, braces, quotes, '%', '*' or ']')"
            )));
        }
        if !has(&out, k) {
            out.push(k.clone());
        }
    }
    Ok(out)
}

/// The flags to add and to remove on the server for one message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlagChanges {
    pub add: Vec<String>,
    pub remove: Vec<String>,
}

/// What `EmailMiseAJour` writes for `email`: \Seen as the field says, the other system
/// flags and the keywords where they differ from [`Email::server_flags`].
pub fn changes(email: &Email) -> Result<FlagChanges> {
    let now = current(email)?;
    let before = email.server_flags.clone().unwrap_or_default();
    let mut c = FlagChanges::default();
    for (flag, on) in system(email) {
        if flag == SEEN || on != has(&before, flag) {
            if on {
                c.add.push(flag.to_string());
            } else {
                c.remove.push(flag.to_string());
            }
        }
    }
    for k in now.iter().filter(|f| !f.starts_with('\\')) {
        if !has(&before, k) {
            c.add.push(k.clone());
        }
    }
    for k in before.iter().filter(|f| !f.starts_with('\\')) {
        if !has(&now, k) {
            c.remove.push(k.clone());
        }
    }
    Ok(c)
}

/// Records that `c` was written for `email`: what the server holds now becomes the
/// reference of the next [`changes`].
pub fn written(email: &mut Email, c: &FlagChanges) {
    email.server_flags = Some(after(email, c));
}

/// The flags the server holds once `c` is written over `email.server_flags`.
pub fn after(email: &Email, c: &FlagChanges) -> Vec<String> {
    let mut flags: Vec<String> = email
        .server_flags
        .clone()
        .unwrap_or_default()
        .into_iter()
        .filter(|f| !has(&c.remove, f))
        .collect();
    for f in &c.add {
        if !has(&flags, f) {
            flags.push(f.clone());
        }
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn server_flags_fill_the_fields() {
        let mut e = Email::default();
        apply_server(
            &mut e,
            &strings(&["\\seen", "\\Recent", "\\FLAGGED", "$Forwarded", "work"]),
        );
        assert!(e.seen && e.flagged && !e.answered && !e.draft && !e.deleted);
        assert_eq!(e.keywords, ["$Forwarded", "work"]);
        let mut parsed = Email::default();
        keep(&mut parsed, &mut e);
        assert!(parsed.seen && parsed.flagged);
        assert_eq!(parsed.keywords, ["$Forwarded", "work"]);
        assert_eq!(parsed.server_flags.as_ref().map(Vec::len), Some(5));
    }

    /// A message deleted before it was parsed still reads deleted and "out" once parsed,
    /// and an update writes \Deleted neither again nor off.
    #[test]
    fn a_deleted_message_stays_deleted_through_parsing() {
        let mut e = Email::deferred(b"Subject: s\r\n\r\nb\r\n".to_vec(), "7".into(), 1, 20, true);
        apply_server(&mut e, &strings(&["\\Seen"]));
        mark_deleted(&mut e);
        e.parse_deferred().unwrap();
        assert_eq!(e.subject, "s");
        assert!(e.out && e.deleted && e.seen);
        assert_eq!(e.server_flags, Some(strings(&["\\Seen", "\\Deleted"])));
        let c = changes(&e).unwrap();
        assert_eq!((c.add, c.remove), (strings(&["\\Seen"]), vec![]));
        // POP3: no flags on the server, the field says it.
        let mut p = Email::default();
        mark_deleted(&mut p);
        assert!(p.out && p.deleted && p.server_flags.is_none());
    }

    #[test]
    fn only_what_changed_is_written_seen_always() {
        let mut e = Email::default();
        apply_server(&mut e, &strings(&["\\Seen", "\\Draft", "old", "keep"]));
        assert_eq!(
            changes(&e).unwrap(),
            FlagChanges {
                add: strings(&["\\Seen"]),
                remove: vec![]
            }
        );
        e.seen = false;
        e.flagged = true;
        e.draft = false;
        e.keywords = strings(&["KEEP", "new"]);
        let c = changes(&e).unwrap();
        assert_eq!(c.add, strings(&["\\Flagged", "new"]));
        assert_eq!(c.remove, strings(&["\\Seen", "\\Draft", "old"]));
        assert_eq!(after(&e, &c), strings(&["keep", "\\Flagged", "new"]));
        // Not read from a server: what is set is added, \Seen written either way.
        let mut fresh = Email {
            answered: true,
            ..Email::default()
        };
        let c = changes(&fresh).unwrap();
        assert_eq!(
            (c.add, c.remove),
            (strings(&["\\Answered"]), strings(&["\\Seen"]))
        );
        fresh.keywords = strings(&["two words"]);
        assert!(changes(&fresh).unwrap_err().message.contains("two words"));
        for bad in ["", "a(b", "\\Seen", "x*", "é"] {
            assert!(!valid_keyword(bad), "{bad:?}");
        }
        assert!(valid_keyword("$Label1"));
    }
}
