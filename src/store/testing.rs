//! Fresh databases for tests: a new SQLite file per test, and — when
//! `CAIRN_TEST_POSTGRES_URL` is set — a new PostgreSQL schema per test, dropped afterwards.
//! In CI (`CI` set) a missing PostgreSQL URL is an error, never a silent skip.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::any::AnyPoolOptions;

use super::{Backend, Store};

static NEXT: AtomicU64 = AtomicU64::new(0);

/// A store on a fresh database, and what to remove when the test is done.
pub struct TestStore {
    pub store: Store,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Schema { admin_url: String, schema: String },
}

fn unique_name() -> String {
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("cairn_test_{}_{}_{}", std::process::id(), n, nanos)
}

impl TestStore {
    /// A migrated SQLite database in a new file.
    pub async fn sqlite() -> TestStore {
        let path = std::env::temp_dir().join(format!("{}.db", unique_name()));
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let store = Store::open(&url)
            .await
            .expect("open a test SQLite database");
        TestStore {
            store,
            cleanup: Cleanup::File(path),
        }
    }

    /// A SQLite database in a new file with the migrations up to `last` only.
    pub async fn sqlite_until(last: i64) -> TestStore {
        let path = std::env::temp_dir().join(format!("{}.db", unique_name()));
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let store = Store::connect(&url)
            .await
            .expect("open a test SQLite database");
        store
            .migrate_until(last)
            .await
            .expect("migrate a test database");
        TestStore {
            store,
            cleanup: Cleanup::File(path),
        }
    }

    /// A migrated PostgreSQL schema of its own, or `None` when no server is configured
    /// (outside CI only).
    pub async fn postgres() -> Option<TestStore> {
        let Ok(admin_url) = std::env::var("CAIRN_TEST_POSTGRES_URL") else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CAIRN_TEST_POSTGRES_URL must be set in CI: the PostgreSQL suite may not be skipped"
            );
            eprintln!("CAIRN_TEST_POSTGRES_URL is not set: skipping the PostgreSQL run");
            return None;
        };
        sqlx::any::install_default_drivers();
        let schema = unique_name();
        let admin = AnyPoolOptions::new()
            .max_connections(1)
            .connect(&admin_url)
            .await
            .expect("connect to CAIRN_TEST_POSTGRES_URL");
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&admin)
            .await
            .expect("create a test schema");
        admin.close().await;
        let store = postgres_instance(&admin_url, &schema).await;
        store.migrate().await.expect("migrate the test schema");
        Some(TestStore {
            store,
            cleanup: Cleanup::Schema { admin_url, schema },
        })
    }

    /// Another server instance on the same PostgreSQL schema, hearing what this one writes
    /// (`Store::relay_other_instances`); `None` on SQLite.
    pub async fn another_instance(&self) -> Option<Store> {
        let Cleanup::Schema { admin_url, schema } = &self.cleanup else {
            return None;
        };
        let store = postgres_instance(admin_url, schema).await;
        store
            .relay_other_instances(admin_url)
            .await
            .expect("listen for the other instance");
        Some(store)
    }

    /// Starts hearing other instances of this store's PostgreSQL schema (nothing on SQLite).
    pub async fn hear_other_instances(&self) {
        if let Cleanup::Schema { admin_url, .. } = &self.cleanup {
            self.store
                .relay_other_instances(admin_url)
                .await
                .expect("listen for other instances");
        }
    }

    /// Closes the store and removes its database.
    pub async fn finish(self) {
        self.store.close().await;
        match self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm", "-outside-writes"] {
                    let mut file = path.clone().into_os_string();
                    file.push(suffix);
                    let _ = std::fs::remove_file(file);
                }
            }
            Cleanup::Schema { admin_url, schema } => {
                if let Ok(admin) = AnyPoolOptions::new()
                    .max_connections(1)
                    .connect(&admin_url)
                    .await
                {
                    let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                        .execute(&admin)
                        .await;
                    admin.close().await;
                }
            }
        }
    }
}

/// Another process writing to the same PostgreSQL database as `store`, as the command line
/// does: versions of its own, so `store` learns of its writes only by hearing them (`relay`).
pub fn another_process(store: &Store) -> Store {
    let mut other = Store::from_pool(store.pool.clone(), store.backend);
    other.set_up().channel = store.channel.clone();
    other
}

/// A store on the test schema `schema`, as one server instance: its notifications go to a
/// channel of the schema's own, so tests running at once do not hear each other.
async fn postgres_instance(admin_url: &str, schema: &str) -> Store {
    let search_path = format!("SET search_path TO {schema}");
    let pool = AnyPoolOptions::new()
        .max_connections(4)
        .after_connect(move |conn, _| {
            let search_path = search_path.clone();
            Box::pin(async move {
                sqlx::query(&search_path).execute(conn).await?;
                Ok(())
            })
        })
        .connect(admin_url)
        .await
        .expect("connect to the test schema");
    let mut store = Store::from_pool(pool, Backend::Postgres);
    store.set_up().channel = std::sync::Arc::from(format!("cairn_live_{schema}"));
    store
}

/// One runtime for every test of a test binary, as the server has one: tests run their
/// bodies on it concurrently, and whatever they spawn shares it.
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(4)
            .enable_all()
            .build()
            .expect("start the test runtime")
    })
}

/// A test that does not finish in this time fails instead of hanging the run.
pub const TEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// Runs a test body on the shared runtime, failing it if it outlives `TEST_TIMEOUT`.
pub fn run<F: std::future::Future<Output = ()>>(name: &str, body: F) {
    runtime().block_on(async {
        if tokio::time::timeout(TEST_TIMEOUT, body).await.is_err() {
            panic!("{name} did not finish within {} s", TEST_TIMEOUT.as_secs());
        }
    });
}

/// Runs each named async test body (`async fn(&Store)`) once on SQLite and once on PostgreSQL
/// (as a serving instance: hearing other instances' writes, so pages and reads may be kept).
#[macro_export]
macro_rules! store_tests {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[test]
                fn $name() {
                    $crate::store::testing::run(stringify!($name), async {
                        let db = $crate::store::testing::TestStore::sqlite().await;
                        super::$name(&db.store).await;
                        db.finish().await;
                    });
                }
            )*
        }
        mod on_postgres {
            $(
                #[test]
                fn $name() {
                    $crate::store::testing::run(stringify!($name), async {
                        if let Some(db) = $crate::store::testing::TestStore::postgres().await {
                            // As a server instance does: hearing the others, so it keeps pages.
                            db.hear_other_instances().await;
                            super::$name(&db.store).await;
                            db.finish().await;
                        }
                    });
                }
            )*
        }
    };
}

/// A person's id by their sign-in email (in a loaded school).
pub async fn user_id(store: &Store, email: &str) -> i64 {
    store.find_login(email).await.unwrap().unwrap().user_id
}

/// A person as pages and server functions see them.
pub async fn viewer(store: &Store, email: &str) -> crate::model::Viewer {
    let id = user_id(store, email).await;
    store.viewer(id).await.unwrap().unwrap()
}

/// The institution a learner belongs to.
pub async fn institution_of(store: &Store, learner_id: i64) -> i64 {
    store
        .learner_relations(learner_id)
        .await
        .unwrap()
        .unwrap()
        .institution_id
}

/// A competency's id by its code.
pub async fn competency(store: &Store, code: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM competencies WHERE code = $1")
        .bind(code)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

/// A teacher's plain mark of `level` for the learner on the competency, observed `at` (no
/// giver, group, comment or score: set them with `..teacher_mark(..)`).
pub fn teacher_mark(
    learner_id: i64,
    competency_id: i64,
    level: f64,
    at: &str,
) -> super::levels::NewEvidence {
    super::levels::NewEvidence {
        learner_id,
        competency_id,
        level,
        given_by: None,
        source: "teacher",
        source_ref: None,
        group_id: None,
        comment: None,
        supersedes_id: None,
        score: None,
        observed_at: at.to_string(),
    }
}

/// How many rows a table holds.
pub async fn count(store: &Store, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(store.pool())
        .await
        .unwrap()
}
