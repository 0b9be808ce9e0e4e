//! The sidebar: the search box, the ways to browse (All photos, Dates, Events,
//! Places, Content), and the groups of the current way, which scroll the grid.

use crate::app::{Command, PhotoAtlasApp, ViewMode};
use photo_atlas_core::grouping::GroupLevel;
use photo_atlas_core::tasks::{EventRow, IndexedGroup};

use super::count_label;

pub fn show(app: &PhotoAtlasApp, ctx: &egui::Context, out: &mut Vec<Command>) {
    egui::SidePanel::left("sidebar")
        .resizable(true)
        .default_width(230.0)
        .show(ctx, |ui| {
            ui.add_space(6.0);
            if let Some(folder) = &app.folder {
                let name = folder.file_name().map_or_else(
                    || folder.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                ui.heading(name);
            }
            search_box(app, ui, out);
            ui.add_space(6.0);
            for mode in ViewMode::ALL {
                let text = egui::RichText::new(mode.label()).size(15.0);
                if ui.selectable_label(app.view == mode, text).clicked() {
                    out.push(Command::SetView(mode));
                }
            }
            ui.separator();
            let Some(snap) = &app.snapshot else { return };
            match app.view {
                ViewMode::All => {
                    ui.label(egui::RichText::new(count_label(snap.photos.len(), "photo")).weak());
                }
                ViewMode::Dates => {
                    egui::ScrollArea::vertical()
                        .auto_shrink([false, false])
                        .show(ui, |ui| date_tree(ui, &snap.by_date, out));
                }
                ViewMode::Duplicates => {
                    if let Some(sections) = &app.duplicates.sections {
                        egui::ScrollArea::vertical()
                            .auto_shrink([false, false])
                            .show(ui, |ui| {
                                for (i, g) in sections.iter().enumerate() {
                                    group_link(ui, g, i, out);
                                }
                            });
                    }
                }
                ViewMode::Albums => {
                    for (i, album) in snap.albums.iter().enumerate() {
                        group_link(ui, &album.group, i, out);
                    }
                }
                ViewMode::Search => {
                    let count = app.search.section.first().map_or(0, |g| g.photos.len());
                    ui.label(egui::RichText::new(count_label(count, "photo")).weak());
                }
                ViewMode::Similar => {
                    let count = app.similar.section.first().map_or(0, |g| g.photos.len());
                    ui.label(egui::RichText::new(count_label(count, "similar photo")).weak());
                }
                ViewMode::Content => {
                    egui::ScrollArea::vertical()
                        .auto_shrink([false, false])
                        .show(ui, |ui| super::clusters::sidebar_list(ui, snap, out));
                }
                ViewMode::Places => {
                    egui::ScrollArea::vertical()
                        .auto_shrink([false, false])
                        .show(ui, |ui| place_tree(ui, snap, out));
                }
                ViewMode::Events => {
                    // Only the rows on screen are laid out: a library can hold thousands of
                    // events. A trip is one row, folding open onto its days.
                    let row_height = ui.spacing().interact_size.y;
                    egui::ScrollArea::vertical()
                        .auto_shrink([false, false])
                        .show_rows(ui, row_height, snap.event_rows.len(), |ui, rows| {
                            for r in rows {
                                event_row(ui, snap, snap.event_rows[r], out);
                            }
                        });
                }
            }
        });
}

/// The search box: every change of its text is a query.
fn search_box(app: &PhotoAtlasApp, ui: &mut egui::Ui, out: &mut Vec<Command>) {
    let mut text = app.search.text.clone();
    let edit = egui::TextEdit::singleline(&mut text)
        .hint_text("Search: dog, beach, 2023, Paris…")
        .desired_width(f32::INFINITY);
    let response = ui.add(edit);
    let reopened = response.gained_focus() && app.view != ViewMode::Search && !text.is_empty();
    if response.changed() || reopened {
        out.push(Command::Search(text));
    }
}

fn event_row(
    ui: &mut egui::Ui,
    snap: &photo_atlas_core::tasks::FolderSnapshot,
    row: EventRow,
    out: &mut Vec<Command>,
) {
    match row {
        EventRow::Event(i) => group_link(ui, &snap.by_event[i], i, out),
        EventRow::Trip(t) => {
            let trip = &snap.trips[t];
            let header = format!("✈ {}  ·  {}", trip.label, trip.photos);
            let days = trip.first_section..trip.first_section + trip.sections;
            let response = egui::CollapsingHeader::new(header)
                .id_salt(("trip", t))
                .show(ui, |ui| {
                    for i in days {
                        group_link(ui, &snap.by_event[i], i, out);
                    }
                });
            if response.header_response.clicked() {
                out.push(Command::ScrollToSection(trip.first_section));
            }
        }
    }
}

fn group_link(
    ui: &mut egui::Ui,
    group: &IndexedGroup,
    section: usize,
    commands: &mut Vec<Command>,
) {
    let text = format!("{}  ·  {}", group.label, group.photos.len());
    if ui.selectable_label(false, text).clicked() {
        commands.push(Command::ScrollToSection(section));
    }
}

/// Years and months fold open; days (and "No date") scroll the grid to their section.
fn date_tree(ui: &mut egui::Ui, groups: &[IndexedGroup], commands: &mut Vec<Command>) {
    let mut section = 0;
    let mut i = 0;
    while i < groups.len() {
        let year = &groups[i];
        let end = (i + 1..groups.len())
            .find(|&j| matches!(groups[j].level, GroupLevel::Year | GroupLevel::Undated))
            .unwrap_or(groups.len());
        if year.level == GroupLevel::Undated {
            group_link(ui, year, section, commands);
            section += 1;
            i += 1;
            continue;
        }
        let header = format!("{}  ·  {}", year.label, year.photos.len());
        let days_in_year = groups[i + 1..end]
            .iter()
            .filter(|g| g.level == GroupLevel::Day)
            .count();
        egui::CollapsingHeader::new(header)
            .id_salt(&year.key)
            .show(ui, |ui| {
                months(ui, &groups[i + 1..end], section, commands);
            });
        section += days_in_year;
        i = end;
    }
}

fn months(
    ui: &mut egui::Ui,
    groups: &[IndexedGroup],
    first_section: usize,
    commands: &mut Vec<Command>,
) {
    let mut section = first_section;
    let mut i = 0;
    while i < groups.len() {
        let month = &groups[i];
        let end = (i + 1..groups.len())
            .find(|&j| groups[j].level == GroupLevel::Month)
            .unwrap_or(groups.len());
        let header = format!("{}  ·  {}", month.label, month.photos.len());
        egui::CollapsingHeader::new(header)
            .id_salt(&month.key)
            .show(ui, |ui| {
                for (offset, day) in groups[i + 1..end].iter().enumerate() {
                    group_link(ui, day, section + offset, commands);
                }
            });
        section += end - i - 1;
        i = end;
    }
}

/// Countries fold open onto their places (open at first when there are few); "No location" last.
fn place_tree(
    ui: &mut egui::Ui,
    snap: &photo_atlas_core::tasks::FolderSnapshot,
    commands: &mut Vec<Command>,
) {
    let open = snap.places.len() <= 30;
    for country in &snap.countries {
        egui::CollapsingHeader::new(format!("{}  ·  {}", country.name, country.photos))
            .default_open(open)
            .show(ui, |ui| {
                for &i in &country.places {
                    group_link(ui, &snap.places[i].group, i, commands);
                }
            });
    }
    if let Some(none) = &snap.no_location {
        group_link(ui, none, snap.places.len(), commands);
    }
}
