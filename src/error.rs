//! Error type of the safe core and the stable numeric error codes exported to C.

use std::fmt;

/// Stable numeric error codes (`WD_E_*` in C). Numbers never change and are never reused.
///
/// Ranges: 0 ok; 1xx the caller's side (argument/handle misuse, callbacks); 2xx network,
/// DNS, timeout; 3xx TLS; 4xx authentication; 5xx protocol (the server said no); 6xx
/// MIME; 7xx local I/O; 9xx internal.
#[allow(non_camel_case_types)]
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WD_E {
    /// No error.
    None = 0,
    /// An argument is NULL, not UTF-8, out of range or holds a forbidden character.
    InvalidArgument = 101,
    /// A handle is 0 where not allowed, stale, already freed, or of the wrong kind.
    InvalidHandle = 102,
    /// No session of that name is open or declared.
    UnknownSession = 103,
    /// A session of that name already holds a connection of that direction.
    SessionExists = 104,
    /// The feature or option is not supported (see the README).
    NotSupported = 105,
    /// A call from inside a library callback into the same object.
    RecursiveCall = 106,
    /// A progress callback returned 0: the transfer was stopped (nothing partial kept).
    Cancelled = 107,
    /// Cannot connect (DNS failure, refused, unreachable).
    Connect = 201,
    /// The server did not answer within the timeout.
    Timeout = 202,
    /// The server closed the connection or said BYE.
    ConnectionLost = 203,
    /// TLS handshake, certificate or STARTTLS failure.
    Tls = 301,
    /// Authentication refused or no usable mechanism.
    Auth = 401,
    /// The server refused a command (its reply is in the system message).
    Protocol = 501,
    /// Every recipient was refused by the server.
    RecipientRefused = 502,
    /// A message cannot be built or parsed.
    Message = 601,
    /// Local file error (attachments, spool, trace).
    Io = 701,
    /// Internal error: a caught panic or a broken invariant.
    Internal = 901,
}

impl WD_E {
    /// Short static description of a code (the `curl_easy_strerror` of this library).
    pub fn describe(self) -> &'static str {
        match self {
            WD_E::None => "no error",
            WD_E::InvalidArgument => "invalid argument",
            WD_E::InvalidHandle => "invalid handle",
            WD_E::UnknownSession => "unknown session",
            WD_E::SessionExists => "session already exists",
            WD_E::NotSupported => "not supported",
            WD_E::RecursiveCall => "recursive call",
            WD_E::Cancelled => "cancelled",
            WD_E::Connect => "cannot connect",
            WD_E::Timeout => "timeout",
            WD_E::ConnectionLost => "connection lost",
            WD_E::Tls => "TLS error",
            WD_E::Auth => "authentication failed",
            WD_E::Protocol => "server refused the command",
            WD_E::RecipientRefused => "recipient refused",
            WD_E::Message => "invalid message",
            WD_E::Io => "file I/O error",
            WD_E::Internal => "internal error",
        }
    }

    /// Converts a number back to a code; unknown numbers give `None`.
    pub fn from_i32(v: i32) -> Option<WD_E> {
        use WD_E::*;
        [
            None,
            InvalidArgument,
            InvalidHandle,
            UnknownSession,
            SessionExists,
            NotSupported,
            RecursiveCall,
            Cancelled,
            Connect,
            Timeout,
            ConnectionLost,
            Tls,
            Auth,
            Protocol,
            RecipientRefused,
            Message,
            Io,
            Internal,
        ]
        .into_iter()
        .find(|c| *c as i32 == v)
    }
}

/// Error of the safe core: a code, a one-line message and, when the server answered,
/// its reply verbatim (or the OS error text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub code: WD_E,
    pub message: String,
    pub system: Option<String>,
}

impl Error {
    pub fn new(code: WD_E, message: impl Into<String>) -> Error {
        Error {
            code,
            message: message.into(),
            system: None,
        }
    }

    /// Adds the server's reply or OS error text.
    pub fn with_system(mut self, system: impl Into<String>) -> Error {
        self.system = Some(system.into());
        self
    }

    pub fn invalid_arg(message: impl Into<String>) -> Error {
        Error::new(WD_E::InvalidArgument, message)
    }

    pub fn not_supported(message: impl Into<String>) -> Error {
        Error::new(WD_E::NotSupported, message)
    }

    pub fn message(message: impl Into<String>) -> Error {
        Error::new(WD_E::Message, message)
    }

    pub fn internal(message: impl Into<String>) -> Error {
        Error::new(WD_E::Internal, message)
    }

    /// A refused command: `what` says what was attempted, `reply` is the server's reply.
    pub fn protocol(what: impl Into<String>, reply: impl Into<String>) -> Error {
        let reply = reply.into();
        Error::new(
            WD_E::Protocol,
            format!("{}: {}", what.into(), reply.trim_end()),
        )
        .with_system(reply)
    }

    /// Everything about the error on several lines (`WD_ERR_FULL_DETAILS`): the code and
    /// its description, the message, and the server's reply or OS error when there is one.
    pub fn full_details(&self) -> String {
        let mut full = format!(
            "Error {} ({})\nMessage: {}",
            self.code as i32,
            self.code.describe(),
            self.message
        );
        if let Some(system) = self.system.as_deref().filter(|s| !s.is_empty()) {
            full.push_str("\nSystem: ");
            full.push_str(system.trim_end());
        }
        full
    }

    /// A local file error; `path` and the OS error are included.
    pub fn io(what: &str, path: &str, e: &std::io::Error) -> Error {
        Error::new(WD_E::Io, format!("{what} {path}: {e}")).with_system(e.to_string())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Result alias of the safe core.
pub type Result<T> = std::result::Result<T, Error>;
