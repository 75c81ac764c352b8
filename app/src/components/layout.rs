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

/// Brings the element the address names (`#achievement-3`) into view, once the page has drawn
/// it: a page whose data arrives after the router's own scroll still lands where the link
/// pointed.
pub fn scroll_to_anchor() {
    #[cfg(feature = "hydrate")]
    {
        let hash = window().location().hash().unwrap_or_default();
        if let Some(element) = hash
            .strip_prefix('#')
            .filter(|id| !id.is_empty())
            .and_then(|id| document().get_element_by_id(id))
        {
            element.scroll_into_view();
        }
    }
}
