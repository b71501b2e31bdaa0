//! What a fake server saw and did, returned by `FakeServer::join`.

/// What happened on the connection(s).
#[derive(Debug, Clone, Default)]
pub struct Transcript {
    /// Every application byte the client sent (decrypted when TLS).
    pub received: Vec<u8>,
    /// Every byte the server wrote (before encryption).
    pub sent: Vec<u8>,
    /// Client lines read by line steps (expect*, BDAT commands, literal
    /// commands), without line terminator. DATA/BDAT payloads are not here.
    pub lines: Vec<String>,
    /// Number of client flights (see module docs).
    pub flights: usize,
    /// Expectation mismatches, timeouts, unexpected EOF, I/O errors.
    pub failures: Vec<String>,
    /// The client closed the connection while the script was running
    /// (for a multi-connection server: every connection).
    pub client_closed: bool,
    /// Raw bodies read by `expect_data` (dot-stuffed, no terminator).
    pub data_bodies: Vec<Vec<u8>>,
    /// Chunks read by `expect_bdat` / `expect_bdat_last`.
    pub bdat_chunks: Vec<Vec<u8>>,
    /// Whole commands read by `expect_literal_line`, literals included.
    pub literal_commands: Vec<Vec<u8>>,
    /// Per-connection transcripts (only in the value returned by `join`).
    pub sessions: Vec<Transcript>,
}

impl Transcript {
    pub fn is_ok(&self) -> bool {
        self.failures.is_empty()
    }

    /// Panics with the failures and what the client sent if any failure was
    /// recorded.
    #[track_caller]
    pub fn assert_ok(&self) -> &Self {
        if !self.failures.is_empty() {
            panic!("fake server script failed:\n{}", self.report());
        }
        self
    }

    /// Human readable summary (failures, lines, raw received bytes).
    pub fn report(&self) -> String {
        let mut s = String::new();
        s.push_str("failures:\n");
        for f in &self.failures {
            s.push_str(&format!("  - {f}\n"));
        }
        s.push_str(&format!(
            "flights: {}, client_closed: {}\nclient lines:\n",
            self.flights, self.client_closed
        ));
        for l in &self.lines {
            s.push_str(&format!("  C: {:?}\n", truncate(l, 300)));
        }
        s.push_str(&format!(
            "received ({} bytes): {:?}\n",
            self.received.len(),
            preview(&self.received)
        ));
        s.push_str(&format!(
            "sent ({} bytes): {:?}\n",
            self.sent.len(),
            preview(&self.sent)
        ));
        s
    }

    /// `received` as (lossy) text.
    pub fn received_text(&self) -> String {
        String::from_utf8_lossy(&self.received).into_owned()
    }

    /// `sent` as (lossy) text.
    pub fn sent_text(&self) -> String {
        String::from_utf8_lossy(&self.sent).into_owned()
    }

    /// First client line starting with `prefix` (ASCII case-insensitive).
    pub fn line(&self, prefix: &str) -> Option<&str> {
        self.lines
            .iter()
            .find(|l| starts_with_ci(l.as_bytes(), prefix.as_bytes()))
            .map(|s| s.as_str())
    }

    pub fn has_line(&self, prefix: &str) -> bool {
        self.line(prefix).is_some()
    }

    /// All BDAT chunks concatenated.
    pub fn bdat_message(&self) -> Vec<u8> {
        self.bdat_chunks.concat()
    }
}

pub(super) fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...(+{} bytes)", &s[..end], s.len() - end)
}

pub(super) fn preview(b: &[u8]) -> String {
    truncate(&String::from_utf8_lossy(b), 4000)
}

pub(super) fn starts_with_ci(line: &[u8], prefix: &[u8]) -> bool {
    line.len() >= prefix.len() && line[..prefix.len()].eq_ignore_ascii_case(prefix)
}
