//! The administrator's people at `/admin/people`: everyone in the institution, searched by name
//! or email and filtered by role and status (in the address), with approval of pending
//! accounts and disabling — a disabled person's open sessions stop working at once — and
//! imports of people from CSV, whose progress the server reports while it works
//! (`?import={id}`) and whose report names every rejected row.

use crate::sync_view::IntoAnySync;
use cairn::model::{
    ImportMode, ImportProgress, ImportReport, Permission, Role, UserFilter, UserList, UserStatus,
    UserSummary,
};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::{
    get_custom_roles, get_import, get_people, AddPerson, CreateRole, DeleteRole, EditRole,
    SetPersonStatus,
};
use crate::components::forms::{PostForm, Then};
use crate::components::story::UploadOutcome;
use crate::pages::learner::Refusal;

/// The page's view (its route is in `crate::App`).
pub fn page() -> AnyView {
    people_page().into_any_sync()
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
    let people = crate::page_data::load(filter, get_people);
    let import = move || query.with(|q| q.get("import").and_then(|id| id.parse::<u64>().ok()));
    view! {
        <Title text="People" />
        <Transition fallback=|| view! { <main id="main" class="page" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                match people.await {
                    Ok(list) => {
                        view! {
                            <People list filter=filter() import=import().map(|id| view! { <ImportStatus id /> })>
                                <AddPerson />
                                <ImportPeople />
                                <CustomRoles />
                            </People>
                        }
                            .into_any_sync()
                    }
                    Err(error) => view! { <Refusal error /> }.into_any_sync(),
                }
            })}
        </Transition>
    }
}

#[component]
fn People<C: IntoView + 'static, I: IntoView + 'static>(
    list: UserList,
    filter: UserFilter,
    /// An import's progress and report, first on the page when there is one.
    import: I,
    /// Adding, importing and roles: after the search and its list.
    children: TypedChildren<C>,
) -> impl IntoView {
    let children = children.into_inner();
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
                <a href="/admin">"Administration"</a>
                " › "
                <span aria-current="page">"People"</span>
            </nav>
            <h1>"People"</h1>
            {import}
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
                        {users.into_iter().map(|person| view! { <Person person me /> }).collect_view()}
                    </tbody>
                </table>
            </div>
            {children()}
        </main>
    }
    .into_any_sync()
}

#[component]
fn Person(person: UserSummary, me: i64) -> impl IntoView {
    let roles: Vec<&str> = person.roles.iter().map(|role| role.label()).collect();
    let (to, what) = match person.status {
        UserStatus::Pending => (Some(UserStatus::Active), "Approve"),
        UserStatus::Active | UserStatus::Alumni => (Some(UserStatus::Disabled), "Disable"),
        UserStatus::Disabled => (Some(UserStatus::Active), "Enable"),
    };
    let to = to.filter(|_| person.id != me);
    let confirm = if to == Some(UserStatus::Disabled) {
        format!(
            "Disable {}? They are signed out at once and cannot sign in until enabled again; their record is kept.",
            person.name
        )
    } else {
        String::new()
    };
    view! {
        <tr data-status=person.status.key()>
            <th scope="row">
                <a href=format!("/admin/people/{}", person.id)>{person.name.clone()}</a>
            </th>
            <td>{person.email.clone()}</td>
            <td>{roles.join(", ")}</td>
            <td>{person.status.label()}</td>
            <td>
                {to.map(|status| view! {
                    <PostForm action=SetPersonStatus::PATH class="inline-form" confirm=confirm.clone()>
                        <input type="hidden" name="user_id" value=person.id />
                        <input type="hidden" name="status" value=status.key() />
                        <button type="submit">{format!("{what} {}", person.name)}</button>
                    </PostForm>
                })}
            </td>
        </tr>
    }
    .into_any_sync()
}

/// The form that uploads a CSV file of people (a plain form: it works before the wasm arrives).
#[component]
fn ImportPeople() -> impl IntoView {
    view! {
        <section class="tile" aria-labelledby="import-title">
            <h2 id="import-title">"Import people from CSV"</h2>
            <p class="muted">
                "A header line first, naming the columns: " <code>"name"</code> ", " <code>"email"</code>
                " and " <code>"role"</code> " are required; " <code>"groups"</code>
                " (group names separated by ;), " <code>"parent_of"</code>
                " (learners' emails separated by ;), " <code>"year_level"</code> " and "
                <code>"external_id"</code> " are optional. Save it as CSV UTF-8."
            </p>
            <form method="post" action="/admin/people/import" enctype="multipart/form-data" class="stack">
                <label for="import-file">"CSV file"</label>
                <input id="import-file" name="file" type="file" required accept=".csv,text/csv" />
                <fieldset>
                    <legend>"When a row is wrong"</legend>
                    {[ImportMode::AllOrNothing, ImportMode::ValidRows]
                        .into_iter()
                        .map(|mode| {
                            let id = format!("import-mode-{}", mode.key());
                            view! {
                                <div>
                                    <input
                                        type="radio"
                                        id=id.clone()
                                        name="mode"
                                        value=mode.key()
                                        checked=mode == ImportMode::AllOrNothing
                                    />
                                    <label for=id>{mode.label()}</label>
                                </div>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <button type="submit">"Import"</button>
            </form>
            <UploadOutcome added="" />
        </section>
    }
    .into_any_sync()
}

/// An import as the server reports it: a progress bar while it works (asked again every
/// third of a second), then its report with every rejected row.
#[component]
fn ImportStatus(id: u64) -> impl IntoView {
    let progress = crate::page_data::load(|| (), move |_| get_import(id));
    view! {
        <section class="tile import-status" aria-labelledby="import-status-title">
            <h2 id="import-status-title">"Import"</h2>
            <Suspense fallback=|| view! { <p aria-busy="true">"Asking the server…"</p> }>
                {move || Suspend::new(async move {
                    match progress.await {
                        Ok(now) => view! { <ImportWatch id now /> }.into_any_sync(),
                        Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any_sync(),
                    }
                })}
            </Suspense>
        </section>
    }
    .into_any_sync()
}

/// The import's progress, followed in the browser until it is finished; the page is drawn
/// again once, when this page saw it finish with people written.
#[island]
fn ImportWatch(id: u64, now: ImportProgress) -> impl IntoView {
    let running = !now.phase.finished();
    let shown = RwSignal::new(now);
    crate::live::follow_job(
        shown,
        |now: &ImportProgress| now.phase.finished(),
        move || get_import(id),
    );
    Effect::new(move |_| {
        let wrote = shown.with(|now| {
            now.phase.finished()
                && now
                    .report
                    .as_ref()
                    .is_some_and(|report| report.imported > 0)
        });
        if running && wrote {
            crate::live::refresh_page();
        }
    });
    move || view! { <ImportProgressView now=shown.get() /> }
}

#[component]
fn ImportProgressView(now: ImportProgress) -> impl IntoView {
    let bar = crate::components::forms::import_bar("import-progress", &now);
    let ImportProgress {
        report, failure, ..
    } = now;
    view! {
        {bar}
        {failure.map(|failure| view! { <p class="form-error" role="alert">{failure}</p> })}
        {report.map(|report| view! { <ImportReportView report /> })}
    }
    .into_any_sync()
}

#[component]
fn ImportReportView(report: ImportReport) -> impl IntoView {
    let summary = if report.rows == 0 && !report.errors.is_empty() {
        "The file cannot be imported as it is, so nothing was written.".to_string()
    } else if report.rows == 0 {
        "The file has no rows to import.".to_string()
    } else if report.rejected == 0 {
        format!("Imported all {} rows.", report.rows)
    } else if report.imported == 0 {
        format!(
            "{} of {} rows were rejected, so nothing was written.",
            report.rejected, report.rows
        )
    } else {
        format!(
            "Imported {} of {} rows; {} rows were rejected and not written.",
            report.imported, report.rows, report.rejected
        )
    };
    let more = report.rejected.saturating_sub(report.errors.len());
    // A short list is shown open; a long one folded.
    let few_written = report.written.len() <= 20;
    view! {
        <p role="status" class="import-summary">{summary}</p>
        {(!report.errors.is_empty()).then(|| view! {
            <div class="table-scroll">
                <table class="figures import-errors">
                    <caption>"Rejected rows"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Line"</th>
                            <th scope="col">"Column"</th>
                            <th scope="col">"Reason"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {report.errors.into_iter().map(|error| view! {
                            <tr>
                                <th scope="row">{error.line}</th>
                                <td>{error.field}</td>
                                <td>{error.reason}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
        {(more > 0).then(|| view! { <p class="muted">{format!("… and {more} more rejected rows.")}</p> })}
        {(!report.written.is_empty()).then(|| view! {
            <details class="import-written" open=few_written>
                <summary>{format!("Who was written ({})", report.imported)}</summary>
                <ul class="rows">
                    {report.written.into_iter().map(|person| view! { <li>{person}</li> }).collect_view()}
                </ul>
            </details>
        })}
    }
    .into_any_sync()
}

/// The institution's custom roles, and the form that defines one.
#[component]
fn CustomRoles() -> impl IntoView {
    let roles = crate::page_data::load(|| (), |_| get_custom_roles());
    view! {
        <section class="tile" aria-labelledby="roles-title">
            <h2 id="roles-title">"Custom roles"</h2>
            <p class="muted">
                "A custom role gives a teacher's rights over the groups of one year level (or every group). Give it to someone on their page."
            </p>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    roles.await.ok().map(|roles| view! {
                        <ul class="rows custom-roles">
                            {roles.into_iter().map(|role| {
                                let rights: Vec<&str> = role.permissions.iter().map(|p| p.label()).collect();
                                let scope = role.year_level.map_or("every group".to_string(), |year| format!("the groups of year {year}"));
                                let facts = format!("{} — over {scope}; held by {}", rights.join(", "), role.holders);
                                let role_id = role.id.to_string();
                                let delete_id = role_id.clone();
                                let key = role.id.to_string();
                                let name = role.name.clone();
                                let edit = format!("Edit {}", role.name);
                                let delete = format!("Delete {}", role.name);
                                view! {
                                    <li>
                                        <strong>{name}</strong>
                                        <span class="muted">{facts}</span>
                                        <details class="role-editor">
                                            <summary>{edit}</summary>
                                            <PostForm action=EditRole::PATH class="stack">
                                                <input type="hidden" name="role_id" value=role_id />
                                                <RoleFields key role=Some(role) />
                                                <button type="submit">"Save the role"</button>
                                            </PostForm>
                                            <PostForm action=DeleteRole::PATH class="inline-form"
                                                confirm=format!("{delete}? Nobody holds it any more; this cannot be undone.")>
                                                <input type="hidden" name="role_id" value=delete_id />
                                                <button type="submit">{delete}</button>
                                            </PostForm>
                                        </details>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    })
                })}
            </Transition>
            <PostForm action=CreateRole::PATH class="stack">
                <RoleFields key="new".into() role=None />
                <button type="submit">"Create the role"</button>
            </PostForm>
        </section>
    }
    .into_any_sync()
}

/// One person added by hand (checked as an imported row is), with the sign-in link to give
/// them.
#[component]
fn AddPerson() -> impl IntoView {
    let role_options = Role::ALL
        .into_iter()
        .map(|role| view! { <option value=role.key()>{role.label()}</option> })
        .collect_view();
    view! {
        <section class="tile" aria-labelledby="add-person-title">
            <h2 id="add-person-title">"Add a person"</h2>
            <PostForm action=AddPerson::PATH then=Then::ShowInvitation class="stacked-form">
                <label for="person-name">"Name"</label>
                <input id="person-name" type="text" name="person[name]" required maxlength="120" autocomplete="off" />
                <label for="person-email">"Email"</label>
                <input id="person-email" type="email" name="person[email]" required autocomplete="off" />
                <label for="person-role">"Role"</label>
                <select id="person-role" name="person[role]">{role_options}</select>
                <label for="person-groups">"Groups (names separated by ;)"</label>
                <input id="person-groups" type="text" name="person[groups]" />
                <label for="person-children">"Parent of (learners' emails separated by ;)"</label>
                <input id="person-children" type="text" name="person[parent_of]" />
                <label for="person-year">"Year level (learners, optional)"</label>
                <input id="person-year" type="number" name="person[year_level]" min="0" max="13" />
                <button type="submit">"Add the person"</button>
            </PostForm>
        </section>
    }
    .into_any_sync()
}

/// A custom role's fields: its name, rights and year level (filled in when editing one).
#[component]
fn RoleFields(key: String, role: Option<cairn::model::CustomRole>) -> impl IntoView {
    let name = role
        .as_ref()
        .map(|role| role.name.clone())
        .unwrap_or_default();
    let year = role
        .as_ref()
        .and_then(|role| role.year_level)
        .map(|year| year.to_string())
        .unwrap_or_default();
    let held = role.map(|role| role.permissions).unwrap_or_default();
    let rights = [
        ("view_records", Permission::ViewRecords),
        ("mark", Permission::Mark),
        ("give_feedback", Permission::GiveFeedback),
    ]
    .into_iter()
    .map(|(field, permission)| {
        let id = format!("role-{key}-{field}");
        view! {
            <div>
                <input type="checkbox" id=id.clone() name=format!("role[{field}]") value="on" checked=held.contains(&permission) />
                <label for=id>{permission.label()}</label>
            </div>
        }
    })
    .collect_view();
    view! {
        <label for=format!("role-{key}-name")>"Name"</label>
        <input id=format!("role-{key}-name") type="text" name="role[name]" required maxlength="60" value=name />
        <fieldset>
            <legend>"Rights"</legend>
            {rights}
        </fieldset>
        <label for=format!("role-{key}-year")>"Over the groups of year (empty: every group)"</label>
        <input id=format!("role-{key}-year") type="number" name="role[year_level]" min="0" max="13" value=year />
    }
    .into_any_sync()
}
