//! Attendance records from the feed, and the reads the attendance module shows: a learner's
//! records over a term, a teacher's groups, the feed's status.
//!
//! A delivery (a push, a CSV file) is written in one transaction: each record is found by its
//! `sourcedId`, else by its learner, day and session (a register has one status per session),
//! and created, changed or left as it is; the delivery's run — what it did and the first
//! records it refused — is kept with it for the feed's status.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use jiff::civil::Date;

use super::accounts::normalize_email;
use super::audit::Audit;
use super::batch::{self, TableRows};
use super::kept::Shows;
use super::write::Write;
use super::Store;
use crate::attendance::{Read, Record, Stored};
use crate::clock;
use crate::error::{CoreError, CoreResult};
use crate::model::{
    AttendanceConcern, AttendanceError, AttendanceFeed, AttendancePeriod, AttendanceRun,
    AttendanceStatus, AttendanceTally, GroupAttendance, GroupId, InstitutionId, LearnerAttendance,
    LiveEvent, UserId, ATTENDANCE_CONCERN, ATTENDANCE_ERRORS_KEPT,
};
use crate::row;

/// Learners one delivery tells open pages about one by one; past this, one event for all.
const EVENTS_EACH_UP_TO: usize = 200;
/// Values per `IN (…)` list.
const CHUNK: usize = 300;
/// Runs the feed's status lists.
const RUNS_SHOWN: i64 = 10;

/// Who sends a delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sender<'a> {
    /// A system with an integration token.
    Push,
    /// Someone importing a file (an audit line says so): an administrator on the page, or
    /// whoever runs the command line.
    Import {
        actor_id: Option<UserId>,
        origin: Option<&'a str>,
    },
}

/// Where records come from, and how they are written.
pub struct Delivery<'a> {
    pub institution_id: InstitutionId,
    /// The token's name, or the file's.
    pub source: String,
    pub sender: Sender<'a>,
    /// Write the valid records when some are wrong (a push always does); otherwise nothing.
    pub valid_only: bool,
    /// Check and count only.
    pub dry_run: bool,
}

/// What became of one record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Created(i64),
    Updated(i64),
    Unchanged(i64),
    Rejected(Vec<AttendanceError>),
}

/// A stored record, as a delivery compares with it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Held {
    id: i64,
    learner_id: UserId,
    day: String,
    session: String,
    status: String,
    group_id: Option<GroupId>,
    note: Option<String>,
    source_ref: Option<String>,
}

type HeldRow = (
    i64,
    i64,
    String,
    String,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
);

fn held((id, learner_id, day, session, status, group_id, note, source_ref): HeldRow) -> Held {
    Held {
        id,
        learner_id,
        day,
        session,
        status,
        group_id,
        note,
        source_ref,
    }
}

const HELD: &str = "SELECT id, learner_id, day, session, status, group_id, note, source_ref \
                    FROM attendance";

const RUNS: &str = "SELECT id, source, from_file, received_at, records, created, updated, \
                    unchanged, rejected, errors FROM attendance_runs";

type RunRow = (i64, String, i64, String, i64, i64, i64, i64, i64, String);

fn run(
    (id, source, from_file, received_at, records, created, updated, unchanged, rejected, errors): RunRow,
) -> AttendanceRun {
    AttendanceRun {
        id: Some(id),
        source,
        from_file: from_file != 0,
        received_at,
        records: records as usize,
        created: created as usize,
        updated: updated as usize,
        unchanged: unchanged as usize,
        rejected: rejected as usize,
        errors: serde_json::from_str(&errors).unwrap_or_default(),
        written: created + updated > 0,
    }
}

/// `$from, $from+1, …` for `count` values.
fn placeholders(from: usize, count: usize) -> String {
    (from..from + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The write a record makes, once decided.
enum Change {
    Create {
        at: usize,
        learner_id: UserId,
        group_id: Option<GroupId>,
    },
    Update {
        at: usize,
        id: i64,
        learner_id: UserId,
        group_id: Option<GroupId>,
    },
}

impl Store {
    /// The institution's terms, `(title, start, end)`, with their dates (kept: every
    /// dashboard render asks).
    pub async fn attendance_terms(
        &self,
        institution_id: InstitutionId,
    ) -> CoreResult<Vec<(String, String, String)>> {
        let kept = self.kept(
            |kept| &kept.terms,
            super::kept::Shows::Shared,
            institution_id,
            self.read_terms(institution_id),
        );
        Ok(kept.await?.as_ref().clone())
    }

    async fn read_terms(
        &self,
        institution_id: InstitutionId,
    ) -> CoreResult<Vec<(String, String, String)>> {
        Ok(sqlx::query_as(
            "SELECT title, start_date, end_date FROM terms WHERE institution_id = $1 \
             AND active = 1 AND start_date IS NOT NULL AND end_date IS NOT NULL",
        )
        .bind(institution_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// A learner's attendance over `period` as their dashboard shows it, counted from their
    /// records and kept until a write touches the learner (`today` is the key: the period and
    /// "this week" follow from it and the institution's terms, which are shared).
    pub async fn learner_attendance(
        &self,
        learner_id: UserId,
        period: AttendancePeriod,
        today: Date,
    ) -> CoreResult<Arc<LearnerAttendance>> {
        let read = async {
            let records = self
                .learner_attendance_records(learner_id, &period.start, &period.end)
                .await?;
            Ok(crate::attendance::summarize(
                learner_id, period, today, &records,
            ))
        };
        self.kept(
            |kept| &kept.attendance,
            Shows::Learner(learner_id),
            (learner_id, today),
            read,
        )
        .await
    }

    /// A learner's records from `start` to `end` (days, inclusive), oldest first.
    pub async fn learner_attendance_records(
        &self,
        learner_id: UserId,
        start: &str,
        end: &str,
    ) -> CoreResult<Vec<Stored>> {
        // Day, session, status, group, note.
        type Row = (String, String, String, Option<String>, Option<String>);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT a.day, a.session, a.status, g.name, a.note FROM attendance a \
             LEFT JOIN groups g ON g.id = a.group_id \
             WHERE a.learner_id = $1 AND a.day >= $2 AND a.day <= $3 ORDER BY a.day, a.session",
        )
        .bind(learner_id)
        .bind(start)
        .bind(end)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(day, session, status, group, note)| {
                Some((day, session, AttendanceStatus::parse(&status)?, group, note))
            })
            .collect())
    }

    /// Each group's attendance over `period`, from its learners' records, with the learners
    /// under `ATTENDANCE_CONCERN`, lowest first.
    pub async fn group_attendance(
        &self,
        groups: &[GroupId],
        period: &AttendancePeriod,
    ) -> CoreResult<Vec<GroupAttendance>> {
        let mut rows: Vec<(i64, i64, String, String, i64)> = Vec::new();
        for chunk in groups.chunks(CHUNK) {
            let sql = format!(
                "SELECT m.group_id, a.learner_id, u.name, a.status, COUNT(*) \
                 FROM group_members m JOIN attendance a ON a.learner_id = m.user_id \
                 JOIN users u ON u.id = m.user_id \
                 WHERE m.group_id IN ({}) AND m.member_role = 'learner' AND m.left_at IS NULL \
                   AND a.day >= $1 AND a.day <= $2 \
                 GROUP BY m.group_id, a.learner_id, u.name, a.status",
                placeholders(3, chunk.len())
            );
            let mut query = sqlx::query_as::<_, (i64, i64, String, String, i64)>(&sql)
                .bind(&period.start)
                .bind(&period.end);
            for group in chunk {
                query = query.bind(*group);
            }
            rows.extend(query.fetch_all(self.pool()).await?);
        }
        let mut learners: BTreeMap<(GroupId, UserId), (String, AttendanceTally)> = BTreeMap::new();
        for (group, learner, name, status, count) in rows {
            let Some(status) = AttendanceStatus::parse(&status) else {
                continue;
            };
            let tally = &mut learners
                .entry((group, learner))
                .or_insert((name, Default::default()))
                .1;
            for _ in 0..count {
                tally.add(status);
            }
        }
        Ok(groups
            .iter()
            .map(|group| {
                let mut tally = AttendanceTally::default();
                let mut below = Vec::new();
                for ((_, learner_id), (name, learner)) in
                    learners.range((*group, UserId::MIN)..=(*group, UserId::MAX))
                {
                    tally.merge(learner);
                    if let Some(rate) = learner.rate().filter(|rate| *rate < ATTENDANCE_CONCERN) {
                        below.push(AttendanceConcern {
                            learner_id: *learner_id,
                            name: name.clone(),
                            rate,
                            tally: *learner,
                        });
                    }
                }
                below.sort_by(|a, b| a.rate.total_cmp(&b.rate).then(a.name.cmp(&b.name)));
                GroupAttendance {
                    group_id: *group,
                    period: period.clone(),
                    tally,
                    below,
                }
            })
            .collect())
    }

    /// The feed as an administrator watches it: the newest delivery with records in it (or,
    /// before any, the newest record), what the last day brought and refused, the latest runs.
    pub async fn attendance_feed(
        &self,
        institution_id: InstitutionId,
    ) -> CoreResult<AttendanceFeed> {
        let since = clock::format(time::OffsetDateTime::now_utc() - time::Duration::hours(24));
        let last: Option<(String, String)> = sqlx::query_as(
            "SELECT received_at, source FROM attendance_runs \
             WHERE institution_id = $1 AND records > rejected ORDER BY received_at DESC, id DESC \
             LIMIT 1",
        )
        .bind(institution_id)
        .fetch_optional(self.pool())
        .await?;
        let last = match last {
            Some(last) => Some(last),
            None => {
                sqlx::query_as(
                    "SELECT recorded_at, source FROM attendance WHERE institution_id = $1 \
                 ORDER BY recorded_at DESC LIMIT 1",
                )
                .bind(institution_id)
                .fetch_optional(self.pool())
                .await?
            }
        };
        let (records_last_day, rejected_last_day): (Option<i64>, Option<i64>) = sqlx::query_as(
            "SELECT CAST(SUM(created + updated) AS BIGINT), CAST(SUM(rejected) AS BIGINT) \
             FROM attendance_runs \
             WHERE institution_id = $1 AND received_at >= $2",
        )
        .bind(institution_id)
        .bind(&since)
        .fetch_one(self.pool())
        .await?;
        let runs: Vec<RunRow> = sqlx::query_as(&format!(
            "{RUNS} WHERE institution_id = $1 ORDER BY received_at DESC, id DESC LIMIT $2"
        ))
        .bind(institution_id)
        .bind(RUNS_SHOWN)
        .fetch_all(self.pool())
        .await?;
        let (last_received, last_source) = last.unzip();
        Ok(AttendanceFeed {
            last_received,
            last_source,
            records_last_day: records_last_day.unwrap_or(0),
            rejected_last_day: rejected_last_day.unwrap_or(0),
            runs: runs.into_iter().map(run).collect(),
        })
    }

    /// One delivery of the institution's feed.
    pub async fn attendance_run(
        &self,
        institution_id: InstitutionId,
        id: i64,
    ) -> CoreResult<Option<AttendanceRun>> {
        let row: Option<RunRow> =
            sqlx::query_as(&format!("{RUNS} WHERE institution_id = $1 AND id = $2"))
                .bind(institution_id)
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        Ok(row.map(run))
    }

    /// Writes a delivery's records (see the module): what it did, and each record's outcome in
    /// the order read. Two deliveries of the same new record at once: the second, finding it
    /// written when it inserts, is decided again.
    pub async fn record_attendance(
        &self,
        delivery: &Delivery<'_>,
        records: Vec<Read>,
    ) -> CoreResult<(AttendanceRun, Vec<Outcome>)> {
        match self.record_attendance_once(delivery, &records).await {
            Err(CoreError::Store(sqlx::Error::Database(error))) if error.is_unique_violation() => {
                self.record_attendance_once(delivery, &records).await
            }
            other => other,
        }
    }

    async fn record_attendance_once(
        &self,
        delivery: &Delivery<'_>,
        records: &[Read],
    ) -> CoreResult<(AttendanceRun, Vec<Outcome>)> {
        let now = clock::now();
        let mut tx = self.write().await?;
        let valid: Vec<&Record> = records
            .iter()
            .filter_map(|(_, r)| r.as_ref().ok())
            .collect();
        let learners = learners_named(&mut tx, delivery.institution_id, &valid).await?;
        let classes = classes_named(&mut tx, delivery.institution_id, &valid).await?;
        let learner_ids: Vec<UserId> = {
            let mut ids: Vec<UserId> = learners.values().copied().collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        let current_groups = current_groups(&mut tx, &learner_ids).await?;
        let held = held_records(&mut tx, delivery.institution_id, &valid, &learner_ids).await?;
        let by_key: HashMap<(UserId, &str, &str), &Held> = held
            .values()
            .map(|h| ((h.learner_id, h.day.as_str(), h.session.as_str()), h))
            .collect();
        let by_ref: HashMap<&str, &Held> = held
            .values()
            .filter_map(|h| Some((h.source_ref.as_deref()?, h)))
            .collect();

        let mut outcomes = Vec::with_capacity(records.len());
        let mut changes = Vec::new();
        let mut seen_keys: HashMap<(UserId, &str, &str), u64> = HashMap::new();
        let mut seen_refs: HashMap<&str, u64> = HashMap::new();
        for (index, (at, read)) in records.iter().enumerate() {
            let record = match read {
                Ok(record) => record,
                Err(errors) => {
                    outcomes.push(Outcome::Rejected(errors.clone()));
                    continue;
                }
            };
            let refuse = |field: &str, reason: String| {
                Outcome::Rejected(vec![AttendanceError {
                    at: *at,
                    sourced_id: record.sourced_id.clone(),
                    field: field.to_string(),
                    reason,
                }])
            };
            let Some(learner_id) = learner_for(&learners, &record.learner) else {
                outcomes.push(refuse(
                    "userId",
                    format!(
                        "no learner has the email or external id “{}”",
                        record.learner
                    ),
                ));
                continue;
            };
            let class = match &record.class {
                None => None,
                Some(class) => match classes.get(class) {
                    Some(group) => Some(*group),
                    None => {
                        outcomes.push(refuse(
                            "classSourcedId",
                            format!("no group has the external id, class code or name “{class}”"),
                        ));
                        continue;
                    }
                },
            };
            let key = (learner_id, record.day.as_str(), record.session.as_str());
            if let Some(first) = seen_keys.get(&key) {
                outcomes.push(refuse(
                    "date",
                    format!(
                        "{} {} of this learner is already in this delivery, at {first}",
                        record.day, record.session
                    ),
                ));
                continue;
            }
            if let Some(first) = record
                .sourced_id
                .as_deref()
                .and_then(|id| seen_refs.get(id))
            {
                outcomes.push(refuse(
                    "sourcedId",
                    format!("is already in this delivery, at {first}"),
                ));
                continue;
            }
            let by_id = record
                .sourced_id
                .as_deref()
                .and_then(|id| by_ref.get(id).copied());
            let by_session = by_key.get(&key).copied();
            let target = match (by_id, by_session) {
                (Some(a), Some(b)) if a.id != b.id => {
                    outcomes.push(refuse(
                        "date",
                        format!(
                            "this learner already has a record for {} {} under another sourcedId",
                            record.day, record.session
                        ),
                    ));
                    continue;
                }
                (found, other) => found.or(other),
            };
            seen_keys.insert(key, *at);
            if let Some(id) = record.sourced_id.as_deref() {
                seen_refs.insert(id, *at);
            }
            match target {
                None => {
                    let group_id = class.or_else(|| current_groups.get(&learner_id).copied());
                    changes.push(Change::Create {
                        at: index,
                        learner_id,
                        group_id,
                    });
                    outcomes.push(Outcome::Created(0));
                }
                Some(held) => {
                    let group_id = class.or(held.group_id);
                    let same = held.learner_id == learner_id
                        && held.day == record.day
                        && held.session == record.session
                        && held.status == record.status.key()
                        && held.group_id == group_id
                        && held.note == record.note
                        && (record.sourced_id.is_none() || held.source_ref == record.sourced_id);
                    if same {
                        outcomes.push(Outcome::Unchanged(held.id));
                    } else {
                        changes.push(Change::Update {
                            at: index,
                            id: held.id,
                            learner_id,
                            group_id,
                        });
                        outcomes.push(Outcome::Updated(held.id));
                    }
                }
            }
        }

        let rejected: Vec<&AttendanceError> = outcomes
            .iter()
            .filter_map(|outcome| match outcome {
                Outcome::Rejected(errors) => Some(errors),
                _ => None,
            })
            .flatten()
            .collect();
        let rejected_count = outcomes
            .iter()
            .filter(|o| matches!(o, Outcome::Rejected(_)))
            .count();
        let written = !delivery.dry_run && (rejected_count == 0 || delivery.valid_only);
        let count = |wanted: fn(&Outcome) -> bool| outcomes.iter().filter(|o| wanted(o)).count();
        let mut run = AttendanceRun {
            id: None,
            source: delivery.source.clone(),
            from_file: matches!(delivery.sender, Sender::Import { .. }),
            received_at: now.clone(),
            records: records.len(),
            created: count(|o| matches!(o, Outcome::Created(_))),
            updated: count(|o| matches!(o, Outcome::Updated(_))),
            unchanged: count(|o| matches!(o, Outcome::Unchanged(_))),
            rejected: rejected_count,
            errors: rejected
                .into_iter()
                .take(ATTENDANCE_ERRORS_KEPT)
                .cloned()
                .collect(),
            written: false,
        };
        if delivery.dry_run {
            return Ok((run, outcomes));
        }
        let mut touched: BTreeMap<UserId, LiveEvent> = BTreeMap::new();
        if written && !changes.is_empty() {
            let created = changes
                .iter()
                .filter(|c| matches!(c, Change::Create { .. }))
                .count();
            let ids = self.reserve_ids(&mut tx, "attendance", created).await?;
            let mut ids = ids.into_iter();
            let mut rows = TableRows::new(
                "attendance",
                &[
                    "id",
                    "institution_id",
                    "learner_id",
                    "group_id",
                    "day",
                    "session",
                    "status",
                    "source",
                    "source_ref",
                    "note",
                    "recorded_at",
                ],
            );
            for change in &changes {
                let (at, learner_id) = match change {
                    Change::Create {
                        at,
                        learner_id,
                        group_id,
                    } => {
                        let record = valid_at(records, *at);
                        let id = ids
                            .next()
                            .ok_or_else(|| CoreError::Conflict("attendance ids ran out".into()))?;
                        rows.push(row![
                            id,
                            delivery.institution_id,
                            *learner_id,
                            *group_id,
                            &record.day,
                            &record.session,
                            record.status.key(),
                            &delivery.source,
                            record.sourced_id.clone(),
                            record.note.clone(),
                            &now
                        ]);
                        outcomes[*at] = Outcome::Created(id);
                        if rows.rows.len() == 2000 {
                            batch::insert(&mut tx, self.backend(), &rows).await?;
                            rows.rows.clear();
                        }
                        (*at, *learner_id)
                    }
                    Change::Update {
                        at,
                        id,
                        learner_id,
                        group_id,
                    } => {
                        let record = valid_at(records, *at);
                        sqlx::query(
                            "UPDATE attendance SET learner_id = $1, day = $2, session = $3, \
                               status = $4, group_id = $5, note = $6, \
                               source_ref = COALESCE($7, source_ref), source = $8, \
                               updated_at = $9, institution_id = $10 WHERE id = $11",
                        )
                        .bind(*learner_id)
                        .bind(&record.day)
                        .bind(&record.session)
                        .bind(record.status.key())
                        .bind(*group_id)
                        .bind(&record.note)
                        .bind(&record.sourced_id)
                        .bind(&delivery.source)
                        .bind(&now)
                        .bind(delivery.institution_id)
                        .bind(*id)
                        .execute(&mut *tx)
                        .await?;
                        (*at, *learner_id)
                    }
                };
                let record = valid_at(records, at);
                touched.insert(
                    learner_id,
                    LiveEvent::Attendance {
                        learner_id,
                        day: record.day.clone(),
                        session: record.session.clone(),
                        status: record.status,
                        at: now.clone(),
                    },
                );
            }
            batch::insert(&mut tx, self.backend(), &rows).await?;
        }
        let run_id: i64 = sqlx::query_scalar(
            "INSERT INTO attendance_runs (institution_id, source, from_file, received_at, records, \
               created, updated, unchanged, rejected, errors) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(delivery.institution_id)
        .bind(&run.source)
        .bind(i64::from(run.from_file))
        .bind(&now)
        .bind(run.records as i64)
        .bind(if written { run.created as i64 } else { 0 })
        .bind(if written { run.updated as i64 } else { 0 })
        .bind(run.unchanged as i64)
        .bind(run.rejected as i64)
        .bind(serde_json::to_string(&run.errors).unwrap_or_else(|_| "[]".into()))
        .fetch_one(&mut *tx)
        .await?;
        run.id = Some(run_id);
        run.written = written && !touched.is_empty();
        if let Sender::Import { actor_id, origin } = delivery.sender {
            tx.audit_line(&Audit {
                institution_id: delivery.institution_id,
                actor_id,
                origin,
                action: "import attendance",
                subject_type: "attendance_run",
                subject_id: Some(run_id.to_string()),
                detail: format!(
                    "{}: {} records; {} created, {} updated, {} unchanged, {} refused{}",
                    run.source,
                    run.records,
                    run.created,
                    run.updated,
                    run.unchanged,
                    run.rejected,
                    if written { "" } else { "; nothing written" }
                ),
            });
        }
        if touched.is_empty() {
            tx.touch_no_page();
        } else if touched.len() <= EVENTS_EACH_UP_TO {
            for event in touched.into_values() {
                tx.event(event);
            }
        } else {
            for learner in touched.keys() {
                tx.touch_learner(*learner);
            }
            tx.event(LiveEvent::AttendanceFeed {
                institution_id: delivery.institution_id,
                records: run.created + run.updated,
                at: now.clone(),
            });
        }
        tx.commit().await?;
        Ok((run, outcomes))
    }
}

/// The valid record read at `index`.
fn valid_at(records: &[Read], index: usize) -> &Record {
    match &records[index].1 {
        Ok(record) => record,
        Err(_) => unreachable!("only valid records are written"),
    }
}

/// The learner a record names: by email (any case), else by external id.
fn learner_for(learners: &HashMap<String, UserId>, named: &str) -> Option<UserId> {
    learners
        .get(&format!("email:{}", normalize_email(named)))
        .or_else(|| learners.get(&format!("id:{named}")))
        .copied()
}

/// The institution's learners the records name, keyed `email:{address}` and `id:{external id}`.
async fn learners_named(
    tx: &mut Write<'_>,
    institution_id: InstitutionId,
    records: &[&Record],
) -> CoreResult<HashMap<String, UserId>> {
    let named: Vec<String> = records
        .iter()
        .map(|r| r.learner.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut learners = HashMap::new();
    for chunk in named.chunks(CHUNK) {
        let emails: Vec<String> = chunk.iter().map(|n| normalize_email(n)).collect();
        let sql = format!(
            "SELECT u.id, u.email, u.external_id FROM users u \
             JOIN user_roles ur ON ur.user_id = u.id \
             JOIN roles r ON r.id = ur.role_id AND r.key = 'learner' \
             WHERE u.institution_id = $1 AND (u.email IN ({}) OR u.external_id IN ({}))",
            placeholders(2, chunk.len()),
            placeholders(2 + chunk.len(), chunk.len())
        );
        let mut query =
            sqlx::query_as::<_, (i64, String, Option<String>)>(&sql).bind(institution_id);
        for email in &emails {
            query = query.bind(email.clone());
        }
        for name in chunk {
            query = query.bind(name.clone());
        }
        for (id, email, external_id) in query.fetch_all(&mut **tx).await? {
            learners.insert(format!("email:{email}"), id);
            if let Some(external_id) = external_id {
                learners.insert(format!("id:{external_id}"), id);
            }
        }
    }
    Ok(learners)
}

/// The institution's groups the records name, by external id, class code or name (in that
/// order of preference when names collide).
async fn classes_named(
    tx: &mut Write<'_>,
    institution_id: InstitutionId,
    records: &[&Record],
) -> CoreResult<HashMap<String, GroupId>> {
    let named: Vec<String> = records
        .iter()
        .filter_map(|r| r.class.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut found: HashMap<String, (u8, GroupId)> = HashMap::new();
    for chunk in named.chunks(CHUNK) {
        let list = placeholders(2, chunk.len());
        let sql = format!(
            "SELECT id, external_id, class_code, name FROM groups WHERE institution_id = $1 \
             AND (external_id IN ({list}) OR class_code IN ({list}) OR name IN ({list}))"
        );
        let mut query = sqlx::query_as::<_, (i64, Option<String>, Option<String>, String)>(&sql)
            .bind(institution_id);
        for name in chunk {
            query = query.bind(name.clone());
        }
        for (id, external_id, class_code, name) in query.fetch_all(&mut **tx).await? {
            for (rank, key) in [(0u8, external_id), (1, class_code), (2, Some(name))] {
                if let Some(key) = key {
                    let entry = found.entry(key).or_insert((rank, id));
                    if rank < entry.0 {
                        *entry = (rank, id);
                    }
                }
            }
        }
    }
    Ok(found.into_iter().map(|(key, (_, id))| (key, id)).collect())
}

/// Each learner's group now (the first, when in several): a record without a class is theirs.
async fn current_groups(
    tx: &mut Write<'_>,
    learners: &[UserId],
) -> CoreResult<HashMap<UserId, GroupId>> {
    let mut groups = HashMap::new();
    for chunk in learners.chunks(CHUNK) {
        let sql = format!(
            "SELECT user_id, MIN(group_id) FROM group_members WHERE member_role = 'learner' \
             AND left_at IS NULL AND user_id IN ({}) GROUP BY user_id",
            placeholders(1, chunk.len())
        );
        let mut query = sqlx::query_as::<_, (i64, i64)>(&sql);
        for learner in chunk {
            query = query.bind(*learner);
        }
        groups.extend(query.fetch_all(&mut **tx).await?);
    }
    Ok(groups)
}

/// The stored records a delivery may meet: by its `sourcedId`s, and its learners' records on
/// its days.
async fn held_records(
    tx: &mut Write<'_>,
    institution_id: InstitutionId,
    records: &[&Record],
    learners: &[UserId],
) -> CoreResult<HashMap<i64, Held>> {
    let mut held = HashMap::new();
    let ids: Vec<&str> = records
        .iter()
        .filter_map(|r| r.sourced_id.as_deref())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "{HELD} WHERE institution_id = $1 AND source_ref IN ({})",
            placeholders(2, chunk.len())
        );
        let mut query = sqlx::query_as::<_, HeldRow>(&sql).bind(institution_id);
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut **tx).await? {
            held.insert(row.0, self::held(row));
        }
    }
    let (Some(first), Some(last)) = (
        records.iter().map(|r| &r.day).min(),
        records.iter().map(|r| &r.day).max(),
    ) else {
        return Ok(held);
    };
    for chunk in learners.chunks(CHUNK) {
        let sql = format!(
            "{HELD} WHERE day >= $1 AND day <= $2 AND learner_id IN ({})",
            placeholders(3, chunk.len())
        );
        let mut query = sqlx::query_as::<_, HeldRow>(&sql).bind(first).bind(last);
        for learner in chunk {
            query = query.bind(*learner);
        }
        for row in query.fetch_all(&mut **tx).await? {
            held.insert(row.0, self::held(row));
        }
    }
    Ok(held)
}
