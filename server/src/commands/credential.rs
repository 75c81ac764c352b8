//! `cairn credential`: verify any Open Badges 3.0 credential file, offline; revoke one of
//! Cairn's.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use cairn::credentials::keys::document_keys;
use cairn::credentials::status_list::Bitstring;
use cairn::credentials::verify::{Holder, Presented, StatusSource, Trust};
use cairn::model::{Outcome, Verification};
use cairn::store::trust::Vantage;
use cairn::store::Store;
use clap::{Args, Subcommand};
use serde_json::Value;

use crate::config::DatabaseArgs;

#[derive(Args, Debug)]
pub struct CredentialArgs {
    #[command(subcommand)]
    pub action: CredentialAction,
}

#[derive(Subcommand, Debug)]
pub enum CredentialAction {
    /// Verify a credential (JSON with Data Integrity or Ed25519Signature2020 proofs, or a
    /// VC-JWT), offline: format, signature, issuer, validity window, status and holder, each
    /// reported; exits non-zero naming the first check that failed or could not be decided
    Verify {
        /// The credential file
        file: PathBuf,
        /// An issuer to trust: its profile or DID document (a JSON file, whose keys verify its
        /// credentials; nothing is fetched), or a DID (a did:key needs no document)
        #[arg(long = "issuer", value_name = "FILE|DID")]
        issuers: Vec<String>,
        /// The email address or identifier of the person presenting the credential, to check
        /// it was issued to them
        #[arg(long)]
        holder: Option<String>,
        /// A BitstringStatusListCredential (JSON) to check revocation against
        #[arg(long = "status-list", value_name = "FILE")]
        status_lists: Vec<PathBuf>,
        /// Print the result as JSON
        #[arg(long)]
        json: bool,
        /// Public base URL of this Cairn: its own issuers' keys are read from its database
        #[arg(
            long,
            env = "CAIRN_PUBLIC_URL",
            default_value = "http://127.0.0.1:3000"
        )]
        public_url: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Revoke a credential of this Cairn: its status list changes and verification fails
    Revoke {
        /// The credential's id (the last part of its URL)
        id: String,
        /// Why (shown to whoever verifies it)
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

pub async fn run(args: CredentialArgs) -> anyhow::Result<()> {
    match args.action {
        CredentialAction::Verify {
            file,
            issuers,
            holder,
            status_lists,
            json,
            public_url,
            database,
        } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let store = own_store(&database, &public_url).await?;
            let given = Given {
                issuers: &issuers,
                holder: holder.as_deref(),
                status_lists: &status_lists,
            };
            let verification = verify(&text, store.as_ref(), given).await?;
            if let Some(store) = store {
                store.close().await;
            }
            report(&verification, json)?;
            if let Some(failed) = verification.failure() {
                let outcome = match failed.outcome {
                    Outcome::Unknown => "could not be checked",
                    _ => "failed",
                };
                bail!(
                    "not verified: {} check {outcome}: {}",
                    failed.check,
                    failed.detail
                );
            }
            if !verification.verified {
                bail!("not verified: it was issued to someone else");
            }
            Ok(())
        }
        CredentialAction::Revoke {
            id,
            reason,
            database,
        } => {
            let store = database.open().await?;
            store
                .revoke_credential(&id, &reason)
                .await
                .with_context(|| format!("cannot revoke credential {id}"))?;
            store.close().await;
            println!("Revoked credential {id}: {reason}");
            Ok(())
        }
    }
}

/// This Cairn's database, when there is one to read keys from (verifying never creates it).
async fn own_store(database: &DatabaseArgs, public_url: &str) -> anyhow::Result<Option<Store>> {
    let exists = database.database_url.is_some() || database.data_dir.join("cairn.db").exists();
    if !exists {
        return Ok(None);
    }
    let store = database.open().await?;
    store.set_public_url(public_url);
    Ok(Some(store))
}

/// What the command line was given besides the credential.
struct Given<'a> {
    issuers: &'a [String],
    holder: Option<&'a str>,
    status_lists: &'a [PathBuf],
}

async fn verify(
    text: &str,
    store: Option<&Store>,
    given: Given<'_>,
) -> anyhow::Result<Verification> {
    let presented = Presented::parse(text).map_err(|error| anyhow::anyhow!("{error}"))?;
    let mut trust = match store {
        Some(store) => {
            let outlook = store.outlook(Vantage::default()).await?;
            store.trust_for(&presented, &outlook).await?
        }
        None => Trust {
            knower: "this verifier".into(),
            ..Trust::default()
        },
    };
    for issuer in given.issuers {
        let path = Path::new(issuer);
        if issuer.starts_with("did:") && !path.exists() {
            trust.known_issuers.insert(issuer.clone(), issuer.clone());
        } else {
            trust_issuer(&mut trust, &read_json(path)?, path)?;
        }
    }
    if let Some(holder) = given.holder {
        trust.holder = Some(Holder {
            name: holder.to_owned(),
            ids: vec![holder.to_owned()],
            emails: vec![holder.to_owned()],
            local_prefixes: Vec::new(),
        });
    }
    for path in given.status_lists {
        let list = read_json(path)?;
        let id = list["id"]
            .as_str()
            .with_context(|| format!("{}: the status list has no id", path.display()))?;
        let bits = Bitstring::decode(
            list["credentialSubject"]["encodedList"]
                .as_str()
                .unwrap_or(""),
        )
        .map_err(|error| anyhow::anyhow!("{}: {error}", path.display()))?;
        trust
            .status_lists
            .insert(id.to_owned(), StatusSource::List(bits));
    }
    tokio::task::spawn_blocking(move || presented.verify(&trust, time::OffsetDateTime::now_utc()))
        .await
        .context("verification was interrupted")
}

/// Trusts an issuer document: its keys (Multikey, Ed25519VerificationKey2020 or 2018, JWK),
/// each for the document's id, and the issuer itself under the document's name.
fn trust_issuer(trust: &mut Trust, document: &Value, path: &Path) -> anyhow::Result<()> {
    let (controller, keys) =
        document_keys(document).map_err(|error| anyhow::anyhow!("{}: {error}", path.display()))?;
    trust.vouch_for(&controller, keys);
    let name = document["name"].as_str().unwrap_or(&controller).to_owned();
    trust.known_issuers.insert(controller, name);
    Ok(())
}

fn read_json(path: &Path) -> anyhow::Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))
}

fn report(verification: &Verification, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(verification)?);
        return Ok(());
    }
    for check in &verification.checks {
        let mark = match check.outcome {
            Outcome::Passed => "ok  ",
            Outcome::Failed => "FAIL",
            Outcome::Unknown => "??  ",
        };
        println!("{mark} {:<16} {}", check.check, check.detail);
    }
    println!(
        "{}",
        if verification.verified {
            "verified"
        } else {
            "NOT verified"
        }
    );
    Ok(())
}
