"""The fleet benchmark measures the fleet it says it measures: ~1 % of endpoints drifted.

`benchmarks/bench_fleet_drift.py` writes live bodies as the service returns them for an
undrifted endpoint, and drifts every hundredth. Should its bodies fall behind the drift tables
(they once kept `maxQueueWait: PT0.5S` after the recordings showed the service stores PT0S),
every deployment of the fleet would carry a finding and the benchmark would time a different
workload from the one its figures describe. Judged here at a small size: findings sit on the
drifted endpoints only, and a CLI v2 fleet adds only the one honest note per local code folder
(an ARM list carries no code version to compare `./src` with).
"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from iac_gen.drift import analyse
from iac_gen.live import read_live
from iac_gen.spec.load import load_specs
from tests.benchmark_scripts import benchmark_module

from .test_fixtures import EPOCH, ROOT

BENCH = ROOT / "benchmarks" / "bench_fleet_drift.py"
ENDPOINTS = 201  # endpoints 0, 100 and 200 are drifted


def bench_module() -> ModuleType:
    """The benchmark script as a module (it imports its neighbour `_measure`)."""
    return benchmark_module(BENCH.stem)


def _judge(
    tmp_path: Path, shape: str, monkeypatch: pytest.MonkeyPatch, live_form: str = "arm"
) -> dict[str, Any]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    bench = bench_module()
    specs, live = bench.generate(tmp_path, ENDPOINTS, shape, live_form)
    target = None
    if shape == "cliv2":
        target = {"subscription": bench.SUB, "resource_group": bench.RG, "workspace": bench.WS}
        target["location"] = "westeurope"
    return analyse(load_specs([specs], target), read_live(live), live_path=live)


def _endpoint(finding: dict[str, Any]) -> str:
    return str(finding["resource"]).split("/")[0]


DRIFTED = {"ep-00000", "ep-00100", "ep-00200"}


def test_native_fleet_drifts_on_its_drifted_endpoints_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _judge(tmp_path, "native", monkeypatch)
    findings = result["findings"]
    assert {_endpoint(f) for f in findings} == DRIFTED
    # each drifted endpoint: its auth mode and the capacity of its three deployments
    assert len(findings) == 4 * len(DRIFTED)
    assert result["summary"]["resources"]["modified"] == 4 * len(DRIFTED)


def test_cliv2_fleet_adds_only_the_code_folder_notes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    findings = _judge(tmp_path, "cliv2", monkeypatch)["findings"]
    notes = [f for f in findings if f["category"] == "code"]
    drift = [f for f in findings if f["category"] != "code"]
    assert {(f["change"], f["severity"]) for f in notes} == {("not_comparable", "info")}
    assert len(notes) == 3 * ENDPOINTS  # one per deployment's local ./src
    assert {_endpoint(f) for f in drift} == DRIFTED
    assert len(drift) == 4 * len(DRIFTED)


def test_the_bundle_form_judges_as_the_bodies_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The export bundle the benchmark can write holds the same bodies: the same verdict."""
    (tmp_path / "arm").mkdir()
    (tmp_path / "bundle").mkdir()
    bodies = _judge(tmp_path / "arm", "native", monkeypatch)
    bundle = _judge(tmp_path / "bundle", "native", monkeypatch, "bundle")
    assert read_live(tmp_path / "bundle" / "live.json").format == "bundle"
    for key in ("status", "summary", "findings", "resources", "coverage"):
        # the two fleets are written to two folders: findings name their spec files
        seen = json.dumps(bundle[key]).replace(str(tmp_path / "bundle"), "FLEET")
        assert seen == json.dumps(bodies[key]).replace(str(tmp_path / "arm"), "FLEET"), key
