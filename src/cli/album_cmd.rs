//! `photo-atlas album ...` and `photo-atlas export ...`: keeping photos as albums
//! (from paths, or from a group of a folder by its key, as `groups --json` prints
//! it) and copying an album or a group out to a folder. Originals are only read.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;

use super::progress::ProgressView;
use super::scan_cmd::scan_with_progress;
use super::trips_cmd::folder_journeys;
use photo_atlas_core::export::{ExportOptions, export};
use photo_atlas_core::grouping::{EventOptions, count_label, group_by_date};
use photo_atlas_core::jobs::{CancelToken, Progress};
use photo_atlas_core::photo::PhotoRecord;
use photo_atlas_core::store::{Catalog, Locations};

/// Photos named on the command line: paths, or a group of a folder.
pub struct Source<'a> {
    pub paths: &'a [PathBuf],
    pub group: Option<&'a str>,
    pub folder: Option<&'a Path>,
}

/// The photos of `source`, absolute, in order.
fn source_photos(
    catalog: &mut Catalog,
    locations: &Locations,
    source: &Source,
) -> anyhow::Result<Vec<PathBuf>> {
    let mut photos: Vec<PathBuf> = source
        .paths
        .iter()
        .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.clone()))
        .collect();
    if let Some(key) = source.group {
        let folder = source
            .folder
            .context("--group needs --folder FOLDER, the folder the group is in")?;
        photos.extend(group_photos(catalog, locations, folder, key)?);
    }
    anyhow::ensure!(
        !photos.is_empty(),
        "no photos were named: give paths, or --group KEY --folder FOLDER"
    );
    Ok(photos)
}

/// The photos of the group `key` of `folder`: a year, month or day ("2019-07-13"),
/// an event, a trip ("trip-...") or a content group ("cluster-N").
fn group_photos(
    catalog: &mut Catalog,
    locations: &Locations,
    folder: &Path,
    key: &str,
) -> anyhow::Result<Vec<PathBuf>> {
    let report = scan_with_progress(catalog, locations, folder, false)?;
    if let Some(n) = key
        .strip_prefix("cluster-")
        .and_then(|n| n.parse::<usize>().ok())
    {
        let saved = catalog
            .clusters(&report.folder)?
            .context("this folder has no content groups yet")?;
        return Ok(saved
            .members
            .iter()
            .filter(|m| m.cluster == n)
            .map(|m| m.path.clone())
            .collect());
    }
    let photos = catalog.photos_under(&report.folder)?;
    let found = folder_journeys(catalog, &photos)?;
    let trip_groups = found.trips.iter().flat_map(|t| {
        let mut groups = vec![t.group(&photos)];
        groups.extend(t.events(&photos, &EventOptions::default()));
        groups
    });
    group_by_date(&photos)
        .into_iter()
        .chain(found.at_home)
        .chain(trip_groups)
        .find(|g| g.key == key)
        .map(|g| g.photos)
        .with_context(|| format!("{} has no group with the key {key} (see `photo-atlas groups FOLDER --by ... --json`)", folder.display()))
}

/// What `album` was asked to do.
pub enum AlbumAction<'a> {
    List,
    Show(&'a str),
    Keep(&'a str, Source<'a>),
    Add(&'a str, Source<'a>),
    Remove(&'a str, &'a [PathBuf]),
    Rename(&'a str, &'a str),
    Delete(&'a str),
}

pub fn album(
    catalog: &mut Catalog,
    locations: &Locations,
    action: AlbumAction,
) -> anyhow::Result<ExitCode> {
    let id_of = |catalog: &Catalog, name: &str| -> anyhow::Result<i64> {
        Ok(catalog
            .album_named(name)?
            .with_context(|| format!("there is no album called \"{name}\""))?
            .id)
    };
    match action {
        AlbumAction::List => {
            for a in catalog.albums()? {
                println!("{} · {}", a.name, count_label(a.count, "photo"));
            }
        }
        AlbumAction::Show(name) => {
            let id = id_of(catalog, name)?;
            for p in catalog.album_photos(id)? {
                let missing = if p.exists() {
                    ""
                } else {
                    "  (missing: moved or deleted)"
                };
                println!("{}{missing}", p.display());
            }
        }
        AlbumAction::Keep(name, source) => {
            let photos = source_photos(catalog, locations, &source)?;
            catalog.create_album(name, &photos)?;
            println!(
                "Kept {} as the album \"{name}\".",
                count_label(photos.len(), "photo")
            );
        }
        AlbumAction::Add(name, source) => {
            let id = id_of(catalog, name)?;
            let photos = source_photos(catalog, locations, &source)?;
            catalog.add_to_album(id, &photos)?;
        }
        AlbumAction::Remove(name, paths) => {
            let id = id_of(catalog, name)?;
            let paths: Vec<PathBuf> = paths
                .iter()
                .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.clone()))
                .collect();
            catalog.remove_from_album(id, &paths)?;
        }
        AlbumAction::Rename(old, new) => {
            let id = id_of(catalog, old)?;
            catalog.rename_album(id, new)?;
        }
        AlbumAction::Delete(name) => {
            let id = id_of(catalog, name)?;
            catalog.delete_album(id)?;
            println!("Forgot the album \"{name}\" (its photos are untouched).");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `export ALBUM DEST` or `export --group KEY --folder FOLDER DEST`.
pub fn export_cmd(
    catalog: &mut Catalog,
    locations: &Locations,
    album: Option<&str>,
    source: Source,
    dest: &Path,
    options: ExportOptions,
) -> anyhow::Result<ExitCode> {
    let paths = match album {
        Some(name) => {
            let a = catalog
                .album_named(name)?
                .with_context(|| format!("there is no album called \"{name}\""))?;
            catalog.album_photos(a.id)?
        }
        None => source_photos(catalog, locations, &source)?,
    };
    let records = records_for(catalog, &paths)?;
    let progress = Arc::new(Progress::default());
    let view = ProgressView::job(progress.clone());
    let report = export(
        &records,
        dest,
        &catalog
            .folders()?
            .into_iter()
            .map(PathBuf::from)
            .collect::<Vec<_>>(),
        options,
        &CancelToken::new(),
        &progress,
    )?;
    drop(view);
    for p in &report.missing {
        eprintln!("missing (moved or deleted): {}", p.display());
    }
    eprintln!(
        "Copied {} to {}.",
        count_label(report.written.len(), "photo"),
        dest.display()
    );
    Ok(if report.missing.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The catalogued records of `paths` (for their capture times), or bare ones.
fn records_for(catalog: &Catalog, paths: &[PathBuf]) -> anyhow::Result<Vec<PhotoRecord>> {
    paths
        .iter()
        .map(|p| {
            let known = catalog.photo(&photo_atlas_core::photo::path_text(p))?;
            Ok(known.unwrap_or_else(|| PhotoRecord::bare(p.clone())))
        })
        .collect()
}
