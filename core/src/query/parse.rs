//! SQL text → [`Query`]: parsing with sqlparser, then lowering into the engine's own tree.
//!
//! **Dialect.** sqlparser's `GenericDialect`. Athena's DML (Trino) quotes identifiers with double
//! quotes (`"db"."table"`) and strings with single quotes; both `GenericDialect` and `AnsiDialect`
//! read that. `AnsiDialect` rejects unquoted identifiers that start with `_` (Glue's `_c0` style
//! column names, which Athena accepts), so `GenericDialect` it is. It also reads backquoted
//! identifiers, which Athena's DML would refuse: a harmless leniency.
//!
//! **Case.** Athena lowercases every identifier, quoted or not; so does lowering here (table,
//! database, column and alias names alike).
//!
//! Every sqlparser construct the executor cannot honour is turned into a `NOT_SUPPORTED` error
//! here, naming the construct, so that no clause is ever silently dropped.

use sqlparser::ast::{self, Spanned};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

use super::cast::sql_type;
use super::error::{not_supported, sql_error, Pos};
use super::plan::{AggFunc, BinOp, Expr, Join, JoinKind, Literal, OrderKey, Query, SelectItem, TableRef};
use super::registry::{unknown_function, wrong_argument_count, Func};
use crate::error::{Error, Result};
use crate::limits::SQL_MAX_DEPTH;

/// Parses one `SELECT` statement.
pub(crate) fn parse(sql: &str) -> Result<Query> {
    check_operator_count(sql, &GenericDialect {})?;
    let statements = Parser::parse_sql(&GenericDialect {}, sql).map_err(|e| syntax_error(sql, e))?;
    match statements.as_slice() {
        [] => Err(sql_error(
            "SYNTAX_ERROR",
            Pos { line: 1, column: 1 },
            "The query is empty",
        )),
        [ast::Statement::Query(query)] => lower_query(query),
        [statement] => {
            let text = statement.to_string();
            let verb = text.split_whitespace().next().unwrap_or("this").to_uppercase();
            Err(not_supported(
                span_pos(statement),
                format!("{verb} (only SELECT queries can be run)"),
            ))
        }
        [_, second, ..] => Err(not_supported(span_pos(second), "more than one statement per query")),
    }
}

/// The `[db.]table` an Athena `MSCK REPAIR TABLE` statement names, lowercased; `None` for any
/// other text.
pub(crate) fn msck_repair_table(sql: &str) -> Option<Vec<String>> {
    let statements = Parser::parse_sql(&GenericDialect {}, sql).ok()?;
    match statements.as_slice() {
        [ast::Statement::Msck(msck)] if msck.repair && msck.partition_action.is_none() => {
            object_name(&msck.table_name).ok()
        }
        _ => None,
    }
}

/// Parses a bare boolean expression, as in a Glue `Filter` transform (`state = 'on' AND x > 1`).
/// Columns may not be qualified: there is no table to qualify them with.
pub(crate) fn parse_predicate(sql: &str) -> Result<Expr> {
    let dialect = GenericDialect {};
    check_operator_count(sql, &dialect)?;
    let mut parser = Parser::new(&dialect)
        .try_with_sql(sql)
        .map_err(|e| syntax_error(sql, e))?;
    let expr = parser.parse_expr().map_err(|e| syntax_error(sql, e))?;
    let next = parser.peek_token();
    if next.token != Token::EOF {
        let message = format!("Unexpected {} after the expression", next.token);
        return Err(sql_error("SYNTAX_ERROR", next.span.start.into(), message));
    }
    let expr = lower_expr(&expr, &Scope::default())?;
    if let Some(agg) = expr.first_aggregate() {
        return Err(sql_error(
            "EXPRESSION_NOT_SCALAR",
            agg.pos(),
            "A filter cannot contain aggregations",
        ));
    }
    Ok(expr)
}

/// Lowers one expression of a statement parsed elsewhere (the warehouse's `UPDATE`, `DELETE`
/// and `INSERT`), straight from sqlparser's AST. Columns may be qualified with any of
/// `qualifiers` (`employees`, `hr.employees`, an alias). `clause` names the clause in the
/// message when an aggregate slips in.
pub(crate) fn lower_statement_expr(e: &ast::Expr, qualifiers: Vec<Vec<String>>, clause: &str) -> Result<Expr> {
    let expr = lower_expr(
        e,
        &Scope {
            tables: vec![qualifiers],
        },
    )?;
    if let Some(agg) = expr.first_aggregate() {
        return Err(sql_error(
            "EXPRESSION_NOT_SCALAR",
            agg.pos(),
            format!("{clause} clause cannot contain aggregations"),
        ));
    }
    Ok(expr)
}

/// Refuses an expression nested deeper than [`SQL_MAX_DEPTH`], before it is parsed: sqlparser
/// bounds parentheses itself and parses a chain of operators in a loop, but the tree it builds
/// is as deep as the chain and every pass over it (lowering, planning, evaluation) recurses.
/// Counted on tokens: the operators along the open parentheses, each level's count starting
/// over at a comma or a clause, so many short expressions side by side are fine.
pub(crate) fn check_operator_count(sql: &str, dialect: &dyn sqlparser::dialect::Dialect) -> Result<()> {
    use sqlparser::keywords::Keyword;
    // A text this short cannot hold that many operators: most queries skip the tokenizing.
    if sql.len() <= SQL_MAX_DEPTH {
        return Ok(());
    }
    let Ok(tokens) = sqlparser::tokenizer::Tokenizer::new(dialect, sql).tokenize_with_location() else {
        return Ok(()); // the parser reports the tokenizer's error with its position
    };
    // Operators so far at each open parenthesis level (the statement itself is the first).
    let mut levels: Vec<usize> = vec![0];
    for token in tokens {
        let operator = match &token.token {
            Token::Comma => {
                *levels.last_mut().expect("never empty") = 0;
                continue;
            }
            Token::LParen => {
                levels.push(0);
                continue;
            }
            Token::RParen => {
                if levels.len() > 1 {
                    levels.pop();
                }
                continue;
            }
            Token::Word(w)
                if matches!(
                    w.keyword,
                    Keyword::SELECT
                        | Keyword::FROM
                        | Keyword::WHERE
                        | Keyword::GROUP
                        | Keyword::HAVING
                        | Keyword::ORDER
                        | Keyword::LIMIT
                        | Keyword::OFFSET
                        | Keyword::ON
                        | Keyword::SET
                        | Keyword::VALUES
                        | Keyword::WHEN
                        | Keyword::THEN
                        | Keyword::ELSE
                ) =>
            {
                *levels.last_mut().expect("never empty") = 0;
                continue;
            }
            Token::Word(w) => matches!(
                w.keyword,
                Keyword::AND
                    | Keyword::OR
                    | Keyword::NOT
                    | Keyword::IS
                    | Keyword::IN
                    | Keyword::BETWEEN
                    | Keyword::LIKE
                    | Keyword::ILIKE
                    | Keyword::SIMILAR
                    | Keyword::COLLATE
                    | Keyword::AT
            ),
            Token::DoubleEq
            | Token::Eq
            | Token::Neq
            | Token::Lt
            | Token::Gt
            | Token::LtEq
            | Token::GtEq
            | Token::Spaceship
            | Token::Plus
            | Token::Minus
            | Token::Mul
            | Token::Div
            | Token::DuckIntDiv
            | Token::Mod
            | Token::StringConcat
            | Token::DoubleColon
            | Token::LBracket
            | Token::Ampersand
            | Token::Pipe
            | Token::Caret
            | Token::Tilde
            | Token::ShiftLeft
            | Token::ShiftRight
            | Token::Arrow
            | Token::LongArrow => true,
            _ => false,
        };
        if operator {
            *levels.last_mut().expect("never empty") += 1;
            if levels.iter().sum::<usize>() > SQL_MAX_DEPTH {
                return Err(sql_error(
                    "SYNTAX_ERROR",
                    token.span.start.into(),
                    format!(
                        "The expression is nested more than {SQL_MAX_DEPTH} operators deep (the limit SQL_MAX_DEPTH): \
                         split it, or use IN (...) for a long list of alternatives"
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// sqlparser ends its messages with ` at Line: L, Column: C`; Athena puts `line L:C:` first.
/// Errors at the end of input carry no location from sqlparser; they get the end of `sql`.
fn syntax_error(sql: &str, e: ParserError) -> Error {
    let text = match e {
        ParserError::TokenizerError(s) | ParserError::ParserError(s) => s,
        ParserError::RecursionLimitExceeded => "The query is nested too deeply".to_string(),
    };
    let located = text.rsplit_once(" at Line: ").and_then(|(message, at)| {
        let (line, column) = at.split_once(", Column: ")?;
        Some((
            message.to_string(),
            Pos {
                line: line.trim().parse().ok()?,
                column: column.trim().parse().ok()?,
            },
        ))
    });
    match located {
        Some((message, pos)) => sql_error("SYNTAX_ERROR", pos, message),
        None if text.contains("EOF") => sql_error("SYNTAX_ERROR", end_of(sql), text),
        None => sql_error("SYNTAX_ERROR", Pos::default(), text),
    }
}

/// The position just after the last character of `sql`.
fn end_of(sql: &str) -> Pos {
    let last_line = sql.rsplit('\n').next().unwrap_or("");
    Pos {
        line: sql.matches('\n').count() as u64 + 1,
        column: last_line.chars().count() as u64 + 1,
    }
}

fn span_pos(node: &impl Spanned) -> Pos {
    node.span().start.into()
}

/// The names a column may be qualified with, per table of the query: `alias.col`, or
/// `table.col` / `db.table.col`.
#[derive(Default)]
struct Scope {
    tables: Vec<Vec<Vec<String>>>,
}

impl Scope {
    /// The next table of the query, `FROM`'s or a join's.
    fn add(&mut self, t: &TableRef, alias: Option<String>) {
        let qualifiers = match alias {
            Some(alias) => vec![vec![alias]],
            None => {
                let mut q = vec![vec![t.table.clone()]];
                if let Some(db) = &t.database {
                    q.push(vec![db.clone(), t.table.clone()]);
                }
                q
            }
        };
        self.tables.push(qualifiers);
    }

    /// The table a qualifier names: `Ok(None)` for no table, an error when two tables answer
    /// to it (a self-join without aliases).
    fn table(&self, qualifier: &[String], pos: Pos) -> Result<Option<usize>> {
        let mut found = self
            .tables
            .iter()
            .enumerate()
            .filter(|(_, qs)| qs.iter().any(|q| q == qualifier))
            .map(|(i, _)| i);
        match (found.next(), found.next()) {
            (Some(_), Some(_)) => Err(sql_error(
                "AMBIGUOUS_NAME",
                pos,
                format!("Table '{}' is ambiguous: give the tables aliases", qualifier.join(".")),
            )),
            (found, _) => Ok(found),
        }
    }
}

fn lower_query(q: &ast::Query) -> Result<Query> {
    if let Some(with) = &q.with {
        return Err(not_supported(
            span_pos(&with.with_token.0),
            "WITH (common table expressions)",
        ));
    }
    let rejected = [
        (q.fetch.is_some(), "FETCH FIRST"),
        (!q.locks.is_empty(), "FOR UPDATE / FOR SHARE"),
        (q.for_clause.is_some(), "FOR XML / FOR JSON"),
        (q.settings.is_some(), "SETTINGS"),
        (q.format_clause.is_some(), "FORMAT"),
        (!q.pipe_operators.is_empty(), "pipe operators (|>)"),
    ];
    if let Some((_, what)) = rejected.iter().find(|(present, _)| *present) {
        return Err(not_supported(Pos::default(), what));
    }
    let select = match q.body.as_ref() {
        ast::SetExpr::Select(select) => select,
        ast::SetExpr::Query(inner) => return Err(not_supported(span_pos(inner.as_ref()), "a parenthesised query")),
        ast::SetExpr::SetOperation { op, left, .. } => {
            return Err(not_supported(span_pos(left.as_ref()), format!("{op} (set operations)")))
        }
        ast::SetExpr::Values(_) => return Err(not_supported(Pos::default(), "VALUES")),
        other => return Err(not_supported(Pos::default(), format!("`{other}`"))),
    };
    let (mut query, scope) = lower_select(select)?;
    if let Some(order_by) = &q.order_by {
        query.order_by = lower_order_by(order_by, &scope)?;
    }
    if let Some(limit) = &q.limit_clause {
        (query.limit, query.offset) = lower_limit(limit)?;
    }
    Ok(query)
}

fn lower_select(s: &ast::Select) -> Result<(Query, Scope)> {
    let here = span_pos(&s.select_token.0);
    let rejected = [
        (!s.optimizer_hints.is_empty(), "optimizer hints"),
        (matches!(s.distinct, Some(ast::Distinct::On(_))), "DISTINCT ON"),
        (s.select_modifiers.is_some(), "SELECT modifiers"),
        (s.top.is_some(), "TOP"),
        (s.exclude.is_some(), "EXCLUDE"),
        (s.into.is_some(), "SELECT INTO"),
        (!s.lateral_views.is_empty(), "LATERAL VIEW"),
        (s.prewhere.is_some(), "PREWHERE"),
        (!s.connect_by.is_empty(), "CONNECT BY"),
        (!s.cluster_by.is_empty(), "CLUSTER BY"),
        (!s.distribute_by.is_empty(), "DISTRIBUTE BY"),
        (!s.sort_by.is_empty(), "SORT BY"),
        (!s.named_window.is_empty(), "WINDOW"),
        (s.qualify.is_some(), "QUALIFY"),
        (s.value_table_mode.is_some(), "SELECT AS STRUCT / VALUE"),
        (s.flavor != ast::SelectFlavor::Standard, "FROM-first queries"),
    ];
    if let Some((_, what)) = rejected.iter().find(|(present, _)| *present) {
        return Err(not_supported(here, what));
    }
    let mut scope = Scope::default();
    let mut from = None;
    let mut joins = vec![];
    // `FROM a, b` is `a CROSS JOIN b`.
    for (i, item) in s.from.iter().enumerate() {
        let (table, alias) = lower_table(&item.relation)?;
        scope.add(&table, alias);
        match i {
            0 => from = Some(table),
            _ => joins.push(Join {
                kind: JoinKind::Inner,
                table,
                on: Expr::Literal(Literal::Bool(true)),
            }),
        }
        for join in &item.joins {
            joins.push(lower_join(join, &mut scope)?);
        }
    }
    let projection = s
        .projection
        .iter()
        .map(|item| lower_item(item, &scope))
        .collect::<Result<Vec<_>>>()?;
    let filter = s.selection.as_ref().map(|e| lower_expr(e, &scope)).transpose()?;
    if let Some(agg) = filter.as_ref().and_then(Expr::first_aggregate) {
        return Err(sql_error(
            "EXPRESSION_NOT_SCALAR",
            agg.pos(),
            "WHERE clause cannot contain aggregations",
        ));
    }
    let group_by = match &s.group_by {
        ast::GroupByExpr::All(_) => return Err(not_supported(here, "GROUP BY ALL")),
        ast::GroupByExpr::Expressions(_, modifiers) if !modifiers.is_empty() => {
            return Err(not_supported(here, format!("GROUP BY ... {}", modifiers[0])))
        }
        ast::GroupByExpr::Expressions(exprs, _) => exprs
            .iter()
            .map(|e| lower_expr(e, &scope))
            .collect::<Result<Vec<_>>>()?,
    };
    if let Some(agg) = group_by.iter().find_map(Expr::first_aggregate) {
        return Err(sql_error(
            "EXPRESSION_NOT_SCALAR",
            agg.pos(),
            "GROUP BY clause cannot contain aggregations",
        ));
    }
    let having = s.having.as_ref().map(|e| lower_expr(e, &scope)).transpose()?;
    let query = Query {
        distinct: matches!(s.distinct, Some(ast::Distinct::Distinct)),
        projection,
        from,
        joins,
        filter,
        group_by,
        having,
        order_by: Vec::new(),
        limit: None,
        offset: 0,
    };
    Ok((query, scope))
}

/// `[INNER | LEFT [OUTER] | RIGHT [OUTER] | FULL [OUTER] | CROSS] JOIN table [ON condition]`,
/// its table added to `scope`; the condition sees this table and those before it.
fn lower_join(join: &ast::Join, scope: &mut Scope) -> Result<Join> {
    let pos = span_pos(&join.relation);
    use ast::JoinOperator as J;
    let (kind, constraint) = match &join.join_operator {
        J::Join(c) | J::Inner(c) => (JoinKind::Inner, Some(c)),
        J::Left(c) | J::LeftOuter(c) => (JoinKind::Left, Some(c)),
        J::Right(c) | J::RightOuter(c) => (JoinKind::Right, Some(c)),
        J::FullOuter(c) => (JoinKind::Full, Some(c)),
        J::CrossJoin(ast::JoinConstraint::None) => (JoinKind::Inner, None),
        other => {
            let text = other_join_name(other);
            return Err(not_supported(pos, text));
        }
    };
    let (table, alias) = lower_table(&join.relation)?;
    scope.add(&table, alias);
    let on = match constraint {
        None => Expr::Literal(Literal::Bool(true)),
        Some(ast::JoinConstraint::On(e)) => lower_expr(e, scope)?,
        Some(ast::JoinConstraint::None) => {
            return Err(sql_error(
                "SYNTAX_ERROR",
                pos,
                "a JOIN needs ON <condition> (or write CROSS JOIN)",
            ))
        }
        Some(ast::JoinConstraint::Using(_) | ast::JoinConstraint::UsingAlias(..)) => {
            return Err(not_supported(pos, "JOIN ... USING (write ON a.x = b.x)"))
        }
        Some(ast::JoinConstraint::Natural) => return Err(not_supported(pos, "NATURAL JOIN")),
    };
    if let Some(agg) = on.first_aggregate() {
        return Err(sql_error(
            "EXPRESSION_NOT_SCALAR",
            agg.pos(),
            "JOIN condition cannot contain aggregations",
        ));
    }
    Ok(Join { kind, table, on })
}

fn other_join_name(op: &ast::JoinOperator) -> String {
    use ast::JoinOperator as J;
    match op {
        J::CrossJoin(_) => "CROSS JOIN with a condition".into(),
        J::Semi(_) | J::LeftSemi(_) | J::RightSemi(_) => "SEMI JOIN".into(),
        J::Anti(_) | J::LeftAnti(_) | J::RightAnti(_) => "ANTI JOIN".into(),
        J::CrossApply | J::OuterApply => "APPLY".into(),
        J::AsOf { .. } => "ASOF JOIN".into(),
        _ => "this kind of JOIN".into(),
    }
}

/// `[[awsdatacatalog.]db.]table [[AS] alias]`, returning the table and its alias.
fn lower_table(relation: &ast::TableFactor) -> Result<(TableRef, Option<String>)> {
    let pos = span_pos(relation);
    let ast::TableFactor::Table {
        name,
        alias,
        args,
        with_hints,
        version,
        with_ordinality,
        partitions,
        json_path,
        sample,
        index_directives,
        inheritance,
    } = relation
    else {
        let what = match relation {
            ast::TableFactor::Derived { .. } => "subqueries in FROM".to_string(),
            other => format!("`{other}` in FROM"),
        };
        return Err(not_supported(pos, what));
    };
    let extras = args.is_some()
        || !with_hints.is_empty()
        || version.is_some()
        || *with_ordinality
        || !partitions.is_empty()
        || json_path.is_some()
        || sample.is_some()
        || !index_directives.is_empty()
        || inheritance.is_some();
    if extras {
        return Err(not_supported(pos, format!("`{relation}` in FROM")));
    }
    let mut parts = object_name(name)?;
    let table = TableRef {
        table: parts.pop().unwrap_or_default(),
        database: parts.pop(),
        pos,
    };
    match parts.as_slice() {
        [] => {}
        [catalog] if catalog == "awsdatacatalog" => {}
        [catalog] => {
            return Err(sql_error(
                "CATALOG_NOT_FOUND",
                pos,
                format!("Catalog '{catalog}' does not exist"),
            ))
        }
        _ => {
            return Err(sql_error(
                "SYNTAX_ERROR",
                pos,
                format!("Too many dots in table name: {name}"),
            ))
        }
    }
    let alias = match alias {
        Some(a) if !a.columns.is_empty() => return Err(not_supported(pos, "column aliases in FROM")),
        Some(a) => Some(a.name.value.to_lowercase()),
        None => None,
    };
    Ok((table, alias))
}

fn object_name(name: &ast::ObjectName) -> Result<Vec<String>> {
    name.0
        .iter()
        .map(|part| match part.as_ident() {
            Some(ident) => Ok(ident.value.to_lowercase()),
            None => Err(not_supported(span_pos(part), format!("`{part}` in a name"))),
        })
        .collect()
}

fn lower_item(item: &ast::SelectItem, scope: &Scope) -> Result<SelectItem> {
    let pos = span_pos(item);
    match item {
        ast::SelectItem::UnnamedExpr(e) => Ok(SelectItem::Expr {
            expr: lower_expr(e, scope)?,
            alias: None,
        }),
        ast::SelectItem::ExprWithAlias { expr, alias } => Ok(SelectItem::Expr {
            expr: lower_expr(expr, scope)?,
            alias: Some(alias.value.to_lowercase()),
        }),
        ast::SelectItem::Wildcard(options) => {
            plain_wildcard(options, pos)?;
            Ok(SelectItem::Wildcard { table: None, pos })
        }
        ast::SelectItem::QualifiedWildcard(ast::SelectItemQualifiedWildcardKind::ObjectName(name), options) => {
            plain_wildcard(options, pos)?;
            let Some(table) = scope.table(&object_name(name)?, pos)? else {
                return Err(sql_error("TABLE_NOT_FOUND", pos, format!("Table '{}' not found", name)));
            };
            Ok(SelectItem::Wildcard {
                table: Some(table),
                pos,
            })
        }
        other => Err(not_supported(pos, format!("the select item `{other}`"))),
    }
}

/// `*` without Snowflake/BigQuery decorations (`EXCLUDE`, `EXCEPT`, `REPLACE`, ...).
fn plain_wildcard(o: &ast::WildcardAdditionalOptions, pos: Pos) -> Result<()> {
    let decorated = o.opt_ilike.is_some()
        || o.opt_exclude.is_some()
        || o.opt_except.is_some()
        || o.opt_replace.is_some()
        || o.opt_rename.is_some()
        || o.opt_alias.is_some();
    if decorated {
        return Err(not_supported(pos, "decorated wildcards (* EXCEPT / REPLACE / ...)"));
    }
    Ok(())
}

fn lower_order_by(order_by: &ast::OrderBy, scope: &Scope) -> Result<Vec<OrderKey>> {
    if order_by.interpolate.is_some() {
        return Err(not_supported(Pos::default(), "ORDER BY ... INTERPOLATE"));
    }
    let ast::OrderByKind::Expressions(keys) = &order_by.kind else {
        return Err(not_supported(Pos::default(), "ORDER BY ALL"));
    };
    keys.iter()
        .map(|key| {
            if key.with_fill.is_some() {
                return Err(not_supported(span_pos(key), "ORDER BY ... WITH FILL"));
            }
            let descending = match &key.options.sort {
                None | Some(ast::OrderBySort::Asc) => false,
                Some(ast::OrderBySort::Desc) => true,
                Some(ast::OrderBySort::Using(_)) => return Err(not_supported(span_pos(key), "ORDER BY ... USING")),
            };
            let expr = lower_expr(&key.expr, scope)?;
            Ok(OrderKey {
                expr,
                descending,
                nulls_first: key.options.nulls_first.unwrap_or(false),
            })
        })
        .collect()
}

fn lower_limit(limit: &ast::LimitClause) -> Result<(Option<usize>, usize)> {
    match limit {
        ast::LimitClause::LimitOffset { limit_by, .. } if !limit_by.is_empty() => {
            Err(not_supported(span_pos(&limit_by[0]), "LIMIT BY"))
        }
        ast::LimitClause::LimitOffset { limit, offset, .. } => {
            let limit = limit.as_ref().map(|e| row_count(e, "LIMIT")).transpose()?;
            let offset = offset.as_ref().map(|o| row_count(&o.value, "OFFSET")).transpose()?;
            Ok((limit, offset.unwrap_or(0)))
        }
        ast::LimitClause::OffsetCommaLimit { offset, .. } => Err(not_supported(
            span_pos(offset),
            "LIMIT offset, count (use LIMIT count OFFSET offset)",
        )),
    }
}

fn row_count(e: &ast::Expr, clause: &str) -> Result<usize> {
    if let ast::Expr::Value(ast::ValueWithSpan {
        value: ast::Value::Number(n, _),
        ..
    }) = e
    {
        if let Ok(n) = n.parse::<usize>() {
            return Ok(n);
        }
    }
    Err(sql_error(
        "SYNTAX_ERROR",
        span_pos(e),
        format!("{clause} must be a non-negative integer, not {e}"),
    ))
}

/// Where an expression starts. sqlparser's span of an operator is the union of its operands',
/// computed recursively at every node: the start of a chain is its leftmost operand's.
fn expr_start(mut e: &ast::Expr) -> Pos {
    while let ast::Expr::BinaryOp { left, .. } = e {
        e = left;
    }
    span_pos(e)
}

fn lower_expr(e: &ast::Expr, scope: &Scope) -> Result<Expr> {
    let pos = expr_start(e);
    let boxed = |e: &ast::Expr| lower_expr(e, scope).map(Box::new);
    Ok(match e {
        ast::Expr::Identifier(ident) => Expr::Column {
            name: ident.value.to_lowercase(),
            table: None,
            pos,
        },
        ast::Expr::CompoundIdentifier(idents) => {
            let mut parts: Vec<String> = idents.iter().map(|i| i.value.to_lowercase()).collect();
            let name = parts.pop().unwrap_or_default();
            let Some(table) = scope.table(&parts, pos)? else {
                let written = idents
                    .iter()
                    .map(|i| i.value.to_lowercase())
                    .collect::<Vec<_>>()
                    .join(".");
                return Err(sql_error(
                    "COLUMN_NOT_FOUND",
                    pos,
                    format!("Column '{written}' cannot be resolved"),
                ));
            };
            Expr::Column {
                name,
                table: Some(table),
                pos,
            }
        }
        ast::Expr::Value(v) => Expr::Literal(lower_value(&v.value, pos)?),
        ast::Expr::Nested(inner) => lower_expr(inner, scope)?,
        ast::Expr::UnaryOp { op, expr } => match op {
            ast::UnaryOperator::Not => Expr::Not(boxed(expr)?),
            ast::UnaryOperator::Plus => lower_expr(expr, scope)?,
            ast::UnaryOperator::Minus => match lower_expr(expr, scope)? {
                Expr::Literal(Literal::Int(n)) => Expr::Literal(Literal::Int(-n)),
                Expr::Literal(Literal::Float(x)) => Expr::Literal(Literal::Float(-x)),
                inner => Expr::Negate {
                    expr: Box::new(inner),
                    pos,
                },
            },
            other => return Err(not_supported(pos, format!("the operator {other}"))),
        },
        ast::Expr::BinaryOp {
            left,
            op: ast::BinaryOperator::StringConcat,
            right,
        } => Expr::Function {
            func: Func::Concat,
            args: vec![lower_expr(left, scope)?, lower_expr(right, scope)?],
            pos,
        },
        ast::Expr::BinaryOp { left, op, right } => {
            let op = match op {
                ast::BinaryOperator::Plus => BinOp::Add,
                ast::BinaryOperator::Minus => BinOp::Sub,
                ast::BinaryOperator::Multiply => BinOp::Mul,
                ast::BinaryOperator::Divide => BinOp::Div,
                ast::BinaryOperator::Modulo => BinOp::Mod,
                ast::BinaryOperator::Eq => BinOp::Eq,
                ast::BinaryOperator::NotEq => BinOp::NotEq,
                ast::BinaryOperator::Lt => BinOp::Lt,
                ast::BinaryOperator::LtEq => BinOp::LtEq,
                ast::BinaryOperator::Gt => BinOp::Gt,
                ast::BinaryOperator::GtEq => BinOp::GtEq,
                ast::BinaryOperator::And => BinOp::And,
                ast::BinaryOperator::Or => BinOp::Or,
                other => return Err(not_supported(pos, format!("the operator {other}"))),
            };
            Expr::Binary {
                op,
                left: boxed(left)?,
                right: boxed(right)?,
                pos,
            }
        }
        ast::Expr::IsNull(inner) => Expr::IsNull {
            expr: boxed(inner)?,
            negated: false,
        },
        ast::Expr::IsNotNull(inner) => Expr::IsNull {
            expr: boxed(inner)?,
            negated: true,
        },
        ast::Expr::In {
            expr, target, negated, ..
        } => match target {
            ast::InTarget::List(list) => Expr::InList {
                expr: boxed(expr)?,
                list: list.iter().map(|e| lower_expr(e, scope)).collect::<Result<_>>()?,
                negated: *negated,
                pos,
            },
            ast::InTarget::Subquery(_) => return Err(not_supported(pos, "subqueries (IN (SELECT ...))")),
            other => return Err(not_supported(pos, format!("IN {other}"))),
        },
        ast::Expr::Between {
            expr,
            negated,
            low,
            high,
        } => Expr::Between {
            expr: boxed(expr)?,
            low: boxed(low)?,
            high: boxed(high)?,
            negated: *negated,
            pos,
        },
        ast::Expr::Like {
            negated,
            any,
            expr,
            pattern,
            escape_char,
        } => {
            if *any {
                return Err(not_supported(pos, "LIKE ANY"));
            }
            if escape_char.is_some() {
                return Err(not_supported(pos, "LIKE ... ESCAPE"));
            }
            Expr::Like {
                expr: boxed(expr)?,
                pattern: boxed(pattern)?,
                negated: *negated,
                pos,
            }
        }
        ast::Expr::Function(f) => lower_function(f, scope, pos)?,
        ast::Expr::Subquery(_) | ast::Expr::Exists { .. } => return Err(not_supported(pos, "subqueries")),
        ast::Expr::Case {
            operand,
            conditions,
            else_result,
            ..
        } => {
            let operand = operand.as_deref().map(|o| lower_expr(o, scope)).transpose()?;
            let branches = conditions
                .iter()
                .map(|when| {
                    let condition = lower_expr(&when.condition, scope)?;
                    let condition = match &operand {
                        // `CASE x WHEN v` is `CASE WHEN x = v`.
                        Some(x) => Expr::Binary {
                            op: BinOp::Eq,
                            left: Box::new(x.clone()),
                            right: Box::new(condition),
                            pos: span_pos(&when.condition),
                        },
                        None => condition,
                    };
                    Ok((condition, lower_expr(&when.result, scope)?))
                })
                .collect::<Result<Vec<_>>>()?;
            let otherwise = else_result.as_deref().map(|e| lower_expr(e, scope)).transpose()?;
            Expr::Case {
                branches,
                otherwise: otherwise.map(Box::new),
                pos,
            }
        }
        ast::Expr::Cast {
            kind,
            expr,
            data_type,
            format,
        } => {
            if format.is_some() {
                return Err(not_supported(pos, "CAST ... FORMAT"));
            }
            Expr::Cast {
                expr: boxed(expr)?,
                to: cast_type(data_type, pos)?,
                safe: matches!(kind, ast::CastKind::TryCast | ast::CastKind::SafeCast),
                pos,
            }
        }
        ast::Expr::TypedString(typed) => {
            let ast::Value::SingleQuotedString(text) = &typed.value.value else {
                return Err(not_supported(pos, format!("the literal {e}")));
            };
            Expr::Cast {
                expr: Box::new(Expr::Literal(Literal::Str(text.clone()))),
                to: cast_type(&typed.data_type, pos)?,
                safe: false,
                pos,
            }
        }
        ast::Expr::Substring {
            expr,
            substring_from,
            substring_for,
            ..
        } => {
            let mut args = vec![lower_expr(expr, scope)?];
            args.push(match substring_from {
                Some(from) => lower_expr(from, scope)?,
                None => Expr::Literal(Literal::Int(1)),
            });
            if let Some(count) = substring_for {
                args.push(lower_expr(count, scope)?);
            }
            Expr::Function {
                func: Func::Substr,
                args,
                pos,
            }
        }
        ast::Expr::Trim {
            trim_where,
            trim_what,
            expr,
            trim_characters,
        } => {
            let func = match trim_where {
                None | Some(ast::TrimWhereField::Both) => Func::Trim,
                Some(ast::TrimWhereField::Leading) => Func::Ltrim,
                Some(ast::TrimWhereField::Trailing) => Func::Rtrim,
            };
            let mut args = vec![lower_expr(expr, scope)?];
            match (trim_what, trim_characters.as_deref()) {
                (Some(what), _) => args.push(lower_expr(what, scope)?),
                (None, Some([one])) => args.push(lower_expr(one, scope)?),
                (None, None | Some([])) => {}
                (None, Some(_)) => return Err(wrong_argument_count(func, "trim", 3, pos)),
            }
            Expr::Function { func, args, pos }
        }
        ast::Expr::Ceil { expr, field } | ast::Expr::Floor { expr, field } => {
            let func = if matches!(e, ast::Expr::Ceil { .. }) {
                Func::Ceil
            } else {
                Func::Floor
            };
            if !matches!(field, ast::CeilFloorKind::DateTimeField(ast::DateTimeField::NoDateTime)) {
                return Err(not_supported(pos, format!("{} with a scale or unit", func.name())));
            }
            Expr::Function {
                func,
                args: vec![lower_expr(expr, scope)?],
                pos,
            }
        }
        ast::Expr::Extract { field, expr, .. } => {
            let func = match field {
                ast::DateTimeField::Year => Func::Year,
                ast::DateTimeField::Quarter => Func::Quarter,
                ast::DateTimeField::Month => Func::Month,
                ast::DateTimeField::Day => Func::Day,
                ast::DateTimeField::Hour => Func::Hour,
                ast::DateTimeField::Minute => Func::Minute,
                ast::DateTimeField::Second => Func::Second,
                other => return Err(not_supported(pos, format!("EXTRACT({other} FROM ...)"))),
            };
            Expr::Function {
                func,
                args: vec![lower_expr(expr, scope)?],
                pos,
            }
        }
        ast::Expr::ILike { .. } => return Err(not_supported(pos, "ILIKE")),
        ast::Expr::Wildcard(_) => return Err(sql_error("SYNTAX_ERROR", pos, "'*' is only allowed in count(*)")),
        other => return Err(not_supported(pos, format!("the expression `{other}`"))),
    })
}

fn lower_value(v: &ast::Value, pos: Pos) -> Result<Literal> {
    Ok(match v {
        ast::Value::Number(text, _) if text.contains(['.', 'e', 'E']) => match text.parse::<f64>() {
            Ok(x) => Literal::Float(x),
            Err(_) => {
                return Err(sql_error(
                    "INVALID_LITERAL",
                    pos,
                    format!("Invalid numeric literal: {text}"),
                ))
            }
        },
        ast::Value::Number(text, _) => match text.parse::<i64>() {
            Ok(n) => Literal::Int(n),
            Err(_) => {
                return Err(sql_error(
                    "INVALID_LITERAL",
                    pos,
                    format!("Invalid numeric literal: {text}"),
                ))
            }
        },
        ast::Value::SingleQuotedString(s) => Literal::Str(s.clone()),
        ast::Value::Boolean(b) => Literal::Bool(*b),
        ast::Value::Null => Literal::Null,
        other => return Err(not_supported(pos, format!("the literal {other}"))),
    })
}

/// The Arrow type of a `CAST` target.
fn cast_type(t: &ast::DataType, pos: Pos) -> Result<crate::arrow::datatypes::DataType> {
    sql_type(&t.to_string()).ok_or_else(|| not_supported(pos, format!("the type {t}")))
}

fn lower_function(f: &ast::Function, scope: &Scope, pos: Pos) -> Result<Expr> {
    let name = f.name.to_string().to_lowercase();
    let func = match name.as_str() {
        "count" => AggFunc::Count,
        "sum" => AggFunc::Sum,
        "avg" => AggFunc::Avg,
        "min" => AggFunc::Min,
        "max" => AggFunc::Max,
        _ => return lower_scalar_function(f, &name, scope, pos),
    };
    let rejected = [
        (f.over.is_some(), "window functions (OVER)"),
        (f.filter.is_some(), "FILTER (WHERE ...) on aggregates"),
        (!f.within_group.is_empty(), "WITHIN GROUP"),
        (f.null_treatment.is_some(), "IGNORE / RESPECT NULLS"),
        (f.uses_odbc_syntax, "ODBC function syntax"),
        (
            !matches!(f.parameters, ast::FunctionArguments::None),
            "parametric aggregates",
        ),
    ];
    if let Some((_, what)) = rejected.iter().find(|(present, _)| *present) {
        return Err(not_supported(pos, what));
    }
    let ast::FunctionArguments::List(list) = &f.args else {
        return Err(unexpected_arguments(&name, pos));
    };
    if !list.clauses.is_empty() {
        return Err(not_supported(pos, format!("clauses inside {name}(...)")));
    }
    let distinct = matches!(list.duplicate_treatment, Some(ast::DuplicateTreatment::Distinct));
    let arg = match list.args.as_slice() {
        [ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Wildcard)] if func == AggFunc::Count && !distinct => None,
        [ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e))] => Some(lower_expr(e, scope)?),
        _ => return Err(unexpected_arguments(&name, pos)),
    };
    if let Some(inner) = arg.as_ref().and_then(Expr::first_aggregate) {
        return Err(sql_error(
            "NESTED_AGGREGATION",
            inner.pos(),
            format!("Cannot nest aggregations inside aggregation '{name}'"),
        ));
    }
    if distinct && matches!(func, AggFunc::Sum | AggFunc::Avg) {
        return Err(not_supported(pos, format!("{name}(DISTINCT ...)")));
    }
    // min/max of the distinct values equal min/max of all values.
    let distinct = distinct && func == AggFunc::Count;
    Ok(Expr::Aggregate {
        func,
        arg: arg.map(Box::new),
        distinct,
        pos,
    })
}

/// A call of a scalar function: `upper(name)`, `date_trunc('month', d)`, `if(c, a, b)`.
fn lower_scalar_function(f: &ast::Function, name: &str, scope: &Scope, pos: Pos) -> Result<Expr> {
    let rejected = [
        (f.over.is_some(), "window functions (OVER)"),
        (f.filter.is_some(), "FILTER (WHERE ...) on a scalar function"),
        (!f.within_group.is_empty(), "WITHIN GROUP"),
        (f.null_treatment.is_some(), "IGNORE / RESPECT NULLS"),
        (f.uses_odbc_syntax, "ODBC function syntax"),
        (
            !matches!(f.parameters, ast::FunctionArguments::None),
            "parametric functions",
        ),
    ];
    if let Some((_, what)) = rejected.iter().find(|(present, _)| *present) {
        return Err(not_supported(pos, what));
    }
    let lookup = Func::lookup(name);
    if lookup.is_none() && name != "if" {
        return Err(unknown_function(name, pos));
    }
    let written = match &f.args {
        ast::FunctionArguments::None => Vec::new(),
        ast::FunctionArguments::Subquery(_) => return Err(not_supported(pos, "subqueries")),
        ast::FunctionArguments::List(list) => {
            if !list.clauses.is_empty() || list.duplicate_treatment.is_some() {
                return Err(not_supported(pos, format!("DISTINCT or clauses inside {name}(...)")));
            }
            list.args
                .iter()
                .map(|arg| match arg {
                    ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e)) => Ok(e),
                    other => Err(not_supported(
                        span_pos(other),
                        format!("the argument `{other}` of {name}"),
                    )),
                })
                .collect::<Result<Vec<_>>>()?
        }
    };
    let mut args = written
        .into_iter()
        .map(|e| lower_expr(e, scope))
        .collect::<Result<Vec<_>>>()?;
    let Some((func, min, max)) = lookup else {
        // `if(c, a[, b])`, Athena's and Spark's, is `CASE WHEN c THEN a [ELSE b] END`.
        if !(2..=3).contains(&args.len()) {
            let message = format!(
                "Unexpected parameters ({} arguments) for function if. Expected: if(boolean, T[, T])",
                args.len()
            );
            return Err(sql_error("FUNCTION_NOT_FOUND", pos, message));
        }
        let otherwise = (args.len() == 3).then(|| Box::new(args.remove(2)));
        let result = args.remove(1);
        let condition = args.remove(0);
        return Ok(Expr::Case {
            branches: vec![(condition, result)],
            otherwise,
            pos,
        });
    };
    if args.len() < min || args.len() > max {
        return Err(wrong_argument_count(func, name, args.len(), pos));
    }
    Ok(Expr::Function { func, args, pos })
}

fn unexpected_arguments(name: &str, pos: Pos) -> Error {
    sql_error(
        "FUNCTION_NOT_FOUND",
        pos,
        format!("Unexpected parameters for function {name}: it takes one argument"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(sql: &str) -> String {
        parse(sql).unwrap_err().to_string()
    }

    #[test]
    fn a_statement_that_is_not_a_query_is_named_by_its_verb_as_written() {
        let e = parse("  -- load\n  insert INTO t VALUES (1)").unwrap_err().to_string();
        assert!(
            e.contains("line 2:3") && e.contains("INSERT (only SELECT queries can be run)"),
            "{e}"
        );
        assert!(parse("DELETE FROM t")
            .unwrap_err()
            .to_string()
            .contains("DELETE (only SELECT"));
    }

    #[test]
    fn reads_the_seed_query_with_quoted_names() {
        let q = parse(r#"SELECT * FROM "devices_data_analystics"."devices_integrated_data""#).unwrap();
        let from = q.from.unwrap();
        assert_eq!(from.database.as_deref(), Some("devices_data_analystics"));
        assert_eq!(from.table, "devices_integrated_data");
        assert!(matches!(q.projection.as_slice(), [SelectItem::Wildcard { .. }]));
    }

    #[test]
    fn lowercases_names_and_accepts_qualifiers() {
        let q = parse(r#"SELECT X.Device_ID AS Dev FROM AwsDataCatalog.DB.T AS x WHERE "STATE" = 'on'"#).unwrap();
        assert_eq!(q.from.as_ref().unwrap().table, "t");
        let SelectItem::Expr {
            expr: Expr::Column { name, .. },
            alias,
        } = &q.projection[0]
        else {
            panic!()
        };
        assert_eq!((name.as_str(), alias.as_deref()), ("device_id", Some("dev")));
        let Some(Expr::Binary { left, .. }) = &q.filter else {
            panic!()
        };
        assert!(matches!(left.as_ref(), Expr::Column { name, .. } if name == "state"));
    }

    #[test]
    fn the_keyword_like_column_timestamp_is_a_column() {
        let q = parse("SELECT timestamp FROM t ORDER BY timestamp DESC").unwrap();
        assert!(
            matches!(&q.projection[0], SelectItem::Expr { expr: Expr::Column { name, .. }, .. } if name == "timestamp")
        );
        assert!(q.order_by[0].descending);
    }

    #[test]
    fn a_wrong_qualifier_cannot_be_resolved() {
        assert_eq!(
            err("SELECT y.a FROM t AS x"),
            "InvalidInputException: COLUMN_NOT_FOUND: line 1:8: Column 'y.a' cannot be resolved"
        );
        assert!(err("SELECT t.a FROM t AS x").contains("Column 't.a' cannot be resolved"));
        assert!(parse("SELECT db.t.a FROM db.t").is_ok());
    }

    #[test]
    fn syntax_errors_carry_athena_positions() {
        let e = err("SELECT * FROM t WHERE");
        assert!(
            e.starts_with("InvalidInputException: SYNTAX_ERROR: line 1:22: Expected: an expression"),
            "{e}"
        );
        let e = err("SELECT a b c FROM t");
        assert!(e.starts_with("InvalidInputException: SYNTAX_ERROR: line 1:12: "), "{e}");
        assert!(err("").contains("SYNTAX_ERROR: line 1:1: The query is empty"));
    }

    #[test]
    fn predicates_parse_alone_and_must_end() {
        let e = parse_predicate("state = 'on' AND timestamp > 1609348014").unwrap();
        assert!(matches!(e, Expr::Binary { op: BinOp::And, .. }));
        let e = parse_predicate("a = 1 b").unwrap_err().to_string();
        assert!(
            e.contains("SYNTAX_ERROR: line 1:7: Unexpected b after the expression"),
            "{e}"
        );
        assert!(parse_predicate("count(*) > 1")
            .unwrap_err()
            .to_string()
            .contains("EXPRESSION_NOT_SCALAR"));
        assert!(parse_predicate("t.a = 1")
            .unwrap_err()
            .to_string()
            .contains("Column 't.a' cannot be resolved"));
    }

    #[test]
    fn limit_and_offset() {
        let q = parse("SELECT a FROM t LIMIT 5 OFFSET 2").unwrap();
        assert_eq!((q.limit, q.offset), (Some(5), 2));
        assert!(err("SELECT a FROM t LIMIT -1").contains("SYNTAX_ERROR"));
    }

    #[test]
    fn unsupported_constructs_are_named() {
        let cases = [
            ("SELECT * FROM a JOIN b USING (x)", "JOIN ... USING"),
            ("SELECT * FROM a NATURAL JOIN b", "NATURAL JOIN"),
            ("SELECT * FROM a LEFT SEMI JOIN b ON a.x = b.x", "SEMI JOIN"),
            ("SELECT * FROM (SELECT 1)", "subqueries in FROM"),
            ("SELECT * FROM t WHERE a IN (SELECT a FROM u)", "subqueries"),
            ("SELECT a FROM t UNION SELECT a FROM u", "UNION"),
            ("WITH x AS (SELECT 1) SELECT * FROM x", "WITH"),
            ("SELECT row_number() OVER () FROM t", "window functions"),
            ("SELECT count(*) OVER () FROM t", "window functions"),
            ("SELECT lower(a) OVER () FROM t", "window functions"),
            ("SELECT 1; SELECT 2", "more than one statement"),
            ("DROP TABLE t", "DROP"),
            ("SELECT sum(DISTINCT a) FROM t", "sum(DISTINCT ...)"),
            ("SELECT a & b FROM t", "the operator &"),
            ("SELECT CAST(a AS ARRAY<INT>) FROM t", "the type"),
            ("SELECT current_date", "current_date is not available"),
            ("SELECT now()", "now is not available"),
        ];
        for (sql, what) in cases {
            let e = err(sql);
            assert!(e.contains("NOT_SUPPORTED") && e.contains(what), "{sql}: {e}");
        }
    }

    #[test]
    fn aggregates_are_refused_where_sql_forbids_them() {
        assert!(err("SELECT a FROM t WHERE count(*) > 1").contains("WHERE clause cannot contain aggregations"));
        assert!(err("SELECT a FROM t GROUP BY max(a)").contains("GROUP BY clause cannot contain aggregations"));
        assert!(err("SELECT sum(count(*)) FROM t").contains("NESTED_AGGREGATION"));
        assert!(err("SELECT sum(a, b) FROM t").contains("FUNCTION_NOT_FOUND"));
    }

    #[test]
    fn operator_chains_stop_at_the_named_limit() {
        let chain = |n: usize| vec!["1"; n + 1].join(" + ");
        let sql = format!("SELECT {}", chain(SQL_MAX_DEPTH));
        assert!(parse(&sql).is_ok());
        // Side by side, in arguments and in other clauses, chains do not add up.
        let wide = format!(
            "SELECT {0}, {0}, concat({0}, {0}) FROM t WHERE {0} > 0",
            chain(SQL_MAX_DEPTH - 2)
        );
        assert!(parse(&wide).is_ok(), "{:?}", parse(&wide).err());
        let e = parse(&format!("SELECT {}", chain(50_000))).unwrap_err().to_string();
        assert!(e.contains("SQL_MAX_DEPTH") && e.contains("line 1:"), "{e}");
        let e = parse_predicate(&vec!["a = 1"; 50_000].join(" OR "))
            .unwrap_err()
            .to_string();
        assert!(e.contains("SQL_MAX_DEPTH"), "{e}");
        let e = parse(&format!("SELECT {}1{}", "(".repeat(50_000), ")".repeat(50_000)))
            .unwrap_err()
            .to_string();
        assert!(e.contains("nested too deeply"), "{e}");
    }

    #[test]
    fn negative_literals_are_folded() {
        let q = parse("SELECT -5, -1.5, -a FROM t").unwrap();
        let exprs: Vec<_> = q
            .projection
            .iter()
            .map(|i| match i {
                SelectItem::Expr { expr, .. } => expr.clone(),
                SelectItem::Wildcard { .. } => panic!(),
            })
            .collect();
        assert_eq!(exprs[0], Expr::Literal(Literal::Int(-5)));
        assert_eq!(exprs[1], Expr::Literal(Literal::Float(-1.5)));
        assert!(matches!(exprs[2], Expr::Negate { .. }));
    }
}
