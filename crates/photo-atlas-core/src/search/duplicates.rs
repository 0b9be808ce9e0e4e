//! Sets of duplicate photos in a folder: identical files first (same size and same
//! content hash), then near-duplicates (resized, re-compressed or lightly edited
//! copies), joined transitively. Two photos are near-duplicates when their backbone
//! features reach `NEAR_DUPLICATE` cosine similarity, or when their difference
//! hashes (9 x 8 grey gradients) differ in at most `HASH_BITS` bits and their
//! features still agree (`HASH_FEATURES`): small photos shift their features more
//! when resized than large ones, their gradients do not. Only reads; deleting is
//! left to the user.

use std::collections::HashMap;

use ndarray::Array2;
use rayon::prelude::*;

use super::NEAR_DUPLICATE;
use crate::jobs::CancelToken;
use crate::ml::features::{BACKBONE_MODEL, feature_matrix};
use crate::ml::metrics::l2_normalised;
use crate::ml::neighbours::nearest;
use crate::photo::PhotoRecord;
use crate::store::{Catalog, StoreError};

/// Bits in which the difference hashes of two near-duplicates may differ.
pub const HASH_BITS: u32 = 4;
/// The feature similarity two photos with close hashes must still have.
pub const HASH_FEATURES: f32 = 0.85;

/// The difference hash of a photo: for each of 8 rows of a 9 x 8 grey thumbnail,
/// whether each pixel is brighter than its right neighbour.
pub fn dhash(img: &image::RgbImage) -> u64 {
    let grey = image::imageops::grayscale(img);
    let small = image::imageops::resize(&grey, 9, 8, image::imageops::FilterType::Triangle);
    let mut bits = 0u64;
    for y in 0..8 {
        for x in 0..8 {
            let brighter = small.get_pixel(x, y)[0] > small.get_pixel(x + 1, y)[0];
            bits = (bits << 1) | u64::from(brighter);
        }
    }
    bits
}

/// The difference hash of each photo (`None` where it cannot be decoded).
fn hashes(photos: &[PhotoRecord], cancel: &CancelToken) -> Vec<Option<u64>> {
    photos
        .par_iter()
        .map(|p| {
            if cancel.is_cancelled() {
                return None;
            }
            crate::ml::features::upright_image(p, 32)
                .ok()
                .map(|img| dhash(&img))
        })
        .collect()
}

/// One set of duplicates, as indices into the photos it was found in.
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateSet {
    pub photos: Vec<usize>,
    /// Byte-for-byte copies; otherwise near-duplicates.
    pub identical: bool,
    /// The lowest similarity that joined the set (1 for identical files).
    pub similarity: f32,
}

/// "Identical files", or "Near-duplicates (0.97)".
pub fn label(set: &DuplicateSet) -> String {
    if set.identical {
        "Identical files".into()
    } else {
        format!("Near-duplicates ({:.2})", set.similarity)
    }
}

/// Photos with the same size and the same content hash (files that cannot be read are
/// skipped, and so is the rest once `cancel` is set).
pub fn identical_files(photos: &[PhotoRecord], cancel: &CancelToken) -> Vec<Vec<usize>> {
    let mut by_size: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, p) in photos.iter().enumerate().filter(|(_, p)| p.size > 0) {
        by_size.entry(p.size).or_default().push(i);
    }
    let candidates: Vec<usize> = by_size
        .into_values()
        .filter(|v| v.len() > 1)
        .flatten()
        .collect();
    let hashes: Vec<(usize, Option<u128>)> = candidates
        .par_iter()
        .map(|&i| {
            if cancel.is_cancelled() {
                return (i, None);
            }
            let hash = std::fs::read(&photos[i].path)
                .ok()
                .map(|b| xxhash_rust::xxh3::xxh3_128(&b));
            (i, hash)
        })
        .collect();
    let mut by_hash: HashMap<(u64, u128), Vec<usize>> = HashMap::new();
    for (i, hash) in hashes {
        if let Some(h) = hash {
            by_hash.entry((photos[i].size, h)).or_default().push(i);
        }
    }
    let mut sets: Vec<Vec<usize>> = by_hash.into_values().filter(|v| v.len() > 1).collect();
    sets.iter_mut().for_each(|s| s.sort_unstable());
    sets.sort();
    sets
}

fn find(parent: &mut [usize], i: usize) -> usize {
    let mut root = i;
    while parent[root] != root {
        root = parent[root];
    }
    let mut at = i;
    while parent[at] != root {
        let next = parent[at];
        parent[at] = root;
        at = next;
    }
    root
}

/// Rows (of `features`, one per `rows` entry, with the difference hash of each
/// row's photo) that are near-duplicates, joined transitively; each set with its
/// lowest joining feature similarity.
pub fn near_duplicate_sets(
    features: &Array2<f32>,
    rows: &[usize],
    hashes: &[Option<u64>],
) -> Vec<(Vec<usize>, f32)> {
    let unit = l2_normalised(features);
    let neighbours = nearest(&unit, 5);
    let mut parent: Vec<usize> = (0..unit.nrows()).collect();
    let mut weakest = vec![1.0f32; unit.nrows()];
    for (i, nn) in neighbours.iter().enumerate() {
        for &j in nn {
            let sim = unit.row(i).dot(&unit.row(j));
            let close_hashes = match (
                hashes.get(i).copied().flatten(),
                hashes.get(j).copied().flatten(),
            ) {
                (Some(a), Some(b)) => (a ^ b).count_ones() <= HASH_BITS,
                _ => false,
            };
            if sim >= NEAR_DUPLICATE || (close_hashes && sim >= HASH_FEATURES) {
                let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                let low = weakest[a].min(weakest[b]).min(sim);
                parent[a] = b;
                weakest[b] = low;
            }
        }
    }
    let mut sets: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, &row) in rows.iter().enumerate().take(unit.nrows()) {
        let root = find(&mut parent, i);
        sets.entry(root).or_default().push(row);
    }
    let mut out: Vec<(Vec<usize>, f32)> = sets
        .into_iter()
        .filter(|(_, members)| members.len() > 1)
        .map(|(root, mut members)| {
            members.sort_unstable();
            (members, weakest[root])
        })
        .collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

/// The duplicate sets among `photos`: identical files first, then near-duplicates
/// (from the cached backbone features; photos without them are compared byte for
/// byte only). Identical copies are not repeated among the near-duplicates: a
/// near-duplicate set shows one file of each identical set it touches. `None` once
/// `cancel` is set (checked per file).
pub fn find_duplicates(
    catalog: &Catalog,
    photos: &[PhotoRecord],
    cancel: &CancelToken,
) -> Result<Option<Vec<DuplicateSet>>, StoreError> {
    let identical = identical_files(photos, cancel);
    // Each photo's representative: the first file of its identical set, or itself.
    let mut representative: Vec<usize> = (0..photos.len()).collect();
    for set in &identical {
        set.iter().for_each(|&i| representative[i] = set[0]);
    }
    let mut out: Vec<DuplicateSet> = identical
        .into_iter()
        .map(|set| DuplicateSet {
            photos: set,
            identical: true,
            similarity: 1.0,
        })
        .collect();
    let vectors = catalog.cached_features(BACKBONE_MODEL, photos)?;
    let (rows, matrix) = feature_matrix(&vectors);
    let with_features: Vec<PhotoRecord> = rows.iter().map(|&i| photos[i].clone()).collect();
    let hashes = hashes(&with_features, cancel);
    if cancel.is_cancelled() {
        return Ok(None);
    }
    for (set, similarity) in near_duplicate_sets(&matrix, &rows, &hashes) {
        let mut shown: Vec<usize> = set.into_iter().map(|i| representative[i]).collect();
        shown.sort_unstable();
        shown.dedup();
        if shown.len() > 1 {
            out.push(DuplicateSet {
                photos: shown,
                identical: false,
                similarity,
            });
        }
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_files_are_found_by_content_not_by_name() {
        let dir = tempfile::tempdir().expect("tmp");
        let write = |name: &str, bytes: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).expect("write");
            PhotoRecord {
                size: bytes.len() as u64,
                ..PhotoRecord::bare(path.display().to_string())
            }
        };
        let photos = vec![
            write("a.jpg", b"same bytes here"),
            write("b.jpg", b"other bytes 123"), // same size, other content
            write("copy of a.jpg", b"same bytes here"),
            write("c.jpg", b"short"),
        ];
        assert_eq!(
            identical_files(&photos, &crate::jobs::CancelToken::new()),
            vec![vec![0, 2]]
        );
    }

    #[test]
    fn near_duplicates_join_transitively_and_distinct_photos_stay_apart() {
        let features = ndarray::arr2(&[
            [1.0f32, 0.0, 0.0],
            [0.99, 0.1, 0.0],
            [0.97, 0.2, 0.0], // close to row 1, a little less to row 0
            [0.0, 1.0, 0.0],
            [0.0, 0.0, 1.0],
        ]);
        let rows = [10, 11, 12, 13, 14];
        let no_hashes = [None; 5];
        let sets = near_duplicate_sets(&features, &rows, &no_hashes);
        assert_eq!(sets.len(), 1, "{sets:?}");
        assert_eq!(sets[0].0, vec![10, 11, 12]);
        assert!(sets[0].1 >= NEAR_DUPLICATE && sets[0].1 < 1.0);
        // Equal hashes join photos whose features agree less, but not unrelated ones.
        let looser = ndarray::arr2(&[[1.0f32, 0.0], [0.9, 0.436], [0.0, 1.0]]);
        let same = [Some(7), Some(7), Some(7)];
        let sets = near_duplicate_sets(&looser, &[0, 1, 2], &same);
        assert_eq!(sets.len(), 1, "{sets:?}");
        assert_eq!(sets[0].0, vec![0, 1]);
    }

    #[test]
    fn resized_and_recompressed_copies_keep_their_difference_hash() {
        let img = image::RgbImage::from_fn(150, 120, |x, y| {
            image::Rgb([(x * 255 / 150) as u8, ((x * y) % 256) as u8, (y * 2) as u8])
        });
        let small = image::imageops::resize(&img, 100, 80, image::imageops::FilterType::Triangle);
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 50)
            .encode_image(&small)
            .expect("encode");
        let copy = image::load_from_memory(&jpeg).expect("decode").to_rgb8();
        assert!((dhash(&img) ^ dhash(&copy)).count_ones() <= HASH_BITS);
        let flipped = image::imageops::flip_horizontal(&img);
        assert!((dhash(&img) ^ dhash(&flipped)).count_ones() > HASH_BITS);
    }
}
