//! Choosing how to sign in: the method the session forces (`WD_PROP_AUTH_METHOD`), or the
//! automatic choice among what the server offers and the credentials that are set.
//!
//! [`select`] returns the candidates in order of preference; [`sign_in`] runs them,
//! moving on after a refusal.

use super::Mechanism;
use crate::error::{Error, Result, WD_E};
use crate::oauth2::Options;
use crate::session::{AuthMethod, SessionConfig};
use crate::trace;
use std::time::Duration;

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
            AuthMethod::ScramSha256 => Method::Sasl(Mechanism::ScramSha256),
            AuthMethod::ScramSha1 => Method::Sasl(Mechanism::ScramSha1),
        })
    }

    /// True when the method signs in with the OAuth2 token rather than the password.
    pub fn uses_token(self) -> bool {
        matches!(self, Method::Sasl(m) if m.uses_token())
    }

    /// The method as `protocol` names it (the protocol's login is IMAP's LOGIN command).
    fn label(self, protocol: &str) -> String {
        match self {
            Method::ProtocolLogin if protocol == "IMAP" => "LOGIN command".to_string(),
            m => m.to_string(),
        }
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

/// The automatic choice with a token: the token mechanisms, the standard one first.
const WITH_TOKEN: [Method; 2] = [
    Method::Sasl(Mechanism::OAuthBearer),
    Method::Sasl(Mechanism::XOAuth2),
];

/// The automatic choice with a password, strongest first: the mechanisms that never
/// send the password, then those that do, then the protocol's own login.
const WITH_PASSWORD: [Method; 7] = [
    Method::Sasl(Mechanism::ScramSha256),
    Method::Sasl(Mechanism::ScramSha1),
    Method::Sasl(Mechanism::CramMd5),
    Method::Apop,
    Method::Sasl(Mechanism::Plain),
    Method::Sasl(Mechanism::Login),
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
    /// `None` for a protocol without a login command of its own; for POP3 (USER/PASS)
    /// and IMAP (LOGIN), whether it may be used on this connection (not after IMAP's
    /// LOGINDISABLED: the automatic choice leaves it out, a forced one gets the reason
    /// from the protocol).
    pub protocol_login: Option<bool>,
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
            Method::ProtocolLogin => self.protocol_login == Some(true),
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
            Method::Apop if self.apop.is_none() => Err(Error::invalid_arg(format!(
                "{m} is not a sign-in method of {proto}"
            ))),
            Method::ProtocolLogin if self.protocol_login.is_none() => Err(Error::invalid_arg(
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
/// lists every method both sides support, strongest first: with a token, the token
/// mechanisms (OAUTHBEARER, XOAUTH2); with a password, or with a token the server
/// cannot take, SCRAM-SHA-256, SCRAM-SHA-1, CRAM-MD5, APOP, PLAIN, LOGIN, then the
/// protocol's own login.
///
/// Errors (nothing has been sent): [`WD_E::Auth`] (not offered, secret missing, nothing
/// usable), [`WD_E::InvalidArgument`] (APOP or USER/PASS where the protocol has none).
pub fn select(forced: AuthMethod, offer: &Offer, creds: &Credentials) -> Result<Vec<Method>> {
    if let Some(m) = Method::forced(forced) {
        offer.check_forced(m)?;
        creds.secret(m)?;
        return Ok(vec![m]);
    }
    let usable = |methods: &[Method]| -> Vec<Method> {
        methods
            .iter()
            .copied()
            .filter(|&m| offer.offers(m) && creds.has_secret(m))
            .collect()
    };
    let mut plan = usable(&WITH_TOKEN);
    if plan.is_empty() {
        plan = usable(&WITH_PASSWORD);
    }
    if plan.is_empty() {
        return Err(Error::new(
            WD_E::Auth,
            format!(
                "no usable authentication mechanism: the {} server offers {}{}, and {} set",
                offer.protocol,
                offer.sasl_list(),
                match offer.protocol_login {
                    Some(false) => format!(
                        " (its {} is disabled on this connection: use TLS)",
                        Method::ProtocolLogin.label(offer.protocol)
                    ),
                    _ => String::new(),
                },
                creds.described()
            ),
        ));
    }
    Ok(plan)
}

/// A failed sign-in, and what it left of the connection.
#[derive(Debug)]
pub struct Failure {
    pub error: Error,
    /// True after a refusal (the server answered, the exchange is over) or when nothing
    /// was sent: the next method may be tried, the session ends with QUIT/LOGOUT. False
    /// when the connection is out of step (network or protocol error) or the server is
    /// not trusted (SCRAM signature): it is dropped as is and nothing else is tried.
    pub in_step: bool,
}

impl Failure {
    /// A failure that leaves the connection in step.
    pub fn in_step(error: Error) -> Failure {
        Failure {
            error,
            in_step: true,
        }
    }

    /// A failure after which the connection must be dropped.
    pub fn out_of_step(error: Error) -> Failure {
        Failure {
            error,
            in_step: false,
        }
    }
}

/// The error contract of the sign-in code: [`WD_E::Auth`] is a refusal, the connection
/// in step; any other error leaves it out of step.
impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        let in_step = error.code == WD_E::Auth;
        Failure { error, in_step }
    }
}

/// Signs in to a `protocol` server with the methods of `plan` (from [`select`]);
/// `attempt` runs one method.
///
/// Moves on after a refusal ([`WD_E::Auth`], the connection in step) and stops at any
/// other failure, which is returned. When every method is refused, the last refusal is
/// returned (its server reply in `system`), its message naming the methods refused
/// before it.
pub fn sign_in(
    protocol: &'static str,
    plan: &[Method],
    mut attempt: impl FnMut(Method) -> std::result::Result<(), Failure>,
) -> std::result::Result<(), Failure> {
    let mut refused: Vec<String> = Vec::new();
    for (i, &m) in plan.iter().enumerate() {
        let mut f = match attempt(m) {
            Ok(()) => return Ok(()),
            Err(f) if f.in_step && f.error.code == WD_E::Auth => f,
            Err(f) => return Err(f),
        };
        match plan.get(i + 1) {
            Some(next) => crate::trace::note(
                protocol,
                &format!(
                    "{} refused; trying {}",
                    m.label(protocol),
                    next.label(protocol)
                ),
            ),
            None => {
                if !refused.is_empty() {
                    f.error.message = format!(
                        "{} (refused before: {})",
                        f.error.message,
                        refused.join(", ")
                    );
                }
                return Err(f);
            }
        }
        refused.push(m.label(protocol));
    }
    Err(Failure::in_step(Error::internal(
        "no sign-in method to try",
    )))
}

/// [`select`] then [`sign_in`] as the session `cfg` says (its forced method), with the
/// credentials `creds`; `attempt` runs one method with the credentials of the moment, told
/// whether it is the plan's last method (nothing else is tried after it unless the token
/// is renewed: the plans with a token hold token mechanisms only).
///
/// With a token handle (`WD_PROP_OAUTH_TOKEN`), the access token is the handle's,
/// renewed (in at most `timeout`) at most once per sign-in: before it, when
/// the token has expired by its own expiry and can be renewed; otherwise after the server
/// refused it with XOAUTH2 or OAUTHBEARER, the sign-in then running once more with the
/// new token. A renewal that fails leaves the refusal (or the renewal's error, before the
/// sign-in) as the error, its message naming both.
pub fn sign_in_linked(
    protocol: &'static str,
    cfg: &SessionConfig,
    timeout: Duration,
    offer: &Offer,
    creds: Credentials<'_>,
    mut attempt: impl FnMut(Method, &Credentials<'_>, bool) -> std::result::Result<(), Failure>,
) -> std::result::Result<(), Failure> {
    let forced = cfg.auth_method;
    let Some(link) = cfg.token_link() else {
        let plan = select(forced, offer, &creds).map_err(Failure::in_step)?;
        let last = plan.last().copied();
        return sign_in(protocol, &plan, |m| attempt(m, &creds, Some(m) == last));
    };
    let opts = Options::new(timeout);
    let (mut token, mut renewed) = link.access_token_for_sign_in(&opts).map_err(|e| {
        Failure::in_step(Error {
            message: format!(
                "the access token has expired and renewing it failed: {}",
                e.message
            ),
            ..e
        })
    })?;
    if renewed {
        trace::note(
            protocol,
            "the access token had expired: renewed before signing in",
        );
    }
    loop {
        let c = Credentials {
            token: Some(token.as_str()).filter(|t| !t.is_empty()),
            ..creds
        };
        let plan = select(forced, offer, &c).map_err(Failure::in_step)?;
        let last = plan.last().copied();
        let mut token_refused = false;
        let r = sign_in(protocol, &plan, |m| {
            let r = attempt(m, &c, Some(m) == last);
            if m.uses_token() && matches!(&r, Err(f) if f.in_step && f.error.code == WD_E::Auth) {
                token_refused = true;
            }
            r
        });
        match r {
            Err(f) if token_refused && !renewed && f.in_step => {
                trace::note(
                    protocol,
                    "access token refused: renewing it and signing in once more",
                );
                token = link.renew_after_refusal(&token, &opts).map_err(|e| {
                    Failure::in_step(Error {
                        message: format!(
                            "{}; renewing the access token failed: {}",
                            f.error.message, e.message
                        ),
                        ..f.error.clone()
                    })
                })?;
                renewed = true;
            }
            r => return r,
        }
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
            protocol_login: None,
        }
    }

    /// What an IMAP server offers: `sasl`, and LOGIN unless `login` is false
    /// (LOGINDISABLED).
    fn imap_offer(sasl: &[String], login: bool) -> Offer<'_> {
        Offer {
            protocol: "IMAP",
            sasl: Some(sasl),
            apop: None,
            protocol_login: Some(login),
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
        let scram = names(&["PLAIN", "SCRAM-SHA-1", "scram-sha-256", "CRAM-MD5"]);
        assert_eq!(choose(&scram, true, false), Some(Mechanism::ScramSha256));
        assert_eq!(
            choose(&names(&["PLAIN", "SCRAM-SHA-1"]), true, false),
            Some(Mechanism::ScramSha1)
        );
        assert_eq!(choose(&scram, false, true), None);
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
        let sasl = names(&[
            "PLAIN",
            "LOGIN",
            "CRAM-MD5",
            "XOAUTH2",
            "SCRAM-SHA-1",
            "SCRAM-SHA-256",
        ]);
        let pop3 = Offer {
            protocol: "POP3",
            sasl: Some(&sasl),
            apop: Some(true),
            protocol_login: Some(true),
        };
        use Mechanism::*;
        let by_password = [
            Method::Sasl(ScramSha256),
            Method::Sasl(ScramSha1),
            Method::Sasl(CramMd5),
            Method::Apop,
            Method::Sasl(Plain),
            Method::Sasl(Login),
            Method::ProtocolLogin,
        ];
        let plan = select(AuthMethod::Auto, &pop3, &creds(true, false)).unwrap();
        assert_eq!(plan, by_password);
        // A token is used when it is set; the password methods are not mixed in.
        let plan = select(AuthMethod::Auto, &pop3, &creds(true, true)).unwrap();
        assert_eq!(plan, [Method::Sasl(XOAuth2)]);
        let both = names(&["XOAUTH2", "OAUTHBEARER"]);
        let oauth = Offer {
            sasl: Some(&both),
            ..pop3
        };
        let plan = select(AuthMethod::Auto, &oauth, &creds(false, true)).unwrap();
        assert_eq!(plan, [Method::Sasl(OAuthBearer), Method::Sasl(XOAuth2)]);
        // A token the server cannot take: the password, when one is set.
        let plain = names(&["PLAIN"]);
        let no_oauth = Offer {
            sasl: Some(&plain),
            ..pop3
        };
        let plan = select(AuthMethod::Auto, &no_oauth, &creds(true, true)).unwrap();
        assert_eq!(
            plan,
            [Method::Apop, Method::Sasl(Plain), Method::ProtocolLogin]
        );
        // IMAP after LOGINDISABLED: no LOGIN command in the plan.
        let imap = imap_offer(&plain, false);
        let plan = select(AuthMethod::Auto, &imap, &creds(true, false)).unwrap();
        assert_eq!(plan, [Method::Sasl(Plain)]);
        let e = select(
            AuthMethod::Auto,
            &Offer { sasl: None, ..imap },
            &creds(true, false),
        );
        assert_eq!(
            e.unwrap_err().message,
            "no usable authentication mechanism: the IMAP server offers none (its LOGIN \
             command is disabled on this connection: use TLS), and a password is set"
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
        let imap = imap_offer(&offered, true);
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
            protocol_login: Some(true),
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
        // A login disabled on this connection is still tried when forced: the
        // protocol gives the reason.
        let disabled = imap_offer(&[], false);
        let plan = select(AuthMethod::UserPass, &disabled, &creds(true, false));
        assert_eq!(plan.unwrap(), [Method::ProtocolLogin]);
        let offered = names(&["SCRAM-SHA-256"]);
        let e = select(
            AuthMethod::ScramSha1,
            &sasl_offer(&offered),
            &creds(true, false),
        )
        .unwrap_err();
        assert_error(&e, WD_E::Auth, "does not offer SCRAM-SHA-1");
    }

    fn refusal(reply: &str) -> Failure {
        Failure::in_step(Error::new(WD_E::Auth, format!("refused: {reply}")).with_system(reply))
    }

    const PLAN: [Method; 3] = [
        Method::Sasl(Mechanism::CramMd5),
        Method::Sasl(Mechanism::Plain),
        Method::ProtocolLogin,
    ];

    #[test]
    fn sign_in_moves_on_after_a_refusal() {
        let mut tried = Vec::new();
        let r = sign_in("IMAP", &PLAN, |m| {
            tried.push(m);
            match m {
                Method::Sasl(Mechanism::CramMd5) => Err(refusal("NO cram")),
                _ => Ok(()),
            }
        });
        assert!(r.is_ok());
        assert_eq!(tried, PLAN[..2]);
    }

    #[test]
    fn sign_in_reports_the_last_refusal() {
        let mut n = 0;
        let f = sign_in("IMAP", &PLAN, |_| {
            n += 1;
            Err(refusal(&format!("NO {n}")))
        })
        .unwrap_err();
        assert!(f.in_step);
        assert_eq!(f.error.code, WD_E::Auth);
        assert_eq!(f.error.system.as_deref(), Some("NO 3"));
        assert_eq!(
            f.error.message,
            "refused: NO 3 (refused before: CRAM-MD5, PLAIN)"
        );
        // One method: its refusal as is.
        let f = sign_in("POP3", &PLAN[2..], |_| Err(refusal("-ERR no"))).unwrap_err();
        assert_eq!(f.error.message, "refused: -ERR no");
    }

    #[test]
    fn sign_in_stops_at_any_other_failure() {
        let lost = || Error::new(WD_E::ConnectionLost, "connection closed");
        let stops: [fn(Error) -> Failure; 2] = [Failure::from, Failure::out_of_step];
        for (i, stop) in stops.into_iter().enumerate() {
            let mut tried = 0;
            let f = sign_in("SMTP", &PLAN, |_| {
                tried += 1;
                Err(stop(lost()))
            })
            .unwrap_err();
            assert_eq!(
                (tried, f.in_step, f.error.code),
                (1, false, WD_E::ConnectionLost),
                "{i}"
            );
        }
        // An Auth error that leaves the server untrusted stops too.
        let mut tried = 0;
        let f = sign_in("SMTP", &PLAN, |_| {
            tried += 1;
            Err(Failure::out_of_step(Error::new(WD_E::Auth, "mismatch")))
        })
        .unwrap_err();
        assert_eq!((tried, f.in_step, f.error.code), (1, false, WD_E::Auth));
        let f = sign_in("SMTP", &[], |_| Ok(())).unwrap_err();
        assert_eq!(f.error.code, WD_E::Internal);
        assert!(Failure::from(Error::new(WD_E::Auth, "no")).in_step);
    }
}
