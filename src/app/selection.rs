//! Selecting photos in the grid (Ctrl/Cmd-click toggles, Shift-click takes the range
//! from the last one picked in the order the view shows, Ctrl+A takes the view, Esc
//! clears; the arrows move a keyboard cursor, Space selects under it, Enter opens), and what can be done with a selection or an album: keep it as an album
//! (named in a dialog), or export it to a folder picked with the system's dialog,
//! with progress and Cancel. In the Duplicates view the selection starts as every
//! file but the best of each set (largest, then oldest); nothing is ever deleted.
//! The writes and copies run as tasks.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::mpsc::Receiver;

use super::{PhotoAtlasApp, sections_of};
use photo_atlas_core::export::ExportOptions;
use photo_atlas_core::photo::PhotoRecord;
use photo_atlas_core::tasks::{ExportTask, start_export, start_keep_album};

/// The photos picked in the grid (indices into the snapshot's photos).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selection {
    pub photos: BTreeSet<usize>,
    /// Where a Shift-click range starts: the photo picked last.
    anchor: Option<usize>,
    /// The group's name when the selection is one whole group (picked from its
    /// header): the name proposed for an album of it.
    pub group: Option<String>,
}

impl Selection {
    /// Every photo of one group, named.
    pub fn of_group(photos: Vec<usize>, label: String) -> Self {
        Self {
            photos: photos.into_iter().collect(),
            anchor: None,
            group: Some(label),
        }
    }
}

/// An export from the window: the folder being asked for, then the copying.
#[derive(Default)]
pub struct ExportView {
    picker: Option<(Receiver<Option<PathBuf>>, Vec<PhotoRecord>)>,
    pub job: Option<(ExportTask, PathBuf)>,
}

impl PhotoAtlasApp {
    /// The photos of the current view, in the order the grid shows them.
    fn view_order(&self) -> Vec<usize> {
        let Some(snap) = &self.snapshot else {
            return Vec::new();
        };
        let no_sets = Vec::new();
        let sets = self.duplicates.sections.as_ref().unwrap_or(&no_sets);
        sections_of(
            snap,
            &self.all_photos,
            &self.similar.section,
            sets,
            &self.search.section,
            self.view,
        )
        .into_iter()
        .flat_map(|g| g.photos.iter().copied())
        .collect()
    }

    /// Ctrl/Cmd-click (`range` false) or Shift-click (`range` true) on photo `index`.
    pub(super) fn select(&mut self, index: usize, range: bool) {
        self.selection.group = None;
        let anchor = self.selection.anchor.filter(|_| range);
        match anchor {
            Some(from) => {
                let order = self.view_order();
                let at = |i: usize| order.iter().position(|&p| p == i);
                if let (Some(a), Some(b)) = (at(from), at(index)) {
                    let (lo, hi) = (a.min(b), a.max(b));
                    self.selection.photos.extend(order[lo..=hi].iter().copied());
                }
            }
            None => {
                if !self.selection.photos.remove(&index) {
                    self.selection.photos.insert(index);
                }
            }
        }
        self.selection.anchor = Some(index);
    }

    /// Moves the keyboard cursor `delta` photos along the view (it starts on the first).
    pub(super) fn move_cursor(&mut self, delta: isize) {
        let order = self.view_order();
        if order.is_empty() {
            return;
        }
        let at = self.cursor.and_then(|c| order.iter().position(|&p| p == c));
        let next = match at {
            None => 0,
            Some(k) => (k as isize + delta).clamp(0, order.len() as isize - 1) as usize,
        };
        self.cursor = Some(order[next]);
        self.reveal = self.cursor;
    }

    pub(super) fn select_all(&mut self) {
        self.selection.photos = self.view_order().into_iter().collect();
        self.selection.group = None;
    }

    /// In each duplicates set, the best file (largest, then oldest taken, then the
    /// file modified first: a copy is newer than its original) or all the others.
    pub(super) fn select_duplicates(&mut self, best: bool) {
        let (Some(snap), Some(sets)) = (&self.snapshot, &self.duplicates.sections) else {
            return;
        };
        let mut picked = BTreeSet::new();
        for set in sets {
            let keeper = set.photos.iter().copied().min_by_key(|&i| {
                let p = &snap.photos[i];
                (
                    std::cmp::Reverse(p.size),
                    p.taken.map(|t| t.at.local),
                    p.mtime_ns,
                    p.path.clone(),
                )
            });
            picked.extend(
                set.photos
                    .iter()
                    .copied()
                    .filter(|&i| (Some(i) == keeper) == best),
            );
        }
        self.selection = Selection {
            photos: picked,
            anchor: None,
            group: None,
        };
    }

    pub(super) fn clear_selection(&mut self) {
        self.selection = Selection::default();
    }

    /// Keeps the selection as an album called `name`.
    pub(super) fn keep_album(&mut self, name: String) {
        let name = name.trim().to_string();
        let (Some(snap), false) = (&self.snapshot, name.is_empty()) else {
            return;
        };
        if self.writing.is_some() {
            self.message = Some("Still saving the last change; try again in a moment.".into());
            return;
        }
        let paths: Vec<PathBuf> = self
            .selection
            .photos
            .iter()
            .filter_map(|&i| snap.photos.get(i).map(|p| p.path.clone()))
            .collect();
        self.message = Some(format!(
            "Kept {} as the album \"{name}\".",
            photo_atlas_core::grouping::count_label(paths.len(), "photo")
        ));
        self.writing = Some(start_keep_album(
            &self.locations,
            name,
            paths,
            self.waker.clone(),
        ));
        self.clear_selection();
    }

    /// Asks for a folder, then copies `photos` (snapshot indices) into it.
    pub(super) fn export_photos(&mut self, photos: Vec<usize>) {
        let Some(snap) = &self.snapshot else { return };
        if self.export.job.is_some() || self.export.picker.is_some() {
            return;
        }
        let records: Vec<PhotoRecord> = photos
            .iter()
            .filter_map(|&i| snap.photos.get(i).cloned())
            .collect();
        let (tx, rx) = std::sync::mpsc::channel();
        let waker = self.waker.clone();
        let spawned = std::thread::Builder::new()
            .name("export-dialog".into())
            .spawn(move || {
                let _ = tx.send(
                    rfd::FileDialog::new()
                        .set_title("Export the photos to a folder")
                        .pick_folder(),
                );
                waker();
            });
        match spawned {
            Ok(_) => self.export.picker = Some((rx, records)),
            Err(e) => self.message = Some(format!("The folder dialog could not open: {e}")),
        }
    }

    /// Starts copying `photos` into `dest` (the dialog's answer, or a test's).
    pub fn start_export_to(&mut self, photos: Vec<PhotoRecord>, dest: PathBuf) {
        let task = start_export(
            &self.locations,
            photos,
            dest.clone(),
            ExportOptions::default(),
            self.waker.clone(),
        );
        self.export.job = Some((task, dest));
    }

    pub(super) fn poll_export(&mut self) {
        if let Some((rx, _)) = &self.export.picker {
            match rx.try_recv() {
                Ok(Some(dest)) => {
                    if let Some((_, photos)) = self.export.picker.take() {
                        self.start_export_to(photos, dest);
                    }
                }
                Ok(None) | Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                    self.export.picker = None
                }
                Err(std::sync::mpsc::TryRecvError::Empty) => {}
            }
        }
        let Some((task, dest)) = &mut self.export.job else {
            return;
        };
        let Some(result) = task.poll() else { return };
        let dest = dest.display().to_string();
        self.message = Some(match result {
            Ok(r) if r.cancelled => format!(
                "Export cancelled: {} copied to {dest}.",
                photo_atlas_core::grouping::count_label(r.written.len(), "photo")
            ),
            Ok(r) if !r.missing.is_empty() => format!(
                "Copied {} to {dest}; {} missing (moved or deleted).",
                photo_atlas_core::grouping::count_label(r.written.len(), "photo"),
                r.missing.len()
            ),
            Ok(r) => format!(
                "Copied {} to {dest}.",
                photo_atlas_core::grouping::count_label(r.written.len(), "photo")
            ),
            Err(e) => format!("The export stopped: {e}"),
        });
        self.export.job = None;
    }
}
