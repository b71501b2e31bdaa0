//! Starting the browser on the authorization URL.

use crate::error::{Error, Result, WD_E};
use crate::text::quoted;
use crate::trace;
use std::process::{Command, Stdio};

/// Environment variable naming the command that opens the authorization URL.
pub const BROWSER_ENV: &str = "WD300COM_BROWSER";

/// How the browser is started.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Browser {
    /// `WD300COM_BROWSER` when set and not empty, else the system opener.
    #[default]
    Default,
    /// This shell command, run with the URL as its last argument.
    Command(String),
}

/// The process that opens `url_text`, and how to name it in messages.
fn command(browser: &Browser, url_text: &str) -> (Command, String) {
    let configured = match browser {
        Browser::Command(c) => Some(c.clone()),
        Browser::Default => std::env::var(BROWSER_ENV)
            .ok()
            .filter(|c| !c.trim().is_empty()),
    };
    let cmd = match &configured {
        Some(c) => {
            let mut cmd = Command::new("sh");
            cmd.arg("-c")
                .arg(format!("{c} \"$1\""))
                .arg("wd300com-browser")
                .arg(url_text);
            cmd
        }
        None => {
            let (program, args): (&str, &[&str]) = if cfg!(target_os = "windows") {
                ("rundll32", &["url.dll,FileProtocolHandler"])
            } else if cfg!(target_os = "macos") {
                ("open", &[])
            } else {
                ("xdg-open", &[])
            };
            let mut cmd = Command::new(program);
            cmd.args(args).arg(url_text);
            cmd
        }
    };
    let shown = configured.unwrap_or_else(|| quoted(&cmd.get_program().to_string_lossy()));
    (cmd, shown)
}

/// Starts the browser on `url_text` without waiting for it.
pub(super) fn open(browser: &Browser, url_text: &str) -> Result<()> {
    let (mut cmd, shown) = command(browser, url_text);
    trace::note(
        "OAUTH2",
        &format!("opening the authorization URL with {shown}"),
    );
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            Error::new(
                WD_E::Io,
                format!("cannot start the browser ({shown}): {e}; set {BROWSER_ENV}"),
            )
            .with_system(e.to_string())
        })?;
    // Reap the opener whenever it exits.
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configured_command_gets_the_url_as_its_argument() {
        let (cmd, shown) = command(
            &Browser::Command("my-browser --new".into()),
            "http://x/?a&b",
        );
        assert_eq!(shown, "my-browser --new");
        assert_eq!(cmd.get_program(), "sh");
        let args: Vec<_> = cmd.get_args().collect();
        assert_eq!(
            args,
            [
                "-c",
                "my-browser --new \"$1\"",
                "wd300com-browser",
                "http://x/?a&b"
            ]
        );
    }
}
