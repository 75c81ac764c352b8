//! `cairn seed`: a generated school in an empty database, and the demo school for `serve --demo`.

use std::time::Instant;

use anyhow::Context;
use cairn::demo::{self, SeedOptions, DEMO_EMAILS, DEMO_PASSWORD};
use cairn::store::Store;
use clap::Args;

use crate::config::DatabaseArgs;

#[derive(Args, Debug)]
pub struct SeedArgs {
    /// Number of learners to generate
    #[arg(long)]
    pub learners: usize,
    /// Seed of the generator: the same seed gives the same school
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Evidence records per learner and competency
    #[arg(long, default_value_t = 3)]
    pub evidence: usize,
    /// Instead of filling the database, write a OneRoster CSV package of a school with this
    /// many learners (and guardians, teachers, classes and enrolments) to PATH: a .zip, or a
    /// folder of CSV files — for trying `cairn import oneroster` or the Rosters page
    #[arg(long, value_name = "PATH")]
    pub oneroster: Option<std::path::PathBuf>,
    /// The OneRoster version of the package written with --oneroster
    #[arg(long, default_value = "1.2", value_parser = ["1.2", "1.1"])]
    pub oneroster_version: String,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

pub async fn run(args: SeedArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.learners > 0, "--learners must be at least 1");
    if let Some(path) = &args.oneroster {
        use cairn::oneroster::{sample, Version};
        let size = sample::Size {
            learners: args.learners,
            version: if args.oneroster_version == "1.1" {
                Version::V1_1
            } else {
                Version::V1_2
            },
            ..sample::Size::SCALE
        };
        let files = sample::files(size);
        sample::write(path, &files).with_context(|| format!("cannot write {}", path.display()))?;
        let rows = |name: &str| {
            files
                .iter()
                .find(|(file, _)| file == name)
                .map_or(0, |(_, text)| text.lines().count().saturating_sub(1))
        };
        println!(
            "Wrote a OneRoster {} package to {}: {} users, {} classes, {} enrolments.",
            args.oneroster_version,
            path.display(),
            rows("users.csv"),
            rows("classes.csv"),
            rows("enrollments.csv")
        );
        return Ok(());
    }
    let store = args.database.open().await?;
    let options = SeedOptions {
        learners: args.learners,
        seed: args.seed,
        evidence_per_competency: (args.evidence, args.evidence),
    };
    let started = Instant::now();
    let school = load(&store, &options).await?;
    println!(
        "Seeded {} learners, {} evidence records and {} attendance records in {:.1} s.",
        args.learners,
        school.rows("evidence"),
        school.rows("attendance"),
        started.elapsed().as_secs_f64()
    );
    store.close().await;
    Ok(())
}

/// Generates the school and loads it in one transaction.
pub async fn load(store: &Store, options: &SeedOptions) -> anyhow::Result<demo::School> {
    let generator_options = options.clone();
    let school = tokio::task::spawn_blocking(move || demo::generate(&generator_options))
        .await
        .context("the school generator failed")?;
    store
        .load_school(&school)
        .await
        .context("cannot load the generated school")?;
    Ok(school)
}

/// Fills an empty database with the demo school, then prints the demo sign-ins that exist.
pub async fn demo_school(store: &Store) -> anyhow::Result<()> {
    if store.is_empty().await? {
        load(store, &SeedOptions::demo()).await?;
        println!("Created the demo school.");
    } else {
        println!("The database already holds a school; --demo leaves it as it is.");
    }
    let mut sign_ins = Vec::new();
    for email in DEMO_EMAILS {
        let Some(login) = store.find_login(email).await? else {
            continue;
        };
        if let Some(viewer) = store.viewer(login.user_id).await? {
            let role = viewer.primary_role().map(|r| r.label()).unwrap_or("member");
            sign_ins.push(format!("  {email:<22} {} ({role})", viewer.name));
        }
    }
    if !sign_ins.is_empty() {
        println!("Sign in with password {DEMO_PASSWORD:?} as:");
        println!("{}", sign_ins.join("\n"));
    }
    Ok(())
}
