//! The engine's own small query tree, lowered from sqlparser's AST by [`super::parse`].
//!
//! sqlparser's AST covers every dialect it knows; this tree holds only what gluelab can run.
//! Lowering into it is where every unsupported construct is rejected, so the executor never
//! meets syntax it would silently ignore.

use crate::arrow::datatypes::DataType;

use super::error::Pos;
use super::registry::Func;

/// One `SELECT` over a table, or tables joined one after another.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Query {
    pub distinct: bool,
    pub projection: Vec<SelectItem>,
    /// `None` for a `SELECT` without `FROM` (one row, no columns). Table 0 of the query.
    pub from: Option<TableRef>,
    /// Tables 1, 2, ... joined in turn to what comes before them.
    pub joins: Vec<Join>,
    pub filter: Option<Expr>,
    /// As written; integer literals are 1-based select-list positions, resolved by the executor.
    pub group_by: Vec<Expr>,
    pub having: Option<Expr>,
    pub order_by: Vec<OrderKey>,
    pub limit: Option<usize>,
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SelectItem {
    /// `*` (every table's columns) or `t.*` (table `t`'s).
    Wildcard {
        table: Option<usize>,
        pos: Pos,
    },
    Expr {
        expr: Expr,
        alias: Option<String>,
    },
}

/// `[INNER | LEFT | RIGHT | FULL | CROSS] JOIN table ON condition`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Join {
    pub kind: JoinKind,
    pub table: TableRef,
    /// `true` for a `CROSS JOIN` (or a comma in `FROM`).
    pub on: Expr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JoinKind {
    Inner,
    Left,
    Right,
    Full,
}

/// The table after `FROM`, names lowercased as Athena stores them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TableRef {
    pub database: Option<String>,
    pub table: String,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OrderKey {
    pub expr: Expr,
    pub descending: bool,
    /// Athena sorts NULLs last in both directions unless told otherwise.
    pub nulls_first: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Literal {
    Int(i64),
    /// Athena types `1.5` as DECIMAL; gluelab uses DOUBLE (see the module docs of `query`).
    Float(f64),
    Str(String),
    Bool(bool),
    Null,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    And,
    Or,
}

impl BinOp {
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq | BinOp::NotEq | BinOp::Lt | BinOp::LtEq | BinOp::Gt | BinOp::GtEq
        )
    }

    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Mod => "%",
            BinOp::Eq => "=",
            BinOp::NotEq => "<>",
            BinOp::Lt => "<",
            BinOp::LtEq => "<=",
            BinOp::Gt => ">",
            BinOp::GtEq => ">=",
            BinOp::And => "AND",
            BinOp::Or => "OR",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AggFunc {
    Count,
    Sum,
    Avg,
    Min,
    Max,
}

impl AggFunc {
    pub fn name(self) -> &'static str {
        match self {
            AggFunc::Count => "count",
            AggFunc::Sum => "sum",
            AggFunc::Avg => "avg",
            AggFunc::Min => "min",
            AggFunc::Max => "max",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    /// A column, name lowercased: of the query's table `table` when it was qualified (`o.id`),
    /// else of whichever table has it (more than one: ambiguous).
    Column {
        name: String,
        table: Option<usize>,
        pos: Pos,
    },
    Literal(Literal),
    Not(Box<Expr>),
    Negate {
        expr: Box<Expr>,
        pos: Pos,
    },
    Binary {
        op: BinOp,
        left: Box<Expr>,
        right: Box<Expr>,
        pos: Pos,
    },
    IsNull {
        expr: Box<Expr>,
        negated: bool,
    },
    InList {
        expr: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
        pos: Pos,
    },
    Between {
        expr: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
        negated: bool,
        pos: Pos,
    },
    Like {
        expr: Box<Expr>,
        pattern: Box<Expr>,
        negated: bool,
        pos: Pos,
    },
    /// `CASE WHEN c THEN r ... [ELSE e] END`. A simple `CASE x WHEN v THEN r` is lowered to the
    /// conditions `x = v`. Each result is evaluated only on the rows that choose it.
    Case {
        branches: Vec<(Expr, Expr)>,
        otherwise: Option<Box<Expr>>,
        pos: Pos,
    },
    /// `CAST(x AS t)`; `safe` for `TRY_CAST`, which gives NULL where a value does not convert.
    Cast {
        expr: Box<Expr>,
        to: DataType,
        safe: bool,
        pos: Pos,
    },
    /// A scalar function, its name resolved and its argument count checked while lowering.
    Function {
        func: Func,
        args: Vec<Expr>,
        pos: Pos,
    },
    /// `arg` is `None` for `count(*)`.
    Aggregate {
        func: AggFunc,
        arg: Option<Box<Expr>>,
        distinct: bool,
        pos: Pos,
    },
}

impl Expr {
    /// Calls `f` on this expression and every expression inside it, parents first.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        f(self);
        match self {
            Expr::Column { .. } | Expr::Literal(_) => {}
            Expr::Not(e) | Expr::Negate { expr: e, .. } | Expr::IsNull { expr: e, .. } | Expr::Cast { expr: e, .. } => {
                e.walk(f)
            }
            Expr::Case {
                branches, otherwise, ..
            } => {
                for (condition, result) in branches {
                    condition.walk(f);
                    result.walk(f);
                }
                if let Some(e) = otherwise {
                    e.walk(f);
                }
            }
            Expr::Function { args, .. } => args.iter().for_each(|e| e.walk(f)),
            Expr::Binary { left, right, .. } => {
                left.walk(f);
                right.walk(f);
            }
            Expr::InList { expr, list, .. } => {
                expr.walk(f);
                list.iter().for_each(|e| e.walk(f));
            }
            Expr::Between { expr, low, high, .. } => {
                expr.walk(f);
                low.walk(f);
                high.walk(f);
            }
            Expr::Like { expr, pattern, .. } => {
                expr.walk(f);
                pattern.walk(f);
            }
            Expr::Aggregate { arg, .. } => {
                if let Some(a) = arg {
                    a.walk(f);
                }
            }
        }
    }

    /// The first aggregate call inside this expression, if any.
    pub fn first_aggregate(&self) -> Option<&Expr> {
        let mut found = None;
        self.walk(&mut |e| {
            if found.is_none() && matches!(e, Expr::Aggregate { .. }) {
                found = Some(e);
            }
        });
        found
    }

    /// Where the expression was written, best effort (literals carry none).
    pub fn pos(&self) -> Pos {
        match self {
            Expr::Column { pos, .. }
            | Expr::Negate { pos, .. }
            | Expr::Binary { pos, .. }
            | Expr::InList { pos, .. }
            | Expr::Between { pos, .. }
            | Expr::Like { pos, .. }
            | Expr::Case { pos, .. }
            | Expr::Cast { pos, .. }
            | Expr::Function { pos, .. }
            | Expr::Aggregate { pos, .. } => *pos,
            Expr::Not(e) | Expr::IsNull { expr: e, .. } => e.pos(),
            Expr::Literal(_) => Pos::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(name: &str, line: u64, column: u64) -> Expr {
        Expr::Column {
            name: name.into(),
            table: None,
            pos: Pos { line, column },
        }
    }

    #[test]
    fn positions_do_not_distinguish_expressions() {
        assert_eq!(col("a", 1, 8), col("a", 3, 20));
        assert_ne!(col("a", 1, 8), col("b", 1, 8));
    }

    #[test]
    fn first_aggregate_looks_inside_expressions() {
        let agg = Expr::Aggregate {
            func: AggFunc::Count,
            arg: None,
            distinct: false,
            pos: Pos::default(),
        };
        let e = Expr::Binary {
            op: BinOp::Add,
            left: Box::new(Expr::Literal(Literal::Int(1))),
            right: Box::new(agg.clone()),
            pos: Pos::default(),
        };
        assert_eq!(e.first_aggregate(), Some(&agg));
        assert_eq!(col("a", 1, 1).first_aggregate(), None);
    }
}
