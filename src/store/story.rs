//! What goals, projects and check-ins share: the institution's module names, the people and
//! competencies they name, and how a change to a learner's story is committed and announced.

use super::kept::Shows;
use super::write::Write;
use super::Store;
use crate::error::{CoreError, CoreResult};
use crate::model::{
    CompetencyRef, InstitutionId, LearnerRef, LiveEvent, Module, ModuleNames, StoryFile, UserId,
};

impl Store {
    /// What the institution calls each module (the default names where it chose none).
    pub async fn module_names(&self, institution_id: InstitutionId) -> CoreResult<ModuleNames> {
        let kept = self.kept(
            |kept| &kept.module_names,
            Shows::Shared,
            institution_id,
            self.read_module_names(institution_id),
        );
        Ok(kept.await?.as_ref().clone())
    }

    async fn read_module_names(&self, institution_id: InstitutionId) -> CoreResult<ModuleNames> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT module, label FROM module_names WHERE institution_id = $1")
                .bind(institution_id)
                .fetch_all(self.pool())
                .await?;
        let mut names = ModuleNames::default();
        for (key, label) in rows {
            if let Some(module) = Module::ALL.into_iter().find(|m| m.key() == key) {
                names.set(module, label);
            }
        }
        Ok(names)
    }

    /// A learner by id, as pages name them.
    pub async fn learner_ref(&self, learner_id: UserId) -> CoreResult<LearnerRef> {
        let name: Option<String> = sqlx::query_scalar("SELECT name FROM users WHERE id = $1")
            .bind(learner_id)
            .fetch_optional(self.pool())
            .await?;
        name.map(|name| LearnerRef {
            id: learner_id,
            name,
        })
        .ok_or_else(|| CoreError::NotFound(format!("learner {learner_id}")))
    }

    /// The competencies linked through `table` (`goal_competencies`, `project_competencies`)
    /// to the row `owner_column = id`.
    pub(super) async fn linked_competencies(
        &self,
        table: &str,
        owner_column: &str,
        id: i64,
    ) -> CoreResult<Vec<CompetencyRef>> {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(&format!(
            "SELECT c.id, c.code, c.name FROM {table} l \
             JOIN competencies c ON c.id = l.competency_id \
             WHERE l.{owner_column} = $1 ORDER BY c.code"
        ))
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, code, name)| CompetencyRef { id, code, name })
            .collect())
    }

    /// Links competencies of the learner's institution to a goal or project, in its
    /// transaction; an id from elsewhere is refused.
    pub(super) async fn link_competencies(
        &self,
        tx: &mut Write<'_>,
        table: &str,
        owner_column: &str,
        id: i64,
        institution_id: InstitutionId,
        competencies: &[i64],
    ) -> CoreResult<()> {
        for competency_id in competencies {
            let found: Option<(i64,)> = sqlx::query_as(
                "SELECT c.id FROM competencies c JOIN frameworks f ON f.id = c.framework_id \
                 WHERE c.id = $1 AND f.institution_id = $2",
            )
            .bind(competency_id)
            .bind(institution_id)
            .fetch_optional(&mut **tx)
            .await?;
            if found.is_none() {
                return Err(CoreError::invalid(
                    "competencies",
                    format!("there is no competency {competency_id} here"),
                ));
            }
            sqlx::query(&format!(
                "INSERT INTO {table} ({owner_column}, competency_id) VALUES ($1, $2) \
                 ON CONFLICT DO NOTHING"
            ))
            .bind(id)
            .bind(competency_id)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }

    /// A story event for a goal or project of the learner, now.
    pub(super) fn story_event(
        learner_id: UserId,
        goal_id: Option<i64>,
        project_id: Option<i64>,
    ) -> LiveEvent {
        LiveEvent::Story {
            learner_id,
            goal_id,
            project_id,
            at: crate::clock::now(),
        }
    }
}

/// A file row (`id, name, content_type, size_bytes, thumbnail_path`) as pages link it.
pub(super) fn story_file(row: (i64, String, String, i64, Option<String>)) -> StoryFile {
    let (id, name, content_type, size_bytes, thumbnail) = row;
    StoryFile {
        id,
        name,
        content_type,
        size_bytes,
        url: format!("/files/{id}"),
        thumbnail: thumbnail.map(|_| format!("/files/{id}/thumbnail")),
    }
}
