//! `POST /api/v1/scores`: a learning platform pushes a score (LTI AGS Score shape) with an
//! integration token; it becomes evidence from the platform, once per `sourcedId`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use cairn::scores::{FieldError, ScorePush};
use cairn::CoreError;
use serde::Serialize;

use crate::api::{api_error, core_error};
use crate::router::AppState;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Recorded {
    evidence_id: i64,
    learner_id: i64,
    competency_id: i64,
    /// The rubric level the score became.
    mark: f64,
    /// The learner's current level on the competency now.
    level: Option<f64>,
}

#[derive(Serialize)]
struct Malformed {
    error: &'static str,
    fields: Vec<FieldError>,
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|token| !token.is_empty())
}

fn no_token() -> Response {
    let mut response = api_error(
        StatusCode::UNAUTHORIZED,
        "an integration token is required: Authorization: Bearer <token>",
    );
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

/// The institution and name of the integration token a request carries, or the 401 for a
/// missing, unknown or revoked one.
pub(crate) async fn integration(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<(cairn::model::InstitutionId, String), Response> {
    let Some(token) = bearer(headers) else {
        return Err(no_token());
    };
    match state.store.integration_client(token).await {
        Ok(Some(client)) => Ok(client),
        Ok(None) => Err(no_token()),
        Err(error) => Err(core_error(error)),
    }
}

fn malformed(fields: Vec<FieldError>) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(Malformed {
            error: "the score is malformed",
            fields,
        }),
    )
        .into_response()
}

pub async fn push(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let institution = match integration(&state, &headers).await {
        Ok((institution, _)) => institution,
        Err(refusal) => return refusal,
    };
    let push: ScorePush = match serde_json::from_slice(&body) {
        Ok(push) => push,
        Err(error) => {
            return malformed(vec![FieldError {
                field: "body",
                reason: format!("not a JSON score object: {error}"),
            }])
        }
    };
    let score = match push.validate() {
        Ok(score) => score,
        Err(fields) => return malformed(fields),
    };
    match state.store.record_score(institution, &score).await {
        Ok(recorded) => {
            let status = if recorded.created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            let body = Recorded {
                evidence_id: recorded.evidence_id,
                learner_id: recorded.learner_id,
                competency_id: recorded.competency_id,
                mark: recorded.mark,
                level: recorded.level,
            };
            (status, Json(body)).into_response()
        }
        Err(CoreError::Invalid { field, reason }) => malformed(vec![FieldError {
            field: if field == "timestamp" {
                "timestamp"
            } else {
                "lineItem"
            },
            reason,
        }]),
        Err(error) => core_error(error),
    }
}
