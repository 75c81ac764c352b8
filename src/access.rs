//! The policy applied with facts from the store: the one door every page, server function and
//! API route goes through to reach a learner's record.

use crate::error::{CoreError, CoreResult};
use crate::model::{LearnerProgress, UserId, Viewer};
use crate::policy::{may_view_learner, LearnerRelations};
use crate::store::Store;

/// The learner's relations if `viewer` may see them: `NotFound` when there is no such
/// learner, `Forbidden` when there is but not for this viewer.
pub async fn authorize_learner(
    store: &Store,
    viewer: &Viewer,
    learner_id: UserId,
) -> CoreResult<LearnerRelations> {
    let relations = store
        .learner_relations(learner_id)
        .await?
        .ok_or_else(|| CoreError::NotFound(format!("learner {learner_id}")))?;
    if may_view_learner(viewer, &relations) {
        Ok(relations)
    } else {
        Err(CoreError::Forbidden)
    }
}

/// A learner's progress, for a viewer who may see it.
pub async fn learner_progress(
    store: &Store,
    viewer: &Viewer,
    learner_id: UserId,
) -> CoreResult<LearnerProgress> {
    authorize_learner(store, viewer, learner_id).await?;
    store
        .learner_progress(learner_id)
        .await?
        .ok_or_else(|| CoreError::NotFound(format!("learner {learner_id}")))
}

/// One competency of a learner, explained, for a viewer who may see the learner.
pub async fn competency_detail(
    store: &Store,
    viewer: &Viewer,
    learner_id: UserId,
    competency_id: crate::model::CompetencyId,
) -> CoreResult<crate::model::CompetencyDetail> {
    authorize_learner(store, viewer, learner_id).await?;
    store.competency_detail(learner_id, competency_id).await
}

/// The cohort comparison of a learner on one framework, for a viewer who may see the learner.
pub async fn cohort_view(
    store: &Store,
    viewer: &Viewer,
    learner_id: UserId,
    framework_id: Option<i64>,
) -> CoreResult<(
    Vec<crate::cohort::FrameworkChoice>,
    i64,
    crate::cohort::CohortView,
)> {
    authorize_learner(store, viewer, learner_id).await?;
    let frameworks = store.frameworks_for(learner_id).await?;
    let chosen = framework_id
        .or_else(|| frameworks.first().map(|f| f.id))
        .ok_or_else(|| CoreError::NotFound("a framework".into()))?;
    let view = store.cohort_view(learner_id, chosen).await?;
    Ok((frameworks, chosen, view))
}

/// A learner's record in one category (the evidence record of each achievement in it, with
/// its timeline), for a viewer who may see the learner.
pub async fn category_record(
    store: &Store,
    viewer: &Viewer,
    learner_id: UserId,
    category_key: &str,
) -> CoreResult<crate::model::CategoryRecord> {
    authorize_learner(store, viewer, learner_id).await?;
    store.category_record(learner_id, category_key).await
}

/// Every learner `viewer` may see, for lists: by the same rules as `authorize_learner`.
pub async fn learners(
    store: &Store,
    viewer: &Viewer,
) -> CoreResult<Vec<crate::model::LearnerListing>> {
    store
        .learners_in(&crate::policy::learner_scopes(viewer))
        .await
}
