//! `cairn token`: integration tokens for the score push API. A new token is printed once;
//! only its hash is kept.

use anyhow::{bail, Context};
use cairn::store::Store;
use clap::{Args, Subcommand};

use crate::config::DatabaseArgs;

#[derive(Args, Debug)]
pub struct TokenArgs {
    #[command(subcommand)]
    pub action: TokenAction,
}

#[derive(Subcommand, Debug)]
pub enum TokenAction {
    /// Create a token and print it once
    Create {
        /// What the token is for, e.g. the learning platform's name
        name: String,
        /// The institution the token records scores for [default: the only one]
        #[arg(long)]
        institution: Option<i64>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// List the tokens (never the tokens themselves)
    List {
        #[arg(long)]
        institution: Option<i64>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Revoke a token: requests signed with it are refused from now on
    Revoke {
        id: i64,
        #[arg(long)]
        institution: Option<i64>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

/// The institution named, or the only one there is.
pub(super) async fn institution(store: &Store, chosen: Option<i64>) -> anyhow::Result<i64> {
    if let Some(id) = chosen {
        return Ok(id);
    }
    let all = store.institution_ids().await?;
    match all.as_slice() {
        [only] => Ok(*only),
        [] => bail!("the database holds no institution yet (run `cairn seed` or `serve --demo`)"),
        _ => bail!("the database holds several institutions: choose one with --institution ID"),
    }
}

pub async fn run(args: TokenArgs) -> anyhow::Result<()> {
    let database = match &args.action {
        TokenAction::Create { database, .. }
        | TokenAction::List { database, .. }
        | TokenAction::Revoke { database, .. } => database.clone(),
    };
    let store = database.open().await?;
    match args.action {
        TokenAction::Create {
            name,
            institution: chosen,
            ..
        } => {
            let institution = institution(&store, chosen).await?;
            let (id, token) = store
                .create_integration_token(institution, &name)
                .await
                .context("cannot create the token")?;
            println!("Created token {id} ({name}). It is shown only this once:");
            println!("{token}");
        }
        TokenAction::List {
            institution: chosen,
            ..
        } => {
            let institution = institution(&store, chosen).await?;
            let tokens = store.integration_tokens(institution).await?;
            if tokens.is_empty() {
                println!("No integration tokens yet.");
            }
            for token in tokens {
                let state = match &token.revoked_at {
                    Some(at) => format!("revoked {at}"),
                    None => "live".to_string(),
                };
                println!(
                    "{:>4}  {:<30} created {}  {state}",
                    token.id, token.name, token.created_at
                );
            }
        }
        TokenAction::Revoke {
            id,
            institution: chosen,
            ..
        } => {
            let institution = institution(&store, chosen).await?;
            store
                .revoke_integration_token(institution, id)
                .await
                .with_context(|| format!("cannot revoke token {id}"))?;
            println!("Revoked token {id}.");
        }
    }
    store.close().await;
    Ok(())
}
