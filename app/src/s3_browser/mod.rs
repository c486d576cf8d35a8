//! The simulated S3, as the S3 console shows it: buckets and prefixes as a tree (choosing one
//! sets where uploads go), drag-and-drop or a file picker into that prefix with a progress bar
//! for large files, and per object its size, ETag, LastModified, a preview of its first rows
//! and delete.
//!
//! Core builds the tree, picks the upload target, names overwrites and reads previews
//! (`gluelab_core::views::browse`); this module renders them and keeps view state only: which prefix
//! the user chose, which folders are open and which object is previewed. One file per part:
//! `tree` (the prefix tree), `upload` (drop zone, picker and progress), `partitions` (MSCK
//! REPAIR TABLE for a partitioned table's folder), `objects` (the table) and `preview` (an
//! object's first rows).

mod objects;
mod partitions;
mod preview;
mod tree;
mod upload;

use gluelab_core::demo;
use gluelab_core::model::store::S3Uri;
use gluelab_core::views::browse::{Expansion, FolderNode, FolderRole};
use leptos::prelude::*;

use crate::i18n::{catalog, t, with_data};
use crate::state::{use_studio, Notice, Studio};

/// The browser's view state, shared by its parts through context.
#[derive(Clone, Copy)]
struct Browser {
    /// The prefix the user chose; `None` follows core's default (the job's source prefix).
    chosen: RwSignal<Option<S3Uri>>,
    expansion: RwSignal<Expansion>,
    /// The object whose first rows are shown under its row.
    previewing: RwSignal<Option<S3Uri>>,
    /// Where files go now, as core decides from the choice and the workspace.
    target: Memo<Option<S3Uri>>,
    tree: Memo<Vec<FolderNode>>,
}

impl Browser {
    fn new(studio: Studio) -> Self {
        let chosen = RwSignal::new(None::<S3Uri>);
        let target = Memo::new(move |_| {
            let job = studio.job_name();
            chosen.with(|c| studio.workspace.with(|ws| ws.upload_target(job.as_deref(), c.as_ref())))
        });
        // The target is pinned so a new folder shows before any file is in it.
        let tree = Memo::new(move |_| {
            let extra: Vec<S3Uri> = target.get().into_iter().collect();
            studio.workspace.with(|ws| ws.browse_tree(&extra))
        });
        let expansion = RwSignal::new(Expansion::default());
        // Wherever the target moves (a choice, another workspace), the way to it opens.
        Effect::new(move |_| {
            if let Some(target) = target.get() {
                expansion.update(|e| e.reveal(&target));
            }
        });
        // A partition folder the catalog does not hold yet is a warning: it is never left
        // folded out of sight (a user may fold it again; it opens when the tree next changes).
        Effect::new(move |_| {
            let waiting = tree.with(|tree| unregistered_partitions(tree));
            if !waiting.is_empty() {
                expansion.update(|e| waiting.iter().for_each(|folder| e.reveal(folder)));
            }
        });
        Self {
            chosen,
            expansion,
            previewing: RwSignal::new(None),
            target,
            tree,
        }
    }
}

/// The folders of `tree` badged "not registered".
fn unregistered_partitions(tree: &[FolderNode]) -> Vec<S3Uri> {
    let mut out = vec![];
    for node in tree {
        let waiting = node
            .roles
            .iter()
            .any(|role| matches!(role, FolderRole::Partition { registered: false, .. }));
        if waiting {
            out.push(node.uri.clone());
        }
        out.extend(unregistered_partitions(&node.folders));
    }
    out
}

fn use_browser() -> Browser {
    expect_context::<Browser>()
}

#[component]
pub fn S3Browser() -> impl IntoView {
    let studio = use_studio();
    provide_context(Browser::new(studio));
    view! {
        <section class="panel s3-browser" aria-labelledby="s3-title">
            <h2 id="s3-title">"S3"</h2>
            // The article's files are one click away wherever its job is the workbench's job.
            <Show when=move || studio.job_name().as_deref() == Some(demo::JOB_NAME)>
                <SeedUploads/>
            </Show>
            <div class="s3-top">
                <tree::PrefixTree/>
                <upload::Uploads/>
            </div>
            <partitions::RepairPartitions/>
            <objects::ObjectTable/>
        </section>
    }
}

/// The seed article's two files, uploaded where the article uploads them: the job's source
/// prefix, whatever prefix is chosen (which then follows, so the file is in view).
#[component]
fn SeedUploads() -> impl IntoView {
    let studio = use_studio();
    let browser = use_browser();
    let upload = move |name: &'static str, body: &'static str| {
        let Some(job) = studio.job_name() else { return };
        let uploaded = studio.act(|ws| {
            let prefix = ws.source_prefix(&job)?;
            ws.upload_into(&prefix, name, body.as_bytes().to_vec())
        });
        if let Some(uploaded) = uploaded {
            browser.chosen.set(None);
            studio.notice.set(Some(Notice::Info(uploaded.notice(catalog()))));
        }
    };
    view! {
        <div class="actions">
            {demo::raw_files()
                .into_iter()
                .map(|(key, body)| {
                    let name = key.rsplit('/').next().unwrap_or(key);
                    let label = with_data(t("Upload {name}"), "name", name.to_string());
                    view! {
                        <button class="btn upload-seed" on:click=move |_| upload(name, body)>{label}</button>
                    }
                })
                .collect_view()}
        </div>
    }
}
