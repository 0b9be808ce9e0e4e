//! End-to-end scans of generated libraries through the engine and the CLI:
//! the JSON contract, incremental rescans, removal, cancel, bad files, and
//! the promise that the photo folder is never written.

mod util;

use std::path::Path;

use photo_atlas_core::jobs::{CancelToken, Progress};
use photo_atlas_core::scanner::{ScanOptions, scan};
use photo_atlas_core::store::Catalog;
use serde_json::Value;
use util::{ExifSpec, jpeg_with_exif, json_lines, run_cli, write};

/// A small library: two trips, a screenshot, a broken file, an empty file, a
/// hidden folder, a text file and a decompression bomb.
fn make_library(root: &Path) {
    let trip = |d: &'static str| ExifSpec {
        date_time_original: Some(d),
        ..ExifSpec::default()
    };
    write(
        &root.join("2019/a.jpg"),
        &jpeg_with_exif(320, 240, &trip("2019:07:12 10:00:00")),
    );
    write(
        &root.join("2019/b.jpg"),
        &jpeg_with_exif(320, 240, &trip("2019:07:13 11:30:00")),
    );
    write(
        &root.join("2019/c.jpg"),
        &jpeg_with_exif(320, 240, &trip("2019:07:14 18:00:00")),
    );
    let rotated = ExifSpec {
        orientation: Some(6),
        ..trip("2020:03:03 09:00:00")
    };
    write(
        &root.join("2020/d.jpg"),
        &jpeg_with_exif(400, 200, &rotated),
    );
    write(
        &root.join("Screenshot_2021-05-06-07-08-09.png"),
        &util::png(50, 40),
    );
    let full = util::jpeg(200, 200, 3);
    write(&root.join("broken/truncated.jpg"), &full[..full.len() / 2]);
    write(&root.join("broken/empty.jpg"), b"");
    write(
        &root.join("broken/bomb.png"),
        &util::png_claiming_size(30_000, 30_000),
    );
    write(&root.join(".hidden/secret.jpg"), &util::jpeg(10, 10, 1));
    write(&root.join("notes.txt"), b"not a photo");
}

fn by_name(lines: &[Value]) -> std::collections::HashMap<String, Value> {
    lines
        .iter()
        .map(|v| {
            let path = v["path"].as_str().expect("path");
            (
                path.rsplit('/').next().expect("name").to_string(),
                v.clone(),
            )
        })
        .collect()
}

#[test]
fn scan_json_reports_every_photo_and_every_problem() {
    let lib = tempfile::tempdir().expect("tempdir");
    let state = tempfile::tempdir().expect("tempdir");
    make_library(lib.path());
    let (ok, stdout, stderr) = run_cli(
        state.path(),
        &["scan", &lib.path().display().to_string(), "--json"],
    );
    assert!(ok, "{stderr}");
    let files = by_name(&json_lines(&stdout));
    let mut names: Vec<_> = files.keys().cloned().collect();
    names.sort();
    let expected = [
        "Screenshot_2021-05-06-07-08-09.png",
        "a.jpg",
        "b.jpg",
        "bomb.png",
        "c.jpg",
        "d.jpg",
        "empty.jpg",
        "truncated.jpg",
    ];
    assert_eq!(names, expected);
    let a = &files["a.jpg"];
    assert_eq!(a["taken_at"], "2019-07-12T10:00:00");
    assert_eq!(a["date_source"], "exif");
    assert!(Path::new(a["path"].as_str().expect("path")).is_absolute());
    assert_eq!(
        (a["width"].as_u64(), a["error"].is_null()),
        (Some(320), true)
    );
    assert_eq!(files["d.jpg"]["orientation"], 6);
    let shot = &files["Screenshot_2021-05-06-07-08-09.png"];
    assert_eq!(
        (shot["taken_at"].as_str(), shot["date_source"].as_str()),
        (Some("2021-05-06T07:08:09"), Some("filename"))
    );
    for (name, needle) in [
        ("truncated.jpg", "truncated"),
        ("empty.jpg", "empty"),
        ("bomb.png", "30000 x 30000"),
    ] {
        let err = files[name]["error"].as_str().unwrap_or_default();
        assert!(err.contains(needle), "{name}: {err:?}");
    }
    assert!(stderr.contains("problems"), "{stderr}");
}

#[test]
fn thumbnails_are_made_upright_in_the_cache() {
    let lib = tempfile::tempdir().expect("tempdir");
    let state = tempfile::tempdir().expect("tempdir");
    make_library(lib.path());
    let (ok, _, stderr) = run_cli(state.path(), &["scan", &lib.path().display().to_string()]);
    assert!(ok, "{stderr}");
    let thumbs = util::thumbnail_sizes(state.path());
    assert_eq!(thumbs.len(), 5, "{thumbs:?}");
    // d.jpg is 400 x 200 with orientation 6: its thumbnail stands upright.
    assert!(thumbs.contains(&(128, 256)), "{thumbs:?}");
    assert!(thumbs.iter().all(|(w, h)| *w.max(h) <= 256));
}

#[test]
fn rescans_read_only_what_changed_and_forget_removed_files() {
    let lib = tempfile::tempdir().expect("tempdir");
    make_library(lib.path());
    let mut catalog = Catalog::open_in_memory().expect("catalog");
    let options = ScanOptions::default();
    let run = |c: &mut Catalog| {
        scan(
            c,
            lib.path(),
            &options,
            &CancelToken::new(),
            &Progress::default(),
        )
        .expect("scan")
    };
    let first = run(&mut catalog);
    assert_eq!((first.found, first.read), (8, 8));
    let again = run(&mut catalog);
    assert_eq!((again.read, again.unchanged, again.removed), (0, 8, 0));

    std::fs::remove_file(lib.path().join("2019/a.jpg")).expect("remove");
    let changed = ExifSpec {
        date_time_original: Some("2019:07:15 08:00:00"),
        ..ExifSpec::default()
    };
    write(
        &lib.path().join("2019/b.jpg"),
        &jpeg_with_exif(100, 100, &changed),
    );
    let third = run(&mut catalog);
    assert_eq!((third.read, third.removed), (1, 1));
    let photos = catalog.photos_under(&first.folder).expect("photos");
    assert_eq!(photos.len(), 7);
    let b = photos
        .iter()
        .find(|p| p.path.ends_with("2019/b.jpg"))
        .expect("b");
    assert_eq!(
        b.taken.map(|t| t.at.to_iso()).as_deref(),
        Some("2019-07-15T08:00:00")
    );
}

#[test]
fn a_cancelled_scan_loses_nothing_and_the_next_one_completes_it() {
    let lib = tempfile::tempdir().expect("tempdir");
    make_library(lib.path());
    let mut catalog = Catalog::open_in_memory().expect("catalog");
    let options = ScanOptions::default();
    scan(
        &mut catalog,
        lib.path(),
        &options,
        &CancelToken::new(),
        &Progress::default(),
    )
    .expect("scan");
    write(&lib.path().join("new/e.jpg"), &util::jpeg(20, 20, 9));
    let cancel = CancelToken::new();
    cancel.cancel();
    let cancelled = scan(
        &mut catalog,
        lib.path(),
        &options,
        &cancel,
        &Progress::default(),
    )
    .expect("scan");
    assert!(cancelled.cancelled);
    assert_eq!(
        cancelled.removed, 0,
        "a cancelled walk must not forget unseen files"
    );
    assert_eq!(
        catalog
            .photos_under(&cancelled.folder)
            .expect("photos")
            .len(),
        8
    );
    let done = scan(
        &mut catalog,
        lib.path(),
        &options,
        &CancelToken::new(),
        &Progress::default(),
    )
    .expect("scan");
    assert_eq!((done.read, done.cancelled), (1, false));
    assert_eq!(catalog.photos_under(&done.folder).expect("photos").len(), 9);
}

#[test]
fn groups_by_event_and_date_through_the_cli() {
    let lib = tempfile::tempdir().expect("tempdir");
    let state = tempfile::tempdir().expect("tempdir");
    make_library(lib.path());
    let folder = lib.path().display().to_string();
    let (ok, stdout, stderr) = run_cli(
        state.path(),
        &["groups", &folder, "--by", "event", "--json"],
    );
    assert!(ok, "{stderr}");
    let groups = json_lines(&stdout);
    let first = &groups[0];
    assert_eq!(first["label"], "12-14 July 2019");
    assert_eq!(first["count"], 3);
    assert_eq!(first["start"], "2019-07-12T10:00:00");
    assert_eq!(first["end"], "2019-07-14T18:00:00");
    assert_eq!(first["photos"].as_array().map(Vec::len), Some(3));
    assert!(groups.iter().any(|g| g["label"] == "Tuesday 3 March 2020"));

    let (ok, stdout, _) = run_cli(state.path(), &["groups", &folder, "--by", "date", "--json"]);
    assert!(ok);
    let dates = json_lines(&stdout);
    let labels: Vec<_> = dates.iter().filter_map(|g| g["label"].as_str()).collect();
    assert!(
        labels.starts_with(&["2019", "July 2019", "Friday 12 July 2019"]),
        "{labels:?}"
    );
}

#[test]
fn the_photo_folder_is_never_written() {
    let lib = tempfile::tempdir().expect("tempdir");
    let state = tempfile::tempdir().expect("tempdir");
    make_library(lib.path());
    let before = util::snapshot(lib.path());
    let folder = lib.path().display().to_string();
    for args in [
        vec!["scan", folder.as_str()],
        vec!["scan", folder.as_str(), "--json", "--no-thumbnails"],
        vec!["groups", folder.as_str(), "--by", "date"],
        vec!["groups", folder.as_str(), "--by", "event", "--json"],
    ] {
        let (ok, _, stderr) = run_cli(state.path(), &args);
        assert!(ok, "{args:?}: {stderr}");
    }
    assert_eq!(util::snapshot(lib.path()), before);
}

#[test]
fn a_missing_folder_is_a_clear_error() {
    let state = tempfile::tempdir().expect("tempdir");
    let (ok, _, stderr) = run_cli(state.path(), &["scan", "/definitely/not/here"]);
    assert!(!ok);
    assert!(
        stderr.contains("disappeared") || stderr.contains("not a folder"),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn an_unreadable_folder_is_reported_and_the_scan_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let lib = tempfile::tempdir().expect("tempdir");
    make_library(lib.path());
    let locked = lib.path().join("locked");
    write(&locked.join("x.jpg"), &util::jpeg(10, 10, 2));
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if std::fs::read_dir(&locked).is_ok() {
        eprintln!("SKIPPED: running as root, permissions are not enforced");
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        return;
    }
    let mut catalog = Catalog::open_in_memory().expect("catalog");
    let report = scan(
        &mut catalog,
        lib.path(),
        &ScanOptions::default(),
        &CancelToken::new(),
        &Progress::default(),
    );
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let report = report.expect("scan");
    assert_eq!(report.read, 8);
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.reason.contains("permission denied")),
        "{:?}",
        report.problems
    );
}
