//! The Python values a Glue script handles: plain data, and opaque stand-ins for the objects
//! of `sys`, PySpark and awsglue that the runner models.

/// Which kind of frame a variable holds: Glue's `DynamicFrame` or Spark's `DataFrame`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FrameKind {
    Dynamic,
    DataFrame,
}

/// A frame of the linear plan: `version` counts the data-changing transforms applied before
/// it, so a frame that is not the latest one can be told apart (a branching script).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct FrameRef {
    pub version: usize,
    pub kind: FrameKind,
    /// A child table of a Relationalize collection (`dfc.select("orders_items")`): its index in
    /// the interpreter's `collection_tables`. Such a frame can only be written.
    pub child: Option<usize>,
}

impl FrameRef {
    pub fn dynamic(version: usize) -> Self {
        Self {
            version,
            kind: FrameKind::Dynamic,
            child: None,
        }
    }
}

/// The classes and functions the runner models, as imported from awsglue and pyspark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Builtin {
    GetResolvedOptions,
    SparkContext,
    GlueContext,
    Job,
    DynamicFrame,
    ApplyMapping,
    Filter,
    DropFields,
    SelectFields,
    RenameField,
    Relationalize,
    SelectFromCollection,
    /// Python's `int()` and `str()` on plain values.
    Int,
    Str,
}

impl Builtin {
    pub fn name(self) -> &'static str {
        match self {
            Builtin::GetResolvedOptions => "getResolvedOptions",
            Builtin::SparkContext => "SparkContext",
            Builtin::GlueContext => "GlueContext",
            Builtin::Job => "Job",
            Builtin::DynamicFrame => "DynamicFrame",
            Builtin::ApplyMapping => "ApplyMapping",
            Builtin::Filter => "Filter",
            Builtin::DropFields => "DropFields",
            Builtin::SelectFields => "SelectFields",
            Builtin::RenameField => "RenameField",
            Builtin::Relationalize => "Relationalize",
            Builtin::SelectFromCollection => "SelectFromCollection",
            Builtin::Int => "int",
            Builtin::Str => "str",
        }
    }

    pub fn is_transform(self) -> bool {
        matches!(
            self,
            Builtin::ApplyMapping
                | Builtin::Filter
                | Builtin::DropFields
                | Builtin::SelectFields
                | Builtin::RenameField
                | Builtin::Relationalize
                | Builtin::SelectFromCollection
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Value>),
    Tuple(Vec<Value>),
    /// Insertion-ordered, as Python's dict.
    Dict(Vec<(Value, Value)>),
    /// `sys`, `awsglue.transforms`, ... by dotted name.
    Module(String),
    Builtin(Builtin),
    /// A method looked up on a modelled object, waiting for its call.
    Method(Box<Value>, &'static str),
    /// Something real Glue has that the runner does not model. It may only be looked into
    /// (`spark.read.json`); using it fails, naming the whole expression.
    Unsupported,
    /// `sys.argv`.
    Argv,
    SparkContext,
    GlueContext,
    SparkSession,
    Job,
    /// `glueContext.create_dynamic_frame`.
    Reader,
    /// `glueContext.write_dynamic_frame`.
    Writer,
    Frame(FrameRef),
    /// A Relationalize step's `DynamicFrameCollection`: its root table's name, and the plan's
    /// version after the step.
    Collection {
        root: String,
        version: usize,
    },
    /// A `lambda` already translated to the SQL predicate a `Filter` step takes.
    Predicate(String),
}

impl Value {
    /// The name Python would print for the value's type.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::None => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::List(_) => "list",
            Value::Tuple(_) => "tuple",
            Value::Dict(_) => "dict",
            Value::Module(_) => "module",
            Value::Builtin(_) => "type",
            Value::Method(..) => "method",
            Value::Unsupported => "object",
            Value::Argv => "list",
            Value::SparkContext => "SparkContext",
            Value::GlueContext => "GlueContext",
            Value::SparkSession => "SparkSession",
            Value::Job => "Job",
            Value::Reader => "DynamicFrameReader",
            Value::Writer => "DynamicFrameWriter",
            Value::Frame(f) => match f.kind {
                FrameKind::Dynamic => "DynamicFrame",
                FrameKind::DataFrame => "DataFrame",
            },
            Value::Collection { .. } => "DynamicFrameCollection",
            Value::Predicate(_) => "function",
        }
    }

    /// `repr()` for the plain values (used in messages such as `KeyError: 'X'`).
    pub fn repr(&self) -> String {
        match self {
            Value::None => "None".into(),
            Value::Bool(true) => "True".into(),
            Value::Bool(false) => "False".into(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => format!("{f:?}"),
            Value::Str(s) => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
            Value::List(items) => format!("[{}]", join_repr(items)),
            Value::Tuple(items) if items.len() == 1 => format!("({},)", items[0].repr()),
            Value::Tuple(items) => format!("({})", join_repr(items)),
            Value::Dict(items) => {
                let inner: Vec<String> = items
                    .iter()
                    .map(|(k, v)| format!("{}: {}", k.repr(), v.repr()))
                    .collect();
                format!("{{{}}}", inner.join(", "))
            }
            other => format!("<{} object>", other.type_name()),
        }
    }

    /// `str()`, as an f-string interpolates.
    pub fn to_str(&self) -> String {
        match self {
            Value::Str(s) => s.clone(),
            other => other.repr(),
        }
    }
}

fn join_repr(items: &[Value]) -> String {
    items.iter().map(Value::repr).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_is_pythons() {
        assert_eq!(Value::Str("it's".into()).repr(), r"'it\'s'");
        assert_eq!(Value::Tuple(vec![Value::Int(1)]).repr(), "(1,)");
        assert_eq!(
            Value::Dict(vec![(Value::Str("a".into()), Value::Bool(true))]).repr(),
            "{'a': True}"
        );
        assert_eq!(Value::Float(1.0).repr(), "1.0");
    }
}
