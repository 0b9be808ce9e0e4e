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
