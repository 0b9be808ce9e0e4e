//! The thumbnail grid: sections (days, events) with headers, virtualised so that
//! only the rows on screen are laid out and drawn, whatever the library's size.

use egui::{Color32, CornerRadius, Rect, Sense, Stroke, Vec2, WidgetInfo, WidgetType, pos2, vec2};

use crate::app::{AlbumCommand, Command, PhotoAtlasApp, TextureCache, ThumbSlot, sections_of};
use photo_atlas_core::photo::{PhotoRecord, ThumbStatus};
use photo_atlas_core::tasks::ImageSource;

const GAP: f32 = 6.0;
const HEADER_HEIGHT: f32 = 40.0;
/// Space between sections that share a row: the photos' own gap, so that shared
/// rows keep the columns of the rows around them (each section has its header).
const PACK_GAP: f32 = GAP;

/// Where one section sits: its header's top-left corner (from the top-left of the
/// content), how many photos a row of it holds and how many rows it has.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Slot {
    pub top: f32,
    pub left: f32,
    pub columns: usize,
    pub rows: usize,
    /// Room for its header before the next section on the same row (or the edge).
    pub header_width: f32,
}

/// Where every section sits, for a given width and thumbnail size.
#[derive(Clone, Debug, PartialEq)]
pub struct GridLayout {
    pub columns: usize,
    pub cell: f32,
    pub slots: Vec<Slot>,
    pub total_height: f32,
}

impl GridLayout {
    /// Sections one under the other; with `flow`, sections of no more than a row
    /// (days with a few photos) share rows, as in a timeline.
    pub fn compute(section_sizes: &[usize], width: f32, thumb: f32, flow: bool) -> Self {
        let columns = (((width + GAP) / (thumb + GAP)).floor() as usize).max(1);
        let cell = ((width + GAP) / columns as f32 - GAP).max(16.0);
        let row_h = cell + GAP;
        let line_height = HEADER_HEIGHT + row_h;
        let (mut y, mut line) = (0.0, None::<(f32, f32)>);
        let mut slots = Vec::with_capacity(section_sizes.len());
        for &n in section_sizes {
            let slot = |top, left, columns, rows| Slot {
                top,
                left,
                columns,
                rows,
                header_width: width - left,
            };
            if flow && (1..=columns).contains(&n) {
                let w = n as f32 * row_h - GAP;
                let (top, left) = match line {
                    Some((top, x)) if x + w <= width + 0.5 => (top, x),
                    Some(_) => (y + line_height, 0.0),
                    None => (y, 0.0),
                };
                y = top;
                slots.push(slot(top, left, n, 1));
                line = Some((top, left + w + PACK_GAP));
                continue;
            }
            if line.take().is_some() {
                y += line_height;
            }
            let rows = n.div_ceil(columns);
            slots.push(slot(y, 0.0, columns, rows));
            y += HEADER_HEIGHT + rows as f32 * row_h;
        }
        if line.is_some() {
            y += line_height;
        }
        share_header_room(&mut slots);
        Self {
            columns,
            cell,
            slots,
            total_height: y,
        }
    }

    pub fn row_height(&self) -> f32 {
        self.cell + GAP
    }

    /// The bottom of section `s`.
    fn bottom(&self, s: usize) -> f32 {
        let slot = &self.slots[s];
        slot.top + HEADER_HEIGHT + slot.rows as f32 * self.row_height()
    }
}

/// A header may run on to where the next section on its row begins.
fn share_header_room(slots: &mut [Slot]) {
    for i in 1..slots.len() {
        let (before, after) = slots.split_at_mut(i);
        let (prev, next) = (&mut before[i - 1], &after[0]);
        if next.top == prev.top {
            prev.header_width = next.left - PACK_GAP - prev.left;
        }
    }
}

pub fn show(
    app: &PhotoAtlasApp,
    textures: &mut TextureCache,
    ui: &mut egui::Ui,
    commands: &mut Vec<Command>,
) {
    let PhotoAtlasApp {
        snapshot,
        all_photos,
        view,
        thumbnail_files,
        scroll_to,
        thumb_size,
        scan,
        similar,
        duplicates,
        search,
        selection,
        cursor,
        reveal,
        load_failed,
        ..
    } = app;
    let Some(snap) = snapshot.as_ref() else {
        if *load_failed {
            ui.centered_and_justified(|ui| {
                ui.label("Nothing to show: this folder could not be read.")
            });
        } else {
            ui.centered_and_justified(|ui| ui.add(egui::Spinner::new().size(32.0)));
        }
        return;
    };
    let nothing_yet = match *view {
        crate::app::ViewMode::Content => snap.content.is_empty(),
        crate::app::ViewMode::Similar => similar.section.is_empty(),
        crate::app::ViewMode::Search => search.section.first().is_none_or(|g| g.photos.is_empty()),
        crate::app::ViewMode::Duplicates => duplicates.sections.as_ref().is_none_or(Vec::is_empty),
        _ => false,
    };
    if snap.photos.is_empty() || nothing_yet {
        if !snap.photos.is_empty() {
            return; // the panel above explains what to do
        }
        let text = if scan.is_some() {
            "Looking for photos…"
        } else {
            "No photos were found in this folder."
        };
        ui.centered_and_justified(|ui| ui.label(egui::RichText::new(text).size(18.0).weak()));
        return;
    }
    let no_sets = Vec::new();
    let sets = duplicates.sections.as_ref().unwrap_or(&no_sets);
    let sections = sections_of(
        snap,
        all_photos,
        &similar.section,
        sets,
        &search.section,
        *view,
    );
    let places_view = *view == crate::app::ViewMode::Places;
    if places_view && !snap.places.is_empty() {
        let height = (ui.available_height() * 0.35).clamp(140.0, 300.0);
        super::world_map::show(ui, snap, height, commands);
        ui.add_space(4.0);
    }
    let sizes: Vec<usize> = sections.iter().map(|s| s.photos.len()).collect();
    let width = ui.available_width() - ui.spacing().scroll.bar_width - 4.0;
    let flow = matches!(
        *view,
        crate::app::ViewMode::Dates | crate::app::ViewMode::Events
    );
    let layout = GridLayout::compute(&sizes, width, *thumb_size, flow);
    selection_keys(ui, !selection.photos.is_empty(), commands);
    cursor_keys(ui, layout.columns, commands);
    let mut area = egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .id_salt(("grid", *view));
    if let Some(i) = *scroll_to {
        area = area.vertical_scroll_offset(layout.slots.get(i).map_or(0.0, |s| s.top));
    }
    area.show_viewport(ui, |ui, viewport| {
        ui.set_height(layout.total_height);
        let origin = ui.max_rect().min;
        if let Some(rect) = reveal.and_then(|i| cell_rect(&sections, &layout, i)) {
            ui.scroll_to_rect(rect.translate(origin.to_vec2()), None);
        }
        for (s, section) in sections.iter().enumerate() {
            let slot = layout.slots[s];
            if layout.bottom(s) < viewport.min.y || slot.top > viewport.max.y {
                continue;
            }
            let corner = origin + vec2(slot.left, slot.top);
            if draw_header(ui, corner, slot.header_width, section) {
                commands.push(Command::Album(AlbumCommand::SelectGroup {
                    photos: section.photos.clone(),
                    label: section.label.clone(),
                }));
            }
            let rows_top = slot.top + HEADER_HEIGHT;
            let row_h = layout.row_height();
            let first = ((viewport.min.y - rows_top) / row_h).floor().max(0.0) as usize;
            let last = ((viewport.max.y - rows_top) / row_h).ceil().max(0.0) as usize;
            for row in first..=last.min(slot.rows) {
                for col in 0..slot.columns {
                    let Some(&index) = section.photos.get(row * slot.columns + col) else {
                        break;
                    };
                    let x = slot.left + col as f32 * row_h;
                    let min = origin + vec2(x, rows_top + row as f32 * row_h);
                    let rect = Rect::from_min_size(min, Vec2::splat(layout.cell));
                    let photo = &snap.photos[index];
                    let slot = thumbnail_slot(textures, thumbnail_files, photo);
                    let badge = if places_view
                        && snap.place_of(index).is_some_and(|(_, inferred)| inferred)
                    {
                        Some("≈ inferred place".to_string())
                    } else if *view == crate::app::ViewMode::Similar {
                        similar.scores.get(&index).map(|&(score, dup)| {
                            if dup {
                                format!("near-duplicate · {score:.2}")
                            } else {
                                format!("{score:.2}")
                            }
                        })
                    } else {
                        None
                    };
                    let cell = Cell {
                        rect,
                        index,
                        selected: selection.photos.contains(&index),
                        under_cursor: *cursor == Some(index),
                        badge: badge.as_deref(),
                    };
                    if draw_thumbnail(ui, &cell, photo, &slot) {
                        commands.push(click_command(ui, index));
                    }
                }
            }
        }
        if flow {
            scroll_marker(ui, snap, &sections, &layout, viewport);
        }
    });
}

/// In a long timeline, the month and year at the top of the view, beside the
/// scroll bar where its handle is ("September 2023").
fn scroll_marker(
    ui: &egui::Ui,
    snap: &photo_atlas_core::tasks::FolderSnapshot,
    sections: &[&photo_atlas_core::tasks::IndexedGroup],
    layout: &GridLayout,
    viewport: Rect,
) {
    if layout.total_height < 3.0 * viewport.height() {
        return;
    }
    let top = (0..sections.len()).find(|&s| layout.bottom(s) > viewport.min.y);
    let first_photo = top.and_then(|s| sections[s].photos.first());
    let Some(taken) = first_photo.and_then(|&i| snap.photos[i].taken) else {
        return;
    };
    let text = taken.at.local.format("%B %Y").to_string();
    let clip = ui.clip_rect();
    let scrolled = viewport.min.y / (layout.total_height - viewport.height()).max(1.0);
    let y = clip.top() + 8.0 + scrolled.clamp(0.0, 1.0) * (clip.height() - 40.0);
    let painter = ui.painter();
    let galley = painter.layout_no_wrap(text, egui::FontId::proportional(13.0), Color32::WHITE);
    let at = pos2(clip.right() - 14.0 - galley.size().x, y);
    let back = Rect::from_min_size(at - vec2(8.0, 4.0), galley.size() + vec2(16.0, 8.0));
    painter.rect_filled(back, 10.0, super::theme::ACCENT);
    painter.galley(at, galley, Color32::WHITE);
}

pub(super) fn thumbnail_slot(
    textures: &mut TextureCache,
    files: &photo_atlas_core::imaging::ThumbnailCache,
    photo: &PhotoRecord,
) -> ThumbSlot {
    if photo.thumb != ThumbStatus::Ok {
        return ThumbSlot::Missing;
    }
    let file = files.path_for(&photo.path, photo.size, photo.mtime_ns);
    let key = file.to_string_lossy().into_owned();
    textures.get(&key, || ImageSource::Thumbnail(file))
}

/// A section's name and count, shortened to the room it has ("Fri 1 Sep 2023"); a
/// click on it selects the whole group. Returns whether it was clicked.
fn draw_header(
    ui: &mut egui::Ui,
    at: egui::Pos2,
    room: f32,
    section: &photo_atlas_core::tasks::IndexedGroup,
) -> bool {
    let rect = Rect::from_min_size(at, vec2(room.max(16.0), HEADER_HEIGHT));
    let response = ui.interact(
        rect,
        ui.id().with(("header", at.x as i32, at.y as i32)),
        Sense::click(),
    );
    let label = &section.label;
    response
        .widget_info(|| WidgetInfo::labeled(WidgetType::Button, true, format!("Select {label}")));
    let count = super::count_label(section.photos.len(), "photo");
    let painter = ui.painter();
    let text_color = ui.visuals().strong_text_color();
    let count_galley = painter.layout_no_wrap(
        count.clone(),
        egui::FontId::proportional(13.0),
        ui.visuals().weak_text_color(),
    );
    let count_width = 12.0 + count_galley.size().x;
    let galley = fitted_label(painter, label, room, count_width, text_color);
    let show_count = galley.size().x + count_width <= room;
    let y = at.y + HEADER_HEIGHT - 12.0 - galley.size().y.min(22.0);
    let width = galley.size().x;
    painter.galley(pos2(at.x + 2.0, y), galley, text_color);
    if show_count {
        painter.galley(pos2(at.x + width + 12.0, y + 2.0), count_galley, text_color);
    }
    if response.hovered() {
        let line = egui::Rect::from_min_size(
            pos2(at.x + 2.0, at.y + HEADER_HEIGHT - 9.0),
            vec2(width, 2.0),
        );
        painter.rect_filled(line, 1.0, super::theme::ACCENT);
    }
    response
        .on_hover_text(format!("{label} · {count}\nClick to select them all"))
        .clicked()
}

/// The label as it fits `room` with its count beside it: whole, else with weekdays
/// and months shortened, else shortened and cut with "…" on one line.
fn fitted_label(
    painter: &egui::Painter,
    label: &str,
    room: f32,
    count_width: f32,
    color: Color32,
) -> std::sync::Arc<egui::Galley> {
    let font = egui::FontId::proportional(17.0);
    let whole = painter.layout_no_wrap(label.to_string(), font.clone(), color);
    if whole.size().x + count_width <= room {
        return whole;
    }
    let short = short_label(label);
    let shortened = painter.layout_no_wrap(short.clone(), font.clone(), color);
    if shortened.size().x <= room {
        return shortened;
    }
    let mut job = egui::text::LayoutJob::simple_singleline(short, font, color);
    job.wrap = egui::text::TextWrapping {
        max_width: (room - 4.0).max(8.0),
        max_rows: 1,
        break_anywhere: true,
        overflow_character: Some('…'),
    };
    painter.layout_job(job)
}

/// "Friday 1 September 2023" as "Fri 1 Sep 2023": weekdays and months cut to three letters.
pub fn short_label(label: &str) -> String {
    const LONG: [&str; 19] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "January",
        "February",
        "March",
        "April",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "May",
    ];
    label
        .split(' ')
        .map(|word| match LONG.iter().find(|l| **l == word) {
            Some(long) => long[..3].to_string(),
            None => word.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Ctrl+A selects the view, Esc clears the selection (unless a text field has the keys).
fn selection_keys(ui: &egui::Ui, any_selected: bool, commands: &mut Vec<Command>) {
    if ui.ctx().wants_keyboard_input() {
        return;
    }
    ui.input(|i| {
        if i.modifiers.command && i.key_pressed(egui::Key::A) {
            commands.push(Command::SelectAll);
        }
        if any_selected && i.key_pressed(egui::Key::Escape) {
            commands.push(Command::ClearSelection);
        }
    });
}

/// Arrows move the cursor (a row up or down is `columns` photos), Enter opens, Space selects.
fn cursor_keys(ui: &egui::Ui, columns: usize, commands: &mut Vec<Command>) {
    if ui.ctx().wants_keyboard_input() {
        return;
    }
    let row = columns as isize;
    ui.input(|i| {
        for (key, delta) in [
            (egui::Key::ArrowRight, 1),
            (egui::Key::ArrowLeft, -1),
            (egui::Key::ArrowDown, row),
            (egui::Key::ArrowUp, -row),
        ] {
            if i.key_pressed(key) {
                commands.push(Command::MoveCursor(delta));
            }
        }
        if i.key_pressed(egui::Key::Enter) {
            commands.push(Command::OpenCursor);
        }
        if i.key_pressed(egui::Key::Space) {
            commands.push(Command::SelectCursor);
        }
    });
}

/// Where photo `index` sits in the grid's content (its first appearance), if shown.
fn cell_rect(
    sections: &[&photo_atlas_core::tasks::IndexedGroup],
    layout: &GridLayout,
    index: usize,
) -> Option<Rect> {
    sections.iter().enumerate().find_map(|(s, g)| {
        let k = g.photos.iter().position(|&p| p == index)?;
        let (slot, row_h) = (layout.slots[s], layout.row_height());
        let top = slot.top + HEADER_HEIGHT + (k / slot.columns) as f32 * row_h;
        let left = slot.left + (k % slot.columns) as f32 * row_h;
        Some(Rect::from_min_size(
            pos2(left, top),
            Vec2::splat(layout.cell),
        ))
    })
}

/// A click opens the photo; with Ctrl/Cmd it toggles it in the selection, with Shift
/// it selects the range from the last one picked.
fn click_command(ui: &egui::Ui, index: usize) -> Command {
    let modifiers = ui.input(|i| i.modifiers);
    if modifiers.command {
        Command::Select {
            index,
            range: false,
        }
    } else if modifiers.shift {
        Command::Select { index, range: true }
    } else {
        Command::OpenPhoto(index)
    }
}

/// Where a thumbnail goes and how it is marked.
struct Cell<'a> {
    rect: Rect,
    index: usize,
    selected: bool,
    under_cursor: bool,
    badge: Option<&'a str>,
}

/// Draws one cell; returns whether it was clicked.
fn draw_thumbnail(ui: &mut egui::Ui, cell: &Cell, photo: &PhotoRecord, slot: &ThumbSlot) -> bool {
    let (rect, index, badge_text) = (cell.rect, cell.index, cell.badge);
    let response = ui.interact(rect, ui.id().with(("thumb", index)), Sense::click());
    let name = photo.file_name().to_string();
    let selected = cell.selected;
    response.widget_info(|| WidgetInfo::selected(WidgetType::Button, true, selected, &name));
    if !ui.is_rect_visible(rect) {
        return response.clicked();
    }
    let painter = ui.painter();
    let radius = CornerRadius::same(6);
    painter.rect_filled(
        rect,
        radius,
        ui.visuals().faint_bg_color.gamma_multiply(2.0),
    );
    match slot {
        ThumbSlot::Ready(texture) => {
            let size = texture.size_vec2();
            let scale = (rect.width() / size.x).min(rect.height() / size.y);
            let image_rect = Rect::from_center_size(rect.center(), size * scale);
            let uv = Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0));
            painter.image(texture.id(), image_rect, uv, Color32::WHITE);
        }
        ThumbSlot::Loading => {}
        ThumbSlot::Missing | ThumbSlot::Failed(_) => {
            let text = placeholder_text(photo);
            painter.text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                text,
                egui::FontId::proportional(13.0),
                ui.visuals().weak_text_color(),
            );
        }
    }
    if let Some(text) = badge_text {
        badge(painter, rect, text);
    }
    if selected {
        painter.rect_stroke(
            rect,
            radius,
            Stroke::new(4.0, super::theme::ACCENT),
            egui::StrokeKind::Inside,
        );
        let mark = rect.right_top() + vec2(-14.0, 14.0);
        painter.circle_filled(mark, 10.0, super::theme::ACCENT);
        painter.text(
            mark,
            egui::Align2::CENTER_CENTER,
            "✔",
            egui::FontId::proportional(13.0),
            Color32::WHITE,
        );
    } else if response.hovered() {
        painter.rect_stroke(
            rect,
            radius,
            Stroke::new(2.0, super::theme::ACCENT),
            egui::StrokeKind::Inside,
        );
    }
    if cell.under_cursor {
        painter.rect_stroke(
            rect.expand(2.0),
            radius,
            Stroke::new(2.0, Color32::WHITE),
            egui::StrokeKind::Outside,
        );
    }
    let date = photo
        .taken
        .map(|t| t.at.local.format("%-d %B %Y, %H:%M").to_string())
        .unwrap_or_default();
    response.on_hover_text(format!("{name}\n{date}")).clicked()
}

/// A small label in a thumbnail's bottom-left corner.
fn badge(painter: &egui::Painter, rect: Rect, text: &str) {
    let galley = painter.layout_no_wrap(
        text.to_string(),
        egui::FontId::proportional(11.0),
        Color32::WHITE,
    );
    let at = pos2(rect.left() + 6.0, rect.bottom() - 6.0 - galley.size().y);
    let back = Rect::from_min_size(at - vec2(4.0, 2.0), galley.size() + vec2(8.0, 4.0));
    painter.rect_filled(back, 4.0, Color32::from_black_alpha(170));
    painter.galley(at, galley, Color32::WHITE);
}

fn placeholder_text(photo: &PhotoRecord) -> String {
    match photo.thumb {
        ThumbStatus::Unsupported => {
            format!("{}\nno preview yet", photo.kind.as_str().to_uppercase())
        }
        ThumbStatus::Failed => "⚠ cannot be shown".into(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_places_sections_one_after_another() {
        let layout = GridLayout::compute(&[10, 3, 0], 4.0 * 100.0 + 3.0 * GAP, 100.0, false);
        assert_eq!(layout.columns, 4);
        assert!((layout.cell - 100.0).abs() < 1e-3);
        let row = 100.0 + GAP;
        let tops: Vec<f32> = layout.slots.iter().map(|s| s.top).collect();
        assert_eq!(
            tops,
            vec![
                0.0,
                HEADER_HEIGHT + 3.0 * row,
                2.0 * HEADER_HEIGHT + 4.0 * row
            ]
        );
        assert!((layout.total_height - (3.0 * HEADER_HEIGHT + 4.0 * row)).abs() < 1e-3);
    }

    #[test]
    fn small_days_share_a_row_when_flowing() {
        // Eight columns: days of 3, 2 and 2 photos share the first row, a day of 3
        // no longer fits and starts the next, a day of 12 takes whole rows.
        let width = 8.0 * 100.0 + 7.0 * GAP;
        let layout = GridLayout::compute(&[3, 2, 2, 3, 12, 1], width, 100.0, true);
        let row = 100.0 + GAP;
        let line = HEADER_HEIGHT + row;
        let at: Vec<(f32, f32)> = layout.slots.iter().map(|s| (s.top, s.left)).collect();
        let x2 = 3.0 * row - GAP + PACK_GAP;
        let x3 = x2 + 2.0 * row - GAP + PACK_GAP;
        assert_eq!(
            at,
            vec![
                (0.0, 0.0),
                (0.0, x2),
                (0.0, x3),
                (line, 0.0),
                (2.0 * line, 0.0),
                (2.0 * line + HEADER_HEIGHT + 2.0 * row, 0.0)
            ]
        );
        assert_eq!(layout.slots[4].rows, 2);
        assert_eq!(layout.slots[0].columns, 3);
        assert!((layout.slots[0].header_width - (x2 - PACK_GAP)).abs() < 1e-3);
        assert!((layout.total_height - (3.0 * line + HEADER_HEIGHT + 2.0 * row)).abs() < 1e-3);
        // Without flow the same days take a row each.
        let apart = GridLayout::compute(&[3, 2, 2, 3, 12, 1], width, 100.0, false);
        assert!((apart.total_height - layout.total_height - 2.0 * line).abs() < 1e-3);
    }

    #[test]
    fn short_labels_cut_weekdays_and_months() {
        assert_eq!(short_label("Friday 1 September 2023"), "Fri 1 Sep 2023");
        assert_eq!(short_label("12-14 July 2019"), "12-14 Jul 2019");
        assert_eq!(
            short_label("Tokyo, 2-5 October 2023"),
            "Tokyo, 2-5 Oct 2023"
        );
    }

    #[test]
    fn narrow_windows_still_get_one_column() {
        assert_eq!(GridLayout::compute(&[5], 10.0, 100.0, false).columns, 1);
    }
}
