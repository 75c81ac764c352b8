//! What every form on a page shares.

use leptos::prelude::*;

/// An action's refusal, said plainly next to its form (announced: `role="alert"`); nothing
/// while it has not failed.
pub fn failure<A>(action: ServerAction<A>) -> impl IntoView
where
    A: leptos::server_fn::ServerFn + Clone + Send + Sync + 'static,
    A::Output: Send + Sync + 'static,
    A::Error: std::fmt::Display + Send + Sync + 'static,
{
    move || {
        action.value().with(|value| match value {
            Some(Err(error)) => {
                Some(view! { <p class="form-error" role="alert">{error.to_string()}</p> })
            }
            _ => None,
        })
    }
}

/// A counter that each accepted change moves on, so the page reloads what it shows: resources
/// read `version()`, and `done` is the `on_done` of the page's `PostForm`s.
#[derive(Clone, Copy)]
pub struct Changes {
    changed: RwSignal<u64>,
    pub done: Callback<String>,
}

impl Changes {
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        let changed = RwSignal::new(0);
        Changes {
            changed,
            done: Callback::new(move |_| changed.update(|n| *n += 1)),
        }
    }

    /// The number of accepted changes (tracked).
    pub fn version(&self) -> u64 {
        self.changed.get()
    }

    pub fn bump(&self) {
        self.changed.update(|n| *n += 1);
    }
}

/// Which form was last accepted on the page (`browser::form_key`: the page, the server
/// function and the form's hidden fields, which say what it is about). A page reloads what it
/// shows once a form is accepted, which may draw the form afresh; its "Saved" is kept here, so
/// it survives that.
#[derive(Clone, Copy)]
pub struct LastSaved(RwSignal<Option<String>>);

impl LastSaved {
    /// Provided once, by the app, for every page.
    pub fn provide() {
        provide_context(LastSaved(RwSignal::new(None)));
    }
}

/// A form that posts its fields to a server function as the browser has them, and says what
/// happened next to it: "Saved" (or `saved`) once accepted, or why it was refused. Once
/// accepted, the fields that were empty when it was drawn (a new step, a comment) are emptied;
/// fields that showed a value (an edit) keep what was saved. While it is on its way it cannot
/// be sent again. With `confirm`, the person is asked first, in those words (for what cannot
/// be undone). Unlike `ActionForm` it is not generic over the server function, so a page with
/// many forms carries the code once. Before the wasm arrives it is a plain form post (the
/// server function redirects back). `on_done` gets the server's answer (JSON) once accepted;
/// the page reloads what changed.
#[component]
pub fn PostForm<C: IntoView + 'static>(
    /// The server function's path (`SomeFunction::PATH`).
    action: &'static str,
    #[prop(optional, into)] on_done: Option<Callback<String>>,
    #[prop(optional, into)] class: String,
    /// What to say once accepted ("Saved" unless told).
    #[prop(optional)]
    saved: Option<&'static str>,
    /// A question to confirm before sending, naming what will happen (empty: send without
    /// asking).
    #[prop(optional, into)]
    confirm: String,
    children: TypedChildren<C>,
) -> impl IntoView {
    #[cfg(feature = "islands")]
    {
        let _ = on_done;
        let children = children.into_inner();
        view! {
            <FormIsland action=action.to_string() class saved=saved.map(str::to_string) confirm>
                {children()}
            </FormIsland>
        }
    }
    #[cfg(not(feature = "islands"))]
    post_form(
        action,
        on_done,
        class,
        saved,
        confirm,
        children.into_inner(),
    )
}

/// A `PostForm` in islands mode: the form's fields are drawn on the server; the island sends
/// them and says what happened, then the page is drawn again by the server.
#[cfg(feature = "islands")]
#[island]
fn FormIsland(
    action: String,
    class: String,
    saved: Option<String>,
    confirm: String,
    children: Children,
) -> impl IntoView {
    // A few bytes per form hydrated, kept for the page's life: `post_form` is shared with the
    // hydrated build, whose actions are `SomeFunction::PATH`.
    let action: &'static str = action.leak();
    let saved: Option<&'static str> = saved.map(|saved| &*saved.leak());
    let on_done = Callback::new(|_: String| crate::live::refresh_page());
    post_form(action, Some(on_done), class, saved, confirm, move || {
        children()
    })
}

fn post_form<C: IntoView + 'static>(
    action: &'static str,
    on_done: Option<Callback<String>>,
    class: String,
    saved: Option<&'static str>,
    confirm: String,
    children: impl FnOnce() -> C + Send + 'static,
) -> impl IntoView {
    let outcome = Outcome {
        refusal: RwSignal::new(None),
        pending: RwSignal::new(false),
        last_saved: use_context::<LastSaved>().unwrap_or_else(|| LastSaved(RwSignal::new(None))),
        form: NodeRef::new(),
    };
    let on_submit = submit(action, on_done, confirm, outcome);
    let said = move || outcome.is_saved(action).then(|| saved.unwrap_or("Saved"));
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
    }
}

/// A `PostForm`'s state: why it was refused, whether it is on its way, and its element.
#[derive(Clone, Copy)]
struct Outcome {
    refusal: RwSignal<Option<String>>,
    pending: RwSignal<bool>,
    last_saved: LastSaved,
    form: NodeRef<leptos::html::Form>,
}

impl Outcome {
    /// Whether this form was the last accepted (tracked).
    fn is_saved(self, action: &'static str) -> bool {
        let last = self.last_saved.0.get();
        #[cfg(feature = "hydrate")]
        {
            last.is_some_and(|key| {
                self.form
                    .get_untracked()
                    .is_some_and(|form| browser::form_key(action, &form) == key)
            })
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = (last, action);
            false
        }
    }
}

/// What a `PostForm` does when submitted; not generic, so every form shares it.
fn submit(
    action: &'static str,
    on_done: Option<Callback<String>>,
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
            outcome.last_saved.0.set(None);
            let key = browser::form_key(action, &form);
            leptos::task::spawn_local(async move {
                match browser::submit(action, &form).await {
                    Ok(answer) => {
                        outcome.refusal.set(None);
                        browser::empty_new_fields(&form);
                        outcome.last_saved.0.set(Some(key));
                        if let Some(on_done) = on_done {
                            on_done.run(answer);
                        }
                    }
                    Err(reason) => outcome.refusal.set(Some(reason)),
                }
                outcome.pending.set(false);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (event, action, on_done, &confirm, outcome);
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
    pub fn form_key(action: &str, form: &HtmlFormElement) -> String {
        let mut key = format!(
            "{} {action}",
            leptos::prelude::window()
                .location()
                .pathname()
                .unwrap_or_default()
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
        let init = RequestInit::new();
        init.set_method("POST");
        init.set_body(&String::from(body.to_string()).into());
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

/// The sign-in link a server function answered with (a JSON string holding its path), as the
/// full address to give to the person. Called in the browser, after the answer arrived.
pub fn invitation_address(answer: &str) -> String {
    let path = answer.trim().trim_matches('"');
    let origin = window().location().origin().unwrap_or_default();
    format!("{origin}{path}")
}

/// A sign-in link just made, ready to copy, with what it is for.
#[component]
pub fn InvitationLink(#[prop(into)] address: Signal<Option<String>>) -> impl IntoView {
    move || {
        address.get().map(|address| {
            view! {
                <div class="invitation" role="status">
                    <label for="invitation-link">
                        "Give this link to the person: it lets them choose their password, once, within 14 days."
                    </label>
                    <input id="invitation-link" type="text" readonly value=address />
                </div>
            }
        })
    }
}

/// A link shown whole (the full address, not only its path), ready to copy with one press:
/// what a person pastes into an email or a job application.
#[cfg_attr(feature = "islands", island)]
#[cfg_attr(not(feature = "islands"), component)]
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
