//! Session settings shared by the three protocols (the WLangage `emailSession…` types).

use crate::error::{Error, Result, WD_E};
use crate::message::Email;
use crate::message::address::{bare, split_list};
use crate::secret::Secret;

mod property;
pub use property::Property;

/// Protocol of a session; the value is its `WD_SESSION_*` code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Pop3 = 1,
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

/// Transport security; the value is its `WD_OPTION_*` code.
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

/// Authentication method requested (`WD_PROP_AUTH_METHOD`); the value is its `WD_AUTH_*`
/// code, in the order of the variants.
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

/// A token handle a session signs in with (`WD_PROP_OAUTH_TOKEN`): the session takes its
/// current access token at each sign-in and renews it through the link when the server
/// refuses it (see [`crate::auth::sign_in_linked`]).
#[derive(Debug, Clone)]
pub struct LinkedToken {
    /// The handle's value, as the application gave it (read back as decimal text).
    pub handle: i32,
    pub link: std::sync::Arc<crate::oauth2::TokenLink>,
}

/// Everything needed to open one connection. Its `Debug` output masks the password
/// and the token ([`Secret`]).
#[derive(Clone, Debug)]
pub struct SessionConfig {
    pub kind: SessionKind,
    pub host: String,
    /// 0 = the protocol's default for the security mode.
    pub port: u16,
    pub user: String,
    pub password: Option<Secret>,
    pub security: Security,
    pub auth_token: Option<Secret>,
    /// The token handle to sign in with; its access token takes the place of
    /// `auth_token`.
    pub oauth_token: Option<LinkedToken>,
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
    /// Largest message read or sent, in bytes (`WD_PROP_MAX_MESSAGE_SIZE`): a larger one
    /// is refused with `WD_E_MESSAGE`, and each reply's memory budget derives from it.
    pub max_message_size: u64,
    /// The proxy (`WD_PROP_PROXY`): by default the environment's (`ALL_PROXY`).
    pub proxy: crate::net::ProxyChoice,
    /// Seconds of idleness after which a NOOP keeps the connection alive; 0 = never
    /// (`WD_PROP_KEEPALIVE`, see [`crate::keepalive`]).
    pub keepalive: u32,
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
            oauth_token: None,
            auth_method: AuthMethod::Auto,
            ignore_cert_errors: false,
            ca_file: None,
            timeout: None,
            asynchronous: false,
            client_name: None,
            folder: "INBOX".to_string(),
            spool_dir: None,
            connections: 1,
            max_message_size: crate::limits::DEFAULT_MAX_MESSAGE_SIZE,
            proxy: crate::net::ProxyChoice::default(),
            keepalive: 0,
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

    /// The security actually used: STARTTLS asked on a port where TLS starts with the
    /// first byte (465, 993, 995) becomes implicit TLS, since a server there never sends
    /// the plain greeting STARTTLS waits for (WLangage's `optionTLS` on port 993).
    pub fn effective_security(&self) -> Security {
        match (self.security, self.effective_port()) {
            (Security::StartTls, 465 | 993 | 995) => Security::Implicit,
            (s, _) => s,
        }
    }

    /// True when the session signs in with a token: an access token or a token handle.
    pub fn has_token(&self) -> bool {
        self.oauth_token.is_some() || self.auth_token.as_ref().is_some_and(|t| !t.is_empty())
    }

    /// The token handle's link, for [`crate::auth::sign_in_linked`].
    pub fn token_link(&self) -> Option<&crate::oauth2::TokenLink> {
        self.oauth_token.as_ref().map(|t| &*t.link)
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
    /// A switch to implicit TLS ([`SessionConfig::effective_security`]) is noted in the
    /// transcript.
    pub fn connect_config(&self, global_timeout: u32) -> crate::net::ConnectConfig {
        let port = self.effective_port();
        let security = self.effective_security();
        if security != self.security {
            crate::trace::note(
                self.kind.name(),
                &format!("WD_OPTION_SECURED_TLS: implicit TLS on port {port}"),
            );
        }
        crate::net::ConnectConfig {
            host: self.host.trim().to_string(),
            port,
            tls: match security {
                Security::None => crate::net::TlsMode::None,
                Security::Implicit => crate::net::TlsMode::Implicit,
                Security::StartTls => crate::net::TlsMode::StartTls,
            },
            accept_invalid_certs: self.ignore_cert_errors,
            ca_file: self.ca_file.clone(),
            timeout: std::time::Duration::from_secs(u64::from(
                self.timeout.unwrap_or(global_timeout),
            )),
            min_speed: crate::net::min_speed(),
            proxy: self.proxy.clone(),
        }
    }
}

/// Delivery status notifications asked for a message (RFC 3461), sent as the `NOTIFY`
/// parameter of each RCPT and the `RET` parameter of MAIL when the server offers DSN.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Dsn {
    /// A report when the message is delivered (`NOTIFY=SUCCESS`).
    pub success: bool,
    /// A report when it cannot be delivered (`NOTIFY=FAILURE`).
    pub failure: bool,
    /// A report when its delivery is delayed (`NOTIFY=DELAY`).
    pub delay: bool,
    /// Reports carry the headers only (`RET=HDRS`), not the whole message.
    pub headers_only: bool,
}

impl Dsn {
    /// True when anything is asked.
    pub fn requested(&self) -> bool {
        self.success || self.failure || self.delay || self.headers_only
    }

    /// The `NOTIFY=` value of RCPT, `None` when no notification is asked.
    pub fn notify(&self) -> Option<String> {
        let words: Vec<&str> = [
            (self.success, "SUCCESS"),
            (self.failure, "FAILURE"),
            (self.delay, "DELAY"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, w)| *w)
        .collect();
        (!words.is_empty()).then(|| words.join(","))
    }

    /// The `RET=` value of MAIL.
    pub fn ret(&self) -> Option<&'static str> {
        self.headers_only.then_some("HDRS")
    }
}

/// How `EmailEnvoieMessage` sends a message object (its `WD_SEND_*` options).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SendOptions {
    /// Build the source again with these options (`None`: as it is, built when needed).
    pub build: Option<crate::message::build::BuildOptions>,
    /// Send the Bcc header lines.
    pub keep_bcc: bool,
    /// Delivery status notifications asked.
    pub dsn: Dsn,
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
    /// Send the Bcc header lines of the source (`WD_SEND_HEADER_BCC`); by default they
    /// are removed before sending.
    pub keep_bcc: bool,
    /// Delivery status notifications asked (`WD_SEND_DSN_*`).
    pub dsn: Dsn,
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
            ..OutgoingMessage::default()
        })
    }

    /// The envelope of a ready RFC 5322 source (`EmailEnvoie`): MAIL FROM the first
    /// address of `From`, RCPT TO every address of `To`, `Cc` and `Bcc` (the Bcc lines
    /// are removed when sending). The source itself is kept as it is.
    pub fn of_source(data: Vec<u8>) -> Result<OutgoingMessage> {
        // The envelope comes from the header section alone.
        let head_end = (data.windows(4).position(|w| w == b"\r\n\r\n"))
            .map(|p| p + 4)
            .or_else(|| data.windows(2).position(|w| w == b"\n\n").map(|p| p + 2))
            .unwrap_or(data.len());
        let email = crate::message::parse::parse(&data[..head_end])
            .map_err(|e| Error::message(format!("not an RFC 5322 message: {}", e.message)))?;
        if bare(&email.sender).is_empty() {
            return Err(Error::message("the message has no From address"));
        }
        let mut msg = OutgoingMessage::of(&email)?;
        msg.data = data.into();
        Ok(msg)
    }

    /// [`OutgoingMessage::of_source`] of the file `path`: a regular file of at most
    /// `MAX_MESSAGE` bytes (`WD_E_IO` otherwise).
    pub fn from_file(path: &str) -> Result<OutgoingMessage> {
        let limit = crate::limits::MAX_MESSAGE as u64;
        let data = crate::files::read_regular(std::path::Path::new(path), true, limit)
            .map_err(|r| r.into_error("cannot read the message file", path, limit))?;
        OutgoingMessage::of_source(data).map_err(|e| {
            Error::new(e.code, format!("{path}: {}", e.message))
                .with_system(e.system.clone().unwrap_or_default())
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
    /// Sends NOOP when the connection has been idle for `idle` or longer (the
    /// keep-alive, [`crate::keepalive`]); a connection found closed is reopened by the
    /// next send. Default: nothing (an asynchronous queue manages its own connections).
    fn keep_alive(&mut self, _idle: std::time::Duration) {}
}

/// How a wait for new mail ended ([`Mailbox::wait_new_mail`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waited {
    /// New mail: the messages numbered up to `known` were there before it.
    NewMail { known: u32 },
    /// Nothing new before the end of the wait.
    TimedOut,
    /// Another caller wanted the connection: the wait gave way.
    GaveWay,
}

/// When a wait for new mail ends: at `until`, or as soon as `give_way()` is true.
pub struct WaitUntil<'a> {
    pub until: std::time::Instant,
    pub give_way: &'a dyn Fn() -> bool,
}

/// How often a wait checks `give_way` while it pauses or listens.
pub const GIVE_WAY_CHECK: std::time::Duration = std::time::Duration::from_millis(50);

impl WaitUntil<'_> {
    /// How the wait ends now, if it does: another caller wants the connection, or the
    /// time is up.
    pub fn over(&self) -> Option<Waited> {
        if (self.give_way)() {
            Some(Waited::GaveWay)
        } else if std::time::Instant::now() >= self.until {
            Some(Waited::TimedOut)
        } else {
            None
        }
    }

    /// Pauses for `d` (between two polls), checking [`WaitUntil::over`] every
    /// [`GIVE_WAY_CHECK`]; `Some` when the wait is over.
    pub fn pause(&self, d: std::time::Duration) -> Option<Waited> {
        let end = std::time::Instant::now() + d;
        loop {
            if let Some(w) = self.over() {
                return Some(w);
            }
            let now = std::time::Instant::now();
            if now >= end {
                return None;
            }
            std::thread::sleep(GIVE_WAY_CHECK.min(end - now).min(self.slice(d)));
        }
    }

    /// The time left, at most `max` (a slice of a listen).
    pub fn slice(&self, max: std::time::Duration) -> std::time::Duration {
        self.until
            .saturating_duration_since(std::time::Instant::now())
            .min(max)
    }
}

/// The role of a special-use folder (RFC 6154); its value is the `WD_FOLDER_*` code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderRole {
    Sent = 1,
    Drafts,
    Trash,
    Junk,
    Archive,
    All,
}

crate::codes::coded! {
    FolderRole[Sent, Drafts, Trash, Junk, Archive, All]:
        "role {code} is not a WD_FOLDER_* value (1 to 6)";
}

/// One folder of the account with the role it plays, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    pub name: String,
    pub role: Option<FolderRole>,
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

/// The size a fetch of `refs` with `opts` brings, as the server listed it, for the
/// progress callback: `None` (unknown) for headers only.
pub fn announced(refs: &[MessageRef], opts: ReadOptions) -> Option<u64> {
    (!opts.header_only).then(|| refs.iter().map(|r| r.size).fold(0, u64::saturating_add))
}

/// [`Mailbox::list`] then [`Mailbox::fetch`], the listed sizes announced to the progress
/// callback in between.
pub fn list_and_fetch<M: Mailbox + ?Sized>(
    mailbox: &mut M,
    opts: ReadOptions,
) -> Result<(Vec<MessageRef>, Vec<Email>)> {
    let refs = mailbox.list(opts)?;
    crate::progress::expect(announced(&refs, opts))?;
    let emails = mailbox.fetch(&refs, opts)?;
    Ok((refs, emails))
}

/// `WD_E_MESSAGE` for a message listed larger than `max` bytes: refused before it is
/// asked for (the connection stays usable).
pub fn refuse_oversize(refs: &[MessageRef], max: u64) -> Result<()> {
    match refs.iter().find(|r| r.size > max) {
        Some(r) => Err(Error::message(format!(
            "message {} is {} bytes, more than WD_PROP_MAX_MESSAGE_SIZE ({max} bytes): \
             not read",
            if r.uid.is_empty() {
                r.number.to_string()
            } else {
                r.uid.clone()
            },
            r.size
        ))),
        None => Ok(()),
    }
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
    /// then `fetch` give ([`list_and_fetch`]), in as few round trips as the protocol
    /// allows (IMAP: one, unless a progress callback wants the total first).
    fn fetch_all(
        &mut self,
        opts: ReadOptions,
    ) -> Result<(Vec<MessageRef>, Vec<crate::message::Email>)> {
        list_and_fetch(self, opts)
    }
    /// Deletes a message (POP3: marked, removed at QUIT; IMAP: flagged \Deleted, removed
    /// by [`Mailbox::destroy`] or at the close). Its number stays taken until then.
    fn delete(&mut self, msg: &MessageRef) -> Result<()>;
    /// Ends the session cleanly (QUIT / LOGOUT; IMAP: CLOSE first when messages were
    /// deleted, which removes them).
    fn close(&mut self) -> Result<()>;
    /// The number of messages (`EmailNbMessage`), those deleted in this session counted
    /// until they are really removed, as their numbers stay taken: POP3 gives the count
    /// of the session's first listing, IMAP the messages of the folder (the unseen ones
    /// not deleted with `unread_only`). Default: the listing's length.
    fn count(&mut self, opts: ReadOptions) -> Result<usize> {
        Ok(self.list(opts)?.len())
    }
    /// [`Mailbox::count`] with, when the same answer gives it, the listing `list(opts)`
    /// would give (the reader keeps it for reading by number). Default: the count alone.
    fn count_listing(&mut self, opts: ReadOptions) -> Result<(usize, Option<Vec<MessageRef>>)> {
        Ok((self.count(opts)?, None))
    }
    /// Removes the messages deleted in this session from the mailbox now (IMAP expunge,
    /// `EmailDetruit`). POP3 removes them at QUIT only: `WD_E_NOT_SUPPORTED`.
    fn destroy(&mut self) -> Result<()> {
        Err(Error::not_supported(format!(
            "{} removes deleted messages when the session closes (EmailFermeSession): \
             EmailDetruit works with IMAP",
            self.protocol()
        )))
    }

    /// True when messages carry flags, \Seen among them (IMAP): reading a message sets
    /// it, and the reader writes it for the messages it read ahead. Default: no flags.
    fn has_flags(&self) -> bool {
        false
    }
    /// `Err(WD_E_CONNECTION_LOST)` once the connection failed in the middle of an exchange
    /// (or was closed): every later call on the session fails, even one the reader could
    /// answer without the server. Default: usable.
    fn usable(&self) -> Result<()> {
        Ok(())
    }
    /// Before a call: opens the connection again when it was given up for a reason that
    /// does not end the session (IMAP: the server closed it while it was idle, or a
    /// transfer cancelled by the progress callback), or reports a loss with
    /// `WD_E_CONNECTION_LOST` (POP3, closed while idle: a session cannot resume, its
    /// deletions are gone). Default: nothing.
    fn revive(&mut self) -> Result<()> {
        Ok(())
    }
    /// The largest message this connection reads (`WD_PROP_MAX_MESSAGE_SIZE`): the reader
    /// keeps larger listed messages out of its read-ahead batches. Default: no limit.
    fn max_message_size(&self) -> u64 {
        u64::MAX
    }
    /// True when removing a message (moving it, or [`Mailbox::destroy`]) renumbers the
    /// ones after it at once (IMAP expunge). Default: the numbers stay until the session
    /// ends (POP3 DELE).
    fn renumbers_after_expunge(&self) -> bool {
        false
    }
    /// A count of the changes the server reported in the mailbox (messages arrived,
    /// removed or flagged \Deleted): a listing taken when it had another value may be out
    /// of date. Default: the mailbox does not change during the session (POP3 locks it).
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
    /// The message of UID `uid` in the selected folder, also one the listings leave out
    /// (IMAP: flagged \Deleted); `None` when there is none. Default: `None` (the listing
    /// holds every message).
    fn find_uid(&mut self, _uid: &str) -> Result<Option<MessageRef>> {
        Ok(None)
    }
    /// Adds and removes flags of one message (IMAP: one UID STORE for each, pipelined;
    /// \Deleted counts as [`Mailbox::delete`]).
    fn store_flags(
        &mut self,
        _msg: &MessageRef,
        _add: &[String],
        _remove: &[String],
    ) -> Result<()> {
        Err(not_imap(self.protocol(), "flags"))
    }
    /// The folders with their roles: the server's special-use attributes, else the
    /// usual names (each role given to one folder at most).
    fn folders_with_roles(&mut self) -> Result<Vec<Folder>> {
        Err(not_imap(self.protocol(), "folders"))
    }
    /// True when [`Mailbox::search`] runs on the server (IMAP SEARCH); otherwise the
    /// reader searches the messages itself.
    fn searches_on_server(&self) -> bool {
        false
    }
    /// The messages of the selected folder matching `criteria`, in order (only the UID
    /// is known of each).
    fn search(&mut self, _criteria: &crate::search::Criteria) -> Result<Vec<MessageRef>> {
        Err(not_imap(self.protocol(), "server-side search"))
    }
    /// Waits for new mail until `w.until` or until `w.give_way()` turns true. IMAP: IDLE
    /// (NOOP polling without it); POP3: STAT on fresh connections, the session moving to
    /// the fresh one when mail came (see the implementations).
    fn wait_new_mail(&mut self, _w: &WaitUntil) -> Result<Waited> {
        Err(Error::not_supported(format!(
            "{} cannot wait for new mail",
            self.protocol()
        )))
    }
    /// NOOP: keeps an idle connection alive. Errors leave the connection to
    /// [`Mailbox::revive`] (IMAP) or to the next call, which reports it (POP3).
    fn keep_alive(&mut self) -> Result<()> {
        Ok(())
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

    /// STARTTLS asked on a port of implicit TLS (WLangage's `optionTLS` on 993) opens
    /// with TLS from the first byte; elsewhere the option is kept.
    #[test]
    fn secured_tls_on_an_implicit_port_is_implicit_tls() {
        for (kind, port, want) in [
            (SessionKind::Imap, 993, Security::Implicit),
            (SessionKind::Pop3, 995, Security::Implicit),
            (SessionKind::Smtp, 465, Security::Implicit),
            (SessionKind::Imap, 143, Security::StartTls),
            (SessionKind::Smtp, 587, Security::StartTls),
            (SessionKind::Smtp, 0, Security::StartTls),
            (SessionKind::Imap, 10993, Security::StartTls),
        ] {
            let mut c = SessionConfig::new(kind);
            c.host = "mail.example.org".into();
            c.port = port;
            c.security = Security::StartTls;
            assert_eq!(c.effective_security(), want, "{kind:?} {port}");
            let tls = c.connect_config(600).tls;
            let implicit = want == Security::Implicit;
            assert_eq!(tls == crate::net::TlsMode::Implicit, implicit, "{port}");
        }
        let mut c = SessionConfig::new(SessionKind::Imap);
        c.port = 993;
        assert_eq!(c.effective_security(), Security::None, "plain stays plain");
    }

    #[test]
    fn dsn_parameters() {
        let d = Dsn {
            success: true,
            delay: true,
            ..Dsn::default()
        };
        assert_eq!(d.notify().as_deref(), Some("SUCCESS,DELAY"));
        assert_eq!(d.ret(), None);
        let h = Dsn {
            headers_only: true,
            ..Dsn::default()
        };
        assert!(h.requested() && h.notify().is_none());
        assert_eq!(h.ret(), Some("HDRS"));
        assert!(!Dsn::default().requested());
    }

    /// The envelope of a ready file: From, To, Cc and Bcc, the source kept as it is.
    #[test]
    fn envelope_of_a_ready_source() {
        let src = b"From: A <a@x.test>\nTo: b@x.test, C <c@x.test>\nCc: d@x.test\nBcc: e@x.test\nSubject: s\n\nbody\n";
        let m = OutgoingMessage::of_source(src.to_vec()).unwrap();
        assert_eq!(m.from, "a@x.test");
        assert_eq!(
            m.recipients,
            ["b@x.test", "c@x.test", "d@x.test", "e@x.test"]
        );
        assert_eq!(m.data, src);
        let e = OutgoingMessage::of_source(b"To: b@x.test\n\nx".to_vec()).unwrap_err();
        assert_eq!(e.message, "the message has no From address");
        let e = OutgoingMessage::of_source(b"From: a@x.test\n\nx".to_vec()).unwrap_err();
        assert_eq!(e.code, WD_E::InvalidArgument);
    }

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
