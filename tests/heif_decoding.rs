//! HEIC / HEIF decoding against a reference decoder: every sample under
//! `exif-samples/heic` is decoded by Photo Atlas and by `heif-convert`
//! (Debian's libheif-examples), and the two pictures must agree in size,
//! orientation and mean colour. Skips without the shared data or heif-convert.
#![cfg(feature = "heif")]

mod util;

use std::path::{Path, PathBuf};
use std::process::Command;

use photo_atlas_core::imaging::{THUMBNAIL_SIZE, decode, heif_stored_size, make_thumbnail};
use photo_atlas_core::library::PhotoKind;
use photo_atlas_core::metadata;

fn samples() -> Option<Vec<PathBuf>> {
    let dir = util::shared_data()?.join("exif-samples/heic");
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| PhotoKind::from_path(p) == Some(PhotoKind::Heif))
        .collect();
    files.sort();
    Some(files)
}

/// The reference decoding, through heif-convert into a PNG.
fn reference(path: &Path, out: &Path) -> Option<image::RgbImage> {
    let png = out.join(format!(
        "{}.png",
        path.file_stem().expect("name").to_string_lossy()
    ));
    let status = Command::new("heif-convert")
        .arg(path)
        .arg(&png)
        .output()
        .ok()?;
    assert!(status.status.success(), "heif-convert failed on {path:?}");
    Some(image::open(&png).expect("reference png").to_rgb8())
}

fn mean_colour(img: &image::RgbImage) -> [f64; 3] {
    let mut sum = [0f64; 3];
    for p in img.pixels() {
        for c in 0..3 {
            sum[c] += f64::from(p[c]);
        }
    }
    let n = f64::from(img.width() * img.height());
    sum.map(|s| s / n)
}

/// Mean colour of each quarter of the picture: a turned or mirrored decode fails this.
fn quadrant_means(img: &image::RgbImage) -> Vec<[f64; 3]> {
    let (w, h) = (img.width() / 2, img.height() / 2);
    [(0, 0), (w, 0), (0, h), (w, h)]
        .iter()
        .map(|&(x, y)| mean_colour(&image::imageops::crop_imm(img, x, y, w, h).to_image()))
        .collect()
}

fn close(a: [f64; 3], b: [f64; 3], tolerance: f64) -> bool {
    a.iter().zip(b).all(|(x, y)| (x - y).abs() <= tolerance)
}

#[test]
fn heif_pixels_agree_with_heif_convert() {
    let Some(files) = samples() else {
        return;
    };
    if Command::new("heif-convert").arg("--help").output().is_err() {
        eprintln!("SKIPPED: heif-convert not installed (apt-get install libheif-examples)");
        return;
    }
    assert!(files.len() >= 5, "only {} HEIF samples", files.len());
    let out = tempfile::tempdir().expect("tempdir");
    for path in &files {
        let data = std::fs::read(path).expect("read");
        let meta = metadata::read_from_bytes(&data);
        // EXIF orientation is passed on purpose: it must not be applied on top of the HEIF transforms.
        let ours = decode(&data, PhotoKind::Heif, meta.orientation, None).expect("decodes");
        let theirs = reference(path, out.path()).expect("reference");
        assert_eq!(ours.dimensions(), theirs.dimensions(), "{path:?}");
        let (a, b) = (quadrant_means(&ours), quadrant_means(&theirs));
        for (q, (x, y)) in a.iter().zip(&b).enumerate() {
            assert!(
                close(*x, *y, 2.0),
                "{path:?} quarter {q}: ours {x:?}, heif-convert {y:?}"
            );
        }
        let thumb = make_thumbnail(&data, PhotoKind::Heif, meta.orientation, THUMBNAIL_SIZE)
            .expect("thumbnail");
        let portrait = |(w, h): (u32, u32)| h > w;
        assert_eq!(
            portrait(thumb.dimensions()),
            portrait(ours.dimensions()),
            "{path:?}"
        );
        let small = image::imageops::thumbnail(&theirs, thumb.width(), thumb.height());
        assert!(
            close(mean_colour(&thumb), mean_colour(&small), 6.0),
            "{path:?}: thumbnail colour {:?} against {:?}",
            mean_colour(&thumb),
            mean_colour(&small)
        );
        eprintln!(
            "{}: {:?}, thumbnail {:?}, mean {:?}",
            path.display(),
            ours.dimensions(),
            thumb.dimensions(),
            mean_colour(&ours).map(|v| v.round())
        );
    }
}

#[test]
fn heif_stored_size_is_the_ispe_box() {
    let Some(files) = samples() else {
        return;
    };
    for path in &files {
        let data = std::fs::read(path).expect("read");
        let (w, h) = heif_stored_size(&data).expect("size");
        let upright = decode(&data, PhotoKind::Heif, None, None).expect("decodes");
        let turned = (upright.height(), upright.width());
        assert!(
            (w, h) == upright.dimensions() || (w, h) == turned,
            "{path:?}: stored {w} x {h}, decoded {:?}",
            upright.dimensions()
        );
    }
}
