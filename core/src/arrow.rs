//! The Arrow that gluelab builds on, under the `arrow` umbrella crate's paths.
//!
//! Core depends on Arrow's sub-crates instead of the umbrella, because the umbrella always
//! builds `arrow-string`, whose regex kernels link regex-syntax's Unicode tables (about a tenth
//! of the page's gzipped wasm). Its few string kernels that gluelab uses (LIKE, `regexp_like`,
//! `length`, `substr`, `||`) are gluelab's own, in [`crate::query::strings`], on `regex-lite`:
//! ASCII `\w \d \s` and ASCII case folding, which is also Java's (Spark's) default.

/// Arrays, builders and downcasts (`arrow::array`).
pub mod array {
    pub use arrow_array::builder::*;
    pub use arrow_array::cast::*;
    pub use arrow_array::iterator::*;
    pub use arrow_array::*;
    pub use arrow_data::transform::{Capacities, MutableArrayData};
    pub use arrow_data::{ArrayData, ArrayDataBuilder};
    pub use arrow_ord::ord::{make_comparator, DynComparator};
}

/// Schemas, data types and native types (`arrow::datatypes`).
pub mod datatypes {
    pub use arrow_array::types::*;
    pub use arrow_array::{ArrowNativeTypeOp, ArrowNumericType, ArrowPrimitiveType};
    pub use arrow_buffer::{i256, ArrowNativeType, ToByteSlice};
    pub use arrow_schema::{
        DataType, Field, FieldRef, Fields, IntervalUnit, Metadata, Schema, SchemaBuilder, SchemaRef, TimeUnit,
        UnionFields, UnionMode,
    };
}

/// The kernels (`arrow::compute`), without `arrow-string`'s.
pub mod compute {
    pub use arrow_arith::aggregate::*;
    pub use arrow_arith::arity::*;
    pub use arrow_arith::boolean::*;
    pub use arrow_arith::temporal::*;
    pub use arrow_cast::cast::*;
    pub use arrow_ord::sort::*;
    pub use arrow_select::concat::*;
    pub use arrow_select::filter::*;
    pub use arrow_select::interleave::*;
    pub use arrow_select::nullif::*;
    pub use arrow_select::take::*;

    /// The kernel modules (`arrow::compute::kernels`).
    pub mod kernels {
        pub use arrow_arith::{aggregate, arity, boolean, numeric, temporal};
        pub use arrow_cast::cast;
        pub use arrow_cast::parse as cast_utils;
        pub use arrow_ord::{cmp, sort};
        pub use arrow_select::{concat, filter, interleave, nullif, take, zip};
    }
}

pub use arrow_buffer as buffer;
pub use arrow_json as json;
pub use arrow_row as row;

/// Arrow's error type (`arrow::error`).
pub mod error {
    pub use arrow_schema::ArrowError;
}

/// Value formatting (`arrow::util::display`).
pub mod util {
    pub use arrow_cast::display;
}
