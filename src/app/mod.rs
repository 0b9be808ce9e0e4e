//! The window's state, and the one place where that state changes.
//!
//! Each frame `ui` draws from the state and pushes [`Command`]s; `apply` carries
//! them out after drawing (the frame itself is run by the `window` module). Nothing
//! here draws or knows eframe: this module never calls into `ui`. Everything slow
//! (catalog reads, scans, decoding) runs in [`photo_atlas_core::tasks`] threads that
//! wake the window when they have news, so the UI thread never reads a file or waits
//! on a task.

mod album_edits;
mod background;
mod commands;
mod loading;
mod prepare;
mod search;
mod selection;
mod settings;
mod textures;

use std::path::PathBuf;
use std::sync::mpsc::Receiver;
use std::thread::JoinHandle;
use std::time::Instant;

pub use album_edits::AlbumCommand;
pub use commands::Command;
pub use search::SearchView;
pub use selection::{ExportView, Selection};
pub use settings::SettingsCommand;
pub use settings::{LearnOn, Settings, Theme, storage_folder};
pub use textures::{TextureCache, ThumbSlot};

use photo_atlas_core::imaging::ThumbnailCache;
use photo_atlas_core::jobs::Waker;
use photo_atlas_core::store::Locations;
use photo_atlas_core::tasks::{
    DuplicatesTask, FolderSnapshot, IndexedGroup, JoinTask, LearnTask, RecentTask, ScanTask,
    SimilarTask, start_recent,
};

/// The ways to browse a library; the sidebar lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ViewMode {
    All,
    Dates,
    Events,
    Places,
    /// Content clusters learned from the photos (autoencoder + DEC).
    Content,
    /// The photos most like a chosen (or dropped) photo.
    Similar,
    /// Identical files and near-duplicates (nothing is deleted).
    Duplicates,
    /// The photos that match what is typed in the search box.
    Search,
    /// The albums kept in the catalog.
    Albums,
}

impl ViewMode {
    pub const ALL: [ViewMode; 8] = [
        ViewMode::All,
        ViewMode::Dates,
        ViewMode::Events,
        ViewMode::Places,
        ViewMode::Content,
        ViewMode::Similar,
        ViewMode::Duplicates,
        ViewMode::Albums,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::All => "All photos",
            Self::Dates => "Dates",
            Self::Events => "Events",
            Self::Places => "Places",
            Self::Content => "Content",
            Self::Similar => "Similar",
            Self::Duplicates => "Duplicates",
            Self::Search => "Search",
            Self::Albums => "Albums",
        }
    }
}

/// How the window was asked to start.
#[derive(Clone, Debug)]
pub struct AppOptions {
    pub locations: Locations,
    /// The folder to open; else the one open when the window last closed.
    pub folder: Option<PathBuf>,
    /// The view to start in; else the saved one.
    pub view: Option<ViewMode>,
    /// Open the photo with this index (capture order) in the viewer at start.
    pub open_photo: Option<usize>,
    /// Search for the photos most like this one once the folder is loaded.
    pub find_similar: Option<PathBuf>,
    /// Type this into the search box once the folder is loaded.
    pub search: Option<String>,
    /// Light, dark, or as the system says; else the saved choice.
    pub theme: Option<Theme>,
    /// What the window remembered from its last run (eframe's storage).
    pub saved: Option<Settings>,
    /// Compute features in the background after scans (off in most window tests,
    /// which have other things to watch).
    pub prepare_in_background: bool,
}

/// The photo shown large, and how it is zoomed.
#[derive(Clone, Debug, PartialEq)]
pub struct Viewer {
    pub index: usize,
    pub zoom: f32,
    pub pan: egui::Vec2,
}

/// The Similar view's state.
#[derive(Default)]
pub struct SimilarView {
    pub job: Option<SimilarTask>,
    /// The photo searched with (from the library or dropped from outside).
    pub query: Option<PathBuf>,
    /// The hits that are in the open folder, as one grid section, and their scores.
    pub section: Vec<IndexedGroup>,
    pub scores: std::collections::HashMap<usize, (f32, bool)>,
    /// Hits outside the open folder, and why a search failed.
    pub elsewhere: usize,
    pub error: Option<String>,
}

/// The Duplicates view's state.
#[derive(Default)]
pub struct DuplicatesView {
    pub job: Option<DuplicatesTask>,
    /// One section per set (identical files first); `None` until searched.
    pub sections: Option<Vec<IndexedGroup>>,
    pub error: Option<String>,
}

/// The window's whole state.
pub struct PhotoAtlasApp {
    pub locations: Locations,
    pub thumbnail_files: ThumbnailCache,
    loading: loading::Loading,
    recent_folders: Option<RecentTask>,
    pub snapshot: Option<FolderSnapshot>,
    /// One group holding every photo, for the "All photos" view.
    pub all_photos: Vec<IndexedGroup>,
    pub folder: Option<PathBuf>,
    pub recent: Vec<String>,
    pub scan: Option<ScanTask>,
    /// Learning content clusters, when running.
    pub clustering: Option<LearnTask>,
    /// The running learning's quick groups were stored and a reload asked for.
    pub quick_groups_loaded: bool,
    /// Putting photos added since the last learning into the learned groups, when running.
    pub joining: Option<JoinTask>,
    /// What the last clustering job did, in words.
    pub last_clustering: Option<String>,
    /// The similar-photo search: the running job, and the last results.
    pub similar: SimilarView,
    /// The duplicate sets of the open folder: the running search, then its sections.
    pub duplicates: DuplicatesView,
    /// The search box: the index, the running query and the last answer.
    pub search: SearchView,
    /// The photos picked in the grid.
    pub selection: Selection,
    /// Typing the name of a new album (from the selection).
    pub naming_album: Option<String>,
    /// An album being renamed: its id and the name typed so far.
    pub renaming_album: Option<(i64, String)>,
    /// The album whose deletion is being asked about.
    pub deleting_album: Option<i64>,
    /// Exporting photos: the folder dialog, then the copying.
    pub export: ExportView,
    /// A small catalog write (home chosen, an album kept), when running.
    pub writing: Option<photo_atlas_core::tasks::WriteTask>,
    /// A cluster being renamed: (section in the Content view, the name being typed).
    pub renaming: Option<(usize, String)>,
    /// What the last finished scan did, in words.
    pub last_scan: Option<String>,
    pub view: ViewMode,
    pub viewer: Option<Viewer>,
    pub show_problems: bool,
    pub thumb_size: f32,
    pub theme: Theme,
    /// Where content groups are learned.
    pub learn_on: LearnOn,
    /// The Settings panel is open.
    pub show_settings: bool,
    /// Emptying the thumbnail cache, when running.
    pub clearing_cache: Option<photo_atlas_core::tasks::ClearTask>,
    /// Computing features in the background for Content and search, when running.
    pub features: Option<photo_atlas_core::tasks::FeaturesTask>,
    /// What the last background preparation did, in words.
    pub prepared: Option<String>,
    /// Whether features are computed in the background after scans.
    pub prepare_in_background: bool,
    /// The folder whose content groups were started this session, by themselves
    /// or by Find groups: they are not started by themselves again (so that a
    /// failure or a Cancel is not retried in a loop, and learning that finished is
    /// not started again from a snapshot read before its groups were stored).
    pub learning_started: Option<PathBuf>,
    /// The folder whose background features are done: its groups may start
    /// learning by themselves once its snapshot is in, whichever comes last.
    pub features_ready: Option<PathBuf>,
    /// Section of the grid to scroll to on the next frame.
    pub scroll_to: Option<usize>,
    /// Photo the grid's keyboard cursor is on (arrows move it, Enter opens, Space selects).
    pub cursor: Option<usize>,
    /// Photo to bring into view on the next frame (the cursor moved).
    pub reveal: Option<usize>,
    /// A message for the user (an error, a hint), shown in the status bar.
    pub message: Option<String>,
    /// The open folder could not be read (the grid says so instead of waiting).
    pub load_failed: bool,
    /// Commands the app gives itself (a folder given at start, a dropped file, a
    /// picked folder), applied with the UI's.
    queued: Vec<Command>,
    /// Asks for a repaint; handed to every job the window starts.
    waker: Waker,
    reload_requested: Option<Instant>,
    /// Threads of tasks that were cancelled (another folder was opened), joined at shut-down.
    retired: Vec<JoinHandle<()>>,
    folder_picker: Option<Receiver<Option<PathBuf>>>,
    pending_open: Option<usize>,
    pending_similar: Option<PathBuf>,
    pending_search: Option<String>,
}

impl PhotoAtlasApp {
    pub fn new(ctx: &egui::Context, options: AppOptions) -> Self {
        let waker: Waker = {
            let ctx = ctx.clone();
            std::sync::Arc::new(move || ctx.request_repaint())
        };
        let recent_folders = Some(start_recent(&options.locations, waker.clone()));
        let saved = options.saved.clone().unwrap_or_default();
        let mut app = Self {
            thumbnail_files: ThumbnailCache::new(options.locations.thumbnails()),
            locations: options.locations.clone(),
            loading: loading::Loading::default(),
            recent_folders,
            snapshot: None,
            all_photos: Vec::new(),
            folder: None,
            recent: Vec::new(),
            scan: None,
            clustering: None,
            quick_groups_loaded: false,
            joining: None,
            last_clustering: None,
            renaming: None,
            similar: SimilarView::default(),
            duplicates: DuplicatesView::default(),
            search: SearchView::default(),
            writing: None,
            selection: Selection::default(),
            naming_album: None,
            renaming_album: None,
            deleting_album: None,
            export: ExportView::default(),
            last_scan: None,
            view: options.view.unwrap_or(saved.view),
            waker,
            viewer: None,
            show_problems: false,
            thumb_size: saved.thumb_size.clamp(64.0, 320.0),
            theme: options.theme.unwrap_or(saved.theme),
            learn_on: saved.learn_on,
            show_settings: false,
            clearing_cache: None,
            features: None,
            prepared: None,
            prepare_in_background: options.prepare_in_background,
            learning_started: None,
            features_ready: None,
            scroll_to: None,
            cursor: None,
            reveal: None,
            message: None,
            load_failed: false,
            queued: Vec::new(),
            reload_requested: None,
            retired: Vec::new(),
            folder_picker: None,
            pending_open: options.open_photo,
            pending_similar: options.find_similar,
            pending_search: options.search,
        };
        if let Some(folder) = options.folder.or(saved.last_folder) {
            app.queue(Command::OpenFolder(folder));
        }
        app
    }

    /// What to remember for the next run.
    pub fn settings(&self) -> Settings {
        Settings {
            last_folder: self.folder.clone(),
            view: match self.view {
                ViewMode::Search => ViewMode::All,
                v => v,
            },
            thumb_size: self.thumb_size,
            theme: self.theme,
            learn_on: self.learn_on,
        }
    }

    pub fn is_scanning(&self) -> bool {
        self.scan.is_some()
    }

    /// Takes in what the tasks have finished since the last frame, and what was
    /// dropped on the window.
    pub fn poll(&mut self, ctx: &egui::Context) {
        self.poll_workers(ctx);
        self.take_dropped_folder(ctx);
    }

    /// Asks for `command` to be carried out with the next frame's commands.
    pub fn queue(&mut self, command: Command) {
        self.queued.push(command);
    }

    /// Carries out the app's own queued commands and those the UI pushed this frame.
    /// What was drawn once (a scroll to a section) is not drawn again.
    pub fn apply_commands(&mut self, ctx: &egui::Context, from_ui: Vec<Command>) {
        self.scroll_to = None;
        self.reveal = None;
        let queued = std::mem::take(&mut self.queued);
        for command in queued.into_iter().chain(from_ui) {
            self.apply(ctx, command);
        }
    }

    /// Whether everything the view shows is in: no scan or search running and the
    /// catalog read since the last change (the window adds: every visible picture loaded).
    pub fn is_settled(&self) -> bool {
        let folder_read = self.snapshot.is_some() || self.load_failed;
        let folder_ready = self.folder.is_none() || (folder_read && self.is_up_to_date());
        let searches_done = self.similar.job.is_none()
            && self.joining.is_none()
            && self.duplicates.job.is_none()
            && !self.search.is_busy()
            && self.writing.is_none()
            && self.clearing_cache.is_none()
            && self.export.job.is_none()
            && self.pending_similar.is_none()
            && self.pending_search.is_none();
        let duplicates_ready =
            self.view != ViewMode::Duplicates || self.duplicates.sections.is_some();
        !self.is_scanning() && folder_ready && searches_done && duplicates_ready
    }

    fn poll_workers(&mut self, ctx: &egui::Context) {
        self.receive_loads();
        self.receive_recent_folders();
        self.poll_scan();
        self.poll_clustering();
        self.poll_joining();
        self.poll_similar();
        self.poll_duplicates();
        self.poll_search();
        self.poll_writing();
        self.poll_clearing_cache();
        self.poll_features();
        self.poll_export();
        self.poll_folder_picker();
        if self.clustering.is_some()
            || self.joining.is_some()
            || self.similar.job.is_some()
            || self.duplicates.job.is_some()
            || self.search.is_busy()
            || self.export.job.is_some()
            || self.features.is_some()
        {
            ctx.request_repaint_after(std::time::Duration::from_millis(250));
        }
        if self.scan.is_some() {
            let due = self
                .reload_requested
                .is_none_or(|t| t.elapsed().as_millis() > 700);
            if due {
                self.request_reload();
            }
            ctx.request_repaint_after(std::time::Duration::from_millis(200));
        }
    }

    fn request_reload(&mut self) {
        if let Some(folder) = &self.folder {
            self.loading.request(folder.clone());
            self.reload_requested = Some(Instant::now());
        }
    }

    /// Whether the catalog has been read since the last reload was asked for (after a
    /// scan ends, the snapshot on screen may still be the one from before it).
    pub fn is_up_to_date(&self) -> bool {
        self.loading.is_up_to_date()
    }

    /// Cancels every task of the open folder (another one is being opened, or the
    /// window closes); their threads are joined at shut-down.
    fn retire_tasks(&mut self) {
        let handles = [
            self.scan.take().and_then(|t| t.retire()),
            self.clustering.take().and_then(|t| t.retire()),
            self.joining.take().and_then(|t| t.retire()),
            self.similar.job.take().and_then(|t| t.retire()),
            self.duplicates.job.take().and_then(|t| t.retire()),
            self.search.index_job.take().and_then(|(t, _)| t.retire()),
            self.search.query_job.take().and_then(|t| t.retire()),
            self.writing.take().and_then(|t| t.retire()),
            self.clearing_cache.take().and_then(|t| t.retire()),
            self.features.take().and_then(|t| t.retire()),
            self.export.job.take().and_then(|(t, _)| t.retire()),
            self.loading.retire(),
        ];
        self.retired.extend(handles.into_iter().flatten());
        self.retired.retain(|h| !h.is_finished());
    }

    /// Cancels every task and waits for their threads to end (the window is closing).
    pub fn shut_down(&mut self) {
        self.retire_tasks();
        if let Some(t) = self.recent_folders.take().and_then(|t| t.retire()) {
            self.retired.push(t);
        }
        for handle in self.retired.drain(..) {
            let _ = handle.join();
        }
    }

    /// Tasks running now, by thread name (the status of a test or a screenshot).
    pub fn running_tasks(&self) -> Vec<&str> {
        let mut names = Vec::new();
        names.extend(self.scan.as_ref().map(|t| t.name()));
        names.extend(self.clustering.as_ref().map(|t| t.name()));
        names.extend(self.joining.as_ref().map(|t| t.name()));
        names.extend(self.similar.job.as_ref().map(|t| t.name()));
        names.extend(self.duplicates.job.as_ref().map(|t| t.name()));
        names.extend(self.search.index_job.as_ref().map(|(t, _)| t.name()));
        names.extend(self.search.query_job.as_ref().map(|t| t.name()));
        names.extend(self.writing.as_ref().map(|t| t.name()));
        names.extend(self.clearing_cache.as_ref().map(|t| t.name()));
        names.extend(self.features.as_ref().map(|t| t.name()));
        names.extend(self.export.job.as_ref().map(|(t, _)| t.name()));
        if self.loading.is_busy() {
            names.push("library-loader");
        }
        names
    }
}

/// The grid's sections for a view: days (and "No date"), events, or everything.
pub fn sections_of<'a>(
    snap: &'a FolderSnapshot,
    all: &'a [IndexedGroup],
    similar: &'a [IndexedGroup],
    duplicates: &'a [IndexedGroup],
    searched: &'a [IndexedGroup],
    view: ViewMode,
) -> Vec<&'a IndexedGroup> {
    use photo_atlas_core::grouping::GroupLevel;
    match view {
        ViewMode::All => all.iter().collect(),
        ViewMode::Dates => snap
            .by_date
            .iter()
            .filter(|g| matches!(g.level, GroupLevel::Day | GroupLevel::Undated))
            .collect(),
        ViewMode::Events => snap.by_event.iter().collect(),
        ViewMode::Places => snap.place_sections().collect(),
        ViewMode::Content => snap.content_sections().collect(),
        ViewMode::Similar => similar.iter().collect(),
        ViewMode::Duplicates => duplicates.iter().collect(),
        ViewMode::Search => searched.iter().collect(),
        ViewMode::Albums => snap.albums.iter().map(|a| &a.group).collect(),
    }
}
