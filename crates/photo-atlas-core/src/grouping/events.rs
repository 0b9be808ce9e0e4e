//! Events: runs of photos split where the gap in capture time is unusually large
//! *for this library at this point*. Following PhotoTOC (Platt et al., 2003), a
//! gap ends an event when its logarithm exceeds the mean log-gap of its
//! neighbourhood by a margin: a one-hour pause splits a quiet afternoon of
//! scattered shots less readily than it splits a busy burst. Two sanity bounds
//! keep it human: gaps under an hour never split, gaps over several days always do.

use super::labels::range_label;
use super::{Group, GroupLevel, sort_by_time, undated_group};
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
}

impl Default for EventOptions {
    fn default() -> Self {
        Self {
            window: 10,
            log_margin: 17f64.ln(),
            min_gap_s: 3600.0,
            max_gap_s: 4.0 * 86_400.0,
        }
    }
}

/// Splits photos into events, oldest first.
pub fn group_by_event(photos: &[PhotoRecord], options: &EventOptions) -> Vec<Group> {
    let (dated, undated) = sort_by_time(photos);
    let times: Vec<Timestamp> = dated.iter().map(|(_, t)| *t).collect();
    let mut groups = Vec::new();
    let mut start = 0;
    for end in split_points(&times, options)
        .into_iter()
        .chain([dated.len()])
    {
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
        .map(|w| (w[1].local - w[0].local).num_milliseconds().max(0) as f64 / 1000.0)
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

fn event(run: &[(&PhotoRecord, Timestamp)]) -> Group {
    let first = run[0].1;
    let last = run[run.len() - 1].1;
    Group {
        level: GroupLevel::Event,
        key: first.local.format("%Y-%m-%dT%H:%M:%S").to_string(),
        label: range_label(first.local.date(), last.local.date()),
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
