//! Credentials on the web, for anyone to check: issuer profiles with their public keys,
//! revocation lists, each credential as JSON (or its page, by `Accept`), its VC-JWT and its
//! verification; and a learner's credential list in the API.

use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use cairn::access;
use cairn::model::Viewer;
use serde::Serialize;
use serde_json::Value;

use crate::api::{api_error, core_error, unauthorized};
use crate::router::AppState;

/// JSON-LD documents are served as `application/ld+json`, credentials as
/// `application/vc+ld+json`.
fn linked_data(value: &Value, content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            ),
        ],
        value.to_string(),
    )
        .into_response()
}

fn not_found(what: &str) -> Response {
    api_error(StatusCode::NOT_FOUND, &format!("{what} not found"))
}

/// `GET /issuers/{id}`: the institution's issuer profile and its public keys.
pub async fn issuer_profile(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    match state.store.issuer_profile(id).await {
        Ok(Some(profile)) => linked_data(&profile, "application/ld+json"),
        Ok(None) => not_found("issuer"),
        Err(error) => core_error(error),
    }
}

/// `GET /issuers/{id}/status/{list}`: a signed BitstringStatusListCredential.
pub async fn status_list(
    State(state): State<AppState>,
    Path((id, list)): Path<(i64, i64)>,
) -> Response {
    match state.store.status_list_credential(id, list).await {
        Ok(Some(credential)) => linked_data(&credential, "application/vc+ld+json"),
        Ok(None) => not_found("status list"),
        Err(error) => core_error(error),
    }
}

/// `GET /credentials/{id}/jwt`: the same credential as a VC-JWT.
pub async fn credential_jwt(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match state.store.credential(&id).await {
        Ok(Some(credential)) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/jwt"),
                ),
                (
                    header::ACCESS_CONTROL_ALLOW_ORIGIN,
                    HeaderValue::from_static("*"),
                ),
            ],
            credential.jwt,
        )
            .into_response(),
        Ok(None) => not_found("credential"),
        Err(error) => core_error(error),
    }
}

/// `GET /credentials/{id}/json`: the signed credential as a file to keep.
pub async fn credential_file(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match state.store.credential(&id).await {
        Ok(Some(credential)) => attachment(
            credential.document.to_string(),
            HeaderValue::from_static("application/vc+ld+json"),
            &format!("{id}.json"),
        ),
        Ok(None) => not_found("credential"),
        Err(error) => core_error(error),
    }
}

/// `GET /backpack/items/{id}/json`: an imported credential, for its owner to download.
pub async fn imported_file(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    viewer: Option<Extension<Viewer>>,
) -> Response {
    let Some(Extension(viewer)) = viewer else {
        return unauthorized();
    };
    match state.store.imported_document(viewer.id, id).await {
        Ok(document) => attachment(
            document,
            HeaderValue::from_static("application/json"),
            &format!("credential-{id}.json"),
        ),
        Err(error) => core_error(error),
    }
}

/// A download: the bytes with their type, saved under `name` (quotes and backslashes in it
/// replaced).
pub(crate) fn attachment(
    body: impl Into<axum::body::Body>,
    content_type: HeaderValue,
    name: &str,
) -> Response {
    let name = name.replace(['"', '\\'], "_");
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body.into(),
    )
        .into_response()
}

/// Whether a request asks for JSON rather than a page.
fn wants_json(headers: &HeaderMap) -> bool {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    !accept.contains("text/html")
        && [
            "application/json",
            "application/vc+ld+json",
            "application/ld+json",
        ]
        .iter()
        .any(|kind| accept.contains(kind))
}

/// `GET /credentials/{id}` and `/credentials/{id}/verify` asked for as JSON: the signed
/// credential, or its verification result. Asked for as HTML, the pages render them.
pub async fn credential_documents(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let target = path
        .strip_prefix("/credentials/")
        .and_then(|rest| match rest.split_once('/') {
            None => Some((rest.to_owned(), false)),
            Some((id, "verify")) => Some((id.to_owned(), true)),
            Some(_) => None,
        });
    let Some((id, verify)) =
        target.filter(|_| request.method() == Method::GET && wants_json(request.headers()))
    else {
        return next.run(request).await;
    };
    let credential = match state.store.credential(&id).await {
        Ok(Some(credential)) => credential,
        Ok(None) => return not_found("credential"),
        Err(error) => return core_error(error),
    };
    if !verify {
        return linked_data(&credential.document, "application/vc+ld+json");
    }
    let vantage = cairn::store::trust::Vantage {
        institution: Some(credential.institution_id),
        holder: credential.learner_id,
    };
    match state
        .store
        .verify_credential(&credential.document.to_string(), vantage)
        .await
    {
        Ok(verification) => Json(verification).into_response(),
        Err(error) => core_error(error),
    }
}

/// A line of `GET /api/v1/learners/{id}/credentials`.
#[derive(Serialize)]
struct CredentialJson {
    id: String,
    achievement: String,
    issued_at: String,
    status: String,
}

/// `GET /api/v1/learners/{id}/credentials`: the learner's credentials, for whoever may see
/// the learner.
pub async fn learner_credentials(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    viewer: Option<Extension<Viewer>>,
) -> Response {
    let Some(Extension(viewer)) = viewer else {
        return unauthorized();
    };
    match access::learner_credentials(&state.store, &viewer, id).await {
        Ok(credentials) => Json(
            credentials
                .into_iter()
                .map(|credential| CredentialJson {
                    id: credential.id,
                    achievement: credential.achievement,
                    issued_at: credential.issued_at,
                    status: credential.status,
                })
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(error) => core_error(error),
    }
}
