//! Signing in to IMAP: LOGIN or AUTHENTICATE (RFC 3501 §6.2.2, SASL-IR RFC 4959).

use super::client::{ImapClient, caps_from_code, reply_text};
use super::command::{Part, astring};
use super::response::{Response, Status};
use crate::auth::{self, Mechanism};
use crate::error::{Error, Result, WD_E};
use crate::net::ConnectConfig;
use crate::session::{AuthMethod, SessionConfig};

/// Most SASL challenges answered before cancelling the exchange.
const MAX_SASL_STEPS: usize = 8;

fn auth_name(m: AuthMethod) -> Option<Mechanism> {
    match m {
        AuthMethod::Plain => Some(Mechanism::Plain),
        AuthMethod::Login => Some(Mechanism::Login),
        AuthMethod::CramMd5 => Some(Mechanism::CramMd5),
        AuthMethod::XOAuth2 => Some(Mechanism::XOAuth2),
        AuthMethod::OAuthBearer => Some(Mechanism::OAuthBearer),
        _ => None,
    }
}

impl ImapClient {
    pub(super) fn authenticate(&mut self, cfg: &SessionConfig, ccfg: &ConnectConfig) -> Result<()> {
        let password = cfg.password.as_deref();
        let token = cfg.auth_token.as_deref().filter(|t| !t.is_empty());
        let offered: Vec<String> = self
            .caps
            .iter()
            .filter_map(|c| {
                c.get(..5)
                    .filter(|p| p.eq_ignore_ascii_case("AUTH="))
                    .map(|_| c[5..].to_string())
            })
            .collect();
        let mech = match cfg.auth_method {
            AuthMethod::Auto => {
                let m = auth::choose(&offered, password.is_some(), token.is_some());
                if m.is_none() && password.is_none() {
                    return Err(Error::new(
                        WD_E::Auth,
                        format!(
                            "no usable authentication mechanism (server offers: {})",
                            offered.join(" ")
                        ),
                    ));
                }
                m
            }
            AuthMethod::UserPass => None,
            AuthMethod::Apop => {
                return Err(Error::not_supported("APOP is a POP3 method, not IMAP"));
            }
            other => {
                let m = auth_name(other).ok_or_else(|| Error::internal("auth method"))?;
                if !offered.iter().any(|o| o.eq_ignore_ascii_case(m.name())) {
                    return Err(Error::new(
                        WD_E::Auth,
                        format!(
                            "server does not offer AUTH={} (offers: {})",
                            m.name(),
                            offered.join(" ")
                        ),
                    ));
                }
                Some(m)
            }
        };
        match mech {
            None => self.login(&cfg.user, password.unwrap_or("")),
            Some(m) => {
                if m.uses_token() && token.is_none() {
                    return Err(Error::new(
                        WD_E::Auth,
                        format!("{} needs an access token (WD_PROP_AUTH_TOKEN)", m.name()),
                    ));
                }
                if !m.uses_token() && password.is_none() {
                    return Err(Error::new(
                        WD_E::Auth,
                        format!("{} needs a password", m.name()),
                    ));
                }
                self.sasl(
                    m,
                    &cfg.user,
                    password.unwrap_or(""),
                    token.unwrap_or(""),
                    ccfg,
                )
            }
        }
    }

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
        self.run("login refused", &parts)
            .map(|_| ())
            .map_err(|e| Error {
                code: if e.code == WD_E::Protocol {
                    WD_E::Auth
                } else {
                    e.code
                },
                ..e
            })
    }

    fn sasl(
        &mut self,
        mech: Mechanism,
        user: &str,
        pass: &str,
        token: &str,
        ccfg: &ConnectConfig,
    ) -> Result<()> {
        let initial = match mech {
            Mechanism::Plain => Some(auth::plain("", user, pass)),
            Mechanism::XOAuth2 => Some(auth::xoauth2(user, token)),
            Mechanism::OAuthBearer => Some(auth::oauthbearer(user, token, &ccfg.host, ccfg.port)),
            _ => None,
        };
        let tag = self.next_tag();
        let cmd = format!("{tag} AUTHENTICATE {}", mech.name());
        let mut pending = None;
        match initial {
            Some(ir) if self.has("SASL-IR") => {
                let ir = if ir.is_empty() { "=".to_string() } else { ir };
                self.write_line(&format!("{cmd} {ir}"), &format!("{cmd} ****"))?;
            }
            other => {
                self.write_line(&cmd, &cmd)?;
                pending = other;
            }
        }
        let mut step = 0;
        let mut server_error: Option<String> = None;
        loop {
            match self.read_response()? {
                Response::Continue(challenge) => {
                    step += 1;
                    if step > MAX_SASL_STEPS + 1 {
                        // Still challenging after the cancel: never ends otherwise.
                        return Err(Error::new(
                            WD_E::Protocol,
                            format!(
                                "IMAP server keeps sending {} challenges (more than {MAX_SASL_STEPS})",
                                mech.name()
                            ),
                        )
                        .with_system(format!("+ {challenge}")));
                    }
                    let answer = if step > MAX_SASL_STEPS {
                        "*".to_string()
                    } else {
                        match mech {
                            Mechanism::Plain | Mechanism::XOAuth2 | Mechanism::OAuthBearer => {
                                match pending.take() {
                                    Some(ir) => ir,
                                    None if mech.uses_token() => {
                                        server_error = Some(auth::decode_challenge(&challenge));
                                        auth::oauth_abort(mech)
                                    }
                                    None => "*".to_string(),
                                }
                            }
                            Mechanism::Login => match step {
                                1 => auth::login_user(user),
                                2 => auth::login_pass(pass),
                                _ => "*".to_string(),
                            },
                            Mechanism::CramMd5 => auth::cram_md5(user, pass, &challenge)?,
                        }
                    };
                    let shown = if answer.is_empty() || answer == "*" {
                        answer.clone()
                    } else {
                        "****".to_string()
                    };
                    self.write_line(&answer, &shown)?;
                }
                Response::Untagged(u) => self.handle_untagged(&u)?,
                Response::Tagged {
                    tag: t,
                    status,
                    code,
                    text,
                } if t == tag => {
                    if status == Status::Ok {
                        self.caps.clear();
                        if let Some(caps) = caps_from_code(&code) {
                            self.caps = caps;
                        }
                        return Ok(());
                    }
                    let reply = reply_text(status, &code, &text);
                    let msg = match &server_error {
                        Some(json) => format!(
                            "authentication refused ({}): {} ({json})",
                            mech.name(),
                            reply
                        ),
                        None => format!("authentication refused ({}): {reply}", mech.name()),
                    };
                    let system = match server_error {
                        Some(json) => format!("{reply} {json}"),
                        None => reply,
                    };
                    return Err(Error::new(WD_E::Auth, msg).with_system(system));
                }
                Response::Tagged { .. } => {}
            }
        }
    }
}
