"""Shared pieces of the real-engine oracle (`cargo xtask oracle`, issue 14).

The suite drives the built `gluelab` binary as a user would (``GLUELAB_BIN``), puts the same
inputs through the real engines installed in the oracle's venv (cfn-lint, AWS's ``awsglue``,
Apache Spark) and compares. Every comparison is counted per kind; at the end the counts and
every divergence are written to ``ORACLE_SUMMARY`` (JSON), which the xtask prints.
"""

import json
import os
import pathlib
import subprocess
import tempfile
import time

import pytest

GLUELAB = os.environ.get("GLUELAB_BIN", "gluelab")
WORK = pathlib.Path(os.environ.get("ORACLE_WORK") or tempfile.mkdtemp(prefix="gluelab-oracle-"))
ROOT = pathlib.Path(__file__).resolve().parents[2]

KINDS = ("scripts", "expressions", "readers", "queries", "globs", "arguments", "arguments-glue6", "templates", "cdk")
_counts = {kind: {"compared": 0, "agreed": 0} for kind in KINDS}
_divergences = []
_notes = []


def record(kind, agreed, case=None, real=None, gluelab=None, known=None):
    """Counts one comparison; a disagreement is kept with what each side did."""
    _counts[kind]["compared"] += 1
    if agreed:
        _counts[kind]["agreed"] += 1
    else:
        _divergences.append(
            {"kind": kind, "case": case, "real": real, "gluelab": gluelab, "known": known}
        )


def note(kind, text):
    """Something worth reading that is not a disagreement (a cfn-lint warning, say)."""
    _notes.append({"kind": kind, "note": text})


JSON_SERDE = "org.openx.data.jsonserde.JsonSerDe"


def catalog_template(bucket, database, tables):
    """A CloudFormation template with `bucket`, the Glue `database` and one text table per
    `(name, columns, folder, serde, serde_parameters, parameters)` under `s3://bucket/folder/`
    (columns as `(name, glue type)`)."""
    resources = {
        "Data": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": bucket}},
        "Db": {"Type": "AWS::Glue::Database",
               "Properties": {"CatalogId": {"Ref": "AWS::AccountId"}, "DatabaseInput": {"Name": database}}},
    }
    for k, (name, columns, folder, serde, serde_parameters, parameters) in enumerate(tables):
        serde_info = {"SerializationLibrary": serde}
        if serde_parameters:
            serde_info["Parameters"] = serde_parameters
        resources[f"T{k}"] = {
            "Type": "AWS::Glue::Table",
            "Properties": {
                "CatalogId": {"Ref": "AWS::AccountId"},
                "DatabaseName": {"Ref": "Db"},
                "TableInput": {
                    "Name": name,
                    "TableType": "EXTERNAL_TABLE",
                    "Parameters": parameters,
                    "StorageDescriptor": {
                        "Columns": [{"Name": n, "Type": t} for n, t in columns],
                        "Location": f"s3://{bucket}/{folder}/",
                        "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
                        "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                        "SerdeInfo": serde_info,
                    },
                },
            },
        }
    return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}


def deploy(cli, stack, template):
    """Deploys `template` as `stack` with the CLI; returns the stack's scratch folder."""
    folder = WORK / stack
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "template.json").write_text(json.dumps(template))
    cli.run("cloudformation", "deploy", "--template-file", str(folder / "template.json"), "--stack-name", stack)
    return folder


class Cli:
    """The `gluelab` binary on one workspace directory."""

    def __init__(self, workspace, region=None):
        self.workspace = pathlib.Path(workspace)
        self.region = region

    def run(self, *args, check=True, cwd=None):
        region = ["--region", self.region] if self.region else []
        cmd = [GLUELAB, "--workspace", str(self.workspace), *region, *args]
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd)
        if check and done.returncode != 0:
            raise AssertionError(
                f"{' '.join(cmd)} exited {done.returncode}\nstdout: {done.stdout}\nstderr: {done.stderr}"
            )
        return done

    def json(self, *args, cwd=None):
        return json.loads(self.run("--output", "json", *args, cwd=cwd).stdout)


@pytest.fixture(scope="session")
def spark():
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # collect() turns timestamps into naive local datetimes: make local UTC, as the session is.
    os.environ["TZ"] = "UTC"
    time.tzset()
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("gluelab-oracle")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", (WORK / "spark-warehouse").as_uri())
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture
def cli_in():
    """A fresh workspace under the oracle's scratch folder: ``cli_in("name")``."""

    def make(name, region=None):
        path = WORK / "workspaces" / name
        path.mkdir(parents=True, exist_ok=False)
        return Cli(path, region)

    return make


def pytest_sessionfinish(session, exitstatus):
    summary = {kind: dict(_counts[kind]) for kind in KINDS}
    summary["divergences"] = _divergences
    summary["notes"] = _notes
    target = os.environ.get("ORACLE_SUMMARY") or str(WORK / "summary.json")
    pathlib.Path(target).write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")


def pytest_terminal_summary(terminalreporter):
    write = terminalreporter.write_line
    terminalreporter.section("real-engine oracle")
    for kind in KINDS:
        c = _counts[kind]
        write(f"{kind}: {c['agreed']}/{c['compared']} agreed")
    by_reason = {}
    for d in _divergences:
        if d["known"]:
            by_reason.setdefault((d["kind"], d["known"]), []).append(d)
            continue
        write(f"NEW divergence ({d['kind']}): {d['case']}")
        write(f"    real:    {d['real']}")
        write(f"    gluelab: {d['gluelab']}")
    for (kind, reason), found in sorted(by_reason.items(), key=lambda item: -len(item[1])):
        first = found[0]
        write(f"known ({kind}) x{len(found)}: {reason}; e.g. {first['case']}")
        write(f"    real: {first['real']}; gluelab: {first['gluelab']}")
    for n in _notes:
        write(f"note ({n['kind']}): {n['note']}")
