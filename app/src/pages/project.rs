//! One project at `/projects/{id}`: its page (Markdown, rendered safely), images, videos and
//! files; teachers' feedback and rubric assessments beside the learner's self-assessment, per
//! attached competency. A teacher's assessment is evidence and moves the learner's levels.

use crate::sync_view::IntoAnySync;
use cairn::model::{AssessedCompetency, Assessment, MediaKind, ProjectMedia, ProjectView};
use leptos::prelude::*;
use leptos_meta::Title;

use leptos::server_fn::ServerFn;

use crate::api::{
    get_project, AddComment, AddProjectLink, AddReflection, AssessProject, EditProject,
};
use crate::components::forms::PostForm;
use crate::components::story::{CompetencyChips, Timeline, UploadOutcome};
use crate::dates::day;
use crate::error::AppError;
use crate::live::{id_param, Follow, LiveRefresh};
use crate::pages::learner::Refusal;

/// The page's view (its route is in `crate::App`).
pub fn page() -> AnyView {
    project_page().into_any_sync()
}

fn project_page() -> impl IntoView {
    let project_id = id_param();
    let project = crate::page_data::load(project_id, |id| async move {
        match id {
            Some(id) => get_project(id).await,
            None => Err(AppError::NotFound("such project".into())),
        }
    });
    view! {
        <Transition fallback=|| view! { <main id="main" class="page" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                match project.await {
                    Ok(project) => view! { <Project project /> }.into_any_sync(),
                    Err(error) => view! { <Refusal error /> }.into_any_sync(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Project(project: ProjectView) -> impl IntoView {
    let ProjectView {
        modules,
        learner,
        id,
        title,
        body,
        body_html,
        media,
        competencies,
        timeline,
        updated_at,
        may_write,
        may_assess,
        max_upload_mb,
    } = project;
    let about = format!("project:{id}");
    let attached: Vec<_> = competencies.iter().map(|c| c.competency.clone()).collect();
    let learner_name = learner.name.clone();
    let feedback_about = about.clone();
    view! {
        <Title text=title.clone() />
        <main id="main" class="page project">
            // The learner's live events draw the project again.
            <LiveRefresh follow=Follow::Learner(learner.id) />
            <nav aria-label="Breadcrumb" class="breadcrumbs">
                <a href="/">"Home"</a>
                " › "
                <a href=format!("/learners/{}", learner.id)>{learner.name.clone()}</a>
                " › "
                <a href=format!("/learners/{}/projects", learner.id)>{modules.projects.clone()}</a>
                " › "
                <span aria-current="page">{title.clone()}</span>
            </nav>
            <h1>{title.clone()}</h1>
            <p class="muted">{format!("By {} · updated {} ", learner.name, day(&updated_at))}<CompetencyChips competencies=attached /></p>
            <article class="project-body" inner_html=body_html></article>
            <MediaList media />
            <section aria-labelledby="assessment-title">
                <h2 id="assessment-title">"Assessment"</h2>
                {view! { <Comparison competencies=competencies.clone() learner=learner_name.clone() /> }.into_any_sync()}
                {(may_assess || may_write).then(|| view! {
                    <AssessForms id competencies=competencies.clone() as_teacher=may_assess />
                }.into_any_sync())}
            </section>
            <div class="tiles">
                {may_assess.then(|| view! {
                    <section class="tile" aria-labelledby="feedback-title">
                        <h2 id="feedback-title">"Feedback"</h2>
                        <PostForm action=AddComment::PATH class="stack">
                            <input type="hidden" name="about" value=feedback_about.clone() />
                            <label for="feedback-body">{format!("Your feedback to {learner_name}")}</label>
                            <textarea id="feedback-body" name="body" rows="3" required maxlength="4000"></textarea>
                            <button type="submit">"Post the feedback"</button>
                        </PostForm>
                    </section>
                }.into_any_sync())}
                {may_write.then(|| view! {
                    <ProjectTools id title=title.clone() body max_upload_mb about=about.clone() checkins=modules.checkins.clone() />
                }.into_any_sync())}
            </div>
            <section aria-labelledby="timeline-title">
                <h2 id="timeline-title">"Feedback and reflections"</h2>
                <Timeline entries=timeline />
            </section>
        </main>
    }
    .into_any_sync()
}

#[component]
fn MediaList(media: Vec<ProjectMedia>) -> impl IntoView {
    if media.is_empty() {
        return ().into_any_sync();
    }
    view! {
        <section aria-labelledby="media-title">
            <h2 id="media-title">"Images, videos and files"</h2>
            <ul class="media-list">
                {media
                    .into_iter()
                    .map(|item| {
                        let view = match item.kind {
                            MediaKind::Image => view! {
                                <a href=item.url.clone() download="">
                                    {match item.thumbnail.clone() {
                                        Some(src) => view! { <img class="thumbnail" src=src alt=item.title.clone() width="160" height="160" loading="lazy" /> }.into_any_sync(),
                                        None => ().into_any_sync(),
                                    }}
                                    <span>{item.title.clone()}</span>
                                </a>
                            }
                            .into_any_sync(),
                            MediaKind::File => view! {
                                <a href=item.url.clone() download="">{format!("{} (file)", item.title)}</a>
                            }
                            .into_any_sync(),
                            MediaKind::Video | MediaKind::Link => {
                                let what = if item.kind == MediaKind::Video { "video" } else { "link" };
                                view! {
                                    <a href=item.url.clone() rel="noopener noreferrer nofollow" target="_blank">
                                        {format!("{} ({what})", item.title)}
                                    </a>
                                }
                                .into_any_sync()
                            }
                        };
                        view! { <li class="media-item" data-kind=item.kind.key()>{view}</li> }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
    .into_any_sync()
}

fn assessment_cell(assessment: Option<Assessment>) -> AnyView {
    match assessment {
        None => view! { <td class="muted">"Not yet"</td> }.into_any_sync(),
        Some(a) => view! {
            <td data-level=a.level.to_string()>
                <strong class=format!("level level-{}", a.level.clamp(0, 4))>{a.level_name.clone()}</strong>
                {a.criteria.clone().map(|text| view! { <p class="criteria">{text}</p> })}
                {a.comment.clone().map(|text| view! { <p class="muted">{format!("“{text}”")}</p> })}
                <p class="muted">{format!("{} · {}", a.by, day(&a.at))}</p>
            </td>
        }
        .into_any_sync(),
    }
}

/// The teacher's and the learner's assessments side by side, per competency and its criteria.
#[component]
fn Comparison(competencies: Vec<AssessedCompetency>, learner: String) -> impl IntoView {
    view! {
        <table class="figures comparison">
            <caption class="visually-hidden">"Teacher's and self-assessment per competency"</caption>
            <thead>
                <tr>
                    <th scope="col">"Competency"</th>
                    <th scope="col">"Teacher's assessment"</th>
                    <th scope="col">{format!("{learner}'s self-assessment")}</th>
                </tr>
            </thead>
            <tbody>
                {competencies
                    .into_iter()
                    .map(|row| view! {
                        <tr data-competency=row.competency.code.clone()>
                            <th scope="row">{format!("{} {}", row.competency.code, row.competency.name)}</th>
                            {assessment_cell(row.teacher)}
                            {assessment_cell(row.own)}
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
        <p class="muted">"The teacher's assessment counts towards mastery; the self-assessment is shown beside it and never counts."</p>
    }
    .into_any_sync()
}

/// One form per attached competency: a level of its rubric (with the criteria text) and a
/// comment.
#[component]
fn AssessForms(id: i64, competencies: Vec<AssessedCompetency>, as_teacher: bool) -> impl IntoView {
    let heading = if as_teacher {
        "Assess on the rubric"
    } else {
        "Assess yourself on the rubric"
    };
    view! {
        <h3>{heading}</h3>
        {competencies
            .into_iter()
            .map(|row| {
                let competency_id = row.competency.id;
                let field = format!("assess-{competency_id}");
                let comment_field = format!("assess-{competency_id}-comment");
                view! {
                    <PostForm action=AssessProject::PATH class="inline-form assess-form">
                        <input type="hidden" name="project_id" value=id />
                        <input type="hidden" name="competency_id" value=competency_id />
                        <input type="hidden" name="as_teacher" value=as_teacher.to_string() />
                        <label for=field.clone()>{format!("{} {}", row.competency.code, row.competency.name)}</label>
                        <select id=field name="level" required>
                            {row
                                .levels
                                .into_iter()
                                .map(|level| {
                                    let text = match &level.criteria {
                                        Some(criteria) => format!("{} — {}", level.name, criteria),
                                        None => level.name.clone(),
                                    };
                                    view! { <option value=level.level>{text}</option> }
                                })
                                .collect_view()}
                        </select>
                        <label for=comment_field.clone() class="visually-hidden">"Comment"</label>
                        <input id=comment_field type="text" name="comment" maxlength="2000" placeholder="Comment (optional)" />
                        <button type="submit">{format!("Save the assessment of {}", row.competency.code)}</button>
                    </PostForm>
                }
            })
            .collect_view()}
    }
    .into_any_sync()
}

/// What only the learner does on their project: edit it, add links, videos, images and files,
/// reflect, and check in with a teacher.
#[component]
fn ProjectTools(
    id: i64,
    title: String,
    body: String,
    max_upload_mb: u64,
    about: String,
    checkins: String,
) -> impl IntoView {
    let checkin_link = format!("/checkins?about={about}");
    view! {
        <section class="tile" aria-labelledby="edit-title">
            <h2 id="edit-title">"Edit the page"</h2>
            <PostForm action=EditProject::PATH class="stack">
                <input type="hidden" name="project_id" value=id />
                <label for="edit-title-field">"Title"</label>
                <input id="edit-title-field" type="text" name="title" required maxlength="200" value=title />
                <label for="edit-body">"Text (Markdown)"</label>
                <textarea id="edit-body" name="body" rows="8">{body}</textarea>
                <button type="submit">"Save the page"</button>
            </PostForm>
        </section>
        <section class="tile" aria-labelledby="add-media-title">
            <h2 id="add-media-title">"Add a video or link"</h2>
            <PostForm action=AddProjectLink::PATH class="stack">
                <input type="hidden" name="project_id" value=id />
                <label for="link-kind">"Kind"</label>
                <select id="link-kind" name="kind">
                    <option value="video">"Video"</option>
                    <option value="link">"Link"</option>
                </select>
                <label for="link-title">"Title"</label>
                <input id="link-title" type="text" name="title" required maxlength="200" />
                <label for="link-url">"Address (https://…)"</label>
                <input id="link-url" type="url" name="url" required maxlength="2000" />
                <button type="submit">"Add it"</button>
            </PostForm>
            <h3>"Add an image or file"</h3>
            <form method="post" action=format!("/projects/{id}/files") enctype="multipart/form-data" class="stack">
                <label for="project-file-title">"Title (optional)"</label>
                <input id="project-file-title" type="text" name="title" maxlength="200" />
                <label for="project-file">
                    {format!("File (PDF, PNG, JPEG, GIF or WebP; {max_upload_mb} MB at most)")}
                </label>
                <input
                    id="project-file"
                    name="file"
                    type="file"
                    required
                    accept="application/pdf,image/png,image/jpeg,image/gif,image/webp"
                />
                <button type="submit">"Upload"</button>
            </form>
            <UploadOutcome added="The file was added." />
        </section>
        <section class="tile" aria-labelledby="reflect-title">
            <h2 id="reflect-title">"Reflect"</h2>
            <PostForm action=AddReflection::PATH class="stack">
                <input type="hidden" name="about" value=about.clone() />
                <label for="reflection-body">"What did you learn? What would you change?"</label>
                <textarea id="reflection-body" name="body" rows="3" required maxlength="4000"></textarea>
                <button type="submit">"Add the reflection"</button>
            </PostForm>
            <p><a href=checkin_link>{format!("{checkins}: ask a teacher about this")}</a></p>
        </section>
    }
    .into_any_sync()
}
