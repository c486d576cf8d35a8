//! Browsing the simulated S3 as the S3 console does: buckets and prefixes as a tree, uploads
//! into a chosen prefix (overwriting as S3 does), and a preview of an object's first rows.
//!
//! These are read models and actions for front ends, kept here so the workbench and the CLI
//! agree and hold no logic of their own: [`tree`] builds the prefix tree and the rows a tree
//! widget shows, [`preview`] reads the beginning of an object with the project's readers, and
//! this file holds uploads and the size texts both use.

pub mod preview;
pub mod tree;

use std::fmt;

use crate::error::{Error, Result};
use crate::i18n::Catalog;
use crate::model::schema_fit::SchemaFit;
use crate::model::store::S3Uri;
use crate::workspace::Workspace;

pub use preview::{FormatOrigin, ObjectPreview, PREVIEW_BYTES_LIMIT};
pub use tree::{find_folder, visible_rows, Expansion, FolderNode, FolderRole, ObjectSummary, TreeRow};

/// A size as people read it: `66 B`, `1.2 KB`, `20.0 MB`. Decimal units (1 KB = 1000 bytes),
/// as the rest of the workbench (the save note, the run's progress) counts them.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    // 999.96 KB would print as "1000.0 KB": move up a unit before rounding can reach 1000.
    while value >= 999.95 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// `12.0 of 30.5 MB`: how far an upload has come, in MB so the numbers move as it advances.
pub fn progress_text(catalog: &Catalog, done: u64, total: u64) -> String {
    let mb = |b: u64| format!("{:.1}", b as f64 / 1e6);
    catalog.tf(
        "{done} of {total} MB",
        &[("done", &mb(done.min(total))), ("total", &mb(total))],
    )
}

/// The largest file the workbench takes in one upload. The workspace lives in the tab's memory
/// (and each run copies it to the job-run worker), and a wasm32 buffer cannot reach 2 GiB.
pub const MAX_UPLOAD_BYTES: u64 = 1_000_000_000;

/// Refuses a file too large to upload before any of it is read, saying why.
pub fn check_upload_size(name: &str, size: u64) -> Result<()> {
    if size > MAX_UPLOAD_BYTES {
        return Err(Error::InvalidInput(format!(
            "{name} is {}: the workbench takes files up to {}, since the whole workspace lives in this tab's memory",
            human_size(size),
            human_size(MAX_UPLOAD_BYTES)
        )));
    }
    Ok(())
}

/// What an upload did: where the object landed, its ETag, and the ETag of the object it
/// replaced, since S3 overwrites a key silently and a user should not have to guess.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub uri: S3Uri,
    pub size: u64,
    pub etag: String,
    /// The ETag the key had before, when the upload overwrote an object.
    pub replaced: Option<String>,
    /// How the file's fields fit the table it landed under, when they do not.
    pub misfit: Option<SchemaFit>,
}

impl Upload {
    /// The notice a front end shows after the upload, in `catalog`'s language.
    pub fn notice(&self, catalog: &Catalog) -> String {
        let (uri, etag) = (&self.uri, &self.etag);
        let mut text = match &self.replaced {
            Some(old) if old == etag => catalog.tf(
                "Overwrote {uri} with identical content: ETag {etag} is unchanged, LastModified is new.",
                &[("uri", uri), ("etag", etag)],
            ),
            Some(old) => catalog.tf(
                "Overwrote {uri}: ETag {old} → {etag} (S3 keeps no older version here).",
                &[("uri", uri), ("old", old), ("etag", etag)],
            ),
            None => catalog.tf(
                "Uploaded {uri} ({size}, ETag {etag}).",
                &[("uri", uri), ("size", &human_size(self.size)), ("etag", etag)],
            ),
        };
        if let Some(warning) = self.misfit.as_ref().and_then(|fit| fit.warning(catalog)) {
            text.push_str(&catalog.tf(" Its fields do not fit the table: {warning}.", &[("warning", &warning)]));
        }
        text
    }
}

impl fmt::Display for Upload {
    /// The notice a front end shows after the upload, in English.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.notice(&Catalog::english()))
    }
}

/// The folder `name` under `parent` (`s3://b/raw/` + `2024/01` = `s3://b/raw/2024/01/`), as the
/// console's "Create folder" makes one. S3 has no folders: it exists once an object is under it.
pub fn folder_under(parent: &S3Uri, name: &str) -> Result<S3Uri> {
    let name = name.trim().trim_end_matches('/');
    let bad = |why: &str| Err(Error::InvalidInput(format!("folder name \"{name}\": {why}")));
    if name.is_empty() {
        return bad("type a name");
    }
    if name.starts_with('/') || name.split('/').any(str::is_empty) {
        return bad("'/' separates folders, so a name cannot start with one or hold two in a row");
    }
    if name.split('/').any(|segment| segment == "." || segment == "..") {
        return bad("'.' and '..' are not folders in S3");
    }
    Ok(S3Uri::new(&parent.bucket, format!("{}{name}/", parent.folder_prefix())))
}

impl Workspace {
    /// Puts `body` as `name` into the folder `prefix` (a key ending in `/`, or the bucket's
    /// root), overwriting an object of that name as S3 does, in one step of the clock.
    pub fn upload_into(&mut self, prefix: &S3Uri, name: &str, body: Vec<u8>) -> Result<Upload> {
        if name.is_empty() || name.contains('/') {
            return Err(Error::InvalidInput(format!(
                "\"{name}\" is not a file name: it must be non-empty and hold no '/'"
            )));
        }
        let uri = S3Uri::new(&prefix.bucket, format!("{}{name}", prefix.folder_prefix()));
        let replaced = self.store.get(&uri).ok().map(|o| o.etag.clone());
        let object = self.put_object(&uri, body)?;
        let (size, etag) = (object.size(), object.etag.clone());
        let misfit = self.misfit(&uri, &self.store.get(&uri)?.body);
        Ok(Upload {
            size,
            etag,
            uri,
            replaced,
            misfit,
        })
    }

    /// The jobs that read the catalog table `database.table`.
    pub fn jobs_reading(&self, database: &str, table: &str) -> Vec<String> {
        self.jobs
            .values()
            .filter(|j| {
                j.plan.sources.iter().any(|s| {
                    matches!(&s.input, crate::model::job::SourceInput::Catalog { database: d, table: t } if d == database && t == table)
                })
            })
            .map(|j| j.name.clone())
            .collect()
    }

    /// How the fields of `body`, at `uri`, fit the table that holds it, when they do not (a
    /// front end words it with [`SchemaFit::warning`]).
    pub(crate) fn misfit(&self, uri: &S3Uri, body: &[u8]) -> Option<SchemaFit> {
        let table = self.catalog.table_holding(uri)?;
        SchemaFit::of(table, &uri.to_string(), body).filter(|fit| fit.warning(&Catalog::english()).is_some())
    }

    /// Where files go: the prefix the user chose while its bucket exists (undo or loading
    /// another workspace can take it away), else the job's source prefix, else the first
    /// bucket's root. `None` when there is nowhere to put a file.
    pub fn upload_target(&self, job: Option<&str>, chosen: Option<&S3Uri>) -> Option<S3Uri> {
        if let Some(chosen) = chosen.filter(|c| self.store.bucket(&c.bucket).is_ok()) {
            return Some(S3Uri::new(&chosen.bucket, chosen.folder_prefix()));
        }
        if let Some(prefix) = job.and_then(|job| self.source_prefix(job).ok()) {
            return Some(prefix);
        }
        self.store.buckets().next().map(|b| S3Uri::new(&b.name, ""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo;

    #[test]
    fn a_file_over_the_upload_limit_is_refused_by_name_and_size() {
        assert!(check_upload_size("a.csv", MAX_UPLOAD_BYTES).is_ok());
        let e = check_upload_size("big.csv", 2_500_000_000).unwrap_err().to_string();
        assert!(e.contains("big.csv is 2.5 GB") && e.contains("up to 1.0 GB"), "{e}");
    }

    #[test]
    fn sizes_read_like_the_rest_of_the_workbench() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(66), "66 B");
        assert_eq!(human_size(999), "999 B");
        assert_eq!(human_size(1_000), "1.0 KB");
        assert_eq!(human_size(1_234), "1.2 KB");
        assert_eq!(human_size(999_960), "1.0 MB", "never 1000.0 KB");
        assert_eq!(human_size(20_971_520), "21.0 MB");
        assert_eq!(human_size(3_500_000_000), "3.5 GB");
        let en = Catalog::english();
        assert_eq!(progress_text(&en, 4_194_304, 20_971_520), "4.2 of 21.0 MB");
        assert_eq!(progress_text(&en, 9, 5), "0.0 of 0.0 MB", "never more done than total");
    }

    #[test]
    fn an_upload_into_a_prefix_says_whether_it_overwrote_and_the_etags() {
        let mut ws = demo::seed_workspace().unwrap();
        let root = S3Uri::new(demo::raw_bucket(), "");
        let first = ws.upload_into(&root, "a.csv", b"x,y\n".to_vec()).unwrap();
        assert_eq!(first.uri, S3Uri::new(demo::raw_bucket(), "a.csv"));
        assert_eq!(first.replaced, None);
        assert!(first.to_string().starts_with("Uploaded s3://"), "{first}");
        let folder = S3Uri::new(demo::raw_bucket(), "in");
        let nested = ws.upload_into(&folder, "a.csv", b"1".to_vec()).unwrap();
        assert_eq!(nested.uri.key, "in/a.csv", "a prefix without '/' is read as a folder");
        let second = ws.upload_into(&root, "a.csv", b"x,z\n".to_vec()).unwrap();
        assert_eq!(second.replaced.as_deref(), Some(first.etag.as_str()));
        assert_ne!(second.etag, first.etag);
        let notice = second.to_string();
        assert!(
            notice.contains("Overwrote") && notice.contains(&first.etag) && notice.contains(&second.etag),
            "{notice}"
        );
        let same = ws.upload_into(&root, "a.csv", b"x,z\n".to_vec()).unwrap();
        assert!(same.to_string().contains("identical content"), "{same}");
        assert!(ws.upload_into(&root, "a/b", vec![]).is_err());
        assert!(matches!(
            ws.upload_into(&S3Uri::new("no-such-bucket", ""), "a", vec![]),
            Err(Error::NoSuchBucket { .. })
        ));
    }

    #[test]
    fn folders_are_named_as_the_console_names_them() {
        let parent = S3Uri::new("b", "raw");
        assert_eq!(
            folder_under(&parent, " 2024/01/ ").unwrap(),
            S3Uri::new("b", "raw/2024/01/")
        );
        assert_eq!(folder_under(&S3Uri::new("b", ""), "x").unwrap(), S3Uri::new("b", "x/"));
        for bad in ["", "/x", "a//b", "../x", "a/./b"] {
            assert!(folder_under(&parent, bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_upload_target_is_the_choice_then_the_source_prefix_then_a_bucket() {
        let ws = demo::seed_workspace().unwrap();
        let source = S3Uri::new(demo::raw_bucket(), "raw-data/");
        assert_eq!(ws.upload_target(Some(demo::JOB_NAME), None), Some(source.clone()));
        let chosen = S3Uri::new(demo::analytics_bucket(), "");
        assert_eq!(ws.upload_target(Some(demo::JOB_NAME), Some(&chosen)), Some(chosen));
        let gone = S3Uri::new("gone-bucket", "x/");
        assert_eq!(ws.upload_target(Some(demo::JOB_NAME), Some(&gone)), Some(source));
        let first_bucket = ws.store.buckets().next().unwrap().name.clone();
        assert_eq!(ws.upload_target(None, None), Some(S3Uri::new(first_bucket, "")));
        assert_eq!(Workspace::default().upload_target(None, None), None);
    }
}
