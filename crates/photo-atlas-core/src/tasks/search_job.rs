//! The library search as tasks for the window: building the index of the photos on
//! screen (at once from what is cached, then again with the features, and with them
//! the top classes, computed where missing, with progress), and each query answered
//! on its own short-lived thread, so a keystroke never waits on the index and an old
//! query is simply cancelled.

use std::sync::Arc;

use super::Failure;
use crate::jobs::{CancelToken, Progress, Task, Waker};
use crate::ml::device::{DeviceChoice, choose};
use crate::photo::PhotoRecord;
use crate::search::build::{Coverage, build_index};
use crate::search::index::{SearchIndex, SearchResult};
use crate::store::{Catalog, Locations};

/// The index over the photos given (same order); `None` when cancelled.
pub type SearchIndexTask = Task<Option<Arc<SearchIndex>>, Failure, Progress>;
/// The answer to one query, and the text it answers.
pub type QueryTask = Task<(String, SearchResult), Failure>;

/// Builds the search index over `photos` (the snapshot's photos, so hits are its indices).
pub fn start_search_index(
    locations: &Locations,
    photos: Vec<PhotoRecord>,
    coverage: Coverage,
    waker: Waker,
) -> SearchIndexTask {
    let l = locations.clone();
    Task::spawn(
        "search-index",
        Default::default(),
        waker,
        move |cancel, progress| index(&l, &photos, coverage, cancel, progress),
    )
}

pub(super) fn index(
    locations: &Locations,
    photos: &[PhotoRecord],
    coverage: Coverage,
    cancel: &CancelToken,
    progress: &Progress,
) -> Result<Option<Arc<SearchIndex>>, Failure> {
    let mut catalog = Catalog::open(&locations.catalog)?;
    let (device, _) = choose(DeviceChoice::Auto)?;
    let index = build_index(&mut catalog, photos, &device, coverage, cancel, progress)?;
    Ok(index.map(Arc::new))
}

/// Answers `text` from `index`.
pub fn start_query(index: Arc<SearchIndex>, text: String, waker: Waker) -> QueryTask {
    Task::spawn("search", Default::default(), waker, move |_, _| {
        let result = index.search(&text);
        Ok((text, result))
    })
}
