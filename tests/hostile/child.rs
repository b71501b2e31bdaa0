//! Runs one test's body in a child process: the test binary itself, filtered to that one
//! test, started through util-linux `prlimit --as` (or `sh -c 'ulimit -v'` where prlimit
//! is missing) so its address space is limited (`RLIMIT_AS`), and killed when it outlives
//! its time limit. A regression that allocates without bound then fails its allocation
//! (the child aborts) and one that blocks is killed: the test fails, the machine is spared.
//!
//! Use it through [`limited_test!`]: the test runs its body only in the child (which it
//! recognises by the environment variable [`CHILD_ENV`]); in the parent it starts the
//! child, waits, and fails unless the child passed. The child prints its peak resident
//! memory (`VmHWM`), which the parent checks against its limit.

use crate::support::child_process::run_within;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Environment variable naming the test a child process must run.
pub const CHILD_ENV: &str = "WD_HOSTILE_CHILD";

/// The limits of a child process.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Address space (`RLIMIT_AS`), in bytes.
    pub address_space: u64,
    /// Wall time before the child is killed, in seconds.
    pub seconds: u64,
    /// Peak resident memory the child may reach and still pass, in MiB.
    pub peak_mib: u64,
}

impl Limits {
    /// Room for the test binary and its threads (1 GiB of address space), far below what
    /// an unbounded read (`/dev/zero`) would take; 20 seconds; 64 MiB resident at most
    /// (nothing here reads more than a few KiB).
    pub const DEFAULT: Limits = Limits {
        address_space: 1024 * 1024 * 1024,
        seconds: 20,
        peak_mib: 64,
    };
}

/// True when this process is the child started for `test`.
pub fn is_child(test: &str) -> bool {
    std::env::var(CHILD_ENV).is_ok_and(|t| t == test)
}

/// In the child: reports the peak resident memory for the parent.
pub fn report_peak() {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .map(|v| v.trim().trim_end_matches("kB").trim().to_string())
        .unwrap_or_default();
    println!("\nWD_CHILD_PEAK_KIB {peak}");
}

fn have_prlimit() -> bool {
    Command::new("prlimit")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Starts the child for `test` and waits for it; panics unless it passed within `limits`.
pub fn run_parent(test: &str, limits: Limits) {
    let as_limit = limits.address_space;
    let time_limit = Duration::from_secs(limits.seconds);
    let exe = std::env::current_exe().expect("test binary");
    let mut cmd = if have_prlimit() {
        let mut c = Command::new("prlimit");
        c.arg(format!("--as={as_limit}")).arg("--").arg(&exe);
        c
    } else {
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg(format!(
                "ulimit -v {} && exec \"$0\" \"$@\"",
                as_limit / 1024
            ))
            .arg(&exe);
        c
    };
    cmd.args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, test);
    let run = run_within(cmd, time_limit);
    let (elapsed, stdout, stderr, status) = (run.elapsed, run.stdout, run.stderr, run.status);
    assert!(
        !run.killed,
        "{test}: still running after {time_limit:?}, killed\n\
         --- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    assert!(
        status.success(),
        "{test}: the child failed ({status}, address space limited to {as_limit} bytes)\n\
         --- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    assert!(
        stdout.contains("1 passed"),
        "{test}: the child did not run the test\n{stdout}"
    );
    let peak_kib = stdout
        .lines()
        .find_map(|l| l.split("WD_CHILD_PEAK_KIB ").nth(1))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    eprintln!("{test}: child passed in {elapsed:?}, peak resident memory {peak_kib} KiB");
    assert!(
        peak_kib <= limits.peak_mib * 1024,
        "{test}: peak resident memory {peak_kib} KiB over {} MiB",
        limits.peak_mib
    );
}

/// Defines a `#[test]` whose body runs in a child process within [`Limits`].
///
/// ```ignore
/// limited_test!(
///     /// What it checks.
///     fn name() within Limits::DEFAULT => { body }
/// );
/// ```
macro_rules! limited_test {
    ($(#[$meta:meta])* fn $name:ident() within $limits:expr => $body:block) => {
        $(#[$meta])*
        #[test]
        fn $name() {
            let full = concat!(module_path!(), "::", stringify!($name));
            // libtest names a test by its path without the crate.
            let test = full.split_once("::").map_or(full, |(_, rest)| rest);
            if $crate::child::is_child(test) {
                $body
                $crate::child::report_peak();
            } else {
                $crate::child::run_parent(test, $limits);
            }
        }
    };
}
pub(crate) use limited_test;
