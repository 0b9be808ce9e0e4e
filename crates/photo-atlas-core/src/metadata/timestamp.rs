//! A capture time as cameras record it: a wall-clock time, with its UTC offset
//! when the file says it, and validation that throws away impossible values.

use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};

/// Wall-clock time of capture, and the UTC offset if it is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timestamp {
    pub local: NaiveDateTime,
    pub offset: Option<FixedOffset>,
}

/// Years outside this range are treated as garbage (clocks never set, bit rot).
const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i32> = 1826..=2200;

impl Timestamp {
    pub fn new(local: NaiveDateTime, offset: Option<FixedOffset>) -> Self {
        Self { local, offset }
    }

    /// ISO 8601 to the second: `2021-04-11T15:47:53-05:00`, or without the offset when unknown.
    pub fn to_iso(&self) -> String {
        let base = self.local.format("%Y-%m-%dT%H:%M:%S").to_string();
        match self.offset {
            Some(off) => format!("{base}{}", format_offset(off)),
            None => base,
        }
    }

    /// The moment in UTC when the offset is known; the wall-clock time itself when it
    /// is not (so that photos without offsets keep their order among themselves).
    pub fn utc(&self) -> NaiveDateTime {
        match self.offset {
            Some(off) => self.local - chrono::Duration::seconds(off.local_minus_utc().into()),
            None => self.local,
        }
    }

    /// Year, month, day, hour, minute, second of the wall-clock time.
    pub fn fields(&self) -> [u32; 6] {
        use chrono::{Datelike, Timelike};
        let l = self.local;
        [
            l.year().max(0) as u32,
            l.month(),
            l.day(),
            l.hour(),
            l.minute(),
            l.second(),
        ]
    }

    /// Builds a timestamp from calendar fields, rejecting impossible values
    /// (month 13, day 0, year 0000, 25 o'clock ...).
    pub fn from_fields(fields: [u32; 6], nanos: u32, offset: Option<FixedOffset>) -> Option<Self> {
        let [y, mo, d, h, mi, s] = fields;
        let year = i32::try_from(y)
            .ok()
            .filter(|y| PLAUSIBLE_YEARS.contains(y))?;
        let date = NaiveDate::from_ymd_opt(year, mo, d)?;
        let time = NaiveTime::from_hms_nano_opt(h, mi, s.min(59), nanos)?;
        Some(Self::new(date.and_time(time), offset))
    }
}

fn format_offset(off: FixedOffset) -> String {
    let secs = off.local_minus_utc();
    let sign = if secs < 0 { '-' } else { '+' };
    let abs = secs.unsigned_abs();
    format!("{sign}{:02}:{:02}", abs / 3600, (abs % 3600) / 60)
}

/// Parses `+05:30`, `-0400`, `Z`; `None` for anything else (blank, `   :  `).
pub fn parse_offset(text: &str) -> Option<FixedOffset> {
    let t = text.trim().trim_end_matches('\0');
    if t == "Z" {
        return FixedOffset::east_opt(0);
    }
    let (sign, rest) = match t.as_bytes().first()? {
        b'+' => (1, &t[1..]),
        b'-' => (-1, &t[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits[2..].parse().ok()?;
    if hours > 14 || minutes > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

/// Parses the fractional-second digits of an EXIF SubSecTime field ("07", "123").
pub fn parse_subsec(text: &str) -> u32 {
    let digits: String = text
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .take(9)
        .collect();
    if digits.is_empty() {
        return 0;
    }
    let value: u32 = digits.parse().unwrap_or(0);
    value * 10u32.pow(9 - digits.len() as u32)
}

/// Parses an EXIF date-time (`2008:05:30 15:56:01`), also accepting `-` or `/` in
/// the date and a trailing ISO offset (`2011:09:23 12:43:03Z`, `...+02:00`).
pub fn parse_exif_datetime(text: &str) -> Option<Timestamp> {
    parse_datetime_with(text, &[':', '-', '/'], ' ')
}

/// Parses an XMP / ISO 8601 date-time (`2013-07-05T03:18:27Z`, `2005-09-07T15:07:40.25-07:00`).
/// Date-only and year-month values are rejected: they do not say when a photo was taken.
pub fn parse_iso_datetime(text: &str) -> Option<Timestamp> {
    parse_datetime_with(text, &['-', ':'], 'T').or_else(|| parse_exif_datetime(text))
}

fn parse_datetime_with(text: &str, date_seps: &[char], time_sep: char) -> Option<Timestamp> {
    let t = text.trim().trim_end_matches('\0');
    let (date_part, rest) = t.split_once(time_sep)?;
    let date: Vec<&str> = date_part.split(|c| date_seps.contains(&c)).collect();
    if date.len() != 3 {
        return None;
    }
    let (time_part, offset) = split_offset(rest);
    let (hms, frac) = match time_part.split_once('.') {
        Some((a, b)) => (a, parse_subsec(b)),
        None => (time_part, 0),
    };
    let time: Vec<&str> = hms.split(':').collect();
    if time.len() < 2 || time.len() > 3 {
        return None;
    }
    let num = |s: &str| -> Option<u32> {
        let s = s.trim();
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
    };
    let second = time.get(2).map_or(Some(0), |s| num(s))?;
    let fields = [
        num(date[0])?,
        num(date[1])?,
        num(date[2])?,
        num(time[0])?,
        num(time[1])?,
        second,
    ];
    Timestamp::from_fields(fields, frac, offset)
}

/// Splits `15:07:40-07:00` into (`15:07:40`, Some(-07:00)).
fn split_offset(rest: &str) -> (&str, Option<FixedOffset>) {
    if let Some(stripped) = rest.strip_suffix('Z') {
        return (stripped, FixedOffset::east_opt(0));
    }
    if let Some(pos) = rest.rfind(['+', '-'])
        && let Some(off) = parse_offset(&rest[pos..])
    {
        return (&rest[..pos], Some(off));
    }
    (rest, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exif_datetime_plain() {
        let t = parse_exif_datetime("2008:05:30 15:56:01").expect("valid");
        assert_eq!(t.to_iso(), "2008-05-30T15:56:01");
    }

    #[test]
    fn exif_datetime_with_offset_suffix() {
        let t = parse_exif_datetime("2010:04:13 09:37:22+02:00").expect("valid");
        assert_eq!(t.to_iso(), "2010-04-13T09:37:22+02:00");
        let z = parse_exif_datetime("2011:09:23 12:43:03Z").expect("valid");
        assert_eq!(z.to_iso(), "2011-09-23T12:43:03+00:00");
    }

    #[test]
    fn invalid_values_are_ignored() {
        for bad in [
            "0000:00:00 00:00:00",
            "2020:13:01 10:00:00",
            "2020:02:30 10:00:00",
            "    :  :     :  :  ",
            "",
            "2020:01:01 25:00:00",
            "garbage",
        ] {
            assert_eq!(parse_exif_datetime(bad), None, "{bad:?} should be rejected");
        }
    }

    #[test]
    fn iso_datetime_with_fraction_and_offset() {
        let t = parse_iso_datetime("2005-09-07T15:07:40.25-07:00").expect("valid");
        assert_eq!(t.to_iso(), "2005-09-07T15:07:40-07:00");
        assert_eq!(t.local.and_utc().timestamp_subsec_millis(), 250);
        assert_eq!(parse_iso_datetime("2005-09-07"), None);
    }

    #[test]
    fn offsets() {
        assert_eq!(
            parse_offset("-05:00").map(|o| o.local_minus_utc()),
            Some(-5 * 3600)
        );
        assert_eq!(
            parse_offset("+0530").map(|o| o.local_minus_utc()),
            Some(5 * 3600 + 1800)
        );
        assert_eq!(parse_offset("   :  "), None);
        assert_eq!(parse_offset("+25:00"), None);
    }

    #[test]
    fn subsec_digits_scale() {
        assert_eq!(parse_subsec("5"), 500_000_000);
        assert_eq!(parse_subsec("123"), 123_000_000);
        assert_eq!(parse_subsec("  "), 0);
    }
}
