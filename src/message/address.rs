//! Address helpers: syntax check (RFC 5321 mailbox), bare address extraction, list
//! splitting, and the `Name <addr@host>` form used by every address property.

/// Longest local part, in bytes (RFC 5321 §4.5.3.1.1).
const MAX_LOCAL: usize = 64;
/// Longest domain, in bytes (RFC 5321 §4.5.3.1.2).
const MAX_DOMAIN: usize = 255;
/// Longest domain label, in bytes.
const MAX_LABEL: usize = 63;

/// True when `addr` is a syntactically valid mailbox `local@domain` (RFC 5321, with the
/// RFC 6531 extension: UTF-8 is allowed in the local part and the domain).
///
/// The local part is a dot-atom or a quoted string (at most 64 bytes); the domain is a host
/// name (labels of letters, digits, hyphens or UTF-8, at most 255 bytes) or an address
/// literal `[192.0.2.1]` / `[IPv6:2001:db8::1]`. Unquoted spaces, CR and LF are refused.
/// No DNS lookup is made.
pub fn is_valid_syntax(addr: &str) -> bool {
    if addr.is_empty() || addr.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
        return false;
    }
    let Some(at) = addr.rfind('@') else {
        return false;
    };
    let (local, domain) = (&addr[..at], &addr[at + 1..]);
    valid_local(local) && valid_domain(domain)
}

fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || "!#$%&'*+-/=?^_`{|}~".contains(c)
        || (!c.is_ascii() && !c.is_control())
}

/// The rule both halves of an address follow: not empty, at most `max` bytes, and either
/// enclosed in `open` … `close` (what is inside checked by `enclosed`) or items separated
/// by dots, none empty, each checked by `item`.
fn valid_part(
    part: &str,
    max: usize,
    (open, close): (char, char),
    enclosed: impl Fn(&str) -> bool,
    item: impl Fn(&str) -> bool,
) -> bool {
    if part.is_empty() || part.len() > max {
        return false;
    }
    match part.strip_prefix(open) {
        Some(inner) => inner.strip_suffix(close).is_some_and(enclosed),
        None => part.split('.').all(|i| !i.is_empty() && item(i)),
    }
}

/// A local part: a quoted string or a dot-atom.
fn valid_local(local: &str) -> bool {
    valid_part(local, MAX_LOCAL, ('"', '"'), valid_quoted, |atom| {
        atom.chars().all(is_atext)
    })
}

/// The inside of a quoted local part: printable characters, `\` escaping one of them.
fn valid_quoted(inner: &str) -> bool {
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e) if e == ' ' || e.is_ascii_graphic() => {}
                _ => return false,
            },
            '"' => return false,
            ' ' => {}
            c if c.is_ascii_graphic() => {}
            c if !c.is_ascii() && !c.is_control() => {}
            _ => return false,
        }
    }
    true
}

/// A domain: an address literal or host name labels.
fn valid_domain(domain: &str) -> bool {
    valid_part(domain, MAX_DOMAIN, ('[', ']'), valid_literal, |label| {
        label.len() <= MAX_LABEL
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| {
                c.is_ascii_alphanumeric() || c == '-' || (!c.is_ascii() && c.is_alphanumeric())
            })
    })
}

/// The inside of an address literal: an IPv4 address, or `IPv6:` and an IPv6 address.
fn valid_literal(lit: &str) -> bool {
    match lit
        .strip_prefix("IPv6:")
        .or_else(|| lit.strip_prefix("ipv6:"))
    {
        Some(v6) => v6.parse::<std::net::Ipv6Addr>().is_ok(),
        None => lit.parse::<std::net::Ipv4Addr>().is_ok(),
    }
}

/// The bare address `x@y` of `Name <x@y>`; any other input is returned trimmed.
pub fn bare(addr: &str) -> String {
    split_mailbox(addr).1
}

/// Splits one mailbox into its display name (unquoted, may be empty) and its address.
/// `"Doe, J" <j@x>` gives (`Doe, J`, `j@x`); `j@x` gives (``, `j@x`).
pub fn split_mailbox(s: &str) -> (String, String) {
    let s = s.trim();
    // The last '<' outside a quoted string starts the address.
    let mut in_quote = false;
    let mut escaped = false;
    let mut open = None;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if in_quote => escaped = true,
            '"' => in_quote = !in_quote,
            '<' if !in_quote => open = Some(i),
            _ => {}
        }
    }
    let Some(open) = open else {
        return (String::new(), s.to_string());
    };
    let rest = &s[open + 1..];
    let addr = match rest.find('>') {
        Some(close) => &rest[..close],
        None => rest,
    };
    (unquote(s[..open].trim()), addr.trim().to_string())
}

/// Removes the quotes and backslash escapes of a quoted display name.
fn unquote(name: &str) -> String {
    let Some(inner) = name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) else {
        return name.to_string();
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(e) = chars.next() {
                out.push(e);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Formats a mailbox the way every address property reads: `Name <addr>` when a display
/// name exists, else `addr`; a name without an address stands alone, quoted when it holds
/// a character that would make the list ambiguous. What a broken header yields as an
/// address but a list would read otherwise (`x: <a@b`, `a>b`, `a@b, c@d`) is not one: it
/// is kept, with the name, as quoted text, so it cannot pass for another address, for two
/// mailboxes or for a group.
pub fn format_mailbox(name: &str, addr: &str) -> String {
    let (name, addr) = (name.trim(), addr.trim());
    if !addr.is_empty() && !is_plain_address(addr) {
        return match name {
            "" => quoted(addr),
            _ => quoted(&format!("{name} {addr}")),
        };
    }
    if name.is_empty() || name == addr {
        return addr.to_string();
    }
    let name = if name.chars().any(|c| "()<>[]:;@\\,\"".contains(c)) {
        quoted(name)
    } else {
        name.to_string()
    };
    if addr.is_empty() {
        name
    } else {
        format!("{name} <{addr}>")
    }
}

/// `text` as a quoted string.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// True when `addr` reads back as itself between angle brackets in a list: no bracket,
/// no separator or group outside quotes.
fn is_plain_address(addr: &str) -> bool {
    !addr.contains(['<', '>']) && split_list(addr) == [addr]
}

/// Splits a header-style address list on commas and semicolons that are outside quoted
/// strings, angle brackets, comments and domain literals. Group syntax
/// (`Team: a@b, c@d;`) is flattened: the group name is dropped. Empty items are skipped.
pub fn split_list(s: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut cur = String::new();
    let (mut in_quote, mut escaped) = (false, false);
    let (mut angle, mut paren, mut bracket) = (0u32, 0u32, 0u32);
    let push = |cur: &mut String, items: &mut Vec<String>| {
        let t = cur.trim();
        if !t.is_empty() {
            items.push(t.to_string());
        }
        cur.clear();
    };
    for c in s.chars() {
        if escaped {
            escaped = false;
            cur.push(c);
            continue;
        }
        if in_quote {
            match c {
                '\\' => escaped = true,
                '"' => in_quote = false,
                _ => {}
            }
            cur.push(c);
            continue;
        }
        match c {
            '"' => in_quote = true,
            '\\' if paren > 0 => escaped = true,
            '<' => angle += 1,
            '>' => angle = angle.saturating_sub(1),
            '(' => paren += 1,
            ')' => paren = paren.saturating_sub(1),
            '[' => bracket += 1,
            ']' => bracket = bracket.saturating_sub(1),
            ',' | ';' if angle == 0 && paren == 0 && bracket == 0 => {
                push(&mut cur, &mut items);
                continue;
            }
            ':' if angle == 0 && paren == 0 && bracket == 0 && !cur.contains('@') => {
                // A group name ends here: drop it.
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    push(&mut cur, &mut items);
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_addresses() {
        for a in [
            "a@b",
            "user@example.com",
            "first.last@sub.example.co.uk",
            "user+tag@example.com",
            "x!#$%&'*+-/=?^_`{|}~@example.com",
            "\"john doe\"@example.com",
            "\"a@b\"@example.com",
            "\"quote\\\"d\"@example.com",
            "user@[192.0.2.1]",
            "user@[IPv6:2001:db8::1]",
            "josé@exemple.fr",
            "用户@例子.广告",
            "user@xn--bcher-kva.example",
            "user@localhost",
        ] {
            assert!(is_valid_syntax(a), "{a} should be valid");
        }
    }

    #[test]
    fn length_limits() {
        // RFC 5321 4.5.3.1: a local part of 64 bytes at most, a domain label of 63.
        for (n, valid) in [(63, true), (64, true), (65, false)] {
            let a = format!("{}@example.com", "a".repeat(n));
            assert_eq!(is_valid_syntax(&a), valid, "local part of {n}");
        }
        for (n, valid) in [(63, true), (64, false)] {
            let a = format!("a@{}.com", "b".repeat(n));
            assert_eq!(is_valid_syntax(&a), valid, "label of {n}");
        }
        // A domain of more than 255 bytes.
        assert!(!is_valid_syntax(&format!("a@{}", ["c"; 130].join("."))));
    }

    #[test]
    fn invalid_addresses() {
        for a in [
            "",
            "plain",
            "@example.com",
            "user@",
            "user@@example.com",
            "us er@example.com",
            "user@exa mple.com",
            ".user@example.com",
            "user.@example.com",
            "us..er@example.com",
            "user@example..com",
            "user@.example.com",
            "user@example.com.",
            "user@-example.com",
            "user@example-.com",
            "user@exam_ple.com",
            "user\r\n@example.com",
            "user@example.com\n",
            "\"unterminated@example.com",
            "user@[300.1.1.1]",
            "user@[IPv6:zz::1]",
            "user@[192.0.2.1",
            "<user@example.com>",
            "Name <user@example.com>",
        ] {
            assert!(!is_valid_syntax(a), "{a:?} should be invalid");
        }
    }

    #[test]
    fn bare_and_split_mailbox() {
        assert_eq!(bare("Name <x@y>"), "x@y");
        assert_eq!(bare("  x@y  "), "x@y");
        assert_eq!(bare("\"a <b>\" <x@y>"), "x@y");
        assert_eq!(bare("<x@y>"), "x@y");
        // The envelope forms of the SMTP client.
        assert_eq!(bare("Alice <alice@wd.test>"), "alice@wd.test");
        assert_eq!(bare("  bob@wd.test "), "bob@wd.test");
        assert_eq!(bare("\"A <b>\" <c@d>"), "c@d");
        assert_eq!(bare("<>"), "");
        assert_eq!(
            split_mailbox("\"Doe, J\" <c@d>"),
            ("Doe, J".into(), "c@d".into())
        );
        assert_eq!(
            split_mailbox("\"say \\\"hi\\\"\" <c@d>"),
            ("say \"hi\"".into(), "c@d".into())
        );
        assert_eq!(split_mailbox("c@d"), ("".into(), "c@d".into()));
    }

    #[test]
    fn format() {
        assert_eq!(format_mailbox("", "a@b"), "a@b");
        assert_eq!(format_mailbox("Ann", "a@b"), "Ann <a@b>");
        assert_eq!(format_mailbox("Doe, J", "a@b"), "\"Doe, J\" <a@b>");
        assert_eq!(format_mailbox("J. Doe", "a@b"), "J. Doe <a@b>");
        assert_eq!(format_mailbox("a@b", "a@b"), "a@b");
        assert_eq!(format_mailbox("Ann", ""), "Ann");
        assert_eq!(
            format_mailbox("Doe, J <x@y", ""),
            "\"Doe, J <x@y\"",
            "a lone name reads as neither two mailboxes nor an address"
        );
        assert_eq!(split_list(&format_mailbox("Doe, J <x@y", "")).len(), 1);
        assert_eq!(bare(&format_mailbox("Doe, J <x@y", "")), "\"Doe, J <x@y\"");
        // Broken addresses stay text, never another address, two mailboxes or a group.
        for (name, addr, want) in [
            ("", "x: <ceo@corp.example", "\"x: <ceo@corp.example\""),
            ("Ann", "a@b>", "\"Ann a@b>\""),
            ("Ann", "a@b, c@d", "\"Ann a@b, c@d\""),
            ("", "a@b;\"c", "\"a@b;\\\"c\""),
        ] {
            let m = format_mailbox(name, addr);
            assert_eq!(m, want);
            assert_eq!(split_list(&m), std::slice::from_ref(&m));
            assert!(!is_valid_syntax(&bare(&m)), "{m}");
        }
        assert_eq!(format_mailbox("Q", "\"a,b\"@c"), "Q <\"a,b\"@c>");
    }

    #[test]
    fn split_lists() {
        assert_eq!(
            split_list("A <a@b>, \"Doe, J\" <c@d>"),
            vec!["A <a@b>", "\"Doe, J\" <c@d>"]
        );
        assert_eq!(split_list("a@b;c@d ; ,e@f"), vec!["a@b", "c@d", "e@f"]);
        assert_eq!(
            split_list("Team: a@b, c@d;, e@f"),
            vec!["a@b", "c@d", "e@f"]
        );
        assert_eq!(split_list("Undisclosed recipients:;"), Vec::<String>::new());
        assert_eq!(split_list("x (Smith, J) <x@y>"), vec!["x (Smith, J) <x@y>"]);
        assert_eq!(split_list("<a,b@c>, d@e"), vec!["<a,b@c>", "d@e"]);
        assert_eq!(
            split_list("\"a\\\"b, c\" <x@y>"),
            vec!["\"a\\\"b, c\" <x@y>"]
        );
        assert_eq!(split_list("u@[1.2.3.4]"), vec!["u@[1.2.3.4]"]);
        assert_eq!(split_list(""), Vec::<String>::new());
    }
}
