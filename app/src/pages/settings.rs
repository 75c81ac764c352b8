//! The administrator's settings at `/admin/settings`: what the institution calls each module,
//! and its colours — with a live preview that measures every text pair's contrast as the
//! colours change. Saving applies them to every open page of the institution.

use cairn::model::Settings;
use cairn::theme::{contrast, parse_colour, Theme, MINIMUM_CONTRAST, ON_PRIMARY, TEXT};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{lazy_route, LazyRoute};

use leptos::server_fn::ServerFn;

use crate::api::{get_settings, SaveSettings};
use crate::components::forms::{Changes, PostForm};
use crate::pages::learner::Refusal;

pub struct SettingsPage;

#[lazy_route]
impl LazyRoute for SettingsPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        crate::page_hydrated();
        settings_page().into_any()
    }
}

fn settings_page() -> impl IntoView {
    let saved = Changes::new();
    let save = saved.done;
    let settings = Resource::new(move || saved.version(), |_| get_settings());
    view! {
        <Title text="Settings" />
        <Transition fallback=|| view! { <main id="main" class="page" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(settings) => view! { <SettingsForm settings save saved={saved.any()} /> }.into_any(),
                    Err(error) => view! { <Refusal error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// One text pair of the theme with its measured contrast.
fn pair_line(what: &'static str, fore: String, back: String) -> impl IntoView {
    let ratio = match (parse_colour(&fore), parse_colour(&back)) {
        (Some(a), Some(b)) => Some(contrast(a, b)),
        _ => None,
    };
    let passes = ratio.is_some_and(|r| r >= MINIMUM_CONTRAST);
    let text = match ratio {
        Some(r) => format!("{what}: {:.2}:1", (r * 100.0).floor() / 100.0),
        None => format!("{what}: not a colour"),
    };
    view! {
        <li class="contrast" class:fails=!passes data-passes=passes.to_string()>
            {text}
            {if passes { " — passes" } else { " — below 4.5:1, will be refused" }}
        </li>
    }
}

#[component]
fn SettingsForm(settings: Settings, save: Callback<String>, saved: bool) -> impl IntoView {
    let Settings { modules, theme } = settings;
    let primary = RwSignal::new(theme.primary.clone());
    let accent = RwSignal::new(theme.accent.clone());
    let background = RwSignal::new(theme.background.clone());
    let preview_style = move || {
        format!(
            "--color-primary: {}; --color-accent: {}; --color-bg: {};",
            primary.get(),
            accent.get(),
            background.get()
        )
    };
    let colour = move |id: &'static str,
                       label: &'static str,
                       field: &'static str,
                       signal: RwSignal<String>| {
        view! {
            <div class="inline-field">
                <label for=id>{label}</label>
                <input
                    id=id
                    type="color"
                    name=format!("settings[{field}]")
                    prop:value=move || signal.get()
                    on:input=move |event| signal.set(event_target_value(&event))
                />
                <code>{move || signal.get()}</code>
            </div>
        }
    };
    let default = Theme::default();
    view! {
        <main id="main" class="page settings">
            <nav aria-label="Breadcrumb" class="breadcrumbs">
                <a href="/">"Home"</a>
                " › "
                <span aria-current="page">"Settings"</span>
            </nav>
            <h1>"Settings"</h1>
            <PostForm action=SaveSettings::PATH on_done=save class="stack">
                <section class="tile wide" aria-labelledby="modules-title">
                    <h2 id="modules-title">"Module names"</h2>
                    <p class="muted">"Every menu, heading, tile and button uses these names."</p>
                    <label for="module-goals">"Goals are called"</label>
                    <input id="module-goals" type="text" name="settings[goals]" required maxlength="40" value=modules.goals.clone() />
                    <label for="module-projects">"Projects are called"</label>
                    <input id="module-projects" type="text" name="settings[projects]" required maxlength="40" value=modules.projects.clone() />
                    <label for="module-checkins">"Check-ins are called"</label>
                    <input id="module-checkins" type="text" name="settings[checkins]" required maxlength="40" value=modules.checkins.clone() />
                </section>
                <section class="tile wide" aria-labelledby="colours-title">
                    <h2 id="colours-title">"Colours"</h2>
                    {colour("colour-primary", "Primary (links, buttons)", "primary", primary)}
                    {colour("colour-accent", "Accent", "accent", accent)}
                    {colour("colour-background", "Background", "background", background)}
                    <p>
                        <button type="button" class="link-button" on:click=move |_| {
                            primary.set(default.primary.clone());
                            accent.set(default.accent.clone());
                            background.set(default.background.clone());
                        }>"Back to Cairn's colours"</button>
                    </p>
                    <div class="theme-preview" style=preview_style aria-label="Preview" role="group">
                        <p>"Body text on the background, with "<a href="#colours-title">"a link"</a>" and "<strong class="accent-text">"accent text"</strong>"."</p>
                        <button type="button" class="primary" tabindex="-1">"A button"</button>
                    </div>
                    <ul class="contrast-list" aria-live="polite">
                        {move || pair_line("Body text on the background", TEXT.into(), background.get())}
                        {move || pair_line("Links on the background", primary.get(), background.get())}
                        {move || pair_line("Button text on the primary colour", ON_PRIMARY.into(), primary.get())}
                        {move || pair_line("Accent text on the background", accent.get(), background.get())}
                    </ul>
                </section>
                <button type="submit" class="primary">"Save the settings"</button>
            </PostForm>
            {saved.then(|| view! { <p role="status">"Saved. Open pages change at once."</p> })}
            <p><a href="/admin/audit">"Audit log"</a></p>
        </main>
    }
    .into_any()
}
