//! Recomputing levels after a change of mastery method or threshold, in the background: the
//! learners with evidence on the competencies concerned are taken in batches, each batch one
//! transaction that brings their current levels and cohort counts up to date and moves the
//! recompute's progress on. A batch reads the rules as they stand, so a later change is never
//! undone by an earlier recompute; a mark recorded meanwhile waits for the batch (SQLite's one
//! writer, PostgreSQL's per-learner lock) and is computed by the method in force. An
//! unfinished recompute (the server stopped) starts again from the beginning: every batch can
//! be repeated.

use std::collections::HashMap;

use super::levels::{groups_of, rule, score_runs, write_level, Rule, RuleRow, METHOD_SQL};
use super::{Backend, Store};
use crate::clock;
use crate::cohort::bucket;
use crate::error::{CoreError, CoreResult};
use crate::model::{InstitutionId, LiveEvent, Recompute};

/// Learners per batch.
pub const RECOMPUTE_BATCH: usize = 200;

/// `id, reason, learners, done, changed, started_at, finished_at, failure`.
type RecomputeRow = (
    i64,
    String,
    i64,
    i64,
    i64,
    String,
    Option<String>,
    Option<String>,
);

const RECOMPUTE_SQL: &str = "SELECT id, reason, learners, done, changed, started_at, \
       finished_at, failure FROM level_recomputes";

fn recompute(
    (id, reason, learners, done, changed, started_at, finished_at, failure): RecomputeRow,
) -> Recompute {
    Recompute {
        id,
        reason,
        learners,
        done,
        changed,
        started_at,
        finished_at,
        failure,
    }
}

/// Which competencies a recompute covers: a condition on `c`, and its binds.
struct Scope {
    framework_id: i64,
    competency_id: Option<i64>,
}

impl Scope {
    /// `c.framework_id = $n [AND c.id = $n+1]`.
    fn condition(&self, first: usize) -> String {
        match self.competency_id {
            Some(_) => format!("c.framework_id = ${first} AND c.id = ${}", first + 1),
            None => format!("c.framework_id = ${first}"),
        }
    }

    fn bind<'q, O>(
        &self,
        query: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
        let query = query.bind(self.framework_id);
        match self.competency_id {
            Some(id) => query.bind(id),
            None => query,
        }
    }
}

impl Store {
    /// A recompute of the institution's, by id.
    pub async fn recompute(&self, institution_id: InstitutionId, id: i64) -> CoreResult<Recompute> {
        let row: Option<RecomputeRow> = sqlx::query_as(&format!(
            "{RECOMPUTE_SQL} WHERE id = $1 AND institution_id = $2"
        ))
        .bind(id)
        .bind(institution_id)
        .fetch_optional(self.pool())
        .await?;
        row.map(recompute)
            .ok_or_else(|| CoreError::NotFound(format!("recompute {id}")))
    }

    /// A framework's newest recompute.
    pub(super) async fn latest_recompute(
        &self,
        framework_id: i64,
    ) -> CoreResult<Option<Recompute>> {
        let row: Option<RecomputeRow> = sqlx::query_as(&format!(
            "{RECOMPUTE_SQL} WHERE framework_id = $1 ORDER BY id DESC LIMIT 1"
        ))
        .bind(framework_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(recompute))
    }

    /// Recomputes that never finished (the server stopped during them), oldest first.
    pub async fn unfinished_recomputes(&self) -> CoreResult<Vec<i64>> {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT id FROM level_recomputes WHERE finished_at IS NULL AND failure IS NULL \
             ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Works a recompute off, batch by batch, and tells every open dashboard of the
    /// institution when it is done. A failure is kept on the recompute.
    pub async fn run_recompute(&self, id: i64) -> CoreResult<Recompute> {
        match self.recompute_batches(id).await {
            Ok(institution_id) => {
                let now = clock::now();
                let mut tx = self.write().await?;
                sqlx::query("UPDATE level_recomputes SET finished_at = $1 WHERE id = $2")
                    .bind(&now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                let event = LiveEvent::Levels {
                    institution_id,
                    at: now,
                };
                tx.event(event);
                tx.commit().await?;
                self.recompute(institution_id, id).await
            }
            Err(error) => {
                let mut tx = self.write().await?;
                sqlx::query("UPDATE level_recomputes SET failure = $1 WHERE id = $2")
                    .bind(error.to_string())
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                // Nothing a kept page shows.
                tx.touch_no_page();
                tx.commit().await?;
                Err(error)
            }
        }
    }

    async fn recompute_batches(&self, id: i64) -> CoreResult<InstitutionId> {
        let job: Option<(i64, i64, Option<i64>)> = sqlx::query_as(
            "SELECT institution_id, framework_id, competency_id FROM level_recomputes WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        let (institution_id, framework_id, competency_id) =
            job.ok_or_else(|| CoreError::NotFound(format!("recompute {id}")))?;
        let scope = Scope {
            framework_id,
            competency_id,
        };
        let learners: Vec<(i64,)> = scope
            .bind(sqlx::query_as(&format!(
                "SELECT DISTINCT e.learner_id FROM evidence e \
                 JOIN competencies c ON c.id = e.competency_id WHERE {} ORDER BY e.learner_id",
                scope.condition(1)
            )))
            .fetch_all(self.pool())
            .await?;
        let mut tx = self.write().await?;
        sqlx::query(
            "UPDATE level_recomputes SET learners = $1, done = 0, changed = 0 WHERE id = $2",
        )
        .bind(learners.len() as i64)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        // Nothing a kept page shows.
        tx.touch_no_page();
        tx.commit().await?;
        for batch in learners.chunks(RECOMPUTE_BATCH) {
            let ids: Vec<i64> = batch.iter().map(|(learner,)| *learner).collect();
            self.recompute_batch(id, &scope, &ids).await?;
        }
        Ok(institution_id)
    }

    /// One batch of learners (ascending ids), in one transaction.
    async fn recompute_batch(&self, id: i64, scope: &Scope, learners: &[i64]) -> CoreResult<()> {
        let (first, last) = (learners[0], learners[learners.len() - 1]);
        let mut tx = self.write().await?;
        for learner in learners {
            tx.touch_learner(*learner);
        }
        tx.touch_levels();
        if self.backend() == Backend::Postgres {
            for learner in learners {
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(learner)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let rules: Vec<RuleRow> = scope
            .bind(sqlx::query_as(&format!(
                "{METHOD_SQL} WHERE {}",
                scope.condition(1)
            )))
            .fetch_all(&mut *tx)
            .await?;
        let rules: HashMap<i64, Rule> = rules.into_iter().map(rule).collect::<CoreResult<_>>()?;
        let evidence: Vec<(i64, i64, f64)> = scope
            .bind(sqlx::query_as(&format!(
                "SELECT e.learner_id, e.competency_id, e.level FROM evidence e \
                 JOIN competencies c ON c.id = e.competency_id \
                 WHERE {} AND e.learner_id >= ${} AND e.learner_id <= ${} \
                   AND NOT EXISTS (SELECT 1 FROM evidence s WHERE s.supersedes_id = e.id) \
                 ORDER BY e.learner_id, e.competency_id, e.observed_at, e.id",
                scope.condition(1),
                scope.next(),
                scope.next() + 1
            )))
            .bind(first)
            .bind(last)
            .fetch_all(&mut *tx)
            .await?;
        let current: Vec<(i64, i64, Option<f64>)> = scope
            .bind(sqlx::query_as(&format!(
                "SELECT l.learner_id, l.competency_id, l.level FROM current_levels l \
                 JOIN competencies c ON c.id = l.competency_id \
                 WHERE {} AND l.learner_id >= ${} AND l.learner_id <= ${}",
                scope.condition(1),
                scope.next(),
                scope.next() + 1
            )))
            .bind(first)
            .bind(last)
            .fetch_all(&mut *tx)
            .await?;
        let current: HashMap<(i64, i64), Option<f64>> = current
            .into_iter()
            .map(|(learner, competency, level)| ((learner, competency), level))
            .collect();
        let memberships: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT user_id, group_id FROM group_members WHERE member_role = 'learner' \
             AND left_at IS NULL AND user_id >= $1 AND user_id <= $2",
        )
        .bind(first)
        .bind(last)
        .fetch_all(&mut *tx)
        .await?;
        let groups_of = groups_of(memberships);

        let now = clock::now();
        let mut changed = 0i64;
        let mut moves: HashMap<(i64, i64, i64), i64> = HashMap::new();
        for (learner, competency, scores) in score_runs(&evidence) {
            let Some(rule) = rules.get(&competency) else {
                continue;
            };
            let level = rule.method.current_level(&scores, rule.mastery_level);
            let previous = current.get(&(learner, competency)).copied().flatten();
            if current.contains_key(&(learner, competency)) && previous == level {
                continue;
            }
            changed += 1;
            write_level(&mut tx, learner, competency, level, scores.len(), &now).await?;
            if previous.map(bucket) != level.map(bucket) {
                for group in groups_of.get(&learner).into_iter().flatten() {
                    if let Some(old) = previous {
                        *moves.entry((*group, competency, bucket(old))).or_default() -= 1;
                    }
                    if let Some(new) = level {
                        *moves.entry((*group, competency, bucket(new))).or_default() += 1;
                    }
                }
            }
        }
        let mut moves: Vec<_> = moves.into_iter().filter(|(_, delta)| *delta != 0).collect();
        moves.sort_unstable();
        // Counts stay above zero (a CHECK): a bucket that empties is deleted, one that shrinks
        // is updated, one that grows is inserted or added to.
        for ((group, competency, level_bucket), delta) in moves {
            if delta < 0 {
                sqlx::query(
                    "DELETE FROM cohort_levels WHERE group_id = $1 AND competency_id = $2 \
                     AND bucket = $3 AND learners + $4 <= 0",
                )
                .bind(group)
                .bind(competency)
                .bind(level_bucket)
                .bind(delta)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE cohort_levels SET learners = learners + $4 \
                     WHERE group_id = $1 AND competency_id = $2 AND bucket = $3",
                )
                .bind(group)
                .bind(competency)
                .bind(level_bucket)
                .bind(delta)
                .execute(&mut *tx)
                .await?;
            } else {
                sqlx::query(
                    "INSERT INTO cohort_levels (group_id, competency_id, bucket, learners) \
                     VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (group_id, competency_id, bucket) DO UPDATE \
                     SET learners = cohort_levels.learners + excluded.learners",
                )
                .bind(group)
                .bind(competency)
                .bind(level_bucket)
                .bind(delta)
                .execute(&mut *tx)
                .await?;
            }
        }
        sqlx::query(
            "UPDATE level_recomputes SET done = done + $1, changed = changed + $2 WHERE id = $3",
        )
        .bind(learners.len() as i64)
        .bind(changed)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }
}

impl Scope {
    /// The number of the first placeholder after the scope's own.
    fn next(&self) -> usize {
        match self.competency_id {
            Some(_) => 3,
            None => 2,
        }
    }
}
