//! "Register partitions": `MSCK REPAIR TABLE` (`Workspace::repair_partitions`) for the
//! partitioned table whose folder is chosen, one undo step, with a notice of what it added.

use gluelab_core::views::browse::{find_folder, FolderRole};
use leptos::prelude::*;

use super::use_browser;
use crate::i18n::with_data;
use crate::i18n::{t, tf};
use crate::state::{use_studio, Notice};

/// The button, shown while the chosen folder is a partitioned table's location or one of its
/// partition folders that the catalog does not list yet.
#[component]
pub fn RepairPartitions() -> impl IntoView {
    let studio = use_studio();
    let browser = use_browser();
    let table = Memo::new(move |_| {
        let roles = browser.target.with(|target| {
            browser.tree.with(|tree| {
                target
                    .as_ref()
                    .and_then(|t| find_folder(tree, t))
                    .map(|folder| folder.roles.clone())
                    .unwrap_or_default()
            })
        });
        studio.workspace.with(|ws| {
            roles.into_iter().find_map(|role| match role {
                FolderRole::Table { database, table }
                    if ws.catalog().table(&database, &table).is_ok_and(|t| t.is_partitioned()) =>
                {
                    Some((database, table))
                }
                FolderRole::Partition {
                    database,
                    table,
                    registered: false,
                    ..
                } => Some((database, table)),
                _ => None,
            })
        })
    });
    let repair = move |_| {
        let Some((database, table)) = table.get_untracked() else {
            return;
        };
        let added = studio.act(|ws| {
            let added = ws.repair_partitions(&database, &table)?;
            let t = ws.catalog().table(&database, &table)?;
            Ok(added.iter().map(|p| t.partition_name(p)).collect::<Vec<_>>())
        });
        if let Some(names) = added {
            let text = match names.as_slice() {
                [] => tf(
                    "MSCK REPAIR TABLE {database}.{table}: no new partition folder, nothing added",
                    &[("database", &database), ("table", &table)],
                ),
                _ => tf(
                    "MSCK REPAIR TABLE {database}.{table}: added {partitions}",
                    &[
                        ("database", &database),
                        ("table", &table),
                        ("partitions", &names.join(", ")),
                    ],
                ),
            };
            studio.notice.set(Some(Notice::Info(text)));
        }
    };
    move || {
        table.get().map(|(database, table)| {
            let about = with_data(
                t("Registers the key=value folders under {table}'s location that its catalog entry lacks: a catalog read lists only registered partitions."),
                "table",
                format!("{database}.{table}"),
            );
            view! {
                <div class="repair-partitions">
                    <button class="btn secondary small" id="repair-partitions" on:click=repair>
                        {t("Register partitions")} " " <span translate="no">"(MSCK REPAIR TABLE)"</span>
                    </button>
                    <p>{about}</p>
                </div>
            }
        })
    }
}
