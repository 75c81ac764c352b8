//! The administrator's frameworks at `/admin/frameworks`: every framework, a new one; the
//! categories and skill and value tags competencies are filed under; and the rubrics, whose
//! levels (name, points, colour) and mastery threshold are edited here. A framework can also
//! come from a CASE package or spreadsheet ("Import CASE", `crate::pages::case_import`).

use crate::sync_view::IntoAnySync;
use cairn::model::{
    CategoryChoice, FrameworksAdmin, Rubric, RubricLevel, Tag, TagKind, MASTERY_METHODS,
};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use crate::api::{
    get_frameworks, CreateCategory, CreateFramework, CreateTag, DeleteCategory, DeleteTag,
    RenameCategory, RenameTag, SaveRubricLevel, SetMasteryLevel,
};
use crate::components::forms::PostForm;
use crate::pages::learner::Refusal;

/// The page's view (its route is in `crate::App`).
pub fn page() -> AnyView {
    frameworks_page().into_any_sync()
}

fn frameworks_page() -> impl IntoView {
    let admin = crate::page_data::load(|| (), |_| get_frameworks());
    view! {
        <Title text="Frameworks" />
        <Transition fallback=|| view! { <main id="main" class="page" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                match admin.await {
                    Ok(admin) => view! { <Frameworks admin /> }.into_any_sync(),
                    Err(error) => view! { <Refusal error /> }.into_any_sync(),
                }
            })}
        </Transition>
    }
}

/// The choices of a method, the given one selected.
pub fn method_options(selected: &str) -> impl IntoView {
    MASTERY_METHODS
        .iter()
        .map(|(key, label)| {
            view! { <option value=*key selected=*key == selected>{*label}</option> }
        })
        .collect_view()
}

/// A method's parameter as the form shows it: a percentage for the averages, a count for
/// `n_mastery`.
pub fn param_text(method: &str, param: Option<f64>) -> String {
    match (method, param) {
        ("weighted_average" | "decaying_average", Some(p)) => format!("{}", (p * 100.0).round()),
        (_, Some(p)) => format!("{p}"),
        (_, None) => String::new(),
    }
}

/// The categories, the given one selected.
pub fn category_options(categories: &[CategoryChoice], selected: i64) -> impl IntoView {
    categories
        .iter()
        .map(|category| {
            view! {
                <option value=category.id.to_string() selected=category.id == selected>
                    {category.name.clone()}
                </option>
            }
        })
        .collect_view()
}

#[component]
fn Frameworks(admin: FrameworksAdmin) -> impl IntoView {
    let FrameworksAdmin {
        frameworks,
        categories,
        tags,
        rubrics,
    } = admin;
    let first_category = categories.first().map_or(0, |category| category.id);
    let category_choices = category_options(&categories, first_category);
    let category_list = categories;
    let rubric_options = rubrics
        .iter()
        .map(|rubric| view! { <option value=rubric.id.to_string()>{rubric.name.clone()}</option> })
        .collect_view();
    let rows = frameworks
        .into_iter()
        .map(|framework| {
            view! {
                <tr>
                    <th scope="row">
                        <a href=format!("/admin/frameworks/{}", framework.id)>{framework.name}</a>
                    </th>
                    <td>{framework.category}</td>
                    <td>{framework.rubric}</td>
                    <td>{framework.method}</td>
                    <td class="number">{framework.competencies}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <main id="main" class="page frameworks-admin">
            <nav aria-label="Breadcrumb" class="breadcrumbs">
                <a href="/">"Home"</a>
                " › "
                <a href="/admin">"Administration"</a>
                " › "
                <span aria-current="page">"Frameworks"</span>
            </nav>
            <h1>"Frameworks"</h1>
            <div class="table-scroll">
                <table class="framework-list">
                    <caption class="visually-hidden">"The institution's frameworks"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Framework"</th>
                            <th scope="col">"Category"</th>
                            <th scope="col">"Rubric"</th>
                            <th scope="col">"Mastery method"</th>
                            <th scope="col" class="number">"Competencies"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <crate::pages::case_import::CaseImport />
            <section class="tile" aria-labelledby="new-framework-title">
                <h2 id="new-framework-title">"New framework"</h2>
                <PostForm action=CreateFramework::PATH class="stacked-form">
                    <label for="framework-name">"Name"</label>
                    <input id="framework-name" type="text" name="framework[name]" required maxlength="120" />
                    <label for="framework-description">"Description"</label>
                    <textarea id="framework-description" name="framework[description]" rows="2" maxlength="4000"></textarea>
                    <label for="framework-category">"Category"</label>
                    <select id="framework-category" name="framework[category_id]">
                        {category_choices}
                    </select>
                    <label for="framework-rubric">"Rubric"</label>
                    <select id="framework-rubric" name="framework[rubric_id]">{rubric_options}</select>
                    <label for="framework-method">"Mastery method"</label>
                    <select id="framework-method" name="framework[method]">{method_options("decaying_average")}</select>
                    <label for="framework-param">"Weight in % (averages) or number of scores (n mastery); empty for the default"</label>
                    <input id="framework-param" type="text" name="framework[method_param]" inputmode="decimal" />
                    <button type="submit">"Create the framework"</button>
                </PostForm>
            </section>
            <div class="tiles">
                <Categories categories=category_list />
                <Tags tags />
            </div>
            <h2>"Rubrics"</h2>
            {rubrics.into_iter().map(|rubric| view! { <RubricEditor rubric /> }).collect_view()}
        </main>
    }
    .into_any_sync()
}

#[component]
fn Categories(categories: Vec<CategoryChoice>) -> impl IntoView {
    view! {
        <section class="tile" aria-labelledby="categories-title">
            <h2 id="categories-title">"Categories"</h2>
            <ul class="rows named-list">
                {categories
                    .into_iter()
                    .map(|category| {
                        let (rename_id, delete_id) = (category.id.to_string(), category.id.to_string());
                        let field = format!("category-{}-name", category.id);
                        let label = format!("Name of the category {}", category.name);
                        let rename = format!("Rename the category {}", category.name);
                        let delete = format!("Delete the category {}", category.name);
                        view! {
                            <li class="named-item">
                                <PostForm action=RenameCategory::PATH class="inline-form">
                                    <input type="hidden" name="category_id" value=rename_id />
                                    <label for=field.clone() class="visually-hidden">{label}</label>
                                    <input id=field type="text" name="name" required maxlength="60" value=category.name />
                                    <button type="submit" aria-label=rename>"Rename"</button>
                                </PostForm>
                                <PostForm action=DeleteCategory::PATH class="inline-form"
                                    confirm=format!("{delete}? This cannot be undone.")>
                                    <input type="hidden" name="category_id" value=delete_id />
                                    <button type="submit" aria-label=delete>"Delete"</button>
                                </PostForm>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <p class="muted">"A category still used by a framework, competency or achievement cannot be deleted. Its key stays when it is renamed, so addresses keep working."</p>
            <PostForm action=CreateCategory::PATH class="inline-form">
                <label for="category-name">"New category"</label>
                <input id="category-name" type="text" name="name" required maxlength="60" />
                <button type="submit">"Add the category"</button>
            </PostForm>
        </section>
    }
    .into_any_sync()
}

#[component]
fn Tags(tags: Vec<Tag>) -> impl IntoView {
    let empty = tags.is_empty();
    view! {
        <section class="tile" aria-labelledby="tags-title">
            <h2 id="tags-title">"Skill and value tags"</h2>
            {empty.then(|| view! { <p class="muted">"No tags yet."</p> })}
            <ul class="rows named-list">
                {tags
                    .into_iter()
                    .map(|tag| {
                        let (rename_id, delete_id) = (tag.id.to_string(), tag.id.to_string());
                        let name_field = format!("tag-{}-name", tag.id);
                        let kind_field = format!("tag-{}-kind", tag.id);
                        let name_label = format!("Name of the tag {}", tag.name);
                        let kind_label = format!("Kind of the tag {}", tag.name);
                        let save = format!("Save the tag {}", tag.name);
                        let delete = format!("Delete the tag {}", tag.name);
                        let skill = tag.kind == TagKind::Skill;
                        let removes = match tag.competencies {
                            0 => "Delete".to_string(),
                            1 => "Delete (from 1 competency)".to_string(),
                            n => format!("Delete (from {n} competencies)"),
                        };
                        view! {
                            <li class="named-item">
                                <PostForm action=RenameTag::PATH class="inline-form">
                                    <input type="hidden" name="tag_id" value=rename_id />
                                    <label for=name_field.clone() class="visually-hidden">{name_label}</label>
                                    <input id=name_field type="text" name="name" required maxlength="60" value=tag.name />
                                    <label for=kind_field.clone() class="visually-hidden">{kind_label}</label>
                                    <select id=kind_field name="kind">
                                        <option value="skill" selected=skill>"Skill"</option>
                                        <option value="value" selected=!skill>"Value"</option>
                                    </select>
                                    <button type="submit" aria-label=save>"Save"</button>
                                </PostForm>
                                <PostForm action=DeleteTag::PATH class="inline-form"
                                    confirm=format!("{delete}? It is taken off every competency that has it; this cannot be undone.")>
                                    <input type="hidden" name="tag_id" value=delete_id />
                                    <button type="submit" aria-label=delete>{removes}</button>
                                </PostForm>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <PostForm action=CreateTag::PATH class="inline-form">
                <label for="tag-name">"New tag"</label>
                <input id="tag-name" type="text" name="name" required maxlength="60" />
                <label for="tag-kind">"Kind"</label>
                <select id="tag-kind" name="kind">
                    <option value="skill">"Skill"</option>
                    <option value="value">"Value"</option>
                </select>
                <button type="submit">"Add the tag"</button>
            </PostForm>
        </section>
    }
    .into_any_sync()
}

#[component]
fn RubricEditor(rubric: Rubric) -> impl IntoView {
    let Rubric {
        id,
        name,
        mastery_level,
        levels,
        frameworks,
    } = rubric;
    let next = levels.last().map_or(1, |level| level.level + 1);
    let used_by = if frameworks.is_empty() {
        "Used by no framework yet.".to_string()
    } else {
        format!("Used by {}.", frameworks.join(", "))
    };
    let threshold_id = format!("rubric-{id}-mastery");
    view! {
        <section class="tile rubric" aria-labelledby=format!("rubric-{id}-title")>
            <h3 id=format!("rubric-{id}-title")>{name}</h3>
            <p class="muted">{used_by}" A change applies to all of them."</p>
            <PostForm action=SetMasteryLevel::PATH class="inline-form">
                <input type="hidden" name="rubric_id" value=id.to_string() />
                <label for=threshold_id.clone()>"Mastery threshold (a level)"</label>
                <input id=threshold_id type="number" name="mastery_level" step="0.1" required value=mastery_level.to_string() />
                <button type="submit">"Save the threshold"</button>
            </PostForm>
            <ul class="rows rubric-levels">
                {levels
                    .into_iter()
                    .map(|level| view! { <li><RubricLevelForm rubric_id=id level /></li> })
                    .collect_view()}
                <li>
                    <RubricLevelForm
                        rubric_id=id
                        level=RubricLevel { level: next, name: String::new(), points: 0.0, color: "#1f5fa8".into() }
                        new=true
                    />
                </li>
            </ul>
        </section>
    }
    .into_any_sync()
}

#[component]
fn RubricLevelForm(
    rubric_id: i64,
    level: RubricLevel,
    #[prop(optional)] new: bool,
) -> impl IntoView {
    let key = format!("rubric-{rubric_id}-level-{}", level.level);
    let legend = if new {
        format!("New level {}", level.level)
    } else {
        format!("Level {}", level.level)
    };
    let points = if new {
        String::new()
    } else {
        level.points.to_string()
    };
    view! {
        <PostForm action=SaveRubricLevel::PATH class="inline-form rubric-level">
            <input type="hidden" name="rubric_id" value=rubric_id.to_string() />
            <input type="hidden" name="level[level]" value=level.level.to_string() />
            <span class="level-number">{legend}</span>
            <label for=format!("{key}-name")>"Name"</label>
            <input id=format!("{key}-name") type="text" name="level[name]" required maxlength="40" value=level.name />
            <label for=format!("{key}-points")>"Points"</label>
            <input id=format!("{key}-points") type="number" name="level[points]" step="0.5" min="0" required value=points />
            <label for=format!("{key}-color")>"Colour"</label>
            <input id=format!("{key}-color") type="color" name="level[color]" value=level.color />
            <button type="submit">{if new { "Add the level" } else { "Save" }}</button>
        </PostForm>
    }
    .into_any_sync()
}
