//! On-disk queue of an asynchronous session (`WD_PROP_SPOOL_DIR`).
//!
//! One file per message, named so that names sort in queue order. A file is written
//! under a temporary name, fsynced, renamed, and the directory fsynced, so after a crash
//! a message is either wholly in the spool or not there at all. A lock file keeps two
//! sessions (or processes) from sending the same spool at once.
//!
//! File format: "WDSPOOL 1\r\n", "FROM <addr>\r\n", one "RCPT <addr>\r\n" per
//! recipient, "KEEP-BCC\r\n" when the Bcc lines are sent, "DSN <NOTIFY value or ->
//! <RET value or ->\r\n" when notifications are asked, an empty line, then the message
//! bytes.
//!
//! The spool holds whole messages and their recipients: the folder is created for its
//! owner only (0700 on unix; an existing folder open to others is noted in the
//! transcript) and the files are created 0600. Loading sends only what the spool wrote:
//! a `*.msg` entry that is not a regular file (FIFO, folder, symbolic link, device), is
//! owned by another user or is not in the format above is skipped without being read
//! past its first bytes (and never blocks), noted in the transcript and renamed `*.bad`.

use super::client::PROTO;
use crate::error::{Error, Result, WD_E};
use crate::files::{self, Refused};
use crate::limits::MAX_MESSAGE;
use crate::session::OutgoingMessage;
use crate::trace;
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

const MAGIC: &[u8] = b"WDSPOOL 1\r\n";
const EXT: &str = "msg";

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Largest spool file read back: a whole message plus its envelope.
const MAX_SPOOL_FILE: u64 = MAX_MESSAGE as u64 + 16 * 1024 * 1024;

/// An open (locked) spool directory.
#[derive(Debug)]
pub struct Spool {
    dir: PathBuf,
    lock: File,
}

fn io(what: &str, path: &Path, e: &std::io::Error) -> Error {
    Error::io(what, &path.display().to_string(), e)
}

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io("cannot sync spool directory", dir, &e))
}

/// Serialises an envelope and message.
pub fn encode(msg: &OutgoingMessage) -> Result<Vec<u8>> {
    let bad = |a: &str| a.contains(['\r', '\n']);
    if bad(&msg.from) || msg.recipients.iter().any(|r| bad(r)) {
        return Err(Error::invalid_arg("an envelope address holds a line break"));
    }
    let mut out = Vec::with_capacity(msg.data.len() + 256);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(format!("FROM {}\r\n", msg.from).as_bytes());
    for r in &msg.recipients {
        out.extend_from_slice(format!("RCPT {r}\r\n").as_bytes());
    }
    if msg.keep_bcc {
        out.extend_from_slice(b"KEEP-BCC\r\n");
    }
    if msg.dsn.requested() {
        let notify = msg.dsn.notify().unwrap_or_else(|| "-".into());
        let ret = msg.dsn.ret().unwrap_or("-");
        out.extend_from_slice(format!("DSN {notify} {ret}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(&msg.data);
    Ok(out)
}

/// Reads back what [`encode`] wrote; `None` when the file is not a spool file.
pub fn decode(bytes: &[u8]) -> Option<OutgoingMessage> {
    let mut rest = bytes.strip_prefix(MAGIC)?;
    let mut msg = OutgoingMessage::default();
    loop {
        let i = rest.windows(2).position(|w| w == b"\r\n")?;
        let line = std::str::from_utf8(&rest[..i]).ok()?;
        rest = &rest[i + 2..];
        if line.is_empty() {
            break;
        }
        if let Some(a) = line.strip_prefix("FROM ") {
            msg.from = a.to_string();
        } else if let Some(a) = line.strip_prefix("RCPT ") {
            msg.recipients.push(a.to_string());
        } else if line == "KEEP-BCC" {
            msg.keep_bcc = true;
        } else if let Some(d) = line.strip_prefix("DSN ") {
            let (notify, ret) = d.split_once(' ')?;
            let words: Vec<&str> = notify.split(',').collect();
            msg.dsn = crate::session::Dsn {
                success: words.contains(&"SUCCESS"),
                failure: words.contains(&"FAILURE"),
                delay: words.contains(&"DELAY"),
                headers_only: ret == "HDRS",
            };
        } else {
            return None;
        }
    }
    msg.data = rest.to_vec().into();
    Some(msg)
}

impl Spool {
    /// Creates the directory if needed (0700) and takes its lock. Errors: [`WD_E::Io`],
    /// also when another session holds the spool, and when its lock file is not a regular
    /// file (never blocking on it).
    pub fn open(dir: &str) -> Result<Spool> {
        let dir = PathBuf::from(dir);
        files::create_private_dir(&dir)
            .map_err(|e| io("cannot create spool directory", &dir, &e))?;
        if fs::metadata(&dir).is_ok_and(|m| files::open_to_others(&m)) {
            trace::note(
                PROTO,
                &format!(
                    "spool directory {} is open to other users: its messages may be read",
                    dir.display()
                ),
            );
        }
        let lock_path = dir.join(".lock");
        let lock = files::open_private(&lock_path).map_err(|r| {
            r.into_error(
                "cannot open spool lock",
                &lock_path.display().to_string(),
                0,
            )
        })?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Error::new(
                    WD_E::Io,
                    format!(
                        "spool directory {} is in use by another session",
                        dir.display()
                    ),
                ));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(io("cannot lock spool directory", &dir, &e));
            }
        }
        Ok(Spool { dir, lock })
    }

    /// Writes a message durably; returns its file.
    pub fn write(&self, msg: &OutgoingMessage) -> Result<PathBuf> {
        let bytes = encode(msg)?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let name = format!("{now:032x}-{:08x}-{n:08x}", std::process::id());
        let tmp = self.dir.join(format!(".{name}.tmp"));
        let fin = self.dir.join(format!("{name}.{EXT}"));
        let r = (|| {
            let mut f = files::create_private(&tmp)?;
            f.write_all(&bytes)?;
            f.sync_all()?;
            fs::rename(&tmp, &fin)
        })();
        if let Err(e) = r {
            let _ = fs::remove_file(&tmp);
            return Err(io("cannot write spool file", &fin, &e));
        }
        sync_dir(&self.dir)?;
        Ok(fin)
    }

    /// Removes a sent message.
    pub fn remove(&self, path: &Path) -> Result<()> {
        match fs::remove_file(path) {
            Ok(()) => sync_dir(&self.dir),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io("cannot remove spool file", path, &e)),
        }
    }

    /// The messages left in the spool, oldest first. Unfinished temporary files are
    /// deleted; anything else the spool did not write (see the module) is skipped, noted
    /// in the transcript and renamed `*.bad`.
    pub fn load(&self) -> Result<Vec<(PathBuf, OutgoingMessage)>> {
        let rd = fs::read_dir(&self.dir).map_err(|e| io("cannot read spool", &self.dir, &e))?;
        let mut files = Vec::new();
        for ent in rd.flatten() {
            let p = ent.path();
            let name = ent.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') && name.ends_with(".tmp") {
                // Removing never follows a link nor opens the entry.
                let _ = fs::remove_file(&p);
            } else if p.extension().is_some_and(|x| x == EXT) {
                files.push(p);
            }
        }
        files.sort();
        let mut out = Vec::with_capacity(files.len());
        for p in files {
            match self.read_own(&p) {
                Ok(m) => out.push((p, m)),
                Err(why) => {
                    trace::note(
                        PROTO,
                        &format!("spool: {} skipped: {why}; renamed .bad", p.display()),
                    );
                    let _ = fs::rename(&p, p.with_extension("bad"));
                }
            }
        }
        Ok(out)
    }

    /// Reads back a message the spool wrote: a regular file (not through a link, without
    /// blocking) of the lock file's owner, in the spool's format. Else why not.
    fn read_own(&self, p: &Path) -> std::result::Result<OutgoingMessage, String> {
        let (f, meta) = files::open_regular(p, false).map_err(|r| match r {
            Refused::NotRegular(kind) => format!("not a regular file ({kind})"),
            Refused::TooLarge(n) => format!("{n} bytes"),
            Refused::Io(e) => e.to_string(),
        })?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let owner = self.lock.metadata().map_err(|e| e.to_string())?.uid();
            if meta.uid() != owner {
                return Err(format!(
                    "owned by user {} and not by the spool's owner {owner}",
                    meta.uid()
                ));
            }
        }
        if meta.len() > MAX_SPOOL_FILE {
            return Err(format!("too large ({} bytes)", meta.len()));
        }
        let mut f = f.take(MAX_SPOOL_FILE);
        let mut bytes = vec![0u8; MAGIC.len()];
        if f.read_exact(&mut bytes).is_err() || bytes != MAGIC {
            return Err("not a spool file".to_string());
        }
        f.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
        decode(&bytes).ok_or_else(|| "not a spool file".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_decode_round_trip() {
        let mut m = OutgoingMessage {
            from: "a@b".into(),
            recipients: vec!["c@d".into(), "é@f".into()],
            data: b"Subject: x\r\n\r\nbody\r\n\r\nmore".to_vec().into(),
            ..OutgoingMessage::default()
        };
        let d = decode(&encode(&m).unwrap()).unwrap();
        assert_eq!(d.from, m.from);
        assert_eq!(d.recipients, m.recipients);
        assert_eq!(d.data, m.data);
        assert!(!d.keep_bcc && !d.dsn.requested());
        m.keep_bcc = true;
        m.dsn.failure = true;
        m.dsn.delay = true;
        m.dsn.headers_only = true;
        let d = decode(&encode(&m).unwrap()).unwrap();
        assert!(d.keep_bcc);
        assert_eq!(d.dsn, m.dsn);
        assert_eq!(d.data, m.data);
        assert!(decode(b"junk").is_none());
        assert!(decode(b"WDSPOOL 1\r\nXX y\r\n\r\n").is_none());
    }

    #[test]
    fn spool_write_load_remove_and_lock() {
        let dir = std::env::temp_dir().join(format!("wd-spool-unit-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let d = dir.to_str().unwrap();
        let sp = Spool::open(d).unwrap();
        assert_eq!(Spool::open(d).unwrap_err().code, WD_E::Io);
        let mut paths = Vec::new();
        for i in 0..5 {
            let m = OutgoingMessage {
                from: "a@b".into(),
                recipients: vec!["c@d".into()],
                data: format!("n{i}").into_bytes().into(),
                ..OutgoingMessage::default()
            };
            paths.push(sp.write(&m).unwrap());
        }
        fs::write(dir.join(".x.tmp"), b"partial").unwrap();
        sp.remove(&paths[1]).unwrap();
        let left = sp.load().unwrap();
        let data: Vec<_> = left.iter().map(|(_, m)| m.data.clone()).collect();
        assert_eq!(
            data,
            vec![
                b"n0".to_vec(),
                b"n2".to_vec(),
                b"n3".to_vec(),
                b"n4".to_vec()
            ]
        );
        assert!(!dir.join(".x.tmp").exists());
        drop(sp);
        assert!(Spool::open(d).is_ok());
        let _ = fs::remove_dir_all(&dir);
    }
}
