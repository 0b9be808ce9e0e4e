//! Trips end to end through `groups --by trip --json` and `home`: on a generated
//! library (home in Munich on many days, a trip to Tuscany with a night, a day
//! without GPS and a camera without GPS) and on the exif-samples photos (when the
//! shared data is present).

mod util;

use std::path::Path;

use serde_json::Value;
use util::{ExifSpec, jpeg_with_exif, json_lines, run_cli, write};

fn photo(
    dir: &Path,
    name: &str,
    when: &'static str,
    gps: Option<(f64, f64)>,
    camera: &'static str,
) {
    let spec = ExifSpec {
        date_time_original: Some(when),
        gps: gps.map(|(lat, lon)| (lat, lon, 100.0)),
        model: Some(camera),
        ..ExifSpec::default()
    };
    write(&dir.join(name), &jpeg_with_exif(32, 32, &spec));
}

fn library(dir: &Path) {
    let home_days = [
        "2019:04:01 18:00:00",
        "2019:04:03 18:00:00",
        "2019:04:06 18:00:00",
        "2019:04:09 18:00:00",
        "2019:04:14 18:00:00",
        "2019:04:20 18:00:00",
        "2019:05:20 18:00:00",
        "2019:05:25 18:00:00",
    ];
    for (i, when) in home_days.into_iter().enumerate() {
        photo(
            dir,
            &format!("home{i}.jpg"),
            when,
            Some((48.137, 11.575)),
            "Pixel 3",
        );
    }
    let florence = Some((43.7696, 11.2558));
    let arezzo = Some((43.4633, 11.8797));
    photo(dir, "t1.jpg", "2019:05:12 10:00:00", florence, "Pixel 3");
    photo(dir, "t2.jpg", "2019:05:12 23:50:00", florence, "Pixel 3");
    photo(dir, "t3.jpg", "2019:05:13 00:40:00", florence, "Pixel 3");
    photo(dir, "cam1.jpg", "2019:05:13 11:00:00", None, "X-T4");
    photo(dir, "t4.jpg", "2019:05:13 12:00:00", florence, "Pixel 3");
    photo(dir, "cam2.jpg", "2019:05:14 15:00:00", None, "X-T4");
    photo(dir, "t5.jpg", "2019:05:15 11:00:00", arezzo, "Pixel 3");
    photo(dir, "t6.jpg", "2019:05:15 12:00:00", arezzo, "Pixel 3");
}

fn names(group: &Value) -> Vec<String> {
    group["photos"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p.as_str())
        .filter_map(|p| Path::new(p).file_name()?.to_str().map(String::from))
        .collect()
}

#[test]
fn a_trip_is_found_whole_named_by_where_it_went_and_home_can_be_chosen() {
    let (lib, state) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    library(lib.path());
    let folder = lib.path().display().to_string();
    let (ok, stdout, stderr) =
        run_cli(state.path(), &["groups", &folder, "--by", "trip", "--json"]);
    assert!(ok, "{stderr}");
    assert!(stderr.contains("Home: Munich"), "{stderr}");
    let groups = json_lines(&stdout);
    let trips: Vec<&Value> = groups.iter().filter(|g| g["level"] == "trip").collect();
    assert_eq!(trips.len(), 1, "{groups:#?}");
    let trip = trips[0];
    assert_eq!(
        trip["label"],
        "Tuscany: Florence and Arezzo, 12-15 May 2019"
    );
    assert_eq!(
        names(trip),
        [
            "t1.jpg", "t2.jpg", "t3.jpg", "cam1.jpg", "t4.jpg", "cam2.jpg", "t5.jpg", "t6.jpg"
        ]
    );
    assert_eq!(trip["places"][0], "Florence");
    let distance = trip["home_distance_km"].as_f64().expect("a distance");
    assert!(
        (450.0..600.0).contains(&distance),
        "Arezzo is 520 km from Munich: {distance}"
    );
    // Its days: Florence (with the night), the day without GPS, Arezzo; never two places in one.
    let events = trip["events"].as_array().expect("events");
    assert!(events.len() >= 2, "{events:#?}");
    let at_home: usize = groups
        .iter()
        .filter(|g| g["level"] == "event")
        .map(|g| names(g).len())
        .sum();
    assert_eq!(at_home, 8, "the photos at home are events at home");

    // Home chosen in Florence: Munich becomes the trip(s), Tuscany home.
    let (ok, stdout, stderr) =
        run_cli(state.path(), &["home", &folder, "--set", "43.7696,11.2558"]);
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("Home: Florence") && stdout.contains("chosen"),
        "{stdout}"
    );
    let (ok, stdout, _) = run_cli(state.path(), &["groups", &folder, "--by", "trip", "--json"]);
    assert!(ok);
    let trips: Vec<Value> = json_lines(&stdout)
        .into_iter()
        .filter(|g| g["level"] == "trip")
        .collect();
    assert!(
        trips
            .iter()
            .all(|t| !names(t).contains(&"t1.jpg".to_string())),
        "{trips:#?}"
    );
    assert!(
        trips
            .iter()
            .any(|t| t["label"].as_str().is_some_and(|l| l.starts_with("Munich"))),
        "{trips:#?}"
    );
    let (ok, stdout, _) = run_cli(state.path(), &["home", &folder, "--clear"]);
    assert!(ok && stdout.contains("inferred"), "{stdout}");
}

/// A home in San Francisco and Tokyo 2-5 October 2023, the phone's files with their
/// UTC offsets, the camera's with neither offset nor GPS; the flight home crosses the
/// date line and lands at 10:30 on the 5th, after the last Tokyo photo at 17:00.
fn across_the_date_line(dir: &Path) {
    let zoned = |name: &str, when: &'static str, offset: &'static str, at: (f64, f64), camera| {
        let spec = ExifSpec {
            date_time_original: Some(when),
            offset_original: Some(offset),
            gps: Some((at.0, at.1, 10.0)),
            model: Some(camera),
            ..ExifSpec::default()
        };
        write(&dir.join(name), &jpeg_with_exif(32, 32, &spec));
    };
    let (sf, tokyo) = ((37.7749, -122.4194), (35.6895, 139.6917));
    let home_days = [
        "2023:09:01 18:00:00",
        "2023:09:04 18:00:00",
        "2023:09:08 18:00:00",
        "2023:09:12 18:00:00",
        "2023:09:17 18:00:00",
        "2023:09:23 18:00:00",
        "2023:10:09 18:00:00",
    ];
    for (i, when) in home_days.into_iter().enumerate() {
        zoned(&format!("home{i}.jpg"), when, "-07:00", sf, "Pixel 7");
    }
    zoned("t1.jpg", "2023:10:02 10:00:00", "+09:00", tokyo, "Pixel 7");
    zoned("t2.jpg", "2023:10:03 00:30:00", "+09:00", tokyo, "Pixel 7");
    photo(dir, "cam.jpg", "2023:10:04 15:00:00", None, "X-T4");
    zoned("t3.jpg", "2023:10:05 17:00:00", "+09:00", tokyo, "Pixel 7");
    zoned("landed.jpg", "2023:10:05 10:30:00", "-07:00", sf, "Pixel 7");
}

#[test]
fn a_trip_across_the_date_line_keeps_tokyo_time_and_ends_before_the_landing() {
    let (lib, state) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    across_the_date_line(lib.path());
    let folder = lib.path().display().to_string();
    let (ok, stdout, stderr) =
        run_cli(state.path(), &["groups", &folder, "--by", "trip", "--json"]);
    assert!(ok, "{stderr}");
    assert!(stderr.contains("Home: San Francisco"), "{stderr}");
    let groups = json_lines(&stdout);
    let trips: Vec<&Value> = groups.iter().filter(|g| g["level"] == "trip").collect();
    assert_eq!(trips.len(), 1, "{groups:#?}");
    let trip = trips[0];
    assert_eq!(names(trip), ["t1.jpg", "t2.jpg", "cam.jpg", "t3.jpg"]);
    assert_eq!(trip["label"], "Tokyo, 2-5 October 2023");
    assert_eq!(trip["time_zone"], "Asia/Tokyo");
    assert_eq!(trip["start"], "2023-10-02T10:00:00+09:00");
    assert_eq!(trip["end"], "2023-10-05T17:00:00+09:00");
    let landing = groups
        .iter()
        .find(|g| names(g).contains(&"landed.jpg".to_string()))
        .expect("the landing photo is in an event");
    assert_eq!(landing["level"], "event");
    assert_eq!(landing["start"], "2023-10-05T10:30:00-07:00");
}

#[test]
fn exif_samples_tuscany_photos_are_one_trip() {
    let Some(data) = util::shared_data() else {
        return;
    };
    let state = tempfile::tempdir().expect("tmp");
    let folder = data.join("exif-samples").display().to_string();
    let (ok, stdout, stderr) =
        run_cli(state.path(), &["groups", &folder, "--by", "trip", "--json"]);
    assert!(ok, "{stderr}");
    let groups = json_lines(&stdout);
    let holding: Vec<&Value> = groups
        .iter()
        .filter(|g| names(g).iter().any(|n| n.starts_with("DSCN00")))
        .collect();
    assert_eq!(holding.len(), 1, "{holding:#?}");
    assert_eq!(holding[0]["level"], "trip");
    assert_eq!(
        names(holding[0])
            .iter()
            .filter(|n| n.starts_with("DSCN00"))
            .count(),
        9
    );
    assert!(
        holding[0]["label"]
            .as_str()
            .is_some_and(|l| l.starts_with("Arezzo")),
        "{}",
        holding[0]["label"]
    );
}
