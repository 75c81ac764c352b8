//! The store's side of a OneRoster import: what the institution holds that a package is
//! compared with (`oneroster::Held`), and a plan written in one transaction with its audit line.

use std::collections::HashMap;

use super::audit::Audit;
use super::batch::{self, TableRows};
use super::people_import::ImportedBy;
use super::Store;
use crate::clock;
use crate::error::CoreResult;
use crate::model::{ImportPhase, InstitutionId, OneRosterPreview, UserId};
use crate::oneroster::{
    GroupRef, Held, HeldEnrolment, HeldGroup, HeldPerson, HeldPlace, PersonRef, Place, Plan,
};
use crate::people_import::Tracker;
use crate::row;

/// Rows written per statement batch, between two reports of progress.
const WRITE_CHUNK: usize = 2000;

/// A current membership as held: id, its enrolment's `sourcedId` (none when made in Cairn),
/// group, person, role in the group, and the enrolment's `dateLastModified`.
type MemberRow = (i64, Option<String>, i64, i64, String, Option<String>);

/// A `dateLastModified` as held (RFC 3339).
fn stamp(text: Option<String>) -> Option<jiff::Timestamp> {
    text.and_then(|text| text.parse().ok())
}

/// Ids as a SQL list (`1, 2, 3`): integers only, so written into the statement.
fn id_list(ids: &[i64]) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

type PersonRow = (
    i64,
    Option<String>,
    String,
    String,
    String,
    Option<i64>,
    Option<String>,
    i64,
);
type GroupRow = (
    i64,
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
);
type PlaceRow = (
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    i64,
);

impl Store {
    /// What an institution holds that a OneRoster package is compared with.
    pub async fn oneroster_held(&self, institution_id: InstitutionId) -> CoreResult<Held> {
        let slug: String = sqlx::query_scalar("SELECT slug FROM institutions WHERE id = $1")
            .bind(institution_id)
            .fetch_one(self.pool())
            .await?;
        let mut held = Held {
            slug,
            institution_id,
            ..Held::default()
        };
        let all: Vec<(String, String)> = sqlx::query_as("SELECT LOWER(email), handle FROM users")
            .fetch_all(self.pool())
            .await?;
        for (email, handle) in all {
            held.emails.insert(email);
            held.handles.insert(handle);
        }
        let mut roles: HashMap<UserId, Vec<String>> = HashMap::new();
        let role_rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT ur.user_id, r.key FROM user_roles ur JOIN roles r ON r.id = ur.role_id \
             WHERE r.institution_id = $1",
        )
        .bind(institution_id)
        .fetch_all(self.pool())
        .await?;
        for (user, key) in role_rows {
            roles.entry(user).or_default().push(key);
        }
        let people: Vec<PersonRow> = sqlx::query_as(
            "SELECT id, external_id, name, email, status, year_level, roster_modified, \
                    roster_synced FROM users WHERE institution_id = $1",
        )
        .bind(institution_id)
        .fetch_all(self.pool())
        .await?;
        for (id, external_id, name, email, status, year_level, modified, synced) in people {
            let person = HeldPerson {
                id,
                external_id: external_id.clone(),
                name,
                email: email.clone(),
                active: status == "active",
                year_level,
                modified: stamp(modified),
                synced: synced != 0,
                roles: roles.remove(&id).unwrap_or_default(),
            };
            match external_id {
                Some(external_id) => {
                    held.people.insert(external_id, person);
                }
                None => {
                    held.unlinked.insert(email.to_lowercase(), person);
                }
            }
        }
        let groups: Vec<GroupRow> = sqlx::query_as(
            "SELECT g.id, g.external_id, g.name, g.class_code, g.year_level, t.external_id, \
                    s.external_id, g.archived_at, g.roster_modified, g.roster_synced \
             FROM groups g LEFT JOIN terms t ON t.id = g.term_id \
             LEFT JOIN schools s ON s.id = g.school_id \
             WHERE g.institution_id = $1 AND g.external_id IS NOT NULL",
        )
        .bind(institution_id)
        .fetch_all(self.pool())
        .await?;
        for (
            id,
            external_id,
            name,
            class_code,
            year_level,
            term,
            school,
            archived,
            modified,
            synced,
        ) in groups
        {
            held.groups.insert(
                external_id,
                HeldGroup {
                    id,
                    name,
                    class_code,
                    year_level,
                    term,
                    school,
                    active: archived.is_none(),
                    modified: stamp(modified),
                    synced: synced != 0,
                },
            );
        }
        let members: Vec<MemberRow> = sqlx::query_as(
            "SELECT m.id, m.external_id, m.group_id, m.user_id, m.member_role, \
                        m.roster_modified \
                 FROM group_members m JOIN groups g ON g.id = m.group_id \
                 WHERE g.institution_id = $1 AND m.left_at IS NULL",
        )
        .bind(institution_id)
        .fetch_all(self.pool())
        .await?;
        for (id, external_id, group_id, user_id, role, modified) in members {
            let teacher = role == "teacher";
            match external_id {
                Some(external_id) => {
                    held.enrolments.insert(
                        external_id,
                        HeldEnrolment {
                            id,
                            group_id,
                            user_id,
                            teacher,
                            modified: stamp(modified),
                        },
                    );
                }
                None => {
                    held.memberships.insert((group_id, user_id, teacher), id);
                }
            }
        }
        let links: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT p.parent_id, p.learner_id FROM parent_links p \
             JOIN users u ON u.id = p.learner_id WHERE u.institution_id = $1",
        )
        .bind(institution_id)
        .fetch_all(self.pool())
        .await?;
        held.links = links.into_iter().collect();
        for (table, places) in [("schools", &mut held.schools), ("terms", &mut held.terms)] {
            let (name, dates) = match table {
                "schools" => ("name", "NULL, NULL"),
                _ => ("title", "start_date, end_date"),
            };
            let rows: Vec<PlaceRow> = sqlx::query_as(&format!(
                "SELECT id, external_id, {name}, kind, {dates}, active FROM {table} \
                 WHERE institution_id = $1"
            ))
            .bind(institution_id)
            .fetch_all(self.pool())
            .await?;
            for (id, external_id, name, kind, start, end, active) in rows {
                places.insert(
                    external_id,
                    HeldPlace {
                        id,
                        name,
                        kind,
                        start,
                        end,
                        active: active != 0,
                    },
                );
            }
        }
        held.gradebook = self.gradebook_held(institution_id).await?;
        Ok(held)
    }

    /// Writes a plan, all of it in one transaction with the import's audit line (what it did,
    /// and how many rows were wrong), or — on any failure — nothing.
    pub async fn write_oneroster(
        &self,
        by: &ImportedBy<'_>,
        plan: &Plan,
        preview: &OneRosterPreview,
        tracker: &Tracker,
    ) -> CoreResult<()> {
        let institution_id = by.institution_id;
        let now = clock::now();
        let mut tx = self.write().await?;
        // Schools and terms first: groups point at them.
        for (table, places) in [("schools", &plan.schools), ("terms", &plan.terms)] {
            write_places(&mut tx, institution_id, table, places).await?;
        }
        // Read inside the transaction: the new rows are not yet visible outside it.
        let mut terms: HashMap<String, i64> = HashMap::new();
        let mut schools: HashMap<String, i64> = HashMap::new();
        for (table, map) in [("terms", &mut terms), ("schools", &mut schools)] {
            let rows: Vec<(String, i64)> = sqlx::query_as(&format!(
                "SELECT external_id, id FROM {table} WHERE institution_id = $1"
            ))
            .bind(institution_id)
            .fetch_all(&mut *tx)
            .await?;
            map.extend(rows);
        }

        // People.
        let total = (plan.new_people.len()
            + plan.updated_people.len()
            + plan.new_groups.len()
            + plan.new_enrolments.len()
            + plan.gradebook.grades.len())
        .max(1) as f64;
        let mut done = 0usize;
        let person_ids = self
            .reserve_ids(&mut tx, "users", plan.new_people.len())
            .await?;
        for (chunk, ids) in plan
            .new_people
            .chunks(WRITE_CHUNK)
            .zip(person_ids.chunks(WRITE_CHUNK))
        {
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
                    "roster_modified",
                    "roster_synced",
                    "created_at",
                ],
            );
            for ((person, handle), id) in chunk.iter().zip(ids) {
                users.push(row![
                    *id,
                    institution_id,
                    &person.email,
                    &person.name,
                    handle,
                    if person.active { "active" } else { "disabled" },
                    &person.external_id,
                    person.year_level,
                    person.modified.map(|stamp| stamp.to_string()),
                    1i64,
                    &now
                ]);
            }
            batch::insert(&mut tx, self.backend(), &users).await?;
            done += chunk.len();
            tracker.advance(ImportPhase::Writing, done, done as f64 / total);
        }
        let mut disabled: Vec<i64> = plan.deactivated_people.clone();
        for (id, person) in &plan.updated_people {
            sqlx::query(
                "UPDATE users SET external_id = $1, name = $2, email = $3, status = $4, \
                 year_level = $5, roster_modified = $6, roster_synced = 1 WHERE id = $7",
            )
            .bind(&person.external_id)
            .bind(&person.name)
            .bind(&person.email)
            .bind(if person.active { "active" } else { "disabled" })
            .bind(person.year_level)
            .bind(person.modified.map(|stamp| stamp.to_string()))
            .bind(*id)
            .execute(&mut *tx)
            .await?;
            if !person.active {
                disabled.push(*id);
            }
            done += 1;
            if done.is_multiple_of(WRITE_CHUNK) {
                tracker.advance(ImportPhase::Writing, done, done as f64 / total);
            }
        }
        for ids in disabled.chunks(WRITE_CHUNK) {
            let list = id_list(ids);
            sqlx::query(&format!(
                "UPDATE users SET status = 'disabled' WHERE id IN ({list})"
            ))
            .execute(&mut *tx)
            .await?;
            // Signed out at once, as when an administrator disables someone.
            sqlx::query(&format!("DELETE FROM sessions WHERE user_id IN ({list})"))
                .execute(&mut *tx)
                .await?;
        }
        let person = |reference: &PersonRef| match reference {
            PersonRef::Held(id) => *id,
            PersonRef::New(index) => person_ids[*index],
        };
        let role_ids: HashMap<String, i64> = sqlx::query_as::<_, (String, i64)>(
            "SELECT key, id FROM roles WHERE institution_id = $1",
        )
        .bind(institution_id)
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .collect();
        let mut roles = TableRows::new("user_roles", &["user_id", "role_id"]);
        for (reference, key) in &plan.roles {
            let role = role_ids.get(*key).copied().ok_or_else(|| {
                crate::CoreError::Conflict(format!("the institution has no {key} role"))
            })?;
            roles.push(row![person(reference), role]);
        }
        batch::insert(&mut tx, self.backend(), &roles).await?;

        // Groups.
        let group_ids = self
            .reserve_ids(&mut tx, "groups", plan.new_groups.len())
            .await?;
        let mut groups = TableRows::new(
            "groups",
            &[
                "id",
                "institution_id",
                "name",
                "year_level",
                "external_id",
                "class_code",
                "term_id",
                "school_id",
                "roster_modified",
                "roster_synced",
                "created_at",
            ],
        );
        for (group, id) in plan.new_groups.iter().zip(&group_ids) {
            groups.push(row![
                *id,
                institution_id,
                &group.name,
                group.year_level,
                &group.external_id,
                group.class_code.clone(),
                group
                    .term
                    .as_ref()
                    .and_then(|term| terms.get(term).copied()),
                group
                    .school
                    .as_ref()
                    .and_then(|school| schools.get(school).copied()),
                group.modified.map(|stamp| stamp.to_string()),
                1i64,
                &now
            ]);
        }
        batch::insert(&mut tx, self.backend(), &groups).await?;
        done += plan.new_groups.len();
        tracker.advance(ImportPhase::Writing, done, done as f64 / total);
        for (id, group) in &plan.updated_groups {
            sqlx::query(
                "UPDATE groups SET name = $1, year_level = $2, class_code = $3, term_id = $4, \
                 school_id = $5, roster_modified = $6, roster_synced = 1, archived_at = NULL \
                 WHERE id = $7",
            )
            .bind(&group.name)
            .bind(group.year_level)
            .bind(&group.class_code)
            .bind(
                group
                    .term
                    .as_ref()
                    .and_then(|term| terms.get(term).copied()),
            )
            .bind(
                group
                    .school
                    .as_ref()
                    .and_then(|school| schools.get(school).copied()),
            )
            .bind(group.modified.map(|stamp| stamp.to_string()))
            .bind(*id)
            .execute(&mut *tx)
            .await?;
        }
        for ids in plan.archived_groups.chunks(WRITE_CHUNK) {
            sqlx::query(&format!(
                "UPDATE groups SET archived_at = $1 WHERE id IN ({}) AND archived_at IS NULL",
                id_list(ids)
            ))
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        let group = |reference: &GroupRef| match reference {
            GroupRef::Held(id) => *id,
            GroupRef::New(index) => group_ids[*index],
        };

        // Enrolments: those that ended first, so a move's new membership follows the old.
        for ids in plan.ended_enrolments.chunks(WRITE_CHUNK) {
            sqlx::query(&format!(
                "UPDATE group_members SET left_at = $1 WHERE id IN ({}) AND left_at IS NULL",
                id_list(ids)
            ))
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        for (row, external_id) in &plan.adopted_enrolments {
            sqlx::query("UPDATE group_members SET external_id = $1 WHERE id = $2")
                .bind(external_id)
                .bind(*row)
                .execute(&mut *tx)
                .await?;
        }
        for chunk in plan.new_enrolments.chunks(WRITE_CHUNK) {
            let mut members = TableRows::new(
                "group_members",
                &[
                    "group_id",
                    "user_id",
                    "member_role",
                    "joined_at",
                    "external_id",
                    "roster_modified",
                ],
            );
            for enrolment in chunk {
                members.push(row![
                    group(&enrolment.group),
                    person(&enrolment.person),
                    if enrolment.teacher {
                        "teacher"
                    } else {
                        "learner"
                    },
                    &now,
                    &enrolment.external_id,
                    enrolment.modified.map(|stamp| stamp.to_string())
                ]);
            }
            batch::insert(&mut tx, self.backend(), &members).await?;
            done += chunk.len();
            tracker.advance(ImportPhase::Writing, done, done as f64 / total);
        }
        let mut links = TableRows::new("parent_links", &["parent_id", "learner_id", "created_at"]);
        for (parent, learner) in &plan.links {
            links.push(row![person(parent), person(learner), &now]);
        }
        batch::insert(&mut tx, self.backend(), &links).await?;

        // The gradebook's results, as evidence of the people just written.
        let graded = self
            .write_grades(
                &mut tx,
                institution_id,
                &plan.gradebook.grades,
                |grade| person(&grade.learner),
                &now,
            )
            .await?;
        done += plan.gradebook.grades.len();
        tracker.advance(ImportPhase::Writing, done, done as f64 / total);

        tx.audit_line(&Audit {
            institution_id,
            actor_id: by.actor_id,
            origin: by.origin,
            action: "import oneroster",
            subject_type: "file",
            subject_id: None,
            detail: oneroster_detail(
                by.file_name,
                &OneRosterPreview {
                    written: true,
                    ..preview.clone()
                },
            ),
        });
        tx.touch_access();
        tx.commit().await?;
        // An achievement whose criteria the results completed is certified at once, as after a
        // mark; anything missed here is issued at the next start.
        for learner in graded {
            if let Err(error) = self.issue_due_credentials(learner).await {
                tracing::warn!(%error, learner, "automatic credential issuance failed");
            }
        }
        Ok(())
    }
}

impl Store {
    /// The audit line of a run that wrote nothing (rows were wrong, or nothing changed).
    pub async fn note_oneroster_run(
        &self,
        by: &ImportedBy<'_>,
        preview: &OneRosterPreview,
    ) -> CoreResult<()> {
        let mut tx = self.write().await?;
        tx.audit_line(&Audit {
            institution_id: by.institution_id,
            actor_id: by.actor_id,
            origin: by.origin,
            action: "import oneroster",
            subject_type: "file",
            subject_id: None,
            detail: oneroster_detail(by.file_name, preview),
        });
        tx.touch_no_page();
        tx.commit().await
    }
}

/// The audit line of a roster import: the file, and what it did.
pub fn oneroster_detail(file_name: &str, preview: &OneRosterPreview) -> String {
    let changes = |label: &str, changes: &crate::model::OneRosterChanges| {
        format!(
            "{label} +{} ~{} −{}",
            changes.create, changes.update, changes.deactivate
        )
    };
    let outcome = if preview.written {
        ""
    } else if preview.error_count > 0 {
        "nothing written, "
    } else {
        "nothing to change, "
    };
    let results = preview
        .gradebook
        .as_ref()
        .map(|gradebook| {
            format!(
                ", results +{} ~{} ({} unmapped)",
                gradebook.evidence,
                gradebook.corrections,
                gradebook
                    .unmapped
                    .iter()
                    .map(|item| item.results)
                    .sum::<usize>()
            )
        })
        .unwrap_or_default();
    format!(
        "{file_name} (OneRoster {}): {outcome}{}, {}, {}, {} parent links{results}, {} rows with \
         errors",
        preview.version,
        changes("people", &preview.people),
        changes("groups", &preview.groups),
        changes("enrolments", &preview.enrolments),
        preview.parent_links,
        preview.error_count
    )
}

/// Creates or updates an institution's schools or terms.
async fn write_places(
    tx: &mut super::write::Write<'_>,
    institution_id: InstitutionId,
    table: &str,
    places: &[(Option<i64>, Place)],
) -> CoreResult<()> {
    for (id, place) in places {
        let query = match (id, table) {
            (Some(id), "schools") => {
                sqlx::query("UPDATE schools SET name = $1, kind = $2, active = $3 WHERE id = $4")
                    .bind(&place.name)
                    .bind(&place.kind)
                    .bind(i64::from(place.active))
                    .bind(*id)
            }
            (None, "schools") => sqlx::query(
                "INSERT INTO schools (institution_id, external_id, name, kind, active) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(institution_id)
            .bind(&place.external_id)
            .bind(&place.name)
            .bind(&place.kind)
            .bind(i64::from(place.active)),
            (Some(id), _) => sqlx::query(
                "UPDATE terms SET title = $1, kind = $2, active = $3, start_date = $4, \
                 end_date = $5 WHERE id = $6",
            )
            .bind(&place.name)
            .bind(&place.kind)
            .bind(i64::from(place.active))
            .bind(place.start.clone())
            .bind(place.end.clone())
            .bind(*id),
            (None, _) => sqlx::query(
                "INSERT INTO terms (institution_id, external_id, title, kind, active, \
                 start_date, end_date) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(institution_id)
            .bind(&place.external_id)
            .bind(&place.name)
            .bind(&place.kind)
            .bind(i64::from(place.active))
            .bind(place.start.clone())
            .bind(place.end.clone()),
        };
        query.execute(&mut **tx).await?;
    }
    Ok(())
}
