//! Hive-style partitions of a catalog table (`year=2026/month=11/` folders): the ones in the
//! store right now (what a crawler or `MSCK REPAIR TABLE` registers), where an object sits among
//! the ones registered, which of them a `push_down_predicate` or `catalogPartitionPredicate`
//! keeps, and the partition columns a row read from one gets.
//!
//! `from_catalog` reads only the partitions the catalog holds: a new `key=value/` folder is not
//! read until it is registered, and objects outside every partition folder are never read
//! (Hive's rule, which Glue's catalog reader follows).

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::arrow::array::{Array, ArrayRef, RecordBatch, StringArray};
use crate::arrow::compute::cast;
use crate::arrow::datatypes::{Field, Schema, SchemaRef};
use crate::error::{Error, Result};
use crate::format::types::parse_glue_type;
use crate::model::catalog::{Partition, Table};
use crate::model::store::{ObjectStore, S3Uri};

/// Hive's folder name for a NULL partition value.
pub const HIVE_DEFAULT_PARTITION: &str = "__HIVE_DEFAULT_PARTITION__";

/// Where an object of a partitioned table sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// In the registered partition at this index of `Table::partitions`.
    Registered(usize),
    /// In a `key=value/` folder the catalog does not hold (yet).
    Unregistered { folder: String },
    /// Not under a full set of `key=value/` folders: never part of the table's data.
    Outside,
}

/// What a predicate kept: one flag per registered partition.
pub type Kept = Vec<bool>;

impl Table {
    pub fn is_partitioned(&self) -> bool {
        !self.partition_keys.is_empty()
    }

    /// Hive-style partitions (`key=value/` folders, in the keys' order) found in the store now.
    pub fn discover_partitions(&self, store: &ObjectStore) -> Result<Vec<Partition>> {
        if !self.is_partitioned() {
            return Ok(vec![]);
        }
        let location = self.location_uri()?;
        let root = location.folder_prefix();
        let mut found: BTreeMap<Vec<String>, String> = BTreeMap::new();
        for object in store.list(&S3Uri::new(&location.bucket, &root))? {
            if let Some((values, folder)) = self.partition_folder(&object.key[root.len()..]) {
                found.entry(values).or_insert(format!("{root}{folder}"));
            }
        }
        Ok(found
            .into_iter()
            .map(|(values, prefix)| Partition {
                values,
                location: S3Uri::new(&location.bucket, prefix).to_string(),
            })
            .collect())
    }

    /// The partition values and folder (`year=2026/month=11/`) of a key relative to the table's
    /// location, when it lies under one folder per partition key, in order.
    fn partition_folder(&self, relative: &str) -> Option<(Vec<String>, String)> {
        let segments: Vec<&str> = relative.split('/').collect();
        if segments.len() <= self.partition_keys.len() {
            return None;
        }
        let values = self
            .partition_keys
            .iter()
            .zip(&segments)
            .map(|(k, seg)| seg.strip_prefix(&format!("{}=", k.name)).map(str::to_string))
            .collect::<Option<Vec<String>>>()?;
        let folder = segments[..self.partition_keys.len()]
            .iter()
            .map(|s| format!("{s}/"))
            .collect();
        Some((values, folder))
    }

    /// A partition's folder name under the table: `year=2026/month=11/`.
    pub fn partition_name(&self, partition: &Partition) -> String {
        self.partition_keys
            .iter()
            .zip(&partition.values)
            .map(|(k, v)| format!("{}={v}/", k.name))
            .collect()
    }

    /// Where the object at `uri` (under this table's location) sits among its partitions.
    pub fn place_of(&self, uri: &S3Uri) -> Result<Place> {
        let location = self.location_uri()?;
        let relative = uri.key.strip_prefix(&location.folder_prefix()).unwrap_or(&uri.key);
        let Some((values, folder)) = self.partition_folder(relative) else {
            return Ok(Place::Outside);
        };
        Ok(match self.partitions.iter().position(|p| p.values == values) {
            Some(i) => Place::Registered(i),
            None => Place::Unregistered { folder },
        })
    }

    /// The partition keys as Arrow fields, typed as the catalog declares them.
    pub fn partition_fields(&self) -> Result<Vec<Field>> {
        self.partition_keys
            .iter()
            .map(|c| {
                parse_glue_type(&c.glue_type)
                    .map(|t| Field::new(&c.name, t, true))
                    .map_err(|e| {
                        Error::InvalidInput(format!(
                            "table {}.{}, partition key {}: {e}",
                            self.database, self.name, c.name
                        ))
                    })
            })
            .collect()
    }

    /// The registered partitions as rows: one column per partition key, typed.
    fn partition_rows(&self) -> Result<RecordBatch> {
        let fields = self.partition_fields()?;
        let columns = fields
            .iter()
            .enumerate()
            .map(|(k, field)| {
                // A partition with fewer values than keys (an edited file) has NULL for the rest.
                let values = self
                    .partitions
                    .iter()
                    .map(|p| p.values.get(k).and_then(|v| value_of(v)));
                typed(Arc::new(StringArray::from_iter(values)), field)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)?)
    }

    /// Which registered partitions `predicate` keeps (SQL over the partition keys, Spark's
    /// `push_down_predicate` or the catalog's `catalogPartitionPredicate`; gluelab evaluates
    /// both with its own SQL engine: *modelled*). `option` names the predicate in errors.
    pub fn partitions_kept(&self, option: &str, predicate: &str) -> std::result::Result<Kept, String> {
        let keys: Vec<&str> = self.partition_keys.iter().map(|c| c.name.as_str()).collect();
        if keys.is_empty() {
            return Err(format!(
                "{option} {predicate:?} prunes partitions, and table {}.{} has no partition keys",
                self.database, self.name
            ));
        }
        let rows = self.partition_rows().map_err(|e| e.to_string())?;
        let mask = crate::query::predicate_mask(&rows, predicate).map_err(|e| {
            format!(
                "{option} {predicate:?}: {e} (it sees only the partition keys: {})",
                keys.join(", ")
            )
        })?;
        Ok((0..mask.len()).map(|i| mask.is_valid(i) && mask.value(i)).collect())
    }

    /// `batch` with the partition columns appended, every row holding `partition`'s values.
    pub fn with_partition_columns(&self, batch: RecordBatch, partition: &Partition) -> Result<RecordBatch> {
        let rows = batch.num_rows();
        let mut fields: Vec<Arc<Field>> = batch.schema().fields().iter().cloned().collect();
        let mut columns = batch.columns().to_vec();
        for (field, value) in self.partition_fields()?.into_iter().zip(&partition.values) {
            if fields.iter().any(|f| f.name() == field.name()) {
                continue; // a data column of that name: Hive's partition value would shadow it.
            }
            let repeated = StringArray::from_iter(std::iter::repeat_n(value_of(value), rows));
            columns.push(typed(Arc::new(repeated), &field)?);
            fields.push(Arc::new(field));
        }
        Ok(RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)?)
    }

    /// The table's rows' schema: its columns, then its partition keys.
    pub fn schema_with_partitions(&self) -> Result<SchemaRef> {
        let mut fields: Vec<Field> = self.schema()?.fields().iter().map(|f| f.as_ref().clone()).collect();
        for field in self.partition_fields()? {
            if !fields.iter().any(|f| f.name() == field.name()) {
                fields.push(field);
            }
        }
        Ok(Arc::new(Schema::new(fields)))
    }
}

fn value_of(text: &str) -> Option<&str> {
    (text != HIVE_DEFAULT_PARTITION).then_some(text)
}

/// Text cast to the partition key's type; a value that does not cast is NULL, as Spark reads
/// a partition value that does not fit its declared type.
fn typed(text: ArrayRef, field: &Field) -> Result<ArrayRef> {
    Ok(cast(&text, field.data_type())?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Format;
    use crate::model::catalog::Column;

    fn sales() -> (Table, ObjectStore) {
        let mut store = ObjectStore::default();
        store.create_bucket("raw", 0).unwrap();
        for key in [
            "sales/year=2025/month=12/a.json",
            "sales/year=2026/month=01/b.json",
            "sales/year=2026/month=02/c.json",
            "sales/loose.json",
            "sales/year=2026/d.json",
        ] {
            store.put(&S3Uri::new("raw", key), vec![], 0).unwrap();
        }
        let mut t = Table::new(
            "db",
            "sales",
            "s3://raw/sales",
            Format::Json,
            vec![Column::new("id", "bigint")],
        );
        t.partition_keys = vec![Column::new("year", "int"), Column::new("month", "string")];
        (t, store)
    }

    #[test]
    fn discovers_hive_partitions_and_places_objects() {
        let (mut t, store) = sales();
        let found = t.discover_partitions(&store).unwrap();
        assert_eq!(found.len(), 3);
        assert_eq!(found[1].values, ["2026", "01"]);
        assert_eq!(found[1].location, "s3://raw/sales/year=2026/month=01/");
        t.partitions = found[..2].to_vec();
        let place = |key: &str| t.place_of(&S3Uri::new("raw", key)).unwrap();
        assert_eq!(place("sales/year=2026/month=01/b.json"), Place::Registered(1));
        assert_eq!(
            place("sales/year=2026/month=02/c.json"),
            Place::Unregistered {
                folder: "year=2026/month=02/".into()
            }
        );
        assert_eq!(place("sales/loose.json"), Place::Outside);
        assert_eq!(place("sales/year=2026/d.json"), Place::Outside);
    }

    #[test]
    fn predicates_see_typed_partition_keys() {
        let (mut t, store) = sales();
        t.partitions = t.discover_partitions(&store).unwrap();
        assert_eq!(
            t.partitions_kept("push_down_predicate", "year = 2026").unwrap(),
            [false, true, true]
        );
        assert_eq!(
            t.partitions_kept("push_down_predicate", "year >= 2026 AND month > '01'")
                .unwrap(),
            [false, false, true]
        );
        let e = t.partitions_kept("push_down_predicate", "id > 3").unwrap_err();
        assert!(e.contains("Column 'id' cannot be resolved"), "{e}");
        assert!(e.ends_with("(it sees only the partition keys: year, month)"), "{e}");
        t.partition_keys.clear();
        let e = t.partitions_kept("catalogPartitionPredicate", "year = 1").unwrap_err();
        assert!(e.contains("has no partition keys"), "{e}");
    }

    /// An edited workspace file may hold a partition with fewer values than keys: its missing
    /// values are NULL, never an index past the end.
    #[test]
    fn a_partition_short_of_values_is_null_for_the_rest() {
        let (mut t, _) = sales();
        t.partitions = vec![Partition {
            values: vec!["2026".into()],
            location: "s3://raw/sales/year=2026/".into(),
        }];
        assert_eq!(
            t.partitions_kept("push_down_predicate", "month IS NULL").unwrap(),
            [true]
        );
    }

    #[test]
    fn rows_get_typed_partition_columns() {
        let (t, _) = sales();
        let batch = RecordBatch::try_new(
            t.schema().unwrap(),
            vec![Arc::new(crate::arrow::array::Int64Array::from(vec![1, 2]))],
        )
        .unwrap();
        let partition = Partition {
            values: vec!["2026".into(), HIVE_DEFAULT_PARTITION.into()],
            location: String::new(),
        };
        let out = t.with_partition_columns(batch, &partition).unwrap();
        assert_eq!(out.schema(), t.schema_with_partitions().unwrap());
        let year = out
            .column(1)
            .as_any()
            .downcast_ref::<crate::arrow::array::Int32Array>()
            .unwrap();
        assert_eq!(year.values(), &[2026, 2026]);
        assert_eq!(out.column(2).null_count(), 2);
    }
}
