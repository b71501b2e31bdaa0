//! Protocol transcript (`EmailTrace`): one process-wide file, appended to by every client.
//! Credentials never reach it: clients call [`client_masked`] for commands holding secrets.

use parking_lot::Mutex;
use std::fs::{File, OpenOptions};
use std::io::Write;

static TRACE: Mutex<Option<File>> = Mutex::new(None);

/// Starts appending the transcript to `path`, or stops when `path` is `None`.
pub fn set_file(path: Option<&str>) -> crate::error::Result<()> {
    let mut guard = TRACE.lock();
    match path {
        None => {
            *guard = None;
            Ok(())
        }
        Some(p) => {
            let f = OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .map_err(|e| crate::error::Error::io("cannot open trace file", p, &e))?;
            *guard = Some(f);
            Ok(())
        }
    }
}

/// True when a transcript is being written (lets callers skip formatting work).
pub fn enabled() -> bool {
    TRACE.lock().is_some()
}

fn write(proto: &str, dir: &str, text: &str) {
    let mut guard = TRACE.lock();
    if let Some(f) = guard.as_mut() {
        let text = text.trim_end_matches(['\r', '\n']);
        for line in text.split('\n') {
            let _ = writeln!(f, "{proto} {dir} {}", line.trim_end_matches('\r'));
        }
    }
}

/// Records a line sent by the client.
pub fn client(proto: &str, text: &str) {
    if enabled() {
        write(proto, "C:", text);
    }
}

/// Records a client line holding a secret: only `shown` is written, followed by `****`.
pub fn client_masked(proto: &str, shown: &str) {
    if enabled() {
        write(proto, "C:", &format!("{shown} ****"));
    }
}

/// Records a line received from the server.
pub fn server(proto: &str, text: &str) {
    if enabled() {
        write(proto, "S:", text);
    }
}

/// Records an informational note (connection, TLS, literal summary).
pub fn note(proto: &str, text: &str) {
    if enabled() {
        write(proto, "*", text);
    }
}
