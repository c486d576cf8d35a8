//! Uploads into the chosen prefix: a drop zone and a file picker. A file is read in slices so
//! a large one shows a progress bar that moves (one read of 50 MB would freeze it at 0 % and
//! then vanish), and it is stored once whole, as one undo step, with core's notice saying
//! whether it overwrote an object (old and new ETag).

use gluelab_core::model::store::S3Uri;
use gluelab_core::views::browse::{check_upload_size, progress_text};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::objects::breakable_path;
use super::use_browser;
use crate::i18n::{catalog, t, tf};
use crate::state::{use_studio, Notice, Studio};

/// Bytes read per slice: a file up to this size is one read and shows no bar.
const SLICE_BYTES: u64 = 4 * 1024 * 1024;

/// One large file on its way into the store.
#[derive(Clone, Debug, PartialEq)]
struct Transfer {
    id: u64,
    name: String,
    target: S3Uri,
    loaded: u64,
    total: u64,
    state: TransferState,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum TransferState {
    Reading,
    Stored,
    Failed,
}

impl Transfer {
    /// `8.4 of 21.0 MB · reading`.
    fn status(&self) -> String {
        let state = match self.state {
            TransferState::Reading => t("reading"),
            TransferState::Stored => t("stored"),
            TransferState::Failed => t("not stored"),
        };
        format!("{} · {state}", progress_text(catalog(), self.loaded, self.total))
    }
}

/// The transfers shown, and the next id to give one.
#[derive(Clone, Copy)]
struct Transfers {
    list: RwSignal<Vec<Transfer>>,
    next_id: StoredValue<u64>,
}

impl Transfers {
    /// Tracks a file that needs more than one slice; small files are not worth a bar.
    fn start(&self, name: &str, target: &S3Uri, total: u64) -> Option<u64> {
        if total <= SLICE_BYTES {
            return None;
        }
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        self.list.update(|list| {
            list.push(Transfer {
                id,
                name: name.to_string(),
                target: target.clone(),
                loaded: 0,
                total,
                state: TransferState::Reading,
            })
        });
        Some(id)
    }

    fn update(&self, id: Option<u64>, change: impl FnOnce(&mut Transfer)) {
        let Some(id) = id else { return };
        self.list.update(|list| {
            if let Some(t) = list.iter_mut().find(|t| t.id == id) {
                change(t);
            }
        });
    }

    /// Clears the finished ones (a new batch begins, or the user dismisses them).
    fn clear_finished(&self) {
        self.list
            .update(|list| list.retain(|t| t.state == TransferState::Reading));
    }
}

/// Reads `file` slice by slice, reporting the bytes read so far after each.
async fn read_in_slices(
    file: &gloo_file::File,
    mut on_progress: impl FnMut(u64),
) -> Result<Vec<u8>, gloo_file::FileReadError> {
    let total = file.size();
    let mut body = Vec::with_capacity(total as usize);
    let mut start = 0;
    while start < total {
        let end = (start + SLICE_BYTES).min(total);
        let slice = file.slice(start, end);
        body.extend_from_slice(&gloo_file::futures::read_as_bytes(&slice).await?);
        start = end;
        on_progress(start);
    }
    Ok(body)
}

/// Reads one file and stores it under `target`, one undo step, then says what happened.
async fn upload(studio: Studio, transfers: Transfers, target: S3Uri, file: gloo_file::File) {
    let name = file.name();
    if let Err(e) = check_upload_size(&name, file.size()) {
        studio.notice.set(Some(Notice::Error(e.to_string())));
        return;
    }
    let id = transfers.start(&name, &target, file.size());
    let read = read_in_slices(&file, |loaded| transfers.update(id, |t| t.loaded = loaded)).await;
    let stored = match read {
        Ok(body) => studio.act(|ws| ws.upload_into(&target, &name, body)),
        Err(e) => {
            let text = tf("Could not read {name}: {error}", &[("name", &name), ("error", &e)]);
            studio.notice.set(Some(Notice::Error(text)));
            None
        }
    };
    let state = match stored {
        Some(uploaded) => {
            studio.notice.set(Some(Notice::Info(uploaded.notice(catalog()))));
            TransferState::Stored
        }
        None => TransferState::Failed,
    };
    transfers.update(id, |t| t.state = state);
}

/// Where files go, the drop zone with the picker, and the large files under way.
#[component]
pub fn Uploads() -> impl IntoView {
    let studio = use_studio();
    let browser = use_browser();
    let transfers = Transfers {
        list: RwSignal::new(vec![]),
        next_id: StoredValue::new(0),
    };
    let start = move |files: Vec<web_sys::File>| {
        let Some(target) = browser.target.get_untracked() else {
            let text = t("There is no bucket to upload into: load an example first.");
            studio.notice.set(Some(Notice::Error(text.into())));
            return;
        };
        transfers.clear_finished();
        for file in files {
            spawn_local(upload(studio, transfers, target.clone(), gloo_file::File::from(file)));
        }
    };
    let target_view = move || match browser.target.get() {
        Some(target) => view! { <span translate="no">{breakable_path(&target.to_string())}</span> }.into_any(),
        None => t("nowhere yet: there is no bucket").into_any(),
    };
    view! {
        <div class="s3-upload">
            <p class="upload-target">
                {t("Files go to ")} <code class="mono" id="upload-target">{target_view}</code>
            </p>
            <DropZone on_files=start/>
            <TransferList transfers/>
        </div>
    }
}

/// The files of a drop or a pick, as a list (a `FileList` is emptied when the input is reset).
fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else { return vec![] };
    (0..list.length()).filter_map(|i| list.item(i)).collect()
}

/// Files dropped or picked are handed to `on_files`.
#[component]
fn DropZone(on_files: impl Fn(Vec<web_sys::File>) + Copy + 'static) -> impl IntoView {
    let hovering = RwSignal::new(false);
    view! {
        <label
            class="dropzone"
            class:hovering=move || hovering.get()
            on:dragover=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                hovering.set(true);
            }
            on:dragleave=move |_| hovering.set(false)
            on:drop=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                hovering.set(false);
                on_files(files_of(ev.data_transfer().and_then(|d| d.files())));
            }
        >
            {t("Drop JSON-lines or CSV files here, or ")}
            <span class="link">{t("choose files")}</span>
            <input
                type="file"
                multiple
                class="visually-hidden"
                id="file-picker"
                on:change:target=move |ev| {
                    let files = files_of(ev.target().files());
                    // Picking the same file again must be a change too (an overwrite).
                    ev.target().set_value("");
                    on_files(files);
                }
            />
        </label>
    }
}

/// The large files under way (and finished, until cleared).
#[component]
fn TransferList(transfers: Transfers) -> impl IntoView {
    let ids = move || transfers.list.with(|l| l.iter().map(|t| t.id).collect::<Vec<_>>());
    let any_finished = move || {
        transfers
            .list
            .with(|l| l.iter().any(|t| t.state != TransferState::Reading))
    };
    view! {
        <Show when=move || !transfers.list.with(Vec::is_empty)>
            <ul class="s3-transfers" aria-label=t("Large uploads")>
                <For each=ids key=|id| *id children=move |id| view! { <TransferRow transfers id/> }/>
            </ul>
            <Show when=any_finished>
                <button class="link small" on:click=move |_| transfers.clear_finished()>{t("clear finished uploads")}</button>
            </Show>
        </Show>
    }
}

/// One bar: `<progress>` carries its value and maximum, its file's name labels it and
/// `aria-valuetext` says "x of y MB", so a screen reader hears what the eye sees. The element
/// stays as the value moves (re-creating it would restart what assistive technology reads).
#[component]
fn TransferRow(transfers: Transfers, id: u64) -> impl IntoView {
    let transfer = Memo::new(move |_| transfers.list.with(|l| l.iter().find(|t| t.id == id).cloned()));
    let Some(first) = transfer.get_untracked() else {
        return ().into_any();
    };
    let label_id = format!("transfer-{id}-name");
    let title = tf(
        "{bytes} bytes to {prefix}",
        &[("bytes", &first.total), ("prefix", &first.target)],
    );
    let status = move || transfer.with(|t| t.as_ref().map(Transfer::status).unwrap_or_default());
    let loaded = move || transfer.with(|t| t.as_ref().map_or(0, |t| t.loaded)).to_string();
    let failed = move || transfer.with(|t| t.as_ref().is_some_and(|t| t.state == TransferState::Failed));
    view! {
        <li class="transfer" class:failed=failed>
            <span class="transfer-name mono" translate="no" id=label_id.clone() title=title>{first.name}</span>
            <span class="transfer-status">{status}</span>
            <progress
                class="upload-bar"
                max=first.total.to_string()
                value=loaded
                aria-labelledby=label_id
                aria-valuetext=status
            ></progress>
        </li>
    }
    .into_any()
}
