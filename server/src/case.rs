//! CASE 1.0 over HTTP: the administrator's download of a framework as a package
//! (`/admin/frameworks/{id}/case.json`), and the read-only CASE provider API for the
//! frameworks administrators publish (`/ims/case/v1p0/…`), public, with the shapes of the CASE
//! 1.0 OpenAPI definition and its `imsx_StatusInfo` body for what it refuses.

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use cairn::model::Viewer;
use serde_json::{json, Value};

use crate::api::{core_error, unauthorized};
use crate::router::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/frameworks/{id}/case.json", get(download))
        .route("/admin/frameworks/case-template.csv", get(template))
        .route("/admin/competencies/{id}/rsd.json", get(descriptor))
        .route("/ims/case/v1p0/CFDocuments", get(documents))
        .route("/ims/case/v1p0/CFDocuments/{id}", get(document))
        .route("/ims/case/v1p0/CFPackages/{id}", get(package))
        .route("/ims/case/v1p0/CFItems/{id}", get(item))
        .route("/ims/case/v1p0/CFAssociations/{id}", get(association))
        .route(
            "/ims/case/v1p0/CFItemAssociations/{id}",
            get(item_associations),
        )
}

/// `GET /admin/frameworks/{id}/case.json`: the framework as a CASE package, for an
/// administrator, as a file to keep.
async fn download(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    Path(framework_id): Path<i64>,
) -> Response {
    let Some(Extension(viewer)) = viewer else {
        return unauthorized();
    };
    match cairn::frameworks::export_case(&state.store, &viewer, framework_id).await {
        Ok(package) => {
            let title = package["CFDocument"]["title"]
                .as_str()
                .unwrap_or("framework");
            let file: String = title
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect();
            (
                [(
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"{}.case.json\"",
                        file.trim_matches('-')
                    ),
                )],
                Json(package),
            )
                .into_response()
        }
        Err(error) => core_error(error),
    }
}

/// `GET /admin/competencies/{id}/rsd.json`: the competency as a Rich Skill Descriptor, for an
/// administrator, as a file to keep.
async fn descriptor(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    Path(competency_id): Path<i64>,
) -> Response {
    let Some(Extension(viewer)) = viewer else {
        return unauthorized();
    };
    match cairn::frameworks::export_rsd(&state.store, &viewer, competency_id).await {
        Ok(descriptor) => (
            [(
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"competency-{competency_id}.rsd.json\""),
            )],
            Json(descriptor),
        )
            .into_response(),
        Err(error) => core_error(error),
    }
}

/// `GET /admin/frameworks/case-template.csv`: the spreadsheet a framework can be imported from,
/// with its columns and two example rows.
async fn template() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"framework-template.csv\"",
            ),
        ],
        cairn::case::spreadsheet::TEMPLATE,
    )
        .into_response()
}

/// The CASE error body: failure, error, and the minor code a client acts on.
fn refusal(status: StatusCode, minor: &str, description: &str) -> Response {
    (
        status,
        Json(json!({
            "imsx_codeMajor": "failure",
            "imsx_severity": "error",
            "imsx_description": description,
            "imsx_codeMinor": {"imsx_codeMinorField": [{
                "imsx_codeMinorFieldName": "sourcedId",
                "imsx_codeMinorFieldValue": minor,
            }]},
        })),
    )
        .into_response()
}

fn unknown(what: &str, id: &str) -> Response {
    refusal(
        StatusCode::NOT_FOUND,
        "unknownobject",
        &format!("Unknown Object: no published {what} has the identifier {id}"),
    )
}

/// Every published package, or the CASE body for a failure.
async fn packages(state: &AppState) -> Result<std::sync::Arc<Vec<Value>>, Response> {
    cairn::frameworks::published_packages(&state.store)
        .await
        .map_err(|error| {
            tracing::error!(%error, "the CASE provider API could not read the frameworks");
            refusal(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_server_error",
                "the frameworks could not be read",
            )
        })
}

/// A package's document as `CFDocument` stands alone: with its `CFPackageURI`.
fn standalone_document(package: &Value) -> Value {
    package["CFDocument"].clone()
}

/// A link to the package's document, as items and associations carry it.
fn document_link(package: &Value) -> Value {
    let document = &package["CFDocument"];
    json!({
        "title": document["title"],
        "identifier": document["identifier"],
        "uri": document["uri"],
    })
}

#[derive(serde::Deserialize)]
struct Paging {
    limit: Option<String>,
    offset: Option<String>,
}

/// `GET /ims/case/v1p0/CFDocuments[?limit=&offset=]`: the published frameworks' documents.
async fn documents(State(state): State<AppState>, Query(paging): Query<Paging>) -> Response {
    let number = |value: &Option<String>, default: usize, least: usize| match value {
        None => Ok(default),
        Some(text) => match text.trim().parse::<usize>() {
            Ok(n) if n >= least => Ok(n),
            _ => Err(format!(
                "{text:?} is not a whole number of at least {least}"
            )),
        },
    };
    let (limit, offset) = match (number(&paging.limit, 100, 1), number(&paging.offset, 0, 0)) {
        (Ok(limit), Ok(offset)) => (limit, offset),
        (Err(reason), _) | (_, Err(reason)) => {
            return refusal(StatusCode::BAD_REQUEST, "invalid_selection_field", &reason)
        }
    };
    match packages(&state).await {
        Ok(packages) => {
            let documents: Vec<Value> = packages
                .iter()
                .skip(offset)
                .take(limit)
                .map(standalone_document)
                .collect();
            Json(json!({ "CFDocuments": documents })).into_response()
        }
        Err(refused) => refused,
    }
}

/// `GET /ims/case/v1p0/CFDocuments/{id}`.
async fn document(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match packages(&state).await {
        Ok(packages) => match packages
            .iter()
            .find(|package| package["CFDocument"]["identifier"] == id.as_str())
        {
            Some(package) => Json(standalone_document(package)).into_response(),
            None => unknown("CFDocument", &id),
        },
        Err(refused) => refused,
    }
}

/// `GET /ims/case/v1p0/CFPackages/{id}`: the whole package of the document `id`.
async fn package(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match packages(&state).await {
        Ok(packages) => match packages
            .iter()
            .find(|package| package["CFDocument"]["identifier"] == id.as_str())
        {
            Some(package) => Json(package).into_response(),
            None => unknown("CFPackage", &id),
        },
        Err(refused) => refused,
    }
}

/// The first entry of `list` (`CFItems` or `CFAssociations`) with the identifier `id`, with
/// its package.
fn find<'a>(packages: &'a [Value], list: &str, id: &str) -> Option<(&'a Value, &'a Value)> {
    packages.iter().find_map(|package| {
        package[list]
            .as_array()?
            .iter()
            .find(|entry| entry["identifier"] == id)
            .map(|entry| (package, entry))
    })
}

/// `GET /ims/case/v1p0/CFItems/{id}`: an item, with its `CFDocumentURI`.
async fn item(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match packages(&state).await {
        Ok(packages) => match find(&packages, "CFItems", &id) {
            Some((package, item)) => {
                let mut item = item.clone();
                item["CFDocumentURI"] = document_link(package);
                Json(item).into_response()
            }
            None => unknown("CFItem", &id),
        },
        Err(refused) => refused,
    }
}

/// `GET /ims/case/v1p0/CFAssociations/{id}`: an association, with its `CFDocumentURI`.
async fn association(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match packages(&state).await {
        Ok(packages) => match find(&packages, "CFAssociations", &id) {
            Some((package, association)) => {
                let mut association = association.clone();
                association["CFDocumentURI"] = document_link(package);
                Json(association).into_response()
            }
            None => unknown("CFAssociation", &id),
        },
        Err(refused) => refused,
    }
}

/// `GET /ims/case/v1p0/CFItemAssociations/{id}`: an item and every association from or to it.
async fn item_associations(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match packages(&state).await {
        Ok(packages) => match find(&packages, "CFItems", &id) {
            Some((package, item)) => {
                let mut item = item.clone();
                item["CFDocumentURI"] = document_link(package);
                let associations: Vec<Value> = package["CFAssociations"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|association| {
                        association["originNodeURI"]["identifier"] == id.as_str()
                            || association["destinationNodeURI"]["identifier"] == id.as_str()
                    })
                    .cloned()
                    .collect();
                Json(json!({ "CFItem": item, "CFAssociations": associations })).into_response()
            }
            None => unknown("CFItem", &id),
        },
        Err(refused) => refused,
    }
}
