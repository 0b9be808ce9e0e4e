//! The real window code driven headless with egui_kittest, finding widgets by
//! their accessible labels as a user (or a screen reader) would: drop a folder and
//! see its photos, switch to Events, open a photo and step with the arrow keys,
//! cancel a running scan, type a search; the status bar keeps its buttons in sight.

mod util;

use std::path::{Path, PathBuf};
use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use photo_atlas::app::ViewMode;
use photo_atlas::window::PhotoAtlasWindow;
use util::window::{harness, step_until, trip_library, trip_library_window};
use util::{ExifSpec, jpeg_with_exif, write};

#[test]
fn dropping_a_folder_shows_its_photos() {
    let (lib, state) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    trip_library(lib.path());
    let mut h = harness(state.path(), None);
    h.run_steps(2);
    h.get_by_label("Open folder…");
    h.get_by_label("Drop a folder of photos here");
    h.input_mut().dropped_files.push(egui::DroppedFile {
        path: Some(lib.path().join("a.jpg")),
        ..Default::default()
    });
    step_until(&mut h, "the dropped folder's photos", |h| {
        h.query_by_label("d.jpg").is_some()
    });
    for name in ["a.jpg", "b.jpg", "c.jpg", "d.jpg"] {
        h.get_by_label(name);
    }
    step_until(&mut h, "the finished scan", |h| {
        h.query_all_by_label_contains("4 photos").count() > 0 && !h.state().app.is_scanning()
    });
}

#[test]
fn events_view_lists_the_trip_and_the_grid_follows() {
    let (lib, state) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    trip_library(lib.path());
    let mut h = harness(state.path(), Some(lib.path().to_path_buf()));
    step_until(&mut h, "the photos", |h| {
        h.query_by_label("d.jpg").is_some()
    });
    h.get_by_label("Events").click();
    step_until(&mut h, "the trip event", |h| {
        h.query_by_label("12-14 July 2019  ·  3").is_some()
    });
    assert_eq!(h.state().app.view, ViewMode::Events);
    h.get_by_label("Tuesday 3 March 2020  ·  1");
    h.get_by_label("Select Tuesday 3 March 2020"); // its header in the grid
    h.get_by_label("Dates").click();
    step_until(&mut h, "the year 2019", |h| {
        h.query_by_label_contains("2019  ·  3").is_some()
    });
}

/// Photos shown in the grid now, by file name.
fn shown_photos(h: &Harness<'_, PhotoAtlasWindow>, names: &[&str]) -> Vec<String> {
    names
        .iter()
        .filter(|n| h.query_by_label(n).is_some())
        .map(|n| n.to_string())
        .collect()
}

#[test]
fn typing_in_the_search_box_shows_the_matching_photos_and_says_when_none_match() {
    let (lib, state) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    trip_library(lib.path());
    let mut h = trip_library_window(state.path(), lib.path());
    let names = ["a.jpg", "b.jpg", "c.jpg", "d.jpg"];
    h.get_by_role(egui::accesskit::Role::TextInput).focus();
    h.run_steps(2);
    h.get_by_role(egui::accesskit::Role::TextInput)
        .type_text("2019");
    step_until(&mut h, "the photos of 2019", |h| {
        h.query_by_label_contains("Looking for 2019").is_some()
            && h.query_by_label("d.jpg").is_none()
    });
    assert_eq!(h.state().app.view, ViewMode::Search);
    assert_eq!(shown_photos(&h, &names), ["a.jpg", "b.jpg", "c.jpg"]);
    for _ in 0..4 {
        h.key_press(egui::Key::Backspace);
    }
    h.get_by_role(egui::accesskit::Role::TextInput)
        .type_text("1999");
    step_until(&mut h, "no match", |h| {
        h.query_by_label_contains("No photos match 1999").is_some()
    });
    assert!(shown_photos(&h, &names).is_empty(), "nothing is shown");
    h.get_by_role(egui::accesskit::Role::TextInput)
        .type_text(" xyzzy");
    step_until(&mut h, "the unknown word", |h| {
        h.query_by_label_contains("does not know \"xyzzy\"")
            .is_some()
    });
}

#[test]
fn events_view_shows_trip_cards_and_trips_that_open_onto_their_days_and_says_where_home_is() {
    let (lib, state) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    let located = |when, gps| ExifSpec {
        date_time_original: Some(when),
        gps: Some(gps),
        ..ExifSpec::default()
    };
    let munich = (48.137, 11.575, 500.0);
    for (i, when) in [
        "2019:04:01 18:00:00",
        "2019:04:04 18:00:00",
        "2019:04:08 18:00:00",
        "2019:04:12 18:00:00",
        "2019:04:16 18:00:00",
        "2019:04:20 18:00:00",
    ]
    .into_iter()
    .enumerate()
    {
        write(
            &lib.path().join(format!("home{i}.jpg")),
            &jpeg_with_exif(64, 48, &located(when, munich)),
        );
    }
    let florence = (43.7696, 11.2558, 50.0);
    for (name, when) in [
        ("f1.jpg", "2019:05:12 10:00:00"),
        ("f2.jpg", "2019:05:13 11:00:00"),
    ] {
        write(
            &lib.path().join(name),
            &jpeg_with_exif(64, 48, &located(when, florence)),
        );
    }
    let mut h = harness(state.path(), Some(lib.path().to_path_buf()));
    step_until(&mut h, "the photos", |h| {
        h.query_by_label("f2.jpg").is_some() && !h.state().app.is_scanning()
    });
    h.get_by_label("Events").click();
    // The trip's card above the grid, and its row in the sidebar.
    step_until(&mut h, "the trip", |h| {
        h.query_all_by_label_contains("Florence, 12-13 May 2019")
            .count()
            == 2
    });
    h.get_by_label_contains("Home: Munich");
    h.get_by_label_contains("1 trip away from it");
    assert!(
        h.query_by_label_contains("12-13 May 2019 · Florence  ·")
            .is_none(),
        "the trip is folded"
    );
    h.get_by_label_contains("✈ Florence, 12-13 May 2019")
        .click();
    step_until(&mut h, "the trip's days", |h| {
        h.query_by_label_contains("12-13 May 2019 · Florence  ·")
            .is_some()
    });
    // The whole trip selected from its card, to keep under its name.
    h.get_by_label("Select the trip").click();
    step_until(&mut h, "the trip selected", |h| {
        h.query_by_label("2 selected").is_some()
    });
    h.get_by_label("Keep as album").click();
    step_until(&mut h, "its name proposed", |h| {
        h.query_all_by_value("Florence, 12-13 May 2019").count() > 0
    });
}

#[test]
fn photos_selected_with_ctrl_and_shift_click_are_kept_as_an_album_that_survives_a_restart_and_exports()
 {
    let (lib, state, out) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    trip_library(lib.path());
    let mut h = trip_library_window(state.path(), lib.path());
    h.get_by_label("a.jpg")
        .click_modifiers(egui::Modifiers::COMMAND);
    h.run_steps(2);
    h.get_by_label("c.jpg")
        .click_modifiers(egui::Modifiers::SHIFT);
    step_until(&mut h, "three selected", |h| {
        h.query_by_label("3 selected").is_some()
    });
    assert!(
        h.state().app.viewer.is_none(),
        "a modified click selects, it does not open"
    );
    h.get_by_label("Keep as album").click();
    step_until(&mut h, "the album dialog", |h| {
        h.query_by_label("Keep").is_some()
    });
    h.run_steps(3); // the dialog's first frames only size it
    h.get_by_label("Keep").click();
    h.run_steps(2);
    h.get_by_label("Albums").click();
    step_until(&mut h, "the album", |h| {
        h.query_by_label("Album 1  ·  3").is_some()
    });
    drop(h);

    // A new window on the same catalog has it.
    let mut h = trip_library_window(state.path(), lib.path());
    h.get_by_label("Albums").click();
    step_until(&mut h, "the album again", |h| {
        h.query_by_label("Album 1  ·  3").is_some()
    });
    let originals: Vec<PathBuf> = ["a.jpg", "b.jpg", "c.jpg"]
        .iter()
        .map(|n| lib.path().join(n))
        .collect();
    let fingerprint = |p: &Path| {
        let m = std::fs::metadata(p).expect("meta");
        (
            std::fs::read(p).expect("read"),
            m.modified().expect("mtime"),
        )
    };
    let before: Vec<_> = originals.iter().map(|p| fingerprint(p)).collect();
    // The folder dialog is the system's; the test hands the export its answer.
    let photos = {
        let app = &h.state().app;
        let snap = app.snapshot.as_ref().expect("snapshot");
        snap.albums[0]
            .group
            .photos
            .iter()
            .map(|&i| snap.photos[i].clone())
            .collect()
    };
    h.state_mut()
        .app
        .start_export_to(photos, out.path().to_path_buf());
    step_until(&mut h, "the export", |h| {
        h.query_by_label_contains("Copied 3 photos").is_some()
    });
    for (original, before) in originals.iter().zip(&before) {
        let copy = out.path().join(original.file_name().expect("name"));
        assert_eq!(
            std::fs::read(copy).expect("copy"),
            before.0,
            "byte-identical"
        );
        assert_eq!(&fingerprint(original), before, "the original is unchanged");
    }
}

#[test]
fn the_keyboard_moves_through_the_grid_selects_with_space_and_opens_with_enter() {
    let (lib, state) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    trip_library(lib.path());
    let mut h = trip_library_window(state.path(), lib.path());
    h.key_press(egui::Key::ArrowRight); // the cursor starts on the first photo
    h.key_press(egui::Key::ArrowRight);
    h.run_steps(2);
    h.key_press(egui::Key::Space);
    step_until(&mut h, "one selected", |h| {
        h.query_by_label("1 selected").is_some()
    });
    let snap = h.state().app.snapshot.clone().expect("snapshot");
    let selected: Vec<String> = h
        .state()
        .app
        .selection
        .photos
        .iter()
        .map(|&i| snap.photos[i].file_name().into_owned())
        .collect();
    assert_eq!(selected, ["b.jpg"]);
    h.key_press(egui::Key::Enter);
    step_until(&mut h, "the viewer", |h| {
        h.query_by_label("2 of 4").is_some()
    });
}

#[test]
fn a_photo_opens_large_and_the_arrow_keys_step_through() {
    let (lib, state) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    trip_library(lib.path());
    let mut h = harness(state.path(), Some(lib.path().to_path_buf()));
    step_until(&mut h, "the photos", |h| {
        h.query_by_label("b.jpg").is_some()
    });
    h.get_by_label("b.jpg").click();
    step_until(&mut h, "the viewer", |h| {
        h.query_by_label("2 of 4").is_some()
    });
    h.get_by_label("Details");
    h.key_press(egui::Key::ArrowRight);
    step_until(&mut h, "the next photo", |h| {
        h.query_by_label("3 of 4").is_some()
    });
    assert!(h.query_all_by_label("c.jpg").count() >= 1);
    h.key_press(egui::Key::ArrowLeft);
    h.key_press(egui::Key::ArrowLeft);
    step_until(&mut h, "the first photo", |h| {
        h.query_by_label("1 of 4").is_some()
    });
    h.key_press(egui::Key::Escape);
    step_until(&mut h, "the grid again", |h| {
        h.query_by_label("Details").is_none() && h.query_by_label("d.jpg").is_some()
    });
}

/// 600 photos of 640 x 480 in 20 folders: a scan long enough to be caught running.
fn big_library(root: &Path) {
    for i in 0..600 {
        write(
            &root.join(format!("{:02}/{i:04}.jpg", i % 20)),
            &util::jpeg(640, 480, i as u8),
        );
    }
}

#[test]
fn a_running_scan_can_be_cancelled() {
    let (lib, state) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    big_library(lib.path());
    let mut h = harness(state.path(), Some(lib.path().to_path_buf()));
    step_until(&mut h, "the Cancel button", |h| {
        h.query_by_label("Cancel").is_some()
    });
    h.get_by_label("Cancel").click();
    step_until(&mut h, "the end of the scan", |h| {
        !h.state().app.is_scanning()
    });
    step_until(&mut h, "the cancel message", |h| {
        h.query_by_label_contains("Scan cancelled").is_some()
    });
    let shown = h
        .state()
        .app
        .snapshot
        .as_ref()
        .map_or(0, |s| s.photos.len());
    assert!(
        shown < 600,
        "the scan ran to the end although it was cancelled"
    );
}

#[test]
fn places_view_shows_named_places_on_the_map_and_no_location() {
    let (lib, state) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    let located = |when, gps| ExifSpec {
        date_time_original: Some(when),
        gps: Some(gps),
        ..ExifSpec::default()
    };
    write(
        &lib.path().join("a.jpg"),
        &jpeg_with_exif(
            64,
            48,
            &located("2008:10:22 16:28:39", (43.4674, 11.8851, 0.0)),
        ),
    );
    write(
        &lib.path().join("b.jpg"),
        &jpeg_with_exif(
            64,
            48,
            &located("2008:10:22 17:00:07", (43.4645, 11.8815, 0.0)),
        ),
    );
    write(&lib.path().join("screenshot.png"), &util::png(40, 30));
    let mut h = harness(state.path(), Some(lib.path().to_path_buf()));
    step_until(&mut h, "the photos", |h| {
        h.query_by_label("screenshot.png").is_some() && !h.state().app.is_scanning()
    });
    h.get_by_label("Places").click();
    // The place is named in the sidebar and as a dot on the map.
    step_until(&mut h, "the place", |h| {
        h.query_all_by_label_contains("Arezzo, Tuscany, Italy")
            .count()
            >= 2
    });
    h.get_by_label("No location  ·  1");
    h.get_by_label("Italy  ·  2");
}

#[test]
fn content_view_learns_groups_in_the_background_and_a_group_can_be_renamed() {
    let (lib, state) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    // Two kinds of picture: red ones and blue ones, with a little texture.
    coloured_photos(lib.path(), 0..5);
    let mut h = harness(state.path(), Some(lib.path().to_path_buf()));
    step_until(&mut h, "the photos", |h| {
        h.state()
            .app
            .snapshot
            .as_ref()
            .is_some_and(|s| s.photos.len() == 10)
            && !h.state().app.is_scanning()
    });
    h.get_by_label("Content").click();
    h.run_steps(2);
    h.get_by_label_contains("Group these photos by what they show");
    h.get_by_label("Find groups in 10 photos").click();
    h.run_steps(2);
    assert!(
        h.state().app.clustering.is_some(),
        "the job runs in the background"
    );
    h.get_by_label("Cancel");
    step_until(&mut h, "the learned groups", |h| {
        h.state().app.clustering.is_none()
            && h.state()
                .app
                .snapshot
                .as_ref()
                .is_some_and(|s| !s.content.is_empty())
    });
    let snap = h.state().app.snapshot.clone().expect("snapshot");
    let total: usize = snap.content.iter().map(|c| c.group.photos.len()).sum();
    assert_eq!(total, 10);
    assert!(
        h.state()
            .app
            .last_clustering
            .as_deref()
            .is_some_and(|m| m.starts_with("Found")),
        "{:?}",
        h.state().app.last_clustering
    );
    h.get_by_label("Learn again");
    // Rename the first group through the sidebar's context menu.
    let first = format!(
        "{}  ·  {}",
        snap.content[0].group.label,
        snap.content[0].group.photos.len()
    );
    h.get_by_label(&first).click_secondary();
    h.run_steps(2);
    h.get_by_label("Rename…").click();
    h.run_steps(2);
    h.state_mut().app.renaming.as_mut().expect("renaming").1 = "Red things".into();
    h.run_steps(2);
    h.get_by_label("Rename").click();
    h.run_steps(3);
    step_until(&mut h, "the new name", |h| {
        h.state()
            .app
            .snapshot
            .as_ref()
            .is_some_and(|s| s.content.iter().any(|c| c.group.label == "Red things"))
    }); // Find similar from the viewer: the red photos come first.
    h.get_by_label("All photos").click();
    h.run_steps(2);
    h.get_by_label("red0.jpg").click();
    h.run_steps(3);
    assert!(h.state().app.viewer.is_some(), "the photo opened");
    h.get_by_label("Find similar").click();
    h.run_steps(2);
    assert!(h.state().app.similar.query.is_some(), "the search started");
    step_until(&mut h, "similar photos", |h| {
        assert_eq!(h.state().app.similar.error, None);
        h.state().app.similar.job.is_none() && !h.state().app.similar.section.is_empty()
    });
    assert_eq!(h.state().app.view, ViewMode::Similar);
    let names = |h: &Harness<'_, PhotoAtlasWindow>| -> Vec<String> {
        let snap = h.state().app.snapshot.as_ref().expect("snapshot");
        h.state().app.similar.section[0]
            .photos
            .iter()
            .map(|&i| snap.photos[i].file_name().into_owned())
            .collect()
    };
    let hits = names(&h);
    assert_eq!(hits.len(), 9, "{hits:?}");
    assert!(hits[..4].iter().all(|n| n.starts_with("red")), "{hits:?}");
    assert!(!hits.contains(&"red0.jpg".to_string()));
    // A photo dropped on the Similar view from outside is searched with.
    let outside = tempfile::tempdir().expect("tmp");
    let blue = outside.path().join("blue-copy.jpg");
    std::fs::copy(lib.path().join("blue3.jpg"), &blue).expect("copy");
    h.input_mut().dropped_files.push(egui::DroppedFile {
        path: Some(blue.clone()),
        ..Default::default()
    });
    step_until(&mut h, "photos like the dropped one", |h| {
        h.state().app.similar.query.as_deref() == Some(blue.as_path())
            && h.state().app.similar.job.is_none()
            && !h.state().app.similar.section.is_empty()
    });
    let hits = names(&h);
    assert_eq!(hits[0], "blue3.jpg", "{hits:?}");
    assert!(
        h.state().app.similar.scores.values().any(|&(_, dup)| dup),
        "the copy is a near-duplicate"
    );
}

#[test]
fn duplicates_view_lists_identical_files_and_deletes_nothing() {
    let (lib, state) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    trip_library(lib.path());
    std::thread::sleep(Duration::from_millis(20)); // the copy is newer than its original
    std::fs::copy(lib.path().join("b.jpg"), lib.path().join("b copy.jpg")).expect("copy");
    let before = util::snapshot(lib.path());
    let mut h = harness(state.path(), Some(lib.path().to_path_buf()));
    step_until(&mut h, "the photos", |h| {
        h.state()
            .app
            .snapshot
            .as_ref()
            .is_some_and(|s| s.photos.len() == 5)
            && !h.state().app.is_scanning()
    });
    h.get_by_label("Duplicates").click();
    step_until(&mut h, "the duplicate sets", |h| {
        h.state().app.duplicates.sections.is_some()
    });
    h.run_steps(2);
    let sections = h.state().app.duplicates.sections.clone().expect("sections");
    assert_eq!(sections.len(), 1, "{sections:?}");
    assert_eq!(sections[0].label, "Identical files");
    let snap = h.state().app.snapshot.clone().expect("snapshot");
    let mut names: Vec<String> = sections[0]
        .photos
        .iter()
        .map(|&i| snap.photos[i].file_name().into_owned())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["b copy.jpg", "b.jpg"]);
    h.get_by_label_contains("1 set, 2 photos");
    // All but the best file of the set are preselected: here the copy, newer than b.jpg.
    h.get_by_label("1 selected");
    let selected: Vec<String> = h
        .state()
        .app
        .selection
        .photos
        .iter()
        .map(|&i| snap.photos[i].file_name().into_owned())
        .collect();
    assert_eq!(selected, ["b copy.jpg"]);
    h.get_by_label("Select the best of each set").click();
    step_until(&mut h, "the keeper selected", |h| {
        h.state()
            .app
            .selection
            .photos
            .iter()
            .map(|&i| snap.photos[i].file_name().into_owned())
            .collect::<Vec<_>>()
            == ["b.jpg"]
    });
    assert_eq!(
        util::snapshot(lib.path()),
        before,
        "nothing was deleted or changed"
    );
}

#[test]
fn a_failing_task_says_why_in_the_window() {
    let state = tempfile::tempdir().expect("tmp");
    let gone = state.path().join("a folder that is not there");
    let mut h = harness(state.path(), Some(gone));
    step_until(&mut h, "why the folder cannot be read", |h| {
        h.query_all_by_label_contains("there is no such folder")
            .count()
            > 0
            && h.state().app.running_tasks().is_empty()
    });
    assert!(
        h.query_by_label_contains("The scan failed").is_some(),
        "the failed scan is reported too"
    );
    assert!(
        h.query_by_label_contains("this folder could not be read")
            .is_some(),
        "the grid says so instead of waiting"
    );
}

#[test]
fn opening_another_folder_cancels_the_first_ones_tasks_and_closing_joins_them() {
    let (big, small, state) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    big_library(big.path());
    trip_library(small.path());
    let mut h = harness(state.path(), Some(big.path().to_path_buf()));
    step_until(&mut h, "the first scan running", |h| {
        h.query_by_label("Cancel").is_some()
    });
    h.state_mut()
        .app
        .queue(photo_atlas::app::Command::OpenFolder(
            small.path().to_path_buf(),
        ));
    step_until(&mut h, "the second folder", |h| {
        h.query_all_by_label_contains("4 photos").count() > 0 && !h.state().app.is_scanning()
    });
    h.state_mut().app.shut_down();
    assert!(h.state().app.running_tasks().is_empty(), "every task ended");
    // The first scan stopped where it was cancelled: its folder is only partly catalogued.
    let catalog = photo_atlas_core::store::Catalog::open(&state.path().join("catalog.sqlite"))
        .expect("catalog");
    let folder = photo_atlas_core::library::PhotoFolder::open(big.path()).expect("folder");
    let read = catalog.photos_under(folder.key()).expect("photos").len();
    assert!(
        read < 600,
        "the first folder's scan went on: {read} of 600 read"
    );
}

/// Red and blue pictures with a little texture of their own.
fn coloured_photos(dir: &Path, per_colour: std::ops::Range<u32>) {
    for (kind, rgb) in [("red", [210u8, 40, 30]), ("blue", [30, 50, 220])] {
        for i in per_colour.clone() {
            let img = image::RgbImage::from_fn(80, 60, |x, y| {
                let t = ((x * 5 + y * 3 + i * 7) % 19) as u8;
                image::Rgb([rgb[0].saturating_add(t), rgb[1], rgb[2].saturating_add(t)])
            });
            img.save(dir.join(format!("{kind}{i}.jpg"))).expect("write");
        }
    }
}

#[test]
fn new_photos_join_the_learned_groups_after_a_rescan_without_retraining() {
    let (lib, state) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    coloured_photos(lib.path(), 0..5);
    let mut h = harness(state.path(), Some(lib.path().to_path_buf()));
    step_until(&mut h, "the photos", |h| {
        h.state()
            .app
            .snapshot
            .as_ref()
            .is_some_and(|s| s.photos.len() == 10)
            && h.state().app.running_tasks().is_empty()
    });
    h.get_by_label("Content").click();
    h.run_steps(2);
    h.get_by_label("Find groups in 10 photos").click();
    step_until(&mut h, "the learned groups", |h| {
        h.state().app.clustering.is_none()
            && h.state()
                .app
                .snapshot
                .as_ref()
                .is_some_and(|s| !s.content.is_empty())
    });
    let catalog = photo_atlas_core::store::Catalog::open(&state.path().join("catalog.sqlite"))
        .expect("catalog");
    let folder = photo_atlas_core::library::PhotoFolder::open(lib.path()).expect("folder");
    let learned = catalog
        .clusters(folder.key())
        .expect("read")
        .expect("clustered");

    // Copies under new names: each must join the group its original is in.
    let originals = ["red0.jpg", "red3.jpg", "blue1.jpg", "blue4.jpg"];
    for name in originals {
        std::fs::copy(
            lib.path().join(name),
            lib.path().join(format!("copy of {name}")),
        )
        .expect("copy");
    }
    h.state_mut()
        .app
        .queue(photo_atlas::app::Command::OpenFolder(
            lib.path().to_path_buf(),
        ));
    step_until(&mut h, "the new photos in the groups", |h| {
        let grouped = h.state().app.snapshot.as_ref().map_or(0, |s| {
            s.content
                .iter()
                .map(|c| c.group.photos.len())
                .sum::<usize>()
        });
        grouped == 14 && h.state().app.running_tasks().is_empty()
    });
    h.get_by_label_contains("4 new photos joined the groups");
    let now = catalog
        .clusters(folder.key())
        .expect("read")
        .expect("clustered");
    assert_eq!(now.model, learned.model, "the model was not trained again");
    let group_of = |name: &str| {
        now.members
            .iter()
            .find(|m| m.path.file_name().is_some_and(|n| n == name))
            .map(|m| m.cluster)
    };
    for name in originals {
        assert_eq!(
            group_of(&format!("copy of {name}")),
            group_of(name),
            "{name}"
        );
    }
    for m in &learned.members {
        let kept = now.members.iter().find(|n| n.path == m.path).expect("kept");
        assert_eq!(kept.cluster, m.cluster, "the old photos keep their groups");
    }
}

/// While the features are computed, their Stop button stays clear of Open folder
/// at the right of the status bar, however long the folder's path: the line that
/// says what the library is gets cut short instead.
#[test]
fn the_status_bar_keeps_stop_clear_of_open_folder_with_a_long_path() {
    use photo_atlas_core::jobs::{Progress, Task, no_waker};
    let (root, state) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    let lib = root
        .path()
        .join("a folder with a rather long name, as folders on a shared drive often have")
        .join("and another inside it, named by the camera's import tool");
    std::fs::create_dir_all(&lib).expect("folders");
    trip_library(&lib);
    let mut h = harness(state.path(), Some(lib.clone()));
    step_until(&mut h, "the scan over", |h| {
        !h.state().app.is_scanning() && h.state().app.snapshot.is_some()
    });
    // Features that run until they are stopped, 100 to do from the start (set
    // before the thread runs: set in it, a busy machine drew frames without it).
    let progress = std::sync::Arc::new(Progress::default());
    progress.start(photo_atlas_core::ml::train::Stage::Features, 100);
    let features = Task::spawn("features", progress, no_waker(), |cancel, _| {
        while !cancel.is_cancelled() {
            std::thread::sleep(Duration::from_millis(5));
        }
        Ok(None)
    });
    h.state_mut().app.features = Some(features);
    h.run_steps(3);
    let stop = h.get_by_label("Stop").rect();
    let open = h.get_by_label("Open folder…").rect();
    assert!(
        stop.right() < open.left() && stop.left() >= 0.0,
        "Stop {stop:?} beside Open folder {open:?}"
    );
    assert!(
        h.query_by_label_contains(&lib.display().to_string())
            .is_some(),
        "the whole path is still there, on hover and for a screen reader"
    );
    h.get_by_label("Stop").click();
    step_until(&mut h, "the features stopped", |h| {
        h.state().app.features.is_none()
    });
}
