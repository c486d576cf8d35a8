"""An exported job script, unchanged, on Apache Spark, against gluelab's own run of the job.

For a shipped example: gluelab runs the job (`glue start-job-run`), and the objects the run
added are its sink rows. The same job is exported (`export-job`), and its `.py` runs on Spark
(pyspark 3.5, Glue 5's Spark) with the jar-backed Glue classes replaced by `glue_standin`,
over local folders holding the same input objects and Spark's in-memory catalog holding the
workspace's catalog tables (`glue get-tables`). The files the script added are its sink rows.
The two are compared as sorted multisets of rows, a null equal to a missing field (Spark's JSON
writer drops nulls).
"""

import csv
import io
import json
import os
import pathlib
import runpy
import sys

import pytest

import glue_standin
from conftest import WORK, note, record

SPARK_TYPES = {"string": "STRING", "bigint": "BIGINT", "int": "INT", "boolean": "BOOLEAN", "double": "DOUBLE"}


def objects(cli):
    """Every object of the workspace: {s3 uri: size}."""
    found = {}
    for line in cli.run("s3", "ls").stdout.splitlines():
        bucket = line.split()[-1]
        listing = cli.run("s3", "ls", f"s3://{bucket}", "--recursive", check=False).stdout
        for entry in listing.splitlines():
            parts = entry.split(None, 3)
            if len(parts) == 4:
                found[f"s3://{bucket}/{parts[3]}"] = int(parts[2])
    return found


def rows_of(files, headers=()):
    """(name, text) files as a sorted multiset of rows: JSON lines with null fields dropped,
    CSV records as lists of fields without a header line (a record equal to one of `headers`,
    the catalog tables' column names: Glue writes one, Spark's CSV writer not by default)."""
    rows = []
    for name, text in files:
        if name.endswith(".csv"):
            for record in csv.reader(io.StringIO(text)):
                if record and record not in headers:
                    rows.append(json.dumps(record))
            continue
        for line in text.splitlines():
            if line.strip():
                rows.append(json.dumps({k: v for k, v in json.loads(line).items() if v is not None}, sort_keys=True))
    return sorted(rows)


def table_headers(cli):
    return [
        [c["Name"] for c in table["StorageDescriptor"]["Columns"]]
        for database in cli.json("glue", "get-databases")["DatabaseList"]
        for table in cli.json("glue", "get-tables", "--database-name", database["Name"])["TableList"]
    ]


def mirror(cli, uri, root):
    body = cli.run("s3", "cp", uri, "-").stdout
    path = root / uri[len("s3://") :]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body)


def catalog_into_spark(cli, spark):
    for database in cli.json("glue", "get-databases")["DatabaseList"]:
        db = database["Name"]
        spark.sql(f"CREATE DATABASE IF NOT EXISTS `{db}`")
        for table in cli.json("glue", "get-tables", "--database-name", db)["TableList"]:
            sd = table["StorageDescriptor"]
            serde = (sd.get("SerdeInfo") or {}).get("SerializationLibrary", "")
            fmt = "json" if "Json" in serde else "parquet" if "parquet" in serde.lower() else "csv"
            columns = ", ".join(f"`{c['Name']}` {SPARK_TYPES.get(c['Type'], c['Type'])}" for c in sd["Columns"])
            location = glue_standin.local(sd["Location"].rstrip("/") + "/")
            folder = glue_standin.S3_ROOT / sd["Location"][len("s3://") :]
            folder.mkdir(parents=True, exist_ok=True)
            spark.sql(f"DROP TABLE IF EXISTS `{db}`.`{table['Name']}`")
            # Partition keys are Spark's partition columns: `key=value/` folders under the location.
            keys = table.get("PartitionKeys") or []
            if keys:
                columns += ", " + ", ".join(f"`{c['Name']}` {SPARK_TYPES.get(c['Type'], c['Type'])}" for c in keys)
            names = ", ".join("`" + c["Name"] + "`" for c in keys)
            partitioned = f"PARTITIONED BY ({names})" if keys else ""
            options = ""
            if fmt == "csv":
                # Glue's catalog reader skips `skip.header.line.count` lines and splits on the
                # SerDe's separator (Glue's documentation for CSV tables).
                params = {**(table.get("Parameters") or {}), **((sd.get("SerdeInfo") or {}).get("Parameters") or {})}
                header = params.get("skip.header.line.count", "0") == "1"
                sep = params.get("separatorChar") or params.get("field.delim") or ","
                options = f"OPTIONS (header '{str(header).lower()}', sep '{sep}')"
            spark.sql(
                f"CREATE TABLE `{db}`.`{table['Name']}` ({columns}) USING {fmt} {options} {partitioned} LOCATION '{location}'"
            )
            if keys:
                spark.sql(f"ALTER TABLE `{db}`.`{table['Name']}` RECOVER PARTITIONS")


def spark_files(root):
    return {
        p
        for p in root.rglob("*")
        if p.is_file() and not p.name.startswith((".", "_")) and not p.name.endswith(".crc")
    }


def run_exported(cli, spark, label, job):
    """Exports `job` as a user would and runs its `.py` unchanged on Spark, with Glue's own
    `--JOB_ID`, `--JOB_RUN_ID`, `--JOB_NAME` and the job's default arguments."""
    out_dir = WORK / "exports" / f"spark-{label}"
    cli.run("export-job", "--job-name", job, "--out-dir", str(out_dir))
    definition = json.loads((out_dir / f"{job}.json").read_text())
    catalog_into_spark(cli, spark)
    argv = [str(out_dir / f"{job}.py"), "--JOB_ID", "j_oracle", "--JOB_RUN_ID", "jr_oracle", "--JOB_NAME", job]
    for key, value in definition.get("DefaultArguments", {}).items():
        argv += [key, value]
    glue_standin.install()
    saved = sys.argv
    sys.argv = argv
    try:
        runpy.run_path(argv[0], run_name="__main__")
    finally:
        sys.argv = saved


def compare_job(cli, spark, label, job):
    # The inputs, mirrored before gluelab's run adds its sink objects.
    root = WORK / "spark-s3" / label
    glue_standin.S3_ROOT = root
    before = objects(cli)
    for uri in before:
        mirror(cli, uri, root)
    # gluelab's own run.
    run_id = cli.json("glue", "start-job-run", "--job-name", job)["JobRunId"]
    got = cli.json("glue", "get-job-run", "--job-name", job, "--run-id", run_id)["JobRun"]
    assert got["JobRunState"] == "SUCCEEDED", got
    added = sorted(set(objects(cli)) - set(before))
    headers = table_headers(cli)
    ours = rows_of(((uri, cli.run("s3", "cp", uri, "-").stdout) for uri in added), headers)
    # The exported script on Spark.
    files_before = spark_files(root)
    run_exported(cli, spark, label, job)
    written = sorted(spark_files(root) - files_before)
    real = rows_of(((p.name, p.read_text()) for p in written), headers)
    record(
        "scripts",
        real == ours,
        case=f"{label}: {job}.py ({len(ours)} rows in gluelab, {len(real)} on Spark)",
        real=real,
        gluelab=ours,
    )
    note("scripts", f"{label}: {job}.py on Spark wrote {len(real)} rows, gluelab's run {len(ours)}")
    assert ours, f"{label}: gluelab's run wrote no rows"
    assert real == ours, f"{label}: sink rows differ\nSpark:   {real}\ngluelab: {ours}"


def test_the_seed_job_exported_runs_unchanged_on_spark(cli_in, spark):
    cli = cli_in("scripts-seed", region="ap-northeast-1")
    cli.run("example", "load", "seed")
    files = WORK / "example-files" / "seed"
    cli.run("example", "files", "seed", "--to", str(files))
    jobs = cli.json("glue", "list-jobs")["JobNames"]
    raw = [b for b in cli.run("s3", "ls").stdout.split() if b.startswith("devices-raw-data")]
    if not any(k.startswith(f"s3://{raw[0]}/raw-data/") for k in objects(cli)):
        for name in ("raw-data-1.json", "raw-data-2.json"):
            cli.run("s3", "cp", str(files / name), f"s3://{raw[0]}/raw-data/{name}")
    for job in jobs:
        compare_job(cli, spark, "seed", job)


# The other ready examples, each with every file its tour uploads put in at once: the first run
# reads them all (a first run is what the stand-in can check; bookmark state is modelled). The
# partitioned one also has its new partition registered (`repair`): Spark's in-memory catalog
# takes every partition folder, the catalog-held-only rule is gluelab's model of Glue's.
EXAMPLE_STEPS = {
    "csv-header": ["upload:sales-2024-01.csv", "upload:sales-2024-02.csv"],
    "modified-file": ["upload:raw-data-1.json"],
    "failed-run": ["upload:raw-data-1.json"],
    "pause-from-to": ["upload:raw-data-1.json", "upload:raw-data-2.json", "upload:raw-data-3.json"],
    "partitioned-orders": [
        "upload:year%3D2026%2Fmonth%3D01%2Forders-2.json",
        "upload:year%3D2026%2Fmonth%3D02%2Forders-1.json",
        "repair",
    ],
}


@pytest.mark.parametrize("example", sorted(EXAMPLE_STEPS))
def test_each_example_job_exported_runs_unchanged_on_spark(cli_in, spark, example):
    cli = cli_in(f"scripts-{example}", region="ap-northeast-1")
    story = ",".join(["v1", example, *EXAMPLE_STEPS[example]])
    cli.run("example", "replay", story)
    for job in cli.json("glue", "list-jobs")["JobNames"]:
        compare_job(cli, spark, example, job)


def warehouse_rows(cli, table, columns):
    """A warehouse table's rows through the Redshift Data API, as JSON objects of text."""
    sql = f"SELECT {', '.join(columns)} FROM {table}"
    statement = cli.json(
        "redshift-data", "execute-statement", "--workgroup-name", "default", "--database", "dev", "--sql", sql
    )["Id"]
    records = cli.json("redshift-data", "get-statement-result", "--id", statement)["Records"]
    rows = []
    for record in records:
        values = [None if cell.get("isNull") else str(next(iter(cell.values()))) for cell in record]
        rows.append(json.dumps({k: v for k, v in zip(columns, values) if v is not None}, sort_keys=True))
    return sorted(rows)


def json_rows_as_text(folder):
    rows = []
    for path in sorted(folder.rglob("*.json")):
        for line in path.read_text().splitlines():
            if line.strip():
                row = {k: str(v) for k, v in json.loads(line).items() if v is not None}
                rows.append(json.dumps(row, sort_keys=True))
    return sorted(rows)


def test_the_hr_job_exported_runs_unchanged_on_spark(cli_in, spark):
    """The HR worked example: a CSV export read FAILFAST, two ValueMapping rules tables (one
    company is in no rule: gluelab makes its row an error record, the export drops it), a Map,
    an Aggregate, written to Redshift. The stand-in's Redshift receives the rows; gluelab's
    warehouse table after the run (upsert into an empty table) must hold the same."""
    cli = cli_in("scripts-hr", region="ap-northeast-1")
    cli.run("example", "load", "hr")
    files = WORK / "example-files" / "hr"
    cli.run("example", "files", "hr", "--to", str(files))
    january = files / "employees-2024-01.csv"
    cli.run("s3", "cp", str(january), "s3://hr-uploads/acme-holdings/employees/employees-2024-01.csv")
    root = WORK / "spark-s3" / "hr"
    glue_standin.S3_ROOT = root
    glue_standin.REDSHIFT_ROOT = WORK / "spark-redshift" / "hr"
    for uri in objects(cli):
        mirror(cli, uri, root)
    job = "hr-monthly-employees"
    run_id = cli.json("glue", "start-job-run", "--job-name", job)["JobRunId"]
    got = cli.json("glue", "get-job-run", "--job-name", job, "--run-id", run_id)["JobRun"]
    assert got["JobRunState"] == "SUCCEEDED", got
    columns = ["tenant_id", "company", "month", "employees", "female_employees"]
    ours = warehouse_rows(cli, "analytics.monthly_employees", columns)

    run_exported(cli, spark, "hr", job)
    real = json_rows_as_text(glue_standin.REDSHIFT_ROOT / "analytics.monthly_employees_stage")
    record(
        "scripts",
        real == ours,
        case=f"hr: {job}.py ({len(ours)} rows in gluelab's warehouse, {len(real)} sent to Redshift on Spark)",
        real=real,
        gluelab=ours,
    )
    note("scripts", f"hr: {job}.py on Spark sent {len(real)} rows to Redshift, gluelab's warehouse holds {len(ours)}")
    assert ours, "gluelab's run wrote no rows"
    assert real == ours, f"hr: rows differ\nSpark:   {real}\ngluelab: {ours}"
