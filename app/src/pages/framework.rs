//! One framework at `/admin/frameworks/{id}`: its fields and mastery method, its areas, and
//! its competencies with their Rich Skill Descriptor fields (statement, category, keywords,
//! alignments), tags and own method. A new method starts a recompute of the levels it
//! affects; the page follows it with the server's progress until the dashboards have moved.
//! The framework goes out as a CASE package (and, published, through the CASE provider API);
//! Rich Skill Descriptors come in as competencies, and each competency goes out as one.

use crate::sync_view::IntoAnySync;
use cairn::model::{Alignment, CompetencyAdmin, CompetencySource, FrameworkAdmin, Recompute};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use crate::api::{
    get_framework, get_recompute, CreateArea, CreateCompetency, DeleteArea, PublishCase,
    RenameArea, SaveCompetency, SaveFramework,
};
use crate::components::forms::PostForm;
use crate::components::story::UploadOutcome;
use crate::live::id_param;
use crate::pages::frameworks::{category_options, method_options, param_text};
use crate::pages::learner::Refusal;

/// The page's view (its route is in `crate::App`).
pub fn page() -> AnyView {
    framework_page().into_any_sync()
}

fn framework_page() -> impl IntoView {
    let framework_id = id_param();
    let framework = crate::page_data::load(framework_id, |id| async move {
        match id {
            Some(id) => get_framework(id).await,
            None => Err(crate::error::AppError::NotFound("framework".into())),
        }
    });
    view! {
        <Transition fallback=|| view! { <main id="main" class="page" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                match framework.await {
                    Ok(framework) => {
                        view! { <Framework framework /> }.into_any_sync()
                    }
                    Err(error) => view! { <Refusal error /> }.into_any_sync(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Framework(framework: FrameworkAdmin) -> impl IntoView {
    let FrameworkAdmin {
        id,
        name,
        description,
        category_id,
        rubric,
        method,
        method_param,
        method_label,
        areas,
        competencies,
        categories,
        tags,
        recompute,
        case_identifier,
        published,
    } = framework;
    let tag_names = if tags.is_empty() {
        "No tags yet: add them on the frameworks page.".to_string()
    } else {
        format!(
            "Tags: {}",
            tags.iter()
                .map(|tag| tag.name.clone())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let context = Choices {
        categories: categories.clone(),
        areas: areas.clone(),
        tag_names: tag_names.clone(),
    };
    let first_category = categories.first().map_or(0, |category| category.id);
    view! {
        <Title text=name.clone() />
        <main id="main" class="page framework-admin">
            <nav aria-label="Breadcrumb" class="breadcrumbs">
                <a href="/">"Home"</a>
                " › "
                <a href="/admin">"Administration"</a>
                " › "
                <a href="/admin/frameworks">"Frameworks"</a>
                " › "
                <span aria-current="page">{name.clone()}</span>
            </nav>
            <h1>{name.clone()}</h1>
            <p class="muted framework-method">{format!("Mastery method: {method_label}. Rubric: {}, mastered at level {}.", rubric.name, rubric.mastery_level)}</p>
            // The newest recompute: the one a save just started, followed until it is done.
            {recompute.map(|now| view! { <RecomputeStatus now /> })}
            <section class="tile" aria-labelledby="framework-fields-title">
                <h2 id="framework-fields-title">"Framework"</h2>
                <PostForm action=SaveFramework::PATH class="stacked-form">
                    <input type="hidden" name="framework_id" value=id.to_string() />
                    <input type="hidden" name="framework[rubric_id]" value=rubric.id.to_string() />
                    <label for="framework-name">"Name"</label>
                    <input id="framework-name" type="text" name="framework[name]" required maxlength="120" value=name />
                    <label for="framework-description">"Description"</label>
                    <textarea id="framework-description" name="framework[description]" rows="2" maxlength="4000">{description}</textarea>
                    <label for="framework-category">"Category"</label>
                    <select id="framework-category" name="framework[category_id]">
                        {category_options(&categories, category_id)}
                    </select>
                    <label for="framework-method">"Mastery method"</label>
                    <select id="framework-method" name="framework[method]">{method_options(&method)}</select>
                    <label for="framework-param">"Weight in % (averages) or number of scores (n mastery); empty for the default"</label>
                    <input id="framework-param" type="text" name="framework[method_param]" inputmode="decimal" value=param_text(&method, method_param) />
                    <button type="submit">"Save the framework"</button>
                </PostForm>
            </section>
            <CaseSection id case_identifier published />
            <section class="tile" aria-labelledby="areas-title">
                <h2 id="areas-title">"Areas"</h2>
                <ul class="rows named-list">
                    {areas.iter().map(area_item()).collect_view()}
                </ul>
                <PostForm action=CreateArea::PATH class="inline-form">
                    <input type="hidden" name="framework_id" value=id.to_string() />
                    <label for="area-code">"Code"</label>
                    <input id="area-code" type="text" name="code" required maxlength="40" />
                    <label for="area-name">"Name"</label>
                    <input id="area-name" type="text" name="name" required maxlength="200" />
                    <button type="submit">"Add the area"</button>
                </PostForm>
            </section>
            <section aria-labelledby="competencies-title">
                <h2 id="competencies-title">{format!("Competencies ({})", competencies.len())}</h2>
                <ul class="rows competency-list">
                    {competencies
                        .into_iter()
                        .map(|competency| {
                            let context = context.clone();
                            view! { <li><CompetencyEditor competency context /></li> }
                        })
                        .collect_view()}
                </ul>
            </section>
            <RsdImport id areas=areas.clone() />
            <section class="tile" aria-labelledby="new-competency-title">
                <h2 id="new-competency-title">"New competency"</h2>
                <PostForm action=CreateCompetency::PATH class="stacked-form">
                    <input type="hidden" name="framework_id" value=id.to_string() />
                    <CompetencyFields
                        key="new".into()
                        competency=CompetencyAdmin {
                            id: 0,
                            code: String::new(),
                            name: String::new(),
                            statement: String::new(),
                            keywords: String::new(),
                            category_id: first_category,
                            area_id: None,
                            method: None,
                            method_param: None,
                            method_label: String::new(),
                            tags: Vec::new(),
                            alignments: Vec::new(),
                            source: Default::default(),
                        }
                        context
                    />
                    <button type="submit">"Add the competency"</button>
                </PostForm>
            </section>
        </main>
    }
    .into_any_sync()
}

/// The framework as CASE: its package to download, and whether the CASE provider API serves
/// it to anyone.
#[component]
fn CaseSection(id: i64, case_identifier: Option<String>, published: bool) -> impl IntoView {
    let package = format!("/admin/frameworks/{id}/case.json");
    let status = match (&case_identifier, published) {
        (Some(document), true) => format!(
            "Published: anyone can read it through the CASE provider API as the document {document}."
        ),
        (Some(document), false) => {
            format!("Its CASE document is {document}. Only your administrators can read it.")
        }
        (None, _) => "Typed in Cairn: it gets its CASE identifiers the first time it or one of its competencies is exported, or it is published, and keeps them.".into(),
    };
    let api = case_identifier
        .filter(|_| published)
        .map(|document| format!("/ims/case/v1p0/CFPackages/{document}"));
    let (button, confirm) = if published {
        ("Stop publishing", "Stop publishing this framework? Other systems reading it through the CASE API will no longer find it.")
    } else {
        ("Publish through the CASE API", "")
    };
    view! {
        <section class="tile case-section" aria-labelledby="case-title">
            <h2 id="case-title">"CASE"</h2>
            <p class="case-status">{status}</p>
            <p>
                <a href=package download>"Download as a CASE package"</a>
                {api.map(|api| view! { " · " <a href=api.clone()>"Its CASE API address"</a> })}
            </p>
            <PostForm action=PublishCase::PATH class="inline-form" confirm>
                <input type="hidden" name="framework_id" value=id.to_string() />
                <input type="hidden" name="published" value=(!published).to_string() />
                <button type="submit">{button}</button>
            </PostForm>
        </section>
    }
    .into_any_sync()
}

/// Rich Skill Descriptors brought in as competencies of the framework, into one of its areas.
#[component]
fn RsdImport(id: i64, areas: Vec<cairn::model::Area>) -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let done = move || {
        query.with(|q| {
            let count = |key: &str| q.get(key).and_then(|n| n.parse::<usize>().ok());
            Some((count("rsd_added")?, count("rsd_updated")?))
        })
    };
    let area_options = areas
        .iter()
        .map(|area| view! { <option value=area.id.to_string()>{format!("{} {}", area.code, area.name)}</option> })
        .collect_view();
    view! {
        <section class="tile" aria-labelledby="rsd-title">
            <h2 id="rsd-title">"Import Rich Skill Descriptors"</h2>
            <p class="muted">
                "One descriptor, a list of them, or a collection with its skills, as JSON (the Open Skills Network's shape). "
                "Each becomes a competency known by the descriptor's address: importing it again updates it."
            </p>
            <UploadOutcome added="" />
            {move || done().map(|(added, updated)| view! {
                <p role="status" class="rsd-outcome">
                    {format!("{} added, {updated} updated.", crate::components::forms::plural(added, "competency", "competencies"))}
                </p>
            })}
            <form method="post" action=format!("/admin/frameworks/{id}/rsd") enctype="multipart/form-data" class="stacked-form">
                <label for="rsd-file">"Rich Skill Descriptors (.json)"</label>
                <input id="rsd-file" name="file" type="file" required accept=".json,application/json" />
                <label for="rsd-area">"Into the area"</label>
                <select id="rsd-area" name="area">
                    <option value="">"No area"</option>
                    {area_options}
                </select>
                <button type="submit">"Import the descriptors"</button>
            </form>
        </section>
    }
    .into_any_sync()
}

/// An area, renamed in place (code and name) and deleted once it holds no competency.
fn area_item() -> impl Fn(&cairn::model::Area) -> AnyView {
    move |area| {
        let (rename_id, delete_id) = (area.id.to_string(), area.id.to_string());
        let code_field = format!("area-{}-code", area.id);
        let name_field = format!("area-{}-name", area.id);
        let title = format!("{} {}", area.code, area.name);
        let code_label = format!("Code of the area {title}");
        let name_label = format!("Name of the area {title}");
        let rename = format!("Rename the area {title}");
        let delete = format!("Delete the area {title}");
        let (code, name) = (area.code.clone(), area.name.clone());
        view! {
            <li class="named-item">
                <PostForm action=RenameArea::PATH class="inline-form">
                    <input type="hidden" name="area_id" value=rename_id />
                    <label for=code_field.clone() class="visually-hidden">{code_label}</label>
                    <input id=code_field type="text" name="code" required maxlength="40" size="6" value=code />
                    <label for=name_field.clone() class="visually-hidden">{name_label}</label>
                    <input id=name_field type="text" name="name" required maxlength="200" value=name />
                    <button type="submit" aria-label=rename>"Rename"</button>
                </PostForm>
                <PostForm action=DeleteArea::PATH class="inline-form"
                    confirm=format!("{delete}? This cannot be undone.")>
                    <input type="hidden" name="area_id" value=delete_id />
                    <button type="submit" aria-label=delete>"Delete"</button>
                </PostForm>
            </li>
        }
        .into_any_sync()
    }
}

/// What a competency's form chooses from.
#[derive(Clone)]
struct Choices {
    categories: Vec<cairn::model::CategoryChoice>,
    areas: Vec<cairn::model::Area>,
    tag_names: String,
}

#[component]
fn CompetencyEditor(competency: CompetencyAdmin, context: Choices) -> impl IntoView {
    let summary = format!(
        "{} {} — {}",
        competency.code, competency.name, competency.method_label
    );
    let id = competency.id;
    let source = competency.source.clone();
    view! {
        <details class="competency-editor">
            <summary>{summary}</summary>
            {(!source.is_empty()).then(|| view! { <Source source /> })}
            <p><a href=format!("/admin/competencies/{id}/rsd.json") download>"Download as a Rich Skill Descriptor"</a></p>
            <PostForm action=SaveCompetency::PATH class="stacked-form">
                <input type="hidden" name="competency_id" value=id.to_string() />
                <CompetencyFields key=id.to_string() competency context />
                <button type="submit">"Save the competency"</button>
            </PostForm>
        </details>
    }
    .into_any_sync()
}

/// What an imported competency keeps of where it came from.
#[component]
fn Source(source: CompetencySource) -> impl IntoView {
    let CompetencySource {
        uri,
        item_type,
        year_levels,
        notes,
    } = source;
    view! {
        <dl class="competency-source">
            {uri.map(|uri| view! { <dt>"Identifier"</dt><dd><code>{uri}</code></dd> })}
            {item_type.map(|kind| view! { <dt>"Item type"</dt><dd>{kind}</dd> })}
            {(!year_levels.is_empty()).then(|| view! { <dt>"Year levels"</dt><dd>{year_levels}</dd> })}
            {(!notes.is_empty()).then(|| view! { <dt>"Notes"</dt><dd>{notes}</dd> })}
        </dl>
    }
    .into_any_sync()
}

/// An alignment as its line in the form: `name | url | framework | code`.
fn alignment_line(alignment: &Alignment) -> String {
    let mut parts = vec![alignment.name.clone()];
    let rest = [&alignment.url, &alignment.framework, &alignment.code];
    let last = rest.iter().rposition(|part| part.is_some());
    if let Some(last) = last {
        parts.extend(
            rest[..=last]
                .iter()
                .map(|part| (*part).clone().unwrap_or_default()),
        );
    }
    parts.join(" | ")
}

#[component]
fn CompetencyFields(key: String, competency: CompetencyAdmin, context: Choices) -> impl IntoView {
    let field = move |name: &str| format!("competency-{key}-{name}");
    let method = competency.method.clone().unwrap_or_default();
    let alignments = competency
        .alignments
        .iter()
        .map(alignment_line)
        .collect::<Vec<_>>()
        .join("\n");
    let area_options = context
        .areas
        .iter()
        .map(|area| {
            view! {
                <option value=area.id.to_string() selected=Some(area.id) == competency.area_id>
                    {format!("{} {}", area.code, area.name)}
                </option>
            }
        })
        .collect_view();
    view! {
        <label for=field("code")>"Code"</label>
        <input id=field("code") type="text" name="competency[code]" required maxlength="40" value=competency.code />
        <label for=field("name")>"Name"</label>
        <input id=field("name") type="text" name="competency[name]" required maxlength="200" value=competency.name />
        <label for=field("statement")>"Skill statement"</label>
        <textarea id=field("statement") name="competency[statement]" rows="2" maxlength="4000">{competency.statement}</textarea>
        <label for=field("keywords")>"Keywords (comma-separated)"</label>
        <input id=field("keywords") type="text" name="competency[keywords]" maxlength="1000" value=competency.keywords />
        <label for=field("category")>"Category"</label>
        <select id=field("category") name="competency[category_id]">
            {category_options(&context.categories, competency.category_id)}
        </select>
        <label for=field("area")>"Area"</label>
        <select id=field("area") name="competency[area_id]">
            <option value="" selected=competency.area_id.is_none()>"No area"</option>
            {area_options}
        </select>
        <label for=field("method")>"Mastery method"</label>
        <select id=field("method") name="competency[method]">
            <option value="" selected=method.is_empty()>"The framework's"</option>
            {method_options(&method)}
        </select>
        <label for=field("param")>"Its weight in % or number of scores (empty for the default)"</label>
        <input id=field("param") type="text" name="competency[method_param]" inputmode="decimal" value=param_text(&method, competency.method_param) />
        <label for=field("tags")>"Tags (comma-separated)"</label>
        <input id=field("tags") type="text" name="competency[tags]" value=competency.tags.join(", ") aria-describedby=field("tags-known") />
        <p id=field("tags-known") class="muted">{context.tag_names}</p>
        <label for=field("alignments")>"Alignments, one a line: name | web address | framework | code"</label>
        <textarea id=field("alignments") name="competency[alignments]" rows="2">{alignments}</textarea>
    }
    .into_any_sync()
}

/// A recompute's progress, asked of the server every third of a second until it is finished.
#[island]
fn RecomputeStatus(now: Recompute) -> impl IntoView {
    let id = now.id;
    let shown = RwSignal::new(now);
    crate::live::follow_job(shown, Recompute::finished, move || get_recompute(id));
    view! {
        <section class="tile recompute-status" aria-labelledby="recompute-title">
            <h2 id="recompute-title">"Recomputing levels"</h2>
            {move || view! { <RecomputeView now=shown.get() /> }}
        </section>
    }
}

#[component]
fn RecomputeView(now: Recompute) -> impl IntoView {
    let percent = now.percent();
    let status = match (&now.failure, now.finished()) {
        (Some(failure), _) => format!("{}: stopped — {failure}", now.reason),
        (None, true) => format!(
            "{}: done. {} learners recomputed, {} levels changed; dashboards show the new levels.",
            now.reason, now.learners, now.changed
        ),
        (None, false) => format!(
            "{}: {} of {} learners, {percent} %",
            now.reason, now.done, now.learners
        ),
    };
    view! {
        <label for="recompute-progress" role="status">{status}</label>
        <progress id="recompute-progress" max="100" value=percent.to_string() data-recompute=now.id.to_string() data-finished=now.finished().to_string()>
            {format!("{percent} %")}
        </progress>
    }
    .into_any_sync()
}
