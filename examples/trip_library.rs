//! A generated two-year phone library with the truth known, to measure trips: a home
//! (Munich, or San Francisco with `--home san-francisco`) photographed on about half the days, day trips within 20 km, and eight
//! trips abroad of two to five days (photos past midnight, a camera without GPS beside
//! the phone, on some trips a day with the camera only or a day without photos, and
//! on most the flight home on the last day, with photos at home after landing; the
//! flight out leaves at noon the day before a trip). Times
//! are wall-clock times where the photo was taken; the phone's files carry their UTC
//! offset, the camera's do not, and the landing time is the departure's moment plus
//! the flight (from Tokyo to San Francisco, earlier in the day than leaving). It
//! prints the share of trips found exactly (the same photos as the truth), and the
//! number of events that mix places (located photos more than 50 km apart), beside
//! the same for events split by time alone (the rule before events respected place).
//!
//! `cargo run --release --example trip_library [-- --seed S] [--home san-francisco]`

use std::collections::HashSet;

use chrono::{Duration, FixedOffset, NaiveDate, NaiveDateTime, Timelike};
use photo_atlas_core::grouping::places::{ClusterOptions, find_places, haversine_km};
use photo_atlas_core::grouping::trips::journeys;
use photo_atlas_core::grouping::zones::offset_at;
use photo_atlas_core::grouping::{EventOptions, group_by_event};
use photo_atlas_core::metadata::{CaptureTime, DateSource, Gps, Timestamp};
use photo_atlas_core::photo::PhotoRecord;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;

const MUNICH: (f64, f64) = (48.137, 11.575);
const SAN_FRANCISCO: (f64, f64) = (37.7749, -122.4194);
const CITIES: [(&str, f64, f64); 8] = [
    ("Tokyo", 35.6895, 139.6917),
    ("Paris", 48.8566, 2.3522),
    ("Florence", 43.7696, 11.2558),
    ("Lisbon", 38.7223, -9.1393),
    ("Reykjavik", 64.1466, -21.9426),
    ("New York", 40.7128, -74.0060),
    ("Vienna", 48.2082, 16.3738),
    ("Barcelona", 41.3874, 2.1686),
];

struct Library {
    photos: Vec<PhotoRecord>,
    /// Each trip's photos (paths), the truth.
    trips: Vec<HashSet<String>>,
}

/// A photo taken at wall-clock time `at` where `zone_of` is; the phone's file says
/// the offset, the camera's does not.
fn record(
    path: String,
    at: NaiveDateTime,
    gps: Option<(f64, f64)>,
    camera: &str,
    zone_of: (f64, f64),
) -> PhotoRecord {
    let offset = (camera == PHONE)
        .then(|| offset_at(zone_of.0, zone_of.1, at))
        .flatten();
    PhotoRecord {
        taken: Some(CaptureTime {
            at: Timestamp::new(at, offset),
            source: DateSource::Exif,
        }),
        gps: gps.map(|(lat, lon)| Gps {
            lat,
            lon,
            alt: None,
        }),
        model: Some(camera.into()),
        ..PhotoRecord::bare(path)
    }
}

/// A point within `km` of `centre`.
fn near(rng: &mut Xoshiro256Plus, centre: (f64, f64), km: f64) -> (f64, f64) {
    let d = km / 111.0;
    (
        centre.0 + rng.gen_range(-d..d),
        centre.1 + rng.gen_range(-d..d) / centre.0.to_radians().cos(),
    )
}

const PHONE: &str = "Pixel 7";
const CAMERA: &str = "X-T4";

/// The wall-clock time at `to` when it is `at` (wall clock) at `from`, plus `hours`.
fn arrival(at: NaiveDateTime, from: (f64, f64), to: (f64, f64), hours: i64) -> NaiveDateTime {
    let off =
        |p: (f64, f64), t| offset_at(p.0, p.1, t).map_or(0, |o: FixedOffset| o.local_minus_utc());
    let utc = at - Duration::seconds(off(from, at).into()) + Duration::hours(hours);
    utc + Duration::seconds(off(to, utc).into())
}

/// Hours from take-off to landing, and to the first photo after it.
fn flight_hours(from: (f64, f64), to: (f64, f64)) -> i64 {
    (haversine_km(from, to) / 800.0).ceil() as i64 + 2
}

fn library(seed: u64, home: (f64, f64)) -> Library {
    let mut rng = Xoshiro256Plus::seed_from_u64(seed);
    let first = NaiveDate::from_ymd_opt(2022, 1, 1).expect("date");
    let days = 730;
    // Trips start every ~11 weeks, 2-5 days long.
    let trips: Vec<(i64, i64, usize)> = (0..CITIES.len())
        .map(|t| {
            (
                20 + t as i64 * 80 + rng.gen_range(0..20),
                rng.gen_range(2..=5),
                t,
            )
        })
        .collect();
    let (mut photos, mut truth) = (Vec::new(), vec![HashSet::new(); trips.len()]);
    let mut n = 0;
    let add = |photos: &mut Vec<PhotoRecord>, p: PhotoRecord| {
        photos.push(p);
    };
    for day in 0..days {
        let date = first + Duration::days(day);
        let trip = trips
            .iter()
            .find(|(s, len, _)| (*s..*s + len).contains(&day));
        match trip {
            Some(&(start, len, t)) => {
                let (_, lat, lon) = CITIES[t];
                let camera_only = t % 3 == 1 && day == start + 1 && len > 2;
                let no_photos = t % 4 == 2 && day == start + 1 && len > 3;
                if no_photos {
                    continue;
                }
                let last_day = day == start + len - 1;
                // The flight out left home at noon the day before.
                let first_hour = match day == start {
                    true => {
                        let noon = (date - Duration::days(1))
                            .and_hms_opt(12, 0, 0)
                            .expect("time");
                        let landed =
                            arrival(noon, home, (lat, lon), flight_hours(home, (lat, lon)));
                        (landed.hour() + 1).clamp(8, 22)
                    }
                    false => 8,
                };
                for k in 0..rng.gen_range(4..12) {
                    let hour = if last_day {
                        rng.gen_range(7..12)
                    } else {
                        rng.gen_range(first_hour..24)
                    };
                    let at = date
                        .and_hms_opt(hour, rng.gen_range(0..60), 0)
                        .expect("time");
                    let camera = camera_only || k % 4 == 3;
                    let gps = (!camera).then(|| near(&mut rng, (lat, lon), 6.0));
                    let path = format!("/lib/{n:05}.jpg");
                    n += 1;
                    truth[t].insert(path.clone());
                    add(
                        &mut photos,
                        record(
                            path,
                            at,
                            gps,
                            if camera { CAMERA } else { PHONE },
                            (lat, lon),
                        ),
                    );
                }
                // Past midnight, still out in the city.
                if !last_day && rng.gen_bool(0.5) {
                    let at = (date + Duration::days(1))
                        .and_hms_opt(0, rng.gen_range(5..50), 0)
                        .expect("time");
                    let path = format!("/lib/{n:05}.jpg");
                    n += 1;
                    truth[t].insert(path.clone());
                    add(
                        &mut photos,
                        record(
                            path,
                            at,
                            Some(near(&mut rng, (lat, lon), 3.0)),
                            PHONE,
                            (lat, lon),
                        ),
                    );
                }
                // The flight home after noon: photos at home after landing.
                if last_day && t % 4 != 3 {
                    let noon = date.and_hms_opt(12, 0, 0).expect("time");
                    let hours = flight_hours((lat, lon), home);
                    for _ in 0..2 {
                        let at = arrival(noon, (lat, lon), home, hours + rng.gen_range(0..3));
                        let path = format!("/lib/{n:05}.jpg");
                        n += 1;
                        add(
                            &mut photos,
                            record(path, at, Some(near(&mut rng, home, 4.0)), PHONE, home),
                        );
                    }
                }
            }
            None if rng.gen_bool(0.5) => {
                // The day before a trip, photos only before leaving at noon.
                let leaving = trips.iter().any(|(s, _, _)| *s == day + 1);
                let last_hour = if leaving { 12 } else { 22 };
                let spot = if rng.gen_bool(0.1) {
                    near(&mut rng, home, 18.0)
                } else {
                    near(&mut rng, home, 5.0)
                };
                for _ in 0..rng.gen_range(1..6) {
                    let at = date
                        .and_hms_opt(rng.gen_range(9..last_hour), rng.gen_range(0..60), 0)
                        .expect("time");
                    let path = format!("/lib/{n:05}.jpg");
                    n += 1;
                    let gps = rng.gen_bool(0.9).then(|| near(&mut rng, spot, 1.0));
                    add(&mut photos, record(path, at, gps, PHONE, home));
                }
            }
            None => {}
        }
    }
    Library {
        photos,
        trips: truth,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let seed = args
        .windows(2)
        .find(|w| w[0] == "--seed")
        .and_then(|w| w[1].parse().ok())
        .unwrap_or(1);
    let home = match args.iter().any(|a| a == "san-francisco") {
        true => SAN_FRANCISCO,
        false => MUNICH,
    };
    let lib = library(seed, home);
    let places = find_places(&lib.photos, &ClusterOptions::default());
    let found = journeys(&lib.photos, &places, None);
    let found_sets: Vec<HashSet<String>> = found
        .trips
        .iter()
        .map(|t| {
            t.photos
                .iter()
                .map(|&i| lib.photos[i].path.to_string_lossy().into_owned())
                .collect()
        })
        .collect();
    let exact = lib.trips.iter().filter(|t| found_sets.contains(t)).count();
    println!(
        "{} photos over two years; home: {}",
        lib.photos.len(),
        found.home.as_ref().map_or("not found".into(), |h| format!(
            "{} (away beyond {:.0} km)",
            h.name, h.away_km
        ))
    );
    println!(
        "trips: {} true, {} found, {} found exactly ({:.0} %)",
        lib.trips.len(),
        found.trips.len(),
        exact,
        100.0 * exact as f64 / lib.trips.len() as f64
    );
    for (t, set) in found.trips.iter().zip(&found_sets) {
        let truth = lib
            .trips
            .iter()
            .max_by_key(|truth| truth.intersection(set).count());
        let verdict = match truth {
            Some(truth) if truth == set => String::new(),
            Some(truth) => format!(
                " · not exact: {} of the trip's photos missing, {} others in it",
                truth.difference(set).count(),
                set.difference(truth).count()
            ),
            None => " · not a trip".into(),
        };
        println!("  {} · {} photos{verdict}", t.label, t.photos.len());
    }
    let mut events = found.at_home.clone();
    for t in &found.trips {
        events.extend(t.events(&lib.photos, &EventOptions::default()));
    }
    let all_events = group_by_event(&lib.photos, &EventOptions::default());
    let time_only = EventOptions {
        spread_km: f64::INFINITY,
        ..EventOptions::default()
    };
    let before = group_by_event(&lib.photos, &time_only);
    println!(
        "events that mix places (located photos over 50 km apart): {} of {} (trips and home), {} of {} (the whole library as events)",
        mixing(&events, &lib.photos),
        events.len(),
        mixing(&all_events, &lib.photos),
        all_events.len()
    );
    println!(
        "events split by time alone (the rule before): {} of {} mix places",
        mixing(&before, &lib.photos),
        before.len()
    );
}

fn mixing(events: &[photo_atlas_core::grouping::Group], photos: &[PhotoRecord]) -> usize {
    let position: std::collections::HashMap<_, _> = photos
        .iter()
        .filter_map(|p| p.gps.map(|g| (p.path.clone(), (g.lat, g.lon))))
        .collect();
    events
        .iter()
        .filter(|e| {
            let located: Vec<(f64, f64)> = e
                .photos
                .iter()
                .filter_map(|p| position.get(p).copied())
                .collect();
            located
                .iter()
                .any(|a| located.iter().any(|b| haversine_km(*a, *b) > 50.0))
        })
        .count()
}
