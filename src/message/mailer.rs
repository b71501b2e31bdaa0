//! Handing a message to the desktop's mail client (`EmailOuvreMessagerie`,
//! `EmailLanceAppli`): the client opens a new message filled from the fields, for the user
//! to edit and send. On a freedesktop system (Linux, BSD) this is `xdg-email`; the command
//! in `WD300COM_MAILER`, when set, replaces it (it gets the same arguments).

use crate::error::{Error, Result, WD_E};
use crate::message::Email;
use crate::message::address::{bare, split_list};
use crate::message::attachments;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};

/// Environment variable naming the command that opens the mail client.
pub const MAILER_ENV: &str = "WD300COM_MAILER";

/// The bare addresses of a list of address fields (each may hold several).
fn addresses(list: &[String]) -> Vec<String> {
    (list.iter().flat_map(|a| split_list(a)))
        .map(|a| bare(&a))
        .filter(|a| !a.is_empty())
        .collect()
}

/// The arguments of `xdg-email` for `email`: `--utf8`, `--cc`, `--bcc`, `--subject`,
/// `--body` (the text body), one `--attach` per file of `attached`, then the To
/// addresses.
pub fn arguments(email: &Email, attached: &[PathBuf]) -> Vec<String> {
    let mut args = vec!["--utf8".to_string()];
    for (flag, list) in [("--cc", &email.cc), ("--bcc", &email.bcc)] {
        for a in addresses(list) {
            args.extend([flag.to_string(), a]);
        }
    }
    if !email.subject.is_empty() {
        args.extend(["--subject".to_string(), email.subject.clone()]);
    }
    if !email.message.is_empty() {
        args.extend(["--body".to_string(), email.message.clone()]);
    }
    for f in attached {
        args.extend(["--attach".to_string(), f.display().to_string()]);
    }
    args.extend(addresses(&email.to));
    args
}

/// Writes the attachments of `email` for the mail client to read: each in a folder of its
/// own (names may repeat) under a new private folder of the system's temporary folder,
/// left there for the client (it may read them after this returns).
fn write_attachments(email: &Email) -> Result<Vec<PathBuf>> {
    if email.attachments.is_empty() {
        return Ok(Vec::new());
    }
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let base = std::env::temp_dir().join(format!(
        "wd300com-mail-{}-{}-{}",
        std::process::id(),
        crate::text::date::unix_now(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let mut out = Vec::with_capacity(email.attachments.len());
    for (i, a) in email.attachments.iter().enumerate() {
        let dir = base.join((i + 1).to_string());
        crate::files::create_private_dir(&dir)
            .map_err(|e| Error::io("cannot create", &dir.display().to_string(), &e))?;
        let written = attachments::save(a, i, &dir.display().to_string())?;
        out.push(PathBuf::from(written));
    }
    Ok(out)
}

/// The process that opens the mail client with `args`, and its name for messages.
fn command(args: &[String]) -> (Command, String) {
    let configured = std::env::var(MAILER_ENV).unwrap_or_default();
    if configured.trim().is_empty() {
        let mut cmd = Command::new("xdg-email");
        cmd.args(args);
        return (cmd, "xdg-email".to_string());
    }
    // The configured command gets the arguments as they are, never parsed by the shell.
    let script = format!("{configured} \"$@\"");
    let mut cmd = Command::new("sh");
    cmd.args(["-c", script.as_str(), "wd300com-mailer"])
        .args(args);
    (cmd, configured)
}

/// Opens the desktop's mail client on a new message filled from `email` and waits for the
/// opener (`xdg-email` returns once the client has it). Errors: `WD_E_NOT_SUPPORTED`
/// when there is no opener (no `xdg-email`, no `WD300COM_MAILER`), `WD_E_IO` when it
/// fails or an attachment cannot be written.
pub fn open(email: &Email) -> Result<()> {
    let attached = write_attachments(email)?;
    let args = arguments(email, &attached);
    let (mut cmd, shown) = command(&args);
    crate::trace::note("MAIL", &format!("opening the mail client with {shown}"));
    let status = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| {
            Error::not_supported(format!(
                "no mail client can be opened ({shown}: {e}): install xdg-utils or set \
                 {MAILER_ENV}"
            ))
            .with_system(e.to_string())
        })?;
    if status.success() {
        return Ok(());
    }
    let code = status
        .code()
        .map_or("a signal".to_string(), |c| c.to_string());
    Err(Error::new(
        WD_E::Io,
        format!("the mail client could not be opened ({shown} exited with {code})"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Attachment;

    #[test]
    fn arguments_of_xdg_email() {
        let e = Email {
            to: vec!["A <a@x.test>, b@x.test".into()],
            cc: vec!["c@x.test".into()],
            bcc: vec!["D <d@x.test>".into()],
            subject: "Le rapport".into(),
            message: "Bonjour,\nvoici.".into(),
            ..Email::default()
        };
        let args = arguments(&e, &[PathBuf::from("/tmp/x/1/r.pdf")]);
        assert_eq!(
            args,
            [
                "--utf8",
                "--cc",
                "c@x.test",
                "--bcc",
                "d@x.test",
                "--subject",
                "Le rapport",
                "--body",
                "Bonjour,\nvoici.",
                "--attach",
                "/tmp/x/1/r.pdf",
                "a@x.test",
                "b@x.test"
            ]
        );
        assert_eq!(arguments(&Email::default(), &[]), ["--utf8"]);
    }

    #[test]
    fn attachments_are_written_apart() {
        let a = |name: &str, data: &[u8]| Attachment {
            name: name.into(),
            content_type: "text/plain".into(),
            data: data.into(),
            ..Attachment::default()
        };
        let e = Email {
            attachments: vec![a("same.txt", b"one"), a("same.txt", b"two")],
            ..Email::default()
        };
        let files = write_attachments(&e).unwrap();
        assert_eq!(files.len(), 2);
        let tmp = std::env::temp_dir();
        assert!(
            files
                .iter()
                .all(|f| f.starts_with(&tmp) && f.ends_with("same.txt"))
        );
        assert_eq!(std::fs::read(&files[0]).unwrap(), b"one");
        assert_eq!(std::fs::read(&files[1]).unwrap(), b"two");
        let _ = std::fs::remove_dir_all(files[0].parent().unwrap().parent().unwrap());
    }
}
