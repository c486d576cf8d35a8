//! `ResolveChoice` (GLUE-SEMANTICS §7.2): what to do with fields whose values have several types.
//!
//! In Glue a DynamicFrame field can be a *choice* type, e.g. `choice<int,string>` when some
//! records hold `"age": 31` and others `"age": "thirty"`. gluelab's frames are Arrow batches,
//! one type per column, so a choice is *modelled* as:
//!
//! - a **string column whose values parse as different types**: each value is a `boolean`
//!   (`true`/`false`), an `int` (a whole number; Arrow Int64, as gluelab's readers read whole
//!   numbers as bigint), a `double` (any other number) or a `string`. gluelab's JSON reader reads
//!   a key with mixed kinds as string, so this is what such a key becomes. The reader keeps no
//!   per-value JSON kind, so the string `"31"` counts as an int, as CSV values do in Glue;
//! - with `choice: match_catalog`, a column whose type differs from the **catalog's declared
//!   type** for it.
//!
//! Actions, per spec path or for every choice column (`choice`):
//! - `cast:<type>` casts every value; values that do not convert become null and error records
//!   that keep their rows (*modelled*, see [`super::step`]).
//! - `make_cols` replaces `c` with one column per type present, `c_<type>` (`age_int`,
//!   `age_string`), in order of first appearance; each holds the values of its type.
//! - `make_struct` replaces `c` with a struct with one field per type (`c.int`, `c.string`).
//! - `project:<type>` keeps only values of that type; the others become null (the transform
//!   page says they are dropped; the row stays). Kept values are cast to `<type>`.
//! - `match_catalog` (`choice` only, with `database` and `table_name`) casts each column to the
//!   type of the same-named column of the catalog table, read through [`Lookups`] as
//!   `database.table_name`.
//!
//! Only top-level paths: `a.b` and `list[].price` are an error unless a column is literally
//! called so. A spec path the frame does not have is a warning, and a spec action other than
//! `cast` on a column that is not a choice leaves it as it is, with a warning.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use crate::arrow::array::{Array, ArrayRef, AsArray, BooleanArray, StructArray};
use crate::arrow::compute::nullif;
use crate::arrow::datatypes::{DataType, Field, Fields};
use serde::{Deserialize, Serialize};

use super::mapping::checked_cast;
use super::{Frame, Lookups, Report};
use crate::error::{Error, Result};
use crate::format::types::{glue_type_name, parse_glue_type};

/// A ResolveChoice action, written as Glue writes it (`cast:int`, `make_cols`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum ChoiceAction {
    Cast(String),
    MakeCols,
    MakeStruct,
    Project(String),
    MatchCatalog,
}

impl FromStr for ChoiceAction {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self> {
        let typed = |t: &str| -> Result<String> {
            choice_type(t)?;
            Ok(t.to_string())
        };
        match text.split_once(':') {
            Some(("cast", t)) => Ok(ChoiceAction::Cast(typed(t)?)),
            Some(("project", t)) => Ok(ChoiceAction::Project(typed(t)?)),
            None if text == "make_cols" => Ok(ChoiceAction::MakeCols),
            None if text == "make_struct" => Ok(ChoiceAction::MakeStruct),
            None if text == "match_catalog" => Ok(ChoiceAction::MatchCatalog),
            _ => Err(Error::transform(
                "ResolveChoice",
                format!("unknown action {text:?} (cast:<type>, make_cols, make_struct, project:<type>, match_catalog)"),
            )),
        }
    }
}

impl TryFrom<String> for ChoiceAction {
    type Error = Error;
    fn try_from(text: String) -> Result<Self> {
        text.parse()
    }
}

impl From<ChoiceAction> for String {
    fn from(action: ChoiceAction) -> String {
        action.to_string()
    }
}

impl fmt::Display for ChoiceAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChoiceAction::Cast(t) => write!(f, "cast:{t}"),
            ChoiceAction::MakeCols => f.write_str("make_cols"),
            ChoiceAction::MakeStruct => f.write_str("make_struct"),
            ChoiceAction::Project(t) => write!(f, "project:{t}"),
            ChoiceAction::MatchCatalog => f.write_str("match_catalog"),
        }
    }
}

/// One `(path, action)` of `specs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceSpec {
    pub path: String,
    pub action: ChoiceAction,
}

impl ChoiceSpec {
    /// `("age", "cast:int")`; an unknown action or type is an error.
    pub fn new(path: &str, action: &str) -> Result<Self> {
        Ok(ChoiceSpec {
            path: path.into(),
            action: action.parse()?,
        })
    }
}

/// A Glue type name as ResolveChoice takes it: catalog names plus DynamicFrame's `long`.
fn choice_type(name: &str) -> Result<DataType> {
    let name = if name.eq_ignore_ascii_case("long") {
        "bigint"
    } else {
        name
    };
    parse_glue_type(name).map_err(|e| Error::transform("ResolveChoice", e.to_string()))
}

/// The type of one value of a string column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Boolean,
    Int,
    Double,
    String,
}

impl Kind {
    fn of(text: &str) -> Kind {
        let numeric = !text.is_empty()
            && text.bytes().any(|b| b.is_ascii_digit())
            && text.bytes().all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b));
        if text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false") {
            Kind::Boolean
        } else if numeric && text.parse::<i64>().is_ok() {
            Kind::Int
        } else if numeric && text.parse::<f64>().is_ok() {
            Kind::Double
        } else {
            Kind::String
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Boolean => "boolean",
            Kind::Int => "int",
            Kind::Double => "double",
            Kind::String => "string",
        }
    }

    fn data_type(self) -> DataType {
        match self {
            Kind::Boolean => DataType::Boolean,
            Kind::Int => DataType::Int64,
            Kind::Double => DataType::Float64,
            Kind::String => DataType::Utf8,
        }
    }

    /// The kind of values a `project:<type>` keeps.
    fn of_type(t: &DataType) -> Option<Kind> {
        match t {
            DataType::Boolean => Some(Kind::Boolean),
            t if t.is_integer() => Some(Kind::Int),
            t if t.is_floating() || matches!(t, DataType::Decimal128(..)) => Some(Kind::Double),
            DataType::Utf8 | DataType::LargeUtf8 => Some(Kind::String),
            _ => None,
        }
    }
}

/// Each row's kind (None for nulls) and the kinds present in order of first appearance, for a
/// string column; None for other columns (one type, never a choice).
fn kinds(column: &ArrayRef) -> Option<(Vec<Option<Kind>>, Vec<Kind>)> {
    let strings = column.as_string_opt::<i32>()?;
    let mut present = vec![];
    let rows = strings
        .iter()
        .map(|v| {
            let k = Kind::of(v?);
            if !present.contains(&k) {
                present.push(k);
            }
            Some(k)
        })
        .collect();
    Some((rows, present))
}

pub(crate) fn resolve_choice(
    frame: Frame,
    specs: &[ChoiceSpec],
    choice: Option<&ChoiceAction>,
    catalog: Option<(&str, &str)>,
    lookups: &dyn Lookups,
    r: &mut Report,
) -> Result<Frame> {
    let fail = |m: String| Error::transform("ResolveChoice", m);
    let plan: Vec<(usize, &ChoiceAction)> = match (specs.is_empty(), choice) {
        (false, Some(_)) | (true, None) => {
            return Err(fail("give exactly one of specs or choice".into()));
        }
        (true, Some(ChoiceAction::MatchCatalog)) => {
            let (database, table) =
                catalog.ok_or_else(|| fail("choice match_catalog needs database and table_name".into()))?;
            return match_catalog(frame, &format!("{database}.{table}"), lookups, r);
        }
        (true, Some(action)) => (0..frame.batch.num_columns())
            .filter(|&i| kinds(frame.batch.column(i)).is_some_and(|(_, present)| present.len() > 1))
            .map(|i| (i, action))
            .collect(),
        (false, None) => {
            let mut plan = vec![];
            for spec in specs {
                if spec.action == ChoiceAction::MatchCatalog {
                    return Err(fail(
                        "match_catalog is a choice for the whole frame, not a spec action".into(),
                    ));
                }
                match frame.column_index(&spec.path) {
                    Some(i) => plan.push((i, &spec.action)),
                    None if spec.path.contains('.') || spec.path.contains("[]") => {
                        return Err(fail(format!(
                            "{}: nested paths are not modelled; gluelab resolves top-level columns only",
                            spec.path
                        )))
                    }
                    None => r.warn(format!("ResolveChoice: field {} is not in the frame", spec.path)),
                }
            }
            plan
        }
    };
    let schema = frame.batch.schema();
    let mut fields = vec![];
    let mut columns = vec![];
    for (i, (field, column)) in schema.fields().iter().zip(frame.batch.columns()).enumerate() {
        let Some((_, action)) = plan.iter().find(|(p, _)| *p == i) else {
            fields.push(field.as_ref().clone());
            columns.push(column.clone());
            continue;
        };
        for (f, c) in resolve_column(&frame, field, column, action, r)? {
            fields.push(f);
            columns.push(c);
        }
    }
    frame.with_columns(fields, columns)
}

fn resolve_column(
    frame: &Frame,
    field: &Field,
    column: &ArrayRef,
    action: &ChoiceAction,
    r: &mut Report,
) -> Result<Vec<(Field, ArrayRef)>> {
    let name = field.name();
    let unchanged = || vec![(field.clone(), column.clone())];
    let found = kinds(column).filter(|(_, present)| present.len() > 1);
    if let ChoiceAction::Cast(t) = action {
        let target = choice_type(t)?;
        let cast = checked_cast("ResolveChoice", frame, name, column, &target, r)?;
        return Ok(vec![(Field::new(name, target, true), cast)]);
    }
    let Some((rows, present)) = found else {
        r.warn(format!(
            "ResolveChoice: {name} is {} only, not a choice; {action} leaves it as it is",
            glue_type_name(column.data_type())
        ));
        return Ok(unchanged());
    };
    // The column's values of one kind, typed, nulls elsewhere.
    let only = |kind: Kind, target: &DataType, r: &mut Report| -> Result<ArrayRef> {
        let other: BooleanArray = rows.iter().map(|k| Some(k.is_some_and(|k| k != kind))).collect();
        let values = nullif(column, &other)?;
        checked_cast("ResolveChoice", frame, name, &values, target, r)
    };
    Ok(match action {
        ChoiceAction::MakeCols => {
            let mut out = vec![];
            for k in &present {
                let values = only(*k, &k.data_type(), r)?;
                out.push((Field::new(format!("{name}_{}", k.name()), k.data_type(), true), values));
            }
            out
        }
        ChoiceAction::MakeStruct => {
            let mut sub_fields = vec![];
            let mut sub_columns = vec![];
            for k in &present {
                sub_columns.push(only(*k, &k.data_type(), r)?);
                sub_fields.push(Field::new(k.name(), k.data_type(), true));
            }
            let fields = Fields::from(sub_fields);
            let array = StructArray::try_new(fields.clone(), sub_columns, column.logical_nulls())?;
            vec![(
                Field::new(name, DataType::Struct(fields), true),
                Arc::new(array) as ArrayRef,
            )]
        }
        ChoiceAction::Project(t) => {
            let target = choice_type(t)?;
            let kind = Kind::of_type(&target).ok_or_else(|| {
                Error::transform(
                    "ResolveChoice",
                    format!("project:{t}: gluelab's choice columns hold boolean, int, double and string values"),
                )
            })?;
            vec![(Field::new(name, target.clone(), true), only(kind, &target, r)?)]
        }
        ChoiceAction::Cast(_) | ChoiceAction::MatchCatalog => unreachable!("handled above"),
    })
}

fn match_catalog(frame: Frame, table: &str, lookups: &dyn Lookups, r: &mut Report) -> Result<Frame> {
    let declared = lookups.lookup(table)?.batch.schema();
    let schema = frame.batch.schema();
    let mut fields = vec![];
    let mut columns = vec![];
    for (field, column) in schema.fields().iter().zip(frame.batch.columns()) {
        match super::column_index(&declared, field.name()).map(|i| declared.field(i).data_type()) {
            Some(t) if t != field.data_type() => {
                let cast = checked_cast("ResolveChoice", &frame, field.name(), column, t, r)?;
                fields.push(Field::new(field.name(), t.clone(), true));
                columns.push(cast);
            }
            _ => {
                fields.push(field.as_ref().clone());
                columns.push(column.clone());
            }
        }
    }
    frame.with_columns(fields, columns)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{column, frame, ints, lines, names, strings, MemLookups};
    use super::super::{apply, Applied, NoLookups, Transform};
    use super::*;

    /// `age` read from JSON lines where it is sometimes a number, sometimes text.
    fn people() -> Frame {
        frame(vec![
            ("name", strings(&[Some("ann"), Some("bob"), Some("cy"), Some("di")])),
            ("age", strings(&[Some("31"), Some("thirty"), None, Some("40.5")])),
        ])
    }

    fn resolve(specs: &[(&str, &str)], choice: Option<&str>, f: Frame) -> Result<Applied> {
        let t = Transform::ResolveChoice {
            specs: specs
                .iter()
                .map(|(p, a)| ChoiceSpec::new(p, a))
                .collect::<Result<_>>()?,
            choice: choice.map(str::parse).transpose()?,
            database: None,
            table_name: None,
        };
        apply(&t, f, &NoLookups)
    }

    #[test]
    fn cast_converts_every_value_and_reports_the_ones_it_cannot() {
        let applied = resolve(&[("age", "cast:double")], None, people()).unwrap();
        assert_eq!(column(&applied.frame, "age"), ["31.0", "null", "null", "40.5"]);
        assert_eq!(lines(&applied.frame), [1, 2, 3, 4]);
        assert_eq!(applied.errors.len(), 1);
        assert_eq!(applied.errors[0].origin.line, 2);
        assert_eq!(applied.errors[0].message, "cannot cast string \"thirty\" to double");
    }

    #[test]
    fn make_cols_gives_one_column_per_type() {
        let applied = resolve(&[("age", "make_cols")], None, people()).unwrap();
        let f = &applied.frame;
        assert_eq!(names(f), ["name", "age_int", "age_string", "age_double"]);
        assert_eq!(column(f, "age_int"), ["31", "null", "null", "null"]);
        assert_eq!(column(f, "age_string"), ["null", "thirty", "null", "null"]);
        assert_eq!(column(f, "age_double"), ["null", "null", "null", "40.5"]);
        assert_eq!(lines(f), [1, 2, 3, 4]);
        assert!(applied.errors.is_empty());
    }

    #[test]
    fn make_struct_gives_one_field_per_type() {
        let applied = resolve(&[], Some("make_struct"), people()).unwrap();
        let f = &applied.frame;
        assert_eq!(names(f), ["name", "age"]);
        assert_eq!(
            column(f, "age"),
            [
                "{int: 31, string: , double: }",
                "{int: , string: thirty, double: }",
                "null",
                "{int: , string: , double: 40.5}"
            ]
        );
    }

    #[test]
    fn project_keeps_only_values_of_the_type() {
        let applied = resolve(&[("age", "project:int")], None, people()).unwrap();
        assert_eq!(column(&applied.frame, "age"), ["31", "null", "null", "null"]);
        assert_eq!(applied.frame.batch.schema().field(1).data_type(), &DataType::Int32);
        assert_eq!(lines(&applied.frame), [1, 2, 3, 4], "rows stay, values go");
        assert!(applied.errors.is_empty());
    }

    #[test]
    fn choice_applies_to_every_choice_column_and_only_those() {
        let f = frame(vec![
            ("n", strings(&[Some("1"), Some("2")])),
            ("mixed", strings(&[Some("1"), Some("true")])),
        ]);
        let applied = resolve(&[], Some("cast:string"), f).unwrap();
        assert!(applied.warnings.is_empty());
        let applied = resolve(&[], Some("make_cols"), applied.frame).unwrap();
        assert_eq!(names(&applied.frame), ["n", "mixed_int", "mixed_boolean"]);
    }

    #[test]
    fn match_catalog_casts_to_the_declared_types() {
        let lookups = MemLookups::default().with("db.people", vec![("age", ints(&[]))]);
        let t = Transform::ResolveChoice {
            specs: vec![],
            choice: Some(ChoiceAction::MatchCatalog),
            database: Some("db".into()),
            table_name: Some("people".into()),
        };
        let applied = apply(&t, people(), &lookups).unwrap();
        assert_eq!(column(&applied.frame, "age"), ["31", "null", "null", "null"]);
        assert_eq!(applied.errors.len(), 2, "thirty and 40.5 are not bigints");
    }

    #[test]
    fn bad_rules_are_errors() {
        let e = resolve(&[("age", "cast:int")], Some("make_cols"), people()).unwrap_err();
        assert_eq!(e.to_string(), "ResolveChoice: give exactly one of specs or choice");
        let e = ChoiceSpec::new("age", "cast:integerish").unwrap_err();
        assert!(e.to_string().contains("integerish"), "{e}");
        let e = ChoiceSpec::new("age", "explode").unwrap_err();
        assert!(e.to_string().contains("unknown action \"explode\""), "{e}");
        let e = resolve(&[("age", "cast:struct<a:int>")], None, people()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "ResolveChoice: cannot cast age from string to struct<a:int>"
        );
        let e = resolve(&[("address.state", "cast:string")], None, people()).unwrap_err();
        assert!(e.to_string().contains("nested paths are not modelled"), "{e}");
        let e = resolve(&[], Some("match_catalog"), people()).unwrap_err();
        assert!(e.to_string().contains("needs database and table_name"), "{e}");
    }
}
