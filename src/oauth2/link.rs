//! A token shared by its handle and the sessions signing in with it (`WD_PROP_OAUTH_TOKEN`):
//! the current token, renewed in place, and the parameters it was obtained with.

use super::grant::{renew, renewable};
use super::{Options, Params, Token};
use crate::error::Result;
use crate::reentry::{self, Held};
use parking_lot::{Mutex, MutexGuard};
use std::sync::Arc;

/// A token and the parameters it was obtained with (docs/API.md §9: a token handle remembers
/// them, to refresh it). Renewing replaces the token in place, so every holder sees the
/// new one. Its `Debug` output masks the token and the client secret.
pub struct TokenLink {
    token: Mutex<Token>,
    params: Params,
    /// Held while the token is renewed (network I/O): one renewal at a time, while the
    /// token itself stays readable.
    renewing: Mutex<()>,
}

impl std::fmt::Debug for TokenLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenLink")
            .field("token", &*self.token.lock())
            .field("params", &self.params)
            .finish()
    }
}

impl TokenLink {
    /// Shares `token`, obtained with `params`.
    pub fn new(token: Token, params: Params) -> Arc<TokenLink> {
        Arc::new(TokenLink {
            token: Mutex::new(token),
            params,
            renewing: Mutex::new(()),
        })
    }

    /// A copy of the current token.
    pub fn token(&self) -> Token {
        self.token.lock().clone()
    }

    /// The parameters the token was obtained with.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// The renewal lock; `WD_E_RECURSIVE_CALL` for a call from a callback (the transcript)
    /// of a renewal of this token on the calling thread, which holds it.
    fn one_renewal(&self) -> Result<(Held, MutexGuard<'_, ()>)> {
        let held = reentry::hold(&self.renewing, "the token being renewed")?;
        Ok((held, self.renewing.lock()))
    }

    /// Renews the token (see [`renew`]) with `p`, or the parameters it was obtained with,
    /// stores the new token in place and returns it.
    pub fn renew(&self, p: Option<&Params>, opts: &Options) -> Result<Token> {
        let _one = self.one_renewal()?;
        self.renew_locked(p, opts)
    }

    fn renew_locked(&self, p: Option<&Params>, opts: &Options) -> Result<Token> {
        let old = self.token();
        let new = renew(&old, p.unwrap_or(&self.params), opts)?;
        *self.token.lock() = new.clone();
        Ok(new)
    }

    /// After a server refused the access token `refused`: renews the token unless it is
    /// no longer `refused` (another session renewed it meanwhile), and returns the access
    /// token to sign in with.
    pub fn renew_after_refusal(&self, refused: &str, opts: &Options) -> Result<String> {
        let _one = self.one_renewal()?;
        let current = self.token();
        if current.access_token != refused {
            return Ok(current.access_token.into_string());
        }
        Ok(self.renew_locked(None, opts)?.access_token.into_string())
    }

    /// The access token a sign-in starts with: the current one, renewed first when it
    /// has expired by its own expiry and can be renewed. The flag tells whether it was
    /// renewed.
    pub fn access_token_for_sign_in(&self, opts: &Options) -> Result<(String, bool)> {
        let _one = self.one_renewal()?;
        let current = self.token();
        if current.is_valid() || !renewable(&current, &self.params) {
            return Ok((current.access_token.into_string(), false));
        }
        Ok((
            self.renew_locked(None, opts)?.access_token.into_string(),
            true,
        ))
    }

    /// `AuthVerifieAuthentification`: true while the token is valid; an expired token
    /// that can be renewed is renewed (with `p`, or the parameters it was obtained with),
    /// then true. False for an expired token that cannot be renewed; the error of a
    /// renewal that failed.
    pub fn verify(&self, p: Option<&Params>, opts: &Options) -> Result<bool> {
        let _one = self.one_renewal()?;
        let current = self.token();
        if current.is_valid() {
            return Ok(true);
        }
        if !renewable(&current, p.unwrap_or(&self.params)) {
            return Ok(false);
        }
        self.renew_locked(p, opts).map(|_| true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::WD_E;
    use crate::text::date::unix_now;
    use std::time::Duration;

    fn token(access: &str, refresh: &str, expired: bool) -> Token {
        Token {
            access_token: access.into(),
            refresh_token: refresh.into(),
            expires_at: Some(if expired {
                unix_now() - 10
            } else {
                unix_now() + 3600
            }),
            ..Default::default()
        }
    }

    fn opts() -> Options {
        Options::new(Duration::from_secs(2))
    }

    /// Parameters whose token endpoint refuses connections at once.
    fn closed_endpoint() -> Params {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Params {
            client_id: "c".into(),
            token_url: format!("http://127.0.0.1:{port}/token"),
            ..Default::default()
        }
    }

    #[test]
    fn valid_or_unrenewable_tokens_are_used_as_they_are() {
        let link = TokenLink::new(token("a", "r", false), closed_endpoint());
        assert_eq!(
            link.access_token_for_sign_in(&opts()).unwrap(),
            ("a".into(), false)
        );
        assert!(link.verify(None, &opts()).unwrap());
        let link = TokenLink::new(token("a", "", true), closed_endpoint());
        assert_eq!(
            link.access_token_for_sign_in(&opts()).unwrap(),
            ("a".into(), false)
        );
        assert!(!link.verify(None, &opts()).unwrap());
        assert!(!format!("{link:?}").contains("\"a\""));
    }

    #[test]
    fn renewal_errors_leave_the_token_in_place() {
        let link = TokenLink::new(token("a", "r", true), closed_endpoint());
        let e = link.verify(None, &opts()).unwrap_err();
        assert_eq!(e.code, WD_E::Connect, "{e:?}");
        assert_eq!(link.token().access_token, "a");
        // Already renewed by someone else: the current token, no request.
        let link = TokenLink::new(token("b", "r", false), closed_endpoint());
        assert_eq!(link.renew_after_refusal("a", &opts()).unwrap(), "b");
        assert_eq!(
            link.renew_after_refusal("b", &opts()).unwrap_err().code,
            WD_E::Connect
        );
    }
}
