//! "Import CASE" on the frameworks page: an administrator uploads a CASE 1.0 package (JSON) or
//! a spreadsheet in the CASE authoring tools' columns, reads the preview — the tree by depth
//! with its item types and first items, which depth becomes areas and which competencies, and
//! every problem by identifier and code — chooses the depths again if they wish, then imports
//! it and follows its progress. The server keeps the file between the preview and the import.

use crate::sync_view::IntoAnySync;
use cairn::model::{CaseDepth, CasePreview, ImportProgress};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::get_import;
use crate::components::forms::plural;
use crate::components::story::UploadOutcome;

/// The section: the upload form and, when the page follows one (`?case={id}`), its job.
#[component]
pub fn CaseImport() -> impl IntoView {
    let query = use_query_map();
    let job = move || query.with(|q| q.get("case").and_then(|id| id.parse::<u64>().ok()));
    view! {
        <section class="tile case-import" aria-labelledby="case-import-title">
            <h2 id="case-import-title">"Import CASE"</h2>
            <p class="muted">
                "A CASE 1.0 package (the JSON a state or a standards tool publishes), or a spreadsheet in "
                "the columns CASE authoring tools use — "
                <a href="/admin/frameworks/case-template.csv" download>"download the template"</a>
                ". Nothing is written until you have read the preview and imported it. Importing a "
                "newer version of the same package updates its framework in place and keeps every "
                "learner's evidence."
            </p>
            <UploadOutcome added="" />
            {move || job().map(|id| view! { <CaseStatus id /> })}
            <form method="post" action="/admin/frameworks/case" enctype="multipart/form-data" class="stack">
                <label for="case-file">"CASE package (.json) or spreadsheet (.csv)"</label>
                <input id="case-file" name="file" type="file" required accept=".json,.csv,application/json,text/csv" />
                <label>
                    <input type="checkbox" name="valid_part" value="1" />
                    " When some items have problems, import the others"
                </label>
                <button type="submit" class="primary">"Preview"</button>
            </form>
        </section>
    }
}

/// A preview or an import as the server reports it.
#[component]
fn CaseStatus(id: u64) -> impl IntoView {
    let progress = crate::page_data::load(|| (), move |_| get_import(id));
    view! {
        <Suspense fallback=|| view! { <p aria-busy="true">"Asking the server…"</p> }>
            {move || Suspend::new(async move {
                match progress.await {
                    Ok(now) => view! { <CaseWatch id now /> }.into_any_sync(),
                    Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any_sync(),
                }
            })}
        </Suspense>
    }
    .into_any_sync()
}

/// The job followed in the browser until it is finished; an import that wrote draws the page
/// again (the list of frameworks) once.
#[island]
fn CaseWatch(id: u64, now: ImportProgress) -> impl IntoView {
    let running = !now.phase.finished();
    let shown = RwSignal::new(now);
    crate::live::follow_job(
        shown,
        |now: &ImportProgress| now.phase.finished(),
        move || get_import(id),
    );
    Effect::new(move |_| {
        let wrote = shown.with(|now| {
            now.phase.finished() && now.case.as_ref().is_some_and(|c| c.written.is_some())
        });
        if running && wrote {
            crate::live::refresh_page();
        }
    });
    move || view! { <CaseProgressView id now=shown.get() /> }
}

#[component]
fn CaseProgressView(id: u64, now: ImportProgress) -> impl IntoView {
    let bar = crate::components::forms::import_bar("case-progress", &now);
    let ImportProgress { case, failure, .. } = now;
    view! {
        <div class="import-status">
            {bar}
            {failure.map(|failure| view! { <p class="form-error" role="alert">{failure}</p> })}
            {case.map(|preview| view! { <PreviewView id preview /> })}
        </div>
    }
    .into_any_sync()
}

/// What a depth becomes at the chosen depths (as `cairn::case::plan` makes them).
fn becomes(preview: &CasePreview, depth: usize) -> &'static str {
    let competencies = preview.competencies_depth;
    match preview.areas_depth {
        _ if depth == competencies => "Competencies",
        _ if depth > competencies => "Indicators",
        Some(areas) if depth == areas => "Areas",
        Some(areas) if depth < areas => "Part of the area's name",
        Some(_) => "Part of the competency's name",
        None => "Left out (its leaves become competencies)",
    }
}

/// The tree by depth, the framework it makes, the problems, and — before the import — the
/// depths to choose and the buttons that preview again or import.
#[component]
fn PreviewView(id: u64, preview: CasePreview) -> impl IntoView {
    let summary = summary(&preview);
    let rows = preview
        .depths
        .iter()
        .map(|depth| depth_row(depth, becomes(&preview, depth.depth)))
        .collect_view();
    let figures = format!(
        "{}: {}, {}, {}, {}.",
        preview.framework,
        plural(preview.areas, "area", "areas"),
        plural(preview.competencies, "competency", "competencies"),
        plural(preview.indicators, "indicator", "indicators"),
        plural(preview.alignments, "alignment", "alignments"),
    );
    let more = preview.problem_count.saturating_sub(preview.problems.len());
    let choose = (!preview.ran).then(|| view! { <Choose id preview=preview.clone() /> });
    view! {
        <p role="status" class="import-summary">{summary}</p>
        {preview.written.as_ref().map(|written| view! {
            <p><a href=format!("/admin/frameworks/{}", written.framework_id)>{format!("Open {}", preview.framework)}</a></p>
        })}
        <div class="table-scroll">
            <table class="figures case-depths">
                <caption>{format!("The package's tree, {} levels deep", preview.depths.len())}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Depth"</th>
                        <th scope="col" class="number">"Items"</th>
                        <th scope="col" class="number">"Leaves"</th>
                        <th scope="col">"Item types"</th>
                        <th scope="col">"First items"</th>
                        <th scope="col">"Becomes"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <p class="case-figures">{figures}</p>
        {(!preview.problems.is_empty()).then(|| view! {
            <h3>{format!("Problems ({})", preview.problem_count)}</h3>
            <ul class="case-problems">
                {preview.problems.iter().map(|problem| view! { <li>{problem.clone()}</li> }).collect_view()}
            </ul>
            {(more > 0).then(|| view! { <p class="muted">{format!("… and {more} more.")}</p> })}
        })}
        {(!preview.notes.is_empty()).then(|| view! {
            <details class="case-notes">
                <summary>{format!("Read past without harm ({})", preview.notes.len())}</summary>
                <ul>{preview.notes.iter().map(|note| view! { <li>{note.clone()}</li> }).collect_view()}</ul>
            </details>
        })}
        {choose}
    }
    .into_any_sync()
}

/// What the preview or import says first.
fn summary(preview: &CasePreview) -> String {
    match &preview.written {
        Some(written) => format!(
            "Imported into {}{}: {} added, {} updated, {} unchanged, {} retired.",
            preview.framework,
            if written.new_framework {
                " (a new framework)"
            } else {
                ""
            },
            plural(written.created, "competency", "competencies"),
            written.updated,
            written.unchanged,
            written.retired,
        ),
        None if preview.ran && preview.blocked() => format!(
            "{}, so nothing was written.",
            plural(
                preview.problem_count,
                "item has a problem",
                "items have problems"
            )
        ),
        None if preview.ran => "Nothing was written: the package holds no competency.".into(),
        None => format!(
            "Preview of {} (CASE document {}): nothing is written yet.",
            preview.framework, preview.document
        ),
    }
}

fn depth_row(depth: &CaseDepth, becomes: &'static str) -> impl IntoView {
    let types = depth
        .types
        .iter()
        .map(|(name, count)| format!("{name} ({count})"))
        .collect::<Vec<_>>()
        .join(", ");
    let examples = depth.examples.join("; ");
    view! {
        <tr data-depth=depth.depth.to_string()>
            <th scope="row">{depth.depth}</th>
            <td class="number">{depth.items}</td>
            <td class="number">{depth.leaves}</td>
            <td>{types}</td>
            <td class="muted">{examples}</td>
            <td>{becomes}</td>
        </tr>
    }
}

/// The depths to choose, whether the valid part is written, and the two ways on.
#[component]
fn Choose(id: u64, preview: CasePreview) -> impl IntoView {
    let deepest = preview.depths.len();
    let area_options = (1..deepest)
        .map(|depth| {
            view! {
                <option value=depth.to_string() selected=preview.areas_depth == Some(depth)>
                    {format!("Depth {depth}")}
                </option>
            }
        })
        .collect_view();
    let competency_options = (1..=deepest)
        .map(|depth| {
            view! {
                <option value=depth.to_string() selected=preview.competencies_depth == depth>
                    {format!("Depth {depth}")}
                </option>
            }
        })
        .collect_view();
    let importable = !preview.blocked() && preview.competencies > 0;
    view! {
        <form method="post" action="/admin/frameworks/case/run" class="stacked-form case-choice">
            <input type="hidden" name="id" value=id.to_string() />
            <label for="case-areas">"Areas are the items at"</label>
            <select id="case-areas" name="areas">
                <option value="" selected=preview.areas_depth.is_none()>"No areas"</option>
                {area_options}
            </select>
            <label for="case-competencies">"Competencies are the items at"</label>
            <select id="case-competencies" name="competencies">{competency_options}</select>
            <p class="muted">
                "Items below the competencies become their indicators; items above the areas are kept in the area's name, and those between the areas and the competencies in the competency's name."
            </p>
            {(preview.problem_count > 0).then(|| view! {
                <label>
                    <input type="checkbox" name="valid_part" value="1" checked=preview.valid_part />
                    " Import the items without problems, leave out the others"
                </label>
            })}
            <div class="actions">
                <button type="submit" name="action" value="preview">"Preview these depths"</button>
                {importable.then(|| view! {
                    <button type="submit" name="action" value="import" class="primary">"Import"</button>
                })}
            </div>
            {(!importable && preview.blocked()).then(|| view! {
                <p class="muted">"Fix the problems in the package, or choose to import the items without problems and preview again."</p>
            })}
        </form>
    }
    .into_any_sync()
}
