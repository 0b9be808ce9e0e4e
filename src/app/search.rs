//! The search box, seen from the window: the index of the open folder's photos is
//! built in the background the first time something is typed (features computed
//! where missing, with progress), and each query is then answered on its own thread;
//! a newer query retires the one before it. The grid shows the hits as one section.

use std::sync::Arc;

use super::{PhotoAtlasApp, ViewMode};
use photo_atlas_core::search::build::Coverage;
use photo_atlas_core::search::index::SearchIndex;
use photo_atlas_core::tasks::{
    IndexedGroup, QueryTask, SearchIndexTask, start_query, start_search_index,
};

/// The Search view's state.
#[derive(Default)]
pub struct SearchView {
    /// What is in the search box.
    pub text: String,
    /// Building the index, and whether from cached features only or from all photos.
    pub index_job: Option<(SearchIndexTask, Coverage)>,
    pub index: Option<Arc<SearchIndex>>,
    /// How many photos the index holds (it is rebuilt when the folder's photos change).
    indexed: usize,
    pub query_job: Option<QueryTask>,
    /// The hits of the last answered query, best first, as one grid section.
    pub section: Vec<IndexedGroup>,
    /// The last answered query, as understood ("dog (118 ImageNet classes), 2023").
    pub understood: Option<String>,
    /// Why nothing matched (words not understood), or why the search failed.
    pub error: Option<String>,
}

impl SearchView {
    /// Drops the index, so that the next query builds it again (new classes came in).
    pub fn forget_index(&mut self) {
        self.index = None;
        self.indexed = 0;
    }

    /// Whether a query or the index is still being worked on.
    pub fn is_busy(&self) -> bool {
        self.index_job.is_some() || self.query_job.is_some()
    }
}

impl PhotoAtlasApp {
    /// The search box's text changed: shows the Search view and asks for an answer.
    pub(super) fn search(&mut self, text: String) {
        self.view = ViewMode::Search;
        self.viewer = None;
        self.scroll_to = Some(0);
        self.search.text = text;
        self.ask_query();
    }

    /// Starts the index if there is none, else a query for the box's text.
    fn ask_query(&mut self) {
        let Some(snap) = &self.snapshot else { return };
        if self.search.index.is_none() {
            if self.search.index_job.is_none() {
                self.search.indexed = snap.photos.len();
                self.start_index(Coverage::Cached);
            }
            return;
        }
        if let Some(handle) = self.search.query_job.take().and_then(|t| t.retire()) {
            self.retired.push(handle);
        }
        if self.search.text.trim().is_empty() {
            self.search.section.clear();
            self.search.understood = None;
            self.search.error = None;
            return;
        }
        if let Some(index) = &self.search.index {
            self.search.query_job = Some(start_query(
                index.clone(),
                self.search.text.clone(),
                self.waker.clone(),
            ));
        }
    }

    fn start_index(&mut self, coverage: Coverage) {
        let Some(snap) = &self.snapshot else { return };
        let task = start_search_index(
            &self.locations,
            snap.photos.clone(),
            coverage,
            self.waker.clone(),
        );
        self.search.index_job = Some((task, coverage));
    }

    /// A new snapshot of the folder: an index over other photos is dropped.
    pub(super) fn search_sees_snapshot(&mut self) {
        let count = self.snapshot.as_ref().map_or(0, |s| s.photos.len());
        let built = self.search.index.is_some() || self.search.index_job.is_some();
        if built && self.search.indexed != count {
            self.search.index = None;
            if let Some(handle) = self.search.index_job.take().and_then(|(t, _)| t.retire()) {
                self.retired.push(handle);
            }
            if self.view == ViewMode::Search && self.scan.is_none() {
                self.ask_query();
            }
        }
    }

    pub(super) fn poll_search(&mut self) {
        self.poll_search_index();
        let Some(task) = &mut self.search.query_job else {
            return;
        };
        let Some(result) = task.poll() else { return };
        self.search.query_job = None;
        let (text, result) = match result {
            Ok(answer) => answer,
            Err(e) => {
                self.search.error = Some(format!("The search failed: {e}"));
                return;
            }
        };
        if text != self.search.text {
            return;
        }
        self.search.error = result.query.unknown_words_message();
        self.search.understood = Some(result.query.describe());
        let label = format!("\u{201c}{}\u{201d}", text.trim());
        self.search.section = vec![IndexedGroup {
            level: photo_atlas_core::grouping::GroupLevel::Section,
            key: "search".into(),
            label,
            photos: result.hits.iter().map(|&(i, _)| i).collect(),
        }];
    }

    fn poll_search_index(&mut self) {
        let Some((task, coverage)) = &mut self.search.index_job else {
            return;
        };
        let Some(result) = task.poll() else { return };
        let coverage = *coverage;
        self.search.index_job = None;
        match result {
            Ok(Some(index)) => {
                // Answered at once from what is cached; then the network looks at the rest.
                if coverage == Coverage::Cached && index.with_classes() < index.len() {
                    self.start_index(Coverage::Complete);
                }
                self.search.index = Some(index);
                self.ask_query();
            }
            Ok(None) => {}
            Err(e) => self.search.error = Some(format!("The search could not start: {e}")),
        }
    }
}
