//! Session settings shared by the three protocols (the WLangage `emailSession…` types).

use crate::error::{Error, Result, WD_E};
use crate::message::Email;
use crate::message::address::{bare, split_list};

/// Protocol of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Pop3,
    Smtp,
    Imap,
}

impl SessionKind {
    pub fn name(self) -> &'static str {
        match self {
            SessionKind::Pop3 => "POP3",
            SessionKind::Smtp => "SMTP",
            SessionKind::Imap => "IMAP",
        }
    }

    /// True for the reading protocols (the "incoming" connection of a session name).
    pub fn incoming(self) -> bool {
        !matches!(self, SessionKind::Smtp)
    }
}

/// Transport security.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Security {
    /// Plain TCP (`WD_OPTION_NONE`).
    #[default]
    None,
    /// Implicit TLS from the first byte (`WD_OPTION_SSL`).
    Implicit,
    /// STARTTLS / STLS required (`WD_OPTION_SECURED_TLS`).
    StartTls,
}

/// Authentication method requested (`WD_PROP_AUTH_METHOD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthMethod {
    #[default]
    Auto,
    Plain,
    Login,
    CramMd5,
    XOAuth2,
    OAuthBearer,
    Apop,
    UserPass,
    ScramSha256,
    ScramSha1,
}

/// Everything needed to open one connection. Its `Debug` output masks the password
/// and the token.
#[derive(Clone)]
pub struct SessionConfig {
    pub kind: SessionKind,
    pub host: String,
    /// 0 = the protocol's default for the security mode.
    pub port: u16,
    pub user: String,
    pub password: Option<String>,
    pub security: Security,
    pub auth_token: Option<String>,
    pub auth_method: AuthMethod,
    /// Accept invalid, expired, self-signed certificates and host name mismatch.
    pub ignore_cert_errors: bool,
    pub ca_file: Option<String>,
    /// Seconds; `None` = the global timeout.
    pub timeout: Option<u32>,
    pub asynchronous: bool,
    /// EHLO name; `None` = "localhost".
    pub client_name: Option<String>,
    /// IMAP folder selected when the session opens.
    pub folder: String,
    /// Directory of the on-disk async queue.
    pub spool_dir: Option<String>,
    /// Connections of an asynchronous SMTP session (1 to 16).
    pub connections: u32,
}

impl std::fmt::Debug for SessionConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let masked = |v: &Option<String>| v.as_ref().map(|_| "****");
        f.debug_struct("SessionConfig")
            .field("kind", &self.kind)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("security", &self.security)
            .field("auth_method", &self.auth_method)
            .field("ignore_cert_errors", &self.ignore_cert_errors)
            .field("ca_file", &self.ca_file)
            .field("password", &masked(&self.password))
            .field("timeout", &self.timeout)
            .field("asynchronous", &self.asynchronous)
            .field("client_name", &self.client_name)
            .field("auth_token", &masked(&self.auth_token))
            .field("folder", &self.folder)
            .field("spool_dir", &self.spool_dir)
            .field("connections", &self.connections)
            .finish()
    }
}

impl SessionConfig {
    pub fn new(kind: SessionKind) -> SessionConfig {
        SessionConfig {
            kind,
            host: String::new(),
            port: 0,
            user: String::new(),
            password: None,
            security: Security::None,
            auth_token: None,
            auth_method: AuthMethod::Auto,
            ignore_cert_errors: false,
            ca_file: None,
            timeout: None,
            asynchronous: false,
            client_name: None,
            folder: "INBOX".to_string(),
            spool_dir: None,
            connections: 1,
        }
    }

    /// The port to connect to: the configured one, else the protocol default.
    pub fn effective_port(&self) -> u16 {
        if self.port != 0 {
            return self.port;
        }
        match (self.kind, self.security) {
            (SessionKind::Pop3, Security::Implicit) => 995,
            (SessionKind::Pop3, _) => 110,
            (SessionKind::Imap, Security::Implicit) => 993,
            (SessionKind::Imap, _) => 143,
            (SessionKind::Smtp, Security::Implicit) => 465,
            (SessionKind::Smtp, Security::StartTls) => 587,
            (SessionKind::Smtp, Security::None) => 25,
        }
    }

    /// Checks the settings needed to connect.
    pub fn validate(&self) -> Result<()> {
        if self.host.trim().is_empty() {
            return Err(Error::invalid_arg("server address is empty"));
        }
        Ok(())
    }
}

impl SessionConfig {
    /// The network settings of this session; `global_timeout` applies when the session
    /// sets none.
    pub fn connect_config(&self, global_timeout: u32) -> crate::net::ConnectConfig {
        crate::net::ConnectConfig {
            host: self.host.trim().to_string(),
            port: self.effective_port(),
            tls: match self.security {
                Security::None => crate::net::TlsMode::None,
                Security::Implicit => crate::net::TlsMode::Implicit,
                Security::StartTls => crate::net::TlsMode::StartTls,
            },
            accept_invalid_certs: self.ignore_cert_errors,
            ca_file: self.ca_file.clone(),
            timeout: std::time::Duration::from_secs(u64::from(
                self.timeout.unwrap_or(global_timeout),
            )),
        }
    }
}

/// A message handed to an outgoing connection.
#[derive(Debug, Clone, Default)]
pub struct OutgoingMessage {
    /// Envelope sender (bare address).
    pub from: String,
    /// Envelope recipients (bare addresses): To + Cc + Bcc.
    pub recipients: Vec<String>,
    /// The RFC 5322 source, shared with the message it comes from (not copied).
    pub data: crate::message::Source,
}

impl OutgoingMessage {
    /// The envelope of a message whose source is built: MAIL FROM the bare sender, RCPT TO
    /// every To, Cc and Bcc address (Bcc never appears in the headers).
    pub fn of(email: &Email) -> Result<OutgoingMessage> {
        let from = bare(&email.sender);
        if from.is_empty() {
            return Err(Error::invalid_arg(
                "the message has no sender (WD_EMAIL_SENDER)",
            ));
        }
        let recipients: Vec<String> = (email.to.iter().chain(&email.cc).chain(&email.bcc))
            .flat_map(|a| split_list(a))
            .map(|a| bare(&a))
            .filter(|a| !a.is_empty())
            .collect();
        if recipients.is_empty() {
            return Err(Error::invalid_arg(
                "the message has no recipient (To, Cc or Bcc)",
            ));
        }
        Ok(OutgoingMessage {
            from,
            recipients,
            data: email.source.clone(),
        })
    }
}

/// The identifier of a message queued for asynchronous sending (`WD_EMAIL_MAIL_ID`, the
/// `mail_id` of `EmailEtat`): from 1 to `i32::MAX`, so that it crosses the C ABI as an
/// `int32_t`; never 0.
pub type MailId = i32;

/// What happened to a message given to [`Outgoing::send`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    /// Sent synchronously. `accepted` recipients took it; `refused` are
    /// `(address, server reply)`. `accepted == 0` means nothing was sent.
    Sent {
        accepted: usize,
        refused: Vec<(String, String)>,
    },
    /// Queued for asynchronous sending; follow it with the mail id.
    Queued { mail_id: MailId },
}

impl SendOutcome {
    /// What the message keeps of this send: its mail id (0 when not queued) and the
    /// recipients refused, each "address: reply".
    pub fn results(&self) -> (MailId, Vec<String>) {
        match self {
            SendOutcome::Queued { mail_id } => (*mail_id, Vec::new()),
            SendOutcome::Sent { refused, .. } => (
                0,
                refused.iter().map(|(a, r)| format!("{a}: {r}")).collect(),
            ),
        }
    }

    /// `Err(WD_E_RECIPIENT_REFUSED)` for a send that reached nobody.
    pub fn reached_someone(&self) -> Result<()> {
        match self {
            SendOutcome::Sent {
                accepted: 0,
                refused,
            } => Err(all_refused(refused)),
            _ => Ok(()),
        }
    }
}

/// The error of a message every recipient refused: the first refusal in the message, its
/// reply as the server's.
pub fn all_refused(refused: &[(String, String)]) -> Error {
    let (first, reply) = refused
        .first()
        .map(|(a, r)| (format!("{a}: {r}"), r.clone()))
        .unwrap_or_default();
    Error::new(
        WD_E::RecipientRefused,
        format!("every recipient was refused ({first})"),
    )
    .with_system(reply)
}

/// Result of probing one address with RCPT TO.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecipientCheck {
    Accepted,
    /// The server refused it; its reply.
    Refused(String),
}

/// An open outgoing (SMTP) connection of a session, synchronous or asynchronous.
pub trait Outgoing: Send {
    /// Sends the message (or queues it for an asynchronous session).
    fn send(&mut self, msg: OutgoingMessage) -> Result<SendOutcome>;
    /// Probes one address with MAIL FROM / RCPT TO / RSET.
    fn check_recipient(&mut self, address: &str) -> Result<RecipientCheck>;
    /// Waits for the queue (bounded by `timeout`), sends QUIT and closes.
    fn close(&mut self, timeout: std::time::Duration) -> Result<()>;
}

/// Reading options (`WD_READ_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReadOptions {
    /// Only unseen messages (IMAP).
    pub unread_only: bool,
    /// Headers only.
    pub header_only: bool,
    /// Do not set \Seen when reading (IMAP).
    pub keep_unseen: bool,
    /// Return messages unparsed: only `source`, `uid`, `number`, `size`, `seen`,
    /// `header_only` filled and `unparsed` set; the reader parses them on first access.
    pub defer_parse: bool,
}

/// One message of a mailbox listing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MessageRef {
    /// Message number (POP3) or sequence number (IMAP), 1-based.
    pub number: u32,
    /// POP3 UIDL or IMAP UID (decimal).
    pub uid: String,
    pub size: u64,
    pub seen: bool,
}

/// An open incoming (POP3 or IMAP) connection: the shared reading API runs on this.
/// The defaults are POP3's: no flags, numbers kept until QUIT, and the folder operations
/// `WD_E_NOT_SUPPORTED` (POP3 has one mailbox).
pub trait Mailbox: Send {
    /// "POP3" or "IMAP", for messages.
    fn protocol(&self) -> &'static str;
    /// The messages of the mailbox (or selected folder) in order, filtered by `opts`.
    fn list(&mut self, opts: ReadOptions) -> Result<Vec<MessageRef>>;
    /// Fetches messages (whole, or headers only), batched/pipelined; results in the same
    /// order as `refs`. Each `Email` has uid/number/size/seen filled and `header_only` set
    /// when only the headers were fetched.
    fn fetch(
        &mut self,
        refs: &[MessageRef],
        opts: ReadOptions,
    ) -> Result<Vec<crate::message::Email>>;
    /// Every message of the mailbox (filtered by `opts`) with its content: what `list`
    /// then `fetch` give, in as few round trips as the protocol allows (IMAP: one).
    fn fetch_all(
        &mut self,
        opts: ReadOptions,
    ) -> Result<(Vec<MessageRef>, Vec<crate::message::Email>)> {
        let refs = self.list(opts)?;
        let emails = self.fetch(&refs, opts)?;
        Ok((refs, emails))
    }
    /// Deletes a message (POP3: marked, removed at QUIT; IMAP: \Deleted + expunge).
    fn delete(&mut self, msg: &MessageRef) -> Result<()>;
    /// Ends the session cleanly (QUIT / LOGOUT).
    fn close(&mut self) -> Result<()>;

    /// True when messages carry flags, \Seen among them (IMAP): reading a message sets
    /// it, and the reader writes it for the messages it read ahead. Default: no flags.
    fn has_flags(&self) -> bool {
        false
    }
    /// True when removing a message renumbers the ones after it at once (IMAP expunge).
    /// Default: the numbers stay until the session ends (POP3 DELE).
    fn renumbers_after_expunge(&self) -> bool {
        false
    }
    /// A count of the changes the server reported in the mailbox (messages arrived or
    /// removed): a listing taken when it had another value may be out of date. Default:
    /// the mailbox does not change during the session (POP3 locks it).
    fn changes(&self) -> u64 {
        0
    }

    fn list_folders(&mut self) -> Result<Vec<String>> {
        Err(not_imap(self.protocol(), "folders"))
    }
    fn select_folder(&mut self, _folder: &str) -> Result<()> {
        Err(not_imap(self.protocol(), "folders"))
    }
    fn create_folder(&mut self, _folder: &str) -> Result<()> {
        Err(not_imap(self.protocol(), "folders"))
    }
    fn delete_folder(&mut self, _folder: &str) -> Result<()> {
        Err(not_imap(self.protocol(), "folders"))
    }
    fn rename_folder(&mut self, _from: &str, _to: &str) -> Result<()> {
        Err(not_imap(self.protocol(), "folders"))
    }
    fn copy_message(&mut self, _msg: &MessageRef, _folder: &str) -> Result<()> {
        Err(not_imap(self.protocol(), "copying messages"))
    }
    fn move_message(&mut self, _msg: &MessageRef, _folder: &str) -> Result<()> {
        Err(not_imap(self.protocol(), "moving messages"))
    }
    fn set_seen(&mut self, _msg: &MessageRef, _seen: bool) -> Result<()> {
        Err(not_imap(self.protocol(), "seen flags"))
    }
    fn append(&mut self, _folder: &str, _data: &[u8], _seen: bool) -> Result<()> {
        Err(not_imap(self.protocol(), "appending messages"))
    }
    /// Sets or clears \Seen on several messages (IMAP: one command).
    fn set_seen_many(&mut self, msgs: &[MessageRef], seen: bool) -> Result<()> {
        msgs.iter().try_for_each(|m| self.set_seen(m, seen))
    }
    /// `set_seen_many(seen, true)` then `fetch(refs, opts)` (IMAP: in one round trip).
    /// The error of the first command that fails.
    fn fetch_after_seen(
        &mut self,
        seen: &[MessageRef],
        refs: &[MessageRef],
        opts: ReadOptions,
    ) -> Result<Vec<crate::message::Email>> {
        if !seen.is_empty() {
            self.set_seen_many(seen, true)?;
        }
        self.fetch(refs, opts)
    }
}

fn not_imap(proto: &str, what: &str) -> Error {
    Error::not_supported(format!("{proto} has no {what}: use an IMAP session"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_masks_password_and_token() {
        let mut c = SessionConfig::new(SessionKind::Imap);
        c.user = "alice@wd.test".into();
        c.password = Some("p@ss-secret".into());
        c.auth_token = Some("tok-secret".into());
        let shown = format!("{c:?}");
        assert!(!shown.contains("p@ss-secret"), "{shown}");
        assert!(!shown.contains("tok-secret"), "{shown}");
        assert!(shown.contains("alice@wd.test"), "{shown}");
        assert!(shown.contains("password: Some(\"****\")"), "{shown}");
        c.password = None;
        assert!(format!("{c:?}").contains("password: None"));
    }
}
