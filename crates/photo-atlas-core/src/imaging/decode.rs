//! Decoding photos for display and thumbnails, as cheaply as the target size allows:
//! JPEGs are decoded at 1/2, 1/4 or 1/8 scale straight from their DCT coefficients,
//! HEIF thumbnails come from the file's own thumbnail item, RAW files show their
//! camera's JPEG preview, and every image is measured before it is decoded so a
//! decompression bomb is refused with a clear message instead of eating all memory.

use std::io::Cursor;

use image::{DynamicImage, ImageReader, RgbImage};

use super::{ImagingError, apply_orientation, raw};
use crate::library::PhotoKind;

/// The most pixels Photo Atlas decodes in one image (16384 x 16384).
pub const MAX_DECODED_PIXELS: u64 = 16_384 * 16_384;
/// The longest side libheif is allowed to decode (its own size limit).
pub const MAX_DECODED_SIDE: u32 = 16_384;

/// Decodes `data` and turns it upright (EXIF `orientation`, or the HEIF transforms),
/// so that both sides are at least `min_side` where the source allows (JPEGs and
/// RAW previews are decoded at reduced size), or at full size when it is `None`.
pub fn decode(
    data: &[u8],
    kind: PhotoKind,
    orientation: Option<u8>,
    min_side: Option<u32>,
) -> Result<RgbImage, ImagingError> {
    let stored = decode_stored(data, kind, min_side, false)?;
    Ok(stored.upright(orientation))
}

/// A decoded picture as the file stores it, and whether it still needs its EXIF
/// orientation applied (libheif has already applied the HEIF transforms).
pub(super) struct Stored {
    pub image: RgbImage,
    pub needs_orientation: bool,
}

impl Stored {
    pub fn upright(self, orientation: Option<u8>) -> RgbImage {
        if self.needs_orientation {
            apply_orientation(self.image, orientation)
        } else {
            self.image
        }
    }
}

/// Decodes without turning; `for_thumbnail` lets a HEIF file answer with its
/// own thumbnail item when that is at least `min_side` on its longest side.
pub(super) fn decode_stored(
    data: &[u8],
    kind: PhotoKind,
    min_side: Option<u32>,
    for_thumbnail: bool,
) -> Result<Stored, ImagingError> {
    if data.is_empty() {
        return Err(ImagingError::Empty);
    }
    let stored = |image: DynamicImage| Stored {
        image: image.into_rgb8(),
        needs_orientation: true,
    };
    match kind {
        PhotoKind::Heif => decode_heif(data, min_side.filter(|_| for_thumbnail)),
        PhotoKind::Raw => decode_raw_preview(data, min_side).map(stored),
        _ => decode_image(data, min_side).map(stored),
    }
}

#[cfg(feature = "heif")]
fn decode_heif(data: &[u8], thumbnail_side: Option<u32>) -> Result<Stored, ImagingError> {
    super::heif::decode(data, thumbnail_side).map(|image| Stored {
        image,
        needs_orientation: false,
    })
}

#[cfg(not(feature = "heif"))]
fn decode_heif(_: &[u8], _: Option<u32>) -> Result<Stored, ImagingError> {
    Err(ImagingError::Unsupported(PhotoKind::Heif))
}

/// The largest embedded JPEG preview that decodes.
fn decode_raw_preview(data: &[u8], min_side: Option<u32>) -> Result<DynamicImage, ImagingError> {
    let mut first_error = None;
    for preview in raw::previews(data) {
        match decode_image(&data[preview.start..], min_side) {
            Ok(img) => return Ok(img),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or(ImagingError::NoPreview))
}

/// JPEG (scaled where possible), PNG, WebP, TIFF, GIF, BMP.
fn decode_image(data: &[u8], min_side: Option<u32>) -> Result<DynamicImage, ImagingError> {
    if is_jpeg(data) {
        match decode_jpeg_scaled(data, min_side) {
            Ok(Some(img)) => return Ok(img),
            Ok(None) => {}
            // A second, more lenient decoder often reads what the first refuses.
            Err(ImagingError::Decode(first)) => {
                return decode_generic(data).map_err(|_| ImagingError::Decode(first));
            }
            Err(e) => return Err(e),
        }
    }
    decode_generic(data)
}

fn is_jpeg(data: &[u8]) -> bool {
    data.starts_with(&[0xFF, 0xD8, 0xFF])
}

/// A JPEG whose entropy-coded data stops before the end-of-image marker.
fn looks_truncated(data: &[u8]) -> bool {
    let tail = &data[data.len().saturating_sub(4096)..];
    !tail.windows(2).any(|w| w == [0xFF, 0xD9])
}

/// Whether the decoder, having read up to `read`, stopped on the end-of-image
/// marker (a JPEG inside a RAW file is followed by other data, so its end is
/// where the decoder stopped, not where the buffer ends).
fn stopped_at_end_marker(data: &[u8], read: u64) -> bool {
    let read = usize::try_from(read).unwrap_or(usize::MAX).min(data.len());
    read >= 2 && data[read - 2..read] == [0xFF, 0xD9]
}

/// Decodes a JPEG with DCT scaling; `Ok(None)` hands over to the generic decoder
/// (CMYK and other layouts it does not convert itself).
fn decode_jpeg_scaled(
    data: &[u8],
    min_side: Option<u32>,
) -> Result<Option<DynamicImage>, ImagingError> {
    let mut cursor = Cursor::new(data);
    let mut decoder = jpeg_decoder::Decoder::new(&mut cursor);
    decoder
        .read_info()
        .map_err(|e| ImagingError::Decode(e.to_string()))?;
    let Some(info) = decoder.info() else {
        return Ok(None);
    };
    let (mut w, mut h) = (info.width, info.height);
    if let Some(side) = min_side {
        let req = side.min(u32::from(u16::MAX)) as u16;
        (w, h) = decoder
            .scale(req, req)
            .map_err(|e| ImagingError::Decode(e.to_string()))?;
    }
    check_size(u32::from(w), u32::from(h))?;
    let pixels = decoder.decode().map_err(|e| jpeg_error(data, e))?;
    drop(decoder);
    if !stopped_at_end_marker(data, cursor.position()) && looks_truncated(data) {
        return Err(ImagingError::Truncated);
    }
    let (w, h) = (u32::from(w), u32::from(h));
    let img = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => {
            RgbImage::from_raw(w, h, pixels).map(DynamicImage::ImageRgb8)
        }
        jpeg_decoder::PixelFormat::L8 => {
            image::GrayImage::from_raw(w, h, pixels).map(DynamicImage::ImageLuma8)
        }
        _ => return Ok(None),
    };
    img.map(Some)
        .ok_or_else(|| ImagingError::Decode("the decoder returned too few pixels".into()))
}

fn jpeg_error(data: &[u8], e: jpeg_decoder::Error) -> ImagingError {
    if looks_truncated(data) {
        ImagingError::Truncated
    } else {
        ImagingError::Decode(e.to_string())
    }
}

fn decode_generic(data: &[u8]) -> Result<DynamicImage, ImagingError> {
    let reader = || ImageReader::new(Cursor::new(data)).with_guessed_format();
    let (w, h) = reader()?
        .into_dimensions()
        .map_err(|e| ImagingError::Decode(e.to_string()))?;
    check_size(w, h)?;
    let mut r = reader()?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(4 * MAX_DECODED_PIXELS);
    r.limits(limits);
    r.decode().map_err(|e| match e {
        image::ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            ImagingError::Truncated
        }
        other => ImagingError::Decode(other.to_string()),
    })
}

/// Refuses images larger than [`MAX_DECODED_PIXELS`].
pub fn check_size(width: u32, height: u32) -> Result<(), ImagingError> {
    if u64::from(width) * u64::from(height) > MAX_DECODED_PIXELS {
        return Err(ImagingError::TooLarge { width, height });
    }
    Ok(())
}
