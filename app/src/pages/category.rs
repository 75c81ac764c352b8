//! One category of a learner's record at `/learners/{id}/categories/{category}`: its
//! competencies, and the Provisional Evidence Record of each achievement in it — where every
//! required competency stands, what remains, and when each level changed and why.

use crate::sync_view::IntoAnySync;
use cairn::model::{BadgeState, CategoryRecord, EvidenceRecord, LevelChange};
use leptos::prelude::*;

use crate::dates::day;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::{get_category, IssueCredential};
use crate::components::forms::PostForm;
use crate::components::progress::{source_label, CompetencyItem, CompetencyLine};
use crate::error::AppError;
use crate::live::{Follow, LiveRefresh};
use crate::pages::learner::Refusal;
use leptos::server_fn::ServerFn;

/// The page's view (its route is in `crate::App`).
pub fn page() -> AnyView {
    category_page().into_any_sync()
}

fn category_page() -> impl IntoView {
    let params = use_params_map();
    let ids = move || {
        params.with(|p| {
            let learner = p.get("id")?.parse::<i64>().ok()?;
            Some((learner, p.get("category")?))
        })
    };
    let record = crate::page_data::load(ids, |ids| async move {
        match ids {
            Some((learner, category)) => get_category(learner, category).await,
            None => Err(AppError::NotFound("such category".into())),
        }
    });
    view! {
        <Transition fallback=|| view! { <main id="main" class="page" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                match record.await {
                    Ok(record) => view! { <Category record /> }.into_any_sync(),
                    Err(error) => view! { <Refusal error /> }.into_any_sync(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Category(record: CategoryRecord) -> impl IntoView {
    let CategoryRecord {
        learner,
        name,
        competencies,
        records,
        may_issue,
        ..
    } = record;
    let learner_id = learner.id;
    let mastered = competencies.iter().filter(|c| c.mastered()).count();
    let total = competencies.len();
    view! {
        <Title text=format!("{name} — {}", learner.name) />
        <main id="main" class="page">
            <LiveRefresh follow=Follow::Learner(learner_id) />
            <nav aria-label="Breadcrumb" class="breadcrumbs">
                <a href="/">"Home"</a>
                " › "
                <a href=format!("/learners/{learner_id}")>{learner.name.clone()}</a>
                " › "
                <span aria-current="page">{name.clone()}</span>
            </nav>
            <h1>{format!("{name} — {}", learner.name)}</h1>
            <p class="headline">
                <strong>{mastered}</strong>{format!(" of {total} competencies mastered")}
            </p>
            <div class="tiles">
                <section class="tile wide" aria-labelledby="records-title">
                    <h2 id="records-title">"Badges and their evidence records"</h2>
                    {if records.is_empty() {
                        view! {
                            <p class="empty">
                                {format!("No badge is set up for {name} yet.")}
                            </p>
                        }
                        .into_any_sync()
                    } else {
                        records
                            .into_iter()
                            .map(|record| view! { <Record learner_id record may_issue /> })
                            .collect_view()
                            .into_any_sync()
                    }}
                </section>
                <section class="tile" aria-labelledby="competencies-title">
                    <h2 id="competencies-title">"Competencies"</h2>
                    <ul class="competencies">
                        {competencies
                            .into_iter()
                            .map(|competency| view! { <CompetencyItem learner_id line=CompetencyLine::from(&competency) /> })
                            .collect_view()}
                    </ul>
                </section>
            </div>
        </main>
    }
}

fn level_number(level: Option<f64>) -> String {
    level.map_or_else(|| "none".to_string(), |level| format!("{level:.1}"))
}

/// One achievement's Provisional Evidence Record (or the earned badge's record).
#[component]
fn Record(learner_id: i64, record: EvidenceRecord, may_issue: bool) -> impl IntoView {
    let EvidenceRecord {
        achievement,
        criteria,
        timeline,
    } = record;
    let earned = achievement.state == BadgeState::Earned;
    let (state, key) = if earned {
        ("Earned", "earned")
    } else {
        ("In progress", "provisional")
    };
    let heading = format!("achievement-{}-title", achievement.id);
    let labelled_by = heading.clone();
    view! {
        <article
            class="record"
            id=format!("achievement-{}", achievement.id)
            aria-labelledby=labelled_by
            data-state=key
        >
            <h3 id=heading>
                {achievement.name.clone()}
                " "
                <span class="badge-state" class:earned=earned>{state}</span>
            </h3>
            <p>{achievement.description.clone()}</p>
            <p class="muted">
                {format!("{} of {} criteria met", achievement.met, achievement.required)}
            </p>
            {achievement.credential.clone().map(|id| view! {
                <p>
                    <a class="chip" href=format!("/credentials/{id}")>
                        {format!("View the {} credential", achievement.name)}
                    </a>
                </p>
            })}
            {(earned && achievement.credential.is_none() && may_issue).then({
                let (id, name) = (achievement.id, achievement.name.clone());
                move || view! {
                <PostForm action=IssueCredential::PATH class="inline-form" saved="Issued">
                    <input type="hidden" name="learner_id" value=learner_id />
                    <input type="hidden" name="achievement_id" value=id />
                    <button type="submit">{format!("Issue the {name} credential")}</button>
                </PostForm>
            }})}
            <table class="figures criteria">
                <caption class="visually-hidden">
                    {format!("What {} asks for, and where it stands", achievement.name)}
                </caption>
                <thead>
                    <tr>
                        <th scope="col">"Competency"</th>
                        <th scope="col">"Needed"</th>
                        <th scope="col">"Now"</th>
                        <th scope="col">"Status"</th>
                    </tr>
                </thead>
                <tbody>
                    {criteria
                        .into_iter()
                        .map(|c| {
                            let status = if c.met {
                                "Met".to_string()
                            } else {
                                let short = cairn::mastery::steps_remaining(c.level, c.required_level);
                                let levels = if short == 1 { "level" } else { "levels" };
                                format!("{short} {levels} to go")
                            };
                            let now = match (c.level_name, c.level) {
                                (Some(name), Some(level)) => format!("{name} ({level:.1})"),
                                _ => "No evidence yet".to_string(),
                            };
                            view! {
                                <tr class:met=c.met>
                                    <th scope="row">
                                        <a href=format!(
                                            "/learners/{learner_id}/competencies/{}",
                                            c.competency_id,
                                        )>{c.name}</a>
                                    </th>
                                    <td>{format!("{:.0}", c.required_level)}</td>
                                    <td>{now}</td>
                                    <td>{status}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            <h4>"Timeline"</h4>
            {if timeline.is_empty() {
                view! {
                    <p class="empty">"No evidence yet on these competencies."</p>
                }
                .into_any_sync()
            } else {
                view! {
                    <ol class="timeline">
                        {timeline
                            .into_iter()
                            .map(|change| view! { <TimelineEntry learner_id change /> })
                            .collect_view()}
                    </ol>
                }
                .into_any_sync()
            }}
        </article>
    }
}

#[component]
fn TimelineEntry(learner_id: i64, change: LevelChange) -> impl IntoView {
    let from = match &change.given_by {
        Some(name) => format!("{} ({name})", source_label(&change.source)),
        None => source_label(&change.source).to_string(),
    };
    let what = if change.correction {
        format!("a correction to {:.0}", change.evidence_level)
    } else {
        format!("a mark of {:.0}", change.evidence_level)
    };
    view! {
        <li class="change" class:reached=change.reached_requirement>
            <time datetime=change.observed_on.clone()>{day(&change.observed_on)}</time>
            <a href=format!("/learners/{learner_id}/competencies/{}", change.competency_id)>
                {change.name.clone()}
            </a>
            <span class="levels">
                {format!("{} → {}", level_number(change.from), level_number(change.to))}
            </span>
            <span class="muted">{format!("after {what} · {from}")}</span>
            {change.reached_requirement.then(|| view! { <span class="mastered">"Requirement met"</span> })}
        </li>
    }
}
