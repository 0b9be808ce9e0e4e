//! Turning a list of catalogued photos into groups a person browses: a date tree
//! (year, month, day), events (runs of photos split at unusually long gaps or
//! jumps in place, in the order taken across time zones), places (GPS clusters named offline) and trips (runs of photos
//! away from home).

mod dates;
mod events;
mod labels;
pub mod places;
pub mod trips;
pub mod zones;

pub use dates::group_by_date;
pub use events::{EventOptions, group_by_event};
pub use labels::{count_label, day_label, range_label, thousands};

use crate::metadata::Timestamp;
use crate::photo::PhotoRecord;

/// What kind of group a group is: a depth in the date tree, an event, a place, or
/// one of the window's other sections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupLevel {
    Year,
    Month,
    Day,
    Event,
    /// A place (GPS cluster).
    Place,
    /// Photos without a location ("No location", after the places).
    NoLocation,
    /// Photos without any date (rare: only when even the file time is unknown).
    Undated,
    /// A trip away from home (runs of days elsewhere, holding their events).
    Trip,
    /// Any other section of a view: all photos, a content group, similar photos, a
    /// duplicates set.
    Section,
}

impl GroupLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Year => "year",
            Self::Month => "month",
            Self::Day => "day",
            Self::Event => "event",
            Self::Place => "place",
            Self::NoLocation => "no_location",
            Self::Undated => "undated",
            Self::Trip => "trip",
            Self::Section => "section",
        }
    }
}

/// A named set of photos, in capture order.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub level: GroupLevel,
    /// Stable key: `2019`, `2019-07`, `2019-07-13`, or the event's first photo time.
    pub key: String,
    pub label: String,
    /// Absolute paths, oldest first.
    pub photos: Vec<std::path::PathBuf>,
    pub start: Option<Timestamp>,
    pub end: Option<Timestamp>,
}

/// Photos with their capture times, and the undated ones.
type Sorted<'a> = (Vec<(&'a PhotoRecord, Timestamp)>, Vec<&'a PhotoRecord>);

/// Dated photos in calendar order: by wall-clock capture time (then path), as the
/// date tree shows them; and the undated ones.
fn sort_by_time(photos: &[PhotoRecord]) -> Sorted<'_> {
    let mut dated: Vec<_> = photos
        .iter()
        .filter_map(|p| p.taken.map(|t| (p, t.at)))
        .collect();
    dated.sort_by(|a, b| {
        a.1.local
            .cmp(&b.1.local)
            .then_with(|| a.0.path.as_os_str().cmp(b.0.path.as_os_str()))
    });
    let undated = photos.iter().filter(|p| p.taken.is_none()).collect();
    (dated, undated)
}

/// Dated photos in the order they were taken, across time zones: each with its UTC
/// offset where one can be known ([`zones`]), sorted by the moment; and the undated ones.
fn sort_by_moment(photos: &[PhotoRecord]) -> Sorted<'_> {
    let (mut dated, undated) = sort_by_time(photos);
    zones::resolve_offsets(&mut dated);
    dated.sort_by(|a, b| {
        a.1.utc()
            .cmp(&b.1.utc())
            .then_with(|| a.0.path.as_os_str().cmp(b.0.path.as_os_str()))
    });
    (dated, undated)
}

fn undated_group(undated: &[&PhotoRecord]) -> Option<Group> {
    (!undated.is_empty()).then(|| Group {
        level: GroupLevel::Undated,
        key: "undated".into(),
        label: "No date".into(),
        photos: undated.iter().map(|p| p.path.clone()).collect(),
        start: None,
        end: None,
    })
}

#[cfg(test)]
pub(crate) mod test_support {
    use crate::metadata::{CaptureTime, DateSource, parse_exif_datetime};
    use crate::photo::PhotoRecord;

    /// A photo taken at `when` (`YYYY:MM:DD HH:MM:SS`), or undated.
    pub fn photo(path: &str, when: Option<&str>) -> PhotoRecord {
        let taken = when.map(|w| CaptureTime {
            at: parse_exif_datetime(w).expect("valid test date"),
            source: DateSource::Exif,
        });
        PhotoRecord {
            taken,
            size: 1,
            ..PhotoRecord::bare(path)
        }
    }
}
