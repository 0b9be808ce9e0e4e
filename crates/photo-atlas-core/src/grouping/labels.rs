//! Human labels for dates and date ranges: "Saturday 3 March 2018",
//! "12-14 July 2019", "30 June - 2 July 2019", "30 December 2019 - 2 January 2020".

use chrono::{Datelike, NaiveDate};

/// "Saturday 3 March 2018".
pub fn day_label(day: NaiveDate) -> String {
    day.format("%A %-d %B %Y").to_string()
}

/// "July 2019".
pub fn month_label(day: NaiveDate) -> String {
    day.format("%B %Y").to_string()
}

/// The shortest clear label for the days from `first` to `last` (inclusive).
pub fn range_label(first: NaiveDate, last: NaiveDate) -> String {
    if first == last {
        day_label(first)
    } else if (first.year(), first.month()) == (last.year(), last.month()) {
        format!("{}-{}", first.day(), last.format("%-d %B %Y"))
    } else if first.year() == last.year() {
        format!("{} - {}", first.format("%-d %B"), last.format("%-d %B %Y"))
    } else {
        format!(
            "{} - {}",
            first.format("%-d %B %Y"),
            last.format("%-d %B %Y")
        )
    }
}

/// "1 photo", "4,317 photos".
pub fn count_label(n: usize, noun: &str) -> String {
    format!("{} {noun}{}", thousands(n), if n == 1 { "" } else { "s" })
}

/// `n` with its thousands set apart: "4,317".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    grouped
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_read_naturally() {
        assert_eq!(super::count_label(1, "photo"), "1 photo");
        assert_eq!(super::count_label(4317, "photo"), "4,317 photos");
        assert_eq!(super::count_label(100_000, "photo"), "100,000 photos");
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1_234_567), "1,234,567");
    }

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    #[test]
    fn labels_read_naturally() {
        assert_eq!(
            range_label(d(2018, 3, 3), d(2018, 3, 3)),
            "Saturday 3 March 2018"
        );
        assert_eq!(
            range_label(d(2019, 7, 12), d(2019, 7, 14)),
            "12-14 July 2019"
        );
        assert_eq!(
            range_label(d(2019, 6, 30), d(2019, 7, 2)),
            "30 June - 2 July 2019"
        );
        assert_eq!(
            range_label(d(2019, 12, 30), d(2020, 1, 2)),
            "30 December 2019 - 2 January 2020"
        );
        assert_eq!(month_label(d(2019, 7, 2)), "July 2019");
    }
}
