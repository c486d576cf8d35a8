//! One error type for the whole model, as arrow-rs does with `ArrowError`.
//!
//! Variant names and messages follow what AWS prints (`NoSuchKey`, `EntityNotFoundException`,
//! ...) so that a user who learns them in gluelab recognises them on real AWS.

use std::fmt;

/// Where in an input a problem was found: object, 1-based line, and field when known.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Location {
    /// `s3://bucket/key` of the object being read.
    pub object: String,
    /// 1-based line (JSON lines, CSV) or row (Parquet) number.
    pub line: Option<u64>,
    /// Column or JSON field name.
    pub field: Option<String>,
}

impl Location {
    pub fn object(object: impl Into<String>) -> Self {
        Self {
            object: object.into(),
            line: None,
            field: None,
        }
    }
    pub fn at_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.object)?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ", field \"{field}\"")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum Error {
    #[error("NoSuchBucket: The specified bucket does not exist: {bucket}")]
    NoSuchBucket { bucket: String },
    #[error("NoSuchKey: The specified key does not exist: s3://{bucket}/{key}")]
    NoSuchKey { bucket: String, key: String },
    #[error("BucketAlreadyOwnedByYou: Your previous request to create the named bucket succeeded and you already own it: {bucket}")]
    BucketAlreadyOwnedByYou { bucket: String },
    #[error("InvalidBucketName: The specified bucket is not valid: {bucket} ({reason})")]
    InvalidBucketName { bucket: String, reason: String },
    #[error("InvalidS3Uri: {uri} is not an s3://bucket/key address")]
    InvalidS3Uri { uri: String },
    /// Malformed input data. Always names the object, and the line and field when known.
    #[error("{location}: {message}")]
    Data { location: Location, message: String },
    #[error("EntityNotFoundException: {0}")]
    EntityNotFound(String),
    #[error("AlreadyExistsException: {0}")]
    AlreadyExists(String),
    #[error("InvalidInputException: {0}")]
    InvalidInput(String),
    /// Job arguments rejected as `getResolvedOptions` (argparse) rejects them; the text is
    /// what the driver prints.
    #[error("{0}")]
    Arguments(String),
    #[error("ConcurrentRunsExceededException: Concurrent runs exceeded for {job}: MaxConcurrentRuns is {max}")]
    ConcurrentRunsExceeded { job: String, max: u32 },
    /// A transform could not be applied (bad mapping, unknown column, ...).
    #[error("{transform}: {message}")]
    Transform { transform: String, message: String },
    /// A workspace snapshot that cannot be loaded. Nothing was changed.
    #[error("snapshot rejected: {0}")]
    Snapshot(String),
    /// An Arrow or Parquet failure that has no better home; the text is Arrow's.
    #[error("{0}")]
    Arrow(String),
}

impl Error {
    pub fn data(location: Location, message: impl Into<String>) -> Self {
        Error::Data {
            location,
            message: message.into(),
        }
    }
    pub fn transform(transform: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Transform {
            transform: transform.into(),
            message: message.into(),
        }
    }
}

impl From<crate::arrow::error::ArrowError> for Error {
    fn from(e: crate::arrow::error::ArrowError) -> Self {
        Error::Arrow(e.to_string())
    }
}

impl From<parquet::errors::ParquetError> for Error {
    fn from(e: parquet::errors::ParquetError) -> Self {
        Error::Arrow(e.to_string())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
