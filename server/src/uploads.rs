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
        .route("/goals/{id}/evidence", post(goal_evidence))
        .route("/projects/{id}/files", post(project_file))
        .route("/admin/people/import", post(people_import))
        .route("/admin/oneroster", post(oneroster_preview))
        .route("/admin/oneroster/run", post(oneroster_run))
        .route("/admin/attendance", post(attendance_import))
        .route("/admin/frameworks/case", post(case_preview))
        .route("/admin/frameworks/case/run", post(case_run))
        .route("/admin/frameworks/{id}/rsd", post(rsd_import))
        .route("/admin/settings/images", post(theme_image))
        .route("/admin/issuers", post(trusted_issuer))
        .layer(DefaultBodyLimit::max(max_bytes as usize + 1024 * 1024))
}

/// Back to the page the form was on, with what happened in its query.
fn back(page: &str, outcome: &str) -> Response {
    Redirect::to(&format!("{page}?{outcome}")).into_response()
}

fn refused(page: &str, reason: &str) -> Response {
    back(page, &format!("upload_error={}", percent_encode(reason)))
}

/// A multipart form's text fields and its one file (`file`: name and bytes), or the reason it
/// could not be read (too large, most often).
struct Upload {
    fields: Vec<(String, String)>,
    file: Option<(String, Vec<u8>)>,
}

impl Upload {
    async fn read(state: &AppState, mut form: Multipart) -> Result<Upload, String> {
        let too_large = || {
            format!(
                "file: is larger than {} MB",
                state.store.max_upload_bytes() / (1024 * 1024)
            )
        };
        let mut upload = Upload {
            fields: Vec::new(),
            file: None,
        };
        loop {
            let field = match form.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => break,
                Err(_) => return Err(too_large()),
            };
            let name = field.name().unwrap_or_default().to_owned();
            if name == "file" {
                let file_name = field.file_name().unwrap_or("upload").to_owned();
                let bytes = field.bytes().await.map_err(|_| too_large())?;
                if !bytes.is_empty() {
                    upload.file = Some((file_name, bytes.to_vec()));
                }
            } else {
                let value = field.text().await.map_err(|_| too_large())?;
                upload.fields.push((name, value));
            }
        }
        Ok(upload)
    }

    fn field(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(field, _)| field == name)
            .map_or("", |(_, value)| value.as_str())
    }

    /// The form and its file, or — when it cannot be read or has no file — the way back to
    /// `page` with the reason.
    async fn with_file(
        state: &AppState,
        form: Multipart,
        page: &str,
    ) -> Result<(Upload, String, Vec<u8>), Response> {
        let mut upload = Upload::read(state, form)
            .await
            .map_err(|reason| refused(page, &reason))?;
        let (name, bytes) = upload
            .file
            .take()
            .ok_or_else(|| refused(page, "file: choose a file to upload"))?;
        Ok((upload, name, bytes))
    }
}

/// What a refused upload says on its page: the reason a person can act on, or that nothing was
/// kept when the fault is ours.
fn outcome<T>(page: &str, result: cairn::error::CoreResult<T>) -> Response {
    match result {
        Ok(_) => back(page, "added=1"),
        Err(cairn::CoreError::Invalid { field, reason }) => {
            refused(page, &format!("{field}: {reason}"))
        }
        Err(cairn::CoreError::Forbidden) => refused(page, "You are not allowed to do that."),
        Err(cairn::CoreError::NotFound(what)) => refused(page, &format!("{what} was not found.")),
        Err(error) => {
            tracing::error!(%error, page, "an upload failed");
            refused(page, "Something went wrong on our side; nothing was kept.")
        }
    }
}

/// Back to `page` following the background job just started (`?{key}={id}`), or with the
/// reason it was not.
fn following(page: &str, key: &str, started: cairn::error::CoreResult<u64>) -> Response {
    match started {
        Ok(id) => back(page, &format!("{key}={id}")),
        Err(error) => outcome(page, Err::<(), _>(error)),
    }
}

/// `POST /backpack/records` (multipart: `title`, `file`): keeps the file and adds the record to
/// the backpack, then returns to it — with the reason when the upload was refused, nothing
/// kept.
pub async fn training_record(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    form: Multipart,
) -> Response {
    let Some(Extension(viewer)) = viewer else {
        return Redirect::to("/login").into_response();
    };
    let page = "/backpack";
    let (upload, name, bytes) = match Upload::with_file(&state, form, page).await {
        Ok(read) => read,
        Err(back) => return back,
    };
    let result = state
        .store
        .add_training_record(viewer.id, upload.field("title"), &name, &bytes)
        .await;
    outcome(page, result)
}

/// `POST /goals/{id}/evidence` (multipart: `file`): the learner adds an evidence file to
/// their goal; back to the goal's page.
pub async fn goal_evidence(
    State(state): State<AppState>,
    Path(goal_id): Path<i64>,
    viewer: Option<Extension<Viewer>>,
    form: Multipart,
) -> Response {
    let Some(Extension(viewer)) = viewer else {
        return Redirect::to("/login").into_response();
    };
    let page = format!("/goals/{goal_id}");
    let (_, name, bytes) = match Upload::with_file(&state, form, &page).await {
        Ok(read) => read,
        Err(back) => return back,
    };
    let result =
        cairn::story::add_goal_evidence(&state.store, &viewer, goal_id, &name, &bytes).await;
    outcome(&page, result)
}

/// `POST /projects/{id}/files` (multipart: `title`, `file`): the learner adds an image or a
/// file to their project; back to the project's page.
pub async fn project_file(
    State(state): State<AppState>,
    Path(project_id): Path<i64>,
    viewer: Option<Extension<Viewer>>,
    form: Multipart,
) -> Response {
    let Some(Extension(viewer)) = viewer else {
        return Redirect::to("/login").into_response();
    };
    let page = format!("/projects/{project_id}");
    let (upload, name, bytes) = match Upload::with_file(&state, form, &page).await {
        Ok(read) => read,
        Err(back) => return back,
    };
    let result = cairn::story::add_project_file(
        &state.store,
        &viewer,
        project_id,
        upload.field("title"),
        &name,
        &bytes,
    )
    .await;
    outcome(&page, result)
}

/// `GET /files/{id}/thumbnail`: a small PNG of an image, for whoever may download the image.
pub async fn thumbnail(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    viewer: Option<Extension<Viewer>>,
) -> Response {
    let Some(Extension(viewer)) = viewer else {
        return unauthorized();
    };
    let stored = match cairn::story::file(&state.store, &viewer, id).await {
        Ok(stored) => stored,
        Err(error) => return core_error(error),
    };
    let not_found = || {
        core_error(cairn::CoreError::NotFound(format!(
            "a thumbnail of file {id}"
        )))
    };
    let Some(path) = stored.thumbnail else {
        return not_found();
    };
    match tokio::fs::read(&path).await {
        Ok(png) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("image/png")),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("private, max-age=86400"),
                ),
                (
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ),
            ],
            png,
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, file = id, "a thumbnail is missing from the data directory");
            not_found()
        }
    }
}

/// `GET /files/{id}`: a file, as a download, for its owner and — when it is evidence on a goal
/// or in a project — whoever may see that learner.
pub async fn file(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    viewer: Option<Extension<Viewer>>,
) -> Response {
    let Some(Extension(viewer)) = viewer else {
        return unauthorized();
    };
    let stored = match cairn::story::file(&state.store, &viewer, id).await {
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

/// The signed-in administrator; anyone else is sent to sign in, or refused (403).
#[allow(clippy::result_large_err)]
fn administrator(viewer: Option<Extension<Viewer>>) -> Result<Viewer, Response> {
    let Some(Extension(viewer)) = viewer else {
        return Err(Redirect::to("/login").into_response());
    };
    if cairn::policy::may_view_institution(&viewer, viewer.institution_id) {
        Ok(viewer)
    } else {
        Err(core_error(cairn::CoreError::Forbidden))
    }
}

/// `POST /admin/people/import` (multipart: `mode` = `all` | `valid`, `file`): starts importing
/// people from a CSV file in the background and goes to the people page, which follows its
/// progress (`?import={id}`) and shows its report. Administrators only: 403 for anyone else.
pub async fn people_import(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    form: Multipart,
) -> Response {
    let viewer = match administrator(viewer) {
        Ok(viewer) => viewer,
        Err(refusal) => return refusal,
    };
    let page = "/admin/people";
    let (upload, name, bytes) = match Upload::with_file(&state, form, page).await {
        Ok(read) => read,
        Err(back) => return back,
    };
    let Some(mode) = cairn::model::ImportMode::from_key(upload.field("mode")) else {
        return refused(page, "mode: choose what happens when a row is wrong");
    };
    let started =
        cairn::admin::start_import(&state.store, &state.imports, &viewer, name, bytes, mode);
    following(page, "import", started)
}

/// `POST /admin/oneroster` (multipart: `file`, a OneRoster zip; `mode` = `all` | `valid`;
/// `administrators` = `1` to import them): starts a preview of the package, kept to be run, and
/// goes back to the page following it (`?import={id}`).
pub async fn oneroster_preview(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    form: Multipart,
) -> Response {
    let viewer = match administrator(viewer) {
        Ok(viewer) => viewer,
        Err(refusal) => return refusal,
    };
    let page = "/admin/oneroster";
    let (upload, name, bytes) = match Upload::with_file(&state, form, page).await {
        Ok(read) => read,
        Err(back) => return back,
    };
    let Some(mode) = cairn::model::ImportMode::from_key(upload.field("mode")) else {
        return refused(page, "mode: choose what happens when a row is wrong");
    };
    let options = cairn::oneroster::Options {
        valid_rows: mode == cairn::model::ImportMode::ValidRows,
        administrators: upload.field("administrators") == "1",
    };
    let started = cairn::admin::start_oneroster_preview(
        &state.store,
        &state.imports,
        &viewer,
        name,
        bytes,
        options,
    );
    following(page, "import", started)
}

/// The form that runs a previewed package: its preview's id.
#[derive(serde::Deserialize)]
pub struct RunForm {
    id: u64,
}

/// `POST /admin/oneroster/run` (`id`: the preview's): runs the package that preview read,
/// compared again with what Cairn holds now, and goes back to the page following the run.
pub async fn oneroster_run(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    axum::Form(form): axum::Form<RunForm>,
) -> Response {
    let viewer = match administrator(viewer) {
        Ok(viewer) => viewer,
        Err(refusal) => return refusal,
    };
    let page = "/admin/oneroster";
    let started = cairn::admin::start_oneroster_run(&state.store, &state.imports, &viewer, form.id);
    following(page, "import", started)
}

/// `POST /admin/frameworks/case` (multipart: `file`, a CASE package or spreadsheet;
/// `valid_part` = `1` to write the valid part of a package with problems): starts its preview
/// at the depths Cairn proposes, keeps the file, and goes back to the frameworks page
/// following it (`?case={id}`).
pub async fn case_preview(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    form: Multipart,
) -> Response {
    let viewer = match administrator(viewer) {
        Ok(viewer) => viewer,
        Err(refusal) => return refusal,
    };
    let page = "/admin/frameworks";
    let (upload, name, bytes) = match Upload::with_file(&state, form, page).await {
        Ok(read) => read,
        Err(back) => return back,
    };
    let options = cairn::frameworks::CaseOptions {
        valid_part: upload.field("valid_part") == "1",
        ..Default::default()
    };
    let started = cairn::frameworks::start_case_preview(
        &state.store,
        &state.imports,
        &viewer,
        name,
        bytes,
        options,
    );
    case_followed(&state, &viewer, page, started).await
}

/// Back to the frameworks page following a CASE job, once it is done or two seconds have
/// passed: a small package's page is then drawn finished, its framework in the list.
async fn case_followed(
    state: &AppState,
    viewer: &Viewer,
    page: &str,
    started: cairn::error::CoreResult<u64>,
) -> Response {
    if let Ok(id) = started {
        let within = std::time::Duration::from_secs(2);
        state
            .imports
            .settled(viewer.institution_id, id, within)
            .await;
    }
    following(page, "case", started)
}

/// The form under a CASE preview: the depths chosen, whether the valid part is written, and
/// whether to preview again or import.
#[derive(serde::Deserialize)]
pub struct CaseRunForm {
    id: u64,
    /// The depth that becomes areas; empty or `0` for none.
    #[serde(default)]
    areas: String,
    competencies: usize,
    #[serde(default)]
    valid_part: Option<String>,
    /// `import` writes; anything else previews again.
    #[serde(default)]
    action: String,
}

/// `POST /admin/frameworks/case/run`: previews the kept file again at the depths chosen, or
/// imports it, and goes back to the frameworks page following the new job.
pub async fn case_run(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    axum::Form(form): axum::Form<CaseRunForm>,
) -> Response {
    let viewer = match administrator(viewer) {
        Ok(viewer) => viewer,
        Err(refusal) => return refusal,
    };
    let page = "/admin/frameworks";
    // A wrong choice goes back to the same preview, its choices still there.
    let again = |reason: &str| {
        back(
            page,
            &format!("case={}&upload_error={}", form.id, percent_encode(reason)),
        )
    };
    let areas = match form.areas.trim() {
        "" | "0" => None,
        depth => match depth.parse::<usize>() {
            Ok(depth) => Some(depth),
            Err(_) => return again("areas: choose a depth"),
        },
    };
    if areas.is_some_and(|areas| areas >= form.competencies) {
        return again("areas: choose a depth above the competencies");
    }
    let options = cairn::frameworks::CaseOptions {
        levels: Some(cairn::case::Levels {
            areas,
            competencies: form.competencies,
        }),
        valid_part: form.valid_part.as_deref() == Some("1"),
        dry_run: form.action != "import",
    };
    let started =
        cairn::frameworks::start_case_run(&state.store, &state.imports, &viewer, form.id, options);
    case_followed(&state, &viewer, page, started).await
}

/// `POST /admin/frameworks/{id}/rsd` (multipart: `file`, Rich Skill Descriptors as JSON;
/// `area`, an area of the framework or empty): writes them as competencies of the framework,
/// and goes back to its page saying how many were added and updated.
pub async fn rsd_import(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    Path(framework_id): Path<i64>,
    form: Multipart,
) -> Response {
    let viewer = match administrator(viewer) {
        Ok(viewer) => viewer,
        Err(refusal) => return refusal,
    };
    let page = format!("/admin/frameworks/{framework_id}");
    let (upload, name, bytes) = match Upload::with_file(&state, form, &page).await {
        Ok(read) => read,
        Err(back) => return back,
    };
    let area = match upload.field("area") {
        "" => None,
        area => match area.parse::<i64>() {
            Ok(area) => Some(area),
            Err(_) => return refused(&page, "area: choose one of the framework's areas"),
        },
    };
    let result =
        cairn::frameworks::import_rsd(&state.store, &viewer, framework_id, area, &name, &bytes)
            .await;
    match result {
        Ok(done) => back(
            &page,
            &format!("rsd_added={}&rsd_updated={}", done.created, done.updated),
        ),
        Err(error) => outcome(&page, Err::<(), _>(error)),
    }
}

/// `POST /admin/attendance` (multipart: `file`, a CSV file of records; `mode` = `all` |
/// `valid`): records them, and goes back to the attendance page showing the run
/// (`?run={id}`). Administrators only: 403 for anyone else.
pub async fn attendance_import(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    form: Multipart,
) -> Response {
    let viewer = match administrator(viewer) {
        Ok(viewer) => viewer,
        Err(refusal) => return refusal,
    };
    let page = "/admin/attendance";
    let (upload, name, bytes) = match Upload::with_file(&state, form, page).await {
        Ok(read) => read,
        Err(back) => return back,
    };
    let Some(mode) = cairn::model::ImportMode::from_key(upload.field("mode")) else {
        return refused(page, "mode: choose what happens when a row is wrong");
    };
    match cairn::attendance::import_csv(&state.store, &viewer, &name, &bytes, mode).await {
        Ok(run) => back(page, &format!("run={}", run.id.unwrap_or_default())),
        Err(error) => outcome(page, Err::<(), _>(error)),
    }
}

/// `POST /admin/settings/images` (multipart: `picture` = `logo` | `background`, and `file`, or
/// `remove`): sets or removes one of the institution's pictures, and goes back to the settings.
pub async fn theme_image(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    form: Multipart,
) -> Response {
    let viewer = match administrator(viewer) {
        Ok(viewer) => viewer,
        Err(refusal) => return refusal,
    };
    let page = "/admin/settings";
    let mut upload = match Upload::read(&state, form).await {
        Ok(upload) => upload,
        Err(reason) => return refused(page, &reason),
    };
    let picture = upload.field("picture").to_owned();
    let file = upload.file.take();
    if file.is_none() && upload.field("remove") != "1" {
        return refused(page, "file: choose an image to upload");
    }
    let result = cairn::admin::set_theme_image(
        &state.store,
        &viewer,
        &picture,
        file.as_ref()
            .map(|(name, bytes)| (name.as_str(), bytes.as_slice())),
    )
    .await;
    match result {
        Ok(()) => {
            let label = cairn::model::ThemeImage::from_key(&picture)
                .map_or("picture", |image| image.label());
            back(page, &format!("picture={}#pictures", percent_encode(label)))
        }
        Err(error) => outcome(page, Err::<(), _>(error)),
    }
}

/// `GET /theme/{picture}`: the institution's logo or background image, for anyone who belongs
/// to it. Its address carries the file id, so it may be kept.
pub async fn theme_picture(
    State(state): State<AppState>,
    Path(picture): Path<String>,
    viewer: Option<Extension<Viewer>>,
) -> Response {
    let Some(Extension(viewer)) = viewer else {
        return unauthorized();
    };
    let stored = match cairn::admin::theme_image(&state.store, &viewer, &picture).await {
        Ok(stored) => stored,
        Err(error) => return core_error(error),
    };
    match tokio::fs::read(&stored.path).await {
        Ok(bytes) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_str(&stored.content_type)
                        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream")),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("private, max-age=86400"),
                ),
                (
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, file = stored.id, "a theme picture is missing from the data directory");
            core_error(cairn::CoreError::NotFound(format!("the {picture}")))
        }
    }
}

/// `POST /admin/issuers` (multipart: `issuer`, `name`, and optionally `file`, the issuer's
/// profile or DID document): an administrator trusts an issuer; back to the list, with the
/// reason when it was refused.
pub async fn trusted_issuer(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    form: Multipart,
) -> Response {
    let Some(Extension(viewer)) = viewer else {
        return Redirect::to("/login").into_response();
    };
    let page = "/admin/issuers";
    let upload = match Upload::read(&state, form).await {
        Ok(upload) => upload,
        Err(reason) => return refused(page, &reason),
    };
    let document = match &upload.file {
        Some((name, bytes)) => match std::str::from_utf8(bytes) {
            Ok(text) => Some(text.to_owned()),
            Err(_) => return refused(page, &format!("file: {name} is not a JSON document")),
        },
        None => None,
    };
    let result = cairn::admin::trust_issuer(
        &state.store,
        &viewer,
        upload.field("issuer"),
        upload.field("name"),
        document.as_deref(),
    )
    .await;
    outcome(page, result)
}
