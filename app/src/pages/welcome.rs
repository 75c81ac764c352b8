//! `/welcome/{token}`: a person an administrator added chooses their password with the link
//! they were given, and is signed in. A plain form posted to `/api/welcome`, so it works
//! before the wasm arrives; a refusal comes back as `?error=…`.

use crate::sync_view::IntoAnySync;
use cairn::model::{Invitation, MINIMUM_PASSWORD};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::get_invitation;

/// The page's view (its route is in `crate::App`).
pub fn page() -> AnyView {
    welcome_page().into_any_sync()
}

fn welcome_page() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let invitation = crate::page_data::load(token, get_invitation);
    view! {
        <Title text="Welcome" />
        <main id="main" class="login">
            <div class="login-card">
                <h1 class="brand">"Cairn"</h1>
                <Transition fallback=|| view! { <p aria-busy="true">"Opening your invitation…"</p> }>
                    {move || Suspend::new(async move {
                        match invitation.await {
                            Ok(Some(invitation)) => view! { <ChoosePassword invitation token=token() /> }.into_any_sync(),
                            _ => view! {
                                <p role="alert">
                                    "This link has expired or has already been used. Ask your school for a new one."
                                </p>
                                <p><a href="/login">"Sign in"</a></p>
                            }
                                .into_any_sync(),
                        }
                    })}
                </Transition>
            </div>
        </main>
    }
}

#[component]
fn ChoosePassword(invitation: Invitation, token: String) -> impl IntoView {
    let query = use_query_map();
    let error = move || query.with(|q| q.get("error"));
    let minimum = MINIMUM_PASSWORD;
    view! {
        <p class="lede">{format!("Welcome, {}. Choose a password to sign in as {}.", invitation.name, invitation.email)}</p>
        {move || error().map(|reason| view! { <p class="form-error" role="alert">{reason}</p> })}
        <form method="post" action="/api/welcome" class="stack">
            <input type="hidden" name="token" value=token />
            <label for="welcome-password">{format!("Password (at least {minimum} characters)")}</label>
            <input id="welcome-password" type="password" name="password" required minlength=minimum.to_string() autocomplete="new-password" />
            <label for="welcome-again">"The same password again"</label>
            <input id="welcome-again" type="password" name="again" required minlength=minimum.to_string() autocomplete="new-password" />
            <button type="submit" class="primary">"Choose my password and sign in"</button>
        </form>
    }
    .into_any_sync()
}
