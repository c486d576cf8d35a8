//! The evaluator: statements top to bottom, expressions to [`Value`]s, names in one environment.

use std::collections::BTreeMap;
use std::fmt::Display;

use ruff_python_ast::{self as ast, Expr, Number, Operator, Stmt, UnaryOp};
use ruff_text_size::{Ranged, TextRange};

use super::value::{Builtin, FrameKind, Value};
use super::{ScriptError, NOT_SUPPORTED};
use crate::model::args::ArgumentRules;
use crate::model::job::JobPlan;

pub(super) type R<T> = Result<T, ScriptError>;

/// Python builtins a Glue script might call that the runner does not model: calling them fails
/// as "not supported" rather than as a `NameError`.
const PYTHON_BUILTINS: &[&str] = &[
    "print",
    "len",
    "range",
    "open",
    "list",
    "dict",
    "set",
    "tuple",
    "float",
    "bool",
    "enumerate",
    "zip",
    "sorted",
    "min",
    "max",
    "sum",
    "abs",
    "round",
    "isinstance",
    "type",
    "repr",
    "format",
    "map",
    "filter",
    "any",
    "all",
    "getattr",
    "setattr",
    "hasattr",
    "iter",
    "next",
    "Exception",
    "ValueError",
    "KeyError",
];

/// Modules a script may import (with their submodules).
const MODULE_ROOTS: &[&str] = &["sys", "awsglue", "pyspark"];

pub(super) struct Interp<'s> {
    source: &'s str,
    line_starts: Vec<usize>,
    pub arguments: &'s BTreeMap<String, String>,
    /// The `getResolvedOptions` of the job's Glue version.
    pub rules: ArgumentRules,
    env: BTreeMap<String, Value>,
    /// A `from ... import *` happened: unknown class names may come from it.
    star_imports: bool,
    pub job_initialised: bool,
    pub committed: bool,
    pub plan: JobPlan,
    /// Data-changing transforms applied so far: the version of the latest frame.
    pub version: usize,
    /// The child tables of Relationalize collections the script selected (`FrameRef::child`).
    pub collection_tables: Vec<String>,
}

impl<'s> Interp<'s> {
    pub fn new(source: &'s str, arguments: &'s BTreeMap<String, String>, rules: ArgumentRules) -> Self {
        let line_starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self {
            source,
            line_starts,
            arguments,
            rules,
            env: BTreeMap::new(),
            star_imports: false,
            job_initialised: false,
            committed: false,
            plan: JobPlan::default(),
            collection_tables: vec![],
            version: 0,
        }
    }

    /// The 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset)
    }

    pub fn run(mut self, body: &[Stmt]) -> R<JobPlan> {
        for stmt in body {
            self.exec(stmt)?;
        }
        Ok(self.plan)
    }

    pub fn error(&self, range: TextRange, message: impl Into<String>) -> ScriptError {
        ScriptError {
            line: self.line(range.start().to_usize()),
            message: message.into(),
        }
    }

    /// `line N: <what> is not supported by gluelab's script runner`.
    pub fn unsupported(&self, range: TextRange, what: impl Display) -> ScriptError {
        self.error(range, format!("{what} {NOT_SUPPORTED}"))
    }

    /// The script's text for `range`, on one line and shortened, to name it in a message.
    pub fn text(&self, range: TextRange) -> String {
        let raw = &self.source[range.start().to_usize()..range.end().to_usize()];
        let mut text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        text = text
            .replace("( ", "(")
            .replace(" )", ")")
            .replace("[ ", "[")
            .replace(" ]", "]");
        if text.chars().count() > 80 {
            text = text.chars().take(77).collect::<String>() + "...";
        }
        text
    }

    fn exec(&mut self, stmt: &Stmt) -> R<()> {
        match stmt {
            Stmt::Import(s) => s.names.iter().try_for_each(|alias| self.import(alias)),
            Stmt::ImportFrom(s) => self.import_from(s),
            Stmt::Assign(s) => {
                let value = self.eval_value(&s.value)?;
                s.targets.iter().try_for_each(|t| self.assign(t, value.clone()))
            }
            Stmt::AnnAssign(s) => match &s.value {
                Some(value) => {
                    let value = self.eval_value(value)?;
                    self.assign(&s.target, value)
                }
                None => Ok(()),
            },
            Stmt::Expr(s) => self.eval_value(&s.value).map(drop),
            Stmt::Pass(_) => Ok(()),
            other => Err(self.unsupported(other.range(), statement_kind(other))),
        }
    }

    fn assign(&mut self, target: &Expr, value: Value) -> R<()> {
        match (target, value) {
            (Expr::Name(name), value) => {
                self.env.insert(name.id.to_string(), value);
                Ok(())
            }
            (Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }), value) => {
                let items = match value {
                    Value::Tuple(items) | Value::List(items) => items,
                    other => {
                        return Err(self.error(
                            target.range(),
                            format!("TypeError: cannot unpack non-iterable {} object", other.type_name()),
                        ))
                    }
                };
                if items.len() != elts.len() {
                    return Err(self.error(
                        target.range(),
                        format!(
                            "ValueError: expected {} values to unpack, got {}",
                            elts.len(),
                            items.len()
                        ),
                    ));
                }
                elts.iter().zip(items).try_for_each(|(t, v)| self.assign(t, v))
            }
            (other, _) => Err(self.unsupported(other.range(), format!("assigning to `{}`", self.text(other.range())))),
        }
    }

    fn import(&mut self, alias: &ast::Alias) -> R<()> {
        let module = alias.name.as_str();
        let root = module.split('.').next().unwrap_or(module);
        if !MODULE_ROOTS.contains(&root) {
            return Err(self.unsupported(
                alias.range,
                format!("`import {module}` (only sys, awsglue and pyspark are modelled)"),
            ));
        }
        match &alias.asname {
            Some(name) => self.env.insert(name.to_string(), Value::Module(module.into())),
            None => self.env.insert(root.into(), Value::Module(root.into())),
        };
        Ok(())
    }

    fn import_from(&mut self, s: &ast::StmtImportFrom) -> R<()> {
        let module = s.module.as_ref().map(|m| m.as_str()).unwrap_or_default();
        let root = module.split('.').next().unwrap_or(module);
        if s.level > 0 || !MODULE_ROOTS.contains(&root) {
            let dots = ".".repeat(s.level as usize);
            return Err(self.unsupported(
                s.range,
                format!("`from {dots}{module} import ...` (only sys, awsglue and pyspark are modelled)"),
            ));
        }
        for alias in &s.names {
            let name = alias.name.as_str();
            if name == "*" {
                self.star_imports = true;
                for member in star_members(module) {
                    self.env.insert(member.to_string(), module_member(module, member));
                }
                continue;
            }
            let bound = alias.asname.as_ref().map_or(name, |a| a.as_str());
            self.env.insert(bound.to_string(), module_member(module, name));
        }
        Ok(())
    }

    fn lookup(&self, name: &ast::ExprName) -> R<Value> {
        let id = name.id.as_str();
        if let Some(value) = self.env.get(id) {
            return Ok(value.clone());
        }
        match id {
            "int" => Ok(Value::Builtin(Builtin::Int)),
            "str" => Ok(Value::Builtin(Builtin::Str)),
            // A class a `from awsglue.transforms import *` may have brought (ResolveChoice, Join...).
            _ if PYTHON_BUILTINS.contains(&id) || (self.star_imports && id.starts_with(char::is_uppercase)) => {
                Ok(Value::Unsupported)
            }
            _ => Err(self.error(name.range, format!("NameError: name '{id}' is not defined"))),
        }
    }

    /// Evaluates `e` for use as a value: an unsupported object fails here, named by its text.
    pub fn eval_value(&mut self, e: &Expr) -> R<Value> {
        match self.eval(e)? {
            Value::Unsupported => Err(self.unsupported(e.range(), format!("`{}`", self.text(e.range())))),
            value => Ok(value),
        }
    }

    pub fn eval(&mut self, e: &Expr) -> R<Value> {
        Ok(match e {
            Expr::StringLiteral(s) => Value::Str(s.value.to_str().to_string()),
            Expr::NumberLiteral(n) => match &n.value {
                Number::Int(i) => Value::Int(
                    i.as_i64()
                        .ok_or_else(|| self.unsupported(n.range, format!("the integer {i}")))?,
                ),
                Number::Float(f) => Value::Float(*f),
                Number::Complex { .. } => return Err(self.unsupported(n.range, "a complex number")),
            },
            Expr::BooleanLiteral(b) => Value::Bool(b.value),
            Expr::NoneLiteral(_) => Value::None,
            Expr::FString(f) => Value::Str(self.fstring(f)?),
            Expr::Name(name) => self.lookup(name)?,
            Expr::List(l) => Value::List(self.eval_all(&l.elts)?),
            Expr::Tuple(t) => Value::Tuple(self.eval_all(&t.elts)?),
            Expr::Dict(d) => {
                let mut items = vec![];
                for item in &d.items {
                    let Some(key) = &item.key else {
                        return Err(self.unsupported(item.value.range(), "`**` unpacking in a dict"));
                    };
                    items.push((self.eval_value(key)?, self.eval_value(&item.value)?));
                }
                Value::Dict(items)
            }
            Expr::Attribute(a) => {
                let object = self.eval(&a.value)?;
                get_attr(object, a.attr.as_str())
            }
            Expr::Subscript(s) => {
                let object = self.eval_value(&s.value)?;
                let key = self.eval_value(&s.slice)?;
                self.subscript(object, key, s)?
            }
            Expr::Call(c) => self.call(c)?,
            Expr::Lambda(l) => Value::Predicate(self.translate_lambda(l)?),
            Expr::BinOp(b) => {
                let left = self.eval_value(&b.left)?;
                let right = self.eval_value(&b.right)?;
                self.binop(left, b.op, right, b.range)?
            }
            Expr::UnaryOp(u) => match (u.op, self.eval_value(&u.operand)?) {
                (UnaryOp::USub, Value::Int(i)) => Value::Int(-i),
                (UnaryOp::USub, Value::Float(f)) => Value::Float(-f),
                (UnaryOp::UAdd, v @ (Value::Int(_) | Value::Float(_))) => v,
                (UnaryOp::Not, Value::Bool(b)) => Value::Bool(!b),
                _ => return Err(self.unsupported(u.range, format!("`{}`", self.text(u.range)))),
            },
            other => {
                return Err(self.unsupported(
                    other.range(),
                    format!("`{}` ({})", self.text(other.range()), expression_kind(other)),
                ))
            }
        })
    }

    fn eval_all(&mut self, elts: &[Expr]) -> R<Vec<Value>> {
        elts.iter().map(|e| self.eval_value(e)).collect()
    }

    fn fstring(&mut self, f: &ast::ExprFString) -> R<String> {
        let mut out = String::new();
        for part in f.value.as_slice() {
            match part {
                ast::FStringPart::Literal(literal) => out.push_str(literal.as_str()),
                ast::FStringPart::FString(fstring) => {
                    for element in fstring.elements.iter() {
                        match element {
                            ast::InterpolatedStringElement::Literal(literal) => out.push_str(&literal.value),
                            ast::InterpolatedStringElement::Interpolation(i) => {
                                if i.debug_text.is_some()
                                    || i.format_spec.is_some()
                                    || i.conversion != ast::ConversionFlag::None
                                {
                                    return Err(self.unsupported(
                                        i.range,
                                        "an f-string replacement field with `=`, `!` or a format spec",
                                    ));
                                }
                                match self.eval_value(&i.expression)? {
                                    v @ (Value::Str(_)
                                    | Value::Int(_)
                                    | Value::Float(_)
                                    | Value::Bool(_)
                                    | Value::None) => out.push_str(&v.to_str()),
                                    other => {
                                        return Err(self.unsupported(
                                            i.range,
                                            format!("formatting a {} in an f-string", other.type_name()),
                                        ))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        Ok(out)
    }

    fn subscript(&self, object: Value, key: Value, s: &ast::ExprSubscript) -> R<Value> {
        match (object, key) {
            (Value::Dict(items), key) => {
                let resolved_options = items
                    .iter()
                    .any(|(k, _)| k == &Value::Str("job_bookmark_option".into()));
                match items.into_iter().find(|(k, _)| k == &key) {
                    Some((_, value)) => Ok(value),
                    None if resolved_options => {
                        let why = match &key {
                            Value::Str(name) if name.contains('-') => {
                                format!("argparse keys --{name} as '{}'", name.replace('-', "_"))
                            }
                            _ => "getResolvedOptions returns only the options it was asked for".into(),
                        };
                        Err(self.error(s.range, format!("KeyError: {} ({why})", key.repr())))
                    }
                    None => Err(self.error(s.range, format!("KeyError: {}", key.repr()))),
                }
            }
            (Value::List(items) | Value::Tuple(items), Value::Int(i)) => {
                let index = if i < 0 { items.len() as i64 + i } else { i };
                usize::try_from(index)
                    .ok()
                    .and_then(|i| items.get(i).cloned())
                    .ok_or_else(|| self.error(s.range, "IndexError: list index out of range"))
            }
            (Value::Argv, _) => Err(self.unsupported(
                s.range,
                format!("`{}` (read arguments with getResolvedOptions)", self.text(s.range)),
            )),
            (object @ (Value::Str(_) | Value::List(_) | Value::Tuple(_)), key) => Err(self.unsupported(
                s.range,
                format!(
                    "`{}` (indexing a {} with a {})",
                    self.text(s.range),
                    object.type_name(),
                    key.type_name()
                ),
            )),
            (other, _) => Err(self.error(
                s.range,
                format!("TypeError: '{}' object is not subscriptable", other.type_name()),
            )),
        }
    }

    fn binop(&self, left: Value, op: Operator, right: Value, range: TextRange) -> R<Value> {
        let overflow = || self.unsupported(range, "an integer overflow");
        Ok(match (op, left, right) {
            (Operator::Add, Value::Str(a), Value::Str(b)) => Value::Str(a + &b),
            (Operator::Add, Value::List(a), Value::List(b)) => Value::List(a.into_iter().chain(b).collect()),
            (Operator::Add, Value::Int(a), Value::Int(b)) => Value::Int(a.checked_add(b).ok_or_else(overflow)?),
            (Operator::Sub, Value::Int(a), Value::Int(b)) => Value::Int(a.checked_sub(b).ok_or_else(overflow)?),
            (Operator::Mult, Value::Int(a), Value::Int(b)) => Value::Int(a.checked_mul(b).ok_or_else(overflow)?),
            (op @ (Operator::Add | Operator::Sub | Operator::Mult), a, b) => {
                let as_float = |v: &Value| match v {
                    Value::Int(i) => Some(*i as f64),
                    Value::Float(f) => Some(*f),
                    _ => None,
                };
                match (as_float(&a), as_float(&b)) {
                    (Some(x), Some(y)) => Value::Float(match op {
                        Operator::Add => x + y,
                        Operator::Sub => x - y,
                        _ => x * y,
                    }),
                    _ => {
                        return Err(self.error(
                            range,
                            format!(
                                "TypeError: unsupported operand type(s) for {}: '{}' and '{}'",
                                op.as_str(),
                                a.type_name(),
                                b.type_name()
                            ),
                        ))
                    }
                }
            }
            _ => return Err(self.unsupported(range, format!("`{}`", self.text(range)))),
        })
    }

    fn call(&mut self, c: &ast::ExprCall) -> R<Value> {
        match self.eval(&c.func)? {
            Value::Builtin(b) => self.call_builtin(b, c),
            Value::Method(object, name) => self.call_method(*object, name, c),
            Value::Unsupported => {
                let callee = self.text(c.func.range());
                if is_dataframe_read(&callee) {
                    return Err(self.error(
                        c.func.range(),
                        format!("`{callee}(...)` reads a Spark DataFrame, which job bookmarks never track (only create_dynamic_frame reads with a transformation_ctx are bookmarked); gluelab's script runner does not run it"),
                    ));
                }
                Err(self.unsupported(c.func.range(), format!("`{callee}(...)`")))
            }
            other => Err(self.error(
                c.range,
                format!("TypeError: '{}' object is not callable", other.type_name()),
            )),
        }
    }
}

/// `object.name`, without calling it: a property, a method waiting for its call, or
/// `spark.read.json`, `spark.read.format("delta").load`, `spark.sql`, `glueContext.create_data_frame...`:
/// Spark's own readers, which bookmarks never see.
fn is_dataframe_read(callee: &str) -> bool {
    callee.contains(".read.")
        || callee.ends_with(".read")
        || callee.ends_with(".sql")
        || callee.contains("create_data_frame")
}

/// [`Value::Unsupported`] for what the runner does not model.
fn get_attr(object: Value, name: &str) -> Value {
    const GLUE_CONTEXT: &[&str] = &[
        "create_dynamic_frame_from_catalog",
        "create_dynamic_frame_from_options",
        "write_dynamic_frame_from_catalog",
        "write_dynamic_frame_from_options",
    ];
    const DYNAMIC_FRAME: &[&str] = &[
        "toDF",
        "show",
        "apply_mapping",
        "drop_fields",
        "select_fields",
        "rename_field",
        "filter",
        "relationalize",
    ];
    let method = |object: Value, known: &[&'static str]| match known.iter().find(|m| **m == name) {
        Some(m) => Value::Method(Box::new(object), m),
        None => Value::Unsupported,
    };
    match object {
        Value::Module(module) => module_member(&module, name),
        Value::Builtin(Builtin::SparkContext) => method(object, &["getOrCreate"]),
        Value::Builtin(Builtin::DynamicFrame) => method(object, &["fromDF"]),
        Value::Builtin(b) if b.is_transform() => method(object, &["apply"]),
        Value::GlueContext => match name {
            "spark_session" => Value::SparkSession,
            "create_dynamic_frame" => Value::Reader,
            "write_dynamic_frame" => Value::Writer,
            _ => method(object, GLUE_CONTEXT),
        },
        Value::Reader | Value::Writer => method(object, &["from_catalog", "from_options"]),
        Value::Job => method(object, &["init", "commit"]),
        Value::Frame(f) if f.kind == FrameKind::Dynamic => method(object, DYNAMIC_FRAME),
        Value::Frame(_) => method(object, &["show"]),
        Value::Collection { .. } => method(object, &["select", "keys"]),
        _ => Value::Unsupported,
    }
}

/// `module.name`: what the runner models, a submodule, or [`Value::Unsupported`].
fn module_member(module: &str, name: &str) -> Value {
    let builtin = match (module, name) {
        ("sys", "argv") => return Value::Argv,
        ("awsglue.utils", "getResolvedOptions") => Builtin::GetResolvedOptions,
        ("awsglue.context", "GlueContext") => Builtin::GlueContext,
        ("awsglue.job", "Job") => Builtin::Job,
        ("awsglue.dynamicframe" | "awsglue", "DynamicFrame") => Builtin::DynamicFrame,
        ("awsglue.transforms", "ApplyMapping") => Builtin::ApplyMapping,
        ("awsglue.transforms", "Filter") => Builtin::Filter,
        ("awsglue.transforms", "DropFields") => Builtin::DropFields,
        ("awsglue.transforms", "SelectFields") => Builtin::SelectFields,
        ("awsglue.transforms", "RenameField") => Builtin::RenameField,
        ("awsglue.transforms", "Relationalize") => Builtin::Relationalize,
        ("awsglue.transforms", "SelectFromCollection") => Builtin::SelectFromCollection,
        ("pyspark.context" | "pyspark", "SparkContext") => Builtin::SparkContext,
        _ => {
            let submodule = format!("{module}.{name}");
            let known = [
                "awsglue.utils",
                "awsglue.context",
                "awsglue.job",
                "awsglue.dynamicframe",
                "awsglue.transforms",
                "pyspark.context",
            ];
            return if known.contains(&submodule.as_str()) {
                Value::Module(submodule)
            } else {
                Value::Unsupported
            };
        }
    };
    Value::Builtin(builtin)
}

/// The modelled names a `from module import *` binds.
fn star_members(module: &str) -> &'static [&'static str] {
    match module {
        "awsglue.transforms" => &[
            "ApplyMapping",
            "Filter",
            "DropFields",
            "SelectFields",
            "RenameField",
            "Relationalize",
            "SelectFromCollection",
        ],
        "awsglue.utils" => &["getResolvedOptions"],
        "awsglue.context" => &["GlueContext"],
        "awsglue.job" => &["Job"],
        "awsglue.dynamicframe" | "awsglue" => &["DynamicFrame"],
        "pyspark.context" | "pyspark" => &["SparkContext"],
        _ => &[],
    }
}

fn statement_kind(stmt: &Stmt) -> &'static str {
    match stmt {
        Stmt::FunctionDef(_) => "a function definition (`def`)",
        Stmt::ClassDef(_) => "a class definition",
        Stmt::Return(_) => "`return`",
        Stmt::Delete(_) => "`del`",
        Stmt::TypeAlias(_) => "a `type` alias",
        Stmt::AugAssign(_) => "an augmented assignment (`+=` and the like)",
        Stmt::For(_) => "a `for` loop",
        Stmt::While(_) => "a `while` loop",
        Stmt::If(_) => "an `if` statement",
        Stmt::With(_) => "a `with` statement",
        Stmt::Match(_) => "a `match` statement",
        Stmt::Raise(_) => "`raise`",
        Stmt::Try(_) => "a `try` statement",
        Stmt::Assert(_) => "`assert`",
        Stmt::Global(_) => "`global`",
        Stmt::Nonlocal(_) => "`nonlocal`",
        Stmt::Break(_) => "`break`",
        Stmt::Continue(_) => "`continue`",
        _ => "this statement",
    }
}

pub(super) fn expression_kind(e: &Expr) -> &'static str {
    match e {
        Expr::BoolOp(_) => "`and` / `or`",
        Expr::Named(_) => "an assignment expression",
        Expr::BinOp(_) => "an arithmetic operator",
        Expr::UnaryOp(_) => "a unary operator",
        Expr::Lambda(_) => "a lambda",
        Expr::If(_) => "a conditional expression",
        Expr::Set(_) => "a set",
        Expr::ListComp(_) | Expr::SetComp(_) | Expr::DictComp(_) | Expr::Generator(_) => "a comprehension",
        Expr::Await(_) | Expr::Yield(_) | Expr::YieldFrom(_) => "`await` / `yield`",
        Expr::Compare(_) => "a comparison",
        Expr::TString(_) => "a template string",
        Expr::BytesLiteral(_) => "a bytes literal",
        Expr::EllipsisLiteral(_) => "`...`",
        Expr::Starred(_) => "`*` unpacking",
        Expr::Slice(_) => "a slice",
        _ => "this expression",
    }
}
