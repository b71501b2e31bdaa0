//! Managing the messages of a mailbox (docs/API.md §4): deleting (and, IMAP, destroying the
//! deleted), flagging, copying and moving the messages read, appending new ones, and the
//! IMAP folders. POP3 has only deleting; the rest fails there with `WD_E_NOT_SUPPORTED`.

use crate::error::Result;
use crate::ffi::args;
use crate::ffi::message::{resolve, resolve_raw};
use crate::ffi::strings::ret_thread;
use crate::ffi::types::WdEmail;
use crate::message::flags;
use crate::reader::{Reader, ServerId, check_folder};
use crate::registry;
use crate::session::{Folder, FolderRole};
use std::ffi::c_char;

/// The server identity and the seen flag of message handle `h` (no parsing needed).
fn server_id(h: i32) -> Result<(ServerId, bool)> {
    let obj = resolve_raw(h)?;
    let o = obj.lock();
    Ok((ServerId::of(&o.email), o.email.seen))
}

/// Deletes a message read from this session (`EmailSupprimeMessage`), as WinDev does:
/// POP3 marks it and the server removes it at `EmailFermeSession` (a lost connection
/// deletes nothing); IMAP flags it \Deleted, and it goes at `EmailDetruit`, at a folder
/// change or at `EmailFermeSession` (IMAP CLOSE). Message numbers do not change until
/// then: `EmailNbMessage` still counts it and `EmailLitMessage` of its number finds no
/// message. Afterwards `email` reads `WD_EMAIL_OUT` = "1" and `WD_EMAIL_DELETED` = "1"
/// (`EmailMiseAJour` with `WD_EMAIL_DELETED` = "0" takes an IMAP deletion back before it
/// is carried out); `EmailLitSuivant` and
/// `EmailLitPrecedent` continue with the messages around it, passing over the deleted
/// ones. Deleting it again does nothing.
///
/// Returns 1, or 0 with `WD_E_INVALID_ARGUMENT` (message not read from a server),
/// `WD_E_INVALID_HANDLE`, `WD_E_UNKNOWN_SESSION`, protocol errors. Thread-safe.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailSupprimeMessage(session: *const c_char, email: WdEmail) -> i32 {
    ffi_guard!("EmailSupprimeMessage", 0, {
        // SAFETY: caller contract.
        let name = unsafe { args::cstr(session, "session") }?;
        let (id, _) = server_id(email.0)?;
        registry::with_reader(name, |r| r.delete(&id))?;
        flags::mark_deleted(&mut resolve_raw(email.0)?.lock().email);
        Ok(1)
    })
}

english!(unsafe EmailDeleteMessage = EmailSupprimeMessage(session: *const c_char, email: WdEmail) -> i32);

/// Removes the messages deleted with `EmailSupprimeMessage` from the IMAP folder now
/// (`EmailDetruit`): `UID EXPUNGE` of them when the server offers UIDPLUS, else
/// EXPUNGE (which also removes messages other clients flagged \Deleted). The messages
/// after them are renumbered. Without it they go at a folder change or at
/// `EmailFermeSession`.
///
/// Returns 1 (also when nothing was deleted), or 0 with `WD_E_NOT_SUPPORTED` (POP3
/// removes deleted messages at `EmailFermeSession`), `WD_E_UNKNOWN_SESSION`,
/// `WD_E_PROTOCOL`, network errors. Thread-safe.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailDetruit(session: *const c_char) -> i32 {
    ffi_guard!("EmailDetruit", 0, {
        // SAFETY: caller contract.
        let name = unsafe { args::cstr(session, "session") }?;
        registry::with_reader(name, Reader::destroy)?;
        Ok(1)
    })
}

english!(unsafe EmailDestroy = EmailDetruit(session: *const c_char) -> i32);

/// Lists the folders of an IMAP account (`EmailListeDossier`): names in UTF-8, one per
/// line ("\n"), hierarchy levels separated by the server's separator.
///
/// Returns a thread-local string valid until the next library call on this thread, or
/// NULL with `WD_E_NOT_SUPPORTED` (POP3), `WD_E_UNKNOWN_SESSION`, protocol errors.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailListeDossier(session: *const c_char) -> *const c_char {
    ffi_guard!("EmailListeDossier", std::ptr::null(), {
        // SAFETY: caller contract.
        let name = unsafe { args::cstr(session, "session") }?;
        let folders = registry::with_reader(name, Reader::list_folders)?;
        Ok(ret_thread(&folders.join("\n")))
    })
}

english!(unsafe EmailListFolder = EmailListeDossier(session: *const c_char) -> *const c_char);

/// The folders of session `session` with their roles.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
unsafe fn folders_of(session: *const c_char) -> Result<Vec<Folder>> {
    // SAFETY: caller contract.
    let name = unsafe { args::cstr(session, "session") }?;
    registry::with_reader(name, Reader::folders_with_roles)
}

/// The folder playing a role on an IMAP account (`EmailDossierSpecial`).
///
/// `role`: `WD_FOLDER_SENT`, `WD_FOLDER_DRAFTS`, `WD_FOLDER_TRASH`, `WD_FOLDER_JUNK`,
/// `WD_FOLDER_ARCHIVE`, `WD_FOLDER_ALL`. The folder carrying the role's special-use
/// attribute (RFC 6154, `\Sent`…), else the first whose last name level is a usual name
/// for it (Sent, Sent Items, Envoyés…; Trash, Deleted Items, Corbeille…; Junk, Spam…;
/// Drafts, Brouillons; Archive; All Mail), compared without regard to case; each role
/// goes to one folder at most (as `EmailListeDossierRole` shows).
///
/// Returns the folder name (UTF-8, hierarchy with the server's separator), "" when no
/// folder plays the role: a thread-local string valid until the next library call on
/// this thread. NULL with `WD_E_INVALID_ARGUMENT` (unknown role), `WD_E_NOT_SUPPORTED`
/// (POP3), `WD_E_UNKNOWN_SESSION`, network and protocol errors. Thread-safe.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailDossierSpecial(session: *const c_char, role: i32) -> *const c_char {
    ffi_guard!("EmailDossierSpecial", std::ptr::null(), {
        let wanted = FolderRole::from_code(role)?;
        // SAFETY: caller contract.
        let folders = unsafe { folders_of(session) }?;
        let name = folders.iter().find(|f| f.role == Some(wanted));
        Ok(ret_thread(name.map_or("", |f| f.name.as_str())))
    })
}

english!(unsafe EmailSpecialFolder = EmailDossierSpecial(session: *const c_char, role: i32) -> *const c_char);

/// Lists the folders of an IMAP account with their roles (`EmailListeDossierRole`): one
/// line per folder ("\n"), in the order of `EmailListeDossier`, each the folder name, a
/// tab, and its role as a decimal `WD_FOLDER_*` value, 0 for none (the roles of
/// `EmailDossierSpecial`), e.g. `Sent\t1`.
///
/// Returns a thread-local string valid until the next library call on this thread, or
/// NULL with `WD_E_NOT_SUPPORTED` (POP3), `WD_E_UNKNOWN_SESSION`, protocol errors.
/// Thread-safe.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailListeDossierRole(session: *const c_char) -> *const c_char {
    ffi_guard!("EmailListeDossierRole", std::ptr::null(), {
        // SAFETY: caller contract.
        let folders = unsafe { folders_of(session) }?;
        let lines: Vec<String> = folders
            .iter()
            .map(|f| format!("{}\t{}", f.name, f.role.map_or(0, |r| r as i32)))
            .collect();
        Ok(ret_thread(&lines.join("\n")))
    })
}

english!(unsafe EmailListFolderRoles = EmailListeDossierRole(session: *const c_char) -> *const c_char);

/// Decodes a session name and a folder name (not empty, on one line).
///
/// # Safety
/// `session` and `folder` are NULL or NUL-terminated strings.
unsafe fn session_folder<'a>(
    session: *const c_char,
    folder: *const c_char,
) -> Result<(&'a str, &'a str)> {
    // SAFETY: caller contract.
    let name = unsafe { args::cstr(session, "session") }?;
    // SAFETY: caller contract.
    let folder = unsafe { args::cstr(folder, "folder") }?;
    check_folder(folder, "folder name")?;
    Ok((name, folder))
}

/// The body of the folder functions: runs `op` on the folder of the session's reader.
///
/// # Safety
/// As [`session_folder`].
unsafe fn on_folder(
    session: *const c_char,
    folder: *const c_char,
    op: impl FnOnce(&mut Reader, &str) -> Result<()>,
) -> Result<i32> {
    // SAFETY: caller contract.
    let (name, folder) = unsafe { session_folder(session, folder) }?;
    registry::with_reader(name, |r| op(r, folder))?;
    Ok(1)
}

/// Selects another IMAP folder (`EmailChangeDossier`); reading functions then work on
/// it.
///
/// `folder`: UTF-8 folder name (hierarchy with the server's separator). Returns 1, or 0
/// with `WD_E_NOT_SUPPORTED` (POP3), `WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_ARGUMENT`,
/// `WD_E_PROTOCOL` (the server's reply in `WD_ERR_SYSTEM_MESSAGE`). Thread-safe.
///
/// # Safety
/// `session` and `folder` are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailChangeDossier(session: *const c_char, folder: *const c_char) -> i32 {
    ffi_guard!("EmailChangeDossier", 0, {
        // SAFETY: caller contract.
        unsafe { on_folder(session, folder, Reader::select_folder) }
    })
}

english!(unsafe EmailChangeFolder = EmailChangeDossier(session: *const c_char, folder: *const c_char) -> i32);

/// Creates an IMAP folder (`EmailCreeDossier`).
///
/// `folder`: UTF-8 folder name (hierarchy with the server's separator). Returns 1, or 0
/// with `WD_E_NOT_SUPPORTED` (POP3), `WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_ARGUMENT`,
/// `WD_E_PROTOCOL` (the server's reply in `WD_ERR_SYSTEM_MESSAGE`). Thread-safe.
///
/// # Safety
/// `session` and `folder` are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailCreeDossier(session: *const c_char, folder: *const c_char) -> i32 {
    ffi_guard!("EmailCreeDossier", 0, {
        // SAFETY: caller contract.
        unsafe { on_folder(session, folder, Reader::create_folder) }
    })
}

english!(unsafe EmailCreateFolder = EmailCreeDossier(session: *const c_char, folder: *const c_char) -> i32);

/// Deletes an IMAP folder and the messages in it (`EmailSupprimeDossier`).
///
/// `folder`: UTF-8 folder name (hierarchy with the server's separator). Returns 1, or 0
/// with `WD_E_NOT_SUPPORTED` (POP3), `WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_ARGUMENT`,
/// `WD_E_PROTOCOL` (the server's reply in `WD_ERR_SYSTEM_MESSAGE`). Thread-safe.
///
/// # Safety
/// `session` and `folder` are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailSupprimeDossier(
    session: *const c_char,
    folder: *const c_char,
) -> i32 {
    ffi_guard!("EmailSupprimeDossier", 0, {
        // SAFETY: caller contract.
        unsafe { on_folder(session, folder, Reader::delete_folder) }
    })
}

english!(unsafe EmailDeleteFolder = EmailSupprimeDossier(session: *const c_char, folder: *const c_char) -> i32);

/// Renames an IMAP folder (`EmailRenommeDossier`).
///
/// Returns 1, or 0 with `WD_E_NOT_SUPPORTED` (POP3), `WD_E_UNKNOWN_SESSION`,
/// `WD_E_INVALID_ARGUMENT`, `WD_E_PROTOCOL`. Thread-safe.
///
/// # Safety
/// The strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailRenommeDossier(
    session: *const c_char,
    folder: *const c_char,
    new_name: *const c_char,
) -> i32 {
    ffi_guard!("EmailRenommeDossier", 0, {
        // SAFETY: caller contract.
        let (name, from) = unsafe { session_folder(session, folder) }?;
        // SAFETY: caller contract.
        let to = unsafe { args::cstr(new_name, "new_name") }?;
        check_folder(to, "folder name")?;
        registry::with_reader(name, |r| r.rename_folder(from, to))?;
        Ok(1)
    })
}

english!(unsafe EmailRenameFolder = EmailRenommeDossier(session: *const c_char, folder: *const c_char, new_name: *const c_char) -> i32);

/// Copies a message read from this IMAP session into `folder` (`EmailCopieMessage`).
///
/// Returns 1, or 0 with `WD_E_NOT_SUPPORTED` (POP3), `WD_E_INVALID_ARGUMENT` (NULL,
/// empty folder name or one holding CR/LF, message not read from a server),
/// `WD_E_INVALID_HANDLE`, `WD_E_UNKNOWN_SESSION`, `WD_E_PROTOCOL`. Thread-safe.
///
/// # Safety
/// `session`/`folder` are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailCopieMessage(
    session: *const c_char,
    email: WdEmail,
    folder: *const c_char,
) -> i32 {
    ffi_guard!("EmailCopieMessage", 0, {
        // SAFETY: caller contract.
        let (name, folder) = unsafe { session_folder(session, folder) }?;
        let (id, _) = server_id(email.0)?;
        registry::with_reader(name, |r| r.copy_to(&id, folder))?;
        Ok(1)
    })
}

english!(unsafe EmailCopyMessage = EmailCopieMessage(session: *const c_char, email: WdEmail, folder: *const c_char) -> i32);

/// Moves a message read from this IMAP session into `folder` (`EmailDeplaceMessage`):
/// MOVE when the server offers it, else COPY + \Deleted + expunge.
///
/// Returns 1, or 0 with `WD_E_NOT_SUPPORTED` (POP3), `WD_E_INVALID_ARGUMENT` (NULL,
/// empty folder name or one holding CR/LF, message not read from a server),
/// `WD_E_INVALID_HANDLE`, `WD_E_UNKNOWN_SESSION`, `WD_E_PROTOCOL`. Thread-safe.
///
/// # Safety
/// `session`/`folder` are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailDeplaceMessage(
    session: *const c_char,
    email: WdEmail,
    folder: *const c_char,
) -> i32 {
    ffi_guard!("EmailDeplaceMessage", 0, {
        // SAFETY: caller contract.
        let (name, folder) = unsafe { session_folder(session, folder) }?;
        let (id, _) = server_id(email.0)?;
        registry::with_reader(name, |r| r.move_to(&id, folder))?;
        Ok(1)
    })
}

english!(unsafe EmailMoveMessage = EmailDeplaceMessage(session: *const c_char, email: WdEmail, folder: *const c_char) -> i32);

/// Writes the message's flags back to the IMAP server (`EmailMiseAJour`):
/// `WD_EMAIL_SEEN` always, and `WD_EMAIL_FLAGGED`, `WD_EMAIL_ANSWERED`, `WD_EMAIL_DRAFT`,
/// `WD_EMAIL_DELETED` and `WD_EMAIL_KEYWORDS` where they differ from what the server last
/// reported for it (a flag another client changed meanwhile is left alone unless this
/// message changed it too). One `UID STORE +FLAGS.SILENT` and one `-FLAGS.SILENT`,
/// pipelined. `WD_EMAIL_DELETED` set to "1" deletes the message as `EmailSupprimeMessage`
/// does (flagged \Deleted only: it goes at `EmailDetruit`, a folder change or
/// `EmailFermeSession`, and the reading moves pass over it); set back to "0" before that,
/// it takes the deletion back. A message the listings leave out (flagged \Deleted, found
/// with `EmailRecherche`) is found by its UID.
///
/// Returns 1, or 0 with `WD_E_NOT_SUPPORTED` (POP3), `WD_E_INVALID_ARGUMENT` (message
/// not read from a server, a keyword that is not an IMAP atom), `WD_E_INVALID_HANDLE`,
/// `WD_E_UNKNOWN_SESSION`, `WD_E_PROTOCOL`. Thread-safe.
///
/// # Safety
/// `session` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailMiseAJour(session: *const c_char, email: WdEmail) -> i32 {
    ffi_guard!("EmailMiseAJour", 0, {
        // SAFETY: caller contract.
        let name = unsafe { args::cstr(session, "session") }?;
        let obj = resolve_raw(email.0)?;
        let (id, changes) = {
            let o = obj.lock();
            (ServerId::of(&o.email), flags::changes(&o.email)?)
        };
        registry::with_reader(name, |r| r.update_flags(&id, &changes))?;
        flags::written(&mut obj.lock().email, &changes);
        Ok(1)
    })
}

english!(unsafe EmailUpdate = EmailMiseAJour(session: *const c_char, email: WdEmail) -> i32);

/// Appends a message to an IMAP folder (`EmailAjouteMessage`, IMAP APPEND). The source is
/// built first when the fields changed; the \Seen flag follows `WD_EMAIL_SEEN`.
///
/// Returns 1, or 0 with `WD_E_NOT_SUPPORTED` (POP3), `WD_E_INVALID_ARGUMENT` (NULL,
/// empty folder name or one holding CR/LF), `WD_E_MESSAGE`, `WD_E_INVALID_HANDLE`,
/// `WD_E_UNKNOWN_SESSION`, `WD_E_PROTOCOL`. Thread-safe.
///
/// # Safety
/// `session`/`folder` are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EmailAjouteMessage(
    session: *const c_char,
    folder: *const c_char,
    email: WdEmail,
) -> i32 {
    ffi_guard!("EmailAjouteMessage", 0, {
        // SAFETY: caller contract.
        let (name, folder) = unsafe { session_folder(session, folder) }?;
        let obj = resolve(email.0)?;
        registry::append(name, folder, &obj)?;
        Ok(1)
    })
}

english!(unsafe EmailAppendMessage = EmailAjouteMessage(session: *const c_char, folder: *const c_char, email: WdEmail) -> i32);
