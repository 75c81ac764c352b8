//! `cairn import users PATH`: people from a CSV file, checked row by row and written in one
//! transaction — all of them or none by default, the valid ones with `--valid-rows`. Progress
//! goes to standard error; the report, by line, to standard output.
//!
//! `cairn import oneroster PATH`: a OneRoster CSV package (a `.zip` or a folder), compared with
//! what the institution holds and written the same way; `--dry-run` only says what it would do.
//!
//! `cairn import case PATH`: a framework from a CASE 1.0 package (`CFPackage` JSON), its tree
//! shown by depth; a package imported before (the same document) is updated in place.
//!
//! `cairn import attendance PATH`: attendance records from a CSV file (learner by email or
//! external id, date, session, status, class, note), recorded once each as the feed's push is.

use anyhow::{bail, Context};
use cairn::model::ImportMode;
use cairn::people_import::Tracker;
use cairn::store::people_import::ImportedBy;
use clap::{Args, Subcommand};

use crate::config::DatabaseArgs;

#[derive(Args, Debug)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub kind: ImportKind,
}

#[derive(Subcommand, Debug)]
pub enum ImportKind {
    /// People from a CSV file with the columns name, email, role and optionally groups,
    /// parent_of, year_level, external_id
    Users {
        /// The CSV file (UTF-8, a header line first)
        path: std::path::PathBuf,
        /// Write the valid rows and report the others, instead of writing nothing when any row
        /// is wrong
        #[arg(long)]
        valid_rows: bool,
        /// The institution the people join [default: the only one]
        #[arg(long)]
        institution: Option<i64>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Rosters from a OneRoster CSV package (1.2 or 1.1): a .zip or a folder with manifest.csv,
    /// orgs, academicSessions, courses, classes, users, roles and enrollments
    Oneroster {
        /// The package: a .zip file or a folder of CSV files
        path: std::path::PathBuf,
        /// Say what the import would do, and write nothing
        #[arg(long)]
        dry_run: bool,
        /// Write the valid rows and report the others, instead of writing nothing when any row
        /// is wrong
        #[arg(long)]
        valid_rows: bool,
        /// Make the package's administrators administrators in Cairn [default: left out]
        #[arg(long)]
        administrators: bool,
        /// The institution the roster belongs to [default: the only one]
        #[arg(long)]
        institution: Option<i64>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Competencies of a framework from Rich Skill Descriptors (JSON: one, a list, or a
    /// collection with its skills); a descriptor imported before (the same URL) is updated
    Rsd {
        /// The descriptors: a JSON file
        path: std::path::PathBuf,
        /// The framework's id (as in /admin/frameworks/ID)
        #[arg(long)]
        framework: i64,
        /// The code of the framework's area the competencies go in [default: none]
        #[arg(long)]
        area: Option<String>,
        /// The institution the framework belongs to [default: the only one]
        #[arg(long)]
        institution: Option<i64>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// A framework from a CASE 1.0 package (CFPackage JSON); a package imported before (the
    /// same CFDocument) is updated in place
    Case {
        /// The package: a JSON file
        path: std::path::PathBuf,
        /// Say what the import would do, and write nothing
        #[arg(long)]
        dry_run: bool,
        /// Write the items that reach the document when others have problems, instead of
        /// writing nothing
        #[arg(long)]
        valid_part: bool,
        /// The depth of the tree whose items become competencies (1: the document's children)
        /// [default: where most leaves are]
        #[arg(long)]
        competencies: Option<usize>,
        /// The depth whose items become areas; 0 for none [default: the depth above the
        /// competencies]
        #[arg(long)]
        areas: Option<usize>,
        /// The institution the framework belongs to [default: the only one]
        #[arg(long)]
        institution: Option<i64>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Attendance records from a CSV file with the columns userId (or email), date, status and
    /// optionally sourcedId, session, class, note
    Attendance {
        /// The CSV file (UTF-8, a header line first)
        path: std::path::PathBuf,
        /// Say what the import would do, and write nothing
        #[arg(long)]
        dry_run: bool,
        /// Write the valid rows and report the others, instead of writing nothing when any row
        /// is wrong
        #[arg(long)]
        valid_rows: bool,
        /// The institution the records belong to [default: the only one]
        #[arg(long)]
        institution: Option<i64>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

pub async fn run(args: ImportArgs) -> anyhow::Result<()> {
    let (path, valid_rows, institution, database) = match args.kind {
        ImportKind::Users {
            path,
            valid_rows,
            institution,
            database,
        } => (path, valid_rows, institution, database),
        ImportKind::Oneroster {
            path,
            dry_run,
            valid_rows,
            administrators,
            institution,
            database,
        } => {
            let options = cairn::oneroster::Options {
                valid_rows,
                administrators,
            };
            return oneroster(path, dry_run, options, institution, database).await;
        }
        ImportKind::Attendance {
            path,
            dry_run,
            valid_rows,
            institution,
            database,
        } => return attendance(path, dry_run, valid_rows, institution, database).await,
        ImportKind::Case {
            path,
            dry_run,
            valid_part,
            competencies,
            areas,
            institution,
            database,
        } => {
            let levels = competencies.map(|competencies| cairn::case::Levels {
                competencies,
                areas: match areas {
                    Some(0) => None,
                    Some(depth) => Some(depth),
                    None => (competencies > 1).then(|| competencies - 1),
                },
            });
            let options = cairn::frameworks::CaseOptions {
                levels,
                valid_part,
                dry_run,
            };
            return case(path, options, institution, database).await;
        }
        ImportKind::Rsd {
            path,
            framework,
            area,
            institution,
            database,
        } => return rsd(path, framework, area, institution, database).await,
    };
    let Opened {
        bytes,
        store,
        institution_id,
        file_name,
    } = Opened::read(&path, institution, database).await?;
    let mode = mode(valid_rows);
    let tracker = Tracker::new(1, &file_name);
    let progress = follow(&tracker);
    let by = command_line(institution_id, &file_name);
    let result = cairn::admin::import_people(&store, &by, bytes, mode, &tracker).await;
    progress.abort();
    store.close().await;
    let report = result.context("the import failed; nothing was written")?;
    for error in &report.errors {
        println!("line {}: {}: {}", error.line, error.field, error.reason);
    }
    if report.rejected > report.errors.len() {
        println!("… and more: {} rows were rejected in all", report.rejected);
    }
    println!(
        "Imported {} of {} rows from {file_name}.",
        report.imported, report.rows
    );
    if report.rejected > 0 {
        if report.imported == 0 {
            bail!(
                "{} rows were rejected, so nothing was written (use --valid-rows to write the others)",
                report.rejected
            );
        }
        bail!(
            "{} rows were rejected (the others were written)",
            report.rejected
        );
    }
    Ok(())
}

/// The file's name as reports and the audit log give it.
/// A file to import, read, with the store and the institution it goes into.
struct Opened {
    bytes: Vec<u8>,
    store: cairn::store::Store,
    institution_id: i64,
    file_name: String,
}

impl Opened {
    async fn read(
        path: &std::path::Path,
        institution: Option<i64>,
        database: DatabaseArgs,
    ) -> anyhow::Result<Opened> {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let store = database.open().await?;
        let institution_id = super::token::institution(&store, institution).await?;
        Ok(Opened {
            bytes,
            store,
            institution_id,
            file_name: file_name(path),
        })
    }
}

/// An import made from the command line (no person signed in), of the file `file_name`.
fn command_line(institution_id: i64, file_name: &str) -> ImportedBy<'_> {
    ImportedBy {
        institution_id,
        actor_id: None,
        origin: Some("command line"),
        file_name,
        rejected: 0,
    }
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    )
}

/// What `--valid-rows` chose.
fn mode(valid_rows: bool) -> ImportMode {
    if valid_rows {
        ImportMode::ValidRows
    } else {
        ImportMode::AllOrNothing
    }
}

/// Prints the progress of an import to standard error every half second until it is done.
fn follow(tracker: &Tracker) -> tokio::task::JoinHandle<()> {
    let watcher = tracker.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            let now = watcher.snapshot();
            eprintln!("{:>3} %  {}", now.percent, now.phase.label());
            if now.phase.finished() {
                break;
            }
        }
    })
}

async fn oneroster(
    path: std::path::PathBuf,
    dry_run: bool,
    options: cairn::oneroster::Options,
    institution: Option<i64>,
    database: DatabaseArgs,
) -> anyhow::Result<()> {
    if !path.exists() {
        bail!("{} does not exist", path.display());
    }
    let store = database.open().await?;
    let institution_id = super::token::institution(&store, institution).await?;
    let file_name = file_name(&path);
    let tracker = Tracker::new(1, &file_name);
    let progress = follow(&tracker);
    let by = command_line(institution_id, &file_name);
    let source = cairn::admin::OneRosterSource::Path(path);
    let result =
        cairn::admin::import_oneroster(&store, &by, source, options, dry_run, &tracker).await;
    progress.abort();
    store.close().await;
    let preview = result.context("the import failed; nothing was written")?;
    print!("{}", cairn::oneroster::summary(&preview));
    if preview.error_count > 0 && !preview.written && !dry_run {
        bail!(
            "{} errors, so nothing was written (use --valid-rows to write the valid rows)",
            preview.error_count
        );
    }
    Ok(())
}

async fn attendance(
    path: std::path::PathBuf,
    dry_run: bool,
    valid_rows: bool,
    institution: Option<i64>,
    database: DatabaseArgs,
) -> anyhow::Result<()> {
    let Opened {
        bytes,
        store,
        institution_id,
        file_name,
    } = Opened::read(&path, institution, database).await?;
    let mode = mode(valid_rows);
    let sender = cairn::attendance::Sender::Import {
        actor_id: None,
        origin: Some("command line"),
    };
    let result = cairn::attendance::import(
        &store,
        institution_id,
        sender,
        &file_name,
        &bytes,
        mode,
        dry_run,
    )
    .await;
    store.close().await;
    let run = result.context("the import failed; nothing was written")?;
    for error in &run.errors {
        println!("line {}: {}: {}", error.at, error.field, error.reason);
    }
    if run.rejected > run.errors.len() {
        println!("… and more: {} rows were refused in all", run.rejected);
    }
    let would = if dry_run || !run.written && run.rejected > 0 {
        "would be "
    } else {
        ""
    };
    println!(
        "{file_name}: {} records; {} {would}created, {} {would}updated, {} unchanged, {} refused.",
        run.records, run.created, run.updated, run.unchanged, run.rejected
    );
    if run.rejected > 0 && !dry_run {
        if valid_rows {
            bail!(
                "{} rows were refused (the others were written)",
                run.rejected
            );
        }
        bail!(
            "{} rows were refused, so nothing was written (use --valid-rows to write the others)",
            run.rejected
        );
    }
    Ok(())
}

async fn case(
    path: std::path::PathBuf,
    options: cairn::frameworks::CaseOptions,
    institution: Option<i64>,
    database: DatabaseArgs,
) -> anyhow::Result<()> {
    let Opened {
        bytes,
        store,
        institution_id,
        file_name,
    } = Opened::read(&path, institution, database).await?;
    let by = command_line(institution_id, &file_name);
    let result = cairn::frameworks::import_case_as(&store, &by, &bytes, options, None).await;
    store.close().await;
    let outcome = result.context("the import failed; nothing was written")?;
    print!("{}", outcome.summary());
    if !outcome.problems.is_empty() && outcome.written.is_none() && !options.dry_run {
        bail!(
            "{} items have problems, so nothing was written (use --valid-part to write the others)",
            outcome.problems.len()
        );
    }
    Ok(())
}

async fn rsd(
    path: std::path::PathBuf,
    framework_id: i64,
    area: Option<String>,
    institution: Option<i64>,
    database: DatabaseArgs,
) -> anyhow::Result<()> {
    let Opened {
        bytes,
        store,
        institution_id,
        file_name,
    } = Opened::read(&path, institution, database).await?;
    let by = command_line(institution_id, &file_name);
    let result = async {
        let area_id = match area {
            Some(code) => {
                let framework = store.framework_admin(institution_id, framework_id).await?;
                let area = framework
                    .areas
                    .iter()
                    .find(|a| a.code.eq_ignore_ascii_case(&code));
                Some(area.map(|a| a.id).ok_or_else(|| {
                    cairn::CoreError::invalid(
                        "area",
                        format!("{code} is not an area of {}", framework.name),
                    )
                })?)
            }
            None => None,
        };
        cairn::frameworks::import_rsd_as(&store, &by, framework_id, area_id, &bytes).await
    }
    .await;
    store.close().await;
    let done = result.context("the import failed; nothing was written")?;
    for (id, name, new) in &done.competencies {
        let what = if *new { "added" } else { "updated" };
        println!("competency {id}: {name} ({what})");
    }
    println!(
        "{} competencies added, {} updated.",
        done.created, done.updated
    );
    Ok(())
}
