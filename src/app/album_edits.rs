//! Albums changed from the window: any group (a day, an event, a trip, a place, a
//! content group, a duplicates set, similar photos) selected whole from its header
//! and kept under its own name; the selection added to or removed from an album;
//! albums renamed and deleted (after asking; the photos themselves stay). Each
//! change is a catalog write on its own thread.

use std::path::PathBuf;

use super::{PhotoAtlasApp, Selection};
use photo_atlas_core::tasks::{AlbumEdit, start_album_edit};

/// What can be done to albums from the window.
#[derive(Clone, Debug, PartialEq)]
pub enum AlbumCommand {
    /// Select every photo of a group (from its header); keeping it proposes `label`.
    SelectGroup {
        photos: Vec<usize>,
        label: String,
    },
    /// Add the selection to this album.
    AddSelection(i64),
    /// Take the selection out of this album.
    RemoveSelection(i64),
    BeginRename(i64),
    /// The new name typed so far.
    TypeRename(String),
    /// Give the album being renamed this name; `None` abandons it.
    FinishRename(Option<String>),
    /// Ask whether to delete this album (`None`: the question was answered no).
    AskDelete(Option<i64>),
    Delete(i64),
}

impl PhotoAtlasApp {
    pub(super) fn apply_album(&mut self, command: AlbumCommand) {
        match command {
            AlbumCommand::SelectGroup { photos, label } => {
                self.selection = Selection::of_group(photos, label);
            }
            AlbumCommand::AddSelection(id) => {
                let paths = self.selected_paths();
                let n = paths.len();
                self.edit_album(AlbumEdit::Add(id, paths), format!("Added {} to", count(n)));
            }
            AlbumCommand::RemoveSelection(id) => {
                let paths = self.selected_paths();
                let n = paths.len();
                let done = format!("Took {} out of", count(n));
                self.edit_album(AlbumEdit::Remove(id, paths), done);
            }
            AlbumCommand::BeginRename(id) => {
                self.renaming_album = self.album_name(id).map(|name| (id, name));
            }
            AlbumCommand::TypeRename(name) => {
                if let Some((_, typed)) = &mut self.renaming_album {
                    *typed = name;
                }
            }
            AlbumCommand::FinishRename(name) => {
                let renaming = self.renaming_album.take();
                let name = name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
                if let (Some((id, _)), Some(name)) = (renaming, name) {
                    self.edit_album(AlbumEdit::Rename(id, name), "Renamed".into());
                }
            }
            AlbumCommand::AskDelete(id) => self.deleting_album = id,
            AlbumCommand::Delete(id) => {
                self.deleting_album = None;
                self.edit_album(AlbumEdit::Delete(id), "Deleted".into());
            }
        }
    }

    fn selected_paths(&self) -> Vec<PathBuf> {
        let Some(snap) = &self.snapshot else {
            return Vec::new();
        };
        self.selection
            .photos
            .iter()
            .filter_map(|&i| snap.photos.get(i).map(|p| p.path.clone()))
            .collect()
    }

    fn album_name(&self, id: i64) -> Option<String> {
        let snap = self.snapshot.as_ref()?;
        let album = snap.albums.iter().find(|a| a.id == id)?;
        Some(album.group.label.clone())
    }

    /// Writes `edit`; the status bar says "`done` the album "name"." once asked.
    fn edit_album(&mut self, edit: AlbumEdit, done: String) {
        if self.writing.is_some() {
            self.message = Some("Still saving the last change; try again in a moment.".into());
            return;
        }
        let name = match &edit {
            AlbumEdit::Rename(_, new) => new.clone(),
            _ => self.album_name(edit.album()).unwrap_or_default(),
        };
        self.message = Some(format!("{done} the album \"{name}\"."));
        self.writing = Some(start_album_edit(&self.locations, edit, self.waker.clone()));
    }
}

fn count(n: usize) -> String {
    photo_atlas_core::grouping::count_label(n, "photo")
}
