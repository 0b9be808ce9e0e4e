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

/// A JPEG with the given APPn segments inserted after its start marker.
fn jpeg_with_segments(segments: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let plain = util::jpeg(64, 48, 3);
    let mut out = plain[..2].to_vec();
    for (marker, payload) in segments {
        out.extend([0xFF, *marker]);
        out.extend(
            u16::try_from(payload.len() + 2)
                .expect("small")
                .to_be_bytes(),
        );
        out.extend(payload);
    }
    out.extend(&plain[2..]);
    out
}

/// APP13 as Photo Mechanic writes it: Photoshop resource 0x0404 holding IIM record 2.
fn iptc_app13(records: &[(u8, &str)]) -> Vec<u8> {
    let mut iim = Vec::new();
    for (dataset, value) in records {
        iim.extend([0x1C, 2, *dataset]);
        iim.extend(u16::try_from(value.len()).expect("short").to_be_bytes());
        iim.extend(value.as_bytes());
    }
    let mut out = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00".to_vec();
    out.extend(u32::try_from(iim.len()).expect("short").to_be_bytes());
    out.extend(&iim);
    if iim.len() % 2 == 1 {
        out.push(0);
    }
    out
}

fn xmp_app1(properties: &str) -> Vec<u8> {
    let mut out = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    out.extend(format!(
        r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" {properties}/></rdf:RDF></x:xmpmeta>"#
    ).as_bytes());
    out
}

/// What ExifTool reads as the capture time of `path`: EXIF DateTimeOriginal,
/// XMP-photoshop:DateCreated, the composite IPTC DateTimeCreated, or IPTC DateCreated
/// alone (at midnight). `None` when exiftool is not installed; `Some("")` when it finds none.
fn exiftool_capture_time(path: &Path) -> Option<String> {
    let out = std::process::Command::new("exiftool")
        .args([
            "-j",
            "-G",
            "-DateTimeOriginal",
            "-XMP-photoshop:DateCreated",
        ])
        .args(["-DateTimeCreated", "-IPTC:DateCreated"])
        .arg(path)
        .output()
        .ok()?;
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("exiftool's JSON");
    let file = &json[0];
    let found = [
        "EXIF:DateTimeOriginal",
        "XMP:DateCreated",
        "Composite:DateTimeCreated",
    ]
    .iter()
    .find_map(|k| file[*k].as_str().map(str::to_string))
    .or_else(|| {
        file["IPTC:DateCreated"]
            .as_str()
            .map(|d| format!("{d} 00:00:00"))
    });
    Some(found.unwrap_or_default())
}

#[test]
fn iptc_and_xmp_dates_in_written_files_match_exiftool() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        (
            "iptc.jpg",
            vec![(0xED, iptc_app13(&[(55, "20190714"), (60, "183205+0200")]))],
            "2019-07-14T18:32:05+02:00",
        ),
        (
            "iptc-no-time.jpg",
            vec![(0xED, iptc_app13(&[(55, "20080229")]))],
            "2008-02-29T00:00:00",
        ),
        (
            "xmp-photoshop.jpg",
            vec![(
                0xE1,
                xmp_app1(r#"photoshop:DateCreated="2020-02-29T23:59:58-03:30""#),
            )],
            "2020-02-29T23:59:58-03:30",
        ),
    ];
    for (name, segments, want) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, jpeg_with_segments(&segments)).expect("write");
        let meta = metadata::read_file(&path).expect("readable");
        let ours = meta.date_time_original.map(|t| t.to_iso());
        assert_eq!(ours.as_deref(), Some(want), "{name}");
        let taken = meta.capture_time(name, None).expect("a date");
        assert_eq!(taken.source, metadata::DateSource::Exif, "{name}");
        match exiftool_capture_time(&path) {
            // ExifTool writes "2019:07:14 18:32:05+02:00": the same moment, its own punctuation.
            Some(theirs) => {
                let theirs = theirs.replacen(':', "-", 2).replacen(' ', "T", 1);
                assert_eq!(theirs, want, "{name}: ExifTool disagrees");
            }
            None => eprintln!("SKIPPED ExifTool comparison for {name}: exiftool not installed"),
        }
    }
}
