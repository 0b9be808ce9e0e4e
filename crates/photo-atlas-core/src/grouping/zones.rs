//! Time zones, so that photos taken in several zones fall in the order they were
//! taken. Cameras record the wall-clock time where they are; a day in Tokyo is a
//! Tokyo day, and the date tree and labels keep those wall-clock times. But the
//! order of photos and the pauses between them (which split events and trips) are
//! moments: after a flight from Tokyo to San Francisco the first photo at home says
//! 10:00, earlier than the last one in Tokyo at 17:00 the same day.
//!
//! The UTC offset of each photo comes from the file (EXIF `OffsetTimeOriginal`, an
//! XMP date's offset), else from the time zone of where it was taken (offline, from
//! the position: `tzf-rs` boundaries and `chrono-tz` rules, summer time included),
//! else from the nearest photo in time that has one (the camera without GPS on a
//! trip), within a day and a half. A photo with none of these keeps its wall-clock
//! time as its moment, as before.

use std::sync::OnceLock;

use chrono::{FixedOffset, NaiveDateTime, Offset, TimeZone};

use crate::metadata::Timestamp;
use crate::photo::PhotoRecord;

/// How far in time (hours) a photo without offset or position looks for a neighbour's offset.
const NEIGHBOUR_HOURS: i64 = 36;
/// How many photos with an offset it weighs on each side.
const NEIGHBOURS: usize = 8;
/// Neighbours this close in time (minutes) under an offset count for it.
const CROWD_MINUTES: i64 = 120;

fn finder() -> &'static tzf_rs::DefaultFinder {
    static FINDER: OnceLock<tzf_rs::DefaultFinder> = OnceLock::new();
    FINDER.get_or_init(tzf_rs::DefaultFinder::new)
}

/// The IANA time zone at a position ("Asia/Tokyo"; "Etc/GMT-9" at sea), if any.
pub fn zone_name(lat: f64, lon: f64) -> Option<&'static str> {
    let name = finder().get_tz_name(lon, lat);
    (!name.is_empty()).then_some(name)
}

/// The UTC offset in force at a position at wall-clock time `local`. In the hour
/// skipped when clocks go forward, the offset before the change.
pub fn offset_at(lat: f64, lon: f64, local: NaiveDateTime) -> Option<FixedOffset> {
    let zone: chrono_tz::Tz = zone_name(lat, lon)?.parse().ok()?;
    let in_force = |t: NaiveDateTime| zone.offset_from_local_datetime(&t).earliest();
    let offset = in_force(local).or_else(|| in_force(local - chrono::Duration::hours(3)))?;
    Some(offset.fix())
}

/// "Tokyo time, UTC+09:00": a zone ("Asia/Tokyo") as a person reads it, with an offset.
pub fn zone_label(zone: &str, offset: FixedOffset) -> String {
    let city = zone.rsplit('/').next().unwrap_or(zone).replace('_', " ");
    let iso = Timestamp::new(NaiveDateTime::default(), Some(offset)).to_iso();
    format!("{city} time, UTC{}", &iso[iso.len() - 6..])
}

/// Gives every photo an offset where one can be known (see the module comment).
/// `dated` must be in wall-clock order. A photo with neither offset nor position
/// takes the offset under which it falls among the most of its neighbours (within
/// [`CROWD_MINUTES`]), then the one under which it lies nearest to one: a camera
/// photo at 08:01 on the last morning in Tokyo is Tokyo's, among the phone's photos
/// there, not that of a photo after landing in San Francisco at 08:00 the same date.
pub fn resolve_offsets(dated: &mut [(&PhotoRecord, Timestamp)]) {
    for (photo, at) in dated.iter_mut() {
        if at.offset.is_none() {
            at.offset = photo.gps.and_then(|g| offset_at(g.lat, g.lon, at.local));
        }
    }
    let times: Vec<Timestamp> = dated.iter().map(|(_, t)| *t).collect();
    let known: Vec<usize> = (0..times.len())
        .filter(|&k| times[k].offset.is_some())
        .collect();
    for (j, (_, at)) in dated.iter_mut().enumerate() {
        if at.offset.is_none() {
            let split = known.partition_point(|&k| k < j);
            let before = known[..split].iter().rev().take(NEIGHBOURS);
            let after = known[split..].iter().take(NEIGHBOURS);
            let near: Vec<Timestamp> = before
                .chain(after)
                .map(|&k| times[k])
                .filter(|t| (t.local - at.local).num_hours().abs() <= NEIGHBOUR_HOURS)
                .collect();
            at.offset = likeliest_offset(at.local, &near);
        }
    }
}

/// Of the neighbours' offsets, the one under which wall-clock time `local` falls
/// among the most neighbours of that offset, then nearest to one of them.
fn likeliest_offset(local: NaiveDateTime, neighbours: &[Timestamp]) -> Option<FixedOffset> {
    let score = |n: &Timestamp| {
        let guess = Timestamp::new(local, n.offset).utc();
        let apart = |t: &Timestamp| (guess - t.utc()).num_minutes().abs();
        let crowd = neighbours
            .iter()
            .filter(|t| t.offset == n.offset && apart(t) <= CROWD_MINUTES)
            .count();
        (std::cmp::Reverse(crowd), apart(n))
    };
    neighbours
        .iter()
        .min_by_key(|n| score(n))
        .and_then(|n| n.offset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grouping::test_support::photo;
    use crate::metadata::Gps;

    fn wall(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").expect("test time")
    }

    #[test]
    fn zones_and_summer_time_come_from_the_position() {
        assert_eq!(zone_name(35.68, 139.69), Some("Asia/Tokyo"));
        assert_eq!(zone_name(43.77, 11.25), Some("Europe/Rome"));
        let hours = |lat, lon, t| offset_at(lat, lon, wall(t)).map(|o| o.local_minus_utc() / 3600);
        assert_eq!(hours(35.68, 139.69, "2023-10-02 10:00"), Some(9));
        assert_eq!(hours(43.77, 11.25, "2023-07-01 12:00"), Some(2));
        assert_eq!(hours(43.77, 11.25, "2023-01-01 12:00"), Some(1));
        assert_eq!(hours(37.77, -122.42, "2023-10-05 10:00"), Some(-7));
        // 02:30 on 26 March 2023 never happened in Rome: the offset before the change.
        assert_eq!(hours(43.77, 11.25, "2023-03-26 02:30"), Some(1));
    }

    #[test]
    fn zone_labels_read_as_local_time() {
        let off = |h| FixedOffset::east_opt(h * 3600).expect("offset");
        assert_eq!(zone_label("Asia/Tokyo", off(9)), "Tokyo time, UTC+09:00");
        assert_eq!(
            zone_label("America/New_York", off(-4)),
            "New York time, UTC-04:00"
        );
    }

    #[test]
    fn a_photo_without_offset_or_position_takes_its_neighbours() {
        let mut tokyo = photo("/t/phone.jpg", Some("2023:10:02 10:00:00"));
        tokyo.gps = Some(Gps {
            lat: 35.68,
            lon: 139.69,
            alt: None,
        });
        let camera = photo("/t/camera.jpg", Some("2023:10:02 12:00:00"));
        let far_later = photo("/t/later.jpg", Some("2023:10:09 12:00:00"));
        let photos = [tokyo, camera, far_later];
        let mut dated: Vec<_> = photos
            .iter()
            .map(|p| (p, p.taken.expect("dated").at))
            .collect();
        resolve_offsets(&mut dated);
        let hours: Vec<_> = dated
            .iter()
            .map(|(_, t)| t.offset.map(|o| o.local_minus_utc() / 3600))
            .collect();
        assert_eq!(hours, [Some(9), Some(9), None]);
        assert_eq!(dated[1].1.local, wall("2023-10-02 12:00"), "wall time kept");
        assert_eq!(dated[1].1.utc(), wall("2023-10-02 03:00"));
    }
}
