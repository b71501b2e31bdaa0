//! Finding mail (docs/API.md §9): `EmailRecherche` (server-side criteria, a message list),
//! `EmailCherchePremier` / `EmailChercheSuivant` (one criterion, one message after
//! another) and `EmailAttendMessage` (waiting for new mail). The criteria language is
//! [`crate::search`]'s; the wait is [`crate::registry::wait_for_mail`].

use crate::error::{Error, Result};
use crate::ffi::args;
use crate::ffi::message::resolve_raw;
use crate::ffi::read::{new_list, read_options, store_outcome};
use crate::ffi::types::{WD_READ_ALL, WD_READ_HEADER, WD_READ_KEEP_UNSEEN, WdEmail, WdEmailList};
use crate::registry;
use crate::search::{Criteria, Seek, SeekField};
use crate::session::ReadOptions;
use std::ffi::c_char;

/// The options of `EmailRecherche`: `WD_READ_HEADER`, `WD_READ_KEEP_UNSEEN`, or 0 /
/// `WD_READ_ALL` (whole messages).
fn search_options(options: i32) -> Result<ReadOptions> {
    if options & !(WD_READ_ALL | WD_READ_HEADER | WD_READ_KEEP_UNSEEN) != 0 {
        return Err(Error::invalid_arg(format!(
            "search options {options}: only WD_READ_HEADER and WD_READ_KEEP_UNSEEN \
             (unread messages: UNSEEN in the criteria)"
        )));
    }
    read_options(options)
}

/// Searches the selected IMAP folder (`EmailRecherche`) and returns the matching
/// messages as a list, in UID order.
///
/// `criteria`: IMAP SEARCH keys in UTF-8, all of which must match: `FROM s`, `TO s`,
/// `CC s`, `BCC s`, `SUBJECT s`, `BODY s`, `TEXT s`, `HEADER name s`, `SINCE d`,
/// `BEFORE d`, `ON d` (the date the server received the message, `1-Jan-2025`),
/// `LARGER n`, `SMALLER n`, `SEEN`, `UNSEEN`, `FLAGGED`, `UNFLAGGED`, `ANSWERED`,
/// `UNANSWERED`, `DELETED`, `UNDELETED`, `DRAFT`, `UNDRAFT`, `KEYWORD k`, `UNKEYWORD k`,
/// `ALL`, `NOT key`, `OR key key`, `( keys )`; keys in any case; a value is a word or a
/// quoted string (`"two words"`, where a backslash escapes a quote or a backslash). The
/// library checks the text, then quotes each value or sends it as a literal, with
/// `CHARSET UTF-8` when a value is not ASCII; ESEARCH is used when the server offers it. NULL or blank criteria: every
/// message. Unlike the reading moves, a search finds messages flagged \Deleted (deleted,
/// not yet removed) unless the criteria say `UNDELETED`; they read `WD_EMAIL_DELETED` = "1".
/// `options`: 0 (whole messages), `WD_READ_HEADER` (headers only, the body
/// fetched on first access of a body field), `WD_READ_KEEP_UNSEEN` (do not set \Seen).
///
/// Returns a list handle (> 0; `EmailListeNb`, `EmailListeElement`, `EmailLibere`), or 0
/// with `WD_E_INVALID_ARGUMENT` (the criteria, with the reason), `WD_E_NOT_SUPPORTED`
/// (POP3: use `EmailCherchePremier`), `WD_E_UNKNOWN_SESSION`, `WD_E_PROTOCOL` (the
/// server refused the search, its reply in `WD_ERR_SYSTEM_MESSAGE`), network errors.
/// Thread-safe.
///
/// # Safety
/// `session` and `criteria` are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailRecherche(
    session: *const c_char,
    criteria: *const c_char,
    options: i32,
) -> WdEmailList {
    WdEmailList(ffi_guard!("EmailRecherche", 0, {
        // SAFETY: caller contract.
        let name = unsafe { args::cstr(session, "session") }?;
        // SAFETY: caller contract.
        let text = unsafe { args::opt_cstr(criteria, "criteria") }?.unwrap_or("");
        let criteria = Criteria::parse(text)?;
        let opts = search_options(options)?;
        new_list(registry::search(name, &criteria, opts)?)
    }))
}

english!(unsafe EmailSearch = EmailRecherche(session: *const c_char, criteria: *const c_char, options: i32) -> WdEmailList);

/// Reads the first message matching one criterion into `email` (`EmailCherchePremier`);
/// `EmailChercheSuivant` reads the next ones.
///
/// `criterion`: `WD_SEEK_BODY` (text or HTML body), `WD_SEEK_MESSAGE_ID` (the value with
/// or without `<>`), `WD_SEEK_SUBJECT`, `WD_SEEK_SENDER` (From, name or address);
/// `value`: UTF-8, compared without regard to case (contained in the field; equal for the
/// Message-ID). IMAP searches on the server (UID SEARCH); POP3 looks at each message's
/// headers (whole messages for `WD_SEEK_BODY`), in order. The message is read whole, as
/// `EmailLitPremier` reads it (IMAP: \Seen set); as the reading moves, a seek passes over
/// deleted messages (IMAP: `UNDELETED`).
///
/// Returns 1 when a message was read; 0 with no error (`ErreurDetectee()` = 0) and
/// `WD_EMAIL_OUT` = "1" when none matches; 0 with `WD_E_INVALID_ARGUMENT` (unknown
/// criterion, empty value), `WD_E_INVALID_HANDLE`, `WD_E_UNKNOWN_SESSION`, network and
/// protocol errors, `email` then holding `WD_EMAIL_OUT` = "1" and the message in
/// `WD_EMAIL_ERROR` (as after a failed read). Thread-safe.
///
/// # Safety
/// `session` and `value` are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailCherchePremier(
    session: *const c_char,
    email: WdEmail,
    criterion: i32,
    value: *const c_char,
) -> i32 {
    ffi_guard!("EmailCherchePremier", 0, {
        resolve_raw(email.0)?; // validate the handle before any network traffic
        let found = (|| {
            let field = SeekField::from_code(criterion)?;
            // SAFETY: caller contract (both strings).
            let (name, value) =
                unsafe { (args::cstr(session, "session")?, args::cstr(value, "value")?) };
            let seek = Seek::new(field, value)?;
            registry::read(name, ReadOptions::default(), |r| r.seek_first(seek))
        })();
        store_outcome(email.0, found)
    })
}

english!(unsafe EmailSeekFirst = EmailCherchePremier(session: *const c_char, email: WdEmail, criterion: i32, value: *const c_char) -> i32);

/// Reads the next message matching the criterion of the last `EmailCherchePremier` on
/// this session into `email` (`EmailChercheSuivant`).
///
/// Returns 1 when a message was read; 0 with no error and `WD_EMAIL_OUT` = "1" past the
/// last match; 0 with `WD_E_INVALID_ARGUMENT` (no `EmailCherchePremier` before),
/// `WD_E_INVALID_HANDLE`, `WD_E_UNKNOWN_SESSION`, network and protocol errors, `email`
/// then holding `WD_EMAIL_OUT` = "1" and the message in `WD_EMAIL_ERROR`. Thread-safe.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailChercheSuivant(session: *const c_char, email: WdEmail) -> i32 {
    ffi_guard!("EmailChercheSuivant", 0, {
        resolve_raw(email.0)?; // validate the handle before any network traffic
        let found = (|| {
            // SAFETY: caller contract.
            let name = unsafe { args::cstr(session, "session") }?;
            registry::read(name, ReadOptions::default(), |r| r.seek_next())
        })();
        store_outcome(email.0, found)
    })
}

english!(unsafe EmailSeekNext = EmailChercheSuivant(session: *const c_char, email: WdEmail) -> i32);

/// Waits for new mail on the incoming connection of a session (`EmailAttendMessage`).
///
/// IMAP: IDLE (RFC 2177), sent again every 28 minutes and ended with DONE, or a NOOP
/// every 2 s when the server has no IDLE; a message counts as new when it is not in the
/// session's last listing. POP3 shows new mail only in a new session: every 2 s a fresh
/// connection asks STAT (and QUITs without deleting); when mail came, the session moves
/// to that connection (the deletions it marked are marked there again, still done at
/// `EmailFermeSession`). Either way, once mail came the listing is taken again so that
/// the next `EmailLitSuivant` reads the first new message (after the message the loop was
/// on). A connection the IMAP server closes during the wait (a restart) is opened again
/// once.
///
/// `seconds`: how long to wait, 0 to look once. Another thread calling any function on
/// this session's incoming connection ends the wait within about 50 ms: the wait returns
/// 0 without error, then that call runs. The call blocks the calling thread.
///
/// Returns 1 when new mail arrived; 0 with no error (`ErreurDetectee()` = 0) when none
/// came before the delay (or the wait gave way); 0 with `WD_E_INVALID_ARGUMENT`
/// (negative delay), `WD_E_UNKNOWN_SESSION`, network and protocol errors. Thread-safe.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailAttendMessage(session: *const c_char, seconds: i32) -> i32 {
    ffi_guard!("EmailAttendMessage", 0, {
        // SAFETY: caller contract.
        let name = unsafe { args::cstr(session, "session") }?;
        let seconds = u32::try_from(seconds)
            .map_err(|_| Error::invalid_arg(format!("delay {seconds} s is negative")))?;
        Ok(i32::from(registry::wait_for_mail(name, seconds)?))
    })
}

english!(unsafe EmailWaitMessage = EmailAttendMessage(session: *const c_char, seconds: i32) -> i32);
