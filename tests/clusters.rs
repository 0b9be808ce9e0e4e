//! Content clusters end to end through the command line: `cluster`, `groups --by
//! cluster`, `similar` (from the library and from a file outside it), `eval`, and
//! fine-tuning after new photos arrive. The real-photo test needs ../shared/data.

mod util;

use std::collections::HashMap;
use std::path::Path;

use util::{json_lines, run_cli, shared_data, snapshot, write};

/// Flat-colour photos with a little texture: three obvious kinds.
fn synthetic_library(dir: &Path) {
    let colours = [[200u8, 30, 30], [30, 160, 40], [40, 60, 210]];
    for (c, rgb) in colours.iter().enumerate() {
        for i in 0..6u32 {
            let img = image::RgbImage::from_fn(96, 72, |x, y| {
                let t = ((x * 7 + y * 3 + i * 11) % 23) as u8;
                image::Rgb([rgb[0].saturating_add(t), rgb[1].saturating_add(t), rgb[2]])
            });
            img.save(dir.join(format!("kind{c}-{i}.jpg")))
                .expect("write");
        }
    }
}

#[test]
fn cluster_groups_and_similar_work_on_a_small_library() {
    let lib = tempfile::tempdir().expect("tempdir");
    let state = tempfile::tempdir().expect("tempdir");
    synthetic_library(lib.path());
    let before = snapshot(lib.path());
    let folder = lib.path().to_str().expect("utf-8");
    let (ok, stdout, stderr) = run_cli(
        state.path(),
        &["cluster", folder, "--k", "3", "--device", "cpu"],
    );
    assert!(ok, "{stderr}");
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    assert!(stderr.contains("18 photos in 3 clusters"), "{stderr}");
    let (ok, stdout, stderr) = run_cli(
        state.path(),
        &["groups", folder, "--by", "cluster", "--json"],
    );
    assert!(ok, "{stderr}");
    let groups = json_lines(&stdout);
    assert_eq!(groups.len(), 3);
    for g in &groups {
        assert_eq!(g["level"], "cluster");
        let photos: Vec<&str> = g["photos"]
            .as_array()
            .expect("photos")
            .iter()
            .filter_map(|p| p.as_str())
            .collect();
        assert_eq!(g["count"].as_u64(), Some(photos.len() as u64));
        // Each cluster is one colour.
        let kinds: std::collections::HashSet<&str> = photos
            .iter()
            .map(|p| &p[p.rfind("kind").expect("name")..][..5])
            .collect();
        assert_eq!(kinds.len(), 1, "{photos:?}");
        let conf: Vec<f64> = g["confidence"]
            .as_array()
            .expect("confidence")
            .iter()
            .filter_map(|c| c.as_f64())
            .collect();
        assert!(
            conf.windows(2).all(|w| w[0] >= w[1]),
            "ordered by confidence: {conf:?}"
        );
    }
    let query = lib.path().join("kind1-0.jpg");
    let (ok, stdout, stderr) = run_cli(
        state.path(),
        &[
            "similar",
            query.to_str().expect("utf-8"),
            "-k",
            "4",
            "--json",
        ],
    );
    assert!(ok, "{stderr}");
    let hits = json_lines(&stdout);
    assert_eq!(hits.len(), 4);
    for hit in &hits {
        let path = hit["path"].as_str().expect("path");
        assert!(
            path.contains("kind1-") && !path.ends_with("kind1-0.jpg"),
            "{path}"
        );
        assert!(hit["score"].as_f64().is_some());
    }
    // The same seed on a fresh catalog gives the same clusters.
    let other_state = tempfile::tempdir().expect("tempdir");
    let (ok, _, stderr) = run_cli(
        other_state.path(),
        &["cluster", folder, "--k", "3", "--device", "cpu"],
    );
    assert!(ok, "{stderr}");
    let (_, again, _) = run_cli(
        other_state.path(),
        &["groups", folder, "--by", "cluster", "--json"],
    );
    let members = |out: &str| -> Vec<serde_json::Value> {
        json_lines(out)
            .into_iter()
            .map(|g| g["photos"].clone())
            .collect()
    };
    assert_eq!(
        members(&stdout_of_groups(state.path(), folder)),
        members(&again)
    );
    assert_eq!(snapshot(lib.path()), before, "the photos were not touched");
}

fn stdout_of_groups(state: &Path, folder: &str) -> String {
    run_cli(state, &["groups", folder, "--by", "cluster", "--json"]).1
}

#[test]
fn asking_for_clusters_before_clustering_says_what_to_do() {
    let lib = tempfile::tempdir().expect("tempdir");
    let state = tempfile::tempdir().expect("tempdir");
    synthetic_library(lib.path());
    let folder = lib.path().to_str().expect("utf-8");
    let (ok, _, stderr) = run_cli(state.path(), &["groups", folder, "--by", "cluster"]);
    assert!(!ok);
    assert!(stderr.contains("photo-atlas cluster"), "{stderr}");
    let (ok, _, stderr) = run_cli(state.path(), &["cluster", folder, "--k", "zero"]);
    assert!(!ok && stderr.contains("auto"), "{stderr}");
}

/// 25 photos of each of four intel-scenes classes, named by class.
fn scene_library(data: &Path, dir: &Path) -> HashMap<String, String> {
    let mut labels = HashMap::new();
    for class in ["buildings", "forest", "glacier", "sea"] {
        let mut files: Vec<_> =
            std::fs::read_dir(data.join("labeled/intel-scenes/test").join(class))
                .expect("class folder")
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
        files.sort();
        for f in files.iter().take(25) {
            let name = format!(
                "{class}-{}",
                f.file_name().and_then(|n| n.to_str()).expect("name")
            );
            std::fs::copy(f, dir.join(&name)).expect("copy");
            labels.insert(name, class.to_string());
        }
    }
    labels
}

#[test]
fn real_scenes_cluster_by_content_and_copies_are_found_first() {
    let Some(data) = shared_data() else { return };
    let lib = tempfile::tempdir().expect("tempdir");
    let state = tempfile::tempdir().expect("tempdir");
    let labels = scene_library(&data, lib.path());
    let folder = lib.path().to_str().expect("utf-8");
    let (ok, _, stderr) = run_cli(
        state.path(),
        &["cluster", folder, "--k", "4", "--device", "cpu"],
    );
    assert!(ok, "{stderr}");
    let (_, stdout, _) = run_cli(
        state.path(),
        &["groups", folder, "--by", "cluster", "--json"],
    );
    // Each cluster's most common class covers most of it.
    let mut matched = 0;
    for g in json_lines(&stdout) {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for p in g["photos"].as_array().expect("photos") {
            let name = Path::new(p.as_str().expect("path"))
                .file_name()
                .and_then(|n| n.to_str())
                .expect("name");
            *counts.entry(labels[name].as_str()).or_default() += 1;
        }
        matched += counts.values().max().copied().unwrap_or(0);
    }
    assert!(
        matched >= 80,
        "only {matched} of 100 photos sit with their majority class"
    );
    // A resized, re-compressed copy from outside the library finds its original first.
    let original = lib.path().join(
        labels
            .keys()
            .filter(|n| n.starts_with("forest"))
            .min()
            .expect("a forest photo"),
    );
    let outside = tempfile::tempdir().expect("tempdir");
    let copy = outside.path().join("copy.jpg");
    let img = image::open(&original).expect("decode");
    let small = img.resize(
        img.width() * 7 / 10,
        img.height() * 7 / 10,
        image::imageops::FilterType::Triangle,
    );
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 60)
        .encode_image(&small)
        .expect("encode");
    write(&copy, &bytes);
    let (ok, stdout, stderr) = run_cli(
        state.path(),
        &[
            "similar",
            copy.to_str().expect("utf-8"),
            "-k",
            "3",
            "--json",
        ],
    );
    assert!(ok, "{stderr}");
    let hits = json_lines(&stdout);
    let original = std::fs::canonicalize(&original).expect("canonical");
    assert_eq!(hits[0]["path"].as_str(), original.to_str(), "{hits:?}");
    // eval on the same photos (features come from the catalog's cache).
    let csv: String = std::iter::once("path,label".to_string())
        .chain(labels.iter().map(|(n, l)| format!("{n},{l}")))
        .collect::<Vec<_>>()
        .join("\n");
    let labels_file = outside.path().join("labels.csv");
    write(&labels_file, csv.as_bytes());
    let (ok, stdout, stderr) = run_cli(
        state.path(),
        &[
            "eval",
            folder,
            "--labels",
            labels_file.to_str().expect("utf-8"),
            "--json",
            "--device",
            "cpu",
        ],
    );
    assert!(ok, "{stderr}");
    let summary: serde_json::Value = serde_json::from_str(stdout.trim()).expect("json");
    assert_eq!(summary["n"], 100);
    assert_eq!(summary["k"], 4);
    for method in ["kmeans_features", "ae_kmeans", "dec"] {
        let nmi = summary["methods"][method]["nmi"].as_f64().expect("nmi");
        assert!(nmi > 0.5, "{method}: {summary}");
    }
    assert!(
        summary["precision_at_10"].as_f64().expect("p@10") > 0.7,
        "{summary}"
    );
    // New photos: the next run fine-tunes the stored model.
    let extra = data.join("labeled/intel-scenes/test/forest");
    let mut more: Vec<_> = std::fs::read_dir(&extra)
        .expect("forest")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    more.sort();
    for f in more.iter().rev().take(3) {
        std::fs::copy(
            f,
            lib.path().join(format!(
                "new-{}",
                f.file_name().and_then(|n| n.to_str()).expect("name")
            )),
        )
        .expect("copy");
    }
    let (ok, _, stderr) = run_cli(
        state.path(),
        &["cluster", folder, "--k", "4", "--device", "cpu"],
    );
    assert!(ok, "{stderr}");
    assert!(
        stderr.contains("fine-tuned from the stored model") && stderr.contains("103 photos"),
        "{stderr}"
    );
}
