//! POP3 APOP (RFC 1939 §7): a digest of the greeting's timestamp and the password.

use md5::{Digest, Md5};

/// POP3 APOP digest (RFC 1939): lowercase hex MD5 of `timestamp` (with its angle
/// brackets) followed by the password.
pub fn apop_digest(timestamp: &str, pass: &str) -> String {
    let mut h = Md5::new();
    h.update(timestamp.as_bytes());
    h.update(pass.as_bytes());
    super::mechanism::hex(&h.finalize())
}

/// Extracts the APOP timestamp "<…@…>" from a POP3 greeting, if any.
pub fn apop_timestamp(greeting: &str) -> Option<&str> {
    let start = greeting.find('<')?;
    let len = greeting[start..].find('>')?;
    let ts = &greeting[start..=start + len];
    if ts.contains('@') { Some(ts) } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apop_rfc1939() {
        assert_eq!(
            apop_digest("<1896.697170952@dbc.mtview.ca.us>", "tanstaaf"),
            "c4c9334bac560ecc979e58001b3e22fb"
        );
        assert_eq!(
            apop_timestamp("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>"),
            Some("<1896.697170952@dbc.mtview.ca.us>")
        );
        assert_eq!(apop_timestamp("+OK ready"), None);
        assert_eq!(apop_timestamp("+OK <no-at-sign>"), None);
        assert_eq!(apop_timestamp("+OK <unterminated@x"), None);
    }
}
