//! Asynchronous sending: one worker thread per session sends queued messages in order
//! over its own connection. Statuses live in a process-wide registry keyed by mail id.
//! With a spool directory every queued message is on disk (fsynced) before `send`
//! returns, removed once the server accepted it, and re-queued when a session with the
//! same spool opens again.

use super::client::{Delivery, PROTO, SmtpClient};
use super::spool::Spool;
use crate::error::{Error, Result, WD_E};
use crate::session::{
    MailId, OutgoingMessage, RecipientCheck, SendOutcome, SessionConfig, all_refused,
};
use crate::trace;
use parking_lot::{Condvar, Mutex};
use std::collections::{HashMap, VecDeque, hash_map::Entry};
use std::path::PathBuf;
use std::sync::{Arc, LazyLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// State of an asynchronously sent message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailStatus {
    Pending,
    Sent,
    Error(Error),
}

/// The mail ids issued and their statuses, kept for the life of the process.
#[derive(Default)]
struct MailIds {
    statuses: HashMap<MailId, MailStatus>,
    /// The last id issued (0: none yet).
    last: MailId,
}

impl MailIds {
    /// Issues a new id, `Pending`: the next one after the last issued, from 1 to
    /// `i32::MAX` then 1 again, never 0 and never an id whose status is still kept.
    /// Fails only when every id is kept.
    fn issue(&mut self) -> Result<MailId> {
        // Among `len + 1` consecutive ids at least one is free.
        for _ in 0..=self.statuses.len() {
            self.last = self.last.checked_add(1).unwrap_or(1).max(1);
            if let Entry::Vacant(v) = self.statuses.entry(self.last) {
                v.insert(MailStatus::Pending);
                return Ok(self.last);
            }
        }
        Err(Error::internal("every asynchronous mail id is in use"))
    }

    fn status(&self, mail_id: MailId) -> Option<&MailStatus> {
        self.statuses.get(&mail_id)
    }

    fn set(&mut self, mail_id: MailId, status: MailStatus) {
        self.statuses.insert(mail_id, status);
    }
}

static MAIL_IDS: LazyLock<Mutex<MailIds>> = LazyLock::new(Default::default);

/// The status of a mail id, `None` for an id never issued.
pub fn status(mail_id: MailId) -> Option<MailStatus> {
    MAIL_IDS.lock().status(mail_id).cloned()
}

fn set_status(mail_id: MailId, s: MailStatus) {
    MAIL_IDS.lock().set(mail_id, s);
}

fn new_id() -> Result<MailId> {
    MAIL_IDS.lock().issue()
}

struct Job {
    id: MailId,
    msg: OutgoingMessage,
    spool_file: Option<PathBuf>,
}

#[derive(Default)]
struct State {
    queue: VecDeque<Job>,
    /// The worker holds a job it is sending.
    busy: bool,
    /// No more jobs will come: the worker exits once the queue is empty.
    closing: bool,
    /// Close timed out: the worker reports the remaining jobs as errors and exits.
    cancel: bool,
    /// The worker has exited.
    done: bool,
}

struct Shared {
    state: Mutex<State>,
    cond: Condvar,
}

/// The outgoing side of an asynchronous session.
pub struct AsyncOutgoing {
    shared: Arc<Shared>,
    spool: Option<Arc<Spool>>,
    worker: Option<JoinHandle<()>>,
    /// Connection for `check_recipient` (opened on demand; sending never uses it).
    cfg: SessionConfig,
    global_timeout: u32,
    checker: Option<SmtpClient>,
}

impl AsyncOutgoing {
    /// Opens the connection (so that a bad server or password fails here), then starts
    /// the worker. With a spool directory, messages left there by an earlier session are
    /// queued first.
    pub fn open(cfg: &SessionConfig, global_timeout: u32) -> Result<AsyncOutgoing> {
        let spool = match &cfg.spool_dir {
            Some(d) => Some(Arc::new(Spool::open(d)?)),
            None => None,
        };
        let client = SmtpClient::connect(cfg, global_timeout)?;
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            cond: Condvar::new(),
        });
        if let Some(sp) = &spool {
            let left = sp.load()?;
            if !left.is_empty() {
                trace::note(
                    PROTO,
                    &format!("re-queuing {} message(s) from the spool", left.len()),
                );
            }
            let mut st = shared.state.lock();
            for (path, msg) in left {
                st.queue.push_back(Job {
                    id: new_id()?,
                    msg,
                    spool_file: Some(path),
                });
            }
        }
        let w_shared = shared.clone();
        let w_spool = spool.clone();
        let w_cfg = cfg.clone();
        let worker = std::thread::Builder::new()
            .name("wd300com-smtp".into())
            .spawn(move || worker(w_shared, w_spool, client, w_cfg, global_timeout))
            .map_err(|e| Error::internal(format!("cannot start the sending thread: {e}")))?;
        Ok(AsyncOutgoing {
            shared,
            spool,
            worker: Some(worker),
            cfg: cfg.clone(),
            global_timeout,
            checker: None,
        })
    }

    fn queue(&mut self, msg: OutgoingMessage) -> Result<MailId> {
        if msg.recipients.is_empty() {
            return Err(Error::invalid_arg("the message has no recipient"));
        }
        {
            let st = self.shared.state.lock();
            if st.closing || st.done {
                return Err(Error::new(
                    WD_E::ConnectionLost,
                    "the session is closing: no more messages can be queued",
                ));
            }
        }
        let spool_file = match &self.spool {
            Some(sp) => Some(sp.write(&msg)?),
            None => None,
        };
        let id = new_id()?;
        let mut st = self.shared.state.lock();
        st.queue.push_back(Job {
            id,
            msg,
            spool_file,
        });
        self.shared.cond.notify_all();
        Ok(id)
    }
}

/// Whether a failed message should stay in the spool for the next session (the server
/// could not be reached or answered 4xx) rather than be dropped (refused for good).
fn transient(e: &Error) -> bool {
    match e.code {
        WD_E::Connect | WD_E::Timeout | WD_E::ConnectionLost | WD_E::Tls => true,
        WD_E::Protocol => e.system.as_deref().is_some_and(|s| s.starts_with('4')),
        _ => false,
    }
}

fn send_one(
    client: &mut Option<SmtpClient>,
    cfg: &SessionConfig,
    global_timeout: u32,
    msg: &OutgoingMessage,
) -> Result<Delivery> {
    if client.is_none() {
        *client = Some(SmtpClient::connect(cfg, global_timeout)?);
    }
    let c = client.as_mut().expect("client just set");
    c.send(msg)
}

fn worker(
    shared: Arc<Shared>,
    spool: Option<Arc<Spool>>,
    client: SmtpClient,
    cfg: SessionConfig,
    global_timeout: u32,
) {
    let mut client = Some(client);
    loop {
        let job = {
            let mut st = shared.state.lock();
            loop {
                if st.cancel {
                    for j in st.queue.drain(..) {
                        set_status(
                            j.id,
                            MailStatus::Error(Error::new(
                                WD_E::Timeout,
                                "the session was closed before the message could be sent",
                            )),
                        );
                    }
                    break None;
                }
                if let Some(j) = st.queue.pop_front() {
                    st.busy = true;
                    break Some(j);
                }
                if st.closing {
                    break None;
                }
                shared.cond.wait(&mut st);
            }
        };
        let Some(job) = job else { break };
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            send_one(&mut client, &cfg, global_timeout, &job.msg)
        }))
        .unwrap_or_else(|_| Err(Error::internal("panic while sending a queued message")));
        let (status, keep) = match r {
            Ok(d) if d.accepted > 0 => (MailStatus::Sent, false),
            Ok(d) => (MailStatus::Error(all_refused(&d.refused)), false),
            Err(e) => {
                let keep = transient(&e);
                (MailStatus::Error(e), keep)
            }
        };
        if let (Some(sp), Some(path)) = (&spool, &job.spool_file)
            && !keep
            && let Err(e) = sp.remove(path)
        {
            trace::note(PROTO, &format!("spool: {e}"));
        }
        set_status(job.id, status);
        let mut st = shared.state.lock();
        st.busy = false;
        shared.cond.notify_all();
    }
    if let Some(mut c) = client.take() {
        let _ = c.quit(Duration::from_secs(crate::limits::CLOSE_TIMEOUT_SECS));
    }
    drop(spool);
    let mut st = shared.state.lock();
    st.done = true;
    shared.cond.notify_all();
}

impl crate::session::Outgoing for AsyncOutgoing {
    fn send(&mut self, msg: OutgoingMessage) -> Result<SendOutcome> {
        let mail_id = self.queue(msg)?;
        Ok(SendOutcome::Queued { mail_id })
    }

    fn check_recipient(&mut self, address: &str) -> Result<RecipientCheck> {
        if self.checker.is_none() {
            let mut cfg = self.cfg.clone();
            cfg.spool_dir = None;
            self.checker = Some(SmtpClient::connect(&cfg, self.global_timeout)?);
        }
        self.checker
            .as_mut()
            .expect("checker just set")
            .check_recipient(address)
    }

    fn close(&mut self, timeout: Duration) -> Result<()> {
        if let Some(mut c) = self.checker.take() {
            let _ = c.quit(timeout);
        }
        let deadline = Instant::now() + timeout;
        let mut st = self.shared.state.lock();
        st.closing = true;
        self.shared.cond.notify_all();
        while !st.done {
            if self.shared.cond.wait_until(&mut st, deadline).timed_out() && !st.done {
                let left = st.queue.len() + usize::from(st.busy);
                st.cancel = true;
                self.shared.cond.notify_all();
                drop(st);
                // The worker reports what is left and exits on its own.
                self.worker.take();
                return Err(Error::new(
                    WD_E::Timeout,
                    format!(
                        "{left} queued message(s) not sent within {} s",
                        timeout.as_secs()
                    ),
                ));
            }
        }
        drop(st);
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
        Ok(())
    }
}

impl Drop for AsyncOutgoing {
    fn drop(&mut self) {
        // Not closed through the session: let the worker finish the queue on its own.
        let mut st = self.shared.state.lock();
        st.closing = true;
        self.shared.cond.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_ids_start_at_one_and_are_pending() {
        let mut ids = MailIds::default();
        assert_eq!(ids.issue().unwrap(), 1);
        assert_eq!(ids.issue().unwrap(), 2);
        assert_eq!(ids.status(1), Some(&MailStatus::Pending));
        assert_eq!(ids.status(3), None);
    }

    #[test]
    fn mail_ids_wrap_to_one_skipping_zero_and_kept_ids() {
        let mut ids = MailIds::default();
        for id in [1, 2, 4] {
            ids.set(id, MailStatus::Sent);
        }
        ids.last = i32::MAX - 1;
        assert_eq!(ids.issue().unwrap(), i32::MAX);
        // Past i32::MAX: never 0 or a negative id, never 1, 2 or 4 (still kept).
        assert_eq!(ids.issue().unwrap(), 3);
        assert_eq!(ids.issue().unwrap(), 5);
        assert_eq!(ids.status(i32::MAX), Some(&MailStatus::Pending));
        assert_eq!(ids.status(1), Some(&MailStatus::Sent));
    }

    #[test]
    fn mail_ids_issued_across_the_wrap_are_unique_and_positive() {
        let mut ids = MailIds::default();
        for id in [i32::MAX - 1, 1, 3] {
            ids.set(id, MailStatus::Sent);
        }
        ids.last = i32::MAX - 3;
        let issued: Vec<MailId> = (0..5).map(|_| ids.issue().unwrap()).collect();
        assert_eq!(issued, [i32::MAX - 2, i32::MAX, 2, 4, 5]);
    }
}
