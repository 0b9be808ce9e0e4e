//! Albums in the window: the Albums view's panel (each album with Export…, Rename…,
//! Delete…, and adding or taking out the selection; how to make one), the dialogs
//! that name, rename and delete albums, and the selection's bar in the status bar
//! (how many, Keep as album, Add to album, Export…, Clear).

use crate::app::{AlbumCommand, Command, PhotoAtlasApp};
use photo_atlas_core::tasks::AlbumSection;

use super::count_label;

pub fn panel(app: &PhotoAtlasApp, ui: &mut egui::Ui, out: &mut Vec<Command>) {
    let Some(snap) = &app.snapshot else { return };
    let frame = egui::Frame::group(ui.style()).inner_margin(10.0);
    frame.show(ui, |ui| {
        ui.set_width(ui.available_width());
        if snap.albums.is_empty() {
            ui.label("No albums yet: select photos in any view (Ctrl-click, Shift-click, Ctrl+A, or a group's header), then press Keep as album.");
        }
        for album in &snap.albums {
            album_row(app, album, ui, out);
        }
    });
    ui.add_space(6.0);
}

fn album_row(app: &PhotoAtlasApp, album: &AlbumSection, ui: &mut egui::Ui, out: &mut Vec<Command>) {
    let id = album.id;
    ui.horizontal(|ui| {
        ui.label(egui::RichText::new(&album.group.label).strong());
        ui.label(count_label(album.group.photos.len(), "photo"));
        if album.elsewhere > 0 {
            let note = format!(
                "{} not in this folder (moved, deleted or elsewhere)",
                album.elsewhere
            );
            ui.label(egui::RichText::new(note).weak());
        }
        if ui.button("Export…").clicked() {
            out.push(Command::ExportPhotos(album.group.photos.clone()));
        }
        if ui.button("Rename…").clicked() {
            out.push(Command::Album(AlbumCommand::BeginRename(id)));
        }
        if ui.button("Delete…").clicked() {
            out.push(Command::Album(AlbumCommand::AskDelete(Some(id))));
        }
        let selected = &app.selection.photos;
        let inside = selected
            .iter()
            .filter(|i| album.group.photos.contains(i))
            .count();
        if selected.len() > inside {
            let text = format!("Add the {} selected", selected.len() - inside);
            if ui.button(text).clicked() {
                out.push(Command::Album(AlbumCommand::AddSelection(id)));
            }
        }
        if inside > 0 {
            let text = format!("Take out the {inside} selected");
            if ui.button(text).clicked() {
                out.push(Command::Album(AlbumCommand::RemoveSelection(id)));
            }
        }
    });
}

/// The selection's count and what can be done with it, in the status bar.
pub fn selection_bar(app: &PhotoAtlasApp, ui: &mut egui::Ui, out: &mut Vec<Command>) {
    if let Some((job, _)) = &app.export.job {
        let p = job.progress();
        let fraction = if p.total() == 0 {
            0.0
        } else {
            p.done() as f32 / p.total() as f32
        };
        let text = format!(
            "Exporting {} / {}",
            super::thousands(p.done()),
            super::thousands(p.total())
        );
        ui.add(super::labelled_progress(ui, fraction, text));
        if ui.button("Cancel export").clicked() {
            out.push(Command::CancelExport);
        }
    }
    let selected = &app.selection.photos;
    if selected.is_empty() {
        return;
    }
    ui.label(egui::RichText::new(format!("{} selected", selected.len())).strong());
    if ui.button("Keep as album").clicked() {
        out.push(Command::BeginKeepAlbum);
    }
    let albums = app.snapshot.as_ref().map_or(&[][..], |s| &s.albums[..]);
    if !albums.is_empty() {
        ui.menu_button("Add to album", |ui| {
            for album in albums {
                if ui.button(&album.group.label).clicked() {
                    out.push(Command::Album(AlbumCommand::AddSelection(album.id)));
                    ui.close();
                }
            }
        });
    }
    if ui.button("Export…").clicked() {
        out.push(Command::ExportPhotos(selected.iter().copied().collect()));
    }
    if ui.button("Clear").on_hover_text("Esc").clicked() {
        out.push(Command::ClearSelection);
    }
}

/// Names the album the selection becomes.
pub fn name_dialog(app: &PhotoAtlasApp, ctx: &egui::Context, out: &mut Vec<Command>) {
    let Some(typed) = &app.naming_album else {
        return;
    };
    let count = count_label(app.selection.photos.len(), "photo");
    let prompt = format!("{count} will be kept in the album:");
    let named = super::name_dialog::show(ctx, "Keep as album", Some(&prompt), "Keep", typed);
    out.extend(named.typed.map(Command::TypeAlbumName));
    out.extend(named.finished.map(Command::FinishKeepAlbum));
}

/// Renames an album.
pub fn rename_dialog(app: &PhotoAtlasApp, ctx: &egui::Context, out: &mut Vec<Command>) {
    let Some((_, typed)) = &app.renaming_album else {
        return;
    };
    let named = super::name_dialog::show(ctx, "Rename album", None, "Rename", typed);
    let album = |c| Command::Album(c);
    out.extend(named.typed.map(|t| album(AlbumCommand::TypeRename(t))));
    out.extend(named.finished.map(|n| album(AlbumCommand::FinishRename(n))));
}

/// Asks before deleting an album; its photos stay where they are.
pub fn delete_dialog(app: &PhotoAtlasApp, ctx: &egui::Context, out: &mut Vec<Command>) {
    let Some(id) = app.deleting_album else {
        return;
    };
    let Some(snap) = &app.snapshot else { return };
    let name = snap
        .albums
        .iter()
        .find(|a| a.id == id)
        .map_or("this album", |a| a.group.label.as_str());
    egui::Window::new("Delete album")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            ui.label(format!(
                "Delete the album \"{name}\"? The photos themselves stay where they are."
            ));
            ui.horizontal(|ui| {
                if ui.button("Delete album").clicked() {
                    out.push(Command::Album(AlbumCommand::Delete(id)));
                }
                if ui.button("Keep it").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape))
                {
                    out.push(Command::Album(AlbumCommand::AskDelete(None)));
                }
            });
        });
}
