//! The REST API under `/api/v1`, the health check, and the institution's theme stylesheet.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use cairn::cohort::CohortView;
use cairn::model::{BadgeState, LearnerProgress, Role, Viewer};
use cairn::{access, CoreError};
use serde::Serialize;

use crate::router::AppState;

/// The JSON body of an API refusal.
#[derive(Serialize)]
struct ApiError {
    error: String,
}

pub fn api_error(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(ApiError {
            error: message.to_string(),
        }),
    )
        .into_response()
}

pub fn unauthorized() -> Response {
    api_error(StatusCode::UNAUTHORIZED, "not signed in")
}

/// The core's refusals as HTTP: the person's message for what they can act on, a logged
/// detail and a generic message for the rest.
pub fn core_error(error: CoreError) -> Response {
    match error {
        CoreError::NotFound(what) => api_error(StatusCode::NOT_FOUND, &format!("{what} not found")),
        CoreError::Forbidden => api_error(StatusCode::FORBIDDEN, "not allowed"),
        CoreError::Invalid { field, reason } => api_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("{field}: {reason}"),
        ),
        CoreError::Conflict(message) => api_error(StatusCode::CONFLICT, &message),
        other => {
            tracing::error!(error = %other, "API request failed");
            api_error(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        }
    }
}

/// `GET /healthz`: 200 when the database answers.
pub async fn healthz(State(state): State<AppState>) -> Response {
    if state.store.ping().await {
        (StatusCode::OK, "ok").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
    }
}

#[derive(Serialize)]
struct Me {
    id: i64,
    name: String,
    email: String,
    roles: Vec<&'static str>,
    institution: String,
    linked_learners: Vec<cairn::model::LearnerRef>,
}

/// `GET /api/v1/me`: who is signed in.
pub async fn me(State(state): State<AppState>, viewer: Option<Extension<Viewer>>) -> Response {
    let Some(Extension(viewer)) = viewer else {
        return unauthorized();
    };
    let linked_learners = if viewer.has(Role::Parent) {
        match state.store.linked_learners(viewer.id).await {
            Ok(children) => children,
            Err(error) => {
                tracing::error!(%error, "linked learners lookup failed");
                return api_error(StatusCode::INTERNAL_SERVER_ERROR, "internal error");
            }
        }
    } else {
        Vec::new()
    };
    Json(Me {
        id: viewer.id,
        roles: viewer.roles.iter().map(|r| r.key()).collect(),
        name: viewer.name,
        email: viewer.email,
        institution: viewer.institution,
        linked_learners,
    })
    .into_response()
}

/// `GET /api/v1/learners`: the learners the signed-in person may see.
pub async fn learners(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
) -> Response {
    let Some(Extension(viewer)) = viewer else {
        return unauthorized();
    };
    match cairn::access::learners(&state.store, &viewer).await {
        Ok(learners) => Json(learners).into_response(),
        Err(error) => core_error(error),
    }
}

#[derive(Serialize)]
struct ProgressJson {
    learner: LearnerJson,
    competencies: Vec<CompetencyJson>,
    achievements: Vec<AchievementJson>,
}

#[derive(Serialize)]
struct LearnerJson {
    id: i64,
    name: String,
    email: String,
}

#[derive(Serialize)]
struct CompetencyJson {
    id: i64,
    code: String,
    name: String,
    category: String,
    level: Option<f64>,
    mastery_level: f64,
    mastered: bool,
    steps_remaining: i64,
    evidence_count: i64,
}

#[derive(Serialize)]
struct AchievementJson {
    id: i64,
    name: String,
    state: BadgeState,
    progress: f64,
}

impl From<LearnerProgress> for ProgressJson {
    fn from(progress: LearnerProgress) -> Self {
        ProgressJson {
            learner: LearnerJson {
                id: progress.learner.id,
                name: progress.learner.name,
                email: progress.email,
            },
            competencies: progress
                .competencies
                .into_iter()
                .map(|c| CompetencyJson {
                    mastered: c.mastered(),
                    id: c.id,
                    code: c.code,
                    name: c.name,
                    category: c.category_key,
                    level: c.level.map(|level| (level * 100.0).round() / 100.0),
                    mastery_level: c.mastery_level,
                    steps_remaining: c.steps_remaining,
                    evidence_count: c.evidence_count,
                })
                .collect(),
            achievements: progress
                .achievements
                .into_iter()
                .map(|a| AchievementJson {
                    progress: (a.progress() * 100.0).round() / 100.0,
                    id: a.id,
                    name: a.name,
                    state: a.state,
                })
                .collect(),
        }
    }
}

/// `GET /api/v1/learners/{id}/progress`: one learner's progress, under the policy.
pub async fn learner_progress(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    Path(learner_id): Path<i64>,
) -> Response {
    let Some(Extension(viewer)) = viewer else {
        return unauthorized();
    };
    // The core notes a staff member's read for the audit log.
    match access::learner_progress(&state.store, &viewer, learner_id).await {
        Ok(progress) => Json(ProgressJson::from(progress)).into_response(),
        Err(error) => core_error(error),
    }
}

#[derive(serde::Deserialize)]
pub struct CohortQuery {
    framework: Option<i64>,
}

/// `GET /learners/{id}/cohort.svg[?framework=ID]`: the cohort radar chart, under the policy.
pub async fn cohort_svg(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    Path(learner_id): Path<i64>,
    axum::extract::Query(query): axum::extract::Query<CohortQuery>,
) -> Response {
    let Some(Extension(viewer)) = viewer else {
        return unauthorized();
    };
    match access::cohort_view(&state.store, &viewer, learner_id, query.framework).await {
        Ok((
            _,
            _,
            CohortView::Radar {
                axes, max_level, ..
            },
        )) => (
            [(axum::http::header::CONTENT_TYPE, "image/svg+xml")],
            cairn_app::components::radar::radar_svg(&axes, max_level),
        )
            .into_response(),
        Ok(_) => api_error(
            StatusCode::NOT_FOUND,
            "no cohort chart: the learner's group is too small or they are in none",
        ),
        Err(error) => core_error(error),
    }
}

/// `GET /theme.css`: the signed-in person's institution colours as CSS custom properties (the
/// defaults for visitors). Revalidated on every use, so a saved change shows on the next page.
pub async fn theme_css(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
) -> Response {
    let viewer = viewer.map(|Extension(viewer)| viewer);
    match cairn::admin::theme_css(&state.store, viewer.as_ref()).await {
        Ok(css) => (
            [
                (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                (header::CACHE_CONTROL, "private, no-cache"),
            ],
            css,
        )
            .into_response(),
        Err(error) => core_error(error),
    }
}
