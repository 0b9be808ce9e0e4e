//! Searches that take longer than a frame, for the window: similar photos (loading
//! codes and features, and for a photo from outside, running the network) and the
//! folder's duplicate sets (hashing same-size files, comparing features).

use std::path::{Path, PathBuf};

use super::background::Background;
use crate::jobs::Waker;
use crate::ml::device::{DeviceChoice, choose};
use crate::search::duplicates::{DuplicateSet, find_duplicates};
use crate::search::library::{SimilarPhoto, similar_photos};
use crate::store::{Catalog, Locations, PhotoRecord};

/// How many similar photos the window shows.
pub const SHOWN: usize = 60;

pub struct SimilarJob {
    pub query: PathBuf,
    work: Background<Vec<SimilarPhoto>>,
}

impl SimilarJob {
    pub fn start(locations: &Locations, query: PathBuf, waker: Waker) -> Self {
        let (l, q) = (locations.clone(), query.clone());
        let work = Background::start("similar", waker, move || similar(&l, &q));
        Self { query, work }
    }

    pub fn poll(&self) -> Option<Result<Vec<SimilarPhoto>, String>> {
        self.work.poll()
    }
}

fn similar(locations: &Locations, query: &Path) -> Result<Vec<SimilarPhoto>, String> {
    let catalog = Catalog::open(&locations.catalog).map_err(|e| e.to_string())?;
    let (device, _) = choose(DeviceChoice::Auto).map_err(|e| e.to_string())?;
    similar_photos(&catalog, query, SHOWN, &device, true).map_err(|e| e.to_string())
}

/// The duplicate sets of the photos on screen (indices into `photos`).
pub fn start_duplicates(
    locations: &Locations,
    photos: Vec<PhotoRecord>,
    waker: Waker,
) -> Background<Vec<DuplicateSet>> {
    let l = locations.clone();
    Background::start("duplicates", waker, move || {
        let catalog = Catalog::open(&l.catalog).map_err(|e| e.to_string())?;
        find_duplicates(&catalog, &photos).map_err(|e| e.to_string())
    })
}
