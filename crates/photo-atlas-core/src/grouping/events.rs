//! Events: runs of photos, in the order taken (across time zones: [`super::zones`]),
//! split where the gap in capture time is unusually large
//! *for this library at this point*. Following PhotoTOC (Platt et al., 2003), a
//! gap ends an event when its logarithm exceeds the mean log-gap of its
//! neighbourhood by a margin: a one-hour pause splits a quiet afternoon of
//! scattered shots less readily than it splits a busy burst. Two sanity bounds
//! keep it human: gaps under an hour never split, gaps of more than a day and a half
//! always do (photos every other day at home are not one event; a trip, which holds
//! its days, is found in `trips`).
//!
//! Events also respect place: once a located photo is more than
//! [`EventOptions::spread_km`] from the event's first located photo (Paris, then
//! Munich; a walk across a city is not that far), a new event begins, at the longest
//! pause between the two located photos, so photos without a position stay with the
//! neighbours in time they were taken among.

use super::labels::range_label;
use super::places::haversine_km;
use super::{Group, GroupLevel, sort_by_moment, undated_group};
use crate::metadata::Timestamp;
use crate::photo::PhotoRecord;

/// Tuning of event splitting; the defaults follow PhotoTOC.
#[derive(Clone, Copy, Debug)]
pub struct EventOptions {
    /// Gaps on each side averaged for the local scale (PhotoTOC's d).
    pub window: usize,
    /// How far above the local mean a log-gap must be (PhotoTOC's K = ln 17).
    pub log_margin: f64,
    /// Gaps shorter than this (seconds) never split.
    pub min_gap_s: f64,
    /// Gaps longer than this (seconds) always split.
    pub max_gap_s: f64,
    /// A located photo this far (km) from the event's first located photo starts a new one.
    pub spread_km: f64,
}

impl Default for EventOptions {
    fn default() -> Self {
        Self {
            window: 10,
            log_margin: 17f64.ln(),
            min_gap_s: 3600.0,
            max_gap_s: 1.5 * 86_400.0,
            spread_km: 25.0,
        }
    }
}

/// Splits photos into events, oldest first.
pub fn group_by_event(photos: &[PhotoRecord], options: &EventOptions) -> Vec<Group> {
    let (dated, undated) = sort_by_moment(photos);
    let times: Vec<Timestamp> = dated.iter().map(|(_, t)| *t).collect();
    let positions: Vec<Option<(f64, f64)>> = dated
        .iter()
        .map(|(p, _)| p.gps.map(|g| (g.lat, g.lon)))
        .collect();
    let splits = place_splits(&times, &positions, split_points(&times, options), options);
    let mut groups = Vec::new();
    let mut start = 0;
    for end in splits.into_iter().chain([dated.len()]) {
        if end > start {
            groups.push(event(&dated[start..end]));
        }
        start = end;
    }
    groups.extend(undated_group(&undated));
    groups
}

/// Indices `i` such that a new event starts at photo `i`.
fn split_points(times: &[Timestamp], o: &EventOptions) -> Vec<usize> {
    let gaps: Vec<f64> = times
        .windows(2)
        .map(|w| (w[1].utc() - w[0].utc()).num_milliseconds().max(0) as f64 / 1000.0)
        .collect();
    let logs: Vec<f64> = gaps.iter().map(|g| (g + 1.0).ln()).collect();
    (0..gaps.len())
        .filter(|&i| {
            let g = gaps[i];
            if g < o.min_gap_s {
                return false;
            }
            let lo = i.saturating_sub(o.window);
            let hi = (i + o.window + 1).min(logs.len());
            let local_mean = logs[lo..hi].iter().sum::<f64>() / (hi - lo) as f64;
            g > o.max_gap_s || logs[i] >= o.log_margin + local_mean
        })
        .map(|i| i + 1)
        .collect()
}

/// The time splits, and more where a located photo is far from its event's first
/// one: the new event starts at the longest pause since the previous located photo.
fn place_splits(
    times: &[Timestamp],
    positions: &[Option<(f64, f64)>],
    time_splits: Vec<usize>,
    o: &EventOptions,
) -> Vec<usize> {
    let mut splits = time_splits.clone();
    let mut next_time_split = time_splits.into_iter().peekable();
    let (mut anchor, mut last_located) = (None, None);
    for (j, position) in positions.iter().enumerate() {
        if next_time_split.next_if_eq(&j).is_some() {
            anchor = None;
        }
        let Some(here) = *position else { continue };
        match (anchor, last_located) {
            (Some(first), Some(previous)) if haversine_km(first, here) > o.spread_km => {
                splits.push(longest_pause(times, previous + 1, j));
                anchor = Some(here);
            }
            (None, _) | (_, None) => anchor = Some(here),
            _ => {}
        }
        last_located = Some(j);
    }
    splits.sort_unstable();
    splits.dedup();
    splits
}

/// The `k` in `from..=to` with the longest pause between photos `k - 1` and `k`.
fn longest_pause(times: &[Timestamp], from: usize, to: usize) -> usize {
    (from..=to)
        .max_by_key(|&k| (times[k].utc() - times[k - 1].utc(), std::cmp::Reverse(k)))
        .unwrap_or(to)
}

fn event(run: &[(&PhotoRecord, Timestamp)]) -> Group {
    let first = run[0].1;
    let last = run[run.len() - 1].1;
    let days = run.iter().map(|(_, t)| t.local.date());
    let (earliest, latest) = (days.clone().min(), days.max());
    Group {
        level: GroupLevel::Event,
        key: first.local.format("%Y-%m-%dT%H:%M:%S").to_string(),
        label: range_label(
            earliest.unwrap_or(first.local.date()),
            latest.unwrap_or(last.local.date()),
        ),
        photos: run.iter().map(|(p, _)| p.path.clone()).collect(),
        start: Some(first),
        end: Some(last),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grouping::test_support::photo;

    fn labels(photos: &[PhotoRecord]) -> Vec<(String, usize)> {
        group_by_event(photos, &EventOptions::default())
            .into_iter()
            .map(|g| (g.label, g.photos.len()))
            .collect()
    }

    #[test]
    fn bursts_days_apart_are_separate_events() {
        let mut photos = Vec::new();
        for (day, hour) in [(12, 10), (12, 11), (13, 9), (14, 18)] {
            for minute in [0, 5, 9] {
                let when = format!("2019:07:{day:02} {hour:02}:{minute:02}:00");
                photos.push(photo(&format!("/p/{day}-{hour}-{minute}.jpg"), Some(&when)));
            }
        }
        photos.push(photo("/p/later.jpg", Some("2019:09:01 12:00:00")));
        photos.push(photo("/p/next-year.jpg", Some("2020:03:03 12:00:00")));
        let got = labels(&photos);
        assert_eq!(got.last(), Some(&("Tuesday 3 March 2020".to_string(), 1)));
        assert_eq!(
            got[got.len() - 2],
            ("Sunday 1 September 2019".to_string(), 1)
        );
        let july: usize = got[..got.len() - 2].iter().map(|(_, n)| n).sum();
        assert_eq!(july, 12);
        assert!(got.len() >= 3, "{got:?}");
    }

    #[test]
    fn a_long_trip_with_daily_photos_stays_one_event() {
        let mut photos: Vec<_> = (1..=9)
            .flat_map(|d| {
                [9, 13, 19].map(|h| {
                    photo(
                        &format!("/t/{d}-{h}.jpg"),
                        Some(&format!("2019:07:{d:02} {h:02}:00:00")),
                    )
                })
            })
            .collect();
        photos.push(photo("/home/a.jpg", Some("2019:08:20 10:00:00")));
        assert_eq!(
            labels(&photos),
            [
                ("1-9 July 2019".to_string(), 27),
                ("Tuesday 20 August 2019".to_string(), 1)
            ]
        );
    }

    fn located(path: &str, when: &str, at: (f64, f64)) -> PhotoRecord {
        PhotoRecord {
            gps: Some(crate::metadata::Gps {
                lat: at.0,
                lon: at.1,
                alt: None,
            }),
            ..photo(path, Some(when))
        }
    }

    #[test]
    fn a_jump_to_another_city_starts_an_event_and_unlocated_photos_stay_with_their_neighbours() {
        let (paris, munich) = ((48.8566, 2.3522), (48.1351, 11.5820));
        let near_paris = (48.8606, 2.3376); // the Louvre, 1.2 km away: the same event
        let photos = vec![
            located("/a.jpg", "2023:06:12 09:00:00", paris),
            located("/b.jpg", "2023:06:12 10:00:00", near_paris),
            photo("/camera-1.jpg", Some("2023:06:12 10:20:00")),
            // Flown to Munich: the pause before the next photo is the longest.
            photo("/camera-2.jpg", Some("2023:06:12 15:40:00")),
            located("/c.jpg", "2023:06:12 16:00:00", munich),
            located("/d.jpg", "2023:06:12 17:00:00", munich),
        ];
        let events = group_by_event(&photos, &EventOptions::default());
        let names: Vec<Vec<&str>> = events
            .iter()
            .map(|g| g.photos.iter().filter_map(|p| p.to_str()).collect())
            .collect();
        assert_eq!(
            names,
            [
                vec!["/a.jpg", "/b.jpg", "/camera-1.jpg"],
                vec!["/camera-2.jpg", "/c.jpg", "/d.jpg"]
            ]
        );
    }

    #[test]
    fn short_pauses_never_split() {
        let photos: Vec<_> = (0..10)
            .map(|i| {
                photo(
                    &format!("/b/{i}.jpg"),
                    Some(&format!("2018:03:03 10:{:02}:00", i * 5)),
                )
            })
            .collect();
        assert_eq!(labels(&photos), [("Saturday 3 March 2018".to_string(), 10)]);
        assert!(group_by_event(&[], &EventOptions::default()).is_empty());
    }
}
