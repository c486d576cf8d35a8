"""Every job of every shipped example exported as an AWS CDK app (`gluelab export-job --format cdk`),
synthesized offline with node (the pinned npm packages, `GLUELAB_CDK_NODE_MODULES`), the template
through cfn-lint, then deployed back with `gluelab cloudformation deploy` into an empty workspace:
it must hold the same job, tables and buckets as the CloudFormation export deployed the same way,
and the job must be the source workspace's (name, role, version, limits, every default argument).
"""

import json
import os
import pathlib
import subprocess

from conftest import ROOT, WORK, record
from test_templates import lint

NODE_MODULES = os.environ.get("GLUELAB_CDK_NODE_MODULES")

# Arguments the Glue L2 construct adds on its own (metrics and continuous logs): AWS's best
# practice, not the prototype's; everything else must be the export's.
CONSTRUCT_ARGUMENTS = {
    "--enable-continuous-cloudwatch-log",
    "--enable-metrics",
    "--enable-observability-metrics",
}


def workspaces(cli_in):
    """(label, cli) for every shipped example: `example load` and every scenario."""
    for example in ("seed", "hr"):
        cli = cli_in(f"cdk-example-{example}")
        cli.run("example", "load", example)
        yield f"example load {example}", cli
    for scenario in sorted((ROOT / "cli" / "examples").glob("*.scenario")):
        cli = cli_in(f"cdk-{scenario.name}")
        cli.run("scenario", "run", str(scenario))
        yield f"after {scenario.name}", cli


def synthesize(app):
    """`node app.js` in the exported app, against the cached packages; returns the template."""
    assert NODE_MODULES, "GLUELAB_CDK_NODE_MODULES is not set (run through `cargo xtask oracle`)"
    (app / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
    out = app / "cdk.out"
    done = subprocess.run(
        ["node", "app.js"], cwd=app, capture_output=True, text=True, env={**os.environ, "CDK_OUTDIR": str(out)}
    )
    assert done.returncode == 0, f"node app.js failed in {app}:\n{done.stderr}"
    templates = sorted(out.glob("*.template.json"))
    assert len(templates) == 1, f"{app}: expected one stack, got {templates}"
    return templates[0]


def deployed(cli_in, name, template, region):
    """A fresh workspace with `template` deployed (the parameters' defaults)."""
    target = cli_in(name, region)
    target.run(
        "cloudformation", "deploy", "--template-file", str(template), "--stack-name", "exported",
        "--capabilities", "CAPABILITY_NAMED_IAM",
    )
    return target


def holdings(cli, job):
    """What a workspace holds for the comparison: buckets, tables (columns, location) and the job."""
    buckets = sorted(line.split()[-1] for line in cli.run("s3", "ls").stdout.splitlines() if line.strip())
    tables = {}
    for db in cli.json("glue", "get-databases")["DatabaseList"]:
        for t in cli.json("glue", "get-tables", "--database-name", db["Name"])["TableList"]:
            sd = t["StorageDescriptor"]
            tables[f"{db['Name']}.{t['Name']}"] = (sd["Columns"], sd["Location"], sd.get("SerdeInfo"))
    return buckets, tables, cli.json("glue", "get-job", "--job-name", job)["Job"]


def test_every_example_exports_a_cdk_app_that_synthesizes_lints_and_deploys_back(cli_in):
    failures = []
    n = 0
    for label, source in workspaces(cli_in):
        for job in source.json("glue", "list-jobs")["JobNames"]:
            n += 1
            case = f"{label}: {job}"
            base = WORK / "cdk" / f"{n}"
            app = base / "app"
            source.run("export-job", "--job-name", job, "--format", "cdk", "--out-dir", str(app))
            source.run("export-job", "--job-name", job, "--out-dir", str(base / "cfn"))
            synthesized = synthesize(app)
            findings = lint([synthesized])[str(synthesized)]
            errors = [f"cfn-lint {rule} at {where}: {m}" for level, rule, m, where in findings if level == "Error"]
            region = source.region
            cdk = holdings(deployed(cli_in, f"cdk-deployed-{n}", synthesized, region), job)
            cfn = holdings(deployed(cli_in, f"cfn-deployed-{n}", base / "cfn" / f"{job}.template.json", region), job)
            want = source.json("glue", "get-job", "--job-name", job)["Job"]
            got = cdk[2]
            problems = list(errors)
            if cdk[0] != cfn[0]:
                problems.append(f"buckets {cdk[0]} != the CloudFormation export's {cfn[0]}")
            if cdk[1] != cfn[1]:
                problems.append(f"tables {sorted(cdk[1])} differ from the CloudFormation export's {sorted(cfn[1])}")
            for key in ("Name", "Description", "GlueVersion", "MaxRetries", "Timeout", "ExecutionProperty"):
                if got.get(key) != cfn[2].get(key):
                    problems.append(f"job {key}: {got.get(key)!r} != {cfn[2].get(key)!r}")
            if got["Role"].rsplit("/", 1)[-1] != cfn[2]["Role"].rsplit("/", 1)[-1]:
                problems.append(f"job Role {got['Role']} != {cfn[2]['Role']}")
            args = {k: v for k, v in got["DefaultArguments"].items() if k not in CONSTRUCT_ARGUMENTS}
            if args != cfn[2]["DefaultArguments"]:
                problems.append(f"job arguments {args} != the CloudFormation export's {cfn[2]['DefaultArguments']}")
            for k, v in want.get("DefaultArguments", {}).items():
                if got["DefaultArguments"].get(k) != v:
                    problems.append(f"argument {k}: {got['DefaultArguments'].get(k)!r}, the source job has {v!r}")
            verdict = "; ".join(problems) or "synthesized, linted, deployed back"
            record("cdk", not problems, case=case, real=verdict, gluelab="exported it")
            if problems:
                failures.append((case, problems))
    assert n > 0
    assert not failures, failures


def test_the_hr_jobs_cdk_app_carries_its_arguments_bookmark_option_and_connection(cli_in):
    source = cli_in("cdk-hr-checked")
    source.run("example", "load", "hr")
    job = "hr-monthly-employees"
    app = WORK / "cdk" / "hr-checked"
    printed = source.run("export-job", "--job-name", job, "--format", "cdk", "--out-dir", str(app)).stdout
    assert "node app.js" in printed
    template = json.loads(synthesize(app).read_text())
    resources = template["Resources"]
    jobs = [r for r in resources.values() if r["Type"] == "AWS::Glue::Job"]
    assert len(jobs) == 1
    props = jobs[0]["Properties"]
    arguments = props["DefaultArguments"]
    assert arguments["--job-bookmark-option"] == "job-bookmark-enable"
    assert arguments["--tenant_id"] == "acme-holdings"
    assert arguments["--job_id"] == job
    assert arguments["--job-language"] == "python"
    assert "--TempDir" in arguments, "the Redshift write stages in --TempDir"
    connections = {k: r for k, r in resources.items() if r["Type"] == "AWS::Glue::Connection"}
    assert len(connections) == 1, resources.keys()
    (logical, connection), = connections.items()
    assert connection["Properties"]["ConnectionInput"]["Name"] == "gluelab-warehouse"
    assert connection["Properties"]["ConnectionInput"]["ConnectionType"] == "JDBC"
    assert props["Connections"]["Connections"] == [{"Ref": logical}]
    # The script is an asset: the staged copy is the exported script.
    staged = list((app / "cdk.out").glob("asset.*.py"))
    assert len(staged) == 1 and staged[0].read_text() == (app / "glue" / f"{job}.py").read_text()
    record("cdk", True, case="hr job: arguments, bookmark option, connection")
