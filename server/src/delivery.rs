//! How responses travel: the compiled bundle compressed at build time and kept by browsers
//! for a year under names that change with their content; pages and answers compressed as they
//! stream; what a browser may keep of a page.

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use leptos::config::LeptosOptions;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::router::AppState;

/// Whether the bundle's file names carry their content's hash: the build says so in
/// `hash.txt` beside the binary.
pub fn hashed_bundle() -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.join("hash.txt")))
        .is_some_and(|file| file.is_file())
}

/// The compiled bundle at `/pkg`: each file as brotli or gzip where the build compressed it
/// and the browser takes it, kept for a year when its name carries its content's hash (a new
/// build is new names), revalidated on each use otherwise.
pub fn bundle(options: &LeptosOptions) -> Router<AppState> {
    let dir = std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let caching = if options.hash_files {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let files = tower::ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(caching),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::VARY,
            HeaderValue::from_static("accept-encoding"),
        ))
        .service(
            tower_http::services::ServeDir::new(dir)
                .precompressed_br()
                .precompressed_gzip(),
        );
    Router::new().nest_service(&format!("/{}", options.site_pkg_dir), files)
}

/// Compression of what is made per request (pages, server functions' answers, the REST API,
/// the theme's CSS): gzip at its fastest level. A rendered dashboard (61 KB) is 9.9 KB in gzip
/// at level 1 and 9.6 KB in brotli at level 1, both within a connection's first round trip
/// (about 14 KB); but brotli allocates and clears a large hash table for every response, and
/// cost a render about 0.35 ms of CPU more than gzip (2.9–3.2 against 2.5–2.9 ms, measured on
/// 2026-12-07, BENCHMARKS.md). Not for live events (each must arrive at once), pictures
/// (already compressed), or anything compressed already (the bundle, compressed at build
/// time with brotli too; pages kept in memory, compressed once when drawn: `cache`).
pub fn compression() -> CompressionLayer<impl Predicate> {
    let worth_it = SizeAbove::new(256)
        .and(NotForContentType::IMAGES)
        .and(NotForContentType::SSE)
        .and(NotForContentType::const_new("application/octet-stream"))
        .and(NotForContentType::const_new("application/pdf"))
        .and(NotForContentType::const_new("application/zip"));
    CompressionLayer::new()
        .quality(CompressionLevel::Fastest)
        .compress_when(worth_it)
}

/// What a browser may keep of a page: nothing of a signed-in person's (it is theirs, and
/// changes as they work), and a public page only after asking again.
pub async fn page_caching(request: Request, next: Next) -> Response {
    let signed_in = request.extensions().get::<cairn::model::Viewer>().is_some();
    let mut response = next.run(request).await;
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|kind| kind.to_str().ok())
        .is_some_and(|kind| kind.starts_with("text/html"));
    if is_page && !response.headers().contains_key(header::CACHE_CONTROL) {
        let caching = if signed_in { "no-store" } else { "no-cache" };
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(caching));
    }
    response
}
