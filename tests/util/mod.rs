//! Shared helpers for integration tests: photo fixtures generated on the fly
//! (JPEGs with real EXIF blocks written by kamadak-exif), temporary libraries,
//! the path of the shared real-world data, and a snapshot of a folder.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use exif::{Field, In, Rational, Tag, Value};

pub mod window;

/// `../shared/data` (or `$PHOTO_ATLAS_DATA`), if present; tests that need it skip without it.
pub fn shared_data() -> Option<PathBuf> {
    let dir = std::env::var_os("PHOTO_ATLAS_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: shared test data not found at {} (set PHOTO_ATLAS_DATA)",
            dir.display()
        );
        None
    }
}

/// A plain JPEG of the given size, with a gradient so it is not trivially compressible.
pub fn jpeg(width: u32, height: u32, seed: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, seed.wrapping_mul(37)])
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encode jpeg");
    out.into_inner()
}

pub fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, _| image::Rgb([x as u8, 90, 200]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("encode png");
    out.into_inner()
}

/// The EXIF fields a fixture carries.
#[derive(Clone, Debug, Default)]
pub struct ExifSpec {
    pub date_time_original: Option<&'static str>,
    pub offset_original: Option<&'static str>,
    pub subsec_original: Option<&'static str>,
    pub date_time_digitized: Option<&'static str>,
    /// (lat, lon) in signed degrees, and altitude (negative: below sea level).
    pub gps: Option<(f64, f64, f64)>,
    pub orientation: Option<u16>,
    pub make: Option<&'static str>,
    pub model: Option<&'static str>,
}

fn ascii(tag: Tag, text: &str) -> Field {
    Field {
        tag,
        ifd_num: In::PRIMARY,
        value: Value::Ascii(vec![text.as_bytes().to_vec()]),
    }
}

fn dms(value: f64) -> Value {
    let v = value.abs();
    let deg = v.trunc();
    let min = ((v - deg) * 60.0).trunc();
    let sec = (v - deg - min / 60.0) * 3600.0;
    Value::Rational(vec![
        Rational {
            num: deg as u32,
            denom: 1,
        },
        Rational {
            num: min as u32,
            denom: 1,
        },
        Rational {
            num: (sec * 1_000_000.0).round() as u32,
            denom: 1_000_000,
        },
    ])
}

fn fields(spec: &ExifSpec) -> Vec<Field> {
    let mut f = Vec::new();
    let pairs = [
        (Tag::DateTimeOriginal, spec.date_time_original),
        (Tag::OffsetTimeOriginal, spec.offset_original),
        (Tag::SubSecTimeOriginal, spec.subsec_original),
        (Tag::DateTimeDigitized, spec.date_time_digitized),
        (Tag::Make, spec.make),
        (Tag::Model, spec.model),
    ];
    for (tag, value) in pairs {
        if let Some(v) = value {
            f.push(ascii(tag, v));
        }
    }
    if let Some(o) = spec.orientation {
        f.push(Field {
            tag: Tag::Orientation,
            ifd_num: In::PRIMARY,
            value: Value::Short(vec![o]),
        });
    }
    if let Some((lat, lon, alt)) = spec.gps {
        f.push(ascii(
            Tag::GPSLatitudeRef,
            if lat < 0.0 { "S" } else { "N" },
        ));
        f.push(Field {
            tag: Tag::GPSLatitude,
            ifd_num: In::PRIMARY,
            value: dms(lat),
        });
        f.push(ascii(
            Tag::GPSLongitudeRef,
            if lon < 0.0 { "W" } else { "E" },
        ));
        f.push(Field {
            tag: Tag::GPSLongitude,
            ifd_num: In::PRIMARY,
            value: dms(lon),
        });
        let alt_value = Rational {
            num: (alt.abs() * 100.0).round() as u32,
            denom: 100,
        };
        f.push(Field {
            tag: Tag::GPSAltitude,
            ifd_num: In::PRIMARY,
            value: Value::Rational(vec![alt_value]),
        });
        let below = u8::from(alt < 0.0);
        f.push(Field {
            tag: Tag::GPSAltitudeRef,
            ifd_num: In::PRIMARY,
            value: Value::Byte(vec![below]),
        });
    }
    f
}

/// A TIFF structure (little-endian, IFD0 and its EXIF and GPS IFDs) holding the
/// given fields: an EXIF block, or the start of a TIFF-based RAW file.
pub fn tiff_with_exif(spec: &ExifSpec) -> Vec<u8> {
    let fields = fields(spec);
    let mut writer = exif::experimental::Writer::new();
    for field in &fields {
        writer.push_field(field);
    }
    let mut tiff = Cursor::new(Vec::new());
    writer.write(&mut tiff, false).expect("write exif");
    tiff.into_inner()
}

/// A JPEG carrying an EXIF block (APP1) with the given fields.
pub fn jpeg_with_exif(width: u32, height: u32, spec: &ExifSpec) -> Vec<u8> {
    let plain = jpeg(width, height, 1);
    let tiff = tiff_with_exif(spec);
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((tiff.len() + 8) as u16).to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(&tiff);
    out.extend_from_slice(&plain[2..]);
    out
}

/// A PNG whose header claims `width` x `height` pixels (a decompression bomb's header).
pub fn png_claiming_size(width: u32, height: u32) -> Vec<u8> {
    let mut data = png(1, 1);
    // IHDR chunk: 8-byte signature, 4-byte length, "IHDR", then width and height.
    data[16..20].copy_from_slice(&width.to_be_bytes());
    data[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32(&data[12..29]);
    data[29..33].copy_from_slice(&crc.to_be_bytes());
    data
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

pub fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, bytes).expect("write fixture");
}

/// Every entry under `dir`: relative path -> (size, mtime, content hash), for "nothing changed" checks.
pub fn snapshot(dir: &Path) -> BTreeMap<String, (u64, std::time::SystemTime, u64)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk"))
        .map(|e| {
            let meta = std::fs::symlink_metadata(e.path()).expect("stat");
            let hash = if meta.is_file() {
                xxhash_rust::xxh3::xxh3_64(&std::fs::read(e.path()).expect("read"))
            } else {
                0
            };
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("inside")
                .to_string_lossy()
                .into_owned();
            (rel, (meta.len(), meta.modified().expect("mtime"), hash))
        })
        .collect()
}

/// Runs the `photo-atlas` binary with its catalog and cache in `state`; returns (status, stdout, stderr).
pub fn run_cli(state: &Path, args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_photo-atlas"))
        .arg("--catalog")
        .arg(state.join("catalog.sqlite"))
        .args(args)
        .env("PHOTO_ATLAS_CACHE", state.join("cache"))
        .output()
        .expect("run photo-atlas");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The sizes of the thumbnails in the cache that `run_cli` gave `state`.
pub fn thumbnail_sizes(state: &Path) -> Vec<(u32, u32)> {
    walkdir::WalkDir::new(state.join("cache"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "jpg"))
        .map(|e| image::image_dimensions(e.path()).expect("readable thumbnail"))
        .collect()
}

/// Parses JSON-lines output.
pub fn json_lines(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("valid JSON line"))
        .collect()
}
