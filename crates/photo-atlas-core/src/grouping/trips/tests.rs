//! Generated libraries: a home in Munich photographed on many days, trips with
//! nights, days without GPS, a camera without GPS and a flight home, and checks
//! that trips come out whole and that no event mixes two places.

use super::*;
use crate::grouping::places::{ClusterOptions, find_places, locality};
use crate::grouping::test_support::photo;
use crate::metadata::Gps;

const MUNICH: (f64, f64) = (48.1372, 11.5756);
const MUNICH_EAST: (f64, f64) = (48.1300, 11.6400); // 5 km across town
const TOKYO: (f64, f64) = (35.6895, 139.6917);
const KYOTO: (f64, f64) = (35.0116, 135.7681);
const PARIS: (f64, f64) = (48.8566, 2.3522);

fn at(path: &str, when: &str, gps: Option<(f64, f64)>) -> PhotoRecord {
    PhotoRecord {
        gps: gps.map(|(lat, lon)| Gps {
            lat,
            lon,
            alt: None,
        }),
        ..photo(path, Some(when))
    }
}

/// Photos at home on most days of September and late October 2023.
fn home_photos() -> Vec<PhotoRecord> {
    let mut photos = Vec::new();
    for day in (1..=28).step_by(2) {
        let spot = if day % 4 == 1 { MUNICH } else { MUNICH_EAST };
        photos.push(at(
            &format!("/home/sep{day}.jpg"),
            &format!("2023:09:{day:02} 18:00:00"),
            Some(spot),
        ));
    }
    for day in 20..=30 {
        photos.push(at(
            &format!("/home/oct{day}.jpg"),
            &format!("2023:10:{day:02} 19:00:00"),
            Some(MUNICH),
        ));
    }
    photos
}

/// Tokyo 2-5 October: photos past midnight, a day with the camera only (no GPS), the
/// camera between phone photos, and the flight home on the 5th (Munich that evening).
fn tokyo_trip() -> Vec<PhotoRecord> {
    vec![
        at("/t/1.jpg", "2023:10:02 10:00:00", Some(TOKYO)),
        at("/t/2.jpg", "2023:10:02 23:40:00", Some(TOKYO)),
        at("/t/3.jpg", "2023:10:03 00:30:00", Some(TOKYO)),
        at("/t/cam-1.jpg", "2023:10:03 11:00:00", None),
        at("/t/4.jpg", "2023:10:03 12:00:00", Some(KYOTO)),
        at("/t/cam-2.jpg", "2023:10:04 10:00:00", None),
        at("/t/cam-3.jpg", "2023:10:04 15:00:00", None),
        at("/t/5.jpg", "2023:10:05 08:00:00", Some(TOKYO)),
        at("/t/home-again.jpg", "2023:10:05 21:00:00", Some(MUNICH)),
    ]
}

/// Paris 12-14 October, a week after Tokyo.
fn paris_trip() -> Vec<PhotoRecord> {
    (12..=14)
        .map(|d| {
            at(
                &format!("/p/{d}.jpg"),
                &format!("2023:10:{d:02} 14:00:00"),
                Some(PARIS),
            )
        })
        .collect()
}

fn library() -> Vec<PhotoRecord> {
    let mut photos = home_photos();
    photos.extend(tokyo_trip());
    photos.extend(paris_trip());
    photos
}

fn trips_of(photos: &[PhotoRecord]) -> (Option<Home>, Vec<Trip>) {
    let home = infer_home(photos, &find_places(photos, &ClusterOptions::default()));
    let trips = find_trips(photos, home.as_ref(), &TripOptions::default());
    (home, trips)
}

fn paths(trip: &Trip, photos: &[PhotoRecord]) -> Vec<String> {
    trip.photos
        .iter()
        .map(|&i| photos[i].path.to_string_lossy().into_owned())
        .collect()
}

#[test]
fn home_is_the_place_of_the_most_days_and_the_away_distance_adapts() {
    let photos = library();
    let (home, _) = trips_of(&photos);
    let home = home.expect("a home");
    assert!(home.inferred);
    assert!(home.distance_km(MUNICH.0, MUNICH.1) < 5.0, "{home:?}");
    assert!((25.0..=100.0).contains(&home.away_km), "{}", home.away_km);
    // A folder of one holiday gives no home.
    let travels = [tokyo_trip(), paris_trip()].concat();
    assert_eq!(trips_of(&travels[..8]).0, None);
}

#[test]
fn a_trip_keeps_its_nights_its_days_without_gps_and_ends_with_the_flight_home() {
    let photos = library();
    let (_, trips) = trips_of(&photos);
    assert_eq!(trips.len(), 2, "Tokyo and Paris: {trips:?}");
    let tokyo = &trips[0];
    assert_eq!(
        paths(tokyo, &photos),
        [
            "/t/1.jpg",
            "/t/2.jpg",
            "/t/3.jpg",
            "/t/cam-1.jpg",
            "/t/4.jpg",
            "/t/cam-2.jpg",
            "/t/cam-3.jpg",
            "/t/5.jpg"
        ]
    );
    let town = |(lat, lon): (f64, f64)| locality(lat, lon).town;
    assert_eq!(
        tokyo.label,
        format!(
            "Japan: {} and {}, 2-5 October 2023",
            town(TOKYO),
            town(KYOTO)
        )
    );
    assert!(
        tokyo.label.ends_with(", 2-5 October 2023"),
        "{}",
        tokyo.label
    );
    assert!(tokyo.home_distance_km.expect("a home") > 9000.0);
    let paris = &trips[1];
    assert_eq!(
        paths(paris, &photos),
        ["/p/12.jpg", "/p/13.jpg", "/p/14.jpg"]
    );
    assert_eq!(paris.label, format!("{}, 12-14 October 2023", town(PARIS)));
}

#[test]
fn no_event_mixes_places() {
    let photos = library();
    let (_, trips) = trips_of(&photos);
    let mut events = group_by_event(&photos, &EventOptions::default());
    for trip in &trips {
        events.extend(trip.events(&photos, &EventOptions::default()));
    }
    let position: std::collections::HashMap<_, _> = photos
        .iter()
        .filter_map(|p| p.gps.map(|g| (p.path.clone(), (g.lat, g.lon))))
        .collect();
    for event in &events {
        let located: Vec<(f64, f64)> = event
            .photos
            .iter()
            .filter_map(|p| position.get(p).copied())
            .collect();
        for a in &located {
            for b in &located {
                assert!(
                    haversine_km(*a, *b) <= 2.0 * EventOptions::default().spread_km,
                    "{} mixes places",
                    event.label
                );
            }
        }
    }
}

#[test]
fn two_trips_with_no_photo_at_home_between_them_are_still_two_when_far_apart_in_time() {
    let mut photos = home_photos();
    photos.extend(paris_trip());
    photos.push(at("/p/later.jpg", "2023:10:19 12:00:00", Some(PARIS)));
    let (_, trips) = trips_of(&photos);
    assert_eq!(trips.len(), 2, "{trips:?}");
}

const SAN_FRANCISCO: (f64, f64) = (37.7749, -122.4194);
const MISSION: (f64, f64) = (37.7599, -122.4148); // 2 km across town

/// A home in San Francisco, and Tokyo 2-5 October 2023, the flight home crossing the
/// date line: landing at 10:30 on the 5th, local time, which is after the last photo
/// in Tokyo at 17:00 the same day. `offsets` says whether the files carry their UTC
/// offset (a phone) or only a position (a camera with GPS, whose zone comes from it).
fn across_the_date_line(offsets: bool) -> Vec<PhotoRecord> {
    let zoned = |when: &str, offset: &str| match offsets {
        true => format!("{when}{offset}"),
        false => when.to_string(),
    };
    let mut photos = Vec::new();
    for day in (1..=29).step_by(2) {
        let spot = if day % 4 == 1 { SAN_FRANCISCO } else { MISSION };
        let when = zoned(&format!("2023:09:{day:02} 18:00:00"), "-07:00");
        photos.push(at(&format!("/home/sep{day}.jpg"), &when, Some(spot)));
    }
    for (path, when) in [
        ("/t/1.jpg", "2023:10:02 10:00:00"),
        ("/t/2.jpg", "2023:10:03 00:30:00"),
        ("/t/3.jpg", "2023:10:04 12:00:00"),
        ("/t/narita.jpg", "2023:10:05 17:00:00"),
    ] {
        photos.push(at(path, &zoned(when, "+09:00"), Some(TOKYO)));
    }
    photos.push(at("/t/camera.jpg", "2023:10:04 15:00:00", None));
    for (day, hour) in [(5, 10), (5, 11), (6, 9), (8, 18), (10, 18), (12, 18)] {
        let when = zoned(&format!("2023:10:{day:02} {hour:02}:30:00"), "-07:00");
        photos.push(at(
            &format!("/home/oct{day}-{hour}.jpg"),
            &when,
            Some(SAN_FRANCISCO),
        ));
    }
    photos
}

#[test]
fn a_flight_home_across_the_date_line_ends_the_trip_in_the_order_it_happened() {
    for offsets in [true, false] {
        let photos = across_the_date_line(offsets);
        let (home, trips) = trips_of(&photos);
        assert!(
            home.expect("a home")
                .distance_km(SAN_FRANCISCO.0, SAN_FRANCISCO.1)
                < 5.0
        );
        assert_eq!(trips.len(), 1, "offsets in files: {offsets}: {trips:?}");
        let tokyo = &trips[0];
        let mut got = paths(tokyo, &photos);
        got.sort();
        assert_eq!(
            got,
            [
                "/t/1.jpg",
                "/t/2.jpg",
                "/t/3.jpg",
                "/t/camera.jpg",
                "/t/narita.jpg"
            ],
            "offsets in files: {offsets}"
        );
        assert!(
            tokyo.label.ends_with(", 2-5 October 2023"),
            "{}",
            tokyo.label
        );
        assert_eq!(tokyo.time_zone.as_deref(), Some("Asia/Tokyo"));
        // A Tokyo day is a Tokyo day: wall-clock times are kept, with Tokyo's offset.
        assert_eq!(tokyo.start.to_iso(), "2023-10-02T10:00:00+09:00");
        assert_eq!(tokyo.end.to_iso(), "2023-10-05T17:00:00+09:00");
    }
}

#[test]
fn events_at_home_after_the_date_line_do_not_take_in_the_last_tokyo_photo() {
    let photos = across_the_date_line(false);
    let events = group_by_event(&photos, &EventOptions::default());
    let holding = |name: &str| {
        events
            .iter()
            .find(|e| e.photos.iter().any(|p| p.ends_with(name)))
            .expect("an event holds it")
    };
    assert_ne!(holding("narita.jpg").key, holding("oct5-10.jpg").key);
    let landing = holding("oct5-10.jpg");
    assert!(
        landing.photos.iter().all(|p| p.starts_with("/home")),
        "{landing:?}"
    );
    assert_eq!(holding("camera.jpg").key, holding("3.jpg").key);
}
