//! Places: photos with GPS clustered into places (adaptive density clustering on
//! the sphere), each named offline, with a centre, a bounding box and a date range;
//! photos without GPS in one "No location" group, except those taken minutes from
//! a GPS-tagged photo of the same camera, which join that place as *inferred*
//! (shown as such, never written to the file).

mod cluster;
mod naming;

pub use cluster::{ClusterOptions, cluster_positions, haversine_km, to_lat_lon, unit_vector};
pub use naming::{Locality, country_name, locality, place_name, warm_up};

use std::collections::HashMap;

use crate::metadata::Timestamp;
use crate::photo::PhotoRecord;

/// How far in time a photo without GPS may be from a GPS-tagged one of the same camera
/// to be placed with it.
pub const INFER_WITHIN_MINUTES: i64 = 30;

/// One place and its photos (indices into the list given to [`find_places`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Place {
    pub name: String,
    pub country: String,
    pub country_code: String,
    /// Centre, degrees.
    pub lat: f64,
    pub lon: f64,
    /// South, west, north, east edges, degrees.
    pub bbox: [f64; 4],
    pub start: Option<Timestamp>,
    pub end: Option<Timestamp>,
    /// Photos with GPS in this place, oldest first.
    pub photos: Vec<usize>,
    /// Photos without GPS placed here by time and camera, oldest first.
    pub inferred: Vec<usize>,
}

/// Places (largest first) and the photos with no location.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Places {
    pub places: Vec<Place>,
    pub no_location: Vec<usize>,
}

/// Clusters, names and fills places.
pub fn find_places(photos: &[PhotoRecord], options: &ClusterOptions) -> Places {
    let located: Vec<usize> = (0..photos.len())
        .filter(|&i| photos[i].gps.is_some())
        .collect();
    let positions: Vec<(f64, f64)> = located
        .iter()
        .filter_map(|&i| photos[i].gps.map(|g| (g.lat, g.lon)))
        .collect();
    let labels = cluster_positions(&positions, options);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); labels.iter().max().map_or(0, |m| m + 1)];
    for (k, &label) in labels.iter().enumerate() {
        members[label].push(located[k]);
    }
    let mut places: Vec<Place> = members.into_iter().map(|m| describe(photos, m)).collect();
    let no_location = infer_locations(photos, &mut places);
    places.sort_by(|a, b| {
        (b.photos.len() + b.inferred.len()).cmp(&(a.photos.len() + a.inferred.len()))
    });
    Places {
        places,
        no_location,
    }
}

fn time_of(p: &PhotoRecord) -> Option<chrono::NaiveDateTime> {
    p.taken.map(|t| t.at.local)
}

fn sort_by_time(photos: &[PhotoRecord], list: &mut [usize]) {
    list.sort_by(|&a, &b| {
        time_of(&photos[a])
            .cmp(&time_of(&photos[b]))
            .then(photos[a].path.as_os_str().cmp(photos[b].path.as_os_str()))
    });
}

fn describe(photos: &[PhotoRecord], mut members: Vec<usize>) -> Place {
    sort_by_time(photos, &mut members);
    let positions: Vec<(f64, f64)> = members
        .iter()
        .filter_map(|&i| photos[i].gps.map(|g| (g.lat, g.lon)))
        .collect();
    let sum = positions
        .iter()
        .map(|&(la, lo)| unit_vector(la, lo))
        .fold([0.0; 3], |s, v| [s[0] + v[0], s[1] + v[1], s[2] + v[2]]);
    let (lat, lon) = to_lat_lon(sum);
    let bbox = bounding_box(&positions);
    let span = haversine_km((bbox[0], bbox[1]), (bbox[2], bbox[3]));
    let centre = locality(lat, lon);
    let step = (positions.len() / 48).max(1);
    let samples: Vec<Locality> = if span > 30.0 {
        positions
            .iter()
            .step_by(step)
            .map(|&(la, lo)| locality(la, lo))
            .collect()
    } else {
        Vec::new()
    };
    Place {
        name: place_name(&centre, &samples, span),
        country: centre.country.clone(),
        country_code: centre.country_code.clone(),
        lat,
        lon,
        bbox,
        start: members.first().and_then(|&i| photos[i].taken.map(|t| t.at)),
        end: members.last().and_then(|&i| photos[i].taken.map(|t| t.at)),
        photos: members,
        inferred: Vec::new(),
    }
}

fn bounding_box(positions: &[(f64, f64)]) -> [f64; 4] {
    positions
        .iter()
        .fold([90.0, 180.0, -90.0, -180.0], |b, &(la, lo)| {
            [b[0].min(la), b[1].min(lo), b[2].max(la), b[3].max(lo)]
        })
}

/// Places photos without GPS next to a GPS-tagged photo of the same camera taken within
/// [`INFER_WITHIN_MINUTES`]; returns the photos that stay without a location.
fn infer_locations(photos: &[PhotoRecord], places: &mut [Place]) -> Vec<usize> {
    type Camera<'a> = (Option<&'a str>, Option<&'a str>);
    let mut by_camera: HashMap<Camera<'_>, Vec<(chrono::NaiveDateTime, usize)>> = HashMap::new();
    for (p, place) in places.iter().enumerate() {
        for &i in &place.photos {
            if let Some(t) = time_of(&photos[i]) {
                by_camera
                    .entry((photos[i].make.as_deref(), photos[i].model.as_deref()))
                    .or_default()
                    .push((t, p));
            }
        }
    }
    by_camera.values_mut().for_each(|v| v.sort());
    let mut no_location = Vec::new();
    for (i, photo) in photos.iter().enumerate().filter(|(_, p)| p.gps.is_none()) {
        let camera = (photo.make.as_deref(), photo.model.as_deref());
        let has_camera = camera.0.is_some() || camera.1.is_some();
        let near = time_of(photo)
            .filter(|_| has_camera)
            .and_then(|t| closest_in_time(by_camera.get(&camera)?, t));
        match near {
            Some(p) => places[p].inferred.push(i),
            None => no_location.push(i),
        }
    }
    places
        .iter_mut()
        .for_each(|p| sort_by_time(photos, &mut p.inferred));
    sort_by_time(photos, &mut no_location);
    no_location
}

fn closest_in_time(
    sorted: &[(chrono::NaiveDateTime, usize)],
    t: chrono::NaiveDateTime,
) -> Option<usize> {
    let at = sorted.partition_point(|(time, _)| *time < t);
    let candidates = [at.checked_sub(1), Some(at)];
    candidates
        .into_iter()
        .flatten()
        .filter_map(|k| sorted.get(k))
        .map(|(time, place)| ((*time - t).num_seconds().abs(), *place))
        .filter(|(gap, _)| *gap <= INFER_WITHIN_MINUTES * 60)
        .min()
        .map(|(_, place)| place)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grouping::test_support::photo;
    use crate::metadata::Gps;

    fn at(path: &str, when: &str, gps: Option<(f64, f64)>, camera: &str) -> PhotoRecord {
        let mut p = photo(path, Some(when));
        p.gps = gps.and_then(|(la, lo)| Gps::new(la, lo, None));
        p.model = Some(camera.into());
        p
    }

    #[test]
    fn places_are_named_and_photos_without_gps_are_inferred_or_left_alone() {
        let photos = vec![
            at(
                "/a1.jpg",
                "2008:10:22 16:28:39",
                Some((43.4674, 11.8851)),
                "P6000",
            ),
            at(
                "/a2.jpg",
                "2008:10:22 17:00:07",
                Some((43.4645, 11.8815)),
                "P6000",
            ),
            at("/a3.jpg", "2008:10:22 17:10:00", None, "P6000"),
            at("/other-camera.jpg", "2008:10:22 17:10:00", None, "iPhone"),
            at("/much-later.jpg", "2008:10:23 17:10:00", None, "P6000"),
            at(
                "/helsinki.jpg",
                "2022:08:14 14:12:31",
                Some((60.1467, 24.9068)),
                "Nokia",
            ),
        ];
        let found = find_places(&photos, &ClusterOptions::default());
        assert_eq!(found.places.len(), 2);
        let arezzo = &found.places[0];
        assert_eq!(arezzo.name, "Arezzo, Tuscany, Italy");
        assert_eq!(
            (arezzo.photos.clone(), arezzo.inferred.clone()),
            (vec![0, 1], vec![2])
        );
        assert_eq!(
            arezzo.start.map(|t| t.to_iso()).as_deref(),
            Some("2008-10-22T16:28:39")
        );
        assert!(arezzo.bbox[0] <= arezzo.lat && arezzo.lat <= arezzo.bbox[2]);
        assert_eq!(found.places[1].country, "Finland");
        assert_eq!(found.no_location, vec![3, 4]);
    }
}
