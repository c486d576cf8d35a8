//! The simulated S3: buckets of objects with key, size, ETag and LastModified.
//!
//! Objects carry their bytes behind an `Arc`, so cloning a whole workspace (undo, snapshots,
//! run previews) costs pointers, not data.

pub(crate) mod body_serde;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::clock::Millis;

/// An `s3://bucket/key` address. `key` may be empty (the bucket) or a prefix.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct S3Uri {
    pub bucket: String,
    pub key: String,
}

impl S3Uri {
    pub fn new(bucket: impl Into<String>, key: impl Into<String>) -> Self {
        Self {
            bucket: bucket.into(),
            key: key.into(),
        }
    }

    pub fn parse(uri: &str) -> Result<Self> {
        let rest = uri
            .strip_prefix("s3://")
            .or_else(|| uri.strip_prefix("s3a://"))
            .ok_or_else(|| Error::InvalidS3Uri { uri: uri.to_string() })?;
        let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(Error::InvalidS3Uri { uri: uri.to_string() });
        }
        Ok(Self::new(bucket, key))
    }

    /// The key read as a prefix of a "folder": `raw-data` and `raw-data/` both list `raw-data/...`.
    pub fn folder_prefix(&self) -> String {
        if self.key.is_empty() || self.key.ends_with('/') {
            self.key.clone()
        } else {
            format!("{}/", self.key)
        }
    }
}

impl fmt::Display for S3Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s3://{}/{}", self.bucket, self.key)
    }
}

/// One stored object. `version` counts writes to the key, so lineage can tell
/// "the same file" from "a file modified since".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Object {
    pub key: String,
    #[serde(with = "body_serde")]
    pub body: Arc<Vec<u8>>,
    /// Quoted MD5 hex of the body, as S3 returns it for a single-part upload.
    pub etag: String,
    pub last_modified: Millis,
    pub version: u64,
}

impl Object {
    pub fn size(&self) -> u64 {
        self.body.len() as u64
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Bucket {
    pub name: String,
    pub created: Millis,
    objects: BTreeMap<String, Object>,
    /// `(last_modified, key)` of every object: bookmark selection asks "what changed since T?"
    /// and must not pay for the whole history to answer.
    by_time: BTreeSet<(Millis, String)>,
}

impl Bucket {
    pub fn objects(&self) -> &BTreeMap<String, Object> {
        &self.objects
    }

    fn insert(&mut self, object: Object) {
        if let Some(old) = self.objects.get(&object.key) {
            self.by_time.remove(&(old.last_modified, old.key.clone()));
        }
        self.by_time.insert((object.last_modified, object.key.clone()));
        self.objects.insert(object.key.clone(), object);
    }

    fn remove(&mut self, key: &str) -> Option<Object> {
        let old = self.objects.remove(key)?;
        self.by_time.remove(&(old.last_modified, old.key.clone()));
        Some(old)
    }

    /// Whether the time index agrees with the objects (checked when loading a snapshot).
    pub(crate) fn is_consistent(&self) -> bool {
        self.by_time.len() == self.objects.len()
            && self
                .objects
                .values()
                .all(|o| self.by_time.contains(&(o.last_modified, o.key.clone())))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ObjectStore {
    buckets: BTreeMap<String, Bucket>,
    /// Last version handed out per `bucket/key`, kept after deletes so a re-upload is new.
    versions: BTreeMap<String, u64>,
}

/// S3's rule of thumb for bucket names: 3–63 chars of a-z, 0-9, '.', '-', starting and ending
/// with a letter or digit.
fn check_bucket_name(name: &str) -> Result<()> {
    let bad = |reason: &str| {
        Err(Error::InvalidBucketName {
            bucket: name.into(),
            reason: reason.into(),
        })
    };
    if !(3..=63).contains(&name.len()) {
        return bad("must be 3 to 63 characters long");
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        return bad("only lowercase letters, digits, '.' and '-' are allowed");
    }
    let edge_ok = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if !edge_ok(name.as_bytes()[0]) || !edge_ok(name.as_bytes()[name.len() - 1]) {
        return bad("must begin and end with a letter or digit");
    }
    Ok(())
}

pub fn etag_of(body: &[u8]) -> String {
    format!("\"{}\"", hex(&Md5::digest(body)))
}

/// The ETag of a multipart upload of `body` in one part: MD5 of the part MD5s, then `-1`.
pub fn multipart_etag_of(body: &[u8]) -> String {
    format!("\"{}-1\"", hex(&Md5::digest(Md5::digest(body))))
}

/// Whether `etag` is what S3 would give `body`, uploaded whole or as one multipart part.
pub fn etag_matches(etag: &str, body: &[u8]) -> bool {
    if etag.ends_with("-1\"") {
        etag == multipart_etag_of(body)
    } else {
        etag == etag_of(body)
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl ObjectStore {
    pub fn create_bucket(&mut self, name: &str, now: Millis) -> Result<()> {
        check_bucket_name(name)?;
        if self.buckets.contains_key(name) {
            return Err(Error::BucketAlreadyOwnedByYou { bucket: name.into() });
        }
        let bucket = Bucket {
            name: name.into(),
            created: now,
            objects: BTreeMap::new(),
            by_time: BTreeSet::new(),
        };
        self.buckets.insert(name.into(), bucket);
        Ok(())
    }

    pub fn buckets(&self) -> impl Iterator<Item = &Bucket> {
        self.buckets.values()
    }

    /// The bytes of the objects listed under `uri` (see [`ObjectStore::list`]).
    pub fn bytes_under(&self, uri: &S3Uri) -> Result<u64> {
        Ok(self.list(uri)?.iter().map(|o| o.size()).sum())
    }

    /// The bytes of every object in every bucket.
    pub fn total_bytes(&self) -> u64 {
        self.buckets()
            .flat_map(|b| b.objects().values())
            .map(|o| o.size())
            .sum()
    }

    pub fn bucket(&self, name: &str) -> Result<&Bucket> {
        self.buckets
            .get(name)
            .ok_or_else(|| Error::NoSuchBucket { bucket: name.into() })
    }

    fn bucket_mut(&mut self, name: &str) -> Result<&mut Bucket> {
        self.buckets
            .get_mut(name)
            .ok_or_else(|| Error::NoSuchBucket { bucket: name.into() })
    }

    /// Puts (or overwrites) an object; it gets a new ETag, LastModified and version.
    pub fn put(&mut self, uri: &S3Uri, body: Vec<u8>, now: Millis) -> Result<&Object> {
        let etag = etag_of(&body);
        self.put_with_etag(uri, body, now, etag)
    }

    /// `CompleteMultipartUpload` (one part) of an upload initiated at `initiated_at`: S3 stamps
    /// the object's LastModified with the initiation time, so it can land "in the past".
    pub fn put_multipart(&mut self, uri: &S3Uri, body: Vec<u8>, initiated_at: Millis) -> Result<&Object> {
        let etag = multipart_etag_of(&body);
        self.put_with_etag(uri, body, initiated_at, etag)
    }

    fn put_with_etag(&mut self, uri: &S3Uri, body: Vec<u8>, now: Millis, etag: String) -> Result<&Object> {
        if uri.key.is_empty() || uri.key.ends_with('/') {
            return Err(Error::InvalidInput(format!("{uri} names a folder, not an object key")));
        }
        let version = {
            let v = self.versions.entry(format!("{}/{}", uri.bucket, uri.key)).or_insert(0);
            *v += 1;
            *v
        };
        let bucket = self.bucket_mut(&uri.bucket)?;
        let object = Object {
            key: uri.key.clone(),
            etag,
            body: Arc::new(body),
            last_modified: now,
            version,
        };
        bucket.insert(object);
        Ok(&bucket.objects[&uri.key])
    }

    /// The same buckets holding only the objects `keep` picks, each as it is (ETag,
    /// LastModified and version): what a worker needs of this store and no more.
    pub fn subset(&self, keep: impl Fn(&S3Uri) -> bool) -> ObjectStore {
        let mut subset = ObjectStore::default();
        for bucket in self.buckets.values() {
            let mut copy = Bucket {
                name: bucket.name.clone(),
                created: bucket.created,
                ..Bucket::default()
            };
            for object in bucket.objects.values() {
                if keep(&S3Uri::new(&bucket.name, &object.key)) {
                    copy.insert(object.clone());
                    let version = format!("{}/{}", bucket.name, object.key);
                    if let Some(v) = self.versions.get(&version) {
                        subset.versions.insert(version, *v);
                    }
                }
            }
            subset.buckets.insert(bucket.name.clone(), copy);
        }
        subset
    }

    pub fn get(&self, uri: &S3Uri) -> Result<&Object> {
        self.bucket(&uri.bucket)?
            .objects
            .get(&uri.key)
            .ok_or_else(|| Error::NoSuchKey {
                bucket: uri.bucket.clone(),
                key: uri.key.clone(),
            })
    }

    /// Deletes one object. Like S3, deleting a missing key in an existing bucket succeeds.
    pub fn delete(&mut self, uri: &S3Uri) -> Result<bool> {
        Ok(self.bucket_mut(&uri.bucket)?.remove(&uri.key).is_some())
    }

    /// Deletes every object under `prefix` (`aws s3 rm --recursive`); returns the deleted keys.
    pub fn delete_prefix(&mut self, uri: &S3Uri) -> Result<Vec<String>> {
        let bucket = self.bucket_mut(&uri.bucket)?;
        let prefix = uri.key.clone();
        let keys: Vec<String> = bucket
            .objects
            .keys()
            .filter(|k| k.starts_with(&prefix))
            .cloned()
            .collect();
        for k in &keys {
            bucket.remove(k);
        }
        Ok(keys)
    }

    /// Objects whose key starts with `uri.key`, in key order (S3 lists in UTF-8 binary order).
    pub fn list(&self, uri: &S3Uri) -> Result<Vec<&Object>> {
        Ok(self
            .bucket(&uri.bucket)?
            .objects
            .range(uri.key.clone()..)
            .take_while(|(k, _)| k.starts_with(&uri.key))
            .map(|(_, o)| o)
            .collect())
    }

    /// How many objects are under `uri.key`, counting no further than `limit` (so asking
    /// "more than N?" costs N at most).
    pub fn count_up_to(&self, uri: &S3Uri, limit: usize) -> Result<usize> {
        Ok(self
            .bucket(&uri.bucket)?
            .objects
            .range(uri.key.clone()..)
            .take_while(|(k, _)| k.starts_with(&uri.key))
            .take(limit)
            .count())
    }

    /// Objects under `uri.key` last modified after `after`, oldest first. Costs what changed
    /// since `after`, not the size of the bucket.
    pub fn list_modified_after(&self, uri: &S3Uri, after: Millis) -> Result<Vec<&Object>> {
        let bucket = self.bucket(&uri.bucket)?;
        Ok(bucket
            .by_time
            .range((after + 1, String::new())..)
            .filter(|(_, key)| key.starts_with(&uri.key))
            .map(|(_, key)| &bucket.objects[key])
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> ObjectStore {
        let mut s = ObjectStore::default();
        s.create_bucket("raw", 0).unwrap();
        s
    }

    #[test]
    fn put_gives_md5_etag_and_clock_time() {
        let mut s = store();
        let o = s.put(&S3Uri::new("raw", "a/x.json"), b"hello".to_vec(), 42).unwrap();
        assert_eq!(o.etag, "\"5d41402abc4b2a76b9719d911017c592\"");
        assert_eq!((o.size(), o.last_modified, o.version), (5, 42, 1));
    }

    #[test]
    fn overwrite_and_reupload_bump_version() {
        let mut s = store();
        let uri = S3Uri::new("raw", "k");
        s.put(&uri, b"1".to_vec(), 1).unwrap();
        s.put(&uri, b"2".to_vec(), 2).unwrap();
        s.delete(&uri).unwrap();
        assert_eq!(s.put(&uri, b"3".to_vec(), 3).unwrap().version, 3);
    }

    #[test]
    fn errors_read_like_s3() {
        let mut s = store();
        let e = s.get(&S3Uri::new("nope", "k")).unwrap_err();
        assert_eq!(e.to_string(), "NoSuchBucket: The specified bucket does not exist: nope");
        let e = s.get(&S3Uri::new("raw", "k")).unwrap_err();
        assert!(e.to_string().starts_with("NoSuchKey:"), "{e}");
        assert!(matches!(
            s.create_bucket("raw", 0),
            Err(Error::BucketAlreadyOwnedByYou { .. })
        ));
        assert!(matches!(
            s.create_bucket("Bad_Name", 0),
            Err(Error::InvalidBucketName { .. })
        ));
    }

    #[test]
    fn lists_by_prefix_in_key_order() {
        let mut s = store();
        for k in ["b/2", "a/1", "b/1", "bb"] {
            s.put(&S3Uri::new("raw", k), vec![], 0).unwrap();
        }
        let keys: Vec<_> = s
            .list(&S3Uri::new("raw", "b/"))
            .unwrap()
            .iter()
            .map(|o| o.key.clone())
            .collect();
        assert_eq!(keys, ["b/1", "b/2"]);
        assert_eq!(s.delete_prefix(&S3Uri::new("raw", "b")).unwrap().len(), 3);
        assert!(s.bucket("raw").unwrap().is_consistent());
    }

    #[test]
    fn lists_what_changed_since_a_time() {
        let mut s = store();
        for (k, t) in [("p/a", 10), ("p/b", 20), ("q/c", 30), ("p/a", 40)] {
            s.put(&S3Uri::new("raw", k), vec![], t).unwrap();
        }
        let keys = |after| -> Vec<String> {
            s.list_modified_after(&S3Uri::new("raw", "p/"), after)
                .unwrap()
                .iter()
                .map(|o| o.key.clone())
                .collect()
        };
        assert_eq!(keys(0), ["p/b", "p/a"], "p/a was overwritten at 40");
        assert_eq!(keys(20), ["p/a"]);
        assert!(s.bucket("raw").unwrap().is_consistent());
    }

    #[test]
    fn parses_uris() {
        assert_eq!(S3Uri::parse("s3://b/k/x").unwrap(), S3Uri::new("b", "k/x"));
        assert_eq!(S3Uri::parse("s3://b").unwrap(), S3Uri::new("b", ""));
        assert!(S3Uri::parse("http://b/k").is_err());
        assert_eq!(S3Uri::new("b", "raw-data").folder_prefix(), "raw-data/");
    }
}
