//! Library search at 100,000 photos (goal from the search issue: under 50 ms a
//! query): synthetic photos with dates over five years, one of 40 places, one of
//! 8 cameras and ten top ImageNet classes each, searched for content words, dates,
//! places and combinations. Beside it, the same photos written one line each to a
//! text file and searched by `grep -c -w` for the place word (the reference: a
//! plain linear scan over the same data, process start included), as a ratio.
//! `cargo bench --bench search`; prints figures, asserts nothing.

use std::io::Write;
use std::time::Instant;

use photo_atlas_core::metadata::{CaptureTime, DateSource, parse_exif_datetime};
use photo_atlas_core::ml::classes::TopClasses;
use photo_atlas_core::photo::PhotoRecord;
use photo_atlas_core::search::index::SearchIndex;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;

const PHOTOS: usize = 100_000;
const CAMERAS: [&str; 8] = [
    "iPhone 13",
    "iPhone 15 Pro",
    "Pixel 7",
    "Galaxy S23",
    "EOS R6",
    "X-T4",
    "Z 6",
    "A7 III",
];

fn main() -> anyhow::Result<()> {
    let mut rng = Xoshiro256Plus::seed_from_u64(20);
    let places: Vec<Vec<String>> = (0..40)
        .map(|i| {
            vec![
                format!("city{i}"),
                format!("region{}", i / 4),
                format!("country{}", i / 10),
            ]
        })
        .collect();
    let (mut photos, mut names, mut tops) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..PHOTOS {
        let date = format!(
            "{}:{:02}:{:02} 12:00:00",
            2020 + rng.gen_range(0..5),
            rng.gen_range(1..=12),
            rng.gen_range(1..=28)
        );
        photos.push(PhotoRecord {
            taken: parse_exif_datetime(&date).map(|at| CaptureTime {
                at,
                source: DateSource::Exif,
            }),
            model: Some(CAMERAS[i % CAMERAS.len()].into()),
            ..PhotoRecord::bare(format!("/library/{i:06}.jpg"))
        });
        names.push(places[rng.gen_range(0..places.len())].clone());
        let mut mass = 1.0f32;
        let classes = (0..10)
            .map(|_| {
                let p = mass * rng.gen_range(0.2f32..0.6);
                mass -= p;
                (rng.gen_range(0u16..1000), p)
            })
            .collect();
        tops.push(Some(TopClasses(classes)));
    }
    let lines: Vec<String> = photos
        .iter()
        .zip(&names)
        .map(|(p, n)| {
            format!(
                "{:?} {} {:?}",
                p.taken.map(|t| t.at.local),
                n.join(" "),
                p.model
            )
        })
        .collect();
    let clock = Instant::now();
    let index = SearchIndex::new(&photos, names, tops);
    println!("index of {PHOTOS} photos built in {:.1} ms", ms(clock));
    let dump = tempfile::NamedTempFile::new()?;
    writeln!(dump.as_file(), "{}", lines.join("\n"))?;
    let grep = median(5, || {
        let clock = Instant::now();
        let out = std::process::Command::new("grep")
            .args(["-c", "-w", "city7"])
            .arg(dump.path())
            .output();
        (ms(clock), out.is_ok())
    });
    println!("reference: grep -c -w city7 over the same photos as text: {grep:.2} ms");
    println!(
        "{:<28} {:>8} {:>10} {:>12}",
        "query", "hits", "ms", "x grep"
    );
    for query in [
        "dog",
        "flower",
        "vehicle",
        "2023",
        "june 2024",
        "city7",
        "dog 2023 city7",
        "iphone",
        "xyzzy",
    ] {
        let mut hits = 0;
        let time = median(20, || {
            let clock = Instant::now();
            hits = index.search(query).hits.len();
            (ms(clock), true)
        });
        println!("{query:<28} {hits:>8} {time:>10.2} {:>12.2}", time / grep);
    }
    Ok(())
}

fn ms(clock: Instant) -> f64 {
    clock.elapsed().as_secs_f64() * 1000.0
}

/// The median of `runs` timings (runs that failed are left out).
fn median(runs: usize, mut once: impl FnMut() -> (f64, bool)) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| once())
        .filter(|r| r.1)
        .map(|r| r.0)
        .collect();
    times.sort_by(f64::total_cmp);
    times.get(times.len() / 2).copied().unwrap_or(f64::NAN)
}
