//! The JSON shapes the command line prints (the documented contract).

use serde_json::{Value, json};

use photo_atlas_core::grouping::Group;
use photo_atlas_core::grouping::places::Place;
use photo_atlas_core::grouping::trips::Trip;
use photo_atlas_core::library::Problem;
use photo_atlas_core::photo::{PhotoRecord, path_text};

/// One catalogued file, as `scan --json` prints it.
pub fn photo(p: &PhotoRecord) -> Value {
    json!({
        "path": p.path_text(),
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
        "photos": g.photos.iter().map(|p| path_text(p)).collect::<Vec<_>>(),
    })
}

/// One trip, as `groups --by trip --json` prints it: the group shape plus the towns it
/// went to, how far from home, and its events (their labels, counts and times).
pub fn trip(t: &Trip, events: &[Group], photos: &[PhotoRecord]) -> Value {
    let mut value = group(&t.group(photos));
    value["places"] = json!(t.places);
    value["home_distance_km"] = json!(t.home_distance_km);
    value["time_zone"] = json!(t.time_zone);
    value["events"] = events
        .iter()
        .map(|e| {
            json!({"label": e.label, "count": e.photos.len(),
            "start": e.start.map(|t| t.to_iso()), "end": e.end.map(|t| t.to_iso())})
        })
        .collect();
    value
}

/// One place, as `groups --by place --json` prints it: the group shape plus where it is.
/// `photos` and `count` include the inferred photos; `inferred` says how many there are.
pub fn place(p: &Place, photos: &[PhotoRecord]) -> Value {
    json!({
        "label": p.name,
        "count": p.photos.len() + p.inferred.len(),
        "photos": p.photos.iter().chain(&p.inferred).map(|&i| photos[i].path_text()).collect::<Vec<_>>(),
        "inferred": p.inferred.len(),
        "inferred_photos": p.inferred.iter().map(|&i| photos[i].path_text()).collect::<Vec<_>>(),
        "lat": p.lat,
        "lon": p.lon,
        "bbox": p.bbox,
        "country": p.country,
        "country_code": p.country_code,
        "start": p.start.map(|t| t.to_iso()),
        "end": p.end.map(|t| t.to_iso()),
    })
}

/// The "No location" group.
pub fn no_location(indices: &[usize], photos: &[PhotoRecord]) -> Value {
    json!({
        "label": "No location",
        "count": indices.len(),
        "photos": indices.iter().map(|&i| photos[i].path_text()).collect::<Vec<_>>(),
        "inferred": 0,
        "lat": null, "lon": null, "country": null,
    })
}
