//! The local time zone's UTC offset at a given instant, for WLangage DateHeure values
//! (local time): the rules of `TZ` when set (a POSIX rule such as
//! `CET-1CEST,M3.5.0,M10.5.0/3`, or a zone name such as `Europe/Paris`), else those of
//! `/etc/localtime`. Time zone files (TZif, RFC 8536) are read in safe Rust: their
//! transitions, then the POSIX rule of their footer for instants past the last one.
//! Anything that cannot be read counts as UTC.

use std::sync::LazyLock;

/// Where the zone files are.
const ZONEINFO: &str = "/usr/share/zoneinfo";
/// Largest zone file read.
const MAX_TZIF: u64 = 1 << 20;

/// A POSIX `TZ` rule: standard time, and daylight saving time between two dates.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PosixRule {
    /// Standard offset east of UTC, in seconds.
    std_offset: i64,
    /// Daylight saving: its offset, and the (start, end) dates with their local times.
    dst: Option<(i64, RuleDate, RuleDate)>,
}

/// One end of daylight saving time: a day of the year and a local time (seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RuleDate {
    /// `Mm.w.d`: day `d` (0 = Sunday) of week `w` (5 = last) of month `m`.
    MonthWeekDay(u32, u32, u32, i64),
    /// `Jn`: day `n` (1..365), February 29 never counted.
    Julian1(u32, i64),
    /// `n`: day `n` (0..365), February 29 counted.
    Julian0(u32, i64),
}

/// The zone in effect for this process.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Zone {
    /// Transition instants (Unix seconds), ascending, with the offset from each on.
    transitions: Vec<(i64, i64)>,
    /// Offset before the first transition (or always, without transitions and rule).
    initial: i64,
    /// The rule for instants past the last transition.
    rule: Option<PosixRule>,
}

static ZONE: LazyLock<Zone> = LazyLock::new(load);

/// The local offset east of UTC, in minutes, at `unix` seconds.
pub fn offset_minutes(unix: i64) -> i32 {
    (ZONE.offset_at(unix) / 60) as i32
}

/// The local offset in minutes for a local civil time given as seconds since the epoch
/// read as if it were UTC (the offset in effect at that local time; in a gap or an
/// overlap, the one before the change).
pub fn offset_minutes_for_local(local_as_utc: i64) -> i32 {
    let first = ZONE.offset_at(local_as_utc);
    let second = ZONE.offset_at(local_as_utc - first);
    (if ZONE.offset_at(local_as_utc - second) == second {
        second
    } else {
        first
    } / 60) as i32
}

fn load() -> Zone {
    match std::env::var("TZ") {
        Ok(tz) if !tz.is_empty() => {
            let name = tz.strip_prefix(':').unwrap_or(&tz);
            if let Some(z) = read_zone_file(name) {
                return z;
            }
            parse_posix(name)
                .map(|rule| Zone {
                    rule: Some(rule),
                    ..Zone::default()
                })
                .unwrap_or_default()
        }
        _ => read_zone_file("/etc/localtime").unwrap_or_default(),
    }
}

/// Reads a zone file: an absolute path, else a name under [`ZONEINFO`] (no `..`).
fn read_zone_file(name: &str) -> Option<Zone> {
    let path = if name.starts_with('/') {
        std::path::PathBuf::from(name)
    } else if name.split('/').any(|c| c == ".." || c.is_empty()) {
        return None;
    } else {
        std::path::Path::new(ZONEINFO).join(name)
    };
    let bytes = crate::files::read_regular(&path, true, MAX_TZIF).ok()?;
    parse_tzif(&bytes)
}

fn be32(b: &[u8], at: usize) -> Option<i64> {
    Some(i32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?) as i64)
}

fn be64(b: &[u8], at: usize) -> Option<i64> {
    Some(i64::from_be_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// Parses a TZif file: the 64-bit data block of version 2 and later (else the 32-bit
/// one), and the footer's POSIX rule.
fn parse_tzif(b: &[u8]) -> Option<Zone> {
    if b.get(..4)? != b"TZif" {
        return None;
    }
    let counts = |at: usize| -> Option<[usize; 6]> {
        let mut c = [0usize; 6];
        for (i, v) in c.iter_mut().enumerate() {
            *v = usize::try_from(be32(b, at + 20 + 4 * i)?).ok()?;
        }
        Some(c)
    };
    // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
    let block_len = |c: [usize; 6], time: usize| {
        c[3] * time + c[3] + c[4] * 6 + c[5] + c[2] * (time + 4) + c[1] + c[0]
    };
    let v1 = counts(0)?;
    let (start, c, time) = if b[4] >= b'2' {
        let second = 44 + block_len(v1, 4);
        (second + 44, counts(second)?, 8)
    } else {
        (44, v1, 4)
    };
    let (timecnt, typecnt) = (c[3], c[4]);
    if typecnt == 0 {
        return None;
    }
    let idx_at = start + timecnt * time;
    let types_at = idx_at + timecnt;
    let utoff = |i: usize| be32(b, types_at + 6 * i);
    let mut transitions = Vec::with_capacity(timecnt);
    for i in 0..timecnt {
        let t = if time == 8 {
            be64(b, start + 8 * i)?
        } else {
            be32(b, start + 4 * i)?
        };
        let ty = *b.get(idx_at + i)? as usize;
        if ty >= typecnt {
            return None;
        }
        transitions.push((t, utoff(ty)?));
    }
    let rule = if time == 8 {
        let footer = b.get(start + block_len(c, 8)..)?;
        let text = std::str::from_utf8(footer).ok()?;
        parse_posix(text.trim_matches('\n'))
    } else {
        None
    };
    Some(Zone {
        transitions,
        initial: utoff(0)?,
        rule,
    })
}

impl Zone {
    fn offset_at(&self, unix: i64) -> i64 {
        let past_last = self.transitions.last().is_none_or(|&(t, _)| unix >= t);
        if past_last && let Some(rule) = &self.rule {
            return rule.offset_at(unix);
        }
        match self.transitions.partition_point(|&(t, _)| t <= unix) {
            0 => self.initial,
            i => self.transitions[i - 1].1,
        }
    }
}

/// Parses a POSIX TZ rule (`std offset [dst [offset] [,start[/time],end[/time]]]`).
fn parse_posix(s: &str) -> Option<PosixRule> {
    let mut p = Posix {
        s: s.as_bytes(),
        i: 0,
    };
    p.name()?;
    // POSIX offsets are west of UTC: negated.
    let std_offset = -p.offset()?;
    if p.done() {
        return Some(PosixRule {
            std_offset,
            dst: None,
        });
    }
    p.name()?;
    let dst_offset = if p.peek().is_some_and(|c| c != b',') {
        -p.offset()?
    } else {
        std_offset + 3600
    };
    // A rule without dates: the US rules of POSIX's default.
    let (start, end) = if p.done() {
        (
            RuleDate::MonthWeekDay(3, 2, 0, 7200),
            RuleDate::MonthWeekDay(11, 1, 0, 7200),
        )
    } else {
        p.expect(b',')?;
        let start = p.date()?;
        p.expect(b',')?;
        (start, p.date()?)
    };
    p.done().then_some(PosixRule {
        std_offset,
        dst: Some((dst_offset, start, end)),
    })
}

struct Posix<'a> {
    s: &'a [u8],
    i: usize,
}

impl Posix<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn done(&self) -> bool {
        self.i == self.s.len()
    }

    fn expect(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    /// A zone abbreviation: letters, or `<…>` quoted.
    fn name(&mut self) -> Option<()> {
        let from = self.i;
        if self.peek() == Some(b'<') {
            let end = self.s[self.i..].iter().position(|&c| c == b'>')?;
            self.i += end + 1;
        } else {
            while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
                self.i += 1;
            }
        }
        (self.i - from >= 3).then_some(())
    }

    fn number(&mut self) -> Option<i64> {
        let from = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) && self.i - from < 3 {
            self.i += 1;
        }
        std::str::from_utf8(&self.s[from..self.i])
            .ok()?
            .parse()
            .ok()
    }

    /// `[+-]hh[:mm[:ss]]` in seconds.
    fn offset(&mut self) -> Option<i64> {
        let sign = match self.peek()? {
            b'-' => {
                self.i += 1;
                -1
            }
            b'+' => {
                self.i += 1;
                1
            }
            _ => 1,
        };
        let mut secs = self.number()? * 3600;
        for unit in [60, 1] {
            if self.peek() != Some(b':') {
                break;
            }
            self.i += 1;
            secs += self.number()? * unit;
        }
        Some(sign * secs)
    }

    /// `Mm.w.d`, `Jn` or `n`, with an optional `/time` (default 02:00).
    fn date(&mut self) -> Option<RuleDate> {
        let d = match self.peek()? {
            b'M' => {
                self.i += 1;
                let m = self.number()?;
                self.expect(b'.')?;
                let w = self.number()?;
                self.expect(b'.')?;
                let d = self.number()?;
                if !(1..=12).contains(&m) || !(1..=5).contains(&w) || d > 6 {
                    return None;
                }
                RuleDate::MonthWeekDay(m as u32, w as u32, d as u32, 7200)
            }
            b'J' => {
                self.i += 1;
                RuleDate::Julian1(self.number()?.clamp(1, 365) as u32, 7200)
            }
            _ => RuleDate::Julian0(self.number()?.clamp(0, 365) as u32, 7200),
        };
        let time = if self.peek() == Some(b'/') {
            self.i += 1;
            self.offset()?
        } else {
            7200
        };
        Some(match d {
            RuleDate::MonthWeekDay(m, w, wd, _) => RuleDate::MonthWeekDay(m, w, wd, time),
            RuleDate::Julian1(n, _) => RuleDate::Julian1(n, time),
            RuleDate::Julian0(n, _) => RuleDate::Julian0(n, time),
        })
    }
}

use super::date::{civil_from_days, days_from_civil};

impl RuleDate {
    /// The local instant (seconds since the epoch, read as UTC) of this date in `year`.
    fn local_instant(self, year: i64) -> i64 {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let (day, time) = match self {
            RuleDate::MonthWeekDay(m, w, wd, time) => {
                let first = days_from_civil(year, m, 1);
                // 1970-01-01 was a Thursday (4).
                let first_wd = (first + 4).rem_euclid(7) as u32;
                let mut day = first + i64::from((wd + 7 - first_wd) % 7) + 7 * i64::from(w - 1);
                let next_month = if m == 12 {
                    days_from_civil(year + 1, 1, 1)
                } else {
                    days_from_civil(year, m + 1, 1)
                };
                while day >= next_month {
                    day -= 7;
                }
                (day, time)
            }
            RuleDate::Julian1(n, time) => {
                let skip = i64::from(leap && n >= 60);
                (days_from_civil(year, 1, 1) + i64::from(n) - 1 + skip, time)
            }
            RuleDate::Julian0(n, time) => (days_from_civil(year, 1, 1) + i64::from(n), time),
        };
        day * 86_400 + time
    }
}

impl PosixRule {
    fn offset_at(&self, unix: i64) -> i64 {
        let Some((dst_offset, start, end)) = self.dst else {
            return self.std_offset;
        };
        let (year, _, _) = civil_from_days((unix + self.std_offset).div_euclid(86_400));
        // Start in standard time, end in daylight time, both as UTC instants.
        let begins = start.local_instant(year) - self.std_offset;
        let ends = end.local_instant(year) - dst_offset;
        let in_dst = if begins < ends {
            unix >= begins && unix < ends
        } else {
            // Southern hemisphere: daylight time spans the new year.
            unix >= begins || unix < ends
        };
        if in_dst { dst_offset } else { self.std_offset }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i64, m: u32, d: u32, h: i64) -> i64 {
        days_from_civil(y, m, d) * 86_400 + h * 3600
    }

    #[test]
    fn posix_rules() {
        let paris = parse_posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap();
        assert_eq!(paris.std_offset, 3600);
        assert_eq!(paris.offset_at(at(2026, 1, 15, 12)), 3600);
        assert_eq!(paris.offset_at(at(2026, 7, 15, 12)), 7200);
        // 2026-03-29 01:00 UTC is 03:00 CEST; one second before, 01:59:59 CET.
        assert_eq!(paris.offset_at(at(2026, 3, 29, 1)), 7200);
        assert_eq!(paris.offset_at(at(2026, 3, 29, 1) - 1), 3600);
        // 2026-10-25 01:00 UTC is 02:00 CET again.
        assert_eq!(paris.offset_at(at(2026, 10, 25, 1)), 3600);
        assert_eq!(paris.offset_at(at(2026, 10, 25, 1) - 1), 7200);
        let sydney = parse_posix("AEST-10AEDT,M10.1.0,M4.1.0/3").unwrap();
        assert_eq!(sydney.offset_at(at(2026, 1, 15, 0)), 11 * 3600);
        assert_eq!(sydney.offset_at(at(2026, 7, 15, 0)), 10 * 3600);
        let ny = parse_posix("EST5EDT").unwrap();
        assert_eq!(ny.offset_at(at(2026, 7, 1, 12)), -4 * 3600);
        assert_eq!(ny.offset_at(at(2026, 12, 1, 12)), -5 * 3600);
        let fixed = parse_posix("<+0530>-5:30").unwrap();
        assert_eq!(fixed.offset_at(0), 5 * 3600 + 1800);
        assert_eq!(parse_posix("UTC0").unwrap().offset_at(0), 0);
        for bad in [
            "",
            "X",
            "CET",
            "CET-1CEST,M3.5",
            "CET-1CEST,M13.5.0,M10.5.0",
        ] {
            assert!(parse_posix(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn zone_files_when_present() {
        // Debian's tzdata; the checks run only where the files exist.
        if let Some(z) = read_zone_file("Europe/Paris") {
            assert_eq!(z.offset_at(at(2026, 1, 15, 12)), 3600);
            assert_eq!(z.offset_at(at(2026, 7, 15, 12)), 7200);
            assert_eq!(
                z.offset_at(at(2090, 7, 15, 12)),
                7200,
                "past the transitions"
            );
            assert_eq!(z.offset_at(at(1900, 1, 1, 0)), 561, "local mean time");
        }
        if let Some(z) = read_zone_file("Etc/UTC") {
            assert_eq!(z.offset_at(at(2026, 7, 15, 12)), 0);
        }
        assert!(read_zone_file("../etc/passwd").is_none());
        assert!(parse_tzif(b"not a zone file").is_none());
    }

    #[test]
    fn local_times_map_back() {
        let z = Zone {
            rule: parse_posix("CET-1CEST,M3.5.0,M10.5.0/3"),
            ..Zone::default()
        };
        let local = at(2026, 7, 15, 14);
        let off = z.offset_at(local - z.offset_at(local));
        assert_eq!(off, 7200);
    }
}
