//! `POST /api/v1/attendance`: an attendance system pushes up to 1,000 records with an
//! integration token. Each record is answered on its own, as WebDAV's 207 Multi-Status does:
//! 201 created, 200 changed or unchanged, 404 for a learner or class Cairn does not know, 409
//! for a record that collides with another, 422 for a malformed one. The response is 201 or
//! 200 when every record was taken, 207 when some were refused, 422 when all were.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use cairn::attendance::{Outcome, MAX_PUSH};
use cairn::model::AttendanceError;
use serde::Serialize;

use crate::api::core_error;
use crate::router::AppState;
use crate::scores::integration;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Pushed {
    created: usize,
    updated: usize,
    unchanged: usize,
    rejected: usize,
    results: Vec<RecordResult>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RecordResult {
    /// The record's place in the array, from 0.
    index: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    sourced_id: Option<String>,
    status: u16,
    /// `created`, `updated`, `unchanged` or `rejected`.
    outcome: &'static str,
    /// The record's id in Cairn.
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<FieldFault>,
}

#[derive(Serialize)]
struct FieldFault {
    field: String,
    reason: String,
}

#[derive(Serialize)]
struct Refused {
    error: String,
}

/// The status a refused record is answered with.
fn refusal_status(errors: &[AttendanceError]) -> StatusCode {
    let first = errors.first();
    let about = |field: &str| first.is_some_and(|e| e.field == field);
    let says = |words: &str| first.is_some_and(|e| e.reason.contains(words));
    if (about("userId") || about("classSourcedId")) && says("no ") {
        StatusCode::NOT_FOUND
    } else if says("already") {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

fn result(index: u64, sourced_id: Option<String>, outcome: Outcome) -> RecordResult {
    let (status, word, id, errors) = match outcome {
        Outcome::Created(id) => (StatusCode::CREATED, "created", Some(id), Vec::new()),
        Outcome::Updated(id) => (StatusCode::OK, "updated", Some(id), Vec::new()),
        Outcome::Unchanged(id) => (StatusCode::OK, "unchanged", Some(id), Vec::new()),
        Outcome::Rejected(errors) => (refusal_status(&errors), "rejected", None, errors),
    };
    RecordResult {
        index,
        sourced_id,
        status: status.as_u16(),
        outcome: word,
        id,
        errors: errors
            .into_iter()
            .map(|e| FieldFault {
                field: e.field,
                reason: e.reason,
            })
            .collect(),
    }
}

pub async fn push(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let (institution, source) = match integration(&state, &headers).await {
        Ok(client) => client,
        Err(refusal) => return refusal,
    };
    let (run, outcomes) =
        match cairn::attendance::push(&state.store, institution, &source, &body).await {
            Ok(Ok(done)) => done,
            Ok(Err(reason)) => {
                let status = if reason.contains(&format!("at most {MAX_PUSH}")) {
                    StatusCode::PAYLOAD_TOO_LARGE
                } else {
                    StatusCode::UNPROCESSABLE_ENTITY
                };
                return (status, Json(Refused { error: reason })).into_response();
            }
            Err(error) => return core_error(error),
        };
    let results: Vec<RecordResult> = outcomes
        .into_iter()
        .enumerate()
        .map(|(index, (sourced_id, outcome))| result(index as u64, sourced_id, outcome))
        .collect();
    let status = if run.rejected == run.records {
        StatusCode::UNPROCESSABLE_ENTITY
    } else if run.rejected > 0 {
        StatusCode::MULTI_STATUS
    } else if run.created > 0 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let body = Pushed {
        created: run.created,
        updated: run.updated,
        unchanged: run.unchanged,
        rejected: run.rejected,
        results,
    };
    (status, Json(body)).into_response()
}
