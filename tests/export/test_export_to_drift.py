"""End to end: the emulator serves what the example spec deploys (desired state plus the
fields Azure fills in); `iac-gen export` reads it back and `iac-gen drift` finds it in sync,
then finds a capacity change made "in the portal" (on green: blue is autoscaled)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from iac_gen.emulator import Emulator
from iac_gen.emulator.data import served, workspace_body
from tests.conftest import FIXTURES
from tests.export.conftest import TOKEN, run_export

SPEC = FIXTURES / "example" / "spec.yaml"
SUB = "8f6b6269-84f2-4d09-9e31-1127efcd1e40"
RG = "rg-mlops-prod"
WS = "mlw-risk-prod"


def _deployed() -> list[dict[str, Any]]:
    from iac_gen.desired import desired_state
    from iac_gen.spec.load import load_specs

    [spec] = load_specs([SPEC])
    bodies = [served(r) for r in desired_state(spec).resources]
    return [*bodies, workspace_body(SUB, RG, WS)]


def _drift(live: Path, report: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "iac_gen", "drift", str(SPEC), "--live", str(live)]
    cmd += ["--report", str(report)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("capacity", [None, 5])
def test_export_then_drift(tmp_path: Path, capacity: int | None) -> None:
    bodies = _deployed()
    if capacity is not None:
        green = next(b for b in bodies if b["id"].endswith("/deployments/green"))
        green["sku"]["capacity"] = capacity
    with Emulator(bodies, token=TOKEN) as emu:
        args = ["--subscription", SUB, "--resource-group", RG, "--workspace", WS]
        run = run_export(emu, tmp_path / "live.json", *args, workspace_scope=False)
        emu.assert_only_allowed()
    assert run.code == 0, run.stderr
    types = sorted({r["type"] for r in run.bundle["resources"]})
    assert "Microsoft.Insights/autoscalesettings" in types
    assert "Microsoft.Insights/diagnosticSettings" in types
    drift = _drift(run.path, tmp_path / "report")
    result = json.loads((tmp_path / "report" / "drift.json").read_text(encoding="utf-8"))
    if capacity is None:
        assert drift.returncode == 0, drift.stdout + drift.stderr
        assert result["status"] == "in_sync"
    else:
        assert drift.returncode == 1, drift.stdout + drift.stderr
        changed = [f for f in result["findings"] if f["arm_path"] == "sku.capacity"]
        assert [(f["expected"], f["actual"]) for f in changed] == [(1, 5)]
