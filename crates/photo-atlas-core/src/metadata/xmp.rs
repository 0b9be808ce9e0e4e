//! Capture dates from an XMP packet, for files whose EXIF block is missing or
//! broken but which an editor (Photoshop, Lightroom, digiKam) tagged with XMP.
//! ExifTool reads these too, so leaving them out would disagree with it.

use std::sync::LazyLock;

use regex::bytes::Regex;

use super::timestamp::{Timestamp, parse_iso_datetime};

static PACKET_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<x:xmpmeta|<x:xapmeta").expect("valid pattern"));
static PACKET_END: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"</x:xmpmeta>|</x:xapmeta>").expect("valid pattern"));
static DATE_PROPERTY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?:\b\w+:(?P<a>DateTimeOriginal|DateTimeDigitized|CreateDate|DateCreated|Orientation)\s*=\s*"(?P<av>[^"]*)")|(?:<\w+:(?P<e>DateTimeOriginal|DateTimeDigitized|CreateDate|DateCreated|Orientation)>(?P<ev>[^<]*)<)"#,
    )
    .expect("valid pattern")
});

/// Dates found in an XMP packet.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct XmpDates {
    /// `exif:DateTimeOriginal` or `photoshop:DateCreated`.
    pub original: Option<Timestamp>,
    /// `xmp:CreateDate` or `exif:DateTimeDigitized`.
    pub digitized: Option<Timestamp>,
    /// `tiff:Orientation`, 1-8.
    pub orientation: Option<u8>,
}

/// Finds the XMP packet in `data` (any container) and reads its dates.
pub fn read_xmp_dates(data: &[u8]) -> XmpDates {
    let mut dates = XmpDates::default();
    let Some(start) = PACKET_START.find(data) else {
        return dates;
    };
    let rest = &data[start.start()..];
    let packet = PACKET_END.find(rest).map_or(rest, |end| &rest[..end.end()]);
    for caps in DATE_PROPERTY.captures_iter(packet) {
        let (name, value) = match (
            caps.name("a"),
            caps.name("av"),
            caps.name("e"),
            caps.name("ev"),
        ) {
            (Some(n), Some(v), _, _) | (_, _, Some(n), Some(v)) => (n.as_bytes(), v.as_bytes()),
            _ => continue,
        };
        let text = std::str::from_utf8(value).unwrap_or("");
        if name == b"Orientation" {
            dates.orientation =
                dates
                    .orientation
                    .or(text.trim().parse().ok().filter(|o| (1..=8).contains(o)));
            continue;
        }
        let Some(ts) = parse_iso_datetime(text) else {
            continue;
        };
        let slot = match name {
            b"DateTimeOriginal" | b"DateCreated" => &mut dates.original,
            _ => &mut dates.digitized,
        };
        slot.get_or_insert(ts);
    }
    dates
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_and_element_forms() {
        let packet = br#"junk<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description
            exif:DateTimeOriginal="2013-07-05T03:18:27Z"/>
            <xmp:CreateDate>2011-09-23T12:43:03+02:00</xmp:CreateDate><tiff:Orientation>6</tiff:Orientation></x:xmpmeta>"#;
        let d = read_xmp_dates(packet);
        assert_eq!(
            d.original.map(|t| t.to_iso()).as_deref(),
            Some("2013-07-05T03:18:27+00:00")
        );
        assert_eq!(
            d.digitized.map(|t| t.to_iso()).as_deref(),
            Some("2011-09-23T12:43:03+02:00")
        );
    }

    #[test]
    fn no_packet_no_dates() {
        assert_eq!(
            read_xmp_dates(b"exif:DateTimeOriginal=\"2013-07-05T03:18:27Z\""),
            XmpDates::default()
        );
    }
}
