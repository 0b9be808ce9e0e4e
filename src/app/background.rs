//! The open folder's background work, seen from the window: starting each task and
//! taking in what it finished (catalog reads, the scan, learning and joining content
//! groups, similar photos, duplicates). Polled once per frame; never waits.

use std::path::PathBuf;

use super::{PhotoAtlasApp, ViewMode};
use photo_atlas_core::tasks::{
    IndexedGroup, Loaded, start_duplicates, start_joining, start_learning, start_recent,
    start_similar,
};

/// Catalog reads and the scan.
impl PhotoAtlasApp {
    pub(super) fn receive_loads(&mut self) {
        let Some(finished) = self.loading.poll(&self.locations, &self.waker) else {
            return;
        };
        if self.folder.as_ref() != Some(&finished.folder) {
            return;
        }
        match finished.outcome {
            Ok(Some(loaded)) => self.take_snapshot(loaded),
            Ok(None) => {}
            Err(e) => {
                self.load_failed = true;
                self.message = Some(format!("The folder could not be shown: {e}"));
            }
        }
    }

    fn take_snapshot(&mut self, loaded: Loaded) {
        self.load_failed = false;
        if let Some(warning) = loaded.warnings.into_iter().next() {
            self.message = Some(warning);
        }
        let snapshot = loaded.snapshot;
        self.all_photos = vec![IndexedGroup {
            level: photo_atlas_core::grouping::GroupLevel::Section,
            key: "all".into(),
            label: "All photos".into(),
            photos: (0..snapshot.photos.len()).collect(),
        }];
        self.snapshot = Some(snapshot);
        self.search_sees_snapshot();
        if self.view == ViewMode::Duplicates
            && self.duplicates.sections.is_none()
            && self.scan.is_none()
        {
            self.find_duplicates();
        }
        if let Some(index) = self.pending_open.take() {
            self.open_photo(index);
        }
        if self.scan.is_none()
            && let Some(photo) = self.pending_similar.take()
        {
            self.find_similar(photo);
        }
        if self.scan.is_none()
            && let Some(text) = self.pending_search.take()
        {
            self.search(text);
        }
        self.learn_when_ready();
    }

    /// A catalog write is done (home chosen, an album kept): the reload shows it.
    pub(super) fn poll_writing(&mut self) {
        let Some(task) = &mut self.writing else {
            return;
        };
        let Some(result) = task.poll() else { return };
        self.writing = None;
        match result {
            Ok(()) => self.request_reload(),
            Err(e) => self.message = Some(format!("The catalog could not be changed: {e}")),
        }
    }

    pub(super) fn receive_recent_folders(&mut self) {
        let Some(task) = &mut self.recent_folders else {
            return;
        };
        match task.poll() {
            None => return,
            Some(Ok(folders)) => self.recent = folders,
            Some(Err(e)) => {
                self.message = Some(format!("The recent folders could not be read: {e}"))
            }
        }
        self.recent_folders = None;
    }

    pub(super) fn poll_scan(&mut self) {
        let Some(task) = &mut self.scan else { return };
        let Some(result) = task.poll() else { return };
        let read = task.progress().done();
        let elapsed = task.started().elapsed().as_secs_f64();
        self.last_scan = Some(match result {
            Ok(r) if r.cancelled => {
                format!("Scan cancelled after {read} files; the rest is read next time.")
            }
            Ok(r) if r.read == 0 && r.removed == 0 => {
                "Up to date: nothing changed since the last scan.".into()
            }
            Ok(r) => format!(
                "Scanned in {elapsed:.1} s: {} new or changed, {} removed.",
                r.read, r.removed
            ),
            Err(e) => format!("The scan failed: {e}"),
        });
        self.scan = None;
        self.request_reload();
        self.recent_folders = Some(start_recent(&self.locations, self.waker.clone()));
        self.join_new_photos();
    }
}

/// Content groups: learning them, and joining new photos to them.
impl PhotoAtlasApp {
    pub(super) fn start_clustering(&mut self) {
        if self.clustering.is_some() || self.joining.is_some() || self.scan.is_some() {
            return;
        }
        // Learning computes the features itself (sharing the cache).
        self.pause_preparing();
        if let Some(folder) = &self.folder {
            self.learning_started = Some(folder.clone());
            self.last_clustering = None;
            self.quick_groups_loaded = false;
            self.clustering = Some(start_learning(
                &self.locations,
                folder.clone(),
                self.learn_on.device(),
                self.waker.clone(),
            ));
        }
    }

    pub(super) fn poll_clustering(&mut self) {
        let Some(task) = &mut self.clustering else {
            return;
        };
        // Quick groups are stored before the autoencoder starts: show them now.
        let stage: photo_atlas_core::ml::train::Stage = task.progress().stage();
        let past_quick = !matches!(
            stage,
            photo_atlas_core::ml::train::Stage::Features
                | photo_atlas_core::ml::train::Stage::QuickGroups
        );
        let result = task.poll();
        if past_quick && !self.quick_groups_loaded {
            self.quick_groups_loaded = true;
            self.request_reload();
        }
        let Some(result) = result else { return };
        self.last_clustering = Some(match result {
            Ok(Some(summary)) => summary,
            Ok(None) => "Cancelled: the groups are as they were before.".into(),
            Err(e) => format!("Finding groups failed: {e}"),
        });
        self.clustering = None;
        self.request_reload();
    }

    /// After a scan: photos added since the groups were learned join them, no retraining.
    pub(super) fn join_new_photos(&mut self) {
        if self.clustering.is_some() || self.joining.is_some() {
            return;
        }
        if let Some(folder) = &self.folder {
            self.joining = Some(start_joining(
                &self.locations,
                folder.clone(),
                self.learn_on.device(),
                self.waker.clone(),
            ));
        }
    }

    pub(super) fn poll_joining(&mut self) {
        let Some(task) = &mut self.joining else {
            return;
        };
        let Some(result) = task.poll() else { return };
        self.joining = None;
        self.prepare_content();
        match result {
            Ok(Some(0)) | Ok(None) => {}
            Ok(Some(n)) => {
                self.last_clustering = Some(format!(
                    "{} joined the groups (no retraining).",
                    photo_atlas_core::grouping::count_label(n, "new photo")
                ));
                self.request_reload();
            }
            Err(e) => self.message = Some(format!("New photos could not join the groups: {e}")),
        }
    }
}

/// Similar photos: starting a search and taking in its results.
impl PhotoAtlasApp {
    pub(super) fn find_similar(&mut self, photo: PathBuf) {
        self.viewer = None;
        self.view = ViewMode::Similar;
        self.scroll_to = Some(0);
        if let Some(handle) = self.similar.job.take().and_then(|t| t.retire()) {
            self.retired.push(handle);
        }
        self.similar = super::SimilarView {
            job: Some(start_similar(
                &self.locations,
                photo.clone(),
                self.waker.clone(),
            )),
            query: Some(photo),
            ..super::SimilarView::default()
        };
    }

    pub(super) fn poll_similar(&mut self) {
        let Some(task) = &mut self.similar.job else {
            return;
        };
        let Some(result) = task.poll() else { return };
        self.similar.job = None;
        let hits = match result {
            Ok(Some(hits)) => hits,
            Ok(None) => return,
            Err(e) => {
                self.similar.error = Some(e.to_string());
                return;
            }
        };
        let Some(snap) = &self.snapshot else { return };
        let mut photos = Vec::new();
        for hit in &hits {
            if let Some(i) = snap.index_of(&hit.path) {
                photos.push(i);
                self.similar
                    .scores
                    .insert(i, (hit.score, hit.near_duplicate));
            }
        }
        self.similar.elsewhere = hits.len() - photos.len();
        let name = self
            .similar
            .query
            .as_ref()
            .and_then(|q| q.file_name())
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        self.similar.section = vec![IndexedGroup {
            level: photo_atlas_core::grouping::GroupLevel::Section,
            key: "similar".into(),
            label: format!("Most like {name}"),
            photos,
        }];
    }
}

/// Duplicates: searching the open folder when the view is opened.
impl PhotoAtlasApp {
    pub(super) fn find_duplicates(&mut self) {
        if self.duplicates.job.is_some() {
            return;
        }
        let Some(snap) = &self.snapshot else { return };
        self.duplicates.error = None;
        self.duplicates.job = Some(start_duplicates(
            &self.locations,
            snap.photos.clone(),
            self.waker.clone(),
        ));
    }

    pub(super) fn poll_duplicates(&mut self) {
        let Some(task) = &mut self.duplicates.job else {
            return;
        };
        let Some(result) = task.poll() else { return };
        self.duplicates.job = None;
        match result {
            Ok(None) => {}
            Ok(Some(sets)) => {
                let sections = sets
                    .iter()
                    .enumerate()
                    .map(|(i, set)| IndexedGroup {
                        level: photo_atlas_core::grouping::GroupLevel::Section,
                        key: format!("duplicates-{i}"),
                        label: photo_atlas_core::search::duplicates::label(set),
                        photos: set.photos.clone(),
                    })
                    .collect();
                self.duplicates.sections = Some(sections);
                // Preselected: every file but the best of each set (nothing is deleted).
                if self.selection.photos.is_empty() {
                    self.select_duplicates(false);
                }
            }
            Err(e) => self.duplicates.error = Some(e.to_string()),
        }
    }
}
