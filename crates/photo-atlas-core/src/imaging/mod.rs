//! Pixels: decoding photos (at reduced size where possible), turning them
//! upright, and the thumbnail cache.

mod decode;
#[cfg(feature = "heif")]
mod heif;
mod raw;
mod thumbnail;

pub use decode::{MAX_DECODED_PIXELS, MAX_DECODED_SIDE, check_size, decode};
pub use thumbnail::{
    THUMBNAIL_SIZE, ThumbnailCache, apply_orientation, fit_within, make_thumbnail,
};

use crate::library::PhotoKind;

/// The stored size of a HEIF file's primary image (its `ispe` box, before the
/// HEIF rotation): the width and height ExifTool reports. `None` without libheif.
pub fn heif_stored_size(data: &[u8]) -> Option<(u32, u32)> {
    #[cfg(feature = "heif")]
    return heif::stored_size(data);
    #[cfg(not(feature = "heif"))]
    return {
        let _ = data;
        None
    };
}

/// Why a photo's pixels could not be turned into an image.
#[derive(Debug, thiserror::Error)]
pub enum ImagingError {
    #[error("{}", .0.why_not_decodable().unwrap_or("this kind of file cannot be shown"))]
    Unsupported(PhotoKind),
    #[error("this RAW file holds no JPEG preview, and Photo Atlas does not develop RAW data")]
    NoPreview,
    #[error(
        "the image is larger than the {MAX_DECODED_SIDE} pixels a side Photo Atlas decodes ({0})"
    )]
    SideTooLong(String),
    #[error("no decoder for this image's codec is installed ({0})")]
    MissingCodec(String),
    #[error("the file is empty (0 bytes)")]
    Empty,
    #[error("the file is truncated: it ends before the image data does")]
    Truncated,
    #[error(
        "the image is {width} x {height} pixels, more than the {} megapixels Photo Atlas decodes",
        MAX_DECODED_PIXELS / 1_000_000
    )]
    TooLarge { width: u32, height: u32 },
    #[error("the image data is damaged or not an image: {0}")]
    Decode(String),
    #[error("the thumbnail could not be encoded: {0}")]
    Encode(String),
    #[error("the thumbnail could not be written: {0}")]
    Io(#[from] std::io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(img: &image::RgbImage, format: image::ImageFormat) -> Vec<u8> {
        let mut buf = std::io::Cursor::new(Vec::new());
        img.write_to(&mut buf, format).expect("encode");
        buf.into_inner()
    }

    #[test]
    fn jpeg_is_decoded_at_reduced_size_and_png_in_full() {
        let img = image::RgbImage::from_fn(2048, 1024, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 7])
        });
        let jpeg = encode(&img, image::ImageFormat::Jpeg);
        let small = decode(&jpeg, PhotoKind::Jpeg, None, Some(256)).expect("decode");
        assert_eq!((small.width(), small.height()), (256, 128));
        let thumb = make_thumbnail(&jpeg, PhotoKind::Jpeg, Some(6), 256).expect("thumb");
        assert_eq!(thumb.dimensions(), (128, 256));
        let png = encode(&img, image::ImageFormat::Png);
        assert_eq!(
            decode(&png, PhotoKind::Png, None, Some(256))
                .expect("png")
                .width(),
            2048
        );
    }

    #[test]
    fn bad_input_gives_clear_errors() {
        assert!(matches!(
            decode(&[], PhotoKind::Jpeg, None, None),
            Err(ImagingError::Empty)
        ));
        let not_heif = decode(b"abc", PhotoKind::Heif, None, None).expect_err("not a HEIF");
        assert!(!not_heif.to_string().is_empty());
        assert!(matches!(
            decode(b"II*\0 no preview here", PhotoKind::Raw, None, None),
            Err(ImagingError::NoPreview)
        ));
        let img = image::RgbImage::from_fn(64, 64, |x, _| image::Rgb([x as u8, 0, 0]));
        let jpeg = encode(&img, image::ImageFormat::Jpeg);
        let cut = &jpeg[..jpeg.len() / 2];
        let err = decode(cut, PhotoKind::Jpeg, None, None).expect_err("truncated");
        assert!(matches!(err, ImagingError::Truncated), "{err}");
        assert!(matches!(
            decode(b"\xff\xd8\xffnot really", PhotoKind::Jpeg, None, None),
            Err(ImagingError::Decode(_))
        ));
    }

    #[test]
    fn a_raw_whose_preview_is_cut_short_is_an_error() {
        let img = image::RgbImage::from_fn(400, 300, |x, y| image::Rgb([x as u8, y as u8, 3]));
        let preview = encode(&img, image::ImageFormat::Jpeg);
        let mut raw = b"II*\0\x08\0\0\0".to_vec();
        raw.extend(&preview[..preview.len() / 3]);
        let err = decode(&raw, PhotoKind::Raw, Some(6), None).expect_err("cut preview");
        assert!(
            matches!(err, ImagingError::Truncated | ImagingError::Decode(_)),
            "{err}"
        );
        raw.truncate(8);
        raw.extend(&preview);
        raw.extend([0u8; 5000]);
        let whole = decode(&raw, PhotoKind::Raw, Some(6), None).expect("whole preview");
        assert_eq!(whole.dimensions(), (300, 400), "orientation 6 turns it");
    }

    #[test]
    fn size_limit_refuses_bombs_with_a_message() {
        let err = check_size(30_000, 30_000).expect_err("too large");
        assert!(err.to_string().contains("30000 x 30000"), "{err}");
        assert!(check_size(16_384, 16_384).is_ok());
    }
}
