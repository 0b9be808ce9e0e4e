//! Drawing the window. Functions here read the app's state, draw it, and push
//! [`Command`](crate::app::Command)s; they never read files or wait on jobs.

mod clusters;
mod empty_state;
mod grid;
mod problems;
mod sidebar;
mod similar;
mod status_bar;
pub mod theme;
mod viewer;
pub mod world_map;

use crate::app::PhotoAtlasApp;
pub use photo_atlas_core::grouping::count_label;

/// Draws one frame.
pub fn draw(app: &mut PhotoAtlasApp, ctx: &egui::Context) {
    status_bar::show(app, ctx);
    if app.show_problems {
        problems::show(app, ctx);
    }
    if app.folder.is_none() {
        egui::CentralPanel::default().show(ctx, |ui| empty_state::show(app, ui));
        drop_hint(ctx);
        return;
    }
    if app.viewer.is_some() {
        viewer::show(app, ctx);
    } else {
        sidebar::show(app, ctx);
        egui::CentralPanel::default().show(ctx, |ui| {
            if app.view == crate::app::ViewMode::Content {
                clusters::panel(app, ui);
            }
            if app.view == crate::app::ViewMode::Similar {
                similar::panel(app, ui);
            }
            if app.view == crate::app::ViewMode::Duplicates {
                similar::duplicates_panel(app, ui);
            }
            grid::show(app, ui)
        });
        clusters::rename_dialog(app, ctx);
    }
    drop_hint(ctx);
}

/// Darkens the window and says what will happen while something is dragged over it.
fn drop_hint(ctx: &egui::Context) {
    if ctx.input(|i| i.raw.hovered_files.is_empty()) {
        return;
    }
    let screen = ctx.content_rect();
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::new("drop-hint"),
    ));
    painter.rect_filled(screen, 0.0, egui::Color32::from_black_alpha(170));
    painter.text(
        screen.center(),
        egui::Align2::CENTER_CENTER,
        "Drop to open this folder",
        egui::FontId::proportional(28.0),
        egui::Color32::WHITE,
    );
}
