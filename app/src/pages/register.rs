//! A registration code at `/register/{code}`: the training it gives a seat on, and — for the
//! signed-in person it is meant for — the button that takes the seat (and enrols them). Someone
//! not signed in is sent to sign in and brought back here. An unknown code, one expired or one
//! whose seats are all taken says so.

use crate::sync_view::IntoAnySync;
use cairn::model::{Registration, RegistrationState};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::{get_registration, RedeemCode};
use crate::components::forms::PostForm;
use crate::pages::learner::Refusal;

/// The page's view (its route is in `crate::App`).
pub fn page() -> AnyView {
    register_page().into_any_sync()
}

fn register_page() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let registration = crate::page_data::load(code, get_registration);
    view! {
        <Title text="Register" />
        <Transition fallback=|| view! { <main id="main" class="page" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                match registration.await {
                    Ok(registration) => view! { <Seat registration /> }.into_any_sync(),
                    Err(error) => view! { <Refusal error /> }.into_any_sync(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Seat(registration: Registration) -> impl IntoView {
    let Registration {
        code,
        training,
        description,
        starts_on,
        ends_on,
        seats_left,
        state,
    } = registration;
    let dates = match (starts_on, ends_on) {
        (Some(starts), Some(ends)) => Some(format!("From {starts} to {ends}")),
        (Some(starts), None) => Some(format!("From {starts}")),
        _ => None,
    };
    let (heading, code_line) = (training.clone(), format!("Registration code {code}"));
    let outcome = match state {
        RegistrationState::Held => view! {
            <p class="notice" role="status">{format!("You have a seat on {heading}.")}</p>
            <p><a href="/">"Back to your home page"</a></p>
        }
        .into_any_sync(),
        RegistrationState::Expired(day) => view! {
            <p class="form-error" role="alert">
                {format!("This registration code expired on {day}; ask whoever gave it to you for a new one.")}
            </p>
        }
        .into_any_sync(),
        RegistrationState::UsedUp => view! {
            <p class="form-error" role="alert">
                "Every seat of this registration code is taken; ask whoever gave it to you for a new one."
            </p>
        }
        .into_any_sync(),
        RegistrationState::Open => view! {
            <p class="muted">{format!("{seats_left} seats left on this code.")}</p>
            <PostForm action=RedeemCode::PATH class="inline-form" saved="Your seat is taken">
                <input type="hidden" name="code" value=code />
                <button type="submit" class="primary">{format!("Take a seat on {training}")}</button>
            </PostForm>
        }
        .into_any_sync(),
    };
    view! {
        <main id="main" class="page narrow">
            <h1>{heading.clone()}</h1>
            <p class="muted">{code_line}</p>
            {dates.map(|dates| view! { <p>{dates}</p> })}
            {(!description.is_empty()).then(|| view! { <p>{description}</p> })}
            {outcome}
        </main>
    }
    .into_any_sync()
}
