//! The simulated S3: objects by bucket, the seed files one click away, and drag-and-drop or a
//! file picker to upload into the job's source prefix.

use gluelab_core::clock::iso8601;
use gluelab_core::demo;
use gluelab_core::store::S3Uri;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::state::{use_studio, Notice};

/// One listed object, as the table shows it.
#[derive(Clone, PartialEq)]
struct ObjectRow {
    uri: String,
    bucket: String,
    key: String,
    size: u64,
    etag: String,
    last_modified: String,
}

#[component]
pub fn S3Browser() -> impl IntoView {
    let studio = use_studio();
    let rows = move || {
        studio.workspace.with(|ws| {
            ws.store
                .buckets()
                .flat_map(|b| {
                    b.objects().values().map(|o| ObjectRow {
                        uri: S3Uri::new(&b.name, &o.key).to_string(),
                        bucket: b.name.clone(),
                        key: o.key.clone(),
                        size: o.size(),
                        etag: o.etag.clone(),
                        last_modified: iso8601(o.last_modified),
                    })
                })
                .collect::<Vec<_>>()
        })
    };
    // Files go to the shown job's source prefix; core decides where that is.
    let upload = move |name: String, body: Vec<u8>| {
        let Some(job) = studio.job_name() else {
            studio
                .notice
                .set(Some(Notice::Error("Load a workspace with a job first.".into())));
            return;
        };
        studio.act(|ws| ws.upload_to_source(&job, &name, body).map(|_| ()));
    };
    let delete = move |uri: String| {
        studio.act(|ws| ws.store.delete(&S3Uri::parse(&uri)?).map(|_| ()));
    };
    view! {
        <section class="panel" aria-labelledby="s3-title">
            <h2 id="s3-title">"S3"</h2>
            // The article's files are one click away wherever its job is the workbench's job.
            <Show when=move || studio.job_name().as_deref() == Some(demo::JOB_NAME)>
            <div class="actions">
                {demo::raw_files()
                    .into_iter()
                    .map(|(key, body)| {
                        let name = key.rsplit('/').next().unwrap_or(key);
                        let label = format!("Upload {name}");
                        view! {
                            <button class="btn upload-seed" on:click=move |_| upload(name.into(), body.as_bytes().to_vec())>
                                {label}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            </Show>
            <DropZone on_file=upload/>
            <Show
                when=move || !rows().is_empty()
                fallback=|| view! { <p class="empty">"No objects yet: upload a file."</p> }
            >
                <table class="objects">
                    <thead>
                        <tr>
                            <th>"Bucket / key"</th>
                            <th>"Size"</th>
                            <th>"ETag"</th>
                            <th>"LastModified"</th>
                            <th></th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=rows key=|r| (r.uri.clone(), r.etag.clone(), r.last_modified.clone()) let:row>
                            <tr class="object-row">
                                <td class="mono key" title=row.uri.clone()>
                                    <span class="bucket">{row.bucket}</span>
                                    <br/>
                                    {row.key}
                                </td>
                                <td>{row.size}</td>
                                <td class="mono etag">{row.etag}</td>
                                <td class="mono">{row.last_modified.replace('T', " ")}</td>
                                <td>
                                    <button class="link" aria-label="Delete object" on:click=move |_| delete(row.uri.clone())>
                                        "delete"
                                    </button>
                                </td>
                            </tr>
                        </For>
                    </tbody>
                </table>
            </Show>
        </section>
    }
}

/// Files dropped or picked are read in the browser and handed to `on_file(name, bytes)`.
#[component]
fn DropZone(on_file: impl Fn(String, Vec<u8>) + Copy + 'static) -> impl IntoView {
    let studio = use_studio();
    let hovering = RwSignal::new(false);
    let read_files = move |files: Option<web_sys::FileList>| {
        let Some(files) = files else { return };
        for i in 0..files.length() {
            let Some(file) = files.item(i) else { continue };
            let file = gloo_file::File::from(file);
            spawn_local(async move {
                match gloo_file::futures::read_as_bytes(&file).await {
                    Ok(bytes) => on_file(file.name(), bytes),
                    Err(e) => studio
                        .notice
                        .set(Some(Notice::Error(format!("Could not read {}: {e}", file.name())))),
                }
            });
        }
    };
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
                read_files(ev.data_transfer().and_then(|d| d.files()));
            }
        >
            "Drop JSON-lines or CSV files here, or "
            <span class="link">"choose files"</span>
            " — they go to the job's source prefix."
            <input
                type="file"
                multiple
                class="visually-hidden"
                id="file-picker"
                on:change:target=move |ev| read_files(ev.target().files())
            />
        </label>
    }
}
