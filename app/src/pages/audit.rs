//! The administrator's audit log at `/admin/audit`: who did what, when and from where, newest
//! first, filtered by person, action and date (the filters live in the address, so a view can
//! be shared or bookmarked).

use crate::sync_view::IntoAnySync;
use cairn::model::{AuditFilter, AuditLog};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::get_audit;
use crate::dates::moment;
use crate::pages::learner::Refusal;

/// The page's view (its route is in `crate::App`).
pub fn page() -> AnyView {
    audit_page().into_any_sync()
}

fn audit_page() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        query.with(|q| AuditFilter {
            actor: q.get("actor").unwrap_or_default(),
            action: q.get("action").unwrap_or_default(),
            since: q.get("since").unwrap_or_default(),
        })
    };
    let log = crate::page_data::load(filter, get_audit);
    view! {
        <Title text="Audit log" />
        <Transition fallback=|| view! { <main id="main" class="page" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                match log.await {
                    Ok(log) => view! { <Log log filter=filter() /> }.into_any_sync(),
                    Err(error) => view! { <Refusal error /> }.into_any_sync(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Log(log: AuditLog, filter: AuditFilter) -> impl IntoView {
    let AuditLog {
        entries,
        actions,
        limit,
    } = log;
    let shown = entries.len();
    view! {
        <main id="main" class="page audit">
            <nav aria-label="Breadcrumb" class="breadcrumbs">
                <a href="/">"Home"</a>
                " › "
                <a href="/admin">"Administration"</a>
                " › "
                <span aria-current="page">"Audit log"</span>
            </nav>
            <h1>"Audit log"</h1>
            <Form method="GET" action="" attr:class="inline-form audit-filter">
                <label for="audit-actor">"Person"</label>
                <input id="audit-actor" type="search" name="actor" value=filter.actor.clone() />
                <label for="audit-action">"Action"</label>
                <select id="audit-action" name="action">
                    <option value="">"Any"</option>
                    {actions
                        .into_iter()
                        .map(|action| {
                            let selected = action == filter.action;
                            view! { <option value=action.clone() selected=selected>{action.clone()}</option> }
                        })
                        .collect_view()}
                </select>
                <label for="audit-since">"Since"</label>
                <input id="audit-since" type="date" name="since" value=filter.since.clone() />
                <button type="submit">"Filter"</button>
            </Form>
            <p class="muted" role="status">
                {if shown >= limit {
                    format!("The newest {limit} matching lines.")
                } else {
                    format!("{shown} matching lines.")
                }}
            </p>
            <div class="table-scroll">
                <table class="figures audit-log">
                    <thead>
                        <tr>
                            <th scope="col">"When"</th>
                            <th scope="col">"Who"</th>
                            <th scope="col">"Action"</th>
                            <th scope="col">"On"</th>
                            <th scope="col">"Detail"</th>
                            <th scope="col">"From"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {entries
                            .into_iter()
                            .map(|entry| view! {
                                <tr>
                                    <td><time datetime=entry.at.clone() title=entry.at.clone()>{moment(&entry.at)}</time></td>
                                    <td>{entry.actor.clone().unwrap_or_else(|| "Cairn".into())}</td>
                                    <td>{entry.action.clone()}</td>
                                    <td>{entry.subject.clone()}</td>
                                    <td>{entry.detail.clone()}</td>
                                    <td>{entry.origin.clone().unwrap_or_default()}</td>
                                </tr>
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </main>
    }
    .into_any_sync()
}
