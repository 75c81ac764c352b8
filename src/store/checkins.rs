//! Check-ins: a short message from a learner to one of their teachers, about a goal or a
//! project (or from a parent to their child's teacher), and the teacher's answer. Each side
//! knows what it has not read yet.

use super::Store;
use crate::clock;
use crate::error::{CoreError, CoreResult};
use crate::model::{CheckIn, LearnerRef, LiveEvent, PersonRef, Topic, UserId};

/// A check-in as stored, with the names of those it concerns.
#[derive(sqlx::FromRow)]
struct CheckInRow {
    id: i64,
    learner_id: i64,
    learner: String,
    teacher_id: i64,
    teacher: String,
    goal_id: Option<i64>,
    goal: Option<String>,
    project_id: Option<i64>,
    project: Option<String>,
    body: String,
    created_at: String,
    answer: Option<String>,
    answered_at: Option<String>,
    read_by_teacher_at: Option<String>,
    answer_read_at: Option<String>,
    sender_id: Option<i64>,
    sender: Option<String>,
}

const SELECT: &str = "SELECT c.id, c.learner_id, l.name AS learner, c.teacher_id, \
       t.name AS teacher, c.goal_id, g.title AS goal, c.project_id, p.title AS project, c.body, \
       c.created_at, c.answer, c.answered_at, c.read_by_teacher_at, c.answer_read_at, \
       c.sender_id, s.name AS sender \
     FROM checkins c JOIN users l ON l.id = c.learner_id JOIN users t ON t.id = c.teacher_id \
     LEFT JOIN users s ON s.id = c.sender_id \
     LEFT JOIN goals g ON g.id = c.goal_id LEFT JOIN projects p ON p.id = c.project_id";

/// Who sent a check-in: the parent who wrote it, or else the learner.
const SENDER: &str = "COALESCE(c.sender_id, c.learner_id)";

/// A check-in as its `viewer` sees it: unread if it is new to them.
fn check_in(row: CheckInRow, viewer: UserId) -> CheckIn {
    let about = match (row.goal_id, row.goal, row.project_id, row.project) {
        (Some(id), Some(title), _, _) => Some(topic("goal", id, title)),
        (_, _, Some(id), Some(title)) => Some(topic("project", id, title)),
        _ => None,
    };
    let unread = if viewer == row.teacher_id {
        row.read_by_teacher_at.is_none()
    } else {
        row.answer.is_some() && row.answer_read_at.is_none()
    };
    CheckIn {
        id: row.id,
        learner: LearnerRef {
            id: row.learner_id,
            name: row.learner,
        },
        teacher: PersonRef {
            id: row.teacher_id,
            name: row.teacher,
        },
        parent: row
            .sender_id
            .zip(row.sender)
            .map(|(id, name)| PersonRef { id, name }),
        about,
        body: row.body,
        created_at: row.created_at,
        answer: row.answer,
        answered_at: row.answered_at,
        unread,
    }
}

pub fn topic(kind: &str, id: i64, title: String) -> Topic {
    Topic {
        kind: kind.into(),
        id,
        title,
        path: format!("/{kind}s/{id}"),
    }
}

impl Store {
    /// Sends a check-in about a learner, by the learner or (`parent`) by their parent (the
    /// core checks who may write to whom, and the topic).
    pub async fn send_checkin(
        &self,
        learner_id: UserId,
        parent: Option<UserId>,
        teacher_id: UserId,
        goal_id: Option<i64>,
        project_id: Option<i64>,
        body: &str,
    ) -> CoreResult<i64> {
        let mut tx = self.write().await?;
        let now = clock::now();
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO checkins (learner_id, teacher_id, goal_id, project_id, body, created_at, \
               sender_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(learner_id)
        .bind(teacher_id)
        .bind(goal_id)
        .bind(project_id)
        .bind(body)
        .bind(&now)
        .bind(parent)
        .fetch_one(&mut *tx)
        .await?;
        let event = LiveEvent::CheckIn {
            checkin_id: id,
            learner_id,
            teacher_id,
            at: now,
        };
        tx.event(event);
        tx.commit().await?;
        Ok(id)
    }

    /// The teacher's answer to a check-in sent to them (a later answer replaces it).
    pub async fn answer_checkin(
        &self,
        teacher_id: UserId,
        checkin_id: i64,
        answer: &str,
    ) -> CoreResult<()> {
        let mut tx = self.write().await?;
        let now = clock::now();
        let learner: Option<(i64,)> = sqlx::query_as(
            "UPDATE checkins SET answer = $1, answered_at = $2, answer_read_at = NULL, \
               read_by_teacher_at = COALESCE(read_by_teacher_at, $2) \
             WHERE id = $3 AND teacher_id = $4 RETURNING learner_id",
        )
        .bind(answer)
        .bind(&now)
        .bind(checkin_id)
        .bind(teacher_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (learner_id,) =
            learner.ok_or_else(|| CoreError::NotFound(format!("check-in {checkin_id}")))?;
        let event = LiveEvent::CheckIn {
            checkin_id,
            learner_id,
            teacher_id,
            at: now,
        };
        tx.event(event);
        tx.commit().await
    }

    /// The check-ins a person sent (a learner's own, a parent's about their child) and those
    /// sent to them as a teacher (one person may be both), newest first, as `viewer` sees them.
    pub async fn checkins_of(&self, viewer: UserId) -> CoreResult<(Vec<CheckIn>, Vec<CheckIn>)> {
        let read = |by: &'static str| async move {
            let rows: Vec<CheckInRow> = sqlx::query_as(&format!(
                "{SELECT} WHERE {by} = $1 ORDER BY c.created_at DESC, c.id DESC"
            ))
            .bind(viewer)
            .fetch_all(self.pool())
            .await?;
            Ok::<_, CoreError>(rows.into_iter().map(|row| check_in(row, viewer)).collect())
        };
        Ok((read(SENDER).await?, read("c.teacher_id").await?))
    }

    /// Marks the check-ins `viewer` was shown as read: those sent to them, and answers to
    /// theirs. Ids of anyone else's check-ins change nothing.
    pub async fn mark_checkins_read(&self, viewer: UserId, ids: &[i64]) -> CoreResult<()> {
        let now = clock::now();
        let mut tx = self.write().await?;
        for id in ids {
            sqlx::query(
                "UPDATE checkins SET read_by_teacher_at = $1 \
                 WHERE id = $2 AND teacher_id = $3 AND read_by_teacher_at IS NULL",
            )
            .bind(&now)
            .bind(id)
            .bind(viewer)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE checkins SET answer_read_at = $1 WHERE id = $2 \
                 AND COALESCE(sender_id, learner_id) = $3 \
                 AND answer IS NOT NULL AND answer_read_at IS NULL",
            )
            .bind(&now)
            .bind(id)
            .bind(viewer)
            .execute(&mut *tx)
            .await?;
        }
        // Who read what shows on both sides' pages: it touches everyone.
        tx.commit().await
    }

    /// How many check-ins are new to `viewer`.
    pub async fn unread_checkins(&self, viewer: UserId) -> CoreResult<usize> {
        self.count_checkins(viewer, "read_by_teacher_at IS NULL")
            .await
    }

    /// How many check-ins wait for `viewer`: those sent to them without an answer yet (reading
    /// one is not answering it), and answers to theirs they have not read.
    pub async fn waiting_checkins(&self, viewer: UserId) -> CoreResult<usize> {
        self.count_checkins(viewer, "answer IS NULL").await
    }

    /// Check-ins sent to `viewer` in the state `to_them` says, and answers to the check-ins
    /// they sent that they have not read.
    async fn count_checkins(&self, viewer: UserId, to_them: &str) -> CoreResult<usize> {
        let (count,): (i64,) = sqlx::query_as(&format!(
            "SELECT (SELECT COUNT(*) FROM checkins WHERE teacher_id = $1 AND {to_them}) \
                  + (SELECT COUNT(*) FROM checkins WHERE COALESCE(sender_id, learner_id) = $1 \
                       AND answer IS NOT NULL AND answer_read_at IS NULL)"
        ))
        .bind(viewer)
        .fetch_one(self.pool())
        .await?;
        Ok(count as usize)
    }

    /// People by id, for naming a learner's teachers.
    pub async fn people(&self, ids: &[UserId]) -> CoreResult<Vec<PersonRef>> {
        let mut people = Vec::with_capacity(ids.len());
        for id in ids {
            let name: Option<String> = sqlx::query_scalar("SELECT name FROM users WHERE id = $1")
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
            if let Some(name) = name {
                people.push(PersonRef { id: *id, name });
            }
        }
        people.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(people)
    }
}
