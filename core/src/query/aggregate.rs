//! `GROUP BY` and the aggregate functions `count`, `sum`, `avg`, `min`, `max`.
//!
//! Rows are grouped by their key encoded with Arrow's `RowConverter` (any key types, NULL is a
//! key of its own, as in SQL). Groups are numbered in order of first appearance, so results are
//! deterministic without an `ORDER BY`. The rows are then reordered once so that each group is
//! one contiguous slice, and every aggregate runs a kernel (`sum_checked`, ...) over zero-copy
//! slices instead of gathering each group separately.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::arrow::array::{
    make_comparator, new_null_array, Array, ArrayRef, AsArray, Decimal128Array, Float64Array, Int64Array, UInt32Array,
};
use crate::arrow::compute::kernels::aggregate::{sum, sum_checked};
use crate::arrow::compute::{cast, take, SortOptions};
use crate::arrow::datatypes::{DataType, Decimal128Type, Float64Type, Int64Type};
use crate::arrow::row::{RowConverter, SortField};

use super::error::{sql_error, Pos};
use super::plan::AggFunc;
use super::types::{is_integer, is_numeric, sql_name};
use crate::error::Result;

/// Rows split into groups, each group a contiguous range of `order`.
#[derive(Debug)]
pub(crate) struct Groups {
    /// Row indices, group by group; within a group, in table order.
    order: UInt32Array,
    /// Group `g` is `order[offsets[g]..offsets[g + 1]]`.
    offsets: Vec<usize>,
    /// The first row of each group, to read its key values from.
    first_rows: UInt32Array,
}

impl Groups {
    /// Groups `num_rows` rows by `keys`. Without keys, all rows form one group, even zero rows
    /// (`SELECT count(*) FROM empty` is one row holding 0).
    pub fn new(keys: &[ArrayRef], num_rows: usize) -> Result<Self> {
        if keys.is_empty() {
            return Ok(Groups {
                order: (0..num_rows as u32).collect(),
                offsets: vec![0, num_rows],
                first_rows: UInt32Array::from(vec![0u32]),
            });
        }
        let fields = keys.iter().map(|k| SortField::new(k.data_type().clone())).collect();
        let rows = RowConverter::new(fields)?.convert_columns(keys)?;
        let mut ids = HashMap::new();
        let mut group_of = Vec::with_capacity(num_rows);
        let mut first_rows = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let next = ids.len();
            let g = *ids.entry(row).or_insert(next);
            if g == next {
                first_rows.push(i as u32);
            }
            group_of.push(g);
        }
        // Counting sort by group id: stable, so rows keep table order inside their group.
        let mut offsets = vec![0usize; first_rows.len() + 1];
        for &g in &group_of {
            offsets[g + 1] += 1;
        }
        for g in 0..first_rows.len() {
            offsets[g + 1] += offsets[g];
        }
        let mut next = offsets.clone();
        let mut order = vec![0u32; num_rows];
        for (i, &g) in group_of.iter().enumerate() {
            order[next[g]] = i as u32;
            next[g] += 1;
        }
        Ok(Groups {
            order: order.into(),
            offsets,
            first_rows: first_rows.into(),
        })
    }

    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    fn ranges(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.offsets.windows(2).map(|w| (w[0], w[1] - w[0]))
    }

    /// One value of `key` per group.
    pub fn key_values(&self, key: &ArrayRef) -> Result<ArrayRef> {
        Ok(take(key, &self.first_rows, None)?)
    }

    /// One result per group. `arg` is the evaluated argument (`None` for `count(*)`).
    pub fn aggregate(&self, func: AggFunc, distinct: bool, arg: Option<&ArrayRef>, pos: Pos) -> Result<ArrayRef> {
        let Some(arg) = arg else {
            return Ok(Arc::new(self.ranges().map(|(_, n)| n as i64).collect::<Int64Array>()));
        };
        // Contiguous groups: group g is values.slice(offset, len).
        let values = take(arg, &self.order, None)?;
        let t = values.data_type().clone();
        if t == DataType::Null && func != AggFunc::Count {
            return Ok(new_null_array(&DataType::Null, self.len()));
        }
        match func {
            AggFunc::Count if distinct => self.count_distinct(&values),
            AggFunc::Count => {
                let nulls = values.logical_nulls();
                let valid = |off, n| n - nulls.as_ref().map_or(0, |b| b.slice(off, n).null_count());
                Ok(Arc::new(
                    self.ranges()
                        .map(|(off, n)| valid(off, n) as i64)
                        .collect::<Int64Array>(),
                ))
            }
            AggFunc::Sum if is_integer(&t) => {
                let v = cast(&values, &DataType::Int64)?;
                let v = v.as_primitive::<Int64Type>();
                let sums = self.ranges().map(|(off, n)| sum_checked(&v.slice(off, n)));
                let sums = sums.collect::<Result<Int64Array, _>>().map_err(|e| overflow(e, pos))?;
                Ok(Arc::new(sums))
            }
            AggFunc::Sum if t.is_floating() => {
                let v = cast(&values, &DataType::Float64)?;
                let v = v.as_primitive::<Float64Type>();
                Ok(Arc::new(
                    self.ranges()
                        .map(|(off, n)| sum(&v.slice(off, n)))
                        .collect::<Float64Array>(),
                ))
            }
            AggFunc::Sum if matches!(t, DataType::Decimal128(..)) => {
                let DataType::Decimal128(_, scale) = t else {
                    unreachable!()
                };
                let wide = DataType::Decimal128(38, scale);
                let v = cast(&values, &wide)?;
                let v = v.as_primitive::<Decimal128Type>();
                let sums = self.ranges().map(|(off, n)| sum_checked(&v.slice(off, n)));
                let sums = sums
                    .collect::<Result<Decimal128Array, _>>()
                    .map_err(|e| overflow(e, pos))?;
                Ok(Arc::new(sums.with_precision_and_scale(38, scale)?))
            }
            AggFunc::Avg if is_numeric(&t) => {
                let v = cast(&values, &DataType::Float64)?;
                let v = v.as_primitive::<Float64Type>();
                let avg = |off, n| {
                    let s = v.slice(off, n);
                    let count = s.len() - s.null_count();
                    sum(&s).map(|total| total / count as f64)
                };
                Ok(Arc::new(
                    self.ranges().map(|(off, n)| avg(off, n)).collect::<Float64Array>(),
                ))
            }
            AggFunc::Min | AggFunc::Max => self.extreme(&values, func == AggFunc::Max, pos),
            AggFunc::Sum | AggFunc::Avg => {
                let message = format!("Unexpected parameters ({}) for function {}", sql_name(&t), func.name());
                Err(sql_error("FUNCTION_NOT_FOUND", pos, message))
            }
        }
    }

    fn count_distinct(&self, values: &ArrayRef) -> Result<ArrayRef> {
        let converter = RowConverter::new(vec![SortField::new(values.data_type().clone())])?;
        let rows = converter.convert_columns(std::slice::from_ref(values))?;
        let nulls = values.logical_nulls();
        let counts = self.ranges().map(|(off, n)| {
            let valid = (off..off + n).filter(|&i| nulls.as_ref().is_none_or(|b| b.is_valid(i)));
            valid.map(|i| rows.row(i)).collect::<HashSet<_>>().len() as i64
        });
        Ok(Arc::new(counts.collect::<Int64Array>()))
    }

    /// `min`/`max` for any orderable type: pick the winning row per group, then `take` it.
    fn extreme(&self, values: &ArrayRef, max: bool, pos: Pos) -> Result<ArrayRef> {
        let compare = make_comparator(values.as_ref(), values.as_ref(), SortOptions::default()).map_err(|_| {
            let name = if max { "max" } else { "min" };
            let message = format!(
                "Unexpected parameters ({}) for function {name}",
                sql_name(values.data_type())
            );
            sql_error("FUNCTION_NOT_FOUND", pos, message)
        })?;
        let nulls = values.logical_nulls();
        let wanted = if max {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Less
        };
        let winners = self.ranges().map(|(off, n)| {
            let valid = (off..off + n).filter(|&i| nulls.as_ref().is_none_or(|b| b.is_valid(i)));
            valid
                .reduce(|best, i| if compare(i, best) == wanted { i } else { best })
                .map(|i| i as u32)
        });
        Ok(take(values, &winners.collect::<UInt32Array>(), None)?)
    }
}

fn overflow(e: crate::arrow::error::ArrowError, pos: Pos) -> crate::error::Error {
    sql_error("NUMERIC_VALUE_OUT_OF_RANGE", pos, e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arrow::array::{Int32Array, StringArray};

    fn strings(keys: &[Option<&str>]) -> ArrayRef {
        Arc::new(StringArray::from(keys.to_vec()))
    }

    #[test]
    fn groups_in_order_of_first_appearance_with_null_as_a_key() {
        let keys = strings(&[Some("b"), Some("a"), None, Some("b"), None]);
        let groups = Groups::new(std::slice::from_ref(&keys), 5).unwrap();
        assert_eq!(groups.len(), 3);
        let k = groups.key_values(&keys).unwrap();
        assert_eq!(
            k.as_string::<i32>().iter().collect::<Vec<_>>(),
            [Some("b"), Some("a"), None]
        );
        let counts = groups.aggregate(AggFunc::Count, false, None, Pos::default()).unwrap();
        assert_eq!(counts.as_primitive::<Int64Type>().values(), &[2, 1, 2]);
    }

    #[test]
    fn no_keys_is_one_group_even_when_empty() {
        let groups = Groups::new(&[], 0).unwrap();
        assert_eq!(groups.len(), 1);
        let arg: ArrayRef = Arc::new(Int32Array::from(Vec::<i32>::new()));
        let count = groups
            .aggregate(AggFunc::Count, false, Some(&arg), Pos::default())
            .unwrap();
        assert_eq!(count.as_primitive::<Int64Type>().value(0), 0);
        let total = groups
            .aggregate(AggFunc::Sum, false, Some(&arg), Pos::default())
            .unwrap();
        assert!(total.is_null(0));
    }

    #[test]
    fn aggregates_skip_nulls() {
        let keys = strings(&[Some("x"), Some("y"), Some("x"), Some("x"), Some("y")]);
        let arg: ArrayRef = Arc::new(Int32Array::from(vec![Some(3), None, Some(1), Some(3), None]));
        let groups = Groups::new(&[keys], 5).unwrap();
        let run = |f, distinct| groups.aggregate(f, distinct, Some(&arg), Pos::default()).unwrap();
        let ints = |a: ArrayRef| a.as_primitive::<Int64Type>().iter().collect::<Vec<_>>();
        assert_eq!(ints(run(AggFunc::Count, false)), [Some(3), Some(0)]);
        assert_eq!(ints(run(AggFunc::Count, true)), [Some(2), Some(0)]);
        assert_eq!(ints(run(AggFunc::Sum, false)), [Some(7), None]);
        let avg = run(AggFunc::Avg, false);
        assert_eq!(
            avg.as_primitive::<Float64Type>().iter().collect::<Vec<_>>(),
            [Some(7.0 / 3.0), None]
        );
        let min = run(AggFunc::Min, false);
        assert_eq!(
            min.as_primitive::<crate::arrow::datatypes::Int32Type>()
                .iter()
                .collect::<Vec<_>>(),
            [Some(1), None]
        );
        let max = run(AggFunc::Max, false);
        assert_eq!(
            max.as_primitive::<crate::arrow::datatypes::Int32Type>()
                .iter()
                .collect::<Vec<_>>(),
            [Some(3), None]
        );
    }

    #[test]
    fn min_max_work_on_strings_and_sum_refuses_them() {
        let arg = strings(&[Some("b"), Some("c"), Some("a")]);
        let groups = Groups::new(&[], 3).unwrap();
        let max = groups
            .aggregate(AggFunc::Max, false, Some(&arg), Pos::default())
            .unwrap();
        assert_eq!(max.as_string::<i32>().value(0), "c");
        let e = groups
            .aggregate(AggFunc::Sum, false, Some(&arg), Pos { line: 1, column: 8 })
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("line 1:8: Unexpected parameters (varchar) for function sum"),
            "{e}"
        );
    }

    #[test]
    fn integer_sum_overflow_is_an_error_not_a_wrap() {
        let arg: ArrayRef = Arc::new(Int64Array::from(vec![i64::MAX, 1]));
        let groups = Groups::new(&[], 2).unwrap();
        let e = groups
            .aggregate(AggFunc::Sum, false, Some(&arg), Pos::default())
            .unwrap_err();
        assert!(e.to_string().contains("NUMERIC_VALUE_OUT_OF_RANGE"), "{e}");
    }
}
