//! The administrator's integrations at `/admin/integrations`: tokens a learning platform
//! signs its score pushes with (created here and shown once, or revoked), and the platform's
//! line items mapped to competencies so their scores land on the right skill.

use crate::sync_view::IntoAnySync;
use cairn::model::{CompetencyChoice, IntegrationToken, Integrations, LineItem};
use leptos::prelude::*;

use crate::dates::day;
use leptos_meta::Title;

use crate::api::{get_integrations, CreateToken, MapLineItem, RevokeToken, UnmapLineItem};
use crate::components::forms::{PostForm, Then};
use crate::pages::learner::Refusal;
use leptos::server_fn::ServerFn;

/// The page's view (its route is in `crate::App`).
pub fn page() -> AnyView {
    integrations_page().into_any_sync()
}

fn integrations_page() -> impl IntoView {
    let integrations = crate::page_data::load(|| (), |_| get_integrations());
    view! {
        <Title text="Integrations" />
        <Transition fallback=|| view! { <main id="main" class="page" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                match integrations.await {
                    Ok(data) => view! { <Page data /> }.into_any_sync(),
                    Err(error) => view! { <Refusal error /> }.into_any_sync(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Page(data: Integrations) -> impl IntoView {
    let Integrations {
        tokens,
        line_items,
        competencies,
    } = data;
    view! {
        <main id="main" class="page narrow">
            <nav aria-label="Breadcrumb" class="breadcrumbs">
                <a href="/">"Home"</a>
                " › "
                <a href="/admin">"Administration"</a>
                " › "
                <span aria-current="page">"Integrations"</span>
            </nav>
            <h1>"Integrations"</h1>
            <p class="muted">
                "A learning platform pushes scores to "<code>"POST /api/v1/scores"</code>
                " with one of these tokens. A score's line item is a competency code, or one of the line items mapped below."
            </p>
            <section class="tile" aria-labelledby="tokens-title">
                <h2 id="tokens-title">"Integration tokens"</h2>
                <TokenTable tokens />
                <PostForm action=CreateToken::PATH then=Then::ShowToken class="inline-form" saved="Created">
                    <label for="token-name">"New token for"</label>
                    <input id="token-name" type="text" name="name" required placeholder="e.g. Canvas" />
                    <button type="submit" class="primary">"Create token"</button>
                </PostForm>
            </section>
            <section class="tile" aria-labelledby="items-title">
                <h2 id="items-title">"Line items"</h2>
                <LineItemTable line_items />
                <MapForm competencies />
            </section>
        </main>
    }
}

#[component]
fn TokenTable(tokens: Vec<IntegrationToken>) -> impl IntoView {
    if tokens.is_empty() {
        return view! { <p class="empty">"No tokens yet: create one for each platform."</p> }
            .into_any_sync();
    }
    view! {
        <table class="figures">
            <caption class="visually-hidden">"Integration tokens"</caption>
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Created"</th>
                    <th scope="col">"State"</th>
                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                </tr>
            </thead>
            <tbody>
                {tokens
                    .into_iter()
                    .map(|token| {
                        let live = token.revoked_at.is_none();
                        view! {
                            <tr>
                                <th scope="row">{token.name.clone()}</th>
                                <td>{day(&token.created_at)}</td>
                                <td>{match &token.revoked_at {
                                    Some(at) => format!("Revoked {}", day(at)),
                                    None => "Live".to_string(),
                                }}</td>
                                <td>
                                    {live.then(|| view! {
                                        <PostForm action=RevokeToken::PATH saved="Revoked"
                                            confirm=format!("Revoke the token {}? The platform using it can no longer push scores; this cannot be undone.", token.name)>
                                            <input type="hidden" name="id" value=token.id />
                                            <button type="submit" class="link-button">
                                                {format!("Revoke {}", token.name)}
                                            </button>
                                        </PostForm>
                                    })}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any_sync()
}

#[component]
fn LineItemTable(line_items: Vec<LineItem>) -> impl IntoView {
    if line_items.is_empty() {
        return view! {
            <p class="empty">"No line items mapped: scores must name a competency code."</p>
        }
        .into_any_sync();
    }
    view! {
        <table class="figures">
            <caption class="visually-hidden">"Line items mapped to competencies"</caption>
            <thead>
                <tr>
                    <th scope="col">"Line item"</th>
                    <th scope="col">"Title"</th>
                    <th scope="col">"Competency"</th>
                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                </tr>
            </thead>
            <tbody>
                {line_items
                    .into_iter()
                    .map(|item| view! {
                        <tr>
                            <th scope="row"><code>{item.source_id.clone()}</code></th>
                            <td>{item.title.clone()}</td>
                            <td>{item.competency.clone()}</td>
                            <td>
                                <PostForm action=UnmapLineItem::PATH saved="Removed">
                                    <input type="hidden" name="id" value=item.id />
                                    <button type="submit" class="link-button">
                                        {format!("Remove {}", item.source_id)}
                                    </button>
                                </PostForm>
                            </td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any_sync()
}

#[component]
fn MapForm(competencies: Vec<CompetencyChoice>) -> impl IntoView {
    view! {
        <PostForm action=MapLineItem::PATH class="stack" saved="Mapped">
            <h3>"Map a line item"</h3>
            <label for="item-source">"Line item id (as the platform sends it)"</label>
            <input id="item-source" type="text" name="source_id" required />
            <label for="item-title">"Title"</label>
            <input id="item-title" type="text" name="title" placeholder="e.g. Algebra quiz 3" />
            <label for="item-competency">"Competency"</label>
            <select id="item-competency" name="competency_id">
                {competencies
                    .into_iter()
                    .map(|c| view! { <option value=c.id>{c.label}</option> })
                    .collect_view()}
            </select>
            <button type="submit" class="primary">"Map line item"</button>
        </PostForm>
    }
}
