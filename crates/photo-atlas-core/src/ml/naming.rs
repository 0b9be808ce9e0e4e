//! Names for content groups, from what the ImageNet classifier sees in them: the
//! group's average class probabilities, named by the most specific WordNet
//! concept that covers most of them ("Dogs", "Churches"), else by its two most
//! likely classes ("alp & valley", the only rule before the hierarchy shipped).
//! Kept apart from the learning so an evaluation can name stored groups both ways.

use candle_core::{Device, Tensor};
use ndarray::{Array2, Axis};

use super::efficientnet::{EfficientNetLite0, imagenet_classes, softmax};
use super::wordnet::Hierarchy;

/// How a group's average class probabilities become its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameRule {
    /// The most specific WordNet concept covering most of the probability, else the class pair.
    Concept,
    /// Always the first names of the two most likely classes.
    ClassPair,
}

/// One name per cluster `0..k` of the photos whose `features` are the rows, in the
/// cluster order; a repeated name gets a number ("Dogs (2)"), an empty cluster "Group n".
pub fn group_names(
    net: &EfficientNetLite0,
    device: &Device,
    features: &Array2<f32>,
    labels: &[usize],
    k: usize,
    rule: NameRule,
) -> candle_core::Result<Vec<String>> {
    let mut names: Vec<String> = Vec::with_capacity(k);
    for cluster in 0..k {
        let name = match mean_probabilities(net, device, features, labels, cluster)? {
            None => format!("Group {}", cluster + 1),
            Some(mean) => name_for(&mean, rule),
        };
        let repeats = names.iter().filter(|n| n.starts_with(&name)).count();
        names.push(if repeats > 0 {
            format!("{name} ({})", repeats + 1)
        } else {
            name
        });
    }
    Ok(names)
}

/// The name a group with these average class probabilities gets under `rule`.
pub fn name_for(mean: &[f32], rule: NameRule) -> String {
    let concept = match rule {
        NameRule::Concept => Hierarchy::shipped().name_for(mean),
        NameRule::ClassPair => None,
    };
    concept.unwrap_or_else(|| class_pair(mean))
}

/// The classifier's probabilities averaged over the cluster's photos, `None` if it has none.
fn mean_probabilities(
    net: &EfficientNetLite0,
    device: &Device,
    features: &Array2<f32>,
    labels: &[usize],
    cluster: usize,
) -> candle_core::Result<Option<Vec<f32>>> {
    let rows: Vec<usize> = (0..labels.len())
        .filter(|&i| labels[i] == cluster)
        .collect();
    if rows.is_empty() {
        return Ok(None);
    }
    let members = features.select(Axis(0), &rows);
    let flat: Vec<f32> = members.iter().copied().collect();
    let input = Tensor::from_vec(flat, members.dim(), device)?;
    let mean = softmax(&net.classify(&input)?)?.mean(0)?;
    Ok(Some(mean.to_vec1::<f32>()?))
}

/// "alp & valley": the first names of the two most likely classes.
fn class_pair(mean: &[f32]) -> String {
    let classes = imagenet_classes();
    let mut order: Vec<usize> = (0..mean.len()).collect();
    order.sort_by(|&a, &b| mean[b].total_cmp(&mean[a]));
    order
        .iter()
        .take(2)
        .filter_map(|&c| classes.get(c))
        .map(|name| name.split(',').next().unwrap_or(name).trim())
        .collect::<Vec<_>>()
        .join(" & ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probabilities(mass: &[(usize, f32)]) -> Vec<f32> {
        let mut p = vec![0.0; 1000];
        for &(c, m) in mass {
            p[c] = m;
        }
        p
    }

    #[test]
    fn class_pair_names_the_two_most_likely_classes_in_order() {
        // 970 alp, 979 valley, 1 goldfish.
        let p = probabilities(&[(979, 0.3), (970, 0.4), (1, 0.1)]);
        assert_eq!(name_for(&p, NameRule::ClassPair), "alp & valley");
    }

    #[test]
    fn concept_rule_names_breeds_by_their_ancestor_and_falls_back_to_the_pair() {
        // Four dog breeds hold most of the probability: Chihuahua, golden retriever,
        // German shepherd, pug (four toy dogs alone would be "Toy dogs").
        let dogs = probabilities(&[(151, 0.2), (207, 0.2), (235, 0.2), (254, 0.2), (1, 0.1)]);
        assert_eq!(name_for(&dogs, NameRule::Concept), "Dogs");
        assert_ne!(name_for(&dogs, NameRule::ClassPair), "Dogs");
        let scattered: Vec<f32> = vec![0.001; 1000];
        assert_eq!(
            name_for(&scattered, NameRule::Concept),
            name_for(&scattered, NameRule::ClassPair)
        );
    }
}
