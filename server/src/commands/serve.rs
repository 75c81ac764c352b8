//! `cairn serve`: open the database, optionally create the demo school, and serve.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use cairn::store::redact_url;
use clap::Args;

use crate::cache::Caches;
use crate::config::DatabaseArgs;
use crate::limiter::LoginLimiter;
use crate::router::{leptos_options, router, AppState, Shared};

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on
    #[arg(long, env = "CAIRN_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: String,
    /// Fill an empty database with the demo school and print its sign-ins
    #[arg(long)]
    pub demo: bool,
    /// Public base URL (credential ids, share links); https here marks cookies Secure
    #[arg(long, env = "CAIRN_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// The largest file a person may upload, in MB
    #[arg(long, env = "CAIRN_MAX_UPLOAD_MB", default_value_t = 20)]
    pub max_upload_mb: u64,
    /// Memory for learner pages kept between writes, in MB (0 keeps none)
    #[arg(long, env = "CAIRN_PAGE_CACHE_MB", default_value_t = 128)]
    pub page_cache_mb: usize,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    let addr: SocketAddr = args.addr.parse().with_context(|| {
        format!(
            "--addr {:?} is not an address like 127.0.0.1:3000",
            args.addr
        )
    })?;
    let store = args.database.open().await?;
    // Several instances on one PostgreSQL database: see each other's live events.
    let url = args.database.url()?;
    store
        .relay_other_instances(&url)
        .await
        .with_context(|| format!("cannot listen for other instances at {}", redact_url(&url)))?;
    if args.demo {
        super::seed::demo_school(&store).await?;
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr().unwrap_or(addr);
    store.set_public_url(
        args.public_url
            .as_deref()
            .unwrap_or(&format!("http://{local}")),
    );
    store.set_file_storage(
        args.database.data_dir.join("files"),
        args.max_upload_mb.max(1) * 1024 * 1024,
    );
    store
        .ensure_issuer_keys()
        .await
        .context("cannot create the institutions' signing keys")?;
    // Credentials earned while no server was running (or loaded in bulk) are issued in the
    // background; each new piece of evidence issues its own at once.
    let sweeper = store.clone();
    tokio::spawn(async move {
        match sweeper.issue_all_due_credentials().await {
            Ok(issued) => tracing::info!(issued, "credentials due at start-up are issued"),
            Err(error) => tracing::error!(%error, "issuing due credentials failed"),
        }
    });
    // Recomputes of levels that a stop interrupted start again (each batch can be repeated).
    let resumed = cairn::frameworks::resume_recomputes(&store)
        .await
        .context("cannot read the unfinished recomputes of levels")?;
    if resumed > 0 {
        tracing::info!(resumed, "unfinished recomputes of levels started again");
    }
    let state = AppState::new(Shared {
        store: store.clone(),
        leptos_options: leptos_options(),
        limiter: Arc::new(LoginLimiter::default()),
        caches: Arc::new(Caches::new(args.page_cache_mb * 1024 * 1024)),
        secure_cookies: args
            .public_url
            .as_deref()
            .is_some_and(|url| url.starts_with("https://")),
        imports: Default::default(),
    });
    let app = router(state);
    println!("Cairn is serving at http://{local}/");
    tracing::info!(%local, "listening");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("the server stopped with an error")?;
    store.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
