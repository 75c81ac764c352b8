//! Scores pushed by a learning platform, shaped like LTI Assignment and Grade Services' Score:
//! what a valid one is, and how a score becomes a rubric level.

use serde::{Deserialize, Serialize};

/// A score as the platform sends it. Every field is optional here so that a malformed body can
/// be answered with each field at fault, not just the first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScorePush {
    pub sourced_id: Option<String>,
    pub user_id: Option<String>,
    pub line_item: Option<String>,
    pub score_given: Option<f64>,
    pub score_maximum: Option<f64>,
    pub activity_progress: Option<String>,
    pub grading_progress: Option<String>,
    pub timestamp: Option<String>,
    pub comment: Option<String>,
}

/// A score that passed every check.
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    pub sourced_id: String,
    pub user_id: String,
    pub line_item: String,
    pub score_given: f64,
    pub score_maximum: f64,
    /// RFC 3339, as sent.
    pub timestamp: String,
    pub comment: Option<String>,
}

/// A field at fault and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub reason: String,
}

const ACTIVITY: [&str; 5] = [
    "Initialized",
    "Started",
    "InProgress",
    "Submitted",
    "Completed",
];
const GRADING: [&str; 5] = [
    "FullyGraded",
    "Pending",
    "PendingManual",
    "Failed",
    "NotReady",
];

impl ScorePush {
    /// The score, or every field at fault. Only `FullyGraded` scores carry a result to record.
    pub fn validate(self) -> Result<Score, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut fault = |field: &'static str, reason: &str| {
            errors.push(FieldError {
                field,
                reason: reason.to_string(),
            })
        };
        let text = |value: Option<String>| {
            value
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let sourced_id = text(self.sourced_id);
        let user_id = text(self.user_id);
        let line_item = text(self.line_item);
        if sourced_id.as_ref().is_none_or(|id| id.len() > 255) {
            fault("sourcedId", "required, at most 255 characters");
        }
        if user_id.is_none() {
            fault("userId", "required: the learner's email or external id");
        }
        if line_item.is_none() {
            fault(
                "lineItem",
                "required: a competency code or a mapped line item",
            );
        }
        match (self.score_given, self.score_maximum) {
            (Some(given), Some(maximum)) => {
                if !(maximum.is_finite() && maximum > 0.0) {
                    fault("scoreMaximum", "must be a number above 0");
                } else if !(given.is_finite() && (0.0..=maximum).contains(&given)) {
                    fault("scoreGiven", "must be a number from 0 to scoreMaximum");
                }
            }
            (given, maximum) => {
                if given.is_none() {
                    fault("scoreGiven", "required");
                }
                if maximum.is_none() {
                    fault("scoreMaximum", "required");
                }
            }
        }
        match self.activity_progress.as_deref() {
            Some(progress) if ACTIVITY.contains(&progress) => {}
            _ => fault(
                "activityProgress",
                "one of Initialized, Started, InProgress, Submitted, Completed",
            ),
        }
        match self.grading_progress.as_deref() {
            Some("FullyGraded") => {}
            Some(progress) if GRADING.contains(&progress) => {
                fault("gradingProgress", "only FullyGraded scores are recorded")
            }
            _ => fault(
                "gradingProgress",
                "one of FullyGraded, Pending, PendingManual, Failed, NotReady",
            ),
        }
        let timestamp = text(self.timestamp);
        if !timestamp.as_deref().is_some_and(is_rfc3339) {
            fault(
                "timestamp",
                "required, an RFC 3339 date-time like 2026-11-22T10:00:00Z",
            );
        }
        let comment = text(self.comment);
        if comment.as_ref().is_some_and(|c| c.chars().count() > 2000) {
            fault("comment", "at most 2,000 characters");
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Score {
            sourced_id: sourced_id.unwrap_or_default(),
            user_id: user_id.unwrap_or_default(),
            line_item: line_item.unwrap_or_default(),
            score_given: self.score_given.unwrap_or_default(),
            score_maximum: self.score_maximum.unwrap_or(1.0),
            timestamp: timestamp.unwrap_or_default(),
            comment,
        })
    }
}

/// `2026-11-22T10:00:00Z` or with an offset and fractions: the shape, checked by hand so the
/// browser build needs no date library.
fn is_rfc3339(value: &str) -> bool {
    let bytes = value.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|b| b.iter().all(u8::is_ascii_digit))
    };
    bytes.len() >= 20
        && digits(0..4)
        && bytes[4] == b'-'
        && digits(5..7)
        && bytes[7] == b'-'
        && digits(8..10)
        && matches!(bytes[10], b'T' | b't')
        && digits(11..13)
        && bytes[13] == b':'
        && digits(14..16)
        && bytes[16] == b':'
        && digits(17..19)
        && (value.ends_with('Z') || value.ends_with('z') || value[19..].contains(['+', '-']))
}

/// The rubric level a score earns: `scoreGiven / scoreMaximum` scaled onto the rubric's points,
/// then the highest level whose points it reaches (at least the lowest level). `levels` are
/// `(level, points)`.
pub fn level_for(score_given: f64, score_maximum: f64, levels: &[(i64, f64)]) -> Option<i64> {
    let top_points = levels
        .iter()
        .map(|(_, points)| *points)
        .fold(f64::NAN, f64::max);
    let lowest = levels.iter().min_by(|a, b| a.1.total_cmp(&b.1))?;
    let scaled = score_given / score_maximum * top_points;
    Some(
        levels
            .iter()
            .filter(|(_, points)| *points <= scaled + 1e-9)
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap_or(lowest)
            .0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEVELS: [(i64, f64); 4] = [(1, 1.0), (2, 2.0), (3, 3.0), (4, 4.0)];

    fn push() -> ScorePush {
        ScorePush {
            sourced_id: Some("canvas-991".into()),
            user_id: Some("learner@demo.cairn".into()),
            line_item: Some("MA4-ALG-C-01".into()),
            score_given: Some(3.0),
            score_maximum: Some(4.0),
            activity_progress: Some("Completed".into()),
            grading_progress: Some("FullyGraded".into()),
            timestamp: Some("2026-11-22T10:00:00Z".into()),
            comment: None,
        }
    }

    #[test]
    fn a_complete_score_passes() {
        let score = push().validate().unwrap();
        assert_eq!(score.line_item, "MA4-ALG-C-01");
        assert_eq!((score.score_given, score.score_maximum), (3.0, 4.0));
    }

    #[test]
    fn every_field_at_fault_is_named() {
        let errors = ScorePush {
            score_given: Some(5.0),
            timestamp: Some("yesterday".into()),
            grading_progress: Some("Pending".into()),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "sourcedId",
                "userId",
                "lineItem",
                "scoreMaximum",
                "activityProgress",
                "gradingProgress",
                "timestamp"
            ]
        );
        let over = ScorePush {
            score_given: Some(5.0),
            ..push()
        };
        assert_eq!(over.validate().unwrap_err()[0].field, "scoreGiven");
    }

    #[test]
    fn scores_scale_onto_the_rubric_points() {
        assert_eq!(level_for(3.0, 4.0, &LEVELS), Some(3));
        assert_eq!(level_for(100.0, 100.0, &LEVELS), Some(4));
        assert_eq!(level_for(74.0, 100.0, &LEVELS), Some(2));
        assert_eq!(level_for(75.0, 100.0, &LEVELS), Some(3));
        assert_eq!(
            level_for(0.0, 10.0, &LEVELS),
            Some(1),
            "never below the lowest level"
        );
        assert_eq!(level_for(1.0, 2.0, &[]), None);
    }

    #[test]
    fn timestamps_are_checked_for_shape() {
        assert!(is_rfc3339("2026-11-22T10:00:00Z"));
        assert!(is_rfc3339("2026-11-22T10:00:00.123+10:00"));
        assert!(!is_rfc3339("2026-11-22"));
        assert!(!is_rfc3339("22/11/2026 10:00"));
    }
}
