//! The store's side of importing people: the facts rows are checked against, and the accepted
//! rows written in one transaction with their roles, groups, parent links and audit line.

use std::collections::HashMap;

use super::audit::{Actor, Audit};
use super::batch::{self, TableRows};
use super::{Backend, Store};
use crate::clock;
use crate::error::CoreResult;
use crate::model::{ImportPhase, InstitutionId, UserId};
use crate::people_import::{Known, LearnerLink, PersonRow, Tracker};
use crate::row;

/// Rows written per statement batch, between two reports of progress.
const WRITE_CHUNK: usize = 2000;

/// Who imports, from where, and which file: for the audit line.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedBy<'a> {
    pub institution_id: InstitutionId,
    pub actor_id: Option<UserId>,
    pub origin: Option<&'a str>,
    pub file_name: &'a str,
    /// Rows of the file rejected (reported, not written).
    pub rejected: usize,
}

impl Store {
    /// What an institution holds that imported rows are checked against.
    pub async fn import_facts(&self, institution_id: InstitutionId) -> CoreResult<Known> {
        let mut known = Known::default();
        let people: Vec<(String, String)> =
            sqlx::query_as("SELECT LOWER(email), handle FROM users")
                .fetch_all(self.pool())
                .await?;
        for (email, handle) in people {
            known.emails.insert(email);
            known.handles.insert(handle);
        }
        let learners: Vec<(i64, String)> = sqlx::query_as(
            "SELECT u.id, LOWER(u.email) FROM users u \
             JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id \
             WHERE u.institution_id = $1 AND r.key = 'learner'",
        )
        .bind(institution_id)
        .fetch_all(self.pool())
        .await?;
        known.learners = learners
            .into_iter()
            .map(|(id, email)| (email, id))
            .collect();
        let groups: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, name FROM groups WHERE institution_id = $1 AND archived_at IS NULL",
        )
        .bind(institution_id)
        .fetch_all(self.pool())
        .await?;
        known.groups = groups
            .into_iter()
            .map(|(id, name)| (name.trim().to_lowercase(), id))
            .collect();
        let roles: Vec<(i64, String, String)> =
            sqlx::query_as("SELECT id, key, name FROM roles WHERE institution_id = $1")
                .bind(institution_id)
                .fetch_all(self.pool())
                .await?;
        for (id, key, name) in roles {
            known.roles.insert(name.to_lowercase(), (id, key.clone()));
            known.roles.insert(key.to_lowercase(), (id, key));
        }
        Ok(known)
    }

    /// `count` new ids for `table`, inside a write transaction: on SQLite the write lock is
    /// held, so the ids after the largest are free; on PostgreSQL they come from the table's
    /// sequence.
    pub(super) async fn reserve_ids(
        &self,
        tx: &mut super::write::Write<'_>,
        table: &str,
        count: usize,
    ) -> CoreResult<Vec<i64>> {
        Ok(match self.backend() {
            Backend::Sqlite => {
                let max: i64 =
                    sqlx::query_scalar(&format!("SELECT COALESCE(MAX(id), 0) FROM {table}"))
                        .fetch_one(&mut **tx)
                        .await?;
                (1..=count as i64).map(|n| max + n).collect()
            }
            Backend::Postgres => {
                sqlx::query_scalar(&format!(
                    "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) \
                     FROM generate_series(1, $1)"
                ))
                .bind(count as i64)
                .fetch_all(&mut **tx)
                .await?
            }
        })
    }

    /// Writes the accepted rows, all in one transaction with the import's audit line: every
    /// person with their role, groups and parent links, or — on any failure — nobody.
    pub async fn write_people(
        &self,
        by: &ImportedBy<'_>,
        rows: &[PersonRow],
        tracker: &Tracker,
    ) -> CoreResult<usize> {
        let mut tx = self.write().await?;
        let written = self
            .insert_people(&mut tx, by.institution_id, rows, tracker)
            .await?
            .len();
        tx.audit_line(&Audit {
            institution_id: by.institution_id,
            actor_id: by.actor_id,
            origin: by.origin,
            action: "import people",
            subject_type: "file",
            subject_id: None,
            detail: format!(
                "{}: {written} people imported, {} rows rejected",
                by.file_name, by.rejected
            ),
        });
        tx.touch_access();
        tx.commit().await?;
        Ok(written)
    }

    /// Adds one person an administrator entered in the form (checked as an imported row is),
    /// with its audit line.
    pub async fn add_person(&self, by: Actor<'_>, row: &PersonRow) -> CoreResult<UserId> {
        let mut tx = self.write_as(by).await?;
        let ids = self
            .insert_people(
                &mut tx,
                by.institution_id,
                std::slice::from_ref(row),
                &Tracker::new(0, ""),
            )
            .await?;
        let id = ids[0];
        tx.audit(
            "create person",
            ("user", Some(id.to_string())),
            format!("{} <{}> as {}", row.name, row.email, row.role_key),
        );
        tx.touch_access();
        tx.commit().await?;
        Ok(id)
    }

    /// Inserts the rows' people with their roles, groups and parent links, in the caller's
    /// transaction; their ids.
    async fn insert_people(
        &self,
        tx: &mut super::write::Write<'_>,
        institution_id: InstitutionId,
        rows: &[PersonRow],
        tracker: &Tracker,
    ) -> CoreResult<Vec<i64>> {
        let now = clock::now();
        let ids = self.reserve_ids(tx, "users", rows.len()).await?;
        let id_of: HashMap<&str, i64> = rows
            .iter()
            .zip(&ids)
            .map(|(row, id)| (row.email.as_str(), *id))
            .collect();
        let mut written = 0;
        for (chunk, chunk_ids) in rows.chunks(WRITE_CHUNK).zip(ids.chunks(WRITE_CHUNK)) {
            let mut users = TableRows::new(
                "users",
                &[
                    "id",
                    "institution_id",
                    "email",
                    "name",
                    "handle",
                    "status",
                    "external_id",
                    "year_level",
                    "created_at",
                ],
            );
            let mut roles = TableRows::new("user_roles", &["user_id", "role_id"]);
            let mut members = TableRows::new(
                "group_members",
                &["group_id", "user_id", "member_role", "joined_at"],
            );
            let mut parents =
                TableRows::new("parent_links", &["parent_id", "learner_id", "created_at"]);
            for (row, id) in chunk.iter().zip(chunk_ids) {
                users.push(row![
                    *id,
                    institution_id,
                    &row.email,
                    &row.name,
                    &row.handle,
                    "active",
                    row.external_id.clone(),
                    row.year_level,
                    &now
                ]);
                roles.push(row![*id, row.role_id]);
                for group in &row.groups {
                    members.push(row![*group, *id, row.role_key.as_str(), &now]);
                }
                for child in &row.children {
                    let learner = match child {
                        LearnerLink::Existing(learner) => *learner,
                        LearnerLink::InFile(email) => id_of[email.as_str()],
                    };
                    parents.push(row![*id, learner, &now]);
                }
            }
            for table in [&users, &roles, &members, &parents] {
                batch::insert(tx, self.backend(), table).await?;
            }
            written += chunk.len();
            tracker.advance(
                ImportPhase::Writing,
                written,
                written as f64 / rows.len().max(1) as f64,
            );
        }
        Ok(ids)
    }
}
