//! Capture dates written into file names by phones and messengers
//! (`IMG_20200101_123456`, `PXL_20200101_123456789`, `IMG-20200101-WA0001`,
//! `Screenshot_2020-01-01-12-34-56`, `2020-01-01 12.34.56` ...), the fallback
//! when a file carries no EXIF date (screenshots, messenger copies, edits).

use std::sync::LazyLock;

use regex::Regex;

use super::timestamp::Timestamp;

static NAME_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?:^|[^0-9])
        (?P<y>(?:19|20)\d{2}) [-_.]? (?P<mo>\d{2}) [-_.]? (?P<d>\d{2})
        (?: [\ _T.-]+ (?P<h>\d{2}) [-_.:h]? (?P<mi>\d{2}) [-_.:m]? (?P<s>\d{2}) (?P<ms>\d{3})? )?
        (?:[^0-9]|$)",
    )
    .expect("the file-name date pattern is valid")
});

/// Finds a plausible date (and time, when present) in a file name.
/// A date without a time is taken as midnight.
pub fn date_from_file_name(name: &str) -> Option<Timestamp> {
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    NAME_DATE.captures_iter(stem).find_map(|c| {
        let num = |k: &str| c.name(k).and_then(|m| m.as_str().parse::<u32>().ok());
        let time = [num("h"), num("mi"), num("s")];
        let [h, mi, s] = if time.iter().all(Option::is_some) {
            time.map(|v| v.unwrap_or(0))
        } else {
            [0, 0, 0]
        };
        let nanos = num("ms").unwrap_or(0) * 1_000_000;
        Timestamp::from_fields([num("y")?, num("mo")?, num("d")?, h, mi, s], nanos, None)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(name: &str) -> Option<String> {
        date_from_file_name(name).map(|t| t.to_iso())
    }

    #[test]
    fn common_phone_and_camera_names() {
        let cases = [
            ("IMG_20200101_123456.jpg", "2020-01-01T12:34:56"),
            ("20200101_123456.jpg", "2020-01-01T12:34:56"),
            ("2020-01-01 12.34.56.jpg", "2020-01-01T12:34:56"),
            ("IMG-20200101-WA0001.jpeg", "2020-01-01T00:00:00"),
            ("Screenshot_2020-01-01-12-34-56.png", "2020-01-01T12:34:56"),
            ("PXL_20200101_123456789.jpg", "2020-01-01T12:34:56"),
            ("VID_20191231_235959.jpg", "2019-12-31T23:59:59"),
            ("Photo 2018-03-03.jpg", "2018-03-03T00:00:00"),
        ];
        for (name, want) in cases {
            assert_eq!(iso(name).as_deref(), Some(want), "{name}");
        }
    }

    #[test]
    fn numbers_that_are_not_dates_are_ignored() {
        for name in [
            "DSCN0010.jpg",
            "IMG_1234.jpg",
            "20201301_120000.jpg",
            "12345678901.png",
            "holiday.jpg",
        ] {
            assert_eq!(iso(name), None, "{name}");
        }
    }
}
