//! Compares Photo Atlas's metadata with ExifTool's on every file of the shared
//! exif-samples set (`exiftool-manifest.csv`): DateTimeOriginal (with its offset),
//! GPS to 1e-6 degrees, orientation, make and model. Skips without the shared data.

mod util;

use std::collections::HashMap;
use std::path::Path;

use photo_atlas_core::metadata::{self, PhotoMetadata};

#[test]
fn metadata_matches_exiftool_on_every_sample() {
    let Some(data) = util::shared_data() else {
        return;
    };
    let samples = data.join("exif-samples");
    let mut reader =
        csv::Reader::from_path(samples.join("exiftool-manifest.csv")).expect("manifest");
    let headers = reader.headers().expect("headers").clone();
    let (mut checked, mut missing, mut mismatches) = (0, 0, Vec::new());
    for row in reader.records() {
        let row = row.expect("row");
        let cols: HashMap<String, String> = headers
            .iter()
            .zip(row.iter())
            .map(|(h, v)| (h.to_string(), v.to_string()))
            .collect();
        let rel = cols["SourceFile"].trim_start_matches("ianare-exif-samples/");
        let path = samples.join(rel);
        if !path.exists() {
            missing += 1;
            continue;
        }
        let meta = metadata::read_file(&path).expect("readable");
        mismatches.extend(compare(rel, &meta, &cols));
        checked += 1;
    }
    eprintln!(
        "compared {checked} files with ExifTool ({missing} listed but absent from the snapshot)"
    );
    assert!(checked >= 95, "only {checked} files compared");
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

fn compare(rel: &str, meta: &PhotoMetadata, cols: &HashMap<String, String>) -> Vec<String> {
    let col = |name: &str| cols.get(name).map_or("", String::as_str);
    let mut out = Vec::new();
    let mut check = |what: &str, ours: String, theirs: String| {
        if ours != theirs {
            out.push(format!("{rel}: {what}: ours {ours:?}, ExifTool {theirs:?}"));
        }
    };
    let (want_dto, want_offset) =
        exiftool_datetime(col("DateTimeOriginal"), col("OffsetTimeOriginal"));
    let dto = meta.date_time_original;
    check(
        "DateTimeOriginal",
        fmt_opt(dto.map(|t| t.local.format("%Y:%m:%d %H:%M:%S").to_string())),
        want_dto,
    );
    if !want_offset.is_empty() {
        let ours = dto.and_then(|t| t.offset).map(|o| o.local_minus_utc());
        check("offset", fmt_opt(ours.map(|s| s.to_string())), want_offset);
    }
    check(
        "Orientation",
        fmt_opt(meta.orientation.map(|o| o.to_string())),
        col("Orientation").to_string(),
    );
    check("Make", fmt_opt(meta.make.clone()), col("Make").to_string());
    check(
        "Model",
        fmt_opt(meta.model.clone()),
        col("Model").to_string(),
    );
    let (lat, lon) = (col("GPSLatitude"), col("GPSLongitude"));
    match (
        meta.gps,
        lat.parse::<f64>().ok().zip(lon.parse::<f64>().ok()),
    ) {
        (None, None) => {}
        (Some(g), Some((la, lo))) if (g.lat - la).abs() <= 1e-6 && (g.lon - lo).abs() <= 1e-6 => {}
        (ours, theirs) => check("GPS", format!("{ours:?}"), format!("{theirs:?}")),
    }
    out
}

/// ExifTool's `2013:07:05 03:18:27Z` -> ("2013:07:05 03:18:27", "0"); offsets in seconds.
fn exiftool_datetime(value: &str, offset_col: &str) -> (String, String) {
    if value.len() < 19 {
        return (String::new(), String::new());
    }
    let (local, suffix) = value.split_at(19);
    let offset_text = if suffix.is_empty() {
        offset_col
    } else {
        suffix
    };
    let offset = metadata::parse_iso_datetime(&format!("2000-01-01T00:00:00{offset_text}"))
        .and_then(|t| t.offset)
        .map(|o| o.local_minus_utc().to_string())
        .unwrap_or_default();
    (local.to_string(), offset)
}

fn fmt_opt(v: Option<String>) -> String {
    v.unwrap_or_default()
}

#[test]
fn manifest_paths_resolve() {
    let Some(data) = util::shared_data() else {
        return;
    };
    assert!(Path::new(&data.join("exif-samples/jpg/gps/DSCN0010.jpg")).exists());
}
