//! The signed-in person's home: the tiles administrators chose for their role, in that order,
//! each only when there is something to show.

use crate::sync_view::IntoAnySync;
use cairn::model::{
    GroupSummary, Home, HomeTile, InstitutionSummary, LearnerListing, OrderSummary, SeatSummary,
};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::get_home;
use crate::components::admin::{AdminLinks, InstitutionFigures};
use crate::components::layout::{Frame, Tile};
use crate::components::story::{self, CheckInsTile, StoryTile};
use crate::components::summary::WeekSummary;
use crate::error::AppError;

/// The page's view.
pub fn page() -> AnyView {
    home_page().into_any_sync()
}

fn home_page() -> impl IntoView {
    let home = crate::page_data::load(|| (), |_| get_home());
    view! {
        <Title text="Home" />
        <Suspense fallback=|| view! { <HomeSkeleton /> }>
            {move || Suspend::new(async move {
                match home.await {
                    Ok(home) => view! { <HomeTiles home /> }.into_any_sync(),
                    Err(error) => view! { <HomeError error /> }.into_any_sync(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn HomeSkeleton() -> impl IntoView {
    view! {
        <main id="main" class="page" aria-busy="true">
            <div class="tiles">
                <div class="tile skeleton"></div>
                <div class="tile skeleton"></div>
            </div>
        </main>
    }
}

#[component]
fn HomeError(error: AppError) -> impl IntoView {
    view! {
        <main id="main" class="page narrow">
            <h1>"Your home page could not be shown"</h1>
            <p role="alert">{error.to_string()}</p>
            {(error == AppError::Unauthorized).then(|| view! { <p><a href="/login">"Sign in"</a></p> })}
        </main>
    }
}

#[component]
fn HomeTiles(home: Home) -> impl IntoView {
    let Home {
        viewer,
        tiles,
        own_progress,
        children,
        summaries,
        teaching,
        taught,
        seats,
        orders,
        institution,
    } = home;
    let summary_of = {
        let summaries = summaries.clone();
        move |learner: i64| summaries.iter().find(|s| s.learner_id == learner).cloned()
    };
    let first_name = viewer
        .name
        .split(' ')
        .next()
        .unwrap_or_default()
        .to_string();
    let nothing_yet = own_progress.is_none()
        && children.is_empty()
        && teaching.is_empty()
        && seats.is_empty()
        && orders.is_empty()
        && institution.is_none();
    // Each tile the administrators chose for this role, in their order; a tile with nothing
    // to show is left out.
    let mut own_progress = own_progress;
    let own_learner = own_progress.as_ref().map(|progress| progress.learner.id);
    let mut children = Some(children);
    let teaches = !teaching.is_empty();
    let mut groups = Some((teaching, taught));
    let mut seats = Some(seats);
    let mut orders = Some(orders);
    let mut institution = institution;
    let shown = tiles
        .into_iter()
        .map(|tile| match tile {
            HomeTile::Progress => own_progress.take().and_then(|progress| {
                let summary = summary_of(progress.learner.id)?;
                Some(view! { <ProgressTile progress summary /> }.into_any_sync())
            }),
            HomeTile::Story => own_learner.map(|learner_id| {
                let summary = story::load_summary(learner_id);
                view! { <StoryTile learner_id summary /> }.into_any_sync()
            }),
            HomeTile::Children => children.take().map(|children| {
                let children: Vec<_> = children
                    .into_iter()
                    .filter_map(|progress| Some((summary_of(progress.learner.id)?, progress)))
                    .collect();
                view! { <ChildrenTiles children /> }.into_any_sync()
            }),
            HomeTile::CheckIns => teaches.then(|| view! { <CheckInsTile /> }.into_any_sync()),
            HomeTile::Groups => groups
                .take()
                .filter(|(teaching, _)| !teaching.is_empty())
                .map(|(groups, learners)| {
                    view! { <TeachingTile groups learners /> }.into_any_sync()
                }),
            HomeTile::Seats => seats
                .take()
                .filter(|seats| !seats.is_empty())
                .map(|seats| view! { <SeatsTile seats /> }.into_any_sync()),
            HomeTile::Orders => orders
                .take()
                .filter(|orders| !orders.is_empty())
                .map(|orders| view! { <OrdersTile orders /> }.into_any_sync()),
            HomeTile::Institution => institution
                .take()
                .map(|summary| view! { <InstitutionTile summary /> }.into_any_sync()),
        })
        .collect_view();
    view! {
        <Frame viewer>
            <h1 class="greeting">"Welcome, "{first_name}</h1>
            {nothing_yet.then(|| view! {
                <p class="empty">
                    "There is nothing to show here yet. Your tiles appear as soon as your \
                     school links you to learners, groups or trainings."
                </p>
            })}
            <div class="tiles">{shown}</div>
        </Frame>
    }
    .into_any_sync()
}

#[component]
fn ProgressTile(
    progress: cairn::model::LearnerProgress,
    summary: cairn::model::LearnerSummary,
) -> impl IntoView {
    let learner_id = progress.learner.id;
    view! {
        <Tile id="my-progress" title="My progress" wide=true>
            <p>
                <a href=format!("/learners/{learner_id}")>"Open my dashboard"</a>
                " · "
                <a href="/backpack">"Open my backpack"</a>
            </p>
            <WeekSummary progress summary who="you" />
        </Tile>
    }
    .into_any_sync()
}

/// A parent's children: a summary card for each (jump links first when there are several),
/// then their story.
#[component]
fn ChildrenTiles(
    children: Vec<(cairn::model::LearnerSummary, cairn::model::LearnerProgress)>,
) -> impl IntoView {
    let jumps = (children.len() > 1).then(|| {
        let links = children
            .iter()
            .map(|(_, progress)| {
                view! {
                    <a href=format!("#learner-{}", progress.learner.id)>{progress.learner.name.clone()}</a>
                    " "
                }
            })
            .collect_view();
        view! { <nav class="jump-links tile wide" aria-label="Your children">"Jump to: " {links}</nav> }
    });
    let cards = children
        .into_iter()
        .map(|(summary, progress)| {
            let child_id = progress.learner.id;
            let name = progress.learner.name.clone();
            let first = name.split(' ').next().unwrap_or_default().to_string();
            view! {
                <Tile id=format!("learner-{child_id}") title=name.clone() wide=true>
                    <p>
                        <a href=format!("/learners/{child_id}")>{format!("Open {name}'s dashboard")}</a>
                    </p>
                    <WeekSummary progress summary who=first />
                </Tile>
                <StoryTile learner_id=child_id summary=story::load_summary(child_id) />
            }
        })
        .collect_view();
    view! { {jumps} {cards} }.into_any_sync()
}

#[component]
fn TeachingTile(groups: Vec<GroupSummary>, learners: Vec<LearnerListing>) -> impl IntoView {
    view! {
        <Tile id="my-groups" title="My groups">
            <ul class="rows">
                {groups
                    .into_iter()
                    .map(|group| {
                        let with = if group.co_teachers.is_empty() {
                            String::new()
                        } else {
                            format!(" · with {}", group.co_teachers.join(", "))
                        };
                        let members: Vec<LearnerListing> = learners
                            .iter()
                            .filter(|l| l.groups.contains(&group.name))
                            .cloned()
                            .collect();
                        view! {
                            <li>
                                <strong>{group.name.clone()}</strong>
                                <a href=format!("/groups/{}/roster", group.id)>
                                    {format!("Open the roster of {}", group.name)}
                                </a>
                                <span class="muted">
                                    {format!(
                                        "{} learners · {} marks in 30 days{}",
                                        group.learners,
                                        group.evidence_last_30_days,
                                        with,
                                    )}
                                </span>
                                {group.attendance.map(|attendance| view! {
                                    <GroupAttendanceLine name=group.name.clone() attendance />
                                })}
                                <details class="group-learners">
                                    <summary>{format!("Learners of {}", group.name)}</summary>
                                    <ul>
                                        {members
                                            .into_iter()
                                            .map(|l| view! {
                                                <li><a href=format!("/learners/{}", l.id)>{l.name}</a></li>
                                            })
                                            .collect_view()}
                                    </ul>
                                </details>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </Tile>
    }
}

/// A group's attendance this term, and who is under 90 %.
#[component]
fn GroupAttendanceLine(name: String, attendance: cairn::model::GroupAttendance) -> impl IntoView {
    let below = attendance.below.len();
    view! {
        <span class="muted">
            {format!(
                "Attendance {} in {}",
                crate::components::attendance::rate(&attendance.tally),
                attendance.period.title,
            )}
            {(below == 0).then_some(" · everyone at 90 % or more")}
        </span>
        {(below > 0).then(|| view! {
            <details class="attendance-concerns">
                <summary>
                    {format!(
                        "{below} learner{} of {name} under 90 %",
                        if below == 1 { "" } else { "s" },
                    )}
                </summary>
                <ul>
                    {attendance
                        .below
                        .into_iter()
                        .map(|concern| view! {
                            <li>
                                <a href=format!("/learners/{}", concern.learner_id)>{concern.name}</a>
                                {format!(
                                    " — {} ({} absences, {} late)",
                                    crate::components::attendance::rate(&concern.tally),
                                    concern.tally.absent + concern.tally.excused,
                                    concern.tally.late,
                                )}
                            </li>
                        })
                        .collect_view()}
                </ul>
            </details>
        })}
    }
}

#[component]
fn SeatsTile(seats: Vec<SeatSummary>) -> impl IntoView {
    view! {
        <Tile id="registration-codes" title="Registration codes">
            <table class="figures">
                <thead>
                    <tr><th scope="col">"Code"</th><th scope="col">"Training"</th><th scope="col">"Seats used"</th></tr>
                </thead>
                <tbody>
                    {seats
                        .into_iter()
                        .map(|seat| view! {
                            <tr>
                                <td><code>{seat.code}</code></td>
                                <td>{seat.training}</td>
                                <td>{format!("{} of {} ({} registered)", seat.assigned, seat.seats, seat.redeemed)}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
            <p><a href="/codes">"Give seats and see who registered"</a></p>
        </Tile>
    }
}

#[component]
fn OrdersTile(orders: Vec<OrderSummary>) -> impl IntoView {
    view! {
        <Tile id="order-history" title="Order history">
            <ul class="rows">
                {orders
                    .into_iter()
                    .map(|order| view! {
                        <li>
                            <strong>{order.reference}</strong>
                            <span class="muted">
                                {format!("{} · {} seats · {}", order.training, order.seats, order.ordered_on)}
                            </span>
                        </li>
                    })
                    .collect_view()}
            </ul>
        </Tile>
    }
}

#[component]
fn InstitutionTile(summary: InstitutionSummary) -> impl IntoView {
    view! {
        <Tile id="institution" title="Institution">
            <InstitutionFigures institution=summary />
            <p><a href="/admin">"Administration"</a></p>
            <AdminLinks />
        </Tile>
    }
}
