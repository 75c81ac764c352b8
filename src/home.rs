//! The home page of a signed-in person, assembled from the store under the policy: each part
//! appears only for a role that has it, and only with the learners that person may see.

use crate::error::CoreResult;
use crate::model::{Home, LearnerSummary, Role, UserId, Viewer};
use crate::policy::{may_view_institution, may_view_learner, LearnerScope};
use crate::store::Store;

/// Marking counted on a teacher's home: the last thirty days.
const RECENT_DAYS: i64 = 30;

/// When a week at a glance starts: a week ago, and the viewer's previous visit (a week ago
/// at first).
struct Week {
    ago: String,
    since: String,
    first_visit: bool,
}

/// A learner's week at a glance, as `viewer` (the learner, or a parent) sees it.
async fn summary(
    store: &Store,
    viewer: &Viewer,
    week: &Week,
    learner: UserId,
) -> CoreResult<LearnerSummary> {
    let (new_marks, new_comments, new_badges) = store.new_since(learner, &week.since).await?;
    Ok(LearnerSummary {
        learner_id: learner,
        mastered_week_ago: store
            .mastered_at(learner, viewer.institution_id, &week.ago)
            .await?,
        feedback: store.latest_feedback(learner).await?,
        since: week.since.clone(),
        first_visit: week.first_visit,
        new_marks,
        new_comments,
        new_badges,
    })
}

pub async fn home(store: &Store, viewer: Viewer) -> CoreResult<Home> {
    let own_progress = if viewer.has(Role::Learner) {
        store.learner_progress(viewer.id).await?
    } else {
        None
    };
    let mut children = Vec::new();
    if viewer.has(Role::Parent) {
        for child in store.linked_learners(viewer.id).await? {
            let Some(relations) = store.learner_relations(child.id).await? else {
                continue;
            };
            if may_view_learner(&viewer, &relations) {
                if let Some(progress) = store.learner_progress(child.id).await? {
                    children.push(progress);
                }
            }
        }
    }
    let (teaching, taught) = if viewer.has(Role::Teacher) {
        let since = time::OffsetDateTime::now_utc() - time::Duration::days(RECENT_DAYS);
        let mut groups = store
            .teacher_groups(viewer.id, &crate::clock::format(since))
            .await?;
        // Each group's attendance this term, with the learners under 90 %.
        if !groups.is_empty() {
            let (_, period) =
                crate::attendance::today_and_period(store, viewer.institution_id).await?;
            let ids: Vec<_> = groups.iter().map(|group| group.id).collect();
            let attendance = store.group_attendance(&ids, &period).await?;
            for (group, attendance) in groups.iter_mut().zip(attendance) {
                group.attendance = Some(attendance).filter(|a| a.tally.sessions() > 0);
            }
        }
        (
            groups,
            store
                .learners_in(&[LearnerScope::TaughtBy(viewer.id)])
                .await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let (seats, orders) = if viewer.has(Role::Manager) {
        (
            store.manager_seats(viewer.id).await?,
            store.manager_orders(viewer.id).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let institution = if may_view_institution(&viewer, viewer.institution_id) {
        Some(store.institution_summary(viewer.institution_id).await?)
    } else {
        None
    };
    // The tiles of the person's widest role, as the administrators arranged them.
    let tiles = match viewer.primary_role() {
        Some(role) => store
            .tile_layout(viewer.institution_id, role)
            .await?
            .shown(),
        None => crate::model::HomeTile::ALL.to_vec(),
    };
    let mut summaries = Vec::new();
    if own_progress.is_some() || !children.is_empty() {
        let ago = crate::clock::format(time::OffsetDateTime::now_utc() - time::Duration::days(7));
        let previous = store.previous_visit(viewer.id).await?;
        let week = Week {
            since: previous.clone().unwrap_or_else(|| ago.clone()),
            first_visit: previous.is_none(),
            ago,
        };
        for progress in own_progress.iter().chain(&children) {
            summaries.push(summary(store, &viewer, &week, progress.learner.id).await?);
        }
    }
    Ok(Home {
        viewer,
        tiles,
        own_progress,
        children,
        summaries,
        teaching,
        taught,
        seats,
        orders,
        institution,
    })
}
