//! A terminal progress bar on stderr that follows a running scan's counters.
//! It hides itself when stderr is not a terminal (pipes, CI logs).

use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::jobs::{ScanProgress, ScanStage};

/// Draws `progress` until dropped.
pub struct ProgressView {
    /// Dropping the sender wakes the drawing thread at once.
    stop: Option<mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ProgressView {
    pub fn start(progress: Arc<ScanProgress>) -> Self {
        let (stop, stopped) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("progress-bar".into())
            .spawn(move || draw_until(&progress, &stopped))
            .ok();
        Self {
            stop: Some(stop),
            thread,
        }
    }
}

impl Drop for ProgressView {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn draw_until(progress: &ScanProgress, stopped: &mpsc::Receiver<()>) {
    let bar = ProgressBar::new(0);
    let style = ProgressStyle::with_template(
        "{spinner} {msg} [{bar:30}] {pos}/{len} ({per_sec}, {eta} left)",
    )
    .map(|s| s.progress_chars("=> "));
    if let Ok(style) = style {
        bar.set_style(style);
    }
    while stopped.recv_timeout(Duration::from_millis(100)) == Err(RecvTimeoutError::Timeout) {
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
    }
    bar.finish_and_clear();
}
