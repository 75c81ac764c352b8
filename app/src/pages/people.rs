//! The administrator's people at `/admin/people`: everyone in the institution, searched by name
//! or email and filtered by role and status (in the address), with approval of pending
//! accounts and disabling — a disabled person's open sessions stop working at once.

use cairn::model::{Role, UserFilter, UserList, UserStatus, UserSummary};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use leptos_router::{lazy_route, LazyRoute};

use crate::api::{get_people, SetPersonStatus};
use crate::components::forms::{Changes, PostForm};
use crate::pages::learner::Refusal;

pub struct PeoplePage;

#[lazy_route]
impl LazyRoute for PeoplePage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        crate::page_hydrated();
        people_page().into_any()
    }
}

fn people_page() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        query.with(|q| UserFilter {
            query: q.get("query").unwrap_or_default(),
            role: q.get("role").unwrap_or_default(),
            status: q.get("status").unwrap_or_default(),
        })
    };
    let changes = Changes::new();
    let done = changes.done;
    let people = Resource::new(
        move || (filter(), changes.version()),
        |(filter, _)| get_people(filter),
    );
    view! {
        <Title text="People" />
        <Transition fallback=|| view! { <main id="main" class="page" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                match people.await {
                    Ok(list) => view! { <People list filter=filter() done /> }.into_any(),
                    Err(error) => view! { <Refusal error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn People(list: UserList, filter: UserFilter, done: Callback<String>) -> impl IntoView {
    let UserList {
        users,
        matching,
        limit,
        me,
    } = list;
    view! {
        <main id="main" class="page people">
            <nav aria-label="Breadcrumb" class="breadcrumbs">
                <a href="/">"Home"</a>
                " › "
                <span aria-current="page">"People"</span>
            </nav>
            <h1>"People"</h1>
            <Form method="GET" action="" attr:class="inline-form people-filter">
                <label for="people-query">"Name or email"</label>
                <input id="people-query" type="search" name="query" value=filter.query.clone() />
                <label for="people-role">"Role"</label>
                <select id="people-role" name="role">
                    <option value="">"Any"</option>
                    {Role::ALL
                        .into_iter()
                        .map(|role| view! { <option value=role.key() selected=role.key() == filter.role>{role.label()}</option> })
                        .collect_view()}
                </select>
                <label for="people-status">"Status"</label>
                <select id="people-status" name="status">
                    <option value="">"Any"</option>
                    {UserStatus::ALL
                        .into_iter()
                        .map(|status| view! { <option value=status.key() selected=status.key() == filter.status>{status.label()}</option> })
                        .collect_view()}
                </select>
                <button type="submit">"Search"</button>
            </Form>
            <p class="muted" role="status">
                {if matching > limit {
                    format!("{matching} people match; the first {limit} are shown.")
                } else {
                    format!("{matching} people match.")
                }}
            </p>
            <div class="table-scroll">
                <table class="figures people-list">
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Email"</th>
                            <th scope="col">"Roles"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Change"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {users.into_iter().map(|person| view! { <Person person me done /> }).collect_view()}
                    </tbody>
                </table>
            </div>
        </main>
    }
    .into_any()
}

#[component]
fn Person(person: UserSummary, me: i64, done: Callback<String>) -> impl IntoView {
    let roles: Vec<&str> = person.roles.iter().map(|role| role.label()).collect();
    let (to, what) = match person.status {
        UserStatus::Pending => (Some(UserStatus::Active), "Approve"),
        UserStatus::Active | UserStatus::Alumni => (Some(UserStatus::Disabled), "Disable"),
        UserStatus::Disabled => (Some(UserStatus::Active), "Enable"),
    };
    let to = to.filter(|_| person.id != me);
    view! {
        <tr data-status=person.status.key()>
            <th scope="row">{person.name.clone()}</th>
            <td>{person.email.clone()}</td>
            <td>{roles.join(", ")}</td>
            <td>{person.status.label()}</td>
            <td>
                {to.map(|status| view! {
                    <PostForm action=SetPersonStatus::PATH on_done=done class="inline-form">
                        <input type="hidden" name="user_id" value=person.id />
                        <input type="hidden" name="status" value=status.key() />
                        <button type="submit">{format!("{what} {}", person.name)}</button>
                    </PostForm>
                })}
            </td>
        </tr>
    }
}
