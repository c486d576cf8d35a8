//! `Filter` lambdas, translated to the SQL predicate a [`crate::transform::Transform::Filter`]
//! step takes (evaluated by [`crate::query::predicate_mask`]).
//!
//! `lambda x: x["state"] == True and x.timestamp > 1609348014` becomes
//! `("state" = TRUE AND "timestamp" > 1609348014)`. The record's fields are read with
//! `x["name"]`, `x.name` or `x.get("name")`; the body may use comparisons (chained too),
//! `is None` / `is not None`, `in` / `not in` a list or tuple, `and`, `or`, `not`, `+ - *`,
//! literals, and names of the script (evaluated once, when the lambda is defined).
//!
//! *Modelled:* SQL's three-valued logic applies where Python would compare with `None`
//! (`x["a"] != 5` drops a record whose `a` is null, which Python would keep).

use ruff_python_ast::helpers::any_over_expr;
use ruff_python_ast::{self as ast, BoolOp, CmpOp, Expr, Operator, UnaryOp};
use ruff_text_size::{Ranged, TextRange};

use super::interp::{Interp, R};
use super::value::Value;

impl Interp<'_> {
    pub fn translate_lambda(&mut self, lambda: &ast::ExprLambda) -> R<String> {
        let param = match lambda.parameters.as_deref() {
            Some(p)
                if p.posonlyargs.is_empty()
                    && p.args.len() == 1
                    && p.args[0].default.is_none()
                    && p.vararg.is_none()
                    && p.kwonlyargs.is_empty()
                    && p.kwarg.is_none() =>
            {
                p.args[0].parameter.name.as_str().to_string()
            }
            _ => {
                return Err(self.unsupported(
                    lambda.range,
                    "a lambda without exactly one parameter (a Filter function takes the record)",
                ))
            }
        };
        Translator {
            interp: self,
            param: &param,
        }
        .sql(&lambda.body)
    }
}

struct Translator<'i, 's> {
    interp: &'i mut Interp<'s>,
    param: &'i str,
}

impl Translator<'_, '_> {
    /// Whether `e` reads the record (so it is translated, not evaluated).
    fn mentions(&self, e: &Expr) -> bool {
        any_over_expr(e, &|e| matches!(e, Expr::Name(n) if n.id.as_str() == self.param))
    }

    fn is_param(&self, e: &Expr) -> bool {
        matches!(e, Expr::Name(n) if n.id.as_str() == self.param)
    }

    fn not_translatable(&self, range: TextRange) -> super::ScriptError {
        self.interp
            .unsupported(range, format!("`{}` in a Filter lambda", self.interp.text(range)))
    }

    fn sql(&mut self, e: &Expr) -> R<String> {
        if let Some(column) = self.column(e)? {
            return Ok(quote_ident(&column));
        }
        if !self.mentions(e) {
            let value = self.interp.eval_value(e)?;
            return self.literal(&value, e.range());
        }
        Ok(match e {
            Expr::BoolOp(b) => {
                let op = match b.op {
                    BoolOp::And => " AND ",
                    BoolOp::Or => " OR ",
                };
                let parts = b.values.iter().map(|v| self.sql(v)).collect::<R<Vec<_>>>()?;
                format!("({})", parts.join(op))
            }
            Expr::UnaryOp(u) => match u.op {
                UnaryOp::Not => format!("(NOT {})", self.sql(&u.operand)?),
                UnaryOp::USub => format!("(-{})", self.sql(&u.operand)?),
                UnaryOp::UAdd => self.sql(&u.operand)?,
                UnaryOp::Invert => return Err(self.not_translatable(u.range)),
            },
            Expr::BinOp(b) if matches!(b.op, Operator::Add | Operator::Sub | Operator::Mult) => {
                format!("({} {} {})", self.sql(&b.left)?, b.op.as_str(), self.sql(&b.right)?)
            }
            Expr::Compare(c) => {
                let mut left = &*c.left;
                let mut parts = vec![];
                for (op, right) in c.ops.iter().zip(c.comparators.iter()) {
                    parts.push(self.comparison(left, *op, right, c.range)?);
                    left = right;
                }
                match parts.len() {
                    1 => parts.remove(0),
                    _ => format!("({})", parts.join(" AND ")),
                }
            }
            Expr::Name(_) => {
                return Err(self.interp.unsupported(
                    e.range(),
                    format!("using the record `{}` itself in a Filter lambda", self.param),
                ))
            }
            other => return Err(self.not_translatable(other.range())),
        })
    }

    /// `x["a"]`, `x.a` or `x.get("a")`: the field's name.
    fn column(&mut self, e: &Expr) -> R<Option<String>> {
        let name = match e {
            Expr::Subscript(s) if self.is_param(&s.value) => &*s.slice,
            Expr::Attribute(a) if self.is_param(&a.value) => return Ok(Some(a.attr.as_str().to_string())),
            Expr::Call(c) => match &*c.func {
                Expr::Attribute(a)
                    if self.is_param(&a.value)
                        && a.attr.as_str() == "get"
                        && c.arguments.args.len() == 1
                        && c.arguments.keywords.is_empty() =>
                {
                    &c.arguments.args[0]
                }
                _ => return Ok(None),
            },
            _ => return Ok(None),
        };
        if self.mentions(name) {
            return Err(self.not_translatable(e.range()));
        }
        match self.interp.eval_value(name)? {
            Value::Str(s) => Ok(Some(s)),
            other => Err(self.interp.unsupported(
                e.range(),
                format!("reading a record field by a {} in a Filter lambda", other.type_name()),
            )),
        }
    }

    fn comparison(&mut self, left: &Expr, op: CmpOp, right: &Expr, range: TextRange) -> R<String> {
        let none = |e: &Expr| matches!(e, Expr::NoneLiteral(_));
        let null_test = match (none(left), none(right)) {
            (false, true) => Some(left),
            (true, false) => Some(right),
            _ => None,
        };
        if let Some(operand) = null_test {
            return match op {
                CmpOp::Is | CmpOp::Eq => Ok(format!("({} IS NULL)", self.sql(operand)?)),
                CmpOp::IsNot | CmpOp::NotEq => Ok(format!("({} IS NOT NULL)", self.sql(operand)?)),
                _ => Err(self.not_translatable(range)),
            };
        }
        let sql_op = match op {
            CmpOp::Eq => "=",
            CmpOp::NotEq => "<>",
            CmpOp::Lt => "<",
            CmpOp::LtE => "<=",
            CmpOp::Gt => ">",
            CmpOp::GtE => ">=",
            CmpOp::In | CmpOp::NotIn => {
                if self.mentions(right) {
                    return Err(self.not_translatable(range));
                }
                let items = match self.interp.eval_value(right)? {
                    Value::List(items) | Value::Tuple(items) if !items.is_empty() => items,
                    other => {
                        return Err(self.interp.unsupported(
                            right.range(),
                            format!("`in` over {} in a Filter lambda (use a non-empty list)", other.repr()),
                        ))
                    }
                };
                let items = items
                    .iter()
                    .map(|v| self.literal(v, right.range()))
                    .collect::<R<Vec<_>>>()?;
                let not = if op == CmpOp::NotIn { " NOT" } else { "" };
                return Ok(format!("({}{not} IN ({}))", self.sql(left)?, items.join(", ")));
            }
            CmpOp::Is | CmpOp::IsNot => return Err(self.not_translatable(range)),
        };
        Ok(format!("({} {sql_op} {})", self.sql(left)?, self.sql(right)?))
    }

    fn literal(&self, value: &Value, range: TextRange) -> R<String> {
        Ok(match value {
            Value::None => "NULL".into(),
            Value::Bool(true) => "TRUE".into(),
            Value::Bool(false) => "FALSE".into(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) if f.is_finite() => format!("{f:?}"),
            Value::Str(s) => format!("'{}'", s.replace('\'', "''")),
            other => {
                return Err(self
                    .interp
                    .unsupported(range, format!("a {} value in a Filter lambda", other.type_name())))
            }
        })
    }
}

/// A field name as a SQL identifier (double quotes; names are matched case-insensitively).
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
