//! `photo-atlas groups FOLDER --by trip [--json]`: the trips away from home, each
//! with its days' events, and the events at home, in the order they happened; and
//! `photo-atlas home FOLDER [--set LAT,LON | --clear]`: where home is (chosen, or
//! inferred from the photos).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use super::json;
use super::scan_cmd::scan_with_progress;
use photo_atlas_core::grouping::places::{ClusterOptions, find_places, locality, place_name};
use photo_atlas_core::grouping::trips::{Home, Journeys, Trip, journeys};
use photo_atlas_core::grouping::{EventOptions, Group, count_label};
use photo_atlas_core::metadata::Timestamp;
use photo_atlas_core::photo::PhotoRecord;
use photo_atlas_core::store::{Catalog, Locations, SavedHome};

/// The folder's journeys, with the catalog's chosen home if there is one.
pub fn folder_journeys(catalog: &Catalog, photos: &[PhotoRecord]) -> anyhow::Result<Journeys> {
    let chosen = catalog
        .home()?
        .map(|h| Home::chosen(h.lat, h.lon, h.name, photos));
    Ok(journeys(
        photos,
        &find_places(photos, &ClusterOptions::default()),
        chosen,
    ))
}

/// Trips and the events at home, in the order they happened, each trip with its days.
pub fn print_trips(
    catalog: &Catalog,
    photos: &[PhotoRecord],
    as_json: bool,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let found = folder_journeys(catalog, photos)?;
    eprintln!("{}", home_line(found.home.as_ref()));
    let mut rows: Vec<(Option<Timestamp>, Row)> = found
        .trips
        .iter()
        .map(|t| (Some(t.start), Row::Trip(t)))
        .chain(found.at_home.iter().map(|e| (e.start, Row::AtHome(e))))
        .collect();
    rows.sort_by_key(|(start, _)| (start.is_none(), start.map(|t| t.utc())));
    for (_, row) in rows {
        match row {
            Row::Trip(trip) => print_trip(trip, found.home.as_ref(), photos, as_json, out)?,
            Row::AtHome(e) if as_json => writeln!(out, "{}", json::group(e))?,
            Row::AtHome(e) => writeln!(out, "{}", group_line(e))?,
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One line of `groups --by trip`.
enum Row<'a> {
    Trip(&'a Trip),
    AtHome(&'a Group),
}

fn print_trip(
    trip: &Trip,
    home: Option<&Home>,
    photos: &[PhotoRecord],
    as_json: bool,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let events = trip.events(photos, &EventOptions::default());
    if as_json {
        writeln!(out, "{}", json::trip(trip, &events, photos))?;
        return Ok(());
    }
    let distance = trip
        .home_distance_km
        .map_or_else(String::new, |d| format!(", {d:.0} km from home"));
    let clock = trip
        .local_time(home)
        .map_or_else(String::new, |c| format!(" · {c}"));
    writeln!(
        out,
        "{} · {}{distance}{clock}",
        trip.label,
        count_label(trip.photos.len(), "photo")
    )?;
    for e in &events {
        writeln!(out, "    {}", group_line(e))?;
    }
    Ok(())
}

/// "Friday 1 September 2023 · 3 photos".
fn group_line(e: &Group) -> String {
    format!("{} · {}", e.label, count_label(e.photos.len(), "photo"))
}

/// "Home: Munich, Bavaria, Germany (inferred from the photos; away beyond 25 km)".
fn home_line(home: Option<&Home>) -> String {
    match home {
        None => "Home: not known (no place stands out); every located photo counts as away. Set it with `photo-atlas home FOLDER --set LAT,LON`.".into(),
        Some(h) => format!(
            "Home: {} ({}; away beyond {:.0} km)",
            h.name,
            if h.inferred { "inferred from the photos" } else { "chosen" },
            h.away_km
        ),
    }
}

/// What `home` was asked to do.
pub enum HomeChange {
    Show,
    Set(f64, f64),
    Clear,
}

pub fn home(
    catalog: &mut Catalog,
    locations: &Locations,
    folder: &Path,
    change: HomeChange,
) -> anyhow::Result<ExitCode> {
    match change {
        HomeChange::Show => {}
        HomeChange::Set(lat, lon) => {
            anyhow::ensure!(
                (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon),
                "home must be a latitude (-90 to 90) and a longitude (-180 to 180), got {lat},{lon}"
            );
            let name = place_name(&locality(lat, lon), &[], 0.0);
            catalog.set_home(Some(&SavedHome { lat, lon, name }))?;
        }
        HomeChange::Clear => catalog.set_home(None)?,
    }
    let report = scan_with_progress(catalog, locations, folder, false)?;
    let photos = catalog.photos_under(&report.folder)?;
    let found = folder_journeys(catalog, &photos)?;
    println!("{}", home_line(found.home.as_ref()));
    Ok(ExitCode::SUCCESS)
}

/// "48.137,11.575" into a latitude and a longitude.
pub fn parse_position(text: &str) -> Result<(f64, f64), String> {
    let (lat, lon) = text
        .split_once(',')
        .ok_or_else(|| format!("expected LAT,LON (such as 48.137,11.575), got \"{text}\""))?;
    let number = |s: &str| {
        s.trim()
            .parse::<f64>()
            .map_err(|_| format!("\"{}\" is not a number", s.trim()))
    };
    Ok((number(lat)?, number(lon)?))
}
