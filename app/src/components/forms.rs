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

    /// Whether any change was accepted yet (untracked: for what a reload shows).
    pub fn any(&self) -> bool {
        self.changed.get_untracked() > 0
    }

    pub fn bump(&self) {
        self.changed.update(|n| *n += 1);
    }
}

/// A form that posts its fields to a server function as the browser has them, and says why
/// when it is refused. Unlike `ActionForm` it is not generic over the server function, so a
/// page with many forms carries the code once. Before the wasm arrives it is a plain form post
/// (the server function redirects back). `on_done` gets the server's answer (JSON) once
/// accepted; the page reloads what changed.
#[component]
pub fn PostForm<C: IntoView + 'static>(
    /// The server function's path (`SomeFunction::PATH`).
    action: &'static str,
    #[prop(optional, into)] on_done: Option<Callback<String>>,
    #[prop(optional, into)] class: String,
    children: TypedChildren<C>,
) -> impl IntoView {
    let refusal = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let on_submit = submit(action, on_done, refusal, pending);
    let children = children.into_inner();
    view! {
        <form method="post" action=action class=class on:submit=on_submit aria-busy=move || pending.get().to_string()>
            {children()}
        </form>
        {move || refusal.get().map(|reason| view! { <p class="form-error" role="alert">{reason}</p> })}
    }
}

/// What a `PostForm` does when submitted; not generic, so every form shares it.
fn submit(
    action: &'static str,
    on_done: Option<Callback<String>>,
    refusal: RwSignal<Option<String>>,
    pending: RwSignal<bool>,
) -> impl Fn(leptos::ev::SubmitEvent) + 'static {
    move |event: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            event.prevent_default();
            let Some(form) = event
                .target()
                .and_then(|target| target.dyn_into::<web_sys::HtmlFormElement>().ok())
            else {
                return;
            };
            pending.set(true);
            leptos::task::spawn_local(async move {
                match browser::submit(action, &form).await {
                    Ok(answer) => {
                        refusal.set(None);
                        if let Some(on_done) = on_done {
                            on_done.run(answer);
                        }
                    }
                    Err(reason) => refusal.set(Some(reason)),
                }
                pending.set(false);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (event, action, on_done, refusal, pending);
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{FormData, HtmlFormElement, RequestInit, Response, UrlSearchParams};

    use crate::error::AppError;

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
