//! The store as a tree: bucket → folders (keys split on `/`) → objects, each folder with the
//! number and bytes of the objects below it, in S3's key order so the tree never reshuffles.
//!
//! S3 has no folders, only keys; a folder shows because an object is under it, or because the
//! workspace gives it a role (a catalog table's location, a job's source) or the user chose it.
//! Those are "pinned", so an empty table location can be chosen before any file is in it.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::clock::Millis;
use crate::model::store::{ObjectStore, S3Uri};
use crate::workspace::Workspace;

/// One object as a listing shows it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectSummary {
    pub uri: S3Uri,
    /// The key's last segment, what the tree shows under its folder.
    pub name: String,
    pub size: u64,
    /// Quoted, as S3 returns it.
    pub etag: String,
    pub last_modified: Millis,
}

/// A bucket (key `""`) or a folder (key ending in `/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderNode {
    /// `s3://bucket/` or `s3://bucket/a/b/`.
    pub uri: S3Uri,
    /// The bucket's name or the folder's own segment.
    pub name: String,
    /// Sub-folders, by name in byte order (S3's listing order).
    pub folders: Vec<FolderNode>,
    /// Objects directly in this folder, by name.
    pub objects: Vec<ObjectSummary>,
    /// Objects anywhere below, and their total size.
    pub object_count: usize,
    pub total_bytes: u64,
    /// What the folder is to the workspace.
    pub roles: Vec<FolderRole>,
}

/// Why a folder matters to the workspace, shown next to it in the tree.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FolderRole {
    /// A catalog table's location.
    Table { database: String, table: String },
    /// Where a job's first source reads (where uploads go by default).
    Source { job: String },
    /// A partition folder (`year=2026/month=02/`) of a partitioned table, registered in the
    /// catalog or not (a catalog read lists only registered ones).
    Partition {
        database: String,
        table: String,
        partition: String,
        registered: bool,
    },
}

impl FolderRole {
    /// One word for a badge; the `Display` text says which table or job.
    pub fn badge(&self) -> &'static str {
        match self {
            FolderRole::Table { .. } => "table",
            FolderRole::Source { .. } => "source",
            FolderRole::Partition { registered: true, .. } => "partition",
            FolderRole::Partition { registered: false, .. } => "not registered",
        }
    }
}

impl std::fmt::Display for FolderRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FolderRole::Table { database, table } => write!(f, "location of table {database}.{table}"),
            FolderRole::Source { job } => write!(f, "source of job {job}"),
            FolderRole::Partition {
                database,
                table,
                partition,
                registered: true,
            } => write!(f, "partition {partition} of table {database}.{table}"),
            FolderRole::Partition {
                database,
                table,
                partition,
                ..
            } => write!(
                f,
                "partition folder {partition} that table {database}.{table} does not hold yet: a catalog read skips it until MSCK REPAIR TABLE (or a crawler) registers it"
            ),
        }
    }
}

impl FolderNode {
    /// Every object below this folder, in key order (as `aws s3 ls --recursive` lists them).
    pub fn objects_below(&self) -> Vec<&ObjectSummary> {
        let mut all = vec![];
        self.collect(&mut all);
        all.sort_by(|a, b| a.uri.key.cmp(&b.uri.key));
        all
    }

    fn collect<'a>(&'a self, into: &mut Vec<&'a ObjectSummary>) {
        into.extend(&self.objects);
        for folder in &self.folders {
            folder.collect(into);
        }
    }
}

/// The folder or bucket at `uri` (a key with or without its final `/`).
pub fn find_folder<'t>(tree: &'t [FolderNode], uri: &S3Uri) -> Option<&'t FolderNode> {
    let wanted = uri.folder_prefix();
    let mut node = tree.iter().find(|b| b.uri.bucket == uri.bucket)?;
    while node.uri.key != wanted {
        node = node.folders.iter().find(|f| wanted.starts_with(&f.uri.key))?;
    }
    Some(node)
}

/// A folder on its way to becoming a [`FolderNode`].
#[derive(Default)]
struct Draft {
    folders: BTreeMap<String, Draft>,
    objects: Vec<ObjectSummary>,
    roles: Vec<FolderRole>,
}

impl Draft {
    /// The draft of the folder `segments` below this one, made on the way.
    fn folder(&mut self, segments: &[&str]) -> &mut Draft {
        segments.iter().fold(self, |draft, segment| {
            draft.folders.entry(segment.to_string()).or_default()
        })
    }

    fn finish(self, uri: S3Uri, name: String) -> FolderNode {
        let folders: Vec<FolderNode> = self
            .folders
            .into_iter()
            .map(|(segment, draft)| {
                let key = format!("{}{segment}/", uri.key);
                draft.finish(S3Uri::new(&uri.bucket, key), segment)
            })
            .collect();
        let object_count = self.objects.len() + folders.iter().map(|f| f.object_count).sum::<usize>();
        let total_bytes =
            self.objects.iter().map(|o| o.size).sum::<u64>() + folders.iter().map(|f| f.total_bytes).sum::<u64>();
        FolderNode {
            uri,
            name,
            folders,
            objects: self.objects,
            object_count,
            total_bytes,
            roles: self.roles,
        }
    }
}

/// The tree of every bucket in `store`, with `pinned` folders (and their roles) shown even when
/// empty. A pinned folder in a bucket that does not exist is left out: nothing could go there.
pub fn build_tree(store: &ObjectStore, pinned: &[(S3Uri, Option<FolderRole>)]) -> Vec<FolderNode> {
    store
        .buckets()
        .map(|bucket| {
            let mut root = Draft::default();
            for object in bucket.objects().values() {
                let mut segments: Vec<&str> = object.key.split('/').collect();
                let name = segments.pop().unwrap_or_default();
                root.folder(&segments).objects.push(ObjectSummary {
                    uri: S3Uri::new(&bucket.name, &object.key),
                    name: name.to_string(),
                    size: object.size(),
                    etag: object.etag.clone(),
                    last_modified: object.last_modified,
                });
            }
            for (uri, role) in pinned.iter().filter(|(uri, _)| uri.bucket == bucket.name) {
                let prefix = uri.folder_prefix();
                let segments: Vec<&str> = prefix
                    .strip_suffix('/')
                    .map(|p| p.split('/').collect())
                    .unwrap_or_default();
                let draft = root.folder(&segments);
                if let Some(role) = role.as_ref().filter(|r| !draft.roles.contains(r)) {
                    draft.roles.push(role.clone());
                }
            }
            root.finish(S3Uri::new(&bucket.name, ""), bucket.name.clone())
        })
        .collect()
}

impl Workspace {
    /// The store as a tree, with every catalog table's location and every job's source prefix
    /// pinned (and labelled), plus the `extra` folders a front end wants shown (a chosen one).
    pub fn browse_tree(&self, extra: &[S3Uri]) -> Vec<FolderNode> {
        let mut pinned: Vec<(S3Uri, Option<FolderRole>)> = vec![];
        for table in self.catalog.databases().flat_map(|d| d.tables.values()) {
            if let Ok(location) = table.location_uri() {
                let role = FolderRole::Table {
                    database: table.database.clone(),
                    table: table.name.clone(),
                };
                pinned.push((location, Some(role)));
            }
            for found in table.discover_partitions(&self.store).unwrap_or_default() {
                let Ok(uri) = S3Uri::parse(&found.location) else {
                    continue;
                };
                let role = FolderRole::Partition {
                    database: table.database.clone(),
                    table: table.name.clone(),
                    partition: table.partition_name(&found),
                    registered: table.partitions.iter().any(|p| p.values == found.values),
                };
                pinned.push((uri, Some(role)));
            }
        }
        for job in self.jobs.keys() {
            if let Ok(prefix) = self.source_prefix(job) {
                pinned.push((prefix, Some(FolderRole::Source { job: job.clone() })));
            }
        }
        pinned.extend(extra.iter().map(|uri| (uri.clone(), None)));
        build_tree(&self.store, &pinned)
    }
}

/// Which folders are open: buckets by default, other folders once opened. A user's toggle
/// flips a folder from its default; [`Expansion::reveal`] opens the way to a folder, so choosing
/// one never closes another (a tree that shifts under the pointer loses its user).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expansion {
    pub toggled: BTreeSet<S3Uri>,
}

impl Expansion {
    pub fn is_open(&self, folder: &S3Uri) -> bool {
        folder.key.is_empty() != self.toggled.contains(folder)
    }

    pub fn toggle(&mut self, folder: &S3Uri) {
        if !self.toggled.remove(folder) {
            self.toggled.insert(folder.clone());
        }
    }

    /// Opens the bucket and every folder down to `target`, itself included.
    pub fn reveal(&mut self, target: &S3Uri) {
        let prefix = target.folder_prefix();
        let ends = std::iter::once(0).chain(prefix.match_indices('/').map(|(i, _)| i + 1));
        for end in ends {
            let folder = S3Uri::new(&target.bucket, &prefix[..end]);
            if !self.is_open(&folder) {
                self.toggle(&folder);
            }
        }
    }
}

/// One visible line of a tree widget, with what WAI-ARIA's tree pattern needs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TreeRow {
    pub uri: S3Uri,
    pub name: String,
    /// 1-based depth (`aria-level`): buckets are 1.
    pub level: usize,
    /// 1-based position among its siblings, and their number (`aria-posinset`, `aria-setsize`).
    pub position: usize,
    pub siblings: usize,
    /// Index of the parent's row.
    pub parent: Option<usize>,
    /// Whether it has sub-folders, so it can open (`aria-expanded` is left out otherwise).
    pub has_folders: bool,
    pub open: bool,
    pub object_count: usize,
    pub total_bytes: u64,
    pub roles: Vec<FolderRole>,
}

/// The rows a tree widget shows: folders depth first, children of closed folders left out.
pub fn visible_rows(tree: &[FolderNode], is_open: impl Fn(&S3Uri) -> bool) -> Vec<TreeRow> {
    fn walk(
        nodes: &[FolderNode],
        level: usize,
        parent: Option<usize>,
        is_open: &dyn Fn(&S3Uri) -> bool,
        rows: &mut Vec<TreeRow>,
    ) {
        for (i, node) in nodes.iter().enumerate() {
            let open = is_open(&node.uri);
            rows.push(TreeRow {
                uri: node.uri.clone(),
                name: node.name.clone(),
                level,
                position: i + 1,
                siblings: nodes.len(),
                parent,
                has_folders: !node.folders.is_empty(),
                open,
                object_count: node.object_count,
                total_bytes: node.total_bytes,
                roles: node.roles.clone(),
            });
            if open {
                let me = rows.len() - 1;
                walk(&node.folders, level + 1, Some(me), is_open, rows);
            }
        }
    }
    let mut rows = vec![];
    walk(tree, 1, None, &is_open, &mut rows);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo;

    fn store(keys: &[(&str, usize)]) -> ObjectStore {
        let mut s = ObjectStore::default();
        s.create_bucket("zeta", 0).unwrap();
        s.create_bucket("alpha", 0).unwrap();
        for (key, size) in keys {
            s.put(&S3Uri::new("alpha", *key), vec![b'x'; *size], 1).unwrap();
        }
        s
    }

    fn names(nodes: &[FolderNode]) -> Vec<&str> {
        nodes.iter().map(|n| n.name.as_str()).collect()
    }

    #[test]
    fn folders_split_on_slashes_with_counts_and_bytes_in_key_order() {
        let s = store(&[
            ("b/2.json", 20),
            ("a.csv", 1),
            ("b/c/3.json", 300),
            ("b/1.json", 10),
            ("B/x", 4),
        ]);
        let tree = build_tree(&s, &[]);
        assert_eq!(names(&tree), ["alpha", "zeta"]);
        let alpha = &tree[0];
        assert_eq!((alpha.object_count, alpha.total_bytes), (5, 335));
        assert_eq!(names(&alpha.folders), ["B", "b"], "byte order, as S3 lists");
        assert_eq!(alpha.objects[0].name, "a.csv");
        let b = &alpha.folders[1];
        assert_eq!(b.uri, S3Uri::new("alpha", "b/"));
        assert_eq!((b.object_count, b.total_bytes), (3, 330));
        assert_eq!(
            b.objects.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(),
            ["1.json", "2.json"]
        );
        assert_eq!(b.folders[0].uri.key, "b/c/");
        let keys: Vec<&str> = b.objects_below().iter().map(|o| o.uri.key.as_str()).collect();
        assert_eq!(keys, ["b/1.json", "b/2.json", "b/c/3.json"]);
        assert_eq!(tree[1].object_count, 0);
        assert_eq!(build_tree(&s, &[]), tree, "the same store gives the same tree");
    }

    #[test]
    fn partition_folders_say_whether_the_catalog_holds_them() {
        let mut ws = crate::demo::examples::load("partitioned-orders").unwrap();
        let feb = S3Uri::new("sales-lake", "orders/year=2026/month=02/orders-1.json");
        ws.put_object(&feb, b"{}\n".to_vec()).unwrap();
        let badges = |ws: &Workspace| {
            let mut badges = vec![];
            fn walk(node: &FolderNode, out: &mut Vec<(String, String)>) {
                for role in &node.roles {
                    if let FolderRole::Partition { partition, .. } = role {
                        out.push((partition.clone(), role.badge().to_string()));
                    }
                }
                node.folders.iter().for_each(|f| walk(f, out));
            }
            ws.browse_tree(&[]).iter().for_each(|b| walk(b, &mut badges));
            badges
        };
        let month = |b: &[(String, String)], m: &str| b.iter().find(|(p, _)| p.contains(m)).unwrap().1.clone();
        assert_eq!(month(&badges(&ws), "month=01"), "partition");
        assert_eq!(month(&badges(&ws), "month=02"), "not registered");
        ws.repair_partitions("lake", "orders").unwrap();
        assert_eq!(month(&badges(&ws), "month=02"), "partition");
    }

    #[test]
    fn pinned_folders_show_when_empty_and_carry_their_roles() {
        let s = store(&[("in/a.json", 1)]);
        let table = |t: &str| {
            Some(FolderRole::Table {
                database: "db".into(),
                table: t.into(),
            })
        };
        let source = || Some(FolderRole::Source { job: "j".into() });
        let pins = [
            (S3Uri::new("alpha", "tables/t1"), table("t1")),
            (S3Uri::new("alpha", "in/"), source()),
            (S3Uri::new("alpha", "in"), source()),
            (S3Uri::new("zeta", ""), None),
            (S3Uri::new("missing", "x/"), table("gone")),
        ];
        let tree = build_tree(&s, &pins);
        assert_eq!(tree.len(), 2, "no bucket is invented");
        let t1 = find_folder(&tree, &S3Uri::new("alpha", "tables/t1")).unwrap();
        assert_eq!(t1.object_count, 0);
        assert_eq!(t1.roles[0].to_string(), "location of table db.t1");
        assert_eq!(t1.roles[0].badge(), "table");
        let input = find_folder(&tree, &S3Uri::new("alpha", "in/")).unwrap();
        assert_eq!(input.roles, [source().unwrap()], "a role once");
        assert!(find_folder(&tree, &S3Uri::new("alpha", "nope/")).is_none());
        assert_eq!(find_folder(&tree, &S3Uri::new("zeta", "")).unwrap().name, "zeta");
    }

    #[test]
    fn odd_keys_keep_their_empty_segments() {
        let s = store(&[("a//b", 1), ("/lead", 2)]);
        let tree = build_tree(&s, &[]);
        let alpha = &tree[0];
        assert_eq!(names(&alpha.folders), ["", "a"]);
        assert_eq!(alpha.folders[1].folders[0].uri.key, "a//");
        assert_eq!(alpha.objects_below().len(), 2);
    }

    #[test]
    fn the_workspace_pins_table_locations_and_job_sources() {
        let ws = demo::seed_workspace().unwrap();
        let tree = ws.browse_tree(&[S3Uri::new(demo::analytics_bucket(), "scratch/")]);
        let raw = find_folder(&tree, &S3Uri::new(demo::raw_bucket(), "raw-data/")).unwrap();
        let roles: Vec<String> = raw.roles.iter().map(ToString::to_string).collect();
        assert_eq!(
            roles,
            [
                format!("location of table {}.{}", demo::DATABASE, demo::SOURCE_TABLE),
                format!("source of job {}", demo::JOB_NAME)
            ]
        );
        let analytics = find_folder(&tree, &S3Uri::new(demo::analytics_bucket(), "")).unwrap();
        assert_eq!(names(&analytics.folders), ["integrated-data", "scratch"]);
    }

    #[test]
    fn visible_rows_follow_the_expansion_with_aria_positions() {
        let s = store(&[("b/c/1", 1), ("a/1", 1)]);
        let tree = build_tree(&s, &[]);
        let mut expansion = Expansion::default();
        let closed = visible_rows(&tree, |uri| expansion.is_open(uri));
        assert_eq!(closed.len(), 4, "buckets open, folders closed: {closed:?}");
        expansion.reveal(&S3Uri::new("alpha", "b/c"));
        let rows = |e: &Expansion| -> Vec<(String, usize, bool)> {
            visible_rows(&tree, |uri| e.is_open(uri))
                .into_iter()
                .map(|r| (r.uri.to_string(), r.level, r.open))
                .collect()
        };
        assert_eq!(
            rows(&expansion),
            [
                ("s3://alpha/".to_string(), 1, true),
                ("s3://alpha/a/".to_string(), 2, false),
                ("s3://alpha/b/".to_string(), 2, true),
                ("s3://alpha/b/c/".to_string(), 3, true),
                ("s3://zeta/".to_string(), 1, true),
            ]
        );
        expansion.toggle(&S3Uri::new("alpha", "b/"));
        assert_eq!(rows(&expansion).len(), 4, "closing b hides c");
        expansion.toggle(&S3Uri::new("alpha", "b/"));
        expansion.toggle(&S3Uri::new("alpha", ""));
        assert_eq!(rows(&expansion).len(), 2, "a closed bucket shows no folders");
        expansion.reveal(&S3Uri::new("alpha", "a/"));
        let revealed = rows(&expansion);
        assert_eq!(
            revealed.len(),
            5,
            "revealing reopens the bucket and closes nothing: {revealed:?}"
        );
        assert!(revealed[1].2 && revealed[2].2 && revealed[3].2, "{revealed:?}");
        let all = visible_rows(&tree, |_| true);
        let b = &all[2];
        assert_eq!((b.position, b.siblings, b.parent, b.has_folders), (2, 2, Some(0), true));
        assert_eq!(
            (all[3].parent, all[3].has_folders, all[3].object_count),
            (Some(2), false, 1)
        );
        assert_eq!((all[4].position, all[4].siblings, all[4].parent), (2, 2, None));
    }
}
