//! A scan as a task, for the window: progress counters, the cancel token checked per
//! file, and its own catalog connection (SQLite in WAL mode lets catalog reads go on
//! while the scan writes).

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::Failure;
use crate::imaging::ThumbnailCache;
use crate::jobs::{CancelToken, Progress, ScanStage, Task, Waker};
use crate::scanner::{ScanOptions, ScanReport, scan};
use crate::store::{Catalog, Locations};

pub type ScanTask = Task<ScanReport, Failure, Progress>;

/// Scans `folder` (metadata and thumbnails) into the catalog.
pub fn start_scan(locations: &Locations, folder: PathBuf, waker: Waker) -> ScanTask {
    let l = locations.clone();
    Task::spawn(
        "scan",
        Default::default(),
        waker,
        move |cancel, progress| run(&l, &folder, cancel, progress),
    )
}

impl ScanTask {
    /// Files per second and the estimated time left, once reading has started.
    pub fn rate_and_eta(&self) -> Option<(f64, Duration)> {
        let p = self.progress();
        let (done, total) = (p.done(), p.total());
        if p.stage::<ScanStage>() == ScanStage::Walking {
            return None;
        }
        let secs = self.started().elapsed().as_secs_f64();
        if done == 0 || secs <= 0.0 {
            return None;
        }
        let rate = done as f64 / secs;
        Some((
            rate,
            Duration::from_secs_f64(total.saturating_sub(done) as f64 / rate),
        ))
    }
}

pub(super) fn run(
    locations: &Locations,
    folder: &Path,
    cancel: &CancelToken,
    progress: &Progress,
) -> Result<ScanReport, Failure> {
    let mut catalog = Catalog::open(&locations.catalog)?;
    let options = ScanOptions {
        thumbnails: Some(ThumbnailCache::new(locations.thumbnails())),
        exclude: locations.own_folders(),
    };
    Ok(scan(&mut catalog, folder, &options, cancel, progress)?)
}
