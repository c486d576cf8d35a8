//! The objects under the chosen prefix, in key order: size (exact bytes in its title), ETag,
//! LastModified, and per object a preview of its first rows and delete.

use gluelab_core::model::clock::iso8601;
use gluelab_core::model::store::S3Uri;
use gluelab_core::views::browse::{find_folder, human_size, ObjectSummary};
use leptos::prelude::*;

use super::preview::ObjectPreviewView;
use super::use_browser;
use crate::i18n::with_data;
use crate::i18n::{t, tf};
use crate::state::{use_studio, Notice};

#[component]
pub fn ObjectTable() -> impl IntoView {
    let browser = use_browser();
    let objects = Memo::new(move |_| {
        browser.target.with(|target| {
            browser.tree.with(|tree| {
                target
                    .as_ref()
                    .and_then(|t| find_folder(tree, t))
                    .map(|folder| folder.objects_below().into_iter().cloned().collect::<Vec<_>>())
                    .unwrap_or_default()
            })
        })
    });
    let title = move || {
        let count = objects.with(Vec::len);
        browser.target.get().map(|target| {
            let message = if count == 1 {
                tf("{count} object under {prefix}", &[("count", &count)])
            } else {
                tf("{count} objects under {prefix}", &[("count", &count)])
            };
            with_data(&message, "prefix", target.to_string())
        })
    };
    view! {
        <h3 class="objects-title" id="objects-title">{title}</h3>
        <Show
            when=move || !objects.with(Vec::is_empty)
            fallback=|| view! { <p class="empty">{t("No objects yet: upload a file.")}</p> }
        >
            <table class="objects" aria-labelledby="objects-title">
                <thead>
                    <tr>
                        <th>{t("Key")}</th>
                        <th>{t("Size")}</th>
                        <th translate="no">"ETag"</th>
                        <th translate="no">"LastModified"</th>
                        <th><span class="visually-hidden">{t("Actions")}</span></th>
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=move || objects.get()
                        key=|o| (o.uri.clone(), o.etag.clone(), o.last_modified)
                        children=move |object| view! { <ObjectRow object/> }
                    />
                </tbody>
            </table>
        </Show>
    }
}

/// A key or address with a line-break opportunity after each `/`, so a narrow column breaks it
/// between folders rather than inside a name.
pub fn breakable_path(path: &str) -> impl IntoView {
    path.split_inclusive('/')
        .map(|segment| view! { {segment.to_string()}<wbr/> })
        .collect_view()
}

/// An id for the object's preview row (ids cannot hold '/' comfortably in CSS selectors).
fn preview_id(uri: &S3Uri) -> String {
    let safe: String = uri
        .key
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("preview-{safe}")
}

#[component]
fn ObjectRow(object: ObjectSummary) -> impl IntoView {
    let studio = use_studio();
    let browser = use_browser();
    let uri = object.uri.clone();
    let open = {
        let uri = uri.clone();
        move || browser.previewing.with(|p| p.as_ref() == Some(&uri))
    };
    let toggle = {
        let uri = uri.clone();
        move |_| {
            browser.previewing.update(|p| {
                *p = if p.as_ref() == Some(&uri) {
                    None
                } else {
                    Some(uri.clone())
                };
            })
        }
    };
    let delete = {
        let uri = uri.clone();
        move |_| {
            if studio.act(|ws| ws.delete_object(&uri)).is_some() {
                browser.previewing.update(|p| {
                    if p.as_ref() == Some(&uri) {
                        *p = None;
                    }
                });
                studio
                    .notice
                    .set(Some(Notice::Info(tf("Deleted {uri}.", &[("uri", &uri)]))));
            }
        }
    };
    let id = preview_id(&uri);
    let bytes = tf("{bytes} bytes", &[("bytes", &object.size)]);
    let modified = iso8601(object.last_modified).replace('T', " ");
    let open_label = open.clone();
    let open_aria = open.clone();
    view! {
        <tr class="object-row" class:previewing=open.clone()>
            <td class="mono key" translate="no" title=uri.to_string()>{breakable_path(&object.uri.key)}</td>
            <td class="size" title=bytes>{human_size(object.size)}</td>
            <td class="mono etag" translate="no">{object.etag.clone()}</td>
            <td class="mono modified" translate="no">{modified}</td>
            <td class="object-actions">
                <button
                    class="link preview-object"
                    aria-expanded=move || open_aria().to_string()
                    aria-controls=id.clone()
                    aria-label=tf("Preview {name}", &[("name", &object.name)])
                    on:click=toggle
                >
                    {move || if open_label() { t("hide") } else { t("preview") }}
                </button>
                <button class="link delete-object" aria-label=tf("Delete {name}", &[("name", &object.name)]) on:click=delete>
                    {t("delete")}
                </button>
            </td>
        </tr>
        <Show when=open>
            <tr class="object-preview-row" id=id.clone()>
                <td colspan="5">
                    <ObjectPreviewView uri=uri.clone()/>
                </td>
            </tr>
        </Show>
    }
}
