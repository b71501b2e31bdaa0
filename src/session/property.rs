//! The settings of a declared session as the C functions name them: the code of each
//! session type, security option, authentication method and property (the `WD_SESSION_*`,
//! `WD_OPTION_*`, `WD_AUTH_*` and `WD_PROP_*` constants of `src/ffi/types.rs` are these
//! values, checked by the tests below), and a property read and written as text
//! (`EmailSessionModifie`, `EmailSessionPropriete`).

use super::{AuthMethod, Security, SessionConfig, SessionKind};
use crate::error::{Error, Result};
use crate::message::model::single_line;

/// A property of a declared session; its value is the `WD_PROP_*` code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Property {
    ServerAddress = 1,
    Port,
    User,
    Password,
    Option,
    AuthToken,
    AuthMethod,
    IgnoreError,
    CaFile,
    Timeout,
    Asynchronous,
    ClientName,
    Folder,
    SpoolDir,
    Connections,
}

/// Gives each enum whose values are C codes (their discriminants) `ALL`, its values in the
/// order of their codes, and `from_code`, the value of a code (else `WD_E_INVALID_ARGUMENT`
/// with `$unknown`, which names the code `{code}`).
macro_rules! coded {
    ($($t:ident($unknown:literal): $($v:ident),+;)*) => {$(
        impl $t {
            pub const ALL: &[$t] = &[$($t::$v),+];

            pub fn from_code(code: i32) -> Result<$t> {
                $t::ALL
                    .iter()
                    .copied()
                    .find(|v| *v as i32 == code)
                    .ok_or_else(|| Error::invalid_arg(format!($unknown, code = code)))
            }
        }
    )*};
}

coded! {
    SessionKind("session type {code} is not WD_SESSION_POP3, WD_SESSION_SMTP or WD_SESSION_IMAP"):
        Pop3, Smtp, Imap;
    Security("option {code} is not WD_OPTION_NONE, WD_OPTION_SSL or WD_OPTION_SECURED_TLS"):
        None, Implicit, StartTls;
    AuthMethod("unknown authentication method {code}"):
        Auto, Plain, Login, CramMd5, XOAuth2, OAuthBearer, Apop, UserPass,
        ScramSha256, ScramSha1;
    Property("unknown session property {code}"):
        ServerAddress, Port, User, Password, Option, AuthToken, AuthMethod, IgnoreError, CaFile,
        Timeout, Asynchronous, ClientName, Folder, SpoolDir, Connections;
}

/// A decimal number from `min` to `max` (white space around it allowed).
fn number(v: &str, what: &str, min: i64, max: i64) -> Result<i64> {
    v.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| {
            Error::invalid_arg(format!("{what} {v:?} is not a number from {min} to {max}"))
        })
}

/// A text on one line, `None` when empty.
fn opt(v: &str) -> Option<String> {
    (!v.is_empty()).then(|| v.to_string())
}

/// A one-line text.
fn line(v: &str, what: &str) -> Result<String> {
    single_line(v, what)?;
    Ok(v.to_string())
}

impl SessionConfig {
    /// Sets property `code` (`WD_PROP_*`) from its text: numbers as decimal text, ""
    /// clears (`EmailSessionModifie`). Values out of range, and line breaks in a name,
    /// are refused.
    pub fn set_property(&mut self, code: i32, value: &str) -> Result<()> {
        match Property::from_code(code)? {
            Property::ServerAddress => self.host = line(value, "server address")?.trim().into(),
            Property::Port => self.port = number(value, "port", 0, 65535)? as u16,
            Property::User => self.user = line(value, "user")?,
            Property::Password => self.password = opt(value),
            Property::Option => {
                self.security = Security::from_code(number(value, "option", 0, 2)? as i32)?
            }
            Property::AuthToken => self.auth_token = opt(line(value, "token")?.trim()),
            Property::AuthMethod => {
                let max = AuthMethod::ALL.len() as i64 - 1;
                self.auth_method =
                    AuthMethod::from_code(number(value, "auth method", 0, max)? as i32)?
            }
            Property::IgnoreError => {
                self.ignore_cert_errors = number(value, "ignore error", 0, 1)? == 1
            }
            Property::CaFile => self.ca_file = opt(value),
            Property::Timeout => {
                let t = number(value, "timeout", 0, 86_400)?;
                self.timeout = (t != 0).then_some(t as u32);
            }
            Property::Asynchronous => self.asynchronous = number(value, "asynchronous", 0, 1)? == 1,
            Property::ClientName => {
                if line(value, "client name")?.contains(' ') {
                    return Err(Error::invalid_arg("client name holds a space"));
                }
                self.client_name = opt(value);
            }
            Property::Folder => {
                let folder = line(value, "folder")?;
                self.folder = if folder.is_empty() {
                    "INBOX".to_string()
                } else {
                    folder
                };
            }
            Property::SpoolDir => self.spool_dir = opt(value),
            Property::Connections => self.connections = number(value, "connections", 1, 16)? as u32,
        }
        Ok(())
    }

    /// Property `code` (`WD_PROP_*`) as text (`EmailSessionPropriete`): numbers as decimal
    /// text, the password and the token as "".
    pub fn property(&self, code: i32) -> Result<String> {
        Ok(match Property::from_code(code)? {
            Property::ServerAddress => self.host.clone(),
            Property::Port => self.port.to_string(),
            Property::User => self.user.clone(),
            Property::Password | Property::AuthToken => String::new(),
            Property::Option => (self.security as i32).to_string(),
            Property::AuthMethod => (self.auth_method as i32).to_string(),
            Property::IgnoreError => (self.ignore_cert_errors as i32).to_string(),
            Property::CaFile => self.ca_file.clone().unwrap_or_default(),
            Property::Timeout => self.timeout.unwrap_or(0).to_string(),
            Property::Asynchronous => (self.asynchronous as i32).to_string(),
            Property::ClientName => self.client_name.clone().unwrap_or_default(),
            Property::Folder => self.folder.clone(),
            Property::SpoolDir => self.spool_dir.clone().unwrap_or_default(),
            Property::Connections => self.connections.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `WD_<group>_*` constants of `src/ffi/types.rs`: (name, value).
    fn constants(group: &str) -> Vec<(String, i32)> {
        let types = include_str!("../ffi/types.rs");
        let prefix = format!("pub const WD_{group}_");
        types
            .lines()
            .filter_map(|l| l.strip_prefix(&prefix))
            .filter_map(|l| {
                let (name, value) = l.split_once(": i32 = ")?;
                Some((name.to_string(), value.trim_end_matches(';').parse().ok()?))
            })
            .collect()
    }

    /// The constants of the group have the values `codes`, one each.
    fn same_codes(group: &str, codes: impl Iterator<Item = i32>) {
        let consts = constants(group);
        let mut values: Vec<i32> = consts.iter().map(|c| c.1).collect();
        values.sort();
        assert_eq!(values, codes.collect::<Vec<_>>(), "WD_{group}_* {consts:?}");
    }

    #[test]
    fn the_codes_are_the_c_constants() {
        same_codes("PROP", Property::ALL.iter().map(|&p| p as i32));
        same_codes("SESSION", SessionKind::ALL.iter().map(|&k| k as i32));
        same_codes("OPTION", Security::ALL.iter().map(|&s| s as i32));
        same_codes("AUTH", AuthMethod::ALL.iter().map(|&m| m as i32));
        assert_eq!(Security::from_code(1).unwrap(), Security::Implicit);
        assert_eq!(AuthMethod::from_code(3).unwrap(), AuthMethod::CramMd5);
        assert!(Property::from_code(0).is_err());
        assert!(SessionKind::from_code(0).is_err());
    }

    #[test]
    fn properties_read_back_as_written() {
        let mut c = SessionConfig::new(SessionKind::Imap);
        c.set_property(Property::Port as i32, " 1143 ").unwrap();
        c.set_property(Property::Option as i32, "2").unwrap();
        c.set_property(Property::Timeout as i32, "0").unwrap();
        c.set_property(Property::Folder as i32, "").unwrap();
        c.set_property(Property::Password as i32, "secret").unwrap();
        assert_eq!(c.property(Property::Port as i32).unwrap(), "1143");
        assert_eq!(c.property(Property::Option as i32).unwrap(), "2");
        assert_eq!(c.timeout, None);
        assert_eq!(c.property(Property::Folder as i32).unwrap(), "INBOX");
        assert_eq!(c.property(Property::Password as i32).unwrap(), "");
        let n = AuthMethod::ALL.len();
        let e = c
            .set_property(Property::AuthMethod as i32, &n.to_string())
            .unwrap_err();
        assert_eq!(
            e.message,
            format!("auth method \"{n}\" is not a number from 0 to {}", n - 1)
        );
        assert!(c.set_property(Property::User as i32, "a\r\nb").is_err());
        assert!(c.set_property(Property::ClientName as i32, "a b").is_err());
    }
}
