//! One person as an administrator manages them, at `/admin/people/{id}`: their roles (built in
//! and custom), the learners a parent is linked to, and their groups — joined, left, or moved
//! between, with every past stay kept as history. Each change leaves an audit line.

use crate::sync_view::IntoAnySync;
use cairn::model::{Membership, PersonAdmin};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use crate::api::{get_person, ChangePerson, InvitePerson};
use crate::components::forms::{PostForm, Then};
use crate::dates::day;
use crate::error::AppError;
use crate::live::id_param;
use crate::pages::learner::Refusal;

/// The page's view (its route is in `crate::App`).
pub fn page() -> AnyView {
    person_page().into_any_sync()
}

fn person_page() -> impl IntoView {
    let user_id = id_param();
    let person = crate::page_data::load(user_id, |id| async move {
        match id {
            Some(id) => get_person(id).await,
            None => Err(AppError::NotFound("such person".into())),
        }
    });
    view! {
        <Transition fallback=|| view! { <main id="main" class="page" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                match person.await {
                    Ok(person) => view! { <Person person /> }.into_any_sync(),
                    Err(error) => view! { <Refusal error /> }.into_any_sync(),
                }
            })}
        </Transition>
    }
}

/// The hidden fields that name the change and the person.
#[component]
fn Change(user_id: i64, kind: &'static str) -> impl IntoView {
    view! {
        <input type="hidden" name="change[user_id]" value=user_id />
        <input type="hidden" name="change[kind]" value=kind />
    }
    .into_any_sync()
}

#[component]
fn Person(person: PersonAdmin) -> impl IntoView {
    let PersonAdmin {
        person,
        roles,
        children,
        parents,
        memberships,
        groups,
        me,
    } = person;
    let id = person.id;
    let is_parent = roles.iter().any(|role| role.held && role.key == "parent");
    let member_roles: Vec<&'static str> = ["learner", "teacher"]
        .into_iter()
        .filter(|key| roles.iter().any(|role| role.held && role.key == *key))
        .collect();
    let (open, past): (Vec<Membership>, Vec<Membership>) = memberships
        .into_iter()
        .partition(|stay| stay.left_at.is_none());
    view! {
        <Title text=person.name.clone() />
        <main id="main" class="page person-page">
            <nav aria-label="Breadcrumb" class="breadcrumbs">
                <a href="/">"Home"</a>
                " › "
                <a href="/admin">"Administration"</a>
                " › "
                <a href="/admin/people">"People"</a>
                " › "
                <span aria-current="page">{person.name.clone()}</span>
            </nav>
            <h1>{person.name.clone()}</h1>
            <p class="muted">{format!("{} · {}", person.email, person.status.label())}</p>

            <SignInLink user_id=id />
            <section class="tile" aria-labelledby="roles-title">
                <h2 id="roles-title">"Roles"</h2>
                <ul class="rows">
                    {roles
                        .into_iter()
                        .map(|role| {
                            let kind = if role.held { "take_role" } else { "give_role" };
                            let what = if role.held {
                                format!("Take away {}", role.name)
                            } else {
                                format!("Give {}", role.name)
                            };
                            let locked = role.held && role.key == "admin" && id == me;
                            view! {
                                <li data-held=role.held.to_string()>
                                    <span>
                                        {role.name.clone()}
                                        {(!role.builtin).then(|| view! { <span class="muted">" (custom)"</span> })}
                                        {role.held.then(|| view! { <strong>" — held"</strong> })}
                                    </span>
                                    {(!locked).then(|| view! {
                                        <PostForm action=ChangePerson::PATH class="inline-form">
                                            <Change user_id=id kind />
                                            <input type="hidden" name="change[role_id]" value=role.id />
                                            <button type="submit">{what}</button>
                                        </PostForm>
                                    })}
                                </li>
                            }
                            .into_any_sync()
                        })
                        .collect_view()}
                </ul>
            </section>

            <section class="tile" aria-labelledby="groups-title">
                <h2 id="groups-title">"Groups"</h2>
                {open.is_empty().then(|| view! { <p class="muted">"Not in any group now."</p> })}
                <ul class="rows">
                    {open
                        .into_iter()
                        .map(|stay| {
                            let choices = groups.clone();
                            let from = stay.group_id;
                            let select_id = format!("move-{from}");
                            let held = format!(
                                "{} — {} since {}",
                                stay.group,
                                stay.member_role,
                                day(&stay.joined_at)
                            );
                            let move_label = format!("Move from {} to", stay.group);
                            let leave_label = format!("Leave {}", stay.group);
                            view! {
                                <li>
                                    <span>
                                        {held}
                                    </span>
                                    <PostForm action=ChangePerson::PATH class="inline-form">
                                        <Change user_id=id kind="move" />
                                        <input type="hidden" name="change[group_id]" value=from />
                                        <label for=select_id.clone()>{move_label}</label>
                                        <select id=select_id name="change[to]">
                                            {choices
                                                .into_iter()
                                                .filter(|group| group.id != from)
                                                .map(|group| view! { <option value=group.id>{group.name}</option> })
                                                .collect_view()}
                                        </select>
                                        <button type="submit">"Move"</button>
                                    </PostForm>
                                    <PostForm action=ChangePerson::PATH class="inline-form"
                                        confirm=format!("{leave_label}? Their record in it is kept, and they can be added again.")>
                                        <Change user_id=id kind="leave" />
                                        <input type="hidden" name="change[group_id]" value=from />
                                        <button type="submit">{leave_label}</button>
                                    </PostForm>
                                </li>
                            }
                            .into_any_sync()
                        })
                        .collect_view()}
                </ul>
                {(!member_roles.is_empty()).then(|| view! {
                    <PostForm action=ChangePerson::PATH class="inline-form">
                        <Change user_id=id kind="join" />
                        <label for="join-group">"Add to group"</label>
                        <select id="join-group" name="change[group_id]">
                            {groups
                                .iter()
                                .map(|group| view! { <option value=group.id>{group.name.clone()}</option> })
                                .collect_view()}
                        </select>
                        <label for="join-as">"as"</label>
                        <select id="join-as" name="change[member_role]">
                            {member_roles
                                .iter()
                                .map(|key| view! { <option value=*key>{*key}</option> })
                                .collect_view()}
                        </select>
                        <button type="submit">"Add"</button>
                    </PostForm>
                }.into_any_sync())}
                {(!past.is_empty()).then(|| view! {
                    <h3>"Earlier groups"</h3>
                    <ul class="rows history">
                        {past
                            .into_iter()
                            .map(|stay| view! {
                                <li>
                                    {format!(
                                        "{} — {} from {} to {}",
                                        stay.group,
                                        stay.member_role,
                                        day(&stay.joined_at),
                                        stay.left_at.as_deref().map(day).unwrap_or_default(),
                                    )}
                                </li>
                            })
                            .collect_view()}
                    </ul>
                })}
            </section>

            <section class="tile" aria-labelledby="family-title">
                <h2 id="family-title">"Family"</h2>
                {(!parents.is_empty()).then(|| view! {
                    <p>
                        "Parents: "
                        {parents
                            .into_iter()
                            .map(|parent| view! { <a href=format!("/admin/people/{}", parent.id)>{parent.name}</a> " " })
                            .collect_view()}
                    </p>
                })}
                {is_parent.then(|| view! {
                    <ul class="rows">
                        {children
                            .into_iter()
                            .map(|child| view! {
                                <li>
                                    <a href=format!("/learners/{}", child.id)>{child.name.clone()}</a>
                                    <PostForm action=ChangePerson::PATH class="inline-form">
                                        <Change user_id=id kind="unlink" />
                                        <input type="hidden" name="change[learner_id]" value=child.id />
                                        <button type="submit">{format!("Unlink {}", child.name)}</button>
                                    </PostForm>
                                </li>
                            })
                            .collect_view()}
                    </ul>
                    <PostForm action=ChangePerson::PATH class="inline-form">
                        <Change user_id=id kind="link" />
                        <label for="link-learner">"Link to the learner with the email"</label>
                        <input id="link-learner" type="email" name="change[learner_email]" required />
                        <button type="submit">"Link"</button>
                    </PostForm>
                }.into_any_sync())}
                {(!is_parent).then(|| view! {
                    <p class="muted">"Give this person the Parent role to link them to learners."</p>
                })}
            </section>
        </main>
    }
    .into_any_sync()
}

/// A new sign-in link for the person (imported people have no password until they use one);
/// older unused links stop working.
#[component]
fn SignInLink(user_id: i64) -> impl IntoView {
    view! {
        <section class="tile" aria-labelledby="sign-in-link-title">
            <h2 id="sign-in-link-title">"Sign-in link"</h2>
            <p class="muted">"A link with which the person chooses their password. A new link replaces any unused one."</p>
            <PostForm action=InvitePerson::PATH then=Then::ShowInvitation class="inline-form">
                <input type="hidden" name="user_id" value=user_id.to_string() />
                <button type="submit">"Make a sign-in link"</button>
            </PostForm>
        </section>
    }
    .into_any_sync()
}
