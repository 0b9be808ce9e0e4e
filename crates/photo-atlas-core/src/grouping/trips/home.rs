//! Where home is: inferred from the library as the place photographed on the most
//! distinct days (when it clearly leads), or the position the person chose (stored in
//! the catalog). With it, the distance beyond which a photo is "away", adapted to how
//! spread out the photos at home are.

use std::collections::HashSet;

use crate::grouping::places::{Places, haversine_km};
use crate::photo::PhotoRecord;

/// Fewer distinct days than this at the leading place and it is not taken for home
/// (a folder of one holiday is not a home); it must also have twice the days of the
/// next place.
const MIN_HOME_DAYS: usize = 5;
/// The away distance: this many times the home photos' 90th-percentile distance
/// from home, kept within the bounds below (km).
const AWAY_SPREAD_FACTOR: f64 = 3.0;
const AWAY_MIN_KM: f64 = 25.0;
const AWAY_MAX_KM: f64 = 100.0;

/// Where the photos' owner lives.
#[derive(Clone, Debug, PartialEq)]
pub struct Home {
    pub lat: f64,
    pub lon: f64,
    pub name: String,
    /// A photo farther than this from home (km) was taken away from home.
    pub away_km: f64,
    /// Inferred from the photos (true) or chosen by the person.
    pub inferred: bool,
}

impl Home {
    /// A home the person chose; photos nearer than `away_km` are at home.
    pub fn chosen(lat: f64, lon: f64, name: String, photos: &[PhotoRecord]) -> Self {
        let mut home = Self {
            lat,
            lon,
            name,
            away_km: AWAY_MIN_KM,
            inferred: false,
        };
        let near: Vec<f64> = photos
            .iter()
            .filter_map(|p| p.gps)
            .map(|g| home.distance_km(g.lat, g.lon))
            .filter(|&d| d <= AWAY_MAX_KM)
            .collect();
        home.away_km = away_distance(near);
        home
    }

    pub fn distance_km(&self, lat: f64, lon: f64) -> f64 {
        haversine_km((self.lat, self.lon), (lat, lon))
    }

    /// Whether a photo with this position was taken away from home.
    pub fn is_away(&self, lat: f64, lon: f64) -> bool {
        self.distance_km(lat, lon) > self.away_km
    }
}

/// The place with the most distinct days of photos, counting with it the places
/// within [`AWAY_MIN_KM`] (a town split into neighbourhoods is one home), when it has
/// at least [`MIN_HOME_DAYS`] and twice as many as any place farther away; `None` for
/// a library of travels only, where every located photo counts as away.
pub fn infer_home(photos: &[PhotoRecord], places: &Places) -> Option<Home> {
    let centre = |i: usize| (places.places[i].lat, places.places[i].lon);
    let near = |a: usize, b: usize| haversine_km(centre(a), centre(b)) <= AWAY_MIN_KM;
    let days_around = |i: usize| -> usize {
        (0..places.places.len())
            .filter(|&j| near(i, j))
            .flat_map(|j| {
                let p = &places.places[j];
                p.photos.iter().chain(&p.inferred).copied()
            })
            .filter_map(|k| photos[k].taken.map(|t| t.at.local.date()))
            .collect::<HashSet<_>>()
            .len()
    };
    let mut ranked: Vec<(usize, usize)> = (0..places.places.len())
        .map(|i| (days_around(i), i))
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let (best_days, best) = *ranked.first()?;
    let runner_up = ranked.iter().find(|r| !near(best, r.1)).map_or(0, |r| r.0);
    if best_days < MIN_HOME_DAYS || best_days < 2 * runner_up {
        return None;
    }
    let place = &places.places[best];
    let spread: Vec<f64> = place
        .photos
        .iter()
        .filter_map(|&i| photos[i].gps)
        .map(|g| haversine_km((place.lat, place.lon), (g.lat, g.lon)))
        .collect();
    Some(Home {
        lat: place.lat,
        lon: place.lon,
        name: place.name.clone(),
        away_km: away_distance(spread),
        inferred: true,
    })
}

/// The away distance for photos at home lying these distances (km) from its centre.
fn away_distance(mut distances: Vec<f64>) -> f64 {
    if distances.is_empty() {
        return AWAY_MIN_KM;
    }
    distances.sort_by(f64::total_cmp);
    let p90 = distances[(distances.len() * 9 / 10).min(distances.len() - 1)];
    (AWAY_SPREAD_FACTOR * p90).clamp(AWAY_MIN_KM, AWAY_MAX_KM)
}
