//! Projects: a learner's page of work attached to competencies, with images, video links and
//! files; teachers' written feedback and rubric assessments (which are evidence, source
//! `project`, and flow into mastery like any mark); the learner's self-assessment beside them.

use super::levels::{NewEvidence, Recorded};
use super::story::story_file;
use super::Store;
use crate::clock;
use crate::error::{CoreError, CoreResult};
use crate::model::{
    AssessedCompetency, Assessment, CompetencyId, InstitutionId, MediaKind, ModuleNames,
    ProjectMedia, ProjectSummary, ProjectView, RubricChoice, UserId,
};

/// A project as the learner starts it (already checked by the core).
#[derive(Clone, Debug, PartialEq)]
pub struct NewProject {
    pub title: String,
    pub body: String,
    pub competencies: Vec<i64>,
}

/// The `source_ref` prefix of a project's assessments as evidence.
fn evidence_prefix(project_id: i64, competency_id: CompetencyId) -> String {
    format!("project:{project_id}:competency:{competency_id}:")
}

impl Store {
    /// The learner a project belongs to.
    pub async fn project_learner(&self, project_id: i64) -> CoreResult<UserId> {
        sqlx::query_scalar("SELECT learner_id FROM projects WHERE id = $1")
            .bind(project_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| CoreError::NotFound(format!("project {project_id}")))
    }

    pub async fn projects_of(&self, learner_id: UserId) -> CoreResult<Vec<ProjectSummary>> {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT id, title, updated_at FROM projects WHERE learner_id = $1 \
             ORDER BY updated_at DESC, id DESC",
        )
        .bind(learner_id)
        .fetch_all(self.pool())
        .await?;
        let mut projects = Vec::with_capacity(rows.len());
        for (id, title, updated_at) in rows {
            projects.push(ProjectSummary {
                id,
                title,
                updated_at,
                competencies: self
                    .linked_competencies("project_competencies", "project_id", id)
                    .await?,
            });
        }
        Ok(projects)
    }

    pub async fn create_project(
        &self,
        learner_id: UserId,
        institution_id: InstitutionId,
        project: &NewProject,
    ) -> CoreResult<i64> {
        let mut tx = self.write().await?;
        let now = clock::now();
        let (project_id,): (i64,) = sqlx::query_as(
            "INSERT INTO projects (learner_id, title, body, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4) RETURNING id",
        )
        .bind(learner_id)
        .bind(&project.title)
        .bind(&project.body)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?;
        self.link_competencies(
            &mut tx,
            "project_competencies",
            "project_id",
            project_id,
            institution_id,
            &project.competencies,
        )
        .await?;
        tx.event(Self::story_event(learner_id, None, Some(project_id)));
        tx.commit().await?;
        Ok(project_id)
    }

    /// Replaces the project's title and text.
    pub async fn edit_project(
        &self,
        learner_id: UserId,
        project_id: i64,
        title: &str,
        body: &str,
    ) -> CoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query("UPDATE projects SET title = $1, body = $2, updated_at = $3 WHERE id = $4")
            .bind(title)
            .bind(body)
            .bind(clock::now())
            .bind(project_id)
            .execute(&mut *tx)
            .await?;
        tx.event(Self::story_event(learner_id, None, Some(project_id)));
        tx.commit().await
    }

    /// Adds an image, video, file or link to the project: a kept file or an address.
    pub async fn add_project_media(
        &self,
        learner_id: UserId,
        project_id: i64,
        kind: MediaKind,
        title: &str,
        url: Option<&str>,
        file_id: Option<i64>,
    ) -> CoreResult<i64> {
        let mut tx = self.write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO project_media (project_id, kind, title, url, file_id, position) \
             VALUES ($1, $2, $3, $4, $5, \
               (SELECT COALESCE(MAX(position), -1) + 1 FROM project_media WHERE project_id = $1)) \
             RETURNING id",
        )
        .bind(project_id)
        .bind(kind.key())
        .bind(title)
        .bind(url)
        .bind(file_id)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("UPDATE projects SET updated_at = $1 WHERE id = $2")
            .bind(clock::now())
            .bind(project_id)
            .execute(&mut *tx)
            .await?;
        tx.event(Self::story_event(learner_id, None, Some(project_id)));
        tx.commit().await?;
        Ok(id)
    }

    /// Whether the competency is attached to the project.
    pub async fn project_has_competency(
        &self,
        project_id: i64,
        competency_id: CompetencyId,
    ) -> CoreResult<bool> {
        let found: Option<(i64,)> = sqlx::query_as(
            "SELECT competency_id FROM project_competencies \
             WHERE project_id = $1 AND competency_id = $2",
        )
        .bind(project_id)
        .bind(competency_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(found.is_some())
    }

    /// The levels of the competency's rubric with their criteria text for it.
    pub async fn rubric_choices(
        &self,
        competency_id: CompetencyId,
    ) -> CoreResult<Vec<RubricChoice>> {
        let rows: Vec<(i64, String, Option<String>)> = sqlx::query_as(
            "SELECT l.level, l.name, rc.text FROM competencies c \
             JOIN frameworks f ON f.id = c.framework_id \
             JOIN rubric_levels l ON l.rubric_id = f.rubric_id \
             LEFT JOIN rubric_criteria rc ON rc.rubric_id = f.rubric_id \
               AND rc.competency_id = c.id AND rc.level = l.level \
             WHERE c.id = $1 ORDER BY l.level",
        )
        .bind(competency_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(level, name, criteria)| RubricChoice {
                level,
                name,
                criteria,
            })
            .collect())
    }

    /// A teacher's rubric assessment of one competency of the project: recorded as evidence
    /// (source `project`), correcting the same teacher-side assessment made before, so the
    /// project counts once towards mastery with its latest assessment.
    pub async fn assess_project(
        &self,
        teacher_id: UserId,
        learner_id: UserId,
        project_id: i64,
        competency_id: CompetencyId,
        level: i64,
        comment: Option<String>,
    ) -> CoreResult<Recorded> {
        let previous = self
            .teacher_assessment_evidence(project_id, competency_id)
            .await?;
        let recorded = self
            .record_evidence(&NewEvidence {
                learner_id,
                competency_id,
                level: level as f64,
                given_by: Some(teacher_id),
                source: "project",
                source_ref: Some(format!(
                    "{}{}",
                    evidence_prefix(project_id, competency_id),
                    rand::random::<u64>()
                )),
                group_id: None,
                comment,
                supersedes_id: previous,
                score: None,
                observed_at: clock::now(),
            })
            .await?;
        // Its evidence event moves the project's page on, as well as the dashboards.
        Ok(recorded)
    }

    /// The standing teacher assessment of a project's competency, as its evidence id.
    async fn teacher_assessment_evidence(
        &self,
        project_id: i64,
        competency_id: CompetencyId,
    ) -> CoreResult<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT e.id FROM evidence e WHERE e.source = 'project' AND e.source_ref LIKE $1 \
               AND e.competency_id = $2 \
               AND NOT EXISTS (SELECT 1 FROM evidence s WHERE s.supersedes_id = e.id) \
             ORDER BY e.id DESC LIMIT 1",
        )
        .bind(format!("{}%", evidence_prefix(project_id, competency_id)))
        .bind(competency_id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// The learner's own assessment of one competency of their project: kept beside the
    /// teacher's, never evidence.
    pub async fn self_assess_project(
        &self,
        learner_id: UserId,
        project_id: i64,
        competency_id: CompetencyId,
        level: i64,
        comment: Option<String>,
    ) -> CoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO project_self_assessments (project_id, competency_id, level, comment, \
               created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(project_id)
        .bind(competency_id)
        .bind(level)
        .bind(comment)
        .bind(clock::now())
        .execute(&mut *tx)
        .await?;
        tx.event(Self::story_event(learner_id, None, Some(project_id)));
        tx.commit().await
    }

    /// A project's page (the core decides who may see it and what they may do). The body is
    /// given as written; the core renders it.
    pub async fn project_view(
        &self,
        project_id: i64,
        modules: ModuleNames,
    ) -> CoreResult<ProjectView> {
        let row: Option<(i64, String, String, String)> = sqlx::query_as(
            "SELECT learner_id, title, body, updated_at FROM projects WHERE id = $1",
        )
        .bind(project_id)
        .fetch_optional(self.pool())
        .await?;
        let (learner_id, title, body, updated_at) =
            row.ok_or_else(|| CoreError::NotFound(format!("project {project_id}")))?;
        let learner = self.learner_ref(learner_id).await?;
        type MediaRow = (
            i64,
            String,
            String,
            Option<String>,
            Option<i64>,
            Option<String>,
            Option<String>,
            Option<i64>,
            Option<String>,
        );
        let rows: Vec<MediaRow> = sqlx::query_as(
            "SELECT m.id, m.kind, m.title, m.url, f.id, f.name, f.content_type, f.size_bytes, \
               f.thumbnail_path \
             FROM project_media m LEFT JOIN files f ON f.id = m.file_id \
             WHERE m.project_id = $1 ORDER BY m.position, m.id",
        )
        .bind(project_id)
        .fetch_all(self.pool())
        .await?;
        let media = rows
            .into_iter()
            .map(
                |(id, kind, title, url, file_id, name, content_type, size, thumbnail)| {
                    let file = file_id.map(|file_id| {
                        story_file((
                            file_id,
                            name.unwrap_or_default(),
                            content_type.unwrap_or_default(),
                            size.unwrap_or_default(),
                            thumbnail,
                        ))
                    });
                    ProjectMedia {
                        id,
                        kind: MediaKind::from_key(&kind).unwrap_or(MediaKind::Link),
                        title,
                        url: file
                            .as_ref()
                            .map(|f| f.url.clone())
                            .or(url)
                            .unwrap_or_default(),
                        thumbnail: file.and_then(|f| f.thumbnail),
                    }
                },
            )
            .collect();
        let mut competencies = Vec::new();
        for competency in self
            .linked_competencies("project_competencies", "project_id", project_id)
            .await?
        {
            let levels = self.rubric_choices(competency.id).await?;
            let describe = |level: i64, by: String, at: String, comment: Option<String>| {
                let choice = levels.iter().find(|choice| choice.level == level);
                Assessment {
                    level,
                    level_name: choice.map_or_else(|| format!("Level {level}"), |c| c.name.clone()),
                    criteria: choice.and_then(|c| c.criteria.clone()),
                    by,
                    at,
                    comment,
                }
            };
            let teacher: Option<(f64, Option<String>, Option<String>, String)> = sqlx::query_as(
                "SELECT e.level, u.name, e.comment, e.recorded_at FROM evidence e \
                 LEFT JOIN users u ON u.id = e.given_by \
                 WHERE e.source = 'project' AND e.source_ref LIKE $1 AND e.competency_id = $2 \
                   AND NOT EXISTS (SELECT 1 FROM evidence s WHERE s.supersedes_id = e.id) \
                 ORDER BY e.id DESC LIMIT 1",
            )
            .bind(format!("{}%", evidence_prefix(project_id, competency.id)))
            .bind(competency.id)
            .fetch_optional(self.pool())
            .await?;
            let own: Option<(i64, Option<String>, String)> = sqlx::query_as(
                "SELECT level, comment, created_at FROM project_self_assessments \
                 WHERE project_id = $1 AND competency_id = $2 ORDER BY id DESC LIMIT 1",
            )
            .bind(project_id)
            .bind(competency.id)
            .fetch_optional(self.pool())
            .await?;
            competencies.push(AssessedCompetency {
                teacher: teacher.map(|(level, by, comment, at)| {
                    describe(level as i64, by.unwrap_or_default(), at, comment)
                }),
                own: own
                    .map(|(level, comment, at)| describe(level, learner.name.clone(), at, comment)),
                levels: levels.clone(),
                competency,
            });
        }
        let mut timeline = self.notes_on("project_id", project_id).await?;
        timeline.sort_by(|a, b| a.at.cmp(&b.at));
        Ok(ProjectView {
            modules,
            learner,
            id: project_id,
            title,
            body,
            body_html: String::new(),
            media,
            competencies,
            timeline,
            updated_at,
            may_write: false,
            may_assess: false,
            max_upload_mb: self.max_upload_bytes() / (1024 * 1024),
        })
    }
}
