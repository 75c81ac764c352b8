//! Sign-in. A plain form posted to `/api/login`, so it works before (and without) the wasm;
//! a refusal comes back as `?error=…` with the email kept.

use crate::sync_view::IntoAnySync;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The message for each refusal the server can send back.
fn refusal_message(code: &str) -> Option<&'static str> {
    match code {
        "invalid" => {
            Some("That email and password do not match an account. Check both and try again.")
        }
        "rate_limited" => Some("Too many attempts. Wait a few minutes, then try again."),
        _ => Some("Signing in did not work. Please try again."),
    }
}

/// The page's view.
pub fn page() -> AnyView {
    login_page().into_any_sync()
}

fn login_page() -> impl IntoView {
    let query = use_query_map();
    let error = move || {
        query
            .with(|q| q.get("error"))
            .and_then(|code| refusal_message(&code))
    };
    let email = move || query.with(|q| q.get("email")).unwrap_or_default();
    let signed_out = move || query.with(|q| q.get("signed_out")).is_some();
    // The page the person was on their way to: the server takes them there once signed in.
    let next = move || query.with(|q| q.get("next")).unwrap_or_default();
    view! {
        <Title text="Sign in" />
        <main id="main" class="login">
            <div class="login-card">
                <h1 class="brand">"Cairn"</h1>
                <p class="lede">"Progress, badges and goals — for learners, families and teachers."</p>
                <Show when=signed_out>
                    <p class="notice" role="status">"You have signed out."</p>
                </Show>
                <form method="post" action="/api/login" class="stack">
                    <div
                        class="form-error"
                        id="login-error"
                        role="alert"
                        aria-live="assertive"
                        hidden=move || error().is_none()
                    >
                        {error}
                    </div>
                    <label for="email">"Email"</label>
                    <input
                        id="email"
                        name="email"
                        type="email"
                        autocomplete="username"
                        required
                        value=email
                        aria-describedby="login-error"
                    />
                    <label for="password">"Password"</label>
                    <input
                        id="password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                        aria-describedby="login-error"
                    />
                    <input type="hidden" name="next" value=next />
                    <button type="submit" class="primary">"Sign in"</button>
                </form>
            </div>
        </main>
    }
}
