//! The JSON shapes the command line prints (the documented contract).

use serde_json::{Value, json};

use crate::grouping::Group;
use crate::library::Problem;
use crate::store::PhotoRecord;

/// One catalogued file, as `scan --json` prints it.
pub fn photo(p: &PhotoRecord) -> Value {
    json!({
        "path": p.path,
        "taken_at": p.taken.map(|t| t.at.to_iso()),
        "date_source": p.taken.map(|t| t.source.as_str()),
        "gps": p.gps.map(|g| json!({"lat": g.lat, "lon": g.lon, "alt": g.alt})),
        "orientation": p.orientation,
        "make": p.make,
        "model": p.model,
        "width": p.width,
        "height": p.height,
        "thumbnail": p.thumb.as_str(),
        "error": p.error,
    })
}

/// A file that could not be catalogued at all (unreadable, vanished), in the same shape.
pub fn problem(p: &Problem) -> Value {
    json!({
        "path": p.path, "taken_at": null, "date_source": null, "gps": null, "orientation": null,
        "make": null, "model": null, "width": null, "height": null, "thumbnail": "none",
        "error": p.reason,
    })
}

/// One group, as `groups --json` prints it.
pub fn group(g: &Group) -> Value {
    json!({
        "label": g.label,
        "level": g.level.as_str(),
        "key": g.key,
        "count": g.photos.len(),
        "start": g.start.map(|t| t.to_iso()),
        "end": g.end.map(|t| t.to_iso()),
        "photos": g.photos,
    })
}
