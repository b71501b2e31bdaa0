//! Choosing how to sign in: the method the session forces (`WD_PROP_AUTH_METHOD`), or the
//! automatic choice among what the server offers and the credentials that are set.
//!
//! [`select`] returns the candidates in order of preference; [`sign_in`] runs them.
//! Today it runs the first one only: an ordered fall-back only has to loop there.

use super::Mechanism;
use crate::error::{Error, Result, WD_E};
use crate::session::{AuthMethod, SessionConfig};

/// One way to sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// A SASL exchange (SMTP AUTH, POP3 AUTH, IMAP AUTHENTICATE), see [`super::exchange()`].
    Sasl(Mechanism),
    /// POP3 APOP (RFC 1939).
    Apop,
    /// The protocol's own login command: POP3 USER/PASS, IMAP LOGIN.
    ProtocolLogin,
}

impl Method {
    /// The method `m` forces; `None` for [`AuthMethod::Auto`].
    pub fn forced(m: AuthMethod) -> Option<Method> {
        Some(match m {
            AuthMethod::Auto => return None,
            AuthMethod::Plain => Method::Sasl(Mechanism::Plain),
            AuthMethod::Login => Method::Sasl(Mechanism::Login),
            AuthMethod::CramMd5 => Method::Sasl(Mechanism::CramMd5),
            AuthMethod::XOAuth2 => Method::Sasl(Mechanism::XOAuth2),
            AuthMethod::OAuthBearer => Method::Sasl(Mechanism::OAuthBearer),
            AuthMethod::Apop => Method::Apop,
            AuthMethod::UserPass => Method::ProtocolLogin,
        })
    }

    /// True when the method signs in with the OAuth2 token rather than the password.
    pub fn uses_token(self) -> bool {
        matches!(self, Method::Sasl(m) if m.uses_token())
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Method::Sasl(m) => f.write_str(m.name()),
            Method::Apop => f.write_str("APOP"),
            Method::ProtocolLogin => f.write_str("USER/PASS"),
        }
    }
}

/// The automatic order, strongest first. Each method is kept when the server offers it
/// and its secret is set: the token mechanisms with a token, the others with a password.
const AUTOMATIC: [Method; 7] = [
    Method::Sasl(Mechanism::OAuthBearer),
    Method::Sasl(Mechanism::XOAuth2),
    Method::Sasl(Mechanism::CramMd5),
    Method::Sasl(Mechanism::Plain),
    Method::Sasl(Mechanism::Login),
    Method::Apop,
    Method::ProtocolLogin,
];

/// What the server offers, as one protocol sees it.
#[derive(Debug, Clone, Copy)]
pub struct Offer<'a> {
    /// "POP3", "IMAP" or "SMTP", for messages.
    pub protocol: &'static str,
    /// The SASL mechanisms the server announced (any case), or `None` when it did not
    /// say (POP3 without SASL in CAPA): a forced mechanism is then tried all the same,
    /// the automatic choice takes none.
    pub sasl: Option<&'a [String]>,
    /// `None` for a protocol without APOP; for POP3, whether the greeting holds an APOP
    /// timestamp.
    pub apop: Option<bool>,
    /// The protocol has its own login command (POP3 USER/PASS, IMAP LOGIN).
    pub protocol_login: bool,
}

impl Offer<'_> {
    fn has_sasl(&self, m: Mechanism) -> bool {
        self.sasl
            .unwrap_or_default()
            .iter()
            .any(|o| o.trim().eq_ignore_ascii_case(m.name()))
    }

    /// True when the server offers `m`.
    pub fn offers(&self, m: Method) -> bool {
        match m {
            Method::Sasl(mech) => self.has_sasl(mech),
            Method::Apop => self.apop == Some(true),
            Method::ProtocolLogin => self.protocol_login,
        }
    }

    /// The announced SASL mechanisms, for messages.
    fn sasl_list(&self) -> String {
        match self.sasl {
            Some(list) if !list.is_empty() => list.join(" "),
            _ => "none".to_string(),
        }
    }

    /// A forced method must exist in the protocol and, when the server said what it
    /// offers, be offered: nothing is sent otherwise.
    fn check_forced(&self, m: Method) -> Result<()> {
        let proto = self.protocol;
        let not_offered = |detail: String| {
            Err(Error::new(
                WD_E::Auth,
                format!("the {proto} server does not offer {m} ({detail})"),
            ))
        };
        match m {
            Method::Sasl(mech) if self.sasl.is_some() && !self.has_sasl(mech) => {
                not_offered(format!("it offers: {}", self.sasl_list()))
            }
            Method::Apop if self.apop == Some(false) => {
                not_offered("its greeting has no APOP timestamp".to_string())
            }
            Method::Apop | Method::ProtocolLogin if !self.offers(m) => Err(Error::invalid_arg(
                format!("{m} is not a sign-in method of {proto}"),
            )),
            _ => Ok(()),
        }
    }
}

/// What the client signs in with. No `Debug`: it holds secrets.
#[derive(Clone, Copy)]
pub struct Credentials<'a> {
    pub user: &'a str,
    pub password: Option<&'a str>,
    /// The OAuth2 access token (never empty).
    pub token: Option<&'a str>,
    /// The server as the client names it (OAUTHBEARER sends its host and port).
    pub host: &'a str,
    pub port: u16,
}

impl<'a> Credentials<'a> {
    /// The session's user, password and token (an empty token counts as none), for a
    /// connection to `host`:`port`.
    pub fn new(cfg: &'a SessionConfig, host: &'a str, port: u16) -> Credentials<'a> {
        Credentials {
            user: &cfg.user,
            password: cfg.password.as_deref(),
            token: cfg.auth_token.as_deref().filter(|t| !t.is_empty()),
            host,
            port,
        }
    }

    /// The secret `m` needs: the token for XOAUTH2/OAUTHBEARER, the password otherwise.
    /// Its absence is a [`WD_E::Auth`] error.
    pub fn secret(&self, m: Method) -> Result<&'a str> {
        if m.uses_token() {
            self.token.ok_or_else(|| {
                Error::new(
                    WD_E::Auth,
                    format!("{m} needs an access token (WD_PROP_AUTH_TOKEN)"),
                )
            })
        } else {
            self.password
                .ok_or_else(|| Error::new(WD_E::Auth, format!("{m} needs a password")))
        }
    }

    fn has_secret(&self, m: Method) -> bool {
        if m.uses_token() {
            self.token.is_some()
        } else {
            self.password.is_some()
        }
    }

    /// What is set, for messages.
    fn described(&self) -> &'static str {
        match (self.token.is_some(), self.password.is_some()) {
            (true, true) => "a token and a password are",
            (true, false) => "a token is",
            (false, true) => "a password is",
            (false, false) => "neither a password nor a token is",
        }
    }
}

/// The methods to try, in order.
///
/// A forced method comes alone, once checked: the protocol has it, the server offers it
/// (when the server said what it offers) and its secret is set. The automatic choice
/// lists every method both sides support whose secret is set, strongest first.
///
/// Errors (nothing has been sent): [`WD_E::Auth`] (not offered, secret missing, nothing
/// usable), [`WD_E::InvalidArgument`] (APOP or USER/PASS where the protocol has none).
pub fn select(forced: AuthMethod, offer: &Offer, creds: &Credentials) -> Result<Vec<Method>> {
    if let Some(m) = Method::forced(forced) {
        offer.check_forced(m)?;
        creds.secret(m)?;
        return Ok(vec![m]);
    }
    let plan: Vec<Method> = AUTOMATIC
        .into_iter()
        .filter(|&m| offer.offers(m) && creds.has_secret(m))
        .collect();
    if plan.is_empty() {
        return Err(Error::new(
            WD_E::Auth,
            format!(
                "no usable authentication mechanism: the {} server offers {}, and {} set",
                offer.protocol,
                offer.sasl_list(),
                creds.described()
            ),
        ));
    }
    Ok(plan)
}

/// Signs in with the methods of `plan` (from [`select`]); `attempt` runs one method.
///
/// Today only the first method is tried, as the automatic choice always did. An ordered
/// fall-back loops here: it moves on after an attempt that ends with [`WD_E::Auth`] (a
/// refusal, the connection still in step) and stops at any other error.
pub fn sign_in(plan: &[Method], mut attempt: impl FnMut(Method) -> Result<()>) -> Result<()> {
    match plan.first() {
        Some(&m) => attempt(m),
        None => Err(Error::internal("no sign-in method to try")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::assert_error;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn creds(password: bool, token: bool) -> Credentials<'static> {
        Credentials {
            user: "u",
            password: password.then_some("pw"),
            token: token.then_some("tok"),
            host: "h",
            port: 1,
        }
    }

    fn sasl_offer(offered: &[String]) -> Offer<'_> {
        Offer {
            protocol: "SMTP",
            sasl: Some(offered),
            apop: None,
            protocol_login: false,
        }
    }

    /// The automatic choice over SASL alone (as SMTP sees it): its first mechanism.
    fn choose(offered: &[String], have_password: bool, have_token: bool) -> Option<Mechanism> {
        let plan = select(
            AuthMethod::Auto,
            &sasl_offer(offered),
            &creds(have_password, have_token),
        );
        match plan.ok()?.first()? {
            Method::Sasl(m) => Some(*m),
            _ => None,
        }
    }

    #[test]
    fn choose_preferences() {
        let all = names(&["login", "PLAIN", "Cram-MD5", "XOAUTH2", "OAUTHBEARER"]);
        assert_eq!(choose(&all, true, false), Some(Mechanism::CramMd5));
        assert_eq!(choose(&all, false, true), Some(Mechanism::OAuthBearer));
        assert_eq!(choose(&all, true, true), Some(Mechanism::OAuthBearer));
        assert_eq!(
            choose(&names(&["LOGIN", "PLAIN"]), true, false),
            Some(Mechanism::Plain)
        );
        assert_eq!(
            choose(&names(&["PLAIN", "LOGIN"]), true, false),
            Some(Mechanism::Plain)
        );
        assert_eq!(
            choose(&names(&["LOGIN"]), true, false),
            Some(Mechanism::Login)
        );
        assert_eq!(
            choose(&names(&["XOAUTH2", "PLAIN"]), false, true),
            Some(Mechanism::XOAuth2)
        );
        assert_eq!(choose(&names(&["PLAIN"]), false, true), None);
        assert_eq!(
            choose(&names(&["PLAIN"]), true, true),
            Some(Mechanism::Plain)
        );
        assert_eq!(choose(&names(&["XOAUTH2"]), true, false), None);
        assert_eq!(choose(&names(&["GSSAPI", "NTLM"]), true, true), None);
        assert_eq!(choose(&[], true, true), None);
        assert_eq!(choose(&all, false, false), None);
    }

    #[test]
    fn automatic_plan_is_ordered_and_ends_with_the_protocol_login() {
        let sasl = names(&["PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2"]);
        let pop3 = Offer {
            protocol: "POP3",
            sasl: Some(&sasl),
            apop: Some(true),
            protocol_login: true,
        };
        let plan = select(AuthMethod::Auto, &pop3, &creds(true, true)).unwrap();
        use Mechanism::*;
        assert_eq!(
            plan,
            [
                Method::Sasl(XOAuth2),
                Method::Sasl(CramMd5),
                Method::Sasl(Plain),
                Method::Sasl(Login),
                Method::Apop,
                Method::ProtocolLogin
            ]
        );
        // Nothing announced (no SASL in CAPA, no timestamp): the protocol's login.
        let bare = Offer {
            sasl: None,
            apop: Some(false),
            ..pop3
        };
        let plan = select(AuthMethod::Auto, &bare, &creds(true, false)).unwrap();
        assert_eq!(plan, [Method::ProtocolLogin]);
        // A token alone never falls to a password method.
        let e = select(AuthMethod::Auto, &bare, &creds(false, true)).unwrap_err();
        assert_error(
            &e,
            WD_E::Auth,
            "the POP3 server offers none, and a token is set",
        );
    }

    #[test]
    fn forced_method_must_be_offered() {
        let offered = names(&["plain"]);
        let imap = Offer {
            protocol: "IMAP",
            sasl: Some(&offered),
            apop: None,
            protocol_login: true,
        };
        let e = select(AuthMethod::CramMd5, &imap, &creds(true, false)).unwrap_err();
        assert_eq!(e.code, WD_E::Auth);
        assert_eq!(
            e.message,
            "the IMAP server does not offer CRAM-MD5 (it offers: plain)"
        );
        assert_eq!(
            select(AuthMethod::Plain, &imap, &creds(true, false)).unwrap(),
            [Method::Sasl(Mechanism::Plain)]
        );
        assert_eq!(
            select(AuthMethod::UserPass, &imap, &creds(true, false)).unwrap(),
            [Method::ProtocolLogin]
        );
        // A server that did not say what it offers: the forced mechanism is tried.
        let unknown = Offer { sasl: None, ..imap };
        assert_eq!(
            select(AuthMethod::CramMd5, &unknown, &creds(true, false)).unwrap(),
            [Method::Sasl(Mechanism::CramMd5)]
        );
    }

    #[test]
    fn forced_method_needs_its_secret() {
        let offered = names(&["PLAIN", "XOAUTH2"]);
        let smtp = sasl_offer(&offered);
        let e = select(AuthMethod::XOAuth2, &smtp, &creds(true, false)).unwrap_err();
        assert_error(&e, WD_E::Auth, "XOAUTH2 needs an access token");
        let e = select(AuthMethod::Plain, &smtp, &creds(false, true)).unwrap_err();
        assert_eq!(e.code, WD_E::Auth);
        assert_eq!(e.message, "PLAIN needs a password");
    }

    #[test]
    fn apop_and_protocol_login_where_they_exist() {
        let offered = names(&["PLAIN"]);
        let smtp = sasl_offer(&offered);
        for m in [AuthMethod::Apop, AuthMethod::UserPass] {
            let e = select(m, &smtp, &creds(true, false)).unwrap_err();
            assert_error(&e, WD_E::InvalidArgument, "not a sign-in method of SMTP");
        }
        let pop3 = Offer {
            protocol: "POP3",
            sasl: None,
            apop: Some(false),
            protocol_login: true,
        };
        let e = select(AuthMethod::Apop, &pop3, &creds(true, false)).unwrap_err();
        assert_error(&e, WD_E::Auth, "no APOP timestamp");
        let with_ts = Offer {
            apop: Some(true),
            ..pop3
        };
        assert_eq!(
            select(AuthMethod::Apop, &with_ts, &creds(true, false)).unwrap(),
            [Method::Apop]
        );
    }

    #[test]
    fn sign_in_tries_the_first_method() {
        let mut tried = Vec::new();
        let plan = [Method::Sasl(Mechanism::Plain), Method::ProtocolLogin];
        let r = sign_in(&plan, |m| {
            tried.push(m);
            Err(Error::new(WD_E::Auth, "refused"))
        });
        assert_eq!(r.unwrap_err().code, WD_E::Auth);
        assert_eq!(tried, [Method::Sasl(Mechanism::Plain)]);
        assert_eq!(sign_in(&[], |_| Ok(())).unwrap_err().code, WD_E::Internal);
    }
}
