//! The learner's own story under the policy: goals, projects and check-ins. The learner writes
//! it, the teachers of their groups comment and assess, and whoever may see the learner reads
//! it. Every input is checked here before the store sees it; a refusal changes nothing.

use crate::error::{CoreError, CoreResult};
use crate::model::{
    AssessmentKind, CheckIns, GoalStatus, GoalView, Inbox, LearnerGoals, LearnerProjects,
    MediaKind, ProjectView, Role, StorySummary, UserId, Viewer,
};
use crate::policy::{
    may_check_in_with, may_review_story, may_view_learner, may_write_as_parent, may_write_story,
    LearnerRelations,
};
use crate::store::files::StoredFile;
use crate::store::goals::NewGoal;
use crate::store::projects::NewProject;
use crate::store::Store;

/// A goal or a project: what a reflection, a comment or a check-in is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum About {
    Goal(i64),
    Project(i64),
}

impl About {
    /// `goal:3` or `project:4`, as forms send it; empty is none.
    pub fn parse(text: &str) -> CoreResult<Option<About>> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let bad = || CoreError::invalid("about", format!("{text} is not a goal or a project"));
        let (kind, id) = text.split_once(':').ok_or_else(bad)?;
        let id: i64 = id.parse().map_err(|_| bad())?;
        match kind {
            "goal" => Ok(Some(About::Goal(id))),
            "project" => Ok(Some(About::Project(id))),
            _ => Err(bad()),
        }
    }

    fn ids(self) -> (Option<i64>, Option<i64>) {
        match self {
            About::Goal(id) => (Some(id), None),
            About::Project(id) => (None, Some(id)),
        }
    }

    /// The learner whose goal or project it is.
    async fn learner(self, store: &Store) -> CoreResult<UserId> {
        match self {
            About::Goal(id) => store.goal_learner(id).await,
            About::Project(id) => store.project_learner(id).await,
        }
    }
}

/// Trimmed text between 1 and `max` characters.
fn text(field: &str, value: &str, max: usize) -> CoreResult<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(CoreError::invalid(field, "cannot be empty"));
    }
    if value.chars().count() > max {
        return Err(CoreError::invalid(
            field,
            format!("is at most {max} characters"),
        ));
    }
    Ok(value.to_string())
}

/// Trimmed text of at most `max` characters, possibly empty.
fn optional_text(field: &str, value: &str, max: usize) -> CoreResult<String> {
    if value.trim().is_empty() {
        Ok(String::new())
    } else {
        text(field, value, max)
    }
}

/// A calendar date `YYYY-MM-DD`, or none when empty.
fn optional_date(field: &str, value: &str) -> CoreResult<Option<String>> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let bad = || CoreError::invalid(field, format!("{value} is not a date like 2026-12-01"));
    let parts: Vec<&str> = value.split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return Err(bad());
    };
    let year: i32 = year.parse().map_err(|_| bad())?;
    let month: u8 = month.parse().map_err(|_| bad())?;
    let day: u8 = day.parse().map_err(|_| bad())?;
    let month = time::Month::try_from(month).map_err(|_| bad())?;
    let date = time::Date::from_calendar_date(year, month, day).map_err(|_| bad())?;
    Ok(Some(crate::clock::format_date(date)))
}

/// The learner's relations when `viewer` may see them, the read noted for the audit log
/// (`what`: the part of the story read).
async fn readable(
    store: &Store,
    viewer: &Viewer,
    learner_id: UserId,
    what: &str,
) -> CoreResult<LearnerRelations> {
    crate::access::open_learner_record(store, viewer, learner_id, what).await
}

/// The learner's relations when `viewer` is that learner (who alone writes their story).
async fn writable(
    store: &Store,
    viewer: &Viewer,
    learner_id: UserId,
) -> CoreResult<LearnerRelations> {
    let relations = crate::access::authorize_learner(store, viewer, learner_id).await?;
    if may_write_story(viewer, &relations) {
        Ok(relations)
    } else {
        Err(CoreError::Forbidden)
    }
}

/// The learner's relations when `viewer` teaches them (and may comment and assess).
async fn reviewable(
    store: &Store,
    viewer: &Viewer,
    learner_id: UserId,
) -> CoreResult<LearnerRelations> {
    let relations = crate::access::authorize_learner(store, viewer, learner_id).await?;
    if may_review_story(viewer, &relations) {
        Ok(relations)
    } else {
        Err(CoreError::Forbidden)
    }
}

// Goals -------------------------------------------------------------------------------------

/// A goal as the learner's form sends it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GoalDraft {
    pub title: String,
    pub why: String,
    pub target_on: String,
    pub competencies: Vec<i64>,
    /// Steps of the plan: `(text, due_on)`; blank ones are left out.
    pub steps: Vec<(String, String)>,
}

pub async fn learner_goals(
    store: &Store,
    viewer: &Viewer,
    learner_id: UserId,
) -> CoreResult<LearnerGoals> {
    let relations = readable(store, viewer, learner_id, "goals").await?;
    let may_write = may_write_story(viewer, &relations);
    Ok(LearnerGoals {
        modules: store.module_names(relations.institution_id).await?,
        learner: store.learner_ref(learner_id).await?,
        goals: store.goals_of(learner_id).await?,
        may_write,
        competencies: if may_write {
            store.competency_choices(relations.institution_id).await?
        } else {
            Vec::new()
        },
    })
}

pub async fn create_goal(store: &Store, viewer: &Viewer, draft: &GoalDraft) -> CoreResult<i64> {
    let relations = writable(store, viewer, viewer.id).await?;
    let mut steps = Vec::new();
    for (step, due) in &draft.steps {
        if step.trim().is_empty() {
            continue;
        }
        steps.push((
            text("step", step, 300)?,
            optional_date("step due date", due)?,
        ));
    }
    if steps.len() > 50 {
        return Err(CoreError::invalid("steps", "a plan has at most 50 steps"));
    }
    let goal = NewGoal {
        title: text("title", &draft.title, 200)?,
        why: optional_text("why it matters", &draft.why, 2000)?,
        target_on: optional_date("target date", &draft.target_on)?,
        competencies: draft.competencies.clone(),
        steps,
    };
    store
        .create_goal(viewer.id, relations.institution_id, &goal)
        .await
}

pub async fn goal(store: &Store, viewer: &Viewer, goal_id: i64) -> CoreResult<GoalView> {
    let learner_id = store.goal_learner(goal_id).await?;
    let relations = readable(store, viewer, learner_id, &format!("goal {goal_id}")).await?;
    let mut view = store
        .goal_view(goal_id, store.module_names(relations.institution_id).await?)
        .await?;
    view.may_write = may_write_story(viewer, &relations);
    view.may_comment = may_review_story(viewer, &relations);
    Ok(view)
}

pub async fn add_goal_step(
    store: &Store,
    viewer: &Viewer,
    goal_id: i64,
    step: &str,
    due_on: &str,
) -> CoreResult<i64> {
    let learner_id = store.goal_learner(goal_id).await?;
    writable(store, viewer, learner_id).await?;
    let step = text("step", step, 300)?;
    let due_on = optional_date("due date", due_on)?;
    store
        .add_goal_step(learner_id, goal_id, &step, due_on.as_deref())
        .await
}

pub async fn set_goal_step_done(
    store: &Store,
    viewer: &Viewer,
    goal_id: i64,
    step_id: i64,
    done: bool,
) -> CoreResult<()> {
    let learner_id = store.goal_learner(goal_id).await?;
    writable(store, viewer, learner_id).await?;
    store
        .set_goal_step_done(learner_id, goal_id, step_id, done)
        .await
}

pub async fn set_goal_status(
    store: &Store,
    viewer: &Viewer,
    goal_id: i64,
    status: &str,
) -> CoreResult<()> {
    let learner_id = store.goal_learner(goal_id).await?;
    writable(store, viewer, learner_id).await?;
    let status = GoalStatus::from_key(status)
        .ok_or_else(|| CoreError::invalid("status", "is active, achieved or dropped"))?;
    store.set_goal_status(learner_id, goal_id, status).await
}

/// Keeps an evidence file and attaches it to the learner's goal.
pub async fn add_goal_evidence(
    store: &Store,
    viewer: &Viewer,
    goal_id: i64,
    name: &str,
    bytes: &[u8],
) -> CoreResult<i64> {
    let learner_id = store.goal_learner(goal_id).await?;
    writable(store, viewer, learner_id).await?;
    let file = store.save_file(viewer.id, name, bytes).await?;
    store.attach_goal_file(learner_id, goal_id, file.id).await?;
    Ok(file.id)
}

/// The learner reflects on their goal or project.
pub async fn reflect(store: &Store, viewer: &Viewer, about: About, body: &str) -> CoreResult<i64> {
    let learner_id = about.learner(store).await?;
    writable(store, viewer, learner_id).await?;
    let body = text("reflection", body, 4000)?;
    let (goal_id, project_id) = about.ids();
    store
        .add_reflection(learner_id, goal_id, project_id, &body)
        .await
}

/// A teacher of the learner comments on a goal or gives written feedback on a project.
pub async fn comment(store: &Store, viewer: &Viewer, about: About, body: &str) -> CoreResult<i64> {
    let learner_id = about.learner(store).await?;
    reviewable(store, viewer, learner_id).await?;
    let body = text("comment", body, 4000)?;
    let (goal_id, project_id) = about.ids();
    store
        .add_comment(viewer.id, learner_id, goal_id, project_id, &body)
        .await
}

// Projects ----------------------------------------------------------------------------------

pub async fn learner_projects(
    store: &Store,
    viewer: &Viewer,
    learner_id: UserId,
) -> CoreResult<LearnerProjects> {
    let relations = readable(store, viewer, learner_id, "projects").await?;
    let may_write = may_write_story(viewer, &relations);
    Ok(LearnerProjects {
        modules: store.module_names(relations.institution_id).await?,
        learner: store.learner_ref(learner_id).await?,
        projects: store.projects_of(learner_id).await?,
        may_write,
        competencies: if may_write {
            store.competency_choices(relations.institution_id).await?
        } else {
            Vec::new()
        },
    })
}

pub async fn create_project(
    store: &Store,
    viewer: &Viewer,
    title: &str,
    body: &str,
    competencies: &[i64],
) -> CoreResult<i64> {
    let relations = writable(store, viewer, viewer.id).await?;
    if competencies.is_empty() {
        return Err(CoreError::invalid(
            "competencies",
            "attach the project to at least one competency",
        ));
    }
    let project = NewProject {
        title: text("title", title, 200)?,
        body: optional_text("text", body, 50_000)?,
        competencies: competencies.to_vec(),
    };
    store
        .create_project(viewer.id, relations.institution_id, &project)
        .await
}

pub async fn project(store: &Store, viewer: &Viewer, project_id: i64) -> CoreResult<ProjectView> {
    let learner_id = store.project_learner(project_id).await?;
    let relations = readable(store, viewer, learner_id, &format!("project {project_id}")).await?;
    let mut view = store
        .project_view(
            project_id,
            store.module_names(relations.institution_id).await?,
        )
        .await?;
    view.body_html = crate::markdown::render(&view.body);
    view.may_write = may_write_story(viewer, &relations);
    view.may_assess = may_review_story(viewer, &relations);
    Ok(view)
}

pub async fn edit_project(
    store: &Store,
    viewer: &Viewer,
    project_id: i64,
    title: &str,
    body: &str,
) -> CoreResult<()> {
    let learner_id = store.project_learner(project_id).await?;
    writable(store, viewer, learner_id).await?;
    let title = text("title", title, 200)?;
    let body = optional_text("text", body, 50_000)?;
    store
        .edit_project(learner_id, project_id, &title, &body)
        .await
}

/// Adds a video or a link to the project: an `http(s)` address.
pub async fn add_project_link(
    store: &Store,
    viewer: &Viewer,
    project_id: i64,
    kind: &str,
    title: &str,
    url: &str,
) -> CoreResult<i64> {
    let learner_id = store.project_learner(project_id).await?;
    writable(store, viewer, learner_id).await?;
    let kind = match MediaKind::from_key(kind) {
        Some(kind @ (MediaKind::Video | MediaKind::Link)) => kind,
        _ => return Err(CoreError::invalid("kind", "is a video or a link")),
    };
    let url = text("address", url, 2000)?;
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://"))
        || url.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(CoreError::invalid(
            "address",
            "is a web address starting with https://",
        ));
    }
    let title = text("title", title, 200)?;
    store
        .add_project_media(learner_id, project_id, kind, &title, Some(&url), None)
        .await
}

/// Keeps an image or a file and adds it to the project (an image when it is one).
pub async fn add_project_file(
    store: &Store,
    viewer: &Viewer,
    project_id: i64,
    title: &str,
    name: &str,
    bytes: &[u8],
) -> CoreResult<i64> {
    let learner_id = store.project_learner(project_id).await?;
    writable(store, viewer, learner_id).await?;
    let file = store.save_file(viewer.id, name, bytes).await?;
    let kind = if file.content_type.starts_with("image/") {
        MediaKind::Image
    } else {
        MediaKind::File
    };
    let title = if title.trim().is_empty() {
        file.name.clone()
    } else {
        text("title", title, 200)?
    };
    store
        .add_project_media(learner_id, project_id, kind, &title, None, Some(file.id))
        .await
}

/// A rubric assessment of one attached competency: a teacher's counts as evidence, the
/// learner's own stands beside it. Each side may only give its own kind.
pub async fn assess_project(
    store: &Store,
    viewer: &Viewer,
    project_id: i64,
    competency_id: i64,
    kind: AssessmentKind,
    level: i64,
    comment: &str,
) -> CoreResult<()> {
    let learner_id = store.project_learner(project_id).await?;
    match kind {
        AssessmentKind::Teacher => reviewable(store, viewer, learner_id).await?,
        AssessmentKind::SelfAssessment => writable(store, viewer, learner_id).await?,
    };
    if !store
        .project_has_competency(project_id, competency_id)
        .await?
    {
        return Err(CoreError::invalid(
            "competency",
            "is not attached to this project",
        ));
    }
    let levels = store.rubric_choices(competency_id).await?;
    if !levels.iter().any(|choice| choice.level == level) {
        return Err(CoreError::invalid(
            "level",
            format!("{level} is not a level of this competency's rubric"),
        ));
    }
    let comment = optional_text("comment", comment, 2000)?;
    let comment = (!comment.is_empty()).then_some(comment);
    match kind {
        AssessmentKind::Teacher => {
            store
                .assess_project(
                    viewer.id,
                    learner_id,
                    project_id,
                    competency_id,
                    level,
                    comment,
                )
                .await?;
        }
        AssessmentKind::SelfAssessment => {
            store
                .self_assess_project(learner_id, project_id, competency_id, level, comment)
                .await?;
        }
    }
    Ok(())
}

// Check-ins ---------------------------------------------------------------------------------

/// Marks check-ins the viewer has been shown as read (a POST from the page once it has shown
/// them; only the viewer's own check-ins and answers are touched).
pub async fn mark_checkins_read(store: &Store, viewer: &Viewer, ids: &[i64]) -> CoreResult<()> {
    if ids.len() > 1000 {
        return Err(CoreError::invalid("check-ins", "at most 1,000 at once"));
    }
    store.mark_checkins_read(viewer.id, ids).await
}

/// The viewer's check-ins (sent as a learner, received as a teacher); for a learner also whom
/// and what a new one can be about. Reading changes nothing: the page marks what it showed
/// with `mark_checkins_read`.
pub async fn checkins(store: &Store, viewer: &Viewer) -> CoreResult<CheckIns> {
    let (sent, received) = store.checkins_of(viewer.id).await?;
    let (mut teachers, mut topics) = (Vec::new(), Vec::new());
    if viewer.has(Role::Learner) {
        if let Some(relations) = store.learner_relations(viewer.id).await? {
            teachers = store.people(&relations.teacher_ids).await?;
        }
        for goal in store.goals_of(viewer.id).await? {
            if goal.status == GoalStatus::Active {
                topics.push(crate::store::checkins::topic("goal", goal.id, goal.title));
            }
        }
        for project in store.projects_of(viewer.id).await? {
            topics.push(crate::store::checkins::topic(
                "project",
                project.id,
                project.title,
            ));
        }
    }
    // A parent writes to their children's teachers.
    let mut children = Vec::new();
    if viewer.has(Role::Parent) {
        for child in store.linked_learners(viewer.id).await? {
            if let Some(relations) = store.learner_relations(child.id).await? {
                if may_view_learner(viewer, &relations) {
                    children.push((child, store.people(&relations.teacher_ids).await?));
                }
            }
        }
    }
    Ok(CheckIns {
        modules: store.module_names(viewer.institution_id).await?,
        sent,
        received,
        teachers,
        children,
        topics,
    })
}

/// A parent writes to one of their child's teachers, about the child.
pub async fn send_parent_checkin(
    store: &Store,
    viewer: &Viewer,
    learner_id: UserId,
    teacher_id: UserId,
    body: &str,
) -> CoreResult<i64> {
    let relations = store
        .learner_relations(learner_id)
        .await?
        .ok_or_else(|| CoreError::NotFound(format!("learner {learner_id}")))?;
    if !may_write_as_parent(viewer, &relations) {
        return Err(CoreError::Forbidden);
    }
    if !may_check_in_with(&relations, teacher_id) {
        return Err(CoreError::invalid(
            "teacher",
            "a message goes to one of your child's teachers",
        ));
    }
    let body = text("message", body, 1000)?;
    store
        .send_checkin(learner_id, Some(viewer.id), teacher_id, None, None, &body)
        .await
}

/// A learner sends a check-in to one of their teachers, optionally about their own goal or
/// project.
pub async fn send_checkin(
    store: &Store,
    viewer: &Viewer,
    teacher_id: UserId,
    about: Option<About>,
    body: &str,
) -> CoreResult<i64> {
    let relations = writable(store, viewer, viewer.id).await?;
    if !may_check_in_with(&relations, teacher_id) {
        return Err(CoreError::invalid(
            "teacher",
            "a check-in goes to one of your teachers",
        ));
    }
    if let Some(about) = about {
        if about.learner(store).await? != viewer.id {
            return Err(CoreError::Forbidden);
        }
    }
    let body = text("message", body, 1000)?;
    let (goal_id, project_id) = about.map_or((None, None), About::ids);
    store
        .send_checkin(viewer.id, None, teacher_id, goal_id, project_id, &body)
        .await
}

/// The teacher a check-in was sent to answers it.
pub async fn answer_checkin(
    store: &Store,
    viewer: &Viewer,
    checkin_id: i64,
    answer: &str,
) -> CoreResult<()> {
    if !viewer.has(Role::Teacher) {
        return Err(CoreError::Forbidden);
    }
    let answer = text("answer", answer, 1000)?;
    store.answer_checkin(viewer.id, checkin_id, &answer).await
}

/// A learner's story at a glance for their dashboard, with the viewer's unread check-ins.
pub async fn story_summary(
    store: &Store,
    viewer: &Viewer,
    learner_id: UserId,
) -> CoreResult<StorySummary> {
    let relations = readable(store, viewer, learner_id, "story").await?;
    let (active_goals, projects) = store.story_counts(learner_id).await?;
    let has_checkins =
        viewer.has(Role::Learner) || viewer.has(Role::Teacher) || viewer.has(Role::Parent);
    Ok(StorySummary {
        modules: store.module_names(relations.institution_id).await?,
        learner_id,
        active_goals,
        projects,
        waiting_checkins: if has_checkins {
            store.waiting_checkins(viewer.id).await?
        } else {
            0
        },
        has_checkins,
    })
}

/// A teacher's inbox: their check-ins without an answer, and what their learners wrote or
/// started that waits for feedback. Only teachers have one.
pub async fn inbox(store: &Store, viewer: &Viewer) -> CoreResult<Inbox> {
    if !viewer.has(Role::Teacher) {
        return Err(CoreError::Forbidden);
    }
    Ok(Inbox {
        modules: store.module_names(viewer.institution_id).await?,
        unanswered_checkins: store.waiting_checkins(viewer.id).await?,
        awaiting: store.awaiting_feedback(viewer.id).await?,
    })
}

// Files -------------------------------------------------------------------------------------

/// A kept file for a viewer the policy allows: its owner, or — for a file attached to a goal or
/// project — anyone who may see that learner. Otherwise it is not found, so its existence is
/// not told either.
pub async fn file(store: &Store, viewer: &Viewer, file_id: i64) -> CoreResult<StoredFile> {
    let not_found = || CoreError::NotFound(format!("file {file_id}"));
    let stored = store.stored_file(file_id).await.map_err(|_| not_found())?;
    if stored.owner_id == viewer.id {
        return Ok(stored);
    }
    let Some(learner_id) = store.file_attached_to(file_id).await? else {
        return Err(not_found());
    };
    match store.learner_relations(learner_id).await? {
        Some(relations) if may_view_learner(viewer, &relations) => Ok(stored),
        _ => Err(not_found()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_topics_are_checked() {
        assert_eq!(
            optional_date("d", "2026-12-01").unwrap(),
            Some("2026-12-01".into())
        );
        assert_eq!(optional_date("d", " ").unwrap(), None);
        for bad in ["2026-02-30", "tomorrow", "2026-13-01", "1-2"] {
            assert!(optional_date("d", bad).is_err(), "{bad}");
        }
        assert_eq!(About::parse("goal:3").unwrap(), Some(About::Goal(3)));
        assert_eq!(About::parse("").unwrap(), None);
        assert!(About::parse("user:3").is_err());
        assert!(About::parse("goal:x").is_err());
        assert!(text("t", "   ", 10).is_err());
        assert!(text("t", "abcdefghijk", 10).is_err());
        assert_eq!(text("t", "  ok ", 10).unwrap(), "ok");
    }
}
