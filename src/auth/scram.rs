//! SCRAM-SHA-256 (RFC 7677) and SCRAM-SHA-1 (RFC 5802), client side, without I/O and
//! without channel binding (gs2 header "n,,").
//!
//! The client sends `n,,n=USER,r=CNONCE`; the server answers `r=NONCE,s=SALT,i=COUNT`;
//! the client proves it knows the password (`c=biws,r=NONCE,p=PROOF`) and the server
//! proves it knows it too (`v=SIGNATURE`), which the client checks: a server that
//! cannot prove it is not trusted, whatever it says next.
//!
//! The password is prepared with [`saslprep`](super::saslprep::saslprep) (see there
//! for what is applied); the user name is sent as given, `=` and `,` escaped.

use super::saslprep::saslprep;
use crate::error::{Error, Result, WD_E};
use crate::text::quoted;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

/// Most PBKDF2 iterations a server may ask for: bounds the time a server can make the
/// client spend (about a second at this count). Dovecot asks 4096.
pub const MAX_ITERATIONS: u32 = 1_000_000;

/// The hash function of a SCRAM mechanism.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScramHash {
    Sha1,
    Sha256,
}

fn keyed<M: Mac + KeyInit>(key: &[u8]) -> Result<M> {
    <M as Mac>::new_from_slice(key).map_err(|_| Error::internal("HMAC key rejected"))
}

fn mac<M: Mac + KeyInit>(key: &[u8], data: &[u8]) -> Result<Vec<u8>> {
    let mut m = keyed::<M>(key)?;
    m.update(data);
    Ok(m.finalize().into_bytes().to_vec())
}

/// PBKDF2 (RFC 8018) with the HMAC `M`, one block of output (SCRAM's `Hi`).
fn pbkdf2<M: Mac + KeyInit + Clone>(password: &[u8], salt: &[u8], rounds: u32) -> Result<Vec<u8>> {
    let prf = keyed::<M>(password)?;
    let mut m = prf.clone();
    m.update(salt);
    m.update(&1u32.to_be_bytes());
    let mut u = m.finalize().into_bytes();
    let mut out = u.clone();
    for _ in 1..rounds {
        let mut m = prf.clone();
        m.update(&u);
        u = m.finalize().into_bytes();
        out.iter_mut().zip(u.iter()).for_each(|(o, x)| *o ^= x);
    }
    Ok(out.to_vec())
}

impl ScramHash {
    fn hmac(self, key: &[u8], data: &[u8]) -> Result<Vec<u8>> {
        match self {
            ScramHash::Sha1 => mac::<Hmac<Sha1>>(key, data),
            ScramHash::Sha256 => mac::<Hmac<Sha256>>(key, data),
        }
    }

    fn hash(self, data: &[u8]) -> Vec<u8> {
        match self {
            ScramHash::Sha1 => Sha1::digest(data).to_vec(),
            ScramHash::Sha256 => Sha256::digest(data).to_vec(),
        }
    }

    fn salted_password(self, password: &[u8], salt: &[u8], rounds: u32) -> Result<Vec<u8>> {
        match self {
            ScramHash::Sha1 => pbkdf2::<Hmac<Sha1>>(password, salt, rounds),
            ScramHash::Sha256 => pbkdf2::<Hmac<Sha256>>(password, salt, rounds),
        }
    }
}

/// The verdict on the server's final message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerFinal {
    /// `v=` with the expected signature: the server knows the password.
    Verified,
    /// `e=`: the server refuses, with this reason.
    Refused(String),
}

/// One SCRAM authentication, client side. No `Debug`: it holds the password.
pub struct Scram {
    hash: ScramHash,
    password: String,
    nonce: String,
    first_bare: String,
    /// The signature the server must send, known once the client-final is built.
    server_signature: Option<Vec<u8>>,
}

/// RFC 5802 saslname: "=" → "=3D", "," → "=2C".
fn saslname(s: &str) -> String {
    s.replace('=', "=3D").replace(',', "=2C")
}

/// The `x=value` attributes of a SCRAM message, in order.
fn attributes(msg: &str) -> std::result::Result<Vec<(char, &str)>, String> {
    msg.split(',')
        .map(|a| {
            let mut cs = a.chars();
            match (cs.next(), cs.next()) {
                (Some(k), Some('=')) if k.is_ascii_alphabetic() => Ok((k, &a[2..])),
                _ => Err(format!("malformed SCRAM attribute {}", quoted(a))),
            }
        })
        .collect()
}

fn random_nonce() -> Result<String> {
    let mut buf = [0u8; 18];
    getrandom::getrandom(&mut buf)
        .map_err(|e| Error::internal(format!("no random numbers for the SCRAM nonce: {e}")))?;
    Ok(B64.encode(buf))
}

impl Scram {
    /// A new authentication of `user` with `password` and a random nonce. Fails with
    /// [`WD_E::Auth`] when the password holds a character SASLprep prohibits.
    pub fn new(hash: ScramHash, user: &str, password: &str) -> Result<Scram> {
        Scram::with_nonce(hash, user, password, &random_nonce()?)
    }

    /// As [`Scram::new`] with a given client nonce (printable ASCII without ","): for
    /// the test vectors.
    pub fn with_nonce(hash: ScramHash, user: &str, password: &str, nonce: &str) -> Result<Scram> {
        let password = saslprep(password).map_err(|c| {
            Error::new(
                WD_E::Auth,
                format!(
                    "the password holds U+{:04X}, which SCRAM does not allow (RFC 4013)",
                    c as u32
                ),
            )
        })?;
        Ok(Scram {
            hash,
            password: password.into_owned(),
            nonce: nonce.to_string(),
            first_bare: format!("n={},r={nonce}", saslname(user)),
            server_signature: None,
        })
    }

    /// The client-first message: `n,,n=USER,r=CNONCE`.
    pub fn client_first(&self) -> String {
        format!("n,,{}", self.first_bare)
    }

    /// The client-final message answering the server-first message, or why the client
    /// cannot go on (it then cancels).
    pub fn client_final(&mut self, server_first: &str) -> std::result::Result<String, String> {
        let attrs = attributes(server_first)?;
        let get = |k: char| attrs.iter().find(|(a, _)| *a == k).map(|(_, v)| *v);
        if let Some(e) = get('e') {
            return Err(format!("the server sent the error {}", quoted(e)));
        }
        if attrs.first().is_some_and(|(k, _)| *k == 'm') {
            return Err("the server requires a SCRAM extension the client does not know".into());
        }
        let nonce = get('r').ok_or("the server sent no nonce")?;
        if !nonce.starts_with(&self.nonce) || nonce.len() <= self.nonce.len() {
            return Err("the server's nonce does not extend the client's".into());
        }
        let salt = get('s')
            .and_then(|s| B64.decode(s).ok())
            .filter(|s| !s.is_empty())
            .ok_or("the server sent no valid salt")?;
        let rounds = get('i')
            .and_then(|i| i.parse::<u32>().ok())
            .filter(|i| (1..=MAX_ITERATIONS).contains(i))
            .ok_or_else(|| {
                format!("the server's iteration count is not between 1 and {MAX_ITERATIONS}")
            })?;
        let without_proof = format!("c=biws,r={nonce}");
        let auth_message = format!("{},{server_first},{without_proof}", self.first_bare);
        let (proof, server_signature) = self
            .proofs(&salt, rounds, auth_message.as_bytes())
            .map_err(|e| e.message)?;
        self.server_signature = Some(server_signature);
        Ok(format!("{without_proof},p={}", B64.encode(proof)))
    }

    /// The client proof and the server signature expected for `auth_message`.
    fn proofs(&self, salt: &[u8], rounds: u32, auth_message: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
        let h = self.hash;
        let salted = h.salted_password(self.password.as_bytes(), salt, rounds)?;
        let client_key = h.hmac(&salted, b"Client Key")?;
        let client_signature = h.hmac(&h.hash(&client_key), auth_message)?;
        let proof = client_key
            .iter()
            .zip(&client_signature)
            .map(|(k, s)| k ^ s)
            .collect();
        let server_key = h.hmac(&salted, b"Server Key")?;
        Ok((proof, h.hmac(&server_key, auth_message)?))
    }

    /// Checks the server-final message. A signature that is not the expected one, or
    /// a message that is neither `v=` nor `e=`, is a [`WD_E::Auth`] error: the server
    /// did not prove it knows the password.
    pub fn server_final(&self, msg: &str) -> Result<ServerFinal> {
        let mismatch = |why: &str| {
            Error::new(
                WD_E::Auth,
                format!("SCRAM server signature mismatch: {why}; the server is not trusted"),
            )
            .with_system(msg.to_string())
        };
        let attrs = attributes(msg).map_err(|e| mismatch(&e))?;
        match attrs.first() {
            Some(('e', e)) => Ok(ServerFinal::Refused(e.to_string())),
            Some(('v', v)) => {
                let expected = self
                    .server_signature
                    .as_deref()
                    .ok_or_else(|| mismatch("signature sent before the client's proof"))?;
                let got = B64.decode(v).map_err(|_| mismatch("not base64"))?;
                let differs = got.len() != expected.len()
                    || got.iter().zip(expected).fold(0u8, |d, (a, b)| d | (a ^ b)) != 0;
                if differs {
                    return Err(mismatch("wrong signature"));
                }
                Ok(ServerFinal::Verified)
            }
            _ => Err(mismatch("no signature")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::assert_error;

    /// RFC 5802 §5: SCRAM-SHA-1, user "user", password "pencil".
    #[test]
    fn rfc5802_sha1_vector() {
        let mut s = Scram::with_nonce(
            ScramHash::Sha1,
            "user",
            "pencil",
            "fyko+d2lbbFgONRv9qkxdawL",
        )
        .unwrap();
        assert_eq!(s.client_first(), "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
        let cf = s
            .client_final("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096")
            .unwrap();
        assert_eq!(
            cf,
            "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="
        );
        assert_eq!(
            s.server_final("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=").unwrap(),
            ServerFinal::Verified
        );
    }

    /// RFC 7677 §3: SCRAM-SHA-256, user "user", password "pencil".
    #[test]
    fn rfc7677_sha256_vector() {
        let mut s =
            Scram::with_nonce(ScramHash::Sha256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO").unwrap();
        assert_eq!(s.client_first(), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
        let cf = s
            .client_final(
                "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
            )
            .unwrap();
        assert_eq!(
            cf,
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
             p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
        );
        assert_eq!(
            s.server_final("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
                .unwrap(),
            ServerFinal::Verified
        );
        // One bit off: mismatch.
        let e = s
            .server_final("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G5=")
            .unwrap_err();
        assert_error(&e, WD_E::Auth, "server signature mismatch");
        assert_eq!(
            e.system.as_deref(),
            Some("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G5=")
        );
    }

    #[test]
    fn server_final_cases() {
        let mut s = Scram::with_nonce(ScramHash::Sha256, "user", "pencil", "abc").unwrap();
        // Before the proof, no signature can be right.
        assert_error(
            &s.server_final("v=AAAA").unwrap_err(),
            WD_E::Auth,
            "before the client's proof",
        );
        s.client_final("r=abcdef,s=c2FsdA==,i=1").unwrap();
        assert_eq!(
            s.server_final("e=invalid-proof").unwrap(),
            ServerFinal::Refused("invalid-proof".into())
        );
        for bad in ["v=%%%", "x=1", "garbage", "", "v=AAAA"] {
            assert_error(&s.server_final(bad).unwrap_err(), WD_E::Auth, "mismatch");
        }
    }

    #[test]
    fn server_first_checks() {
        let first = |server_first: &str| {
            let mut s = Scram::with_nonce(ScramHash::Sha1, "u", "p", "cn").unwrap();
            s.client_final(server_first)
        };
        assert!(first("r=cnSN,s=c2FsdA==,i=4096").is_ok());
        assert!(first("r=cnSN,s=c2FsdA==,i=4096,x=ext").is_ok());
        let cases = [
            ("r=xxSN,s=c2FsdA==,i=1", "does not extend"),
            ("r=cn,s=c2FsdA==,i=1", "does not extend"),
            ("s=c2FsdA==,i=1", "no nonce"),
            ("r=cnSN,s=%%,i=1", "no valid salt"),
            ("r=cnSN,s=,i=1", "no valid salt"),
            ("r=cnSN,s=c2FsdA==,i=0", "iteration count"),
            ("r=cnSN,s=c2FsdA==,i=1000001", "iteration count"),
            ("r=cnSN,s=c2FsdA==", "iteration count"),
            ("m=ext,r=cnSN,s=c2FsdA==,i=1", "extension"),
            ("e=other-error", "\"other-error\""),
            ("r=cnSN,,i=1", "malformed"),
        ];
        for (msg, why) in cases {
            let e = first(msg).unwrap_err();
            assert!(e.contains(why), "{msg}: {e}");
        }
    }

    #[test]
    fn user_escaped_password_prepared_nonce_random() {
        let s = Scram::with_nonce(ScramHash::Sha1, "a=b,c", "p", "n").unwrap();
        assert_eq!(s.client_first(), "n,,n=a=3Db=2Cc,r=n");
        // A non-ASCII space is a space for SCRAM: same proof as with U+0020.
        let proof = |pw: &str| {
            let mut s = Scram::with_nonce(ScramHash::Sha256, "u", pw, "n").unwrap();
            s.client_final("r=nS,s=c2FsdA==,i=2").unwrap()
        };
        assert_eq!(proof("a\u{A0}b"), proof("a b"));
        assert_ne!(proof("a b"), proof("ab"));
        let e = Scram::new(ScramHash::Sha1, "u", "bell\u{7}").err().unwrap();
        assert_error(&e, WD_E::Auth, "U+0007");
        let a = Scram::new(ScramHash::Sha1, "u", "p").unwrap();
        let b = Scram::new(ScramHash::Sha1, "u", "p").unwrap();
        assert_eq!(a.nonce.len(), 24);
        assert!(!a.nonce.contains(','));
        assert_ne!(a.nonce, b.nonce);
    }
}
