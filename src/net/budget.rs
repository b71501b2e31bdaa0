//! The memory budget of one reply (docs/API.md §9, `WD_PROP_MAX_MESSAGE_SIZE`): the bytes a
//! command's reply may bring into memory — its untagged or unsolicited data, its literals,
//! its multi-line body — counted as they are read, and checked before a announced size is
//! read. Past it the reply is refused with `WD_E_PROTOCOL` (the caller then closes the
//! connection: it stopped in the middle of a reply).

use crate::error::{Error, Result, WD_E};

/// What a reply may bring besides the data the command asked for: untagged noise (EXISTS,
/// EXPUNGE, flag updates, `* OK` lines), status lines, framing.
pub const NOISE_ALLOWANCE: u64 = 4 << 20;

/// The bytes a reply may still bring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    limit: u64,
    used: u64,
}

impl Budget {
    /// A budget of `limit` bytes.
    pub fn new(limit: u64) -> Budget {
        Budget { limit, used: 0 }
    }

    /// The fixed allowance of a reply that carries no message ([`NOISE_ALLOWANCE`]).
    pub fn noise() -> Budget {
        Budget::new(NOISE_ALLOWANCE)
    }

    /// Raises the limit by `bytes` (the payload a command asked for).
    pub fn extend(&mut self, bytes: u64) {
        self.limit = self.limit.saturating_add(bytes);
    }

    pub fn limit(&self) -> u64 {
        self.limit
    }

    pub fn used(&self) -> u64 {
        self.used
    }

    /// Bytes still allowed.
    pub fn left(&self) -> u64 {
        self.limit.saturating_sub(self.used)
    }

    /// Counts `n` bytes of `what` ("IMAP reply", …). Past the limit: `WD_E_PROTOCOL`
    /// "IMAP reply larger than N bytes" (nothing is counted then).
    pub fn charge(&mut self, n: u64, what: &str) -> Result<()> {
        match self.used.checked_add(n).filter(|&u| u <= self.limit) {
            Some(u) => {
                self.used = u;
                Ok(())
            }
            None => Err(Error::new(
                WD_E::Protocol,
                format!(
                    "{what} larger than {} bytes (refused; the connection is closed)",
                    self.limit
                ),
            )),
        }
    }
}

/// The payload budget of fetching messages whose listed sizes are `sizes`, at most
/// `max_message` bytes each: what the listed sizes announce (with a quarter and 64 KiB
/// per message of slack for servers whose sizes are approximate), and never less than one
/// whole message. A server announcing small sizes and sending large messages is stopped
/// after about one message; honest read-ahead batches fit.
pub fn fetch_payload(sizes: impl IntoIterator<Item = u64>, max_message: u64) -> u64 {
    let mut listed = 0u64;
    let mut count = 0u64;
    for s in sizes {
        listed = listed.saturating_add(s.min(max_message));
        count += 1;
    }
    let slack = (listed / 4).saturating_add(count.saturating_mul(64 << 10));
    listed.saturating_add(slack).max(max_message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charge_up_to_the_limit() {
        let mut b = Budget::new(10);
        b.charge(4, "reply").unwrap();
        b.charge(6, "reply").unwrap();
        assert_eq!(b.left(), 0);
        let e = b.charge(1, "IMAP reply").unwrap_err();
        assert_eq!(e.code, WD_E::Protocol);
        assert!(
            e.message.starts_with("IMAP reply larger than 10 bytes"),
            "{e:?}"
        );
        assert_eq!(b.used(), 10);
        b.extend(5);
        b.charge(5, "reply").unwrap();
        assert!(b.charge(u64::MAX, "reply").is_err());
        let mut huge = Budget::new(u64::MAX);
        huge.extend(1);
        assert_eq!(huge.limit(), u64::MAX);
    }

    #[test]
    fn fetch_payload_follows_the_listed_sizes() {
        let max = 256 << 20;
        assert_eq!(fetch_payload([], max), max);
        assert_eq!(fetch_payload([1, 1, 1], max), max, "one message at least");
        let honest = vec![1 << 20; 300];
        let p = fetch_payload(honest.iter().copied(), max);
        assert!(p > 300 << 20 && p < 400 << 20, "{p}");
        // An oversize listed message counts as the largest allowed.
        assert_eq!(fetch_payload([u64::MAX], max), max + (max / 4) + (64 << 10));
    }
}
