//! The `gluelab` binary driven end to end, one module per story, linked into one test binary
//! (each integration-test target would link gluelab-core and its Arrow stack again).

mod common;
mod concurrency;

mod article;
mod errors;
mod exercise;
mod export;
mod hostile;
mod hr;
mod listing;
mod modes;
mod partitions;
mod python_modules;
mod reading;
mod redshift_data;
mod relationalize;
mod saves;
mod story;
