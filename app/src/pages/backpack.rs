//! The learner's backpack at `/backpack`: every credential issued to them (and those imported
//! from elsewhere) with whether it verifies now, signed progress records to share, collections
//! with their share links, and the public profile they may opt into.

use crate::sync_view::IntoAnySync;
use cairn::model::{
    progress_record_label, Backpack, BackpackItem, Collection, CredentialKind, ItemSource,
    ShareableRecord,
};
use leptos::prelude::*;

use crate::dates::day;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use leptos::server_fn::ServerFn;

use crate::api::{
    get_backpack, CreateCollection, CreateShareLink, DeleteCollection, ImportCredential,
    IncludeItem, RevokeShareLink, SetCollectionPublic, ShareProgressRecord,
};
use crate::components::forms::{CopyField, PostForm, SaveOnTick};
use crate::pages::learner::Refusal;

/// The page's view.
pub fn page() -> AnyView {
    backpack_page().into_any_sync()
}

fn backpack_page() -> impl IntoView {
    let backpack = crate::page_data::load(|| (), |_| get_backpack());
    view! {
        <Title text="Backpack" />
        <Transition fallback=|| view! { <main id="main" class="page" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                match backpack.await {
                    Ok(backpack) => view! { <Contents backpack /> }.into_any_sync(),
                    Err(error) => view! { <Refusal error /> }.into_any_sync(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Contents(backpack: Backpack) -> impl IntoView {
    let Backpack {
        owner,
        profile_path,
        items,
        collections,
        records,
        max_upload_mb,
    } = backpack;
    let any_public = collections.iter().any(|c| c.public);
    view! {
        <main id="main" class="page backpack">
            <nav aria-label="Breadcrumb" class="breadcrumbs">
                <a href="/">"Home"</a>
                " › "
                <span aria-current="page">"Backpack"</span>
            </nav>
            <h1>{format!("{owner}'s backpack")}</h1>
            <p class="lede">
                "Your credentials are yours for life: they stay here after you leave, and anyone you share them with can check them."
            </p>
            {any_public.then(|| view! {
                <p>"Your public profile: " <a href=profile_path.clone()>{profile_path.clone()}</a></p>
            })}
            <div class="tiles">
                <section class="tile wide" aria-labelledby="credentials-title">
                    <h2 id="credentials-title">"Credentials"</h2>
                    <ItemList items=items.clone() />
                </section>
                <RecordList records />
                <ImportForm />
                <UploadForm max_upload_mb />
            </div>
            <section aria-labelledby="collections-title">
                <h2 id="collections-title">"Collections"</h2>
                <CreateCollectionForm />
                {collections
                    .into_iter()
                    .map(|collection| view! { <CollectionEditor collection items=items.clone() /> })
                    .collect_view()}
            </section>
        </main>
    }
}

/// Credentials with their verification, as the owner or anyone shown them sees them.
#[component]
pub fn ItemList(items: Vec<BackpackItem>) -> impl IntoView {
    if items.is_empty() {
        return view! {
            <p class="empty">"No credentials yet. Each badge you earn arrives here the moment you earn it."</p>
        }
        .into_any_sync();
    }
    view! {
        <ul class="rows credentials">
            {items
                .into_iter()
                .map(|item| {
                    let source = match item.source {
                        ItemSource::Issued => "",
                        ItemSource::Imported => " (imported)",
                        ItemSource::Uploaded => " (uploaded)",
                    };
                    // A progress record says so before anything else: it is not the badge.
                    let record = (item.kind == CredentialKind::Provisional).then(|| {
                        item.criteria_met
                            .map(progress_record_label)
                            .unwrap_or_else(|| "Progress record — not yet earned".into())
                    });
                    let kind = if record.is_some() { "progress-record" } else { "badge" };
                    view! {
                        <li class="credential-item" data-verified=item.verified.to_string() data-kind=kind>
                            {record.map(|label| view! {
                                <span class="kind-label">{label}</span>
                                ": "
                            })}
                            {match item.credential_page.clone() {
                                Some(page) => view! { <a class="badge-name" href=page>{item.title.clone()}</a> }.into_any_sync(),
                                None => view! { <span class="badge-name">{item.title.clone()}</span> }.into_any_sync(),
                            }}
                            <span class="muted">{format!(" — {}{source}", item.issuer)}</span>
                            " "
                            <span class="status" class:verified=item.verified>{item.state.clone()}</span>
                            {item.problem.clone().map(|problem| view! { <span class="muted">{format!(" ({problem})")}</span> })}
                            {item.superseded_by.clone().map(|page| view! {
                                " "
                                <a href=page>"Superseded by the earned badge"</a>
                            })}
                            {(!item.download.is_empty()).then(|| view! {
                                " "
                                <a class="chip" href=item.download.clone() download="">
                                    {format!("Download {} as JSON", item.title)}
                                </a>
                            })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any_sync()
}

#[component]
fn RecordList(records: Vec<ShareableRecord>) -> impl IntoView {
    view! {
        <section class="tile" aria-labelledby="records-title">
            <h2 id="records-title">"Share your progress"</h2>
            <p class="muted">
                "A signed progress record shows the levels you have reached so far; each new one replaces the last, and the badge replaces it once earned."
            </p>
            <ul class="rows">
                {records
                    .into_iter()
                    .map(|record| view! {
                        <li>
                            <PostForm action=ShareProgressRecord::PATH class="inline-form"
                                saved="Signed: it is in your credentials above">
                                <input type="hidden" name="achievement_id" value=record.achievement_id />
                                <span>{format!("{} ({} of {} criteria met) ", record.name, record.met, record.required)}</span>
                                <button type="submit">{format!("Sign a progress record of {}", record.name)}</button>
                            </PostForm>
                        </li>
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn ImportForm() -> impl IntoView {
    view! {
        <section class="tile" aria-labelledby="import-title">
            <h2 id="import-title">"Import a credential"</h2>
            <PostForm action=ImportCredential::PATH class="stack"
                saved="Imported: it is in your credentials above, with what its checks found">
                <label for="import-document">"Credential from elsewhere (its JSON, or a VC-JWT)"</label>
                <textarea id="import-document" name="document" rows="4" required></textarea>
                <button type="submit">"Import and verify"</button>
            </PostForm>
        </section>
    }
}

/// A record of training elsewhere with its certificate: a plain form posted to the server
/// (files go as multipart), which comes back here with what happened.
#[component]
fn UploadForm(max_upload_mb: u64) -> impl IntoView {
    let query = use_query_map();
    let refused = move || query.with(|q| q.get("upload_error"));
    let added = move || query.with(|q| q.get("added").is_some());
    view! {
        <section class="tile" aria-labelledby="upload-title">
            <h2 id="upload-title">"Add a training record"</h2>
            <form method="post" action="/backpack/records" enctype="multipart/form-data" class="stack">
                <label for="record-title">"What the training was"</label>
                <input id="record-title" name="title" required maxlength="200" />
                <label for="record-file">
                    {format!("Its certificate (PDF, PNG, JPEG, GIF or WebP; {max_upload_mb} MB at most)")}
                </label>
                <input
                    id="record-file"
                    name="file"
                    type="file"
                    required
                    accept="application/pdf,image/png,image/jpeg,image/gif,image/webp"
                />
                <button type="submit">"Upload the record"</button>
            </form>
            {move || refused().map(|reason| view! { <p class="form-error" role="alert">{reason}</p> })}
            {move || added().then(|| view! { <p role="status">"The record was added to your backpack."</p> })}
        </section>
    }
}

#[component]
fn CreateCollectionForm() -> impl IntoView {
    view! {
        <PostForm action=CreateCollection::PATH class="inline-form" saved="Created">
            <label for="collection-name">"New collection"</label>
            <input id="collection-name" name="name" required maxlength="100" />
            <input type="hidden" name="description" value="" />
            <button type="submit">"Create collection"</button>
        </PostForm>
    }
}

#[component]
fn CollectionEditor(collection: Collection, items: Vec<BackpackItem>) -> impl IntoView {
    let id = collection.id;
    let heading = format!("collection-{id}-title");
    let labelled_by = heading.clone();
    let public = collection.public;
    view! {
        <article class="record collection" aria-labelledby=labelled_by>
            <h3 id=heading>{collection.name.clone()}</h3>
            <fieldset>
                <legend>"Credentials in this collection"</legend>
                {items
                    .iter()
                    .map(|item| {
                        let item_id = item.id;
                        let included = collection.item_ids.contains(&item_id);
                        let field = format!("collection-{id}-item-{item_id}");
                        view! {
                            <div>
                                <SaveOnTick
                                    action=IncludeItem::PATH.to_string()
                                    fields=vec![
                                        ("collection".to_string(), id.to_string()),
                                        ("item".to_string(), item_id.to_string()),
                                    ]
                                    name="include".to_string()
                                    checked=included
                                    disabled=false
                                    id=field
                                    label=item.title.clone()
                                />
                            </div>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <PostForm action=SetCollectionPublic::PATH class="inline-form"
                saved=if public { "Taken off your public profile" } else { "Shown on your public profile" }>
                <input type="hidden" name="collection" value=id />
                <input type="hidden" name="public" value=(!public).to_string() />
                <button type="submit">
                    {if public { "Take it off my public profile" } else { "Show it on my public profile" }}
                </button>
            </PostForm>
            <h4>"Share links"</h4>
            <ul class="rows">
                {collection
                    .links
                    .into_iter()
                    .map(|link| {
                        let until = link
                            .expires_at
                            .clone()
                            .map_or_else(|| "until revoked".to_string(), |at| format!("until {}", day(&at)));
                        view! {
                            <li>
                                {if link.revoked {
                                    view! { <span class="muted">{format!("{} (no longer works)", link.path)}</span> }.into_any_sync()
                                } else {
                                    view! {
                                        <CopyField path=link.path.clone() label=format!("Share link, works {until}") />
                                        <PostForm action=RevokeShareLink::PATH class="inline-form"
                                            saved="Revoked: the link no longer works"
                                            confirm="Revoke this link? Anyone who has it will no longer see the collection.">
                                            <input type="hidden" name="link" value=link.id />
                                            <button type="submit">"Revoke this link"</button>
                                        </PostForm>
                                    }
                                    .into_any_sync()
                                }}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <PostForm action=CreateShareLink::PATH class="inline-form"
                saved="Link created: copy it from the list above">
                <input type="hidden" name="collection" value=id />
                <label for=format!("collection-{id}-days")>"Link lasts"</label>
                <select id=format!("collection-{id}-days") name="days">
                    <option value="">"until I revoke it"</option>
                    <option value="7">"7 days"</option>
                    <option value="30">"30 days"</option>
                    <option value="365">"a year"</option>
                </select>
                <button type="submit">"Create a share link"</button>
            </PostForm>
            <PostForm action=DeleteCollection::PATH class="inline-form"
                confirm=format!("Delete the collection {}? Its share links stop working; the credentials stay in your backpack.", collection.name)>
                <input type="hidden" name="collection" value=id />
                <button type="submit">{format!("Delete the collection {}", collection.name)}</button>
            </PostForm>
        </article>
    }
}
