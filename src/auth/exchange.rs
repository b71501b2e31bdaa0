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
//! - a success after a cancel or an error challenge is still a [`WD_E::Auth`] error.

use super::mechanism::{
    Mechanism, cram_md5, decode_challenge, login_pass, login_user, oauth_abort, oauthbearer, plain,
    xoauth2,
};
use super::select::{Credentials, Method};
use crate::error::{Error, Result, WD_E};

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
}

impl<'a> Exchange<'a> {
    /// An exchange of `mech` for `protocol` ("IMAP"…, named in messages). Fails with
    /// [`WD_E::Auth`] when the secret `mech` needs is not set.
    pub fn new(
        protocol: &'static str,
        mech: Mechanism,
        creds: &Credentials<'a>,
    ) -> Result<Exchange<'a>> {
        Ok(Exchange {
            protocol,
            mech,
            user: creds.user,
            secret: creds.secret(Method::Sasl(mech))?,
            host: creds.host,
            port: creds.port,
            first_sent: false,
            responses: 0,
            server_error: None,
            cancelled: None,
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
            Mechanism::Login | Mechanism::CramMd5 => String::new(),
        }
    }

    /// The answer to one challenge (its base64 text). After a cancel, another challenge
    /// is a [`WD_E::Protocol`] error: the exchange would never end.
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
        match self.answer(challenge) {
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

    /// The response to a challenge, or why the client cancels.
    fn answer(&mut self, challenge: &str) -> std::result::Result<Response, String> {
        let mech = self.mech;
        if mech.client_first() && !self.first_sent {
            self.first_sent = true;
            return Ok(Response::secret(self.first_message()));
        }
        match (mech, self.responses) {
            (Mechanism::Login, 0) => Ok(Response::secret(login_user(self.user))),
            (Mechanism::Login, 1) => Ok(Response::secret(login_pass(self.secret))),
            (Mechanism::CramMd5, 0) => cram_md5(self.user, self.secret, challenge)
                .map(Response::secret)
                .map_err(|e| e.message),
            (Mechanism::XOAuth2 | Mechanism::OAuthBearer, _) if self.server_error.is_none() => {
                self.server_error = Some(decode_challenge(challenge).trim().to_string());
                Ok(Response::public(oauth_abort(mech)))
            }
            (_, n) => Err(format!(
                "unexpected {mech} challenge after {n} response{}",
                if n == 1 { "" } else { "s" }
            )),
        }
    }

    /// The server accepted. Still a [`WD_E::Auth`] error after a cancel or an error
    /// challenge: the exchange did not go as the client says it must.
    pub fn succeeded(&self) -> Result<()> {
        let why = match (&self.cancelled, &self.server_error) {
            (Some(why), _) => why.clone(),
            (None, Some(json)) => format!("the server had sent an error: {json}"),
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

/// Runs one exchange of `mech` over `t`. A refusal or a cancel is a [`WD_E::Auth`]
/// error with the connection still in step; any other error leaves it out of step.
pub fn exchange<T: Transport>(t: &mut T, mech: Mechanism, creds: &Credentials) -> Result<()> {
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
            Reply::Challenge(c) => ex.step(&c)?,
            Reply::Success => return ex.succeeded(),
            Reply::Failure(reply) => return Err(ex.refused(&reply)),
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
        let e = exchange(&mut t, Mechanism::CramMd5, &pw()).unwrap_err();
        assert_error(&e, WD_E::Auth, "not base64");
        assert!(e.message.contains("-ERR cancelled"), "{}", e.message);
        assert_eq!(t.sent, ["AUTH CRAM-MD5", "*"]);
        assert!(t.replies.is_empty(), "the final reply was read");
    }

    #[test]
    fn driver_stops_when_the_server_challenges_after_the_cancel() {
        let endless = (0..50).map(|_| challenge("")).collect();
        let mut t = Scripted::new(true, endless);
        let e = exchange(&mut t, Mechanism::Login, &pw()).unwrap_err();
        assert_error(&e, WD_E::Protocol, "keeps sending LOGIN challenges");
        assert_eq!(
            t.sent,
            ["AUTH LOGIN", "dGlt", "dGFuc3RhYWZ0YW5zdGFhZg==", "*"]
        );
        assert_eq!(t.shown[1..3], [" ****", " ****"]);
    }

    #[test]
    fn driver_fails_before_sending_without_the_secret() {
        let mut t = Scripted::new(true, vec![]);
        let e = exchange(&mut t, Mechanism::XOAuth2, &pw()).unwrap_err();
        assert_eq!(e.code, WD_E::Auth);
        assert!(t.sent.is_empty());
    }
}
