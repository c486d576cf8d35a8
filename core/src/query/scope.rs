//! What the names in an expression refer to: the table's rows, or the groups after `GROUP BY`.

use std::collections::HashMap;

use crate::arrow::array::{ArrayRef, RecordBatch};
use crate::arrow::datatypes::Schema;

use super::error::{sql_error, Pos};
use super::plan::Expr;
use crate::error::Result;

/// Case-insensitive column lookup over the table's schema.
pub(crate) struct Columns {
    /// Lowercased name → index; `None` when two columns differ only in case.
    by_name: HashMap<String, Option<usize>>,
}

impl Columns {
    pub fn new(schema: &Schema) -> Self {
        let mut by_name = HashMap::new();
        for (i, field) in schema.fields().iter().enumerate() {
            by_name
                .entry(field.name().to_lowercase())
                .and_modify(|e| *e = None)
                .or_insert(Some(i));
        }
        Columns { by_name }
    }

    pub fn resolve(&self, name: &str, pos: Pos) -> Result<usize> {
        match self.by_name.get(name) {
            Some(Some(i)) => Ok(*i),
            Some(None) => Err(sql_error(
                "AMBIGUOUS_NAME",
                pos,
                format!("Column '{name}' is ambiguous"),
            )),
            None => Err(sql_error(
                "COLUMN_NOT_FOUND",
                pos,
                format!("Column '{name}' cannot be resolved"),
            )),
        }
    }
}

/// What the names in an expression refer to.
pub(crate) enum Scope<'a> {
    /// Table rows: `WHERE`, the select list of a plain query, aggregate arguments.
    Rows {
        batch: &'a RecordBatch,
        columns: &'a Columns,
    },
    /// One row per group, after `GROUP BY`: only group keys and aggregates may be named.
    Groups {
        len: usize,
        keys: &'a [(Expr, ArrayRef)],
        aggregates: &'a [(Expr, ArrayRef)],
    },
}

impl Scope<'_> {
    pub fn len(&self) -> usize {
        match self {
            Scope::Rows { batch, .. } => batch.num_rows(),
            Scope::Groups { len, .. } => *len,
        }
    }
}
