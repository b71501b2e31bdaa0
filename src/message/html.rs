//! HTML import (`EmailImporteHTML`): local images become inline parts referenced by
//! `cid:`, and a plain-text rendering fills the text body.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};
use crate::files::{self, Refused};
use crate::limits::MAX_ATTACHMENT_FILE;
use crate::message::attachments::mime_type_for;
use crate::message::model::{Attachment, Email};
use crate::text::percent_decode;

/// Sets `email.html` from `html`. Every `<img src="…">` whose source is a local path
/// (relative or absolute, or a `file:` URL; not `http:`, `https:`, `cid:`, `data:` or
/// another URL scheme) is embedded when, once resolved, it is a regular file inside
/// `images_dir`: it becomes an inline attachment with a generated Content-ID and its
/// `src` is rewritten to `cid:<id>`. The same source used twice is attached once. When
/// `email.message` is empty it receives a plain-text rendering of the HTML.
///
/// The confinement: a relative source is taken from `images_dir`; `file:` URLs and
/// `%XX` escapes are decoded; the path is resolved (`..` and every symbolic link
/// followed) and embedded only when it is still inside `images_dir` (resolved the same
/// way) and is a regular file (the opened file is checked: no device, FIFO, socket or
/// folder, and opening never blocks). Any other local source (outside the folder, `..`
/// leading out, a link pointing out, `/dev/zero`, a folder) stays in the HTML as it was,
/// a link the receiving client will not resolve. `images_dir` None or empty: nothing is
/// embedded, every source stays as it was.
///
/// Errors: `Io` when `images_dir` is not a folder, or for an image inside it that cannot
/// be read: a relative source without `..` that does not exist (a typo), a read error,
/// a file larger than [`MAX_ATTACHMENT_FILE`]. On error `email` is left unchanged.
pub fn import_html(email: &mut Email, html: &str, images_dir: Option<&str>) -> Result<()> {
    let base = match images_dir.filter(|d| !d.is_empty()) {
        Some(d) => Some(
            std::fs::canonicalize(d)
                .and_then(|p| {
                    if p.is_dir() {
                        Ok(p)
                    } else {
                        Err(std::io::Error::other("not a folder"))
                    }
                })
                .map_err(|e| Error::io("cannot use images folder", d, &e))?,
        ),
        None => None,
    };
    let mut out = String::with_capacity(html.len());
    let mut added = Vec::new();
    let mut by_src: HashMap<String, Option<String>> = HashMap::new();
    let stamp = unique_stamp();
    let mut rest = html;
    while let Some(pos) = find_ci(rest, "<img") {
        let after = &rest[pos + 4..];
        if !after.starts_with(|c: char| c.is_whitespace() || c == '/' || c == '>') {
            out.push_str(&rest[..pos + 4]);
            rest = after;
            continue;
        }
        let tag_end = pos + 4 + tag_len(after);
        let tag = &rest[pos..tag_end];
        out.push_str(&rest[..pos]);
        let cid = match (&base, src_value(tag)) {
            (Some(base), Some((start, end))) if is_local(&tag[start..end]) => {
                let src = &tag[start..end];
                let cid = match by_src.get(src) {
                    Some(cid) => cid.clone(),
                    None => {
                        let cid = embed(base, src)?.map(|mut att| {
                            let cid = format!("img{}.{stamp}@wd300com", added.len() + 1);
                            att.content_id = cid.clone();
                            added.push(att);
                            cid
                        });
                        by_src.insert(src.to_string(), cid.clone());
                        cid
                    }
                };
                cid.map(|cid| (start, end, cid))
            }
            _ => None,
        };
        match cid {
            Some((start, end, cid)) => {
                out.push_str(&tag[..start]);
                out.push_str("cid:");
                out.push_str(&cid);
                out.push_str(&tag[end..]);
            }
            None => out.push_str(tag),
        }
        rest = &rest[tag_end..];
    }
    out.push_str(rest);

    if email.message.is_empty() {
        email.message = html_to_text(html);
    }
    email.html = out;
    email.attachments.extend(added);
    Ok(())
}

/// The image of the local source `src` as an attachment when it may be embedded (a
/// regular file inside `base`, which is resolved); `None` when it stays a link.
fn embed(base: &Path, src: &str) -> Result<Option<Attachment>> {
    let (path, plain) = resolve(base, src);
    let shown = path.to_string_lossy().into_owned();
    let real = match std::fs::canonicalize(&path) {
        Ok(real) => real,
        // A plain relative name inside the folder that cannot be found: a mistake to report.
        Err(e) if plain => return Err(Error::io("cannot read image", &shown, &e)),
        Err(_) => return Ok(None),
    };
    if !real.starts_with(base) {
        return Ok(None);
    }
    // The resolved path holds no link: one appearing now is refused, not followed.
    let data = match files::read_regular(&real, false, MAX_ATTACHMENT_FILE) {
        Ok(data) => data,
        Err(Refused::NotRegular(_)) => return Ok(None),
        Err(r) => return Err(r.into_error("cannot read image", &shown, MAX_ATTACHMENT_FILE)),
    };
    let name = real
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Some(Attachment {
        content_type: mime_type_for(&name).to_string(),
        name,
        content_id: String::new(),
        data: data.into(),
        raw_name: None,
    }))
}

fn unique_stamp() -> String {
    let mut b = [0u8; 6];
    if getrandom::getrandom(&mut b).is_err() {
        let n = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        b.copy_from_slice(&n.to_le_bytes()[..6]);
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Byte position of `needle` (ASCII) in `hay`, ignoring ASCII case.
fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    (0..h.len().saturating_sub(n.len() - 1)).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// Length of a tag body up to and including its `>` (quotes respected); the rest of the
/// input when it is not closed.
fn tag_len(s: &str) -> usize {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return i + 1,
            _ => {}
        }
    }
    s.len()
}

/// The byte range of the `src` attribute value inside a tag.
fn src_value(tag: &str) -> Option<(usize, usize)> {
    let b = tag.as_bytes();
    let mut i = 4; // after "<img"
    while i < b.len() {
        // Skip white space, then read an attribute name.
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        let name_start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = &tag[name_start..i];
        if name.is_empty() {
            return None;
        }
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() || b[i] != b'=' {
            continue;
        }
        i += 1;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let (start, end) = match b.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                let start = i + 1;
                let end = tag[start..].find(q as char).map_or(b.len(), |p| start + p);
                i = end + 1;
                (start, end)
            }
            _ => {
                let start = i;
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                    i += 1;
                }
                (start, i)
            }
        };
        if name.eq_ignore_ascii_case("src") {
            return Some((start, end.min(b.len())));
        }
    }
    None
}

fn is_local(src: &str) -> bool {
    let s = src.trim();
    if s.is_empty() || s.starts_with("//") || s.starts_with('#') {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    if lower.starts_with("file:") {
        return true;
    }
    // A URL scheme (`http:`, `cid:`, `data:`…) has two or more letters before the colon;
    // a single letter is a Windows drive (`C:\img.png`).
    match s.find(':') {
        Some(p) => {
            let scheme = &s[..p];
            scheme.len() == 1
                || !scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        None => true,
    }
}

/// The path a local source names (entities decoded, query and fragment dropped, a `file:`
/// URL decoded, a relative path taken from `base`), and whether it is a plain relative
/// path without `..` (one that can only name something inside `base`, unless links lead
/// out).
fn resolve(base: &Path, src: &str) -> (PathBuf, bool) {
    let src = decode_entities(src.trim());
    let src = src.split(['?', '#']).next().unwrap_or("").to_string();
    let mut path = src.clone();
    let mut url = false;
    if path.to_ascii_lowercase().starts_with("file:") {
        url = true;
        path = path[5..].trim_start_matches('/').to_string();
        // file:///C:/x.png → C:/x.png; file:///home/x.png → /home/x.png
        if !(path.len() > 1 && path.as_bytes()[1] == b':') {
            path.insert(0, '/');
        }
        path = percent_decode(&path);
    }
    let join = |path: &str| {
        let p = Path::new(path);
        if p.is_absolute() || (path.len() > 1 && path.as_bytes()[1] == b':') {
            (p.to_path_buf(), false)
        } else {
            let up = p.components().any(|c| c == Component::ParentDir);
            (base.join(p), !url && !up)
        }
    };
    let full = join(&path);
    if !full.0.exists() && path.contains('%') {
        let (p, plain) = join(&percent_decode(&path));
        return (p, plain && full.1);
    }
    full
}

fn decode_entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let v = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(v).filter(|c| *c != '\0');
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "copy" => '©',
        "reg" => '®',
        "euro" => '€',
        "eacute" => 'é',
        "egrave" => 'è',
        "ecirc" => 'ê',
        "agrave" => 'à',
        "acirc" => 'â',
        "ccedil" => 'ç',
        "ugrave" => 'ù',
        "ocirc" => 'ô',
        "icirc" => 'î',
        "laquo" => '«',
        "raquo" => '»',
        "hellip" => '…',
        "mdash" => '—',
        "ndash" => '–',
        "rsquo" => '\u{2019}',
        "lsquo" => '\u{2018}',
        "rdquo" => '\u{201d}',
        "ldquo" => '\u{201c}',
        _ => return None,
    })
}

/// Replaces `&name;` and `&#N;` references; unknown ones are kept.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        let after = &rest[p + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        match end.and_then(|e| decode_entity(&after[..e]).map(|c| (e, c))) {
            Some((e, c)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A plain-text rendering of HTML: tags removed, `<script>`/`<style>`/`<head>` dropped,
/// block ends and `<br>` become line breaks, list items get `- `, white space collapsed,
/// entities decoded. Lines end with CRLF.
pub fn html_to_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len() / 2);
    let mut rest = html;
    let mut pending_space = false;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            push_text(&mut text, rest, &mut pending_space);
            break;
        };
        push_text(&mut text, &rest[..lt], &mut pending_space);
        let after = &rest[lt + 1..];
        if let Some(comment) = after.strip_prefix("!--") {
            rest = comment.find("-->").map_or("", |e| &comment[e + 3..]);
            continue;
        }
        let len = tag_len(after);
        let tag = &after[..len];
        rest = &after[len..];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let closing = tag.starts_with('/');
        if !closing && matches!(name.as_str(), "script" | "style" | "head" | "title") {
            let close = format!("</{name}");
            rest = find_ci(rest, &close).map_or("", |e| {
                let r = &rest[e..];
                &r[tag_len(r)..]
            });
            continue;
        }
        match name.as_str() {
            "br" => newline(&mut text, 1, &mut pending_space),
            "p" | "div" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "table" | "blockquote"
            | "ul" | "ol" | "pre" | "hr" => newline(&mut text, 2, &mut pending_space),
            "tr" => newline(&mut text, 1, &mut pending_space),
            "li" if !closing => {
                newline(&mut text, 1, &mut pending_space);
                text.push_str("- ");
            }
            "td" | "th" if closing => pending_space = true,
            _ => {}
        }
    }
    let lines: Vec<&str> = text.split('\n').map(str::trim_end).collect();
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in lines {
        if line.trim().is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\r\n\r\n" } else { "\r\n" });
        }
        blank = 0;
        out.push_str(line.trim_start());
    }
    out
}

fn push_text(text: &mut String, raw: &str, pending_space: &mut bool) {
    let decoded = decode_entities(raw);
    for (i, word) in decoded
        .split(|c: char| c.is_whitespace() && c != '\u{a0}')
        .enumerate()
    {
        if i > 0 {
            *pending_space = true;
        }
        if word.is_empty() {
            continue;
        }
        if *pending_space && !text.is_empty() && !text.ends_with('\n') && !text.ends_with(' ') {
            text.push(' ');
        }
        text.push_str(&word.replace('\u{a0}', " "));
        *pending_space = false;
    }
}

/// Ends the current line; `n` = 2 also leaves a blank line (collapsed later).
fn newline(text: &mut String, n: usize, pending_space: &mut bool) {
    *pending_space = false;
    for _ in 0..n {
        text.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::WD_E;

    #[test]
    fn text_rendering() {
        let html = "<html><head><title>T</title><style>p{}</style></head><body>\n\
                    <h1>Title</h1><p>Hello&nbsp;<b>world</b> &amp; caf&eacute; &#8364; &#x41;</p>\
                    <!-- hidden --><script>var x = '<p>';</script>\
                    <ul><li>one</li><li>two</li></ul>line<br>break  &unknown; a&b</body></html>";
        assert_eq!(
            html_to_text(html),
            "Title\r\n\r\nHello world & café € A\r\n\r\n- one\r\n- two\r\n\r\nline\r\nbreak &unknown; a&b"
        );
        assert_eq!(html_to_text(""), "");
        assert_eq!(html_to_text("<p>unclosed <b"), "unclosed");
        assert_eq!(
            html_to_text("<table><tr><td>a</td><td>b</td></tr></table>"),
            "a b"
        );
    }

    #[test]
    fn local_sources() {
        for s in [
            "logo.png",
            "img/a b.png",
            "/abs/x.gif",
            "C:\\img\\x.png",
            "file:///tmp/x.png",
            "../up.png",
        ] {
            assert!(is_local(s), "{s}");
        }
        for s in [
            "http://x/y.png",
            "HTTPS://x",
            "cid:abc",
            "data:image/png;base64,AAA",
            "//cdn/x.png",
            "",
            "#frag",
        ] {
            assert!(!is_local(s), "{s}");
        }
    }

    fn temp_dir(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("wd300com-html-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(d.join("img")).unwrap();
        d
    }

    #[test]
    fn import_with_images() {
        let dir = temp_dir("ok");
        std::fs::write(dir.join("img/logo.png"), b"\x89PNG fake").unwrap();
        std::fs::write(dir.join("photo été.jpg"), b"JPEG").unwrap();
        let abs = dir.join("img/logo.png");
        let html = format!(
            "<p>Hi</p><IMG alt='x' SRC=\"img/logo.png\" width=1><img src='photo%20%C3%A9t%C3%A9.jpg'>\
             <img src=\"http://example.com/remote.png\"><img src=cid:kept><img src=\"img/logo.png\"/>\
             <img src=\"{}\"><imgx src=\"nope.png\">",
            abs.display()
        );
        let mut e = Email::new();
        import_html(&mut e, &html, dir.to_str()).unwrap();
        assert_eq!(e.attachments.len(), 3, "{:?}", e.attachments);
        let (a, b, c) = (&e.attachments[0], &e.attachments[1], &e.attachments[2]);
        assert_eq!(a.name, "logo.png");
        assert_eq!(a.content_type, "image/png");
        assert_eq!(a.data, b"\x89PNG fake");
        assert_eq!(b.name, "photo été.jpg");
        assert_eq!(b.content_type, "image/jpeg");
        assert_eq!(c.name, "logo.png");
        assert!(a.content_id.ends_with("@wd300com") && a.content_id != b.content_id);
        let expected = format!(
            "<p>Hi</p><IMG alt='x' SRC=\"cid:{}\" width=1><img src='cid:{}'>\
             <img src=\"http://example.com/remote.png\"><img src=cid:kept><img src=\"cid:{}\"/>\
             <img src=\"cid:{}\"><imgx src=\"nope.png\">",
            a.content_id, b.content_id, a.content_id, c.content_id
        );
        assert_eq!(e.html, expected);
        assert_eq!(e.message, "Hi");

        // An existing text body is kept.
        let mut e = Email {
            message: "mine".into(),
            ..Email::default()
        };
        import_html(&mut e, "<b>x</b>", None).unwrap();
        assert_eq!(e.message, "mine");
        assert_eq!(e.html, "<b>x</b>");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn missing_image() {
        let dir = temp_dir("missing");
        let mut e = Email::new();
        let err = import_html(&mut e, "<img src=\"nothere.png\">", dir.to_str()).unwrap_err();
        assert_eq!(err.code, WD_E::Io);
        assert!(err.message.contains("nothere.png"), "{}", err.message);
        assert_eq!(e, Email::new());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
