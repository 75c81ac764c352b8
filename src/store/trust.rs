//! Whom an institution trusts, and everything a verification needs from the store: this
//! Cairn's keys and status lists, the institution's list of trusted issuers (with the keys of
//! their uploaded profiles or DID documents), who is showing the credential, and whether a
//! newer version of it exists. A signature, once checked against the same keys, is remembered:
//! it cannot change, so share pages do not canonicalize on every request.

use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::Value;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::audit::Actor;
use super::Store;
use crate::clock;
use crate::credentials::keys::{self, document_keys};
use crate::credentials::verify::{
    Holder, Needs, Presented, SignatureOutcome, StatusSource, Trust, TrustedKey,
};
use crate::error::{CoreError, CoreResult};
use crate::model::{InstitutionId, TrustedIssuer, TrustedIssuers, UserId, Verification};

/// Whose verification it is: the institution whose knowledge of issuers counts (`None`: every
/// institution of this Cairn, as its command line sees it), and the person showing the
/// credential, if any.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Vantage {
    pub institution: Option<InstitutionId>,
    pub holder: Option<UserId>,
}

/// What one vantage knows, loaded once for a page of credentials: the issuers known there by
/// name, the trusted issuers' rows (identifier, name, document), and the holder.
#[derive(Clone, Debug, Default)]
pub struct Outlook {
    knower: String,
    known: HashMap<String, String>,
    trusted: Vec<(String, String, Option<String>)>,
    holder: Option<Holder>,
}

impl Outlook {
    /// The trusted issuers a credential names (as its issuer or as the controller of a
    /// verification method): known under their names, their documents' keys vouched for.
    fn add_trusted_issuers(&self, needs: &Needs, trust: &mut Trust) {
        let named: Vec<&str> = needs
            .issuer
            .iter()
            .map(String::as_str)
            .chain(
                needs
                    .verification_methods
                    .iter()
                    .map(|method| method.split('#').next().unwrap_or(method)),
            )
            .collect();
        for (issuer, name, document) in &self.trusted {
            if !named.contains(&issuer.as_str()) {
                continue;
            }
            let parsed = document
                .as_deref()
                .and_then(|text| serde_json::from_str::<Value>(text).ok())
                .and_then(|document| document_keys(&document).ok());
            if let Some((controller, methods)) = parsed {
                trust.vouch_for(&controller, methods);
            }
            trust.known_issuers.insert(issuer.clone(), name.clone());
        }
    }
}

/// Signature outcomes already established, by credential and keys.
#[derive(Debug, Default)]
pub(crate) struct SignatureMemo(Mutex<HashMap<[u8; 32], SignatureOutcome>>);

/// Remembered outcomes at most; past it the memory starts afresh.
const MEMO_ENTRIES: usize = 8192;

impl SignatureMemo {
    fn get(&self, key: &[u8; 32]) -> Option<SignatureOutcome> {
        self.0.lock().ok()?.get(key).cloned()
    }

    fn put(&self, key: [u8; 32], outcome: SignatureOutcome) {
        if let Ok(mut memo) = self.0.lock() {
            if memo.len() >= MEMO_ENTRIES {
                memo.clear();
            }
            memo.insert(key, outcome);
        }
    }
}

/// The memo's key: the credential's text and every key its methods resolved to.
fn memo_key(text: &str, presented: &Presented, trust: &Trust) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(text.trim().as_bytes());
    for method in presented.needs().verification_methods {
        hash.update(b"\n");
        hash.update(method.as_bytes());
        if let Some(found) = trust.keys.get(&method) {
            hash.update(found.key.fingerprint());
            hash.update(found.controller.as_bytes());
        }
    }
    hash.finalize().into()
}

/// The largest issuer document accepted.
const MAX_DOCUMENT_BYTES: usize = 64 * 1024;

impl Store {
    /// Verifies any credential (JSON or VC-JWT) from `vantage`. The signature is checked once
    /// per credential and keys; status, validity, issuer and holder are looked at every time.
    pub async fn verify_credential(
        &self,
        text: &str,
        vantage: Vantage,
    ) -> CoreResult<Verification> {
        let outlook = self.outlook(vantage).await?;
        self.verify_seen_from(text, &outlook).await
    }

    /// Verifies a credential with what a vantage knows already loaded (a page of credentials
    /// loads it once).
    pub async fn verify_seen_from(
        &self,
        text: &str,
        outlook: &Outlook,
    ) -> CoreResult<Verification> {
        let presented = Presented::parse(text)?;
        let trust = self.trust_for(&presented, outlook).await?;
        let key = memo_key(text, &presented, &trust);
        let now = OffsetDateTime::now_utc();
        if let Some(signature) = self.signatures.get(&key) {
            return Ok(presented.verify_with(&trust, now, signature));
        }
        let (verification, signature) = tokio::task::spawn_blocking(move || {
            let signature = presented.signature(&trust);
            (
                presented.verify_with(&trust, now, signature.clone()),
                signature,
            )
        })
        .await
        .map_err(|_| CoreError::Conflict("verification was interrupted".into()))?;
        self.signatures.put(key, signature);
        Ok(verification)
    }

    /// What a vantage knows: the issuers known there (its institution and that institution's
    /// trusted issuers, or every institution of this Cairn), and the holder.
    pub async fn outlook(&self, vantage: Vantage) -> CoreResult<Outlook> {
        let mut outlook = Outlook::default();
        let institutions: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, name FROM institutions ORDER BY id")
                .fetch_all(self.pool())
                .await?;
        match vantage.institution {
            Some(own) => {
                if let Some((_, name)) = institutions.iter().find(|(id, _)| *id == own) {
                    outlook.knower = name.clone();
                    outlook.known.insert(self.issuer_id(own), name.clone());
                }
                outlook.trusted = sqlx::query_as(
                    "SELECT issuer, name, document FROM trusted_issuers \
                     WHERE institution_id = $1",
                )
                .bind(own)
                .fetch_all(self.pool())
                .await?;
            }
            None => {
                outlook.knower = "this Cairn".into();
                for (id, name) in institutions {
                    outlook.known.insert(self.issuer_id(id), name);
                }
            }
        }
        if let Some(holder) = vantage.holder {
            let person: Option<(String, String, String)> =
                sqlx::query_as("SELECT name, email, handle FROM users WHERE id = $1")
                    .bind(holder)
                    .fetch_optional(self.pool())
                    .await?;
            if let Some((name, email, handle)) = person {
                let base = self.public_url();
                outlook.holder = Some(Holder {
                    name,
                    ids: vec![
                        format!("{base}/learners/{holder}"),
                        format!("{base}/u/{handle}"),
                    ],
                    emails: vec![email],
                    local_prefixes: vec![format!("{base}/learners/"), format!("{base}/u/")],
                });
            }
        }
        Ok(outlook)
    }

    /// What verifying a credential needs from where it is seen: keys, status lists, the
    /// issuers known there, the holder, and whether a newer version of it was issued here.
    pub async fn trust_for(&self, presented: &Presented, outlook: &Outlook) -> CoreResult<Trust> {
        let needs = presented.needs();
        let mut trust = Trust {
            knower: outlook.knower.clone(),
            known_issuers: outlook.known.clone(),
            holder: outlook.holder.clone(),
            ..Trust::default()
        };
        outlook.add_trusted_issuers(&needs, &mut trust);
        let base = self.public_url();
        let issuers = format!("{base}/issuers/");
        let numbers = |rest: &str, separator: &str| -> Option<(i64, i64)> {
            let (first, second) = rest.strip_prefix(&issuers)?.split_once(separator)?;
            Some((first.parse().ok()?, second.parse().ok()?))
        };
        for method in &needs.verification_methods {
            let Some((institution, key_id)) = numbers(method, "#key-") else {
                continue;
            };
            let key: Option<String> = sqlx::query_scalar(
                "SELECT public_key FROM signing_keys WHERE id = $1 AND institution_id = $2",
            )
            .bind(key_id)
            .bind(institution)
            .fetch_optional(self.pool())
            .await?;
            if let Some(key) = key {
                trust.keys.insert(
                    method.clone(),
                    TrustedKey {
                        key: keys::PublicKey::Ed25519(keys::parse_public_multibase(&key)?),
                        controller: self.issuer_id(institution),
                    },
                );
            }
        }
        for (list, index) in &needs.status_lists {
            let (Some((institution, list_id)), Some(index)) = (numbers(list, "/status/"), index)
            else {
                continue;
            };
            // None when there is no such list; else how many revoked credentials hold the entry.
            let revoked: Option<i64> = sqlx::query_scalar(
                "SELECT COUNT(c.id) FROM status_lists s LEFT JOIN credentials c \
                   ON c.status_list_id = s.id AND c.status_index = $3 \
                   AND c.revoked_at IS NOT NULL \
                 WHERE s.id = $1 AND s.institution_id = $2 GROUP BY s.id",
            )
            .bind(list_id)
            .bind(institution)
            .bind(*index as i64)
            .fetch_optional(self.pool())
            .await?;
            if let Some(revoked) = revoked {
                trust.status_lists.insert(
                    list.clone(),
                    StatusSource::Entry {
                        index: *index,
                        set: revoked > 0,
                    },
                );
            }
        }
        if let Some(public_id) = needs
            .id
            .as_deref()
            .and_then(|id| id.strip_prefix(&format!("{base}/credentials/")))
        {
            let latest: Option<String> =
                sqlx::query_scalar("SELECT MAX(valid_from) FROM credentials WHERE public_id = $1")
                    .bind(public_id)
                    .fetch_optional(self.pool())
                    .await?
                    .flatten();
            let stated = presented.credential()["validFrom"]
                .as_str()
                .unwrap_or_default();
            if let Some(latest) = latest.filter(|latest| latest.as_str() > stated) {
                trust.superseded_on = Some(latest.chars().take(10).collect());
            }
        }
        Ok(trust)
    }

    /// The institution's trusted issuers, oldest first.
    pub async fn trusted_issuers(&self, institution: InstitutionId) -> CoreResult<TrustedIssuers> {
        let name = self.institution_name(institution).await?;
        let rows: Vec<(i64, String, String, Option<String>, String)> = sqlx::query_as(
            "SELECT id, issuer, name, document, added_at FROM trusted_issuers \
             WHERE institution_id = $1 ORDER BY id",
        )
        .bind(institution)
        .fetch_all(self.pool())
        .await?;
        Ok(TrustedIssuers {
            own_issuer: self.issuer_id(institution),
            institution: name,
            issuers: rows
                .into_iter()
                .map(|(id, issuer, name, document, added_at)| TrustedIssuer {
                    id,
                    issuer,
                    name,
                    keys: document
                        .as_deref()
                        .and_then(|text| serde_json::from_str::<Value>(text).ok())
                        .and_then(|document| document_keys(&document).ok())
                        .map(|(_, keys)| keys.into_iter().map(|(method, _)| method).collect())
                        .unwrap_or_default(),
                    added_at,
                })
                .collect(),
        })
    }

    /// Adds a trusted issuer: by its DID or URL, or by its profile or DID document (which
    /// gives its identifier, its keys and, when no name is given, its name). Each problem is
    /// refused with the reason and nothing is kept.
    pub async fn add_trusted_issuer(
        &self,
        by: Actor<'_>,
        issuer: &str,
        name: &str,
        document: Option<&str>,
    ) -> CoreResult<i64> {
        let (issuer, name, document) = checked_issuer(issuer, name, document)?;
        if issuer == self.issuer_id(by.institution_id) {
            return Err(CoreError::invalid(
                "issuer",
                "is this institution itself, which is always trusted",
            ));
        }
        let mut tx = self.write_as(by).await?;
        let taken: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM trusted_issuers WHERE institution_id = $1 AND issuer = $2",
        )
        .bind(by.institution_id)
        .bind(&issuer)
        .fetch_optional(&mut *tx)
        .await?;
        if taken.is_some() {
            return Err(CoreError::invalid(
                "issuer",
                format!("{issuer} is already on the list"),
            ));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO trusted_issuers (institution_id, issuer, name, document, added_by, \
               added_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(by.institution_id)
        .bind(&issuer)
        .bind(&name)
        .bind(&document)
        .bind(by.actor_id)
        .bind(clock::now())
        .fetch_one(&mut *tx)
        .await?;
        let detail = format!(
            "{name} ({issuer}){}",
            if document.is_some() {
                ", with its document"
            } else {
                ""
            }
        );
        self.commit_action(tx, "trust issuer", ("issuer", Some(id.to_string())), detail)
            .await?;
        Ok(id)
    }

    /// Takes an issuer off the institution's list: its credentials are "not known" from now on.
    pub async fn remove_trusted_issuer(&self, by: Actor<'_>, id: i64) -> CoreResult<()> {
        let mut tx = self.write_as(by).await?;
        let found: Option<(String, String)> = sqlx::query_as(
            "SELECT issuer, name FROM trusted_issuers WHERE id = $1 AND institution_id = $2",
        )
        .bind(id)
        .bind(by.institution_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (issuer, name) = found.ok_or_else(|| CoreError::NotFound(format!("issuer {id}")))?;
        sqlx::query("DELETE FROM trusted_issuers WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        self.commit_action(
            tx,
            "stop trusting issuer",
            ("issuer", Some(id.to_string())),
            format!("{name} ({issuer})"),
        )
        .await
    }
}

/// A trusted issuer's identifier, name and document, checked: the identifier a DID or an
/// http(s) URL (or the document's id), the document one whose keys Cairn reads, the name given
/// or the document's.
fn checked_issuer(
    issuer: &str,
    name: &str,
    document: Option<&str>,
) -> CoreResult<(String, String, Option<String>)> {
    let document = document.map(str::trim).filter(|text| !text.is_empty());
    let mut issuer = issuer.trim().to_owned();
    let mut name = name.trim().to_owned();
    let kept = match document {
        None => None,
        Some(text) => {
            if text.len() > MAX_DOCUMENT_BYTES {
                return Err(CoreError::invalid(
                    "document",
                    format!("is larger than {} KB", MAX_DOCUMENT_BYTES / 1024),
                ));
            }
            let value: Value = serde_json::from_str(text)
                .map_err(|error| CoreError::invalid("document", format!("is not JSON: {error}")))?;
            let (controller, _) = document_keys(&value)?;
            if !issuer.is_empty() && issuer != controller {
                return Err(CoreError::invalid(
                    "document",
                    format!("is the document of {controller}, not of {issuer}"),
                ));
            }
            issuer = controller;
            if name.is_empty() {
                name = value["name"].as_str().unwrap_or_default().trim().to_owned();
            }
            Some(value.to_string())
        }
    };
    if issuer.is_empty() {
        return Err(CoreError::invalid(
            "issuer",
            "give the issuer's DID or URL, or upload its profile or DID document",
        ));
    }
    let well_formed = if let Some(multibase) = issuer.strip_prefix("did:key:") {
        keys::parse_public_multibase(multibase).is_ok()
    } else if issuer.starts_with("did:") {
        issuer.split(':').count() >= 3 && !issuer.contains(char::is_whitespace)
    } else {
        (issuer.starts_with("https://") || issuer.starts_with("http://"))
            && issuer.len() > "https://".len()
            && !issuer.contains(char::is_whitespace)
    };
    if !well_formed || issuer.chars().count() > 500 {
        return Err(CoreError::invalid(
            "issuer",
            format!("{issuer} is neither a DID nor an http(s) URL"),
        ));
    }
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(CoreError::invalid(
            "name",
            "give the issuer's name, 1 to 200 characters",
        ));
    }
    Ok((issuer, name, kept))
}
