//! The first thing a new user sees: an invitation to drop a folder, a button to
//! pick one, and the folders opened before.

use crate::app::{Command, PhotoAtlasApp};

pub fn show(app: &PhotoAtlasApp, ui: &mut egui::Ui, out: &mut Vec<Command>) {
    ui.vertical_centered(|ui| {
        ui.add_space((ui.available_height() * 0.25).max(24.0));
        ui.label(egui::RichText::new("📷").size(56.0));
        ui.add_space(8.0);
        ui.heading("Drop a folder of photos here");
        ui.label(egui::RichText::new("Photo Atlas organises them by date, place and content. Your files are never changed.").weak());
        ui.add_space(16.0);
        let button = egui::Button::new(egui::RichText::new("Open folder…").size(16.0)).min_size(egui::vec2(160.0, 36.0));
        if ui.add(button).clicked() {
            out.push(Command::PickFolder);
        }
        if !app.recent.is_empty() {
            ui.add_space(28.0);
            ui.label(egui::RichText::new("Recent folders").strong());
            for folder in app.recent.iter().take(8) {
                if ui.link(folder).clicked() {
                    out.push(Command::OpenFolder(folder.into()));
                }
            }
        }
    });
}
