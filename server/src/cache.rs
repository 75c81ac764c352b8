//! Learner pages and sessions kept in memory until the data behind them changes.
//!
//! Dashboards are read far more often than evidence is written. A learner page rendered for
//! one viewer is kept with what it was drawn from (`Store::page_version`): while no write has
//! touched that learner, nor everything (settings, frameworks, people), the same viewer gets
//! the same bytes without rendering. A mark for another learner changes only the cohort's
//! statistics on this page, which may be up to `COHORT_LAG` behind (the chart says as of
//! when). Pages that show no one learner (a share link, a public profile) and sessions are kept
//! while no write at all, or nothing shared, has happened. A write by another process on the
//! same database file, such as the command line, touches everything. Only while the store sees
//! every write: on SQLite always; on PostgreSQL while it hears what other instances write
//! (`cairn::store::relay`), whose writes then touch what they touched here too.
//!
//! Pages are compressed once when drawn, with gzip at its fastest level (a dashboard is ~61 KB
//! of HTML, ~10 KB compressed): the same bytes are sent and kept, and sent again to every
//! client that accepts gzip — browsers all do; the rare one that does not gets them inflated.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use cairn::clock;
use cairn::model::{UserId, Viewer};
use cairn::store::{PageVersion, Store};

use crate::router::AppState;

/// How long a signed-in session is trusted without asking the database again (sign-out on
/// this instance forgets it at once).
const SESSION_TTL: Duration = Duration::from_secs(60);
/// Sessions kept at most; past this the whole map is cleared.
const MAX_SESSIONS: usize = 20_000;
/// A page larger than this is served but not kept.
const MAX_PAGE: usize = 1 << 20;

struct KeptSession {
    viewer: Viewer,
    version: u64,
    at: Instant,
}

/// What a kept page was drawn from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DrawnAt {
    /// A learner's page: that learner's data, what is shared, their cohort's statistics.
    Learner(UserId, PageVersion),
    /// Anything else: every write (`Store::data_version`).
    Any(u64),
}

impl DrawnAt {
    fn now(store: &Store, learner: Option<UserId>) -> DrawnAt {
        match learner {
            Some(learner) => DrawnAt::Learner(learner, store.page_version(learner)),
            None => DrawnAt::Any(store.data_version()),
        }
    }

    /// How a page drawn at `self`, `age` ago, stands against what the store holds `now`.
    fn standing(&self, now: &DrawnAt, age: Duration) -> Standing {
        match (self, now) {
            (DrawnAt::Learner(kept, drawn), DrawnAt::Learner(learner, now)) if kept == learner => {
                if drawn.current(now, false) {
                    Standing::Current
                } else if !drawn.current(now, true) {
                    Standing::Stale
                } else if age < COHORT_RENEW {
                    Standing::Current
                } else if age < COHORT_LAG {
                    Standing::Renew
                } else {
                    Standing::Stale
                }
            }
            (DrawnAt::Any(drawn), DrawnAt::Any(now)) if drawn == now => Standing::Current,
            _ => Standing::Stale,
        }
    }

    #[cfg(test)]
    fn current(&self, now: &DrawnAt, age: Duration) -> bool {
        self.standing(now, age) != Standing::Stale
    }
}

/// Whether a kept page may answer a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Standing {
    /// It shows what the store holds (its cohort's figures maybe a little behind).
    Current,
    /// It may answer, and is drawn again in the background: its cohort's figures are getting
    /// old.
    Renew,
    /// It must be drawn again before it answers.
    Stale,
}

/// From this age a kept page whose cohort's figures moved is drawn again in the background,
/// while it still answers; so a busy page is renewed before `COHORT_LAG`, without a request
/// waiting for it.
const COHORT_RENEW: Duration = Duration::from_secs(45);

/// How far behind the cohort's statistics on a kept learner page may be: other learners'
/// marks arrive all day, and each would otherwise empty the whole cohort's pages.
pub const COHORT_LAG: Duration = Duration::from_secs(60);

struct KeptPage {
    drawn: DrawnAt,
    /// A background render of it is on its way (one at a time).
    renewing: bool,
    kept_at: Instant,
    content_type: HeaderValue,
    /// The page, gzip-compressed.
    body: Bytes,
}

/// How long a page is kept at most even when nothing is written: what it shows may also change
/// with time alone (a credential's validity window, a progress record's expiry).
const PAGE_TTL: Duration = Duration::from_secs(3600);

/// The key of a page kept for anyone who is not signed in (user ids start at 1).
const ANONYMOUS: UserId = 0;

fn gzip(bytes: &[u8]) -> std::io::Result<Bytes> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes)?;
    Ok(Bytes::from(encoder.finish()?))
}

fn gunzip(bytes: &[u8]) -> std::io::Result<Bytes> {
    let mut inflated = Vec::with_capacity(bytes.len() * 10);
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut inflated)?;
    Ok(Bytes::from(inflated))
}

/// Whether the request's `Accept-Encoding` takes gzip.
fn accepts_gzip(request: &Request) -> bool {
    request
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value.split(',').any(|coding| {
                let mut parts = coding.split(';');
                let name = parts.next().unwrap_or("").trim();
                let refused = parts.any(|param| param.trim().replace(' ', "") == "q=0");
                (name == "gzip" || name == "*") && !refused
            })
        })
}

#[derive(Default)]
struct Pages {
    entries: HashMap<(UserId, String), KeptPage>,
    bytes: usize,
}

/// The in-memory copies, bounded in size.
pub struct Caches {
    sessions: Mutex<HashMap<String, KeptSession>>,
    pages: Mutex<Pages>,
    page_limit: usize,
    /// Share links found live, with the data version and when: trusted for a second at the same
    /// version (a revocation is a write; an expiry shows within the second).
    live_links: Mutex<HashMap<String, (u64, Instant)>>,
}

/// How long a share link found live is taken as live without asking again.
const LIVE_LINK_TTL: Duration = Duration::from_secs(1);
/// Share links remembered at most; past this the map is cleared.
const MAX_LIVE_LINKS: usize = 10_000;

impl Caches {
    /// Caches that keep at most `page_limit` bytes of pages.
    pub fn new(page_limit: usize) -> Caches {
        Caches {
            sessions: Mutex::new(HashMap::new()),
            pages: Mutex::new(Pages::default()),
            page_limit,
            live_links: Mutex::new(HashMap::new()),
        }
    }

    /// The person signed in with this session token, from memory when still fresh.
    pub async fn viewer(&self, store: &Store, token: &str) -> Option<Viewer> {
        let keep = store.sees_every_write();
        // People, roles and sign-outs touch everything; a learner's marks do not.
        let version = store.shared_version();
        if keep {
            let sessions = self.sessions.lock().expect("session cache");
            if let Some(kept) = sessions.get(token) {
                if kept.version == version && kept.at.elapsed() < SESSION_TTL {
                    return Some(kept.viewer.clone());
                }
            }
        }
        // Boxed: the query's future is large, and a kept session should not carry its size
        // (every request's middleware future is allocated and moved with it).
        let viewer = Box::pin(store.session_viewer(token, &clock::now()))
            .await
            .unwrap_or_else(|error| {
                tracing::error!(%error, "session lookup failed");
                None
            })?;
        if keep {
            let mut sessions = self.sessions.lock().expect("session cache");
            if sessions.len() >= MAX_SESSIONS {
                sessions.clear();
            }
            sessions.insert(
                token.to_string(),
                KeptSession {
                    viewer: viewer.clone(),
                    version,
                    at: Instant::now(),
                },
            );
        }
        Some(viewer)
    }

    /// Forgets a session (on sign-out).
    pub fn forget_session(&self, token: &str) {
        self.sessions.lock().expect("session cache").remove(token);
    }

    /// Whether a share link opens anything now (neither revoked nor expired).
    async fn share_link_is_live(&self, store: &Store, token: &str, version: u64) -> bool {
        let known = self
            .live_links
            .lock()
            .expect("live links")
            .get(token)
            .is_some_and(|(at, when)| *at == version && when.elapsed() < LIVE_LINK_TTL);
        if known {
            return true;
        }
        let live = store.share_link_is_live(token).await.unwrap_or(false);
        if live {
            let mut links = self.live_links.lock().expect("live links");
            if links.len() >= MAX_LIVE_LINKS {
                links.clear();
            }
            links.insert(token.to_owned(), (version, Instant::now()));
        }
        live
    }

    /// The kept page that may answer, and whether this request should have it drawn again in
    /// the background (the first to find it getting old; the others just take it).
    fn page(&self, key: &(UserId, String), now: &DrawnAt) -> Option<(HeaderValue, Bytes, bool)> {
        let mut pages = self.pages.lock().expect("page cache");
        let page = pages.entries.get_mut(key)?;
        let age = page.kept_at.elapsed();
        if age >= PAGE_TTL {
            return None;
        }
        let renew = match page.drawn.standing(now, age) {
            Standing::Stale => return None,
            Standing::Current => false,
            Standing::Renew => !std::mem::replace(&mut page.renewing, true),
        };
        Some((page.content_type.clone(), page.body.clone(), renew))
    }

    /// Whether a page of `size` bytes (before compression) could be kept at all.
    fn may_keep(&self, size: usize) -> bool {
        self.page_limit > 0 && size <= MAX_PAGE * 8
    }

    fn keep_page(&self, key: (UserId, String), page: KeptPage) {
        let mut pages = self.pages.lock().expect("page cache");
        let size = page.body.len();
        if size > MAX_PAGE || size > self.page_limit {
            return;
        }
        if pages.bytes + size > self.page_limit {
            // The longest kept go first, until the new one fits.
            let mut by_age: Vec<_> = pages
                .entries
                .iter()
                .map(|(key, kept)| (kept.kept_at, key.clone()))
                .collect();
            by_age.sort_unstable_by_key(|(kept_at, _)| *kept_at);
            for (_, key) in by_age {
                if pages.bytes + size <= self.page_limit {
                    break;
                }
                if let Some(old) = pages.entries.remove(&key) {
                    pages.bytes -= old.body.len();
                }
            }
        }
        pages.bytes += size;
        if let Some(old) = pages.entries.insert(key, page) {
            pages.bytes -= old.body.len();
        }
    }
}

/// The learner a `/learners/{id}…` path is about.
fn learner_in_path(path: &str) -> Option<UserId> {
    path.strip_prefix("/learners/")?
        .split('/')
        .next()?
        .parse()
        .ok()
}

/// Which kept page a request may be answered with: a learner page (`/learners/…`, HTML or the
/// chart) for the signed-in viewer who asks, or what a learner shares (`/share/{token}`,
/// `/u/{handle}`) for anyone not signed in — the same for every such visitor, its credentials
/// verified once per version rather than on every visit.
fn kept_page_key(request: &Request) -> Option<UserId> {
    let path = request.uri().path();
    match request.extensions().get::<Viewer>() {
        Some(viewer) if path.starts_with("/learners/") => Some(viewer.id),
        None if path.starts_with("/share/") || path.starts_with("/u/") => Some(ANONYMOUS),
        _ => None,
    }
}

/// Serves a kept page (see `kept_page_key`) from memory when it was rendered at the current
/// data version, within the hour; otherwise renders it and keeps a successful answer.
pub async fn kept_pages(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let cacheable = request.method() == Method::GET && state.store.sees_every_write();
    let Some(viewer) = kept_page_key(&request).filter(|_| cacheable) else {
        return next.run(request).await;
    };
    let key = (viewer, request.uri().to_string());
    let drawn = DrawnAt::now(&state.store, learner_in_path(request.uri().path()));
    // A share link also ends with time alone (it expires): not answered from memory after.
    let expired = match (request.uri().path().strip_prefix("/share/"), drawn) {
        (Some(token), DrawnAt::Any(version)) => {
            !Box::pin(
                state
                    .caches
                    .share_link_is_live(&state.store, token, version),
            )
            .await
        }
        _ => false,
    };
    if let Some((content_type, body, renew)) = state.caches.page(&key, &drawn).filter(|_| !expired)
    {
        if renew {
            renew_in_background(&state, &request, key.clone(), next.clone());
        }
        // A read like any other: a staff member's leaves its audit line.
        if let (Some(viewer), Some(learner_id)) = (
            request.extensions().get::<Viewer>(),
            learner_in_path(request.uri().path()),
        ) {
            state
                .store
                .note_kept_read(viewer, learner_id, request.uri().path());
        }
        let vary = (header::VARY, HeaderValue::from_static("accept-encoding"));
        if accepts_gzip(&request) {
            return (
                [
                    (header::CONTENT_TYPE, content_type),
                    (header::CONTENT_ENCODING, HeaderValue::from_static("gzip")),
                    vary,
                ],
                body,
            )
                .into_response();
        }
        match gunzip(&body) {
            Ok(body) => {
                return ([(header::CONTENT_TYPE, content_type), vary], body).into_response()
            }
            Err(error) => tracing::error!(%error, "a kept page did not inflate; rendering it"),
        }
    }
    // Boxed, like the queries above: a kept page's future stays small.
    Box::pin(render_and_keep(&state, key, drawn, next, request)).await
}

/// Draws the page, and keeps a successful answer drawn at `drawn`. The page is compressed once,
/// for both: the bytes kept are the bytes sent to a client that takes gzip.
async fn render_and_keep(
    state: &AppState,
    key: (UserId, String),
    drawn: DrawnAt,
    next: Next,
    request: Request,
) -> Response {
    let takes_gzip = accepts_gzip(&request);
    let response = next.run(request).await;
    let content_type = response.headers().get(header::CONTENT_TYPE).cloned();
    let keep = response.status() == StatusCode::OK
        && !response.headers().contains_key(header::SET_COOKIE)
        && !response.headers().contains_key(header::CONTENT_ENCODING)
        && content_type.is_some();
    let Some(content_type) = content_type.filter(|_| keep) else {
        return response;
    };
    let (mut parts, body) = response.into_parts();
    let body = match axum::body::to_bytes(body, MAX_PAGE * 8).await {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "could not read a rendered page");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let may_keep = state.caches.may_keep(body.len());
    if !(takes_gzip || may_keep) {
        return Response::from_parts(parts, Body::from(body));
    }
    let compressed = match gzip(&body) {
        Ok(compressed) => compressed,
        Err(error) => {
            tracing::error!(%error, "could not compress a page");
            return Response::from_parts(parts, Body::from(body));
        }
    };
    if may_keep {
        state.caches.keep_page(
            key,
            KeptPage {
                drawn,
                renewing: false,
                kept_at: Instant::now(),
                content_type,
                body: compressed.clone(),
            },
        );
    }
    if !takes_gzip {
        return Response::from_parts(parts, Body::from(body));
    }
    parts
        .headers
        .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    parts
        .headers
        .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(compressed))
}

/// Draws a kept page again for the same viewer without a request waiting for it: the same
/// address, headers and signed-in person as the request that found it getting old.
fn renew_in_background(state: &AppState, request: &Request, key: (UserId, String), next: Next) {
    let mut renewal = Request::new(Body::empty());
    *renewal.method_mut() = Method::GET;
    *renewal.uri_mut() = request.uri().clone();
    *renewal.headers_mut() = request.headers().clone();
    *renewal.extensions_mut() = request.extensions().clone();
    let state = state.clone();
    tokio::spawn(async move {
        let drawn = DrawnAt::now(&state.store, learner_in_path(renewal.uri().path()));
        let response = render_and_keep(&state, key, drawn, next, renewal).await;
        // Read to the end, so a streamed page is drawn whole (and kept).
        let _ = axum::body::to_bytes(response.into_body(), MAX_PAGE * 8).await;
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(version: u64, size: usize) -> KeptPage {
        KeptPage {
            drawn: DrawnAt::Any(version),
            renewing: false,
            kept_at: Instant::now(),
            content_type: HeaderValue::from_static("text/html"),
            body: Bytes::from(vec![b'x'; size]),
        }
    }

    #[test]
    fn pages_are_kept_compressed_and_inflate_to_the_same_bytes() {
        let html = "<html>".repeat(1000);
        let kept = gzip(html.as_bytes()).unwrap();
        assert!(kept.len() < html.len() / 10);
        assert_eq!(gunzip(&kept).unwrap(), html.as_bytes());
        let asking = |value: &str| {
            accepts_gzip(
                &Request::get("/")
                    .header(header::ACCEPT_ENCODING, value)
                    .body(Body::empty())
                    .unwrap(),
            )
        };
        assert!(asking("gzip, deflate, br"));
        assert!(asking("br;q=1.0, gzip;q=0.8"));
        assert!(asking("*"));
        assert!(!asking("br"));
        assert!(!asking("gzip;q=0"));
        assert!(!accepts_gzip(
            &Request::get("/").body(Body::empty()).unwrap()
        ));
    }

    #[test]
    fn a_page_is_served_only_at_the_version_it_was_rendered_at() {
        let caches = Caches::new(1000);
        let key = (7, "/share/x".to_string());
        caches.keep_page(key.clone(), page(1, 10));
        assert!(caches.page(&key, &DrawnAt::Any(1)).is_some());
        assert!(caches.page(&key, &DrawnAt::Any(2)).is_none());
        assert!(
            caches.page(&(8, key.1.clone()), &DrawnAt::Any(1)).is_none(),
            "another viewer"
        );
    }

    #[test]
    fn a_learner_page_outlives_other_learners_marks_for_a_while_and_never_its_own() {
        let drawn = PageVersion {
            everyone: 1,
            learner: 4,
            cohort: 9,
        };
        let kept = DrawnAt::Learner(3, drawn);
        let fresh = Duration::from_secs(5);
        let others_marked = DrawnAt::Learner(
            3,
            PageVersion {
                cohort: 10,
                ..drawn
            },
        );
        assert!(kept.current(&others_marked, fresh));
        assert!(!kept.current(&others_marked, COHORT_LAG));
        let own_mark = DrawnAt::Learner(
            3,
            PageVersion {
                learner: 12,
                ..drawn
            },
        );
        assert!(!kept.current(&own_mark, fresh));
        let settings = DrawnAt::Learner(
            3,
            PageVersion {
                everyone: 2,
                ..drawn
            },
        );
        assert!(!kept.current(&settings, fresh));
        assert!(
            !kept.current(&DrawnAt::Learner(4, drawn), fresh),
            "another learner"
        );
        // Getting old: it still answers, and is drawn again in the background.
        assert_eq!(
            kept.standing(&others_marked, Duration::from_secs(50)),
            Standing::Renew
        );
        assert_eq!(
            kept.standing(&DrawnAt::Learner(3, drawn), Duration::from_secs(50)),
            Standing::Current,
            "nothing moved: nothing to renew"
        );
    }

    #[test]
    fn only_the_first_request_to_find_a_page_getting_old_renews_it() {
        let caches = Caches::new(1000);
        let drawn = PageVersion {
            everyone: 1,
            learner: 4,
            cohort: 9,
        };
        let key = (7, "/learners/3".to_string());
        caches.keep_page(
            key.clone(),
            KeptPage {
                drawn: DrawnAt::Learner(3, drawn),
                renewing: false,
                kept_at: Instant::now() - Duration::from_secs(50),
                content_type: HeaderValue::from_static("text/html"),
                body: Bytes::from_static(b"kept"),
            },
        );
        let now = DrawnAt::Learner(
            3,
            PageVersion {
                cohort: 10,
                ..drawn
            },
        );
        let first = caches.page(&key, &now).unwrap();
        let second = caches.page(&key, &now).unwrap();
        assert_eq!((first.2, second.2), (true, false));
        assert_eq!(
            second.1,
            Bytes::from_static(b"kept"),
            "both are answered at once"
        );
    }

    #[test]
    fn the_cache_stays_within_its_limit_dropping_the_longest_kept_first() {
        let caches = Caches::new(100);
        caches.keep_page((1, "/a".into()), page(1, 40));
        std::thread::sleep(Duration::from_millis(2));
        caches.keep_page((1, "/b".into()), page(1, 40));
        std::thread::sleep(Duration::from_millis(2));
        caches.keep_page((1, "/c".into()), page(1, 40));
        let now = DrawnAt::Any(1);
        assert!(
            caches.page(&(1, "/a".into()), &now).is_none(),
            "the oldest page went"
        );
        assert!(caches.page(&(1, "/b".into()), &now).is_some());
        assert!(caches.page(&(1, "/c".into()), &now).is_some());
        caches.keep_page((1, "/d".into()), page(1, 40));
        let pages = caches.pages.lock().unwrap();
        assert!(pages.bytes <= 100);
        assert_eq!(
            pages.bytes,
            pages.entries.values().map(|p| p.body.len()).sum::<usize>()
        );
        drop(pages);
        caches.keep_page((1, "/huge".into()), page(1, 101));
        assert!(caches.page(&(1, "/huge".into()), &now).is_none());
    }
}
