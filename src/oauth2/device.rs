//! The device authorization grant (RFC 8628): the client asks the device authorization
//! endpoint (`WD_OAUTH_AUTH_URL`) for a device code and a user code, shows the user where
//! to enter the code, then polls the token endpoint until the user approves or refuses,
//! the code expires or the flow times out.

use super::flow::{require, secure_endpoint, token_endpoint, token_form};
use super::grant::{DEVICE_CODE_GRANT, extra_pairs, scope_and_extra};
use super::token::{excerpt, json_reply, json_seconds, json_str, oauth_error};
use super::{Options, Params, Token, error_text, http, parse_token_reply};
use crate::error::{Error, Result, WD_E};
use crate::secret::Secret;
use crate::trace;
use std::time::{Duration, Instant};

/// Seconds between two polls when the server does not say (RFC 8628 §3.2).
const DEFAULT_INTERVAL: u64 = 5;
/// Seconds a `slow_down` answer adds to the interval (RFC 8628 §3.5).
const SLOW_DOWN_STEP: u64 = 5;
/// Lifetime of the codes when the server does not say (seconds).
const DEFAULT_EXPIRES_IN: u64 = 1800;

/// The device authorization endpoint's reply (RFC 8628 §3.2). Its `Debug` output masks
/// the device code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceAuthorization {
    pub device_code: Secret,
    /// What the user enters at the verification address.
    pub user_code: String,
    /// Where the user goes (`verification_uri`, or Google's `verification_url`).
    pub verification_uri: String,
    /// The address with the code already in it ("" when the server gives none).
    pub verification_uri_complete: String,
    /// Lifetime of the codes, in seconds.
    pub expires_in: u64,
    /// Seconds between two polls (at least 1).
    pub interval: u64,
}

impl DeviceAuthorization {
    /// Reads the device authorization endpoint's reply.
    ///
    /// Errors: `WD_E_AUTH` (an OAuth2 error reply such as `invalid_client`),
    /// `WD_E_PROTOCOL` (another HTTP error, not JSON, a required field missing).
    pub fn parse(r: &http::Response) -> Result<DeviceAuthorization> {
        let v = json_reply(r, "device authorization endpoint")?;
        let field = |names: &[&str]| {
            let value = names
                .iter()
                .map(|n| json_str(&v, n))
                .find(|s| !s.is_empty())
                .unwrap_or_default();
            if value.is_empty() {
                Err(Error::new(
                    WD_E::Protocol,
                    format!("device authorization reply has no {}", names[0]),
                )
                .with_system(excerpt(&r.body)))
            } else {
                Ok(value)
            }
        };
        Ok(DeviceAuthorization {
            device_code: field(&["device_code"])?.into(),
            user_code: field(&["user_code"])?,
            verification_uri: field(&["verification_uri", "verification_url"])?,
            verification_uri_complete: json_str(&v, "verification_uri_complete"),
            expires_in: json_seconds(&v, "expires_in").unwrap_or(DEFAULT_EXPIRES_IN),
            interval: json_seconds(&v, "interval")
                .unwrap_or(DEFAULT_INTERVAL)
                .max(1),
        })
    }
}

/// What shows the user the verification address and the user code of the device flow
/// (called on the thread running the flow).
pub type Prompt<'a> = &'a dyn Fn(&str, &str);

/// What the device flow shows the user when the application set no prompt callback: one
/// line on stderr.
pub fn prompt_on_stderr(uri: &str, user_code: &str) {
    eprintln!("To sign in, open {uri} and enter the code {user_code}");
}

/// Waits until `at`, or fails with `WD_E_TIMEOUT` (saying `why`) when `limit` comes
/// first (after waiting until `limit`).
fn wait_until(at: Instant, limit: Instant, why: &str) -> Result<()> {
    let now = Instant::now();
    if at >= limit {
        std::thread::sleep(limit.saturating_duration_since(now));
        return Err(Error::new(WD_E::Timeout, why.to_string()));
    }
    std::thread::sleep(at.saturating_duration_since(now));
    Ok(())
}

/// Runs the device authorization grant: asks for the codes at `WD_OAUTH_AUTH_URL` (with
/// the client id, the secret when set, the scope and the additional parameters), gives
/// the verification address and the user code to `prompt` (on the calling thread), then
/// polls `WD_OAUTH_TOKEN_URL` every `interval` seconds, 5 more after each `slow_down`,
/// until the user approves. The whole flow is bounded by `opts.timeout`.
///
/// Errors: `WD_E_INVALID_ARGUMENT` (client id or a URL missing, a URL plain http on a
/// remote host, bad additional parameters), `WD_E_CONNECT`, `WD_E_TLS`, `WD_E_AUTH`
/// (the user refused: `access_denied`; any other error reply), `WD_E_TIMEOUT` (the flow
/// timed out, or the code expired: `expired_token`), `WD_E_PROTOCOL`.
pub fn device_code(p: &Params, opts: &Options, prompt: Prompt<'_>) -> Result<Token> {
    let deadline = Instant::now() + opts.timeout;
    require(&p.client_id, "WD_OAUTH_CLIENT_ID")?;
    let device_url = secure_endpoint(&p.auth_url, "WD_OAUTH_AUTH_URL")?;
    let token_url = token_endpoint(p)?;
    let extra = extra_pairs(p)?;
    let form = token_form(p, &[], &scope_and_extra(p, &extra));
    let r = http::post_form(&device_url, &form, deadline, opts.ca_file(p))?;
    let auth = DeviceAuthorization::parse(&r)?;
    let expires = Instant::now() + Duration::from_secs(auth.expires_in);
    trace::note(
        "OAUTH2",
        &format!(
            "device code issued: the user is to visit {} (polling every {} s)",
            auth.verification_uri, auth.interval
        ),
    );
    prompt(&auth.verification_uri, &auth.user_code);
    let mut interval = auth.interval;
    let form = token_form(
        p,
        &[
            ("grant_type", DEVICE_CODE_GRANT),
            ("device_code", &auth.device_code),
        ],
        &[],
    );
    let (limit, why) = if expires < deadline {
        (
            expires,
            "the user code expired before the user approved the sign-in",
        )
    } else {
        (
            deadline,
            "OAuth2 flow timed out: the user did not approve the sign-in in time",
        )
    };
    loop {
        wait_until(Instant::now() + Duration::from_secs(interval), limit, why)?;
        let r = http::post_form(&token_url, &form, deadline, opts.ca_file(p))?;
        let Some((error, description)) = oauth_error(&r) else {
            return parse_token_reply(&r, None);
        };
        match error.as_str() {
            "authorization_pending" => {}
            "slow_down" => {
                interval += SLOW_DOWN_STEP;
                trace::note("OAUTH2", &format!("slow_down: polling every {interval} s"));
            }
            "access_denied" => {
                return Err(Error::new(
                    WD_E::Auth,
                    format!(
                        "the user refused the sign-in ({})",
                        error_text(&error, &description)
                    ),
                )
                .with_system(excerpt(&r.body)));
            }
            "expired_token" => {
                return Err(Error::new(
                    WD_E::Timeout,
                    "the user code expired before the user approved the sign-in (expired_token)",
                )
                .with_system(excerpt(&r.body)));
            }
            _ => return parse_token_reply(&r, None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth2::{assert_error, reply};

    #[test]
    fn reads_device_authorization_replies() {
        let a = DeviceAuthorization::parse(&reply(
            200,
            r#"{"device_code":"dc","user_code":"WDJB-MJHT","verification_uri":"https://x/device",
                "verification_uri_complete":"https://x/device?c=WDJB","expires_in":"900","interval":2}"#,
        ))
        .unwrap();
        assert_eq!(
            (a.device_code.as_str(), a.user_code.as_str()),
            ("dc", "WDJB-MJHT")
        );
        assert_eq!(a.verification_uri, "https://x/device");
        assert_eq!(a.verification_uri_complete, "https://x/device?c=WDJB");
        assert_eq!((a.expires_in, a.interval), (900, 2));
        let shown = format!("{a:?}");
        assert!(shown.contains("user_code: \"WDJB-MJHT\""), "{shown}");
        assert!(!shown.contains("\"dc\""), "{shown}");
        // Google's spelling, defaults, an interval of 0 read as 1.
        let a = DeviceAuthorization::parse(&reply(
            200,
            r#"{"device_code":"dc","user_code":"u","verification_url":"https://g/device"}"#,
        ))
        .unwrap();
        assert_eq!(a.verification_uri, "https://g/device");
        assert_eq!((a.expires_in, a.interval), (1800, 5));
        let a = DeviceAuthorization::parse(&reply(
            200,
            r#"{"device_code":"dc","user_code":"u","verification_uri":"v","interval":0}"#,
        ))
        .unwrap();
        assert_eq!(a.interval, 1);
        let missing = reply(200, r#"{"device_code":"dc","verification_uri":"v"}"#);
        assert_error(
            DeviceAuthorization::parse(&missing),
            WD_E::Protocol,
            "no user_code",
        );
        let refused = reply(400, r#"{"error":"invalid_client"}"#);
        assert_error(
            DeviceAuthorization::parse(&refused),
            WD_E::Auth,
            "device authorization endpoint refused the request: invalid_client",
        );
        assert_error(
            DeviceAuthorization::parse(&reply(404, "")),
            WD_E::Protocol,
            "HTTP 404",
        );
    }

    #[test]
    fn waiting_stops_at_the_limit() {
        let t0 = Instant::now();
        assert!(wait_until(t0, t0 + Duration::from_secs(5), "x").is_ok());
        let e = wait_until(
            t0 + Duration::from_secs(5),
            t0 + Duration::from_millis(20),
            "late",
        );
        assert_error(e, WD_E::Timeout, "late");
        assert!(t0.elapsed() >= Duration::from_millis(20));
    }
}
