//! Places end to end through `groups --by place --json`: on generated photos (always)
//! and on the real exif-samples GPS photos (when the shared data is present).

mod util;

use serde_json::Value;
use util::{ExifSpec, jpeg_with_exif, json_lines, run_cli, write};

fn by_label(groups: &[Value], label: &str) -> Value {
    groups
        .iter()
        .find(|g| g["label"] == label)
        .cloned()
        .unwrap_or_else(|| panic!("no group {label:?} in {groups:#?}"))
}

#[test]
fn generated_trip_gives_named_places_inferred_photos_and_no_location() {
    let (lib, state) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    let spec = |when, gps| ExifSpec {
        date_time_original: Some(when),
        gps,
        make: Some("NIKON"),
        model: Some("COOLPIX P6000"),
        ..ExifSpec::default()
    };
    write(
        &lib.path().join("a.jpg"),
        &jpeg_with_exif(
            32,
            32,
            &spec("2008:10:22 16:28:39", Some((43.4674, 11.8851, 260.0))),
        ),
    );
    write(
        &lib.path().join("b.jpg"),
        &jpeg_with_exif(
            32,
            32,
            &spec("2008:10:22 17:00:07", Some((43.4645, 11.8815, 255.0))),
        ),
    );
    write(
        &lib.path().join("c.jpg"),
        &jpeg_with_exif(32, 32, &spec("2008:10:22 17:05:00", None)),
    );
    write(
        &lib.path().join("sydney.jpg"),
        &jpeg_with_exif(
            32,
            32,
            &spec("2019:01:02 10:00:00", Some((-33.8568, 151.2153, 5.0))),
        ),
    );
    write(&lib.path().join("meme.png"), &util::png(20, 20));
    let (ok, stdout, stderr) = run_cli(
        state.path(),
        &[
            "groups",
            &lib.path().display().to_string(),
            "--by",
            "place",
            "--json",
        ],
    );
    assert!(ok, "{stderr}");
    let groups = json_lines(&stdout);
    let arezzo = by_label(&groups, "Arezzo, Tuscany, Italy");
    assert_eq!(
        (arezzo["count"].as_u64(), arezzo["inferred"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(arezzo["country"], "Italy");
    assert!((arezzo["lat"].as_f64().unwrap_or(0.0) - 43.466).abs() < 0.01);
    assert!(
        arezzo["inferred_photos"][0]
            .as_str()
            .unwrap_or("")
            .ends_with("c.jpg")
    );
    let sydney = groups
        .iter()
        .find(|g| g["country"] == "Australia")
        .expect("a place in Australia");
    assert!(sydney["lon"].as_f64().unwrap_or(0.0) > 150.0);
    let none = by_label(&groups, "No location");
    assert_eq!(none["count"], 1);
    assert!(
        none["photos"][0]
            .as_str()
            .unwrap_or("")
            .ends_with("meme.png")
    );
}

#[test]
fn exif_samples_places_match_where_the_photos_were_taken() {
    let Some(data) = util::shared_data() else {
        return;
    };
    let state = tempfile::tempdir().expect("tmp");
    let folder = data.join("exif-samples").display().to_string();
    let (ok, stdout, stderr) = run_cli(
        state.path(),
        &["groups", &folder, "--by", "place", "--json"],
    );
    assert!(ok, "{stderr}");
    let groups = json_lines(&stdout);
    let holding = |file: &str| {
        groups
            .iter()
            .find(|g| {
                g["photos"].as_array().is_some_and(|p| {
                    p.iter()
                        .any(|x| x.as_str().is_some_and(|s| s.ends_with(file)))
                })
            })
            .cloned()
            .unwrap_or_else(|| panic!("{file} is in no group"))
    };
    // The nine DSCN photos from one afternoon near 43.47 N, 11.88 E: exactly one place, in Arezzo.
    let trip = holding("gps/DSCN0010.jpg");
    assert_eq!(trip["label"], "Arezzo, Tuscany, Italy");
    assert_eq!(trip["count"], 9);
    for f in [
        "DSCN0012", "DSCN0021", "DSCN0025", "DSCN0027", "DSCN0029", "DSCN0038", "DSCN0040",
        "DSCN0042",
    ] {
        assert_eq!(holding(&format!("gps/{f}.jpg"))["label"], trip["label"]);
    }
    for (file, country) in [
        ("heic/IMG_5195.HEIC", "United States"),
        ("jpg/mobile/HMD_Nokia_8.3_5G.jpg", "Finland"),
        ("jpg/Kodak_CX7530.jpg", "Kenya"),
        ("jpg/tests/87_OSError.jpg", "Italy"),
        ("jpg/tests/67-0_length_string.jpg", "Germany"),
        ("jpg/hdr/iphone_hdr_YES.jpg", "Spain"),
        ("heic/mobile/HMD_Nokia_8.3_5G.heif", "Spain"),
    ] {
        assert_eq!(holding(file)["country"], country, "{file}");
    }
    for i in 1..=8 {
        assert_eq!(
            holding(&format!("orientation/landscape_{i}.jpg"))["label"],
            "No location"
        );
    }
}
