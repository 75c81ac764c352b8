//! Uploads and downloads of files: an external training record with its certificate, posted
//! from the backpack as a plain form (it works before the wasm arrives), and a file served back
//! to its owner as a download.

use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Extension, Router};
use cairn::model::Viewer;

use crate::api::{core_error, unauthorized};
use crate::auth::percent_encode;
use crate::credentials::attachment;
use crate::router::AppState;

/// The upload routes, with a body limit of their own (the rest of the app keeps 2 MB).
pub fn routes(max_bytes: u64) -> Router<AppState> {
    Router::new()
        .route("/backpack/records", post(training_record))
        .layer(DefaultBodyLimit::max(max_bytes as usize + 1024 * 1024))
}

fn back(outcome: &str) -> Response {
    Redirect::to(&format!("/backpack?{outcome}")).into_response()
}

/// `POST /backpack/records` (multipart: `title`, `file`): keeps the file and adds the record to
/// the backpack, then returns to it — with the reason when the upload was refused, nothing
/// kept.
pub async fn training_record(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    mut form: Multipart,
) -> Response {
    let Some(Extension(viewer)) = viewer else {
        return Redirect::to("/login").into_response();
    };
    let too_large = || {
        format!(
            "upload_error={}",
            percent_encode(&format!(
                "file: is larger than {} MB",
                state.store.max_upload_bytes() / (1024 * 1024)
            ))
        )
    };
    let mut title = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => return back(&too_large()),
        };
        match field.name() {
            Some("title") => title = field.text().await.unwrap_or_default(),
            Some("file") => {
                let name = field.file_name().unwrap_or("upload").to_owned();
                match field.bytes().await {
                    Ok(bytes) => file = Some((name, bytes.to_vec())),
                    Err(_) => return back(&too_large()),
                }
            }
            _ => {}
        }
    }
    let Some((name, bytes)) = file else {
        return back(&format!(
            "upload_error={}",
            percent_encode("file: choose a file to upload")
        ));
    };
    match state
        .store
        .add_training_record(viewer.id, &title, &name, &bytes)
        .await
    {
        Ok(_) => back("added=1"),
        Err(cairn::CoreError::Invalid { field, reason }) => back(&format!(
            "upload_error={}",
            percent_encode(&format!("{field}: {reason}"))
        )),
        Err(error) => {
            tracing::error!(%error, "training record upload failed");
            back(&format!(
                "upload_error={}",
                percent_encode("Something went wrong on our side; nothing was kept.")
            ))
        }
    }
}

/// `GET /files/{id}`: a file, as a download, for its owner.
pub async fn file(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    viewer: Option<Extension<Viewer>>,
) -> Response {
    let Some(Extension(viewer)) = viewer else {
        return unauthorized();
    };
    let stored = match state.store.owned_file(viewer.id, id).await {
        Ok(stored) => stored,
        Err(error) => return core_error(error),
    };
    let bytes = match tokio::fs::read(&stored.path).await {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::error!(%error, file = id, "an uploaded file is missing from the data directory");
            return core_error(cairn::CoreError::NotFound(format!("file {id}")));
        }
    };
    let content_type = HeaderValue::from_str(&stored.content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    let mut response = attachment(bytes, content_type, &stored.name);
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}
