//! Signing in to IMAP: LOGIN, or AUTHENTICATE driven by the SASL engine of
//! [`crate::auth`] through the adapter below (RFC 3501 §6.2.2, SASL-IR RFC 4959).

use super::client::{ImapClient, PROTO, caps_from_code, reply_text};
use super::command::{Part, astring};
use super::response::{Response, Status};
use crate::auth::{self, Credentials, Failure, Mechanism, Method, Offer, Reply};
use crate::error::{Error, Result, WD_E};
use crate::net::ConnectConfig;
use crate::session::{AuthMethod, SessionConfig};

impl ImapClient {
    /// Signs in as `cfg.auth_method` says (see [`auth::select`]): LOGIN or SASL
    /// exchanges, moving on after a refusal when the method is automatic. After a
    /// failure that leaves the connection out of step (or the server untrusted) it is
    /// closed without LOGOUT.
    pub(super) fn authenticate(&mut self, cfg: &SessionConfig, ccfg: &ConnectConfig) -> Result<()> {
        self.sign_in(cfg, ccfg).map_err(|f| {
            if !f.in_step {
                self.closed = true;
                self.conn.close();
            }
            f.error
        })
    }

    fn sign_in(
        &mut self,
        cfg: &SessionConfig,
        ccfg: &ConnectConfig,
    ) -> std::result::Result<(), Failure> {
        if cfg.auth_method == AuthMethod::Apop {
            return Err(Failure::in_step(Error::not_supported(
                "APOP is a POP3 method, not IMAP",
            )));
        }
        let creds = Credentials::new(cfg, &ccfg.host, ccfg.port);
        let offered: Vec<String> = self
            .caps
            .iter()
            .filter_map(|c| {
                c.get(..5)
                    .filter(|p| p.eq_ignore_ascii_case("AUTH="))
                    .map(|_| c[5..].to_string())
            })
            .collect();
        let offer = Offer {
            protocol: PROTO,
            sasl: Some(&offered),
            apop: None,
            protocol_login: Some(!self.has("LOGINDISABLED")),
        };
        // A SELECT pipelined behind a sign-in goes only behind the plan's last method: a
        // refused earlier attempt must leave nothing in flight before the next one.
        let select_behind = self.select_behind_sign_in.take();
        auth::sign_in_linked(PROTO, cfg, ccfg.timeout, &offer, creds, |m, creds, last| {
            self.select_behind_sign_in = if last { select_behind.clone() } else { None };
            self.attempt(m, creds)
        })
    }

    /// One sign-in attempt with method `m`.
    fn attempt(&mut self, m: Method, creds: &Credentials) -> std::result::Result<(), Failure> {
        match m {
            Method::Sasl(mech) => {
                let mut sasl = Sasl {
                    client: self,
                    tag: String::new(),
                };
                auth::exchange(&mut sasl, mech, creds)
            }
            Method::ProtocolLogin => Ok(self.login(creds.user, creds.secret(m)?)?),
            Method::Apop => Err(Error::internal("APOP selected for IMAP").into()),
        }
    }

    /// LOGIN: a tagged NO or BAD is a refusal ([`WD_E::Auth`]); any other error leaves
    /// the connection out of step.
    fn login(&mut self, user: &str, pass: &str) -> Result<()> {
        if self.has("LOGINDISABLED") {
            return Err(Error::new(
                WD_E::Auth,
                "server disables LOGIN on this connection (use TLS or a SASL mechanism)",
            ));
        }
        let parts = [
            Part::Text("LOGIN".into()),
            astring(user, false),
            astring(pass, true),
        ];
        let tag = self.send(&parts)?;
        let (_, mut results) = self.wait_all(&[(tag, "login refused")])?;
        match results.pop() {
            Some(Ok(_)) => Ok(()),
            Some(Err(e)) => Err(Error {
                code: WD_E::Auth,
                ..e
            }),
            None => Err(Error::internal("no result")),
        }
    }
}

/// The IMAP side of a SASL exchange: `AUTHENTICATE` (with SASL-IR when offered), `+`
/// challenges, the tagged completion (untagged data handled on the way).
struct Sasl<'a> {
    client: &'a mut ImapClient,
    tag: String,
}

impl auth::Transport for Sasl<'_> {
    const PROTOCOL: &'static str = PROTO;

    fn initial_response_allowed(&self) -> bool {
        self.client.has("SASL-IR")
    }

    fn command(&mut self, mech: Mechanism) -> String {
        self.tag = self.client.next_tag();
        format!("{} AUTHENTICATE {mech}", self.tag)
    }

    fn send(&mut self, line: &str, masked: Option<&str>) -> Result<()> {
        let shown = masked.map(|m| format!("{m} ****"));
        let shown = shown.as_deref().map_or(line, str::trim_start);
        self.client.write_line(line, shown)
    }

    /// A success replaces the capabilities with those of the completion (if any).
    fn reply(&mut self) -> Result<Reply> {
        loop {
            match self.client.read_response()? {
                Response::Continue(challenge) => return Ok(Reply::Challenge(challenge)),
                Response::Untagged(u) => self.client.handle_untagged(&u)?,
                Response::Tagged {
                    tag,
                    status,
                    code,
                    text,
                } if tag == self.tag => {
                    if status != Status::Ok {
                        return Ok(Reply::Failure(reply_text(status, &code, &text)));
                    }
                    self.client.caps = caps_from_code(&code).unwrap_or_default();
                    return Ok(Reply::Success);
                }
                Response::Tagged { .. } => {}
            }
        }
    }
}
