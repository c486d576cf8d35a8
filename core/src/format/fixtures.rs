//! Test data shared by the format tests: one batch with every type the writers support, so the
//! round-trip test of each format checks the same values.

use std::sync::Arc;

use crate::arrow::array::{
    ArrayRef, BinaryArray, BooleanArray, Date32Array, Decimal128Array, Float32Array, Float64Array, Int16Array,
    Int32Array, Int64Array, Int8Array, RecordBatch, StringArray, TimestampMillisecondArray,
};
use crate::arrow::datatypes::{DataType, Field, Schema, TimeUnit};

/// Three rows over every supported flat type, with nulls, extremes, text that needs quoting
/// and escaping, an empty string and empty binary.
pub(crate) fn all_types_batch() -> RecordBatch {
    let s = Arc::new(Schema::new(vec![
        Field::new("i64", DataType::Int64, true),
        Field::new("i32", DataType::Int32, true),
        Field::new("i16", DataType::Int16, true),
        Field::new("i8", DataType::Int8, true),
        Field::new("f64", DataType::Float64, true),
        Field::new("f32", DataType::Float32, true),
        Field::new("b", DataType::Boolean, true),
        Field::new("s", DataType::Utf8, true),
        Field::new("d", DataType::Date32, true),
        Field::new("ts", DataType::Timestamp(TimeUnit::Millisecond, None), true),
        Field::new("dec", DataType::Decimal128(38, 10), true),
        Field::new("bin", DataType::Binary, true),
    ]));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from(vec![Some(i64::MIN), None, Some(42)])),
        Arc::new(Int32Array::from(vec![Some(i32::MAX), Some(-1), None])),
        Arc::new(Int16Array::from(vec![Some(7), None, Some(-7)])),
        Arc::new(Int8Array::from(vec![None, Some(-128), Some(127)])),
        Arc::new(Float64Array::from(vec![Some(0.1), Some(f64::INFINITY), Some(1e300)])),
        Arc::new(Float32Array::from(vec![Some(0.1f32), None, Some(-2.5)])),
        Arc::new(BooleanArray::from(vec![Some(true), Some(false), None])),
        Arc::new(StringArray::from(vec![Some("a,\"b\"\n\tc é \\ '"), Some(""), None])),
        Arc::new(Date32Array::from(vec![Some(0), Some(19_000), None])),
        Arc::new(TimestampMillisecondArray::from(vec![
            Some(1_610_008_800_123),
            Some(0),
            None,
        ])),
        Arc::new(
            Decimal128Array::from(vec![Some(12_345_678_901_234_567_890_123_456_789_i128), None, Some(-1)])
                .with_precision_and_scale(38, 10)
                .unwrap(),
        ),
        Arc::new(BinaryArray::from(vec![Some(&b"\x00\xff"[..]), None, Some(b"")])),
    ];
    RecordBatch::try_new(s, columns).unwrap()
}
