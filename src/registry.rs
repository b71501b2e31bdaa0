//! Sessions by name (docs/API.md §2): the declared sessions and their settings, the open
//! connections of each name (one incoming [`Reader`], one outgoing sender), opening with
//! rollback, closing, and the global timeout.
//!
//! Open/close policy: a name holds at most one connection of each direction; opening a
//! second one is `WD_E_SESSION_EXISTS`. A failed open leaves nothing behind (the name is
//! free again; a declaration stays). Closing flushes and ends both connections and frees
//! the name (a declaration stays). Each connection has its own lock, held for the whole
//! call on it: calls on one connection serialize, reading and sending run in parallel.
//!
//! Every call on a session runs in its context ([`Session::context`]): the transcript
//! lines name the session ([`crate::trace::scope`]) and its progress callback follows
//! the transfers ([`crate::progress::scope`]). A connection's lock is marked as held by
//! the calling thread ([`crate::reentry`]): a callback of that call calling into the same
//! connection gets `WD_E_RECURSIVE_CALL` instead of waiting for ever. A list filled in
//! the background ([`fetch_all_background`]) holds the incoming lock on its own thread
//! until it ends; closing the session stops it between two batches.
//!
//! A wait for new mail ([`wait_for_mail`]) holds the incoming lock for as long as it
//! waits, but gives way: a call that wants that lock counts itself in
//! `Session::incoming_wanted` first ([`Session::lock_incoming`]), the wait sees it
//! within [`crate::session::GIVE_WAY_CHECK`], ends cleanly (IDLE DONE) and returns "no
//! mail", and the call goes on. Before each call on the incoming connection, a
//! connection the server closed while idle is opened again (IMAP, [`Reader::revive`]).
//! With `WD_PROP_KEEPALIVE` a session has a [`KeepAlive`] thread (see there).

use crate::error::{Error, Result, WD_E};
use crate::keepalive::KeepAlive;
use crate::message::Email;
use crate::message::address::{bare, is_valid_syntax};
use crate::message::object::MessageObject;
use crate::progress;
use crate::reader::{ReadMessage, Reader};
use crate::reentry::{self, Held};
use crate::search::Criteria;
use crate::secret::Secret;
use crate::session::{
    Mailbox, MessageRef, Outgoing, OutgoingMessage, ReadOptions, RecipientCheck, Security,
    SendOptions, SendOutcome, SessionConfig, SessionKind, WaitUntil,
};
use crate::text::quoted;
use crate::trace;
use parking_lot::{Mutex, MutexGuard};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Weak};
use std::time::{Duration, Instant};

mod list;
pub use list::{FillState, MessageList};

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
        .map(Secret::from);
        cfg.host = self.server.trim().to_string();
        cfg.port = self.port;
        cfg.security = self.security;
        cfg.asynchronous = self.asynchronous && kind == SessionKind::Smtp;
        cfg
    }
}

/// One session name: its declaration (if any), its open connections, its progress
/// callback.
struct Session {
    name: String,
    /// The name on the transcript lines of its calls.
    label: Arc<str>,
    declared: Mutex<Option<SessionConfig>>,
    incoming: Mutex<Option<Reader>>,
    outgoing: Mutex<Option<Box<dyn Outgoing>>>,
    progress: Mutex<Option<progress::Callback>>,
    /// Set to stop the list being filled in the background, if any.
    filling: Mutex<Option<Arc<AtomicBool>>>,
    /// Callers waiting for the incoming lock: a wait for new mail gives way to them.
    incoming_wanted: AtomicUsize,
    keepalive: Mutex<Option<KeepAlive>>,
}

/// What a call on a session runs in (see the module): dropped when the call ends.
struct Context {
    _trace: trace::Scope,
    _progress: progress::Scope,
}

/// The lock of one connection of a session, marked as held by the calling thread.
struct Slot<'a, T> {
    guard: MutexGuard<'a, T>,
    _held: Held,
}

impl<T> std::ops::Deref for Slot<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T> std::ops::DerefMut for Slot<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.guard
    }
}

impl Session {
    /// The context of a call on this session: its name on the transcript, its progress
    /// callback (else the process-wide one).
    fn context(&self) -> Context {
        let callback = self.progress.lock().clone().or_else(default_progress);
        Context {
            _trace: trace::scope(Some(self.label.clone())),
            _progress: progress::scope(callback),
        }
    }

    /// Locks one of its connections, `Err(WD_E_RECURSIVE_CALL)` when the calling thread
    /// holds it already (a callback of a call on it).
    fn lock<'a, T>(&self, slot: &'a Mutex<T>) -> Result<Slot<'a, T>> {
        let held = reentry::hold(slot, &format!("session {}", quoted(&self.name)))?;
        Ok(Slot {
            guard: slot.lock(),
            _held: held,
        })
    }

    /// The incoming lock as [`Session::lock`] takes it, asking a wait for new mail that
    /// holds it to give way.
    fn lock_incoming(&self) -> Result<Slot<'_, Option<Reader>>> {
        let held = reentry::hold(&self.incoming, &format!("session {}", quoted(&self.name)))?;
        self.incoming_wanted.fetch_add(1, Ordering::SeqCst);
        let guard = self.incoming.lock();
        self.incoming_wanted.fetch_sub(1, Ordering::SeqCst);
        Ok(Slot { guard, _held: held })
    }

    /// Starts the keep-alive of `seconds` (0: none) unless one runs already. A thread
    /// that cannot start leaves the session without keep-alive (noted in the trace).
    fn keep_alive(self: &Arc<Session>, seconds: u32) {
        let mut slot = self.keepalive.lock();
        if seconds == 0 || slot.is_some() {
            return;
        }
        let idle = Duration::from_secs(u64::from(seconds));
        let session: Weak<Session> = Arc::downgrade(self);
        let started = KeepAlive::start(KeepAlive::look_every(seconds), move || {
            let Some(s) = session.upgrade() else {
                return false;
            };
            // Its transcript lines name the session; a callback they reach that calls
            // into a connection the keep-alive holds gets WD_E_RECURSIVE_CALL.
            let _cx = trace::scope(Some(s.label.clone()));
            let what = format!("session {}", quoted(&s.name));
            if let Ok(_held) = reentry::hold(&s.incoming, &what)
                && let Some(mut r) = s.incoming.try_lock()
                && let Some(r) = r.as_mut()
            {
                r.keep_alive(idle);
            }
            if let Ok(_held) = reentry::hold(&s.outgoing, &what)
                && let Some(mut o) = s.outgoing.try_lock()
                && let Some(o) = o.as_mut()
            {
                o.keep_alive(idle);
            }
            true
        });
        match started {
            Ok(k) => *slot = Some(k),
            Err(e) => trace::note("SESSION", &e.message),
        }
    }
}

/// The progress callback of the sessions that set none, and of the work that belongs to
/// no session (saving an attachment).
static DEFAULT_PROGRESS: Mutex<Option<progress::Callback>> = Mutex::new(None);

/// The process-wide progress callback (`EmailJauge` without a session).
pub fn default_progress() -> Option<progress::Callback> {
    DEFAULT_PROGRESS.lock().clone()
}

/// Sets the progress callback (`EmailJauge`) of session `name`, or the process-wide one
/// when `name` is `None`; `None` removes it. A session's callback lasts as long as its
/// name (open or declared).
pub fn set_progress(name: Option<&str>, callback: Option<progress::Callback>) -> Result<()> {
    match name {
        None => *DEFAULT_PROGRESS.lock() = callback,
        Some(name) => *find(name)?.progress.lock() = callback,
    }
    Ok(())
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
            label: Arc::from(name),
            declared: Mutex::new(None),
            incoming: Mutex::new(None),
            outgoing: Mutex::new(None),
            progress: Mutex::new(None),
            filling: Mutex::new(None),
            incoming_wanted: AtomicUsize::new(0),
            keepalive: Mutex::new(None),
        })
    });
    e.clone()
}

/// Removes the name when it holds nothing any more (no connection, no declaration).
fn forget_if_empty(e: &Arc<Session>) {
    let mut map = SESSIONS.lock();
    if e.declared.lock().is_none()
        && e.lock_incoming().is_ok_and(|r| r.is_none())
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
    let _cx = e.context();
    if cfg.kind.incoming() {
        let mut slot = e.lock_incoming()?;
        if slot.is_some() {
            return Err(exists(name, "incoming (POP3/IMAP)"));
        }
        *slot = Some(Reader::new(open_incoming(cfg, timeout)?));
    } else {
        let mut slot = e.lock(&e.outgoing)?;
        if slot.is_some() {
            return Err(exists(name, "outgoing (SMTP)"));
        }
        *slot = Some(crate::smtp::open_outgoing(cfg, timeout)?);
    }
    e.keep_alive(cfg.keepalive);
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
            let _cx = e.context();
            let reader = e.lock_incoming().ok().and_then(|mut r| r.take());
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
    let _cx = e.context();
    reentry::check(&e.incoming, &format!("session {}", quoted(name)))?;
    reentry::check(&e.outgoing, &format!("session {}", quoted(name)))?;
    if let Some(stop) = e.filling.lock().as_ref() {
        stop.store(true, Ordering::SeqCst);
    }
    let outgoing = e.lock(&e.outgoing)?.take();
    let incoming = e.lock_incoming()?.take();
    let keepalive = e.keepalive.lock().take();
    drop(keepalive);
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

/// Runs `f` on the reader of session `name`, its lock held for the call, in the
/// session's context; the progress callback's last call when it succeeded.
pub fn with_reader<T>(name: &str, f: impl FnOnce(&mut Reader) -> Result<T>) -> Result<T> {
    let e = find(name)?;
    let _cx = e.context();
    on_reader(&e, f)
}

/// [`with_reader`] in the context already set up; a connection the server closed while
/// idle is opened again first.
fn on_reader<T>(e: &Session, f: impl FnOnce(&mut Reader) -> Result<T>) -> Result<T> {
    let mut slot = e.lock_incoming()?;
    let reader = slot.as_mut().ok_or_else(|| {
        Error::new(
            WD_E::UnknownSession,
            format!(
                "session {} has no open POP3 or IMAP connection",
                quoted(&e.name)
            ),
        )
    })?;
    reader.revive()?;
    let r = f(reader);
    reader.touch();
    if r.is_ok() {
        progress::finish();
    }
    r
}

/// Waits up to `seconds` for new mail on the incoming connection of session `name`
/// (`EmailAttendMessage`): true when mail came. Gives way to any other call on that
/// connection, returning false (see the module).
pub fn wait_for_mail(name: &str, seconds: u32) -> Result<bool> {
    let e = find(name)?;
    let _cx = e.context();
    let give_way = || e.incoming_wanted.load(Ordering::SeqCst) > 0;
    let w = WaitUntil {
        until: Instant::now() + Duration::from_secs(u64::from(seconds)),
        give_way: &give_way,
    };
    on_reader(&e, |r| r.wait_for_mail(&w))
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

/// The objects of messages fetched from session `name` with `opts`.
fn read_objects(
    name: &str,
    refs: &[MessageRef],
    emails: Vec<Email>,
    opts: ReadOptions,
) -> Vec<MessageObj> {
    (emails.into_iter().zip(refs))
        .map(|(email, msg)| read_object(email, name, msg, opts))
        .collect()
}

/// Every message of the mailbox of session `name` (`EmailRecupereTout`), as objects.
pub fn fetch_all(name: &str, opts: ReadOptions) -> Result<Vec<MessageObj>> {
    let (refs, emails) = with_reader(name, |r| r.fetch_all(opts))?;
    Ok(read_objects(name, &refs, emails, opts))
}

/// Fetches every message of session `name` in the background (`EmailRecupereTout` with
/// `WD_READ_ASYNC`): a thread of the library takes the session's incoming connection —
/// this returns once it holds it, so every later call on that connection waits for the
/// fill to end —, lists the messages and fetches them in batches
/// ([`Reader::fetch_all_in_batches`]), handing each batch to `deliver` as it arrives,
/// then gives the outcome to `done`. It runs in the session's context: its progress
/// callback is called on that thread, the last call (`done == total`) once every message
/// was delivered. Closing the session stops it between two batches (`WD_E_CANCELLED`),
/// and so does `deliver` failing (the list was freed).
///
/// Errors (nothing started): `WD_E_UNKNOWN_SESSION`, `WD_E_RECURSIVE_CALL` (from a
/// callback of a call on that connection), `WD_E_INTERNAL` (no thread).
pub fn fetch_all_background(
    name: &str,
    opts: ReadOptions,
    mut deliver: impl FnMut(Vec<MessageObj>) -> Result<()> + Send + 'static,
    done: impl FnOnce(Result<()>) + Send + 'static,
) -> Result<()> {
    let e = find(name)?;
    reentry::check(&e.incoming, &format!("session {}", quoted(name)))?;
    let (started_tx, started) = std::sync::mpsc::channel::<Result<()>>();
    let session = e.clone();
    let fill = move || {
        let e = session;
        let _cx = e.context();
        let stop = Arc::new(AtomicBool::new(false));
        let mut done = Some(done);
        let r = on_reader(&e, |reader| {
            *e.filling.lock() = Some(stop.clone());
            let _ = started_tx.send(Ok(()));
            // A panic here would leave the list filling for ever: it ends the fill.
            let fill = std::panic::AssertUnwindSafe(|| {
                reader.fetch_all_in_batches(opts, &stop, |refs, emails| {
                    deliver(read_objects(&e.name, &refs, emails, opts))
                })
            });
            let r = std::panic::catch_unwind(fill).unwrap_or_else(|_| {
                Err(Error::internal(
                    "the list could not be filled: a panic in the library (a bug)",
                ))
            });
            // Still holding the reading connection: a call waiting for it sees the
            // list complete (or failed) once it gets it.
            *e.filling.lock() = None;
            if let Some(done) = done.take() {
                done(r.clone());
            }
            r
        });
        if done.is_some() {
            let _ = started_tx.send(r);
        }
    };
    std::thread::Builder::new()
        .name("wd300com-fill".into())
        .spawn(fill)
        .map_err(|err| Error::internal(format!("cannot start the filling thread: {err}")))?;
    started
        .recv()
        .unwrap_or_else(|_| Err(Error::internal("the filling thread ended at once")))
}

/// The messages of session `name` matching `criteria` (`EmailRecherche`), as objects.
pub fn search(name: &str, criteria: &Criteria, opts: ReadOptions) -> Result<Vec<MessageObj>> {
    let (refs, emails) = with_reader(name, |r| r.search(criteria, opts))?;
    Ok(read_objects(name, &refs, emails, opts))
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

/// Runs `f` on the outgoing connection of session `name`, its lock held for the call, in
/// the session's context; the progress callback's last call when it succeeded.
fn with_outgoing<T>(name: &str, f: impl FnOnce(&mut dyn Outgoing) -> Result<T>) -> Result<T> {
    let e = find(name)?;
    let _cx = e.context();
    let mut slot = e.lock(&e.outgoing)?;
    let r = f(slot.as_mut().ok_or_else(|| no_outgoing(name))?.as_mut());
    if r.is_ok() {
        progress::finish();
    }
    r
}

/// Sends (or queues) the message `build` gives through session `name`; the session is
/// checked before the message is built.
fn send(name: &str, build: impl FnOnce() -> Result<OutgoingMessage>) -> Result<SendOutcome> {
    let e = find(name)?;
    if e.lock(&e.outgoing)?.is_none() {
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

/// Saves attachment `index` of message `obj` to `path` (`EmailSauveFichierAttache`, see
/// [`crate::message::attachments::save`]); the bytes written are reported to the
/// process-wide progress callback. The message is held meanwhile: that callback calling
/// into it gets `WD_E_RECURSIVE_CALL`.
pub fn save_attachment(obj: &Mutex<MessageObj>, index: usize, path: &str) -> Result<String> {
    let _held = reentry::hold(obj, "the message")?;
    let _progress = progress::scope(default_progress());
    let written = crate::message::attachments::save(obj.lock().attachment(index)?, index, path)?;
    progress::finish();
    Ok(written)
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
