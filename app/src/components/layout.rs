//! The frame around every signed-in page: the top bar with the institution, the person and
//! sign-out, and the main landmark.

use cairn::model::Viewer;
use leptos::prelude::*;

#[component]
pub fn Frame<C: IntoView + 'static>(viewer: Viewer, children: TypedChildren<C>) -> impl IntoView {
    let children = children.into_inner();
    let role = viewer
        .primary_role()
        .map(|role| role.label())
        .unwrap_or("Member");
    view! {
        // The tiles follow what is written and answered, live.
        <crate::live::LiveRefresh follow=crate::live::Follow::Home />
        <header class="topbar">
            <a class="institution" href="/">{viewer.institution.clone()}</a>
            <div class="person">
                <span class="person-name">{viewer.name.clone()}</span>
                <span class="role-chip">{role}</span>
                <form method="post" action="/api/logout">
                    <button type="submit" class="link-button">"Sign out"</button>
                </form>
            </div>
        </header>
        <main id="main" class="page">{children()}</main>
    }
}

/// A card on the home page: a title, then its content. `id` must be unique on the page.
#[component]
pub fn Tile<C: IntoView + 'static>(
    #[prop(into)] id: String,
    #[prop(into)] title: String,
    #[prop(optional)] wide: bool,
    children: TypedChildren<C>,
) -> impl IntoView {
    let children = children.into_inner();
    let heading_id = format!("{id}-title");
    let labelled_by = heading_id.clone();
    view! {
        <section class="tile" class:wide=wide id=id aria-labelledby=labelled_by>
            <h2 id=heading_id>{title}</h2>
            {children()}
        </section>
    }
}
