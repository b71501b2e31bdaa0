//! [`Secret`]: a password, token or client secret, whose `Debug` output never shows it.

use std::fmt;
use std::ops::Deref;

/// A password, an access or refresh token, a client secret. Reads as the `str` it holds
/// (`Deref`); `Debug` shows `"****"` when it is set and `""` when it is empty, so a
/// structure holding one can derive `Debug` without leaking it into logs or panics.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The secret's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The secret's text, to change in place.
    pub fn text_mut(&mut self) -> &mut String {
        &mut self.0
    }

    /// The secret's text, given up.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl Deref for Secret {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_string())
    }
}

impl PartialEq<&str> for Secret {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = if self.0.is_empty() { "" } else { "****" };
        fmt::Debug::fmt(shown, f)
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn debug_shows_whether_it_is_set_never_the_value() {
        let s = Secret::from("hunter2");
        assert_eq!(&*s, "hunter2");
        assert_eq!(format!("{s:?}"), "\"****\"");
        assert_eq!(format!("{:?}", Secret::default()), "\"\"");
        assert_eq!(format!("{:?}", Some(Secret::from("x"))), "Some(\"****\")");
    }
}
