//! The keep-alive of idle connections (`WD_PROP_KEEPALIVE`).
//!
//! A session that sets it gets one thread, which every half period looks at the
//! session's connections and sends NOOP on those idle for the period or longer. It takes
//! a connection's lock like any call, but only when no call holds it (it never waits for
//! it): so it never touches a socket while a call does, never delays a call, and never
//! interrupts a wait for new mail (the wait keeps the connection busy by itself). The
//! thread ends when the session closes ([`KeepAlive`] is dropped), or at its next look
//! once the session is gone.

use crate::error::{Error, Result};
use parking_lot::{Condvar, Mutex};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// A running keep-alive thread; dropping it stops the thread (and waits for it, unless
/// dropped by the thread itself).
pub struct KeepAlive {
    stop: Arc<(Mutex<bool>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

impl KeepAlive {
    /// Starts a thread calling `look()` every `every` until `look` returns false or the
    /// keep-alive is dropped.
    pub fn start(
        every: Duration,
        mut look: impl FnMut() -> bool + Send + 'static,
    ) -> Result<KeepAlive> {
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let shared = stop.clone();
        let thread = std::thread::Builder::new()
            .name("wd300com-keepalive".into())
            .spawn(move || {
                let (stopped, cv) = &*shared;
                loop {
                    {
                        let mut s = stopped.lock();
                        if !*s {
                            cv.wait_for(&mut s, every);
                        }
                        if *s {
                            return;
                        }
                    }
                    if !look() {
                        return;
                    }
                }
            })
            .map_err(|e| Error::internal(format!("cannot start the keep-alive thread: {e}")))?;
        Ok(KeepAlive {
            stop,
            thread: Some(thread),
        })
    }

    /// How often the thread looks for a keep-alive period of `seconds`.
    pub fn look_every(seconds: u32) -> Duration {
        (Duration::from_secs(u64::from(seconds)) / 2).max(Duration::from_millis(100))
    }
}

impl Drop for KeepAlive {
    fn drop(&mut self) {
        let (stopped, cv) = &*self.stop;
        *stopped.lock() = true;
        cv.notify_all();
        if let Some(t) = self.thread.take()
            && t.thread().id() != std::thread::current().id()
        {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn looks_until_stopped_and_stops_at_once() {
        let n = Arc::new(AtomicU32::new(0));
        let seen = n.clone();
        let k = KeepAlive::start(Duration::from_millis(10), move || {
            seen.fetch_add(1, Ordering::SeqCst);
            true
        })
        .unwrap();
        std::thread::sleep(Duration::from_millis(200));
        let t = std::time::Instant::now();
        drop(k);
        assert!(
            t.elapsed() < Duration::from_secs(2),
            "drop waited {:?}",
            t.elapsed()
        );
        let looks = n.load(Ordering::SeqCst);
        assert!(looks >= 3, "{looks} looks");
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(n.load(Ordering::SeqCst), looks, "no look after the drop");
        // A look that says so ends the thread; dropping afterwards is fine.
        let k = KeepAlive::start(Duration::from_millis(1), || false).unwrap();
        std::thread::sleep(Duration::from_millis(20));
        drop(k);
        assert_eq!(KeepAlive::look_every(0), Duration::from_millis(100));
        assert_eq!(KeepAlive::look_every(30), Duration::from_secs(15));
    }
}
