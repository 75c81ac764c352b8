//! Sign-in, sign-out and the session middleware. The cookie `cairn_session` holds a random
//! token; the database holds its hash. Every request is resolved to a `Viewer` (or none)
//! here, once, before any page, server function or API route runs.

use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use cairn::model::Viewer;
use cairn::store::accounts::normalize_email;
use cairn::{clock, password};
use rand::RngCore;
use serde::Deserialize;

use crate::router::AppState;

pub const SESSION_COOKIE: &str = "cairn_session";
const SESSION_DAYS: i64 = 7;

/// Compared against when an email has no account, so that a wrong email takes as long as a
/// wrong password.
const DECOY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$Y2Fpcm5kZWNveXNhbHQ$0Jx6mBtHOrN4kN7kFmWc6+f0DgdJ/5tvkAuF1cZQ3ZQ";

#[derive(Deserialize)]
pub struct LoginForm {
    pub email: String,
    pub password: String,
    /// Where to go once signed in: a page of this Cairn (anything else is ignored).
    #[serde(default)]
    pub next: String,
}

/// A page of this Cairn to go on to after signing in: a local path only — never another site
/// (`//host`, `/\host`), the sign-in page itself or the API.
pub(crate) fn local_path(next: &str) -> Option<&str> {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/login")
        && !next.starts_with("/api/")
        && next.len() <= 2000
        && !next.chars().any(|c| c.is_control() || c == '\\');
    local.then_some(next)
}

/// The session token in the request's cookies, if any.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
        .filter(|value| !value.is_empty())
}

fn client_address(request_extensions: &axum::http::Extensions) -> Option<String> {
    request_extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
}

fn refused(code: &str, email: &str, next: &str) -> Response {
    let mut query = format!("/login?error={code}&email={}", percent_encode(email.trim()));
    if let Some(next) = local_path(next) {
        query.push_str(&format!("&next={}", percent_encode(next)));
    }
    Redirect::to(&query).into_response()
}

pub(crate) fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'@' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn session_cookie(state: &AppState, token: &str, max_age: i64) -> HeaderValue {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `POST /api/login`: a session and a redirect home, or back to the form with one message.
pub async fn login(
    State(state): State<AppState>,
    extensions: axum::http::Extensions,
    Form(form): Form<LoginForm>,
) -> Response {
    let email = normalize_email(&form.email);
    let address = client_address(&extensions);
    let delay = state.limiter.delay_for(address.as_deref(), Instant::now());
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let attempt = match state
        .limiter
        .reserve(&email, address.as_deref(), Instant::now())
    {
        Ok(attempt) => attempt,
        Err(refusal) => {
            tracing::warn!(%email, ?address, ?refusal, "sign-in refused: too many failures");
            return refused("rate_limited", &form.email, &form.next);
        }
    };
    let record = match state.store.find_login(&email).await {
        Ok(record) => record,
        Err(error) => {
            attempt.withdrawn();
            tracing::error!(%error, "sign-in lookup failed");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "Cairn cannot reach its database.",
            )
                .into_response();
        }
    };
    let stored_hash = record
        .as_ref()
        .and_then(|r| r.password_hash.clone())
        .unwrap_or_else(|| DECOY_HASH.to_string());
    let attempt_password = form.password;
    let checked = state
        .limiter
        .hashing
        .run(move || password::verify(&attempt_password, &stored_hash))
        .await;
    let Ok(matches) = checked else {
        attempt.withdrawn();
        tracing::warn!(%email, "sign-in turned away: password checks are queued full");
        return busy();
    };
    let account = record.filter(|r| matches && r.may_sign_in());
    let Some(account) = account else {
        drop(attempt);
        return refused("invalid", &form.email, &form.next);
    };
    attempt.succeeded();

    signed_in(&state, account.user_id, local_path(&form.next)).await
}

/// `503` with `Retry-After`: every password check is taken and the queue is full.
fn busy() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [
            (header::RETRY_AFTER, HeaderValue::from_static("2")),
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
        ],
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Cairn is busy</title>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head><body>\
         <main><h1>Cairn is busy signing people in</h1><p>Your password was not checked. \
         Please <a href=\"/login\">try again</a> in a few seconds.</p></main></body></html>",
    )
        .into_response()
}

/// Starts a session for a person who proved who they are, and sends them home.
async fn signed_in(
    state: &AppState,
    user_id: cairn::model::UserId,
    next: Option<&str>,
) -> Response {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let created = time::OffsetDateTime::now_utc();
    let expires = created + time::Duration::days(SESSION_DAYS);
    if let Err(error) = state
        .store
        .create_session(
            user_id,
            &token,
            &clock::format(created),
            &clock::format(expires),
        )
        .await
    {
        tracing::error!(%error, "could not record a session");
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "Cairn cannot reach its database.",
        )
            .into_response();
    }
    let mut response = Redirect::to(next.unwrap_or("/")).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie(state, &token, SESSION_DAYS * 24 * 3600),
    );
    response
}

/// `POST /api/logout`: ends the session and clears the cookie.
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = session_token(&headers) {
        state.caches.forget_session(&token);
        if let Err(error) = state.store.delete_session(&token).await {
            tracing::error!(%error, "could not end a session");
        }
    }
    let mut response = Redirect::to("/login?signed_out=1").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&state, "", 0));
    response
}

/// Paths anyone may open without signing in.
fn is_public(path: &str) -> bool {
    path == "/login"
        || path == "/healthz"
        // an invitation to choose a password
        || path.starts_with("/welcome/")
        || path.starts_with("/api/")
        || path.starts_with("/pkg/")
        // credentials, their issuers and status lists: verifiable by anyone
        || path.starts_with("/credentials/")
        || path.starts_with("/issuers/")
        // the CASE provider API: published frameworks, public by definition
        || path.starts_with("/ims/case/")
        // what a learner shares: a collection by link, their public profile
        || path.starts_with("/share/")
        || path.starts_with("/u/")
        // static files from public/ (favicon.ico, images)
        || path.rsplit('/').next().is_some_and(|last| last.contains('.'))
}

/// Whether a state-changing request comes from another site (its `Origin` names another host).
fn is_cross_origin(request: &Request) -> bool {
    let Some(origin) = request.headers().get(header::ORIGIN) else {
        return false;
    };
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok());
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .map(|(_, rest)| rest.trim_end_matches('/'));
    origin_host != host || host.is_none()
}

/// Resolves the session to a `Viewer` in the request's extensions; refuses cross-site writes;
/// sends anonymous people from pages to `/login` and signed-in people from `/login` home.
pub async fn session_layer(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let is_write = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if is_write && is_cross_origin(&request) {
        return (
            StatusCode::FORBIDDEN,
            "This request came from another site and was refused.",
        )
            .into_response();
    }
    let viewer: Option<Viewer> = match session_token(request.headers()) {
        Some(token) => state.caches.viewer(&state.store, &token).await,
        None => None,
    };
    let path = request.uri().path().to_string();
    let is_page_view = *request.method() == Method::GET;
    match viewer {
        Some(mut viewer) => {
            if is_page_view && path == "/login" {
                return Redirect::to("/").into_response();
            }
            viewer.origin = client_address(request.extensions());
            request.extensions_mut().insert(viewer);
        }
        None if is_page_view && !is_public(&path) => {
            // Back to the page asked for once signed in (home needs no saying).
            let asked = request.uri().path_and_query().map_or("/", |p| p.as_str());
            return match local_path(asked).filter(|asked| *asked != "/") {
                Some(asked) => Redirect::to(&format!("/login?next={}", percent_encode(asked))),
                None => Redirect::to("/login"),
            }
            .into_response();
        }
        None => {}
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; cairn_session=abc123; other=1"),
        );
        assert_eq!(session_token(&headers).as_deref(), Some("abc123"));
        headers.insert(header::COOKIE, HeaderValue::from_static("cairn_session="));
        assert_eq!(session_token(&headers), None);
    }

    #[test]
    fn pages_need_a_session_but_assets_and_the_api_do_not() {
        assert!(!is_public("/"));
        assert!(!is_public("/learners/4"));
        assert!(is_public("/login"));
        assert!(is_public("/credentials/abc/verify"));
        assert!(is_public("/issuers/1"));
        assert!(is_public("/ims/case/v1p0/CFDocuments"));
        assert!(is_public("/favicon.ico"));
        assert!(is_public("/pkg/cairn.wasm"));
        assert!(is_public("/api/v1/me"));
        assert!(is_public("/healthz"));
    }

    #[test]
    fn the_decoy_hash_is_a_valid_argon2id_hash() {
        assert!(argon2::PasswordHash::new(DECOY_HASH).is_ok());
        assert!(!password::verify("anything", DECOY_HASH));
    }

    #[test]
    fn emails_survive_the_round_trip_through_the_query() {
        assert_eq!(percent_encode("a+b@x.org"), "a%2Bb@x.org");
        assert_eq!(percent_encode("é"), "%C3%A9");
    }
}

/// The form of `/welcome/{token}`: the invitation's token and the chosen password, twice.
#[derive(serde::Deserialize)]
pub struct WelcomeForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    again: String,
}

/// `POST /api/welcome`: accepts an invitation with the password the person chose and signs
/// them in; a refusal goes back to `/welcome/{token}` with the reason. A plain form post, so it
/// works before the wasm arrives.
pub async fn welcome(State(state): State<AppState>, Form(form): Form<WelcomeForm>) -> Response {
    let token: String = form
        .token
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    match cairn::admin::accept_invitation(&state.store, &token, &form.password, &form.again).await {
        Ok(user_id) => signed_in(&state, user_id, None).await,
        Err(cairn::CoreError::Invalid { field, reason }) => Redirect::to(&format!(
            "/welcome/{token}?error={}",
            percent_encode(&format!("{field}: {reason}"))
        ))
        .into_response(),
        Err(error) => {
            tracing::error!(%error, "accepting an invitation failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "Cairn cannot reach its database.",
            )
                .into_response()
        }
    }
}
