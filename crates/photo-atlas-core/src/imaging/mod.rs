//! Pixels: decoding photos (at reduced size where possible), turning them
//! upright, and the thumbnail cache.

mod decode;
mod thumbnail;

pub use decode::{MAX_DECODED_PIXELS, check_size, decode};
pub use thumbnail::{
    THUMBNAIL_SIZE, ThumbnailCache, apply_orientation, fit_within, make_thumbnail,
};

use crate::library::PhotoKind;

/// Why a photo's pixels could not be turned into an image.
#[derive(Debug, thiserror::Error)]
pub enum ImagingError {
    #[error("previews of {} files are not supported yet", .0.as_str().to_uppercase())]
    Unsupported(PhotoKind),
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
        let small = decode(&jpeg, PhotoKind::Jpeg, Some(256)).expect("decode");
        assert_eq!((small.width(), small.height()), (256, 128));
        let thumb = make_thumbnail(&jpeg, PhotoKind::Jpeg, Some(6), 256).expect("thumb");
        assert_eq!(thumb.dimensions(), (128, 256));
        let png = encode(&img, image::ImageFormat::Png);
        assert_eq!(
            decode(&png, PhotoKind::Png, Some(256))
                .expect("png")
                .width(),
            2048
        );
    }

    #[test]
    fn bad_input_gives_clear_errors() {
        assert!(matches!(
            decode(&[], PhotoKind::Jpeg, None),
            Err(ImagingError::Empty)
        ));
        assert!(matches!(
            decode(b"abc", PhotoKind::Heif, None),
            Err(ImagingError::Unsupported(_))
        ));
        let img = image::RgbImage::from_fn(64, 64, |x, _| image::Rgb([x as u8, 0, 0]));
        let jpeg = encode(&img, image::ImageFormat::Jpeg);
        let cut = &jpeg[..jpeg.len() / 2];
        let err = decode(cut, PhotoKind::Jpeg, None).expect_err("truncated");
        assert!(matches!(err, ImagingError::Truncated), "{err}");
        assert!(matches!(
            decode(b"\xff\xd8\xffnot really", PhotoKind::Jpeg, None),
            Err(ImagingError::Decode(_))
        ));
    }

    #[test]
    fn size_limit_refuses_bombs_with_a_message() {
        let err = check_size(30_000, 30_000).expect_err("too large");
        assert!(err.to_string().contains("30000 x 30000"), "{err}");
        assert!(check_size(16_384, 16_384).is_ok());
    }
}
