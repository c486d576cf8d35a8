//! How much a query's result may hold, so that a query that would not fit in the page's (or the
//! worker's) memory fails with a clear message instead of aborting it.
//!
//! *Modelled*: Athena fails such a query with `EXCEEDED_LOCAL_MEMORY_LIMIT` ("Query exhausted
//! resources at this scale factor") at a limit of its own; gluelab's limit is the size of the
//! result's Arrow buffers, checked while the select list is computed, chunk by chunk.

use super::error::{sql_error, Pos};
use crate::error::{Error, Result};
use crate::limits::EXPRESSION_STEP_MAX_BYTES;

/// The most a result may hold in Arrow buffers: 256 MiB. A wasm32 heap is at most 4 GiB and
/// also holds the workspace, its tables as read, and the rendered rows a page asks for.
pub const MAX_RESULT_BYTES: usize = 256 * 1024 * 1024;

/// Limits a query runs under; [`Default`] is [`MAX_RESULT_BYTES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryLimits {
    pub max_result_bytes: usize,
}

impl Default for QueryLimits {
    fn default() -> Self {
        QueryLimits {
            max_result_bytes: MAX_RESULT_BYTES,
        }
    }
}

impl QueryLimits {
    /// The error for a result that has grown past the limit after `rows` rows.
    pub(crate) fn exceeded(&self, rows: usize) -> Error {
        let mib = self.max_result_bytes as f64 / (1024.0 * 1024.0);
        sql_error(
            "EXCEEDED_LOCAL_MEMORY_LIMIT",
            Pos::default(),
            format!(
                "Query result is larger than {mib:.0} MiB, the most gluelab holds (exceeded after {rows} rows); \
                 narrow it with WHERE or LIMIT, select fewer columns, or aggregate"
            ),
        )
    }
}

/// Refuses one step of an expression that would hold `bytes` over `rows` rows, past
/// [`EXPRESSION_STEP_MAX_BYTES`]; `what` names the step (`replace`, `a constant`). Called with
/// the size worked out from the arguments, before the result is built.
pub(crate) fn check_step_bytes(what: &str, bytes: u64, rows: usize, pos: Pos) -> Result<()> {
    if bytes <= EXPRESSION_STEP_MAX_BYTES as u64 {
        return Ok(());
    }
    let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
    Err(sql_error(
        "EXCEEDED_LOCAL_MEMORY_LIMIT",
        pos,
        format!(
            "{what} would produce {:.0} MiB over {rows} rows, more than {:.0} MiB \
             (the limit EXPRESSION_STEP_MAX_BYTES)",
            mib(bytes),
            mib(EXPRESSION_STEP_MAX_BYTES as u64)
        ),
    ))
}
