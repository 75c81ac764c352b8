//! The institution's trusted issuers at `/admin/issuers`: the issuers whose credentials Cairn
//! shows under their names (the institution itself always; other institutions, on this Cairn or
//! elsewhere, only when listed). An issuer is added by its DID or URL, or by uploading its
//! profile or DID document — which also gives its keys, so its credentials verify offline — and
//! removed; each change is audited.

use crate::sync_view::IntoAnySync;
use cairn::model::{TrustedIssuer, TrustedIssuers};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::{get_trusted_issuers, StopTrustingIssuer};
use crate::components::forms::PostForm;
use crate::dates::day;
use crate::pages::learner::Refusal;

/// The page's view (its route is in `crate::App`).
pub fn page() -> AnyView {
    issuers_page().into_any_sync()
}

fn issuers_page() -> impl IntoView {
    let issuers = crate::page_data::load(|| (), |_| get_trusted_issuers());
    view! {
        <Title text="Trusted issuers" />
        <Transition fallback=|| view! { <main id="main" class="page narrow" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                match issuers.await {
                    Ok(issuers) => view! { <Issuers issuers /> }.into_any_sync(),
                    Err(error) => view! { <Refusal error /> }.into_any_sync(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Issuers(issuers: TrustedIssuers) -> impl IntoView {
    let TrustedIssuers {
        own_issuer,
        institution,
        issuers,
    } = issuers;
    let count = issuers.len();
    view! {
        <main id="main" class="page narrow issuers-admin">
            <nav aria-label="Breadcrumb" class="breadcrumbs">
                <a href="/">"Home"</a>
                " › "
                <a href="/admin">"Administration"</a>
                " › "
                <span aria-current="page">"Trusted issuers"</span>
            </nav>
            <h1>"Trusted issuers"</h1>
            <p class="lede">
                "Credentials that learners import, and show on their profiles and share links, name the issuer under its own name only when "
                {institution.clone()}
                " knows it: "
                {institution.clone()}
                " itself, and the issuers listed here. Any other issuer is shown by its identifier, as not known."
            </p>
            <p>"This institution issues as " <code class="code">{own_issuer}</code> "; it is always trusted."</p>
            <AddIssuerForm />
            <p class="muted" role="status">
                {match count {
                    0 => "No other issuer is trusted yet.".to_string(),
                    1 => "1 other issuer is trusted.".to_string(),
                    n => format!("{n} other issuers are trusted."),
                }}
            </p>
            <ul class="rows issuer-list">
                {issuers.into_iter().map(|issuer| view! { <Issuer issuer /> }).collect_view()}
            </ul>
        </main>
    }
    .into_any_sync()
}

/// A plain multipart form (the document is a file), posted to the server, which comes back
/// here with what happened.
#[component]
fn AddIssuerForm() -> impl IntoView {
    let query = use_query_map();
    let refused = move || query.with(|q| q.get("upload_error"));
    let added = move || query.with(|q| q.get("added").is_some());
    view! {
        <section class="tile" aria-labelledby="add-issuer-title">
            <h2 id="add-issuer-title">"Trust an issuer"</h2>
            <form method="post" action="/admin/issuers" enctype="multipart/form-data" class="stack">
                <label for="issuer-id">"Its DID or URL (leave empty when you upload its document)"</label>
                <input id="issuer-id" name="issuer" maxlength="500" placeholder="did:web:badges.example.org" />
                <label for="issuer-name">"Its name (taken from the document when empty)"</label>
                <input id="issuer-name" name="name" maxlength="200" />
                <label for="issuer-file">"Its issuer profile or DID document (JSON, optional): its keys verify its credentials without fetching anything"</label>
                <input id="issuer-file" name="file" type="file" accept="application/json,application/ld+json,application/did+json,.json,.jsonld" />
                <button type="submit">"Trust this issuer"</button>
            </form>
            {move || refused().map(|reason| view! { <p class="form-error" role="alert">{reason}</p> })}
            {move || added().then(|| view! { <p role="status">"The issuer is trusted from now on."</p> })}
        </section>
    }
}

#[component]
fn Issuer(issuer: TrustedIssuer) -> impl IntoView {
    let TrustedIssuer {
        id,
        issuer,
        name,
        keys,
        added_at,
    } = issuer;
    let keys_line = match keys.len() {
        0 if issuer.starts_with("did:key:") => "Its key is its DID.".to_string(),
        0 => {
            "No document uploaded: its credentials verify only with keys Cairn can resolve offline."
                .to_string()
        }
        1 => "1 key from its document.".to_string(),
        n => format!("{n} keys from its document."),
    };
    let remove_label = format!("Stop trusting {name}");
    view! {
        <li class="trusted-issuer">
            <h2>{name.clone()}</h2>
            <p><code class="code">{issuer}</code></p>
            <p class="muted">{format!("{keys_line} Trusted since {}.", day(&added_at))}</p>
            <PostForm action=StopTrustingIssuer::PATH class="inline-form">
                <input type="hidden" name="id" value=id />
                <button type="submit">{remove_label}</button>
            </PostForm>
        </li>
    }
    .into_any_sync()
}
