//! The audit log: append-only lines of who did what, when and from where. Written in the same
//! transaction as the change it records, so a change and its line exist together or not at all.

use sqlx::Any;

use super::Store;
use crate::clock;
use crate::error::CoreResult;
use crate::model::{AuditEntry, AuditFilter, AuditLog, InstitutionId, UserId};

/// What an audit line says about one action.
#[derive(Clone, Debug, PartialEq)]
pub struct Audit<'a> {
    pub institution_id: InstitutionId,
    pub actor_id: Option<UserId>,
    pub origin: Option<&'a str>,
    pub action: &'a str,
    pub subject_type: &'a str,
    pub subject_id: Option<String>,
    pub detail: String,
}

/// Who acts for an institution, and from where: for the audit line of what they change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Actor<'a> {
    pub institution_id: InstitutionId,
    pub actor_id: UserId,
    pub origin: Option<&'a str>,
}

/// `id, at, actor, action, subject_type, subject_id, detail, origin`, and the subject's name
/// when it is a person or a group.
type AuditRow = (
    i64,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
);

/// How many lines the page shows at most.
pub const AUDIT_PAGE: usize = 500;

impl Store {
    /// Ends an administrator's change made in `tx` (their `Store::write_as`): its audit line,
    /// the commit, and word to the pages it changed (all of them).
    pub(super) async fn commit_action(
        &self,
        mut tx: super::write::Write<'_>,
        action: &str,
        subject: (&str, Option<String>),
        detail: String,
    ) -> CoreResult<()> {
        tx.audit(action, subject, detail);
        tx.touch_everyone();
        tx.commit().await
    }

    /// Appends a line, in the caller's transaction.
    pub(super) async fn append_audit(
        &self,
        tx: &mut sqlx::Transaction<'static, Any>,
        audit: &Audit<'_>,
    ) -> CoreResult<()> {
        sqlx::query(
            "INSERT INTO audit_log (institution_id, actor_id, action, subject_type, subject_id, \
               detail, origin, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(audit.institution_id)
        .bind(audit.actor_id)
        .bind(audit.action)
        .bind(audit.subject_type)
        .bind(audit.subject_id.clone())
        .bind(&audit.detail)
        .bind(audit.origin)
        .bind(clock::now())
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Appends a line on its own (for reads, which change nothing else).
    pub async fn record_audit(&self, audit: &Audit<'_>) -> CoreResult<()> {
        let mut tx = self.write().await?;
        tx.audit_line(audit);
        tx.touch_no_page();
        tx.commit().await
    }

    /// The newest lines of an institution's log that match the filter.
    pub async fn audit_log(
        &self,
        institution_id: InstitutionId,
        filter: &AuditFilter,
    ) -> CoreResult<AuditLog> {
        let actor = format!("%{}%", filter.actor.trim().to_lowercase());
        let since = filter.since.trim();
        let rows: Vec<AuditRow> =
            sqlx::query_as(
                "SELECT a.id, a.at, u.name, a.action, a.subject_type, a.subject_id, a.detail, a.origin, \
                   COALESCE(s.name, g.name) \
                 FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id \
                 LEFT JOIN users s ON s.id = CASE WHEN a.subject_type IN ('person', 'user', 'learner') \
                   THEN CAST(a.subject_id AS INTEGER) END \
                 LEFT JOIN groups g ON g.id = CASE WHEN a.subject_type = 'group' \
                   THEN CAST(a.subject_id AS INTEGER) END \
                 WHERE a.institution_id = $1 \
                   AND ($2 = '%%' OR LOWER(COALESCE(u.name, '')) LIKE $2 \
                        OR LOWER(COALESCE(u.email, '')) LIKE $2) \
                   AND ($3 = '' OR a.action = $3) \
                   AND ($4 = '' OR a.at >= $4) \
                 ORDER BY a.at DESC, a.id DESC LIMIT $5",
            )
            .bind(institution_id)
            .bind(&actor)
            .bind(filter.action.trim())
            .bind(since)
            .bind(AUDIT_PAGE as i64)
            .fetch_all(self.pool())
            .await?;
        let actions: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT action FROM audit_log WHERE institution_id = $1 ORDER BY action",
        )
        .bind(institution_id)
        .fetch_all(self.pool())
        .await?;
        Ok(AuditLog {
            entries: rows
                .into_iter()
                .map(
                    |(id, at, actor, action, subject_type, subject_id, detail, origin, named)| {
                        AuditEntry {
                            id,
                            at,
                            actor,
                            action,
                            // A person or group by name; anything else by kind and number.
                            subject: match (named, subject_id) {
                                (Some(name), _) => name,
                                (None, Some(id)) => format!("{subject_type} {id}"),
                                (None, None) => subject_type,
                            },
                            detail,
                            origin,
                        }
                    },
                )
                .collect(),
            actions,
            limit: AUDIT_PAGE,
        })
    }
}

/// Reads of learners' records by staff already written to the audit log, so that a page, its
/// reloads and the server functions behind it leave one line per person, learner and window
/// (a quarter of an hour), whichever way each read was served.
#[derive(Debug)]
pub struct StaffReads {
    seen: std::sync::Mutex<std::collections::HashMap<(UserId, UserId), std::time::Instant>>,
    window: std::sync::RwLock<std::time::Duration>,
}

/// How long one audit line covers a person's repeated reads of the same learner's record.
pub const READ_WINDOW: std::time::Duration = std::time::Duration::from_secs(15 * 60);

impl Default for StaffReads {
    fn default() -> Self {
        StaffReads {
            seen: Default::default(),
            window: std::sync::RwLock::new(READ_WINDOW),
        }
    }
}

impl StaffReads {
    /// Whether this read needs a line: not within the window of the last one.
    fn first_in_window(&self, viewer: UserId, learner: UserId) -> bool {
        let window = *self.window.read().unwrap_or_else(|p| p.into_inner());
        let now = std::time::Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.len() > 100_000 {
            seen.retain(|_, at| now.duration_since(*at) < window);
        }
        match seen.get(&(viewer, learner)) {
            Some(at) if now.duration_since(*at) < window => false,
            _ => {
                seen.insert((viewer, learner), now);
                true
            }
        }
    }
}

impl Store {
    /// How long one audit line covers repeated reads (a quarter of an hour unless changed;
    /// tests shorten it).
    pub fn set_read_audit_window(&self, window: std::time::Duration) {
        *self.reads.window.write().unwrap_or_else(|p| p.into_inner()) = window;
    }

    /// Notes a read of a learner's record the policy has just allowed (`what`: the page,
    /// route or part of the record): staff — teachers, managers, administrators, custom
    /// roles — leave one audit line per learner and window, written in the background; the
    /// learner and their parents leave none.
    pub fn note_learner_read(
        &self,
        viewer: &crate::model::Viewer,
        relations: &crate::policy::LearnerRelations,
        what: &str,
    ) {
        let family = relations.parent_ids.contains(&viewer.id);
        self.note_read(viewer, relations.learner_id, Some(family), what);
    }

    /// Notes a read of a learner's page served from memory: the policy allowed this viewer
    /// this page at the current data version, so only whether they are family is looked up,
    /// and only when a line is due.
    pub fn note_kept_read(&self, viewer: &crate::model::Viewer, learner_id: UserId, what: &str) {
        self.note_read(viewer, learner_id, None, what);
    }

    fn note_read(
        &self,
        viewer: &crate::model::Viewer,
        learner_id: UserId,
        family: Option<bool>,
        what: &str,
    ) {
        if viewer.id == learner_id
            || family == Some(true)
            || !self.reads.first_in_window(viewer.id, learner_id)
        {
            return;
        }
        let (store, viewer, what) = (self.clone(), viewer.clone(), what.to_owned());
        tokio::spawn(async move {
            let family = match family {
                Some(family) => Ok(family),
                None => store
                    .learner_relations(learner_id)
                    .await
                    .map(|relations| relations.is_some_and(|r| r.parent_ids.contains(&viewer.id))),
            };
            let written = match family {
                Ok(true) => Ok(()),
                Ok(false) => store.write_learner_read(&viewer, learner_id, &what).await,
                Err(error) => Err(error),
            };
            if let Err(error) = written {
                tracing::error!(%error, "a read of a learner's record was not audited");
            }
        });
    }

    /// The audit line of a staff member's read of a learner's record.
    async fn write_learner_read(
        &self,
        viewer: &crate::model::Viewer,
        learner_id: UserId,
        what: &str,
    ) -> CoreResult<()> {
        let origin = viewer.origin.as_deref();
        let mut tx = self.write().await?;
        let learner: Option<String> = sqlx::query_scalar("SELECT name FROM users WHERE id = $1")
            .bind(learner_id)
            .fetch_optional(&mut *tx)
            .await?;
        tx.audit_line(&Audit {
            institution_id: viewer.institution_id,
            actor_id: Some(viewer.id),
            origin,
            action: "read learner record",
            subject_type: "learner",
            subject_id: Some(learner_id.to_string()),
            detail: format!("{}: {what}", learner.unwrap_or_default()),
        });
        // A read: nothing a page shows changed.
        tx.touch_no_page();
        tx.commit().await
    }
}
