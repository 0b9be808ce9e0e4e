//! A scan running on its own thread, with progress counters, a cancel token and
//! a waker, for the window. Its catalog connection is its own (SQLite in WAL mode
//! lets the loader read while the scan writes).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use crate::imaging::ThumbnailCache;
use crate::jobs::{CancelToken, ScanProgress, Waker};
use crate::scanner::{ScanOptions, ScanReport, scan};
use crate::store::{Catalog, Locations};

pub struct ScanJob {
    pub folder: PathBuf,
    pub progress: Arc<ScanProgress>,
    pub cancel: CancelToken,
    pub started: Instant,
    finished: Receiver<Result<ScanReport, String>>,
}

impl ScanJob {
    pub fn start(locations: &Locations, folder: PathBuf, waker: Waker) -> Self {
        let progress = ScanProgress::new();
        let cancel = CancelToken::new();
        let (tx, finished) = mpsc::channel();
        let (p, c, l, f) = (
            progress.clone(),
            cancel.clone(),
            locations.clone(),
            folder.clone(),
        );
        let spawned = std::thread::Builder::new()
            .name("scan".into())
            .spawn(move || {
                let result = run(&l, &f, &c, &p);
                let _ = tx.send(result);
                waker();
            });
        if let Err(e) = spawned {
            eprintln!("photo-atlas: the scan could not start: {e}");
        }
        Self {
            folder,
            progress,
            cancel,
            started: Instant::now(),
            finished,
        }
    }

    /// The scan's outcome once it has finished.
    pub fn poll(&self) -> Option<Result<ScanReport, String>> {
        match self.finished.try_recv() {
            Ok(result) => Some(result),
            Err(mpsc::TryRecvError::Empty) => None,
            Err(mpsc::TryRecvError::Disconnected) => {
                Some(Err("the scan stopped unexpectedly".into()))
            }
        }
    }

    /// Files per second and the estimated time left, once reading has started.
    pub fn rate_and_eta(&self) -> Option<(f64, Duration)> {
        let done = ScanProgress::get(&self.progress.read);
        let total = ScanProgress::get(&self.progress.to_read);
        let secs = self.started.elapsed().as_secs_f64();
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

fn run(
    locations: &Locations,
    folder: &std::path::Path,
    cancel: &CancelToken,
    progress: &ScanProgress,
) -> Result<ScanReport, String> {
    let mut catalog = Catalog::open(&locations.catalog).map_err(|e| e.to_string())?;
    let options = ScanOptions {
        thumbnails: Some(ThumbnailCache::new(locations.thumbnails())),
        exclude: locations.own_folders(),
    };
    scan(&mut catalog, folder, &options, cancel, progress).map_err(|e| e.to_string())
}
