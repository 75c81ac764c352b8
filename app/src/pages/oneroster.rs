//! Rosters from the student information system at `/admin/oneroster`: an administrator uploads
//! a OneRoster CSV package (a zip), reads the preview — people, groups and enrolments to create,
//! update and deactivate, and every wrong row by file and line — then runs it and follows its
//! progress. Every run is in the history below (from the audit log).

use crate::sync_view::IntoAnySync;
use cairn::model::{
    AuditEntry, GradebookPreview, ImportProgress, OneRosterChanges, OneRosterPreview,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::{get_import, get_oneroster_history};
use crate::components::forms::{plural, WrongRowChoice};
use crate::components::story::UploadOutcome;
use crate::dates::moment;
use crate::pages::learner::Refusal;

/// The page's view (its route is in `crate::App`).
pub fn page() -> AnyView {
    roster_page().into_any_sync()
}

fn roster_page() -> impl IntoView {
    let query = use_query_map();
    let import = move || query.with(|q| q.get("import").and_then(|id| id.parse::<u64>().ok()));
    let history = crate::page_data::load(|| (), |_| get_oneroster_history());
    view! {
        <Title text="Rosters from OneRoster" />
        <Transition fallback=|| view! { <main id="main" class="page" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                match history.await {
                    Ok(history) => view! { <Page history import=import() /> }.into_any_sync(),
                    Err(error) => view! { <Refusal error /> }.into_any_sync(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Page(history: Vec<AuditEntry>, import: Option<u64>) -> impl IntoView {
    view! {
        <main id="main" class="page narrow">
            <nav aria-label="Breadcrumb" class="breadcrumbs">
                <a href="/">"Home"</a>
                " › "
                <a href="/admin">"Administration"</a>
                " › "
                <span aria-current="page">"Rosters"</span>
            </nav>
            <h1>"Rosters from OneRoster"</h1>
            <p class="muted">
                "Your student information system exports its rosters as a OneRoster CSV package: a zip with "
                <code>"manifest.csv"</code>", "<code>"users.csv"</code>", "<code>"classes.csv"</code>", "
                <code>"enrollments.csv"</code>" and more (OneRoster 1.2 or 1.1). Students become learners, "
                "teachers and aides teachers of their classes, guardians parents of their children, "
                "classes groups. Nothing is deleted: whoever a later full export leaves out is deactivated, "
                "and keeps their evidence and credentials."
            </p>
            {import.map(|id| view! { <OneRosterStatus id /> })}
            <UploadForm />
            <History history />
        </main>
    }
}

#[component]
fn UploadForm() -> impl IntoView {
    view! {
        <section class="tile" aria-labelledby="upload-title">
            <h2 id="upload-title">"Preview a package"</h2>
            <p class="muted">"Nothing is written until you have read the preview and run it."</p>
            <UploadOutcome added="" />
            <form method="post" action="/admin/oneroster" enctype="multipart/form-data" class="stack">
                <label for="roster-file">"OneRoster package (.zip)"</label>
                <input id="roster-file" name="file" type="file" required accept=".zip,application/zip" />
                <WrongRowChoice />
                <label>
                    <input type="checkbox" name="administrators" value="1" />
                    " Make the package's administrators administrators in Cairn"
                </label>
                <button type="submit" class="primary">"Preview"</button>
            </form>
        </section>
    }
}

/// A preview or a run as the server reports it: a progress bar while it works, then what it
/// does or did.
#[component]
fn OneRosterStatus(id: u64) -> impl IntoView {
    let progress = crate::page_data::load(|| (), move |_| get_import(id));
    view! {
        <section class="tile import-status" aria-labelledby="roster-status-title">
            <h2 id="roster-status-title">"Import"</h2>
            <Suspense fallback=|| view! { <p aria-busy="true">"Asking the server…"</p> }>
                {move || Suspend::new(async move {
                    match progress.await {
                        Ok(now) => view! { <OneRosterWatch id now /> }.into_any_sync(),
                        Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any_sync(),
                    }
                })}
            </Suspense>
        </section>
    }
    .into_any_sync()
}

/// The job followed in the browser until it is finished; a run that wrote draws the page again
/// (its history) once.
#[island]
fn OneRosterWatch(id: u64, now: ImportProgress) -> impl IntoView {
    let running = !now.phase.finished();
    let shown = RwSignal::new(now);
    crate::live::follow_job(
        shown,
        |now: &ImportProgress| now.phase.finished(),
        move || get_import(id),
    );
    Effect::new(move |_| {
        let wrote = shown.with(|now| {
            now.phase.finished()
                && now
                    .oneroster
                    .as_ref()
                    .is_some_and(|preview| preview.written)
        });
        if running && wrote {
            crate::live::refresh_page();
        }
    });
    move || view! { <OneRosterProgressView id now=shown.get() /> }
}

#[component]
fn OneRosterProgressView(id: u64, now: ImportProgress) -> impl IntoView {
    let bar = crate::components::forms::import_bar("roster-progress", &now);
    let ImportProgress {
        oneroster, failure, ..
    } = now;
    view! {
        {bar}
        {failure.map(|failure| view! { <p class="form-error" role="alert">{failure}</p> })}
        {oneroster.map(|preview| view! { <PreviewView id preview /> })}
    }
    .into_any_sync()
}

/// What a package does (or did): a table of changes, what was left out, the errors, and — for
/// a preview that can be written — the button that runs it.
#[component]
fn PreviewView(id: u64, preview: OneRosterPreview) -> impl IntoView {
    let blocked = preview.error_count > 0 && !preview.valid_rows;
    let summary = if preview.written {
        format!(
            "Imported: OneRoster {}, {} rows read.",
            preview.version, preview.rows
        )
    } else if preview.rows == 0 && preview.error_count > 0 {
        "The package cannot be read as it is, so nothing was written.".to_string()
    } else if preview.ran && blocked {
        format!(
            "{} wrong, so nothing was written.",
            plural(preview.error_count, "row is", "rows are")
        )
    } else if preview.changes_nothing() && preview.error_count == 0 {
        "Nothing to change: Cairn already holds this roster.".to_string()
    } else if preview.ran {
        "Nothing was written.".to_string()
    } else {
        format!(
            "Preview of OneRoster {}, {} rows read: nothing is written yet.",
            preview.version, preview.rows
        )
    };
    let runnable = !preview.ran && !preview.changes_nothing() && !blocked;
    let row = |label: &'static str, changes: OneRosterChanges| {
        view! {
            <tr>
                <th scope="row">{label}</th>
                <td>{changes.create}</td>
                <td>{changes.update}</td>
                <td>{changes.deactivate}</td>
            </tr>
        }
    };
    let more = preview.error_count.saturating_sub(preview.errors.len());
    view! {
        <p role="status" class="import-summary">{summary}</p>
        <div class="table-scroll">
            <table class="figures roster-changes">
                <caption>{if preview.ran { "What the import did" } else { "What the import would do" }}</caption>
                <thead>
                    <tr>
                        <th scope="col">""</th>
                        <th scope="col">"New"</th>
                        <th scope="col">"Updated"</th>
                        <th scope="col">"Deactivated"</th>
                    </tr>
                </thead>
                <tbody>
                    {row("People", preview.people)}
                    {row("Groups", preview.groups)}
                    {row("Enrolments", preview.enrolments)}
                    {row("Schools", preview.schools)}
                    {row("Terms", preview.terms)}
                </tbody>
            </table>
        </div>
        <ul class="plain">
            <li>{format!(
                "{} given, {} made",
                plural(preview.roles, "role", "roles"),
                plural(preview.parent_links, "parent link", "parent links")
            )}</li>
            {(preview.administrators_left_out > 0).then(|| view! {
                <li>{plural(preview.administrators_left_out, "administrator", "administrators") + " left out"}</li>
            })}
            {(preview.older_skipped > 0).then(|| view! {
                <li>{plural(preview.older_skipped, "row", "rows") + " older than what Cairn holds, skipped"}</li>
            })}
        </ul>
        {preview.gradebook.map(|gradebook| view! { <Gradebook gradebook ran=preview.ran /> })}
        {(!preview.errors.is_empty()).then(|| view! {
            <div class="table-scroll">
                <table class="figures import-errors">
                    <caption>{format!("Wrong rows ({})", preview.error_count)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"File"</th>
                            <th scope="col">"Line"</th>
                            <th scope="col">"Column"</th>
                            <th scope="col">"Reason"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {preview.errors.iter().map(|error| view! {
                            <tr>
                                <td>{error.file.clone()}</td>
                                <th scope="row">{error.line}</th>
                                <td>{error.field.clone()}</td>
                                <td>{error.reason.clone()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
        {(more > 0).then(|| view! { <p class="muted">{format!("… and {more} more.")}</p> })}
        {(!preview.ran && blocked).then(|| view! {
            <p class="muted">
                "Fix these rows in the export and preview it again, or preview it choosing to write the valid rows."
            </p>
        })}
        {runnable.then(|| view! {
            <form method="post" action="/admin/oneroster/run" class="inline-form">
                <input type="hidden" name="id" value=id />
                <button type="submit" class="primary">"Run the import"</button>
            </form>
        })}
    }
    .into_any_sync()
}

/// The gradebook's results: what becomes evidence, and the line items waiting for a mapping.
#[component]
fn Gradebook(gradebook: GradebookPreview, ran: bool) -> impl IntoView {
    let GradebookPreview {
        line_items,
        evidence,
        corrections,
        unchanged,
        skipped,
        unmapped,
    } = gradebook;
    let verb = if ran { "recorded" } else { "to record" };
    view! {
        <h3>"Gradebook"</h3>
        <ul class="plain gradebook-summary">
            <li>{format!(
                "{}: {} {verb} as new evidence, {} as corrections; {} unchanged",
                plural(line_items, "line item", "line items"),
                plural(evidence, "result", "results"),
                corrections,
                unchanged
            )}</li>
            {(skipped > 0).then(|| view! {
                <li>{plural(skipped, "result", "results") + " not fully graded or withdrawn, left out"}</li>
            })}
        </ul>
        {(!unmapped.is_empty()).then(|| view! {
            <div class="table-scroll">
                <table class="figures unmapped-line-items">
                    <caption>"Line items mapped to no competency: their results wait"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Line item"</th>
                            <th scope="col">"Title"</th>
                            <th scope="col">"Results waiting"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {unmapped.into_iter().map(|item| view! {
                            <tr>
                                <th scope="row"><code>{item.source_id}</code></th>
                                <td>{item.title}</td>
                                <td>{item.results}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <p class="muted">
                "Map each line item to a competency on "
                <a href="/admin/integrations">"Integrations"</a>
                ", then import the package again: results already recorded are left as they are."
            </p>
        })}
    }
    .into_any_sync()
}

#[component]
fn History(history: Vec<AuditEntry>) -> impl IntoView {
    view! {
        <section class="tile" aria-labelledby="history-title">
            <h2 id="history-title">"Runs"</h2>
            {if history.is_empty() {
                view! { <p class="empty">"No package has been imported yet."</p> }.into_any_sync()
            } else {
                view! {
                    <div class="table-scroll">
                        <table class="figures">
                            <caption class="visually-hidden">"Roster imports, newest first"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"When"</th>
                                    <th scope="col">"Who"</th>
                                    <th scope="col">"What"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {history.into_iter().map(|entry| view! {
                                    <tr>
                                        <td>{moment(&entry.at)}</td>
                                        <td>{entry.actor.unwrap_or_else(|| "Command line".into())}</td>
                                        <td>{entry.detail}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any_sync()
            }}
        </section>
    }
}
