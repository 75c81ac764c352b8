//! One competency of one learner at `/learners/{id}/competencies/{competency}`: what the skill
//! is, the current level, how it is computed, and the evidence behind it.

use crate::sync_view::IntoAnySync;
use cairn::model::{CompetencyDetail, EvidenceItem};
use leptos::prelude::*;

use crate::dates::day;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::get_competency;
use crate::components::progress::{level_text, next_step_text, source_label};
use crate::error::AppError;
use crate::pages::learner::Refusal;

/// The page's view (its route is in `crate::App`).
pub fn page() -> AnyView {
    competency_page().into_any_sync()
}

fn competency_page() -> impl IntoView {
    let params = use_params_map();
    let ids = move || {
        params.with(|p| {
            let learner = p.get("id")?.parse::<i64>().ok()?;
            let competency = p.get("competency")?.parse::<i64>().ok()?;
            Some((learner, competency))
        })
    };
    let detail = crate::page_data::load(ids, |ids| async move {
        match ids {
            Some((learner, competency)) => get_competency(learner, competency).await,
            None => Err(AppError::NotFound("such competency".into())),
        }
    });
    view! {
        <Suspense fallback=|| view! { <main id="main" class="page" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => view! { <Detail detail /> }.into_any_sync(),
                    Err(error) => view! { <Refusal error /> }.into_any_sync(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Detail(detail: CompetencyDetail) -> impl IntoView {
    let CompetencyDetail {
        learner,
        current,
        statement_html,
        keywords,
        evidence,
    } = detail;
    let title = format!("{} — {}", current.name, learner.name);
    let dashboard = format!("/learners/{}", learner.id);
    let next = next_step_text(&current);
    view! {
        <Title text=title />
        <main id="main" class="page narrow">
            <nav aria-label="Breadcrumb" class="breadcrumbs">
                <a href="/">"Home"</a>
                " › "
                <a href=dashboard>{learner.name.clone()}</a>
                " › "
                <span aria-current="page">{current.name.clone()}</span>
            </nav>
            <h1>{current.name.clone()}</h1>
            <p class="muted">
                <span class="code">{current.code.clone()}</span>
                {format!(" · {} · {}", current.framework, current.category)}
            </p>
            <div class="statement" inner_html=statement_html></div>
            {(!keywords.is_empty()).then(|| view! { <p class="muted">"Keywords: "{keywords}</p> })}
            <section class="tile" aria-labelledby="level-title">
                <h2 id="level-title">"Current level"</h2>
                <p class="headline">
                    <span class=format!("level level-{}", current.level.map(|l| l as i64).unwrap_or(0))>
                        {level_text(&current)}
                    </span>
                    {current.mastered().then(|| view! { " " <span class="mastered">"Mastered"</span> })}
                </p>
                {next.map(|text| view! { <p>{text}</p> })}
                <p class="method">
                    {format!(
                        "How it is worked out: {}. Mastery is level {:.0}.",
                        current.method_explained,
                        current.mastery_level,
                    )}
                </p>
                <p class="muted">{format!("(The method, as teachers know it: {}.)", current.method)}</p>
            </section>
            <section aria-labelledby="evidence-title">
                <h2 id="evidence-title">"Evidence"</h2>
                {if evidence.is_empty() {
                    view! {
                        <p class="empty">
                            {format!(
                                "No evidence yet for {} — it appears when a teacher marks it.",
                                current.name,
                            )}
                        </p>
                    }
                    .into_any_sync()
                } else {
                    view! { <EvidenceTable evidence /> }.into_any_sync()
                }}
            </section>
        </main>
    }
}

#[component]
fn EvidenceTable(evidence: Vec<EvidenceItem>) -> impl IntoView {
    view! {
        <table class="figures evidence">
            <caption class="visually-hidden">"Evidence, newest first"</caption>
            <thead>
                <tr>
                    <th scope="col">"Date"</th>
                    <th scope="col">"Level"</th>
                    <th scope="col">"From"</th>
                    <th scope="col">"Comment"</th>
                    <th scope="col">"Used for the level"</th>
                </tr>
            </thead>
            <tbody>
                {evidence
                    .into_iter()
                    .map(|item| {
                        let counts = if item.superseded {
                            "No — corrected later"
                        } else if item.counted {
                            "Yes"
                        } else {
                            "No — not used by this method"
                        };
                        let from = match &item.given_by {
                            Some(name) => format!("{} ({name})", source_label(&item.source)),
                            None => source_label(&item.source).to_string(),
                        };
                        view! {
                            <tr class:superseded=item.superseded>
                                <td><time datetime=item.observed_on.clone()>{day(&item.observed_on)}</time></td>
                                <td>
                                    {format!(
                                        "{} ({:.0})",
                                        item.level_name.unwrap_or_default(),
                                        item.level,
                                    )}
                                </td>
                                <td>{from}</td>
                                <td>{item.comment.unwrap_or_default()}</td>
                                <td>{counts}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        <p class="muted">
            "“Used for the level” says whether a mark goes into the current level: a mark \
             corrected later does not, and some methods use only some marks (the latest, the \
             highest, or those at mastery)."
        </p>
    }
}
