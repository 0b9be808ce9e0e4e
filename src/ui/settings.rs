//! The Settings panel: the theme, where content groups are learned (GPU or CPU),
//! where the catalog, the cache and the window's settings live, and emptying the
//! thumbnail cache. What is chosen here is remembered with the window.

use crate::app::{Command, LearnOn, PhotoAtlasApp, SettingsCommand, Theme, storage_folder};

pub fn show(app: &PhotoAtlasApp, ctx: &egui::Context, out: &mut Vec<Command>) {
    if !app.show_settings {
        return;
    }
    let mut open = true;
    egui::Window::new("Settings")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .default_width(460.0)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            section(ui, "Theme");
            ui.horizontal(|ui| {
                for theme in Theme::ALL {
                    if ui.radio(app.theme == theme, theme.label()).clicked() {
                        out.push(Command::Settings(SettingsCommand::Theme(theme)));
                    }
                }
            });
            section(ui, "Learning content groups runs on");
            for choice in LearnOn::ALL {
                if ui.radio(app.learn_on == choice, choice.label()).clicked() {
                    out.push(Command::Settings(SettingsCommand::LearnOn(choice)));
                }
            }
            section(ui, "Where Photo Atlas keeps its data");
            storage(app, ui);
            section(ui, "Cache");
            cache(app, ui, out);
        });
    if !open {
        out.push(Command::Settings(SettingsCommand::Show(false)));
    }
}

fn section(ui: &mut egui::Ui, title: &str) {
    ui.add_space(6.0);
    ui.label(egui::RichText::new(title).strong());
}

fn storage(app: &PhotoAtlasApp, ui: &mut egui::Ui) {
    let l = &app.locations;
    let window = storage_folder(l).map(|d| d.join("window.ron"));
    egui::Grid::new("settings-paths")
        .num_columns(2)
        .show(ui, |ui| {
            for (what, path) in [
                ("Catalog", Some(l.catalog.clone())),
                ("Thumbnails", Some(l.thumbnails())),
                ("Window", window),
            ] {
                ui.label(what);
                let text = path.map_or("(none)".into(), |p| p.display().to_string());
                ui.label(egui::RichText::new(text).monospace());
                ui.end_row();
            }
        });
    ui.label(
        egui::RichText::new(
            "To keep the catalog elsewhere, start Photo Atlas with --catalog PATH \
             (or set PHOTO_ATLAS_CATALOG). Your photos are never written.",
        )
        .weak(),
    );
}

fn cache(app: &PhotoAtlasApp, ui: &mut egui::Ui, out: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        let busy = app.clearing_cache.is_some() || app.scan.is_some();
        let button = ui.add_enabled(!busy, egui::Button::new("Empty the thumbnail cache"));
        if button.clicked() {
            out.push(Command::Settings(SettingsCommand::ClearThumbnails));
        }
        if app.clearing_cache.is_some() {
            ui.spinner();
        }
    });
    ui.label(
        egui::RichText::new(
            "Thumbnails are made again as folders are scanned; the catalog, albums and learned groups stay.",
        )
        .weak(),
    );
}
