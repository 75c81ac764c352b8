//! One way to write: a unit of work. `Store::write_as(actor)` (or `Store::write` for the
//! system's own writes) opens the transaction; the write then says what it did as it goes —
//! its audit lines, its live events, and what it touched (a learner, their levels, everything,
//! who sees what) — and `commit` ends it, always in this order:
//!
//! 1. the audit lines, in the transaction (a change and its line exist together or not at all);
//! 2. what it touched and its live events queued for the other instances (`pg_notify`, sent
//!    only on commit; see `relay`);
//! 3. the commit;
//! 4. the versions of exactly what was touched move, so kept pages showing it are stale;
//! 5. the live events go to this instance's subscribers.
//!
//! A write that says nothing of what it touched touches everything: a kept page is never
//! served after a write that may have changed it.

use std::collections::{BTreeSet, HashMap};
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use sqlx::{Any, AnyConnection, Transaction};

use super::audit::{Actor, Audit};
use super::{Backend, Store};
use crate::error::CoreResult;
use crate::model::{InstitutionId, LiveEvent, UserId};

/// What a committed write changed, as kept pages depend on it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Touched {
    /// Learners whose own data changed: evidence, levels, badges, goals, projects, check-ins,
    /// memberships.
    pub learners: BTreeSet<UserId>,
    /// Some learner's level changed, so cohort statistics did.
    pub levels: bool,
    /// Something every page may show: the institution's settings, frameworks, people.
    pub everyone: bool,
    /// Who may see what: people, roles, groups, parent links, sessions.
    pub access: bool,
    /// Nothing any page shows (bookkeeping: a revocation list's next free place).
    pub no_page: bool,
}

impl Touched {
    /// What a live event says was touched.
    pub fn by(event: &LiveEvent) -> Touched {
        let mut touched = Touched::default();
        match event {
            LiveEvent::Evidence { learner_id, .. } => {
                touched.learners.insert(*learner_id);
                touched.levels = true;
            }
            LiveEvent::Story { learner_id, .. }
            | LiveEvent::CheckIn { learner_id, .. }
            | LiveEvent::Attendance { learner_id, .. } => {
                touched.learners.insert(*learner_id);
            }
            LiveEvent::Settings { .. }
            | LiveEvent::Levels { .. }
            | LiveEvent::AttendanceFeed { .. } => touched.everyone = true,
        }
        touched
    }

    /// Everything: what an unseen write may have touched.
    pub fn everything() -> Touched {
        Touched {
            everyone: true,
            access: true,
            levels: true,
            ..Touched::default()
        }
    }

    fn add(&mut self, other: Touched) {
        self.learners.extend(other.learners);
        self.levels |= other.levels;
        self.everyone |= other.everyone;
        self.access |= other.access;
        self.no_page |= other.no_page;
    }

    /// Said nothing of what it touched: then it touched everything.
    fn is_unsaid(&self) -> bool {
        self == &Touched::default()
    }
}

/// The versions kept pages and sessions are checked against; each moves when a committed
/// write touches what it stands for.
#[derive(Debug, Default)]
pub(crate) struct Versions {
    /// Every committed write.
    any: AtomicU64,
    /// Writes that touched everything (`Touched::everyone`, `Touched::access`).
    everyone: AtomicU64,
    /// Writes that touched who sees what.
    access: AtomicU64,
    /// Writes that changed some learner's level.
    cohort: AtomicU64,
    /// Per learner, the `any` version of the last write that touched them.
    learners: Mutex<HashMap<UserId, u64>>,
}

/// What a learner's page was drawn from: it is current while all three are unchanged (and
/// `cohort` only matters after a while: see `PageVersion::current`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageVersion {
    pub everyone: u64,
    pub learner: u64,
    pub cohort: u64,
}

impl PageVersion {
    /// Whether a page drawn at `self` still shows the data at `now`: the learner's own data
    /// and everything shared exactly; the cohort's statistics (the radar's cohort line) are
    /// allowed to be behind while `cohort_may_lag` (other learners' marks arrive all day).
    pub fn current(&self, now: &PageVersion, cohort_may_lag: bool) -> bool {
        self.everyone == now.everyone
            && self.learner == now.learner
            && (self.cohort == now.cohort || cohort_may_lag)
    }
}

impl Versions {
    pub(crate) fn apply(&self, touched: &Touched) {
        let any = self.any.fetch_add(1, Ordering::AcqRel) + 1;
        if !touched.learners.is_empty() {
            let mut learners = self.learners.lock().expect("learner versions");
            for learner in &touched.learners {
                learners.insert(*learner, any);
            }
        }
        if touched.levels {
            self.cohort.fetch_add(1, Ordering::AcqRel);
        }
        if touched.access {
            self.access.fetch_add(1, Ordering::AcqRel);
        }
        if touched.everyone || touched.access || touched.is_unsaid() {
            self.everyone.fetch_add(1, Ordering::AcqRel);
        }
    }

    pub(crate) fn any(&self) -> u64 {
        self.any.load(Ordering::Acquire)
    }

    pub(crate) fn everyone(&self) -> u64 {
        self.everyone.load(Ordering::Acquire)
    }

    pub(crate) fn access(&self) -> u64 {
        self.access.load(Ordering::Acquire)
    }

    pub(crate) fn cohort(&self) -> u64 {
        self.cohort.load(Ordering::Acquire)
    }

    /// The version of the last write that touched the learner's own data (0: none since the
    /// store started).
    pub(crate) fn learner(&self, learner: UserId) -> u64 {
        self.learners
            .lock()
            .expect("learner versions")
            .get(&learner)
            .copied()
            .unwrap_or(0)
    }

    pub(crate) fn page(&self, learner: UserId) -> PageVersion {
        // Read the learner's last: a write moves it before `everyone`'s readers could pair an
        // old learner version with a new shared one.
        let everyone = self.everyone();
        let cohort = self.cohort();
        let learner = self.learner(learner);
        PageVersion {
            everyone,
            learner,
            cohort,
        }
    }
}

/// An audit line waiting for its write's commit.
struct AuditLine {
    institution_id: InstitutionId,
    actor_id: Option<UserId>,
    origin: Option<String>,
    action: String,
    subject_type: String,
    subject_id: Option<String>,
    detail: String,
}

/// Who a write is made by, for its audit lines.
#[derive(Clone)]
struct Acting {
    institution_id: InstitutionId,
    actor_id: UserId,
    origin: Option<String>,
}

/// A write in progress: the transaction (reached as the connection, `&mut *write`), and what
/// it will say when it commits. Dropped without `commit`, it rolls back and says nothing.
pub(crate) struct Write<'s> {
    store: &'s Store,
    tx: Transaction<'static, Any>,
    by: Option<Acting>,
    audit: Vec<AuditLine>,
    events: Vec<LiveEvent>,
    touched: Touched,
}

impl Store {
    /// A write by the system itself (a recompute, an import's rows, a scheduled issue). On
    /// SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), so concurrent writers wait
    /// their turn (busy timeout) instead of failing when a read lock cannot be upgraded.
    pub(crate) async fn write(&self) -> CoreResult<Write<'_>> {
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(Write {
            store: self,
            tx,
            by: None,
            audit: Vec::new(),
            events: Vec::new(),
            touched: Touched::default(),
        })
    }

    /// A write by a person, from where they are (their audit lines say so).
    pub(crate) async fn write_as(&self, by: Actor<'_>) -> CoreResult<Write<'_>> {
        let mut write = self.write().await?;
        write.by = Some(Acting {
            institution_id: by.institution_id,
            actor_id: by.actor_id,
            origin: by.origin.map(str::to_string),
        });
        Ok(write)
    }
}

impl Write<'_> {
    /// An audit line of what the acting person did (`write_as`).
    pub(crate) fn audit(&mut self, action: &str, subject: (&str, Option<String>), detail: String) {
        let by = self
            .by
            .clone()
            .expect("an audited write is made by someone: Store::write_as");
        self.audit.push(AuditLine {
            institution_id: by.institution_id,
            actor_id: Some(by.actor_id),
            origin: by.origin,
            action: action.to_string(),
            subject_type: subject.0.to_string(),
            subject_id: subject.1,
            detail,
        });
    }

    /// An audit line written as it is (a system's action, or one made for someone else).
    pub(crate) fn audit_line(&mut self, line: &Audit<'_>) {
        self.audit.push(AuditLine {
            institution_id: line.institution_id,
            actor_id: line.actor_id,
            origin: line.origin.map(str::to_string),
            action: line.action.to_string(),
            subject_type: line.subject_type.to_string(),
            subject_id: line.subject_id.clone(),
            detail: line.detail.clone(),
        });
    }

    /// A live event sent once the write commits; it touches what it is about.
    pub(crate) fn event(&mut self, event: LiveEvent) {
        self.touched.add(Touched::by(&event));
        self.events.push(event);
    }

    /// The learner's own data changed.
    pub(crate) fn touch_learner(&mut self, learner: UserId) {
        self.touched.learners.insert(learner);
    }

    /// Some learner's level changed, so their cohort's statistics did.
    pub(crate) fn touch_levels(&mut self) {
        self.touched.levels = true;
    }

    /// Something every page may show changed.
    pub(crate) fn touch_everyone(&mut self) {
        self.touched.everyone = true;
    }

    /// Who may see what changed.
    pub(crate) fn touch_access(&mut self) {
        self.touched.access = true;
    }

    /// Nothing any page shows changed (bookkeeping).
    pub(crate) fn touch_no_page(&mut self) {
        self.touched.no_page = true;
    }

    /// Ends the write: audit lines, word to the other instances, the commit, the versions of
    /// what was touched, the live events (see the module's text).
    pub(crate) async fn commit(mut self) -> CoreResult<()> {
        for line in std::mem::take(&mut self.audit) {
            self.store
                .append_audit(
                    &mut self.tx,
                    &Audit {
                        institution_id: line.institution_id,
                        actor_id: line.actor_id,
                        origin: line.origin.as_deref(),
                        action: &line.action,
                        subject_type: &line.subject_type,
                        subject_id: line.subject_id,
                        detail: line.detail,
                    },
                )
                .await?;
        }
        self.store
            .notify_others(&mut self.tx, &self.touched, &self.events)
            .await?;
        self.tx.commit().await?;
        self.store.versions.apply(&self.touched);
        for event in self.events {
            self.store.publish(event);
        }
        Ok(())
    }
}

impl Deref for Write<'_> {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        &self.tx
    }
}

impl DerefMut for Write<'_> {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mark_touches_its_learner_and_the_cohort_only() {
        let versions = Versions::default();
        let (marked, other) = (7, 8);
        let before = (versions.page(marked), versions.page(other));
        versions.apply(&Touched::by(&LiveEvent::Evidence {
            evidence_id: 1,
            learner_id: marked,
            competency_id: 1,
            group_id: None,
            mark: 2.0,
            level: Some(2.0),
            given_by: None,
            recorded_at: String::new(),
            supersedes: None,
        }));
        let after = (versions.page(marked), versions.page(other));
        assert!(
            !before.0.current(&after.0, true),
            "the marked learner's page is stale"
        );
        assert!(
            before.1.current(&after.1, true),
            "another's page may show the cohort late"
        );
        assert!(
            !before.1.current(&after.1, false),
            "but not after the cohort's grace"
        );
    }

    #[test]
    fn a_write_that_says_nothing_touches_everyone() {
        let versions = Versions::default();
        let before = versions.page(3);
        versions.apply(&Touched::default());
        assert!(!before.current(&versions.page(3), true));
    }

    #[test]
    fn settings_touch_everyone_and_access_changes_move_both() {
        let versions = Versions::default();
        let before = versions.page(3);
        let access = versions.access();
        versions.apply(&Touched {
            access: true,
            ..Touched::default()
        });
        assert!(!before.current(&versions.page(3), true));
        assert_eq!(versions.access(), access + 1);
    }
}
