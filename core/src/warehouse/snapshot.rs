//! The warehouse as saved workspaces hold it: rows of JSON values beside their history.
//!
//! This shape is older than the Arrow tables and stays as it was, so every saved workspace
//! still loads; it is used only at the serde boundary. Loading stores each value with the
//! same rule an `INSERT` follows, so a damaged file cannot put a bad value in a column.

use std::sync::Arc;

use crate::arrow::array::{Array, ArrayRef, BooleanArray, Float64Array, Int64Array, NullArray, StringArray};
use crate::arrow::compute::concat;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::assign::assign;
use super::key::KeyValue;
use super::{RowMeta, WarehouseTable};
use crate::model::catalog::Column;
use crate::model::clock::Millis;
use crate::transform::RowOrigin;

#[derive(Serialize, Deserialize)]
pub(super) struct TableSnapshot {
    name: String,
    columns: Vec<Column>,
    primary_key: Vec<String>,
    rows: Vec<RowSnapshot>,
    #[serde(default)]
    last_row_id: u64,
}

#[derive(Serialize, Deserialize)]
struct RowSnapshot {
    id: u64,
    version: u64,
    values: Vec<Value>,
    inserted_at: Millis,
    updated_at: Millis,
    written_by: Option<String>,
    origin: Option<RowOrigin>,
}

impl From<WarehouseTable> for TableSnapshot {
    fn from(t: WarehouseTable) -> Self {
        let rows = t
            .rows
            .iter()
            .enumerate()
            .map(|(i, meta)| RowSnapshot {
                id: meta.id,
                version: meta.version,
                values: t.batch.columns().iter().map(|c| json_of(c.as_ref(), i)).collect(),
                inserted_at: meta.inserted_at,
                updated_at: meta.updated_at,
                written_by: meta.written_by.clone(),
                origin: meta.origin.clone(),
            })
            .collect();
        TableSnapshot {
            name: t.name,
            columns: t.columns,
            primary_key: t.primary_key,
            rows,
            last_row_id: t.last_row_id,
        }
    }
}

impl TryFrom<TableSnapshot> for WarehouseTable {
    type Error = String;

    fn try_from(s: TableSnapshot) -> Result<Self, String> {
        let mut table =
            WarehouseTable::empty(s.name, s.columns, s.primary_key).map_err(|e| format!("warehouse table: {e}"))?;
        let name = table.name.clone();
        if let Some(row) = s.rows.iter().find(|r| r.values.len() != table.columns.len()) {
            return Err(format!(
                "warehouse table {name}: row {} has {} values for {} columns",
                row.id,
                row.values.len(),
                table.columns.len()
            ));
        }
        let schema = table.schema();
        let columns = table
            .columns
            .iter()
            .zip(schema.fields())
            .enumerate()
            .map(|(c, (column, field))| {
                let cells = s
                    .rows
                    .iter()
                    .map(|r| {
                        assign(&array_of(&r.values[c]), field.data_type(), &column.glue_type).map_err(|refused| {
                            format!(
                                "warehouse table {name}, row {}, column \"{}\": {}",
                                r.id, column.name, refused.message
                            )
                        })
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                let cells: Vec<&dyn Array> = cells.iter().map(|a| a.as_ref()).collect();
                if cells.is_empty() {
                    return Ok(crate::arrow::array::new_empty_array(field.data_type()));
                }
                concat(&cells).map_err(|e| e.to_string())
            })
            .collect::<Result<Vec<_>, String>>()?;
        let rows = s
            .rows
            .into_iter()
            .map(|r| RowMeta {
                id: r.id,
                version: r.version,
                inserted_at: r.inserted_at,
                updated_at: r.updated_at,
                written_by: r.written_by,
                origin: r.origin,
            })
            .collect();
        table
            .replace(columns, rows)
            .map_err(|e| format!("warehouse table {name}: {e}"))?;
        table.last_row_id = s.last_row_id;
        Ok(table)
    }
}

/// A saved value as a one-element array of the kind JSON gave it; `assign` then types it.
fn array_of(v: &Value) -> ArrayRef {
    match v {
        Value::Null => Arc::new(NullArray::new(1)),
        Value::Bool(b) => Arc::new(BooleanArray::from(vec![*b])),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Arc::new(Int64Array::from(vec![i])),
            None => Arc::new(Float64Array::from(vec![n.as_f64().unwrap_or(f64::NAN)])),
        },
        Value::String(s) => Arc::new(StringArray::from(vec![s.as_str()])),
        // Nested values were never stored; a text no column takes is refused by `assign`.
        other => Arc::new(StringArray::from(vec![other.to_string()])),
    }
}

/// A cell as the saved file holds it: numbers as numbers, dates and timestamps as ISO text.
fn json_of(column: &dyn Array, row: usize) -> Value {
    match KeyValue::of(column, row) {
        Ok(KeyValue::Null) | Err(_) => Value::Null,
        Ok(KeyValue::Boolean(b)) => Value::Bool(b),
        Ok(KeyValue::Int(i)) => Value::from(i),
        Ok(KeyValue::Float(x)) => serde_json::Number::from_f64(x)
            .map(Value::Number)
            .unwrap_or_else(|| Value::String(KeyValue::Float(x).to_string())),
        Ok(KeyValue::Decimal { units, scale }) => {
            let whole = 10i128.checked_pow(scale.max(0) as u32).filter(|p| units % p == 0);
            match whole.and_then(|p| i64::try_from(units / p).ok()) {
                Some(i) => Value::from(i),
                None => Value::from(units as f64 / 10f64.powi(scale.into())),
            }
        }
        Ok(other) => Value::String(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use crate::warehouse::Warehouse;

    /// A warehouse as a workspace saved before the tables were Arrow batches holds it.
    const SAVED: &str = r#"{"tables":{"public.employees":{"name":"public.employees","columns":[{"name":"empno","type":"int"},{"name":"name","type":"string"},{"name":"hired","type":"date"},{"name":"salary","type":"decimal(10,2)"},{"name":"seen","type":"timestamp"}],"primary_key":["empno"],"rows":[{"id":1,"version":1,"values":[1,"Ana","2024-01-15",100.5,"2024-01-15 10:00:00"],"inserted_at":2,"updated_at":2,"written_by":null,"origin":null},{"id":3,"version":2,"values":[2,"Bob",null,-3,null],"inserted_at":2,"updated_at":3,"written_by":"jr_1","origin":{"source":"s3://b/k.json","version":1,"line":4}}],"last_row_id":3}}}"#;

    #[test]
    fn saved_warehouses_load_and_save_in_the_same_shape() {
        let w: Warehouse = serde_json::from_str(SAVED).unwrap();
        let t = w.table("employees").unwrap();
        assert_eq!(t.num_rows(), 2);
        assert_eq!(t.rows()[1].origin.as_ref().unwrap().line, 4);
        assert_eq!(serde_json::to_string(&w).unwrap(), SAVED);
        let again: Warehouse = serde_json::from_str(&serde_json::to_string(&w).unwrap()).unwrap();
        assert_eq!(again, w);
    }

    #[test]
    fn a_damaged_value_is_refused_on_load() {
        let damaged = SAVED.replace(r#"[1,"Ana""#, r#"["x","Ana""#);
        let e = serde_json::from_str::<Warehouse>(&damaged).unwrap_err().to_string();
        assert!(e.contains("row 1, column \"empno\": \"x\" is not a valid int"), "{e}");
        let short = SAVED.replace(r#"[1,"Ana","2024-01-15",100.5,"2024-01-15 10:00:00"]"#, "[1]");
        let e = serde_json::from_str::<Warehouse>(&short).unwrap_err().to_string();
        assert!(e.contains("row 1 has 1 values for 5 columns"), "{e}");
    }
}
