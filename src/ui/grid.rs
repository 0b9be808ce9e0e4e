//! The thumbnail grid: sections (days, events) with headers, virtualised so that
//! only the rows on screen are laid out and drawn, whatever the library's size.

use egui::{Color32, CornerRadius, Rect, Sense, Stroke, Vec2, WidgetInfo, WidgetType, pos2, vec2};

use crate::app::{Command, PhotoAtlasApp, TextureCache, ThumbSlot, sections_of};
use photo_atlas_core::photo::{PhotoRecord, ThumbStatus};
use photo_atlas_core::tasks::ImageSource;

const GAP: f32 = 6.0;
const HEADER_HEIGHT: f32 = 40.0;

/// Where every section sits, for a given width and thumbnail size.
#[derive(Clone, Debug, PartialEq)]
pub struct GridLayout {
    pub columns: usize,
    pub cell: f32,
    /// Top of each section's header, from the top of the content.
    pub section_tops: Vec<f32>,
    pub total_height: f32,
}

impl GridLayout {
    pub fn compute(section_sizes: &[usize], width: f32, thumb: f32) -> Self {
        let columns = (((width + GAP) / (thumb + GAP)).floor() as usize).max(1);
        let cell = ((width + GAP) / columns as f32 - GAP).max(16.0);
        let mut y = 0.0;
        let mut section_tops = Vec::with_capacity(section_sizes.len());
        for &n in section_sizes {
            section_tops.push(y);
            y += HEADER_HEIGHT + n.div_ceil(columns) as f32 * (cell + GAP);
        }
        Self {
            columns,
            cell,
            section_tops,
            total_height: y,
        }
    }

    pub fn row_height(&self) -> f32 {
        self.cell + GAP
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
    let layout = GridLayout::compute(&sizes, width, *thumb_size);
    selection_keys(ui, !selection.photos.is_empty(), commands);
    cursor_keys(ui, layout.columns, commands);
    let mut area = egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .id_salt(("grid", *view));
    if let Some(i) = *scroll_to {
        area = area.vertical_scroll_offset(layout.section_tops.get(i).copied().unwrap_or(0.0));
    }
    area.show_viewport(ui, |ui, viewport| {
        ui.set_height(layout.total_height);
        let origin = ui.max_rect().min;
        if let Some(rect) = reveal.and_then(|i| cell_rect(&sections, &layout, i)) {
            ui.scroll_to_rect(rect.translate(origin.to_vec2()), None);
        }
        for (s, section) in sections.iter().enumerate() {
            let top = layout.section_tops[s];
            let bottom = layout
                .section_tops
                .get(s + 1)
                .copied()
                .unwrap_or(layout.total_height);
            if bottom < viewport.min.y || top > viewport.max.y {
                continue;
            }
            draw_header(
                ui,
                origin + vec2(0.0, top),
                &section.label,
                section.photos.len(),
            );
            let rows_top = top + HEADER_HEIGHT;
            let row_h = layout.row_height();
            let first = ((viewport.min.y - rows_top) / row_h).floor().max(0.0) as usize;
            let last = ((viewport.max.y - rows_top) / row_h).ceil().max(0.0) as usize;
            for row in first..=last {
                for col in 0..layout.columns {
                    let Some(&index) = section.photos.get(row * layout.columns + col) else {
                        break;
                    };
                    let min = origin + vec2(col as f32 * row_h, rows_top + row as f32 * row_h);
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
    });
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

fn draw_header(ui: &mut egui::Ui, at: egui::Pos2, label: &str, count: usize) {
    let painter = ui.painter();
    let text_color = ui.visuals().strong_text_color();
    let galley = painter.layout_no_wrap(
        label.to_string(),
        egui::FontId::proportional(17.0),
        text_color,
    );
    let y = at.y + HEADER_HEIGHT - 12.0 - galley.size().y;
    let width = galley.size().x;
    painter.galley(pos2(at.x + 2.0, y), galley, text_color);
    painter.text(
        pos2(at.x + width + 12.0, y + 2.0),
        egui::Align2::LEFT_TOP,
        super::count_label(count, "photo"),
        egui::FontId::proportional(13.0),
        ui.visuals().weak_text_color(),
    );
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
        let row_h = layout.row_height();
        let top = layout.section_tops[s] + HEADER_HEIGHT + (k / layout.columns) as f32 * row_h;
        let left = (k % layout.columns) as f32 * row_h;
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
        let layout = GridLayout::compute(&[10, 3, 0], 4.0 * 100.0 + 3.0 * GAP, 100.0);
        assert_eq!(layout.columns, 4);
        assert!((layout.cell - 100.0).abs() < 1e-3);
        let row = 100.0 + GAP;
        assert_eq!(
            layout.section_tops,
            vec![
                0.0,
                HEADER_HEIGHT + 3.0 * row,
                2.0 * HEADER_HEIGHT + 4.0 * row
            ]
        );
        assert!((layout.total_height - (3.0 * HEADER_HEIGHT + 4.0 * row)).abs() < 1e-3);
    }

    #[test]
    fn narrow_windows_still_get_one_column() {
        assert_eq!(GridLayout::compute(&[5], 10.0, 100.0).columns, 1);
    }
}
