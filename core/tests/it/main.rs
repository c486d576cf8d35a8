//! gluelab-core's scenario and property tests, one module per feature, linked into one test
//! binary: each integration-test target links Arrow, Parquet and the Python parser again, which
//! is most of a test build's time on a 2-core machine.
//!
//! The property tests' saved failure cases are in `core/tests/proptest-regressions/<module>.txt`:
//! with this `main.rs` as the crate root, that is where proptest's default
//! (`FileFailurePersistence::SourceParallel`) reads and writes them.

mod alloc_bound;
mod bookmark_model;
mod bookmarks;
// Its tests sit in an inner `mod cfn` so that `cargo test -p gluelab-core cfn` selects them.
// The article's template is YAML.
#[cfg(feature = "cfn")]
#[allow(clippy::module_inception)]
mod cfn;
mod compressed;
mod concurrency;
mod contexts;
mod encodings;
// Its tests sit in an inner `mod export_template`, named for the same reason.
#[allow(clippy::module_inception)]
mod export_template;
mod expressions;
mod hr_example;
mod jdbc;
mod jdbc_model;
mod layers;
mod listing;
mod mark_processed;
mod no_panic;
mod own_data;
mod parquet_codecs;
mod partitions;
mod relationalize;
mod script;
mod seed_story;
