//! `Relationalize`: nested data into flat tables (GLUE-SEMANTICS §7.2).
//!
//! Glue's `Relationalize.apply(frame, staging_path, name="roottable")` returns a
//! `DynamicFrameCollection`: the **root table** `name`, with every struct flattened into
//! `a.b` columns and every array replaced by a generated key (bigint), plus one **child table**
//! per array, `<name>_<path>`, with one row per element: `id` (the key in the root), `index`
//! (the element's position, from 0) and the element as `<path>.val` (a scalar) or flattened
//! `<path>.val.<field>` columns (a struct). An array inside an element gives a grandchild
//! table `<name>_<path>.val.<field>`, keyed the same way. The job goes on with the root table;
//! a sink writes a child table by naming it (`dfc.select("<name>_<path>")`, a sink's
//! `collection_key`). Maps are left as they are. A field under a null struct is null.
//!
//! **Keys, *modelled*.** A row's key is its position in the run's numbering (1, 2, ... over the
//! root's rows; the same key in every array column of the row, null where the array is null),
//! then on over the rows of child tables whose elements hold arrays. AWS says only that Relationalize is
//! bookmark-aware and that its keys continue from the last position in the next run
//! (<https://github.com/aws-samples/aws-glue-flatten-nested-json/issues/12>): with a
//! `transformation_ctx` and bookmarks enabled, numbering starts after the last key the
//! bookmark holds for that ctx; otherwise at 1 in every run.
//!
//! **The bookmark pitfall.** When data is processed again (a re-uploaded file, a rewind, a
//! failed run retried after its write), its nested elements are written to the child tables
//! again **under new keys**, so no key can find the duplicates and a join from the root brings
//! both copies. gluelab marks such rows as duplicates by their lineage (source object, line
//! and content except the generated keys): a generated key column carries
//! [`GENERATED_KEY`] in its field metadata.

use std::collections::HashMap;
use std::sync::Arc;

use crate::arrow::array::{Array, ArrayRef, AsArray, Int32Array, Int64Array, UInt32Array};
use crate::arrow::buffer::NullBuffer;
use crate::arrow::compute::take;
use crate::arrow::datatypes::{DataType, Field};

use super::{Frame, Report, RowOrigin};
use crate::error::Result;

/// Field metadata key marking a column of keys Relationalize generated.
pub const GENERATED_KEY: &str = "gluelab.generated_key";

pub(crate) fn default_root() -> String {
    "roottable".into()
}

/// Whether `field` holds keys Relationalize generated.
pub fn is_generated_key(field: &Field) -> bool {
    field.metadata().contains_key(GENERATED_KEY)
}

/// A DynamicFrameCollection's tables besides the root, and how many keys they took.
#[derive(Debug, Default)]
pub struct ChildTables {
    /// `(name, frame)` in the order Glue's `keys()` would list them: depth first, by column.
    pub tables: Vec<(String, Frame)>,
    /// Keys this application generated: `first_key .. first_key + keys_used`.
    pub keys_used: u64,
}

/// The root table, and its child tables. Keys start at `first_key`.
pub(crate) fn relationalize(frame: Frame, name: &str, first_key: u64, r: &mut Report) -> Result<(Frame, ChildTables)> {
    let mut keys = KeyCounter { next: first_key };
    let mut children = ChildTables::default();
    let root = flat_table(frame, name, None, &mut keys, &mut children)?;
    children.keys_used = keys.next - first_key;
    if !children.tables.is_empty() {
        let names: Vec<&str> = children.tables.iter().map(|(n, _)| n.as_str()).collect();
        r.warn(format!(
            "Relationalize: the collection holds {name} and {}; a sink writes a child table by naming it (its collection key). Keys {}..{} (modelled)",
            names.join(", "),
            first_key,
            keys.next.saturating_sub(1).max(first_key),
        ));
    }
    Ok((root, children))
}

struct KeyCounter {
    next: u64,
}

/// `frame` flattened under `prefix` (None at the root): its arrays become keys, and each one's
/// elements a child table named `<table>_<path>`, appended to `children` after this table's own
/// rows have taken their keys.
fn flat_table(
    frame: Frame,
    table: &str,
    prefix: Option<(&str, ArrayRef, ArrayRef)>,
    keys: &mut KeyCounter,
    children: &mut ChildTables,
) -> Result<Frame> {
    let first = keys.next;
    let mut flat = Flat::default();
    if let Some((_, id, index)) = &prefix {
        flat.push_key_columns(id.clone(), index.clone());
    }
    let schema = frame.batch.schema();
    for (field, column) in schema.fields().iter().zip(frame.batch.columns()) {
        let path = match &prefix {
            Some((p, ..)) => format!("{p}.val.{}", field.name()),
            None => field.name().clone(),
        };
        flatten(&path, column.clone(), first, &mut flat);
    }
    let lists = std::mem::take(&mut flat.lists);
    // A table's rows take keys only when it has arrays to key.
    if !lists.is_empty() {
        keys.next += frame.num_rows() as u64;
    }
    let root = frame.clone().with_columns(flat.fields, flat.columns)?;
    for (path, column) in lists {
        let child = child_table(&frame.origins, &path, &column, first)?;
        let name = format!("{table}_{path}");
        // Depth first: a child table, then the tables of the arrays in its elements.
        let mut grandchildren = ChildTables::default();
        let child = match child {
            Element::Scalar(child) => child,
            Element::Struct(e) => flat_table(e.frame, table, Some((&path, e.id, e.index)), keys, &mut grandchildren)?,
        };
        children.tables.push((name, child));
        children.tables.extend(grandchildren.tables);
    }
    Ok(root)
}

fn generated() -> HashMap<String, String> {
    HashMap::from([(GENERATED_KEY.to_string(), "true".to_string())])
}

#[derive(Default)]
struct Flat {
    fields: Vec<Field>,
    columns: Vec<ArrayRef>,
    /// The array columns met, by path, for their child tables.
    lists: Vec<(String, ArrayRef)>,
}

impl Flat {
    fn push(&mut self, field: Field, column: ArrayRef) {
        self.fields.push(field);
        self.columns.push(column);
    }

    /// A child table's first columns: `id` (its parent row's key) and `index`.
    fn push_key_columns(&mut self, id: ArrayRef, index: ArrayRef) {
        self.push(Field::new("id", DataType::Int64, true).with_metadata(generated()), id);
        self.push(Field::new("index", DataType::Int32, true), index);
    }
}

fn flatten(path: &str, column: ArrayRef, first_key: u64, flat: &mut Flat) {
    match column.data_type() {
        DataType::Struct(_) => {
            let s = column.as_struct().clone();
            let parent = s.logical_nulls();
            let (sub_fields, sub_columns, _) = s.into_parts();
            for (f, c) in sub_fields.iter().zip(sub_columns) {
                let c = match &parent {
                    Some(p) => with_nulls(&c, p),
                    None => c,
                };
                flatten(&format!("{path}.{}", f.name()), c, first_key, flat);
            }
        }
        DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(..) => {
            let keys: Int64Array = (0..column.len())
                .map(|i| column.is_valid(i).then(|| (first_key + i as u64) as i64))
                .collect();
            flat.push(
                Field::new(path, DataType::Int64, true).with_metadata(generated()),
                Arc::new(keys),
            );
            flat.lists.push((path.to_string(), column));
        }
        _ => flat.push(Field::new(path, column.data_type().clone(), true), column),
    }
}

/// A child table's rows before its element is flattened.
enum Element {
    /// `id`, `index`, `<path>.val`: done.
    Scalar(Frame),
    /// Struct elements: flattened (and their own arrays split off) by the caller.
    Struct(Elements),
}

struct Elements {
    frame: Frame,
    id: ArrayRef,
    index: ArrayRef,
}

/// One row per element of the list `column` (rows of the table whose origins are `origins`,
/// keyed from `first_key`), each with its parent row's origin.
fn child_table(origins: &[RowOrigin], path: &str, column: &ArrayRef, first_key: u64) -> Result<Element> {
    let (values, ranges) = list_parts(column);
    let mut take_rows = vec![];
    let mut ids = vec![];
    let mut indexes = vec![];
    let mut child_origins = vec![];
    for (row, range) in ranges.iter().enumerate() {
        let Some((start, end)) = range else { continue };
        for (index, at) in (*start..*end).enumerate() {
            take_rows.push(at as u32);
            ids.push((first_key + row as u64) as i64);
            indexes.push(index as i32);
            child_origins.push(origins[row].clone());
        }
    }
    let elements = take(values.as_ref(), &UInt32Array::from(take_rows), None)?;
    let id: ArrayRef = Arc::new(Int64Array::from(ids));
    let index: ArrayRef = Arc::new(Int32Array::from(indexes));
    let rows = id.len();
    if let DataType::Struct(_) = elements.data_type() {
        let s = elements.as_struct();
        let (fields, columns, nulls) = s.clone().into_parts();
        let columns = columns
            .into_iter()
            .map(|c| match &nulls {
                Some(n) => with_nulls(&c, n),
                None => c,
            })
            .collect();
        let batch = crate::arrow::array::RecordBatch::try_new_with_options(
            Arc::new(crate::arrow::datatypes::Schema::new(fields)),
            columns,
            &crate::arrow::array::RecordBatchOptions::new().with_row_count(Some(rows)),
        )?;
        return Ok(Element::Struct(Elements {
            frame: Frame {
                batch,
                origins: child_origins,
            },
            id,
            index,
        }));
    }
    let mut flat = Flat::default();
    flat.push_key_columns(id, index);
    flat.push(
        Field::new(format!("{path}.val"), elements.data_type().clone(), true),
        elements,
    );
    let empty = crate::arrow::array::RecordBatch::try_new_with_options(
        Arc::new(crate::arrow::datatypes::Schema::empty()),
        vec![],
        &crate::arrow::array::RecordBatchOptions::new().with_row_count(Some(rows)),
    )?;
    let frame = Frame {
        batch: empty,
        origins: child_origins,
    };
    Ok(Element::Scalar(frame.with_columns(flat.fields, flat.columns)?))
}

/// A list column's values, and each row's range in them (`None`: a null list).
fn list_parts(column: &ArrayRef) -> (ArrayRef, Vec<Option<(usize, usize)>>) {
    let valid = |i: usize| column.is_valid(i);
    match column.data_type() {
        DataType::List(_) => {
            let list = column.as_list::<i32>();
            let offsets = list.value_offsets();
            let ranges = (0..list.len())
                .map(|i| valid(i).then(|| (offsets[i] as usize, offsets[i + 1] as usize)))
                .collect();
            (list.values().clone(), ranges)
        }
        DataType::LargeList(_) => {
            let list = column.as_list::<i64>();
            let offsets = list.value_offsets();
            let ranges = (0..list.len())
                .map(|i| valid(i).then(|| (offsets[i] as usize, offsets[i + 1] as usize)))
                .collect();
            (list.values().clone(), ranges)
        }
        _ => {
            let list = column.as_fixed_size_list();
            let size = list.value_length() as usize;
            let ranges = (0..list.len())
                .map(|i| {
                    let start = list.value_offset_at(i);
                    valid(i).then_some((start, start + size))
                })
                .collect();
            (list.values().clone(), ranges)
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
    use crate::arrow::array::{Int64Builder, ListBuilder, StringArray, StringBuilder, StructArray, StructBuilder};
    use crate::arrow::datatypes::Fields;

    use super::super::testing::{column, frame, ints, lines, names};
    use super::super::{apply, NoLookups, Transform};
    use super::*;

    fn relationalize_orders() -> Transform {
        Transform::Relationalize {
            name: "orders".into(),
            transformation_ctx: None,
        }
    }

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
        let applied = apply(&relationalize_orders(), f, &NoLookups).unwrap();
        let f = &applied.frame;
        assert_eq!(names(f), ["id", "customer.address.city", "tags"]);
        assert_eq!(column(f, "customer.address.city"), ["osaka", "null", "null"]);
        assert_eq!(
            column(f, "tags"),
            ["1", "null", "3"],
            "a row's key is its number in the run"
        );
        assert_eq!(lines(f), [1, 2, 3]);
        assert!(is_generated_key(f.batch.schema().field(2)));

        let [(name, tags)] = &applied.children.tables[..] else {
            panic!("{:?}", applied.children.tables)
        };
        assert_eq!(name, "orders_tags");
        assert_eq!(names(tags), ["id", "index", "tags.val"]);
        assert_eq!(column(tags, "id"), ["1", "1"]);
        assert_eq!(column(tags, "index"), ["0", "1"]);
        assert_eq!(column(tags, "tags.val"), ["1", "2"]);
        assert_eq!(lines(tags), [1, 1], "an element keeps its row's origin");
        assert_eq!(applied.children.keys_used, 3);
        assert!(applied.warnings[0].contains("orders_tags"), "{:?}", applied.warnings);
    }

    /// Glue's own example: `contact_details`, an array of structs, becomes
    /// `hist_root_contact_details` with `id`, `index`, `contact_details.val.type`, ...
    #[test]
    fn struct_elements_become_val_columns_and_nested_arrays_grandchild_tables() {
        let element = Fields::from(vec![
            Field::new("type", DataType::Utf8, true),
            Field::new("tags", DataType::new_list(DataType::Utf8, true), true),
        ]);
        let mut details = ListBuilder::new(StructBuilder::from_fields(element.clone(), 2));
        for (kind, tags) in [("fax", vec!["a", "b"]), ("phone", vec![])] {
            let s = details.values();
            s.field_builder::<StringBuilder>(0).unwrap().append_value(kind);
            let t = s.field_builder::<ListBuilder<Box<dyn crate::arrow::array::ArrayBuilder>>>(1);
            match t {
                Some(t) => {
                    for tag in &tags {
                        t.values()
                            .as_any_mut()
                            .downcast_mut::<StringBuilder>()
                            .unwrap()
                            .append_value(tag);
                    }
                    t.append(true);
                }
                None => panic!("list builder"),
            }
            s.append(true);
        }
        details.append(true);
        details.append_null();
        let f = frame(vec![
            ("id", ints(&[Some(7), Some(8)])),
            ("contact_details", Arc::new(details.finish())),
        ]);
        let t = Transform::Relationalize {
            name: "hist_root".into(),
            transformation_ctx: None,
        };
        let applied = apply(&t, f, &NoLookups).unwrap();
        let tables: Vec<&str> = applied.children.tables.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            tables,
            ["hist_root_contact_details", "hist_root_contact_details.val.tags"]
        );
        let details = &applied.children.tables[0].1;
        assert_eq!(
            names(details),
            ["id", "index", "contact_details.val.type", "contact_details.val.tags"]
        );
        assert_eq!(column(details, "contact_details.val.type"), ["fax", "phone"]);
        // Root rows took keys 1 and 2; the two elements 3 and 4.
        assert_eq!(column(details, "contact_details.val.tags"), ["3", "4"]);
        let tags = &applied.children.tables[1].1;
        assert_eq!(column(tags, "id"), ["3", "3"]);
        assert_eq!(column(tags, "contact_details.val.tags.val"), ["a", "b"]);
        assert_eq!(applied.children.keys_used, 4);
    }
}
