//! Seats on trainings: a registration code gives a number of them; a manager assigns one to an
//! email address, or a person redeems the code and takes one, which enrols them. A seat is taken
//! by one conditional UPDATE of the code's count (`taken < seats`): on SQLite writers queue, on
//! PostgreSQL the row's lock makes a concurrent redemption see the count the first one left, so
//! a code is never oversold.

use super::audit::Actor;
use super::Store;
use crate::clock;
use crate::error::{CoreError, CoreResult};
use crate::model::{InstitutionId, UserId};

/// The seat a redemption took (or found already taken by the same person).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redeemed {
    pub training_id: i64,
    pub training: String,
    /// Whether this redemption took the seat (false: the person held it already).
    pub new: bool,
}

/// A registration code as a redemption reads it.
type CodeRow = (i64, InstitutionId, i64, String, Option<String>, i64, i64);

/// Why a code gives no seat, as the person redeeming it reads it.
fn refused(reason: &str) -> CoreError {
    CoreError::invalid("code", reason)
}

impl Store {
    /// The institution's registration codes (a manager's own, when `manager` is given), newest
    /// first, each with whom its seats went to.
    pub async fn codes(
        &self,
        institution_id: InstitutionId,
        manager: Option<UserId>,
    ) -> CoreResult<Vec<crate::model::CodeAdmin>> {
        use crate::model::{CodeAdmin, SeatHolder};
        type CodeRow = (i64, String, String, i64, i64, Option<String>);
        let codes: Vec<CodeRow> = sqlx::query_as(
            "SELECT c.id, c.code, t.name, c.seats, c.taken, c.expires_at \
             FROM registration_codes c JOIN trainings t ON t.id = c.training_id \
             WHERE c.institution_id = $1 AND ($2 IS NULL OR c.manager_id = $2) \
             ORDER BY c.created_at DESC, c.id DESC",
        )
        .bind(institution_id)
        .bind(manager)
        .fetch_all(self.pool())
        .await?;
        type HolderRow = (i64, i64, String, Option<String>, String, Option<String>);
        let holders: Vec<HolderRow> = sqlx::query_as(
            "SELECT s.code_id, s.id, s.email, u.name, s.invited_at, s.redeemed_at \
             FROM seat_assignments s JOIN registration_codes c ON c.id = s.code_id \
             LEFT JOIN users u ON u.id = s.user_id \
             WHERE c.institution_id = $1 AND ($2 IS NULL OR c.manager_id = $2) \
             ORDER BY s.invited_at, s.id",
        )
        .bind(institution_id)
        .bind(manager)
        .fetch_all(self.pool())
        .await?;
        Ok(codes
            .into_iter()
            .map(|(id, code, training, seats, taken, expires_at)| CodeAdmin {
                holders: holders
                    .iter()
                    .filter(|holder| holder.0 == id)
                    .map(|(_, seat, email, name, given_at, taken_up_at)| SeatHolder {
                        id: *seat,
                        email: email.clone(),
                        name: name.clone(),
                        given_at: given_at.clone(),
                        taken_up_at: taken_up_at.clone(),
                    })
                    .collect(),
                id,
                code,
                training,
                seats,
                taken,
                expires_at,
            })
            .collect())
    }

    /// The registration code as `user_id` (who may redeem it) sees it; unknown, or another
    /// institution's, it is not found.
    pub async fn registration(
        &self,
        code: &str,
        user_id: UserId,
    ) -> CoreResult<crate::model::Registration> {
        use crate::model::{Registration, RegistrationState};
        let code = code.trim().to_uppercase();
        type Row = (
            i64,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            i64,
            i64,
        );
        let row: Option<Row> = sqlx::query_as(
            "SELECT c.id, t.name, t.description, t.starts_on, t.ends_on, c.expires_at, c.seats, \
               c.taken \
             FROM registration_codes c JOIN trainings t ON t.id = c.training_id \
             JOIN users u ON u.institution_id = c.institution_id \
             WHERE c.code = $1 AND u.id = $2",
        )
        .bind(&code)
        .bind(user_id)
        .fetch_optional(self.pool())
        .await?;
        let (code_id, training, description, starts_on, ends_on, expires_at, seats, taken) =
            row.ok_or_else(|| CoreError::NotFound("such registration code".into()))?;
        let held: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM seat_assignments s JOIN users u ON u.id = $2 \
             WHERE s.code_id = $1 AND s.redeemed_at IS NOT NULL \
               AND (s.user_id = u.id OR LOWER(s.email) = LOWER(u.email))",
        )
        .bind(code_id)
        .bind(user_id)
        .fetch_one(self.pool())
        .await?;
        let assigned: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM seat_assignments s JOIN users u ON u.id = $2 \
             WHERE s.code_id = $1 AND s.redeemed_at IS NULL \
               AND (s.user_id = u.id OR LOWER(s.email) = LOWER(u.email))",
        )
        .bind(code_id)
        .bind(user_id)
        .fetch_one(self.pool())
        .await?;
        let now = clock::now();
        let state = if held > 0 {
            RegistrationState::Held
        } else if let Some(expired) = expires_at.filter(|at| *at <= now) {
            RegistrationState::Expired(expired.chars().take(10).collect())
        } else if taken >= seats && assigned == 0 {
            RegistrationState::UsedUp
        } else {
            RegistrationState::Open
        };
        Ok(Registration {
            code,
            training,
            description,
            starts_on,
            ends_on,
            seats_left: (seats - taken).max(0),
            state,
        })
    }

    /// `user_id` redeems `code`: takes a seat (or the one assigned to their email) and is
    /// enrolled on its training, in one transaction with its audit line.
    pub async fn redeem_code(
        &self,
        code: &str,
        user_id: UserId,
        origin: Option<&str>,
    ) -> CoreResult<Redeemed> {
        let code = code.trim().to_uppercase();
        let mut tx = self.write().await?;
        let person: Option<(InstitutionId, String)> =
            sqlx::query_as("SELECT institution_id, email FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?;
        let (institution_id, email) =
            person.ok_or_else(|| CoreError::NotFound(format!("person {user_id}")))?;
        let row: Option<CodeRow> = sqlx::query_as(
            "SELECT c.id, c.institution_id, c.training_id, t.name, c.expires_at, c.seats, \
               c.taken \
             FROM registration_codes c JOIN trainings t ON t.id = c.training_id \
             WHERE c.code = $1",
        )
        .bind(&code)
        .fetch_optional(&mut *tx)
        .await?;
        // Another institution's code is as unknown as one that does not exist.
        let Some((code_id, _, training_id, training, expires_at, _, _)) =
            row.filter(|row| row.1 == institution_id)
        else {
            return Err(refused(
                "there is no such registration code; check it with whoever gave it to you",
            ));
        };
        let now = clock::now();
        if let Some(expires_at) = expires_at.filter(|at| *at <= now) {
            return Err(refused(&format!(
                "this registration code expired on {}; ask for a new one",
                expires_at.chars().take(10).collect::<String>()
            )));
        }
        let held: Option<(i64, Option<String>)> = sqlx::query_as(
            "SELECT id, redeemed_at FROM seat_assignments WHERE code_id = $1 \
             AND (user_id = $2 OR LOWER(email) = LOWER($3)) ORDER BY id LIMIT 1",
        )
        .bind(code_id)
        .bind(user_id)
        .bind(&email)
        .fetch_optional(&mut *tx)
        .await?;
        let new = match held {
            Some((_, Some(_))) => false,
            // A seat a manager assigned to their email: theirs now.
            Some((seat, None)) => {
                sqlx::query(
                    "UPDATE seat_assignments SET user_id = $1, redeemed_at = $2 WHERE id = $3",
                )
                .bind(user_id)
                .bind(&now)
                .bind(seat)
                .execute(&mut *tx)
                .await?;
                true
            }
            None => {
                let taken = sqlx::query(
                    "UPDATE registration_codes SET taken = taken + 1 \
                     WHERE id = $1 AND taken < seats",
                )
                .bind(code_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if taken == 0 {
                    return Err(refused(
                        "every seat of this registration code is taken; ask for a new one",
                    ));
                }
                sqlx::query(
                    "INSERT INTO seat_assignments (code_id, email, user_id, invited_at, \
                       redeemed_at) VALUES ($1, $2, $3, $4, $4)",
                )
                .bind(code_id)
                .bind(&email)
                .bind(user_id)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
                true
            }
        };
        if new {
            let starts_on: Option<String> =
                sqlx::query_scalar("SELECT starts_on FROM trainings WHERE id = $1")
                    .bind(training_id)
                    .fetch_one(&mut *tx)
                    .await?;
            let status = match starts_on {
                Some(day) if day.as_str() > &now[..10] => "upcoming",
                _ => "in_progress",
            };
            sqlx::query(
                "INSERT INTO enrolments (training_id, user_id, status, enrolled_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (training_id, user_id) DO NOTHING",
            )
            .bind(training_id)
            .bind(user_id)
            .bind(status)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
            tx.audit_line(&super::audit::Audit {
                institution_id,
                actor_id: Some(user_id),
                origin,
                action: "redeem registration code",
                subject_type: "training",
                subject_id: Some(training_id.to_string()),
                detail: format!("{code}: a seat on {training}"),
            });
            // The manager who placed them may see them now.
            tx.touch_access();
            tx.touch_learner(user_id);
        } else {
            tx.touch_no_page();
        }
        tx.commit().await?;
        Ok(Redeemed {
            training_id,
            training,
            new,
        })
    }

    /// Assigns a seat of a code to an email address (an invitation to register follows), for
    /// an administrator of its institution or — `manager` — the manager who holds the code.
    pub async fn assign_seat(
        &self,
        by: Actor<'_>,
        manager: Option<UserId>,
        code_id: i64,
        email: &str,
    ) -> CoreResult<i64> {
        let email = email.trim().to_lowercase();
        if !crate::people_import::valid_email(&email) {
            return Err(CoreError::invalid("email", "is not an email address"));
        }
        let mut tx = self.write_as(by).await?;
        let code: Option<(String, i64)> = sqlx::query_as(
            "SELECT code, manager_id FROM registration_codes \
             WHERE id = $1 AND institution_id = $2",
        )
        .bind(code_id)
        .bind(by.institution_id)
        .fetch_optional(&mut *tx)
        .await?;
        let code = match code {
            Some((code, holder)) if manager.is_none_or(|manager| manager == holder) => code,
            _ => return Err(CoreError::NotFound(format!("registration code {code_id}"))),
        };
        let already: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM seat_assignments WHERE code_id = $1 AND LOWER(email) = $2",
        )
        .bind(code_id)
        .bind(&email)
        .fetch_optional(&mut *tx)
        .await?;
        if already.is_some() {
            return Err(CoreError::invalid(
                "email",
                format!("{email} already has a seat of this code"),
            ));
        }
        let taken = sqlx::query(
            "UPDATE registration_codes SET taken = taken + 1 WHERE id = $1 AND taken < seats",
        )
        .bind(code_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if taken == 0 {
            return Err(CoreError::invalid(
                "email",
                "every seat of this code is taken; take back an unused one first",
            ));
        }
        let user_id: Option<UserId> = sqlx::query_scalar(
            "SELECT id FROM users WHERE LOWER(email) = $1 AND institution_id = $2",
        )
        .bind(&email)
        .bind(by.institution_id)
        .fetch_optional(&mut *tx)
        .await?;
        let seat: i64 = sqlx::query_scalar(
            "INSERT INTO seat_assignments (code_id, email, user_id, invited_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(code_id)
        .bind(&email)
        .bind(user_id)
        .bind(clock::now())
        .fetch_one(&mut *tx)
        .await?;
        tx.audit(
            "assign seat",
            ("registration code", Some(code_id.to_string())),
            format!("{code}: a seat for {email}"),
        );
        tx.touch_everyone();
        tx.commit().await?;
        Ok(seat)
    }

    /// Takes back a seat nobody has taken up yet (an assignment not redeemed): the code has it
    /// to give again.
    pub async fn take_back_seat(
        &self,
        by: Actor<'_>,
        manager: Option<UserId>,
        seat_id: i64,
    ) -> CoreResult<()> {
        let mut tx = self.write_as(by).await?;
        let seat: Option<(i64, String, String, i64, Option<String>)> = sqlx::query_as(
            "SELECT c.id, c.code, s.email, c.manager_id, s.redeemed_at \
             FROM seat_assignments s JOIN registration_codes c ON c.id = s.code_id \
             WHERE s.id = $1 AND c.institution_id = $2",
        )
        .bind(seat_id)
        .bind(by.institution_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (code_id, code, email) = match seat {
            Some((code_id, code, email, holder, redeemed))
                if manager.is_none_or(|manager| manager == holder) =>
            {
                if redeemed.is_some() {
                    return Err(CoreError::invalid(
                        "seat",
                        format!("{email} has taken this seat up; it cannot be taken back"),
                    ));
                }
                (code_id, code, email)
            }
            _ => return Err(CoreError::NotFound(format!("seat {seat_id}"))),
        };
        sqlx::query("DELETE FROM seat_assignments WHERE id = $1 AND redeemed_at IS NULL")
            .bind(seat_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE registration_codes SET taken = taken - 1 WHERE id = $1 AND taken > 0")
            .bind(code_id)
            .execute(&mut *tx)
            .await?;
        tx.audit(
            "take back seat",
            ("registration code", Some(code_id.to_string())),
            format!("{code}: the seat of {email}"),
        );
        tx.touch_everyone();
        tx.commit().await?;
        Ok(())
    }
}
