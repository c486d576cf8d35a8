//! `Aggregate`: one row per group, like `df.toDF().groupBy(...).agg(...)` in a Glue script.
//!
//! Group keys are SQL expressions of [`crate::query`], so `date_format(hire_date, '%Y-%m')` or
//! `date_trunc('month', d)` bucket rows by month where the expression language has those
//! functions. The step runs as one `SELECT ... GROUP BY` of the query engine over the frame,
//! so grouping (NULL is a key of its own), types (`count` is bigint, `avg` double, `sum` of
//! integers bigint) and messages are the query engine's; groups come in order of first
//! appearance.
//!
//! **Origins.** Glue loses row lineage on aggregation: an output row is made from many input
//! rows. gluelab gives each output row the origin of the **first row of its group** (in frame
//! order), so a sink row still points at a real source line, the one that opened its group. A
//! global aggregate (no keys) of an empty frame is one row made from no rows; its origin is an
//! empty source at line 0 (*modelled*).

use std::sync::Arc;

use crate::arrow::array::{Array, AsArray, Int64Array, RecordBatch};
use crate::arrow::datatypes::{DataType, Field, Int64Type, Schema, SchemaRef};
use serde::{Deserialize, Serialize};

use super::{field_list, Frame, RowOrigin};
use crate::error::{Error, Result};
use crate::query::TableSource;

/// One group key: the output column `name` holds `expression` (`device_id`,
/// `date_trunc('month', d)`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupKey {
    pub name: String,
    pub expression: String,
}

impl GroupKey {
    pub fn new(name: &str, expression: &str) -> Self {
        GroupKey {
            name: name.into(),
            expression: expression.into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AggFunction {
    /// Rows in the group (`column: None`) or non-null values of the column.
    Count,
    /// Distinct non-null values of the column.
    CountDistinct,
    Sum,
    Avg,
    Min,
    Max,
}

impl AggFunction {
    pub fn name(self) -> &'static str {
        match self {
            AggFunction::Count => "count",
            AggFunction::CountDistinct => "count_distinct",
            AggFunction::Sum => "sum",
            AggFunction::Avg => "avg",
            AggFunction::Min => "min",
            AggFunction::Max => "max",
        }
    }
}

/// One aggregate: the output column `name` holds `function(column)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agg {
    pub name: String,
    pub function: AggFunction,
    /// The column aggregated; `None` only for `count` (all rows).
    #[serde(default)]
    pub column: Option<String>,
}

impl Agg {
    pub fn new(name: &str, function: AggFunction, column: Option<&str>) -> Self {
        Agg {
            name: name.into(),
            function,
            column: column.map(str::to_string),
        }
    }
}

/// The hidden column that carries each row's position through the query.
const ROW: &str = "__gluelab_row";

/// The frame as the query engine's only table.
struct FrameTable(RecordBatch);

impl TableSource for FrameTable {
    fn table(&self, _database: Option<&str>, _table: &str) -> Result<(SchemaRef, Vec<RecordBatch>)> {
        Ok((self.0.schema(), vec![self.0.clone()]))
    }
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

pub(crate) fn aggregate(frame: Frame, group_by: &[GroupKey], aggregates: &[Agg]) -> Result<Frame> {
    let fail = |m: String| Error::transform("Aggregate", m);
    if group_by.is_empty() && aggregates.is_empty() {
        return Err(fail("nothing to compute: give group keys or aggregates".into()));
    }
    let schema = frame.batch.schema();
    let mut select = vec![];
    for key in group_by {
        crate::query::evaluate_expression(&frame.batch.slice(0, 0), &key.expression)
            .map_err(|e| fail(format!("group key {} = {}: {e}", key.name, key.expression)))?;
        select.push(format!("{} AS {}", key.expression, quoted(&key.name)));
    }
    for agg in aggregates {
        let argument = match (&agg.column, agg.function) {
            (None, AggFunction::Count) => "*".to_string(),
            (None, f) => return Err(fail(format!("{}: {} needs a column", agg.name, f.name()))),
            (Some(c), f) => {
                let i = frame.column_index(c).ok_or_else(|| {
                    fail(format!(
                        "{}: column {c} of {}({c}) is not in the frame (fields: {})",
                        agg.name,
                        f.name(),
                        field_list(&schema)
                    ))
                })?;
                let column = quoted(schema.field(i).name());
                if f == AggFunction::CountDistinct {
                    format!("DISTINCT {column}")
                } else {
                    column
                }
            }
        };
        let function = match agg.function {
            AggFunction::CountDistinct => "count",
            f => f.name(),
        };
        select.push(format!("{function}({argument}) AS {}", quoted(&agg.name)));
    }
    select.push(format!("min({ROW})"));
    let mut sql = format!("SELECT {} FROM gluelab_frame", select.join(", "));
    if !group_by.is_empty() {
        let positions: Vec<String> = (1..=group_by.len()).map(|p| p.to_string()).collect();
        sql += &format!(" GROUP BY {}", positions.join(", "));
    }

    let mut fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
    fields.push(Field::new(ROW, DataType::Int64, false));
    let mut columns = frame.batch.columns().to_vec();
    columns.push(Arc::new(Int64Array::from_iter_values(0..frame.num_rows() as i64)));
    let input = RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)?;
    let result = crate::query::execute(&sql, &FrameTable(input))
        .map_err(|e| fail(format!("{e} (gluelab runs this step as: {sql})")))?
        .batch;

    let first = result.num_columns() - 1;
    let rows = result.column(first).as_primitive::<Int64Type>();
    let origins = (0..rows.len())
        .map(|g| match rows.is_valid(g) {
            true => frame.origins[rows.value(g) as usize].clone(),
            false => RowOrigin {
                source: String::new(),
                version: 0,
                line: 0,
            },
        })
        .collect();
    let names = group_by
        .iter()
        .map(|k| &k.name)
        .chain(aggregates.iter().map(|a| &a.name));
    let fields: Vec<Field> = names
        .zip(result.schema().fields())
        .map(|(name, f)| Field::new(name, f.data_type().clone(), true))
        .collect();
    let columns = result.columns()[..first].to_vec();
    Frame {
        batch: result.clone(),
        origins,
    }
    .with_columns(fields, columns)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{column, frame, ints, lines, names, strings};
    use super::super::{apply, NoLookups, Transform};
    use super::*;

    fn sales() -> Frame {
        frame(vec![
            (
                "shop",
                strings(&[Some("a"), Some("b"), Some("a"), Some("a"), Some("b")]),
            ),
            ("item", strings(&[Some("x"), Some("x"), Some("y"), Some("x"), None])),
            ("amount", ints(&[Some(10), Some(5), Some(7), Some(1), Some(2)])),
        ])
    }

    fn run(group_by: Vec<GroupKey>, aggregates: Vec<Agg>) -> Result<Frame> {
        let t = Transform::Aggregate { group_by, aggregates };
        Ok(apply(&t, sales(), &NoLookups)?.frame)
    }

    #[test]
    fn groups_by_key_in_order_of_first_appearance_with_the_first_rows_origin() {
        let f = run(
            vec![GroupKey::new("Shop", "shop")],
            vec![
                Agg::new("n", AggFunction::Count, None),
                Agg::new("items", AggFunction::CountDistinct, Some("item")),
                Agg::new("with_item", AggFunction::Count, Some("item")),
                Agg::new("total", AggFunction::Sum, Some("amount")),
                Agg::new("mean", AggFunction::Avg, Some("amount")),
                Agg::new("low", AggFunction::Min, Some("amount")),
                Agg::new("high", AggFunction::Max, Some("AMOUNT")),
            ],
        )
        .unwrap();
        assert_eq!(
            names(&f),
            ["Shop", "n", "items", "with_item", "total", "mean", "low", "high"]
        );
        assert_eq!(column(&f, "Shop"), ["a", "b"]);
        assert_eq!(column(&f, "n"), ["3", "2"]);
        assert_eq!(column(&f, "items"), ["2", "1"]);
        assert_eq!(column(&f, "with_item"), ["3", "1"]);
        assert_eq!(column(&f, "total"), ["18", "7"]);
        assert_eq!(column(&f, "mean"), ["6.0", "3.5"]);
        assert_eq!(column(&f, "low"), ["1", "2"]);
        assert_eq!(column(&f, "high"), ["10", "5"]);
        assert_eq!(lines(&f), [1, 2]);
    }

    #[test]
    fn group_keys_are_expressions() {
        let f = run(
            vec![GroupKey::new("big", "amount >= 5")],
            vec![Agg::new("n", AggFunction::Count, None)],
        )
        .unwrap();
        assert_eq!(column(&f, "big"), ["true", "false"]);
        assert_eq!(column(&f, "n"), ["3", "2"]);
        assert_eq!(lines(&f), [1, 4]);
    }

    #[test]
    fn a_date_expression_buckets_by_month() {
        let days = |d: &[(i32, u32, u32)]| -> crate::arrow::array::ArrayRef {
            let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
            Arc::new(crate::arrow::array::Date32Array::from_iter_values(d.iter().map(
                |&(y, m, day)| (chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap() - epoch).num_days() as i32,
            )))
        };
        let f = frame(vec![
            ("hired", days(&[(2024, 1, 5), (2024, 2, 1), (2024, 1, 20)])),
            ("salary", ints(&[Some(10), Some(20), Some(30)])),
        ]);
        let t = Transform::Aggregate {
            group_by: vec![GroupKey::new("month", "date_trunc('month', hired)")],
            aggregates: vec![Agg::new("total", AggFunction::Sum, Some("salary"))],
        };
        let f = apply(&t, f, &NoLookups).unwrap().frame;
        assert_eq!(column(&f, "month"), ["2024-01-01", "2024-02-01"]);
        assert_eq!(column(&f, "total"), ["40", "20"]);
        assert_eq!(lines(&f), [1, 2]);
    }

    #[test]
    fn without_keys_one_row() {
        let f = run(vec![], vec![Agg::new("total", AggFunction::Sum, Some("amount"))]).unwrap();
        assert_eq!(column(&f, "total"), ["25"]);
        assert_eq!(lines(&f), [1]);
    }

    #[test]
    fn bad_rules_are_errors() {
        let e = run(vec![], vec![Agg::new("t", AggFunction::Sum, Some("price"))]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Aggregate: t: column price of sum(price) is not in the frame (fields: shop, item, amount)"
        );
        let e = run(vec![], vec![Agg::new("t", AggFunction::Sum, None)]).unwrap_err();
        assert_eq!(e.to_string(), "Aggregate: t: sum needs a column");
        let e = run(vec![GroupKey::new("k", "nope")], vec![]).unwrap_err();
        assert!(e.to_string().starts_with("Aggregate: group key k = nope: "), "{e}");
        let e = run(vec![], vec![Agg::new("t", AggFunction::Sum, Some("shop"))]).unwrap_err();
        assert!(e.to_string().contains("gluelab runs this step as: SELECT"), "{e}");
    }
}
