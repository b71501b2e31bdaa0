//! Asynchronous sending: worker threads send the queued messages, each over its own
//! connection (`SessionConfig::connections`, 1 by default: then in queue order). A
//! worker takes up to [`BATCH`] waiting messages at once and pipelines them
//! ([`SmtpClient::send_batch`]: one round trip for the batch when the server offers
//! PIPELINING and CHUNKING). With a spool directory a worker takes one message at a time,
//! so that a crash leaves at most one message per connection both delivered and still in
//! the spool (sent again by the next session). With several connections messages may
//! leave in another order than queued. Statuses live in a process-wide registry keyed by mail id.
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

/// Most messages a worker takes from the queue at once (one pipelined batch).
const BATCH: usize = 32;
/// Most connections of one session.
pub const MAX_CONNECTIONS: u32 = 16;

#[derive(Default)]
struct State {
    queue: VecDeque<Job>,
    /// Jobs the workers hold and are sending.
    busy: usize,
    /// No more jobs will come: the workers exit once the queue is empty.
    closing: bool,
    /// Close timed out: the workers report the remaining jobs as errors and exit.
    cancel: bool,
    /// Workers started, and those that have exited.
    workers: usize,
    done: usize,
}

impl State {
    fn all_done(&self) -> bool {
        self.done >= self.workers
    }

    /// The next batch for one of the workers: an even share of the queue, at most
    /// `max`.
    fn take(&mut self, max: usize) -> Vec<Job> {
        let share = self.queue.len().div_ceil(self.workers.max(1));
        let n = share.clamp(1, max).min(self.queue.len());
        self.busy += n;
        self.queue.drain(..n).collect()
    }
}

struct Shared {
    state: Mutex<State>,
    cond: Condvar,
}

/// The outgoing side of an asynchronous session.
pub struct AsyncOutgoing {
    shared: Arc<Shared>,
    spool: Option<Arc<Spool>>,
    workers: Vec<JoinHandle<()>>,
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
        let n = cfg.connections.clamp(1, MAX_CONNECTIONS) as usize;
        shared.state.lock().workers = n;
        let mut first = Some(client);
        let mut workers = Vec::with_capacity(n);
        for k in 0..n {
            let w = Worker {
                shared: shared.clone(),
                spool: spool.clone(),
                client: first.take(),
                cfg: cfg.clone(),
                global_timeout,
                extra: k > 0,
            };
            // The worker's transcript lines name the session it sends for.
            let session = trace::current_session();
            let spawned = std::thread::Builder::new()
                .name("wd300com-smtp".into())
                .spawn(move || {
                    let _t = trace::scope(session);
                    w.run()
                });
            match spawned {
                Ok(h) => workers.push(h),
                Err(e) if k == 0 => {
                    return Err(Error::internal(format!(
                        "cannot start the sending thread: {e}"
                    )));
                }
                Err(_) => {
                    // Fewer connections than asked: the others share the queue.
                    shared.state.lock().workers = k;
                    break;
                }
            }
        }
        Ok(AsyncOutgoing {
            shared,
            spool,
            workers,
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
            if st.closing || st.all_done() {
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

/// The status of a message once sent (or failed), and whether its spool file stays.
fn outcome(r: Result<Delivery>) -> (MailStatus, bool) {
    match r {
        Ok(d) if d.accepted > 0 => (MailStatus::Sent, false),
        Ok(d) => (MailStatus::Error(all_refused(&d.refused)), false),
        Err(e) => {
            let keep = transient(&e);
            (MailStatus::Error(e), keep)
        }
    }
}

/// One sending thread and its connection.
struct Worker {
    shared: Arc<Shared>,
    spool: Option<Arc<Spool>>,
    client: Option<SmtpClient>,
    cfg: SessionConfig,
    global_timeout: u32,
    /// Not the session's first connection: when it cannot be opened, the worker hands
    /// its batch back and leaves the queue to the others.
    extra: bool,
}

impl Worker {
    /// The next batch; empty when the worker should exit.
    fn next_batch(&self) -> Vec<Job> {
        let mut st = self.shared.state.lock();
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
                return Vec::new();
            }
            if !st.queue.is_empty() {
                return st.take(if self.spool.is_some() { 1 } else { BATCH });
            }
            if st.closing {
                return Vec::new();
            }
            self.shared.cond.wait(&mut st);
        }
    }

    /// Sends a batch; `None` when this extra connection cannot be opened.
    fn send(&mut self, jobs: &[Job]) -> Option<Vec<Result<Delivery>>> {
        if self.client.is_none() {
            match SmtpClient::connect(&self.cfg, self.global_timeout) {
                Ok(c) => self.client = Some(c),
                Err(e) if self.extra => {
                    trace::note(PROTO, &format!("extra connection not opened: {e}"));
                    return None;
                }
                Err(e) => return Some(jobs.iter().map(|_| Err(e.clone())).collect()),
            }
        }
        let c = self.client.as_mut().expect("client just set");
        c.set_nudges(self.spool.is_none());
        let msgs: Vec<&OutgoingMessage> = jobs.iter().map(|j| &j.msg).collect();
        Some(c.send_batch(&msgs))
    }

    fn run(mut self) {
        loop {
            let jobs = self.next_batch();
            if jobs.is_empty() {
                break;
            }
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.send(&jobs)))
                .unwrap_or_else(|_| {
                    self.client = None;
                    Some(
                        jobs.iter()
                            .map(|_| Err(Error::internal("panic while sending a queued message")))
                            .collect(),
                    )
                });
            let Some(results) = r else {
                let mut st = self.shared.state.lock();
                st.busy -= jobs.len();
                for j in jobs.into_iter().rev() {
                    st.queue.push_front(j);
                }
                self.shared.cond.notify_all();
                break;
            };
            let n = jobs.len();
            for (job, r) in jobs.into_iter().zip(results) {
                let (status, keep) = outcome(r);
                if let (Some(sp), Some(path)) = (&self.spool, &job.spool_file)
                    && !keep
                    && let Err(e) = sp.remove(path)
                {
                    trace::note(PROTO, &format!("spool: {e}"));
                }
                set_status(job.id, status);
            }
            let mut st = self.shared.state.lock();
            st.busy -= n;
            self.shared.cond.notify_all();
        }
        if let Some(mut c) = self.client.take() {
            let _ = c.quit(Duration::from_secs(crate::limits::CLOSE_TIMEOUT_SECS));
        }
        let mut st = self.shared.state.lock();
        st.done += 1;
        self.shared.cond.notify_all();
    }
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
        while !st.all_done() {
            if self.shared.cond.wait_until(&mut st, deadline).timed_out() && !st.all_done() {
                let left = st.queue.len() + st.busy;
                st.cancel = true;
                self.shared.cond.notify_all();
                drop(st);
                // The workers report what is left and exit on their own.
                self.workers.clear();
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
        for w in self.workers.drain(..) {
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
