//! Current levels and cohort counts, kept up to date in the same transaction as the evidence
//! that changes them: recording one mark recomputes one learner's level on one competency and
//! moves that learner between two level buckets of each group they are in — work proportional
//! to the learners touched, never a whole cohort.

use std::collections::HashMap;
use std::sync::Arc;

use sqlx::AnyConnection;

use super::batch::{self, TableRows};
use super::{float_placeholder, Backend, Store};
use crate::clock;
use crate::cohort::{bucket, spread, Spread};
use crate::error::{CoreError, CoreResult};
use crate::mastery::MasteryMethod;
use crate::model::{CompetencyId, GroupId, LiveEvent, UserId};
use crate::row;

/// A new piece of evidence, as a teacher's mark, an LMS score or an import brings it.
#[derive(Clone, Debug)]
pub struct NewEvidence {
    pub learner_id: UserId,
    pub competency_id: CompetencyId,
    pub level: f64,
    pub given_by: Option<UserId>,
    pub source: &'static str,
    pub source_ref: Option<String>,
    pub group_id: Option<GroupId>,
    pub comment: Option<String>,
    /// The record this one corrects; it stops counting.
    pub supersedes_id: Option<i64>,
    /// `(scoreGiven, scoreMaximum)` when the level came from a score.
    pub score: Option<(f64, f64)>,
    pub observed_at: String,
}

/// What recording evidence did: the new record, and the learner's level that follows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Recorded {
    pub evidence_id: i64,
    pub level: Option<f64>,
}

pub(super) const METHOD_SQL: &str = "SELECT c.id, COALESCE(c.mastery_method, f.mastery_method), \
       CASE WHEN c.mastery_method IS NULL THEN f.mastery_param ELSE c.mastery_param END, \
       r.mastery_level, (SELECT MAX(l.level) FROM rubric_levels l WHERE l.rubric_id = r.id) \
     FROM competencies c JOIN frameworks f ON f.id = c.framework_id \
     JOIN rubrics r ON r.id = f.rubric_id";

/// How one competency's level is worked out: method, mastery threshold, top level.
pub(super) struct Rule {
    pub(super) method: MasteryMethod,
    pub(super) mastery_level: f64,
    pub(super) top_level: f64,
}

pub(super) type RuleRow = (i64, String, Option<f64>, f64, Option<i64>);

pub(super) fn rule(row: RuleRow) -> CoreResult<(i64, Rule)> {
    let (id, method, param, mastery_level, top) = row;
    Ok((
        id,
        Rule {
            method: MasteryMethod::parse(&method, param)?,
            mastery_level,
            top_level: top.unwrap_or(0) as f64,
        },
    ))
}

impl Store {
    /// Records evidence and brings the learner's level and the cohort counts up to date, all
    /// in one transaction.
    pub async fn record_evidence(&self, new: &NewEvidence) -> CoreResult<Recorded> {
        let mut tx = self.write().await?;
        if self.backend() == Backend::Postgres {
            // One writer per learner at a time: their level is computed from all their
            // evidence, so two marks at once must not both miss the other.
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(new.learner_id)
                .execute(&mut *tx)
                .await?;
        }
        let row: Option<RuleRow> = sqlx::query_as(&format!("{METHOD_SQL} WHERE c.id = $1"))
            .bind(new.competency_id)
            .fetch_optional(&mut *tx)
            .await?;
        let (_, rule) =
            rule(row.ok_or_else(|| {
                CoreError::NotFound(format!("competency {}", new.competency_id))
            })?)?;
        if !(0.0..=rule.top_level).contains(&new.level) || !new.level.is_finite() {
            return Err(CoreError::invalid(
                "level",
                format!(
                    "must be between 0 and {}, not {}",
                    rule.top_level, new.level
                ),
            ));
        }
        if let Some(old) = new.supersedes_id {
            let target: Option<(i64, i64, i64)> = sqlx::query_as(
                "SELECT learner_id, competency_id, \
                   (SELECT COUNT(*) FROM evidence s WHERE s.supersedes_id = e.id) \
                 FROM evidence e WHERE e.id = $1",
            )
            .bind(old)
            .fetch_optional(&mut *tx)
            .await?;
            match target {
                None => return Err(CoreError::NotFound(format!("evidence {old}"))),
                Some((learner, competency, _))
                    if learner != new.learner_id || competency != new.competency_id =>
                {
                    return Err(CoreError::invalid(
                        "supersedes",
                        "a correction must be for the same learner and competency",
                    ));
                }
                Some((_, _, corrections)) if corrections > 0 => {
                    return Err(CoreError::Conflict(format!(
                        "evidence {old} has already been corrected"
                    )));
                }
                _ => {}
            }
        }
        let now = clock::now();
        // The score is bound last, or written as NULL (see `float_placeholder`).
        let sql = format!(
            "INSERT INTO evidence (learner_id, competency_id, level, given_by, source, \
               source_ref, group_id, comment, supersedes_id, observed_at, recorded_at, \
               score_given, score_maximum) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, {}, {}) RETURNING id",
            float_placeholder(12, new.score.map(|(given, _)| given)),
            float_placeholder(13, new.score.map(|(_, maximum)| maximum)),
        );
        let mut insert = sqlx::query_as(&sql)
            .bind(new.learner_id)
            .bind(new.competency_id)
            .bind(new.level)
            .bind(new.given_by)
            .bind(new.source)
            .bind(new.source_ref.clone())
            .bind(new.group_id)
            .bind(new.comment.clone())
            .bind(new.supersedes_id)
            .bind(&new.observed_at)
            .bind(&now);
        if let Some((given, maximum)) = new.score {
            insert = insert.bind(given).bind(maximum);
        }
        let (evidence_id,): (i64,) = insert.fetch_one(&mut *tx).await?;
        let level = refresh_level(&mut tx, new.learner_id, new.competency_id, &rule, &now).await?;
        let given_by: Option<String> = match new.given_by {
            Some(user) => {
                sqlx::query_scalar("SELECT name FROM users WHERE id = $1")
                    .bind(user)
                    .fetch_optional(&mut *tx)
                    .await?
            }
            None => None,
        };
        let event = LiveEvent::Evidence {
            evidence_id,
            learner_id: new.learner_id,
            competency_id: new.competency_id,
            group_id: new.group_id,
            mark: new.level,
            level,
            given_by,
            recorded_at: now,
            supersedes: new.supersedes_id,
        };
        // The learner's page, and their cohort's statistics.
        tx.event(event);
        tx.commit().await?;
        // An achievement whose criteria this evidence completed is certified at once. The
        // evidence stands either way; anything missed here is issued at the next start.
        if let Err(error) = self.issue_due_credentials(new.learner_id).await {
            tracing::warn!(%error, learner = new.learner_id, "automatic credential issuance failed");
        }
        Ok(Recorded { evidence_id, level })
    }

    /// The mastery method of every competency of an institution (its own, or its framework's).
    pub(super) async fn mastery_methods(
        &self,
        institution_id: i64,
    ) -> CoreResult<HashMap<CompetencyId, MasteryMethod>> {
        let rows: Vec<RuleRow> =
            sqlx::query_as(&format!("{METHOD_SQL} WHERE f.institution_id = $1"))
                .bind(institution_id)
                .fetch_all(self.pool())
                .await?;
        rows.into_iter()
            .map(|row| rule(row).map(|(id, rule)| (id, rule.method)))
            .collect()
    }

    /// Recomputes every current level and cohort count from the evidence (after a mastery
    /// method changes, or to repair), in one transaction.
    pub async fn rebuild_levels(&self) -> CoreResult<()> {
        let mut tx = self.write().await?;
        rebuild(&mut tx, self.backend()).await?;
        tx.touch_everyone();
        tx.commit().await
    }

    /// The spread of a group's current levels on each competency that has any.
    pub async fn cohort_spread(&self, group_id: GroupId) -> CoreResult<Arc<HashMap<i64, Spread>>> {
        self.kept(
            |kept| &kept.spreads,
            super::kept::Shows::CohortLevels,
            group_id,
            self.read_cohort_spread(group_id),
        )
        .await
    }

    async fn read_cohort_spread(&self, group_id: GroupId) -> CoreResult<HashMap<i64, Spread>> {
        let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT competency_id, bucket, learners FROM cohort_levels WHERE group_id = $1",
        )
        .bind(group_id)
        .fetch_all(self.pool())
        .await?;
        let mut by_competency: HashMap<i64, Vec<(i64, i64)>> = HashMap::new();
        for (competency, bucket, learners) in rows {
            by_competency
                .entry(competency)
                .or_default()
                .push((bucket, learners));
        }
        Ok(by_competency
            .into_iter()
            .filter_map(|(competency, buckets)| spread(&buckets).map(|s| (competency, s)))
            .collect())
    }
}

/// Writes a learner's current level on a competency. A missing level is written as the literal
/// `NULL`, never bound: sqlx 0.8.6's `Any` driver sends a missing `f64` to PostgreSQL typed as
/// `real`, and the statement it prepares then refuses the next level.
pub(super) async fn write_level(
    conn: &mut AnyConnection,
    learner_id: UserId,
    competency_id: CompetencyId,
    level: Option<f64>,
    evidence_count: usize,
    now: &str,
) -> CoreResult<()> {
    let (placeholders, level) = match level {
        Some(level) => ("$3, $4, $5", Some(level)),
        None => ("NULL, $3, $4", None),
    };
    let sql = format!(
        "INSERT INTO current_levels (learner_id, competency_id, level, evidence_count, updated_at) \
         VALUES ($1, $2, {placeholders}) \
         ON CONFLICT (learner_id, competency_id) DO UPDATE \
         SET level = excluded.level, evidence_count = excluded.evidence_count, \
             updated_at = excluded.updated_at"
    );
    let mut query = sqlx::query(&sql).bind(learner_id).bind(competency_id);
    if let Some(level) = level {
        query = query.bind(level);
    }
    query
        .bind(evidence_count as i64)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Recomputes one learner's level on one competency and moves them between cohort buckets.
pub(super) async fn refresh_level(
    conn: &mut AnyConnection,
    learner_id: UserId,
    competency_id: CompetencyId,
    rule: &Rule,
    now: &str,
) -> CoreResult<Option<f64>> {
    let scores: Vec<(f64,)> = sqlx::query_as(
        "SELECT e.level FROM evidence e \
         WHERE e.learner_id = $1 AND e.competency_id = $2 \
           AND NOT EXISTS (SELECT 1 FROM evidence s WHERE s.supersedes_id = e.id) \
         ORDER BY e.observed_at, e.id",
    )
    .bind(learner_id)
    .bind(competency_id)
    .fetch_all(&mut *conn)
    .await?;
    let scores: Vec<f64> = scores.into_iter().map(|(s,)| s).collect();
    let level = rule.method.current_level(&scores, rule.mastery_level);
    let previous: Option<(Option<f64>,)> = sqlx::query_as(
        "SELECT level FROM current_levels WHERE learner_id = $1 AND competency_id = $2",
    )
    .bind(learner_id)
    .bind(competency_id)
    .fetch_optional(&mut *conn)
    .await?;
    let previous = previous.and_then(|(level,)| level);
    write_level(conn, learner_id, competency_id, level, scores.len(), now).await?;
    if previous.map(bucket) != level.map(bucket) {
        let groups: Vec<(i64,)> = sqlx::query_as(
            "SELECT group_id FROM group_members \
             WHERE user_id = $1 AND member_role = 'learner' AND left_at IS NULL",
        )
        .bind(learner_id)
        .fetch_all(&mut *conn)
        .await?;
        for (group_id,) in groups {
            if let Some(old) = previous {
                // The last learner in a bucket removes it; otherwise one fewer. (Deleting
                // first, so a bucket of two that drops to one is not then deleted.)
                sqlx::query(
                    "DELETE FROM cohort_levels \
                     WHERE group_id = $1 AND competency_id = $2 AND bucket = $3 AND learners = 1",
                )
                .bind(group_id)
                .bind(competency_id)
                .bind(bucket(old))
                .execute(&mut *conn)
                .await?;
                sqlx::query(
                    "UPDATE cohort_levels SET learners = learners - 1 \
                     WHERE group_id = $1 AND competency_id = $2 AND bucket = $3 AND learners > 1",
                )
                .bind(group_id)
                .bind(competency_id)
                .bind(bucket(old))
                .execute(&mut *conn)
                .await?;
            }
            if let Some(new) = level {
                sqlx::query(
                    "INSERT INTO cohort_levels (group_id, competency_id, bucket, learners) \
                     VALUES ($1, $2, $3, 1) \
                     ON CONFLICT (group_id, competency_id, bucket) DO UPDATE \
                     SET learners = cohort_levels.learners + 1",
                )
                .bind(group_id)
                .bind(competency_id)
                .bind(bucket(new))
                .execute(&mut *conn)
                .await?;
            }
        }
    }
    Ok(level)
}

/// Computes every current level and cohort count from the evidence, replacing what was
/// there: for a freshly loaded school, or to repair.
/// Evidence `(learner, competency, score)` ordered by learner and competency, as runs: each
/// learner's scores on one competency, oldest first.
pub(super) fn score_runs(
    evidence: &[(i64, i64, f64)],
) -> impl Iterator<Item = (i64, i64, Vec<f64>)> + '_ {
    evidence
        .chunk_by(|a, b| (a.0, a.1) == (b.0, b.1))
        .map(|run| {
            (
                run[0].0,
                run[0].1,
                run.iter().map(|(_, _, score)| *score).collect(),
            )
        })
}

/// Each learner's groups, from `(learner, group)` memberships.
pub(super) fn groups_of(memberships: Vec<(i64, i64)>) -> HashMap<i64, Vec<i64>> {
    let mut groups: HashMap<i64, Vec<i64>> = HashMap::new();
    for (learner, group) in memberships {
        groups.entry(learner).or_default().push(group);
    }
    groups
}

pub async fn rebuild(conn: &mut AnyConnection, backend: Backend) -> CoreResult<()> {
    let rows: Vec<RuleRow> = sqlx::query_as(METHOD_SQL).fetch_all(&mut *conn).await?;
    let rules: HashMap<i64, Rule> = rows.into_iter().map(rule).collect::<CoreResult<_>>()?;
    let evidence: Vec<(i64, i64, f64)> = sqlx::query_as(
        "SELECT e.learner_id, e.competency_id, e.level FROM evidence e \
         WHERE NOT EXISTS (SELECT 1 FROM evidence s WHERE s.supersedes_id = e.id) \
         ORDER BY e.learner_id, e.competency_id, e.observed_at, e.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let memberships: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT user_id, group_id FROM group_members \
         WHERE member_role = 'learner' AND left_at IS NULL",
    )
    .fetch_all(&mut *conn)
    .await?;
    let groups_of = groups_of(memberships);

    let now = clock::now();
    let mut levels = TableRows::new(
        "current_levels",
        &[
            "learner_id",
            "competency_id",
            "level",
            "evidence_count",
            "updated_at",
        ],
    );
    let mut counts: HashMap<(i64, i64, i64), i64> = HashMap::new();
    for (learner, competency, scores) in score_runs(&evidence) {
        let level = rules
            .get(&competency)
            .and_then(|rule| rule.method.current_level(&scores, rule.mastery_level));
        levels.push(row![learner, competency, level, scores.len() as i64, &now]);
        if let Some(level) = level {
            for group in groups_of.get(&learner).into_iter().flatten() {
                *counts
                    .entry((*group, competency, bucket(level)))
                    .or_default() += 1;
            }
        }
    }
    let mut cohort = TableRows::new(
        "cohort_levels",
        &["group_id", "competency_id", "bucket", "learners"],
    );
    let mut sorted: Vec<_> = counts.into_iter().collect();
    sorted.sort_unstable();
    for ((group, competency, bucket), learners) in sorted {
        cohort.push(row![group, competency, bucket, learners]);
    }
    sqlx::query("DELETE FROM cohort_levels")
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM current_levels")
        .execute(&mut *conn)
        .await?;
    batch::insert(conn, backend, &levels).await?;
    batch::insert(conn, backend, &cohort).await?;
    Ok(())
}
