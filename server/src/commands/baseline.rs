//! `cairn bench-baseline` (hidden): the benchmark's yardstick — an axum handler that answers
//! every GET with the same bytes from memory, e.g. a dashboard page saved from the real server.
//! `make bench` compares the real dashboard's throughput with this one's in the same run.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Router;
use clap::Args;

#[derive(Args, Debug)]
pub struct BaselineArgs {
    /// The bytes to serve (an HTML page)
    #[arg(long)]
    pub file: PathBuf,
    /// Address to listen on
    #[arg(long, default_value = "127.0.0.1:3001")]
    pub addr: SocketAddr,
}

pub async fn run(args: BaselineArgs) -> anyhow::Result<()> {
    let page: &'static [u8] = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?
        .leak();
    let app = Router::new().fallback(move || async move {
        ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response()
    });
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    println!("Serving {} bytes at http://{}/", page.len(), args.addr);
    axum::serve(listener, app)
        .await
        .context("the server stopped with an error")
}
