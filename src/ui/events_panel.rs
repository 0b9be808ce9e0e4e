//! The panel above the Events view: where home is (inferred from the photos or
//! chosen), a menu to choose home among the folder's places (or to infer it again),
//! and a card per trip (its cover photo, the places it went to on a small map, its
//! name), which scrolls the grid to the trip's days.

use egui::{Color32, Rect, Sense, pos2, vec2};

use crate::app::{AlbumCommand, Command, PhotoAtlasApp, TextureCache, ThumbSlot};
use photo_atlas_core::store::SavedHome;
use photo_atlas_core::tasks::{FolderSnapshot, TripOutline};

const CARD_WIDTH: f32 = 200.0;

pub fn show(
    app: &PhotoAtlasApp,
    textures: &mut TextureCache,
    ui: &mut egui::Ui,
    out: &mut Vec<Command>,
) {
    let Some(snap) = &app.snapshot else { return };
    let frame = egui::Frame::group(ui.style()).inner_margin(10.0);
    frame.show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.horizontal_wrapped(|ui| {
            let trips = super::count_label(snap.trips.len(), "trip");
            match &snap.home {
                Some(h) => {
                    let how = if h.inferred {
                        "inferred from the photos"
                    } else {
                        "chosen"
                    };
                    ui.label(format!(
                        "Home: {} ({how}). {trips} away from it (beyond {:.0} km).",
                        h.name, h.away_km
                    ));
                }
                None => {
                    ui.label(format!(
                        "Home: not known (no place stands out), so every located photo counts as travel: {trips}."
                    ));
                }
            }
            home_menu(app, ui, out);
        });
        if !snap.trips.is_empty() {
            ui.add_space(6.0);
            egui::ScrollArea::horizontal()
                .id_salt("trip-cards")
                .show(ui, |ui| {
                    ui.horizontal(|ui| {
                        for trip in &snap.trips {
                            trip_card(app, snap, trip, textures, ui, out);
                        }
                    });
                });
        }
    });
    ui.add_space(6.0);
}

/// A trip's cover, map and name; a click goes to its days.
fn trip_card(
    app: &PhotoAtlasApp,
    snap: &FolderSnapshot,
    trip: &TripOutline,
    textures: &mut TextureCache,
    ui: &mut egui::Ui,
    out: &mut Vec<Command>,
) {
    ui.vertical(|ui| {
        ui.set_width(CARD_WIDTH);
        let (rect, cover) = ui.allocate_exact_size(vec2(CARD_WIDTH, 120.0), Sense::click());
        let photo = &snap.photos[trip.cover];
        let slot = super::grid::thumbnail_slot(textures, &app.thumbnail_files, photo);
        paint_cover(ui, rect, &slot);
        let map = super::world_map::mini_map(ui, vec2(CARD_WIDTH, 70.0), &trip.spots);
        let name = ui.add(
            egui::Label::new(egui::RichText::new(&trip.label).strong())
                .wrap()
                .sense(Sense::click()),
        );
        ui.label(egui::RichText::new(super::count_label(trip.photos, "photo")).weak());
        if let Some(clock) = &trip.local_time {
            ui.label(egui::RichText::new(clock).weak());
        }
        if ui.small_button("Select the trip").clicked() {
            let days = trip.first_section..trip.first_section + trip.sections;
            let photos = snap.by_event.get(days).unwrap_or_default();
            out.push(Command::Album(AlbumCommand::SelectGroup {
                photos: photos
                    .iter()
                    .flat_map(|d| d.photos.iter().copied())
                    .collect(),
                label: trip.label.clone(),
            }));
        }
        if cover.clicked() || map.clicked() || name.clicked() {
            out.push(Command::ScrollToSection(trip.first_section));
        }
    });
    ui.add_space(8.0);
}

/// The cover photo filling its rectangle (cropped to it), or a blank while it loads.
fn paint_cover(ui: &egui::Ui, rect: Rect, slot: &ThumbSlot) {
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 6.0, ui.visuals().faint_bg_color.gamma_multiply(2.0));
    if let ThumbSlot::Ready(texture) = slot {
        let size = texture.size_vec2();
        let scale = (rect.width() / size.x).max(rect.height() / size.y);
        let shown = vec2(
            rect.width() / (size.x * scale),
            rect.height() / (size.y * scale),
        );
        let uv = Rect::from_center_size(pos2(0.5, 0.5), shown);
        painter.image(texture.id(), rect, uv, Color32::WHITE);
    }
}

fn home_menu(app: &PhotoAtlasApp, ui: &mut egui::Ui, out: &mut Vec<Command>) {
    let Some(snap) = &app.snapshot else { return };
    ui.menu_button("Change home", |ui| {
        if ui.button("Infer it from the photos").clicked() {
            out.push(Command::SetHome(None));
            ui.close();
        }
        ui.separator();
        egui::ScrollArea::vertical()
            .max_height(300.0)
            .show(ui, |ui| {
                for place in snap.places.iter().take(50) {
                    if ui.button(&place.info.name).clicked() {
                        out.push(Command::SetHome(Some(SavedHome {
                            lat: place.info.lat,
                            lon: place.info.lon,
                            name: place.info.name.clone(),
                        })));
                        ui.close();
                    }
                }
            });
    });
}
