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

/// The learner's relations if `viewer` may see their record, which they are about to read:
/// the read is noted for the audit log (`what`: the part of the record), once per staff
/// member, learner and quarter of an hour, whichever page, server function or route asks.
pub async fn open_learner_record(
    store: &Store,
    viewer: &Viewer,
    learner_id: UserId,
    what: &str,
) -> CoreResult<LearnerRelations> {
    let relations = authorize_learner(store, viewer, learner_id).await?;
    store.note_learner_read(viewer, &relations, what);
    Ok(relations)
}

/// A learner's progress, for a viewer who may see it.
pub async fn learner_progress(
    store: &Store,
    viewer: &Viewer,
    learner_id: UserId,
) -> CoreResult<LearnerProgress> {
    open_learner_record(store, viewer, learner_id, "progress").await?;
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
    open_learner_record(
        store,
        viewer,
        learner_id,
        &format!("competency {competency_id}"),
    )
    .await?;
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
    let relations = open_learner_record(store, viewer, learner_id, "cohort").await?;
    let frameworks = store.frameworks_for(relations.institution_id).await?;
    let chosen = framework_id
        .or_else(|| frameworks.first().map(|f| f.id))
        .ok_or_else(|| CoreError::NotFound("a framework".into()))?;
    let view = store
        .cohort_view(relations.institution_id, learner_id, chosen)
        .await?;
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
    let relations = open_learner_record(
        store,
        viewer,
        learner_id,
        &format!("category {category_key}"),
    )
    .await?;
    let mut record = store.category_record(learner_id, category_key).await?;
    record.may_issue = crate::policy::may_issue_credential(viewer, &relations);
    Ok(record)
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

/// The group's facts if `viewer` may open its roster: `NotFound` when there is no such
/// group, `Forbidden` when there is but not for this viewer.
pub async fn authorize_group(
    store: &Store,
    viewer: &Viewer,
    group_id: crate::model::GroupId,
) -> CoreResult<crate::policy::GroupRelations> {
    let group = store
        .group_relations(group_id)
        .await?
        .ok_or_else(|| CoreError::NotFound(format!("group {group_id}")))?;
    if crate::policy::may_view_group(viewer, &group) {
        Ok(group)
    } else {
        Err(CoreError::Forbidden)
    }
}

/// A group's roster on one framework, for its teachers (who may mark) and administrators.
pub async fn roster(
    store: &Store,
    viewer: &Viewer,
    group_id: crate::model::GroupId,
    framework_id: Option<i64>,
) -> CoreResult<crate::model::Roster> {
    let group = authorize_group(store, viewer, group_id).await?;
    let mut roster = store.roster(group_id, framework_id).await?;
    roster.may_mark = crate::policy::may_mark_group(viewer, &group);
    Ok(roster)
}

/// A teacher's mark from a roster: a level of the competency's rubric for a learner of the
/// group, optionally with a comment or as the correction of an earlier mark.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub group_id: crate::model::GroupId,
    pub learner_id: UserId,
    pub competency_id: crate::model::CompetencyId,
    pub level: f64,
    pub comment: Option<String>,
    pub corrects: Option<i64>,
}

/// Records a teacher's mark after checking that they teach the group, the learner is in it,
/// and the level is a whole level of the rubric; nothing is written otherwise.
pub async fn mark(
    store: &Store,
    viewer: &Viewer,
    mark: &Mark,
) -> CoreResult<crate::store::levels::Recorded> {
    let group = authorize_group(store, viewer, mark.group_id).await?;
    if !crate::policy::may_mark_group(viewer, &group) {
        return Err(CoreError::Forbidden);
    }
    if !store
        .is_current_learner(mark.group_id, mark.learner_id)
        .await?
    {
        return Err(CoreError::invalid(
            "learner",
            format!("learner {} is not in this group", mark.learner_id),
        ));
    }
    if store.competency_institution(mark.competency_id).await? != Some(group.institution_id) {
        return Err(CoreError::NotFound(format!(
            "competency {}",
            mark.competency_id
        )));
    }
    if mark.level < 1.0 || mark.level.fract() != 0.0 {
        return Err(CoreError::invalid(
            "level",
            format!("a mark is a whole rubric level from 1, not {}", mark.level),
        ));
    }
    let comment = mark
        .comment
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if comment.is_some_and(|c| c.chars().count() > 2000) {
        return Err(CoreError::invalid(
            "comment",
            "a comment is at most 2,000 characters",
        ));
    }
    store
        .record_evidence(&crate::store::levels::NewEvidence {
            learner_id: mark.learner_id,
            competency_id: mark.competency_id,
            level: mark.level,
            given_by: Some(viewer.id),
            source: "teacher",
            source_ref: None,
            group_id: Some(mark.group_id),
            comment: comment.map(str::to_string),
            supersedes_id: mark.corrects,
            score: None,
            observed_at: crate::clock::now(),
        })
        .await
}

/// The viewer's institution if they administer it: integrations are the administrators'.
fn administered(viewer: &Viewer) -> CoreResult<crate::model::InstitutionId> {
    if crate::policy::may_view_institution(viewer, viewer.institution_id) {
        Ok(viewer.institution_id)
    } else {
        Err(CoreError::Forbidden)
    }
}

/// The integrations page: tokens, mapped line items, the competencies to map to.
pub async fn integrations(
    store: &Store,
    viewer: &Viewer,
) -> CoreResult<crate::model::Integrations> {
    let institution = administered(viewer)?;
    Ok(crate::model::Integrations {
        tokens: store.integration_tokens(institution).await?,
        line_items: store.line_items(institution).await?,
        competencies: store.competency_choices(institution).await?,
    })
}

/// A new integration token for the administrator's institution: `(id, token)`, shown once.
pub async fn create_integration_token(
    store: &Store,
    viewer: &Viewer,
    name: &str,
) -> CoreResult<(i64, String)> {
    let institution = administered(viewer)?;
    store.create_integration_token(institution, name).await
}

pub async fn revoke_integration_token(store: &Store, viewer: &Viewer, id: i64) -> CoreResult<()> {
    let institution = administered(viewer)?;
    store.revoke_integration_token(institution, id).await
}

pub async fn map_line_item(
    store: &Store,
    viewer: &Viewer,
    source_id: &str,
    title: &str,
    competency_id: crate::model::CompetencyId,
) -> CoreResult<i64> {
    let institution = administered(viewer)?;
    store
        .map_line_item(institution, source_id, title, competency_id)
        .await
}

pub async fn unmap_line_item(store: &Store, viewer: &Viewer, id: i64) -> CoreResult<()> {
    let institution = administered(viewer)?;
    store.unmap_line_item(institution, id).await
}

/// The learner's credentials, for a viewer who may see the learner.
pub async fn learner_credentials(
    store: &Store,
    viewer: &Viewer,
    learner_id: UserId,
) -> CoreResult<Vec<crate::model::CredentialSummary>> {
    open_learner_record(store, viewer, learner_id, "credentials").await?;
    store.learner_credentials(learner_id).await
}

/// Issues an earned credential by hand: for the institution's administrators and the
/// learner's teachers, once the achievement's criteria are met.
pub async fn issue_credential(
    store: &Store,
    viewer: &Viewer,
    learner_id: UserId,
    achievement_id: i64,
) -> CoreResult<crate::store::credentials::StoredCredential> {
    let relations = authorize_learner(store, viewer, learner_id).await?;
    if !crate::policy::may_issue_credential(viewer, &relations) {
        return Err(CoreError::Forbidden);
    }
    store
        .issue_credential(
            learner_id,
            achievement_id,
            crate::model::CredentialKind::Earned,
            Some(viewer.id),
        )
        .await
}

/// A learner shares their Provisional Evidence Record for an achievement as a signed
/// provisional credential (a new version each time, the same id).
pub async fn share_progress_record(
    store: &Store,
    viewer: &Viewer,
    achievement_id: i64,
) -> CoreResult<crate::store::credentials::StoredCredential> {
    let relations = authorize_learner(store, viewer, viewer.id).await?;
    if relations.learner_id != viewer.id {
        return Err(CoreError::Forbidden);
    }
    store
        .issue_credential(
            viewer.id,
            achievement_id,
            crate::model::CredentialKind::Provisional,
            None,
        )
        .await
}

/// Revokes a credential with a reason: the issuing institution's administrators only.
pub async fn revoke_credential(
    store: &Store,
    viewer: &Viewer,
    public_id: &str,
    reason: &str,
) -> CoreResult<()> {
    let credential = store
        .credential(public_id)
        .await?
        .ok_or_else(|| CoreError::NotFound(format!("credential {public_id}")))?;
    if !crate::policy::may_view_institution(viewer, credential.institution_id) {
        return Err(CoreError::Forbidden);
    }
    store.revoke_credential(public_id, reason).await
}
