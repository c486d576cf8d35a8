"""Job arguments: gluelab against AWS's own `awsglue.utils.getResolvedOptions`.

Each case is a job a user could build with the CLI: its script asks
`getResolvedOptions(sys.argv, [...])` for some names and writes its one input to an S3 path made
of the values it then reads (`args['X']`), so the values a run resolved can be read back with
`s3 ls`. The job is created with default arguments and started with run arguments
(`glue create-job --default-arguments`, `glue start-job-run --arguments`, as JSON or the AWS
CLI's shorthand); `glue get-job-run` says how the run ended.

The real side gets what Glue gives a script: `sys.argv` is the script followed by Glue's own
`--JOB_ID`, `--JOB_RUN_ID` and `--JOB_NAME` and then every argument as `--key value` (the job's
defaults replaced key by key by the run's, StartJobRun's documented rule; a JSON object with a
key twice keeps the last, as the AWS CLI's JSON parser does). Then the same script's reads
(`args['X']`) on the dict the real function returns.

Both outcomes are reduced to what a user sees: the values read, or the kind of failure and
what it names (missing names, the argument and value of an invalid choice, the reserved name,
...). A difference listed in KNOWN_DIFFERENCES is counted and reported; any other fails.
"""

import hashlib
import json
import os
import random
import re
import subprocess
import sys

import pytest
from awsglue.utils import getResolvedOptions

from conftest import WORK, record

SEED = 14
CASES = int(os.environ.get("ORACLE_ARGUMENT_CASES", "300"))  # seeded: a case is reproducible by its index
CHUNK = 30  # cases per workspace, so workspace.json stays small
SEP = "@@"

USER_NAMES = ["tenant_id", "tenant", "SRC", "dt", "A", "target_path", "target-path"]
RESERVED_REQUIRED = [
    "job-bookmark-option",
    "continuation-option",
    "job-bookmark-from",
    "job-bookmark-to",
    "JOB_ID",
    "JOB_RUN_ID",
    "SECURITY_CONFIGURATION",
    "encryption-type",
    "enable-data-lineage",
    "TempDir",
    "RedshiftTempDir",
]
RESERVED_KEYS = [
    "job_bookmark_option",
    "job_bookmark_from",
    "job_bookmark_to",
    "TempDir",
    "RedshiftTempDir",
    "JOB_RUN_ID",
    "JOB_ID",
    "SECURITY_CONFIGURATION",
    "encryption_type",
    "enable_data_lineage",
]
VALUES = [
    "acme",
    "",
    "s3://bucket/prefix/",
    "a=b",
    "x y",
    "-1",
    "-x",
    "-x y",
    "--",
    "-",
    "ü-データ",
    "1,2",
    "None",
    "--tenant_id",
    "2024-01",
]
SIMPLE = re.compile(r"^[A-Za-z0-9_:/.\-]+$")

INPUT_BUCKET, OUTPUT_BUCKET, SCRIPT_BUCKET = "oracle-in", "oracle-out", "oracle-scripts"


def py(s):
    return json.dumps(s, ensure_ascii=False)


def script(required, observe, job, with_bookmark=True):
    values = f' + "{SEP}" + '.join(f"f\"{{args['{k}']}}\"" for k in observe) or '""'
    lines = [
        "import sys",
        "from awsglue.utils import getResolvedOptions",
        "from awsglue.context import GlueContext",
        "from awsglue.job import Job",
        "from pyspark.context import SparkContext",
        "",
        f"args = getResolvedOptions(sys.argv, [{', '.join(py(r) for r in required)}])",
        "sc = SparkContext()",
        "glueContext = GlueContext(sc)",
        "job = Job(glueContext)",
        # Bookmarked reads need job.init; a script that did not ask for JOB_NAME names its job.
        "job.init(args['JOB_NAME'], args)" if "JOB_NAME" in required else f"job.init({py(job)}, args)",
        "dyf = glueContext.create_dynamic_frame.from_options(connection_type=\"s3\", "
        f"connection_options={{\"paths\": [\"s3://{INPUT_BUCKET}/one/\"]}}, format=\"json\", "
        "transformation_ctx=\"source\")",
        f'path = "s3://{OUTPUT_BUCKET}/{job}/v{SEP}" + {values} + "{SEP}/"',
        "glueContext.write_dynamic_frame.from_options(frame=dyf, connection_type=\"s3\", "
        "connection_options={\"path\": path}, format=\"json\")",
        "job.commit()",
    ]
    return "\n".join(lines) + "\n"


WARM_UP = """import sys
from awsglue.utils import getResolvedOptions
from awsglue.context import GlueContext
from awsglue.job import Job
from pyspark.context import SparkContext

args = getResolvedOptions(sys.argv, ['JOB_NAME'])
glueContext = GlueContext(SparkContext())
job = Job(glueContext)
job.init(args['JOB_NAME'], args)
dyf = glueContext.create_dynamic_frame.from_options(connection_type="s3", connection_options={"paths": ["s3://oracle-in/one/"]}, format="json", transformation_ctx="source")
job.commit()
"""


def generate(rng, index):
    """One case: required names, default and run arguments, the keys the script reads."""
    required = rng.sample(USER_NAMES[:6], rng.choice([0, 1, 1, 2, 2, 3]))
    if rng.random() < 0.1:
        required.append("target-path")
    if rng.random() < 0.5:
        required.insert(0, "JOB_NAME")
    if rng.random() < 0.12:
        required.append(rng.choice(RESERVED_REQUIRED))
    arguments = {}
    for name in required:
        if name == "JOB_NAME" or rng.random() < 0.15:
            continue  # missing (JOB_NAME is Glue's own)
        key = "--" + name
        if rng.random() < 0.1 and len(name) > 2:
            key = "--" + name[: rng.randrange(1, len(name))]  # an abbreviation
        arguments[key] = rng.choice(VALUES)
    if rng.random() < 0.3:
        arguments["--" + rng.choice(USER_NAMES)] = rng.choice(VALUES)  # not asked for, or repeated
    if rng.random() < 0.05:
        arguments[f"--{rng.choice(USER_NAMES)}=extra"] = rng.choice(VALUES)  # a key with =
    if rng.random() < 0.4:
        arguments["--job-bookmark-option"] = rng.choice(
            ["job-bookmark-enable", "job-bookmark-disable", "job-bookmark-pause", "job-bookmark-pause", "job-bookmark-on"]
        )
    if rng.random() < 0.08:
        arguments["--continuation-option"] = rng.choice(
            ["continuation-enabled", "continuation-readonly", "continuation-ignore", "continuation-on"]
        )
    if rng.random() < 0.03:
        arguments["--job-bookmark-o"] = rng.choice(["job-bookmark-pause", "job-bookmark-enable"])
    from_to = rng.random() < 0.2
    if from_to:
        which = rng.choice(["from", "to", "both", "both", "both"])
        if which in ("from", "both"):
            arguments["--job-bookmark-from"] = "FROM"
        if which in ("to", "both"):
            arguments["--job-bookmark-to"] = "TO"
    if rng.random() < 0.15:
        arguments[rng.choice(["--TempDir", "--RedshiftTempDir"])] = "s3://tmp/dir/"
    if rng.random() < 0.03:
        arguments["--encryption-type"] = rng.choice(["sse-s3", "sse-kms"])
    defaults, run = {}, {}
    for key, value in arguments.items():
        r = rng.random()
        if value in ("FROM", "TO"):
            r = 1.0  # run ids exist only once the job has run: typed with the run
        if r < 0.25:
            defaults[key] = value
        elif r < 0.33:
            defaults[key] = rng.choice(VALUES)  # repeated: the run's value replaces it
            run[key] = value
        else:
            run[key] = value
    # The script reads every name it asked for, some of the reserved keys, sometimes a name it
    # did not ask for.
    observe = [r for r in required if r not in RESERVED_REQUIRED]
    for key, p in zip(RESERVED_KEYS, [0.5, 0.15, 0.15, 0.15, 0.1, 0.1, 0.04, 0.03, 0.03, 0.03]):
        if rng.random() < p:
            observe.append(key)
    if rng.random() < 0.05:
        observe.append(rng.choice(USER_NAMES))
    # How the run arguments are typed: JSON, the shorthand, or JSON with a key twice.
    style = "json"
    if run and all(SIMPLE.match(v) and "=" not in k for k, v in run.items()) and rng.random() < 0.5:
        style = "shorthand"
    elif run and rng.random() < 0.06:
        style = "json-duplicate"
    return {
        "index": index,
        "job": f"args-{index:03d}",
        "required": required,
        "defaults": defaults,
        "run": run,
        "style": style,
        "observe": observe,
        "from_to": from_to,
    }


def run_text(case):
    run = case["run"]
    if case["style"] == "shorthand":
        return ",".join(f"{k}={v}" for k, v in run.items())
    if case["style"] == "json-duplicate":
        first = next(iter(run))
        body = [f"{py(first)}: {py('an earlier value')}"] + [f"{py(k)}: {py(v)}" for k, v in run.items()]
        return "{" + ", ".join(body) + "}"
    return json.dumps(run, ensure_ascii=False)


# ---------------------------------------------------------------------------------------------
# Outcomes, reduced to what a user sees.


def job_id(job):
    """gluelab's --JOB_ID for a job (core/src/model/run.rs `job_id`). Glue's own is an opaque
    `j_` + hex, so the real side is given the same one."""
    return "j_" + hashlib.sha256(job.encode()).hexdigest()


def real_outcome(case, run_id, substitutions, by_name=False, resolve=getResolvedOptions):
    """The real function's outcome; `by_name`: with the arguments in gluelab's order (Glue's
    own three, then the others sorted by name) instead of the defaults' then the run's.
    `resolve` is awsglue 5.1's `getResolvedOptions`, or 6.0's (`Glue6`)."""
    merged = dict(case["defaults"])
    merged.update(case["run"])
    pairs = [("--JOB_ID", job_id(case["job"])), ("--JOB_RUN_ID", run_id), ("--JOB_NAME", case["job"])]
    pairs += [(key, substitutions.get(value, value)) for key, value in merged.items()]
    if by_name:
        pairs = pairs[:3] + sorted(dict(pairs[3:]).items())
    argv = ["script.py"]
    for key, value in pairs:
        argv += [key, value]
    try:
        resolved = resolve(argv, list(case["required"]))
    except Exception as e:  # GlueArgumentError, RuntimeError, argparse.ArgumentError
        return failure(str(e))
    values = []
    for key in case["observe"]:
        if key not in resolved:
            return ("KeyError", key)
        values.append(str(resolved[key]))
    return ("values", tuple(values))


def failure(message):
    """A failure message, either side's, as (kind, what it names)."""
    m = re.search(r"the following arguments are required: (.*)$", message)
    if m:
        return ("required", tuple(sorted(n.strip() for n in m.group(1).split(","))))
    m = re.search(r"argument (\S+): invalid choice: '([^']*)'", message)
    if m:
        return ("invalid choice", m.group(1), m.group(2))
    m = re.search(r"argument (\S+): expected one argument", message)
    if m:
        return ("expected one argument", m.group(1))
    m = re.search(r"ambiguous option: (\S+) could match (.*)$", message)
    if m:
        return ("ambiguous option", m.group(1), tuple(n.strip() for n in m.group(2).split(",")))
    m = re.search(r"argument (\S+): conflicting option string", message)
    if m:
        return ("conflicting option", m.group(1))
    m = re.search(r"Using reserved arguments (\S+)", message)
    if m:
        return ("reserved", m.group(1).lstrip("-"))
    m = re.search(r"Missing option or value for (\S+)", message)
    if m:
        return ("missing from/to", m.group(1))
    if "Invalid option(s)--job-bookmark-from --job-bookmark-to" in message:
        return ("from/to without pause",)
    m = re.search(r"KeyError: '([^']*)'", message)
    if m:
        return ("KeyError", m.group(1))
    return ("other", message)


# ---------------------------------------------------------------------------------------------
# Differences gluelab has from the real function, on purpose or not yet fixed. Each is a
# predicate over (case, real outcome, gluelab outcome) with the reason it is listed.

KNOWN_DIFFERENCES = {
    "argument order": "modelled: argparse reads the arguments in order, so which of two bad ones it reports, "
    "which of an option and its abbreviation wins, and what follows a value `--` depend on it; Glue's order is "
    "unspecified (the oracle passes the job's defaults, then the run's), gluelab keeps a run's arguments by name "
    "and passes them so (after --JOB_ID, --JOB_RUN_ID, --JOB_NAME). The real function on gluelab's order agrees",
}


def known(case, real, ours):
    """Which listed difference explains a disagreement, or None."""
    if case.get("real by name") == ours:
        return "argument order"
    return None


# ---------------------------------------------------------------------------------------------


class Glue6:
    """awsglue 6.0.0's `getResolvedOptions`, called in its worker process
    (`awsglue6_worker.py`: a package of its own, installed by `cargo xtask oracle`)."""

    def __init__(self):
        path = os.environ.get("AWSGLUE6_PATH")
        assert path and os.path.isdir(path), (
            "AWSGLUE6_PATH must name awsglue 6.0.0's install (cargo xtask oracle makes it: "
            "target/oracle-venv/awsglue6)"
        )
        worker = os.path.join(os.path.dirname(__file__), "awsglue6_worker.py")
        self.process = subprocess.Popen(
            [sys.executable, worker], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def __call__(self, argv, required):
        self.process.stdin.write(json.dumps({"argv": argv, "required": required}) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return answer["resolved"]

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


class Workspace:
    def __init__(self, cli, glue_version=None, resolve=getResolvedOptions):
        self.cli = cli
        self.glue_version = glue_version
        self.resolve = resolve
        cli.run("s3", "mb", f"s3://{INPUT_BUCKET}")
        cli.run("s3", "mb", f"s3://{OUTPUT_BUCKET}")
        cli.run("s3", "mb", f"s3://{SCRIPT_BUCKET}")
        self.input = WORK / "args-input.json"
        self.input.write_text('{"n": 1}\n')
        cli.run("s3", "cp", str(self.input), f"s3://{INPUT_BUCKET}/one/a.json")

    def put_script(self, job, text):
        path = WORK / "scripts" / f"{job}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        self.cli.run("s3", "cp", str(path), f"s3://{SCRIPT_BUCKET}/{job}.py")

    def start(self, job, arguments=None):
        args = ["glue", "start-job-run", "--job-name", job]
        if arguments is not None:
            args += ["--arguments", arguments]
        done = self.cli.run(*args, "--output", "json", check=False)
        if done.returncode != 0:
            return None, done.stderr.strip()
        run_id = json.loads(done.stdout)["JobRunId"]
        got = self.cli.json("glue", "get-job-run", "--job-name", job, "--run-id", run_id)["JobRun"]
        return got, None

    def outcome(self, case):
        job = case["job"]
        substitutions = {}
        if case["from_to"]:
            # --job-bookmark-from/--job-bookmark-to name runs of the job: two committed runs.
            self.put_script(job, WARM_UP)
            self.create(job, case["defaults"])
            # A new input object after each warm-up run, so that whichever window the case's
            # bookmark option selects has something to write.
            for name in ("FROM", "TO"):
                got, _ = self.start(job, json.dumps({"--job-bookmark-option": "job-bookmark-enable"}))
                assert got and got["JobRunState"] == "SUCCEEDED", got
                substitutions[name] = got["Id"]
                self.cli.run("s3", "cp", str(self.input), f"s3://{INPUT_BUCKET}/one/after-{got['Id']}.json")
        else:
            self.create(job, case["defaults"])
        self.put_script(job, script(case["required"], case["observe"], job))
        text = run_text(case) if case["run"] else None
        if text is not None:
            for name, run_id in substitutions.items():
                text = text.replace(name, run_id)
        got, refused = self.start(job, text)
        if refused is not None:
            return None, ("refused by the CLI", refused)
        run_id = got["Id"]
        real = real_outcome(case, run_id, substitutions, resolve=self.resolve)
        case["real by name"] = real_outcome(case, run_id, substitutions, by_name=True, resolve=self.resolve)
        if got["JobRunState"] != "SUCCEEDED":
            return real, failure(got.get("ErrorMessage", ""))
        listing = self.cli.run("s3", "ls", f"s3://{OUTPUT_BUCKET}/{job}/", "--recursive", check=False).stdout
        found = re.search(re.escape(f"{job}/v{SEP}") + r"(.*)" + re.escape(f"{SEP}/"), listing)
        if not found:
            return real, ("no output", listing)
        return real, ("values", tuple(found.group(1).split(SEP)) if case["observe"] else ())

    def create(self, job, defaults):
        args = [
            "glue",
            "create-job",
            "--name",
            job,
            "--role",
            "arn:aws:iam::123456789012:role/OracleGlueRole",
            "--command",
            json.dumps({"Name": "glueetl", "ScriptLocation": f"s3://{SCRIPT_BUCKET}/{job}.py"}),
        ]
        if defaults:
            args += ["--default-arguments", json.dumps(defaults, ensure_ascii=False)]
        if self.glue_version:
            args += ["--glue-version", self.glue_version]
        self.cli.run(*args)


def cases():
    rng = random.Random(SEED)
    return [generate(rng, i) for i in range(CASES)]


def test_job_arguments_resolve_as_the_real_getResolvedOptions(cli_in):
    failures = []
    workspace = None
    for case in cases():
        if case["index"] % CHUNK == 0:
            workspace = Workspace(cli_in(f"arguments-{case['index'] // CHUNK:02d}"))
        real, ours = workspace.outcome(case)
        agreed = real == ours
        why = None if agreed else known(case, real, ours)
        shown = {k: case[k] for k in ("required", "defaults", "run", "style", "observe")}
        record("arguments", agreed, case=f"{case['job']} {json.dumps(shown, ensure_ascii=False)}", real=real, gluelab=ours, known=why)
        if not agreed and why is None:
            failures.append((case["job"], real, ours))
    assert not failures, f"{len(failures)} argument lists diverge in new ways, first: {failures[:5]}"


GLUE6_CASES = int(os.environ.get("ORACLE_GLUE6_ARGUMENT_CASES", "150"))


def test_glue_6_job_arguments_resolve_as_awsglue_6(cli_in):
    """The same generated argument lists for a job with `--glue-version 6.0` against awsglue
    6.0.0's `getResolvedOptions` (abbreviations refused: `allow_abbrev=False`)."""
    resolve = Glue6()
    failures = []
    workspace = None
    try:
        for case in cases()[:GLUE6_CASES]:
            if case["index"] % CHUNK == 0:
                cli = cli_in(f"arguments-glue6-{case['index'] // CHUNK:02d}")
                workspace = Workspace(cli, glue_version="6.0", resolve=resolve)
            real, ours = workspace.outcome(case)
            agreed = real == ours
            why = None if agreed else known(case, real, ours)
            shown = {k: case[k] for k in ("required", "defaults", "run", "style", "observe")}
            record(
                "arguments-glue6",
                agreed,
                case=f"{case['job']} {json.dumps(shown, ensure_ascii=False)}",
                real=real,
                gluelab=ours,
                known=why,
            )
            if not agreed and why is None:
                failures.append((case["job"], real, ours))
    finally:
        resolve.close()
    assert not failures, f"{len(failures)} Glue 6.0 argument lists diverge in new ways, first: {failures[:5]}"
