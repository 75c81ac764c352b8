//! `cairn`: parse the command line and hand over to a subcommand. Any failure ends in one
//! line on stderr naming the problem, and exit status 1.

use clap::Parser;

use cairn_server::commands::{self, Cli};

fn main() {
    large_allocations_go_back_to_the_system();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|error| {
            eprintln!("cairn: cannot start: {error}");
            std::process::exit(1);
        });
    runtime.block_on(run());
}

/// glibc serves a large allocation from its heap once one of that size has been freed (its
/// mmap threshold rises up to 32 MB), and the heap cannot give a hole back while small
/// allocations sit above it. Each password check takes ~19 MiB (argon2id) and each image
/// decoded up to 64 MB; under a flood of sign-ins, interleaved with every request's small
/// allocations, the heap grew by a password check's memory again and again (a measured 312 MB
/// peak for 500 clients; BENCHMARKS.md). A fixed threshold of 1 MiB maps every large block
/// on its own and unmaps it when freed: the same flood peaks at ~100 MB.
fn large_allocations_go_back_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; it is called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

async fn run() {
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
