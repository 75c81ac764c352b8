//! Every learner the signed-in person may see at `/learners`: an administrator's whole
//! institution, a teacher's groups, a parent's children. Filtered as you type.

use crate::sync_view::IntoAnySync;
use cairn::model::LearnerListing;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::get_learners;
use crate::pages::learner::Refusal;

/// The page's view.
pub fn page() -> AnyView {
    learners_page().into_any_sync()
}

fn learners_page() -> impl IntoView {
    let learners = crate::page_data::load(|| (), |_| get_learners());
    view! {
        <Title text="Learners" />
        <Suspense fallback=|| view! { <main id="main" class="page" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                match learners.await {
                    Ok(learners) => view! { <LearnerList learners /> }.into_any_sync(),
                    Err(error) => view! { <Refusal error /> }.into_any_sync(),
                }
            })}
        </Suspense>
    }
}

/// Whether a learner matches what was typed: name, email or group, ignoring case.
fn matches(learner: &LearnerListing, query: &str) -> bool {
    let query = query.trim().to_lowercase();
    query.is_empty()
        || learner.name.to_lowercase().contains(&query)
        || learner.email.to_lowercase().contains(&query)
        || learner
            .groups
            .iter()
            .any(|group| group.to_lowercase().contains(&query))
}

#[island]
fn LearnerList(learners: Vec<LearnerListing>) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let total = learners.len();
    let learners = StoredValue::new(learners);
    let shown = move || {
        learners.with_value(|all| {
            all.iter()
                .filter(|l| query.with(|q| matches(l, q)))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <main id="main" class="page">
            <nav aria-label="Breadcrumb" class="breadcrumbs">
                <a href="/">"Home"</a>
                " › "
                <span aria-current="page">"Learners"</span>
            </nav>
            <h1>"Learners"</h1>
            {if total == 0 {
                view! { <p class="empty">"There are no learners for you to see yet."</p> }.into_any_sync()
            } else {
                view! {
                    <label class="inline-field" for="learner-filter">"Find a learner"</label>
                    " "
                    <input
                        id="learner-filter"
                        type="text"
                        placeholder="Name, email or group"
                        autocomplete="off"
                        prop:value=move || query.get()
                        on:input=move |event| query.set(event_target_value(&event))
                    />
                    <p class="muted" aria-live="polite">
                        {move || {
                            let count = shown().len();
                            if count == total {
                                format!("{total} learners")
                            } else {
                                format!("{count} of {total} learners")
                            }
                        }}
                    </p>
                    <table class="figures learners">
                        <caption class="visually-hidden">"Learners you may see"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Name"</th>
                                <th scope="col">"Email"</th>
                                <th scope="col">"Groups"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {move || {
                                shown()
                                    .into_iter()
                                    .map(|learner| view! {
                                        <tr>
                                            <th scope="row">
                                                <a href=format!("/learners/{}", learner.id)>{learner.name}</a>
                                            </th>
                                            <td>{learner.email}</td>
                                            <td>{learner.groups.join(", ")}</td>
                                        </tr>
                                    })
                                    .collect_view()
                            }}
                        </tbody>
                    </table>
                }
                .into_any_sync()
            }}
        </main>
    }
}
