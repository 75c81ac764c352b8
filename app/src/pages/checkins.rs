//! Check-ins at `/checkins`: a learner sends a short message to one of their teachers, about a
//! goal or project, and a parent writes to their child's teachers; the teacher answers here. New ones and answers arrive live; what was new
//! when the page opened stays marked so, and
//! is marked read with a POST once shown.

use crate::sync_view::IntoAnySync;
use cairn::model::{CheckIn, CheckIns};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use leptos::server_fn::ServerFn;

use crate::api::{get_checkins, AnswerCheckin, SendCheckin, SendParentCheckin};
use crate::components::forms::PostForm;
use crate::dates::day;
use crate::live::{Follow, LiveRefresh};
use crate::pages::learner::Refusal;

/// The page's view (its route is in `crate::App`).
pub fn page() -> AnyView {
    checkins_page().into_any_sync()
}

fn checkins_page() -> impl IntoView {
    let checkins = crate::page_data::load(|| (), |_| get_checkins());
    view! {
        <Transition fallback=|| view! { <main id="main" class="page" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                match checkins.await {
                    Ok(checkins) => view! { <Conversations checkins /> }.into_any_sync(),
                    Err(error) => view! { <Refusal error /> }.into_any_sync(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Conversations(checkins: CheckIns) -> impl IntoView {
    let CheckIns {
        modules,
        sent,
        received,
        teachers,
        children,
        topics,
    } = checkins;
    let query = use_query_map();
    let chosen_topic = query.with_untracked(|q| q.get("about")).unwrap_or_default();
    let may_send = !teachers.is_empty();
    let name = modules.checkins.clone();
    // Shown, so read: marked with a POST once the page is on screen (opening the page changes
    // nothing by itself). What was new stays marked so until the page reloads.
    let unread: Vec<String> = sent
        .iter()
        .chain(&received)
        .filter(|checkin| checkin.unread)
        .map(|checkin| checkin.id.to_string())
        .collect();
    let unread = (!unread.is_empty()).then(|| view! { <MarkRead ids=unread.join(",") /> });
    view! {
        <Title text=name.clone() />
        <main id="main" class="page checkins">
            <LiveRefresh follow=Follow::CheckIns />
            {unread}
            <nav aria-label="Breadcrumb" class="breadcrumbs">
                <a href="/">"Home"</a>
                " › "
                <span aria-current="page">{name.clone()}</span>
            </nav>
            <h1>{name.clone()}</h1>
            {may_send.then(|| view! {
                <section class="tile wide" aria-labelledby="send-title">
                    <h2 id="send-title">"Ask a teacher"</h2>
                    <PostForm action=SendCheckin::PATH class="stack" saved="Sent: it is in the list below">
                        <label for="checkin-teacher">"To"</label>
                        <select id="checkin-teacher" name="teacher_id" required>
                            {teachers
                                .into_iter()
                                .map(|t| view! { <option value=t.id>{t.name}</option> })
                                .collect_view()}
                        </select>
                        <label for="checkin-about">"About"</label>
                        <select id="checkin-about" name="about">
                            <option value="">"Nothing in particular"</option>
                            {topics
                                .into_iter()
                                .map(|topic| {
                                    let key = topic_key(&topic);
                                    let selected = key == chosen_topic;
                                    view! { <option value=key selected=selected>{topic.title}</option> }
                                })
                                .collect_view()}
                        </select>
                        <label for="checkin-body">"Message"</label>
                        <textarea id="checkin-body" name="body" rows="3" required maxlength="1000"></textarea>
                        <button type="submit" class="primary">"Send"</button>
                    </PostForm>
                </section>
            })}
            {(!children.is_empty()).then(|| view! { <WriteToTeacher children /> })}
            {(!received.is_empty()).then(|| {
                // What waits for an answer first; answered ones after, without an answer box.
                let (answered, waiting): (Vec<CheckIn>, Vec<CheckIn>) =
                    received.into_iter().partition(|checkin| checkin.answer.is_some());
                view! {
                    <section aria-labelledby="received-title">
                        <h2 id="received-title">{format!("Sent to you — {} waiting for your answer", waiting.len())}</h2>
                        <ul class="rows checkin-list">
                            {waiting.into_iter().map(|checkin| view! { <Received checkin /> }).collect_view()}
                            {answered.into_iter().map(|checkin| view! { <Received checkin /> }).collect_view()}
                        </ul>
                    </section>
                }
            })}
            <section aria-labelledby="sent-title">
                <h2 id="sent-title">"Sent by you"</h2>
                {if sent.is_empty() {
                    view! { <p class="empty">"Nothing sent yet."</p> }.into_any_sync()
                } else {
                    view! {
                        <ul class="rows checkin-list">
                            {sent.into_iter().map(|checkin| view! { <Sent checkin /> }).collect_view()}
                        </ul>
                    }
                    .into_any_sync()
                }}
            </section>
        </main>
    }
}

/// `goal:3` for a topic, as the send form names it.
fn topic_key(topic: &cairn::model::Topic) -> String {
    format!("{}:{}", topic.kind, topic.id)
}

fn about_line(checkin: &CheckIn) -> AnyView {
    match checkin.about.clone() {
        Some(topic) => {
            view! { <span class="muted">" · about "<a href=topic.path>{topic.title}</a></span> }
                .into_any_sync()
        }
        None => ().into_any_sync(),
    }
}

/// A parent's message to one of their child's teachers.
#[component]
fn WriteToTeacher(
    children: Vec<(cairn::model::LearnerRef, Vec<cairn::model::PersonRef>)>,
) -> impl IntoView {
    let choices = children
        .into_iter()
        .flat_map(|(child, teachers)| {
            teachers.into_iter().map(move |teacher| {
                let value = format!("{}:{}", child.id, teacher.id);
                let label = format!("{} ({}'s teacher)", teacher.name, child.name);
                view! { <option value=value>{label}</option> }
            })
        })
        .collect_view();
    view! {
        <section class="tile wide" aria-labelledby="parent-send-title">
            <h2 id="parent-send-title">"Write to a teacher"</h2>
            <PostForm action=SendParentCheckin::PATH class="stack" saved="Sent: it is in the list below">
                <label for="parent-checkin-to">"To"</label>
                <select id="parent-checkin-to" name="to" required>{choices}</select>
                <label for="parent-checkin-body">"Message"</label>
                <textarea id="parent-checkin-body" name="body" rows="3" required maxlength="1000"></textarea>
                <button type="submit" class="primary">"Send"</button>
            </PostForm>
        </section>
    }
}

#[component]
fn Sent(checkin: CheckIn) -> impl IntoView {
    let about = about_line(&checkin);
    // A parent's message names the child it is about.
    let to = match &checkin.parent {
        Some(_) => format!(
            "To {}, about {}",
            checkin.teacher.name, checkin.learner.name
        ),
        None => format!("To {}", checkin.teacher.name),
    };
    view! {
        <li class="checkin" class:unread=checkin.unread>
            <p>
                <strong>{to}</strong>
                {about}
                <span class="muted">{format!(" · {}", day(&checkin.created_at))}</span>
                {checkin.unread.then(|| view! { " " <span class="chip new">"New answer"</span> })}
            </p>
            <p>{checkin.body.clone()}</p>
            {match checkin.answer.clone() {
                Some(answer) => view! { <p class="answer"><strong>"Answer: "</strong>{answer}</p> }.into_any_sync(),
                None => view! { <p class="muted">"Not answered yet."</p> }.into_any_sync(),
            }}
        </li>
    }
}

#[component]
fn Received(checkin: CheckIn) -> impl IntoView {
    let about = about_line(&checkin);
    let field = format!("answer-{}", checkin.id);
    let from = match &checkin.parent {
        Some(parent) => format!("From {} (parent of {})", parent.name, checkin.learner.name),
        None => format!("From {}", checkin.learner.name),
    };
    let to = checkin.parent.as_ref().map_or_else(
        || checkin.learner.name.clone(),
        |parent| parent.name.clone(),
    );
    view! {
        <li class="checkin" class:unread=checkin.unread>
            <p>
                <strong>{from}</strong>
                {about}
                <span class="muted">{format!(" · {}", day(&checkin.created_at))}</span>
                {checkin.unread.then(|| view! { " " <span class="chip new">"New"</span> })}
            </p>
            <p>{checkin.body.clone()}</p>
            {match checkin.answer.clone() {
                Some(text) => view! { <p class="answer"><strong>"Your answer: "</strong>{text}</p> }.into_any_sync(),
                None => view! {
                    <PostForm action=AnswerCheckin::PATH class="inline-form" saved="Answer sent">
                        <input type="hidden" name="checkin_id" value=checkin.id />
                        <label for=field.clone()>{format!("Answer {to}")}</label>
                        <input id=field type="text" name="answer" required maxlength="1000" />
                        <button type="submit">"Send the answer"</button>
                    </PostForm>
                }
                .into_any_sync(),
            }}
        </li>
    }
}

/// Marks the check-ins `ids` (comma-separated) read, once the page is on screen in a browser.
#[island]
fn MarkRead(ids: String) -> impl IntoView {
    Effect::new(move |_| {
        let ids = ids.clone();
        leptos::task::spawn_local(async move {
            let _ = crate::api::mark_checkins_read(ids).await;
        });
    });
}
