//! A group's live roster at `/groups/{id}/roster`: learners × the competencies of a chosen
//! framework, each cell the current level. Marking is keyboard-first like a spreadsheet —
//! arrow keys move, a digit picks a rubric level, Enter saves, Escape cancels — and the panel
//! beside the grid does the same with the mouse, with an optional comment or as a correction
//! of the newest mark. Marks by anyone (another teacher, the learning platform) appear live.

use crate::sync_view::IntoAnySync;
use cairn::model::{LiveEvent, Roster, RosterCell, RosterColumn, RosterMark};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::{get_roster, save_mark};
use crate::error::AppError;
use crate::live::use_live_events;
use crate::pages::learner::Refusal;

/// The page's view.
pub fn page() -> AnyView {
    roster_page().into_any_sync()
}

fn roster_page() -> impl IntoView {
    let params = use_params_map();
    let group = params.with_untracked(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let roster = crate::page_data::load(move || group, |group| load_roster(group, None));
    view! {
        <Suspense fallback=|| view! { <main id="main" class="page" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                match roster.await {
                    Ok(roster) => view! { <RosterIsland roster /> }.into_any_sync(),
                    Err(error) => view! { <Refusal error /> }.into_any_sync(),
                }
            })}
        </Suspense>
    }
}

/// The roster of the group the address names, for `framework` (the group's first unless
/// chosen).
async fn load_roster(group: Option<i64>, framework: Option<i64>) -> Result<Roster, AppError> {
    match group {
        Some(group) => get_roster(group, framework).await,
        None => Err(AppError::NotFound("such group".into())),
    }
}

/// The whole roster is one island: marking, moving and live marks. It is drawn from the
/// roster the server hands it; another framework, or a reload after missed live events, is
/// fetched in the browser.
#[island]
fn RosterIsland(roster: Roster) -> impl IntoView {
    let group = roster.group_id;
    let framework = RwSignal::new(None::<i64>);
    let shown = RwSignal::new(roster);
    Effect::watch(
        move || framework.get(),
        move |framework, _, _| {
            let framework = *framework;
            spawn_local(async move {
                if let Ok(roster) = get_roster(group, framework).await {
                    shown.set(roster);
                }
            });
        },
        false,
    );
    move || view! { <RosterGrid roster=shown.get() framework /> }
}

/// "Proficient (3.0)", or "no level yet".
fn level_label(levels: &[(i64, String)], level: Option<f64>) -> String {
    match level {
        Some(level) => format!("{} ({level:.1})", level_name(levels, level)),
        None => "no level yet".to_string(),
    }
}

/// The name of the level a number reaches ("Proficient" for 3.4).
fn level_name(levels: &[(i64, String)], level: f64) -> &str {
    levels
        .iter()
        .rev()
        .find(|(number, _)| *number as f64 <= level.floor())
        .map_or("", |(_, name)| name.as_str())
}

/// "Marked 3 by Ms Lee on 24 Nov 2026, 10:02 am" (the institution's time), for hover and focus.
fn mark_note(mark: &RosterMark) -> String {
    let when = crate::dates::moment(&mark.recorded_at);
    match &mark.given_by {
        Some(name) => format!("Marked {:.0} by {name} on {when}", mark.mark),
        None => format!("Marked {:.0} on {when}", mark.mark),
    }
}

fn cell_id(row: usize, column: usize) -> String {
    format!("cell-{row}-{column}")
}

/// The mark panel's comment field.
const COMMENT_FIELD: &str = "mark-comment";

/// A competency's name short enough for a column header: its first words, up to about 18
/// characters ("Planning and conducting…").
fn short_name(name: &str) -> String {
    const MOST: usize = 18;
    if name.chars().count() <= MOST {
        return name.to_string();
    }
    let mut short = String::new();
    for word in name.split_whitespace() {
        if !short.is_empty() && short.chars().count() + 1 + word.chars().count() > MOST {
            break;
        }
        if !short.is_empty() {
            short.push(' ');
        }
        short.push_str(word);
    }
    let short: String = short.chars().take(MOST).collect();
    format!("{}…", short.trim_end_matches([',', ' ']))
}

/// Moves keyboard focus to an element by id (in the browser).
fn focus_element(id: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(element) = document()
            .get_element_by_id(id)
            .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = element.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

/// Moves keyboard focus to a cell (in the browser).
fn focus_cell(row: usize, column: usize) {
    focus_element(&cell_id(row, column));
}

#[component]
fn RosterGrid(roster: Roster, framework: RwSignal<Option<i64>>) -> impl IntoView {
    let Roster {
        group_id,
        group,
        frameworks,
        framework_id,
        columns,
        learners,
        levels,
        cells,
        may_mark,
    } = roster;
    let width = columns.len();
    let height = learners.len();
    let top = levels.last().map(|(number, _)| *number).unwrap_or(0);
    let cells: Vec<RwSignal<RosterCell>> = cells.into_iter().map(RwSignal::new).collect();
    let cells = StoredValue::new(cells);
    let columns = StoredValue::new(columns);
    let learners = StoredValue::new(learners);
    let levels = StoredValue::new(levels);

    let focus = RwSignal::new((0usize, 0usize));
    let pending = RwSignal::new(None::<i64>);
    let comment = RwSignal::new(String::new());
    let correcting = RwSignal::new(false);
    let saving = RwSignal::new(false);
    let message = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let fresh = RwSignal::new(None::<(usize, usize)>);

    let cell = move |row: usize, column: usize| cells.with_value(|c| c[row * width + column]);

    // Marks from anyone else arrive live.
    use_live_events(
        move |event| {
            let LiveEvent::Evidence {
                evidence_id,
                learner_id,
                competency_id,
                mark,
                level,
                given_by,
                recorded_at,
                ..
            } = event
            else {
                return;
            };
            let row = learners.with_value(|l| l.iter().position(|l| l.id == learner_id));
            let column = columns.with_value(|c| c.iter().position(|c| c.id == competency_id));
            if let (Some(row), Some(column)) = (row, column) {
                // Someone else's mark: highlighted a moment, and said politely.
                let ours = cell(row, column)
                    .with_untracked(|c| c.latest.as_ref().map(|m| m.evidence_id))
                    == Some(evidence_id);
                if !ours {
                    let learner = learners.with_value(|l| l[row].name.clone());
                    let competency = columns.with_value(|c| c[column].name.clone());
                    let by = given_by
                        .clone()
                        .unwrap_or_else(|| "The learning platform".into());
                    message.set(format!("{by} marked {mark} for {learner} on {competency}."));
                }
                cell(row, column).set(RosterCell {
                    level,
                    latest: Some(RosterMark {
                        evidence_id,
                        mark,
                        given_by,
                        recorded_at,
                    }),
                });
                fresh.set(Some((row, column)));
            }
        },
        move || framework.update(|_| {}),
    );

    let save = move || {
        let Some(level) = pending.get_untracked() else {
            return;
        };
        if saving.get_untracked() || height == 0 || width == 0 {
            return;
        }
        let (row, column) = focus.get_untracked();
        let learner = learners.with_value(|l| l[row].clone());
        let competency: RosterColumn = columns.with_value(|c| c[column].clone());
        let target = cell(row, column);
        let corrects = if correcting.get_untracked() {
            target.with_untracked(|c| c.latest.as_ref().map(|m| m.evidence_id))
        } else {
            None
        };
        let note = comment.get_untracked();
        saving.set(true);
        error.set(None);
        spawn_local(async move {
            let note = (!note.trim().is_empty()).then_some(note);
            match save_mark(
                group_id,
                learner.id,
                competency.id,
                level as f64,
                note,
                corrects,
            )
            .await
            {
                Ok(updated) => {
                    target.set(updated);
                    message.set(format!(
                        "Saved {level} for {} on {}.",
                        learner.name, competency.name
                    ));
                    pending.set(None);
                    comment.set(String::new());
                    correcting.set(false);
                    fresh.set(Some((row, column)));
                    // Back to the cell just marked, to go on from there.
                    focus_cell(row, column);
                }
                Err(failure) => error.set(Some(failure.to_string())),
            }
            saving.set(false);
        });
    };

    let on_keydown = move |event: leptos::ev::KeyboardEvent| {
        if height == 0 || width == 0 {
            return;
        }
        let (row, column) = focus.get_untracked();
        let moved = match event.key().as_str() {
            "ArrowUp" => Some((row.saturating_sub(1), column)),
            "ArrowDown" => Some(((row + 1).min(height - 1), column)),
            "ArrowLeft" => Some((row, column.saturating_sub(1))),
            "ArrowRight" => Some((row, (column + 1).min(width - 1))),
            "Home" => Some((row, 0)),
            "End" => Some((row, width - 1)),
            "Enter" if may_mark => {
                event.prevent_default();
                save();
                None
            }
            "Escape" => {
                pending.set(None);
                correcting.set(false);
                error.set(None);
                None
            }
            "c" if may_mark => {
                // A comment for the focused cell's mark.
                event.prevent_default();
                focus_element(COMMENT_FIELD);
                None
            }
            key if may_mark => {
                if let Some(digit) = key.parse::<i64>().ok().filter(|d| (1..=top).contains(d)) {
                    pending.set(Some(digit));
                    error.set(None);
                }
                None
            }
            _ => None,
        };
        if let Some((row, column)) = moved {
            event.prevent_default();
            if (row, column) != focus.get_untracked() {
                pending.set(None);
                correcting.set(false);
            }
            focus.set((row, column));
            focus_cell(row, column);
        }
    };

    let table = view! {
                    <table
                        class="roster"
                        role="grid"
                        aria-describedby="roster-help"
                        aria-label=format!("Roster of {group}")
                        on:keydown=on_keydown
                    >
                        <thead>
                            <tr>
                                <th scope="col">"Learner"</th>
                                {columns.with_value(|all| all
                                    .iter()
                                    .map(|c| view! {
                                        <th scope="col" title=c.name.clone()>
                                            <abbr title=c.name.clone()>{c.code.clone()}</abbr>
                                            <span class="column-name">{short_name(&c.name)}</span>
                                        </th>
                                    })
                                    .collect_view())}
                            </tr>
                        </thead>
                        <tbody>
                            {learners.with_value(|everyone| everyone
                                .iter()
                                .enumerate()
                                .map(|(row, learner)| view! {
                                    <tr>
                                        <th scope="row">
                                            <a href=format!("/learners/{}", learner.id)>{learner.name.clone()}</a>
                                        </th>
                                        {(0..width)
                                            .map(|column| {
                                                let this = cell(row, column);
                                                let focused = move || focus.get() == (row, column);
                                                // What the cell shows: its level, or the level about to be saved.
                                                let shown = move || match (focused(), pending.get()) {
                                                    (true, Some(level)) => format!("→ {level}"),
                                                    _ => this.with(|c| c.level.map(|l| format!("{l:.1}")).unwrap_or_else(|| "·".into())),
                                                };
                                                // Its name says what it shows ("2.5"), so voice control finds it by what is seen.
                                                let label = move || {
                                                    let learner = learners.with_value(|l| l[row].name.clone());
                                                    let competency = columns.with_value(|c| c[column].name.clone());
                                                    let note = this.with(|c| c.latest.as_ref().map(mark_note)).unwrap_or_default();
                                                    match this.with(|c| c.level) {
                                                        Some(level) => {
                                                            let name = level_name(&levels.get_value(), level).to_string();
                                                            format!("{learner}, {competency}: {}, {name}. {note}", shown())
                                                        }
                                                        None => format!("{learner}, {competency}: no level yet. {note}"),
                                                    }
                                                };
                                                view! {
                                                    <td
                                                        id=cell_id(row, column)
                                                        role="gridcell"
                                                        tabindex=move || if focused() { "0" } else { "-1" }
                                                        aria-label=label
                                                        aria-selected=move || focused().to_string()
                                                        title=move || this.with(|c| c.latest.as_ref().map(mark_note)).unwrap_or_default()
                                                        class=move || format!(
                                                            "level-cell level-{}",
                                                            this.with(|c| c.level.map(|l| l as i64).unwrap_or(0)),
                                                        )
                                                        class:fresh=move || fresh.get() == Some((row, column))
                                                        class:editing=move || focused() && pending.get().is_some()
                                                        on:focus=move |_| {
                                                            if focus.get_untracked() != (row, column) {
                                                                pending.set(None);
                                                                correcting.set(false);
                                                                focus.set((row, column));
                                                            }
                                                        }
                                                        on:click=move |_| {
                                                            if focus.get_untracked() != (row, column) {
                                                                pending.set(None);
                                                                correcting.set(false);
                                                            }
                                                            focus.set((row, column));
                                                        }
                                                    >
                                                        {shown}
                                                    </td>
                                                }
                                                .into_any_sync()
                                            })
                                            .collect_view()}
                                    </tr>
                                })
                                .collect_view())}
                        </tbody>
                    </table>
    }
    .into_any_sync();
    let panel = (height > 0 && width > 0).then(|| {
        view! {
<aside class="tile mark-panel" aria-labelledby="mark-title">
                        <h2 id="mark-title">{move || {
                            let (row, column) = focus.get();
                            format!(
                                "{} — {}",
                                learners.with_value(|l| l[row].name.clone()),
                                columns.with_value(|c| c[column].name.clone()),
                            )
                        }}</h2>
                        <p>{move || {
                            let (row, column) = focus.get();
                            cell(row, column).with(|c| format!("Now: {}", level_label(&levels.get_value(), c.level)))
                        }}</p>
                        <p class="muted">{move || {
                            let (row, column) = focus.get();
                            cell(row, column).with(|c| c.latest.as_ref().map(mark_note).unwrap_or_else(|| "No marks yet.".into()))
                        }}</p>
                        {may_mark.then(|| view! {
                            <div class="level-buttons" role="group" aria-label="Level">
                                {levels.with_value(|all| all
                                    .iter()
                                    .map(|(number, name)| {
                                        let number = *number;
                                        view! {
                                            <button
                                                type="button"
                                                class="chip"
                                                aria-pressed=move || (pending.get() == Some(number)).to_string()
                                                on:click=move |_| pending.set(Some(number))
                                            >
                                                {format!("{number} {name}")}
                                            </button>
                                        }
                                    })
                                    .collect_view())}
                            </div>
                            <label for=COMMENT_FIELD>"Comment (optional) — press c in the grid"</label>
                            <textarea
                                id=COMMENT_FIELD
                                rows="2"
                                prop:value=move || comment.get()
                                on:input=move |event| comment.set(event_target_value(&event))
                                on:keydown=move |event: leptos::ev::KeyboardEvent| {
                                    // Ctrl+Enter saves; Escape goes back to the cell.
                                    if event.key() == "Enter" && (event.ctrl_key() || event.meta_key()) {
                                        event.prevent_default();
                                        save();
                                    } else if event.key() == "Escape" {
                                        let (row, column) = focus.get_untracked();
                                        focus_cell(row, column);
                                    }
                                }
                            ></textarea>
                            <label class="check">
                                <input
                                    type="checkbox"
                                    prop:checked=move || correcting.get()
                                    prop:disabled=move || {
                                        let (row, column) = focus.get();
                                        cell(row, column).with(|c| c.latest.is_none())
                                    }
                                    on:change=move |event| correcting.set(event_target_checked(&event))
                                />
                                " Correct the newest mark (it stops counting; both stay on record)"
                            </label>
                            <div class="actions">
                                <button
                                    type="button"
                                    class="primary"
                                    prop:disabled=move || pending.get().is_none() || saving.get()
                                    on:click=move |_| save()
                                >
                                    {move || if saving.get() { "Saving…" } else { "Save mark" }}
                                </button>
                                <button type="button" class="link-button" on:click=move |_| {
                                    pending.set(None);
                                    correcting.set(false);
                                }>"Cancel"</button>
                            </div>
                            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                        })}
                    </aside>
        }
        .into_any_sync()
    });

    let title = format!("Roster — {group}");
    view! {
        <Title text=title.clone() />
        <main id="main" class="page">
            <nav aria-label="Breadcrumb" class="breadcrumbs">
                <a href="/">"Home"</a>
                " › "
                <span aria-current="page">{title.clone()}</span>
            </nav>
            <h1>{title}</h1>
            <div class="roster-tools">
                <label class="inline-field">
                    "Framework "
                    <select on:change=move |event| {
                        framework.set(event_target_value(&event).parse::<i64>().ok());
                    }>
                        {frameworks
                            .into_iter()
                            .map(|f| view! { <option value=f.id selected=f.id == framework_id>{f.name}</option> })
                            .collect_view()}
                    </select>
                </label>
                <p class="muted" id="roster-help">
                    {if may_mark {
                        format!("Arrow keys move. Type 1–{top} to pick a level, c to add a comment, Enter to save, Escape to cancel.")
                    } else {
                        "You can look at this roster; only the group's teachers mark it.".to_string()
                    }}
                </p>
            </div>
            <p class="status" role="status" aria-live="polite">{move || message.get()}</p>
            {(height == 0 || width == 0).then(|| view! {
                <p class="empty">"This group has no learners, or this framework no competencies, yet."</p>
            })}
            <div class="roster-layout">
                <div class="roster-scroll">
                    {table}
                </div>
                {panel}
            </div>
        </main>
    }
}
