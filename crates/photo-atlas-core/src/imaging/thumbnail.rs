//! Thumbnails: made once per (path, size, mtime), kept as small JPEGs in the
//! cache folder, written atomically so a crash never leaves half a file behind.

use std::path::{Path, PathBuf};

use image::{DynamicImage, RgbImage, metadata::Orientation};
use xxhash_rust::xxh3::xxh3_64;

use super::ImagingError;
use super::decode::decode_stored;
use crate::library::PhotoKind;

/// Longest side of a cached thumbnail, in pixels.
pub const THUMBNAIL_SIZE: u32 = 256;
/// Bump when the thumbnail recipe changes, so old ones are not reused.
const THUMBNAIL_VERSION: u32 = 1;
const JPEG_QUALITY: u8 = 85;

/// Decodes at reduced size (or takes a HEIF file's own thumbnail), shrinks to
/// fit `max_side` and turns the picture upright.
pub fn make_thumbnail(
    data: &[u8],
    kind: PhotoKind,
    orientation: Option<u8>,
    max_side: u32,
) -> Result<RgbImage, ImagingError> {
    let mut stored = decode_stored(data, kind, Some(max_side), true)?;
    let img = &stored.image;
    let (w, h) = fit_within(img.width(), img.height(), max_side);
    if (w, h) != img.dimensions() {
        stored.image = image::imageops::thumbnail(img, w, h);
    }
    Ok(stored.upright(orientation))
}

/// Rotates / mirrors an image as its EXIF orientation (1-8) says.
pub fn apply_orientation(img: RgbImage, orientation: Option<u8>) -> RgbImage {
    match orientation.and_then(Orientation::from_exif) {
        Some(o) if o != Orientation::NoTransforms => {
            let mut dynamic = DynamicImage::ImageRgb8(img);
            dynamic.apply_orientation(o);
            dynamic.into_rgb8()
        }
        _ => img,
    }
}

/// The largest size with the same aspect ratio whose longest side is at most `max_side`.
pub fn fit_within(width: u32, height: u32, max_side: u32) -> (u32, u32) {
    let longest = width.max(height);
    if longest <= max_side || longest == 0 {
        return (width.max(1), height.max(1));
    }
    let scale = f64::from(max_side) / f64::from(longest);
    let w = (f64::from(width) * scale).round().max(1.0) as u32;
    let h = (f64::from(height) * scale).round().max(1.0) as u32;
    (w, h)
}

/// The on-disk cache of thumbnails.
#[derive(Clone, Debug)]
pub struct ThumbnailCache {
    dir: PathBuf,
}

impl ThumbnailCache {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// Where the thumbnail of this version of this file lives (whether or not it exists).
    pub fn path_for(&self, photo_path: &Path, size: u64, mtime_ns: i64) -> PathBuf {
        let photo_path = photo_path.to_string_lossy();
        let key =
            format!("{photo_path}\0{size}\0{mtime_ns}\0{THUMBNAIL_VERSION}\0{THUMBNAIL_SIZE}");
        let hash = format!("{:016x}", xxh3_64(key.as_bytes()));
        self.dir.join(&hash[..2]).join(format!("{hash}.jpg"))
    }

    /// Writes a thumbnail atomically (temporary file, then rename).
    pub fn store(&self, target: &Path, thumb: &RgbImage) -> Result<(), ImagingError> {
        let dir = target.parent().unwrap_or(&self.dir);
        std::fs::create_dir_all(dir)?;
        // Encoded in memory first: the encoder writes in tiny pieces.
        let mut encoded = Vec::with_capacity(32 * 1024);
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut encoded, JPEG_QUALITY)
            .encode_image(thumb)
            .map_err(|e| ImagingError::Encode(e.to_string()))?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        std::io::Write::write_all(&mut tmp, &encoded)?;
        tmp.persist(target).map_err(|e| ImagingError::Io(e.error))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_keeps_aspect_ratio() {
        assert_eq!(fit_within(4000, 3000, 256), (256, 192));
        assert_eq!(fit_within(3000, 4000, 256), (192, 256));
        assert_eq!(fit_within(100, 50, 256), (100, 50));
        assert_eq!(fit_within(10_000, 1, 256), (256, 1));
    }

    #[test]
    fn orientation_6_turns_landscape_into_portrait() {
        let img = RgbImage::new(40, 20);
        assert_eq!(
            apply_orientation(img.clone(), Some(6)).dimensions(),
            (20, 40)
        );
        assert_eq!(
            apply_orientation(img.clone(), Some(3)).dimensions(),
            (40, 20)
        );
        assert_eq!(apply_orientation(img, None).dimensions(), (40, 20));
    }

    #[test]
    fn cache_key_changes_with_size_and_mtime() {
        let cache = ThumbnailCache::new("/c");
        let a = cache.path_for(Path::new("/p/a.jpg"), 1, 2);
        assert_ne!(a, cache.path_for(Path::new("/p/a.jpg"), 1, 3));
        assert_ne!(a, cache.path_for(Path::new("/p/a.jpg"), 2, 2));
        assert_eq!(a, cache.path_for(Path::new("/p/a.jpg"), 1, 2));
    }
}
