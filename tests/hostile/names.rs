//! Attachment names received from the network: `WD_EMAIL_ATTACHMENT_NAME` is a safe file
//! name (they used to be returned as sent, `../../x` included), the name as sent stays
//! readable (`WD_EMAIL_ATTACHMENT_RAW_NAME`, `EmailEntete`), and saving into a folder
//! never writes outside it nor through a link.

use crate::ffi::{Message, c, count, last_error, prop, temp_dir, text};
use std::path::Path;
use wd300com::ffi::message::{EmailEntete, EmailImporteSource, EmailSauveFichierAttache};
use wd300com::ffi::types::*;

fn import(m: &Message, source: &str) {
    let src = source.replace('\n', "\r\n");
    // SAFETY: a valid handle and `src.len()` readable bytes.
    let ok = unsafe { EmailImporteSource(m.0, src.as_ptr(), src.len()) };
    assert_eq!(ok, 1, "{:?}", last_error());
}

fn save(m: &Message, index: i32, path: &Path) -> i32 {
    let p = c(path.to_str().unwrap());
    // SAFETY: a valid handle and a NUL-terminated path.
    unsafe { EmailSauveFichierAttache(m.0, index, p.as_ptr()) }
}

/// (Content-Disposition parameter as sent, name as sent once decoded — a NUL reads as a
/// space through the C getters —, safe name).
const CASES: &[(&str, &str, &str)] = &[
    ("filename=\"../../x\"", "../../x", "x"),
    ("filename=\"/etc/cron.d/evil\"", "/etc/cron.d/evil", "evil"),
    (
        "filename*=UTF-8''..%2F..%2Fencoded.sh",
        "../../encoded.sh",
        "encoded.sh",
    ),
    (
        "filename=\"=?UTF-8?Q?=2E=2E=2F=2E=2E=2Fword.sh?=\"",
        "../../word.sh",
        "word.sh",
    ),
    (
        "filename*=UTF-8''a%0D%0ABcc%3A%20x",
        "a\r\nBcc: x",
        "a__Bcc_ x",
    ),
    (
        "filename*=UTF-8''..%5C..%5Cwin.dll",
        "..\\..\\win.dll",
        "win.dll",
    ),
    (
        "filename*=UTF-8''nul%00byte.txt",
        "nul byte.txt",
        "nul_byte.txt",
    ),
    ("filename=\".bashrc\"", ".bashrc", "_bashrc"),
    ("filename=\"..\"", "..", "part9.bin"),
    (
        "filename=\"rapport été.pdf\"",
        "rapport été.pdf",
        "rapport été.pdf",
    ),
    ("size=4", "", "part11.bin"),
];

fn hostile_message() -> String {
    let mut s = String::from(
        "From: a@wd.test\nTo: b@wd.test\nSubject: names\nMIME-Version: 1.0\n\
         Content-Type: multipart/mixed; boundary=\"bnd\"\n\n--bnd\n\
         Content-Type: text/plain\n\nbody\n",
    );
    for (i, (param, _, _)) in CASES.iter().enumerate() {
        s.push_str(&format!(
            "--bnd\nContent-Type: application/octet-stream\n\
             Content-Disposition: attachment; {param}\n\ncontent {i}\n"
        ));
    }
    s.push_str("--bnd--\n");
    s
}

#[test]
fn received_names_are_made_safe_and_kept_as_sent() {
    let m = Message::new();
    import(&m, &hostile_message());
    assert_eq!(count(m.0, WD_EMAIL_ATTACHMENT_NAME), CASES.len() as i32);
    for (i, (param, sent, safe)) in CASES.iter().enumerate() {
        let i = i as i32;
        assert_eq!(prop(m.0, WD_EMAIL_ATTACHMENT_NAME, i), *safe, "{param}");
        assert_eq!(prop(m.0, WD_EMAIL_ATTACHMENT_RAW_NAME, i), *sent, "{param}");
    }
    // Read-only.
    let v = c("x");
    // SAFETY: a valid handle and a NUL-terminated value.
    let set = unsafe {
        wd300com::ffi::message::EmailModifiePropriete(
            m.0,
            WD_EMAIL_ATTACHMENT_RAW_NAME,
            0,
            v.as_ptr(),
        )
    };
    assert_eq!(set, 0);
}

#[test]
fn a_single_part_attachment_keeps_its_header() {
    let m = Message::new();
    import(
        &m,
        "From: a@wd.test\nSubject: one part\nMIME-Version: 1.0\n\
         Content-Type: application/octet-stream\n\
         Content-Disposition: attachment; filename=\"../../top.bin\"\n\nDATA\n",
    );
    assert_eq!(prop(m.0, WD_EMAIL_ATTACHMENT_NAME, 0), "top.bin");
    assert_eq!(prop(m.0, WD_EMAIL_ATTACHMENT_RAW_NAME, 0), "../../top.bin");
    let name = c("Content-Disposition");
    // SAFETY: a valid handle and a NUL-terminated header name.
    let header = text(unsafe { EmailEntete(m.0, name.as_ptr(), 0) });
    assert!(header.contains("../../top.bin"), "{header}");
}

#[test]
fn saving_into_a_folder_stays_inside_it() {
    let root = temp_dir("save-folder");
    let inbox = root.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    // A link already in the folder under a name an attachment will take, pointing out.
    std::fs::write(root.join("victim"), b"untouched").unwrap();
    std::os::unix::fs::symlink(root.join("victim"), inbox.join("x")).unwrap();
    let m = Message::new();
    import(&m, &hostile_message());
    for i in 0..CASES.len() as i32 {
        assert_eq!(save(&m, i, &inbox), 1, "{i}: {:?}", last_error());
    }
    assert_eq!(std::fs::read(root.join("victim")).unwrap(), b"untouched");
    let x = std::fs::symlink_metadata(inbox.join("x")).unwrap();
    assert!(x.is_file(), "the link was replaced by the file");
    assert_eq!(std::fs::read(inbox.join("x")).unwrap(), b"content 0");
    let mut inside: Vec<String> = std::fs::read_dir(&inbox)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    inside.sort();
    let mut want: Vec<String> = CASES.iter().map(|(_, _, safe)| safe.to_string()).collect();
    want.sort();
    assert_eq!(inside, want);
    let mut above: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    above.sort();
    assert_eq!(above, ["inbox", "victim"]);
    // An explicit file path is still written (and replaced) as given.
    let file = root.join("explicit.bin");
    assert_eq!(save(&m, 1, &file), 1);
    assert_eq!(save(&m, 2, &file), 1);
    assert_eq!(std::fs::read(&file).unwrap(), b"content 2");
    std::fs::remove_dir_all(&root).unwrap();
}
