//! Runs a hostile case in a child process: this test binary again, its `child` test
//! only, under an address-space limit (`ulimit -v`, RLIMIT_AS) and a wall-clock limit, so
//! that a regression exhausting memory or hanging fails the test instead of taking the
//! machine or the test run down. The child reports `HOSTILE key=value` lines on stdout.

use crate::support::child_process::{Finished, run_within};
use std::collections::HashMap;
use std::process::Command;
use std::time::{Duration, Instant};

/// The environment variable naming the case a child runs.
pub const CASE_ENV: &str = "WD_HOSTILE_NET_CASE";
/// Prefix of the environment variables carrying a case's parameters.
pub const PARAM_ENV: &str = "WD_HOSTILE_NET_";

/// How a child ended and what it reported.
#[derive(Debug)]
pub struct Outcome {
    /// Exited with status 0 (the child's own assertions held, nothing aborted).
    pub ok: bool,
    /// Killed at the wall-clock limit.
    pub killed: bool,
    pub status: String,
    pub values: HashMap<String, String>,
    pub output: String,
}

impl Outcome {
    /// A reported value; panics (with the child's output) when missing.
    pub fn get(&self, key: &str) -> &str {
        match self.values.get(key) {
            Some(v) => v,
            None => panic!("the child reported no {key}: {self}"),
        }
    }

    pub fn num(&self, key: &str) -> u64 {
        self.get(key)
            .parse()
            .unwrap_or_else(|_| panic!("{key} is not a number: {self}"))
    }

    /// The error code reported as `key.code` (0 for success).
    pub fn code(&self, key: &str) -> i32 {
        self.get(&format!("{key}.code"))
            .parse()
            .unwrap_or_else(|_| panic!("bad code for {key}: {self}"))
    }

    /// Milliseconds reported as `key.ms`.
    pub fn ms(&self, key: &str) -> u64 {
        self.num(&format!("{key}.ms"))
    }

    /// Peak resident memory above the child's baseline, in MiB.
    pub fn peak_mib(&self) -> u64 {
        self.num("hwm_kib").saturating_sub(self.num("base_kib")) / 1024
    }

    pub fn assert_clean_exit(&self) {
        assert!(self.ok, "the child failed: {self}");
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tail: String = {
            let lines: Vec<&str> = self.output.lines().collect();
            lines[lines.len().saturating_sub(40)..].join("\n")
        };
        write!(
            f,
            "status {} (killed at the wall-clock limit: {}), values {:?}\n--- output (tail) ---\n{tail}",
            self.status, self.killed, self.values
        )
    }
}

/// Runs `case` in a child limited to `limit_mib` MiB of address space and `wall` of time,
/// with `params` as `WD_HOSTILE_NET_<NAME>` variables.
pub fn run(case: &str, params: &[(&str, String)], limit_mib: u64, wall: Duration) -> Outcome {
    let exe = std::env::current_exe().expect("test binary path");
    let mut cmd = Command::new("bash");
    cmd.arg("-c")
        .arg(r#"ulimit -v "$1" || exit 97; shift; exec "$@""#)
        .arg("wd-hostile-child")
        .arg((limit_mib * 1024).to_string())
        .arg(exe)
        .args([
            "child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CASE_ENV, case)
        .env("RUST_BACKTRACE", "0");
    for (k, v) in params {
        cmd.env(format!("{PARAM_ENV}{k}"), v);
    }
    let Finished {
        status,
        killed,
        stdout,
        stderr,
        ..
    } = run_within(cmd, wall);
    let values = stdout
        .lines()
        // The test harness may print its "test child ..." on the same line.
        .filter_map(|l| l.find("HOSTILE ").map(|i| &l[i + 8..]))
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Outcome {
        ok: status.success() && !killed,
        killed,
        status: format!("{status:?}"),
        values,
        output: format!("{stdout}\n--- stderr ---\n{stderr}"),
    }
}

// ---- child side ---------------------------------------------------------------------

/// What a child runs: the case, the fake server's port and the largest message (`MAX`, when the parent gives one).
pub struct Case {
    pub name: String,
    pub port: u16,
    pub max_message_size: Option<u64>,
}

/// The child side's start, shared by the `child` entry points: `None` in a normal run
/// (no case given: the entry point does nothing); else sets the library's timeout,
/// reports the memory baseline and returns the case.
pub fn start() -> Option<Case> {
    let name = std::env::var(CASE_ENV).ok()?;
    let timeout: u64 = param("TIMEOUT").parse().unwrap();
    wd300com::registry::set_timeout(timeout as i32).unwrap();
    let max_message_size = std::env::var(format!("{PARAM_ENV}MAX"))
        .ok()
        .map(|v| v.parse().unwrap());
    report_baseline();
    Some(Case {
        name,
        port: param("PORT").parse().unwrap(),
        max_message_size,
    })
}

/// Prints one value for the parent.
pub fn report(key: &str, value: impl std::fmt::Display) {
    let text = value.to_string().replace(['\r', '\n'], " ");
    println!("HOSTILE {key}={text}");
}

/// A parameter given by the parent.
pub fn param(name: &str) -> String {
    std::env::var(format!("{PARAM_ENV}{name}")).unwrap_or_else(|_| panic!("no parameter {name}"))
}

/// A line of /proc/self/status in KiB (0 where there is none).
fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(field))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Reports the resident memory now as the baseline of the case.
pub fn report_baseline() {
    report("base_kib", status_kib("VmRSS:"));
}

/// Reports the peak resident memory of the child.
pub fn report_peak() {
    report("hwm_kib", status_kib("VmHWM:"));
    report("vmpeak_kib", status_kib("VmPeak:"));
}

/// Runs `f`, reports `key.code` (0 on success), `key.ms` and `key.msg`, and returns its
/// result.
pub fn timed<T>(
    key: &str,
    f: impl FnOnce() -> Result<T, wd300com::error::Error>,
) -> Result<T, wd300com::error::Error> {
    let t0 = Instant::now();
    let r = f();
    report(&format!("{key}.ms"), t0.elapsed().as_millis());
    match &r {
        Ok(_) => report(&format!("{key}.code"), 0),
        Err(e) => {
            report(&format!("{key}.code"), e.code as i32);
            report(&format!("{key}.msg"), &e.message);
        }
    }
    r
}
