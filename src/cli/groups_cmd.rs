//! `photo-atlas groups FOLDER --by date|event|place|cluster|duplicates|trip [--json]`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use super::{GroupBy, json, scan_cmd::scan_with_progress};
use photo_atlas_core::grouping::places::{ClusterOptions, find_places};
use photo_atlas_core::grouping::{EventOptions, Group, GroupLevel, group_by_date, group_by_event};
use photo_atlas_core::photo::PhotoRecord;
use photo_atlas_core::store::{Catalog, Locations};

pub fn run(
    catalog: &mut Catalog,
    locations: &Locations,
    folder: &Path,
    by: GroupBy,
    as_json: bool,
) -> anyhow::Result<ExitCode> {
    // Brings the catalog up to date (metadata only; existing thumbnails are kept).
    let report = scan_with_progress(catalog, locations, folder, false)?;
    let photos = catalog.photos_under(&report.folder)?;
    let mut out = std::io::stdout().lock();
    if by == GroupBy::Cluster {
        super::cluster_cmd::join_new_photos(catalog, &report.folder)?;
        return super::cluster_cmd::print_clusters(catalog, &report.folder, as_json, &mut out);
    }
    if by == GroupBy::Duplicates {
        return print_duplicates(catalog, &photos, as_json, &mut out);
    }
    if by == GroupBy::Place {
        return print_places(&mut out, &photos, as_json);
    }
    if by == GroupBy::Trip {
        return super::trips_cmd::print_trips(catalog, &photos, as_json, &mut out);
    }
    let groups = match by {
        GroupBy::Date => group_by_date(&photos),
        _ => group_by_event(&photos, &EventOptions::default()),
    };
    for g in &groups {
        if as_json {
            writeln!(out, "{}", json::group(g))?;
        } else {
            writeln!(out, "{}", text_line(g))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_places(
    out: &mut impl Write,
    photos: &[PhotoRecord],
    as_json: bool,
) -> anyhow::Result<ExitCode> {
    let found = find_places(photos, &ClusterOptions::default());
    for place in &found.places {
        if as_json {
            writeln!(out, "{}", json::place(place, photos))?;
        } else {
            let inferred = match place.inferred.len() {
                0 => String::new(),
                n => format!(" (+{n} inferred)"),
            };
            let count = photo_atlas_core::grouping::count_label(place.photos.len(), "photo");
            writeln!(out, "{} · {count}{inferred}", place.name)?;
        }
    }
    if !found.no_location.is_empty() {
        if as_json {
            writeln!(out, "{}", json::no_location(&found.no_location, photos))?;
        } else {
            writeln!(
                out,
                "No location · {}",
                photo_atlas_core::grouping::count_label(found.no_location.len(), "photo")
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_duplicates(
    catalog: &Catalog,
    photos: &[PhotoRecord],
    as_json: bool,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let never = photo_atlas_core::jobs::CancelToken::new();
    let sets = photo_atlas_core::search::duplicates::find_duplicates(catalog, photos, &never)?
        .unwrap_or_default();
    if sets.is_empty() {
        eprintln!("No duplicates found.");
    }
    for (i, set) in sets.iter().enumerate() {
        let label = photo_atlas_core::search::duplicates::label(set);
        if as_json {
            let value = serde_json::json!({
                "label": label,
                "level": "duplicates",
                "key": format!("duplicates-{i}"),
                "count": set.photos.len(),
                "photos": set.photos.iter().map(|&p| photos[p].path_text()).collect::<Vec<_>>(),
                "identical": set.identical,
                "similarity": set.similarity,
            });
            writeln!(out, "{value}")?;
        } else {
            writeln!(
                out,
                "{label} · {}",
                photo_atlas_core::grouping::count_label(set.photos.len(), "photo")
            )?;
            for &p in &set.photos {
                writeln!(out, "    {}", photos[p].path.display())?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn text_line(g: &Group) -> String {
    let indent = match g.level {
        GroupLevel::Month => "  ",
        GroupLevel::Day => "    ",
        _ => "",
    };
    let noun = if g.photos.len() == 1 {
        "photo"
    } else {
        "photos"
    };
    format!("{indent}{} · {} {noun}", g.label, g.photos.len())
}
