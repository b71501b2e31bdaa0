//! One SASL exchange: the sans-IO state machine ([`Exchange`]) and the loop that runs it
//! over a protocol ([`exchange`], through the [`Transport`] each client implements).
//!
//! The rules are the same in every protocol:
//! - a challenge the mechanism cannot answer (a CRAM-MD5 challenge that is not base64, a
//!   third LOGIN challenge, a challenge after the PLAIN response…) cancels the exchange
//!   with "*"; the server's final reply is read and the result is a [`WD_E::Auth`] error
//!   giving the reason, the connection still in step;
//! - a server still challenging after the cancel is a [`WD_E::Protocol`] error: the
//!   exchange would never end, the connection is out of step;
//! - the error challenge of XOAUTH2/OAUTHBEARER (base64 JSON) is answered by the empty
//!   response (XOAUTH2) or "\x01" (OAUTHBEARER, RFC 7628 §3.2.3); the decoded JSON goes
//!   into the error message next to the server's final reply;
//! - a success after a cancel or an error challenge is still a [`WD_E::Auth`] error;
//! - SCRAM: the server's final message must carry the signature the client expects; a
//!   wrong one, none at all, or a success before it, is a [`WD_E::Auth`] error after
//!   which the server is not trusted (the connection is dropped, nothing else is tried);
//!   an `e=` final message is a refusal.
//!
//! [`exchange`] says how each error leaves the connection ([`Failure::in_step`]).

use super::mechanism::{
    Mechanism, cram_md5, decode_challenge, login_pass, login_user, oauth_abort, oauthbearer, plain,
    xoauth2,
};
use super::scram::{Scram, ServerFinal};
use super::select::{Credentials, Failure, Method};
use crate::error::{Error, Result, WD_E};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

/// A base64 challenge as UTF-8 text (`None` when it is not).
fn decode_text(b64_text: &str) -> Option<String> {
    let bytes = B64.decode(b64_text.trim()).ok()?;
    String::from_utf8(bytes).ok()
}

/// One line the client sends during an exchange.
#[derive(Clone, PartialEq, Eq)]
pub struct Response {
    text: String,
    secret: bool,
}

impl Response {
    fn secret(text: String) -> Response {
        Response { text, secret: true }
    }

    fn public(text: String) -> Response {
        Response {
            text,
            secret: false,
        }
    }

    /// The line as sent (base64, possibly empty).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// True when the line carries credentials (masked in the transcript).
    pub fn is_secret(&self) -> bool {
        self.secret
    }
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.secret {
            f.write_str("Response(****)")
        } else {
            write!(f, "Response({:?})", self.text)
        }
    }
}

/// What the client does with a challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Send this response.
    Respond(Response),
    /// Send the cancel line "*", then read the server's final reply.
    Cancel,
}

/// A server reply during an exchange, as a [`Transport`] reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// A challenge ("+ …", "334 …"): its base64 text.
    Challenge(String),
    /// The server accepted (`+OK`, tagged `OK`, `235`).
    Success,
    /// The server refused: its reply on one line.
    Failure(String),
}

/// One SASL exchange, without I/O: feed it the server's challenges, send what it says.
pub struct Exchange<'a> {
    protocol: &'static str,
    mech: Mechanism,
    user: &'a str,
    /// The password, or the token of XOAUTH2/OAUTHBEARER.
    secret: &'a str,
    host: &'a str,
    port: u16,
    /// The client's first message has been sent (with the command or to a challenge).
    first_sent: bool,
    /// Responses sent, the initial one included.
    responses: usize,
    /// The decoded error challenge of XOAUTH2/OAUTHBEARER.
    server_error: Option<String>,
    /// Why the client cancelled.
    cancelled: Option<String>,
    /// The SCRAM state (SCRAM mechanisms only).
    scram: Option<Scram>,
    /// SCRAM: the server's signature was checked.
    verified: bool,
}

/// The response to a challenge, or why the client cancels.
type Answer = std::result::Result<Response, String>;

impl<'a> Exchange<'a> {
    /// An exchange of `mech` for `protocol` ("IMAP"…, named in messages). Fails with
    /// [`WD_E::Auth`] when the secret `mech` needs is not set, or when SCRAM cannot use
    /// the password (see [`super::saslprep`]).
    pub fn new(
        protocol: &'static str,
        mech: Mechanism,
        creds: &Credentials<'a>,
    ) -> Result<Exchange<'a>> {
        let secret = creds.secret(Method::Sasl(mech))?;
        let scram = match mech.scram() {
            Some(hash) => Some(Scram::new(hash, creds.user, secret)?),
            None => None,
        };
        Ok(Exchange {
            protocol,
            mech,
            user: creds.user,
            secret,
            host: creds.host,
            port: creds.port,
            first_sent: false,
            responses: 0,
            server_error: None,
            cancelled: None,
            scram,
            verified: false,
        })
    }

    pub fn mechanism(&self) -> Mechanism {
        self.mech
    }

    /// The initial response, for a command that can carry it (IMAP SASL-IR, POP3 and
    /// SMTP AUTH): `None` when the server speaks first (LOGIN, CRAM-MD5). An empty
    /// response is written "=". Without this call the first challenge gets it.
    pub fn initial(&mut self) -> Option<Response> {
        if !self.mech.client_first() || self.first_sent {
            return None;
        }
        self.first_sent = true;
        self.responses += 1;
        let text = self.first_message();
        Some(Response::secret(if text.is_empty() {
            "=".to_string()
        } else {
            text
        }))
    }

    fn first_message(&self) -> String {
        let (user, secret) = (self.user, self.secret);
        match self.mech {
            Mechanism::Plain => plain("", user, secret),
            Mechanism::XOAuth2 => xoauth2(user, secret),
            Mechanism::OAuthBearer => oauthbearer(user, secret, self.host, self.port),
            Mechanism::ScramSha256 | Mechanism::ScramSha1 => match &self.scram {
                Some(s) => B64.encode(s.client_first()),
                None => String::new(),
            },
            Mechanism::Login | Mechanism::CramMd5 => String::new(),
        }
    }

    /// The answer to one challenge (its base64 text). An error ends the exchange with
    /// the connection out of step or the server untrusted: another challenge after a
    /// cancel is a [`WD_E::Protocol`] error (the exchange would never end), a SCRAM
    /// server signature that is not the expected one a [`WD_E::Auth`] error.
    pub fn step(&mut self, challenge: &str) -> Result<Step> {
        if self.cancelled.is_some() {
            return Err(Error::new(
                WD_E::Protocol,
                format!(
                    "{} server keeps sending {} challenges after the client cancelled the exchange",
                    self.protocol, self.mech
                ),
            )
            .with_system(challenge.to_string()));
        }
        match self.answer(challenge)? {
            Ok(r) => {
                self.responses += 1;
                Ok(Step::Respond(r))
            }
            Err(why) => {
                self.cancelled = Some(why);
                Ok(Step::Cancel)
            }
        }
    }

    /// The response to a challenge, or why the client cancels; errors as [`Self::step`].
    fn answer(&mut self, challenge: &str) -> Result<Answer> {
        let mech = self.mech;
        if mech.client_first() && !self.first_sent {
            self.first_sent = true;
            return Ok(Ok(Response::secret(self.first_message())));
        }
        if self.scram.is_some() {
            return self.answer_scram(challenge);
        }
        Ok(match (mech, self.responses) {
            (Mechanism::Login, 0) => Ok(Response::secret(login_user(self.user))),
            (Mechanism::Login, 1) => Ok(Response::secret(login_pass(self.secret))),
            (Mechanism::CramMd5, 0) => cram_md5(self.user, self.secret, challenge)
                .map(Response::secret)
                .map_err(|e| e.message),
            (Mechanism::XOAuth2 | Mechanism::OAuthBearer, _) if self.server_error.is_none() => {
                self.server_error = Some(decode_challenge(challenge).trim().to_string());
                Ok(Response::public(oauth_abort(mech)))
            }
            (_, n) => Err(self.unexpected(n)),
        })
    }

    fn unexpected(&self, n: usize) -> String {
        format!(
            "unexpected {} challenge after {n} response{}",
            self.mech,
            if n == 1 { "" } else { "s" }
        )
    }

    /// SCRAM: the client-final answers the server-first; the server-final is checked
    /// and answered with an empty response (an `e=` one too: the refusal follows).
    fn answer_scram(&mut self, challenge: &str) -> Result<Answer> {
        let n = self.responses;
        let (Some(scram), Some(text)) = (self.scram.as_mut(), decode_text(challenge)) else {
            return Ok(Err(format!(
                "{} challenge is not base64 UTF-8 text",
                self.mech
            )));
        };
        match n {
            1 => Ok(scram
                .client_final(&text)
                .map(|m| Response::secret(B64.encode(m)))),
            2 if self.server_error.is_none() => {
                match scram.server_final(&text)? {
                    ServerFinal::Verified => self.verified = true,
                    ServerFinal::Refused(e) => self.server_error = Some(e),
                }
                Ok(Ok(Response::public(String::new())))
            }
            _ => Ok(Err(self.unexpected(n))),
        }
    }

    /// The server accepted. Still a [`WD_E::Auth`] error after a cancel or an error
    /// challenge, or before a SCRAM server proved itself: the exchange did not go as
    /// the client says it must, and the session cannot be used.
    pub fn succeeded(&self) -> Result<()> {
        let why = match (&self.cancelled, &self.server_error) {
            (Some(why), _) => why.clone(),
            (None, Some(json)) => format!("the server had sent an error: {json}"),
            (None, None) if self.scram.is_some() && !self.verified => {
                "the server accepted without proving it knows the password \
                 (no SCRAM server signature); the server is not trusted"
                    .to_string()
            }
            (None, None) => return Ok(()),
        };
        Err(Error::new(
            WD_E::Auth,
            format!(
                "{} authentication not completed ({}): {why}",
                self.protocol, self.mech
            ),
        ))
    }

    /// The server refused with `reply` (one line): a [`WD_E::Auth`] error with the
    /// reply, the reason of the client's cancel or the server's decoded error.
    pub fn refused(&self, reply: &str) -> Error {
        let (proto, mech, reply) = (self.protocol, self.mech, reply.trim_end());
        let (message, system) = match (&self.cancelled, &self.server_error) {
            (Some(why), _) => (
                format!(
                    "{proto} authentication cancelled ({mech}): {why}; the server replied: {reply}"
                ),
                reply.to_string(),
            ),
            (None, Some(json)) => (
                format!("{proto} authentication refused ({mech}): {reply} (server said: {json})"),
                format!("{reply} {json}"),
            ),
            (None, None) => (
                format!("{proto} authentication refused ({mech}): {reply}"),
                reply.to_string(),
            ),
        };
        Error::new(WD_E::Auth, message).with_system(system)
    }
}

/// What one protocol does on the wire for an exchange: the adapter each client writes.
pub trait Transport {
    /// The protocol's name, for messages.
    const PROTOCOL: &'static str;

    /// True when the command may carry the initial response (IMAP with SASL-IR, POP3
    /// with SASL in CAPA, SMTP always).
    fn initial_response_allowed(&self) -> bool;

    /// The command starting an exchange ("AUTH PLAIN", "A0001 AUTHENTICATE PLAIN"),
    /// asked once per exchange.
    fn command(&mut self, mech: Mechanism) -> String;

    /// Writes one line. With `masked`, the transcript shows `masked` then `****`
    /// instead of the line.
    fn send(&mut self, line: &str, masked: Option<&str>) -> Result<()>;

    /// Reads the server's next reply, handling whatever else the protocol may send
    /// meanwhile (IMAP untagged data).
    fn reply(&mut self) -> Result<Reply>;
}

/// Runs one exchange of `mech` over `t`. A refusal, a cancel, or a mechanism that
/// cannot start (nothing sent) is a [`WD_E::Auth`] error with the connection still in
/// step; any other failure leaves it out of step (network and protocol errors) or the
/// server untrusted (a success the client does not accept, a wrong SCRAM signature).
pub fn exchange<T: Transport>(
    t: &mut T,
    mech: Mechanism,
    creds: &Credentials,
) -> std::result::Result<(), Failure> {
    let mut ex = Exchange::new(T::PROTOCOL, mech, creds)?;
    let command = t.command(mech);
    let initial = if t.initial_response_allowed() {
        ex.initial()
    } else {
        None
    };
    match initial {
        Some(ir) => t.send(&format!("{command} {}", ir.text()), Some(&command))?,
        None => t.send(&command, None)?,
    }
    loop {
        let step = match t.reply()? {
            Reply::Challenge(c) => ex.step(&c).map_err(Failure::out_of_step)?,
            Reply::Success => return ex.succeeded().map_err(Failure::out_of_step),
            Reply::Failure(reply) => return Err(Failure::in_step(ex.refused(&reply))),
        };
        match step {
            Step::Respond(r) => t.send(r.text(), r.is_secret().then_some(""))?,
            Step::Cancel => t.send("*", None)?,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::assert_error;
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD as B64;

    fn creds(password: Option<&'static str>, token: Option<&'static str>) -> Credentials<'static> {
        Credentials {
            user: "tim",
            password,
            token,
            host: "server.example.com",
            port: 143,
        }
    }

    fn pw() -> Credentials<'static> {
        creds(Some("tanstaaftanstaaf"), None)
    }

    fn respond(s: Result<Step>) -> String {
        match s.unwrap() {
            Step::Respond(r) => r.text,
            Step::Cancel => panic!("cancelled"),
        }
    }

    #[test]
    fn plain_with_and_without_initial_response() {
        let mut ex = Exchange::new("IMAP", Mechanism::Plain, &pw()).unwrap();
        let ir = ex.initial().unwrap();
        assert!(ir.is_secret());
        assert_eq!(ir.text(), "AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
        assert_eq!(ex.initial(), None);
        assert!(ex.succeeded().is_ok());
        // Not sent with the command: the first (empty) challenge gets it.
        let mut ex = Exchange::new("POP3", Mechanism::Plain, &pw()).unwrap();
        assert_eq!(respond(ex.step("")), "AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
        // A second challenge: cancel.
        assert_eq!(ex.step("").unwrap(), Step::Cancel);
        let why = "unexpected PLAIN challenge after 1 response;";
        assert_error(&ex.refused("-ERR cancelled"), WD_E::Auth, why);
    }

    #[test]
    fn login_answers_two_challenges_then_cancels() {
        let mut ex = Exchange::new("SMTP", Mechanism::Login, &pw()).unwrap();
        assert_eq!(ex.initial(), None);
        assert_eq!(respond(ex.step("VXNlcm5hbWU6")), "dGlt");
        assert_eq!(respond(ex.step("UGFzc3dvcmQ6")), "dGFuc3RhYWZ0YW5zdGFhZg==");
        assert_eq!(ex.step("").unwrap(), Step::Cancel);
        let e = ex.refused("535 5.7.8 no");
        assert_error(
            &e,
            WD_E::Auth,
            "unexpected LOGIN challenge after 2 responses",
        );
        assert_eq!(e.system.as_deref(), Some("535 5.7.8 no"));
    }

    #[test]
    fn cram_md5_rfc2195_and_bad_challenge() {
        let mut ex = Exchange::new("POP3", Mechanism::CramMd5, &pw()).unwrap();
        let r = respond(ex.step("PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+"));
        assert_eq!(r, "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
        // A challenge that is not base64: cancel, then fail with the reason.
        let mut ex = Exchange::new("IMAP", Mechanism::CramMd5, &pw()).unwrap();
        assert_eq!(ex.step("not base64 !!").unwrap(), Step::Cancel);
        let e = ex.refused("BAD exchange cancelled\r\n");
        assert_eq!(e.code, WD_E::Auth);
        assert_eq!(
            e.message,
            "IMAP authentication cancelled (CRAM-MD5): invalid CRAM-MD5 challenge (not base64); \
             the server replied: BAD exchange cancelled"
        );
        assert_eq!(e.system.as_deref(), Some("BAD exchange cancelled"));
        // Still challenging after the cancel: a protocol error.
        let e = ex.step("").unwrap_err();
        assert_error(
            &e,
            WD_E::Protocol,
            "IMAP server keeps sending CRAM-MD5 challenges",
        );
        // Accepted after the cancel: not completed.
        let e = ex.succeeded().unwrap_err();
        assert_error(&e, WD_E::Auth, "not completed");
    }

    #[test]
    fn oauth_error_challenge_is_answered_and_reported() {
        let json = r#"{"status":"invalid_token"}"#;
        for (mech, abort) in [(Mechanism::XOAuth2, ""), (Mechanism::OAuthBearer, "AQ==")] {
            let c = creds(None, Some("secret-token"));
            let mut ex = Exchange::new("SMTP", mech, &c).unwrap();
            let ir = ex.initial().unwrap();
            assert!(ir.is_secret());
            let Step::Respond(r) = ex.step(&B64.encode(json)).unwrap() else {
                panic!("{mech}: cancelled")
            };
            assert_eq!(r.text(), abort, "{mech}");
            assert!(!r.is_secret());
            let e = ex.refused("535 5.7.8 failed");
            assert_eq!(e.code, WD_E::Auth);
            assert_eq!(
                e.message,
                format!(
                    "SMTP authentication refused ({mech}): 535 5.7.8 failed (server said: {json})"
                )
            );
            assert!(!e.message.contains("secret-token"));
            assert_eq!(
                e.system.as_deref(),
                Some(format!("535 5.7.8 failed {json}").as_str())
            );
            // A server accepting after its own error challenge: not completed.
            assert_eq!(ex.succeeded().unwrap_err().code, WD_E::Auth);
            // A second challenge: cancel.
            assert_eq!(ex.step("").unwrap(), Step::Cancel);
        }
    }

    #[test]
    fn missing_secret_is_an_auth_error() {
        let e = Exchange::new("IMAP", Mechanism::OAuthBearer, &pw())
            .err()
            .unwrap();
        assert_error(&e, WD_E::Auth, "needs an access token");
        let e = Exchange::new("IMAP", Mechanism::Plain, &creds(None, Some("t")))
            .err()
            .unwrap();
        assert_eq!(e.message, "PLAIN needs a password");
    }

    #[test]
    fn response_debug_masks_secrets() {
        let mut ex = Exchange::new("IMAP", Mechanism::Plain, &pw()).unwrap();
        let ir = ex.initial().unwrap();
        assert_eq!(format!("{ir:?}"), "Response(****)");
        assert_eq!(
            format!("{:?}", Response::public(String::new())),
            "Response(\"\")"
        );
    }

    /// A transport replaying server replies and recording what the client sends.
    struct Scripted {
        initial_ok: bool,
        replies: std::collections::VecDeque<Reply>,
        sent: Vec<String>,
        shown: Vec<String>,
    }

    impl Scripted {
        fn new(initial_ok: bool, replies: Vec<Reply>) -> Scripted {
            Scripted {
                initial_ok,
                replies: replies.into(),
                sent: Vec::new(),
                shown: Vec::new(),
            }
        }
    }

    impl Transport for Scripted {
        const PROTOCOL: &'static str = "TEST";

        fn initial_response_allowed(&self) -> bool {
            self.initial_ok
        }

        fn command(&mut self, mech: Mechanism) -> String {
            format!("AUTH {mech}")
        }

        fn send(&mut self, line: &str, masked: Option<&str>) -> Result<()> {
            self.sent.push(line.to_string());
            self.shown.push(match masked {
                Some(m) => format!("{m} ****"),
                None => line.to_string(),
            });
            Ok(())
        }

        fn reply(&mut self) -> Result<Reply> {
            self.replies
                .pop_front()
                .ok_or_else(|| Error::new(WD_E::ConnectionLost, "script ended"))
        }
    }

    fn challenge(s: &str) -> Reply {
        Reply::Challenge(s.to_string())
    }

    #[test]
    fn driver_sends_the_initial_response_with_the_command() {
        let mut t = Scripted::new(true, vec![Reply::Success]);
        exchange(&mut t, Mechanism::Plain, &pw()).unwrap();
        assert_eq!(t.sent, ["AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm"]);
        assert_eq!(t.shown, ["AUTH PLAIN ****"]);
        // Without SASL-IR: the command alone, the response after the challenge.
        let mut t = Scripted::new(false, vec![challenge(""), Reply::Success]);
        exchange(&mut t, Mechanism::Plain, &pw()).unwrap();
        assert_eq!(t.sent, ["AUTH PLAIN", "AHRpbQB0YW5zdGFhZnRhbnN0YWFm"]);
        assert_eq!(t.shown, ["AUTH PLAIN", " ****"]);
    }

    #[test]
    fn driver_cancels_a_bad_challenge_and_reads_the_final_reply() {
        let mut t = Scripted::new(
            true,
            vec![challenge("%%%"), Reply::Failure("-ERR cancelled".into())],
        );
        let f = exchange(&mut t, Mechanism::CramMd5, &pw()).unwrap_err();
        assert!(f.in_step);
        assert_error(&f.error, WD_E::Auth, "not base64");
        assert!(f.error.message.contains("-ERR cancelled"), "{f:?}");
        assert_eq!(t.sent, ["AUTH CRAM-MD5", "*"]);
        assert!(t.replies.is_empty(), "the final reply was read");
    }

    #[test]
    fn driver_stops_when_the_server_challenges_after_the_cancel() {
        let endless = (0..50).map(|_| challenge("")).collect();
        let mut t = Scripted::new(true, endless);
        let f = exchange(&mut t, Mechanism::Login, &pw()).unwrap_err();
        assert!(!f.in_step);
        assert_error(&f.error, WD_E::Protocol, "keeps sending LOGIN challenges");
        assert_eq!(
            t.sent,
            ["AUTH LOGIN", "dGlt", "dGFuc3RhYWZ0YW5zdGFhZg==", "*"]
        );
        assert_eq!(t.shown[1..3], [" ****", " ****"]);
    }

    #[test]
    fn driver_fails_before_sending_without_the_secret() {
        let mut t = Scripted::new(true, vec![]);
        let f = exchange(&mut t, Mechanism::XOAuth2, &pw()).unwrap_err();
        assert_eq!(f.error.code, WD_E::Auth);
        assert!(f.in_step, "nothing was sent");
        assert!(t.sent.is_empty());
    }

    fn b64(s: &str) -> String {
        B64.encode(s)
    }

    /// RFC 7677's exchange, the nonce fixed through [`Scram::with_nonce`].
    fn rfc7677() -> Exchange<'static> {
        let c = Credentials {
            user: "user",
            password: Some("pencil"),
            token: None,
            host: "h",
            port: 1,
        };
        let mut ex = Exchange::new("IMAP", Mechanism::ScramSha256, &c).unwrap();
        let hash = crate::auth::scram::ScramHash::Sha256;
        ex.scram = Some(Scram::with_nonce(hash, "user", "pencil", "rOprNGfwEbeRWgbNEkqO").unwrap());
        let ir = ex.initial().unwrap();
        assert!(ir.is_secret());
        assert_eq!(ir.text(), b64("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"));
        let server_first = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
                            s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
        let Step::Respond(r) = ex.step(&b64(server_first)).unwrap() else {
            panic!("cancelled")
        };
        assert!(r.is_secret());
        assert_eq!(
            r.text(),
            b64(
                "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
                 p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
            )
        );
        ex
    }

    #[test]
    fn scram_rfc7677_exchange_verifies_the_server() {
        let mut ex = rfc7677();
        // Success before the server's signature: not trusted.
        let e = ex.succeeded().unwrap_err();
        assert_error(&e, WD_E::Auth, "no SCRAM server signature");
        let v = b64("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
        assert_eq!(respond(ex.step(&v)), "");
        assert!(ex.succeeded().is_ok());
        // Nothing more to answer.
        assert_eq!(ex.step("").unwrap(), Step::Cancel);
    }

    #[test]
    fn scram_wrong_signature_and_server_error() {
        let mut ex = rfc7677();
        let e = ex
            .step(&b64("v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="))
            .unwrap_err();
        assert_error(&e, WD_E::Auth, "SCRAM server signature mismatch");
        let mut ex = rfc7677();
        assert_eq!(respond(ex.step(&b64("e=invalid-proof"))), "");
        let e = ex.refused("NO [AUTHENTICATIONFAILED] failed");
        assert_eq!(
            e.message,
            "IMAP authentication refused (SCRAM-SHA-256): NO [AUTHENTICATIONFAILED] failed \
             (server said: invalid-proof)"
        );
        assert_error(&ex.succeeded().unwrap_err(), WD_E::Auth, "invalid-proof");
        // A server-first the client cannot use: cancel with the reason.
        let mut ex = Exchange::new("SMTP", Mechanism::ScramSha1, &pw()).unwrap();
        ex.initial().unwrap();
        assert_eq!(
            ex.step(&b64("r=other,s=c2FsdA==,i=1")).unwrap(),
            Step::Cancel
        );
        assert_error(&ex.refused("501 cancelled"), WD_E::Auth, "does not extend");
        let mut ex = Exchange::new("SMTP", Mechanism::ScramSha1, &pw()).unwrap();
        ex.initial().unwrap();
        assert_eq!(ex.step("%%%").unwrap(), Step::Cancel);
    }

    /// A SCRAM server that answers the client-first with a server-first extending the
    /// client's nonce, then the client-final with `last`.
    struct ScramServer {
        last: Reply,
        sent: Vec<String>,
    }

    impl Transport for ScramServer {
        const PROTOCOL: &'static str = "TEST";

        fn initial_response_allowed(&self) -> bool {
            true
        }

        fn command(&mut self, mech: Mechanism) -> String {
            format!("AUTH {mech}")
        }

        fn send(&mut self, line: &str, _: Option<&str>) -> Result<()> {
            self.sent.push(line.to_string());
            Ok(())
        }

        fn reply(&mut self) -> Result<Reply> {
            match self.sent.len() {
                1 => {
                    let first = self.sent[0].rsplit(' ').next().unwrap();
                    let first = decode_text(first).unwrap();
                    let nonce = first.rsplit("r=").next().unwrap();
                    Ok(challenge(&b64(&format!("r={nonce}srv,s=c2FsdA==,i=16"))))
                }
                2 => Ok(self.last.clone()),
                _ => Err(Error::new(WD_E::ConnectionLost, "script ended")),
            }
        }
    }

    #[test]
    fn driver_drops_a_scram_server_that_cannot_prove_itself() {
        let wrong = challenge(&b64("v=AAAAAAAAAAAAAAAAAAAAAAAAAAA="));
        for (last, reason) in [
            (wrong, "SCRAM server signature mismatch"),
            (Reply::Success, "no SCRAM server signature"),
        ] {
            let mut t = ScramServer {
                last,
                sent: Vec::new(),
            };
            let f = exchange(&mut t, Mechanism::ScramSha1, &pw()).unwrap_err();
            assert!(!f.in_step, "{f:?}");
            assert_error(&f.error, WD_E::Auth, reason);
            assert_eq!(t.sent.len(), 2, "nothing sent after the client-final");
            let first = decode_text(t.sent[0].strip_prefix("AUTH SCRAM-SHA-1 ").unwrap());
            assert!(first.unwrap().starts_with("n,,n=tim,r="));
        }
    }

    #[test]
    fn driver_scram_refusal_and_unusable_password() {
        let mut t = ScramServer {
            last: Reply::Failure("535 5.7.8 failed".into()),
            sent: Vec::new(),
        };
        let f = exchange(&mut t, Mechanism::ScramSha256, &pw()).unwrap_err();
        assert!(f.in_step);
        assert_eq!(f.error.system.as_deref(), Some("535 5.7.8 failed"));
        // A password SASLprep prohibits: nothing is sent, the next method may go.
        let mut t = Scripted::new(true, vec![]);
        let f = exchange(&mut t, Mechanism::ScramSha256, &creds(Some("a\u{7}"), None));
        let f = f.unwrap_err();
        assert!(f.in_step);
        assert_error(&f.error, WD_E::Auth, "U+0007");
        assert!(t.sent.is_empty());
    }
}
