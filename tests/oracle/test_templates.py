"""Every CloudFormation template gluelab exports, and the seed article's own, through cfn-lint.

Templates come from where a user gets them: `gluelab example load seed|hr` and the stories in
cli/examples/ (`scenario run`), then `gluelab export-job` for every job the workspace holds.
cfn-lint (AWS's linter, offline) must report no error; its warnings and informational findings
are listed in the oracle's notes.
"""

import json
import pathlib
import subprocess
import sys

from conftest import ROOT, WORK, note, record

CFN_LINT = str(pathlib.Path(sys.executable).parent / "cfn-lint")


def lint(paths):
    """cfn-lint's findings, one call for every template: {path: [(level, rule, message, where)]}."""
    done = subprocess.run([CFN_LINT, "-f", "json", "--", *map(str, paths)], capture_output=True, text=True)
    # 0: clean; bits 2/4/8: errors/warnings/informational. Anything else is cfn-lint failing.
    assert done.returncode in (0, 2, 4, 6, 8, 10, 12, 14), done.stderr
    found = {str(p): [] for p in paths}
    for f in json.loads(done.stdout or "[]"):
        where = "/".join(str(p) for p in f.get("Location", {}).get("Path") or [])
        found.setdefault(f["Filename"], []).append((f["Level"], f["Rule"]["Id"], f["Message"], where))
    return found


def export_all(cli, label):
    """Exports every job of the workspace; returns [(name, template path)]."""
    jobs = cli.json("glue", "list-jobs")["JobNames"]
    assert jobs, f"{label}: no job to export"
    out = []
    for job in jobs:
        out_dir = WORK / "exports" / label / job
        cli.run("export-job", "--job-name", job, "--out-dir", str(out_dir))
        template = out_dir / f"{job}.template.json"
        assert template.is_file(), f"{label}: export-job wrote no {template.name}"
        out.append((f"{label}: {job}.template.json", template))
    return out


def test_every_exported_template_and_the_seed_articles_own_pass_cfn_lint(cli_in):
    templates = []
    for example in ("seed", "hr"):
        cli = cli_in(f"templates-example-{example}")
        cli.run("example", "load", example)
        templates += export_all(cli, f"example load {example}")
    for scenario in sorted((ROOT / "cli" / "examples").glob("*.scenario")):
        cli = cli_in(f"templates-{scenario.name}")
        # The stories set their own regions (AWS_REGION lines).
        cli.run("scenario", "run", str(scenario))
        templates += export_all(cli, f"after {scenario.name}")
    templates.append(("core/fixtures/seed/template.yaml", ROOT / "core" / "fixtures" / "seed" / "template.yaml"))
    findings = lint([path for _, path in templates])
    failed = []
    for name, path in templates:
        errors = []
        for level, rule, message, where in findings[str(path)]:
            if level == "Error":
                errors.append(f"{rule} at {where}: {message}")
            else:
                note("templates", f"{name}: cfn-lint {level} {rule} at {where}: {message}")
        record("templates", not errors, case=name, real="; ".join(errors) or "no errors", gluelab="exported it")
        if errors:
            failed.append((name, errors))
    assert not failed, f"cfn-lint errors: {failed}"
