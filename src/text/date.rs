//! Calendar dates: civil date ↔ day number (proleptic Gregorian), the current time,
//! RFC 3339 parsing and formatting, RFC 5322 formatting.

/// A date and time with its UTC offset in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub offset_minutes: i32,
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date (year, month, day) of a day number since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Seconds since the Unix epoch (0 when the clock is before it).
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl DateTime {
    /// The UTC date and time `secs` seconds after the Unix epoch (not range-checked: a
    /// year past 9999 is kept).
    pub fn from_unix(secs: i64) -> DateTime {
        let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        let (year, month, day) = civil_from_days(days);
        DateTime {
            year,
            month,
            day,
            hour: (rem / 3600) as u32,
            minute: (rem / 60 % 60) as u32,
            second: (rem % 60) as u32,
            offset_minutes: 0,
        }
    }

    /// The current time in UTC.
    pub fn now_utc() -> DateTime {
        DateTime::from_unix(i64::try_from(unix_now()).unwrap_or(0))
    }

    /// Strict RFC 3339: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`; `t`, `z` and a space as the
    /// separator are accepted. Fractions of a second are dropped.
    pub fn parse_rfc3339(s: &str) -> Option<DateTime> {
        let b = s.trim().as_bytes();
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = b.get(r)?;
            if part.iter().all(u8::is_ascii_digit) {
                std::str::from_utf8(part).ok()?.parse().ok()
            } else {
                None
            }
        };
        if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
            return None;
        }
        if !matches!(b[10], b'T' | b't' | b' ') {
            return None;
        }
        let dt = DateTime {
            year: num(0..4)? as i64,
            month: num(5..7)?,
            day: num(8..10)?,
            hour: num(11..13)?,
            minute: num(14..16)?,
            second: num(17..19)?,
            offset_minutes: 0,
        };
        let mut i = 19;
        if b[i] == b'.' {
            i += 1;
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i == start {
                return None;
            }
        }
        let offset = match b.get(i..)? {
            [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
                let h = num(i + 1..i + 3)?;
                let m = num(i + 4..i + 6)?;
                if h > 23 || m > 59 {
                    return None;
                }
                let v = (h * 60 + m) as i32;
                if *sign == b'-' { -v } else { v }
            }
            _ => return None,
        };
        let dt = DateTime {
            offset_minutes: offset,
            ..dt
        };
        dt.is_valid().then_some(dt)
    }

    pub fn is_valid(self) -> bool {
        (1..=9999).contains(&self.year)
            && (1..=12).contains(&self.month)
            && self.day >= 1
            && self.day <= days_in_month(self.year, self.month)
            && self.hour <= 23
            && self.minute <= 59
            && self.second <= 60
            && self.offset_minutes.abs() < 24 * 60
    }

    fn offset_parts(self) -> (char, i32, i32) {
        let sign = if self.offset_minutes < 0 { '-' } else { '+' };
        let a = self.offset_minutes.abs();
        (sign, a / 60, a % 60)
    }

    /// `2024-03-01T10:20:30`: the RFC 3339 date and time without the offset.
    fn rfc3339_local(self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// `2024-03-01T10:20:30+01:00` (the offset is always written as ±HH:MM).
    pub fn to_rfc3339(self) -> String {
        let (sign, oh, om) = self.offset_parts();
        format!("{}{sign}{oh:02}:{om:02}", self.rfc3339_local())
    }

    /// `2024-03-01T10:20:30Z`: RFC 3339 in UTC, for a time from [`DateTime::from_unix`]
    /// (the offset is not written).
    pub fn to_rfc3339_utc(self) -> String {
        format!("{}Z", self.rfc3339_local())
    }

    /// Seconds since the Unix epoch of this instant.
    pub fn to_unix(self) -> i64 {
        let days = days_from_civil(self.year, self.month, self.day);
        days * 86_400 + i64::from(self.hour * 3600 + self.minute * 60 + self.second)
            - i64::from(self.offset_minutes) * 60
    }

    /// The same instant in local time (the offset of the local time zone then).
    pub fn to_local(self) -> DateTime {
        let unix = self.to_unix();
        let offset = super::localtime::offset_minutes(unix);
        DateTime {
            offset_minutes: offset,
            ..DateTime::from_unix(unix + i64::from(offset) * 60)
        }
    }

    /// A WLangage DateHeure in local time: `AAAAMMJJHHMMSS`, optionally followed by
    /// hundredths (`CC`) or thousandths (`CCC`) of a second (dropped), or a Date
    /// `AAAAMMJJ` (midnight). The offset is the local time zone's at that time.
    pub fn parse_wlangage(s: &str) -> Option<DateTime> {
        let s = s.trim();
        if !matches!(s.len(), 8 | 14 | 16 | 17) || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        // AAAA MM JJ, then HH MM SS (a Date stops after JJ: midnight); the rest dropped.
        let mut parts = [0u32; 6];
        let mut at = 0;
        for (part, width) in parts.iter_mut().zip([4, 2, 2, 2, 2, 2]) {
            if at + width > s.len() {
                break;
            }
            *part = s[at..at + width].parse().ok()?;
            at += width;
        }
        let [year, month, day, hour, minute, second] = parts;
        let local = DateTime {
            year: i64::from(year),
            month,
            day,
            hour,
            minute,
            second,
            offset_minutes: 0,
        };
        if !local.is_valid() {
            return None;
        }
        let offset = super::localtime::offset_minutes_for_local(local.to_unix());
        Some(DateTime {
            offset_minutes: offset,
            ..local
        })
    }

    /// `AAAAMMJJHHMMSS`: the WLangage DateHeure of this instant in local time.
    pub fn to_wlangage(self) -> String {
        let l = self.to_local();
        format!(
            "{:04}{:02}{:02}{:02}{:02}{:02}",
            l.year, l.month, l.day, l.hour, l.minute, l.second
        )
    }

    /// `Fri, 01 Mar 2024 10:20:30 +0100` (RFC 5322 §3.3).
    pub fn to_rfc5322(self) -> String {
        const DOW: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
        const MON: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let days = days_from_civil(self.year, self.month, self.day);
        let dow = DOW[days.rem_euclid(7) as usize];
        let mon = MON
            .get(self.month.saturating_sub(1) as usize)
            .unwrap_or(&"Jan");
        let (sign, oh, om) = self.offset_parts();
        format!(
            "{dow}, {:02} {mon} {:04} {:02}:{:02}:{:02} {sign}{oh:02}{om:02}",
            self.day, self.year, self.hour, self.minute, self.second
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let d = DateTime::parse_rfc3339("2024-03-01T10:20:30+01:00").unwrap();
        assert_eq!(d.to_rfc5322(), "Fri, 01 Mar 2024 10:20:30 +0100");
        assert_eq!(d.to_rfc3339(), "2024-03-01T10:20:30+01:00");
        let d = DateTime::parse_rfc3339("1999-12-31t23:59:59.123z").unwrap();
        assert_eq!(d.to_rfc5322(), "Fri, 31 Dec 1999 23:59:59 +0000");
        let d = DateTime::parse_rfc3339("2000-02-29 00:00:00-09:30").unwrap();
        assert_eq!(d.to_rfc5322(), "Tue, 29 Feb 2000 00:00:00 -0930");
        for bad in [
            "",
            "2024-03-01",
            "2024-02-30T00:00:00Z",
            "2023-13-01T00:00:00Z",
            "2024-03-01T24:00:00Z",
            "2024-03-01T10:20:30",
            "2024-03-01T10:20:30+0100",
            "2024-03-01T10:20:30+25:00",
            "Fri, 01 Mar 2024 10:20:30 +0100",
            "2024-03-01T10:20:30.Z",
            "２０２４-03-01T10:20:30Z",
        ] {
            assert!(DateTime::parse_rfc3339(bad).is_none(), "{bad}");
        }
        let now = DateTime::now_utc();
        assert!(now.is_valid() && now.year >= 2024);
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        assert_eq!(days_from_civil(1970, 1, 1), 0);
    }

    #[test]
    fn wlangage_dates() {
        // The local zone of the test process: compare through it, whatever it is.
        let d = DateTime::parse_wlangage("20240301102030").unwrap();
        assert_eq!(
            (d.year, d.month, d.day, d.hour, d.minute, d.second),
            (2024, 3, 1, 10, 20, 30)
        );
        assert_eq!(d.to_wlangage(), "20240301102030");
        assert_eq!(
            DateTime::parse_wlangage("2024030110203012"),
            Some(d),
            "hundredths dropped"
        );
        assert_eq!(DateTime::parse_wlangage("20240301102030123"), Some(d));
        let midnight = DateTime::parse_wlangage("20240301").unwrap();
        assert_eq!(midnight.to_wlangage(), "20240301000000");
        let utc = DateTime::parse_rfc3339("2024-03-01T10:20:30Z").unwrap();
        assert_eq!(utc.to_unix(), 1_709_288_430);
        assert_eq!(
            DateTime::from_unix(utc.to_unix()).to_rfc3339_utc(),
            "2024-03-01T10:20:30Z"
        );
        assert_eq!(
            DateTime::parse_wlangage(&utc.to_wlangage())
                .unwrap()
                .to_unix(),
            utc.to_unix()
        );
        for bad in [
            "",
            "2024030",
            "202403011020",
            "20241301102030",
            "20240230102030",
            "2024-03-01",
        ] {
            assert!(DateTime::parse_wlangage(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn rfc3339_dates() {
        let rfc3339 = |t: i64| DateTime::from_unix(t).to_rfc3339_utc();
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(4_107_542_399), "2100-02-28T23:59:59Z");
    }
}
