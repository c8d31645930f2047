"""Drift against what the real service returned (`fixtures/recorded-*/`, with attribution).

For every recorded scenario and every live-input shape (ARM GET bodies, `az ml ... show`
output, Resource Graph rows): the scenario's spec against its recorded GET bodies is in sync,
with no finding but `not_comparable`; and each single-field change of a recorded GET is found
exactly once, at the field and severity the tables give it.
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from iac_gen.drift import analyse
from iac_gen.spec.load import load_specs
from tests.conftest import FIXTURES
from tests.drift.recorded_shapes import cli_shape, graph_rows

SCENARIOS = sorted(p.name for p in FIXTURES.glob("recorded-*") if p.is_dir())
SHAPES = ("arm", "cli", "graph")
KUBERNETES = "recorded-cli-k8s-gpu-updated-2022-02"
Bodies = list[dict[str, Any]]


def recorded(case: str) -> Bodies:
    return json.loads((FIXTURES / case / "live.json").read_text(encoding="utf-8"))


def target(case: str) -> dict[str, str]:
    return json.loads((FIXTURES / case / "target.json").read_text(encoding="utf-8"))


def write_shape(bodies: Bodies, shape: str, path: Path) -> Path:
    if shape == "arm":
        data: Any = bodies
    elif shape == "cli":
        data = cli_shape(bodies)
    else:
        tenant = (bodies[0].get("identity") or {}).get("tenantId", "")
        data = graph_rows(bodies, tenant)
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def run(case: str, bodies: Bodies, shape: str, tmp: Path, spec: Path | None = None) -> dict:
    specs = load_specs([spec or FIXTURES / case / "spec"], target(case))
    return analyse(specs, write_shape(bodies, shape, tmp / f"live-{shape}.json"))


def drift_findings(result: dict) -> list[dict]:
    return [f for f in result["findings"] if f["change"] != "not_comparable"]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("case", SCENARIOS)
def test_recorded_scenario_is_in_sync(case: str, shape: str, tmp_path: Path) -> None:
    result = run(case, recorded(case), shape, tmp_path)
    assert drift_findings(result) == []
    assert result["status"] == "in_sync"
    assert {r["status"] for r in result["resources"]} == {"in_sync"}


def test_kubernetes_instance_type_kept_from_an_earlier_put_is_shown_not_judged(
    tmp_path: Path,
) -> None:
    result = run(KUBERNETES, recorded(KUBERNETES), "arm", tmp_path)
    [kept] = [f for f in result["findings"] if f["change"] == "not_comparable"]
    assert kept["arm_path"] == "properties.instanceType" and kept["actual"] == "gpuinstance"
    assert "earlier PUT" in kept["message"]


# -- single-field changes -------------------------------------------------------------------


def _endpoint(b: Bodies) -> dict[str, Any]:
    return b[0]


def _deployment(b: Bodies) -> dict[str, Any]:
    return b[1]


def _other_auth(b: Bodies) -> None:
    props = _endpoint(b)["properties"]
    props["authMode"] = "AADToken" if props["authMode"] != "AADToken" else "Key"


def _set(getter: Callable[[Bodies], dict[str, Any]], path: str, value: Any) -> Callable:
    def change(b: Bodies) -> None:
        node = getter(b)
        *parents, last = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value(node.get(last)) if callable(value) else value

    return change


def _bump_version(asset_id: str) -> str:
    return asset_id.rsplit("/", 1)[0] + "/99"


def _dep(b: Bodies) -> str:
    return str(_deployment(b)["name"])


# name -> (change, spec field (`{dep}` = the deployment), severity, managed only)
CHANGES: dict[str, tuple[Callable[[Bodies], None], str, str, bool]] = {
    "auth mode": (_other_auth, "auth_mode", "high", False),
    "public access": (
        _set(_endpoint, "properties.publicNetworkAccess", "Disabled"),
        "public_network_access",
        "high",
        False,
    ),
    "identity": (_set(_endpoint, "identity", {"type": "None"}), "identity.type", "high", False),
    "traffic": (
        lambda b: _set(_endpoint, "properties.traffic", {_dep(b): 100})(b),
        "traffic.{dep}",
        "high",
        False,
    ),
    "mirror traffic": (
        lambda b: _set(_endpoint, "properties.mirrorTraffic", {_dep(b): 10})(b),
        "mirror_traffic.{dep}",
        "high",
        False,
    ),
    "endpoint tag": (
        _set(_endpoint, "tags.changed-in-portal", "yes"),
        "tags.changed-in-portal",
        "info",
        False,
    ),
    "sku": (
        _set(_deployment, "properties.instanceType", "Standard_E64s_v3"),
        "deployments.{dep}.instance_type",
        "medium",
        True,
    ),
    "instance count": (
        _set(_deployment, "sku.capacity", lambda n: n + 1),
        "deployments.{dep}.instance_count",
        "medium",
        True,
    ),
    "model": (
        _set(_deployment, "properties.model", _bump_version),
        "deployments.{dep}.model",
        "medium",
        False,
    ),
    "environment": (
        _set(_deployment, "properties.environmentId", _bump_version),
        "deployments.{dep}.environment",
        "medium",
        False,
    ),
    "probe": (
        _set(_deployment, "properties.livenessProbe.failureThreshold", lambda n: n + 2),
        "deployments.{dep}.liveness_probe.failure_threshold",
        "low",
        False,
    ),
    "deployment tag": (
        _set(_deployment, "tags.changed-in-portal", "yes"),
        "deployments.{dep}.tags.changed-in-portal",
        "info",
        False,
    ),
}


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", sorted(CHANGES))
@pytest.mark.parametrize("case", SCENARIOS)
def test_single_field_change_is_found_once(
    case: str, name: str, shape: str, tmp_path: Path
) -> None:
    change, field, severity, managed_only = CHANGES[name]
    bodies = recorded(case)
    if managed_only and case == KUBERNETES:
        pytest.skip("the Kubernetes spec sets no instance type or count (the service keeps them)")
    changed = copy.deepcopy(bodies)
    change(changed)
    found = drift_findings(run(case, changed, shape, tmp_path))
    expected = field.replace("{dep}", _dep(bodies))
    assert [(f["field"], f["severity"]) for f in found] == [(expected, severity)]


@pytest.mark.parametrize("shape", SHAPES)
def test_kubernetes_quantity_change_is_found_once(shape: str, tmp_path: Path) -> None:
    bodies = recorded(KUBERNETES)
    limits = bodies[1]["properties"]["containerResourceRequirements"]["containerResourceLimits"]
    assert limits["memory"] == "0.195Gi"  # the spec says 200Mi
    limits["memory"] = "0.196Gi"  # one rounding step more: 201Mi
    found = drift_findings(run(KUBERNETES, bodies, shape, tmp_path))
    dep = _dep(bodies)
    assert [(f["field"], f["severity"]) for f in found] == [
        (f"deployments.{dep}.resources", "medium")
    ]


# -- an environment variable the spec declares ---------------------------------------------


def _spec_declaring(case: str, tmp: Path, variables: dict[str, str]) -> Path:
    spec = tmp / "spec"
    shutil.copytree(FIXTURES / case / "spec", spec)
    deployment = next(p for p in spec.glob("*.yml") if p.name != "endpoint.yml")
    lines = "".join(f"  {k}: {json.dumps(v)}\n" for k, v in variables.items())
    with deployment.open("a", encoding="utf-8") as out:
        out.write("environment_variables:\n" + lines)
    return spec


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("case", ["recorded-ps-managed-aadtoken-2024-04"])
def test_declared_environment_variables_are_compared(case: str, shape: str, tmp_path: Path) -> None:
    """A declared key is compared, the service-written ones included (FP and FN)."""
    declared = {"WORKER_COUNT": "2", "AZUREML_ENTRY_SCRIPT": "score.py"}
    spec = _spec_declaring(case, tmp_path, declared)
    bodies = recorded(case)
    bodies[1]["properties"]["environmentVariables"]["WORKER_COUNT"] = "2"
    assert drift_findings(run(case, bodies, shape, tmp_path, spec)) == []
    dep = _dep(bodies)
    for key, value in (("WORKER_COUNT", "8"), ("AZUREML_ENTRY_SCRIPT", "other.py")):
        changed = copy.deepcopy(bodies)
        changed[1]["properties"]["environmentVariables"][key] = value
        found = drift_findings(run(case, changed, shape, tmp_path, spec))
        assert [(f["field"], f["severity"]) for f in found] == [
            (f"deployments.{dep}.environment_variables.{key}", "low")
        ]
    removed = copy.deepcopy(bodies)
    del removed[1]["properties"]["environmentVariables"]["AZUREML_ENTRY_SCRIPT"]
    found = drift_findings(run(case, removed, shape, tmp_path, spec))
    assert [f["change"] for f in found] == ["removed"]


# -- provisioning state ----------------------------------------------------------------------


@pytest.mark.parametrize("state", ["Creating", "Updating", "Deleting", "Failed", "Canceled"])
@pytest.mark.parametrize("shape", SHAPES)
def test_unsettled_body_is_not_checked_with_its_state(
    state: str, shape: str, tmp_path: Path
) -> None:
    case = "recorded-cli-managed-amltoken-2022-02"
    bodies = recorded(case)
    bodies[1]["properties"]["provisioningState"] = state
    bodies[1]["sku"]["capacity"] = 9  # a half-applied change is not reported as drift
    result = run(case, bodies, shape, tmp_path)
    assert result["status"] == "not_checked"
    [deployment] = [r for r in result["resources"] if "/deployments/" in r["id"]]
    assert deployment["status"] == "not_checked"
    assert deployment["reason"].startswith(f"provisioningState {state}")
    assert [e["reason"] for e in result["errors"]] == [deployment["reason"]]
    assert drift_findings(result) == []
    if state == "Failed":
        assert "FAILED" in deployment["reason"]


def test_settled_body_is_checked(tmp_path: Path) -> None:
    case = "recorded-cli-managed-amltoken-2022-02"
    bodies = recorded(case)
    bodies[1]["properties"]["provisioningState"] = "succeeded"  # any casing
    bodies[1]["sku"]["capacity"] = 9
    result = run(case, bodies, "arm", tmp_path)
    assert result["status"] == "drifted" and result["errors"] == []


def test_failed_deployment_is_named_first_in_every_report(tmp_path: Path) -> None:
    from iac_gen.report.registry import REPORTERS

    case = "recorded-cli-managed-amltoken-2022-02"
    bodies = recorded(case)
    result_ok = run(case, copy.deepcopy(bodies), "arm", tmp_path)
    bodies[1]["properties"]["provisioningState"] = "Failed"
    result = run(case, bodies, "arm", tmp_path)
    name = f"{bodies[0]['name']}/{bodies[1]['name']}"
    for fmt, reporter in REPORTERS.items():
        text = reporter.render(result)
        assert "FAILED" in text, fmt
        assert "FAILED" not in reporter.render(result_ok), fmt
    markdown = REPORTERS["md"].render(result)
    verdict = next(line for line in markdown.splitlines() if line.startswith("**"))
    assert f"FAILED in Azure: {name}" in verdict


def test_kubernetes_spec_compiles_to_every_target(tmp_path: Path) -> None:
    import subprocess
    import sys

    where = target(KUBERNETES)
    cmd = [sys.executable, "-m", "iac_gen", "compile", str(FIXTURES / KUBERNETES / "spec")]
    cmd += ["-o", str(tmp_path / "out"), "--target", "all"]
    for key in ("subscription", "resource_group", "workspace", "location"):
        cmd += [f"--{key.replace('_', '-')}", where[key]]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    [folder] = (tmp_path / "out").iterdir()
    assert {p.name for p in folder.iterdir()} >= {"main.json", "main.bicep", "resources.json"}
    template = json.loads((folder / "main.json").read_text(encoding="utf-8"))
    assert "200Mi" in json.dumps(template)  # the design's spelling; drift compares quantities
    resources = json.loads((folder / "resources.json").read_text(encoding="utf-8"))
    deployment = next(r for r in resources if r["type"].endswith("/deployments"))
    assert deployment["properties"]["endpointComputeType"] == "Kubernetes"
    assert "instanceType" not in deployment["properties"]
    # As the recorded update PUT sent it: a Kubernetes deployment always names its sku.
    assert deployment["sku"] == {"name": "Default"}
