//! HEIC and AVIF from the project's own fixtures (`tests/fixtures/quadrants.*`,
//! made by `heif-enc` from a four-colour picture), and the bad HEIF files a
//! library meets: cut short, a box whose size lies, an absurd item count, a
//! 30,000 x 30,000 image, an unknown codec. Each is one line in `scan --json`'s
//! `error`, the scan goes on, and nothing panics.
#![cfg(feature = "heif")]

mod util;

use std::path::Path;

use photo_atlas_core::imaging::{ImagingError, THUMBNAIL_SIZE, decode, make_thumbnail};
use photo_atlas_core::library::PhotoKind;

const HEIC: &[u8] = include_bytes!("fixtures/quadrants.heic");
const AVIF: &[u8] = include_bytes!("fixtures/quadrants.avif");
/// The four colours of the fixture: top left, top right, bottom left, bottom right.
const QUADRANTS: [[u8; 3]; 4] = [[220, 40, 40], [40, 200, 60], [50, 70, 220], [230, 220, 60]];

fn quadrant_colour(img: &image::RgbImage, q: usize) -> [f64; 3] {
    let (w, h) = (img.width() / 2, img.height() / 2);
    let (x0, y0) = ((q as u32 % 2) * w, (q as u32 / 2) * h);
    let mut sum = [0f64; 3];
    // The middle of each quarter, away from the chroma-subsampled edges.
    let (mx, my) = (w / 4, h / 4);
    let mut n = 0.0;
    for y in y0 + my..y0 + h - my {
        for x in x0 + mx..x0 + w - mx {
            let p = img.get_pixel(x, y);
            for c in 0..3 {
                sum[c] += f64::from(p[c]);
            }
            n += 1.0;
        }
    }
    sum.map(|s| s / n)
}

fn assert_quadrants(img: &image::RgbImage, what: &str) {
    for (q, want) in QUADRANTS.iter().enumerate() {
        let got = quadrant_colour(img, q);
        let off = got
            .iter()
            .zip(want)
            .map(|(g, w)| (g - f64::from(*w)).abs())
            .fold(0.0, f64::max);
        assert!(off < 16.0, "{what}: quarter {q} is {got:?}, want {want:?}");
    }
}

#[test]
fn heic_and_avif_decode_to_the_right_picture() {
    for (name, data) in [("heic", HEIC), ("avif", AVIF)] {
        // An EXIF orientation is ignored: HEIF carries its own transforms.
        let img = decode(data, PhotoKind::Heif, Some(6), None).expect(name);
        assert_eq!(img.dimensions(), (96, 64), "{name}");
        assert_quadrants(&img, name);
        let thumb = make_thumbnail(data, PhotoKind::Heif, Some(6), THUMBNAIL_SIZE).expect(name);
        assert_eq!(thumb.dimensions(), (96, 64), "{name} thumbnail");
    }
    // The HEIC fixture holds a 48 x 32 thumbnail item, enough for a 48-pixel thumbnail.
    let small = make_thumbnail(HEIC, PhotoKind::Heif, None, 48).expect("thumbnail item");
    assert_eq!(small.dimensions(), (48, 32));
    assert_quadrants(&small, "thumbnail item");
}

/// The fixture with `bytes` written at `offset` from the first box named `tag`
/// (the offset counts from the tag; -4 is the box's size field).
fn patched(data: &[u8], tag: &[u8; 4], offset: isize, bytes: &[u8]) -> Vec<u8> {
    let at = data
        .windows(4)
        .position(|w| w == tag)
        .unwrap_or_else(|| panic!("no {tag:?} box in the fixture"));
    let start = at.checked_add_signed(offset).expect("inside the file");
    let mut out = data.to_vec();
    out[start..start + bytes.len()].copy_from_slice(bytes);
    out
}

/// Broken HEIF files, each with what its error must say (lower case), or `None`
/// where libheif may read past the damage (then it must simply not crash).
fn broken_files() -> Vec<(&'static str, Vec<u8>, Option<&'static str>)> {
    let huge: Vec<u8> = [30_000u32.to_be_bytes(), 30_000u32.to_be_bytes()].concat();
    vec![
        ("cut.heic", HEIC[..HEIC.len() / 2].to_vec(), Some("")),
        ("cut-header.heic", HEIC[..40].to_vec(), Some("")),
        (
            "lying-box.heic",
            patched(HEIC, b"meta", -4, &[0x7f, 0xff, 0xff, 0xff]),
            Some(""),
        ),
        // iinf version 0: four bytes of version and flags, then a 16-bit item count.
        (
            "many-items.heic",
            patched(HEIC, b"iinf", 8, &[0xff, 0xff]),
            None,
        ),
        // ispe: version and flags, then width and height.
        (
            "huge.avif",
            patched(AVIF, b"ispe", 8, &huge),
            Some("30000x30000"),
        ),
        (
            "odd-codec.avif",
            patched(AVIF, b"av01", 0, b"av0q"),
            Some(""),
        ),
        ("empty.heic", Vec::new(), Some("empty")),
    ]
}

#[test]
fn broken_heif_files_are_errors_not_crashes() {
    for (name, data, needle) in broken_files() {
        let full = decode(&data, PhotoKind::Heif, None, None);
        let thumb = make_thumbnail(&data, PhotoKind::Heif, None, THUMBNAIL_SIZE);
        for result in [full, thumb] {
            let (Some(needle), Err(err)) = (needle, &result) else {
                assert!(needle.is_none(), "{name} must not decode");
                continue;
            };
            let text = err.to_string();
            assert!(
                !text.is_empty() && text.to_lowercase().contains(needle),
                "{name}: {text}"
            );
            if name == "huge.avif" {
                assert!(
                    matches!(err, ImagingError::SideTooLong(_)),
                    "{name}: {err:?}"
                );
            }
        }
    }
}

#[test]
fn a_scan_reports_each_broken_heif_and_goes_on() {
    let lib = tempfile::tempdir().expect("tempdir");
    let state = tempfile::tempdir().expect("tempdir");
    util::write(&lib.path().join("good.heic"), HEIC);
    util::write(&lib.path().join("good.avif"), AVIF);
    let broken = broken_files();
    for (name, data, _) in &broken {
        util::write(&lib.path().join(name), data);
    }
    let (ok, stdout, stderr) = util::run_cli(
        state.path(),
        &["scan", &lib.path().display().to_string(), "--json"],
    );
    assert!(ok, "{stderr}");
    let lines = util::json_lines(&stdout);
    assert_eq!(lines.len(), broken.len() + 2, "{stdout}");
    for line in &lines {
        let name = Path::new(line["path"].as_str().expect("path"))
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        if name.starts_with("good") {
            assert_eq!(line["thumbnail"], "ok", "{line}");
            assert_eq!(
                (line["width"].as_u64(), line["height"].as_u64()),
                (Some(96), Some(64))
            );
            assert!(line["error"].is_null(), "{line}");
        } else if name != "many-items.heic" {
            assert_eq!(line["thumbnail"], "failed", "{line}");
            let err = line["error"].as_str().expect("an error");
            assert!(!err.contains('\n'), "one line: {err}");
        }
    }
}
