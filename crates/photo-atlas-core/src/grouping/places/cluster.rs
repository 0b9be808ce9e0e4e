//! Density-based clustering of GPS positions with an adaptive radius.
//!
//! Positions become unit vectors, so straight-line (chord) distance orders pairs
//! exactly as great-circle distance does and a kd-tree can search them. Positions
//! closer than ~100 m are pooled into one cell first (a thousand shots from one
//! spot cost one point). Each cell's reach is twice the distance within which it
//! finds its `neighbours`-th photo (its local density, as in HDBSCAN's core
//! distance), bounded to [0.5 km, 25 km]; two cells join when each is within the
//! other's reach. A city walk (photos every 100 m) and a road trip (a photo every
//! 20 km) both come out as one place, while two towns 30 km apart stay two.

use std::collections::HashMap;

use kiddo::SquaredEuclidean;
use kiddo::float::kdtree::KdTree;

pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Tuning of the clustering; the defaults are described in the module docs.
#[derive(Clone, Copy, Debug)]
pub struct ClusterOptions {
    pub neighbours: usize,
    pub reach_factor: f64,
    pub min_reach_km: f64,
    pub max_reach_km: f64,
    pub cell_km: f64,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        Self {
            neighbours: 5,
            reach_factor: 2.0,
            min_reach_km: 0.5,
            max_reach_km: 25.0,
            cell_km: 0.1,
        }
    }
}

/// A latitude / longitude in degrees as a point on the unit sphere.
pub fn unit_vector(lat: f64, lon: f64) -> [f64; 3] {
    let (la, lo) = (lat.to_radians(), lon.to_radians());
    [la.cos() * lo.cos(), la.cos() * lo.sin(), la.sin()]
}

/// The latitude / longitude of a (not necessarily unit) vector.
pub fn to_lat_lon(v: [f64; 3]) -> (f64, f64) {
    let norm = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2])
        .sqrt()
        .max(f64::MIN_POSITIVE);
    (
        (v[2] / norm).clamp(-1.0, 1.0).asin().to_degrees(),
        v[1].atan2(v[0]).to_degrees(),
    )
}

/// Great-circle distance in km along the chord length `c` of the unit sphere.
fn chord_to_km(c: f64) -> f64 {
    2.0 * (c / 2.0).clamp(0.0, 1.0).asin() * EARTH_RADIUS_KM
}

fn km_to_chord(km: f64) -> f64 {
    2.0 * (km / EARTH_RADIUS_KM / 2.0)
        .min(std::f64::consts::FRAC_PI_2)
        .sin()
}

/// Great-circle distance between two positions, in km.
pub fn haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (va, vb) = (unit_vector(a.0, a.1), unit_vector(b.0, b.1));
    let c = ((va[0] - vb[0]).powi(2) + (va[1] - vb[1]).powi(2) + (va[2] - vb[2]).powi(2)).sqrt();
    chord_to_km(c)
}

struct Cell {
    sum: [f64; 3],
    count: usize,
}

/// Assigns each position a cluster label (0, 1, ...; labels are dense).
pub fn cluster_positions(positions: &[(f64, f64)], o: &ClusterOptions) -> Vec<usize> {
    let (cells, cell_of) = pool_into_cells(positions, o.cell_km);
    let centres: Vec<[f64; 3]> = cells.iter().map(|c| normalise(c.sum)).collect();
    let mut tree: KdTree<f64, u64, 3, 32, u32> = KdTree::with_capacity(centres.len().max(1));
    for (i, c) in centres.iter().enumerate() {
        tree.add(c, i as u64);
    }
    let reach: Vec<f64> = centres
        .iter()
        .map(|c| reach_of(&tree, &cells, c, o))
        .collect();
    let mut sets = UnionFind::new(cells.len());
    for (i, c) in centres.iter().enumerate() {
        for n in tree.nearest_n_within::<SquaredEuclidean>(c, reach[i] * reach[i], 64, false) {
            let j = n.item as usize;
            let limit = reach[i].min(reach[j]);
            if j != i && n.distance <= limit * limit {
                sets.union(i, j);
            }
        }
    }
    let mut labels = HashMap::new();
    cell_of
        .iter()
        .map(|&cell| {
            let root = sets.find(cell);
            let next = labels.len();
            *labels.entry(root).or_insert(next)
        })
        .collect()
}

fn normalise(v: [f64; 3]) -> [f64; 3] {
    let n = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2])
        .sqrt()
        .max(f64::MIN_POSITIVE);
    [v[0] / n, v[1] / n, v[2] / n]
}

/// Pools positions closer than about `cell_km` into cells; returns the cells and each position's cell.
fn pool_into_cells(positions: &[(f64, f64)], cell_km: f64) -> (Vec<Cell>, Vec<usize>) {
    let step = km_to_chord(cell_km);
    let mut index: HashMap<[i64; 3], usize> = HashMap::new();
    let mut cells: Vec<Cell> = Vec::new();
    let cell_of = positions
        .iter()
        .map(|&(lat, lon)| {
            let v = unit_vector(lat, lon);
            let key = v.map(|x| (x / step).round() as i64);
            let i = *index.entry(key).or_insert_with(|| {
                cells.push(Cell {
                    sum: [0.0; 3],
                    count: 0,
                });
                cells.len() - 1
            });
            let cell = &mut cells[i];
            (0..3).for_each(|k| cell.sum[k] += v[k]);
            cell.count += 1;
            i
        })
        .collect();
    (cells, cell_of)
}

/// Twice the distance within which the cell's photos plus its neighbours' reach `neighbours`.
fn reach_of(
    tree: &KdTree<f64, u64, 3, 32, u32>,
    cells: &[Cell],
    centre: &[f64; 3],
    o: &ClusterOptions,
) -> f64 {
    let mut seen = 0;
    let mut core = 0.0;
    for n in tree.nearest_n::<SquaredEuclidean>(centre, o.neighbours + 1) {
        seen += cells[n.item as usize].count;
        core = n.distance.sqrt();
        if seen >= o.neighbours {
            break;
        }
    }
    if seen < o.neighbours {
        core = km_to_chord(o.max_reach_km);
    }
    (core * o.reach_factor).clamp(km_to_chord(o.min_reach_km), km_to_chord(o.max_reach_km))
}

struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        Self {
            parent: (0..n).collect(),
        }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels_of(points: &[(f64, f64)]) -> Vec<usize> {
        cluster_positions(points, &ClusterOptions::default())
    }

    #[test]
    fn distances_are_great_circle() {
        let paris = (48.8566, 2.3522);
        let london = (51.5074, -0.1278);
        assert!((haversine_km(paris, london) - 343.5).abs() < 2.0);
        let (lat, lon) = to_lat_lon(unit_vector(-33.9, 151.2));
        assert!((lat + 33.9).abs() < 1e-9 && (lon - 151.2).abs() < 1e-9);
    }

    #[test]
    fn a_city_walk_is_one_place_and_a_town_30_km_away_another() {
        // 60 photos along a 6 km walk, and 10 photos in one spot 30 km east.
        let mut points: Vec<_> = (0..60)
            .map(|i| (43.46, 11.88 + f64::from(i) * 0.00125))
            .collect();
        points.extend((0..10).map(|_| (43.46, 12.25)));
        let labels = labels_of(&points);
        assert!(labels[..60].iter().all(|&l| l == labels[0]));
        assert!(labels[60..].iter().all(|&l| l == labels[60]));
        assert_ne!(labels[0], labels[60]);
    }

    #[test]
    fn a_road_trip_with_a_photo_every_15_km_is_one_place() {
        let points: Vec<_> = (0..30).map(|i| (45.0, 7.0 + f64::from(i) * 0.19)).collect();
        let labels = labels_of(&points);
        assert!(labels.iter().all(|&l| l == 0), "{labels:?}");
    }

    #[test]
    fn many_photos_from_the_same_spot_do_not_break_the_tree() {
        let mut points = vec![(10.0, 10.0); 5000];
        points.push((-10.0, -10.0));
        let labels = labels_of(&points);
        assert_eq!(labels[0], labels[4999]);
        assert_ne!(labels[0], labels[5000]);
    }

    #[test]
    fn the_antimeridian_does_not_split_a_place() {
        let labels = labels_of(&[(-17.0, 179.999), (-17.0, -179.999), (-17.001, 179.998)]);
        assert!(labels.iter().all(|&l| l == 0));
    }
}
