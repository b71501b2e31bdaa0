//! Attachments on disk: reading a file into an `Attachment`, saving one, and the MIME type
//! table used to guess a type from a file name.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result};
use crate::files;
use crate::limits::{MAX_ATTACHMENT_FILE, MAX_FILE_NAME};
use crate::message::content::Content;
use crate::message::model::Attachment;

/// Default type of unknown extensions.
pub const DEFAULT_TYPE: &str = "application/octet-stream";

/// Extension (lower case) → MIME type. The first entry for a type is its preferred
/// extension (used to name attachments that come without a name).
const TYPES: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    ("txt", "text/plain"),
    ("text", "text/plain"),
    ("log", "text/plain"),
    ("html", "text/html"),
    ("htm", "text/html"),
    ("css", "text/css"),
    ("csv", "text/csv"),
    ("ics", "text/calendar"),
    ("vcf", "text/vcard"),
    ("md", "text/markdown"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("jpe", "image/jpeg"),
    ("gif", "image/gif"),
    ("svg", "image/svg+xml"),
    ("webp", "image/webp"),
    ("bmp", "image/bmp"),
    ("ico", "image/vnd.microsoft.icon"),
    ("tif", "image/tiff"),
    ("tiff", "image/tiff"),
    ("heic", "image/heic"),
    ("zip", "application/zip"),
    ("gz", "application/gzip"),
    ("tgz", "application/gzip"),
    ("tar", "application/x-tar"),
    ("7z", "application/x-7z-compressed"),
    ("rar", "application/vnd.rar"),
    ("json", "application/json"),
    ("xml", "application/xml"),
    ("js", "text/javascript"),
    ("rtf", "application/rtf"),
    ("doc", "application/msword"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("xls", "application/vnd.ms-excel"),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("ppt", "application/vnd.ms-powerpoint"),
    (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("odt", "application/vnd.oasis.opendocument.text"),
    ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ("odp", "application/vnd.oasis.opendocument.presentation"),
    ("mp3", "audio/mpeg"),
    ("wav", "audio/wav"),
    ("ogg", "audio/ogg"),
    ("m4a", "audio/mp4"),
    ("mp4", "video/mp4"),
    ("avi", "video/x-msvideo"),
    ("mov", "video/quicktime"),
    ("webm", "video/webm"),
    ("mpeg", "video/mpeg"),
    ("eml", "message/rfc822"),
    ("p7s", "application/pkcs7-signature"),
    // "bin" first: a part of unknown content sent without a name is never named `.exe`.
    ("bin", "application/octet-stream"),
    ("exe", "application/octet-stream"),
];

/// The MIME type of a file name, guessed from its extension (case-insensitive);
/// `application/octet-stream` when unknown.
pub fn mime_type_for(name: &str) -> &'static str {
    let Some((_, ext)) = name.rsplit_once('.') else {
        return DEFAULT_TYPE;
    };
    TYPES
        .iter()
        .find(|(e, _)| e.eq_ignore_ascii_case(ext))
        .map_or(DEFAULT_TYPE, |(_, t)| t)
}

/// The preferred extension for a MIME type (`bin` when unknown).
pub fn extension_for(content_type: &str) -> &'static str {
    TYPES
        .iter()
        .find(|(_, t)| t.eq_ignore_ascii_case(content_type))
        .map_or("bin", |(e, _)| e)
}

/// Reads a file into an attachment (`EmailAjouteFichierAttache`): name = the file name,
/// type guessed from the extension, no Content-ID. Only a regular file (or a symbolic
/// link to one) of at most [`MAX_ATTACHMENT_FILE`] bytes is read: a FIFO, a device or a
/// folder is refused at once without blocking (see [`crate::files`]). Errors: `Io` with
/// the path and the reason (OS error, not a regular file, too large).
pub fn from_file(path: &str) -> Result<Attachment> {
    let data = files::read_regular(Path::new(path), true, MAX_ATTACHMENT_FILE)
        .map_err(|r| r.into_error("cannot attach", path, MAX_ATTACHMENT_FILE))?;
    let name = Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string());
    Ok(Attachment {
        content_type: mime_type_for(&name).to_string(),
        name,
        content_id: String::new(),
        data: data.into(),
        raw_name: None,
    })
}

/// Characters Windows refuses in file names (`:` would also open an NTFS stream).
const WINDOWS_RESERVED: &[char] = &['<', '>', ':', '"', '|', '?', '*'];

/// True for characters that never go into a safe name: controls (C0, DEL, C1) and the
/// invisible format characters that reorder or hide text (bidirectional overrides,
/// zero-width characters, byte order mark), which can disguise an extension.
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || WINDOWS_RESERVED.contains(&c)
        || matches!(
            c,
            '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'
        )
}

/// True for the device names Windows reserves whatever the extension (`CON`, `NUL.txt`…).
fn windows_device(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("").trim_end();
    let upper = stem.to_ascii_uppercase();
    matches!(
        upper.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) || ((upper.starts_with("COM") || upper.starts_with("LPT"))
        && upper.len() == 4
        && upper.as_bytes()[3].is_ascii_digit())
}

/// Cuts `name` to at most `max` bytes on a character boundary, keeping a short extension.
fn truncate_name(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_string();
    }
    let ext = match name.rfind('.') {
        Some(i) if i > 0 && name.len() - i <= 32 => &name[i..],
        _ => "",
    };
    let mut end = max - ext.len();
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{ext}", &name[..end])
}

/// The safe file name of an attachment name received from the network (the name is
/// RFC 2047 / RFC 2231 decoded before): only the last path component (after the last `/`
/// or `\`); control characters, invisible bidirectional and zero-width characters and
/// the characters Windows refuses (`< > : " | ? *`) become `_`; surrounding white space
/// and trailing dots are removed; leading dots become `_` (no hidden file); a Windows
/// device name (`CON`, `NUL.txt`, `COM1`…) gets a `_` prefix; at most
/// [`MAX_FILE_NAME`] bytes of UTF-8, the extension kept. `None` when nothing usable is
/// left (empty, `.`, `..`): the caller names the part as one sent without a name.
pub fn safe_name(raw: &str) -> Option<String> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .map(|c| if unsafe_char(c) { '_' } else { c })
        .collect();
    let trimmed = cleaned.trim_start().trim_end_matches(dot_or_space);
    if trimmed.is_empty() {
        return None;
    }
    let dots = trimmed.len() - trimmed.trim_start_matches('.').len();
    let mut name = format!("{}{}", "_".repeat(dots), &trimmed[dots..]);
    if windows_device(&name) {
        name.insert(0, '_');
    }
    // Cutting may leave white space or a dot at the end again.
    let name = truncate_name(&name, MAX_FILE_NAME);
    Some(name.trim_end_matches(dot_or_space).to_string())
}

/// What a file name must not end with (Windows drops it).
fn dot_or_space(c: char) -> bool {
    c == '.' || c.is_whitespace()
}

/// Writes the decoded content of an attachment (`EmailSauveFichierAttache`).
///
/// `path` naming an existing folder: the file is written inside it under the safe name of
/// the attachment ([`safe_name`] of its name, `attachmentN.ext` when none is left):
/// first into a new temporary file of that folder (created exclusively, never through a
/// link), then renamed over the final name. An existing file of that name is replaced;
/// an existing symbolic link of that name is replaced by the file, never followed; an
/// existing folder of that name is an error. Nothing is ever written outside the folder.
///
/// Any other `path` is the file to write, created or replaced (as WinDev does).
///
/// The bytes written are the transfer the progress callback follows
/// ([`crate::progress`]); a cancelled or failed write leaves no partial file.
///
/// Returns the path written. Errors: `Io` with the path and OS error, `Cancelled`.
pub fn save(att: &Attachment, index: usize, path: &str) -> Result<String> {
    // The decoded size is counted only when a callback wants it (not kept decoded).
    let total = crate::progress::active().then(|| att.data.decoded_len() as u64);
    crate::progress::expect(total)?;
    let dir = Path::new(path);
    if !dir.is_dir() {
        let mut file =
            std::fs::File::create(path).map_err(|e| Error::io("cannot write", path, &e))?;
        if let Err(e) = write_counted(&mut file, &att.data, path) {
            drop(file);
            let _ = std::fs::remove_file(path);
            return Err(e);
        }
        return Ok(path.to_string());
    }
    let name = safe_name(&att.name).unwrap_or_else(|| {
        format!(
            "attachment{}.{}",
            index + 1,
            extension_for(&att.content_type)
        )
    });
    let target = dir.join(&name);
    let shown = target.display().to_string();
    let (tmp, mut file) = temp_file(dir).map_err(|e| Error::io("cannot write", &shown, &e))?;
    let written = write_counted(&mut file, &att.data, &shown).and_then(|()| {
        file.sync_all()
            .and_then(|()| std::fs::rename(&tmp, &target))
            .map_err(|e| Error::io("cannot write", &shown, &e))
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(shown)
}

/// Writes `data` to `file` (named `shown` in errors) in pieces, each counted for the
/// progress callback. Content still encoded in its message is decoded as it is written
/// ([`Content::write_to`]), not kept.
fn write_counted(file: &mut std::fs::File, data: &Content, shown: &str) -> Result<()> {
    let mut counted = Counted {
        file,
        stopped: None,
    };
    let written = data.write_to(&mut counted);
    if let Some(e) = counted.stopped {
        return Err(e);
    }
    written.map_err(|e| Error::io("cannot write", shown, &e))
}

/// A file whose writes are counted for the progress callback, at most
/// [`crate::progress::STEP_BYTES`] at a time; a cancel is kept in `stopped`.
struct Counted<'a> {
    file: &'a mut std::fs::File,
    stopped: Option<Error>,
}

impl std::io::Write for Counted<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let piece = &buf[..buf.len().min(crate::progress::STEP_BYTES as usize)];
        let n = self.file.write(piece)?;
        if let Err(e) = crate::progress::advance(n as u64) {
            let text = e.message.clone();
            self.stopped = Some(e);
            return Err(std::io::Error::other(text));
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// A new temporary file in `dir`, created exclusively (`O_EXCL`: never an existing file,
/// never through a symbolic link).
fn temp_file(dir: &Path) -> std::io::Result<(std::path::PathBuf, std::fs::File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".wd300com-{}-{n}.tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::WD_E;

    #[test]
    fn types() {
        let table = [
            ("a.pdf", "application/pdf"),
            ("A.PDF", "application/pdf"),
            ("notes.txt", "text/plain"),
            ("x.html", "text/html"),
            ("x.htm", "text/html"),
            ("x.png", "image/png"),
            ("x.jpg", "image/jpeg"),
            ("x.JPEG", "image/jpeg"),
            ("x.gif", "image/gif"),
            ("x.svg", "image/svg+xml"),
            ("x.webp", "image/webp"),
            ("x.zip", "application/zip"),
            ("x.tar.gz", "application/gzip"),
            ("x.tar", "application/x-tar"),
            ("x.csv", "text/csv"),
            ("x.json", "application/json"),
            ("x.xml", "application/xml"),
            ("x.doc", "application/msword"),
            (
                "x.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
            ("x.xls", "application/vnd.ms-excel"),
            (
                "x.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            ("x.ppt", "application/vnd.ms-powerpoint"),
            (
                "x.pptx",
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ),
            ("x.odt", "application/vnd.oasis.opendocument.text"),
            ("x.ods", "application/vnd.oasis.opendocument.spreadsheet"),
            ("x.mp3", "audio/mpeg"),
            ("x.mp4", "video/mp4"),
            ("x.wav", "audio/wav"),
            ("fwd.eml", "message/rfc822"),
            ("noext", "application/octet-stream"),
            ("x.unknown", "application/octet-stream"),
            ("", "application/octet-stream"),
            (".", "application/octet-stream"),
        ];
        for (name, t) in table {
            assert_eq!(mime_type_for(name), t, "{name}");
        }
        assert_eq!(extension_for("image/jpeg"), "jpg");
        assert_eq!(extension_for("Text/Plain"), "txt");
        assert_eq!(extension_for("x-unknown/y"), "bin");
    }

    #[test]
    fn file_round_trip() {
        let dir = std::env::temp_dir().join(format!("wd300com-att-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("données.pdf");
        let bytes: Vec<u8> = (0..=255u8).collect();
        std::fs::write(&p, &bytes).unwrap();
        let a = from_file(p.to_str().unwrap()).unwrap();
        assert_eq!(a.name, "données.pdf");
        assert_eq!(a.content_type, "application/pdf");
        assert_eq!(a.data, bytes);
        let out = dir.join("copy.bin");
        save(&a, 0, out.to_str().unwrap()).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), bytes);

        let missing = dir.join("missing.txt");
        let e = from_file(missing.to_str().unwrap()).unwrap_err();
        assert_eq!(e.code, WD_E::Io);
        assert!(e.message.contains("missing.txt"), "{}", e.message);
        assert!(e.system.is_some());
        let e = save(&a, 0, dir.join("no/such/dir/x").to_str().unwrap()).unwrap_err();
        assert_eq!(e.code, WD_E::Io);
        let e = from_file(dir.to_str().unwrap()).unwrap_err();
        assert_eq!(e.code, WD_E::Io);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn safe_names() {
        let table = [
            ("report.pdf", Some("report.pdf")),
            ("données été.pdf", Some("données été.pdf")),
            ("../../x", Some("x")),
            ("/etc/cron.d/evil", Some("evil")),
            ("..\\..\\windows\\x.dll", Some("x.dll")),
            ("C:\\x.txt", Some("x.txt")),
            ("a\r\nBcc: x", Some("a__Bcc_ x")),
            ("nul\0byte", Some("nul_byte")),
            ("invoice\u{202E}fdp.exe", Some("invoice_fdp.exe")),
            ("a<b>c:d\"e|f?g*h", Some("a_b_c_d_e_f_g_h")),
            (".bashrc", Some("_bashrc")),
            ("..hidden", Some("__hidden")),
            ("  spaced.txt  ", Some("spaced.txt")),
            ("trailing.txt. . ", Some("trailing.txt")),
            ("CON", Some("_CON")),
            ("nul.txt", Some("_nul.txt")),
            ("com1.log", Some("_com1.log")),
            ("console.txt", Some("console.txt")),
            ("", None),
            (".", None),
            ("..", None),
            ("dir/", None),
            ("/", None),
            (" ... ", None),
        ];
        for (raw, want) in table {
            assert_eq!(safe_name(raw).as_deref(), want, "{raw:?}");
        }
        let long = format!("{}.pdf", "é".repeat(200));
        let s = safe_name(&long).unwrap();
        assert!(s.len() <= MAX_FILE_NAME && s.ends_with(".pdf"), "{s}");
        assert_eq!(s.len(), MAX_FILE_NAME - 1, "cut on a character boundary");
        let s = safe_name(&"x".repeat(1000)).unwrap();
        assert_eq!(s.len(), MAX_FILE_NAME);
        // Found by fuzzing: a cut that ends on a space or a dot, or a name ending with
        // other white space, left it at the end.
        for (raw, want) in [
            (format!("{} y", "x".repeat(254)), "x".repeat(254)),
            (
                format!("{}. {}", "x".repeat(253), "y".repeat(40)),
                "x".repeat(253),
            ),
            ("name\u{3000}.".to_string(), "name".to_string()),
        ] {
            let s = safe_name(&raw).unwrap();
            assert_eq!(s, want);
            assert_eq!(safe_name(&s).as_deref(), Some(s.as_str()), "stable");
        }
    }

    #[test]
    fn save_into_a_folder_uses_the_safe_name() {
        let dir = std::env::temp_dir().join(format!("wd300com-save-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let inner = dir.join("inbox");
        std::fs::create_dir_all(&inner).unwrap();
        let d = inner.to_str().unwrap();
        let att = |name: &str| Attachment {
            name: name.into(),
            content_type: "application/pdf".into(),
            data: b"bytes".to_vec().into(),
            ..Attachment::default()
        };
        let written = save(&att("../outside.pdf"), 0, d).unwrap();
        assert_eq!(written, inner.join("outside.pdf").display().to_string());
        assert!(!dir.join("outside.pdf").exists());
        // Replacing a file of that name; no name at all.
        std::fs::write(inner.join("outside.pdf"), b"old").unwrap();
        save(&att("outside.pdf"), 0, d).unwrap();
        assert_eq!(std::fs::read(inner.join("outside.pdf")).unwrap(), b"bytes");
        save(&att(".."), 2, d).unwrap();
        assert!(inner.join("attachment3.pdf").exists());
        // A folder of that name: an error, nothing left behind.
        std::fs::create_dir(inner.join("sub.pdf")).unwrap();
        assert_eq!(save(&att("sub.pdf"), 0, d).unwrap_err().code, WD_E::Io);
        let mut names: Vec<_> = std::fs::read_dir(&inner)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["attachment3.pdf", "outside.pdf", "sub.pdf"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
