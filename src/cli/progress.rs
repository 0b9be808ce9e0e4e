//! A terminal progress bar on stderr that follows a running scan's counters.
//! It hides itself when stderr is not a terminal (pipes, CI logs).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::jobs::{ScanProgress, ScanStage};

/// Draws `progress` until dropped.
pub struct ProgressView {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ProgressView {
    pub fn start(progress: Arc<ScanProgress>) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let stop_flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("progress-bar".into())
            .spawn(move || draw_until(&progress, &stop_flag))
            .ok();
        Self { stop, thread }
    }
}

impl Drop for ProgressView {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn draw_until(progress: &ScanProgress, stop: &AtomicBool) {
    let bar = ProgressBar::new(0);
    let style = ProgressStyle::with_template(
        "{spinner} {msg} [{bar:30}] {pos}/{len} ({per_sec}, {eta} left)",
    )
    .map(|s| s.progress_chars("=> "));
    if let Ok(style) = style {
        bar.set_style(style);
    }
    while !stop.load(Ordering::Relaxed) {
        let stage = progress.stage();
        match stage {
            ScanStage::Walking => bar.set_length(ScanProgress::get(&progress.found) as u64),
            _ => bar.set_length(ScanProgress::get(&progress.to_read) as u64),
        }
        if stage != ScanStage::Walking {
            bar.set_position(ScanProgress::get(&progress.read) as u64);
        }
        let problems = ScanProgress::get(&progress.problems);
        bar.set_message(format!("{} ({problems} problems)", stage.describe()));
        std::thread::sleep(Duration::from_millis(100));
    }
    bar.finish_and_clear();
}
