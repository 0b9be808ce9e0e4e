//! Pulls the fields Photo Atlas needs out of an EXIF block parsed by kamadak-exif,
//! with the same interpretation ExifTool gives them (hemisphere signs, offsets,
//! sub-seconds), and nothing that fails validation.

use exif::{Exif, Field, In, Tag, Value};

use super::timestamp::{Timestamp, parse_exif_datetime, parse_offset, parse_subsec};
use super::{Gps, PhotoMetadata};

/// Copies every field we use from `exif` into `meta`.
pub fn fill_from_exif(exif: &Exif, meta: &mut PhotoMetadata) {
    let date = |main, sub, off| read_datetime(exif, main, sub, off);
    meta.date_time_original = date(
        Tag::DateTimeOriginal,
        Tag::SubSecTimeOriginal,
        Tag::OffsetTimeOriginal,
    );
    meta.date_time_digitized = date(
        Tag::DateTimeDigitized,
        Tag::SubSecTimeDigitized,
        Tag::OffsetTimeDigitized,
    );
    meta.date_time_ifd0 = date(Tag::DateTime, Tag::SubSecTime, Tag::OffsetTime);
    if meta.date_time_original.is_none() {
        meta.date_time_original = maker_note(exif).and_then(super::vendor::reconyx_date);
    }
    meta.gps = read_gps(exif);
    meta.orientation = field(exif, Tag::Orientation)
        .and_then(|f| f.value.get_uint(0))
        .and_then(|v| u8::try_from(v).ok())
        .filter(|v| (1..=8).contains(v));
    meta.make = ascii(exif, Tag::Make);
    meta.model = ascii(exif, Tag::Model);
    meta.exif_width = field(exif, Tag::PixelXDimension).and_then(|f| f.value.get_uint(0));
    meta.exif_height = field(exif, Tag::PixelYDimension).and_then(|f| f.value.get_uint(0));
}

fn maker_note(exif: &Exif) -> Option<&[u8]> {
    match &field(exif, Tag::MakerNote)?.value {
        Value::Undefined(bytes, _) => Some(bytes),
        _ => None,
    }
}

fn field(exif: &Exif, tag: Tag) -> Option<&Field> {
    exif.get_field(tag, In::PRIMARY)
}

/// The first ASCII string of a field, trimmed of padding; `None` when blank.
fn ascii(exif: &Exif, tag: Tag) -> Option<String> {
    match &field(exif, tag)?.value {
        Value::Ascii(parts) => {
            let raw = parts.first()?;
            let text = String::from_utf8_lossy(raw);
            let trimmed = text.trim_matches(|c: char| c == '\0' || c.is_whitespace());
            (!trimmed.is_empty()).then(|| trimmed.to_string())
        }
        _ => None,
    }
}

fn read_datetime(exif: &Exif, main: Tag, subsec: Tag, offset: Tag) -> Option<Timestamp> {
    let mut ts = parse_exif_datetime(&ascii(exif, main)?)?;
    if let Some(sub) = ascii(exif, subsec) {
        ts.local = ts.local.with_nanosecond_checked(parse_subsec(&sub));
    }
    if ts.offset.is_none() {
        ts.offset = ascii(exif, offset).as_deref().and_then(parse_offset);
    }
    Some(ts)
}

trait WithNanos {
    fn with_nanosecond_checked(self, nanos: u32) -> Self;
}

impl WithNanos for chrono::NaiveDateTime {
    fn with_nanosecond_checked(self, nanos: u32) -> Self {
        chrono::Timelike::with_nanosecond(&self, nanos).unwrap_or(self)
    }
}

/// GPS in signed decimal degrees; `None` for missing, empty or impossible positions.
fn read_gps(exif: &Exif) -> Option<Gps> {
    let lat = degrees(field(exif, Tag::GPSLatitude)?)?;
    let lon = degrees(field(exif, Tag::GPSLongitude)?)?;
    let lat = if hemisphere(exif, Tag::GPSLatitudeRef) == Some('S') {
        -lat
    } else {
        lat
    };
    let lon = if hemisphere(exif, Tag::GPSLongitudeRef) == Some('W') {
        -lon
    } else {
        lon
    };
    let alt = field(exif, Tag::GPSAltitude)
        .and_then(|f| rational(&f.value, 0))
        .map(|a| {
            let below_sea =
                field(exif, Tag::GPSAltitudeRef).and_then(|f| f.value.get_uint(0)) == Some(1);
            if below_sea { -a } else { a }
        });
    Gps::new(lat, lon, alt)
}

fn hemisphere(exif: &Exif, tag: Tag) -> Option<char> {
    ascii(exif, tag)?
        .chars()
        .next()
        .map(|c| c.to_ascii_uppercase())
}

/// Degrees, minutes, seconds (any trailing parts may be missing) to decimal degrees.
fn degrees(f: &Field) -> Option<f64> {
    let parts: Vec<f64> = (0..3).map_while(|i| rational(&f.value, i)).collect();
    if parts.is_empty() {
        return None;
    }
    let scale = [1.0, 60.0, 3600.0];
    Some(parts.iter().zip(scale).map(|(v, s)| v / s).sum())
}

fn rational(value: &Value, index: usize) -> Option<f64> {
    let v = match value {
        Value::Rational(r) => r.get(index).filter(|r| r.denom != 0).map(|r| r.to_f64()),
        Value::SRational(r) => r.get(index).filter(|r| r.denom != 0).map(|r| r.to_f64()),
        _ => None,
    }?;
    v.is_finite().then_some(v)
}
