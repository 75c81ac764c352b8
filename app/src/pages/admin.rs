//! The administrator's landing page at `/admin`: the institution in figures, and every
//! administration page with what it is for.

use crate::sync_view::IntoAnySync;
use cairn::model::InstitutionSummary;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::get_home;
use crate::components::admin::{InstitutionFigures, ADMIN_PAGES};
use crate::error::AppError;
use crate::pages::learner::Refusal;

/// The page's view (its route is in `crate::App`).
pub fn page() -> AnyView {
    admin_page().into_any_sync()
}

fn admin_page() -> impl IntoView {
    let home = crate::page_data::load(|| (), |_| get_home());
    view! {
        <Title text="Administration" />
        <Transition fallback=|| view! { <main id="main" class="page" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                match home.await.and_then(|home| home.institution.ok_or(AppError::Forbidden)) {
                    Ok(institution) => view! { <Administration institution /> }.into_any_sync(),
                    Err(error) => view! { <Refusal error /> }.into_any_sync(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Administration(institution: InstitutionSummary) -> impl IntoView {
    view! {
        <main id="main" class="page administration">
            <nav aria-label="Breadcrumb" class="breadcrumbs">
                <a href="/">"Home"</a>
                " › "
                <span aria-current="page">"Administration"</span>
            </nav>
            <h1>"Administration"</h1>
            <ul class="admin-pages">
                {ADMIN_PAGES
                    .iter()
                    .map(|(href, name, what)| {
                        let what = format!("{}{}.", what[..1].to_uppercase(), &what[1..]);
                        view! {
                            <li class="tile">
                                <h2><a href=*href>{*name}</a></h2>
                                <p class="muted">{what}</p>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <section class="tile wide" aria-labelledby="figures-title">
                <h2 id="figures-title">"The institution"</h2>
                <InstitutionFigures institution />
            </section>
        </main>
    }
}
