//! The panel above the Events view: where home is (inferred from the photos or
//! chosen), how many trips were found away from it, and a menu to choose home
//! among the folder's places (or to infer it again).

use crate::app::{Command, PhotoAtlasApp};
use photo_atlas_core::store::SavedHome;

pub fn show(app: &PhotoAtlasApp, ui: &mut egui::Ui, out: &mut Vec<Command>) {
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
    });
    ui.add_space(6.0);
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
