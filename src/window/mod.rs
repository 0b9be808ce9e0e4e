//! The window itself: owns `eframe::App` and runs each frame as poll (take in what
//! the tasks finished) → draw (`ui`) → apply (`app`), so that `app` never calls into
//! `ui` and `ui` never changes the state except through commands. Opening the native
//! window and screenshot mode live here too.

mod screenshot;

use std::path::PathBuf;

pub use screenshot::ScreenshotOutcome;

use crate::app::{AppOptions, Command, PhotoAtlasApp, TextureCache};

/// The app's state inside a native window (or an egui_kittest harness), with what
/// only a window has: its textures and the commands its UI pushed this frame.
pub struct PhotoAtlasWindow {
    pub app: PhotoAtlasApp,
    /// Thumbnails and the viewer's picture on the GPU, loaded by the image loaders.
    pub textures: TextureCache,
    commands: Vec<Command>,
    screenshot: Option<screenshot::ScreenshotState>,
}

impl PhotoAtlasWindow {
    /// The window's look, then the app's state; `screenshot` asks for a PNG of the
    /// window once everything visible is drawn, then for the window to close.
    pub fn new(ctx: &egui::Context, options: AppOptions, screenshot: Option<PathBuf>) -> Self {
        let waker: photo_atlas_core::jobs::Waker = {
            let ctx = ctx.clone();
            std::sync::Arc::new(move || ctx.request_repaint())
        };
        let app = PhotoAtlasApp::new(ctx, options);
        crate::ui::theme::apply(ctx, app.theme.preference());
        Self {
            app,
            textures: TextureCache::new(waker),
            commands: Vec::new(),
            screenshot: screenshot.map(screenshot::ScreenshotState::new),
        }
    }

    /// One frame: take in the tasks' news and the loaded pictures, draw, apply the
    /// commands, tidy up.
    pub fn frame(&mut self, ctx: &egui::Context) {
        // The app's theme (from the command line, Settings or the last run) rules.
        let theme = self.app.theme.preference();
        if ctx.options(|o| o.theme_preference) != theme {
            ctx.set_theme(theme);
        }
        self.app.poll(ctx);
        self.textures.receive(ctx);
        crate::ui::draw(&self.app, &mut self.textures, ctx, &mut self.commands);
        let ready = self.app.is_settled() && self.textures.pending() == 0;
        self.textures.end_frame();
        self.app
            .apply_commands(ctx, std::mem::take(&mut self.commands));
        if let Some(state) = &mut self.screenshot {
            screenshot::step(state, ready, ctx);
        }
    }
}

impl eframe::App for PhotoAtlasWindow {
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

    /// What to remember for the next run (not from a screenshot run, which is not the
    /// person's own session).
    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if self.screenshot.is_none() {
            eframe::set_value(storage, SETTINGS_KEY, &self.app.settings());
        }
    }

    /// Running tasks are cancelled and their threads joined before the process ends.
    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.app.shut_down();
    }
}

/// The key the app's settings are stored under in eframe's storage.
const SETTINGS_KEY: &str = "photo-atlas";

/// The settings saved by the last run, if any (and readable).
pub fn load_settings(storage: Option<&dyn eframe::Storage>) -> Option<crate::app::Settings> {
    eframe::get_value(storage?, SETTINGS_KEY)
}

/// Opens the window and runs it until it is closed. Its size and position, and the
/// app's [`Settings`](crate::app::Settings), come back from the last run (a screenshot
/// run reads them but never writes them, nor moves the window).
pub fn run(
    mut options: AppOptions,
    screenshot: Option<PathBuf>,
) -> anyhow::Result<Option<ScreenshotOutcome>> {
    let icon = crate::ui::theme::app_icon();
    let viewport = egui::ViewportBuilder::default()
        .with_title("Photo Atlas")
        .with_inner_size([1280.0, 800.0])
        .with_min_inner_size([640.0, 400.0])
        .with_drag_and_drop(true)
        .with_icon(icon);
    let native = eframe::NativeOptions {
        viewport,
        persist_window: screenshot.is_none(),
        persistence_path: crate::app::storage_folder(&options.locations)
            .map(|d| d.join("window.ron")),
        ..Default::default()
    };
    // One slot shared by the window (which fills it) and this function (which reads it).
    let outcome: std::sync::Arc<std::sync::Mutex<Option<ScreenshotOutcome>>> = Default::default();
    let slot = outcome.clone();
    eframe::run_native(
        "Photo Atlas",
        native,
        Box::new(move |cc| {
            options.saved = load_settings(cc.storage);
            let mut window = PhotoAtlasWindow::new(&cc.egui_ctx, options, screenshot);
            if let Some(s) = &mut window.screenshot {
                s.outcome = slot;
            }
            Ok(Box::new(window))
        }),
    )
    .map_err(|e| anyhow::anyhow!("the window could not be opened: {e}"))?;
    Ok(outcome.lock().ok().and_then(|o| o.clone()))
}
