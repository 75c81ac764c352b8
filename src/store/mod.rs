//! The store: the only module that writes SQL. One sqlx `Any` pool over SQLite (the default,
//! one file, WAL, foreign keys on) or PostgreSQL (several instances sharing one database),
//! with the same portable SQL for both: `$n` placeholders, integer/real/text columns, UTC text
//! timestamps. Each backend has its own migrations folder.

pub mod accounts;
pub mod audit;
pub mod backpack;
pub mod batch;
pub mod checkins;
pub mod cohort;
pub mod credentials;
pub mod detail;
pub mod files;
pub mod frameworks;
pub mod goals;
pub mod groups;
pub mod home;
pub mod integrations;
pub mod invitations;
pub mod levels;
pub mod people;
pub mod people_import;
pub mod progress;
pub mod projects;
pub mod recompute;
pub mod record;
pub mod relations;
pub mod relay;
pub mod roles;
pub mod roster;
pub mod school;
pub mod settings;
pub mod story;
pub mod taxonomy;
pub mod testing;
pub mod tiles;

use std::path::Path;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::AnyPool;
use tokio::sync::broadcast;

use crate::model::LiveEvent;

use crate::error::{CoreError, CoreResult};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// Set on every SQLite connection: WAL so readers never wait for the writer, foreign keys
/// enforced, and a writer waits for the lock instead of failing at once.
const SQLITE_PRAGMAS: [&str; 4] = [
    "PRAGMA journal_mode = WAL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 5000",
    "PRAGMA synchronous = NORMAL",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a database URL names, or a message saying what is wrong with it.
    pub fn from_url(url: &str) -> CoreResult<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(CoreError::invalid(
                "database URL",
                format!("{:?} is neither sqlite:… nor postgres://…", redact_url(url)),
            ))
        }
    }
}

/// The database behind Cairn.
///
/// It counts writes (`data_version`): every method that changes what a page shows calls
/// `changed` once its transaction has committed, and on SQLite a connection of its own asks
/// the database whether anyone else (another process: the command line) committed since, so
/// in-memory copies of pages can tell when they are out of date whoever wrote.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    version: Arc<AtomicU64>,
    events: broadcast::Sender<LiveEvent>,
    /// Tells this process's events apart from other instances' (see `relay`).
    instance: u64,
    /// The public base URL credential, issuer and status list ids start with.
    public_url: Arc<std::sync::RwLock<Arc<str>>>,
    /// Where uploaded files are kept, and how large one may be (see `files`).
    files: Arc<std::sync::RwLock<(Option<std::path::PathBuf>, u64)>>,
    /// SQLite: the connection that watches for commits by other connections.
    watch: Option<Arc<tokio::sync::Mutex<WriteWatch>>>,
    /// Staff reads of learners' records already audited (see `audit::StaffReads`).
    pub(crate) reads: Arc<audit::StaffReads>,
}

/// A SQLite connection of its own, kept to ask `PRAGMA data_version`: its answer changes
/// whenever any other connection — this process's pool or another process — has committed.
#[derive(Debug)]
struct WriteWatch {
    options: AnyConnectOptions,
    connection: Option<sqlx::AnyConnection>,
    last: Option<i64>,
}

/// Live events buffered per subscriber; one that falls further behind is told it lagged and
/// catches up by reloading.
const EVENT_BUFFER: usize = 1024;

/// The default database: `<data-dir>/cairn.db`, created if missing.
pub fn sqlite_url(data_dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", data_dir.join("cairn.db").display())
}

/// A database URL with its password replaced, fit for logs and error messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &credentials[..colon],
                    &url[at..]
                ),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

impl Store {
    /// Connects to the database the URL names, without migrating.
    pub async fn connect(url: &str) -> CoreResult<Store> {
        let backend = Backend::from_url(url)?;
        sqlx::any::install_default_drivers();
        let options = AnyConnectOptions::from_str(url)?;
        let pool_options = match backend {
            // One writer at a time in SQLite; readers run beside it in WAL mode.
            Backend::Sqlite => {
                AnyPoolOptions::new()
                    .max_connections(8)
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            for pragma in SQLITE_PRAGMAS {
                                sqlx::query(pragma).execute(&mut *conn).await?;
                            }
                            Ok(())
                        })
                    })
            }
            Backend::Postgres => AnyPoolOptions::new().max_connections(16),
        };
        let pool = pool_options
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options.clone())
            .await?;
        let mut store = Store::from_pool(pool, backend);
        if backend == Backend::Sqlite {
            store.watch = Some(Arc::new(tokio::sync::Mutex::new(WriteWatch {
                options,
                connection: None,
                last: None,
            })));
        }
        Ok(store)
    }

    pub(crate) fn from_pool(pool: AnyPool, backend: Backend) -> Store {
        Store {
            pool,
            backend,
            version: Arc::new(AtomicU64::new(0)),
            events: broadcast::channel(EVENT_BUFFER).0,
            instance: rand::random(),
            public_url: Arc::new(std::sync::RwLock::new(Arc::from("http://127.0.0.1:3000"))),
            files: Arc::new(std::sync::RwLock::new((
                None,
                files::DEFAULT_MAX_UPLOAD_BYTES,
            ))),
            watch: None,
            reads: Arc::default(),
        }
    }

    /// Live events from now on: every piece of evidence this process records.
    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.events.subscribe()
    }

    /// Sends a committed change to the subscribers (none listening is fine).
    pub(crate) fn publish(&self, event: LiveEvent) {
        let _ = self.events.send(event);
    }

    /// A number that moves with every committed write: equal numbers, equal data. On SQLite
    /// it counts this process's writes and those of any other process on the same file (the
    /// command line revoking a credential, say), which `PRAGMA data_version` reveals.
    pub async fn data_version(&self) -> u64 {
        if let Some(watch) = &self.watch {
            let mut watch = watch.lock().await;
            let seen = watch.others_committed().await;
            if seen.unwrap_or(true) {
                // Somebody wrote, or the watch could not tell: either way, a new version.
                self.changed();
            }
        }
        self.version.load(Ordering::Acquire)
    }

    /// Whether `data_version` sees every write: true for SQLite, whose one file it watches;
    /// false for PostgreSQL, where other instances write too.
    pub fn sees_every_write(&self) -> bool {
        self.backend == Backend::Sqlite
    }

    /// A transaction that will write. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`), so concurrent writers wait their turn (busy timeout) instead of failing
    /// when a read lock cannot be upgraded.
    pub(crate) async fn write_tx(&self) -> CoreResult<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// Marks a committed write (see `data_version`).
    pub(crate) fn changed(&self) {
        self.version.fetch_add(1, Ordering::AcqRel);
    }

    /// Connects and brings the schema up to date.
    pub async fn open(url: &str) -> CoreResult<Store> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Applies the migrations up to and including `last` only: for tests of an upgrade.
    pub async fn migrate_until(&self, last: i64) -> CoreResult<()> {
        let all = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        let migrator = Migrator {
            migrations: all
                .iter()
                .filter(|migration| migration.version <= last)
                .cloned()
                .collect::<Vec<_>>()
                .into(),
            ..Migrator::DEFAULT
        };
        migrator.run(&self.pool).await?;
        Ok(())
    }

    /// Applies the migrations this database has not seen yet.
    pub async fn migrate(&self) -> CoreResult<()> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Whether the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    /// Whether no institution exists yet (a fresh database).
    pub async fn is_empty(&self) -> CoreResult<bool> {
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM institutions")
            .fetch_one(&self.pool)
            .await?;
        Ok(count == 0)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

impl WriteWatch {
    /// Whether another connection committed since the last question (`None`: no answer).
    async fn others_committed(&mut self) -> Option<bool> {
        use sqlx::Connection;
        if self.connection.is_none() {
            self.connection = sqlx::AnyConnection::connect_with(&self.options).await.ok();
        }
        let connection = self.connection.as_mut()?;
        match sqlx::query_scalar::<_, i64>("PRAGMA data_version")
            .fetch_one(&mut *connection)
            .await
        {
            // A fresh connection has nothing to compare with: count it as a change.
            Ok(now) => Some(self.last.replace(now) != Some(now)),
            Err(error) => {
                tracing::warn!(%error, "cannot ask SQLite for its data version");
                self.connection = None;
                self.last = None;
                None
            }
        }
    }
}

/// The placeholder of an optional float that is bound last: `$n`, or the literal `NULL` when
/// there is none (and nothing is bound). sqlx 0.8.6's `Any` driver sends a missing `f64` to
/// PostgreSQL typed as `real`, and the statement it prepares then refuses the next float.
pub(crate) fn float_placeholder(n: usize, value: Option<f64>) -> String {
    match value {
        Some(_) => format!("${n}"),
        None => "NULL".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_backend() {
        assert_eq!(Backend::from_url("sqlite://x.db").unwrap(), Backend::Sqlite);
        assert_eq!(
            Backend::from_url("postgres://u@h/db").unwrap(),
            Backend::Postgres
        );
        let err = Backend::from_url("mysql://root:pw@h/db").unwrap_err();
        assert!(err.to_string().contains("neither sqlite"), "{err}");
        assert!(!err.to_string().contains("pw"), "{err}");
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://cairn:secret@db:5432/cairn"),
            "postgres://cairn:***@db:5432/cairn"
        );
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1/test"),
            "postgres://postgres@127.0.0.1/test"
        );
        assert_eq!(
            redact_url("sqlite://data/cairn.db"),
            "sqlite://data/cairn.db"
        );
    }
}

#[cfg(test)]
mod admin_tests;
#[cfg(test)]
mod credential_tests;
#[cfg(test)]
mod framework_tests;
#[cfg(test)]
mod store_tests;
#[cfg(test)]
mod story_tests;
