//! Deadlines of one connection (docs/API.md §9): the timeout bounds whole exchanges, not single
//! reads.
//!
//! - **Opening** (name resolution, connection, TLS handshake, greeting, STARTTLS, sign-in,
//!   folder selection) completes within the timeout: one fixed deadline, set when the
//!   connection starts and lifted by [`Pace::opened`].
//! - **After opening**, each exchange must make progress: within every window of the
//!   timeout's length, at least `timeout × min_speed` bytes move (one byte at least), or the
//!   exchange fails with `WD_E_TIMEOUT`. A window starts when the client sends a new flight
//!   of commands after reading, and again each time the bytes of the current window reach
//!   that quota: a reply trickled byte by byte, or slower than `min_speed` bytes/s on
//!   average, ends at the latest one timeout after the last window started.
//!
//! A zero timeout means no bound at all. The tracker is sans-IO: [`super::wire::Wire`]
//! asks it for the deadline before each system call and reports the bytes moved.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// Default of `WD_PARAM_MIN_SPEED`, in bytes per second.
pub const DEFAULT_MIN_SPEED: u32 = 1024;

static MIN_SPEED: AtomicU32 = AtomicU32::new(DEFAULT_MIN_SPEED);

/// The process-wide minimum average speed of a reply, in bytes per second
/// (`EmailParametre(WD_PARAM_MIN_SPEED, v)`); applies to connections opened afterwards.
pub fn min_speed() -> u32 {
    MIN_SPEED.load(Ordering::Relaxed)
}

/// Sets [`min_speed`]; 0 keeps only the rule "some progress within each timeout".
pub fn set_min_speed(bytes_per_second: u32) {
    MIN_SPEED.store(bytes_per_second, Ordering::Relaxed);
}

/// Why a deadline passed, for the error message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// The opening phase took longer than the timeout (some bytes moved).
    Opening,
    /// Nothing arrived (or left) within the timeout: since the window started, or since
    /// the connection started while opening.
    Silent,
    /// Some bytes moved, fewer than the quota of the window; `received` of them came
    /// from the server.
    Slow {
        bytes: u64,
        received: u64,
        quota: u64,
    },
}

/// The deadline tracker of one connection.
#[derive(Debug, Clone)]
pub struct Pace {
    timeout: Duration,
    min_speed: u64,
    /// The fixed deadline of the opening phase (`None` once opened).
    opening: Option<Instant>,
    window_start: Instant,
    /// Bytes moved in the window, both ways.
    window_bytes: u64,
    /// Bytes received in the window (to tell a silent server from a slow one).
    window_in: u64,
}

impl Pace {
    /// A tracker in its opening phase, which ends `timeout` from now (zero: never).
    pub fn new(timeout: Duration, min_speed: u32) -> Pace {
        let now = Instant::now();
        Pace {
            timeout,
            min_speed: u64::from(min_speed),
            opening: (!timeout.is_zero()).then(|| now + timeout),
            window_start: now,
            window_bytes: 0,
            window_in: 0,
        }
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// True until [`opened`](Pace::opened).
    pub fn is_opening(&self) -> bool {
        self.opening.is_some()
    }

    /// Ends the opening phase: from now on each exchange is paced.
    pub fn opened(&mut self) {
        self.opening = None;
        self.restart();
    }

    /// Starts a new window now (a new flight of commands, or a new bound).
    pub fn restart(&mut self) {
        self.window_start = Instant::now();
        self.window_bytes = 0;
        self.window_in = 0;
    }

    /// Changes the timeout and starts a new window now. While opening, the opening
    /// deadline can only come closer.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
        if let Some(d) = self.opening
            && !timeout.is_zero()
        {
            self.opening = Some(d.min(Instant::now() + timeout));
        }
        self.restart();
    }

    /// Bytes a window must move: `timeout × min_speed`, one at least.
    pub fn quota(&self) -> u64 {
        let q = self.timeout.as_secs_f64() * self.min_speed as f64;
        (q.ceil() as u64).max(1)
    }

    /// Counts `n` bytes moved (`received`: from the server); after opening, a window that
    /// reached its quota gives way to a new one.
    pub fn progress(&mut self, n: usize, received: bool) {
        if received {
            self.window_in = self.window_in.saturating_add(n as u64);
        }
        self.window_bytes = self.window_bytes.saturating_add(n as u64);
        if self.opening.is_none() && self.window_bytes >= self.quota() {
            self.restart();
        }
    }

    /// The instant the current wait must end by; `None`: no bound.
    pub fn deadline(&self) -> Option<Instant> {
        if let Some(d) = self.opening {
            return Some(d);
        }
        if self.timeout.is_zero() {
            return None;
        }
        Some(self.window_start + self.timeout)
    }

    /// What is left before the deadline: `Ok(None)` without a bound, `Err` once passed.
    pub fn left(&self) -> Result<Option<Duration>, Expiry> {
        match self.deadline() {
            None => Ok(None),
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    Err(self.expiry())
                } else {
                    Ok(Some(left))
                }
            }
        }
    }

    /// Why the deadline passed (meaningful once it has): silent when nothing was
    /// received in the window.
    pub fn expiry(&self) -> Expiry {
        if self.window_in == 0 {
            Expiry::Silent
        } else if self.opening.is_some() {
            Expiry::Opening
        } else {
            Expiry::Slow {
                bytes: self.window_bytes,
                received: self.window_in,
                quota: self.quota(),
            }
        }
    }

    /// The one-line text of a passed deadline, e.g. "no reply within 5 s".
    pub fn describe(&self, sending: bool) -> String {
        let t = super::tcp::secs(self.timeout);
        match (self.expiry(), sending) {
            (Expiry::Opening, _) => format!("the connection did not open within {t}"),
            (Expiry::Silent, false) => format!("no reply within {t}"),
            (Expiry::Silent, true) => format!("cannot send within {t}"),
            (
                Expiry::Slow {
                    bytes,
                    received,
                    quota,
                },
                sending,
            ) => format!(
                "transfer too slow: {} bytes {} in {t}, at least {quota} needed \
                 (WD_PARAM_MIN_SPEED {} bytes/s)",
                if sending { bytes } else { received },
                if sending { "moved" } else { "received" },
                self.min_speed
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_has_one_fixed_deadline() {
        let mut p = Pace::new(Duration::from_secs(5), 1024);
        let d = p.deadline().unwrap();
        assert_eq!(p.expiry(), Expiry::Silent);
        p.progress(1 << 20, true);
        assert_eq!(p.expiry(), Expiry::Opening);
        p.restart();
        assert_eq!(
            p.deadline(),
            Some(d),
            "progress does not extend the opening"
        );
        p.set_timeout(Duration::from_secs(60));
        assert_eq!(p.deadline(), Some(d), "a longer timeout does not extend it");
        p.set_timeout(Duration::from_secs(1));
        assert!(p.deadline().unwrap() < d, "a shorter one brings it closer");
        p.opened();
        assert!(!p.is_opening());
    }

    #[test]
    fn window_rolls_only_at_its_quota() {
        let mut p = Pace::new(Duration::from_secs(5), 1024);
        p.opened();
        assert_eq!(p.quota(), 5 * 1024);
        let d0 = p.deadline().unwrap();
        std::thread::sleep(Duration::from_millis(20));
        p.progress(5 * 1024 - 1, true);
        assert_eq!(p.deadline(), Some(d0), "below the quota the window stays");
        assert_eq!(
            p.expiry(),
            Expiry::Slow {
                bytes: 5119,
                received: 5119,
                quota: 5120
            }
        );
        p.progress(1, false);
        assert!(p.deadline().unwrap() > d0, "the quota starts a new window");
        assert_eq!(p.expiry(), Expiry::Silent);
    }

    #[test]
    fn zero_speed_needs_one_byte_and_zero_timeout_never_ends() {
        let mut p = Pace::new(Duration::from_secs(2), 0);
        p.opened();
        assert_eq!(p.quota(), 1);
        let mut none = Pace::new(Duration::ZERO, 1024);
        assert_eq!(none.deadline(), None);
        none.opened();
        assert_eq!(none.deadline(), None);
        assert_eq!(none.left(), Ok(None));
    }

    #[test]
    fn passed_deadline_is_reported() {
        let mut p = Pace::new(Duration::from_millis(30), 1024);
        p.opened();
        p.progress(10, true);
        std::thread::sleep(Duration::from_millis(40));
        assert!(matches!(p.left(), Err(Expiry::Slow { bytes: 10, .. })));
        assert!(
            p.describe(false)
                .starts_with("transfer too slow: 10 bytes received")
        );
        let mut p = Pace::new(Duration::from_millis(10), 1024);
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(p.left(), Err(Expiry::Silent));
        p.progress(3, true);
        assert_eq!(p.left(), Err(Expiry::Opening));
        assert!(
            p.describe(false)
                .starts_with("the connection did not open within")
        );
    }
}
