//! `Relationalize`: nested data into flat tables (GLUE-SEMANTICS §7.2).
//!
//! Glue's `Relationalize.apply(frame, staging_path, name="roottable")` returns a
//! `DynamicFrameCollection`: the **root table** `name`, with every struct flattened into
//! `a.b` columns and every array replaced by a generated key, plus one **child table** per
//! array, `<name>_<path>`, with one row per element (`id` = the key in the root, `index`, and
//! the element's `<path>.val` or flattened fields).
//!
//! What gluelab does (*modelled*): its jobs are one linear pipeline, so it keeps the **root table
//! only**. Structs are flattened recursively (a field under a null struct is null); each list
//! column becomes a bigint key, numbered 1, 2, ... over the rows whose list is not null (null
//! stays null). A warning names the child tables Glue would also produce, which gluelab does
//! not write. Maps are left as they are. Rows are not changed, so origins stay aligned. Note
//! that gluelab's JSON reader infers nested values as their JSON text (strings): only columns
//! declared `struct<...>`/`array<...>` in the catalog, or read from Parquet, are nested.
//!
//! **The bookmark pitfall.** Relationalize is bookmark-aware in Glue: with a
//! `transformation_ctx` its generated keys continue across runs, so each run's child rows get
//! new keys. When data is processed again (a bookmark reset or rewind, a re-uploaded file, a
//! failed run retried after its write), the same nested elements are written to the child
//! tables again **under new surrogate keys**, so the duplicates cannot be found by key and a
//! join from the root brings both copies
//! (<https://github.com/aws-samples/aws-glue-flatten-nested-json/issues/12>). gluelab's keys
//! restart at 1 in every run instead of continuing; use the sink's lineage (source object and
//! line), not the generated key, to find re-processed rows.

use std::sync::Arc;

use crate::arrow::array::{Array, ArrayRef, Int64Array, StructArray};
use crate::arrow::buffer::NullBuffer;
use crate::arrow::datatypes::{DataType, Field};

use super::{Frame, Report};
use crate::error::Result;

pub(crate) fn default_root() -> String {
    "roottable".into()
}

pub(crate) fn relationalize(frame: Frame, name: &str, r: &mut Report) -> Result<Frame> {
    let schema = frame.batch.schema();
    let mut fields = vec![];
    let mut columns = vec![];
    let mut children = vec![];
    for (field, column) in schema.fields().iter().zip(frame.batch.columns()) {
        flatten(field.name(), column.clone(), &mut fields, &mut columns, &mut children);
    }
    if !children.is_empty() {
        let tables: Vec<String> = children.iter().map(|p| format!("{name}_{p}")).collect();
        r.warn(format!(
            "Relationalize: gluelab keeps the root table {name} only; Glue would also write {} \
             (one row per element, joined on the root's generated key{}). The keys restart at 1 in \
             every gluelab run",
            tables.join(", "),
            if children.len() == 1 { "" } else { "s" }
        ));
    }
    frame.with_columns(fields, columns)
}

fn flatten(
    path: &str,
    column: ArrayRef,
    fields: &mut Vec<Field>,
    columns: &mut Vec<ArrayRef>,
    children: &mut Vec<String>,
) {
    match column.data_type() {
        DataType::Struct(_) => {
            let s = column
                .as_any()
                .downcast_ref::<StructArray>()
                .expect("a struct array")
                .clone();
            let parent = s.logical_nulls();
            let (sub_fields, sub_columns, _) = s.into_parts();
            for (f, c) in sub_fields.iter().zip(sub_columns) {
                let c = match &parent {
                    Some(p) => with_nulls(&c, p),
                    None => c,
                };
                flatten(&format!("{path}.{}", f.name()), c, fields, columns, children);
            }
        }
        DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(..) => {
            let mut next = 0;
            let keys: Int64Array = (0..column.len())
                .map(|i| {
                    column.is_valid(i).then(|| {
                        next += 1;
                        next
                    })
                })
                .collect();
            fields.push(Field::new(path, DataType::Int64, true));
            columns.push(Arc::new(keys));
            children.push(path.to_string());
        }
        _ => {
            fields.push(Field::new(path, column.data_type().clone(), true));
            columns.push(column);
        }
    }
}

/// `column` with nulls added wherever `parent` is null.
fn with_nulls(column: &ArrayRef, parent: &NullBuffer) -> ArrayRef {
    let nulls = NullBuffer::union(column.logical_nulls().as_ref(), Some(parent));
    match column.to_data().into_builder().nulls(nulls).build() {
        Ok(data) => crate::arrow::array::make_array(data),
        Err(_) => column.clone(),
    }
}

#[cfg(test)]
mod tests {
    use crate::arrow::array::{Int64Builder, ListBuilder, StringArray};
    use crate::arrow::datatypes::Fields;

    use super::super::testing::{column, frame, ints, lines, names};
    use super::super::{apply, NoLookups, Transform};
    use super::*;

    #[test]
    fn flattens_structs_and_turns_lists_into_keys() {
        let inner = Fields::from(vec![Field::new("city", DataType::Utf8, true)]);
        let address = StructArray::try_new(
            inner.clone(),
            vec![Arc::new(StringArray::from(vec![Some("osaka"), Some("x"), None]))],
            Some(NullBuffer::from(vec![true, false, true])),
        )
        .unwrap();
        let outer = StructArray::try_new(
            Fields::from(vec![Field::new("address", DataType::Struct(inner), true)]),
            vec![Arc::new(address)],
            None,
        )
        .unwrap();
        let mut tags = ListBuilder::new(Int64Builder::new());
        tags.append_value([Some(1), Some(2)]);
        tags.append_null();
        tags.append_value([]);
        let f = frame(vec![
            ("id", ints(&[Some(1), Some(2), Some(3)])),
            ("customer", Arc::new(outer)),
            ("tags", Arc::new(tags.finish())),
        ]);
        let t = Transform::Relationalize { name: "orders".into() };
        let applied = apply(&t, f, &NoLookups).unwrap();
        let f = &applied.frame;
        assert_eq!(names(f), ["id", "customer.address.city", "tags"]);
        assert_eq!(column(f, "customer.address.city"), ["osaka", "null", "null"]);
        assert_eq!(column(f, "tags"), ["1", "null", "2"]);
        assert_eq!(lines(f), [1, 2, 3]);
        assert!(
            applied.warnings[0].contains("Glue would also write orders_tags"),
            "{:?}",
            applied.warnings
        );
    }
}
