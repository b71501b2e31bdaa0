//! The steps of a script and the builder that lists them.

use super::DEFAULT_BDAT_REPLY;
use super::conn::Conn;
use super::transcript::preview;
use std::time::Duration;

pub(super) type CustomFn = Box<dyn FnOnce(&mut Conn) -> Result<(), String> + Send + 'static>;

pub(super) enum Step {
    Send(Vec<u8>),
    Expect(String),
    ExpectAny,
    ExpectData,
    ExpectBdat,
    ExpectBdatLast(Vec<u8>),
    ExpectLiteralLine(String),
    ExpectClosed,
    StartTls,
    Close,
    Stall(Duration),
    StallForever,
    SendGarbage(usize),
    SendLongLine(Vec<u8>, usize),
    Trickle(Vec<u8>, Duration),
    Flood(Vec<u8>, u64),
    DrainUntilClosed,
    ReadTimeout(Duration),
    FlightGrace(Duration),
    RawTags,
    Custom(CustomFn),
}

impl Step {
    pub(super) fn describe(&self) -> String {
        match self {
            Step::Send(b) => format!("send {:?}", preview(b)),
            Step::Expect(p) => format!("expect {p:?}"),
            Step::ExpectAny => "expect_any".into(),
            Step::ExpectData => "expect_data".into(),
            Step::ExpectBdat => "expect_bdat".into(),
            Step::ExpectBdatLast(_) => "expect_bdat_last".into(),
            Step::ExpectLiteralLine(p) => format!("expect_literal_line {p:?}"),
            Step::ExpectClosed => "expect_closed".into(),
            Step::StartTls => "starttls".into(),
            Step::Close => "close".into(),
            Step::Stall(d) => format!("stall {d:?}"),
            Step::StallForever => "stall_forever".into(),
            Step::SendGarbage(n) => format!("send_garbage {n}"),
            Step::SendLongLine(_, n) => format!("send_long_line {n}"),
            Step::Trickle(b, d) => format!("trickle {:?} every {d:?}", preview(b)),
            Step::Flood(b, n) => format!("flood {:?} up to {n} bytes", preview(b)),
            Step::DrainUntilClosed => "drain_until_closed".into(),
            Step::ReadTimeout(d) => format!("read_timeout {d:?}"),
            Step::FlightGrace(d) => format!("flight_grace {d:?}"),
            Step::RawTags => "raw_tags".into(),
            Step::Custom(_) => "custom".into(),
        }
    }

    pub(super) fn is_setting(&self) -> bool {
        matches!(
            self,
            Step::ReadTimeout(_) | Step::FlightGrace(_) | Step::RawTags
        )
    }
}

/// Builder of the steps played against one connection.
#[derive(Default)]
pub struct Script {
    pub(super) steps: Vec<Step>,
}

impl Script {
    pub fn new() -> Self {
        Self::default()
    }

    pub(super) fn step(mut self, s: Step) -> Self {
        self.steps.push(s);
        self
    }

    /// Number of steps.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Appends all steps of `other`.
    pub fn then(mut self, other: Script) -> Self {
        self.steps.extend(other.steps);
        self
    }

    /// Writes `text` as is (include the CRLF yourself).
    pub fn send(self, text: impl AsRef<str>) -> Self {
        self.step(Step::Send(text.as_ref().as_bytes().to_vec()))
    }

    /// Writes `text` followed by CRLF.
    pub fn send_line(self, text: impl AsRef<str>) -> Self {
        let mut b = text.as_ref().as_bytes().to_vec();
        b.extend_from_slice(b"\r\n");
        self.step(Step::Send(b))
    }

    /// Writes raw bytes.
    pub fn send_bytes(self, bytes: impl AsRef<[u8]>) -> Self {
        self.step(Step::Send(bytes.as_ref().to_vec()))
    }

    /// Reads one line; fails unless it starts with `prefix` (ASCII
    /// case-insensitive).
    pub fn expect(self, prefix: impl Into<String>) -> Self {
        self.step(Step::Expect(prefix.into()))
    }

    /// Reads one line, whatever it is.
    pub fn expect_any(self) -> Self {
        self.step(Step::ExpectAny)
    }

    /// Reads an SMTP DATA body up to the "." line. The raw body (still
    /// dot-stuffed, terminator excluded) goes to `Transcript::data_bodies`.
    pub fn expect_data(self) -> Self {
        self.step(Step::ExpectData)
    }

    /// Reads `BDAT <n> [LAST]` then exactly n bytes, recorded in
    /// `Transcript::bdat_chunks`. Sends nothing.
    pub fn expect_bdat(self) -> Self {
        self.step(Step::ExpectBdat)
    }

    /// Reads BDAT chunks until a LAST one, replying [`DEFAULT_BDAT_REPLY`]
    /// after each non-LAST chunk (the reply to the LAST chunk is up to the
    /// script).
    pub fn expect_bdat_last(self) -> Self {
        self.step(Step::ExpectBdatLast(DEFAULT_BDAT_REPLY.as_bytes().to_vec()))
    }

    /// Like [`Script::expect_bdat_last`] with a custom per-chunk reply.
    pub fn expect_bdat_last_reply(self, reply: impl AsRef<str>) -> Self {
        self.step(Step::ExpectBdatLast(reply.as_ref().as_bytes().to_vec()))
    }

    /// IMAP command with literals: reads a line starting with `prefix`;
    /// while the line ends with `{n}` / `{n+}` (optionally `~{n}`), sends
    /// [`LITERAL_CONTINUATION`] for the synchronizing form, reads n bytes
    /// and the rest of the line. The whole command is recorded in
    /// `Transcript::literal_commands` and (lossily) in `lines`.
    pub fn expect_literal_line(self, prefix: impl Into<String>) -> Self {
        self.step(Step::ExpectLiteralLine(prefix.into()))
    }

    /// Fails unless the client closes the connection without sending
    /// anything more (within the read timeout).
    pub fn expect_closed(self) -> Self {
        self.step(Step::ExpectClosed)
    }

    /// Server-side TLS handshake on the current connection (STARTTLS /
    /// STLS). Fails if the client already sent plaintext after the command.
    pub fn starttls(self) -> Self {
        self.step(Step::StartTls)
    }

    /// Reads (and records) everything until the client closes. Fails if the
    /// client stays silent for longer than the read timeout.
    pub fn drain_until_closed(self) -> Self {
        self.step(Step::DrainUntilClosed)
    }

    /// Read timeout for the FOLLOWING steps (put it first to cover the whole
    /// script, including the implicit TLS handshake).
    pub fn read_timeout(self, d: Duration) -> Self {
        self.step(Step::ReadTimeout(d))
    }

    /// Grace period for flight merging for the following steps
    /// (`Duration::ZERO` disables it).
    pub fn flight_grace(self, d: Duration) -> Self {
        self.step(Step::FlightGrace(d))
    }

    /// Anything else: the closure gets the connection; an `Err` is recorded
    /// as a failure and ends the script.
    pub fn custom<F>(self, f: F) -> Self
    where
        F: FnOnce(&mut Conn) -> Result<(), String> + Send + 'static,
    {
        self.step(Step::Custom(Box::new(f)))
    }
}
