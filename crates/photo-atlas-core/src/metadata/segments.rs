//! The APPn segments of a JPEG file, up to its image data: where cameras put
//! their own blocks (Canon CIFF, Casio QVCI, FLIR FFF) beside EXIF and XMP.

/// `(marker, payload)` for each segment before the first scan; stops at the
/// first malformed one.
pub fn jpeg_segments(data: &[u8]) -> impl Iterator<Item = (u8, &[u8])> {
    let mut pos = if data.starts_with(&[0xFF, 0xD8]) {
        2
    } else {
        data.len()
    };
    std::iter::from_fn(move || {
        let header = data.get(pos..pos + 4)?;
        if header[0] != 0xFF || header[1] == 0xDA {
            return None;
        }
        let len = usize::from(u16::from_be_bytes([header[2], header[3]]));
        let body = data.get(pos + 4..(pos + 2 + len).max(pos + 4))?;
        pos += 2 + len.max(2);
        Some((header[1], body))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_until_the_scan_and_none_past_a_bad_length() {
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE1, 0, 5, b'a', b'b', b'c'];
        jpeg.extend([0xFF, 0xE0, 0, 2, 0xFF, 0xDA, 0, 2]);
        let found: Vec<_> = jpeg_segments(&jpeg).collect();
        assert_eq!(found, vec![(0xE1, &b"abc"[..]), (0xE0, &b""[..])]);
        let cut = [0xFF, 0xD8, 0xFF, 0xE1, 0x40, 0x00, 1, 2];
        assert_eq!(jpeg_segments(&cut).count(), 0);
        assert_eq!(jpeg_segments(b"not a jpeg").count(), 0);
    }
}
