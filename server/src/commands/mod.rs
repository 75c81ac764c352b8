//! The command line: one module per subcommand.

mod baseline;
mod credential;
mod export;
mod import;
mod seed;
mod serve;
mod token;

use clap::{Parser, Subcommand};

use crate::config::DatabaseArgs;

#[derive(Parser, Debug)]
#[command(
    name = "cairn",
    version,
    about = "Cairn: learner progress and credentials"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the web app
    Serve(serve::ServeArgs),
    /// Bring the database schema up to date
    Migrate {
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Fill an empty database with a generated school (deterministic for a given seed)
    Seed(seed::SeedArgs),
    /// Integration tokens for the score push API (create, list, revoke)
    Token(token::TokenArgs),
    /// Import people, rosters, attendance or a CASE framework from files
    Import(import::ImportArgs),
    /// Export a framework as a CASE 1.0 package
    Export(export::ExportArgs),
    /// Open Badges 3.0 credentials: verify any credential file offline, revoke one of Cairn's
    Credential(credential::CredentialArgs),
    /// Serve one file's bytes from memory: the yardstick of `make bench`
    #[command(hide = true)]
    BenchBaseline(baseline::BaselineArgs),
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => serve::run(args).await,
        Command::Migrate { database } => {
            let store = database.open().await?;
            println!("The database schema is up to date.");
            store.close().await;
            Ok(())
        }
        Command::Seed(args) => seed::run(args).await,
        Command::Token(args) => token::run(args).await,
        Command::Import(args) => import::run(args).await,
        Command::Export(args) => export::run(args).await,
        Command::Credential(args) => credential::run(args).await,
        Command::BenchBaseline(args) => baseline::run(args).await,
    }
}
