//! The simulated S3 as a table of objects, with the seed article's files one click away.

use gluelab_core::clock::iso8601;
use gluelab_core::demo;
use gluelab_core::store::S3Uri;
use leptos::prelude::*;

use crate::use_workspace;

/// One listed object, as the table shows it.
#[derive(Clone, PartialEq)]
struct ObjectRow {
    uri: String,
    size: u64,
    etag: String,
    last_modified: String,
}

#[component]
pub fn S3Browser() -> impl IntoView {
    let workspace = use_workspace();
    let rows = move || {
        workspace.with(|ws| {
            ws.store
                .buckets()
                .flat_map(|b| {
                    b.objects().values().map(|o| ObjectRow {
                        uri: S3Uri::new(&b.name, &o.key).to_string(),
                        size: o.size(),
                        etag: o.etag.clone(),
                        last_modified: iso8601(o.last_modified),
                    })
                })
                .collect::<Vec<_>>()
        })
    };
    let upload = move |key: &'static str, body: &'static str| {
        workspace.update(|ws| {
            let uri = S3Uri::new(demo::raw_bucket(), key);
            ws.put_object(&uri, body.as_bytes().to_vec())
                .expect("the demo bucket exists");
        })
    };
    view! {
        <section class="panel" aria-labelledby="s3-title">
            <h2 id="s3-title">"S3"</h2>
            <div class="actions">
                {demo::raw_files()
                    .into_iter()
                    .map(|(key, body)| {
                        let label = format!("Upload {}", key.rsplit('/').next().unwrap_or(key));
                        view! { <button class="btn" on:click=move |_| upload(key, body)>{label}</button> }
                    })
                    .collect_view()}
            </div>
            <Show when=move || !rows().is_empty() fallback=|| view! { <p class="empty">"No objects yet: upload a file."</p> }>
                <table class="objects">
                    <thead>
                        <tr><th>"Object"</th><th>"Size"</th><th>"ETag"</th><th>"LastModified"</th></tr>
                    </thead>
                    <tbody>
                        <For each=rows key=|r| (r.uri.clone(), r.etag.clone(), r.last_modified.clone()) let:row>
                            <tr class="object-row">
                                <td class="mono">{row.uri}</td>
                                <td>{row.size}</td>
                                <td class="mono">{row.etag}</td>
                                <td class="mono">{row.last_modified}</td>
                            </tr>
                        </For>
                    </tbody>
                </table>
            </Show>
        </section>
    }
}
