//! Server functions of the learner's own story: goals, projects and check-ins. Each reads the
//! session and calls `cairn::story`, which asks the policy and checks the input.

use cairn::model::{CheckIns, GoalView, LearnerGoals, LearnerProjects, ProjectView, StorySummary};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Ids sent as one comma-separated field (a form's chosen competencies).
#[cfg(feature = "ssr")]
fn ids(list: &str) -> Result<Vec<i64>, AppError> {
    list.split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(|id| {
            id.parse().map_err(|_| AppError::Invalid {
                field: "competencies".into(),
                reason: format!("{id} is not a competency"),
            })
        })
        .collect()
}

#[cfg(feature = "ssr")]
fn about(text: &str) -> Result<cairn::story::About, AppError> {
    cairn::story::About::parse(text)?.ok_or_else(|| AppError::Invalid {
        field: "about".into(),
        reason: "say which goal or project".into(),
    })
}

#[server(endpoint = "goals")]
pub async fn get_goals(learner_id: i64) -> Result<LearnerGoals, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::story::learner_goals(&store, &viewer, learner_id).await?)
}

/// A new goal as its form sends it (fields named `goal[title]`, `goal[step_1]`, …): up to
/// three first steps with their due dates, and the chosen competencies comma-separated.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GoalForm {
    pub title: String,
    pub why: String,
    pub target_on: String,
    pub competencies: String,
    pub step_1: String,
    pub due_1: String,
    pub step_2: String,
    pub due_2: String,
    pub step_3: String,
    pub due_3: String,
}

/// The learner sets a goal; answers with its id.
#[server(endpoint = "create_goal")]
pub async fn create_goal(goal: GoalForm) -> Result<i64, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    let draft = cairn::story::GoalDraft {
        competencies: ids(&goal.competencies)?,
        steps: vec![
            (goal.step_1, goal.due_1),
            (goal.step_2, goal.due_2),
            (goal.step_3, goal.due_3),
        ],
        title: goal.title,
        why: goal.why,
        target_on: goal.target_on,
    };
    Ok(cairn::story::create_goal(&store, &viewer, &draft).await?)
}

#[server(endpoint = "goal")]
pub async fn get_goal(goal_id: i64) -> Result<GoalView, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::story::goal(&store, &viewer, goal_id).await?)
}

#[server(endpoint = "goal_step")]
pub async fn add_goal_step(goal_id: i64, text: String, due_on: String) -> Result<i64, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::story::add_goal_step(&store, &viewer, goal_id, &text, &due_on).await?)
}

#[server(endpoint = "goal_step_done")]
pub async fn set_goal_step_done(goal_id: i64, step_id: i64, done: bool) -> Result<(), AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::story::set_goal_step_done(&store, &viewer, goal_id, step_id, done).await?)
}

#[server(endpoint = "goal_status")]
pub async fn set_goal_status(goal_id: i64, status: String) -> Result<(), AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::story::set_goal_status(&store, &viewer, goal_id, &status).await?)
}

/// The learner reflects on a goal or project (`about`: `goal:3`, `project:4`).
#[server(endpoint = "reflect")]
pub async fn add_reflection(about: String, body: String) -> Result<i64, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::story::reflect(&store, &viewer, self::about(&about)?, &body).await?)
}

/// A teacher comments on a goal or gives feedback on a project.
#[server(endpoint = "comment")]
pub async fn add_comment(about: String, body: String) -> Result<i64, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::story::comment(&store, &viewer, self::about(&about)?, &body).await?)
}

#[server(endpoint = "projects")]
pub async fn get_projects(learner_id: i64) -> Result<LearnerProjects, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::story::learner_projects(&store, &viewer, learner_id).await?)
}

#[server(endpoint = "create_project")]
pub async fn create_project(
    title: String,
    body: String,
    competencies: String,
) -> Result<i64, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    let competencies = ids(&competencies)?;
    Ok(cairn::story::create_project(&store, &viewer, &title, &body, &competencies).await?)
}

#[server(endpoint = "project")]
pub async fn get_project(project_id: i64) -> Result<ProjectView, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::story::project(&store, &viewer, project_id).await?)
}

#[server(endpoint = "edit_project")]
pub async fn edit_project(project_id: i64, title: String, body: String) -> Result<(), AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::story::edit_project(&store, &viewer, project_id, &title, &body).await?)
}

/// A video or a link added to a project.
#[server(endpoint = "project_link")]
pub async fn add_project_link(
    project_id: i64,
    kind: String,
    title: String,
    url: String,
) -> Result<i64, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::story::add_project_link(&store, &viewer, project_id, &kind, &title, &url).await?)
}

/// A rubric assessment of one competency of a project: `as_teacher` for a teacher's (which
/// counts as evidence), otherwise the learner's own.
#[server(endpoint = "assess_project")]
pub async fn assess_project(
    project_id: i64,
    competency_id: i64,
    as_teacher: bool,
    level: i64,
    comment: String,
) -> Result<(), AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    let kind = if as_teacher {
        cairn::model::AssessmentKind::Teacher
    } else {
        cairn::model::AssessmentKind::SelfAssessment
    };
    Ok(cairn::story::assess_project(
        &store,
        &viewer,
        project_id,
        competency_id,
        kind,
        level,
        &comment,
    )
    .await?)
}

#[server(endpoint = "checkins")]
pub async fn get_checkins() -> Result<CheckIns, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::story::checkins(&store, &viewer).await?)
}

/// Marks the check-ins the page has shown as read (`ids`: comma-separated).
#[server(endpoint = "checkins_read")]
pub async fn mark_checkins_read(ids: String) -> Result<(), AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    let ids: Vec<i64> = ids
        .split(',')
        .filter_map(|id| id.trim().parse().ok())
        .collect();
    Ok(cairn::story::mark_checkins_read(&store, &viewer, &ids).await?)
}

#[server(endpoint = "send_checkin")]
pub async fn send_checkin(teacher_id: i64, about: String, body: String) -> Result<i64, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    let about = cairn::story::About::parse(&about)?;
    Ok(cairn::story::send_checkin(&store, &viewer, teacher_id, about, &body).await?)
}

/// A parent writes to one of their child's teachers; `to` is `{learner id}:{teacher id}`.
#[server(endpoint = "send_parent_checkin")]
pub async fn send_parent_checkin(to: String, body: String) -> Result<i64, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    let invalid = || {
        AppError::Invalid {
            field: "to".into(),
            reason: "choose a teacher from the list".into(),
        }
        .answered()
    };
    let (learner, teacher) = to.split_once(':').ok_or_else(invalid)?;
    let learner = learner.parse::<i64>().map_err(|_| invalid())?;
    let teacher = teacher.parse::<i64>().map_err(|_| invalid())?;
    Ok(cairn::story::send_parent_checkin(&store, &viewer, learner, teacher, &body).await?)
}

#[server(endpoint = "answer_checkin")]
pub async fn answer_checkin(checkin_id: i64, answer: String) -> Result<(), AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::story::answer_checkin(&store, &viewer, checkin_id, &answer).await?)
}

#[server(endpoint = "story")]
pub async fn get_story_summary(learner_id: i64) -> Result<StorySummary, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::story::story_summary(&store, &viewer, learner_id).await?)
}

/// The signed-in teacher's inbox: check-ins without an answer, and what waits for feedback.
#[server(endpoint = "inbox")]
pub async fn get_inbox() -> Result<cairn::model::Inbox, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::story::inbox(&store, &viewer).await?)
}
