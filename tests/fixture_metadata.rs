//! Metadata on generated fixtures (JPEGs with EXIF written by kamadak-exif), so
//! that a fresh clone without the shared data still tests metadata for real.

mod util;

use photo_atlas_core::metadata::{self, DateSource};
use util::{ExifSpec, jpeg_with_exif, write};

#[test]
fn reads_dates_offsets_gps_orientation_and_camera() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("a.jpg");
    let spec = ExifSpec {
        date_time_original: Some("2021:04:11 15:47:53"),
        offset_original: Some("-05:00"),
        subsec_original: Some("25"),
        gps: Some((-33.856_784, -151.215_297, -12.5)),
        orientation: Some(6),
        make: Some("Apple"),
        model: Some("iPhone 11 Pro Max"),
        ..ExifSpec::default()
    };
    write(&path, &jpeg_with_exif(64, 48, &spec));
    let meta = metadata::read_file(&path).expect("read");
    let dto = meta.date_time_original.expect("date");
    assert_eq!(dto.to_iso(), "2021-04-11T15:47:53-05:00");
    assert_eq!(dto.local.and_utc().timestamp_subsec_millis(), 250);
    let gps = meta.gps.expect("gps");
    assert!(
        (gps.lat + 33.856_784).abs() < 1e-6 && (gps.lon + 151.215_297).abs() < 1e-6,
        "{gps:?}"
    );
    assert_eq!(gps.alt, Some(-12.5));
    assert_eq!(meta.orientation, Some(6));
    assert_eq!(
        (meta.make.as_deref(), meta.model.as_deref()),
        (Some("Apple"), Some("iPhone 11 Pro Max"))
    );
    assert_eq!(meta.pixel_size(), Some((64, 48)));
    assert!(meta.warnings.is_empty(), "{:?}", meta.warnings);
}

#[test]
fn invalid_dates_are_ignored_and_the_next_source_is_used() {
    let dir = tempfile::tempdir().expect("tempdir");
    let zero = dir.path().join("IMG_20200101_123456.jpg");
    let spec = ExifSpec {
        date_time_original: Some("0000:00:00 00:00:00"),
        ..ExifSpec::default()
    };
    write(&zero, &jpeg_with_exif(8, 8, &spec));
    let meta = metadata::read_file(&zero).expect("read");
    assert_eq!(meta.date_time_original, None);
    let t = meta
        .capture_time("IMG_20200101_123456.jpg", None)
        .expect("from name");
    assert_eq!(
        (t.source, t.at.to_iso().as_str()),
        (DateSource::Filename, "2020-01-01T12:34:56")
    );

    let blank = dir.path().join("b.jpg");
    let spec = ExifSpec {
        date_time_original: Some("    :  :     :  :  "),
        date_time_digitized: Some("2019:13:01 10:00:00"),
        ..ExifSpec::default()
    };
    write(&blank, &jpeg_with_exif(8, 8, &spec));
    let meta = metadata::read_file(&blank).expect("read");
    assert_eq!(
        (meta.date_time_original, meta.date_time_digitized),
        (None, None)
    );
    let mtime = std::fs::metadata(&blank).and_then(|m| m.modified()).ok();
    assert_eq!(
        meta.capture_time("b.jpg", mtime).map(|t| t.source),
        Some(DateSource::FileModified)
    );
}

#[test]
fn impossible_gps_is_rejected() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("g.jpg");
    let spec = ExifSpec {
        gps: Some((95.0, 10.0, 0.0)),
        ..ExifSpec::default()
    };
    write(&path, &jpeg_with_exif(8, 8, &spec));
    assert_eq!(metadata::read_file(&path).expect("read").gps, None);
}

#[test]
fn a_photo_without_exif_has_no_metadata_but_a_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("plain.png");
    write(&path, &util::png(30, 20));
    let meta = metadata::read_file(&path).expect("read");
    assert_eq!(
        (meta.date_time_original, meta.gps, meta.orientation),
        (None, None, None)
    );
    assert_eq!(meta.pixel_size(), Some((30, 20)));
}
