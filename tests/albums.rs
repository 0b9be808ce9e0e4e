//! Albums and export end to end through the command line: a day of a generated
//! library kept as an album by its group key, listed after the catalog is opened
//! again, exported twice (byte-identical copies, names that never overwrite, the
//! originals unchanged), exported by date names, and an export into the library refused.

mod util;

use std::path::{Path, PathBuf};

use util::{ExifSpec, jpeg_with_exif, run_cli, write};

fn library(dir: &Path) {
    for (name, when) in [
        ("a.jpg", "2019:07:12 10:00:00"),
        ("b.jpg", "2019:07:12 11:00:00"),
        ("c.jpg", "2020:03:03 09:00:00"),
    ] {
        let spec = ExifSpec {
            date_time_original: Some(when),
            ..ExifSpec::default()
        };
        write(&dir.join(name), &jpeg_with_exif(48, 32, &spec));
    }
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("list")
        .filter_map(|e| e.ok()?.file_name().to_str().map(String::from))
        .collect();
    names.sort();
    names
}

fn fingerprint(path: &Path) -> (Vec<u8>, std::time::SystemTime) {
    let meta = std::fs::metadata(path).expect("meta");
    (
        std::fs::read(path).expect("read"),
        meta.modified().expect("mtime"),
    )
}

#[test]
fn a_day_kept_as_an_album_is_exported_without_touching_the_originals() {
    let (lib, state, out) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    library(lib.path());
    let folder = lib.path().display().to_string();
    let originals: Vec<PathBuf> = ["a.jpg", "b.jpg", "c.jpg"]
        .iter()
        .map(|n| lib.path().join(n))
        .collect();
    let before: Vec<_> = originals.iter().map(|p| fingerprint(p)).collect();

    let (ok, stdout, stderr) = run_cli(
        state.path(),
        &[
            "album",
            "keep",
            "July",
            "--group",
            "2019-07-12",
            "--folder",
            &folder,
        ],
    );
    assert!(ok, "{stderr}");
    assert!(stdout.contains("Kept 2 photos"), "{stdout}");
    let (ok, stdout, _) = run_cli(state.path(), &["album", "list"]);
    assert!(ok && stdout.contains("July · 2 photos"), "{stdout}");

    let dest = out.path().join("july").display().to_string();
    for _ in 0..2 {
        let (ok, _, stderr) = run_cli(state.path(), &["export", "July", "--to", &dest]);
        assert!(ok, "{stderr}");
    }
    assert_eq!(
        listing(&out.path().join("july")),
        ["a (2).jpg", "a.jpg", "b (2).jpg", "b.jpg"]
    );
    assert_eq!(
        std::fs::read(out.path().join("july/a (2).jpg")).expect("copy"),
        before[0].0
    );
    let after: Vec<_> = originals.iter().map(|p| fingerprint(p)).collect();
    assert_eq!(before, after, "the originals are unchanged");

    let by_date = out.path().join("by-date").display().to_string();
    let (ok, _, stderr) = run_cli(
        state.path(),
        &[
            "export",
            "--group",
            "2020-03-03",
            "--folder",
            &folder,
            "--to",
            &by_date,
            "--rename-by-date",
        ],
    );
    assert!(ok, "{stderr}");
    assert_eq!(
        listing(&out.path().join("by-date")),
        ["2020-03-03 09.00.00.jpg"]
    );

    let inside = lib.path().join("copies").display().to_string();
    let (ok, _, stderr) = run_cli(state.path(), &["export", "July", "--to", &inside]);
    assert!(!ok, "an export into the library is refused");
    assert!(stderr.contains("inside the photo folder"), "{stderr}");
    assert!(
        !lib.path().join("copies").exists(),
        "nothing was made in the library"
    );

    std::fs::remove_file(&originals[1]).expect("delete b");
    let (ok, stdout, _) = run_cli(state.path(), &["album", "show", "July"]);
    assert!(ok && stdout.contains("b.jpg  (missing"), "{stdout}");
}

/// A 40 KB tmpfs at `at`, unmounted when dropped; `None` where mounting is not
/// allowed (not root, or no mount command), and then the test says it was skipped.
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(at: &Path) -> Option<Self> {
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=40k", "tmpfs"])
            .arg(at)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        mounted.then(|| Self(at.to_path_buf()))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn an_export_onto_a_full_disk_says_so_and_leaves_nothing_half_written() {
    let (lib, state, disk) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    // Twelve photos of about 10 KB each: more than the 40 KB disk holds.
    for i in 0..12u8 {
        let name = format!("p{i:02}.jpg");
        write(&lib.path().join(&name), &util::jpeg(400, 300, i));
    }
    let Some(_disk) = SmallDisk::mount(disk.path()) else {
        eprintln!("skipped: a small tmpfs cannot be mounted here (needs root)");
        return;
    };
    let (ok, _, stderr) = run_cli(state.path(), &["scan", &lib.path().display().to_string()]);
    assert!(ok, "{stderr}");
    let photos: Vec<String> = listing(lib.path())
        .iter()
        .map(|n| lib.path().join(n).display().to_string())
        .collect();
    let mut keep = vec!["album", "keep", "All"];
    keep.extend(photos.iter().map(String::as_str));
    let (ok, _, stderr) = run_cli(state.path(), &keep);
    assert!(ok, "{stderr}");
    let dest = disk.path().join("out");
    let (ok, _, stderr) = run_cli(
        state.path(),
        &["export", "All", "--to", &dest.display().to_string()],
    );
    assert!(!ok, "a full disk is a failure");
    assert!(stderr.contains("the disk is full"), "{stderr}");
    assert!(stderr.contains("nothing half-written was left"), "{stderr}");
    let copied = listing(&dest);
    assert!(
        !copied.is_empty() && copied.len() < 12,
        "some copied before the disk filled: {copied:?}"
    );
    for name in &copied {
        assert!(name.ends_with(".jpg"), "no partial file left: {name}");
        let copy = std::fs::read(dest.join(name)).expect("copy");
        assert_eq!(
            copy,
            std::fs::read(lib.path().join(name)).expect("original")
        );
    }
    assert_eq!(listing(lib.path()).len(), 12, "the library is untouched");
}
