//! The window under egui_kittest: a harness on a temporary catalog, stepping until
//! something shows, and the small dated library most window tests open.

use std::path::{Path, PathBuf};
use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use photo_atlas::app::{AppOptions, Settings, Theme, ViewMode};
use photo_atlas::window::PhotoAtlasWindow;
use photo_atlas_core::store::Locations;

use super::{ExifSpec, jpeg_with_exif, write};

pub fn harness(state: &Path, folder: Option<PathBuf>) -> Harness<'static, PhotoAtlasWindow> {
    harness_with(state, folder, None)
}

/// A window as [`harness`] makes it, starting from `saved` settings (a restart).
pub fn harness_with(
    state: &Path,
    folder: Option<PathBuf>,
    saved: Option<Settings>,
) -> Harness<'static, PhotoAtlasWindow> {
    build(state, folder, saved, false)
}

/// A window that computes features in the background after scans, as the real one does.
pub fn harness_preparing(state: &Path, folder: PathBuf) -> Harness<'static, PhotoAtlasWindow> {
    build(state, Some(folder), None, true)
}

fn build(
    state: &Path,
    folder: Option<PathBuf>,
    saved: Option<Settings>,
    prepare_in_background: bool,
) -> Harness<'static, PhotoAtlasWindow> {
    let locations = Locations {
        catalog: state.join("catalog.sqlite"),
        cache: state.join("cache"),
    };
    let options = AppOptions {
        locations,
        folder,
        view: saved.is_none().then_some(ViewMode::All),
        open_photo: None,
        find_similar: None,
        search: None,
        theme: saved.is_none().then_some(Theme::Dark),
        saved,
        prepare_in_background,
    };
    Harness::builder()
        .with_size(egui::vec2(1200.0, 800.0))
        .build_eframe(|cc| PhotoAtlasWindow::new(&cc.egui_ctx, options, None))
}

/// Steps frames until `done` holds (background jobs run meanwhile).
pub fn step_until(
    h: &mut Harness<'_, PhotoAtlasWindow>,
    what: &str,
    done: impl Fn(&Harness<'_, PhotoAtlasWindow>) -> bool,
) {
    // Generous: background jobs (training included) share a busy machine with other tests.
    let deadline = std::time::Instant::now() + Duration::from_secs(300);
    while std::time::Instant::now() < deadline {
        h.step();
        if done(h) {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("the window never showed {what}");
}

pub fn trip_library(root: &Path) {
    let dated = |d: &'static str| ExifSpec {
        date_time_original: Some(d),
        ..ExifSpec::default()
    };
    write(
        &root.join("a.jpg"),
        &jpeg_with_exif(64, 48, &dated("2019:07:12 10:00:00")),
    );
    write(
        &root.join("b.jpg"),
        &jpeg_with_exif(64, 48, &dated("2019:07:13 11:00:00")),
    );
    write(
        &root.join("c.jpg"),
        &jpeg_with_exif(64, 48, &dated("2019:07:14 12:00:00")),
    );
    write(
        &root.join("d.jpg"),
        &jpeg_with_exif(64, 48, &dated("2020:03:03 09:00:00")),
    );
}

/// A window on `lib` (the trip library), once its photos are shown and the scan is done.
pub fn trip_library_window(state: &Path, lib: &Path) -> Harness<'static, PhotoAtlasWindow> {
    let mut h = harness(state, Some(lib.to_path_buf()));
    step_until(&mut h, "the photos", |h| {
        h.query_by_label("d.jpg").is_some() && !h.state().app.is_scanning()
    });
    h
}

/// Clicks `button`, then steps until a widget labelled `shown` is there.
pub fn click_until(h: &mut Harness<'_, PhotoAtlasWindow>, button: &str, shown: &str) {
    h.get_by_label(button).click();
    step_until(h, shown, |h| h.query_by_label(shown).is_some());
}

/// Clicks `button`, waits for the dialog holding `control`, and lets it size itself
/// (a new window's first frames only measure it).
pub fn open_dialog(h: &mut Harness<'_, PhotoAtlasWindow>, button: &str, control: &str) {
    click_until(h, button, control);
    h.run_steps(3);
}
