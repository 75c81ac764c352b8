//! A teacher's inbox: what their learners wrote or started that waits for the teacher's
//! feedback. A goal or project waits until the teacher comments on it; a reflection waits
//! until the teacher comments on its goal or project after it was written.

use super::Store;
use crate::error::CoreResult;
use crate::model::{Awaiting, AwaitingFeedback, LearnerRef, UserId};

/// A goal or project of a taught learner: id, learner, learner's name, title, when it was
/// started, its latest reflection, and the teacher's latest comment on it.
type WorkRow = (
    i64,
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);

/// The learners `teacher` teaches now (in a group they both belong to, neither having left).
const TAUGHT: &str = "SELECT DISTINCT l.user_id FROM group_members t \
     JOIN group_members l ON l.group_id = t.group_id AND l.member_role = 'learner' \
       AND l.left_at IS NULL \
     WHERE t.user_id = $1 AND t.member_role = 'teacher' AND t.left_at IS NULL";

impl Store {
    /// What waits for `teacher`'s feedback, newest first.
    pub async fn awaiting_feedback(&self, teacher: UserId) -> CoreResult<Vec<AwaitingFeedback>> {
        let mut awaiting = Vec::new();
        for (table, column, active, kind) in [
            (
                "goals",
                "goal_id",
                "AND w.status = 'active'",
                Awaiting::Goal,
            ),
            ("projects", "project_id", "", Awaiting::Project),
        ] {
            let rows: Vec<WorkRow> = sqlx::query_as(&format!(
                "SELECT w.id, w.learner_id, u.name, w.title, w.created_at, \
                   (SELECT MAX(r.created_at) FROM reflections r WHERE r.{column} = w.id), \
                   (SELECT MAX(f.created_at) FROM feedback f WHERE f.{column} = w.id \
                      AND f.author_id = $1) \
                 FROM {table} w JOIN users u ON u.id = w.learner_id \
                 WHERE w.learner_id IN ({TAUGHT}) {active}"
            ))
            .bind(teacher)
            .fetch_all(self.pool())
            .await?;
            for (id, learner_id, learner, title, started, reflected, commented) in rows {
                let waiting = match (reflected, commented) {
                    (Some(reflected), Some(commented)) if reflected > commented => {
                        Some((Awaiting::Reflection, reflected))
                    }
                    (Some(reflected), None) => Some((Awaiting::Reflection, reflected)),
                    (None, None) => Some((kind, started)),
                    _ => None,
                };
                if let Some((awaiting_kind, since)) = waiting {
                    awaiting.push(AwaitingFeedback {
                        awaiting: awaiting_kind,
                        learner: LearnerRef {
                            id: learner_id,
                            name: learner,
                        },
                        title,
                        path: format!("/{table}/{id}"),
                        since,
                    });
                }
            }
        }
        awaiting.sort_by(|a, b| b.since.cmp(&a.since).then_with(|| a.path.cmp(&b.path)));
        Ok(awaiting)
    }
}
