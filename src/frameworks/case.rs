//! Frameworks in and out as CASE 1.0: a package or spreadsheet imported (previewed first in
//! the background, kept, then run at the depths the administrator chose), a framework exported
//! as a package, and the frameworks published through the CASE provider API.

use super::administrator;
use crate::error::{CoreError, CoreResult};
use crate::model::{CasePreview, ImportPhase, Viewer, CASE_PROBLEMS_SHOWN};
use crate::people_import::{Imports, KeptPackage, PackageKind, Tracker};
use crate::store::Store;

/// How a CASE package is imported.
#[derive(Clone, Copy, Debug, Default)]
pub struct CaseOptions {
    /// Which depths become areas and competencies [default: `Levels::default_for` the tree].
    pub levels: Option<crate::case::Levels>,
    /// Write the items that are in the tree when others have problems, instead of nothing.
    pub valid_part: bool,
    /// Say what the import would do, and write nothing.
    pub dry_run: bool,
}

/// What a CASE package holds and what importing it did.
#[derive(Clone, Debug)]
pub struct CaseOutcome {
    pub plan: crate::case::FrameworkPlan,
    pub depths: Vec<crate::case::Depth>,
    pub levels: crate::case::Levels,
    /// Items kept out of the tree, each named by identifier and code.
    pub problems: Vec<String>,
    /// What was read past without harm.
    pub notes: Vec<String>,
    /// What was written; none for a dry run, or when there were problems and only the whole
    /// package was to be written.
    pub written: Option<crate::store::case::CaseImport>,
}

/// Imports a CASE 1.0 package for an administrator of the institution.
pub async fn import_case(
    store: &Store,
    viewer: &Viewer,
    file_name: &str,
    bytes: &[u8],
    options: CaseOptions,
) -> CoreResult<CaseOutcome> {
    let by = administrator(viewer)?;
    let by = crate::store::people_import::ImportedBy {
        institution_id: by.institution_id,
        actor_id: Some(by.actor_id),
        origin: by.origin,
        file_name,
        rejected: 0,
    };
    import_case_as(store, &by, bytes, options, None).await
}

/// Imports a CASE 1.0 package as `by` (an administrator, or the command line): read, arranged,
/// planned at the chosen depths, and written in one transaction — unless it has problems and
/// only the whole package may be written, or it is a dry run. `tracker`, when given, follows
/// its phases.
pub async fn import_case_as(
    store: &Store,
    by: &crate::store::people_import::ImportedBy<'_>,
    bytes: &[u8],
    options: CaseOptions,
    tracker: Option<&Tracker>,
) -> CoreResult<CaseOutcome> {
    use crate::case::{self, Levels, Tree};
    let advance = |phase, rows, fraction| {
        if let Some(tracker) = tracker {
            tracker.advance(phase, rows, fraction);
        }
    };
    // JSON is a package; anything else is read as a spreadsheet, titled by its file's name.
    let json = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(bytes)
        .iter()
        .find(|byte| !byte.is_ascii_whitespace())
        .is_some_and(|&byte| byte == b'{' || byte == b'[');
    let package = if json {
        case::read(bytes)
    } else {
        let title = std::path::Path::new(by.file_name).file_stem().map_or_else(
            || by.file_name.to_string(),
            |stem| stem.to_string_lossy().into_owned(),
        );
        case::spreadsheet::read(bytes, &title)
    }
    .map_err(|error| CoreError::invalid("file", error.to_string()))?;
    advance(ImportPhase::Checking, package.items.len(), 0.0);
    let tree = Tree::build(&package);
    if tree.nodes.is_empty() && tree.problems.is_empty() {
        return Err(CoreError::invalid(
            "file",
            "the package has no items under its document",
        ));
    }
    let levels = options
        .levels
        .unwrap_or_else(|| Levels::default_for(&package, &tree));
    levels
        .check(tree.max_depth())
        .map_err(|reason| CoreError::invalid("levels", reason))?;
    let plan = case::plan(&package, &tree, levels);
    let problems = case::describe(&tree.problems);
    let write = !options.dry_run && (problems.is_empty() || options.valid_part);
    let written = if write && plan.all_competencies().next().is_some() {
        advance(ImportPhase::Writing, tree.nodes.len(), 0.0);
        let by = crate::store::people_import::ImportedBy {
            rejected: tree.problems.len(),
            ..*by
        };
        Some(store.import_case(&by, &plan).await?)
    } else {
        None
    };
    Ok(CaseOutcome {
        depths: tree.depths(&package),
        levels,
        problems,
        notes: tree.notes,
        plan,
        written,
    })
}

impl CaseOutcome {
    /// The outcome as the frameworks page shows it.
    pub fn preview(&self, valid_part: bool, ran: bool) -> CasePreview {
        let competencies: Vec<_> = self.plan.all_competencies().collect();
        CasePreview {
            framework: self.plan.name.clone(),
            document: self.plan.identifier.clone(),
            depths: self
                .depths
                .iter()
                .map(|depth| crate::model::CaseDepth {
                    depth: depth.depth,
                    items: depth.items,
                    leaves: depth.leaves,
                    types: depth.types.clone(),
                    examples: depth.examples.clone(),
                })
                .collect(),
            areas_depth: self.levels.areas,
            competencies_depth: self.levels.competencies,
            areas: self.plan.areas.len(),
            competencies: competencies.len(),
            indicators: competencies.iter().map(|c| c.indicators.len()).sum(),
            alignments: competencies.iter().map(|c| c.alignments.len()).sum(),
            problems: self
                .problems
                .iter()
                .take(CASE_PROBLEMS_SHOWN)
                .cloned()
                .collect(),
            problem_count: self.problems.len(),
            notes: self.notes.clone(),
            valid_part,
            ran,
            written: self.written.clone(),
        }
    }

    /// The outcome as the command line prints it: the tree by depth with what each depth
    /// became, the framework's figures, the problems and notes, and what was written.
    pub fn summary(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let plan = &self.plan;
        let _ = writeln!(
            out,
            "{} (CASE document {}): {} levels deep",
            plan.name,
            plan.identifier,
            self.depths.len()
        );
        for depth in &self.depths {
            let types: Vec<String> = depth
                .types
                .iter()
                .map(|(name, count)| format!("{name} {count}"))
                .collect();
            let became = if Some(depth.depth) == self.levels.areas {
                "  → areas"
            } else if depth.depth == self.levels.competencies {
                "  → competencies"
            } else if depth.depth > self.levels.competencies {
                "  → indicators"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "  depth {}: {} items, {} leaves ({}){became}",
                depth.depth,
                depth.items,
                depth.leaves,
                types.join(", ")
            );
        }
        let competencies: Vec<_> = plan.all_competencies().collect();
        let _ = writeln!(
            out,
            "{} areas, {} competencies, {} indicators, {} alignments.",
            plan.areas.len(),
            competencies.len(),
            competencies
                .iter()
                .map(|c| c.indicators.len())
                .sum::<usize>(),
            competencies
                .iter()
                .map(|c| c.alignments.len())
                .sum::<usize>()
        );
        for problem in &self.problems {
            let _ = writeln!(out, "problem: {problem}");
        }
        for note in &self.notes {
            let _ = writeln!(out, "note: {note}");
        }
        match &self.written {
            Some(written) => {
                let _ = writeln!(
                    out,
                    "Written: framework {}{}: {} competencies added, {} updated, {} unchanged, {} retired.",
                    written.framework_id,
                    if written.new_framework { " (new)" } else { "" },
                    written.created,
                    written.updated,
                    written.unchanged,
                    written.retired
                );
            }
            None => out.push_str("Nothing was written.\n"),
        }
        out
    }
}

/// A framework as a CASE 1.0 package, for an administrator of its institution.
pub async fn export_case(
    store: &Store,
    viewer: &Viewer,
    framework_id: i64,
) -> CoreResult<serde_json::Value> {
    let by = administrator(viewer)?;
    export_case_of(store, by.institution_id, framework_id).await
}

/// A framework of `institution_id` as a CASE 1.0 package (the command line's export), its URIs
/// pointing at this Cairn's CASE provider API.
pub async fn export_case_of(
    store: &Store,
    institution_id: crate::model::InstitutionId,
    framework_id: i64,
) -> CoreResult<serde_json::Value> {
    let framework = store.case_framework(institution_id, framework_id).await?;
    let creator = store.institution_name(institution_id).await?;
    let base = store.public_url();
    let provider = crate::case::Provider {
        base: base.trim_end_matches('/'),
        creator: &creator,
    };
    Ok(crate::case::export(&framework, &provider))
}

/// Publishes a framework through the CASE provider API (or takes it back), for an
/// administrator of its institution. A framework typed in Cairn gets its CASE identifiers now.
pub async fn publish_case(
    store: &Store,
    viewer: &Viewer,
    framework_id: i64,
    published: bool,
) -> CoreResult<()> {
    let by = administrator(viewer)?;
    store
        .case_framework(by.institution_id, framework_id)
        .await?;
    store.set_case_published(by, framework_id, published).await
}

/// Every published framework as a CASE package, for the public CASE provider API: built once
/// and kept until a framework, its publication or the institution changes, so that requests
/// anyone may send cost a lookup, not a read of every framework.
pub async fn published_packages(
    store: &Store,
) -> CoreResult<std::sync::Arc<Vec<serde_json::Value>>> {
    use crate::store::kept::Shows;
    store
        .kept(
            |kept| &kept.case_packages,
            Shows::Shared,
            (),
            read_published_packages(store),
        )
        .await
}

async fn read_published_packages(store: &Store) -> CoreResult<Vec<serde_json::Value>> {
    let mut packages = Vec::new();
    let base = store.public_url();
    for (institution_id, framework_id) in store.published_frameworks().await? {
        let framework = store
            .published_case_framework(institution_id, framework_id)
            .await?;
        let creator = store.institution_name(institution_id).await?;
        let provider = crate::case::Provider {
            base: base.trim_end_matches('/'),
            creator: &creator,
        };
        packages.push(crate::case::export(&framework, &provider));
    }
    Ok(packages)
}

/// Starts an administrator's preview of a CASE package or spreadsheet in the background,
/// keeping the file to be imported; returns the preview's id, which `import_progress` follows.
pub fn start_case_preview(
    store: &Store,
    imports: &Imports,
    viewer: &Viewer,
    file_name: String,
    bytes: Vec<u8>,
    options: CaseOptions,
) -> CoreResult<u64> {
    let by = administrator(viewer)?;
    let package = KeptPackage {
        institution_id: by.institution_id,
        file_name,
        bytes: std::sync::Arc::new(bytes),
        kind: PackageKind::Case,
    };
    let options = CaseOptions {
        dry_run: true,
        ..options
    };
    Ok(start_case(store, imports, viewer, package, options))
}

/// Previews again, or imports, a package an administrator previewed, at the depths and with
/// the choice they made now; the new job's id, which `import_progress` follows.
pub fn start_case_run(
    store: &Store,
    imports: &Imports,
    viewer: &Viewer,
    preview_id: u64,
    options: CaseOptions,
) -> CoreResult<u64> {
    let by = administrator(viewer)?;
    match imports.package(by.institution_id, preview_id) {
        Some(package) if matches!(package.kind, PackageKind::Case) => {
            Ok(start_case(store, imports, viewer, package, options))
        }
        _ => Err(CoreError::invalid(
            "file",
            "that preview is no longer kept; upload the file again",
        )),
    }
}

fn start_case(
    store: &Store,
    imports: &Imports,
    viewer: &Viewer,
    package: KeptPackage,
    options: CaseOptions,
) -> u64 {
    let tracker = imports.start(package.institution_id, &package.file_name);
    let id = tracker.snapshot().id;
    // Every preview keeps the file, so the next choice of depths starts from the newest.
    if options.dry_run {
        imports.keep_package(id, package.clone());
    }
    let store = store.clone();
    let (actor_id, origin) = (viewer.id, viewer.origin.clone());
    tokio::spawn(async move {
        let by = crate::store::people_import::ImportedBy {
            institution_id: package.institution_id,
            actor_id: Some(actor_id),
            origin: origin.as_deref(),
            file_name: &package.file_name,
            rejected: 0,
        };
        let outcome = import_case_as(&store, &by, &package.bytes, options, Some(&tracker)).await;
        match outcome {
            Ok(outcome) => {
                tracker.finish_case(outcome.preview(options.valid_part, !options.dry_run))
            }
            Err(CoreError::Invalid { field, reason }) => {
                tracker.fail(format!("{field}: {reason}"));
            }
            Err(error) => {
                tracing::error!(%error, "a CASE import failed");
                tracker.fail("Something went wrong on our side; nothing was written.".into());
            }
        }
    });
    id
}
