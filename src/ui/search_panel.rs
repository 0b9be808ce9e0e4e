//! The panel above the search results: the index being built (with how many photos
//! have been looked at), the query as understood, why nothing matched, and what can
//! be typed.

use crate::app::PhotoAtlasApp;

pub fn show(app: &PhotoAtlasApp, ui: &mut egui::Ui) {
    let search = &app.search;
    let frame = egui::Frame::group(ui.style()).inner_margin(12.0);
    frame.show(ui, |ui| {
        ui.set_width(ui.available_width());
        if let Some((job, _)) = &search.index_job {
            let p = job.progress();
            ui.horizontal(|ui| {
                ui.add(egui::Spinner::new());
                if p.total() > 0 {
                    ui.label(format!(
                        "Looking at what is in the photos ({} of {}); words for what is in them will find more when it is done…",
                        p.done(),
                        p.total()
                    ));
                } else {
                    ui.label("Getting the search ready…");
                }
            });
        } else if search.query_job.is_some() {
            ui.horizontal(|ui| {
                ui.add(egui::Spinner::new());
                ui.label("Searching…");
            });
        }
        let hits = search.section.first().map_or(0, |g| g.photos.len());
        if let Some(e) = &search.error {
            ui.colored_label(ui.visuals().warn_fg_color, e);
        } else if let Some(understood) = &search.understood {
            if hits == 0 && !search.is_busy() {
                ui.label(
                    egui::RichText::new(format!("No photos match {understood}.")).size(15.0),
                );
            } else {
                ui.label(format!("Looking for {understood}; best matches first."));
            }
        }
        ui.label(
            egui::RichText::new(
                "Type what is in a photo (dog, beach, flower, building), a year or a month (2023, June 2024), a place or a camera; combine them: dog 2023 Munich.",
            )
            .weak(),
        );
    });
    ui.add_space(6.0);
}
