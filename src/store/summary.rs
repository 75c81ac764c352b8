//! A learner's week at a glance, for the homes of the learner and their parents: how mastery
//! moved since a week ago, the latest feedback from teachers, and what is new since the
//! viewer last came.

use std::collections::HashMap;

use super::levels::{rule, Rule, RuleRow, METHOD_SQL};
use super::Store;
use crate::error::CoreResult;
use crate::model::{FeedbackNote, UserId};

/// How many notes of feedback a summary shows.
const NOTES: i64 = 3;

impl Store {
    /// How many competencies `learner` had mastered at `before` (a stored timestamp): each
    /// level worked out again from the evidence observed until then, by its competency's
    /// method, as it would have been shown that day.
    pub async fn mastered_at(
        &self,
        learner: UserId,
        institution: i64,
        before: &str,
    ) -> CoreResult<usize> {
        let rules: Vec<RuleRow> =
            sqlx::query_as(&format!("{METHOD_SQL} WHERE f.institution_id = $1"))
                .bind(institution)
                .fetch_all(self.pool())
                .await?;
        let rules: HashMap<i64, Rule> = rules.into_iter().map(rule).collect::<CoreResult<_>>()?;
        // Evidence observed by then that was not corrected by then, oldest first.
        let marks: Vec<(i64, f64)> = sqlx::query_as(
            "SELECT e.competency_id, e.level FROM evidence e \
             WHERE e.learner_id = $1 AND e.observed_at < $2 AND NOT EXISTS \
               (SELECT 1 FROM evidence s WHERE s.supersedes_id = e.id AND s.observed_at < $2) \
             ORDER BY e.competency_id, e.observed_at, e.id",
        )
        .bind(learner)
        .bind(before)
        .fetch_all(self.pool())
        .await?;
        let mut scores: HashMap<i64, Vec<f64>> = HashMap::new();
        for (competency, level) in marks {
            scores.entry(competency).or_default().push(level);
        }
        Ok(scores
            .iter()
            .filter(|(competency, scores)| {
                rules.get(competency).is_some_and(|rule| {
                    rule.method
                        .current_level(scores, rule.mastery_level)
                        .is_some_and(|level| level >= rule.mastery_level)
                })
            })
            .count())
    }

    /// The latest feedback teachers gave `learner`: comments with their marks, and comments on
    /// their goals and projects, newest first.
    pub async fn latest_feedback(&self, learner: UserId) -> CoreResult<Vec<FeedbackNote>> {
        let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(&format!(
            "SELECT * FROM ( \
               SELECT u.name AS author, e.comment AS body, c.code || ' ' || c.name AS about, \
                 '/learners/' || CAST(e.learner_id AS TEXT) || '/competencies/' \
                   || CAST(e.competency_id AS TEXT) AS path, e.recorded_at AS noted_at \
               FROM evidence e JOIN users u ON u.id = e.given_by \
               JOIN competencies c ON c.id = e.competency_id \
               WHERE e.learner_id = $1 AND e.comment IS NOT NULL AND e.comment <> '' \
             UNION ALL \
               SELECT u.name, f.body, COALESCE(g.title, p.title, ''), \
                 CASE WHEN f.goal_id IS NOT NULL THEN '/goals/' || CAST(f.goal_id AS TEXT) \
                   ELSE '/projects/' || CAST(f.project_id AS TEXT) END, f.created_at \
               FROM feedback f JOIN users u ON u.id = f.author_id \
               LEFT JOIN goals g ON g.id = f.goal_id LEFT JOIN projects p ON p.id = f.project_id \
               WHERE f.learner_id = $1 \
             ) notes ORDER BY noted_at DESC LIMIT {NOTES}"
        ))
        .bind(learner)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(author, body, about, path, at)| FeedbackNote {
                author,
                body,
                about,
                path,
                at,
            })
            .collect())
    }

    /// What is new for `learner` since `since`: marks, comments from teachers, and badges
    /// earned.
    pub async fn new_since(
        &self,
        learner: UserId,
        since: &str,
    ) -> CoreResult<(usize, usize, usize)> {
        let (marks, comments, badges): (i64, i64, i64) = sqlx::query_as(
            "SELECT \
               (SELECT COUNT(*) FROM evidence WHERE learner_id = $1 AND recorded_at > $2), \
               (SELECT COUNT(*) FROM feedback WHERE learner_id = $1 AND created_at > $2), \
               (SELECT COUNT(DISTINCT public_id) FROM credentials WHERE learner_id = $1 \
                  AND kind = 'earned' AND issued_at > $2)",
        )
        .bind(learner)
        .bind(since)
        .fetch_one(self.pool())
        .await?;
        Ok((marks as usize, comments as usize, badges as usize))
    }

    /// When `viewer` came before this visit: the start of their previous session.
    pub async fn previous_visit(&self, viewer: UserId) -> CoreResult<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT created_at FROM sessions WHERE user_id = $1 \
             ORDER BY created_at DESC LIMIT 1 OFFSET 1",
        )
        .bind(viewer)
        .fetch_optional(self.pool())
        .await?)
    }
}
