"""Every emitted resource against the resource provider's own type definitions.

Runs ../shared/tools/check_arm_types.py (the project's reference checker) when it is present.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.compile.conftest import CASES
from tests.conftest import ROOT

CHECKER = ROOT.parent / "shared" / "tools" / "check_arm_types.py"
pytestmark = pytest.mark.skipif(
    not CHECKER.exists(), reason=f"{CHECKER} not present (../shared absent)"
)


def check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(CHECKER), str(path)], capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_templates_pass_the_type_check(case: str, compiled: dict[str, Path]) -> None:
    done = check(compiled[case] / "main.json")
    assert done.returncode == 0, done.stdout
    assert " 0 problems" in done.stdout
    assert "unchecked" not in done.stdout.replace("Microsoft.Resources/deployments", ""), (
        done.stdout
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_desired_state_passes_the_type_check(
    case: str, compiled: dict[str, Path], tmp_path: Path
) -> None:
    # resources.json carries each resource's `id` by contract (the drift engine matches on
    # it); ARM computes `id` itself, so the checker calls it read-only. Everything else in
    # the bodies must pass as written.
    desired = json.loads((compiled[case] / "resources.json").read_text(encoding="utf-8"))
    stripped = tmp_path / "resources.json"
    stripped.write_text(json.dumps([{k: v for k, v in r.items() if k != "id"} for r in desired]))
    done = check(stripped)
    # `samplingRate` is a number on the wire (the SDK sends floats such as 0.5); the Bicep
    # type file says int only because Bicep has no fractional literals. The templates write
    # it as json('0.5'), as Bicep itself does; the desired state keeps the number.
    problems = [
        line
        for line in done.stdout.splitlines()
        if ": " in line and not line.endswith("samplingRate: expected integer, got float")
    ]
    assert not [p for p in problems if "resources checked" not in p], done.stdout
    assert f"{len(desired)} resources checked" in done.stdout


def test_the_checker_would_catch_a_casing_mistake(
    compiled: dict[str, Path], tmp_path: Path
) -> None:
    desired = json.loads((compiled["example"] / "resources.json").read_text(encoding="utf-8"))
    body = next(r for r in desired if r["type"].endswith("onlineEndpoints"))
    body = {k: v for k, v in body.items() if k != "id"}
    body["properties"]["authMode"] = "aadtoken"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([body]))
    done = check(bad)
    assert done.returncode == 1 and "casing" in done.stdout
