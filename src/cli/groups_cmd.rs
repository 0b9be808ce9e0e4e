//! `photo-atlas groups FOLDER --by date|event [--json]`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use super::{GroupBy, json, scan_cmd::scan_with_progress};
use crate::grouping::{EventOptions, Group, GroupLevel, group_by_date, group_by_event};
use crate::store::{Catalog, Locations};

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
    let groups = match by {
        GroupBy::Date => group_by_date(&photos),
        GroupBy::Event => group_by_event(&photos, &EventOptions::default()),
    };
    let mut out = std::io::stdout().lock();
    for g in &groups {
        if as_json {
            writeln!(out, "{}", json::group(g))?;
        } else {
            writeln!(out, "{}", text_line(g))?;
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
