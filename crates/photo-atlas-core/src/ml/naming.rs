//! Names for content groups, from what the ImageNet classifier sees in them: the
//! most specific WordNet concept holding the most likely class of at least half of
//! the group's photos ("Dogs", "Churches", "Mountains"), else the group's two most
//! likely classes on average ("alp & valley", the only rule before the hierarchy
//! shipped). Votes rather than average probabilities, because the network's
//! probabilities on a photo unlike ImageNet's are spread thin over many classes.
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
/// cluster order; an empty cluster is "Group n". When two groups would share a
/// concept, the larger keeps it and the other is named by its classes; a name that
/// still repeats gets a number ("alp & valley (2)").
pub fn group_names(
    net: &EfficientNetLite0,
    device: &Device,
    features: &Array2<f32>,
    labels: &[usize],
    k: usize,
    rule: NameRule,
) -> candle_core::Result<Vec<String>> {
    let shares: Vec<Option<ClassShares>> = (0..k)
        .map(|cluster| class_shares(net, device, features, labels, cluster))
        .collect::<candle_core::Result<_>>()?;
    let size = |c: usize| labels.iter().filter(|&&l| l == c).count();
    let mut by_size: Vec<usize> = (0..k).collect();
    by_size.sort_by_key(|&c| std::cmp::Reverse(size(c)));
    let mut names = vec![String::new(); k];
    let mut taken: Vec<String> = Vec::with_capacity(k);
    for c in by_size {
        let mut name = match &shares[c] {
            None => format!("Group {}", c + 1),
            Some(s) => name_for(s, rule),
        };
        if taken.contains(&name)
            && let Some(s) = &shares[c]
        {
            name = class_pair(&s.mean);
        }
        let repeats = taken.iter().filter(|n| n.starts_with(&name)).count();
        if repeats > 0 {
            name = format!("{name} ({})", repeats + 1);
        }
        taken.push(name.clone());
        names[c] = name;
    }
    Ok(names)
}

/// How a group's photos are shared among the classes, two ways.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassShares {
    /// The share of photos whose most likely class each class is.
    pub votes: Vec<f32>,
    /// The classifier's probabilities averaged over the photos.
    pub mean: Vec<f32>,
}

/// The name a group with these shares gets under `rule`: the concept holding most
/// of its photos' votes, else (and always for `ClassPair`) its two most likely classes.
pub fn name_for(shares: &ClassShares, rule: NameRule) -> String {
    let concept = match rule {
        NameRule::Concept => Hierarchy::shipped().name_for(&shares.votes),
        NameRule::ClassPair => None,
    };
    concept.unwrap_or_else(|| class_pair(&shares.mean))
}

/// The cluster's class shares, `None` if it has no photos.
fn class_shares(
    net: &EfficientNetLite0,
    device: &Device,
    features: &Array2<f32>,
    labels: &[usize],
    cluster: usize,
) -> candle_core::Result<Option<ClassShares>> {
    let rows: Vec<usize> = (0..labels.len())
        .filter(|&i| labels[i] == cluster)
        .collect();
    if rows.is_empty() {
        return Ok(None);
    }
    let members = features.select(Axis(0), &rows);
    let flat: Vec<f32> = members.iter().copied().collect();
    let input = Tensor::from_vec(flat, members.dim(), device)?;
    let probabilities = softmax(&net.classify(&input)?)?;
    let mean = probabilities.mean(0)?.to_vec1::<f32>()?;
    let mut votes = vec![0.0; mean.len()];
    for best in probabilities.argmax(1)?.to_vec1::<u32>()? {
        votes[best as usize] += 1.0 / rows.len() as f32;
    }
    Ok(Some(ClassShares { votes, mean }))
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

    /// Shares where the votes and the averages agree.
    fn probabilities(mass: &[(usize, f32)]) -> ClassShares {
        let mut p = vec![0.0; 1000];
        for &(c, m) in mass {
            p[c] = m;
        }
        ClassShares {
            votes: p.clone(),
            mean: p,
        }
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
        let scattered = ClassShares {
            votes: vec![0.001; 1000],
            mean: vec![0.001; 1000],
        };
        assert_eq!(
            name_for(&scattered, NameRule::Concept),
            name_for(&scattered, NameRule::ClassPair)
        );
    }
}
