//! RAW files show the camera's embedded JPEG preview, turned by the file's
//! orientation. No real RAW file is available to these tests, so they build
//! RAW-like files: a TIFF-based one (EXIF in IFD0, as NEF, CR2, ARW, DNG, PEF
//! store it) and a Fuji RAF-like one (its own header, EXIF only inside the
//! preview), each with a small and a large preview among sensor bytes; a RAW
//! without a preview, and one whose preview is cut short.

mod util;

use util::{ExifSpec, jpeg, jpeg_with_exif, json_lines, run_cli, tiff_with_exif, write};

/// Bytes that look like sensor data (and hold no JPEG marker).
fn sensor_bytes(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 % 200) as u8).collect()
}

fn spec() -> ExifSpec {
    ExifSpec {
        date_time_original: Some("2018:09:30 17:45:12"),
        orientation: Some(6),
        make: Some("NIKON CORPORATION"),
        model: Some("NIKON D750"),
        ..ExifSpec::default()
    }
}

/// TIFF-based: IFD0 with the EXIF fields, then sensor data, a thumbnail and a 600 x 400 preview.
fn tiff_raw() -> Vec<u8> {
    let mut raw = tiff_with_exif(&spec());
    raw.extend(sensor_bytes(20_000));
    raw.extend(jpeg(160, 120, 2));
    raw.extend(sensor_bytes(5_000));
    raw.extend(jpeg(600, 400, 4));
    raw
}

/// RAF-like: a Fuji header, then the preview JPEG that carries the camera's EXIF.
fn raf_like() -> Vec<u8> {
    let mut raw = b"FUJIFILMCCD-RAW 0201FF383501".to_vec();
    raw.extend(sensor_bytes(100));
    raw.extend(jpeg_with_exif(600, 400, &spec()));
    raw.extend(sensor_bytes(30_000));
    raw
}

#[test]
fn raw_previews_become_upright_thumbnails_with_the_raws_metadata() {
    let lib = tempfile::tempdir().expect("tempdir");
    let state = tempfile::tempdir().expect("tempdir");
    write(&lib.path().join("DSC_0001.NEF"), &tiff_raw());
    write(&lib.path().join("DSCF0002.RAF"), &raf_like());
    let mut no_preview = tiff_with_exif(&spec());
    no_preview.extend(sensor_bytes(50_000));
    write(&lib.path().join("IMG_0003.CR2"), &no_preview);
    let mut cut = tiff_with_exif(&spec());
    let preview = jpeg(600, 400, 5);
    cut.extend(&preview[..preview.len() / 2]);
    write(&lib.path().join("IMG_0004.DNG"), &cut);

    let (ok, stdout, stderr) = run_cli(
        state.path(),
        &["scan", &lib.path().display().to_string(), "--json"],
    );
    assert!(ok, "{stderr}");
    let lines = json_lines(&stdout);
    assert_eq!(lines.len(), 4, "{stdout}");
    let by_name = |name: &str| {
        lines
            .iter()
            .find(|l| l["path"].as_str().is_some_and(|p| p.ends_with(name)))
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    for name in ["DSC_0001.NEF", "DSCF0002.RAF"] {
        let line = by_name(name);
        assert_eq!(line["thumbnail"], "ok", "{line}");
        assert_eq!(line["taken_at"], "2018-09-30T17:45:12", "{line}");
        assert_eq!(line["orientation"], 6, "{line}");
        assert_eq!(line["model"], "NIKON D750", "{line}");
        assert!(line["error"].is_null(), "{line}");
    }
    let no_preview = by_name("IMG_0003.CR2");
    assert_eq!(no_preview["thumbnail"], "failed");
    assert!(
        no_preview["error"]
            .as_str()
            .is_some_and(|e| e.contains("no JPEG preview")),
        "{no_preview}"
    );
    let cut = by_name("IMG_0004.DNG");
    assert_eq!(cut["thumbnail"], "failed", "{cut}");

    // Both previews are 600 x 400 with orientation 6: their thumbnails stand upright.
    let thumbs = util::thumbnail_sizes(state.path());
    assert_eq!(thumbs, vec![(171, 256); 2], "{thumbs:?}");
}
