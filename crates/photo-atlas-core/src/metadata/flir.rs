//! FLIR thermal cameras keep the capture time in their own FFF data (split over
//! APP1 "FLIR" segments), not in EXIF; ExifTool reports it as DateTimeOriginal.
//!
//! Layout (as ExifTool's FLIR module reads it): the FFF header gives the record
//! directory; the CameraInfo record (type 0x20) holds, at 0x384, Unix seconds,
//! milliseconds and the time-zone offset in minutes (UTC minus local). The byte
//! order is whichever makes the header's version 100-199 and CameraInfo's first
//! word 2.

use super::segments::jpeg_segments;
use super::timestamp::Timestamp;

const CAMERA_INFO: u16 = 0x20;
const DATE_AT: usize = 0x384;

/// The capture time a FLIR JPEG records, with its offset.
pub fn flir_date(data: &[u8]) -> Option<Timestamp> {
    let fff = fff_data(data)?;
    let camera_info = camera_info_record(&fff)?;
    date_in(camera_info)
}

/// The FFF data: the APP1 "FLIR" segments' payloads, in chunk order.
fn fff_data(data: &[u8]) -> Option<Vec<u8>> {
    let mut chunks: Vec<(u8, &[u8])> = jpeg_segments(data)
        .filter(|(m, b)| *m == 0xE1 && b.len() >= 8 && b.starts_with(b"FLIR\0"))
        .map(|(_, b)| (b[6], &b[8..]))
        .collect();
    if chunks.is_empty() {
        return None;
    }
    chunks.sort_by_key(|(index, _)| *index);
    Some(
        chunks
            .into_iter()
            .flat_map(|(_, c)| c.iter().copied())
            .collect(),
    )
}

#[derive(Clone, Copy)]
enum Order {
    Big,
    Little,
}

impl Order {
    fn u16(self, b: &[u8], at: usize) -> Option<u16> {
        let bytes: [u8; 2] = b.get(at..at + 2)?.try_into().ok()?;
        Some(match self {
            Self::Big => u16::from_be_bytes(bytes),
            Self::Little => u16::from_le_bytes(bytes),
        })
    }

    fn u32(self, b: &[u8], at: usize) -> Option<u32> {
        let bytes: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
        Some(match self {
            Self::Big => u32::from_be_bytes(bytes),
            Self::Little => u32::from_le_bytes(bytes),
        })
    }

    /// The order in which `check` reads a plausible value.
    fn detect(check: impl Fn(Self) -> bool) -> Option<Self> {
        [Self::Big, Self::Little].into_iter().find(|o| check(*o))
    }
}

/// The CameraInfo record's bytes, found through the FFF record directory.
fn camera_info_record(fff: &[u8]) -> Option<&[u8]> {
    if !fff.starts_with(b"FFF\0") && !fff.starts_with(b"AFF\0") {
        return None;
    }
    let order = Order::detect(|o| o.u32(fff, 0x14).is_some_and(|v| (100..200).contains(&v)))?;
    let dir = order.u32(fff, 0x18)? as usize;
    let count = (order.u32(fff, 0x1c)? as usize).min(1024);
    (0..count).find_map(|i| {
        let entry = dir.checked_add(i * 0x20)?;
        if order.u16(fff, entry)? != CAMERA_INFO {
            return None;
        }
        let start = order.u32(fff, entry + 0x0c)? as usize;
        let len = order.u32(fff, entry + 0x10)? as usize;
        fff.get(start..start.checked_add(len)?)
    })
}

/// Seconds, milliseconds and offset at 0x384 -> the local wall-clock time.
fn date_in(record: &[u8]) -> Option<Timestamp> {
    let order = Order::detect(|o| o.u16(record, 0) == Some(2))?;
    let secs = i64::from(order.u32(record, DATE_AT)?);
    let millis = order.u32(record, DATE_AT + 4)? & 0xffff;
    let tz_minutes = i64::from(order.u16(record, DATE_AT + 8)? as i16);
    if secs == 0 {
        return None;
    }
    let local = chrono::DateTime::from_timestamp(secs - tz_minutes * 60, 0)?.naive_utc();
    let offset = chrono::FixedOffset::east_opt(i32::try_from(-tz_minutes * 60).ok()?)?;
    let nanos = millis.min(999) * 1_000_000;
    let fields = Timestamp::new(local, None).fields();
    Timestamp::from_fields(fields, nanos, Some(offset))
}

/// A FLIR JPEG's FFF data with one CameraInfo record dated `secs`, `tz_minutes`,
/// split into two APP1 chunks. Big-endian, as FLIR cameras write it.
#[cfg(test)]
pub(super) fn flir_segments(secs: u32, millis: u32, tz_minutes: i16) -> Vec<Vec<u8>> {
    let mut record = vec![0u8; DATE_AT + 16];
    record[0..2].copy_from_slice(&2u16.to_be_bytes());
    record[DATE_AT..DATE_AT + 4].copy_from_slice(&secs.to_be_bytes());
    record[DATE_AT + 4..DATE_AT + 8].copy_from_slice(&millis.to_be_bytes());
    record[DATE_AT + 8..DATE_AT + 10].copy_from_slice(&tz_minutes.to_be_bytes());
    let mut fff = vec![0u8; 0x40];
    fff[0..4].copy_from_slice(b"FFF\0");
    fff[0x14..0x18].copy_from_slice(&100u32.to_be_bytes());
    fff[0x18..0x1c].copy_from_slice(&0x40u32.to_be_bytes());
    fff[0x1c..0x20].copy_from_slice(&1u32.to_be_bytes());
    let mut entry = vec![0u8; 0x20];
    entry[0..2].copy_from_slice(&CAMERA_INFO.to_be_bytes());
    entry[2..4].copy_from_slice(&1u16.to_be_bytes());
    entry[0x0c..0x10].copy_from_slice(&0x60u32.to_be_bytes());
    entry[0x10..0x14].copy_from_slice(&(record.len() as u32).to_be_bytes());
    fff.extend(entry);
    fff.extend(record);
    let half = fff.len() / 2;
    [&fff[..half], &fff[half..]]
        .iter()
        .enumerate()
        .map(|(i, chunk)| {
            let mut seg = b"FLIR\0\x01".to_vec();
            seg.extend([i as u8, 1]);
            seg.extend(*chunk);
            seg
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg_with(segments: &[Vec<u8>]) -> Vec<u8> {
        let mut out = vec![0xFF, 0xD8];
        for s in segments {
            out.extend([0xFF, 0xE1]);
            out.extend(((s.len() + 2) as u16).to_be_bytes());
            out.extend(s);
        }
        out.extend([0xFF, 0xDA, 0, 2, 0xFF, 0xD9]);
        out
    }

    #[test]
    fn flir_date_with_its_offset() {
        // 2016-05-20 14:03:07 UTC, camera at UTC+02:00 (the record says -120 minutes).
        let jpeg = jpeg_with(&flir_segments(1_463_752_987, 250, -120));
        let t = flir_date(&jpeg).expect("a date");
        assert_eq!(t.to_iso(), "2016-05-20T16:03:07+02:00");
        if let Some(theirs) = super::super::exiftool_check::date_time_original(&jpeg) {
            assert_eq!(
                theirs, "2016:05:20 16:03:07.250+02:00",
                "ExifTool reads it so"
            );
        }
        let mut swapped = flir_segments(1_463_752_987, 0, 0);
        swapped.reverse();
        assert!(
            flir_date(&jpeg_with(&swapped)).is_some(),
            "chunks in any order"
        );
    }

    #[test]
    fn damaged_flir_data_gives_nothing() {
        let segments = flir_segments(1_463_752_987, 0, 0);
        let whole = jpeg_with(&segments);
        for cut in (0..whole.len()).step_by(7) {
            let _ = flir_date(&whole[..cut]);
        }
        assert_eq!(flir_date(&jpeg_with(&segments[..1])), None);
        assert_eq!(flir_date(&jpeg_with(&flir_segments(0, 0, 0))), None);
    }
}
