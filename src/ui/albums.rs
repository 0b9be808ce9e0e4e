//! Albums in the window: the Albums view's panel (each album with Export…, and how
//! to make one), the dialog that names a new album made of the selection, and the
//! selection's bar in the status bar (how many, Keep as album, Export…, Clear).

use crate::app::{Command, PhotoAtlasApp};

use super::count_label;

pub fn panel(app: &PhotoAtlasApp, ui: &mut egui::Ui, out: &mut Vec<Command>) {
    let Some(snap) = &app.snapshot else { return };
    let frame = egui::Frame::group(ui.style()).inner_margin(10.0);
    frame.show(ui, |ui| {
        ui.set_width(ui.available_width());
        if snap.albums.is_empty() {
            ui.label("No albums yet: select photos in any view (Ctrl-click, Shift-click, Ctrl+A), then press Keep as album.");
        }
        for album in &snap.albums {
            ui.horizontal(|ui| {
                ui.label(egui::RichText::new(&album.group.label).strong());
                ui.label(count_label(album.group.photos.len(), "photo"));
                if album.elsewhere > 0 {
                    ui.label(
                        egui::RichText::new(format!("{} not in this folder (moved, deleted or elsewhere)", album.elsewhere))
                            .weak(),
                    );
                }
                if ui.button("Export…").clicked() {
                    out.push(Command::ExportPhotos(album.group.photos.clone()));
                }
            });
        }
    });
    ui.add_space(6.0);
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
        ui.add(
            egui::ProgressBar::new(fraction)
                .desired_width(180.0)
                .text(format!("Exporting {} / {}", p.done(), p.total())),
        );
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
    let mut name = typed.clone();
    let mut outcome = None;
    egui::Window::new("Keep as album")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            ui.label(format!(
                "{} will be kept in the album:",
                count_label(app.selection.photos.len(), "photo")
            ));
            let edit = ui.text_edit_singleline(&mut name);
            if edit.changed() {
                out.push(Command::TypeAlbumName(name.clone()));
            }
            edit.request_focus();
            let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            ui.horizontal(|ui| {
                if ui.button("Keep").clicked() || enter {
                    outcome = Some(Some(name.clone()));
                }
                if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                    outcome = Some(None);
                }
            });
        });
    if let Some(done) = outcome {
        out.push(Command::FinishKeepAlbum(done));
    }
}
