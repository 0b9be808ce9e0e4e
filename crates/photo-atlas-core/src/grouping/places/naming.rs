//! Human names for places, offline: the nearest GeoNames town (cities of 1,000+
//! people, shipped inside the `reverse_geocoder` crate) with its region and
//! country, e.g. "Arezzo, Tuscany, Italy". A place that spans a wide area is named
//! by the region (or regions, or countries) most of its photos were taken in.

use std::collections::HashMap;
use std::sync::LazyLock;

use reverse_geocoder::ReverseGeocoder;

static GEOCODER: LazyLock<ReverseGeocoder> = LazyLock::new(ReverseGeocoder::new);

static COUNTRIES: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
    include_str!("../../../../../assets/countries.tsv")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .collect()
});

/// Loads the geocoder's data now (about a second), instead of at the first name.
pub fn warm_up() {
    LazyLock::force(&GEOCODER);
}

/// The town nearest to a position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Locality {
    pub town: String,
    pub region: String,
    pub country_code: String,
    pub country: String,
}

pub fn country_name(code: &str) -> String {
    COUNTRIES
        .get(code)
        .map_or_else(|| code.to_string(), |n| (*n).to_string())
}

pub fn locality(lat: f64, lon: f64) -> Locality {
    let r = GEOCODER.search((lat, lon)).record;
    Locality {
        town: r.name.clone(),
        region: r.admin1.clone(),
        country_code: r.cc.clone(),
        country: country_name(&r.cc),
    }
}

/// The name of a place: its centre's town when it is compact, else the most common
/// region(s) or countries among `samples` (localities of some of its photos).
pub fn place_name(centre: &Locality, samples: &[Locality], span_km: f64) -> String {
    let join = |parts: &[&str]| {
        parts
            .iter()
            .filter(|p| !p.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(", ")
    };
    if span_km <= 30.0 || samples.is_empty() {
        let region = if centre.region == centre.town {
            ""
        } else {
            centre.region.as_str()
        };
        return join(&[&centre.town, region, &centre.country]);
    }
    let countries = most_common(samples.iter().map(|l| l.country.as_str()));
    if countries.len() > 1 {
        return countries
            .iter()
            .take(3)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
    }
    let regions = most_common(samples.iter().map(|l| l.region.as_str()));
    let regions: Vec<&str> = regions.into_iter().take(2).collect();
    format!(
        "{}, {}",
        regions.join(" and "),
        countries.first().copied().unwrap_or(&centre.country)
    )
}

/// Distinct values, most frequent first (ties keep first-seen order).
fn most_common<'a>(values: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for v in values.filter(|v| !v.is_empty()) {
        match counts.iter_mut().find(|(k, _)| *k == v) {
            Some((_, n)) => *n += 1,
            None => counts.push((v, 1)),
        }
    }
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    counts.into_iter().map(|(k, _)| k).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_nearest_town_offline() {
        let l = locality(43.4675, 11.8820);
        assert_eq!(
            (l.town.as_str(), l.region.as_str(), l.country.as_str()),
            ("Arezzo", "Tuscany", "Italy")
        );
        assert_eq!(place_name(&l, &[], 1.0), "Arezzo, Tuscany, Italy");
        assert_eq!(locality(60.1467, 24.9068).country, "Finland");
        assert_eq!(locality(-0.3713, 36.0564).country, "Kenya");
    }

    #[test]
    fn wide_places_are_named_by_region_or_country() {
        let at = |town: &str, region: &str, country: &str| Locality {
            town: town.into(),
            region: region.into(),
            country_code: String::new(),
            country: country.into(),
        };
        let tuscany = [
            at("Siena", "Tuscany", "Italy"),
            at("Pisa", "Tuscany", "Italy"),
            at("Rome", "Lazio", "Italy"),
        ];
        assert_eq!(
            place_name(&tuscany[0], &tuscany, 200.0),
            "Tuscany and Lazio, Italy"
        );
        let alps = [
            at("Nice", "PACA", "France"),
            at("Turin", "Piedmont", "Italy"),
            at("Lyon", "AURA", "France"),
        ];
        assert_eq!(place_name(&alps[0], &alps, 300.0), "France, Italy");
    }
}
