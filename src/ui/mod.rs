//! Drawing the window. Functions here read the app's state (never change it), draw
//! it, and push [`Command`]s into the frame's sink; the only thing they hold mutably is
//! the texture cache, to ask for pictures. They never read files or wait on tasks.

mod albums;
mod clusters;
mod empty_state;
mod events_panel;
mod grid;
mod name_dialog;
mod problems;
mod search_panel;
mod settings;
mod sidebar;
mod similar;
mod status_bar;
pub mod theme;
mod viewer;
pub mod world_map;

use crate::app::{Command, PhotoAtlasApp, TextureCache};
pub use photo_atlas_core::grouping::{count_label, thousands};

/// A progress bar in the status bar, wide enough for its text ("Preparing
/// Content: 2,336 / 4,317" was cut off in a fixed 200 points).
fn labelled_progress(ui: &egui::Ui, fraction: f32, text: String) -> egui::ProgressBar {
    let font = egui::TextStyle::Button.resolve(ui.style());
    let width = ui
        .painter()
        .layout_no_wrap(text.clone(), font, egui::Color32::WHITE)
        .size()
        .x;
    egui::ProgressBar::new(fraction)
        .desired_width((width + 24.0).max(160.0))
        .text(text)
}

/// Draws one frame.
pub fn draw(
    app: &PhotoAtlasApp,
    textures: &mut TextureCache,
    ctx: &egui::Context,
    out: &mut Vec<Command>,
) {
    status_bar::show(app, ctx, out);
    settings::show(app, ctx, out);
    if app.show_problems {
        problems::show(app, ctx, out);
    }
    if app.folder.is_none() {
        egui::CentralPanel::default().show(ctx, |ui| empty_state::show(app, ui, out));
        drop_hint(ctx);
        return;
    }
    if app.viewer.is_some() {
        viewer::show(app, textures, ctx, out);
    } else {
        sidebar::show(app, ctx, out);
        egui::CentralPanel::default().show(ctx, |ui| {
            match app.view {
                crate::app::ViewMode::Content => clusters::panel(app, ui, out),
                crate::app::ViewMode::Similar => similar::panel(app, ui),
                crate::app::ViewMode::Duplicates => similar::duplicates_panel(app, ui, out),
                crate::app::ViewMode::Search => search_panel::show(app, ui),
                crate::app::ViewMode::Events => events_panel::show(app, textures, ui, out),
                crate::app::ViewMode::Albums => albums::panel(app, ui, out),
                _ => {}
            }
            grid::show(app, textures, ui, out)
        });
        clusters::rename_dialog(app, ctx, out);
        albums::name_dialog(app, ctx, out);
        albums::rename_dialog(app, ctx, out);
        albums::delete_dialog(app, ctx, out);
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
