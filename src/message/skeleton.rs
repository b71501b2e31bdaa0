//! A shortened copy of a large message for mail-parser to read its structure from.
//!
//! mail-parser walks every byte of a body to find the boundary that ends it, which for a
//! large attachment costs more than decoding it. Its walk only reacts to line ends, `-`,
//! `:`, `=`, `?` and white space: a line made of base64 letters only (`A-Z a-z 0-9 + /`)
//! changes nothing but the position, whether it is read as a body line or as a header
//! line (no colon: skipped). So each long run of such lines is cut to its first and last
//! lines; mail-parser reads the copy, and every position it reports maps back to the
//! source ([`Skeleton::to_source`]). No boundary, header or blank line is ever inside a
//! run, so every position mail-parser reports lies outside the bytes cut out.

use crate::text::find_byte;
use std::borrow::Cow;
use std::ops::Range;

/// Messages smaller than this are read as they are.
const MIN_MESSAGE: usize = 256 * 1024;
/// Runs of fewer bytes are kept.
const MIN_CUT: usize = 16 * 1024;

/// The bytes mail-parser reads, and where bytes of the source were cut out.
pub(crate) struct Skeleton<'a> {
    pub bytes: Cow<'a, [u8]>,
    /// For each cut, in order: the position in `bytes` from which the source is
    /// `removed` bytes further (the total cut so far).
    cuts: Vec<(usize, usize)>,
}

/// `[A-Za-z0-9+/]`, without branches or tables so that a line is checked many bytes at a
/// time.
#[inline(always)]
fn letter(b: u8) -> bool {
    // `b | 0x20` folds A-Z onto a-z (and maps no other byte there).
    ((b | 0x20).wrapping_sub(b'a') < 26) | (b.wrapping_sub(b'0') < 10) | (b == b'+') | (b == b'/')
}

/// A non-empty line of base64 letters only (its line end removed).
fn inert(line: &[u8]) -> bool {
    let other = line.iter().fold(0u8, |acc, &b| acc | u8::from(!letter(b)));
    !line.is_empty() && other == 0
}

impl<'a> Skeleton<'a> {
    /// The copy of `raw` (`raw` itself when nothing is worth cutting).
    pub fn of(raw: &'a [u8]) -> Skeleton<'a> {
        let cuts = if raw.len() < MIN_MESSAGE {
            Vec::new()
        } else {
            runs(raw)
        };
        if cuts.is_empty() {
            return Skeleton {
                bytes: Cow::Borrowed(raw),
                cuts: Vec::new(),
            };
        }
        let removed: usize = cuts.iter().map(|r| r.len()).sum();
        let mut bytes = Vec::with_capacity(raw.len() - removed);
        let mut from = 0;
        let mut total = 0;
        let mut map = Vec::with_capacity(cuts.len());
        for cut in cuts {
            bytes.extend_from_slice(&raw[from..cut.start]);
            total += cut.len();
            map.push((bytes.len(), total));
            from = cut.end;
        }
        bytes.extend_from_slice(&raw[from..]);
        Skeleton {
            bytes: Cow::Owned(bytes),
            cuts: map,
        }
    }

    /// The position in the source of position `pos` of the copy.
    pub fn to_source(&self, pos: usize) -> usize {
        match self.cuts.partition_point(|&(at, _)| at <= pos) {
            0 => pos,
            i => pos + self.cuts[i - 1].1,
        }
    }
}

/// The ranges to cut: in each run of at least three lines of base64 letters, each ended
/// by a line end, everything between its first and its last line.
fn runs(raw: &[u8]) -> Vec<Range<usize>> {
    let mut cuts = Vec::new();
    // The current run: the end of its first line, the start of its last line.
    let mut run: Option<(usize, usize)> = None;
    let mut close = |run: &mut Option<(usize, usize)>| {
        if let Some((first_end, last_start)) = run.take()
            && last_start >= first_end + MIN_CUT
        {
            cuts.push(first_end..last_start);
        }
    };
    let mut pos = 0;
    while let Some(i) = find_byte(&raw[pos..], b'\n') {
        let end = pos + i + 1;
        let line = &raw[pos..pos + i];
        if inert(line.strip_suffix(b"\r").unwrap_or(line)) {
            match &mut run {
                Some((_, last)) => *last = pos,
                None => run = Some((end, end)),
            }
        } else {
            close(&mut run);
        }
        pos = end;
    }
    // A last line without a line end is never in a run.
    close(&mut run);
    cuts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_runs_are_cut_and_positions_map_back() {
        let line = b"QUJDRA==QUJD\r\n".map(|b| if b == b'=' { b'A' } else { b });
        let mut raw = b"Subject: x\r\n\r\n".to_vec();
        let body = raw.len();
        let lines = MIN_MESSAGE / line.len() + 10;
        for _ in 0..lines {
            raw.extend_from_slice(&line);
        }
        let tail = raw.len();
        raw.extend_from_slice(b"--b--\r\n");
        let s = Skeleton::of(&raw);
        assert_eq!(s.bytes.len(), body + 2 * line.len() + 7);
        // The body start, the end of the first line, the last line and what follows.
        assert_eq!(s.to_source(body), body);
        assert_eq!(s.to_source(body + line.len() - 2), body + line.len() - 2);
        assert_eq!(s.to_source(body + line.len()), tail - line.len());
        assert_eq!(s.to_source(body + 2 * line.len()), tail);
        assert_eq!(&raw[s.to_source(s.bytes.len() - 7)..], b"--b--\r\n");
        // Small messages and short runs are read as they are.
        assert!(matches!(Skeleton::of(&raw[..1000]).bytes, Cow::Borrowed(_)));
        assert!(!inert(b"QUJD-") && !inert(b"") && !inert(b"QUJD\r") && inert(b"a+/9"));
        for b in 0..=255u8 {
            let want = b.is_ascii_alphanumeric() || b == b'+' || b == b'/';
            assert_eq!(letter(b), want, "{b}");
        }
    }
}
