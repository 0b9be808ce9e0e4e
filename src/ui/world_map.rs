//! The Places overview map: country outlines embedded in the binary (Natural Earth
//! 1:110m via world-atlas, no network tiles), a dot per place sized by its photos;
//! hovering names a place, clicking opens it. Also the small map on a trip's card.

use std::sync::LazyLock;

use egui::{Color32, Pos2, Rect, Sense, Stroke, pos2, vec2};

use crate::app::Command;
use photo_atlas_core::tasks::FolderSnapshot;

/// Country borders as polylines of (lon, lat), decoded once from the TopoJSON asset,
/// split where they cross the antimeridian, each with its extent.
static OUTLINES: LazyLock<Vec<Outline>> = LazyLock::new(|| {
    let arcs =
        decode_topojson_arcs(include_str!("../../assets/countries-110m.json")).unwrap_or_default();
    arcs.iter()
        .flat_map(|arc| split_at_antimeridian(arc))
        .map(|piece| Outline {
            points: piece.to_vec(),
            extent: bounds_of(piece),
        })
        .collect()
});

/// One piece of a border and its extent [west, south, east, north]: a map shows
/// only the pieces whose extent meets its own (a trip card's map, a few degrees
/// wide, drew every border of the world each frame: 18 % of the Events view's time).
struct Outline {
    points: Vec<[f64; 2]>,
    extent: [f64; 4],
}

fn bounds_of(points: &[[f64; 2]]) -> [f64; 4] {
    points.iter().fold(
        [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ],
        |[w, s, e, n], p| [w.min(p[0]), s.min(p[1]), e.max(p[0]), n.max(p[1])],
    )
}

/// Whether two extents [west, south, east, north] meet.
fn meet(a: [f64; 4], b: [f64; 4]) -> bool {
    a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

/// Decodes TopoJSON arcs (quantized, delta-encoded) into (lon, lat) polylines.
pub fn decode_topojson_arcs(text: &str) -> Option<Vec<Vec<[f64; 2]>>> {
    let topo: serde_json::Value = serde_json::from_str(text).ok()?;
    let scale = &topo["transform"]["scale"];
    let shift = &topo["transform"]["translate"];
    let (sx, sy, tx, ty) = (
        scale[0].as_f64()?,
        scale[1].as_f64()?,
        shift[0].as_f64()?,
        shift[1].as_f64()?,
    );
    let arcs = topo["arcs"].as_array()?;
    Some(
        arcs.iter()
            .map(|arc| {
                let (mut x, mut y) = (0.0, 0.0);
                arc.as_array()
                    .map(|pts| {
                        pts.iter()
                            .filter_map(|p| {
                                x += p[0].as_f64()?;
                                y += p[1].as_f64()?;
                                Some([x * sx + tx, y * sy + ty])
                            })
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .collect(),
    )
}

/// The part of the world to show: the places' extent with a margin, at least 40° wide,
/// widened to the panel's aspect so a degree of longitude and of latitude look alike.
/// The map's edges [west, south, east, north] around `points` (lat, lon), widened to
/// the rectangle's `aspect` and to at least `min_half` degrees (lon, lat) each way.
fn bounds_around(
    points: impl Iterator<Item = (f64, f64)>,
    aspect: f64,
    min_half: (f64, f64),
) -> [f64; 4] {
    let (mut w, mut s, mut e, mut n) = (180.0f64, 90.0f64, -180.0f64, -90.0f64);
    for (lat, lon) in points {
        (w, s, e, n) = (w.min(lon), s.min(lat), e.max(lon), n.max(lat));
    }
    if w > e {
        (w, s, e, n) = (-180.0, -60.0, 180.0, 85.0);
    }
    let (cx, cy) = ((w + e) / 2.0, (s + n) / 2.0);
    let mut half_w = ((e - w) / 2.0 * 1.3).max(min_half.0);
    let mut half_h = ((n - s) / 2.0 * 1.3).max(min_half.1);
    if half_w / half_h < aspect {
        half_w = half_h * aspect;
    } else {
        half_h = half_w / aspect;
    }
    let cy = cy.clamp(-85.0 + half_h.min(85.0), 85.0 - half_h.min(85.0));
    let cx = cx.clamp(-180.0 + half_w.min(180.0), 180.0 - half_w.min(180.0));
    [cx - half_w, cy - half_h, cx + half_w, cy + half_h]
}

/// Longitude and latitude onto a rectangle of the screen (equirectangular).
struct Projection {
    rect: Rect,
    bounds: [f64; 4],
}

impl Projection {
    fn at(&self, lon: f64, lat: f64) -> Pos2 {
        let [w, s, e, n] = self.bounds;
        pos2(
            self.rect.left() + ((lon - w) / (e - w)) as f32 * self.rect.width(),
            self.rect.top() + ((n - lat) / (n - s)) as f32 * self.rect.height(),
        )
    }
}

/// The sea and the country borders.
fn paint_land(ui: &egui::Ui, painter: &egui::Painter, projection: &Projection) {
    let dark = ui.visuals().dark_mode;
    let rect = projection.rect;
    painter.rect_filled(
        rect,
        8.0,
        if dark {
            Color32::from_rgb(22, 30, 42)
        } else {
            Color32::from_rgb(220, 232, 245)
        },
    );
    let border = Stroke::new(
        0.8,
        if dark {
            Color32::from_gray(110)
        } else {
            Color32::from_gray(140)
        },
    );
    let [w, s, e, n] = projection.bounds;
    let (margin_x, margin_y) = ((e - w) * 0.05, (n - s) * 0.05);
    let shown = [w - margin_x, s - margin_y, e + margin_x, n + margin_y];
    for outline in OUTLINES.iter().filter(|o| meet(o.extent, shown)) {
        let points = simplified(outline.points.iter().map(|p| projection.at(p[0], p[1])));
        if points.len() > 1 {
            painter.add(egui::Shape::line(points, border));
        }
    }
}

/// A small map of `spots` (lat, lon) with a dot on each, as a trip's card shows.
pub fn mini_map(ui: &mut egui::Ui, size: egui::Vec2, spots: &[(f64, f64)]) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(size, Sense::click());
    if !ui.is_rect_visible(rect) {
        // A card scrolled out of sight: nothing of its map would show.
        return response;
    }
    let aspect = f64::from(rect.width() / rect.height().max(1.0));
    let projection = Projection {
        rect,
        bounds: bounds_around(spots.iter().copied(), aspect, (6.0, 3.0)),
    };
    let painter = ui.painter_at(rect);
    paint_land(ui, &painter, &projection);
    for &(lat, lon) in spots {
        let centre = projection.at(lon, lat);
        painter.circle(
            centre,
            4.0,
            Color32::from_rgb(239, 75, 75),
            Stroke::new(1.0, Color32::WHITE),
        );
    }
    response
}

/// Draws the map in `height` points; pushes a command when a place is clicked.
pub fn show(ui: &mut egui::Ui, snap: &FolderSnapshot, height: f32, commands: &mut Vec<Command>) {
    let (rect, _) = ui.allocate_exact_size(vec2(ui.available_width(), height), Sense::hover());
    let aspect = f64::from(rect.width() / rect.height().max(1.0));
    let places = snap.places.iter().map(|p| (p.info.lat, p.info.lon));
    let projection = Projection {
        rect,
        bounds: bounds_around(places, aspect, (20.0, 10.0)),
    };
    let project = |lon: f64, lat: f64| projection.at(lon, lat);
    let painter = ui.painter_at(rect);
    paint_land(ui, &painter, &projection);
    // Scaled to the largest place ("No location" is not on the map, so not its size).
    let most = snap
        .places
        .iter()
        .map(|p| p.group.photos.len())
        .max()
        .unwrap_or(1)
        .max(1) as f32;
    let dots: Vec<(Pos2, f32)> = snap
        .places
        .iter()
        .map(|p| {
            (
                project(p.info.lon, p.info.lat),
                4.0 + 8.0 * (p.group.photos.len() as f32 / most).sqrt(),
            )
        })
        .collect();
    let hovered = if dots.len() <= PER_DOT_WIDGETS {
        dot_widgets(ui, snap, &dots, commands)
    } else {
        map_wide_hit_test(ui, rect, snap, &dots, commands)
    };
    for (i, &(centre, radius)) in dots.iter().enumerate() {
        let fill = if hovered == Some(i) {
            Color32::from_rgb(255, 200, 61)
        } else {
            Color32::from_rgb(239, 75, 75)
        };
        painter.circle(centre, radius, fill, Stroke::new(1.5, Color32::WHITE));
    }
}

/// Up to this many places each get their own (accessible) widget; beyond, one hit test serves all.
const PER_DOT_WIDGETS: usize = 200;

fn dot_widgets(
    ui: &mut egui::Ui,
    snap: &FolderSnapshot,
    dots: &[(Pos2, f32)],
    commands: &mut Vec<Command>,
) -> Option<usize> {
    let mut hovered = None;
    for (i, &(centre, radius)) in dots.iter().enumerate() {
        let hit = Rect::from_center_size(centre, vec2(radius * 2.0 + 6.0, radius * 2.0 + 6.0));
        let response = ui.interact(hit, ui.id().with(("place-dot", i)), Sense::click());
        let name = &snap.places[i].info.name;
        response.widget_info(|| egui::WidgetInfo::labeled(egui::WidgetType::Button, true, name));
        if response.clicked() {
            commands.push(Command::ScrollToSection(i));
        }
        if response.hovered() {
            hovered = Some(i);
            let count = super::count_label(snap.places[i].group.photos.len(), "photo");
            response.on_hover_text(format!("{name}\n{count}"));
        }
    }
    hovered
}

fn map_wide_hit_test(
    ui: &mut egui::Ui,
    rect: Rect,
    snap: &FolderSnapshot,
    dots: &[(Pos2, f32)],
    commands: &mut Vec<Command>,
) -> Option<usize> {
    let response = ui.interact(rect, ui.id().with("place-map"), Sense::click());
    let pointer = response.hover_pos()?;
    let (i, _) = dots
        .iter()
        .enumerate()
        .map(|(i, (c, r))| (i, c.distance(pointer) - r))
        .filter(|(_, d)| *d <= 3.0)
        .min_by(|a, b| a.1.total_cmp(&b.1))?;
    if response.clicked() {
        commands.push(Command::ScrollToSection(i));
    }
    let place = &snap.places[i];
    let count = super::count_label(place.group.photos.len(), "photo");
    response.on_hover_text(format!("{}\n{count}", place.info.name));
    Some(i)
}

/// Drops points less than a pixel from the last one kept.
fn simplified(points: impl Iterator<Item = Pos2>) -> Vec<Pos2> {
    let mut out: Vec<Pos2> = Vec::new();
    for p in points {
        if out.last().is_none_or(|last| last.distance_sq(p) >= 1.0) {
            out.push(p);
        }
    }
    out
}

/// Splits a polyline wherever two consecutive points are more than 180° of longitude apart.
fn split_at_antimeridian(line: &[[f64; 2]]) -> Vec<&[[f64; 2]]> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for i in 1..line.len() {
        if (line[i][0] - line[i - 1][0]).abs() > 180.0 {
            pieces.push(&line[start..i]);
            start = i;
        }
    }
    pieces.push(&line[start..]);
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outlines_decode_to_real_coordinates() {
        let arcs = decode_topojson_arcs(include_str!("../../assets/countries-110m.json"))
            .expect("valid TopoJSON");
        assert!(arcs.len() > 100, "{} arcs", arcs.len());
        let all = arcs.iter().flatten();
        assert!(
            all.clone()
                .all(|p| (-180.0..=180.0).contains(&p[0]) && (-90.0..=90.0).contains(&p[1]))
        );
        // Italy's boot reaches below 38.5 N near 16 E.
        assert!(
            all.clone()
                .any(|p| (15.5..16.5).contains(&p[0]) && (37.8..38.5).contains(&p[1]))
        );
    }

    #[test]
    fn lines_are_split_where_they_wrap_around_the_world() {
        let line = [[179.0, 0.0], [179.5, 1.0], [-179.5, 1.5], [-179.0, 2.0]];
        let pieces = split_at_antimeridian(&line);
        assert_eq!(
            pieces.iter().map(|p| p.len()).collect::<Vec<_>>(),
            vec![2, 2]
        );
    }

    /// A map a few degrees wide around Paris keeps every border piece with a point
    /// on it, and leaves out nearly all the others.
    #[test]
    fn a_small_map_draws_only_the_borders_near_it() {
        let shown = [-4.0, 46.0, 9.0, 52.0];
        let inside = |p: &[f64; 2]| {
            (shown[0]..=shown[2]).contains(&p[0]) && (shown[1]..=shown[3]).contains(&p[1])
        };
        let kept: Vec<&Outline> = OUTLINES.iter().filter(|o| meet(o.extent, shown)).collect();
        for outline in OUTLINES.iter() {
            if outline.points.iter().any(inside) {
                assert!(meet(outline.extent, shown), "a border on the map left out");
            }
        }
        assert!(!kept.is_empty());
        assert!(
            kept.len() * 10 < OUTLINES.len(),
            "{} of {} kept",
            kept.len(),
            OUTLINES.len()
        );
        assert!(!meet([10.0, 0.0, 20.0, 5.0], shown), "far away");
        assert!(meet([8.0, 40.0, 30.0, 47.0], shown), "overlapping a corner");
    }
}
