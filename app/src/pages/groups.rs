//! The administrator's groups at `/admin/groups`: every group with its teachers and learner
//! count; new groups; several teachers or many learners added at once by email (all or none);
//! archiving, which closes every member's stay and keeps it as their history.

use crate::sync_view::IntoAnySync;
use cairn::model::GroupAdmin;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use crate::api::{get_admin_groups, AddGroupMembers, ArchiveGroup, CreateGroup};
use crate::components::forms::PostForm;
use crate::dates::day;
use crate::pages::learner::Refusal;

/// The page's view (its route is in `crate::App`).
pub fn page() -> AnyView {
    groups_page().into_any_sync()
}

fn groups_page() -> impl IntoView {
    let groups = crate::page_data::load(|| (), |_| get_admin_groups());
    view! {
        <Title text="Groups" />
        <Transition fallback=|| view! { <main id="main" class="page" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                match groups.await {
                    Ok(groups) => view! { <Groups groups /> }.into_any_sync(),
                    Err(error) => view! { <Refusal error /> }.into_any_sync(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Groups(groups: Vec<GroupAdmin>) -> impl IntoView {
    let open = groups
        .iter()
        .filter(|group| group.archived_at.is_none())
        .count();
    view! {
        <main id="main" class="page groups-admin">
            <nav aria-label="Breadcrumb" class="breadcrumbs">
                <a href="/">"Home"</a>
                " › "
                <a href="/admin">"Administration"</a>
                " › "
                <span aria-current="page">"Groups"</span>
            </nav>
            <h1>"Groups"</h1>
            <section class="tile" aria-labelledby="new-group-title">
                <h2 id="new-group-title">"New group"</h2>
                <PostForm action=CreateGroup::PATH class="inline-form">
                    <label for="group-name">"Name"</label>
                    <input id="group-name" type="text" name="name" required maxlength="60" />
                    <label for="group-year">"Year level (optional)"</label>
                    <input id="group-year" type="number" name="year_level" min="0" max="13" />
                    <button type="submit">"Create the group"</button>
                </PostForm>
            </section>
            <p class="muted" role="status">{format!("{open} open groups, {} archived.", groups.len() - open)}</p>
            <ul class="rows group-list">
                {groups.into_iter().map(|group| view! { <Group group /> }).collect_view()}
            </ul>
        </main>
    }
    .into_any_sync()
}

#[component]
fn Group(group: GroupAdmin) -> impl IntoView {
    let GroupAdmin {
        id,
        name,
        year_level,
        learners,
        teachers,
        archived_at,
    } = group;
    let facts = format!(
        "{}{learners} learners · teachers: {}",
        year_level
            .map(|year| format!("Year {year} · "))
            .unwrap_or_default(),
        if teachers.is_empty() {
            "none".to_string()
        } else {
            teachers.join(", ")
        }
    );
    let archived = archived_at.is_some().to_string();
    let add_label = format!("Add to {name}: emails, separated by commas or lines");
    let archive_label = format!("Archive {name}");
    let emails_id = format!("group-{id}-emails");
    let as_id = format!("group-{id}-as");
    view! {
        <li class="group-admin" data-archived=archived>
            <h2>
                {if archived == "false" {
                    view! { <a href=format!("/groups/{id}/roster")>{name.clone()}</a> }.into_any_sync()
                } else {
                    view! { <span>{name.clone()}</span> }.into_any_sync()
                }}
            </h2>
            <p class="muted">{facts}</p>
            {match archived_at {
                Some(at) => view! { <p>{format!("Archived on {}; its members' stays are kept as history.", day(&at))}</p> }.into_any_sync(),
                None => view! {
                    <PostForm action=AddGroupMembers::PATH class="stack">
                        <input type="hidden" name="group_id" value=id />
                        <label for=emails_id.clone()>{add_label}</label>
                        <textarea id=emails_id name="emails" rows="2" required></textarea>
                        <div class="inline-form">
                            <label for=as_id.clone()>"as"</label>
                            <select id=as_id name="member_role">
                                <option value="learner">"learners"</option>
                                <option value="teacher">"teachers"</option>
                            </select>
                            <button type="submit">"Add"</button>
                        </div>
                    </PostForm>
                    <PostForm action=ArchiveGroup::PATH class="inline-form"
                        confirm=format!("{archive_label}? Its members leave it (their records stay) and it is no longer marked.")>
                        <input type="hidden" name="group_id" value=id />
                        <button type="submit">{archive_label}</button>
                    </PostForm>
                }.into_any_sync(),
            }}
        </li>
    }
    .into_any_sync()
}
