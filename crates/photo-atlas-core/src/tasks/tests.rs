//! Every kind of task stops when it is cancelled, and a failing task says why. The
//! work of each task is run with a token cancelled beforehand (so the check points
//! themselves are tested, with no race against a thread), and the same work without
//! the cancel gives a real answer, so each test would fail if the check were missing.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::*;
use crate::jobs::{CancelToken, Progress, Task, TaskError, no_waker};
use crate::ml::device::Device;
use crate::scanner::{ScanOptions, scan};
use crate::search::build::Coverage;
use crate::store::{Catalog, ClusterMember, Locations, SavedModel};

fn locations(state: &Path) -> Locations {
    Locations {
        catalog: state.join("catalog.sqlite"),
        cache: state.join("cache"),
    }
}

/// `n` small JPEGs of different colours.
fn photos(dir: &Path, n: usize) {
    for i in 0..n {
        let c = (i * 37 % 256) as u8;
        let img = image::RgbImage::from_fn(64, 48, |x, y| {
            image::Rgb([c, (x * 4) as u8, (y * 5) as u8 ^ c])
        });
        img.save(dir.join(format!("p{i:03}.jpg")))
            .expect("write jpeg");
    }
}

fn scanned(n: usize) -> (tempfile::TempDir, tempfile::TempDir, Locations) {
    let (lib, state) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    photos(lib.path(), n);
    let l = locations(state.path());
    scan_into(&l, lib.path());
    (lib, state, l)
}

/// Scans `folder` (metadata only) into the catalog of `l`.
fn scan_into(l: &Locations, folder: &Path) -> Catalog {
    let mut catalog = Catalog::open(&l.catalog).expect("catalog");
    let options = ScanOptions {
        thumbnails: None,
        exclude: Vec::new(),
    };
    let never = CancelToken::new();
    scan(&mut catalog, folder, &options, &never, &Progress::default()).expect("scan");
    catalog
}

/// Files read so far by a scan (0 until it reads).
fn reading(p: &Progress) -> usize {
    match p.stage::<crate::jobs::ScanStage>() {
        crate::jobs::ScanStage::Walking => 0,
        _ => p.done(),
    }
}

fn cancelled() -> CancelToken {
    let token = CancelToken::new();
    token.cancel();
    token
}

#[test]
fn a_running_task_sees_its_cancel_and_a_panic_is_reported() {
    let mut task: Task<usize, String> =
        Task::spawn("spin", Default::default(), no_waker(), |c, _| {
            let deadline = Instant::now() + Duration::from_secs(60);
            let mut turns = 0;
            while !c.is_cancelled() {
                if Instant::now() > deadline {
                    return Err("never cancelled".into());
                }
                turns += 1;
                std::thread::sleep(Duration::from_millis(1));
            }
            Ok(turns)
        });
    assert_eq!(task.poll(), None, "still running");
    task.cancel();
    assert!(task.wait().is_ok());

    let lost: Task<(), String> = Task::spawn("doomed", Default::default(), no_waker(), |_, _| {
        panic!("on purpose")
    });
    match lost.wait() {
        Err(TaskError::Lost { task, .. }) => assert_eq!(task, "doomed"),
        other => panic!("expected a lost task, got {other:?}"),
    }
}

#[test]
fn a_scan_stops_when_cancelled() {
    let (lib, state) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    photos(lib.path(), 300);
    let task = start_scan(
        &locations(state.path()),
        lib.path().to_path_buf(),
        no_waker(),
    );
    let deadline = Instant::now() + Duration::from_secs(120);
    while reading(task.progress()) == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    task.cancel();
    let report = task.wait().expect("scan");
    assert!(report.cancelled, "the scan says it was cancelled");
    assert!(
        report.read < 300,
        "it stopped early: {} of 300 read",
        report.read
    );
}

#[test]
fn clustering_stops_when_cancelled() {
    let (lib, _state, l) = scanned(12);
    let folder = lib.path().to_path_buf();
    let outcome = cluster_job::run(&l, &folder, Device::Cpu, &cancelled(), &Progress::default());
    assert!(matches!(outcome, Ok(None)), "cancelled: {outcome:?}");
}

#[test]
fn a_folder_read_stops_when_cancelled_and_a_missing_folder_says_why() {
    let (lib, _state, l) = scanned(5);
    let folder = lib.path().to_path_buf();
    let read = catalog_reads::load(&l, &folder, &[], &cancelled()).expect("load");
    assert!(read.is_none(), "cancelled");
    let read = catalog_reads::load(&l, &folder, &[], &CancelToken::new()).expect("load");
    assert_eq!(read.expect("not cancelled").snapshot.photos.len(), 5);

    let gone = start_load(&l, folder.join("gone"), Vec::new(), no_waker());
    let message = gone.wait().err().expect("an error").to_string();
    assert!(
        message.contains("not a folder Photo Atlas can open"),
        "{message}"
    );
    assert!(message.contains("gone"), "{message}");
}

#[test]
fn a_duplicates_search_stops_when_cancelled() {
    let (lib, _state, l) = scanned(4);
    std::fs::copy(lib.path().join("p000.jpg"), lib.path().join("copy.jpg")).expect("copy");
    let catalog = scan_into(&l, lib.path());
    let key = crate::library::PhotoFolder::open(lib.path()).expect("folder");
    let records = catalog.photos_under(key.key()).expect("photos");
    let sets = similar_job::duplicates(&l, &records, &cancelled()).expect("search");
    assert!(sets.is_none(), "cancelled");
    let sets = similar_job::duplicates(&l, &records, &CancelToken::new()).expect("search");
    assert_eq!(sets.expect("not cancelled").len(), 1, "the copy is found");
}

#[test]
fn a_similar_search_stops_when_cancelled() {
    let (lib, _state, l) = scanned(3);
    let folder = crate::library::PhotoFolder::open(lib.path()).expect("folder");
    let mut catalog = Catalog::open(&l.catalog).expect("catalog");
    let paths: Vec<PathBuf> = (0..3)
        .map(|i| folder.path().join(format!("p{i:03}.jpg")))
        .collect();
    let members: Vec<ClusterMember> = paths
        .iter()
        .enumerate()
        .map(|(i, p)| ClusterMember {
            path: p.to_str().expect("utf-8").into(),
            cluster: 0,
            confidence: 1.0,
            code: vec![1.0, i as f32],
            soft: vec![1.0],
        })
        .collect();
    let model = SavedModel::stand_in(vec![1280, 2], 1);
    catalog
        .save_clusters(folder.key(), &model, &members, &[(0, "all".into())])
        .expect("save");
    let hits = similar_job::similar(&l, &paths[0], &cancelled()).expect("search");
    assert!(hits.is_none(), "cancelled");
    let hits = similar_job::similar(&l, &paths[0], &CancelToken::new()).expect("search");
    assert_eq!(
        hits.expect("not cancelled").len(),
        2,
        "the other two photos"
    );
}

#[test]
fn a_search_index_stops_when_cancelled_and_then_answers_a_query() {
    let (lib, _state, l) = scanned(3);
    let catalog = scan_into(&l, lib.path());
    let key = crate::library::PhotoFolder::open(lib.path()).expect("folder");
    let records = catalog.photos_under(key.key()).expect("photos");
    let build = |coverage, cancel: &CancelToken| {
        search_job::index(&l, &records, coverage, cancel, &Progress::default()).expect("index")
    };
    assert!(
        build(Coverage::Complete, &cancelled()).is_none(),
        "cancelled"
    );
    let cached = build(Coverage::Cached, &CancelToken::new()).expect("not cancelled");
    assert_eq!(
        (cached.len(), cached.with_classes()),
        (3, 0),
        "no features yet"
    );
    let index = build(Coverage::Complete, &CancelToken::new()).expect("not cancelled");
    assert_eq!(index.with_classes(), 3, "every photo was classified");
    let (text, result) = start_query(index, "tench".into(), no_waker())
        .wait()
        .expect("query");
    assert_eq!(text, "tench");
    assert!(
        result.query.unknown.is_empty(),
        "tench is an ImageNet class"
    );
}
