//! Cohort statistics from level counts: a group's learners per level (in tenths) of one
//! competency give its median and interquartile range, without reading any learner's record.

use serde::{Deserialize, Serialize};

/// Cohorts smaller than this are not compared: too few to say anything, too easy to identify.
pub const MIN_COHORT: i64 = 5;

/// The bucket a level is counted in: its tenths, rounded.
pub fn bucket(level: f64) -> i64 {
    (level * 10.0).round() as i64
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    pub learners: i64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
}

/// One axis of the cohort radar chart: a competency, the learner's level on it, and the
/// cohort's median and interquartile range.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RadarAxis {
    pub label: String,
    pub learner: Option<f64>,
    pub spread: Option<Spread>,
}

/// What the cohort tile shows for one framework.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum CohortView {
    /// The learner against their group.
    Radar {
        framework: String,
        cohort: String,
        learners: i64,
        max_level: f64,
        axes: Vec<RadarAxis>,
    },
    /// The group is too small to compare against.
    TooSmall { cohort: String, learners: i64 },
    /// The learner is in no group.
    NoCohort,
}

/// A framework the cohort tile can switch to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FrameworkChoice {
    pub id: i64,
    pub name: String,
}

/// The nearest-rank quartiles of the levels counted in `buckets` (`(bucket, learners)` pairs,
/// in any order); `None` for an empty cohort.
pub fn spread(buckets: &[(i64, i64)]) -> Option<Spread> {
    let mut sorted: Vec<(i64, i64)> = buckets.iter().copied().filter(|(_, n)| *n > 0).collect();
    sorted.sort_unstable();
    let learners: i64 = sorted.iter().map(|(_, n)| n).sum();
    if learners == 0 {
        return None;
    }
    let at_rank = |p: f64| {
        let rank = ((p * learners as f64).ceil() as i64).max(1);
        let mut seen = 0;
        for (bucket, count) in &sorted {
            seen += count;
            if seen >= rank {
                return *bucket as f64 / 10.0;
            }
        }
        sorted.last().map(|(b, _)| *b as f64 / 10.0).unwrap_or(0.0)
    };
    Some(Spread {
        learners,
        q1: at_rank(0.25),
        median: at_rank(0.5),
        q3: at_rank(0.75),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn quartiles_of_a_small_cohort() {
        // Levels 1.0, 2.0, 2.0, 3.0, 4.0
        let spread = spread(&[(20, 2), (10, 1), (40, 1), (30, 1)]).unwrap();
        assert_eq!(spread.learners, 5);
        assert_eq!((spread.q1, spread.median, spread.q3), (2.0, 2.0, 3.0));
        assert_eq!(super::spread(&[]), None);
        assert_eq!(bucket(2.66), 27);
    }

    proptest! {
        #[test]
        fn counts_give_the_same_quartiles_as_the_sorted_levels(
            levels in prop::collection::vec(10i64..=40, 1..60),
        ) {
            let mut counts: Vec<(i64, i64)> = Vec::new();
            for level in &levels {
                match counts.iter_mut().find(|(b, _)| b == level) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((*level, 1)),
                }
            }
            let mut sorted = levels.clone();
            sorted.sort_unstable();
            let nearest = |p: f64| {
                let rank = ((p * sorted.len() as f64).ceil() as usize).max(1);
                sorted[rank - 1] as f64 / 10.0
            };
            let s = spread(&counts).unwrap();
            prop_assert_eq!(s.learners as usize, levels.len());
            prop_assert_eq!(s.q1, nearest(0.25));
            prop_assert_eq!(s.median, nearest(0.5));
            prop_assert_eq!(s.q3, nearest(0.75));
            prop_assert!(s.q1 <= s.median && s.median <= s.q3);
        }
    }
}
