//! Widgets of the learner's story pages: the timeline of a goal or project, the competency
//! picker of the "new" forms, an upload's outcome, and the story tile on a dashboard.

use crate::sync_view::IntoAnySync;
use cairn::model::{
    CompetencyChoice, CompetencyRef, StoryFile, StorySummary, TimelineEntry, TimelineKind,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{get_inbox, get_story_summary};
use crate::components::layout::Tile;
use crate::dates::day;
use crate::error::AppError;

/// Linked competencies as code chips.
#[component]
pub fn CompetencyChips(competencies: Vec<CompetencyRef>) -> impl IntoView {
    view! {
        <span class="chips">
            {competencies
                .into_iter()
                .map(|c| view! { <span class="chip" title=c.name.clone()>{format!("{} {}", c.code, c.name)}</span> })
                .collect_view()}
        </span>
    }
}

/// A file with its thumbnail when it is an image; opening it downloads it.
#[component]
pub fn FileLink(file: StoryFile) -> impl IntoView {
    let size = if file.size_bytes >= 1024 * 1024 {
        format!("{:.1} MB", file.size_bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (file.size_bytes + 1023) / 1024)
    };
    view! {
        <a class="file-link" href=file.url.clone() download="">
            {file.thumbnail.clone().map(|src| view! {
                <img class="thumbnail" src=src alt="" width="96" height="96" loading="lazy" />
            })}
            <span>{format!("{} ({size})", file.name)}</span>
        </a>
    }
}

/// What happened on a goal or project, oldest first.
#[component]
pub fn Timeline(entries: Vec<TimelineEntry>) -> impl IntoView {
    if entries.is_empty() {
        return view! { <p class="empty">"Nothing has happened here yet."</p> }.into_any_sync();
    }
    view! {
        <ol class="timeline story-timeline">
            {entries
                .into_iter()
                .map(|entry| {
                    let (class, what) = match entry.kind {
                        TimelineKind::Set => ("set", "Started"),
                        TimelineKind::StepDone => ("step", "Step done"),
                        TimelineKind::Evidence => ("evidence", "Evidence added"),
                        TimelineKind::Reflection => ("reflection", "Reflection"),
                        TimelineKind::Comment => ("comment", "Comment"),
                    };
                    view! {
                        <li class=format!("entry {class}") data-kind=class>
                            <p class="entry-head">
                                <strong>{what}</strong>
                                <span class="muted">{format!(" · {} · ", entry.author)}</span>
                                <time datetime=entry.at.clone()>{day(&entry.at)}</time>
                            </p>
                            {match entry.file {
                                Some(file) => view! { <FileLink file /> }.into_any_sync(),
                                None => view! { <p class="entry-body">{entry.body}</p> }.into_any_sync(),
                            }}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
    .into_any_sync()
}

/// Checkboxes of competencies whose chosen ids travel in one hidden field `name`
/// (comma-separated), so the form sends them as one field.
#[island]
pub fn CompetencyPicker(
    choices: Vec<CompetencyChoice>,
    #[prop(into)] id: String,
    /// The hidden field's name.
    #[prop(into)]
    name: String,
    #[prop(into)] legend: String,
) -> impl IntoView {
    let chosen = RwSignal::new(Vec::<i64>::new());
    let value =
        move || chosen.with(|ids| ids.iter().map(i64::to_string).collect::<Vec<_>>().join(","));
    view! {
        <fieldset class="competency-picker">
            <legend>{legend}</legend>
            <input type="hidden" name=name prop:value=value />
            <div class="picker-options">
                {choices
                    .into_iter()
                    .map(|choice| {
                        let field = format!("{id}-{}", choice.id);
                        let competency = choice.id;
                        view! {
                            <div>
                                <input
                                    type="checkbox"
                                    id=field.clone()
                                    on:change=move |event| {
                                        let on = event_target_checked(&event);
                                        chosen.update(|ids| {
                                            ids.retain(|id| *id != competency);
                                            if on {
                                                ids.push(competency);
                                            }
                                        });
                                    }
                                />
                                <label for=field>{choice.label}</label>
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
        </fieldset>
    }
}

/// The outcome of a plain upload form that came back to this page (`?upload_error=` or
/// `?added=1`).
#[component]
pub fn UploadOutcome(#[prop(into)] added: String) -> impl IntoView {
    let query = use_query_map();
    let refused = move || query.with(|q| q.get("upload_error"));
    let was_added = move || query.with(|q| q.get("added").is_some());
    view! {
        {move || refused().map(|reason| view! { <p class="form-error" role="alert">{reason}</p> })}
        {move || was_added().then(|| view! { <p role="status">{added.clone()}</p> })}
    }
}

/// The story tile's data, loaded by the page (outside the `Suspend` that draws the tile; see
/// `crate::page_data`).
pub fn load_summary(learner_id: i64) -> AsyncDerived<Result<StorySummary, AppError>> {
    crate::page_data::load(move || learner_id, get_story_summary)
}

/// A learner's goals, projects and check-ins at a glance, on their dashboard; it follows live
/// events like the rest of the page.
#[component]
pub fn StoryTile(
    learner_id: i64,
    summary: AsyncDerived<Result<StorySummary, AppError>>,
) -> impl IntoView {
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                summary.await.ok().map(|summary| {
                    let title = format!("{} and {}", summary.modules.goals, summary.modules.projects);
                    view! {
                        <Tile id=format!("story-{learner_id}") title=title>
                            <ul class="rows story-links">
                                <li>
                                    <a href=format!("/learners/{learner_id}/goals")>{summary.modules.goals.clone()}</a>
                                    <span class="muted">{format!(" — {} active", summary.active_goals)}</span>
                                </li>
                                <li>
                                    <a href=format!("/learners/{learner_id}/projects")>{summary.modules.projects.clone()}</a>
                                    <span class="muted">{format!(" — {}", summary.projects)}</span>
                                </li>
                                {summary.has_checkins.then(|| view! {
                                    <li>
                                        <a href="/checkins">{summary.modules.checkins.clone()}</a>
                                        <span class="waiting-count" data-waiting=summary.waiting_checkins.to_string()>
                                            {format!(" — {} waiting", summary.waiting_checkins)}
                                        </span>
                                    </li>
                                })}
                            </ul>
                        </Tile>
                    }
                })
            })}
        </Transition>
    }
}

/// A teacher's check-ins at a glance on their home: how many are new.
#[component]
pub fn CheckInsTile() -> impl IntoView {
    let inbox = crate::page_data::load(|| (), |_| get_inbox());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                inbox.await.ok().map(|inbox| view! { <Inbox inbox /> })
            })}
        </Transition>
    }
}

/// How many waiting items a tile lists before "and N more".
const INBOX_LISTED: usize = 8;

#[component]
fn Inbox(inbox: cairn::model::Inbox) -> impl IntoView {
    use cairn::model::Awaiting;
    let name = inbox.modules.checkins.clone();
    let waiting = inbox.unanswered_checkins;
    let counts = [
        (Awaiting::Reflection, "reflection", "reflections"),
        (Awaiting::Goal, "new goal", "new goals"),
        (Awaiting::Project, "new project", "new projects"),
    ]
    .map(|(kind, one, many)| {
        let n = inbox.count(kind);
        format!("{n} {}", if n == 1 { one } else { many })
    })
    .join(" · ");
    let more = inbox.awaiting.len().saturating_sub(INBOX_LISTED);
    let listed = inbox
        .awaiting
        .into_iter()
        .take(INBOX_LISTED)
        .map(|item| {
            let what = match item.awaiting {
                Awaiting::Reflection => "reflected on",
                Awaiting::Goal => "set the goal",
                Awaiting::Project => "started the project",
            };
            view! {
                <li>
                    <span>{format!("{} {what} ", item.learner.name)}</span>
                    <a href=item.path>{item.title}</a>
                    <span class="muted">{format!(" · {}", day(&item.since))}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <Tile id="checkins" title="Inbox">
            <p>
                <a href="/checkins">{format!("Open {name}")}</a>
                <span class="waiting-count" data-waiting=waiting.to_string()>
                    {format!(" — {waiting} waiting for your answer")}
                </span>
            </p>
            <h3 class="tile-subheading">"Waiting for your feedback"</h3>
            <p class="inbox-counts">{counts}</p>
            <ul class="rows inbox">{listed}</ul>
            {(more > 0).then(|| view! { <p class="muted">{format!("and {more} more")}</p> })}
        </Tile>
    }
}
