//! Capture dates (and camera names) kept in vendor blocks instead of EXIF, which
//! ExifTool reads and a photo organizer must too, or old photos lose their date:
//! * Olympus / Sanyo "[picture info]" text blocks (`TimeDate=` Unix seconds), 1990s cameras;
//! * Canon CIFF heaps in an APP0 segment (PowerShot A5 era): TimeStamp and MakeModel;
//! * Reconyx HyperFire trail-camera maker notes;
//! * Casio QV-7000SX "QVCI" APP1 segments;
//! * FLIR thermal cameras' FFF records (in `flir.rs`).
//!
//! Camera clocks have no time zone: their "Unix seconds" encode the wall-clock time
//! as if it were UTC, so they are decoded as UTC and kept without an offset.

use std::sync::LazyLock;

use chrono::DateTime;
use regex::bytes::Regex;

use super::flir::flir_date;
use super::segments::jpeg_segments;
use super::timestamp::Timestamp;

static PICTURE_INFO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[picture info\]\r?\nTimeDate=(\d{1,10})").expect("valid pattern")
});

/// What a vendor block told us.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct VendorInfo {
    pub date_time_original: Option<Timestamp>,
    pub make: Option<String>,
    pub model: Option<String>,
}

/// Looks for the vendor blocks Photo Atlas understands in a file's first bytes.
pub fn read_vendor_blocks(data: &[u8]) -> VendorInfo {
    let mut info = ciff_in_jpeg(data).unwrap_or_default();
    info.date_time_original = info
        .date_time_original
        .or_else(|| casio_qvci_date(data))
        .or_else(|| flir_date(data));
    if info.date_time_original.is_none() {
        info.date_time_original = PICTURE_INFO
            .captures(data)
            .and_then(|c| std::str::from_utf8(&c[1]).ok()?.parse::<i64>().ok())
            .and_then(wall_clock_from_unix);
    }
    info
}

fn wall_clock_from_unix(secs: i64) -> Option<Timestamp> {
    let utc = DateTime::from_timestamp(secs, 0)?;
    let t = Timestamp::new(utc.naive_utc(), None);
    Timestamp::from_fields(t.fields(), 0, None)
}

/// Reconyx HyperFire maker note: int16u[6] at word 0x0b = sec, min, hour, month, day, year.
pub fn reconyx_date(maker_note: &[u8]) -> Option<Timestamp> {
    if !maker_note.starts_with(&[0x01, 0xF1]) || maker_note.len() < 34 {
        return None;
    }
    let mut words: Vec<u32> = (11..17)
        .map(|i| {
            u32::from(u16::from_le_bytes([
                maker_note[2 * i],
                maker_note[2 * i + 1],
            ]))
        })
        .collect();
    // ExifTool: some cameras write these big-endian inside a little-endian note.
    if words[0] & 0xFF00 != 0 && words[0] & 0xFF == 0 {
        words
            .iter_mut()
            .for_each(|w| *w = (*w >> 8) | ((*w & 0xFF) << 8));
    }
    Timestamp::from_fields(
        [words[5], words[3], words[4], words[2], words[1], words[0]],
        0,
        None,
    )
}

/// Finds a CIFF heap in a JPEG APP0 segment and reads it.
fn ciff_in_jpeg(data: &[u8]) -> Option<VendorInfo> {
    let (_, body) = jpeg_segments(data).find(|(marker, body)| {
        *marker == 0xE0 && body.len() > 26 && &body[6..14] == b"HEAPJPGM" && &body[..2] == b"II"
    })?;
    let header_len = read_u32(body, 2)? as usize;
    let mut info = VendorInfo::default();
    read_heap(body.get(header_len..)?, &mut info, 0);
    Some(info)
}

/// Casio QV-7000SX: an APP1 "QVCI" segment, DateTimeOriginal as
/// `YYYY.MM.DD.HH.MM.SS` (string[20]) at offset 0x4d.
fn casio_qvci_date(data: &[u8]) -> Option<Timestamp> {
    let (_, body) = jpeg_segments(data).find(|(m, b)| *m == 0xE1 && b.starts_with(b"QVCI\0"))?;
    let text = std::str::from_utf8(body.get(0x4d..0x4d + 19)?).ok()?;
    let mut fields = [0u32; 6];
    let mut parts = text.split(['.', ':', ' ']);
    for f in &mut fields {
        *f = parts.next()?.trim().parse().ok()?;
    }
    Timestamp::from_fields(fields, 0, None)
}

fn read_u32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Walks one CIFF heap (its directory sits at the offset stored in its last 4 bytes).
fn read_heap(heap: &[u8], info: &mut VendorInfo, depth: u32) -> Option<()> {
    if depth > 8 || heap.len() < 6 {
        return None;
    }
    let dir = read_u32(heap, heap.len() - 4)? as usize;
    let count = usize::from(u16::from_le_bytes(heap.get(dir..dir + 2)?.try_into().ok()?));
    for i in 0..count.min(512) {
        let e = dir + 2 + i * 10;
        let tag = u16::from_le_bytes(heap.get(e..e + 2)?.try_into().ok()?);
        let (size, offset) = (
            read_u32(heap, e + 2)? as usize,
            read_u32(heap, e + 6)? as usize,
        );
        let value = if tag & 0xC000 == 0x4000 {
            heap.get(e + 2..e + 10)
        } else {
            heap.get(offset..offset + size)
        };
        let Some(value) = value else { continue };
        match (tag & 0x3800, tag & 0x3FFF) {
            (0x2800 | 0x3000, _) => {
                read_heap(value, info, depth + 1);
            }
            (_, 0x180E) => {
                info.date_time_original =
                    read_u32(value, 0).and_then(|s| wall_clock_from_unix(s.into()))
            }
            (_, 0x080A) => {
                let mut parts = value
                    .split(|b| *b == 0)
                    .map(|s| String::from_utf8_lossy(s).trim().to_string());
                info.make = parts.next().filter(|s| !s.is_empty());
                info.model = parts.next().filter(|s| !s.is_empty());
            }
            _ => {}
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A JPEG whose only metadata is a Casio QV-7000SX QVCI segment dated `text`.
    fn qvci_jpeg(text: &str) -> Vec<u8> {
        let mut body = b"QVCI\0".to_vec();
        body.resize(0x4d, 0);
        body.extend(text.as_bytes());
        body.resize(0x4d + 20, 0);
        body.resize(0x80, 0);
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE1];
        jpeg.extend(((body.len() + 2) as u16).to_be_bytes());
        jpeg.extend(body);
        jpeg.extend([0xFF, 0xDA, 0, 2, 0xFF, 0xD9]);
        jpeg
    }

    #[test]
    fn casio_qvci_segment() {
        let jpeg = qvci_jpeg("2001.03.04.05.06.07");
        let info = read_vendor_blocks(&jpeg);
        assert_eq!(
            info.date_time_original.map(|t| t.to_iso()).as_deref(),
            Some("2001-03-04T05:06:07")
        );
        if let Some(theirs) = super::super::exiftool_check::date_time_original(&jpeg) {
            assert_eq!(theirs, "2001:03:04 05:06:07", "ExifTool reads it so");
        }
        assert_eq!(
            read_vendor_blocks(&qvci_jpeg("2001.13.04.05.06.07")).date_time_original,
            None
        );
        assert_eq!(
            read_vendor_blocks(&qvci_jpeg("garbage")).date_time_original,
            None
        );
    }

    #[test]
    fn picture_info_text_block() {
        let info = read_vendor_blocks(b"xx[picture info]\r\nTimeDate=909698819\r\nShutter=1");
        assert_eq!(
            info.date_time_original.map(|t| t.to_iso()).as_deref(),
            Some("1998-10-29T22:06:59")
        );
    }

    #[test]
    fn reconyx_maker_note() {
        let mut note = vec![0u8; 40];
        note[..2].copy_from_slice(&[0x01, 0xF1]);
        for (i, v) in [0u16, 0, 10, 3, 16, 2020].iter().enumerate() {
            note[22 + 2 * i..24 + 2 * i].copy_from_slice(&v.to_le_bytes());
        }
        assert_eq!(
            reconyx_date(&note).map(|t| t.to_iso()).as_deref(),
            Some("2020-03-16T10:00:00")
        );
        assert_eq!(reconyx_date(b"not a reconyx note at all, really"), None);
    }

    #[test]
    fn ciff_heap_in_app0() {
        // A heap holding TimeStamp (0x180e) and MakeModel (0x080a), directory at the end.
        let mut heap = Vec::new();
        heap.extend_from_slice(&972_687_386u32.to_le_bytes());
        heap.extend_from_slice(&[0; 8]);
        heap.extend_from_slice(b"Canon\0Canon PowerShot A5\0");
        let dir = heap.len() as u32;
        heap.extend_from_slice(&2u16.to_le_bytes());
        for (tag, size, off) in [(0x180Eu16, 12u32, 0u32), (0x080A, 25, 12)] {
            heap.extend_from_slice(&tag.to_le_bytes());
            heap.extend_from_slice(&size.to_le_bytes());
            heap.extend_from_slice(&off.to_le_bytes());
        }
        heap.extend_from_slice(&dir.to_le_bytes());
        let mut body = b"II".to_vec();
        body.extend_from_slice(&26u32.to_le_bytes());
        body.extend_from_slice(b"HEAPJPGM");
        body.extend_from_slice(&[0; 12]);
        body.extend_from_slice(&heap);
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0];
        jpeg.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
        jpeg.extend_from_slice(&body);
        jpeg.extend_from_slice(&[0xFF, 0xD9]);
        let info = read_vendor_blocks(&jpeg);
        assert_eq!(
            info.date_time_original.map(|t| t.to_iso()).as_deref(),
            Some("2000-10-27T22:56:26")
        );
        assert_eq!(
            (info.make.as_deref(), info.model.as_deref()),
            (Some("Canon"), Some("Canon PowerShot A5"))
        );
    }
}
