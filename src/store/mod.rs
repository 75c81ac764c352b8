//! The store: the only module that writes SQL. One sqlx `Any` pool over SQLite (the default,
//! one file, WAL, foreign keys on) or PostgreSQL (several instances sharing one database),
//! with the same portable SQL for both: `$n` placeholders, integer/real/text columns, UTC text
//! timestamps. Each backend has its own migrations folder.

pub mod accounts;
pub mod attendance;
pub mod audit;
pub mod backpack;
pub mod batch;
pub mod case;
pub mod checkins;
pub mod cohort;
pub mod credentials;
pub mod detail;
pub mod files;
pub mod frameworks;
pub mod goals;
pub mod gradebook;
pub mod groups;
pub mod home;
pub mod inbox;
pub mod integrations;
pub mod invitations;
pub(crate) mod kept;
pub mod levels;
pub mod oneroster;
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
pub mod rsd;
pub mod school;
pub mod seats;
pub mod settings;
pub mod story;
pub mod summary;
pub mod taxonomy;
pub mod testing;
pub mod tiles;
pub mod trust;
pub mod write;

use std::path::Path;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::AnyPool;
use tokio::sync::broadcast;

use crate::model::{LiveEvent, UserId};
pub use write::{PageVersion, Touched};

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
/// Every write goes through its unit of work (`write`), which moves the versions of what it
/// touched; a serving store also looks for writes by other processes on the same SQLite file
/// (`OutsideWrites`), or hears other instances on PostgreSQL (`relay`), so in-memory copies of
/// pages and reads can tell when they are out of date whoever wrote.
///
/// A store is one pointer: every request clones it (each layer of the server takes its state),
/// and a clone is one reference count however much the store holds.
#[derive(Clone, Debug)]
pub struct Store(Arc<Shared>);

/// What a store's clones share; `Store` derefs to it (its fields are the store's own).
#[derive(Debug)]
pub struct Shared {
    pool: AnyPool,
    backend: Backend,
    /// What committed writes touched (see `write`). On SQLite another process's write, which
    /// the store cannot read, touches everything and who sees what.
    versions: Arc<write::Versions>,
    events: broadcast::Sender<LiveEvent>,
    /// Tells this process's events apart from other instances' (see `relay`).
    instance: u64,
    /// PostgreSQL: this instance hears what every other one writes (see `relay`).
    relayed: std::sync::atomic::AtomicBool,
    /// PostgreSQL: the channel instances tell each other on (`relay::CHANNEL`; tests, which
    /// share one database, each have their own).
    pub(crate) channel: Arc<str>,
    /// The public base URL credential, issuer and status list ids start with.
    public_url: Arc<std::sync::RwLock<Arc<str>>>,
    /// Where uploaded files are kept, and how large one may be (see `files`).
    files: Arc<std::sync::RwLock<(Option<std::path::PathBuf>, u64)>>,
    /// SQLite on a file: the record of other processes' writes beside it.
    outside: Option<Arc<OutsideWrites>>,
    /// Staff reads of learners' records already audited (see `audit::StaffReads`).
    pub(crate) reads: Arc<audit::StaffReads>,
    /// Signatures already checked (see `trust`).
    pub(crate) signatures: Arc<trust::SignatureMemo>,
    /// Reads kept while what they were read from is unchanged (see `kept`).
    kept: kept::KeptReads,
}

impl std::ops::Deref for Store {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// Writes by processes other than the server on the same SQLite file (the command line:
/// `cairn credential revoke`, `cairn import users`, …). Such a process appends a line to
/// `<database>-outside-writes` when it closes the database after writing; the serving process
/// compares the file's length with the one it last saw whenever it reads the data version, and
/// a longer file is a new version of everything. It keeps the record open and asks the open
/// file its length (`fstat`): asking by its path walked the path on every look, two looks a
/// request, an eighth of a kept page's CPU. A record that is removed or replaced is opened
/// again by its path (its open copy then has no link left).
#[derive(Debug)]
struct OutsideWrites {
    path: std::path::PathBuf,
    /// Set in the serving process (see `Store::serve`).
    watching: std::sync::atomic::AtomicBool,
    /// The file's length at the last look (`u64::MAX`: not looked yet).
    seen: AtomicU64,
    /// The record, open (the serving process creates it empty if no process has written yet).
    open: std::sync::RwLock<Option<std::fs::File>>,
}

impl OutsideWrites {
    /// The record's length now.
    fn length(&self) -> std::io::Result<u64> {
        use std::os::unix::fs::MetadataExt;
        if let Some(file) = self.open.read().expect("outside writes").as_ref() {
            let metadata = file.metadata()?;
            if metadata.nlink() > 0 {
                return Ok(metadata.len());
            }
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        let length = file.metadata()?.len();
        *self.open.write().expect("outside writes") = Some(file);
        Ok(length)
    }
}

impl OutsideWrites {
    /// The record beside a SQLite database file (none for an in-memory database).
    fn beside(url: &str) -> Option<OutsideWrites> {
        let options = sqlx::sqlite::SqliteConnectOptions::from_str(url).ok()?;
        let file = options.get_filename();
        let name = file.to_str()?;
        if name.is_empty() || name == ":memory:" || url.contains("mode=memory") {
            return None;
        }
        let mut path = file.as_os_str().to_owned();
        path.push("-outside-writes");
        Some(OutsideWrites {
            path: path.into(),
            watching: std::sync::atomic::AtomicBool::new(false),
            seen: AtomicU64::new(u64::MAX),
            open: std::sync::RwLock::new(None),
        })
    }
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
            .connect_with(options)
            .await?;
        let mut store = Store::from_pool(pool, backend);
        if backend == Backend::Sqlite {
            store.set_up().outside = OutsideWrites::beside(url).map(Arc::new);
        }
        Ok(store)
    }

    /// A new store's parts, before it is cloned.
    pub(crate) fn set_up(&mut self) -> &mut Shared {
        Arc::get_mut(&mut self.0).expect("a store is set up before it is shared")
    }

    pub(crate) fn from_pool(pool: AnyPool, backend: Backend) -> Store {
        Store(Arc::new(Shared {
            pool,
            backend,
            versions: Arc::default(),
            events: broadcast::channel(EVENT_BUFFER).0,
            instance: rand::random(),
            relayed: std::sync::atomic::AtomicBool::new(false),
            channel: Arc::from(relay::CHANNEL),
            public_url: Arc::new(std::sync::RwLock::new(Arc::from("http://127.0.0.1:3000"))),
            files: Arc::new(std::sync::RwLock::new((
                None,
                files::DEFAULT_MAX_UPLOAD_BYTES,
            ))),
            outside: None,
            reads: Arc::default(),
            signatures: Arc::default(),
            kept: kept::KeptReads::default(),
        }))
    }

    /// Live events from now on: every piece of evidence this process records.
    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.events.subscribe()
    }

    /// Sends a committed change to the subscribers (none listening is fine).
    pub(crate) fn publish(&self, event: LiveEvent) {
        let _ = self.events.send(event);
    }

    /// A number that moves with every committed write: equal numbers, equal data. In a serving
    /// store on SQLite it also moves when another process on the same file (the command line
    /// revoking a credential, say) has written (see `serve`).
    pub fn data_version(&self) -> u64 {
        self.look_for_outside_writes();
        self.versions.any()
    }

    /// What a page of this learner shows was drawn from (see `write::PageVersion`): it moves
    /// with writes that touched the learner, their cohort's levels, or everything.
    pub fn page_version(&self, learner: UserId) -> PageVersion {
        self.look_for_outside_writes();
        self.versions.page(learner)
    }

    /// A number that moves with every write that touched everything every page may show —
    /// settings, frameworks, people, who sees what — but not with a single learner's data.
    pub fn shared_version(&self) -> u64 {
        self.look_for_outside_writes();
        self.versions.everyone()
    }

    /// A number that moves with every write that may change who may see what (people, roles,
    /// groups, parent links, sessions) — and with any write from outside, which the server
    /// cannot read. `None` while writes may pass unseen (`sees_every_write`): ask each time.
    pub fn access_version(&self) -> Option<u64> {
        self.look_for_outside_writes();
        self.sees_every_write().then(|| self.versions.access())
    }

    /// Makes this store the serving process's: from now on `data_version` and `access_version`
    /// follow the writes other processes record beside the database (`OutsideWrites`), closing
    /// it records nothing there, and it keeps what it reads often (`kept`).
    pub fn serve(&self) {
        self.kept.serving.store(true, Ordering::Release);
        if let Some(outside) = &self.outside {
            outside.watching.store(true, Ordering::Release);
        }
    }

    /// A serving store on SQLite: whether another process has written since the last look (a
    /// new version of everything if so, or if the record cannot be read).
    fn look_for_outside_writes(&self) {
        let Some(outside) = self
            .outside
            .as_ref()
            .filter(|o| o.watching.load(Ordering::Acquire))
        else {
            return;
        };
        let length = match outside.length() {
            Ok(length) => length,
            Err(error) => {
                tracing::warn!(%error, "cannot look for other processes' writes");
                u64::MAX - 1
            }
        };
        // Move the version before the length is stored: a request that sees the new length
        // as already seen also sees the version it moved.
        if outside.seen.load(Ordering::Acquire) != length {
            self.touched(&write::Touched::everything());
            outside.seen.store(length, Ordering::Release);
        }
    }

    /// Whether the versions see every write, so what was read or drawn at a version may be
    /// kept while it stands: on SQLite, whose one file has one server process (other processes
    /// record their writes beside it); on PostgreSQL, while this instance hears what the others
    /// write (`relay`), a few milliseconds after each of their commits.
    pub fn sees_every_write(&self) -> bool {
        match self.backend {
            Backend::Sqlite => true,
            Backend::Postgres => self.relayed.load(Ordering::Acquire),
        }
    }

    /// Marks what another instance's committed write touched (see `relay`).
    pub(crate) fn touched(&self, touched: &write::Touched) {
        self.versions.apply(touched);
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

    /// The connection pool. Only the store reaches it: everything else goes through the
    /// store's use cases (reads) and its unit of work (writes). Tests outside the crate that
    /// set up or inspect rows reach it with the `testing` feature.
    #[cfg(feature = "testing")]
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    #[cfg(not(feature = "testing"))]
    pub(crate) fn pool(&self) -> &AnyPool {
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

    /// Closes the database. A process other than the server (the command line) that wrote
    /// through this store records so beside the database first (`OutsideWrites`), so that a
    /// server on the same SQLite file stops serving kept pages that do not reflect it.
    pub async fn close(&self) {
        let wrote = self.versions.any() > 0;
        if let Some(outside) = &self.outside {
            if wrote && !outside.watching.load(Ordering::Acquire) {
                let process: Vec<String> = std::env::args().take(3).collect();
                let line = format!("{} {}\n", crate::clock::now(), process.join(" "));
                let recorded = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&outside.path)
                    .and_then(|mut file| std::io::Write::write_all(&mut file, line.as_bytes()));
                if let Err(error) = recorded {
                    tracing::warn!(%error, "could not record this process's writes for the server");
                }
            }
        }
        self.pool.close().await;
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
    fn the_outside_writes_record_is_read_open_and_opened_again_when_replaced() {
        let database =
            std::env::temp_dir().join(format!("cairn-outside-{}.db", rand::random::<u64>()));
        let outside = OutsideWrites::beside(&format!("sqlite://{}", database.display())).unwrap();
        let append = |line: &str| {
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&outside.path)
                .unwrap();
            std::io::Write::write_all(&mut file, line.as_bytes()).unwrap();
        };
        assert_eq!(outside.length().unwrap(), 0, "no process has written yet");
        append("one\n");
        assert_eq!(outside.length().unwrap(), 4);
        append("two\n");
        assert_eq!(outside.length().unwrap(), 8);
        // Removed (a restore, say) and written again: the new record is read.
        std::fs::remove_file(&outside.path).unwrap();
        append("3\n");
        assert_eq!(outside.length().unwrap(), 2);
        let _ = std::fs::remove_file(&outside.path);
    }

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
mod attendance_tests;
#[cfg(test)]
mod case_tests;
#[cfg(test)]
mod credential_tests;
#[cfg(test)]
mod framework_tests;
#[cfg(test)]
mod oneroster_tests;
#[cfg(test)]
mod rsd_tests;
#[cfg(test)]
mod seat_tests;
#[cfg(test)]
mod store_tests;
#[cfg(test)]
mod story_tests;
#[cfg(test)]
mod write_tests;
