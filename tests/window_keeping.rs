//! Keeping what was found, through the real window under egui_kittest: a group
//! selected whole from its header becomes an album under its own name, which is
//! then renamed, added to, taken from and deleted; the window remembers its folder,
//! view, thumbnail size and theme across a restart; the Settings panel empties the
//! thumbnail cache and the thumbnails come back; content groups learn by themselves
//! once the background features are done, and only once; Learn again waits for a
//! running scan.

mod util;

use std::collections::HashMap;

use egui_kittest::kittest::{NodeT, Queryable};
use photo_atlas::app::{Command, Theme, ViewMode};
use photo_atlas_core::store::Catalog;
use util::window::{
    click_until, harness, harness_preparing, harness_with, open_dialog, step_until, trip_library,
    trip_library_window,
};

fn albums(state: &std::path::Path) -> Vec<(String, usize)> {
    let catalog = Catalog::open(&state.join("catalog.sqlite")).expect("catalog");
    let albums = catalog.albums().expect("albums");
    albums
        .into_iter()
        .map(|a| {
            let photos = catalog.album_photos(a.id).expect("photos");
            (a.name, photos.len())
        })
        .collect()
}

/// The text field holding `value`.
fn name_field<'h>(
    h: &'h egui_kittest::Harness<'_, photo_atlas::window::PhotoAtlasWindow>,
    value: &'h str,
) -> egui_kittest::Node<'h> {
    h.query_all_by_value(value)
        .find(|n| n.accesskit_node().role() == egui::accesskit::Role::TextInput)
        .unwrap_or_else(|| panic!("no text field holds {value}"))
}

#[test]
fn a_group_kept_from_its_header_is_an_album_that_can_be_renamed_added_to_taken_from_and_deleted() {
    let (lib, state) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    trip_library(lib.path());
    let mut h = trip_library_window(state.path(), lib.path());
    h.get_by_label("Events").click();
    step_until(&mut h, "the event's header", |h| {
        h.query_by_label("Select 12-14 July 2019").is_some()
    });
    click_until(&mut h, "Select 12-14 July 2019", "3 selected");
    open_dialog(&mut h, "Keep as album", "Keep");
    name_field(&h, "12-14 July 2019");
    h.get_by_label("Keep").click();
    step_until(&mut h, "the album kept", |h| {
        h.state().app.writing.is_none() && albums(state.path()).len() == 1
    });
    assert_eq!(albums(state.path()), [("12-14 July 2019".to_string(), 3)]);

    // Renamed.
    click_until(&mut h, "Albums", "Rename…");
    open_dialog(&mut h, "Rename…", "Rename");
    name_field(&h, "12-14 July 2019").focus();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    name_field(&h, "12-14 July 2019").type_text("Summer 2019");
    h.run_steps(2);
    h.get_by_label("Rename").click();
    step_until(&mut h, "the new name", |h| {
        h.query_by_label_contains("Summer 2019  ·  3").is_some()
    });
    assert_eq!(albums(state.path()), [("Summer 2019".to_string(), 3)]);

    // The photo of 2020 added from All photos, then taken out again.
    h.get_by_label("All photos").click();
    h.run_steps(2);
    h.get_by_label("d.jpg")
        .click_modifiers(egui::Modifiers::COMMAND);
    step_until(&mut h, "one selected", |h| {
        h.query_by_label("1 selected").is_some()
    });
    click_until(&mut h, "Albums", "Add the 1 selected");
    h.get_by_label("Add the 1 selected").click();
    step_until(&mut h, "four in the album", |h| {
        h.query_by_label_contains("Summer 2019  ·  4").is_some()
    });
    h.get_by_label("Take out the 1 selected").click();
    step_until(&mut h, "three again", |h| {
        h.query_by_label_contains("Summer 2019  ·  3").is_some()
    });
    assert_eq!(albums(state.path()), [("Summer 2019".to_string(), 3)]);

    // Deleted, after asking; the photos stay.
    h.get_by_label("Delete…").click();
    step_until(&mut h, "the question", |h| {
        h.query_by_role_and_label(egui::accesskit::Role::Button, "Delete album")
            .is_some()
    });
    h.run_steps(3);
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Delete album")
        .click();
    step_until(&mut h, "no albums", |h| {
        h.query_by_label_contains("No albums yet").is_some()
    });
    assert!(albums(state.path()).is_empty());
    for name in ["a.jpg", "b.jpg", "c.jpg", "d.jpg"] {
        assert!(lib.path().join(name).exists(), "{name} is still there");
    }
}

/// eframe's storage, kept in memory (the real one is a file beside the catalog).
#[derive(Default)]
struct MemoryStorage(HashMap<String, String>);

impl eframe::Storage for MemoryStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_string(), value);
    }
    fn flush(&mut self) {}
}

#[test]
fn the_window_remembers_its_folder_view_thumbnail_size_and_theme() {
    let (lib, state) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    trip_library(lib.path());
    let mut h = trip_library_window(state.path(), lib.path());
    h.get_by_label("Events").click();
    h.state_mut().app.queue(Command::SetThumbSize(220.0));
    open_dialog(&mut h, "Settings", "Light");
    h.get_by_label("Light").click();
    h.run_steps(2);
    assert_eq!(h.ctx.theme(), egui::Theme::Light);
    let mut storage = MemoryStorage::default();
    eframe::App::save(h.state_mut(), &mut storage);
    drop(h);

    let saved = photo_atlas::window::load_settings(Some(&storage));
    assert!(saved.is_some(), "settings were saved: {:?}", storage.0);
    // Started again with no folder given: the last one opens, as it was left.
    let mut h = harness_with(state.path(), None, saved);
    step_until(&mut h, "the last folder's photos", |h| {
        h.query_by_label("d.jpg").is_some()
    });
    let app = &h.state().app;
    assert_eq!(app.folder.as_deref(), Some(lib.path()));
    assert_eq!(app.view, ViewMode::Events);
    assert_eq!(app.thumb_size, 220.0);
    assert_eq!(app.theme, Theme::Light);
    h.run_steps(2);
    assert_eq!(h.ctx.theme(), egui::Theme::Light);
}

#[test]
fn emptying_the_thumbnail_cache_from_settings_makes_the_thumbnails_again() {
    let (lib, state) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    trip_library(lib.path());
    let mut h = harness(state.path(), Some(lib.path().to_path_buf()));
    step_until(&mut h, "the scan", |h| {
        h.query_by_label("d.jpg").is_some() && !h.state().app.is_scanning()
    });
    let thumbnails = || {
        walkdir::WalkDir::new(state.path().join("cache/thumbnails"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .count()
    };
    assert_eq!(thumbnails(), 4);
    open_dialog(&mut h, "Settings", "Empty the thumbnail cache");
    h.get_by_label("Empty the thumbnail cache").click();
    step_until(
        &mut h,
        "the cache emptied and the folder scanned again",
        |h| {
            h.query_by_label_contains("4 thumbnails deleted").is_some()
                && h.state().app.clearing_cache.is_none()
                && !h.state().app.is_scanning()
        },
    );
    assert_eq!(thumbnails(), 4, "made again by the rescan");
}

#[test]
fn after_a_scan_the_features_are_computed_in_the_background_without_a_button() {
    let (lib, state) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    trip_library(lib.path());
    let mut h = harness_preparing(state.path(), lib.path().to_path_buf());
    step_until(&mut h, "the features prepared", |h| {
        h.query_by_label_contains("4 photos ready for Content and search")
            .is_some()
    });
    let catalog = Catalog::open(&state.path().join("catalog.sqlite")).expect("catalog");
    let folder = photo_atlas_core::library::PhotoFolder::open(lib.path()).expect("folder");
    let photos = catalog.photos_under(folder.key()).expect("photos");
    let missing = catalog
        .photos_without_features(photo_atlas_core::ml::features::BACKBONE_MODEL, &photos)
        .expect("missing");
    assert_eq!(
        (photos.len(), missing.len()),
        (4, 0),
        "all four have features"
    );
    assert!(h.state().app.features.is_none(), "the task has ended");
}

/// Learning is over and the Content view holds the groups it learned.
fn shows_learned_groups(app: &photo_atlas::app::PhotoAtlasApp) -> bool {
    app.clustering.is_none()
        && app
            .snapshot
            .as_ref()
            .is_some_and(|s| !s.content.is_empty() && !s.content_quick)
}

/// The window on `lib` in the Content view, computing features in the background,
/// once it shows the groups it learned by itself.
fn content_learning_by_itself(
    state: &std::path::Path,
    lib: &std::path::Path,
) -> egui_kittest::Harness<'static, photo_atlas::window::PhotoAtlasWindow> {
    let mut h = harness_preparing(state, lib.to_path_buf());
    h.state_mut().app.queue(Command::SetView(ViewMode::Content));
    step_until(&mut h, "learned groups", |h| {
        shows_learned_groups(&h.state().app)
    });
    h
}

/// Content fills by itself: drop a folder and press nothing, and the Content view
/// shows groups (quick ones first, then learned ones); a rescan with new photos
/// puts them in the learned groups without training again.
#[test]
fn content_groups_appear_without_a_button_and_new_photos_join_them_without_retraining() {
    let (lib, state) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    trip_library(lib.path());
    let mut h = content_learning_by_itself(state.path(), lib.path());
    assert!(
        h.query_by_label_contains("learned from your photos")
            .is_some(),
        "the Content view says its groups are learned ones"
    );
    let catalog = Catalog::open(&state.path().join("catalog.sqlite")).expect("catalog");
    let folder = photo_atlas_core::library::PhotoFolder::open(lib.path()).expect("folder");
    let model = |c: &Catalog| {
        c.cluster_model(folder.key())
            .expect("read")
            .expect("a model")
    };
    let learned = model(&catalog);
    assert!(learned.dims.len() > 1, "an autoencoder, not quick groups");
    // Two new photos, then a rescan: they join, and the model is the same one.
    std::fs::copy(lib.path().join("a.jpg"), lib.path().join("e.jpg")).expect("copy");
    std::fs::copy(lib.path().join("d.jpg"), lib.path().join("f.jpg")).expect("copy");
    h.state_mut()
        .app
        .queue(Command::OpenFolder(lib.path().to_path_buf()));
    step_until(&mut h, "the new photos in groups", |h| {
        let app = &h.state().app;
        app.scan.is_none()
            && app.joining.is_none()
            && app
                .snapshot
                .as_ref()
                .is_some_and(|s| s.photos.len() == 6 && s.unclustered == 0 && !s.content.is_empty())
    });
    assert!(
        h.state().app.clustering.is_none(),
        "no learning was started"
    );
    let after = model(&catalog);
    assert_eq!(
        (after.weights, after.trained_at),
        (learned.weights, learned.trained_at),
        "joined with the stored model, not retrained"
    );
}

/// Groups learned with Find groups are not learned again by themselves when the
/// background features finish afterwards, even while the window still holds a
/// snapshot read before the learned groups were stored.
#[test]
fn groups_learned_with_the_button_are_not_learned_again_by_themselves() {
    let (lib, state) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    trip_library(lib.path());
    let mut h = trip_library_window(state.path(), lib.path());
    // Find groups does nothing while the join after the scan runs.
    step_until(&mut h, "the join after the scan", |h| {
        h.state().app.joining.is_none()
    });
    let unlearned = h.state().app.snapshot.clone();
    h.state_mut().app.queue(Command::StartClustering);
    step_until(&mut h, "learned groups shown", |h| {
        shows_learned_groups(&h.state().app)
    });
    let app = &mut h.state_mut().app;
    app.snapshot = unlearned;
    app.prepare_in_background = true;
    app.queue(Command::ClosePhoto);
    step_until(&mut h, "the background features done", |h| {
        let app = &h.state().app;
        app.features.is_none() && app.features_ready.is_some()
    });
    h.step();
    assert!(
        h.state().app.clustering.is_none(),
        "learning was not started again"
    );
}

/// Learn again cannot be pressed while a scan runs (learning waits for the scan,
/// and the press would have been ignored): it is greyed out until the scan ends.
#[test]
fn learn_again_is_greyed_out_while_a_scan_runs() {
    let (lib, state) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    trip_library(lib.path());
    let mut h = content_learning_by_itself(state.path(), lib.path());
    step_until(&mut h, "nothing running", |h| {
        let app = &h.state().app;
        app.scan.is_none() && app.joining.is_none()
    });
    let learn_again_disabled = |h: &egui_kittest::Harness<'_, _>| {
        h.get_by_label("Learn again").accesskit_node().is_disabled()
    };
    h.run_steps(2);
    assert!(!learn_again_disabled(&h), "pressable with no scan running");
    // A scan that runs until it is cancelled.
    let scan = photo_atlas_core::jobs::Task::spawn(
        "scan",
        Default::default(),
        photo_atlas_core::jobs::no_waker(),
        |cancel, _| {
            while !cancel.is_cancelled() {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            Ok(Default::default())
        },
    );
    h.state_mut().app.scan = Some(scan);
    h.run_steps(2);
    assert!(learn_again_disabled(&h), "greyed out while the scan runs");
    h.get_by_label("Learn again").click();
    h.run_steps(2);
    assert!(
        h.state().app.clustering.is_none(),
        "a press while scanning starts nothing"
    );
    if let Some(scan) = &h.state().app.scan {
        scan.cancel();
    }
    step_until(&mut h, "the scan and what follows it over", |h| {
        let app = &h.state().app;
        app.scan.is_none() && app.joining.is_none() && app.clustering.is_none()
    });
    h.run_steps(2);
    assert!(!learn_again_disabled(&h), "pressable again after the scan");
}
