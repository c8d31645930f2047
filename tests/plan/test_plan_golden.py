"""Golden plans: the plan document and its renderings for the cases a release manager meets.

Each case starts from what the emulator serves after deploying the spec (`served()` of every
desired body) and changes it the way Azure would show it. `plan.json` and `plan.md` are kept
for every case; the other formats (HTML, SARIF, JUnit) for the two cases with hazards.
Regenerate with `make golden` and review the diff.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from iac_gen.desired import desired_state
from iac_gen.emulator.data import served
from iac_gen.live.state import LiveState
from iac_gen.plan.build import plan
from iac_gen.report.registry import PLAN_REPORTERS
from iac_gen.spec.load import load_specs
from iac_gen.spec.overlay import resolve

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = Path(__file__).parent / "expected"
EXAMPLE = Path("fixtures/example/spec.yaml")  # relative: locations in the goldens stay portable
K8S = Path("fixtures/oracle-kubernetes")
K8S_TARGET = {
    "subscription": "00000000-0000-0000-0000-000000000000",
    "resource_group": "rg-ci",
    "workspace": "mlw-ci",
    "location": "westeurope",
}
Bodies = list[dict[str, Any]]


def one(bodies: Bodies, suffix: str) -> dict[str, Any]:
    (found,) = [b for b in bodies if str(b["id"]).endswith(suffix)]
    return found


def nothing(bodies: Bodies) -> Bodies:
    return []


def same(bodies: Bodies) -> Bodies:
    return bodies


def version_bump(bodies: Bodies) -> Bodies:
    dep = one(bodies, "/deployments/blue")
    dep["properties"]["model"] = dep["properties"]["model"].replace("/versions/7", "/versions/6")
    return bodies


def added_deployment(bodies: Bodies) -> Bodies:
    return [b for b in bodies if "/deployments/green" not in str(b["id"])]


def removed_deployment(bodies: Bodies) -> Bodies:
    extra = copy.deepcopy(one(bodies, "/deployments/green"))
    extra["id"] = extra["id"].replace("/deployments/green", "/deployments/old")
    extra["name"] = "old"
    return [*bodies, extra]


def autoscale_moved(bodies: Bodies) -> Bodies:
    one(bodies, "/deployments/blue")["sku"]["capacity"] = 7
    return bodies


def traffic_shift(bodies: Bodies) -> Bodies:
    endpoint = one(bodies, "/onlineEndpoints/credit-scoring")
    endpoint["properties"]["traffic"] = {"blue": 90, "green": 10}
    endpoint["properties"]["mirrorTraffic"] = {}
    return bodies


def kubernetes_model(bodies: Bodies) -> Bodies:
    dep = one(bodies, "/deployments/blue")
    dep["properties"]["model"] = dep["properties"]["model"].replace("/versions/1", "/versions/2")
    return bodies


CASES: dict[str, tuple[Path, str | None, dict[str, str], Callable[[Bodies], Bodies]]] = {
    "create-from-nothing": (EXAMPLE, "prod", {}, nothing),
    "in-sync": (EXAMPLE, "prod", {}, same),
    "version-bump": (EXAMPLE, "prod", {}, version_bump),
    "added-deployment": (EXAMPLE, "prod", {}, added_deployment),
    "removed-deployment": (EXAMPLE, "prod", {}, removed_deployment),
    "autoscale-moved-capacity": (EXAMPLE, "prod", {}, autoscale_moved),
    "traffic-shift": (EXAMPLE, "prod", {}, traffic_shift),
    "kubernetes-in-sync": (K8S, None, K8S_TARGET, same),
    "kubernetes-model-update": (K8S, None, K8S_TARGET, kubernetes_model),
}
ALL_FORMATS = {"removed-deployment", "autoscale-moved-capacity"}
STATUS = {
    "create-from-nothing": "changes",
    "in-sync": "no_change",
    "version-bump": "changes",
    "added-deployment": "changes",
    "removed-deployment": "no_change",  # left running, not changed: PLAN003 says so
    "autoscale-moved-capacity": "changes",
    "traffic-shift": "changes",
    "kubernetes-in-sync": "no_change",
    "kubernetes-model-update": "changes",
}


def planned(case: str) -> dict[str, Any]:
    spec_path, env, target, change = CASES[case]
    (spec,) = load_specs([spec_path], target or None)
    shown = resolve(spec, env) if env else spec
    bodies = [served(b) for b in desired_state(shown).resources]
    live = LiveState(resources=change(copy.deepcopy(bodies)))
    return plan([spec], live, env, generated_at="2026-01-01T00:00:00Z")


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_plan(case: str, golden: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = planned(case)
    assert result["status"] == STATUS[case]
    names = list(PLAN_REPORTERS) if case in ALL_FORMATS else ["json", "md"]
    for name in names:
        reporter = PLAN_REPORTERS[name]
        golden.check(EXPECTED / f"plan-{case}" / reporter.filename, reporter.render(result))
