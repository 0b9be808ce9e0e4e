//! IPTC-IIM capture dates: DateCreated (2:55) and TimeCreated (2:60), which
//! Photo Mechanic, Lightroom and news agencies write, often with no EXIF date
//! left. ExifTool reads them (its composite DateTimeCreated); so must we.
//!
//! IIM records live in Photoshop image resources (`8BIM`, resource 0x0404)
//! inside a JPEG APP13 segment or a TIFF's Photoshop tag, so they are found by
//! that resource's signature and parsed record by record, every length checked.

use memchr::memmem;

use super::timestamp::{Timestamp, parse_offset};

/// Dates an IPTC-IIM block gives.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct IptcDates {
    /// DateCreated + TimeCreated: when the picture was taken.
    pub created: Option<Timestamp>,
    /// DigitalCreationDate + DigitalCreationTime: when it was digitised.
    pub digitised: Option<Timestamp>,
}

/// Finds the IPTC-IIM block in a file's bytes and reads its dates.
pub fn read_iptc_dates(data: &[u8]) -> IptcDates {
    let Some(block) = iim_block(data) else {
        return IptcDates::default();
    };
    let mut fields = [None::<&[u8]>; 4];
    for (dataset, value) in iim_records(block) {
        let slot = match dataset {
            55 => 0,
            60 => 1,
            62 => 2,
            63 => 3,
            _ => continue,
        };
        fields[slot].get_or_insert(value);
    }
    let date = |d: Option<&[u8]>, t: Option<&[u8]>| d.and_then(|d| combine(d, t));
    IptcDates {
        created: date(fields[0], fields[1]),
        digitised: date(fields[2], fields[3]),
    }
}

/// The data of the first Photoshop IPTC-NAA resource (`8BIM` 0x0404).
fn iim_block(data: &[u8]) -> Option<&[u8]> {
    let at = memmem::find(data, b"8BIM\x04\x04")?;
    let rest = data.get(at + 6..)?;
    // A Pascal-string name, padded to an even length (with its length byte).
    let name_len = usize::from(*rest.first()?);
    let skip = (name_len + 1).next_multiple_of(2);
    let size = u32::from_be_bytes(rest.get(skip..skip + 4)?.try_into().ok()?) as usize;
    let start = skip + 4;
    rest.get(start..start.checked_add(size)?.min(rest.len()))
}

/// The (dataset, value) pairs of record 2 (application records).
fn iim_records(mut block: &[u8]) -> impl Iterator<Item = (u8, &[u8])> {
    std::iter::from_fn(move || {
        loop {
            let [0x1C, record, dataset, hi, lo, rest @ ..] = block else {
                return None;
            };
            // Extended lengths (high bit set) hold large binary data, never a date.
            if hi & 0x80 != 0 {
                return None;
            }
            let len = usize::from(u16::from_be_bytes([*hi, *lo]));
            let value = rest.get(..len)?;
            block = &rest[len..];
            if *record == 2 {
                return Some((*dataset, value));
            }
        }
    })
}

/// `CCYYMMDD` and `HHMMSS±HHMM` (the time may be missing: then midnight, as ExifTool).
fn combine(date: &[u8], time: Option<&[u8]>) -> Option<Timestamp> {
    let date = std::str::from_utf8(date).ok()?.trim();
    let num = |s: &str, r: std::ops::Range<usize>| s.get(r)?.parse::<u32>().ok();
    if date.len() != 8 {
        return None;
    }
    let (y, mo, d) = (num(date, 0..4)?, num(date, 4..6)?, num(date, 6..8)?);
    let time = time
        .and_then(|t| std::str::from_utf8(t).ok())
        .map(str::trim)
        .unwrap_or("");
    let (h, mi, s) = if time.len() >= 6 {
        (num(time, 0..2)?, num(time, 2..4)?, num(time, 4..6)?)
    } else {
        (0, 0, 0)
    };
    let offset = time.get(6..).and_then(parse_offset);
    Timestamp::from_fields([y, mo, d, h, mi, s], 0, offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Photoshop IPTC-NAA resource holding the given (dataset, value) records of
    /// record 2: what Photo Mechanic writes into APP13.
    fn photoshop_iptc_resource(records: &[(u8, &str)]) -> Vec<u8> {
        let mut iim = vec![0x1C, 1, 90, 0, 3, 0x1B, b'%', b'G']; // 1:90 coded character set
        for (dataset, value) in records {
            iim.extend([0x1C, 2, *dataset]);
            iim.extend((value.len() as u16).to_be_bytes());
            iim.extend(value.as_bytes());
        }
        let mut out = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00".to_vec();
        out.extend((iim.len() as u32).to_be_bytes());
        out.extend(&iim);
        if iim.len() % 2 == 1 {
            out.push(0);
        }
        out
    }

    #[test]
    fn date_and_time_with_offset() {
        let block = photoshop_iptc_resource(&[(55, "20190714"), (60, "183205+0200")]);
        let dates = read_iptc_dates(&block);
        assert_eq!(
            dates.created.map(|t| t.to_iso()).as_deref(),
            Some("2019-07-14T18:32:05+02:00")
        );
        assert_eq!(dates.digitised, None);
    }

    #[test]
    fn date_alone_is_midnight_and_digital_creation_is_read() {
        let block = photoshop_iptc_resource(&[(62, "20010203"), (63, "040506"), (55, "19991231")]);
        let dates = read_iptc_dates(&block);
        assert_eq!(
            dates.created.map(|t| t.to_iso()).as_deref(),
            Some("1999-12-31T00:00:00")
        );
        assert_eq!(
            dates.digitised.map(|t| t.to_iso()).as_deref(),
            Some("2001-02-03T04:05:06")
        );
    }

    #[test]
    fn damaged_blocks_give_nothing_and_never_panic() {
        let good = photoshop_iptc_resource(&[(55, "20190714"), (60, "183205")]);
        for cut in 0..good.len() {
            let _ = read_iptc_dates(&good[..cut]);
        }
        let bad_date = photoshop_iptc_resource(&[(55, "2019-7-1")]);
        assert_eq!(read_iptc_dates(&bad_date), IptcDates::default());
        let month_13 = photoshop_iptc_resource(&[(55, "20191301")]);
        assert_eq!(read_iptc_dates(&month_13).created, None);
        let mut lying = good.clone();
        let at = memmem::find(&lying, b"\x1C\x02\x37").expect("2:55");
        lying[at + 3..at + 5].copy_from_slice(&[0x7F, 0xFF]);
        assert_eq!(read_iptc_dates(&lying).created, None);
    }
}
