//! The panels of the search views. Similar: what was searched with, the search
//! running, why it failed, and the drop zone (a photo dropped here, from anywhere,
//! is searched with). Duplicates: the search running, or what it found, with the
//! best file of each set (or all the others) to select.

use crate::app::PhotoAtlasApp;

pub fn panel(app: &PhotoAtlasApp, ui: &mut egui::Ui) {
    let similar = &app.similar;
    let hovering = ui.ctx().input(|i| !i.raw.hovered_files.is_empty());
    let frame = egui::Frame::group(ui.style()).inner_margin(12.0);
    frame.show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.horizontal(|ui| {
            if similar.job.is_some() {
                ui.add(egui::Spinner::new());
                ui.label("Looking for similar photos…");
            } else if let Some(query) = &similar.query {
                ui.label(format!("Photos most like {}", query.display()));
            }
        });
        if let Some(e) = &similar.error {
            ui.colored_label(ui.visuals().warn_fg_color, e);
        }
        if similar.elsewhere > 0 {
            ui.label(
                egui::RichText::new(format!(
                    "{} more in other folders of the catalog.",
                    similar.elsewhere
                ))
                .weak(),
            );
        }
        let hint = if hovering {
            "Drop the photo to find similar ones"
        } else {
            "Drop a photo here (from anywhere) to find similar ones, or open a photo and press Find similar."
        };
        ui.label(egui::RichText::new(hint).weak());
    });
    ui.add_space(6.0);
}

pub fn duplicates_panel(
    app: &PhotoAtlasApp,
    ui: &mut egui::Ui,
    out: &mut Vec<crate::app::Command>,
) {
    let d = &app.duplicates;
    ui.horizontal(|ui| {
        if d.job.is_some() {
            ui.add(egui::Spinner::new());
            ui.label("Looking for identical files and near-duplicates…");
        } else if let Some(sections) = &d.sections {
            let photos: usize = sections.iter().map(|s| s.photos.len()).sum();
            if sections.is_empty() {
                ui.label("No duplicates found.");
            } else {
                ui.label(format!(
                    "{}, {}. Nothing is deleted: open a photo to decide.",
                    super::count_label(sections.len(), "set"),
                    super::count_label(photos, "photo")
                ));
                if ui
                    .button("Select the best of each set")
                    .on_hover_text(
                        "The largest file, then the oldest: keep them as an album or export them",
                    )
                    .clicked()
                {
                    out.push(crate::app::Command::SelectDuplicates { best: true });
                }
                if ui.button("Select all but the best").clicked() {
                    out.push(crate::app::Command::SelectDuplicates { best: false });
                }
            }
        }
    });
    if let Some(e) = &d.error {
        ui.colored_label(ui.visuals().warn_fg_color, e);
    }
    ui.label(
        egui::RichText::new(
            "Near-duplicates are found among photos whose content was learned (Content, then Find groups).",
        )
        .weak(),
    );
    ui.add_space(6.0);
}
