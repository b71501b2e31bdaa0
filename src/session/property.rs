//! The settings of a declared session as the C functions name them: the code of each
//! session type, security option, authentication method and property (the `WD_SESSION_*`,
//! `WD_OPTION_*`, `WD_AUTH_*` and `WD_PROP_*` constants, see [`crate::codes`]), and a
//! property read and written as text (`EmailSessionModifie`, `EmailSessionPropriete`).

use super::{AuthMethod, Security, SessionConfig, SessionKind};
use crate::codes::coded;
use crate::error::{Error, Result};
use crate::message::model::single_line;
use crate::text::quoted;

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
    MaxMessageSize,
    /// A token handle (`WD_PROP_OAUTH_TOKEN`): the C function looks the handle up and sets
    /// [`SessionConfig::oauth_token`]; here only "" or "0" (none) is read.
    OAuthToken,
    Proxy,
    KeepAlive,
}

coded! {
    SessionKind[Pop3, Smtp, Imap]:
        "session type {code} is not WD_SESSION_POP3, WD_SESSION_SMTP or WD_SESSION_IMAP";
    Security[None, Implicit, StartTls]:
        "option {code} is not WD_OPTION_NONE, WD_OPTION_SSL or WD_OPTION_SECURED_TLS";
    AuthMethod[Auto, Plain, Login, CramMd5, XOAuth2, OAuthBearer, Apop, UserPass, ScramSha256,
        ScramSha1]:
        "unknown authentication method {code}";
    Property[ServerAddress, Port, User, Password, Option, AuthToken, AuthMethod, IgnoreError,
        CaFile, Timeout, Asynchronous, ClientName, Folder, SpoolDir, Connections,
        MaxMessageSize, OAuthToken, Proxy, KeepAlive]:
        "unknown session property {code}";
}

/// A decimal number from `min` to `max` (white space around it allowed).
fn number(v: &str, what: &str, min: i64, max: i64) -> Result<i64> {
    v.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| {
            Error::invalid_arg(format!(
                "{what} {} is not a number from {min} to {max}",
                quoted(v)
            ))
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
            Property::Password => self.password = opt(value).map(crate::secret::Secret::from),
            Property::Option => {
                self.security = Security::from_code(number(value, "option", 0, 2)? as i32)?
            }
            Property::AuthToken => {
                self.auth_token = opt(line(value, "token")?.trim()).map(crate::secret::Secret::from)
            }
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
            Property::MaxMessageSize => {
                // "" or 0: the default; at most the library's absolute limit.
                let max = crate::limits::MAX_MESSAGE as i64;
                self.max_message_size = match value.trim() {
                    "" => crate::limits::DEFAULT_MAX_MESSAGE_SIZE,
                    v => match number(v, "max message size", 0, max)? {
                        0 => crate::limits::DEFAULT_MAX_MESSAGE_SIZE,
                        n => n as u64,
                    },
                };
            }
            Property::OAuthToken => {
                if number(value, "token handle", 0, 0).is_err() && !value.trim().is_empty() {
                    return Err(Error::invalid_arg(
                        "WD_PROP_OAUTH_TOKEN takes a token handle, looked up by \
                         EmailSessionModifie",
                    ));
                }
                self.oauth_token = None;
            }
            Property::Proxy => self.proxy = crate::net::ProxyChoice::parse(&line(value, "proxy")?)?,
            Property::KeepAlive => self.keepalive = number(value, "keep-alive", 0, 86_400)? as u32,
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
            Property::MaxMessageSize => self.max_message_size.to_string(),
            Property::OAuthToken => self
                .oauth_token
                .as_ref()
                .map(|t| t.handle.to_string())
                .unwrap_or_default(),
            Property::Proxy => self.proxy.text(),
            Property::KeepAlive => self.keepalive.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        c.set_property(Property::Proxy as i32, "socks5://u:pw@127.0.0.1:1080")
            .unwrap();
        assert_eq!(
            c.property(Property::Proxy as i32).unwrap(),
            "socks5://u:****@127.0.0.1:1080"
        );
        assert!(c.set_property(Property::Proxy as i32, "ftp://h").is_err());
        c.set_property(Property::Proxy as i32, "").unwrap();
        assert_eq!(c.proxy, crate::net::ProxyChoice::default());
        assert!(c.set_property(Property::ClientName as i32, "a b").is_err());
    }
}
