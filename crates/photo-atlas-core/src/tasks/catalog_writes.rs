//! The window's small writes, each on its own thread so the UI never waits on the
//! disk: album edits (add, remove, rename, delete) and emptying the thumbnail cache.

use std::path::{Path, PathBuf};

use super::{Failure, WriteTask};
use crate::jobs::{Task, Waker};
use crate::store::{Catalog, Locations};

/// A change to one album.
#[derive(Clone, Debug, PartialEq)]
pub enum AlbumEdit {
    Add(i64, Vec<PathBuf>),
    Remove(i64, Vec<PathBuf>),
    Rename(i64, String),
    Delete(i64),
}

impl AlbumEdit {
    /// The album it changes.
    pub fn album(&self) -> i64 {
        match self {
            Self::Add(id, _) | Self::Remove(id, _) | Self::Rename(id, _) | Self::Delete(id) => *id,
        }
    }
}

/// Writes `edit` to the catalog.
pub fn start_album_edit(locations: &Locations, edit: AlbumEdit, waker: Waker) -> WriteTask {
    let l = locations.clone();
    Task::spawn("edit-album", Default::default(), waker, move |_, _| {
        let mut catalog = Catalog::open(&l.catalog)?;
        match edit {
            AlbumEdit::Add(id, photos) => catalog.add_to_album(id, &photos)?,
            AlbumEdit::Remove(id, photos) => catalog.remove_from_album(id, &photos)?,
            AlbumEdit::Rename(id, name) => catalog.rename_album(id, &name)?,
            AlbumEdit::Delete(id) => catalog.delete_album(id)?,
        }
        Ok(())
    })
}

/// What emptying the cache freed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cleared {
    pub files: usize,
    pub bytes: u64,
}

pub type ClearTask = Task<Cleared, Failure>;

/// Deletes every thumbnail (they are made again by the next scan); only files
/// inside the cache's `thumbnails` folder are touched.
pub fn start_clear_thumbnails(locations: &Locations, waker: Waker) -> ClearTask {
    let folder = locations.thumbnails();
    Task::spawn(
        "clear-cache",
        Default::default(),
        waker,
        move |cancel, _| {
            let mut cleared = Cleared::default();
            for entry in walkdir::WalkDir::new(&folder).contents_first(true) {
                if cancel.is_cancelled() {
                    break;
                }
                let Ok(entry) = entry else { continue };
                remove(entry.path(), entry.file_type().is_dir(), &mut cleared)
                    .map_err(|e| Failure::Cache(format!("{}: {e}", entry.path().display())))?;
            }
            Ok(cleared)
        },
    )
}

fn remove(path: &Path, is_dir: bool, cleared: &mut Cleared) -> std::io::Result<()> {
    if is_dir {
        return std::fs::remove_dir(path).or_else(|e| match e.kind() {
            std::io::ErrorKind::DirectoryNotEmpty => Ok(()),
            _ => Err(e),
        });
    }
    let bytes = std::fs::symlink_metadata(path).map_or(0, |m| m.len());
    std::fs::remove_file(path)?;
    cleared.files += 1;
    cleared.bytes += bytes;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clearing_the_cache_removes_thumbnails_only() {
        let dir = tempfile::tempdir().expect("tmp");
        let locations = Locations {
            catalog: dir.path().join("catalog.sqlite"),
            cache: dir.path().join("cache"),
        };
        let thumbs = locations.thumbnails();
        std::fs::create_dir_all(thumbs.join("ab")).expect("mkdir");
        std::fs::write(thumbs.join("ab/1.jpg"), [0u8; 100]).expect("write");
        std::fs::write(thumbs.join("2.jpg"), [0u8; 50]).expect("write");
        let other = dir.path().join("cache/keep.txt");
        std::fs::write(&other, "x").expect("write");
        let task = start_clear_thumbnails(&locations, std::sync::Arc::new(|| {}));
        let cleared = task.wait().expect("cleared");
        assert_eq!(
            cleared,
            Cleared {
                files: 2,
                bytes: 150
            }
        );
        assert!(!thumbs.exists());
        assert!(other.exists(), "files beside the thumbnails are left alone");
    }
}
