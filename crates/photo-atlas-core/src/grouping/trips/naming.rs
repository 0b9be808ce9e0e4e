//! A trip's name, from where its photos were taken and when, as a person would say
//! it: "Tokyo, 2-5 October 2023", "Tuscany: Florence and Arezzo, 12-16 May 2019",
//! "Iceland and Norway, August 2023". Names come from the offline GeoNames table the
//! places use, read at the centres of the trip's places (clustered as the Places view
//! clusters), so a city's suburbs do not crowd out the city.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::grouping::labels::{month_label, range_label};
use crate::grouping::places::{
    ClusterOptions, Locality, cluster_positions, locality, to_lat_lon, unit_vector,
};

/// Positions looked up per trip at most (evenly spread), to keep naming cheap.
const SAMPLES: usize = 200;
/// A town is named when it holds at least this share of the trip's located photos.
const TOWN_SHARE: f64 = 0.1;
/// Trips longer than this many days are dated by month.
const DAY_PRECISION_DAYS: i64 = 14;

/// What a trip is called: where it went ("Tuscany: Florence and Arezzo"; empty
/// without positions), the whole label with when, and its towns, most photographed first.
#[derive(Clone, Debug, PartialEq)]
pub struct TripName {
    pub destination: String,
    pub label: String,
    pub towns: Vec<String>,
    /// The centres (lat, lon) of the places it went to, for a map.
    pub spots: Vec<(f64, f64)>,
}

/// The trip's name from its located photos' positions and its first and last days.
pub fn trip_label(positions: &[(f64, f64)], first: NaiveDate, last: NaiveDate) -> TripName {
    let step = positions.len().div_ceil(SAMPLES).max(1);
    let sampled: Vec<(f64, f64)> = positions.iter().step_by(step).copied().collect();
    let (seen, spots) = localities(&sampled);
    let towns = ranked(seen.iter().map(|l| l.town.as_str()));
    let where_ = where_label(&seen);
    let when = if (last - first).num_days() < DAY_PRECISION_DAYS {
        range_label(first, last)
    } else if month_label(first) == month_label(last) {
        month_label(first)
    } else {
        format!("{} - {}", first.format("%B"), month_label(last))
    };
    let label = if where_.is_empty() {
        format!("Trip, {when}")
    } else {
        format!("{where_}, {when}")
    };
    TripName {
        destination: where_,
        label,
        towns: towns.into_iter().map(|(t, _)| t.to_string()).collect(),
        spots,
    }
}

/// Each position's locality, read at the centre of the place it clusters into (as
/// the Places view clusters), so a walk through Paris and its suburbs says "Paris";
/// and those centres.
fn localities(positions: &[(f64, f64)]) -> (Vec<Locality>, Vec<(f64, f64)>) {
    let labels = cluster_positions(positions, &ClusterOptions::default());
    let count = labels.iter().max().map_or(0, |m| m + 1);
    let mut sums = vec![[0.0; 3]; count];
    for (&(lat, lon), &l) in positions.iter().zip(&labels) {
        let v = unit_vector(lat, lon);
        sums[l] = [sums[l][0] + v[0], sums[l][1] + v[1], sums[l][2] + v[2]];
    }
    let spots: Vec<(f64, f64)> = sums.into_iter().map(to_lat_lon).collect();
    let centres: Vec<Locality> = spots.iter().map(|&(lat, lon)| locality(lat, lon)).collect();
    let seen = labels.into_iter().map(|l| centres[l].clone()).collect();
    (seen, spots)
}

/// "Tokyo"; "Tuscany: Florence and Arezzo"; "Italy: Rome, Florence and Venice";
/// "Iceland and Norway"; empty without positions.
fn where_label(seen: &[Locality]) -> String {
    let countries = ranked(seen.iter().map(|l| l.country.as_str()));
    if countries.len() > 1 {
        return and_list(&named(&countries, seen.len()));
    }
    let towns = named(&ranked(seen.iter().map(|l| l.town.as_str())), seen.len());
    let regions = ranked(seen.iter().map(|l| l.region.as_str()));
    match (towns.as_slice(), regions.as_slice()) {
        ([], _) => String::new(),
        ([town], _) => town.to_string(),
        (_, [(region, _)]) if !region.is_empty() => format!("{region}: {}", and_list(&towns)),
        _ => format!("{}: {}", seen[0].country, and_list(&towns)),
    }
}

/// Names holding at least [`TOWN_SHARE`] of `total` (the first always), at most three.
fn named<'a>(ranked: &[(&'a str, usize)], total: usize) -> Vec<&'a str> {
    ranked
        .iter()
        .enumerate()
        .filter(|(i, (_, n))| *i == 0 || *n as f64 >= TOWN_SHARE * total as f64)
        .take(3)
        .map(|(_, (name, _))| *name)
        .collect()
}

/// Distinct names, most frequent first (ties in order of first appearance).
fn ranked<'a>(names: impl Iterator<Item = &'a str>) -> Vec<(&'a str, usize)> {
    let mut counts: HashMap<&str, (usize, usize)> = HashMap::new();
    for (order, name) in names.filter(|n| !n.is_empty()).enumerate() {
        counts.entry(name).or_insert((0, order)).0 += 1;
    }
    let mut list: Vec<(&str, (usize, usize))> = counts.into_iter().collect();
    list.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.1.1.cmp(&b.1.1)));
    list.into_iter().map(|(name, (n, _))| (name, n)).collect()
}

/// "A", "A and B", "A, B and C".
fn and_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
