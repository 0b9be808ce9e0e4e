//! The window: its state, and the one place where that state changes.
//!
//! Each frame the UI draws from the state and pushes [`Command`]s; `apply` carries
//! them out after drawing. Everything slow (catalog reads, scans, decoding) runs in
//! [`crate::workers`] threads that wake the window when they have news, so the UI
//! thread never reads a file or waits on a job.

mod commands;
mod screenshot;
mod textures;

use std::path::PathBuf;
use std::sync::mpsc::Receiver;
use std::time::Instant;

pub use commands::Command;
pub use screenshot::ScreenshotOutcome;
pub use textures::{TextureCache, ThumbSlot};

use crate::imaging::ThumbnailCache;
use crate::jobs::Waker;
use crate::store::Locations;
use crate::workers::{
    ClusterJob, IndexedGroup, LibraryLoader, LibrarySnapshot, LoaderRequest, ScanJob,
};

/// The ways to browse a library; the sidebar lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
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
}

impl ViewMode {
    pub const ALL: [ViewMode; 7] = [
        ViewMode::All,
        ViewMode::Dates,
        ViewMode::Events,
        ViewMode::Places,
        ViewMode::Content,
        ViewMode::Similar,
        ViewMode::Duplicates,
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
        }
    }
}

/// How the window was asked to start.
#[derive(Clone, Debug)]
pub struct AppOptions {
    pub locations: Locations,
    pub folder: Option<PathBuf>,
    pub view: ViewMode,
    /// Save a PNG of the window once everything visible is drawn, then quit.
    pub screenshot: Option<PathBuf>,
    /// Open the photo with this index (capture order) in the viewer at start.
    pub open_photo: Option<usize>,
    /// Search for the photos most like this one once the folder is loaded.
    pub find_similar: Option<PathBuf>,
}

/// The photo shown large, and how it is zoomed.
pub struct Viewer {
    pub index: usize,
    pub zoom: f32,
    pub pan: egui::Vec2,
    pub image: ThumbSlot,
}

/// The Similar view's state.
#[derive(Default)]
pub struct Similar {
    pub job: Option<crate::workers::SimilarJob>,
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
pub struct Duplicates {
    pub job: Option<crate::workers::Background<Vec<crate::search::duplicates::DuplicateSet>>>,
    /// One section per set (identical files first); `None` until searched.
    pub sections: Option<Vec<IndexedGroup>>,
    pub error: Option<String>,
}

/// The window's whole state.
pub struct PhotoAtlasApp {
    pub locations: Locations,
    pub thumbnail_files: ThumbnailCache,
    loader: LibraryLoader,
    pub snapshot: Option<LibrarySnapshot>,
    /// One group holding every photo, for the "All photos" view.
    pub all_photos: Vec<IndexedGroup>,
    pub folder: Option<PathBuf>,
    pub recent: Vec<String>,
    pub scan: Option<ScanJob>,
    /// Learning content clusters, when running.
    pub clustering: Option<ClusterJob>,
    /// What the last clustering job did, in words.
    pub last_clustering: Option<String>,
    /// The similar-photo search: the running job, and the last results.
    pub similar: Similar,
    /// The duplicate sets of the open folder: the running search, then its sections.
    pub duplicates: Duplicates,
    /// A cluster being renamed: (section in the Content view, the name being typed).
    pub renaming: Option<(usize, String)>,
    /// What the last finished scan did, in words.
    pub last_scan: Option<String>,
    pub view: ViewMode,
    pub textures: TextureCache,
    pub viewer: Option<Viewer>,
    pub show_problems: bool,
    pub thumb_size: f32,
    /// Section of the grid to scroll to on the next frame.
    pub scroll_to: Option<usize>,
    /// A message for the user (an error, a hint), shown in the status bar.
    pub message: Option<String>,
    pub commands: Vec<Command>,
    /// Asks for a repaint; handed to every job the window starts.
    waker: Waker,
    reload_requested: Option<Instant>,
    /// Reloads asked of the loader, and the newest one it has answered.
    reloads_requested: u64,
    reloads_answered: u64,
    folder_picker: Option<Receiver<Option<PathBuf>>>,
    pub(crate) screenshot: Option<screenshot::ScreenshotState>,
    pending_open: Option<usize>,
    pending_similar: Option<PathBuf>,
}

impl PhotoAtlasApp {
    pub fn new(ctx: &egui::Context, options: AppOptions) -> Self {
        crate::ui::theme::apply(ctx);
        let waker: Waker = {
            let ctx = ctx.clone();
            std::sync::Arc::new(move || ctx.request_repaint())
        };
        let loader = LibraryLoader::start(options.locations.clone(), waker.clone());
        loader.request(LoaderRequest::RecentFolders);
        let mut app = Self {
            thumbnail_files: ThumbnailCache::new(options.locations.thumbnails()),
            locations: options.locations.clone(),
            loader,
            snapshot: None,
            all_photos: Vec::new(),
            folder: None,
            recent: Vec::new(),
            scan: None,
            clustering: None,
            last_clustering: None,
            renaming: None,
            similar: Similar::default(),
            duplicates: Duplicates::default(),
            last_scan: None,
            view: options.view,
            textures: TextureCache::new(waker.clone()),
            waker,
            viewer: None,
            show_problems: false,
            thumb_size: 160.0,
            scroll_to: None,
            message: None,
            commands: Vec::new(),
            reload_requested: None,
            reloads_requested: 0,
            reloads_answered: 0,
            folder_picker: None,
            screenshot: options.screenshot.map(screenshot::ScreenshotState::new),
            pending_open: options.open_photo,
            pending_similar: options.find_similar,
        };
        if let Some(folder) = options.folder {
            app.commands.push(Command::OpenFolder(folder));
        }
        app
    }

    pub fn is_scanning(&self) -> bool {
        self.scan.is_some()
    }

    /// Takes in what the workers have finished since the last frame.
    fn poll_workers(&mut self, ctx: &egui::Context) {
        self.receive_loader_replies();
        self.poll_scan();
        self.poll_clustering();
        self.poll_similar();
        self.poll_duplicates();
        self.poll_folder_picker();
        self.textures.receive(ctx);
        if self.clustering.is_some() || self.similar.job.is_some() || self.duplicates.job.is_some()
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
            self.reloads_requested += 1;
            self.loader.request(LoaderRequest::Folder(
                folder.clone(),
                self.reloads_requested,
            ));
            self.reload_requested = Some(Instant::now());
        }
    }

    /// Whether the catalog has been read since the last reload was asked for (after a
    /// scan ends, the snapshot on screen may still be the one from before it).
    pub fn is_up_to_date(&self) -> bool {
        self.reloads_answered >= self.reloads_requested
    }
}

impl eframe::App for PhotoAtlasApp {
    /// In screenshot mode the pointer is ignored, so no hover or tooltip lands in the picture.
    fn raw_input_hook(&mut self, _ctx: &egui::Context, raw_input: &mut egui::RawInput) {
        if self.screenshot.is_some() {
            raw_input.events.retain(|e| {
                !matches!(
                    e,
                    egui::Event::PointerMoved(_) | egui::Event::PointerButton { .. }
                )
            });
            raw_input.events.push(egui::Event::PointerGone);
        }
    }

    fn update(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.frame(ctx);
    }
}

impl PhotoAtlasApp {
    /// One frame: take in the workers' news, draw, apply the commands, tidy up.
    pub fn frame(&mut self, ctx: &egui::Context) {
        self.poll_workers(ctx);
        self.take_dropped_folder(ctx);
        crate::ui::draw(self, ctx);
        for command in std::mem::take(&mut self.commands) {
            self.apply(ctx, command);
        }
        self.textures.end_frame();
        screenshot::step(self, ctx);
    }
}

/// The grid's sections for a view: days (and "No date"), events, or everything.
pub fn sections_of<'a>(
    snap: &'a LibrarySnapshot,
    all: &'a [IndexedGroup],
    similar: &'a [IndexedGroup],
    duplicates: &'a [IndexedGroup],
    view: ViewMode,
) -> Vec<&'a IndexedGroup> {
    use crate::grouping::GroupLevel;
    match view {
        ViewMode::All => all.iter().collect(),
        ViewMode::Dates => snap
            .by_date
            .iter()
            .filter(|g| matches!(g.level, GroupLevel::Day | GroupLevel::Undated))
            .collect(),
        ViewMode::Events => snap.by_event.iter().collect(),
        ViewMode::Places => snap.by_place.iter().collect(),
        ViewMode::Content => snap.by_cluster.iter().collect(),
        ViewMode::Similar => similar.iter().collect(),
        ViewMode::Duplicates => duplicates.iter().collect(),
    }
}

/// Opens the window and runs it until it is closed.
pub fn run_window(options: AppOptions) -> anyhow::Result<Option<ScreenshotOutcome>> {
    let icon = crate::ui::theme::app_icon();
    let viewport = egui::ViewportBuilder::default()
        .with_title("Photo Atlas")
        .with_inner_size([1280.0, 800.0])
        .with_min_inner_size([640.0, 400.0])
        .with_drag_and_drop(true)
        .with_icon(icon);
    let native = eframe::NativeOptions {
        viewport,
        ..Default::default()
    };
    // One slot shared by the app (which fills it) and this function (which reads it).
    let outcome: std::sync::Arc<std::sync::Mutex<Option<ScreenshotOutcome>>> = Default::default();
    let slot = outcome.clone();
    eframe::run_native(
        "Photo Atlas",
        native,
        Box::new(move |cc| {
            let mut app = PhotoAtlasApp::new(&cc.egui_ctx, options);
            if let Some(s) = &mut app.screenshot {
                s.outcome = slot;
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("the window could not be opened: {e}"))?;
    Ok(outcome.lock().ok().and_then(|o| o.clone()))
}
