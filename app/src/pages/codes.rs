//! A manager's registration codes at `/codes` (an administrator sees every code of the
//! institution): each code's training and seats, whom its seats went to and whether they have
//! taken them up; a seat assigned to an email address, the link to send them, and an unused
//! seat taken back.

use crate::sync_view::IntoAnySync;
use cairn::model::{CodeAdmin, SeatHolder};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use crate::api::{get_codes, AssignSeat, TakeBackSeat};
use crate::components::forms::{CopyField, PostForm};
use crate::dates::moment;
use crate::pages::learner::Refusal;

/// The page's view (its route is in `crate::App`).
pub fn page() -> AnyView {
    codes_page().into_any_sync()
}

fn codes_page() -> impl IntoView {
    let codes = crate::page_data::load(|| (), |_| get_codes());
    view! {
        <Title text="Registration codes" />
        <Transition fallback=|| view! { <main id="main" class="page" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                match codes.await {
                    Ok(codes) => view! { <Codes codes /> }.into_any_sync(),
                    Err(error) => view! { <Refusal error /> }.into_any_sync(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Codes(codes: Vec<CodeAdmin>) -> impl IntoView {
    view! {
        <main id="main" class="page narrow">
            <nav aria-label="Breadcrumb" class="breadcrumbs">
                <a href="/">"Home"</a>
                " › "
                <span aria-current="page">"Registration codes"</span>
            </nav>
            <h1>"Registration codes"</h1>
            <p class="muted">
                "Give a seat to someone by their email address, then send them the code's link: they sign in and take it. "
                "A seat nobody has taken up yet can be taken back and given again."
            </p>
            {if codes.is_empty() {
                view! { <p class="empty">"You hold no registration code yet: they come with an order of seats."</p> }.into_any_sync()
            } else {
                codes.into_iter().map(|code| view! { <Code code /> }).collect_view().into_any_sync()
            }}
        </main>
    }
}

#[component]
fn Code(code: CodeAdmin) -> impl IntoView {
    let CodeAdmin {
        id,
        code,
        training,
        seats,
        taken,
        expires_at,
        holders,
    } = code;
    let title_id = format!("code-{id}-title");
    let labelled_by = title_id.clone();
    let (heading, link, link_label, give_label) = (
        format!("{code} — {training}"),
        format!("/register/{code}"),
        format!("Link to register with {code}"),
        format!("Give a seat of {code} to"),
    );
    let email_id = format!("code-{id}-email");
    let expiry = expires_at.map(|at| format!(" · expires {}", moment(&at)));
    view! {
        <section class="tile code" aria-labelledby=labelled_by>
            <h2 id=title_id>{heading}</h2>
            <p class="code-seats">{format!("{taken} of {seats} seats given{}", expiry.unwrap_or_default())}</p>
            <CopyField path=link label=link_label />
            {if holders.is_empty() {
                view! { <p class="empty">"No seat given yet."</p> }.into_any_sync()
            } else {
                view! {
                    <ul class="rows seat-holders">
                        {holders.into_iter().map(holder_item).collect_view()}
                    </ul>
                }
                .into_any_sync()
            }}
            {(taken < seats).then(|| view! {
                <PostForm action=AssignSeat::PATH class="inline-form" saved="Seat given">
                    <input type="hidden" name="code_id" value=id.to_string() />
                    <label for=email_id.clone()>{give_label}</label>
                    <input id=email_id type="email" name="email" required placeholder="name@example.org" />
                    <button type="submit">"Give the seat"</button>
                </PostForm>
            })}
        </section>
    }
    .into_any_sync()
}

fn holder_item(holder: SeatHolder) -> AnyView {
    let who = match &holder.name {
        Some(name) => format!("{name} ({})", holder.email),
        None => holder.email.clone(),
    };
    match holder.taken_up_at {
        Some(at) => view! {
            <li class="named-item">{format!("{who} — registered {}", moment(&at))}</li>
        }
        .into_any_sync(),
        None => {
            let label = format!("Take back the seat of {}", holder.email);
            view! {
                <li class="named-item">
                    {format!("{who} — given {}, not taken up yet", moment(&holder.given_at))}
                    <PostForm action=TakeBackSeat::PATH class="inline-form" confirm=format!("{label}?")>
                        <input type="hidden" name="seat_id" value=holder.id.to_string() />
                        <button type="submit" aria-label=label>"Take back"</button>
                    </PostForm>
                </li>
            }
            .into_any_sync()
        }
    }
}
