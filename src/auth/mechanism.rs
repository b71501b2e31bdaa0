//! The SASL mechanisms as pure functions: every client response is built here,
//! base64-encoded, ready to be sent on the wire (as the initial response or as the reply
//! to a "334"/"+" challenge). No state and no I/O: the exchange
//! ([`mod@super::exchange`]) decides which function answers which challenge.

use super::scram::ScramHash;
use crate::error::{Error, Result, WD_E};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, Mac};
use md5::Md5;

/// A SASL mechanism supported by the clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mechanism {
    /// RFC 4616: authzid NUL user NUL password, one response.
    Plain,
    /// Non-standard LOGIN: user name then password, each in reply to a challenge.
    Login,
    /// RFC 2195: HMAC-MD5 of the server challenge; the password is never sent.
    CramMd5,
    /// Google/Microsoft XOAUTH2 bearer token.
    XOAuth2,
    /// RFC 7628 OAUTHBEARER.
    OAuthBearer,
    /// RFC 7677 SCRAM-SHA-256: salted challenge-response, the server proves itself too.
    ScramSha256,
    /// RFC 5802 SCRAM-SHA-1.
    ScramSha1,
}

impl Mechanism {
    /// Every mechanism, in no particular order.
    pub const ALL: [Mechanism; 7] = [
        Mechanism::Plain,
        Mechanism::Login,
        Mechanism::CramMd5,
        Mechanism::XOAuth2,
        Mechanism::OAuthBearer,
        Mechanism::ScramSha256,
        Mechanism::ScramSha1,
    ];

    /// The SASL name as written on the wire ("PLAIN", "CRAM-MD5", …).
    pub fn name(self) -> &'static str {
        match self {
            Mechanism::Plain => "PLAIN",
            Mechanism::Login => "LOGIN",
            Mechanism::CramMd5 => "CRAM-MD5",
            Mechanism::XOAuth2 => "XOAUTH2",
            Mechanism::OAuthBearer => "OAUTHBEARER",
            Mechanism::ScramSha256 => "SCRAM-SHA-256",
            Mechanism::ScramSha1 => "SCRAM-SHA-1",
        }
    }

    /// Parses a SASL name, case-insensitively, surrounding spaces ignored.
    pub fn parse(s: &str) -> Option<Mechanism> {
        let s = s.trim();
        Mechanism::ALL
            .into_iter()
            .find(|m| m.name().eq_ignore_ascii_case(s))
    }

    /// True for the token mechanisms (XOAUTH2, OAUTHBEARER).
    pub fn uses_token(self) -> bool {
        matches!(self, Mechanism::XOAuth2 | Mechanism::OAuthBearer)
    }

    /// The hash of a SCRAM mechanism.
    pub fn scram(self) -> Option<ScramHash> {
        match self {
            Mechanism::ScramSha256 => Some(ScramHash::Sha256),
            Mechanism::ScramSha1 => Some(ScramHash::Sha1),
            _ => None,
        }
    }

    /// True when the client speaks first (PLAIN, SCRAM, XOAUTH2, OAUTHBEARER): its first
    /// message can go with the command as the initial response.
    pub fn client_first(self) -> bool {
        !matches!(self, Mechanism::Login | Mechanism::CramMd5)
    }
}

impl std::fmt::Display for Mechanism {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

fn b64(data: &[u8]) -> String {
    B64.encode(data)
}

/// PLAIN response: base64 of `authzid NUL user NUL pass` (`authzid` usually empty).
pub fn plain(authzid: &str, user: &str, pass: &str) -> String {
    let mut v = Vec::with_capacity(authzid.len() + user.len() + pass.len() + 2);
    v.extend_from_slice(authzid.as_bytes());
    v.push(0);
    v.extend_from_slice(user.as_bytes());
    v.push(0);
    v.extend_from_slice(pass.as_bytes());
    b64(&v)
}

/// LOGIN response to the first ("Username:") challenge.
pub fn login_user(user: &str) -> String {
    b64(user.as_bytes())
}

/// LOGIN response to the second ("Password:") challenge.
pub fn login_pass(pass: &str) -> String {
    b64(pass.as_bytes())
}

/// Decodes a base64 server challenge; surrounding white space is ignored.
fn decode_b64(challenge_b64: &str) -> Option<Vec<u8>> {
    let c = challenge_b64.trim();
    B64.decode(c).ok().or_else(|| {
        base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(c)
            .ok()
    })
}

pub(super) fn hex(bytes: &[u8]) -> String {
    const D: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(D[(b >> 4) as usize] as char);
        s.push(D[(b & 15) as usize] as char);
    }
    s
}

/// CRAM-MD5 response: base64 of "user hex(HMAC-MD5(pass, challenge))", where the
/// challenge is the server's base64 text. A challenge that is not base64 gives
/// [`WD_E::Auth`].
pub fn cram_md5(user: &str, pass: &str, challenge_b64: &str) -> Result<String> {
    let challenge = decode_b64(challenge_b64)
        .ok_or_else(|| Error::new(WD_E::Auth, "invalid CRAM-MD5 challenge (not base64)"))?;
    let mut mac = Hmac::<Md5>::new_from_slice(pass.as_bytes())
        .map_err(|_| Error::internal("HMAC key rejected"))?;
    mac.update(&challenge);
    let digest = mac.finalize().into_bytes();
    Ok(b64(format!("{user} {}", hex(&digest)).as_bytes()))
}

/// XOAUTH2 response: base64 of "user=U\x01auth=Bearer T\x01\x01".
pub fn xoauth2(user: &str, token: &str) -> String {
    b64(format!("user={user}\x01auth=Bearer {token}\x01\x01").as_bytes())
}

/// RFC 5801 saslname escaping of the authzid: "," → "=2C", "=" → "=3D".
fn saslname(s: &str) -> String {
    s.replace('=', "=3D").replace(',', "=2C")
}

/// OAUTHBEARER (RFC 7628) initial response: base64 of
/// "n,a=user,\x01host=H\x01port=P\x01auth=Bearer T\x01\x01".
pub fn oauthbearer(user: &str, token: &str, host: &str, port: u16) -> String {
    b64(oauthbearer_raw(user, token, host, port).as_bytes())
}

/// The OAUTHBEARER message before base64 (for tests and traces that mask the token).
pub fn oauthbearer_raw(user: &str, token: &str, host: &str, port: u16) -> String {
    format!(
        "n,a={},\x01host={host}\x01port={port}\x01auth=Bearer {token}\x01\x01",
        saslname(user)
    )
}

/// The response a client sends to abort after a failed XOAUTH2/OAUTHBEARER: the
/// server's error challenge is answered by an empty response (XOAUTH2) or "\x01"
/// (OAUTHBEARER, RFC 7628 3.2.3), both base64.
pub fn oauth_abort(mech: Mechanism) -> String {
    match mech {
        Mechanism::OAuthBearer => b64(b"\x01"),
        _ => String::new(),
    }
}

/// Decodes a server challenge for display (the JSON error of XOAUTH2/OAUTHBEARER);
/// invalid UTF-8 is replaced, a challenge that is not base64 is returned as is.
pub fn decode_challenge(b64_text: &str) -> String {
    match decode_b64(b64_text) {
        Some(v) => String::from_utf8_lossy(&v).into_owned(),
        None => b64_text.trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Vec<u8> {
        B64.decode(s).unwrap()
    }

    #[test]
    fn names_round_trip() {
        for m in Mechanism::ALL {
            assert_eq!(Mechanism::parse(m.name()), Some(m));
            assert_eq!(Mechanism::parse(&m.name().to_lowercase()), Some(m));
        }
        assert_eq!(Mechanism::parse(" cram-md5 "), Some(Mechanism::CramMd5));
        assert_eq!(Mechanism::parse("GSSAPI"), None);
        assert_eq!(
            Mechanism::parse("scram-sha-256"),
            Some(Mechanism::ScramSha256)
        );
        assert_eq!(Mechanism::parse("SCRAM-SHA-1"), Some(Mechanism::ScramSha1));
        assert_eq!(Mechanism::parse("SCRAM-SHA-1-PLUS"), None);
        assert_eq!(Mechanism::ScramSha1.scram(), Some(ScramHash::Sha1));
        assert!(Mechanism::ScramSha256.client_first() && !Mechanism::ScramSha256.uses_token());
        assert_eq!(Mechanism::CramMd5.to_string(), "CRAM-MD5");
        assert!(Mechanism::XOAuth2.uses_token());
        assert!(!Mechanism::Plain.uses_token());
        assert!(Mechanism::Plain.client_first() && Mechanism::OAuthBearer.client_first());
        assert!(!Mechanism::Login.client_first() && !Mechanism::CramMd5.client_first());
    }

    #[test]
    fn plain_rfc4616() {
        // RFC 4616 section 4 examples.
        assert_eq!(
            dec(&plain("", "tim", "tanstaaftanstaaf")),
            b"\0tim\0tanstaaftanstaaf"
        );
        assert_eq!(
            dec(&plain("Ursel", "Kurt", "xipj3plmq")),
            b"Ursel\0Kurt\0xipj3plmq"
        );
        assert_eq!(
            plain("", "tim", "tanstaaftanstaaf"),
            "AHRpbQB0YW5zdGFhZnRhbnN0YWFm"
        );
    }

    #[test]
    fn login_parts() {
        assert_eq!(login_user("tim"), "dGlt");
        assert_eq!(login_pass("tanstaaf"), "dGFuc3RhYWY=");
        assert_eq!(login_user(""), "");
    }

    #[test]
    fn cram_md5_rfc2195() {
        let challenge = B64.encode("<1896.697170952@postoffice.reston.mci.net>");
        assert_eq!(
            challenge,
            "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+"
        );
        let r = cram_md5("tim", "tanstaaftanstaaf", &challenge).unwrap();
        assert_eq!(dec(&r), b"tim b913a602c7eda7a495b4e6e7334d3890");
        assert_eq!(r, "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
        // Trailing white space in the challenge line is tolerated.
        let r2 = cram_md5("tim", "tanstaaftanstaaf", &format!("{challenge} \r\n")).unwrap();
        assert_eq!(r, r2);
    }

    #[test]
    fn cram_md5_bad_challenge() {
        let e = cram_md5("tim", "x", "not base64 !!").unwrap_err();
        assert_eq!(e.code, WD_E::Auth);
    }

    #[test]
    fn cram_md5_long_key() {
        // Keys longer than the MD5 block (64 bytes) are hashed first (RFC 2104).
        let key = "k".repeat(100);
        let r = cram_md5("u", &key, &B64.encode("c")).unwrap();
        let text = String::from_utf8(dec(&r)).unwrap();
        assert!(text.starts_with("u "));
        assert_eq!(text.len(), 2 + 32);
    }

    #[test]
    fn xoauth2_format() {
        let r = xoauth2(
            "someuser@example.com",
            "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg",
        );
        assert_eq!(
            dec(&r),
            b"user=someuser@example.com\x01auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01"
        );
    }

    #[test]
    fn oauthbearer_rfc7628() {
        // RFC 7628 section 4.1 example.
        let raw = oauthbearer_raw(
            "user@example.com",
            "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==",
            "server.example.com",
            143,
        );
        assert_eq!(
            raw,
            "n,a=user@example.com,\x01host=server.example.com\x01port=143\x01auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01"
        );
        let r = oauthbearer(
            "user@example.com",
            "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==",
            "server.example.com",
            143,
        );
        assert_eq!(
            r,
            "bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB"
        );
        assert_eq!(dec(&r), raw.as_bytes());
        // Escaping of the authzid.
        assert!(oauthbearer_raw("a,b=c", "t", "h", 1).starts_with("n,a=a=2Cb=3Dc,\x01"));
        assert_eq!(dec(&oauth_abort(Mechanism::OAuthBearer)), b"\x01");
        assert_eq!(oauth_abort(Mechanism::XOAuth2), "");
    }

    #[test]
    fn decode_challenge_cases() {
        // RFC 7628 section 4.3 error example.
        let c = "eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIiwic2NvcGUiOiJleGFtcGxlX3Njb3BlIiwib3BlbmlkLWNvbmZpZ3VyYXRpb24iOiJodHRwczovL2V4YW1wbGUuY29tLy53ZWxsLWtub3duL29wZW5pZC1jb25maWd1cmF0aW9uIn0=";
        assert_eq!(
            decode_challenge(c),
            r#"{"status":"invalid_token","scope":"example_scope","openid-configuration":"https://example.com/.well-known/openid-configuration"}"#
        );
        assert_eq!(decode_challenge("VXNlcm5hbWU6"), "Username:");
        assert_eq!(decode_challenge("VXNlcm5hbWU6\r\n"), "Username:");
        assert_eq!(decode_challenge("/w=="), "\u{fffd}");
        assert_eq!(decode_challenge("not base64!"), "not base64!");
        assert_eq!(decode_challenge(""), "");
    }
}
