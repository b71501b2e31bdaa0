//! The bytes of a message, shared instead of copied: its raw source ([`Source`]) and the
//! content of each attachment ([`Content`]), which a parsed message decodes from the
//! source on first access (and keeps, once) or streams to a file without keeping.
//!
//! A message read or imported holds its source once: the message, its attachments and a
//! send in progress share it, and copying a message (every change is made on a copy)
//! copies no bytes.

use crate::message::codec::{self, CanonicalBase64};
use mail_parser::parsers::MessageStream;
use std::fmt;
use std::io::{self, Write};
use std::ops::{Deref, Range};
use std::sync::{Arc, OnceLock};

/// The raw source of a message, shared: cloning is cheap.
#[derive(Clone, Default)]
pub struct Source(Option<Arc<Vec<u8>>>);

impl Source {
    /// The bytes, copied only when another holder shares them.
    pub fn into_vec(self) -> Vec<u8> {
        match self.0 {
            None => Vec::new(),
            Some(a) => Arc::try_unwrap(a).unwrap_or_else(|a| a.as_ref().clone()),
        }
    }
}

impl From<Vec<u8>> for Source {
    fn from(v: Vec<u8>) -> Self {
        Source((!v.is_empty()).then(|| Arc::new(v)))
    }
}

impl Deref for Source {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }
}

impl AsRef<[u8]> for Source {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

/// [`Source`] and [`Content`] compare, print and convert as their bytes.
macro_rules! bytes_like {
    ($t:ty) => {
        impl PartialEq for $t {
            fn eq(&self, other: &Self) -> bool {
                **self == **other
            }
        }
        impl Eq for $t {}
        impl PartialEq<[u8]> for $t {
            fn eq(&self, other: &[u8]) -> bool {
                **self == *other
            }
        }
        impl PartialEq<&[u8]> for $t {
            fn eq(&self, other: &&[u8]) -> bool {
                **self == **other
            }
        }
        impl PartialEq<Vec<u8>> for $t {
            fn eq(&self, other: &Vec<u8>) -> bool {
                **self == **other
            }
        }
        impl<const N: usize> PartialEq<[u8; N]> for $t {
            fn eq(&self, other: &[u8; N]) -> bool {
                **self == other[..]
            }
        }
        impl<const N: usize> PartialEq<&[u8; N]> for $t {
            fn eq(&self, other: &&[u8; N]) -> bool {
                **self == other[..]
            }
        }
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&**self, f)
            }
        }
    };
}
bytes_like!(Source);
bytes_like!(Content);

/// How the bytes of a part of a source become an attachment's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decoding {
    /// The bytes as they are.
    Raw,
    /// The transfer encoding read by mail-parser's own decoder (what a binary part got
    /// when mail-parser decoded it at parse time); when it fails, `Lenient`.
    MailParser(mail_parser::Encoding),
    /// The transfer encoding read by the lenient decoders of [`codec`].
    Lenient(mail_parser::Encoding),
}

/// A part of a source and how to decode it.
pub(crate) struct Part {
    pub source: Source,
    /// The body of the part: its first byte, the end mail-parser found, and the end of
    /// the text the lenient decoders read (cut at the boundary, final line end dropped).
    pub start: usize,
    pub end: usize,
    pub lenient_end: usize,
    /// The boundary closing the part (mail-parser's decoders stop there).
    pub boundary: Box<[u8]>,
    pub decoding: Decoding,
    decoded: OnceLock<Vec<u8>>,
}

impl Part {
    pub fn new(
        source: Source,
        body: Range<usize>,
        lenient_end: usize,
        boundary: &[u8],
        decoding: Decoding,
    ) -> Part {
        let len = source.len();
        let start = body.start.min(len);
        Part {
            start,
            end: body.end.clamp(start, len),
            lenient_end: lenient_end.clamp(start, len),
            boundary: boundary.into(),
            decoding,
            source,
            decoded: OnceLock::new(),
        }
    }

    fn lenient_input(&self) -> &[u8] {
        &self.source[self.start..self.lenient_end]
    }

    /// The bytes read as they are, when no decoding is needed.
    fn raw(&self) -> Option<&[u8]> {
        match self.decoding {
            Decoding::Raw => Some(&self.source[self.start..self.end]),
            Decoding::Lenient(mail_parser::Encoding::None) => Some(self.lenient_input()),
            _ => None,
        }
    }

    /// The base64 text, when it is in canonical form (see [`CanonicalBase64`]).
    fn canonical_base64(&self) -> Option<&[u8]> {
        let input = match self.decoding {
            Decoding::MailParser(mail_parser::Encoding::Base64) => {
                &self.source[self.start..self.end]
            }
            Decoding::Lenient(mail_parser::Encoding::Base64) => self.lenient_input(),
            _ => return None,
        };
        let mut probe = CanonicalBase64::new(input);
        let mut scratch = Vec::with_capacity(CHUNK + 64);
        while !probe.is_done() {
            scratch.clear();
            probe.decode_some(&mut scratch, CHUNK).ok()?;
        }
        Some(input)
    }

    /// Decodes the part (what parsing the whole message at once gave).
    fn decode(&self) -> Vec<u8> {
        if let Some(raw) = self.raw() {
            return raw.to_vec();
        }
        let lenient = |enc| codec::decode_transfer(self.lenient_input(), enc);
        match self.decoding {
            Decoding::MailParser(enc @ mail_parser::Encoding::Base64) => {
                codec::decode_base64_canonical(&self.source[self.start..self.end])
                    .or_else(|| self.mail_parser_decode(enc))
                    .unwrap_or_else(|| lenient(enc))
            }
            Decoding::MailParser(enc) => {
                self.mail_parser_decode(enc).unwrap_or_else(|| lenient(enc))
            }
            Decoding::Lenient(enc) => lenient(enc),
            Decoding::Raw => Vec::new(),
        }
    }

    /// mail-parser's decoder from the start of the part to its boundary; None when it
    /// finds the part malformed.
    fn mail_parser_decode(&self, enc: mail_parser::Encoding) -> Option<Vec<u8>> {
        let mut stream = MessageStream::new(&self.source[self.start..]);
        let (end, bytes) = match enc {
            mail_parser::Encoding::Base64 => stream.decode_base64_mime(&self.boundary),
            mail_parser::Encoding::QuotedPrintable => {
                stream.decode_quoted_printable_mime(&self.boundary)
            }
            mail_parser::Encoding::None => return Some(self.source[self.start..self.end].to_vec()),
        };
        (end != usize::MAX).then(|| bytes.into_owned())
    }

    fn bytes(&self) -> &[u8] {
        match self.raw() {
            Some(raw) => raw,
            None => self.decoded.get_or_init(|| self.decode()),
        }
    }
}

/// Output of the streamed decoding: pieces of this size.
const CHUNK: usize = 64 * 1024;

#[derive(Clone)]
enum Inner {
    Bytes(Arc<Vec<u8>>),
    Part(Arc<Part>),
}

/// The decoded content of an attachment. One read from a message stays encoded in the
/// shared source until its bytes are first asked for (then decoded once and kept); cloning
/// is cheap. Dereferences to the decoded bytes.
#[derive(Clone)]
pub struct Content(Inner);

impl Default for Content {
    fn default() -> Self {
        Content::from(Vec::new())
    }
}

impl From<Vec<u8>> for Content {
    fn from(v: Vec<u8>) -> Self {
        Content(Inner::Bytes(Arc::new(v)))
    }
}

impl From<&[u8]> for Content {
    fn from(v: &[u8]) -> Self {
        Content::from(v.to_vec())
    }
}

impl FromIterator<u8> for Content {
    fn from_iter<I: IntoIterator<Item = u8>>(iter: I) -> Self {
        Content::from(iter.into_iter().collect::<Vec<u8>>())
    }
}

impl Content {
    /// The content of a part of a source, decoded on first access.
    pub(crate) fn part(part: Part) -> Content {
        Content(Inner::Part(Arc::new(part)))
    }

    /// Writes the decoded bytes to `w`. Content not decoded yet is decoded piece by piece
    /// as it is written and not kept (base64 in canonical form and unencoded parts; any
    /// other part is decoded whole first).
    pub fn write_to(&self, w: &mut impl Write) -> io::Result<()> {
        let Inner::Part(p) = &self.0 else {
            return w.write_all(self);
        };
        if let Some(bytes) = p.decoded.get().map(Vec::as_slice).or_else(|| p.raw()) {
            return w.write_all(bytes);
        }
        let Some(input) = p.canonical_base64() else {
            return w.write_all(&p.decode());
        };
        let mut d = CanonicalBase64::new(input);
        let mut buf = Vec::with_capacity(CHUNK + 64);
        while !d.is_done() {
            buf.clear();
            d.decode_some(&mut buf, CHUNK)
                .map_err(|_| io::Error::other("base64 changed while decoding"))?;
            w.write_all(&buf)?;
        }
        Ok(())
    }
}

impl Content {
    /// The length of the decoded bytes. Content not decoded yet is decoded piece by piece
    /// to count them ([`Content::write_to`]) and not kept.
    pub fn decoded_len(&self) -> usize {
        struct Count(usize);
        impl Write for Count {
            fn write(&mut self, b: &[u8]) -> io::Result<usize> {
                self.0 += b.len();
                Ok(b.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        if let Inner::Bytes(v) = &self.0 {
            return v.len();
        }
        let mut n = Count(0);
        match self.write_to(&mut n) {
            Ok(()) => n.0,
            Err(_) => self.len(),
        }
    }
}

impl Deref for Content {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match &self.0 {
            Inner::Bytes(v) => v,
            Inner::Part(p) => p.bytes(),
        }
    }
}

impl AsRef<[u8]> for Content {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mail_parser::Encoding;

    fn part(src: &[u8], decoding: Decoding) -> Content {
        let s = Source::from(src.to_vec());
        Content::part(Part::new(s, 0..src.len(), src.len(), b"", decoding))
    }

    #[test]
    fn source_shares_and_compares_as_bytes() {
        let s = Source::from(b"abc".to_vec());
        let t = s.clone();
        assert_eq!(s, b"abc");
        assert_eq!(t, b"abc".to_vec());
        assert!(Source::default().is_empty());
        drop(s);
        assert_eq!(t.into_vec(), b"abc");
    }

    #[test]
    fn parts_decode_on_access_and_stream_the_same_bytes() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let b64 = codec::encode_base64_lines(&data);
        for decoding in [
            Decoding::MailParser(Encoding::Base64),
            Decoding::Lenient(Encoding::Base64),
        ] {
            let c = part(&b64, decoding);
            assert_eq!(c.decoded_len(), data.len(), "{decoding:?} counted");
            let mut file = Vec::new();
            c.write_to(&mut file).unwrap();
            assert_eq!(file, data, "{decoding:?} streamed");
            assert_eq!(c, data, "{decoding:?} on access");
        }
        assert_eq!(part(b"as is", Decoding::Raw), b"as is");
        assert_eq!(
            part(b"caf=C3=A9", Decoding::Lenient(Encoding::QuotedPrintable)),
            "café".as_bytes()
        );
        // Not canonical: mail-parser's decoder goes on after a padding...
        let c = part(b"QQ==QUJD", Decoding::MailParser(Encoding::Base64));
        assert_eq!(c, b"AABC");
        // ...the lenient one stops there; invalid for mail-parser: the lenient one.
        assert_eq!(part(b"QQ==QUJD", Decoding::Lenient(Encoding::Base64)), b"A");
        assert_eq!(
            part(b"QU*JD", Decoding::MailParser(Encoding::Base64)),
            b"ABC"
        );
    }
}
