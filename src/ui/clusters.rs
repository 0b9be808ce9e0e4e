//! The Content view's own parts: the panel above the grid that starts the
//! clustering job, follows it (stage, progress, the loss curve, Cancel) and sums it
//! up; the sidebar's list of clusters with Rename; and the rename dialog.

use egui_plot::{Legend, Line, Plot, PlotPoints};

use crate::app::{Command, PhotoAtlasApp};
use photo_atlas_core::jobs::Progress;
use photo_atlas_core::ml::train::Stage;
use photo_atlas_core::tasks::FolderSnapshot;

use super::count_label;

/// The panel above the grid in the Content view.
pub fn panel(app: &PhotoAtlasApp, ui: &mut egui::Ui, out: &mut Vec<Command>) {
    let Some(snap) = &app.snapshot else { return };
    if let Some(task) = &app.clustering {
        if !snap.content.is_empty() {
            shown_while_learning(ui, snap);
        }
        progress(ui, task.progress(), !snap.content.is_empty(), out);
    } else if let Some(task) = &app.joining {
        progress(ui, task.progress(), false, out);
    } else if snap.content.is_empty() {
        invitation(
            ui,
            app.scan.is_some(),
            app.features.is_some(),
            snap.photos.len(),
            out,
        );
    } else {
        summary(
            ui,
            snap,
            app.last_clustering.as_deref(),
            app.scan.is_some(),
            out,
        );
    }
    ui.add_space(6.0);
}

/// What the grid shows while a model is being learned.
fn shown_while_learning(ui: &mut egui::Ui, snap: &FolderSnapshot) {
    let text = if snap.content_quick {
        format!(
            "Showing {} (k-means on what the photos show). Better groups are being \
             learned from your photos and will replace them.",
            count_label(snap.content.len(), "quick group")
        )
    } else {
        format!(
            "Showing the {} learned before; new ones are being learned.",
            count_label(snap.content.len(), "group")
        )
    };
    ui.label(text);
}

fn invitation(
    ui: &mut egui::Ui,
    scanning: bool,
    preparing: bool,
    photos: usize,
    commands: &mut Vec<Command>,
) {
    ui.add_space(8.0);
    ui.heading("Group these photos by what they show");
    ui.label(
        "Photo Atlas learns from your own photos, on this computer: it looks at each photo, \
         trains a small network on your library and sorts the photos into groups of \
         similar content. Nothing leaves your computer, and your photos are never changed.",
    );
    if scanning || preparing {
        ui.label(
            egui::RichText::new(
                "The groups appear here by themselves once the photos have been looked at \
                 (the status bar shows how far that is).",
            )
            .weak(),
        );
    }
    ui.add_space(4.0);
    let button = egui::Button::new(format!("Find groups in {}", count_label(photos, "photo")));
    let response = ui.add_enabled(!scanning && photos >= 3, button);
    if scanning {
        response.on_disabled_hover_text("Wait for the scan to finish.");
    } else if response.clicked() {
        commands.push(Command::StartClustering);
    }
}

/// What was learned, and Learn again (not while a scan runs: learning waits for
/// it, and a press it would ignore must not look taken).
fn summary(
    ui: &mut egui::Ui,
    snap: &FolderSnapshot,
    last: Option<&str>,
    scanning: bool,
    commands: &mut Vec<Command>,
) {
    ui.horizontal(|ui| {
        let text = if snap.content_quick {
            format!(
                "{} (k-means on what the photos show); Learn again to learn better ones.",
                count_label(snap.content.len(), "quick group")
            )
        } else {
            format!(
                "{}, learned from your photos (autoencoder + IDEC).",
                count_label(snap.content.len(), "group")
            )
        };
        ui.label(text);
        if let Some(last) = last {
            ui.label(egui::RichText::new(last).weak());
        }
        if snap.unclustered > 0 {
            ui.label(
                egui::RichText::new(format!(
                    "{} not in a group yet.",
                    count_label(snap.unclustered, "new photo")
                ))
                .weak(),
            );
        }
        let offer = snap.many_joined();
        if offer {
            ui.label(format!(
                "{} joined these groups since they were learned.",
                count_label(snap.joined.0, "photo")
            ));
        }
        let button = egui::Button::new("Learn again").selected(offer);
        let response = ui.add_enabled(!scanning, button);
        if scanning {
            response.on_disabled_hover_text("Wait for the scan to finish.");
        } else if response
            .on_hover_text("Fine-tunes the model on the folder as it is now")
            .clicked()
        {
            commands.push(Command::StartClustering);
        }
    });
}

/// A running job's stage, counts and Cancel; the loss curve below, folded away when
/// groups are already shown (on request, then).
fn progress(ui: &mut egui::Ui, progress: &Progress, fold_curve: bool, commands: &mut Vec<Command>) {
    let stage: Stage = progress.stage();
    let (done, total) = (progress.done(), progress.total());
    ui.horizontal(|ui| {
        ui.add(egui::Spinner::new());
        ui.label(egui::RichText::new(stage.describe()).strong());
        ui.label(egui::RichText::new(format!("{done} / {total}")).weak());
        let fraction = if total == 0 {
            0.0
        } else {
            done as f32 / total as f32
        };
        ui.add(egui::ProgressBar::new(fraction).desired_width(220.0));
        if ui.button("Cancel").clicked() {
            commands.push(Command::CancelClustering);
        }
        ui.label(egui::RichText::new(progress.note().unwrap_or_default()).weak());
    });
    if fold_curve {
        egui::CollapsingHeader::new("Learning curve")
            .default_open(false)
            .show(ui, |ui| loss_plot(ui, progress));
    } else {
        loss_plot(ui, progress);
    }
}

/// The training loss per epoch (pretraining) and per target update (refinement).
fn loss_plot(ui: &mut egui::Ui, progress: &Progress) {
    let losses = progress.losses::<Stage>();
    if losses.is_empty() {
        return;
    }
    let series = |stage: Stage| -> PlotPoints<'static> {
        losses
            .iter()
            .filter(|(s, _, _)| *s == stage)
            .enumerate()
            .map(|(i, &(_, _, loss))| [i as f64, f64::from(loss)])
            .collect()
    };
    Plot::new("training-loss")
        .height(120.0)
        .legend(Legend::default())
        .allow_scroll(false)
        .allow_drag(false)
        .show(ui, |plot| {
            plot.line(Line::new(
                "Learning (reconstruction)",
                series(Stage::Pretraining),
            ));
            plot.line(Line::new(
                "Refining (with clustering)",
                series(Stage::Refining),
            ));
        });
}

/// The clusters in the sidebar; a right click offers Rename.
pub fn sidebar_list(ui: &mut egui::Ui, snap: &FolderSnapshot, commands: &mut Vec<Command>) {
    if snap.content.is_empty() {
        ui.label(egui::RichText::new("No groups yet.").weak());
        return;
    }
    for (section, group) in snap.content_sections().enumerate() {
        let text = format!("{}  ·  {}", group.label, group.photos.len());
        // Long names are cut with "…" (the full name shows on hover) instead of wrapping.
        let response = ui
            .add(egui::Button::selectable(false, text.clone()).truncate())
            .on_hover_text(text);
        if response.clicked() {
            commands.push(Command::ScrollToSection(section));
        }
        response.context_menu(|ui| {
            if ui.button("Rename…").clicked() {
                commands.push(Command::BeginRename(section));
                ui.close();
            }
        });
    }
}

/// A small dialog for the new name of a cluster.
pub fn rename_dialog(app: &PhotoAtlasApp, ctx: &egui::Context, out: &mut Vec<Command>) {
    let Some((section, typed)) = &app.renaming else {
        return;
    };
    let named = super::name_dialog::show(ctx, "Rename group", None, "Rename", typed);
    out.extend(named.typed.map(Command::TypeRename));
    let section = *section;
    out.extend(
        named
            .finished
            .map(|name| Command::FinishRename(name.map(|n| (section, n)))),
    );
}
