//! Where the data lives: `--database-url`/`CAIRN_DATABASE_URL`, or SQLite in
//! `--data-dir`/`CAIRN_DATA_DIR` (default `./data`).

use std::path::PathBuf;

use anyhow::{bail, Context};
use cairn::store::{self, redact_url, Backend, Store};
use clap::Args;

#[derive(Args, Clone)]
pub struct DatabaseArgs {
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB [default: SQLite in the data dir]
    #[arg(long, env = "CAIRN_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Directory for Cairn's files (the SQLite database, uploads)
    #[arg(long, env = "CAIRN_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
}

impl std::fmt::Debug for DatabaseArgs {
    // The URL may carry a password: never print it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseArgs")
            .field(
                "database_url",
                &self.database_url.as_deref().map(redact_url),
            )
            .field("data_dir", &self.data_dir)
            .finish()
    }
}

impl DatabaseArgs {
    /// The URL to open, after making sure the data directory is usable.
    pub fn url(&self) -> anyhow::Result<String> {
        ensure_writable(&self.data_dir)?;
        match &self.database_url {
            Some(url) => {
                Backend::from_url(url).map_err(|e| anyhow::anyhow!("{e}"))?;
                Ok(url.clone())
            }
            None => Ok(store::sqlite_url(&self.data_dir)),
        }
    }

    /// Opens the database and brings its schema up to date.
    pub async fn open(&self) -> anyhow::Result<Store> {
        let url = self.url()?;
        Store::open(&url)
            .await
            .with_context(|| format!("cannot open the database at {}", redact_url(&url)))
    }
}

fn ensure_writable(dir: &std::path::Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
    let probe = dir.join(".cairn-write-check");
    match std::fs::write(&probe, b"") {
        Ok(()) => {
            let _ = std::fs::remove_file(probe);
            Ok(())
        }
        Err(error) => bail!(
            "the data directory {} is not writable: {error}",
            dir.display()
        ),
    }
}
