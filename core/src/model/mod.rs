//! The model: what a workbench holds and Glue's rules for it — objects in S3, the Data Catalog,
//! jobs and their arguments, runs, bookmarks, lineage, deployed stacks, the virtual clock.
//! Plain data and its rules; it uses only `error`, `format`, `query` and `transform`.

pub mod account;
pub mod args;
pub mod bookmark;
pub mod catalog;
pub mod clock;
pub mod crawl;
pub mod glob;
pub mod job;
pub mod lineage;
pub mod partition;
pub mod python_modules;
pub mod run;
pub mod schema_fit;
pub mod stack;
pub mod store;
