//! A scan killed at a random moment (SIGKILL, no chance to clean up) leaves a
//! consistent catalog, and the next scan completes it.

mod util;

use std::time::Duration;

#[test]
fn a_killed_scan_leaves_a_consistent_catalog_that_the_next_scan_completes() {
    let lib = tempfile::tempdir().expect("tempdir");
    let state = tempfile::tempdir().expect("tempdir");
    let count = 200;
    for i in 0..count {
        util::write(
            &lib.path().join(format!("{:02}/{i:04}.jpg", i % 10)),
            &util::jpeg(160, 120, i as u8),
        );
    }
    let folder = lib.path().display().to_string();
    for delay_ms in [30, 80, 160] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_photo-atlas"))
            .arg("--catalog")
            .arg(state.path().join("catalog.sqlite"))
            .args(["scan", &folder])
            .env("PHOTO_ATLAS_CACHE", state.path().join("cache"))
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start scan");
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().expect("kill");
        child.wait().expect("reap");
        let conn = rusqlite::Connection::open(state.path().join("catalog.sqlite")).expect("open");
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .expect("check");
        assert_eq!(check, "ok");
    }
    let (ok, stdout, stderr) = util::run_cli(state.path(), &["scan", &folder, "--json"]);
    assert!(ok, "{stderr}");
    let lines = util::json_lines(&stdout);
    assert_eq!(lines.len(), count);
    assert!(
        lines
            .iter()
            .all(|l| l["error"].is_null() && l["thumbnail"] == "ok"),
        "{stderr}"
    );
}
