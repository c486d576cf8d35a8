//! A job's extra Python modules: `--extra-py-files` (zips or `.py` files on S3) and
//! `--additional-python-modules` (`name==version,...`, installed by Glue from PyPI).
//!
//! Glue adds each zip to the driver's `sys.path`, so a package inside imports only when the zip
//! follows the two rules the seed article names ([`ZipRule`]): the package folder is at the
//! zip's root, not one folder deeper, and it holds an `__init__.py`. Only a zip's central
//! directory is read (its entries' names), so nothing is decompressed.

use std::collections::BTreeSet;
use std::io::Cursor;

use crate::model::store::{ObjectStore, S3Uri};

/// The rule a zip breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZipRule {
    /// The zip holds no package folder at its root, only one a folder deeper (`src/services/`).
    PackageAtRoot { nested: String },
    /// A folder at the zip's root has Python files but no `__init__.py`.
    InitPy { package: String },
    /// The object is not a zip that can be read.
    Readable { reason: String },
}

impl std::fmt::Display for ZipRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ZipRule::PackageAtRoot { nested } => write!(
                f,
                "rule \"package folder at the zip's root\": {nested}/ is one folder too deep, so `import` cannot \
                 find it; zip the package folder itself (cd to its parent, then zip -r NAME.zip NAME)"
            ),
            ZipRule::InitPy { package } => write!(
                f,
                "rule \"__init__.py in the package\": {package}/ has no __init__.py, so Glue cannot import it as \
                 a package; add an empty {package}/__init__.py"
            ),
            ZipRule::Readable { reason } => write!(f, "not a readable zip: {reason}"),
        }
    }
}

/// A problem with one `--extra-py-files` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleProblem {
    /// The entry's address, as the argument gives it.
    pub uri: String,
    pub rule: ZipRule,
}

impl std::fmt::Display for ModuleProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "--extra-py-files {}: {}", self.uri, self.rule)
    }
}

/// The entries of `--extra-py-files`, comma-separated.
pub fn extra_py_files(value: &str) -> Vec<&str> {
    value.split(',').map(str::trim).filter(|s| !s.is_empty()).collect()
}

/// The names of a zip's entries, from its central directory.
pub fn zip_entries(bytes: &[u8]) -> Result<Vec<String>, String> {
    let archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    Ok(archive.file_names().map(String::from).collect())
}

/// The rule a zip's entries break, if any: the first, in the order a user fixes them.
pub fn check_zip_entries<S: AsRef<str>>(entries: &[S]) -> Option<ZipRule> {
    let names: Vec<&str> = entries.iter().map(|e| e.as_ref().trim_start_matches("./")).collect();
    let has = |path: &str| names.contains(&path);
    // Folders at the root that hold Python files, directly or deeper.
    let mut packages = BTreeSet::new();
    let mut root_modules = false;
    for name in &names {
        if !name.ends_with(".py") {
            continue;
        }
        match name.split_once('/') {
            Some((top, _)) => {
                packages.insert(top.to_string());
            }
            None => root_modules = true,
        }
    }
    for package in &packages {
        if has(&format!("{package}/__init__.py")) {
            continue;
        }
        // A folder without Python files of its own whose child folder is a package: the zip
        // was made one level too high.
        let own_files = names.iter().any(|n| {
            n.strip_prefix(&format!("{package}/"))
                .is_some_and(|rest| !rest.contains('/') && rest.ends_with(".py"))
        });
        let nested = names.iter().find_map(|n| {
            let rest = n.strip_prefix(&format!("{package}/"))?;
            let (child, file) = rest.split_once('/')?;
            (file == "__init__.py").then(|| format!("{package}/{child}"))
        });
        return Some(match (own_files, nested, root_modules) {
            (false, Some(nested), _) => ZipRule::PackageAtRoot { nested },
            _ => ZipRule::InitPy {
                package: package.clone(),
            },
        });
    }
    None
}

/// Every problem of the job's `--extra-py-files` zips the workspace holds. Entries outside the
/// workspace (another account's bucket) cannot be checked and are not reported; `.py` files
/// need no packaging.
pub fn check_extra_py_files(store: &ObjectStore, value: &str) -> Vec<ModuleProblem> {
    let mut problems = vec![];
    for uri in extra_py_files(value) {
        if !uri.to_ascii_lowercase().ends_with(".zip") {
            continue;
        }
        let Ok(object) = S3Uri::parse(uri).and_then(|u| store.get(&u).cloned()) else {
            continue;
        };
        let rule = match zip_entries(&object.body) {
            Ok(entries) => check_zip_entries(&entries),
            Err(reason) => Some(ZipRule::Readable { reason }),
        };
        if let Some(rule) = rule {
            problems.push(ModuleProblem { uri: uri.into(), rule });
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_package_at_the_root_with_its_init_passes() {
        assert_eq!(
            check_zip_entries(&[
                "services/",
                "services/__init__.py",
                "services/agg.py",
                "services/sub/x.py"
            ]),
            None
        );
        assert_eq!(check_zip_entries(&["helpers.py"]), None);
    }

    #[test]
    fn a_package_one_folder_too_deep_names_the_root_rule() {
        let rule = check_zip_entries(&["src/", "src/services/", "src/services/__init__.py", "src/services/a.py"]);
        assert_eq!(
            rule,
            Some(ZipRule::PackageAtRoot {
                nested: "src/services".into()
            })
        );
        assert!(rule.unwrap().to_string().contains("package folder at the zip's root"));
    }

    #[test]
    fn a_package_without_init_names_the_init_rule() {
        let rule = check_zip_entries(&["models/", "models/employee.py"]);
        assert_eq!(
            rule,
            Some(ZipRule::InitPy {
                package: "models".into()
            })
        );
        assert!(rule.unwrap().to_string().contains("__init__.py in the package"));
    }

    /// A zip as `zip -r` writes one (stored, not deflated: listing needs no decompressor).
    pub(crate) fn zip_of(files: &[&str]) -> Vec<u8> {
        use std::io::Write;
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for name in files {
            writer.start_file(*name, options).unwrap();
            writer.write_all(b"x = 1\n").unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn real_zips_are_listed_from_their_central_directory() {
        let good = zip_of(&["services/__init__.py", "services/agg.py"]);
        assert_eq!(zip_entries(&good).unwrap(), ["services/__init__.py", "services/agg.py"]);
        let mut store = ObjectStore::default();
        store.create_bucket("modules", 0).unwrap();
        store.put(&S3Uri::new("modules", "good.zip"), good, 0).unwrap();
        let deep = zip_of(&["src/services/__init__.py", "src/services/agg.py"]);
        store.put(&S3Uri::new("modules", "deep.zip"), deep, 0).unwrap();
        let bare = zip_of(&["models/employee.py"]);
        store.put(&S3Uri::new("modules", "bare.zip"), bare, 0).unwrap();
        let problems = check_extra_py_files(
            &store,
            "s3://modules/good.zip,s3://modules/deep.zip,s3://modules/bare.zip",
        );
        let rules: Vec<&ZipRule> = problems.iter().map(|p| &p.rule).collect();
        assert_eq!(
            rules,
            [
                &ZipRule::PackageAtRoot {
                    nested: "src/services".into()
                },
                &ZipRule::InitPy {
                    package: "models".into()
                }
            ]
        );
        assert_eq!(problems[0].uri, "s3://modules/deep.zip");
    }

    #[test]
    fn bytes_that_are_not_a_zip_are_said_so() {
        let mut store = ObjectStore::default();
        store.create_bucket("modules", 0).unwrap();
        store
            .put(&S3Uri::new("modules", "p/x.zip"), b"not a zip".to_vec(), 0)
            .unwrap();
        let problems = check_extra_py_files(
            &store,
            "s3://modules/p/x.zip, s3://elsewhere/y.zip, s3://modules/p/z.py",
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(matches!(problems[0].rule, ZipRule::Readable { .. }));
    }
}
