//! Everything a user can ask the window to do, and how each request is carried out.

use std::path::PathBuf;

use super::{AlbumCommand, PhotoAtlasApp, SettingsCommand, ViewMode, Viewer};
use photo_atlas_core::tasks::{Rename, start_scan};

/// A request from the UI, applied after the frame is drawn.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Ask for a folder with the system's dialog.
    PickFolder,
    OpenFolder(PathBuf),
    CancelScan,
    SetView(ViewMode),
    /// Scroll the grid to this section of the current view.
    ScrollToSection(usize),
    /// Show photo `index` (capture order) large.
    OpenPhoto(usize),
    ClosePhoto,
    /// Next (+1) or previous (-1) photo in the viewer.
    StepPhoto(isize),
    ToggleProblems,
    SetThumbSize(f32),
    OpenExternally(PathBuf),
    /// Show the photos most like this one (in the library or from outside).
    FindSimilar(PathBuf),
    /// Learn the folder's content clusters in the background.
    StartClustering,
    CancelClustering,
    /// Start typing a new name for the cluster of this Content section.
    BeginRename(usize),
    /// The name typed so far in the rename dialog.
    TypeRename(String),
    /// Give the cluster of this Content section a name; `None` abandons the rename.
    FinishRename(Option<(usize, String)>),
    /// The viewer's new zoom (1 = fit) and offset from the centre, in points.
    ZoomViewer {
        zoom: f32,
        pan: egui::Vec2,
    },
    ShowInFolder(PathBuf),
    /// The search box now holds this text.
    Search(String),
    /// Ctrl/Cmd-click (toggle) or Shift-click (`range`: from the last one picked) on a photo.
    Select {
        index: usize,
        range: bool,
    },
    /// Every photo of the current view.
    SelectAll,
    /// Move the grid's keyboard cursor this many photos along the view (a row is `columns`).
    MoveCursor(isize),
    /// Open the photo under the cursor (Enter).
    OpenCursor,
    /// Toggle the photo under the cursor in the selection (Space).
    SelectCursor,
    /// In each duplicates set, the best file (`true`: the keepers) or all the others.
    SelectDuplicates {
        best: bool,
    },
    ClearSelection,
    /// Start naming a new album made of the selection.
    BeginKeepAlbum,
    /// The album name typed so far.
    TypeAlbumName(String),
    /// Keep the selection as an album with this name; `None` abandons it.
    FinishKeepAlbum(Option<String>),
    /// Copy these photos (snapshot indices) to a folder the user picks.
    ExportPhotos(Vec<usize>),
    CancelExport,
    /// Make this home for the trips (`None`: infer it from the photos).
    SetHome(Option<photo_atlas_core::store::SavedHome>),
    Album(AlbumCommand),
    Settings(SettingsCommand),
    /// Stop computing features in the background (until the next scan).
    StopPreparing,
}

impl PhotoAtlasApp {
    pub(super) fn apply(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::PickFolder => self.pick_folder(ctx),
            Command::OpenFolder(folder) => self.open_folder(folder),
            Command::CancelScan => {
                if let Some(task) = &self.scan {
                    task.cancel();
                }
            }
            Command::SetView(view) => {
                self.view = view;
                self.scroll_to = Some(0);
                if view == ViewMode::Duplicates {
                    self.find_duplicates();
                }
            }
            Command::ScrollToSection(i) => self.scroll_to = Some(i),
            Command::OpenPhoto(index) => self.open_photo(index),
            Command::ClosePhoto => {
                self.viewer = None;
                self.prepare_content();
            }
            Command::StepPhoto(delta) => self.step_photo(delta),
            Command::ToggleProblems => self.show_problems = !self.show_problems,
            Command::SetThumbSize(size) => self.thumb_size = size.clamp(64.0, 320.0),
            Command::OpenExternally(path) => self.launch(&path),
            Command::StartClustering => self.start_clustering(),
            Command::FindSimilar(photo) => self.find_similar(photo),
            Command::CancelClustering => {
                if let Some(task) = &self.clustering {
                    task.cancel();
                }
                if let Some(task) = &self.joining {
                    task.cancel();
                }
            }
            Command::BeginRename(section) => self.begin_rename(section),
            Command::TypeRename(name) => {
                if let Some((_, typed)) = &mut self.renaming {
                    *typed = name;
                }
            }
            Command::FinishRename(rename) => self.finish_rename(rename),
            Command::ZoomViewer { zoom, pan } => {
                if let Some(v) = &mut self.viewer {
                    (v.zoom, v.pan) = (zoom, pan);
                }
            }
            Command::Search(text) => self.search(text),
            Command::Select { index, range } => self.select(index, range),
            Command::SelectAll => self.select_all(),
            Command::MoveCursor(delta) => self.move_cursor(delta),
            Command::OpenCursor => {
                if let Some(i) = self.cursor {
                    self.open_photo(i);
                }
            }
            Command::SelectCursor => {
                if let Some(i) = self.cursor {
                    self.select(i, false);
                }
            }
            Command::SelectDuplicates { best } => self.select_duplicates(best),
            Command::ClearSelection => self.clear_selection(),
            Command::BeginKeepAlbum => {
                let proposed = self.selection.group.clone();
                let numbered = format!("Album {}", self.albums_count() + 1);
                self.naming_album = Some(proposed.unwrap_or(numbered));
            }
            Command::TypeAlbumName(name) => {
                if let Some(typed) = &mut self.naming_album {
                    *typed = name;
                }
            }
            Command::FinishKeepAlbum(name) => {
                self.naming_album = None;
                if let Some(name) = name {
                    self.keep_album(name);
                }
            }
            Command::ExportPhotos(photos) => self.export_photos(photos),
            Command::CancelExport => {
                if let Some((task, _)) = &self.export.job {
                    task.cancel();
                }
            }
            Command::SetHome(home) => {
                if self.writing.is_none() {
                    self.writing = Some(photo_atlas_core::tasks::start_set_home(
                        &self.locations,
                        home,
                        self.waker.clone(),
                    ));
                }
            }
            Command::Album(command) => self.apply_album(command),
            Command::StopPreparing => self.pause_preparing(),
            Command::Settings(command) => self.apply_settings(command),
            Command::ShowInFolder(path) => {
                let folder = path.parent().map(PathBuf::from).unwrap_or(path);
                self.launch(&folder);
            }
        }
    }

    fn albums_count(&self) -> usize {
        self.snapshot.as_ref().map_or(0, |s| s.albums.len())
    }

    fn open_folder(&mut self, folder: PathBuf) {
        self.retire_tasks();
        self.last_clustering = None;
        self.renaming = None;
        self.duplicates = super::DuplicatesView::default();
        self.search = super::SearchView::default();
        self.selection = super::Selection::default();
        self.snapshot = None;
        self.features_ready = None;
        self.viewer = None;
        self.message = None;
        self.load_failed = false;
        self.folder = Some(folder.clone());
        self.request_reload();
        self.scan = Some(start_scan(&self.locations, folder, self.waker.clone()));
    }

    /// Scans the open folder again (after the thumbnail cache was emptied).
    pub(super) fn rescan(&mut self, folder: PathBuf) {
        if self.scan.is_none() {
            self.pause_preparing();
            self.scan = Some(start_scan(&self.locations, folder, self.waker.clone()));
            self.request_reload();
        }
    }

    fn pick_folder(&mut self, ctx: &egui::Context) {
        let (tx, rx) = std::sync::mpsc::channel();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("folder-dialog".into())
            .spawn(move || {
                let _ = tx.send(
                    rfd::FileDialog::new()
                        .set_title("Open a folder of photos")
                        .pick_folder(),
                );
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => self.folder_picker = Some(rx),
            Err(e) => self.message = Some(format!("The folder dialog could not open: {e}")),
        }
    }

    pub(super) fn poll_folder_picker(&mut self) {
        let Some(rx) = &self.folder_picker else {
            return;
        };
        match rx.try_recv() {
            Ok(Some(folder)) => {
                self.folder_picker = None;
                self.queue(Command::OpenFolder(folder));
            }
            Ok(None) | Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                self.folder_picker = None
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => {}
        }
    }

    pub(super) fn take_dropped_folder(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .filter_map(|f| f.path.clone())
                .collect()
        });
        if let Some(path) = dropped.into_iter().next() {
            // In the Similar view a dropped photo is searched with.
            if self.view == ViewMode::Similar && path.is_file() {
                self.queue(Command::FindSimilar(path));
                return;
            }
            // A dropped file means its folder. (`is_dir` is a metadata call, done once per drop.)
            let folder = if path.is_dir() {
                path
            } else {
                path.parent().map(PathBuf::from).unwrap_or(path)
            };
            self.queue(Command::OpenFolder(folder));
        }
    }

    pub(super) fn open_photo(&mut self, index: usize) {
        let count = self.snapshot.as_ref().map_or(0, |s| s.photos.len());
        if index < count {
            self.pause_preparing(); // the viewer decodes full-size pictures
            self.viewer = Some(Viewer {
                index,
                zoom: 1.0,
                pan: egui::Vec2::ZERO,
            });
        }
    }

    fn step_photo(&mut self, delta: isize) {
        let count = self.snapshot.as_ref().map_or(0, |s| s.photos.len());
        if let Some(v) = &self.viewer {
            let next = v.index as isize + delta;
            if (0..count as isize).contains(&next) {
                self.open_photo(next as usize);
            }
        }
    }

    fn launch(&mut self, path: &std::path::Path) {
        let program = if cfg!(target_os = "macos") {
            "open"
        } else {
            "xdg-open"
        };
        let result = if cfg!(windows) {
            std::process::Command::new("explorer").arg(path).spawn()
        } else {
            std::process::Command::new(program).arg(path).spawn()
        };
        if let Err(e) = result {
            self.message = Some(format!("Could not open it ({e}): {}", path.display()));
        }
    }
}

/// Renaming a content group.
impl PhotoAtlasApp {
    fn begin_rename(&mut self, section: usize) {
        let current = self
            .snapshot
            .as_ref()
            .and_then(|s| s.content.get(section))
            .map(|c| c.group.label.clone());
        self.renaming = current.map(|name| (section, name));
    }

    fn finish_rename(&mut self, rename: Option<(usize, String)>) {
        self.renaming = None;
        let Some((section, name)) = rename else {
            return;
        };
        let name = name.trim().to_string();
        let (Some(snap), Some(folder)) = (&self.snapshot, &self.folder) else {
            return;
        };
        let Some(cluster) = snap.content.get(section).map(|c| c.cluster) else {
            return;
        };
        if name.is_empty() {
            return;
        }
        let rename = Rename {
            folder: snap.folder.clone(),
            cluster,
            name,
        };
        self.loading.rename(rename, folder.clone());
    }
}
