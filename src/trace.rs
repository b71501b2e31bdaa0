//! Protocol transcript (`EmailTrace`): one process-wide file, appended to by every client.
//! Credentials never reach it: clients call [`client_masked`] for commands holding secrets.

use parking_lot::Mutex;
use std::fs::{File, OpenOptions};
use std::io::Write;

static TRACE: Mutex<Option<File>> = Mutex::new(None);

/// Starts appending the transcript to `path`, or stops when `path` is `None`. A new file
/// is created readable and writable by its owner only (0600 on unix): it names servers,
/// users and folders and holds whole messages.
pub fn set_file(path: Option<&str>) -> crate::error::Result<()> {
    let mut guard = TRACE.lock();
    match path {
        None => {
            *guard = None;
            Ok(())
        }
        Some(p) => {
            let mut o = OpenOptions::new();
            o.create(true).append(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
            let f = o
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
