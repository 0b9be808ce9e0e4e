//! GPU textures for thumbnails and the viewer, loaded on worker threads and kept
//! in a bounded cache: the least recently drawn are dropped, so memory does not
//! grow with the size of the library.

use std::collections::HashMap;

use egui::{ColorImage, TextureHandle, TextureOptions};

use photo_atlas_core::jobs::Waker;
use photo_atlas_core::tasks::{ImageLoader, ImageSource};

/// Thumbnails kept on the GPU at most (256 px each: about 50 MB).
const MAX_TEXTURES: usize = 800;

/// Where a picture is.
#[derive(Clone)]
pub enum ThumbSlot {
    Missing,
    Loading,
    Ready(TextureHandle),
    Failed(String),
}

struct Entry {
    slot: ThumbSlot,
    last_used: u64,
}

pub struct TextureCache {
    thumbs: ImageLoader,
    full: ImageLoader,
    entries: HashMap<String, Entry>,
    frame: u64,
    /// Thumbnails asked for this frame that are not ready yet.
    pending_now: usize,
}

impl TextureCache {
    pub fn new(waker: Waker) -> Self {
        Self {
            thumbs: ImageLoader::start("thumbnail-loader", 2, 256, waker.clone()),
            full: ImageLoader::start("photo-loader", 1, 2, waker),
            entries: HashMap::new(),
            frame: 0,
            pending_now: 0,
        }
    }

    /// The texture for `key`, asking for it to be loaded from `source` if needed.
    pub fn get(&mut self, key: &str, source: impl FnOnce() -> ImageSource) -> ThumbSlot {
        let frame = self.frame;
        if let Some(e) = self.entries.get_mut(key) {
            e.last_used = frame;
            if matches!(e.slot, ThumbSlot::Loading) {
                self.pending_now += 1;
            }
            return e.slot.clone();
        }
        let source = source();
        let loader = if matches!(source, ImageSource::Thumbnail(_)) {
            &self.thumbs
        } else {
            &self.full
        };
        if let Some(dropped) = loader.request(key.to_string(), source) {
            self.entries.remove(&dropped);
        }
        self.entries.insert(
            key.to_string(),
            Entry {
                slot: ThumbSlot::Loading,
                last_used: frame,
            },
        );
        self.pending_now += 1;
        ThumbSlot::Loading
    }

    /// Uploads what the loaders finished.
    pub fn receive(&mut self, ctx: &egui::Context) {
        for loaded in self
            .thumbs
            .finished()
            .into_iter()
            .chain(self.full.finished())
        {
            let Some(entry) = self.entries.get_mut(&loaded.key) else {
                continue;
            };
            entry.slot = match loaded.image {
                Ok(img) => {
                    let size = [img.width() as usize, img.height() as usize];
                    let color = ColorImage::from_rgba_unmultiplied(size, img.as_raw());
                    ThumbSlot::Ready(ctx.load_texture(&loaded.key, color, TextureOptions::LINEAR))
                }
                Err(e) => ThumbSlot::Failed(e),
            };
        }
    }

    /// Thumbnails that were wanted in the last frame but are still loading.
    pub fn pending(&self) -> usize {
        self.pending_now
    }

    /// Ends a frame: evicts the least recently used textures beyond the budget.
    pub fn end_frame(&mut self) {
        self.frame += 1;
        self.pending_now = 0;
        if self.entries.len() <= MAX_TEXTURES + 64 {
            return;
        }
        let mut by_age: Vec<(u64, String)> = self
            .entries
            .iter()
            .map(|(k, e)| (e.last_used, k.clone()))
            .collect();
        by_age.sort_unstable();
        let excess = self.entries.len() - MAX_TEXTURES;
        for (_, key) in by_age.into_iter().take(excess) {
            self.entries.remove(&key);
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
