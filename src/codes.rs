//! The enums whose values cross the C ABI as codes: each value's discriminant is the
//! `WD_*` constant of `src/ffi/types.rs` naming it (checked by the test below), so the C
//! functions hand the core a code and the core decodes it.

/// Gives each enum whose values are C codes (their discriminants) `ALL`, its values in the
/// order of their codes, and `from_code`, the value of a code (else `WD_E_INVALID_ARGUMENT`
/// with `$unknown`, which names the code `{code}`).
macro_rules! coded {
    ($($t:ty[$($v:ident),+]: $unknown:literal;)*) => {$(
        impl $t {
            pub const ALL: &[$t] = &[$(<$t>::$v),+];

            pub fn from_code(code: i32) -> $crate::error::Result<$t> {
                <$t>::ALL
                    .iter()
                    .copied()
                    .find(|v| *v as i32 == code)
                    .ok_or_else(|| {
                        $crate::error::Error::invalid_arg(format!($unknown, code = code))
                    })
            }
        }
    )*};
}
pub(crate) use coded;

#[cfg(test)]
mod tests {
    use crate::oauth2::Param;
    use crate::search::SeekField;
    use crate::session::{AuthMethod, FolderRole, Property, Security, SessionKind};

    /// The values of the `WD_<group>_*` constants of `src/ffi/types.rs`, sorted.
    fn constants(group: &str) -> Vec<i32> {
        let prefix = format!("pub const WD_{group}_");
        let mut values: Vec<i32> = include_str!("ffi/types.rs")
            .lines()
            .filter_map(|l| l.strip_prefix(&prefix)?.split_once(": i32 = "))
            .filter_map(|(_, v)| v.trim_end_matches(';').parse().ok())
            .collect();
        values.sort();
        values
    }

    #[test]
    fn the_codes_are_the_c_constants() {
        fn codes<T: Copy>(all: &[T], code: fn(T) -> i32) -> Vec<i32> {
            all.iter().map(|&v| code(v)).collect()
        }
        let groups = [
            ("PROP", codes(Property::ALL, |v| v as i32)),
            ("SESSION", codes(SessionKind::ALL, |v| v as i32)),
            ("OPTION", codes(Security::ALL, |v| v as i32)),
            ("AUTH", codes(AuthMethod::ALL, |v| v as i32)),
            ("OAUTH", codes(Param::ALL, |v| v as i32)),
            ("SEEK", codes(SeekField::ALL, |v| v as i32)),
            ("FOLDER", codes(FolderRole::ALL, |v| v as i32)),
        ];
        for (group, codes) in groups {
            assert_eq!(constants(group), codes, "WD_{group}_*");
        }
        assert_eq!(Security::from_code(1).unwrap(), Security::Implicit);
        assert_eq!(AuthMethod::from_code(3).unwrap(), AuthMethod::CramMd5);
        assert_eq!(Param::from_code(4).unwrap(), Param::TokenUrl);
        let e = SessionKind::from_code(0).unwrap_err();
        assert_eq!(
            e.message,
            "session type 0 is not WD_SESSION_POP3, WD_SESSION_SMTP or WD_SESSION_IMAP"
        );
        assert!(Property::from_code(0).is_err());
    }
}
