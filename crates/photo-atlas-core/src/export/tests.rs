//! Exports into temporary folders: copies byte-identical with the originals' times,
//! originals untouched, names that never overwrite, dates as names, a destination
//! inside the library refused, a missing photo reported, a cancel honoured.

use super::*;
use crate::metadata::{CaptureTime, DateSource, parse_exif_datetime};

fn photo(dir: &Path, name: &str, bytes: &[u8], when: Option<&str>) -> PhotoRecord {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(&path, bytes).expect("write");
    PhotoRecord {
        taken: when.map(|w| CaptureTime {
            at: parse_exif_datetime(w).expect("date"),
            source: DateSource::Exif,
        }),
        ..PhotoRecord::bare(path)
    }
}

fn names(report: &ExportReport) -> Vec<String> {
    report
        .written
        .iter()
        .filter_map(|p| p.file_name()?.to_str().map(String::from))
        .collect()
}

#[test]
fn copies_are_identical_names_never_overwrite_and_originals_stay_as_they_were() {
    let (lib, out) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    let photos = vec![
        photo(lib.path(), "a/IMG_0001.jpg", b"first", None),
        photo(lib.path(), "b/IMG_0001.jpg", b"second", None),
    ];
    std::fs::write(out.path().join("IMG_0001.jpg"), b"already there").expect("write");
    let before: Vec<_> = photos
        .iter()
        .map(|p| {
            std::fs::metadata(&p.path)
                .and_then(|m| m.modified())
                .expect("mtime")
        })
        .collect();
    let report = export(
        &photos,
        out.path(),
        &[lib.path().to_path_buf()],
        ExportOptions::default(),
        &CancelToken::new(),
        &Progress::default(),
    )
    .expect("export");
    assert_eq!(names(&report), ["IMG_0001 (2).jpg", "IMG_0001 (3).jpg"]);
    assert_eq!(
        std::fs::read(out.path().join("IMG_0001.jpg")).expect("read"),
        b"already there"
    );
    for (p, copy) in photos.iter().zip(&report.written) {
        assert_eq!(
            std::fs::read(copy).expect("copy"),
            std::fs::read(&p.path).expect("original")
        );
        let (m1, m2) = (
            std::fs::metadata(copy)
                .and_then(|m| m.modified())
                .expect("t"),
            std::fs::metadata(&p.path)
                .and_then(|m| m.modified())
                .expect("t"),
        );
        assert_eq!(m1, m2, "the copy keeps the original's time");
    }
    let after: Vec<_> = photos
        .iter()
        .map(|p| {
            std::fs::metadata(&p.path)
                .and_then(|m| m.modified())
                .expect("mtime")
        })
        .collect();
    assert_eq!(before, after);
    let leftovers = std::fs::read_dir(out.path())
        .expect("list")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("partial"))
        .count();
    assert_eq!(leftovers, 0);
}

#[test]
fn renamed_by_date_missing_files_reported_and_the_library_refused() {
    let (lib, out) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    let mut photos = vec![
        photo(lib.path(), "x.JPG", b"x", Some("2023:10:02 14:31:07")),
        photo(lib.path(), "y.jpg", b"y", Some("2023:10:02 14:31:07")),
        photo(lib.path(), "gone.jpg", b"z", None),
    ];
    std::fs::remove_file(&photos[2].path).expect("remove");
    let options = ExportOptions {
        rename_by_date: true,
    };
    let report = export(
        &photos,
        out.path(),
        &[lib.path().to_path_buf()],
        options,
        &CancelToken::new(),
        &Progress::default(),
    )
    .expect("export");
    assert_eq!(
        names(&report),
        ["2023-10-02 14.31.07.jpg", "2023-10-02 14.31.07 (2).jpg"]
    );
    assert_eq!(report.missing, [photos[2].path.clone()]);
    let inside = lib.path().join("exported");
    let refused = export(
        &photos,
        &inside,
        &[lib.path().to_path_buf()],
        options,
        &CancelToken::new(),
        &Progress::default(),
    );
    assert!(
        matches!(refused, Err(ExportError::IntoLibrary(..))),
        "{refused:?}"
    );
    photos.truncate(2);
    let cancel = CancelToken::new();
    cancel.cancel();
    let stopped = export(
        &photos,
        &out.path().join("later"),
        &[],
        options,
        &cancel,
        &Progress::default(),
    )
    .expect("export");
    assert!(stopped.cancelled && stopped.written.is_empty());
}

#[cfg(unix)]
#[test]
fn a_folder_without_write_permission_says_so_and_leaves_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let (lib, out) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    let photos = vec![photo(lib.path(), "a.jpg", b"a", None)];
    let locked = out.path().join("locked");
    std::fs::create_dir(&locked).expect("mkdir");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o500)).expect("chmod");
    // Root may write anyway; the check is meaningful only where permissions hold.
    if std::fs::write(locked.join("probe"), b"").is_ok() {
        return;
    }
    let result = export(
        &photos,
        &locked,
        &[],
        ExportOptions::default(),
        &CancelToken::new(),
        &Progress::default(),
    );
    let message = result.expect_err("refused").to_string();
    assert!(message.contains("permission denied"), "{message}");
    assert_eq!(std::fs::read_dir(&locked).expect("list").count(), 0);
}
