//! The one authorization policy: who may see what. Every page, server function and API route
//! asks here; the store only supplies the facts (links, group memberships) it decides on.

use crate::model::{InstitutionId, Permission, Role, UserId, Viewer};

/// The facts about one learner that decide who may see their record.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LearnerRelations {
    pub learner_id: UserId,
    pub institution_id: InstitutionId,
    /// Parents linked to the learner.
    pub parent_ids: Vec<UserId>,
    /// Teachers of the groups the learner is in now.
    pub teacher_ids: Vec<UserId>,
    /// Managers who placed the learner through one of their registration codes.
    pub manager_ids: Vec<UserId>,
    /// The year levels of the groups the learner is in now (for custom roles' grants).
    pub year_levels: Vec<Option<i64>>,
}

/// Whether a custom role gives `viewer` this right over one of the learner's groups.
fn granted_over(viewer: &Viewer, permission: Permission, learner: &LearnerRelations) -> bool {
    learner
        .year_levels
        .iter()
        .any(|year| viewer.granted(permission, *year))
}

/// May `viewer` see this learner's record (progress, evidence, badges)?
pub fn may_view_learner(viewer: &Viewer, learner: &LearnerRelations) -> bool {
    if viewer.institution_id != learner.institution_id {
        return false;
    }
    if viewer.id == learner.learner_id {
        return true;
    }
    (viewer.has(Role::Admin))
        || (viewer.has(Role::Parent) && learner.parent_ids.contains(&viewer.id))
        || (viewer.has(Role::Teacher) && learner.teacher_ids.contains(&viewer.id))
        || (viewer.has(Role::Manager) && learner.manager_ids.contains(&viewer.id))
        || granted_over(viewer, Permission::ViewRecords, learner)
}

/// The facts about one group that decide who may open and mark its roster.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GroupRelations {
    pub group_id: crate::model::GroupId,
    pub institution_id: InstitutionId,
    /// Teachers of the group now.
    pub teacher_ids: Vec<UserId>,
    pub year_level: Option<i64>,
}

/// May `viewer` open this group's roster? Its teachers, custom roles that see its records, and
/// their institution's administrators.
pub fn may_view_group(viewer: &Viewer, group: &GroupRelations) -> bool {
    viewer.institution_id == group.institution_id
        && (viewer.has(Role::Admin)
            || may_mark_group(viewer, group)
            || viewer.granted(Permission::ViewRecords, group.year_level))
}

/// May `viewer` record evidence for this group's learners? Its teachers, and custom roles
/// that mark it.
pub fn may_mark_group(viewer: &Viewer, group: &GroupRelations) -> bool {
    viewer.institution_id == group.institution_id
        && ((viewer.has(Role::Teacher) && group.teacher_ids.contains(&viewer.id))
            || viewer.granted(Permission::Mark, group.year_level))
}

/// A set of learners a person may see, which the store turns into a query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LearnerScope {
    /// Every learner of the institution (administrators).
    Institution(InstitutionId),
    /// Learners in the groups this teacher teaches now.
    TaughtBy(UserId),
    /// This parent's linked children.
    ChildrenOf(UserId),
    /// Learners placed through this manager's registration codes.
    PlacedBy(UserId),
    /// The learner themself.
    Only(UserId),
    /// Learners in the institution's groups of one year level (`None`: every group), through
    /// a custom role.
    YearLevel(InstitutionId, Option<i64>),
}

/// The learners `viewer` may see, as the union of these scopes: the same rules as
/// `may_view_learner`, in a form a list can be read with.
pub fn learner_scopes(viewer: &Viewer) -> Vec<LearnerScope> {
    let mut scopes = Vec::new();
    if viewer.has(Role::Admin) {
        // Everyone in the institution: no narrower scope adds anything.
        return vec![LearnerScope::Institution(viewer.institution_id)];
    }
    if viewer.has(Role::Learner) {
        scopes.push(LearnerScope::Only(viewer.id));
    }
    if viewer.has(Role::Parent) {
        scopes.push(LearnerScope::ChildrenOf(viewer.id));
    }
    if viewer.has(Role::Teacher) {
        scopes.push(LearnerScope::TaughtBy(viewer.id));
    }
    if viewer.has(Role::Manager) {
        scopes.push(LearnerScope::PlacedBy(viewer.id));
    }
    for grant in &viewer.grants {
        let scope = LearnerScope::YearLevel(viewer.institution_id, grant.year_level);
        if grant.permission == Permission::ViewRecords && !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    scopes
}

/// May `viewer` see figures about the whole institution?
pub fn may_view_institution(viewer: &Viewer, institution_id: InstitutionId) -> bool {
    viewer.institution_id == institution_id && viewer.has(Role::Admin)
}

/// Whose registration codes `viewer` may give seats of (and take unused ones back from).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeatGiver {
    /// An administrator: every code of their institution.
    Institution,
    /// A manager: the codes they hold.
    OwnCodes(UserId),
}

/// May `viewer` give seats, and of which codes? Administrators any of their institution's,
/// managers their own; nobody else.
pub fn seat_giver(viewer: &Viewer) -> Option<SeatGiver> {
    if viewer.has(Role::Admin) {
        Some(SeatGiver::Institution)
    } else if viewer.has(Role::Manager) {
        Some(SeatGiver::OwnCodes(viewer.id))
    } else {
        None
    }
}

/// May `viewer` issue a learner's earned credential by hand? The institution's
/// administrators and the learner's teachers.
pub fn may_issue_credential(viewer: &Viewer, learner: &LearnerRelations) -> bool {
    viewer.institution_id == learner.institution_id
        && (viewer.has(Role::Admin)
            || (viewer.has(Role::Teacher) && learner.teacher_ids.contains(&viewer.id)))
}

/// May `viewer` write this learner's own story: set goals and plan them, reflect, add evidence,
/// build projects, assess themself and send check-ins? The learner alone.
pub fn may_write_story(viewer: &Viewer, learner: &LearnerRelations) -> bool {
    viewer.institution_id == learner.institution_id
        && viewer.id == learner.learner_id
        && viewer.has(Role::Learner)
}

/// May `viewer` comment on this learner's goals, give feedback on their projects and assess
/// them on the rubric? The teachers of the learner's groups.
pub fn may_review_story(viewer: &Viewer, learner: &LearnerRelations) -> bool {
    viewer.institution_id == learner.institution_id
        && viewer.id != learner.learner_id
        && ((viewer.has(Role::Teacher) && learner.teacher_ids.contains(&viewer.id))
            || granted_over(viewer, Permission::GiveFeedback, learner))
}

/// May a check-in about this learner go to `teacher_id`? Only to a teacher of their groups
/// (from the learner, or from a parent who may write about them).
pub fn may_check_in_with(learner: &LearnerRelations, teacher_id: UserId) -> bool {
    learner.teacher_ids.contains(&teacher_id)
}

/// May `viewer` write to the learner's teachers as the learner's parent? A parent linked to
/// them.
pub fn may_write_as_parent(viewer: &Viewer, learner: &LearnerRelations) -> bool {
    viewer.has(Role::Parent) && learner.parent_ids.contains(&viewer.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(id: UserId, roles: &[Role]) -> Viewer {
        Viewer {
            id,
            name: format!("user {id}"),
            email: format!("{id}@example.org"),
            institution_id: 1,
            institution: "Riverbend".into(),
            roles: roles.to_vec(),
            grants: Vec::new(),
            origin: None,
        }
    }

    fn learner() -> LearnerRelations {
        LearnerRelations {
            learner_id: 10,
            institution_id: 1,
            parent_ids: vec![20],
            teacher_ids: vec![30],
            manager_ids: vec![40],
            year_levels: vec![Some(9)],
        }
    }

    #[test]
    fn administrators_give_any_seat_and_managers_their_own() {
        assert_eq!(
            seat_giver(&viewer(1, &[Role::Admin, Role::Manager])),
            Some(SeatGiver::Institution)
        );
        assert_eq!(
            seat_giver(&viewer(40, &[Role::Manager])),
            Some(SeatGiver::OwnCodes(40))
        );
        for role in [Role::Teacher, Role::Learner, Role::Parent] {
            assert_eq!(seat_giver(&viewer(7, &[role])), None);
        }
    }

    #[test]
    fn each_role_sees_only_its_own_learners() {
        let record = learner();
        assert!(may_view_learner(&viewer(10, &[Role::Learner]), &record));
        assert!(!may_view_learner(&viewer(11, &[Role::Learner]), &record));
        assert!(may_view_learner(&viewer(20, &[Role::Parent]), &record));
        assert!(!may_view_learner(&viewer(21, &[Role::Parent]), &record));
        assert!(may_view_learner(&viewer(30, &[Role::Teacher]), &record));
        assert!(!may_view_learner(&viewer(31, &[Role::Teacher]), &record));
        assert!(may_view_learner(&viewer(40, &[Role::Manager]), &record));
        assert!(!may_view_learner(&viewer(41, &[Role::Manager]), &record));
        assert!(may_view_learner(&viewer(50, &[Role::Admin]), &record));
    }

    #[test]
    fn a_relation_counts_only_with_the_matching_role() {
        // Listed as a teacher of the learner, but no longer holding the teacher role.
        assert!(!may_view_learner(&viewer(30, &[Role::Parent]), &learner()));
    }

    #[test]
    fn scopes_follow_the_roles_held() {
        assert_eq!(
            learner_scopes(&viewer(50, &[Role::Admin, Role::Teacher])),
            vec![LearnerScope::Institution(1)]
        );
        assert_eq!(
            learner_scopes(&viewer(20, &[Role::Parent, Role::Teacher])),
            vec![LearnerScope::ChildrenOf(20), LearnerScope::TaughtBy(20)]
        );
        assert_eq!(
            learner_scopes(&viewer(10, &[Role::Learner])),
            vec![LearnerScope::Only(10)]
        );
        assert!(learner_scopes(&viewer(9, &[])).is_empty());
    }

    #[test]
    fn nothing_crosses_institutions() {
        let mut admin = viewer(50, &[Role::Admin]);
        admin.institution_id = 2;
        assert!(!may_view_learner(&admin, &learner()));
        assert!(!may_view_institution(&admin, 1));
        assert!(may_view_institution(&viewer(50, &[Role::Admin]), 1));
        assert!(!may_view_institution(&viewer(30, &[Role::Teacher]), 1));
    }

    #[test]
    fn only_a_groups_teachers_mark_and_admins_only_look() {
        let group = GroupRelations {
            group_id: 3,
            institution_id: 1,
            teacher_ids: vec![10, 11],
            year_level: Some(7),
        };
        let teacher = viewer(10, &[Role::Teacher]);
        let other_teacher = viewer(12, &[Role::Teacher]);
        let admin = viewer(1, &[Role::Admin]);
        assert!(may_view_group(&teacher, &group) && may_mark_group(&teacher, &group));
        assert!(!may_view_group(&other_teacher, &group) && !may_mark_group(&other_teacher, &group));
        assert!(may_view_group(&admin, &group) && !may_mark_group(&admin, &group));
        let mut elsewhere = admin.clone();
        elsewhere.institution_id = 2;
        assert!(!may_view_group(&elsewhere, &group));
    }

    #[test]
    fn only_the_learner_writes_their_story_and_only_their_teachers_review_it() {
        let record = learner();
        assert!(may_write_story(&viewer(10, &[Role::Learner]), &record));
        for other in [
            viewer(11, &[Role::Learner]),
            viewer(20, &[Role::Parent]),
            viewer(30, &[Role::Teacher]),
            viewer(50, &[Role::Admin]),
        ] {
            assert!(!may_write_story(&other, &record), "{:?}", other.roles);
        }
        assert!(may_review_story(&viewer(30, &[Role::Teacher]), &record));
        // The learner cannot assess themself as a teacher, even holding the role.
        assert!(!may_review_story(
            &viewer(10, &[Role::Learner, Role::Teacher]),
            &record
        ));
        for other in [
            viewer(31, &[Role::Teacher]),
            viewer(20, &[Role::Parent]),
            viewer(50, &[Role::Admin]),
        ] {
            assert!(!may_review_story(&other, &record), "{:?}", other.roles);
        }
        assert!(may_check_in_with(&record, 30));
        assert!(!may_check_in_with(&record, 31));
    }

    #[test]
    fn a_head_of_year_sees_and_marks_only_their_year_level() {
        use crate::model::Grant;
        let mut head = viewer(50, &[]);
        head.grants = vec![
            Grant {
                permission: Permission::ViewRecords,
                year_level: Some(9),
            },
            Grant {
                permission: Permission::Mark,
                year_level: Some(9),
            },
        ];
        let year_9 = learner();
        let year_10 = LearnerRelations {
            year_levels: vec![Some(10)],
            ..learner()
        };
        assert!(may_view_learner(&head, &year_9));
        assert!(!may_view_learner(&head, &year_10));
        assert!(
            !may_review_story(&head, &year_9),
            "feedback was not granted"
        );
        let group = |year_level| GroupRelations {
            group_id: 1,
            institution_id: 1,
            teacher_ids: vec![30],
            year_level,
        };
        assert!(may_view_group(&head, &group(Some(9))) && may_mark_group(&head, &group(Some(9))));
        assert!(!may_view_group(&head, &group(Some(10))));
        assert_eq!(
            learner_scopes(&head),
            vec![LearnerScope::YearLevel(1, Some(9))]
        );
        let elsewhere = Viewer {
            institution_id: 2,
            ..head.clone()
        };
        assert!(!may_view_learner(&elsewhere, &year_9));
    }
}
