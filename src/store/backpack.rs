//! The learner's backpack: every credential issued to them here (added as it is issued) and
//! those they import from elsewhere (verified on import, refused if malformed), collections of
//! them, share links (random, optionally expiring, revocable), and a public profile of the
//! collections they choose to publish. Every change is the owner's alone.

use rand::RngCore;

use super::trust::{Outlook, Vantage};
use super::Store;
use crate::clock;
use crate::credentials::canon::canonical_nquads;
use crate::credentials::open_badge::stated_results;
use crate::credentials::verify::Presented;
use crate::error::{CoreError, CoreResult};
use crate::model::{
    Backpack, BackpackItem, Collection, CredentialKind, CriteriaMet, ItemSource, Outcome,
    ShareLink, ShareableRecord, SharedCollection, UserId,
};

/// A backpack item as stored: id, title, source, when added, an imported document, the
/// public id of a credential issued here, and an uploaded record's file.
type ItemRow = (
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
);

/// A share link as stored: id, token, created, expires, revoked.
type LinkRow = (i64, String, String, Option<String>, Option<String>);

const ITEM_SQL: &str = "SELECT b.id, b.title, b.source, b.added_at, b.imported_document, \
       c.public_id, b.file_id FROM backpack_items b \
     LEFT JOIN credentials c ON c.id = b.credential_id";

impl Store {
    /// Verifications of the owner's items: their institution's knowledge, the owner as holder.
    async fn owner_outlook(&self, owner: UserId) -> CoreResult<Outlook> {
        let institution: Option<i64> =
            sqlx::query_scalar("SELECT institution_id FROM users WHERE id = $1")
                .bind(owner)
                .fetch_optional(self.pool())
                .await?;
        self.outlook(Vantage {
            institution: Some(
                institution.ok_or_else(|| CoreError::NotFound(format!("user {owner}")))?,
            ),
            holder: Some(owner),
        })
        .await
    }

    /// The owner's backpack, each credential verified now.
    pub async fn backpack(&self, owner: UserId) -> CoreResult<Backpack> {
        let person: Option<(String, String)> =
            sqlx::query_as("SELECT name, handle FROM users WHERE id = $1")
                .bind(owner)
                .fetch_optional(self.pool())
                .await?;
        let (name, handle) = person.ok_or_else(|| CoreError::NotFound(format!("user {owner}")))?;
        let outlook = self.owner_outlook(owner).await?;
        let rows: Vec<ItemRow> = sqlx::query_as(&format!(
            "{ITEM_SQL} WHERE b.owner_id = $1 ORDER BY b.added_at DESC, b.id DESC"
        ))
        .bind(owner)
        .fetch_all(self.pool())
        .await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            items.push(self.item(row, &outlook).await?);
        }
        let collections = self.collections(owner).await?;
        let records = match self.learner_progress(owner).await? {
            Some(progress) => progress
                .achievements
                .into_iter()
                .filter(|a| a.required > 0 && a.credential.is_none())
                .map(|a| ShareableRecord {
                    achievement_id: a.id,
                    name: a.name,
                    met: a.met,
                    required: a.required,
                })
                .collect(),
            None => Vec::new(),
        };
        Ok(Backpack {
            owner: name,
            profile_path: format!("/u/{handle}"),
            items,
            collections,
            records,
            max_upload_mb: self.max_upload_bytes() / (1024 * 1024),
        })
    }

    async fn item_by_id(&self, id: i64, outlook: &Outlook) -> CoreResult<BackpackItem> {
        let row: ItemRow = sqlx::query_as(&format!("{ITEM_SQL} WHERE b.id = $1"))
            .bind(id)
            .fetch_one(self.pool())
            .await?;
        self.item(row, outlook).await
    }

    /// One item as shown: its latest document, verified now from the owner's vantage.
    async fn item(&self, row: ItemRow, outlook: &Outlook) -> CoreResult<BackpackItem> {
        let (id, title, source, added_at, imported, public_id, file_id) = row;
        if source == "uploaded" {
            return Ok(BackpackItem {
                id,
                title,
                issuer: "Uploaded by its owner".into(),
                source: ItemSource::Uploaded,
                kind: CredentialKind::Earned,
                added_at,
                credential_page: None,
                download: file_id
                    .map(|file| format!("/files/{file}"))
                    .unwrap_or_default(),
                verified: false,
                state: "Uploaded record — not a signed credential".into(),
                issuer_known: false,
                holder: Outcome::Unknown,
                problem: Some(
                    "an uploaded record, not a signed credential: it cannot be verified".into(),
                ),
                superseded_by: None,
                criteria_met: None,
            });
        }
        let superseded_by: Option<String> = match &public_id {
            Some(public_id) => sqlx::query_scalar(
                "SELECT e.public_id FROM credentials p JOIN credentials e \
                   ON e.achievement_id = p.achievement_id AND e.learner_id = p.learner_id \
                 WHERE p.public_id = $1 AND p.kind = 'provisional' AND e.kind = 'earned' \
                   AND e.revoked_at IS NULL ORDER BY e.id DESC LIMIT 1",
            )
            .bind(public_id)
            .fetch_optional(self.pool())
            .await?
            .map(|earned: String| format!("/credentials/{earned}")),
            None => None,
        };
        let mut criteria_met = None;
        let (document, source, kind, page, download) = match (source.as_str(), public_id) {
            ("issued", Some(public_id)) => {
                let credential = self
                    .credential(&public_id)
                    .await?
                    .ok_or_else(|| CoreError::NotFound(format!("credential {public_id}")))?;
                if credential.kind == CredentialKind::Provisional {
                    criteria_met = Some(CriteriaMet::of(&stated_results(&credential.document)));
                }
                (
                    credential.document.to_string(),
                    ItemSource::Issued,
                    credential.kind,
                    Some(format!("/credentials/{public_id}")),
                    format!("/credentials/{public_id}/json"),
                )
            }
            _ => (
                imported.unwrap_or_default(),
                ItemSource::Imported,
                CredentialKind::Earned,
                None,
                format!("/backpack/items/{id}/json"),
            ),
        };
        let verification = self.verify_seen_from(&document, outlook).await;
        let (verified, state, issuer, issuer_known, holder, problem) = match verification {
            Ok(verification) => {
                let known = verification.issuer.known_name.clone();
                (
                    verification.verified,
                    verification.summary(),
                    known.clone().unwrap_or_else(|| {
                        format!("{} (issuer not known)", verification.issuer.id)
                    }),
                    known.is_some(),
                    verification.outcome("holder").unwrap_or(Outcome::Unknown),
                    verification
                        .failure()
                        .map(|check| format!("{}: {}", check.check, check.detail)),
                )
            }
            Err(error) => (
                false,
                "Not verified".into(),
                String::new(),
                false,
                Outcome::Unknown,
                Some(error.to_string()),
            ),
        };
        Ok(BackpackItem {
            id,
            title,
            issuer,
            source,
            kind,
            added_at,
            credential_page: page,
            download,
            verified,
            state,
            issuer_known,
            holder,
            problem,
            superseded_by,
            criteria_met,
        })
    }

    /// Imports a credential from elsewhere (JSON or VC-JWT). Malformed, oversized, deeply
    /// nested, non-credential or unknown-context input is refused with the reason and stored
    /// nowhere, and so is a credential Cairn issued here (to the importer it is already in
    /// their backpack; to someone else it is not theirs to show). Anything else is kept and
    /// shown with its verification: an issuer not known, or a credential issued to someone
    /// else, is kept but never shown as the owner's verified credential.
    pub async fn import_credential(&self, owner: UserId, text: &str) -> CoreResult<BackpackItem> {
        let presented = Presented::parse(text)?;
        let credential = presented.credential().clone();
        let types = credential["type"].as_array().cloned().unwrap_or_default();
        if !types.iter().any(|t| t == "VerifiableCredential") {
            return Err(CoreError::invalid(
                "credential",
                "is not a verifiable credential (its type lacks VerifiableCredential)",
            ));
        }
        let checked = credential.clone();
        tokio::task::spawn_blocking(move || canonical_nquads(&checked))
            .await
            .map_err(|_| CoreError::Conflict("the import was interrupted".into()))??;
        let ours = credential["id"]
            .as_str()
            .and_then(|id| id.strip_prefix(&format!("{}/credentials/", self.public_url())))
            .map(str::to_owned);
        if let Some(public_id) = ours {
            if let Some(issued) = self.credential(&public_id).await? {
                return Err(CoreError::invalid(
                    "credential",
                    if issued.learner_id == Some(owner) {
                        "was issued to you here and is already in your backpack"
                    } else {
                        "was issued here to someone else: only the person it was issued to can \
                         add it to a backpack"
                    },
                ));
            }
        }
        let title = credential["name"]
            .as_str()
            .or(credential["credentialSubject"]["achievement"]["name"].as_str())
            .unwrap_or("Imported credential")
            .chars()
            .take(200)
            .collect::<String>();
        let outlook = self.owner_outlook(owner).await?;
        let verification = self.verify_seen_from(text, &outlook).await?;
        let now = clock::now();
        let mut tx = self.write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO backpack_items (owner_id, imported_document, source, title, verified_at, \
               added_at) VALUES ($1, $2, 'imported', $3, $4, $5) RETURNING id",
        )
        .bind(owner)
        .bind(text.trim())
        .bind(&title)
        .bind(verification.verified.then(|| now.clone()))
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?;
        tx.touch_learner(owner);
        tx.commit().await?;
        self.item_by_id(id, &outlook).await
    }

    /// Adds a record of training done elsewhere, with its certificate file (checked and kept
    /// by `save_file`; nothing is kept when either is refused).
    pub async fn add_training_record(
        &self,
        owner: UserId,
        title: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> CoreResult<BackpackItem> {
        let title = title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            return Err(CoreError::invalid(
                "title",
                "say what the training was, in 1 to 200 characters",
            ));
        }
        let file = self.save_file(owner, file_name, bytes).await?;
        let mut tx = self.write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO backpack_items (owner_id, source, title, file_id, added_at) \
             VALUES ($1, 'uploaded', $2, $3, $4) RETURNING id",
        )
        .bind(owner)
        .bind(title)
        .bind(file.id)
        .bind(clock::now())
        .fetch_one(&mut *tx)
        .await?;
        tx.touch_learner(owner);
        tx.commit().await?;
        self.item_by_id(id, &self.owner_outlook(owner).await?).await
    }

    /// The JSON (or JWT) of an imported item, for its owner to download.
    pub async fn imported_document(&self, owner: UserId, item: i64) -> CoreResult<String> {
        let document: Option<Option<String>> = sqlx::query_scalar(
            "SELECT imported_document FROM backpack_items WHERE id = $1 AND owner_id = $2",
        )
        .bind(item)
        .bind(owner)
        .fetch_optional(self.pool())
        .await?;
        document
            .flatten()
            .ok_or_else(|| CoreError::NotFound(format!("backpack item {item}")))
    }

    async fn collections(&self, owner: UserId) -> CoreResult<Vec<Collection>> {
        let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
            "SELECT id, name, description, is_public FROM backpack_collections \
             WHERE owner_id = $1 ORDER BY id",
        )
        .bind(owner)
        .fetch_all(self.pool())
        .await?;
        let now = clock::now();
        let mut collections = Vec::with_capacity(rows.len());
        for (id, name, description, public) in rows {
            let item_ids: Vec<i64> = sqlx::query_scalar(
                "SELECT item_id FROM collection_items WHERE collection_id = $1 \
                 ORDER BY position, item_id",
            )
            .bind(id)
            .fetch_all(self.pool())
            .await?;
            let links: Vec<LinkRow> = sqlx::query_as(
                "SELECT id, token, created_at, expires_at, revoked_at FROM share_links \
                     WHERE collection_id = $1 ORDER BY id",
            )
            .bind(id)
            .fetch_all(self.pool())
            .await?;
            collections.push(Collection {
                id,
                name,
                description,
                public: public != 0,
                item_ids,
                links: links
                    .into_iter()
                    .map(
                        |(id, token, created_at, expires_at, revoked_at)| ShareLink {
                            id,
                            path: format!("/share/{token}"),
                            revoked: revoked_at.is_some()
                                || expires_at.as_deref().is_some_and(|at| at <= now.as_str()),
                            created_at,
                            expires_at,
                        },
                    )
                    .collect(),
            });
        }
        Ok(collections)
    }

    /// A new, empty collection.
    pub async fn create_collection(
        &self,
        owner: UserId,
        name: &str,
        description: &str,
    ) -> CoreResult<i64> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(CoreError::invalid(
                "name",
                "a collection needs a name of 1 to 100 characters",
            ));
        }
        if description.chars().count() > 1000 {
            return Err(CoreError::invalid(
                "description",
                "at most 1,000 characters",
            ));
        }
        let mut tx = self.write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO backpack_collections (owner_id, name, description, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(owner)
        .bind(name)
        .bind(description.trim())
        .bind(clock::now())
        .fetch_one(&mut *tx)
        .await?;
        tx.touch_learner(owner);
        tx.commit().await?;
        Ok(id)
    }

    /// The owner's collection, or `NotFound` (someone else's is not found either).
    async fn owned_collection(&self, owner: UserId, collection: i64) -> CoreResult<()> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM backpack_collections WHERE id = $1 AND owner_id = $2",
        )
        .bind(collection)
        .bind(owner)
        .fetch_optional(self.pool())
        .await?;
        found
            .map(|_| ())
            .ok_or_else(|| CoreError::NotFound(format!("collection {collection}")))
    }

    /// Puts one of the owner's items into a collection (at its end), or takes it out.
    pub async fn include_item(
        &self,
        owner: UserId,
        collection: i64,
        item: i64,
        include: bool,
    ) -> CoreResult<()> {
        self.owned_collection(owner, collection).await?;
        let mine: Option<i64> =
            sqlx::query_scalar("SELECT id FROM backpack_items WHERE id = $1 AND owner_id = $2")
                .bind(item)
                .bind(owner)
                .fetch_optional(self.pool())
                .await?;
        if mine.is_none() {
            return Err(CoreError::NotFound(format!("backpack item {item}")));
        }
        let mut tx = self.write().await?;
        if include {
            sqlx::query(
                "INSERT INTO collection_items (collection_id, item_id, position) \
                 SELECT $1, $2, COALESCE(MAX(position) + 1, 0) FROM collection_items \
                 WHERE collection_id = $1 ON CONFLICT DO NOTHING",
            )
            .bind(collection)
            .bind(item)
            .execute(&mut *tx)
            .await?;
        } else {
            sqlx::query("DELETE FROM collection_items WHERE collection_id = $1 AND item_id = $2")
                .bind(collection)
                .bind(item)
                .execute(&mut *tx)
                .await?;
        }
        tx.touch_learner(owner);
        tx.commit().await?;
        Ok(())
    }

    /// Shows a collection on the owner's public profile page, or stops showing it.
    pub async fn set_collection_public(
        &self,
        owner: UserId,
        collection: i64,
        public: bool,
    ) -> CoreResult<()> {
        self.owned_collection(owner, collection).await?;
        let mut tx = self.write().await?;
        sqlx::query("UPDATE backpack_collections SET is_public = $1 WHERE id = $2")
            .bind(public as i64)
            .bind(collection)
            .execute(&mut *tx)
            .await?;
        tx.touch_learner(owner);
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a collection and its share links (its credentials stay in the backpack).
    pub async fn delete_collection(&self, owner: UserId, collection: i64) -> CoreResult<()> {
        self.owned_collection(owner, collection).await?;
        let mut tx = self.write().await?;
        for table in ["share_links", "collection_items"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE collection_id = $1"))
                .bind(collection)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("DELETE FROM backpack_collections WHERE id = $1")
            .bind(collection)
            .execute(&mut *tx)
            .await?;
        tx.touch_learner(owner);
        tx.commit().await?;
        Ok(())
    }

    /// A new share link for a collection, valid for `days` (1 to 365) or until revoked.
    pub async fn create_share_link(
        &self,
        owner: UserId,
        collection: i64,
        days: Option<i64>,
    ) -> CoreResult<ShareLink> {
        self.owned_collection(owner, collection).await?;
        if days.is_some_and(|days| !(1..=365).contains(&days)) {
            return Err(CoreError::invalid(
                "expires",
                "a link lasts 1 to 365 days, or until revoked",
            ));
        }
        let mut bytes = [0u8; 18];
        rand::rng().fill_bytes(&mut bytes);
        let token = bs58::encode(bytes).into_string();
        let now = time::OffsetDateTime::now_utc();
        let created_at = clock::format(now);
        let expires_at = days.map(|days| clock::format(now + time::Duration::days(days)));
        let mut tx = self.write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO share_links (collection_id, token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(collection)
        .bind(&token)
        .bind(&created_at)
        .bind(&expires_at)
        .fetch_one(&mut *tx)
        .await?;
        tx.touch_learner(owner);
        tx.commit().await?;
        Ok(ShareLink {
            id,
            path: format!("/share/{token}"),
            created_at,
            expires_at,
            revoked: false,
        })
    }

    /// Revokes one of the owner's share links: it stops working at once.
    pub async fn revoke_share_link(&self, owner: UserId, link: i64) -> CoreResult<()> {
        let mut tx = self.write().await?;
        let updated = sqlx::query(
            "UPDATE share_links SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL \
               AND collection_id IN (SELECT id FROM backpack_collections WHERE owner_id = $3)",
        )
        .bind(clock::now())
        .bind(link)
        .bind(owner)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated == 0 {
            return Err(CoreError::NotFound(format!("share link {link}")));
        }
        tx.touch_learner(owner);
        tx.commit().await?;
        Ok(())
    }

    /// The collection behind a share link, for anyone holding it; `None` when the link is
    /// unknown, revoked or expired.
    pub async fn shared_collection(&self, token: &str) -> CoreResult<Option<SharedCollection>> {
        match self.live_share(token).await? {
            Some(collection) => self.shown_collection(collection).await.map(Some),
            None => Ok(None),
        }
    }

    /// The collection a share link opens while it is neither revoked nor expired.
    async fn live_share(&self, token: &str) -> CoreResult<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT collection_id FROM share_links WHERE token = $1 AND revoked_at IS NULL \
               AND (expires_at IS NULL OR expires_at > $2)",
        )
        .bind(token)
        .bind(clock::now())
        .fetch_optional(self.pool())
        .await?)
    }

    /// Whether a share link opens anything now (without showing, or verifying, what it opens).
    pub async fn share_link_is_live(&self, token: &str) -> CoreResult<bool> {
        Ok(self.live_share(token).await?.is_some())
    }

    /// The collections a person chose to publish on their profile, by handle; `None` when
    /// there is no such person or nothing is public.
    pub async fn public_profile(
        &self,
        handle: &str,
    ) -> CoreResult<Option<(String, Vec<SharedCollection>)>> {
        let collections = self.public_collections(handle).await?;
        let Some(name) = collections.first().map(|(_, name)| name.clone()) else {
            return Ok(None);
        };
        let mut shown = Vec::with_capacity(collections.len());
        for (id, _) in collections {
            shown.push(self.shown_collection(id).await?);
        }
        Ok(Some((name, shown)))
    }

    /// Whether a person has published anything (without showing, or verifying, it).
    pub async fn has_public_profile(&self, handle: &str) -> CoreResult<bool> {
        Ok(!self.public_collections(handle).await?.is_empty())
    }

    async fn public_collections(&self, handle: &str) -> CoreResult<Vec<(i64, String)>> {
        Ok(sqlx::query_as(
            "SELECT c.id, u.name FROM backpack_collections c JOIN users u ON u.id = c.owner_id \
             WHERE u.handle = $1 AND c.is_public = 1 ORDER BY c.id",
        )
        .bind(handle)
        .fetch_all(self.pool())
        .await?)
    }

    /// A collection as anyone may see it: a credential issued to someone else is left out,
    /// and one is shown as verified only when it verifies from its owner's institution and
    /// was issued to its owner.
    async fn shown_collection(&self, collection: i64) -> CoreResult<SharedCollection> {
        let (owner_id, owner, name, description): (i64, String, String, String) = sqlx::query_as(
            "SELECT u.id, u.name, c.name, c.description FROM backpack_collections c \
             JOIN users u ON u.id = c.owner_id WHERE c.id = $1",
        )
        .bind(collection)
        .fetch_one(self.pool())
        .await?;
        let rows: Vec<ItemRow> = sqlx::query_as(&format!(
            "{ITEM_SQL} JOIN collection_items ci ON ci.item_id = b.id \
             WHERE ci.collection_id = $1 ORDER BY ci.position, b.id"
        ))
        .bind(collection)
        .fetch_all(self.pool())
        .await?;
        let outlook = self.owner_outlook(owner_id).await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            let mut item = self.item(row, &outlook).await?;
            if item.holder == Outcome::Failed {
                continue;
            }
            if item.holder != Outcome::Passed && item.verified {
                item.verified = false;
                item.state = format!("Not confirmed as issued to {owner}");
            }
            // Anyone may open an issued credential's page; imported documents and uploaded
            // files are downloadable by their owner only.
            if item.source != ItemSource::Issued {
                item.download.clear();
            }
            items.push(item);
        }
        Ok(SharedCollection {
            owner,
            name,
            description,
            items,
        })
    }
}
