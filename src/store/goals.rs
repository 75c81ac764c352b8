//! Goals: what a learner sets out to do and why, with an action plan of dated steps, evidence
//! files, reflections and teachers' comments, read back as one timeline.

use super::kept::Shows;
use super::story::story_file;
use super::write::Write;
use super::Store;
use crate::clock;
use crate::error::{CoreError, CoreResult};
use crate::model::{
    GoalStatus, GoalStep, GoalSummary, GoalView, InstitutionId, ModuleNames, TimelineEntry,
    TimelineKind, UserId,
};

/// A goal as the learner sets it (already checked by the core).
#[derive(Clone, Debug, PartialEq)]
pub struct NewGoal {
    pub title: String,
    pub why: String,
    pub target_on: Option<String>,
    pub competencies: Vec<i64>,
    /// The first steps of the plan: `(text, due_on)`.
    pub steps: Vec<(String, Option<String>)>,
}

type GoalRow = (i64, String, String, String, Option<String>, String);

fn status(key: &str) -> GoalStatus {
    GoalStatus::from_key(key).unwrap_or(GoalStatus::Active)
}

impl Store {
    /// The learner a goal belongs to.
    pub async fn goal_learner(&self, goal_id: i64) -> CoreResult<UserId> {
        sqlx::query_scalar("SELECT learner_id FROM goals WHERE id = $1")
            .bind(goal_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| CoreError::NotFound(format!("goal {goal_id}")))
    }

    /// How many of the learner's goals are active, and how many projects they have: what
    /// their dashboard's story tile counts.
    pub async fn story_counts(&self, learner_id: UserId) -> CoreResult<(usize, usize)> {
        let read = async {
            let (goals, projects): (i64, i64) = sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM goals WHERE learner_id = $1 AND status = 'active'), \
                   (SELECT COUNT(*) FROM projects WHERE learner_id = $1)",
            )
            .bind(learner_id)
            .fetch_one(self.pool())
            .await?;
            Ok((goals as usize, projects as usize))
        };
        let counts = self
            .kept(
                |kept| &kept.story_counts,
                Shows::Learner(learner_id),
                learner_id,
                read,
            )
            .await?;
        Ok(*counts)
    }

    /// A learner's goals, active first, then by target date.
    pub async fn goals_of(&self, learner_id: UserId) -> CoreResult<Vec<GoalSummary>> {
        let rows: Vec<(i64, String, String, Option<String>, i64, i64)> = sqlx::query_as(
            "SELECT g.id, g.title, g.status, g.target_on, \
               (SELECT COUNT(*) FROM goal_steps s WHERE s.goal_id = g.id AND s.done_at IS NOT NULL), \
               (SELECT COUNT(*) FROM goal_steps s WHERE s.goal_id = g.id) \
             FROM goals g WHERE g.learner_id = $1 \
             ORDER BY CASE g.status WHEN 'active' THEN 0 WHEN 'achieved' THEN 1 ELSE 2 END, \
               g.target_on, g.id",
        )
        .bind(learner_id)
        .fetch_all(self.pool())
        .await?;
        let mut goals = Vec::with_capacity(rows.len());
        for (id, title, key, target_on, done, steps) in rows {
            goals.push(GoalSummary {
                id,
                title,
                status: status(&key),
                overdue: overdue(&key, target_on.as_deref()),
                target_on,
                steps_done: done as usize,
                steps: steps as usize,
                competencies: self
                    .linked_competencies("goal_competencies", "goal_id", id)
                    .await?,
            });
        }
        Ok(goals)
    }

    /// Sets a goal with its first steps and linked competencies, all at once.
    pub async fn create_goal(
        &self,
        learner_id: UserId,
        institution_id: InstitutionId,
        goal: &NewGoal,
    ) -> CoreResult<i64> {
        let mut tx = self.write().await?;
        let now = clock::now();
        let (goal_id,): (i64,) = sqlx::query_as(
            "INSERT INTO goals (learner_id, title, why, status, target_on, created_at, updated_at) \
             VALUES ($1, $2, $3, 'active', $4, $5, $5) RETURNING id",
        )
        .bind(learner_id)
        .bind(&goal.title)
        .bind(&goal.why)
        .bind(goal.target_on.clone())
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?;
        self.link_competencies(
            &mut tx,
            "goal_competencies",
            "goal_id",
            goal_id,
            institution_id,
            &goal.competencies,
        )
        .await?;
        for (position, (text, due_on)) in goal.steps.iter().enumerate() {
            sqlx::query(
                "INSERT INTO goal_steps (goal_id, text, position, due_on) VALUES ($1, $2, $3, $4)",
            )
            .bind(goal_id)
            .bind(text)
            .bind(position as i64)
            .bind(due_on.clone())
            .execute(&mut *tx)
            .await?;
        }
        tx.event(Self::story_event(learner_id, Some(goal_id), None));
        tx.commit().await?;
        Ok(goal_id)
    }

    /// Adds a step at the end of a goal's plan.
    pub async fn add_goal_step(
        &self,
        learner_id: UserId,
        goal_id: i64,
        text: &str,
        due_on: Option<&str>,
    ) -> CoreResult<i64> {
        let mut tx = self.write().await?;
        let (step_id,): (i64,) = sqlx::query_as(
            "INSERT INTO goal_steps (goal_id, text, position, due_on) VALUES ($1, $2, \
               (SELECT COALESCE(MAX(position), -1) + 1 FROM goal_steps WHERE goal_id = $1), $3) \
             RETURNING id",
        )
        .bind(goal_id)
        .bind(text)
        .bind(due_on)
        .fetch_one(&mut *tx)
        .await?;
        touch_goal(&mut tx, goal_id).await?;
        tx.event(Self::story_event(learner_id, Some(goal_id), None));
        tx.commit().await?;
        Ok(step_id)
    }

    /// Marks a step of the goal done (now) or not done.
    pub async fn set_goal_step_done(
        &self,
        learner_id: UserId,
        goal_id: i64,
        step_id: i64,
        done: bool,
    ) -> CoreResult<()> {
        let mut tx = self.write().await?;
        let changed =
            sqlx::query("UPDATE goal_steps SET done_at = $1 WHERE id = $2 AND goal_id = $3")
                .bind(done.then(clock::now))
                .bind(step_id)
                .bind(goal_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if changed == 0 {
            return Err(CoreError::NotFound(format!("step {step_id} of this goal")));
        }
        touch_goal(&mut tx, goal_id).await?;
        tx.event(Self::story_event(learner_id, Some(goal_id), None));
        tx.commit().await
    }

    pub async fn set_goal_status(
        &self,
        learner_id: UserId,
        goal_id: i64,
        status: GoalStatus,
    ) -> CoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query("UPDATE goals SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(status.key())
            .bind(clock::now())
            .bind(goal_id)
            .execute(&mut *tx)
            .await?;
        tx.event(Self::story_event(learner_id, Some(goal_id), None));
        tx.commit().await
    }

    /// Attaches a kept file to the goal as evidence.
    pub async fn attach_goal_file(
        &self,
        learner_id: UserId,
        goal_id: i64,
        file_id: i64,
    ) -> CoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query("INSERT INTO goal_files (goal_id, file_id) VALUES ($1, $2)")
            .bind(goal_id)
            .bind(file_id)
            .execute(&mut *tx)
            .await?;
        touch_goal(&mut tx, goal_id).await?;
        tx.event(Self::story_event(learner_id, Some(goal_id), None));
        tx.commit().await
    }

    /// A reflection by the learner on a goal or a project.
    pub async fn add_reflection(
        &self,
        learner_id: UserId,
        goal_id: Option<i64>,
        project_id: Option<i64>,
        body: &str,
    ) -> CoreResult<i64> {
        let mut tx = self.write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO reflections (learner_id, goal_id, project_id, body, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(learner_id)
        .bind(goal_id)
        .bind(project_id)
        .bind(body)
        .bind(clock::now())
        .fetch_one(&mut *tx)
        .await?;
        tx.event(Self::story_event(learner_id, goal_id, project_id));
        tx.commit().await?;
        Ok(id)
    }

    /// A teacher's comment on a goal, or written feedback on a project.
    pub async fn add_comment(
        &self,
        author_id: UserId,
        learner_id: UserId,
        goal_id: Option<i64>,
        project_id: Option<i64>,
        body: &str,
    ) -> CoreResult<i64> {
        let mut tx = self.write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO feedback (author_id, learner_id, goal_id, project_id, body, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(author_id)
        .bind(learner_id)
        .bind(goal_id)
        .bind(project_id)
        .bind(body)
        .bind(clock::now())
        .fetch_one(&mut *tx)
        .await?;
        tx.event(Self::story_event(learner_id, goal_id, project_id));
        tx.commit().await?;
        Ok(id)
    }

    /// Reflections and comments on a goal or project (`column` = `goal_id` or `project_id`),
    /// as timeline entries.
    pub(super) async fn notes_on(&self, column: &str, id: i64) -> CoreResult<Vec<TimelineEntry>> {
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(&format!(
            "SELECT 'reflection', u.name, r.body, r.created_at FROM reflections r \
               JOIN users u ON u.id = r.learner_id WHERE r.{column} = $1 \
             UNION ALL \
             SELECT 'comment', u.name, f.body, f.created_at FROM feedback f \
               JOIN users u ON u.id = f.author_id WHERE f.{column} = $1"
        ))
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(kind, author, body, at)| TimelineEntry {
                at,
                kind: if kind == "comment" {
                    TimelineKind::Comment
                } else {
                    TimelineKind::Reflection
                },
                author,
                body,
                file: None,
            })
            .collect())
    }

    /// A goal's page (the core decides who may see it and what they may do).
    pub async fn goal_view(&self, goal_id: i64, modules: ModuleNames) -> CoreResult<GoalView> {
        let row: Option<GoalRow> = sqlx::query_as(
            "SELECT learner_id, title, why, status, target_on, created_at FROM goals WHERE id = $1",
        )
        .bind(goal_id)
        .fetch_optional(self.pool())
        .await?;
        let (learner_id, title, why, key, target_on, created_at) =
            row.ok_or_else(|| CoreError::NotFound(format!("goal {goal_id}")))?;
        let learner = self.learner_ref(learner_id).await?;
        let steps: Vec<(i64, String, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT id, text, due_on, done_at FROM goal_steps WHERE goal_id = $1 \
             ORDER BY position, id",
        )
        .bind(goal_id)
        .fetch_all(self.pool())
        .await?;
        let files: Vec<(i64, String, String, i64, Option<String>, String)> = sqlx::query_as(
            "SELECT f.id, f.name, f.content_type, f.size_bytes, f.thumbnail_path, f.created_at \
             FROM goal_files g JOIN files f ON f.id = g.file_id WHERE g.goal_id = $1",
        )
        .bind(goal_id)
        .fetch_all(self.pool())
        .await?;
        let mut timeline = vec![TimelineEntry {
            at: created_at,
            kind: TimelineKind::Set,
            author: learner.name.clone(),
            body: title.clone(),
            file: None,
        }];
        timeline.extend(steps.iter().filter_map(|(_, text, _, done_at)| {
            done_at.clone().map(|at| TimelineEntry {
                at,
                kind: TimelineKind::StepDone,
                author: learner.name.clone(),
                body: text.clone(),
                file: None,
            })
        }));
        timeline.extend(
            files.into_iter().map(
                |(id, name, content_type, size, thumbnail, at)| TimelineEntry {
                    at,
                    kind: TimelineKind::Evidence,
                    author: learner.name.clone(),
                    body: name.clone(),
                    file: Some(story_file((id, name, content_type, size, thumbnail))),
                },
            ),
        );
        timeline.extend(self.notes_on("goal_id", goal_id).await?);
        timeline.sort_by(|a, b| a.at.cmp(&b.at));
        Ok(GoalView {
            modules,
            learner,
            id: goal_id,
            title,
            why,
            status: status(&key),
            overdue: overdue(&key, target_on.as_deref()),
            target_on,
            competencies: self
                .linked_competencies("goal_competencies", "goal_id", goal_id)
                .await?,
            steps: steps
                .into_iter()
                .map(|(id, text, due_on, done_at)| GoalStep {
                    id,
                    text,
                    due_on,
                    done_at,
                })
                .collect(),
            timeline,
            may_write: false,
            may_comment: false,
            max_upload_mb: self.max_upload_bytes() / (1024 * 1024),
        })
    }
}

async fn touch_goal(tx: &mut Write<'_>, goal_id: i64) -> CoreResult<()> {
    sqlx::query("UPDATE goals SET updated_at = $1 WHERE id = $2")
        .bind(clock::now())
        .bind(goal_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Whether a goal is still active past its target date (dates compare as text, `YYYY-MM-DD`).
fn overdue(status: &str, target_on: Option<&str>) -> bool {
    let today = clock::format_date(time::OffsetDateTime::now_utc().date());
    status == "active" && target_on.is_some_and(|on| on < today.as_str())
}
