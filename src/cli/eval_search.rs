//! `photo-atlas eval FOLDER --labels LABELS.csv --queries "forest=forest,glacier=ice"`:
//! how well the library search finds each labelled class by an ordinary word for
//! it. For each `label=query` pair: how many ImageNet classes the words reach,
//! precision among the first 20 hits, and recall of the class among the first N
//! (N = the class's size). Features are computed (and cached) where missing.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use serde_json::{Value, json};

use super::eval_cmd::{Labelled, labelled_photos};
use super::search_cmd::complete_index;
use photo_atlas_core::ml::device::DeviceChoice;
use photo_atlas_core::search::index::SearchIndex;
use photo_atlas_core::search::query::Term;
use photo_atlas_core::store::{Catalog, Locations};

/// Results looked at for precision.
const PRECISION_DEPTH: usize = 20;

/// `"forest=forest,glacier=ice"` into `(label, query)` pairs.
pub fn parse_queries(text: &str) -> anyhow::Result<Vec<(String, String)>> {
    text.split(',')
        .filter(|pair| !pair.trim().is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((label, query)) if !label.trim().is_empty() && !query.trim().is_empty() => {
                Ok((label.trim().to_string(), query.trim().to_string()))
            }
            _ => anyhow::bail!("each query needs label=words, got \"{pair}\""),
        })
        .collect()
}

pub fn run(
    catalog: &mut Catalog,
    locations: &Locations,
    folder: &Path,
    labels_path: &Path,
    queries: &[(String, String)],
    as_json: bool,
) -> anyhow::Result<ExitCode> {
    let Labelled {
        label_of, photos, ..
    } = labelled_photos(catalog, locations, folder, labels_path)?;
    anyhow::ensure!(
        !photos.is_empty(),
        "no labelled photo was found under {}",
        folder.display()
    );
    let truth: Vec<&str> = photos.iter().map(|p| label_of[&p.path].as_str()).collect();
    let index = complete_index(catalog, &photos, DeviceChoice::Auto)?.context("cancelled")?;
    let rows: Vec<Value> = queries
        .iter()
        .map(|(label, query)| score_query(&index, &truth, label, query))
        .collect();
    if as_json {
        println!("{}", json!({"n": photos.len(), "queries": rows}));
    } else {
        print_table(photos.len(), index.with_classes(), &rows);
    }
    Ok(ExitCode::SUCCESS)
}

/// One row: the query's precision@20 and recall@N against the photos labelled `label`.
fn score_query(index: &SearchIndex, truth: &[&str], label: &str, query: &str) -> Value {
    let result = index.search(query);
    let relevant = truth.iter().filter(|&&t| t == label).count();
    let is_hit = |&&(i, _): &&(usize, f32)| truth[i] == label;
    let first = result.hits.len().min(PRECISION_DEPTH);
    let precise = result
        .hits
        .iter()
        .take(PRECISION_DEPTH)
        .filter(is_hit)
        .count();
    let recalled = result.hits.iter().take(relevant).filter(is_hit).count();
    let classes: usize = result
        .query
        .terms
        .iter()
        .map(|t| match t {
            Term::Content { classes, .. } => classes.len(),
            _ => 0,
        })
        .sum();
    json!({
        "label": label,
        "query": query,
        "classes": classes,
        "understood": result.query.unknown_words_message().unwrap_or_else(|| result.query.describe()),
        "hits": result.hits.len(),
        "relevant": relevant,
        "precision_at_20": if first == 0 { 0.0 } else { precise as f64 / first as f64 },
        "recall_at_n": if relevant == 0 { 0.0 } else { recalled as f64 / relevant as f64 },
    })
}

fn print_table(n: usize, with_classes: usize, rows: &[Value]) {
    println!("{n} labelled photos, {with_classes} with top classes");
    println!(
        "{:<12} {:<14} {:>7} {:>6} {:>5} {:>6} {:>9}",
        "label", "query", "classes", "hits", "N", "P@20", "recall@N"
    );
    for r in rows {
        let count = |key: &str| r[key].as_u64().unwrap_or(0);
        println!(
            "{:<12} {:<14} {:>7} {:>6} {:>5} {:>6.2} {:>9.2}  {}",
            r["label"].as_str().unwrap_or(""),
            r["query"].as_str().unwrap_or(""),
            count("classes"),
            count("hits"),
            count("relevant"),
            r["precision_at_20"].as_f64().unwrap_or(f64::NAN),
            r["recall_at_n"].as_f64().unwrap_or(f64::NAN),
            r["understood"].as_str().unwrap_or("")
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_label_word_pairs_and_a_pair_without_words_is_refused() {
        let pairs = parse_queries("glacier=ice, sea = sea shore,").expect("pairs");
        assert_eq!(
            pairs,
            vec![
                ("glacier".to_string(), "ice".to_string()),
                ("sea".to_string(), "sea shore".to_string())
            ]
        );
        assert!(parse_queries("glacier").is_err());
        assert!(parse_queries("glacier=").is_err());
    }
}
