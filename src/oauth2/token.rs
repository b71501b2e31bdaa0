//! The tokens granted by the authorization server, read from the token endpoint's reply
//! (RFC 6749 5.1 / 5.2).

use super::error_text;
use super::http;
use crate::error::{Error, Result, WD_E};
use crate::secret::Secret;
use crate::text::DateTime;
use crate::text::date::unix_now;

/// Tokens granted by the authorization server.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Token {
    pub access_token: Secret,
    /// Empty when the server gave none.
    pub refresh_token: Secret,
    pub token_type: String,
    pub scope: String,
    /// Expiry as seconds since the Unix epoch; `None` when the server gave no lifetime.
    pub expires_at: Option<u64>,
}

impl Token {
    /// True while the token has not expired (a token without lifetime stays valid).
    pub fn is_valid(&self) -> bool {
        match self.expires_at {
            None => true,
            Some(t) => unix_now() < t,
        }
    }

    /// The expiry in RFC 3339 (`2024-05-01T12:00:00Z`), "" when unknown.
    pub fn expiration(&self) -> String {
        self.expires_at
            .map(|t| DateTime::from_unix(i64::try_from(t).unwrap_or(i64::MAX)).to_rfc3339_utc())
            .unwrap_or_default()
    }
}

/// A printable one-line excerpt of a reply body (for error system messages).
pub(super) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect();
    line.trim().to_string()
}

pub(super) fn json_str(v: &serde_json::Value, key: &str) -> String {
    match v.get(key) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// A number of seconds (a JSON number or a numeric string), `None` when absent, negative
/// or not a number.
pub(super) fn json_seconds(v: &serde_json::Value, key: &str) -> Option<u64> {
    let n = match v.get(key) {
        Some(serde_json::Value::Number(n)) => n.as_f64(),
        Some(serde_json::Value::String(s)) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    n.filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| s.min(1e12) as u64)
}

/// The OAuth2 error of a reply (RFC 6749 5.2): its `error` and `error_description`,
/// `None` when the body is not a JSON object with an `error`.
pub(super) fn oauth_error(r: &http::Response) -> Option<(String, String)> {
    let v: serde_json::Value = serde_json::from_slice(&r.body).ok()?;
    v.get("error")?;
    Some((json_str(&v, "error"), json_str(&v, "error_description")))
}

/// The JSON object of a successful reply of the endpoint `what` ("token endpoint"…).
/// An OAuth2 error reply is a `WD_E_AUTH` error with its `error` and
/// `error_description`; another HTTP error, or a body that is not a JSON object, a
/// `WD_E_PROTOCOL` error.
pub(super) fn json_reply(r: &http::Response, what: &str) -> Result<serde_json::Value> {
    let status_text = format!("HTTP {} {}", r.status, r.reason);
    if let Some((error, description)) = oauth_error(r) {
        let text = error_text(&error, &description);
        return Err(Error::new(
            WD_E::Auth,
            format!("{what} refused the request: {text} ({status_text})"),
        )
        .with_system(excerpt(&r.body)));
    }
    if !(200..300).contains(&r.status) {
        return Err(
            Error::new(WD_E::Protocol, format!("{what} answered {status_text}")).with_system(
                if r.body.is_empty() {
                    status_text.clone()
                } else {
                    excerpt(&r.body)
                },
            ),
        );
    }
    match serde_json::from_slice::<serde_json::Value>(&r.body) {
        Ok(v) if v.is_object() => Ok(v),
        parsed => {
            let why = match parsed {
                Err(e) => e.to_string(),
                Ok(_) => "not a JSON object".to_string(),
            };
            Err(Error::new(
                WD_E::Protocol,
                format!("{what} reply is not valid JSON: {why}"),
            )
            .with_system(status_text))
        }
    }
}

/// Interprets a token endpoint reply (RFC 6749 5.1 / 5.2). `old` is the token being
/// refreshed, whose refresh token and scope are kept when the reply has none.
pub fn parse_token_reply(r: &http::Response, old: Option<&Token>) -> Result<Token> {
    let v = json_reply(r, "token endpoint")?;
    let status_text = format!("HTTP {} {}", r.status, r.reason);
    let access_token = json_str(&v, "access_token");
    if access_token.is_empty() {
        return Err(
            Error::new(WD_E::Protocol, "token endpoint reply has no access_token")
                .with_system(status_text),
        );
    }
    let expires_in = json_seconds(&v, "expires_in");
    let mut refresh_token = json_str(&v, "refresh_token");
    let mut scope = json_str(&v, "scope");
    if let Some(old) = old {
        if refresh_token.is_empty() {
            refresh_token = old.refresh_token.to_string();
        }
        if scope.is_empty() {
            scope = old.scope.clone();
        }
    }
    Ok(Token {
        access_token: access_token.into(),
        refresh_token: refresh_token.into(),
        token_type: json_str(&v, "token_type"),
        scope,
        expires_at: expires_in.map(|s| unix_now() + s),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth2::{assert_error, reply};

    #[test]
    fn expiration_in_rfc3339() {
        let mut t = Token::default();
        assert_eq!(t.expiration(), "");
        t.expires_at = Some(1_700_000_000);
        assert_eq!(t.expiration(), "2023-11-14T22:13:20Z");
        assert!(!t.is_valid());
    }

    #[test]
    fn parses_token_replies() {
        let t = parse_token_reply(
            &reply(
                200,
                r#"{"access_token":"at","refresh_token":"rt","expires_in":3600,"token_type":"Bearer","scope":"mail"}"#,
            ),
            None,
        )
        .unwrap();
        assert_eq!(t.access_token, "at");
        assert_eq!(t.refresh_token, "rt");
        assert!(t.is_valid());
        let left = t.expires_at.unwrap() - unix_now();
        assert!((3590..=3600).contains(&left));
        assert!(!format!("{t:?}").contains("\"at\""));
        // Refresh without a new refresh token keeps the old one; string expires_in.
        let t2 = parse_token_reply(
            &reply(200, r#"{"access_token":"at2","expires_in":"60"}"#),
            Some(&t),
        )
        .unwrap();
        assert_eq!(
            (t2.refresh_token.as_str(), t2.scope.as_str()),
            ("rt", "mail")
        );
        assert!(t2.expires_at.is_some());
        let expired = Token {
            expires_at: Some(unix_now() - 1),
            ..t2.clone()
        };
        assert!(!expired.is_valid());
        let refused = r#"{"error":"invalid_grant","error_description":"code expired"}"#;
        let r = parse_token_reply(&reply(400, refused), None);
        let e = assert_error(r, WD_E::Auth, "invalid_grant: code expired");
        assert!(e.message.contains("HTTP 400"), "{}", e.message);
        let r = parse_token_reply(&reply(500, "Internal error"), None);
        let e = assert_error(r, WD_E::Protocol, "HTTP 500");
        assert_eq!(e.system.as_deref(), Some("Internal error"));
        let r = parse_token_reply(&reply(200, "<html>"), None);
        assert_error(r, WD_E::Protocol, "not valid JSON");
        let e = parse_token_reply(&reply(200, r#"{"token_type":"Bearer"}"#), None).unwrap_err();
        assert!(e.message.contains("no access_token"));
        let e = parse_token_reply(&reply(200, "[1]"), None).unwrap_err();
        assert!(e.message.contains("not a JSON object"));
    }
}
