//! Camera RAW files (NEF, CR2, CR3, ARW, DNG, ORF, RW2, RAF, PEF, SRW ...): the
//! camera's own JPEG preview, the largest the file holds. No demosaicing: the
//! preview is what the camera showed on its screen, and it is in every RAW
//! format a camera writes today.
//!
//! The previews are found by their JPEG headers rather than by walking each
//! maker's container (TIFF IFDs and SubIFDs for NEF/ARW/DNG, ISO boxes for CR3,
//! Fuji's own header for RAF): one reader serves all of them, and every
//! candidate is checked by parsing its header, so the sensor data that some
//! formats store as lossless JPEG is never mistaken for a picture.

use std::io::Cursor;

use memchr::memmem;

/// Embedded pictures smaller than this (longest side) are EXIF thumbnails, not previews.
const MIN_PREVIEW_SIDE: u16 = 160;
/// At most this many JPEG headers are examined in one file.
const MAX_CANDIDATES: usize = 64;

/// An embedded JPEG: where it starts and how big its picture is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preview {
    pub start: usize,
    pub width: u16,
    pub height: u16,
}

/// The embedded previews of a RAW file, largest first.
pub fn previews(data: &[u8]) -> Vec<Preview> {
    let mut found: Vec<Preview> = memmem::find_iter(data, b"\xFF\xD8\xFF")
        .take(MAX_CANDIDATES * 16)
        .filter_map(|start| preview_at(data, start))
        .take(MAX_CANDIDATES)
        .collect();
    found.sort_by_key(|p| std::cmp::Reverse(u32::from(p.width) * u32::from(p.height)));
    found
}

/// A JPEG picture (not lossless sensor data, not a tiny thumbnail) starting at `start`.
fn preview_at(data: &[u8], start: usize) -> Option<Preview> {
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(&data[start..]));
    decoder.read_info().ok()?;
    let info = decoder.info()?;
    let picture = matches!(
        info.coding_process,
        jpeg_decoder::CodingProcess::DctSequential | jpeg_decoder::CodingProcess::DctProgressive
    );
    let usable = matches!(
        info.pixel_format,
        jpeg_decoder::PixelFormat::RGB24 | jpeg_decoder::PixelFormat::L8
    );
    (picture && usable && info.width.max(info.height) >= MIN_PREVIEW_SIDE).then_some(Preview {
        start,
        width: info.width,
        height: info.height,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x * 7) as u8, (y * 5) as u8, 90])
        });
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
            .encode_image(&img)
            .expect("encode");
        out
    }

    /// A fake RAW: a TIFF-like header, sensor bytes, a small and a large preview.
    fn fake_raw() -> Vec<u8> {
        let mut raw = b"II*\0\x08\0\0\0".to_vec();
        raw.extend((0..5000u32).map(|i| (i * 31 % 251) as u8));
        raw.extend(jpeg(160, 120));
        raw.extend((0..3000u32).map(|i| (i * 17 % 241) as u8));
        raw.extend(jpeg(640, 480));
        raw.extend([0u8; 100]);
        raw
    }

    #[test]
    fn the_largest_preview_is_chosen() {
        let raw = fake_raw();
        let found = previews(&raw);
        let sizes: Vec<_> = found.iter().map(|p| (p.width, p.height)).collect();
        assert_eq!(sizes, vec![(640, 480), (160, 120)]);
        let img = image::load_from_memory(&raw[found[0].start..]).expect("decodes");
        assert_eq!((img.width(), img.height()), (640, 480));
    }

    #[test]
    fn garbage_and_cut_headers_are_not_previews() {
        let mut raw = b"II*\0\x08\0\0\0".to_vec();
        // A JPEG start marker whose header is garbage, and one cut before its frame header.
        raw.extend(b"\xFF\xD8\xFF\xE0garbage");
        raw.extend(&jpeg(400, 300)[..20]);
        assert_eq!(previews(&raw), Vec::new());
    }
}
