//! The viewer: one photo large (upright, fit to the window, zoom with the wheel,
//! pan by dragging, double-click to fit), its details, and keyboard navigation
//! (← →, Esc).

use egui::{Color32, Rect, Sense, pos2};

use crate::app::{Command, PhotoAtlasApp, TextureCache, ThumbSlot, Viewer};
use photo_atlas_core::metadata::DateSource;
use photo_atlas_core::photo::PhotoRecord;
use photo_atlas_core::tasks::ImageSource;

/// Longest side of the picture the viewer loads.
const VIEW_SIZE: u32 = 2560;

pub fn show(
    app: &PhotoAtlasApp,
    textures: &mut TextureCache,
    ctx: &egui::Context,
    out: &mut Vec<Command>,
) {
    let Some(snap) = &app.snapshot else { return };
    let Some(viewer) = &app.viewer else {
        return;
    };
    let Some(photo) = snap.photos.get(viewer.index) else {
        return;
    };
    keyboard(ctx, out);
    top_bar(ctx, photo, viewer.index, snap.photos.len(), out);
    let place = snap
        .place_of(viewer.index)
        .map(|(info, inferred)| (info.name.clone(), inferred));
    details(ctx, photo, place, out);
    let key = format!(
        "view:{}:{}:{}",
        photo.path.display(),
        photo.size,
        photo.mtime_ns
    );
    let image = if photo.kind.is_decodable() {
        let source = || ImageSource::Photo {
            path: photo.path.clone(),
            kind: photo.kind,
            orientation: photo.orientation,
            max_side: VIEW_SIZE,
        };
        textures.get(&key, source)
    } else {
        let why = photo
            .kind
            .why_not_decodable()
            .unwrap_or("It cannot be shown.");
        ThumbSlot::Failed(format!("{why}."))
    };
    let frame = egui::Frame::NONE.fill(Color32::from_gray(18));
    egui::CentralPanel::default()
        .frame(frame)
        .show(ctx, |ui| picture(ui, viewer, image, out));
}

fn keyboard(ctx: &egui::Context, commands: &mut Vec<Command>) {
    ctx.input(|i| {
        if i.key_pressed(egui::Key::ArrowRight) {
            commands.push(Command::StepPhoto(1));
        }
        if i.key_pressed(egui::Key::ArrowLeft) {
            commands.push(Command::StepPhoto(-1));
        }
        if i.key_pressed(egui::Key::Escape) {
            commands.push(Command::ClosePhoto);
        }
    });
}

fn top_bar(
    ctx: &egui::Context,
    photo: &PhotoRecord,
    index: usize,
    count: usize,
    commands: &mut Vec<Command>,
) {
    egui::TopBottomPanel::top("viewer-bar").show(ctx, |ui| {
        ui.horizontal(|ui| {
            if ui
                .button("‹ Back")
                .on_hover_text("Back to the grid (Esc)")
                .clicked()
            {
                commands.push(Command::ClosePhoto);
            }
            ui.add_enabled_ui(index > 0, |ui| {
                if ui.button("‹ Previous").on_hover_text("←").clicked() {
                    commands.push(Command::StepPhoto(-1));
                }
            });
            ui.add_enabled_ui(index + 1 < count, |ui| {
                if ui.button("Next ›").on_hover_text("→").clicked() {
                    commands.push(Command::StepPhoto(1));
                }
            });
            ui.strong(photo.file_name());
            ui.label(egui::RichText::new(format!("{} of {count}", index + 1)).weak());
        });
    });
}

fn details(
    ctx: &egui::Context,
    photo: &PhotoRecord,
    place: Option<(String, bool)>,
    commands: &mut Vec<Command>,
) {
    egui::SidePanel::right("details")
        .resizable(true)
        .min_width(300.0)
        .show(ctx, |ui| {
            ui.add_space(6.0);
            ui.heading("Details");
            egui::Grid::new("details-grid")
                .num_columns(2)
                .spacing([12.0, 6.0])
                .show(ui, |ui| {
                    for (name, value) in detail_rows(photo, place) {
                        ui.label(egui::RichText::new(name).weak());
                        ui.add(egui::Label::new(value).wrap());
                        ui.end_row();
                    }
                });
            ui.add_space(12.0);
            if ui.button("Open in default app").clicked() {
                commands.push(Command::OpenExternally(photo.path.clone()));
            }
            if ui.button("Show in folder").clicked() {
                commands.push(Command::ShowInFolder(photo.path.clone()));
            }
            if ui
                .button("Find similar")
                .on_hover_text("Photos that look like this one, from what Content learned")
                .clicked()
            {
                commands.push(Command::FindSimilar(photo.path.clone()));
            }
        });
}

fn detail_rows(photo: &PhotoRecord, place: Option<(String, bool)>) -> Vec<(&'static str, String)> {
    let mut rows = vec![("File", photo.file_name().to_string())];
    if let Some(t) = photo.taken {
        let when = t.at.local.format("%A %-d %B %Y, %H:%M:%S").to_string();
        let offset =
            t.at.offset
                .map(|o| format!(" (UTC{o})"))
                .unwrap_or_default();
        let source = match t.source {
            DateSource::Exif => "from the camera (EXIF)",
            DateSource::ExifDigitized => "from the EXIF digitized date",
            DateSource::Filename => "from the file name",
            DateSource::FileModified => "from the file's modification time",
        };
        rows.push(("Taken", format!("{when}{offset}\n{source}")));
    }
    let camera = [photo.make.as_deref(), photo.model.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    if !camera.is_empty() {
        rows.push(("Camera", camera));
    }
    if let (Some(w), Some(h)) = (photo.width, photo.height) {
        rows.push((
            "Size",
            format!(
                "{w} × {h} pixels ({:.1} MP)",
                f64::from(w) * f64::from(h) / 1e6
            ),
        ));
    }
    match (photo.gps, place) {
        (Some(g), place) => {
            let alt = g.alt.map(|a| format!(", {a:.0} m")).unwrap_or_default();
            let name = place.map(|(n, _)| format!("{n}\n")).unwrap_or_default();
            rows.push(("Location", format!("{name}{:.6}, {:.6}{alt}", g.lat, g.lon)));
        }
        (None, Some((name, true))) => rows.push((
            "Location",
            format!("{name} (inferred: the same camera took a located photo there minutes apart; the file has no GPS)"),
        )),
        (None, _) => rows.push(("Location", "none in the file".into())),
    }
    rows.push(("Path", photo.path_text().into_owned()));
    if let Some(e) = &photo.error {
        rows.push(("Problem", e.clone()));
    }
    rows
}

fn picture(ui: &mut egui::Ui, viewer: &Viewer, image: ThumbSlot, out: &mut Vec<Command>) {
    let area = ui.max_rect();
    let response = ui.allocate_rect(area, Sense::click_and_drag());
    match image {
        ThumbSlot::Ready(texture) => {
            // Drawn at once with the new zoom; the state takes it when the frame's commands are applied.
            let (zoom, pan) = zoom_and_pan(ui, &response, viewer, area);
            if (zoom, pan) != (viewer.zoom, viewer.pan) {
                out.push(Command::ZoomViewer { zoom, pan });
            }
            let size = texture.size_vec2();
            // Fit the window, but never blow a small picture up past 100 %.
            let one_to_one = 1.0 / ui.ctx().pixels_per_point();
            let fit = (area.width() / size.x)
                .min(area.height() / size.y)
                .min(one_to_one);
            let rect = Rect::from_center_size(area.center() + pan, size * fit * zoom);
            let uv = Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0));
            ui.painter()
                .with_clip_rect(area)
                .image(texture.id(), rect, uv, Color32::WHITE);
        }
        ThumbSlot::Loading | ThumbSlot::Missing => {
            ui.put(
                Rect::from_center_size(area.center(), egui::vec2(40.0, 40.0)),
                egui::Spinner::new().size(32.0),
            );
        }
        ThumbSlot::Failed(reason) => {
            let color = Color32::from_gray(200);
            ui.painter().text(
                area.center(),
                egui::Align2::CENTER_CENTER,
                &reason,
                egui::FontId::proportional(16.0),
                color,
            );
        }
    }
}

/// The zoom and pan after this frame's double-click, drag and wheel.
fn zoom_and_pan(
    ui: &egui::Ui,
    response: &egui::Response,
    viewer: &Viewer,
    area: Rect,
) -> (f32, egui::Vec2) {
    let (mut zoom, mut pan) = (viewer.zoom, viewer.pan);
    if response.double_clicked() {
        zoom = 1.0;
        pan = egui::Vec2::ZERO;
    }
    if response.dragged() {
        pan += response.drag_delta();
    }
    if response.hovered() {
        let scroll = ui.input(|i| i.smooth_scroll_delta.y);
        if scroll != 0.0 {
            let factor = (scroll / 200.0).exp();
            let new_zoom = (zoom * factor).clamp(1.0, 16.0);
            // Zoom about the pointer: keep the point under it fixed.
            if let Some(pointer) = response.hover_pos() {
                let from_center = pointer - area.center() - pan;
                pan -= from_center * (new_zoom / zoom - 1.0);
            }
            zoom = new_zoom;
            if zoom == 1.0 {
                pan = egui::Vec2::ZERO;
            }
        }
    }
    (zoom, pan)
}
