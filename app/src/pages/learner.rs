//! A learner's dashboard at `/learners/{id}`: progress per competency by category, and badges
//! (earned, and Provisional Evidence Records with what remains), for whoever the policy allows.

use crate::sync_view::IntoAnySync;
use cairn::model::{LearnerProgress, StorySummary};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::{get_learner, AttendanceTile as AttendanceTile_, CohortTile};
use crate::components::attendance::{self, AttendanceTile};
use crate::components::cohort::{self, CohortComparison};
use crate::components::layout::Tile;
use crate::components::progress::{BadgeList, ProgressList};
use crate::components::story::{self, StoryTile};
use crate::error::AppError;
use crate::live::{id_param, Follow, LiveRefresh};

/// The page's view (its route is in `crate::App`).
pub fn page() -> AnyView {
    learner_page().into_any_sync()
}

fn learner_page() -> impl IntoView {
    let learner_id = id_param();
    let dashboard = crate::page_data::load(learner_id, |id| async move {
        match id {
            Some(id) => get_learner(id).await,
            None => Err(AppError::NotFound("such learner".into())),
        }
    });
    // The tiles' data is loaded here, beside the dashboard's and at the same time, not by the
    // tiles: the `Suspend` below is walked more than once while the page is drawn, and a load
    // inside it would run again each time (see `crate::page_data`). Each server function checks
    // the policy itself, so a refused dashboard's tiles are refused too, and never drawn.
    let tiles = untrack(learner_id).map(|id| Tiles {
        story: story::load_summary(id),
        attendance: attendance::load(id),
        cohort: cohort::load(id),
    });
    view! {
        <Transition fallback=|| view! { <main id="main" class="page" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                match (dashboard.await, tiles) {
                    (Ok(progress), Some(tiles)) => view! { <Dashboard progress tiles /> }.into_any_sync(),
                    (Ok(_), None) => {
                        let error = AppError::NotFound("such learner".into());
                        view! { <Refusal error /> }.into_any_sync()
                    }
                    (Err(error), _) => view! { <Refusal error /> }.into_any_sync(),
                }
            })}
        </Transition>
    }
}

/// The data of a dashboard's tiles beside progress and badges.
#[derive(Clone, Copy)]
struct Tiles {
    story: AsyncDerived<Result<StorySummary, AppError>>,
    attendance: AsyncDerived<Result<AttendanceTile_, AppError>>,
    cohort: AsyncDerived<Result<CohortTile, AppError>>,
}

#[component]
fn Dashboard(progress: LearnerProgress, tiles: Tiles) -> impl IntoView {
    let name = progress.learner.name.clone();
    let learner_id = progress.learner.id;
    let achievements = progress.achievements.clone();
    view! {
        <Title text=name.clone() />
        <main id="main" class="page">
            // Every live event about this learner draws the dashboard again.
            <LiveRefresh follow=Follow::Learner(learner_id) />
            <nav aria-label="Breadcrumb" class="breadcrumbs">
                <a href="/">"Home"</a>
                " › "
                <span aria-current="page">{name.clone()}</span>
            </nav>
            <h1>{name}</h1>
            <div class="tiles">
                <Tile id="progress" title="Progress" wide=true>
                    <ProgressList progress />
                </Tile>
                <Tile id="badges" title="Badges">
                    <BadgeList learner_id achievements />
                </Tile>
                <StoryTile learner_id summary=tiles.story />
                <AttendanceTile tile=tiles.attendance />
                <CohortComparison learner_id cohort=tiles.cohort />
            </div>
        </main>
    }
}

/// Not allowed, not found, or not signed in: said plainly. (The server's router gives the
/// response its 403 or 404 status: the page streams, so its status is sent before this renders.)
#[component]
pub fn Refusal(error: AppError) -> impl IntoView {
    let (title, message) = match &error {
        AppError::Forbidden => (
            "Not allowed",
            "You can only see the learners you are linked to and the groups you teach.".to_string(),
        ),
        AppError::NotFound(what) => ("Not found", format!("There is no {what} at this address.")),
        other => ("This page could not be shown", other.to_string()),
    };
    view! {
        <Title text=title />
        <main id="main" class="page narrow">
            <h1>{title}</h1>
            <p role="alert">{message}</p>
            <p><a href="/">"Go to your home page"</a></p>
        </main>
    }
}
