//! Sessions by name (docs/API.md §2): the declared sessions and their settings, the open
//! connections of each name (one incoming [`Reader`], one outgoing sender), opening with
//! rollback, closing, and the global timeout.
//!
//! Open/close policy: a name holds at most one connection of each direction; opening a
//! second one is `WD_E_SESSION_EXISTS`. A failed open leaves nothing behind (the name is
//! free again; a declaration stays). Closing flushes and ends both connections and frees
//! the name (a declaration stays). Each connection has its own lock, held for the whole
//! call on it: calls on one connection serialize, reading and sending run in parallel.

use crate::error::{Error, Result, WD_E};
use crate::message::Email;
use crate::message::address::{bare, is_valid_syntax};
use crate::message::object::MessageObject;
use crate::reader::{ReadMessage, Reader};
use crate::session::{
    Mailbox, MessageRef, Outgoing, OutgoingMessage, ReadOptions, RecipientCheck, Security,
    SendOptions, SendOutcome, SessionConfig, SessionKind,
};
use crate::text::quoted;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

static TIMEOUT: AtomicU32 = AtomicU32::new(crate::limits::DEFAULT_TIMEOUT_SECS);

/// The global timeout in seconds, used by the sessions that set none.
pub fn timeout_secs() -> u32 {
    TIMEOUT.load(Ordering::Relaxed)
}

/// Sets the global timeout (`EmailChangeTimeOut`): 1 to 86400 seconds.
pub fn set_timeout(seconds: i32) -> Result<()> {
    match u32::try_from(seconds) {
        Ok(s @ 1..=86_400) => {
            TIMEOUT.store(s, Ordering::Relaxed);
            Ok(())
        }
        _ => Err(Error::invalid_arg(format!(
            "timeout {seconds} is out of range (1 to 86400 seconds)"
        ))),
    }
}

/// Sets the minimum average speed of a reply (`EmailParametre(WD_PARAM_MIN_SPEED, v)`),
/// in bytes per second, for the connections opened afterwards: 0 or more.
pub fn set_min_speed(bytes_per_second: i32) -> Result<()> {
    let v = u32::try_from(bytes_per_second).map_err(|_| {
        Error::invalid_arg(format!(
            "minimum speed {bytes_per_second} is negative (bytes per second, 0 = none)"
        ))
    })?;
    crate::net::set_min_speed(v);
    Ok(())
}

/// What the `EmailOuvreSession…` openers are given: `user` names the session and logs in.
#[derive(Debug, Clone, Copy)]
pub struct Login<'a> {
    pub user: &'a str,
    /// `None`: no password given.
    pub password: Option<&'a str>,
    pub server: &'a str,
    /// 0 = the default of the protocol and security mode.
    pub port: u16,
    pub security: Security,
    /// SMTP only: queue the messages and send them in the background.
    pub asynchronous: bool,
}

impl Login<'_> {
    /// The configuration of a `kind` connection: the one builder of every opener. The
    /// server name is trimmed. POP3 and IMAP log in with the password as given (POP3: none
    /// is an empty one); SMTP authenticates only with a password, an empty one meaning
    /// none.
    pub fn config(&self, kind: SessionKind) -> SessionConfig {
        let mut cfg = SessionConfig::new(kind);
        cfg.user = self.user.to_string();
        cfg.password = match kind {
            SessionKind::Smtp => self.password.filter(|p| !p.is_empty()),
            _ => self.password,
        }
        .map(str::to_string);
        cfg.host = self.server.trim().to_string();
        cfg.port = self.port;
        cfg.security = self.security;
        cfg.asynchronous = self.asynchronous && kind == SessionKind::Smtp;
        cfg
    }
}

/// One session name: its declaration (if any) and its open connections.
struct Session {
    name: String,
    declared: Mutex<Option<SessionConfig>>,
    incoming: Mutex<Option<Reader>>,
    outgoing: Mutex<Option<Box<dyn Outgoing>>>,
}

static SESSIONS: LazyLock<Mutex<HashMap<String, Arc<Session>>>> = LazyLock::new(Default::default);

/// Looks a session name up (the table lock is held only for the lookup).
fn find(name: &str) -> Result<Arc<Session>> {
    SESSIONS.lock().get(name).cloned().ok_or_else(|| {
        Error::new(
            WD_E::UnknownSession,
            format!("unknown session {}", quoted(name)),
        )
    })
}

/// The session of `name`, created when absent.
fn entry(name: &str) -> Arc<Session> {
    let mut map = SESSIONS.lock();
    let e = map.entry(name.to_string()).or_insert_with(|| {
        Arc::new(Session {
            name: name.to_string(),
            declared: Mutex::new(None),
            incoming: Mutex::new(None),
            outgoing: Mutex::new(None),
        })
    });
    e.clone()
}

/// Removes the name when it holds nothing any more (no connection, no declaration).
fn forget_if_empty(e: &Arc<Session>) {
    let mut map = SESSIONS.lock();
    if e.declared.lock().is_none()
        && e.incoming.lock().is_none()
        && e.outgoing.lock().is_none()
        && map.get(&e.name).is_some_and(|cur| Arc::ptr_eq(cur, e))
    {
        map.remove(&e.name);
    }
}

/// Frees `name` after a failed open when nothing else holds it.
fn release(name: &str) {
    if let Ok(e) = find(name) {
        forget_if_empty(&e);
    }
}

fn not_declared(name: &str) -> Error {
    Error::new(
        WD_E::UnknownSession,
        format!(
            "session {} was not declared with EmailSessionCree",
            quoted(name)
        ),
    )
}

/// Declares a closed session `name` of protocol `kind` (`EmailSessionCree`).
pub fn declare(name: &str, kind: SessionKind) -> Result<()> {
    if name.is_empty() {
        return Err(Error::invalid_arg("session name is empty"));
    }
    let e = entry(name);
    let mut declared = e.declared.lock();
    if declared.is_some() {
        return Err(Error::new(
            WD_E::SessionExists,
            format!("session {} is already declared", quoted(name)),
        ));
    }
    *declared = Some(SessionConfig::new(kind));
    Ok(())
}

/// Runs `f` on the settings of the declared session `name` (they apply at its next open).
pub fn with_declared<T>(name: &str, f: impl FnOnce(&mut SessionConfig) -> Result<T>) -> Result<T> {
    let e = find(name)?;
    let mut declared = e.declared.lock();
    f(declared.as_mut().ok_or_else(|| not_declared(name))?)
}

/// Opens the incoming connection `cfg` describes: POP3 or IMAP, connected, secured and
/// logged in (the counterpart of [`crate::smtp::open_outgoing`]).
pub fn open_incoming(cfg: &SessionConfig, global_timeout: u32) -> Result<Box<dyn Mailbox>> {
    Ok(match cfg.kind {
        SessionKind::Pop3 => Box::new(crate::pop3::Pop3Client::open(cfg, global_timeout)?),
        SessionKind::Imap => Box::new(crate::imap::ImapClient::open(cfg, global_timeout)?),
        SessionKind::Smtp => {
            return Err(Error::internal(
                "an SMTP session has no incoming connection",
            ));
        }
    })
}

fn exists(name: &str, what: &str) -> Error {
    Error::new(
        WD_E::SessionExists,
        format!(
            "session {} already has an open {what} connection (close it with EmailFermeSession)",
            quoted(name)
        ),
    )
}

/// Opens `cfg` under `name` (incoming for POP3/IMAP, outgoing for SMTP); the lock of that
/// direction is held while connecting.
fn connect(name: &str, cfg: &SessionConfig) -> Result<()> {
    if name.is_empty() {
        return Err(Error::invalid_arg("session name is empty"));
    }
    cfg.validate()?;
    let timeout = timeout_secs();
    let e = entry(name);
    if cfg.kind.incoming() {
        let mut slot = e.incoming.lock();
        if slot.is_some() {
            return Err(exists(name, "incoming (POP3/IMAP)"));
        }
        *slot = Some(Reader::new(open_incoming(cfg, timeout)?));
    } else {
        let mut slot = e.outgoing.lock();
        if slot.is_some() {
            return Err(exists(name, "outgoing (SMTP)"));
        }
        *slot = Some(crate::smtp::open_outgoing(cfg, timeout)?);
    }
    Ok(())
}

/// Opens `cfg` under `name`. Fails with `WD_E_SESSION_EXISTS` when that direction is
/// already open; on failure the name is released again.
pub fn open(name: &str, cfg: &SessionConfig) -> Result<()> {
    connect(name, cfg).inspect_err(|_| release(name))
}

/// Opens `login` as a `kind` session named after its user (`EmailOuvreSessionPOP3`,
/// `…SMTP`, `…IMAP`).
pub fn open_login(kind: SessionKind, login: &Login) -> Result<()> {
    open(login.user, &login.config(kind))
}

/// Opens the session declared as `name` with its current settings.
pub fn open_declared(name: &str) -> Result<()> {
    let cfg = find(name)?.declared.lock().clone();
    open(name, &cfg.ok_or_else(|| not_declared(name))?)
}

/// The legacy combined opener (`EmailOuvreSession`): POP3 on `login`, then plain
/// unauthenticated SMTP under the same name on `smtp_server` (`None`: the POP3 host)
/// and `smtp_port`. If SMTP fails the POP3 half is closed again: nothing stays open.
pub fn open_pop3_smtp(login: &Login, smtp_server: Option<&str>, smtp_port: u16) -> Result<()> {
    let smtp = Login {
        password: None,
        server: smtp_server.unwrap_or(login.server),
        port: smtp_port,
        ..*login
    };
    open_login(SessionKind::Pop3, login)?;
    connect(login.user, &smtp.config(SessionKind::Smtp)).inspect_err(|_| {
        if let Ok(e) = find(login.user) {
            let reader = e.incoming.lock().take();
            if let Some(mut reader) = reader {
                // Nothing was deleted yet: QUIT only ends the session politely.
                let _ = reader.close();
            }
        }
        release(login.user);
    })
}

/// Closes session `name` (`EmailFermeSession`): waits for its asynchronous queue (bounded
/// by the global timeout), writes the \Seen flags owed, sends QUIT / LOGOUT and frees the
/// name (a declaration stays). Both connections are closed whatever fails; the first
/// error is returned.
pub fn close(name: &str) -> Result<()> {
    let e = find(name)?;
    let outgoing = e.outgoing.lock().take();
    let incoming = e.incoming.lock().take();
    if outgoing.is_none() && incoming.is_none() && e.declared.lock().is_none() {
        forget_if_empty(&e);
        return Err(Error::new(
            WD_E::UnknownSession,
            format!("session {} is not open", quoted(name)),
        ));
    }
    let timeout = Duration::from_secs(u64::from(timeout_secs()));
    let sent = outgoing.map_or(Ok(()), |mut o| o.close(timeout));
    let read = incoming.map_or(Ok(()), |mut r| r.close());
    forget_if_empty(&e);
    sent.and(read)
}

/// Runs `f` on the reader of session `name`, its lock held for the call.
pub fn with_reader<T>(name: &str, f: impl FnOnce(&mut Reader) -> Result<T>) -> Result<T> {
    let e = find(name)?;
    let mut slot = e.incoming.lock();
    let reader = slot.as_mut().ok_or_else(|| {
        Error::new(
            WD_E::UnknownSession,
            format!(
                "session {} has no open POP3 or IMAP connection",
                quoted(name)
            ),
        )
    })?;
    f(reader)
}

/// Where a message read with headers only came from: the session it completes through,
/// on first access of a body field ([`complete`]).
#[derive(Debug, Clone)]
pub struct Origin {
    pub session: String,
    pub msg: MessageRef,
    pub opts: ReadOptions,
}

/// A message object as the C functions hold it: one read with headers only completes
/// through the session it was read from.
pub type MessageObj = MessageObject<Origin>;

/// The object of `email`, read from `msg` through session `session` with `opts`.
fn read_object(email: Email, session: &str, msg: &MessageRef, opts: ReadOptions) -> MessageObj {
    let origin = email.header_only.then(|| Origin {
        session: session.to_string(),
        msg: msg.clone(),
        opts,
    });
    let mut obj = MessageObj::new(email, true);
    obj.origin = origin;
    obj
}

/// Runs the read `f` on the reader of session `name`: the object of the message read, or
/// of "no message" (`WD_EMAIL_OUT` = 1) past an end.
pub fn read(
    name: &str,
    opts: ReadOptions,
    f: impl FnOnce(&mut Reader) -> Result<Option<ReadMessage>>,
) -> Result<MessageObj> {
    Ok(match with_reader(name, f)? {
        Some(ReadMessage { email, msg }) => read_object(email, name, &msg, opts),
        None => MessageObj::new(
            Email {
                out: true,
                ..Email::default()
            },
            false,
        ),
    })
}

/// Every message of the mailbox of session `name` (`EmailRecupereTout`), as objects.
pub fn fetch_all(name: &str, opts: ReadOptions) -> Result<Vec<MessageObj>> {
    let (refs, emails) = with_reader(name, |r| r.fetch_all(opts))?;
    Ok((emails.into_iter().zip(&refs))
        .map(|(email, msg)| read_object(email, name, msg, opts))
        .collect())
}

/// Completes a message read with headers only, on first access of a body field (nothing
/// to do for the others). No lock is held across another: message, then session, then
/// message again.
pub fn complete(obj: &Mutex<MessageObj>) -> Result<()> {
    let origin = match &*obj.lock() {
        o if o.email.header_only => o.origin.clone(),
        _ => None,
    };
    let Some(Origin { session, msg, opts }) = origin else {
        return Ok(());
    };
    let full = with_reader(&session, |r| r.complete(&msg, opts)).map_err(|e| {
        Error::new(
            e.code,
            format!(
                "cannot complete the message read with headers only: {}",
                e.message
            ),
        )
        .with_system(e.system.clone().unwrap_or_default())
    })?;
    let mut o = obj.lock();
    if o.email.header_only {
        o.complete_with(full);
    }
    Ok(())
}

fn no_outgoing(name: &str) -> Error {
    Error::new(
        WD_E::UnknownSession,
        format!("session {} has no open SMTP connection", quoted(name)),
    )
}

/// Runs `f` on the outgoing connection of session `name`, its lock held for the call.
fn with_outgoing<T>(name: &str, f: impl FnOnce(&mut dyn Outgoing) -> Result<T>) -> Result<T> {
    let e = find(name)?;
    let mut slot = e.outgoing.lock();
    f(slot.as_mut().ok_or_else(|| no_outgoing(name))?.as_mut())
}

/// Sends (or queues) the message `build` gives through session `name`; the session is
/// checked before the message is built.
fn send(name: &str, build: impl FnOnce() -> Result<OutgoingMessage>) -> Result<SendOutcome> {
    if find(name)?.outgoing.lock().is_none() {
        return Err(no_outgoing(name));
    }
    let msg = build()?;
    with_outgoing(name, |out| out.send(msg))
}

/// Completes message `obj` when reading its property `property` (`WD_EMAIL_*`) needs
/// the whole message.
pub fn complete_for(obj: &Mutex<MessageObj>, property: i32) -> Result<()> {
    if crate::message::properties::needs_body(property) {
        complete(obj)?;
    }
    Ok(())
}

/// Sends (or queues) message `obj` through session `name` (`EmailEnvoieMessage`): its
/// source is built when needed, or built again with `opts.build`; its mail id, the
/// recipients refused and the error (`WD_EMAIL_ERROR`, "" after a success) are recorded
/// on it. `Err(WD_E_RECIPIENT_REFUSED)` when every recipient was refused.
pub fn send_message(name: &str, obj: &Mutex<MessageObj>, opts: SendOptions) -> Result<()> {
    let sent = send(name, || {
        let mut o = obj.lock();
        match opts.build {
            Some(build) => {
                o.ensure_parsed();
                o.build_source(build)?;
            }
            None => o.ensure_built()?,
        }
        let msg = OutgoingMessage::of(&o.email)?;
        Ok(OutgoingMessage {
            keep_bcc: opts.keep_bcc,
            dsn: opts.dsn,
            ..msg
        })
    })
    .and_then(|outcome| {
        let mut o = obj.lock();
        (o.email.mail_id, o.email.refused) = outcome.results();
        outcome.reached_someone()
    });
    let error = sent.as_ref().err().map(|e| e.message.clone());
    obj.lock().email.error = error.unwrap_or_default();
    sent
}

/// Sends the ready RFC 5322 file `path` as it is through session `name` (`EmailEnvoie`):
/// the envelope from its From, To, Cc and Bcc.
pub fn send_file(name: &str, path: &str) -> Result<()> {
    send(name, || OutgoingMessage::from_file(path))?.reached_someone()
}

/// Appends message `obj` to `folder` through session `name` (`EmailAjouteMessage`): its
/// source is built first when needed; the \Seen flag follows its seen flag.
pub fn append(name: &str, folder: &str, obj: &Mutex<MessageObj>) -> Result<()> {
    let (data, seen) = {
        let mut o = obj.lock();
        o.ensure_built()?;
        (o.email.source.clone(), o.email.seen)
    };
    with_reader(name, |r| r.append(folder, &data, seen))
}

/// Checks `address` (`EmailVerifieAdresse`): its syntax, then, with a session, whether
/// the SMTP server of session `name` accepts it as a recipient (MAIL FROM / RCPT TO /
/// RSET; nothing sent). `None`: the syntax is wrong.
pub fn check_address(address: &str, name: Option<&str>) -> Result<Option<RecipientCheck>> {
    let addr = bare(address);
    if address.contains(['\r', '\n']) || !is_valid_syntax(&addr) {
        return Ok(None);
    }
    Ok(Some(match name {
        None => RecipientCheck::Accepted,
        Some(name) => with_outgoing(name, |out| out.check_recipient(&addr))?,
    }))
}
