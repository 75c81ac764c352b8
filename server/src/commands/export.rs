//! `cairn export case FRAMEWORK`: a framework as a CASE 1.0 package (`CFPackage` JSON), to
//! standard output or a file. A framework typed in Cairn is given its CASE identifiers on its
//! first export and keeps them. `cairn export rsd COMPETENCY`: a competency as a Rich Skill
//! Descriptor.

use anyhow::Context;
use clap::{Args, Subcommand};

use crate::config::DatabaseArgs;

#[derive(Args, Debug)]
pub struct ExportArgs {
    #[command(subcommand)]
    pub kind: ExportKind,
}

#[derive(Subcommand, Debug)]
pub enum ExportKind {
    /// A framework as a CASE 1.0 package (CFPackage JSON)
    Case {
        /// The framework's id (as in /admin/frameworks/ID)
        framework: i64,
        /// Write the package to this file instead of standard output
        #[arg(long, short)]
        output: Option<std::path::PathBuf>,
        /// The institution the framework belongs to [default: the only one]
        #[arg(long)]
        institution: Option<i64>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// A competency as a Rich Skill Descriptor (JSON)
    Rsd {
        /// The competency's id
        competency: i64,
        /// Write the descriptor to this file instead of standard output
        #[arg(long, short)]
        output: Option<std::path::PathBuf>,
        /// The institution the competency belongs to [default: the only one]
        #[arg(long)]
        institution: Option<i64>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

pub async fn run(args: ExportArgs) -> anyhow::Result<()> {
    let (output, database, institution) = match &args.kind {
        ExportKind::Case {
            output,
            database,
            institution,
            ..
        }
        | ExportKind::Rsd {
            output,
            database,
            institution,
            ..
        } => (output.clone(), database.clone(), *institution),
    };
    let store = database.open().await?;
    let institution_id = super::token::institution(&store, institution).await?;
    let result = match args.kind {
        ExportKind::Case { framework, .. } => {
            cairn::frameworks::export_case_of(&store, institution_id, framework).await
        }
        ExportKind::Rsd { competency, .. } => {
            cairn::frameworks::export_rsd_of(&store, institution_id, competency).await
        }
    };
    store.close().await;
    let package = result.context("it could not be exported")?;
    let text = serde_json::to_string_pretty(&package)?;
    match output {
        Some(path) => std::fs::write(&path, text + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => println!("{text}"),
    }
    Ok(())
}
