"""`iac-gen drift` through the real Typer app: verdict, exit codes, evidence files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from iac_gen.cli import app as app_module
from iac_gen.coverage import entries as coverage_entries
from iac_gen.diagnostics import InputError
from iac_gen.report.manifest import verify_manifest

ROOT = Path(__file__).resolve().parents[2]
EPOCH = "1790000000"

app_module._register()


def run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(app_module.app, args, catch_exceptions=True)
    if isinstance(result.exception, InputError):
        return 2, result.stdout, "".join(f"{d}\n" for d in result.exception.diagnostics)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(autouse=True)
def _repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def case_args(name: str, spec: str = "spec.yaml") -> list[str]:
    case = f"fixtures/drift-{name}"
    return ["drift", f"{case}/{spec}", "--live", f"{case}/live.json"]


def test_in_sync_exits_0() -> None:
    code, out, _ = run(case_args("example-in-sync"))
    assert code == 0
    assert out.startswith("drift: in_sync")


def test_drift_exits_1_and_names_the_findings(tmp_path: Path) -> None:
    report = tmp_path / "evidence"
    code, out, _ = run([*case_args("drifted"), "--report", str(report)])
    assert code == 1
    assert "HIGH     fraud-scoring: auth_mode" in out
    assert "fraud-scoring/red" in out and "takes 20%" in out
    names = sorted(p.name for p in report.iterdir())
    assert names == [
        "drift.html",
        "drift.json",
        "drift.junit.xml",
        "drift.md",
        "drift.sarif",
        "manifest.json",
    ]
    golden = ROOT / "fixtures/drift-drifted/expected/drift.json"
    assert (report / "drift.json").read_text(encoding="utf-8") == golden.read_text(encoding="utf-8")
    assert verify_manifest(report / "manifest.json") == []


def test_format_option_limits_the_reports(tmp_path: Path) -> None:
    code, _, _ = run([*case_args("drifted"), "--report", str(tmp_path), "--format", "md"])
    assert code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["drift.json", "drift.md", "manifest.json"]


def test_fail_on_raises_the_threshold() -> None:
    code, out, _ = run([*case_args("waived"), "--waivers", "fixtures/drift-waived/waivers.yaml"])
    assert code == 1 and "expired waivers (no longer applied): W-002" in out
    code, _, _ = run(
        [
            *case_args("waived"),
            "--waivers",
            "fixtures/drift-waived/waivers.yaml",
            "--fail-on",
            "low",
        ]
    )
    assert code == 0


def test_not_checked_exits_3() -> None:
    code, out, _ = run(case_args("not-checked"))
    assert code == 3 and "403 AuthorizationFailed" in out


def test_invalid_waivers_exit_2_and_write_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "waivers.yaml"
    bad.write_text(
        "waivers:\n  - id: W-1\n    resource: x\n    field: y\n    approver: a\n", "utf-8"
    )
    report = tmp_path / "evidence"
    code, _, err = run([*case_args("drifted"), "--waivers", str(bad), "--report", str(report)])
    assert code == 2
    assert f"{bad}:2:5: error IAC421" in err and "'reason' is a required property" in err
    assert not report.exists()


def test_unknown_fail_on_is_a_usage_error() -> None:
    code, _, _ = run([*case_args("drifted"), "--fail-on", "severe"])
    assert code == 2


def test_folder_of_cli_v2_files_with_target_options() -> None:
    target = json.loads((ROOT / "fixtures/drift-local-code/case.json").read_text())["target"]
    code, out, _ = run(
        [
            "drift",
            "fixtures/drift-local-code",
            "--live",
            "fixtures/drift-local-code/live.json",
            "--subscription",
            target["subscription"],
            "--resource-group",
            target["resource_group"],
            "--workspace",
            target["workspace"],
            "--location",
            target["location"],
        ]
    )
    assert code == 0 and "2 info" in out


def test_drift_help_imports_no_heavy_modules() -> None:
    probe = (
        "import sys\n"
        "from iac_gen.cli.app import main\n"
        "sys.argv = ['iac-gen', 'drift', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('azure', 'deepdiff')))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_large_live_files_are_read_beside_the_specs(monkeypatch: pytest.MonkeyPatch) -> None:
    from iac_gen.drift import inputs

    monkeypatch.setattr(inputs, "CONCURRENT_ABOVE_BYTES", 0)
    code, out, _ = run(case_args("drifted"))
    assert code == 1 and "auth_mode" in out


def test_problems_from_the_live_worker_are_reported(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from iac_gen.drift import inputs

    monkeypatch.setattr(inputs, "CONCURRENT_ABOVE_BYTES", 0)
    bad = tmp_path / "live.json"
    bad.write_text('{"value": [1, 2', encoding="utf-8")
    code, _, err = run(["drift", "fixtures/drift-drifted/spec.yaml", "--live", str(bad)])
    assert code == 2 and f"{bad}:1:" in err and "IAC413" in err


def test_the_bundled_example_is_in_sync_with_its_export(tmp_path: Path) -> None:
    """`make demo` runs exactly this; the example is in sync by design."""
    code, out, _ = run(
        [
            "drift",
            "fixtures/example/spec.yaml",
            "--live",
            "fixtures/example/live.json",
            "--report",
            str(tmp_path),
        ]
    )
    assert code == 0 and out.startswith("drift: in_sync")
    result = json.loads((tmp_path / "drift.json").read_text(encoding="utf-8"))
    assert result["summary"]["properties"]["drifted"] == 0
    assert result["summary"]["properties"]["matched"] > 50
    # The export holds the autoscale and diagnostic settings; both are compared and in sync.
    statuses = {r["type"]: r["status"] for r in result["resources"]}
    assert statuses["Microsoft.Insights/autoscalesettings"] == "in_sync"
    assert statuses["Microsoft.Insights/diagnosticSettings"] == "in_sync"
    matched = {c["resource"] for c in coverage_entries(result) if c["outcome"] == "matched"}
    assert matched >= {
        "credit-scoring/blue/autoscale",
        "credit-scoring/diagnostics/send-to-log-analytics",
    }
    # Alerts and role assignments are never exported: listed, not judged.
    reasons = {
        c["resource"].split("/")[1]: c.get("reason")
        for c in coverage_entries(result)
        if c["outcome"] == "not_comparable"
    }
    assert reasons == {
        "alerts": "not exported by iac-gen export",
        "roleAssignments": "not exported by iac-gen export",
    }
