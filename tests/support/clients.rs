//! Independent clients for the real-server tests: Python's imaplib and smtplib, run as
//! scripts that find the bench's settings (`WD_TEST_*`) in their environment.

use std::io::Write;
use std::process::{Child, Command, Stdio};

/// Starts `script` with Python 3, `env` added to its environment, its stdin and stdout
/// piped.
pub fn python_start(script: &str, env: &[(&str, &str)]) -> Child {
    Command::new("python3")
        .arg("-c")
        .arg(script)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3")
}

/// Gives `input` to a started script and returns its stdout; panics when it failed.
pub fn python_finish(mut child: Child, input: &str) -> String {
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "python failed: {err}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs `script` (see [`python_start`]) with `input` on its stdin; returns its stdout.
pub fn python(script: &str, env: &[(&str, &str)], input: &str) -> String {
    python_finish(python_start(script, env), input)
}

/// Sends a short message with subject `subject` to `to` through the bench's Postfix.
pub const SMTPLIB_SEND: &str = r#"
import os, smtplib
s = smtplib.SMTP(os.environ['WD_TEST_HOST'], int(os.environ['WD_TEST_SMTP_PORT']))
s.sendmail('bob@wd.test', [os.environ['TO']],
           ('Subject: %s\r\nFrom: bob@wd.test\r\n\r\nhello\r\n' % os.environ['S']).encode())
s.quit()
"#;

/// [`SMTPLIB_SEND`] to `to` with `subject`, waited for.
pub fn smtp_send(to: &str, subject: &str) {
    python(SMTPLIB_SEND, &[("TO", to), ("S", subject)], "");
}
