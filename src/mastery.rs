//! The mastery engine: how a learner's evidence on one competency becomes a current level.
//! Pure functions over scores ordered by evidence time, oldest first, with the definitions
//! teachers know from Canvas. Superseded evidence is left out before it gets here.

use serde::{Deserialize, Serialize};

use crate::error::CoreError;

/// Defaults when a framework names a method without its parameter.
pub const DEFAULT_WEIGHT: f64 = 0.65;
pub const DEFAULT_DECAY_RATE: f64 = 0.65;
pub const DEFAULT_N: usize = 3;

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum MasteryMethod {
    /// The highest score.
    Highest,
    /// The newest score.
    Latest,
    /// The mean of all scores.
    Average,
    /// `w·sₖ + (1−w)·mean(s₁…sₖ₋₁)`, and `sₖ` alone when there is one score.
    WeightedAverage { weight: f64 },
    /// `d₁ = s₁`, `dᵢ = dᵢ₋₁·(1−r) + sᵢ·r`.
    DecayingAverage { rate: f64 },
    /// Scores below the mastery threshold are dropped; no level while fewer than `n` remain,
    /// else their mean.
    NMastery { n: usize },
}

impl MasteryMethod {
    /// The method a framework or competency stores as a name and an optional parameter
    /// (a fraction for the averages, a count for `n_mastery`).
    pub fn parse(name: &str, param: Option<f64>) -> Result<MasteryMethod, CoreError> {
        let fraction = |default: f64| -> Result<f64, CoreError> {
            match param {
                None => Ok(default),
                Some(p) if p > 0.0 && p < 1.0 => Ok(p),
                Some(p) => Err(CoreError::invalid(
                    "mastery method",
                    format!("{name} needs a weight between 0 and 1 (exclusive), not {p}"),
                )),
            }
        };
        match name {
            "highest" => Ok(MasteryMethod::Highest),
            "latest" => Ok(MasteryMethod::Latest),
            "average" => Ok(MasteryMethod::Average),
            "weighted_average" => Ok(MasteryMethod::WeightedAverage {
                weight: fraction(DEFAULT_WEIGHT)?,
            }),
            "decaying_average" => Ok(MasteryMethod::DecayingAverage {
                rate: fraction(DEFAULT_DECAY_RATE)?,
            }),
            "n_mastery" => match param {
                None => Ok(MasteryMethod::NMastery { n: DEFAULT_N }),
                Some(p) if p >= 1.0 && p.fract() == 0.0 => {
                    Ok(MasteryMethod::NMastery { n: p as usize })
                }
                Some(p) => Err(CoreError::invalid(
                    "mastery method",
                    format!("n_mastery needs a whole number of scores of at least 1, not {p}"),
                )),
            },
            other => Err(CoreError::invalid(
                "mastery method",
                format!(
                    "{other:?} is not one of highest, latest, average, weighted_average, \
                     decaying_average, n_mastery"
                ),
            )),
        }
    }

    /// The stored name.
    pub fn key(&self) -> &'static str {
        match self {
            MasteryMethod::Highest => "highest",
            MasteryMethod::Latest => "latest",
            MasteryMethod::Average => "average",
            MasteryMethod::WeightedAverage { .. } => "weighted_average",
            MasteryMethod::DecayingAverage { .. } => "decaying_average",
            MasteryMethod::NMastery { .. } => "n_mastery",
        }
    }

    /// The stored parameter: the weight or rate of the averages, the count of `n_mastery`.
    pub fn param(&self) -> Option<f64> {
        match self {
            MasteryMethod::WeightedAverage { weight } => Some(*weight),
            MasteryMethod::DecayingAverage { rate } => Some(*rate),
            MasteryMethod::NMastery { n } => Some(*n as f64),
            MasteryMethod::Highest | MasteryMethod::Latest | MasteryMethod::Average => None,
        }
    }

    /// How the method reads to a person: "Decaying average (65 %)".
    pub fn describe(&self) -> String {
        let percent = |f: f64| (f * 100.0).round();
        match self {
            MasteryMethod::Highest => "Highest score".into(),
            MasteryMethod::Latest => "Most recent score".into(),
            MasteryMethod::Average => "Average of all scores".into(),
            MasteryMethod::WeightedAverage { weight } => {
                format!(
                    "Weighted average ({} % on the most recent)",
                    percent(*weight)
                )
            }
            MasteryMethod::DecayingAverage { rate } => {
                format!("Decaying average ({} %)", percent(*rate))
            }
            MasteryMethod::NMastery { n } => {
                format!("Mean of scores at mastery, once there are {n}")
            }
        }
    }

    /// The method as a sentence a parent understands: "recent marks count more: the latest
    /// mark counts 65 % and all the marks before it 35 %".
    pub fn explain(&self) -> String {
        let percent = |f: f64| (f * 100.0).round();
        match self {
            MasteryMethod::Highest => "the highest mark so far is the level".into(),
            MasteryMethod::Latest => "the latest mark is the level".into(),
            MasteryMethod::Average => "the level is the average of all the marks".into(),
            MasteryMethod::WeightedAverage { weight } => format!(
                "the latest mark counts {} % and the average of the earlier ones {} %",
                percent(*weight),
                100.0 - percent(*weight)
            ),
            MasteryMethod::DecayingAverage { rate } => format!(
                "recent marks count more: each new mark counts {} % and all the marks before it {} %",
                percent(*rate),
                100.0 - percent(*rate)
            ),
            MasteryMethod::NMastery { n } => format!(
                "once there are {n} marks at the mastery level or above, the level is their \
                 average; marks below it do not count"
            ),
        }
    }

    /// The current level from scores ordered oldest first; `None` when there is none yet.
    pub fn current_level(&self, scores: &[f64], mastery_threshold: f64) -> Option<f64> {
        let (&newest, older) = scores.split_last()?;
        match *self {
            MasteryMethod::Highest => scores.iter().copied().reduce(f64::max),
            MasteryMethod::Latest => Some(newest),
            MasteryMethod::Average => Some(mean(scores)),
            MasteryMethod::WeightedAverage { weight } => {
                if older.is_empty() {
                    Some(newest)
                } else {
                    Some(weight * newest + (1.0 - weight) * mean(older))
                }
            }
            MasteryMethod::DecayingAverage { rate } => scores
                .iter()
                .copied()
                .reduce(|decayed, score| decayed * (1.0 - rate) + score * rate),
            MasteryMethod::NMastery { n } => {
                let qualifying: Vec<f64> = scores
                    .iter()
                    .copied()
                    .filter(|s| *s >= mastery_threshold)
                    .collect();
                (qualifying.len() >= n.max(1)).then(|| mean(&qualifying))
            }
        }
    }

    /// Which of the scores (by position) produced the level: what the explanation lists.
    pub fn contributing(&self, scores: &[f64], mastery_threshold: f64) -> Vec<usize> {
        match self {
            MasteryMethod::Highest => scores
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1).then(a.0.cmp(&b.0)))
                .map(|(i, _)| vec![i])
                .unwrap_or_default(),
            MasteryMethod::Latest => scores.len().checked_sub(1).into_iter().collect(),
            MasteryMethod::NMastery { .. } => (0..scores.len())
                .filter(|&i| scores[i] >= mastery_threshold)
                .collect(),
            _ => (0..scores.len()).collect(),
        }
    }
}

/// One piece of evidence as a replay sees it: its level, and the earlier record it corrects.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mark {
    pub id: i64,
    pub level: f64,
    pub supersedes: Option<i64>,
}

/// A point where the level changed while replaying evidence: the mark (by position) that
/// changed it, and the level before and after.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Change {
    pub mark: usize,
    pub from: Option<f64>,
    pub to: Option<f64>,
}

impl MasteryMethod {
    /// Replays marks in the order they happened (a correction takes the corrected mark out
    /// of the count from then on) and returns each point where the level changed. The last
    /// change's `to` is the current level of the live marks.
    pub fn replay(&self, marks: &[Mark], mastery_threshold: f64) -> Vec<Change> {
        let mut live: Vec<(i64, f64)> = Vec::with_capacity(marks.len());
        let mut corrected: Vec<i64> = Vec::new();
        let mut level: Option<f64> = None;
        let mut changes = Vec::new();
        for (position, mark) in marks.iter().enumerate() {
            if let Some(old) = mark.supersedes {
                live.retain(|(id, _)| *id != old);
                corrected.push(old);
            }
            // A mark corrected by one dated before it never counts.
            if !corrected.contains(&mark.id) {
                live.push((mark.id, mark.level));
            }
            let scores: Vec<f64> = live.iter().map(|(_, score)| *score).collect();
            let next = self.current_level(&scores, mastery_threshold);
            let changed = match (level, next) {
                (Some(a), Some(b)) => (a - b).abs() > 1e-9,
                (None, None) => false,
                _ => true,
            };
            if changed {
                changes.push(Change {
                    mark: position,
                    from: level,
                    to: next,
                });
                level = next;
            }
        }
        changes
    }
}

fn mean(scores: &[f64]) -> f64 {
    scores.iter().sum::<f64>() / scores.len() as f64
}

/// Rubric levels still to climb before mastery: "2 of 3 levels — Proficient next".
pub fn steps_remaining(level: Option<f64>, mastery_level: f64) -> i64 {
    let reached = level.map(f64::floor).unwrap_or(0.0);
    (mastery_level.ceil() - reached).max(0.0) as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn round2(x: Option<f64>) -> Option<f64> {
        x.map(|x| (x * 100.0).round() / 100.0)
    }

    const RISING: [f64; 4] = [1.0, 2.0, 3.0, 4.0];

    #[test]
    fn the_examples_of_the_product_specification() {
        let decaying = MasteryMethod::parse("decaying_average", None).unwrap();
        let weighted = MasteryMethod::parse("weighted_average", None).unwrap();
        assert_eq!(round2(decaying.current_level(&RISING, 3.0)), Some(3.48));
        assert_eq!(round2(weighted.current_level(&RISING, 3.0)), Some(3.30));
        assert_eq!(
            MasteryMethod::Highest.current_level(&RISING, 3.0),
            Some(4.0)
        );
        assert_eq!(
            MasteryMethod::Latest.current_level(&[4.0, 2.0], 3.0),
            Some(2.0)
        );
        assert_eq!(
            MasteryMethod::Average.current_level(&RISING, 3.0),
            Some(2.5)
        );
    }

    #[test]
    fn one_score_is_its_own_level_for_the_averages() {
        for method in [
            "average",
            "weighted_average",
            "decaying_average",
            "latest",
            "highest",
        ] {
            let method = MasteryMethod::parse(method, None).unwrap();
            assert_eq!(method.current_level(&[2.0], 3.0), Some(2.0), "{method:?}");
        }
    }

    #[test]
    fn n_mastery_waits_for_n_scores_at_mastery() {
        let method = MasteryMethod::parse("n_mastery", Some(2.0)).unwrap();
        assert_eq!(method.current_level(&[4.0, 1.0, 2.0], 3.0), None);
        assert_eq!(method.current_level(&[4.0, 1.0, 3.0], 3.0), Some(3.5));
        assert_eq!(method.contributing(&[4.0, 1.0, 3.0], 3.0), vec![0, 2]);
    }

    #[test]
    fn no_evidence_means_no_level() {
        for method in [
            MasteryMethod::Highest,
            MasteryMethod::Latest,
            MasteryMethod::Average,
            MasteryMethod::NMastery { n: 1 },
        ] {
            assert_eq!(method.current_level(&[], 3.0), None);
        }
    }

    #[test]
    fn parameters_out_of_range_are_refused_with_a_reason() {
        let err = MasteryMethod::parse("weighted_average", Some(1.5)).unwrap_err();
        assert!(err.to_string().contains("between 0 and 1"), "{err}");
        assert!(MasteryMethod::parse("n_mastery", Some(2.5)).is_err());
        assert!(MasteryMethod::parse("median", None)
            .unwrap_err()
            .to_string()
            .contains("not one of"));
        let method = MasteryMethod::parse("decaying_average", Some(0.8)).unwrap();
        assert_eq!(method.describe(), "Decaying average (80 %)");
        assert_eq!(method.key(), "decaying_average");
    }

    #[test]
    fn steps_count_whole_levels_to_mastery() {
        assert_eq!(steps_remaining(None, 3.0), 3);
        assert_eq!(steps_remaining(Some(1.0), 3.0), 2);
        assert_eq!(steps_remaining(Some(2.7), 3.0), 1);
        assert_eq!(steps_remaining(Some(3.0), 3.0), 0);
        assert_eq!(steps_remaining(Some(4.0), 3.0), 0);
    }

    fn marks(levels: &[f64]) -> Vec<Mark> {
        levels
            .iter()
            .enumerate()
            .map(|(i, level)| Mark {
                id: i as i64 + 1,
                level: *level,
                supersedes: None,
            })
            .collect()
    }

    #[test]
    fn a_replay_lists_only_the_marks_that_changed_the_level() {
        let changes = MasteryMethod::Highest.replay(&marks(&[2.0, 1.0, 3.0, 3.0]), 3.0);
        assert_eq!(
            changes,
            vec![
                Change {
                    mark: 0,
                    from: None,
                    to: Some(2.0)
                },
                Change {
                    mark: 2,
                    from: Some(2.0),
                    to: Some(3.0)
                },
            ]
        );
    }

    #[test]
    fn a_correction_takes_the_corrected_mark_out_of_the_count() {
        let mut replayed = marks(&[2.0, 4.0]);
        replayed.push(Mark {
            id: 3,
            level: 1.0,
            supersedes: Some(2),
        });
        let changes = MasteryMethod::Highest.replay(&replayed, 3.0);
        assert_eq!(changes.last().unwrap().to, Some(2.0));
        assert_eq!(changes.last().unwrap().mark, 2);
    }

    fn scores() -> impl Strategy<Value = Vec<f64>> {
        prop::collection::vec((1u8..=4).prop_map(f64::from), 1..20)
    }

    fn methods() -> impl Strategy<Value = MasteryMethod> {
        prop_oneof![
            Just(MasteryMethod::Highest),
            Just(MasteryMethod::Latest),
            Just(MasteryMethod::Average),
            (0.05f64..0.95).prop_map(|weight| MasteryMethod::WeightedAverage { weight }),
            (0.05f64..0.95).prop_map(|rate| MasteryMethod::DecayingAverage { rate }),
            (1usize..5).prop_map(|n| MasteryMethod::NMastery { n }),
        ]
    }

    proptest! {
        #[test]
        fn highest_is_at_least_every_score(scores in scores()) {
            let level = MasteryMethod::Highest.current_level(&scores, 3.0).unwrap();
            prop_assert!(scores.iter().all(|s| level >= *s));
        }

        #[test]
        fn every_level_lies_between_the_lowest_and_highest_score(
            scores in scores(),
            method in methods(),
        ) {
            let min = scores.iter().copied().fold(f64::INFINITY, f64::min);
            let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            if let Some(level) = method.current_level(&scores, 3.0) {
                prop_assert!(level >= min - 1e-9 && level <= max + 1e-9, "{level} not in [{min}, {max}]");
            }
        }

        #[test]
        fn n_mastery_gives_no_level_with_fewer_than_n_qualifying_scores(
            scores in scores(),
            n in 1usize..6,
        ) {
            let qualifying = scores.iter().filter(|s| **s >= 3.0).count();
            let level = MasteryMethod::NMastery { n }.current_level(&scores, 3.0);
            prop_assert_eq!(level.is_some(), qualifying >= n);
            if let Some(level) = level {
                prop_assert!(level >= 3.0);
            }
        }

        #[test]
        fn a_replay_ends_at_the_current_level(scores in scores(), method in methods()) {
            let changes = method.replay(&marks(&scores), 3.0);
            let end = changes.last().and_then(|change| change.to);
            let current = method.current_level(&scores, 3.0);
            prop_assert_eq!(end.map(|l| (l * 1e6).round()), current.map(|l| (l * 1e6).round()));
            prop_assert!(changes.windows(2).all(|w| w[0].to == w[1].from && w[0].mark < w[1].mark));
        }

        #[test]
        fn latest_is_the_newest_score(scores in scores()) {
            prop_assert_eq!(MasteryMethod::Latest.current_level(&scores, 3.0), scores.last().copied());
        }

        #[test]
        fn the_explanation_names_only_scores_that_exist(scores in scores(), method in methods()) {
            let used = method.contributing(&scores, 3.0);
            prop_assert!(used.iter().all(|i| *i < scores.len()));
            if method.current_level(&scores, 3.0).is_some() {
                prop_assert!(!used.is_empty());
            }
        }
    }
}
