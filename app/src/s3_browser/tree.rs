//! The prefix tree: buckets and folders, following WAI-ARIA's tree pattern (one tab stop;
//! arrows move, Right/Left open, close and walk to parents, Home/End jump, Enter or Space
//! chooses). Choosing a folder makes it the upload target and lists its objects. Below it, a
//! new folder can be made in the chosen one, as the console's "Create folder" does.

use gluelab_core::model::store::S3Uri;
use gluelab_core::views::browse::{folder_under, human_size, visible_rows, FolderRole, TreeRow};
use leptos::prelude::*;

use super::{use_browser, Browser};
use crate::editor::focus;
use crate::i18n::{t, tf};
use crate::state::{use_studio, Notice};

/// What a key does in the tree.
#[derive(Debug, Clone, PartialEq)]
enum TreeAction {
    Focus(usize),
    Toggle(S3Uri),
    Choose(S3Uri),
}

/// The tree pattern's keys, for the row at `at` of the visible `rows`.
fn key_action(rows: &[TreeRow], at: usize, key: &str) -> Option<TreeAction> {
    let row = rows.get(at)?;
    match key {
        "ArrowDown" => (at + 1 < rows.len()).then_some(TreeAction::Focus(at + 1)),
        "ArrowUp" => at.checked_sub(1).map(TreeAction::Focus),
        "Home" => Some(TreeAction::Focus(0)),
        "End" => Some(TreeAction::Focus(rows.len() - 1)),
        "ArrowRight" if row.has_folders && !row.open => Some(TreeAction::Toggle(row.uri.clone())),
        "ArrowRight" if row.has_folders => Some(TreeAction::Focus(at + 1)),
        "ArrowLeft" if row.has_folders && row.open => Some(TreeAction::Toggle(row.uri.clone())),
        "ArrowLeft" => row.parent.map(TreeAction::Focus),
        "Enter" | " " => Some(TreeAction::Choose(row.uri.clone())),
        _ => None,
    }
}

fn item_id(index: usize) -> String {
    format!("s3-tree-item-{index}")
}

/// Focuses the row showing `uri` once the tree has re-rendered (a toggle re-creates the row).
fn focus_later(rows: Memo<Vec<TreeRow>>, focused: RwSignal<Option<usize>>, uri: S3Uri) {
    request_animation_frame(move || {
        if let Some(i) = rows.with_untracked(|rows| rows.iter().position(|r| r.uri == uri)) {
            focused.set(Some(i));
            focus(&item_id(i));
        }
    });
}

#[component]
pub fn PrefixTree() -> impl IntoView {
    let browser = use_browser();
    let rows = Memo::new(move |_| {
        browser
            .expansion
            .with(|e| browser.tree.with(|tree| visible_rows(tree, |uri| e.is_open(uri))))
    });
    // The row that holds the tree's one tab stop: the focused one, else the target's.
    let focused = RwSignal::new(None::<usize>);
    let tab_stop = Memo::new(move |_| {
        let count = rows.with(Vec::len);
        focused.get().filter(|i| *i < count).unwrap_or_else(|| {
            browser
                .target
                .with(|t| rows.with(|rows| rows.iter().position(|r| Some(&r.uri) == t.as_ref())))
                .unwrap_or(0)
        })
    });
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let at = tab_stop.get_untracked();
        let Some(action) = rows.with_untracked(|rows| key_action(rows, at, &ev.key())) else {
            return;
        };
        ev.prevent_default();
        let uri = rows.with_untracked(|rows| rows[at].uri.clone());
        match action {
            TreeAction::Focus(i) => {
                focused.set(Some(i));
                focus(&item_id(i));
            }
            TreeAction::Toggle(folder) => {
                browser.expansion.update(|e| e.toggle(&folder));
                focus_later(rows, focused, uri);
            }
            TreeAction::Choose(folder) => {
                browser.chosen.set(Some(folder));
                focus_later(rows, focused, uri);
            }
        }
    };
    view! {
        <div class="s3-tree-pane">
            <Show
                when=move || !rows.with(Vec::is_empty)
                fallback=|| view! { <p class="empty">{t("No buckets: load an example to get some.")}</p> }
            >
                <ul class="s3-tree" role="tree" aria-label=t("Buckets and prefixes") id="s3-tree" on:keydown=on_key>
                    <For
                        each=move || rows.get().into_iter().enumerate()
                        key=|(i, row)| (*i, row.clone())
                        children=move |(index, row)| view! { <TreeItem index row focused tab_stop/> }
                    />
                </ul>
            </Show>
            <NewFolder/>
            <NewBucket/>
        </div>
    }
}

/// `3 · 1.2 KB` (or `empty`), and its longer form for the title.
fn folder_counts(row: &TreeRow) -> (String, String) {
    if row.object_count == 0 {
        return (t("empty").into(), t("no objects below yet").into());
    }
    let args: [(&str, &dyn std::fmt::Display); 2] = [("count", &row.object_count), ("bytes", &row.total_bytes)];
    let title = if row.object_count == 1 {
        tf("{count} object below, {bytes} bytes", &args)
    } else {
        tf("{count} objects below, {bytes} bytes", &args)
    };
    (format!("{} · {}", row.object_count, human_size(row.total_bytes)), title)
}

/// A folder role's badge: one word.
fn role_badge(role: &FolderRole) -> &'static str {
    match role {
        FolderRole::Table { .. } => t("table"),
        FolderRole::Source { .. } => t("source"),
        FolderRole::Partition { registered: true, .. } => t("partition"),
        FolderRole::Partition { registered: false, .. } => t("not registered"),
    }
}

/// What a folder role means, which table or job: the badge's title.
fn role_title(role: &FolderRole) -> String {
    match role {
        FolderRole::Table { database, table } => tf(
            "location of table {database}.{table}",
            &[("database", database), ("table", table)],
        ),
        FolderRole::Source { job } => tf("source of job {job}", &[("job", job)]),
        FolderRole::Partition {
            database,
            table,
            partition,
            registered: true,
        } => tf(
            "partition {partition} of table {database}.{table}",
            &[("partition", partition), ("database", database), ("table", table)],
        ),
        FolderRole::Partition {
            database,
            table,
            partition,
            ..
        } => tf(
            "partition folder {partition} that table {database}.{table} does not hold yet: a catalog read skips it until MSCK REPAIR TABLE (or a crawler) registers it",
            &[("partition", partition), ("database", database), ("table", table)],
        ),
    }
}

#[component]
fn TreeItem(index: usize, row: TreeRow, focused: RwSignal<Option<usize>>, tab_stop: Memo<usize>) -> impl IntoView {
    let browser: Browser = use_browser();
    let (counts, counts_title) = folder_counts(&row);
    let selected = {
        let uri = row.uri.clone();
        move || browser.target.with(|t| t.as_ref() == Some(&uri))
    };
    let twisty = match (row.has_folders, row.open) {
        (false, _) => "",
        (true, true) => "▾",
        (true, false) => "▸",
    };
    let choose = {
        let uri = row.uri.clone();
        move |_| {
            focused.set(Some(index));
            browser.chosen.set(Some(uri.clone()));
        }
    };
    let toggle = {
        let uri = row.uri.clone();
        move |ev: web_sys::MouseEvent| {
            ev.stop_propagation();
            browser.expansion.update(|e| e.toggle(&uri));
        }
    };
    let badges = row
        .roles
        .iter()
        .map(|role| {
            let class = match role {
                FolderRole::Partition { registered: false, .. } => "role-badge warn",
                _ => "role-badge",
            };
            view! { <span class=class title=role_title(role)>{role_badge(role)}</span> }
        })
        .collect_view();
    let (name, translate) = if row.name.is_empty() {
        (t("(empty name)").to_string(), None)
    } else {
        (row.name.clone(), Some("no"))
    };
    view! {
        <li
            role="treeitem"
            class="tree-item"
            id=item_id(index)
            title=row.uri.to_string()
            aria-posinset=row.position.to_string()
            aria-setsize=row.siblings.to_string()
            aria-expanded=row.has_folders.then(|| row.open.to_string())
            aria-selected=move || selected().to_string()
            tabindex=move || if tab_stop.get() == index { "0" } else { "-1" }
            // A style property, not a `style` attribute: the page's CSP refuses inline styles.
            style:--level=(row.level - 1).to_string()
            on:click=choose
            on:focus=move |_| focused.set(Some(index))
        >
            <span class="twisty" aria-hidden="true" on:click=toggle>{twisty}</span>
            <span class="tree-name" translate=translate>{name}</span>
            {badges}
            <span class="tree-counts" title=counts_title>{counts}</span>
        </li>
    }
    // Leptos's typed ARIA attributes lack `aria-level`: set as a plain attribute.
    .attr("aria-level", row.level.to_string())
}

/// Makes a folder in the chosen prefix and chooses it. S3 has no folders: it shows in the tree
/// as long as it is chosen or holds an object.
#[component]
fn NewFolder() -> impl IntoView {
    let studio = use_studio();
    let browser = use_browser();
    let create = move |name: String| {
        let Some(parent) = browser.target.get_untracked() else {
            studio.notice.set(Some(Notice::Error(
                t("No bucket yet: create a bucket first, then folders in it.").into(),
            )));
            return false;
        };
        match folder_under(&parent, &name) {
            Ok(folder) => {
                browser.chosen.set(Some(folder));
                true
            }
            Err(e) => {
                studio.notice.set(Some(Notice::Error(e.to_string())));
                false
            }
        }
    };
    view! {
        <NameField id="new-folder-name" button_id="new-folder" label=t("New folder in the chosen prefix")
            placeholder=t("new folder name") button=t("New folder") create/>
    }
}

/// `s3 mb`: a bucket (S3's naming rules, core's message when broken), chosen at once.
#[component]
fn NewBucket() -> impl IntoView {
    let studio = use_studio();
    let browser = use_browser();
    let create = move |name: String| {
        let bucket = name.trim().to_string();
        let made = studio.act(|ws| ws.create_bucket(&bucket)).is_some();
        if made {
            browser.chosen.set(Some(S3Uri::new(&bucket, "")));
            studio.notice.set(Some(Notice::Info(format!("make_bucket: {bucket}"))));
        }
        made
    };
    view! {
        <NameField id="new-bucket-name" button_id="create-bucket" label=t("New bucket")
            placeholder=t("new bucket name") button=t("New bucket") create/>
    }
}

/// A name and a button (or Enter) that makes something of it; `create` says whether it did,
/// and the field empties when it did.
#[component]
fn NameField(
    id: &'static str,
    button_id: &'static str,
    label: &'static str,
    placeholder: &'static str,
    button: &'static str,
    create: impl Fn(String) -> bool + Copy + 'static,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let submit = move || {
        if create(name.get_untracked()) {
            name.set(String::new());
        }
    };
    view! {
        <div class="new-folder">
            <label for=id class="visually-hidden">{label}</label>
            <input
                class="input small"
                id=id
                placeholder=placeholder
                prop:value=move || name.get()
                on:input:target=move |ev| name.set(ev.target().value())
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    if ev.key() == "Enter" {
                        submit();
                    }
                }
            />
            <button class="btn secondary small" id=button_id on:click=move |_| submit()>{button}</button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gluelab_core::model::store::ObjectStore;
    use gluelab_core::views::browse::tree::build_tree;
    use gluelab_core::views::browse::Expansion;

    /// alpha/ (open) holding a/ (closed, with b/ in it) and c/ (open, no folders); zeta/ empty.
    fn rows() -> Vec<TreeRow> {
        let mut store = ObjectStore::default();
        for bucket in ["alpha", "zeta"] {
            store.create_bucket(bucket, 0).unwrap();
        }
        for key in ["a/b/1", "c/2"] {
            store.put(&S3Uri::new("alpha", key), vec![], 0).unwrap();
        }
        let tree = build_tree(&store, &[]);
        let mut expansion = Expansion::default();
        expansion.reveal(&S3Uri::new("alpha", "c/"));
        visible_rows(&tree, |uri| expansion.is_open(uri))
    }

    #[test]
    fn arrows_move_open_close_and_walk_to_parents() {
        let rows = rows();
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["alpha", "a", "c", "zeta"]);
        assert_eq!(key_action(&rows, 0, "ArrowDown"), Some(TreeAction::Focus(1)));
        assert_eq!(key_action(&rows, 3, "ArrowDown"), None, "the last row stays");
        assert_eq!(key_action(&rows, 0, "ArrowUp"), None);
        assert_eq!(key_action(&rows, 2, "Home"), Some(TreeAction::Focus(0)));
        assert_eq!(key_action(&rows, 0, "End"), Some(TreeAction::Focus(3)));
        let a = rows[1].uri.clone();
        assert_eq!(
            key_action(&rows, 1, "ArrowRight"),
            Some(TreeAction::Toggle(a.clone())),
            "opens a"
        );
        assert_eq!(
            key_action(&rows, 0, "ArrowRight"),
            Some(TreeAction::Focus(1)),
            "into an open one"
        );
        assert_eq!(key_action(&rows, 2, "ArrowRight"), None, "c has no folders");
        assert_eq!(
            key_action(&rows, 0, "ArrowLeft"),
            Some(TreeAction::Toggle(rows[0].uri.clone()))
        );
        assert_eq!(
            key_action(&rows, 1, "ArrowLeft"),
            Some(TreeAction::Focus(0)),
            "a closed one: its parent"
        );
        assert_eq!(
            key_action(&rows, 3, "ArrowLeft"),
            None,
            "a closed bucket with no folders has no parent"
        );
        assert_eq!(key_action(&rows, 1, "Enter"), Some(TreeAction::Choose(a.clone())));
        assert_eq!(key_action(&rows, 1, " "), Some(TreeAction::Choose(a)));
        assert_eq!(key_action(&rows, 1, "x"), None);
        assert_eq!(key_action(&rows, 9, "Enter"), None);
    }
}
