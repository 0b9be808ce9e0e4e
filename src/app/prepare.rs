//! Preparing Content in the background: after each scan (and the joining of new
//! photos to learned groups), the features of photos that have none are computed
//! at a low priority (`tasks::start_features`), so that Find groups and searches
//! by what photos show ("dog") find them ready. Anything more pressing stops it
//! (a scan, learning, the viewer, another folder) and it starts again when that
//! is over: what it computed stays cached.
//! When it is done, a folder without learned content groups starts learning them.

use super::PhotoAtlasApp;
use photo_atlas_core::tasks::start_features;

impl PhotoAtlasApp {
    /// Starts the background features when nothing more pressing is running.
    pub(super) fn prepare_content(&mut self) {
        let busy = self.scan.is_some()
            || self.clustering.is_some()
            || self.joining.is_some()
            || self.viewer.is_some()
            || self.features.is_some();
        if busy || !self.prepare_in_background {
            return;
        }
        if let Some(folder) = &self.folder {
            self.features = Some(start_features(
                &self.locations,
                folder.clone(),
                self.learn_on.device(),
                self.waker.clone(),
            ));
        }
    }

    /// Content fills by itself: once the features are ready, a folder without
    /// learned groups learns them (quick groups first, shown within seconds), with
    /// no button. Once per folder opened; a folder with learned groups keeps them,
    /// and its new photos join them after each scan without retraining. Called when
    /// the features are done and when a snapshot comes in: the first may come
    /// before the folder's first snapshot.
    pub(super) fn learn_when_ready(&mut self) {
        let Some(folder) = self.folder.clone() else {
            return;
        };
        if self.features_ready.as_ref() != Some(&folder) {
            return;
        }
        let learned = self
            .snapshot
            .as_ref()
            .is_some_and(|s| !s.content.is_empty() && !s.content_quick);
        let enough = self.snapshot.as_ref().is_some_and(|s| s.photos.len() >= 3);
        if learned || !enough || self.learning_started.as_ref() == Some(&folder) {
            return;
        }
        // It marks the folder as started, when it starts (not while a scan runs).
        self.start_clustering();
    }

    /// Stops the background features (to be started again later).
    pub(super) fn pause_preparing(&mut self) {
        if let Some(handle) = self.features.take().and_then(|t| t.retire()) {
            self.retired.push(handle);
        }
    }

    pub(super) fn poll_features(&mut self) {
        let Some(task) = &mut self.features else {
            return;
        };
        let Some(result) = task.poll() else { return };
        self.features = None;
        match result {
            Ok(Some(report)) => {
                if report.computed > 0 {
                    self.prepared = Some(format!(
                        "{} ready for Content and search.",
                        photo_atlas_core::grouping::count_label(report.computed, "photo")
                    ));
                    // The search index was built without their classes.
                    self.search.forget_index();
                }
                self.features_ready = self.folder.clone();
                self.learn_when_ready();
            }
            Ok(None) => {}
            Err(e) => self.message = Some(format!("Preparing Content failed: {e}")),
        }
    }
}
