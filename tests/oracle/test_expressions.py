"""gluelab's expression language against Spark SQL, on random well-typed expressions.

A `Filter` or `Map` step holds a SQL expression that gluelab evaluates itself and exports as
`df.filter("...")` / `F.expr("...")`, so on AWS Glue Spark evaluates the very same text. This
suite generates expressions (seeded: `ORACLE_SEED`, `ORACLE_EXPRESSIONS`) in the part of the
language that Spark also speaks (arithmetic, comparisons, three-valued logic, CASE, CAST and
TRY_CAST, coalesce/nullif, string, number and date functions), over one small typed table with
nulls, unicode strings, integer extremes, doubles, dates and timestamps. gluelab evaluates them
through its query box (`gluelab query`, the same evaluator as Filter and Map); Spark 3.5 through
`selectExpr` over the same JSON-lines object read with the same schema. Every row is compared.

A disagreement must be one of `KNOWN`: differences where gluelab follows Athena (Trino) on
purpose, each with its reason, listed with figures in docs/real-engine-oracle.md. Any other one
fails, with the seed and the expression to reproduce it.
"""

import datetime
import json
import math
import os
import random
import re

from conftest import JSON_SERDE, catalog_template, deploy, note, record

SEED = int(os.environ.get("ORACLE_SEED", "14"))
COUNT = int(os.environ.get("ORACLE_EXPRESSIONS", "2000"))
BATCH = 40

COLUMNS = [
    ("id", "bigint"),
    ("i", "int"),
    ("b", "bigint"),
    ("d", "double"),
    ("s", "string"),
    ("u", "string"),
    ("flag", "boolean"),
    ("dt", "date"),
    ("ts", "timestamp"),
]

# One row per tuple, in COLUMNS' order after id; None is a null.
ROWS = [
    (0, 0, 0.0, "abc", "日本語", True, "2024-02-29", "2024-03-10 12:34:56"),
    (1, 2, 1.5, "", "é", False, "1970-01-01", "1970-01-01 00:00:00"),
    (-1, -3, -2.5, " padded ", "ß", True, "1999-12-31", "2024-02-29 23:59:59"),
    (7, 10, 1e300, "Hello World", "😀 emoji", None, "2000-03-01", "2000-01-01 00:00:00.123"),
    (2147483647, 9223372036854775807, -0.5, "123", "İstanbul", True, "2024-12-31", "1999-12-31 23:59:59.999"),
    (-2147483648, -9223372036854775808, 3.14159, "-45", "ｱｲｳ", False, "1900-01-01", "2023-06-15 08:00:00"),
    (None, None, None, None, None, None, None, None),
    (42, 5, 2.0, "3.5", "naïve", True, "2023-01-15", "2024-01-01 00:00:01"),
    (3, 1, 1e-7, "a,b,c", "", False, "2024-01-31", "2023-12-31 23:00:00"),
    (-7, 1000000, -1e10, "2024-02-29", "Ω", True, "2020-02-29", "2020-02-29 12:00:00"),
    (100, -1, 0.1, "x%y_z", "a", None, "1969-12-31", "1969-12-31 23:59:59"),
    (13, 4, 100.25, "ABC", "Ǆ", True, "2021-07-04", "2021-07-04 04:05:06"),
]

# Why the two engines may differ: (name, test over (expression, gluelab's cells or error, Spark's
# values or error), reason). Each test is as narrow as the difference: an error code of gluelab's
# where Spark has values, or cells that differ only in the way named. Every one is gluelab
# following Athena (Trino) where Spark SQL, as Glue 4/5 run it (ANSI mode off), does otherwise,
# but the last, a simplification of gluelab's own; docs/real-engine-oracle.md lists them with sources.


def _error(code):
    return lambda expr, ours, real: isinstance(ours, Exception) and code in str(ours) and not isinstance(real, Exception)


def _cells(expr_test, cell_test, rows=None):
    """The expression passes `expr_test` and every row that differs passes `cell_test` (and is
    one of `rows`, when given)."""

    def applies(expr, ours, real):
        if isinstance(ours, Exception) or isinstance(real, Exception) or not expr_test(expr):
            return False
        differing = [
            (k, o, r) for k, (o, r) in enumerate(zip(ours, real)) if not same(gluelab_value(o, spark_value(r)), spark_value(r))
        ]
        return bool(differing) and all(cell_test(o, r) and (rows is None or k in rows) for k, o, r in differing)

    return applies


def _number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _numbers(o, r):
    return _number(o) is not None and isinstance(r, (int, float))


def _division(o, r):
    # x / 0.0 is Infinity or NaN in Athena (IEEE 754), so is x % 0.0, and what is computed from
    # them; Spark gives NULL. Integer / integer is an integer in Athena, a double in Spark.
    return (r is None and o is not None) or _numbers(o, r)


def _has(*names):
    return lambda x: any(n in x for n in names)


def _substr_from_zero_or_before(x):
    return "substr(" in x and re.search(r", (?:0|-\d+)[,)]", x) is not None


def _casts_a_double_to_an_integer(x):
    return re.search(r"CAST\(.*(?:\de0|\bd\b|1e10|DOUBLE).* AS (?:BIGINT|INT)\)", x) is not None


# The rows whose INT column holds the extremes (2147483647, -2147483648).
INT_EXTREMES = {4, 5}


KNOWN = [
    ("a bad CAST fails in Athena, is NULL in Spark", _error("INVALID_CAST_ARGUMENT"),
     "Athena's CAST fails on a value it cannot convert (TRY_CAST gives NULL); Spark with ANSI mode off gives NULL for both"),
    ("division by zero fails in Athena, is NULL in Spark", _error("DIVISION_BY_ZERO"),
     "Athena fails on x / 0 and x % 0 for integers; Spark gives NULL"),
    ("integer overflow fails in Athena, wraps in Spark", _error("NUMERIC_VALUE_OUT_OF_RANGE"),
     "Athena fails when integer arithmetic overflows (- -9223372036854775808, abs of it); Spark wraps around"),
    ("division", _cells(_has("/", "%"), _division),
     "Athena divides integers as integers (7 / 2 = 3) and doubles by IEEE 754 (1.5 / 0.0 = Infinity, 0.0 / 0.0 = NaN); "
     "Spark's / always gives a double, and NULL for a zero divisor"),
    ("CAST(double AS integer) rounds", _cells(_casts_a_double_to_an_integer, lambda o, r: True),
     "Trino rounds half away from zero when it casts 1.5 to an integer (2); Spark truncates (1)"),
    ("floor/ceil of a double", _cells(_has("floor(", "ceil("), lambda o, r: True),
     "Athena's floor and ceil of a double are doubles (1e300, shown 100.0); Spark's are bigints, saturated at their range (100)"),
    ("substr from 0 or before the start", _cells(_substr_from_zero_or_before, lambda o, r: True),
     "Athena's substr from position 0, or from further back than the string is long, is ''; Spark reads 0 as 1 and "
     "clamps a start before the string to its first character"),
    ("split_part past the last field", _cells(_has("split_part("), lambda o, r: True),
     "Athena's split_part past the last field is NULL; Spark's is '' (and so differs what is computed from it)"),
    ("to_timestamp of a bare number", lambda x, ours, real: "to_timestamp(" in x and isinstance(real, Exception)
     and "out of range" in str(real) and not isinstance(ours, Exception),
     "Spark reads to_timestamp('123123') as the year 123123, which Python cannot hold, so the oracle cannot collect "
     "it; gluelab gives NULL"),
    ("INT arithmetic", _cells(lambda x: re.search(r"\bi\b", x) is not None, lambda o, r: True, rows=INT_EXTREMES),
     "gluelab computes all integer arithmetic as BIGINT; Spark's INT * INT is an INT that wraps around (Athena's fails on overflow)"),
]


def table_rows():
    names = [n for n, _ in COLUMNS]
    return [dict(zip(names, (row_id, *values))) for row_id, values in enumerate(ROWS)]


# ---------------------------------------------------------------------------------------------
# The generator: an expression of a wanted type, depth-limited.


class Gen:
    def __init__(self, rng):
        self.rng = rng

    def pick(self, options):
        return self.rng.choice(options)

    def expr(self, kind, depth=3):
        if depth <= 0 or self.rng.random() < 0.25:
            return self.leaf(kind)
        return getattr(self, kind)(depth - 1)

    def leaf(self, kind):
        r = self.rng
        if kind == "int":
            return r.choice(["i", "b", "i", "b", str(r.choice([0, 1, 2, 3, 7, 10, 100])), "-1"])
        if kind == "double":
            return r.choice(["d", "d", "1.5e0", "-0.25e0", "2e0", "1e10", "CAST(i AS DOUBLE)"])
        if kind == "string":
            return r.choice(["s", "u", "s", "u", "'abc'", "''", "'é'", "'A b'"])
        if kind == "boolean":
            return r.choice(["flag", "flag", "TRUE", "FALSE", "i > 0", "s = 'abc'"])
        if kind == "date":
            return r.choice(["dt", "dt", "DATE '2024-01-31'", "DATE '2000-02-29'"])
        if kind == "timestamp":
            return r.choice(["ts", "ts", "TIMESTAMP '2024-01-31 10:20:30'"])
        raise ValueError(kind)

    def small(self):
        return str(self.rng.choice([0, 1, 2, 3, 5, -1]))

    def int(self, depth):
        e, p = self.expr, self.pick
        forms = [
            lambda: f"({e('int', depth)} {p(['+', '-', '*'])} {e('int', depth)})",
            lambda: f"({e('int', depth)} % {e('int', depth)})",
            lambda: f"(- {e('int', depth)})",
            lambda: f"abs({e('int', depth)})",
            lambda: f"length({e('string', depth)})",
            lambda: f"{p(['year', 'month', 'day', 'quarter'])}({e('date', depth)})",
            lambda: f"{p(['hour', 'minute', 'second'])}({e('timestamp', depth)})",
            lambda: f"CAST({e('double', depth)} AS BIGINT)",
            lambda: f"CAST({e('string', depth)} AS {p(['INT', 'BIGINT'])})",
            lambda: f"TRY_CAST({e('string', depth)} AS BIGINT)",
            lambda: f"CAST({e('int', depth)} AS INT)",
            lambda: f"{p(['floor', 'ceil'])}({e('double', depth)})",
            lambda: f"CASE WHEN {e('boolean', depth)} THEN {e('int', depth)} ELSE {e('int', depth)} END",
            lambda: f"coalesce({e('int', depth)}, {e('int', depth)})",
            lambda: f"nullif({e('int', depth)}, {e('int', depth)})",
            lambda: f"datediff({e('date', depth)}, {e('date', depth)})",
        ]
        return p(forms)()

    def double(self, depth):
        e, p = self.expr, self.pick
        forms = [
            lambda: f"({e('double', depth)} {p(['+', '-', '*'])} {e('double', depth)})",
            lambda: f"({e('double', depth)} / {e('double', depth)})",
            lambda: f"({e('int', depth)} / {e('int', depth)})",
            lambda: f"({e('double', depth)} {p(['+', '*'])} {e('int', depth)})",
            lambda: f"round({e('double', depth)}, {p(['0', '1', '2'])})",
            lambda: f"abs({e('double', depth)})",
            lambda: f"CAST({e('int', depth)} AS DOUBLE)",
            lambda: f"CAST({e('string', depth)} AS DOUBLE)",
            lambda: f"CASE WHEN {e('boolean', depth)} THEN {e('double', depth)} ELSE {e('double', depth)} END",
            lambda: f"coalesce({e('double', depth)}, {e('double', depth)})",
        ]
        return p(forms)()

    def string(self, depth):
        e, p = self.expr, self.pick
        forms = [
            lambda: f"{p(['upper', 'lower', 'trim', 'ltrim', 'rtrim'])}({e('string', depth)})",
            lambda: f"concat({e('string', depth)}, {e('string', depth)})",
            lambda: f"({e('string', depth)} || {e('string', depth)})",
            lambda: f"substr({e('string', depth)}, {self.small()}, {p(['1', '2', '3'])})",
            lambda: f"substr({e('string', depth)}, {p(['1', '2', '-2'])})",
            lambda: f"replace({e('string', depth)}, {p([repr('a'), repr('b'), repr(' ')])}, 'x')",
            lambda: f"{p(['lpad', 'rpad'])}({e('string', depth)}, {p(['0', '2', '5'])}, '*')",
            lambda: f"split_part({e('string', depth)}, ',', {p(['1', '2', '3'])})",
            lambda: f"CAST({e('int', depth)} AS STRING)",
            lambda: f"CAST({e('date', depth)} AS STRING)",
            lambda: f"CAST({e('boolean', depth)} AS STRING)",
            lambda: f"date_format({e('timestamp', depth)}, {p([repr('yyyy-MM-dd'), repr('yyyy-MM-dd HH:mm:ss'), repr('MM/dd/yyyy')])})",
            lambda: f"CASE WHEN {e('boolean', depth)} THEN {e('string', depth)} ELSE {e('string', depth)} END",
            lambda: f"CASE {e('int', depth)} WHEN 0 THEN 'zero' WHEN 1 THEN 'one' ELSE {e('string', depth)} END",
            lambda: f"coalesce({e('string', depth)}, {e('string', depth)})",
            lambda: f"nullif({e('string', depth)}, {e('string', depth)})",
        ]
        return p(forms)()

    def boolean(self, depth):
        e, p = self.expr, self.pick
        ops = ["=", "<>", "<", "<=", ">", ">="]
        forms = [
            lambda: f"({e('int', depth)} {p(ops)} {e('int', depth)})",
            lambda: f"({e('double', depth)} {p(ops)} {e('double', depth)})",
            lambda: f"({e('string', depth)} {p(ops)} {e('string', depth)})",
            lambda: f"({e('date', depth)} {p(ops)} {e('date', depth)})",
            lambda: f"({e('timestamp', depth)} {p(ops)} {e('timestamp', depth)})",
            lambda: f"({e('boolean', depth)} {p(['AND', 'OR'])} {e('boolean', depth)})",
            lambda: f"(NOT {e('boolean', depth)})",
            lambda: f"({e(p(['int', 'string', 'date']), depth)} IS {p(['', 'NOT '])}NULL)",
            lambda: f"({e('int', depth)} {p(['', 'NOT '])}BETWEEN {e('int', depth)} AND {e('int', depth)})",
            lambda: f"({e('int', depth)} {p(['', 'NOT '])}IN (0, 1, 7, {e('int', depth)}))",
            lambda: f"({e('string', depth)} {p(['', 'NOT '])}LIKE {p([repr('a%'), repr('%b_'), repr('%'), repr('_'), repr('A%C')])})",
            lambda: f"regexp_like({e('string', depth)}, {p([repr('^[a-z]+$'), repr('[0-9]'), repr('^$'), repr('^.$'), repr('(?i)^a'), repr('(?i)ǆ')])})",
        ]
        return p(forms)()

    def date(self, depth):
        e, p = self.expr, self.pick
        forms = [
            lambda: f"date_add({e('date', depth)}, {p(['1', '-1', '30', '366'])})",
            lambda: f"date_sub({e('date', depth)}, {p(['1', '31'])})",
            lambda: f"CAST({e('timestamp', depth)} AS DATE)",
            lambda: f"CAST({e('string', depth)} AS DATE)",
            lambda: f"to_date({e('string', depth)})",
            lambda: f"CASE WHEN {e('boolean', depth)} THEN {e('date', depth)} ELSE {e('date', depth)} END",
            lambda: f"coalesce({e('date', depth)}, {e('date', depth)})",
        ]
        return p(forms)()

    def timestamp(self, depth):
        e, p = self.expr, self.pick
        forms = [
            lambda: f"CAST({e('date', depth)} AS TIMESTAMP)",
            lambda: f"to_timestamp({e('string', depth)})",
            lambda: f"date_trunc({p([repr('month'), repr('day'), repr('hour'), repr('year')])}, {e('timestamp', depth)})",
            lambda: f"CASE WHEN {e('boolean', depth)} THEN {e('timestamp', depth)} ELSE {e('timestamp', depth)} END",
        ]
        return p(forms)()


def expressions(seed, count):
    rng = random.Random(seed)
    gen = Gen(rng)
    kinds = ["int", "double", "string", "boolean", "date", "timestamp"]
    out = []
    while len(out) < count:
        text = gen.expr(rng.choice(kinds), depth=rng.choice([1, 2, 3]))
        if text not in out:
            out.append(text)
    return out


# ---------------------------------------------------------------------------------------------
# Values: each side's cell as one comparable value.


def spark_value(v):
    """A value Spark returned, in the shape gluelab's cells are compared in."""
    if v is None:
        return None
    if isinstance(v, bool):
        return ("bool", v)
    if isinstance(v, int):
        return ("num", float(v), v)
    if isinstance(v, float):
        return ("num", v, None)
    if isinstance(v, datetime.datetime):
        return ("ts", v.replace(tzinfo=None))
    if isinstance(v, datetime.date):
        return ("date", v)
    return ("str", str(v))


def parse_timestamp(text):
    for fmt in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.datetime.strptime(text, fmt)
        except ValueError:
            pass
    return None


def gluelab_value(text, like):
    """gluelab's cell text read as the kind of value Spark gave (or as text)."""
    if text is None:
        return None
    kind = like[0] if like else "str"
    if kind == "bool":
        return ("bool", text == "true") if text in ("true", "false") else ("str", text)
    if kind == "num":
        try:
            f = float(text)
        except ValueError:
            return ("str", text)
        try:
            exact = int(text)
        except ValueError:
            exact = None
        return ("num", f, exact)
    if kind == "ts":
        t = parse_timestamp(text)
        return ("ts", t) if t else ("str", text)
    if kind == "date":
        try:
            return ("date", datetime.date.fromisoformat(text))
        except ValueError:
            return ("str", text)
    return ("str", text)


def same(ours, real):
    if ours is None or real is None:
        return ours is None and real is None
    if ours[0] != real[0]:
        return False
    if ours[0] == "num":
        if ours[2] is not None and real[2] is not None:
            return ours[2] == real[2]
        a, b = ours[1], real[1]
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b or math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300)
    return ours[1] == real[1]


def shown(v):
    if v is None:
        return "NULL"
    if v[0] == "num":
        return repr(v[2] if v[2] is not None else v[1])
    return str(v[1])


# ---------------------------------------------------------------------------------------------
# The two engines.


def template(bucket):
    return catalog_template(bucket, "oracle", [("t", COLUMNS, "t", JSON_SERDE, {}, {})])


class Gluelab:
    def __init__(self, cli):
        self.cli = cli

    def select(self, exprs):
        """{expression: [cell text per row]} or raises with gluelab's message."""
        items = ", ".join(f"{x} AS e{k}" for k, x in enumerate(exprs))
        done = self.cli.run("--output", "json", "query", f"SELECT {items} FROM oracle.t ORDER BY id", check=False)
        if done.returncode != 0:
            raise RuntimeError((done.stderr or done.stdout).strip().splitlines()[-1] if (done.stderr or done.stdout).strip() else "failed")
        rows = json.loads(done.stdout)["Rows"]
        return {x: [row[k] for row in rows] for k, x in enumerate(exprs)}

    def each(self, exprs):
        """Like select, one expression at a time when the batch fails: {expr: cells or error}."""
        try:
            return self.select(exprs)
        except RuntimeError as e:
            if len(exprs) == 1:
                return {exprs[0]: e}
            half = len(exprs) // 2
            return {**self.each(exprs[:half]), **self.each(exprs[half:])}


class Spark:
    def __init__(self, spark, path):
        from pyspark.sql.types import (
            BooleanType, DateType, DoubleType, IntegerType, LongType, StringType, StructField, StructType, TimestampType,
        )

        types = {"bigint": LongType(), "int": IntegerType(), "double": DoubleType(), "string": StringType(),
                 "boolean": BooleanType(), "date": DateType(), "timestamp": TimestampType()}
        schema = StructType([StructField(n, types[t]) for n, t in COLUMNS])
        self.df = spark.read.schema(schema).json(str(path)).orderBy("id").cache()
        self.df.count()

    def each(self, exprs):
        try:
            rows = self.df.selectExpr(*[f"{x} AS e{k}" for k, x in enumerate(exprs)]).collect()
            return {x: [row[k] for row in rows] for k, x in enumerate(exprs)}
        except Exception as e:  # noqa: BLE001 - an analysis or runtime error of Spark's
            if len(exprs) == 1:
                return {exprs[0]: RuntimeError(str(e).splitlines()[0])}
            half = len(exprs) // 2
            return {**self.each(exprs[:half]), **self.each(exprs[half:])}


def known_reason(expr, ours, real):
    for name, applies, _reason in KNOWN:
        if applies(expr, ours, real):
            return name
    return None


def test_expressions_evaluate_as_spark_sql_does(cli_in, spark):
    cli = cli_in("expressions")
    bucket = "oracle-expressions"
    folder = deploy(cli, "expressions", template(bucket))
    data = folder / "t.json"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in table_rows()))
    cli.run("s3", "cp", str(data), f"s3://{bucket}/t/t.json")

    ours_engine, real_engine = Gluelab(cli), Spark(spark, data)
    # The table itself first: both readers must see the same rows, or nothing below means much.
    base = [n for n, _ in COLUMNS]
    exprs = base + expressions(SEED, COUNT)
    new = []
    for start in range(0, len(exprs), BATCH):
        chunk = exprs[start : start + BATCH]
        ours_all, real_all = ours_engine.each(chunk), real_engine.each(chunk)
        for x in chunk:
            ours, real = ours_all[x], real_all[x]
            if isinstance(ours, Exception) or isinstance(real, Exception):
                agreed = isinstance(ours, Exception) and isinstance(real, Exception)
                ours_shown = f"error: {ours}" if isinstance(ours, Exception) else [shown(gluelab_value(c, None)) for c in ours]
                real_shown = f"error: {real}" if isinstance(real, Exception) else [shown(spark_value(v)) for v in real]
                bad_rows = None
            else:
                real_values = [spark_value(v) for v in real]
                ours_values = [gluelab_value(c, r) for c, r in zip(ours, real_values)]
                bad_rows = [k for k, (o, r) in enumerate(zip(ours_values, real_values)) if not same(o, r)]
                agreed = not bad_rows
                ours_shown = {k: shown(ours_values[k]) for k in bad_rows}
                real_shown = {k: shown(real_values[k]) for k in bad_rows}
            known = None if agreed else known_reason(x, ours, real)
            kind = "table" if x in base else "expressions"
            record("expressions", agreed, case=f"seed {SEED}: {x}", real=real_shown, gluelab=ours_shown, known=known)
            if not agreed and not known:
                new.append((kind, x, real_shown, ours_shown))
    note("expressions", f"seed {SEED}: {len(exprs) - len(base)} generated expressions over {len(ROWS)} rows")
    assert not [n for n in new if n[0] == "table"], f"the readers disagree on the table itself: {new}"
    assert not new, f"{len(new)} expressions differ from Spark SQL (seed {SEED}); first: {new[:5]}"
