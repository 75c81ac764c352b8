//! A OneRoster gradebook's results as evidence: what the institution holds that results are
//! compared with (mappings, rubrics, the evidence each result made before), and the writing of
//! planned results inside the roster import's transaction — evidence, then the levels and
//! cohort counts of every learner and competency it touched.
//!
//! A result's first evidence carries `source = 'import'` and `source_ref =
//! 'oneroster:{institution}/{sourcedId}'`; a correction supersedes it (and carries no
//! reference of its own), so the evidence that stands for a result is the end of that chain.

use std::collections::{BTreeSet, HashMap};

use super::batch::{self, TableRows};
use super::levels::{refresh_level, rule, Rule, RuleRow, METHOD_SQL};
use super::write::Write;
use super::{Backend, Store};
use crate::error::{CoreError, CoreResult};
use crate::model::{CompetencyId, InstitutionId, LiveEvent, UserId};
use crate::oneroster::{HeldGrade, HeldGradebook, NewGrade};
use crate::row;

/// Above this many results, one `Levels` event tells open pages to read again, instead of an
/// event for each piece of evidence.
const EVENTS_EACH_UP_TO: usize = 200;

/// `sourcedId` root reference, evidence, learner, competency, score, maximum, observed at,
/// comment, corrections by others.
type HeldGradeRow = (
    String,
    i64,
    i64,
    i64,
    Option<f64>,
    Option<f64>,
    String,
    Option<String>,
    i64,
);

/// The reference a result's first evidence carries.
fn reference(institution_id: InstitutionId, sourced_id: &str) -> String {
    format!("oneroster:{institution_id}/{sourced_id}")
}

impl Store {
    /// What the institution holds that a gradebook's results are compared with.
    pub(super) async fn gradebook_held(
        &self,
        institution_id: InstitutionId,
    ) -> CoreResult<HeldGradebook> {
        let mut held = HeldGradebook::default();
        let mappings: Vec<(String, i64)> = sqlx::query_as(
            "SELECT source_id, competency_id FROM line_items WHERE institution_id = $1",
        )
        .bind(institution_id)
        .fetch_all(self.pool())
        .await?;
        held.mappings = mappings.into_iter().collect();
        let codes: Vec<(String, i64)> = sqlx::query_as(
            "SELECT c.code, c.id FROM competencies c JOIN frameworks f ON f.id = c.framework_id \
             WHERE f.institution_id = $1 ORDER BY c.id",
        )
        .bind(institution_id)
        .fetch_all(self.pool())
        .await?;
        for (code, id) in codes {
            // The first competency with a code, as the score push API finds it.
            held.codes.entry(code).or_insert(id);
        }
        let levels: Vec<(i64, i64, f64)> = sqlx::query_as(
            "SELECT c.id, l.level, l.points FROM competencies c \
             JOIN frameworks f ON f.id = c.framework_id \
             JOIN rubric_levels l ON l.rubric_id = f.rubric_id \
             WHERE f.institution_id = $1 ORDER BY c.id, l.level",
        )
        .bind(institution_id)
        .fetch_all(self.pool())
        .await?;
        for (competency, level, points) in levels {
            held.rubrics
                .entry(competency)
                .or_default()
                .push((level, points));
        }
        let prefix = reference(institution_id, "");
        let results: Vec<HeldGradeRow> = sqlx::query_as(
            "WITH RECURSIVE chain (root, id) AS ( \
               SELECT id, id FROM evidence WHERE source = 'import' AND source_ref LIKE $1 \
               UNION ALL \
               SELECT chain.root, e.id FROM evidence e JOIN chain ON e.supersedes_id = chain.id \
               WHERE e.source = 'import') \
             SELECT o.source_ref, e.id, e.learner_id, e.competency_id, e.score_given, \
               e.score_maximum, e.observed_at, e.comment, \
               (SELECT COUNT(*) FROM evidence s WHERE s.supersedes_id = e.id) \
             FROM chain JOIN evidence o ON o.id = chain.root JOIN evidence e ON e.id = chain.id \
             WHERE NOT EXISTS (SELECT 1 FROM evidence s \
                               WHERE s.supersedes_id = e.id AND s.source = 'import')",
        )
        .bind(format!("{prefix}%"))
        .fetch_all(self.pool())
        .await?;
        for (root, evidence_id, learner, competency, given, maximum, observed_at, comment, by) in
            results
        {
            let Some(sourced_id) = root.strip_prefix(&prefix) else {
                continue;
            };
            held.results.insert(
                sourced_id.to_string(),
                HeldGrade {
                    evidence_id,
                    learner,
                    competency,
                    given,
                    maximum,
                    observed_at,
                    comment,
                    overridden: by > 0,
                },
            );
        }
        Ok(held)
    }

    /// Records planned results as evidence in the import's transaction, and brings the levels
    /// and cohort counts of each learner and competency they touched up to date. `learner`
    /// turns a planned person into their id. Returns the learners touched.
    pub(super) async fn write_grades(
        &self,
        tx: &mut Write<'_>,
        institution_id: InstitutionId,
        grades: &[NewGrade],
        learner: impl Fn(&NewGrade) -> UserId,
        now: &str,
    ) -> CoreResult<BTreeSet<UserId>> {
        let learners: BTreeSet<UserId> = grades.iter().map(&learner).collect();
        if grades.is_empty() {
            return Ok(learners);
        }
        if self.backend() == Backend::Postgres {
            // As a mark does: one writer per learner at a time (taken in order: no deadlock).
            for id in &learners {
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(*id)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        let rules: HashMap<CompetencyId, Rule> =
            sqlx::query_as::<_, RuleRow>(&format!("{METHOD_SQL} WHERE f.institution_id = $1"))
                .bind(institution_id)
                .fetch_all(&mut **tx)
                .await?
                .into_iter()
                .map(rule)
                .collect::<CoreResult<_>>()?;
        let ids = self.reserve_ids(tx, "evidence", grades.len()).await?;
        let mut evidence = TableRows::new(
            "evidence",
            &[
                "id",
                "learner_id",
                "competency_id",
                "level",
                "score_given",
                "score_maximum",
                "source",
                "source_ref",
                "comment",
                "supersedes_id",
                "observed_at",
                "recorded_at",
            ],
        );
        for (grade, id) in grades.iter().zip(&ids) {
            evidence.push(row![
                *id,
                learner(grade),
                grade.competency,
                grade.level,
                grade.given,
                grade.maximum,
                "import",
                match grade.corrects {
                    None => Some(reference(institution_id, &grade.sourced_id)),
                    Some(_) => None,
                },
                grade.comment.clone(),
                grade.corrects,
                grade.observed_at.as_deref().unwrap_or(now),
                now
            ]);
            if evidence.rows.len() == 2000 {
                batch::insert(tx, self.backend(), &evidence).await?;
                evidence.rows.clear();
            }
        }
        batch::insert(tx, self.backend(), &evidence).await?;
        let mut levels: HashMap<(UserId, CompetencyId), Option<f64>> = HashMap::new();
        for grade in grades {
            let key = (learner(grade), grade.competency);
            if levels.contains_key(&key) {
                continue;
            }
            let rule = rules
                .get(&grade.competency)
                .ok_or_else(|| CoreError::NotFound(format!("competency {}", grade.competency)))?;
            let level = refresh_level(tx, key.0, key.1, rule, now).await?;
            levels.insert(key, level);
        }
        if grades.len() <= EVENTS_EACH_UP_TO {
            for (grade, id) in grades.iter().zip(&ids) {
                let key = (learner(grade), grade.competency);
                tx.event(LiveEvent::Evidence {
                    evidence_id: *id,
                    learner_id: key.0,
                    competency_id: key.1,
                    group_id: None,
                    mark: grade.level,
                    level: levels.get(&key).copied().flatten(),
                    given_by: None,
                    recorded_at: now.to_string(),
                    supersedes: grade.corrects,
                });
            }
        } else {
            tx.event(LiveEvent::Levels {
                institution_id,
                at: now.to_string(),
            });
        }
        Ok(learners)
    }
}
