//! Attachments on disk: reading a file into an `Attachment`, saving one, and the MIME type
//! table used to guess a type from a file name.

use std::path::Path;

use crate::error::{Error, Result};
use crate::limits::MAX_MESSAGE;
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
    ("exe", "application/octet-stream"),
    ("bin", "application/octet-stream"),
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

/// Reads a file into an attachment: name = the file name, type guessed from the extension,
/// no Content-ID. Errors: `Io` (with the path and OS error), `Message` when the file is
/// larger than `MAX_MESSAGE`.
pub fn from_file(path: &str) -> Result<Attachment> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io("cannot read", path, &e))?;
    if meta.is_dir() {
        let e = std::io::Error::other("is a directory");
        return Err(Error::io("cannot read", path, &e));
    }
    if meta.len() > MAX_MESSAGE as u64 {
        return Err(Error::message(format!(
            "attachment {path} is too large ({} bytes, limit {MAX_MESSAGE})",
            meta.len()
        )));
    }
    let data = std::fs::read(path).map_err(|e| Error::io("cannot read", path, &e))?;
    let name = Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string());
    Ok(Attachment {
        content_type: mime_type_for(&name).to_string(),
        name,
        content_id: String::new(),
        data,
    })
}

/// Writes the decoded content of an attachment to `path` (created or truncated).
/// Errors: `Io` with the path and OS error.
pub fn save(att: &Attachment, path: &str) -> Result<()> {
    std::fs::write(path, &att.data).map_err(|e| Error::io("cannot write", path, &e))
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
        save(&a, out.to_str().unwrap()).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), bytes);

        let missing = dir.join("missing.txt");
        let e = from_file(missing.to_str().unwrap()).unwrap_err();
        assert_eq!(e.code, WD_E::Io);
        assert!(e.message.contains("missing.txt"), "{}", e.message);
        assert!(e.system.is_some());
        let e = save(&a, dir.join("no/such/dir/x").to_str().unwrap()).unwrap_err();
        assert_eq!(e.code, WD_E::Io);
        let e = from_file(dir.to_str().unwrap()).unwrap_err();
        assert_eq!(e.code, WD_E::Io);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
