//! Taking a workspace elsewhere: export it as a `*.gluelab.json` file, import one, or share it
//! as a link (`#w=<code>`). Files and links are untrusted: core checks them completely, and a
//! failed load leaves the workspace as it was.

use gluelab_core::demo::story::Story;
use gluelab_core::snapshot;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::exercise::Exercises;
use crate::i18n::{t, tf};
use crate::state::{use_studio, Notice, Studio};
use crate::tour::{use_tour, Tour};

/// The fragments a link opens with: a workspace, a story, a challenge.
const WORKSPACE_PREFIX: &str = "#w=";
const STORY_PREFIX: &str = "#story=";
const CHALLENGE_PREFIX: &str = "#challenge=";

/// Export, import and share link, for the top bar.
#[component]
pub fn ShareMenu() -> impl IntoView {
    let studio = use_studio();
    let tour = use_tour();
    // The last share link made, shown so it can be copied by hand too.
    let shown = LinkShown::new();
    let export = move |_| {
        let bytes = studio.workspace.with_untracked(snapshot::save);
        let name = format!(
            "{}.gluelab.json",
            studio.job_name().unwrap_or_else(|| "workspace".into())
        );
        if let Err(e) = download(&name, "application/json", &bytes) {
            studio.notice.set(Some(Notice::Error(tf(
                "The workspace could not be exported ({error}).",
                &[("error", &e)],
            ))));
        }
    };
    let import = move |files: Option<web_sys::FileList>| {
        let Some(file) = files.and_then(|f| f.item(0)) else {
            return;
        };
        let file = gloo_file::File::from(file);
        spawn_local(async move {
            let name = file.name();
            let loaded = gloo_file::futures::read_as_bytes(&file)
                .await
                .map_err(|e| e.to_string())
                .and_then(|bytes| snapshot::load(&bytes).map_err(|e| e.to_string()));
            match loaded {
                Ok(workspace) => {
                    studio.replace(workspace);
                    tour.close();
                    studio.notice.set(Some(Notice::Info(tf(
                        "Imported {name}. Undo returns to the workspace you had.",
                        &[("name", &name)],
                    ))));
                }
                Err(e) => studio.notice.set(Some(Notice::Error(tf(
                    "{name} was not imported: {error}. Your workspace is unchanged.",
                    &[("name", &name), ("error", &e)],
                )))),
            }
        });
    };
    let share = move |_| match studio.workspace.with_untracked(snapshot::to_share_code) {
        Ok(code) => shown.show(&format!("{WORKSPACE_PREFIX}{code}")),
        Err(e) => {
            shown.url.set(None);
            studio.notice.set(Some(Notice::Error(tf(
                "No share link for this workspace: {error}",
                &[("error", &e)],
            ))));
        }
    };
    view! {
        <button class="btn secondary" id="export-workspace" on:click=export
            title=t("Download the whole workspace as a .gluelab.json file")>{t("Export")}</button>
        <label class="btn secondary" id="import-label" title=t("Open a .gluelab.json file")>
            {t("Import")}
            <input type="file" accept=".json,application/json" class="visually-hidden" id="import-file"
                on:change:target=move |ev| {
                    import(ev.target().files());
                    ev.target().set_value("");
                }/>
        </label>
        <button class="btn secondary" id="share-workspace" on:click=share
            title=t("Copy a link that opens this workspace")>{t("Share link")}</button>
        <LinkBox shown/>
    }
}

/// A link made for copying: its URL, and whether the clipboard took it.
#[derive(Clone, Copy)]
pub struct LinkShown {
    url: RwSignal<Option<String>>,
    copied: RwSignal<Option<bool>>,
}

impl LinkShown {
    pub fn new() -> Self {
        Self {
            url: RwSignal::new(None),
            copied: RwSignal::new(None),
        }
    }

    /// Makes the page's URL with `fragment`, copies it and shows it.
    pub fn show(&self, fragment: &str) {
        let url = share_url(fragment);
        self.copied.set(None);
        copy_to_clipboard(&url, self.copied);
        self.url.set(Some(url));
    }
}

impl Default for LinkShown {
    fn default() -> Self {
        Self::new()
    }
}

/// The link just made, selectable, with what became of copying it.
#[component]
pub fn LinkBox(shown: LinkShown) -> impl IntoView {
    move || {
        shown.url.get().map(|url| {
            view! {
                <div class="share-box" id="share-box" role="dialog" aria-label=t("Share link")>
                    <p class="hint" id="share-status">{move || match shown.copied.get() {
                        Some(true) => t("Link copied to the clipboard. Anyone who opens it gets what it shows here."),
                        Some(false) => t("Copy the link below (the clipboard is not available here)."),
                        None => t("Copying…"),
                    }}</p>
                    <input class="mono share-link" id="share-link" translate="no" readonly prop:value=url
                        on:focus:target=move |ev| ev.target().select()/>
                    <button class="link" on:click=move |_| shown.url.set(None) aria-label=t("Close")>"×"</button>
                </div>
            }
        })
    }
}

/// The tour banner's link to where the tour stands: the story of its steps so far.
#[component]
pub fn StepLink() -> impl IntoView {
    let tour = use_tour();
    let shown = LinkShown::new();
    let make = move |_| {
        if let Some(story) = tour.story() {
            shown.show(&format!("{STORY_PREFIX}{}", story.to_text()));
        }
    };
    view! {
        <button class="link" id="share-step" on:click=make
            title=t("Copy a link that replays the tour up to this step and opens it there")>{t("Link to this step")}</button>
        <LinkBox shown/>
    }
}

/// The challenge banner's link that starts the challenge, for a trainer to hand out.
#[component]
pub fn ChallengeLink(id: &'static str) -> impl IntoView {
    let shown = LinkShown::new();
    view! {
        <button class="link" id="share-challenge" on:click=move |_| shown.show(&format!("{CHALLENGE_PREFIX}{id}"))
            title=t("Copy a link that starts this challenge")>{t("Link for the room")}</button>
        <LinkBox shown/>
    }
}

/// Opens what the page's link carries, then clears the fragment (so a reload does not open it
/// again): a workspace (`#w=`), a story replayed on an example (`#story=`; at a tour step when it
/// is the tour's beginning) or a challenge (`#challenge=`). Each replaces the workspace as one
/// undoable step; a damaged link is reported and the workspace kept. Returns true when
/// something was opened.
pub fn open_link(studio: Studio, tour: Tour, exercises: Exercises) -> bool {
    let Some(hash) = window().location().hash().ok() else {
        return false;
    };
    let opened = if let Some(code) = hash.strip_prefix(WORKSPACE_PREFIX) {
        open_workspace(studio, tour, code)
    } else if let Some(text) = hash.strip_prefix(STORY_PREFIX) {
        open_story(studio, tour, text)
    } else if let Some(id) = hash.strip_prefix(CHALLENGE_PREFIX) {
        exercises.start(studio, tour, id)
    } else {
        return false;
    };
    clear_fragment();
    opened
}

fn open_workspace(studio: Studio, tour: Tour, code: &str) -> bool {
    match snapshot::from_share_code(code) {
        Ok(workspace) => {
            studio.replace(workspace);
            tour.close();
            studio.notice.set(Some(Notice::Info(
                t("Opened the workspace from the link. Undo returns to the one you had.").to_string(),
            )));
            true
        }
        Err(e) => {
            studio.notice.set(Some(Notice::Error(tf(
                "The link's workspace was not opened: {error}. Your workspace is unchanged.",
                &[("error", &e)],
            ))));
            false
        }
    }
}

/// Replays the link's story on its example (small by [`Story::parse`]'s limits, so on the page).
fn open_story(studio: Studio, tour: Tour, text: &str) -> bool {
    let replayed = Story::parse(text).and_then(|story| Ok((story.replay()?, story)));
    match replayed {
        Ok((workspace, story)) => {
            studio.replace(workspace);
            let steps = story.steps.len();
            let example = &story.example;
            let said = match story.tour_step() {
                Some(step) => {
                    tour.open_at(&story.example, step);
                    match story_tour_len(&story) {
                        len if step < len => tf(
                            "Opened the story from the link: {steps} step(s) replayed on the {example} example, \
                             the tour at step {step} of {total}. Undo returns to the workspace you had.",
                            &[
                                ("steps", &steps),
                                ("example", example),
                                ("step", &(step + 1)),
                                ("total", &len),
                            ],
                        ),
                        _ => tf(
                            "Opened the story from the link: {steps} step(s) replayed on the {example} example, \
                             the whole tour. Undo returns to the workspace you had.",
                            &[("steps", &steps), ("example", example)],
                        ),
                    }
                }
                None => {
                    tour.close();
                    tf(
                        "Opened the story from the link: {steps} step(s) replayed on the {example} example. \
                         Undo returns to the workspace you had.",
                        &[("steps", &steps), ("example", example)],
                    )
                }
            };
            studio.notice.set(Some(Notice::Info(said)));
            true
        }
        Err(e) => {
            studio.notice.set(Some(Notice::Error(tf(
                "The link's story was not opened: {error}. Your workspace is unchanged.",
                &[("error", &e.describe(crate::i18n::catalog()))],
            ))));
            false
        }
    }
}

fn story_tour_len(story: &Story) -> usize {
    gluelab_core::demo::examples::tour(&story.example).map_or(0, |t| t.len())
}

fn clear_fragment() {
    let location = window().location();
    let url = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    let _ = window()
        .history()
        .and_then(|h| h.replace_state_with_url(&JsValue::NULL, "", Some(&url)));
}

fn share_url(fragment: &str) -> String {
    let location = window().location();
    format!(
        "{}{}{fragment}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default()
    )
}

/// `navigator.clipboard.writeText`, called through JS reflection (web-sys has it only behind
/// its unstable-API flag); `copied` says whether it worked.
fn copy_to_clipboard(text: &str, copied: RwSignal<Option<bool>>) {
    let navigator: JsValue = window().navigator().into();
    let write = js_sys::Reflect::get(&navigator, &"clipboard".into())
        .ok()
        .filter(|c| !c.is_undefined())
        .and_then(|clipboard| {
            let write_text = js_sys::Reflect::get(&clipboard, &"writeText".into()).ok()?;
            let write_text: &js_sys::Function = write_text.dyn_ref()?;
            write_text.call1(&clipboard, &text.into()).ok()
        })
        .and_then(|p| p.dyn_into::<js_sys::Promise>().ok());
    let Some(promise) = write else {
        copied.set(Some(false));
        return;
    };
    // One-shot callbacks that free themselves once called.
    let ok = Closure::once_into_js(move |_: JsValue| copied.set(Some(true)));
    let fail = Closure::once_into_js(move |_: JsValue| copied.set(Some(false)));
    let then = js_sys::Reflect::get(&promise, &"then".into()).ok();
    if let Some(then) = then.as_ref().and_then(|t| t.dyn_ref::<js_sys::Function>()) {
        let _ = then.call2(&promise, &ok, &fail);
    }
}

/// Offers bytes as a file download (a Blob behind a temporary object URL): nothing leaves the
/// page. Workspace exports and the editor's script, job and template files all go this way.
pub(crate) fn download(name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    let message = |e: JsValue| format!("{e:?}");
    let url = object_url(mime, bytes).map_err(message)?;
    let anchor: web_sys::HtmlAnchorElement = document().create_element("a").map_err(message)?.unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    // The download has started from the URL by now; free it a little later all the same.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(10),
    );
    Ok(())
}

/// A `blob:` URL of a copy of `bytes`, typed `mime`, for a link or a download.
pub(crate) fn object_url(mime: &str, bytes: &[u8]) -> Result<String, JsValue> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    web_sys::Url::create_object_url_with_blob(&blob)
}
