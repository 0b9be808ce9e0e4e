//! What a photo file says about itself: when it was taken (and how we know),
//! where, which way up, with which camera, and how big it is.
//!
//! ExifTool is the reference: values are read and interpreted the way it reads
//! them, and an integration test compares the two on real camera files. A photo
//! without EXIF still gets a date, from XMP, IPTC-IIM, a vendor block, its file
//! name or its modification time, and [`DateSource`] records which one it was.

mod exif_fields;
mod filename;
mod flir;
mod iptc;
mod segments;
mod timestamp;
mod vendor;
mod xmp;

use std::io::{BufReader, Cursor, Read};
use std::path::Path;
use std::time::SystemTime;

use chrono::{DateTime, Local};
use serde::Serialize;

pub use filename::date_from_file_name;
pub use timestamp::{Timestamp, parse_exif_datetime, parse_iso_datetime};

/// How much of a file is read to find its metadata when only metadata is wanted.
/// EXIF, XMP and the image header sit at the start of JPEG, PNG, WebP and HEIF files.
pub const METADATA_PREFIX_BYTES: usize = 256 * 1024;

/// Where a photo's capture time came from, most trustworthy first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateSource {
    /// EXIF (or XMP) DateTimeOriginal: the moment the shutter was pressed.
    Exif,
    /// EXIF DateTimeDigitized / XMP CreateDate, or as a last EXIF resort IFD0 DateTime.
    ExifDigitized,
    /// A date written in the file name by a phone or messenger.
    Filename,
    /// The file's modification time: only says when the file was last written.
    FileModified,
}

impl DateSource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Exif => "exif",
            Self::ExifDigitized => "exif_digitized",
            Self::Filename => "filename",
            Self::FileModified => "file_modified",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Exif,
            Self::ExifDigitized,
            Self::Filename,
            Self::FileModified,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// A capture time and where it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CaptureTime {
    pub at: Timestamp,
    pub source: DateSource,
}

/// A GPS position in signed decimal degrees (south and west negative), altitude in metres.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Gps {
    pub lat: f64,
    pub lon: f64,
    pub alt: Option<f64>,
}

impl Gps {
    /// Rejects impossible coordinates and the (0, 0) "no fix" value some cameras write.
    pub fn new(lat: f64, lon: f64, alt: Option<f64>) -> Option<Self> {
        let valid = lat.is_finite()
            && lon.is_finite()
            && (-90.0..=90.0).contains(&lat)
            && (-180.0..=180.0).contains(&lon)
            && !(lat == 0.0 && lon == 0.0);
        let alt = alt.filter(|a| a.is_finite() && a.abs() < 100_000.0);
        valid.then_some(Self { lat, lon, alt })
    }
}

/// Everything Photo Atlas reads from a photo file's metadata.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PhotoMetadata {
    pub date_time_original: Option<Timestamp>,
    pub date_time_digitized: Option<Timestamp>,
    pub date_time_ifd0: Option<Timestamp>,
    pub gps: Option<Gps>,
    /// EXIF orientation 1-8; `None` when the file does not say.
    pub orientation: Option<u8>,
    pub make: Option<String>,
    pub model: Option<String>,
    /// Pixel size from the image header (what a decoder will produce).
    pub width: Option<u32>,
    pub height: Option<u32>,
    exif_width: Option<u32>,
    exif_height: Option<u32>,
    /// Problems met while reading metadata (broken EXIF block ...), as sentences.
    pub warnings: Vec<String>,
}

impl PhotoMetadata {
    /// Pixel size: the image header's, else the one EXIF claims (HEIC, RAW).
    pub fn pixel_size(&self) -> Option<(u32, u32)> {
        match (self.width, self.height) {
            (Some(w), Some(h)) => Some((w, h)),
            _ => self.exif_width.zip(self.exif_height),
        }
    }

    /// The best capture time: metadata, then the file name, then the file's mtime.
    pub fn capture_time(
        &self,
        file_name: &str,
        modified: Option<SystemTime>,
    ) -> Option<CaptureTime> {
        let from = |at: Option<Timestamp>, source| at.map(|at| CaptureTime { at, source });
        from(self.date_time_original, DateSource::Exif)
            .or_else(|| from(self.date_time_digitized, DateSource::ExifDigitized))
            .or_else(|| from(self.date_time_ifd0, DateSource::ExifDigitized))
            .or_else(|| from(date_from_file_name(file_name), DateSource::Filename))
            .or_else(|| from(modified.map(system_time_to_local), DateSource::FileModified))
    }
}

fn system_time_to_local(t: SystemTime) -> Timestamp {
    let local: DateTime<Local> = t.into();
    Timestamp::new(local.naive_local(), Some(*local.offset()))
}

/// Reads metadata from the bytes of a file (all of it, or a prefix of it).
/// Never fails: what cannot be read is left empty and explained in `warnings`.
pub fn read_from_bytes(data: &[u8]) -> PhotoMetadata {
    let mut meta = PhotoMetadata::default();
    let exif = match parse_exif(&mut Cursor::new(data)) {
        Err(ExifFailure::Missing) => embedded_jpeg_exif(data).ok_or(ExifFailure::Missing),
        other => other,
    };
    match exif {
        Ok((exif, errors)) => {
            exif_fields::fill_from_exif(&exif, &mut meta);
            if let Some(first) = errors.first() {
                meta.warnings
                    .push(format!("part of the EXIF block is damaged ({first})"));
            }
        }
        Err(ExifFailure::Missing) => {}
        Err(ExifFailure::Broken(reason)) => {
            meta.warnings
                .push(format!("the EXIF block cannot be read ({reason})"));
        }
    }
    if meta.date_time_original.is_none() || meta.orientation.is_none() {
        let xmp = xmp::read_xmp_dates(data);
        meta.date_time_original = meta.date_time_original.or(xmp.original);
        meta.date_time_digitized = meta.date_time_digitized.or(xmp.digitized);
        meta.orientation = meta.orientation.or(xmp.orientation);
    }
    if meta.date_time_original.is_none() || meta.date_time_digitized.is_none() {
        let iptc = iptc::read_iptc_dates(data);
        meta.date_time_original = meta.date_time_original.or(iptc.created);
        meta.date_time_digitized = meta.date_time_digitized.or(iptc.digitised);
    }
    if meta.date_time_original.is_none() {
        let vendor = vendor::read_vendor_blocks(data);
        meta.date_time_original = vendor.date_time_original;
        meta.make = meta.make.take().or(vendor.make);
        meta.model = meta.model.take().or(vendor.model);
    }
    if let Ok((w, h)) = image::ImageReader::new(Cursor::new(data))
        .with_guessed_format()
        .map_err(|_| ())
        .and_then(|r| r.into_dimensions().map_err(|_| ()))
    {
        meta.width = Some(w);
        meta.height = Some(h);
    }
    meta
}

enum ExifFailure {
    Missing,
    Broken(String),
}

/// A container kamadak-exif does not know (Fuji RAF, some other RAWs) that holds
/// a JPEG preview carrying the camera's EXIF block: that block.
fn embedded_jpeg_exif(data: &[u8]) -> Option<(exif::Exif, Vec<exif::Error>)> {
    if data.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let window = &data[..data.len().min(METADATA_PREFIX_BYTES)];
    memchr::memmem::find_iter(window, b"\xFF\xD8\xFF\xE1")
        .filter(|&at| data.get(at + 6..at + 12) == Some(b"Exif\0\0"))
        .find_map(|at| parse_exif(&mut Cursor::new(&data[at..])).ok())
}

fn parse_exif<R: std::io::BufRead + std::io::Seek>(
    reader: &mut R,
) -> Result<(exif::Exif, Vec<exif::Error>), ExifFailure> {
    let mut r = exif::Reader::new();
    r.continue_on_error(true);
    match r.read_from_container(reader) {
        Ok(exif) => Ok((exif, Vec::new())),
        Err(exif::Error::PartialResult(partial)) => Ok(partial.into_inner()),
        Err(exif::Error::NotFound(_)) => Err(ExifFailure::Missing),
        Err(exif::Error::InvalidFormat(msg)) if msg.contains("Unknown image format") => {
            Err(ExifFailure::Missing)
        }
        Err(e) => Err(ExifFailure::Broken(e.to_string())),
    }
}

/// Why a file's metadata could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum MetadataError {
    #[error("the file cannot be read: {0}")]
    Io(#[from] std::io::Error),
}

/// Reads a photo file's metadata, reading only its first [`METADATA_PREFIX_BYTES`]
/// unless the metadata lies further in (HEIF boxes at the end, large TIFF/RAW files).
pub fn read_file(path: &Path) -> Result<PhotoMetadata, MetadataError> {
    let file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    let mut prefix = Vec::with_capacity(METADATA_PREFIX_BYTES.min(len as usize));
    file.take(METADATA_PREFIX_BYTES as u64)
        .read_to_end(&mut prefix)?;
    let meta = read_from_bytes(&prefix);
    let whole_file_read = prefix.len() as u64 >= len;
    if whole_file_read || !needs_whole_file(&meta) {
        return Ok(meta);
    }
    let mut reader = BufReader::new(std::fs::File::open(path)?);
    let mut full = Vec::new();
    reader.read_to_end(&mut full)?;
    Ok(read_from_bytes(&full))
}

/// A prefix read found nothing where a whole read may: no EXIF at all, or a damaged
/// block that may only be cut short by the prefix, or no pixel size.
fn needs_whole_file(meta: &PhotoMetadata) -> bool {
    let no_exif = meta.date_time_original.is_none()
        && meta.date_time_digitized.is_none()
        && meta.orientation.is_none()
        && meta.make.is_none();
    no_exif || !meta.warnings.is_empty() || meta.pixel_size().is_none()
}

/// ExifTool's reading of bytes the tests write, when exiftool is installed.
#[cfg(test)]
mod exiftool_check {
    /// ExifTool's DateTimeOriginal for a file made of `bytes`; `None` without exiftool.
    pub fn date_time_original(bytes: &[u8]) -> Option<String> {
        let dir = tempfile::tempdir().ok()?;
        let path = dir.path().join("written.jpg");
        std::fs::write(&path, bytes).ok()?;
        let out = std::process::Command::new("exiftool")
            .args(["-s3", "-DateTimeOriginal"])
            .arg(&path)
            .output()
            .ok()?;
        Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gps_rejects_impossible_positions() {
        assert!(Gps::new(91.0, 0.0, None).is_none());
        assert!(Gps::new(0.0, 181.0, None).is_none());
        assert!(Gps::new(0.0, 0.0, None).is_none());
        assert!(Gps::new(f64::NAN, 1.0, None).is_none());
        let g = Gps::new(-33.9, 151.2, Some(f64::INFINITY)).expect("valid position");
        assert_eq!(g.alt, None);
    }

    #[test]
    fn capture_time_falls_back_in_order() {
        let mut meta = PhotoMetadata::default();
        let mtime = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_600_000_000);
        let t = meta
            .capture_time("holiday.jpg", Some(mtime))
            .expect("mtime fallback");
        assert_eq!(t.source, DateSource::FileModified);
        assert!(t.at.offset.is_some());

        let t = meta
            .capture_time("IMG_20200101_123456.jpg", Some(mtime))
            .expect("name");
        assert_eq!(
            (t.source, t.at.to_iso().as_str()),
            (DateSource::Filename, "2020-01-01T12:34:56")
        );

        meta.date_time_ifd0 = parse_exif_datetime("2019:05:05 10:00:00");
        let t = meta
            .capture_time("IMG_20200101_123456.jpg", None)
            .expect("ifd0");
        assert_eq!(t.source, DateSource::ExifDigitized);

        meta.date_time_original = parse_exif_datetime("2018:01:01 09:00:00");
        let t = meta
            .capture_time("IMG_20200101_123456.jpg", None)
            .expect("original");
        assert_eq!(
            (t.source, t.at.to_iso().as_str()),
            (DateSource::Exif, "2018-01-01T09:00:00")
        );
    }

    #[test]
    fn garbage_bytes_give_empty_metadata_not_a_panic() {
        let meta = read_from_bytes(b"\xff\xd8\xff\xe1\x00\x10Exif\0\0II*\0garbage");
        assert_eq!(meta.date_time_original, None);
        assert_eq!(read_from_bytes(&[]).gps, None);
    }
}
