//! The administrator's settings at `/admin/settings`: what the institution calls each module,
//! and its colours — with a live preview that measures every text pair's contrast as the
//! colours change — and the time zone its dates and times read in. Saving applies them to every
//! open page of the institution (a new time zone from each page's next load). Below, the tiles
//! of each role's home page, shown or hidden and put in order.

use crate::sync_view::IntoAnySync;
use cairn::model::{Role, Settings, SettingsView, ThemeImage, ThemeImages, TileLayout};
use cairn::theme::{contrast, parse_colour, Theme, MINIMUM_CONTRAST, ON_PRIMARY, TEXT};
use leptos::prelude::*;
use leptos_meta::Title;

use leptos::server_fn::ServerFn;

use crate::api::{get_settings, get_tile_layouts, ArrangeTile, SaveSettings};
use crate::components::forms::{IslandPostForm, PostForm, Then};
use crate::pages::learner::Refusal;

/// The page's view (its route is in `crate::App`).
pub fn page() -> AnyView {
    settings_page().into_any_sync()
}

fn settings_page() -> impl IntoView {
    let settings = crate::page_data::load(|| (), |_| get_settings());
    view! {
        <Title text="Settings" />
        <Transition fallback=|| view! { <main id="main" class="page" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(view) => {
                        let images = view.settings.images;
                        view! {
                            <SettingsForm view>
                                <Pictures images />
                                <HomeTilesEditor />
                            </SettingsForm>
                        }
                        .into_any_sync()
                    }
                    Err(error) => view! { <Refusal error /> }.into_any_sync(),
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

/// The settings form is an island: its contrast figures follow the colours as they are
/// typed. Saved, the page takes the new colours at once and is drawn again (its dates in the
/// new time zone).
#[island]
fn SettingsForm(view: SettingsView, children: Children) -> impl IntoView {
    let SettingsView {
        settings:
            Settings {
                modules,
                theme,
                images: _,
                time_zone,
            },
        time_zones,
    } = view;
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
                    value=signal.get_untracked()
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
                <a href="/admin">"Administration"</a>
                " › "
                <span aria-current="page">"Settings"</span>
            </nav>
            <h1>"Settings"</h1>
            <IslandPostForm action=SaveSettings::PATH then=Then::ReloadTheme class="stack" saved="Saved. Open pages change at once.">
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
                <section class="tile wide" aria-labelledby="time-title">
                    <h2 id="time-title">"Dates and times"</h2>
                    <label for="time-zone">"Time zone"</label>
                    <select
                        id="time-zone"
                        name="settings[time_zone]"
                        aria-describedby="time-zone-hint"
                    >
                        <ZoneOptions zones=time_zones chosen=time_zone />
                    </select>
                    <p class="muted" id="time-zone-hint">
                        "Every date and time in Cairn reads in this zone, for everyone in the institution and for visitors to its shared pages."
                    </p>
                </section>
                <button type="submit" class="primary">"Save the settings"</button>
            </IslandPostForm>
            // The pictures and the home tiles: drawn by the server alone.
            {children()}
            <p><a href="/admin/audit">"Audit log"</a></p>
        </main>
    }
    .into_any_sync()
}

/// The time zones by region ("UTC", then Africa, America, …), the chosen one selected.
#[component]
fn ZoneOptions(zones: Vec<String>, chosen: String) -> impl IntoView {
    let option = |name: &str, label: &str| {
        view! { <option value=name.to_string() selected=name == chosen>{label.replace('_', " ")}</option> }
    };
    let mut regions: Vec<(String, Vec<String>)> = Vec::new();
    let mut loose = Vec::new();
    for name in zones {
        match name.split_once('/') {
            Some((region, _)) => match regions.last_mut() {
                Some((last, names)) if last == region => names.push(name),
                _ => regions.push((region.to_string(), vec![name])),
            },
            None => loose.push(name),
        }
    }
    view! {
        {loose.iter().map(|name| option(name, name)).collect_view()}
        {regions
            .into_iter()
            .map(|(region, names)| {
                view! {
                    <optgroup label=region.clone()>
                        {names
                            .iter()
                            .map(|name| option(name, name.split_once('/').map_or(name.as_str(), |(_, place)| place)))
                            .collect_view()}
                    </optgroup>
                }
            })
            .collect_view()}
    }
}

/// Which tiles each role's home shows and in what order: one role at a time (`?tiles=role`),
/// each tile moved up or down, shown or hidden by its own small form.
#[component]
fn HomeTilesEditor() -> impl IntoView {
    let layouts = crate::page_data::load(|| (), |_| get_tile_layouts());
    let query = leptos_router::hooks::use_query_map();
    let role = move || {
        query.with(|q| {
            q.get("tiles")
                .and_then(|key| Role::from_key(&key))
                .unwrap_or(Role::Learner)
        })
    };
    view! {
        <section class="tile wide" aria-labelledby="tiles-title" id="home-tiles">
            <h2 id="tiles-title">"Home tiles"</h2>
            <p class="muted">
                "Which tiles each role's home page shows, and in what order. A person sees the \
                 tiles of their widest role; a tile with nothing to show them is left out."
            </p>
            <nav class="chips" aria-label="Role">
                {Role::ALL
                    .into_iter()
                    .map(|each| {
                        view! {
                            <a
                                class="chip"
                                href=format!("/admin/settings?tiles={}#home-tiles", each.key())
                                aria-current=move || (role() == each).then_some("true")
                            >
                                {each.label()}
                            </a>
                        }
                    })
                    .collect_view()}
            </nav>
            <Transition fallback=|| view! { <p aria-busy="true">"Loading the tiles…"</p> }>
                {move || Suspend::new(async move {
                    let shown = role();
                    match layouts.await {
                        Ok(layouts) => layouts
                            .into_iter()
                            .find(|layout| layout.role == shown)
                            .map(|layout| view! { <TileOrder layout /> })
                            .into_any_sync(),
                        Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any_sync(),
                    }
                })}
            </Transition>
        </section>
    }
    .into_any_sync()
}

#[component]
fn TileOrder(layout: TileLayout) -> impl IntoView {
    let role = layout.role;
    let last = layout.tiles.len().saturating_sub(1);
    let rows = layout
        .tiles
        .into_iter()
        .enumerate()
        .map(|(at, choice)| {
            let name = choice.tile.label();
            let button =
                move |change: &'static str, text: &'static str, label: String, enabled: bool| {
                    view! {
                        <PostForm action=ArrangeTile::PATH class="inline-form">
                            <input type="hidden" name="role" value=role.key() />
                            <input type="hidden" name="tile" value=choice.tile.key() />
                            <input type="hidden" name="change" value=change />
                            <button type="submit" aria-label=label disabled=!enabled>{text}</button>
                        </PostForm>
                    }
                };
            view! {
                <li class="tile-choice" data-shown=choice.shown.to_string()>
                    <span class="tile-name">{format!("{}. {name}", at + 1)}</span>
                    <span class="muted">{if choice.shown { " shown" } else { " hidden" }}</span>
                    {button("up", "Up", format!("Move {name} up"), at > 0)}
                    {button("down", "Down", format!("Move {name} down"), at < last)}
                    {if choice.shown {
                        button("hide", "Hide", format!("Hide {name}"), true)
                    } else {
                        button("show", "Show", format!("Show {name}"), true)
                    }}
                </li>
            }
        })
        .collect_view();
    view! {
        <ol class="rows tile-order" aria-label=format!("Tiles of the {} home", role.label().to_lowercase())>
            {rows}
        </ol>
    }
    .into_any_sync()
}

/// The logo and the background image: each uploaded as a plain multipart form (it works
/// before the wasm arrives) to `POST /admin/settings/images`, which comes back here.
#[component]
fn Pictures(images: ThemeImages) -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let outcome = move || {
        query.with(|q| {
            if let Some(reason) = q.get("upload_error") {
                Some(view! { <p class="form-error" role="alert">{reason}</p> }.into_any_sync())
            } else {
                q.get("picture").map(|saved| {
                    view! { <p role="status">{format!("The {saved} is saved. Open pages change at once.")}</p> }
                        .into_any_sync()
                })
            }
        })
    };
    let picture = move |image: ThemeImage| {
        let key = image.key();
        let current = images.get(image).map(|id| {
            view! {
                <img class=format!("current-{key}") src=format!("/theme/{key}?v={id}") alt=format!("The current {}", image.label()) />
                <form method="post" action="/admin/settings/images" enctype="multipart/form-data" class="inline-form">
                    <input type="hidden" name="picture" value=key />
                    <input type="hidden" name="remove" value="1" />
                    <button type="submit">{format!("Remove the {}", image.label())}</button>
                </form>
            }
        });
        view! {
            <div class="picture">
                <h3>{if key == "logo" { "Logo" } else { "Background image" }}</h3>
                {current}
                <form method="post" action="/admin/settings/images" enctype="multipart/form-data" class="inline-form">
                    <input type="hidden" name="picture" value=key />
                    <label for=format!("picture-{key}")>{format!("New {} (PNG, JPEG, GIF or WebP)", image.label())}</label>
                    <input id=format!("picture-{key}") type="file" name="file" accept="image/png,image/jpeg,image/gif,image/webp" required />
                    <button type="submit">{format!("Upload the {}", image.label())}</button>
                </form>
            </div>
        }
    };
    view! {
        <section class="tile wide pictures" aria-labelledby="pictures-title" id="pictures">
            <h2 id="pictures-title">"Logo and background image"</h2>
            <p class="muted">
                "The logo shows beside the institution's name at the top of everyone's home \
                 page; the background image behind every page, under a veil of the background \
                 colour so text keeps its contrast."
            </p>
            {outcome}
            {picture(ThemeImage::Logo)}
            {picture(ThemeImage::Background)}
        </section>
    }
    .into_any_sync()
}
