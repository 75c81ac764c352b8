//! `cairn`: parse the command line and hand over to a subcommand. Any failure ends in one
//! line on stderr naming the problem, and exit status 1.

use clap::Parser;

use cairn_server::commands::{self, Cli};

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CAIRN_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn,sqlx::query=error".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    if let Err(error) = commands::run(cli).await {
        eprintln!("cairn: {}", one_line(&error));
        std::process::exit(1);
    }
}

/// The error and its causes on one line, each cause once: many errors repeat their source's
/// message in their own.
fn one_line(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if !line.contains(&text) {
            if !line.is_empty() {
                line.push_str(": ");
            }
            line.push_str(&text);
        }
    }
    line
}
