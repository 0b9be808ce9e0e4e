//! CPU time per frame of the window's grid with 100,000 catalogued photos, while
//! scrolling, in each view (goal: a median under 8 ms on a 2-core laptop).
//! Runs the real UI code in a headless egui context (layout + tessellation, no GPU).
//! Then All, Events and Places again, idle and while the real background features
//! task (one thread a core, nice 10) computes features for 600 generated photos.
//! `cargo bench --bench grid_frame`; prints figures, asserts nothing.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use photo_atlas::app::{AppOptions, Theme, ViewMode};
use photo_atlas::window::PhotoAtlasWindow;
use photo_atlas_core::grouping::GroupLevel;
use photo_atlas_core::jobs::{CancelToken, Progress, Waker};
use photo_atlas_core::library::PhotoKind;
use photo_atlas_core::metadata::{CaptureTime, DateSource, Gps, Timestamp};
use photo_atlas_core::ml::device::DeviceChoice;
use photo_atlas_core::photo::{PhotoRecord, ThumbStatus};
use photo_atlas_core::scanner::{ScanOptions, scan};
use photo_atlas_core::store::{Catalog, Locations};
use photo_atlas_core::tasks::{FolderSnapshot, IndexedGroup, start_features};

const PHOTOS: usize = 100_000;
const FRAMES: usize = 300;

fn synthetic_photo(i: usize) -> PhotoRecord {
    // Bursts of about 40 photos, a few days apart, over about 10 years.
    let day = NaiveDate::from_ymd_opt(2015, 1, 1)
        .and_then(|d| d.checked_add_days(chrono::Days::new((i / 40 * 3) as u64 % 3650)));
    let at = day
        .and_then(|d| d.and_hms_opt(10, ((i % 40) / 60) as u32, (i % 60) as u32))
        .expect("valid");
    PhotoRecord {
        path: format!("/library/{:03}/IMG_{i:06}.jpg", i / 1000).into(),
        size: 3_000_000,
        mtime_ns: i as i64,
        kind: PhotoKind::Jpeg,
        taken: Some(CaptureTime {
            at: Timestamp::new(at, None),
            source: DateSource::Exif,
        }),
        // Each burst somewhere on Earth; one burst in ten without GPS.
        gps: (!(i / 40).is_multiple_of(10))
            .then(|| {
                let b = (i / 40) as f64;
                Gps::new(
                    -50.0 + (b * 37.0) % 100.0,
                    -170.0 + (b * 91.0) % 340.0 + (i % 40) as f64 * 1e-4,
                    None,
                )
            })
            .flatten(),
        orientation: Some(1),
        make: Some("Camera".into()),
        model: None,
        width: Some(4000),
        height: Some(3000),
        error: None,
        thumb: ThumbStatus::Ok,
    }
}

fn main() {
    let state = tempfile::tempdir().expect("tempdir");
    let built = Instant::now();
    let snapshot = FolderSnapshot::build(
        "/library".into(),
        (0..PHOTOS).map(synthetic_photo).collect(),
        Vec::new(),
        None,
    );
    println!(
        "{PHOTOS} photos: {} days, {} events, {} places; snapshot built off the UI thread in {:.0} ms",
        snapshot
            .by_date
            .iter()
            .filter(|g| g.level == GroupLevel::Day)
            .count(),
        snapshot.by_event.len(),
        snapshot.places.len(),
        built.elapsed().as_secs_f64() * 1000.0
    );
    for view in ViewMode::ALL {
        let (median, p95, textures) = measure(state.path(), &snapshot, view);
        println!(
            "  {:<11} median {median:5.2} ms  p95 {p95:5.2} ms per frame (1280x800, scrolling); {textures} thumbnails held",
            view.label()
        );
    }
    while_features_run(state.path(), &snapshot);
}

/// The same frames while the background features task (the real one, one thread a
/// core at nice 10) computes features for a folder of photos, beside the same view idle.
fn while_features_run(state: &std::path::Path, snapshot: &FolderSnapshot) {
    let photos = state.join("photos");
    std::fs::create_dir_all(&photos).expect("photos folder");
    for i in 0..600u32 {
        let img = image::RgbImage::from_fn(640, 480, |x, y| {
            image::Rgb([
                (x * 3 + i) as u8,
                (y * 5 + i * 7) as u8,
                ((x + y + i) % 256) as u8,
            ])
        });
        img.save(photos.join(format!("p{i:03}.jpg")))
            .expect("write photo");
    }
    let waker: Waker = std::sync::Arc::new(|| {});
    for view in [ViewMode::All, ViewMode::Events, ViewMode::Places] {
        // A catalog of its own per view, so that each starts with no features.
        let locations = Locations {
            catalog: state.join(format!("features-{}.sqlite", view.label())),
            cache: state.join("features-cache"),
        };
        let mut catalog = Catalog::open(&locations.catalog).expect("catalog");
        let never = CancelToken::new();
        scan(
            &mut catalog,
            &photos,
            &ScanOptions::default(),
            &never,
            &Progress::default(),
        )
        .expect("scan");
        let idle = measure(state, snapshot, view);
        let task = start_features(&locations, photos.clone(), DeviceChoice::Cpu, waker.clone());
        // Let it load the network and start on the photos.
        let waited = Instant::now();
        while task.progress().done() == 0 && waited.elapsed() < Duration::from_secs(60) {
            std::thread::sleep(Duration::from_millis(20));
        }
        let busy = measure(state, snapshot, view);
        let done = task.progress().done();
        drop(task);
        println!(
            "  {:<11} idle median {:5.2} ms p95 {:5.2} ms | while features run ({done} photos in): median {:5.2} ms p95 {:5.2} ms",
            view.label(),
            idle.0,
            idle.1,
            busy.0,
            busy.1
        );
    }
}

fn measure(
    state: &std::path::Path,
    snapshot: &FolderSnapshot,
    view: ViewMode,
) -> (f64, f64, usize) {
    let ctx = egui::Context::default();
    let locations = Locations {
        catalog: state.join("c.sqlite"),
        cache: state.join("cache"),
    };
    let options = AppOptions {
        locations,
        folder: None,
        view: Some(view),
        open_photo: None,
        find_similar: None,
        search: None,
        theme: Some(Theme::Dark),
        saved: None,
        prepare_in_background: false,
    };
    let mut window = PhotoAtlasWindow::new(&ctx, options, None);
    let app = &mut window.app;
    app.folder = Some("/library".into());
    app.all_photos = vec![IndexedGroup {
        level: GroupLevel::Section,
        key: "all".into(),
        label: "All photos".into(),
        photos: (0..snapshot.photos.len()).collect(),
    }];
    app.snapshot = Some(snapshot.clone());
    let mut times = Vec::with_capacity(FRAMES);
    for frame in 0..FRAMES + 20 {
        let mut input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(
                egui::Pos2::ZERO,
                egui::vec2(1280.0, 800.0),
            )),
            ..Default::default()
        };
        input
            .events
            .push(egui::Event::PointerMoved(egui::pos2(700.0, 400.0)));
        input.events.push(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, -400.0),
            modifiers: egui::Modifiers::NONE,
        });
        let start = Instant::now();
        let output = ctx.run(input, |ctx| window.frame(ctx));
        let _meshes = ctx.tessellate(output.shapes, output.pixels_per_point);
        if frame >= 20 {
            times.push(start.elapsed());
        }
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (
        ms(times[times.len() / 2]),
        ms(times[times.len() * 95 / 100]),
        window.textures.len(),
    )
}
