//! Public pages of a backpack: a collection shared by link at `/share/{token}`, and a person's
//! public profile at `/u/{handle}` (the collections they chose to publish). Each credential is
//! shown with whether it verifies now.

use crate::sync_view::IntoAnySync;
use cairn::model::SharedCollection;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::{get_profile, get_shared};
use crate::pages::backpack::ItemList;
use crate::pages::learner::Refusal;

/// The page's view (its route is in `crate::App`).
pub fn shared() -> AnyView {
    shared_page().into_any_sync()
}

/// The page's view (its route is in `crate::App`).
pub fn profile() -> AnyView {
    profile_page().into_any_sync()
}

fn shared_page() -> impl IntoView {
    let params = use_params_map();
    let shared = crate::page_data::load(
        move || params.with(|p| p.get("token").unwrap_or_default()),
        get_shared,
    );
    view! {
        <Transition fallback=|| view! { <main id="main" class="page narrow" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                match shared.await {
                    Ok(collection) => view! {
                        <Title text=format!("{} — {}", collection.name, collection.owner) />
                        <main id="main" class="page narrow">
                            <p class="muted">{format!("Shared by {}", collection.owner)}</p>
                            <Shown collection heading=1 />
                        </main>
                    }
                    .into_any_sync(),
                    Err(error) => view! { <Refusal error /> }.into_any_sync(),
                }
            })}
        </Transition>
    }
}

fn profile_page() -> impl IntoView {
    let params = use_params_map();
    let profile = crate::page_data::load(
        move || params.with(|p| p.get("handle").unwrap_or_default()),
        get_profile,
    );
    view! {
        <Transition fallback=|| view! { <main id="main" class="page narrow" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                match profile.await {
                    Ok((name, collections)) => view! {
                        <Title text=name.clone() />
                        <main id="main" class="page narrow">
                            <h1>{name}</h1>
                            {collections
                                .into_iter()
                                .map(|collection| view! { <Shown collection heading=2 /> })
                                .collect_view()}
                        </main>
                    }
                    .into_any_sync(),
                    Err(error) => view! { <Refusal error /> }.into_any_sync(),
                }
            })}
        </Transition>
    }
}

/// A collection with each credential's verification.
#[component]
fn Shown(collection: SharedCollection, heading: u8) -> impl IntoView {
    let verified = collection.items.iter().filter(|item| item.verified).count();
    let total = collection.items.len();
    let title = collection.name.clone();
    view! {
        <section class="collection">
            {if heading == 1 {
                view! { <h1>{title}</h1> }.into_any_sync()
            } else {
                view! { <h2>{title}</h2> }.into_any_sync()
            }}
            {(!collection.description.is_empty()).then(|| view! { <p>{collection.description.clone()}</p> })}
            <p class="headline" role="status">{format!("{verified} of {total} credentials verified")}</p>
            <ItemList items=collection.items />
        </section>
    }
}
