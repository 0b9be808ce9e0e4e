//! The status bar: scan progress (files, rate, time left) with Cancel, the size of
//! the library, and the problems count that opens the problems panel.

use crate::app::{Command, PhotoAtlasApp};
use photo_atlas_core::jobs::ScanStage;
use photo_atlas_core::tasks::ScanTask;

use super::{count_label, thousands};

/// The right side (Settings, problems, Size, Open folder) is laid out first, and
/// the rest in the width it leaves: what is running first (a scan, the features,
/// an export, the selection, a message), then what the library is, cut short to
/// fit (all of it on hover). Laid out the other way round, a long folder path
/// with the features' progress pushed their Stop button under Open folder.
pub fn show(app: &PhotoAtlasApp, ctx: &egui::Context, out: &mut Vec<Command>) {
    egui::TopBottomPanel::bottom("status")
        .min_height(30.0)
        .show(ctx, |ui| {
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                right_side(app, ui, out);
                let left = egui::Layout::left_to_right(egui::Align::Center);
                ui.with_layout(left, |ui| left_side(app, ui, out));
            });
        });
}

fn left_side(app: &PhotoAtlasApp, ui: &mut egui::Ui, out: &mut Vec<Command>) {
    if let Some(job) = &app.scan {
        scan_progress(ui, job, out);
    }
    preparing(app, ui, out);
    super::albums::selection_bar(app, ui, out);
    if let Some(message) = &app.message {
        // One line here (an error may carry a backtrace); all of it on hover.
        let first = message.lines().next().unwrap_or_default();
        let text = egui::RichText::new(first).color(ui.visuals().warn_fg_color);
        ui.add(egui::Label::new(text).truncate())
            .on_hover_text(message);
    }
    if app.scan.is_none() {
        library_line(app, ui);
    }
}

/// "101 photos  /path  Scanned in 2.8 s: …  101 photos ready for Content", as
/// much of it as fits.
fn library_line(app: &PhotoAtlasApp, ui: &mut egui::Ui) {
    let strong = ui.visuals().text_color();
    let weak = ui.visuals().weak_text_color();
    let font = egui::TextStyle::Body.resolve(ui.style());
    let mut line = egui::text::LayoutJob::default();
    let mut part = |text: &str, color: egui::Color32| {
        if !line.is_empty() {
            line.append("   ", 0.0, egui::TextFormat::simple(font.clone(), weak));
        }
        line.append(text, 0.0, egui::TextFormat::simple(font.clone(), color));
    };
    if let Some(snap) = &app.snapshot {
        part(&count_label(snap.photos.len(), "photo"), strong);
        part(&snap.folder, weak);
    }
    if let Some(last) = &app.last_scan {
        part(last, weak);
    }
    if let (None, Some(done)) = (&app.features, &app.prepared) {
        part(done, weak);
    }
    if line.is_empty() {
        return;
    }
    let full = line.text.clone();
    ui.add(egui::Label::new(line).truncate())
        .on_hover_text(full);
}

/// The background features: how far, and Stop (they start again after the next scan).
fn preparing(app: &PhotoAtlasApp, ui: &mut egui::Ui, out: &mut Vec<Command>) {
    let Some(task) = &app.features else {
        return;
    };
    let p = task.progress();
    if p.total() == 0 {
        return; // checking what is missing, or nothing is
    }
    let fraction = p.done() as f32 / p.total() as f32;
    let text = format!(
        "Preparing Content: {} / {}",
        thousands(p.done()),
        thousands(p.total())
    );
    ui.add(super::labelled_progress(ui, fraction, text))
        .on_hover_text("Features of the new photos, computed at a low priority so that Content and searches such as \"dog\" find them ready");
    if ui.small_button("Stop").clicked() {
        out.push(Command::StopPreparing);
    }
}

fn scan_progress(ui: &mut egui::Ui, job: &ScanTask, commands: &mut Vec<Command>) {
    let p = job.progress();
    let (done, total) = (p.done(), p.total());
    let (done, total) = (thousands(done), thousands(total));
    let text = match (p.stage::<ScanStage>(), job.rate_and_eta()) {
        (ScanStage::Walking, _) => format!("Looking for photos… {done} found"),
        (_, Some((rate, eta))) => {
            format!(
                "{done} / {total} · {rate:.0} files/s · {} left",
                format_duration(eta.as_secs())
            )
        }
        (stage, None) => format!("{} · {done} / {total}", stage.describe()),
    };
    let fraction = match p.total() {
        0 => 0.0,
        total => p.done() as f32 / total as f32,
    };
    ui.add(super::labelled_progress(ui, fraction, text));
    if ui
        .button("Cancel")
        .on_hover_text("Stop the scan; what is read is kept")
        .clicked()
    {
        commands.push(Command::CancelScan);
    }
}

fn right_side(app: &PhotoAtlasApp, ui: &mut egui::Ui, out: &mut Vec<Command>) {
    let settings = ui.selectable_label(app.show_settings, "Settings");
    if settings.clicked() {
        let show = crate::app::SettingsCommand::Show(!app.show_settings);
        out.push(Command::Settings(show));
    }
    let problems = app.snapshot.as_ref().map_or(0, |s| s.all_problems().len());
    if problems > 0 {
        let label = format!("⚠ {}", count_label(problems, "problem"));
        if ui.selectable_label(app.show_problems, label).clicked() {
            out.push(Command::ToggleProblems);
        }
    }
    if app.folder.is_some() && app.viewer.is_none() {
        let mut size = app.thumb_size;
        let slider = egui::Slider::new(&mut size, 64.0..=320.0)
            .show_value(false)
            .text("Size");
        if ui.add(slider).changed() {
            out.push(Command::SetThumbSize(size));
        }
        if ui.button("Open folder…").clicked() {
            out.push(Command::PickFolder);
        }
    }
}

/// "0:42", "1:05:00".
pub fn format_duration(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}
