//! `cairn bench-baseline` (hidden): the benchmark's yardstick — an axum handler that answers
//! every GET with the same bytes from memory, e.g. a dashboard page saved from the real server.
//! `make bench` compares the real dashboard's throughput with this one's in the same run. Like
//! the real server's kept pages, it answers gzip-compressed to clients that accept gzip.

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
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    std::io::Write::write_all(&mut encoder, page)?;
    let compressed: &'static [u8] = encoder.finish()?.leak();
    let app = Router::new().fallback(move |headers: axum::http::HeaderMap| async move {
        let gzip = headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.contains("gzip"));
        if gzip {
            (
                [
                    (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                    (header::CONTENT_ENCODING, "gzip"),
                ],
                compressed,
            )
                .into_response()
        } else {
            ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response()
        }
    });
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    println!("Serving {} bytes at http://{}/", page.len(), args.addr);
    axum::serve(listener, app)
        .await
        .context("the server stopped with an error")
}
