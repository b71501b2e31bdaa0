//! IMAP tags: the client tags its commands with a random per-connection prefix
//! (`Q7K2ZP0M.0001`), which no script can know. The server shows scripts the tags in a
//! fixed form instead — `A0001` for the client's first command — and turns the fixed form
//! back into the client's at the start of each line it sends. Scripts keep writing
//! `expect("A0001 LOGIN")` and `send("A0001 OK done\r\n")`. [`Script::raw_tags`] turns the
//! translation off (to send a tag-like line the client must not take for its own).

use super::script::{Script, Step};

/// Length of the client's random prefix (before the dot).
const PREFIX_LEN: usize = 8;

/// The translation state of one connection.
#[derive(Debug, Default)]
pub(super) struct Tags {
    /// The client's prefix with its dot, once seen.
    prefix: Option<Vec<u8>>,
    pub(super) raw: bool,
    /// The next byte sent starts a line.
    mid_line: bool,
}

/// `PREFIXXX.0001 …` → (prefix with its dot, digits start).
fn split_client_tag(line: &[u8]) -> Option<usize> {
    let dot = PREFIX_LEN;
    if line.len() <= dot + 4
        || !line[..dot]
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        || line[dot] != b'.'
    {
        return None;
    }
    let digits = line[dot + 1..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let end = dot + 1 + digits;
    (digits >= 4 && matches!(line.get(end), None | Some(b' ' | b'\r' | b'\n'))).then_some(dot + 1)
}

impl Tags {
    /// A line from the client, its tag in the fixed form.
    pub(super) fn inbound(&mut self, line: Vec<u8>) -> Vec<u8> {
        if self.raw {
            return line;
        }
        let Some(digits) = split_client_tag(&line) else {
            return line;
        };
        self.prefix = Some(line[..digits].to_vec());
        let mut out = b"A".to_vec();
        out.extend_from_slice(&line[digits..]);
        out
    }

    /// Bytes for the client: `A0001 ` at a line start becomes the client's tag.
    pub(super) fn outbound(&mut self, bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(bytes.len() + 16);
        for (i, &b) in bytes.iter().enumerate() {
            if !self.mid_line
                && b == b'A'
                && !self.raw
                && let Some(prefix) = &self.prefix
            {
                let rest = &bytes[i + 1..];
                let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
                if digits >= 4 && rest.get(digits) == Some(&b' ') {
                    out.extend_from_slice(prefix);
                    self.mid_line = true;
                    continue;
                }
            }
            out.push(b);
            self.mid_line = b != b'\n';
        }
        out
    }
}

impl Script {
    /// Setting: IMAP tags go through untranslated from here on (see the module).
    pub fn raw_tags(self) -> Self {
        self.step(Step::RawTags)
    }
}
