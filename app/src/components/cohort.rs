//! The cohort comparison tile: a framework chooser, the radar chart (drawn on the server, also
//! when the framework changes), and the same numbers as a table.

use crate::sync_view::IntoAnySync;
use cairn::cohort::{CohortView, FrameworkChoice, RadarAxis};
use leptos::prelude::*;

use crate::api::{get_cohort, CohortTile};
use crate::components::layout::Tile;
use crate::error::AppError;

fn level(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_string(), |v| format!("{v:.1}"))
}

/// The tile's data with the learner's first framework, loaded by the page (outside the
/// `Suspend` that draws the tile; see `crate::page_data`).
pub fn load(learner_id: i64) -> AsyncDerived<Result<CohortTile, AppError>> {
    crate::page_data::load(move || learner_id, |id| get_cohort(id, None))
}

/// The tile, drawn on the server with the learner's first framework.
#[component]
pub fn CohortComparison(
    learner_id: i64,
    cohort: AsyncDerived<Result<CohortTile, AppError>>,
) -> impl IntoView {
    view! {
        <Tile id="cohort" title="Compared with the cohort" wide=true>
            <Suspense fallback=|| view! { <div class="chart-skeleton" aria-busy="true"></div> }>
                {move || Suspend::new(async move {
                    match cohort.await {
                        Ok(tile) => {
                            let (frameworks, chosen) = (tile.frameworks.clone(), tile.chosen);
                            view! {
                                <CohortChooser learner_id frameworks chosen>
                                    <CohortBody tile />
                                </CohortChooser>
                            }
                            .into_any_sync()
                        }
                        Err(error) => view! { <p role="alert">{error.to_string()}</p> }.into_any_sync(),
                    }
                })}
            </Suspense>
        </Tile>
    }
}

/// The framework chooser. The chart drawn with the page comes as the island's children (server
/// markup, never sent again as data); another framework is fetched in the browser (its chart
/// drawn on the server) and replaces it. The choice is kept when the page is drawn again on a
/// live event.
#[island]
fn CohortChooser(
    learner_id: i64,
    frameworks: Vec<FrameworkChoice>,
    chosen: i64,
    children: Children,
) -> impl IntoView {
    let choice = crate::live::kept_choice::<i64>("framework");
    let fetched = RwSignal::new(None::<CohortTile>);
    let first_drawn = NodeRef::<leptos::html::Div>::new();
    // Another framework than the one shown: chosen now, or kept from before the page was drawn
    // again.
    Effect::new(move |_| {
        let Some(framework) = choice.get() else {
            return;
        };
        let shown = fetched.with_untracked(|tile| tile.as_ref().map_or(chosen, |t| t.chosen));
        if shown != framework {
            leptos::task::spawn_local(async move {
                if let Ok(tile) = get_cohort(learner_id, Some(framework)).await {
                    if let Some(first) = first_drawn.get_untracked() {
                        first.remove();
                    }
                    fetched.set(Some(tile));
                }
            });
        }
    });
    view! {
        <label class="inline-field">
            "Framework "
            <select on:change=move |event| {
                choice.set(event_target_value(&event).parse::<i64>().ok());
            }>
                {frameworks
                    .into_iter()
                    .map(|f| {
                        // Drawn selected on the server; then whichever chart is shown.
                        let shown = move || {
                            fetched.with(|tile| tile.as_ref().map_or(chosen, |t| t.chosen)) == f.id
                        };
                        view! {
                            <option value=f.id selected=f.id == chosen prop:selected=shown>
                                {f.name}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
        <div class="cohort-drawn" node_ref=first_drawn>{children()}</div>
        {move || fetched.get().map(|tile| view! { <CohortBody tile /> })}
    }
}

/// The chart (with its caption) and the same numbers as a table, or why there is none.
#[component]
fn CohortBody(tile: CohortTile) -> impl IntoView {
    let CohortTile {
        view, svg, as_of, ..
    } = tile;
    view! {
        {match view {
            CohortView::Radar { framework, cohort, learners, axes, .. } => {
                let svg = svg.unwrap_or_default();
                let label = format!(
                    "Radar chart of {framework}: this learner's levels against the median and \
                     middle half of {cohort} ({learners} learners). The table below has the numbers."
                );
                view! {
                    <figure class="radar">
                        <div class="radar-svg" role="img" aria-label=label inner_html=svg></div>
                        <figcaption class="muted">
                            {format!("{framework} · compared with {cohort} ({learners} learners) · cohort as of ")}
                            <time datetime=as_of.clone()>{crate::dates::time_of_day(&as_of)}</time>
                        </figcaption>
                    </figure>
                    <details class="chart-table">
                        <summary>"Show as table"</summary>
                        <CohortTable axes />
                    </details>
                }
                .into_any_sync()
            }
            CohortView::TooSmall { cohort, learners } => view! {
                <p class="empty">
                    {format!(
                        "Cohort comparison appears for groups of at least {} learners; {cohort} has {learners}, so no one can be singled out.",
                        cairn::cohort::MIN_COHORT,
                    )}
                </p>
            }
            .into_any_sync(),
            CohortView::NoCohort => view! {
                <p class="empty">"Cohort comparison appears once the learner is in a group."</p>
            }
            .into_any_sync(),
        }}
    }
}

#[component]
fn CohortTable(axes: Vec<RadarAxis>) -> impl IntoView {
    view! {
        <table class="figures">
            <thead>
                <tr>
                    <th scope="col">"Competency"</th>
                    <th scope="col">"Learner"</th>
                    <th scope="col">"Cohort median"</th>
                    <th scope="col">"Middle half"</th>
                </tr>
            </thead>
            <tbody>
                {axes
                    .into_iter()
                    .map(|axis| {
                        let (median, band) = match axis.spread {
                            Some(s) => (format!("{:.1}", s.median), format!("{:.1}–{:.1}", s.q1, s.q3)),
                            None => ("—".to_string(), "—".to_string()),
                        };
                        view! {
                            <tr>
                                <th scope="row">{axis.label}</th>
                                <td>{level(axis.learner)}</td>
                                <td>{median}</td>
                                <td>{band}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
