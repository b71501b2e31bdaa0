//! Local files opened without surprises.
//!
//! Reading accepts regular files only. The file is opened first — on unix with
//! `O_NONBLOCK`, so opening a FIFO returns at once instead of waiting for a writer — and
//! the opened handle is checked (`fstat`), so nothing can be swapped in between a check
//! and the open. Elsewhere the path is checked before the open and the handle again after
//! it. A size limit bounds what is read, also when the file grows while it is read.
//!
//! Files that hold messages, recipients or transcripts are created for their owner only
//! (mode 0600 on unix, folders 0700).

use crate::error::{Error, WD_E};
use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

/// Why a local file was not opened or read.
#[derive(Debug)]
pub enum Refused {
    /// Not a regular file: what it is ("a FIFO", "a directory", "a symbolic link"…).
    NotRegular(&'static str),
    /// Larger than the limit: its size in bytes (at least the limit + 1).
    TooLarge(u64),
    /// The OS error of the open or the read.
    Io(io::Error),
}

impl From<io::Error> for Refused {
    fn from(e: io::Error) -> Refused {
        #[cfg(unix)]
        if e.raw_os_error() == Some(libc::ELOOP) {
            // O_NOFOLLOW met a symbolic link.
            return Refused::NotRegular("a symbolic link");
        }
        Refused::Io(e)
    }
}

impl Refused {
    /// The library error: `WD_E_IO` with `what path: reason`, the reason also in the
    /// system message. `limit` is the size limit that applied.
    pub fn into_error(self, what: &str, path: &str, limit: u64) -> Error {
        match self {
            Refused::NotRegular(kind) => {
                let reason = format!("not a regular file ({kind})");
                Error::new(WD_E::Io, format!("{what} {path}: {reason}")).with_system(reason)
            }
            Refused::TooLarge(size) => {
                let reason = format!("the file is larger than the limit ({size} > {limit} bytes)");
                Error::new(WD_E::Io, format!("{what} {path}: {reason}")).with_system(reason)
            }
            Refused::Io(e) => Error::io(what, path, &e),
        }
    }
}

/// What a file that is not regular is, for messages.
pub fn describe(meta: &Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a directory";
    }
    if t.is_symlink() {
        return "a symbolic link";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_file() {
        "a regular file"
    } else {
        "a special file"
    }
}

fn regular(meta: &Metadata) -> Result<(), Refused> {
    if meta.is_file() {
        Ok(())
    } else {
        Err(Refused::NotRegular(describe(meta)))
    }
}

/// Flags that keep an open from blocking (a FIFO) and, unless `follow`, from going
/// through a symbolic link in the last component.
#[cfg(unix)]
fn unix_flags(o: &mut OpenOptions, follow: bool) {
    use std::os::unix::fs::OpenOptionsExt;
    let mut flags = libc::O_NONBLOCK;
    if !follow {
        flags |= libc::O_NOFOLLOW;
    }
    o.custom_flags(flags);
}

/// Where the open cannot be made safe by flags: the path is checked first (the handle is
/// checked again after the open).
#[cfg(not(unix))]
fn check_path(path: &Path, follow: bool) -> Result<(), Refused> {
    let meta = if follow {
        std::fs::metadata(path)?
    } else {
        std::fs::symlink_metadata(path)?
    };
    regular(&meta)
}

/// Opens `path` for reading when it is a regular file; returns it with its metadata.
/// `follow`: whether a symbolic link as the last component is followed (refused when
/// not). Never blocks on a FIFO or a device.
pub fn open_regular(path: &Path, follow: bool) -> Result<(File, Metadata), Refused> {
    let mut o = OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    unix_flags(&mut o, follow);
    #[cfg(not(unix))]
    check_path(path, follow)?;
    let f = o.open(path)?;
    let meta = f.metadata()?;
    regular(&meta)?;
    Ok((f, meta))
}

/// Reads the whole of a regular file of at most `limit` bytes (see [`open_regular`]).
pub fn read_regular(path: &Path, follow: bool, limit: u64) -> Result<Vec<u8>, Refused> {
    let (f, meta) = open_regular(path, follow)?;
    if meta.len() > limit {
        return Err(Refused::TooLarge(meta.len()));
    }
    let mut data = Vec::with_capacity(meta.len() as usize);
    f.take(limit + 1).read_to_end(&mut data)?;
    if data.len() as u64 > limit {
        return Err(Refused::TooLarge(data.len() as u64));
    }
    Ok(data)
}

/// Creates `path` as a new file for writing: never an existing file, never through a
/// symbolic link; readable and writable by its owner only (0600 on unix).
pub fn create_private(path: &Path) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

/// Opens `path` for writing without truncating it, creating it (0600 on unix) when
/// missing: a regular file only, never through a symbolic link, never blocking.
pub fn open_private(path: &Path) -> Result<File, Refused> {
    let mut o = OpenOptions::new();
    o.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
        unix_flags(&mut o, false);
    }
    #[cfg(not(unix))]
    if path.exists() {
        check_path(path, false)?;
    }
    let f = o.open(path)?;
    regular(&f.metadata()?)?;
    Ok(f)
}

/// Creates a folder and its missing parents for their owner only (0700 on unix).
pub fn create_private_dir(path: &Path) -> io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(path)
}

/// True when the group or others may access the file or folder (unix mode bits 0o077);
/// always false elsewhere.
pub fn open_to_others(meta: &Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.permissions().mode() & 0o077 != 0
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(tag: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("wd300com-files-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn reads_regular_files_within_the_limit() {
        let d = dir("read");
        let p = d.join("a.bin");
        std::fs::write(&p, b"12345").unwrap();
        assert_eq!(read_regular(&p, true, 5).unwrap(), b"12345");
        assert!(matches!(
            read_regular(&p, true, 4),
            Err(Refused::TooLarge(5))
        ));
        assert!(matches!(
            read_regular(&d, true, 10),
            Err(Refused::NotRegular("a directory"))
        ));
        assert!(matches!(
            read_regular(&d.join("missing"), true, 10),
            Err(Refused::Io(_))
        ));
        let e = Refused::TooLarge(9).into_error("cannot attach", "x", 4);
        assert_eq!(e.code, WD_E::Io);
        assert_eq!(
            e.message,
            "cannot attach x: the file is larger than the limit (9 > 4 bytes)"
        );
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn links_are_followed_only_when_asked() {
        let d = dir("link");
        std::fs::write(d.join("t"), b"x").unwrap();
        std::os::unix::fs::symlink(d.join("t"), d.join("l")).unwrap();
        assert_eq!(read_regular(&d.join("l"), true, 10).unwrap(), b"x");
        assert!(matches!(
            read_regular(&d.join("l"), false, 10),
            Err(Refused::NotRegular("a symbolic link"))
        ));
        assert!(matches!(
            open_private(&d.join("l")),
            Err(Refused::NotRegular("a symbolic link"))
        ));
        assert!(create_private(&d.join("l")).is_err());
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn private_files_and_folders() {
        use std::os::unix::fs::PermissionsExt;
        let d = dir("private");
        let sub = d.join("a/b");
        create_private_dir(&sub).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&sub), 0o700);
        assert!(!open_to_others(&std::fs::metadata(&sub).unwrap()));
        create_private(&sub.join("f")).unwrap();
        assert_eq!(mode(&sub.join("f")), 0o600);
        assert!(
            create_private(&sub.join("f")).is_err(),
            "never an existing file"
        );
        open_private(&sub.join("g")).unwrap();
        assert_eq!(mode(&sub.join("g")), 0o600);
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(open_to_others(&std::fs::metadata(&d).unwrap()));
        std::fs::remove_dir_all(&d).unwrap();
    }
}
