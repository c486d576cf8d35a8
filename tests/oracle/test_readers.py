"""gluelab's CSV and JSON-lines readers against Spark's, on the same bytes.

Each case is one small file and the options a table gives its reader: a catalog table deployed
with `gluelab cloudformation deploy` (columns, SerDe, `field.delim`, `skip.header.line.count`,
`serialization.encoding`, the `multiLine` table parameter), the file put under it with
`gluelab s3 cp`, and its rows read back with `gluelab query` (which reads a table as a job's
source does, PERMISSIVE). Spark 3.5 reads the same file with the same declared schema and the
equivalent `spark.read` options (header, sep, quote, escape, encoding, multiLine; PERMISSIVE).
The rows are compared as sorted multisets.

Then the parse modes: each file is read again by a script job (`glue create-job`,
`start-job-run`) whose catalog source takes Spark's `mode` (`additional_options`), writing its
frame as JSON lines to S3, and by Spark in the same mode: DROPMALFORMED (which rows survive),
FAILFAST (whether the read fails; gluelab's failure must name the object and the line Spark's
first corrupt record is on) and PERMISSIVE with `_corrupt_record` declared in Spark's schema
(the raw text kept per row; gluelab adds the column itself when a record is malformed).

A disagreement must be one of `KNOWN`, each with its reason (docs/real-engine-oracle.md); any
other fails.
"""

import json

from conftest import JSON_SERDE, catalog_template, deploy, note, record
from test_expressions import gluelab_value, shown, spark_value

COLUMNS = [("id", "bigint"), ("name", "string"), ("amount", "double")]
BUCKET = "oracle-readers"

LAZY = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
OPEN_CSV = "org.apache.hadoop.hive.serde2.OpenCSVSerde"

SHIFT_JIS = "1,東京,2.5\n2,大阪,3\n".encode("shift_jis")

# (name, format, file bytes, SerDe library, SerDe parameters, table parameters, Spark options)
CASES = [
    ("csv-plain", "csv", b"1,ann,2.5\n2,bob,3\n", LAZY, {"field.delim": ","}, {}, {}),
    ("csv-header", "csv", b"id,name,amount\n1,ann,2.5\n", LAZY, {"field.delim": ","},
     {"skip.header.line.count": "1"}, {"header": "true"}),
    ("csv-semicolon", "csv", b"1;ann;2.5\n2;bob;3\n", LAZY, {"field.delim": ";"}, {}, {"sep": ";"}),
    ("csv-tab", "csv", b"1\tann\t2.5\n", LAZY, {"field.delim": "\t"}, {}, {"sep": "\t"}),
    ("csv-quoted-separator", "csv", b'1,"ann, jr",2.5\n2,"",3\n', OPEN_CSV,
     {"separatorChar": ",", "quoteChar": '"'}, {}, {}),
    ("csv-backslash-escape", "csv", b'1,"say \\"hi\\"",2.5\n', OPEN_CSV,
     {"separatorChar": ",", "quoteChar": '"', "escapeChar": "\\"}, {}, {"escape": "\\"}),
    ("csv-single-quote", "csv", b"1,'a,b',2.5\n", OPEN_CSV, {"separatorChar": ",", "quoteChar": "'"}, {},
     {"quote": "'"}),
    ("csv-quoted-line-break", "csv", b'1,"two\nlines",2.5\n2,bob,3\n', OPEN_CSV,
     {"separatorChar": ",", "quoteChar": '"'}, {"multiLine": "true"}, {"multiLine": "true"}),
    ("csv-quoted-crlf-multiline", "csv", b'1,"two\r\nlines",2.5\r\n2,bob,3\r\n', OPEN_CSV,
     {"separatorChar": ",", "quoteChar": '"'}, {"multiLine": "true"}, {"multiLine": "true"}),
    ("csv-multiline-type-mismatch", "csv", b'1,"two\nlines",zz\n2,bob,3\n', OPEN_CSV,
     {"separatorChar": ",", "quoteChar": '"'}, {"multiLine": "true"}, {"multiLine": "true"}),
    ("csv-quoted-line-break-no-multiline", "csv", b'1,"two\nlines",2.5\n2,bob,3\n', OPEN_CSV,
     {"separatorChar": ",", "quoteChar": '"'}, {}, {}),
    ("csv-quoted-line-breaks-no-multiline", "csv", b'1,"a\nb\nc",2.5\n2,"x\r\n",3\n', OPEN_CSV,
     {"separatorChar": ",", "quoteChar": '"'}, {"multiLine": "false"}, {}),
    ("csv-quote-open-at-the-end", "csv", b'1,bob,"3\n2,x,4', OPEN_CSV,
     {"separatorChar": ",", "quoteChar": '"'}, {}, {}),
    ("csv-crlf", "csv", b"1,ann,2.5\r\n2,bob,3\r\n", LAZY, {"field.delim": ","}, {}, {}),
    ("csv-blank-lines", "csv", b"1,ann,2.5\n\n2,bob,3\n\n", LAZY, {"field.delim": ","}, {}, {}),
    ("csv-bom", "csv", b"\xef\xbb\xbf1,ann,2.5\n2,bob,3\n", LAZY, {"field.delim": ","}, {}, {}),
    ("csv-type-mismatch", "csv", b"x,ann,2.5\n2,bob,zz\n3,cy,4\n", LAZY, {"field.delim": ","}, {}, {}),
    ("csv-ragged", "csv", b"1,ann\n2,bob,3,extra\n3,cy,4\n", LAZY, {"field.delim": ","}, {}, {}),
    ("csv-empty-fields", "csv", b"1,,\n,bob,3\n", LAZY, {"field.delim": ","}, {}, {}),
    ("csv-shift-jis-declared", "csv", SHIFT_JIS, LAZY, {"field.delim": ",", "serialization.encoding": "Shift_JIS"},
     {}, {"encoding": "Shift_JIS"}),
    ("csv-shift-jis-as-utf-8", "csv", SHIFT_JIS, LAZY, {"field.delim": ","}, {}, {}),
    ("csv-invalid-utf-8", "csv", b"1,a\xffb,2.5\n2,bob,3\n", LAZY, {"field.delim": ","}, {}, {}),
    ("json-plain", "json", b'{"id":1,"name":"ann","amount":2.5}\n{"id":2,"name":"bob","amount":3}\n',
     JSON_SERDE, {}, {}, {}),
    ("json-missing-and-extra", "json", b'{"id":1}\n{"id":2,"name":"bob","amount":3,"x":true}\n',
     JSON_SERDE, {}, {}, {}),
    ("json-blank-lines-crlf", "json", b'{"id":1,"name":"ann","amount":2.5}\r\n\r\n{"id":2,"name":"bob","amount":3}\r\n',
     JSON_SERDE, {}, {}, {}),
    ("json-bom", "json", b'\xef\xbb\xbf{"id":1,"name":"ann","amount":2.5}\n', JSON_SERDE, {}, {}, {}),
    ("json-number-as-string", "json", b'{"id":"1","name":"ann","amount":"2.5"}\n', JSON_SERDE, {}, {}, {}),
    ("json-string-as-number", "json", b'{"id":1,"name":7,"amount":2.5}\n', JSON_SERDE, {}, {}, {}),
    ("json-broken-line", "json", b'{"id":1,"name":"ann","amount":2.5}\n{"id":2,\n', JSON_SERDE, {}, {}, {}),
    ("json-unicode-escapes", "json", b'{"id":1,"name":"\\u6771\\u4eac \\ud83d\\ude00","amount":-0.0}\n',
     JSON_SERDE, {}, {}, {}),
]

# Differences where gluelab does otherwise (on purpose, or not yet modelled): (name, case names,
# reason).
KNOWN = [
    (
        "text in another encoding read as UTF-8",
        {"csv-shift-jis-as-utf-8", "csv-invalid-utf-8"},
        "gluelab refuses a record that is not UTF-8 (a null row with the reason, naming the "
        "encoding it looks like), where Spark decodes it with U+FFFD and keeps the ASCII fields",
    ),
]


def known_reason(case):
    """The KNOWN difference `case` is one of; a mode's case (`name@MODE`) is one when its file
    is, or when it is listed itself."""
    for name, cases, _reason in KNOWN:
        if case in cases or case.split("@")[0] in cases:
            return name
    return None


def template():
    tables = [
        (table_name(name), COLUMNS, name, serde, serde_params, {"classification": fmt, **params})
        for name, fmt, _body, serde, serde_params, params, _spark in CASES
    ]
    return catalog_template(BUCKET, "readers", tables)


def table_name(case):
    return case.replace("-", "_")


def spark_rows(spark, path, fmt, options, mode="PERMISSIVE", corrupt=False):
    from pyspark.sql.types import DoubleType, LongType, StringType, StructField, StructType

    types = {"bigint": LongType(), "string": StringType(), "double": DoubleType()}
    columns = COLUMNS + ([(CORRUPT, "string")] if corrupt else [])
    schema = StructType([StructField(n, types[t]) for n, t in columns])
    reader = spark.read.schema(schema).option("mode", mode)
    for key, value in options.items():
        reader = reader.option(key, value)
    df = reader.json(str(path)) if fmt == "json" else reader.csv(str(path))
    return [[spark_value(v) for v in row] for row in df.collect()]


def gluelab_rows(cli, case):
    names = ", ".join(n for n, _ in COLUMNS)
    done = cli.run("--output", "json", "query", f"SELECT {names} FROM readers.{table_name(case)}", check=False)
    if done.returncode != 0:
        return RuntimeError((done.stderr or done.stdout).strip().splitlines()[-1])
    return [[gluelab_value(c, LIKE[k]) for k, c in enumerate(row)] for row in json.loads(done.stdout)["Rows"]]


def as_multiset(rows):
    return sorted(json.dumps([shown(v) for v in row], ensure_ascii=False) for row in rows)


# The kind of value each column's cells are read as (gluelab prints every cell as text).
LIKE = [("num", 0.0, 0), ("str", ""), ("num", 0.0, None)]


def test_the_readers_read_each_file_as_sparks_do(cli_in, spark):
    cli = cli_in("readers")
    folder = deploy(cli, "readers", template())
    new = []
    for name, fmt, body, _serde, _serde_params, _params, options in CASES:
        path = folder / name / f"data.{fmt}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
        cli.run("s3", "cp", str(path), f"s3://{BUCKET}/{name}/data.{fmt}")
        real = spark_rows(spark, path, fmt, options)
        ours = gluelab_rows(cli, name)
        if isinstance(ours, Exception):
            agreed, ours_shown = False, f"error: {ours}"
        else:
            agreed = as_multiset(ours) == as_multiset(real)
            ours_shown = as_multiset(ours)
        known = None if agreed else known_reason(name)
        record("readers", agreed, case=name, real=as_multiset(real), gluelab=ours_shown, known=known)
        if not agreed and not known:
            new.append((name, as_multiset(real), ours_shown))
    note("readers", f"{len(CASES)} files (CSV and JSON lines) read by both, schema declared, PERMISSIVE")
    assert not new, f"{len(new)} files read differently from Spark; first: {new[:3]}"


# ---------------------------------------------------------------------------------------------
# The parse modes, through a script job.

CORRUPT = "_corrupt_record"
OUT = "oracle-readers-out"
MODES = ["DROPMALFORMED", "FAILFAST", "PERMISSIVE+corrupt"]

MODE_SCRIPT = """import sys
from awsglue.utils import getResolvedOptions
from awsglue.context import GlueContext
from awsglue.job import Job
from pyspark.context import SparkContext

args = getResolvedOptions(sys.argv, ["JOB_NAME", "table", "mode"])
glueContext = GlueContext(SparkContext())
job = Job(glueContext)
job.init(args["JOB_NAME"], args)
frame = glueContext.create_dynamic_frame.from_catalog(
    database="readers", table_name=args["table"], additional_options={"mode": args["mode"]}
)
glueContext.write_dynamic_frame.from_options(
    frame=frame,
    connection_type="s3",
    connection_options={"path": f"s3://oracle-readers-out/{args['table']}/{args['mode']}/"},
    format="json",
)
job.commit()
"""

# The kind of value of `_corrupt_record`'s cells.
LIKE_CORRUPT = LIKE + [("str", "")]


def cell_text(v):
    if v is None or isinstance(v, str):
        return v
    return repr(v) if isinstance(v, float) else str(v)


def spark_side(spark, path, fmt, options, mode):
    """Spark's rows, or "fails"."""
    spark_mode, corrupt = mode.split("+")[0], mode.endswith("+corrupt")
    try:
        return spark_rows(spark, path, fmt, options, spark_mode, corrupt)
    except Exception:  # noqa: BLE001 (py4j's and pyspark's errors alike)
        return "fails"


def first_corrupt_line(spark, path, fmt, options, body):
    """The 1-based line of the first record Spark keeps a `_corrupt_record` for."""
    rows = spark_rows(spark, path, fmt, options, "PERMISSIVE", True)
    text = body.decode("utf-8", "replace").lstrip("\ufeff")
    for row in rows:
        raw = row[3] and row[3][1]
        if raw and raw in text:
            return text[: text.index(raw)].count("\n") + 1
    return None


def gluelab_side(cli, case, mode):
    """gluelab's rows (columns id, name, amount and, in PERMISSIVE, `_corrupt_record`), or
    ("fails", its error detail)."""
    table, glue_mode = table_name(case), mode.split("+")[0]
    started = cli.json(
        "glue", "start-job-run", "--job-name", "modes",
        "--arguments", json.dumps({"--table": table, "--mode": glue_mode}),
    )
    got = cli.json("glue", "get-job-run", "--job-name", "modes", "--run-id", started["JobRunId"])
    if got["JobRun"]["JobRunState"] != "SUCCEEDED":
        detail = (got.get("Gluelab") or {}).get("ErrorDetail") or {}
        return "fails", {**detail, "ErrorMessage": got["JobRun"].get("ErrorMessage")}
    prefix = f"s3://{OUT}/{table}/{glue_mode}/"
    listed = cli.run("s3", "ls", "--recursive", prefix, check=False).stdout.split("\n")
    rows = []
    names = [n for n, _ in COLUMNS] + ([CORRUPT] if mode.endswith("+corrupt") else [])
    for line in filter(None, listed):
        key = line.split()[-1]
        body = cli.run("s3", "cp", f"s3://{OUT}/{key}", "-").stdout
        for record in filter(None, body.split("\n")):
            value = json.loads(record)
            rows.append([gluelab_value(cell_text(value.get(n)), LIKE_CORRUPT[k]) for k, n in enumerate(names)])
    return rows, None


def test_the_parse_modes_drop_fail_and_keep_corrupt_records_as_sparks_do(cli_in, spark):
    cli = cli_in("modes")
    folder = deploy(cli, "readers", template())
    cli.run("s3", "mb", f"s3://{OUT}")
    cli.run("s3", "mb", "s3://oracle-readers-scripts")
    (folder / "modes.py").write_text(MODE_SCRIPT)
    cli.run("s3", "cp", str(folder / "modes.py"), "s3://oracle-readers-scripts/modes.py")
    cli.run(
        "glue", "create-job", "--name", "modes", "--role", "arn:aws:iam::123456789012:role/Glue",
        "--command", json.dumps({"Name": "glueetl", "ScriptLocation": "s3://oracle-readers-scripts/modes.py"}),
    )
    new = []
    figures = {mode: [0, 0] for mode in MODES}
    for name, fmt, body, _serde, _serde_params, _params, options in CASES:
        path = folder / name / f"data.{fmt}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
        uri = f"s3://{BUCKET}/{name}/data.{fmt}"
        cli.run("s3", "cp", str(path), uri)
        for mode in MODES:
            real = spark_side(spark, path, fmt, options, mode)
            ours, detail = gluelab_side(cli, name, mode)
            if real == "fails" or ours == "fails":
                line = first_corrupt_line(spark, path, fmt, options, body) if real == "fails" else None
                agreed = real == ours and detail.get("Object") == uri and detail.get("Line") == line
                real_shown = f"fails (first corrupt record on line {line})" if real == "fails" else as_multiset(real)
                ours_shown = f"fails: {detail}" if ours == "fails" else as_multiset(ours)
            else:
                agreed = as_multiset(ours) == as_multiset(real)
                real_shown, ours_shown = as_multiset(real), as_multiset(ours)
            case = f"{name}@{mode}"
            figures[mode][0] += 1
            figures[mode][1] += agreed
            known = None if agreed else known_reason(case)
            record("readers", agreed, case=case, real=real_shown, gluelab=ours_shown, known=known)
            if not agreed and not known:
                new.append((case, real_shown, ours_shown))
    for mode, (compared, agreed) in figures.items():
        note("readers", f"{mode}: {agreed}/{compared} files agree (a script job's catalog source with that mode)")
    assert not new, f"{len(new)} mode reads differ from Spark; first: {new[:3]}"
