//! Local files given to `EmailAjouteFichierAttache` and `EmailImporteHTML`: only regular
//! files are read, within the size limit, without blocking; `EmailImporteHTML` embeds only
//! files inside its images folder, whatever the path, URL, escape or link says.

use crate::child::{Limits, limited_test};
use crate::ffi::{Message, c, count, last_error, mkfifo, prop, temp_dir};
use std::path::Path;
use wd300com::error::WD_E;
use wd300com::ffi::message::{EmailAjouteFichierAttache, EmailImporteHTML};
use wd300com::ffi::types::*;
use wd300com::limits::MAX_ATTACHMENT_FILE;

fn attach(m: &Message, path: &Path) -> i32 {
    let p = c(path.to_str().unwrap());
    // SAFETY: a valid handle and a NUL-terminated path.
    unsafe { EmailAjouteFichierAttache(m.0, p.as_ptr()) }
}

fn import_html(m: &Message, html: &str, dir: Option<&Path>) -> i32 {
    let h = c(html);
    let d = dir.map(|d| c(d.to_str().unwrap()));
    let dp = d.as_ref().map_or(std::ptr::null(), |d| d.as_ptr());
    // SAFETY: a valid handle and NUL-terminated strings (or NULL).
    unsafe { EmailImporteHTML(m.0, h.as_ptr(), dp) }
}

/// Room to create a sparse file of 256 MiB on a slow disk.
const SPARSE_FILES: Limits = Limits {
    seconds: 30,
    ..Limits::DEFAULT
};

/// Attaching `path` fails with `WD_E_IO`, nothing attached; returns the message.
fn refused(path: &Path) -> String {
    let m = Message::new();
    assert_eq!(attach(&m, path), 0);
    let (code, msg) = last_error();
    assert_eq!(code, WD_E::Io, "{msg}");
    assert_eq!(count(m.0, WD_EMAIL_ATTACHMENT_NAME), 0);
    msg
}

/// A sparse file one byte over the attachment limit (no disk space used).
fn oversized(path: &Path) {
    let f = std::fs::File::create(path).unwrap();
    f.set_len(MAX_ATTACHMENT_FILE + 1).unwrap();
}

limited_test!(
    /// `/dev/zero` is a device: refused at once, nothing read (it used to be read until
    /// memory ran out).
    fn attaching_dev_zero_is_refused_at_once() within Limits::DEFAULT => {
        let msg = refused(Path::new("/dev/zero"));
        assert!(msg.contains("not a regular file (a character device)"), "{msg}");
    }
);

limited_test!(
    /// A FIFO without a writer: refused at once (opening it used to wait forever).
    fn attaching_a_fifo_does_not_block() within Limits::DEFAULT => {
        let d = temp_dir("attach-fifo");
        let fifo = d.join("pipe.pdf");
        mkfifo(&fifo);
        let msg = refused(&fifo);
        assert!(msg.contains("not a regular file (a FIFO)"), "{msg}");
        std::fs::remove_dir_all(&d).unwrap();
    }
);

limited_test!(
    /// A file over 256 MiB is refused from its size, without reading it.
    fn attaching_a_file_over_the_limit_is_refused_unread() within SPARSE_FILES => {
        let d = temp_dir("attach-big");
        let big = d.join("big.bin");
        oversized(&big);
        let msg = refused(&big);
        assert!(
            msg.contains(&format!(
                "larger than the limit ({} > {MAX_ATTACHMENT_FILE} bytes)",
                MAX_ATTACHMENT_FILE + 1
            )),
            "{msg}"
        );
        // A regular file (and a link to one) is still attached.
        let m = Message::new();
        std::fs::write(d.join("ok.txt"), b"fine").unwrap();
        std::os::unix::fs::symlink(d.join("ok.txt"), d.join("link.txt")).unwrap();
        assert_eq!(attach(&m, &d.join("ok.txt")), 1);
        assert_eq!(attach(&m, &d.join("link.txt")), 1);
        assert_eq!(prop(m.0, WD_EMAIL_ATTACHMENT_NAME, 1), "link.txt");
        std::fs::remove_dir_all(&d).unwrap();
    }
);

limited_test!(
    /// Every way out of the images folder stays a link: an absolute path, `..`, a `file:`
    /// URL, a percent-encoded `..`, a symbolic link pointing out, a device, a FIFO and a
    /// folder inside it. Only the regular files inside are embedded.
    fn import_html_embeds_only_regular_files_inside_the_folder() within Limits::DEFAULT => {
        let root = temp_dir("html-confine");
        let images = root.join("images");
        std::fs::create_dir_all(images.join("sub")).unwrap();
        std::fs::write(images.join("logo.png"), b"\x89PNG inside").unwrap();
        std::fs::write(images.join("sub/deep.png"), b"\x89PNG deep").unwrap();
        std::fs::write(root.join("secret.png"), b"SECRET outside").unwrap();
        std::os::unix::fs::symlink(root.join("secret.png"), images.join("link.png")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", images.join("zero.png")).unwrap();
        mkfifo(&images.join("fifo.png"));
        let outside = root.join("secret.png");
        let outside = outside.to_str().unwrap();
        let hostile = [
            outside.to_string(),
            format!("file://{outside}"),
            "../secret.png".to_string(),
            "sub/../../secret.png".to_string(),
            "%2e%2e/secret.png".to_string(),
            "sub%2f..%2f..%2fsecret.png".to_string(),
            "/etc/hostname".to_string(),
            "file:///etc/hostname".to_string(),
            "/dev/zero".to_string(),
            "link.png".to_string(),
            "zero.png".to_string(),
            "fifo.png".to_string(),
            "sub".to_string(),
            ".".to_string(),
        ];
        let mut html = String::from("<p>x</p><img src=\"logo.png\"><img src=\"sub/deep.png\">");
        for src in &hostile {
            html.push_str(&format!("<img src=\"{src}\">"));
        }
        let m = Message::new();
        assert_eq!(import_html(&m, &html, Some(&images)), 1, "{:?}", last_error());
        assert_eq!(count(m.0, WD_EMAIL_ATTACHMENT_NAME), 2);
        assert_eq!(prop(m.0, WD_EMAIL_ATTACHMENT_NAME, 0), "logo.png");
        assert_eq!(prop(m.0, WD_EMAIL_ATTACHMENT_NAME, 1), "deep.png");
        let body = prop(m.0, WD_EMAIL_HTML, 0);
        for src in &hostile {
            assert!(body.contains(&format!("<img src=\"{src}\">")), "{src} changed: {body}");
        }
        assert_eq!(body.matches("cid:").count(), 2, "{body}");
        std::fs::remove_dir_all(&root).unwrap();
    }
);

limited_test!(
    /// Inside the folder: an absolute path, a `file:` URL and a link staying inside are
    /// embedded; an image over the limit is an error, not read.
    fn import_html_inside_the_folder_and_over_the_limit() within SPARSE_FILES => {
        let images = temp_dir("html-inside");
        std::fs::write(images.join("a.png"), b"A").unwrap();
        std::os::unix::fs::symlink(images.join("a.png"), images.join("alias.png")).unwrap();
        let abs = images.join("a.png");
        let html = format!(
            "<img src=\"{0}\"><img src=\"file://{0}\"><img src=\"alias.png\">",
            abs.display()
        );
        let m = Message::new();
        assert_eq!(import_html(&m, &html, Some(&images)), 1, "{:?}", last_error());
        assert_eq!(count(m.0, WD_EMAIL_ATTACHMENT_NAME), 3);
        assert_eq!(prop(m.0, WD_EMAIL_HTML, 0).matches("cid:").count(), 3);
        oversized(&images.join("big.png"));
        let m = Message::new();
        assert_eq!(import_html(&m, "<img src=\"big.png\">", Some(&images)), 0);
        let (code, msg) = last_error();
        assert_eq!(code, WD_E::Io, "{msg}");
        assert!(msg.contains("larger than the limit"), "{msg}");
        assert_eq!(count(m.0, WD_EMAIL_ATTACHMENT_NAME), 0);
        std::fs::remove_dir_all(&images).unwrap();
    }
);

/// No images folder (NULL or ""): nothing is embedded, every source stays as it was (the
/// current directory used to be the folder).
#[test]
fn import_html_without_a_folder_embeds_nothing() {
    let html = "<img src=\"Cargo.toml\"><img src=\"/etc/hostname\">";
    for dir in [None, Some(Path::new(""))] {
        let m = Message::new();
        assert_eq!(import_html(&m, html, dir), 1, "{:?}", last_error());
        assert_eq!(count(m.0, WD_EMAIL_ATTACHMENT_NAME), 0);
        assert_eq!(prop(m.0, WD_EMAIL_HTML, 0), html);
    }
}
