//! `cairn credential`: verify any Open Badges 3.0 credential file, offline; revoke one of
//! Cairn's.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use cairn::credentials::keys::parse_public_multibase;
use cairn::credentials::status_list::Bitstring;
use cairn::credentials::verify::{Presented, Trust, TrustedKey};
use cairn::model::Verification;
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
    /// Verify an OB 3.0 credential (JSON with an eddsa-rdfc-2022 proof, or a VC-JWT); exits
    /// non-zero naming the failed check
    Verify {
        /// The credential file
        file: PathBuf,
        /// An issuer profile or controller document (JSON) whose Multikeys to trust, for
        /// credentials of other issuers (their keys are never fetched)
        #[arg(long = "issuer", value_name = "FILE")]
        issuers: Vec<PathBuf>,
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
            status_lists,
            json,
            public_url,
            database,
        } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let store = own_store(&database, &public_url).await?;
            let verification = verify(&text, store.as_ref(), &issuers, &status_lists).await?;
            if let Some(store) = store {
                store.close().await;
            }
            report(&verification, json)?;
            if let Some(failed) = verification.failure() {
                bail!(
                    "not verified: {} check failed: {}",
                    failed.check,
                    failed.detail
                );
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

async fn verify(
    text: &str,
    store: Option<&Store>,
    issuers: &[PathBuf],
    status_lists: &[PathBuf],
) -> anyhow::Result<Verification> {
    let presented = Presented::parse(text).map_err(|error| anyhow::anyhow!("{error}"))?;
    let mut trust = match store {
        Some(store) => store.trust_for(&presented).await?,
        None => Trust::default(),
    };
    for path in issuers {
        trust_issuer(&mut trust, &read_json(path)?, path)?;
    }
    for path in status_lists {
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
        trust.status_lists.insert(id.to_owned(), bits);
    }
    tokio::task::spawn_blocking(move || presented.verify(&trust, time::OffsetDateTime::now_utc()))
        .await
        .context("verification was interrupted")
}

/// Trusts the Multikeys an issuer document lists in `assertionMethod` (or
/// `verificationMethod`), each for the document's id.
fn trust_issuer(trust: &mut Trust, document: &Value, path: &Path) -> anyhow::Result<()> {
    let controller = document["id"]
        .as_str()
        .with_context(|| format!("{}: the issuer document has no id", path.display()))?;
    let methods = ["assertionMethod", "verificationMethod"]
        .iter()
        .filter_map(|field| document[field].as_array())
        .flatten();
    let mut found = 0;
    for method in methods {
        let (Some(id), Some(multibase)) =
            (method["id"].as_str(), method["publicKeyMultibase"].as_str())
        else {
            continue;
        };
        let key = parse_public_multibase(multibase)
            .map_err(|error| anyhow::anyhow!("{}: {error}", path.display()))?;
        trust.keys.insert(
            id.to_owned(),
            TrustedKey {
                key,
                controller: controller.to_owned(),
            },
        );
        found += 1;
    }
    if found == 0 {
        bail!("{}: the issuer document lists no Multikey", path.display());
    }
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
        let mark = if check.passed { "ok  " } else { "FAIL" };
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
