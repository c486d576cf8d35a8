//! What the names in an expression refer to: the table's rows, or the groups after `GROUP BY`.

use std::collections::HashMap;

use crate::arrow::array::{ArrayRef, RecordBatch};
use crate::arrow::datatypes::Schema;

use super::error::{sql_error, Pos};
use super::plan::Expr;
use crate::error::Result;

/// Case-insensitive column lookup over the schema of a table, or of joined tables side by side.
pub(crate) struct Columns {
    /// Lowercased name → index; `None` when two columns have the name (in two tables, or
    /// differing only in case).
    by_name: HashMap<String, Option<usize>>,
    /// The same, per table of the query.
    by_table: Vec<HashMap<String, Option<usize>>>,
    /// Which table of the query each column comes from.
    table_of: Vec<usize>,
}

impl Columns {
    /// One table's columns.
    pub fn new(schema: &Schema) -> Self {
        Self::of_tables(schema, vec![0; schema.fields().len()])
    }

    /// Columns side by side, `table_of[i]` the query table column `i` comes from.
    pub fn of_tables(schema: &Schema, table_of: Vec<usize>) -> Self {
        let mut by_name = HashMap::new();
        let mut by_table: Vec<HashMap<String, Option<usize>>> = vec![];
        for (i, field) in schema.fields().iter().enumerate() {
            let name = field.name().to_lowercase();
            by_name.entry(name.clone()).and_modify(|e| *e = None).or_insert(Some(i));
            let t = table_of[i];
            if by_table.len() <= t {
                by_table.resize_with(t + 1, HashMap::new);
            }
            by_table[t].entry(name).and_modify(|e| *e = None).or_insert(Some(i));
        }
        Columns {
            by_name,
            by_table,
            table_of,
        }
    }

    /// The query table column `i` comes from.
    pub fn table_of(&self, i: usize) -> usize {
        self.table_of[i]
    }

    /// Column `name`, of query table `table` when the name was qualified.
    pub fn resolve(&self, name: &str, table: Option<usize>, pos: Pos) -> Result<usize> {
        let names = match table {
            Some(t) => self.by_table.get(t),
            None => Some(&self.by_name),
        };
        match names.and_then(|n| n.get(name)) {
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
