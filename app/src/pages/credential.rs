//! A credential's public page at `/credentials/{id}` (and `/credentials/{id}/verify`): what it
//! certifies, to whom, by whom, each verification check with its outcome, downloads as JSON
//! and VC-JWT, and — for the issuing institution's administrators — revocation with a reason.

use crate::sync_view::IntoAnySync;
use cairn::model::{progress_record_label, CredentialKind, CredentialView, Outcome, Verification};
use leptos::prelude::*;

use crate::dates::day;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::{get_credential, RevokeCredential};
use crate::components::forms::PostForm;
use crate::pages::learner::Refusal;
use leptos::server_fn::ServerFn;

/// The page's view (its route is in `crate::App`).
pub fn page() -> AnyView {
    credential_page().into_any_sync()
}

fn credential_page() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let credential = crate::page_data::load(id, get_credential);
    view! {
        <Transition fallback=|| view! { <main id="main" class="page narrow" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                match credential.await {
                    Ok(credential) => view! { <Credential credential /> }.into_any_sync(),
                    Err(error) => view! { <Refusal error /> }.into_any_sync(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Credential(credential: CredentialView) -> impl IntoView {
    let kind = match credential.kind {
        CredentialKind::Earned => "Open Badge".to_string(),
        CredentialKind::Provisional => progress_record_label(credential.criteria_met),
    };
    let json_href = format!("/credentials/{}/json", credential.public_id);
    let jwt_href = format!("/credentials/{}/jwt", credential.public_id);
    let results = credential
        .results
        .iter()
        .map(|result| {
            view! {
                <li>
                    <span class="competency-name">{result.competency.clone()}</span>
                    " — "
                    {result.achieved.clone().unwrap_or_else(|| "no level yet".into())}
                    {result
                        .required
                        .clone()
                        .map(|required| view! { <span class="muted">" (required: " {required} ")"</span> })}
                </li>
            }
        })
        .collect_view();
    let revoked = credential.revoked.clone();
    let may_revoke = credential.may_revoke && revoked.is_none();
    view! {
        <Title text=credential.name.clone() />
        <main id="main" class="page narrow credential">
            <p class=if credential.kind == CredentialKind::Provisional { "kind-label" } else { "muted" }>{kind}</p>
            <h1>{credential.name.clone()}</h1>
            <p class="lede">
                "Awarded to " <strong>{credential.learner.clone()}</strong> " by "
                <a href=credential.issuer_id.clone()>{credential.issuer.clone()}</a>
                ", valid from " <time datetime=credential.valid_from.clone()>{day(&credential.valid_from)}</time>
            </p>
            {revoked.map(|(at, reason)| view! {
                <p class="notice-box" role="alert">"Revoked on " {day(&at)} ": " {reason}</p>
            })}
            <VerificationResult verification=credential.verification.clone() />
            <section aria-labelledby="about">
                <h2 id="about">"What it certifies"</h2>
                <p>{credential.description.clone()}</p>
                <p><strong>"Criteria: "</strong>{credential.criteria.clone()}</p>
                <ul class="rows">{results}</ul>
            </section>
            <p class="chips">
                <a class="chip" href=json_href.clone() download=format!("{}.json", credential.public_id)
                    type="application/vc+ld+json">"Download as JSON"</a>
                <a class="chip" href=jwt_href download=format!("{}.jwt", credential.public_id)>"Download as VC-JWT"</a>
            </p>
            <p class="muted">"Its address: " <code class="code">{credential.url.clone()}</code></p>
            {may_revoke.then(|| view! { <RevokeForm public_id=credential.public_id.clone() /> })}
        </main>
    }
}

/// Each check and its outcome, the verdict first.
#[component]
fn VerificationResult(verification: Verification) -> impl IntoView {
    let verdict = if verification.verified {
        "Verified: every check passed.".to_string()
    } else {
        format!("{}.", verification.summary())
    };
    let checks = verification
        .checks
        .into_iter()
        .map(|check| {
            let outcome = check.outcome.as_str();
            let class = match check.outcome {
                Outcome::Passed => "check check-passed",
                Outcome::Failed => "check check-failed",
                Outcome::Unknown => "check check-unknown",
            };
            view! {
                <li class=class>
                    <strong>{check.check}</strong> ": " {outcome} " — " {check.detail}
                </li>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="verification" class="verification">
            <h2 id="verification">"Verification"</h2>
            <p class=if verification.verified { "status verified" } else { "status not-verified" } role="status">
                {verdict}
            </p>
            <ul class="rows">{checks}</ul>
        </section>
    }
}

#[component]
fn RevokeForm(public_id: String) -> impl IntoView {
    view! {
        <section aria-labelledby="revoke">
            <h2 id="revoke">"Revoke"</h2>
            <PostForm action=RevokeCredential::PATH class="stack" saved="Revoked"
                confirm="Revoke this credential? Whoever checks it from now on is told it is revoked, with your reason; this cannot be undone.">
                <input type="hidden" name="id" value=public_id />
                <label for="revoke-reason">"Reason (shown to whoever checks it)"</label>
                <input id="revoke-reason" name="reason" required maxlength="500" />
                <button type="submit">"Revoke this credential"</button>
            </PostForm>
        </section>
    }
}
