//! Searches that take longer than a frame, as tasks for the window: similar photos
//! (loading codes and features, and for a photo from outside, running the network)
//! and the folder's duplicate sets (hashing same-size files, comparing features).
//! Both stop when cancelled, so a new folder or a new query never waits on an old one.

use std::path::{Path, PathBuf};

use super::Failure;
use crate::jobs::{CancelToken, Task, Waker};
use crate::ml::device::{DeviceChoice, choose};
use crate::photo::PhotoRecord;
use crate::search::duplicates::{DuplicateSet, find_duplicates};
use crate::search::similar::{SimilarPhoto, similar_photos};
use crate::store::{Catalog, Locations};

/// How many similar photos the window shows.
pub const SHOWN: usize = 60;

/// The hits, best first; `None` when cancelled.
pub type SimilarTask = Task<Option<Vec<SimilarPhoto>>, Failure>;
/// The duplicate sets (indices into the photos given); `None` when cancelled.
pub type DuplicatesTask = Task<Option<Vec<DuplicateSet>>, Failure>;

/// The photos most like `query` (in the catalog, or any image file).
pub fn start_similar(locations: &Locations, query: PathBuf, waker: Waker) -> SimilarTask {
    let l = locations.clone();
    Task::spawn("similar", Default::default(), waker, move |cancel, _| {
        similar(&l, &query, cancel)
    })
}

pub(super) fn similar(
    locations: &Locations,
    query: &Path,
    cancel: &CancelToken,
) -> Result<Option<Vec<SimilarPhoto>>, Failure> {
    let catalog = Catalog::open(&locations.catalog)?;
    let (device, _) = choose(DeviceChoice::Auto)?;
    Ok(similar_photos(
        &catalog, query, SHOWN, &device, true, cancel,
    )?)
}

/// The duplicate sets of the photos on screen.
pub fn start_duplicates(
    locations: &Locations,
    photos: Vec<PhotoRecord>,
    waker: Waker,
) -> DuplicatesTask {
    let l = locations.clone();
    Task::spawn("duplicates", Default::default(), waker, move |cancel, _| {
        duplicates(&l, &photos, cancel)
    })
}

pub(super) fn duplicates(
    locations: &Locations,
    photos: &[PhotoRecord],
    cancel: &CancelToken,
) -> Result<Option<Vec<DuplicateSet>>, Failure> {
    let catalog = Catalog::open(&locations.catalog)?;
    Ok(find_duplicates(&catalog, photos, cancel)?)
}
