//! Copying photos out (an album, a selection) as a task for the window: progress
//! counts the photos copied, Cancel stops between photos, and the library folders
//! of the catalog are refused as destinations.

use std::path::PathBuf;

use super::Failure;
use crate::export::{ExportOptions, ExportReport, export};
use crate::jobs::{Progress, Task, Waker};
use crate::photo::PhotoRecord;
use crate::store::{Catalog, Locations};

/// What was copied (and what was missing), or why it stopped.
pub type ExportTask = Task<ExportReport, Failure, Progress>;

/// Copies `photos` into `dest`.
pub fn start_export(
    locations: &Locations,
    photos: Vec<PhotoRecord>,
    dest: PathBuf,
    options: ExportOptions,
    waker: Waker,
) -> ExportTask {
    let l = locations.clone();
    Task::spawn(
        "export",
        Default::default(),
        waker,
        move |cancel, progress| {
            let libraries: Vec<PathBuf> = Catalog::open(&l.catalog)?
                .folders()?
                .into_iter()
                .map(PathBuf::from)
                .collect();
            Ok(export(
                &photos, &dest, &libraries, options, cancel, progress,
            )?)
        },
    )
}
