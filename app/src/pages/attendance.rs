//! The attendance feed at `/admin/attendance`: its status (the last record received and from
//! where, what the last 24 hours brought and refused), a CSV file imported by hand, and the
//! latest deliveries with the records they refused. It follows the feed live.

use crate::sync_view::IntoAnySync;
use cairn::model::{AttendanceFeed, AttendanceRun};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::get_attendance_feed;
use crate::components::forms::WrongRowChoice;
use crate::components::story::UploadOutcome;
use crate::dates::moment;
use crate::live::{Follow, LiveRefresh};
use crate::pages::learner::Refusal;

/// The page's view (its route is in `crate::App`).
pub fn page() -> AnyView {
    feed_page().into_any_sync()
}

fn feed_page() -> impl IntoView {
    let query = use_query_map();
    let run = move || query.with(|q| q.get("run").and_then(|id| id.parse::<i64>().ok()));
    let feed = crate::page_data::load(run, get_attendance_feed);
    view! {
        <Title text="Attendance feed" />
        <Transition fallback=|| view! { <main id="main" class="page" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                match feed.await {
                    Ok((feed, run)) => view! { <Page feed run /> }.into_any_sync(),
                    Err(error) => view! { <Refusal error /> }.into_any_sync(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Page(feed: AttendanceFeed, run: Option<AttendanceRun>) -> impl IntoView {
    view! {
        <main id="main" class="page narrow">
            <LiveRefresh follow=Follow::Attendance />
            <nav aria-label="Breadcrumb" class="breadcrumbs">
                <a href="/">"Home"</a>
                " › "
                <a href="/admin">"Administration"</a>
                " › "
                <span aria-current="page">"Attendance"</span>
            </nav>
            <h1>"Attendance feed"</h1>
            <p class="muted">
                "Your attendance system sends each register as it is taken: "
                <code>"POST /api/v1/attendance"</code>
                " with an integration token ("<a href="/admin/integrations">"Integrations"</a>
                "), up to 1,000 records at a time. Records arrive on learners' and parents' dashboards \
                 at once. A file exported from another system can be imported here."
            </p>
            {run.map(|run| view! { <RunReport run /> })}
            <FeedStatus feed=feed.clone() />
            <UploadForm />
            <Runs runs=feed.runs />
        </main>
    }
}

#[component]
fn FeedStatus(feed: AttendanceFeed) -> impl IntoView {
    view! {
        <section class="tile" aria-labelledby="feed-title">
            <h2 id="feed-title">"Status"</h2>
            <dl class="facts">
                <dt>"Last record received"</dt>
                <dd>
                    {match (&feed.last_received, &feed.last_source) {
                        (Some(at), source) => view! {
                            <time datetime=at.clone()>{moment(at)}</time>
                            {source.clone().map(|source| format!(" from {source}"))}
                        }
                        .into_any_sync(),
                        (None, _) => view! { "No records yet" }.into_any_sync(),
                    }}
                </dd>
                <dt>"Records in the last 24 hours"</dt>
                <dd>{feed.records_last_day}" created or changed"</dd>
                <dt>"Refused in the last 24 hours"</dt>
                <dd class:warning={feed.rejected_last_day > 0}>
                    {feed.rejected_last_day}
                    {(feed.rejected_last_day > 0).then_some(" — see the deliveries below")}
                </dd>
            </dl>
        </section>
    }
}

#[component]
fn UploadForm() -> impl IntoView {
    view! {
        <section class="tile" aria-labelledby="upload-title">
            <h2 id="upload-title">"Import a file"</h2>
            <p class="muted">
                "A CSV file with a header line: the learner ("<code>"userId"</code>" or "
                <code>"email"</code>"), "<code>"date"</code>" and "<code>"status"</code>
                " (present, absent, late, excused, or P, A, L, E), and if you have them "
                <code>"sourcedId"</code>", "<code>"session"</code>", "<code>"class"</code>" and "
                <code>"note"</code>". A record already here for the same learner, day and session \
                 is changed, never doubled."
            </p>
            <UploadOutcome added="" />
            <form method="post" action="/admin/attendance" enctype="multipart/form-data" class="stack">
                <label for="attendance-file">"Attendance file (.csv)"</label>
                <input id="attendance-file" name="file" type="file" required accept=".csv,text/csv" />
                <WrongRowChoice />
                <button type="submit" class="primary">"Import"</button>
            </form>
        </section>
    }
}

/// What one delivery did, in a sentence.
fn counts(run: &AttendanceRun) -> String {
    format!(
        "{} records: {} new, {} changed, {} unchanged, {} refused",
        run.records, run.created, run.updated, run.unchanged, run.rejected
    )
}

/// The import the administrator has just made.
#[component]
fn RunReport(run: AttendanceRun) -> impl IntoView {
    let written = run.written || run.rejected == 0;
    view! {
        <section class="tile import-status" aria-labelledby="run-title">
            <h2 id="run-title">{format!("Imported {}", run.source)}</h2>
            <p role="status">
                {if written {
                    counts(&run)
                } else {
                    format!(
                        "Nothing was written: {} of {} rows are wrong. Correct them, or choose to write the valid rows.",
                        run.rejected, run.records
                    )
                }}
            </p>
            <Refusals run />
        </section>
    }
}

#[component]
fn Refusals(run: AttendanceRun) -> impl IntoView {
    let more = run.rejected.saturating_sub(run.errors.len());
    (!run.errors.is_empty()).then(|| {
        view! {
            <ul class="errors">
                {run
                    .errors
                    .into_iter()
                    .map(|error| {
                        let at = if run.from_file {
                            format!("Line {}", error.at)
                        } else {
                            format!("Record {}", error.at)
                        };
                        let id = error.sourced_id.map(|id| format!(" ({id})")).unwrap_or_default();
                        view! { <li>{format!("{at}{id}: {}: {}", error.field, error.reason)}</li> }
                    })
                    .collect_view()}
                {(more > 0).then(|| view! { <li>{format!("… and {more} more")}</li> })}
            </ul>
        }
    })
}

#[component]
fn Runs(runs: Vec<AttendanceRun>) -> impl IntoView {
    view! {
        <section class="tile" aria-labelledby="runs-title">
            <h2 id="runs-title">"Latest deliveries"</h2>
            {if runs.is_empty() {
                view! { <p class="empty">"Nothing has been pushed or imported yet."</p> }.into_any_sync()
            } else {
                view! {
                    <ul class="rows">
                        {runs
                            .into_iter()
                            .map(|run| {
                                let at = run.received_at.clone();
                                view! {
                                    <li>
                                        <time datetime=at.clone()>{moment(&at)}</time>
                                        {format!(" · {} · ", run.source)}
                                        <span class:warning={run.rejected > 0}>{counts(&run)}</span>
                                        {(!run.errors.is_empty()).then(|| view! {
                                            <details>
                                                <summary>"What was refused"</summary>
                                                <Refusals run=run.clone() />
                                            </details>
                                        })}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any_sync()
            }}
        </section>
    }
}
