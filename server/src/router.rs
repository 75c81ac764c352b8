//! The HTTP router: the REST API and sign-in routes, the Leptos pages and server functions,
//! static files, and the layers every response passes through (sessions, security headers,
//! request limits).

use std::sync::{Arc, OnceLock};

use axum::extract::FromRef;
use axum::handler::Handler;
use axum::http::{header, HeaderName, HeaderValue};
use axum::routing::{get, post};
use axum::Router;
use cairn::store::Store;
use cairn_app::{shell, App};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::cache::{self, Caches};
use crate::limiter::LoginLimiter;
use crate::{api, attendance, auth, case, credentials, delivery, events, scores, uploads};

/// What every handler and layer shares, behind one pointer: each layer takes its own clone of
/// the state for every request, and a clone is one reference count (cloning each part was about
/// half the CPU of serving a kept page).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> AppState {
        AppState(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The parts of `AppState`.
pub struct Shared {
    pub store: Store,
    pub leptos_options: LeptosOptions,
    pub limiter: Arc<LoginLimiter>,
    /// Learner pages and sessions kept in memory while the data is unchanged.
    pub caches: Arc<Caches>,
    /// Mark cookies `Secure` (when Cairn is served over https).
    pub secure_cookies: bool,
    /// Imports of people under way or recently finished, which their pages follow.
    pub imports: cairn::people_import::Imports,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// Leptos settings: the compiled bundle is `pkg/cairn.{js,wasm,css}` under the site root
/// (`target/site` from the repository root, or `LEPTOS_SITE_ROOT`), each name with its
/// content's hash when the build wrote `hash.txt` beside the binary (`scripts/build.mjs`
/// always does).
pub fn leptos_options() -> LeptosOptions {
    let site_root = std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into());
    LeptosOptions::builder()
        .output_name("cairn")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .hash_files(delivery::hashed_bundle())
        .build()
}

const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; \
    script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; \
    form-action 'self'; frame-ancestors 'none'";

/// Request bodies beyond this are refused (uploads will get their own, larger limit).
const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The app's routes, generated once per process. Generating them suppresses resource loading
/// process-wide for a moment, and a page rendering at that moment would wait forever
/// (leptos#4773), so it must happen before any request is served, and never again.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

pub fn router(state: AppState) -> Router {
    // This process serves: kept pages and reads follow what other processes write to the same
    // database.
    state.store.serve();
    let pages = route_list();
    let store = state.store.clone();
    let imports = state.imports.clone();
    let options = state.leptos_options.clone();
    let upload_limit = state.store.max_upload_bytes();
    let routes = Router::new()
        .route("/healthz", get(api::healthz))
        .route("/api/login", post(auth::login))
        .route("/api/logout", post(auth::logout))
        .route("/api/welcome", post(auth::welcome))
        .route("/api/v1/me", get(api::me))
        .route("/api/v1/learners", get(api::learners))
        .route("/api/v1/events", get(events::events))
        .route("/api/v1/scores", post(scores::push))
        .route("/api/v1/attendance", post(attendance::push))
        .route("/api/v1/learners/{id}/progress", get(api::learner_progress))
        .route("/learners/{id}/cohort.svg", get(api::cohort_svg))
        .route(
            "/api/v1/learners/{id}/credentials",
            get(credentials::learner_credentials),
        )
        .route("/issuers/{id}", get(credentials::issuer_profile))
        .route("/issuers/{id}/status/{list}", get(credentials::status_list))
        .route("/credentials/{id}/jwt", get(credentials::credential_jwt))
        .route("/credentials/{id}/json", get(credentials::credential_file))
        .route("/backpack/items/{id}/json", get(credentials::imported_file))
        .route("/files/{id}", get(uploads::file))
        .route("/files/{id}/thumbnail", get(uploads::thumbnail))
        .merge(delivery::bundle(&options))
        .merge(case::routes())
        .route("/theme.css", get(api::theme_css))
        .route("/theme/{picture}", get(uploads::theme_picture))
        .leptos_routes_with_context(
            &state,
            pages,
            move || {
                provide_context(store.clone());
                provide_context(imports.clone());
            },
            move || shell(options.clone()),
        )
        // Request bodies are small everywhere but on the upload routes, which have their own
        // limit.
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .merge(uploads::routes(upload_limit))
        // The site's other files (the icon): revalidated on each use, their names unhashed.
        .fallback(
            leptos_axum::file_and_error_handler::<AppState, _>(shell).layer(
                SetResponseHeaderLayer::if_not_present(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("no-cache"),
                ),
            ),
        )
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            page_time_zone,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            credentials::credential_documents,
        ))
        .layer(axum::middleware::from_fn(server_function_answers))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            learner_page_status,
        ))
        .with_state(state.clone());
    // What every request passes through before the routes are matched: a kept page answers
    // here, without the routes' own layers and handlers being made ready for it. One stack,
    // layered once: each `Router::layer` would box the service and its future again, and a
    // kept page's CPU went largely to moving and allocating those.
    Router::new().fallback_service(routes).layer(
        tower::ServiceBuilder::new()
            .layer(header_layer(
                header::REFERRER_POLICY,
                "strict-origin-when-cross-origin",
            ))
            .layer(header_layer(header::X_FRAME_OPTIONS, "DENY"))
            .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .layer(header_layer(
                header::CONTENT_SECURITY_POLICY,
                CONTENT_SECURITY_POLICY,
            ))
            .layer(axum::middleware::from_fn_with_state(
                state.clone(),
                auth::session_layer,
            ))
            .layer(axum::middleware::from_fn(delivery::page_caching))
            // Pages and answers compressed as they stream (the bundle was compressed at build
            // time; live events are not compressed, so each arrives at once).
            .layer(delivery::compression())
            // A page served from memory is noted as a read like one rendered afresh.
            .layer(axum::middleware::from_fn_with_state(
                state.clone(),
                cache::kept_pages,
            )),
    )
}

/// Gives a learner's page (and their goals and projects), a group's roster or an admin page the status its refusal deserves
/// (403 not allowed, 404 no such learner or group). The page streams, so it cannot set its own status once it knows; the policy
/// answers here first, the same way the page's server function will.
async fn learner_page_status(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    // `/learners/{id}` and the pages under it, and `/groups/{id}/…`.
    let path = request.uri().path();
    let id_after = |prefix: &str| {
        path.strip_prefix(prefix)
            .and_then(|rest| rest.split('/').next())
            .and_then(|id| id.parse::<i64>().ok())
    };
    let (learner_id, group_id) = (id_after("/learners/"), id_after("/groups/"));
    let (goal_id, project_id) = (id_after("/goals/"), id_after("/projects/"));
    let viewer = request.extensions().get::<cairn::model::Viewer>().cloned();
    let decision = match viewer {
        Some(viewer) if request.method() == axum::http::Method::GET => {
            // A goal or project is the learner's record: the same answer as their page.
            let owner = match (goal_id, project_id) {
                (Some(goal), _) => Some(state.store.goal_learner(goal).await),
                (_, Some(project)) => Some(state.store.project_learner(project).await),
                _ => None,
            };
            let learner = match owner {
                Some(owner) => Some(owner),
                None => learner_id.map(Ok),
            };
            if let Some(learner) = learner {
                // A learner's record (their page, goals or projects): staff reads are audited.
                match learner {
                    Ok(learner_id) => {
                        cairn::access::open_learner_record(&state.store, &viewer, learner_id, path)
                            .await
                            .map(|_| ())
                    }
                    Err(error) => Err(error),
                }
            } else if let Some(group_id) = group_id {
                cairn::access::authorize_group(&state.store, &viewer, group_id)
                    .await
                    .map(|_| ())
            } else if ["/share/", "/u/", "/credentials/"]
                .iter()
                .any(|prefix| path.starts_with(prefix))
            {
                public_page_status(&state.store, path).await
            } else if path == "/admin" || path.starts_with("/admin/") {
                if cairn::policy::may_view_institution(&viewer, viewer.institution_id) {
                    Ok(())
                } else {
                    Err(cairn::CoreError::Forbidden)
                }
            } else {
                Ok(())
            }
        }
        None if request.method() == axum::http::Method::GET => {
            public_page_status(&state.store, path).await
        }
        _ => Ok(()),
    };
    let refusal = match decision {
        Err(cairn::CoreError::Forbidden) => Some(axum::http::StatusCode::FORBIDDEN),
        Err(cairn::CoreError::NotFound(_)) => Some(axum::http::StatusCode::NOT_FOUND),
        _ => None,
    };
    let mut response = next.run(request).await;
    if let Some(status) = refusal {
        *response.status_mut() = status;
    }
    response
}

/// Names the time zone a page is drawn in: the viewer's institution's (for a visitor, the
/// first institution's), as `Arc<Zone>` in the request's extensions, which the page's shell
/// reads. Only for requests of a page (those that accept HTML).
async fn page_time_zone(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let wants_page = request.method() == axum::http::Method::GET
        && request
            .headers()
            .get(header::ACCEPT)
            .and_then(|accept| accept.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"));
    if wants_page {
        let institution = request
            .extensions()
            .get::<cairn::model::Viewer>()
            .map(|viewer| viewer.institution_id);
        match state.store.time_zone(institution).await {
            Ok(name) => {
                request.extensions_mut().insert(cairn::zones::zone(&name));
            }
            Err(error) => tracing::warn!(%error, "the time zone could not be read; UTC it is"),
        }
    }
    next.run(request).await
}

/// Whether a path is a server function's (the app's `/api/{name}`), not the REST API's or
/// sign-in's.
fn is_server_function(path: &str) -> bool {
    path.strip_prefix("/api/").is_some_and(|name| {
        !name.starts_with("v1/") && !matches!(name, "login" | "logout" | "welcome")
    })
}

/// A server function's answer keeps its promise to the browser: an error status carries an
/// `AppError`, which the page decodes and says plainly. A success whose status was set to a
/// refusal along the way (a question asked of the session that was not the answer) would reach
/// the page as a decoding error; it goes out as the success it is, and the slip is logged.
async fn server_function_answers(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let status = response.status();
    if !is_server_function(&path) || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // A server function's answer is already whole in memory (serialized at once).
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return axum::response::Response::from_parts(parts, axum::body::Body::empty());
    };
    if serde_json::from_slice::<cairn_app::error::AppError>(&bytes).is_err() {
        tracing::error!(%path, %status, "a server function answered a refusal status with a success; sent as a success");
        parts.status = axum::http::StatusCode::OK;
    }
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// A share link that is unknown, revoked or expired is not found (which of the three is
/// nobody's business), nor is a profile with nothing public, nor a credential nobody issued.
async fn public_page_status(store: &Store, path: &str) -> Result<(), cairn::CoreError> {
    let found = if let Some(token) = path.strip_prefix("/share/") {
        store.share_link_is_live(token).await?
    } else if let Some(handle) = path.strip_prefix("/u/") {
        store.has_public_profile(handle).await?
    } else if let Some(rest) = path.strip_prefix("/credentials/") {
        let id = rest.split('/').next().unwrap_or_default();
        store.credential(id).await?.is_some()
    } else {
        true
    };
    if found {
        Ok(())
    } else {
        Err(cairn::CoreError::NotFound("page".into()))
    }
}

fn header_layer(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}
