//! Decoding photos for display and thumbnails, as cheaply as the target size allows:
//! JPEGs are decoded at 1/2, 1/4 or 1/8 scale straight from their DCT coefficients,
//! and every image is measured before it is decoded so a decompression bomb is
//! refused with a clear message instead of eating all memory.

use std::io::Cursor;

use image::{DynamicImage, ImageReader, RgbImage};

use super::ImagingError;
use crate::library::PhotoKind;

/// The most pixels Photo Atlas decodes in one image (16384 x 16384).
pub const MAX_DECODED_PIXELS: u64 = 16_384 * 16_384;

/// Decodes `data` so that both sides are at least `min_side` where the source allows
/// (JPEGs are decoded at reduced size), or at full size when `min_side` is `None`.
pub fn decode(
    data: &[u8],
    kind: PhotoKind,
    min_side: Option<u32>,
) -> Result<DynamicImage, ImagingError> {
    if !kind.is_decodable() {
        return Err(ImagingError::Unsupported(kind));
    }
    if data.is_empty() {
        return Err(ImagingError::Empty);
    }
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

/// Decodes a JPEG with DCT scaling; `Ok(None)` hands over to the generic decoder
/// (CMYK and other layouts it does not convert itself).
fn decode_jpeg_scaled(
    data: &[u8],
    min_side: Option<u32>,
) -> Result<Option<DynamicImage>, ImagingError> {
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(data));
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
    if looks_truncated(data) {
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
