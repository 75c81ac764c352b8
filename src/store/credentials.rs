//! Credentials as the store keeps them: each institution's Ed25519 issuer key (created on first
//! start, never served), its revocation lists, and the OpenBadgeCredentials it issued — signed
//! once, stored immutable, both as Data Integrity JSON and as a VC-JWT.

use std::collections::HashMap;

use ed25519_dalek::SigningKey;
use rand::RngCore;
use serde_json::{json, Value};
use time::OffsetDateTime;

use super::trust::Vantage;
use super::Store;
use crate::clock;
use crate::credentials::jwt;
use crate::credentials::keys::{self, public_multibase};
use crate::credentials::open_badge::{
    AchievementClaim, BadgeClaim, CompetencyResult, IssuerProfile, LearnerIdentity, OB_CONTEXT,
    VC_CONTEXT,
};
use crate::credentials::proof::{self, ProofOptions};
use crate::credentials::status_list::{Bitstring, LIST_SIZE};
use crate::error::{CoreError, CoreResult};
use crate::model::{CredentialKind, CredentialSummary, CredentialView, InstitutionId, UserId};

const DID_CONTEXT: &str = "https://www.w3.org/ns/did/v1";
const MULTIKEY_CONTEXT: &str = "https://w3id.org/security/multikey/v1";

/// How long a progress record holds: an old snapshot cannot be shown forever.
const PROGRESS_RECORD_DAYS: i64 = 90;

/// An institution's current signing key.
struct IssuerKey {
    id: i64,
    key: SigningKey,
}

/// A stored credential: its latest version, and whether it was revoked.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCredential {
    pub public_id: String,
    pub learner_id: Option<UserId>,
    pub institution_id: InstitutionId,
    pub kind: CredentialKind,
    pub document: Value,
    pub jwt: String,
    pub issued_at: String,
    pub revoked: Option<(String, String)>,
}

/// Columns of `credentials` read back, joined with the issuing institution.
type CredentialRow = (
    String,
    Option<i64>,
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);

const CREDENTIAL_SQL: &str = "SELECT c.public_id, c.learner_id, a.institution_id, c.kind, \
       c.document, c.jwt, c.issued_at, c.revoked_at, c.revocation_reason \
     FROM credentials c JOIN achievements a ON a.id = c.achievement_id";

impl Store {
    /// The public base URL that credential, issuer and status list ids start with.
    pub fn public_url(&self) -> String {
        self.public_url
            .read()
            .map(|url| url.to_string())
            .unwrap_or_default()
    }

    /// Sets the public base URL (`CAIRN_PUBLIC_URL`); a trailing `/` is dropped.
    pub fn set_public_url(&self, url: &str) {
        if let Ok(mut current) = self.public_url.write() {
            *current = url.trim_end_matches('/').into();
        }
    }

    /// The id of an institution's issuer profile.
    pub fn issuer_id(&self, institution_id: InstitutionId) -> String {
        format!("{}/issuers/{institution_id}", self.public_url())
    }

    /// Gives every institution without a signing key a new one. Run at start-up.
    pub async fn ensure_issuer_keys(&self) -> CoreResult<()> {
        let missing: Vec<i64> = sqlx::query_scalar(
            "SELECT i.id FROM institutions i WHERE NOT EXISTS (SELECT 1 FROM signing_keys k \
               WHERE k.institution_id = i.id AND k.retired_at IS NULL)",
        )
        .fetch_all(self.pool())
        .await?;
        for institution_id in missing {
            self.issuer_key(institution_id).await?;
        }
        Ok(())
    }

    /// The institution's current key, created if it has none.
    async fn issuer_key(&self, institution_id: InstitutionId) -> CoreResult<IssuerKey> {
        for _ in 0..2 {
            let row: Option<(i64, String)> = sqlx::query_as(
                "SELECT id, secret_key FROM signing_keys \
                 WHERE institution_id = $1 AND retired_at IS NULL ORDER BY id LIMIT 1",
            )
            .bind(institution_id)
            .fetch_optional(self.pool())
            .await?;
            if let Some((id, secret)) = row {
                return Ok(IssuerKey {
                    id,
                    key: keys::parse_secret_multibase(&secret)?,
                });
            }
            // Two instances starting at once: the first key written wins, the other reads it.
            let key = keys::generate();
            let mut tx = self.write().await?;
            sqlx::query(
                "INSERT INTO signing_keys (institution_id, public_key, secret_key, created_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(institution_id)
            .bind(public_multibase(&key.verifying_key()))
            .bind(keys::secret_multibase(&key))
            .bind(clock::now())
            .execute(&mut *tx)
            .await?;
            // Nothing a kept page shows.
            tx.touch_no_page();
            tx.commit().await?;
        }
        Err(CoreError::NotFound(format!(
            "a signing key of institution {institution_id}"
        )))
    }

    /// The public issuer profile: name, home page, and every key (current and retired) as a
    /// Multikey in `assertionMethod`. It is also the controller document of those keys: the DID
    /// v1 context comes first, so that a verifier expanding it (in JSON-LD safe mode, as
    /// Digital Bazaar's libraries do) finds `assertionMethod` defined.
    pub async fn issuer_profile(&self, institution_id: InstitutionId) -> CoreResult<Option<Value>> {
        let name: Option<String> =
            sqlx::query_scalar("SELECT name FROM institutions WHERE id = $1")
                .bind(institution_id)
                .fetch_optional(self.pool())
                .await?;
        let Some(name) = name else {
            return Ok(None);
        };
        let issuer = self.issuer_id(institution_id);
        let keys: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, public_key FROM signing_keys WHERE institution_id = $1 ORDER BY id",
        )
        .bind(institution_id)
        .fetch_all(self.pool())
        .await?;
        let methods: Vec<Value> = keys
            .into_iter()
            .map(|(id, public_key)| {
                json!({
                    "id": format!("{issuer}#key-{id}"),
                    "type": "Multikey",
                    "controller": issuer,
                    "publicKeyMultibase": public_key,
                })
            })
            .collect();
        Ok(Some(json!({
            "@context": [DID_CONTEXT, VC_CONTEXT, OB_CONTEXT, MULTIKEY_CONTEXT],
            "id": issuer,
            "type": ["Profile"],
            "name": name,
            "url": format!("{}/", self.public_url()),
            "assertionMethod": methods,
        })))
    }

    /// Issues the learner's OpenBadgeCredential for an achievement, signed by the institution.
    /// `earned` credentials need the criteria met; `provisional` ones (a shared Provisional
    /// Evidence Record) carry the current levels and re-issue the same id with a newer
    /// `validFrom`. `issued_by` is the staff member issuing by hand, `None` when automatic.
    pub async fn issue_credential(
        &self,
        learner_id: UserId,
        achievement_id: i64,
        kind: CredentialKind,
        issued_by: Option<UserId>,
    ) -> CoreResult<StoredCredential> {
        let claim_parts = self.claim_parts(learner_id, achievement_id).await?;
        let met = claim_parts.results.iter().all(|r| {
            r.achieved_level
                .is_some_and(|level| level >= r.required_level)
        });
        if kind == CredentialKind::Earned && !met {
            return Err(CoreError::invalid(
                "achievement",
                "its criteria are not met yet; share the progress record instead",
            ));
        }
        if let Some(earned) = self.earned_credential(learner_id, achievement_id).await? {
            if kind == CredentialKind::Earned {
                return Ok(earned);
            }
            return Err(CoreError::invalid(
                "achievement",
                format!(
                    "it is already earned: share the badge instead, {}/credentials/{}",
                    self.public_url(),
                    earned.public_id
                ),
            ));
        }
        let institution_id = claim_parts.institution_id;
        let issuer_key = self.issuer_key(institution_id).await?;
        // A provisional record keeps its id and status entry from one version to the next
        // (a revoked one is not continued: the next record starts afresh).
        let earlier: Option<(String, i64, i64)> = if kind == CredentialKind::Provisional {
            sqlx::query_as(
                "SELECT public_id, status_list_id, status_index FROM credentials \
                 WHERE learner_id = $1 AND achievement_id = $2 AND kind = 'provisional' \
                   AND revoked_at IS NULL ORDER BY id DESC LIMIT 1",
            )
            .bind(learner_id)
            .bind(achievement_id)
            .fetch_optional(self.pool())
            .await?
        } else {
            None
        };
        let first_version = earlier.is_none();
        let (public_id, list_id, index) = match earlier {
            Some(earlier) => earlier,
            None => {
                let (list_id, index) = self.status_entry(institution_id).await?;
                (random_id(), list_id, index)
            }
        };
        let now = clock::now();
        let issuer = self.issuer_id(institution_id);
        let base = self.public_url();
        let claim = BadgeClaim {
            id: format!("{base}/credentials/{public_id}"),
            issuer: IssuerProfile {
                id: issuer.clone(),
                name: claim_parts.institution_name,
                url: format!("{base}/"),
            },
            valid_from: now.clone(),
            valid_until: (kind == CredentialKind::Provisional).then(|| {
                clock::format(
                    OffsetDateTime::now_utc() + time::Duration::days(PROGRESS_RECORD_DAYS),
                )
            }),
            provisional: kind == CredentialKind::Provisional,
            learner: LearnerIdentity {
                id: format!("{base}/learners/{learner_id}"),
                name: claim_parts.learner_name,
                email: claim_parts.learner_email,
                salt: random_id(),
            },
            achievement: AchievementClaim {
                id: format!("{base}/achievements/{achievement_id}"),
                name: claim_parts.name,
                description: claim_parts.description,
                criteria: claim_parts.criteria,
            },
            results: claim_parts.results,
            status: (format!("{issuer}/status/{list_id}"), index as u64),
        };
        let method = format!("{issuer}#key-{}", issuer_key.id);
        let (document, token) =
            sign_both(claim.to_credential(), issuer_key.key, method, now.clone()).await?;
        let mut tx = self.write().await?;
        let (credential_id,): (i64,) = sqlx::query_as(
            "INSERT INTO credentials (credential_uri, public_id, achievement_id, learner_id, kind, \
               document, jwt, issued_by, valid_from, status_list_id, status_index, issued_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(&claim.id)
        .bind(&public_id)
        .bind(achievement_id)
        .bind(learner_id)
        .bind(kind.as_str())
        .bind(document.to_string())
        .bind(&token)
        .bind(issued_by)
        .bind(&now)
        .bind(list_id)
        .bind(index)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|error| match error {
            // Another request issued the same earned credential a moment earlier.
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                CoreError::Conflict("this credential has just been issued".into())
            }
            other => other.into(),
        })?;
        // Into the learner's backpack, once per credential (a provisional record's later
        // versions are the same item).
        if first_version {
            sqlx::query(
                "INSERT INTO backpack_items (owner_id, credential_id, source, title, added_at) \
                 VALUES ($1, $2, 'issued', $3, $4)",
            )
            .bind(learner_id)
            .bind(credential_id)
            .bind(&claim.achievement.name)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        // The learner's badges.
        tx.touch_learner(learner_id);
        tx.commit().await?;
        Ok(StoredCredential {
            public_id,
            learner_id: Some(learner_id),
            institution_id,
            kind,
            document,
            jwt: token,
            issued_at: now,
            revoked: None,
        })
    }

    /// Issues every earned credential a learner is due and has not been given (automatic
    /// issuance: after each new piece of evidence, and at start-up for anything missed). A
    /// competency a newer framework retired is no longer asked for; an achievement left with
    /// no criterion is earned by nobody.
    pub async fn issue_due_credentials(
        &self,
        learner_id: UserId,
    ) -> CoreResult<Vec<StoredCredential>> {
        let due: Vec<i64> = sqlx::query_scalar(
            "SELECT a.id FROM achievements a JOIN users u ON u.institution_id = a.institution_id \
             WHERE u.id = $1 AND a.auto_issue = 1 \
               AND EXISTS (SELECT 1 FROM achievement_criteria ac \
                 JOIN competencies k ON k.id = ac.competency_id \
                 WHERE ac.achievement_id = a.id AND k.retired_at IS NULL) \
               AND NOT EXISTS (SELECT 1 FROM achievement_criteria ac \
                 JOIN competencies k ON k.id = ac.competency_id AND k.retired_at IS NULL \
                 LEFT JOIN current_levels l ON l.competency_id = ac.competency_id \
                   AND l.learner_id = u.id \
                 WHERE ac.achievement_id = a.id \
                   AND (l.level IS NULL OR l.level < ac.min_level)) \
               AND NOT EXISTS (SELECT 1 FROM credentials c WHERE c.achievement_id = a.id \
                 AND c.learner_id = u.id AND c.kind = 'earned') \
             ORDER BY a.id",
        )
        .bind(learner_id)
        .fetch_all(self.pool())
        .await?;
        let mut issued = Vec::with_capacity(due.len());
        for achievement_id in due {
            match self
                .issue_credential(learner_id, achievement_id, CredentialKind::Earned, None)
                .await
            {
                Ok(credential) => issued.push(credential),
                Err(CoreError::Conflict(_)) => {}
                Err(error) => return Err(error),
            }
        }
        Ok(issued)
    }

    /// Issues every earned credential due to any learner (run in the background at start-up,
    /// for evidence recorded while the server was down or loaded in bulk). Answers how many.
    pub async fn issue_all_due_credentials(&self) -> CoreResult<usize> {
        let learners: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT l.learner_id FROM current_levels l \
             JOIN achievement_criteria ac ON ac.competency_id = l.competency_id \
             WHERE l.level >= ac.min_level ORDER BY l.learner_id",
        )
        .fetch_all(self.pool())
        .await?;
        let mut issued = 0;
        for learner in learners {
            issued += self.issue_due_credentials(learner).await?.len();
        }
        Ok(issued)
    }

    /// The learner's earned credential for an achievement that still stands, if any.
    async fn earned_credential(
        &self,
        learner_id: UserId,
        achievement_id: i64,
    ) -> CoreResult<Option<StoredCredential>> {
        let row: Option<CredentialRow> = sqlx::query_as(&format!(
            "{CREDENTIAL_SQL} WHERE c.learner_id = $1 AND c.achievement_id = $2 \
               AND c.kind = 'earned' AND c.revoked_at IS NULL"
        ))
        .bind(learner_id)
        .bind(achievement_id)
        .fetch_optional(self.pool())
        .await?;
        row.map(stored).transpose()
    }

    /// A credential by its public id: its latest version.
    pub async fn credential(&self, public_id: &str) -> CoreResult<Option<StoredCredential>> {
        let row: Option<CredentialRow> = sqlx::query_as(&format!(
            "{CREDENTIAL_SQL} WHERE c.public_id = $1 ORDER BY c.valid_from DESC, c.id DESC LIMIT 1"
        ))
        .bind(public_id)
        .fetch_optional(self.pool())
        .await?;
        row.map(stored).transpose()
    }

    /// A credential as its public page shows it, verified now; `may_revoke` for the
    /// institution's administrators.
    pub async fn credential_view(
        &self,
        public_id: &str,
        viewer: Option<&crate::model::Viewer>,
    ) -> CoreResult<Option<CredentialView>> {
        let Some(credential) = self.credential(public_id).await? else {
            return Ok(None);
        };
        let verification = self
            .verify_credential(
                &credential.document.to_string(),
                Vantage {
                    institution: Some(credential.institution_id),
                    holder: credential.learner_id,
                },
            )
            .await?;
        let document = &credential.document;
        let text = |value: &Value| value.as_str().unwrap_or_default().to_owned();
        let subject = &document["credentialSubject"];
        let achievement = &subject["achievement"];
        let learner = subject["identifier"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|identity| identity["identityType"] == "name")
            .map(|identity| text(&identity["identityHash"]))
            .unwrap_or_default();
        let results = crate::credentials::open_badge::stated_results(document);
        Ok(Some(CredentialView {
            public_id: credential.public_id.clone(),
            url: text(&document["id"]),
            kind: credential.kind,
            name: text(&document["name"]),
            description: text(&document["description"]),
            criteria: text(&achievement["criteria"]["narrative"]),
            issuer: verification
                .issuer
                .known_name
                .clone()
                .unwrap_or_else(|| text(&document["issuer"]["id"])),
            issuer_id: text(&document["issuer"]["id"]),
            learner,
            valid_from: text(&document["validFrom"]),
            criteria_met: crate::model::CriteriaMet::of(&results),
            results,
            revoked: credential.revoked.clone(),
            verification,
            may_revoke: viewer.is_some_and(|viewer| {
                crate::policy::may_view_institution(viewer, credential.institution_id)
            }),
        }))
    }

    /// The learner's credentials, newest first (one line per credential, its latest version).
    pub async fn learner_credentials(
        &self,
        learner_id: UserId,
    ) -> CoreResult<Vec<CredentialSummary>> {
        let rows: Vec<(String, String, String, String, Option<String>, String)> = sqlx::query_as(
            "SELECT c.public_id, a.name, c.kind, c.issued_at, c.revoked_at, c.valid_from \
             FROM credentials c JOIN achievements a ON a.id = c.achievement_id \
             WHERE c.learner_id = $1 AND NOT EXISTS (SELECT 1 FROM credentials n \
               WHERE n.public_id = c.public_id AND n.id > c.id) \
             ORDER BY c.issued_at DESC, c.id DESC",
        )
        .bind(learner_id)
        .fetch_all(self.pool())
        .await?;
        let base = self.public_url();
        Ok(rows
            .into_iter()
            .map(
                |(public_id, achievement, kind, issued_at, revoked_at, _)| CredentialSummary {
                    id: format!("{base}/credentials/{public_id}"),
                    public_id,
                    achievement,
                    kind: CredentialKind::parse(&kind),
                    issued_at,
                    status: if revoked_at.is_some() {
                        "revoked"
                    } else {
                        "active"
                    }
                    .into(),
                },
            )
            .collect())
    }

    /// Revokes a credential (every version of it) with a reason; verification fails from now on.
    /// Revoking an earned badge also revokes the learner's progress records of the same
    /// achievement: they cannot stand for what the badge no longer does.
    pub async fn revoke_credential(&self, public_id: &str, reason: &str) -> CoreResult<()> {
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 500 {
            return Err(CoreError::invalid(
                "reason",
                "say why, in 1 to 500 characters",
            ));
        }
        let mut tx = self.write().await?;
        let state: Option<Option<String>> = sqlx::query_scalar(
            "SELECT MAX(revoked_at) FROM credentials WHERE public_id = $1 GROUP BY public_id",
        )
        .bind(public_id)
        .fetch_optional(&mut *tx)
        .await?;
        match state {
            None => return Err(CoreError::NotFound(format!("credential {public_id}"))),
            Some(Some(_)) => {
                return Err(CoreError::Conflict(
                    "this credential is already revoked".into(),
                ))
            }
            Some(None) => {}
        }
        let now = clock::now();
        sqlx::query(
            "UPDATE credentials SET revoked_at = $1, revocation_reason = $2 WHERE public_id = $3",
        )
        .bind(&now)
        .bind(reason)
        .bind(public_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE credentials SET revoked_at = $1, revocation_reason = $2 \
             WHERE kind = 'provisional' AND revoked_at IS NULL AND EXISTS (SELECT 1 \
               FROM credentials e WHERE e.public_id = $3 AND e.kind = 'earned' \
                 AND e.learner_id = credentials.learner_id \
                 AND e.achievement_id = credentials.achievement_id)",
        )
        .bind(&now)
        .bind(format!(
            "the badge it records progress towards was revoked: {reason}"
        ))
        .bind(public_id)
        .execute(&mut *tx)
        .await?;
        tx.touch_everyone();
        tx.commit().await?;
        Ok(())
    }

    /// The revocation bits of one of the institution's lists, from the credentials revoked.
    async fn status_bits(
        &self,
        institution_id: InstitutionId,
        list_id: i64,
    ) -> CoreResult<Option<Bitstring>> {
        let list: Option<i64> =
            sqlx::query_scalar("SELECT id FROM status_lists WHERE id = $1 AND institution_id = $2")
                .bind(list_id)
                .bind(institution_id)
                .fetch_optional(self.pool())
                .await?;
        if list.is_none() {
            return Ok(None);
        }
        let revoked: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT status_index FROM credentials \
             WHERE status_list_id = $1 AND revoked_at IS NOT NULL AND status_index IS NOT NULL",
        )
        .bind(list_id)
        .fetch_all(self.pool())
        .await?;
        let mut bits = Bitstring::new();
        for index in revoked {
            bits.set(index as usize)?;
        }
        Ok(Some(bits))
    }

    /// The signed `BitstringStatusListCredential` of a revocation list, valid for five minutes.
    pub async fn status_list_credential(
        &self,
        institution_id: InstitutionId,
        list_id: i64,
    ) -> CoreResult<Option<Value>> {
        let Some(bits) = self.status_bits(institution_id, list_id).await? else {
            return Ok(None);
        };
        let issuer = self.issuer_id(institution_id);
        let id = format!("{issuer}/status/{list_id}");
        let now = OffsetDateTime::now_utc();
        let credential = json!({
            "@context": [VC_CONTEXT],
            "id": id,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": issuer,
            "validFrom": clock::format(now),
            "validUntil": clock::format(now + time::Duration::minutes(5)),
            "credentialSubject": {
                "id": format!("{id}#list"),
                "type": "BitstringStatusList",
                "statusPurpose": "revocation",
                "encodedList": bits.encode(),
                "ttl": 300_000,
            },
        });
        let key = self.issuer_key(institution_id).await?;
        let method = format!("{issuer}#key-{}", key.id);
        let created = clock::format(now);
        let signed = tokio::task::spawn_blocking(move || {
            proof::sign(
                &credential,
                &key.key,
                &ProofOptions {
                    verification_method: &method,
                    created: &created,
                },
            )
        })
        .await
        .map_err(|_| CoreError::Conflict("signing was interrupted".into()))??;
        Ok(Some(signed))
    }

    /// A free place in one of the institution's revocation lists (a new list when all are full).
    async fn status_entry(&self, institution_id: InstitutionId) -> CoreResult<(i64, i64)> {
        let mut tx = self.write().await?;
        let open: Option<(i64, i64)> = sqlx::query_as(
            "SELECT id, next_index FROM status_lists \
             WHERE institution_id = $1 AND purpose = 'revocation' AND next_index < size \
             ORDER BY id LIMIT 1",
        )
        .bind(institution_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (list_id, index) = match open {
            Some(open) => open,
            None => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO status_lists (institution_id, purpose, size, next_index) \
                     VALUES ($1, 'revocation', $2, 0) RETURNING id",
                )
                .bind(institution_id)
                .bind(LIST_SIZE as i64)
                .fetch_one(&mut *tx)
                .await?;
                (id, 0)
            }
        };
        // Indexes are handed out in random order within a list, so that neighbours in a list
        // tell nothing about each other; here, simply in order, the list being large.
        sqlx::query("UPDATE status_lists SET next_index = next_index + 1 WHERE id = $1")
            .bind(list_id)
            .execute(&mut *tx)
            .await?;
        tx.touch_no_page();
        tx.commit().await?;
        Ok((list_id, index))
    }

    /// What an achievement's credential says about a learner.
    async fn claim_parts(&self, learner_id: UserId, achievement_id: i64) -> CoreResult<ClaimParts> {
        let learner: Option<(String, String, i64, String)> = sqlx::query_as(
            "SELECT u.name, u.email, u.institution_id, i.name FROM users u \
             JOIN institutions i ON i.id = u.institution_id WHERE u.id = $1",
        )
        .bind(learner_id)
        .fetch_optional(self.pool())
        .await?;
        let (learner_name, learner_email, institution_id, institution_name) =
            learner.ok_or_else(|| CoreError::NotFound(format!("learner {learner_id}")))?;
        let achievement: Option<(String, String, String)> = sqlx::query_as(
            "SELECT name, description, criteria_narrative FROM achievements \
             WHERE id = $1 AND institution_id = $2",
        )
        .bind(achievement_id)
        .bind(institution_id)
        .fetch_optional(self.pool())
        .await?;
        let (name, description, narrative) = achievement
            .ok_or_else(|| CoreError::NotFound(format!("achievement {achievement_id}")))?;
        let criteria: Vec<CriterionRow> = sqlx::query_as(
            "SELECT c.id, c.code, c.name, f.name AS framework, f.rubric_id, ac.min_level, l.level \
             FROM achievement_criteria ac JOIN competencies c ON c.id = ac.competency_id \
             JOIN frameworks f ON f.id = c.framework_id \
             LEFT JOIN current_levels l ON l.competency_id = c.id AND l.learner_id = $2 \
             WHERE ac.achievement_id = $1 AND c.retired_at IS NULL ORDER BY c.position, c.id",
        )
        .bind(achievement_id)
        .bind(learner_id)
        .fetch_all(self.pool())
        .await?;
        let mut rubrics: HashMap<i64, Vec<String>> = HashMap::new();
        let levels: Vec<(i64, String)> = sqlx::query_as(
            "SELECT l.rubric_id, l.name FROM rubric_levels l JOIN rubrics r ON r.id = l.rubric_id \
             WHERE r.institution_id = $1 ORDER BY l.rubric_id, l.level",
        )
        .bind(institution_id)
        .fetch_all(self.pool())
        .await?;
        for (rubric_id, name) in levels {
            rubrics.entry(rubric_id).or_default().push(name);
        }
        let base = self.public_url();
        let mut results = Vec::with_capacity(criteria.len());
        for row in criteria {
            let CriterionRow {
                id: competency_id,
                code,
                name: competency,
                framework,
                rubric_id,
                min_level,
                level,
            } = row;
            let levels = rubrics.get(&rubric_id).cloned().unwrap_or_default();
            let top = levels.len().max(1);
            let clamp = |level: f64| (level.floor().max(0.0) as usize).min(top);
            results.push(CompetencyResult {
                code,
                name: competency,
                url: format!("{base}/learners/{learner_id}/competencies/{competency_id}"),
                framework,
                levels,
                required_level: clamp(min_level.ceil()).max(1),
                achieved_level: level.map(clamp).filter(|level| *level > 0),
            });
        }
        if results.is_empty() {
            return Err(CoreError::invalid(
                "achievement",
                "it has no criteria to be met",
            ));
        }
        let criteria = if narrative.trim().is_empty() {
            format!(
                "Reach the required level in {}.",
                results
                    .iter()
                    .map(|r| r.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            narrative
        };
        Ok(ClaimParts {
            institution_id,
            institution_name,
            learner_name,
            learner_email,
            name,
            description,
            criteria,
            results,
        })
    }
}

/// An achievement criterion with the learner's level on its competency.
#[derive(sqlx::FromRow)]
struct CriterionRow {
    id: i64,
    code: String,
    name: String,
    framework: String,
    rubric_id: i64,
    min_level: f64,
    level: Option<f64>,
}

struct ClaimParts {
    institution_id: InstitutionId,
    institution_name: String,
    learner_name: String,
    learner_email: String,
    name: String,
    description: String,
    criteria: String,
    results: Vec<CompetencyResult>,
}

/// Signs a credential both ways (a Data Integrity proof, then the VC-JWT of the proven
/// credential), off the async threads: canonicalization is CPU work.
async fn sign_both(
    credential: Value,
    key: SigningKey,
    method: String,
    created: String,
) -> CoreResult<(Value, String)> {
    tokio::task::spawn_blocking(move || {
        let document = proof::sign(
            &credential,
            &key,
            &ProofOptions {
                verification_method: &method,
                created: &created,
            },
        )?;
        let token = jwt::sign(&document, &key, &method)?;
        Ok((document, token))
    })
    .await
    .map_err(|_| CoreError::Conflict("signing was interrupted".into()))?
}

fn stored(row: CredentialRow) -> CoreResult<StoredCredential> {
    let (public_id, learner_id, institution_id, kind, document, jwt, issued_at, revoked_at, reason) =
        row;
    Ok(StoredCredential {
        public_id,
        learner_id,
        institution_id,
        kind: CredentialKind::parse(&kind),
        document: serde_json::from_str(&document)
            .map_err(|error| CoreError::invalid("credential", error.to_string()))?,
        jwt,
        issued_at,
        revoked: revoked_at.map(|at| (at, reason.unwrap_or_default())),
    })
}

/// 128 random bits, base58: a credential id nobody can guess or enumerate.
fn random_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    bs58::encode(bytes).into_string()
}
