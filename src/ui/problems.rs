//! The problems panel: every file or folder that could not be read, and why.

use crate::app::{Command, PhotoAtlasApp};

pub fn show(app: &PhotoAtlasApp, ctx: &egui::Context, out: &mut Vec<Command>) {
    let Some(snap) = &app.snapshot else { return };
    let problems = snap.all_problems();
    egui::TopBottomPanel::bottom("problems")
        .resizable(true)
        .default_height(160.0)
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                ui.strong(format!("Problems ({})", problems.len()));
                ui.label(
                    egui::RichText::new(
                        "These files could not be fully read. Nothing was changed.",
                    )
                    .weak(),
                );
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui.button("Close").clicked() {
                        out.push(Command::ToggleProblems);
                    }
                });
            });
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show_rows(ui, 18.0, problems.len(), |ui, rows| {
                    for (path, reason) in &problems[rows] {
                        ui.horizontal(|ui| {
                            ui.label(egui::RichText::new(reason).color(ui.visuals().warn_fg_color));
                            ui.label(egui::RichText::new(path).weak().monospace());
                        });
                    }
                });
        });
}
