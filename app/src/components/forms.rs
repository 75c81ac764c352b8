//! What every form on a page shares.

use leptos::prelude::*;

/// What the page does once a form is accepted.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Then {
    /// The server draws the page again, with what was saved (what every form does unless
    /// told otherwise).
    #[default]
    Redraw,
    /// The page opens what was made: the answer is its id, after this path ("/goals/").
    Open(String),
    /// The answer is a sign-in link, shown beside the form ready to copy; the page is drawn
    /// again.
    ShowInvitation,
    /// The answer is a secret shown this once (an integration token), beside the form; the
    /// page is drawn again.
    ShowToken,
    /// The institution's colours changed: this page takes them too, and is drawn again.
    ReloadTheme,
}

/// A form that posts its fields to a server function as the browser has them, and says what
/// happened next to it: "Saved" (or `saved`) once accepted, or why it was refused. Once
/// accepted, the fields that were empty when it was drawn (a new step, a comment) are emptied;
/// fields that showed a value (an edit) keep what was saved; then the page does what `then`
/// says (the server draws it again, unless told otherwise). While it is on its way it cannot
/// be sent again. With `confirm`, the person is asked first, in those words (for what cannot
/// be undone). The form's fields are drawn on the server; the island around them sends them.
/// Before the wasm arrives it is a plain form post (the server function redirects back).
#[component]
pub fn PostForm(
    /// The server function's path (`SomeFunction::PATH`).
    action: &'static str,
    #[prop(optional)] then: Then,
    #[prop(optional, into)] class: String,
    /// What to say once accepted ("Saved" unless told).
    #[prop(optional)]
    saved: Option<&'static str>,
    /// A question to confirm before sending, naming what will happen (empty: send without
    /// asking).
    #[prop(optional, into)]
    confirm: String,
    children: Children,
) -> impl IntoView {
    view! {
        <FormIsland action=action.to_string() then class saved=saved.map(str::to_string) confirm>
            {children()}
        </FormIsland>
    }
}

#[island]
fn FormIsland(
    action: String,
    then: Then,
    class: String,
    saved: Option<String>,
    confirm: String,
    children: Children,
) -> impl IntoView {
    form_view(action, then, class, saved, confirm, children)
}

/// A `PostForm` inside another island, whose fields belong to that island (they react to what
/// is typed): the same form, hydrated with the island around it. (A `PostForm`'s fields are
/// drawn by the server alone.)
#[component]
pub fn IslandPostForm(
    action: &'static str,
    #[prop(optional)] then: Then,
    #[prop(optional, into)] class: String,
    #[prop(optional)] saved: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    form_view(
        action.to_string(),
        then,
        class,
        saved.map(str::to_string),
        String::new(),
        children,
    )
}

fn form_view(
    action: String,
    then: Then,
    class: String,
    saved: Option<String>,
    confirm: String,
    children: Children,
) -> impl IntoView {
    let outcome = Outcome {
        refusal: RwSignal::new(None),
        pending: RwSignal::new(false),
        saved: RwSignal::new(None),
        form: NodeRef::new(),
    };
    // Drawn again after it was accepted: it still says so.
    Effect::new(move || {
        #[cfg(feature = "hydrate")]
        if let Some(form) = outcome.form.get() {
            outcome
                .saved
                .set(browser::last_saved(&browser::form_key(&form)));
        }
    });
    let shown = then.clone();
    let answer = move || {
        let answer = outcome.saved.get()?;
        let text = answer.trim().trim_matches('"').to_string();
        Some(match shown {
            Then::ShowInvitation => {
                view! { <InvitationLink address=invitation_address(&text) /> }.into_any()
            }
            Then::ShowToken => view! {
                <div class="notice-box" role="status">
                    <p>"Copy this token now: it is shown only once."</p>
                    <code class="token">{text}</code>
                </div>
            }
            .into_any(),
            _ => return None,
        })
    };
    let on_submit = submit(action.clone(), then, confirm, outcome);
    let said = move || {
        outcome
            .saved
            .with(Option::is_some)
            .then(|| saved.clone().unwrap_or_else(|| "Saved".to_string()))
    };
    view! {
        <form
            method="post"
            action=action
            class=class
            on:submit=on_submit
            node_ref=outcome.form
            aria-busy=move || outcome.pending.get().to_string()
        >
            {children()}
        </form>
        <p class="form-saved" role="status">{said}</p>
        {move || outcome.refusal.get().map(|reason| view! { <p class="form-error" role="alert">{reason}</p> })}
        {answer}
    }
}

/// A `PostForm`'s state: why it was refused, whether it is on its way, the server's answer
/// once accepted, and its element.
#[derive(Clone, Copy)]
struct Outcome {
    refusal: RwSignal<Option<String>>,
    pending: RwSignal<bool>,
    saved: RwSignal<Option<String>>,
    form: NodeRef<leptos::html::Form>,
}

/// What a `PostForm` does when submitted.
fn submit(
    action: String,
    then: Then,
    confirm: String,
    outcome: Outcome,
) -> impl Fn(leptos::ev::SubmitEvent) + 'static {
    move |event: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            event.prevent_default();
            // One at a time: a second click while it is on its way sends nothing.
            if outcome.pending.get_untracked() {
                return;
            }
            if !confirm.is_empty() && !window().confirm_with_message(&confirm).unwrap_or(false) {
                return;
            }
            let Some(form) = event
                .target()
                .and_then(|target| target.dyn_into::<web_sys::HtmlFormElement>().ok())
            else {
                return;
            };
            outcome.pending.set(true);
            outcome.saved.set(None);
            let key = browser::form_key(&form);
            let (action, then) = (action.clone(), then.clone());
            leptos::task::spawn_local(async move {
                match browser::submit(&action, &form).await {
                    Ok(answer) => {
                        outcome.refusal.set(None);
                        browser::empty_new_fields(&form);
                        browser::remember_saved(key, answer.clone());
                        outcome.saved.set(Some(answer.clone()));
                        match then {
                            Then::Open(path) => {
                                let id = answer.trim().trim_matches('"');
                                let _ = window().location().set_href(&format!("{path}{id}"));
                            }
                            Then::ReloadTheme => {
                                crate::live::reload_theme();
                                crate::live::refresh_page();
                            }
                            Then::Redraw | Then::ShowInvitation | Then::ShowToken => {
                                crate::live::refresh_page()
                            }
                        }
                    }
                    Err(reason) => outcome.refusal.set(Some(reason)),
                }
                outcome.pending.set(false);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (event, &action, &then, &confirm, outcome);
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{
        FormData, HtmlFormElement, HtmlInputElement, HtmlTextAreaElement, RequestInit, Response,
        UrlSearchParams,
    };

    use crate::error::AppError;

    /// What a form is: the page it is on, the server function, and its hidden fields (what
    /// it is about: a goal, a person, a step).
    pub fn form_key(form: &HtmlFormElement) -> String {
        let mut key = format!(
            "{} {}",
            leptos::prelude::window()
                .location()
                .pathname()
                .unwrap_or_default(),
            form.action()
        );
        if let Ok(hidden) = form.query_selector_all("input[type=hidden]") {
            for index in 0..hidden.length() {
                if let Some(input) = hidden
                    .item(index)
                    .and_then(|node| node.dyn_into::<HtmlInputElement>().ok())
                {
                    key.push_str(&format!(" {}={}", input.name(), input.default_value()));
                }
            }
        }
        key
    }

    thread_local! {
        /// The form last accepted (its `form_key`), the server's answer, and when (ms since
        /// the page loaded). The page is drawn again once a form is accepted, and its islands
        /// with it; the form drawn again still says it was saved.
        static LAST_SAVED: std::cell::RefCell<Option<(String, String, f64)>> =
            const { std::cell::RefCell::new(None) };
    }

    /// How long a form drawn again still says it was saved.
    const SAVED_FOR_MS: f64 = 30_000.0;

    fn now() -> f64 {
        leptos::prelude::window()
            .performance()
            .map_or(0.0, |performance| performance.now())
    }

    pub fn remember_saved(key: String, answer: String) {
        LAST_SAVED.with(|last| *last.borrow_mut() = Some((key, answer, now())));
    }

    /// The answer the form `key` was accepted with, if it was the last form accepted, lately.
    pub fn last_saved(key: &str) -> Option<String> {
        LAST_SAVED.with(|last| {
            last.borrow()
                .as_ref()
                .filter(|(saved, _, at)| saved == key && now() - at < SAVED_FOR_MS)
                .map(|(_, answer, _)| answer.clone())
        })
    }

    /// Empties what was typed into fields that were empty when the form was drawn (a new
    /// entry); a field drawn with a value (an edit) keeps what was saved.
    pub fn empty_new_fields(form: &HtmlFormElement) {
        let Ok(fields) = form.query_selector_all("input:not([type=hidden]), textarea") else {
            return;
        };
        for index in 0..fields.length() {
            let Some(node) = fields.item(index) else {
                continue;
            };
            if let Some(input) = node.dyn_ref::<HtmlInputElement>() {
                let typed = matches!(
                    input.type_().as_str(),
                    "text" | "email" | "url" | "number" | "date" | "search" | "tel" | "password"
                );
                if typed && input.default_value().is_empty() {
                    input.set_value("");
                }
            } else if let Some(area) = node.dyn_ref::<HtmlTextAreaElement>() {
                if area.default_value().is_ok_and(|value| value.is_empty()) {
                    area.set_value("");
                }
            }
        }
    }

    /// Copies a field's text: with the clipboard where the page is a secure context, else by
    /// selecting it and asking the browser to copy. Whether it was copied.
    pub fn copy(input: &HtmlInputElement) -> bool {
        let window = leptos::prelude::window();
        input.select();
        if window.is_secure_context() {
            let _ = window.navigator().clipboard().write_text(&input.value());
            return true;
        }
        window
            .document()
            .and_then(|document| document.dyn_into::<web_sys::HtmlDocument>().ok())
            .and_then(|document| document.exec_command("copy").ok())
            .unwrap_or(false)
    }

    const UNREACHABLE: &str = "Cairn could not be reached. Check your connection and try again.";

    /// Posts the form's fields URL-encoded, as server functions read them; the answer's body,
    /// or the refusal as a person reads it.
    pub async fn submit(url: &str, form: &HtmlFormElement) -> Result<String, String> {
        let unreachable = |_| UNREACHABLE.to_string();
        let fields = FormData::new_with_form(form).map_err(unreachable)?;
        let body = UrlSearchParams::new_with_str_sequence_sequence(&fields).map_err(unreachable)?;
        post(url, &String::from(body.to_string())).await
    }

    /// Posts `fields` URL-encoded; the answer's body, or the refusal as a person reads it.
    pub async fn post_fields(url: &str, fields: &[(String, String)]) -> Result<String, String> {
        let body = UrlSearchParams::new().map_err(|_| UNREACHABLE.to_string())?;
        for (name, value) in fields {
            body.append(name, value);
        }
        post(url, &String::from(body.to_string())).await
    }

    async fn post(url: &str, body: &str) -> Result<String, String> {
        let unreachable = |_| UNREACHABLE.to_string();
        let init = RequestInit::new();
        init.set_method("POST");
        init.set_body(&body.into());
        let headers = web_sys::Headers::new().map_err(unreachable)?;
        headers
            .set("Content-Type", "application/x-www-form-urlencoded")
            .map_err(unreachable)?;
        headers
            .set("Accept", "application/json")
            .map_err(unreachable)?;
        init.set_headers(&headers);
        let window = web_sys::window().ok_or_else(|| UNREACHABLE.to_string())?;
        let response: Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
            .await
            .map_err(unreachable)?
            .dyn_into()
            .map_err(unreachable)?;
        let text = JsFuture::from(response.text().map_err(unreachable)?)
            .await
            .map_err(unreachable)?
            .as_string()
            .unwrap_or_default();
        if response.ok() {
            Ok(text)
        } else {
            Err(serde_json::from_slice::<AppError>(text.as_bytes())
                .map(|error| error.to_string())
                .unwrap_or_else(|_| AppError::Internal.to_string()))
        }
    }
}

/// The sign-in link a server function answered with (its path), as the full address to give
/// to the person. Called in the browser, after the answer arrived.
fn invitation_address(path: &str) -> String {
    let origin = window().location().origin().unwrap_or_default();
    format!("{origin}{path}")
}

/// A sign-in link just made, ready to copy, with what it is for.
#[component]
fn InvitationLink(address: String) -> impl IntoView {
    view! {
        <div class="invitation" role="status">
            <label for="invitation-link">
                "Give this link to the person: it lets them choose their password, once, within 14 days."
            </label>
            <input id="invitation-link" type="text" readonly value=address />
        </div>
    }
}

/// A checkbox that saves as soon as it is ticked or unticked: it posts `fields` and
/// `name=true` (or `false`) to the server function at `action`, then the page is drawn again
/// with what was saved; a refusal is said next to it (and the page drawn again, showing what
/// is really saved).
#[island]
pub fn SaveOnTick(
    action: String,
    fields: Vec<(String, String)>,
    name: String,
    checked: bool,
    disabled: bool,
    id: String,
    label: String,
) -> impl IntoView {
    let refusal = RwSignal::new(None::<String>);
    let on_change = move |event| {
        let mut fields = fields.clone();
        fields.push((name.clone(), event_target_checked(&event).to_string()));
        let action = action.clone();
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let outcome = browser::post_fields(&action, &fields).await;
            refusal.set(outcome.err());
            crate::live::refresh_page();
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (fields, action);
    };
    view! {
        <input type="checkbox" id=id.clone() checked=checked disabled=disabled on:change=on_change />
        <label for=id>{label}</label>
        {move || refusal.get().map(|reason| view! { <p class="form-error" role="alert">{reason}</p> })}
    }
}

/// A link shown whole (the full address, not only its path), ready to copy with one press:
/// what a person pastes into an email or a job application.
#[island]
pub fn CopyField(path: String, #[prop(into)] label: String) -> impl IntoView {
    let id = format!("copy-{}", path.trim_matches('/').replace('/', "-"));
    let address = RwSignal::new(path.clone());
    // The address as the browser reached Cairn (known once in the browser).
    Effect::new(move || {
        let origin = window().location().origin().unwrap_or_default();
        address.set(format!("{origin}{path}"));
    });
    let field = NodeRef::<leptos::html::Input>::new();
    let copied = RwSignal::new(None::<&'static str>);
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(input) = field.get_untracked() {
            copied.set(Some(if browser::copy(&input) {
                "Copied"
            } else {
                "Select the address and copy it"
            }));
        }
    };
    view! {
        <span class="copy-field">
            <label for=id.clone() class="visually-hidden">{label}</label>
            <input id=id type="text" readonly prop:value=move || address.get() node_ref=field
                on:focus=move |_| { if let Some(input) = field.get_untracked() { input.select(); } } />
            <button type="button" on:click=copy>"Copy"</button>
            <span role="status" class="muted">{move || copied.get()}</span>
        </span>
    }
}

/// An import form's `mode` field: write nothing until every row is right (`all`, chosen), or
/// write the valid rows and report the others (`valid`).
#[component]
pub fn WrongRowChoice() -> impl IntoView {
    view! {
        <fieldset>
            <legend>"When a row is wrong"</legend>
            <label>
                <input type="radio" name="mode" value="all" checked />
                " Write nothing until every row is right"
            </label>
            <label>
                <input type="radio" name="mode" value="valid" />
                " Write the valid rows, report the others"
            </label>
        </fieldset>
    }
}

/// An import's progress as its bar (`id` names the bar): the file, the phase and, while it
/// works, how far it has got.
pub fn import_bar(id: &'static str, now: &cairn::model::ImportProgress) -> impl IntoView {
    let (phase, percent) = (now.phase, now.percent);
    let status = if phase.finished() {
        format!("{}: {}", now.file_name, phase.label())
    } else {
        format!(
            "{}: {} — {} rows, {percent} %",
            now.file_name,
            phase.label(),
            now.rows
        )
    };
    view! {
        <label for=id>{status}</label>
        <progress id=id max="100" value=percent.to_string() data-phase=format!("{phase:?}")>
            {format!("{percent} %")}
        </progress>
    }
}

/// A count with its noun: `1 row`, `2 rows`.
pub fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}
