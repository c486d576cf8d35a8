"""`exclusions` globs: gluelab against Java's own glob matcher, on the JVM Spark runs on.

Glue documents `exclusions` as "a JSON list of Unix-style glob patterns", its example `**.pdf`
excluding every PDF in any folder: that is Java's glob syntax
(`java.nio.file.FileSystem.getPathMatcher("glob:...")`), where `*` stays within a folder and
`**` crosses folders. Which matcher Glue calls is not documented (so gluelab labels the rule
*modelled*); what is checked here is that gluelab reads a pattern exactly as Java does.

The gluelab side is a user's: a script job reading `s3://oracle-globs/in/` with
`"recurse": True` and `"exclusions": args["exclusions"]`, started once per pattern with
`--exclusions '["<pattern>"]'`; `explain --output json` says which objects were excluded (or
the run failed, for a pattern gluelab refuses). The Java side asks `PathMatcher.matches` of the
same pattern and paths (with `s3://` written `s3:/` on both sides, since a Unix `Path` folds the
double slash), and a `PatternSyntaxException` is a refusal.
"""

import json
import random

from pyspark.errors import IllegalArgumentException

from conftest import WORK, record

BUCKET = "oracle-globs"
SEED = 18
RANDOM_PATTERNS = 200

KEYS = [
    "in/a.json",
    "in/b.json",
    "in/ab.json",
    "in/x.pdf",
    "in/x.pdf.gz.txt",
    "in/1.csv",
    "in/12.csv",
    "in/a+b(1).json",
    "in/sub/c.json",
    "in/sub/d.pdf",
    "in/sub/deep/e.json",
    "in/old/f.json",
    "in/bad/g.tsv",
]

FIXED = [
    "**.pdf",
    "**.json",
    "*.json",
    "s3://oracle-globs/in/*.json",
    "s3://oracle-globs/in/**",
    "s3://oracle-globs/in/*/*.json",
    "s3://oracle-globs/in/?.json",
    "s3://oracle-globs/in/??.csv",
    "**/[ab].json",
    "**/[!ab].json",
    "**/[a-c].json",
    "**/[0-9].csv",
    "**.{pdf,tsv}",
    "**/{old,bad}/**",
    "**/a+b(1).json",
    "**/sub/*",
    "**/sub/**",
    "**/\\*.json",
    "**[/]x.pdf",
    "**/[]a].json",
    "**/[!]a].json",
    "**/{}.json",
    "**/{a,}.json",
    "{a,{b}}",
    "**/[ab.json",
    "{a,b",
    "x\\",
    "**/[a-].json",
    "**/[-a].json",
    "**/a.js?n",
    "**/*.*.*",
    "s3://oracle-globs/**/e.json",
    "**e.json",
    "*",
    "**",
]

TOKENS = ["*", "**", "?", "/", ".json", ".pdf", "sub", "in", "a", "[ab]", "[!a]", "{json,pdf}", ".", "s3://oracle-globs/"]

SCRIPT = """import sys
from awsglue.utils import getResolvedOptions
from awsglue.context import GlueContext
from awsglue.job import Job
from pyspark.context import SparkContext

args = getResolvedOptions(sys.argv, ["JOB_NAME", "exclusions"])
glueContext = GlueContext(SparkContext())
job = Job(glueContext)
job.init(args["JOB_NAME"], args)
frame = glueContext.create_dynamic_frame.from_options(
    connection_type="s3",
    connection_options={"paths": ["s3://oracle-globs/in/"], "recurse": True, "exclusions": args["exclusions"]},
    format="json",
)
job.commit()
"""


def patterns():
    rng = random.Random(SEED)
    made = []
    for _ in range(RANDOM_PATTERNS):
        made.append("".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 5))))
    return FIXED + made


def java(spark, pattern):
    """The set of keys Java's glob matcher matches, or "refused"."""
    jvm = spark._jvm
    fs = jvm.java.nio.file.FileSystems.getDefault()
    try:
        matcher = fs.getPathMatcher("glob:" + pattern.replace("//", "/"))
    except IllegalArgumentException:  # pyspark's name for Java's PatternSyntaxException
        return "refused"
    matched = set()
    for key in KEYS:
        path = jvm.java.io.File(f"s3:/{BUCKET}/{key}").toPath()
        if matcher.matches(path):
            matched.add(key)
    return matched


def gluelab_side(cli, pattern):
    started = cli.json(
        "glue", "start-job-run", "--job-name", "globs",
        "--arguments", json.dumps({"--exclusions": json.dumps([pattern])}),
    )
    explained = cli.json("explain", "--job-name", "globs", "--run-id", started["JobRunId"])
    if explained["JobRunState"] != "SUCCEEDED":
        return "refused", explained.get("ErrorMessage")
    excluded = set()
    for f in explained["Files"]:
        if "Excluded" in json.dumps(f["reason"]):
            excluded.add(f["object"].removeprefix(f"s3://{BUCKET}/"))
    return excluded, None


def test_exclusion_globs_match_as_javas_glob_matcher_does(cli_in, spark):
    cli = cli_in("globs")
    cli.run("s3", "mb", f"s3://{BUCKET}")
    cli.run("s3", "mb", "s3://oracle-globs-scripts")
    local = WORK / "globs-files"
    local.mkdir(exist_ok=True)
    (local / "globs.py").write_text(SCRIPT)
    cli.run("s3", "cp", str(local / "globs.py"), "s3://oracle-globs-scripts/globs.py")
    for key in KEYS:
        (local / "row.json").write_text(json.dumps({"key": key}) + "\n")
        cli.run("s3", "cp", str(local / "row.json"), f"s3://{BUCKET}/{key}")
    cli.run(
        "glue", "create-job", "--name", "globs", "--role", "arn:aws:iam::123456789012:role/Glue",
        "--command", json.dumps({"Name": "glueetl", "ScriptLocation": "s3://oracle-globs-scripts/globs.py"}),
    )
    failures = []
    for pattern in patterns():
        real = java(spark, pattern)
        ours, why = gluelab_side(cli, pattern)
        agreed = real == ours
        shown = lambda v: v if isinstance(v, str) else sorted(v)  # noqa: E731
        record("globs", agreed, case=pattern, real=shown(real), gluelab=shown(ours) if why is None else why)
        if not agreed:
            failures.append(f"{pattern!r}: Java {shown(real)}, gluelab {shown(ours)} {why or ''}")
    assert not failures, "\n".join(failures)
