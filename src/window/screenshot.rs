//! Screenshot mode (`photo-atlas FOLDER --screenshot OUT.png`): wait until the scan
//! is done and everything visible is drawn, save a PNG of the window, and quit.
//! Used by checks and for the README's picture.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long to wait for the window to be ready before giving up.
const TIMEOUT: Duration = Duration::from_secs(300);
/// Frames to wait once ready, so the layout has settled.
const SETTLE_FRAMES: u32 = 5;

/// `Ok(path)` once saved, or why it failed.
pub type ScreenshotOutcome = Result<PathBuf, String>;

pub struct ScreenshotState {
    target: PathBuf,
    started: Instant,
    ready_frames: u32,
    requested: bool,
    pub outcome: Arc<Mutex<Option<ScreenshotOutcome>>>,
}

impl ScreenshotState {
    pub fn new(target: PathBuf) -> Self {
        Self {
            target,
            started: Instant::now(),
            ready_frames: 0,
            requested: false,
            outcome: Arc::default(),
        }
    }
}

/// Called once per frame, after drawing; `ready` says whether everything visible is in.
pub fn step(state: &mut ScreenshotState, ready: bool, ctx: &egui::Context) {
    ctx.request_repaint_after(Duration::from_millis(50));
    if let Some(image) = take_screenshot_event(ctx) {
        let (target, outcome, ctx2) = (state.target.clone(), state.outcome.clone(), ctx.clone());
        std::thread::spawn(move || {
            let result = save_png(&image, &target).map(|()| target);
            if let Ok(mut o) = outcome.lock() {
                *o = Some(result);
            }
            ctx2.send_viewport_cmd(egui::ViewportCommand::Close);
        });
        return;
    }
    if state.requested {
        return;
    }
    if state.started.elapsed() > TIMEOUT {
        if let Ok(mut o) = state.outcome.lock() {
            *o = Some(Err(format!(
                "the window was not ready after {} s",
                TIMEOUT.as_secs()
            )));
        }
        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        return;
    }
    state.ready_frames = if ready { state.ready_frames + 1 } else { 0 };
    if state.ready_frames >= SETTLE_FRAMES {
        state.requested = true;
        ctx.send_viewport_cmd(egui::ViewportCommand::Screenshot(egui::UserData::default()));
    }
}

fn take_screenshot_event(ctx: &egui::Context) -> Option<Arc<egui::ColorImage>> {
    ctx.input(|i| {
        i.raw.events.iter().find_map(|e| match e {
            egui::Event::Screenshot { image, .. } => Some(image.clone()),
            _ => None,
        })
    })
}

fn save_png(image: &egui::ColorImage, target: &std::path::Path) -> Result<(), String> {
    let [w, h] = image.size;
    let bytes: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
    let rgba = image::RgbaImage::from_raw(w as u32, h as u32, bytes)
        .ok_or("the screenshot has no pixels")?;
    rgba.save(target).map_err(|e| {
        format!(
            "the screenshot could not be saved: {e}: {}",
            target.display()
        )
    })
}
