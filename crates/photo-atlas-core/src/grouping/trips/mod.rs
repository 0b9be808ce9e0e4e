//! Trips: runs of photos taken away from home, each holding its days' events and
//! named by where it went and when ("Tokyo, 2-5 October 2023"). A trip starts at a
//! photo located away from home and goes on while the next located photos are away
//! too and no more than [`TripOptions::max_gap_hours`] apart (a night, a day without
//! photos or without GPS); a photo located at home ends it (the flight home on the
//! last day). Photos without a position taken during a trip belong to it (the camera
//! without GPS), and so do those of its first and last days taken before or after it
//! until a photo at home. Without a known home every located photo counts as away,
//! and trips are the runs of travel themselves.

mod home;
mod naming;

pub use home::{Home, infer_home};
pub use naming::{TripName, trip_label};

use super::places::{Places, haversine_km};
use super::zones::{offset_at, zone_label, zone_name};
use super::{EventOptions, Group, GroupLevel, group_by_event, sort_by_moment};
use crate::metadata::Timestamp;
use crate::photo::PhotoRecord;

/// Tuning of trip finding.
#[derive(Clone, Copy, Debug)]
pub struct TripOptions {
    /// Two photos away from home this far apart (hours) or more are separate trips.
    pub max_gap_hours: i64,
}

impl Default for TripOptions {
    fn default() -> Self {
        Self { max_gap_hours: 72 }
    }
}

/// One trip: its photos (indices into the photos given, oldest first) and where it went.
#[derive(Clone, Debug, PartialEq)]
pub struct Trip {
    /// "Tokyo, 2-5 October 2023".
    pub label: String,
    /// Where it went: "Tokyo".
    pub destination: String,
    pub photos: Vec<usize>,
    /// The towns visited, most photographed first ("Florence", "Arezzo").
    pub places: Vec<String>,
    /// The centres (lat, lon) of the places visited, for a map.
    pub spots: Vec<(f64, f64)>,
    pub start: Timestamp,
    pub end: Timestamp,
    /// How far from home the trip went (km); `None` without a known home.
    pub home_distance_km: Option<f64>,
    /// The time zone most of its located photos were taken in ("Asia/Tokyo").
    pub time_zone: Option<String>,
}

impl Trip {
    /// The trip as a group (level `trip`), keyed by its first photo's time.
    pub fn group(&self, photos: &[PhotoRecord]) -> Group {
        Group {
            level: GroupLevel::Trip,
            key: format!("trip-{}", self.start.local.format("%Y-%m-%dT%H:%M:%S")),
            label: self.label.clone(),
            photos: self
                .photos
                .iter()
                .map(|&i| photos[i].path.clone())
                .collect(),
            start: Some(self.start),
            end: Some(self.end),
        }
    }

    /// "Tokyo time, UTC+09:00" when the trip's clocks differ from home's, else `None`.
    pub fn local_time(&self, home: Option<&Home>) -> Option<String> {
        let (zone, offset) = (self.time_zone.as_deref()?, self.start.offset?);
        let home_offset = home.and_then(|h| offset_at(h.lat, h.lon, self.start.local));
        (home_offset != Some(offset)).then(|| zone_label(zone, offset))
    }

    /// The trip's days and events (events respect place, so a day in two cities is two).
    pub fn events(&self, photos: &[PhotoRecord], options: &EventOptions) -> Vec<Group> {
        let members: Vec<PhotoRecord> = self.photos.iter().map(|&i| photos[i].clone()).collect();
        group_by_event(&members, options)
    }
}

/// A library seen as journeys: home (chosen, or inferred), the trips away from it,
/// and the events of the photos taken at home (or with no date) between them.
#[derive(Clone, Debug, PartialEq)]
pub struct Journeys {
    pub home: Option<Home>,
    pub trips: Vec<Trip>,
    pub at_home: Vec<Group>,
}

/// Trips and events at home; `chosen` is the person's own home, else it is inferred.
pub fn journeys(photos: &[PhotoRecord], places: &Places, chosen: Option<Home>) -> Journeys {
    let home = chosen.or_else(|| infer_home(photos, places));
    let trips = find_trips(photos, home.as_ref(), &TripOptions::default());
    let mut in_trip = vec![false; photos.len()];
    for &i in trips.iter().flat_map(|t| &t.photos) {
        in_trip[i] = true;
    }
    let rest: Vec<PhotoRecord> = photos
        .iter()
        .zip(&in_trip)
        .filter(|&(_, &t)| !t)
        .map(|(p, _)| p.clone())
        .collect();
    Journeys {
        home,
        trips,
        at_home: group_by_event(&rest, &EventOptions::default()),
    }
}

/// Where each dated photo stands with respect to home.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Whereabouts {
    Away,
    AtHome,
    Unknown,
}

/// The trips among `photos`, oldest first.
pub fn find_trips(photos: &[PhotoRecord], home: Option<&Home>, options: &TripOptions) -> Vec<Trip> {
    let (dated, _) = sort_by_moment(photos);
    let index_of: std::collections::HashMap<&std::path::Path, usize> = photos
        .iter()
        .enumerate()
        .map(|(i, p)| (p.path.as_path(), i))
        .collect();
    let order: Vec<usize> = dated
        .iter()
        .map(|(p, _)| index_of[p.path.as_path()])
        .collect();
    let whereabouts: Vec<Whereabouts> = dated
        .iter()
        .map(|(p, _)| match (p.gps, home) {
            (None, _) => Whereabouts::Unknown,
            (Some(_), None) => Whereabouts::Away,
            (Some(g), Some(h)) if h.is_away(g.lat, g.lon) => Whereabouts::Away,
            (Some(_), Some(_)) => Whereabouts::AtHome,
        })
        .collect();
    let times: Vec<Timestamp> = dated.iter().map(|(_, t)| *t).collect();
    runs_away(&times, &whereabouts, options)
        .into_iter()
        .map(|(first, last)| {
            let (first, last) = widen_to_days(&times, &whereabouts, first, last);
            let members: Vec<usize> = order[first..=last].to_vec();
            describe(photos, members, times[first], times[last], home)
        })
        .collect()
}

/// Runs (first, last positions in time order) of away photos no more than the
/// maximum gap apart with no photo at home between them.
fn runs_away(
    times: &[Timestamp],
    whereabouts: &[Whereabouts],
    o: &TripOptions,
) -> Vec<(usize, usize)> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut open: Option<(usize, usize)> = None;
    for (j, w) in whereabouts.iter().enumerate() {
        match w {
            Whereabouts::AtHome => runs.extend(open.take()),
            Whereabouts::Unknown => {}
            Whereabouts::Away => {
                open = match open {
                    Some((first, last))
                        if (times[j].utc() - times[last].utc()).num_hours() < o.max_gap_hours =>
                    {
                        Some((first, j))
                    }
                    other => {
                        runs.extend(other);
                        Some((j, j))
                    }
                };
            }
        }
    }
    runs.extend(open);
    runs
}

/// Takes in the unlocated photos of the trip's first and last days, before its first
/// and after its last away photo, up to a photo at home or another day.
fn widen_to_days(
    times: &[Timestamp],
    whereabouts: &[Whereabouts],
    mut first: usize,
    mut last: usize,
) -> (usize, usize) {
    let same_day = |a: usize, b: usize| times[a].local.date() == times[b].local.date();
    while first > 0 && whereabouts[first - 1] == Whereabouts::Unknown && same_day(first - 1, first)
    {
        first -= 1;
    }
    while last + 1 < times.len()
        && whereabouts[last + 1] == Whereabouts::Unknown
        && same_day(last + 1, last)
    {
        last += 1;
    }
    (first, last)
}

fn describe(
    photos: &[PhotoRecord],
    members: Vec<usize>,
    start: Timestamp,
    end: Timestamp,
    home: Option<&Home>,
) -> Trip {
    let positions: Vec<(f64, f64)> = members
        .iter()
        .filter_map(|&i| photos[i].gps.map(|g| (g.lat, g.lon)))
        .collect();
    let (first_day, last_day) = (start.local.date(), end.local.date());
    let name = trip_label(&positions, first_day.min(last_day), first_day.max(last_day));
    let home_distance_km = home.map(|h| {
        positions
            .iter()
            .map(|&p| haversine_km((h.lat, h.lon), p))
            .fold(0.0, f64::max)
    });
    Trip {
        label: name.label,
        destination: name.destination,
        photos: members,
        places: name.towns,
        spots: name.spots,
        start,
        end,
        home_distance_km,
        time_zone: main_zone(&positions),
    }
}

/// The time zone most of `positions` are in.
fn main_zone(positions: &[(f64, f64)]) -> Option<String> {
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for &(lat, lon) in positions {
        if let Some(zone) = zone_name(lat, lon) {
            *counts.entry(zone).or_default() += 1;
        }
    }
    let best = counts
        .into_iter()
        .max_by_key(|&(z, n)| (n, std::cmp::Reverse(z)));
    best.map(|(z, _)| z.to_string())
}

#[cfg(test)]
mod tests;
